/* similar.c — score stored cases against a probe (see similar.h). */
#include "store/similar.h"
#include "reports/privacy.h"
#include "store/store-private.h"
#include "store/fts-tokenizer.h"
#include "store/resolution.h"

#include <math.h>
#include <string.h>

#define MAX_TERMS 48

/* Entity lists of a probe that count, and their case_entities type. */
static const char *const ENTITY_TYPES[][2] = {
    { "error_codes", "error_code" }, { "commands", "command" }, { "serial_numbers", "serial_number" },
    { "hosts", "host" }, { "partial_keys", "partial_key" },
};

/* Words too common in this archive to tell cases apart. */
static const char *const STOP_WORDS[] = {
    "the", "and", "for", "you", "your", "our", "with", "this", "that", "are", "was", "were", "have", "has",
    "please", "thanks", "thank", "regards", "from", "not", "can", "will", "would", "could", "all", "any",
    "re", "fw", "fwd", "case", "cas", "cmit", "您好", "我们", "谢谢", "感谢", "问题", "客户", "用户", "请您",
    "如果", "可以", "需要", "案例", "回复", "答复", "事件", "一下", "已经", "没有", "这个", "进行",
};

/* One candidate case's parts. */
typedef struct {
    double causes, entities, text;
    GPtrArray *shared_causes, *shared_entities;   /* char * */
} Candidate;

/* Free a Candidate. */
static void candidate_free(gpointer p)
{
    Candidate *c = p;
    g_ptr_array_unref(c->shared_causes);
    g_ptr_array_unref(c->shared_entities);
    g_free(c);
}

/* The candidate for ROWID in CANDS, created when new. */
static Candidate *candidate(GHashTable *cands, gint64 rowid)
{
    Candidate *c = g_hash_table_lookup(cands, &rowid);
    if (!c) {
        c = g_new0(Candidate, 1);
        c->shared_causes = g_ptr_array_new_with_free_func(g_free);
        c->shared_entities = g_ptr_array_new_with_free_func(g_free);
        gint64 *key = g_new(gint64, 1);
        *key = rowid;
        g_hash_table_insert(cands, key, c);
    }
    return c;
}

/* Serialise a JSON node to a string for binding.  Caller frees. */
static char *json_text(JsonNode *node)
{
    return json_to_string(node, FALSE);
}

/* Cause part: shared causes of every case.  FALSE with *error. */
static gboolean score_causes(CkStore *store, JsonObject *probe, gint64 exclude, GHashTable *cands,
                             gboolean *used, GError **error)
{
    JsonNode *causes = json_object_get_member(probe, "causes");
    if (!causes || !JSON_NODE_HOLDS_ARRAY(causes) || json_array_get_length(json_node_get_array(causes)) == 0)
        return TRUE;
    *used = TRUE;
    double total = 0;
    JsonArray *list = json_node_get_array(causes);
    for (guint i = 0; i < json_array_get_length(list); i++)
        total += json_object_get_double_member_with_default(json_array_get_object_element(list, i), "score", 0);
    sqlite3_stmt *stmt = ck_store_prepare(store,
        "SELECT c.case_id, c.cause_id, min(c.score, json_extract(j.value, '$.score')) FROM case_causes c"
        " JOIN json_each(?1) j ON json_extract(j.value, '$.id') = c.cause_id WHERE c.case_id <> ?2", error);
    if (!stmt)
        return FALSE;
    g_autofree char *bound = json_text(causes);
    ck_store_bind_text(stmt, 1, bound);
    sqlite3_bind_int64(stmt, 2, exclude);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        Candidate *c = candidate(cands, sqlite3_column_int64(stmt, 0));
        c->causes += total > 0 ? sqlite3_column_double(stmt, 2) / total : 0;
        g_ptr_array_add(c->shared_causes, ck_store_column_dup(stmt, 1));
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        ck_store_set_error(store, error, "scoring shared causes");
    return rc == SQLITE_DONE;
}

