/* test-analyzer.c — the analyzer on the shipped rules/ and on rule files
 * written to a temp dir: embedded examples, entities, sections, steps,
 * requests, causes for the seed case, match limits, `rules check`.
 * Runs with cwd = repository root. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <glib/gstdio.h>
#include "analyzer/analyzer.h"
#include "analyzer/rules.h"

static const char *const shipped[] = {"rules", NULL};

/* ---- seed case (000_be23f238b047d3b8), trimmed ---- */

static const char seed_msg1[] =
    "Xue Ji Qiang 您好！\n"
    "问题定义:\n"
    "中国人寿用户自行批量部署系统后遇到激活问题。用户曾联系过神州网信售后热线处理激活问题，得到答复为需要格式化重新安装系统，用户无法接受此方案。需要进一步提供批量部署、批量激活方案。\n"
    "问题范围:\n"
    "我们将协助您分析处理上述问题，并对定义的问题给予最大的技术支持。\n"
    "-\n"
    "问题详情：\n"
    "如刚才与您电话沟通，目前中国人寿用户的设备状态如下：\n"
    "*  应用户要求，设备未在HP产线灌装系统，未在产线获得激活状态\n"
    "*  用户自行实现批量部署，部署后设备为未激活状态\n"
    "*  用户输入神州网信标签上的序列号，激活失败\n"
    "问题分析及下一步计划:\n"
    "1.\t查询确认设备激活失败原因，解决激活问题\n"
    "*  需要您提供用户激活失败时使用的激活SN（激活标签上的13位序列号）\n"
    "2.\t如果以上激活问题得到解决，不需要重装系统，用户是否可以接受一机一码激活？\n"
    "------------\n"
    "服务支持电话：400-810-0055\n"
    "电子邮箱 Email: shign@cmgos.com <mailto:shgn@cmgos.com>\n";

static const char seed_msg2[] =
    "Hi Ji Qiang，\n"
    "如刚才电话沟通，建议用户再次封装镜像时注意以下内容，尽量避免在制作镜像的过程中存在影响激活的步骤。\n"
    "1.      保留系统中的Product Key（PK），不要在任何时候卸载PK\n"
    "卸载PK的命令为： slmgr /upk\n"
    "检查PK状态方式：slmgr /dlv  查看“部分产品密钥”字段为4M68B\n"
    "2.      Ghost 镜像\n"
    "由于通过GHOST方式部署的设备身份ID（SID）相同，对于 CMGE 系统激活和补丁更新都会存在影响。因此神州网信并不建议用户利用Ghost 进行镜像的再次部署。\n"
    "如果用户坚持使用 Ghost 进行镜像的再次部署，母盘需要系统封装后再进行GHOST。部署到设备后需要联网激活或通过手机APP进行激活。\n"
    "3.      系统封装步骤\n"
    "a)       在开始菜单上单击右键，选择“运行”，输入 sysprep/sysprep，回车后调出系统准备工具。\n"
    "b)       系统清理操作选择“进入系统全新体验（OOBE）”，勾选“通用”选项，关机选项选择“关机” ，系统会开始清理用户数据并关机。\n"
    "c)       设备关机后，系统已完成封装工作，此时可以针对该计算机硬盘内的操作系统分区或整个硬盘进行克隆操作。\n"
    "Guannan\n";

static const char seed_msg3[] =
    "Hi Jiqiang，\n"
    "非常感谢您的反馈，接下来我会将此事件做一个归档处理。\n"
    "以下为案例总结：\n"
    "问题描述：\n"
    "==========================\n"
    "中国人寿用户自行批量部署系统后遇到激活问题。\n"
    "问题分析：\n"
    "==========================\n"
    "需首先分析批量部署的设备激活失败的原因，但由于无法提供SN暂无法确认。\n"
    "已提供制作母版镜像的注意事项，需避免再次造成部署后的激活问题。\n"
    "问题结论：\n"
    "==========================\n"
    "用户反馈可以正常关闭案例。\n"
    "------------\n"
    "Guannan\n";

/* ---- helpers ---- */

typedef struct {
    CkRuleSet *rules;
} Fixture;

/* Load the shipped rules/ into a fixture (fails the test when they do not load). */
static int setup(void **state)
{
    GError *error = NULL;
    Fixture *f = g_new0(Fixture, 1);
    f->rules = ck_ruleset_load(shipped, &error);
    if (!f->rules)
        fail_msg("loading rules/: %s", error ? error->message : "?");
    *state = f;
    return 0;
}

/* Free the fixture. */
static int teardown(void **state)
{
    Fixture *f = *state;
    ck_ruleset_free(f->rules);
    g_free(f);
    return 0;
}

/* A message with BODY from the customer or support. */
static CkAnalysisInput message(int index, const char *body, gboolean from_customer)
{
    CkAnalysisInput m = {.index = index, .subject = "", .body = body, .quoted = "",
                         .forwarded = "", .from = from_customer ? "c@example.cn" : "s@cmgos.com",
                         .from_customer = from_customer};
    return m;
}

