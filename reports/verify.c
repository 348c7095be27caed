/* verify.c — check a step log or pasted command output against a checklist. */
#include "reports/verify.h"
#include "reports/checklist.h"
#include "reports/output.h"
#include "ingest/decode.h"
#include "analyzer/regex.h"

#include <string.h>

/* What the output of one program looks like: PRESENT shows it ran, FAILED
 * marks a failure whatever the step's expect pattern says (zh and en). */
static const struct {
    const char *command;     /* prefix of the step's command, lower case */
    const char *present;
    const char *failed;      /* may be NULL */
} OUTPUTS[] = {
    { "slmgr /dlv", "软件授权服务版本|Software licensing service version|许可证状态|License Status|部分产品密钥"
                    "|Partial Product Key", "错误\\s*[:：]\\s*0x|Error\\s*:\\s*0x" },
    { "slmgr /dli", "许可证状态|License Status|部分产品密钥|Partial Product Key", "错误\\s*[:：]\\s*0x|Error\\s*:\\s*0x" },
    { "slmgr /xpr", "将于[^\\n]{0,40}过期|will expire|永久激活|permanently activated|通知模式|notification mode", NULL },
    { "slmgr /ato", "正在激活|Activating|激活了产品|activated successfully", "错误\\s*[:：]\\s*0x|Error\\s*:\\s*0x" },
    { "slmgr /skms", "密钥管理服务计算机名称|Key Management Service machine name", "错误\\s*[:：]\\s*0x|Error\\s*:\\s*0x" },
    { "slmgr /ipk", "安装了产品密钥|Installed product key", "错误\\s*[:：]\\s*0x|Error\\s*:\\s*0x" },
    { "nslookup", "^\\s*(?:服务器|Server|地址|Address)\\s*[:：]|^\\*\\*\\*",
      "Non-existent domain|can't find|找不到|不存在的域|timed out|超时" },
    { "test-netconnection", "TcpTestSucceeded|ComputerName\\s*:|RemoteAddress", "TcpTestSucceeded\\s*:\\s*False" },
    { "w32tm", "Leap Indicator|闰秒指示符|^\\s*(?:Source|源)\\s*[:：]", "0x800705B4|error occurred|发生下列错误" },
    { "whoami", "USER INFORMATION|用户信息|S-1-5-", NULL },
    { "test-computersecurechannel", "secure channel|安全通道|^\\s*(?:True|False)\\s*$", "^\\s*False\\s*$|is broken" },
    { "reg query", "HKEY_", "ERROR:|错误:" },
};

/* One step's section of a log. */
typedef struct {
    GString *text;
    int exit;                /* -1 unknown */
    char *skipped;           /* reason, or NULL */
} Section;

/* Free a Section (hash-table value). */
static void section_free(gpointer p)
{
    Section *s = p;
    g_string_free(s->text, TRUE);
    g_free(s->skipped);
    g_free(s);
}

/* Append LEN bytes of LINE to OUT as UTF-8: as they are when valid UTF-8,
 * else read as GB18030 (a Chinese console's output redirected by cmd.exe
 * next to UTF-8 marker lines), without a CR before the line end. */
static void append_line(GString *out, const char *line, gsize len)
{
    if (len > 0 && line[len - 1] == '\r')
        len--;
    if (g_utf8_validate(line, (gssize)len, NULL)) {
        g_string_append_len(out, line, (gssize)len);
        return;
    }
    g_autofree char *text = ck_decode_bytes(line, (gssize)len, "GB18030", NULL, NULL);
    g_string_append(out, text);
}

/* LEN bytes at DATA as UTF-8 with LF line ends: UTF-16 with a BOM
 * (PowerShell's > redirection), else line by line UTF-8 (a BOM dropped)
 * or GB18030.  Caller frees. */
static char *decode_log(const char *data, gsize len)
{
    g_autofree char *utf16 = NULL;
    gsize utf16_len = 0;
    if (len >= 2 && (guchar)data[0] == 0xFF && (guchar)data[1] == 0xFE)
        utf16 = g_convert(data + 2, len - 2, "UTF-8", "UTF-16LE", NULL, &utf16_len, NULL);
    else if (len >= 2 && (guchar)data[0] == 0xFE && (guchar)data[1] == 0xFF)
        utf16 = g_convert(data + 2, len - 2, "UTF-8", "UTF-16BE", NULL, &utf16_len, NULL);
    if (utf16) {
        data = utf16;
        len = utf16_len;
    } else if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }
    GString *out = g_string_sized_new(len + 1);
    for (const char *p = data, *end = data + len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl ? nl : end;
        append_line(out, p, (gsize)(stop - p));
        if (nl)
            g_string_append_c(out, '\n');
        p = nl ? nl + 1 : end;
    }
    return g_string_free(out, FALSE);
}

/* Split TEXT into step sections keyed by step id (hash of char * -> Section
 * *); NULL when TEXT holds no step marker (pasted output). */
