/* draft.c — the next reply to a case or to a new mail (see draft.h). */
#include "reports/draft.h"
#include "reports/checklist.h"
#include "reports/output.h"
#include "reports/privacy.h"
#include "ingest/parse.h"
#include "analyzer/template.h"
#include "analyzer/rules.h"

#include <string.h>

G_DEFINE_QUARK(ck-draft-error-quark, ck_draft_error)

/* ------------------------------------------------------------------ */
/* A new mail as a case document                                        */
/* ------------------------------------------------------------------ */

/* The message object of MSG as the case document lists it. */
static JsonObject *message_object(const CkMessage *msg)
{
    JsonObject *m = json_object_new();
    json_object_set_int_member(m, "index", 1);
    json_object_set_string_member(m, "message_id", msg->message_id ? msg->message_id : "");
    json_object_set_string_member(m, "from", msg->from_name[0] ? msg->from_name : msg->from_addr);
    json_object_set_string_member(m, "from_addr", msg->from_addr);
    json_object_set_string_member(m, "side", "customer");
    g_autofree char *date = ck_message_date_iso(msg);
    json_object_set_string_member(m, "date", date);
    const char *texts[][2] = { { "subject", msg->subject }, { "body", msg->body }, { "quoted", msg->quoted },
                               { "signature", msg->signature }, { "forwarded", msg->forwarded } };
    for (gsize i = 0; i < G_N_ELEMENTS(texts); i++)
        json_object_set_string_member(m, texts[i][0], texts[i][1] ? texts[i][1] : "");
    return m;
}

/* The first CAS- case ID among the analysis' entities, or "". */
static const char *named_case(JsonObject *analysis)
{
    JsonArray *ids = ck_json_get_array(ck_json_get_object(analysis, "entities"), "case_ids");
    for (guint i = 0; ids && i < json_array_get_length(ids); i++)
        if (g_str_has_prefix(json_array_get_string_element(ids, i), "CAS-"))
            return json_array_get_string_element(ids, i);
    return "";
}

/* The document of parsed mail MSG analysed with RULES.  Caller unrefs. */
static JsonNode *document_of(const CkMessage *msg, const CkRuleSet *rules)
{
    CkAnalysisInput in = { 1, msg->subject, msg->body, msg->quoted, msg->forwarded,
                           msg->from_name[0] ? msg->from_name : msg->from_addr, TRUE, msg->date };
    JsonNode *analysis = rules ? ck_analyze_case(rules, &in, 1, NULL) : NULL;
    JsonObject *a = analysis ? json_node_get_object(analysis) : NULL;
    JsonObject *doc = json_object_new();
    json_object_set_string_member(doc, "case_id", a ? named_case(a) : "");
    json_object_set_string_member(doc, "title", msg->subject ? msg->subject : "");
    json_object_set_string_member(doc, "status", "new");
    JsonArray *messages = json_array_new();
    json_array_add_object_element(messages, message_object(msg));
    json_object_set_array_member(doc, "messages", messages);
    g_autoptr(GList) members = a ? json_object_get_members(a) : NULL;
    for (GList *l = members; l; l = l->next)
        json_object_set_member(doc, l->data, json_node_copy(json_object_get_member(a, l->data)));
    if (analysis)
        json_node_unref(analysis);
    JsonNode *node = json_node_init_object(json_node_alloc(), doc);
    json_object_unref(doc);
    ck_json_mask_product_keys(node);
    return node;
}

/* See draft.h. */
JsonNode *ck_mail_document(const CkRuleSet *rules, const char *path, GError **error)
{
    char *data = NULL;
    gsize len = 0;
    if (!g_file_get_contents(path, &data, &len, error))
        return NULL;
    gsize skip = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    GBytes *bytes = g_bytes_new_take(data, len);
    GBytes *mail = g_bytes_new_from_bytes(bytes, skip, len - skip);
    CkRawMessage raw = { CK_RAW_RFC822, mail, path, 0, NULL, 0 };
    ck_parse_init();
    CkMessage *msg = ck_message_parse(&raw, error);
    g_bytes_unref(mail);
    g_bytes_unref(bytes);
    if (!msg)
        return NULL;
    JsonNode *doc = NULL;
    if (!msg->subject[0] && !msg->from_addr[0] && !msg->from_name[0])
        g_set_error(error, CK_DRAFT_ERROR, CK_DRAFT_ERROR_READ, "%s: not a mail (no From or Subject header)", path);
    else
        doc = document_of(msg, rules);
    ck_message_free(msg);
    return doc;
}

