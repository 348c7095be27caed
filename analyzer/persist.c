/* persist.c — analysing stored cases and keeping the results. */
#include "analyzer/persist.h"

/* The analyzer's view of a case's messages (borrowing their strings).  The
 * text attachments of customer messages are customer-supplied evidence
 * (a dlv.txt, a log): they are read after the forwarded text, in the
 * forwarded scope; those joined texts are added to OWNED. */
static CkAnalysisInput *inputs_of(GPtrArray *messages, GPtrArray *owned)
{
    CkAnalysisInput *in = g_new0(CkAnalysisInput, messages->len ? messages->len : 1);
    for (guint i = 0; i < messages->len; i++) {
        const CkStoredMessage *sm = g_ptr_array_index(messages, i);
        const CkMessage *m = sm->msg;
        gboolean customer = g_strcmp0(sm->side, "support") != 0;
        const char *forwarded = m->forwarded;
        char *attached = customer ? ck_message_attachment_text(m) : NULL;
        if (attached && *attached) {
            forwarded = g_strconcat(m->forwarded, *m->forwarded ? "\n\n" : "", attached, NULL);
            g_ptr_array_add(owned, (char *)forwarded);
        }
        g_free(attached);
        in[i] = (CkAnalysisInput){ (int)i + 1, m->subject, m->body, m->quoted, forwarded,
                                   m->from_name[0] ? m->from_name : m->from_addr, customer, m->date };
    }
    return in;
}

/* Move the entity spans the analyzer found in the attachment text that
 * inputs_of() put after a customer message's forwarded text to the part
 * "attachments", with offsets into that text (the message's attachment
 * texts, each followed by a newline: ck_message_attachment_text()), so a
 * span's offsets always fall inside the part it names. */
static void place_attachment_spans(JsonNode *analysis, const CkAnalysisInput *in, GPtrArray *messages)
{
    JsonObject *root = json_node_get_object(analysis);
    JsonArray *spans = json_object_has_member(root, "entity_spans")
                       ? json_object_get_array_member(root, "entity_spans") : NULL;
    for (guint i = 0; spans && i < json_array_get_length(spans); i++) {
        JsonObject *s = json_array_get_object_element(spans, i);
        gint64 index = json_object_get_int_member_with_default(s, "message", 0) - 1;
        if (index < 0 || index >= messages->len
            || g_strcmp0(json_object_get_string_member_with_default(s, "part", ""), "forwarded") != 0)
            continue;
        const CkMessage *m = ((const CkStoredMessage *) g_ptr_array_index(messages, index))->msg;
        if (in[index].forwarded == m->forwarded)   /* nothing joined to it */
            continue;
        gint64 at = (gint64) strlen(m->forwarded) + (*m->forwarded ? 2 : 0);
        gint64 start = json_object_get_int_member_with_default(s, "start", 0);
        if (start < at)
            continue;
        json_object_set_string_member(s, "part", "attachments");
        json_object_set_int_member(s, "start", start - at);
        json_object_set_int_member(s, "end", json_object_get_int_member_with_default(s, "end", 0) - at);
    }
}

/* TRUE when two id lists hold the same ids in the same order. */
static gboolean same_ids(GPtrArray *a, GPtrArray *b)
{
    if (a->len != b->len)
        return FALSE;
    for (guint i = 0; i < a->len; i++)
        if (g_strcmp0(g_ptr_array_index(a, i), g_ptr_array_index(b, i)) != 0)
            return FALSE;
    return TRUE;
}

/* A JSON array of the strings in LIST. */
static JsonArray *string_array(GPtrArray *list)
{
    JsonArray *array = json_array_new();
    for (guint i = 0; i < list->len; i++)
        json_array_add_string_element(array, g_ptr_array_index(list, i));
    return array;
}

/* Record a change of causes for case KEY in CHANGED. */
static void note_change(JsonArray *changed, const char *key, GPtrArray *before, GPtrArray *after)
{
    JsonObject *o = json_object_new();
    json_object_set_string_member(o, "case_id", key);
    json_object_set_array_member(o, "before", string_array(before));
    json_object_set_array_member(o, "after", string_array(after));
    json_array_add_object_element(changed, o);
}

/* Prefix each of WARNINGS with the case key. */
static void prefix_warnings(GPtrArray *warnings, const char *key)
{
    for (guint i = 0; i < warnings->len; i++) {
        char *line = g_strdup_printf("%s: %s", key, (char *)g_ptr_array_index(warnings, i));
        g_free(g_ptr_array_index(warnings, i));
        g_ptr_array_index(warnings, i) = line;
    }
}

