/* checklist.c — build a case's remediation checklist and render it as a
 * Markdown task list, a cmd.exe batch file or a PowerShell script. */
#include "reports/checklist.h"
#include "reports/output.h"
#include "reports/privacy.h"
#include "analyzer/regex.h"

#include <string.h>

/* ------------------------------------------------------------------ */
/* JSON and language helpers                                            */
/* ------------------------------------------------------------------ */



/* See checklist.h. */
const char *ck_lang_name(CkLang lang)
{
    return lang == CK_LANG_ZH ? "zh" : "en";
}

/* See checklist.h. */
CkLang ck_language_of(const char *text)
{
    gsize han = 0, latin = 0;
    for (const char *p = text ? text : ""; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (g_unichar_get_script(c) == G_UNICODE_SCRIPT_HAN && g_unichar_isalpha(c))
            han++;
        else if (c < 0x80 && g_ascii_isalpha(c))
            latin++;
    }
    return han > 0 && han * 4 >= han + latin ? CK_LANG_ZH : CK_LANG_EN;
}

/* See checklist.h. */
CkLang ck_case_language(JsonObject *doc)
{
    JsonArray *messages = ck_json_get_array(doc, "messages");
    guint n = messages ? json_array_get_length(messages) : 0;
    for (guint i = n; i-- > 0;) {
        JsonObject *m = json_array_get_object_element(messages, i);
        if (g_strcmp0(ck_json_str(m, "side"), "customer") == 0 && ck_json_str(m, "body")[0])
            return ck_language_of(ck_json_str(m, "body"));
    }
    GString *all = g_string_new(NULL);
    for (guint i = 0; i < n; i++)
        g_string_append(all, ck_json_str(json_array_get_object_element(messages, i), "body"));
    CkLang lang = ck_language_of(all->len ? all->str : ck_json_str(doc, "title"));
    g_string_free(all, TRUE);
    return lang;
}

/* ------------------------------------------------------------------ */
/* Parameters                                                           */
/* ------------------------------------------------------------------ */

/* TRUE when every character of VALUE is inert in cmd.exe and PowerShell
 * arguments: letters, digits and . - _ : \ @. */
static gboolean shell_inert(const char *value)
{
    if (!value || !*value)
        return FALSE;
    for (const char *p = value; *p; p++)
        if (!g_ascii_isalnum(*p) && !strchr(".-_:\\@", *p))
            return FALSE;
    return TRUE;
}

/* TRUE when a parameter must never be filled from mail (product keys). */
static gboolean param_is_secret(const char *name)
{
    g_autofree char *lower = g_ascii_strdown(name, -1);
    return strstr(lower, "key") != NULL;
}

/* The value the case offers for parameter NAME, or NULL: kms_host and
 * kms_port from the first "host:port" entity, else the first entity of
 * type NAME + "s".  Caller frees. */
static char *param_candidate(JsonObject *entities, const char *name)
{
    gboolean host = strcmp(name, "kms_host") == 0, port = strcmp(name, "kms_port") == 0;
    g_autofree char *plural = g_strconcat(name, "s", NULL);
    JsonArray *list = ck_json_get_array(entities, host || port ? "hosts" : plural);
    if (!list || json_array_get_length(list) == 0)
        return NULL;
    const char *first = json_array_get_string_element(list, 0);
    if (!first)
        return NULL;
    if (!host && !port)
        return g_strdup(first);
    const char *colon = strrchr(first, ':');
    if (!colon)
        return host ? g_strdup(first) : NULL;
    return host ? g_strndup(first, colon - first) : g_strdup(colon + 1);
}

/* TRUE when VALUE matches the rule's VALIDATE pattern (PCRE2 with match
 * limits, as the analyzer runs it) and is shell-inert. */
static gboolean param_valid(const char *validate, const char *value)
{
    if (!shell_inert(value))
        return FALSE;
    char *message = NULL;
    CkRegex *re = ck_regex_compile(validate, 0, &message);
    g_free(message);
    if (!re)
        return FALSE;
    CkMatcher *m = ck_matcher_new();
    gboolean ok = ck_regex_matches(m, re, value);
    ck_matcher_free(m);
    ck_regex_free(re);
    return ok;
}

/* VALUE made safe to quote in a warning line: clipped, controls replaced. */
static char *printable_value(const char *value)
{
    GString *out = g_string_new(NULL);
    for (const char *p = value; *p && out->len < 80; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (g_unichar_iscntrl(c))
            g_string_append_c(out, ' ');
        else
            g_string_append_unichar(out, c);
    }
    return g_string_free(out, FALSE);
}

/* Resolve one rule parameter PARAM of step N (ID) against ENTITIES: a
 * new {"name","variable","validate","example","status"[, "value"]}. */
