/* page.c — the page frame and shared pieces (page.h). */
#include "serve/page.h"
#include "reports/html.h"
#include "reports/output.h"
#include "reports/timezone.h"
#include <stdarg.h>
#include <string.h>

/* See page.h. */
void ck_serve_page_begin(GString *out, const char *title, const char *query)
{
    g_string_append(out, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
                         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    ck_html_escape(out, title);
    g_string_append(out, " · casekb</title>\n<link rel=\"stylesheet\" href=\"/static/casekb.css\">\n"
                         "<script src=\"/static/casekb.js\" defer></script>\n</head>\n<body>\n"
                         "<header><nav><a class=\"brand\" href=\"/\">casekb</a> <a href=\"/\">Queue 队列</a> "
                         "<a href=\"/dashboard\">Dashboard 统计</a></nav>\n"
                         "<form class=\"search\" action=\"/search\" method=\"get\" role=\"search\">"
                         "<input type=\"search\" name=\"q\" placeholder=\"搜索 search: 0xC004F074 vendor:HP\" value=\"");
    ck_html_escape(out, query);
    g_string_append(out, "\"><button type=\"submit\">Search</button></form></header>\n<main>\n");
}

/* See page.h. */
void ck_serve_page_end(GString *out)
{
    g_string_append(out, "</main>\n</body>\n</html>\n");
}

/* Append "NAME=VALUE" URL-encoded to HREF, after '?' or '&'. */
static void append_param(GString *href, const char *name, const char *value)
{
    g_string_append_c(href, strchr(href->str, '?') ? '&' : '?');
    g_string_append_uri_escaped(href, name, NULL, TRUE);
    g_string_append_c(href, '=');
    g_string_append_uri_escaped(href, value, NULL, TRUE);
}

/* See page.h. */
char *ck_serve_href(const char *path, GHashTable *query, const char *const *keep, ...)
{
    GTree *params = g_tree_new((GCompareFunc)strcmp);
    for (guint i = 0; query && keep && keep[i]; i++) {
        const char *value = g_hash_table_lookup(query, keep[i]);
        if (value && *value)
            g_tree_insert(params, (gpointer)keep[i], (gpointer)value);
    }
    va_list ap;
    va_start(ap, keep);
    for (const char *name = va_arg(ap, const char *); name; name = va_arg(ap, const char *)) {
        const char *value = va_arg(ap, const char *);
        if (value)
            g_tree_insert(params, (gpointer)name, (gpointer)value);
        else
            g_tree_remove(params, name);
    }
    va_end(ap);
    GString *href = g_string_new(path);
    GTreeNode *node = g_tree_node_first(params);
    for (; node; node = g_tree_node_next(node))
        append_param(href, g_tree_node_key(node), g_tree_node_value(node));
    g_tree_destroy(params);
    return g_string_free(href, FALSE);
}

/* See page.h. */
char *ck_serve_case_href(const char *case_id)
{
    GString *href = g_string_new("/case/");
    g_string_append_uri_escaped(href, case_id, NULL, TRUE);
    return g_string_free(href, FALSE);
}

/* See page.h. */
void ck_serve_case_link(GString *out, const char *case_id)
{
    char *href = ck_serve_case_href(case_id);
    ck_html_link(out, href, case_id);
    g_free(href);
}

/* See page.h. */
void ck_serve_time(GString *out, const char *iso, gboolean date_only)
{
    char *shown = ck_time_display(iso, date_only);
    ck_html_escape(out, shown);
    g_free(shown);
}

/* See page.h. */
void ck_serve_unix_time(GString *out, gint64 when, gboolean date_only)
{
    GDateTime *dt = when ? g_date_time_new_from_unix_utc(when) : NULL;
    if (!dt)
        return;
    char *iso = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ");
    ck_serve_time(out, iso, date_only);
    g_free(iso);
    g_date_time_unref(dt);
}

/* Append the PLAIN text collected so far, escaped, and empty it. */
static void flush_plain(GString *out, GString *plain)
{
    ck_html_escape(out, plain->str);
    g_string_truncate(plain, 0);
}

/* See page.h. */
void ck_serve_marked(GString *out, const char *text, const char *open, const char *close)
{
    gboolean in_mark = FALSE;
    size_t open_len = strlen(open), close_len = strlen(close);
    GString *plain = g_string_new(NULL);
    for (const char *p = text ? text : ""; *p;) {
        gboolean is_open = strncmp(p, open, open_len) == 0, is_close = strncmp(p, close, close_len) == 0;
        if (!is_open && !is_close) {
            const char *next = g_utf8_next_char(p);
            g_string_append_len(plain, p, next - p);
            p = next;
            continue;
        }
        flush_plain(out, plain);
        if (is_open != in_mark) {   /* an opening marker outside, or a closing one inside, a mark */
            g_string_append(out, in_mark ? "</mark>" : "<mark>");
            in_mark = !in_mark;
        }
        p += is_open ? open_len : close_len;
    }
    flush_plain(out, plain);
    if (in_mark)
        g_string_append(out, "</mark>");
    g_string_free(plain, TRUE);
}

/* See page.h. */
void ck_serve_fields(GString *out, JsonObject *object, const char *const *names)
{
    g_string_append(out, "<dl class=\"fields\">");
    for (guint i = 0; names[i] && names[i + 1]; i += 2) {
        const char *value = ck_json_str(object, names[i + 1]);
        if (!*value)
            continue;
        g_string_append(out, "<dt>");
        ck_html_escape(out, names[i]);
        g_string_append(out, "</dt><dd>");
        if (g_str_has_suffix(names[i + 1], "opened") || g_str_has_suffix(names[i + 1], "closed"))
            ck_serve_time(out, value, FALSE);
        else
            ck_html_escape(out, value);
        g_string_append(out, "</dd>");
    }
    g_string_append(out, "</dl>\n");
}
