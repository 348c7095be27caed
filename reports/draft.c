/* draft.c — the next reply to a case or to a new mail, chosen by the
 * thread's state and built from what the thread says (see draft.h). */
#include "reports/draft.h"
#include "reports/checklist.h"
#include "reports/output.h"
#include "reports/privacy.h"
#include "ingest/parse.h"
#include "analyzer/template.h"
#include "analyzer/rules.h"

#include <opencc.h>
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
    const char *greeting_before, *greeting_after, *sep, *join, *join_soft;
    /* first response and scope */
    const char *intro_customer, *intro_case, *definition, *scope_label, *scope, *details, *analysis;
    const char *next_steps, *why, *do_not, *master_image, *requests, *closing_first;
    /* later replies */
    const char *thanks_reply, *received, *still_need, *closing_ask;
    const char *progress, *remaining, *for_remaining, *closing_partial;
    const char *you_wrote, *your_questions, *answer, *closing_follow_up;
    /* closing summary */
    const char *closing_thanks, *summary_problem, *summary_analysis, *summary_conclusion, *summary_rule;
    const char *signature;
    const char *ask_serial, *ask_host, *ask_code;
    const char *similar, *sources, *see_steps, *mail, *side_customer, *side_support, *none_hint;
    /* names inside to-fill markers */
    const char *fill_customer, *fill_definition, *fill_analysis, *fill_steps, *fill_answer, *fill_progress;
    const char *fill_remaining, *fill_problem, *fill_conclusion, *fill_request;
} Words;

static const Words ZH = {
    .open = "【待补充：", .close = "】", .marker = "【待补充", .greeting_before = "", .greeting_after = " 您好！",
    .sep = "：", .join = "", .join_soft = "；",
    .intro_customer = "感谢您的来信。根据您的描述，我谨在此阐述我们对这个问题的理解和范围界定：",
    .intro_case = "根据目前的沟通，我谨在此阐述我们对这个问题的理解和范围界定：",
    .definition = "问题定义:", .scope_label = "问题范围:",
    .scope = "我们将协助您分析处理上述问题，并对定义的问题给予最大的技术支持。", .details = "问题详情：",
    .analysis = "问题分析:", .next_steps = "下一步计划:", .why = "原因：", .do_not = "注意：",
    .master_image = "（在母盘上执行，不要在终端上执行）", .requests = "需要您提供的信息:",
    .closing_first = "如果您对以上的问题范围界定有任何异议，请尽快告知。如果您有其他任何疑问，也欢迎随时与我联系。",
    .thanks_reply = "感谢您的回复。", .received = "已收到您提供的以下信息：",
    .still_need = "为了继续分析，还需要您提供以下信息：",
    .closing_ask = "收到以上信息后，我们会尽快分析并给您答复。如果您有其他任何疑问，也欢迎随时与我联系。",
    .progress = "感谢您的反馈，很高兴看到处理已有进展：", .remaining = "目前仍需处理的部分：",
    .for_remaining = "针对剩余的部分，建议按以下步骤处理（之前已经执行过的步骤无需重复）：",
    .closing_partial = "处理后请把结果告诉我们。如果您有其他任何疑问，也欢迎随时与我联系。",
    .you_wrote = "您在邮件中提到：", .your_questions = "关于您的问题：", .answer = "答复：",
    .closing_follow_up = "如果您有其他任何疑问，也欢迎随时与我联系。",
    .closing_thanks = "非常感谢您的反馈，接下来我会将此事件做一个归档处理。非常感谢您在案子中付出的时间与帮助。\n"
                      "结案后，如果您有关于这个案例的任何相关问题，您都可以随时发邮件给我，我将尽快和您联系。\n以下为案例总结：",
    .summary_problem = "问题描述：", .summary_analysis = "问题分析：", .summary_conclusion = "问题结论：",
    .summary_rule = "==========================",
    .signature = "------------\n【待补充：姓名】\n服务支持电话：【待补充】\n电子邮箱 Email：【待补充】",
    .ask_serial = "请提供激活失败时使用的13位序列号（设备标签上），以便我们查询。",
    .ask_host = "请提供客户端使用的 KMS 主机名和端口（slmgr /dlv 输出中的“KMS 计算机名称”）。",
    .ask_code = "请提供激活时的完整错误代码，以及 slmgr /dlv 的输出截图。",
    .similar = "相似的历史案例（供工程师参考，不要发给客户）", .sources = "依据（供工程师核对，不要发给客户）",
    .see_steps = "见下方“下一步计划”。", .mail = "邮件", .side_customer = "客户", .side_support = "支持",
    .none_hint = "没有需要起草的回复；如仍需起草，请用 --kind first|ask|partial|closing|follow-up 指定类型。",
    .fill_customer = "客户姓名", .fill_definition = "问题定义", .fill_analysis = "问题分析", .fill_steps = "下一步计划",
    .fill_answer = "答复", .fill_progress = "已解决的部分", .fill_remaining = "针对剩余部分的处理建议",
    .fill_problem = "问题描述", .fill_conclusion = "问题结论", .fill_request = "需要客户提供的信息",
};

