/* store-analysis.c — analyses kept compactly: rule text once per database.
 *
 * An analysis repeats the rules' own text (a cause's titles, summaries,
 * reply templates and file; a checklist step's title, why, command, ...) in
 * every case that matches the rule: most of its bytes.  Stored, each object
 * of the arrays "causes" and "checklist" becomes
 *
 *     {"$part": ID, <its case-specific members>}
 *
 * where analysis_parts row ID holds the object with the case-specific
 * members' values set to null: the same text for every case sharing that
 * rule text, kept once (found again by its SHA-256).  Which members count
 * as case-specific only decides how much is shared: a member left in the
 * part that differs between cases just gives another part.  Entity spans
 * drop "text" when it equals "value".  A packed analysis carries "$packed":
 * 1; unpacking gives back the analysis as written, members in their
 * order, so documents do not change.  Analyses stored before schema 6 have
 * no "$packed" and are read as they are.
 */
#include "store/store-private.h"

#include <string.h>

#define PACKED_KEY "$packed"
#define PART_KEY "$part"

/* The arrays whose objects are split, and their case-specific members. */
static const char *const CAUSE_OWN[] = { "score", "total", "threshold", "evidence", NULL };
static const char *const CHECK_OWN[] = { "params", NULL };
static const struct {
    const char *array;
    const char *const *own;
} SPLIT[] = { { "causes", CAUSE_OWN }, { "checklist", CHECK_OWN } };

/* The id of the analysis_parts row holding TEXT, added when new. */
static gboolean part_id(CkStore *store, const char *text, gint64 *id, GError **error)
{
    guint8 hash[CK_HASH_BYTES];
    gsize hash_len = sizeof hash;
    GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(sum, (const guchar *)text, -1);
    g_checksum_get_digest(sum, hash, &hash_len);
    g_checksum_free(sum);
    sqlite3_stmt *stmt = ck_store_prepare(store, "SELECT id FROM analysis_parts WHERE hash = ?1", error);
    if (!stmt)
        return FALSE;
    sqlite3_bind_blob(stmt, 1, hash, sizeof hash, SQLITE_TRANSIENT);
    int rc = sqlite3_step(stmt);
    *id = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
    sqlite3_reset(stmt);
    if (rc == SQLITE_ROW)
        return TRUE;
    stmt = ck_store_prepare(store, "INSERT INTO analysis_parts(hash, body) VALUES (?1, ?2)", error);
    if (!stmt)
        return FALSE;
    sqlite3_bind_blob(stmt, 1, hash, sizeof hash, SQLITE_TRANSIENT);
    ck_store_bind_text(stmt, 2, text);
    if (!ck_store_step_done(store, stmt, "saving analysis text", error))
        return FALSE;
    *id = sqlite3_last_insert_rowid(store->db);
    return TRUE;
}

/* The reference form of object O (see the top): a new object; the part it
 * names is added to analysis_parts when new.  NULL with *error on failure. */
static JsonObject *pack_object(CkStore *store, JsonObject *o, const char *const *own, GError **error)
{
    JsonObject *ref = json_object_new();
    JsonObject *shared = json_object_new();
    GList *members = json_object_get_members(o);
    for (GList *l = members; l; l = l->next) {
        JsonNode *value = json_object_get_member(o, l->data);
        if (g_strv_contains(own, l->data)) {
            json_object_set_member(ref, l->data, json_node_copy(value));
            json_object_set_null_member(shared, l->data);
        } else {
            json_object_set_member(shared, l->data, json_node_copy(value));
        }
    }
    g_list_free(members);
    JsonNode *node = json_node_init_object(json_node_alloc(), shared);
    char *text = json_to_string(node, FALSE);
    gint64 id = 0;
    gboolean ok = part_id(store, text, &id, error);
    g_free(text);
    json_node_unref(node);
    json_object_unref(shared);
    if (!ok) {
        json_object_unref(ref);
        return NULL;
    }
    json_object_set_int_member(ref, PART_KEY, id);
    return ref;
}

/* Maps one object of an analysis array to a new object (new reference),
 * or NULL with *error. */
typedef JsonObject *(*ObjectMap)(JsonObject *o, gpointer data, GError **error);

