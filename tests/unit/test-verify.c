/* test-verify.c — checking collected output against a checklist: pasted
 * output of slmgr /dlv, slmgr /xpr, nslookup and Test-NetConnection from
 * Chinese and English Windows; checklist-script logs with step markers
 * (CRLF, UTF-16LE with BOM, GB18030); skipped and missing steps.  A step is
 * judged only by its own command's output (pasted outputs cut apart by
 * shape or prompt); prerequisites, partial logs, manual steps and the
 * master-image scope. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "reports/output.h"
#include "reports/checklist.h"
#include "reports/verify.h"

/* Five diagnostic steps, with the expect patterns of rules/activation.yaml. */
static const char DOC[] =
    "{\"case_id\": \"CAS-04102-K7M2P8\", \"title\": \"KMS\", \"messages\": [{\"side\": \"customer\","
    "  \"body\": \"激活报错 0x8007232B，DNS 名称不存在。\"}],"
    " \"entities\": {\"hosts\": [\"kms01.corp.example.cn:1688\"]},"
    " \"checklist\": ["
    "  {\"id\": \"activation.check-license\", \"title\": \"查看许可证状态和部分产品密钥\", \"title_en\": \"Show license\","
    "   \"why\": \"确认系统中是否仍有产品密钥。\", \"why_en\": \"Shows the key.\", \"kind\": \"diagnostic\","
    "   \"command\": \"slmgr /dlv\", \"expect\": \"(?:部分产品密钥|Partial Product Key)\\\\s*[:：]\\\\s*[A-Z0-9]{5}\"},"
    "  {\"id\": \"activation.check-expiry\", \"title\": \"查看激活过期时间\", \"title_en\": \"Show expiry\","
    "   \"why\": \"批量激活会过期。\", \"why_en\": \"Volume activation expires.\", \"kind\": \"diagnostic\","
    "   \"command\": \"slmgr /xpr\", \"expect\": \"批量激活将于|Volume activation will expire|永久激活|permanently activated\"},"
    "  {\"id\": \"kms.lookup-srv\", \"title\": \"查询 KMS SRV 记录\", \"title_en\": \"Look up the SRV record\","
    "   \"why\": \"自动发现依赖 _vlmcs._tcp 记录。\", \"why_en\": \"Discovery needs it.\", \"kind\": \"diagnostic\","
    "   \"command\": \"nslookup -type=srv _vlmcs._tcp\", \"expect\": \"svr hostname|service = |_vlmcs\\\\._tcp\"},"
    "  {\"id\": \"kms.test-port\", \"title\": \"测试 1688 端口\", \"title_en\": \"Test TCP 1688\","
    "   \"why\": \"防火墙会阻断激活请求。\", \"why_en\": \"A firewall blocks it.\", \"kind\": \"diagnostic\","
    "   \"command\": \"Test-NetConnection {{kms_host}} -Port {{kms_port}}\", \"expect\": \"TcpTestSucceeded\\\\s*:\\\\s*True\","
    "   \"params\": [{\"name\": \"kms_host\", \"validate\": \"^[A-Za-z0-9.-]{1,253}$\"},"
    "              {\"name\": \"kms_port\", \"validate\": \"^[0-9]{1,5}$\"}]},"
    "  {\"id\": \"activation.check-edition\", \"title\": \"确认系统版本\", \"title_en\": \"Check the edition\","
    "   \"why\": \"标签序列号只适用于对应版本。\", \"why_en\": \"Edition.\", \"kind\": \"diagnostic\", \"command\": \"winver\"}]}";

static const char DLV_ZH[] =
    "软件授权服务版本: 10.0.19041.3636\n\n名称: Windows(R), Professional edition\n描述: Windows(R) Operating System, VOLUME_KMSCLIENT channel\n"
    "部分产品密钥: 4M68B\n许可证状态: 已授权\n批量激活过期时间: 259200 分钟 (180 天)\n"
    "KMS 计算机名称(来自 DNS): kms01.corp.example.cn:1688\n";