static const Words EN = {
    .open = "[TO FILL: ", .close = "]", .marker = "[TO FILL", .greeting_before = "Hi ", .greeting_after = ",",
    .sep = ": ", .join = " ", .join_soft = "; ",
    .intro_customer = "Thank you for your mail. From your description, this is our understanding of the problem and "
                      "the scope of this case:",
    .intro_case = "To confirm our understanding of this problem and the scope of this case:",
    .definition = "Problem definition:", .scope_label = "Scope:",
    .scope = "We will help you analyse and resolve the problem defined above.", .details = "Details:",
    .analysis = "Analysis:", .next_steps = "Next steps:", .why = "Why: ", .do_not = "Note: ",
    .master_image = " (on the master image, not on the terminals)", .requests = "What we need from you:",
    .closing_first = "If you disagree with the scope above, please tell us as soon as possible. If you have any other "
                     "questions, feel free to contact me at any time.",
    .thanks_reply = "Thank you for your reply.", .received = "We have received the following from you:",
    .still_need = "To continue the analysis, we still need:",
    .closing_ask = "Once we have this, we will analyse it and get back to you. If you have any other questions, feel "
                   "free to contact me at any time.",
    .progress = "Thank you for the update; good to see progress:", .remaining = "What still needs work:",
    .for_remaining = "For what remains, please follow these steps (no need to repeat the steps already done):",
    .closing_partial = "Please let us know the result. If you have any other questions, feel free to contact me at "
                       "any time.",
    .you_wrote = "You wrote:", .your_questions = "About your questions:", .answer = "Answer: ",
    .closing_follow_up = "If you have any other questions, feel free to contact me at any time.",
    .closing_thanks = "Thank you for your feedback; I will now archive this case. Many thanks for your time and help.\n"
                      "If you have any question about this case after it is closed, feel free to mail me at any time.\n"
                      "Case summary:",
    .summary_problem = "Problem description:", .summary_analysis = "Analysis:", .summary_conclusion = "Conclusion:",
    .summary_rule = "==========================",
    .signature = "------------\n[TO FILL: name]\nSupport phone: [TO FILL]\nEmail: [TO FILL]",
    .ask_serial = "Please send the 13-digit serial number from the device label that failed to activate, so we can "
                  "look it up.",
    .ask_host = "Please send the KMS host name and port the clients use (\"KMS machine name\" in the slmgr /dlv output).",
    .ask_code = "Please send the full error code shown at activation and the output of slmgr /dlv.",
    .similar = "Similar past cases (for the engineer; do not send to the customer)",
    .sources = "Sources (for the engineer; do not send to the customer)", .see_steps = "see the next steps below.",
    .mail = "mail ", .side_customer = "customer", .side_support = "support",
    .none_hint = "Nothing to draft; to draft anyway, choose a kind with --kind first|ask|partial|closing|follow-up.",
    .fill_customer = "customer name", .fill_definition = "problem definition", .fill_analysis = "analysis",
    .fill_steps = "next steps", .fill_answer = "answer", .fill_progress = "what works now",
    .fill_remaining = "advice for what remains", .fill_problem = "problem description",
    .fill_conclusion = "conclusion", .fill_request = "information needed from the customer",
};

/* A to-fill marker for WHAT.  Caller frees. */
static char *to_fill(const Words *w, const char *what)
{
    return g_strconcat(w->open, what, w->close, NULL);
}

/* ------------------------------------------------------------------ */
/* Traditional Chinese                                                  */
/* ------------------------------------------------------------------ */

typedef struct {
    opencc_t t2s, s2tw;
} Converters;

/* Open OpenCC config NAME (bare, then under /usr/share/opencc); NULL
 * when neither loads. */
static opencc_t open_converter(const char *name)
{
    opencc_t cc = opencc_open(name);
    if (cc == (opencc_t)-1) {
        g_autofree char *path = g_build_filename("/usr/share/opencc", name, NULL);
        cc = opencc_open(path);
    }
    return cc == (opencc_t)-1 ? NULL : cc;
}

/* The converters, loaded once (NULL members when OpenCC's data is absent). */
static gpointer load_converters(gpointer unused)
{
    static Converters cc;
    cc.t2s = open_converter("t2s.json");
    cc.s2tw = open_converter("s2tw.json");
    return &cc;
}

/* TEXT through converter CC; a copy of TEXT when CC is NULL or fails.
 * Caller frees. */
static char *convert(opencc_t cc, const char *text)
{
    char *out = cc ? opencc_convert_utf8(cc, text, strlen(text)) : NULL;
    char *copy = g_strdup(out && g_utf8_validate(out, -1, NULL) ? out : text);
    if (out)
        opencc_convert_utf8_free(out);
    return copy;
}

/* The OpenCC converters (never NULL; members may be). */
static const Converters *converters(void)
{
    static GOnce once = G_ONCE_INIT;
    return g_once(&once, load_converters, NULL);
}

/* TRUE when TEXT is written in Traditional characters: converting it to
 * Simplified changes at least 2 Han characters and 3% of them. */
static gboolean is_traditional(const char *text)
{
    g_autofree char *simple = convert(converters()->t2s, text);
    guint han = 0, changed = 0;
    const char *a = text, *b = simple;
    for (; *a && *b; a = g_utf8_next_char(a), b = g_utf8_next_char(b)) {
        gunichar c = g_utf8_get_char(a);
        if (g_unichar_get_script(c) != G_UNICODE_SCRIPT_HAN)
            continue;
        han++;
        changed += c != g_utf8_get_char(b);
    }
    return changed >= 2 && changed * 100 >= han * 3;
}

/* TRUE when DOC's customer mails (else all its mails) are Traditional. */
static gboolean case_is_traditional(JsonObject *doc)
{
    JsonArray *messages = ck_json_get_array(doc, "messages");
    GString *customer = g_string_new(NULL), *all = g_string_new(NULL);
    for (guint i = 0; messages && i < json_array_get_length(messages); i++) {
        JsonObject *m = json_array_get_object_element(messages, i);
        if (strcmp(ck_json_str(m, "side"), "customer") == 0)
            g_string_append(customer, ck_json_str(m, "body"));
        g_string_append(all, ck_json_str(m, "body"));
    }
    gboolean trad = is_traditional(customer->len ? customer->str : all->str);
    g_string_free(customer, TRUE);
    g_string_free(all, TRUE);
    return trad;
}

/* ------------------------------------------------------------------ */
/* The reply being written                                              */
/* ------------------------------------------------------------------ */

typedef struct {
    JsonObject *doc;
    const CkRuleSet *rules;
    const Words *w;
    CkLang lang;
    gboolean hant;          /* write the reply's own words in Traditional */
    guint new_from;         /* 1-based index of the customer's newest mails; 0 none */
    GString *text;
    JsonArray *facts, *analysis, *steps, *requests;
} Reply;

/* Append the reply's own words S (in Traditional when R->hant). */
static void say(Reply *r, const char *s)
{
    if (!r->hant) {
        g_string_append(r->text, s);
        return;
    }
    g_autofree char *t = convert(converters()->s2tw, s);
    g_string_append(r->text, t);
}

/* say() S and a line end. */
static void say_line(Reply *r, const char *s)
{
    say(r, s);
    g_string_append_c(r->text, '\n');
}

/* A line with a to-fill marker for WHAT. */
static void say_fill(Reply *r, const char *what)
{
    g_autofree char *marker = to_fill(r->w, what);
    say_line(r, marker);
}

