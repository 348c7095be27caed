/* verify.c — check a step log or pasted command output against a checklist. */
#include "reports/verify.h"
#include "reports/checklist.h"
#include "reports/output.h"
#include "ingest/decode.h"
#include "analyzer/regex.h"

#include <string.h>

/* What the output of one program looks like.  PRESENT finds it in pasted
 * text (its first match is where that output starts), UNLESS rules it out
 * (the same lines inside a larger output: slmgr /dli's lines inside
 * /dlv's), FAILED marks a failure whatever the step's expect pattern says.
 * Chinese and English Windows. */
static const struct {
    const char *command;     /* prefix of the step's command, lower case; longer prefixes first */
    const char *present;
    const char *unless;      /* may be NULL */
    const char *failed;      /* may be NULL */
} OUTPUTS[] = {
    { "slmgr /dlv", "软件授权服务版本|Software licensing service version|许可证状态|License Status|部分产品密钥"
                    "|Partial Product Key", NULL, "错误\\s*[:：]\\s*0x|Error\\s*:\\s*0x" },
    { "slmgr /dli", "许可证状态|License Status|部分产品密钥|Partial Product Key",
      "软件授权服务版本|Software licensing service version", "错误\\s*[:：]\\s*0x|Error\\s*:\\s*0x" },
    { "slmgr /xpr", "将于[^\\n]{0,40}过期|will expire|永久激活|permanently activated|通知模式|notification mode", NULL,
      NULL },
    { "slmgr /ato", "正在激活|^\\s*Activating|激活了产品|activated successfully", NULL,
      "错误\\s*[:：]\\s*0x|Error\\s*:\\s*0x" },
    { "slmgr /skms", "密钥管理服务计算机名称成功地设置为|Key Management Service machine name set to", NULL,
      "错误\\s*[:：]\\s*0x|Error\\s*:\\s*0x" },
    { "slmgr /ipk", "安装了产品密钥|Installed product key|产品密钥无效|product key is invalid", NULL,
      "错误\\s*[:：]\\s*0x|Error\\s*:\\s*0x" },
    { "slmgr /dti", "^\\s*(?:安装 ID|Installation ID)\\s*[:：]?\\s*\\d",
      "软件授权服务版本|Software licensing service version", NULL },
    { "slmgr /atp", "确认 ID|Confirmation ID", NULL, "错误\\s*[:：]\\s*0x|Error\\s*:\\s*0x" },
    { "nslookup", "^\\s*(?:服务器|Server)\\s*[:：]|^\\*\\*\\*|SRV service location|svr hostname", NULL,
      "Non-existent domain|can't find|找不到|不存在的域|timed out|超时" },
    { "test-netconnection", "TcpTestSucceeded|ComputerName\\s*:|RemoteAddress", NULL, "TcpTestSucceeded\\s*:\\s*False" },
    { "w32tm /resync", "重新同步命令|resync command", NULL,
      "0x800705B4|error occurred|发生下列错误|没有可用的时间数据|no time data was available" },
    { "w32tm", "Leap Indicator|闰秒指示符|^\\s*(?:Source|源)\\s*[:：]", NULL, "0x800705B4|error occurred|发生下列错误" },
    { "whoami", "USER INFORMATION|用户信息|S-1-5-", NULL, NULL },
    { "test-computersecurechannel", "secure channel|安全通道|^\\s*(?:True|False)\\s*$", NULL, "^\\s*False\\s*$|is broken" },
    { "reg query", "HKEY_", NULL, "ERROR:|错误:" },
    { "dism", "部署映像服务和管理工具|Deployment Image Servicing and Management tool|当前版本\\s*[:：]|Current Edition\\s*:",
      NULL, "^\\s*(?:Error|错误)\\s*[:：]\\s*\\d" },
    { "net stop", "wuauserv|Windows Update", NULL, "系统错误|System error|ERROR:" },
};

