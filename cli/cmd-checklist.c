/* cmd-checklist.c — `casekb checklist CASE_ID [--format md|cmd|ps1|json] [-o FILE]`:
 * the case's remediation steps as a task list or a script for Windows. */
#include "cli/commands.h"
#include "reports/checklist.h"
#include "reports/privacy.h"
#include <errno.h>
#include <string.h>

/* Write CHECKLIST to PATH (NULL: standard output) as the chosen format:
 * JSON through the shared writer, md/cmd/ps1 as the exact bytes
 * ck_checklist_render() makes.  The exit code. */
static int write_checklist(CkContext *ctx, const char *path, JsonNode *checklist)
{
    FILE *out = path ? fopen(path, "wb") : stdout;
    if (!out)
        return ck_cli_error(ctx, CK_EXIT_INTERNAL, "%s: %s", path, g_strerror(errno));
    if (ctx->format == CK_FORMAT_JSON) {
        ck_output_write(out, ctx->format, checklist, NULL);
    } else {
        GString *bytes = g_string_new(NULL);
        ck_checklist_render(bytes, checklist, ctx->format_name);
        fwrite(bytes->str, 1, bytes->len, out);
        g_string_free(bytes, TRUE);
    }
    gboolean ok = !ferror(out) && fflush(out) == 0;
    if (path)
        ok = fclose(out) == 0 && ok;
    if (!ok)
        return ck_cli_error(ctx, CK_EXIT_INTERNAL, "%s: write failed: %s", path ? path : "standard output",
                            g_strerror(errno));
    return CK_EXIT_OK;
}

/* Print the checklist's warnings on stderr. */
static void print_warnings(CkContext *ctx, JsonNode *checklist)
{
    JsonArray *warnings = ck_json_get_array(json_node_get_object(checklist), "warnings");
    for (guint i = 0; warnings && i < json_array_get_length(warnings); i++)
        ck_cli_error(ctx, 0, "warning: %s", json_array_get_string_element(warnings, i));
}

/* The checklist command (see the file comment). */
int casekb_cmd_checklist(CkContext *ctx, int argc, char **argv)
{
    char *output = NULL;
    const GOptionEntry entries[] = {
        { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write to FILE instead of standard output", "FILE" },
        { NULL }
    };
    ctx->formats = (const char *const[]){ "md", "cmd", "ps1", "json", NULL };
    int rc = CK_EXIT_OK;
    if (!ck_cli_parse(ctx, &argc, &argv, entries, "CASE_ID",
                      "The case's remediation steps, in order: md (a task list), cmd or ps1 (a script that\n"
                      "runs the read-only steps, asks before changing anything and logs every step's output\n"
                      "for 'casekb verify'), or json.", &rc))
        return rc;
    if (argc != 2) {
        g_free(output);
        return ck_cli_error(ctx, CK_EXIT_USAGE, "expected one case ID, alias or Message-ID");
    }
    gint64 rowid = ck_cli_resolve_case(ctx, argv[1], &rc);
    GError *error = NULL;
    JsonNode *doc = rowid ? ck_store_case_document(ctx->store, rowid, &error) : NULL;
    if (!doc) {
        g_free(output);
        return rowid ? ck_cli_fail(ctx, CK_EXIT_INTERNAL, error) : rc;
    }
    ck_json_mask_product_keys(doc);
    JsonNode *checklist = ck_checklist_build(json_node_get_object(doc));
    print_warnings(ctx, checklist);
    rc = write_checklist(ctx, output, checklist);
    json_node_unref(checklist);
    json_node_unref(doc);
    g_free(output);
    return rc;
}