/* ------------------------------------------------------------------ */
/* Words of the reply                                                   */
/* ------------------------------------------------------------------ */

typedef struct {
    const char *open, *close;            /* the to-fill marker around a name */
    const char *marker;                  /* how every to-fill marker starts */
    const char *greeting_fmt_before, *greeting_after;
    const char *intro, *definition, *scope_label, *scope, *details, *analysis, *next_steps, *why, *do_not;
    const char *requests, *closing, *signature, *sep;
    const char *error_code, *host, *serial, *partial_key, *product_key;
    const char *ask_serial, *ask_host, *ask_code, *similar, *see_steps;
} Words;

static const Words ZH = {
    "【待补充：", "】", "【待补充", "", " 您好！",
    "根据目前的沟通，我谨在此阐述我们对这个问题的理解和范围界定：", "问题定义:", "问题范围:",
    "我们将协助您分析处理上述问题，并对定义的问题给予最大的技术支持。", "问题详情：", "问题分析:",
    "下一步计划:", "原因：", "注意：", "需要您提供的信息:",
    "如果您对以上的问题范围界定有任何异议，请尽快告知。如果您有其他任何疑问，也欢迎随时与我联系。",
    "------------\n【待补充：姓名】\n服务支持电话：【待补充】\n电子邮箱 Email：【待补充】", "：",
    "错误代码", "KMS 主机", "序列号", "部分产品密钥", "产品密钥",
    "请提供激活失败时使用的13位序列号（设备标签上），以便我们查询。",
    "请提供客户端使用的 KMS 主机名和端口（slmgr /dlv 输出中的“KMS 计算机名称”）。",
    "请提供激活时的完整错误代码，以及 slmgr /dlv 的输出截图。",
    "相似的历史案例（供工程师参考，不要发给客户）", "见下方“下一步计划”。",
};

static const Words EN = {
    "[TO FILL: ", "]", "[TO FILL", "Hi ", ",",
    "To confirm our understanding of this problem and the scope of this case:", "Problem definition:", "Scope:",
    "We will help you analyse and resolve the problem defined above.", "Details:", "Analysis:",
    "Next steps:", "Why: ", "Note: ", "What we need from you:",
    "If you disagree with the scope above, please tell us as soon as possible. If you have any other questions, "
    "feel free to contact me at any time.",
    "------------\n[TO FILL: name]\nSupport phone: [TO FILL]\nEmail: [TO FILL]", ": ",
    "Error code", "KMS host", "Serial number", "Partial product key", "Product key",
    "Please send the 13-digit serial number from the device label that failed to activate, so we can look it up.",
    "Please send the KMS host name and port the clients use (\"KMS machine name\" in the slmgr /dlv output).",
    "Please send the full error code shown at activation and the output of slmgr /dlv.",
    "Similar past cases (for the engineer; do not send to the customer)", "see the next steps below.",
};

/* A to-fill marker for WHAT.  Caller frees. */
static char *to_fill(const Words *w, const char *what)
{
    return g_strconcat(w->open, what, w->close, NULL);
}

/* ------------------------------------------------------------------ */
/* Facts of the case                                                    */
/* ------------------------------------------------------------------ */

/* The last message of DOC from a customer, or NULL. */
static JsonObject *last_customer_message(JsonObject *doc)
{
    JsonArray *messages = ck_json_get_array(doc, "messages");
    for (guint i = messages ? json_array_get_length(messages) : 0; i-- > 0;) {
        JsonObject *m = json_array_get_object_element(messages, i);
        if (strcmp(ck_json_str(m, "side"), "customer") == 0)
            return m;
    }
    return NULL;
}

