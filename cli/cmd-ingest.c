/* cmd-ingest.c — `casekb ingest PATH...`: read archives into the database. */
#include "cli/commands.h"
#include "ingest/pipeline.h"
#include "analyzer/persist.h"
#include <stdio.h>
#include <unistd.h>

typedef struct {
    CkContext *ctx;
    gboolean progress_bar;   /* stderr is a terminal */
    CkRuleSet *rules;        /* NULL: --no-analyze or no rules */
} IngestUi;

/* A warning line on stderr, naming the file. */
static void print_warning(const char *line, gpointer user_data)
{
    IngestUi *ui = user_data;
    if (ui->progress_bar)
        fputs("\r\033[K", stderr);
    fprintf(stderr, "casekb ingest: warning: %s\n", line);
}

/* After each batch: classify the cases it touched (inside its transaction). */
static gboolean analyze_batch(CkStore *store, GArray *case_rowids, gpointer user_data, GError **error)
{
    IngestUi *ui = user_data;
    if (!ui->rules)
        return TRUE;
    GPtrArray *warnings = g_ptr_array_new_with_free_func(g_free);
    gboolean ok = ck_analyze_stored_cases(store, ui->rules, case_rowids, NULL, warnings, error);
    for (guint i = 0; i < warnings->len; i++)
        print_warning(g_ptr_array_index(warnings, i), ui);
    g_ptr_array_unref(warnings);
    return ok;
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

/* The run's counts as a JSON object. */
static JsonNode *stats_json(CkContext *ctx, const CkIngestStats *stats)
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
            G_GINT64_FORMAT " warnings (%.1f s)\n",
            ck_json_int(o, "read"), ck_json_int(o, "new"), ck_json_int(o, "already_stored"),
            ck_json_int(o, "copies"), ck_json_int(o, "cases"), ck_json_int(o, "warnings"),
            json_object_get_double_member(o, "seconds"));
}

/* Check that every path exists before anything is read. */
static int check_paths(CkContext *ctx, int argc, char **argv)
{
    if (argc < 2)
        return ck_cli_error(ctx, CK_EXIT_USAGE, "expected at least one PATH (file, directory or -)");
    for (int i = 1; i < argc; i++)
        if (g_strcmp0(argv[i], "-") != 0 && !g_file_test(argv[i], G_FILE_TEST_EXISTS))
            return ck_cli_error(ctx, CK_EXIT_USAGE, "%s: no such file or directory", argv[i]);
    return -1;
}

int casekb_cmd_ingest(CkContext *ctx, int argc, char **argv)
{
    char **domains_given = NULL;
    int batch = 500, jobs = 0;
    gboolean no_analyze = FALSE;
    const GOptionEntry entries[] = {
        { "no-analyze", 0, 0, G_OPTION_ARG_NONE, &no_analyze, "Do not classify the new cases", NULL },
        { "support-domain", 0, 0, G_OPTION_ARG_STRING_ARRAY, &domains_given,
          "Mail domain of the support team (repeatable; remembered in the database)", "DOMAIN" },
        { "batch-size", 0, 0, G_OPTION_ARG_INT, &batch, "Messages per transaction (default 500)", "N" },
        { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "Threads parsing mail (default: one per processor; "
          "the result is the same for any number)", "N" },
        { NULL }
    };
    int rc = CK_EXIT_OK;
    if (!ck_cli_parse(ctx, &argc, &argv, entries, "PATH...",
                      "Read .eml files, mbox files, maildirs, directories, thread exports or - (stdin).", &rc))
        return rc;
    if ((rc = check_paths(ctx, argc, argv)) >= 0 || batch < 1 || jobs < 0) {
        g_strfreev(domains_given);
        return rc >= 0 ? rc : ck_cli_error(ctx, CK_EXIT_USAGE, batch < 1 ? "--batch-size must be at least 1"
                                                                          : "--jobs must be at least 0");
    }
    GError *error = NULL;
    char **domains = support_domains(ctx, domains_given, &error);
    g_strfreev(domains_given);
    if (!domains)
        return ck_cli_fail(ctx, CK_EXIT_INTERNAL, error);
    IngestUi ui = { ctx, isatty(STDERR_FILENO), no_analyze ? NULL : ck_cli_load_rules(ctx) };
    CkIngestOptions options = { .support_domains = (const char *const *)domains, .batch_size = (guint)batch,
                                .parse_threads = (guint)jobs, .on_warning = print_warning,
                                .on_progress = print_progress, .after_batch = analyze_batch, .user_data = &ui };
    CkIngestStats stats;
    gboolean ok = ck_ingest_paths(ctx->store, (const char *const *)argv + 1, &options, &stats, &error);
    if (ui.progress_bar)
        fputs("\r\033[K", stderr);
    g_strfreev(domains);
    if (ui.rules)
        ck_ruleset_free(ui.rules);
    if (!ok)
        return ck_cli_fail(ctx, error && error->domain == CK_STORE_ERROR ? CK_EXIT_INTERNAL : CK_EXIT_USAGE,
                           error);
    JsonNode *summary = stats_json(ctx, &stats);
    ck_output_write(stdout, ctx->format, summary, print_summary);
    json_node_unref(summary);
    /* no message at all in what was given: "nothing found" */
    return stats.read ? CK_EXIT_OK : CK_EXIT_NOT_FOUND;
}
