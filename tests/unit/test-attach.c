/* test-attach.c — unit tests of ingest/attach.c (text attachments: type,
 * name and content rules, decoding, the size cap) and ingest/tnef.c (TNEF
 * streams through libytnef, damaged streams, RTF to text).  The TNEF stream
 * is tests/fixtures/attach/winmail.dat, written by scripts/mk-attach-samples.py. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "ingest/attach.h"
#include "ingest/tnef.h"

/* TRUE when one line of WARNINGS contains NEEDLE. */
static gboolean has_line(GPtrArray *warnings, const char *needle)
{
    for (guint i = 0; i < warnings->len; i++)
        if (strstr(g_ptr_array_index(warnings, i), needle))
            return TRUE;
    return FALSE;
}

/* The bytes of the fixture NAME under tests/fixtures/attach (CASEKB_TOP or
 * "."); caller frees. */
static char *fixture(const char *name, gsize *len)
{
    const char *top = g_getenv("CASEKB_TOP") ? g_getenv("CASEKB_TOP") : ".";
    char *path = g_build_filename(top, "tests", "fixtures", "attach", name, NULL);
    char *data = NULL;
    assert_true(g_file_get_contents(path, &data, len, NULL));
    g_free(path);
    return data;
}

/* Text is recognised by type, by name, or by content for untyped parts;
 * images and typed binaries are not read. */
