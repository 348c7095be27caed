/* test-schema.c — schema migrations and the full-text index they set up:
 * the index always holds exactly its content (subject, new + forwarded
 * text, quoted text) through inserts, updates, deletes and rebuilds, and
 * an old (schema 2) database upgrades to that design; the index is filled
 * per transaction; rule text in analyses is stored once. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib/gstdio.h>
#include "store/store.h"

typedef struct {
    char *dir;
    char *path;      /* the database file */
    CkStore *store;  /* open on PATH, or NULL */
} Fixture;

/* A fresh store in a temporary directory. */
static int setup(void **state)
{
    Fixture *f = g_new0(Fixture, 1);
    f->dir = g_dir_make_tmp("casekb-test-XXXXXX", NULL);
    f->path = g_build_filename(f->dir, "t.db", NULL);
    f->store = ck_store_open(f->path, NULL);
    assert_non_null(f->store);
    *state = f;
    return 0;
}

/* Close the store and remove its directory with every file in it (the
 * database, its -wal/-shm or -journal). */
static int teardown(void **state)
{
    Fixture *f = *state;
    ck_store_close(f->store);
    GDir *dir = g_dir_open(f->dir, 0, NULL);
    for (const char *name; dir && (name = g_dir_read_name(dir));) {
        char *path = g_build_filename(f->dir, name, NULL);
        g_unlink(path);
        g_free(path);
    }
    if (dir)
        g_dir_close(dir);
    g_rmdir(f->dir);
    g_free(f->dir);
    g_free(f->path);
    g_free(f);
    return 0;
}

/* Close and reopen the fixture's store (runs migrations and the tokenizer
 * version check again). */
static void reopen(Fixture *f)
{
    ck_store_close(f->store);
    GError *error = NULL;
    f->store = ck_store_open(f->path, &error);
    if (!f->store)
        fail_msg("reopening %s: %s", f->path, error->message);
}

