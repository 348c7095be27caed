/* analyzer.c — ck_analyze_case(): entities, structure and causes of one
 * case, as the JSON object documented in analyzer.h. */
#include "analyzer/analyzer-private.h"

#include <string.h>

/* Order cause results by score (descending), then id. */
static gint compare_results(gconstpointer a, gconstpointer b)
{
    const CkCauseResult *ra = *(CkCauseResult *const *)a;
    const CkCauseResult *rb = *(CkCauseResult *const *)b;
    if (ra->score != rb->score)
        return ra->score > rb->score ? -1 : 1;
    return strcmp(ra->cause->id, rb->cause->id);
}

/* Evaluate every cause of RULES; returns results sorted by score.
 * Caller unrefs. */
static GPtrArray *evaluate_all(const CkRuleSet *rules, CkMatcher *m, const CkAnalysisInput *msgs,
                               guint n, GPtrArray *entity_hits, GPtrArray *warnings)
{
    GPtrArray *results = g_ptr_array_new_with_free_func((GDestroyNotify)ck_cause_result_free);
    for (guint i = 0; i < rules->causes->len; i++)
        g_ptr_array_add(results, ck_evaluate_cause(g_ptr_array_index(rules->causes, i), m, msgs, n,
                                                   entity_hits, warnings));
    g_ptr_array_sort(results, compare_results);
    return results;
}

/* Analyse one case (see analyzer.h).  Caller unrefs the result. */
JsonNode *ck_analyze_case(const CkRuleSet *rules, const CkAnalysisInput *messages,
                          guint n_messages, GPtrArray *warnings)
{
    g_return_val_if_fail(rules != NULL, NULL);
    g_return_val_if_fail(messages != NULL || n_messages == 0, NULL);
    CkMatcher *m = ck_matcher_new();
    g_autoptr(GPtrArray) hits = ck_extract_entities(rules, m, messages, n_messages, warnings);
    g_autoptr(GPtrArray) results = evaluate_all(rules, m, messages, n_messages, hits, warnings);
    JsonObject *out = json_object_new();
    JsonNode *entities = ck_entities_to_json(rules, hits);
    json_object_set_member(out, "entities", entities);
    json_object_set_member(out, "entity_spans", ck_entity_spans_to_json(hits));
    json_object_set_member(out, "steps", ck_extract_steps(messages, n_messages));
    json_object_set_member(out, "sections", ck_extract_sections(messages, n_messages));
    json_object_set_member(out, "requests",
                           ck_extract_requests(rules, m, messages, n_messages, hits, warnings));
    json_object_set_member(out, "causes", ck_causes_to_json(results, entities));
    json_object_set_member(out, "checklist", ck_checklist_to_json(results));
    ck_matcher_free(m);
    JsonNode *root = json_node_init_object(json_node_alloc(), out);
    json_object_unref(out);
    return root;
}
