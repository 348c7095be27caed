/* commands.h — the casekb command table's interface.
 *
 * Adding a command:
 *   1. write cli/cmd-<name>.c exporting
 *        int casekb_cmd_<name>(CkContext *ctx, int argc, char **argv);
 *      that parses its options with ck_cli_parse(), calls ONE library entry
 *      point, and prints its result with ck_output_write();
 *   2. declare it below and add a row to COMMANDS[] in casekb.c (name,
 *      function, store mode, summary);
 *   3. add an end-to-end test tests/e2e/TNNN-<name>.sh and a README line.
 * Commands return an exit code (CK_EXIT_*) and report errors with
 * ck_cli_error(): one line on stderr naming the file or argument.
 */
#ifndef CASEKB_COMMANDS_H
#define CASEKB_COMMANDS_H

#include <glib.h>
#include "store/store.h"
#include "reports/output.h"
#include "analyzer/analyzer.h"
#include "analyzer/rules.h"

enum {
    CK_EXIT_OK = 0,
    CK_EXIT_NOT_FOUND = 1,   /* unknown case, no results */
    CK_EXIT_USAGE = 2,       /* bad usage or bad input */
    CK_EXIT_INTERNAL = 3     /* database or I/O failure */
};

typedef enum { CK_STORE_NONE, CK_STORE_READ, CK_STORE_WRITE } CkStoreMode;

typedef struct {
    const char *command;     /* name of the running command, for messages */
    char *db_path;           /* --db, CASEKB_DB, or ./casekb.db */
    char *rules_dir;         /* --rules, CASEKB_RULES, or the rules/ beside the binary */
    CkStore *store;          /* opened by main() as the command's row asks */
    CkFormat format;         /* set by ck_cli_parse(): JSON when --json or --format=json */
    const char *const *formats; /* set by a command BEFORE ck_cli_parse() when it has formats
                                 * other than text|json (e.g. {"md","html","json",NULL});
                                 * the first is the default */
    const char *format_name;  /* set by ck_cli_parse(): the chosen name, e.g. "md" (static) */
    gboolean stdout_is_tty;
} CkContext;

/* Parse a command's options: ENTRIES (may be NULL) plus the shared
 * --format/--json (names from ctx->formats, else text|json), with PARAMS
 * and SUMMARY for --help.  Prints --help and
 * returns FALSE with *exit_code = 0; on a bad option prints one error line
 * and returns FALSE with *exit_code = CK_EXIT_USAGE. */
gboolean ck_cli_parse(CkContext *ctx, int *argc, char ***argv, const GOptionEntry *entries,
                      const char *params, const char *summary, int *exit_code);

/* Print "casekb CMD: message" on stderr and return CODE. */
int ck_cli_error(CkContext *ctx, int code, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

/* Print ERROR's message as ck_cli_error does, free it, and return CODE. */
int ck_cli_fail(CkContext *ctx, int code, GError *error);

/* Resolve a user-given case ID, alias or Message-ID; prints the error and
 * returns 0 (with *exit_code set) when there is none. */
gint64 ck_cli_resolve_case(CkContext *ctx, const char *id, int *exit_code);

/* Open ctx->store as MODE asks (a read-only command opens the database
 * read-only, and refuses one that does not exist).  Returns -1 when done, else the exit code after
 * printing the error. */
int ck_cli_open_store(CkContext *ctx, CkStoreMode mode);

/* Print COUNT as {"count": N} (text: the number alone, like `notmuch
 * count`); returns CK_EXIT_OK, or CK_EXIT_NOT_FOUND when COUNT is 0. */
int ck_cli_print_count(CkContext *ctx, gint64 count);

/* Parse the value DATE of option --NAME (NULL: not given; then *SET is
 * FALSE) as a report date (YYYY-MM, YYYY-MM-DD, ISO 8601), the last second
 * of a month or day when END_OF_RANGE.  Prints one error line and returns
 * FALSE on a bad date. */
gboolean ck_cli_parse_date_option(CkContext *ctx, const char *name, const char *date,
                                  gboolean end_of_range, gint64 *when, gboolean *set);

/* Set the zone displayed times are shown in (reports/timezone.h): TZ
 * (--tz), else the TZ environment variable, else UTC.  An unknown --tz is
 * an error; an unknown $TZ gets a warning line and UTC. */
gboolean ck_cli_set_display_zone(CkContext *ctx, const char *tz, GError **error);

/* Load the rule folder leniently: broken causes are left out with a
 * warning line each.  NULL (with a warning) when the folder is missing.
 * Caller frees with ck_ruleset_free(). */
CkRuleSet *ck_cli_load_rules(CkContext *ctx);

int casekb_cmd_ingest(CkContext *ctx, int argc, char **argv);
int casekb_cmd_sync(CkContext *ctx, int argc, char **argv);
int casekb_cmd_cases(CkContext *ctx, int argc, char **argv);
int casekb_cmd_show(CkContext *ctx, int argc, char **argv);
int casekb_cmd_search(CkContext *ctx, int argc, char **argv);
int casekb_cmd_analyze(CkContext *ctx, int argc, char **argv);
int casekb_cmd_rules(CkContext *ctx, int argc, char **argv);
int casekb_cmd_summary(CkContext *ctx, int argc, char **argv);
int casekb_cmd_checklist(CkContext *ctx, int argc, char **argv);
int casekb_cmd_verify(CkContext *ctx, int argc, char **argv);
int casekb_cmd_draft(CkContext *ctx, int argc, char **argv);
int casekb_cmd_similar(CkContext *ctx, int argc, char **argv);
int casekb_cmd_report(CkContext *ctx, int argc, char **argv);
int casekb_cmd_kb(CkContext *ctx, int argc, char **argv);
int casekb_cmd_export(CkContext *ctx, int argc, char **argv);
int casekb_cmd_serve(CkContext *ctx, int argc, char **argv);

#endif