static GHashTable *parse_sections(const char *text)
{
    g_autoptr(GRegex) marker = g_regex_new("^=== casekb step (\\d+) (\\S+) (BEGIN|SKIPPED ?(.*?)) ===\\s*$"
                                           "|^=== casekb step (\\d+) END exit=(-?\\d+) ===\\s*$", 0, 0, NULL);
    GHashTable *sections = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, section_free);
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    Section *open = NULL;
    for (guint i = 0; lines[i]; i++) {
        g_autoptr(GMatchInfo) mi = NULL;
        if (!g_regex_match(marker, lines[i], 0, &mi)) {
            if (open)
                g_string_append_printf(open->text, "%s\n", lines[i]);
            continue;
        }
        g_autofree char *id = g_match_info_fetch(mi, 2), *what = g_match_info_fetch(mi, 3);
        g_autofree char *code = g_match_info_fetch(mi, 6);
        if (code && *code) {
            if (open)
                open->exit = atoi(code);
            open = NULL;
            continue;
        }
        Section *s = g_new0(Section, 1);
        s->text = g_string_new(NULL);
        s->exit = -1;
        if (g_str_has_prefix(what, "SKIPPED"))
            s->skipped = g_match_info_fetch(mi, 4);
        g_hash_table_replace(sections, g_strdup(id), s);
        open = s->skipped ? NULL : s;
    }
    if (g_hash_table_size(sections) == 0)
        g_clear_pointer(&sections, g_hash_table_unref);
    return sections;
}

/* The first line of TEXT matched by PATTERN (multiline, caseless), clipped,
 * or NULL (also when PATTERN is bad or hits a match limit).  Caller frees. */
static char *matching_line(CkMatcher *m, const char *pattern, const char *text)
{
    char *message = NULL;
    CkRegex *re = pattern && *pattern ? ck_regex_compile(pattern, CK_RE_MULTILINE, &message) : NULL;
    g_free(message);
    char *line = NULL;
    gsize start, end;
    if (re && ck_regex_next(m, re, text, strlen(text), 0) == CK_MATCH_FOUND && ck_matcher_span(m, 0, &start, &end)) {
        const char *from = text + start;
        while (from > text && from[-1] != '\n')
            from--;
        const char *to = strchr(text + start, '\n');
        line = ck_snippet(from, to ? (gsize)(to - from) : strlen(from));
    }
    ck_regex_free(re);
    return line;
}

/* The OUTPUTS row for COMMAND, or -1. */
static int output_kind(const char *command)
{
    g_autofree char *lower = g_ascii_strdown(command, -1);
    for (guint i = 0; i < G_N_ELEMENTS(OUTPUTS); i++)
        if (g_str_has_prefix(lower, OUTPUTS[i].command))
            return (int)i;
    return -1;
}

/* Judge one step's OUTPUT (RAN: known to have run).  Sets *status and
 * *evidence (caller frees). */
static void judge(CkMatcher *m, JsonObject *step, const char *output, gboolean ran, const char **status,
                  char **evidence)
{
    int kind = output_kind(ck_json_str(step, "command"));
    const char *expect = ck_json_str(step, "expect");
    char *failed = kind >= 0 ? matching_line(m, OUTPUTS[kind].failed, output) : NULL;
    char *passed = failed ? NULL : matching_line(m, expect, output);
    char *present = failed || passed || ran || kind < 0 ? NULL : matching_line(m, OUTPUTS[kind].present, output);
    ran = ran || failed || passed || present;
    *status = !ran ? "not_run" : failed ? "fail" : passed ? "pass" : expect[0] ? "fail" : "unchecked";
    *evidence = failed ? failed : passed ? passed : present;
    if (*evidence == failed)
        g_free(passed);
    if (*evidence != present)
        g_free(present);
}

/* What to do after STEP (index I of STEPS) with STATUS, in the case's language. */
static char *next_action(JsonArray *steps, guint i, const char *status, const char *reason, CkLang lang)
{
    gboolean zh = lang == CK_LANG_ZH;
    JsonObject *step = json_array_get_object_element(steps, i);
    const char *command = ck_json_str(step, "command_filled");
    if (strcmp(status, "fail") == 0)
        return g_strdup_printf(zh ? "%s 请先解决这一步再继续，必要时把日志发回支持团队。"
                                  : "%s Fix this before going on; send the log to support if needed.",
                               ck_json_str(step, zh ? "why" : "why_en"));
    if (strcmp(status, "not_run") == 0 && reason)
        return g_strdup_printf(zh ? "请运行：%s（跳过原因：%s）" : "Run: %s (skipped because: %s)", command, reason);
    if (strcmp(status, "not_run") == 0)
        return g_strdup_printf(zh ? "请运行：%s" : "Run: %s", command);
    if (i + 1 >= json_array_get_length(steps))
        return g_strdup(zh ? "全部步骤已完成。" : "All steps are done.");
    JsonObject *next = json_array_get_object_element(steps, i + 1);
    return g_strdup_printf(zh ? "下一步：%s（%s）" : "Next: %s (%s)", ck_json_str(next, zh ? "title" : "title_en"),
                           ck_json_str(next, "command_filled"));
}

