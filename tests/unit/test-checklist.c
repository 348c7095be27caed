/* test-checklist.c — the checklist value and its md / cmd / ps1 forms:
 * parameters from the mail checked before they enter a script, injection
 * attempts left as inert placeholders, product keys never written, CRLF
 * line ends, the PowerShell BOM, step markers and confirmation of steps
 * that change the machine.  Safety: no terminal script runs sysprep (for
 * every cause of the shipped rules, alone and together, and when a rule
 * forgets the scope), the administrator check comes first, a step runs
 * only after the steps it requires succeeded, manual steps, mail text
 * escaped in Markdown. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "reports/output.h"
#include "reports/checklist.h"
#include "analyzer/analyzer.h"
#include "analyzer/analyzer-private.h"

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
    assert_true(ck_checklist_render(out, checklist, format, CK_RUN_ALL));
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
    assert_non_null(strstr(cmd, "call :ck_begin 1 kms.show-config\r\n(cscript //nologo \"%SystemRoot%\\System32\\slmgr.vbs\" /dlv) >>\"%CK_LOG%\" 2>&1\r\ncall :ck_end 1 %ERRORLEVEL% kms.show-config"));
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
    assert_non_null(strstr(ps1, "Invoke-CkStep -N 3 -Id 'kms.set-host' -Requires @() -Needs @('KMS_HOST', 'KMS_PORT') -Change -Body {"));
    assert_non_null(strstr(ps1, "Invoke-CkStep -N 1 -Id 'kms.show-config' -Requires @() -Needs @() -Body {"));
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
    assert_false(ck_checklist_render(out, checklist, "html", CK_RUN_ALL));
    assert_int_equal(out->len, 0);
    g_string_free(out, TRUE);
    json_node_unref(checklist);
    json_node_unref(doc);
}

/* A document whose "checklist" member is STEPS_JSON (a JSON array).  Caller unrefs. */
static JsonNode *doc_with_steps(const char *title_json, const char *steps_json)
{
    g_autofree char *text = g_strdup_printf("{\"case_id\": \"CAS-00001-TEST01\", \"title\": %s, \"messages\":"
                                            " [{\"side\": \"customer\", \"body\": \"激活失败。\"}],"
                                            " \"entities\": {\"hosts\": [\"<img src=x onerror=alert(1)>:1688\"]},"
                                            " \"checklist\": %s}", title_json, steps_json);
    JsonNode *node = json_from_string(text, NULL);
    if (!node)
        fail_msg("fixture JSON: %s", text);
    return node;
}

/* CHECKLIST rendered as FORMAT for SCOPE.  Caller frees. */
static char *render_scope(JsonNode *checklist, const char *format, CkRunScope scope)
{
    GString *out = g_string_new(NULL);
    assert_true(ck_checklist_render(out, checklist, format, scope));
    return g_string_free(out, FALSE);
}

/* Fail when a line of terminal SCRIPT that is not a comment mentions
 * sysprep (any case), or when sysprep.exe appears anywhere. */
static void assert_no_sysprep(const char *script, const char *what)
{
    g_autofree char *lower = g_ascii_strdown(script, -1);
    g_auto(GStrv) lines = g_strsplit(lower, "\r\n", -1);
    for (guint i = 0; lines[i]; i++) {
        const char *line = g_str_has_prefix(lines[i], "\xEF\xBB\xBF") ? lines[i] + 3 : lines[i];
        if (strstr(line, "sysprep") && !g_str_has_prefix(line, "rem ") && line[0] != '#')
            fail_msg("%s: a terminal script runs sysprep: %s", what, line);
    }
    assert_null(strstr(lower, "sysprep.exe"));
}

