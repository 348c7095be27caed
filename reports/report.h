/* report.h — the case-history report for support leads.
 *
 * Built from case documents (the show --json contract) into one JSON value:
 * cases by cause, vendor, customer and status; time to first response and
 * time to close (median and p90) per cause; cases per month; top error
 * codes and commands; open cases by age; one row per case.  A case with
 * several causes counts under each of them.  Markdown and HTML (one
 * self-contained page, inline SVG charts) render that value.
 */
#ifndef CASEKB_REPORT_H
#define CASEKB_REPORT_H

#include <glib.h>
#include <json-glib/json-glib.h>

/* Which cases a report covers (by their opened date, Unix seconds,
 * inclusive) and the time ages are measured at. */
typedef struct {
    gboolean has_since, has_until;
    gint64 since, until;
    gint64 now;
} CkReportRange;

/* Parse a --since/--until DATE: YYYY-MM, YYYY-MM-DD or an ISO 8601
 * date-time (UTC unless it says otherwise).  With END_OF_RANGE a month or
 * day means its last second.  FALSE with *error quoting TEXT. */
gboolean ck_report_parse_date(const char *text, gboolean end_of_range, gint64 *unix_time, GError **error);

/* The P-th percentile (0..1) of N sorted values, interpolated linearly
 * between the closest ranks (P = 0.5 is the usual median). N > 0. */
double ck_percentile(const gint64 *sorted, guint n, double p);

/* The report over the cases of DOCS (an array of case documents) that
 * RANGE selects; product keys masked.  Caller unrefs. */
JsonNode *ck_report_build(JsonArray *docs, const CkReportRange *range);

/* REPORT in FORMAT ("html", "md" or "json").  Caller frees with
 * g_string_free(). */
GString *ck_report_render(JsonNode *report, const char *format);

#endif
