/* test-reports.c — summary, report, knowledge base and export on case
 * documents built here from JSON text: escaping (HTML, Markdown), time to
 * first response and to close, durations, gists, median/p90, date ranges,
 * the content of each format, knowledge-base links and the _bulk lines. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "reports/output.h"
#include "reports/html.h"
#include "reports/md.h"
#include "reports/summary.h"
#include "reports/report.h"
#include "reports/kb.h"
#include "reports/export.h"

/* A customer-opened case without structured sections: customer asks,
 * support answers 2 h 30 min later (twice), customer confirms.  Its title
 * and body carry markup and a full product key. */
static const char CASE_A[] =
    "{\"case_id\":\"CAS-00001-AAAAAA\",\"aliases\":[\"CMIT:0000001\"],"
    "\"title\":\"<script>alert(1)</script> 激活失败 | #1\",\"severity\":\"普通事件\",\"vendor\":\"HP\","
    "\"stage\":\"\",\"customer\":\"中国人寿\",\"status\":\"closed\","
    "\"opened\":\"2021-03-01T08:00:00Z\",\"closed\":\"2021-03-03T11:00:00Z\","
    "\"messages\":["
    " {\"index\":1,\"from\":\"张三\",\"side\":\"customer\",\"date\":\"2021-03-01T08:00:00Z\","
    "  \"body\":\"李工 您好！\\n终端激活报错 0xC004F074 <img src=x onerror=alert(2)>\\n密钥 AB1CD-EF2GH-J3KLM-N4PQR-4M68B\"},"
    " {\"index\":2,\"from\":\"李四\",\"side\":\"support\",\"date\":\"2021-03-01T10:30:00Z\","
    "  \"body\":\"请执行 slmgr /dlv。\"},"
    " {\"index\":3,\"from\":\"李四\",\"side\":\"support\",\"date\":\"2021-03-02T10:30:00Z\","
    "  \"body\":\"分析：防火墙阻断了 1688 端口，请放行后执行 slmgr /ato 重新激活。\"},"
    " {\"index\":4,\"from\":\"张三\",\"side\":\"customer\",\"date\":\"2021-03-03T11:00:00Z\","
    "  \"body\":\"已经激活成功，谢谢。\"}],"
    "\"entities\":{\"error_codes\":[\"0xC004F074\"],\"commands\":[\"slmgr /dlv\",\"slmgr /ato\"]},"
    "\"entity_spans\":[{\"type\":\"commands\",\"value\":\"slmgr /ato\",\"part\":\"new_text\",\"message\":3,"
    "  \"start\":61,\"end\":71}],"
    "\"sections\":{},"
    "\"causes\":[{\"id\":\"activation.kms-unreachable\",\"title\":\"无法连接 KMS 主机\",\"title_en\":\"KMS host not reachable\","
    "  \"category\":\"activation\",\"score\":0.8,"
    "  \"evidence\":[{\"message\":1,\"text\":\"0xC004F074\",\"signal\":\"code\"},"
    "               {\"message\":3,\"text\":\"1688 端口\",\"signal\":\"port\"}]}],"
    "\"checklist\":[{\"cause\":\"activation.kms-unreachable\",\"id\":\"kms.check\",\"title\":\"查看激活状态\","
    "  \"title_en\":\"Show state\",\"why\":\"确认 KMS 主机。\",\"kind\":\"diagnostic\",\"command\":\"slmgr /dlv\","
    "  \"do_not\":[\"不要重装系统\"]}],"
    "\"requests\":[{\"message\":2,\"text\":\"请执行 slmgr /dlv\",\"answered\":true},"
    "             {\"message\":3,\"text\":\"请提供序列号\",\"answered\":false}]}";

/* A support-opened open case with structured sections and no customer
 * reply: no time to first response, no time to close. */
static const char CASE_B[] =
    "{\"case_id\":\"CAS-00002-BBBBBB\",\"aliases\":[],\"title\":\"批量部署\",\"vendor\":\"\",\"customer\":\"\","
    "\"status\":\"open\",\"opened\":\"2021-05-10T00:00:00Z\",\"closed\":\"\","
    "\"messages\":[{\"index\":1,\"from\":\"Support\",\"side\":\"support\",\"date\":\"2021-05-10T00:00:00Z\","
    "  \"body\":\"Hi Ji,\\nscope text\"}],"
    "\"entities\":{},\"sections\":{\"problem\":\"部署后无法激活\",\"analysis\":\"未封装\",\"conclusion\":\"已关闭\"},"
    "\"causes\":[],\"checklist\":[],\"requests\":[]}";

/* CASE_TEXT parsed.  Caller unrefs. */
static JsonNode *parse(const char *case_text)
{
    JsonNode *node = json_from_string(case_text, NULL);
    assert_non_null(node);
    return node;
}

