/* fold.c — one character's fold, by passes to a fixed point (fold.h).
 * Also compiled into store/gen/fold-table-gen, which has no table yet:
 * nothing here may use ck_fold_table. */
#include "store/fold.h"

#include <string.h>

/* TRUE when UTF-8 string S holds a Han character. */
static gboolean has_han(const char *s)
{
    for (; *s; s = g_utf8_next_char(s))
        if ((guchar)*s >= 0x80 && g_unichar_get_script(g_utf8_get_char(s)) == G_UNICODE_SCRIPT_HAN)
            return TRUE;
    return FALSE;
}

/* One folding pass over LEN bytes of SRC: NFKC, case fold, then T2S when
 * a Han character is left.  Caller frees the result. */
static char *fold_pass(const char *src, gssize len, CkFoldT2sFunc t2s, gpointer user_data)
{
    char *nfkc = g_utf8_normalize(src, len, G_NORMALIZE_NFKC);
    if (!nfkc)
        return g_strdup("\xEF\xBF\xBD");   /* invalid UTF-8: U+FFFD */
    char *folded = g_utf8_casefold(nfkc, -1);
    g_free(nfkc);
    if (t2s && has_han(folded)) {
        char *conv = t2s(folded, user_data);
        if (conv && *conv && g_utf8_validate(conv, -1, NULL)) {
            g_free(folded);
            folded = conv;
        } else {
            g_free(conv);
        }
    }
    return folded;
}

/* See fold.h.  Passes repeat until a fixed point; a two-cycle (GLib folds
 * Cherokee both ways) settles on the smaller string. */
char *ck_fold_cluster(const char *src, gssize len, CkFoldT2sFunc t2s, gpointer user_data)
{
    if (len < 0)
        len = (gssize)strlen(src);
    char *prev = g_strndup(src, len);
    char *cur = fold_pass(src, len, t2s, user_data);
    for (int pass = 0; pass < 4; pass++) {
        char *next = fold_pass(cur, -1, t2s, user_data);
        gboolean fixed = strcmp(next, cur) == 0;
        gboolean cycle = !fixed && strcmp(next, prev) == 0;
        if (cycle && strcmp(next, cur) < 0) {
            char *tmp = cur;
            cur = next;
            next = tmp;
        }
        g_free(prev);
        if (fixed || cycle) {
            g_free(next);
            return cur;
        }
        prev = cur;
        cur = next;
    }
    g_free(prev);
    return cur;
}