/* Analyse one customer message.  Caller unrefs. */
static JsonNode *analyze_text(const CkRuleSet *rules, const char *body)
{
    CkAnalysisInput m = message(1, body, TRUE);
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    JsonNode *out = ck_analyze_case(rules, &m, 1, warnings);
    assert_non_null(out);
    assert_int_equal(warnings->len, 0);
    return out;
}

/* Whether the entities array TYPE of OUT contains VALUE. */
static gboolean has_entity(JsonNode *out, const char *type, const char *value)
{
    JsonObject *ents = json_object_get_object_member(json_node_get_object(out), "entities");
    JsonArray *values = json_object_get_array_member(ents, type);
    for (guint i = 0; values && i < json_array_get_length(values); i++)
        if (strcmp(json_array_get_string_element(values, i), value) == 0)
            return TRUE;
    return FALSE;
}

/* Number of distinct values of entity TYPE in OUT. */
static guint n_entities(JsonNode *out, const char *type)
{
    JsonObject *ents = json_object_get_object_member(json_node_get_object(out), "entities");
    return json_array_get_length(json_object_get_array_member(ents, type));
}

/* Position of cause ID in OUT's causes, or -1. */
static int cause_rank(JsonNode *out, const char *id)
{
    JsonArray *causes = json_object_get_array_member(json_node_get_object(out), "causes");
    for (guint i = 0; i < json_array_get_length(causes); i++)
        if (strcmp(json_object_get_string_member(json_array_get_object_element(causes, i), "id"), id) == 0)
            return (int)i;
    return -1;
}

/* Write CONTENT to DIR/NAME. */
static void write_file(const char *dir, const char *name, const char *content)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    assert_true(g_file_set_contents(path, content, -1, NULL));
}

/* Remove DIR and the files in it. */
static void remove_dir(const char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;
    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, name, NULL);
        g_unlink(path);
    }
    if (d)
        g_dir_close(d);
    g_rmdir(dir);
}

/* ---- rule set ---- */

static void test_shipped_rules_check_clean(void **state)
{
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
    gboolean ok = ck_rules_check(shipped, problems);
    for (guint i = 0; i < problems->len; i++)
        print_error("%s\n", (char *)g_ptr_array_index(problems, i));
    assert_true(ok);
    assert_int_equal(problems->len, 0);
}

static void test_shipped_examples_pass(void **state)
{
    Fixture *f = *state;
    guint failed = 99;
    JsonNode *report = ck_rules_test(f->rules, &failed);
    if (failed) {
        g_autofree char *text = json_to_string(report, TRUE);
        print_error("%s\n", text);
    }
    assert_int_equal(failed, 0);
    JsonArray *rows = json_node_get_array(report);
    assert_true(json_array_get_length(rows) >= 12);
    json_node_unref(report);
}

static void test_shipped_cause_ids_and_examples(void **state)
{
    Fixture *f = *state;
    static const char *const ids[] = {
        "imaging.no-sysprep", "activation.key-uninstalled", "activation.kms-unreachable",
        "activation.kms-dns", "activation.key-blocked", "activation.mak-limit",
        "activation.rearm-limit", "activation.time-skew", "activation.serial-invalid",
        "activation.offline-required", "updates.duplicate-client-id", "domain.trust-failure"};
    JsonNode *desc = ck_ruleset_describe(f->rules);
    JsonArray *causes = json_object_get_array_member(json_node_get_object(desc), "causes");
    for (gsize k = 0; k < G_N_ELEMENTS(ids); k++) {
        gboolean found = FALSE;
        for (guint i = 0; i < json_array_get_length(causes); i++) {
            JsonObject *c = json_array_get_object_element(causes, i);
            if (strcmp(json_object_get_string_member(c, "id"), ids[k]) != 0)
                continue;
            found = TRUE;
            assert_true(json_object_get_int_member(c, "examples_match") >= 3);
            assert_true(json_object_get_int_member(c, "examples_no_match") >= 3);
            assert_true(json_object_get_int_member(c, "steps") >= 1);
        }
        if (!found)
            fail_msg("cause %s missing", ids[k]);
    }
    assert_string_equal(ck_ruleset_cause_id(f->rules, 0), json_object_get_string_member(
                            json_array_get_object_element(causes, 0), "id"));
    assert_non_null(ck_ruleset_cause_title(f->rules, 0, "en"));
    json_node_unref(desc);
}

/* ---- entities ---- */

