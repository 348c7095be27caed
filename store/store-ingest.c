/* store-ingest.c — the writes and look-ups that ingest and case building use. */
#include "store/store-private.h"

/* Run SQL with ?1 bound to TEXT and put the first column of the first row
 * in *out (0 when there is no row). */
static gboolean query_id_by_text(CkStore *store, const char *sql, const char *text, gint64 *out,
                                 const char *what, GError **error)
{
    sqlite3_stmt *stmt = ck_store_prepare(store, sql, error);
    if (!stmt)
        return FALSE;
    ck_store_bind_text(stmt, 1, text);
    int rc = sqlite3_step(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        ck_store_set_error(store, error, what);
        sqlite3_reset(stmt);
        return FALSE;
    }
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
    sqlite3_reset(stmt);
    return TRUE;
}

/* See store.h. */
gboolean ck_store_source_seen(CkStore *store, const char *content_hash, gboolean *seen, GError **error)
{
    gint64 id = 0;
    if (!query_id_by_text(store, "SELECT message FROM sources WHERE content_hash = ?1",
                          content_hash, &id, "looking up a source", error))
        return FALSE;
    *seen = id != 0;
    return TRUE;
}

/* See store.h. */
gboolean ck_store_source_add(CkStore *store, const char *content_hash, gint64 message_rowid,
                             const char *path, gint64 offset, GError **error)
{
    sqlite3_stmt *stmt = ck_store_prepare(store,
        "INSERT OR IGNORE INTO sources(content_hash, message, path, offset) VALUES (?1, ?2, ?3, ?4)",
        error);
    if (!stmt)
        return FALSE;
    ck_store_bind_text(stmt, 1, content_hash);
    sqlite3_bind_int64(stmt, 2, message_rowid);
    ck_store_bind_text(stmt, 3, path);
    sqlite3_bind_int64(stmt, 4, offset);
    return ck_store_step_done(store, stmt, "recording a source", error);
}

/* See store.h. */
gboolean ck_store_find_message(CkStore *store, const char *message_id, gint64 *message_rowid,
                               gint64 *case_rowid, GError **error)
{
    sqlite3_stmt *stmt = ck_store_prepare(store,
        "SELECT id, case_id FROM messages WHERE message_id = ?1", error);
    if (!stmt)
        return FALSE;
    ck_store_bind_text(stmt, 1, message_id);
    int rc = sqlite3_step(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        ck_store_set_error(store, error, "looking up a message");
        sqlite3_reset(stmt);
        return FALSE;
    }
    if (message_rowid)
        *message_rowid = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
    if (case_rowid)
        *case_rowid = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 1) : 0;
    sqlite3_reset(stmt);
    return TRUE;
}

/* See store.h. */
gboolean ck_store_find_case_by_key(CkStore *store, const char *key_or_alias, gint64 *case_rowid,
                                   GError **error)
{
    return query_id_by_text(store,
        "SELECT id FROM cases WHERE case_key = ?1"
        " UNION ALL SELECT case_id FROM case_aliases WHERE alias = ?1 LIMIT 1",
        key_or_alias, case_rowid, "looking up a case", error);
}

/* See store.h. */
gboolean ck_store_find_cases_referencing(CkStore *store, const char *message_id, GArray *cases,
                                         GError **error)
{
    sqlite3_stmt *stmt = ck_store_prepare(store,
        "SELECT DISTINCT m.case_id FROM message_refs r JOIN messages m ON m.id = r.message"
        " WHERE r.ref = ?1 ORDER BY m.case_id", error);
    if (!stmt)
        return FALSE;
    ck_store_bind_text(stmt, 1, message_id);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        gint64 id = sqlite3_column_int64(stmt, 0);
        g_array_append_val(cases, id);
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) {
        ck_store_set_error(store, error, "looking up references");
        return FALSE;
    }
    return TRUE;
}