/* NAME without a trailing "(Dell)" / "（Dell）", quotes and spaces; NULL
 * when nothing is left or it is a mail address.  Caller frees. */
static char *clean_name(const char *name)
{
    g_autoptr(GRegex) tail = g_regex_new("\\s*[(（][^()（）]*[)）]\\s*$|[\"'“”]", 0, 0, NULL);
    char *clean = g_regex_replace_literal(tail, name ? name : "", -1, 0, "", 0, NULL);
    g_strstrip(clean);
    if (!clean[0] || strchr(clean, '@'))
        g_clear_pointer(&clean, g_free);
    return clean;
}

/* The name support greeted the customer with in BODY ("X 您好", "Hi X,"),
 * or NULL.  Caller frees. */
static char *greeted_name(const char *body)
{
    g_autoptr(GRegex) re = g_regex_new("^\\s*(?:(?:Hi|Dear|Hello)\\s+([^,，\\n]{1,40}?)\\s*[,，]"
                                       "|([^\\n，,！!：:]{1,40}?)\\s*(?:您好|你好))", G_REGEX_CASELESS, 0, NULL);
    g_autoptr(GMatchInfo) mi = NULL;
    if (!g_regex_match(re, body, 0, &mi))
        return NULL;
    g_autofree char *en = g_match_info_fetch(mi, 1), *zh = g_match_info_fetch(mi, 2);
    return clean_name(en && *en ? en : zh);
}

/* The customer's name: the display name of their last mail, else the name
 * a support mail greeted them with; NULL when the case has neither. */
static char *customer_name(JsonObject *doc)
{
    JsonObject *last = last_customer_message(doc);
    char *name = last ? clean_name(ck_json_str(last, "from")) : NULL;
    JsonArray *messages = ck_json_get_array(doc, "messages");
    for (guint i = 0; !name && messages && i < json_array_get_length(messages); i++) {
        JsonObject *m = json_array_get_object_element(messages, i);
        if (strcmp(ck_json_str(m, "side"), "support") == 0)
            name = greeted_name(ck_json_str(m, "body"));
    }
    return name;
}

/* The greeting line for NAME (NULL: a to-fill marker). */
static char *greeting(const Words *w, const char *name, CkLang lang)
{
    g_autofree char *who = name ? g_strdup(name) : to_fill(w, lang == CK_LANG_ZH ? "客户姓名" : "customer name");
    if (lang == CK_LANG_EN && name && strchr(name, ' ') && g_ascii_isalpha(name[0]))
        who[strcspn(who, " ")] = '\0';
    return g_strconcat(w->greeting_fmt_before, who, w->greeting_after, NULL);
}

/* TEXT without a first line that is only a greeting, clipped to 400
 * characters at a line end where possible.  Caller frees. */
static char *customer_words(const char *text)
{
    const char *start = text;
    const char *nl = strchr(text, '\n');
    if (nl && g_utf8_strlen(text, nl - text) <= 24 && g_regex_match_simple("您好|你好|^\\s*(hi|dear|hello)\\b",
                                                                            text, G_REGEX_CASELESS, 0))
        start = nl + 1;
    while (*start == '\n' || *start == ' ')
        start++;
    if (g_utf8_strlen(start, -1) <= 400)
        return g_strstrip(g_strdup(start));
    const char *cut = g_utf8_offset_to_pointer(start, 400);
    const char *line_end = g_strrstr_len(start, cut - start, "\n");
    return g_strstrip(g_strndup(start, (line_end && line_end > start ? line_end : cut) - start));
}

/* The problem as the case defines it: its definition or problem section,
 * else the customer's own words; NULL when it has none.  Caller frees. */
static char *problem_definition(JsonObject *doc)
{
    JsonObject *sections = ck_json_get_object(doc, "sections");
    const char *names[] = { "definition", "problem" };
    for (gsize i = 0; i < G_N_ELEMENTS(names); i++)
        if (ck_json_str(sections, names[i])[0])
            return g_strstrip(g_strdup(ck_json_str(sections, names[i])));
    JsonObject *last = last_customer_message(doc);
    char *words = last ? customer_words(ck_json_str(last, "body")) : NULL;
    if (words && !words[0])
        g_clear_pointer(&words, g_free);
    return words;
}

