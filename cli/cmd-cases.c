/* cmd-cases.c — `casekb cases`: list the cases. */
#include "cli/commands.h"
#include "reports/case-text.h"
#include "reports/privacy.h"

int casekb_cmd_cases(CkContext *ctx, int argc, char **argv)
{
    int rc = CK_EXIT_OK;
    if (!ck_cli_parse(ctx, &argc, &argv, NULL, "", "List the cases in the database, oldest first.", &rc))
        return rc;
    if (argc > 1)
        return ck_cli_error(ctx, CK_EXIT_USAGE, "unexpected argument '%s'", argv[1]);
    GError *error = NULL;
    JsonNode *list = ck_store_case_list(ctx->store, &error);
    if (!list)
        return ck_cli_fail(ctx, CK_EXIT_INTERNAL, error);
    ck_json_mask_product_keys(list);
    ck_output_write(stdout, ctx->format, list, ck_text_case_list);
    rc = json_array_get_length(json_node_get_array(list)) ? CK_EXIT_OK : CK_EXIT_NOT_FOUND;
    json_node_unref(list);
    return rc;
}
