/* test-draft.c — reply drafts that follow the thread: the thread's state
 * (first response, ask, partial results, closing, follow-up, nothing to
 * draft) from sides, order, status, closing and partial-success phrases
 * (Chinese, Traditional, English) and unanswered requests; what a message
 * says without greeting, sign-off, name and thanks; facts quoted verbatim
 * with their message; cause templates only for causes the customer's mail
 * shows; 【待补充】 / [TO FILL] markers; language (Traditional too);
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
#include "reports/thread-state.h"

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

/* A case document from JSON text: STATUS, MESSAGES (indexes are set from
 * their order), ENTITIES, CAUSES and REQUESTS.  Caller unrefs. */
static JsonNode *make_doc(const char *status, const char *messages, const char *entities, const char *causes,
                          const char *requests)
{
    g_autofree char *text = g_strdup_printf(
        "{\"case_id\": \"CAS-09001-T3S7D2\", \"title\": \"测试案例\", \"status\": \"%s\","
        " \"messages\": %s, \"entities\": %s, \"causes\": %s, \"requests\": %s, \"sections\": {},"
        " \"checklist\": [{\"cause\": \"activation.kms-unreachable\", \"id\": \"kms.set-host\", \"title\": \"指定 KMS 主机\","
        "   \"title_en\": \"Point the client at the KMS host\", \"why\": \"手动指定。\", \"why_en\": \"Sets it.\","
        "   \"kind\": \"change\", \"command\": \"slmgr /skms {{kms_host}}:{{kms_port}}\", \"do_not\": [],"
        "   \"params\": [{\"name\": \"kms_host\", \"validate\": \"^[A-Za-z0-9.-]{1,253}$\"},"
        "              {\"name\": \"kms_port\", \"validate\": \"^[0-9]{1,5}$\"}]},"
        "  {\"cause\": \"activation.kms-unreachable\", \"id\": \"activation.activate-online\", \"title\": \"联网激活\","
        "   \"title_en\": \"Activate online\", \"why\": \"重新激活。\", \"why_en\": \"Activates.\", \"kind\": \"change\","
        "   \"command\": \"slmgr /ato\", \"do_not\": [], \"params\": []}]}",
        status, messages, entities, causes, requests);
    GError *error = NULL;
    JsonNode *node = json_from_string(text, &error);
    if (!node)
        fail_msg("fixture JSON: %s", error->message);
    JsonArray *msgs = json_object_get_array_member(json_node_get_object(node), "messages");
    for (guint i = 0; i < json_array_get_length(msgs); i++)
        json_object_set_int_member(json_array_get_object_element(msgs, i), "index", i + 1);
    return node;
}

/* A doc of MESSAGES only (status open, nothing found).  Caller unrefs. */
static JsonNode *thread(const char *status, const char *messages)
{
    return make_doc(status, messages, "{}", "[]", "[]");
}

/* The kind ck_thread_state() gives DOC (unref'd here). */
static CkReplyKind state_of(JsonNode *doc)
{
    CkThreadState st;
    ck_thread_state(json_node_get_object(doc), &st);
    CkReplyKind kind = st.kind;
    assert_non_null(st.reason);
    ck_thread_state_clear(&st);
    json_node_unref(doc);
    return kind;
}

#define SUPPORT(body) "{\"side\": \"support\", \"from\": \"杜文杰\", \"body\": \"" body "\"}"
#define CUSTOMER(body) "{\"side\": \"customer\", \"from\": \"韩雪松\", \"body\": \"" body "\"}"

