/* page-case-tools.c — similar cases, checklist and draft panels
 * (page-case-tools.h). */
#include "serve/page-case-tools.h"
#include "serve/page.h"
#include "serve/data.h"
#include "reports/checklist.h"
#include "reports/draft.h"
#include "reports/html.h"
#include "reports/output.h"
#include "reports/similar-out.h"
#include "reports/summary.h"
#include <string.h>

#define SIMILAR_SHOWN 5

/* Append one similar case C: link, score, status, title, what it shares,
 * how it was resolved. */
static void write_similar_case(GString *out, JsonObject *c)
{
    g_string_append(out, "<li>");
    ck_serve_case_link(out, ck_json_str(c, "case_id"));
    g_string_append_printf(out, " <span class=\"muted\">%.2f</span> ", json_object_get_double_member_with_default(c, "score", 0));
    ck_html_element(out, "span", "badge", ck_json_str(c, "status"));
    g_string_append(out, " ");
    ck_html_escape(out, ck_json_str(c, "title"));
    g_string_append(out, "<br>");
    const char *const lists[] = { "shared_causes", "shared_entities" };
    for (guint l = 0; l < G_N_ELEMENTS(lists); l++) {
        JsonArray *shared = ck_json_get_array(c, lists[l]);
        for (guint s = 0; shared && s < json_array_get_length(shared); s++) {
            ck_html_element(out, "code", NULL, json_array_get_string_element(shared, s));
            g_string_append(out, " ");
        }
    }
    const char *label = ck_similar_resolution_label(c);
    if (label && *ck_json_str(c, "resolution")) {
        g_string_append_printf(out, "<br><span class=\"muted\">%s:</span> ", label);
        ck_html_escape(out, ck_json_str(c, "resolution"));
    }
    g_string_append(out, "</li>\n");
}

/* Append the similar past cases of DOC. */
static void write_similar(GString *out, CkServeEnv *env, JsonNode *doc, gint64 rowid)
{
    g_string_append(out, "<h2 id=\"similar\">Similar past cases 相似案例</h2>\n");
    GError *error = NULL;
    JsonNode *similar = ck_serve_similar(env, doc, rowid, SIMILAR_SHOWN, &error);
    if (!similar) {
        ck_html_element(out, "p", "error", error->message);
        g_error_free(error);
        return;
    }
    JsonArray *list = json_node_get_array(similar);
    if (json_array_get_length(list) == 0)
        g_string_append(out, "<p class=\"muted\">None found. 没有相似案例。</p>\n");
    g_string_append(out, "<ul class=\"similar\">\n");
    for (guint i = 0; i < json_array_get_length(list); i++)
        write_similar_case(out, json_array_get_object_element(list, i));
    g_string_append(out, "</ul>\n");
    json_node_unref(similar);
}

/* Append one checklist step. */
static void write_step(GString *out, JsonObject *step)
{
    g_string_append_printf(out, "<li value=\"%" G_GINT64_FORMAT "\"><strong>", ck_json_int(step, "n"));
    ck_html_escape(out, ck_json_str(step, "title"));
    g_string_append(out, "</strong> <span class=\"muted\">");
    ck_html_escape(out, ck_json_str(step, "title_en"));
    g_string_append(out, " (");
    ck_html_escape(out, ck_json_str(step, "kind"));
    g_string_append(out, ", ");
    ck_html_escape(out, ck_json_str(step, "scope"));
    g_string_append(out, ")</span><br>");
    ck_html_escape(out, ck_json_str(step, "why"));
    char *command = ck_checklist_fill_command(step, "<", ">");
    if (*command) {
        g_string_append(out, "<br>");
        ck_html_element(out, "code", NULL, command);
    }
    g_free(command);
    g_string_append(out, "</li>\n");
}

