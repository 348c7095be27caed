/* persist.c — analysing stored cases and keeping the results. */
#include "analyzer/persist.h"

/* The analyzer's view of a case's messages (borrowing their strings).  The
 * text attachments of customer messages are customer-supplied evidence
 * (a dlv.txt, a log): they are read after the forwarded text, in the
 * forwarded scope; those joined texts are added to OWNED. */
static CkAnalysisInput *inputs_of(GPtrArray *messages, GPtrArray *owned)
{
    CkAnalysisInput *in = g_new0(CkAnalysisInput, messages->len ? messages->len : 1);
    for (guint i = 0; i < messages->len; i++) {
        const CkStoredMessage *sm = g_ptr_array_index(messages, i);
        const CkMessage *m = sm->msg;
        gboolean customer = g_strcmp0(sm->side, "support") != 0;
        const char *forwarded = m->forwarded;
        char *attached = customer ? ck_message_attachment_text(m) : NULL;
        if (attached && *attached) {
            forwarded = g_strconcat(m->forwarded, *m->forwarded ? "\n\n" : "", attached, NULL);
            g_ptr_array_add(owned, (char *)forwarded);
        }
        g_free(attached);
        in[i] = (CkAnalysisInput){ (int)i + 1, m->subject, m->body, m->quoted, forwarded,
                                   m->from_name[0] ? m->from_name : m->from_addr, customer, m->date };
    }
    return in;
}

/* Move the entity spans the analyzer found in the attachment text that
 * inputs_of() put after a customer message's forwarded text to the part
 * "attachments", with offsets into that text (the message's attachment
 * texts, each followed by a newline: ck_message_attachment_text()), so a
 * span's offsets always fall inside the part it names. */
static void place_attachment_spans(JsonNode *analysis, const CkAnalysisInput *in, GPtrArray *messages)
{
    JsonObject *root = json_node_get_object(analysis);
    JsonArray *spans = json_object_has_member(root, "entity_spans")
                       ? json_object_get_array_member(root, "entity_spans") : NULL;
    for (guint i = 0; spans && i < json_array_get_length(spans); i++) {
        JsonObject *s = json_array_get_object_element(spans, i);
        gint64 index = json_object_get_int_member_with_default(s, "message", 0) - 1;
        if (index < 0 || index >= messages->len
            || g_strcmp0(json_object_get_string_member_with_default(s, "part", ""), "forwarded") != 0)
            continue;
        const CkMessage *m = ((const CkStoredMessage *) g_ptr_array_index(messages, index))->msg;
        if (in[index].forwarded == m->forwarded)   /* nothing joined to it */
            continue;
        gint64 at = (gint64) strlen(m->forwarded) + (*m->forwarded ? 2 : 0);
        gint64 start = json_object_get_int_member_with_default(s, "start", 0);
        if (start < at)
            continue;
        json_object_set_string_member(s, "part", "attachments");
        json_object_set_int_member(s, "start", start - at);
        json_object_set_int_member(s, "end", json_object_get_int_member_with_default(s, "end", 0) - at);
    }
}

/* TRUE when two id lists hold the same ids in the same order. */
static gboolean same_ids(GPtrArray *a, GPtrArray *b)
{
    if (a->len != b->len)
        return FALSE;
    for (guint i = 0; i < a->len; i++)
        if (g_strcmp0(g_ptr_array_index(a, i), g_ptr_array_index(b, i)) != 0)
            return FALSE;
    return TRUE;
}

/* A JSON array of the strings in LIST. */
static JsonArray *string_array(GPtrArray *list)
{
    JsonArray *array = json_array_new();
    for (guint i = 0; i < list->len; i++)
        json_array_add_string_element(array, g_ptr_array_index(list, i));
    return array;
}

