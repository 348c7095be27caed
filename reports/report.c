/* report.c — the case-history report: tallies over case documents, and
 * their Markdown / HTML rendering. */
#include "reports/report-private.h"
#include "reports/summary.h"
#include "reports/output.h"
#include "reports/privacy.h"
#include "reports/timezone.h"
#include "ingest/message.h"
#include <math.h>
#include <string.h>

/* How many error codes and commands the report lists. */
#define TOP_N 15
#define NO_CAUSE CK_REPORT_NO_CAUSE
#define UNKNOWN CK_REPORT_UNKNOWN

/* Durations of one cause's cases, in seconds. */
typedef struct {
    GArray *response, *close;   /* gint64 */
} Timing;

/* Everything counted over the selected cases. */
typedef struct {
    GHashTable *by_cause, *by_vendor, *by_customer, *by_status, *per_month, *error_codes, *commands;
    GHashTable *cause_titles;   /* cause id -> title (borrowed from the documents) */
    GHashTable *timing;         /* cause id -> Timing */
    GPtrArray *selected;        /* JsonObject * of the selected cases (borrowed) */
    const CkCustomers *customers;   /* alias table for by_customer, or NULL */
} Tally;

/* Free a Timing (hash table value destructor). */
static void timing_free(gpointer data)
{
    Timing *t = data;
    g_array_unref(t->response);
    g_array_unref(t->close);
    g_free(t);
}

/* A new count table: owned string keys, counts as pointers. */
static GHashTable *count_table_new(void)
{
    return g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
}

/* Set up an empty tally; release it with tally_clear(). */
static void tally_init(Tally *t)
{
    GHashTable **tables[] = { &t->by_cause, &t->by_vendor, &t->by_customer, &t->by_status, &t->per_month,
                              &t->error_codes, &t->commands };
    for (guint i = 0; i < G_N_ELEMENTS(tables); i++)
        *tables[i] = count_table_new();
    t->cause_titles = g_hash_table_new(g_str_hash, g_str_equal);
    t->timing = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, timing_free);
    t->selected = g_ptr_array_new();
}

/* Free what tally_init() set up. */
static void tally_clear(Tally *t)
{
    GHashTable *tables[] = { t->by_cause, t->by_vendor, t->by_customer, t->by_status, t->per_month,
                             t->error_codes, t->commands, t->cause_titles, t->timing };
    for (guint i = 0; i < G_N_ELEMENTS(tables); i++)
        g_hash_table_unref(tables[i]);
    g_ptr_array_unref(t->selected);
}

/* Count one more under KEY ("" counts as UNKNOWN). */
static void count(GHashTable *table, const char *key)
{
    const char *k = key && *key ? key : UNKNOWN;
    guint n = GPOINTER_TO_UINT(g_hash_table_lookup(table, k));
    g_hash_table_replace(table, g_strdup(k), GUINT_TO_POINTER(n + 1));
}

/* Count each distinct string of an entity list once. */
static void count_entities(GHashTable *table, JsonObject *doc, const char *kind)
{
    JsonArray *values = ck_json_get_array(ck_json_get_object(doc, "entities"), kind);
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; values && i < json_array_get_length(values); i++) {
        const char *v = json_array_get_string_element(values, i);
        if (v && *v && g_hash_table_add(seen, (gpointer)v))
            count(table, v);
    }
    g_hash_table_unref(seen);
}

/* Record a case's durations under cause ID. */
static void add_timing(Tally *t, const char *id, JsonObject *doc)
{
    Timing *timing = g_hash_table_lookup(t->timing, id);
    if (!timing) {
        timing = g_new0(Timing, 1);
        timing->response = g_array_new(FALSE, FALSE, sizeof(gint64));
        timing->close = g_array_new(FALSE, FALSE, sizeof(gint64));
        g_hash_table_insert(t->timing, g_strdup(id), timing);
    }
    gint64 seconds;
    if (ck_case_first_response(doc, &seconds))
        g_array_append_val(timing->response, seconds);
    if (ck_case_time_to_close(doc, &seconds))
        g_array_append_val(timing->close, seconds);
}

