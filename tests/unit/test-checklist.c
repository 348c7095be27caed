/* test-checklist.c — the checklist value and its md / cmd / ps1 forms:
 * parameters from the mail checked before they enter a script, injection
 * attempts left as inert placeholders, product keys never written, CRLF
 * line ends, the PowerShell BOM, step markers and confirmation of steps
 * that change the machine. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "reports/output.h"
#include "reports/checklist.h"

/* A case document as `show --json` gives it: a KMS case plus a key step. */
static const char DOC_TEMPLATE[] =
    "{\"case_id\": \"CAS-04711-L2V8C3\", \"title\": %s,"
    " \"messages\": [{\"side\": \"customer\", \"from\": \"朱镕\", \"body\": \"激活报错 0xC004F074，无法连接 KMS 服务器。\"}],"
    " \"entities\": {\"hosts\": [%s], \"product_keys\": [%s], \"error_codes\": [\"0xC004F074\"]},"
    " \"checklist\": ["
    "  {\"cause\": \"activation.kms-unreachable\", \"id\": \"kms.show-config\", \"title\": \"查看 KMS 主机设置和激活状态\","
    "   \"title_en\": \"Show KMS host setting\", \"why\": \"确认客户端使用的 KMS 主机名和端口。\", \"why_en\": \"Shows the host.\","
    "   \"kind\": \"diagnostic\", \"command\": \"slmgr /dlv\", \"expect\": \"(?:KMS 计算机名称|KMS machine name)\","
    "   \"params\": [], \"do_not\": []},"
    "  {\"cause\": \"activation.kms-unreachable\", \"id\": \"kms.test-port\", \"title\": \"测试 KMS 主机 1688 端口\","
    "   \"title_en\": \"Test TCP 1688\", \"why\": \"防火墙会阻断激活请求。\", \"why_en\": \"A firewall blocks it.\","
    "   \"kind\": \"diagnostic\", \"command\": \"Test-NetConnection {{kms_host}} -Port {{kms_port}}\","
    "   \"expect\": \"TcpTestSucceeded\\\\s*:\\\\s*True\","
    "   \"params\": [{\"name\": \"kms_host\", \"validate\": \"^[A-Za-z0-9.-]{1,253}$\", \"example\": \"kms.example.cn\"},"
    "              {\"name\": \"kms_port\", \"validate\": \"^[0-9]{1,5}$\", \"example\": \"1688\"}], \"do_not\": []},"
    "  {\"cause\": \"activation.kms-unreachable\", \"id\": \"kms.set-host\", \"title\": \"指定 KMS 主机\","
    "   \"title_en\": \"Point the client at the KMS host\", \"why\": \"手动指定。\", \"why_en\": \"Sets the host.\","
    "   \"kind\": \"change\", \"command\": \"slmgr /skms {{kms_host}}:{{kms_port}}\","
    "   \"params\": [{\"name\": \"kms_host\", \"validate\": \"^[A-Za-z0-9.-]{1,253}$\", \"example\": \"kms.example.cn\"},"
    "              {\"name\": \"kms_port\", \"validate\": \"^[0-9]{1,5}$\", \"example\": \"1688\"}], \"do_not\": []},"
    "  {\"cause\": \"activation.key-uninstalled\", \"id\": \"activation.install-key\", \"title\": \"重新安装产品密钥\","
    "   \"title_en\": \"Reinstall the product key\", \"why\": \"密钥被卸载后需重新安装。\", \"why_en\": \"Install it again.\","
    "   \"kind\": \"change\", \"command\": \"slmgr /ipk {{product_key}}\","
    "   \"params\": [{\"name\": \"product_key\", \"validate\": \"^[A-Z0-9]{5}(-[A-Z0-9]{5}){4}$\"}],"
    "   \"do_not\": [\"不要在镜像制作过程中执行 slmgr /upk / Do not run slmgr /upk while preparing an image\"]},"
    "  {\"cause\": \"updates.duplicate-client-id\", \"id\": \"updates.reset-client-id\", \"title\": \"删除 SusClientId\","
    "   \"title_en\": \"Delete the SusClientId\", \"why\": \"重启服务后生成新 ID。\", \"why_en\": \"A new ID.\","
    "   \"kind\": \"change\", \"command\": \"net stop wuauserv && reg delete \\\"HKLM\\\\SOFTWARE\\\\X\\\" /v SusClientId /f\","
    "   \"params\": [], \"do_not\": []}]}";

#define FULL_KEY "VK7JG-NPHTM-C97JM-9MPGT-3V66T"

