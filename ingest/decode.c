/* decode.c — charset decoding, RFC 2047 header words, HTML to text.
 *
 * Everything decodes through glibc iconv (g_iconv).  A byte a charset cannot
 * map never stops decoding: each run of such bytes becomes one U+FFFD and the
 * bytes are counted.  See decode.h for the charset rules.
 */
#include "ingest/decode.h"

#include <errno.h>
#include <string.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <uchardet/uchardet.h>

#define REPLACEMENT_CHAR "\xEF\xBF\xBD"

/* ---------------------------------------------------------------------- */
/* Charset labels                                                          */

typedef struct {
    const char *label;
    const char *iconv_name;
} CharsetAlias;

/* Labels with a fixed meaning.  "BIG5-HKSCS" is swapped for "BIG5" at run
 * time when iconv lacks it (see big5_iconv_name). */
static const CharsetAlias charset_aliases[] = {
    { "gb2312", "GB18030" },    { "gbk", "GB18030" },       { "x-gbk", "GB18030" },
    { "cp936", "GB18030" },     { "euc-cn", "GB18030" },    { "x-euc-cn", "GB18030" },
    { "gb_2312-80", "GB18030" },{ "csgb2312", "GB18030" },  { "windows-936", "GB18030" },
    { "ms936", "GB18030" },     { "chinese", "GB18030" },   { "gb18030", "GB18030" },
    { "x-gb18030", "GB18030" }, { "gb2312-80", "GB18030" }, { "x-mac-chinesesimp", "GB18030" },
    { "big5", "BIG5-HKSCS" },   { "big-5", "BIG5-HKSCS" },  { "x-big5", "BIG5-HKSCS" },
    { "cn-big5", "BIG5-HKSCS" },{ "csbig5", "BIG5-HKSCS" }, { "big5-hkscs", "BIG5-HKSCS" },
    { "cp950", "BIG5-HKSCS" },  { "windows-950", "BIG5-HKSCS" },
    { "utf-8", "UTF-8" },       { "utf8", "UTF-8" },        { "x-utf8", "UTF-8" },
    { "iso-8859-1", "WINDOWS-1252" }, { "iso8859-1", "WINDOWS-1252" },
    { "latin1", "WINDOWS-1252" },     { "latin-1", "WINDOWS-1252" },
    { "ks_c_5601-1987", "CP949" },    { "euc-kr", "CP949" },
    { "shift_jis", "CP932" },   { "shift-jis", "CP932" },   { "x-sjis", "CP932" },
    { "sjis", "CP932" },        { "unicode-1-1-utf-7", "UTF-7" },
};

/* Labels that say nothing about the bytes: treated as unlabelled. */
static const char *const unlabelled_labels[] = {
    "us-ascii", "ascii", "ansi_x3.4-1968", "us_ascii", "iso646-us", "default",
    "unknown", "unknown-8bit", "x-unknown", "x-user-defined", "charset", "none",
};

/* The iconv name for Big5 text: BIG5-HKSCS when glibc has it, else BIG5.
 * Returns a static string. */
static const char *big5_iconv_name(void)
{
    static gsize chosen = 0;
    if (g_once_init_enter(&chosen)) {
        const char *name = "BIG5-HKSCS";
        GIConv cd = g_iconv_open("UTF-8", name);
        if (cd == (GIConv) -1)
            name = "BIG5";
        else
            g_iconv_close(cd);
        g_once_init_leave(&chosen, (gsize) name);
    }
    return (const char *) chosen;
}

/* See decode.h.  Unknown labels are returned upper-cased as interned
 * (never freed) strings so the result is always static. */
const char *ck_charset_canonical(const char *label)
{
    if (!label)
        return NULL;
    char *clean = g_ascii_strdown(label, -1);
    g_strstrip(clean);
    g_strdelimit(clean, "\"'", ' ');
    g_strstrip(clean);
    const char *result = NULL;
    gboolean found = FALSE;
    if (clean[0] == '\0')
        found = TRUE;
    for (gsize i = 0; !found && i < G_N_ELEMENTS(unlabelled_labels); i++)
        if (strcmp(clean, unlabelled_labels[i]) == 0)
            found = TRUE;
    for (gsize i = 0; !found && i < G_N_ELEMENTS(charset_aliases); i++) {
        if (strcmp(clean, charset_aliases[i].label) == 0) {
            result = charset_aliases[i].iconv_name;
            found = TRUE;
        }
    }
    if (!found) {
        char *upper = g_ascii_strup(clean, -1);
        result = g_intern_string(upper);
        g_free(upper);
    }
    g_free(clean);
    if (result && strcmp(result, "BIG5-HKSCS") == 0)
        result = big5_iconv_name();
    return result;
}

/* ---------------------------------------------------------------------- */
/* Byte decoding                                                           */

/* Run iconv descriptor CD over LEN bytes of DATA, appending UTF-8 to OUT.
 * Each run of bytes the charset cannot map (or an incomplete sequence at
 * the end) becomes one U+FFFD; returns the number of bytes replaced. */
