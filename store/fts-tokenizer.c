/* fts-tokenizer.c — the "casekb" FTS5 tokenizer and the folding it uses.
 *
 * See fts-tokenizer.h for the token scheme.  A single code point folds by
 * a lookup in the build-time fold table (store/fold.h); a character with
 * combining marks by ck_fold_cluster() with the table as its t2s step.
 * Nothing is shared or cached at run time, so the tokenizer may run on
 * several threads and connections at once.
 */
#include "store/fts-tokenizer.h"

#include "store/fold.h"
#include <string.h>

G_DEFINE_QUARK(ck-fts-error-quark, ck_fts_error)

/* Longest token text, in folded characters; longer words are cut (the same
 * way on both sides, so matching stays consistent). */
#define CK_FTS_MAX_TOKEN_CHARS 128

/* ------------------------------------------------------------------ */
/* Folding                                                              */
/* ------------------------------------------------------------------ */

/* The fold table's entry for CP, or NULL when CP folds to itself. */
static const CkFoldEntry *fold_table_find(gunichar cp)
{
    guint lo = 0, hi = ck_fold_table_size;
    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        if (ck_fold_table[mid].code_point < cp)
            lo = mid + 1;
        else if (ck_fold_table[mid].code_point > cp)
            hi = mid;
        else
            return &ck_fold_table[mid];
    }
    return NULL;
}

/* Traditional -> Simplified through the fold table (a CkFoldT2sFunc for
 * characters with combining marks): each Han character becomes its fold. */
static char *table_t2s(const char *utf8, gpointer user_data)
{
    GString *out = g_string_sized_new(strlen(utf8));
    for (const char *p = utf8; *p; p = g_utf8_next_char(p)) {
        gunichar cp = g_utf8_get_char(p);
        const CkFoldEntry *entry = g_unichar_get_script(cp) == G_UNICODE_SCRIPT_HAN ? fold_table_find(cp) : NULL;
        if (entry)
            g_string_append_len(out, ck_fold_table_text + entry->offset, entry->len);
        else
            g_string_append_len(out, p, g_utf8_next_char(p) - p);
    }
    return g_string_free(out, FALSE);
}

/* Byte length of the cluster at TEXT[I] (a code point plus following
 * combining marks); *CP receives its first code point, or (gunichar)-1 for
 * an invalid byte (then the cluster is that one byte). */
static int cluster_length(const char *text, int len, int i, gunichar *cp)
{
    *cp = g_utf8_get_char_validated(text + i, len - i);
    if (*cp == (gunichar)-1 || *cp == (gunichar)-2)
        return 1;
    int end = i + (int)(g_utf8_next_char(text + i) - (text + i));
    while (end < len && (guchar)text[end] >= 0x80) {
        gunichar next = g_utf8_get_char_validated(text + end, len - end);
        if (next == (gunichar)-1 || next == (gunichar)-2 || !g_unichar_ismark(next))
            break;
        end += (int)(g_utf8_next_char(text + end) - (text + end));
    }
    return end - i;
}

/* Append the LEN bytes of folded characters FOLDED (from source span
 * START..END) to OUT and/or CHARS (either may be NULL). */
static void sink_folded(const char *folded, int len, int start, int end, GString *out, GArray *chars)
{
    if (out)
        g_string_append_len(out, folded, len);
    if (!chars)
        return;
    for (const char *p = folded; p < folded + len; p = g_utf8_next_char(p)) {
        CkFoldedChar fc = { g_utf8_get_char(p), start, end };
        g_array_append_val(chars, fc);
    }
}

/* Fold the cluster of N bytes at TEXT[I] (first code point CP, see
 * cluster_length()) into OUT and/or CHARS. */
