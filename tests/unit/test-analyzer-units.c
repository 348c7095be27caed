/* test-analyzer-units.c — the analyzer's building blocks through its
 * private header: value normalisation, command tests, the score curve,
 * reply templates and match limits.  No rule files needed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>
#include "analyzer/analyzer-private.h"

/* Check that normalising IN with HOW gives WANT. */
static void expect_norm(CkNormalize how, const char *in, const char *want)
{
    g_autofree char *got = ck_normalize_value(how, in);
    assert_string_equal(got, want);
}

static void test_normalize_table(void **state)
{
    static const struct { CkNormalize how; const char *in, *want; } cases[] = {
        {CK_NORM_HEX8, "0xc004f074", "0xC004F074"},
        {CK_NORM_HEX8, "C004F074", "0xC004F074"},
        {CK_NORM_HEX8, "0x5", "0x00000005"},
        {CK_NORM_COMMAND, "C:\\Windows\\System32\\Sysprep\\sysprep.exe /oobe /generalize",
         "sysprep /oobe /generalize"},
        {CK_NORM_COMMAND, "SLMGR.VBS  /IPK ABCDE-FGHJK-MNPQR-TVWXY-23467",
         "slmgr /ipk ABCDE-FGHJK-MNPQR-TVWXY-23467"},
        {CK_NORM_COMMAND, "cscript //nologo C:\\Windows\\System32\\slmgr.vbs /dlv", "slmgr /dlv"},
        {CK_NORM_COMMAND, "cscript \"ospp.vbs\" /dstatus", "ospp /dstatus"},
        {CK_NORM_COMMAND, "sysprep/sysprep", "sysprep"},
        {CK_NORM_COMMAND, "cscript \"C:\\Program Files\\Microsoft Office\\Office16\\OSPP.VBS\" /act",
         "ospp /act"},
        {CK_NORM_COMMAND, "reg delete \"HKLM\\SOFTWARE\\A B\" /v X /F", "reg delete \"HKLM\\SOFTWARE\\A B\" /v X /f"},
        {CK_NORM_COMMAND, "Test-NetConnection kms.example.cn -Port 1688",
         "test-netconnection kms.example.cn -port 1688"},
        /* trailing sentence punctuation is not part of a command */
        {CK_NORM_COMMAND, "slmgr /ato.", "slmgr /ato"},
        {CK_NORM_COMMAND, "slmgr /dlv，", "slmgr /dlv"},
        {CK_NORM_COMMAND, "slmgr /xpr)", "slmgr /xpr"},
        {CK_NORM_COMMAND, "slmgr /dli:", "slmgr /dli"},
        {CK_NORM_COMMAND, "slmgr /ato。", "slmgr /ato"},
        {CK_NORM_COMMAND, "w32tm /stripchart /computer:kms.example.cn /samples:3.",
         "w32tm /stripchart /computer:kms.example.cn /samples:3"},
        {CK_NORM_COMMAND, "netdom resetpwd /s:dc01 /pd:*.", "netdom resetpwd /s:dc01 /pd:*"},
        /* ... while characters that belong to the command stay */
        {CK_NORM_COMMAND, "slmgr /skms kms.example.cn:1688", "slmgr /skms kms.example.cn:1688"},
        {CK_NORM_COMMAND, "slmgr /?", "slmgr /?"},
        {CK_NORM_COMMAND, "reg query \"HKLM\\SOFTWARE\\A B\"", "reg query \"HKLM\\SOFTWARE\\A B\""},
        {CK_NORM_COMMAND, "slmgr /skms {{kms_host}}:{{kms_port}}", "slmgr /skms {{kms_host}}:{{kms_port}}"},
        {CK_NORM_COMMAND, "dism /image:C:\\mount\\", "dism /image:c:\\mount\\"},
        {CK_NORM_UPPER, "cas-03877-j9n4s5", "CAS-03877-J9N4S5"},
        {CK_NORM_DIGITS, "1234-5678-90123", "1234567890123"},
        {CK_NORM_NONE, "  x  ", "x"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++)
        expect_norm(cases[i].how, cases[i].in, cases[i].want);
}

static void test_command_satisfies(void **state)
{
    assert_true(ck_command_satisfies("sysprep /generalize /oobe /shutdown", "sysprep /generalize"));
    assert_true(ck_command_satisfies("slmgr /upk", "slmgr /upk"));
    assert_true(ck_command_satisfies("slmgr /skms kms:1688", "slmgr /skms"));
    assert_false(ck_command_satisfies("sysprep /oobe", "sysprep /generalize"));
    assert_false(ck_command_satisfies("slmgr /dlv", "slmgr /upk"));
    assert_false(ck_command_satisfies("dism /online", "slmgr"));
}

static void test_score_curve(void **state)
{
    assert_true(fabs(ck_score(1.0, 1.0) - 0.5) < 1e-9);
    assert_true(fabs(ck_score(2.0, 1.0) - 0.75) < 1e-9);
    assert_true(ck_score(0, 1.0) == 0);
    assert_true(ck_score(-1, 1.0) == 0);
    assert_true(ck_score(100, 1.0) <= 1.0);
    assert_true(ck_score(1.5, 1.0) > ck_score(1.2, 1.0));
}

/* Render TMPL against a context parsed from JSON. */
static char *render(const char *tmpl, const char *json)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    assert_true(json_parser_load_from_data(parser, json, -1, NULL));
    return ck_template_render(tmpl, json_node_get_object(json_parser_get_root(parser)));
}