/* Count one selected case under its causes, vendor, customer, status,
 * month, error codes and commands. */
static void tally_case(Tally *t, JsonObject *doc)
{
    g_ptr_array_add(t->selected, doc);
    JsonArray *causes = ck_json_get_array(doc, "causes");
    guint n = causes ? json_array_get_length(causes) : 0;
    for (guint i = 0; i < n; i++) {
        JsonObject *cause = json_array_get_object_element(causes, i);
        const char *id = ck_json_str(cause, "id");
        count(t->by_cause, id);
        g_hash_table_insert(t->cause_titles, (gpointer)id, (gpointer)ck_json_str(cause, "title"));
        add_timing(t, id, doc);
    }
    if (n == 0) {
        count(t->by_cause, NO_CAUSE);
        add_timing(t, NO_CAUSE, doc);
    }
    count(t->by_vendor, ck_json_str(doc, "vendor"));
    count(t->by_customer, ck_customers_canonical(t->customers, ck_json_str(doc, "customer")));
    count(t->by_status, ck_json_str(doc, "status"));
    char month[8] = "";
    g_strlcpy(month, ck_json_str(doc, "opened"), sizeof month);
    count(t->per_month, month);
    count_entities(t->error_codes, doc, "error_codes");
    count_entities(t->commands, doc, "commands");
}

/* TRUE when RANGE selects a case opened at ISO. */
static gboolean in_range(const CkReportRange *range, const char *iso)
{
    gint64 opened;
    if (!range->has_since && !range->has_until)
        return TRUE;
    if (!ck_iso_to_unix(iso, &opened))
        return FALSE;
    return (!range->has_since || opened >= range->since) && (!range->has_until || opened <= range->until);
}

/* ---- from tallies to JSON ---- */

/* Compare two keys of a count table: larger count first, then by name. */
static gint by_count_then_name(gconstpointer a, gconstpointer b, gpointer table)
{
    const char *ka = *(const char *const *)a, *kb = *(const char *const *)b;
    guint na = GPOINTER_TO_UINT(g_hash_table_lookup(table, ka));
    guint nb = GPOINTER_TO_UINT(g_hash_table_lookup(table, kb));
    return na != nb ? (na > nb ? -1 : 1) : strcmp(ka, kb);
}

/* The keys of TABLE, most counted first.  Caller unrefs (keys borrowed). */
static GPtrArray *sorted_keys(GHashTable *table)
{
    GPtrArray *keys = g_ptr_array_new();
    GHashTableIter iter;
    gpointer key;
    g_hash_table_iter_init(&iter, table);
    while (g_hash_table_iter_next(&iter, &key, NULL))
        g_ptr_array_add(keys, key);
    g_ptr_array_sort_with_data(keys, by_count_then_name, table);
    return keys;
}

/* Add MEMBER: [{key, cases}] (plus title from TITLES when given), most
 * counted first, at most LIMIT rows (0: all). */
static void add_counts(JsonBuilder *b, const char *member, GHashTable *table, GHashTable *titles, guint limit)
{
    GPtrArray *keys = sorted_keys(table);
    json_builder_set_member_name(b, member);
    json_builder_begin_array(b);
    for (guint i = 0; i < keys->len && (!limit || i < limit); i++) {
        const char *key = g_ptr_array_index(keys, i);
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "key");
        json_builder_add_string_value(b, key);
        if (titles) {
            const char *title = g_hash_table_lookup(titles, key);
            json_builder_set_member_name(b, "title");
            json_builder_add_string_value(b, title ? title : "");
        }
        json_builder_set_member_name(b, "cases");
        json_builder_add_int_value(b, GPOINTER_TO_UINT(g_hash_table_lookup(table, key)));
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    g_ptr_array_unref(keys);
}

