/* md.h — Markdown helpers: mail text made safe for Markdown structure.
 *
 * Mail text may hold characters that Markdown reads as structure: a
 * leading # (heading), "====" or "----" lines (setext headings, rules),
 * | (table cells), backticks, <tags> (raw HTML), * _ [ ] (emphasis, links).
 * These helpers escape them with CommonMark backslash escapes so the text
 * renders as written, after control characters are made printable
 * (ck_text_printable(), output.h).  All append to a GString the caller owns.
 */
#ifndef CASEKB_MD_H
#define CASEKB_MD_H

#include <glib.h>

/* Append one line of TEXT escaped for running Markdown text; newlines
 * become spaces. */
void ck_md_inline(GString *out, const char *text);

/* Append TEXT as a table cell: escaped, newlines as spaces, empty as "—". */
void ck_md_cell(GString *out, const char *text);

/* Append TEXT as a block quote ("> " before each line), escaped line by
 * line, ending with a blank line. */
void ck_md_quote(GString *out, const char *text);

/* Append TEXT as an inline code span, with a fence longer than any run of
 * backticks inside it. */
void ck_md_code(GString *out, const char *text);


#endif
