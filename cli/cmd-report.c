/* cmd-report.c — `casekb report`: case-history report for support leads (html, md, json). */
#include "cli/commands.h"
#include "reports/report.h"
#include "reports/summary.h"
#include "store/store-reports.h"

int casekb_cmd_report(CkContext *ctx, int argc, char **argv)
{
    char *since = NULL, *until = NULL, *output = NULL;
    const GOptionEntry entries[] = {
        { "since", 0, 0, G_OPTION_ARG_STRING, &since, "Only cases opened on or after DATE", "DATE" },
        { "until", 0, 0, G_OPTION_ARG_STRING, &until, "Only cases opened on or before DATE", "DATE" },
        { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write to FILE (atomically) instead of stdout", "FILE" },
        { NULL }
    };
    int rc = CK_EXIT_OK;
    CkReportRange range;
    ctx->formats = (const char *const[]){ "html", "md", "json", NULL };
    if (!ck_cli_parse(ctx, &argc, &argv, entries, "",
                      "Case-history report: cases by cause, vendor, customer and status, response and close "
                      "times per cause, cases per month, top error codes and commands, open cases by age. "
                      "DATE is YYYY-MM, YYYY-MM-DD or ISO 8601; FORMAT: html (default), md or json.", &rc))
        goto out;
    if (argc > 1) {
        rc = ck_cli_error(ctx, CK_EXIT_USAGE, "unexpected argument '%s'", argv[1]);
        goto out;
    }
    range = (CkReportRange){ .now = g_get_real_time() / G_USEC_PER_SEC };
    if (!ck_cli_parse_date_option(ctx, "since", since, FALSE, &range.since, &range.has_since)
        || !ck_cli_parse_date_option(ctx, "until", until, TRUE, &range.until, &range.has_until)) {
        rc = CK_EXIT_USAGE;
        goto out;
    }
    GError *error = NULL;
    CkCustomers *customers = ck_customers_load_dir(ctx->rules_dir, &error);
    if (!customers) {
        rc = ck_cli_fail(ctx, CK_EXIT_USAGE, error);
        goto out;
    }
    range.customers = customers;
    JsonNode *docs = ck_store_all_case_documents(ctx->store, &error);
    if (!docs) {
        ck_customers_free(customers);
        rc = ck_cli_fail(ctx, CK_EXIT_INTERNAL, error);
        goto out;
    }
    JsonNode *report = ck_report_build(json_node_get_array(docs), &range);
    ck_customers_free(customers);
    GString *text = ck_report_render(report, ctx->format_name);
    if (!ck_output_save(output, stdout, text->str, text->len, &error))
        rc = ck_cli_fail(ctx, CK_EXIT_INTERNAL, error);
    g_string_free(text, TRUE);
    json_node_unref(report);
    json_node_unref(docs);
out:
    g_free(since);
    g_free(until);
    g_free(output);
    return rc;
}
