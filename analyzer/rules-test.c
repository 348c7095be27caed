/* rules-test.c — run the examples embedded in rule files, and describe a
 * rule set (for `casekb rules test` and `casekb rules stats`).
 *
 * Each example becomes a one-message case (message 1, from the customer
 * unless the example says `from: support`) and only its own cause is
 * evaluated: a `match` example passes when the cause is reported, a
 * `no_match` example when it is not.  A PCRE2 limit during an example is a
 * failure.
 */
#include "analyzer/analyzer-private.h"

#include <string.h>

/* Evaluate CAUSE on example EX; *reported set, returns the result.
 * WARNINGS collects limit warnings.  Caller frees the result. */
static CkCauseResult *run_example(const CkRuleSet *rules, CkMatcher *m, const CkCause *cause,
                                  const CkExample *ex, GPtrArray *warnings)
{
    CkAnalysisInput msg = {
        .index = 1, .subject = ex->subject ? ex->subject : "", .body = ex->text ? ex->text : "",
        .quoted = ex->quoted ? ex->quoted : "", .forwarded = ex->forwarded ? ex->forwarded : "",
        .from = ex->from_customer ? "customer" : "support", .from_customer = ex->from_customer,
    };
    g_autoptr(GPtrArray) hits = ck_extract_entities(rules, m, &msg, 1, warnings);
    return ck_evaluate_cause(cause, m, &msg, 1, hits, warnings);
}

/* Add a failure object for EX to builder B. */
static void add_failure(JsonBuilder *b, const char *kind, guint index, const CkExample *ex,
                        const CkCauseResult *r, GPtrArray *warnings)
{
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "kind");
    json_builder_add_string_value(b, kind);
    json_builder_set_member_name(b, "example");
    json_builder_add_int_value(b, index);
    json_builder_set_member_name(b, "line");
    json_builder_add_int_value(b, ex->where.line);
    const char *text = ex->text ? ex->text : ex->subject ? ex->subject : "";
    g_autofree char *snippet = ck_snippet(text, strlen(text));
    json_builder_set_member_name(b, "text");
    json_builder_add_string_value(b, snippet);
    json_builder_set_member_name(b, "total");
    json_builder_add_double_value(b, r->total);
    json_builder_set_member_name(b, "threshold");
    json_builder_add_double_value(b, r->cause->threshold);
    json_builder_set_member_name(b, "fired");
    json_builder_begin_array(b);
    for (guint i = 0; i < r->hits->len; i++)
        json_builder_add_string_value(b, ((CkHit *)g_ptr_array_index(r->hits, i))->signal->id);
    json_builder_end_array(b);
    json_builder_set_member_name(b, "warnings");
    json_builder_begin_array(b);
    for (guint i = 0; i < warnings->len; i++)
        json_builder_add_string_value(b, g_ptr_array_index(warnings, i));
    json_builder_end_array(b);
    json_builder_end_object(b);
}

/* Run one list of CAUSE's examples; counts into *passed / *failed. */
static void run_list(const CkRuleSet *rules, CkMatcher *m, const CkCause *cause, GPtrArray *examples,
                     gboolean want, JsonBuilder *b, guint *passed, guint *failed)
{
    for (guint i = 0; i < examples->len; i++) {
        const CkExample *ex = g_ptr_array_index(examples, i);
        g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
        CkCauseResult *r = run_example(rules, m, cause, ex, warnings);
        if (r->reported == want && warnings->len == 0) {
            (*passed)++;
        } else {
            (*failed)++;
            add_failure(b, want ? "match" : "no_match", i, ex, r, warnings);
        }
        ck_cause_result_free(r);
    }
}

/* Add {"example": i, "causes": [ids]} to B for each match example of CAUSE
 * that other causes report too (information, not failure). */
static void add_collisions(const CkRuleSet *rules, CkMatcher *m, const CkCause *cause, JsonBuilder *b)
{
    json_builder_set_member_name(b, "collisions");
    json_builder_begin_array(b);
    for (guint i = 0; i < cause->match->len; i++) {
        const CkExample *ex = g_ptr_array_index(cause->match, i);
        g_autoptr(GPtrArray) others = g_ptr_array_new();
        for (guint c = 0; c < rules->causes->len; c++) {
            const CkCause *other = g_ptr_array_index(rules->causes, c);
            if (other == cause)
                continue;
            g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
            CkCauseResult *r = run_example(rules, m, other, ex, warnings);
            if (r->reported)
                g_ptr_array_add(others, other->id);
            ck_cause_result_free(r);
        }
        if (others->len == 0)
            continue;
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "example");
        json_builder_add_int_value(b, i);
        json_builder_set_member_name(b, "causes");
        json_builder_begin_array(b);
        for (guint k = 0; k < others->len; k++)
            json_builder_add_string_value(b, g_ptr_array_index(others, k));
        json_builder_end_array(b);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
}

