/* cli-util.c — option parsing and error reporting shared by the commands. */
#include "cli/commands.h"
#include "reports/timezone.h"
#include "reports/report.h"
#include <stdio.h>
#include <string.h>

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

/* Set ctx->format_name and ctx->format from NAME (NULL: the default). */
static gboolean choose_format(CkContext *ctx, const char *name, GError **error)
{
    static const char *const plain[] = { "text", "json", NULL };
    const char *const *allowed = ctx->formats ? ctx->formats : plain;
    if (!name)
        name = allowed[0];
    for (guint i = 0; allowed[i]; i++)
        if (!strcmp(allowed[i], name)) {
            ctx->format_name = allowed[i];
            ctx->format = strcmp(name, "json") ? CK_FORMAT_TEXT : CK_FORMAT_JSON;
            return TRUE;
        }
    char *list = g_strjoinv(", ", (char **)allowed);
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--format: unknown format '%s' (use %s)",
                name, list);
    g_free(list);
    return FALSE;
}

/* See commands.h. */
gboolean ck_cli_parse(CkContext *ctx, int *argc, char ***argv, const GOptionEntry *entries,
                      const char *params, const char *summary, int *exit_code)
{
    char *format = NULL;
    gboolean json = FALSE;
    const GOptionEntry shared[] = {
        { "format", 0, 0, G_OPTION_ARG_STRING, &format, "Output format (see above; default the first)", "FORMAT" },
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
    if (ok)
        ok = choose_format(ctx, json ? "json" : format, &error);
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

/* See commands.h. */
gboolean ck_cli_set_display_zone(CkContext *ctx, const char *tz, GError **error)
{
    GError *env_error = NULL;
    if (tz) {
        if (!ck_display_zone_set(tz, error)) {
            g_prefix_error(error, "--tz: ");
            return FALSE;
        }
    } else if (!ck_display_zone_set(g_getenv("TZ"), &env_error)) {
        ck_cli_error(ctx, 0, "warning: TZ: %s; showing times in UTC", env_error->message);
        g_clear_error(&env_error);
        ck_display_zone_set(NULL, NULL);
    }
    return TRUE;
}

/* See commands.h. */
CkRuleSet *ck_cli_load_rules(CkContext *ctx)
{
    const char *paths[] = { ctx->rules_dir, NULL };
    if (!g_file_test(ctx->rules_dir, G_FILE_TEST_IS_DIR)) {
        ck_cli_error(ctx, 0, "warning: %s: no rule folder; cases are not classified", ctx->rules_dir);
        return NULL;
    }
    GPtrArray *problems = g_ptr_array_new_with_free_func(g_free);
    CkRuleSet *rules = ck_ruleset_load_lenient(paths, problems);
    for (guint i = 0; i < problems->len; i++)
        ck_cli_error(ctx, 0, "warning: %s", (char *)g_ptr_array_index(problems, i));
    g_ptr_array_unref(problems);
    return rules;
}

/* See commands.h. */
int ck_cli_open_store(CkContext *ctx, CkStoreMode mode)
{
    if (mode == CK_STORE_NONE || ctx->store)
        return -1;
    if (mode == CK_STORE_READ && !g_file_test(ctx->db_path, G_FILE_TEST_EXISTS))
        return ck_cli_error(ctx, CK_EXIT_USAGE, "%s: no such database (run 'casekb ingest' first, or pass --db)",
                            ctx->db_path);
    GError *error = NULL;
    ctx->store = mode == CK_STORE_READ ? ck_store_open_readonly(ctx->db_path, &error)
                                       : ck_store_open(ctx->db_path, &error);
    return ctx->store ? -1 : ck_cli_fail(ctx, CK_EXIT_INTERNAL, error);
}

/* Text for a count: the number alone. */
static void print_count_text(FILE *out, JsonNode *node)
{
    fprintf(out, "%" G_GINT64_FORMAT "\n", ck_json_int(json_node_get_object(node), "count"));
}

/* See commands.h. */
int ck_cli_print_count(CkContext *ctx, gint64 count)
{
    JsonObject *o = json_object_new();
    json_object_set_int_member(o, "count", count);
    JsonNode *node = json_node_init_object(json_node_alloc(), o);
    ck_output_write(stdout, ctx->format, node, print_count_text);
    json_node_unref(node);
    json_object_unref(o);
    return count ? CK_EXIT_OK : CK_EXIT_NOT_FOUND;
}

/* See commands.h. */
gboolean ck_cli_parse_date_option(CkContext *ctx, const char *name, const char *date,
                                  gboolean end_of_range, gint64 *when, gboolean *set)
{
    GError *error = NULL;
    *set = date != NULL;
    if (!date || ck_report_parse_date(date, end_of_range, when, &error))
        return TRUE;
    ck_cli_error(ctx, CK_EXIT_USAGE, "--%s: %s", name, error->message);
    g_error_free(error);
    return FALSE;
}