/* A document with TITLE, HOST and KEY as JSON literals.  Caller unrefs. */
static JsonNode *make_doc(const char *title_json, const char *host_json, const char *key_json)
{
    g_autofree char *text = g_strdup_printf(DOC_TEMPLATE, title_json, host_json, key_json);
    GError *error = NULL;
    JsonNode *node = json_from_string(text, &error);
    if (!node)
        fail_msg("fixture JSON: %s", error->message);
    return node;
}

/* The checklist rendered as FORMAT for a document.  Caller frees. */
static char *render(JsonNode *doc, const char *format, JsonNode **checklist_out)
{
    JsonNode *checklist = ck_checklist_build(json_node_get_object(doc));
    GString *out = g_string_new(NULL);
    assert_true(ck_checklist_render(out, checklist, format));
    if (checklist_out)
        *checklist_out = checklist;
    else
        json_node_unref(checklist);
    return g_string_free(out, FALSE);
}

/* The step N (1-based) of a checklist value. */
static JsonObject *step(JsonNode *checklist, guint n)
{
    return json_array_get_object_element(ck_json_get_array(json_node_get_object(checklist), "steps"), n - 1);
}

/* The status of parameter NAME of STEP. */
static const char *param_status(JsonObject *s, const char *name)
{
    JsonArray *params = ck_json_get_array(s, "params");
    for (guint i = 0; i < json_array_get_length(params); i++) {
        JsonObject *p = json_array_get_object_element(params, i);
        if (strcmp(json_object_get_string_member(p, "name"), name) == 0)
            return json_object_get_string_member(p, "status");
    }
    return "absent";
}

static void test_values_from_mail_fill_scripts(void **state)
{
    JsonNode *doc = make_doc("\"KMS 无法连接\"", "\"kms.example.cn:1688\"", "");
    JsonNode *checklist = NULL;
    g_autofree char *cmd = render(doc, "cmd", &checklist);
    g_autofree char *ps1 = render(doc, "ps1", NULL);
    assert_string_equal(param_status(step(checklist, 2), "kms_host"), "filled");
    assert_string_equal(json_object_get_string_member(step(checklist, 2), "command_filled"),
                        "Test-NetConnection kms.example.cn -Port 1688");
    assert_non_null(strstr(cmd, "set \"KMS_HOST=kms.example.cn\"\r\n"));
    assert_non_null(strstr(cmd, "set \"KMS_PORT=1688\"\r\n"));
    assert_non_null(strstr(cmd, "Test-NetConnection %KMS_HOST% -Port %KMS_PORT%"));
    assert_non_null(strstr(ps1, "$KMS_HOST = 'kms.example.cn'\r\n"));
    assert_non_null(strstr(ps1, "/skms ${KMS_HOST}:${KMS_PORT}"));
    assert_int_equal(json_array_get_length(ck_json_get_array(json_node_get_object(checklist), "warnings")), 0);
    json_node_unref(checklist);
    json_node_unref(doc);
}

/* Every line of SCRIPT holding NEEDLE is a comment (starts with PREFIX,
 * after the BOM on the first line). */
static void assert_only_in_comments(const char *script, const char *needle, const char *prefix)
{
    g_auto(GStrv) lines = g_strsplit(script, "\r\n", -1);
    for (guint i = 0; lines[i]; i++) {
        const char *line = g_str_has_prefix(lines[i], "\xEF\xBB\xBF") ? lines[i] + 3 : lines[i];
        if (strstr(line, needle) && !g_str_has_prefix(line, prefix))
            fail_msg("'%s' outside a comment: %s", needle, line);
    }
}

static void test_injection_stays_inert(void **state)
{
    const char *attacks[] = {
        "\"kms.example.cn & del /q C:\\\\*:1688\"",
        "\"$(Remove-Item -Recurse C:\\\\):1688\"",
        "\"kms`whoami`.example.cn:1688\"",
        "\"kms.example.cn\\\":1688\"",
        "\"kms.example.cn';Remove-Item x;'.cn:1688\"",
        "\"kms.example.cn\\r\\ndel x:1688\"",
        "\"kms.example.cn:1688 | calc\"",
        "\"kms.example.cn\\n:1688\"",   /* PCRE2's $ matches before a final newline */
    };
    for (gsize i = 0; i < G_N_ELEMENTS(attacks); i++) {
        JsonNode *doc = make_doc("\"t\"", attacks[i], "");
        JsonNode *checklist = NULL;
        g_autofree char *cmd = render(doc, "cmd", &checklist);
        g_autofree char *ps1 = render(doc, "ps1", NULL);
        g_autofree char *md = render(doc, "md", NULL);
        const char *host_status = param_status(step(checklist, 2), "kms_host");
        const char *port_status = param_status(step(checklist, 2), "kms_port");
        assert_true(strcmp(host_status, "rejected") == 0 || strcmp(port_status, "rejected") == 0);
        assert_true(json_array_get_length(ck_json_get_array(json_node_get_object(checklist), "warnings")) > 0);
        const char *bad[] = { "del ", "Remove-Item", "whoami", "calc", "';" };
        for (gsize b = 0; b < G_N_ELEMENTS(bad); b++) {
            assert_null(strstr(cmd, bad[b]));
            assert_null(strstr(ps1, bad[b]));
        }
        assert_true(strstr(cmd, "set \"KMS_HOST=\"\r\n") || strstr(cmd, "set \"KMS_PORT=\"\r\n"));
        assert_true(strstr(ps1, "$KMS_HOST = ''\r\n") || strstr(ps1, "$KMS_PORT = ''\r\n"));
        assert_non_null(strstr(md, "【待补充】"));
        json_node_unref(checklist);
        json_node_unref(doc);
    }
}