static guint convert_replacing(GIConv cd, const char *data, gsize len, GString *out)
{
    gchar buf[4096];
    gchar *in = (gchar *) data;
    gsize in_left = len;
    guint replaced = 0;
    gboolean in_bad_run = FALSE;

    while (in_left > 0) {
        gchar *before = in;
        gchar *o = buf;
        gsize o_left = sizeof buf;
        gsize rc = g_iconv(cd, &in, &in_left, &o, &o_left);
        int saved_errno = errno;
        g_string_append_len(out, buf, o - buf);
        if (in != before)
            in_bad_run = FALSE;
        if (rc != (gsize) -1 || saved_errno == E2BIG)
            continue;
        /* EILSEQ, EINVAL (or anything else): skip one byte and resync. */
        if (!in_bad_run)
            g_string_append(out, REPLACEMENT_CHAR);
        in_bad_run = TRUE;
        in++;
        in_left--;
        replaced++;
        g_iconv(cd, NULL, NULL, NULL, NULL);
    }
    gchar *o = buf;
    gsize o_left = sizeof buf;
    g_iconv(cd, NULL, NULL, &o, &o_left);   /* flush a stateful charset */
    g_string_append_len(out, buf, o - buf);
    return replaced;
}

/* Close a cached descriptor (hash table value destructor). */
static void iconv_cache_close(gpointer cd)
{
    if ((GIConv) cd != (GIConv) -1)
        g_iconv_close((GIConv) cd);
}

/* Per-thread cache of descriptors to UTF-8, keyed by charset: opening one
 * loads a gconv module (dlopen) and closing unloads it, which cost more than
 * the decoding itself when done per part.  Per thread, because an iconv
 * descriptor keeps state and ingest may parse on worker threads. */
static GPrivate iconv_cache = G_PRIVATE_INIT((GDestroyNotify) g_hash_table_unref);

/* The cached descriptor from ICONV_NAME to UTF-8, reset to its initial
 * state; (GIConv) -1 when iconv does not know the charset.  Owned by the
 * cache: never close it. */
static GIConv iconv_to_utf8(const char *iconv_name)
{
    GHashTable *cache = g_private_get(&iconv_cache);
    if (!cache) {
        cache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, iconv_cache_close);
        g_private_set(&iconv_cache, cache);
    }
    gpointer cd = NULL;
    if (!g_hash_table_lookup_extended(cache, iconv_name, NULL, &cd)) {
        cd = (gpointer) g_iconv_open("UTF-8", iconv_name);
        g_hash_table_insert(cache, g_strdup(iconv_name), cd);
    }
    if ((GIConv) cd != (GIConv) -1)
        g_iconv((GIConv) cd, NULL, NULL, NULL, NULL);
    return (GIConv) cd;
}

/* Charsets whose gconv modules stay loaded for the whole process: GMime
 * opens and closes a descriptor for each header it decodes from one of
 * them (GBK for gb2312 words, ISO-8859-1, ...), and glibc unloads the
 * module when the last descriptor closes, so each such header cost a
 * dlopen, a dlclose and an munmap that stalls every thread (TLB shootdown). */
static const char *const pinned_charsets[] = {
    "GBK", "GB18030", "BIG5", "BIG5-HKSCS", "ISO-8859-1", "ISO-8859-15", "WINDOWS-1252", "CP949",
    "EUC-KR", "CP932", "SHIFT_JIS", "EUC-JP", "ISO-2022-JP", "UTF-7", "UTF-16", "KOI8-R",
};

/* GOnce function: open one descriptor per pinned charset, never closed. */
static gpointer pin_charsets_once(gpointer unused)
{
    static GIConv pinned[G_N_ELEMENTS(pinned_charsets)];
    for (gsize i = 0; i < G_N_ELEMENTS(pinned_charsets); i++)
        pinned[i] = g_iconv_open("UTF-8", pinned_charsets[i]);
    return pinned;
}

/* See decode.h. */
void ck_decode_pin_charsets(void)
{
    static GOnce once = G_ONCE_INIT;
    g_once(&once, pin_charsets_once, NULL);
}

/* TRUE when the bytes at P (before LIMIT) start a valid UTF-8 character. */
static gboolean starts_valid_char(const char *p, const char *limit)
{
    const char *end = p;
    g_utf8_validate_len(p, MIN((gsize) (limit - p), 4), &end);
    return end > p;
}

/* See decode.h.  g_utf8_validate() is strict (it refuses what glibc's
 * iconv lets through); each failure point starts a run of bad bytes that
 * lasts until a byte starts a valid character again. */
char *ck_utf8_sanitize(const char *text, gssize len, guint *n_replaced)
{
    gsize size = len < 0 ? strlen(text) : (gsize) len;
    const char *p = text;
    const char *limit = text + size;
    guint replaced = 0;
    GString *out = g_string_sized_new(size + 1);
    while (p < limit) {
        const char *end = p;
        g_utf8_validate_len(p, limit - p, &end);
        g_string_append_len(out, p, end - p);
        if (end == limit)
            break;
        g_string_append(out, REPLACEMENT_CHAR);
        p = end;
        do {
            p++;
            replaced++;
        } while (p < limit && !starts_valid_char(p, limit));
    }
    if (n_replaced)
        *n_replaced = replaced;
    return g_string_free(out, FALSE);
}

