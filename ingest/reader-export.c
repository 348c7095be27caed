/* reader-export.c — split the team's plain-text thread export into sections.
 *
 * Format: the first non-blank line is `邮件主题：SUBJECT` (or `邮件主题:`),
 * then sections, each introduced by a line `====第N封邮件====` (N in arabic
 * or Chinese numerals).  Each section becomes one CK_RAW_EXPORT message whose
 * data is the section's text in UTF-8 without its leading and trailing blank
 * lines.  The file is UTF-8 (optional BOM) or GB18030: the encoding its
 * subject line is written in is tried first for every line, then the other
 * one (so a stray bad byte does not turn a UTF-8 file into mojibake).
 * GB18030 never uses byte 0x0A inside a character, so the file is split into
 * lines before decoding and every offset (of a separator line) is a byte
 * offset in the original file, whatever its encoding.
 */
#include "ingest/reader-private.h"

#include <errno.h>
#include <string.h>

#define SUBJECT_LABEL "邮件主题"
/* 邮件主题 in GB18030 */
#define SUBJECT_LABEL_GB18030 "\xD3\xCA\xBC\xFE\xD6\xF7\xCC\xE2"
#define FULLWIDTH_COLON "："
#define FULLWIDTH_COLON_GB18030 "\xA3\xBA"

typedef struct {
    CkReader *reader;
    const char *path;
    gboolean is_gb18030;       /* the subject line is in GB18030, else UTF-8 */
    GIConv from_gb18030;
    guint undecodable_lines;
    char *subject;             /* UTF-8, owned */
    GString *section;          /* text of the section being collected, or NULL */
    gint64 section_offset;
    int section_index;
    guint sections;            /* sections emitted */
    GRegex *separator;
} ExportState;

/* If TEXT starts with LABEL followed by COLON or ':', return the length of
 * that prefix, else 0. */
static gsize label_prefix_len(const char *text, gsize len, const char *label,
                              const char *colon)
{
    gsize label_len = strlen(label), colon_len = strlen(colon);
    if (len < label_len || memcmp(text, label, label_len) != 0)
        return 0;
    if (len >= label_len + colon_len && memcmp(text + label_len, colon, colon_len) == 0)
        return label_len + colon_len;
    if (len > label_len && text[label_len] == ':')
        return label_len + 1;
    return 0;
}

/* Return the start of the first line of TEXT (LEN bytes) that has something
 * other than spaces, tabs and line breaks, or NULL. */
static const char *first_non_blank_line(const char *text, gsize len)
{
    const char *line = text, *end = text + len;
    for (const char *p = text; p < end; p++) {
        if (*p == '\n')
            line = p + 1;
        else if (*p != ' ' && *p != '\t' && *p != '\r')
            return line;
    }
    return NULL;
}

typedef enum { LABEL_NONE, LABEL_UTF8, LABEL_GB18030 } LabelEncoding;

/* Return in which encoding the first non-blank line of TEXT (LEN bytes)
 * starts with 邮件主题： or 邮件主题:, or LABEL_NONE. */
static LabelEncoding subject_label_encoding(const char *text, gsize len)
{
    const char *line = first_non_blank_line(text, len);
    if (!line)
        return LABEL_NONE;
    gsize rest = len - (gsize)(line - text);
    if (label_prefix_len(line, rest, SUBJECT_LABEL, FULLWIDTH_COLON) > 0)
        return LABEL_UTF8;
    if (label_prefix_len(line, rest, SUBJECT_LABEL_GB18030, FULLWIDTH_COLON_GB18030) > 0)
        return LABEL_GB18030;
    return LABEL_NONE;
}

/* See reader-private.h. */
gboolean ck_export_looks_like(const char *text, gsize len)
{
    return subject_label_encoding(text, len) != LABEL_NONE;
}

/* Decode the GB18030 bytes LINE (LEN bytes) with CD into a new UTF-8 string
 * the caller frees; a byte that starts no valid character becomes U+FFFD and
 * sets *damaged. */
