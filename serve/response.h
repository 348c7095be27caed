/* response.h — what a serve handler answers: status, body and the few
 * headers a handler chooses.  Handlers run on the worker thread and build a
 * CkServeResponse; the main loop copies it into the HTTP message (and adds
 * the security headers every response carries, serve.h).
 * Every constructor takes or copies what it is given; the caller frees the
 * response with ck_serve_response_free().
 */
#ifndef CASEKB_SERVE_RESPONSE_H
#define CASEKB_SERVE_RESPONSE_H

#include <glib.h>
#include <json-glib/json-glib.h>

typedef struct {
    guint status;            /* HTTP status code */
    char *content_type;      /* e.g. "text/html; charset=utf-8" */
    GBytes *body;
    char *disposition;       /* Content-Disposition, or NULL */
} CkServeResponse;

/* A response of STATUS with TYPE and BODY (taken: the string is freed). */
CkServeResponse *ck_serve_response_new(guint status, const char *type, GString *body);

/* An HTML page of STATUS (BODY taken). */
CkServeResponse *ck_serve_response_html(guint status, GString *body);

/* NODE as the CLI prints it with --json (json-glib, pretty, final newline). */
CkServeResponse *ck_serve_response_json(guint status, JsonNode *node);

/* {"error": MESSAGE} with STATUS, for the API. */
CkServeResponse *ck_serve_response_json_error(guint status, const char *message);

/* A small HTML page of STATUS saying MESSAGE (escaped), with the site's
 * frame. */
CkServeResponse *ck_serve_response_html_error(guint status, const char *message);

/* Free RESPONSE (NULL allowed). */
void ck_serve_response_free(CkServeResponse *response);

#endif
