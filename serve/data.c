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

/* See data.h. */
gboolean ck_serve_search_run(CkServeEnv *env, const CkServeRequest *req, const char *open, const char *close,
                             gboolean count_only, CkSearchOutcome *s, GError **error)
{
    *s = (CkSearchOutcome){ 0 };
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
    return ck_search_text(ck_store_db(env->store), text, ck_serve_flag_param(req, "any"), count_only, &opts, s,
                          error);
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
