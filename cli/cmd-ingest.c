/* cmd-ingest.c — `casekb ingest PATH|URL...` and `casekb sync URL`: read
 * archives and IMAP mailboxes into the database (cmd-ingest.h). */
#include "cli/cmd-ingest.h"
#include "analyzer/persist.h"
#include <stdio.h>
#include <unistd.h>

typedef struct {
    CkContext *ctx;
    gboolean progress_bar;   /* stderr is a terminal */
    CkRuleSet *rules;        /* NULL: --no-analyze or no rules */
    GPtrArray *mailboxes;    /* CkSyncMailbox of each IMAP URL read */
    guint jobs;              /* --jobs: threads parsing and analysing (0: one per processor) */
} IngestUi;

/* The command's options. */
typedef struct {
    char **domains_given;
    int batch, jobs;
    gboolean no_analyze;
    char *user, *cacert;     /* for IMAP URLs */
} IngestArgs;

/* A warning line on stderr, naming the file. */
static void print_warning(const char *line, gpointer user_data)
{
    IngestUi *ui = user_data;
    if (ui->progress_bar)
        fputs("\r\033[K", stderr);
    fprintf(stderr, "casekb %s: warning: %s\n", ui->ctx->command, line);
}

/* After each batch: classify the cases it touched (inside its transaction). */
static gboolean analyze_batch(CkStore *store, GArray *case_rowids, gpointer user_data, GError **error)
{
    IngestUi *ui = user_data;
    if (!ui->rules)
        return TRUE;
    GPtrArray *warnings = g_ptr_array_new_with_free_func(g_free);
    gboolean ok = ck_analyze_stored_cases(store, ui->rules, case_rowids, ui->jobs, NULL, warnings, error);
    for (guint i = 0; i < warnings->len; i++)
        print_warning(g_ptr_array_index(warnings, i), ui);
    g_ptr_array_unref(warnings);
    return ok;
}

/* Before the last commit: remember how far each IMAP mailbox was read. */
static gboolean save_mailboxes(CkStore *store, gpointer user_data, GError **error)
{
    IngestUi *ui = user_data;
    return ck_cli_sync_save(store, ui->mailboxes, error);
}

/* Redraw the progress bar: count, rate, percentage and ETA by bytes. */
static void print_progress(const CkIngestStats *stats, gpointer user_data)
{
    IngestUi *ui = user_data;
    if (!ui->progress_bar)
        return;
    double seconds = (g_get_monotonic_time() - stats->started_us) / 1e6;
    double rate = seconds > 0 ? stats->read / seconds : 0;
    double fraction = stats->bytes_total ? (double)stats->bytes_done / stats->bytes_total : 0;
    double eta = fraction > 0 ? seconds * (1 - fraction) / fraction : 0;
    fprintf(stderr, "\r\033[K%8" G_GUINT64_FORMAT " messages  %7.0f/s  %3.0f%%  ETA %d:%02d",
            stats->read, rate, fraction * 100, (int)eta / 60, (int)eta % 60);
    fflush(stderr);
}

/* Support domains: the database's setting plus CASEKB_SUPPORT_DOMAINS plus
 * --support-domain (which is remembered).  Caller frees with g_strfreev. */
static char **support_domains(CkContext *ctx, char **given, GError **error)
{
    GPtrArray *list = g_ptr_array_new();
    char *saved = ck_store_get_setting(ctx->store, "support_domains");
    char *joined = g_strjoin(",", saved ? saved : "", g_getenv("CASEKB_SUPPORT_DOMAINS") ?
                             g_getenv("CASEKB_SUPPORT_DOMAINS") : "", NULL);
    char **parts = g_strsplit(joined, ",", -1);
    for (char **p = parts; *p; p++)
        if (g_strstrip(*p)[0])
            g_ptr_array_add(list, g_ascii_strdown(*p, -1));
    for (char **p = given; p && *p; p++)
        g_ptr_array_add(list, g_ascii_strdown(*p, -1));
    g_ptr_array_add(list, NULL);
    char **domains = (char **)g_ptr_array_free(list, FALSE);
    char *remember = g_strjoinv(",", domains);
    if (given && !ck_store_set_setting(ctx->store, "support_domains", remember, error))
        g_clear_pointer(&domains, g_strfreev);
    g_free(remember);
    g_strfreev(parts);
    g_free(joined);
    g_free(saved);
    return domains;
}

