/* cmd-summary.c — `casekb summary CASE_ID`: one-page case summary (md, html, json). */
#include "cli/commands.h"
#include "reports/summary.h"

int casekb_cmd_summary(CkContext *ctx, int argc, char **argv)
{
    char *output = NULL;
    const GOptionEntry entries[] = {
        { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write to FILE (atomically) instead of stdout", "FILE" },
        { NULL }
    };
    int rc = CK_EXIT_OK;
    ctx->formats = (const char *const[]){ "md", "html", "json", NULL };
    if (!ck_cli_parse(ctx, &argc, &argv, entries, "CASE_ID",
                      "One-page summary of a case: metadata, timeline, problem/analysis/conclusion, entities, "
                      "causes with evidence, unanswered requests, response and close times.  FORMAT: md (default), html or json.", &rc))
        goto out;
    if (argc != 2) {
        rc = ck_cli_error(ctx, CK_EXIT_USAGE, "expected one case ID, alias or Message-ID");
        goto out;
    }
    gint64 rowid = ck_cli_resolve_case(ctx, argv[1], &rc);
    if (!rowid)
        goto out;
    GError *error = NULL;
    JsonNode *doc = ck_store_case_document(ctx->store, rowid, &error);
    if (!doc) {
        rc = ck_cli_fail(ctx, CK_EXIT_INTERNAL, error);
        goto out;
    }
    JsonNode *summary = ck_summary_build(doc);
    GString *text = ck_summary_render(summary, ctx->format_name);
    if (!ck_output_save(output, stdout, text->str, text->len, &error))
        rc = ck_cli_fail(ctx, CK_EXIT_INTERNAL, error);
    g_string_free(text, TRUE);
    json_node_unref(summary);
    json_node_unref(doc);
out:
    g_free(output);
    return rc;
}
