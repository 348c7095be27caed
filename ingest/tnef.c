/* tnef.c — TNEF streams through libytnef, and a small RTF-to-text reader. */
#include "ingest/tnef.h"

#include <string.h>

#include "ingest/attach.h"
#include "ingest/decode.h"
#include "ingest/message.h"

/* libytnef's headers define BYTE, WORD, DWORD as macros: include them last
 * and only here. */
#include <stdio.h>
#include <stdlib.h>
#include <ytnef.h>

/* Largest decompressed RTF body accepted (the stream says how big). */
#define RTF_MAX_SIZE (64u * 1024 * 1024)

/* Destinations whose text is not part of the document's text. */
static const char *const rtf_skipped[] = {
    "fonttbl", "colortbl", "stylesheet", "info", "pict", "object", "header", "footer",
    "headerl", "headerr", "footerl", "footerr", "footnote", "themedata", "colorschememapping",
    "latentstyles", "datastore", "xmlnstbl", "listtable", "listoverridetable", "rsidtbl",
    "generator", "mmathPr", "fldinst", "filetbl", "revtbl", "pgdsctbl", "bkmkstart", "bkmkend",
};

/* State of the RTF reader. */
typedef struct {
    GString *out;            /* UTF-8 text so far */
    GString *bytes;          /* 8-bit text not yet decoded */
    char *charset;           /* code page label ("cp936"), or NULL */
    int uc;                  /* characters to skip after \uN (\ucN) */
    int skip_chars;          /* still to skip after the last \uN */
    int depth;               /* current group depth */
    int skip_depth;          /* > 0: inside a skipped group opened at this depth */
    gboolean htmlrtf;        /* inside \htmlrtf: RTF-only text of encapsulated HTML */
    gboolean from_html;      /* the document is encapsulated HTML (\fromhtml) */
} RtfReader;

/* Decode the pending 8-bit bytes of R into its text. */
static void rtf_flush(RtfReader *r)
{
    if (r->bytes->len == 0)
        return;
    char *text = ck_decode_bytes(r->bytes->str, r->bytes->len, r->charset, NULL, NULL);
    g_string_append(r->out, text);
    g_free(text);
    g_string_truncate(r->bytes, 0);
}

/* TRUE when text is being kept (not in a skipped group or \htmlrtf). */
static gboolean rtf_keeping(const RtfReader *r)
{
    return r->skip_depth == 0 && !r->htmlrtf;
}

/* Add the byte C of document text, unless it stands in for a \uN. */
static void rtf_byte(RtfReader *r, char c)
{
    if (r->skip_chars > 0) {
        r->skip_chars--;
        return;
    }
    if (rtf_keeping(r))
        g_string_append_c(r->bytes, c);
}

/* Add UTF-8 TEXT to the document text. */
static void rtf_text(RtfReader *r, const char *text)
{
    if (!rtf_keeping(r))
        return;
    rtf_flush(r);
    g_string_append(r->out, text);
}

/* Act on control word WORD with parameter PARAM (HAS_PARAM: given). */
static void rtf_control_word(RtfReader *r, const char *word, long param, gboolean has_param)
{
    if (strcmp(word, "par") == 0 || strcmp(word, "line") == 0 || strcmp(word, "row") == 0)
        rtf_text(r, "\n");
    else if (strcmp(word, "tab") == 0 || strcmp(word, "cell") == 0)
        rtf_text(r, "\t");
    else if (strcmp(word, "ansicpg") == 0 && has_param && param > 0) {
        rtf_flush(r);
        g_free(r->charset);
        r->charset = param == 65001 ? g_strdup("utf-8") : g_strdup_printf("cp%ld", param);
    }
    else if (strcmp(word, "uc") == 0 && has_param && param >= 0 && param < 16)
        r->uc = (int) param;
    else if (strcmp(word, "u") == 0 && has_param) {
        gunichar c = (gunichar) (param < 0 ? param + 65536 : param);
        char buf[8] = { 0 };
        if (g_unichar_validate(c) && c != 0)
            g_unichar_to_utf8(c, buf);
        rtf_text(r, buf);
        r->skip_chars = r->uc;
    } else if (strcmp(word, "fromhtml") == 0)
        r->from_html = TRUE;
    else if (strcmp(word, "htmlrtf") == 0)
        r->htmlrtf = !has_param || param != 0;
    else if (r->skip_depth == 0) {
        for (gsize i = 0; i < G_N_ELEMENTS(rtf_skipped); i++)
            if (strcmp(word, rtf_skipped[i]) == 0)
                r->skip_depth = r->depth;
    }
}

