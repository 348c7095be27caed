/* page-queue.c — the case queue (page-queue.h). */
#include "serve/page-queue.h"
#include "serve/page.h"
#include "serve/params.h"
#include "serve/data.h"
#include "reports/html.h"
#include "reports/output.h"
#include "reports/privacy.h"

#define QUEUE_PAGE_SIZE 50

/* Append a link to the queue with REQ's filters and NAME=VALUE (a NULL
 * VALUE drops NAME), the page reset to the first. */
static void queue_link(GString *out, const CkServeRequest *req, const char *name, const char *value,
                       const char *text)
{
    char *href = ck_serve_href("/", req->query, CK_SERVE_FILTER_PARAMS, name, value, NULL);
    ck_html_link(out, href, text);
    g_free(href);
}

/* Append the quick counts: every case, open, waiting on us / on the
 * customer, closed (each a link to that queue). */
static void write_counts(GString *out, CkServeEnv *env)
{
    static const struct { const char *label, *status, *waiting; } quick[] = {
        { "All 全部", NULL, NULL }, { "Open 未结", "open", NULL },
        { "Waiting on us 待我方回复", "open", "us" }, { "Waiting on customer 待客户回复", "open", "customer" },
        { "Closed 已结", "closed", NULL },
    };
    g_string_append(out, "<p class=\"counts\">");
    for (guint i = 0; i < G_N_ELEMENTS(quick); i++) {
        CkCaseFilter f = { .status = quick[i].status, .waiting_on = quick[i].waiting };
        gint64 n = 0;
        if (!ck_store_case_count(env->store, &f, &n, NULL))
            continue;
        char *href = ck_serve_href("/", NULL, NULL, "status", quick[i].status, "waiting_on", quick[i].waiting, NULL);
        char *text = g_strdup_printf("%s: %" G_GINT64_FORMAT, quick[i].label, n);
        ck_html_link(out, href, text);
        g_free(text);
        g_free(href);
    }
    g_string_append(out, "</p>\n");
}

/* Append a <select> NAME with CHOICES (NULL-terminated value/label
 * pairs; the first value "" = any), REQ's value selected. */
static void write_select(GString *out, const CkServeRequest *req, const char *name, const char *label,
                         const char *const *choices)
{
    const char *current = ck_serve_param(req, name);
    g_string_append_printf(out, "<label>%s<select name=\"%s\">", label, name);
    for (guint i = 0; choices[i]; i += 2) {
        g_string_append(out, "<option value=\"");
        ck_html_escape(out, choices[i]);
        g_string_append_printf(out, "\"%s>", g_strcmp0(current ? current : "", choices[i]) == 0 ? " selected" : "");
        ck_html_escape(out, choices[i + 1]);
        g_string_append(out, "</option>");
    }
    g_string_append(out, "</select></label>");
}

/* Append an <input> NAME holding REQ's value. */
static void write_input(GString *out, const CkServeRequest *req, const char *name, const char *label,
                        const char *placeholder)
{
    g_string_append_printf(out, "<label>%s<input name=\"%s\" placeholder=\"", label, name);
    ck_html_escape(out, placeholder);
    g_string_append(out, "\" value=\"");
    ck_html_escape(out, ck_serve_param(req, name));
    g_string_append(out, "\"></label>");
}

/* Append the filter form. */
static void write_filters(GString *out, const CkServeRequest *req)
{
    static const char *const statuses[] = { "", "any", "open", "open", "closed", "closed", NULL };
    static const char *const sides[] = { "", "any", "us", "us (customer wrote last)", "customer",
                                         "customer (we wrote last)", NULL };
    static const char *const sorts[] = { "", "opened (oldest first)", "newest", "newest", "updated",
                                         "updated", "messages", "messages", NULL };
    g_string_append(out, "<form class=\"filters\" method=\"get\" action=\"/\">");
    write_select(out, req, "status", "Status 状态", statuses);
    write_select(out, req, "waiting_on", "Waiting on 等待", sides);
    write_input(out, req, "severity", "Severity 严重度", "紧急事件");
    write_input(out, req, "vendor", "Vendor 厂商", "HP");
    write_input(out, req, "customer", "Customer 客户", "银行");
    write_input(out, req, "cause", "Cause 原因", "activation");
    write_input(out, req, "older_than", "Older than (days)", "30");
    write_input(out, req, "since", "Opened since", "2021-01");
    write_input(out, req, "until", "Opened until", "2021-12");
    write_select(out, req, "sort", "Sort 排序", sorts);
    write_input(out, req, "limit", "Per page", "50");
    g_string_append(out, "<button type=\"submit\">Filter 筛选</button> <a href=\"/\">Reset</a></form>\n");
}

/* Append the heading row; sortable columns link to their sort. */
static void write_head(GString *out, const CkServeRequest *req)
{
    static const char *const cols[] = { "Case 案例", NULL, "Title 标题", NULL, "Customer 客户", NULL,
                                         "Vendor", NULL, "Severity", NULL, "Status", NULL, "Waiting on", NULL,
                                         "Causes 原因", NULL, "Msgs", "messages", "Opened 开案", "newest",
                                         "Updated 更新", "updated", NULL };
    g_string_append(out, "<table class=\"queue\"><thead><tr>");
    for (guint i = 0; cols[i]; i += 2) {
        g_string_append(out, "<th>");
        if (cols[i + 1])
            queue_link(out, req, "sort", cols[i + 1], cols[i]);
        else
            ck_html_escape(out, cols[i]);
        g_string_append(out, "</th>");
    }
    g_string_append(out, "</tr></thead>\n<tbody>\n");
}