static void test_serial_vs_phone_and_date(void **state)
{
    Fixture *f = *state;
    JsonNode *out = analyze_text(f->rules,
        "标签上的序列号：1234567890123，激活失败。\n"
        "联系电话 13812345678，或 8613812345678，热线 400-810-0055。\n"
        "日期 2021-03-09，时间戳 20210309174552。\n"
        "SN 9876543210987\n");
    assert_true(has_entity(out, "serial_numbers", "1234567890123"));
    assert_true(has_entity(out, "serial_numbers", "9876543210987"));
    assert_false(has_entity(out, "serial_numbers", "8613812345678"));
    assert_int_equal(n_entities(out, "serial_numbers"), 2);
    assert_true(has_entity(out, "phones", "13812345678"));
    assert_true(has_entity(out, "phones", "400-810-0055"));
    assert_false(has_entity(out, "phones", "2021-03-09"));
    json_node_unref(out);
}

static void test_error_code_normalisation(void **state)
{
    Fixture *f = *state;
    JsonNode *out = analyze_text(f->rules,
        "slmgr /ato 报错 0xc004f074；另一台错误代码: C004C003，还有 0x8007232b。版本 0x1234 不算。");
    assert_true(has_entity(out, "error_codes", "0xC004F074"));
    assert_true(has_entity(out, "error_codes", "0xC004C003"));
    assert_true(has_entity(out, "error_codes", "0x8007232B"));
    assert_int_equal(n_entities(out, "error_codes"), 3);
    json_node_unref(out);
}

static void test_command_normalisation(void **state)
{
    Fixture *f = *state;
    JsonNode *out = analyze_text(f->rules,
        "先运行 C:\\Windows\\System32\\Sysprep\\sysprep.exe /oobe /generalize\n"
        "然后 slmgr.vbs /ipk ABCDE-FGHJK-MNPQR-TVWXY-23467 和 SLMGR /SKMS kms.example.cn:1688\n"
        "Office: cscript \"ospp.vbs\" /dstatus；cscript //nologo slmgr.vbs /dlv\n"
        "nslookup -type=srv _vlmcs._tcp.corp.local\n"
        "reg query HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate /v SusClientId\n"
        "net stop wuauserv\n"
        "Test-NetConnection kms.example.cn -Port 1688；w32tm /resync；gpupdate /force；winver\n");
    assert_true(has_entity(out, "commands", "sysprep /oobe /generalize"));
    assert_true(has_entity(out, "commands", "slmgr /ipk ABCDE-FGHJK-MNPQR-TVWXY-23467"));
    assert_true(has_entity(out, "commands", "slmgr /skms kms.example.cn:1688"));
    assert_true(has_entity(out, "commands", "slmgr /dlv"));
    assert_true(has_entity(out, "commands", "nslookup -type=srv _vlmcs._tcp.corp.local"));
    assert_true(has_entity(out, "commands",
                           "reg query HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate /v SusClientId"));
    assert_true(has_entity(out, "commands", "net stop wuauserv"));
    assert_true(has_entity(out, "commands", "test-netconnection kms.example.cn -port 1688"));
    assert_true(has_entity(out, "commands", "w32tm /resync"));
    assert_true(has_entity(out, "commands", "gpupdate /force"));
    assert_true(has_entity(out, "commands", "winver"));
    assert_true(has_entity(out, "product_keys", "ABCDE-FGHJK-MNPQR-TVWXY-23467"));
    assert_true(has_entity(out, "hosts", "kms.example.cn:1688"));
    json_node_unref(out);
}

static void test_cscript_ospp(void **state)
{
    Fixture *f = *state;
    JsonNode *out = analyze_text(f->rules,
        "请运行 cscript ospp.vbs /dstatus 查看 Office 状态\n"
        "cscript \"C:\\Program Files\\Microsoft Office\\Office16\\OSPP.VBS\" /act\n"
        "DISM.exe /Online /Get-CurrentEdition；netdom resetpwd /s:dc01 /ud:corp\\admin /pd:*\n"
        "wuauclt.exe /resetauthorization /detectnow，然后 Test-ComputerSecureChannel -Repair 和 usoclient StartScan");
    assert_true(has_entity(out, "commands", "ospp /dstatus"));
    assert_true(has_entity(out, "commands", "ospp /act"));
    assert_true(has_entity(out, "commands", "dism /online /get-currentedition"));
    assert_true(has_entity(out, "commands", "netdom resetpwd /s:dc01 /ud:corp\\admin /pd:*"));
    assert_true(has_entity(out, "commands", "wuauclt /resetauthorization /detectnow"));
    assert_true(has_entity(out, "commands", "test-computersecurechannel -repair"));
    json_node_unref(out);
}

static void test_seed_commands_and_partial_key(void **state)
{
    Fixture *f = *state;
    CkAnalysisInput m = message(2, seed_msg2, FALSE);
    JsonNode *out = ck_analyze_case(f->rules, &m, 1, NULL);
    assert_true(has_entity(out, "partial_keys", "4M68B"));
    assert_int_equal(n_entities(out, "partial_keys"), 1);
    assert_true(has_entity(out, "commands", "slmgr /upk"));
    assert_true(has_entity(out, "commands", "slmgr /dlv"));
    assert_true(has_entity(out, "commands", "sysprep"));
    assert_true(has_entity(out, "commands", "sysprep /generalize /oobe /shutdown"));
    assert_false(has_entity(out, "commands", "sysprep /generalize /oobe"));
    json_node_unref(out);
}

