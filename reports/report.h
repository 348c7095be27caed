/* report.h — the case-history report for support leads.
 *
 * Built from case documents (the show --json contract) into one JSON value:
 * cases by cause, vendor, customer (names merged through the customer
 * alias table) and status; time to first response and time to close
 * (median and p90) per cause; cases per month; top error codes and
 * commands; open cases by age; one row per case.  A case with several
 * causes counts under each of them.  Markdown and HTML (one
 * self-contained page, inline SVG charts) render that value.
 *
 * Dashboard sections (report-dash.c), over every month from the first to
 * the last date of the selected cases, months without cases included:
 *   engineer_load: [{engineer, address, open_cases, cases, months:
 *     [{month, cases}]}] per support-side sender (keyed by address, else
 *     name): open_cases = open cases whose latest support message is
 *     theirs; cases = cases they wrote in; months = cases they wrote in
 *     that month.  Most open cases first.
 *   times_by_severity: [{severity, cases, first_response, time_to_close}]
 *     (statistics as in timing_by_cause), 紧急事件, 重要事件, 普通事件 first.
 *   cause_trend: [{cause, title, cases, months: [{month, cases}]}] by
 *     opened month ("(none)" for cases without a cause).
 *   open_closed_by_month: [{month, opened, closed, open_at_end}]: cases
 *     opened, cases closed (closed date), and cases opened by the month's
 *     end and not closed by then. 
 */
#ifndef CASEKB_REPORT_H
#define CASEKB_REPORT_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include "analyzer/customers.h"

/* Which cases a report covers (by their opened date, Unix seconds,
 * inclusive), the time ages are measured at, and the customer alias table
 * by_customer groups with (NULL: names as written). */
typedef struct {
    gboolean has_since, has_until;
    gint64 since, until;
    gint64 now;
    const CkCustomers *customers;
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
