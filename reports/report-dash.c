/* report-dash.c — the dashboard sections of the case-history report:
 * per-engineer load, response and close times by severity, the cause trend
 * by month, and cases opened / closed / still open by month.  Months are
 * counted as year * 12 + month - 1 over one span (see month_span()), and
 * every series lists each month of it, with 0 where nothing happened. */
#include "reports/report-private.h"
#include "reports/output.h"

#include <string.h>

/* Severities most urgent first; others follow by count. */
static const char *const SEVERITY_ORDER[] = { "紧急事件", "重要事件", "普通事件" };

/* The months the selected cases cover; empty when first > last. */
typedef struct {
    int first, last;
} Span;

/* The month of ISO ("2021-03-…") into *month.  FALSE when it has none. */
static gboolean iso_month(const char *iso, int *month)
{
    int year = 0, mon = 0;
    if (!iso || sscanf(iso, "%4d-%2d", &year, &mon) != 2 || year < 1970 || mon < 1 || mon > 12)
        return FALSE;
    *month = year * 12 + mon - 1;
    return TRUE;
}

/* Months in SPAN (0 when empty). */
static int span_length(Span span)
{
    return span.first <= span.last ? span.last - span.first + 1 : 0;
}

/* Widen SPAN to the month of ISO, if it has one. */
static void span_add(Span *span, const char *iso)
{
    int m;
    if (iso_month(iso, &m)) {
        span->first = MIN(span->first, m);
        span->last = MAX(span->last, m);
    }
}

/* From the first to the last month of any date (opened, closed, message)
 * of the SELECTED cases. */
static Span month_span(GPtrArray *selected)
{
    Span span = { G_MAXINT, G_MININT };
    for (guint i = 0; i < selected->len; i++) {
        JsonObject *doc = selected->pdata[i];
        span_add(&span, ck_json_str(doc, "opened"));
        span_add(&span, ck_json_str(doc, "closed"));
        JsonArray *messages = ck_json_get_array(doc, "messages");
        for (guint k = 0; messages && k < json_array_get_length(messages); k++)
            span_add(&span, ck_json_str(json_array_get_object_element(messages, k), "date"));
    }
    return span;
}

/* Add NAME: VALUE (an integer). */
static void add_int(JsonBuilder *b, const char *name, gint64 value)
{
    json_builder_set_member_name(b, name);
    json_builder_add_int_value(b, value);
}

/* Add NAME: VALUE (a string). */
static void add_str(JsonBuilder *b, const char *name, const char *value)
{
    json_builder_set_member_name(b, name);
    json_builder_add_string_value(b, value ? value : "");
}

/* Add "month": "YYYY-MM" for month M. */
static void add_month(JsonBuilder *b, int m)
{
    char label[16];
    g_snprintf(label, sizeof label, "%04d-%02d", m / 12, m % 12 + 1);
    add_str(b, "month", label);
}