/* See report.h. */
double ck_percentile(const gint64 *sorted, guint n, double p)
{
    double rank = p * (n - 1);
    guint lo = (guint)floor(rank), hi = (guint)ceil(rank);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

/* Compare two gint64 for sorting. */
static gint compare_int64(gconstpointer a, gconstpointer b)
{
    gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;
    return x < y ? -1 : x > y;
}

/* See report-private.h. */
void ck_report_add_stats(JsonBuilder *b, const char *member, GArray *values)
{
    g_array_sort(values, compare_int64);
    guint n = values->len;
    json_builder_set_member_name(b, member);
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "count");
    json_builder_add_int_value(b, n);
    const char *names[][2] = { { "median_seconds", "median" }, { "p90_seconds", "p90" } };
    const double ps[] = { 0.5, 0.9 };
    for (guint i = 0; i < G_N_ELEMENTS(ps); i++) {
        gint64 v = n ? (gint64)llround(ck_percentile((const gint64 *)(void *)values->data, n, ps[i])) : 0;
        json_builder_set_member_name(b, names[i][0]);
        if (n)
            json_builder_add_int_value(b, v);
        else
            json_builder_add_null_value(b);
        char *text = n ? ck_duration_text(v) : g_strdup("");
        json_builder_set_member_name(b, names[i][1]);
        json_builder_add_string_value(b, text);
        g_free(text);
    }
    json_builder_end_object(b);
}

/* Add timing_by_cause: per cause (in by_cause order) its case count and
 * the statistics of time to first response and to close. */
static void add_timing_by_cause(JsonBuilder *b, Tally *t)
{
    GPtrArray *keys = sorted_keys(t->by_cause);
    json_builder_set_member_name(b, "timing_by_cause");
    json_builder_begin_array(b);
    for (guint i = 0; i < keys->len; i++) {
        const char *id = g_ptr_array_index(keys, i);
        Timing *timing = g_hash_table_lookup(t->timing, id);
        const char *title = g_hash_table_lookup(t->cause_titles, id);
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "cause");
        json_builder_add_string_value(b, id);
        json_builder_set_member_name(b, "title");
        json_builder_add_string_value(b, title ? title : "");
        json_builder_set_member_name(b, "cases");
        json_builder_add_int_value(b, GPOINTER_TO_UINT(g_hash_table_lookup(t->by_cause, id)));
        ck_report_add_stats(b, "first_response", timing->response);
        ck_report_add_stats(b, "time_to_close", timing->close);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    g_ptr_array_unref(keys);
}

/* Add per_month: every month from the first to the last case (months
 * without cases count 0), as [{month, cases}]. */
static void add_per_month(JsonBuilder *b, GHashTable *per_month)
{
    int first = 0, last = 0;   /* year * 12 + month - 1 */
    GHashTableIter iter;
    gpointer key;
    g_hash_table_iter_init(&iter, per_month);
    while (g_hash_table_iter_next(&iter, &key, NULL)) {
        int year, month;
        if (sscanf(key, "%4d-%2d", &year, &month) != 2 || month < 1 || month > 12)
            continue;
        int m = year * 12 + month - 1;
        first = first && first < m ? first : m;
        last = MAX(last, m);
    }
    json_builder_set_member_name(b, "per_month");
    json_builder_begin_array(b);
    for (int m = first; first && m <= last; m++) {
        char label[16];
        g_snprintf(label, sizeof label, "%04d-%02d", m / 12, m % 12 + 1);
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "month");
        json_builder_add_string_value(b, label);
        json_builder_set_member_name(b, "cases");
        json_builder_add_int_value(b, GPOINTER_TO_UINT(g_hash_table_lookup(per_month, label)));
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
}

/* Add NAME: VALUE. */
static void add_string(JsonBuilder *b, const char *name, const char *value)
{
    json_builder_set_member_name(b, name);
    json_builder_add_string_value(b, value ? value : "");
}