/* Append SAID's text as written and list it in the facts as USE. */
static void quote(Reply *r, const CkSaid *said, const char *use)
{
    g_string_append(r->text, said->text);
    for (guint i = 0; i < json_array_get_length(r->facts); i++) {
        JsonObject *f = json_array_get_object_element(r->facts, i);
        if ((guint)ck_json_int(f, "message_index") == said->message && strcmp(ck_json_str(f, "text"), said->text) == 0)
            return;
    }
    JsonObject *f = json_object_new();
    json_object_set_string_member(f, "text", said->text);
    json_object_set_int_member(f, "message_index", said->message);
    json_object_set_string_member(f, "side", said->side);
    json_object_set_string_member(f, "use", use);
    json_array_add_object_element(r->facts, f);
}

/* Each of SAID quoted on its own line after PREFIX (say()'d); returns
 * how many. */
static guint quote_items(Reply *r, GPtrArray *said, const char *prefix, const char *use)
{
    for (guint i = 0; i < said->len; i++) {
        say(r, prefix);
        quote(r, g_ptr_array_index(said, i), use);
        g_string_append_c(r->text, '\n');
    }
    return said->len;
}

/* SAID quoted as one paragraph (sentences joined as the language joins
 * them, with a semicolon after a list item that has no full stop), or a
 * to-fill line for FILL when SAID is empty. */
static void quote_paragraph(Reply *r, GPtrArray *said, const char *use, const char *fill)
{
    if (said->len == 0) {
        say_fill(r, fill);
        return;
    }
    for (guint i = 0; i < said->len; i++) {
        if (i) {
            const char *prev = ((CkSaid *)g_ptr_array_index(said, i - 1))->text;
            gunichar last = g_utf8_get_char(g_utf8_find_prev_char(prev, prev + strlen(prev)));
            gboolean ended = g_utf8_strchr("。！？；，、：.!?;,:”」\"", -1, last) != NULL;
            g_string_append(r->text, ended ? r->w->join : r->w->join_soft);
        }
        quote(r, g_ptr_array_index(said, i), use);
    }
    g_string_append_c(r->text, '\n');
}

/* ------------------------------------------------------------------ */
/* What the thread says                                                 */
/* ------------------------------------------------------------------ */

/* The message of DOC with 1-based INDEX, or NULL. */
static JsonObject *message_at(JsonObject *doc, guint index)
{
    JsonArray *messages = ck_json_get_array(doc, "messages");
    if (!messages || index == 0 || index > json_array_get_length(messages))
        return NULL;
    return json_array_get_object_element(messages, index - 1);
}

/* TRUE when message INDEX of DOC is from the customer. */
static gboolean from_customer(JsonObject *doc, guint index)
{
    JsonObject *m = message_at(doc, index);
    return m && strcmp(ck_json_str(m, "side"), "customer") == 0;
}

/* What the customer's mails from FROM (1-based) on say, when FROM is not
 * 0: sentences with any of the CK_SAID_* flags in ANY (0: every one) and
 * none of those in NOT, at most MAX.  Caller unrefs. */
static GPtrArray *customer_said(JsonObject *doc, guint from, guint any, guint not, guint max)
{
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)ck_said_free);
    JsonArray *messages = ck_json_get_array(doc, "messages");
    guint n = messages ? json_array_get_length(messages) : 0;
    for (guint i = from ? from - 1 : n; i < n && out->len < max; i++) {
        if (!from_customer(doc, i + 1))
            continue;
        g_autoptr(GPtrArray) said = ck_message_said(json_array_get_object_element(messages, i));
        for (guint k = 0; k < said->len && out->len < max; k++) {
            CkSaid *s = g_ptr_array_index(said, k);
            if ((any == 0 || (s->flags & any)) && !(s->flags & not))
                g_ptr_array_add(out, g_ptr_array_steal_index(said, k--));
        }
    }
    return out;
}

/* TRUE when SAID (of its message) holds NEEDLE, white space aside. */
static gboolean said_holds(const CkSaid *said, const char *needle)
{
    g_autofree char *hay = ck_space_normalise(said->text), *pin = ck_space_normalise(needle);
    return pin[0] && strstr(hay, pin) != NULL;
}

/* TRUE when SAID holds an entity DOC found in its message (phones and
 * mail addresses aside) or a piece of evidence of one of DOC's causes. */
static gboolean said_is_detail(JsonObject *doc, const CkSaid *said)
{
    JsonArray *spans = ck_json_get_array(doc, "entity_spans");
    for (guint i = 0; spans && i < json_array_get_length(spans); i++) {
        JsonObject *s = json_array_get_object_element(spans, i);
        const char *type = ck_json_str(s, "type");
        if ((guint)ck_json_int(s, "message") == said->message && strcmp(type, "phones") != 0
            && strcmp(type, "emails") != 0 && said_holds(said, ck_json_str(s, "text")))
            return TRUE;
    }
    JsonArray *causes = ck_json_get_array(doc, "causes");
    for (guint c = 0; causes && c < json_array_get_length(causes); c++) {
        JsonArray *evidence = ck_json_get_array(json_array_get_object_element(causes, c), "evidence");
        for (guint i = 0; evidence && i < json_array_get_length(evidence); i++) {
            JsonObject *e = json_array_get_object_element(evidence, i);
            if ((guint)ck_json_int(e, "message") == said->message && said_holds(said, ck_json_str(e, "text")))
                return TRUE;
        }
    }
    return FALSE;
}

/* The case's section KEY (definition, problem) as said by the message
 * whose new text holds it; NULL when absent or not found verbatim. */
static CkSaid *section_said(JsonObject *doc, const char *key)
{
    const char *section = ck_json_str(ck_json_get_object(doc, "sections"), key);
    if (!section[0])
        return NULL;
    JsonArray *messages = ck_json_get_array(doc, "messages");
    g_autofree char *pin = ck_space_normalise(section);
    for (guint i = 0; messages && i < json_array_get_length(messages); i++) {
        JsonObject *m = json_array_get_object_element(messages, i);
        g_autofree char *body = ck_space_normalise(ck_json_str(m, "body"));
        if (!strstr(body, pin))
            continue;
        CkSaid *said = g_new0(CkSaid, 1);
        said->text = g_strstrip(g_strdup(section));
        said->message = (guint)ck_json_int(m, "index");
        said->side = strcmp(ck_json_str(m, "side"), "support") == 0 ? "support" : "customer";
        return said;
    }
    return NULL;
}

