/* store.h — casekb's SQLite database: the only code that runs SQL.
 *
 * One CkStore is one connection (WAL mode while writing, foreign keys on, the "casekb" FTS5
 * tokenizer registered).  The schema is versioned with PRAGMA user_version
 * and upgraded by forward migrations on open; a database newer than this
 * build is refused.  Every function returns FALSE with *error set on
 * failure (domain CK_STORE_ERROR; the message names the database file and
 * what failed) and leaves out-parameters untouched.
 * Row ids (gint64) identify cases and messages inside one database; the
 * public identities are case keys (CAS-…, THR-…) and Message-IDs.
 */
#ifndef CASEKB_STORE_H
#define CASEKB_STORE_H

#include <glib.h>
#include <sqlite3.h>
#include <json-glib/json-glib.h>
#include "ingest/message.h"

#define CK_STORE_ERROR (ck_store_error_quark())
GQuark ck_store_error_quark(void);
typedef enum {
    CK_STORE_ERROR_SQL,       /* SQLite failed */
    CK_STORE_ERROR_VERSION,   /* database written by a newer casekb */
    CK_STORE_ERROR_NOT_FOUND  /* no such case / message */
} CkStoreError;

typedef struct CkStore CkStore;

/* Open (creating if absent) the database at PATH and bring its schema up to
 * date.  Caller closes with ck_store_close(). */
CkStore *ck_store_open(const char *path, GError **error);
/* Open the existing database at PATH for reading only: nothing is written,
 * migrated or rebuilt (a schema or full-text index that needs it fails with
 * CK_STORE_ERROR_VERSION, naming the command that upgrades), and it works
 * in a folder and on a file the caller may not write.  Caller closes with
 * ck_store_close(). */
CkStore *ck_store_open_readonly(const char *path, GError **error);
/* Close STORE (NULL is allowed); a writer that is the last connection
 * leaves the database in rollback-journal mode, without -wal/-shm files. */
void ck_store_close(CkStore *store);

/* The connection, for store/ modules (search) only; owned by the store. */
sqlite3 *ck_store_db(CkStore *store);
const char *ck_store_path(CkStore *store);

/* Transactions: ingest commits in batches. */
gboolean ck_store_begin(CkStore *store, GError **error);
gboolean ck_store_commit(CkStore *store, GError **error);
void ck_store_rollback(CkStore *store);

/* Add the messages stored since the last call to the full-text index
 * (schema.c).  ck_store_commit calls it, so a committed index is complete;
 * a caller may call it earlier, while its other threads are busy. */
gboolean ck_store_index_new(CkStore *store, GError **error);

/* Refresh the query planner's statistics (a bounded ANALYZE) and give
 * free pages back to the file system (databases created with incremental
 * auto-vacuum); ingest calls it after adding messages. */
gboolean ck_store_optimize(CkStore *store, GError **error);

/* Run FTS5's integrity-check: FALSE with *error when the full-text index
 * does not hold exactly the tokens of its content (messages_fts_content). */
gboolean ck_store_check_fts(CkStore *store, GError **error);

/* Key/value settings kept in the database (e.g. "support_domains").
 * ck_store_get_setting returns a newly allocated string or NULL. */
char *ck_store_get_setting(CkStore *store, const char *key);
gboolean ck_store_set_setting(CkStore *store, const char *key, const char *value, GError **error);

/* ---- ingest side ---- */

/* *seen = TRUE when raw bytes with this SHA-256 hex were ingested before. */
gboolean ck_store_source_seen(CkStore *store, const char *content_hash, gboolean *seen, GError **error);
/* Record that these raw bytes (at PATH:OFFSET) hold message MESSAGE_ROWID
 * (the location is kept only when it differs from the message's own). */
gboolean ck_store_source_add(CkStore *store, const char *content_hash, gint64 message_rowid,
                             const char *path, gint64 offset, GError **error);

/* Case and message row id of a stored Message-ID; 0 when absent. */
gboolean ck_store_find_message(CkStore *store, const char *message_id, gint64 *message_rowid,
                               gint64 *case_rowid, GError **error);
/* Case row id of a case key or alias; 0 when absent. */
gboolean ck_store_find_case_by_key(CkStore *store, const char *key_or_alias, gint64 *case_rowid,
                                   GError **error);
/* Row ids of the cases holding a message whose References name MESSAGE_ID
 * (children seen before their parent).  Appends gint64 to CASES. */
gboolean ck_store_find_cases_referencing(CkStore *store, const char *message_id, GArray *cases,
                                         GError **error);
/* The most recent case with a message whose normalised subject is
 * SUBJECT_NORM dated within WINDOW seconds of DATE; 0 when none. */
gboolean ck_store_find_case_by_subject(CkStore *store, const char *subject_norm, gint64 date,
                                       gint64 window, gint64 *case_rowid, GError **error);

/* Create a case with KEY; *case_rowid receives its row id. */
gboolean ck_store_case_create(CkStore *store, const char *key, gint64 *case_rowid, GError **error);
/* Add an alias (e.g. CMIT:0001828) to a case; an alias held by another case is kept there. */
gboolean ck_store_case_add_alias(CkStore *store, gint64 case_rowid, const char *alias, GError **error);
/* Move every message and alias of case FROM into case INTO and delete FROM. */
gboolean ck_store_case_merge(CkStore *store, gint64 from_rowid, gint64 into_rowid, GError **error);
/* Key of a case; caller frees.  NULL with error when absent. */
char *ck_store_case_key(CkStore *store, gint64 case_rowid, GError **error);

/* Insert MSG into case CASE_ROWID with the rule that joined it; its
 * references are indexed for ck_store_find_cases_referencing. */