/* Fail unless HAYSTACK contains NEEDLE (with a helpful message). */
static void assert_has(const char *haystack, const char *needle)
{
    if (!strstr(haystack, needle))
        fail_msg("missing \"%s\" in:\n%.3000s", needle, haystack);
}

/* Fail if HAYSTACK contains NEEDLE. */
static void assert_lacks(const char *haystack, const char *needle)
{
    if (strstr(haystack, needle))
        fail_msg("unexpected \"%s\" in:\n%.3000s", needle, haystack);
}

/* The five HTML specials are escaped, in text and in attributes. */
static void test_html_escape(void **state)
{
    GString *out = g_string_new(NULL);
    ck_html_escape(out, "<a href=\"x\">'&'</a>");
    assert_string_equal(out->str, "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;");
    g_string_truncate(out, 0);
    ck_html_link(out, "cases/a\".html", "<b>");
    assert_string_equal(out->str, "<a href=\"cases/a&quot;.html\">&lt;b&gt;</a>");
    g_string_free(out, TRUE);
}

/* Markdown structure in mail text is escaped; code spans get a longer fence. */
static void test_md_escape(void **state)
{
    GString *out = g_string_new(NULL);
    ck_md_inline(out, "# a | b `c` <x> *y*\nnext");
    assert_string_equal(out->str, "\\# a \\| b \\`c\\` \\<x\\> \\*y\\* next");
    g_string_truncate(out, 0);
    ck_md_quote(out, "title\n=====\n# h\n\nend");
    assert_string_equal(out->str, "> title\n> \\=====\n> \\# h\n>\n> end\n\n");
    g_string_truncate(out, 0);
    ck_md_code(out, "a `b` c");
    assert_string_equal(out->str, "``a `b` c``");
    g_string_truncate(out, 0);
    ck_md_cell(out, "");
    assert_string_equal(out->str, "—");
    g_string_free(out, TRUE);
}

/* Human durations, ISO parsing, and --since/--until dates (month and day ends). */
static void test_durations_and_dates(void **state)
{
    const struct { gint64 seconds; const char *text; } cases[] = {
        { 0, "0 s" }, { 59, "59 s" }, { 60, "1 min" }, { 3600, "1 h" }, { 5400, "1 h 30 min" },
        { 2 * 86400, "2 d" }, { 2 * 86400 + 3 * 3600 + 59, "2 d 3 h" },
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *text = ck_duration_text(cases[i].seconds);
        assert_string_equal(text, cases[i].text);
        g_free(text);
    }
    gint64 t = 0;
    assert_true(ck_iso_to_unix("2021-03-09T17:45:52Z", &t));
    assert_int_equal(t, 1615311952);
    assert_false(ck_iso_to_unix("", &t));
    assert_false(ck_iso_to_unix("yesterday", &t));
    GError *error = NULL;
    assert_true(ck_report_parse_date("2023-01", FALSE, &t, &error));
    assert_int_equal(t, 1672531200);
    assert_true(ck_report_parse_date("2023-01", TRUE, &t, &error));
    assert_int_equal(t, 1675209599);          /* 2023-01-31T23:59:59Z */
    assert_true(ck_report_parse_date("2023-01-31", TRUE, &t, &error));
    assert_int_equal(t, 1675209599);
    assert_true(ck_report_parse_date("2023-01-31T08:00:00+08:00", TRUE, &t, &error));
    assert_int_equal(t, 1675123200);
    assert_false(ck_report_parse_date("2023-13", FALSE, &t, &error));
    assert_non_null(strstr(error->message, "2023-13"));
    g_clear_error(&error);
}

/* Time to first response (first customer message -> next support one) and to close. */
static void test_first_response_and_close(void **state)
{
    JsonNode *a = parse(CASE_A), *b = parse(CASE_B);
    gint64 seconds = -1;
    assert_true(ck_case_first_response(json_node_get_object(a), &seconds));
    assert_int_equal(seconds, 9000);          /* 08:00 -> 10:30 */
    assert_true(ck_case_time_to_close(json_node_get_object(a), &seconds));
    assert_int_equal(seconds, 2 * 86400 + 3 * 3600);
    assert_false(ck_case_first_response(json_node_get_object(b), &seconds));
    assert_false(ck_case_time_to_close(json_node_get_object(b), &seconds));
    /* a support message before the customer's first does not count */
    JsonNode *c = parse("{\"status\":\"open\",\"messages\":["
                        "{\"side\":\"support\",\"date\":\"2021-01-01T00:00:00Z\"},"
                        "{\"side\":\"customer\",\"date\":\"2021-01-02T00:00:00Z\"},"
                        "{\"side\":\"customer\",\"date\":\"2021-01-03T00:00:00Z\"},"
                        "{\"side\":\"support\",\"date\":\"2021-01-03T01:00:00Z\"}]}");
    assert_true(ck_case_first_response(json_node_get_object(c), &seconds));
    assert_int_equal(seconds, 86400 + 3600);
    json_node_unref(a);
    json_node_unref(b);
    json_node_unref(c);
}