/* Decode DATA from iconv charset ICONV_NAME into a new strict UTF-8 string
 * with NUL characters removed; *n_replaced gets the bytes replaced (those
 * iconv could not map and those it let through invalid).  Returns NULL
 * when iconv does not know the charset.  Caller g_free()s. */
static char *decode_with(const char *iconv_name, const char *data, gsize len,
                         guint *n_replaced)
{
    GIConv cd = iconv_to_utf8(iconv_name);
    if (cd == (GIConv) -1)
        return NULL;
    GString *out = g_string_sized_new(len + len / 2 + 1);
    guint unmapped = convert_replacing(cd, data, len, out);
    /* U+0000 is never kept (CkMessage invariant). */
    gsize w = 0;
    for (gsize r = 0; r < out->len; r++)
        if (out->str[r] != '\0')
            out->str[w++] = out->str[r];
    g_string_truncate(out, w);
    guint invalid = 0;
    char *text = ck_utf8_sanitize(out->str, out->len, &invalid);
    g_string_free(out, TRUE);
    *n_replaced = unmapped + invalid;
    return text;
}

/* TRUE when LEN bytes of DATA are valid UTF-8, NUL bytes allowed. */
static gboolean utf8_valid_allowing_nul(const char *data, gsize len)
{
    gsize start = 0;
    while (start < len) {
        const char *nul = memchr(data + start, '\0', len - start);
        gsize end = nul ? (gsize) (nul - data) : len;
        if (!g_utf8_validate_len(data + start, end - start, NULL))
            return FALSE;
        start = end + 1;
    }
    return TRUE;
}

/* TRUE when DATA holds a byte >= 0x80. */
static gboolean has_8bit(const char *data, gsize len)
{
    for (gsize i = 0; i < len; i++)
        if ((guchar) data[i] >= 0x80)
            return TRUE;
    return FALSE;
}

/* Charsets uchardet may name that casekb prefers to GB18030 for unlabelled
 * bytes, with the iconv name used for each (upper-case detector names). */
static const CharsetAlias detected_charsets[] = {
    { "BIG5", "BIG5-HKSCS" },  { "EUC-TW", "EUC-TW" },   { "EUC-KR", "CP949" },
    { "UHC", "CP949" },        { "SHIFT_JIS", "CP932" }, { "EUC-JP", "EUC-JP" },
    { "ISO-2022-JP", "ISO-2022-JP" }, { "ISO-2022-KR", "ISO-2022-KR" },
    { "ISO-2022-CN", "ISO-2022-CN" }, { "GB18030", "GB18030" },
};

/* The detector needs some 8-bit bytes to say anything useful. */
#define DETECT_MIN_8BIT 8

/* Number of bytes >= 0x80 in DATA. */
static gsize count_8bit(const char *data, gsize len)
{
    gsize n = 0;
    for (gsize i = 0; i < len; i++)
        n += (guchar) data[i] >= 0x80;
    return n;
}

/* See decode.h. */
const char *ck_charset_detect(const char *data, gsize len, const char **detector_said)
{
    if (detector_said)
        *detector_said = NULL;
    if (!data || count_8bit(data, len) < DETECT_MIN_8BIT)
        return NULL;
    uchardet_t ud = uchardet_new();
    const char *result = NULL;
    if (uchardet_handle_data(ud, data, len) == 0) {
        uchardet_data_end(ud);
        char *name = g_ascii_strup(uchardet_get_charset(ud), -1);
        if (detector_said && *name)
            *detector_said = g_intern_string(name);
        for (gsize i = 0; i < G_N_ELEMENTS(detected_charsets) && !result; i++)
            if (strcmp(name, detected_charsets[i].label) == 0)
                result = ck_charset_canonical(detected_charsets[i].iconv_name);
        g_free(name);
    }
    uchardet_delete(ud);
    return result;
}

/* Decode unlabelled bytes: UTF-8 when valid, else FALLBACK (an iconv name
 * or NULL), else the charset uchardet names when it is a CJK charset other
 * than GB18030 and reads the bytes with no more replacements, else
 * GB18030; when the fallback leaves bytes unmapped GB18030 is tried too and
 * the reading with fewer replacements wins.  Sets *used to the charset
 * chosen (static).  Caller g_free()s the result. */
static char *decode_unlabelled(const char *data, gsize len, const char *fallback,
                               guint *n_replaced, const char **used)
{
    guint dummy = 0;
    if (utf8_valid_allowing_nul(data, len)) {
        *used = has_8bit(data, len) ? "UTF-8" : "US-ASCII";
        *n_replaced = 0;
        return decode_with("UTF-8", data, len, &dummy);
    }
    char *best = NULL;
    guint best_replaced = G_MAXUINT;
    if (!fallback)
        fallback = ck_charset_detect(data, len, NULL);
    if (fallback && strcmp(fallback, "UTF-8") != 0 && strcmp(fallback, "GB18030") != 0) {
        best = decode_with(fallback, data, len, &best_replaced);
        if (best)
            *used = fallback;
        if (best && best_replaced == 0) {
            *n_replaced = 0;
            return best;
        }
    }
    guint gb_replaced = 0;
    char *gb = decode_with("GB18030", data, len, &gb_replaced);
    if (gb && gb_replaced < best_replaced) {
        g_free(best);
        best = gb;
        best_replaced = gb_replaced;
        *used = "GB18030";
    } else {
        g_free(gb);
    }
    if (!best) {   /* cannot happen with glibc, but never return NULL */
        best = ck_utf8_sanitize(data, len, &best_replaced);
        *used = "UTF-8";
    }
    *n_replaced = best_replaced;
    return best;
}

