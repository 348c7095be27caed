/* schema.c — casekb's schema and its forward migrations.
 *
 * MIGRATIONS[i] upgrades a database at user_version i to i + 1.  Append new
 * steps; never edit a shipped one.  A database whose user_version is beyond
 * the last step was written by a newer casekb and is refused.
 */
#include "store/store-private.h"

/* Index the messages the full-text index does not hold yet: those above
 * the highest indexed row id (see migration 4 -> 5). */
#define FTS_INDEX_PENDING                                                                  \
    "INSERT INTO messages_fts(rowid, subject, body, quoted)"                               \
    " SELECT id, subject, body, quoted FROM messages_fts_content"                          \
    " WHERE id > (SELECT coalesce(max(id), 0) FROM messages_fts_docsize)"

static const char *const MIGRATIONS[] = {
    /* 0 -> 1: cases, messages, their sources and references, FTS. */
    "CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE cases("
    "  id INTEGER PRIMARY KEY, case_key TEXT NOT NULL UNIQUE,"
    "  title TEXT NOT NULL DEFAULT '', severity TEXT NOT NULL DEFAULT '',"
    "  vendor TEXT NOT NULL DEFAULT '', stage TEXT NOT NULL DEFAULT '',"
    "  customer TEXT NOT NULL DEFAULT '', status TEXT NOT NULL DEFAULT 'open',"
    "  opened INTEGER NOT NULL DEFAULT 0, closed INTEGER NOT NULL DEFAULT 0,"
    "  analysis TEXT, analysed_at INTEGER NOT NULL DEFAULT 0,"
    "  dirty INTEGER NOT NULL DEFAULT 1);"
    "CREATE TABLE case_aliases(alias TEXT PRIMARY KEY,"
    "  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE);"
    "CREATE TABLE messages("
    "  id INTEGER PRIMARY KEY,"
    "  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,"
    "  message_id TEXT NOT NULL UNIQUE, synthesized_id INTEGER NOT NULL DEFAULT 0,"
    "  in_reply_to TEXT NOT NULL DEFAULT '', subject TEXT NOT NULL DEFAULT '',"
    "  subject_norm TEXT NOT NULL DEFAULT '', from_name TEXT NOT NULL DEFAULT '',"
    "  from_addr TEXT NOT NULL DEFAULT '', to_addr TEXT NOT NULL DEFAULT '',"
    "  side TEXT NOT NULL DEFAULT '', date INTEGER NOT NULL DEFAULT 0,"
    "  tz_offset INTEGER NOT NULL DEFAULT 0, joined_by TEXT NOT NULL DEFAULT '',"
    "  body TEXT NOT NULL DEFAULT '', quoted TEXT NOT NULL DEFAULT '',"
    "  signature TEXT NOT NULL DEFAULT '', forwarded TEXT NOT NULL DEFAULT '',"
    "  raw_headers TEXT NOT NULL DEFAULT '', source_path TEXT NOT NULL DEFAULT '',"
    "  source_offset INTEGER NOT NULL DEFAULT 0, content_hash TEXT NOT NULL DEFAULT '',"
    "  warnings TEXT NOT NULL DEFAULT '[]', html_only INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX messages_case ON messages(case_id, date);"
    "CREATE INDEX messages_subject ON messages(subject_norm, date);"
    "CREATE TABLE message_refs(message INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,"
    "  ref TEXT NOT NULL, PRIMARY KEY(message, ref)) WITHOUT ROWID;"
    "CREATE INDEX message_refs_ref ON message_refs(ref);"
    "CREATE TABLE sources(content_hash TEXT PRIMARY KEY,"
    "  message INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,"
    "  path TEXT NOT NULL, offset INTEGER NOT NULL);"
    "CREATE TABLE case_causes(case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,"
    "  cause_id TEXT NOT NULL, score REAL NOT NULL, PRIMARY KEY(case_id, cause_id));"
    "CREATE INDEX case_causes_cause ON case_causes(cause_id);"
    "CREATE TABLE case_entities(case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,"
    "  type TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY(case_id, type, value));"
    "CREATE INDEX case_entities_value ON case_entities(type, value);"
    "CREATE VIRTUAL TABLE messages_fts USING fts5(subject, body, quoted,"
    "  content='messages', content_rowid='id', tokenize='casekb');"
    "CREATE TRIGGER messages_fts_ai AFTER INSERT ON messages BEGIN"
    "  INSERT INTO messages_fts(rowid, subject, body, quoted)"
    "  VALUES (new.id, new.subject, new.body || char(10) || new.forwarded, new.quoted); END;"
    "CREATE TRIGGER messages_fts_ad AFTER DELETE ON messages BEGIN"
    "  INSERT INTO messages_fts(messages_fts, rowid, subject, body, quoted)"
    "  VALUES ('delete', old.id, old.subject, old.body || char(10) || old.forwarded, old.quoted); END;"
    "CREATE TRIGGER messages_fts_au AFTER UPDATE OF subject, body, quoted, forwarded ON messages BEGIN"
    "  INSERT INTO messages_fts(messages_fts, rowid, subject, body, quoted)"
    "  VALUES ('delete', old.id, old.subject, old.body || char(10) || old.forwarded, old.quoted);"
    "  INSERT INTO messages_fts(rowid, subject, body, quoted)"
    "  VALUES (new.id, new.subject, new.body || char(10) || new.forwarded, new.quoted); END;",
    /* 1 -> 2: a covering index for search hits (message -> case, date), so
     * ranking many hits does not read the large message rows. */
    "CREATE INDEX messages_hit ON messages(id, case_id, date);",
    /* 2 -> 3: the index and its content agree by construction.  The FTS
     * table's external content is the view messages_fts_content, whose body
     * column is the new text plus the forwarded text; the triggers copy rows
     * from the view (BEFORE a change: delete what was indexed; AFTER it:
     * index the new row), so 'rebuild' and 'integrity-check' read exactly
     * what the triggers wrote.  Schemas 1 and 2 indexed body || forwarded
     * against the messages table, whose body is the new text only. */
    "DROP TRIGGER messages_fts_ai; DROP TRIGGER messages_fts_ad; DROP TRIGGER messages_fts_au;"
    "DROP TABLE messages_fts;"
    "CREATE VIEW messages_fts_content(id, subject, body, quoted) AS"
    "  SELECT id, subject, body || char(10) || forwarded, quoted FROM messages;"
    "CREATE VIRTUAL TABLE messages_fts USING fts5(subject, body, quoted,"
    "  content='messages_fts_content', content_rowid='id', tokenize='casekb');"
    "CREATE TRIGGER messages_fts_ai AFTER INSERT ON messages BEGIN"
    "  INSERT INTO messages_fts(rowid, subject, body, quoted)"
    "  SELECT id, subject, body, quoted FROM messages_fts_content WHERE id = new.id; END;"
    "CREATE TRIGGER messages_fts_bd BEFORE DELETE ON messages BEGIN"
    "  INSERT INTO messages_fts(messages_fts, rowid, subject, body, quoted)"
    "  SELECT 'delete', id, subject, body, quoted FROM messages_fts_content WHERE id = old.id; END;"
    "CREATE TRIGGER messages_fts_bu BEFORE UPDATE OF subject, body, quoted, forwarded ON messages BEGIN"
    "  INSERT INTO messages_fts(messages_fts, rowid, subject, body, quoted)"
    "  SELECT 'delete', id, subject, body, quoted FROM messages_fts_content WHERE id = old.id; END;"
    "CREATE TRIGGER messages_fts_au AFTER UPDATE OF subject, body, quoted, forwarded ON messages BEGIN"
    "  INSERT INTO messages_fts(rowid, subject, body, quoted)"
    "  SELECT id, subject, body, quoted FROM messages_fts_content WHERE id = new.id; END;"
    "INSERT INTO messages_fts(messages_fts) VALUES ('rebuild');",
    /* 3 -> 4: attachments.  messages.attachments is a JSON array of
     * {name, type, size, text_bytes}; attachment_text holds the decoded text
     * of the text attachments, in order, each followed by a newline
     * (text_bytes excludes it; 0 for attachments that are not text).  The
     * text is indexed with the body (FTS5 cannot read a content view that
     * calls json_each, hence a plain column), so the view and the update
     * triggers gain it. */
    "ALTER TABLE messages ADD COLUMN attachments TEXT NOT NULL DEFAULT '[]';"
    "ALTER TABLE messages ADD COLUMN attachment_text TEXT NOT NULL DEFAULT '';"
    "DROP TRIGGER messages_fts_bu; DROP TRIGGER messages_fts_au;"
    "DROP VIEW messages_fts_content;"
    "CREATE VIEW messages_fts_content(id, subject, body, quoted) AS"
    "  SELECT id, subject, body || char(10) || forwarded || char(10) || attachment_text, quoted"
    "  FROM messages;"
    "CREATE TRIGGER messages_fts_bu BEFORE UPDATE OF subject, body, quoted, forwarded, attachment_text"
    "  ON messages BEGIN"
    "  INSERT INTO messages_fts(messages_fts, rowid, subject, body, quoted)"
    "  SELECT 'delete', id, subject, body, quoted FROM messages_fts_content WHERE id = old.id; END;"
    "CREATE TRIGGER messages_fts_au AFTER UPDATE OF subject, body, quoted, forwarded, attachment_text"
    "  ON messages BEGIN"
    "  INSERT INTO messages_fts(rowid, subject, body, quoted)"
    "  SELECT id, subject, body, quoted FROM messages_fts_content WHERE id = new.id; END;"
    "INSERT INTO messages_fts(messages_fts) VALUES ('rebuild');",
    /* 4 -> 5: the index is filled per transaction, not per row (an FTS5
     * insert per row flushed the index at every statement).  New rows are
     * indexed by ck_store_commit with FTS_INDEX_PENDING: every row above the
     * highest indexed row id (messages_fts_docsize holds one row per indexed
     * message).  Row ids only grow, so "indexed" is exactly "id <= that
     * maximum"; a delete or an indexed-column update first indexes the
     * pending rows, so the triggers only ever see indexed rows.  A partial
     * index finds the dirty cases without scanning every case. */
    "DROP TRIGGER messages_fts_ai; DROP TRIGGER messages_fts_bd; DROP TRIGGER messages_fts_bu;"
    "CREATE TRIGGER messages_fts_bd BEFORE DELETE ON messages BEGIN " FTS_INDEX_PENDING ";"
    "  INSERT INTO messages_fts(messages_fts, rowid, subject, body, quoted)"
    "  SELECT 'delete', id, subject, body, quoted FROM messages_fts_content WHERE id = old.id; END;"
    "CREATE TRIGGER messages_fts_bu BEFORE UPDATE OF subject, body, quoted, forwarded, attachment_text"
    "  ON messages BEGIN " FTS_INDEX_PENDING ";"
    "  INSERT INTO messages_fts(messages_fts, rowid, subject, body, quoted)"
    "  SELECT 'delete', id, subject, body, quoted FROM messages_fts_content WHERE id = old.id; END;"
    "CREATE INDEX cases_dirty ON cases(id) WHERE dirty;",
    /* 5 -> 6: smaller storage.  raw_headers is dropped: no reader ever used
     * it (a third of the message rows), and the original header block stays
     * one seek away at source_path:source_offset.  The SHA-256 of a
     * message's bytes is kept once, as 32 bytes, in a sources table
     * without a second (rowid) index; messages.content_hash (the same hash
     * as hex) is dropped (new rows name the path only for copies: a
     * message's own bytes are at its source_path).  Rule text that analyses repeat in every case
     * (cause and checklist descriptions) is kept once in analysis_parts
     * (see store-analysis.c); analyses stored before stay as they are.
     * Subject look-ups go through an index of a 64-bit hash of the
     * normalised subject (subject_key, then the text is compared) instead
     * of one holding the whole text. */
    "ALTER TABLE messages DROP COLUMN raw_headers;"
    "ALTER TABLE messages DROP COLUMN content_hash;"
    "CREATE TABLE sources_v6(content_hash BLOB PRIMARY KEY,"
    "  message INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,"
    "  path TEXT NOT NULL, offset INTEGER NOT NULL) WITHOUT ROWID;"
    "INSERT OR IGNORE INTO sources_v6 SELECT casekb_unhex(content_hash), message, path, offset"
    "  FROM sources WHERE length(content_hash) = 64;"
    "DROP TABLE sources; ALTER TABLE sources_v6 RENAME TO sources;"
    "CREATE TABLE analysis_parts(id INTEGER PRIMARY KEY, hash BLOB NOT NULL UNIQUE, body TEXT NOT NULL);"
    "ALTER TABLE messages ADD COLUMN subject_key INTEGER NOT NULL DEFAULT 0;"
    "UPDATE messages SET subject_key = casekb_subject_key(subject_norm);"
    "DROP INDEX messages_subject;"
    "CREATE INDEX messages_subject_key ON messages(subject_key, date);",
};