/* Check the steps of CHECKLIST: every step comes after the steps it requires. */
static void assert_prerequisites_first(JsonNode *checklist, const char *what)
{
    JsonArray *steps = ck_json_get_array(json_node_get_object(checklist), "steps");
    for (guint i = 0; i < json_array_get_length(steps); i++) {
        JsonObject *s = json_array_get_object_element(steps, i);
        JsonArray *after = ck_json_get_array(s, "after");
        assert_int_equal(json_object_get_int_member(s, "n"), i + 1);
        for (guint k = 0; k < json_array_get_length(after); k++)
            if (json_array_get_int_element(after, k) >= json_object_get_int_member(s, "n"))
                fail_msg("%s: step %s comes before a step it requires", what, ck_json_str(s, "id"));
    }
}

/* Build the checklist of the causes of RULES flagged in REPORTED (one per
 * cause, in order) and check its terminal scripts and its order. */
static void check_causes(CkRuleSet *rules, const gboolean *reported, const char *what)
{
    g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func((GDestroyNotify)ck_cause_result_free);
    for (guint i = 0; i < rules->causes->len; i++) {
        CkCauseResult *r = g_new0(CkCauseResult, 1);
        r->cause = g_ptr_array_index(rules->causes, i);
        r->reported = reported[i];
        r->hits = g_ptr_array_new();
        g_ptr_array_add(results, r);
    }
    JsonObject *doc = json_object_new();
    json_object_set_string_member(doc, "case_id", "CAS-00002-CAUSES");
    json_object_set_string_member(doc, "title", what);
    json_object_set_member(doc, "checklist", ck_checklist_to_json(results));
    JsonNode *checklist = ck_checklist_build(doc);
    for (int k = 0; k < 2; k++) {
        g_autofree char *script = render_scope(checklist, k ? "ps1" : "cmd", CK_RUN_TERMINAL);
        g_autofree char *by_default = render_scope(checklist, k ? "ps1" : "cmd", CK_RUN_ALL);
        assert_no_sysprep(script, what);
        assert_string_equal(script, by_default);
    }
    assert_prerequisites_first(checklist, what);
    json_node_unref(checklist);
    json_object_unref(doc);
}

static void test_every_cause_terminal_scripts_without_sysprep(void **state)
{
    static const char *const shipped[] = { "rules", NULL };
    GError *error = NULL;
    CkRuleSet *rules = ck_ruleset_load(shipped, &error);
    if (!rules)
        fail_msg("loading rules/: %s", error->message);
    assert_true(rules->causes->len >= 12);
    g_autofree gboolean *reported = g_new0(gboolean, rules->causes->len);
    for (guint i = 0; i < rules->causes->len; i++) {
        memset(reported, 0, rules->causes->len * sizeof *reported);
        reported[i] = TRUE;
        check_causes(rules, reported, ((CkCause *)g_ptr_array_index(rules->causes, i))->id);
    }
    for (guint i = 0; i < rules->causes->len; i++)
        reported[i] = TRUE;
    check_causes(rules, reported, "every cause");
    ck_ruleset_free(rules);
}

/* Steps: a sysprep step whose rule forgot the scope, one whose rule says
 * terminal, /ato BEFORE the /ipk it requires (as a better-scoring cause
 * would order them), a manual step, a read-only step. */
static const char SAFETY_STEPS[] =
    "[{\"id\": \"x.generalize\", \"title\": \"封装\", \"title_en\": \"Generalize\", \"why\": \"w\", \"kind\": \"change\","
    "  \"command\": \"sysprep /generalize /oobe /shutdown\"},"
    " {\"id\": \"x.generalize-path\", \"title\": \"封装2\", \"title_en\": \"Generalize 2\", \"why\": \"w\", \"kind\": \"change\","
    "  \"scope\": \"terminal\", \"command\": \"C:\\\\Windows\\\\System32\\\\Sysprep\\\\Sysprep.exe /oobe\"},"
    " {\"id\": \"activation.activate-online\", \"title\": \"联网激活\", \"title_en\": \"Activate\", \"why\": \"w\","
    "  \"kind\": \"change\", \"command\": \"slmgr /ato\", \"requires\": [\"activation.install-key\", \"x.generalize\"]},"
    " {\"id\": \"x.read-label\", \"title\": \"读取标签上的序列号\", \"title_en\": \"Read the label\", \"why\": \"标签。\","
    "  \"kind\": \"manual\", \"command\": \"\", \"do_not\": [\"<b>不要</b> # 一机一码\"]},"
    " {\"id\": \"activation.install-key\", \"title\": \"安装密钥\", \"title_en\": \"Install the key\", \"why\": \"w\","
    "  \"kind\": \"change\", \"command\": \"slmgr /ipk {{product_key}}\","
    "  \"params\": [{\"name\": \"product_key\", \"validate\": \"^[A-Z0-9]{5}(-[A-Z0-9]{5}){4}$\"}]},"
    " {\"id\": \"kms.test-port\", \"title\": \"测试端口\", \"title_en\": \"Test the port\", \"why\": \"w\","
    "  \"kind\": \"diagnostic\", \"command\": \"Test-NetConnection {{kms_host}} -Port 1688\","
    "  \"params\": [{\"name\": \"kms_host\", \"validate\": \"^.+$\"}]}]";