/* Gists skip greetings, squeeze spaces and cut; slugs keep file names safe. */
static void test_gist_and_slug(void **state)
{
    char *gist = ck_text_gist("Hi Ji Qiang，\n\n  first   line\nsecond line", 90);
    assert_string_equal(gist, "first line second line");
    g_free(gist);
    gist = ck_text_gist("张工 您好！\n一二三四五六七八九十", 5);
    assert_string_equal(gist, "一二三四五…");
    g_free(gist);
    char *slug = ck_page_slug("../a b/c");
    assert_string_equal(slug, "_.._a_b_c");
    g_free(slug);
}

/* Median and p90 interpolate between the closest ranks. */
static void test_percentile(void **state)
{
    const gint64 four[] = { 10, 20, 30, 40 }, one[] = { 5 }, ten[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
    assert_float_equal(ck_percentile(four, 4, 0.5), 25.0, 1e-9);
    assert_float_equal(ck_percentile(four, 4, 0.9), 37.0, 1e-9);
    assert_float_equal(ck_percentile(one, 1, 0.9), 5.0, 1e-9);
    assert_float_equal(ck_percentile(ten, 10, 0.5), 5.5, 1e-9);
    assert_float_equal(ck_percentile(ten, 10, 0.9), 9.1, 1e-9);
}

/* Summary JSON: fallback sources, durations, gist, masking, open requests. */
static void test_summary_json(void **state)
{
    JsonNode *a = parse(CASE_A), *b = parse(CASE_B);
    JsonNode *sa = ck_summary_build(a), *sb = ck_summary_build(b);
    GString *ja = ck_json_text(sa), *jb = ck_json_text(sb);
    /* fallbacks: first customer message, longest support message, last message */
    assert_has(ja->str, "\"source\" : \"message 1 (customer, 张三)\"");
    assert_has(ja->str, "\"source\" : \"message 3 (support, 李四)\"");
    assert_has(ja->str, "\"source\" : \"message 4 (customer, 张三)\"");
    assert_has(ja->str, "\"seconds\" : 9000");
    assert_has(ja->str, "\"text\" : \"2 h 30 min\"");
    assert_has(ja->str, "\"gist\" : \"终端激活报错 0xC004F074");   /* greeting line skipped */
    assert_has(ja->str, "*****-*****-*****-*****-4M68B");
    assert_lacks(ja->str, "AB1CD-EF2GH");
    assert_has(ja->str, "\"text\" : \"请提供序列号\"");            /* unanswered */
    assert_lacks(ja->str, "\"text\" : \"请执行 slmgr /dlv\"");     /* answered */
    assert_has(ja->str, "\"side\" : \"support\",\n          \"text\" : \"1688 端口\"");
    /* structured sections win; unknown durations are null */
    assert_has(jb->str, "\"source\" : \"sections.problem\"");
    assert_has(jb->str, "\"source\" : \"sections.conclusion\"");
    assert_has(jb->str, "\"seconds\" : null");
    g_string_free(ja, TRUE);
    g_string_free(jb, TRUE);
    json_node_unref(sa);
    json_node_unref(sb);
    json_node_unref(a);
    json_node_unref(b);
}

/* Summary Markdown and HTML content, with mail markup escaped. */
static void test_summary_md_html(void **state)
{
    JsonNode *a = parse(CASE_A);
    JsonNode *s = ck_summary_build(a);
    GString *md = ck_summary_render(s, "md"), *html = ck_summary_render(s, "html");
    assert_has(md->str, "# CAS-00001-AAAAAA — \\<script\\>alert(1)\\</script\\> 激活失败 \\| #1\n");
    assert_has(md->str, "| Time to first response | 2 h 30 min |");
    assert_has(md->str, "| Time to close | 2 d 3 h |");
    assert_has(md->str, "| 1 | 2021-03-01 08:00 +00:00 | customer | 张三 | 终端激活报错");
    assert_has(md->str, "- **Error codes**: `0xC004F074`");
    assert_has(md->str, "- “0xC004F074” — message 1 (customer), signal code");
    assert_has(md->str, "- **Message 3 (support):** 请提供序列号");
    assert_lacks(md->str, "<script>");
    assert_has(html->str, "<title>CAS-00001-AAAAAA — &lt;script&gt;alert(1)&lt;/script&gt;");
    assert_has(html->str, "&lt;img src=x onerror=alert(2)&gt;");
    assert_has(html->str, "<tr><th>Time to close</th><td>2 d 3 h</td></tr>");
    assert_has(html->str, "Content-Security-Policy");
    assert_lacks(html->str, "<script");
    assert_lacks(html->str, "<img");
    assert_lacks(html->str, "AB1CD-EF2GH");
    g_string_free(md, TRUE);
    g_string_free(html, TRUE);
    json_node_unref(s);
    json_node_unref(a);
}

/* CASE_A and CASE_B as one array node.  Caller unrefs. */
static JsonNode *two_cases(void)
{
    JsonArray *docs = json_array_new();
    json_array_add_element(docs, parse(CASE_A));
    json_array_add_element(docs, parse(CASE_B));
    JsonNode *node = json_node_new(JSON_NODE_ARRAY);
    json_node_take_array(node, docs);
    return node;
}

/* Report tallies, timing, month series, date range, and its three formats. */
static void test_report(void **state)
{
    JsonNode *docs = two_cases();
    CkReportRange all = { .now = 1620000000 + 86400 * 30 };
    JsonNode *report = ck_report_build(json_node_get_array(docs), &all);
    GString *json = ck_report_render(report, "json");
    assert_has(json->str, "\"total\" : 2");
    assert_has(json->str, "\"key\" : \"activation.kms-unreachable\",\n      \"title\" : \"无法连接 KMS 主机\",\n"
                          "      \"cases\" : 1");
    assert_has(json->str, "\"key\" : \"(none)\"");
    assert_has(json->str, "\"median_seconds\" : 9000");
    assert_has(json->str, "\"month\" : \"2021-04\",\n      \"cases\" : 0");  /* months between are kept */
    assert_has(json->str, "\"key\" : \"(unknown)\"");
    GString *html = ck_report_render(report, "html");
    assert_has(html->str, "<svg");
    assert_has(html->str, "<tr><td>CAS-00002-BBBBBB</td>");
    assert_has(html->str, "&lt;script&gt;alert(1)&lt;/script&gt;");
    assert_lacks(html->str, "<script");
    assert_has(html->str, "@media print");
    GString *md = ck_report_render(report, "md");
    assert_has(md->str, "| CAS-00001-AAAAAA | 2021-03-01 08:00 +00:00 | closed | HP | 中国人寿 |");
    CkReportRange may = { .has_since = TRUE, .since = 1619827200, .now = all.now };   /* 2021-05-01 */
    JsonNode *later = ck_report_build(json_node_get_array(docs), &may);
    GString *jl = ck_report_render(later, "json");
    assert_has(jl->str, "\"total\" : 1");
    assert_lacks(jl->str, "CAS-00001-AAAAAA");
    g_string_free(jl, TRUE);
    g_string_free(md, TRUE);
    g_string_free(html, TRUE);
    g_string_free(json, TRUE);
    json_node_unref(later);
    json_node_unref(report);
    json_node_unref(docs);
}

/* Five cases for the dashboard sections: three 紧急事件 (first responses
 * 2 h, 4 h, 10 h; two closed after 5 d and 41 d), one 普通事件 opened by
 * support, one without severity; none opened in February or April; Wang
 * and Li write from addresses, Zhao without one; the customer is named
 * three ways for 北桥银行. */
static const char DASH_CASES[] =
    "[{\"case_id\":\"C1\",\"severity\":\"紧急事件\",\"customer\":\"Northbridge Bank\",\"status\":\"closed\","
    "  \"opened\":\"2021-01-05T00:00:00Z\",\"closed\":\"2021-01-10T00:00:00Z\","
    "  \"causes\":[{\"id\":\"activation.kms\",\"title\":\"KMS\"}],\"messages\":["
    "  {\"from\":\"客户\",\"side\":\"customer\",\"date\":\"2021-01-05T00:00:00Z\"},"
    "  {\"from\":\"Wang\",\"from_addr\":\"Wang@x.cn\",\"side\":\"support\",\"date\":\"2021-01-05T02:00:00Z\"},"
    "  {\"from\":\"Li\",\"from_addr\":\"li@x.cn\",\"side\":\"support\",\"date\":\"2021-01-06T00:00:00Z\"}]},"
    " {\"case_id\":\"C2\",\"severity\":\"紧急事件\",\"customer\":\"北桥银行\",\"status\":\"closed\","
    "  \"opened\":\"2021-01-20T00:00:00Z\",\"closed\":\"2021-03-02T00:00:00Z\","
    "  \"causes\":[{\"id\":\"activation.kms\",\"title\":\"KMS\"},{\"id\":\"imaging.no-sysprep\",\"title\":\"S\"}],"
    "  \"messages\":["
    "  {\"from\":\"客户\",\"side\":\"customer\",\"date\":\"2021-01-20T00:00:00Z\"},"
    "  {\"from\":\"Wang\",\"from_addr\":\"wang@x.cn\",\"side\":\"support\",\"date\":\"2021-01-20T04:00:00Z\"},"
    "  {\"from\":\"王\",\"from_addr\":\"wang@x.cn\",\"side\":\"support\",\"date\":\"2021-03-01T00:00:00Z\"}]},"
    " {\"case_id\":\"C3\",\"severity\":\"紧急事件\",\"customer\":\"北橋銀行\",\"status\":\"open\","
    "  \"opened\":\"2021-03-01T00:00:00Z\",\"closed\":\"\",\"causes\":[],\"messages\":["
    "  {\"from\":\"客户\",\"side\":\"customer\",\"date\":\"2021-03-01T00:00:00Z\"},"
    "  {\"from\":\"Li\",\"from_addr\":\"li@x.cn\",\"side\":\"support\",\"date\":\"2021-03-01T10:00:00Z\"},"
    "  {\"from\":\"客户\",\"side\":\"customer\",\"date\":\"2021-03-02T00:00:00Z\"}]},"
    " {\"case_id\":\"C4\",\"severity\":\"普通事件\",\"customer\":\"\",\"status\":\"open\","
    "  \"opened\":\"2021-03-15T00:00:00Z\",\"closed\":\"\",\"causes\":[{\"id\":\"imaging.no-sysprep\",\"title\":\"S\"}],"
    "  \"messages\":[{\"from\":\"Wang\",\"from_addr\":\"wang@x.cn\",\"side\":\"support\",\"date\":\"2021-03-15T00:00:00Z\"}]},"
    " {\"case_id\":\"C5\",\"severity\":\"\",\"customer\":\"腾讯\",\"status\":\"closed\","
    "  \"opened\":\"2021-05-01T00:00:00Z\",\"closed\":\"2021-05-03T00:00:00Z\",\"causes\":[],\"messages\":["
    "  {\"from\":\"客户\",\"side\":\"customer\",\"date\":\"2021-05-01T00:00:00Z\"},"
    "  {\"from\":\"Zhao\",\"side\":\"support\",\"date\":\"2021-05-01T01:00:00Z\"}]}]";

/* ROW I of array MEMBER of R. */
static JsonObject *row_at(JsonObject *r, const char *member, guint i)
{
    JsonArray *rows = ck_json_get_array(r, member);
    assert_non_null(rows);
    assert_true(i < json_array_get_length(rows));
    return json_array_get_object_element(rows, i);
}

/* The "cases" of every month of ROW's "months" series, joined with
 * spaces.  Caller frees. */
static char *month_counts(JsonObject *row)
{
    JsonArray *months = ck_json_get_array(row, "months");
    GString *s = g_string_new(NULL);
    for (guint i = 0; months && i < json_array_get_length(months); i++)
        g_string_append_printf(s, "%s%" G_GINT64_FORMAT, i ? " " : "",
                               ck_json_int(json_array_get_object_element(months, i), "cases"));
    return g_string_free(s, FALSE);
}

/* Assert ROW's month series. */
static void assert_months(JsonObject *row, const char *expected)
{
    char *got = month_counts(row);
    assert_string_equal(got, expected);
    g_free(got);
}

/* Times by severity: median and p90 per severity, most urgent first. */
static void check_severities(JsonObject *r)
{
    JsonObject *urgent = row_at(r, "times_by_severity", 0);
    assert_string_equal(ck_json_str(urgent, "severity"), "紧急事件");
    assert_int_equal(ck_json_int(urgent, "cases"), 3);
    JsonObject *fr = ck_json_get_object(urgent, "first_response"), *tc = ck_json_get_object(urgent, "time_to_close");
    assert_int_equal(ck_json_int(fr, "count"), 3);
    assert_int_equal(ck_json_int(fr, "median_seconds"), 4 * 3600);
    assert_int_equal(ck_json_int(fr, "p90_seconds"), 31680);          /* 4 h + 0.8 * 6 h */
    assert_int_equal(ck_json_int(tc, "count"), 2);
    assert_int_equal(ck_json_int(tc, "median_seconds"), 23 * 86400);  /* (5 d + 41 d) / 2 */
    assert_int_equal(ck_json_int(tc, "p90_seconds"), 432000 + 3110400 * 9 / 10);
    JsonObject *normal = row_at(r, "times_by_severity", 1);
    assert_string_equal(ck_json_str(normal, "severity"), "普通事件");
    assert_int_equal(ck_json_int(ck_json_get_object(normal, "first_response"), "count"), 0);
    assert_true(json_node_is_null(json_object_get_member(ck_json_get_object(normal, "first_response"),
                                                         "median_seconds")));
    assert_string_equal(ck_json_str(row_at(r, "times_by_severity", 2), "severity"), "(unknown)");
}

/* Opened / closed / open at month end, months without cases included. */
static void check_open_closed(JsonObject *r)
{
    const gint64 want[5][3] = { { 2, 1, 1 }, { 0, 0, 1 }, { 2, 1, 2 }, { 0, 0, 2 }, { 1, 1, 2 } };
    JsonArray *rows = ck_json_get_array(r, "open_closed_by_month");
    assert_int_equal(json_array_get_length(rows), 5);
    assert_string_equal(ck_json_str(row_at(r, "open_closed_by_month", 0), "month"), "2021-01");
    assert_string_equal(ck_json_str(row_at(r, "open_closed_by_month", 3), "month"), "2021-04");
    for (guint i = 0; i < 5; i++) {
        JsonObject *row = row_at(r, "open_closed_by_month", i);
        assert_int_equal(ck_json_int(row, "opened"), want[i][0]);
        assert_int_equal(ck_json_int(row, "closed"), want[i][1]);
        assert_int_equal(ck_json_int(row, "open_at_end"), want[i][2]);
    }
}

/* Per-engineer load, the cause trend and customers merged by alias. */
static void check_engineers_causes_customers(JsonObject *r)
{
    JsonObject *wang = row_at(r, "engineer_load", 0), *li = row_at(r, "engineer_load", 1);
    JsonObject *zhao = row_at(r, "engineer_load", 2);
    assert_string_equal(ck_json_str(wang, "engineer"), "Wang");
    assert_string_equal(ck_json_str(wang, "address"), "Wang@x.cn");
    assert_int_equal(ck_json_int(wang, "open_cases"), 1);   /* C4; C3 was answered last by Li */
    assert_int_equal(ck_json_int(wang, "cases"), 3);
    assert_months(wang, "2 0 2 0 0");
    assert_string_equal(ck_json_str(li, "engineer"), "Li");
    assert_int_equal(ck_json_int(li, "open_cases"), 1);
    assert_int_equal(ck_json_int(li, "cases"), 2);
    assert_months(li, "1 0 1 0 0");
    assert_string_equal(ck_json_str(zhao, "engineer"), "Zhao");
    assert_int_equal(ck_json_int(zhao, "open_cases"), 0);
    assert_months(zhao, "0 0 0 0 1");
    assert_int_equal(json_array_get_length(ck_json_get_array(r, "engineer_load")), 3);
    JsonObject *none = row_at(r, "cause_trend", 0), *kms = row_at(r, "cause_trend", 1);
    JsonObject *sysprep = row_at(r, "cause_trend", 2);
    assert_string_equal(ck_json_str(none, "cause"), "(none)");
    assert_months(none, "0 0 1 0 1");
    assert_string_equal(ck_json_str(kms, "cause"), "activation.kms");
    assert_string_equal(ck_json_str(kms, "title"), "KMS");
    assert_months(kms, "2 0 0 0 0");
    assert_months(sysprep, "1 0 1 0 0");
    JsonObject *top = row_at(r, "by_customer", 0);
    assert_string_equal(ck_json_str(top, "key"), "北桥银行");
    assert_int_equal(ck_json_int(top, "cases"), 3);
    assert_int_equal(json_array_get_length(ck_json_get_array(r, "by_customer")), 3);
}

/* The dashboard sections, computed on DASH_CASES with an alias table, and
 * rendered in Markdown and HTML. */
static void test_report_dashboard(void **state)
{
    JsonNode *docs = json_from_string(DASH_CASES, NULL);
    assert_non_null(docs);
    CkCustomers *customers = ck_customers_new();
    assert_true(ck_customers_add(customers, "北桥银行", "Northbridge Bank", NULL));
    CkReportRange range = { .now = 1625000000, .customers = customers };
    JsonNode *report = ck_report_build(json_node_get_array(docs), &range);
    JsonObject *r = json_node_get_object(report);
    check_severities(r);
    check_open_closed(r);
    check_engineers_causes_customers(r);
    GString *md = ck_report_render(report, "md");
    assert_has(md->str, "## Engineer load 工程师负载");
    assert_has(md->str, "| Wang | Wang@x.cn | 1 | 3 |");
    assert_has(md->str, "| 紧急事件 | 3 | 3 | 4 h | 8 h 48 min | 2 | 23 d |");
    assert_has(md->str, "| 2021-03 | (none) 1; S 1 |");
    assert_has(md->str, "| 2021-04 | 0 | 0 | 2 |");
    GString *html = ck_report_render(report, "html");
    assert_has(html->str, "Open at month end");
    assert_has(html->str, "<td>北桥银行</td>");
    g_string_free(html, TRUE);
    g_string_free(md, TRUE);
    json_node_unref(report);
    ck_customers_free(customers);
    json_node_unref(docs);
}

/* Fail unless every href="…" of every page names another page. */
static void assert_links_resolve(GPtrArray *pages)
{
    GHashTable *paths = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < pages->len; i++)
        g_hash_table_add(paths, ((CkKbPage *)g_ptr_array_index(pages, i))->path);
    guint links = 0;
    for (guint i = 0; i < pages->len; i++) {
        CkKbPage *page = g_ptr_array_index(pages, i);
        char *dir = g_path_get_dirname(page->path);
        for (const char *p = strstr(page->text->str, "href=\""); p; p = strstr(p + 1, "href=\"")) {
            const char *start = p + 6, *end = strchr(start, '"');
            char *href = g_strndup(start, end - start);
            char *joined = g_build_filename(dir, href, NULL);
            char *resolved = g_canonicalize_filename(joined, "/kb");
            if (!g_hash_table_contains(paths, resolved + 4))
                fail_msg("%s links to %s, which is not a page", page->path, href);
            links++;
            g_free(resolved);
            g_free(joined);
            g_free(href);
        }
        g_free(dir);
    }
    assert_true(links >= 6);
    g_hash_table_unref(paths);
}