/* Add "months": [{month, cases}] for every month of SPAN from COUNTS. */
static void add_month_series(JsonBuilder *b, Span span, const gint64 *counts)
{
    json_builder_set_member_name(b, "months");
    json_builder_begin_array(b);
    for (int i = 0; i < span_length(span); i++) {
        json_builder_begin_object(b);
        add_month(b, span.first + i);
        add_int(b, "cases", counts[i]);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
}

/* A closed case's closing month into *month (not before its opening
 * month O).  FALSE when the case is open or its closing date unknown. */
static gboolean closed_month(JsonObject *doc, int o, int *month)
{
    if (strcmp(ck_json_str(doc, "status"), "closed") != 0 || !iso_month(ck_json_str(doc, "closed"), month))
        return FALSE;
    *month = MAX(*month, o);
    return TRUE;
}

/* Add open_closed_by_month: per month of SPAN, the cases opened, the cases
 * closed, and the cases opened by its end and not closed by then. */
static void add_open_closed(JsonBuilder *b, GPtrArray *selected, Span span)
{
    int n = span_length(span);
    gint64 *opened = g_new0(gint64, MAX(n, 1)), *closed = g_new0(gint64, MAX(n, 1));
    for (guint i = 0; i < selected->len; i++) {
        JsonObject *doc = selected->pdata[i];
        int o, c;
        if (!iso_month(ck_json_str(doc, "opened"), &o))
            continue;
        opened[o - span.first]++;
        if (closed_month(doc, o, &c))
            closed[c - span.first]++;
    }
    json_builder_set_member_name(b, "open_closed_by_month");
    json_builder_begin_array(b);
    gint64 open = 0;
    for (int i = 0; i < n; i++) {
        open += opened[i] - closed[i];
        json_builder_begin_object(b);
        add_month(b, span.first + i);
        add_int(b, "opened", opened[i]);
        add_int(b, "closed", closed[i]);
        add_int(b, "open_at_end", open);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    g_free(opened);
    g_free(closed);
}

/* One row of a grouped series: a label, its total, counts per month. */
typedef struct {
    char *key;          /* cause id / engineer key */
    char *label;        /* cause title / engineer name */
    char *extra;        /* engineer address, or NULL */
    gint64 total;       /* cases */
    gint64 open;        /* engineers: open cases they answered last */
    gint64 *months;     /* per month of the span */
    GArray *response, *close;   /* severities: gint64 seconds */
} Series;

/* Free a Series (hash table value destructor). */
static void series_free(gpointer data)
{
    Series *s = data;
    g_free(s->key);
    g_free(s->label);
    g_free(s->extra);
    g_free(s->months);
    if (s->response)
        g_array_unref(s->response);
    if (s->close)
        g_array_unref(s->close);
    g_free(s);
}

/* The Series of KEY in TABLE, made (label LABEL, months for SPAN) when new. */
static Series *series_get(GHashTable *table, const char *key, const char *label, Span span)
{
    Series *s = g_hash_table_lookup(table, key);
    if (s)
        return s;
    s = g_new0(Series, 1);
    s->key = g_strdup(key);
    s->label = g_strdup(label ? label : "");
    s->months = g_new0(gint64, MAX(span_length(span), 1));
    s->response = g_array_new(FALSE, FALSE, sizeof(gint64));
    s->close = g_array_new(FALSE, FALSE, sizeof(gint64));
    g_hash_table_insert(table, s->key, s);
    return s;
}

/* Rank of severity KEY in SEVERITY_ORDER (later: unknown severities). */
static guint severity_rank(const char *key)
{
    for (guint i = 0; i < G_N_ELEMENTS(SEVERITY_ORDER); i++)
        if (strcmp(SEVERITY_ORDER[i], key) == 0)
            return i;
    return G_N_ELEMENTS(SEVERITY_ORDER);
}

/* Order series: known severities first (for severities), then more open,
 * then more cases, then by key. */
static gint series_order(gconstpointer a, gconstpointer b)
{
    const Series *x = *(Series *const *)a, *y = *(Series *const *)b;
    guint rx = severity_rank(x->key), ry = severity_rank(y->key);
    if (rx != ry)
        return rx < ry ? -1 : 1;
    if (x->open != y->open)
        return x->open > y->open ? -1 : 1;
    if (x->total != y->total)
        return x->total > y->total ? -1 : 1;
    return strcmp(x->key, y->key);
}

/* The series of TABLE in series_order().  Caller unrefs (values borrowed). */
static GPtrArray *sorted_series(GHashTable *table)
{
    GPtrArray *rows = g_ptr_array_new();
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, table);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        g_ptr_array_add(rows, value);
    g_ptr_array_sort(rows, series_order);
    return rows;
}

/* A new table of Series keyed by their key. */
static GHashTable *series_table_new(void)
{
    return g_hash_table_new_full(g_str_hash, g_str_equal, NULL, series_free);
}

/* Writes one row's members (inside its object). */
typedef void (*SeriesFields)(JsonBuilder *b, const Series *s, Span span);

/* Add MEMBER: the rows of TABLE in series_order(), each an object of
 * FIELDS; frees TABLE. */
static void add_series_array(JsonBuilder *b, const char *member, GHashTable *table, SeriesFields fields, Span span)
{
    GPtrArray *rows = sorted_series(table);
    json_builder_set_member_name(b, member);
    json_builder_begin_array(b);
    for (guint i = 0; i < rows->len; i++) {
        json_builder_begin_object(b);
        fields(b, rows->pdata[i], span);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    g_ptr_array_unref(rows);
    g_hash_table_unref(table);
}

/* A cause_trend row: cause, title, cases, months. */
static void cause_fields(JsonBuilder *b, const Series *s, Span span)
{
    add_str(b, "cause", s->key);
    add_str(b, "title", s->label);
    add_int(b, "cases", s->total);
    add_month_series(b, span, s->months);
}

/* A times_by_severity row: severity, cases, first_response, time_to_close. */
static void severity_fields(JsonBuilder *b, const Series *s, Span span)
{
    add_str(b, "severity", s->key);
    add_int(b, "cases", s->total);
    ck_report_add_stats(b, "first_response", s->response);
    ck_report_add_stats(b, "time_to_close", s->close);
}

/* An engineer_load row: engineer, address, open_cases, cases, months. */
static void engineer_fields(JsonBuilder *b, const Series *s, Span span)
{
    add_str(b, "engineer", s->label);
    add_str(b, "address", s->extra);
    add_int(b, "open_cases", s->open);
    add_int(b, "cases", s->total);
    add_month_series(b, span, s->months);
}

/* Add cause_trend: per cause (most cases first) its id, title, case count
 * and cases per month opened; a case without a cause counts as "(none)". */
static void add_cause_trend(JsonBuilder *b, GPtrArray *selected, Span span)
{
    GHashTable *table = series_table_new();
    for (guint i = 0; i < selected->len; i++) {
        JsonObject *doc = selected->pdata[i];
        int o;
        if (!iso_month(ck_json_str(doc, "opened"), &o))
            continue;
        JsonArray *causes = ck_json_get_array(doc, "causes");
        guint n = causes ? json_array_get_length(causes) : 0;
        for (guint k = 0; k < MAX(n, 1); k++) {
            JsonObject *cause = k < n ? json_array_get_object_element(causes, k) : NULL;
            Series *s = series_get(table, cause ? ck_json_str(cause, "id") : CK_REPORT_NO_CAUSE,
                                   cause ? ck_json_str(cause, "title") : "", span);
            s->total++;
            s->months[o - span.first]++;
        }
    }
    add_series_array(b, "cause_trend", table, cause_fields, span);
}

/* Add times_by_severity: per severity (紧急, 重要, 普通 first) its case
 * count and the statistics of time to first response and to close. */
static void add_times_by_severity(JsonBuilder *b, GPtrArray *selected, Span span)
{
    GHashTable *table = series_table_new();
    for (guint i = 0; i < selected->len; i++) {
        JsonObject *doc = selected->pdata[i];
        const char *severity = ck_json_str(doc, "severity");
        Series *s = series_get(table, *severity ? severity : CK_REPORT_UNKNOWN, NULL, span);
        gint64 seconds;
        s->total++;
        if (ck_case_first_response(doc, &seconds))
            g_array_append_val(s->response, seconds);
        if (ck_case_time_to_close(doc, &seconds))
            g_array_append_val(s->close, seconds);
    }
    add_series_array(b, "times_by_severity", table, severity_fields, span);
}

/* The engineer key of support message M ("" when it names nobody): its
 * address in lower case, else its sender name.  Caller frees. */
static char *engineer_key(JsonObject *m)
{
    const char *addr = ck_json_str(m, "from_addr");
    return *addr ? g_ascii_strdown(addr, -1) : g_strdup(ck_json_str(m, "from"));
}

/* Count case DOC into the engineer TABLE: each support sender's case and
 * the months they wrote in it (once per case and month), and, when the
 * case is open, one open case for the sender of its last support message. */
static void tally_engineers(GHashTable *table, JsonObject *doc, Span span)
{
    JsonArray *messages = ck_json_get_array(doc, "messages");
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    Series *last = NULL;
    for (guint i = 0; messages && i < json_array_get_length(messages); i++) {
        JsonObject *m = json_array_get_object_element(messages, i);
        char *key = engineer_key(m);
        int month;
        if (strcmp(ck_json_str(m, "side"), "support") != 0 || !*key || !iso_month(ck_json_str(m, "date"), &month)) {
            g_free(key);
            continue;
        }
        const char *name = ck_json_str(m, "from");
        last = series_get(table, key, *name ? name : ck_json_str(m, "from_addr"), span);
        if (!last->extra)
            last->extra = g_strdup(ck_json_str(m, "from_addr"));
        char *case_mark = g_strdup_printf("%s\t", key), *month_mark = g_strdup_printf("%s\t%d", key, month);
        if (g_hash_table_add(seen, case_mark))
            last->total++;
        if (g_hash_table_add(seen, month_mark))
            last->months[month - span.first]++;
        g_free(key);
    }
    if (last && strcmp(ck_json_str(doc, "status"), "closed") != 0)
        last->open++;
    g_hash_table_unref(seen);
}

/* Add engineer_load: per support sender (most open cases first) name,
 * address, open cases they answered last, cases touched, and cases
 * touched per month. */
static void add_engineer_load(JsonBuilder *b, GPtrArray *selected, Span span)
{
    GHashTable *table = series_table_new();
    for (guint i = 0; i < selected->len; i++)
        tally_engineers(table, selected->pdata[i], span);
    add_series_array(b, "engineer_load", table, engineer_fields, span);
}

/* See report-private.h. */
void ck_report_add_dashboard(JsonBuilder *b, GPtrArray *selected)
{
    Span span = month_span(selected);
    add_engineer_load(b, selected, span);
    add_times_by_severity(b, selected, span);
    add_cause_trend(b, selected, span);
    add_open_closed(b, selected, span);
}

/* ---- rendering ---- */

/* Text of integer member NAME of ROW.  Caller frees. */
static char *int_text(JsonObject *row, const char *name)
{
    return g_strdup_printf("%" G_GINT64_FORMAT, ck_json_int(row, name));
}

/* Cells of ROW's integer members NAMES (NULL-terminated), right-aligned. */
static void int_cells(CkPage *page, JsonObject *row, const char *const *names)
{
    for (; *names; names++) {
        char *text = int_text(row, *names);
        ck_page_cell(page, CK_BLOCK_NUM_CELL, text, NULL);
        g_free(text);
    }
}

/* A chart TITLED of ROWS: each row's string LABEL against its integer
 * VALUE; COLUMNS as in CkPageOps.chart. */
static void rows_chart(CkPage *page, gboolean columns, const char *title, JsonArray *rows, const char *label,
                       const char *value)
{
    guint n = rows ? json_array_get_length(rows) : 0;
    CkChartBar *bars = g_new0(CkChartBar, MAX(n, 1));
    for (guint i = 0; i < n; i++) {
        JsonObject *row = json_array_get_object_element(rows, i);
        bars[i].label = ck_json_str(row, label);
        bars[i].value = (double)ck_json_int(row, value);
    }
    page->ops->chart(page, columns, title, bars, n);
    g_free(bars);
}

/* Engineer load: a chart of open cases and a table. */
static void write_engineers(CkPage *page, JsonArray *rows)
{
    guint n = rows ? json_array_get_length(rows) : 0;
    ck_page_heading(page, 2, "Engineer load 工程师负载");
    rows_chart(page, FALSE, "Open cases each engineer answered last 未结案例（最后回复人）", rows, "engineer",
               "open_cases");
    ck_page_table_begin(page, (const char *const[]){ "Engineer", "Address", "Open cases", "Cases touched", NULL });
    for (guint i = 0; i < n; i++) {
        JsonObject *row = json_array_get_object_element(rows, i);
        page->ops->block_begin(page, CK_BLOCK_ROW);
        ck_page_cell(page, CK_BLOCK_CELL, ck_json_str(row, "engineer"), NULL);
        ck_page_cell(page, CK_BLOCK_CELL, ck_json_str(row, "address"), NULL);
        int_cells(page, row, (const char *const[]){ "open_cases", "cases", NULL });
        page->ops->block_end(page, CK_BLOCK_ROW);
    }
    page->ops->block_end(page, CK_BLOCK_TABLE);
}

/* Response and close times by severity: a table. */
static void write_severities(CkPage *page, JsonArray *rows)
{
    ck_page_heading(page, 2, "Response and close times by severity 各严重度的响应与结案时间");
    ck_page_table_begin(page, (const char *const[]){ "Severity", "Cases", "Responses", "Median response",
                                                     "p90 response", "Closed", "Median to close",
                                                     "p90 to close", NULL });
    for (guint i = 0; rows && i < json_array_get_length(rows); i++) {
        JsonObject *row = json_array_get_object_element(rows, i);
        page->ops->block_begin(page, CK_BLOCK_ROW);
        ck_page_cell(page, CK_BLOCK_CELL, ck_json_str(row, "severity"), NULL);
        int_cells(page, row, (const char *const[]){ "cases", NULL });
        ck_report_stats_cells(page, ck_json_get_object(row, "first_response"));
        ck_report_stats_cells(page, ck_json_get_object(row, "time_to_close"));
        page->ops->block_end(page, CK_BLOCK_ROW);
    }
    page->ops->block_end(page, CK_BLOCK_TABLE);
}

/* Cause trend: one row per month with cases, listing "cause n" pairs. */
static void write_cause_trend(CkPage *page, JsonArray *causes, JsonArray *months)
{
    ck_page_heading(page, 2, "Cause trend by month 每月原因趋势");
    ck_page_table_begin(page, (const char *const[]){ "Month", "Cases by cause", NULL });
    for (guint m = 0; months && m < json_array_get_length(months); m++) {
        GString *cell = g_string_new(NULL);
        for (guint c = 0; causes && c < json_array_get_length(causes); c++) {
            JsonObject *cause = json_array_get_object_element(causes, c);
            JsonArray *series = ck_json_get_array(cause, "months");
            JsonObject *at = series && m < json_array_get_length(series) ? json_array_get_object_element(series, m) : NULL;
            gint64 n = at ? ck_json_int(at, "cases") : 0;
            const char *title = ck_json_str(cause, "title");
            if (n > 0)
                g_string_append_printf(cell, "%s%s %" G_GINT64_FORMAT, cell->len ? "; " : "",
                                       *title ? title : ck_json_str(cause, "cause"), n);
        }
        if (cell->len) {
            page->ops->block_begin(page, CK_BLOCK_ROW);
            ck_page_cell(page, CK_BLOCK_CELL, ck_json_str(json_array_get_object_element(months, m), "month"), NULL);
            ck_page_cell(page, CK_BLOCK_CELL, cell->str, NULL);
            page->ops->block_end(page, CK_BLOCK_ROW);
        }
        g_string_free(cell, TRUE);
    }
    page->ops->block_end(page, CK_BLOCK_TABLE);
}

/* Opened and closed by month: a chart of cases open at month end and a
 * table. */
static void write_open_closed(CkPage *page, JsonArray *rows)
{
    guint n = rows ? json_array_get_length(rows) : 0;
    ck_page_heading(page, 2, "Opened and closed by month 每月新开与结案");
    rows_chart(page, TRUE, "Open at month end 月末未结案例", rows, "month", "open_at_end");
    ck_page_table_begin(page, (const char *const[]){ "Month", "Opened", "Closed", "Open at month end", NULL });
    for (guint i = 0; i < n; i++) {
        JsonObject *row = json_array_get_object_element(rows, i);
        page->ops->block_begin(page, CK_BLOCK_ROW);
        ck_page_cell(page, CK_BLOCK_CELL, ck_json_str(row, "month"), NULL);
        int_cells(page, row, (const char *const[]){ "opened", "closed", "open_at_end", NULL });
        page->ops->block_end(page, CK_BLOCK_ROW);
    }
    page->ops->block_end(page, CK_BLOCK_TABLE);
}

/* See report-private.h. */
void ck_report_write_dashboard(CkPage *page, JsonObject *r)
{
    write_engineers(page, ck_json_get_array(r, "engineer_load"));
    write_severities(page, ck_json_get_array(r, "times_by_severity"));
    write_cause_trend(page, ck_json_get_array(r, "cause_trend"), ck_json_get_array(r, "open_closed_by_month"));
    write_open_closed(page, ck_json_get_array(r, "open_closed_by_month"));
}
