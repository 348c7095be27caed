/* test-pipeline.c — an ingest run fed one raw message at a time
 * (begin/add/finish), as `casekb sync` feeds it, through a real store. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib/gstdio.h>
#include "ingest/pipeline.h"

typedef struct {
    char *dir, *path;
    CkStore *store;
    guint hook_calls;        /* before_last_commit calls */
} Fixture;

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

static int teardown(void **state)
{
    Fixture *f = *state;
    if (f->store)
        ck_store_close(f->store);
    const char *files[] = { "t.db", "t.db-wal", "t.db-shm" };
    for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
        char *path = g_build_filename(f->dir, files[i], NULL);
        g_unlink(path);
        g_free(path);
    }
    g_rmdir(f->dir);
    g_free(f->dir);
    g_free(f->path);
    g_free(f);
    return 0;
}

/* The last-commit hook: counts its calls and records a setting. */
static gboolean record_state(CkStore *store, gpointer user_data, GError **error)
{
    Fixture *f = user_data;
    f->hook_calls++;
    return ck_store_set_setting(store, "imap-state:test", "7:2", error);
}

/* Add one message numbered N (same N, same bytes) from "imap://h/INBOX;UID=N". */
static gboolean add_message(CkIngestRun *run, int n, GError **error)
{
    char *text = g_strdup_printf("From: a@example.cn\r\nSubject: [Case#: CAS-0000%d-AAAAAA] test %d\r\n"
                                 "Date: Mon, 07 Jun 2021 09:1%d:00 +0800\r\nMessage-ID: <m%d@example.cn>\r\n\r\n"
                                 "body %d\r\n", n, n, n, n, n);
    char *path = g_strdup_printf("imap://h/INBOX;UID=%d", n);
    GBytes *data = g_bytes_new_take(text, strlen(text));
    CkRawMessage raw = { .kind = CK_RAW_RFC822, .data = data, .path = path, .offset = 0 };
    gboolean ok = ck_ingest_add(run, &raw, error);
    g_bytes_unref(data);
    g_free(path);
    return ok;
}

/* Reopen the store (what a later run sees) and return the messages stored
 * and the setting the hook writes (caller frees). */
static char *reopen_and_count(Fixture *f, gint64 *messages)
{
    ck_store_close(f->store);
    f->store = ck_store_open(f->path, NULL);
    assert_non_null(f->store);
    gint64 cases = 0;
    assert_true(ck_store_counts(f->store, &cases, messages, NULL));
    return ck_store_get_setting(f->store, "imap-state:test");
}

static void messages_added_one_by_one_are_batched_and_deduplicated(void **state)
{
    Fixture *f = *state;
    CkIngestOptions options = { .batch_size = 2, .parse_threads = 1, .before_last_commit = record_state,
                                .user_data = f };
    CkIngestStats stats;
    GError *error = NULL;
    CkIngestRun *run = ck_ingest_begin(f->store, &options, &stats, &error);
    assert_non_null(run);
    for (int n = 1; n <= 3; n++)
        assert_true(add_message(run, n, &error));
    assert_true(add_message(run, 2, &error));   /* the same bytes again */
    assert_true(ck_ingest_finish(run, TRUE, &error));
    assert_int_equal(stats.read, 4);
    assert_int_equal(stats.added, 3);
    assert_int_equal(stats.seen, 1);
    assert_int_equal(f->hook_calls, 1);          /* once, in the last transaction only */
    gint64 messages = 0;
    char *saved = reopen_and_count(f, &messages);
    assert_int_equal(messages, 3);
    assert_string_equal(saved, "7:2");
    g_free(saved);
}

static void an_error_while_feeding_keeps_what_was_added(void **state)
{
    Fixture *f = *state;
    CkIngestOptions options = { .parse_threads = 2, .before_last_commit = record_state, .user_data = f };
    CkIngestStats stats;
    GError *error = NULL;
    CkIngestRun *run = ck_ingest_begin(f->store, &options, &stats, &error);
    assert_non_null(run);
    assert_true(add_message(run, 1, &error));
    assert_true(add_message(run, 2, &error));
    g_set_error(&error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "imap://h/INBOX: connection lost");
    assert_false(ck_ingest_finish(run, FALSE, &error));
    assert_true(g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED));   /* kept, not replaced */
    g_error_free(error);
    assert_int_equal(f->hook_calls, 1);
    gint64 messages = 0;
    char *saved = reopen_and_count(f, &messages);
    assert_int_equal(messages, 2);               /* committed with the state */
    assert_string_equal(saved, "7:2");
    g_free(saved);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(messages_added_one_by_one_are_batched_and_deduplicated, setup, teardown),
        cmocka_unit_test_setup_teardown(an_error_while_feeding_keeps_what_was_added, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
