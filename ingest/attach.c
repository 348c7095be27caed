/* attach.c — attachments to CkAttachment: recognise text, decode it, cap it. */
#include "ingest/attach.h"

#include <string.h>

#include "ingest/decode.h"

/* At most this many bytes of an attachment are decoded: enough for
 * CK_ATTACHMENT_TEXT_MAX bytes of text in any charset (UTF-32 included). */
#define DECODE_MAX (4 * (gsize) CK_ATTACHMENT_TEXT_MAX + 4)

/* How much of an untyped attachment is looked at to tell text from binary. */
#define SNIFF_LEN 8192

/* MIME types of text attachments besides text/ *. */
static const char *const text_types[] = {
    "application/json", "application/xml", "application/x-ini", "application/x-wine-extension-ini",
    "application/x-sh", "application/x-bat", "application/x-msdos-program", "application/x-powershell",
    "application/csv", "application/x-csv", "application/yaml", "application/x-yaml",
};

/* File name endings of text attachments. */
static const char *const text_suffixes[] = {
    ".txt", ".log", ".csv", ".ini", ".xml", ".json", ".reg", ".cfg", ".conf", ".inf",
    ".md", ".yaml", ".yml", ".ps1", ".cmd", ".bat", ".vbs", ".htm", ".html", ".out",
};

/* Types that say "some bytes", so the content decides. */
static const char *const untyped[] = {
    "", "application/octet-stream", "application/unknown", "application/x-unknown",
};

/* TRUE when S (may be NULL) equals one of the N strings of LIST. */
static gboolean in_list(const char *s, const char *const *list, gsize n)
{
    for (gsize i = 0; s && i < n; i++)
        if (g_ascii_strcasecmp(s, list[i]) == 0)
            return TRUE;
    return FALSE;
}

/* TRUE when NAME (may be NULL) ends with one of the text suffixes. */
static gboolean has_text_suffix(const char *name)
{
    if (!name)
        return FALSE;
    char *lower = g_ascii_strdown(name, -1);
    gboolean found = FALSE;
    for (gsize i = 0; i < G_N_ELEMENTS(text_suffixes) && !found; i++)
        found = g_str_has_suffix(lower, text_suffixes[i]);
    g_free(lower);
    return found;
}

/* TRUE when the first SNIFF_LEN bytes of DATA read as text: they decode
 * (BOM, UTF-16 or the unlabelled rule) with under 1% replaced and under 1%
 * control characters other than tab, line breaks and form feed. */
static gboolean sniffed_as_text(const char *data, gsize len)
{
    gsize n = MIN(len, SNIFF_LEN);
    if (n == 0)
        return FALSE;
    guint replaced = 0;
    char *text = ck_decode_text_file(data, n, NULL, &replaced, NULL);
    gsize chars = 0, controls = 0;
    for (const char *p = text; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        chars++;
        controls += (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F;
    }
    g_free(text);
    return chars > 0 && replaced * 100 < n && controls * 100 < chars;
}

/* See attach.h. */
gboolean ck_attachment_is_text(const char *type, const char *name, const char *data, gsize len)
{
    if (type && g_ascii_strncasecmp(type, "text/", 5) == 0)
        return TRUE;
    if (in_list(type, text_types, G_N_ELEMENTS(text_types)) || has_text_suffix(name))
        return TRUE;
    if (type && !in_list(type, untyped, G_N_ELEMENTS(untyped)))
        return FALSE;
    return sniffed_as_text(data, len);
}

/* Cut *TEXT to at most CK_ATTACHMENT_TEXT_MAX bytes at a character
 * boundary.  Returns TRUE when it was cut. */
static gboolean cap_text(char *text)
{
    gsize len = strlen(text);
    if (len <= CK_ATTACHMENT_TEXT_MAX)
        return FALSE;
    const char *end = g_utf8_find_prev_char(text, text + CK_ATTACHMENT_TEXT_MAX + 1);
    text[end ? end - text : 0] = '\0';
    return TRUE;
}

/* TEXT (taken over) with CR LF and lone CR made LF, in place. */
static char *normalise_line_breaks(char *text)
{
    char *w = text;
    for (const char *r = text; *r; r++) {
        if (*r == '\r') {
            *w++ = '\n';
            if (r[1] == '\n')
                r++;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
    return text;
}

/* The decoded text of a text attachment (see ck_attachment_from_bytes). */
static char *attachment_text(const char *name, const char *type, const char *charset,
                             const char *data, gsize len, GPtrArray *warnings)
{
    guint replaced = 0;
    const char *used = NULL;
    char *text = ck_decode_text_file(data, MIN(len, DECODE_MAX), charset, &replaced, &used);
    if (replaced > 0)
        g_ptr_array_add(warnings, g_strdup_printf("attachment %s: %u bytes not valid %s replaced",
                                                  name, replaced, used ? used : "UTF-8"));
    text = normalise_line_breaks(text);
    if (strcmp(type, "text/html") == 0 || g_str_has_suffix(type, "+html")) {
        char *plain = ck_html_to_text(text, -1, NULL);
        g_free(text);
        text = plain;
    }
    if (cap_text(text) || len > DECODE_MAX)
        g_ptr_array_add(warnings, g_strdup_printf("attachment %s: text cut to %d KiB (%" G_GSIZE_FORMAT
                                                  " bytes in the mail)", name,
                                                  CK_ATTACHMENT_TEXT_MAX / 1024, len));
    return text;
}

/* See attach.h. */
CkAttachment *ck_attachment_from_bytes(const char *name, const char *type, const char *charset,
                                       const char *data, gsize len, GPtrArray *warnings)
{
    char *clean_name = ck_utf8_sanitize(name ? name : "", -1, NULL);
    char *clean_type = ck_utf8_sanitize(type && *type ? type : "application/octet-stream", -1, NULL);
    char *lower = g_ascii_strdown(clean_type, -1);
    g_free(clean_type);
    char *text = NULL;
    if (ck_attachment_is_text(type, name, data, len))
        text = attachment_text(*clean_name ? clean_name : lower, lower, charset, data, len, warnings);
    CkAttachment *att = ck_attachment_new(clean_name, lower, (gint64) len, text);
    g_free(text);
    g_free(lower);
    g_free(clean_name);
    return att;
}