static void test_is_text(void **state)
{
    (void) state;
    static const char binary[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01";
    assert_true(ck_attachment_is_text("text/plain", NULL, "x", 1));
    assert_true(ck_attachment_is_text("application/octet-stream", "Activation.LOG", binary, sizeof binary));
    assert_true(ck_attachment_is_text("application/json", NULL, "{}", 2));
    assert_true(ck_attachment_is_text("application/octet-stream", "dump", "slmgr /dlv\r\nOK\r\n", 16));
    assert_true(ck_attachment_is_text(NULL, NULL, "\xFF\xFE" "a\0b\0", 6));
    assert_false(ck_attachment_is_text("image/png", "screenshot.png", binary, sizeof binary));
    assert_false(ck_attachment_is_text("application/octet-stream", "dump.bin", binary, sizeof binary));
    assert_false(ck_attachment_is_text("application/pdf", "report.pdf", "%PDF-1.4\n", 9));
}

/* A UTF-16LE dlv.txt with a BOM and a GBK log without a label decode to
 * the same UTF-8 text, line breaks made LF; a PNG keeps name, type, size. */
static void test_from_bytes_decodes(void **state)
{
    (void) state;
    GPtrArray *warnings = g_ptr_array_new_with_free_func(g_free);
    /* "错误: 0xC004F074\r\n" in UTF-16LE with a BOM */
    static const char utf16[] = "\xFF\xFE\x19\x95\xEF\x8B:\0 \0" "0\0x\0C\0" "0\0" "0\0" "4\0F\0" "0\0" "7\0" "4\0\r\0\n\0";
    CkAttachment *a = ck_attachment_from_bytes("dlv.txt", "Text/Plain", NULL, utf16, sizeof utf16 - 1, warnings);
    assert_string_equal(a->text, "\xE9\x94\x99\xE8\xAF\xAF: 0xC004F074\n");
    assert_string_equal(a->type, "text/plain");
    assert_int_equal(a->size, sizeof utf16 - 1);
    ck_attachment_free(a);
    /* the same in GBK, no label, as an octet stream named .log */
    static const char gbk[] = "\xB4\xED\xCE\xF3: 0xC004F074\r\n";
    a = ck_attachment_from_bytes("a.log", "application/octet-stream", NULL, gbk, sizeof gbk - 1, warnings);
    assert_string_equal(a->text, "\xE9\x94\x99\xE8\xAF\xAF: 0xC004F074\n");
    ck_attachment_free(a);
    a = ck_attachment_from_bytes("shot.png", "image/png", NULL, "\x89PNG\0", 5, warnings);
    assert_string_equal(a->text, "");
    assert_string_equal(a->name, "shot.png");
    assert_int_equal(a->size, 5);
    ck_attachment_free(a);
    assert_int_equal(warnings->len, 0);
    g_ptr_array_unref(warnings);
}

/* Text over CK_ATTACHMENT_TEXT_MAX bytes is cut at a character boundary,
 * with a warning naming the attachment. */
static void test_text_cap(void **state)
{
    (void) state;
    gsize len = CK_ATTACHMENT_TEXT_MAX + 100;
    GString *big = g_string_sized_new(len);
    while (big->len < len)
        g_string_append(big, "\xE4\xB8\xAD");   /* 中: 1 MiB is not a multiple of 3 */
    GPtrArray *warnings = g_ptr_array_new_with_free_func(g_free);
    CkAttachment *a = ck_attachment_from_bytes("big.txt", "text/plain", "utf-8", big->str, big->len, warnings);
    assert_true(strlen(a->text) <= CK_ATTACHMENT_TEXT_MAX);
    assert_true(strlen(a->text) > CK_ATTACHMENT_TEXT_MAX - 3);
    assert_true(g_utf8_validate(a->text, -1, NULL));
    assert_true(has_line(warnings, "attachment big.txt: text cut to 1024 KiB"));
    ck_attachment_free(a);
    g_ptr_array_unref(warnings);
    g_string_free(big, TRUE);
}

/* The fixture winmail.dat: compressed RTF body in code page 936 made text,
 * and its xpr.txt attachment (GBK, named in Unicode) read as text. */
static void test_tnef_fixture(void **state)
{
    (void) state;
    gsize len = 0;
    char *data = fixture("winmail.dat", &len);
    GPtrArray *atts = g_ptr_array_new_with_free_func((GDestroyNotify) ck_attachment_free);
    GPtrArray *warnings = g_ptr_array_new_with_free_func(g_free);
    char *body = NULL;
    assert_true(ck_tnef_read(data, len, "winmail.dat", &body, atts, warnings));
    assert_non_null(strstr(body, "13 \xE4\xBD\x8D\xE5\xBA\x8F\xE5\x88\x97\xE5\x8F\xB7"));   /* 13 位序列号 */
    assert_non_null(strstr(body, "0xC004F050"));
    assert_null(strstr(body, "fonttbl"));
    assert_int_equal(atts->len, 1);
    CkAttachment *a = g_ptr_array_index(atts, 0);
    assert_string_equal(a->name, "xpr.txt");
    assert_string_equal(a->type, "text/plain");
    assert_non_null(strstr(a->text, "\xE4\xBA\xA7\xE5\x93\x81\xE5\xAF\x86\xE9\x92\xA5"));   /* 产品密钥 */
    assert_int_equal(warnings->len, 0);
    g_free(body);
    g_ptr_array_unref(atts);
    g_ptr_array_unref(warnings);
    g_free(data);
}

/* Damaged streams are never handed to libytnef: each gives FALSE, an empty
 * body and one warning naming the stream and the problem. */
static void test_tnef_damaged(void **state)
{
    (void) state;
    gsize len = 0;
    char *data = fixture("winmail.dat", &len);
    struct { gsize cut; gssize flip; const char *problem; } cases[] = {
        { len - 7, -1, "cut off in an attribute" },
        { len, 55, "checksum mismatch" },
        { 3, -1, "not a TNEF stream" },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *copy = g_memdup2(data, len);
        if (cases[i].flip >= 0)
            copy[cases[i].flip] ^= 0x55;
        GPtrArray *atts = g_ptr_array_new_with_free_func((GDestroyNotify) ck_attachment_free);
        GPtrArray *warnings = g_ptr_array_new_with_free_func(g_free);
        char *body = NULL;
        assert_false(ck_tnef_read(copy, cases[i].cut, "mail.eml winmail.dat", &body, atts, warnings));
        assert_string_equal(body, "");
        assert_int_equal(warnings->len, 1);
        assert_true(has_line(warnings, "mail.eml winmail.dat: "));
        assert_true(has_line(warnings, cases[i].problem));
        g_free(body);
        g_ptr_array_unref(atts);
        g_ptr_array_unref(warnings);
        g_free(copy);
    }
    g_free(data);
}

/* RTF: destinations dropped, \par lines, \'hh in \ansicpg, \u with its
 * stand-in skipped, escaped braces, encapsulated HTML made text. */
static void test_rtf_to_text(void **state)
{
    (void) state;
    static const char rtf[] = "{\\rtf1\\ansi\\ansicpg936{\\fonttbl{\\f0 \\'cb\\'ce\\'cc\\'e5;}}"
                              "{\\*\\generator Riched20;}\\pard \\'d6\\'d0\\'ce\\'c4\\par "
                              "a\\{b\\} \\u8364?x\\line end}";
    char *text = ck_rtf_to_text(rtf, sizeof rtf - 1, NULL);
    assert_string_equal(text, "\xE4\xB8\xAD\xE6\x96\x87\na{b} \xE2\x82\xACx\nend");   /* 中文 … €x */
    g_free(text);
    static const char html[] = "{\\rtf1\\ansi\\fromhtml1 {\\*\\htmltag <p>}Hello{\\*\\htmltag </p>}"
                               "\\htmlrtf {\\b junk}\\htmlrtf0 }";
    text = ck_rtf_to_text(html, sizeof html - 1, NULL);
    assert_string_equal(text, "Hello");
    g_free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_is_text),
        cmocka_unit_test(test_from_bytes_decodes),
        cmocka_unit_test(test_text_cap),
        cmocka_unit_test(test_tnef_fixture),
        cmocka_unit_test(test_tnef_damaged),
        cmocka_unit_test(test_rtf_to_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