/* "label: v1, v2" facts from the entity lists of DOC, appended to FACTS. */
static void add_facts(JsonArray *facts, JsonObject *doc, const Words *w)
{
    const char *lists[][2] = { { "error_codes", w->error_code }, { "hosts", w->host },
                               { "serial_numbers", w->serial }, { "partial_keys", w->partial_key },
                               { "product_keys", w->product_key } };
    JsonObject *entities = ck_json_get_object(doc, "entities");
    for (gsize i = 0; i < G_N_ELEMENTS(lists); i++) {
        JsonArray *values = ck_json_get_array(entities, lists[i][0]);
        if (!values || json_array_get_length(values) == 0)
            continue;
        GString *line = g_string_new(NULL);
        g_string_append_printf(line, "%s%s", lists[i][1], w->sep);
        for (guint k = 0; k < json_array_get_length(values); k++) {
            g_autofree char *masked = ck_mask_product_keys(json_array_get_string_element(values, k));
            g_string_append_printf(line, "%s%s", k ? ", " : "", masked);
        }
        json_array_add_string_element(facts, line->str);
        g_string_free(line, TRUE);
    }
}

/* ------------------------------------------------------------------ */
/* Analysis, steps and requests                                         */
/* ------------------------------------------------------------------ */

/* TEXT with blank lines dropped, every "<name>" of a name TEMPLATE uses
 * replaced by a to-fill marker, and a line that led into the template's
 * step list pointing at the next steps instead.  Caller frees. */
static char *mark_missing(const char *text, const char *template, const Words *w)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    char *message = NULL;
    ck_template_names(template, names, &message);
    g_free(message);
    char *out = g_strdup(text);
    for (guint i = 0; i < names->len; i++) {
        g_autofree char *missing = g_strdup_printf("<%s>", (char *)g_ptr_array_index(names, i));
        g_autofree char *marker = to_fill(w, g_ptr_array_index(names, i));
        g_auto(GStrv) parts = g_strsplit(out, missing, -1);
        g_free(out);
        out = g_strjoinv(marker, parts);
    }
    g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
    GString *kept = g_string_new(NULL);
    for (guint i = 0; lines[i]; i++) {
        if (!g_strstrip(lines[i])[0])
            continue;
        gboolean lead_in = g_str_has_suffix(lines[i], "：") || g_str_has_suffix(lines[i], ":");
        g_string_append_printf(kept, "%s%s%s%s", kept->len ? "\n" : "", lines[i],
                               lead_in && w == &EN ? " " : "", lead_in ? w->see_steps : "");
    }
    g_free(out);
    return g_string_free(kept, FALSE);
}

/* The reply paragraph of CAUSE (an element of the document's causes) in
 * LANG: its rule's template filled with DOC's entities (steps are listed
 * separately, so the template's step list is left empty), or the reply
 * stored with the cause when RULES lack it.  Caller frees. */
static char *cause_reply(JsonObject *cause, JsonObject *doc, const CkRuleSet *rules, CkLang lang, const Words *w)
{
    int c = ck_ruleset_find_cause(rules, ck_json_str(cause, "id"));
    const char *template = c >= 0 ? ck_ruleset_cause_reply(rules, (guint)c, ck_lang_name(lang)) : NULL;
    if (!template)
        return g_strstrip(g_strdup(ck_json_str(ck_json_get_object(cause, "reply"), ck_lang_name(lang))));
    JsonObject *context = json_object_new();
    JsonObject *entities = ck_json_get_object(doc, "entities");
    g_autoptr(GList) members = entities ? json_object_get_members(entities) : NULL;
    for (GList *l = members; l; l = l->next)
        json_object_set_member(context, l->data, json_node_copy(json_object_get_member(entities, l->data)));
    json_object_set_array_member(context, "steps", json_array_new());
    json_object_set_string_member(context, "cause_title", ck_ruleset_cause_title(rules, (guint)c, "zh"));
    json_object_set_string_member(context, "cause_title_en", ck_ruleset_cause_title(rules, (guint)c, "en"));
    g_autofree char *rendered = ck_template_render(template, context);
    json_object_unref(context);
    return mark_missing(rendered, template, w);
}

