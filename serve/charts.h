/* charts.h — bars and tables for the dashboard, drawn from report JSON.
 * Bars are inline SVG rectangles sized by attributes (the CSP forbids
 * inline style); every text is escaped. */
#ifndef CASEKB_SERVE_CHARTS_H
#define CASEKB_SERVE_CHARTS_H

#include <glib.h>
#include <json-glib/json-glib.h>

/* Element I of ARRAY when it is an object, else NULL (report sections are
 * read generically: an array may hold anything).  Owned by ARRAY. */
JsonObject *ck_serve_object_at(JsonArray *array, guint i);

/* Append one bar row: LABEL (a link to HREF when HREF is not NULL), a bar
 * VALUE / MAX long, and VALUE. */
void ck_serve_bar(GString *out, const char *label, const char *href, double value, double max);

/* Append ROWS (an array of objects, the columns those of the first) as a
 * table titled TITLE.  Cells: case IDs link to their case, causes, vendors,
 * customers, severities and statuses to the filtered queue; dates in the
 * display zone; {median, p90, count} objects as "median · p90 (n)"; {text}
 * objects as their text; an array of {month, n} objects as a small column
 * chart, each month a link to the queue of that month (narrowed by the
 * row's cause, severity, vendor or customer). */
void ck_serve_report_table(GString *out, const char *title, JsonArray *rows);

/* Append ROWS (an array of {month, numbers…}, oldest first) as one column
 * chart per number titled by its member, each column a link to the queue
 * of the cases opened in that month (hover: month and value). */
void ck_serve_month_chart(GString *out, const char *title, JsonArray *rows);

#endif