static void test_english_sysprep_dialog(void **state)
{
    Fixture *f = *state;
    JsonNode *out = analyze_text(f->rules,
        "In System Cleanup Action choose Enter System Out-of-Box Experience (OOBE), check the "
        "Generalize box, and set Shutdown Options to \"Shutdown\".");
    assert_true(has_entity(out, "commands", "sysprep /generalize /oobe /shutdown"));
    json_node_unref(out);
}

static void test_ids_contacts_hosts(void **state)
{
    Fixture *f = *state;
    JsonNode *out = analyze_text(f->rules,
        "[案例号: CAS-03877-J9N4S5 ] 初次响应 CMIT:0001828\n"
        "Email: shign@cmgos.com <mailto:Shgn@CMGOS.com>, see https://learn.example.com/kms?x=1.\n"
        "KMS 主机 10.1.2.3:1688 以及 kms01.corp.local:1688；时间 17:45:52。");
    assert_true(has_entity(out, "case_ids", "CAS-03877-J9N4S5"));
    assert_true(has_entity(out, "case_ids", "CMIT:0001828"));
    assert_true(has_entity(out, "emails", "shign@cmgos.com"));
    assert_true(has_entity(out, "emails", "shgn@cmgos.com"));
    assert_true(has_entity(out, "urls", "https://learn.example.com/kms?x=1"));
    assert_true(has_entity(out, "hosts", "10.1.2.3:1688"));
    assert_true(has_entity(out, "hosts", "kms01.corp.local:1688"));
    assert_int_equal(n_entities(out, "hosts"), 2);
    json_node_unref(out);
}

static void test_quoted_text_not_counted(void **state)
{
    Fixture *f = *state;
    CkAnalysisInput m = message(1, "见下方。", TRUE);
    m.quoted = "> 报错 0xC004F074";
    m.forwarded = "错误代码 0x8007232B";
    JsonNode *out = ck_analyze_case(f->rules, &m, 1, NULL);
    assert_false(has_entity(out, "error_codes", "0xC004F074"));
    assert_true(has_entity(out, "error_codes", "0x8007232B"));
    JsonArray *spans = json_object_get_array_member(json_node_get_object(out), "entity_spans");
    JsonObject *span = json_array_get_object_element(spans, 0);
    assert_string_equal(json_object_get_string_member(span, "part"), "forwarded");
    assert_int_equal(json_object_get_int_member(span, "message"), 1);
    assert_int_equal(json_object_get_int_member(span, "start"), strlen("错误代码 "));
    json_node_unref(out);
}

/* ---- sections, steps, requests ---- */

static void test_sections_seed_summary(void **state)
{
    Fixture *f = *state;
    CkAnalysisInput msgs[] = {message(1, seed_msg1, FALSE), message(3, seed_msg3, FALSE)};
    JsonNode *out = ck_analyze_case(f->rules, msgs, 2, NULL);
    JsonObject *s = json_object_get_object_member(json_node_get_object(out), "sections");
    assert_string_equal(json_object_get_string_member(s, "problem"),
                        "中国人寿用户自行批量部署系统后遇到激活问题。");
    assert_string_equal(json_object_get_string_member(s, "analysis"),
                        "需首先分析批量部署的设备激活失败的原因，但由于无法提供SN暂无法确认。\n"
                        "已提供制作母版镜像的注意事项，需避免再次造成部署后的激活问题。");
    assert_string_equal(json_object_get_string_member(s, "conclusion"), "用户反馈可以正常关闭案例。");
    assert_true(g_str_has_prefix(json_object_get_string_member(s, "definition"), "中国人寿用户自行批量部署"));
    assert_string_equal(json_object_get_string_member(s, "scope"),
                        "我们将协助您分析处理上述问题，并对定义的问题给予最大的技术支持。");
    assert_true(g_str_has_prefix(json_object_get_string_member(s, "details"), "如刚才与您电话沟通"));
    assert_true(g_str_has_prefix(json_object_get_string_member(s, "next_steps"), "1.\t查询确认"));
    json_node_unref(out);
}

static void test_sections_english_and_override(void **state)
{
    Fixture *f = *state;
    CkAnalysisInput msgs[] = {
        message(1, "Problem description: KMS clients fail.\nConclusion:\nnot yet\n", FALSE),
        message(2, "Analysis shows nothing.\nNext steps:\n1. run slmgr /dlv\n\nConclusion: port 1688 was blocked.\n"
                   "If you have any further questions, just reply.\nBest regards,\nAnna\n", FALSE),
    };
    JsonNode *out = ck_analyze_case(f->rules, msgs, 2, NULL);
    JsonObject *s = json_object_get_object_member(json_node_get_object(out), "sections");
    assert_string_equal(json_object_get_string_member(s, "problem"), "KMS clients fail.");
    assert_string_equal(json_object_get_string_member(s, "conclusion"), "port 1688 was blocked.");
    assert_string_equal(json_object_get_string_member(s, "next_steps"), "1. run slmgr /dlv");
    assert_false(json_object_has_member(s, "analysis"));
    json_node_unref(out);
}