static void test_sysprep_never_in_a_terminal_script(void **state)
{
    JsonNode *doc = doc_with_steps("\"t\"", SAFETY_STEPS);
    JsonNode *checklist = ck_checklist_build(json_node_get_object(doc));
    JsonObject *o = json_node_get_object(checklist);
    /* both sysprep steps are master-image steps, numbered after the terminal ones */
    JsonArray *steps = ck_json_get_array(o, "steps");
    assert_int_equal(json_array_get_length(steps), 6);
    assert_string_equal(ck_json_str(json_array_get_object_element(steps, 4), "scope"), "master-image");
    assert_string_equal(ck_json_str(json_array_get_object_element(steps, 5), "scope"), "master-image");
    assert_int_equal(ck_checklist_count(checklist, CK_RUN_TERMINAL), 4);
    assert_int_equal(ck_checklist_count(checklist, CK_RUN_MASTER_IMAGE), 2);
    g_autofree char *warnings = json_to_string(json_object_get_member(o, "warnings"), FALSE);
    assert_non_null(strstr(warnings, "step x.generalize runs sysprep but its rule does not say scope: master-image"));
    assert_non_null(strstr(warnings, "step x.generalize-path runs sysprep"));
    assert_non_null(strstr(warnings, "step activation.activate-online requires x.generalize, which is not a step of"
                                     " the same scope"));
    for (int k = 0; k < 2; k++) {
        g_autofree char *terminal = render_scope(checklist, k ? "ps1" : "cmd", CK_RUN_TERMINAL);
        g_autofree char *master = render_scope(checklist, k ? "ps1" : "cmd", CK_RUN_MASTER_IMAGE);
        assert_no_sysprep(terminal, k ? "ps1" : "cmd");
        assert_non_null(strstr(master, "sysprep.exe\" /generalize /oobe /shutdown"));
        assert_non_null(strstr(master, "FOR THE MASTER (REFERENCE) IMAGE ONLY"));
        assert_non_null(strstr(master, "NEVER on a production terminal"));
        assert_null(strstr(master, "slmgr"));
        assert_non_null(strstr(terminal, "--scope master-image"));
    }
    g_autofree char *md = render_scope(checklist, "md", CK_RUN_ALL);
    const char *terminal_heading = strstr(md, "\n## 在每台受影响的终端上执行\n");
    const char *master_heading = strstr(md, "\n## 仅在母盘（参考镜像）上执行，不要在生产终端上执行\n");
    assert_non_null(terminal_heading);
    assert_non_null(master_heading);
    assert_true(terminal_heading < master_heading);
    assert_true(strstr(md, "x.generalize") > master_heading);
    g_autofree char *md_terminal = render_scope(checklist, "md", CK_RUN_TERMINAL);
    assert_null(strstr(md_terminal, "x.generalize`"));
    assert_null(strstr(md_terminal, "sysprep /generalize"));
    assert_null(strstr(md_terminal, "## 仅在母盘"));
    json_node_unref(checklist);
    json_node_unref(doc);
}