/* The problem as the case's own definition or problem section states it,
 * appended to OUT (nothing when it has neither). */
static void case_definition(JsonObject *doc, GPtrArray *out)
{
    CkSaid *said = section_said(doc, "definition");
    if (!said)
        said = section_said(doc, "problem");
    if (said)
        g_ptr_array_add(out, said);
}

/* The customer's first sentences (up to 5, about 300 characters) of
 * their first mail and those that follow it before support writes: their
 * own description.  Caller unrefs. */
static GPtrArray *customer_description(JsonObject *doc)
{
    JsonObject *first = NULL;
    JsonArray *messages = ck_json_get_array(doc, "messages");
    for (guint i = 0; messages && i < json_array_get_length(messages) && !first; i++)
        if (from_customer(doc, i + 1))
            first = json_array_get_object_element(messages, i);
    GPtrArray *all = customer_said(doc, first ? (guint)ck_json_int(first, "index") : 0, 0, CK_SAID_QUESTION, G_MAXUINT);
    guint keep = 0, chars = 0;
    while (keep < all->len && keep < 5 && chars < 300) {
        CkSaid *s = g_ptr_array_index(all, keep);
        if (keep && s->message != ((CkSaid *)g_ptr_array_index(all, keep - 1))->message
            && !from_customer(doc, s->message - 1))
            break;
        chars += g_utf8_strlen(s->text, -1);
        keep++;
    }
    g_ptr_array_set_size(all, keep);
    return all;
}

/* What support's last mail before mail BEFORE (1-based; 0: the end)
 * said about the cause: its opening sentence, then those that hold an
 * entity or evidence of a cause (at most MAX in all); closing formulas
 * left out.  Caller unrefs. */
static GPtrArray *support_analysis(JsonObject *doc, guint before, guint max)
{
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)ck_said_free);
    JsonArray *messages = ck_json_get_array(doc, "messages");
    guint n = messages ? json_array_get_length(messages) : 0;
    JsonObject *last = NULL;
    for (guint i = 0; i < n && (before == 0 || i + 1 < before); i++)
        if (!from_customer(doc, i + 1))
            last = json_array_get_object_element(messages, i);
    g_autoptr(GPtrArray) said = last ? ck_message_said(last) : g_ptr_array_new();
    for (guint k = 0; k < said->len; k++)
        if (((CkSaid *)g_ptr_array_index(said, k))->flags & CK_SAID_CLOSES)
            g_ptr_array_remove_index(said, k--);
    if (said->len)
        g_ptr_array_add(out, g_ptr_array_steal_index(said, 0));
    for (guint k = 0; k < said->len && out->len < max; k++)
        if (said_is_detail(doc, g_ptr_array_index(said, k)))
            g_ptr_array_add(out, g_ptr_array_steal_index(said, k--));
    return out;
}

/* ------------------------------------------------------------------ */
/* The customer's name                                                  */
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

/* The greeting line for NAME (NULL: a to-fill marker).  Caller frees. */
static char *greeting(const Words *w, const char *name, CkLang lang)
{
    g_autofree char *who = name ? g_strdup(name) : to_fill(w, w->fill_customer);
    if (lang == CK_LANG_EN && name && strchr(name, ' ') && g_ascii_isalpha(name[0]))
        who[strcspn(who, " ")] = '\0';
    return g_strconcat(w->greeting_before, who, w->greeting_after, NULL);
}

/* ------------------------------------------------------------------ */
/* Causes, steps and requests                                           */
/* ------------------------------------------------------------------ */

/* The causes of DOC (objects, borrowed) that a customer mail from FROM
 * (1-based) on gives evidence of, best first.  Caller unrefs. */
static GPtrArray *customer_causes(JsonObject *doc, guint from)
{
    GPtrArray *out = g_ptr_array_new();
    JsonArray *causes = ck_json_get_array(doc, "causes");
    for (guint c = 0; from && causes && c < json_array_get_length(causes); c++) {
        JsonObject *cause = json_array_get_object_element(causes, c);
        JsonArray *evidence = ck_json_get_array(cause, "evidence");
        gboolean found = FALSE;
        for (guint i = 0; evidence && i < json_array_get_length(evidence) && !found; i++) {
            guint m = (guint)ck_json_int(json_array_get_object_element(evidence, i), "message");
            found = m >= from && from_customer(doc, m);
        }
        if (found)
            g_ptr_array_add(out, cause);
    }
    return out;
}

/* The entities the customer's mails from FROM on hold, {type: [values]}
 * (DOC's own entities when it lists no spans).  Caller unrefs. */
static JsonObject *customer_entities(JsonObject *doc, guint from)
{
    JsonArray *spans = ck_json_get_array(doc, "entity_spans");
    JsonObject *out = json_object_new();
    if (!spans) {
        JsonObject *entities = ck_json_get_object(doc, "entities");
        g_autoptr(GList) members = entities ? json_object_get_members(entities) : NULL;
        for (GList *l = members; l; l = l->next)
            json_object_set_member(out, l->data, json_node_copy(json_object_get_member(entities, l->data)));
        return out;
    }
    for (guint i = 0; i < json_array_get_length(spans); i++) {
        JsonObject *s = json_array_get_object_element(spans, i);
        guint m = (guint)ck_json_int(s, "message");
        if (m < from || !from_customer(doc, m))
            continue;
        const char *type = ck_json_str(s, "type"), *value = ck_json_str(s, "value");
        if (!json_object_has_member(out, type))
            json_object_set_array_member(out, type, json_array_new());
        JsonArray *values = json_object_get_array_member(out, type);
        gboolean seen = FALSE;
        for (guint k = 0; k < json_array_get_length(values) && !seen; k++)
            seen = strcmp(json_array_get_string_element(values, k), value) == 0;
        if (!seen)
            json_array_add_string_element(values, value);
    }
    return out;
}

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

/* The reply paragraph of CAUSE in the reply's language: its rule's
 * template filled with ENTITIES (steps are listed separately, so the
 * template's step list is left empty), or the reply stored with the cause
 * when the rules lack it.  Caller frees. */
