/* store.c — opening the database, statements, transactions, settings. */
#include "store/store-private.h"
#include "store/fts-tokenizer.h"

G_DEFINE_QUARK(casekb-store-error-quark, ck_store_error)

/* See store-private.h. */
void ck_store_set_error(CkStore *store, GError **error, const char *what)
{
    g_set_error(error, CK_STORE_ERROR, CK_STORE_ERROR_SQL, "%s: %s: %s",
                store->path, what, sqlite3_errmsg(store->db));
}

/* See store-private.h. */
sqlite3_stmt *ck_store_prepare(CkStore *store, const char *sql, GError **error)
{
    sqlite3_stmt *stmt = g_hash_table_lookup(store->statements, sql);
    if (stmt) {
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
        return stmt;
    }
    if (sqlite3_prepare_v3(store->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK) {
        ck_store_set_error(store, error, "preparing a statement");
        return NULL;
    }
    g_hash_table_insert(store->statements, g_strdup(sql), stmt);
    return stmt;
}

/* See store-private.h. */
gboolean ck_store_exec(CkStore *store, const char *sql, GError **error)
{
    char *msg = NULL;
    if (sqlite3_exec(store->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        g_set_error(error, CK_STORE_ERROR, CK_STORE_ERROR_SQL, "%s: %s", store->path,
                    msg ? msg : sqlite3_errmsg(store->db));
        sqlite3_free(msg);
        return FALSE;
    }
    return TRUE;
}

/* See store-private.h. */
gboolean ck_store_step_done(CkStore *store, sqlite3_stmt *stmt, const char *what, GError **error)
{
    int rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        ck_store_set_error(store, error, what);
        sqlite3_reset(stmt);
        return FALSE;
    }
    sqlite3_reset(stmt);
    return TRUE;
}

/* See store-private.h. */
void ck_store_bind_text(sqlite3_stmt *stmt, int index, const char *text)
{
    sqlite3_bind_text(stmt, index, text ? text : "", -1, SQLITE_TRANSIENT);
}

/* See store-private.h. */
char *ck_store_column_dup(sqlite3_stmt *stmt, int col)
{
    const unsigned char *t = sqlite3_column_text(stmt, col);
    return g_strdup(t ? (const char *)t : "");
}

/* Finalize a cached statement (hash table value destructor). */
static void statement_finalize(gpointer stmt)
{
    sqlite3_finalize(stmt);
}

/* Rebuild the full-text index when it was built by another version of the
 * tokenizer (its tokens would no longer match the queries' tokens). */
static gboolean store_check_fts_version(CkStore *store, GError **error)
{
    char *want = g_strdup_printf("%d", CK_FTS_TOKENIZER_VERSION);
    char *have = ck_store_get_setting(store, "fts_tokenizer_version");
    gboolean ok = TRUE;
    if (g_strcmp0(have, want) != 0)
        ok = ck_store_exec(store, "BEGIN IMMEDIATE;"
                                  "INSERT INTO messages_fts(messages_fts) VALUES ('rebuild');", error)
             && ck_store_set_setting(store, "fts_tokenizer_version", want, error)
             && ck_store_exec(store, "COMMIT", error);
    if (!ok)
        sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
    g_free(want);
    g_free(have);
    return ok;
}

/* Connection settings every casekb connection uses. */
static gboolean store_configure(CkStore *store, GError **error)
{
    sqlite3_busy_timeout(store->db, 10000);
    return ck_store_exec(store, "PRAGMA journal_mode = WAL;"
                                "PRAGMA synchronous = NORMAL;"
                                "PRAGMA foreign_keys = ON;"
                                "PRAGMA temp_store = MEMORY;", error)
           && ck_fts_tokenizer_register(store->db, error)
           && ck_store_migrate(store, error)
           && store_check_fts_version(store, error);
}

/* See store.h. */
CkStore *ck_store_open(const char *path, GError **error)
{
    CkStore *store = g_new0(CkStore, 1);
    store->path = g_strdup(path);
    store->statements = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, statement_finalize);
    int rc = sqlite3_open_v2(path, &store->db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        g_set_error(error, CK_STORE_ERROR, CK_STORE_ERROR_SQL, "%s: cannot open database: %s", path,
                    store->db ? sqlite3_errmsg(store->db) : sqlite3_errstr(rc));
        ck_store_close(store);
        return NULL;
    }
    sqlite3_extended_result_codes(store->db, 1);
    if (!store_configure(store, error)) {
        ck_store_close(store);
        return NULL;
    }
    return store;
}

/* See store.h. */
void ck_store_close(CkStore *store)
{
    if (!store)
        return;
    g_hash_table_destroy(store->statements);
    sqlite3_close(store->db);
    g_free(store->path);
    g_free(store);
}

/* See store.h. */
sqlite3 *ck_store_db(CkStore *store)
{
    return store->db;
}

/* See store.h. */
const char *ck_store_path(CkStore *store)
{
    return store->path;
}

/* See store.h.  Nested calls only count depth; the outermost commits. */
gboolean ck_store_begin(CkStore *store, GError **error)
{
    if (store->tx_depth++ > 0)
        return TRUE;
    if (!ck_store_exec(store, "BEGIN IMMEDIATE", error)) {
        store->tx_depth = 0;
        return FALSE;
    }
    return TRUE;
}

/* See store.h. */
gboolean ck_store_commit(CkStore *store, GError **error)
{
    if (store->tx_depth == 0 || --store->tx_depth > 0)
        return TRUE;
    return ck_store_exec(store, "COMMIT", error);
}

/* See store.h. */
void ck_store_rollback(CkStore *store)
{
    if (store->tx_depth == 0)
        return;
    store->tx_depth = 0;
    sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
}

/* See store.h.  analysis_limit keeps it to a fraction of a second on a
 * large archive. */
gboolean ck_store_optimize(CkStore *store, GError **error)
{
    return ck_store_exec(store, "PRAGMA analysis_limit = 400; ANALYZE;", error);
}

/* See store.h. */
char *ck_store_get_setting(CkStore *store, const char *key)
{
    sqlite3_stmt *stmt = ck_store_prepare(store, "SELECT value FROM settings WHERE key = ?1", NULL);
    if (!stmt)
        return NULL;
    ck_store_bind_text(stmt, 1, key);
    char *value = sqlite3_step(stmt) == SQLITE_ROW ? ck_store_column_dup(stmt, 0) : NULL;
    sqlite3_reset(stmt);
    return value;
}

/* See store.h. */
gboolean ck_store_set_setting(CkStore *store, const char *key, const char *value, GError **error)
{
    sqlite3_stmt *stmt = ck_store_prepare(store,
        "INSERT INTO settings(key, value) VALUES (?1, ?2)"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value", error);
    if (!stmt)
        return FALSE;
    ck_store_bind_text(stmt, 1, key);
    ck_store_bind_text(stmt, 2, value);
    return ck_store_step_done(store, stmt, "saving a setting", error);
}

/* See store.h. */
gboolean ck_store_counts(CkStore *store, gint64 *cases, gint64 *messages, GError **error)
{
    sqlite3_stmt *stmt = ck_store_prepare(store,
        "SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM messages)", error);
    if (!stmt)
        return FALSE;
    if (sqlite3_step(stmt) != SQLITE_ROW) {
        ck_store_set_error(store, error, "counting cases");
        sqlite3_reset(stmt);
        return FALSE;
    }
    *cases = sqlite3_column_int64(stmt, 0);
    *messages = sqlite3_column_int64(stmt, 1);
    sqlite3_reset(stmt);
    return TRUE;
}