static void test_prerequisites(void **state)
{
    JsonNode *doc = doc_with_steps("\"t\"", SAFETY_STEPS);
    JsonNode *checklist = ck_checklist_build(json_node_get_object(doc));
    /* /ipk moves before the /ato that requires it; the manual step keeps its place */
    JsonArray *steps = ck_json_get_array(json_node_get_object(checklist), "steps");
    const char *order[] = { "x.read-label", "activation.install-key", "activation.activate-online", "kms.test-port" };
    for (guint i = 0; i < G_N_ELEMENTS(order); i++)
        assert_string_equal(ck_json_str(json_array_get_object_element(steps, i), "id"), order[i]);
    JsonObject *ato = json_array_get_object_element(steps, 2);
    g_autofree char *requires = json_to_string(json_object_get_member(ato, "requires"), FALSE);
    g_autofree char *after = json_to_string(json_object_get_member(ato, "after"), FALSE);
    assert_string_equal(requires, "[\"activation.install-key\"]");
    assert_string_equal(after, "[2]");
    g_autofree char *cmd = render_scope(checklist, "cmd", CK_RUN_TERMINAL);
    g_autofree char *ps1 = render_scope(checklist, "ps1", CK_RUN_TERMINAL);
    g_autofree char *md = render_scope(checklist, "md", CK_RUN_ALL);
    /* cmd: the prerequisite check comes before the YES prompt and the run */
    const char *need = strstr(cmd, "call :ck_need 3 activation.activate-online activation.install-key || goto ck_next_3\r\n");
    const char *confirm = strstr(cmd, "call :ck_confirm 3 activation.activate-online");
    const char *begin = strstr(cmd, "call :ck_begin 3 activation.activate-online");
    assert_non_null(need);
    assert_true(need < confirm && confirm < begin);
    assert_non_null(strstr(cmd, ":ck_need\r\nif defined CK_OK_%3 exit /b 0\r\ncall :ck_skip %1 %2 \"prerequisite %3\"\r\n"
                                "exit /b 1\r\n"));
    assert_non_null(strstr(cmd, ":ck_end\r\n>>\"%CK_LOG%\" echo === casekb step %1 END exit=%2 ===\r\n"
                                "if \"%2\"==\"0\" set \"CK_OK_%3=1\"\r\n"));
    /* the key step is commented out, so it never succeeds: /ato is skipped */
    assert_non_null(strstr(cmd, "echo === casekb step 2 activation.install-key SKIPPED needs-product_key ==="));
    assert_non_null(strstr(ps1, "Invoke-CkStep -N 3 -Id 'activation.activate-online' -Requires @('activation.install-key')"
                                " -Needs @() -Change -Body {"));
    assert_non_null(strstr(ps1, "Write-CkLog \"=== casekb step $N $Id SKIPPED prerequisite $req ===\""));
    assert_non_null(strstr(ps1, "if ($code -eq 0) { $script:CkOk[$Id] = $true }"));
    assert_non_null(strstr(md, "  - 前提: 第 2 步（`activation.install-key`）成功后再执行\n"));
    json_node_unref(checklist);
    json_node_unref(doc);
}

static void test_admin_check_first(void **state)
{
    JsonNode *doc = doc_with_steps("\"t\"", SAFETY_STEPS);
    JsonNode *checklist = ck_checklist_build(json_node_get_object(doc));
    for (CkRunScope scope = CK_RUN_TERMINAL; scope <= CK_RUN_MASTER_IMAGE; scope++) {
        g_autofree char *cmd = render_scope(checklist, "cmd", scope);
        g_autofree char *ps1 = render_scope(checklist, "ps1", scope);
        const char *check = strstr(cmd, "\r\nnet session >nul 2>&1 || fltmc >nul 2>&1 || goto ck_not_admin\r\n");
        assert_non_null(check);
        assert_true(check < strstr(cmd, "call :ck_"));
        assert_true(check < strstr(cmd, ">>\"%CK_LOG%\""));
        assert_non_null(strstr(cmd, ":ck_not_admin\r\necho casekb: this script must run as administrator."));
        assert_non_null(strstr(cmd, "nothing was run.\r\nendlocal\r\nexit /b 5\r\n"));
        const char *ps_check = strstr(ps1, "if (-not $ckPrincipal.IsInRole([Security.Principal.WindowsBuiltInRole]::"
                                           "Administrator)) {\r\n");
        assert_non_null(ps_check);
        assert_true(ps_check < strstr(ps1, "\r\nInvoke-CkStep ") && ps_check < strstr(ps1, "\r\nWrite-CkLog '"));
        assert_true(strstr(ps1, "param([string]$LogPath") < ps_check);   /* param() must stay first */
        assert_non_null(strstr(ps_check, "    exit 5\r\n}\r\n"));
    }
    json_node_unref(checklist);
    json_node_unref(doc);
}

