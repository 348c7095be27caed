/* checklist.c — build a case's remediation checklist and render it as a
 * Markdown task list (the scripts are in checklist-script.c). */
#include "reports/checklist-private.h"
#include "reports/md.h"
#include "analyzer/regex.h"

#include <string.h>

/* ------------------------------------------------------------------ */
/* Language and parameters                                              */
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

/* See checklist-private.h. */
gboolean ck_cl_shell_inert(const char *value)
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
    if (!ck_cl_shell_inert(value))
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

/* Resolve one rule parameter PARAM of step ID against ENTITIES: a
 * new {"name","variable","validate","example","status"[, "value"]}. */
static JsonObject *resolve_param(JsonObject *param, JsonObject *entities, const char *id, JsonArray *warnings)
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
        g_autofree char *line = g_strdup_printf("step %s: %s \"%s\" from the mail does not pass %s;"
                                                " left as a placeholder", id, name, shown, validate);
        json_array_add_string_element(warnings, line);
        status = "rejected";
    }
    json_object_set_string_member(out, "status", status);
    if (strcmp(status, "filled") == 0)
        json_object_set_string_member(out, "value", value);
    return out;
}

/* See checklist-private.h. */
char *ck_cl_substitute(const char *template, char *(*lookup)(const char *name, gpointer data), gpointer data)
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

/* See checklist-private.h. */
JsonObject *ck_cl_find_param(JsonArray *params, const char *name)
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
    JsonObject *p = ck_cl_find_param(fill->params, name);
    if (p && json_object_has_member(p, "value"))
        return g_strdup(ck_json_str(p, "value"));
    return g_strconcat(fill->open, name, fill->close, NULL);
}

/* See checklist.h. */
char *ck_checklist_fill_command(JsonObject *step, const char *open, const char *close)
{
    FillData fill = { ck_json_get_array(step, "params"), open, close };
    return ck_cl_substitute(ck_json_str(step, "command"), filled_value, &fill);
}

/* ------------------------------------------------------------------ */
/* Building                                                             */
/* ------------------------------------------------------------------ */

/* Copy string member NAME of FROM into TO ("" when absent). */
static void copy_str(JsonObject *to, JsonObject *from, const char *name)
{
    json_object_set_string_member(to, name, ck_json_str(from, name));
}

/* A new JSON array holding the strings of array MEMBER of FROM (empty when
 * absent). */
static JsonArray *copy_strings(JsonObject *from, const char *member)
{
    JsonArray *src = ck_json_get_array(from, member), *out = json_array_new();
    for (guint i = 0; src && i < json_array_get_length(src); i++)
        if (JSON_NODE_HOLDS_VALUE(json_array_get_element(src, i)))
            json_array_add_string_element(out, json_array_get_string_element(src, i));
    return out;
}

/* One checklist step from analysis step STEP (unnumbered), with its scope
 * settled: a step running sysprep is a master-image step whatever the rule
 * says. */
static JsonObject *build_step(JsonObject *step, JsonObject *entities, JsonArray *warnings)
{
    JsonObject *out = json_object_new();
    const char *names[] = { "id", "cause", "kind", "title", "title_en", "why", "why_en", "command", "expect" };
    for (gsize i = 0; i < G_N_ELEMENTS(names); i++)
        copy_str(out, step, names[i]);
    JsonArray *params = json_array_new();
    JsonArray *rule_params = ck_json_get_array(step, "params");
    gboolean runnable = !ck_cl_step_manual(step);
    for (guint i = 0; rule_params && i < json_array_get_length(rule_params); i++) {
        JsonObject *p = resolve_param(json_array_get_object_element(rule_params, i), entities,
                                      ck_json_str(step, "id"), warnings);
        runnable &= json_object_has_member(p, "value");
        json_array_add_object_element(params, p);
    }
    json_object_set_array_member(out, "params", params);
    char *filled = ck_checklist_fill_command(out, "<", ">");
    json_object_set_string_member(out, "command_filled", filled);
    g_free(filled);
    json_object_set_array_member(out, "do_not", copy_strings(step, "do_not"));
    json_object_set_array_member(out, "requires", copy_strings(step, "requires"));
    json_object_set_boolean_member(out, "runnable", runnable);
    json_object_set_string_member(out, "scope", ck_cl_step_master_image(step) ? "master-image" : "terminal");
    if (ck_cl_step_master_image(step) && g_strcmp0(ck_json_str(step, "scope"), "master-image") != 0) {
        g_autofree char *line = g_strdup_printf("step %s runs sysprep but its rule does not say scope: master-image;"
                                                " it is listed with the master-image steps only",
                                                ck_json_str(step, "id"));
        json_array_add_string_element(warnings, line);
    }
    return out;
}

