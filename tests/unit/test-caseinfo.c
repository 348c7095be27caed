/* test-caseinfo.c — case IDs, aliases, subject convention and prefixes,
 * thread keys, closing phrases, customers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "ingest/caseinfo.h"

static const char *SEED_SUBJECT =
    "回复: [案例号: CAS-03877-J9N4S5 ] % |普通事件|HP| 中国人寿用户要实现批量部署，批量激活 % 初次响应 CMIT:0001828";

/* Assert that LIST holds exactly the strings given (NULL-terminated). */
static void assert_list(GPtrArray *list, ...)
{
    va_list ap;
    va_start(ap, list);
    guint n = 0;
    for (const char *want; (want = va_arg(ap, const char *)); n++) {
        assert_true(n < list->len);
        assert_string_equal(g_ptr_array_index(list, n), want);
    }
    va_end(ap);
    assert_int_equal(list->len, n);
    g_ptr_array_unref(list);
}

static void case_ids_are_found_in_subjects_and_text(void **state)
{
    assert_list(ck_case_ids_in_text(SEED_SUBJECT), "CAS-03877-J9N4S5", NULL);
    assert_list(ck_case_ids_in_text("关于案例號：cas-12345-abc123 的进展，另见 CAS-12345-ABC123"),
                "CAS-12345-ABC123", NULL);
    assert_list(ck_case_ids_in_text("Re: Case #SR-2024-0091 activation"), "SR-2024-0091", NULL);
    assert_list(ck_case_ids_in_text("电话 400-810-0055，序列号 1234567890123"), NULL);
}

static void aliases_are_normalised(void **state)
{
    assert_list(ck_case_aliases_in_text(SEED_SUBJECT), "CMIT:0001828", NULL);
    assert_list(ck_case_aliases_in_text("CMIT：0001828 and CMIT: 0001829"), "CMIT:0001828", "CMIT:0001829", NULL);
}

static void reply_prefixes_are_stripped(void **state)
{
    const char *cases[][2] = {
        { "回复: 答复：RE: Fwd: 激活失败", "激活失败" },
        { "轉寄：回覆: 啟用問題", "啟用問題" },
        { "AW: WG: Aktivierung", "Aktivierung" },
        { "Re[2]: KMS host", "KMS host" },
        { "Retry activation", "Retry activation" },
        { "Reply needed", "Reply needed" },
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        gboolean had = FALSE;
        char *s = ck_subject_strip_prefixes(cases[i][0], &had);
        assert_string_equal(s, cases[i][1]);
        assert_int_equal(had, i < 4);
        g_free(s);
    }
    char *a = ck_subject_key("RE:  KMS   Host"), *b = ck_subject_key("kms host");
    assert_string_equal(a, b);
    g_free(a);
    g_free(b);
    a = ck_subject_key(SEED_SUBJECT);
    b = ck_subject_key("答复: % |普通事件|HP| 中国人寿用户要实现批量部署，批量激活 % 初次响应");
    assert_string_equal(a, b);
    g_free(a);
    g_free(b);
}

static void subject_convention_gives_fields(void **state)
{
    CkSubjectFields f = { 0 };
    assert_true(ck_subject_parse_convention(SEED_SUBJECT, &f));
    assert_string_equal(f.case_id, "CAS-03877-J9N4S5");
    assert_string_equal(f.severity, "普通事件");
    assert_string_equal(f.vendor, "HP");
    assert_string_equal(f.title, "中国人寿用户要实现批量部署，批量激活");
    assert_string_equal(f.stage, "初次响应");
    ck_subject_fields_clear(&f);
    assert_false(ck_subject_parse_convention("Re: activation fails", &f));
    assert_null(f.case_id);
}

/* Parse SUBJECT and check each field (NULL: the parse must fail). */
static void assert_convention(const char *subject, const char *id, const char *severity, const char *vendor,
                              const char *title, const char *stage)
{
    CkSubjectFields f = { 0 };
    gboolean ok = ck_subject_parse_convention(subject, &f);
    if (!id) {
        assert_false(ok);
        return;
    }
    assert_true(ok);
    assert_string_equal(f.case_id, id);
    assert_string_equal(f.severity, severity);
    assert_string_equal(f.vendor, vendor);
    assert_string_equal(f.title, title);
    assert_string_equal(f.stage, stage);
    ck_subject_fields_clear(&f);
}

