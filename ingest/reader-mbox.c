/* reader-mbox.c — stream an mbox (mboxo or mboxrd) one message at a time.
 *
 * Which "From " lines start a message (a From_ line):
 *   1. the first line of the file (after a UTF-8 BOM, which the caller skips);
 *   2. a "From " line after a blank line (the mboxo/mboxrd convention, so an
 *      unescaped "From Russia with love" paragraph does start a message);
 *   3. a "From " line in a message body NOT after a blank line, only when it
 *      has the classic shape "From SENDER" or "From SENDER <date with hh:mm>"
 *      and the next line is a header field ("Name: value") — writers that put
 *      no blank line before the From_ line (GMime's substring.mbox, old
 *      Netscape folders) are read as Python and GMime read them, while body
 *      text such as "From here on..." or "From the log\nError: x" stays text;
 * except that a "From " line that is the first line of a MIME part's body,
 * while the message's multipart body is still open (its closing boundary not
 * yet seen), is content: that is an attached mbox-style file, e.g. an inline
 * `git format-patch` attachment.
 *
 * The From_ line is dropped, one '>' is removed from lines matching ^>+From ,
 * and the blank line written before a From_ line is not part of the message.
 * Content-Length is ignored.  Only the current message is held in memory.
 */
#include "ingest/reader-private.h"

#include <string.h>

typedef struct {
    CkReader *reader;
    const char *path;
    GString *message;        /* the message being collected, NULL before the first */
    gint64 message_offset;   /* offset of its From_ line */
    gboolean in_body;        /* its header block has ended */
    char *close_delimiter;   /* "--BOUNDARY--" while its multipart is open, else NULL */
    gboolean in_part_headers;     /* after a "--" delimiter, in a part's header block */
    gboolean at_part_body_start;  /* the next line is the first of a part's body */
    char pending_blank[2];   /* a blank line held back: it may be a separator */
    gsize pending_blank_len; /* 0 when none is held */
    GString *held_from;      /* rule 3: a "From " line waiting for the next line */
    gint64 held_from_offset;
    gboolean first_line;     /* no line read yet */
} MboxState;

/* TRUE when LINE is empty apart from its line break. */
static gboolean is_blank_line(const GString *line)
{
    return (line->len == 1 && line->str[0] == '\n')
        || (line->len == 2 && line->str[0] == '\r' && line->str[1] == '\n');
}

/* TRUE when LINE starts with "From ". */
static gboolean is_from_line(const GString *line)
{
    return line->len >= 5 && memcmp(line->str, "From ", 5) == 0;
}

/* TRUE when TEXT contains a time "hh:mm" (as in a From_ line's date). */
static gboolean contains_clock_time(const char *text)
{
    for (const char *p = text; p[0] && p[1] && p[2] && p[3] && p[4]; p++) {
        if (g_ascii_isdigit(p[0]) && g_ascii_isdigit(p[1]) && p[2] == ':'
            && g_ascii_isdigit(p[3]) && g_ascii_isdigit(p[4]))
            return TRUE;
    }
    return FALSE;
}

/* TRUE when the "From " LINE has the classic From_ shape: one sender word,
 * then nothing or a date with a clock time ("From - ", "From a@b Mon Jun  3
 * 12:50:27 1996"), unlike prose such as "From the log". */
static gboolean is_classic_from_line(const GString *line)
{
    const char *sender = line->str + 5;
    gsize sender_len = strcspn(sender, " \t\r\n");
    if (sender_len == 0)
        return FALSE;
    const char *rest = sender + sender_len;
    return rest[strspn(rest, " \t\r\n")] == '\0' || contains_clock_time(rest);
}

/* TRUE when LINE matches ^>+From , an mboxrd-escaped body line. */
static gboolean is_escaped_from_line(const GString *line)
{
    gsize i = 0;
    while (i < line->len && line->str[i] == '>')
        i++;
    return i > 0 && line->len - i >= 5 && memcmp(line->str + i, "From ", 5) == 0;
}

/* TRUE when LINE continues a folded header field. */
static gboolean is_continuation_line(const GString *line)
{
    return line->len > 0 && (line->str[0] == ' ' || line->str[0] == '\t');
}