static JsonObject *resolve_param(JsonObject *param, JsonObject *entities, gint64 n, const char *id,
                                 JsonArray *warnings)
{
    const char *name = ck_json_str(param, "name"), *validate = ck_json_str(param, "validate");
    JsonObject *out = json_object_new();
    json_object_set_string_member(out, "name", name);
    g_autofree char *variable = g_ascii_strup(name, -1);
    json_object_set_string_member(out, "variable", variable);
    json_object_set_string_member(out, "validate", validate);
    json_object_set_string_member(out, "example", ck_json_str(param, "example"));
    g_autofree char *value = param_is_secret(name) ? NULL : param_candidate(entities, name);
    const char *status = param_is_secret(name) ? "secret" : !value ? "missing" : "filled";
    if (value && !param_valid(validate, value)) {
        g_autofree char *shown = printable_value(value);
        g_autofree char *line = g_strdup_printf("step %" G_GINT64_FORMAT " %s: %s \"%s\" from the mail"
                                                " does not pass %s; left as a placeholder",
                                                n, id, name, shown, validate);
        json_array_add_string_element(warnings, line);
        status = "rejected";
    }
    json_object_set_string_member(out, "status", status);
    if (strcmp(status, "filled") == 0)
        json_object_set_string_member(out, "value", value);
    return out;
}

/* TEMPLATE with each {{name}} replaced by LOOKUP(name, data).  Caller frees. */
static char *substitute(const char *template, char *(*lookup)(const char *name, gpointer data),
                        gpointer data)
{
    GString *out = g_string_new(NULL);
    const char *p = template;
    for (const char *open; (open = strstr(p, "{{")) != NULL;) {
        const char *close = strstr(open + 2, "}}");
        if (!close)
            break;
        g_string_append_len(out, p, open - p);
        g_autofree char *name = g_strstrip(g_strndup(open + 2, close - open - 2));
        g_autofree char *value = lookup(name, data);
        g_string_append(out, value);
        p = close + 2;
    }
    g_string_append(out, p);
    return g_string_free(out, FALSE);
}

/* The resolved parameter NAME in PARAMS (JsonArray of resolved objects). */
static JsonObject *find_param(JsonArray *params, const char *name)
{
    for (guint i = 0; params && i < json_array_get_length(params); i++) {
        JsonObject *p = json_array_get_object_element(params, i);
        if (strcmp(ck_json_str(p, "name"), name) == 0)
            return p;
    }
    return NULL;
}

/* Lookup data for filled_value(). */
typedef struct {
    JsonArray *params;
    const char *open, *close;
} FillData;

/* substitute() lookup: the parameter's checked value, else OPEN name CLOSE. */
static char *filled_value(const char *name, gpointer data)
{
    const FillData *fill = data;
    JsonObject *p = find_param(fill->params, name);
    if (p && json_object_has_member(p, "value"))
        return g_strdup(ck_json_str(p, "value"));
    return g_strconcat(fill->open, name, fill->close, NULL);
}

/* See checklist.h. */
char *ck_checklist_fill_command(JsonObject *step, const char *open, const char *close)
{
    FillData fill = { ck_json_get_array(step, "params"), open, close };
    return substitute(ck_json_str(step, "command"), filled_value, &fill);
}

/* ------------------------------------------------------------------ */
/* Building                                                             */
/* ------------------------------------------------------------------ */

/* Copy string member NAME of FROM into TO ("" when absent). */
static void copy_str(JsonObject *to, JsonObject *from, const char *name)
{
    json_object_set_string_member(to, name, ck_json_str(from, name));
}

/* One checklist step from analysis step STEP, numbered N. */
static JsonObject *build_step(JsonObject *step, gint64 n, JsonObject *entities, JsonArray *warnings)
{
    JsonObject *out = json_object_new();
    json_object_set_int_member(out, "n", n);
    const char *names[] = { "id", "cause", "kind", "title", "title_en", "why", "why_en", "command", "expect" };
    for (gsize i = 0; i < G_N_ELEMENTS(names); i++)
        copy_str(out, step, names[i]);
    JsonArray *params = json_array_new();
    JsonArray *rule_params = ck_json_get_array(step, "params");
    gboolean runnable = TRUE;
    for (guint i = 0; rule_params && i < json_array_get_length(rule_params); i++) {
        JsonObject *p = resolve_param(json_array_get_object_element(rule_params, i), entities, n,
                                      ck_json_str(step, "id"), warnings);
        runnable &= json_object_has_member(p, "value");
        json_array_add_object_element(params, p);
    }
    json_object_set_array_member(out, "params", params);
    char *filled = ck_checklist_fill_command(out, "<", ">");
    json_object_set_string_member(out, "command_filled", filled);
    g_free(filled);
    JsonArray *do_not = ck_json_get_array(step, "do_not");
    json_object_set_array_member(out, "do_not", do_not ? json_array_ref(do_not) : json_array_new());
    json_object_set_boolean_member(out, "runnable", runnable);
    return out;
}

