/* data.c — the JSON values behind pages and API (data.h). */
#include "serve/data.h"
#include "store/search.h"
#include "store/similar.h"
#include "store/store-reports.h"
#include "reports/privacy.h"
#include "reports/report.h"
#include "reports/similar-out.h"

/* See data.h. */
JsonNode *ck_serve_case_document(CkServeEnv *env, const char *id, gint64 *rowid, GError **error)
{
    *rowid = 0;
    if (!ck_store_resolve_case(env->store, id, rowid, error))
        return NULL;
    if (*rowid == 0) {
        g_set_error(error, CK_STORE_ERROR, CK_STORE_ERROR_NOT_FOUND, "no case, alias or Message-ID '%s'", id);
        return NULL;
    }
    JsonNode *doc = ck_store_case_document(env->store, *rowid, error);
    if (doc)
        ck_json_mask_product_keys(doc);
    return doc;
}

/* See data.h. */
JsonNode *ck_serve_similar(CkServeEnv *env, JsonNode *doc, gint64 rowid, int limit, GError **error)
{
    JsonObject *probe = ck_similar_probe(json_node_get_object(doc));
    JsonNode *results = ck_store_similar_cases(env->store, probe, rowid, limit, error);
    json_object_unref(probe);
    if (results)
        ck_json_mask_product_keys(results);
    return results;
}

/* See data.h. */
JsonNode *ck_serve_report(CkServeEnv *env, const CkServeRequest *req, GError **error)
{
    CkReportRange range = { .now = g_get_real_time() / G_USEC_PER_SEC, .customers = env->customers };
    if (!ck_serve_date_param(req, "since", FALSE, &range.since, &range.has_since, error)
        || !ck_serve_date_param(req, "until", TRUE, &range.until, &range.has_until, error))
        return NULL;
    JsonNode *docs = ck_store_all_case_documents(env->store, error);
    if (!docs)
        return NULL;
    JsonNode *report = ck_report_build(json_node_get_array(docs), &range);
    json_node_unref(docs);
    return report;
}

/* Run TEXT as a sentence into S. */
static gboolean search_sentence(sqlite3 *db, const char *text, const CkSearchOptions *opts, CkServeSearch *s,
                                GError **error)
{
    s->sentence = TRUE;
    return ck_search_count_any(db, text, opts->per_message, &s->total, error)
           && ck_search_run_any(db, text, opts, &s->results, error);
}

/* See data.h. */
gboolean ck_serve_search_run(CkServeEnv *env, const CkServeRequest *req, const char *open, const char *close,
                             CkServeSearch *s, GError **error)
{
    *s = (CkServeSearch){ 0 };
    const char *text = ck_serve_param(req, "q");
    gint64 limit = 20, offset = 0;
    if (!text) {
        g_set_error(error, CK_SERVE_ERROR, CK_SERVE_ERROR_REQUEST, "q: expected a query");
        return FALSE;
    }
    if (!ck_serve_int_param(req, "limit", 20, 1, 1000, &limit, error)
        || !ck_serve_int_param(req, "offset", 0, 0, G_MAXINT32, &offset, error))
        return FALSE;
    CkSearchOptions opts = { ck_serve_flag_param(req, "messages"), (int)limit, (int)offset, open, close, 0 };
    sqlite3 *db = ck_store_db(env->store);
    if (ck_serve_flag_param(req, "any"))
        return search_sentence(db, text, &opts, s, error);
    CkSearchQuery *query = ck_search_query_parse(text, error);
    if (!query)
        return FALSE;
    gboolean ok = ck_search_count(db, query, opts.per_message, &s->total, error)
                  && ck_search_run(db, query, &opts, &s->results, error);
    s->fell_back = ok && s->total == 0 && ck_search_query_wants_sentence(query, text);
    ck_search_query_free(query);
    if (!s->fell_back)
        return ok;
    g_clear_pointer(&s->results, g_ptr_array_unref);
    return search_sentence(db, text, &opts, s, error);
}

/* See data.h. */
void ck_serve_search_clear(CkServeSearch *s)
{
    g_clear_pointer(&s->results, g_ptr_array_unref);
}

/* See data.h. */
guint ck_serve_error_status(const GError *error)
{
    if (g_error_matches(error, CK_SERVE_ERROR, CK_SERVE_ERROR_REQUEST)
        || g_error_matches(error, CK_SEARCH_ERROR, CK_SEARCH_ERROR_QUERY))
        return 400;
    if (g_error_matches(error, CK_STORE_ERROR, CK_STORE_ERROR_NOT_FOUND))
        return 404;
    return 500;
}

/* See data.h. */
GPtrArray *ck_serve_customer_names(CkServeEnv *env, CkCaseFilter *filter)
{
    if (!filter->customer || !*filter->customer)
        return NULL;
    filter->customer_names = ck_customers_names(env->customers, filter->customer);
    return filter->customer_names;
}