static void fold_cluster_into(const char *text, int i, int n, gunichar cp, GString *out, GArray *chars)
{
    if (cp == (gunichar)-1 || cp == (gunichar)-2) {
        sink_folded("\xEF\xBF\xBD", 3, i, i + 1, out, chars);
    } else if (cp < 0x80 && n == 1) {
        char lower = g_ascii_tolower(text[i]);
        sink_folded(&lower, 1, i, i + 1, out, chars);
    } else if ((int)g_unichar_to_utf8(cp, NULL) == n) {
        const CkFoldEntry *entry = fold_table_find(cp);
        if (entry)
            sink_folded(ck_fold_table_text + entry->offset, entry->len, i, i + n, out, chars);
        else
            sink_folded(text + i, n, i, i + n, out, chars);
    } else {
        char *folded = ck_fold_cluster(text + i, n, table_t2s, NULL);
        sink_folded(folded, (int)strlen(folded), i, i + n, out, chars);
        g_free(folded);
    }
}

/* Fold LEN bytes of TEXT cluster by cluster into OUT (folded UTF-8) and/or
 * CHARS (CkFoldedChar with source spans).  Either may be NULL. */
static void fold_into(const char *text, int len, GString *out, GArray *chars)
{
    for (int i = 0; i < len;) {
        if ((guchar)text[i] < 0x80 && (i + 1 == len || (guchar)text[i + 1] < 0x80)) {
            /* ASCII not followed by a combining mark: folding is tolower */
            char lower = g_ascii_tolower(text[i]);
            if (out)
                g_string_append_c(out, lower);
            if (chars) {
                CkFoldedChar fc = { (gunichar)(guchar)lower, i, i + 1 };
                g_array_append_val(chars, fc);
            }
            i++;
            continue;
        }
        gunichar cp;
        int n = cluster_length(text, len, i, &cp);
        fold_cluster_into(text, i, n, cp, out, chars);
        i += n;
    }
}

/* See fts-tokenizer.h. */
char *ck_fts_fold(const char *text)
{
    if (!text)
        return g_strdup("");
    GString *out = g_string_sized_new(strlen(text) + 8);
    fold_into(text, (int)strlen(text), out, NULL);
    return g_string_free(out, FALSE);
}

/* See fts-tokenizer.h. */
GArray *ck_fts_fold_chars(const char *text, gssize len)
{
    if (!text)
        len = 0;
    else if (len < 0)
        len = (gssize)strlen(text);
    GArray *chars = g_array_sized_new(FALSE, FALSE, sizeof(CkFoldedChar), (guint)len);
    if (len > 0)
        fold_into(text, (int)len, NULL, chars);
    return chars;
}

/* TRUE for scripts whose runs are cut into bigrams. */
static gboolean is_cjk_script(GUnicodeScript script)
{
    return script == G_UNICODE_SCRIPT_HAN || script == G_UNICODE_SCRIPT_HIRAGANA
           || script == G_UNICODE_SCRIPT_KATAKANA || script == G_UNICODE_SCRIPT_HANGUL
           || script == G_UNICODE_SCRIPT_BOPOMOFO;
}

/* See fts-tokenizer.h. */
CkFtsClass ck_fts_char_class(gunichar ch)
{
    if (ch < 0x80)
        return g_ascii_isalnum((char)ch) ? CK_FTS_CLASS_WORD : CK_FTS_CLASS_OTHER;
    if (ch == 0x30FC)   /* katakana-hiragana prolonged sound mark (script Common) */
        return CK_FTS_CLASS_CJK;
    if (!g_unichar_isalnum(ch) && !g_unichar_ismark(ch)
        && g_unichar_type(ch) != G_UNICODE_LETTER_NUMBER)
        return CK_FTS_CLASS_OTHER;
    return is_cjk_script(g_unichar_get_script(ch)) ? CK_FTS_CLASS_CJK : CK_FTS_CLASS_WORD;
}

/* ------------------------------------------------------------------ */
/* Tokenizing                                                           */
/* ------------------------------------------------------------------ */

typedef int (*TokenCallback)(void *ctx, int tflags, const char *token, int n, int start, int end);

/* Where tokens go for one xTokenize call. */
typedef struct {
    TokenCallback emit;
    void *ctx;
    gboolean query;     /* FTS5_TOKENIZE_QUERY: primary tokens only */
    GString *buf;       /* scratch for token text */
} Emitter;

/* Send the token MARKER + the N folded characters C (cut to the maximum
 * length), with the source span of those characters; nothing when N is 0.
 * Returns an SQLite code; non-OK stops tokenizing. */