/* The probe's entities as a JSON array of [type, value] pairs; *count gets
 * their number.  Caller frees. */
static char *entity_pairs(JsonObject *probe, guint *count)
{
    JsonObject *entities = json_object_has_member(probe, "entities")
                           ? json_object_get_object_member(probe, "entities") : NULL;
    JsonArray *pairs = json_array_new();
    for (gsize t = 0; entities && t < G_N_ELEMENTS(ENTITY_TYPES); t++) {
        JsonNode *list = json_object_get_member(entities, ENTITY_TYPES[t][0]);
        for (guint i = 0; list && JSON_NODE_HOLDS_ARRAY(list) && i < json_array_get_length(json_node_get_array(list)); i++) {
            const char *value = json_array_get_string_element(json_node_get_array(list), i);
            if (!value)
                continue;
            JsonArray *pair = json_array_new();
            json_array_add_string_element(pair, ENTITY_TYPES[t][1]);
            json_array_add_string_element(pair, value);
            json_array_add_array_element(pairs, pair);
        }
    }
    *count = json_array_get_length(pairs);
    JsonNode *node = json_node_init_array(json_node_alloc(), pairs);
    char *text = json_text(node);
    json_node_unref(node);
    json_array_unref(pairs);
    return text;
}

/* Entity part: shared entities weighted by idf.  FALSE with *error. */
static gboolean score_entities(CkStore *store, JsonObject *probe, gint64 exclude, gint64 n_cases,
                               GHashTable *cands, gboolean *used, GError **error)
{
    guint count = 0;
    g_autofree char *pairs = entity_pairs(probe, &count);
    if (count == 0)
        return TRUE;
    *used = TRUE;
    sqlite3_stmt *stmt = ck_store_prepare(store,
        "SELECT e.case_id, e.type, e.value, (SELECT count(*) FROM case_entities d"
        "  WHERE d.type = e.type AND d.value = e.value) FROM case_entities e"
        " JOIN json_each(?1) j ON json_extract(j.value, '$[0]') = e.type"
        "  AND json_extract(j.value, '$[1]') = e.value COLLATE NOCASE WHERE e.case_id <> ?2", error);
    if (!stmt)
        return FALSE;
    ck_store_bind_text(stmt, 1, pairs);
    sqlite3_bind_int64(stmt, 2, exclude);
    double probe_idf = count * log(1.0 + (double)n_cases);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        Candidate *c = candidate(cands, sqlite3_column_int64(stmt, 0));
        double df = MAX(1, sqlite3_column_int64(stmt, 3));
        c->entities += log(1.0 + (double)n_cases / df) / probe_idf;
        g_ptr_array_add(c->shared_entities, g_strdup_printf("%s %s", sqlite3_column_text(stmt, 1),
                                                            sqlite3_column_text(stmt, 2)));
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        ck_store_set_error(store, error, "scoring shared entities");
    return rc == SQLITE_DONE;
}

/* TRUE when TERM (folded) is worth searching for. */
static gboolean distinctive(const char *term, gboolean cjk)
{
    for (gsize i = 0; i < G_N_ELEMENTS(STOP_WORDS); i++)
        if (strcmp(term, STOP_WORDS[i]) == 0)
            return FALSE;
    if (cjk)
        return TRUE;
    gboolean digit = FALSE;
    for (const char *p = term; *p; p++)
        digit |= g_ascii_isdigit(*p);
    return g_utf8_strlen(term, -1) >= 3 || digit;
}

/* Add TERM to EXPR ("…" with quotes doubled, ORed) unless SEEN has it. */
static void add_term(GString *expr, GHashTable *seen, const char *term, guint *n)
{
    if (*n >= MAX_TERMS || g_hash_table_contains(seen, term))
        return;
    g_hash_table_add(seen, g_strdup(term));
    g_string_append_printf(expr, "%s\"", (*n)++ ? " OR " : "");
    for (const char *p = term; *p; p++)
        g_string_append_printf(expr, *p == '"' ? "\"\"" : "%c", *p);
    g_string_append_c(expr, '"');
}