static void english_and_traditional_conventions_give_fields(void **state)
{
    const char *id = "CAS-07031-E2F5G9", *title = "Northbridge Bank KMS activation fails";
    assert_convention("[Case #: CAS-07031-E2F5G9 ] % |Normal|Dell| Northbridge Bank KMS activation fails % "
                      "Initial response CMIT:0007031", id, "Normal", "Dell", title, "Initial response");
    assert_convention("RE: [Case#: cas-07031-e2f5g9] |Normal|Dell| Northbridge Bank KMS activation fails",
                      id, "Normal", "Dell", title, "");
    assert_convention("[Case: CAS-07031-E2F5G9] % |Important| HP | Northbridge Bank KMS activation fails %",
                      id, "Important", "HP", title, "");
    assert_convention("Case ID: CAS-07031-E2F5G9 % |Normal|Lenovo| Northbridge Bank KMS activation fails % "
                      "Initial response", id, "Normal", "Lenovo", title, "Initial response");
    assert_convention("回覆: [案例編號: CAS-04518-T2W6Q1 ] % |普通事件|HP| 瑞陽商業銀行電腦啟用失敗 % 初次回應",
                      "CAS-04518-T2W6Q1", "普通事件", "HP", "瑞陽商業銀行電腦啟用失敗", "初次回應");
    /* the tag alone: no severity or vendor, and the title loses the tag */
    assert_convention("Re: [Case #: CAS-07031-E2F5G9] Northbridge Bank KMS activation fails", id, "", "", title, "");
    assert_convention("[案例号: CAS-03877-J9N4S5 ] 中国人寿用户要实现批量部署", "CAS-03877-J9N4S5", "", "",
                      "中国人寿用户要实现批量部署", "");
    /* words that only look like a tag */
    assert_convention("Case study: activation at scale", NULL, NULL, NULL, NULL, NULL);
    assert_convention("[Case closed] activation works", NULL, NULL, NULL, NULL, NULL);
    /* a bare tag elsewhere in the subject, or with nothing after it, is no convention */
    assert_convention("激活失败 [案例号: CAS-03877-J9N4S5 ]", NULL, NULL, NULL, NULL, NULL);
    assert_convention("Re: [Case #: CAS-07031-E2F5G9]", NULL, NULL, NULL, NULL, NULL);
}

static void thread_keys_are_stable(void **state)
{
    char *a = ck_thread_key("root@example.org"), *b = ck_thread_key("root@example.org");
    char *c = ck_thread_key("other@example.org");
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
    assert_int_equal(strlen(a), 12);
    assert_true(g_str_has_prefix(a, "THR-"));
    g_free(a);
    g_free(b);
    g_free(c);
}

static void closing_phrases_respect_negation(void **state)
{
    assert_true(ck_text_closes_case("接下来我会将此事件做一个归档处理。"));
    assert_true(ck_text_closes_case("問題已解決，本案結案。"));
    assert_true(ck_text_closes_case("Thanks, we will close the case now."));
    assert_true(ck_text_closes_case("This case is now closed and I will archive it."));
    assert_false(ck_text_closes_case("如果能及时解决问题，我们将考虑关闭案例。"));
    assert_false(ck_text_closes_case("请暂不结案，问题还在。"));
    assert_false(ck_text_closes_case("Please do not close the case yet."));
    assert_false(ck_text_closes_case("激活仍然失败"));
    /* a question is not a decision; a later question is another sentence */
    assert_false(ck_text_closes_case("问题已解决，可以关闭案例吗？"));
    assert_true(ck_text_closes_case("我会将此事件做一个归档处理。如果您还有问题吗，请随时联系。"));
}

static void japanese_and_korean_closings_count(void **state)
{
    assert_true(ck_text_closes_case("ご確認ありがとうございました。本件はクローズさせていただきます。"));
    assert_true(ck_text_closes_case("ライセンス認証が完了しましたので、ケースを終了いたします。"));
    assert_true(ck_text_closes_case("확인 감사합니다. 본 건은 종료하겠습니다."));
    assert_true(ck_text_closes_case("정품 인증이 완료되어 케이스를 종결 처리합니다."));
    assert_false(ck_text_closes_case("まだ本件はクローズしないでください。"));
    assert_false(ck_text_closes_case("本件はクローズしてもよろしいでしょうか。"));
    assert_false(ck_text_closes_case("아직 케이스를 종료하지 마세요."));
    assert_false(ck_text_closes_case("케이스를 종료할까요?"));
}

static void customers_are_named(void **state)
{
    char *c = ck_customer_in_text("中国人寿用户要实现批量部署，批量激活");
    assert_string_equal(c, "中国人寿");
    g_free(c);
    c = ck_customer_in_text("您好\n客户：华夏银行，设备 200 台");
    assert_string_equal(c, "华夏银行");
    g_free(c);
    assert_null(ck_customer_in_text("激活失败，请协助"));
    const char *titles[][2] = {
        { "江淮农商银行分支机构终端KMS激活失败 0x8007232B", "江淮农商银行" },
        { "北辰市人民医院门诊终端激活报错0xC004F06C", "北辰市人民医院" },
        { "云岭农商银行滨江支行MAK密钥激活次数已达上限", "云岭农商银行" },
        { "临川市税务局终端提示此工作站和主域间的信任关系失败", "临川市税务局" },
        { "Northbridge Bank KMS activation fails with 0xC004F074", "Northbridge Bank" },
        { "Yunling Rural Bank HQ: terminals cannot activate", "Yunling Rural Bank" },
    };
    for (guint i = 0; i < G_N_ELEMENTS(titles); i++) {
        c = ck_customer_in_text(titles[i][0]);
        assert_non_null(c);
        assert_string_equal(c, titles[i][1]);
        g_free(c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(case_ids_are_found_in_subjects_and_text),
        cmocka_unit_test(aliases_are_normalised),
        cmocka_unit_test(reply_prefixes_are_stripped),
        cmocka_unit_test(subject_convention_gives_fields),
        cmocka_unit_test(english_and_traditional_conventions_give_fields),
        cmocka_unit_test(thread_keys_are_stable),
        cmocka_unit_test(closing_phrases_respect_negation),
        cmocka_unit_test(japanese_and_korean_closings_count),
        cmocka_unit_test(customers_are_named),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