static void test_thread_states(void **state)
{
    assert_int_equal(state_of(thread("open", "[" CUSTOMER("孟工，你好\\n部署后 85 台终端都无法激活。\\n韩雪松") "]")),
                     CK_REPLY_FIRST);
    assert_int_equal(state_of(thread("open", "[" CUSTOMER("无法激活。") "," SUPPORT("请执行 slmgr /dlv。") "]")),
                     CK_REPLY_NONE);
    assert_int_equal(state_of(thread("open", "[]")), CK_REPLY_NONE);
    /* closing: the customer agrees, or says it is solved */
    assert_int_equal(state_of(thread("closed", "[" SUPPORT("请同步时间。") "," CUSTOMER("问题已解决，同意关闭案例。") "]")),
                     CK_REPLY_CLOSING);
    assert_int_equal(state_of(thread("open", "[" SUPPORT("Please resync.") ","
                                     CUSTOMER("All 60 laptops are activated now. The problem is resolved.") "]")),
                     CK_REPLY_CLOSING);
    /* support closed it and the customer only thanked: nothing to draft */
    assert_int_equal(state_of(thread("closed", "[" CUSTOMER("全部激活成功，可以关闭案例。") "," SUPPORT("本案例结案。") ","
                                     CUSTOMER("好的，谢谢！") "]")),
                     CK_REPLY_NONE);
    /* partial success in three scripts, and said in two sentences */
    assert_int_equal(state_of(thread("open", "[" SUPPORT("请同步时间。") "," CUSTOMER("40 台里 36 台已经激活。") "]")),
                     CK_REPLY_PARTIAL);
    assert_int_equal(state_of(thread("open", "[" SUPPORT("請校正時間。") "," CUSTOMER("部分設備已經啟用，其餘仍然失敗。") "]")),
                     CK_REPLY_PARTIAL);
    assert_int_equal(state_of(thread("open", "[" SUPPORT("Please resync.") ","
                                     CUSTOMER("Only 12 of 15 laptops took the key.") "]")),
                     CK_REPLY_PARTIAL);
    assert_int_equal(state_of(thread("open", "[" SUPPORT("Please resync.") ","
                                     CUSTOMER("The Kowloon laptops are activated now.\\nThe Mongkok ones still fail with 0xC004F06C.") "]")),
                     CK_REPLY_PARTIAL);
    /* a question about success is not a report of it */
    assert_int_equal(state_of(thread("open", "[" SUPPORT("建议重新封装。") ","
                                     CUSTOMER("母机封装前已经激活了，封装后还需要重新激活吗？") "]")),
                     CK_REPLY_FOLLOW_UP);
}

static void test_ask_states(void **state)
{
    const char *messages = "[" SUPPORT("请您提供激活失败时使用的 13 位序列号。") "," CUSTOMER("slmgr /dlv 的截图在附件里。") "]";
    const char *open_sn = "[{\"message\": 1, \"text\": \"请您提供激活失败时使用的 13 位序列号\", \"from\": \"support\","
                          " \"needs\": \"serial_numbers\", \"answered\": false}]";
    assert_int_equal(state_of(make_doc("open", messages, "{}", "[]", open_sn)), CK_REPLY_ASK);
    /* the same request answered: the customer's mail is followed up */
    const char *answered = "[{\"message\": 1, \"text\": \"请您提供序列号\", \"from\": \"support\","
                           " \"needs\": \"serial_numbers\", \"answered\": true}]";
    assert_int_equal(state_of(make_doc("open", messages, "{\"serial_numbers\": [\"1234567890123\"]}", "[]", answered)),
                     CK_REPLY_FOLLOW_UP);
    /* a cause needs the SN and the thread has none */
    const char *serial = "[{\"id\": \"activation.serial-invalid\", \"score\": 0.7, \"evidence\": []}]";
    assert_int_equal(state_of(make_doc("open", messages, "{\"serial_numbers\": []}", serial, "[]")), CK_REPLY_ASK);
}

/* The texts of the sentences ck_message_said() finds in BODY from FROM. */
static GPtrArray *said_texts(const char *from, const char *body)
{
    JsonObject *m = json_object_new();
    json_object_set_string_member(m, "side", "customer");
    json_object_set_string_member(m, "from", from);
    json_object_set_string_member(m, "body", body);
    json_object_set_int_member(m, "index", 2);
    GPtrArray *said = ck_message_said(m);
    GPtrArray *texts = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < said->len; i++) {
        CkSaid *s = g_ptr_array_index(said, i);
        assert_int_equal(s->message, 2);
        assert_string_equal(s->side, "customer");
        g_ptr_array_add(texts, g_strdup(s->text));
    }
    g_ptr_array_unref(said);
    json_object_unref(m);
    return texts;
}

