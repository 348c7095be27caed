/* pipeline.c — the ingest loop: batches, duplicates, warnings, progress. */
#include "ingest/pipeline.h"
#include "ingest/parse.h"
#include "ingest/casebuild.h"

typedef struct {
    CkStore *store;
    const CkIngestOptions *options;
    CkIngestStats *stats;
    guint in_batch;
    gint64 last_progress_us;
    CkSideLearner *sides;     /* support-side knowledge kept between batches */
} IngestRun;

/* Report one warning line through the options' callback. */
static void report_warning(IngestRun *run, const char *line)
{
    run->stats->warnings++;
    if (run->options->on_warning)
        run->options->on_warning(line, run->options->user_data);
}

/* Reader warnings (unreadable or non-mail files) go the same way. */
static void on_reader_warning(const char *line, gpointer user_data)
{
    report_warning(user_data, line);
}

/* Refresh the batch's cases, run the batch hook, commit, and open the next
 * transaction unless FINAL. */
static gboolean finish_batch(IngestRun *run, gboolean final, GError **error)
{
    GArray *refreshed = g_array_new(FALSE, FALSE, sizeof(gint64));
    const CkIngestOptions *o = run->options;
    gboolean ok = ck_case_refresh_dirty_with(run->store, run->sides, final, refreshed, error)
                  && (!o->after_batch || refreshed->len == 0
                      || o->after_batch(run->store, refreshed, o->user_data, error))
                  && ck_store_commit(run->store, error)
                  && (final || ck_store_begin(run->store, error));
    g_array_unref(refreshed);
    run->in_batch = 0;
    return ok;
}

/* One line naming where a damaged message came from and what was wrong. */
static void report_message_warnings(IngestRun *run, const CkMessage *msg)
{
    if (msg->warnings->len == 0)
        return;
    GString *line = g_string_new(NULL);
    g_string_printf(line, "%s:%" G_GINT64_FORMAT ": ", msg->source_path, msg->source_offset);
    for (guint i = 0; i < msg->warnings->len; i++)
        g_string_append_printf(line, "%s%s", i ? "; " : "", (char *)g_ptr_array_index(msg->warnings, i));
    report_warning(run, line->str);
    g_string_free(line, TRUE);
}

/* Tell the progress callback, at most ten times a second. */
static void maybe_progress(IngestRun *run)
{
    gint64 now = g_get_monotonic_time();
    if (!run->options->on_progress || now - run->last_progress_us < 100000)
        return;
    run->last_progress_us = now;
    run->options->on_progress(run->stats, run->options->user_data);
}

/* Reader callback: skip bytes seen before, parse, place, batch. */
static gboolean on_raw_message(const CkRawMessage *raw, gpointer user_data, GError **error)
{
    IngestRun *run = user_data;
    run->stats->read++;
    gsize size = 0;
    const guint8 *data = g_bytes_get_data(raw->data, &size);
    run->stats->bytes_done += size;
    char *hash = g_compute_checksum_for_data(G_CHECKSUM_SHA256, data, size);
    gboolean seen = FALSE;
    gboolean ok = ck_store_source_seen(run->store, hash, &seen, error);
    if (!ok || seen) {
        g_free(hash);
        run->stats->seen += seen;
        maybe_progress(run);
        return ok;
    }
    CkRawMessage hashed = *raw;   /* parse reuses the hash instead of computing it again */
    hashed.content_hash = hash;
    GError *parse_error = NULL;
    CkMessage *msg = ck_message_parse(&hashed, &parse_error);
    g_free(hash);
    if (!msg) {
        char *line = g_strdup_printf("%s:%" G_GINT64_FORMAT ": %s", raw->path, raw->offset,
                                     parse_error->message);
        report_warning(run, line);
        g_free(line);
        g_error_free(parse_error);
        return TRUE;
    }
    report_message_warnings(run, msg);
    CkAddOutcome outcome = CK_ADD_NEW;
    ok = ck_case_add_message(run->store, msg, &outcome, error);
    ck_message_free(msg);
    if (ok)
        *(outcome == CK_ADD_NEW ? &run->stats->added : &run->stats->copies) += 1;
    if (ok && ++run->in_batch >= (run->options->batch_size ? run->options->batch_size : 500))
        ok = finish_batch(run, FALSE, error);
    maybe_progress(run);
    return ok;
}

/* See pipeline.h. */
gboolean ck_ingest_paths(CkStore *store, const char *const *paths, const CkIngestOptions *options,
                         CkIngestStats *stats, GError **error)
{
    ck_parse_init();
    memset(stats, 0, sizeof *stats);
    stats->started_us = g_get_monotonic_time();
    for (guint i = 0; paths[i]; i++)
        stats->bytes_total += ck_reader_total_size(paths[i]);
    IngestRun run = { store, options, stats, 0, 0, ck_side_learner_new(options->support_domains) };
    CkReader reader = { on_raw_message, on_reader_warning, &run, 0, 0 };
    if (!ck_store_begin(store, error))
        return FALSE;
    gboolean ok = TRUE;
    for (guint i = 0; ok && paths[i]; i++)
        ok = ck_reader_read_path(&reader, paths[i], error);
    /* An unreadable path keeps what was read before it; a store failure
     * rolls the open batch back. */
    gboolean store_failed = !ok && error && *error && (*error)->domain == CK_STORE_ERROR;
    if (!store_failed && !finish_batch(&run, TRUE, ok ? error : NULL)) {
        ok = FALSE;
        store_failed = TRUE;
    }
    if (store_failed)
        ck_store_rollback(store);
    else if (ok && stats->added > 0)
        ok = ck_store_optimize(store, error);
    if (options->on_progress)
        options->on_progress(stats, options->user_data);
    ck_side_learner_free(run.sides);
    return ok;
}
