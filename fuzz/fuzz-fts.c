/* fuzz-fts.c — fuzz target: the "casekb" FTS5 tokenizer
 * (store/fts-tokenizer.h) called through SQLite's fts5_api on the input as
 * a document and as a query (also as a prefix query), plus ck_fts_fold()
 * and ck_fts_fold_chars().
 * Oracles (fts-tokenizer.h): every token is non-empty valid UTF-8 (after
 * the suffix mark), at most CK_FUZZ_MAX_TOKEN bytes, with a byte span
 * 0 <= start <= end <= len; folded character spans stay inside the text and
 * never go backwards; fold(a + b) == fold(a) + fold(b) at a split between
 * characters. */
#include "fuzz/fuzz-common.h"
#include "store/fts-tokenizer.h"

#include <string.h>

/* 128 folded characters of at most 4 bytes, plus the suffix mark. */
#define CK_FUZZ_MAX_TOKEN (128 * 4 + 1)

static sqlite3 *db;
static fts5_tokenizer tokenizer;
static Fts5Tokenizer *instance;

/* The length of the text being tokenized, for the callback. */
typedef struct {
    int len;
    int n_tokens;
} TokenCheck;

/* xToken: check one token against the contract. */
static int on_token(void *ctx, int tflags, const char *token, int n, int start, int end)
{
    TokenCheck *check = ctx;
    if (!token || n <= 0 || n > CK_FUZZ_MAX_TOKEN)
        ck_fuzz_fail("token of %d bytes", n);
    if (start < 0 || start > end || end > check->len)
        ck_fuzz_fail("token span %d..%d in %d bytes", start, end, check->len);
    int skip = token[0] == CK_FTS_SUFFIX_MARK[0] ? 1 : 0;
    char *text = g_strndup(token + skip, (gsize)(n - skip));
    if (strlen(text) != (size_t)(n - skip))
        ck_fuzz_fail("token holds a NUL byte");
    ck_fuzz_check_utf8("token", text, FALSE);
    g_free(text);
    check->n_tokens++;
    return SQLITE_OK;
}

/* The casekb tokenizer of a fresh in-memory connection, once per process. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    GError *error = NULL;
    sqlite3_stmt *stmt = NULL;
    fts5_api *api = NULL;
    void *user_data = NULL;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK || !ck_fts_tokenizer_register(db, &error))
        ck_fuzz_fail("cannot register the tokenizer: %s", error ? error->message : sqlite3_errmsg(db));
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, NULL) != SQLITE_OK
        || sqlite3_bind_pointer(stmt, 1, (void *)&api, "fts5_api_ptr", NULL) != SQLITE_OK
        || sqlite3_step(stmt) != SQLITE_ROW || !api)
        ck_fuzz_fail("no fts5_api: %s", sqlite3_errmsg(db));
    sqlite3_finalize(stmt);
    if (api->xFindTokenizer(api, "casekb", &user_data, &tokenizer) != SQLITE_OK
        || tokenizer.xCreate(user_data, NULL, 0, &instance) != SQLITE_OK)
        ck_fuzz_fail("cannot create a casekb tokenizer");
    return 0;
}

/* Tokenize TEXT (LEN bytes) with FLAGS and check every token. */
static void tokenize(const char *text, int len, int flags)
{
    TokenCheck check = { len, 0 };
    int rc = tokenizer.xTokenize(instance, &check, flags, text, len, on_token);
    if (rc != SQLITE_OK)
        ck_fuzz_fail("xTokenize returned %d", rc);
}

/* Abort unless the folded spans of TEXT (LEN bytes) stay inside it and are
 * in order. */
static void check_fold_chars(const char *text, int len)
{
    GArray *chars = ck_fts_fold_chars(text, len);
    int last = 0;
    for (guint i = 0; i < chars->len; i++) {
        const CkFoldedChar *c = &g_array_index(chars, CkFoldedChar, i);
        if (c->start < last || c->start >= c->end || c->end > len)
            ck_fuzz_fail("folded char %u spans %d..%d after %d in %d bytes", i, c->start, c->end, last, len);
        last = c->start;
        (void)ck_fts_char_class(c->ch);
    }
    g_array_unref(chars);
}

/* The first split point of TEXT at or after byte AT that falls between two
 * clusters (a valid character that is not a combining mark starts there),
 * or -1. */
static gssize cluster_split(const char *text, gsize at)
{
    gsize len = strlen(text);
    for (gsize i = at; i < len; i++) {
        gunichar ch = g_utf8_get_char_validated(text + i, (gssize)(len - i));
        if (ch != (gunichar)-1 && ch != (gunichar)-2 && !g_unichar_ismark(ch))
            return (gssize)i;
    }
    return -1;
}

/* Abort unless fold(TEXT) == fold(left) + fold(right) for a split chosen by
 * the text's length. */
static void check_fold_split(const char *text)
{
    gssize at = cluster_split(text, strlen(text) / 2);
    char *whole = ck_fts_fold(text);
    ck_fuzz_check_utf8("ck_fts_fold", whole, FALSE);
    if (at > 0) {
        char *left_text = g_strndup(text, (gsize)at);
        char *left = ck_fts_fold(left_text), *right = ck_fts_fold(text + at);
        char *joined = g_strconcat(left, right, NULL);
        if (strcmp(whole, joined) != 0)
            ck_fuzz_fail("fold is not split-invariant at byte %ld", (long)at);
        g_free(joined);
        g_free(left);
        g_free(right);
        g_free(left_text);
    }
    g_free(whole);
}

/* Tokenize and fold DATA every way the store does. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 20)
        return 0;
    const char *text = (const char *)data;
    int len = (int)size;
    tokenize(text, len, FTS5_TOKENIZE_DOCUMENT);
    tokenize(text, len, FTS5_TOKENIZE_QUERY);
    tokenize(text, len, FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX);
    tokenize(text, len, FTS5_TOKENIZE_AUX);
    check_fold_chars(text, len);
    char *cstring = ck_fuzz_cstring(data, size);
    check_fold_split(cstring);
    g_free(cstring);
    return 0;
}