static void test_what_was_said(void **state)
{
    g_autoptr(GPtrArray) zh = said_texts("韩雪松", "孟工，你好\n按第 1 步处理了 30 台，其中 28 台已经激活成功。\n"
                                                 "有两个问题想确认：\n1. 剩下 2 台报 0xC004C003，是标签错了吗？\n"
                                                 "非常感谢您的帮助！\n谢谢！\n韩雪松\n青禾市政务服务中心 信息科\n电话：0551-1234567\n");
    assert_int_equal(zh->len, 2);
    assert_string_equal(g_ptr_array_index(zh, 0), "按第 1 步处理了 30 台，其中 28 台已经激活成功。");
    assert_string_equal(g_ptr_array_index(zh, 1), "剩下 2 台报 0xC004C003，是标签错了吗？");
    g_autoptr(GPtrArray) en = said_texts("Daniel Wright (Northbridge)",
                                         "Hi Jason,\n\nslmgr /dlv shows License Status: Notification,\n   error 0xC004F074. "
                                         "Ping works.\n\nThanks for the quick reply.\n\nBest regards,\nDaniel\n");
    assert_int_equal(en->len, 2);
    assert_string_equal(g_ptr_array_index(en, 0), "slmgr /dlv shows License Status: Notification, error 0xC004F074.");
    assert_string_equal(g_ptr_array_index(en, 1), "Ping works.");
    /* a greeting that opens the line with text after it */
    g_autoptr(GPtrArray) tw = said_texts("陳怡君", "高工程師您好：敝行台北分行 50 台電腦啟用失敗。\n陳怡君\n");
    assert_int_equal(tw->len, 1);
    assert_string_equal(g_ptr_array_index(tw, 0), "敝行台北分行 50 台電腦啟用失敗。");
}

static void test_sentence_flags(void **state)
{
    assert_true(ck_said_flags("请问是否需要更换主板电池？") & CK_SAID_QUESTION);
    assert_false(ck_said_flags("有两个问题想确认：") & CK_SAID_QUESTION);
    assert_true(ck_said_flags("120 台里 105 台已经激活成功。") & CK_SAID_PARTIAL);
    assert_true(ck_said_flags("120 台里 105 台已经激活成功。") & CK_SAID_WORKED);
    assert_false(ck_said_flags("仍有 3 台没有激活成功。") & CK_SAID_WORKED);
    assert_true(ck_said_flags("仍有 3 台没有激活成功。") & CK_SAID_REMAINS);
    assert_false(ck_said_flags("The laptops are not activated yet.") & CK_SAID_WORKED);
    assert_true(ck_said_flags("问题已解决，同意关闭案例。") & CK_SAID_CLOSES);
    assert_false(ck_said_flags("问题解决前请不要关闭案例。") & CK_SAID_CLOSES);
    assert_true(ck_said_flags("It still fails on some machines.") & CK_SAID_PARTIAL);
}

/* The draft of DOC (unref'd here) of KIND.  Caller unrefs. */
static JsonNode *draft_of(JsonNode *doc, const CkRuleSet *rules, CkReplyKind kind, const char *signature)
{
    JsonNode *draft = ck_draft_build(json_node_get_object(doc), rules, kind, signature, NULL);
    json_node_unref(doc);
    return draft;
}

/* Member NAME of a draft, as a string. */
static const char *field(JsonNode *draft, const char *name)
{
    return json_object_get_string_member(json_node_get_object(draft), name);
}

/* Assert that every fact of DRAFT is in the body of its message of DOC
 * (white space normalised) with its side; returns how many facts. */
static guint assert_facts_traceable(JsonNode *draft, JsonNode *doc)
{
    JsonArray *facts = ck_json_get_array(json_node_get_object(draft), "facts");
    JsonArray *messages = ck_json_get_array(json_node_get_object(doc), "messages");
    for (guint i = 0; i < json_array_get_length(facts); i++) {
        JsonObject *f = json_array_get_object_element(facts, i);
        gint64 index = ck_json_int(f, "message_index");
        assert_in_range(index, 1, json_array_get_length(messages));
        JsonObject *m = json_array_get_object_element(messages, (guint)index - 1);
        g_autofree char *body = ck_space_normalise(ck_json_str(m, "body"));
        g_autofree char *text = ck_space_normalise(ck_json_str(f, "text"));
        if (!strstr(body, text))
            fail_msg("fact not in mail %d: %s", (int)index, text);
        assert_string_equal(ck_json_str(f, "side"), ck_json_str(m, "side"));
    }
    return json_array_get_length(facts);
}