static const char DLV_EN[] =
    "Software licensing service version: 10.0.19041.3636\n\nName: Windows(R), Professional edition\n"
    "Partial Product Key: 4M68B\nLicense Status: Licensed\nVolume activation expiration: 259200 minute(s) (180 day(s))\n";
static const char DLV_UNLICENSED_EN[] =
    "Software licensing service version: 10.0.19041.3636\nName: Windows(R), Professional edition\n"
    "License Status: Notification\nNotification Reason: 0xC004F009 (grace time expired).\n";
static const char XPR_ZH[] = "Windows(R), Professional edition:\n    批量激活将于 2024/9/1 10:00:00 过期\n";
static const char XPR_EN_PERMANENT[] = "Windows(R), Professional edition:\n    The machine is permanently activated.\n";
static const char XPR_EN_KMS[] = "Windows(R), Professional edition:\n    Volume activation will expire 9/1/2024 10:00:00 AM\n";
static const char XPR_ZH_NOTIFICATION[] = "Windows(R), Professional edition:\n    Windows 处于通知模式\n";
static const char SRV_FOUND_ZH[] =
    "服务器:  dc01.corp.example.cn\nAddress:  10.8.0.10\n\n"
    "_vlmcs._tcp.corp.example.cn\tSRV service location:\n\t  priority       = 0\n\t  weight         = 0\n"
    "\t  port           = 1688\n\t  svr hostname   = kms01.corp.example.cn\n";
static const char SRV_MISSING_EN[] =
    "Server:  UnKnown\nAddress:  10.8.0.10\n\n*** UnKnown can't find _vlmcs._tcp: Non-existent domain\n";
static const char SRV_MISSING_ZH[] = "服务器:  UnKnown\nAddress:  10.8.0.10\n\n*** UnKnown 找不到 _vlmcs._tcp: Non-existent domain\n";
static const char TNC_TRUE[] =
    "ComputerName     : kms01.corp.example.cn\nRemoteAddress    : 10.8.0.20\nRemotePort       : 1688\n"
    "InterfaceAlias   : Ethernet\nSourceAddress    : 10.8.3.15\nTcpTestSucceeded : True\n";
static const char TNC_FALSE[] =
    "WARNING: TCP connect to (10.8.0.20 : 1688) failed\nComputerName           : kms01.corp.example.cn\n"
    "RemoteAddress          : 10.8.0.20\nRemotePort             : 1688\nPingSucceeded          : True\n"
    "TcpTestSucceeded       : False\n";

/* Verify TEXT (LEN bytes; -1: a C string) against DOC's checklist.  Caller unrefs. */
static JsonNode *verify(const char *text, gssize len)
{
    GError *error = NULL;
    JsonNode *doc = json_from_string(DOC, &error);
    if (!doc)
        fail_msg("fixture JSON: %s", error->message);
    JsonNode *checklist = ck_checklist_build(json_node_get_object(doc));
    JsonNode *result = ck_verify_log(checklist, text, len < 0 ? strlen(text) : (gsize)len, CK_RUN_ALL);
    json_node_unref(checklist);
    json_node_unref(doc);
    return result;
}

/* The result object of step ID. */
static JsonObject *step_result(JsonNode *result, const char *id)
{
    JsonArray *steps = ck_json_get_array(json_node_get_object(result), "steps");
    for (guint i = 0; i < json_array_get_length(steps); i++) {
        JsonObject *s = json_array_get_object_element(steps, i);
        if (strcmp(json_object_get_string_member(s, "id"), id) == 0)
            return s;
    }
    fail_msg("no step %s", id);
    return NULL;
}

/* Assert step ID of verifying TEXT has STATUS. */
static void assert_status(const char *text, const char *id, const char *status)
{
    JsonNode *result = verify(text, -1);
    const char *got = json_object_get_string_member(step_result(result, id), "status");
    if (strcmp(got, status) != 0)
        fail_msg("step %s: expected %s, got %s for:\n%s", id, status, got, text);
    json_node_unref(result);
}