static void test_title_from_mail_only_in_comments(void **state)
{
    JsonNode *doc = make_doc("\"激活失败 & del /q C:\\\\* \\r\\n calc %PATH% `$(Remove-Item x)` \\\"\"",
                             "\"kms.example.cn:1688\"", "");
    g_autofree char *cmd = render(doc, "cmd", NULL);
    g_autofree char *ps1 = render(doc, "ps1", NULL);
    assert_only_in_comments(cmd, "del /q", "REM ");
    assert_only_in_comments(cmd, "calc", "REM ");
    assert_only_in_comments(ps1, "Remove-Item x", "# ");
    assert_only_in_comments(ps1, "calc", "# ");
    /* cmd expands %…% and parses & even in REM lines: they become full-width */
    assert_null(strstr(cmd, "%PATH%"));
    assert_non_null(strstr(cmd, "激活失败 ＆ del /q"));
    json_node_unref(doc);
}

static void test_product_key_never_filled(void **state)
{
    JsonNode *doc = make_doc("\"t\"", "\"kms.example.cn:1688\"", "\"" FULL_KEY "\"");
    JsonNode *checklist = NULL;
    g_autofree char *cmd = render(doc, "cmd", &checklist);
    g_autofree char *ps1 = render(doc, "ps1", NULL);
    g_autofree char *md = render(doc, "md", NULL);
    assert_string_equal(param_status(step(checklist, 4), "product_key"), "secret");
    assert_false(json_object_get_boolean_member(step(checklist, 4), "runnable"));
    assert_null(strstr(cmd, FULL_KEY));
    assert_null(strstr(ps1, FULL_KEY));
    assert_null(strstr(md, FULL_KEY));
    assert_null(strstr(md, "3V66T"));
    /* the step stays commented out, with the reason, and logs that it was skipped */
    assert_non_null(strstr(cmd, "REM   cscript //nologo ＂％SystemRoot％\\System32\\slmgr.vbs＂ /ipk __PRODUCT_KEY__\r\n"));
    assert_non_null(strstr(cmd, "echo === casekb step 4 activation.install-key SKIPPED needs-product_key ==="));
    assert_non_null(strstr(ps1, "#   cscript //nologo \"$env:SystemRoot\\System32\\slmgr.vbs\" /ipk __PRODUCT_KEY__"));
    assert_only_in_comments(ps1, "/ipk", "# ");
    assert_only_in_comments(cmd, "/ipk", "REM ");
    assert_non_null(strstr(md, "产品密钥不会自动填写"));
    json_node_unref(checklist);
    json_node_unref(doc);
}

/* Every "\n" in TEXT follows a "\r", and there is at least one. */
static void assert_crlf(const char *text)
{
    int lines = 0;
    for (const char *p = text; *p; p++) {
        if (*p == '\n') {
            assert_true(p > text && p[-1] == '\r');
            lines++;
        } else if (*p == '\r') {
            assert_int_equal(p[1], '\n');
        }
    }
    assert_true(lines > 10);
}

static void test_crlf_bom_and_encoding(void **state)
{
    JsonNode *doc = make_doc("\"中文标题\"", "\"kms.example.cn:1688\"", "");
    g_autofree char *cmd = render(doc, "cmd", NULL);
    g_autofree char *ps1 = render(doc, "ps1", NULL);
    g_autofree char *md = render(doc, "md", NULL);
    assert_crlf(cmd);
    assert_crlf(ps1);
    assert_memory_equal(ps1, "\xEF\xBB\xBF# casekb checklist", 20);
    assert_true(g_str_has_prefix(cmd, "@echo off\r\nchcp 65001 >nul\r\n"));
    assert_true(g_utf8_validate(cmd, -1, NULL) && g_utf8_validate(ps1 + 3, -1, NULL));
    assert_non_null(strstr(ps1, "中文标题"));
    assert_null(strchr(md, '\r'));
    json_node_unref(doc);
}

