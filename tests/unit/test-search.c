/* test-search.c — the query language and search execution: every filter,
 * malformed queries, Traditional/Simplified folding, phrases, OR, NOT,
 * prefixes, bound parameters, and a property test: random substrings of
 * stored bodies searched as phrases return exactly the messages whose body
 * contains them (after folding). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "store/fts-tokenizer.h"
#include "store/search.h"

/* The lead's schema, as far as search uses it. */
static const char SCHEMA[] =
    "CREATE TABLE cases(id INTEGER PRIMARY KEY, case_key TEXT UNIQUE, title TEXT DEFAULT '',"
    "  severity TEXT DEFAULT '', vendor TEXT DEFAULT '', stage TEXT DEFAULT '',"
    "  customer TEXT DEFAULT '', status TEXT DEFAULT 'open', opened INTEGER DEFAULT 0,"
    "  closed INTEGER DEFAULT 0, subject_norm TEXT DEFAULT '', analysis TEXT);"
    "CREATE TABLE case_aliases(alias TEXT PRIMARY KEY, case_id INTEGER);"
    "CREATE TABLE messages(id INTEGER PRIMARY KEY, case_id INTEGER, message_id TEXT UNIQUE,"
    "  subject TEXT DEFAULT '', from_name TEXT DEFAULT '', from_addr TEXT DEFAULT '',"
    "  side TEXT DEFAULT '', date INTEGER DEFAULT 0, body TEXT DEFAULT '', quoted TEXT DEFAULT '',"
    "  signature TEXT DEFAULT '', forwarded TEXT DEFAULT '', attachment_text TEXT DEFAULT '');"
    "CREATE TABLE case_causes(case_id INTEGER, cause_id TEXT, score REAL);"
    "CREATE TABLE case_entities(case_id INTEGER, type TEXT, value TEXT);"
    "CREATE VIRTUAL TABLE messages_fts USING fts5(subject, body, quoted,"
    "  content='messages', content_rowid='id', tokenize='casekb');"
    "CREATE TRIGGER messages_fts_ai AFTER INSERT ON messages BEGIN"
    "  INSERT INTO messages_fts(rowid, subject, body, quoted)"
    "  VALUES (new.id, new.subject, new.body || char(10) || new.forwarded, new.quoted); END;";

/* Three cases with five messages. */
static const char FIXTURE[] =
    "INSERT INTO cases(id, case_key, vendor, customer, status) VALUES"
    "  (1, 'CAS-03877-J9N4S5', 'Microsoft', '华为技术', 'open'),"
    "  (2, 'CAS-04000-ABCDEF', 'HP', 'Acme Corp', 'closed'),"
    "  (3, 'CAS-05000-XYZ123', 'Microsoft', '腾讯', 'open');"
    "INSERT INTO case_aliases VALUES ('CMIT:0001828', 3);"
    "INSERT INTO case_causes VALUES (1, 'activation.kms-unreachable', 0.9),"
    "  (1, 'activation.key-blocked', 0.4), (2, 'driver.crash', 0.8), (3, 'network.proxy', 0.7);"
    "INSERT INTO case_entities VALUES (1, 'error_code', '0xC004F074'), (1, 'command', 'slmgr /ato'),"
    "  (1, 'serial_number', 'SN-12345'), (2, 'error_code', '0x0000007E'),"
    "  (2, 'command', 'pnputil /delete-driver oem12.inf');"
    "INSERT INTO messages(id, case_id, message_id, subject, from_name, from_addr, date, body, quoted)"
    " VALUES"
    "  (1, 1, 'm1@x', 'Windows 启用失败 0xC004F074', '张三', 'zhangsan@customer.cn', 1614902400,"
    "   '客户反馈Windows无法启用，错误代码0xC004F074。已经执行 slmgr /ato 但仍然失败。', ''),"
    "  (2, 1, 'm2@x', 'RE: Windows 啟用失敗', 'Support', 'support@vendor.com', 1614988800,"
    "   '請檢查KMS伺服器是否可以連線 (port 1688)。Please run slmgr /dlv and send output.',"
    "   '> 客户反馈Windows无法启用'),"
    "  (3, 2, 'm3@x', 'Printer driver crash after update', 'John Smith', 'john@acme.com', 1618012800,"
    "   'After KB5005565 the spooler crashes with 0x0000007E. C++ runtime error too.', ''),"
    "  (4, 2, 'm4@x', 'RE: Printer driver crash after update', 'Support', 'support@vendor.com',"
    "   1618185600, 'Please reinstall the driver: pnputil /delete-driver oem12.inf. 打印机驱动需要重新安装。',"
    "   ''),"
    "  (5, 3, 'm5@x', 'Outlook 無法連接 Exchange', '李四', 'lisi@tencent.com', 1619827200,"
    "   'Outlook一直提示需要密码。CMIT:0001828 相关。proxy settings?', '');";

