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
/* Called inside the run's last transaction, after its cases are refreshed
 * and just before it commits (never after a store failure), so what it
 * writes (e.g. how far an IMAP mailbox was read) commits with the mail. */
typedef gboolean (*CkCommitFunc)(CkStore *store, gpointer user_data, GError **error);

typedef struct {
    const char *const *support_domains;  /* NULL-terminated, may be NULL */
    guint batch_size;                    /* messages per transaction; 0 = 500 */
    guint parse_threads;                 /* threads parsing mail; 0 = one per processor
                                          * (results are the same for any number) */
    CkWarnFunc on_warning;               /* one line per damaged file/message; may be NULL */
    CkProgressFunc on_progress;          /* may be NULL */
    CkBatchFunc after_batch;             /* may be NULL */
    CkCommitFunc before_last_commit;     /* may be NULL; see CkCommitFunc */
    gpointer user_data;
} CkIngestOptions;

/* One ingest run, fed raw messages one at a time (from files or an IMAP
 * server): begin, add each message, finish.  Batching, duplicate bytes
 * (SHA-256), parsing on the pool and case building are the same whatever
 * feeds it. */
typedef struct CkIngestRun CkIngestRun;

/* Start a run: resets *STATS (started now) and opens the first
 * transaction.  STORE, OPTIONS and STATS must outlive the run.  NULL with
 * *error when the transaction cannot start.  End it with ck_ingest_finish(). */
CkIngestRun *ck_ingest_begin(CkStore *store, const CkIngestOptions *options, CkIngestStats *stats,
                             GError **error);

/* Ingest one raw message (valid during the call only): bytes stored before
 * count as seen, the rest is parsed and placed in cases in the order added.
 * FALSE with *error on a store failure; then finish the run with OK FALSE. */
gboolean ck_ingest_add(CkIngestRun *run, const CkRawMessage *raw, GError **error);

/* Ingest every message in PATH (file, directory or "-"; see reader.h).
 * FALSE with *error when PATH cannot be opened or on a store failure. */
gboolean ck_ingest_add_path(CkIngestRun *run, const char *path, GError **error);

/* Report one warning line (counted in the stats) through the options. */
void ck_ingest_warn(CkIngestRun *run, const char *line);

/* ck_ingest_add() and ck_ingest_warn() as the callbacks a source of raw
 * messages takes (CkReader, ck_imap_fetch()), USER_DATA being the run. */
gboolean ck_ingest_message_func(const CkRawMessage *raw, gpointer user_data, GError **error);
void ck_ingest_warning_func(const char *line, gpointer user_data);

/* End the run and free it.  OK is FALSE when feeding stopped on an error,
 * already in *error: a store failure rolls the open batch back; any other
 * error (an unreadable path, a lost IMAP connection) keeps and commits what
 * was added before it.  Returns TRUE when everything succeeded. */
gboolean ck_ingest_finish(CkIngestRun *run, gboolean ok, GError **error);

/* Ingest every path of PATHS (NULL-terminated).  Counts go to *stats.
 * FALSE with *error on a store failure or an unreadable top-level path (the
 * batches committed before it stay). */
gboolean ck_ingest_paths(CkStore *store, const char *const *paths, const CkIngestOptions *options,
                         CkIngestStats *stats, GError **error);

#endif
