/* decode.h — charsets, RFC 2047 header words and HTML, all to valid UTF-8.
 *
 * Rules (casekb's, from real Chinese mail): labels gb2312, gbk, x-gbk, cp936,
 * euc-cn decode as GB18030; big5 as Big5-HKSCS; bytes with no label are
 * UTF-8 when valid, else the fallback charset (the message's own declared
 * text charset), else the CJK charset uchardet names (Big5, EUC-KR,
 * Shift_JIS, ...) when it reads the bytes cleanly, else GB18030.  Nothing here ever fails: bytes a charset
 * cannot map become U+FFFD and are counted in *n_replaced.
 * Every returned string is newly allocated strict UTF-8 (ck_utf8_sanitize:
 * no code point above U+10FFFF, no surrogate, no overlong form, no NUL);
 * caller g_free()s it.
 */
#ifndef CASEKB_DECODE_H
#define CASEKB_DECODE_H

#include <glib.h>

/* The iconv name casekb decodes a MIME charset label with ("gb2312" ->
 * "GB18030", "big5" -> "BIG5-HKSCS", "utf8" -> "UTF-8"); NULL or "" or
 * us-ascii -> NULL (meaning: unlabelled).  Returns a static string or NULL. */
const char *ck_charset_canonical(const char *label);

/* Keep the gconv modules of the common mail charsets loaded for the rest of
 * the process (once; any thread), so that decoders opening and closing
 * descriptors, as GMime does per header, do not load and unload them each
 * time. */
void ck_decode_pin_charsets(void);

/* Copy LEN bytes of TEXT (len -1: NUL-terminated) as strict UTF-8: each
 * run of bytes that starts no valid character (a code point above
 * U+10FFFF, F5..FF or C0/C1 leads, a surrogate, an overlong form, a cut-off
 * sequence, a NUL byte within LEN) becomes one U+FFFD, and *n_replaced (may
 * be NULL) gets the number of bytes replaced.  glibc's UTF-8 decoder lets
 * some of these through, so every string decode.c returns passes here, and
 * parse.c checks each message field with it once more.  Caller g_free()s. */
char *ck_utf8_sanitize(const char *text, gssize len, guint *n_replaced);

/* Decode LEN bytes of DATA (len -1: NUL-terminated) labelled CHARSET (may be
 * NULL = unlabelled) to UTF-8.  FALLBACK (may be NULL) is tried for
 * unlabelled 8-bit text that is not valid UTF-8, before GB18030. */
char *ck_decode_bytes(const char *data, gssize len, const char *charset,
                      const char *fallback, guint *n_replaced);

/* ck_decode_bytes() that also tells which charset was used in the end:
 * *used_charset (may be NULL) is set to a static iconv name ("GB18030",
 * "UTF-8", "US-ASCII" for unlabelled ASCII, ...).  Labelled bytes the label
 * cannot map but that are valid UTF-8 are read as UTF-8 (mislabelled). */
char *ck_decode_bytes_full(const char *data, gssize len, const char *charset,
                           const char *fallback, guint *n_replaced,
                           const char **used_charset);

/* Decode the LEN bytes of a text file (an attachment): a byte-order mark
 * picks UTF-8, UTF-16 or UTF-32 (and is dropped), as does UTF-16 without a
 * BOM recognised by its NUL bytes; otherwise the bytes are decoded like
 * ck_decode_bytes_full() with CHARSET (the part's label, may be NULL) and
 * no fallback.  *used_charset (may be NULL) gets the static iconv name
 * used. */
char *ck_decode_text_file(const char *data, gsize len, const char *charset, guint *n_replaced,
                          const char **used_charset);

/* Ask uchardet which charset LEN bytes of DATA are in.  Returns the iconv
 * name casekb decodes with (static) when the detector names a CJK charset
 * (Big5, EUC-KR, Shift_JIS, EUC-JP, EUC-TW, ISO-2022-*, GB18030), else
 * NULL: also for fewer than 8 bytes >= 0x80, too few to tell.
 * *detector_said (may be NULL) gets the detector's own answer upper-cased
 * (interned string), or NULL when it said nothing. */
const char *ck_charset_detect(const char *data, gsize len, const char **detector_said);

/* Decode a raw header value: unfold, decode RFC 2047 words in any charset
 * (adjacent words of one charset joined before decoding, so a character split
 * across words survives), and raw 8-bit bytes by the unlabelled rule with
 * FALLBACK. */
char *ck_decode_header(const char *raw, const char *fallback, guint *n_replaced);

/* Turn UTF-8 HTML into readable text with libxml2's HTML parser: style and
 * script dropped, paragraphs, <br> and list items kept as lines (numbered
 * lists keep "1. "), table rows as lines with cells tab-separated, entities
 * decoded, blank-line runs cut to one.  Quote containers (top-level
 * blockquote, div.gmail_quote, #OLK_SRC_BODY_SECTION, ...) and an Outlook
 * reply header (div#divRplyFwdMsg, the border-top div or <hr> before a
 * "From:"/"发件人" block) with everything after it go to *quoted_out when
 * QUOTED_OUT is non-NULL (set to "" when none; caller frees), otherwise
 * they are kept inline. */
char *ck_html_to_text(const char *html, gssize len, char **quoted_out);

#endif
