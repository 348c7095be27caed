/* store-private.h — helpers shared by the store/ files; not for other modules. */
#ifndef CASEKB_STORE_PRIVATE_H
#define CASEKB_STORE_PRIVATE_H

#include "store/store.h"

struct CkStore {
    sqlite3 *db;
    char *path;
    GHashTable *statements;   /* SQL text -> sqlite3_stmt *, finalized on close */
    int tx_depth;
    gboolean readonly;        /* opened by ck_store_open_readonly(): never writes */
    gboolean configured;      /* schema checked: ck_store_close() may switch journal mode */
    guint commits;            /* outermost transactions committed, for the test kill hook */
};

/* A prepared statement for SQL, cached on the store and reset with its
 * bindings cleared; the store owns it.  NULL with *error on failure. */
sqlite3_stmt *ck_store_prepare(CkStore *store, const char *sql, GError **error);

/* Set *error from the connection's last message, prefixed by WHAT. */
void ck_store_set_error(CkStore *store, GError **error, const char *what);

/* Run SQL with no result rows (may hold several statements). */
gboolean ck_store_exec(CkStore *store, const char *sql, GError **error);

/* Step a statement that returns no rows; FALSE with *error unless SQLITE_DONE. */
gboolean ck_store_step_done(CkStore *store, sqlite3_stmt *stmt, const char *what, GError **error);

/* Bind a UTF-8 string (NULL -> "") at 1-based INDEX, copied by SQLite. */
void ck_store_bind_text(sqlite3_stmt *stmt, int index, const char *text);

/* Column text as a newly allocated string ("" for NULL). */
char *ck_store_column_dup(sqlite3_stmt *stmt, int col);

/* Create or upgrade the schema (schema.c); a read-only store only checks it. */
gboolean ck_store_migrate(CkStore *store, GError **error);

/* Bytes of a SHA-256 content hash as stored (sources.content_hash). */
#define CK_HASH_BYTES 32

/* Decode the 64 hex digits of HEX into OUT; FALSE (OUT undefined) when HEX
 * is not exactly 64 hex digits (store-ingest.c). */
gboolean ck_store_hash_bytes(const char *hex, guint8 out[CK_HASH_BYTES]);

/* The text to store for ANALYSIS, rule text moved to analysis_parts
 * (store-analysis.c).  Caller g_free()s; NULL with *error on failure. */
char *ck_store_analysis_pack(CkStore *store, JsonNode *analysis, GError **error);

/* The analysis stored as TEXT, as it was before packing (an unpacked or
 * pre-schema-6 text is parsed as it is).  NULL for "" or invalid JSON.
 * Caller unrefs. */
JsonNode *ck_store_analysis_unpack(CkStore *store, const char *text);

/* The messages.subject_key of a normalised subject: a 64-bit FNV-1a hash
 * (equal subjects, equal keys; look-ups compare the text too). */
gint64 ck_store_subject_key(const char *subject_norm);


#endif
