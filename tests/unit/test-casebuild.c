/* test-casebuild.c — joining messages to cases through a real store. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib/gstdio.h>
#include "ingest/casebuild.h"

typedef struct {
    char *dir;
    CkStore *store;
} Fixture;

static int setup(void **state)
{
    Fixture *f = g_new0(Fixture, 1);
    f->dir = g_dir_make_tmp("casekb-test-XXXXXX", NULL);
    char *path = g_build_filename(f->dir, "t.db", NULL);
    f->store = ck_store_open(path, NULL);
    g_free(path);
    assert_non_null(f->store);
    assert_true(ck_store_begin(f->store, NULL));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fixture *f = *state;
    ck_store_commit(f->store, NULL);
    ck_store_close(f->store);
    const char *files[] = { "t.db", "t.db-wal", "t.db-shm" };
    for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
        char *path = g_build_filename(f->dir, files[i], NULL);
        g_unlink(path);
        g_free(path);
    }
    g_rmdir(f->dir);
    g_free(f->dir);
    g_free(f);
    return 0;
}

/* A message with ID, subject, date (days after 2021-03-01), sender and
 * space-separated references. */
static CkMessage *make_message(const char *id, const char *subject, int day, const char *from,
                               const char *refs, const char *body)
{
    CkMessage *m = ck_message_new();
    m->message_id = g_strdup(id);
    g_free(m->subject);
    m->subject = g_strdup(subject);
    g_free(m->from_addr);
    m->from_addr = g_strdup(from);
    g_free(m->body);
    m->body = g_strdup(body ? body : "");
    m->date = 1614556800 + (gint64)day * 86400;
    char **parts = g_strsplit(refs ? refs : "", " ", -1);
    for (char **p = parts; *p; p++)
        if (**p)
            g_ptr_array_add(m->references, g_strdup(*p));
    g_strfreev(parts);
    char *hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256, id, -1);
    g_strlcpy(m->content_hash, hash, sizeof m->content_hash);
    g_free(hash);
    return m;
}

/* Add a message; return the key of its case and, via JOINED, its rule. */
static char *add(Fixture *f, CkMessage *m, char **joined)
{
    CkAddOutcome outcome;
    assert_true(ck_case_add_message(f->store, m, &outcome, NULL));
    gint64 case_rowid = 0;
    assert_true(ck_store_find_message(f->store, m->message_id, NULL, &case_rowid, NULL));
    if (joined) {
        GPtrArray *list = ck_store_case_messages(f->store, case_rowid, NULL);
        for (guint i = 0; i < list->len; i++) {
            CkStoredMessage *sm = g_ptr_array_index(list, i);
            if (!g_strcmp0(sm->msg->message_id, m->message_id))
                *joined = g_strdup(sm->joined_by);
        }
        g_ptr_array_unref(list);
    }
    ck_message_free(m);
    return ck_store_case_key(f->store, case_rowid, NULL);
}

/* Assert that adding M lands in case KEY (NULL: any) by rule RULE. */
static char *expect_join(Fixture *f, CkMessage *m, const char *key, const char *rule)
{
    char *joined = NULL;
    char *got = add(f, m, &joined);
    if (key)
        assert_string_equal(got, key);
    assert_string_equal(joined, rule);
    g_free(joined);
    return got;
}

static void children_before_parents_share_a_thread(void **state)
{
    Fixture *f = *state;
    g_free(expect_join(f, make_message("c@x", "Re: hello", 2, "a@x", "r@x p@x", NULL), NULL, "new-thread"));
    /* p shares the (not yet stored) root r with c */
    char *key = expect_join(f, make_message("p@x", "Re: hello", 1, "b@x", "r@x", NULL), NULL, "references");
    g_free(expect_join(f, make_message("r@x", "hello", 0, "a@x", NULL, NULL), key, "referenced-by"));
    g_free(expect_join(f, make_message("s@x", "Re: hello", 3, "b@x", "r@x ghost@x", NULL), key, "references"));
    gint64 cases = 0, messages = 0;
    assert_true(ck_store_counts(f->store, &cases, &messages, NULL));
    assert_int_equal(cases, 1);
    assert_int_equal(messages, 4);
    g_free(key);
}

