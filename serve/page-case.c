/* page-case.c — the case page (page-case.h). */
#include "serve/page-case.h"
#include "serve/page-case-tools.h"
#include "serve/page.h"
#include "serve/data.h"
#include "reports/html.h"
#include "reports/output.h"
#include "reports/summary.h"
#include <string.h>

/* Append <details class="quoted"> titled SUMMARY holding TEXT, when TEXT
 * is not empty. */
static void write_folded(GString *out, const char *summary, const char *text)
{
    if (!text || !*text)
        return;
    guint lines = 1;
    for (const char *p = text; *p; p++)
        lines += *p == '\n';
    g_string_append(out, "<details class=\"quoted\"><summary>");
    ck_html_escape(out, summary);
    g_string_append_printf(out, " (%u lines)</summary>", lines);
    ck_html_element(out, "div", "body", text);
    g_string_append(out, "</details>\n");
}

/* Append the attachments of message M, if it lists any. */
static void write_attachments(GString *out, JsonObject *m)
{
    JsonArray *list = ck_json_get_array(m, "attachments");
    guint n = list ? json_array_get_length(list) : 0;
    if (n == 0)
        return;
    g_string_append(out, "<ul class=\"attachments\">");
    for (guint i = 0; i < n; i++) {
        JsonObject *a = json_array_get_object_element(list, i);
        if (!a)
            continue;
        g_string_append(out, "<li>📎 ");
        ck_html_element(out, "strong", NULL, *ck_json_str(a, "name") ? ck_json_str(a, "name") : "(no name)");
        g_string_append(out, " <span class=\"muted\">");
        ck_html_escape(out, ck_json_str(a, "type"));
        g_string_append_printf(out, ", %" G_GINT64_FORMAT " bytes</span>", ck_json_int(a, "size"));
        write_folded(out, "Text 文本", ck_json_str(a, "text"));
        g_string_append(out, "</li>");
    }
    g_string_append(out, "</ul>\n");
}

/* Append one mail of the thread. */
static void write_message(GString *out, JsonObject *m)
{
    const char *side = ck_json_str(m, "side");
    gint64 index = ck_json_int(m, "index");
    g_string_append_printf(out, "<article class=\"msg %s\" id=\"m%" G_GINT64_FORMAT "\"><div class=\"msg-head\">"
                           "<strong>#%" G_GINT64_FORMAT "</strong> · ",
                           strcmp(side, "support") == 0 ? "support" : strcmp(side, "customer") == 0 ? "customer" : "",
                           index, index);
    ck_serve_time(out, ck_json_str(m, "date"), FALSE);
    g_string_append(out, " · <strong>");
    ck_html_escape(out, ck_json_str(m, "from"));
    g_string_append(out, "</strong> ");
    ck_html_element(out, "span", "muted", ck_json_str(m, "from_addr"));
    g_string_append(out, " · ");
    ck_html_element(out, "span", "badge", side);
    g_string_append(out, "<br>");
    ck_html_element(out, "span", "subject", ck_json_str(m, "subject"));
    g_string_append(out, " ");
    ck_html_element(out, "span", "muted", ck_json_str(m, "joined_by"));
    g_string_append(out, "</div>\n");
    ck_html_element(out, "div", "body", ck_json_str(m, "body"));
    write_folded(out, "Forwarded text 转发内容", ck_json_str(m, "forwarded"));
    write_folded(out, "Quoted text 引用内容", ck_json_str(m, "quoted"));
    if (*ck_json_str(m, "signature"))
        ck_html_element(out, "div", "sig body", ck_json_str(m, "signature"));
    write_attachments(out, m);
    JsonArray *warnings = ck_json_get_array(m, "warnings");
    for (guint i = 0; warnings && i < json_array_get_length(warnings); i++)
        ck_html_element(out, "p", "muted", json_array_get_string_element(warnings, i));
    g_string_append(out, "</article>\n");
}