/* Append the checklist of DOC and the links to its files. */
static void write_checklist(GString *out, JsonNode *doc)
{
    JsonObject *d = json_node_get_object(doc);
    g_string_append(out, "<h2 id=\"checklist\">Checklist 检查清单</h2>\n");
    JsonNode *checklist = ck_checklist_build(d);
    JsonArray *steps = ck_json_get_array(json_node_get_object(checklist), "steps");
    guint n = steps ? json_array_get_length(steps) : 0;
    if (n == 0) {
        g_string_append(out, "<p class=\"muted\">No root cause identified, so there is no checklist. "
                             "未识别出根本原因，没有检查清单。</p>\n");
    } else {
        char *base = ck_serve_case_href(ck_json_str(d, "case_id"));
        g_string_append(out, "<p>Download 下载: ");
        const char *const formats[] = { "md", "cmd", "ps1" };
        for (guint i = 0; i < G_N_ELEMENTS(formats); i++) {
            char *href = g_strdup_printf("%s/checklist.%s", base, formats[i]);
            char *text = g_strdup_printf("checklist.%s", formats[i]);
            ck_html_link(out, href, text);
            g_string_append(out, " ");
            g_free(text);
            g_free(href);
        }
        g_free(base);
        g_string_append(out, "</p>\n<ol class=\"steps\">\n");
        for (guint i = 0; i < n; i++)
            write_step(out, json_array_get_object_element(steps, i));
        g_string_append(out, "</ol>\n");
    }
    JsonArray *warnings = ck_json_get_array(json_node_get_object(checklist), "warnings");
    for (guint i = 0; warnings && i < json_array_get_length(warnings); i++)
        ck_html_element(out, "p", "muted", json_array_get_string_element(warnings, i));
    json_node_unref(checklist);
}

/* Append the reply draft of DOC with its copy button. */
static void write_draft(GString *out, CkServeEnv *env, JsonNode *doc)
{
    g_string_append(out, "<h2 id=\"draft\">Draft reply 回复草稿</h2>\n");
    char *signature = ck_store_get_setting(env->store, "signature");
    JsonNode *draft = ck_draft_build(json_node_get_object(doc), env->rules, CK_REPLY_AUTO, signature, NULL);
    JsonObject *dr = json_node_get_object(draft);
    g_string_append(out, "<p><span class=\"badge\">");
    ck_html_escape(out, ck_json_str(dr, "kind"));
    g_string_append(out, "</span> ");
    ck_html_escape(out, ck_json_str(dr, "reason"));
    g_string_append(out, "</p>\n");
    if (!ck_draft_is_none(draft)) {
        g_string_append(out, "<p><button type=\"button\" data-copy=\"draft-text\">Copy 复制</button></p>\n"
                             "<textarea class=\"draft\" id=\"draft-text\" readonly>");
        ck_html_escape(out, ck_json_str(dr, "text"));
        g_string_append(out, "</textarea>\n");
    }
    json_node_unref(draft);
    g_free(signature);
}

/* See page-case-tools.h. */
void ck_serve_case_tools(GString *out, CkServeEnv *env, JsonNode *doc, gint64 rowid)
{
    write_similar(out, env, doc, rowid);
    write_checklist(out, doc);
    write_draft(out, env, doc);
}

/* See page-case-tools.h. */
CkServeResponse *ck_serve_checklist_file(JsonNode *doc, const char *format)
{
    static const char *const formats[] = { "md", "cmd", "ps1", NULL };
    if (!g_strv_contains(formats, format))
        return ck_serve_response_html_error(404, "checklist formats are md, cmd and ps1");
    JsonObject *d = json_node_get_object(doc);
    JsonNode *checklist = ck_checklist_build(d);
    CkRunScope scope = strcmp(format, "md") == 0 ? CK_RUN_ALL : CK_RUN_TERMINAL;
    CkServeResponse *r;
    if (ck_checklist_count(checklist, scope) == 0) {
        r = ck_serve_response_html_error(404, "this case has no checklist steps (no root cause identified)");
    } else {
        GString *bytes = g_string_new(NULL);
        ck_checklist_render(bytes, checklist, format, scope);
        r = ck_serve_response_new(200, strcmp(format, "md") == 0 ? "text/markdown; charset=utf-8"
                                                                 : "application/octet-stream", bytes);
        char *slug = ck_page_slug(ck_json_str(d, "case_id"));
        r->disposition = g_strdup_printf("attachment; filename=\"%s-checklist.%s\"", slug, format);
        g_free(slug);
    }
    json_node_unref(checklist);
    return r;
}