/* Run SQL that must succeed. */
static void exec_ok(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
}

/* A fresh in-memory database with the schema and the tokenizer. */
static sqlite3 *open_db(void)
{
    sqlite3 *db = NULL;
    GError *error = NULL;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    if (!ck_fts_tokenizer_register(db, &error))
        fail_msg("%s", error->message);
    exec_ok(db, SCHEMA);
    return db;
}

/* cmocka setup: the fixture database in *state. */
static int setup_fixture(void **state)
{
    sqlite3 *db = open_db();
    exec_ok(db, FIXTURE);
    *state = db;
    return 0;
}

/* cmocka teardown: close the database. */
static int teardown_db(void **state)
{
    sqlite3_close(*state);
    return 0;
}

/* Run QUERY and return its results (caller unrefs); fails the test on
 * any error. */
static GPtrArray *search(sqlite3 *db, const char *query, gboolean per_message, int limit)
{
    GError *error = NULL;
    CkSearchQuery *q = ck_search_query_parse(query, &error);
    if (!q)
        fail_msg("parse %s: %s", query, error->message);
    CkSearchOptions opts = { .per_message = per_message, .limit = limit };
    GPtrArray *results = NULL;
    gboolean ok = ck_search_run(db, q, &opts, &results, &error);
    ck_search_query_free(q);
    if (!ok)
        fail_msg("run %s: %s", query, error->message);
    return results;
}

/* g_ptr_array_sort comparator for char * elements. */
static gint compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The message ids (or case keys when !PER_MESSAGE) QUERY finds, sorted
 * and joined with spaces.  Caller frees. */
static char *found(sqlite3 *db, const char *query, gboolean per_message)
{
    GPtrArray *results = search(db, query, per_message, 100);
    GPtrArray *names = g_ptr_array_new();
    for (guint i = 0; i < results->len; i++) {
        CkSearchResult *r = results->pdata[i];
        g_ptr_array_add(names, per_message ? r->message_id : r->case_key);
    }
    g_ptr_array_sort(names, compare_strings);
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < names->len; i++)
        g_string_append_printf(s, "%s%s", i ? " " : "", (const char *)names->pdata[i]);
    g_ptr_array_unref(names);
    g_ptr_array_unref(results);
    return g_string_free(s, FALSE);
}

/* Assert that QUERY finds exactly EXPECTED messages (sorted ids). */
static void assert_messages(sqlite3 *db, const char *query, const char *expected)
{
    char *got = found(db, query, TRUE);
    if (strcmp(got, expected) != 0)
        fail_msg("query %s\n  found    [%s]\n  expected [%s]", query, got, expected);
    g_free(got);
}

/* Assert that QUERY finds exactly EXPECTED cases (sorted keys). */
static void assert_cases(sqlite3 *db, const char *query, const char *expected)
{
    char *got = found(db, query, FALSE);
    if (strcmp(got, expected) != 0)
        fail_msg("query %s\n  found    [%s]\n  expected [%s]", query, got, expected);
    g_free(got);
}

/* Words across Chinese and English with implicit AND; Traditional and
 * Simplified fold together. */
static void test_words_and_folding(void **state)
{
    sqlite3 *db = *state;
    assert_messages(db, "启用 0xC004F074", "m1@x");
    assert_messages(db, "啟用", "m1@x m2@x");
    assert_messages(db, "无法连接", "m5@x");
    assert_messages(db, "ＳＬＭＧＲ", "m1@x m2@x");
    assert_messages(db, "C004F074", "m1@x");
    assert_messages(db, "CAS-03877-J9N4S5", "");
    assert_messages(db, "CMIT:0001828", "m5@x");
    assert_messages(db, "0001828", "m5@x");
    assert_messages(db, "C++", "m3@x");
    assert_messages(db, "错误代码0xC004F074", "m1@x");
    assert_messages(db, "KMS伺服器", "m2@x");
    assert_messages(db, "Windows无法", "m1@x m2@x");
}

/* Exact phrases, including ones that cut words. */
static void test_phrases(void **state)
{
    sqlite3 *db = *state;
    assert_messages(db, "\"slmgr /ato\"", "m1@x");
    assert_messages(db, "\"slmgr /\"", "m1@x m2@x");
    assert_messages(db, "\"pooler cras\"", "m3@x");
    assert_messages(db, "\"ctivat\"", "");
    assert_messages(db, "\"無法啟用\"", "m1@x m2@x");
    assert_messages(db, "\"无法启用，\"", "m1@x");
    assert_messages(db, "\"port 1688)\"", "m2@x");
    assert_messages(db, "\"say \\\"hi\\\"\"", "");
    assert_messages(db, "body:\"无法启用\"", "m1@x");
    assert_messages(db, "quoted:\"无法启用\"", "m2@x");
}

