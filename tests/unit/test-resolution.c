/* test-resolution.c — how a case was resolved (store/resolution.h): bare
 * closing formulas are not resolutions, the fallbacks, and the commands of
 * the resolving replies (negated ones and "do not" ones left out). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "store/resolution.h"

/* One message of a test case: side and new text. */
typedef struct {
    const char *side, *body;
    const char *const *commands;   /* commands written in BODY, NULL-terminated (may be NULL) */
} Msg;

/* A case document with MESSAGES, SECTIONS (conclusion, analysis) and a
 * checklist warning DO_NOT; each command of a message gets an entity span
 * at its place in the body, as the analyzer writes it. */
static JsonObject *make_doc(const Msg *messages, guint n, const char *conclusion, const char *analysis,
                            const char *do_not)
{
    JsonObject *doc = json_object_new();
    JsonArray *list = json_array_new(), *spans = json_array_new(), *checklist = json_array_new();
    for (guint i = 0; i < n; i++) {
        JsonObject *m = json_object_new();
        json_object_set_int_member(m, "index", i + 1);
        json_object_set_string_member(m, "side", messages[i].side);
        json_object_set_string_member(m, "body", messages[i].body);
        json_array_add_object_element(list, m);
        for (guint k = 0; messages[i].commands && messages[i].commands[k]; k++) {
            const char *at = strcasestr(messages[i].body, messages[i].commands[k]);
            assert_non_null(at);
            JsonObject *s = json_object_new();
            json_object_set_string_member(s, "type", "commands");
            json_object_set_string_member(s, "value", messages[i].commands[k]);
            json_object_set_string_member(s, "part", "new_text");
            json_object_set_int_member(s, "message", i + 1);
            json_object_set_int_member(s, "start", at - messages[i].body);
            json_object_set_int_member(s, "end", at - messages[i].body + strlen(messages[i].commands[k]));
            json_array_add_object_element(spans, s);
        }
    }
    JsonObject *sections = json_object_new(), *item = json_object_new();
    json_object_set_string_member(sections, "conclusion", conclusion);
    json_object_set_string_member(sections, "analysis", analysis);
    JsonArray *warnings = json_array_new();
    json_array_add_string_element(warnings, do_not);
    json_object_set_array_member(item, "do_not", warnings);
    json_array_add_object_element(checklist, item);
    json_object_set_array_member(doc, "messages", list);
    json_object_set_array_member(doc, "entity_spans", spans);
    json_object_set_array_member(doc, "checklist", checklist);
    json_object_set_object_member(doc, "sections", sections);
    return doc;
}

#define CMDS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void bare_closings_are_not_resolutions(void **state)
{
    const char *bare[] = { "用户反馈可以正常关闭案例。", "同意结案", "Thanks, please close the case.",
                           "问题已解决，同意关闭案例，谢谢！", "  ", "The issue is resolved, thank you!",
                           "客戶確認問題已解決，本案結案。" };
    for (gsize i = 0; i < G_N_ELEMENTS(bare); i++)
        assert_true(ck_text_is_bare_closing(bare[i]));
    const char *real[] = { "放行 1688 端口后执行 slmgr /skms 与 slmgr /ato，全部激活成功。",
                           "allow TCP 1688 to the KMS host, then slmgr /ato on each client.",
                           "重新封装母盘后问题解决", "Closed after the rearm." };
    for (gsize i = 0; i < G_N_ELEMENTS(real); i++)
        assert_false(ck_text_is_bare_closing(real[i]));
}

/* A command the steps already show is not repeated after them, whatever
 * its case in the mail (command entities are stored lower-case). */
static void steps_do_not_repeat_commands(void **state)
{
    const Msg thread[] = {
        { "customer", "终端激活报 0xC004F074。", NULL },
        { "support", "请执行：\n1. Test-NetConnection kms.example.cn -Port 1688\n2. slmgr /dlv\n另外 ipconfig /all",
          CMDS("test-netconnection kms.example.cn -port 1688", "slmgr /dlv", "ipconfig /all") },
    };
    JsonObject *doc = make_doc(thread, 2, "", "", "");
    JsonArray *steps = json_array_new(), *items = json_array_new();
    json_array_add_string_element(items, "1. Test-NetConnection kms.example.cn -Port 1688");
    json_array_add_string_element(items, "2. slmgr /dlv");
    JsonObject *s = json_object_new();
    json_object_set_int_member(s, "message", 2);
    json_object_set_array_member(s, "items", items);
    json_array_add_object_element(steps, s);
    json_object_set_array_member(doc, "steps", steps);
    CkResolution r;
    ck_case_resolution(doc, &r);
    assert_string_equal(r.from, "support_steps");
    assert_string_equal(r.text, "1. Test-NetConnection kms.example.cn -Port 1688 2. slmgr /dlv — ipconfig /all");
    ck_resolution_clear(&r);
    json_object_unref(doc);
}

