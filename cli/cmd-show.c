/* cmd-show.c — `casekb show ID`: one case as text or as the JSON contract. */
#include "cli/commands.h"
#include "reports/case-text.h"
#include "reports/privacy.h"

int casekb_cmd_show(CkContext *ctx, int argc, char **argv)
{
    gboolean reveal = FALSE;
    const GOptionEntry entries[] = {
        { "reveal", 0, 0, G_OPTION_ARG_NONE, &reveal, "Keep full product keys (JSON only)", NULL },
        { NULL }
    };
    int rc = CK_EXIT_OK;
    if (!ck_cli_parse(ctx, &argc, &argv, entries, "CASE_ID",
                      "Show a case, given its case ID (CAS-…, THR-…), an alias (CMIT:…) or any Message-ID.", &rc))
        return rc;
    if (argc != 2)
        return ck_cli_error(ctx, CK_EXIT_USAGE, "expected one case ID, alias or Message-ID");
    gint64 rowid = ck_cli_resolve_case(ctx, argv[1], &rc);
    if (!rowid)
        return rc;
    GError *error = NULL;
    JsonNode *doc = ck_store_case_document(ctx->store, rowid, &error);
    if (!doc)
        return ck_cli_fail(ctx, CK_EXIT_INTERNAL, error);
    if (!(reveal && ctx->format == CK_FORMAT_JSON))
        ck_json_mask_product_keys(doc);
    ck_output_write(stdout, ctx->format, doc, ck_text_case_document);
    json_node_unref(doc);
    return CK_EXIT_OK;
}