/* Read PRAGMA user_version into *version. */
static gboolean schema_version(CkStore *store, int *version, GError **error)
{
    sqlite3_stmt *stmt = ck_store_prepare(store, "PRAGMA user_version", error);
    if (!stmt)
        return FALSE;
    if (sqlite3_step(stmt) != SQLITE_ROW) {
        ck_store_set_error(store, error, "reading the schema version");
        return FALSE;
    }
    *version = sqlite3_column_int(stmt, 0);
    sqlite3_reset(stmt);
    return TRUE;
}

/* SQL function casekb_unhex(TEXT): the 32 bytes of a 64-digit hex SHA-256,
 * or NULL for anything else (migration 5 -> 6 converts stored hashes). */
static void sql_unhex(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    guint8 bytes[CK_HASH_BYTES];
    const char *hex = (const char *)sqlite3_value_text(argv[0]);
    if (hex && ck_store_hash_bytes(hex, bytes))
        sqlite3_result_blob(ctx, bytes, sizeof bytes, SQLITE_TRANSIENT);
    else
        sqlite3_result_null(ctx);
}

/* SQL function casekb_subject_key(TEXT): ck_store_subject_key of it. */
static void sql_subject_key(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const char *text = (const char *)sqlite3_value_text(argv[0]);
    sqlite3_result_int64(ctx, ck_store_subject_key(text ? text : ""));
}