/* Return the value of the parameter "boundary" in the Content-Type value
 * VALUE when its type is multipart/<anything>, else NULL.  The caller frees
 * the result. */
static char *multipart_boundary(const char *value)
{
    while (*value == ' ' || *value == '\t')
        value++;
    if (g_ascii_strncasecmp(value, "multipart/", 10) != 0)
        return NULL;
    for (const char *p = strchr(value, ';'); p; p = strchr(p + 1, ';')) {
        const char *name = p + 1 + strspn(p + 1, " \t");
        if (g_ascii_strncasecmp(name, "boundary", 8) != 0)
            continue;
        const char *eq = name + 8 + strspn(name + 8, " \t");
        if (*eq != '=')
            continue;
        const char *start = eq + 1 + strspn(eq + 1, " \t");
        if (*start == '"') {
            const char *close = strchr(start + 1, '"');
            return close && close > start + 1 ? g_strndup(start + 1, close - start - 1) : NULL;
        }
        gsize len = strcspn(start, "; \t\r\n");
        return len ? g_strndup(start, len) : NULL;
    }
    return NULL;
}

/* Return the unfolded value of the first Content-Type field in the header
 * block HEADERS, or NULL; the caller frees it. */
static char *find_content_type(const char *headers)
{
    char **lines = g_strsplit(headers, "\n", -1);
    GString *value = NULL;
    for (guint i = 0; lines[i]; i++) {
        g_strchomp(lines[i]);                    /* drops '\r' too */
        gboolean continuation = lines[i][0] == ' ' || lines[i][0] == '\t';
        if (value && continuation) {
            g_string_append(value, lines[i]);
        } else if (value) {
            break;
        } else if (g_ascii_strncasecmp(lines[i], "Content-Type", 12) == 0) {
            const char *colon = lines[i] + 12 + strspn(lines[i] + 12, " \t");
            if (*colon == ':')
                value = g_string_new(colon + 1);
        }
    }
    g_strfreev(lines);
    return value ? g_string_free(value, FALSE) : NULL;
}

/* Called when the current message's header block ends: remember the closing
 * delimiter of its multipart body, if it has one. */
static void mbox_headers_done(MboxState *state)
{
    state->in_body = TRUE;
    char *content_type = find_content_type(state->message->str);
    char *boundary = content_type ? multipart_boundary(content_type) : NULL;
    if (boundary)
        state->close_delimiter = g_strconcat("--", boundary, "--", NULL);
    g_free(boundary);
    g_free(content_type);
}

/* Emit the current message, if any, and forget it (and any held blank line).
 * Returns FALSE only when the callback stopped the read. */
static gboolean mbox_finish_message(MboxState *state, GError **error)
{
    gboolean ok = TRUE;
    if (state->message) {
        gsize len = state->message->len;
        GBytes *data = g_string_free_to_bytes(state->message);
        state->message = NULL;
        CkRawMessage raw = { .kind = CK_RAW_RFC822, .data = data, .path = state->path,
                             .offset = state->message_offset };
        if (len > 0)
            ok = ck_reader_emit(state->reader, &raw, error);
        else
            ck_reader_warn(state->reader, state->path,
                           "empty mbox message at offset %" G_GINT64_FORMAT ", skipped",
                           state->message_offset);
        g_bytes_unref(data);
    }
    g_clear_pointer(&state->close_delimiter, g_free);
    state->in_part_headers = FALSE;
    state->at_part_body_start = FALSE;
    state->pending_blank_len = 0;
    state->in_body = FALSE;
    return ok;
}

/* Emit the current message and start a new one whose From_ line is at
 * OFFSET.  Returns FALSE only when the callback stopped the read. */
static gboolean mbox_start_message(MboxState *state, gint64 offset, GError **error)
{
    if (!mbox_finish_message(state, error))
        return FALSE;
    state->message = g_string_new(NULL);
    state->message_offset = offset;
    return TRUE;
}

/* Append LINE to the current message, after the blank line held back (no
 * longer a separator candidate) and with one '>' removed from ^>+From . */
static void mbox_append_line(MboxState *state, const GString *line)
{
    g_string_append_len(state->message, state->pending_blank, state->pending_blank_len);
    state->pending_blank_len = 0;
    if (is_escaped_from_line(line))
        g_string_append_len(state->message, line->str + 1, line->len - 1);
    else
        g_string_append_len(state->message, line->str, line->len);
}

