/* store-doc.c — case documents (show --json), the case list, analysis rows. */
#include "store/store-private.h"

/* Append every row's first column (an id) of STMT, bound by the caller, to IDS. */
static gboolean collect_ids(CkStore *store, sqlite3_stmt *stmt, GArray *ids, GError **error)
{
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        gint64 id = sqlite3_column_int64(stmt, 0);
        g_array_append_val(ids, id);
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) {
        ck_store_set_error(store, error, "listing cases");
        return FALSE;
    }
    return TRUE;
}

/* See store.h. */
GArray *ck_store_case_ids(CkStore *store, GError **error)
{
    sqlite3_stmt *stmt = ck_store_prepare(store, "SELECT id FROM cases ORDER BY opened, id", error);
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
    if (!stmt || !collect_ids(store, stmt, ids, error)) {
        g_array_unref(ids);
        return NULL;
    }
    return ids;
}

/* See store.h. */
GArray *ck_store_dirty_case_ids(CkStore *store, GError **error)
{
    sqlite3_stmt *stmt = ck_store_prepare(store, "SELECT id FROM cases WHERE dirty ORDER BY id", error);
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
    if (!stmt || !collect_ids(store, stmt, ids, error)) {
        g_array_unref(ids);
        return NULL;
    }
    return ids;
}

/* Replace the rows of TABLE for a case (case_causes / case_entities). */
static gboolean clear_case_rows(CkStore *store, const char *sql, gint64 case_rowid, GError **error)
{
    sqlite3_stmt *stmt = ck_store_prepare(store, sql, error);
    if (!stmt)
        return FALSE;
    sqlite3_bind_int64(stmt, 1, case_rowid);
    return ck_store_step_done(store, stmt, "clearing analysis rows", error);
}

/* Insert one (case, text, text-or-number) row. */
static gboolean insert_case_row(CkStore *store, const char *sql, gint64 case_rowid, const char *a,
                                const char *b, double score, GError **error)
{
    sqlite3_stmt *stmt = ck_store_prepare(store, sql, error);
    if (!stmt)
        return FALSE;
    sqlite3_bind_int64(stmt, 1, case_rowid);
    ck_store_bind_text(stmt, 2, a);
    if (b)
        ck_store_bind_text(stmt, 3, b);
    else
        sqlite3_bind_double(stmt, 3, score);
    return ck_store_step_done(store, stmt, "saving analysis rows", error);
}

/* Index the causes array of an analysis in case_causes. */
static gboolean index_causes(CkStore *store, gint64 case_rowid, JsonObject *analysis, GError **error)
{
    JsonArray *causes = json_object_has_member(analysis, "causes")
                        ? json_object_get_array_member(analysis, "causes") : NULL;
    for (guint i = 0; causes && i < json_array_get_length(causes); i++) {
        JsonObject *cause = json_array_get_object_element(causes, i);
        if (!cause || !json_object_has_member(cause, "id"))
            continue;
        double score = json_object_has_member(cause, "score")
                       ? json_object_get_double_member(cause, "score") : 0;
        if (!insert_case_row(store, "INSERT OR REPLACE INTO case_causes(case_id, cause_id, score)"
                             " VALUES (?1, ?2, ?3)", case_rowid,
                             json_object_get_string_member(cause, "id"), NULL, score, error))
            return FALSE;
    }
    return TRUE;
}

/* Value of an entity element: a string, or an object's "value" member. */
static const char *entity_value(JsonNode *node)
{
    if (JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_STRING)
        return json_node_get_string(node);
    if (JSON_NODE_HOLDS_OBJECT(node)) {
        JsonObject *o = json_node_get_object(node);
        if (json_object_has_member(o, "value"))
            return json_object_get_string_member(o, "value");
    }
    return NULL;
}

/* Index the entities object of an analysis in case_entities; the type is
 * the member name without its plural s ("error_codes" -> "error_code"). */
static gboolean index_entities(CkStore *store, gint64 case_rowid, JsonObject *analysis, GError **error)
{
    JsonObject *entities = json_object_has_member(analysis, "entities")
                           ? json_object_get_object_member(analysis, "entities") : NULL;
    if (!entities)
        return TRUE;
    GList *members = json_object_get_members(entities);
    gboolean ok = TRUE;
    for (GList *l = members; ok && l; l = l->next) {
        JsonNode *list = json_object_get_member(entities, l->data);
        if (!JSON_NODE_HOLDS_ARRAY(list))
            continue;
        char *type = g_strdup(l->data);
        if (g_str_has_suffix(type, "s"))
            type[strlen(type) - 1] = '\0';
        JsonArray *array = json_node_get_array(list);
        for (guint i = 0; ok && i < json_array_get_length(array); i++) {
            const char *value = entity_value(json_array_get_element(array, i));
            if (value)
                ok = insert_case_row(store, "INSERT OR IGNORE INTO case_entities(case_id, type, value)"
                                     " VALUES (?1, ?2, ?3)", case_rowid, type, value, 0, error);
        }
        g_free(type);
    }
    g_list_free(members);
    return ok;
}