gboolean ck_store_message_insert(CkStore *store, gint64 case_rowid, const CkMessage *msg,
                                 const char *subject_norm, const char *joined_by,
                                 gint64 *message_rowid, GError **error);

/* ---- case documents ---- */

/* One stored message of a case, as the case builder and reports need it. */
typedef struct {
    gint64 rowid;
    CkMessage *msg;     /* owned */
    char *side;         /* "support" / "customer" / "" */
    char *joined_by;
} CkStoredMessage;
void ck_stored_message_free(CkStoredMessage *sm);

/* The messages of a case in date order (then insertion order), as a
 * GPtrArray of CkStoredMessage * that frees its elements; content_hash is
 * left empty (the hash is kept in sources only: no reader of a case needs
 * it).  Caller unrefs. */
GPtrArray *ck_store_case_messages(CkStore *store, gint64 case_rowid, GError **error);

/* Case metadata computed by the case builder. */
typedef struct {
    char *title, *severity, *vendor, *stage, *customer, *status;
    gint64 opened, closed;
} CkCaseMeta;
void ck_case_meta_clear(CkCaseMeta *meta);

/* Write META and each message's side (SIDES: char * per message, in the
 * order of ck_store_case_messages) for a case. */
gboolean ck_store_case_update(CkStore *store, gint64 case_rowid, const CkCaseMeta *meta,
                              GPtrArray *messages, GPtrArray *sides, GError **error);

/* Store the analyzer's JSON for a case and index its causes and entities. */
gboolean ck_store_case_set_analysis(CkStore *store, gint64 case_rowid, JsonNode *analysis,
                                    GError **error);

/* All case row ids, oldest first.  Caller frees the GArray (of gint64). */
GArray *ck_store_case_ids(CkStore *store, GError **error);
/* Row ids of the cases changed since their metadata was last written. */
GArray *ck_store_dirty_case_ids(CkStore *store, GError **error);

/* Find the case for a user-given ID: a case key, an alias or a Message-ID
 * (with or without <>).  *case_rowid = 0 when none. */
gboolean ck_store_resolve_case(CkStore *store, const char *id, gint64 *case_rowid, GError **error);

/* The case document of the show --json contract, text as stored (callers
 * that print it mask product keys).  Caller unrefs. */
JsonNode *ck_store_case_document(CkStore *store, gint64 case_rowid, GError **error);

/* Which cases a list holds (every field optional: NULL / 0 means any).
 * Text fields are user input and reach SQL only as bound parameters. */
typedef enum {
    CK_CASE_SORT_OPENED,     /* oldest first (the default) */
    CK_CASE_SORT_NEWEST,     /* newest first */
    CK_CASE_SORT_UPDATED,    /* latest message first */
    CK_CASE_SORT_MESSAGES,   /* most messages first */
} CkCaseSort;

typedef struct {
    const char *status;      /* "open" or "closed" */
    const char *severity;    /* exact, ignoring ASCII case */
    const char *vendor;      /* exact, ignoring ASCII case */
    const char *customer;    /* substring, ignoring ASCII case */
    GPtrArray *customer_names; /* when set (strings): the customer contains any of them,
                                * ignoring ASCII case; replaces customer (e.g. a name and
                                * its aliases, analyzer/customers.h) */
    const char *cause;       /* a cause id, or a category ("activation") */
    const char *waiting_on;  /* open cases whose last message is from the other
                              * side: "us" (customer wrote last) or "customer" */
    gboolean has_since, has_until;
    gint64 since, until;     /* opened within [since, until], Unix seconds */
    CkCaseSort sort;
    gint64 limit, offset;    /* limit 0: no limit */
} CkCaseFilter;

/* The case list of cases --json: an array of {case_id, title, status,
 * messages, opened, closed, causes, vendor, customer, severity, updated,
 * last_side} for the cases FILTER selects (NULL: all), in its order.
 * Caller unrefs. */
JsonNode *ck_store_case_list(CkStore *store, const CkCaseFilter *filter, GError **error);

/* How many cases FILTER selects (ignoring its limit and offset). */
gboolean ck_store_case_count(CkStore *store, const CkCaseFilter *filter, gint64 *count, GError **error);

/* The cause ids stored for a case, best first.  Caller unrefs. */
GPtrArray *ck_store_case_cause_ids(CkStore *store, gint64 case_rowid, GError **error);

/* Per cause, the cases it fired on and its mean score, for `rules stats`:
 * {"cases": total cases, "causes": {"id": {"cases": n, "mean_score": x}}}.
 * Caller unrefs. */
JsonNode *ck_store_cause_stats(CkStore *store, GError **error);

/* The sender domains that appear in the most cases, most first: appends up
 * to LIMIT domains (char *) to DOMAINS and their case counts (gint64) to
 * COUNTS. */
gboolean ck_store_top_sender_domains(CkStore *store, guint limit, GPtrArray *domains, GArray *counts,
                                     GError **error);

/* Display names of the senders whose address is in one of DOMAINS
 * (NULL-terminated); appends char * to NAMES. */
gboolean ck_store_sender_names_in_domains(CkStore *store, const char *const *domains, GPtrArray *names,
                                          GError **error);

/* The highest message row id (0 when empty): grows with the archive. */
gboolean ck_store_message_high_water(CkStore *store, gint64 *max_rowid, GError **error);

/* Mark dirty every case holding a message not yet on the support side
 * whose sender's domain is in DOMAINS or whose name is in NAMES (both
 * NULL-terminated), so its sides are computed again. */
gboolean ck_store_mark_cases_with_senders(CkStore *store, const char *const *domains,
                                          const char *const *names, GError **error);

/* Counts for summaries: number of cases and messages. */
gboolean ck_store_counts(CkStore *store, gint64 *cases, gint64 *messages, GError **error);

#endif
