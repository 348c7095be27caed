/* pipeline.c — the ingest loop: batches, duplicates, warnings, progress. */
#include "ingest/pipeline.h"
#include "ingest/parse.h"
#include "ingest/parse-pool.h"
#include "ingest/casebuild.h"

struct CkIngestRun {
    CkStore *store;
    const CkIngestOptions *options;
    CkIngestStats *stats;
    guint in_batch;
    gint64 last_progress_us;
    CkSideLearner *sides;     /* support-side knowledge kept between batches */
    CkParsePool *parser;      /* parses on worker threads, hands messages back in order */
    GHashTable *in_flight;    /* SHA-256 hex -> how many submitted, not yet placed */
    GHashTable *repeated;     /* hashes submitted again while in flight (set) */
};

/* See pipeline.h. */
void ck_ingest_warn(CkIngestRun *run, const char *line)
{
    run->stats->warnings++;
    if (run->options->on_warning)
        run->options->on_warning(line, run->options->user_data);
}

/* See pipeline.h. */
void ck_ingest_warning_func(const char *line, gpointer user_data)
{
    ck_ingest_warn(user_data, line);
}

/* Refresh the batch's cases, run the batch hook (and, when FINAL, the
 * last-commit hook), commit, and open the next transaction unless FINAL. */
static gboolean finish_batch(CkIngestRun *run, gboolean final, GError **error)
{
    GArray *refreshed = g_array_new(FALSE, FALSE, sizeof(gint64));
    const CkIngestOptions *o = run->options;
    gboolean ok = ck_case_refresh_dirty_with(run->store, run->sides, final, refreshed, error)
                  && (!o->after_batch || refreshed->len == 0
                      || o->after_batch(run->store, refreshed, o->user_data, error))
                  && (!final || !o->before_last_commit || o->before_last_commit(run->store, o->user_data, error))
                  && ck_store_commit(run->store, error)
                  && (final || ck_store_begin(run->store, error));
    g_array_unref(refreshed);
    run->in_batch = 0;
    return ok;
}

/* One line naming where a damaged message came from and what was wrong. */
static void report_message_warnings(CkIngestRun *run, const CkMessage *msg)
{
    if (msg->warnings->len == 0)
        return;
    GString *line = g_string_new(NULL);
    g_string_printf(line, "%s:%" G_GINT64_FORMAT ": ", msg->source_path, msg->source_offset);
    for (guint i = 0; i < msg->warnings->len; i++)
        g_string_append_printf(line, "%s%s", i ? "; " : "", (char *)g_ptr_array_index(msg->warnings, i));
    ck_ingest_warn(run, line->str);
    g_string_free(line, TRUE);
}

/* Tell the progress callback, at most ten times a second. */
static void maybe_progress(CkIngestRun *run)
{
    gint64 now = g_get_monotonic_time();
    if (!run->options->on_progress || now - run->last_progress_us < 100000)
        return;
    run->last_progress_us = now;
    run->options->on_progress(run->stats, run->options->user_data);
}

/* Note that bytes with HASH were submitted; when the same bytes are already
 * in flight, the earlier copy may be stored before this one is placed, so
 * this one is marked for a second look at the store. */
static void note_submitted(CkIngestRun *run, const char *hash)
{
    guint count = GPOINTER_TO_UINT(g_hash_table_lookup(run->in_flight, hash));
    if (count > 0)
        g_hash_table_add(run->repeated, g_strdup(hash));
    g_hash_table_insert(run->in_flight, g_strdup(hash), GUINT_TO_POINTER(count + 1));
}

/* Note that the message with HASH was taken from the pool; TRUE when the
 * store must be asked again whether its bytes are stored (they were
 * submitted twice within one window). */
static gboolean note_placed(CkIngestRun *run, const char *hash)
{
    gboolean recheck = g_hash_table_contains(run->repeated, hash);
    guint count = GPOINTER_TO_UINT(g_hash_table_lookup(run->in_flight, hash));
    if (count > 1) {
        g_hash_table_insert(run->in_flight, g_strdup(hash), GUINT_TO_POINTER(count - 1));
    } else {
        g_hash_table_remove(run->in_flight, hash);
        g_hash_table_remove(run->repeated, hash);
    }
    return recheck;
}

/* Place one parsed message P (taken from the pool, in reading order): a
 * parse failure is a warning; bytes stored since they were submitted (the
 * same bytes twice in one window) count as seen, as they would one at a
 * time; else the message joins its case and the batch may end. */
static gboolean place_parsed(CkIngestRun *run, CkParsed *p, GError **error)
{
    g_autofree char *hash = p->content_hash;
    gboolean recheck = note_placed(run, hash);
    if (!p->msg) {
        ck_ingest_warn(run, p->error->message);
        g_error_free(p->error);
        return TRUE;
    }
    gboolean seen = FALSE;
    gboolean ok = !recheck || ck_store_source_seen(run->store, hash, &seen, error);
    if (ok && seen) {
        run->stats->seen++;
    } else if (ok) {
        report_message_warnings(run, p->msg);
        CkAddOutcome outcome = CK_ADD_NEW;
        ok = ck_case_add_message(run->store, p->msg, &outcome, error);
        if (ok)
            *(outcome == CK_ADD_NEW ? &run->stats->added : &run->stats->copies) += 1;
        if (ok && ++run->in_batch >= (run->options->batch_size ? run->options->batch_size : 500))
            ok = finish_batch(run, FALSE, error);
    }
    ck_message_free(p->msg);
    return ok;
}

