/* cmd-search.c — `casekb search QUERY...`: full-text search of past cases. */
#include "cli/commands.h"
#include "store/search.h"
#include "reports/search-out.h"
#include "reports/privacy.h"

#define SEARCH_SUMMARY \
    "Search past cases (Chinese and English).  Terms are ANDed; \"exact phrase\"; a OR b; -term or NOT term;\n" \
    "prefix*; filters case: from: subject: cause: status: vendor: customer: code: cmd: sn: body: quoted:\n" \
    "after:2021-03-01 before:2021-04 date:2021-03..2021-04.  One row per case (its best message) unless\n" \
    "--messages; ranked by bm25 (subject weighs most, quoted text least)."

/* --count: how many cases or messages QUERY matches (takes QUERY). */
static int print_count(CkContext *ctx, CkSearchQuery *query, gboolean per_message)
{
    gint64 count = 0;
    GError *error = NULL;
    gboolean ok = ck_search_count(ck_store_db(ctx->store), query, per_message, &count, &error);
    ck_search_query_free(query);
    if (!ok)
        return ck_cli_fail(ctx, CK_EXIT_INTERNAL, error);
    return ck_cli_print_count(ctx, count);
}

int casekb_cmd_search(CkContext *ctx, int argc, char **argv)
{
    gboolean per_message = FALSE, count_only = FALSE;
    int limit = 20, offset = 0;
    const GOptionEntry entries[] = {
        { "messages", 0, 0, G_OPTION_ARG_NONE, &per_message, "One row per message", NULL },
        { "count", 0, 0, G_OPTION_ARG_NONE, &count_only, "Print only how many cases (or messages) match", NULL },
        { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "Rows to show (default 20)", "N" },
        { "offset", 0, 0, G_OPTION_ARG_INT, &offset, "Rows to skip", "N" },
        { NULL }
    };
    int rc = CK_EXIT_OK;
    if (!ck_cli_parse(ctx, &argc, &argv, entries, "QUERY...", SEARCH_SUMMARY, &rc))
        return rc;
    if (argc < 2)
        return ck_cli_error(ctx, CK_EXIT_USAGE, "expected a query");
    if (limit < 1 || offset < 0)
        return ck_cli_error(ctx, CK_EXIT_USAGE, "--limit must be at least 1 and --offset not negative");
    char *text = g_strjoinv(" ", argv + 1);
    GError *error = NULL;
    CkSearchQuery *query = ck_search_query_parse(text, &error);
    g_free(text);
    if (!query)
        return ck_cli_fail(ctx, CK_EXIT_USAGE, error);
    if (count_only)
        return print_count(ctx, query, per_message);
    gboolean colour = ctx->stdout_is_tty && ctx->format == CK_FORMAT_TEXT;
    CkSearchOptions options = { per_message, limit, offset, colour ? CK_SEARCH_TTY_OPEN : "[",
                                colour ? CK_SEARCH_TTY_CLOSE : "]", 0 };
    GPtrArray *results = NULL;
    gboolean ok = ck_search_run(ck_store_db(ctx->store), query, &options, &results, &error);
    ck_search_query_free(query);
    if (!ok)
        return ck_cli_fail(ctx, CK_EXIT_INTERNAL, error);
    JsonNode *node = ck_search_results_json(results);
    ck_json_mask_product_keys(node);
    ck_output_write(stdout, ctx->format, node, ck_text_search_results);
    rc = results->len ? CK_EXIT_OK : CK_EXIT_NOT_FOUND;
    json_node_unref(node);
    g_ptr_array_unref(results);
    return rc;
}
