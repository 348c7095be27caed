/* api.h — /api/…: JSON equal to the CLI's --json output, built through the
 * same library calls (data.h) and serialised by json-glib the same way.
 *   /api/cases?FILTERS      = cases --json (params.h; count=1: --count)
 *   /api/case/ID            = show --json ID
 *   /api/search?q=…         = search --json (any=1, messages=1, limit,
 *                             offset, count=1)
 *   /api/similar/ID?limit=N = similar --json ID (stored cases only)
 *   /api/report?since&until = report --format json
 * Errors are {"error": message} with 400 (bad parameter or query), 404
 * (unknown case) or 500.
 */
#ifndef CASEKB_SERVE_API_H
#define CASEKB_SERVE_API_H

#include "serve/handler.h"

CkServeResponse *ck_serve_api_cases(CkServeEnv *env, const CkServeRequest *req);
CkServeResponse *ck_serve_api_case(CkServeEnv *env, const CkServeRequest *req);
CkServeResponse *ck_serve_api_search(CkServeEnv *env, const CkServeRequest *req);
CkServeResponse *ck_serve_api_similar(CkServeEnv *env, const CkServeRequest *req);
CkServeResponse *ck_serve_api_report(CkServeEnv *env, const CkServeRequest *req);

#endif