/* TRUE for iconv names of single-byte Latin/Cyrillic charsets, whose
 * labels are often put on UTF-8 text by careless mailers. */
static gboolean is_single_byte_charset(const char *iconv_name)
{
    return g_str_has_prefix(iconv_name, "ISO-8859") || g_str_has_prefix(iconv_name, "ISO8859")
           || g_str_has_prefix(iconv_name, "WINDOWS-125") || g_str_has_prefix(iconv_name, "CP125")
           || g_str_has_prefix(iconv_name, "KOI8");
}

/* Repair multi-byte text that was once read as Latin-1 and saved as UTF-8
 * ("double encoded", e.g. Big5 mail through a Western webmail): when every
 * character of the UTF-8 DATA is below U+0100 and those Latin-1 bytes read
 * cleanly in ICONV_NAME, return that reading (caller g_free()s); else NULL. */
static char *undo_latin1_double_encoding(const char *data, gsize len, const char *iconv_name)
{
    gsize written = 0;
    char *latin1 = g_convert(data, len, "ISO-8859-1", "UTF-8", NULL, &written, NULL);
    if (!latin1)
        return NULL;
    char *repaired = NULL;
    guint replaced = 0;
    if (has_8bit(latin1, written)) {
        repaired = decode_with(iconv_name, latin1, written, &replaced);
        if (repaired && replaced > 0)
            g_clear_pointer(&repaired, g_free);
    }
    g_free(latin1);
    return repaired;
}

/* See decode.h. */
char *ck_decode_bytes_full(const char *data, gssize len, const char *charset,
                           const char *fallback, guint *n_replaced,
                           const char **used_charset)
{
    guint replaced = 0;
    const char *used = NULL;
    if (!data) {
        data = "";
        len = 0;
    }
    gsize size = len < 0 ? strlen(data) : (gsize) len;
    const char *canon = ck_charset_canonical(charset);
    char *text = NULL;
    if (canon) {
        text = decode_with(canon, data, size, &replaced);
        used = canon;
        /* Mislabelled UTF-8: the label fails where UTF-8 reads cleanly, or
         * a single-byte label sits on multi-byte UTF-8 sequences. */
        gboolean suspect = replaced > 0 || (is_single_byte_charset(canon) && has_8bit(data, size));
        if (text && suspect && strcmp(canon, "UTF-8") != 0
            && utf8_valid_allowing_nul(data, size)) {
            char *repaired = is_single_byte_charset(canon) ? NULL
                             : undo_latin1_double_encoding(data, size, canon);
            g_free(text);
            text = repaired ? repaired : decode_with("UTF-8", data, size, &replaced);
            replaced = 0;
            used = repaired ? canon : "UTF-8";
        }
    }
    if (!text)
        text = decode_unlabelled(data, size, ck_charset_canonical(fallback),
                                 &replaced, &used);
    if (n_replaced)
        *n_replaced = replaced;
    if (used_charset)
        *used_charset = used;
    return text;
}

/* See decode.h. */
char *ck_decode_bytes(const char *data, gssize len, const char *charset,
                      const char *fallback, guint *n_replaced)
{
    return ck_decode_bytes_full(data, len, charset, fallback, n_replaced, NULL);
}

/* Byte-order marks and the iconv name each one stands for, longest first. */
static const struct { const char *bom; gsize len; const char *iconv_name; } byte_order_marks[] = {
    { "\xFF\xFE\x00\x00", 4, "UTF-32LE" }, { "\x00\x00\xFE\xFF", 4, "UTF-32BE" },
    { "\xEF\xBB\xBF", 3, "UTF-8" },        { "\xFF\xFE", 2, "UTF-16LE" },
    { "\xFE\xFF", 2, "UTF-16BE" },
};

/* "UTF-16LE" or "UTF-16BE" when DATA looks like UTF-16 text without a BOM
 * (a NUL in at least a third of the odd, resp. even, positions of its first
 * 4 KiB and almost none in the others), else NULL. */
static const char *sniff_utf16(const char *data, gsize len)
{
    gsize n = MIN(len, 4096) & ~(gsize) 1, even = 0, odd = 0;
    for (gsize i = 0; i < n; i += 2) {
        even += data[i] == '\0';
        odd += data[i + 1] == '\0';
    }
    gsize pairs = n / 2;
    if (pairs < 2)
        return NULL;
    if (odd * 3 >= pairs && even * 20 <= pairs)
        return "UTF-16LE";
    if (even * 3 >= pairs && odd * 20 <= pairs)
        return "UTF-16BE";
    return NULL;
}