static void test_pasted_dlv_zh_and_en(void **state)
{
    assert_status(DLV_ZH, "activation.check-license", "pass");
    assert_status(DLV_EN, "activation.check-license", "pass");
    assert_status(DLV_UNLICENSED_EN, "activation.check-license", "fail");
    assert_status(DLV_ZH, "kms.lookup-srv", "not_run");
    assert_status(DLV_EN, "kms.test-port", "not_run");
    JsonNode *result = verify(DLV_ZH, -1);
    JsonObject *o = json_node_get_object(result);
    assert_string_equal(json_object_get_string_member(o, "source"), "pasted");
    JsonObject *dlv = step_result(result, "activation.check-license");
    assert_string_equal(json_object_get_string_member(dlv, "evidence"), "部分产品密钥: 4M68B");
    assert_string_equal(json_object_get_string_member(dlv, "next"), "下一步：查看激活过期时间（slmgr /xpr）");
    JsonObject *srv = step_result(result, "kms.lookup-srv");
    assert_string_equal(json_object_get_string_member(srv, "next"), "请运行：nslookup -type=srv _vlmcs._tcp");
    json_node_unref(result);
}

static void test_pasted_xpr(void **state)
{
    assert_status(XPR_ZH, "activation.check-expiry", "pass");
    assert_status(XPR_EN_KMS, "activation.check-expiry", "pass");
    assert_status(XPR_EN_PERMANENT, "activation.check-expiry", "pass");
    assert_status(XPR_ZH_NOTIFICATION, "activation.check-expiry", "fail");
    /* slmgr /dlv's "批量激活过期时间" line is not /xpr output: not run */
    assert_status(DLV_ZH, "activation.check-expiry", "not_run");
}

static void test_pasted_nslookup(void **state)
{
    assert_status(SRV_FOUND_ZH, "kms.lookup-srv", "pass");
    /* the rule's expect also matches the echoed name; the failure line wins */
    assert_status(SRV_MISSING_EN, "kms.lookup-srv", "fail");
    assert_status(SRV_MISSING_ZH, "kms.lookup-srv", "fail");
    JsonNode *result = verify(SRV_MISSING_ZH, -1);
    JsonObject *s = step_result(result, "kms.lookup-srv");
    assert_non_null(strstr(json_object_get_string_member(s, "evidence"), "找不到 _vlmcs._tcp"));
    assert_true(g_str_has_prefix(json_object_get_string_member(s, "next"), "自动发现依赖 _vlmcs._tcp 记录。"));
    json_node_unref(result);
}

static void test_pasted_test_netconnection(void **state)
{
    assert_status(TNC_TRUE, "kms.test-port", "pass");
    assert_status(TNC_FALSE, "kms.test-port", "fail");
    assert_status(TNC_TRUE, "activation.check-license", "not_run");
}

/* A checklist log in the cmd script's format, CRLF, with LINE_END. */
static char *script_log(const char *line_end)
{
    const char *lines[] = {
        "=== casekb checklist CAS-04102-K7M2P8 ===",
        "=== casekb step 1 activation.check-license BEGIN ===",
        "软件授权服务版本: 10.0.19041.3636", "部分产品密钥: 4M68B", "许可证状态: 已授权",
        "=== casekb step 1 END exit=0 ===",
        "=== casekb step 3 kms.lookup-srv BEGIN ===",
        "服务器:  UnKnown", "*** UnKnown 找不到 _vlmcs._tcp: Non-existent domain",
        "=== casekb step 3 END exit=1 ===",
        "=== casekb step 4 kms.test-port SKIPPED missing-parameter ===",
        "=== casekb step 5 activation.check-edition BEGIN ===",
        "=== casekb step 5 END exit=0 ===", NULL
    };
    return g_strjoinv(line_end, (char **)lines);
}

