/* params.h — the case queue's filters as query parameters.
 *
 * The queue (/) and /api/cases take the options of `casekb cases` as query
 * parameters of the same names: status, severity, vendor, customer, cause,
 * waiting_on (us|customer), older_than (days), since, until (YYYY-MM,
 * YYYY-MM-DD or ISO 8601, opened), sort (opened|newest|updated|messages),
 * limit, offset.  CK_SERVE_FILTER_PARAMS lists the names that select cases
 * (links keep them).
 */
#ifndef CASEKB_SERVE_PARAMS_H
#define CASEKB_SERVE_PARAMS_H

#include "serve/handler.h"

extern const char *const CK_SERVE_FILTER_PARAMS[];

/* FILTER from REQ's parameters (its strings point into REQ), with limit
 * DEFAULT_LIMIT (0: all) unless the request gives one.  FALSE with *error
 * (CK_SERVE_ERROR_REQUEST) naming the parameter and the value allowed. */
gboolean ck_serve_case_filter(const CkServeRequest *req, gint64 default_limit, CkCaseFilter *filter,
                              GError **error);

#endif
