/* html.c — escaping writer, page frame and inline SVG charts. */
#include "reports/html.h"
#include "reports/output.h"
#include <math.h>
#include <string.h>

/* The inline stylesheet: CJK-first font stack, readable tables, mail text
 * kept as written, and print rules (no navigation, no split charts). */
static const char STYLE[] =
    "body{font-family:\"Noto Sans CJK SC\",\"Noto Sans SC\",\"Source Han Sans SC\",\"Microsoft YaHei\","
    "\"微软雅黑\",\"PingFang SC\",\"Hiragino Sans GB\",\"WenQuanYi Micro Hei\",sans-serif;"
    "margin:0;color:#1d2330;background:#fff;line-height:1.55;font-size:15px}"
    "main{max-width:1100px;margin:0 auto;padding:24px}"
    "h1{font-size:1.5em;margin:.2em 0 .6em}h2{font-size:1.2em;border-bottom:2px solid #d8dee9;"
    "padding-bottom:.2em;margin-top:1.6em}h3{font-size:1.05em;margin-bottom:.3em}"
    "table{border-collapse:collapse;width:100%;margin:.6em 0}"
    "th,td{border:1px solid #d8dee9;padding:4px 8px;text-align:left;vertical-align:top}"
    "th{background:#eef2f7}td.num,th.num{text-align:right;white-space:nowrap}"
    "table.meta th{width:11em}"
    "blockquote.mail{white-space:pre-wrap;margin:.4em 0;padding:.4em .8em;border-left:4px solid #9fb3c8;"
    "background:#f6f8fa}"
    "code{font-family:\"Cascadia Mono\",Consolas,\"DejaVu Sans Mono\",monospace;background:#f0f2f5;"
    "padding:0 3px;border-radius:3px}"
    ".side-support{color:#0b5394}.side-customer{color:#7a3e00}.muted{color:#6b7280}"
    "nav{font-size:.9em;margin-bottom:1em}nav a{margin-right:1em}"
    "figure{margin:1em 0}figcaption{font-weight:bold;margin-bottom:.3em}"
    "svg{max-width:100%;height:auto;font-family:inherit}svg text{font-size:12px;fill:#1d2330}"
    "svg rect.bar{fill:#4a7ab5}.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));"
    "gap:8px 24px}"
    "@media print{nav{display:none}main{max-width:none;padding:0}body{font-size:10pt}"
    "figure,table,tr,blockquote{break-inside:avoid}a{color:inherit;text-decoration:none}"
    "h2{break-after:avoid}}";

/* See html.h. */
void ck_html_escape(GString *out, const char *text)
{
    /* GLib's markup escaper covers & < > " '; a control character or a
     * bidirectional override would still act as &#x1b; or &#x202e;, so the
     * text is made printable first (output.h). */
    char *plain = ck_text_printable(text, FALSE);
    char *escaped = g_markup_escape_text(plain, -1);
    g_string_append(out, escaped);
    g_free(escaped);
    g_free(plain);
}

/* See html.h. */
void ck_html_element(GString *out, const char *tag, const char *css_class, const char *text)
{
    g_string_append_printf(out, "<%s", tag);
    if (css_class) {
        g_string_append(out, " class=\"");
        ck_html_escape(out, css_class);
        g_string_append_c(out, '"');
    }
    g_string_append_c(out, '>');
    ck_html_escape(out, text);
    g_string_append_printf(out, "</%s>", tag);
}

/* See html.h. */
void ck_html_link(GString *out, const char *href, const char *text)
{
    g_string_append(out, "<a href=\"");
    ck_html_escape(out, href);
    g_string_append(out, "\">");
    ck_html_escape(out, text);
    g_string_append(out, "</a>");
}

/* See html.h. */
void ck_html_quote(GString *out, const char *text)
{
    ck_html_element(out, "blockquote", "mail", text);
    g_string_append_c(out, '\n');
}

/* See html.h. */
void ck_html_page_begin(GString *out, const char *title)
{
    g_string_append(out, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
                         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                         "style-src 'unsafe-inline'; img-src data:\">\n<title>");
    ck_html_escape(out, title);
    g_string_append_printf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n", STYLE);
}

/* See html.h. */
void ck_html_page_end(GString *out)
{
    g_string_append(out, "</main>\n</body>\n</html>\n");
}

/* LABEL cut to about MAX_COLUMNS terminal columns (wide CJK characters
 * count two), with "…" when cut.  Caller frees. */