/* Assert the statuses of a verified script log. */
static void assert_log_statuses(JsonNode *result)
{
    assert_string_equal(json_object_get_string_member(json_node_get_object(result), "source"), "log");
    assert_string_equal(json_object_get_string_member(step_result(result, "activation.check-license"), "status"), "pass");
    assert_int_equal(json_object_get_int_member(step_result(result, "activation.check-license"), "exit"), 0);
    assert_string_equal(json_object_get_string_member(step_result(result, "activation.check-expiry"), "status"), "not_run");
    assert_string_equal(json_object_get_string_member(step_result(result, "kms.lookup-srv"), "status"), "fail");
    assert_int_equal(json_object_get_int_member(step_result(result, "kms.lookup-srv"), "exit"), 1);
    JsonObject *port = step_result(result, "kms.test-port");
    assert_string_equal(json_object_get_string_member(port, "status"), "not_run");
    assert_string_equal(json_object_get_string_member(port, "reason"), "missing-parameter");
    assert_non_null(strstr(json_object_get_string_member(port, "next"), "跳过原因：missing-parameter"));
    assert_string_equal(json_object_get_string_member(step_result(result, "activation.check-edition"), "status"),
                        "unchecked");
    JsonObject *summary = ck_json_get_object(json_node_get_object(result), "summary");
    assert_int_equal(json_object_get_int_member(summary, "pass"), 1);
    assert_int_equal(json_object_get_int_member(summary, "fail"), 1);
    assert_int_equal(json_object_get_int_member(summary, "not_run"), 2);
    assert_int_equal(json_object_get_int_member(summary, "unchecked"), 1);
}

static void test_script_log_utf8_crlf(void **state)
{
    g_autofree char *log = script_log("\r\n");
    g_autofree char *with_bom = g_strconcat("\xEF\xBB\xBF", log, NULL);
    JsonNode *result = verify(with_bom, -1);
    assert_log_statuses(result);
    json_node_unref(result);
}

static void test_script_log_utf16_and_gb18030(void **state)
{
    g_autofree char *log = script_log("\r\n");
    gsize n = 0;
    g_autofree char *utf16 = g_convert(log, -1, "UTF-16LE", "UTF-8", NULL, &n, NULL);
    assert_non_null(utf16);
    g_autofree char *with_bom = g_malloc(n + 2);
    memcpy(with_bom, "\xFF\xFE", 2);
    memcpy(with_bom + 2, utf16, n);
    JsonNode *result = verify(with_bom, (gssize)n + 2);
    assert_log_statuses(result);
    json_node_unref(result);
    g_autofree char *gb = g_convert(log, -1, "GB18030", "UTF-8", NULL, &n, NULL);
    assert_non_null(gb);
    result = verify(gb, (gssize)n);
    assert_log_statuses(result);
    json_node_unref(result);
}

static void test_script_log_mixed_encodings(void **state)
{
    /* cmd.exe writes the ASCII markers; a Chinese console program's
     * redirected output may be GB18030 next to UTF-8 lines */
    g_autofree char *gb = g_convert("部分产品密钥: 4M68B\r\n许可证状态: 已授权\r\n", -1, "GB18030", "UTF-8",
                                    NULL, NULL, NULL);
    g_autofree char *log = g_strconcat("=== casekb step 1 activation.check-license BEGIN ===\r\n", gb,
                                       "=== casekb step 1 END exit=0 ===\r\n"
                                       "=== casekb step 3 kms.lookup-srv BEGIN ===\r\n服务器:  dc01\r\n"
                                       "    svr hostname   = kms01.corp.example.cn\r\n"
                                       "=== casekb step 3 END exit=0 ===\r\n", NULL);
    JsonNode *result = verify(log, -1);
    JsonObject *s = step_result(result, "activation.check-license");
    assert_string_equal(json_object_get_string_member(s, "status"), "pass");
    assert_string_equal(json_object_get_string_member(s, "evidence"), "部分产品密钥: 4M68B");
    assert_string_equal(json_object_get_string_member(step_result(result, "kms.lookup-srv"), "status"), "pass");
    json_node_unref(result);
}