/* Add one case row: case_id, title, status, vendor, customer, opened,
 * closed, causes (ids), first_response and time_to_close; with AGE_AT
 * non-zero also age ({seconds, text}) at that time. */
static void add_case_row(JsonBuilder *b, JsonObject *doc, gint64 age_at)
{
    json_builder_begin_object(b);
    const char *const fields[] = { "case_id", "title", "status", "vendor", "customer", "opened", "closed" };
    for (guint i = 0; i < G_N_ELEMENTS(fields); i++)
        add_string(b, fields[i], ck_json_str(doc, fields[i]));
    JsonArray *causes = ck_json_get_array(doc, "causes");
    json_builder_set_member_name(b, "causes");
    json_builder_begin_array(b);
    for (guint i = 0; causes && i < json_array_get_length(causes); i++)
        json_builder_add_string_value(b, ck_json_str(json_array_get_object_element(causes, i), "id"));
    json_builder_end_array(b);
    gint64 seconds = 0;
    gboolean known = ck_case_first_response(doc, &seconds);
    ck_json_add_duration(b, "first_response", known, seconds);
    known = ck_case_time_to_close(doc, &seconds);
    ck_json_add_duration(b, "time_to_close", known, seconds);
    if (age_at) {
        gint64 opened = 0;
        known = ck_iso_to_unix(ck_json_str(doc, "opened"), &opened);
        ck_json_add_duration(b, "age", known, age_at - opened);
    }
    json_builder_end_object(b);
}

/* Compare two case documents by opened date (ISO strings sort by time). */
static gint by_opened(gconstpointer a, gconstpointer b)
{
    JsonObject *x = *(JsonObject *const *)a, *y = *(JsonObject *const *)b;
    return strcmp(ck_json_str(x, "opened"), ck_json_str(y, "opened"));
}

/* Add cases (every selected case, oldest first) and open_by_age (the
 * cases not closed, oldest first, with their age at NOW). */
static void add_case_lists(JsonBuilder *b, GPtrArray *selected, gint64 now)
{
    g_ptr_array_sort(selected, by_opened);
    json_builder_set_member_name(b, "cases");
    json_builder_begin_array(b);
    for (guint i = 0; i < selected->len; i++)
        add_case_row(b, g_ptr_array_index(selected, i), 0);
    json_builder_end_array(b);
    json_builder_set_member_name(b, "open_by_age");
    json_builder_begin_array(b);
    for (guint i = 0; i < selected->len; i++) {
        JsonObject *doc = g_ptr_array_index(selected, i);
        if (strcmp(ck_json_str(doc, "status"), "closed") == 0)
            continue;
        add_case_row(b, doc, now);
    }
    json_builder_end_array(b);
}

/* Add generated, since and until (ISO, "" when unbounded) and total. */
static void add_header(JsonBuilder *b, const CkReportRange *range, guint total)
{
    const struct { const char *name; gboolean set; gint64 when; } dates[] = {
        { "generated", TRUE, range->now }, { "since", range->has_since, range->since },
        { "until", range->has_until, range->until },
    };
    for (guint i = 0; i < G_N_ELEMENTS(dates); i++) {
        char *iso = dates[i].set ? ck_time_iso(dates[i].when) : g_strdup("");
        add_string(b, dates[i].name, iso);
        g_free(iso);
    }
    json_builder_set_member_name(b, "total");
    json_builder_add_int_value(b, total);
}

