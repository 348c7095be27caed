/* cmd-kb.c — `casekb kb -o DIR`: write the knowledge base (html, md). */
#include "cli/commands.h"
#include "reports/kb.h"
#include "store/store-reports.h"
#include <stdio.h>

/* The run's counts as JSON, for the shared writer. */
static JsonNode *kb_stats_json(const char *dir, const CkKbStats *stats)
{
    JsonObject *o = json_object_new();
    json_object_set_string_member(o, "dir", dir);
    json_object_set_int_member(o, "pages", stats->pages);
    json_object_set_int_member(o, "articles", stats->articles);
    json_object_set_int_member(o, "written", stats->written);
    json_object_set_int_member(o, "unchanged", stats->unchanged);
    json_object_set_int_member(o, "removed", stats->removed);
    JsonNode *node = json_node_init_object(json_node_alloc(), o);
    json_object_unref(o);
    return node;
}

/* Text: one summary line. */
static void print_kb_stats(FILE *out, JsonNode *node)
{
    JsonObject *o = json_node_get_object(node);
    fprintf(out, "kb: %" G_GINT64_FORMAT " pages (%" G_GINT64_FORMAT " cause articles) in %s: %" G_GINT64_FORMAT
            " written, %" G_GINT64_FORMAT " unchanged, %" G_GINT64_FORMAT " removed\n", ck_json_int(o, "pages"),
            ck_json_int(o, "articles"), ck_json_str(o, "dir"), ck_json_int(o, "written"),
            ck_json_int(o, "unchanged"), ck_json_int(o, "removed"));
}

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
    if (ck_kb_write(output, ctx->format_name, json_node_get_array(docs), &stats, &error)) {
        JsonNode *summary = kb_stats_json(output, &stats);
        ck_output_write(stdout, CK_FORMAT_TEXT, summary, print_kb_stats);
        json_node_unref(summary);
    } else
        rc = ck_cli_fail(ctx, CK_EXIT_INTERNAL, error);
    json_node_unref(docs);
out:
    g_free(output);
    return rc;
}
