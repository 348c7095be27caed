/* test-decode.c — unit tests of ingest/decode.c: charset labels, byte
 * decoding with replacement, RFC 2047 header words, HTML to text. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "ingest/decode.h"

/* "镕" is GBK-only: GB18030/GBK bytes E9 46, absent from GB2312. */
#define RONG_GBK "\xE9\x46"
#define RONG_UTF8 "\xE9\x95\x95"
/* "中文" in GB2312 and UTF-8. */
#define ZHONGWEN_GB "\xD6\xD0\xCE\xC4"
#define ZHONGWEN_UTF8 "\xE4\xB8\xAD\xE6\x96\x87"
/* "中文" in Big5. */
#define ZHONGWEN_BIG5 "\xA4\xA4\xA4\xE5"

/* Labels map to the iconv names the rules ask for. */
static void test_charset_canonical(void **state)
{
    (void) state;
    const char *gb_labels[] = { "gb2312", "GB2312", "gbk", "x-gbk", "cp936", "euc-cn", "GB18030" };
    for (size_t i = 0; i < sizeof gb_labels / sizeof *gb_labels; i++)
        assert_string_equal(ck_charset_canonical(gb_labels[i]), "GB18030");
    const char *big5 = ck_charset_canonical("big5");
    assert_true(strcmp(big5, "BIG5-HKSCS") == 0 || strcmp(big5, "BIG5") == 0);
    assert_string_equal(ck_charset_canonical("utf8"), "UTF-8");
    assert_string_equal(ck_charset_canonical(" \"UTF-8\" "), "UTF-8");
    assert_null(ck_charset_canonical(NULL));
    assert_null(ck_charset_canonical(""));
    assert_null(ck_charset_canonical("us-ascii"));
    assert_string_equal(ck_charset_canonical("koi8-r"), "KOI8-R");
}

/* A gb2312 label decodes GBK-only characters (镕). */
static void test_gb2312_label_reads_gbk(void **state)
{
    (void) state;
    guint replaced = 99;
    char *text = ck_decode_bytes("\xD6\xEC" RONG_GBK "\xBB\xF9", -1, "gb2312", NULL, &replaced);
    assert_string_equal(text, "\xE6\x9C\xB1" RONG_UTF8 "\xE5\x9F\xBA");   /* 朱镕基 */
    assert_int_equal(replaced, 0);
    g_free(text);
}

/* Big5 labels decode as Big5. */
static void test_big5_label(void **state)
{
    (void) state;
    guint replaced = 99;
    char *text = ck_decode_bytes(ZHONGWEN_BIG5, -1, "big5", NULL, &replaced);
    assert_string_equal(text, ZHONGWEN_UTF8);
    assert_int_equal(replaced, 0);
    g_free(text);
}

/* Unlabelled bytes: UTF-8 when valid, else the fallback, else GB18030. */
static void test_unlabelled_rule(void **state)
{
    (void) state;
    guint replaced = 99;
    const char *used = NULL;
    char *text = ck_decode_bytes_full(ZHONGWEN_UTF8, -1, NULL, NULL, &replaced, &used);
    assert_string_equal(text, ZHONGWEN_UTF8);
    assert_string_equal(used, "UTF-8");
    g_free(text);
    text = ck_decode_bytes_full(ZHONGWEN_GB, -1, NULL, NULL, &replaced, &used);
    assert_string_equal(text, ZHONGWEN_UTF8);
    assert_string_equal(used, "GB18030");
    assert_int_equal(replaced, 0);
    g_free(text);
    text = ck_decode_bytes_full(ZHONGWEN_BIG5, -1, "us-ascii", "big5", &replaced, &used);
    assert_string_equal(text, ZHONGWEN_UTF8);
    assert_int_equal(replaced, 0);
    g_free(text);
}

/* Bytes a charset cannot map become U+FFFD and are counted. */
static void test_invalid_bytes_replaced(void **state)
{
    (void) state;
    guint replaced = 0;
    /* 0xFF is never valid GB18030; 0x81 at the end is a cut-off lead byte. */
    char *text = ck_decode_bytes("ab\xFF" "cd" ZHONGWEN_GB "\x81", -1, "gb2312", NULL, &replaced);
    assert_true(g_utf8_validate(text, -1, NULL));
    assert_string_equal(text, "ab\xEF\xBF\xBD" "cd" ZHONGWEN_UTF8 "\xEF\xBF\xBD");
    assert_int_equal(replaced, 2);
    g_free(text);
    text = ck_decode_bytes("x\xC3(y", -1, "utf-8", NULL, &replaced);
    assert_string_equal(text, "x\xEF\xBF\xBD(y");
    assert_int_equal(replaced, 1);
    g_free(text);
    /* NUL characters are dropped. */
    text = ck_decode_bytes("a\0b", 3, NULL, NULL, &replaced);
    assert_string_equal(text, "ab");
    g_free(text);
}

