/* store-case.c — reading cases back: messages, documents, lists; writing
 * what the case builder and the analyzer computed. */
#include "store/store-private.h"

/* See store.h. */
void ck_stored_message_free(CkStoredMessage *sm)
{
    if (!sm)
        return;
    ck_message_free(sm->msg);
    g_free(sm->side);
    g_free(sm->joined_by);
    g_free(sm);
}

/* See store.h. */
void ck_case_meta_clear(CkCaseMeta *meta)
{
    g_free(meta->title);
    g_free(meta->severity);
    g_free(meta->vendor);
    g_free(meta->stage);
    g_free(meta->customer);
    g_free(meta->status);
    memset(meta, 0, sizeof *meta);
}

#define MESSAGE_COLUMNS \
    "id, message_id, synthesized_id, in_reply_to, subject, from_name, from_addr, to_addr, side," \
    " date, tz_offset, joined_by, body, quoted, signature, forwarded, source_path, source_offset," \
    " '' AS content_hash, warnings, html_only, attachments, attachment_text"

/* Replace *field (owned) by column COL's text. */
static void take_column(char **field, sqlite3_stmt *stmt, int col)
{
    g_free(*field);
    *field = ck_store_column_dup(stmt, col);
}

/* Parse the stored warnings JSON array into msg->warnings. */
static void load_warnings(CkMessage *msg, const char *json)
{
    JsonNode *node = json_from_string(json, NULL);
    if (node && JSON_NODE_HOLDS_ARRAY(node)) {
        JsonArray *array = json_node_get_array(node);
        for (guint i = 0; i < json_array_get_length(array); i++)
            g_ptr_array_add(msg->warnings, g_strdup(json_array_get_string_element(array, i)));
    }
    if (node)
        json_node_unref(node);
}

/* Rebuild msg->attachments from the stored attachments JSON and
 * attachment_text (each text attachment's text_bytes bytes, then "\n"). */
static void load_attachments(CkMessage *msg, const char *json, const char *text)
{
    JsonNode *node = json_from_string(json ? json : "[]", NULL);
    JsonArray *array = node && JSON_NODE_HOLDS_ARRAY(node) ? json_node_get_array(node) : NULL;
    gsize text_len = text ? strlen(text) : 0, pos = 0;
    for (guint i = 0; array && i < json_array_get_length(array); i++) {
        JsonObject *o = json_array_get_object_element(array, i);
        if (!o)
            continue;
        gint64 n = json_object_get_int_member_with_default(o, "text_bytes", 0);
        gsize take = n > 0 && pos < text_len ? MIN((gsize) n, text_len - pos) : 0;
        char *part = g_strndup(text ? text + pos : "", take);
        pos += take + (take > 0);
        g_ptr_array_add(msg->attachments,
                        ck_attachment_new(json_object_get_string_member_with_default(o, "name", ""),
                                          json_object_get_string_member_with_default(o, "type", ""),
                                          json_object_get_int_member_with_default(o, "size", 0), part));
        g_free(part);
    }
    if (node)
        json_node_unref(node);
}

/* Build a CkStoredMessage from a row selected with MESSAGE_COLUMNS. */
static CkStoredMessage *stored_message_from_row(sqlite3_stmt *stmt)
{
    CkStoredMessage *sm = g_new0(CkStoredMessage, 1);
    CkMessage *msg = sm->msg = ck_message_new();
    sm->rowid = sqlite3_column_int64(stmt, 0);
    msg->message_id = ck_store_column_dup(stmt, 1);
    msg->message_id_synthesized = sqlite3_column_int(stmt, 2);
    msg->in_reply_to = ck_store_column_dup(stmt, 3);
    take_column(&msg->subject, stmt, 4);
    take_column(&msg->from_name, stmt, 5);
    take_column(&msg->from_addr, stmt, 6);
    take_column(&msg->to, stmt, 7);
    sm->side = ck_store_column_dup(stmt, 8);
    msg->date = sqlite3_column_int64(stmt, 9);
    msg->tz_offset_min = sqlite3_column_int(stmt, 10);
    sm->joined_by = ck_store_column_dup(stmt, 11);
    take_column(&msg->body, stmt, 12);
    take_column(&msg->quoted, stmt, 13);
    take_column(&msg->signature, stmt, 14);
    take_column(&msg->forwarded, stmt, 15);
    take_column(&msg->source_path, stmt, 16);
    msg->source_offset = sqlite3_column_int64(stmt, 17);
    const unsigned char *hash = sqlite3_column_text(stmt, 18);
    g_strlcpy(msg->content_hash, hash ? (const char *)hash : "", sizeof msg->content_hash);
    load_warnings(msg, (const char *)sqlite3_column_text(stmt, 19));
    msg->html_only = sqlite3_column_int(stmt, 20);
    load_attachments(msg, (const char *)sqlite3_column_text(stmt, 21),
                     (const char *)sqlite3_column_text(stmt, 22));
    return sm;
}