/* See decode.h. */
char *ck_decode_text_file(const char *data, gsize len, const char *charset, guint *n_replaced,
                          const char **used_charset)
{
    const char *iconv_name = NULL;
    gsize skip = 0;
    for (gsize i = 0; i < G_N_ELEMENTS(byte_order_marks) && !iconv_name; i++) {
        if (len >= byte_order_marks[i].len
            && memcmp(data, byte_order_marks[i].bom, byte_order_marks[i].len) == 0) {
            iconv_name = byte_order_marks[i].iconv_name;
            skip = byte_order_marks[i].len;
        }
    }
    if (!iconv_name)
        iconv_name = sniff_utf16(data, len);
    if (!iconv_name)
        return ck_decode_bytes_full(data, len, charset, NULL, n_replaced, used_charset);
    guint replaced = 0;
    char *text = decode_with(iconv_name, data + skip, len - skip, &replaced);
    if (n_replaced)
        *n_replaced = replaced;
    if (used_charset)
        *used_charset = iconv_name;
    return text;
}

/* ---------------------------------------------------------------------- */
/* RFC 2047 header words                                                   */

/* State while decoding one header: a run of adjacent encoded words in one
 * charset is collected as bytes and decoded only when the run ends, so a
 * character split across two words survives. */
typedef struct {
    GString *out;           /* decoded UTF-8 so far */
    GString *run_bytes;     /* bytes of the current run of words */
    GString *run_base64;    /* base64 text of a word not yet a whole quantum */
    char *run_charset;      /* label of the current run, NULL when none */
    const char *fallback;
    guint replaced;
} HeaderDecoder;

/* One encoded word found in a header. */
typedef struct {
    char *charset;          /* label, RFC 2231 language removed */
    char encoding;          /* 'B' or 'Q' */
    const char *text;       /* encoded text (not NUL-terminated) */
    gsize text_len;
    const char *end;        /* first byte after "?=" */
} EncodedWord;

/* Parse an encoded word starting at P ("=?"), bounded by LIMIT.  Returns
 * TRUE and fills *word (caller frees word->charset) when P starts one. */
static gboolean parse_encoded_word(const char *p, const char *limit, EncodedWord *word)
{
    if (limit - p < 8 || p[0] != '=' || p[1] != '?')
        return FALSE;
    const char *cs = p + 2;
    const char *q = cs;
    while (q < limit && *q != '?' && !g_ascii_isspace(*q))
        q++;
    if (q == cs || q + 3 >= limit || q[0] != '?')
        return FALSE;
    char enc = g_ascii_toupper(q[1]);
    if ((enc != 'B' && enc != 'Q') || q[2] != '?')
        return FALSE;
    const char *text = q + 3;
    const char *t = text;
    while (t < limit && *t != '?')
        t++;
    if (t + 1 >= limit || t[1] != '=')
        return FALSE;
    word->charset = g_strndup(cs, q - cs);
    char *star = strchr(word->charset, '*');
    if (star)
        *star = '\0';
    word->encoding = enc;
    word->text = text;
    word->text_len = t - text;
    word->end = t + 2;
    return TRUE;
}

/* Append the bytes of Q-encoded TEXT to OUT. */
static void q_decode_append(const char *text, gsize len, GString *out)
{
    for (gsize i = 0; i < len; i++) {
        if (text[i] == '_') {
            g_string_append_c(out, ' ');
        } else if (text[i] == '=' && i + 2 < len && g_ascii_isxdigit(text[i + 1])
                   && g_ascii_isxdigit(text[i + 2])) {
            g_string_append_c(out, (char) (g_ascii_xdigit_value(text[i + 1]) * 16
                                           + g_ascii_xdigit_value(text[i + 2])));
            i += 2;
        } else {
            g_string_append_c(out, text[i]);
        }
    }
}

/* Decode the base64 text collected in d->run_base64 into d->run_bytes. */
static void flush_base64(HeaderDecoder *d)
{
    if (d->run_base64->len == 0)
        return;
    gint state = 0;
    guint save = 0;
    gsize room = d->run_base64->len * 3 / 4 + 3;
    guchar *buf = g_malloc(room);
    gsize n = g_base64_decode_step(d->run_base64->str, d->run_base64->len, buf, &state, &save);
    g_string_append_len(d->run_bytes, (const char *) buf, n);
    g_free(buf);
    g_string_truncate(d->run_base64, 0);
}

/* End the current run of encoded words: decode its bytes into d->out. */
static void flush_run(HeaderDecoder *d)
{
    flush_base64(d);
    if (d->run_bytes->len > 0) {
        guint replaced = 0;
        char *text = ck_decode_bytes(d->run_bytes->str, d->run_bytes->len,
                                     d->run_charset, d->fallback, &replaced);
        g_string_append(d->out, text);
        d->replaced += replaced;
        g_free(text);
    }
    g_string_truncate(d->run_bytes, 0);
    g_clear_pointer(&d->run_charset, g_free);
}

/* TRUE when labels A and B decode the same way. */
static gboolean same_charset(const char *a, const char *b)
{
    if (!a || !b)
        return FALSE;
    const char *ca = ck_charset_canonical(a);
    const char *cb = ck_charset_canonical(b);
    if (!ca || !cb)
        return ca == cb;
    return strcmp(ca, cb) == 0;
}

/* Add one encoded word to the current run (starting a new run when its
 * charset differs).  Takes ownership of word->charset. */