static void test_steps_seed(void **state)
{
    Fixture *f = *state;
    CkAnalysisInput m = message(2, seed_msg2, FALSE);
    JsonNode *out = ck_analyze_case(f->rules, &m, 1, NULL);
    JsonArray *steps = json_object_get_array_member(json_node_get_object(out), "steps");
    assert_int_equal(json_array_get_length(steps), 1);
    JsonObject *s = json_array_get_object_element(steps, 0);
    assert_int_equal(json_object_get_int_member(s, "message"), 2);
    JsonArray *items = json_object_get_array_member(s, "items");
    assert_int_equal(json_array_get_length(items), 6);
    assert_true(g_str_has_prefix(json_array_get_string_element(items, 0), "1. 保留系统中的"));
    assert_true(g_str_has_prefix(json_array_get_string_element(items, 3), "a) 在开始菜单"));
    assert_true(g_str_has_prefix(json_array_get_string_element(items, 5), "c) 设备关机后"));
    json_node_unref(out);
}

/* The requests array of OUT, element I. */
static JsonObject *request_at(JsonNode *out, guint i)
{
    JsonArray *reqs = json_object_get_array_member(json_node_get_object(out), "requests");
    assert_true(i < json_array_get_length(reqs));
    return json_array_get_object_element(reqs, i);
}

static void test_requests_answered_rule(void **state)
{
    Fixture *f = *state;
    CkAnalysisInput msgs[] = {
        message(1, seed_msg1, FALSE),
        message(2, "好的，我们去收集。", TRUE),
        message(3, "Please send the output of slmgr /dlv.", FALSE),
        message(4, "序列号如下：\n1234567890123\n2345678901234\n", TRUE),
    };
    JsonNode *out = ck_analyze_case(f->rules, msgs, 4, NULL);
    JsonObject *sn = request_at(out, 0);
    assert_int_equal(json_object_get_int_member(sn, "message"), 1);
    assert_true(strstr(json_object_get_string_member(sn, "text"), "13位序列号") != NULL);
    assert_string_equal(json_object_get_string_member(sn, "needs"), "serial_numbers");
    assert_true(json_object_get_boolean_member(sn, "answered"));
    assert_int_equal(json_object_get_int_member(sn, "answered_by"), 4);   /* not 2: no SN there */
    JsonObject *dlv = request_at(out, 1);
    assert_int_equal(json_object_get_int_member(dlv, "message"), 3);
    assert_true(json_object_get_boolean_member(dlv, "answered"));
    json_node_unref(out);

    CkAnalysisInput listed[] = {
        message(1, "Could you please send:\n1. the output of slmgr /dlv\n2. a screenshot\n\nThanks", FALSE),
    };
    out = ck_analyze_case(f->rules, listed, 1, NULL);
    JsonObject *req = request_at(out, 0);
    assert_string_equal(json_object_get_string_member(req, "text"),
                        "Could you please send: 1. the output of slmgr /dlv 2. a screenshot");
    assert_false(json_object_get_boolean_member(req, "answered"));
    assert_true(JSON_NODE_HOLDS_NULL(json_object_get_member(req, "answered_by")));
    json_node_unref(out);

    CkAnalysisInput seed[] = {message(1, seed_msg1, FALSE), message(2, seed_msg2, FALSE),
                              message(3, seed_msg3, FALSE)};
    out = ck_analyze_case(f->rules, seed, 3, NULL);
    assert_false(json_object_get_boolean_member(request_at(out, 0), "answered"));
    json_node_unref(out);
}

/* ---- causes ---- */