static int emit_marked(Emitter *e, int tflags, const char *marker, const CkFoldedChar *c, int n)
{
    if (n <= 0)
        return SQLITE_OK;
    int kept = MIN(n, CK_FTS_MAX_TOKEN_CHARS);
    g_string_assign(e->buf, marker);
    for (int i = 0; i < kept; i++)
        g_string_append_unichar(e->buf, c[i].ch);
    return e->emit(e->ctx, tflags, e->buf->str, (int)e->buf->len, c[0].start, c[n - 1].end);
}

/* Send the plain token made of N folded characters C. */
static int emit_token(Emitter *e, int tflags, const CkFoldedChar *c, int n)
{
    return emit_marked(e, tflags, "", c, n);
}

/* Emit a Han/kana/hangul run of N characters (see fts-tokenizer.h).
 * On the query side a run of n >= 2 gives its n - 1 bigrams; when MORE
 * tokens follow it also gives the last character's unigram, so the run
 * spans n positions as in documents and a phrase such as 错误0x80070005
 * lines up. */
static int tokenize_cjk_run(Emitter *e, const CkFoldedChar *c, int n, gboolean more)
{
    int rc = SQLITE_OK;
    if (e->query) {
        for (int i = 0; i + 1 < n && rc == SQLITE_OK; i++)
            rc = emit_token(e, 0, c + i, 2);
        if (rc == SQLITE_OK && (n == 1 || more))
            rc = emit_token(e, 0, c + n - 1, 1);
        return rc;
    }
    for (int i = 0; i < n && rc == SQLITE_OK; i++) {
        if (i + 1 < n) {
            rc = emit_token(e, 0, c + i, 2);
            if (rc == SQLITE_OK)
                rc = emit_token(e, FTS5_TOKEN_COLOCATED, c + i, 1);
        } else {
            rc = emit_token(e, 0, c + i, 1);
        }
    }
    return rc;
}

/* TRUE when C[0..N) holds a character that makes a token. */
static gboolean any_token_char(const CkFoldedChar *c, int n)
{
    for (int i = 0; i < n; i++)
        if (ck_fts_char_class(c[i].ch) != CK_FTS_CLASS_OTHER)
            return TRUE;
    return FALSE;
}

/* TRUE for the characters that join word parts into one ID token. */
static gboolean is_joiner(gunichar ch)
{
    return ch == '-' || ch == ':' || ch == '.' || ch == '_' || ch == '@';
}

/* Length of the run of word characters at C[0..N). */
static int word_run_length(const CkFoldedChar *c, int n)
{
    int i = 0;
    while (i < n && ck_fts_char_class(c[i].ch) == CK_FTS_CLASS_WORD)
        i++;
    return i;
}

/* TRUE when word C[0..N) is "0x" followed by at least one hex digit only. */
static gboolean is_hex_literal(const CkFoldedChar *c, int n)
{
    if (n < 3 || c[0].ch != '0' || c[1].ch != 'x')
        return FALSE;
    for (int i = 2; i < n; i++)
        if (!g_unichar_isxdigit(c[i].ch) || c[i].ch >= 0x80)
            return FALSE;
    return TRUE;
}

/* Emit the extra colocated tokens of a word part (document side only):
 * the whole joined group after the first part, the digits of 0x literals,
 * and the marked suffixes (see CK_FTS_SUFFIX_MARK). */
static int emit_word_extras(Emitter *e, const CkFoldedChar *part, int n, const CkFoldedChar *group,
                            int group_len, gboolean first_of_many)
{
    int rc = SQLITE_OK;
    if (first_of_many)
        rc = emit_token(e, FTS5_TOKEN_COLOCATED, group, group_len);
    if (rc == SQLITE_OK && is_hex_literal(part, n))
        rc = emit_token(e, FTS5_TOKEN_COLOCATED, part + 2, n - 2);
    for (int k = 1; k + CK_FTS_SUFFIX_MIN <= n && rc == SQLITE_OK; k++)
        rc = emit_marked(e, FTS5_TOKEN_COLOCATED, CK_FTS_SUFFIX_MARK, part + k,
                         MIN(n - k, CK_FTS_SUFFIX_CHARS));
    return rc;
}