/* See similar.h. */
char *ck_similar_fts_expression(const char *text)
{
    GArray *chars = ck_fts_fold_chars(text ? text : "", -1);
    const CkFoldedChar *c = (const CkFoldedChar *)(void *)chars->data;
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GString *expr = g_string_new(NULL);
    guint n = 0;
    for (guint i = 0; i < chars->len;) {
        CkFtsClass cls = ck_fts_char_class(c[i].ch);
        guint j = i + 1;
        while (j < chars->len && ck_fts_char_class(c[j].ch) == cls)
            j++;
        for (guint k = i; cls != CK_FTS_CLASS_OTHER && k < j; k++) {
            guint stop = cls == CK_FTS_CLASS_CJK ? MIN(k + 2, j) : j;
            GString *term = g_string_new(NULL);
            for (guint x = k; x < stop; x++)
                g_string_append_unichar(term, c[x].ch);
            if ((cls == CK_FTS_CLASS_WORD || stop - k == 2) && distinctive(term->str, cls == CK_FTS_CLASS_CJK))
                add_term(expr, seen, term->str, &n);
            g_string_free(term, TRUE);
            if (cls == CK_FTS_CLASS_WORD)
                break;
        }
        i = j;
    }
    g_array_unref(chars);
    return n ? g_string_free(expr, FALSE) : (g_string_free(expr, TRUE), NULL);
}

/* Text part: bm25 of the probe's terms, best message per case, divided by
 * the best case's.  FALSE with *error. */
static gboolean score_text(CkStore *store, JsonObject *probe, gint64 exclude, GHashTable *cands,
                           gboolean *used, GError **error)
{
    g_autofree char *expr = ck_similar_fts_expression(json_object_get_string_member_with_default(probe, "text", ""));
    if (!expr)
        return TRUE;
    *used = TRUE;
    sqlite3_stmt *stmt = ck_store_prepare(store,
        "WITH hits AS MATERIALIZED (SELECT m.case_id AS case_id, -bm25(messages_fts, 2.0, 4.0, 0.5) AS s"
        " FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid"
        " WHERE messages_fts MATCH ?1 AND m.case_id <> ?2)"
        " SELECT case_id, max(s) AS best FROM hits GROUP BY case_id ORDER BY best DESC", error);
    if (!stmt)
        return FALSE;
    ck_store_bind_text(stmt, 1, expr);
    sqlite3_bind_int64(stmt, 2, exclude);
    double best = 0;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        double s = sqlite3_column_double(stmt, 1);
        best = best > 0 ? best : s;
        candidate(cands, sqlite3_column_int64(stmt, 0))->text = best > 0 ? s / best : 0;
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        ck_store_set_error(store, error, "scoring text");
    return rc == SQLITE_DONE;
}

/* A JSON array of the strings in LIST. */
static JsonArray *strings(GPtrArray *list)
{
    JsonArray *a = json_array_new();
    for (guint i = 0; i < list->len; i++)
        json_array_add_string_element(a, g_ptr_array_index(list, i));
    return a;
}

/* Add the facts of case ROWID (key, title, status, and how it was
 * resolved: store/resolution.h) to O, from its case document. */
static gboolean add_case_facts(CkStore *store, gint64 rowid, JsonObject *o, GError **error)
{
    JsonNode *node = ck_store_case_document(store, rowid, error);
    if (!node)
        return FALSE;
    JsonObject *doc = json_node_get_object(node);
    const char *names[] = { "case_id", "title", "status" };
    for (int i = 0; i < 3; i++)
        json_object_set_string_member(o, names[i], json_object_get_string_member_with_default(doc, names[i], ""));
    CkResolution r;
    ck_case_resolution(doc, &r);
    const char *text = r.text;
    g_autofree char *clipped = ck_mask_and_cut(text, 300);   /* masked first: a cut key is not a key */
    json_object_set_string_member(o, "resolution", clipped);
    json_object_set_string_member(o, "resolution_from", r.from);
    ck_resolution_clear(&r);
    json_node_unref(node);
    return TRUE;
}