static char *label_fit(const char *label, int max_columns)
{
    GString *fit = g_string_new(NULL);
    int used = 0;
    for (const char *p = label ? label : ""; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        int w = g_unichar_iswide(c) ? 2 : 1;
        if (used + w > max_columns) {
            g_string_append(fit, "…");
            break;
        }
        g_string_append_unichar(fit, c);
        used += w;
    }
    return g_string_free(fit, FALSE);
}

/* The largest bar value, at least 1 so scales never divide by zero. */
static double bars_max(const CkChartBar *bars, guint n)
{
    double max = 1;
    for (guint i = 0; i < n; i++)
        max = MAX(max, bars[i].value);
    return max;
}

/* Append the bar's value text (its own, or the value as an integer). */
static void append_value_text(GString *out, const CkChartBar *bar)
{
    if (bar->value_text)
        ck_html_escape(out, bar->value_text);
    else
        g_string_append_printf(out, "%.0f", bar->value);
}

/* Open <figure> with the escaped caption; FALSE (after a note) when there
 * is nothing to draw. */
static gboolean figure_begin(GString *out, const char *title, guint n)
{
    g_string_append(out, "<figure class=\"chart\"><figcaption>");
    ck_html_escape(out, title);
    g_string_append(out, "</figcaption>\n");
    if (n > 0)
        return TRUE;
    g_string_append(out, "<p class=\"muted\">No data.</p></figure>\n");
    return FALSE;
}

/* Append one <title> (hover text) and <text> label element for a bar;
 * TRANSFORM (may be NULL) is appended inside the tag as written. */
static void append_bar_label(GString *out, const char *label, int x, int y, const char *anchor,
                             const char *transform, int max_columns)
{
    char *fit = label_fit(label, max_columns);
    g_string_append_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\"%s><title>", x, y, anchor,
                           transform ? transform : "");
    ck_html_escape(out, label);
    g_string_append(out, "</title>");
    ck_html_escape(out, fit);
    g_string_append(out, "</text>");
    g_free(fit);
}

/* Append the opening <svg> tag of a WIDTH x HEIGHT chart.  Coordinates
 * are whole pixels so no locale can put a decimal comma into them. */
static void svg_begin(GString *out, int width, int height)
{
    g_string_append_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 %d %d\""
                                " width=\"%d\" height=\"%d\">\n", width, height, width, height);
}

/* Length in pixels of VALUE on a scale where MAX is FULL pixels; at least
 * 2 for a positive value so it stays visible. */
static int scaled(double value, double max, int full)
{
    return value > 0 ? MAX(2, (int)lround(full * value / max)) : 0;
}

/* See html.h. */
void ck_html_bar_chart(GString *out, const char *title, const CkChartBar *bars, guint n)
{
    if (!figure_begin(out, title, n))
        return;
    const int label_w = 210, bar_w = 330, row_h = 22, width = 620;
    double max = bars_max(bars, n);
    svg_begin(out, width, (int)n * row_h + 8);
    for (guint i = 0; i < n; i++) {
        int y = 4 + (int)i * row_h, len = scaled(bars[i].value, max, bar_w);
        append_bar_label(out, bars[i].label, label_w - 6, y + 15, "end", NULL, 30);
        g_string_append_printf(out, "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>"
                                    "<text x=\"%d\" y=\"%d\">", label_w, y + 3, len, row_h - 6,
                               label_w + len + 6, y + 15);
        append_value_text(out, &bars[i]);
        g_string_append(out, "</text>\n");
    }
    g_string_append(out, "</svg></figure>\n");
}

/* See html.h. */
void ck_html_column_chart(GString *out, const char *title, const CkChartBar *bars, guint n)
{
    if (!figure_begin(out, title, n))
        return;
    const int col_w = 18, plot_h = 160, top = 18, left = 40, label_h = 60;
    double max = bars_max(bars, n);
    int width = MAX(300, left * 2 + (int)n * col_w), base = top + plot_h;
    svg_begin(out, width, base + label_h);
    g_string_append_printf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#9aa5b1\"/>\n",
                           left, base, width - left, base);
    for (guint i = 0; i < n; i++) {
        int h = scaled(bars[i].value, max, plot_h), x = left + (int)i * col_w, mid = x + col_w / 2;
        g_string_append_printf(out, "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>",
                               x + 2, base - h, col_w - 4, h);
        if (bars[i].value > 0) {
            g_string_append_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">", mid, base - h - 3);
            append_value_text(out, &bars[i]);
            g_string_append(out, "</text>");
        }
        char *rotate = g_strdup_printf(" transform=\"rotate(-60 %d %d)\"", mid, base + 12);
        append_bar_label(out, bars[i].label, mid, base + 12, "end", rotate, 10);
        g_free(rotate);
        g_string_append_c(out, '\n');
    }
    g_string_append(out, "</svg></figure>\n");
}