/* One step's section of a log. */
typedef struct {
    GString *text;
    int exit;                /* -1 unknown */
    gboolean ended;          /* its END line was seen */
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
 * *); NULL when TEXT holds no step marker (pasted output).  *MASTER_IMAGE
 * is set when the log's title line says it came from a master-image
 * script. */
static GHashTable *parse_sections(const char *text, gboolean *master_image)
{
    g_autoptr(GRegex) marker = g_regex_new("^=== casekb step (\\d+) (\\S+) (BEGIN|SKIPPED ?(.*?)) ===\\s*$"
                                           "|^=== casekb step (\\d+) END exit=(-?\\d+) ===\\s*$", 0, 0, NULL);
    g_autoptr(GRegex) title = g_regex_new("^=== casekb checklist \\S+ master-image ===\\s*$", 0, 0, NULL);
    GHashTable *sections = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, section_free);
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    Section *open = NULL;
    *master_image = FALSE;
    for (guint i = 0; lines[i]; i++) {
        g_autoptr(GMatchInfo) mi = NULL;
        if (!g_regex_match(marker, lines[i], 0, &mi)) {
            *master_image |= g_regex_match(title, lines[i], 0, NULL);
            if (open)
                g_string_append_printf(open->text, "%s\n", lines[i]);
            continue;
        }
        g_autofree char *id = g_match_info_fetch(mi, 2), *what = g_match_info_fetch(mi, 3);
        g_autofree char *code = g_match_info_fetch(mi, 6);
        if (code && *code) {
            if (open) {
                open->exit = atoi(code);
                open->ended = TRUE;
            }
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

/* PATTERN compiled multiline (caseless), or NULL when empty or bad. */
static CkRegex *compile_multiline(const char *pattern)
{
    char *message = NULL;
    CkRegex *re = pattern && *pattern ? ck_regex_compile(pattern, CK_RE_MULTILINE, &message) : NULL;
    g_free(message);
    return re;
}

/* The first line of TEXT matched by PATTERN (multiline, caseless), clipped,
 * or NULL (also when PATTERN is bad or hits a match limit); *LINE_START (may
 * be NULL) gets that line's offset.  Caller frees. */
static char *matching_line(CkMatcher *m, const char *pattern, const char *text, gsize *line_start)
{
    CkRegex *re = compile_multiline(pattern);
    char *line = NULL;
    gsize start, end;
    if (re && ck_regex_next(m, re, text, strlen(text), 0) == CK_MATCH_FOUND && ck_matcher_span(m, 0, &start, &end)) {
        const char *from = text + start;
        while (from > text && from[-1] != '\n')
            from--;
        const char *to = strchr(text + start, '\n');
        line = ck_snippet(from, to ? (gsize)(to - from) : strlen(from));
        if (line_start)
            *line_start = (gsize)(from - text);
    }
    ck_regex_free(re);
    return line;
}

/* The OUTPUTS row for COMMAND ("slmgr /dlv", or as typed at a prompt:
 * "cscript //nologo C:\Windows\System32\slmgr.vbs /dlv"), or -1. */
static int output_kind(const char *command)
{
    g_autofree char *lower = g_ascii_strdown(command, -1);
    const char *p = g_strstrip(lower);
    if (g_str_has_prefix(p, "cscript"))
        for (p += 7; *p == ' ' || g_str_has_prefix(p, "//nologo"); p += *p == ' ' ? 1 : 8)
            ;
    const char *space = strchr(p, ' ');
    g_autofree char *program = g_strndup(p, space ? (gsize)(space - p) : strlen(p));
    const char *base = strrchr(program, '\\') ? strrchr(program, '\\') + 1 : program;
    gsize n = strlen(base);
    if (n > 4 && (g_str_has_suffix(base, ".vbs") || g_str_has_suffix(base, ".exe")))
        n -= 4;
    g_autofree char *normal = g_strdup_printf("%.*s%s", (int)n, base, space ? space : "");
    for (guint i = 0; i < G_N_ELEMENTS(OUTPUTS); i++)
        if (g_str_has_prefix(normal, OUTPUTS[i].command))
            return (int)i;
    return -1;
}

/* Add to BLOCKS (one GString per OUTPUTS row) the outputs found in CHUNK
 * by their shape: each program's output runs from the line where its shape
 * first shows to where the next one's starts. */
static void blocks_by_shape(CkMatcher *m, const char *chunk, GString **blocks)
{
    gsize starts[G_N_ELEMENTS(OUTPUTS)];
    gboolean found[G_N_ELEMENTS(OUTPUTS)] = { FALSE };
    for (guint i = 0; i < G_N_ELEMENTS(OUTPUTS); i++) {
        g_autofree char *hit = matching_line(m, OUTPUTS[i].present, chunk, &starts[i]);
        g_autofree char *ruled_out = hit && OUTPUTS[i].unless ? matching_line(m, OUTPUTS[i].unless, chunk, NULL) : NULL;
        found[i] = hit && !ruled_out;
    }
    gsize len = strlen(chunk);
    for (guint i = 0; i < G_N_ELEMENTS(OUTPUTS); i++) {
        gsize end = len;
        for (guint k = 0; found[i] && k < G_N_ELEMENTS(OUTPUTS); k++)
            if (found[k] && starts[k] > starts[i] && starts[k] < end)
                end = starts[k];
        if (found[i])
            g_string_append_len(blocks[i], chunk + starts[i], (gssize)(end - starts[i]));
    }
}

/* Pasted TEXT cut into each program's output (one GString per OUTPUTS row,
 * empty when that program's output is not there): at a console prompt line
 * ("C:\…> slmgr /dlv", "PS C:\…> …") the output that follows belongs to that
 * command; text without a known command is cut by shape.  Caller frees
 * with free_blocks(). */
static GString **pasted_blocks(CkMatcher *m, const char *text)
{
    g_autoptr(GRegex) prompt = g_regex_new("^(?:PS )?[A-Za-z]:\\\\[^>\\n]*>[ \\t]*(\\S.*?)[ \\t]*$", G_REGEX_MULTILINE, 0, NULL);
    GString **blocks = g_new0(GString *, G_N_ELEMENTS(OUTPUTS));
    for (guint i = 0; i < G_N_ELEMENTS(OUTPUTS); i++)
        blocks[i] = g_string_new(NULL);
    g_autoptr(GMatchInfo) mi = NULL;
    int kind = -1;
    gsize from = 0;
    g_regex_match(prompt, text, 0, &mi);
    for (gboolean more = TRUE; more;) {
        int start = (int)strlen(text), end = start;
        gboolean hit = g_match_info_matches(mi) && g_match_info_fetch_pos(mi, 0, &start, &end);
        g_autofree char *chunk = g_strndup(text + from, (gsize)start - from);
        if (kind >= 0)
            g_string_append(blocks[kind], chunk);
        else
            blocks_by_shape(m, chunk, blocks);
        g_autofree char *command = hit ? g_match_info_fetch(mi, 1) : NULL;
        kind = command ? output_kind(command) : -1;
        from = (gsize)end;
        more = hit;
        if (hit)
            g_match_info_next(mi, NULL);
    }
    return blocks;
}

/* Free what pasted_blocks() returned (NULL allowed). */
static void free_blocks(GString **blocks)
{
    for (guint i = 0; blocks && i < G_N_ELEMENTS(OUTPUTS); i++)
        g_string_free(blocks[i], TRUE);
    g_free(blocks);
}

/* How one step fared. */
typedef struct {
    const char *status;      /* "pass" | "fail" | "not_run" | "unchecked" | "manual" (static) */
    char *evidence;          /* the telling line, or NULL */
    char *reason;            /* why not run / why failed, or NULL */
} Verdict;

/* Judge STEP on OUTPUT, its own command's output (NULL: none found).
 * SECTION (NULL for pasted output) adds the exit code and whether the step
 * finished. */
static Verdict judge(CkMatcher *m, JsonObject *step, const char *output, const Section *section)
{
    Verdict v = { "not_run", NULL, NULL };
    if (strcmp(ck_json_str(step, "kind"), "manual") == 0)
        return (Verdict){ "manual", NULL, NULL };
    if (section && section->skipped)
        return (Verdict){ "not_run", NULL, g_strdup(section->skipped) };
    if (!output)
        return v;
    int kind = output_kind(ck_json_str(step, "command"));
    const char *expect = ck_json_str(step, "expect");
    char *failed = kind >= 0 ? matching_line(m, OUTPUTS[kind].failed, output, NULL) : NULL;
    char *passed = failed ? NULL : matching_line(m, expect, output, NULL);
    if (failed || passed)
        return (Verdict){ failed ? "fail" : "pass", failed ? failed : passed, NULL };
    if (section && section->exit > 0)
        return (Verdict){ "fail", NULL, g_strdup_printf("exit %d", section->exit) };
    if (section && !section->ended)
        return (Verdict){ "not_run", NULL, g_strdup("interrupted") };
    if (expect[0])
        return (Verdict){ "fail", NULL, g_strdup("no expected output") };
    return (Verdict){ "unchecked", NULL, NULL };
}

/* TRUE when STATUS lets the steps that require it go on. */
static gboolean status_done(const char *status)
{
    return strcmp(status, "pass") == 0 || strcmp(status, "unchecked") == 0;
}

/* The result of the step with ID in RESULTS, or NULL. */
static JsonObject *result_by_id(JsonArray *results, const char *id)
{
    for (guint i = 0; i < json_array_get_length(results); i++) {
        JsonObject *r = json_array_get_object_element(results, i);
        if (strcmp(ck_json_str(r, "id"), id) == 0)
            return r;
    }
    return NULL;
}

/* The first step R requires that is not done (a result in RESULTS), or NULL. */
static JsonObject *unmet_requirement(JsonArray *results, JsonObject *r)
{
    JsonArray *requires = ck_json_get_array(r, "requires");
    for (guint k = 0; requires && k < json_array_get_length(requires); k++) {
        JsonObject *req = result_by_id(results, json_array_get_string_element(requires, k));
        if (req && !status_done(ck_json_str(req, "status")))
            return req;
    }
    return NULL;
}

/* What to do after a done step (index I of RESULTS): the first later step
 * not run whose prerequisites are done.  Caller frees. */
static char *next_after_done(JsonArray *results, guint i, gboolean zh)
{
    gboolean blocked = FALSE;
    for (guint j = i + 1; j < json_array_get_length(results); j++) {
        JsonObject *r = json_array_get_object_element(results, j);
        const char *status = ck_json_str(r, "status");
        blocked |= strcmp(status, "fail") == 0;
        if (strcmp(status, "not_run") != 0)
            continue;
        if (unmet_requirement(results, r)) {
            blocked = TRUE;
            continue;
        }
        return g_strdup_printf(zh ? "下一步：%s（%s）" : "Next: %s (%s)", ck_json_str(r, zh ? "title" : "title_en"),
                               ck_json_str(r, "command"));
    }
    if (blocked)
        return g_strdup(zh ? "后面的步骤要等失败或未完成的前提步骤解决后才能继续。"
                           : "The remaining steps wait for a failed or unfinished prerequisite.");
    return g_strdup(zh ? "全部步骤已完成。" : "All steps are done.");
}

/* What to do about step I of RESULTS (its "status", "reason" set), in the
 * case's language.  Caller frees. */
static char *next_action(JsonArray *results, guint i, JsonObject *step, CkLang lang)
{
    gboolean zh = lang == CK_LANG_ZH;
    JsonObject *r = json_array_get_object_element(results, i);
    const char *status = ck_json_str(r, "status"), *reason = ck_json_str(r, "reason");
    const char *command = ck_json_str(r, "command");
    if (strcmp(status, "fail") == 0)
        return g_strdup_printf(zh ? "%s 请先解决这一步再继续，必要时把日志发回支持团队。"
                                  : "%s Fix this before going on; send the log to support if needed.",
                               ck_json_str(step, zh ? "why" : "why_en"));
    if (strcmp(status, "manual") == 0)
        return g_strdup_printf(zh ? "人工步骤（没有命令，verify 无法核对）：%s" : "Manual step (no command; verify cannot"
                                  " check it): %s", ck_json_str(step, zh ? "why" : "why_en"));
    if (strcmp(status, "not_run") != 0)
        return next_after_done(results, i, zh);
    JsonObject *req = unmet_requirement(results, r);
    if (req)
        return g_strdup_printf(zh ? "先完成第 %" G_GINT64_FORMAT " 步（%s），再运行：%s"
                                  : "First finish step %" G_GINT64_FORMAT " (%s), then run: %s",
                               ck_json_int(req, "n"), ck_json_str(req, zh ? "title" : "title_en"), command);
    if (reason[0])
        return g_strdup_printf(zh ? "请运行：%s（跳过原因：%s）" : "Run: %s (skipped because: %s)", command, reason);
    return g_strdup_printf(zh ? "请运行：%s" : "Run: %s", command);
}

/* The result object of STEP, judged against SECTIONS (log) or BLOCKS
 * (pasted output), without "next". */
static JsonObject *verify_step(CkMatcher *m, JsonObject *step, GHashTable *sections, GString **blocks)
{
    Section *section = sections ? g_hash_table_lookup(sections, ck_json_str(step, "id")) : NULL;
    const char *output = section ? section->text->str : NULL;
    int kind = output_kind(ck_json_str(step, "command"));
    if (blocks && kind >= 0 && blocks[kind]->len)
        output = blocks[kind]->str;
    Verdict v = judge(m, step, output, section);
    JsonObject *out = json_object_new();
    json_object_set_int_member(out, "n", ck_json_int(step, "n"));
    const char *copied[] = { "id", "title", "title_en", "kind", "scope", "command_filled" };
    for (gsize k = 0; k < G_N_ELEMENTS(copied); k++)
        json_object_set_string_member(out, k == 5 ? "command" : copied[k], ck_json_str(step, copied[k]));
    JsonArray *requires = ck_json_get_array(step, "requires");
    json_object_set_array_member(out, "requires", requires ? json_array_ref(requires) : json_array_new());
    json_object_set_string_member(out, "status", v.status);
    if (section && section->exit >= 0)
        json_object_set_int_member(out, "exit", section->exit);
    else
        json_object_set_null_member(out, "exit");
    json_object_set_string_member(out, "evidence", v.evidence ? v.evidence : "");
    json_object_set_string_member(out, "reason", v.reason ? v.reason : "");
    g_free(v.evidence);
    g_free(v.reason);
    return out;
}

/* The summary object counting each status of RESULTS. */
static JsonObject *summarize(JsonArray *results)
{
    JsonObject *summary = json_object_new();
    const char *statuses[] = { "pass", "fail", "not_run", "unchecked", "manual" };
    for (gsize k = 0; k < G_N_ELEMENTS(statuses); k++)
        json_object_set_int_member(summary, statuses[k], 0);
    for (guint i = 0; i < json_array_get_length(results); i++) {
        const char *status = ck_json_str(json_array_get_object_element(results, i), "status");
        json_object_set_int_member(summary, status, ck_json_int(summary, status) + 1);
    }
    return summary;
}

/* The steps of STEPS in SCOPE judged against the log SECTIONS or the pasted
 * TEXT, each with what to do next.  Caller unrefs. */
static JsonArray *verify_steps(JsonArray *steps, CkRunScope scope, GHashTable *sections, const char *text,
                               CkLang lang)
{
    CkMatcher *m = ck_matcher_new();
    GString **blocks = sections ? NULL : pasted_blocks(m, text);
    JsonArray *results = json_array_new();
    g_autoptr(GPtrArray) judged = g_ptr_array_new();
    for (guint i = 0; steps && i < json_array_get_length(steps); i++) {
        JsonObject *step = json_array_get_object_element(steps, i);
        gboolean master = strcmp(ck_json_str(step, "scope"), "master-image") == 0;
        if (master != (scope == CK_RUN_MASTER_IMAGE))
            continue;
        json_array_add_object_element(results, verify_step(m, step, sections, blocks));
        g_ptr_array_add(judged, step);
    }
    for (guint i = 0; i < judged->len; i++) {
        g_autofree char *next = next_action(results, i, g_ptr_array_index(judged, i), lang);
        json_object_set_string_member(json_array_get_object_element(results, i), "next", next);
    }
    free_blocks(blocks);
    ck_matcher_free(m);
    return results;
}

/* See verify.h. */
JsonNode *ck_verify_log(JsonNode *checklist, const char *data, gsize len, CkRunScope scope)
{
    JsonObject *cl = json_node_get_object(checklist);
    CkLang lang = strcmp(ck_json_str(cl, "language"), "en") == 0 ? CK_LANG_EN : CK_LANG_ZH;
    g_autofree char *text = decode_log(data, len);
    gboolean master_log = FALSE;
    GHashTable *sections = parse_sections(text, &master_log);
    if (scope == CK_RUN_ALL)
        scope = master_log ? CK_RUN_MASTER_IMAGE : CK_RUN_TERMINAL;
    JsonArray *results = verify_steps(ck_json_get_array(cl, "steps"), scope, sections, text, lang);
    JsonObject *out = json_object_new();
    json_object_set_string_member(out, "case_id", ck_json_str(cl, "case_id"));
    json_object_set_string_member(out, "source", sections ? "log" : "pasted");
    json_object_set_string_member(out, "scope", ck_run_scope_name(scope));
    json_object_set_string_member(out, "language", ck_lang_name(lang));
    json_object_set_object_member(out, "summary", summarize(results));
    json_object_set_array_member(out, "steps", results);
    json_object_set_int_member(out, "other_scope_steps",
                               ck_checklist_count(checklist, CK_RUN_ALL) - json_array_get_length(results));
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
    gboolean master = strcmp(ck_json_str(o, "scope"), "master-image") == 0;
    JsonArray *steps = ck_json_get_array(o, "steps");
    fprintf(out, "%s %s (%s%s)\n", zh ? "核对" : "verify", ck_json_str(o, "case_id"), ck_json_str(o, "source"),
            master ? ", master-image" : "");
    for (guint i = 0; steps && i < json_array_get_length(steps); i++) {
        JsonObject *s = json_array_get_object_element(steps, i);
        const char *status = ck_json_str(s, "status");
        const char *command = ck_json_str(s, "command");
        fprintf(out, "%-9s %" G_GINT64_FORMAT ". %s%s%s%s\n", strcmp(status, "not_run") ? status : "not run",
                ck_json_int(s, "n"), ck_json_str(s, zh ? "title" : "title_en"), command[0] ? "  [" : "", command,
                command[0] ? "]" : "");
        if (ck_json_str(s, "evidence")[0])
            fprintf(out, "          > %s\n", ck_json_str(s, "evidence"));
        fprintf(out, "          %s\n", ck_json_str(s, "next"));
    }
    JsonObject *sum = ck_json_get_object(o, "summary");
    fprintf(out, "%" G_GINT64_FORMAT " pass, %" G_GINT64_FORMAT " fail, %" G_GINT64_FORMAT " not run, %"
            G_GINT64_FORMAT " unchecked", ck_json_int(sum, "pass"), ck_json_int(sum, "fail"),
            ck_json_int(sum, "not_run"), ck_json_int(sum, "unchecked"));
    if (ck_json_int(sum, "manual"))
        fprintf(out, ", %" G_GINT64_FORMAT " manual", ck_json_int(sum, "manual"));
    fputc('\n', out);
    if (ck_json_int(o, "other_scope_steps"))
        fprintf(out, zh ? "（另有 %" G_GINT64_FORMAT " 个%s步骤不在此核对范围内）\n"
                        : "(%" G_GINT64_FORMAT " %s steps are not checked here)\n",
                ck_json_int(o, "other_scope_steps"),
                master ? (zh ? "终端" : "terminal") : (zh ? "母盘" : "master-image"));
}