/* UTF-8 text under a label it breaks is read as UTF-8. */
static void test_mislabelled_utf8(void **state)
{
    (void) state;
    guint replaced = 99;
    /* "镕" in UTF-8 is E9 95 95: invalid as Big5. */
    char *text = ck_decode_bytes(RONG_UTF8 "!", -1, "big5", NULL, &replaced);
    assert_string_equal(text, RONG_UTF8 "!");
    assert_int_equal(replaced, 0);
    g_free(text);
}

/* Big5 bytes once read as Latin-1 and saved as UTF-8 are repaired when
 * the Big5 label cannot read the UTF-8 bytes. */
static void test_double_encoded_big5(void **state)
{
    (void) state;
    guint replaced = 99;
    /* 軟體 in Big5 is B3 6E C5 E9; as Latin-1 then UTF-8: C2 B3 6E C3 85 C3 A9. */
    char *text = ck_decode_bytes("\xC2\xB3n\xC3\x85\xC3\xA9", -1, "big5", NULL, &replaced);
    assert_string_equal(text, "\xE8\xBB\x9F\xE9\xAB\x94");
    assert_int_equal(replaced, 0);
    g_free(text);
}

/* RFC 2047: adjacent words of one charset join before decoding, so a
 * character split across words survives; blanks between words go. */
static void test_header_split_word(void **state)
{
    (void) state;
    guint replaced = 99;
    /* 中文 = E4 B8 AD E6 96 87, split after E4 B8. */
    char *text = ck_decode_header("Re: =?utf-8?B?5Lg=?=\r\n =?UTF-8?Q?=AD=E6=96=87?= ok",
                                  NULL, &replaced);
    assert_string_equal(text, "Re: " ZHONGWEN_UTF8 " ok");
    assert_int_equal(replaced, 0);
    g_free(text);
    /* base64 split mid-quantum (no padding) continues in the next word. */
    text = ck_decode_header("=?utf-8?B?5Li?= =?utf-8?B?t5paH?=", NULL, &replaced);
    assert_string_equal(text, ZHONGWEN_UTF8);
    g_free(text);
}

/* gb2312 words decode as GB18030; different charsets in a row. */
static void test_header_charsets(void **state)
{
    (void) state;
    guint replaced = 99;
    /* 镕 = E9 46 = base64 "6UY=" */
    char *text = ck_decode_header("=?gb2312?B?6UY=?= =?big5?B?pKSk5Q==?= x", NULL, &replaced);
    assert_string_equal(text, RONG_UTF8 ZHONGWEN_UTF8 " x");
    assert_int_equal(replaced, 0);
    g_free(text);
    text = ck_decode_header("RE: =?GB2312?Q?=D7=B0_=D3=B2?=", NULL, &replaced);
    assert_string_equal(text, "RE: \xE8\xA3\x85 \xE7\xA1\xAC");   /* 装 硬 */
    g_free(text);
    /* A Latin label on UTF-8 bytes is a mislabel. */
    text = ck_decode_header("=?iso-8859-1?B?5Lit5paH?=", NULL, &replaced);
    assert_string_equal(text, ZHONGWEN_UTF8);
    g_free(text);
    text = ck_decode_header("=?iso-8859-1?Q?caf=E9?=", NULL, &replaced);
    assert_string_equal(text, "caf\xC3\xA9");
    g_free(text);
    /* A tab that continues a folded line reads as a space. */
    text = ck_decode_header("a long\r\n\tsubject", NULL, &replaced);
    assert_string_equal(text, "a long subject");
    g_free(text);
    text = ck_decode_header("=?bogus", NULL, &replaced);
    assert_string_equal(text, "=?bogus");
    g_free(text);
}

/* Raw 8-bit header bytes: UTF-8, else the fallback, else GB18030. */
static void test_header_raw_8bit(void **state)
{
    (void) state;
    guint replaced = 99;
    char *text = ck_decode_header(" " ZHONGWEN_GB "\r\n", NULL, &replaced);
    assert_string_equal(text, ZHONGWEN_UTF8);
    g_free(text);
    text = ck_decode_header(ZHONGWEN_BIG5, "big5", &replaced);
    assert_string_equal(text, ZHONGWEN_UTF8);
    assert_int_equal(replaced, 0);
    g_free(text);
    text = ck_decode_header(ZHONGWEN_UTF8, "big5", &replaced);
    assert_string_equal(text, ZHONGWEN_UTF8);
    g_free(text);
}