static void resolution_falls_back_past_bare_sections(void **state)
{
    const Msg thread[] = {
        { "customer", "克隆的终端 KMS 计数不增加。", NULL },
        { "support", "请按以下步骤处理：\n1. 执行 slmgr /rearm 后重启\n2. 再执行 slmgr /ato", CMDS("slmgr /rearm", "slmgr /ato") },
        { "support", "用户反馈可以正常关闭案例。", NULL },
    };
    JsonObject *doc = make_doc(thread, 3, "用户反馈可以正常关闭案例。", "终端是未封装母机克隆的，CMID 相同。", "");
    CkResolution r;
    ck_case_resolution(doc, &r);
    assert_string_equal(r.from, "analysis");
    assert_string_equal(r.text, "终端是未封装母机克隆的，CMID 相同。");
    ck_resolution_clear(&r);
    json_object_unref(doc);

    doc = make_doc(thread, 3, "同意结案", "", "");
    ck_case_resolution(doc, &r);
    assert_string_equal(r.from, "support_steps");
    assert_int_equal(r.message, 2);
    assert_non_null(strstr(r.text, "slmgr /rearm"));
    assert_null(strstr(r.text, "关闭案例"));
    ck_resolution_clear(&r);
    json_object_unref(doc);

    doc = make_doc(thread, 1, "Thanks, please close.", "", "");
    ck_case_resolution(doc, &r);
    assert_string_equal(r.from, "");
    assert_string_equal(r.text, "");
    ck_resolution_clear(&r);
    json_object_unref(doc);
}

static void resolution_commands_come_from_the_resolving_replies(void **state)
{
    const Msg thread[] = {
        { "support", "请先执行 slmgr /dlv 并截图。", CMDS("slmgr /dlv") },
        { "support", "已部署终端执行 slmgr /rearm 后重启再 slmgr /ato。母盘脚本中删除 slmgr /upk，"
                     "另外不要执行 slmgr /cpky。", CMDS("slmgr /rearm", "slmgr /ato", "slmgr /upk", "slmgr /cpky") },
        { "customer", "按步骤处理后全部激活成功，同意结案。", NULL },
        { "support", "本案例结案。案例总结：执行 slmgr /rearm 与 slmgr /ato 后解决；镜像里的 slmgr /ckms 已去掉。",
          CMDS("slmgr /rearm", "slmgr /ato", "slmgr /ckms") },
    };
    JsonObject *doc = make_doc(thread, 4, "", "", "Do not run slmgr /ckms on the image");
    GPtrArray *commands = ck_case_resolution_commands(doc);
    assert_int_equal(commands->len, 2);
    assert_string_equal(g_ptr_array_index(commands, 0), "slmgr /rearm");
    assert_string_equal(g_ptr_array_index(commands, 1), "slmgr /ato");
    g_ptr_array_unref(commands);
    json_object_unref(doc);

    /* the last support advice came before the customer's last word: only it */
    doc = make_doc(thread, 3, "", "", "");
    commands = ck_case_resolution_commands(doc);
    assert_int_equal(commands->len, 2);
    g_ptr_array_unref(commands);
    json_object_unref(doc);

    /* support's first message is no resolution of a thread without advice after it */
    doc = make_doc(thread + 2, 1, "", "", "");
    commands = ck_case_resolution_commands(doc);
    assert_int_equal(commands->len, 0);
    g_ptr_array_unref(commands);
    json_object_unref(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bare_closings_are_not_resolutions),
        cmocka_unit_test(resolution_falls_back_past_bare_sections),
        cmocka_unit_test(steps_do_not_repeat_commands),
        cmocka_unit_test(resolution_commands_come_from_the_resolving_replies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
