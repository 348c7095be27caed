/* cmd-analyze.c — `casekb analyze [CASE_ID...]`: re-run the analyzer. */
#include "cli/commands.h"
#include "analyzer/persist.h"

/* Text: one line per case whose causes changed. */
static void print_changes(FILE *out, JsonNode *node)
{
    JsonObject *o = json_node_get_object(node);
    JsonArray *changed = json_object_get_array_member(o, "changed");
    for (guint i = 0; i < json_array_get_length(changed); i++) {
        JsonObject *c = json_array_get_object_element(changed, i);
        const char *names[] = { "before", "after" };
        char *lists[2];
        for (int k = 0; k < 2; k++) {
            JsonArray *a = json_object_get_array_member(c, names[k]);
            GString *s = g_string_new(NULL);
            for (guint j = 0; j < json_array_get_length(a); j++)
                g_string_append_printf(s, "%s%s", j ? ", " : "", json_array_get_string_element(a, j));
            lists[k] = g_string_free(s, FALSE);
        }
        fprintf(out, "%s: %s -> %s\n", ck_json_str(c, "case_id"), lists[0][0] ? lists[0] : "(none)",
                lists[1][0] ? lists[1] : "(none)");
        g_free(lists[0]);
        g_free(lists[1]);
    }
    fprintf(out, "analyze: %" G_GINT64_FORMAT " cases analysed, %u changed cause\n",
            ck_json_int(o, "analysed"), json_array_get_length(changed));
}

/* The row ids of the cases named on the command line (all when none). */
static GArray *cases_to_analyse(CkContext *ctx, int argc, char **argv, int *rc)
{
    if (argc < 2)
        return ck_store_case_ids(ctx->store, NULL);
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
    for (int i = 1; i < argc; i++) {
        gint64 id = ck_cli_resolve_case(ctx, argv[i], rc);
        if (!id) {
            g_array_unref(ids);
            return NULL;
        }
        g_array_append_val(ids, id);
    }
    return ids;
}

int casekb_cmd_analyze(CkContext *ctx, int argc, char **argv)
{
    int rc = CK_EXIT_OK;
    if (!ck_cli_parse(ctx, &argc, &argv, NULL, "[CASE_ID...]",
                      "Re-run extraction and classification with the current rules (all cases by default)\n"
                      "and print which cases changed cause.", &rc))
        return rc;
    CkRuleSet *rules = ck_cli_load_rules(ctx);
    if (!rules)
        return CK_EXIT_USAGE;
    GArray *ids = cases_to_analyse(ctx, argc, argv, &rc);
    JsonArray *changed = json_array_new();
    GPtrArray *warnings = g_ptr_array_new_with_free_func(g_free);
    GError *error = NULL;
    gboolean ok = ids && ck_store_begin(ctx->store, &error)
                  && ck_analyze_stored_cases(ctx->store, rules, ids, 0, changed, warnings, &error)
                  && ck_store_commit(ctx->store, &error);
    for (guint i = 0; i < warnings->len; i++)
        ck_cli_error(ctx, 0, "warning: %s", (char *)g_ptr_array_index(warnings, i));
    if (ok) {
        JsonObject *o = json_object_new();
        json_object_set_int_member(o, "analysed", ids->len);
        json_object_set_array_member(o, "changed", json_array_ref(changed));
        JsonNode *node = json_node_init_object(json_node_alloc(), o);
        ck_output_write(stdout, ctx->format, node, print_changes);
        json_node_unref(node);
        json_object_unref(o);
    } else if (ids) {
        ck_store_rollback(ctx->store);
        rc = ck_cli_fail(ctx, CK_EXIT_INTERNAL, error);
    }
    json_array_unref(changed);
    g_ptr_array_unref(warnings);
    if (ids)
        g_array_unref(ids);
    ck_ruleset_free(rules);
    return rc;
}