/* HTML: style dropped, numbered lists keep numbers, entities decoded,
 * blockquote goes to the quoted text. */
static void test_html_basic(void **state)
{
    (void) state;
    const char *html =
        "<html><head><style>p{color:red}</style><title>t</title></head><body>"
        "<p>Hello &amp; welcome&nbsp;&lt;team&gt;</p><ol><li>one</li><li>two</li></ol>"
        "<ul><li>dot</li></ul><p>a<br>b</p><script>var x;</script>"
        "<table><tr><td>k</td><td>v</td></tr></table>"
        "<blockquote>old text</blockquote></body></html>";
    char *quoted = NULL;
    char *text = ck_html_to_text(html, -1, &quoted);
    assert_string_equal(text, "Hello & welcome\xC2\xA0<team>\n1. one\n2. two\n- dot\na\nb\nk\tv");
    assert_string_equal(quoted, "old text");
    g_free(text);
    g_free(quoted);
    text = ck_html_to_text(html, -1, NULL);
    assert_non_null(strstr(text, "old text"));
    assert_null(strstr(text, "color"));
    g_free(text);
}

/* Outlook's divRplyFwdMsg and everything after it is quoted; gmail_quote
 * containers too. */
static void test_html_outlook_and_gmail(void **state)
{
    (void) state;
    const char *outlook =
        "<div>Thanks, fixed.</div><hr style=\"display:inline-block\" tabindex=\"-1\">"
        "<div id=\"divRplyFwdMsg\"><b>From:</b> A<br><b>Sent:</b> today</div>"
        "<div>earlier text</div>";
    char *quoted = NULL;
    char *text = ck_html_to_text(outlook, -1, &quoted);
    assert_string_equal(text, "Thanks, fixed.");
    assert_non_null(strstr(quoted, "From: A"));
    assert_non_null(strstr(quoted, "earlier text"));
    g_free(text);
    g_free(quoted);
    const char *gmail = "<div dir=ltr>New</div><div class=\"gmail_quote\"><div>On Mon, B wrote:</div>"
                        "<blockquote>old</blockquote></div>";
    text = ck_html_to_text(gmail, -1, &quoted);
    assert_string_equal(text, "New");
    assert_string_equal(quoted, "On Mon, B wrote:\nold");
    g_free(text);
    g_free(quoted);
    const char *border = "<p>Reply</p><div style=\"border:none;border-top:solid #E1E1E1 1.0pt\">"
                         "<p><b>\xE5\x8F\x91\xE4\xBB\xB6\xE4\xBA\xBA:</b> X</p></div><p>old</p>";
    text = ck_html_to_text(border, -1, &quoted);
    assert_string_equal(text, "Reply");
    assert_non_null(strstr(quoted, "old"));
    g_free(text);
    g_free(quoted);
}

/* UTF-8 HTML whose <meta> names another charset stays UTF-8. */
static void test_html_meta_charset_ignored(void **state)
{
    (void) state;
    const char *html = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">"
                       "</head><body>" ZHONGWEN_UTF8 "</body></html>";
    char *text = ck_html_to_text(html, -1, NULL);
    assert_string_equal(text, ZHONGWEN_UTF8);
    g_free(text);
    text = ck_html_to_text("", 0, NULL);
    assert_string_equal(text, "");
    g_free(text);
}

/* Byte sequences glibc's UTF-8 decoder lets through but that are not
 * UTF-8: code points above U+10FFFF, F5..FD leads, surrogates, overlong
 * forms.  Each run becomes one U+FFFD; its bytes are counted. */
static const char *const NOT_UTF8[] = {
    "\xF7\xBB\xB8\x8E",           /* =?UTF-8?B?97u4jg==?= of issue 9 */
    "\xF4\x90\x80\x80",           /* U+110000 */
    "\xF8\x88\x80\x80\x80",       /* 5-byte form */
    "\xFD\xBF\xBF\xBF\xBF\xBF",   /* 6-byte form */
    "\xED\xA0\x80",               /* surrogate U+D800 */
    "\xC0\xAF",                   /* overlong '/' */
};