/* A copy of ARRAY with each object replaced by MAP's result (other values
 * copied).  NULL with *error when MAP fails. */
static JsonArray *map_objects(JsonArray *array, ObjectMap map, gpointer data, GError **error)
{
    JsonArray *out = json_array_new();
    for (guint i = 0; i < json_array_get_length(array); i++) {
        JsonNode *element = json_array_get_element(array, i);
        if (!JSON_NODE_HOLDS_OBJECT(element)) {
            json_array_add_element(out, json_node_copy(element));
            continue;
        }
        JsonObject *mapped = map(json_node_get_object(element), data, error);
        if (!mapped) {
            json_array_unref(out);
            return NULL;
        }
        json_array_add_object_element(out, mapped);
    }
    return out;
}

/* What pack_ref needs: the store and the case-specific members. */
typedef struct {
    CkStore *store;
    const char *const *own;
} PackContext;

/* ObjectMap: pack_object with a PackContext. */
static JsonObject *pack_ref(JsonObject *o, gpointer data, GError **error)
{
    PackContext *ctx = data;
    return pack_object(ctx->store, o, ctx->own, error);
}

/* ObjectMap: an entity span without "text" where it equals "value"
 * (unpack_span puts it back). */
static JsonObject *pack_span(JsonObject *o, gpointer data, GError **error)
{
    const char *value = json_object_get_string_member_with_default(o, "value", NULL);
    const char *text = json_object_get_string_member_with_default(o, "text", NULL);
    if (!value || g_strcmp0(value, text) != 0)
        return json_object_ref(o);
    JsonObject *copy = json_object_new();
    GList *members = json_object_get_members(o);
    for (GList *l = members; l; l = l->next)
        if (strcmp(l->data, "text") != 0)
            json_object_set_member(copy, l->data, json_node_copy(json_object_get_member(o, l->data)));
    g_list_free(members);
    return copy;
}

/* The packed form of member NAME's VALUE: a new array, or NULL when the
 * member is kept as it is (*ok FALSE with *error on failure). */
static JsonArray *pack_member(CkStore *store, const char *name, JsonNode *value, gboolean *ok,
                              GError **error)
{
    if (!JSON_NODE_HOLDS_ARRAY(value))
        return NULL;
    JsonArray *packed = NULL;
    for (guint i = 0; i < G_N_ELEMENTS(SPLIT); i++) {
        if (strcmp(name, SPLIT[i].array) == 0) {
            PackContext ctx = { store, SPLIT[i].own };
            packed = map_objects(json_node_get_array(value), pack_ref, &ctx, error);
            *ok = packed != NULL;
            return packed;
        }
    }
    if (strcmp(name, "entity_spans") == 0)
        packed = map_objects(json_node_get_array(value), pack_span, NULL, error);
    return packed;
}

/* See store-private.h. */
char *ck_store_analysis_pack(CkStore *store, JsonNode *analysis, GError **error)
{
    if (!JSON_NODE_HOLDS_OBJECT(analysis))
        return json_to_string(analysis, FALSE);
    JsonObject *o = json_node_get_object(analysis);
    JsonObject *out = json_object_new();
    gboolean ok = TRUE;
    GList *members = json_object_get_members(o);
    for (GList *l = members; ok && l; l = l->next) {
        JsonNode *value = json_object_get_member(o, l->data);
        JsonArray *packed = pack_member(store, l->data, value, &ok, error);
        if (packed)
            json_object_set_array_member(out, l->data, packed);
        else
            json_object_set_member(out, l->data, json_node_copy(value));
    }
    g_list_free(members);
    json_object_set_int_member(out, PACKED_KEY, 1);
    JsonNode *node = json_node_init_object(json_node_alloc(), out);
    char *text = ok ? json_to_string(node, FALSE) : NULL;
    json_node_unref(node);
    json_object_unref(out);
    return text;
}

/* The analysis_parts row ID parsed, through the store's cache (PARTS: id ->
 * JsonObject, owned by the caller).  NULL when absent or not an object. */