/* The case fields shown at the top: label, member. */
static const char *const CASE_FIELDS[] = { "Status 状态", "status", "Severity 严重度", "severity",
                                           "Vendor 厂商", "vendor", "Customer 客户", "customer", "Stage 阶段",
                                           "stage", "Opened 开案", "opened", "Closed 结案", "closed", NULL };

/* Append the case's heading, IDs and the section links. */
static void write_header(GString *out, JsonObject *doc)
{
    ck_html_element(out, "h1", NULL, *ck_json_str(doc, "title") ? ck_json_str(doc, "title") : ck_json_str(doc, "case_id"));
    g_string_append(out, "<p><code>");
    ck_html_escape(out, ck_json_str(doc, "case_id"));
    g_string_append(out, "</code>");
    JsonArray *aliases = ck_json_get_array(doc, "aliases");
    for (guint i = 0; aliases && i < json_array_get_length(aliases); i++) {
        g_string_append(out, " <code>");
        ck_html_escape(out, json_array_get_string_element(aliases, i));
        g_string_append(out, "</code>");
    }
    char *href = ck_serve_case_href(ck_json_str(doc, "case_id"));
    char *api = g_strconcat("/api", href, NULL);
    g_free(href);
    g_string_append(out, " · ");
    ck_html_link(out, api, "JSON");
    g_free(api);
    g_string_append(out, "</p>\n<nav class=\"sections\"><a href=\"#thread\">Thread 邮件</a> <a href=\"#causes\">"
                         "Causes 原因</a> <a href=\"#entities\">Entities 关键信息</a> <a href=\"#similar\">Similar "
                         "相似案例</a> <a href=\"#checklist\">Checklist 检查清单</a> <a href=\"#draft\">Draft 回复草稿"
                         "</a></nav>\n");
}

/* Append the problem / analysis / conclusion sections that are filled. */
static void write_sections(GString *out, JsonObject *doc)
{
    static const char *const names[] = { "Problem 问题", "problem", "Analysis 分析", "analysis",
                                         "Conclusion 结论", "conclusion", NULL };
    JsonObject *sections = ck_json_get_object(doc, "sections");
    if (sections)
        ck_serve_fields(out, sections, names);
}

/* Append the entities, one line per kind that has values. */
static void write_entities(GString *out, JsonObject *doc)
{
    g_string_append(out, "<h2 id=\"entities\">Entities 关键信息</h2>\n<dl class=\"fields\">");
    JsonObject *entities = ck_json_get_object(doc, "entities");
    GList *kinds = entities ? json_object_get_members(entities) : NULL;
    for (GList *k = kinds; k; k = k->next) {
        JsonArray *values = ck_json_get_array(entities, k->data);
        if (!values || json_array_get_length(values) == 0)
            continue;
        ck_html_element(out, "dt", NULL, k->data);
        g_string_append(out, "<dd>");
        for (guint i = 0; i < json_array_get_length(values); i++) {
            JsonNode *v = json_array_get_element(values, i);
            if (JSON_NODE_HOLDS_VALUE(v) && json_node_get_value_type(v) == G_TYPE_STRING)
                ck_html_element(out, "code", NULL, json_node_get_string(v));
            g_string_append(out, " ");
        }
        g_string_append(out, "</dd>");
    }
    g_list_free(kinds);
    g_string_append(out, "</dl>\n");
}