/* A scored row for sorting. */
typedef struct {
    gint64 rowid;
    double score;
    Candidate *c;
} Ranked;

/* Best score first, then lower row id. */
static gint compare_ranked(gconstpointer a, gconstpointer b)
{
    const Ranked *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->rowid < y->rowid ? -1 : x->rowid > y->rowid;
}

/* The ranked candidates of CANDS with part weights spread over USED parts. */
static GArray *rank(GHashTable *cands, const gboolean used[3])
{
    const double base[3] = { 0.5, 0.3, 0.2 };
    double sum = 0;
    for (int i = 0; i < 3; i++)
        sum += used[i] ? base[i] : 0;
    GArray *ranked = g_array_new(FALSE, FALSE, sizeof(Ranked));
    GHashTableIter it;
    gpointer key, value;
    g_hash_table_iter_init(&it, cands);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        Candidate *c = value;
        double parts[3] = { MIN(c->causes, 1), MIN(c->entities, 1), MIN(c->text, 1) };
        Ranked r = { *(gint64 *)key, 0, c };
        for (int i = 0; i < 3; i++)
            r.score += used[i] && sum > 0 ? base[i] / sum * parts[i] : 0;
        if (r.score > 0)
            g_array_append_val(ranked, r);
    }
    g_array_sort(ranked, compare_ranked);
    return ranked;
}

/* The result object of R.  NULL with *error. */
static JsonObject *result_object(CkStore *store, const Ranked *r, GError **error)
{
    JsonObject *o = json_object_new();
    if (!add_case_facts(store, r->rowid, o, error)) {
        json_object_unref(o);
        return NULL;
    }
    json_object_set_double_member(o, "score", round(r->score * 1000) / 1000);
    JsonObject *parts = json_object_new();
    json_object_set_double_member(parts, "causes", round(MIN(r->c->causes, 1) * 1000) / 1000);
    json_object_set_double_member(parts, "entities", round(MIN(r->c->entities, 1) * 1000) / 1000);
    json_object_set_double_member(parts, "text", round(MIN(r->c->text, 1) * 1000) / 1000);
    json_object_set_object_member(o, "parts", parts);
    json_object_set_array_member(o, "shared_causes", strings(r->c->shared_causes));
    json_object_set_array_member(o, "shared_entities", strings(r->c->shared_entities));
    return o;
}

/* See similar.h. */
JsonNode *ck_store_similar_cases(CkStore *store, JsonObject *probe, gint64 exclude_rowid, int limit,
                                 GError **error)
{
    gint64 n_cases = 0, n_messages = 0;
    if (!ck_store_counts(store, &n_cases, &n_messages, error))
        return NULL;
    GHashTable *cands = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, candidate_free);
    gboolean used[3] = { FALSE, FALSE, FALSE };
    gboolean ok = score_causes(store, probe, exclude_rowid, cands, &used[0], error)
                  && score_entities(store, probe, exclude_rowid, MAX(n_cases, 1), cands, &used[1], error)
                  && score_text(store, probe, exclude_rowid, cands, &used[2], error);
    GArray *ranked = ok ? rank(cands, used) : NULL;
    JsonArray *out = json_array_new();
    for (guint i = 0; ok && i < ranked->len && (int)i < limit; i++) {
        JsonObject *o = result_object(store, &g_array_index(ranked, Ranked, i), error);
        ok = o != NULL;
        if (o)
            json_array_add_object_element(out, o);
    }
    if (ranked)
        g_array_unref(ranked);
    g_hash_table_unref(cands);
    JsonNode *node = ok ? json_node_init_array(json_node_alloc(), out) : NULL;
    json_array_unref(out);
    return node;
}