static void test_markers_and_confirmation(void **state)
{
    JsonNode *doc = make_doc("\"t\"", "\"kms.example.cn:1688\"", "");
    g_autofree char *cmd = render(doc, "cmd", NULL);
    g_autofree char *ps1 = render(doc, "ps1", NULL);
    /* markers are written by the shared routines with the step number and id */
    assert_non_null(strstr(cmd, ">>\"%CK_LOG%\" echo === casekb step %1 %2 BEGIN ===\r\n"));
    assert_non_null(strstr(cmd, ">>\"%CK_LOG%\" echo === casekb step %1 END exit=%2 ===\r\n"));
    assert_non_null(strstr(cmd, "call :ck_begin 1 kms.show-config\r\n(cscript //nologo \"%SystemRoot%\\System32\\slmgr.vbs\" /dlv) >>\"%CK_LOG%\" 2>&1\r\ncall :ck_end 1 %ERRORLEVEL%"));
    assert_non_null(strstr(ps1, "Write-CkLog \"=== casekb step $N $Id BEGIN ===\""));
    assert_non_null(strstr(ps1, "Write-CkLog \"=== casekb step $N END exit=$code ===\""));
    /* read-only steps run directly; changing steps only after YES */
    const char *set_host = strstr(cmd, "call :ck_begin 3 kms.set-host");
    const char *confirm = strstr(cmd, "call :ck_confirm 3 kms.set-host || goto ck_next_3");
    assert_non_null(set_host);
    assert_non_null(confirm);
    assert_true(confirm < set_host);
    assert_null(strstr(cmd, "call :ck_confirm 1 "));
    assert_non_null(strstr(cmd, "if \"%CK_ANSWER%\"==\"YES\" exit /b 0"));
    assert_non_null(strstr(ps1, "Invoke-CkStep -N 3 -Id 'kms.set-host' -Needs @('KMS_HOST', 'KMS_PORT') -Change -Body {"));
    assert_non_null(strstr(ps1, "Invoke-CkStep -N 1 -Id 'kms.show-config' -Needs @() -Body {"));
    assert_non_null(strstr(ps1, "if ($answer -cne 'YES')"));
    /* && chains: one line in cmd, statements that stop on failure in PowerShell 5.1 */
    assert_non_null(strstr(cmd, "(net stop wuauserv && reg delete \"HKLM\\SOFTWARE\\X\" /v SusClientId /f)"));
    assert_non_null(strstr(ps1, "net stop wuauserv\r\n    if ($LASTEXITCODE) { return }\r\n    reg delete"));
    json_node_unref(doc);
}

static void test_markdown_task_list(void **state)
{
    JsonNode *doc = make_doc("\"KMS 无法连接\"", "", "");
    g_autofree char *md = render(doc, "md", NULL);
    assert_true(g_str_has_prefix(md, "# 处理清单: CAS-04711-L2V8C3 KMS 无法连接\n"));
    assert_non_null(strstr(md, "- [ ] **1. 查看 KMS 主机设置和激活状态** (`kms.show-config`, 只读诊断)\n"));
    assert_non_null(strstr(md, "  - 命令: `Test-NetConnection <kms_host> -Port <kms_port>`\n"));
    assert_non_null(strstr(md, "  - 参数 `kms_host`: 【待补充】邮件中没有 (示例 `kms.example.cn`)\n"));
    assert_non_null(strstr(md, "- [ ] **3. 指定 KMS 主机** (`kms.set-host`, 会修改系统)\n"));
    assert_non_null(strstr(md, "  - ⚠ 不要: 不要在镜像制作过程中执行 slmgr /upk"));
    assert_non_null(strstr(md, "  - 预期结果: `TcpTestSucceeded\\s*:\\s*True`\n"));
    int tasks = 0;
    for (const char *p = md; (p = strstr(p, "- [ ] ")) != NULL; p++)
        tasks++;
    assert_int_equal(tasks, 5);
    json_node_unref(doc);
}

static void test_unknown_format_refused(void **state)
{
    JsonNode *doc = make_doc("\"t\"", "", "");
    JsonNode *checklist = ck_checklist_build(json_node_get_object(doc));
    GString *out = g_string_new(NULL);
    assert_false(ck_checklist_render(out, checklist, "html"));
    assert_int_equal(out->len, 0);
    g_string_free(out, TRUE);
    json_node_unref(checklist);
    json_node_unref(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values_from_mail_fill_scripts),
        cmocka_unit_test(test_injection_stays_inert),
        cmocka_unit_test(test_title_from_mail_only_in_comments),
        cmocka_unit_test(test_product_key_never_filled),
        cmocka_unit_test(test_crlf_bom_and_encoding),
        cmocka_unit_test(test_markers_and_confirmation),
        cmocka_unit_test(test_markdown_task_list),
        cmocka_unit_test(test_unknown_format_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