/* Knowledge-base pages: article parts, every link resolves, Markdown links. */
static void test_kb_pages(void **state)
{
    JsonNode *docs = two_cases();
    GPtrArray *pages = ck_kb_pages(json_node_get_array(docs), "html");
    assert_int_equal(pages->len, 1 + 1 + 2);   /* index, one article, two case pages */
    CkKbPage *article = NULL;
    for (guint i = 0; i < pages->len; i++)
        if (!strcmp(((CkKbPage *)g_ptr_array_index(pages, i))->path, "causes/activation.kms-unreachable.html"))
            article = g_ptr_array_index(pages, i);
    assert_non_null(article);
    assert_has(article->text->str, "<li>“终端激活报错 0xC004F074 &lt;img src=x onerror=alert(2)&gt;” — "
                                   "<a href=\"../cases/CAS-00001-AAAAAA.html\">CAS-00001-AAAAAA</a></li>");
    assert_has(article->text->str, "<li><code>slmgr /ato</code> — used in 1 of 1 resolved cases</li>");
    assert_has(article->text->str, "Command: <code>slmgr /dlv</code>");
    assert_has(article->text->str, "<li>不要重装系统</li>");
    assert_has(article->text->str, "Steps from support (message 3): slmgr /ato");
    assert_has(article->text->str, "<td>中国人寿</td>");
    assert_links_resolve(pages);
    GPtrArray *md = ck_kb_pages(json_node_get_array(docs), "md");
    assert_string_equal(((CkKbPage *)g_ptr_array_index(md, 0))->path, "index.md");
    assert_has(((CkKbPage *)g_ptr_array_index(md, 0))->text->str,
               "[CAS-00001-AAAAAA](cases/CAS-00001-AAAAAA.md)");
    for (guint i = 0; i < md->len; i++)
        assert_lacks(((CkKbPage *)g_ptr_array_index(md, i))->text->str, "AB1CD-EF2GH");
    g_ptr_array_unref(md);
    g_ptr_array_unref(pages);
    json_node_unref(docs);
}

