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
#include "store/fold.h"
#include <opencc.h>

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

/* An in-memory connection with the tokenizer and SQL functions registered;
 * caller closes with sqlite3_close(). */
static sqlite3 *open_db(void)
{
    sqlite3 *db = NULL;
    GError *error = NULL;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    if (!ck_fts_tokenizer_register(db, &error))
        fail_msg("%s", error->message);
    return db;
}

/* A connection and one instance of the "casekb" tokenizer on it. */
typedef struct {
    sqlite3 *db;
    fts5_tokenizer methods;
    Fts5Tokenizer *tok;
} TokInstance;

/* Create the instance; release with tok_instance_close(). */
static void tok_instance_open(TokInstance *t)
{
    t->db = open_db();
    fts5_api *api = test_fts5_api(t->db);
    void *ctx = NULL;
    assert_int_equal(api->xFindTokenizer(api, "casekb", &ctx, &t->methods), SQLITE_OK);
    assert_int_equal(t->methods.xCreate(ctx, NULL, 0, &t->tok), SQLITE_OK);
}

/* Free the instance and close its connection. */
static void tok_instance_close(TokInstance *t)
{
    t->methods.xDelete(t->tok);
    sqlite3_close(t->db);
}

/* Tokens of LEN bytes of TEXT under FLAGS; caller unrefs. */
static GPtrArray *tokenize_with(TokInstance *t, const char *text, int len, int flags)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(tok_free);
    assert_int_equal(t->methods.xTokenize(t->tok, out, flags, text, len, collect_token), SQLITE_OK);
    return out;
}

