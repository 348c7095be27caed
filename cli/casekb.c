/* casekb.c — main(): global options, the command table, the store.
 *
 * `casekb [--db PATH] [--rules DIR] COMMAND [OPTIONS] [ARGS]`.  main() opens
 * the store once as the command's row asks, runs the command, and closes
 * the store; commands only parse their options and call the library.
 */
#include "cli/commands.h"
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <locale.h>

typedef int (*CommandFunc)(CkContext *ctx, int argc, char **argv);

static const struct {
    const char *name;
    CommandFunc run;
    CkStoreMode store;
    const char *summary;
} COMMANDS[] = {
    { "ingest", casekb_cmd_ingest, CK_STORE_WRITE, "read mail archives into the case database" },
    { "sync", casekb_cmd_sync, CK_STORE_WRITE, "fetch an IMAP mailbox's new mail (imaps://host/MAILBOX)" },
    { "cases", casekb_cmd_cases, CK_STORE_READ, "list the cases" },
    { "show", casekb_cmd_show, CK_STORE_READ, "show one case (by case ID, alias or Message-ID)" },
    { "analyze", casekb_cmd_analyze, CK_STORE_WRITE, "re-run extraction and classification after rules change" },
    { "rules", casekb_cmd_rules, CK_STORE_NONE, "check, test and measure the rule files (rules check|test|stats)" },
    { "search", casekb_cmd_search, CK_STORE_READ, "search past cases and fixes, in Chinese and English" },
    { "summary", casekb_cmd_summary, CK_STORE_READ, "one-page case summary (md, html, json)" },
    { "checklist", casekb_cmd_checklist, CK_STORE_READ, "runnable remediation checklist (md, cmd, ps1)" },
    { "verify", casekb_cmd_verify, CK_STORE_READ, "check collected output against a case's checklist" },
    { "draft", casekb_cmd_draft, CK_STORE_READ, "draft the next reply to a case or a new mail" },
    { "similar", casekb_cmd_similar, CK_STORE_READ, "past cases most like a case or a new mail" },
    { "report", casekb_cmd_report, CK_STORE_READ, "case-history report for support leads (html, md, json)" },
    { "kb", casekb_cmd_kb, CK_STORE_READ, "write the knowledge base (one article per cause, one page per case)" },
    { "export", casekb_cmd_export, CK_STORE_READ, "export cases as NDJSON for Elasticsearch/OpenSearch _bulk" },
    { "serve", casekb_cmd_serve, CK_STORE_NONE, "web UI and JSON API: queue, search, case pages, dashboard" },
};

/* The usage text listing every command. */
static char *commands_description(void)
{
    GString *text = g_string_new("Commands:\n");
    for (guint i = 0; i < G_N_ELEMENTS(COMMANDS); i++)
        g_string_append_printf(text, "  %-10s %s\n", COMMANDS[i].name, COMMANDS[i].summary);
    g_string_append(text, "\nRun 'casekb COMMAND --help' for a command's options.\n"
                          "Exit status: 0 ok, 1 nothing found, 2 bad usage or input, 3 internal error.");
    return g_string_free(text, FALSE);
}

/* The rules/ folder to use when neither --rules nor CASEKB_RULES is given:
 * beside the binary, or two levels up (build/<variant>/casekb), else ./rules. */
static char *default_rules_dir(void)
{
    char *exe = g_file_read_link("/proc/self/exe", NULL);
    char *dir = exe ? g_path_get_dirname(exe) : g_get_current_dir();
    const char *const candidates[] = { "rules", "../../rules", "../share/casekb/rules" };
    char *found = NULL;
    for (guint i = 0; i < G_N_ELEMENTS(candidates) && !found; i++) {
        char *path = g_build_filename(dir, candidates[i], NULL);
        if (g_file_test(path, G_FILE_TEST_IS_DIR))
            found = g_canonicalize_filename(path, NULL);
        g_free(path);
    }
    g_free(dir);
    g_free(exe);
    return found ? found : g_strdup("rules");
}

