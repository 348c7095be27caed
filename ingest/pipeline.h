/* pipeline.h — ingest: read → parse → place in cases → store, in batches.
 *
 * The stages stay apart (reader.h yields raw bytes, parse.h makes a
 * CkMessage without the database, casebuild.h places it through store/):
 * parsing runs on worker threads (parse-pool.h) while this thread places the
 * parsed messages, in reading order, and writes them.  Each batch is one transaction
 * that also refreshes the metadata of the cases it touched: killing an
 * ingest at any moment leaves a consistent database, and running it again
 * skips what was committed (raw bytes are recognised by their SHA-256).
 */
#ifndef CASEKB_PIPELINE_H
#define CASEKB_PIPELINE_H

#include <glib.h>
#include "ingest/reader.h"
#include "store/store.h"

typedef struct {
    guint64 read;          /* raw messages read */
    guint64 added;         /* new messages stored */
    guint64 copies;        /* new files of a Message-ID already stored */
    guint64 seen;          /* raw messages ingested before (same bytes) */
    guint64 warnings;      /* warning lines reported */
    guint64 bytes_done, bytes_total;
    gint64 started_us;     /* g_get_monotonic_time() at start */
} CkIngestStats;

/* Called after each batch's cases are refreshed, inside its transaction,
 * with the row ids of the cases refreshed (e.g. to analyse them). */
typedef gboolean (*CkBatchFunc)(CkStore *store, GArray *case_rowids, gpointer user_data, GError **error);
typedef void (*CkProgressFunc)(const CkIngestStats *stats, gpointer user_data);

typedef struct {
    const char *const *support_domains;  /* NULL-terminated, may be NULL */
    guint batch_size;                    /* messages per transaction; 0 = 500 */
    guint parse_threads;                 /* threads parsing mail; 0 = one per processor
                                          * (results are the same for any number) */
    CkWarnFunc on_warning;               /* one line per damaged file/message; may be NULL */
    CkProgressFunc on_progress;          /* may be NULL */
    CkBatchFunc after_batch;             /* may be NULL */
    gpointer user_data;
} CkIngestOptions;

/* Ingest every path of PATHS (NULL-terminated).  Counts go to *stats.
 * FALSE with *error on a store failure or an unreadable top-level path (the
 * batches committed before it stay). */
gboolean ck_ingest_paths(CkStore *store, const char *const *paths, const CkIngestOptions *options,
                         CkIngestStats *stats, GError **error);

#endif