/* Emit the word group at C[0..N) (words joined by single joiners); sets
 * *CONSUMED to the characters it covered.  Returns an SQLite code. */
static int tokenize_word_group(Emitter *e, const CkFoldedChar *c, int n, int *consumed)
{
    int group_len = word_run_length(c, n);
    int parts = 1;
    while (group_len + 1 < n && is_joiner(c[group_len].ch)
           && ck_fts_char_class(c[group_len + 1].ch) == CK_FTS_CLASS_WORD) {
        group_len += 1 + word_run_length(c + group_len + 1, n - group_len - 1);
        parts++;
    }
    *consumed = group_len;
    int rc = SQLITE_OK;
    for (int i = 0, part_no = 0; i < group_len && rc == SQLITE_OK; part_no++) {
        int len = word_run_length(c + i, group_len - i);
        rc = emit_token(e, 0, c + i, len);
        if (rc == SQLITE_OK && !e->query)
            rc = emit_word_extras(e, c + i, len, c, group_len, part_no == 0 && parts > 1);
        i += len + 1;   /* skip the joiner */
    }
    return rc;
}

/* Emit every token of the folded characters C[0..N). */
static int tokenize_folded(Emitter *e, const CkFoldedChar *c, int n)
{
    int rc = SQLITE_OK;
    for (int i = 0; i < n && rc == SQLITE_OK;) {
        CkFtsClass cls = ck_fts_char_class(c[i].ch);
        if (cls == CK_FTS_CLASS_CJK) {
            int j = i + 1;
            while (j < n && ck_fts_char_class(c[j].ch) == CK_FTS_CLASS_CJK)
                j++;
            rc = tokenize_cjk_run(e, c + i, j - i, e->query && any_token_char(c + j, n - j));
            i = j;
        } else if (cls == CK_FTS_CLASS_WORD) {
            int consumed = 1;
            rc = tokenize_word_group(e, c + i, n - i, &consumed);
            i += consumed;
        } else {
            i++;
        }
    }
    return rc;
}

/* The tokenizer instance; it has no state or options. */
struct Fts5Tokenizer {
    int unused;
};

/* fts5_tokenizer.xCreate: a new instance; arguments are not accepted. */
static int casekb_create(void *ctx, const char **args, int nargs, Fts5Tokenizer **out)
{
    if (nargs > 0) {
        *out = NULL;
        return SQLITE_ERROR;
    }
    *out = g_new0(Fts5Tokenizer, 1);
    return SQLITE_OK;
}

/* fts5_tokenizer.xDelete: free an instance. */
static void casekb_delete(Fts5Tokenizer *tok)
{
    g_free(tok);
}

/* TRUE when the folded query C[0..N) asks for a marked suffix: the suffix
 * mark as its first byte, then word characters only (at least one).  Any
 * other \x01 is a separator, like every control character. */
static gboolean is_suffix_query(const CkFoldedChar *c, int n)
{
    return n >= 2 && c[0].ch == (gunichar)CK_FTS_SUFFIX_MARK[0] && c[0].start == 0
           && word_run_length(c + 1, n - 1) == n - 1;
}

/* fts5_tokenizer.xTokenize: fold TEXT and emit its tokens to XTOKEN.  A
 * query that is the suffix mark plus one word asks for one marked suffix
 * token instead.  Safe on any bytes: invalid UTF-8 folds to U+FFFD and
 * control bytes separate tokens. */
static int casekb_tokenize(Fts5Tokenizer *tok, void *ctx, int flags, const char *text, int len,
                           TokenCallback xtoken)
{
    if (len <= 0)
        return SQLITE_OK;
    gboolean query = (flags & FTS5_TOKENIZE_QUERY) != 0;
    GArray *chars = ck_fts_fold_chars(text, len);
    const CkFoldedChar *c = (const CkFoldedChar *)(void *)chars->data;
    int n = (int)chars->len;
    Emitter e = { xtoken, ctx, query, g_string_sized_new(64) };
    int rc;
    if (query && is_suffix_query(c, n))
        rc = emit_marked(&e, 0, CK_FTS_SUFFIX_MARK, c + 1, MIN(n - 1, CK_FTS_SUFFIX_CHARS));
    else
        rc = tokenize_folded(&e, c, n);
    g_string_free(e.buf, TRUE);
    g_array_unref(chars);
    return rc;
}

