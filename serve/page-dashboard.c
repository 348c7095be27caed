/* page-dashboard.c — the dashboard (page-dashboard.h). */
#include "serve/page-dashboard.h"
#include "serve/page.h"
#include "serve/data.h"
#include "serve/params.h"
#include "serve/charts.h"
#include "reports/html.h"
#include "reports/output.h"
#include <string.h>

#define MAX_BARS 40

/* Where a bar of a {key, cases} section links: PATH?PARAM=PREFIX+key. */
typedef struct {
    const char *member, *path, *param, *prefix;
} BarLink;

static const BarLink BAR_LINKS[] = {
    { "by_status", "/", "status", "" },
    { "by_cause", "/", "cause", "" },
    { "by_vendor", "/", "vendor", "" },
    { "by_customer", "/", "customer", "" },
    { "by_severity", "/", "severity", "" },
    { "top_error_codes", "/search", "q", "code:" },
    { "top_commands", "/search", "q", "cmd:" },
};

/* Titles of the sections the report has today (others show their member
 * name). */
static const char *const TITLES[] = {
    "by_status", "Cases by status 按状态", "by_cause", "Cases by cause 按原因",
    "by_vendor", "Cases by vendor 按厂商", "by_customer", "Cases by customer 按客户",
    "by_severity", "Cases by severity 按严重度", "top_error_codes", "Top error codes 常见错误代码",
    "top_commands", "Top commands 常见命令", "timing_by_cause", "Response and close times by cause 各原因响应与结案时间",
    "per_month", "Cases opened per month 每月新案例", "open_by_age", "Open cases by age 未结案例",
    "open_closed_by_month", "Opened, closed and still open by month 每月开案、结案与未结",
    "cause_trend", "Causes by month 原因月度趋势", "engineer_load", "Engineer load 工程师负载",
    "times_by_severity", "Response and close times by severity 各严重度响应与结案时间", NULL
};

/* Members shown elsewhere (the intro) or not at all (the queue lists the
 * cases). */
static const char *const SKIPPED[] = { "generated", "since", "until", "total", "cases", NULL };

/* The link of a bar of MEMBER for KEY, or NULL.  Caller frees. */
static char *bar_href(const char *member, const char *key)
{
    if (key[0] == '(')   /* "(unknown)": no filter selects it */
        return NULL;
    for (guint i = 0; i < G_N_ELEMENTS(BAR_LINKS); i++) {
        if (strcmp(member, BAR_LINKS[i].member) != 0)
            continue;
        char *value = strcmp(BAR_LINKS[i].prefix, "cmd:") == 0 ? g_strdup_printf("cmd:\"%s\"", key)
                                                                 : g_strconcat(BAR_LINKS[i].prefix, key, NULL);
        char *href = ck_serve_href(BAR_LINKS[i].path, NULL, NULL, BAR_LINKS[i].param, value, NULL);
        g_free(value);
        return href;
    }
    if (g_str_has_prefix(member, "by_") && g_strv_contains(CK_SERVE_FILTER_PARAMS, member + 3))
        return ck_serve_href("/", NULL, NULL, member + 3, key, NULL);
    return NULL;
}

/* TRUE when every element of ARRAY is an object with a string KEY and a
 * number "cases". */
static gboolean is_key_counts(JsonArray *array)
{
    for (guint i = 0; i < json_array_get_length(array); i++) {
        JsonObject *o = ck_serve_object_at(array, i);
        if (!o || !json_object_has_member(o, "key") || !json_object_has_member(o, "cases"))
            return FALSE;
    }
    return json_array_get_length(array) > 0;
}

/* A readable title for section MEMBER. */
static const char *section_title(const char *member)
{
    for (guint i = 0; TITLES[i]; i += 2)
        if (strcmp(member, TITLES[i]) == 0)
            return TITLES[i + 1];
    return member;
}