static void test_nothing_recognised(void **state)
{
    JsonNode *result = verify("hello, here is a screenshot\n", -1);
    JsonObject *summary = ck_json_get_object(json_node_get_object(result), "summary");
    assert_int_equal(json_object_get_int_member(summary, "not_run"), 5);
    assert_int_equal(json_object_get_int_member(summary, "pass") + json_object_get_int_member(summary, "fail"), 0);
    json_node_unref(result);
}

static void test_text_rendering(void **state)
{
    JsonNode *result = verify(TNC_FALSE, -1);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    ck_text_verify(out, result);
    fclose(out);
    assert_non_null(strstr(buf, "fail      4. 测试 1688 端口  [Test-NetConnection kms01.corp.example.cn -Port 1688]"));
    assert_non_null(strstr(buf, "> TcpTestSucceeded : False"));
    assert_non_null(strstr(buf, "0 pass, 1 fail, 4 not run, 0 unchecked"));
    free(buf);
    json_node_unref(result);
}

/* A seed-like case: terminal steps, a manual step, /ato requiring /ipk, and
 * a master-image sysprep step (with the expect patterns of rules/). */
static const char SEED_DOC[] =
    "{\"case_id\": \"CAS-03877-J9N4S5\", \"title\": \"批量部署\", \"messages\": [{\"side\": \"customer\","
    "  \"body\": \"部署后无法激活。\"}], \"entities\": {},"
    " \"checklist\": ["
    "  {\"id\": \"imaging.check-sid\", \"title\": \"比较设备 SID\", \"title_en\": \"Compare SIDs\", \"why\": \"SID。\","
    "   \"kind\": \"diagnostic\", \"command\": \"whoami /user\", \"expect\": \"S-1-5-21-\\\\d+-\\\\d+-\\\\d+\"},"
    "  {\"id\": \"imaging.check-cmid\", \"title\": \"查看 CMID\", \"title_en\": \"Show the CMID\", \"why\": \"CMID。\","
    "   \"kind\": \"diagnostic\", \"command\": \"slmgr /dlv\","
    "   \"expect\": \"(?:客户端计算机 ID \\\\(CMID\\\\)|Client Machine ID \\\\(CMID\\\\))\\\\s*[:：]\\\\s*[0-9a-f-]{36}\"},"
    "  {\"id\": \"imaging.sysprep-generalize\", \"title\": \"封装母盘\", \"title_en\": \"Generalize the master\","
    "   \"why\": \"封装。\", \"kind\": \"change\", \"scope\": \"master-image\", \"command\": \"sysprep /generalize /oobe /shutdown\"},"
    "  {\"id\": \"activation.collect-sn\", \"title\": \"从设备标签读取序列号\", \"title_en\": \"Read the serial from the label\","
    "   \"why\": \"序列号只印在标签上。\", \"kind\": \"manual\", \"command\": \"\"},"
    "  {\"id\": \"activation.install-key\", \"title\": \"重新安装产品密钥\", \"title_en\": \"Reinstall the key\","
    "   \"why\": \"密钥被卸载。\", \"kind\": \"change\", \"command\": \"slmgr /ipk {{product_key}}\","
    "   \"expect\": \"成功地安装了产品密钥|Installed product key .* successfully\","
    "   \"params\": [{\"name\": \"product_key\", \"validate\": \"^[A-Z0-9]{5}(-[A-Z0-9]{5}){4}$\"}]},"
    "  {\"id\": \"activation.activate-online\", \"title\": \"联网激活\", \"title_en\": \"Activate online\","
    "   \"why\": \"激活。\", \"kind\": \"change\", \"command\": \"slmgr /ato\", \"requires\": [\"activation.install-key\"],"
    "   \"expect\": \"成功地激活了产品|Product activated successfully\"}]}";

/* Verify TEXT against SEED_DOC's checklist in SCOPE.  Caller unrefs. */
static JsonNode *verify_seed(const char *text, CkRunScope scope)
{
    JsonNode *doc = json_from_string(SEED_DOC, NULL);
    assert_non_null(doc);
    JsonNode *checklist = ck_checklist_build(json_node_get_object(doc));
    JsonNode *result = ck_verify_log(checklist, text, strlen(text), scope);
    json_node_unref(checklist);
    json_node_unref(doc);
    return result;
}