/* See checklist.h. */
JsonNode *ck_checklist_build(JsonObject *doc)
{
    JsonObject *out = json_object_new();
    copy_str(out, doc, "case_id");
    copy_str(out, doc, "title");
    json_object_set_string_member(out, "language", ck_lang_name(ck_case_language(doc)));
    JsonObject *entities = ck_json_get_object(doc, "entities");
    JsonArray *steps = json_array_new(), *warnings = json_array_new();
    JsonArray *source = ck_json_get_array(doc, "checklist");
    for (guint i = 0; source && i < json_array_get_length(source); i++)
        json_array_add_object_element(steps, build_step(json_array_get_object_element(source, i),
                                                        i + 1, entities, warnings));
    json_object_set_array_member(out, "steps", steps);
    json_object_set_array_member(out, "warnings", warnings);
    JsonNode *node = json_node_init_object(json_node_alloc(), out);
    json_object_unref(out);
    return node;
}

/* ------------------------------------------------------------------ */
/* Shared rendering helpers                                             */
/* ------------------------------------------------------------------ */

/* Append TEXT to OUT as one line of comment text: controls and line
 * separators become spaces; for cmd.exe (FOR_CMD) the characters it
 * expands or parses even in REM lines become their full-width forms. */
static void append_comment_text(GString *out, const char *text, gboolean for_cmd)
{
    static const char cmd_special[] = "%^&|<>\"!";
    for (const char *p = text ? text : ""; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char_validated(p, -1);
        if (c == (gunichar)-1 || c == (gunichar)-2)
            break;
        if (g_unichar_iscntrl(c) || c == 0x2028 || c == 0x2029)
            g_string_append_c(out, ' ');
        else if (for_cmd && c < 0x80 && strchr(cmd_special, (int)c))
            g_string_append_unichar(out, c - 0x20 + 0xFF00);
        else
            g_string_append_unichar(out, c);
    }
}

/* TEXT with every character outside [A-Za-z0-9._-] (and ':' when
 * KEEP_COLON) made '_': for step ids, case ids and file names in scripts. */
static char *script_token(const char *text, gboolean keep_colon)
{
    char *out = g_strdup(text && *text ? text : "case");
    for (char *p = out; *p; p++)
        if (!g_ascii_isalnum(*p) && !strchr("._-", *p) && !(keep_colon && *p == ':'))
            *p = '_';
    return out;
}

/* The step's text in LANG: MEMBER (zh) or MEMBER_en, falling back to the other. */
static const char *step_text(JsonObject *step, const char *member, CkLang lang)
{
    g_autofree char *en_name = g_strconcat(member, "_en", NULL);
    const char *zh = ck_json_str(step, member), *en = ck_json_str(step, en_name);
    if (lang == CK_LANG_ZH)
        return zh[0] ? zh : en;
    return en[0] ? en : zh;
}

/* The steps array and language of a checklist value. */
static JsonArray *checklist_steps(JsonNode *checklist, CkLang *lang)
{
    JsonObject *o = json_node_get_object(checklist);
    *lang = strcmp(ck_json_str(o, "language"), "en") == 0 ? CK_LANG_EN : CK_LANG_ZH;
    JsonArray *steps = ck_json_get_array(o, "steps");
    return steps;
}

/* TRUE when STEP changes the machine. */
static gboolean step_changes(JsonObject *step)
{
    return strcmp(ck_json_str(step, "kind"), "diagnostic") != 0;
}