/* Append section MEMBER of {key, cases} objects as linked bars. */
static void write_key_counts(GString *out, const char *member, JsonArray *rows)
{
    double max = 1;
    guint n = MIN(json_array_get_length(rows), MAX_BARS);
    for (guint i = 0; i < n; i++)
        max = MAX(max, json_object_get_double_member(ck_serve_object_at(rows, i), "cases"));
    g_string_append(out, "<section class=\"bars\">");
    ck_html_element(out, "h3", NULL, section_title(member));
    for (guint i = 0; i < n; i++) {
        JsonObject *o = ck_serve_object_at(rows, i);
        const char *key = ck_json_str(o, "key");
        const char *title = ck_json_str(o, "title");
        char *label = *title ? g_strdup_printf("%s %s", key, title) : g_strdup(key);
        char *href = bar_href(member, key);
        ck_serve_bar(out, label, href, json_object_get_double_member(o, "cases"), max);
        g_free(href);
        g_free(label);
    }
    g_string_append(out, "</section>\n");
}

/* Append section MEMBER (NODE) of the report. */
static void write_section(GString *out, const char *member, JsonNode *node, int depth)
{
    if (JSON_NODE_HOLDS_ARRAY(node)) {
        JsonArray *rows = json_node_get_array(node);
        if (is_key_counts(rows))
            write_key_counts(out, member, rows);
        else if (ck_serve_object_at(rows, 0) && json_object_has_member(ck_serve_object_at(rows, 0), "month"))
            ck_serve_month_chart(out, section_title(member), rows);
        else if (ck_serve_object_at(rows, 0))
            ck_serve_report_table(out, section_title(member), rows);
    } else if (JSON_NODE_HOLDS_OBJECT(node) && depth < 3) {
        JsonObject *o = json_node_get_object(node);
        ck_html_element(out, "h2", NULL, section_title(member));
        GList *members = json_object_get_members(o);
        for (GList *m = members; m; m = m->next)
            write_section(out, m->data, json_object_get_member(o, m->data), depth + 1);
        g_list_free(members);
    }
}

/* Append the range form and the totals. */
static void write_intro(GString *out, const CkServeRequest *req, JsonObject *r)
{
    g_string_append(out, "<h1>Dashboard 统计</h1>\n<form class=\"filters\" method=\"get\" action=\"/dashboard\">"
                         "<label>Opened since<input name=\"since\" placeholder=\"2021-01\" value=\"");
    ck_html_escape(out, ck_serve_param(req, "since"));
    g_string_append(out, "\"></label><label>Opened until<input name=\"until\" placeholder=\"2021-12\" value=\"");
    ck_html_escape(out, ck_serve_param(req, "until"));
    g_string_append_printf(out, "\"></label><button type=\"submit\">Apply</button></form>\n<p><strong>%"
                           G_GINT64_FORMAT "</strong> cases · generated ", ck_json_int(r, "total"));
    ck_serve_time(out, ck_json_str(r, "generated"), FALSE);
    g_string_append(out, " · <a href=\"/api/report\">JSON</a></p>\n");
}

/* See page-dashboard.h. */
CkServeResponse *ck_serve_page_dashboard(CkServeEnv *env, const CkServeRequest *req)
{
    GError *error = NULL;
    JsonNode *report = ck_serve_report(env, req, &error);
    if (!report) {
        CkServeResponse *r = ck_serve_response_html_error(ck_serve_error_status(error), error->message);
        g_error_free(error);
        return r;
    }
    JsonObject *r = json_node_get_object(report);
    GString *out = g_string_new(NULL);
    ck_serve_page_begin(out, "Dashboard 统计", NULL);
    write_intro(out, req, r);
    g_string_append(out, "<div class=\"cols\">\n");
    GList *members = json_object_get_members(r);
    for (GList *m = members; m; m = m->next)
        if (!g_strv_contains(SKIPPED, m->data))
            write_section(out, m->data, json_object_get_member(r, m->data), 0);
    g_list_free(members);
    g_string_append(out, "</div>\n");
    ck_serve_page_end(out);
    json_node_unref(report);
    return ck_serve_response_html(200, out);
}