/* [{"cause", "text"}] for every cause of DOC. */
static JsonArray *analysis_of(JsonObject *doc, const CkRuleSet *rules, CkLang lang, const Words *w)
{
    JsonArray *out = json_array_new();
    JsonArray *causes = ck_json_get_array(doc, "causes");
    for (guint i = 0; causes && i < json_array_get_length(causes); i++) {
        JsonObject *cause = json_array_get_object_element(causes, i);
        g_autofree char *text = cause_reply(cause, doc, rules, lang, w);
        JsonObject *a = json_object_new();
        json_object_set_string_member(a, "cause", ck_json_str(cause, "id"));
        json_object_set_string_member(a, "text", text);
        json_array_add_object_element(out, a);
    }
    return out;
}

/* [{"n", "title", "command", "why", "do_not"}] from DOC's checklist, with
 * checked parameter values in and to-fill markers for the rest. */
static JsonArray *steps_of(JsonObject *doc, CkLang lang, const Words *w)
{
    JsonNode *checklist = ck_checklist_build(doc);
    JsonArray *steps = ck_json_get_array(json_node_get_object(checklist), "steps");
    JsonArray *out = json_array_new();
    gboolean zh = lang == CK_LANG_ZH;
    for (guint i = 0; steps && i < json_array_get_length(steps); i++) {
        JsonObject *step = json_array_get_object_element(steps, i);
        JsonObject *s = json_object_new();
        json_object_set_int_member(s, "n", ck_json_int(step, "n"));
        json_object_set_string_member(s, "title", ck_json_str(step, zh ? "title" : "title_en"));
        g_autofree char *command = ck_checklist_fill_command(step, w->open, w->close);
        json_object_set_string_member(s, "command", command);
        json_object_set_string_member(s, "why", ck_json_str(step, zh ? "why" : "why_en"));
        JsonArray *do_not = ck_json_get_array(step, "do_not");
        json_object_set_array_member(s, "do_not", do_not ? json_array_ref(do_not) : json_array_new());
        json_array_add_object_element(out, s);
    }
    json_node_unref(checklist);
    return out;
}

/* TRUE when DOC reports cause ID. */
static gboolean has_cause(JsonObject *doc, const char *id)
{
    JsonArray *causes = ck_json_get_array(doc, "causes");
    for (guint i = 0; causes && i < json_array_get_length(causes); i++)
        if (strcmp(ck_json_str(json_array_get_object_element(causes, i), "id"), id) == 0)
            return TRUE;
    return FALSE;
}

/* TRUE when entity list TYPE of DOC is empty. */
static gboolean lacks(JsonObject *doc, const char *type)
{
    JsonArray *values = ck_json_get_array(ck_json_get_object(doc, "entities"), type);
    return !values || json_array_get_length(values) == 0;
}

/* The requests of the reply: open support requests of the case, then what
 * the fired causes need and the case lacks (unless an open request already
 * asks for it).  ANALYSIS tells whether an error code was missing. */
static JsonArray *requests_of(JsonObject *doc, JsonArray *analysis, const Words *w)
{
    JsonArray *out = json_array_new();
    g_autoptr(GHashTable) asked = g_hash_table_new(g_str_hash, g_str_equal);
    JsonArray *requests = ck_json_get_array(doc, "requests");
    for (guint i = 0; requests && i < json_array_get_length(requests); i++) {
        JsonObject *r = json_array_get_object_element(requests, i);
        if (strcmp(ck_json_str(r, "from"), "support") != 0 || json_object_get_boolean_member_with_default(r, "answered", FALSE))
            continue;
        json_array_add_string_element(out, ck_json_str(r, "text"));
        g_hash_table_add(asked, (gpointer)ck_json_str(r, "needs"));
    }
    if (has_cause(doc, "activation.serial-invalid") && lacks(doc, "serial_numbers")
        && !g_hash_table_contains(asked, "serial_numbers"))
        json_array_add_string_element(out, w->ask_serial);
    if (has_cause(doc, "activation.kms-unreachable") && lacks(doc, "hosts") && !g_hash_table_contains(asked, "hosts"))
        json_array_add_string_element(out, w->ask_host);
    g_autofree char *code_marker = to_fill(w, "error_code");
    for (guint i = 0; i < json_array_get_length(analysis); i++)
        if (strstr(ck_json_str(json_array_get_object_element(analysis, i), "text"), code_marker)) {
            json_array_add_string_element(out, w->ask_code);
            break;
        }
    return out;
}