/* The status of step ID in RESULT. */
static const char *status_of(JsonNode *result, const char *id)
{
    return json_object_get_string_member(step_result(result, id), "status");
}

/* Whether RESULT judged a step with ID. */
static gboolean has_step(JsonNode *result, const char *id)
{
    JsonArray *steps = ck_json_get_array(json_node_get_object(result), "steps");
    for (guint i = 0; i < json_array_get_length(steps); i++)
        if (strcmp(ck_json_str(json_array_get_object_element(steps, i), "id"), id) == 0)
            return TRUE;
    return FALSE;
}

/* An unactivated machine's slmgr /dlv, with the error line slmgr prints. */
static const char DLV_ERROR_EN[] =
    "Software licensing service version: 10.0.19041.3636\nName: Windows(R), Professional edition\n"
    "License Status: Notification\nNotification Reason: 0xC004F056.\n"
    "Error: 0xC004F074 The Software Licensing Service reported that the computer could not be activated.\n";

static void test_pasted_dlv_judges_only_the_dlv_step(void **state)
{
    JsonNode *result = verify_seed(DLV_ERROR_EN, CK_RUN_ALL);
    assert_string_equal(status_of(result, "imaging.check-cmid"), "fail");
    assert_string_equal(status_of(result, "imaging.check-sid"), "not_run");
    assert_string_equal(status_of(result, "activation.install-key"), "not_run");
    assert_string_equal(status_of(result, "activation.activate-online"), "not_run");
    assert_string_equal(status_of(result, "activation.collect-sn"), "manual");
    /* a terminal's output never judges (or suggests) the master-image step */
    assert_false(has_step(result, "imaging.sysprep-generalize"));
    JsonObject *o = json_node_get_object(result);
    assert_string_equal(json_object_get_string_member(o, "scope"), "terminal");
    assert_int_equal(json_object_get_int_member(o, "other_scope_steps"), 1);
    JsonObject *summary = ck_json_get_object(o, "summary");
    assert_int_equal(json_object_get_int_member(summary, "fail"), 1);
    assert_int_equal(json_object_get_int_member(summary, "manual"), 1);
    assert_int_equal(json_object_get_int_member(summary, "not_run"), 3);
    /* /ato waits for /ipk */
    assert_true(g_str_has_prefix(json_object_get_string_member(step_result(result, "activation.activate-online"), "next"),
                                 "先完成第 "));
    json_node_unref(result);
}

/* Outputs of slmgr /dlv and /ato pasted together, with or without prompts. */
static const char DLV_THEN_ATO[] =
    "软件授权服务版本: 10.0.19041.3636\n名称: Windows(R), Professional edition\n部分产品密钥: 4M68B\n"
    "许可证状态: 通知\n客户端计算机 ID (CMID): 6a1c2f0e-8b7d-4c3a-9e5f-1d2b3c4a5e6f\n\n"
    "正在激活 Windows(R), Professional edition (73111121-5638-40f6-bc11-f1d7b0d64300) ...\n"
    "错误: 0xC004F074 软件授权服务报告无法激活计算机。\n";
static const char PROMPTS[] =
    "C:\\Windows\\system32>cscript //nologo C:\\Windows\\System32\\slmgr.vbs /ato\n"
    "Error: 0xC004F074 The Software Licensing Service reported that the computer could not be activated.\n\n"
    "C:\\Windows\\system32>slmgr /dlv\n"
    "Software licensing service version: 10.0.19041.3636\n"
    "Client Machine ID (CMID): 6a1c2f0e-8b7d-4c3a-9e5f-1d2b3c4a5e6f\n\nC:\\Windows\\system32>\n";