static void test_template_render(void **state)
{
    static const char ctx[] =
        "{\"error_codes\": [\"0xC004F074\", \"0x8007232B\"], \"serial_numbers\": [],"
        " \"steps\": [{\"title\": \"查看\", \"command\": \"slmgr /dlv\"},"
        "             {\"title\": \"激活\", \"command\": \"slmgr /ato\"}]}";
    static const struct { const char *tmpl, *want; } cases[] = {
        {"错误 {{error_code}}", "错误 0xC004F074"},
        {"{{#error_codes}}[{{.}}]{{/error_codes}}", "[0xC004F074][0x8007232B]"},
        {"{{#steps}}- {{title}}: {{command}}\n{{/steps}}", "- 查看: slmgr /dlv\n- 激活: slmgr /ato\n"},
        {"{{#serial_numbers}}SN {{.}}{{/serial_numbers}}{{^serial_numbers}}请提供序列号{{/serial_numbers}}",
         "请提供序列号"},
        {"host {{kms_host}}", "host <kms_host>"},
        {"no tags", "no tags"},
        {"open {{#steps}}never closed", "open never closed"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *got = render(cases[i].tmpl, ctx);
        assert_string_equal(got, cases[i].want);
    }
}

static void test_template_names(void **state)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    char *message = NULL;
    assert_true(ck_template_names("{{a}} {{#b}}{{.}}{{c}}{{/b}} {{^d}}x{{/d}}", names, &message));
    assert_int_equal(names->len, 4);
    assert_string_equal(g_ptr_array_index(names, 0), "a");
    assert_string_equal(g_ptr_array_index(names, 3), "d");
    assert_false(ck_template_names("{{#a}}x", names, &message));
    assert_non_null(strstr(message, "never closed"));
    g_free(message);
    message = NULL;
    assert_false(ck_template_names("x{{/a}}", names, &message));
    g_free(message);
}

static void test_regex_flags_and_limits(void **state)
{
    char *message = NULL;
    CkRegex *caseless = ck_regex_compile("slmgr", 0, &message);
    CkRegex *exact = ck_regex_compile("slmgr", CK_RE_CASE_SENSITIVE, &message);
    CkRegex *evil = ck_regex_compile("(a+)+$", 0, &message);
    assert_null(ck_regex_compile("a*", 0, &message));
    assert_non_null(strstr(message, "empty string"));
    g_clear_pointer(&message, g_free);
    gssize offset = 0;
    assert_null(ck_regex_compile_at("ab(c", 0, &message, &offset));
    assert_int_equal(offset, 4);
    g_clear_pointer(&message, g_free);
    CkMatcher *m = ck_matcher_new();
    assert_true(ck_regex_matches(m, caseless, "SLMGR /dlv"));
    assert_false(ck_regex_matches(m, exact, "SLMGR /dlv"));
    char *subject = g_malloc(100002);
    memset(subject, 'a', 100000);
    strcpy(subject + 100000, "!");
    gint64 t0 = g_get_monotonic_time();
    assert_int_equal(ck_regex_next(m, evil, subject, 100001, 0), CK_MATCH_LIMIT);
    assert_true(g_get_monotonic_time() - t0 < 5 * G_USEC_PER_SEC);
    g_free(subject);
    ck_matcher_free(m);
    ck_regex_free(caseless);
    ck_regex_free(exact);
    ck_regex_free(evil);
}

static void test_prepare_text_caps_and_repairs(void **state)
{
    char *owned = NULL;
    gsize len = 0;
    const char *text = ck_prepare_text(NULL, &owned, &len);
    assert_string_equal(text, "");
    assert_null(owned);
    text = ck_prepare_text("ok\xff\xfe", &owned, &len);
    assert_non_null(owned);
    assert_true(g_utf8_validate(text, len, NULL));
    g_free(owned);
    GString *big = g_string_new(NULL);
    while (big->len < CK_SCAN_CAP + 10)
        g_string_append(big, "中");
    text = ck_prepare_text(big->str, &owned, &len);
    assert_true(len <= CK_SCAN_CAP);
    assert_true(g_utf8_validate(text, len, NULL));
    g_string_free(big, TRUE);
}

static void test_snippet(void **state)
{
    g_autofree char *s = ck_snippet("  a\n\n  b\tc  ", strlen("  a\n\n  b\tc  "));
    assert_string_equal(s, "a b c");
    GString *long_text = g_string_new(NULL);
    for (int i = 0; i < 200; i++)
        g_string_append(long_text, "激");
    g_autofree char *clipped = ck_snippet(long_text->str, long_text->len);
    assert_true(strlen(clipped) <= CK_SNIPPET_MAX + strlen("…"));
    assert_true(g_utf8_validate(clipped, -1, NULL));
    g_string_free(long_text, TRUE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalize_table),
        cmocka_unit_test(test_command_satisfies),
        cmocka_unit_test(test_score_curve),
        cmocka_unit_test(test_template_render),
        cmocka_unit_test(test_template_names),
        cmocka_unit_test(test_regex_flags_and_limits),
        cmocka_unit_test(test_prepare_text_caps_and_repairs),
        cmocka_unit_test(test_snippet),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
