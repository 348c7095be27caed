/* casekb.c — main(): global options, the command table, the store.
 *
 * `casekb [--db PATH] [--rules DIR] COMMAND [OPTIONS] [ARGS]`.  main() opens
 * the store once as the command's row asks, runs the command, and closes
 * the store; commands only parse their options and call the library.
 *
 * One main() serves three programs (git's builtins and helper binaries):
 * casekb holds the commands that only read the database; commands that read
 * mail or other files in any charset (GMime, libxml2, uchardet, libcurl,
 * libpst, libytnef) are in casekb-mail, and serve (libsoup) in casekb-serve.
 * Loading those libraries was most of a search's time (issue 12), so casekb
 * is linked without them: a row whose command is not linked in (its weak
 * symbol is NULL) runs its program, found beside this one or in
 * $CASEKB_EXEC_PATH, with the same arguments.
 */
#include "cli/commands.h"
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <locale.h>
#include <errno.h>

typedef int (*CommandFunc)(CkContext *ctx, int argc, char **argv);

/* Linked into casekb-mail and casekb-serve only (see above). */
#pragma weak casekb_cmd_ingest
#pragma weak casekb_cmd_sync
#pragma weak casekb_cmd_verify
#pragma weak casekb_cmd_draft
#pragma weak casekb_cmd_similar
#pragma weak casekb_cmd_serve

#define MAIL "casekb-mail"
#define SERVE "casekb-serve"

static const struct {
    const char *name;
    CommandFunc run;        /* NULL when this program was linked without it */
    CkStoreMode store;
    const char *program;    /* the program holding it when not every program does */
    const char *summary;
} COMMANDS[] = {
    { "ingest", casekb_cmd_ingest, CK_STORE_WRITE, MAIL, "read mail archives into the case database" },
    { "sync", casekb_cmd_sync, CK_STORE_WRITE, MAIL, "fetch an IMAP mailbox's new mail (imaps://host/MAILBOX)" },
    { "cases", casekb_cmd_cases, CK_STORE_READ, NULL, "list the cases" },
    { "show", casekb_cmd_show, CK_STORE_READ, NULL, "show one case (by case ID, alias or Message-ID)" },
    { "analyze", casekb_cmd_analyze, CK_STORE_WRITE, NULL, "re-run extraction and classification after rules change" },
    { "rules", casekb_cmd_rules, CK_STORE_NONE, NULL, "check, test and measure the rule files (rules check|test|stats)" },
    { "search", casekb_cmd_search, CK_STORE_READ, NULL, "search past cases and fixes, in Chinese and English" },
    { "summary", casekb_cmd_summary, CK_STORE_READ, NULL, "one-page case summary (md, html, json)" },
    { "checklist", casekb_cmd_checklist, CK_STORE_READ, NULL, "runnable remediation checklist (md, cmd, ps1)" },
    { "verify", casekb_cmd_verify, CK_STORE_READ, MAIL, "check collected output against a case's checklist" },
    { "draft", casekb_cmd_draft, CK_STORE_READ, MAIL, "draft the next reply to a case or a new mail" },
    { "similar", casekb_cmd_similar, CK_STORE_READ, MAIL, "past cases most like a case or a new mail" },
    { "report", casekb_cmd_report, CK_STORE_READ, NULL, "case-history report for support leads (html, md, json)" },
    { "kb", casekb_cmd_kb, CK_STORE_READ, NULL, "write the knowledge base (one article per cause, one page per case)" },
    { "export", casekb_cmd_export, CK_STORE_READ, NULL, "export cases as NDJSON for Elasticsearch/OpenSearch _bulk" },
    { "serve", casekb_cmd_serve, CK_STORE_NONE, SERVE, "web UI and JSON API: queue, search, case pages, dashboard" },
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
/* The folder holding the running program (the current folder if unknown);
 * g_free() it. */
static char *program_dir(void)
{
    char *exe = g_file_read_link("/proc/self/exe", NULL);
    char *dir = exe ? g_path_get_dirname(exe) : g_get_current_dir();
    g_free(exe);
    return dir;
}

static char *default_rules_dir(void)
{
    char *dir = program_dir();
    const char *const candidates[] = { "rules", "../../rules", "../share/casekb/rules" };
    char *found = NULL;
    for (guint i = 0; i < G_N_ELEMENTS(candidates) && !found; i++) {
        char *path = g_build_filename(dir, candidates[i], NULL);
        if (g_file_test(path, G_FILE_TEST_IS_DIR))
            found = g_canonicalize_filename(path, NULL);
        g_free(path);
    }
    g_free(dir);
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

/* Replace this process with PROGRAM (from $CASEKB_EXEC_PATH, else beside
 * this program) run with ORIGINAL_ARGV; returns only on failure, with the
 * exit code after one error line. */
static int run_program(CkContext *ctx, const char *program, char **original_argv)
{
    const char *exec_path = g_getenv("CASEKB_EXEC_PATH");
    char *dir = exec_path && *exec_path ? g_strdup(exec_path) : program_dir();
    char *path = g_build_filename(dir, program, NULL);
    fflush(NULL);
    execv(path, original_argv);
    int saved = errno;
    int rc = ck_cli_error(ctx, CK_EXIT_INTERNAL, "needs the program %s: %s", path, g_strerror(saved));
    g_free(path);
    g_free(dir);
    return rc;
}

/* Run the named command (ARGV[0]), or the program that holds it with
 * ORIGINAL_ARGV; the exit code. */
static int run_command(CkContext *ctx, int argc, char **argv, char **original_argv)
{
    for (guint i = 0; i < G_N_ELEMENTS(COMMANDS); i++) {
        if (strcmp(argv[0], COMMANDS[i].name) != 0)
            continue;
        ctx->command = COMMANDS[i].name;
        if (!COMMANDS[i].run)
            return run_program(ctx, COMMANDS[i].program, original_argv);
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
    char **original_argv = g_new0(char *, argc + 1);  /* GOption reorders argv */
    memcpy(original_argv, argv, sizeof(char *) * argc);
    int rc = parse_global(&ctx, &argc, &argv);
    if (rc < 0)
        rc = run_command(&ctx, argc - 1, argv + 1, original_argv);
    g_free(original_argv);
    g_free(ctx.db_path);
    g_free(ctx.rules_dir);
    return rc;
}