/* See report.h. */
JsonNode *ck_report_build(JsonArray *docs, const CkReportRange *range)
{
    Tally t;
    tally_init(&t);
    t.customers = range->customers;
    for (guint i = 0; docs && i < json_array_get_length(docs); i++) {
        JsonObject *doc = json_array_get_object_element(docs, i);
        if (doc && in_range(range, ck_json_str(doc, "opened")))
            tally_case(&t, doc);
    }
    JsonBuilder *b = json_builder_new();
    json_builder_begin_object(b);
    add_header(b, range, t.selected->len);
    add_counts(b, "by_cause", t.by_cause, t.cause_titles, 0);
    add_counts(b, "by_vendor", t.by_vendor, NULL, 0);
    add_counts(b, "by_customer", t.by_customer, NULL, 0);
    add_counts(b, "by_status", t.by_status, NULL, 0);
    add_timing_by_cause(b, &t);
    add_per_month(b, t.per_month);
    add_counts(b, "top_error_codes", t.error_codes, NULL, TOP_N);
    add_counts(b, "top_commands", t.commands, NULL, TOP_N);
    ck_report_add_dashboard(b, t.selected);
    add_case_lists(b, t.selected, range->now);
    json_builder_end_object(b);
    JsonNode *report = json_builder_get_root(b);
    g_object_unref(b);
    tally_clear(&t);
    ck_json_mask_product_keys(report);
    return report;
}

/* See report.h. */
gboolean ck_report_parse_date(const char *text, gboolean end_of_range, gint64 *unix_time, GError **error)
{
    int year = 0, month = 0, day = 0;
    char tail = 0;
    gsize length = text ? strlen(text) : 0;
    GDateTime *dt = NULL;
    if (length == 7 && sscanf(text, "%4d-%2d%c", &year, &month, &tail) == 2 && month >= 1 && month <= 12) {
        GDateTime *start = g_date_time_new_utc(year, month, 1, 0, 0, 0);
        dt = start && end_of_range ? g_date_time_add_months(start, 1) : (start ? g_date_time_ref(start) : NULL);
        g_clear_pointer(&start, g_date_time_unref);
    } else if (length == 10 && sscanf(text, "%4d-%2d-%2d%c", &year, &month, &day, &tail) == 3) {
        GDateTime *start = g_date_time_new_utc(year, month, day, 0, 0, 0);
        dt = start && end_of_range ? g_date_time_add_days(start, 1) : (start ? g_date_time_ref(start) : NULL);
        g_clear_pointer(&start, g_date_time_unref);
    } else if (length > 10) {
        GTimeZone *utc = g_time_zone_new_utc();
        dt = g_date_time_new_from_iso8601(text, utc);
        g_time_zone_unref(utc);
        end_of_range = FALSE;
    }
    if (!dt) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "'%s' is not a date (use YYYY-MM, YYYY-MM-DD or an ISO 8601 date-time)", text ? text : "");
        return FALSE;
    }
    *unix_time = g_date_time_to_unix(dt) - (end_of_range ? 1 : 0);
    g_date_time_unref(dt);
    return TRUE;
}

/* ---- rendering ---- */

/* Chart ROWS ({key, title?, cases}) titled TITLE: labels are the titles
 * where there are some (causes), else the keys. */
static void count_chart(CkPage *page, const char *title, JsonArray *rows, gboolean columns)
{
    guint n = rows ? json_array_get_length(rows) : 0;
    CkChartBar *bars = g_new0(CkChartBar, MAX(n, 1));
    for (guint i = 0; i < n; i++) {
        JsonObject *row = json_array_get_object_element(rows, i);
        const char *label = ck_json_str(row, "title");
        bars[i].label = *label ? label : json_object_has_member(row, "month") ? ck_json_str(row, "month")
                                                                               : ck_json_str(row, "key");
        bars[i].value = (double)ck_json_int(row, "cases");
    }
    page->ops->chart(page, columns, title, bars, n);
    g_free(bars);
}

/* Open cases by age as a chart of ages in days. */
static void age_chart(CkPage *page, JsonArray *rows)
{
    guint n = rows ? json_array_get_length(rows) : 0;
    CkChartBar *bars = g_new0(CkChartBar, MAX(n, 1));
    for (guint i = 0; i < n; i++) {
        JsonObject *row = json_array_get_object_element(rows, i);
        JsonObject *age = ck_json_get_object(row, "age");
        bars[i].label = ck_json_str(row, "case_id");
        bars[i].value = (double)ck_json_int(age, "seconds") / 86400.0;
        bars[i].value_text = ck_json_str(age, "text");
    }
    page->ops->chart(page, FALSE, "Open cases by age 未结案例（按时长）", bars, n);
    g_free(bars);
}