static JsonObject *load_part(CkStore *store, GHashTable *parts, gint64 id)
{
    JsonObject *part = g_hash_table_lookup(parts, &id);
    if (part)
        return part;
    sqlite3_stmt *stmt = ck_store_prepare(store, "SELECT body FROM analysis_parts WHERE id = ?1", NULL);
    if (!stmt)
        return NULL;
    sqlite3_bind_int64(stmt, 1, id);
    JsonNode *node = NULL;
    if (sqlite3_step(stmt) == SQLITE_ROW)
        node = json_from_string((const char *)sqlite3_column_text(stmt, 0), NULL);
    sqlite3_reset(stmt);
    if (node && JSON_NODE_HOLDS_OBJECT(node)) {
        part = json_object_ref(json_node_get_object(node));
        g_hash_table_insert(parts, g_memdup2(&id, sizeof id), part);
    }
    if (node)
        json_node_unref(node);
    return part;
}

/* What unpack_ref needs: the store and its parts read so far. */
typedef struct {
    CkStore *store;
    GHashTable *parts;   /* id -> JsonObject */
} UnpackContext;

/* ObjectMap: the object REF ({"$part": ID, own members}) written out in
 * full: the part's members in order, own ones taken from REF.  REF itself
 * (new reference) when it names no part that can be read. */
static JsonObject *unpack_ref(JsonObject *ref, gpointer data, GError **error)
{
    UnpackContext *ctx = data;
    JsonObject *part = json_object_has_member(ref, PART_KEY)
                       ? load_part(ctx->store, ctx->parts, json_object_get_int_member(ref, PART_KEY)) : NULL;
    if (!part)
        return json_object_ref(ref);
    JsonObject *out = json_object_new();
    GList *members = json_object_get_members(part);
    for (GList *l = members; l; l = l->next) {
        JsonObject *from = json_object_has_member(ref, l->data) ? ref : part;
        json_object_set_member(out, l->data, json_node_copy(json_object_get_member(from, l->data)));
    }
    g_list_free(members);
    return out;
}

/* ObjectMap: a span with "text" (a copy of "value") back after "value". */
static JsonObject *unpack_span(JsonObject *span, gpointer data, GError **error)
{
    if (json_object_has_member(span, "text") || !json_object_has_member(span, "value"))
        return json_object_ref(span);
    JsonObject *out = json_object_new();
    GList *members = json_object_get_members(span);
    for (GList *l = members; l; l = l->next) {
        JsonNode *value = json_object_get_member(span, l->data);
        json_object_set_member(out, l->data, json_node_copy(value));
        if (strcmp(l->data, "value") == 0)
            json_object_set_member(out, "text", json_node_copy(value));
    }
    g_list_free(members);
    return out;
}

/* See store-private.h. */
JsonNode *ck_store_analysis_unpack(CkStore *store, const char *text)
{
    JsonNode *node = text && text[0] ? json_from_string(text, NULL) : NULL;
    JsonObject *o = node && JSON_NODE_HOLDS_OBJECT(node) ? json_node_get_object(node) : NULL;
    if (!o || !json_object_has_member(o, PACKED_KEY))
        return node;
    UnpackContext ctx = { store, g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
                                                       (GDestroyNotify)json_object_unref) };
    JsonObject *out = json_object_new();
    GList *members = json_object_get_members(o);
    for (GList *l = members; l; l = l->next) {
        JsonNode *value = json_object_get_member(o, l->data);
        gboolean split = strcmp(l->data, "causes") == 0 || strcmp(l->data, "checklist") == 0;
        gboolean spans = strcmp(l->data, "entity_spans") == 0;
        if (strcmp(l->data, PACKED_KEY) == 0)
            continue;
        if ((split || spans) && JSON_NODE_HOLDS_ARRAY(value))
            json_object_set_array_member(out, l->data, map_objects(json_node_get_array(value),
                                                                   split ? unpack_ref : unpack_span, &ctx, NULL));
        else
            json_object_set_member(out, l->data, json_node_copy(value));
    }
    g_list_free(members);
    g_hash_table_unref(ctx.parts);
    json_node_unref(node);
    JsonNode *result = json_node_init_object(json_node_alloc(), out);
    json_object_unref(out);
    return result;
}
