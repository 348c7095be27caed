/* test-privacy.c — product-key masking (reports/privacy.h): the forms a key
 * is written in (ASCII, full-width, spaced, lower case, broken over a
 * line), what is not a key, highlight markers inside a key, and cutting
 * that never leaves more than the last group. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "reports/privacy.h"

#define KEY "TQ7BK-8M2XR-JCY6D-3WFGH-P9V4M"
#define MASKED "*****-*****-*****-*****-P9V4M"
#define FW_KEY "ＴＱ７ＢＫ－８Ｍ２ＸＲ－ＪＣＹ６Ｄ－３ＷＦＧＨ－Ｐ９Ｖ４Ｍ"

/* Assert that masking IN gives WANT. */
static void assert_masks(const char *in, const char *want)
{
    char *got = ck_mask_product_keys(in);
    assert_string_equal(got, want);
    g_free(got);
}

/* TRUE when TEXT shows a hidden group of KEY (ASCII, groups split by
 * '-') next to another group, in ASCII or full-width form: what a cut or a
 * broken mask would leak. */
static gboolean leaks_key(const char *text, const char *key)
{
    char **g = g_strsplit(key, "-", 5);
    gboolean leak = FALSE;
    for (int i = 0; i < 4; i++) {
        char *pair = g_strdup_printf("%s-%s", g[i], g[i + 1]);
        GString *fw = g_string_new(NULL);
        for (const char *p = pair; *p; p++)
            g_string_append_unichar(fw, *p == '-' ? 0xFF0D : (gunichar)*p + 0xFEE0);
        char *spaced = g_strdup_printf("%s %s", g[i], g[i + 1]);
        leak |= strstr(text, pair) || strstr(text, fw->str) || strstr(text, spaced);
        g_free(spaced);
        g_string_free(fw, TRUE);
        g_free(pair);
    }
    g_strfreev(g);
    return leak;
}

/* The forms of a key, and the last group kept in ASCII upper case. */
static void test_forms(void **state)
{
    assert_masks("key " KEY ".", "key " MASKED ".");
    assert_masks("密钥：" KEY "，请", "密钥：" MASKED "，请");
    assert_masks("key " FW_KEY " ok", "key " MASKED " ok");
    assert_masks("TQ7BK 8M2XR JCY6D 3WFGH P9V4M", MASKED);
    assert_masks("TQ7BK\u30008M2XR\u3000JCY6D\u30003WFGH\u3000P9V4M", MASKED);
    assert_masks("tq7bk-8m2xr-jcy6d-3wfgh-p9v4m", MASKED);
    assert_masks("TQ7BK – 8M2XR – JCY6D – 3WFGH – P9V4M", MASKED);
    assert_masks("TQ7BK-8M2XR-JCY6D-\n3WFGH-P9V4M", MASKED);
    assert_masks("TQ7BK\n8M2XR\nJCY6D\n3WFGH\nP9V4M", MASKED);
    assert_masks("ＴＱ７ＢＫ ８Ｍ２ＸＲ ＪＣＹ６Ｄ ３ＷＦＧＨ Ｐ９Ｖ４Ｍ", MASKED);
    assert_masks(KEY " and " KEY, MASKED " and " MASKED);
    assert_masks(NULL, "");
}

/* Not keys: five five-letter words, IDs, codes, a group too long or short. */
static void test_not_keys(void **state)
{
    const char *const same[] = {
        "these tools could cause delay", "CAS-03877-J9N4S5 CMIT:0001828 0xC004F074",
        "TQ7BK-8M2XR-JCY6D-3WFGH-P9V4MX", "TQ7BK-8M2XR-JCY6D-3WFGH-P9V4", "部分产品密钥: 4M68B",
        "400-818-0055", "XTQ7BK-8M2XR-JCY6D-3WFGH-P9V4M",
    };
    for (guint i = 0; i < G_N_ELEMENTS(same); i++)
        assert_masks(same[i], same[i]);
}

/* Invalid UTF-8 around a key does not let it through. */
static void test_invalid_utf8(void **state)
{
    char *got = ck_mask_product_keys("\xff\xfe " KEY " \xc3");
    assert_non_null(strstr(got, MASKED));
    assert_false(leaks_key(got, KEY));
    assert_true(g_utf8_validate(got, -1, NULL));
    g_free(got);
}