/* OR, NOT / -term and prefix*. */
static void test_or_not_prefix(void **state)
{
    sqlite3 *db = *state;
    assert_cases(db, "打印机 OR outlook", "CAS-04000-ABCDEF CAS-05000-XYZ123");
    assert_messages(db, "windows -kms", "m1@x");
    assert_messages(db, "windows NOT kms", "m1@x");
    assert_messages(db, "-windows -driver", "m5@x");
    assert_messages(db, "spool*", "m3@x");
    assert_messages(db, "spool", "");
    assert_messages(db, "reinst* OR 密码", "m4@x m5@x");
    assert_messages(db, "-\"slmgr /\" microsoft*", "");
    assert_messages(db, "please -\"slmgr /\"", "m4@x");
}

/* Every filter. */
static void test_filters(void **state)
{
    sqlite3 *db = *state;
    assert_messages(db, "case:cas-04000-abcdef", "m3@x m4@x");
    assert_messages(db, "case:CMIT:0001828", "m5@x");
    assert_messages(db, "from:zhangsan", "m1@x");
    assert_messages(db, "from:張三", "m1@x");
    assert_messages(db, "from:\"John Smith\"", "m3@x");
    assert_messages(db, "subject:printer", "m3@x m4@x");
    assert_messages(db, "subject:\"启用失败\"", "m1@x m2@x");
    assert_cases(db, "cause:activation.kms-unreachable", "CAS-03877-J9N4S5");
    assert_cases(db, "cause:activation*", "CAS-03877-J9N4S5");
    assert_cases(db, "cause:activation", "");
    assert_cases(db, "status:closed", "CAS-04000-ABCDEF");
    assert_cases(db, "vendor:microsoft", "CAS-03877-J9N4S5 CAS-05000-XYZ123");
    assert_cases(db, "customer:華為", "CAS-03877-J9N4S5");
    assert_cases(db, "code:C004F074", "CAS-03877-J9N4S5");
    assert_cases(db, "code:0x0000007e", "CAS-04000-ABCDEF");
    assert_cases(db, "cmd:slmgr", "CAS-03877-J9N4S5");
    assert_cases(db, "cmd:\"/delete-driver\"", "CAS-04000-ABCDEF");
    assert_cases(db, "sn:sn-12345", "CAS-03877-J9N4S5");
    assert_messages(db, "after:2021-04-01", "m3@x m4@x m5@x");
    assert_messages(db, "before:2021-03-06", "m1@x");
    assert_messages(db, "date:2021-03..2021-04", "m1@x m2@x m3@x m4@x");
    assert_messages(db, "date:2021-04-12", "m4@x");
    assert_messages(db, "date:..2021-03", "m1@x m2@x");
    assert_messages(db, "date:2021-05..", "m5@x");
    assert_messages(db, "date:2021", "m1@x m2@x m3@x m4@x m5@x");
    assert_messages(db, "windows -from:support date:2021-03", "m1@x");
    assert_messages(db, "status:open OR code:0x0000007E -outlook", "m1@x m2@x m3@x m4@x");
}

/* Assert that QUERY fails to parse with exactly MESSAGE. */
static void assert_parse_error(const char *query, const char *message)
{
    GError *error = NULL;
    CkSearchQuery *q = ck_search_query_parse(query, &error);
    if (q)
        fail_msg("query %s parsed", query);
    assert_true(g_error_matches(error, CK_SEARCH_ERROR, CK_SEARCH_ERROR_QUERY));
    if (strcmp(error->message, message) != 0)
        fail_msg("query %s\n  error    %s\n  expected %s", query, error->message, message);
    g_error_free(error);
}

/* Malformed queries name the problem and the character position. */
static void test_malformed(void **state)
{
    assert_parse_error("error \"code", "query: unclosed quote at position 7");
    assert_parse_error("启用 \"失败", "query: unclosed quote at position 4");
    assert_parse_error("a \"\" b", "query: empty phrase at position 3");
    assert_parse_error("from:", "query: from: needs a value at position 1");
    assert_parse_error("x date:2021-13",
                       "query: bad date \"2021-13\" (use YYYY, YYYY-MM or YYYY-MM-DD) at position 8");
    assert_parse_error("after:yesterday",
                       "query: bad date \"yesterday\" (use YYYY, YYYY-MM or YYYY-MM-DD) at position 7");
    assert_parse_error("date:2021-02-30",
                       "query: bad date \"2021-02-30\" (use YYYY, YYYY-MM or YYYY-MM-DD) at position 6");
    assert_parse_error("date:2021-04..2021-03",
                       "query: date range \"2021-04..2021-03\" ends before it starts at position 6");
    assert_parse_error("date:..", "query: date range \"..\" needs at least one date at position 6");
    assert_parse_error("a OR", "query: OR needs a term after it at position 3");
    assert_parse_error("OR a", "query: OR needs a term before it at position 1");
    assert_parse_error("a OR OR b", "query: OR needs a term before it at position 6");
    assert_parse_error("a NOT", "query: NOT needs a term after it at position 3");
    assert_parse_error("a *", "query: '*' needs letters or digits before it at position 3");
    assert_parse_error("   ", "query: empty query at position 4");
    assert_parse_error("", "query: empty query at position 1");
}