/* _bulk lines: action then document, null dates, seconds, masking, input untouched. */
static void test_export_lines(void **state)
{
    JsonNode *b = parse(CASE_B), *a = parse(CASE_A);
    GString *out = g_string_new(NULL);
    ck_export_bulk_append(out, b);
    ck_export_bulk_append(out, a);
    char **lines = g_strsplit(out->str, "\n", -1);
    assert_int_equal(g_strv_length(lines), 5);   /* four lines and the empty tail */
    assert_string_equal(lines[0], "{\"index\":{\"_index\":\"casekb-cases\",\"_id\":\"CAS-00002-BBBBBB\"}}");
    assert_has(lines[1], "\"closed\":null");
    assert_has(lines[1], "\"first_response_seconds\":null");
    assert_has(lines[3], "\"first_response_seconds\":9000");
    assert_has(lines[3], "*****-*****-*****-*****-4M68B");
    assert_lacks(out->str, "AB1CD-EF2GH");
    assert_string_equal(lines[4], "");
    /* the document given is not changed */
    assert_string_equal(json_object_get_string_member(json_node_get_object(b), "closed"), "");
    g_strfreev(lines);
    g_string_free(out, TRUE);
    json_node_unref(a);
    json_node_unref(b);
}

/* Terminal control characters: line breaks become "\n" (or a space on one
 * line), other controls U+FFFD; Markdown and every text rendering get the
 * printable text, JSON keeps the characters. */