/* The opening note: how many cases, which dates, when generated. */
static void write_intro(CkPage *page, JsonObject *r)
{
    char *since = ck_time_display(ck_json_str(r, "since"), FALSE);
    char *until = ck_time_display(ck_json_str(r, "until"), FALSE);
    char *generated = ck_time_display(ck_json_str(r, "generated"), FALSE);
    char *note = g_strdup_printf("%" G_GINT64_FORMAT " cases opened %s%s%s%s; generated %s. "
                                 "A case with several causes counts under each.",
                                 ck_json_int(r, "total"), *since ? "from " : "", since, *until ? " until " : "",
                                 *since || *until ? until : "at any date", generated);
    ck_page_paragraph(page, CK_BLOCK_NOTE, note);
    g_free(note);
    g_free(generated);
    g_free(until);
    g_free(since);
}

/* The count charts: cause, vendor, customer, status, month, codes, commands. */
static void write_count_charts(CkPage *page, JsonObject *r)
{
    ck_page_heading(page, 2, "Cases 案例分布");
    page->ops->block_begin(page, CK_BLOCK_GROUP);
    count_chart(page, "By cause 按原因", ck_json_get_array(r, "by_cause"), FALSE);
    count_chart(page, "By vendor 按厂商", ck_json_get_array(r, "by_vendor"), FALSE);
    count_chart(page, "By customer 按客户", ck_json_get_array(r, "by_customer"), FALSE);
    count_chart(page, "By status 按状态", ck_json_get_array(r, "by_status"), FALSE);
    page->ops->block_end(page, CK_BLOCK_GROUP);
    count_chart(page, "Cases per month 每月案例数", ck_json_get_array(r, "per_month"), TRUE);
    page->ops->block_begin(page, CK_BLOCK_GROUP);
    count_chart(page, "Top error codes 常见错误代码", ck_json_get_array(r, "top_error_codes"), FALSE);
    count_chart(page, "Top commands 常用命令", ck_json_get_array(r, "top_commands"), FALSE);
    page->ops->block_end(page, CK_BLOCK_GROUP);
}

/* See report-private.h. */
void ck_report_stats_cells(CkPage *page, JsonObject *stats)
{
    char *n = g_strdup_printf("%" G_GINT64_FORMAT, ck_json_int(stats, "count"));
    ck_page_cell(page, CK_BLOCK_NUM_CELL, n, NULL);
    ck_page_cell(page, CK_BLOCK_NUM_CELL, ck_json_str(stats, "median"), NULL);
    ck_page_cell(page, CK_BLOCK_NUM_CELL, ck_json_str(stats, "p90"), NULL);
    g_free(n);
}

/* The timing table: per cause, first response and close statistics. */
static void write_timing(CkPage *page, JsonObject *r)
{
    JsonArray *rows = ck_json_get_array(r, "timing_by_cause");
    ck_page_heading(page, 2, "Response and close times by cause 各原因的响应与结案时间");
    ck_page_table_begin(page, (const char *const[]){ "Cause", "Cases", "Responses", "Median response",
                                                     "p90 response", "Closed", "Median to close",
                                                     "p90 to close", NULL });
    for (guint i = 0; rows && i < json_array_get_length(rows); i++) {
        JsonObject *row = json_array_get_object_element(rows, i);
        const char *title = ck_json_str(row, "title");
        char *label = *title ? g_strdup_printf("%s (%s)", title, ck_json_str(row, "cause"))
                             : g_strdup(ck_json_str(row, "cause"));
        char *cases = g_strdup_printf("%" G_GINT64_FORMAT, ck_json_int(row, "cases"));
        page->ops->block_begin(page, CK_BLOCK_ROW);
        ck_page_cell(page, CK_BLOCK_CELL, label, NULL);
        ck_page_cell(page, CK_BLOCK_NUM_CELL, cases, NULL);
        ck_report_stats_cells(page, ck_json_get_object(row, "first_response"));
        ck_report_stats_cells(page, ck_json_get_object(row, "time_to_close"));
        page->ops->block_end(page, CK_BLOCK_ROW);
        g_free(cases);
        g_free(label);
    }
    page->ops->block_end(page, CK_BLOCK_TABLE);
}

