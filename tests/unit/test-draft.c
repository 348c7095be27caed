/* test-draft.c — reply drafts: language detection, the customer's name,
 * cause templates filled with the case's facts and nothing else,
 * 【待补充】 / [TO FILL] markers, requests for missing information,
 * product-key masking, signatures, and a new mail read from a file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <glib/gstdio.h>

#include "reports/output.h"
#include "reports/checklist.h"
#include "reports/draft.h"

#define FULL_KEY "VK7JG-NPHTM-C97JM-9MPGT-3V66T"

/* The shipped rules (tests run from the top of the tree or CASEKB_TOP). */
static int setup(void **state)
{
    const char *top = g_getenv("CASEKB_TOP") ? g_getenv("CASEKB_TOP") : ".";
    g_autofree char *dir = g_build_filename(top, "rules", NULL);
    const char *paths[] = { dir, NULL };
    GError *error = NULL;
    *state = ck_ruleset_load(paths, &error);
    if (!*state)
        fail_msg("rules: %s", error->message);
    return 0;
}

static int teardown(void **state)
{
    ck_ruleset_free(*state);
    return 0;
}

/* A document: MESSAGES, ENTITIES, CAUSES and REQUESTS as JSON text, with a
 * checklist of the serial-invalid steps.  Caller unrefs. */
static JsonNode *make_doc(const char *messages, const char *entities, const char *causes, const char *requests)
{
    g_autofree char *text = g_strdup_printf(
        "{\"case_id\": \"CAS-03877-J9N4S5\", \"title\": \"中国人寿用户要实现批量部署，批量激活\","
        " \"messages\": %s, \"entities\": %s, \"causes\": %s, \"requests\": %s,"
        " \"sections\": {\"definition\": \"中国人寿用户自行批量部署系统后遇到激活问题。\"},"
        " \"checklist\": [{\"cause\": \"activation.serial-invalid\", \"id\": \"activation.check-license\","
        "   \"title\": \"查看许可证状态和部分产品密钥\", \"title_en\": \"Show license status\", \"why\": \"确认密钥。\","
        "   \"why_en\": \"Shows the key.\", \"kind\": \"diagnostic\", \"command\": \"slmgr /dlv\", \"params\": [],"
        "   \"do_not\": []},"
        "  {\"cause\": \"activation.kms-unreachable\", \"id\": \"kms.set-host\", \"title\": \"指定 KMS 主机\","
        "   \"title_en\": \"Point the client at the KMS host\", \"why\": \"手动指定。\", \"why_en\": \"Sets it.\","
        "   \"kind\": \"change\", \"command\": \"slmgr /skms {{kms_host}}:{{kms_port}}\", \"do_not\": [],"
        "   \"params\": [{\"name\": \"kms_host\", \"validate\": \"^[A-Za-z0-9.-]{1,253}$\"},"
        "              {\"name\": \"kms_port\", \"validate\": \"^[0-9]{1,5}$\"}]}]}",
        messages, entities, causes, requests);
    GError *error = NULL;
    JsonNode *node = json_from_string(text, &error);
    if (!node)
        fail_msg("fixture JSON: %s", error->message);
    return node;
}

static const char SEED_MESSAGES[] =
    "[{\"side\": \"support\", \"from\": \"Shi Guannan\", \"body\": \"Xue Ji Qiang 您好！\\n根据之前的讨论……\"}]";
static const char SERIAL_CAUSE[] =
    "[{\"id\": \"activation.serial-invalid\", \"score\": 0.7, \"reply\": {\"zh\": \"stored zh reply\", \"en\": \"stored en\"}}]";
static const char OPEN_SN_REQUEST[] =
    "[{\"message\": 1, \"text\": \"需要您提供用户激活失败时使用的激活SN（激活标签上的13位序列号）\", \"from\": \"support\","
    "  \"needs\": \"serial_numbers\", \"answered\": false}]";