/* Assert that the messages table still holds N rows. */
static void assert_message_count(sqlite3 *db, int n)
{
    sqlite3_stmt *stmt = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM messages", -1, &stmt, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(stmt, 0), n);
    sqlite3_finalize(stmt);
}

/* User text reaches SQL only as bound parameters. */
static void test_injection(void **state)
{
    sqlite3 *db = *state;
    assert_messages(db, "'); DROP TABLE messages; --", "");
    assert_messages(db, "\"'); DROP TABLE messages; --\"", "");
    assert_messages(db, "from:\"x' OR 1=1 --\"", "");
    assert_messages(db, "\"\\\" OR \\\"\" windows", "");
    assert_parse_error("windows\" OR body:x", "query: unclosed quote at position 8");
    assert_message_count(db, 5);
}

/* Rows: per case by default, fields filled, snippets marked, ranking by
 * column weight, limit and offset. */
static void test_result_rows(void **state)
{
    sqlite3 *db = *state;
    assert_cases(db, "windows", "CAS-03877-J9N4S5");
    GError *error = NULL;
    CkSearchQuery *q = ck_search_query_parse("启用", &error);
    assert_non_null(q);
    CkSearchOptions opts = { .per_message = TRUE, .mark_open = "<b>", .mark_close = "</b>" };
    GPtrArray *results = NULL;
    assert_true(ck_search_run(db, q, &opts, &results, &error));
    ck_search_query_free(q);
    assert_int_equal(results->len, 2);
    CkSearchResult *best = results->pdata[0];
    assert_string_equal(best->message_id, "m1@x");
    assert_true(best->score > 0);
    assert_string_equal(best->case_key, "CAS-03877-J9N4S5");
    assert_int_equal(best->case_rowid, 1);
    assert_non_null(strstr(best->snippet, "<b>启用</b>"));
    assert_int_equal(best->causes->len, 2);
    assert_string_equal(best->causes->pdata[0], "activation.kms-unreachable");
    g_ptr_array_unref(results);

    results = search(db, "\"Please\"", TRUE, 1);
    assert_int_equal(results->len, 1);
    CkSearchResult *r = results->pdata[0];
    assert_non_null(strstr(r->snippet, "[Please]"));
    assert_string_equal(r->from, "Support <support@vendor.com>");
    g_ptr_array_unref(results);

    results = search(db, "printer", TRUE, 10);
    assert_int_equal(results->len, 2);
    g_ptr_array_unref(results);
    results = search(db, "driver", TRUE, 10);   /* subject and body beat subject alone */
    assert_string_equal(((CkSearchResult *)results->pdata[0])->message_id, "m4@x");
    g_ptr_array_unref(results);

    GPtrArray *all = search(db, "date:2021", TRUE, 10);
    assert_int_equal(all->len, 5);
    assert_string_equal(((CkSearchResult *)all->pdata[0])->message_id, "m5@x");   /* newest first */
    g_ptr_array_unref(all);
    q = ck_search_query_parse("date:2021", &error);
    CkSearchOptions page = { .per_message = TRUE, .limit = 2, .offset = 3 };
    assert_true(ck_search_run(db, q, &page, &results, &error));
    ck_search_query_free(q);
    assert_int_equal(results->len, 2);
    assert_string_equal(((CkSearchResult *)results->pdata[0])->message_id, "m2@x");
    g_ptr_array_unref(results);
}

/* ---- property test ---- */