static char *gb18030_to_utf8_lossy(GIConv cd, const char *line, gsize len, gboolean *damaged)
{
    GString *out = g_string_sized_new(len + len / 2 + 4);
    char chunk[256];
    char *in = (char *)line;
    gsize in_left = len;

    g_iconv(cd, NULL, NULL, NULL, NULL);   /* reset the converter's state */
    while (in_left > 0) {
        char *out_pos = chunk;
        gsize out_left = sizeof chunk;
        gsize converted = g_iconv(cd, &in, &in_left, &out_pos, &out_left);
        int saved = errno;
        g_string_append_len(out, chunk, out_pos - chunk);
        if (converted == (gsize)-1 && saved != E2BIG) {   /* EILSEQ or cut short */
            g_string_append(out, "\xEF\xBF\xBD");
            in++;
            in_left--;
            *damaged = TRUE;
        }
    }
    return g_string_free(out, FALSE);
}

/* Return the UTF-8 text of the raw line LINE (LEN bytes) in a new string the
 * caller frees.  The file's encoding (the one its subject line is in) is
 * tried first, then the other one; when neither reads the whole line, it is
 * read in the file's encoding with bad bytes as U+FFFD and counted. */
static char *decode_line(ExportState *state, const char *line, gsize len)
{
    gboolean valid_utf8 = g_utf8_validate(line, (gssize)len, NULL);
    if (valid_utf8 && !state->is_gb18030)
        return g_strndup(line, len);
    gboolean damaged = FALSE;
    char *text = gb18030_to_utf8_lossy(state->from_gb18030, line, len, &damaged);
    if (!damaged)
        return text;
    if (valid_utf8) {
        g_free(text);
        return g_strndup(line, len);
    }
    state->undecodable_lines++;
    if (state->is_gb18030)
        return text;
    g_free(text);
    return g_utf8_make_valid(line, (gssize)len);
}

/* Return the value of the Chinese numeral TEXT (〇/零 一…九 十 百 千, e.g. 二十三,
 * 一百零五, 十二), or -1 when it is not one. */
static int chinese_numeral_value(const char *text)
{
    static const char *const digits[] = { "零", "一", "二", "三", "四", "五", "六", "七", "八", "九" };
    int total = 0, digit = -1;
    for (const char *p = text; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        int unit = c == 0x5341 /* 十 */ ? 10 : c == 0x767E /* 百 */ ? 100
                 : c == 0x5343 /* 千 */ ? 1000 : 0;
        if (unit) {
            total += (digit < 0 ? 1 : digit) * unit;
            digit = -1;
            continue;
        }
        digit = c == 0x3007 /* 〇 */ ? 0 : c == 0x4E24 /* 两 */ ? 2 : -1;
        for (int d = 0; d < 10 && digit < 0; d++)
            if (g_utf8_get_char(digits[d]) == c)
                digit = d;
        if (digit < 0)
            return -1;
    }
    return total + (digit > 0 ? digit : 0);
}

/* If the UTF-8 line LINE is a section separator, return its N, else -1. */
static int separator_index(ExportState *state, const char *line)
{
    GMatchInfo *match = NULL;
    int index = -1;
    if (g_regex_match(state->separator, line, 0, &match)) {
        char *number = g_match_info_fetch(match, 1);
        index = g_ascii_isdigit(number[0])
                    ? (int)MIN(g_ascii_strtoll(number, NULL, 10), (gint64)G_MAXINT)
                    : chinese_numeral_value(number);
        g_free(number);
    }
    g_match_info_free(match);
    return index;
}

/* TRUE when LINE has only spaces, tabs and line-break characters. */
static gboolean is_blank(const char *line)
{
    return line[strspn(line, " \t\r\n")] == '\0';
}

/* Return the length of TEXT (LEN bytes) up to and including the line break
 * of its last line that is not blank (0 when all of it is blank). */
static gsize end_of_last_content_line(const char *text, gsize len)
{
    gsize last = len;
    while (last > 0 && strchr(" \t\r\n", text[last - 1]))
        last--;
    if (last == 0)
        return 0;
    const char *newline = memchr(text + last, '\n', len - last);
    return newline ? (gsize)(newline - text) + 1 : len;
}

/* Emit the section being collected, trimmed of trailing blank lines, and
 * forget it (an empty one is warned about instead).  Returns FALSE only when
 * the callback stopped the read. */
