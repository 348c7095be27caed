/* fold.h — how one character is folded for search, and the table of folds.
 *
 * A character (a code point plus the combining marks after it) folds by
 * passes of NFKC, then case fold, then Traditional -> Simplified Chinese
 * (OpenCC's t2s) when the result holds a Han character, repeated until
 * folding changes nothing.  ck_fold_cluster() does the passes with a
 * caller-given t2s step.  The fold of every single code point that folds to
 * something else is computed once at build time with OpenCC itself
 * (store/gen/fold-table-gen.c) and compiled in as ck_fold_table, so search
 * and ingest need neither OpenCC's library nor its dictionaries at run time.
 */
#ifndef CASEKB_FOLD_H
#define CASEKB_FOLD_H

#include <glib.h>

/* Traditional -> Simplified for UTF-8 text UTF8 (which holds a Han
 * character): the converted text (g_free()), or NULL to keep it. */
typedef char *(*CkFoldT2sFunc)(const char *utf8, gpointer user_data);

/* Fold LEN bytes of SRC (-1: NUL-terminated) as one character, with T2S as
 * the Traditional -> Simplified step (NULL: none).  Invalid UTF-8 folds to
 * U+FFFD.  Caller frees the result. */
char *ck_fold_cluster(const char *src, gssize len, CkFoldT2sFunc t2s, gpointer user_data);

/* One code point whose fold differs from itself: its fold is the LEN bytes
 * at ck_fold_table_text + OFFSET. */
typedef struct {
    guint32 code_point;
    guint32 offset : 24;
    guint32 len : 8;
} CkFoldEntry;

/* Generated at build time (build/VARIANT/store/fold-table.c), sorted by
 * code point. */
extern const CkFoldEntry ck_fold_table[];
extern const guint ck_fold_table_size;
extern const char ck_fold_table_text[];

#endif