static char *cause_reply(const Reply *r, JsonObject *cause, JsonObject *entities)
{
    int c = ck_ruleset_find_cause(r->rules, ck_json_str(cause, "id"));
    const char *lang = ck_lang_name(r->lang);
    const char *template = c >= 0 ? ck_ruleset_cause_reply(r->rules, (guint)c, lang) : NULL;
    if (!template)
        return g_strstrip(g_strdup(ck_json_str(ck_json_get_object(cause, "reply"), lang)));
    JsonObject *context = json_object_new();
    g_autoptr(GList) members = json_object_get_members(entities);
    for (GList *l = members; l; l = l->next)
        json_object_set_member(context, l->data, json_node_copy(json_object_get_member(entities, l->data)));
    json_object_set_array_member(context, "steps", json_array_new());
    json_object_set_string_member(context, "cause_title", ck_ruleset_cause_title(r->rules, (guint)c, "zh"));
    json_object_set_string_member(context, "cause_title_en", ck_ruleset_cause_title(r->rules, (guint)c, "en"));
    g_autofree char *rendered = ck_template_render(template, context);
    json_object_unref(context);
    return mark_missing(rendered, template, r->w);
}

/* Fill R->analysis with the reply paragraphs of the causes the customer's
 * mails from FROM on give evidence of; returns how many. */
static guint analyse(Reply *r, guint from)
{
    g_autoptr(GPtrArray) causes = customer_causes(r->doc, from);
    JsonObject *entities = customer_entities(r->doc, from);
    for (guint i = 0; i < causes->len; i++) {
        JsonObject *cause = g_ptr_array_index(causes, i);
        g_autofree char *text = cause_reply(r, cause, entities);
        JsonObject *a = json_object_new();
        json_object_set_string_member(a, "cause", ck_json_str(cause, "id"));
        json_object_set_string_member(a, "text", text);
        json_array_add_object_element(r->analysis, a);
    }
    json_object_unref(entities);
    return causes->len;
}

/* "program /option" of COMMAND, lower-cased: how steps and the thread's
 * commands are compared.  Caller frees. */
static char *command_key(const char *command)
{
    g_auto(GStrv) words = g_strsplit_set(command, " \t", 3);
    g_autofree char *key = g_strjoin(" ", words[0] ? words[0] : "", words[0] && words[1] ? words[1] : "", NULL);
    return g_ascii_strdown(g_strstrip(key), -1);
}

/* TRUE when the thread already names a command like STEP's. */
static gboolean thread_has_command(JsonObject *doc, JsonObject *step)
{
    g_autofree char *key = command_key(ck_json_str(step, "command"));
    JsonArray *commands = ck_json_get_array(ck_json_get_object(doc, "entities"), "commands");
    for (guint i = 0; key[0] && commands && i < json_array_get_length(commands); i++) {
        g_autofree char *other = command_key(json_array_get_string_element(commands, i));
        if (strcmp(key, other) == 0)
            return TRUE;
    }
    return FALSE;
}

/* TRUE when CAUSES (objects) hold the cause with ID. */
static gboolean causes_hold(GPtrArray *causes, const char *id)
{
    for (guint i = 0; i < causes->len; i++)
        if (strcmp(ck_json_str(g_ptr_array_index(causes, i), "id"), id) == 0)
            return TRUE;
    return FALSE;
}

/* One checklist STEP as the draft lists it, numbered N. */
static JsonObject *draft_step(const Reply *r, JsonObject *step, gint64 n)
{
    gboolean zh = r->lang == CK_LANG_ZH;
    JsonObject *s = json_object_new();
    json_object_set_int_member(s, "n", n);
    json_object_set_string_member(s, "title", ck_json_str(step, zh ? "title" : "title_en"));
    g_autofree char *command = ck_checklist_fill_command(step, r->w->open, r->w->close);
    json_object_set_string_member(s, "command", command);
    json_object_set_string_member(s, "why", ck_json_str(step, zh ? "why" : "why_en"));
    json_object_set_string_member(s, "scope", ck_json_str(step, "scope")[0] ? ck_json_str(step, "scope") : "terminal");
    JsonArray *do_not = ck_json_get_array(step, "do_not");
    json_object_set_array_member(s, "do_not", do_not ? json_array_ref(do_not) : json_array_new());
    return s;
}

/* Fill R->steps from the case's checklist: the steps of CAUSES (NULL:
 * every cause), without those whose command the thread already names
 * when NEW_ONLY.  Returns how many. */
static guint plan_steps(Reply *r, GPtrArray *causes, gboolean new_only)
{
    JsonNode *checklist = ck_checklist_build(r->doc);
    JsonArray *steps = ck_json_get_array(json_node_get_object(checklist), "steps");
    for (guint i = 0; steps && i < json_array_get_length(steps); i++) {
        JsonObject *step = json_array_get_object_element(steps, i);
        if ((causes && !causes_hold(causes, ck_json_str(step, "cause"))) || (new_only && thread_has_command(r->doc, step)))
            continue;
        json_array_add_object_element(r->steps, draft_step(r, step, json_array_get_length(r->steps) + 1));
    }
    json_node_unref(checklist);
    return json_array_get_length(r->steps);
}

/* TRUE when string array A holds S. */
static gboolean array_holds(JsonArray *a, const char *s)
{
    for (guint i = 0; i < json_array_get_length(a); i++)
        if (strcmp(json_array_get_string_element(a, i), s) == 0)
            return TRUE;
    return FALSE;
}

/* Add to R->requests what the causes need and the case lacks (unless
 * ASKED, entity types a quoted request asks for, holds it), and the error
 * code when an analysis paragraph had to leave it to fill. */
static void request_missing(Reply *r, GPtrArray *asked)
{
    g_autoptr(GPtrArray) missing = g_ptr_array_new();
    ck_thread_missing_values(r->doc, missing);
    for (guint i = 0; i < missing->len; i++) {
        const char *type = g_ptr_array_index(missing, i);
        gboolean dup = FALSE;
        for (guint k = 0; asked && k < asked->len && !dup; k++)
            dup = strcmp(g_ptr_array_index(asked, k), type) == 0;
        const char *ask = strcmp(type, "serial_numbers") == 0 ? r->w->ask_serial : r->w->ask_host;
        if (!dup && !array_holds(r->requests, ask))
            json_array_add_string_element(r->requests, ask);
    }
    g_autofree char *code_marker = to_fill(r->w, "error_code");
    for (guint i = 0; i < json_array_get_length(r->analysis); i++)
        if (strstr(ck_json_str(json_array_get_object_element(r->analysis, i), "text"), code_marker)) {
            json_array_add_string_element(r->requests, r->w->ask_code);
            break;
        }
}

