/* data.h — the JSON values serve's pages and API are built from, made by
 * the same library calls as the CLI commands, so /api/… answers equal the
 * CLI's --json output: the case document (show), the case list (cases),
 * search results (search), similar cases (similar), the report (report).
 * Every value has product keys masked.  They run on the worker thread.
 */
#ifndef CASEKB_SERVE_DATA_H
#define CASEKB_SERVE_DATA_H

#include "serve/handler.h"
#include "store/search.h"


/* The case document of ID (case ID, alias or Message-ID), masked, and its
 * row id.  NULL with *error: CK_STORE_ERROR_NOT_FOUND when there is no
 * such case.  Caller unrefs. */
JsonNode *ck_serve_case_document(CkServeEnv *env, const char *id, gint64 *rowid, GError **error);

/* The LIMIT cases most like case document DOC (row ROWID), as `similar
 * --json`.  NULL with *error.  Caller unrefs. */
JsonNode *ck_serve_similar(CkServeEnv *env, JsonNode *doc, gint64 rowid, int limit, GError **error);

/* The report (`report --json`) over the cases opened within the request's
 * since/until.  NULL with *error (CK_SERVE_ERROR_REQUEST for a bad date).
 * Caller unrefs. */
JsonNode *ck_serve_report(CkServeEnv *env, const CkServeRequest *req, GError **error);

/* Every name of FILTER's customer organisation in env's alias table (the
 * customer itself when the table does not know it), set as FILTER's
 * customer_names and returned for the caller to unref; NULL (FILTER
 * unchanged) when FILTER has no customer. */
GPtrArray *ck_serve_customer_names(CkServeEnv *env, CkCaseFilter *filter);

/* Run the search REQ asks for (q in the query language, any=1: q is a
 * plain sentence, messages=1, limit (default 20), offset) into S with
 * ck_search_text(), exactly as `casekb search` (COUNT_ONLY: as --count),
 * snippets marked by OPEN and CLOSE.  FALSE with *error:
 * CK_SEARCH_ERROR_QUERY or CK_SERVE_ERROR_REQUEST for a bad request.
 * Clear S with ck_search_outcome_clear() either way. */
gboolean ck_serve_search_run(CkServeEnv *env, const CkServeRequest *req, const char *open, const char *close,
                             gboolean count_only, CkSearchOutcome *s, GError **error);

/* The HTTP status for ERROR from one of the functions above: 400 for a
 * bad request or query, 404 for an unknown case, else 500. */
guint ck_serve_error_status(const GError *error);

#endif