/* Read the control word or symbol after the backslash at P (before END);
 * returns the position after it. */
static const char *rtf_control(RtfReader *r, const char *p, const char *end)
{
    if (p >= end)
        return p;
    if (g_ascii_isalpha(*p)) {
        char word[32];
        gsize n = 0;
        while (p < end && g_ascii_isalpha(*p)) {
            if (n + 1 < sizeof word)
                word[n++] = *p;
            p++;
        }
        word[n] = '\0';
        gboolean negative = p < end && *p == '-' && p + 1 < end && g_ascii_isdigit(p[1]);
        p += negative;
        long param = 0;
        gboolean has_param = p < end && g_ascii_isdigit(*p);
        for (int digits = 0; p < end && g_ascii_isdigit(*p); p++)
            if (digits++ < 9)
                param = param * 10 + (*p - '0');
        if (p < end && *p == ' ')
            p++;
        rtf_control_word(r, word, negative ? -param : param, has_param);
        return p;
    }
    char c = *p++;
    if (c == '\'' && end - p >= 2 && g_ascii_isxdigit(p[0]) && g_ascii_isxdigit(p[1])) {
        rtf_byte(r, (char) (g_ascii_xdigit_value(p[0]) * 16 + g_ascii_xdigit_value(p[1])));
        return p + 2;
    }
    if (c == '*' && r->skip_depth == 0)
        r->skip_depth = r->depth;
    else if (c == '\\' || c == '{' || c == '}')
        rtf_byte(r, c);
    else if (c == '~')
        rtf_byte(r, ' ');
    else if (c == '_')
        rtf_byte(r, '-');
    else if (c == '\n' || c == '\r')
        rtf_text(r, "\n");
    return p;
}

/* See tnef.h. */
char *ck_rtf_to_text(const char *rtf, gsize len, const char *charset)
{
    RtfReader r = { g_string_new(NULL), g_string_new(NULL), g_strdup(charset), 1, 0, 0, 0, FALSE, FALSE };
    const char *end = rtf + len;
    for (const char *p = rtf; p < end;) {
        char c = *p++;
        if (c == '\\') {
            p = rtf_control(&r, p, end);
        } else if (c == '{') {
            r.depth++;
            r.skip_chars = 0;
        } else if (c == '}') {
            if (r.skip_depth == r.depth)
                r.skip_depth = 0;
            r.depth = MAX(r.depth - 1, 0);
            r.skip_chars = 0;
        } else if (c != '\r' && c != '\n' && c != '\0') {
            rtf_byte(&r, c);
        }
    }
    rtf_flush(&r);
    g_string_free(r.bytes, TRUE);
    g_free(r.charset);
    char *text = g_string_free(r.out, FALSE);
    if (r.from_html) {
        char *plain = ck_html_to_text(text, -1, NULL);
        g_free(text);
        text = plain;
    }
    return g_strstrip(text);
}

/* ---------------------------------------------------------------------- */
/* TNEF                                                                    */

#define TNEF_SIGNATURE 0x223E9F78u

