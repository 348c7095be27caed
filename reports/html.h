/* html.h — the small HTML writer every HTML output goes through.
 *
 * Rule: every string that came from mail (subjects, bodies, names,
 * evidence, entities) reaches the page only through ck_html_escape() or a
 * helper built on it; markup is appended as literals by the callers.
 * Pages are self-contained: one inline stylesheet (CJK font stack, print
 * rules), no scripts, no external assets, and a Content-Security-Policy
 * that forbids scripts even if escaping were ever missed.
 * All functions append to a GString the caller owns.
 */
#ifndef CASEKB_HTML_H
#define CASEKB_HTML_H

#include <glib.h>
#include "reports/summary.h"   /* CkChartBar, CkPageOps */

/* Append TEXT with & < > " ' escaped (safe in element content and in
 * quoted attribute values), after ck_text_printable(TEXT, FALSE): control
 * characters and bidirectional controls show as U+FFFD.  NULL appends
 * nothing. */
void ck_html_escape(GString *out, const char *text);

/* Append <TAG class="CLASS">escaped TEXT</TAG> (CLASS may be NULL). */
void ck_html_element(GString *out, const char *tag, const char *css_class, const char *text);

/* Append <a href="HREF">escaped TEXT</a>; HREF is escaped too. */
void ck_html_link(GString *out, const char *href, const char *text);

/* Append a <blockquote class="mail"> holding TEXT escaped, line breaks
 * kept (the stylesheet sets white-space: pre-wrap). */
void ck_html_quote(GString *out, const char *text);

/* Append the document head: doctype, charset, CSP, escaped TITLE, the
 * inline stylesheet, and <body><main>. */
void ck_html_page_begin(GString *out, const char *title);

/* Append </main></body></html>. */
void ck_html_page_end(GString *out);


/* Append an inline <svg> horizontal bar chart titled TITLE with N bars
 * (no bars: a short "no data" note instead of an empty chart). */
void ck_html_bar_chart(GString *out, const char *title, const CkChartBar *bars, guint n);

/* Append an inline <svg> column chart (one column per bar, labels below),
 * for series over time such as cases per month. */
void ck_html_column_chart(GString *out, const char *title, const CkChartBar *bars, guint n);

#endif
