/* store.c — opening the database, statements, transactions, settings. */
#include "store/store-private.h"
#include "store/fts-tokenizer.h"

#include <glib/gstdio.h>
#include <signal.h>

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
 * tokenizer (its tokens would no longer match the queries' tokens).  A
 * read-only store cannot: it fails, naming the command that rebuilds. */
static gboolean store_check_fts_version(CkStore *store, GError **error)
{
    g_autofree char *want = g_strdup_printf("%d", CK_FTS_TOKENIZER_VERSION);
    g_autofree char *have = ck_store_get_setting(store, "fts_tokenizer_version");
    if (g_strcmp0(have, want) == 0)
        return TRUE;
    if (store->readonly) {
        g_set_error(error, CK_STORE_ERROR, CK_STORE_ERROR_VERSION,
                    "%s: the full-text index was built by another casekb; run 'casekb analyze' once"
                    " with write access to rebuild it", store->path);
        return FALSE;
    }
    gboolean ok = ck_store_exec(store, "BEGIN IMMEDIATE;"
                                       "INSERT INTO messages_fts(messages_fts) VALUES ('rebuild');", error)
                  && ck_store_set_setting(store, "fts_tokenizer_version", want, error)
                  && ck_store_exec(store, "COMMIT", error);
    if (!ok)
        sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
    return ok;
}

/* A writer's page cache: 64 MiB (SQLite's default is 2 MiB).  An ingest
 * looks up every message's content hash, Message-ID, references and
 * subject in indexes that outgrow 2 MiB after some 10,000 messages; each
 * miss was a pread() on the writer thread, and each batch spilled dirty
 * pages to the log before its commit wrote them again (20,000 generated
 * messages: 121,000 preads and 125,000 pwrites before, 25,000 and 86,000
 * after).  The cache fills only as far as the database is used.  The log
 * is copied back to the database every 4,000 pages (32 MiB) instead of
 * 1,000, so pages that every batch changes (index leaves, case rows) are
 * copied, and synced, a quarter as often (14,000 preads, 75,000 pwrites,
 * 33 fdatasyncs instead of 84). */
#define WRITER_CACHE "PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 4000;"

/* Connection settings every casekb connection uses; a writer also puts the
 * database in WAL mode.  Brings the schema and index up to date (a
 * read-only store only checks that they are). */
static gboolean store_configure(CkStore *store, GError **error)
{
    sqlite3_busy_timeout(store->db, 10000);
    /* Only a new database takes these: 8 KiB pages (mail rows span fewer
     * overflow pages: about 4% less on disk than 4 KiB pages), and free
     * pages that ck_store_optimize can give back to the file system. */
    return (store->readonly
            || ck_store_exec(store, "PRAGMA page_size = 8192; PRAGMA auto_vacuum = INCREMENTAL;"
                                    "PRAGMA journal_mode = WAL;", error))
           && ck_store_exec(store, "PRAGMA synchronous = NORMAL;"
                                   "PRAGMA foreign_keys = ON;"
                                   "PRAGMA temp_store = MEMORY;", error)
           && (store->readonly || ck_store_exec(store, WRITER_CACHE, error))
           && ck_fts_tokenizer_register(store->db, error)
           && ck_store_migrate(store, error)
           && store_check_fts_version(store, error);
}

/* Open STORE's connection to URI (a path, or a file: URI) with FLAGS. */
static gboolean store_connect(CkStore *store, const char *uri, int flags, GError **error)
{
    int rc = sqlite3_open_v2(uri, &store->db, flags | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        g_set_error(error, CK_STORE_ERROR, CK_STORE_ERROR_SQL, "%s: cannot open database: %s", store->path,
                    store->db ? sqlite3_errmsg(store->db) : sqlite3_errstr(rc));
        return FALSE;
    }
    sqlite3_extended_result_codes(store->db, 1);
    return TRUE;
}

/* Whether no write-ahead log or rollback journal beside STORE's database
 * holds anything (files absent or empty). */
static gboolean store_no_pending_log(CkStore *store)
{
    static const char *const suffixes[] = {"-wal", "-journal"};
    for (guint i = 0; i < G_N_ELEMENTS(suffixes); i++) {
        g_autofree char *log = g_strconcat(store->path, suffixes[i], NULL);
        GStatBuf st;
        if (g_stat(log, &st) == 0 && st.st_size > 0)
            return FALSE;
    }
    return TRUE;
}

/* A file: URI opening PATH as immutable (no locks, no -shm).  Caller frees. */
static char *immutable_uri(const char *path)
{
    g_autofree char *escaped = g_uri_escape_string(path, "/", FALSE);
    return g_strconcat(path[0] == '/' ? "file://" : "file:", escaped, "?immutable=1", NULL);
}

/* Make a read-only connection readable.  A WAL database needs its -shm
 * file, which a reader cannot create in a folder it may not write; when no
 * log holds anything (the last writer closed cleanly) nothing is lost by
 * reading the main file as immutable, so reconnect that way.  (Immutable
 * takes no locks: a writer starting meanwhile, necessarily another user
 * who can write the folder, may make that reader fail.) */
static gboolean store_connect_readonly(CkStore *store, GError **error)
{
    if (!store_connect(store, store->path, SQLITE_OPEN_READONLY, error))
        return FALSE;
    int rc = sqlite3_exec(store->db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        return TRUE;
    if ((rc & 0xff) != SQLITE_READONLY && (rc & 0xff) != SQLITE_CANTOPEN) {
        ck_store_set_error(store, error, "reading the database");
        return FALSE;
    }
    if (!store_no_pending_log(store)) {
        g_set_error(error, CK_STORE_ERROR, CK_STORE_ERROR_SQL,
                    "%s: cannot read the database: its -wal or -journal file holds changes that a user who"
                    " can write the folder must recover (by running 'casekb analyze')", store->path);
        return FALSE;
    }
    sqlite3_close(store->db);
    store->db = NULL;
    g_autofree char *uri = immutable_uri(store->path);
    return store_connect(store, uri, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, error);
}

/* Open PATH read-write (creating it) or read-only; see store.h. */
static CkStore *store_open(const char *path, gboolean readonly, GError **error)
{
    CkStore *store = g_new0(CkStore, 1);
    store->path = g_strdup(path);
    store->readonly = readonly;
    store->statements = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, statement_finalize);
    gboolean ok = readonly ? store_connect_readonly(store, error)
                           : store_connect(store, path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, error);
    if (!ok || !store_configure(store, error)) {
        ck_store_close(store);
        return NULL;
    }
    store->configured = TRUE;
    return store;
}

/* See store.h. */
CkStore *ck_store_open(const char *path, GError **error)
{
    return store_open(path, FALSE, error);
}

/* See store.h. */
CkStore *ck_store_open_readonly(const char *path, GError **error)
{
    return store_open(path, TRUE, error);
}

/* See store.h.  A writer leaves the database in rollback-journal mode
 * when it is the last connection (checkpointing and removing the -wal and
 * -shm files), so that readers in a folder they cannot write need neither;
 * with other connections open it stays in WAL mode.  A database refused on
 * open (e.g. a newer schema) is left alone. */
void ck_store_close(CkStore *store)
{
    if (!store)
        return;
    g_hash_table_destroy(store->statements);
    if (store->configured && !store->readonly) {
        sqlite3_busy_timeout(store->db, 0);
        sqlite3_exec(store->db, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
    }
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

/* Test hook: with CASEKB_TEST_KILL_AFTER_BATCHES=N in the environment, a
 * writer kills itself (SIGKILL, as `kill -9` would) right after its Nth
 * committed transaction (an ingest commits one per batch), so tests can
 * interrupt it at a known point. */
static void store_maybe_kill_for_test(CkStore *store)
{
    const char *after = g_getenv("CASEKB_TEST_KILL_AFTER_BATCHES");
    gint64 n = after ? g_ascii_strtoll(after, NULL, 10) : 0;
    if (n > 0 && ++store->commits >= (guint64)n)
        raise(SIGKILL);
}

/* See store.h. */
gboolean ck_store_commit(CkStore *store, GError **error)
{
    if (store->tx_depth == 0 || --store->tx_depth > 0)
        return TRUE;
    if (!ck_store_index_new(store, error) || !ck_store_exec(store, "COMMIT", error)) {
        store->tx_depth = 1;   /* still open: the caller's ck_store_rollback ends it */
        return FALSE;
    }
    store_maybe_kill_for_test(store);
    return TRUE;
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
    return ck_store_exec(store, "PRAGMA analysis_limit = 400; ANALYZE; PRAGMA incremental_vacuum;", error);
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