/* See store.h. */
gboolean ck_store_find_case_by_subject(CkStore *store, const char *subject_norm, gint64 date,
                                       gint64 window, gint64 *case_rowid, GError **error)
{
    sqlite3_stmt *stmt = ck_store_prepare(store,
        "SELECT case_id FROM messages WHERE subject_norm = ?1 AND date BETWEEN ?2 AND ?3"
        " ORDER BY date DESC LIMIT 1", error);
    if (!stmt)
        return FALSE;
    ck_store_bind_text(stmt, 1, subject_norm);
    sqlite3_bind_int64(stmt, 2, date - window);
    sqlite3_bind_int64(stmt, 3, date + window);
    int rc = sqlite3_step(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        ck_store_set_error(store, error, "looking up a subject");
        sqlite3_reset(stmt);
        return FALSE;
    }
    *case_rowid = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
    sqlite3_reset(stmt);
    return TRUE;
}

/* See store.h. */
gboolean ck_store_case_create(CkStore *store, const char *key, gint64 *case_rowid, GError **error)
{
    sqlite3_stmt *stmt = ck_store_prepare(store, "INSERT INTO cases(case_key) VALUES (?1)", error);
    if (!stmt)
        return FALSE;
    ck_store_bind_text(stmt, 1, key);
    if (!ck_store_step_done(store, stmt, "creating a case", error))
        return FALSE;
    *case_rowid = sqlite3_last_insert_rowid(store->db);
    return TRUE;
}

/* See store.h. */
gboolean ck_store_case_add_alias(CkStore *store, gint64 case_rowid, const char *alias, GError **error)
{
    sqlite3_stmt *stmt = ck_store_prepare(store,
        "INSERT OR IGNORE INTO case_aliases(alias, case_id) VALUES (?1, ?2)", error);
    if (!stmt)
        return FALSE;
    ck_store_bind_text(stmt, 1, alias);
    sqlite3_bind_int64(stmt, 2, case_rowid);
    return ck_store_step_done(store, stmt, "adding an alias", error);
}

/* Run SQL binding ?1 = a, ?2 = b; no result rows. */
static gboolean exec_two_ids(CkStore *store, const char *sql, gint64 a, gint64 b, const char *what,
                             GError **error)
{
    sqlite3_stmt *stmt = ck_store_prepare(store, sql, error);
    if (!stmt)
        return FALSE;
    sqlite3_bind_int64(stmt, 1, a);
    sqlite3_bind_int64(stmt, 2, b);
    return ck_store_step_done(store, stmt, what, error);
}

/* Run SQL binding ?1 = id; no result rows. */
static gboolean exec_one_id(CkStore *store, const char *sql, gint64 id, const char *what, GError **error)
{
    sqlite3_stmt *stmt = ck_store_prepare(store, sql, error);
    if (!stmt)
        return FALSE;
    sqlite3_bind_int64(stmt, 1, id);
    return ck_store_step_done(store, stmt, what, error);
}

/* See store.h. */
gboolean ck_store_case_merge(CkStore *store, gint64 from_rowid, gint64 into_rowid, GError **error)
{
    if (from_rowid == into_rowid)
        return TRUE;
    return exec_two_ids(store, "UPDATE messages SET case_id = ?2 WHERE case_id = ?1",
                        from_rowid, into_rowid, "merging messages", error)
           && exec_two_ids(store, "UPDATE OR IGNORE case_aliases SET case_id = ?2 WHERE case_id = ?1",
                           from_rowid, into_rowid, "merging aliases", error)
           && exec_one_id(store, "UPDATE cases SET dirty = 1 WHERE id = ?1", into_rowid,
                          "marking a case", error)
           && exec_one_id(store, "DELETE FROM cases WHERE id = ?1", from_rowid,
                          "deleting a merged case", error);
}