/* Labelled UTF-8 text holding those sequences decodes to strict UTF-8. */
static void test_utf8_beyond_unicode_replaced(void **state)
{
    (void) state;
    for (gsize i = 0; i < G_N_ELEMENTS(NOT_UTF8); i++) {
        char *input = g_strconcat("a", NOT_UTF8[i], "b " ZHONGWEN_UTF8, NULL);
        guint replaced = 0;
        char *text = ck_decode_bytes(input, -1, "utf-8", NULL, &replaced);
        assert_true(g_utf8_validate(text, -1, NULL));
        assert_string_equal(text, "a\xEF\xBF\xBD" "b " ZHONGWEN_UTF8);
        assert_int_equal(replaced, strlen(NOT_UTF8[i]));
        g_free(text);
        g_free(input);
    }
}

/* The same in an RFC 2047 word of a header, counted for the warning. */
static void test_header_utf8_beyond_unicode(void **state)
{
    (void) state;
    guint replaced = 0;
    char *text = ck_decode_header("=?UTF-8?B?97u4jg==?= ok", NULL, &replaced);
    assert_string_equal(text, "\xEF\xBF\xBD ok");
    assert_int_equal(replaced, 4);
    g_free(text);
    text = ck_decode_header("=?utf-8?Q?x=F4=90=80=80y?=", NULL, &replaced);
    assert_string_equal(text, "x\xEF\xBF\xBDy");
    assert_int_equal(replaced, 4);
    g_free(text);
}

/* ck_utf8_sanitize: valid text is copied as it is, each bad run becomes
 * one U+FFFD, a cut-off sequence at the end too, NUL inside LEN counts. */
static void test_utf8_sanitize(void **state)
{
    (void) state;
    guint replaced = 99;
    char *text = ck_utf8_sanitize(ZHONGWEN_UTF8 "ok", -1, &replaced);
    assert_string_equal(text, ZHONGWEN_UTF8 "ok");
    assert_int_equal(replaced, 0);
    g_free(text);
    text = ck_utf8_sanitize("x\xF4\x90\x80\x80" "y\xED\xA0\x80\xC0\xAF" "z\xE4\xB8", -1, &replaced);
    assert_string_equal(text, "x\xEF\xBF\xBDy\xEF\xBF\xBDz\xEF\xBF\xBD");
    assert_int_equal(replaced, 11);
    g_free(text);
    text = ck_utf8_sanitize("a\0b", 3, &replaced);
    assert_string_equal(text, "a\xEF\xBF\xBD" "b");
    assert_int_equal(replaced, 1);
    g_free(text);
    text = ck_utf8_sanitize("", 0, NULL);
    assert_string_equal(text, "");
    g_free(text);
}

/* A Big5 sentence (繁體中文的啟用失敗訊息，請協助確認原因，謝謝) long enough for
 * the detector. */
#define BIG5_SENTENCE "\xc1\x63\xc5\xe9\xa4\xa4\xa4\xe5\xaa\xba\xb1\xd2\xa5\xce\xa5\xa2\xb1\xd1" \
    "\xb0\x54\xae\xa7\xa1\x41\xbd\xd0\xa8\xf3\xa7\x55\xbd\x54\xbb\x7b\xad\xec\xa6\x5d\xa1\x41" \
    "\xc1\xc2\xc1\xc2"

/* Unlabelled Big5 with no declared charset: uchardet's answer wins over the
 * GB18030 default (which reads these bytes as mojibake without complaint),
 * while a short or GBK text keeps GB18030. */
static void test_unlabelled_big5_detected(void **state)
{
    (void) state;
    guint replaced = 99;
    const char *used = NULL;
    char *text = ck_decode_bytes_full(BIG5_SENTENCE, -1, NULL, NULL, &replaced, &used);
    char *expect = g_convert(BIG5_SENTENCE, -1, "UTF-8", "BIG5", NULL, NULL, NULL);
    assert_string_equal(text, expect);
    assert_true(g_str_has_prefix(used, "BIG5"));
    assert_int_equal(replaced, 0);
    g_free(expect);
    g_free(text);
    assert_true(g_str_has_prefix(ck_charset_detect(BIG5_SENTENCE, strlen(BIG5_SENTENCE), NULL), "BIG5"));
    assert_null(ck_charset_detect(ZHONGWEN_GB, 4, NULL));   /* too few bytes to tell */
    /* a labelled part keeps its label's rule: gb2312 is still GB18030 */
    text = ck_decode_bytes_full(ZHONGWEN_GB, -1, "gb2312", NULL, &replaced, &used);
    assert_string_equal(text, ZHONGWEN_UTF8);
    assert_string_equal(used, "GB18030");
    g_free(text);
}