static const char *const CHINESE[] = {
    "客户反馈", "无法启用", "错误代码", "请检查", "服务器", "网络连接", "已经重启", "打印机驱动",
    "许可证", "激活失败", "数据库", "备份", "升级后", "蓝屏", "日志文件", "磁盘空间不足", "无法",
    "無法啟用", "錯誤代碼", "請檢查", "伺服器", "網路連線", "資料庫", "備份", "升級後", "藍屏",
    "磁碟空間不足", "啟用", "问题", "問題", "已解决", "謝謝", "麻烦", "远程协助", "系统",
};
static const char *const ENGLISH[] = {
    "activation", "failed", "server", "license", "printer", "driver", "reinstall", "update",
    "Windows", "Outlook", "please", "check", "the", "log", "error", "network", "timeout",
    "restart", "KMS", "spooler", "crash", "database", "backup", "Activated", "reactivation",
    "a", "an", "is", "it", "service", "services", "Service", "run", "running",
};
static const char *const CODES[] = {
    "0xC004F074", "0x80070005", "0x0000007E", "CAS-03877-J9N4S5", "CMIT:0001828", "KB5005565",
    "port 1688", "slmgr /ato", "ＳＬＭＧＲ", "０ｘＣ００４", "Ｗｉｎｄｏｗｓ", "v2.3.1",
    "C:\\Windows\\System32", "user@example.com", "C++", "\"quoted\"", "e.g.", "50%", "#42",
};
static const char *const SEPARATORS[] = {
    " ", " ", " ", "", "", "，", "。", ", ", ". ", "! ", "? ", "\n", "：", "（", "）", "-", "/", "\n\n",
};

/* Pick a random element of an array of strings. */
#define PICK(rng, array) ((array)[g_rand_int_range((rng), 0, (gint32)G_N_ELEMENTS(array))])

/* A random support-mail text of MIN_PIECES to MAX_PIECES - 1 pieces from
 * the lists above. */
static char *random_text(GRand *rng, int min_pieces, int max_pieces)
{
    GString *body = g_string_new(NULL);
    int pieces = g_rand_int_range(rng, min_pieces, max_pieces);
    for (int i = 0; i < pieces; i++) {
        int kind = g_rand_int_range(rng, 0, 10);
        const char *piece = kind < 4 ? PICK(rng, CHINESE) : kind < 8 ? PICK(rng, ENGLISH) : PICK(rng, CODES);
        g_string_append(body, piece);
        g_string_append(body, PICK(rng, SEPARATORS));
    }
    return g_string_free(body, FALSE);
}

/* A random substring of 1-8 characters of one of BODIES.  Caller frees. */
static char *random_substring(GRand *rng, GPtrArray *bodies)
{
    const char *body = bodies->pdata[g_rand_int_range(rng, 0, (gint32)bodies->len)];
    glong n = g_utf8_strlen(body, -1);
    glong start = g_rand_int_range(rng, 0, (gint32)n);
    glong len = MIN(g_rand_int_range(rng, 1, 9), n - start);
    const char *from = g_utf8_offset_to_pointer(body, start);
    const char *to = g_utf8_offset_to_pointer(from, len);
    return g_strndup(from, (gsize)(to - from));
}

/* SUB as a "…" query, restricted to the body when BODY_ONLY (quotes and
 * backslashes escaped).  Caller frees. */
static char *phrase_query(const char *sub, gboolean body_only)
{
    GString *q = g_string_new(body_only ? "body:\"" : "\"");
    for (const char *p = sub; *p; p++) {
        if (*p == '"' || *p == '\\')
            g_string_append_c(q, '\\');
        g_string_append_c(q, *p);
    }
    g_string_append_c(q, '"');
    return g_string_free(q, FALSE);
}

/* What the property test covered. */
typedef struct {
    int han_only, latin_only, mixed, other, with_hits, hits;
} Coverage;

/* Count SUB in COVERAGE by the classes of characters it holds. */
static void count_kind(Coverage *coverage, const char *sub)
{
    gboolean han = FALSE, latin = FALSE;
    GArray *chars = ck_fts_fold_chars(sub, -1);
    for (guint i = 0; i < chars->len; i++) {
        CkFtsClass cls = ck_fts_char_class(g_array_index(chars, CkFoldedChar, i).ch);
        han |= cls == CK_FTS_CLASS_CJK;
        latin |= cls == CK_FTS_CLASS_WORD;
    }
    g_array_unref(chars);
    if (han && latin)
        coverage->mixed++;
    else if (han)
        coverage->han_only++;
    else if (latin)
        coverage->latin_only++;
    else
        coverage->other++;
}

/* The generated messages: texts and their folds, per column. */
typedef struct {
    GPtrArray *text[3];     /* subject, body, quoted: char * per message */
    GPtrArray *folded[3];
} Corpus;

enum { SUBJECT, BODY, QUOTED };

/* Assert that searching SUB as a phrase (body only, or all columns)
 * returns exactly the messages (row id i + 1 for message i) with a folded
 * column that contains fold(SUB). */