/* ---- the HTML page backend (summary.h CkPageOps) ---- */

/* The element name and class of each block kind. */
static const struct {
    const char *tag, *css_class;
} HTML_BLOCKS[] = {
    [CK_BLOCK_PARAGRAPH] = { "p", NULL },   [CK_BLOCK_NOTE] = { "p", "muted" },
    [CK_BLOCK_LIST] = { "ul", NULL },       [CK_BLOCK_ITEM] = { "li", NULL },
    [CK_BLOCK_TABLE] = { "table", NULL },   [CK_BLOCK_ROW] = { "tr", NULL },
    [CK_BLOCK_HEAD_CELL] = { "th", NULL },  [CK_BLOCK_CELL] = { "td", NULL },
    [CK_BLOCK_NUM_CELL] = { "td", "num" },
    [CK_BLOCK_GROUP] = { "div", "charts" }, [CK_BLOCK_NAV] = { "nav", NULL },
};

/* Page frame callbacks: the head, and TITLE again as the <h1>. */
static void html_begin(CkPage *page, const char *title)
{
    ck_html_page_begin(page->out, title);
    ck_html_element(page->out, "h1", NULL, title);
    g_string_append_c(page->out, '\n');
}

/* Close the page frame. */
static void html_end(CkPage *page)
{
    ck_html_page_end(page->out);
}

/* <hN id="ANCHOR">escaped TEXT</hN>. */
static void html_heading(CkPage *page, int level, const char *text, const char *anchor)
{
    g_string_append_printf(page->out, "<h%d", CLAMP(level, 1, 6));
    if (anchor) {
        g_string_append(page->out, " id=\"");
        ck_html_escape(page->out, anchor);
        g_string_append_c(page->out, '"');
    }
    g_string_append_c(page->out, '>');
    ck_html_escape(page->out, text);
    g_string_append_printf(page->out, "</h%d>\n", CLAMP(level, 1, 6));
}

/* Open a block element. */
static void html_block_begin(CkPage *page, CkBlock kind)
{
    g_string_append_printf(page->out, "<%s", HTML_BLOCKS[kind].tag);
    if (HTML_BLOCKS[kind].css_class)
        g_string_append_printf(page->out, " class=\"%s\"", HTML_BLOCKS[kind].css_class);
    g_string_append_c(page->out, '>');
}

/* Close a block element (block-level ones end their line). */
static void html_block_end(CkPage *page, CkBlock kind)
{
    g_string_append_printf(page->out, "</%s>", HTML_BLOCKS[kind].tag);
    if (kind != CK_BLOCK_HEAD_CELL && kind != CK_BLOCK_CELL && kind != CK_BLOCK_NUM_CELL)
        g_string_append_c(page->out, '\n');
}

/* Running text, escaped. */
static void html_text(CkPage *page, const char *text)
{
    ck_html_escape(page->out, text);
}

/* <strong>escaped TEXT</strong>. */
static void html_strong(CkPage *page, const char *text)
{
    ck_html_element(page->out, "strong", NULL, text);
}

/* <code>escaped TEXT</code>. */
static void html_code(CkPage *page, const char *text)
{
    ck_html_element(page->out, "code", NULL, text);
}

/* A link with escaped HREF and TEXT. */
static void html_link(CkPage *page, const char *href, const char *text)
{
    ck_html_link(page->out, href, text);
}

/* Mail text as a quoted block, line breaks kept. */
static void html_quote(CkPage *page, const char *text)
{
    ck_html_quote(page->out, text);
}

/* A chart as inline SVG. */
static void html_chart(CkPage *page, gboolean columns, const char *title, const CkChartBar *bars, guint n)
{
    if (columns)
        ck_html_column_chart(page->out, title, bars, n);
    else
        ck_html_bar_chart(page->out, title, bars, n);
}

/* See summary.h. */
const CkPageOps *ck_page_ops_html(void)
{
    static const CkPageOps ops = {
        html_begin, html_end, html_heading, html_block_begin, html_block_end, html_text,
        html_strong, html_code, html_link, html_quote, html_chart,
    };
    return &ops;
}