/* Text files: a BOM picks UTF-8/16/32 (and is dropped), UTF-16 without a
 * BOM is recognised by its NULs, other bytes follow the unlabelled rule. */
static void test_decode_text_file(void **state)
{
    (void) state;
    static const struct { const char *data; gsize len; const char *used; } cases[] = {
        { "\xFF\xFE\x2D\x4E\x87\x65", 6, "UTF-16LE" },
        { "\xFE\xFF\x4E\x2D\x65\x87", 6, "UTF-16BE" },
        { "\xFF\xFE\0\0\x2D\x4E\0\0\x87\x65\0\0", 12, "UTF-32LE" },
        { "\0\0\xFE\xFF\0\0\x4E\x2D\0\0\x65\x87", 12, "UTF-32BE" },
        { "\xEF\xBB\xBF" ZHONGWEN_UTF8, 9, "UTF-8" },
        { ZHONGWEN_GB, 4, "GB18030" },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        guint replaced = 99;
        const char *used = NULL;
        char *text = ck_decode_text_file(cases[i].data, cases[i].len, NULL, &replaced, &used);
        assert_string_equal(text, ZHONGWEN_UTF8);
        assert_string_equal(used, cases[i].used);
        assert_int_equal(replaced, 0);
        g_free(text);
    }
    const char *used = NULL;
    char *text = ck_decode_text_file("s\0l\0m\0g\0r\0 \0/\0d\0l\0v\0", 20, NULL, NULL, &used);
    assert_string_equal(text, "slmgr /dlv");
    assert_string_equal(used, "UTF-16LE");
    g_free(text);
}

/* Whether a gconv module named NAME (e.g. "GBK.so") is mapped now. */
static gboolean gconv_module_mapped(const char *name)
{
    char *maps = NULL;
    assert_true(g_file_get_contents("/proc/self/maps", &maps, NULL, NULL));
    char *needle = g_strconcat("/", name, "\n", NULL);
    gboolean mapped = strstr(maps, needle) != NULL;
    g_free(needle);
    g_free(maps);
    return mapped;
}

/* Pinned charsets keep their gconv module loaded while descriptors of
 * them, and of other charsets, are opened and closed (as GMime does per
 * header); unpinned, glibc unloads a module a few closes after its last
 * descriptor. */
static void test_pin_charsets(void **state)
{
    if (!g_file_test("/proc/self/maps", G_FILE_TEST_EXISTS))
        skip();
    ck_decode_pin_charsets();
    ck_decode_pin_charsets();   /* once is enough; twice is harmless */
    static const char *const others[] = { "IBM037", "IBM500", "IBM1047", "CP1255", "ISO-8859-7" };
    for (int round = 0; round < 4; round++) {
        GIConv cd = g_iconv_open("UTF-8", "GBK");
        assert_true(cd != (GIConv) -1);
        g_iconv_close(cd);
        for (gsize i = 0; i < G_N_ELEMENTS(others); i++) {
            GIConv other = g_iconv_open("UTF-8", others[i]);
            if (other != (GIConv) -1)
                g_iconv_close(other);
        }
    }
    assert_true(gconv_module_mapped("GBK.so"));
    assert_true(gconv_module_mapped("BIG5HKSCS.so"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_charset_canonical),
        cmocka_unit_test(test_pin_charsets),
        cmocka_unit_test(test_gb2312_label_reads_gbk),
        cmocka_unit_test(test_big5_label),
        cmocka_unit_test(test_unlabelled_rule),
        cmocka_unit_test(test_invalid_bytes_replaced),
        cmocka_unit_test(test_mislabelled_utf8),
        cmocka_unit_test(test_double_encoded_big5),
        cmocka_unit_test(test_header_split_word),
        cmocka_unit_test(test_header_charsets),
        cmocka_unit_test(test_header_raw_8bit),
        cmocka_unit_test(test_html_basic),
        cmocka_unit_test(test_html_outlook_and_gmail),
        cmocka_unit_test(test_html_meta_charset_ignored),
        cmocka_unit_test(test_utf8_beyond_unicode_replaced),
        cmocka_unit_test(test_header_utf8_beyond_unicode),
        cmocka_unit_test(test_utf8_sanitize),
        cmocka_unit_test(test_unlabelled_big5_detected),
        cmocka_unit_test(test_decode_text_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
