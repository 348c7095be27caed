/* test-store.c — opening the store: a read-only store never writes (no
 * migration, no index rebuild: it names the command that upgrades), and a
 * writer leaves the database in rollback-journal mode without -wal/-shm
 * files, so that readers in folders they cannot write need neither.
 * (Reading as another user from a read-only folder: tests/e2e/T138.) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <glib/gstdio.h>
#include "store/store.h"

/* A database created by a writer in a new temp folder; caller frees the
 * path and removes it with db_remove(). */
static char *db_new(void)
{
    g_autofree char *dir = g_dir_make_tmp("casekb-store-XXXXXX", NULL);
    assert_non_null(dir);
    char *path = g_build_filename(dir, "t.db", NULL);
    GError *error = NULL;
    CkStore *store = ck_store_open(path, &error);
    assert_non_null(store);
    assert_true(ck_store_set_setting(store, "probe", "1", &error));
    ck_store_close(store);
    return path;
}

/* Remove the database PATH, any files beside it and its folder. */
static void db_remove(const char *path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (guint i = 0; i < G_N_ELEMENTS(suffixes); i++) {
        g_autofree char *file = g_strconcat(path, suffixes[i], NULL);
        g_unlink(file);
    }
    g_autofree char *dir = g_path_get_dirname(path);
    g_rmdir(dir);
}

/* Run SQL on PATH with a plain SQLite connection (behind casekb's back). */
static void raw_exec(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
    sqlite3_close(db);
}

/* PRAGMA user_version of PATH, read with a plain connection. */
static int raw_user_version(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    int version = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return version;
}

/* A writer's database, once closed, is in rollback-journal mode (header
 * bytes 18 and 19 are 1, not WAL's 2) with no -wal or -shm file. */
static void test_writer_leaves_rollback_mode(void **state)
{
    g_autofree char *path = db_new();
    g_autofree char *wal = g_strconcat(path, "-wal", NULL);
    g_autofree char *shm = g_strconcat(path, "-shm", NULL);
    g_autofree char *header = NULL;
    gsize len = 0;
    assert_true(g_file_get_contents(path, &header, &len, NULL));
    assert_true(len > 20);
    assert_int_equal(header[18], 1);
    assert_int_equal(header[19], 1);
    assert_false(g_file_test(wal, G_FILE_TEST_EXISTS));
    assert_false(g_file_test(shm, G_FILE_TEST_EXISTS));
    db_remove(path);
}

/* A read-only store reads, and refuses to write. */
static void test_readonly_reads_never_writes(void **state)
{
    g_autofree char *path = db_new();
    GError *error = NULL;
    CkStore *store = ck_store_open_readonly(path, &error);
    assert_non_null(store);
    g_autofree char *probe = ck_store_get_setting(store, "probe");
    assert_string_equal(probe, "1");
    assert_false(ck_store_set_setting(store, "probe", "2", &error));
    assert_non_null(error);
    assert_non_null(strstr(error->message, path));
    g_clear_error(&error);
    ck_store_close(store);
    db_remove(path);
}

/* An old schema is not migrated by a reader: it fails with
 * CK_STORE_ERROR_VERSION naming the file and `casekb analyze`, and the
 * version stays (a newer one is refused as before). */
static void test_readonly_refuses_old_schema(void **state)
{
    g_autofree char *path = db_new();
    int latest = raw_user_version(path);
    raw_exec(path, "PRAGMA user_version = 1");
    GError *error = NULL;
    assert_null(ck_store_open_readonly(path, &error));
    assert_true(g_error_matches(error, CK_STORE_ERROR, CK_STORE_ERROR_VERSION));
    assert_true(g_str_has_prefix(error->message, path));
    assert_non_null(strstr(error->message, "casekb analyze"));
    g_clear_error(&error);
    assert_int_equal(raw_user_version(path), 1);
    raw_exec(path, "PRAGMA user_version = 1000");
    assert_null(ck_store_open_readonly(path, &error));   /* newer: refused as before */
    assert_non_null(strstr(error->message, "newer"));
    g_clear_error(&error);
    g_autofree char *restore = g_strdup_printf("PRAGMA user_version = %d", latest);
    raw_exec(path, restore);
    CkStore *store = ck_store_open_readonly(path, &error);
    assert_non_null(store);
    ck_store_close(store);
    db_remove(path);
}

/* A full-text index from another tokenizer version is not rebuilt by a
 * reader (it names `casekb analyze`); a writer rebuilds it. */
static void test_readonly_refuses_stale_index(void **state)
{
    g_autofree char *path = db_new();
    raw_exec(path, "UPDATE settings SET value = 'stale' WHERE key = 'fts_tokenizer_version'");
    GError *error = NULL;
    assert_null(ck_store_open_readonly(path, &error));
    assert_true(g_error_matches(error, CK_STORE_ERROR, CK_STORE_ERROR_VERSION));
    assert_non_null(strstr(error->message, "casekb analyze"));
    g_clear_error(&error);
    CkStore *store = ck_store_open(path, &error);
    assert_non_null(store);
    ck_store_close(store);
    store = ck_store_open_readonly(path, &error);
    assert_non_null(store);
    ck_store_close(store);
    db_remove(path);
}

/* An empty file is not given a schema by a reader: it says to ingest. */
static void test_readonly_refuses_empty_file(void **state)
{
    g_autofree char *path = db_new();
    assert_true(g_file_set_contents(path, "", 0, NULL));
    GError *error = NULL;
    assert_null(ck_store_open_readonly(path, &error));
    assert_true(g_error_matches(error, CK_STORE_ERROR, CK_STORE_ERROR_VERSION));
    assert_non_null(strstr(error->message, "casekb ingest"));
    g_clear_error(&error);
    g_autofree char *text = NULL;
    gsize len = 1;
    assert_true(g_file_get_contents(path, &text, &len, NULL));
    assert_int_equal(len, 0);
    db_remove(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_writer_leaves_rollback_mode),
        cmocka_unit_test(test_readonly_reads_never_writes),
        cmocka_unit_test(test_readonly_refuses_old_schema),
        cmocka_unit_test(test_readonly_refuses_stale_index),
        cmocka_unit_test(test_readonly_refuses_empty_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