static void add_word(HeaderDecoder *d, EncodedWord *word)
{
    if (d->run_charset && !same_charset(d->run_charset, word->charset))
        flush_run(d);
    if (!d->run_charset)
        d->run_charset = word->charset;
    else
        g_free(word->charset);
    word->charset = NULL;
    if (word->encoding == 'Q') {
        flush_base64(d);
        q_decode_append(word->text, word->text_len, d->run_bytes);
        return;
    }
    /* A base64 word that is not a whole number of quanta continues in the
     * next word; decode only whole quanta. */
    for (gsize i = 0; i < word->text_len; i++)
        if (!g_ascii_isspace(word->text[i]))
            g_string_append_c(d->run_base64, word->text[i]);
    if (d->run_base64->len % 4 == 0)
        flush_base64(d);
}

/* Append literal header text (possibly raw 8-bit bytes) to d->out. */
static void add_literal(HeaderDecoder *d, const char *text, gsize len)
{
    if (len == 0)
        return;
    flush_run(d);
    guint replaced = 0;
    char *decoded = ck_decode_bytes(text, len, NULL, d->fallback, &replaced);
    g_string_append(d->out, decoded);
    d->replaced += replaced;
    g_free(decoded);
}

/* TRUE when LEN bytes at P are all blanks. */
static gboolean all_blank(const char *p, gsize len)
{
    for (gsize i = 0; i < len; i++)
        if (p[i] != ' ' && p[i] != '\t')
            return FALSE;
    return TRUE;
}

/* Copy RAW without line breaks (RFC 5322 unfolding keeps the blank that
 * starts a continuation line; a tab there becomes a space).  Caller
 * g_free()s. */
static char *unfold_header(const char *raw)
{
    GString *s = g_string_sized_new(strlen(raw));
    gboolean after_break = FALSE;
    for (const char *p = raw; *p; p++) {
        if (*p == '\r' || *p == '\n') {
            after_break = TRUE;
            continue;
        }
        g_string_append_c(s, after_break && *p == '\t' ? ' ' : *p);
        after_break = FALSE;
    }
    return g_string_free(s, FALSE);
}

/* See decode.h. */
char *ck_decode_header(const char *raw, const char *fallback, guint *n_replaced)
{
    char *unfolded = unfold_header(raw ? raw : "");
    gsize len = strlen(unfolded);
    const char *limit = unfolded + len;
    HeaderDecoder d = { g_string_sized_new(len), g_string_new(NULL), g_string_new(NULL),
                        NULL, fallback, 0 };
    const char *literal = unfolded;
    gboolean after_word = FALSE;
    for (const char *p = unfolded; p < limit;) {
        EncodedWord word;
        if (*p != '=' || !parse_encoded_word(p, limit, &word)) {
            p++;
            continue;
        }
        /* Blanks between two encoded words are dropped (RFC 2047 6.2). */
        if (!(after_word && all_blank(literal, p - literal)))
            add_literal(&d, literal, p - literal);
        add_word(&d, &word);
        p = literal = word.end;
        after_word = TRUE;
    }
    add_literal(&d, literal, limit - literal);
    flush_run(&d);
    g_string_free(d.run_bytes, TRUE);
    g_string_free(d.run_base64, TRUE);
    g_free(unfolded);
    if (n_replaced)
        *n_replaced = d.replaced;
    char *result = g_string_free(d.out, FALSE);
    return g_strstrip(result);
}

/* ---------------------------------------------------------------------- */
/* HTML to text                                                            */

/* Where text goes while an HTML tree is walked. */
typedef struct {
    GString *body;          /* the new text */
    GString *quoted;        /* quote containers; NULL: keep them inline */
    GString *out;           /* body or quoted, whichever is being written */
    gboolean quote_tail;    /* a reply header was met: the rest is quoted */
    int quote_depth;        /* > 0 inside a quote container */
    int pre_depth;          /* > 0 inside <pre>: keep whitespace */
} HtmlWriter;

static void render_children(HtmlWriter *w, xmlNode *parent);

/* Elements whose content is never text. */
static const char *const html_skipped[] = {
    "style", "script", "head", "title", "meta", "link", "noscript", "template",
    "object", "iframe", "svg", "xml", "select", "button",
};

/* Elements that start and end a line. */
static const char *const html_blocks[] = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "table",
    "tr", "blockquote", "pre", "section", "article", "header", "footer",
    "address", "center", "dl", "dt", "dd", "form", "body", "html", "hr",
    "tbody", "thead", "tfoot", "caption", "fieldset", "nav", "aside", "main",
    "figure", "figcaption",
};

/* Class names of containers that hold a quoted earlier message. */
static const char *const html_quote_classes[] = {
    "gmail_quote", "gmail_quote_container", "yahoo_quoted", "moz-cite-prefix",
    "protonmail_quote",
};

/* TRUE when NAME is one of the N strings in LIST. */
static gboolean name_in(const char *name, const char *const *list, gsize n)
{
    for (gsize i = 0; i < n; i++)
        if (g_ascii_strcasecmp(name, list[i]) == 0)
            return TRUE;
    return FALSE;
}

/* TRUE when attribute ATTR of EL equals VALUE (ASCII case-insensitive). */
static gboolean attr_equals(xmlNode *el, const char *attr, const char *value)
{
    xmlChar *v = xmlGetProp(el, (const xmlChar *) attr);
    gboolean eq = v && g_ascii_strcasecmp((const char *) v, value) == 0;
    xmlFree(v);
    return eq;
}