static void check_substring(sqlite3 *db, const Corpus *corpus, const char *sub, gboolean body_only,
                            Coverage *coverage)
{
    count_kind(coverage, sub);
    char *needle = ck_fts_fold(sub);
    GHashTable *expected = g_hash_table_new(g_direct_hash, g_direct_equal);
    for (guint i = 0; i < corpus->folded[BODY]->len; i++)
        for (int col = 0; col < 3; col++)
            if ((!body_only || col == BODY) && strstr(corpus->folded[col]->pdata[i], needle))
                g_hash_table_add(expected, GINT_TO_POINTER(i + 1));
    char *query = phrase_query(sub, body_only);
    GPtrArray *results = search(db, query, TRUE, 10000);
    gboolean exact = results->len == g_hash_table_size(expected);
    for (guint i = 0; i < results->len && exact; i++)
        exact = g_hash_table_contains(expected,
                                      GINT_TO_POINTER(((CkSearchResult *)results->pdata[i])->message_rowid));
    if (!exact)
        fail_msg("phrase %s: %u found, %u expected", query, results->len, g_hash_table_size(expected));
    coverage->with_hits += results->len > 0;
    coverage->hits += (int)results->len;
    g_ptr_array_unref(results);
    g_free(query);
    g_hash_table_unref(expected);
    g_free(needle);
}

/* Insert the corpus as messages 1..n of one case. */
static void insert_corpus(sqlite3 *db, const Corpus *corpus)
{
    sqlite3_stmt *stmt = NULL;
    exec_ok(db, "INSERT INTO cases(id, case_key) VALUES (1, 'CAS-1'); BEGIN");
    assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO messages(id, case_id, message_id, subject, body,"
                                            " quoted, date) VALUES (?1, 1, ?2, ?3, ?4, ?5, ?1)",
                                        -1, &stmt, NULL),
                     SQLITE_OK);
    for (guint i = 0; i < corpus->text[BODY]->len; i++) {
        char *mid = g_strdup_printf("p%u@x", i + 1);
        sqlite3_bind_int64(stmt, 1, i + 1);
        sqlite3_bind_text(stmt, 2, mid, -1, SQLITE_TRANSIENT);
        for (int col = 0; col < 3; col++)
            sqlite3_bind_text(stmt, 3 + col, corpus->text[col]->pdata[i], -1, SQLITE_STATIC);
        assert_int_equal(sqlite3_step(stmt), SQLITE_DONE);
        sqlite3_reset(stmt);
        g_free(mid);
    }
    sqlite3_finalize(stmt);
    exec_ok(db, "COMMIT");
}

/* ≥ 500 random substrings (fixed seed) of 200 generated bodies, searched
 * in the body and (every third) in all columns: recall and precision must
 * both be 100%. */
static void test_property_substrings(void **state)
{
    sqlite3 *db = open_db();
    GRand *rng = g_rand_new_with_seed(20210309);
    static const int pieces[3][2] = { { 1, 4 }, { 8, 41 }, { 0, 6 } };
    Corpus corpus;
    for (int col = 0; col < 3; col++) {
        corpus.text[col] = g_ptr_array_new_with_free_func(g_free);
        corpus.folded[col] = g_ptr_array_new_with_free_func(g_free);
    }
    for (int i = 0; i < 200; i++)
        for (int col = 0; col < 3; col++) {
            g_ptr_array_add(corpus.text[col], random_text(rng, pieces[col][0], pieces[col][1]));
            g_ptr_array_add(corpus.folded[col], ck_fts_fold(corpus.text[col]->pdata[i]));
        }
    insert_corpus(db, &corpus);
    Coverage coverage = { 0 };
    gint64 t0 = g_get_monotonic_time();
    int queries = 0;
    for (int i = 0; i < 600; i++) {
        char *sub = random_substring(rng, corpus.text[BODY]);
        check_substring(db, &corpus, sub, TRUE, &coverage);
        if (i % 3 == 0)
            check_substring(db, &corpus, sub, FALSE, &coverage);
        queries += i % 3 == 0 ? 2 : 1;
        g_free(sub);
    }
    static const char *const fixed[] = { "ctivat", "Service", "ＳＬＭ", "啟用", "启", "c004f0",
                                         "\"", "\\", " ", "\n", "-0387", "ＧＲ，錯誤", "0xc" };
    for (size_t i = 0; i < G_N_ELEMENTS(fixed); i++, queries += 2) {
        check_substring(db, &corpus, fixed[i], TRUE, &coverage);
        check_substring(db, &corpus, fixed[i], FALSE, &coverage);
    }
    print_message("property: %d phrase searches (%d Han, %d Latin, %d mixed, %d other), all exact;"
                  " %d had hits (%d rows); %.1f ms per query\n", queries, coverage.han_only,
                  coverage.latin_only, coverage.mixed, coverage.other, coverage.with_hits, coverage.hits,
                  (double)(g_get_monotonic_time() - t0) / 1000.0 / queries);
    for (int col = 0; col < 3; col++) {
        g_ptr_array_unref(corpus.text[col]);
        g_ptr_array_unref(corpus.folded[col]);
    }
    g_rand_free(rng);
    sqlite3_close(db);
}