/* The index in STEPS (JsonObject *) of the step with ID, or -1. */
static int step_index(GPtrArray *steps, const char *id)
{
    for (guint i = 0; i < steps->len; i++)
        if (strcmp(ck_json_str(g_ptr_array_index(steps, i), "id"), id) == 0)
            return (int)i;
    return -1;
}

/* Drop from each step's "requires" the ids that name no step of its own
 * scope in STEPS (with a warning): a prerequisite must run on the same
 * machine, in the same script. */
static void prune_requires(GPtrArray *steps, JsonArray *warnings)
{
    for (guint i = 0; i < steps->len; i++) {
        JsonObject *s = g_ptr_array_index(steps, i);
        JsonArray *old = ck_json_get_array(s, "requires"), *kept = json_array_new();
        for (guint k = 0; k < json_array_get_length(old); k++) {
            const char *want = json_array_get_string_element(old, k);
            int at = step_index(steps, want);
            JsonObject *req = at >= 0 ? g_ptr_array_index(steps, at) : NULL;
            if (req && req != s && strcmp(ck_json_str(req, "scope"), ck_json_str(s, "scope")) == 0) {
                json_array_add_string_element(kept, want);
                continue;
            }
            g_autofree char *line = g_strdup_printf("step %s requires %s, which is not a step of the same scope"
                                                    " in this checklist; the requirement is dropped",
                                                    ck_json_str(s, "id"), want);
            json_array_add_string_element(warnings, line);
        }
        json_object_set_array_member(s, "requires", kept);
    }
}

/* TRUE when every step STEP requires is already in ORDERED. */
static gboolean requires_placed(JsonObject *step, GPtrArray *ordered)
{
    JsonArray *requires = ck_json_get_array(step, "requires");
    for (guint k = 0; k < json_array_get_length(requires); k++)
        if (step_index(ordered, json_array_get_string_element(requires, k)) < 0)
            return FALSE;
    return TRUE;
}

/* STEPS reordered: terminal steps, then master-image steps; within each,
 * the given order except that a step waits for the steps it requires (the
 * earliest ready step goes next; a cycle, which `rules check` prevents,
 * keeps the given order).  The array does not own the steps. */
static GPtrArray *order_steps(GPtrArray *steps)
{
    GPtrArray *ordered = g_ptr_array_new();
    g_autofree gboolean *done = g_new0(gboolean, steps->len + 1);
    const char *scopes[] = { "terminal", "master-image" };
    for (gsize sc = 0; sc < G_N_ELEMENTS(scopes); sc++) {
        for (gboolean progress = TRUE; progress;) {
            progress = FALSE;
            for (guint i = 0; i < steps->len && !progress; i++) {
                JsonObject *s = g_ptr_array_index(steps, i);
                if (done[i] || strcmp(ck_json_str(s, "scope"), scopes[sc]) != 0 || !requires_placed(s, ordered))
                    continue;
                g_ptr_array_add(ordered, s);
                done[i] = progress = TRUE;
            }
        }
        for (guint i = 0; i < steps->len; i++)
            if (!done[i] && strcmp(ck_json_str(g_ptr_array_index(steps, i), "scope"), scopes[sc]) == 0) {
                g_ptr_array_add(ordered, g_ptr_array_index(steps, i));
                done[i] = TRUE;
            }
    }
    return ordered;
}

/* Number the ORDERED steps from 1, give each the numbers of the steps it
 * requires ("after"), and add them to a new array.  Caller unrefs. */
static JsonArray *number_steps(GPtrArray *ordered)
{
    JsonArray *out = json_array_new();
    for (guint i = 0; i < ordered->len; i++)
        json_object_set_int_member(g_ptr_array_index(ordered, i), "n", i + 1);
    for (guint i = 0; i < ordered->len; i++) {
        JsonObject *s = g_ptr_array_index(ordered, i);
        JsonArray *requires = ck_json_get_array(s, "requires"), *after = json_array_new();
        for (guint k = 0; k < json_array_get_length(requires); k++) {
            int at = step_index(ordered, json_array_get_string_element(requires, k));
            json_array_add_int_element(after, at + 1);
        }
        json_object_set_array_member(s, "after", after);
        json_array_add_object_element(out, json_object_ref(s));
    }
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
    JsonArray *warnings = json_array_new();
    JsonArray *source = ck_json_get_array(doc, "checklist");
    g_autoptr(GPtrArray) steps = g_ptr_array_new_with_free_func((GDestroyNotify)json_object_unref);
    for (guint i = 0; source && i < json_array_get_length(source); i++)
        g_ptr_array_add(steps, build_step(json_array_get_object_element(source, i), entities, warnings));
    prune_requires(steps, warnings);
    g_autoptr(GPtrArray) ordered = order_steps(steps);
    json_object_set_array_member(out, "steps", number_steps(ordered));
    json_object_set_array_member(out, "warnings", warnings);
    JsonNode *node = json_node_init_object(json_node_alloc(), out);
    json_object_unref(out);
    return node;
}