/* Place the parsed messages the pool has ready, in order; with WAIT_ALL,
 * every message still in flight.  Stops at the first store failure (the
 * rest is dropped with the pool). */
static gboolean place_ready(CkIngestRun *run, gboolean wait_all, GError **error)
{
    CkParsed parsed;
    gboolean ok = TRUE;
    while (ok && ck_parse_pool_next(run->parser, wait_all || ck_parse_pool_full(run->parser), &parsed))
        ok = place_parsed(run, &parsed, error);
    return ok;
}

/* After reading ended (OK: without error), place the messages still being
 * parsed, unless a store failure ended it; a store failure while placing
 * them replaces a reader's error.  Returns the new OK. */
static gboolean place_rest(CkIngestRun *run, gboolean ok, GError **error)
{
    if (!ok && error && *error && (*error)->domain == CK_STORE_ERROR)
        return FALSE;
    GError *place_error = NULL;
    if (place_ready(run, TRUE, &place_error))
        return ok;
    if (error)
        g_clear_error(error);
    g_propagate_error(error, place_error);
    return FALSE;
}

/* See pipeline.h: skip bytes stored before, hand the rest to the parse
 * pool, place what it has parsed. */
gboolean ck_ingest_add(CkIngestRun *run, const CkRawMessage *raw, GError **error)
{
    run->stats->read++;
    gsize size = 0;
    const guint8 *data = g_bytes_get_data(raw->data, &size);
    run->stats->bytes_done += size;
    char *hash = g_compute_checksum_for_data(G_CHECKSUM_SHA256, data, size);
    gboolean seen = FALSE;
    /* Place what is parsed (waiting for a slot when the pool is full) before
     * asking the store: a copy placed now is then seen here, and one still in
     * flight is marked for a second look by note_submitted(). */
    gboolean ok = place_ready(run, FALSE, error) && ck_store_source_seen(run->store, hash, &seen, error);
    if (ok && seen)
        run->stats->seen++;
    if (ok && !seen) {
        CkRawMessage hashed = *raw;   /* parse reuses the hash instead of computing it again */
        hashed.content_hash = hash;
        note_submitted(run, hash);
        ck_parse_pool_submit(run->parser, &hashed);
    }
    g_free(hash);
    maybe_progress(run);
    return ok;
}

/* See pipeline.h. */
gboolean ck_ingest_message_func(const CkRawMessage *raw, gpointer user_data, GError **error)
{
    return ck_ingest_add(user_data, raw, error);
}

/* See pipeline.h. */
gboolean ck_ingest_add_path(CkIngestRun *run, const char *path, GError **error)
{
    CkReader reader = { ck_ingest_message_func, ck_ingest_warning_func, run, 0, 0 };
    return ck_reader_read_path(&reader, path, error);
}

/* See pipeline.h. */
CkIngestRun *ck_ingest_begin(CkStore *store, const CkIngestOptions *options, CkIngestStats *stats,
                             GError **error)
{
    memset(stats, 0, sizeof *stats);
    stats->started_us = g_get_monotonic_time();
    if (!ck_store_begin(store, error))
        return NULL;
    CkIngestRun *run = g_new0(CkIngestRun, 1);
    run->store = store;
    run->options = options;
    run->stats = stats;
    run->sides = ck_side_learner_new(options->support_domains);
    run->parser = ck_parse_pool_new(options->parse_threads, 0);
    run->in_flight = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    run->repeated = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    return run;
}

/* See pipeline.h. */
gboolean ck_ingest_finish(CkIngestRun *run, gboolean ok, GError **error)
{
    ok = place_rest(run, ok, error);
    /* An error while feeding keeps what was added before it; a store
     * failure rolls the open batch back. */
    gboolean store_failed = !ok && error && *error && (*error)->domain == CK_STORE_ERROR;
    if (!store_failed && !finish_batch(run, TRUE, ok ? error : NULL)) {
        ok = FALSE;
        store_failed = TRUE;
    }
    if (store_failed)
        ck_store_rollback(run->store);
    else if (ok && run->stats->added > 0)
        ok = ck_store_optimize(run->store, error);
    if (run->options->on_progress)
        run->options->on_progress(run->stats, run->options->user_data);
    ck_side_learner_free(run->sides);
    ck_parse_pool_free(run->parser);
    g_hash_table_unref(run->in_flight);
    g_hash_table_unref(run->repeated);
    g_free(run);
    return ok;
}

/* See pipeline.h. */
gboolean ck_ingest_paths(CkStore *store, const char *const *paths, const CkIngestOptions *options,
                         CkIngestStats *stats, GError **error)
{
    CkIngestRun *run = ck_ingest_begin(store, options, stats, error);
    if (!run)
        return FALSE;
    for (guint i = 0; paths[i]; i++)
        stats->bytes_total += ck_reader_total_size(paths[i]);
    gboolean ok = TRUE;
    for (guint i = 0; ok && paths[i]; i++)
        ok = ck_ingest_add_path(run, paths[i], error);
    return ck_ingest_finish(run, ok, error);
}
