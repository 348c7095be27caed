/* cli-util.c — option parsing and error reporting shared by the commands. */
#include "cli/commands.h"
#include <stdio.h>

/* See commands.h. */
int ck_cli_error(CkContext *ctx, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *message = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    fprintf(stderr, "casekb %s: %s\n", ctx->command ? ctx->command : "", message);
    g_free(message);
    return code;
}

/* See commands.h. */
int ck_cli_fail(CkContext *ctx, int code, GError *error)
{
    int rc = ck_cli_error(ctx, code, "%s", error ? error->message : "unknown error");
    g_clear_error(&error);
    return rc;
}

/* See commands.h. */
gboolean ck_cli_parse(CkContext *ctx, int *argc, char ***argv, const GOptionEntry *entries,
                      const char *params, const char *summary, int *exit_code)
{
    char *format = NULL;
    gboolean json = FALSE;
    const GOptionEntry shared[] = {
        { "format", 0, 0, G_OPTION_ARG_STRING, &format, "Output format: text or json", "FORMAT" },
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Short for --format=json", NULL },
        { NULL }
    };
    GOptionContext *octx = g_option_context_new(params);
    g_option_context_set_summary(octx, summary);
    if (entries)
        g_option_context_add_main_entries(octx, entries, NULL);
    g_option_context_add_main_entries(octx, shared, NULL);
    GError *error = NULL;
    gboolean ok = g_option_context_parse(octx, argc, argv, &error);
    g_option_context_free(octx);
    if (ok && format)
        ok = ck_format_parse(format, &ctx->format, &error);
    if (ok && json)
        ctx->format = CK_FORMAT_JSON;
    g_free(format);
    if (!ok)
        *exit_code = ck_cli_fail(ctx, CK_EXIT_USAGE, error);
    return ok;
}

/* See commands.h. */
gint64 ck_cli_resolve_case(CkContext *ctx, const char *id, int *exit_code)
{
    gint64 rowid = 0;
    GError *error = NULL;
    if (!ck_store_resolve_case(ctx->store, id, &rowid, &error)) {
        *exit_code = ck_cli_fail(ctx, CK_EXIT_INTERNAL, error);
        return 0;
    }
    if (rowid == 0)
        *exit_code = ck_cli_error(ctx, CK_EXIT_NOT_FOUND, "no case, alias or message '%s' in %s", id,
                                  ck_store_path(ctx->store));
    return rowid;
}