/* The name of the first secret parameter of STEP, or NULL. */
static const char *secret_param(JsonObject *step)
{
    JsonArray *params = ck_json_get_array(step, "params");
    for (guint i = 0; params && i < json_array_get_length(params); i++) {
        JsonObject *p = json_array_get_object_element(params, i);
        if (strcmp(ck_json_str(p, "status"), "secret") == 0)
            return ck_json_str(p, "name");
    }
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Markdown                                                             */
/* ------------------------------------------------------------------ */

typedef struct {
    const char *heading, *intro, *diagnostic, *change, *command, *why, *expect, *do_not, *param;
    const char *from_mail, *missing, *rejected, *secret, *example, *warnings;
} MdLabels;

static const MdLabels MD_ZH = {
    "处理清单", "由 casekb 根据本案例的根因生成，请按顺序执行。标为“会修改系统”的步骤请确认后再执行；"
    "可用 `casekb checklist ID --format cmd|ps1` 生成脚本，并用 `casekb verify ID 日志文件` 检查结果。",
    "只读诊断", "会修改系统", "命令", "原因", "预期结果", "不要", "参数",
    "来自邮件", "【待补充】邮件中没有", "【待补充】邮件中的值未通过校验", "【待补充】产品密钥不会自动填写",
    "示例", "注意",
};

static const MdLabels MD_EN = {
    "Checklist", "Made by casekb from this case's root causes; work through it in order. Confirm each step "
    "marked \"changes the machine\" before running it. `casekb checklist ID --format cmd|ps1` makes a script, "
    "`casekb verify ID LOGFILE` checks its log.",
    "read-only diagnostic", "changes the machine", "Command", "Why", "Expected", "Do not", "Parameter",
    "from the mail", "[TO FILL] not in the mail", "[TO FILL] the value in the mail failed the check",
    "[TO FILL] product keys are never filled in", "example", "Warnings",
};

/* Append TEXT as Markdown inline code, fenced with enough backticks. */
static void md_code(GString *out, const char *text)
{
    int longest = 0, run = 0;
    for (const char *p = text; *p; p++) {
        run = *p == '`' ? run + 1 : 0;
        longest = MAX(longest, run);
    }
    GString *fence = g_string_new(NULL);
    for (int i = 0; i <= longest; i++)
        g_string_append_c(fence, '`');
    gboolean pad = text[0] == '`' || (text[0] && text[strlen(text) - 1] == '`');
    g_string_append_printf(out, "%s%s", fence->str, pad ? " " : "");
    append_comment_text(out, text, FALSE);
    g_string_append_printf(out, "%s%s", pad ? " " : "", fence->str);
    g_string_free(fence, TRUE);
}

/* Append the parameter lines of STEP. */
static void md_params(GString *out, JsonObject *step, const MdLabels *l)
{
    JsonArray *params = ck_json_get_array(step, "params");
    for (guint i = 0; params && i < json_array_get_length(params); i++) {
        JsonObject *p = json_array_get_object_element(params, i);
        const char *status = ck_json_str(p, "status");
        g_string_append_printf(out, "  - %s `%s`: ", l->param, ck_json_str(p, "name"));
        if (strcmp(status, "filled") == 0) {
            md_code(out, ck_json_str(p, "value"));
            g_string_append_printf(out, " (%s)\n", l->from_mail);
            continue;
        }
        g_string_append(out, strcmp(status, "secret") == 0     ? l->secret
                             : strcmp(status, "rejected") == 0 ? l->rejected
                                                               : l->missing);
        if (ck_json_str(p, "example")[0]) {
            g_string_append_printf(out, " (%s ", l->example);
            md_code(out, ck_json_str(p, "example"));
            g_string_append_c(out, ')');
        }
        g_string_append_c(out, '\n');
    }
}

/* Append one step as a task-list item. */
static void md_step(GString *out, JsonObject *step, CkLang lang, const MdLabels *l)
{
    g_string_append_printf(out, "- [ ] **%" G_GINT64_FORMAT ". ", ck_json_int(step, "n"));
    append_comment_text(out, step_text(step, "title", lang), FALSE);
    g_string_append(out, "** (");
    md_code(out, ck_json_str(step, "id"));
    g_string_append_printf(out, ", %s)\n  - %s: ", step_changes(step) ? l->change : l->diagnostic, l->command);
    md_code(out, ck_json_str(step, "command_filled"));
    g_string_append_printf(out, "\n  - %s: ", l->why);
    append_comment_text(out, step_text(step, "why", lang), FALSE);
    g_string_append_c(out, '\n');
    if (ck_json_str(step, "expect")[0]) {
        g_string_append_printf(out, "  - %s: ", l->expect);
        md_code(out, ck_json_str(step, "expect"));
        g_string_append_c(out, '\n');
    }
    md_params(out, step, l);
    JsonArray *do_not = ck_json_get_array(step, "do_not");
    for (guint i = 0; do_not && i < json_array_get_length(do_not); i++) {
        g_string_append_printf(out, "  - ⚠ %s: ", l->do_not);
        append_comment_text(out, json_array_get_string_element(do_not, i), FALSE);
        g_string_append_c(out, '\n');
    }
}

/* The Markdown task list. */
static void render_md(GString *out, JsonNode *checklist)
{
    CkLang lang;
    JsonArray *steps = checklist_steps(checklist, &lang);
    const MdLabels *l = lang == CK_LANG_ZH ? &MD_ZH : &MD_EN;
    JsonObject *o = json_node_get_object(checklist);
    g_string_append_printf(out, "# %s: %s ", l->heading, ck_json_str(o, "case_id"));
    append_comment_text(out, ck_json_str(o, "title"), FALSE);
    g_string_append_printf(out, "\n\n> %s\n\n", l->intro);
    for (guint i = 0; steps && i < json_array_get_length(steps); i++)
        md_step(out, json_array_get_object_element(steps, i), lang, l);
    JsonArray *warnings = ck_json_get_array(o, "warnings");
    for (guint i = 0; warnings && i < json_array_get_length(warnings); i++) {
        g_string_append_printf(out, "%s> ⚠ %s: ", i ? "" : "\n", l->warnings);
        append_comment_text(out, json_array_get_string_element(warnings, i), FALSE);
        g_string_append_c(out, '\n');
    }
}

/* ------------------------------------------------------------------ */
/* Scripts                                                              */
/* ------------------------------------------------------------------ */

typedef enum { SHELL_CMD, SHELL_PS } Shell;

/* Lookup data for script_value(). */
typedef struct {
    Shell shell;
    JsonArray *params;
} ScriptVars;

/* substitute() lookup for scripts: the parameter's variable (%NAME% or
 * ${NAME}), or __NAME__ for a secret one (never filled). */
static char *script_value(const char *name, gpointer data)
{
    const ScriptVars *vars = data;
    JsonObject *p = find_param(vars->params, name);
    g_autofree char *upper = script_token(name, FALSE);
    for (char *c = upper; *c; c++)
        *c = *c == '.' || *c == '-' ? '_' : g_ascii_toupper(*c);
    if (!p || strcmp(ck_json_str(p, "status"), "secret") == 0)
        return g_strdup_printf("__%s__", upper);
    return g_strdup_printf(vars->shell == SHELL_CMD ? "%%%s%%" : "${%s}", upper);
}

/* One simple command (no &&) for SHELL: slmgr through cscript (so its
 * output can be logged), sysprep by its full path, PowerShell cmdlets
 * through powershell.exe when the shell is cmd.  Caller frees. */
static char *shell_command(const char *part, Shell shell)
{
    const char *space = strchr(part, ' ');
    g_autofree char *program = g_ascii_strdown(part, space ? space - part : -1);
    const char *rest = space ? space : "";
    gboolean cmdlet = g_regex_match_simple("^[a-z]+-[a-z]+$", program, 0, 0);
    if (g_str_has_prefix(program, "slmgr"))
        return g_strdup_printf(shell == SHELL_CMD ? "cscript //nologo \"%%SystemRoot%%\\System32\\slmgr.vbs\"%s"
                                                  : "cscript //nologo \"$env:SystemRoot\\System32\\slmgr.vbs\"%s",
                               rest);
    if (g_str_has_prefix(program, "sysprep"))
        return g_strdup_printf(shell == SHELL_CMD ? "\"%%SystemRoot%%\\System32\\Sysprep\\sysprep.exe\"%s"
                                                  : "& \"$env:SystemRoot\\System32\\Sysprep\\sysprep.exe\"%s",
                               rest);
    if (cmdlet && shell == SHELL_CMD)
        return g_strdup_printf("powershell -NoProfile -ExecutionPolicy Bypass -Command \"%s\"", part);
    return g_strdup(part);
}

/* STEP's command for SHELL with parameters as variables; "a && b" stays
 * one line for cmd and becomes statements that stop at the first failure
 * for PowerShell 5.1 (which has no &&).  Caller frees. */
static char *script_command(JsonObject *step, Shell shell)
{
    ScriptVars vars = { shell, ck_json_get_array(step, "params") };
    g_autofree char *text = substitute(ck_json_str(step, "command"), script_value, &vars);
    g_auto(GStrv) parts = g_strsplit(text, "&&", -1);
    GString *out = g_string_new(NULL);
    for (guint i = 0; parts[i]; i++) {
        g_autofree char *one = shell_command(g_strstrip(parts[i]), shell);
        if (i > 0)
            g_string_append(out, shell == SHELL_CMD ? " && " : "\n    if ($LASTEXITCODE) { return }\n    ");
        g_string_append(out, one);
    }
    return g_string_free(out, FALSE);
}

/* Append "PREFIX text" comment lines describing STEP (title, why, expect,
 * do-not warnings, parameter notes). */
static void script_step_comments(GString *out, JsonObject *step, CkLang lang, Shell shell)
{
    const char *rem = shell == SHELL_CMD ? "REM " : "# ";
    gboolean c = shell == SHELL_CMD;
    g_string_append_printf(out, "\n%s==== %" G_GINT64_FORMAT ". ", rem, ck_json_int(step, "n"));
    append_comment_text(out, ck_json_str(step, "title"), c);
    g_string_append(out, " / ");
    append_comment_text(out, ck_json_str(step, "title_en"), c);
    g_string_append_printf(out, " (%s) ====\n%s", step_changes(step) ? "changes the machine" : "read-only", rem);
    append_comment_text(out, step_text(step, "why", lang), c);
    g_string_append_c(out, '\n');
    if (ck_json_str(step, "expect")[0])
        g_string_append_printf(out, "%sexpected: output matching the rule's pattern (checked by casekb verify)\n",
                               rem);
    JsonArray *do_not = ck_json_get_array(step, "do_not");
    for (guint i = 0; do_not && i < json_array_get_length(do_not); i++) {
        g_string_append_printf(out, "%sDO NOT: ", rem);
        append_comment_text(out, json_array_get_string_element(do_not, i), c);
        g_string_append_c(out, '\n');
    }
}

/* Append the variable lines (cmd: set "NAME=value"; ps: $NAME = 'value')
 * for every parameter of the checklist, once each. */
static void script_variables(GString *out, JsonArray *steps, Shell shell)
{
    const char *rem = shell == SHELL_CMD ? "REM " : "# ";
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    g_string_append_printf(out, "\n%s---- values from the mail, checked against each rule's pattern;"
                                " fill in the empty ones ----\n", rem);
    for (guint s = 0; steps && s < json_array_get_length(steps); s++) {
        JsonArray *params = ck_json_get_array(json_array_get_object_element(steps, s), "params");
        for (guint i = 0; params && i < json_array_get_length(params); i++) {
            JsonObject *p = json_array_get_object_element(params, i);
            const char *var = ck_json_str(p, "variable"), *status = ck_json_str(p, "status");
            if (!shell_inert(var) || !g_hash_table_add(seen, (gpointer)var))
                continue;
            if (strcmp(status, "secret") == 0) {
                g_string_append_printf(out, "%s%s: never written by casekb; the step that needs it is commented"
                                            " out\n", rem, ck_json_str(p, "name"));
                continue;
            }
            const char *value = strcmp(status, "filled") == 0 ? ck_json_str(p, "value") : "";
            if (!*value)
                g_string_append_printf(out, "%s%s: %s; fill in (example %s)\n", rem, ck_json_str(p, "name"),
                                       strcmp(status, "rejected") == 0 ? "the value in the mail failed the check"
                                                                       : "not in the mail",
                                       shell_inert(ck_json_str(p, "example")) ? ck_json_str(p, "example") : "-");
            g_string_append_printf(out, shell == SHELL_CMD ? "set \"%s=%s\"\n" : "$%s = '%s'\n", var,
                                   shell_inert(value) ? value : "");
        }
    }
}

/* Append the skip/guard list of STEP's parameters: cmd "if not defined X
 * goto ck_skip_N" lines, or the PowerShell @('X','Y') array. */
static void script_needs(GString *out, JsonObject *step, Shell shell)
{
    JsonArray *params = ck_json_get_array(step, "params");
    gint64 n = ck_json_int(step, "n");
    if (shell == SHELL_PS)
        g_string_append(out, "@(");
    for (guint i = 0; params && i < json_array_get_length(params); i++) {
        const char *var = ck_json_str(json_array_get_object_element(params, i), "variable");
        if (!shell_inert(var))
            continue;
        if (shell == SHELL_CMD)
            g_string_append_printf(out, "if not defined %s goto ck_skip_%" G_GINT64_FORMAT "\n", var, n);
        else
            g_string_append_printf(out, "%s'%s'", i ? ", " : "", var);
    }
    if (shell == SHELL_PS)
        g_string_append_c(out, ')');
}

/* A step that stays commented out because it needs SECRET. */
static void script_commented_step(GString *out, JsonObject *step, const char *id, const char *secret,
                                  Shell shell)
{
    gboolean c = shell == SHELL_CMD;
    g_autofree char *command = script_command(step, shell);
    g_autofree char *token = script_token(secret, FALSE);
    g_string_append_printf(out, "%scasekb: not run - needs %s, which casekb never writes into a script.\n"
                                "%sType it yourself once you have checked it:\n%s  ",
                           c ? "REM " : "# ", token, c ? "REM " : "# ", c ? "REM " : "# ");
    append_comment_text(out, command, c);
    g_string_append_printf(out, c ? "\n>>\"%%CK_LOG%%\" echo === casekb step %" G_GINT64_FORMAT
                                    " %s SKIPPED needs-%s ===\n"
                                  : "\nWrite-CkLog '=== casekb step %" G_GINT64_FORMAT " %s SKIPPED needs-%s ==='\n",
                           ck_json_int(step, "n"), id, token);
}

/* Append cmd.exe lines running STEP (numbered N, id ID) between the log
 * markers; change steps ask for YES first. */
static void cmd_step(GString *out, JsonObject *step, const char *id)
{
    gint64 n = ck_json_int(step, "n");
    g_autofree char *command = script_command(step, SHELL_CMD);
    script_needs(out, step, SHELL_CMD);
    if (step_changes(step))
        g_string_append_printf(out, "call :ck_confirm %" G_GINT64_FORMAT " %s || goto ck_next_%" G_GINT64_FORMAT "\n",
                               n, id, n);
    g_string_append_printf(out, "call :ck_begin %" G_GINT64_FORMAT " %s\n(%s) >>\"%%CK_LOG%%\" 2>&1\n"
                                "call :ck_end %" G_GINT64_FORMAT " %%ERRORLEVEL%%\n", n, id, command, n);
    JsonArray *params = ck_json_get_array(step, "params");
    if (params && json_array_get_length(params) > 0)
        g_string_append_printf(out, "goto ck_next_%" G_GINT64_FORMAT "\n:ck_skip_%" G_GINT64_FORMAT "\n"
                                    "call :ck_skip %" G_GINT64_FORMAT " %s missing-parameter\n", n, n, n, id);
    g_string_append_printf(out, ":ck_next_%" G_GINT64_FORMAT "\n", n);
}

static const char CMD_SUBROUTINES[] =
    "\necho casekb: done; send \"%CK_LOG%\" back or check it with casekb verify\n"
    "endlocal\ngoto :eof\n\n"
    ":ck_begin\n>>\"%CK_LOG%\" echo === casekb step %1 %2 BEGIN ===\necho [%1] %2\nexit /b 0\n\n"
    ":ck_end\n>>\"%CK_LOG%\" echo === casekb step %1 END exit=%2 ===\nexit /b 0\n\n"
    ":ck_skip\n>>\"%CK_LOG%\" echo === casekb step %1 %2 SKIPPED %3 ===\necho [%1] %2 skipped: %3\nexit /b 0\n\n"
    ":ck_confirm\nset \"CK_ANSWER=\"\nset /p \"CK_ANSWER=[%1] %2 changes this machine. Type YES to run it: \"\n"
    "if \"%CK_ANSWER%\"==\"YES\" exit /b 0\ncall :ck_skip %1 %2 declined\nexit /b 1\n";

/* Append the header lines both scripts share (as comments). */
static void script_header(GString *out, JsonObject *o, const char *case_token, Shell shell)
{
    const char *rem = shell == SHELL_CMD ? "REM " : "# ";
    g_string_append_printf(out, "%scasekb checklist for %s: ", rem, case_token);
    append_comment_text(out, ck_json_str(o, "title"), shell == SHELL_CMD);
    g_string_append_printf(out, "\n%sRun it as administrator on the affected machine. Read-only steps run at once;"
                                " steps that change\n%sthe machine ask for YES first. Each step's output goes to"
                                " the log; check it with\n%s  casekb verify %s LOGFILE\n",
                           rem, rem, rem, case_token);
}

/* The cmd.exe batch file (LF line ends; the caller makes them CRLF). */
static void render_cmd(GString *out, JsonNode *checklist)
{
    CkLang lang;
    JsonArray *steps = checklist_steps(checklist, &lang);
    JsonObject *o = json_node_get_object(checklist);
    g_autofree char *case_token = script_token(ck_json_str(o, "case_id"), FALSE);
    g_string_append(out, "@echo off\nchcp 65001 >nul\nsetlocal\n");
    script_header(out, o, case_token, SHELL_CMD);
    g_string_append_printf(out, "set \"CK_LOG=%%~dp0casekb-%s.log\"\nif not \"%%~1\"==\"\" set \"CK_LOG=%%~1\"\n",
                           case_token);
    script_variables(out, steps, SHELL_CMD);
    g_string_append_printf(out, "\n>>\"%%CK_LOG%%\" echo === casekb checklist %s ===\n"
                                "echo casekb: writing the output to \"%%CK_LOG%%\"\n", case_token);
    for (guint i = 0; steps && i < json_array_get_length(steps); i++) {
        JsonObject *step = json_array_get_object_element(steps, i);
        g_autofree char *id = script_token(ck_json_str(step, "id"), FALSE);
        script_step_comments(out, step, lang, SHELL_CMD);
        if (secret_param(step))
            script_commented_step(out, step, id, secret_param(step), SHELL_CMD);
        else
            cmd_step(out, step, id);
    }
    g_string_append(out, CMD_SUBROUTINES);
}

static const char PS_PRELUDE[] =
    "function Write-CkLog([string]$Line) { Add-Content -LiteralPath $LogPath -Value $Line -Encoding UTF8 }\n\n"
    "function Invoke-CkStep {\n"
    "    param([int]$N, [string]$Id, [string[]]$Needs = @(), [switch]$Change, [scriptblock]$Body)\n"
    "    foreach ($name in $Needs) {\n"
    "        if (-not (Get-Variable -Name $name -Scope Script -ValueOnly -ErrorAction SilentlyContinue)) {\n"
    "            Write-CkLog \"=== casekb step $N $Id SKIPPED missing-parameter ===\"\n"
    "            Write-Host \"[$N] $Id skipped: set `$$name at the top of this script\"\n"
    "            return\n        }\n    }\n"
    "    if ($Change) {\n"
    "        $answer = Read-Host \"[$N] $Id changes this machine. Type YES to run it\"\n"
    "        if ($answer -cne 'YES') { Write-CkLog \"=== casekb step $N $Id SKIPPED declined ===\"; return }\n"
    "    }\n"
    "    Write-CkLog \"=== casekb step $N $Id BEGIN ===\"\n"
    "    Write-Host \"[$N] $Id\"\n"
    "    $global:LASTEXITCODE = 0\n"
    "    $code = 0\n"
    "    try { $output = & $Body *>&1 | Out-String; if ($LASTEXITCODE) { $code = $LASTEXITCODE } }\n"
    "    catch { $output = $_ | Out-String; $code = 1 }\n"
    "    Write-CkLog $output.TrimEnd()\n"
    "    Write-CkLog \"=== casekb step $N END exit=$code ===\"\n"
    "}\n";

/* Append the PowerShell call running STEP. */
static void ps_step(GString *out, JsonObject *step, const char *id)
{
    g_autofree char *command = script_command(step, SHELL_PS);
    g_string_append_printf(out, "Invoke-CkStep -N %" G_GINT64_FORMAT " -Id '%s' -Needs ", ck_json_int(step, "n"), id);
    script_needs(out, step, SHELL_PS);
    g_string_append_printf(out, "%s -Body {\n    %s\n}\n", step_changes(step) ? " -Change" : "", command);
}

/* The PowerShell script (LF line ends; the caller adds BOM and CRLF). */
static void render_ps1(GString *out, JsonNode *checklist)
{
    CkLang lang;
    JsonArray *steps = checklist_steps(checklist, &lang);
    JsonObject *o = json_node_get_object(checklist);
    g_autofree char *case_token = script_token(ck_json_str(o, "case_id"), FALSE);
    script_header(out, o, case_token, SHELL_PS);
    g_string_append_printf(out, "#   powershell -NoProfile -ExecutionPolicy Bypass -File .\\casekb-%s.ps1\n"
                                "param([string]$LogPath = (Join-Path $PSScriptRoot 'casekb-%s.log'))\n"
                                "[Console]::OutputEncoding = [System.Text.Encoding]::UTF8\n",
                           case_token, case_token);
    script_variables(out, steps, SHELL_PS);
    g_string_append_printf(out, "\n%s\nWrite-CkLog '=== casekb checklist %s ==='\n"
                                "Write-Host \"casekb: writing the output to $LogPath\"\n",
                           PS_PRELUDE, case_token);
    for (guint i = 0; steps && i < json_array_get_length(steps); i++) {
        JsonObject *step = json_array_get_object_element(steps, i);
        g_autofree char *id = script_token(ck_json_str(step, "id"), FALSE);
        script_step_comments(out, step, lang, SHELL_PS);
        if (secret_param(step))
            script_commented_step(out, step, id, secret_param(step), SHELL_PS);
        else
            ps_step(out, step, id);
    }
    g_string_append(out, "\nWrite-Host \"casekb: done; send $LogPath back or check it with casekb verify\"\n");
}

/* Append TEXT to OUT with every "\n" written as "\r\n". */
static void append_crlf(GString *out, const char *text)
{
    for (const char *p = text; *p; p++) {
        if (*p == '\n')
            g_string_append_c(out, '\r');
        if (*p != '\r')
            g_string_append_c(out, *p);
    }
}

/* See checklist.h. */
gboolean ck_checklist_render(GString *out, JsonNode *checklist, const char *format)
{
    GString *text = g_string_new(NULL);
    gboolean ok = TRUE;
    if (g_strcmp0(format, "md") == 0)
        render_md(text, checklist);
    else if (g_strcmp0(format, "cmd") == 0)
        render_cmd(text, checklist);
    else if (g_strcmp0(format, "ps1") == 0) {
        g_string_append(out, "\xEF\xBB\xBF");
        render_ps1(text, checklist);
    } else
        ok = FALSE;
    if (g_strcmp0(format, "md") == 0)
        g_string_append(out, text->str);
    else if (ok)
        append_crlf(out, text->str);
    g_string_free(text, TRUE);
    return ok;
}