static void test_manual_step(void **state)
{
    JsonNode *doc = doc_with_steps("\"t\"", SAFETY_STEPS);
    JsonNode *checklist = ck_checklist_build(json_node_get_object(doc));
    JsonObject *manual = json_array_get_object_element(ck_json_get_array(json_node_get_object(checklist), "steps"), 0);
    assert_false(json_object_get_boolean_member(manual, "runnable"));
    g_autofree char *cmd = render_scope(checklist, "cmd", CK_RUN_TERMINAL);
    g_autofree char *ps1 = render_scope(checklist, "ps1", CK_RUN_TERMINAL);
    g_autofree char *md = render_scope(checklist, "md", CK_RUN_ALL);
    assert_non_null(strstr(cmd, ">>\"%CK_LOG%\" echo === casekb step 1 x.read-label SKIPPED manual ===\r\n"));
    assert_null(strstr(cmd, "call :ck_begin 1 "));
    assert_non_null(strstr(ps1, "Write-CkLog '=== casekb step 1 x.read-label SKIPPED manual ==='\r\n"));
    assert_null(strstr(ps1, "-Id 'x.read-label'"));
    const char *item = strstr(md, "- [ ] **1. 读取标签上的序列号** (`x.read-label`, 人工步骤，无命令)\n  - 原因: 标签。\n");
    assert_non_null(item);
    assert_true(strstr(item, "  - 命令") > strstr(item, "- [ ] **2."));
    json_node_unref(checklist);
    json_node_unref(doc);
}

/* Fail when NEEDLE occurs in TEXT without a backslash before it. */
static void assert_escaped(const char *text, const char *needle)
{
    for (const char *p = text; (p = strstr(p, needle)) != NULL; p++)
        if (p == text || p[-1] != '\\')
            fail_msg("unescaped '%s' in: %.80s", needle, p);
}

static void test_markdown_escapes_mail_text(void **state)
{
    JsonNode *doc = doc_with_steps("\"<img src=x onerror=alert(1)> # *激活* | `x` [a](javascript:b)\"", SAFETY_STEPS);
    JsonNode *checklist = ck_checklist_build(json_node_get_object(doc));
    g_autofree char *md = render_scope(checklist, "md", CK_RUN_ALL);
    assert_true(g_str_has_prefix(md, "# 处理清单: CAS-00001-TEST01 \\<img src=x onerror=alert(1)\\> # \\*激活\\* \\| "
                                     "\\`x\\` \\[a\\](javascript:b)\n"));
    assert_escaped(md, "<img");
    assert_escaped(md, "<b>");
    assert_escaped(md, "</b>");
    assert_non_null(strstr(md, "  - ⚠ 不要: \\<b\\>不要\\</b\\> # 一机一码\n"));
    /* the rejected host from the mail is quoted in a warning: escaped too */
    assert_non_null(strstr(md, "\\<img src=x onerror=alert(1)\\>\" from the mail does not pass"));
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
        cmocka_unit_test(test_every_cause_terminal_scripts_without_sysprep),
        cmocka_unit_test(test_sysprep_never_in_a_terminal_script),
        cmocka_unit_test(test_prerequisites),
        cmocka_unit_test(test_admin_check_first),
        cmocka_unit_test(test_manual_step),
        cmocka_unit_test(test_markdown_escapes_mail_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