/* The draft of DOC (unref'd here) with RULES and SIGNATURE.  Caller unrefs. */
static JsonNode *draft_of(JsonNode *doc, const CkRuleSet *rules, const char *signature)
{
    JsonNode *draft = ck_draft_build(json_node_get_object(doc), rules, signature, NULL);
    json_node_unref(doc);
    return draft;
}

/* Member NAME of a draft, as a string. */
static const char *field(JsonNode *draft, const char *name)
{
    return json_object_get_string_member(json_node_get_object(draft), name);
}

/* Number of strings in array NAME of a draft holding NEEDLE. */
static guint count_in(JsonNode *draft, const char *name, const char *needle)
{
    JsonArray *a = ck_json_get_array(json_node_get_object(draft), name);
    guint n = 0;
    for (guint i = 0; i < json_array_get_length(a); i++)
        n += strstr(json_array_get_string_element(a, i), needle) != NULL;
    return n;
}

static void test_language_detection(void **state)
{
    assert_int_equal(ck_language_of("请执行 slmgr /dlv 并把结果截图发给我们"), CK_LANG_ZH);
    assert_int_equal(ck_language_of("执行 slmgr /ato 报错 0xC004F074，没有可以联系的密钥管理服务(KMS)。"), CK_LANG_ZH);
    assert_int_equal(ck_language_of("Please run slmgr /dlv and send us the output. 谢谢"), CK_LANG_EN);
    assert_int_equal(ck_language_of("Dear 张伟, the KMS host kms01.example.cn is down again."), CK_LANG_EN);
    assert_int_equal(ck_language_of(""), CK_LANG_EN);
    assert_int_equal(ck_language_of(NULL), CK_LANG_EN);
    /* a case: the customer's LAST mail decides, whatever came before */
    g_autoptr(JsonNode) doc = json_from_string(
        "{\"messages\": [{\"side\": \"customer\", \"body\": \"激活失败，请帮忙看看。\"},"
        " {\"side\": \"support\", \"body\": \"您好，请提供序列号。\"},"
        " {\"side\": \"customer\", \"body\": \"Here is the output you asked for.\"}]}", NULL);
    assert_int_equal(ck_case_language(json_node_get_object(doc)), CK_LANG_EN);
}

static void test_seed_style_reply(void **state)
{
    JsonNode *draft = draft_of(make_doc(SEED_MESSAGES, "{\"serial_numbers\": []}", SERIAL_CAUSE, OPEN_SN_REQUEST),
                               *state, NULL);
    const char *text = field(draft, "text");
    assert_string_equal(field(draft, "language"), "zh");
    assert_string_equal(field(draft, "greeting"), "Xue Ji Qiang 您好！");
    assert_true(g_str_has_prefix(text, "Xue Ji Qiang 您好！\n"));
    assert_non_null(strstr(text, "问题定义:\n中国人寿用户自行批量部署系统后遇到激活问题。\n问题范围:\n"));
    assert_non_null(strstr(text, "下一步计划:\n1. 查看许可证状态和部分产品密钥：slmgr /dlv\n   原因：确认密钥。\n"));
    assert_non_null(strstr(text, "2. 指定 KMS 主机：slmgr /skms 【待补充：kms_host】:【待补充：kms_port】\n"));
    /* the open request is asked again, once, in the case's own words */
    assert_int_equal(count_in(draft, "requests", "13位序列号"), 1);
    assert_int_equal(count_in(draft, "requests", "需要您提供用户激活失败时使用的激活SN"), 1);
    /* the template, rendered from the rule with this case's (missing) serial */
    assert_non_null(strstr(text, "标签序列号激活失败通常是序列号与系统版本不符"));
    assert_null(strstr(text, "stored zh reply"));
    assert_non_null(strstr(text, "如果您对以上的问题范围界定有任何异议，请尽快告知。"));
    assert_non_null(strstr(text, "【待补充：姓名】"));
    assert_true(json_object_get_int_member(json_node_get_object(draft), "to_fill") >= 5);
    json_node_unref(draft);
}

