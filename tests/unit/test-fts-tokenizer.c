/* test-fts-tokenizer.c — the "casekb" FTS5 tokenizer: tokens for mixed
 * text, full-width folding, whole IDs, Traditional/Simplified folding,
 * offsets into the original bytes, query-side tokens, MATCH end to end. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "store/fts-tokenizer.h"

/* One token as the tokenizer reported it. */
typedef struct {
    char *text;
    gboolean colocated;
    int start, end;
} Tok;

/* Free a Tok (GPtrArray element destructor). */
static void tok_free(gpointer p)
{
    Tok *t = p;
    g_free(t->text);
    g_free(t);
}

/* xToken callback: append the token to the GPtrArray in CTX. */
static int collect_token(void *ctx, int tflags, const char *token, int n, int start, int end)
{
    Tok *t = g_new0(Tok, 1);
    t->text = g_strndup(token, (gsize)n);
    t->colocated = (tflags & FTS5_TOKEN_COLOCATED) != 0;
    t->start = start;
    t->end = end;
    g_ptr_array_add(ctx, t);
    return SQLITE_OK;
}

/* The connection's fts5_api (the test's own lookup). */
static fts5_api *test_fts5_api(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *stmt = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_bind_pointer(stmt, 1, (void *)&api, "fts5_api_ptr", NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    sqlite3_finalize(stmt);
    assert_non_null(api);
    return api;
}

/* Tokenize TEXT with the registered tokenizer under FLAGS; caller unrefs. */
static GPtrArray *tokenize(const char *text, int flags)
{
    sqlite3 *db = NULL;
    GError *error = NULL;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    assert_true(ck_fts_tokenizer_register(db, &error));
    fts5_api *api = test_fts5_api(db);
    void *ctx = NULL;
    fts5_tokenizer methods;
    assert_int_equal(api->xFindTokenizer(api, "casekb", &ctx, &methods), SQLITE_OK);
    Fts5Tokenizer *tok = NULL;
    assert_int_equal(methods.xCreate(ctx, NULL, 0, &tok), SQLITE_OK);
    GPtrArray *out = g_ptr_array_new_with_free_func(tok_free);
    assert_int_equal(methods.xTokenize(tok, out, flags, text, (int)strlen(text), collect_token),
                     SQLITE_OK);
    methods.xDelete(tok);
    sqlite3_close(db);
    return out;
}

/* Tokens rendered as "a b|c d" ('|' = colocated with the previous one;
 * the suffix mark shown as '~'). */
static char *render(GPtrArray *toks)
{
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < toks->len; i++) {
        Tok *t = toks->pdata[i];
        if (i > 0)
            g_string_append_c(s, t->colocated ? '|' : ' ');
        gboolean marked = t->text[0] == CK_FTS_SUFFIX_MARK[0];
        g_string_append(s, marked ? "~" : "");
        g_string_append(s, t->text + marked);
    }
    return g_string_free(s, FALSE);
}

/* Assert that TEXT tokenizes under FLAGS to EXPECTED (rendered). */
static void assert_tokens(const char *text, int flags, const char *expected)
{
    GPtrArray *toks = tokenize(text, flags);
    char *got = render(toks);
    if (strcmp(got, expected) != 0)
        fail_msg("tokens of \"%s\":\n  got      %s\n  expected %s", text, got, expected);
    g_free(got);
    g_ptr_array_unref(toks);
}

/* Han bigrams with colocated unigrams, Latin words, hex codes. */
static void test_mixed_document(void **state)
{
    assert_tokens("启用Windows失败", FTS5_TOKENIZE_DOCUMENT, "启用|启 用 windows|~indows|~ndows|~dows|~ows 失败|失 败");
    assert_tokens("Error 0xC004F074: 激活", FTS5_TOKENIZE_DOCUMENT,
                  "error|~rror|~ror 0xc004f074|c004f074|~xc004f07|~c004f074|~004f074|~04f074|~4f074"
                  "|~f074|~074 激活|激 活");
    assert_tokens("  , ; 。", FTS5_TOKENIZE_DOCUMENT, "");
    assert_tokens("カタカナ한국어", FTS5_TOKENIZE_DOCUMENT,
                  "カタ|カ タカ|タ カナ|カ ナ한|ナ 한국|한 국어|국 어");
}

/* Full-width Latin and digits fold to ASCII. */
static void test_full_width(void **state)
{
    assert_tokens("ＳＬＭＧＲ　／ＡＴＯ ０ｘＣ００４", FTS5_TOKENIZE_DOCUMENT,
                  "slmgr|~lmgr|~mgr ato 0xc004|c004|~xc004|~c004|~004");
    assert_tokens("SLMGR", FTS5_TOKENIZE_QUERY, "slmgr");
}

