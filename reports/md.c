/* md.c — Markdown escaping of mail text. */
#include "reports/md.h"
#include "reports/summary.h"
#include "reports/output.h"
#include <string.h>

/* Characters escaped wherever they stand (CommonMark backslash escapes). */
static const char ESCAPE_ANYWHERE[] = "\\`*_[]<>|&~";

/* TRUE when the line [P, END) is only one of = - + repeated (with spaces):
 * Markdown would read it as a setext underline or a thematic break. */
static gboolean is_rule_line(const char *p, const char *end)
{
    char mark = 0;
    for (; p < end; p++) {
        if (*p == ' ' || *p == '\t')
            continue;
        if (!strchr("=-+", *p) || (mark && *p != mark))
            return FALSE;
        mark = *p;
    }
    return mark != 0;
}

/* Append the line [P, END) escaped: structure at its start (#, rules) and
 * the special characters anywhere. */
static void escape_line(GString *out, const char *p, const char *end)
{
    const char *start = p;
    while (start < end && (*start == ' ' || *start == '\t'))
        start++;
    gboolean escape_first = start < end && (*start == '#' || is_rule_line(start, end));
    for (; p < end; p++) {
        if ((p == start && escape_first) || strchr(ESCAPE_ANYWHERE, *p))
            g_string_append_c(out, '\\');
        g_string_append_c(out, *p);
    }
}

/* See md.h. */
void ck_md_inline(GString *out, const char *text)
{
    char *safe = ck_text_printable(text, FALSE);
    const char *p = safe;
    while (*p) {
        const char *end = strchr(p, '\n');
        if (!end)
            end = p + strlen(p);
        const char *stop = end > p && end[-1] == '\r' ? end - 1 : end;
        escape_line(out, p, stop);
        if (!*end)
            break;
        g_string_append_c(out, ' ');
        p = end + 1;
    }
    g_free(safe);
}

/* See md.h. */
void ck_md_cell(GString *out, const char *text)
{
    if (!text || !*text)
        g_string_append(out, "—");
    else
        ck_md_inline(out, text);
}

/* See md.h. */
void ck_md_quote(GString *out, const char *text)
{
    char *safe = ck_text_printable(text, FALSE);
    const char *p = safe;
    do {
        const char *end = strchr(p, '\n');
        if (!end)
            end = p + strlen(p);
        const char *stop = end > p && end[-1] == '\r' ? end - 1 : end;
        g_string_append(out, stop > p ? "> " : ">");
        escape_line(out, p, stop);
        g_string_append_c(out, '\n');
        p = *end ? end + 1 : end;
    } while (*p);
    g_string_append_c(out, '\n');
    g_free(safe);
}

/* Length of the longest run of backticks in TEXT. */
static guint longest_backtick_run(const char *text)
{
    guint best = 0, run = 0;
    for (const char *p = text; *p; p++) {
        run = *p == '`' ? run + 1 : 0;
        best = MAX(best, run);
    }
    return best;
}

/* See md.h. */
void ck_md_code(GString *out, const char *text)
{
    char *safe = ck_text_printable(text, TRUE);
    const char *t = safe;
    guint fence = longest_backtick_run(t) + 1;
    gboolean pad = t[0] == '`' || (t[0] && t[strlen(t) - 1] == '`');
    for (guint i = 0; i < fence; i++)
        g_string_append_c(out, '`');
    if (pad)
        g_string_append_c(out, ' ');
    for (const char *p = t; *p; p++)
        g_string_append_c(out, *p == '\n' || *p == '\r' ? ' ' : *p);
    if (pad)
        g_string_append_c(out, ' ');
    for (guint i = 0; i < fence; i++)
        g_string_append_c(out, '`');
    g_free(safe);
}

/* ---- the Markdown page backend (summary.h CkPageOps) ---- */

/* Page frame: a level-one heading; nothing at the end. */
static void md_begin(CkPage *page, const char *title)
{
    g_string_append(page->out, "# ");
    ck_md_inline(page->out, title);
    g_string_append(page->out, "\n\n");
}

/* Markdown pages need no closing. */
static void md_end(CkPage *page)
{
}