/* ------------------------------------------------------------------ */
/* The reply                                                            */
/* ------------------------------------------------------------------ */

/* Append "LABEL\n" and each string of LIST as "PREFIX item\n". */
static void append_list(GString *text, const char *label, JsonArray *list, const char *prefix)
{
    if (json_array_get_length(list) == 0)
        return;
    g_string_append_printf(text, "%s\n", label);
    for (guint i = 0; i < json_array_get_length(list); i++)
        g_string_append_printf(text, "%s%s\n", prefix, json_array_get_string_element(list, i));
}

/* Append the numbered next steps (or a to-fill marker). */
static void append_steps(GString *text, JsonArray *steps, const Words *w)
{
    g_string_append_printf(text, "%s\n", w->next_steps);
    if (json_array_get_length(steps) == 0) {
        g_autofree char *marker = to_fill(w, w == &ZH ? "下一步计划" : "next steps");
        g_string_append_printf(text, "%s\n", marker);
    }
    for (guint i = 0; i < json_array_get_length(steps); i++) {
        JsonObject *s = json_array_get_object_element(steps, i);
        g_string_append_printf(text, "%" G_GINT64_FORMAT ". %s%s%s\n   %s%s\n", ck_json_int(s, "n"),
                               ck_json_str(s, "title"), w->sep, ck_json_str(s, "command"), w->why,
                               ck_json_str(s, "why"));
        JsonArray *do_not = ck_json_get_array(s, "do_not");
        for (guint k = 0; do_not && k < json_array_get_length(do_not); k++)
            g_string_append_printf(text, "   %s%s\n", w->do_not, json_array_get_string_element(do_not, k));
    }
}

/* The whole reply text from the parts in D (the draft object). */
static char *reply_text(JsonObject *d, const Words *w)
{
    GString *text = g_string_new(NULL);
    g_string_append_printf(text, "%s\n%s\n%s\n%s\n%s\n%s\n", ck_json_str(d, "greeting"), w->intro, w->definition,
                           ck_json_str(d, "definition"), w->scope_label, w->scope);
    append_list(text, w->details, ck_json_get_array(d, "facts"), "*  ");
    g_string_append_printf(text, "%s\n", w->analysis);
    JsonArray *analysis = ck_json_get_array(d, "analysis");
    for (guint i = 0; i < json_array_get_length(analysis); i++)
        g_string_append_printf(text, "%s\n", ck_json_str(json_array_get_object_element(analysis, i), "text"));
    if (json_array_get_length(analysis) == 0) {
        g_autofree char *marker = to_fill(w, w == &ZH ? "问题分析" : "analysis");
        g_string_append_printf(text, "%s\n", marker);
    }
    append_steps(text, ck_json_get_array(d, "steps"), w);
    append_list(text, w->requests, ck_json_get_array(d, "requests"), "*  ");
    g_string_append_printf(text, "%s\n%s\n", ck_json_str(d, "closing"), ck_json_str(d, "signature"));
    return g_string_free(text, FALSE);
}

/* Number of to-fill markers in TEXT. */
static gint64 count_markers(const char *text, const Words *w)
{
    gint64 n = 0;
    for (const char *p = text; (p = strstr(p, w->marker)) != NULL; p += strlen(w->marker))
        n++;
    return n;
}

