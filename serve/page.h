/* page.h — the frame and small pieces every serve page shares.
 *
 * Pages are built as HTML text in a GString the caller owns.  Every
 * string that came from mail goes through reports/html.h's escaping (the
 * helpers below escape what they are given); markup is written as
 * literals.  The frame links the one stylesheet and the one script the
 * binary serves under /static/ (the Content-Security-Policy forbids inline
 * style and script), and holds the navigation and the search box.
 */
#ifndef CASEKB_SERVE_PAGE_H
#define CASEKB_SERVE_PAGE_H

#include <glib.h>
#include <json-glib/json-glib.h>

/* Append the document head and the navigation: TITLE (escaped) and the
 * search box holding QUERY (NULL: empty). */
void ck_serve_page_begin(GString *out, const char *title, const char *query);

/* Append the end of the document. */
void ck_serve_page_end(GString *out);

/* PATH with a query string: the parameters of QUERY (may be NULL) whose
 * names are in KEEP (NULL-terminated; NULL keeps none), then the
 * NAME, VALUE pairs that follow (NULL-terminated; a NULL value leaves the
 * name out), each URL-encoded; names in sorted order.  Not yet HTML-escaped
 * (ck_html_link escapes it).  Caller frees. */
char *ck_serve_href(const char *path, GHashTable *query, const char *const *keep, ...) G_GNUC_NULL_TERMINATED;

/* "/case/" + ID, URL-encoded.  Caller frees. */
char *ck_serve_case_href(const char *case_id);

/* Append a link to the case page of CASE_ID, showing CASE_ID. */
void ck_serve_case_link(GString *out, const char *case_id);

/* Append ISO (UTC ISO 8601) in the display zone (reports/timezone.h),
 * escaped; DATE_ONLY keeps the date. */
void ck_serve_time(GString *out, const char *iso, gboolean date_only);

/* The same for a Unix time (0: nothing). */
void ck_serve_unix_time(GString *out, gint64 when, gboolean date_only);

/* Append TEXT escaped, with the parts between the markers OPEN and CLOSE
 * as <mark>…</mark> (a marker without its partner is dropped). */
void ck_serve_marked(GString *out, const char *text, const char *open, const char *close);

/* Append <dl> of the string members of OBJECT named in NAMES (NULL-
 * terminated label/member pairs), leaving out empty ones. */
void ck_serve_fields(GString *out, JsonObject *object, const char *const *names);

#endif