/* Put the case's own ID first in entities.case_ids: the analyzer reads only
 * new and forwarded text, but the ID a person reads first is in the subject. */
static void add_own_case_id(JsonNode *analysis, const char *key)
{
    JsonObject *o = JSON_NODE_HOLDS_OBJECT(analysis) ? json_node_get_object(analysis) : NULL;
    JsonObject *entities = o && json_object_has_member(o, "entities")
                           ? json_object_get_object_member(o, "entities") : NULL;
    JsonArray *ids = entities && json_object_has_member(entities, "case_ids")
                     ? json_object_get_array_member(entities, "case_ids") : NULL;
    if (!ids || g_str_has_prefix(key, "THR-"))
        return;
    JsonArray *with_key = json_array_new();
    json_array_add_string_element(with_key, key);
    for (guint i = 0; i < json_array_get_length(ids); i++) {
        JsonNode *id = json_array_get_element(ids, i);
        if (g_strcmp0(json_node_get_string(id), key) != 0)
            json_array_add_element(with_key, json_node_copy(id));
    }
    json_object_set_array_member(entities, "case_ids", with_key);
}

/* One case of a chunk: loaded on the caller's thread, analysed on any
 * thread, stored on the caller's thread. */
typedef struct {
    gint64 id;
    GPtrArray *messages;     /* CkStoredMessage * */
    GPtrArray *before;       /* cause ids before */
    char *key;
    GPtrArray *warnings;     /* the analyzer's, for this case (char *) */
    JsonNode *analysis;
} CaseJob;

/* Free what JOB holds. */
static void case_job_clear(CaseJob *job)
{
    g_clear_pointer(&job->messages, g_ptr_array_unref);
    g_clear_pointer(&job->before, g_ptr_array_unref);
    g_clear_pointer(&job->key, g_free);
    g_clear_pointer(&job->warnings, g_ptr_array_unref);
    g_clear_pointer(&job->analysis, json_node_unref);
}

/* Read case JOB->id's messages, causes and key from STORE. */
static gboolean case_job_load(CkStore *store, CaseJob *job, GError **error)
{
    job->messages = ck_store_case_messages(store, job->id, error);
    job->before = job->messages ? ck_store_case_cause_ids(store, job->id, error) : NULL;
    job->key = job->before ? ck_store_case_key(store, job->id, error) : NULL;
    job->warnings = g_ptr_array_new_with_free_func(g_free);
    return job->key != NULL;
}

/* Analyse the loaded case JOB with RULES (no store access: runs on any
 * thread). */
static void case_job_analyze(CaseJob *job, const CkRuleSet *rules)
{
    GPtrArray *owned = g_ptr_array_new_with_free_func(g_free);
    CkAnalysisInput *in = inputs_of(job->messages, owned);
    job->analysis = ck_analyze_case(rules, in, job->messages->len, job->warnings);
    place_attachment_spans(job->analysis, in, job->messages);
    prefix_warnings(job->warnings, job->key);
    add_own_case_id(job->analysis, job->key);
    g_free(in);
    g_ptr_array_unref(owned);
}

/* Store the analysed case JOB; note a change of causes in CHANGED and move
 * its warnings to WARNINGS (both may be NULL). */
static gboolean case_job_store(CkStore *store, CaseJob *job, JsonArray *changed, GPtrArray *warnings,
                               GError **error)
{
    if (warnings) {
        g_ptr_array_extend_and_steal(warnings, job->warnings);
        job->warnings = NULL;
    }
    if (!ck_store_case_set_analysis(store, job->id, job->analysis, error))
        return FALSE;
    GPtrArray *after = ck_store_case_cause_ids(store, job->id, error);
    if (after && changed && !same_ids(job->before, after))
        note_change(changed, job->key, job->before, after);
    gboolean ok = after != NULL;
    g_clear_pointer(&after, g_ptr_array_unref);
    return ok;
}

/* The analyses of a chunk of loaded cases, shared by the threads that take
 * cases from it in turn. */
typedef struct {
    CaseJob *jobs;
    guint n;
    const CkRuleSet *rules;
    gint next;               /* next case to take (atomic) */
    guint running;           /* pool tasks not finished (under lock) */
    GMutex lock;
    GCond finished;
} Chunk;