static void test_serial_request_only_when_missing(void **state)
{
    JsonNode *draft = draft_of(make_doc(SEED_MESSAGES, "{\"serial_numbers\": []}", SERIAL_CAUSE, "[]"), *state, NULL);
    assert_int_equal(count_in(draft, "requests", "请提供激活失败时使用的13位序列号"), 1);
    json_node_unref(draft);
    draft = draft_of(make_doc(SEED_MESSAGES, "{\"serial_numbers\": [\"1234567890123\"]}", SERIAL_CAUSE, "[]"),
                     *state, NULL);
    assert_int_equal(count_in(draft, "requests", "序列号"), 0);
    assert_non_null(strstr(field(draft, "text"), "您提供的序列号：1234567890123。"));
    assert_int_equal(count_in(draft, "facts", "序列号：1234567890123"), 1);
    json_node_unref(draft);
}

static void test_no_invented_facts(void **state)
{
    const char *mak = "[{\"id\": \"activation.mak-limit\", \"score\": 0.6}]";
    JsonNode *draft = draft_of(make_doc(SEED_MESSAGES, "{\"error_codes\": [], \"hosts\": []}", mak, "[]"), *state, NULL);
    const char *text = field(draft, "text");
    /* the rule says 错误 {{error_code}}: the case has none, so none is written */
    assert_non_null(strstr(text, "错误 【待补充：error_code】 表示该 MAK 密钥的激活次数已用完"));
    assert_null(strstr(text, "0x"));
    assert_null(strstr(text, "<error_code>"));
    assert_int_equal(count_in(draft, "requests", "完整错误代码"), 1);
    assert_int_equal(json_array_get_length(ck_json_get_array(json_node_get_object(draft), "facts")), 0);
    json_node_unref(draft);
    /* with the code in the case it is used, and not asked for */
    draft = draft_of(make_doc(SEED_MESSAGES, "{\"error_codes\": [\"0xC004C020\"]}", mak, "[]"), *state, NULL);
    assert_non_null(strstr(field(draft, "text"), "错误 0xC004C020 表示"));
    assert_int_equal(count_in(draft, "requests", "错误代码"), 0);
    json_node_unref(draft);
}

static void test_english_reply_and_signature(void **state)
{
    const char *messages =
        "[{\"side\": \"support\", \"from\": \"Jason Wu\", \"body\": \"Hi Daniel,\\nCould you please send the output?\"},"
        " {\"side\": \"customer\", \"from\": \"Daniel Wright\", \"body\": \"Hi Jason,\\nTcpTestSucceeded is False.\"}]";
    const char *kms = "[{\"id\": \"activation.kms-unreachable\", \"score\": 0.8}]";
    JsonNode *draft = draft_of(make_doc(messages, "{\"error_codes\": [\"0xC004F074\"], \"hosts\": [\"kms01.nbbank.example.com:1688\"]}",
                                        kms, "[]"), *state, NULL);
    const char *text = field(draft, "text");
    assert_string_equal(field(draft, "language"), "en");
    assert_true(g_str_has_prefix(text, "Hi Daniel,\nTo confirm our understanding"));
    assert_non_null(strstr(text, "Error 0xC004F074 means the client could not contact the KMS host."));
    assert_non_null(strstr(text, "2. Point the client at the KMS host: slmgr /skms kms01.nbbank.example.com:1688\n"));
    assert_non_null(strstr(text, "[TO FILL: name]"));
    assert_null(strstr(text, "【"));
    gint64 placeholders = json_object_get_int_member(json_node_get_object(draft), "to_fill");
    json_node_unref(draft);
    draft = draft_of(make_doc(messages, "{\"hosts\": [\"kms01.nbbank.example.com:1688\"], \"error_codes\": [\"0xC004F074\"]}",
                              kms, "[]"), *state, "Jason Wu\nSupport: 400-810-0055\n");
    assert_true(g_str_has_suffix(field(draft, "text"), "Jason Wu\nSupport: 400-810-0055\n"));
    assert_int_equal(json_object_get_int_member(json_node_get_object(draft), "to_fill"), placeholders - 3);
    json_node_unref(draft);
}

