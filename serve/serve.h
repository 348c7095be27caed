/* serve.h — `casekb serve`: the web UI and JSON API over one database.
 *
 * libsoup-3.0 on the GLib main loop.  The main loop only routes requests
 * and writes responses: authentication (auth.h), the static files
 * (static.h) and /login are answered on it; everything that reads the
 * database is a job for ONE worker thread that owns the read-only store
 * (ck_store_open_readonly) and runs the handlers (handler.h) one at a time,
 * then hands the response back to the main loop.
 * Every response carries a strict Content-Security-Policy (only the
 * binary's own stylesheet and script), X-Content-Type-Options: nosniff,
 * no-referrer, no framing and Cache-Control: no-store.  Only GET and HEAD
 * are served.
 */
#ifndef CASEKB_SERVE_SERVE_H
#define CASEKB_SERVE_SERVE_H

#include <stdio.h>
#include <glib.h>
#include "analyzer/rules.h"
#include "analyzer/customers.h"

typedef struct {
    const char *db_path;
    const CkRuleSet *rules;  /* may be NULL: drafts without the rules' templates */
    const CkCustomers *customers;  /* the report's customer alias table; may be NULL */
    const char *listen;      /* an IP address or "localhost"; NULL: 127.0.0.1 */
    guint16 port;            /* 0: any free port */
    const char *token;       /* NULL: none */
    const char *users_path;  /* NULL: none */
} CkServeOptions;

/* Serve OPTIONS->db_path until SIGINT or SIGTERM, after printing the
 * server's URL ("http://127.0.0.1:PORT/") as the first line of OUT.
 * A listen address that is not loopback is refused unless a token or
 * users are given.  FALSE with *error: CK_SERVE_ERROR_USAGE (refused or
 * bad option), CK_SERVE_ERROR_LISTEN (cannot bind), or the store's error. */
gboolean ck_serve_run(const CkServeOptions *options, FILE *out, GError **error);

#endif