static void test_pasted_outputs_cut_apart(void **state)
{
    const char *texts[] = { DLV_THEN_ATO, PROMPTS };
    for (gsize i = 0; i < G_N_ELEMENTS(texts); i++) {
        JsonNode *result = verify_seed(texts[i], CK_RUN_ALL);
        /* /ato's error does not fail /dlv, and /dlv's CMID passes only /dlv */
        assert_string_equal(status_of(result, "imaging.check-cmid"), "pass");
        assert_string_equal(status_of(result, "activation.activate-online"), "fail");
        assert_non_null(strstr(json_object_get_string_member(step_result(result, "activation.activate-online"), "evidence"),
                               "0xC004F074"));
        assert_string_equal(status_of(result, "activation.install-key"), "not_run");
        assert_string_equal(status_of(result, "imaging.check-sid"), "not_run");
        json_node_unref(result);
    }
}

static void test_log_prerequisite_skipped(void **state)
{
    const char *log =
        "=== casekb checklist CAS-03877-J9N4S5 ===\n"
        "=== casekb step 1 imaging.check-sid BEGIN ===\nUSER INFORMATION\nS-1-5-21-111-222-333-1001\n"
        "=== casekb step 1 END exit=0 ===\n"
        "=== casekb step 3 activation.collect-sn SKIPPED manual ===\n"
        "=== casekb step 4 activation.install-key SKIPPED needs-product_key ===\n"
        "=== casekb step 5 activation.activate-online SKIPPED prerequisite activation.install-key ===\n";
    JsonNode *result = verify_seed(log, CK_RUN_ALL);
    assert_string_equal(json_object_get_string_member(json_node_get_object(result), "source"), "log");
    assert_string_equal(status_of(result, "imaging.check-sid"), "pass");
    assert_string_equal(status_of(result, "imaging.check-cmid"), "not_run");
    assert_string_equal(status_of(result, "activation.collect-sn"), "manual");
    assert_string_equal(status_of(result, "activation.install-key"), "not_run");
    JsonObject *ato = step_result(result, "activation.activate-online");
    assert_string_equal(json_object_get_string_member(ato, "status"), "not_run");
    assert_string_equal(json_object_get_string_member(ato, "reason"), "prerequisite activation.install-key");
    assert_string_equal(json_object_get_string_member(ato, "next"), "先完成第 4 步（重新安装产品密钥），再运行：slmgr /ato");
    /* what comes after a passed step respects the prerequisites and the scope */
    assert_string_equal(json_object_get_string_member(step_result(result, "imaging.check-sid"), "next"),
                        "下一步：查看 CMID（slmgr /dlv）");
    json_node_unref(result);
}

static void test_partial_log(void **state)
{
    /* the script stopped during step 2: its END line never came */
    const char *log =
        "=== casekb checklist CAS-03877-J9N4S5 ===\r\n"
        "=== casekb step 1 imaging.check-sid BEGIN ===\r\nS-1-5-21-111-222-333-1001\r\n=== casekb step 1 END exit=0 ===\r\n"
        "=== casekb step 2 imaging.check-cmid BEGIN ===\r\n软件授权服务版本: 10.0.19041.3636\r\n";
    JsonNode *result = verify_seed(log, CK_RUN_ALL);
    assert_string_equal(status_of(result, "imaging.check-sid"), "pass");
    JsonObject *cmid = step_result(result, "imaging.check-cmid");
    assert_string_equal(json_object_get_string_member(cmid, "status"), "not_run");
    assert_string_equal(json_object_get_string_member(cmid, "reason"), "interrupted");
    assert_string_equal(status_of(result, "activation.install-key"), "not_run");
    assert_string_equal(status_of(result, "activation.activate-online"), "not_run");
    JsonObject *summary = ck_json_get_object(json_node_get_object(result), "summary");
    assert_int_equal(json_object_get_int_member(summary, "pass"), 1);
    assert_int_equal(json_object_get_int_member(summary, "not_run"), 3);
    assert_int_equal(json_object_get_int_member(summary, "fail") + json_object_get_int_member(summary, "unchecked"), 0);
    json_node_unref(result);
}

