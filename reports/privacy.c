/* privacy.c — product-key masking for every output (see privacy.h). */
#include "reports/privacy.h"
#include "reports/output.h"

#include <string.h>

/* A key character in either case (ASCII or full-width), an upper-case one,
 * a dash (with spaces or one line break around it), a white-space gap. */
#define KEY_ANY "[A-Za-z0-9\\x{FF10}-\\x{FF19}\\x{FF21}-\\x{FF3A}\\x{FF41}-\\x{FF5A}]"
#define KEY_UP "[A-Z0-9\\x{FF10}-\\x{FF19}\\x{FF21}-\\x{FF3A}]"
#define KEY_DASH "\\h*\\R?\\h*[-\\x{2010}-\\x{2015}\\x{2212}\\x{FE63}\\x{FF0D}]\\h*\\R?\\h*"
#define KEY_GAP "[\\h\\v]+"

/* The product-key pattern, compiled once; group 1 is the last group. */
static GRegex *product_key_regex(void)
{
    static GRegex *regex;
    if (g_once_init_enter(&regex)) {
        GRegex *r = g_regex_new("(?<!" KEY_ANY ")(?|"
                                KEY_ANY "{5}(?:" KEY_DASH KEY_ANY "{5}){3}" KEY_DASH "(" KEY_ANY "{5})"
                                "|" KEY_UP "{5}(?:" KEY_GAP KEY_UP "{5}){3}" KEY_GAP "(" KEY_UP "{5})"
                                ")(?!" KEY_ANY ")", G_REGEX_OPTIMIZE, 0, NULL);
        g_assert(r);
        g_once_init_leave(&regex, r);
    }
    return regex;
}

/* One highlight marker taken out of the text: where it stood in the text
 * without markers, and whether it opens or closes. */
typedef struct {
    gsize at;
    gboolean open;
} Marker;

/* TEXT without the OPEN and CLOSE markers (either may be NULL); where they
 * stood goes to MARKERS.  Caller frees with g_string_free(). */
static GString *strip_markers(const char *text, const char *open, const char *close, GArray *markers)
{
    gsize n_open = open ? strlen(open) : 0, n_close = close ? strlen(close) : 0;
    GString *plain = g_string_sized_new(strlen(text));
    for (const char *p = text; *p;) {
        gboolean is_open = n_open && strncmp(p, open, n_open) == 0;
        if (is_open || (n_close && strncmp(p, close, n_close) == 0)) {
            Marker m = { plain->len, is_open };
            g_array_append_val(markers, m);
            p += is_open ? n_open : n_close;
        } else {
            g_string_append_c(plain, *p++);
        }
    }
    return plain;
}

/* Output state of mask_marked(): the text, the markers, and how far both
 * have been copied. */
typedef struct {
    GString *out;
    const GString *plain;
    const GArray *markers;
    const char *open, *close;
    gsize done;              /* bytes of PLAIN copied */
    guint next;              /* first marker not yet copied or dropped */
    gboolean lit;            /* inside a highlight */
} MaskOut;

/* Copy PLAIN up to byte TO with the markers standing at or before TO. */
static void copy_to(MaskOut *o, gsize to)
{
    for (; o->next < o->markers->len; o->next++) {
        const Marker *m = &g_array_index(o->markers, Marker, o->next);
        if (m->at > to)
            break;
        g_string_append_len(o->out, o->plain->str + o->done, (gssize)(m->at - o->done));
        g_string_append(o->out, m->open ? o->open : o->close);
        o->done = m->at;
        o->lit = m->open;
    }
    g_string_append_len(o->out, o->plain->str + o->done, (gssize)(to - o->done));
    o->done = to;
}

/* Write the masked form of the key ending at byte END (LAST: its last
 * group), marked whole when any of it was; the markers inside it go. */
static void put_masked_key(MaskOut *o, gsize end, const char *last)
{
    gboolean was_lit = o->lit, any = o->lit;
    for (; o->next < o->markers->len; o->next++) {
        const Marker *m = &g_array_index(o->markers, Marker, o->next);
        if (m->at >= end)
            break;
        o->lit = m->open;
        any |= m->open;
    }
    if (any && !was_lit)
        g_string_append(o->out, o->open);
    char *folded = g_utf8_normalize(last, -1, G_NORMALIZE_ALL);
    char *upper = g_ascii_strup(folded, -1);
    g_string_append_printf(o->out, "*****-*****-*****-*****-%s", upper);
    g_free(upper);
    g_free(folded);
    if (any && !o->lit)
        g_string_append(o->out, o->close);
    o->done = end;
}

/* See privacy.h. */
char *ck_mask_product_keys_marked(const char *text, const char *open, const char *close)
{
    char *valid = g_utf8_make_valid(text ? text : "", -1);
    if (!open || !*open || !close || !*close)
        open = close = NULL;
    GArray *markers = g_array_new(FALSE, FALSE, sizeof(Marker));
    GString *plain = strip_markers(valid, open, close, markers);
    MaskOut o = { g_string_sized_new(plain->len), plain, markers, open, close, 0, 0, FALSE };
    GMatchInfo *match = NULL;
    g_regex_match(product_key_regex(), plain->str, 0, &match);
    for (; g_match_info_matches(match); g_match_info_next(match, NULL)) {
        int start = 0, end = 0;
        g_match_info_fetch_pos(match, 0, &start, &end);
        char *last = g_match_info_fetch(match, 1);
        copy_to(&o, (gsize)start);
        put_masked_key(&o, (gsize)end, last);
        g_free(last);
    }
    g_match_info_free(match);
    copy_to(&o, plain->len);
    g_string_free(plain, TRUE);
    g_array_unref(markers);
    g_free(valid);
    return g_string_free(o.out, FALSE);
}

/* See privacy.h. */
char *ck_mask_product_keys(const char *text)
{
    return ck_mask_product_keys_marked(text, NULL, NULL);
}

/* See privacy.h. */
char *ck_mask_and_cut(const char *text, guint max_chars)
{
    char *masked = ck_mask_product_keys(text);
    if ((guint)g_utf8_strlen(masked, -1) <= max_chars)
        return masked;
    const char *end = g_utf8_offset_to_pointer(masked, max_chars);
    char *cut = g_strdup_printf("%.*s…", (int)(end - masked), masked);
    g_free(masked);
    return cut;
}

/* See privacy.h. */
void ck_json_mask_product_keys(JsonNode *node)
{
    ck_json_map_strings(node, ck_mask_product_keys);
}