/* ------------------------------------------------------------------ */
/* Blocks of the reply                                                  */
/* ------------------------------------------------------------------ */

/* The analysis paragraphs, or a to-fill line when there are none and
 * FILL_WHEN_EMPTY. */
static void write_analysis(Reply *r, gboolean fill_when_empty)
{
    for (guint i = 0; i < json_array_get_length(r->analysis); i++)
        say_line(r, ck_json_str(json_array_get_object_element(r->analysis, i), "text"));
    if (json_array_get_length(r->analysis) == 0 && fill_when_empty)
        say_fill(r, r->w->fill_analysis);
}

/* The numbered steps under LABEL, or a to-fill line for FILL when there
 * are none. */
static void write_steps(Reply *r, const char *label, const char *fill)
{
    const Words *w = r->w;
    say_line(r, label);
    if (json_array_get_length(r->steps) == 0)
        say_fill(r, fill);
    for (guint i = 0; i < json_array_get_length(r->steps); i++) {
        JsonObject *s = json_array_get_object_element(r->steps, i);
        g_autofree char *head = g_strdup_printf("%" G_GINT64_FORMAT ". %s%s", ck_json_int(s, "n"),
                                                ck_json_str(s, "title"),
                                                strcmp(ck_json_str(s, "scope"), "master-image") == 0 ? w->master_image : "");
        say(r, head);
        if (ck_json_str(s, "command")[0]) {
            say(r, w->sep);
            g_string_append(r->text, ck_json_str(s, "command"));
        }
        g_autofree char *why = g_strdup_printf("\n   %s%s\n", w->why, ck_json_str(s, "why"));
        say(r, why);
        JsonArray *do_not = ck_json_get_array(s, "do_not");
        for (guint k = 0; do_not && k < json_array_get_length(do_not); k++) {
            g_autofree char *line = g_strdup_printf("   %s%s\n", w->do_not, json_array_get_string_element(do_not, k));
            say(r, line);
        }
    }
}

/* The requests under the requests label (nothing when there are none). */
static void write_requests(Reply *r)
{
    if (json_array_get_length(r->requests) == 0)
        return;
    say_line(r, r->w->requests);
    for (guint i = 0; i < json_array_get_length(r->requests); i++) {
        say(r, "*  ");
        say_line(r, json_array_get_string_element(r->requests, i));
    }
}

/* The customer's questions in their newest mails, each quoted with a
 * line for the engineer's answer; returns how many. */
static guint write_questions(Reply *r)
{
    g_autoptr(GPtrArray) questions = customer_said(r->doc, r->new_from, CK_SAID_QUESTION, 0, 8);
    if (questions->len == 0)
        return 0;
    say_line(r, r->w->your_questions);
    g_autofree char *answer = to_fill(r->w, r->w->fill_answer);
    g_autofree char *answer_line = g_strdup_printf("\n   %s%s\n", r->w->answer, answer);
    for (guint i = 0; i < questions->len; i++) {
        g_autofree char *n = g_strdup_printf("%u. ", i + 1);
        say(r, n);
        quote(r, g_ptr_array_index(questions, i), "question");
        say(r, answer_line);
    }
    return questions->len;
}

/* The closing line CLOSING and SIGNATURE as written (NULL: the
 * placeholder block, in the reply's script). */
static void write_end(Reply *r, const char *closing, const char *signature)
{
    if (closing)
        say_line(r, closing);
    if (signature)
        g_string_append_printf(r->text, "%s\n", signature);
    else
        say_line(r, r->w->signature);
}

/* ------------------------------------------------------------------ */
/* The kinds of reply                                                   */
/* ------------------------------------------------------------------ */

/* First response and scope: the customer's description as the problem
 * definition, the details they gave, the analysis of the causes their
 * mail shows, the checklist's steps and what is missing. */
static void write_first(Reply *r)
{
    const Words *w = r->w;
    g_autoptr(GPtrArray) definition = customer_description(r->doc);
    gboolean theirs = definition->len > 0;
    if (!theirs)
        case_definition(r->doc, definition);
    say_line(r, theirs ? w->intro_customer : w->intro_case);
    say_line(r, w->definition);
    quote_paragraph(r, definition, "definition", w->fill_definition);
    say_line(r, w->scope_label);
    say_line(r, w->scope);
    g_autoptr(GPtrArray) rest = customer_said(r->doc, 1, 0, 0, G_MAXUINT);
    g_autoptr(GPtrArray) details = g_ptr_array_new();
    for (guint i = 0; i < rest->len && details->len < 8; i++) {
        CkSaid *s = g_ptr_array_index(rest, i);
        gboolean used = FALSE;
        for (guint k = 0; theirs && k < definition->len && !used; k++)
            used = strcmp(((CkSaid *)g_ptr_array_index(definition, k))->text, s->text) == 0;
        if (!used && !(s->flags & CK_SAID_QUESTION) && said_is_detail(r->doc, s))
            g_ptr_array_add(details, s);
    }
    if (details->len) {
        say_line(r, w->details);
        quote_items(r, details, "*  ", "detail");
    }
    write_questions(r);
    say_line(r, w->analysis);
    analyse(r, 1);
    write_analysis(r, TRUE);
    plan_steps(r, NULL, FALSE);
    write_steps(r, w->next_steps, w->fill_steps);
    request_missing(r, NULL);
    write_requests(r);
}

/* Ask for missing information: acknowledge what the customer sent, then
 * the support requests still unanswered and the values the causes need. */