static void test_seed_causes(void **state)
{
    Fixture *f = *state;
    CkAnalysisInput seed[] = {message(1, seed_msg1, FALSE), message(2, seed_msg2, FALSE),
                              message(3, seed_msg3, FALSE)};
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    JsonNode *out = ck_analyze_case(f->rules, seed, 3, warnings);
    assert_int_equal(warnings->len, 0);
    int sysprep = cause_rank(out, "imaging.no-sysprep");
    int serial = cause_rank(out, "activation.serial-invalid");
    int upk = cause_rank(out, "activation.key-uninstalled");
    assert_true(sysprep >= 0 && sysprep <= 1);
    assert_true(serial >= 0 && serial <= 1);
    assert_true(upk > sysprep && upk > serial);   /* support's advice only: weaker */
    assert_int_equal(cause_rank(out, "activation.kms-unreachable"), -1);
    assert_int_equal(cause_rank(out, "domain.trust-failure"), -1);
    JsonArray *causes = json_object_get_array_member(json_node_get_object(out), "causes");
    double previous = 2;
    for (guint i = 0; i < json_array_get_length(causes); i++) {
        JsonObject *c = json_array_get_object_element(causes, i);
        double score = json_object_get_double_member(c, "score");
        assert_true(score > 0 && score <= 1 && score <= previous);
        previous = score;
        assert_true(json_array_get_length(json_object_get_array_member(c, "evidence")) > 0);
        assert_true(strlen(json_object_get_string_member(json_object_get_object_member(c, "reply"), "en")) > 0);
    }
    JsonArray *checklist = json_object_get_array_member(json_node_get_object(out), "checklist");
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < json_array_get_length(checklist); i++) {
        JsonObject *st = json_array_get_object_element(checklist, i);
        assert_true(g_hash_table_add(seen, (gpointer)json_object_get_string_member(st, "id")));
        assert_true(g_hash_table_add(seen, (gpointer)json_object_get_string_member(st, "command")));
    }
    assert_true(json_array_get_length(checklist) >= 3);
    json_node_unref(out);
}

static void test_customer_report_beats_advice(void **state)
{
    Fixture *f = *state;
    CkAnalysisInput ran = message(1, "我们封装镜像之前执行了 slmgr /upk。", TRUE);
    CkAnalysisInput advice = message(1, "建议封装镜像时不要卸载PK，卸载PK的命令为 slmgr /upk。", FALSE);
    JsonNode *a = ck_analyze_case(f->rules, &ran, 1, NULL);
    JsonNode *b = ck_analyze_case(f->rules, &advice, 1, NULL);
    int ra = cause_rank(a, "activation.key-uninstalled"), rb = cause_rank(b, "activation.key-uninstalled");
    assert_true(ra >= 0);
    double sa = json_object_get_double_member(json_array_get_object_element(
        json_object_get_array_member(json_node_get_object(a), "causes"), ra), "score");
    double sb = rb < 0 ? 0 : json_object_get_double_member(json_array_get_object_element(
        json_object_get_array_member(json_node_get_object(b), "causes"), rb), "score");
    assert_true(sa > sb);
    json_node_unref(a);
    json_node_unref(b);
}

static void test_kms_reply_and_checklist(void **state)
{
    Fixture *f = *state;
    JsonNode *out = analyze_text(f->rules, "激活失败，错误 0xc004f074，telnet kms.example.cn 1688 失败。");
    assert_int_equal(cause_rank(out, "activation.kms-unreachable"), 0);
    JsonObject *c = json_array_get_object_element(
        json_object_get_array_member(json_node_get_object(out), "causes"), 0);
    const char *zh = json_object_get_string_member(json_object_get_object_member(c, "reply"), "zh");
    assert_true(strstr(zh, "0xC004F074") != NULL);
    assert_true(strstr(zh, "slmgr /skms {{kms_host}}:{{kms_port}}") != NULL);
    JsonArray *ev = json_object_get_array_member(c, "evidence");
    assert_string_equal(json_object_get_string_member(json_array_get_object_element(ev, 0), "signal"),
                        "err-c004f074");
    JsonArray *checklist = json_object_get_array_member(json_node_get_object(out), "checklist");
    JsonObject *first = json_array_get_object_element(checklist, 0);
    assert_string_equal(json_object_get_string_member(first, "cause"), "activation.kms-unreachable");
    assert_string_equal(json_object_get_string_member(first, "kind"), "diagnostic");
    json_node_unref(out);
}

/* ---- rule files in a temp dir ---- */

static const char backtrack_rule[] =
    "causes:\n"
    "  - id: test.backtrack\n"
    "    title: {zh: 回溯, en: backtracking}\n"
    "    category: test\n"
    "    threshold: 1\n"
    "    signals:\n"
    "      - {id: evil, pattern: '(a+)+$', weight: 1}\n"
    "    steps:\n"
    "      - {id: t.s, title: {zh: 步骤, en: step}, why: x, kind: diagnostic, command: 'winver'}\n"
    "    reply: {zh: 中文, en: english}\n"
    "    examples: {match: ['aaa'], no_match: ['bbb']}\n";