/* Parse the global options before the command name (strict POSIX: the
 * first non-option stops parsing).  Returns an exit code, or -1 to go on. */
static int parse_global(CkContext *ctx, int *argc, char ***argv)
{
    char *db = NULL, *rules = NULL, *tz = NULL;
    gboolean version = FALSE;
    const GOptionEntry entries[] = {
        { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and JSON format version", NULL },
        { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "Database file (default $CASEKB_DB or ./casekb.db)", "PATH" },
        { "rules", 0, 0, G_OPTION_ARG_FILENAME, &rules, "Rule folder (default $CASEKB_RULES or rules/)", "DIR" },
        { "tz", 0, 0, G_OPTION_ARG_STRING, &tz,
          "Time zone of displayed times in text, Markdown and HTML (default $TZ, else UTC; JSON stays UTC)", "ZONE" },
        { NULL }
    };
    GOptionContext *octx = g_option_context_new("COMMAND [ARGS...]");
    g_option_context_set_strict_posix(octx, TRUE);
    g_option_context_add_main_entries(octx, entries, NULL);
    char *description = commands_description();
    g_option_context_set_description(octx, description);
    g_option_context_set_summary(octx, "casekb turns a support team's mail archive into a knowledge base of cases.");
    GError *error = NULL;
    gboolean ok = g_option_context_parse(octx, argc, argv, &error);
    if (ok && *argc < 2 && !version) {
        char *help = g_option_context_get_help(octx, TRUE, NULL);
        fputs(help, stderr);
        g_free(help);
    }
    g_option_context_free(octx);
    g_free(description);
    ctx->db_path = db ? db : g_strdup(g_getenv("CASEKB_DB") ? g_getenv("CASEKB_DB") : "casekb.db");
    ctx->rules_dir = rules ? rules : (g_getenv("CASEKB_RULES") ? g_strdup(g_getenv("CASEKB_RULES"))
                                                                : default_rules_dir());
    if (ok)
        ok = ck_cli_set_display_zone(ctx, tz, &error);
    g_free(tz);
    if (!ok)
        return ck_cli_fail(ctx, CK_EXIT_USAGE, error);
    if (version) {
        printf("casekb %s (JSON format %d)\n", CASEKB_VERSION, CASEKB_JSON_FORMAT);
        return CK_EXIT_OK;
    }
    return *argc < 2 ? CK_EXIT_USAGE : -1;
}

/* Run the named command; the exit code. */
static int run_command(CkContext *ctx, int argc, char **argv)
{
    for (guint i = 0; i < G_N_ELEMENTS(COMMANDS); i++) {
        if (strcmp(argv[0], COMMANDS[i].name) != 0)
            continue;
        ctx->command = COMMANDS[i].name;
        char *prgname = g_strdup_printf("casekb %s", COMMANDS[i].name);
        g_set_prgname(prgname);
        g_free(prgname);
        gboolean wants_help = FALSE;
        for (int a = 1; a < argc; a++)
            wants_help |= !strcmp(argv[a], "--help") || !strcmp(argv[a], "-h");
        int rc = wants_help ? -1 : ck_cli_open_store(ctx, COMMANDS[i].store);
        if (rc >= 0)
            return rc;
        rc = COMMANDS[i].run(ctx, argc, argv);
        ck_store_close(ctx->store);
        ctx->store = NULL;
        return rc;
    }
    return ck_cli_error(ctx, CK_EXIT_USAGE, "'%s' is not a command; see 'casekb --help'", argv[0]);
}

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    CkContext ctx = { 0 };
    ctx.stdout_is_tty = isatty(STDOUT_FILENO);
    int rc = parse_global(&ctx, &argc, &argv);
    if (rc < 0)
        rc = run_command(&ctx, argc - 1, argv + 1);
    g_free(ctx.db_path);
    g_free(ctx.rules_dir);
    return rc;
}