static void case_id_in_subject_wins_and_absorbs_its_thread(void **state)
{
    Fixture *f = *state;
    char *thr = expect_join(f, make_message("q@cust", "激活失败", 0, "u@bank.cn", NULL, NULL), NULL, "new-thread");
    assert_true(g_str_has_prefix(thr, "THR-"));
    g_free(expect_join(f, make_message("a1@sup", "RE: [案例号: CAS-11111-AAAAAA ] 激活失败", 1, "e@sup.cn",
                                       "q@cust", NULL), "CAS-11111-AAAAAA", "subject-case-id"));
    gint64 rowid = 1;
    assert_true(ck_store_find_case_by_key(f->store, thr, &rowid, NULL));
    assert_int_equal(rowid, 0);   /* merged away */
    g_free(expect_join(f, make_message("q2@cust", "回复: 激活失败", 5, "u@bank.cn", "a1@sup", NULL),
                       "CAS-11111-AAAAAA", "references"));
    g_free(expect_join(f, make_message("q3@cust", "new question", 6, "u@bank.cn", NULL,
                                       "About CAS-11111-AAAAAA: still failing"), "CAS-11111-AAAAAA",
                       "body-case-id"));
    g_free(thr);
}

/* A case ID seen only in forwarded text does not join: a customer's new mail
 * forwarding a past case's reply starts its own case. */
static void case_id_only_in_forwarded_text_does_not_join(void **state)
{
    Fixture *f = *state;
    g_free(expect_join(f, make_message("old@sup", "[案例号: CAS-22222-BBBBBB ] KMS", 0, "e@sup.cn", NULL, NULL),
                       "CAS-22222-BBBBBB", "subject-case-id"));
    CkMessage *m = make_message("new@cust", "Fwd: 新的激活问题", 40, "u@bank.cn", NULL,
                                "这次是另一批终端，报错不一样，请看下面转发的邮件。");
    g_free(m->forwarded);
    m->forwarded = g_strdup("---------- Forwarded message ---------\n关于 CAS-22222-BBBBBB：请执行 slmgr /ato");
    char *key = expect_join(f, m, NULL, "new-thread");
    assert_true(g_str_has_prefix(key, "THR-"));
    g_free(key);
}

static void subject_rule_needs_a_prefix_and_the_window(void **state)
{
    Fixture *f = *state;
    char *key = expect_join(f, make_message("o1@x", "KMS 无法连接", 0, "u@x", NULL, NULL), NULL, "new-thread");
    g_free(expect_join(f, make_message("o2@x", "答复： KMS 无法连接", 10, "s@y", NULL, NULL), key, "subject"));
    char *late = expect_join(f, make_message("o3@x", "RE: KMS 无法连接", 100, "s@y", NULL, NULL), NULL,
                             "new-thread");
    assert_string_not_equal(late, key);
    char *fresh = expect_join(f, make_message("o4@x", "KMS 无法连接", 11, "u@x", NULL, NULL), NULL, "new-thread");
    assert_string_not_equal(fresh, key);
    g_free(key);
    g_free(late);
    g_free(fresh);
}

static void refresh_sets_status_sides_and_title(void **state)
{
    Fixture *f = *state;
    const char *subject = "[案例号: CAS-22222-BBBBBB ] % |紧急事件|Dell| 某银行用户激活失败 % 问题处理";
    g_free(add(f, make_message("m1@bank", subject, 0, "li@bank.cn", NULL, "激活报错 0xC004F074"), NULL));
    g_free(add(f, make_message("m2@sup", subject, 1, "wang@support.example", NULL,
                               "问题已解决，接下来我会将此事件做一个归档处理。"), NULL));
    const char *domains[] = { "support.example", NULL };
    GArray *refreshed = g_array_new(FALSE, FALSE, sizeof(gint64));
    assert_true(ck_case_refresh_dirty(f->store, domains, refreshed, NULL));
    assert_int_equal(refreshed->len, 1);
    JsonNode *doc = ck_store_case_document(f->store, g_array_index(refreshed, gint64, 0), NULL);
    JsonObject *o = json_node_get_object(doc);
    assert_string_equal(json_object_get_string_member(o, "status"), "closed");
    assert_string_equal(json_object_get_string_member(o, "vendor"), "Dell");
    assert_string_equal(json_object_get_string_member(o, "severity"), "紧急事件");
    assert_string_equal(json_object_get_string_member(o, "customer"), "某银行");
    assert_string_equal(json_object_get_string_member(o, "closed"), "2021-03-02T00:00:00Z");
    JsonArray *messages = json_object_get_array_member(o, "messages");
    assert_string_equal(json_object_get_string_member(json_array_get_object_element(messages, 0), "side"),
                        "customer");
    assert_string_equal(json_object_get_string_member(json_array_get_object_element(messages, 1), "side"),
                        "support");
    json_node_unref(doc);
    g_array_unref(refreshed);
}