static void write_ask(Reply *r, guint first_new)
{
    const Words *w = r->w;
    say_line(r, w->thanks_reply);
    g_autoptr(GPtrArray) sent = customer_said(r->doc, r->new_from, 0, CK_SAID_QUESTION, G_MAXUINT);
    g_autoptr(GPtrArray) received = g_ptr_array_new();
    for (guint i = 0; i < sent->len && received->len < 6; i++)
        if (said_is_detail(r->doc, g_ptr_array_index(sent, i)))
            g_ptr_array_add(received, g_ptr_array_index(sent, i));
    if (received->len) {
        say_line(r, w->received);
        quote_items(r, received, "*  ", "received");
    }
    say_line(r, w->still_need);
    g_autoptr(GPtrArray) asked = g_ptr_array_new();
    JsonArray *requests = ck_json_get_array(r->doc, "requests");
    for (guint i = 0; requests && i < json_array_get_length(requests); i++) {
        JsonObject *q = json_array_get_object_element(requests, i);
        guint at = (guint)ck_json_int(q, "message");
        if (strcmp(ck_json_str(q, "from"), "support") != 0 || (first_new && at >= first_new)
            || json_object_get_boolean_member_with_default(q, "answered", FALSE))
            continue;
        CkSaid said = { g_strdup(ck_json_str(q, "text")), at, "support", 0 };
        if (g_str_has_suffix(said.text, "…"))
            said.text[strlen(said.text) - strlen("…")] = '\0';
        say(r, "*  ");
        quote(r, &said, "request");
        g_string_append_c(r->text, '\n');
        json_array_add_string_element(r->requests, said.text);
        g_free(said.text);
        if (ck_json_str(q, "needs")[0])
            g_ptr_array_add(asked, (gpointer)ck_json_str(q, "needs"));
    }
    guint before = json_array_get_length(r->requests);
    request_missing(r, asked);
    for (guint i = before; i < json_array_get_length(r->requests); i++) {
        say(r, "*  ");
        say_line(r, json_array_get_string_element(r->requests, i));
    }
    if (json_array_get_length(r->requests) == 0)
        say_fill(r, w->fill_request);
    write_questions(r);
}

/* Follow-up on partial results: what works now, what remains, the
 * customer's questions, and for what remains only steps the thread has
 * not named yet. */
static void write_partial(Reply *r)
{
    const Words *w = r->w;
    say_line(r, w->progress);
    g_autoptr(GPtrArray) worked = customer_said(r->doc, r->new_from, CK_SAID_WORKED, CK_SAID_QUESTION, 6);
    if (quote_items(r, worked, "*  ", "worked") == 0)
        say_fill(r, w->fill_progress);
    g_autoptr(GPtrArray) remaining =
        customer_said(r->doc, r->new_from, CK_SAID_REMAINS, CK_SAID_QUESTION | CK_SAID_WORKED, 6);
    if (remaining->len) {
        say_line(r, w->remaining);
        quote_items(r, remaining, "*  ", "remaining");
    }
    write_questions(r);
    g_autoptr(GPtrArray) causes = customer_causes(r->doc, r->new_from);
    analyse(r, r->new_from);
    write_analysis(r, FALSE);
    plan_steps(r, causes, TRUE);
    write_steps(r, w->for_remaining, w->fill_remaining);
}

/* An answer to the customer's new mail: what they wrote, their questions
 * with room for the answers, the analysis of causes their mail shows and
 * steps the thread has not named yet. */
static void write_follow_up(Reply *r)
{
    const Words *w = r->w;
    say_line(r, w->thanks_reply);
    g_autoptr(GPtrArray) wrote = customer_said(r->doc, r->new_from, 0, CK_SAID_QUESTION, 5);
    if (wrote->len) {
        say_line(r, w->you_wrote);
        quote_items(r, wrote, "*  ", "wrote");
    }
    guint questions = write_questions(r);
    g_autoptr(GPtrArray) causes = customer_causes(r->doc, r->new_from);
    guint paragraphs = analyse(r, r->new_from);
    if (paragraphs) {
        say_line(r, w->analysis);
        write_analysis(r, FALSE);
    }
    if (plan_steps(r, causes, TRUE))
        write_steps(r, w->next_steps, w->fill_steps);
    if (!questions && !paragraphs)
        say_fill(r, w->fill_answer);
}

/* One section of the closing summary: LABEL, the rule line, then SAID as
 * a paragraph (or a to-fill line for FILL). */
static void write_summary_section(Reply *r, const char *label, GPtrArray *said, const char *use, const char *fill)
{
    say_line(r, label);
    say_line(r, r->w->summary_rule);
    quote_paragraph(r, said, use, fill);
}

/* Closing summary in the team's style: thanks, then 问题描述 / 问题分析 /
 * 问题结论 between rule lines, from the case's definition (else the
 * customer's description), support's analysis section (else what its last
 * mail said about the cause) and the customer's confirmation. */
static void write_closing(Reply *r)
{
    const Words *w = r->w;
    say_line(r, w->closing_thanks);
    g_autoptr(GPtrArray) problem = g_ptr_array_new_with_free_func((GDestroyNotify)ck_said_free);
    case_definition(r->doc, problem);
    if (problem->len == 0) {
        g_ptr_array_unref(problem);
        problem = customer_description(r->doc);
    }
    write_summary_section(r, w->summary_problem, problem, "problem", w->fill_problem);
    g_autoptr(GPtrArray) analysis = g_ptr_array_new_with_free_func((GDestroyNotify)ck_said_free);
    CkSaid *section = section_said(r->doc, "analysis");
    if (section && strcmp(section->side, "support") == 0)
        g_ptr_array_add(analysis, section);
    else {
        ck_said_free(section);
        g_ptr_array_unref(analysis);
        analysis = support_analysis(r->doc, r->new_from, 3);
    }
    write_summary_section(r, w->summary_analysis, analysis, "analysis", w->fill_analysis);
    g_autoptr(GPtrArray) conclusion = customer_said(r->doc, r->new_from,
                                                    CK_SAID_WORKED | CK_SAID_SOLVED | CK_SAID_CLOSES, CK_SAID_QUESTION, 3);
    write_summary_section(r, w->summary_conclusion, conclusion, "conclusion", w->fill_conclusion);
}

/* ------------------------------------------------------------------ */
/* The draft                                                            */
/* ------------------------------------------------------------------ */

/* Number of to-fill markers in TEXT (either script when HANT). */
static gint64 count_markers(const char *text, const Words *w, gboolean hant)
{
    g_autofree char *hant_marker = hant ? convert(converters()->s2tw, w->marker) : g_strdup(w->marker);
    gint64 n = 0;
    const char *markers[] = { w->marker, hant_marker };
    for (gsize k = 0; k < (hant && strcmp(hant_marker, w->marker) ? 2u : 1u); k++)
        for (const char *p = text; (p = strstr(p, markers[k])) != NULL; p += strlen(markers[k]))
            n++;
    return n;
}

/* The index of the customer's newest mails for a reply of KIND to a
 * thread in state ST: the first after support's last, else (a kind forced
 * on a thread support answered last) the customer's last mail. */