/* A table of case rows with the given duration column (age, or first
 * response and time to close). */
static void case_table(CkPage *page, JsonArray *rows, gboolean with_age)
{
    const char *const with_times[] = { "Case", "Opened", "Status", "Vendor", "Customer", "Causes",
                                       "First response", "To close", "Title", NULL };
    const char *const with_ages[] = { "Case", "Opened", "Age", "Vendor", "Customer", "Causes", "Title", NULL };
    ck_page_table_begin(page, with_age ? with_ages : with_times);
    for (guint i = 0; rows && i < json_array_get_length(rows); i++) {
        JsonObject *row = json_array_get_object_element(rows, i);
        JsonArray *causes = ck_json_get_array(row, "causes");
        GString *ids = g_string_new(NULL);
        for (guint k = 0; causes && k < json_array_get_length(causes); k++)
            g_string_append_printf(ids, "%s%s", k ? ", " : "", json_array_get_string_element(causes, k));
        page->ops->block_begin(page, CK_BLOCK_ROW);
        ck_page_cell(page, CK_BLOCK_CELL, ck_json_str(row, "case_id"), NULL);
        char *opened = ck_time_display(ck_json_str(row, "opened"), FALSE);
        ck_page_cell(page, CK_BLOCK_CELL, opened, NULL);
        g_free(opened);
        if (with_age)
            ck_page_cell(page, CK_BLOCK_NUM_CELL, ck_json_str(ck_json_get_object(row, "age"), "text"), NULL);
        else
            ck_page_cell(page, CK_BLOCK_CELL, ck_json_str(row, "status"), NULL);
        ck_page_cell(page, CK_BLOCK_CELL, ck_json_str(row, "vendor"), NULL);
        ck_page_cell(page, CK_BLOCK_CELL, ck_json_str(row, "customer"), NULL);
        ck_page_cell(page, CK_BLOCK_CELL, ids->str, NULL);
        if (!with_age) {
            ck_page_cell(page, CK_BLOCK_NUM_CELL, ck_json_str(ck_json_get_object(row, "first_response"), "text"), NULL);
            ck_page_cell(page, CK_BLOCK_NUM_CELL, ck_json_str(ck_json_get_object(row, "time_to_close"), "text"), NULL);
        }
        ck_page_cell(page, CK_BLOCK_CELL, ck_json_str(row, "title"), NULL);
        page->ops->block_end(page, CK_BLOCK_ROW);
        g_string_free(ids, TRUE);
    }
    page->ops->block_end(page, CK_BLOCK_TABLE);
}

/* See report.h. */
GString *ck_report_render(JsonNode *report, const char *format)
{
    if (g_strcmp0(format, "json") == 0)
        return ck_json_text(report);
    JsonObject *r = json_node_get_object(report);
    GString *out = g_string_new(NULL);
    CkPage page;
    ck_page_init(&page, format, out);
    page.ops->begin(&page, "Case-history report 案例历史报告");
    write_intro(&page, r);
    write_count_charts(&page, r);
    write_timing(&page, r);
    ck_report_write_dashboard(&page, r);
    ck_page_heading(&page, 2, "Open cases 未结案例");
    age_chart(&page, ck_json_get_array(r, "open_by_age"));
    case_table(&page, ck_json_get_array(r, "open_by_age"), TRUE);
    ck_page_heading(&page, 2, "All cases 全部案例");
    case_table(&page, ck_json_get_array(r, "cases"), FALSE);
    page.ops->end(&page);
    return out;
}
