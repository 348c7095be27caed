/* cmd-kb.c — `casekb kb -o DIR`: write the knowledge base (html, md). */
#include "cli/commands.h"
#include "reports/kb.h"
#include "store/store-reports.h"
#include <stdio.h>

int casekb_cmd_kb(CkContext *ctx, int argc, char **argv)
{
    char *output = NULL;
    const GOptionEntry entries[] = {
        { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Folder to write the knowledge base into (required)",
          "DIR" },
        { NULL }
    };
    int rc = CK_EXIT_OK;
    ctx->formats = (const char *const[]){ "html", "md", NULL };
    if (!ck_cli_parse(ctx, &argc, &argv, entries, "",
                      "Write the knowledge base into DIR: one article per cause, one page per case, an index by "
                      "cause, error code and product.  Only pages whose content changed are rewritten.  FORMAT: html "
                      "(default) or md.", &rc))
        goto out;
    if (argc > 1 || !output) {
        rc = argc > 1 ? ck_cli_error(ctx, CK_EXIT_USAGE, "unexpected argument '%s'", argv[1])
                      : ck_cli_error(ctx, CK_EXIT_USAGE, "-o DIR is required");
        goto out;
    }
    GError *error = NULL;
    JsonNode *docs = ck_store_all_case_documents(ctx->store, &error);
    if (!docs) {
        rc = ck_cli_fail(ctx, CK_EXIT_INTERNAL, error);
        goto out;
    }
    CkKbStats stats;
    if (ck_kb_write(output, ctx->format_name, json_node_get_array(docs), &stats, &error))
        printf("kb: %u pages (%u cause articles) in %s: %u written, %u unchanged, %u removed\n", stats.pages,
               stats.articles, output, stats.written, stats.unchanged, stats.removed);
    else
        rc = ck_cli_fail(ctx, CK_EXIT_INTERNAL, error);
    json_node_unref(docs);
out:
    g_free(output);
    return rc;
}
