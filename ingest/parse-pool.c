/* parse-pool.c — parse raw messages on worker threads, in order.
 *
 * A ring of WINDOW job slots: the caller fills the slot at `tail` and hands
 * it to a GThreadPool; a worker parses it and marks it done under the pool's
 * mutex; the caller takes slots from `head` in order, waiting on the
 * condition when the head is not done yet.  Only the caller moves head and
 * tail; a worker touches only its own slot (and `done` under the mutex).
 */
#include "ingest/parse-pool.h"
#include "ingest/parse.h"

#include <string.h>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#define MAX_THREADS 8
/* Enough messages in flight for the workers to parse the next batch while
 * the caller writes one (a batch end takes a while: refresh, analysis,
 * indexing, commit), and a bound on their raw bytes against big mail. */
#define WINDOW_PER_THREAD 256
#define MAX_BYTES_IN_FLIGHT (64u * 1024 * 1024)
#define WORKER_NICE 5

typedef struct {
    CkRawMessage raw;          /* data referenced, strings owned */
    CkParsed result;
    gboolean done;             /* under the pool's mutex */
} Job;

struct CkParsePool {
    GThreadPool *workers;      /* NULL with one thread */
    guint threads, window;
    Job *jobs;                 /* window slots */
    guint64 head, tail;        /* next to take, next to fill */
    gsize bytes;               /* raw bytes of the messages in flight */
    GMutex lock;
    GCond parsed;
};

/* Parse JOB's raw message into its result. */
static void job_parse(Job *job)
{
    job->result.msg = ck_message_parse(&job->raw, &job->result.error);
}

/* Lower the calling thread's scheduling priority a little (once per
 * thread), so that the caller's thread, which places and writes every
 * message and is the one the whole ingest waits for, is not made to share
 * its core with the workers.  Linux applies nice values per thread. */
static void worker_yield_priority(void)
{
#ifdef __linux__
    static GPrivate niced;
    if (g_private_get(&niced))
        return;
    g_private_set(&niced, GINT_TO_POINTER(1));
    setpriority(PRIO_PROCESS, (id_t) syscall(SYS_gettid), WORKER_NICE);
#endif
}

/* GThreadPool function: parse the job, then tell the waiting caller. */
static void worker_parse(gpointer data, gpointer user_data)
{
    Job *job = data;
    CkParsePool *pool = user_data;
    worker_yield_priority();
    job_parse(job);
    g_mutex_lock(&pool->lock);
    job->done = TRUE;
    g_cond_broadcast(&pool->parsed);
    g_mutex_unlock(&pool->lock);
}

/* Release what JOB holds (its raw copy; its result unless taken). */
static void job_clear(Job *job)
{
    g_clear_pointer(&job->raw.data, g_bytes_unref);
    g_free((char *)job->raw.path);
    g_free((char *)job->raw.export_subject);
    g_free((char *)job->raw.content_hash);
    if (job->result.msg)
        ck_message_free(job->result.msg);
    g_clear_error(&job->result.error);
    memset(job, 0, sizeof *job);
}

/* See parse-pool.h. */
CkParsePool *ck_parse_pool_new(guint threads, guint window)
{
    ck_parse_init();   /* GMime and libxml2 before any worker starts */
    CkParsePool *pool = g_new0(CkParsePool, 1);
    pool->threads = threads ? MIN(threads, MAX_THREADS) : CLAMP(g_get_num_processors(), 1, MAX_THREADS);
    pool->window = window ? window : WINDOW_PER_THREAD * pool->threads;
    pool->jobs = g_new0(Job, pool->window);
    g_mutex_init(&pool->lock);
    g_cond_init(&pool->parsed);
    if (pool->threads > 1)
        pool->workers = g_thread_pool_new(worker_parse, pool, (gint)pool->threads, TRUE, NULL);
    if (!pool->workers)
        pool->threads = 1;
    return pool;
}

/* See parse-pool.h. */
guint ck_parse_pool_threads(const CkParsePool *pool)
{
    return pool->threads;
}

/* See parse-pool.h. */
gboolean ck_parse_pool_full(const CkParsePool *pool)
{
    return pool->tail - pool->head >= pool->window
           || (pool->tail > pool->head && pool->bytes >= MAX_BYTES_IN_FLIGHT);
}

/* See parse-pool.h. */
void ck_parse_pool_submit(CkParsePool *pool, const CkRawMessage *raw)
{
    g_return_if_fail(!ck_parse_pool_full(pool));
    Job *job = &pool->jobs[pool->tail % pool->window];
    job->raw = *raw;
    job->raw.data = raw->data ? g_bytes_ref(raw->data) : NULL;
    job->raw.path = g_strdup(raw->path);
    job->raw.export_subject = g_strdup(raw->export_subject);
    job->raw.content_hash = g_strdup(raw->content_hash);
    job->done = FALSE;
    pool->bytes += raw->data ? g_bytes_get_size(raw->data) : 0;
    pool->tail++;
    if (!pool->workers) {
        job_parse(job);
        job->done = TRUE;
    } else {
        g_thread_pool_push(pool->workers, job, NULL);
    }
}

/* See parse-pool.h. */
gboolean ck_parse_pool_next(CkParsePool *pool, gboolean wait, CkParsed *out)
{
    if (pool->head == pool->tail)
        return FALSE;
    Job *job = &pool->jobs[pool->head % pool->window];
    g_mutex_lock(&pool->lock);
    while (wait && !job->done)
        g_cond_wait(&pool->parsed, &pool->lock);
    gboolean ready = job->done;
    g_mutex_unlock(&pool->lock);
    if (!ready)
        return FALSE;
    pool->bytes -= job->raw.data ? g_bytes_get_size(job->raw.data) : 0;
    *out = job->result;
    out->content_hash = (char *)job->raw.content_hash;
    job->raw.content_hash = NULL;
    job->result = (CkParsed){ NULL, NULL, NULL };
    job_clear(job);
    pool->head++;
    return TRUE;
}

/* See parse-pool.h. */
void ck_parse_pool_free(CkParsePool *pool)
{
    if (!pool)
        return;
    if (pool->workers)
        g_thread_pool_free(pool->workers, FALSE, TRUE);   /* finish the queued jobs */
    for (guint i = 0; i < pool->window; i++)
        job_clear(&pool->jobs[i]);
    g_free(pool->jobs);
    g_mutex_clear(&pool->lock);
    g_cond_clear(&pool->parsed);
    g_free(pool);
}