/* TRUE when EL's class attribute holds one of the quote class names. */
static gboolean has_quote_class(xmlNode *el)
{
    xmlChar *cls = xmlGetProp(el, (const xmlChar *) "class");
    if (!cls)
        return FALSE;
    gboolean found = FALSE;
    char **tokens = g_strsplit_set((const char *) cls, " \t\r\n", -1);
    for (char **t = tokens; *t && !found; t++)
        found = name_in(*t, html_quote_classes, G_N_ELEMENTS(html_quote_classes));
    g_strfreev(tokens);
    xmlFree(cls);
    return found;
}

/* TRUE when the text of NODE opens like a reply header block ("From:",
 * "发件人:", "-----Original Message-----", ...). */
static gboolean looks_like_reply_header(xmlNode *node)
{
    static const char *const keys[] = {
        "From:", "From\xEF\xBC\x9A", "\xE5\x8F\x91\xE4\xBB\xB6\xE4\xBA\xBA",  /* 发件人 */
        "\xE5\xAF\x84\xE4\xBB\xB6\xE8\x80\x85",                              /* 寄件者 */
        "-----Original", "-----\xE5\x8E\x9F\xE5\xA7\x8B", "Von:", "De :", "De:",
        "Sent:", "Date:",
    };
    xmlChar *content = xmlNodeGetContent(node);
    if (!content)
        return FALSE;
    const char *p = (const char *) content;
    /* Skip blanks, NBSP, U+3000 and the '*' of bold plain-text headers. */
    while (*p) {
        if (g_ascii_isspace(*p) || *p == '*')
            p++;
        else if (g_str_has_prefix(p, "\xC2\xA0"))
            p += 2;
        else if (g_str_has_prefix(p, "\xE3\x80\x80"))
            p += 3;
        else
            break;
    }
    gboolean found = FALSE;
    for (gsize i = 0; i < G_N_ELEMENTS(keys) && !found; i++)
        found = g_str_has_prefix(p, keys[i]);
    xmlFree(content);
    return found;
}

/* The next element sibling of NODE, or NULL. */
static xmlNode *next_element(xmlNode *node)
{
    for (xmlNode *n = node->next; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE)
            return n;
    return NULL;
}

/* TRUE when EL starts the quoted tail of an Outlook-style reply: the
 * divRplyFwdMsg header, the border-top div around a header block, or an
 * <hr> right before a reply header. */
static gboolean is_quote_tail_start(xmlNode *el)
{
    const char *name = (const char *) el->name;
    if (attr_equals(el, "id", "divRplyFwdMsg"))
        return TRUE;
    if (g_ascii_strcasecmp(name, "hr") == 0) {
        if (attr_equals(el, "data-marker", "__DIVIDER__"))
            return TRUE;
        xmlNode *next = next_element(el);
        return next && (attr_equals(next, "id", "divRplyFwdMsg") || looks_like_reply_header(next));
    }
    if (g_ascii_strcasecmp(name, "div") != 0)
        return FALSE;
    xmlChar *style = xmlGetProp(el, (const xmlChar *) "style");
    if (!style)
        return FALSE;
    char *compact = g_ascii_strdown((const char *) style, -1);
    xmlFree(style);
    g_strdelimit(compact, " \t\r\n", '_');
    gboolean border_top = strstr(compact, "border-top:solid") || strstr(compact, "border-top:_solid")
                          || strstr(compact, "border-top:1") || strstr(compact, "border-top:_1");
    g_free(compact);
    return border_top && looks_like_reply_header(el);
}

/* TRUE when EL is a container that holds only a quoted earlier message. */
static gboolean is_quote_container(xmlNode *el)
{
    return g_ascii_strcasecmp((const char *) el->name, "blockquote") == 0
           || attr_equals(el, "id", "OLK_SRC_BODY_SECTION") || has_quote_class(el);
}

/* Remove blanks at the end of OUT. */
static void trim_trailing_blanks(GString *out)
{
    while (out->len > 0 && (out->str[out->len - 1] == ' ' || out->str[out->len - 1] == '\t'))
        g_string_truncate(out, out->len - 1);
}

/* End the current line of OUT unless it is empty or already ended. */
static void ensure_newline(GString *out)
{
    trim_trailing_blanks(out);
    if (out->len > 0 && out->str[out->len - 1] != '\n')
        g_string_append_c(out, '\n');
}

/* Append a text node's content: whitespace collapsed outside <pre>. */
static void append_text(HtmlWriter *w, const char *text)
{
    GString *out = w->out;
    for (const char *p = text; *p; p++) {
        if (w->pre_depth > 0) {
            if (*p != '\r')
                g_string_append_c(out, *p);
        } else if (g_ascii_isspace(*p)) {
            char last = out->len ? out->str[out->len - 1] : '\n';
            if (last != ' ' && last != '\n' && last != '\t')
                g_string_append_c(out, ' ');
        } else {
            g_string_append_c(out, *p);
        }
    }
}

/* The number a list item LI shows: its place among the <li> of its <ol>,
 * counted from the list's start attribute. */