/* Register the SQL functions the migrations call. */
static gboolean register_functions(CkStore *store, GError **error)
{
    const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
    if (sqlite3_create_function(store->db, "casekb_unhex", 1, flags, NULL, sql_unhex, NULL, NULL) != SQLITE_OK
        || sqlite3_create_function(store->db, "casekb_subject_key", 1, flags, NULL, sql_subject_key, NULL,
                                   NULL) != SQLITE_OK) {
        ck_store_set_error(store, error, "registering the schema upgrade's functions");
        return FALSE;
    }
    return TRUE;
}

/* See store-private.h.  Each step runs in its own transaction with the
 * version bump, so an interrupted upgrade leaves a consistent database.
 * A read-only store is only checked: an old schema fails, naming the
 * command that upgrades it. */
gboolean ck_store_migrate(CkStore *store, GError **error)
{
    int version = 0;
    const int latest = (int)G_N_ELEMENTS(MIGRATIONS);
    if (!schema_version(store, &version, error))
        return FALSE;
    if (version > latest) {
        g_set_error(error, CK_STORE_ERROR, CK_STORE_ERROR_VERSION,
                    "%s: database schema version %d is newer than this casekb (%d); upgrade casekb",
                    store->path, version, latest);
        return FALSE;
    }
    if (store->readonly && version == 0) {
        g_set_error(error, CK_STORE_ERROR, CK_STORE_ERROR_VERSION,
                    "%s: not a casekb database yet (run 'casekb ingest' first)", store->path);
        return FALSE;
    }
    if (store->readonly && version < latest) {
        g_set_error(error, CK_STORE_ERROR, CK_STORE_ERROR_VERSION,
                    "%s: database schema version %d is older than this casekb (%d); run 'casekb analyze'"
                    " once with write access to upgrade it", store->path, version, latest);
        return FALSE;
    }
    if (version < latest && !register_functions(store, error))
        return FALSE;
    for (; version < latest; version++) {
        char *bump = g_strdup_printf("PRAGMA user_version = %d", version + 1);
        gboolean ok = ck_store_exec(store, "BEGIN IMMEDIATE", error)
                      && ck_store_exec(store, MIGRATIONS[version], error)
                      && ck_store_exec(store, bump, error)
                      && ck_store_exec(store, "COMMIT", error);
        g_free(bump);
        if (!ok) {
            sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
            g_prefix_error(error, "upgrading schema to version %d: ", version + 1);
            return FALSE;
        }
    }
    return TRUE;
}

/* See store.h. */
gboolean ck_store_index_new(CkStore *store, GError **error)
{
    sqlite3_stmt *stmt = ck_store_prepare(store, FTS_INDEX_PENDING, error);
    return stmt && ck_store_step_done(store, stmt, "adding new messages to the full-text index", error);
}

/* See store.h.  The rank argument 1 makes FTS5 compare the index with the
 * external content too (without it only the index's own structure is
 * checked). */
gboolean ck_store_check_fts(CkStore *store, GError **error)
{
    sqlite3_stmt *stmt = ck_store_prepare(store,
        "INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)", error);
    return stmt && ck_store_step_done(store, stmt, "checking the full-text index against the messages",
                                      error);
}
