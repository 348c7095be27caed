/* fuzz-rules.c — fuzz target: the rule loader and the analyzer
 * (analyzer/analyzer.h, analyzer/rules.h).  Byte 0 chooses the mode:
 *  even: the rest is a rule file (YAML), loaded leniently like ingest does,
 *        checked strictly like `rules check`, described, its examples run
 *        like `rules test`, and the causes it keeps run on a fixed case;
 *  odd:  the rest is a case's text, analysed with the shipped rules/:
 *        messages separated by \x1e, each "subject\x1fbody\x1fquoted
 *        \x1fforwarded\x1ffrom", odd messages from the customer.
 * Oracles: every problem is "file:line:col: message" valid UTF-8; the
 * analysis is a JSON object whose text is valid UTF-8 with every cause
 * score in [0, 1]. */
#include "fuzz/fuzz-common.h"
#include "analyzer/analyzer.h"
#include "analyzer/rules.h"

#include <stdio.h>
#include <string.h>

/* Most messages a case is cut into, fields per message. */
#define MAX_MESSAGES 8
#define N_FIELDS 5

static CkRuleSet *shipped;

/* The fixed case the fuzzed rule files run on. */
static const CkAnalysisInput FIXED_CASE[] = {
    { 1, "[案例号: CAS-03877-J9N4S5 ] % |普通事件|HP| 中国人寿用户批量激活失败 % 初次响应 CMIT:0001828",
      "您好，批量部署后激活报错 0xC004F074，已执行 slmgr /ato 和 slmgr /dlv，KMS 服务器 kms.example.cn:1688。\n"
      "序列号 1234567890123，密钥 ABCDE-FGHIJ-KLMNO-PQRST-4M68B。\n1. 封装母盘\n2. 克隆",
      "> 之前的邮件", "", "张三 <zhangsan@example.cn>", TRUE, 1615312000 },
    { 2, "RE: [案例号: CAS-03877-J9N4S5 ] 批量激活失败",
      "请运行 sysprep /generalize /oobe /shutdown 后重新封装，然后执行 nslookup -type=srv _vlmcs._tcp。\n"
      "问题描述: 无法连接 KMS\n问题结论: 防火墙阻止了 TCP 1688，已结案。",
      "", "---------- Forwarded message ----------\nThe trust relationship failed.", "Support <support@example.com>",
      FALSE, 1615398400 },
};

/* Load the shipped rules once per process. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *paths[] = { ck_fuzz_rules_dir(), NULL };
    GError *error = NULL;
    shipped = ck_ruleset_load(paths, &error);
    if (!shipped)
        ck_fuzz_fail("cannot load the shipped rules: %s", error->message);
    return 0;
}

/* Abort unless every problem of PROBLEMS looks like "file:line:col: ...". */
static void check_problems(GPtrArray *problems, const char *path)
{
    for (guint i = 0; i < problems->len; i++) {
        const char *p = g_ptr_array_index(problems, i);
        ck_fuzz_check_utf8("rule problem", p, FALSE);
        unsigned line = 0, col = 0;
        size_t n = strlen(path);
        if (strncmp(p, path, n) != 0 || sscanf(p + n, ":%u:%u: ", &line, &col) != 2 || line == 0 || col == 0)
            ck_fuzz_fail("rule problem is not \"%s:line:col: message\": %s", path, p);
    }
}

/* Analyse N messages with RULES; abort unless the result keeps the
 * contract of analyzer.h. */
static void analyse(const CkRuleSet *rules, const CkAnalysisInput *messages, guint n)
{
    GPtrArray *warnings = g_ptr_array_new_with_free_func(g_free);
    JsonNode *analysis = ck_analyze_case(rules, messages, n, warnings);
    if (!analysis || !JSON_NODE_HOLDS_OBJECT(analysis))
        ck_fuzz_fail("the analysis is not a JSON object");
    char *text = json_to_string(analysis, FALSE);
    ck_fuzz_check_utf8("analysis JSON", text, FALSE);
    g_free(text);
    JsonArray *causes = json_object_get_array_member(json_node_get_object(analysis), "causes");
    for (guint i = 0; causes && i < json_array_get_length(causes); i++) {
        double score = json_object_get_double_member(json_array_get_object_element(causes, i), "score");
        if (!(score >= 0 && score <= 1))
            ck_fuzz_fail("cause %u has score %g", i, score);
    }
    for (guint i = 0; i < warnings->len; i++)
        ck_fuzz_check_utf8("analysis warning", g_ptr_array_index(warnings, i), FALSE);
    json_node_unref(analysis);
    g_ptr_array_unref(warnings);
}

/* Load DATA as the rule file, check it, test its examples, run it. */
static void fuzz_rule_file(const uint8_t *data, size_t size)
{
    const char *path = ck_fuzz_temp_file(".yaml", data, size);
    const char *paths[] = { path, NULL };
    GPtrArray *problems = g_ptr_array_new_with_free_func(g_free);
    CkRuleSet *rules = ck_ruleset_load_lenient(paths, problems);
    check_problems(problems, path);
    g_ptr_array_set_size(problems, 0);
    gboolean clean = ck_rules_check(paths, problems);
    check_problems(problems, path);
    if (clean != (problems->len == 0))
        ck_fuzz_fail("rules check says %s with %u problems", clean ? "clean" : "not clean", problems->len);
    json_node_unref(ck_ruleset_describe(rules));
    guint failed = 0;
    json_node_unref(ck_rules_test(rules, &failed));
    analyse(rules, FIXED_CASE, G_N_ELEMENTS(FIXED_CASE));
    ck_ruleset_free(rules);
    g_ptr_array_unref(problems);
}

/* Cut TEXT into messages and fields (see the file comment) and analyse
 * them with the shipped rules. */
static void fuzz_case_text(const uint8_t *data, size_t size)
{
    char *text = ck_fuzz_text(data, size);
    char **records = g_strsplit(text, "\x1e", MAX_MESSAGES);
    CkAnalysisInput in[MAX_MESSAGES];
    char **fields[MAX_MESSAGES];
    guint n = 0;
    for (; records[n]; n++) {
        fields[n] = g_strsplit(records[n], "\x1f", N_FIELDS);
        const char *f[N_FIELDS] = { "", "", "", "", "" };
        for (int k = 0; k < N_FIELDS && fields[n][k]; k++)
            f[k] = fields[n][k];
        in[n] = (CkAnalysisInput){ (int)n + 1, f[0], f[1], f[2], f[3], f[4], n % 2 == 0,
                                   1600000000 + (gint64)n * 3600 };
    }
    analyse(shipped, in, n);
    for (guint i = 0; i < n; i++)
        g_strfreev(fields[i]);
    g_strfreev(records);
    g_free(text);
}

/* Run the mode byte 0 chooses on the rest of DATA. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (data[0] % 2 == 0)
        fuzz_rule_file(data + 1, size - 1);
    else
        fuzz_case_text(data + 1, size - 1);
    return 0;
}
