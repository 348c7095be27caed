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

/* See store-private.h. */
gboolean ck_store_hash_bytes(const char *hex, guint8 out[CK_HASH_BYTES])
{
    for (guint i = 0; i < CK_HASH_BYTES; i++) {
        int hi = g_ascii_xdigit_value(hex[2 * i]);
        int lo = hi < 0 ? -1 : g_ascii_xdigit_value(hex[2 * i + 1]);
        if (lo < 0)
            return FALSE;
        out[i] = (guint8)(hi << 4 | lo);
    }
    return hex[2 * CK_HASH_BYTES] == '\0';
}

/* Bind content hash HEX at ?1 of STMT as its 32 bytes; FALSE with *error
 * when it is not a SHA-256 in hex (a caller bug). */
static gboolean bind_hash(CkStore *store, sqlite3_stmt *stmt, const char *hex, GError **error)
{
    guint8 bytes[CK_HASH_BYTES];
    if (!ck_store_hash_bytes(hex, bytes)) {
        g_set_error(error, CK_STORE_ERROR, CK_STORE_ERROR_SQL, "%s: content hash '%.80s' is not a hex SHA-256",
                    store->path, hex);
        return FALSE;
    }
    sqlite3_bind_blob(stmt, 1, bytes, sizeof bytes, SQLITE_TRANSIENT);
    return TRUE;
}

/* See store.h. */
gboolean ck_store_source_seen(CkStore *store, const char *content_hash, gboolean *seen, GError **error)
{
    sqlite3_stmt *stmt = ck_store_prepare(store, "SELECT 1 FROM sources WHERE content_hash = ?1", error);
    if (!stmt || !bind_hash(store, stmt, content_hash, error))
        return FALSE;
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        ck_store_set_error(store, error, "looking up a source");
        return FALSE;
    }
    *seen = rc == SQLITE_ROW;
    return TRUE;
}

/* See store.h.  The message's own bytes are where messages.source_path
 * and source_offset say, so their row keeps path '' (offset 0) instead of
 * the same path again; a copy's row keeps where the copy is. */
gboolean ck_store_source_add(CkStore *store, const char *content_hash, gint64 message_rowid,
                             const char *path, gint64 offset, GError **error)
{
    sqlite3_stmt *stmt = ck_store_prepare(store,
        "INSERT OR IGNORE INTO sources(content_hash, message, path, offset)"
        " SELECT ?1, ?2, iif(own, '', ?3), iif(own, 0, ?4) FROM (SELECT coalesce((SELECT source_path = ?3"
        " AND source_offset = ?4 FROM messages WHERE id = ?2), 0) AS own)", error);
    if (!stmt || !bind_hash(store, stmt, content_hash, error))
        return FALSE;
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

/* See store-private.h. */
gint64 ck_store_subject_key(const char *subject_norm)
{
    guint64 h = 14695981039346656037ull;
    for (const guchar *p = (const guchar *)subject_norm; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    return (gint64)h;
}

/* See store.h. */
gboolean ck_store_find_case_by_subject(CkStore *store, const char *subject_norm, gint64 date,
                                       gint64 window, gint64 *case_rowid, GError **error)
{
    sqlite3_stmt *stmt = ck_store_prepare(store,
        "SELECT case_id FROM messages WHERE subject_key = ?4 AND subject_norm = ?1"
        " AND date BETWEEN ?2 AND ?3 ORDER BY date DESC LIMIT 1", error);
    if (!stmt)
        return FALSE;
    ck_store_bind_text(stmt, 1, subject_norm);
    sqlite3_bind_int64(stmt, 4, ck_store_subject_key(subject_norm));
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

/* ARRAY (taken over) as compact JSON text; caller frees. */
static char *array_to_json(JsonArray *array)
{
    JsonNode *node = json_node_init_array(json_node_alloc(), array);
    char *text = json_to_string(node, FALSE);
    json_node_unref(node);
    json_array_unref(array);
    return text;
}

/* Serialise a message's warnings as a JSON array string; caller frees. */
static char *warnings_json(const CkMessage *msg)
{
    JsonArray *array = json_array_new();
    for (guint i = 0; i < msg->warnings->len; i++)
        json_array_add_string_element(array, g_ptr_array_index(msg->warnings, i));
    return array_to_json(array);
}

/* Serialise a message's attachments as the JSON array string of
 * messages.attachments: {name, type, size, text_bytes} each, text_bytes
 * being the length of its text in attachment_text.  Caller frees. */
static char *attachments_json(const CkMessage *msg)
{
    JsonArray *array = json_array_new();
    for (guint i = 0; i < msg->attachments->len; i++) {
        const CkAttachment *att = g_ptr_array_index(msg->attachments, i);
        JsonObject *o = json_object_new();
        json_object_set_string_member(o, "name", att->name);
        json_object_set_string_member(o, "type", att->type);
        json_object_set_int_member(o, "size", att->size);
        json_object_set_int_member(o, "text_bytes", (gint64) strlen(att->text));
        json_array_add_object_element(array, o);
    }
    return array_to_json(array);
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
        " forwarded, source_path, source_offset, warnings, html_only, attachments, attachment_text,"
        " subject_key)"
        " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23)",
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
    /* raw_headers is not stored; the content hash is kept in sources only */
    const char *more[] = { joined_by, msg->body, msg->quoted, msg->signature, msg->forwarded,
                           msg->source_path };
    for (int i = 0; i < 6; i++)
        ck_store_bind_text(stmt, 12 + i, more[i]);
    sqlite3_bind_int64(stmt, 18, msg->source_offset);
    ck_store_bind_text(stmt, 19, warnings);
    sqlite3_bind_int(stmt, 20, msg->html_only);
    char *attachments = attachments_json(msg);
    char *attachment_text = ck_message_attachment_text(msg);
    ck_store_bind_text(stmt, 21, attachments);
    ck_store_bind_text(stmt, 22, attachment_text);
    sqlite3_bind_int64(stmt, 23, ck_store_subject_key(subject_norm ? subject_norm : ""));
    g_free(warnings);
    gboolean stored = ck_store_step_done(store, stmt, "storing a message", error);
    g_free(attachments);
    g_free(attachment_text);
    if (!stored)
        return FALSE;
    *message_rowid = sqlite3_last_insert_rowid(store->db);
    /* in a transaction the commit indexes the batch; alone, index it now */
    return insert_refs(store, *message_rowid, msg, error)
           && exec_one_id(store, "UPDATE cases SET dirty = 1 WHERE id = ?1", case_rowid,
                          "marking a case", error)
           && (store->tx_depth > 0 || ck_store_index_new(store, error));
}