static void test_text_printable(void **state)
{
    const char *mail = "a\033[31mred\033[0m\r\nb\rc\u2028d\u2029e\xc2\x85" "f\tg\xc2\x9b" "2Jh\007i\x7fj";
    g_autofree char *multi = ck_text_printable(mail, FALSE);
    assert_string_equal(multi, "a\uFFFD[31mred\uFFFD[0m\nb\nc\nd\ne\nf\tg\uFFFD2Jh\uFFFDi\uFFFDj");
    g_autofree char *line = ck_text_printable(mail, TRUE);
    assert_string_equal(line, "a\uFFFD[31mred\uFFFD[0m b c d e f g\uFFFD2Jh\uFFFDi\uFFFDj");
    g_autofree char *bad = ck_text_printable("x\xff\x1b", TRUE);
    assert_true(g_utf8_validate(bad, -1, NULL));
    assert_lacks(bad, "\x1b");
    g_autofree char *none = ck_text_printable(NULL, TRUE);
    assert_string_equal(none, "");
    GString *md = g_string_new(NULL);
    ck_md_inline(md, "t\033]0;x\007\r\ny");
    assert_string_equal(md->str, "t\uFFFD\\]0;x\uFFFD y");
    g_string_free(md, TRUE);
}

/* A text renderer that prints the "s" member raw (the writer must have
 * made it printable already). */
