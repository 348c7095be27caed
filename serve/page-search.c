/* page-search.c — the search page (page-search.h). */
#include "serve/page-search.h"
#include "serve/page.h"
#include "serve/data.h"
#include "store/search.h"
#include "reports/html.h"

/* Snippet markers: Unicode noncharacters, never in the text shown. */
#define MARK_OPEN "\xef\xb7\x90"    /* U+FDD0 */
#define MARK_CLOSE "\xef\xb7\x91"   /* U+FDD1 */

static const char *const SEARCH_PARAMS[] = { "q", "any", "messages", "limit", NULL };

/* Append one result row. */
static void write_result(GString *out, const CkSearchResult *r)
{
    g_string_append(out, "<li><div class=\"msg-head\">");
    ck_serve_case_link(out, r->case_key);
    g_string_append(out, " · ");
    ck_serve_unix_time(out, r->date, TRUE);
    g_string_append(out, " · ");
    ck_html_escape(out, r->from);
    g_string_append(out, " · <strong>");
    ck_html_escape(out, r->subject);
    g_string_append(out, "</strong></div><div class=\"snippet\">");
    ck_serve_marked(out, r->snippet, MARK_OPEN, MARK_CLOSE);
    g_string_append(out, "</div>");
    if (r->query_terms > 0)
        g_string_append_printf(out, "<div class=\"muted\">%d of %d words 词</div>", r->matched_terms, r->query_terms);
    g_string_append(out, "</li>\n");
}

/* Append the previous / next links of a result page. */
static void write_pager(GString *out, const CkServeRequest *req, const CkSearchOutcome *s, gint64 offset,
                        gint64 limit)
{
    char number[32];
    g_string_append(out, "<p class=\"pager\">");
    if (offset > 0) {
        g_snprintf(number, sizeof number, "%" G_GINT64_FORMAT, MAX(0, offset - limit));
        char *href = ck_serve_href("/search", req->query, SEARCH_PARAMS, "offset", number, NULL);
        ck_html_link(out, href, "← Previous");
        g_free(href);
    }
    if (offset + (gint64)s->results->len < s->total) {
        g_snprintf(number, sizeof number, "%" G_GINT64_FORMAT, offset + s->results->len);
        char *href = ck_serve_href("/search", req->query, SEARCH_PARAMS, "offset", number, NULL);
        ck_html_link(out, href, "Next →");
        g_free(href);
    }
    g_string_append(out, "</p>\n");
}

/* Append the result list of S. */
static void write_results(GString *out, const CkServeRequest *req, const CkSearchOutcome *s)
{
    gint64 offset = 0, limit = 20;
    ck_serve_int_param(req, "offset", 0, 0, G_MAXINT32, &offset, NULL);
    ck_serve_int_param(req, "limit", 20, 1, 1000, &limit, NULL);
    g_string_append_printf(out, "<p class=\"count\"><strong>%" G_GINT64_FORMAT "</strong> %s found 找到", s->total,
                           ck_serve_flag_param(req, "messages") ? "messages" : "cases");
    if (s->fell_back)
        g_string_append(out, " — no case holds every word, so these hold the most of them "
                             "(sentence search 按词匹配)");
    else if (s->sentence)
        g_string_append(out, " — sentence search: cases holding the most of its words");
    else {
        char *href = ck_serve_href("/search", req->query, SEARCH_PARAMS, "any", "1", NULL);
        g_string_append(out, " · ");
        ck_html_link(out, href, "search it as a sentence 按句子搜索");
        g_free(href);
    }
    g_string_append(out, "</p>\n<ol class=\"results\">\n");
    for (guint i = 0; i < s->results->len; i++)
        write_result(out, g_ptr_array_index(s->results, i));
    g_string_append(out, "</ol>\n");
    write_pager(out, req, s, offset, limit);
}

/* See page-search.h. */
CkServeResponse *ck_serve_page_search(CkServeEnv *env, const CkServeRequest *req)
{
    CkSearchOutcome s;
    GError *error = NULL;
    const char *q = ck_serve_param(req, "q");
    GString *out = g_string_new(NULL);
    ck_serve_page_begin(out, q ? q : "Search", q);
    g_string_append(out, "<h1>Search 搜索</h1>\n");
    guint status = 200;
    if (!ck_serve_search_run(env, req, MARK_OPEN, MARK_CLOSE, FALSE, &s, &error)) {
        status = ck_serve_error_status(error);
        g_string_append(out, "<p class=\"error\">");
        ck_html_escape(out, error->message);
        g_string_append(out, "</p>\n");
        g_error_free(error);
    } else {
        write_results(out, req, &s);
    }
    ck_search_outcome_clear(&s);
    g_string_append(out, "<p class=\"muted\">Query language 查询语法: words (ANDed), \"exact phrase\", a OR b, "
                         "-term, prefix*, case: from: subject: body: quoted: cause: status: vendor: customer: "
                         "code: cmd: sn: after:2021-03 before:2021-04 date:2021-03..2021-04.</p>\n");
    ck_serve_page_end(out);
    return ck_serve_response_html(status, out);
}
