/* report-private.h — what report.c and report-dash.c share. */
#ifndef CASEKB_REPORT_PRIVATE_H
#define CASEKB_REPORT_PRIVATE_H

#include "reports/report.h"
#include "reports/summary.h"

/* Label of a case with no severity, vendor or customer. */
#define CK_REPORT_UNKNOWN "(unknown)"
/* Label of a case with no cause. */
#define CK_REPORT_NO_CAUSE "(none)"

/* Add MEMBER: {count, median_seconds, p90_seconds, median, p90} of VALUES
 * (gint64 seconds, sorted in place); nulls and "" when there are none. */
void ck_report_add_stats(JsonBuilder *b, const char *member, GArray *values);

/* Add the dashboard sections over SELECTED (JsonObject * case documents):
 * engineer_load, times_by_severity, cause_trend and open_closed_by_month
 * (report.h describes them). */
void ck_report_add_dashboard(JsonBuilder *b, GPtrArray *selected);

/* Render the dashboard sections of report R on PAGE. */
void ck_report_write_dashboard(CkPage *page, JsonObject *r);

/* One stats cell group on PAGE: count, median, p90 of STATS. */
void ck_report_stats_cells(CkPage *page, JsonObject *stats);

#endif