/* Little-endian 32-bit value at P. */
static guint32 le32(const guchar *p)
{
    return (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

/* NULL when DATA is a well-formed TNEF stream as libytnef reads it
 * (signature, key, then attributes: level, id, length > 0, data, 16-bit sum
 * of the data bytes); else a static description of the first problem. */
static const char *tnef_structure_problem(const guchar *data, gsize len)
{
    if (len < 6 || le32(data) != TNEF_SIGNATURE)
        return "not a TNEF stream (no signature)";
    for (gsize pos = 6; pos < len;) {
        if (len - pos < 9)
            return "cut off in an attribute header";
        guint32 size = le32(data + pos + 5);
        if (size == 0)
            return "attribute of length 0";
        if (size > len - pos - 9 || len - pos - 9 - size < 2)
            return "cut off in an attribute";
        const guchar *value = data + pos + 9;
        guint16 sum = 0;
        for (guint32 i = 0; i < size; i++)
            sum = (guint16) (sum + value[i]);
        if ((guint16) (value[size] | value[size + 1] << 8) != sum)
            return "attribute checksum mismatch";
        pos += 9 + (gsize) size + 2;
    }
    return NULL;
}

/* The property TAG_ID of PROPS as type STRING8/UNICODE/BINARY, whichever
 * is there; NULL when absent or empty. */
static variableLength *find_prop(MAPIProps *props, unsigned int id, const unsigned int *types, gsize n)
{
    for (gsize i = 0; i < n; i++) {
        variableLength *v = MAPIFindProperty(props, PROP_TAG(types[i], id));
        if (v != MAPI_UNDEFINED && v && v->data && v->size > 0)
            return v;
    }
    return NULL;
}

/* A string property ID of PROPS decoded to UTF-8 (PT_UNICODE values come
 * converted by libytnef; PT_STRING8 ones are in CHARSET), or NULL. */
static char *string_prop(MAPIProps *props, unsigned int id, const char *charset)
{
    static const unsigned int unicode[] = { PT_UNICODE };
    static const unsigned int string8[] = { PT_STRING8 };
    variableLength *v = find_prop(props, id, unicode, 1);
    if (v)   /* to_utf8() wrote at most 3/2 of the size, NUL-terminated */
        return ck_utf8_sanitize((const char *) v->data, strnlen((const char *) v->data, 3 * (gsize) v->size / 2 + 1), NULL);
    v = find_prop(props, id, string8, 1);
    if (!v)
        return NULL;
    gsize n = strnlen((const char *) v->data, (gsize) v->size);
    return ck_decode_bytes((const char *) v->data, n, charset, NULL, NULL);
}

/* The code page label of TNEF ("cp936"), from PR_INTERNET_CPID or the OEM
 * code page attribute, or NULL.  Caller g_free()s. */
static char *tnef_charset(TNEFStruct *tnef)
{
    variableLength *v = MAPIFindProperty(&tnef->MapiProperties, PROP_TAG(PT_LONG, PR_INTERNET_CPID));
    guint32 cp = 0;
    if (v != MAPI_UNDEFINED && v && v->data && v->size >= 4)
        cp = le32(v->data);
    else if (tnef->CodePage.data && tnef->CodePage.size >= 4)
        cp = le32(tnef->CodePage.data);
    if (cp == 0 || cp == 20127)
        return NULL;
    return cp == 65001 ? g_strdup("utf-8") : g_strdup_printf("cp%u", cp);
}

/* The RTF text of a PR_RTF_COMPRESSED value V (header: compressed size,
 * raw size, magic, CRC; "MELA" stored, "LZFu" compressed), or NULL with a
 * warning.  Caller g_free()s. */
static char *rtf_bytes(variableLength *v, gsize *rtf_len, const char *name, GPtrArray *warnings)
{
    const guchar *d = v->data;
    gsize size = (gsize) v->size;
    guint32 raw = size >= 16 ? le32(d + 4) : 0, magic = size >= 16 ? le32(d + 8) : 0;
    if (size < 16 || le32(d) != size - 4 || raw > RTF_MAX_SIZE || raw > 16 * size + 4096) {
        g_ptr_array_add(warnings, g_strdup_printf("%s: compressed RTF body damaged; body not read", name));
        return NULL;
    }
    if (magic == 0x414C454Du) {   /* "MELA": stored as is */
        *rtf_len = MIN((gsize) raw, size - 16);
        return g_memdup2(d + 16, *rtf_len);
    }
    /* DecompressRTF() reads a token's two bytes without checking the end:
     * hand it a copy with zero bytes after the value. */
    BYTE *padded = g_malloc0(size + 16);
    memcpy(padded, d, size);
    variableLength copy = { padded, v->size };
    int out_size = 0;
    BYTE *out = magic == 0x75465A4Cu ? DecompressRTF(&copy, &out_size) : NULL;
    g_free(padded);
    if (!out) {
        g_ptr_array_add(warnings, g_strdup_printf("%s: RTF body could not be decompressed", name));
        return NULL;
    }
    *rtf_len = (gsize) MAX(out_size, 0);
    char *rtf = g_memdup2(out, *rtf_len);
    free(out);
    return rtf;
}

/* The body of TNEF as text: PR_BODY, the legacy body attribute, PR_BODY_HTML
 * made text, else the compressed RTF made text; "" when none.  Caller
 * g_free()s. */
static char *tnef_body(TNEFStruct *tnef, const char *charset, const char *name, GPtrArray *warnings)
{
    MAPIProps *props = &tnef->MapiProperties;
    char *text = string_prop(props, PR_BODY, charset);
    if (!text && tnef->body.data && tnef->body.size > 0)
        text = ck_decode_bytes((const char *) tnef->body.data,
                               strnlen((const char *) tnef->body.data, (gsize) tnef->body.size),
                               charset, NULL, NULL);
    static const unsigned int html_types[] = { PT_BINARY, PT_STRING8 };
    variableLength *html = text ? NULL : find_prop(props, PR_BODY_HTML, html_types, 2);
    if (html) {
        char *utf8 = ck_decode_bytes((const char *) html->data, (gsize) html->size, charset, NULL, NULL);
        text = ck_html_to_text(utf8, -1, NULL);
        g_free(utf8);
    }
    static const unsigned int binary[] = { PT_BINARY };
    variableLength *rtf = text ? NULL : find_prop(props, PR_RTF_COMPRESSED, binary, 1);
    gsize rtf_len = 0;
    char *rtf_text = rtf ? rtf_bytes(rtf, &rtf_len, name, warnings) : NULL;
    if (rtf_text) {
        text = ck_rtf_to_text(rtf_text, rtf_len, charset);
        g_free(rtf_text);
    }
    return text ? text : g_strdup("");
}

/* Add each file attached in TNEF to ATTACHMENTS. */
static void tnef_attachments(TNEFStruct *tnef, const char *charset, const char *name,
                             GPtrArray *attachments, GPtrArray *warnings)
{
    guint n = 0;
    for (Attachment *a = tnef->starting_attach.next; a; a = a->next) {
        n++;
        char *file = string_prop(&a->MAPI, PR_ATTACH_LONG_FILENAME, charset);
        if (!file && a->Title.data && a->Title.size > 0)
            file = ck_decode_bytes((const char *) a->Title.data,
                                   strnlen((const char *) a->Title.data, (gsize) a->Title.size),
                                   charset, NULL, NULL);
        if (!file)
            file = g_strdup_printf("attachment-%u", n);
        char *type = string_prop(&a->MAPI, PR_ATTACH_MIME_TAG, NULL);
        if (!a->FileData.data || a->FileData.size <= 0)
            g_ptr_array_add(warnings, g_strdup_printf("%s: attachment %s has no data (an embedded"
                                                      " object?); listed by name only", name, file));
        g_ptr_array_add(attachments,
                        ck_attachment_from_bytes(file, type, NULL, (const char *) a->FileData.data,
                                                 a->FileData.data ? (gsize) MAX(a->FileData.size, 0) : 0,
                                                 warnings));
        g_free(type);
        g_free(file);
    }
}

/* See tnef.h. */
gboolean ck_tnef_read(const char *data, gsize len, const char *name, char **body,
                      GPtrArray *attachments, GPtrArray *warnings)
{
    *body = g_strdup("");
    const char *problem = tnef_structure_problem((const guchar *) data, len);
    if (problem) {
        g_ptr_array_add(warnings, g_strdup_printf("%s: %s; its body and attachments not read", name, problem));
        return FALSE;
    }
    TNEFStruct tnef;
    TNEFInitialize(&tnef);
    tnef.Debug = 0;
    BYTE *copy = g_memdup2(data, len);
    int rc = TNEFParseMemory(copy, (long) len, &tnef);
    gboolean ok = rc >= 0;
    if (ok) {
        char *charset = tnef_charset(&tnef);
        g_free(*body);
        *body = tnef_body(&tnef, charset, name, warnings);
        tnef_attachments(&tnef, charset, name, attachments, warnings);
        g_free(charset);
    } else {
        g_ptr_array_add(warnings, g_strdup_printf("%s: TNEF stream damaged (libytnef error %d); its"
                                                  " body and attachments not read", name, rc));
    }
    TNEFFree(&tnef);
    g_free(copy);
    return ok;
}