/* IDs get their whole joined token besides the parts (document side). */
static void test_ids_whole(void **state)
{
    assert_tokens("CAS-03877-J9N4S5 and CMIT:0001828.", FTS5_TOKENIZE_DOCUMENT,
                  "cas|cas-03877-j9n4s5 03877|~3877|~877 j9n4s5|~9n4s5|~n4s5|~4s5 and cmit"
                  "|cmit:0001828|~mit 0001828|~001828|~01828|~1828|~828");
    assert_tokens("CAS-03877-J9N4S5", FTS5_TOKENIZE_QUERY, "cas 03877 j9n4s5");
    assert_tokens("a - b", FTS5_TOKENIZE_DOCUMENT, "a b");
}

/* Traditional and Simplified Chinese give the same tokens. */
static void test_traditional_simplified(void **state)
{
    GPtrArray *trad = tokenize("啟用錯誤，請檢查網絡", FTS5_TOKENIZE_DOCUMENT);
    GPtrArray *simp = tokenize("启用错误，请检查网络", FTS5_TOKENIZE_DOCUMENT);
    char *a = render(trad), *b = render(simp);
    assert_string_equal(a, b);
    g_free(a);
    g_free(b);
    g_ptr_array_unref(trad);
    g_ptr_array_unref(simp);
    char *folded = ck_fts_fold("ＳＬＭＧＲ 啟用 錯誤 Straße");
    assert_string_equal(folded, "slmgr 启用 错误 strasse");
    g_free(folded);
}

/* Every token's [start, end) is a span of the original text whose fold is
 * the token itself (so highlight()/snippet() mark the right bytes). */
static void test_offsets_map_back(void **state)
{
    const char *text = "客戶說 ＫＭＳ 伺服器 0xC004F074 無法啟用; see CAS-03877-J9N4S5 ㎏ ﬁle";
    GPtrArray *toks = tokenize(text, FTS5_TOKENIZE_DOCUMENT);
    assert_true(toks->len > 10);
    for (guint i = 0; i < toks->len; i++) {
        Tok *t = toks->pdata[i];
        assert_true(t->start >= 0 && t->start < t->end && t->end <= (int)strlen(text));
        char *span = g_strndup(text + t->start, (gsize)(t->end - t->start));
        char *folded = ck_fts_fold(span);
        /* a suffix may start inside a cluster that folds to several
         * characters (ﬁ -> fi), so its span may fold to a little more */
        gboolean marked = t->text[0] == CK_FTS_SUFFIX_MARK[0];
        if (marked ? !g_str_has_suffix(folded, t->text + 1) : strcmp(folded, t->text) != 0)
            fail_msg("token %s maps to \"%s\" (folded \"%s\")", t->text, span, folded);
        g_free(folded);
        g_free(span);
    }
    g_ptr_array_unref(toks);
}

/* Query side: unigram for one Han character, bigrams for longer runs, no
 * colocated extras. */
static void test_query_side(void **state)
{
    assert_tokens("启", FTS5_TOKENIZE_QUERY, "启");
    assert_tokens("啟用錯誤", FTS5_TOKENIZE_QUERY, "启用 用错 错误");
    assert_tokens("0xC004F074 失败", FTS5_TOKENIZE_QUERY, "0xc004f074 失败");
    assert_tokens("错误代码0xC004F074", FTS5_TOKENIZE_QUERY, "错误 误代 代码 码 0xc004f074");
    assert_tokens("启用，", FTS5_TOKENIZE_QUERY, "启用");
    assert_tokens(CK_FTS_SUFFIX_MARK "ＣＴＩＶＡＴＩＯＮ", FTS5_TOKENIZE_QUERY, "~ctivatio");
    assert_tokens(CK_FTS_SUFFIX_MARK "ion", FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX, "~ion");
}

/* Run SQL that must succeed. */
static void exec_ok(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
}

/* Number of rows of t matching the FTS5 expression EXPR. */
static int match_count(sqlite3 *db, const char *expr)
{
    sqlite3_stmt *stmt = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM t WHERE t MATCH ?1", -1, &stmt,
                                        NULL),
                     SQLITE_OK);
    sqlite3_bind_text(stmt, 1, expr, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    int n = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    return n;
}