static void test_keys_masked_and_rules_optional(void **state)
{
    JsonNode *draft = draft_of(make_doc(SEED_MESSAGES, "{\"product_keys\": [\"" FULL_KEY "\"]}", SERIAL_CAUSE, "[]"),
                               NULL, NULL);
    const char *text = field(draft, "text");
    assert_null(strstr(text, FULL_KEY));
    assert_non_null(strstr(text, "产品密钥：*****-*****-*****-*****-3V66T"));
    assert_non_null(strstr(text, "stored zh reply"));   /* without rules: the reply stored with the cause */
    json_node_unref(draft);
}

static void test_unknown_name_is_marked(void **state)
{
    JsonNode *draft = draft_of(make_doc("[{\"side\": \"customer\", \"from\": \"kefu@example.cn\", \"body\": \"激活失败\"}]",
                                        "{}", "[]", "[]"), *state, NULL);
    assert_string_equal(field(draft, "greeting"), "【待补充：客户姓名】 您好！");
    assert_non_null(strstr(field(draft, "text"), "问题分析:\n【待补充：问题分析】\n"));
    json_node_unref(draft);
}

static void test_new_mail_file(void **state)
{
    g_autofree char *dir = g_dir_make_tmp("test-draft-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "new.eml", NULL);
    const char mail[] =
        "From: Xue Ji Qiang <xjq@chinalife.example.cn>\r\nTo: support@cmgos.com\r\n"
        "Subject: =?UTF-8?B?5r+A5rS75aSx6LSl?=\r\nDate: Tue, 9 Mar 2021 10:00:00 +0800\r\n"
        "Message-ID: <new-1@chinalife.example.cn>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        "您好，\r\n用户输入神州网信标签上的序列号，激活失败，提示序列号无效。\r\n";
    assert_true(g_file_set_contents(path, mail, -1, NULL));
    GError *error = NULL;
    JsonNode *doc = ck_mail_document(*state, path, &error);
    assert_non_null(doc);
    JsonObject *o = json_node_get_object(doc);
    assert_string_equal(json_object_get_string_member(o, "title"), "激活失败");
    assert_string_equal(json_object_get_string_member(o, "status"), "new");
    JsonArray *causes = ck_json_get_array(o, "causes");
    assert_true(json_array_get_length(causes) >= 1);
    assert_string_equal(json_object_get_string_member(json_array_get_object_element(causes, 0), "id"),
                        "activation.serial-invalid");
    JsonNode *draft = draft_of(doc, *state, NULL);
    assert_string_equal(field(draft, "greeting"), "Xue Ji Qiang 您好！");
    assert_non_null(strstr(field(draft, "definition"), "用户输入神州网信标签上的序列号，激活失败"));
    assert_null(strstr(field(draft, "definition"), "您好"));
    assert_int_equal(count_in(draft, "requests", "13位序列号"), 1);
    json_node_unref(draft);
    g_autofree char *not_mail = g_build_filename(dir, "notes.txt", NULL);
    assert_true(g_file_set_contents(not_mail, "just some notes\n", -1, NULL));
    assert_null(ck_mail_document(*state, not_mail, &error));
    assert_non_null(error);
    g_clear_error(&error);
    g_unlink(path);
    g_unlink(not_mail);
    g_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_language_detection),
        cmocka_unit_test_setup_teardown(test_seed_style_reply, setup, teardown),
        cmocka_unit_test_setup_teardown(test_serial_request_only_when_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_invented_facts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_english_reply_and_signature, setup, teardown),
        cmocka_unit_test(test_keys_masked_and_rules_optional),
        cmocka_unit_test_setup_teardown(test_unknown_name_is_marked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_new_mail_file, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
