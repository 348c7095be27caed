/* cmd-rules.c — `casekb rules check|test|stats`: keep the rule files honest. */
#include "cli/commands.h"
#include <string.h>

/* Text for `rules check`: each problem, then a verdict line. */
static void print_check(FILE *out, JsonNode *node)
{
    JsonObject *o = json_node_get_object(node);
    JsonArray *problems = json_object_get_array_member(o, "problems");
    for (guint i = 0; i < json_array_get_length(problems); i++)
        fprintf(out, "%s\n", json_array_get_string_element(problems, i));
    fprintf(out, "rules check: %u problem%s\n", json_array_get_length(problems),
            json_array_get_length(problems) == 1 ? "" : "s");
}

/* `rules check [FILE...]`: syntax, keys, regexes, ids, parameters. */
static int rules_check(CkContext *ctx, int argc, char **argv)
{
    const char *default_paths[] = { ctx->rules_dir, NULL };
    const char *const *paths = argc > 1 ? (const char *const *)argv + 1 : default_paths;
    for (guint i = 0; paths[i]; i++)
        if (!g_file_test(paths[i], G_FILE_TEST_EXISTS))
            return ck_cli_error(ctx, CK_EXIT_USAGE, "%s: no such file or directory", paths[i]);
    GPtrArray *problems = g_ptr_array_new_with_free_func(g_free);
    gboolean ok = ck_rules_check(paths, problems);
    JsonObject *o = json_object_new();
    JsonArray *list = json_array_new();
    for (guint i = 0; i < problems->len; i++)
        json_array_add_string_element(list, g_ptr_array_index(problems, i));
    json_object_set_boolean_member(o, "ok", ok);
    json_object_set_array_member(o, "problems", list);
    JsonNode *node = json_node_init_object(json_node_alloc(), o);
    ck_output_write(stdout, ctx->format, node, print_check);
    json_node_unref(node);
    json_object_unref(o);
    g_ptr_array_unref(problems);
    return ok ? CK_EXIT_OK : CK_EXIT_USAGE;
}

/* Text for `rules test`: pass/fail per rule with each failure. */
static void print_test(FILE *out, JsonNode *node)
{
    JsonArray *rules = json_node_get_array(node);
    guint passed = 0, failed = 0;
    for (guint i = 0; i < json_array_get_length(rules); i++) {
        JsonObject *r = json_array_get_object_element(rules, i);
        gint64 bad = ck_json_int(r, "failed");
        fprintf(out, "%s %-34s %" G_GINT64_FORMAT " examples\n", bad ? "FAIL" : "ok  ", ck_json_str(r, "rule"),
                ck_json_int(r, "passed") + bad);
        JsonArray *failures = json_object_get_array_member(r, "failures");
        for (guint k = 0; failures && k < json_array_get_length(failures); k++) {
            JsonObject *f = json_array_get_object_element(failures, k);
            fprintf(out, "     %s:%" G_GINT64_FORMAT ": should %s: %s\n", ck_json_str(r, "file"),
                    ck_json_int(f, "line"), g_strcmp0(ck_json_str(f, "kind"), "match") ? "not match" : "match",
                    ck_json_str(f, "text"));
        }
        *(bad ? &failed : &passed) += 1;
    }
    fprintf(out, "rules test: %u rules passed, %u rules failed\n", passed, failed);
}

/* `rules test`: run every embedded example. */
static int rules_test(CkContext *ctx)
{
    const char *paths[] = { ctx->rules_dir, NULL };
    GError *error = NULL;
    CkRuleSet *rules = ck_ruleset_load(paths, &error);
    if (!rules)
        return ck_cli_fail(ctx, CK_EXIT_USAGE, error);
    guint failed = 0;
    JsonNode *report = ck_rules_test(rules, &failed);
    ck_output_write(stdout, ctx->format, report, print_test);
    json_node_unref(report);
    ck_ruleset_free(rules);
    return failed ? CK_EXIT_USAGE : CK_EXIT_OK;
}