/* The run's counts as a JSON object ("fetched" when IMAP mailboxes were read). */
static JsonNode *stats_json(CkContext *ctx, const CkIngestStats *stats, GPtrArray *mailboxes)
{
    gint64 cases = 0, messages = 0;
    ck_store_counts(ctx->store, &cases, &messages, NULL);
    JsonObject *o = json_object_new();
    json_object_set_int_member(o, "read", stats->read);
    json_object_set_int_member(o, "new", stats->added);
    json_object_set_int_member(o, "copies", stats->copies);
    json_object_set_int_member(o, "already_stored", stats->seen);
    json_object_set_int_member(o, "warnings", stats->warnings);
    json_object_set_int_member(o, "cases", cases);
    json_object_set_int_member(o, "messages", messages);
    guint64 fetched = 0;
    for (guint i = 0; i < mailboxes->len; i++)
        fetched += ((CkSyncMailbox *)g_ptr_array_index(mailboxes, i))->fetched;
    if (mailboxes->len)
        json_object_set_int_member(o, "fetched", fetched);
    json_object_set_double_member(o, "seconds", (g_get_monotonic_time() - stats->started_us) / 1e6);
    JsonNode *node = json_node_init_object(json_node_alloc(), o);
    json_object_unref(o);
    return node;
}

/* The one-line summary. */
static void print_summary(FILE *out, JsonNode *node)
{
    JsonObject *o = json_node_get_object(node);
    fprintf(out, "ingest: %" G_GINT64_FORMAT " messages read, %" G_GINT64_FORMAT " new, %" G_GINT64_FORMAT
            " already stored, %" G_GINT64_FORMAT " duplicate copies, %" G_GINT64_FORMAT " cases, %"
            G_GINT64_FORMAT " warnings",
            ck_json_int(o, "read"), ck_json_int(o, "new"), ck_json_int(o, "already_stored"),
            ck_json_int(o, "copies"), ck_json_int(o, "cases"), ck_json_int(o, "warnings"));
    if (json_object_has_member(o, "fetched"))
        fprintf(out, ", fetched %" G_GINT64_FORMAT, ck_json_int(o, "fetched"));
    fprintf(out, " (%.1f s)\n", json_object_get_double_member(o, "seconds"));
}

/* Check every source before anything is read: paths exist, URLs name a
 * mailbox without a password; sync takes exactly one URL.  Returns an exit
 * code after printing the error, or -1. */
static int check_sources(CkContext *ctx, int argc, char **argv, const IngestArgs *args, gboolean sync)
{
    if (sync && (argc != 2 || !ck_imap_is_url(argv[1])))
        return ck_cli_error(ctx, CK_EXIT_USAGE, "expected one imap:// or imaps:// URL naming a mailbox");
    if (argc < 2)
        return ck_cli_error(ctx, CK_EXIT_USAGE, "expected at least one PATH (file, directory or -) or IMAP URL");
    if (args->batch < 1 || args->jobs < 0)
        return ck_cli_error(ctx, CK_EXIT_USAGE, args->batch < 1 ? "--batch-size must be at least 1"
                                                                 : "--jobs must be at least 0");
    if (args->cacert && !g_file_test(args->cacert, G_FILE_TEST_IS_REGULAR))
        return ck_cli_error(ctx, CK_EXIT_USAGE, "%s: no such file (--cacert)", args->cacert);
    for (int i = 1; i < argc; i++) {
        GError *error = NULL;
        char *display = ck_imap_is_url(argv[i]) ? ck_imap_url_display(argv[i], args->user, &error) : NULL;
        g_free(display);
        if (error)
            return ck_cli_fail(ctx, CK_EXIT_USAGE, error);
        if (!ck_imap_is_url(argv[i]) && g_strcmp0(argv[i], "-") != 0 && !g_file_test(argv[i], G_FILE_TEST_EXISTS))
            return ck_cli_error(ctx, CK_EXIT_USAGE, "%s: no such file or directory", argv[i]);
    }
    return -1;
}

/* Feed every source (paths and IMAP URLs, in order) into RUN; stops at the
 * first failure, in *error. */
static gboolean feed_sources(IngestUi *ui, CkIngestRun *run, CkIngestStats *stats, char **sources,
                             const IngestArgs *args, GError **error)
{
    for (char **src = sources; *src; src++)
        if (!ck_imap_is_url(*src))
            stats->bytes_total += ck_reader_total_size(*src);
    gboolean ok = TRUE;
    for (char **src = sources; ok && *src; src++)
        ok = ck_imap_is_url(*src) ? ck_cli_sync_mailbox(ui->ctx, run, *src, args->user, args->cacert,
                                                        ui->mailboxes, error)
                                  : ck_ingest_add_path(run, *src, error);
    return ok;
}

/* The exit code of a failed run: store and IMAP failures are internal
 * (3), a bad URL or unreadable path is bad input (2). */