/* Assert that masking IN with OPEN/CLOSE markers gives WANT. */
static void assert_marked(const char *in, const char *open, const char *close, const char *want)
{
    char *got = ck_mask_product_keys_marked(in, open, close);
    assert_string_equal(got, want);
    g_free(got);
}

/* Highlight markers inside a key: the key is found, marked whole, and the
 * markers stay balanced; markers elsewhere stay where they are. */
static void test_markers_inside_key(void **state)
{
    assert_marked("TQ7BK-[8M2XR]-JCY6D-3WFGH-P9V4M", "[", "]", "[" MASKED "]");
    assert_marked("…key [TQ7BK]-[8M2XR]-JCY6D-3WFGH-[P9V4M] x", "[", "]", "…key [" MASKED "] x");
    assert_marked("[a TQ7BK-8M2XR]-JCY6D-3WFGH-P9V4M b", "[", "]", "[a " MASKED "] b");
    assert_marked("a TQ7BK-8M2XR-[JCY6D-3WFGH-P9V4M b] c", "[", "]", "a [" MASKED " b] c");
    assert_marked("[x] " KEY " [y]", "[", "]", "[x] " MASKED " [y]");
    assert_marked("[案例号: CAS-1] TQ7BK 8M2XR [JCY6D] 3WFGH P9V4M", "[", "]", "[案例号: CAS-1] [" MASKED "]");
    assert_marked("ＴＱ７ＢＫ－<b>８Ｍ２ＸＲ</b>－ＪＣＹ６Ｄ－３ＷＦＧＨ－Ｐ９Ｖ４Ｍ", "<b>", "</b>", "<b>" MASKED "</b>");
    assert_marked("TQ7BK-\033[1;31m8M2XR\033[0m-JCY6D-3WFGH-P9V4M", "\033[1;31m", "\033[0m",
                  "\033[1;31m" MASKED "\033[0m");
    assert_marked("no markers " KEY, NULL, NULL, "no markers " MASKED);
}

/* Cutting: at every length, the masked-then-cut text shows no hidden group
 * next to another, whatever the form; cutting before masking would. */
static void test_cut_after_mask(void **state)
{
    const char *const texts[] = {
        "Activation fails; key: " KEY " then 0xC004F074.",
        "全角密钥 " FW_KEY " 无法激活",
        "spaced TQ7BK 8M2XR JCY6D 3WFGH P9V4M end",
    };
    for (guint t = 0; t < G_N_ELEMENTS(texts); t++) {
        glong n = g_utf8_strlen(texts[t], -1);
        for (glong cut = 0; cut <= n + 1; cut++) {
            char *got = ck_mask_and_cut(texts[t], (guint)cut);
            assert_false(leaks_key(got, KEY));
            assert_true(g_utf8_strlen(got, -1) <= cut + 1);
            g_free(got);
        }
    }
    char *whole = ck_mask_and_cut(texts[0], 1000);
    assert_string_equal(whole, "Activation fails; key: " MASKED " then 0xC004F074.");
    g_free(whole);
    char *cut = ck_mask_and_cut(texts[0], 30);
    assert_string_equal(cut, "Activation fails; key: *****-*…");
    g_free(cut);
    /* What the old order did: cut inside the last group, then mask. */
    char *naive_cut = g_strndup(texts[0], strlen("Activation fails; key: ") + 27);
    char *naive = ck_mask_product_keys(naive_cut);
    assert_true(leaks_key(naive, KEY));
    g_free(naive);
    g_free(naive_cut);
}

/* JSON: every string, nested, masked in place; other values untouched. */
static void test_json(void **state)
{
    JsonNode *node = json_from_string("{\"a\": [\"" KEY "\", 3, {\"b\": \"x " FW_KEY "\"}], \"c\": true}", NULL);
    ck_json_mask_product_keys(node);
    char *text = json_to_string(node, FALSE);
    assert_string_equal(text, "{\"a\":[\"" MASKED "\",3,{\"b\":\"x " MASKED "\"}],\"c\":true}");
    g_free(text);
    json_node_unref(node);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forms),
        cmocka_unit_test(test_not_keys),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_markers_inside_key),
        cmocka_unit_test(test_cut_after_mask),
        cmocka_unit_test(test_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