static void print_s(FILE *out, JsonNode *node)
{
    fputs(ck_json_str(json_array_get_object_element(json_node_get_array(node), 0), "s"), out);
}

/* ck_output_write: text renderers see printable strings; JSON is escaped
 * and unchanged; the caller's node is not changed. */
static void test_output_write_printable(void **state)
{
    JsonNode *node = json_from_string("[{\"s\": \"x\\u001b[2Jy\\r\\u2028z\", \"n\": 1}]", NULL);
    char *text = NULL, *json = NULL;
    size_t n = 0;
    FILE *out = open_memstream(&text, &n);
    ck_output_write(out, CK_FORMAT_TEXT, node, print_s);
    fclose(out);
    assert_string_equal(text, "x\uFFFD[2Jy\n\nz");
    out = open_memstream(&json, &n);
    ck_output_write(out, CK_FORMAT_JSON, node, print_s);
    fclose(out);
    assert_has(json, "\\u001b[2J");
    assert_string_equal(ck_json_str(json_array_get_object_element(json_node_get_array(node), 0), "s"),
                        "x\033[2Jy\r\u2028z");
    free(text);
    free(json);
    json_node_unref(node);
}

/* Gists are masked before they are cut: a key cut by the limit, or broken
 * over two lines that the gist joins, shows only its last group. */