/* See store.h. */
char *ck_store_case_key(CkStore *store, gint64 case_rowid, GError **error)
{
    sqlite3_stmt *stmt = ck_store_prepare(store, "SELECT case_key FROM cases WHERE id = ?1", error);
    if (!stmt)
        return NULL;
    sqlite3_bind_int64(stmt, 1, case_rowid);
    char *key = NULL;
    if (sqlite3_step(stmt) == SQLITE_ROW)
        key = ck_store_column_dup(stmt, 0);
    else
        g_set_error(error, CK_STORE_ERROR, CK_STORE_ERROR_NOT_FOUND, "%s: no case with row id %"
                    G_GINT64_FORMAT, store->path, case_rowid);
    sqlite3_reset(stmt);
    return key;
}

/* Serialise a message's warnings as a JSON array string; caller frees. */
static char *warnings_json(const CkMessage *msg)
{
    JsonArray *array = json_array_new();
    for (guint i = 0; i < msg->warnings->len; i++)
        json_array_add_string_element(array, g_ptr_array_index(msg->warnings, i));
    JsonNode *node = json_node_init_array(json_node_alloc(), array);
    char *text = json_to_string(node, FALSE);
    json_node_unref(node);
    json_array_unref(array);
    return text;
}

/* Index each reference of a stored message. */
static gboolean insert_refs(CkStore *store, gint64 message_rowid, const CkMessage *msg, GError **error)
{
    for (guint i = 0; i < msg->references->len; i++) {
        sqlite3_stmt *stmt = ck_store_prepare(store,
            "INSERT OR IGNORE INTO message_refs(message, ref) VALUES (?1, ?2)", error);
        if (!stmt)
            return FALSE;
        sqlite3_bind_int64(stmt, 1, message_rowid);
        ck_store_bind_text(stmt, 2, g_ptr_array_index(msg->references, i));
        if (!ck_store_step_done(store, stmt, "recording a reference", error))
            return FALSE;
    }
    return TRUE;
}

/* See store.h. */
gboolean ck_store_message_insert(CkStore *store, gint64 case_rowid, const CkMessage *msg,
                                 const char *subject_norm, const char *joined_by,
                                 gint64 *message_rowid, GError **error)
{
    sqlite3_stmt *stmt = ck_store_prepare(store,
        "INSERT INTO messages(case_id, message_id, synthesized_id, in_reply_to, subject, subject_norm,"
        " from_name, from_addr, to_addr, date, tz_offset, joined_by, body, quoted, signature,"
        " forwarded, raw_headers, source_path, source_offset, content_hash, warnings, html_only)"
        " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22)",
        error);
    if (!stmt)
        return FALSE;
    char *warnings = warnings_json(msg);
    sqlite3_bind_int64(stmt, 1, case_rowid);
    ck_store_bind_text(stmt, 2, msg->message_id);
    sqlite3_bind_int(stmt, 3, msg->message_id_synthesized);
    ck_store_bind_text(stmt, 4, msg->in_reply_to);
    const char *texts[] = { msg->subject, subject_norm, msg->from_name, msg->from_addr, msg->to };
    for (int i = 0; i < 5; i++)
        ck_store_bind_text(stmt, 5 + i, texts[i]);
    sqlite3_bind_int64(stmt, 10, msg->date);
    sqlite3_bind_int(stmt, 11, msg->tz_offset_min);
    const char *more[] = { joined_by, msg->body, msg->quoted, msg->signature, msg->forwarded,
                           msg->raw_headers, msg->source_path };
    for (int i = 0; i < 7; i++)
        ck_store_bind_text(stmt, 12 + i, more[i]);
    sqlite3_bind_int64(stmt, 19, msg->source_offset);
    ck_store_bind_text(stmt, 20, msg->content_hash);
    ck_store_bind_text(stmt, 21, warnings);
    sqlite3_bind_int(stmt, 22, msg->html_only);
    g_free(warnings);
    if (!ck_store_step_done(store, stmt, "storing a message", error))
        return FALSE;
    *message_rowid = sqlite3_last_insert_rowid(store->db);
    return insert_refs(store, *message_rowid, msg, error)
           && exec_one_id(store, "UPDATE cases SET dirty = 1 WHERE id = ?1", case_rowid,
                          "marking a case", error);
}