static gboolean export_finish_section(ExportState *state, GError **error)
{
    if (!state->section)
        return TRUE;
    GString *text = state->section;
    state->section = NULL;
    g_string_truncate(text, end_of_last_content_line(text->str, text->len));
    if (text->len == 0) {
        ck_reader_warn(state->reader, state->path,
                       "empty section 第%d封邮件 at offset %" G_GINT64_FORMAT ", skipped",
                       state->section_index, state->section_offset);
        g_string_free(text, TRUE);
        return TRUE;
    }
    GBytes *data = g_string_free_to_bytes(text);
    CkRawMessage raw = { .kind = CK_RAW_EXPORT, .data = data, .path = state->path,
                         .offset = state->section_offset,
                         .export_subject = state->subject ? state->subject : "",
                         .export_index = state->section_index };
    gboolean ok = ck_reader_emit(state->reader, &raw, error);
    state->sections++;
    g_bytes_unref(data);
    return ok;
}

/* Handle one decoded LINE (UTF-8, line break kept) that starts at byte
 * OFFSET of the file.  Returns FALSE only when the callback stopped. */
static gboolean export_handle_line(ExportState *state, const char *line, gint64 offset,
                                   GError **error)
{
    if (!state->subject) {
        gsize prefix = label_prefix_len(line, strlen(line), SUBJECT_LABEL, FULLWIDTH_COLON);
        if (prefix > 0)
            state->subject = g_strstrip(g_strdup(line + prefix));
        return TRUE;    /* blank lines before the subject line are skipped */
    }
    int index = separator_index(state, line);
    if (index >= 0) {
        if (!export_finish_section(state, error))
            return FALSE;
        state->section = g_string_new(NULL);
        state->section_offset = offset;
        state->section_index = index;
    } else if (state->section && (state->section->len > 0 || !is_blank(line))) {
        g_string_append(state->section, line);
    }
    return TRUE;
}

/* Feed every line of DATA (LEN bytes, starting at file offset BASE) to
 * export_handle_line.  Returns FALSE only when the callback stopped. */
static gboolean export_split_lines(ExportState *state, const char *data, gsize len,
                                   gint64 base, GError **error)
{
    const char *end = data + len;
    for (const char *line = data; line < end;) {
        const char *newline = memchr(line, '\n', (gsize)(end - line));
        const char *next = newline ? newline + 1 : end;
        char *text = decode_line(state, line, (gsize)(next - line));
        gboolean ok = export_handle_line(state, text, base + (line - data), error);
        g_free(text);
        if (!ok)
            return FALSE;
        line = next;
    }
    return export_finish_section(state, error);
}

/* Report what was wrong with the export file once it is read. */
static void export_report(ExportState *state)
{
    if (state->undecodable_lines > 0)
        ck_reader_warn(state->reader, state->path,
                       "%u line(s) neither UTF-8 nor GB18030, bad bytes replaced",
                       state->undecodable_lines);
    if (state->sections == 0)
        ck_reader_warn(state->reader, state->path,
                       "thread export without ====第N封邮件==== sections, skipped");
}

/* See reader-private.h. */
gboolean ck_reader_read_export(CkReader *reader, const char *path,
                               const char *data, gsize len, GError **error)
{
    gsize bom = (len >= CK_UTF8_BOM_LEN && memcmp(data, CK_UTF8_BOM, CK_UTF8_BOM_LEN) == 0)
                    ? CK_UTF8_BOM_LEN : 0;
    ExportState state = { .reader = reader, .path = path,
        .is_gb18030 = subject_label_encoding(data + bom, len - bom) == LABEL_GB18030 };
    state.from_gb18030 = g_iconv_open("UTF-8", "GB18030");
    if (state.from_gb18030 == (GIConv)-1) {
        ck_reader_warn(reader, path, "no GB18030 converter (iconv), skipped");
        return TRUE;
    }
    state.separator = g_regex_new("^\\s*={2,}\\s*第\\s*([0-9]+|[〇零一二两三四五六七八九十百千]+)"
                                  "\\s*封邮件\\s*={2,}\\s*$", G_REGEX_DOLLAR_ENDONLY, 0, NULL);
    if (!state.separator) {      /* a constant pattern: cannot happen */
        g_iconv_close(state.from_gb18030);
        return TRUE;
    }

    gboolean ok = export_split_lines(&state, data + bom, len - bom, (gint64)bom, error);
    if (ok)
        export_report(&state);
    g_iconv_close(state.from_gb18030);
    g_regex_unref(state.separator);
    if (state.section)
        g_string_free(state.section, TRUE);
    g_free(state.subject);
    return ok;
}
