/* store-reports.c — every case document, one at a time or as an array. */
#include "store/store-reports.h"

/* See store-reports.h. */
gboolean ck_store_foreach_case_document(CkStore *store, CkCaseDocFunc fn, gpointer data, GError **error)
{
    GArray *ids = ck_store_case_ids(store, error);
    if (!ids)
        return FALSE;
    gboolean ok = TRUE;
    for (guint i = 0; ok && i < ids->len; i++) {
        JsonNode *doc = ck_store_case_document(store, g_array_index(ids, gint64, i), error);
        ok = doc && fn(doc, data, error);
        if (doc)
            json_node_unref(doc);
    }
    g_array_unref(ids);
    return ok;
}

/* Append DOC to the JsonArray DATA (a CkCaseDocFunc). */
static gboolean append_document(JsonNode *doc, gpointer data, GError **error)
{
    json_array_add_element(data, json_node_ref(doc));
    return TRUE;
}

/* See store-reports.h. */
JsonNode *ck_store_all_case_documents(CkStore *store, GError **error)
{
    JsonArray *docs = json_array_new();
    if (!ck_store_foreach_case_document(store, append_document, docs, error)) {
        json_array_unref(docs);
        return NULL;
    }
    JsonNode *node = json_node_new(JSON_NODE_ARRAY);
    json_node_take_array(node, docs);
    return node;
}
