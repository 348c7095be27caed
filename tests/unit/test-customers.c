/* test-customers.c — the customer alias table (analyzer/customers.h):
 * folding (case, spaces, full width, Traditional/Simplified), names of a
 * group for queue filters, conflicts, the YAML file and its errors with
 * file:line:col, a missing file, and the shipped rules/customers.yaml. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "analyzer/customers.h"

/* PATH of fixture NAME under tests/fixtures/customers (CASEKB_TOP or the
 * current directory).  Caller frees. */
static char *fixture(const char *name)
{
    const char *top = g_getenv("CASEKB_TOP") ? g_getenv("CASEKB_TOP") : ".";
    return g_build_filename(top, "tests", "fixtures", "customers", name, NULL);
}

/* Load fixture NAME; fail the test when it does not load. */
static CkCustomers *load_ok(const char *name)
{
    char *path = fixture(name);
    GError *error = NULL;
    CkCustomers *table = ck_customers_load(path, &error);
    if (!table)
        fail_msg("%s: %s", path, error->message);
    g_free(path);
    return table;
}

/* Aliases map to their canonical name whatever their case, spacing, width
 * or Chinese script; unknown names map to themselves. */
static void test_canonical(void **state)
{
    CkCustomers *table = load_ok("good.yaml");
    assert_string_equal(ck_customers_canonical(table, "Northbridge Bank"), "北桥银行");
    assert_string_equal(ck_customers_canonical(table, "  NORTHBRIDGE   bank "), "北桥银行");
    assert_string_equal(ck_customers_canonical(table, "Ｎｏｒｔｈｂｒｉｄｇｅ Bank"), "北桥银行");
    assert_string_equal(ck_customers_canonical(table, "北橋銀行"), "北桥银行");
    assert_string_equal(ck_customers_canonical(table, "北桥银行"), "北桥银行");
    assert_string_equal(ck_customers_canonical(table, "china life"), "中国人寿");
    assert_string_equal(ck_customers_canonical(table, "Northbridge"), "Northbridge");
    assert_string_equal(ck_customers_canonical(table, ""), "");
    assert_string_equal(ck_customers_canonical(NULL, "Northbridge Bank"), "Northbridge Bank");
    GPtrArray *names = ck_customers_names(table, "northbridge bank co., ltd.");
    assert_int_equal(names->len, 3);
    assert_string_equal(names->pdata[0], "北桥银行");
    assert_string_equal(names->pdata[1], "Northbridge Bank");
    assert_string_equal(names->pdata[2], "Northbridge Bank Co., Ltd.");
    g_ptr_array_unref(names);
    names = ck_customers_names(table, "腾讯");
    assert_int_equal(names->len, 1);
    assert_string_equal(names->pdata[0], "腾讯");
    g_ptr_array_unref(names);
    ck_customers_free(table);
}

/* A name given to two organisations is refused, through the API and in
 * the file (with its position). */
static void test_conflict(void **state)
{
    CkCustomers *table = ck_customers_new();
    GError *error = NULL;
    assert_true(ck_customers_add(table, "北桥银行", "Northbridge Bank", &error));
    assert_true(ck_customers_add(table, "北桥银行", "NB", &error));
    assert_false(ck_customers_add(table, "北方银行", "northbridge bank", &error));
    assert_int_equal(error->code, CK_CUSTOMERS_ERROR_CONFLICT);
    assert_non_null(strstr(error->message, "北桥银行"));
    g_clear_error(&error);
    assert_false(ck_customers_add(table, "NB", "北方", &error));   /* an alias is not a canonical name */
    g_clear_error(&error);
    ck_customers_free(table);

    char *path = fixture("conflict.yaml");
    assert_null(ck_customers_load(path, &error));
    assert_non_null(error);
    if (!strstr(error->message, "conflict.yaml:3:") || !strstr(error->message, "already a name of '北桥银行'"))
        fail_msg("unexpected error: %s", error->message);
    g_clear_error(&error);
    g_free(path);
}

/* Every problem of a bad file is reported with file:line:col; a missing
 * file is an empty table; the shipped table loads. */
static void test_file_errors(void **state)
{
    char *path = fixture("bad.yaml");
    GError *error = NULL;
    assert_null(ck_customers_load(path, &error));
    assert_non_null(error);
    const char *want[] = { "bad.yaml:2:", "bad.yaml:3:", "unknown key 'clients'" };
    for (guint i = 0; i < G_N_ELEMENTS(want); i++)
        if (!strstr(error->message, want[i]))
            fail_msg("error lacks '%s': %s", want[i], error->message);
    g_clear_error(&error);
    g_free(path);

    path = fixture("no-such-file.yaml");
    CkCustomers *table = ck_customers_load(path, &error);
    assert_non_null(table);
    assert_string_equal(ck_customers_canonical(table, "Northbridge Bank"), "Northbridge Bank");
    ck_customers_free(table);
    g_free(path);

    const char *top = g_getenv("CASEKB_TOP") ? g_getenv("CASEKB_TOP") : ".";
    char *rules = g_build_filename(top, "rules", NULL);
    table = ck_customers_load_dir(rules, &error);
    if (!table)
        fail_msg("rules/customers.yaml: %s", error->message);
    assert_string_equal(ck_customers_canonical(table, "Northbridge Bank"), "北桥银行");
    ck_customers_free(table);
    g_free(rules);
}

/* Run the tests. */
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_canonical),
        cmocka_unit_test(test_conflict),
        cmocka_unit_test(test_file_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