/* The result object of step I of STEPS, judged against SECTIONS (log) or
 * TEXT (pasted output). */
static JsonObject *verify_step(CkMatcher *m, JsonArray *steps, guint i, GHashTable *sections, const char *text,
                               CkLang lang)
{
    JsonObject *step = json_array_get_object_element(steps, i);
    Section *section = sections ? g_hash_table_lookup(sections, ck_json_str(step, "id")) : NULL;
    const char *status = "not_run";
    char *evidence = NULL;
    if (!sections || (section && !section->skipped))
        judge(m, step, section ? section->text->str : text, section != NULL, &status, &evidence);
    JsonObject *out = json_object_new();
    json_object_set_int_member(out, "n", ck_json_int(step, "n"));
    const char *copied[] = { "id", "title", "title_en", "kind", "command_filled" };
    for (gsize k = 0; k < G_N_ELEMENTS(copied); k++)
        json_object_set_string_member(out, k == 4 ? "command" : copied[k], ck_json_str(step, copied[k]));
    json_object_set_string_member(out, "status", status);
    if (section && section->exit >= 0)
        json_object_set_int_member(out, "exit", section->exit);
    else
        json_object_set_null_member(out, "exit");
    json_object_set_string_member(out, "evidence", evidence ? evidence : "");
    const char *reason = section ? section->skipped : NULL;
    json_object_set_string_member(out, "reason", reason ? reason : "");
    g_autofree char *next = next_action(steps, i, status, reason && *reason ? reason : NULL, lang);
    json_object_set_string_member(out, "next", next);
    g_free(evidence);
    return out;
}

/* See verify.h. */
JsonNode *ck_verify_log(JsonNode *checklist, const char *data, gsize len)
{
    JsonObject *cl = json_node_get_object(checklist);
    CkLang lang = strcmp(ck_json_str(cl, "language"), "en") == 0 ? CK_LANG_EN : CK_LANG_ZH;
    g_autofree char *text = decode_log(data, len);
    GHashTable *sections = parse_sections(text);
    JsonArray *steps = ck_json_get_array(cl, "steps"), *results = json_array_new();
    JsonObject *summary = json_object_new();
    const char *statuses[] = { "pass", "fail", "not_run", "unchecked" };
    for (gsize k = 0; k < G_N_ELEMENTS(statuses); k++)
        json_object_set_int_member(summary, statuses[k], 0);
    CkMatcher *m = ck_matcher_new();
    for (guint i = 0; steps && i < json_array_get_length(steps); i++) {
        JsonObject *r = verify_step(m, steps, i, sections, text, lang);
        const char *status = ck_json_str(r, "status");
        json_object_set_int_member(summary, status, ck_json_int(summary, status) + 1);
        json_array_add_object_element(results, r);
    }
    ck_matcher_free(m);
    JsonObject *out = json_object_new();
    json_object_set_string_member(out, "case_id", ck_json_str(cl, "case_id"));
    json_object_set_string_member(out, "source", sections ? "log" : "pasted");
    json_object_set_string_member(out, "language", ck_lang_name(lang));
    json_object_set_array_member(out, "steps", results);
    json_object_set_object_member(out, "summary", summary);
    if (sections)
        g_hash_table_unref(sections);
    JsonNode *node = json_node_init_object(json_node_alloc(), out);
    json_object_unref(out);
    return node;
}

/* See verify.h. */
void ck_text_verify(FILE *out, JsonNode *result)
{
    JsonObject *o = json_node_get_object(result);
    gboolean zh = strcmp(ck_json_str(o, "language"), "zh") == 0;
    JsonArray *steps = ck_json_get_array(o, "steps");
    fprintf(out, "%s %s (%s)\n", zh ? "核对" : "verify", ck_json_str(o, "case_id"), ck_json_str(o, "source"));
    for (guint i = 0; steps && i < json_array_get_length(steps); i++) {
        JsonObject *s = json_array_get_object_element(steps, i);
        const char *status = ck_json_str(s, "status");
        fprintf(out, "%-9s %" G_GINT64_FORMAT ". %s  [%s]\n", strcmp(status, "not_run") ? status : "not run",
                ck_json_int(s, "n"), ck_json_str(s, zh ? "title" : "title_en"), ck_json_str(s, "command"));
        if (ck_json_str(s, "evidence")[0])
            fprintf(out, "          > %s\n", ck_json_str(s, "evidence"));
        fprintf(out, "          %s\n", ck_json_str(s, "next"));
    }
    JsonObject *sum = ck_json_get_object(o, "summary");
    fprintf(out, "%" G_GINT64_FORMAT " pass, %" G_GINT64_FORMAT " fail, %" G_GINT64_FORMAT " not run, %"
            G_GINT64_FORMAT " unchecked\n", ck_json_int(sum, "pass"), ck_json_int(sum, "fail"),
            ck_json_int(sum, "not_run"), ck_json_int(sum, "unchecked"));
}