static guint newest_customer_mails(JsonObject *doc, const CkThreadState *st)
{
    if (st->first_new)
        return st->first_new;
    JsonObject *last = last_customer_message(doc);
    return last ? (guint)ck_json_int(last, "index") : 0;
}

/* The draft object of kind "none" for DOC.  Caller unrefs. */
static JsonNode *nothing_to_draft(JsonObject *doc, const char *reason)
{
    JsonObject *d = json_object_new();
    json_object_set_string_member(d, "kind", "none");
    json_object_set_string_member(d, "reason", reason);
    json_object_set_string_member(d, "case_id", ck_json_str(doc, "case_id"));
    json_object_set_string_member(d, "language", ck_lang_name(ck_case_language(doc)));
    JsonNode *node = json_node_init_object(json_node_alloc(), d);
    json_object_unref(d);
    return node;
}

/* Write the reply of KIND into R (greeting, body, closing, signature). */
static void write_reply(Reply *r, CkReplyKind kind, guint first_new, const char *greeting_line,
                        const char *signature)
{
    say_line(r, greeting_line);
    const char *closing = NULL;
    switch (kind) {
    case CK_REPLY_FIRST: write_first(r); closing = r->w->closing_first; break;
    case CK_REPLY_ASK: write_ask(r, first_new); closing = r->w->closing_ask; break;
    case CK_REPLY_PARTIAL: write_partial(r); closing = r->w->closing_partial; break;
    case CK_REPLY_CLOSING: write_closing(r); break;
    default: write_follow_up(r); closing = r->w->closing_follow_up; break;
    }
    write_end(r, closing, signature);
}

/* The reason for KIND: the state's, or that the engineer chose it. */
static char *reason_for(CkReplyKind kind, const CkThreadState *st)
{
    if (kind == st->kind)
        return g_strdup(st->reason);
    return g_strdup_printf("chosen with --kind; the thread's state suggests %s (%s)", ck_reply_kind_name(st->kind),
                           st->reason);
}

/* See draft.h. */
JsonNode *ck_draft_build(JsonObject *doc, const CkRuleSet *rules, CkReplyKind kind, const char *signature,
                         JsonNode *similar)
{
    CkThreadState st;
    ck_thread_state(doc, &st);
    if (kind == CK_REPLY_AUTO)
        kind = st.kind;
    g_autofree char *reason = reason_for(kind, &st);
    if (kind == CK_REPLY_NONE) {
        ck_thread_state_clear(&st);
        return nothing_to_draft(doc, reason);
    }
    CkLang lang = ck_case_language(doc);
    Reply r = { doc, rules, lang == CK_LANG_ZH ? &ZH : &EN, lang, lang == CK_LANG_ZH && case_is_traditional(doc),
                newest_customer_mails(doc, &st), g_string_new(NULL), json_array_new(), json_array_new(),
                json_array_new(), json_array_new() };
    JsonObject *d = json_object_new();
    json_object_set_string_member(d, "kind", ck_reply_kind_name(kind));
    json_object_set_string_member(d, "reason", reason);
    json_object_set_string_member(d, "case_id", ck_json_str(doc, "case_id"));
    json_object_set_string_member(d, "language", r.hant ? "zh-Hant" : ck_lang_name(lang));
    g_autofree char *name = customer_name(doc);
    json_object_set_string_member(d, "customer", name ? name : "");
    g_autofree char *hello = greeting(r.w, name, lang);
    json_object_set_string_member(d, "greeting", hello);
    g_autofree char *sign = signature && *signature ? g_strstrip(g_strdup(signature)) : NULL;
    write_reply(&r, kind, st.first_new, hello, sign);
    json_object_set_array_member(d, "facts", r.facts);
    json_object_set_array_member(d, "analysis", r.analysis);
    json_object_set_array_member(d, "steps", r.steps);
    json_object_set_array_member(d, "requests", r.requests);
    json_object_set_string_member(d, "signature", sign ? sign : r.w->signature);
    g_autofree char *text = g_string_free(r.text, FALSE);
    g_autofree char *masked = ck_mask_product_keys(text);
    json_object_set_int_member(d, "to_fill", count_markers(masked, r.w, r.hant));
    json_object_set_string_member(d, "text", masked);
    json_object_set_member(d, "similar", similar ? json_node_copy(similar)
                                                 : json_node_init_array(json_node_alloc(), json_array_new()));
    ck_thread_state_clear(&st);
    JsonNode *node = json_node_init_object(json_node_alloc(), d);
    json_object_unref(d);
    return node;
}

/* See draft.h. */
gboolean ck_draft_is_none(JsonNode *draft)
{
    return strcmp(ck_json_str(json_node_get_object(draft), "kind"), "none") == 0;
}

/* The engineer's list of the facts in draft D, each with its mail. */
static void text_sources(FILE *out, JsonObject *d, const Words *w)
{
    JsonArray *facts = ck_json_get_array(d, "facts");
    if (!facts || json_array_get_length(facts) == 0)
        return;
    fprintf(out, "\n==== %s ====\n", w->sources);
    for (guint i = 0; i < json_array_get_length(facts); i++) {
        JsonObject *f = json_array_get_object_element(facts, i);
        g_autofree char *text = ck_space_normalise(ck_json_str(f, "text"));
        gboolean customer = strcmp(ck_json_str(f, "side"), "customer") == 0;
        fprintf(out, "[%s%" G_GINT64_FORMAT " %s] %s\n", w->mail, ck_json_int(f, "message_index"),
                customer ? w->side_customer : w->side_support, text);
    }
}

/* See draft.h. */
void ck_text_draft(FILE *out, JsonNode *draft)
{
    JsonObject *d = json_node_get_object(draft);
    const Words *w = g_str_has_prefix(ck_json_str(d, "language"), "zh") ? &ZH : &EN;
    fprintf(out, "kind: %s — %s\n", ck_json_str(d, "kind"), ck_json_str(d, "reason"));
    if (ck_draft_is_none(draft)) {
        fprintf(out, "%s\n", w->none_hint);
        return;
    }
    fprintf(out, "\n%s", ck_json_str(d, "text"));
    text_sources(out, d, w);
    JsonArray *similar = ck_json_get_array(d, "similar");
    if (!similar || json_array_get_length(similar) == 0)
        return;
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