/* Text for `rules stats`: per cause, cases fired on, share, mean score. */
static void print_stats(FILE *out, JsonNode *node)
{
    JsonObject *o = json_node_get_object(node);
    gint64 total = ck_json_int(o, "cases");
    JsonArray *causes = json_object_get_array_member(o, "causes");
    fprintf(out, "%-34s %7s %7s %6s\n", "cause", "cases", "share", "mean");
    for (guint i = 0; i < json_array_get_length(causes); i++) {
        JsonObject *c = json_array_get_object_element(causes, i);
        gint64 n = ck_json_int(c, "cases");
        double share = total ? 100.0 * n / total : 0;
        fprintf(out, "%-34s %7" G_GINT64_FORMAT " %6.1f%% %6.2f%s\n", ck_json_str(c, "id"), n, share,
                json_object_get_double_member(c, "mean_score"),
                n == 0 ? "  fires nowhere" : share > 50 ? "  fires on most cases" : "");
    }
    fprintf(out, "%" G_GINT64_FORMAT " cases in the database\n", total);
}

/* Join the rule set's causes with the store's counts. */
static JsonNode *stats_json(const CkRuleSet *rules, JsonNode *counts)
{
    JsonObject *fired = json_object_get_object_member(json_node_get_object(counts), "causes");
    JsonArray *list = json_array_new();
    for (guint i = 0; i < ck_ruleset_n_causes(rules); i++) {
        const char *id = ck_ruleset_cause_id(rules, i);
        JsonObject *c = json_object_new();
        JsonObject *f = json_object_has_member(fired, id) ? json_object_get_object_member(fired, id) : NULL;
        json_object_set_string_member(c, "id", id);
        json_object_set_string_member(c, "title", ck_ruleset_cause_title(rules, i, "zh"));
        json_object_set_int_member(c, "cases", f ? ck_json_int(f, "cases") : 0);
        json_object_set_double_member(c, "mean_score", f ? json_object_get_double_member(f, "mean_score") : 0);
        json_array_add_object_element(list, c);
    }
    JsonObject *o = json_object_new();
    json_object_set_int_member(o, "cases", ck_json_int(json_node_get_object(counts), "cases"));
    json_object_set_array_member(o, "causes", list);
    JsonNode *node = json_node_init_object(json_node_alloc(), o);
    json_object_unref(o);
    return node;
}

/* `rules stats`: how often each cause fires in the database. */
static int rules_stats(CkContext *ctx)
{
    int rc = ck_cli_open_store(ctx, CK_STORE_READ);
    if (rc >= 0)
        return rc;
    CkRuleSet *rules = ck_cli_load_rules(ctx);
    if (!rules)
        return CK_EXIT_USAGE;
    GError *error = NULL;
    JsonNode *counts = ck_store_cause_stats(ctx->store, &error);
    if (!counts) {
        ck_ruleset_free(rules);
        return ck_cli_fail(ctx, CK_EXIT_INTERNAL, error);
    }
    JsonNode *stats = stats_json(rules, counts);
    ck_output_write(stdout, ctx->format, stats, print_stats);
    json_node_unref(stats);
    json_node_unref(counts);
    ck_ruleset_free(rules);
    return CK_EXIT_OK;
}

int casekb_cmd_rules(CkContext *ctx, int argc, char **argv)
{
    int rc = CK_EXIT_OK;
    if (!ck_cli_parse(ctx, &argc, &argv, NULL, "check [FILE...] | test | stats",
                      "check: validate rule files (syntax, unknown keys, regexes, duplicate ids, parameters).\n"
                      "test:  run every cause's embedded examples.\n"
                      "stats: per cause, the cases it fired on in the database and its mean score.", &rc))
        return rc;
    const char *sub = argc > 1 ? argv[1] : "";
    if (!strcmp(sub, "check"))
        return rules_check(ctx, argc - 1, argv + 1);
    if (argc == 2 && !strcmp(sub, "test"))
        return rules_test(ctx);
    if (argc == 2 && !strcmp(sub, "stats"))
        return rules_stats(ctx);
    return ck_cli_error(ctx, CK_EXIT_USAGE, "expected 'check [FILE...]', 'test' or 'stats'");
}