static void test_catastrophic_pattern_limited(void **state)
{
    g_autofree char *dir = g_dir_make_tmp("casekb-rules-XXXXXX", NULL);
    write_file(dir, "evil.yaml", backtrack_rule);
    const char *paths[] = {dir, NULL};
    GError *error = NULL;
    CkRuleSet *rules = ck_ruleset_load(paths, &error);
    assert_non_null(rules);
    GString *text = g_string_new(NULL);
    for (int i = 0; i < 100000; i++)
        g_string_append_c(text, 'a');
    g_string_append_c(text, '!');
    CkAnalysisInput m = message(1, text->str, TRUE);
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    gint64 t0 = g_get_monotonic_time();
    JsonNode *out = ck_analyze_case(rules, &m, 1, warnings);
    gint64 elapsed = g_get_monotonic_time() - t0;
    assert_true(elapsed < 5 * G_USEC_PER_SEC);
    assert_int_equal(warnings->len, 1);
    assert_string_equal(g_ptr_array_index(warnings, 0), "rule test.backtrack: match limit exceeded on message 1");
    assert_int_equal(cause_rank(out, "test.backtrack"), -1);
    json_node_unref(out);
    g_string_free(text, TRUE);
    ck_ruleset_free(rules);
    remove_dir(dir);
}

static const char new_rule[] =
    "version: 1\n"
    "entities:\n"
    "  - {type: ticket_ids, pattern: 'TKT-\\d{6}', normalize: upper}\n"
    "causes:\n"
    "  - id: custom.printer-jam\n"
    "    title: {zh: 打印机卡纸, en: Printer jam}\n"
    "    category: hardware\n"
    "    threshold: 1\n"
    "    signals:\n"
    "      - {id: jam, pattern: '卡纸|paper jam', weight: 1}\n"
    "      - {id: ticket, entity: ticket_ids, weight: 0.5}\n"
    "    steps:\n"
    "      - id: printer.status\n"
    "        title: {zh: 查看打印机状态, en: Show printer status}\n"
    "        why: 确认卡纸位置\n"
    "        kind: diagnostic\n"
    "        command: 'Get-Printer -Name {{printer}}'\n"
    "        params: {printer: {validate: '^[A-Za-z0-9 _-]{1,64}$', example: HP1}}\n"
    "    reply: {zh: '工单 {{ticket_id}}：请清除卡纸。', en: 'Ticket {{ticket_id}}: clear the jam.'}\n"
    "    examples:\n"
    "      match: ['打印机卡纸了', 'paper jam again', {text: 'TKT-000123 卡纸', from: support}]\n"
    "      no_match: ['打印正常', 'prints fine', 'TKT-000123']\n";

static void test_new_rule_file_loaded(void **state)
{
    g_autofree char *dir = g_dir_make_tmp("casekb-rules-XXXXXX", NULL);
    write_file(dir, "custom.yaml", new_rule);
    const char *paths[] = {"rules", dir, NULL};
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
    gboolean ok = ck_rules_check(paths, problems);
    for (guint i = 0; i < problems->len; i++)
        print_error("%s\n", (char *)g_ptr_array_index(problems, i));
    assert_true(ok);
    CkRuleSet *rules = ck_ruleset_load(paths, NULL);
    assert_non_null(rules);
    JsonNode *out = analyze_text(rules, "工单 tkt-000123：打印机又卡纸了");
    assert_int_equal(cause_rank(out, "custom.printer-jam"), 0);
    assert_true(has_entity(out, "ticket_ids", "TKT-000123"));
    JsonObject *c = json_array_get_object_element(
        json_object_get_array_member(json_node_get_object(out), "causes"), 0);
    assert_string_equal(json_object_get_string_member(json_object_get_object_member(c, "reply"), "zh"),
                        "工单 TKT-000123：请清除卡纸。");
    guint failed = 1;
    JsonNode *report = ck_rules_test(rules, &failed);
    assert_int_equal(failed, 0);
    json_node_unref(report);
    json_node_unref(out);
    ck_ruleset_free(rules);
    remove_dir(dir);
}

static const char bad_rules[] =
    "causes:\n"                                                   /* 1 */
    "  - id: bad.one\n"                                           /* 2 */
    "    title: {zh: 坏, en: bad}\n"                              /* 3 */
    "    category: test\n"                                        /* 4 */
    "    threshold: 1\n"                                          /* 5 */
    "    colour: red\n"                                           /* 6 */
    "    signals:\n"                                              /* 7 */
    "      - {id: s1, pattern: 'abc(def', weight: 1}\n"           /* 8 */
    "      - {id: s2, pattern: 'x*', weight: 0.5}\n"              /* 9 */
    "    steps:\n"                                                /* 10 */
    "      - id: st\n"                                            /* 11 */
    "        title: {zh: 步骤, en: step}\n"                       /* 12 */
    "        why: x\n"                                            /* 13 */
    "        kind: change\n"                                      /* 14 */
    "        command: 'slmgr /skms {{host}}'\n"                   /* 15 */
    "        params:\n"                                           /* 16 */
    "          host: {example: kms}\n"                            /* 17 */
    "    reply: {zh: a, en: x}\n"                                 /* 18 */
    "    examples: {match: [a], no_match: [b]}\n";                /* 19 */