/* Load the references of a stored message into msg->references. */
static gboolean load_refs(CkStore *store, CkStoredMessage *sm, GError **error)
{
    sqlite3_stmt *stmt = ck_store_prepare(store, "SELECT ref FROM message_refs WHERE message = ?1", error);
    if (!stmt)
        return FALSE;
    sqlite3_bind_int64(stmt, 1, sm->rowid);
    while (sqlite3_step(stmt) == SQLITE_ROW)
        g_ptr_array_add(sm->msg->references, ck_store_column_dup(stmt, 0));
    sqlite3_reset(stmt);
    return TRUE;
}

/* See store.h. */
GPtrArray *ck_store_case_messages(CkStore *store, gint64 case_rowid, GError **error)
{
    sqlite3_stmt *stmt = ck_store_prepare(store,
        "SELECT " MESSAGE_COLUMNS " FROM messages WHERE case_id = ?1 ORDER BY date, id", error);
    if (!stmt)
        return NULL;
    sqlite3_bind_int64(stmt, 1, case_rowid);
    GPtrArray *list = g_ptr_array_new_with_free_func((GDestroyNotify)ck_stored_message_free);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
        g_ptr_array_add(list, stored_message_from_row(stmt));
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) {
        ck_store_set_error(store, error, "reading messages");
        g_ptr_array_unref(list);
        return NULL;
    }
    for (guint i = 0; i < list->len; i++)
        if (!load_refs(store, g_ptr_array_index(list, i), error)) {
            g_ptr_array_unref(list);
            return NULL;
        }
    return list;
}

/* Write each message's side. */
static gboolean update_sides(CkStore *store, GPtrArray *messages, GPtrArray *sides, GError **error)
{
    for (guint i = 0; i < messages->len && i < sides->len; i++) {
        CkStoredMessage *sm = g_ptr_array_index(messages, i);
        const char *side = g_ptr_array_index(sides, i);
        if (g_strcmp0(sm->side, side) == 0)
            continue;
        sqlite3_stmt *stmt = ck_store_prepare(store, "UPDATE messages SET side = ?2 WHERE id = ?1", error);
        if (!stmt)
            return FALSE;
        sqlite3_bind_int64(stmt, 1, sm->rowid);
        ck_store_bind_text(stmt, 2, side);
        if (!ck_store_step_done(store, stmt, "saving a message side", error))
            return FALSE;
    }
    return TRUE;
}

/* See store.h. */
gboolean ck_store_case_update(CkStore *store, gint64 case_rowid, const CkCaseMeta *meta,
                              GPtrArray *messages, GPtrArray *sides, GError **error)
{
    sqlite3_stmt *stmt = ck_store_prepare(store,
        "UPDATE cases SET title = ?2, severity = ?3, vendor = ?4, stage = ?5, customer = ?6,"
        " status = ?7, opened = ?8, closed = ?9, dirty = 0 WHERE id = ?1", error);
    if (!stmt)
        return FALSE;
    sqlite3_bind_int64(stmt, 1, case_rowid);
    const char *texts[] = { meta->title, meta->severity, meta->vendor, meta->stage, meta->customer,
                            meta->status ? meta->status : "open" };
    for (int i = 0; i < 6; i++)
        ck_store_bind_text(stmt, 2 + i, texts[i]);
    sqlite3_bind_int64(stmt, 8, meta->opened);
    sqlite3_bind_int64(stmt, 9, meta->closed);
    return ck_store_step_done(store, stmt, "saving a case", error)
           && update_sides(store, messages, sides, error);
}