/* See draft.h. */
JsonNode *ck_draft_build(JsonObject *doc, const CkRuleSet *rules, const char *signature, JsonNode *similar)
{
    CkLang lang = ck_case_language(doc);
    const Words *w = lang == CK_LANG_ZH ? &ZH : &EN;
    JsonObject *d = json_object_new();
    json_object_set_string_member(d, "case_id", ck_json_str(doc, "case_id"));
    json_object_set_string_member(d, "language", ck_lang_name(lang));
    g_autofree char *name = customer_name(doc);
    json_object_set_string_member(d, "customer", name ? name : "");
    g_autofree char *hello = greeting(w, name, lang);
    json_object_set_string_member(d, "greeting", hello);
    g_autofree char *definition = problem_definition(doc);
    g_autofree char *no_definition = to_fill(w, lang == CK_LANG_ZH ? "问题定义" : "problem definition");
    json_object_set_string_member(d, "definition", definition ? definition : no_definition);
    JsonArray *facts = json_array_new();
    add_facts(facts, doc, w);
    json_object_set_array_member(d, "facts", facts);
    JsonArray *analysis = analysis_of(doc, rules, lang, w);
    json_object_set_array_member(d, "analysis", analysis);
    json_object_set_array_member(d, "steps", steps_of(doc, lang, w));
    json_object_set_array_member(d, "requests", requests_of(doc, analysis, w));
    json_object_set_string_member(d, "closing", w->closing);
    g_autofree char *sign = signature && *signature ? g_strstrip(g_strdup(signature)) : g_strdup(w->signature);
    json_object_set_string_member(d, "signature", sign);
    g_autofree char *text = reply_text(d, w);
    g_autofree char *masked = ck_mask_product_keys(text);
    json_object_set_int_member(d, "to_fill", count_markers(masked, w));
    json_object_set_string_member(d, "text", masked);
    json_object_set_member(d, "similar", similar ? json_node_copy(similar)
                                                 : json_node_init_array(json_node_alloc(), json_array_new()));
    JsonNode *node = json_node_init_object(json_node_alloc(), d);
    json_object_unref(d);
    return node;
}

/* See draft.h. */
void ck_text_draft(FILE *out, JsonNode *draft)
{
    JsonObject *d = json_node_get_object(draft);
    fputs(ck_json_str(d, "text"), out);
    JsonArray *similar = ck_json_get_array(d, "similar");
    if (!similar || json_array_get_length(similar) == 0)
        return;
    const Words *w = strcmp(ck_json_str(d, "language"), "zh") == 0 ? &ZH : &EN;
    fprintf(out, "\n==== %s ====\n", w->similar);
    for (guint i = 0; i < json_array_get_length(similar); i++) {
        JsonObject *r = json_array_get_object_element(similar, i);
        g_autofree char *resolution = g_strdup(ck_json_str(r, "resolution"));
        g_strdelimit(resolution, "\r\n\t", ' ');
        fprintf(out, "%s [%s] %.3f %s\n    %s\n", ck_json_str(r, "case_id"), ck_json_str(r, "status"),
                json_object_get_double_member_with_default(r, "score", 0), ck_json_str(r, "title"),
                resolution[0] ? resolution : "-");
    }
}

/* See draft.h. */
JsonNode *ck_draft_source(CkStore *store, const CkRuleSet *rules, const char *arg, gint64 *case_rowid,
                          GError **error)
{
    *case_rowid = 0;
    if (g_file_test(arg, G_FILE_TEST_IS_REGULAR))
        return ck_mail_document(rules, arg, error);
    if (!ck_store_resolve_case(store, arg, case_rowid, error))
        return NULL;
    if (*case_rowid == 0) {
        g_set_error(error, CK_DRAFT_ERROR, CK_DRAFT_ERROR_NOT_FOUND, "'%s' is neither a mail file nor a case,"
                    " alias or Message-ID in %s", arg, ck_store_path(store));
        return NULL;
    }
    JsonNode *doc = ck_store_case_document(store, *case_rowid, error);
    if (doc)
        ck_json_mask_product_keys(doc);
    return doc;
}
