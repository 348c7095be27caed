/* api.c — the JSON API (api.h). */
#include "serve/api.h"
#include "serve/data.h"
#include "serve/params.h"
#include "store/search.h"
#include "reports/privacy.h"
#include "reports/search-out.h"

/* The error response for ERROR (freed). */
static CkServeResponse *api_error(GError *error)
{
    CkServeResponse *r = ck_serve_response_json_error(ck_serve_error_status(error), error->message);
    g_error_free(error);
    return r;
}

/* NODE (taken) as a 200 response. */
static CkServeResponse *api_ok(JsonNode *node)
{
    CkServeResponse *r = ck_serve_response_json(200, node);
    json_node_unref(node);
    return r;
}

/* {"count": COUNT}, as the CLI's --count --json. */
static CkServeResponse *api_count(gint64 count)
{
    JsonObject *o = json_object_new();
    json_object_set_int_member(o, "count", count);
    CkServeResponse *r = api_ok(json_node_init_object(json_node_alloc(), o));
    json_object_unref(o);
    return r;
}

/* See api.h. */
CkServeResponse *ck_serve_api_cases(CkServeEnv *env, const CkServeRequest *req)
{
    CkCaseFilter filter;
    GError *error = NULL;
    if (!ck_serve_case_filter(req, 0, &filter, &error))
        return api_error(error);
    g_autoptr(GPtrArray) names = ck_serve_customer_names(env, &filter);
    if (ck_serve_flag_param(req, "count")) {
        gint64 n = 0;
        return ck_store_case_count(env->store, &filter, &n, &error) ? api_count(n) : api_error(error);
    }
    JsonNode *list = ck_store_case_list(env->store, &filter, &error);
    if (!list)
        return api_error(error);
    ck_json_mask_product_keys(list);
    return api_ok(list);
}

/* See api.h. */
CkServeResponse *ck_serve_api_case(CkServeEnv *env, const CkServeRequest *req)
{
    GError *error = NULL;
    gint64 rowid = 0;
    JsonNode *doc = ck_serve_case_document(env, req->arg, &rowid, &error);
    return doc ? api_ok(doc) : api_error(error);
}

/* See api.h. */
CkServeResponse *ck_serve_api_search(CkServeEnv *env, const CkServeRequest *req)
{
    CkSearchOutcome s;
    GError *error = NULL;
    gboolean count_only = ck_serve_flag_param(req, "count");
    if (!ck_serve_search_run(env, req, "[", "]", count_only, &s, &error)) {
        ck_search_outcome_clear(&s);
        return api_error(error);
    }
    CkServeResponse *r;
    if (count_only) {
        r = api_count(s.total);
    } else {
        JsonNode *node = ck_search_results_json(s.results);
        ck_json_mask_product_keys(node);
        r = api_ok(node);
    }
    ck_search_outcome_clear(&s);
    return r;
}

/* See api.h. */
CkServeResponse *ck_serve_api_similar(CkServeEnv *env, const CkServeRequest *req)
{
    GError *error = NULL;
    gint64 rowid = 0, limit = 10;
    if (!ck_serve_int_param(req, "limit", 10, 1, 1000, &limit, &error))
        return api_error(error);
    JsonNode *doc = ck_serve_case_document(env, req->arg, &rowid, &error);
    JsonNode *results = doc ? ck_serve_similar(env, doc, rowid, (int)limit, &error) : NULL;
    if (doc)
        json_node_unref(doc);
    return results ? api_ok(results) : api_error(error);
}

/* See api.h. */
CkServeResponse *ck_serve_api_report(CkServeEnv *env, const CkServeRequest *req)
{
    GError *error = NULL;
    JsonNode *report = ck_serve_report(env, req, &error);
    return report ? api_ok(report) : api_error(error);
}