/* MATCH through a real FTS5 table, and highlight() on the original bytes. */
static void test_match_end_to_end(void **state)
{
    sqlite3 *db = NULL;
    GError *error = NULL;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    assert_true(ck_fts_tokenizer_register(db, &error));
    exec_ok(db, "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='casekb');"
                "INSERT INTO t VALUES ('KMS 主機無法啟用 0xC004F074'),"
                "('see CAS-03877-J9N4S5 / CMIT:0001828'), ('ＳＬＭＧＲ /dlv 启用');");
    assert_int_equal(match_count(db, "\"启用\""), 2);
    assert_int_equal(match_count(db, "\"無法启用\""), 1);
    assert_int_equal(match_count(db, "\"法\""), 1);
    assert_int_equal(match_count(db, "\"法用\""), 0);
    assert_int_equal(match_count(db, "\"c004f074\""), 1);
    assert_int_equal(match_count(db, "\"0XC004F074\""), 1);
    assert_int_equal(match_count(db, "\"CAS-03877-J9N4S5\""), 1);
    assert_int_equal(match_count(db, "\"03877\""), 1);
    assert_int_equal(match_count(db, "\"cmit:0001828\""), 1);
    assert_int_equal(match_count(db, "\"slmgr\""), 1);
    assert_int_equal(match_count(db, "\"启\" *"), 2);
    assert_int_equal(match_count(db, "\"無法啟用0xC004F074\""), 1);
    assert_int_equal(match_count(db, "\"无法启用 0xC004F074\""), 1);
    assert_int_equal(match_count(db, "\"启用/dlv\""), 0);
    assert_int_equal(match_count(db, "\"" CK_FTS_SUFFIX_MARK "004F0\" *"), 1);
    assert_int_equal(match_count(db, "\"" CK_FTS_SUFFIX_MARK "MGR\""), 1);
    assert_int_equal(match_count(db, "\"" CK_FTS_SUFFIX_MARK "LMG\""), 0);

    sqlite3_stmt *stmt = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT highlight(t, 0, '[', ']') FROM t WHERE t MATCH"
                                            " '\"無法啟用\"'", -1, &stmt, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(stmt, 0), "KMS 主機[無法啟用] 0xC004F074");
    sqlite3_finalize(stmt);
    sqlite3_close(db);
}

/* sqlite3_prepare_v2 that reports the error message on failure. */
static int test_prepare(sqlite3 *db, const char *sql, int n, sqlite3_stmt **stmt, const char **tail)
{
    int rc = sqlite3_prepare_v2(db, sql, n, stmt, tail);
    if (rc != SQLITE_OK)
        print_message("%s: %s\n", sql, sqlite3_errmsg(db));
    return rc;
}

/* casekb_contains() and casekb_fold() SQL functions. */
static void test_sql_functions(void **state)
{
    sqlite3 *db = NULL;
    GError *error = NULL;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    assert_true(ck_fts_tokenizer_register(db, &error));
    sqlite3_stmt *stmt = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT casekb_contains('啟用 ＳＬＭＧＲ', '用 slm'),"
                                            " casekb_contains('abc', 'abd'), casekb_contains(NULL, ''),"
                                            " casekb_fold('ＡＢＣ錯誤')", -1, &stmt, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(stmt, 0), 1);
    assert_int_equal(sqlite3_column_int(stmt, 1), 0);
    assert_int_equal(sqlite3_column_int(stmt, 2), 1);
    assert_string_equal((const char *)sqlite3_column_text(stmt, 3), "abc错误");
    sqlite3_finalize(stmt);
    /* a needle that changes per row (no constant auxdata) */
    assert_int_equal(test_prepare(db, "WITH v(h, n) AS (VALUES ('啟用', '启'), ('abc', 'B'),"
                                            " ('abc', 'x')) SELECT sum(casekb_contains(h, n)) FROM v",
                                        -1, &stmt, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(stmt, 0), 2);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
}

/* Folding twice changes nothing, for every code point up to U+2FFFF (the
 * search layer re-tokenizes folded text). */
static void test_fold_idempotent(void **state)
{
    int bad = 0;
    for (gunichar c = 1; c < 0x30000; c++) {
        if (!g_unichar_validate(c))
            continue;
        char s[8] = { 0 };
        g_unichar_to_utf8(c, s);
        char *once = ck_fts_fold(s);
        char *twice = ck_fts_fold(once);
        if (strcmp(once, twice) != 0 && bad++ < 5)
            print_message("U+%04X folds to %s, then to %s\n", (unsigned)c, once, twice);
        g_free(once);
        g_free(twice);
    }
    assert_int_equal(bad, 0);
}

/* Run the tests. */
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mixed_document),
        cmocka_unit_test(test_full_width),
        cmocka_unit_test(test_ids_whole),
        cmocka_unit_test(test_traditional_simplified),
        cmocka_unit_test(test_offsets_map_back),
        cmocka_unit_test(test_query_side),
        cmocka_unit_test(test_match_end_to_end),
        cmocka_unit_test(test_sql_functions),
        cmocka_unit_test(test_fold_idempotent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