/* Follow the MIME part structure of an open multipart body for the
 * non-blank LINE: delimiters, part header blocks, the closing delimiter. */
static void mbox_track_parts(MboxState *state, const GString *line)
{
    state->at_part_body_start = FALSE;
    if (!state->close_delimiter || !state->in_body)
        return;
    if (line->len >= 2 && line->str[0] == '-' && line->str[1] == '-') {
        state->in_part_headers = TRUE;
        if (g_str_has_prefix(line->str, state->close_delimiter)) {
            g_clear_pointer(&state->close_delimiter, g_free);
            state->in_part_headers = FALSE;
        }
    } else if (state->in_part_headers && !is_continuation_line(line)
               && !ck_looks_like_header_line(line->str, line->len)) {
        state->in_part_headers = FALSE;
    }
}

/* Handle a blank LINE: it may be the separator before a From_ line, so it is
 * held back; it may end the message's or a part's header block. */
static void mbox_handle_blank(MboxState *state, const GString *line)
{
    g_string_append_len(state->message, state->pending_blank, state->pending_blank_len);
    if (!state->in_body)
        mbox_headers_done(state);
    else if (state->in_part_headers) {
        state->in_part_headers = FALSE;
        state->at_part_body_start = TRUE;
    }
    memcpy(state->pending_blank, line->str, line->len);
    state->pending_blank_len = line->len;
}

/* Handle one LINE that starts at byte OFFSET, no From_ line being held.
 * Returns FALSE only when the callback stopped the read. */
static gboolean mbox_handle_line(MboxState *state, const GString *line, gint64 offset,
                                 GError **error)
{
    gboolean after_blank = state->first_line || state->pending_blank_len > 0;
    state->first_line = FALSE;

    if (is_from_line(line)) {
        gboolean attached = state->close_delimiter && state->at_part_body_start;
        if (after_blank && !attached)
            return mbox_start_message(state, offset, error);      /* rules 1, 2 */
        if (!after_blank && state->in_body && is_classic_from_line(line)) { /* rule 3 */
            state->held_from = g_string_new_len(line->str, (gssize)line->len);
            state->held_from_offset = offset;
            return TRUE;
        }
    }
    if (!state->message)   /* cannot happen: the caller starts on a From_ line */
        return TRUE;
    if (is_blank_line(line)) {
        mbox_handle_blank(state, line);
        return TRUE;
    }
    mbox_track_parts(state, line);
    mbox_append_line(state, line);
    return TRUE;
}

/* Decide about the held "From " line now that LINE (NULL at the end of the
 * input) follows it: a From_ line when LINE is a header field, else body
 * text.  Returns FALSE only when the callback stopped the read. */
static gboolean mbox_resolve_held_from(MboxState *state, const GString *line, GError **error)
{
    GString *held = state->held_from;
    state->held_from = NULL;
    gboolean ok = TRUE;
    if (line && ck_looks_like_header_line(line->str, line->len)) {
        ok = mbox_start_message(state, state->held_from_offset, error);
    } else {
        mbox_track_parts(state, held);
        mbox_append_line(state, held);
    }
    g_string_free(held, TRUE);
    return ok;
}

/* See reader-private.h. */
gboolean ck_reader_read_mbox(CkReader *reader, CkInput *input, const char *path,
                             GError **error)
{
    MboxState state = { .reader = reader, .path = path, .first_line = TRUE };
    GString *line = g_string_new(NULL);
    gboolean ok = TRUE;
    gint64 offset = input->offset;

    while (ok && ck_input_read_line(input, line)) {
        if (state.held_from)
            ok = mbox_resolve_held_from(&state, line, error);
        if (ok)
            ok = mbox_handle_line(&state, line, offset, error);
        offset = input->offset;
    }
    if (ok && state.held_from)
        ok = mbox_resolve_held_from(&state, NULL, error);
    if (ok)
        ok = mbox_finish_message(&state, error);
    if (state.message)
        g_string_free(state.message, TRUE);
    if (state.held_from)
        g_string_free(state.held_from, TRUE);
    g_free(state.close_delimiter);
    g_string_free(line, TRUE);
    return ok;
}