/* ------------------------------------------------------------------ */
/* Scopes and shared helpers                                            */
/* ------------------------------------------------------------------ */

static const char *const SCOPE_NAMES[] = { "all", "terminal", "master-image" };

/* See checklist.h. */
const char *ck_run_scope_name(CkRunScope scope)
{
    return SCOPE_NAMES[scope];
}

/* See checklist.h. */
gboolean ck_run_scope_parse(const char *name, CkRunScope *scope)
{
    for (gsize i = 0; i < G_N_ELEMENTS(SCOPE_NAMES); i++)
        if (g_strcmp0(name, SCOPE_NAMES[i]) == 0) {
            *scope = (CkRunScope)i;
            return TRUE;
        }
    return FALSE;
}

/* See checklist-private.h. */
gboolean ck_cl_step_master_image(JsonObject *step)
{
    g_autofree char *command = g_ascii_strdown(ck_json_str(step, "command"), -1);
    return strcmp(ck_json_str(step, "scope"), "master-image") == 0 || strstr(command, "sysprep") != NULL;
}

/* See checklist-private.h. */
gboolean ck_cl_step_in_scope(JsonObject *step, CkRunScope scope)
{
    return scope == CK_RUN_ALL || ck_cl_step_master_image(step) == (scope == CK_RUN_MASTER_IMAGE);
}

/* See checklist.h. */
guint ck_checklist_count(JsonNode *checklist, CkRunScope scope)
{
    CkLang lang;
    JsonArray *steps = ck_cl_steps(checklist, &lang);
    guint n = 0;
    for (guint i = 0; steps && i < json_array_get_length(steps); i++)
        n += ck_cl_step_in_scope(json_array_get_object_element(steps, i), scope);
    return n;
}

/* See checklist-private.h. */
void ck_cl_comment_text(GString *out, const char *text, gboolean for_cmd)
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

/* See checklist-private.h. */
char *ck_cl_token(const char *text)
{
    char *out = g_strdup(text && *text ? text : "case");
    for (char *p = out; *p; p++)
        if (!g_ascii_isalnum(*p) && !strchr("._-", *p))
            *p = '_';
    return out;
}

/* See checklist-private.h. */
const char *ck_cl_step_text(JsonObject *step, const char *member, CkLang lang)
{
    g_autofree char *en_name = g_strconcat(member, "_en", NULL);
    const char *zh = ck_json_str(step, member), *en = ck_json_str(step, en_name);
    if (lang == CK_LANG_ZH)
        return zh[0] ? zh : en;
    return en[0] ? en : zh;
}

/* See checklist-private.h. */
JsonArray *ck_cl_steps(JsonNode *checklist, CkLang *lang)
{
    JsonObject *o = json_node_get_object(checklist);
    *lang = strcmp(ck_json_str(o, "language"), "en") == 0 ? CK_LANG_EN : CK_LANG_ZH;
    return ck_json_get_array(o, "steps");
}

/* See checklist-private.h. */
gboolean ck_cl_step_changes(JsonObject *step)
{
    return strcmp(ck_json_str(step, "kind"), "change") == 0;
}

/* See checklist-private.h. */
gboolean ck_cl_step_manual(JsonObject *step)
{
    return strcmp(ck_json_str(step, "kind"), "manual") == 0;
}

/* See checklist-private.h. */
const char *ck_cl_secret_param(JsonObject *step)
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
    const char *heading, *intro, *diagnostic, *change, *manual, *command, *why, *expect, *do_not, *param;
    const char *from_mail, *missing, *rejected, *secret, *example, *warnings;
    /* the "after step N (`id`)" line: AFTER, then per step PRE N MID `id` CLOSE, SEP between, then END */
    const char *after, *after_pre, *after_mid, *after_close, *after_sep, *after_end;
    const char *terminal, *master, *master_note;
} MdLabels;