/* ---- sentence mode (ck_search_run_any) ---- */

/* Four cases: one holding every term of the Ghost sentence, one holding
 * some of them across two messages, one none, one only stop-like
 * characters and words. */
static const char ANY_FIXTURE[] =
    "INSERT INTO cases(id, case_key) VALUES (1, 'CAS-1'), (2, 'CAS-2'), (3, 'CAS-3'), (4, 'CAS-4');"
    "INSERT INTO messages(id, case_id, message_id, subject, date, body) VALUES"
    "  (1, 1, 'a1@x', 'Ghost 克隆后激活失败', 100, '客户用Ghost克隆后激活失败了，没有运行 sysprep。'),"
    "  (2, 2, 'b1@x', '激活失败', 200, '错误 0xC004F074，密钥 VK7JG-NPHTM-C97JM-9MPGT-3V66T 激活失败。'),"
    "  (3, 2, 'b2@x', 'RE: 激活失败', 300, '客户说 ghost 过的机器都这样。'),"
    "  (4, 3, 'c1@x', 'Outlook 無法連接', 400, 'Outlook一直提示需要密码。'),"
    "  (5, 4, 'd1@x', '的了是在我', 500, '我的 是 在 了 the a is and of to');";

/* cmocka setup: the sentence-mode fixture in *state. */
static int setup_any(void **state)
{
    sqlite3 *db = open_db();
    exec_ok(db, ANY_FIXTURE);
    *state = db;
    return 0;
}

/* Sentence search of SENTENCE (fails the test on error).  Caller unrefs. */
static GPtrArray *search_any(sqlite3 *db, const char *sentence, gboolean per_message)
{
    GError *error = NULL;
    CkSearchOptions opts = { .per_message = per_message, .limit = 100 };
    GPtrArray *results = NULL;
    if (!ck_search_run_any(db, sentence, &opts, &results, &error))
        fail_msg("any %s: %s", sentence, error->message);
    return results;
}

/* The case keys (or message ids) of RESULTS in rank order, joined with
 * spaces.  Caller frees. */
static char *ranked_keys(GPtrArray *results, gboolean per_message)
{
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < results->len; i++) {
        CkSearchResult *r = results->pdata[i];
        g_string_append_printf(s, "%s%s", i ? " " : "", per_message ? r->message_id : r->case_key);
    }
    return g_string_free(s, FALSE);
}

/* Assert the terms of SENTENCE, joined with '|', equal EXPECTED. */
static void assert_terms(const char *sentence, const char *expected)
{
    GPtrArray *terms = ck_search_any_terms(sentence);
    g_ptr_array_add(terms, NULL);
    char *got = g_strjoinv("|", (char **)terms->pdata);
    if (strcmp(got, expected) != 0)
        fail_msg("terms of %s\n  got      [%s]\n  expected [%s]", sentence, got, expected);
    g_free(got);
    g_ptr_array_unref(terms);
}

/* The sentence is cut like the tokenizer cuts text: Han bigrams, whole
 * words and IDs, folded; single characters, stop words and duplicates go. */
static void test_any_terms(void **state)
{
    assert_terms("客户用Ghost克隆后激活失败", "客户|户用|ghost|克隆|隆后|后激|激活|活失|失败");
    assert_terms("啟用失敗 ＳＬＭＧＲ slmgr", "启用|用失|失败|slmgr");
    assert_terms("错误 CAS-03877-J9N4S5 和 0xC004F074", "错误|cas-03877-j9n4s5|0xc004f074");
    assert_terms("的 了 是 在 我 the a is 我们 可以", "");
    assert_terms("在我的电脑上", "的电|电脑|脑上");
    assert_terms("\"激活\" * NEAR(失败, 2) -ghost OR x", "激活|near|失败|ghost");
}

/* The sentence finds the case holding all its terms first, then the case
 * holding some (counted over its messages), never the case holding none;
 * snippets highlight and mask keys; counts agree. */