static int failure_code(const GError *error)
{
    if (!error || error->domain == CK_STORE_ERROR)
        return CK_EXIT_INTERNAL;
    if (error->domain == CK_IMAP_ERROR)
        return error->code == CK_IMAP_ERROR_URL ? CK_EXIT_USAGE : CK_EXIT_INTERNAL;
    return CK_EXIT_USAGE;
}

/* Run the ingest of SOURCES with the parsed ARGS; the exit code. */
static int run_ingest(CkContext *ctx, char **sources, const IngestArgs *args)
{
    GError *error = NULL;
    char **domains = support_domains(ctx, args->domains_given, &error);
    if (!domains)
        return ck_cli_fail(ctx, CK_EXIT_INTERNAL, error);
    IngestUi ui = { ctx, isatty(STDERR_FILENO), args->no_analyze ? NULL : ck_cli_load_rules(ctx),
                    g_ptr_array_new_with_free_func(ck_sync_mailbox_free), (guint)args->jobs };
    CkIngestOptions options = { .support_domains = (const char *const *)domains, .batch_size = (guint)args->batch,
                                .parse_threads = (guint)args->jobs, .on_warning = print_warning,
                                .on_progress = print_progress, .after_batch = analyze_batch,
                                .before_last_commit = save_mailboxes, .user_data = &ui };
    CkIngestStats stats;
    CkIngestRun *run = ck_ingest_begin(ctx->store, &options, &stats, &error);
    gboolean ok = run && ck_ingest_finish(run, feed_sources(&ui, run, &stats, sources, args, &error), &error);
    if (ui.progress_bar)
        fputs("\r\033[K", stderr);
    int rc = ok ? (stats.read ? CK_EXIT_OK : CK_EXIT_NOT_FOUND) : ck_cli_fail(ctx, failure_code(error), error);
    if (ok) {
        JsonNode *summary = stats_json(ctx, &stats, ui.mailboxes);
        ck_output_write(stdout, ctx->format, summary, print_summary);
        json_node_unref(summary);
    }
    /* no message at all in what was given: "nothing found" (a mailbox with no new mail is not) */
    if (rc == CK_EXIT_NOT_FOUND && ui.mailboxes->len)
        rc = CK_EXIT_OK;
    g_strfreev(domains);
    g_ptr_array_unref(ui.mailboxes);
    if (ui.rules)
        ck_ruleset_free(ui.rules);
    return rc;
}

/* See cmd-ingest.h. */
int ck_cli_ingest_command(CkContext *ctx, int argc, char **argv, gboolean sync)
{
    IngestArgs args = { NULL, 500, 0, FALSE, NULL, NULL };
    const GOptionEntry entries[] = {
        { "no-analyze", 0, 0, G_OPTION_ARG_NONE, &args.no_analyze, "Do not classify the new cases", NULL },
        { "support-domain", 0, 0, G_OPTION_ARG_STRING_ARRAY, &args.domains_given,
          "Mail domain of the support team (repeatable; remembered in the database)", "DOMAIN" },
        { "batch-size", 0, 0, G_OPTION_ARG_INT, &args.batch, "Messages per transaction (default 500)", "N" },
        { "jobs", 'j', 0, G_OPTION_ARG_INT, &args.jobs, "Threads parsing and analysing mail (default: one per "
          "processor; the result is the same for any number)", "N" },
        { "user", 0, 0, G_OPTION_ARG_STRING, &args.user, "IMAP user (password: $CASEKB_IMAP_PASSWORD, "
          "else ~/.netrc)", "USER" },
        { "cacert", 0, 0, G_OPTION_ARG_FILENAME, &args.cacert, "CA certificate file to verify an imaps:// "
          "server with (default: the system's)", "FILE" },
        { NULL }
    };
    int rc = CK_EXIT_OK;
    if (ck_cli_parse(ctx, &argc, &argv, entries, sync ? "URL" : "PATH|URL...",
                     sync ? "Fetch the new mail of an IMAP mailbox (imap:// or imaps://host[:port]/MAILBOX)."
                          : "Read .eml files, mbox files, maildirs, directories, thread exports, - (stdin) "
                            "or IMAP mailboxes (imaps://host/MAILBOX, as sync does).", &rc)) {
        rc = check_sources(ctx, argc, argv, &args, sync);
        if (rc < 0)
            rc = run_ingest(ctx, argv + 1, &args);
    }
    g_strfreev(args.domains_given);
    g_free(args.user);
    g_free(args.cacert);
    return rc;
}

int casekb_cmd_ingest(CkContext *ctx, int argc, char **argv)
{
    return ck_cli_ingest_command(ctx, argc, argv, FALSE);
}
