/* test-persist.c — analysing stored cases on several threads gives what
 * analysing them one at a time gives, and the new messages of the open
 * transaction are in the full-text index when it returns. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <glib/gstdio.h>
#include "analyzer/persist.h"
#include "ingest/casebuild.h"
#include "ingest/parse.h"
#include "ingest/pipeline.h"
#include "store/search.h"

typedef struct {
    char *dir;
    CkStore *store;
    CkRuleSet *rules;
} Fixture;

/* A store holding samples/ (no analysis yet) and the shipped rules. */
static int setup(void **state)
{
    const char *top = g_getenv("CASEKB_TOP") ? g_getenv("CASEKB_TOP") : ".";
    Fixture *f = g_new0(Fixture, 1);
    f->dir = g_dir_make_tmp("casekb-persist-XXXXXX", NULL);
    char *db = g_build_filename(f->dir, "t.db", NULL);
    f->store = ck_store_open(db, NULL);
    assert_non_null(f->store);
    char *samples = g_build_filename(top, "samples", NULL);
    const char *paths[] = { samples, NULL };
    CkIngestOptions options = { 0 };
    CkIngestStats stats;
    assert_true(ck_ingest_paths(f->store, paths, &options, &stats, NULL));
    char *rules = g_build_filename(top, "rules", NULL);
    const char *rule_paths[] = { rules, NULL };
    f->rules = ck_ruleset_load(rule_paths, NULL);
    assert_non_null(f->rules);
    g_free(rules);
    g_free(samples);
    g_free(db);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fixture *f = *state;
    ck_store_close(f->store);
    ck_ruleset_free(f->rules);
    const char *argv[] = { "rm", "-rf", f->dir, NULL };
    g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
    g_free(f->dir);
    g_free(f);
    return 0;
}

/* Every case's document (analysis included) as one JSON text, by row id. */
static char *all_documents(CkStore *store, GArray *ids)
{
    GString *out = g_string_new(NULL);
    for (guint i = 0; i < ids->len; i++) {
        JsonNode *doc = ck_store_case_document(store, g_array_index(ids, gint64, i), NULL);
        assert_non_null(doc);
        char *text = json_to_string(doc, FALSE);
        g_string_append(out, text);
        g_string_append_c(out, '\n');
        g_free(text);
        json_node_unref(doc);
    }
    return g_string_free(out, FALSE);
}

/* WARNINGS as one text, a line each. */
static char *lines_of(GPtrArray *warnings)
{
    GString *out = g_string_new(NULL);
    for (guint i = 0; i < warnings->len; i++)
        g_string_append_printf(out, "%s\n", (char *)g_ptr_array_index(warnings, i));
    return g_string_free(out, FALSE);
}

/* Analyse every case in one call (chunks of many cases, on four threads),
 * then each case alone with threads = 1 (no helper thread); the documents
 * and the warnings, in order, are the same. */
static void parallel_equals_one_at_a_time(void **state)
{
    Fixture *f = *state;
    GArray *ids = ck_store_case_ids(f->store, NULL);
    assert_non_null(ids);
    assert_true(ids->len >= 20);
    GPtrArray *warnings = g_ptr_array_new_with_free_func(g_free);
    JsonArray *changed = json_array_new();
    assert_true(ck_analyze_stored_cases(f->store, f->rules, ids, 4, changed, warnings, NULL));
    assert_true(json_array_get_length(changed) > 0);   /* causes found where there were none */
    char *together = all_documents(f->store, ids);
    char *together_warnings = lines_of(warnings);

    g_ptr_array_set_size(warnings, 0);
    for (guint i = 0; i < ids->len; i++) {
        GArray *one = g_array_new(FALSE, FALSE, sizeof(gint64));
        g_array_append_val(one, g_array_index(ids, gint64, i));
        assert_true(ck_analyze_stored_cases(f->store, f->rules, one, 1, NULL, warnings, NULL));
        g_array_unref(one);
    }
    char *alone = all_documents(f->store, ids);
    char *alone_warnings = lines_of(warnings);
    assert_non_null(strstr(together, "\"causes\""));
    assert_string_equal(together, alone);
    assert_string_equal(together_warnings, alone_warnings);
    g_free(alone_warnings);
    g_free(alone);
    g_free(together_warnings);
    g_free(together);
    json_array_unref(changed);
    g_ptr_array_unref(warnings);
    g_array_unref(ids);
}

/* Cases whose messages hold WORD, on the store's own connection. */
static gint64 count_matches(CkStore *store, const char *word)
{
    CkSearchQuery *query = ck_search_query_parse(word, NULL);
    assert_non_null(query);
    gint64 count = -1;
    assert_true(ck_search_count(ck_store_db(store), query, FALSE, &count, NULL));
    ck_search_query_free(query);
    return count;
}

/* Analysing inside a transaction leaves the transaction's new messages in
 * the full-text index (before its commit, which would index them too). */
static void indexes_new_messages(void **state)
{
    Fixture *f = *state;
    assert_true(ck_store_begin(f->store, NULL));
    const char *text = "From: a@example.cn\r\nSubject: zyxwvutsrq persist test\r\n"
                       "Date: Mon, 07 Jun 2021 09:10:00 +0800\r\nMessage-ID: <persist-1@example.cn>\r\n\r\n"
                       "body\r\n";
    CkRawMessage raw = { 0 };
    raw.data = g_bytes_new_static(text, strlen(text));
    raw.path = "persist-test.eml";
    CkMessage *msg = ck_message_parse(&raw, NULL);
    assert_non_null(msg);
    CkAddOutcome outcome;
    assert_true(ck_case_add_message(f->store, msg, &outcome, NULL));
    assert_int_equal(count_matches(f->store, "zyxwvutsrq"), 0);   /* not indexed yet */
    GArray *ids = ck_store_case_ids(f->store, NULL);
    assert_true(ck_analyze_stored_cases(f->store, f->rules, ids, 0, NULL, NULL, NULL));
    assert_int_equal(count_matches(f->store, "zyxwvutsrq"), 1);
    assert_true(ck_store_commit(f->store, NULL));
    assert_int_equal(count_matches(f->store, "zyxwvutsrq"), 1);
    g_array_unref(ids);
    ck_message_free(msg);
    g_bytes_unref(raw.data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(parallel_equals_one_at_a_time, setup, teardown),
        cmocka_unit_test_setup_teardown(indexes_new_messages, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