static const char PARTIAL_THREAD[] =
    "[" SUPPORT("韩工 您好！\\n请执行 slmgr /skms kms.example.cn:1688，再执行 slmgr /ato。")
    "," CUSTOMER("孟工，你好\\n按您给的步骤处理后，120 台里 105 台已经激活成功。\\n"
                 "剩下 15 台执行 slmgr /ato 仍然报 0xC004F074。\\n请问 3 楼要单独放行 1688 端口吗？\\n谢谢！\\n韩雪松") "]";

static void test_partial_follow_up(void **state)
{
    const char *kms = "[{\"id\": \"activation.kms-unreachable\", \"score\": 0.8,"
                      " \"evidence\": [{\"message\": 2, \"text\": \"0xC004F074\"}]}]";
    JsonNode *doc = make_doc("open", PARTIAL_THREAD, "{\"commands\": [\"slmgr /skms kms.example.cn:1688\", \"slmgr /ato\"],"
                             " \"error_codes\": [\"0xC004F074\"]}", kms, "[]");
    JsonNode *draft = ck_draft_build(json_node_get_object(doc), *state, CK_REPLY_AUTO, NULL, NULL);
    const char *text = field(draft, "text");
    assert_string_equal(field(draft, "kind"), "partial");
    assert_int_equal(assert_facts_traceable(draft, doc), 3);
    assert_non_null(strstr(text, "*  按您给的步骤处理后，120 台里 105 台已经激活成功。\n"));
    assert_non_null(strstr(text, "目前仍需处理的部分：\n*  剩下 15 台执行 slmgr /ato 仍然报 0xC004F074。\n"));
    assert_non_null(strstr(text, "1. 请问 3 楼要单独放行 1688 端口吗？\n   答复：【待补充：答复】\n"));
    /* the steps support already sent are not sent again */
    assert_int_equal(json_array_get_length(ck_json_get_array(json_node_get_object(draft), "steps")), 0);
    assert_null(strstr(text, "slmgr /skms"));
    assert_non_null(strstr(text, "【待补充：针对剩余部分的处理建议】"));
    /* the customer's own mail shows the cause: its template, filled from that mail */
    assert_non_null(strstr(text, "错误 0xC004F074 表示客户端无法联系 KMS 主机。"));
    assert_null(strstr(text, "问题范围界定"));
    assert_null(strstr(text, "谢谢！"));
    json_node_unref(draft);
    json_node_unref(doc);
}

static void test_closing_summary(void **state)
{
    const char *messages =
        "[" SUPPORT("韩工 您好！\\n问题定义:\\n分行 80 台终端执行 slmgr /ato 报错 0x8007232B。\\n问题范围:\\n确认原因。")
        "," SUPPORT("韩工 您好！\\n原因已确认：分行 DNS 区域里没有 _vlmcs._tcp 的 SRV 记录。\\n1. 在分行 DNS 中添加 SRV 记录")
        "," CUSTOMER("孟工，你好\\n补充 SRV 记录后 80 台终端都已激活成功。\\n问题已解决，同意关闭案例。\\n谢谢！") "]";
    JsonNode *doc = make_doc("closed", messages, "{}", "[]", "[]");
    json_object_set_object_member(json_node_get_object(doc), "sections", json_object_new());
    json_object_set_string_member(json_object_get_object_member(json_node_get_object(doc), "sections"), "definition",
                                  "分行 80 台终端执行 slmgr /ato 报错 0x8007232B。");
    JsonNode *draft = ck_draft_build(json_node_get_object(doc), *state, CK_REPLY_AUTO, NULL, NULL);
    const char *text = field(draft, "text");
    assert_string_equal(field(draft, "kind"), "closing");
    assert_true(assert_facts_traceable(draft, doc) >= 4);
    assert_non_null(strstr(text, "以下为案例总结：\n问题描述：\n==========================\n"
                                 "分行 80 台终端执行 slmgr /ato 报错 0x8007232B。\n问题分析：\n"));
    assert_non_null(strstr(text, "==========================\n原因已确认：分行 DNS 区域里没有 _vlmcs._tcp 的 SRV 记录。"));
    assert_non_null(strstr(text, "问题结论：\n==========================\n"
                                 "补充 SRV 记录后 80 台终端都已激活成功。问题已解决，同意关闭案例。\n"));
    assert_null(strstr(text, "谢谢！"));
    json_node_unref(draft);
    json_node_unref(doc);
}