static const char dup_rules[] =
    "causes:\n"
    "  - id: activation.kms-dns\n"
    "    title: {zh: 重复, en: dup}\n"
    "    category: test\n"
    "    threshold: 1\n"
    "    signals: [{id: s, pattern: 'dns', weight: 1}]\n"
    "    steps: [{id: s, title: {zh: a, en: a}, why: x, kind: diagnostic, command: winver}]\n"
    "    reply: {zh: a, en: a}\n"
    "    examples: {match: [dns], no_match: [b]}\n"
    "  - id: tmpl.unknown\n"                                     /* 10 */
    "    title: {zh: 模板, en: template}\n"
    "    category: test\n"
    "    threshold: 1\n"
    "    signals: [{id: s, pattern: 'tmpl', weight: 1}]\n"
    "    steps: [{id: s, title: {zh: a, en: a}, why: x, kind: diagnostic, command: winver}]\n"
    "    reply:\n"                                               /* 16 */
    "      zh: '{{nothing}}'\n"
    "      en: a\n"
    "    examples: {match: [tmpl], no_match: [b]}\n";

/* Whether PROBLEMS has one entry starting with PREFIX and containing TEXT. */
static gboolean has_problem(GPtrArray *problems, const char *prefix, const char *text)
{
    for (guint i = 0; i < problems->len; i++) {
        const char *p = g_ptr_array_index(problems, i);
        if (g_str_has_prefix(p, prefix) && strstr(p, text))
            return TRUE;
    }
    return FALSE;
}

static void test_rules_check_reports_positions(void **state)
{
    g_autofree char *dir = g_dir_make_tmp("casekb-rules-XXXXXX", NULL);
    write_file(dir, "bad.yaml", bad_rules);
    write_file(dir, "dup.yaml", dup_rules);
    write_file(dir, "syntax.yaml", "causes:\n  - id: x\n    title: [unclosed\n");
    g_autofree char *bad = g_build_filename(dir, "bad.yaml", NULL);
    g_autofree char *dup = g_build_filename(dir, "dup.yaml", NULL);
    g_autofree char *syntax = g_build_filename(dir, "syntax.yaml", NULL);
    const char *paths[] = {"rules", dir, NULL};
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
    assert_false(ck_rules_check(paths, problems));
    for (guint i = 0; i < problems->len; i++)
        print_message("%s\n", (char *)g_ptr_array_index(problems, i));
    g_autofree char *at6 = g_strdup_printf("%s:6:5: ", bad);
    g_autofree char *at8 = g_strdup_printf("%s:8:35: ", bad);   /* column of the offset */
    g_autofree char *at9 = g_strdup_printf("%s:9:28: ", bad);
    g_autofree char *at17 = g_strdup_printf("%s:17:11: ", bad);
    g_autofree char *at16 = g_strdup_printf("%s:17:7: ", dup);
    g_autofree char *at2 = g_strdup_printf("%s:2:9: ", dup);
    g_autofree char *syn = g_strdup_printf("%s:", syntax);
    assert_true(has_problem(problems, at6, "unknown key 'colour'"));
    assert_true(has_problem(problems, at8, "bad regex at offset 7"));
    assert_true(has_problem(problems, at9, "empty string"));
    assert_true(has_problem(problems, at17, "param 'host' has no 'validate' pattern"));
    assert_true(has_problem(problems, at16, "unknown placeholder {{nothing}}"));
    assert_true(has_problem(problems, at2, "duplicate cause id 'activation.kms-dns' (first defined at rules/activation.yaml:"));
    assert_true(has_problem(problems, syn, "YAML"));
    /* Lenient load keeps the good causes; strict load refuses. */
    g_autoptr(GPtrArray) lenient_problems = g_ptr_array_new_with_free_func(g_free);
    CkRuleSet *lenient = ck_ruleset_load_lenient(paths, lenient_problems);
    assert_int_equal(ck_ruleset_n_causes(lenient), 12);
    ck_ruleset_free(lenient);
    GError *error = NULL;
    assert_null(ck_ruleset_load(paths, &error));
    assert_non_null(error);
    g_error_free(error);
    remove_dir(dir);
}

/* ---- main ---- */

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_rules_check_clean),
        cmocka_unit_test_setup_teardown(test_shipped_examples_pass, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shipped_cause_ids_and_examples, setup, teardown),
        cmocka_unit_test_setup_teardown(test_serial_vs_phone_and_date, setup, teardown),
        cmocka_unit_test_setup_teardown(test_error_code_normalisation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_command_normalisation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cscript_ospp, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seed_commands_and_partial_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_english_sysprep_dialog, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ids_contacts_hosts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quoted_text_not_counted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sections_seed_summary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sections_english_and_override, setup, teardown),
        cmocka_unit_test_setup_teardown(test_steps_seed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_requests_answered_rule, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seed_causes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_customer_report_beats_advice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kms_reply_and_checklist, setup, teardown),
        cmocka_unit_test(test_catastrophic_pattern_limited),
        cmocka_unit_test(test_new_rule_file_loaded),
        cmocka_unit_test(test_rules_check_reports_positions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