/* Tokenize TEXT with the registered tokenizer under FLAGS; caller unrefs. */
static GPtrArray *tokenize(const char *text, int flags)
{
    TokInstance t;
    tok_instance_open(&t);
    GPtrArray *out = tokenize_with(&t, text, (int)strlen(text), flags);
    tok_instance_close(&t);
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
    sqlite3 *db = open_db();
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
    sqlite3 *db = open_db();
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

/* OpenCC's t2s as a CkFoldT2sFunc (USER_DATA: the opencc_t). */
static char *live_t2s(const char *utf8, gpointer user_data)
{
    char *conv = opencc_convert_utf8((opencc_t)user_data, utf8, strlen(utf8));
    char *copy = conv ? g_strdup(conv) : NULL;
    if (conv)
        opencc_convert_utf8_free(conv);
    return copy;
}

/* The fold compiled in at build time is what OpenCC and GLib answer now,
 * for every code point (and for a character with a combining mark, which
 * is folded at run time with the table as its t2s step). */
static void test_fold_table_matches_opencc(void **state)
{
    opencc_t t2s = opencc_open(OPENCC_DEFAULT_CONFIG_TRAD_TO_SIMP);
    if (t2s == (opencc_t)-1)
        t2s = opencc_open("/usr/share/opencc/" OPENCC_DEFAULT_CONFIG_TRAD_TO_SIMP);
    assert_true(t2s != (opencc_t)-1);
    int bad = 0;
    for (gunichar c = 0x80; c < 0x110000; c++) {
        if (!g_unichar_validate(c))
            continue;
        char s[8] = { 0 };
        g_unichar_to_utf8(c, s);
        char *table = ck_fts_fold(s);
        char *live = ck_fold_cluster(s, -1, live_t2s, t2s);
        if (strcmp(table, live) != 0 && bad++ < 5)
            print_message("U+%04X folds to %s from the table, %s from OpenCC\n", (unsigned)c, table, live);
        g_free(table);
        g_free(live);
    }
    assert_int_equal(bad, 0);
    const char *marked = "\xE9\xAB\x94\xCC\x81";   /* 體 + combining acute */
    char *table = ck_fts_fold(marked);
    char *live = ck_fold_cluster(marked, -1, live_t2s, t2s);
    assert_string_equal(table, live);
    assert_string_equal(table, "\xE4\xBD\x93\xCC\x81");   /* 体 + combining acute */
    g_free(table);
    g_free(live);
    opencc_close(t2s);
}

/* A user's \x01 is never the suffix mark: a query starting with the mark
 * is a marked suffix only when a word follows it and nothing else;
 * otherwise the mark is a separator like any control byte.  A document's
 * \x01 never makes a marked token. */
static void test_mark_in_input(void **state)
{
    assert_tokens(CK_FTS_SUFFIX_MARK "\x04" "abc", FTS5_TOKENIZE_QUERY, "abc");
    assert_tokens(CK_FTS_SUFFIX_MARK "\x04" "abc", FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX, "abc");
    assert_tokens(CK_FTS_SUFFIX_MARK, FTS5_TOKENIZE_QUERY, "");
    assert_tokens(CK_FTS_SUFFIX_MARK CK_FTS_SUFFIX_MARK, FTS5_TOKENIZE_QUERY, "");
    assert_tokens(CK_FTS_SUFFIX_MARK " ", FTS5_TOKENIZE_QUERY, "");
    assert_tokens(CK_FTS_SUFFIX_MARK "，启用", FTS5_TOKENIZE_QUERY, "启用");
    assert_tokens(CK_FTS_SUFFIX_MARK "abc def", FTS5_TOKENIZE_QUERY, "abc def");
    assert_tokens(CK_FTS_SUFFIX_MARK "\xff" "abc", FTS5_TOKENIZE_QUERY, "abc");
    assert_tokens("ab" CK_FTS_SUFFIX_MARK "cde", FTS5_TOKENIZE_QUERY, "ab cde");
    assert_tokens(CK_FTS_SUFFIX_MARK "ctivation", FTS5_TOKENIZE_DOCUMENT,
                  "ctivation|~tivation|~ivation|~vation|~ation|~tion|~ion");
    assert_tokens("x" CK_FTS_SUFFIX_MARK "\x01\x02\x1b[1m", FTS5_TOKENIZE_DOCUMENT, "x 1m");
}

/* Checks every token of TEXT[0..LEN) under FLAGS: non-empty valid UTF-8,
 * a source span inside the text, and the suffix mark only where allowed
 * (colocated on the document side; as the one token of a query that
 * starts with the mark).  Returns the number of tokens. */
static int check_tokens(TokInstance *inst, const char *text, int len, int flags)
{
    GPtrArray *toks = tokenize_with(inst, text, len, flags);
    gboolean query = (flags & FTS5_TOKENIZE_QUERY) != 0;
    gboolean asks_suffix = query && len > 0 && text[0] == CK_FTS_SUFFIX_MARK[0];
    for (guint i = 0; i < toks->len; i++) {
        Tok *t = toks->pdata[i];
        if (t->text[0] == '\0' || !g_utf8_validate(t->text, -1, NULL)
            || t->start < 0 || t->start >= t->end || t->end > len)
            fail_msg("bad token \"%s\" [%d, %d) of a %d-byte input", t->text, t->start, t->end, len);
        gboolean marked = t->text[0] == CK_FTS_SUFFIX_MARK[0];
        if (marked && (query ? !asks_suffix || toks->len != 1 : !t->colocated))
            fail_msg("marked token \"%s\" misplaced (flags %d)", t->text + 1, flags);
        for (const char *p = t->text + marked; *p; p++)
            if ((guchar)*p < 0x20)
                fail_msg("control byte 0x%02x in token", (guchar)*p);
    }
    int n = (int)toks->len;
    g_ptr_array_unref(toks);
    return n;
}

/* Pieces random test strings are built from: the suffix mark, control
 * bytes, ASCII words and joiners, UTF-8 fragments (lead bytes without
 * their tails, F4 90 / F5+ leads above U+10FFFF, surrogates, overlongs),
 * CJK, full-width letters, combining marks, ligatures. */
static const char *const PIECES[] = {
    CK_FTS_SUFFIX_MARK, "\x04", "\x00", "\x1b[0m", "\r\n", "\t", "\x7f", "abc", "0x", "C004F074",
    "-", ":", ".", "_", "@", " ", "\"", "*", "\xe5", "\xe5\x90", "\xe5\x90\xaf", "\xf4\x90\x80\x80",
    "\xf5\x80\x80\x80", "\xed\xa0\x80", "\xc0\xaf", "\xc2", "\x80", "\xbf", "\xef\xbf\xbd",
    "启用", "錯誤", "ＡＢＣ", "e\xcc\x81", "\xcc\x81", "\xef\xac\x81", "カタ", "한국", "\xe2\x80\xa8",
    "\xc2\x85", "\xf0\x9f\x98\x80", "\xe3\x80\x80",
};

/* Fill BUF (capacity CAP) with a pseudo-random string from RAND: PIECES
 * and raw random bytes.  Returns its length (it may hold NUL bytes). */
static int random_input(GRand *rand, char *buf, int cap)
{
    int len = 0;
    int parts = g_rand_int_range(rand, 0, 12);
    for (int i = 0; i < parts; i++) {
        char raw[4];
        const char *piece = raw;
        int n;
        if (g_rand_boolean(rand)) {
            int k = g_rand_int_range(rand, 0, (gint32)G_N_ELEMENTS(PIECES));
            piece = PIECES[k];
            n = k == 2 ? 1 : (int)strlen(piece);   /* PIECES[2] is one NUL byte */
        } else {
            n = g_rand_int_range(rand, 1, 5);
            for (int j = 0; j < n; j++)
                raw[j] = (char)g_rand_int_range(rand, 0, 256);
        }
        if (len + n > cap)
            break;
        memcpy(buf + len, piece, (size_t)n);
        len += n;
    }
    return len;
}

/* Four thousand deterministic pseudo-random byte strings (invalid UTF-8,
 * NUL and control bytes, the suffix mark anywhere) tokenized as documents
 * and as queries: no crash under ASan, and every token well formed. */
static void test_random_bytes(void **state)
{
    TokInstance inst;
    tok_instance_open(&inst);
    const int flags[] = { FTS5_TOKENIZE_DOCUMENT, FTS5_TOKENIZE_QUERY,
                          FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX, FTS5_TOKENIZE_AUX };
    GRand *rand = g_rand_new_with_seed(20240506);
    int tokens = 0;
    for (int i = 0; i < 4000; i++) {
        char buf[96];
        int len = random_input(rand, buf, (int)sizeof buf);
        for (guint f = 0; f < G_N_ELEMENTS(flags); f++)
            tokens += check_tokens(&inst, buf, len, flags[f]);
    }
    assert_true(tokens > 10000);   /* the inputs were not all separators */
    g_rand_free(rand);
    tok_instance_close(&inst);
}

/* The same random strings as documents of a real FTS5 table and as quoted
 * MATCH strings: no crash, and FTS5's integrity-check passes. */
static void test_random_bytes_in_fts5(void **state)
{
    sqlite3 *db = open_db();
    exec_ok(db, "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='casekb')");
    sqlite3_stmt *insert = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO t(x) VALUES (?1)", -1, &insert, NULL),
                     SQLITE_OK);
    GRand *rand = g_rand_new_with_seed(7);
    for (int i = 0; i < 1500; i++) {
        char buf[96];
        int len = random_input(rand, buf, (int)sizeof buf);
        sqlite3_bind_text(insert, 1, buf, len, SQLITE_TRANSIENT);
        assert_int_equal(sqlite3_step(insert), SQLITE_DONE);
        sqlite3_reset(insert);
        GString *expr = g_string_new("\"");
        for (int j = 0; j < len; j++) {
            if (buf[j] == '"')
                g_string_append_c(expr, '"');
            g_string_append_c(expr, buf[j] ? buf[j] : ' ');
        }
        g_string_append(expr, i % 2 ? "\" *" : "\"");
        match_count(db, expr->str);
        g_string_free(expr, TRUE);
    }
    sqlite3_finalize(insert);
    g_rand_free(rand);
    exec_ok(db, "INSERT INTO t(t) VALUES ('integrity-check')");
    sqlite3_close(db);
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
        cmocka_unit_test(test_fold_table_matches_opencc),
        cmocka_unit_test(test_mark_in_input),
        cmocka_unit_test(test_random_bytes),
        cmocka_unit_test(test_random_bytes_in_fts5),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