/* "## TEXT" (anchors are left to the renderer). */
static void md_heading(CkPage *page, int level, const char *text, const char *anchor)
{
    for (int i = 0; i < CLAMP(level, 1, 6); i++)
        g_string_append_c(page->out, '#');
    g_string_append_c(page->out, ' ');
    ck_md_inline(page->out, text);
    g_string_append(page->out, "\n\n");
}

/* Open a block: list items start with "- ", rows with "|", notes in italics. */
static void md_block_begin(CkPage *page, CkBlock kind)
{
    switch (kind) {
    case CK_BLOCK_TABLE: page->row = 0; break;
    case CK_BLOCK_ROW: page->cells = 0; g_string_append_c(page->out, '|'); break;
    case CK_BLOCK_HEAD_CELL: case CK_BLOCK_CELL: case CK_BLOCK_NUM_CELL:
        g_string_append_c(page->out, ' ');
        break;
    case CK_BLOCK_ITEM: g_string_append(page->out, "- "); break;
    case CK_BLOCK_NOTE: g_string_append_c(page->out, '_'); break;
    default: break;
    }
}

/* Close a block: the first row of a table is followed by its rule. */
static void md_block_end(CkPage *page, CkBlock kind)
{
    switch (kind) {
    case CK_BLOCK_HEAD_CELL: case CK_BLOCK_CELL: case CK_BLOCK_NUM_CELL:
        g_string_append(page->out, " |");
        page->cells++;
        break;
    case CK_BLOCK_ROW:
        g_string_append_c(page->out, '\n');
        if (page->row++ == 0) {
            g_string_append_c(page->out, '|');
            for (guint i = 0; i < page->cells; i++)
                g_string_append(page->out, "---|");
            g_string_append_c(page->out, '\n');
        }
        break;
    case CK_BLOCK_ITEM: g_string_append_c(page->out, '\n'); break;
    case CK_BLOCK_NOTE: g_string_append(page->out, "_\n\n"); break;
    case CK_BLOCK_PARAGRAPH: case CK_BLOCK_NAV: g_string_append(page->out, "\n\n"); break;
    default: g_string_append_c(page->out, '\n'); break;
    }
}

/* Running text, escaped. */
static void md_text(CkPage *page, const char *text)
{
    ck_md_inline(page->out, text);
}

/* **TEXT**, escaped. */
static void md_strong(CkPage *page, const char *text)
{
    g_string_append(page->out, "**");
    ck_md_inline(page->out, text);
    g_string_append(page->out, "**");
}

/* TEXT as a code span. */
static void md_code(CkPage *page, const char *text)
{
    ck_md_code(page->out, text);
}

/* [TEXT](HREF): the text escaped; HREF is a relative page link of ours. */
static void md_link(CkPage *page, const char *href, const char *text)
{
    g_string_append_c(page->out, '[');
    ck_md_inline(page->out, text);
    g_string_append_printf(page->out, "](%s)", href);
}

/* Mail text as a block quote, escaped line by line. */
static void md_quote(CkPage *page, const char *text)
{
    ck_md_quote(page->out, text);
}

/* A chart as a two-column table under its title. */
static void md_chart(CkPage *page, gboolean columns, const char *title, const CkChartBar *bars, guint n)
{
    g_string_append(page->out, "**");
    ck_md_inline(page->out, title);
    g_string_append(page->out, "**\n\n");
    if (n == 0) {
        g_string_append(page->out, "_No data._\n\n");
        return;
    }
    g_string_append(page->out, "| | |\n|---|---:|\n");
    for (guint i = 0; i < n; i++) {
        if (columns && bars[i].value <= 0)
            continue;   /* a time series: empty months are left out of the table */
        g_string_append(page->out, "| ");
        ck_md_cell(page->out, bars[i].label);
        if (bars[i].value_text) {
            g_string_append(page->out, " | ");
            ck_md_inline(page->out, bars[i].value_text);
            g_string_append(page->out, " |\n");
        } else
            g_string_append_printf(page->out, " | %.0f |\n", bars[i].value);
    }
    g_string_append_c(page->out, '\n');
}

/* See summary.h. */
const CkPageOps *ck_page_ops_md(void)
{
    static const CkPageOps ops = {
        md_begin, md_end, md_heading, md_block_begin, md_block_end, md_text,
        md_strong, md_code, md_link, md_quote, md_chart,
    };
    return &ops;
}