static long list_item_number(xmlNode *li)
{
    long number = 1;
    if (li->parent) {
        xmlChar *start = xmlGetProp(li->parent, (const xmlChar *) "start");
        if (start)
            number = strtol((const char *) start, NULL, 10);
        xmlFree(start);
    }
    for (xmlNode *n = li->prev; n; n = n->prev)
        if (n->type == XML_ELEMENT_NODE && g_ascii_strcasecmp((const char *) n->name, "li") == 0)
            number++;
    return number;
}

/* Write the prefix of a list item or table cell before its content. */
static void write_item_prefix(HtmlWriter *w, xmlNode *el, const char *name)
{
    if (g_ascii_strcasecmp(name, "li") == 0) {
        gboolean numbered = el->parent && el->parent->name
                            && g_ascii_strcasecmp((const char *) el->parent->name, "ol") == 0;
        if (numbered)
            g_string_append_printf(w->out, "%ld. ", list_item_number(el));
        else
            g_string_append(w->out, "- ");
    } else if (g_ascii_strcasecmp(name, "td") == 0 || g_ascii_strcasecmp(name, "th") == 0) {
        gboolean first_cell = TRUE;
        for (xmlNode *n = el->prev; n && first_cell; n = n->prev)
            first_cell = n->type != XML_ELEMENT_NODE;
        if (!first_cell) {
            trim_trailing_blanks(w->out);
            g_string_append_c(w->out, '\t');
        }
    }
}

/* Render a quote container's content into the quoted text. */
static void render_quote_container(HtmlWriter *w, xmlNode *el)
{
    GString *saved = w->out;
    ensure_newline(w->quoted);
    w->out = w->quoted;
    w->quote_depth++;
    render_children(w, el);
    w->quote_depth--;
    ensure_newline(w->quoted);
    w->out = saved;
}

/* Render one element and its content. */
static void render_element(HtmlWriter *w, xmlNode *el)
{
    const char *name = (const char *) el->name;
    if (name_in(name, html_skipped, G_N_ELEMENTS(html_skipped)))
        return;
    if (w->quoted && !w->quote_tail && w->quote_depth == 0) {
        if (is_quote_tail_start(el)) {
            w->quote_tail = TRUE;
            w->out = w->quoted;
        } else if (is_quote_container(el)) {
            render_quote_container(w, el);
            return;
        }
    }
    if (g_ascii_strcasecmp(name, "br") == 0) {
        trim_trailing_blanks(w->out);
        g_string_append_c(w->out, '\n');
        return;
    }
    gboolean block = name_in(name, html_blocks, G_N_ELEMENTS(html_blocks));
    gboolean pre = g_ascii_strcasecmp(name, "pre") == 0;
    if (block)
        ensure_newline(w->out);
    write_item_prefix(w, el, name);
    w->pre_depth += pre;
    render_children(w, el);
    w->pre_depth -= pre;
    if (block)
        ensure_newline(w->out);
}

/* Render every child of PARENT in document order. */
static void render_children(HtmlWriter *w, xmlNode *parent)
{
    for (xmlNode *n = parent->children; n; n = n->next) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content)
                append_text(w, (const char *) n->content);
        } else if (n->type == XML_ELEMENT_NODE) {
            render_element(w, n);
        }
    }
}

/* Tidy rendered text: blanks at line ends removed, runs of blank lines cut
 * to one, blank lines at both ends dropped.  Returns a new valid UTF-8
 * string; frees nothing.  Caller g_free()s. */
static char *tidy_lines(const GString *raw)
{
    char **lines = g_strsplit(raw->str, "\n", -1);
    GString *out = g_string_sized_new(raw->len);
    int blank_run = 0;
    for (char **l = lines; *l; l++) {
        g_strchomp(*l);
        if (**l == '\0') {
            blank_run++;
            continue;
        }
        if (out->len > 0)
            g_string_append(out, blank_run > 0 ? "\n\n" : "\n");
        g_string_append(out, *l);
        blank_run = 0;
    }
    g_strfreev(lines);
    char *valid = ck_utf8_sanitize(out->str, out->len, NULL);
    g_string_free(out, TRUE);
    return valid;
}

/* See decode.h. */
char *ck_html_to_text(const char *html, gssize len, char **quoted_out)
{
    if (quoted_out)
        *quoted_out = NULL;
    if (!html)
        html = "";
    gsize size = len < 0 ? strlen(html) : (gsize) len;
    HtmlWriter w = { g_string_new(NULL), quoted_out ? g_string_new(NULL) : NULL, NULL,
                     FALSE, 0, 0 };
    w.out = w.body;
    if (size > 0 && size <= G_MAXINT) {
        htmlDocPtr doc = htmlReadMemory(html, (int) size, NULL, "UTF-8",
                                        HTML_PARSE_RECOVER | HTML_PARSE_NOERROR
                                        | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
        xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
        if (root && root->parent)
            render_children(&w, root->parent);
        if (doc)
            xmlFreeDoc(doc);
    }
    char *text = tidy_lines(w.body);
    g_string_free(w.body, TRUE);
    if (w.quoted) {
        *quoted_out = tidy_lines(w.quoted);
        g_string_free(w.quoted, TRUE);
    }
    return text;
}
