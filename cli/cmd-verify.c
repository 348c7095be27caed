/* cmd-verify.c — `casekb verify CASE_ID LOGFILE`: check collected output
 * (a checklist script's log, or pasted slmgr/nslookup/… output) against
 * the case's checklist.  LOGFILE "-" reads standard input. */
#include "cli/commands.h"
#include "reports/checklist.h"
#include "reports/verify.h"
#include "reports/privacy.h"
#include <stdio.h>

/* Read all of PATH ("-": standard input) into *data / *len. */
static gboolean read_input(const char *path, char **data, gsize *len, GError **error)
{
    if (g_strcmp0(path, "-") != 0)
        return g_file_get_contents(path, data, len, error);
    GString *buf = g_string_new(NULL);
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
        g_string_append_len(buf, chunk, (gssize)n);
    if (ferror(stdin)) {
        g_string_free(buf, TRUE);
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_IO, "standard input: read error");
        return FALSE;
    }
    *len = buf->len;
    *data = g_string_free(buf, FALSE);
    return TRUE;
}

/* The verify command (see the file comment). */
int casekb_cmd_verify(CkContext *ctx, int argc, char **argv)
{
    int rc = CK_EXIT_OK;
    g_autofree char *scope_name = NULL;
    const GOptionEntry entries[] = {
        { "scope", 0, 0, G_OPTION_ARG_STRING, &scope_name,
          "Judge the terminal's or the master image's steps (default: as the log says, else terminal)",
          "terminal|master-image" },
        { NULL }
    };
    if (!ck_cli_parse(ctx, &argc, &argv, entries, "CASE_ID LOGFILE",
                      "Check a checklist script's log, or pasted output of slmgr /dlv, slmgr /xpr, nslookup,\n"
                      "Test-NetConnection … (Chinese or English Windows), against each step's expected result;\n"
                      "a step is judged only by its own command's output.  Prints pass / fail / not run per\n"
                      "step and what to do next.  Exit 1 when no step was found.",
                      &rc))
        return rc;
    CkRunScope scope = CK_RUN_ALL;
    if (scope_name && (!ck_run_scope_parse(scope_name, &scope) || scope == CK_RUN_ALL))
        return ck_cli_error(ctx, CK_EXIT_USAGE, "--scope: expected terminal or master-image, not '%s'", scope_name);
    if (argc != 3)
        return ck_cli_error(ctx, CK_EXIT_USAGE, "expected a case ID and a log file (or -)");
    char *data = NULL;
    gsize len = 0;
    GError *error = NULL;
    if (!read_input(argv[2], &data, &len, &error))
        return ck_cli_fail(ctx, CK_EXIT_USAGE, error);
    gint64 rowid = ck_cli_resolve_case(ctx, argv[1], &rc);
    JsonNode *doc = rowid ? ck_store_case_document(ctx->store, rowid, &error) : NULL;
    if (!doc) {
        g_free(data);
        return rowid ? ck_cli_fail(ctx, CK_EXIT_INTERNAL, error) : rc;
    }
    ck_json_mask_product_keys(doc);
    JsonNode *checklist = ck_checklist_build(json_node_get_object(doc));
    JsonNode *result = ck_verify_log(checklist, data, len, scope);
    ck_json_mask_product_keys(result);
    ck_output_write(stdout, ctx->format, result, ck_text_verify);
    JsonObject *summary = ck_json_get_object(json_node_get_object(result), "summary");
    gint64 found = ck_json_int(summary, "pass") + ck_json_int(summary, "fail") + ck_json_int(summary, "unchecked");
    if (!found)
        rc = ck_cli_error(ctx, CK_EXIT_NOT_FOUND, "%s: no step of %s found in it", argv[2], argv[1]);
    json_node_unref(result);
    json_node_unref(checklist);
    json_node_unref(doc);
    g_free(data);
    return rc;
}
