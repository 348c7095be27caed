/* cmd-checklist.c — `casekb checklist CASE_ID [--format md|cmd|ps1|json] [-o FILE]`:
 * the case's remediation steps as a task list or a script for Windows. */
#include "cli/commands.h"
#include "reports/checklist.h"
#include "reports/privacy.h"
#include <errno.h>
#include <string.h>

/* Write LEN bytes of DATA to PATH (NULL: standard output).  The exit code. */
static int write_bytes(CkContext *ctx, const char *path, const char *data, gsize len)
{
    if (!path) {
        gboolean ok = fwrite(data, 1, len, stdout) == len && fflush(stdout) == 0;
        return ok ? CK_EXIT_OK : ck_cli_error(ctx, CK_EXIT_INTERNAL, "writing standard output: %s", g_strerror(errno));
    }
    GError *error = NULL;
    if (!g_file_set_contents(path, data, (gssize)len, &error))
        return ck_cli_fail(ctx, CK_EXIT_INTERNAL, error);
    return CK_EXIT_OK;
}

/* Print the checklist's warnings on stderr. */
static void print_warnings(CkContext *ctx, JsonNode *checklist)
{
    JsonArray *warnings = ck_json_array(json_node_get_object(checklist), "warnings");
    for (guint i = 0; warnings && i < json_array_get_length(warnings); i++)
        ck_cli_error(ctx, 0, "warning: %s", json_array_get_string_element(warnings, i));
}

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
    GString *bytes = g_string_new(NULL);
    if (ctx->format == CK_FORMAT_JSON) {
        JsonGenerator *gen = json_generator_new();
        json_generator_set_pretty(gen, TRUE);
        json_generator_set_root(gen, checklist);
        char *text = json_generator_to_data(gen, NULL);
        g_string_append_printf(bytes, "%s\n", text);
        g_free(text);
        g_object_unref(gen);
    } else {
        ck_checklist_render(bytes, checklist, ctx->format_name);
    }
    rc = write_bytes(ctx, output, bytes->str, bytes->len);
    g_string_free(bytes, TRUE);
    json_node_unref(checklist);
    json_node_unref(doc);
    g_free(output);
    return rc;
}