/* The side of message MESSAGE_ID after a refresh. */
static char *side_of(Fixture *f, const char *message_id)
{
    gint64 case_rowid = 0;
    assert_true(ck_store_find_message(f->store, message_id, NULL, &case_rowid, NULL));
    GPtrArray *list = ck_store_case_messages(f->store, case_rowid, NULL);
    char *side = NULL;
    for (guint i = 0; i < list->len; i++) {
        CkStoredMessage *sm = g_ptr_array_index(list, i);
        if (!g_strcmp0(sm->msg->message_id, message_id))
            side = g_strdup(sm->side);
    }
    g_ptr_array_unref(list);
    return side;
}

static void support_domain_is_guessed_from_the_archive(void **state)
{
    Fixture *f = *state;
    const char *customers[] = { "a@bank.example", "b@hospital.example", "c@bureau.example", "d@hp.example" };
    for (int i = 0; i < 4; i++) {
        char *subject = g_strdup_printf("[案例号: CAS-3333%d-CCCCCC ] 激活失败", i);
        char *q = g_strdup_printf("q%d@x", i), *r = g_strdup_printf("r%d@x", i);
        g_free(add(f, make_message(q, subject, i, customers[i], NULL, "激活失败"), NULL));
        g_free(add(f, make_message(r, subject, i + 1, i == 3 ? "d2@hp.example" : "eng@support.example", NULL,
                                   "请执行 slmgr /dlv"), NULL));
        g_free(subject);
        g_free(q);
        g_free(r);
    }
    assert_true(ck_case_refresh_dirty(f->store, NULL, NULL, NULL));
    const char *want[][2] = { { "q0@x", "customer" }, { "r0@x", "support" }, { "r2@x", "support" },
                              { "q3@x", "customer" }, { "r3@x", "customer" } };
    for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
        char *side = side_of(f, want[i][0]);
        assert_string_equal(side, want[i][1]);
        g_free(side);
    }
}

static void same_message_id_is_a_copy(void **state)
{
    Fixture *f = *state;
    g_free(add(f, make_message("dup@x", "hello", 0, "a@x", NULL, NULL), NULL));
    CkMessage *again = make_message("dup@x", "hello", 0, "a@x", NULL, NULL);
    again->content_hash[0] = 'f';
    CkAddOutcome outcome = CK_ADD_NEW;
    assert_true(ck_case_add_message(f->store, again, &outcome, NULL));
    assert_int_equal(outcome, CK_ADD_COPY);
    ck_message_free(again);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(children_before_parents_share_a_thread, setup, teardown),
        cmocka_unit_test_setup_teardown(case_id_in_subject_wins_and_absorbs_its_thread, setup, teardown),
        cmocka_unit_test_setup_teardown(case_id_only_in_forwarded_text_does_not_join, setup, teardown),
        cmocka_unit_test_setup_teardown(subject_rule_needs_a_prefix_and_the_window, setup, teardown),
        cmocka_unit_test_setup_teardown(refresh_sets_status_sides_and_title, setup, teardown),
        cmocka_unit_test_setup_teardown(same_message_id_is_a_copy, setup, teardown),
        cmocka_unit_test_setup_teardown(support_domain_is_guessed_from_the_archive, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