/* See store.h. */
gboolean ck_store_case_set_analysis(CkStore *store, gint64 case_rowid, JsonNode *analysis,
                                    GError **error)
{
    char *text = ck_store_analysis_pack(store, analysis, error);
    sqlite3_stmt *stmt = text ? ck_store_prepare(store,
        "UPDATE cases SET analysis = ?2, analysed_at = strftime('%s','now') WHERE id = ?1", error) : NULL;
    gboolean ok = stmt != NULL;
    if (ok) {
        sqlite3_bind_int64(stmt, 1, case_rowid);
        ck_store_bind_text(stmt, 2, text);
        ok = ck_store_step_done(store, stmt, "saving an analysis", error);
    }
    g_free(text);
    JsonObject *object = JSON_NODE_HOLDS_OBJECT(analysis) ? json_node_get_object(analysis) : NULL;
    return ok && object
           && clear_case_rows(store, "DELETE FROM case_causes WHERE case_id = ?1", case_rowid, error)
           && clear_case_rows(store, "DELETE FROM case_entities WHERE case_id = ?1", case_rowid, error)
           && index_causes(store, case_rowid, object, error)
           && index_entities(store, case_rowid, object, error);
}

/* See store.h. */
gboolean ck_store_resolve_case(CkStore *store, const char *id, gint64 *case_rowid, GError **error)
{
    if (!ck_store_find_case_by_key(store, id, case_rowid, error))
        return FALSE;
    if (*case_rowid)
        return TRUE;
    char *bare = g_strdup(id);
    g_strstrip(bare);
    if (bare[0] == '<' && g_str_has_suffix(bare, ">")) {
        memmove(bare, bare + 1, strlen(bare));
        bare[strlen(bare) - 1] = '\0';
    }
    if (g_str_has_prefix(bare, "id:"))
        memmove(bare, bare + 3, strlen(bare) - 2);
    gboolean ok = ck_store_find_message(store, bare, NULL, case_rowid, error);
    g_free(bare);
    return ok;
}

/* See store.h. */
GPtrArray *ck_store_case_cause_ids(CkStore *store, gint64 case_rowid, GError **error)
{
    sqlite3_stmt *stmt = ck_store_prepare(store,
        "SELECT cause_id FROM case_causes WHERE case_id = ?1 ORDER BY score DESC, cause_id", error);
    if (!stmt)
        return NULL;
    sqlite3_bind_int64(stmt, 1, case_rowid);
    GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
        g_ptr_array_add(ids, ck_store_column_dup(stmt, 0));
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) {
        ck_store_set_error(store, error, "reading causes");
        g_clear_pointer(&ids, g_ptr_array_unref);
    }
    return ids;
}

/* See store.h. */
JsonNode *ck_store_cause_stats(CkStore *store, GError **error)
{
    sqlite3_stmt *stmt = ck_store_prepare(store,
        "SELECT cause_id, count(*), avg(score), (SELECT count(*) FROM cases)"
        " FROM case_causes GROUP BY cause_id ORDER BY cause_id", error);
    if (!stmt)
        return NULL;
    JsonObject *causes = json_object_new();
    gint64 total = 0;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        JsonObject *one = json_object_new();
        json_object_set_int_member(one, "cases", sqlite3_column_int64(stmt, 1));
        json_object_set_double_member(one, "mean_score", sqlite3_column_double(stmt, 2));
        json_object_set_object_member(causes, (const char *)sqlite3_column_text(stmt, 0), one);
        total = sqlite3_column_int64(stmt, 3);
    }
    sqlite3_reset(stmt);
    gint64 messages = 0;
    if (rc != SQLITE_DONE || (total == 0 && !ck_store_counts(store, &total, &messages, error))) {
        if (rc != SQLITE_DONE)
            ck_store_set_error(store, error, "counting causes");
        json_object_unref(causes);
        return NULL;
    }
    JsonObject *o = json_object_new();
    json_object_set_int_member(o, "cases", total);
    json_object_set_object_member(o, "causes", causes);
    JsonNode *node = json_node_init_object(json_node_alloc(), o);
    json_object_unref(o);
    return node;
}