/* Append the causes, each with its evidence linked to its mail. */
static void write_causes(GString *out, JsonObject *doc)
{
    g_string_append(out, "<h2 id=\"causes\">Causes 原因</h2>\n");
    JsonArray *causes = ck_json_get_array(doc, "causes");
    guint n = causes ? json_array_get_length(causes) : 0;
    if (n == 0)
        g_string_append(out, "<p class=\"muted\">No root cause identified. 未识别出根本原因。</p>\n");
    for (guint i = 0; i < n; i++) {
        JsonObject *c = json_array_get_object_element(causes, i);
        char *href = ck_serve_href("/", NULL, NULL, "cause", ck_json_str(c, "id"), NULL);
        g_string_append(out, "<h3>");
        ck_html_escape(out, ck_json_str(c, "title"));
        g_string_append(out, " <span class=\"muted\">— ");
        ck_html_escape(out, ck_json_str(c, "title_en"));
        g_string_append(out, "</span></h3><p>");
        ck_html_link(out, href, ck_json_str(c, "id"));
        g_string_append_printf(out, " · score %.2f</p><ul>", json_object_get_double_member_with_default(c, "score", 0));
        g_free(href);
        JsonArray *evidence = ck_json_get_array(c, "evidence");
        for (guint e = 0; evidence && e < json_array_get_length(evidence); e++) {
            JsonObject *ev = json_array_get_object_element(evidence, e);
            gint64 index = ck_json_int(ev, "message");
            g_string_append(out, "<li>“");
            ck_html_escape(out, ck_json_str(ev, "text"));
            g_string_append_printf(out, "” — <a href=\"#m%" G_GINT64_FORMAT "\">mail %" G_GINT64_FORMAT "</a> (",
                                   index, index);
            ck_html_escape(out, ck_json_str(ck_case_message(doc, index), "side"));
            g_string_append(out, ") ");
            ck_html_element(out, "span", "muted", ck_json_str(ev, "signal"));
            g_string_append(out, "</li>");
        }
        g_string_append(out, "</ul>\n");
    }
}

/* Append the thread. */
static void write_thread(GString *out, JsonObject *doc)
{
    g_string_append(out, "<h2 id=\"thread\">Thread 邮件</h2>\n<p><button type=\"button\" data-fold=\"open\">"
                         "Unfold quotes 展开引用</button> <button type=\"button\" data-fold=\"close\">Fold quotes "
                         "折叠引用</button></p>\n");
    JsonArray *messages = ck_json_get_array(doc, "messages");
    for (guint i = 0; messages && i < json_array_get_length(messages); i++)
        write_message(out, json_array_get_object_element(messages, i));
}

/* The whole case page of DOC (case row ROWID). */
static CkServeResponse *case_page(CkServeEnv *env, JsonNode *doc, gint64 rowid)
{
    JsonObject *d = json_node_get_object(doc);
    GString *out = g_string_new(NULL);
    char *title = g_strdup_printf("%s %s", ck_json_str(d, "case_id"), ck_json_str(d, "title"));
    ck_serve_page_begin(out, title, NULL);
    g_free(title);
    write_header(out, d);
    g_string_append(out, "<div class=\"case-top\">");
    ck_serve_fields(out, d, CASE_FIELDS);
    write_sections(out, d);
    g_string_append(out, "</div>\n");
    g_string_append(out, "<div class=\"case-grid\"><section class=\"thread\">\n");
    write_thread(out, d);
    g_string_append(out, "</section>\n<aside>\n");
    write_causes(out, d);
    write_entities(out, d);
    ck_serve_case_tools(out, env, doc, rowid);
    g_string_append(out, "</aside></div>\n");
    ck_serve_page_end(out);
    return ck_serve_response_html(200, out);
}

/* See page-case.h. */
CkServeResponse *ck_serve_page_case(CkServeEnv *env, const CkServeRequest *req)
{
    char *id = g_strdup(req->arg);
    const char *format = NULL;
    char *slash = strrchr(id, '/');
    if (slash && g_str_has_prefix(slash, "/checklist.")) {
        format = slash + strlen("/checklist.");
        *slash = '\0';
    }
    GError *error = NULL;
    gint64 rowid = 0;
    JsonNode *doc = ck_serve_case_document(env, id, &rowid, &error);
    CkServeResponse *r;
    if (!doc) {
        r = ck_serve_response_html_error(ck_serve_error_status(error), error->message);
        g_error_free(error);
    } else {
        r = format ? ck_serve_checklist_file(doc, format) : case_page(env, doc, rowid);
        json_node_unref(doc);
    }
    g_free(id);
    return r;
}