/* ------------------------------------------------------------------ */
/* SQL functions                                                        */
/* ------------------------------------------------------------------ */

/* Fold a value's text into OUT ("" for NULL). */
static void fold_value(sqlite3_value *value, GString *out)
{
    const char *text = (const char *)sqlite3_value_text(value);
    int len = sqlite3_value_bytes(value);
    if (text && len > 0)
        fold_into(text, len, out, NULL);
}

/* SQL casekb_fold(text): the folded text. */
static void sql_fold(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    GString *out = g_string_new(NULL);
    fold_value(argv[0], out);
    sqlite3_result_text(ctx, out->str, (int)out->len, SQLITE_TRANSIENT);
    g_string_free(out, TRUE);
}

/* Auxdata destructor for a cached folded needle. */
static void free_gstring(void *p)
{
    g_string_free(p, TRUE);
}

/* SQL casekb_contains(hay, needle): 1 when fold(hay) contains fold(needle).
 * The folded needle is kept as auxdata while the argument stays constant;
 * it is handed over last because SQLite may free it at once. */
static void sql_contains(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    GString *needle = sqlite3_get_auxdata(ctx, 1);
    gboolean fresh = needle == NULL;
    if (fresh) {
        needle = g_string_new(NULL);
        fold_value(argv[1], needle);
    }
    GString *hay = g_string_new(NULL);
    fold_value(argv[0], hay);
    gboolean found = needle->len == 0 || strstr(hay->str, needle->str) != NULL;
    g_string_free(hay, TRUE);
    if (fresh)
        sqlite3_set_auxdata(ctx, 1, needle, free_gstring);
    sqlite3_result_int(ctx, found ? 1 : 0);
}

/* ------------------------------------------------------------------ */
/* Registration                                                         */
/* ------------------------------------------------------------------ */

/* The connection's fts5_api, or NULL when FTS5 is missing. */
static fts5_api *fts5_api_of(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, NULL) != SQLITE_OK)
        return NULL;
    if (sqlite3_bind_pointer(stmt, 1, (void *)&api, "fts5_api_ptr", NULL) != SQLITE_OK
        || sqlite3_step(stmt) != SQLITE_ROW)
        api = NULL;
    sqlite3_finalize(stmt);
    return api;
}

/* Register casekb_fold and casekb_contains on DB. */
static gboolean register_functions(sqlite3 *db, GError **error)
{
    const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    int rc = sqlite3_create_function_v2(db, "casekb_fold", 1, flags, NULL, sql_fold, NULL, NULL,
                                        NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(db, "casekb_contains", 2, flags, NULL, sql_contains, NULL,
                                        NULL, NULL);
    if (rc != SQLITE_OK) {
        g_set_error(error, CK_FTS_ERROR, CK_FTS_ERROR_FTS5, "cannot register casekb SQL functions: %s",
                    sqlite3_errmsg(db));
        return FALSE;
    }
    return TRUE;
}

/* See fts-tokenizer.h. */
gboolean ck_fts_tokenizer_register(sqlite3 *db, GError **error)
{
    fts5_api *api = fts5_api_of(db);
    if (!api || api->iVersion < 2) {
        g_set_error(error, CK_FTS_ERROR, CK_FTS_ERROR_FTS5, "this SQLite has no usable FTS5");
        return FALSE;
    }
    static fts5_tokenizer methods = { casekb_create, casekb_delete, casekb_tokenize };
    int rc = api->xCreateTokenizer(api, "casekb", NULL, &methods, NULL);
    if (rc != SQLITE_OK) {
        g_set_error(error, CK_FTS_ERROR, CK_FTS_ERROR_FTS5, "cannot register FTS5 tokenizer casekb: %s",
                    sqlite3_errstr(rc));
        return FALSE;
    }
    return register_functions(db, error);
}