/* Analyse the cases of CHUNK not yet taken by another thread. */
static void chunk_work(Chunk *chunk)
{
    for (gint i; (i = g_atomic_int_add(&chunk->next, 1)) < (gint)chunk->n;)
        case_job_analyze(&chunk->jobs[i], chunk->rules);
}

/* GThreadPool function: take cases of the chunk DATA, then say so. */
static void chunk_task(gpointer data, gpointer user_data)
{
    Chunk *chunk = data;
    chunk_work(chunk);
    g_mutex_lock(&chunk->lock);
    chunk->running--;
    g_cond_signal(&chunk->finished);
    g_mutex_unlock(&chunk->lock);
}

/* One ck_analyze_stored_cases() call: where results go, and the helper
 * threads (pool NULL when the caller's thread works alone). */
typedef struct {
    CkStore *store;
    const CkRuleSet *rules;
    GThreadPool *pool;       /* helpers, created once per call */
    guint helpers;           /* threads in POOL */
    JsonArray *changed;
    GPtrArray *warnings;
} Analysis;

/* Analyse the N loaded cases of JOBS on A's helper threads and this one;
 * first this thread adds the messages stored since the last commit to the
 * full-text index (work the commit would do anyway), then helps with the
 * cases left.  Returns when all are done; FALSE with *error when indexing
 * failed (the analyses are done all the same). */
static gboolean analyze_chunk(const Analysis *a, CaseJob *jobs, guint n, GError **error)
{
    Chunk chunk = { jobs, n, a->rules, 0, 0 };
    g_mutex_init(&chunk.lock);
    g_cond_init(&chunk.finished);
    for (guint i = 0; a->pool && i < MIN(a->helpers, n); i++) {
        chunk.running++;
        g_thread_pool_push(a->pool, &chunk, NULL);
    }
    gboolean ok = ck_store_index_new(a->store, error);
    chunk_work(&chunk);
    g_mutex_lock(&chunk.lock);
    while (chunk.running > 0)
        g_cond_wait(&chunk.finished, &chunk.lock);
    g_mutex_unlock(&chunk.lock);
    g_mutex_clear(&chunk.lock);
    g_cond_clear(&chunk.finished);
    return ok;
}

/* Cases loaded at a time (their messages are in memory together). */
#define CHUNK_CASES 64

/* Analyse and store the N cases of IDS: load them, analyse them
 * (analyze_chunk()), store them in order. */
static gboolean analyze_ids(const Analysis *a, const gint64 *ids, guint n, GError **error)
{
    CaseJob *jobs = g_new0(CaseJob, n);
    gboolean ok = TRUE;
    for (guint i = 0; ok && i < n; i++) {
        jobs[i].id = ids[i];
        ok = case_job_load(a->store, &jobs[i], error);
    }
    if (ok)
        ok = analyze_chunk(a, jobs, n, error);
    for (guint i = 0; ok && i < n; i++)
        ok = case_job_store(a->store, &jobs[i], a->changed, a->warnings, error);
    for (guint i = 0; i < n; i++)
        case_job_clear(&jobs[i]);
    g_free(jobs);
    return ok;
}

/* See persist.h.  Cases are analysed CHUNK_CASES at a time by one pool of
 * THREADS helpers, created once for the whole call (THREADS 1: no pool, the
 * caller alone); loading and storing stay on the caller's thread, in order,
 * so the results and warnings are the same as one at a time. */
gboolean ck_analyze_stored_cases(CkStore *store, const CkRuleSet *rules, GArray *case_rowids, guint threads,
                                 JsonArray *changed, GPtrArray *warnings, GError **error)
{
    GArray *ids = case_rowids ? g_array_ref(case_rowids) : ck_store_case_ids(store, error);
    if (!ids)
        return FALSE;
    guint total = threads ? threads : MIN(g_get_num_processors(), 8);
    Analysis a = { store, rules, NULL, total > 1 ? MIN(total, MAX(ids->len, 1u)) : 0, changed, warnings };
    if (a.helpers > 1)
        a.pool = g_thread_pool_new(chunk_task, NULL, (gint)a.helpers, FALSE, NULL);
    gboolean ok = TRUE;
    for (guint i = 0; ok && i < ids->len; i += CHUNK_CASES)
        ok = analyze_ids(&a, &g_array_index(ids, gint64, i), MIN(CHUNK_CASES, ids->len - i), error);
    if (a.pool)
        g_thread_pool_free(a.pool, FALSE, TRUE);
    g_array_unref(ids);
    return ok;
}