static void test_gist_masks_before_cut(void **state)
{
    const char *body = "您好！\nActivation fails on 12 HP desktops; KMS returns this error codes: "
                       "TQ7BK-8M2XR-JCY6D-3WFGH-P9V4M 0xC004F074\n";
    g_autofree char *gist = ck_text_gist(body, 90);
    assert_lacks(gist, "TQ7BK-8M2XR-JCY6D-3WFGH");
    assert_has(gist, "*****-*****-*****-*****-");
    g_autofree char *split = ck_text_gist("key TQ7BK-8M2XR-JCY6D-3WFGH-\nP9V4M ok", 90);
    assert_string_equal(split, "key *****-*****-*****-*****-P9V4M ok");
    g_autofree char *spaced = ck_text_gist("key TQ7BK 8M2XR JCY6D 3WFGH\nP9V4M ok", 20);
    assert_lacks(spaced, "8M2XR");
}

/* Run every test of this file. */
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_html_escape),
        cmocka_unit_test(test_md_escape),
        cmocka_unit_test(test_durations_and_dates),
        cmocka_unit_test(test_first_response_and_close),
        cmocka_unit_test(test_gist_and_slug),
        cmocka_unit_test(test_percentile),
        cmocka_unit_test(test_summary_json),
        cmocka_unit_test(test_summary_md_html),
        cmocka_unit_test(test_report),
        cmocka_unit_test(test_report_dashboard),
        cmocka_unit_test(test_kb_pages),
        cmocka_unit_test(test_export_lines),
        cmocka_unit_test(test_text_printable),
        cmocka_unit_test(test_output_write_printable),
        cmocka_unit_test(test_gist_masks_before_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
