/* cmd-search.c — `casekb search QUERY...`: full-text search of past cases. */
#include "cli/commands.h"
#include "store/search.h"
#include "reports/search-out.h"
#include "reports/privacy.h"

#define SEARCH_SUMMARY \
    "Search past cases (Chinese and English).  Terms are ANDed; \"exact phrase\"; a OR b; -term or NOT term;\n" \
    "prefix*; filters case: from: subject: cause: status: vendor: customer: code: cmd: sn: attachment: body:\n" \
    "quoted: after:2021-03-01 before:2021-04 date:2021-03..2021-04.  One row per case (its best message)\n" \
    "unless " \
    "--messages; ranked by bm25 (subject weighs most, quoted text least).\n" \
    "--any reads QUERY as a plain sentence: cases holding any of its words (Chinese: character pairs),\n" \
    "most words first.  A query of plain words that finds nothing is searched that way too, with a note."

/* The exit status for a search ERROR: bad usage for a malformed query,
 * internal otherwise. */
static int search_exit(const GError *error)
{
    return g_error_matches(error, CK_SEARCH_ERROR, CK_SEARCH_ERROR_QUERY) ? CK_EXIT_USAGE : CK_EXIT_INTERNAL;
}

/* Print RESULTS (taken) with product keys masked; exit 1 when empty. */
static int print_results(CkContext *ctx, GPtrArray *results)
{
    JsonNode *node = ck_search_results_json(results);
    ck_json_mask_product_keys(node);
    ck_output_write(stdout, ctx->format, node, ck_text_search_results);
    int rc = results->len ? CK_EXIT_OK : CK_EXIT_NOT_FOUND;
    json_node_unref(node);
    g_ptr_array_unref(results);
    return rc;
}

/* TEXT searched (ANY: as a sentence) and listed or (COUNT_ONLY) counted;
 * a query that finds nothing is searched as a sentence, with a note
 * (ck_search_text()). */
static int run_search(CkContext *ctx, const char *text, gboolean any, gboolean count_only,
                      const CkSearchOptions *opts)
{
    CkSearchOutcome out;
    GError *error = NULL;
    int rc;
    if (!ck_search_text(ck_store_db(ctx->store), text, any, count_only, opts, &out, &error)) {
        rc = ck_cli_fail(ctx, search_exit(error), error);
    } else if (count_only) {
        rc = ck_cli_print_count(ctx, out.total);
    } else {
        if (out.fell_back)
            fprintf(stderr, "casekb search: nothing holds every word; showing what holds the most of them (as --any)\n");
        rc = print_results(ctx, g_steal_pointer(&out.results));
    }
    ck_search_outcome_clear(&out);
    return rc;
}

int casekb_cmd_search(CkContext *ctx, int argc, char **argv)
{
    gboolean per_message = FALSE, count_only = FALSE, any = FALSE;
    int limit = 20, offset = 0;
    const GOptionEntry entries[] = {
        { "messages", 0, 0, G_OPTION_ARG_NONE, &per_message, "One row per message", NULL },
        { "count", 0, 0, G_OPTION_ARG_NONE, &count_only, "Print only how many cases (or messages) match", NULL },
        { "any", 0, 0, G_OPTION_ARG_NONE, &any, "Read QUERY as a plain sentence; rank by words matched", NULL },
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
    gboolean colour = ctx->stdout_is_tty && ctx->format == CK_FORMAT_TEXT;
    CkSearchOptions options = { per_message, limit, offset, colour ? CK_SEARCH_TTY_OPEN : "[",
                                colour ? CK_SEARCH_TTY_CLOSE : "]", 0 };
    char *text = g_strjoinv(" ", argv + 1);
    rc = run_search(ctx, text, any, count_only, &options);
    g_free(text);
    return rc;
}