/* Run all examples (see rules.h).  Caller unrefs. */
JsonNode *ck_rules_test(const CkRuleSet *rules, guint *n_failed_out)
{
    CkMatcher *m = ck_matcher_new();
    guint all_failed = 0;
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_array(b);
    for (guint c = 0; c < rules->causes->len; c++) {
        const CkCause *cause = g_ptr_array_index(rules->causes, c);
        guint passed = 0, failed = 0;
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "rule");
        json_builder_add_string_value(b, cause->id);
        json_builder_set_member_name(b, "file");
        json_builder_add_string_value(b, cause->where.file);
        json_builder_set_member_name(b, "line");
        json_builder_add_int_value(b, cause->where.line);
        json_builder_set_member_name(b, "failures");
        json_builder_begin_array(b);
        run_list(rules, m, cause, cause->match, TRUE, b, &passed, &failed);
        run_list(rules, m, cause, cause->no_match, FALSE, b, &passed, &failed);
        json_builder_end_array(b);
        add_collisions(rules, m, cause, b);
        json_builder_set_member_name(b, "passed");
        json_builder_add_int_value(b, passed);
        json_builder_set_member_name(b, "failed");
        json_builder_add_int_value(b, failed);
        json_builder_end_object(b);
        all_failed += failed;
    }
    json_builder_end_array(b);
    ck_matcher_free(m);
    if (n_failed_out)
        *n_failed_out = all_failed;
    return json_builder_get_root(b);
}

/* Add "name": number to B. */
static void add_int(JsonBuilder *b, const char *name, gint64 value)
{
    json_builder_set_member_name(b, name);
    json_builder_add_int_value(b, value);
}

/* Add one cause's description to B. */
static void describe_cause(JsonBuilder *b, const CkCause *c)
{
    json_builder_begin_object(b);
    const char *fields[][2] = {{"id", c->id}, {"title", c->title_zh}, {"title_en", c->title_en},
                               {"category", c->category}, {"status", c->status}, {"file", c->where.file}};
    for (gsize k = 0; k < G_N_ELEMENTS(fields); k++) {
        json_builder_set_member_name(b, fields[k][0]);
        json_builder_add_string_value(b, fields[k][1]);
    }
    add_int(b, "line", c->where.line);
    json_builder_set_member_name(b, "threshold");
    json_builder_add_double_value(b, c->threshold);
    add_int(b, "signals", c->signals->len);
    add_int(b, "steps", c->steps->len);
    add_int(b, "examples_match", c->match->len);
    add_int(b, "examples_no_match", c->no_match->len);
    json_builder_end_object(b);
}

/* Describe RULES (see rules.h).  Caller unrefs. */
JsonNode *ck_ruleset_describe(const CkRuleSet *rules)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "causes");
    json_builder_begin_array(b);
    for (guint i = 0; i < rules->causes->len; i++)
        describe_cause(b, g_ptr_array_index(rules->causes, i));
    json_builder_end_array(b);
    json_builder_set_member_name(b, "entity_types");
    json_builder_begin_array(b);
    for (guint i = 0; i < rules->entity_types->len; i++)
        json_builder_add_string_value(b, g_ptr_array_index(rules->entity_types, i));
    json_builder_end_array(b);
    add_int(b, "entity_patterns", rules->entity_patterns->len);
    add_int(b, "request_patterns", rules->request_patterns->len);
    json_builder_end_object(b);
    return json_builder_get_root(b);
}

/* Number of causes in RULES. */
guint ck_ruleset_n_causes(const CkRuleSet *rules)
{
    return rules->causes->len;
}

/* Id of cause I (borrowed). */
const char *ck_ruleset_cause_id(const CkRuleSet *rules, guint i)
{
    g_return_val_if_fail(i < rules->causes->len, NULL);
    return ((CkCause *)g_ptr_array_index(rules->causes, i))->id;
}

/* Title of cause I in LANG ("en", else Chinese) (borrowed). */
const char *ck_ruleset_cause_title(const CkRuleSet *rules, guint i, const char *lang)
{
    g_return_val_if_fail(i < rules->causes->len, NULL);
    const CkCause *c = g_ptr_array_index(rules->causes, i);
    return lang && strcmp(lang, "en") == 0 ? c->title_en : c->title_zh;
}

/* See rules.h. */
int ck_ruleset_find_cause(const CkRuleSet *rules, const char *id)
{
    for (guint i = 0; rules && id && i < rules->causes->len; i++) {
        const CkCause *c = g_ptr_array_index(rules->causes, i);
        if (strcmp(c->id, id) == 0)
            return (int)i;
    }
    return -1;
}

/* See rules.h. */
const char *ck_ruleset_cause_reply(const CkRuleSet *rules, guint i, const char *lang)
{
    g_return_val_if_fail(i < rules->causes->len, NULL);
    const CkCause *c = g_ptr_array_index(rules->causes, i);
    return lang && strcmp(lang, "en") == 0 ? c->reply_en : c->reply_zh;
}