/* Record a change of causes for case KEY in CHANGED. */
static void note_change(JsonArray *changed, const char *key, GPtrArray *before, GPtrArray *after)
{
    JsonObject *o = json_object_new();
    json_object_set_string_member(o, "case_id", key);
    json_object_set_array_member(o, "before", string_array(before));
    json_object_set_array_member(o, "after", string_array(after));
    json_array_add_object_element(changed, o);
}

/* Prefix each warning added since FIRST with the case key. */
static void prefix_warnings(GPtrArray *warnings, guint first, const char *key)
{
    for (guint i = first; warnings && i < warnings->len; i++) {
        char *line = g_strdup_printf("%s: %s", key, (char *)g_ptr_array_index(warnings, i));
        g_free(g_ptr_array_index(warnings, i));
        g_ptr_array_index(warnings, i) = line;
    }
}

/* Put the case's own ID first in entities.case_ids: the analyzer reads only
 * new and forwarded text, but the ID a person reads first is in the subject. */
static void add_own_case_id(JsonNode *analysis, const char *key)
{
    JsonObject *o = JSON_NODE_HOLDS_OBJECT(analysis) ? json_node_get_object(analysis) : NULL;
    JsonObject *entities = o && json_object_has_member(o, "entities")
                           ? json_object_get_object_member(o, "entities") : NULL;
    JsonArray *ids = entities && json_object_has_member(entities, "case_ids")
                     ? json_object_get_array_member(entities, "case_ids") : NULL;
    if (!ids || g_str_has_prefix(key, "THR-"))
        return;
    JsonArray *with_key = json_array_new();
    json_array_add_string_element(with_key, key);
    for (guint i = 0; i < json_array_get_length(ids); i++) {
        JsonNode *id = json_array_get_element(ids, i);
        if (g_strcmp0(json_node_get_string(id), key) != 0)
            json_array_add_element(with_key, json_node_copy(id));
    }
    json_object_set_array_member(entities, "case_ids", with_key);
}

/* Analyse and store one case. */
static gboolean analyze_one(CkStore *store, const CkRuleSet *rules, gint64 id, JsonArray *changed,
                            GPtrArray *warnings, GError **error)
{
    GPtrArray *messages = ck_store_case_messages(store, id, error);
    GPtrArray *before = messages ? ck_store_case_cause_ids(store, id, error) : NULL;
    char *key = before ? ck_store_case_key(store, id, error) : NULL;
    gboolean ok = key != NULL;
    if (ok) {
        GPtrArray *owned = g_ptr_array_new_with_free_func(g_free);
        CkAnalysisInput *in = inputs_of(messages, owned);
        guint first_warning = warnings ? warnings->len : 0;
        JsonNode *analysis = ck_analyze_case(rules, in, messages->len, warnings);
        place_attachment_spans(analysis, in, messages);
        prefix_warnings(warnings, first_warning, key);
        add_own_case_id(analysis, key);
        ok = ck_store_case_set_analysis(store, id, analysis, error);
        json_node_unref(analysis);
        g_free(in);
        g_ptr_array_unref(owned);
    }
    GPtrArray *after = ok ? ck_store_case_cause_ids(store, id, error) : NULL;
    ok = ok && after;
    if (ok && changed && !same_ids(before, after))
        note_change(changed, key, before, after);
    g_clear_pointer(&after, g_ptr_array_unref);
    g_clear_pointer(&before, g_ptr_array_unref);
    g_clear_pointer(&messages, g_ptr_array_unref);
    g_free(key);
    return ok;
}

/* See persist.h. */
gboolean ck_analyze_stored_cases(CkStore *store, const CkRuleSet *rules, GArray *case_rowids,
                                 JsonArray *changed, GPtrArray *warnings, GError **error)
{
    GArray *ids = case_rowids ? g_array_ref(case_rowids) : ck_store_case_ids(store, error);
    if (!ids)
        return FALSE;
    gboolean ok = TRUE;
    for (guint i = 0; ok && i < ids->len; i++)
        ok = analyze_one(store, rules, g_array_index(ids, gint64, i), changed, warnings, error);
    g_array_unref(ids);
    return ok;
}
