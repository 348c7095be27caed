/* cmd-checklist.c — `casekb checklist CASE_ID [--format md|cmd|ps1|json]
 * [--scope terminal|master-image] [-o FILE]`: the case's remediation steps
 * as a task list or a script for Windows (one script per scope: the
 * affected terminals by default, the master image only when asked). */
#include "cli/commands.h"
#include "reports/checklist.h"
#include "reports/privacy.h"
#include <errno.h>
#include <string.h>

/* Write CHECKLIST to PATH (NULL: standard output) as the chosen format:
 * JSON through the shared writer, md/cmd/ps1 as the exact bytes
 * ck_checklist_render() makes for SCOPE.  The exit code. */
static int write_checklist(CkContext *ctx, const char *path, JsonNode *checklist, CkRunScope scope)
{
    FILE *out = path ? fopen(path, "wb") : stdout;
    if (!out)
        return ck_cli_error(ctx, CK_EXIT_INTERNAL, "%s: %s", path, g_strerror(errno));
    if (ctx->format == CK_FORMAT_JSON) {
        ck_output_write(out, ctx->format, checklist, NULL);
    } else {
        GString *bytes = g_string_new(NULL);
        ck_checklist_render(bytes, checklist, ctx->format_name, scope);
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

/* CK_EXIT_OK when CHECKLIST of case ID has steps of SCOPE, else say why
 * (no root cause at all, or only steps of the other scope) and return
 * CK_EXIT_NOT_FOUND. */
static int check_not_empty(CkContext *ctx, const char *id, JsonNode *checklist, CkRunScope scope)
{
    if (ck_checklist_count(checklist, scope) > 0)
        return CK_EXIT_OK;
    if (ck_checklist_count(checklist, CK_RUN_ALL) == 0)
        return ck_cli_error(ctx, CK_EXIT_NOT_FOUND,
                            "%s: no root cause identified, so there is no checklist; run `casekb analyze %s` after"
                            " changing the rules, or see `casekb similar %s`", id, id, id);
    return ck_cli_error(ctx, CK_EXIT_NOT_FOUND, "%s: the checklist has no %s steps (try --scope %s)", id,
                        ck_run_scope_name(scope),
                        scope == CK_RUN_TERMINAL ? "master-image" : "terminal");
}

/* The scope the options ask for: --scope, else terminal for a script and
 * every step for md and json.  FALSE on a bad --scope. */
static gboolean choose_scope(CkContext *ctx, const char *name, CkRunScope *scope)
{
    gboolean script = g_strcmp0(ctx->format_name, "cmd") == 0 || g_strcmp0(ctx->format_name, "ps1") == 0;
    if (!name) {
        *scope = script ? CK_RUN_TERMINAL : CK_RUN_ALL;
        return TRUE;
    }
    return ck_run_scope_parse(name, scope) && !(script && *scope == CK_RUN_ALL);
}

/* The checklist command (see the file comment). */
int casekb_cmd_checklist(CkContext *ctx, int argc, char **argv)
{
    g_autofree char *output = NULL, *scope_name = NULL;
    const GOptionEntry entries[] = {
        { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write to FILE instead of standard output", "FILE" },
        { "scope", 0, 0, G_OPTION_ARG_STRING, &scope_name,
          "Steps for the affected terminals (default for scripts) or the master image only", "terminal|master-image" },
        { NULL }
    };
    ctx->formats = (const char *const[]){ "md", "cmd", "ps1", "json", NULL };
    int rc = CK_EXIT_OK;
    if (!ck_cli_parse(ctx, &argc, &argv, entries, "CASE_ID",
                      "The case's remediation steps, in order: md (a task list), cmd or ps1 (a script that\n"
                      "checks for administrator rights, runs the read-only steps, asks before changing anything,\n"
                      "skips a step whose prerequisite did not succeed and logs every step's output for\n"
                      "'casekb verify'), or json.  A script holds the steps for the affected terminals; the\n"
                      "master-image steps (sysprep …) go in a script of their own only with --scope master-image.",
                      &rc))
        return rc;
    CkRunScope scope;
    if (!choose_scope(ctx, scope_name, &scope))
        return ck_cli_error(ctx, CK_EXIT_USAGE, "--scope: expected terminal or master-image, not '%s'", scope_name);
    if (argc != 2)
        return ck_cli_error(ctx, CK_EXIT_USAGE, "expected one case ID, alias or Message-ID");
    gint64 rowid = ck_cli_resolve_case(ctx, argv[1], &rc);
    GError *error = NULL;
    JsonNode *doc = rowid ? ck_store_case_document(ctx->store, rowid, &error) : NULL;
    if (!doc)
        return rowid ? ck_cli_fail(ctx, CK_EXIT_INTERNAL, error) : rc;
    ck_json_mask_product_keys(doc);
    JsonNode *checklist = ck_checklist_build(json_node_get_object(doc));
    print_warnings(ctx, checklist);
    rc = check_not_empty(ctx, argv[1], checklist, scope);
    if (rc == CK_EXIT_OK)
        rc = write_checklist(ctx, output, checklist, scope);
    json_node_unref(checklist);
    json_node_unref(doc);
    return rc;
}