static void test_any_ranking(void **state)
{
    sqlite3 *db = *state;
    GPtrArray *results = search_any(db, "客户用Ghost克隆后激活失败", FALSE);
    char *keys = ranked_keys(results, FALSE);
    assert_string_equal(keys, "CAS-1 CAS-2");
    g_free(keys);
    CkSearchResult *first = results->pdata[0], *second = results->pdata[1];
    assert_int_equal(first->query_terms, 9);
    assert_int_equal(first->matched_terms, 9);
    assert_int_equal(second->matched_terms, 5);   /* 激活 活失 失败 (b1, b2) + 客户 ghost (b2) */
    assert_non_null(strstr(first->snippet, "["));
    g_ptr_array_unref(results);

    results = search_any(db, "激活失败 密钥", TRUE);
    assert_int_equal(results->len, 3);
    CkSearchResult *key_row = results->pdata[0];
    assert_string_equal(key_row->message_id, "b1@x");
    assert_int_equal(key_row->matched_terms, 4);
    assert_int_equal(((CkSearchResult *)results->pdata[2])->matched_terms, 3);
    assert_null(strstr(key_row->snippet, "VK7JG"));
    assert_non_null(strstr(key_row->snippet, "3V66T"));
    assert_non_null(strstr(key_row->snippet, "[密钥]"));
    g_ptr_array_unref(results);

    gint64 n = -1;
    GError *error = NULL;
    assert_true(ck_search_count_any(db, "激活失败 密钥", TRUE, &n, &error));
    assert_int_equal(n, 3);
    assert_true(ck_search_count_any(db, "客户用Ghost克隆后激活失败", FALSE, &n, &error));
    assert_int_equal(n, 2);
}

/* Stop-like sentences match nothing (an error naming why), not everything;
 * FTS5 syntax in the sentence is text. */
static void test_any_stop_and_syntax(void **state)
{
    sqlite3 *db = *state;
    GError *error = NULL;
    GPtrArray *results = NULL;
    assert_false(ck_search_run_any(db, "的 了 是 在 我 the a is", NULL, &results, &error));
    assert_null(results);
    assert_non_null(error);
    assert_int_equal(error->code, CK_SEARCH_ERROR_QUERY);
    g_clear_error(&error);
    results = search_any(db, "在我的电脑上 Outlook 是", FALSE);
    char *keys = ranked_keys(results, FALSE);
    assert_string_equal(keys, "CAS-3");
    g_free(keys);
    g_ptr_array_unref(results);
    const char *hostile[] = { "\"激活失败 克隆", "克隆 激活* OR ghost", "NEAR(激活 失败, 0) 克隆",
                              "-ghost 克隆-激活失败", "ghost'); DROP TABLE messages; -- 克隆\"",
                              "\x01" "ctivat 克隆 ghost", "{subject}: ghost ^激活 克隆" };
    for (guint i = 0; i < G_N_ELEMENTS(hostile); i++) {
        results = search_any(db, hostile[i], FALSE);
        CkSearchResult *r = results->len ? results->pdata[0] : NULL;
        if (!r || strcmp(r->case_key, "CAS-1") != 0)
            fail_msg("%s: first result %s", hostile[i], r ? r->case_key : "(none)");
        g_ptr_array_unref(results);
    }
    assert_message_count(db, 5);
}

/* Plain queries are words only. */
static void test_query_is_plain(void **state)
{
    const char *plain[] = { "客户用Ghost克隆后激活失败", "激活 失败 ghost", "CMIT:0001828" };
    const char *not_plain[] = { "a OR b", "-x y", "NOT x", "vendor:HP x", "\"x y\"", "ab*", "#" };
    for (guint i = 0; i < G_N_ELEMENTS(plain) + G_N_ELEMENTS(not_plain); i++) {
        gboolean want = i < G_N_ELEMENTS(plain);
        const char *text = want ? plain[i] : not_plain[i - G_N_ELEMENTS(plain)];
        GError *error = NULL;
        CkSearchQuery *q = ck_search_query_parse(text, &error);
        assert_non_null(q);
        if (ck_search_query_is_plain(q) != want)
            fail_msg("%s: plain should be %d", text, want);
        ck_search_query_free(q);
    }
}

/* Run the tests. */
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_words_and_folding, setup_fixture, teardown_db),
        cmocka_unit_test_setup_teardown(test_phrases, setup_fixture, teardown_db),
        cmocka_unit_test_setup_teardown(test_or_not_prefix, setup_fixture, teardown_db),
        cmocka_unit_test_setup_teardown(test_filters, setup_fixture, teardown_db),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test_setup_teardown(test_injection, setup_fixture, teardown_db),
        cmocka_unit_test_setup_teardown(test_result_rows, setup_fixture, teardown_db),
        cmocka_unit_test(test_property_substrings),
        cmocka_unit_test(test_any_terms),
        cmocka_unit_test_setup_teardown(test_any_ranking, setup_any, teardown_db),
        cmocka_unit_test_setup_teardown(test_any_stop_and_syntax, setup_any, teardown_db),
        cmocka_unit_test(test_query_is_plain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