static void test_nothing_to_draft(void **state)
{
    JsonNode *draft = draft_of(thread("closed", "[" CUSTOMER("可以关闭案例。") "," SUPPORT("本案例结案。") "]"),
                               *state, CK_REPLY_AUTO, NULL);
    assert_true(ck_draft_is_none(draft));
    assert_string_equal(field(draft, "kind"), "none");
    assert_non_null(strstr(field(draft, "reason"), "closed"));
    assert_false(json_object_has_member(json_node_get_object(draft), "text"));
    json_node_unref(draft);
    /* an engineer may draft anyway */
    draft = draft_of(thread("closed", "[" CUSTOMER("可以关闭案例。") "," SUPPORT("本案例结案。") "]"), *state,
                     CK_REPLY_FOLLOW_UP, NULL);
    assert_string_equal(field(draft, "kind"), "follow-up");
    assert_non_null(strstr(field(draft, "reason"), "--kind"));
    json_node_unref(draft);
    CkReplyKind kind = CK_REPLY_AUTO;
    assert_true(ck_reply_kind_parse("follow-up", &kind));
    assert_int_equal(kind, CK_REPLY_FOLLOW_UP);
    assert_false(ck_reply_kind_parse("reply", &kind));
}

static void test_first_response_states_only_the_customer(void **state)
{
    /* only support mentioned slmgr /upk: the key-uninstalled template, which
     * says "根据您的描述…", must not be used */
    const char *messages = "[" SUPPORT("Xue Ji Qiang 您好！\\n建议保留系统中的 PK，不要执行 slmgr /upk。") "]";
    const char *upk = "[{\"id\": \"activation.key-uninstalled\", \"score\": 0.5,"
                      " \"evidence\": [{\"message\": 1, \"text\": \"slmgr /upk\"}]}]";
    JsonNode *draft = draft_of(make_doc("closed", messages, "{}", upk, "[]"), *state, CK_REPLY_FIRST, NULL);
    const char *text = field(draft, "text");
    assert_null(strstr(text, "根据您的描述"));
    assert_null(strstr(text, "卸载产品密钥的操作"));
    assert_non_null(strstr(text, "问题分析:\n【待补充：问题分析】\n"));
    assert_string_equal(field(draft, "greeting"), "Xue Ji Qiang 您好！");
    json_node_unref(draft);
    /* the customer's own words: their definition, greeting and thanks left out */
    const char *theirs = "[" CUSTOMER("王工，您好：\\n封装母盘之前我们执行了 slmgr /upk，现在部署的电脑都无法激活。\\n谢谢！\\n韩雪松") "]";
    const char *upk1 = "[{\"id\": \"activation.key-uninstalled\", \"score\": 0.8,"
                       " \"evidence\": [{\"message\": 1, \"text\": \"slmgr /upk\"}]}]";
    JsonNode *doc = make_doc("open", theirs, "{}", upk1, "[]");
    draft = ck_draft_build(json_node_get_object(doc), *state, CK_REPLY_AUTO, NULL, NULL);
    text = field(draft, "text");
    assert_string_equal(field(draft, "kind"), "first");
    assert_int_equal(assert_facts_traceable(draft, doc), 1);
    assert_non_null(strstr(text, "问题定义:\n封装母盘之前我们执行了 slmgr /upk，现在部署的电脑都无法激活。\n问题范围:\n"));
    assert_non_null(strstr(text, "根据您的描述，镜像制作过程中执行了卸载产品密钥的操作"));
    json_node_unref(draft);
    json_node_unref(doc);
}

