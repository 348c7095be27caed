/* handler.h — the interface between serve's router (serve.c, main loop)
 * and the handlers that build pages and API answers (worker thread).
 *
 * A handler gets the environment the worker owns (the read-only store and
 * the rules) and the request (path, the part of the path after its route,
 * the query parameters), and returns a new CkServeResponse.  Handlers run
 * one at a time on the worker thread: they may use the store freely and
 * never touch libsoup.
 */
#ifndef CASEKB_SERVE_HANDLER_H
#define CASEKB_SERVE_HANDLER_H

#include <glib.h>
#include "store/store.h"
#include "analyzer/rules.h"
#include "analyzer/customers.h"
#include "serve/response.h"

#define CK_SERVE_ERROR (ck_serve_error_quark())
GQuark ck_serve_error_quark(void);
typedef enum {
    CK_SERVE_ERROR_USAGE,      /* bad option (refused bind, unreadable users file) */
    CK_SERVE_ERROR_REQUEST,    /* bad request parameter: HTTP 400 */
    CK_SERVE_ERROR_LISTEN      /* the socket could not be bound */
} CkServeError;

/* What the worker thread owns. */
typedef struct {
    CkStore *store;            /* opened with ck_store_open_readonly() */
    const CkRuleSet *rules;    /* may be NULL (no rules folder) */
    const CkCustomers *customers;  /* the customer alias table; may be NULL */
} CkServeEnv;

/* One request, as the worker sees it (owned by the router). */
typedef struct {
    char *path;                /* the decoded path, e.g. "/case/CAS-1" */
    char *arg;                 /* the path after the route's prefix, e.g. "CAS-1" ("" when none) */
    GHashTable *query;         /* name -> value, both char *; never NULL */
} CkServeRequest;

typedef CkServeResponse *(*CkServeHandler)(CkServeEnv *env, const CkServeRequest *req);

/* The value of query parameter NAME, or NULL when absent or empty (an
 * empty form field means "any").  Owned by REQ. */
const char *ck_serve_param(const CkServeRequest *req, const char *name);

/* The integer parameter NAME in *value: DEFAULT when absent; FALSE with
 * *error (CK_SERVE_ERROR_REQUEST, naming NAME) when it is not a whole
 * number within [MIN, MAX]. */
gboolean ck_serve_int_param(const CkServeRequest *req, const char *name, gint64 def, gint64 min, gint64 max,
                            gint64 *value, GError **error);

/* The date parameter NAME (YYYY-MM, YYYY-MM-DD or ISO 8601) in *when,
 * its last second when END_OF_RANGE; *set FALSE when it is absent.  FALSE
 * with *error (CK_SERVE_ERROR_REQUEST, naming NAME) on a bad date. */
gboolean ck_serve_date_param(const CkServeRequest *req, const char *name, gboolean end_of_range, gint64 *when,
                             gboolean *set, GError **error);

/* TRUE when the flag parameter NAME is given as 1, true, yes or on. */
gboolean ck_serve_flag_param(const CkServeRequest *req, const char *name);

#endif