/* Run SQL on the store; it must succeed. */
static void exec_ok(CkStore *store, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(ck_store_db(store), sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
}

/* Assert that FTS5's integrity-check passes. */
static void assert_index_ok(CkStore *store)
{
    GError *error = NULL;
    if (!ck_store_check_fts(store, &error))
        fail_msg("%s", error->message);
}

/* The first column of the first row of SQL, as an integer. */
static int query_int(CkStore *store, const char *sql)
{
    sqlite3_stmt *stmt = NULL;
    assert_int_equal(sqlite3_prepare_v2(ck_store_db(store), sql, -1, &stmt, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    int n = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    return n;
}

/* Number of messages matching the FTS5 expression EXPR. */
static int match_count(CkStore *store, const char *expr)
{
    sqlite3_stmt *stmt = NULL;
    assert_int_equal(sqlite3_prepare_v2(ck_store_db(store),
                                        "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ?1",
                                        -1, &stmt, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(stmt, 1, expr, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    int n = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    return n;
}

/* Store a message ID in a new case KEY with the given new and forwarded
 * text. */
static void add_message(CkStore *store, const char *key, const char *id, const char *body,
                        const char *forwarded)
{
    CkMessage *m = ck_message_new();
    m->message_id = g_strdup(id);
    g_free(m->body);
    m->body = g_strdup(body);
    g_free(m->forwarded);
    m->forwarded = g_strdup(forwarded);
    gint64 case_rowid = 0, message_rowid = 0;
    GError *error = NULL;
    if (!ck_store_case_create(store, key, &case_rowid, &error)
        || !ck_store_message_insert(store, case_rowid, m, "", "new-thread", &message_rowid, &error))
        fail_msg("%s", error->message);
    ck_message_free(m);
}

/* Forwarded text is indexed and the index matches its content through
 * insert, update (of forwarded text alone too), delete and rebuild. */
static void test_index_matches_content(void **state)
{
    Fixture *f = *state;
    add_message(f->store, "CAS-00001-AAAAAA", "a@x", "新的正文", "客户原邮件：zebrafinch 蓝鲸终端");
    add_message(f->store, "CAS-00002-BBBBBB", "b@x", "only new text", "");
    assert_index_ok(f->store);
    assert_int_equal(match_count(f->store, "zebrafinch"), 1);
    assert_int_equal(match_count(f->store, "body : \"蓝鲸\""), 1);
    assert_int_equal(match_count(f->store, "\"新的正文\""), 1);

    exec_ok(f->store, "UPDATE messages SET forwarded = 'kingfisher' WHERE message_id = 'a@x'");
    assert_index_ok(f->store);
    assert_int_equal(match_count(f->store, "zebrafinch"), 0);
    assert_int_equal(match_count(f->store, "kingfisher"), 1);

    exec_ok(f->store, "UPDATE messages SET body = 'rewritten', subject = 'osprey' WHERE message_id = 'b@x'");
    assert_index_ok(f->store);
    assert_int_equal(match_count(f->store, "subject : osprey"), 1);
    assert_int_equal(match_count(f->store, "\"only new text\""), 0);

    exec_ok(f->store, "DELETE FROM messages WHERE message_id = 'a@x'");
    assert_index_ok(f->store);
    assert_int_equal(match_count(f->store, "kingfisher"), 0);

    exec_ok(f->store, "INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')");
    assert_index_ok(f->store);
    assert_int_equal(match_count(f->store, "rewritten"), 1);
}

/* A tokenizer-version rebuild (on open) keeps forwarded text searchable. */
static void test_version_rebuild_keeps_forwarded(void **state)
{
    Fixture *f = *state;
    add_message(f->store, "CAS-00003-CCCCCC", "c@x", "see the attached mail", "门诊楼终端提示 zebrafinch 错误");
    GError *error = NULL;
    assert_true(ck_store_set_setting(f->store, "fts_tokenizer_version", "0", &error));
    reopen(f);
    char *version = ck_store_get_setting(f->store, "fts_tokenizer_version");
    assert_string_not_equal(version, "0");   /* the open rebuilt the index */
    g_free(version);
    assert_int_equal(match_count(f->store, "zebrafinch"), 1);
    assert_int_equal(match_count(f->store, "\"门诊楼\""), 1);
    assert_index_ok(f->store);
}

/* The text of FILE under the source tree (CASEKB_TOP or "."); caller frees. */
static char *read_fixture(const char *file)
{
    const char *top = g_getenv("CASEKB_TOP") ? g_getenv("CASEKB_TOP") : ".";
    char *path = g_build_filename(top, file, NULL);
    char *text = NULL;
    GError *error = NULL;
    if (!g_file_get_contents(path, &text, NULL, &error))
        fail_msg("%s", error->message);
    g_free(path);
    return text;
}

/* A schema-2 database (the dump in tests/fixtures/fts/schema-v2.sql, made
 * by casekb before the upgrade) opens, upgrades, and keeps its forwarded
 * text searchable with an index that matches its content. */
static void test_upgrade_from_schema_2(void **state)
{
    Fixture *f = *state;
    ck_store_close(f->store);
    f->store = NULL;
    g_unlink(f->path);
    char *dump = read_fixture("tests/fixtures/fts/schema-v2.sql");
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    char *msg = NULL;
    if (sqlite3_exec(db, dump, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("loading schema-v2.sql: %s", msg);
    sqlite3_close(db);
    g_free(dump);
    reopen(f);
    sqlite3_stmt *stmt = NULL;
    assert_int_equal(sqlite3_prepare_v2(ck_store_db(f->store), "PRAGMA user_version", -1, &stmt, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    assert_true(sqlite3_column_int(stmt, 0) >= 3);
    sqlite3_finalize(stmt);
    assert_index_ok(f->store);
    assert_int_equal(match_count(f->store, "zebrafinch"), 1);
    assert_int_equal(match_count(f->store, "\"时间设置\""), 1);
    /* schema 6: the hex hash became its 32 bytes, still found as stored */
    gboolean seen = FALSE;
    GError *error = NULL;
    assert_true(ck_store_source_seen(f->store, "13c45cf1e5c9b54d3898a1cb666b11efb87f4625a771bfd9012bc264ddcb5b82",
                                     &seen, &error));
    assert_true(seen);
    assert_int_equal(query_int(f->store, "SELECT length(content_hash) FROM sources LIMIT 1"), 32);
}

/* In a transaction, new messages are indexed when it commits (one FTS5
 * insert for the batch, not one per row); an update or delete of a
 * message not indexed yet keeps the index exact; so does a message stored
 * outside a transaction. */
static void test_index_filled_per_batch(void **state)
{
    Fixture *f = *state;
    GError *error = NULL;
    assert_true(ck_store_begin(f->store, &error));
    add_message(f->store, "CAS-00004-DDDDDD", "d@x", "pelican one", "");
    add_message(f->store, "CAS-00005-EEEEEE", "e@x", "pelican two", "");
    add_message(f->store, "CAS-00006-FFFFFF", "f@x", "pelican three", "");
    assert_int_equal(match_count(f->store, "pelican"), 0);   /* not yet: indexed at commit */
    exec_ok(f->store, "UPDATE messages SET body = 'cormorant' WHERE message_id = 'e@x'");
    exec_ok(f->store, "DELETE FROM messages WHERE message_id = 'f@x'");
    add_message(f->store, "CAS-00007-GGGGGG", "g@x", "pelican four", "");
    assert_true(ck_store_commit(f->store, &error));
    assert_index_ok(f->store);
    assert_int_equal(match_count(f->store, "pelican"), 2);
    assert_int_equal(match_count(f->store, "cormorant"), 1);
    add_message(f->store, "CAS-00008-HHHHHH", "h@x", "pelican five", "");
    assert_int_equal(match_count(f->store, "pelican"), 3);
    assert_index_ok(f->store);
}

/* An analysis document with a cause and a checklist step of rule text
 * shared between cases (NAME varies the case-specific parts). */
static JsonNode *sample_analysis(const char *name, double score)
{
    char *text = g_strdup_printf(
        "{\"entities\": {\"hosts\": [\"%s\"]},"
        " \"entity_spans\": [{\"type\": \"hosts\", \"value\": \"%s\", \"text\": \"%s\", \"message\": 1,"
        " \"part\": \"new_text\", \"start\": 0, \"end\": 4}, {\"type\": \"hosts\", \"value\": \"a\","
        " \"text\": \"A\", \"message\": 1, \"part\": \"new_text\", \"start\": 5, \"end\": 6}],"
        " \"causes\": [{\"id\": \"kms.dns\", \"title\": \"DNS 中没有 KMS SRV 记录\", \"summary\": \"long rule text\","
        " \"score\": %g, \"evidence\": [{\"message\": 1, \"text\": \"%s\"}], \"reply\": {\"zh\": \"回复\"}}],"
        " \"checklist\": [{\"cause\": \"kms.dns\", \"id\": \"kms.lookup\", \"title\": \"查询\","
        " \"command\": \"nslookup -type=srv _vlmcs._tcp\", \"params\": []}], \"steps\": []}",
        name, name, name, score, name);
    JsonNode *node = json_from_string(text, NULL);
    g_free(text);
    assert_non_null(node);
    return node;
}

/* The members of ANALYSIS that the case document of CASE_ROWID must hold
 * unchanged (member order included). */
static void assert_document_holds(CkStore *store, gint64 case_rowid, JsonNode *analysis)
{
    GError *error = NULL;
    JsonNode *doc = ck_store_case_document(store, case_rowid, &error);
    assert_non_null(doc);
    const char *const members[] = { "entities", "entity_spans", "causes", "checklist", "steps" };
    for (guint i = 0; i < G_N_ELEMENTS(members); i++) {
        JsonNode *want = json_object_get_member(json_node_get_object(analysis), members[i]);
        JsonNode *got = json_object_get_member(json_node_get_object(doc), members[i]);
        assert_non_null(got);
        char *a = json_to_string(want, FALSE), *b = json_to_string(got, FALSE);
        assert_string_equal(b, a);
        g_free(a);
        g_free(b);
    }
    assert_false(json_object_has_member(json_node_get_object(doc), "$packed"));
    json_node_unref(doc);
}

/* Rule text that analyses share is stored once (analysis_parts), and case
 * documents give the analyses back exactly as written. */
static void test_analysis_rule_text_once(void **state)
{
    Fixture *f = *state;
    add_message(f->store, "CAS-00009-IIIIII", "i@x", "one", "");
    add_message(f->store, "CAS-00010-JJJJJJ", "j@x", "two", "");
    GError *error = NULL;
    JsonNode *a = sample_analysis("kms01", 0.5), *b = sample_analysis("kms02.example.cn", 1.0);
    assert_true(ck_store_case_set_analysis(f->store, 1, a, &error));
    assert_true(ck_store_case_set_analysis(f->store, 2, b, &error));
    assert_int_equal(query_int(f->store, "SELECT count(*) FROM analysis_parts"), 2);
    assert_int_equal(query_int(f->store, "SELECT count(*) FROM cases WHERE instr(analysis, 'long rule text')"), 0);
    assert_document_holds(f->store, 1, a);
    assert_document_holds(f->store, 2, b);
    json_node_unref(a);
    json_node_unref(b);
}

/* Run the tests. */
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_index_matches_content, setup, teardown),
        cmocka_unit_test_setup_teardown(test_version_rebuild_keeps_forwarded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_upgrade_from_schema_2, setup, teardown),
        cmocka_unit_test_setup_teardown(test_index_filled_per_batch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_analysis_rule_text_once, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