/* Append one <td> holding a queue link NAME=TEXT (plain text when TEXT is
 * empty). */
static void filter_cell(GString *out, const CkServeRequest *req, const char *name, const char *text)
{
    g_string_append(out, "<td>");
    if (*text)
        queue_link(out, req, name, text, text);
    g_string_append(out, "</td>");
}

/* Append the row of case C (an element of cases --json). */
static void write_row(GString *out, const CkServeRequest *req, JsonObject *c)
{
    const char *status = ck_json_str(c, "status");
    gboolean open = g_strcmp0(status, "open") == 0;
    const char *side = ck_json_str(c, "last_side");
    const char *waiting = !open ? "" : g_strcmp0(side, "customer") == 0 ? "us" : *side ? "customer" : "";
    g_string_append(out, "<tr><td>");
    ck_serve_case_link(out, ck_json_str(c, "case_id"));
    g_string_append(out, "</td>");
    ck_html_element(out, "td", NULL, ck_json_str(c, "title"));
    filter_cell(out, req, "customer", ck_json_str(c, "customer"));
    filter_cell(out, req, "vendor", ck_json_str(c, "vendor"));
    filter_cell(out, req, "severity", ck_json_str(c, "severity"));
    g_string_append_printf(out, "<td><span class=\"badge %s\">", open ? "open" : "closed");
    ck_html_escape(out, status);
    g_string_append_printf(out, "</span></td><td><span class=\"badge %s\">%s</span></td><td>",
                           waiting, waiting);
    JsonArray *causes = ck_json_get_array(c, "causes");
    for (guint i = 0; causes && i < json_array_get_length(causes); i++) {
        queue_link(out, req, "cause", json_array_get_string_element(causes, i),
                   json_array_get_string_element(causes, i));
        g_string_append(out, " ");
    }
    g_string_append_printf(out, "</td><td class=\"num\">%" G_GINT64_FORMAT "</td><td>", ck_json_int(c, "messages"));
    ck_serve_time(out, ck_json_str(c, "opened"), TRUE);
    g_string_append(out, "</td><td>");
    ck_serve_time(out, ck_json_str(c, "updated"), TRUE);
    g_string_append(out, "</td></tr>\n");
}

/* Append "a–b of N" and the previous / next page links. */
static void write_pager(GString *out, const CkServeRequest *req, const CkCaseFilter *f, guint shown, gint64 total)
{
    g_string_append_printf(out, "<p class=\"pager\"><span>%" G_GINT64_FORMAT "–%" G_GINT64_FORMAT " of %"
                           G_GINT64_FORMAT " cases</span> ", shown ? f->offset + 1 : 0, f->offset + shown, total);
    char offset[32];
    if (f->offset > 0) {
        g_snprintf(offset, sizeof offset, "%" G_GINT64_FORMAT, MAX(0, f->offset - f->limit));
        queue_link(out, req, "offset", offset, "← Previous");
    }
    if (f->limit > 0 && f->offset + shown < total) {
        g_snprintf(offset, sizeof offset, "%" G_GINT64_FORMAT, f->offset + shown);
        queue_link(out, req, "offset", offset, "Next →");
    }
    g_string_append(out, "</p>\n");
}

/* See page-queue.h. */
CkServeResponse *ck_serve_page_queue(CkServeEnv *env, const CkServeRequest *req)
{
    CkCaseFilter filter;
    GError *error = NULL;
    gint64 total = 0;
    JsonNode *list = NULL;
    gboolean ok = ck_serve_case_filter(req, QUEUE_PAGE_SIZE, &filter, &error);
    g_autoptr(GPtrArray) names = ok ? ck_serve_customer_names(env, &filter) : NULL;
    if (!ok || !ck_store_case_count(env->store, &filter, &total, &error)
        || !(list = ck_store_case_list(env->store, &filter, &error))) {
        CkServeResponse *r = ck_serve_response_html_error(ck_serve_error_status(error), error->message);
        g_error_free(error);
        return r;
    }
    ck_json_mask_product_keys(list);
    JsonArray *cases = json_node_get_array(list);
    GString *out = g_string_new(NULL);
    ck_serve_page_begin(out, "Queue 案例队列", NULL);
    g_string_append(out, "<h1>Queue 案例队列</h1>\n");
    write_counts(out, env);
    write_filters(out, req);
    write_pager(out, req, &filter, json_array_get_length(cases), total);
    write_head(out, req);
    for (guint i = 0; i < json_array_get_length(cases); i++)
        write_row(out, req, json_array_get_object_element(cases, i));
    g_string_append(out, "</tbody></table>\n");
    if (json_array_get_length(cases) == 0)
        g_string_append(out, "<p class=\"muted\">No case matches these filters. 没有符合条件的案例。</p>\n");
    write_pager(out, req, &filter, json_array_get_length(cases), total);
    ck_serve_page_end(out);
    json_node_unref(list);
    return ck_serve_response_html(200, out);
}
