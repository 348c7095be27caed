/* md.c — Markdown escaping of mail text. */
#include "reports/md.h"
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
    const char *p = text ? text : "";
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
    const char *p = text ? text : "";
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
    const char *t = text ? text : "";
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
}

/* See md.h. */
void ck_md_table_head(GString *out, const char *const *headings)
{
    GString *rule = g_string_new("|");
    g_string_append_c(out, '|');
    for (guint i = 0; headings[i]; i++) {
        g_string_append_printf(out, " %s |", headings[i]);
        g_string_append(rule, "---|");
    }
    g_string_append_printf(out, "\n%s\n", rule->str);
    g_string_free(rule, TRUE);
}