static void test_language(void **state)
{
    assert_int_equal(ck_language_of("请执行 slmgr /dlv 并把结果截图发给我们"), CK_LANG_ZH);
    assert_int_equal(ck_language_of("Please run slmgr /dlv and send us the output. 谢谢"), CK_LANG_EN);
    JsonNode *draft = draft_of(thread("open", "[" SUPPORT("林经理 您好！\\n请同步时间。") ","
                                      CUSTOMER("林工程師您好：\\n50 台中有 46 台已經啟用成功。\\n其餘 4 台仍然出現 0xC004F06C。") "]"),
                               *state, CK_REPLY_AUTO, NULL);
    const char *text = field(draft, "text");
    assert_string_equal(field(draft, "language"), "zh-Hant");
    assert_non_null(strstr(text, "很高興看到處理已有進展"));
    assert_non_null(strstr(text, "*  50 台中有 46 台已經啟用成功。\n"));
    assert_non_null(strstr(text, "【待補充："));
    assert_true(json_object_get_int_member(json_node_get_object(draft), "to_fill") >= 3);
    json_node_unref(draft);
    draft = draft_of(thread("open", "[" SUPPORT("Hi Daniel,\\nPlease resync the clock.") ","
                            "{\"side\": \"customer\", \"from\": \"Daniel Wright\", \"body\": \"Hi Jason,\\n"
                            "Only 40 of 45 laptops are activated. The other 5 still fail.\\nThanks,\\nDaniel\"}]"),
                     *state, CK_REPLY_AUTO, "Jason Wu\nSupport: 400-810-0055\n");
    text = field(draft, "text");
    assert_string_equal(field(draft, "language"), "en");
    assert_true(g_str_has_prefix(text, "Hi Daniel,\nThank you for the update"));
    assert_non_null(strstr(text, "*  Only 40 of 45 laptops are activated.\n"));
    assert_true(g_str_has_suffix(text, "Jason Wu\nSupport: 400-810-0055\n"));
    assert_null(strstr(text, "【"));
    json_node_unref(draft);
}

static void test_keys_masked_and_rules_optional(void **state)
{
    const char *messages = "[" CUSTOMER("密钥 " FULL_KEY " 激活失败，提示序列号无效。") "]";
    const char *serial = "[{\"id\": \"activation.serial-invalid\", \"score\": 0.7, \"evidence\": [{\"message\": 1,"
                         " \"text\": \"序列号无效\"}], \"reply\": {\"zh\": \"stored zh reply\", \"en\": \"stored en\"}}]";
    JsonNode *draft = draft_of(make_doc("open", messages, "{}", serial, "[]"), NULL, CK_REPLY_AUTO, NULL);
    const char *text = field(draft, "text");
    assert_null(strstr(text, FULL_KEY));
    assert_non_null(strstr(text, "*****-*****-*****-*****-3V66T"));
    assert_non_null(strstr(text, "stored zh reply"));   /* without rules: the reply stored with the cause */
    json_node_unref(draft);
}

static void test_unknown_name_is_marked(void **state)
{
    JsonNode *draft = draft_of(thread("open", "[{\"side\": \"customer\", \"from\": \"kefu@example.cn\", \"body\": \"激活失败\"}]"),
                               *state, CK_REPLY_AUTO, NULL);
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
    JsonNode *draft = ck_draft_build(o, *state, CK_REPLY_AUTO, NULL, NULL);
    assert_string_equal(field(draft, "kind"), "first");
    assert_string_equal(field(draft, "greeting"), "Xue Ji Qiang 您好！");
    assert_int_equal(assert_facts_traceable(draft, doc), 1);
    assert_non_null(strstr(field(draft, "text"), "问题定义:\n用户输入神州网信标签上的序列号，激活失败，提示序列号无效。\n"));
    assert_non_null(strstr(field(draft, "text"), "标签序列号激活失败通常是序列号与系统版本不符"));
    json_node_unref(draft);
    json_node_unref(doc);
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
        cmocka_unit_test(test_thread_states),
        cmocka_unit_test(test_ask_states),
        cmocka_unit_test(test_what_was_said),
        cmocka_unit_test(test_sentence_flags),
        cmocka_unit_test_setup_teardown(test_partial_follow_up, setup, teardown),
        cmocka_unit_test_setup_teardown(test_closing_summary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nothing_to_draft, setup, teardown),
        cmocka_unit_test_setup_teardown(test_first_response_states_only_the_customer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_language, setup, teardown),
        cmocka_unit_test(test_keys_masked_and_rules_optional),
        cmocka_unit_test_setup_teardown(test_unknown_name_is_marked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_new_mail_file, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