static const MdLabels MD_ZH = {
    "处理清单", "由 casekb 根据本案例的根因生成，请按顺序执行。标为“会修改系统”的步骤请确认后再执行；"
    "可用 `casekb checklist ID --format cmd|ps1` 生成脚本，并用 `casekb verify ID 日志文件` 检查结果。",
    "只读诊断", "会修改系统", "人工步骤，无命令", "命令", "原因", "预期结果", "不要", "参数",
    "来自邮件", "【待补充】邮件中没有", "【待补充】邮件中的值未通过校验", "【待补充】产品密钥不会自动填写",
    "示例", "注意", "前提: ", "第 ", " 步（", "）", "、", "成功后再执行",
    "在每台受影响的终端上执行",
    "仅在母盘（参考镜像）上执行，不要在生产终端上执行",
    "这些步骤会改变整个系统（例如封装后关机），只能在制作镜像的参考计算机上执行；终端脚本中不含这些步骤。"
    "脚本：`casekb checklist ID --format cmd --scope master-image`。",
};

static const MdLabels MD_EN = {
    "Checklist", "Made by casekb from this case's root causes; work through it in order. Confirm each step "
    "marked \"changes the machine\" before running it. `casekb checklist ID --format cmd|ps1` makes a script, "
    "`casekb verify ID LOGFILE` checks its log.",
    "read-only diagnostic", "changes the machine", "manual step, no command", "Command", "Why", "Expected",
    "Do not", "Parameter", "from the mail", "[TO FILL] not in the mail",
    "[TO FILL] the value in the mail failed the check", "[TO FILL] product keys are never filled in", "example",
    "Warnings", "After: ", "step ", " (", ")", ", ", " must succeed first",
    "On each affected terminal",
    "On the master (reference) image only, never on a production terminal",
    "These steps change the whole system (generalize and shut down, for example): run them only on the reference "
    "machine the image is made from. The terminal scripts do not hold them. Script: "
    "`casekb checklist ID --format cmd --scope master-image`.",
};

/* Append the parameter lines of STEP. */
static void md_params(GString *out, JsonObject *step, const MdLabels *l)
{
    JsonArray *params = ck_json_get_array(step, "params");
    for (guint i = 0; params && i < json_array_get_length(params); i++) {
        JsonObject *p = json_array_get_object_element(params, i);
        const char *status = ck_json_str(p, "status");
        g_string_append_printf(out, "  - %s ", l->param);
        ck_md_code(out, ck_json_str(p, "name"));
        g_string_append(out, ": ");
        if (strcmp(status, "filled") == 0) {
            ck_md_code(out, ck_json_str(p, "value"));
            g_string_append_printf(out, " (%s)\n", l->from_mail);
            continue;
        }
        g_string_append(out, strcmp(status, "secret") == 0     ? l->secret
                             : strcmp(status, "rejected") == 0 ? l->rejected
                                                               : l->missing);
        if (ck_json_str(p, "example")[0]) {
            g_string_append_printf(out, " (%s ", l->example);
            ck_md_code(out, ck_json_str(p, "example"));
            g_string_append_c(out, ')');
        }
        g_string_append_c(out, '\n');
    }
}

/* Append the "after step N" line of STEP (nothing when it requires none). */
static void md_after(GString *out, JsonObject *step, const MdLabels *l)
{
    JsonArray *after = ck_json_get_array(step, "after"), *requires = ck_json_get_array(step, "requires");
    guint n = after ? json_array_get_length(after) : 0;
    if (!n)
        return;
    g_string_append_printf(out, "  - %s", l->after);
    for (guint i = 0; i < n; i++) {
        if (i)
            g_string_append(out, l->after_sep);
        g_string_append_printf(out, "%s%" G_GINT64_FORMAT "%s", l->after_pre, json_array_get_int_element(after, i),
                               l->after_mid);
        ck_md_code(out, json_array_get_string_element(requires, i));
        g_string_append(out, l->after_close);
    }
    g_string_append_printf(out, "%s\n", l->after_end);
}