static void test_exit_code_fails_a_step(void **state)
{
    const char *log =
        "=== casekb step 1 imaging.check-sid BEGIN ===\nsomething went wrong\n=== casekb step 1 END exit=1 ===\n";
    JsonNode *result = verify_seed(log, CK_RUN_ALL);
    JsonObject *sid = step_result(result, "imaging.check-sid");
    assert_string_equal(json_object_get_string_member(sid, "status"), "fail");
    assert_string_equal(json_object_get_string_member(sid, "reason"), "exit 1");
    json_node_unref(result);
}

static void test_master_image_log(void **state)
{
    const char *log =
        "=== casekb checklist CAS-03877-J9N4S5 master-image ===\n"
        "=== casekb step 6 imaging.sysprep-generalize BEGIN ===\n=== casekb step 6 END exit=0 ===\n";
    JsonNode *result = verify_seed(log, CK_RUN_ALL);
    JsonObject *o = json_node_get_object(result);
    assert_string_equal(json_object_get_string_member(o, "scope"), "master-image");
    assert_int_equal(json_array_get_length(ck_json_get_array(o, "steps")), 1);
    assert_string_equal(status_of(result, "imaging.sysprep-generalize"), "unchecked");
    assert_int_equal(json_object_get_int_member(o, "other_scope_steps"), 5);
    json_node_unref(result);
    /* the same log judged as a terminal's: the sysprep block is not a terminal step */
    result = verify_seed(log, CK_RUN_TERMINAL);
    assert_false(has_step(result, "imaging.sysprep-generalize"));
    json_node_unref(result);
}

static void test_licensed_machine_next_is_never_master_image(void **state)
{
    const char *log =
        "=== casekb checklist CAS-03877-J9N4S5 ===\n"
        "=== casekb step 1 imaging.check-sid BEGIN ===\nS-1-5-21-111-222-333-1001\n=== casekb step 1 END exit=0 ===\n"
        "=== casekb step 2 imaging.check-cmid BEGIN ===\n许可证状态: 已授权\n"
        "客户端计算机 ID (CMID): 6a1c2f0e-8b7d-4c3a-9e5f-1d2b3c4a5e6f\n=== casekb step 2 END exit=0 ===\n";
    JsonNode *result = verify_seed(log, CK_RUN_ALL);
    JsonArray *steps = ck_json_get_array(json_node_get_object(result), "steps");
    for (guint i = 0; i < json_array_get_length(steps); i++) {
        const char *next = json_object_get_string_member(json_array_get_object_element(steps, i), "next");
        assert_null(strstr(next, "sysprep"));
        assert_null(strstr(next, "封装"));
    }
    assert_string_equal(json_object_get_string_member(step_result(result, "imaging.check-cmid"), "next"),
                        "下一步：重新安装产品密钥（slmgr /ipk <product_key>）");
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    ck_text_verify(out, result);
    fclose(out);
    assert_non_null(strstr(buf, "2 pass, 0 fail, 2 not run, 0 unchecked, 1 manual\n"));
    assert_non_null(strstr(buf, "另有 1 个母盘步骤不在此核对范围内"));
    assert_null(strstr(buf, "sysprep"));
    free(buf);
    json_node_unref(result);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pasted_dlv_zh_and_en),
        cmocka_unit_test(test_pasted_xpr),
        cmocka_unit_test(test_pasted_nslookup),
        cmocka_unit_test(test_pasted_test_netconnection),
        cmocka_unit_test(test_script_log_utf8_crlf),
        cmocka_unit_test(test_script_log_utf16_and_gb18030),
        cmocka_unit_test(test_script_log_mixed_encodings),
        cmocka_unit_test(test_nothing_recognised),
        cmocka_unit_test(test_text_rendering),
        cmocka_unit_test(test_pasted_dlv_judges_only_the_dlv_step),
        cmocka_unit_test(test_pasted_outputs_cut_apart),
        cmocka_unit_test(test_log_prerequisite_skipped),
        cmocka_unit_test(test_partial_log),
        cmocka_unit_test(test_exit_code_fails_a_step),
        cmocka_unit_test(test_master_image_log),
        cmocka_unit_test(test_licensed_machine_next_is_never_master_image),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
