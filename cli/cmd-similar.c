/* cmd-similar.c — `casekb similar CASE_ID|FILE.eml [--limit N]`: the past
 * cases most like a case or a new mail, and how they were resolved. */
#include "cli/commands.h"
#include "reports/draft.h"
#include "reports/similar-out.h"
#include "reports/privacy.h"
#include "store/similar.h"

/* The similar command (see the file comment). */
int casekb_cmd_similar(CkContext *ctx, int argc, char **argv)
{
    int limit = 10;
    const GOptionEntry entries[] = {
        { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "Cases to list (default 10)", "N" },
        { NULL }
    };
    int rc = CK_EXIT_OK;
    if (!ck_cli_parse(ctx, &argc, &argv, entries, "CASE_ID|FILE.eml",
                      "List the past cases most like a case or a new mail (analysed, not stored), scored on shared\n"
                      "causes, shared error codes / commands / hosts / serial numbers, and text (bm25), with\n"
                      "each case's status and how it was resolved.", &rc))
        return rc;
    if (argc != 2)
        return ck_cli_error(ctx, CK_EXIT_USAGE, "expected one case ID or mail file");
    if (limit < 1)
        return ck_cli_error(ctx, CK_EXIT_USAGE, "--limit must be at least 1");
    CkRuleSet *rules = ck_cli_load_rules(ctx);
    GError *error = NULL;
    gint64 rowid = 0;
    JsonNode *doc = ck_draft_source(ctx->store, rules, argv[1], &rowid, &error);
    JsonNode *results = NULL;
    if (!doc)
        rc = ck_cli_fail(ctx, g_error_matches(error, CK_DRAFT_ERROR, CK_DRAFT_ERROR_NOT_FOUND) ? CK_EXIT_NOT_FOUND
                         : error && error->domain == CK_STORE_ERROR ? CK_EXIT_INTERNAL : CK_EXIT_USAGE, error);
    else {
        JsonObject *probe = ck_similar_probe(json_node_get_object(doc));
        results = ck_store_similar_cases(ctx->store, probe, rowid, limit, &error);
        json_object_unref(probe);
        if (!results)
            rc = ck_cli_fail(ctx, CK_EXIT_INTERNAL, error);
    }
    if (results) {
        ck_json_mask_product_keys(results);
        ck_output_write(stdout, ctx->format, results, ck_text_similar);
        rc = json_array_get_length(json_node_get_array(results)) ? CK_EXIT_OK : CK_EXIT_NOT_FOUND;
        json_node_unref(results);
    }
    if (doc)
        json_node_unref(doc);
    if (rules)
        ck_ruleset_free(rules);
    return rc;
}