/* Append one step as a task-list item; every text is escaped. */
static void md_step(GString *out, JsonObject *step, CkLang lang, const MdLabels *l)
{
    gboolean manual = ck_cl_step_manual(step);
    g_string_append_printf(out, "- [ ] **%" G_GINT64_FORMAT ". ", ck_json_int(step, "n"));
    ck_md_inline(out, ck_cl_step_text(step, "title", lang));
    g_string_append(out, "** (");
    ck_md_code(out, ck_json_str(step, "id"));
    g_string_append_printf(out, ", %s)\n", manual ? l->manual : ck_cl_step_changes(step) ? l->change : l->diagnostic);
    md_after(out, step, l);
    if (!manual) {
        g_string_append_printf(out, "  - %s: ", l->command);
        ck_md_code(out, ck_json_str(step, "command_filled"));
        g_string_append_c(out, '\n');
    }
    g_string_append_printf(out, "  - %s: ", l->why);
    ck_md_inline(out, ck_cl_step_text(step, "why", lang));
    g_string_append_c(out, '\n');
    if (ck_json_str(step, "expect")[0]) {
        g_string_append_printf(out, "  - %s: ", l->expect);
        ck_md_code(out, ck_json_str(step, "expect"));
        g_string_append_c(out, '\n');
    }
    md_params(out, step, l);
    JsonArray *do_not = ck_json_get_array(step, "do_not");
    for (guint i = 0; do_not && i < json_array_get_length(do_not); i++) {
        g_string_append_printf(out, "  - ⚠ %s: ", l->do_not);
        ck_md_inline(out, json_array_get_string_element(do_not, i));
        g_string_append_c(out, '\n');
    }
}

/* Append the steps of SCOPE under HEADING (and NOTE), when there are any. */
static void md_section(GString *out, JsonArray *steps, CkRunScope scope, CkLang lang, const MdLabels *l,
                       const char *heading, const char *note)
{
    gboolean any = FALSE;
    for (guint i = 0; steps && i < json_array_get_length(steps); i++) {
        JsonObject *s = json_array_get_object_element(steps, i);
        if (!ck_cl_step_in_scope(s, scope))
            continue;
        if (!any)
            g_string_append_printf(out, "## %s\n\n%s%s%s", heading, note ? "> " : "", note ? note : "",
                                   note ? "\n\n" : "");
        any = TRUE;
        md_step(out, s, lang, l);
    }
    if (any)
        g_string_append_c(out, '\n');
}

/* The Markdown task list of SCOPE's steps. */
static void render_md(GString *out, JsonNode *checklist, CkRunScope scope)
{
    CkLang lang;
    JsonArray *steps = ck_cl_steps(checklist, &lang);
    const MdLabels *l = lang == CK_LANG_ZH ? &MD_ZH : &MD_EN;
    JsonObject *o = json_node_get_object(checklist);
    g_string_append_printf(out, "# %s: ", l->heading);
    ck_md_inline(out, ck_json_str(o, "case_id"));
    g_string_append_c(out, ' ');
    ck_md_inline(out, ck_json_str(o, "title"));
    g_string_append_printf(out, "\n\n> %s\n\n", l->intro);
    if (scope != CK_RUN_MASTER_IMAGE)
        md_section(out, steps, CK_RUN_TERMINAL, lang, l, l->terminal, NULL);
    if (scope != CK_RUN_TERMINAL)
        md_section(out, steps, CK_RUN_MASTER_IMAGE, lang, l, l->master, l->master_note);
    JsonArray *warnings = ck_json_get_array(o, "warnings");
    for (guint i = 0; warnings && i < json_array_get_length(warnings); i++) {
        g_string_append_printf(out, "> ⚠ %s: ", l->warnings);
        ck_md_inline(out, json_array_get_string_element(warnings, i));
        g_string_append_c(out, '\n');
    }
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
gboolean ck_checklist_render(GString *out, JsonNode *checklist, const char *format, CkRunScope scope)
{
    CkRunScope script_scope = scope == CK_RUN_MASTER_IMAGE ? CK_RUN_MASTER_IMAGE : CK_RUN_TERMINAL;
    GString *text = g_string_new(NULL);
    gboolean ok = TRUE;
    if (g_strcmp0(format, "md") == 0)
        render_md(text, checklist, scope);
    else if (g_strcmp0(format, "cmd") == 0)
        ck_cl_render_cmd(text, checklist, script_scope);
    else if (g_strcmp0(format, "ps1") == 0) {
        g_string_append(out, "\xEF\xBB\xBF");
        ck_cl_render_ps1(text, checklist, script_scope);
    } else
        ok = FALSE;
    if (g_strcmp0(format, "md") == 0)
        g_string_append(out, text->str);
    else if (ok)
        append_crlf(out, text->str);
    g_string_free(text, TRUE);
    return ok;
}
