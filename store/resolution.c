/* resolution.c — how a case was resolved (see resolution.h). */
#include "store/resolution.h"
#include "reports/output.h"
#include "reports/summary.h"

#include <string.h>

/* Words a bare closing is made of: it says the case is done, not how.
 * ASCII words match case-insensitively and as whole words. */
static const char *const CLOSING_WORDS[] = {
    "用户", "用戶", "客户", "客戶", "反馈", "反饋", "确认", "確認", "可以", "正常", "同意", "已经", "已經", "已",
    "问题", "問題", "解决", "解決", "了", "本案", "此案", "该案", "該案", "案件", "本", "此", "该", "該", "这个",
    "這個", "案例", "案子", "事件", "工单",
    "工單", "关闭", "關閉", "关单", "結案", "结案", "归档", "歸檔", "处理", "處理", "谢谢", "謝謝", "感谢", "感謝",
    "非常", "您", "你", "的", "支持", "帮助", "幫助", "配合", "请", "請", "将", "將", "会", "會", "我们", "我們",
    "我", "现在", "現在", "目前", "没有", "沒有", "其他", "疑问", "疑問", "好的", "收到", "完成", "做", "一个",
    "一個", "进行", "進行", "即可", "吧", "啦", "下", "并", "並", "和", "及", "也", "都",
    "thanks", "thank", "you", "please", "close", "closed", "closing", "the", "this", "case", "ticket", "issue",
    "problem", "resolved", "solved", "fixed", "is", "has", "have", "been", "now", "can", "be", "we", "i", "will",
    "agree", "agreed", "to", "ok", "okay", "confirm", "confirmed", "it", "works", "working", "and", "for",
    "your", "help", "support", "no", "further", "questions", "customer", "user", "feedback", "reported",
    "that", "so", "as", "all", "good", "great", "much", "many", "a", "of", "our", "us", "may",
};

/* Words that, before a command in the same clause, tell not to run it. */
static const char *const NEGATIONS[] = {
    "不要", "不可", "不能", "不应", "不應", "不必", "勿", "禁止", "避免", "删除", "刪除", "删掉", "去掉", "移除",
    "never", "don't", "do not", "remove", "avoid", "delete", "without", "instead of",
};

/* Length of the closing word at P (0: none). */
static gsize closing_word_at(const char *p)
{
    gsize best = 0;
    for (gsize i = 0; i < G_N_ELEMENTS(CLOSING_WORDS); i++) {
        const char *w = CLOSING_WORDS[i];
        gsize n = strlen(w);
        gboolean ascii = g_ascii_isalpha(w[0]);
        if (n <= best || (ascii ? g_ascii_strncasecmp(p, w, n) : strncmp(p, w, n)) != 0)
            continue;
        if (ascii && (g_ascii_isalnum(p[n]) || p[n] == '\''))
            continue;
        best = n;
    }
    return best;
}

/* See resolution.h. */
gboolean ck_text_is_bare_closing(const char *text)
{
    for (const char *p = text ? text : ""; *p;) {
        gunichar c = g_utf8_get_char(p);
        if (g_unichar_isspace(c) || g_unichar_ispunct(c) || g_unichar_type(c) == G_UNICODE_MATH_SYMBOL
            || g_unichar_type(c) == G_UNICODE_OTHER_SYMBOL) {
            p = g_utf8_next_char(p);
            continue;
        }
        gsize n = closing_word_at(p);
        if (n == 0)
            return FALSE;
        p += n;
    }
    return TRUE;
}

/* The step items of message INDEX of DOC, or NULL. */
static JsonArray *message_steps(JsonObject *doc, gint64 index)
{
    JsonArray *steps = ck_json_get_array(doc, "steps");
    for (guint i = 0; steps && i < json_array_get_length(steps); i++) {
        JsonObject *s = json_array_get_object_element(steps, i);
        JsonArray *items = ck_json_get_array(s, "items");
        if (ck_json_int(s, "message") == index && items && json_array_get_length(items) > 0)
            return items;
    }
    return NULL;
}

/* TRUE when the clause of BODY before byte offset START (back to the last
 * sentence or comma break, at most 24 characters) tells not to run what
 * follows. */
static gboolean clause_negates(const char *body, gsize start)
{
    const char *p = body + start;
    for (int n = 0; n < 24 && p > body; n++) {
        const char *prev = g_utf8_find_prev_char(body, p);
        if (!prev || strchr("\n.;!?,", *prev) || g_str_has_prefix(prev, "。") || g_str_has_prefix(prev, "；")
            || g_str_has_prefix(prev, "！") || g_str_has_prefix(prev, "？") || g_str_has_prefix(prev, "，"))
            break;
        p = prev;
    }
    g_autofree char *clause = g_ascii_strdown(p, (gssize)(body + start - p));
    for (gsize i = 0; i < G_N_ELEMENTS(NEGATIONS); i++)
        if (strstr(clause, NEGATIONS[i]))
            return TRUE;
    return FALSE;
}

/* TRUE when a "do not" warning of DOC's checklist names COMMAND. */
static gboolean in_do_not(JsonObject *doc, const char *command)
{
    g_autofree char *lower = g_utf8_strdown(command, -1);
    JsonArray *checklist = ck_json_get_array(doc, "checklist");
    for (guint i = 0; checklist && i < json_array_get_length(checklist); i++) {
        JsonArray *warnings = ck_json_get_array(json_array_get_object_element(checklist, i), "do_not");
        for (guint k = 0; warnings && k < json_array_get_length(warnings); k++) {
            g_autofree char *w = g_utf8_strdown(json_array_get_string_element(warnings, k), -1);
            if (strstr(w, lower))
                return TRUE;
        }
    }
    return FALSE;
}

/* Add to LIST (distinct, SEEN) the commands of message INDEX of DOC that
 * are not negated; with LIST NULL, only say whether it has any. */
static gboolean message_commands(JsonObject *doc, gint64 index, GPtrArray *list, GHashTable *seen)
{
    const char *body = ck_json_str(ck_case_message(doc, index), "body");
    gsize body_len = strlen(body);
    gboolean any = FALSE;
    JsonArray *spans = ck_json_get_array(doc, "entity_spans");
    for (guint i = 0; spans && i < json_array_get_length(spans); i++) {
        JsonObject *s = json_array_get_object_element(spans, i);
        gint64 start = ck_json_int(s, "start");
        const char *value = ck_json_str(s, "value");
        if (ck_json_int(s, "message") != index || strcmp(ck_json_str(s, "type"), "commands") != 0
            || strcmp(ck_json_str(s, "part"), "new_text") != 0 || !*value || start < 0 || (gsize)start > body_len
            || clause_negates(body, (gsize)start) || in_do_not(doc, value))
            continue;
        any = TRUE;
        if (!list)
            break;
        if (g_hash_table_add(seen, g_strdup(value)))
            g_ptr_array_add(list, g_strdup(value));
    }
    return any;
}

/* TRUE when message INDEX of DOC is from support and carries a command or
 * a step. */
static gboolean is_advice(JsonObject *doc, gint64 index)
{
    return strcmp(ck_json_str(ck_case_message(doc, index), "side"), "support") == 0
           && (message_steps(doc, index) || message_commands(doc, index, NULL, NULL));
}

/* The resolving replies of DOC (see resolution.h): *last and *before
 * (message indexes, 0 when there is none). */
static void resolving_replies(JsonObject *doc, gint64 *last, gint64 *before)
{
    JsonArray *messages = ck_json_get_array(doc, "messages");
    gint64 n = messages ? json_array_get_length(messages) : 0, last_customer = 0;
    *last = *before = 0;
    for (gint64 i = n; i > 0 && !*last; i--)
        if (is_advice(doc, i))
            *last = i;
    for (gint64 i = n; i > 0 && !last_customer; i--)
        if (strcmp(ck_json_str(ck_case_message(doc, i), "side"), "customer") == 0)
            last_customer = i;
    for (gint64 i = last_customer - 1; *last > last_customer && i > 0 && !*before; i--)
        if (is_advice(doc, i))
            *before = i;
}

/* See resolution.h. */
GPtrArray *ck_case_resolution_commands(JsonObject *doc)
{
    GPtrArray *list = g_ptr_array_new_with_free_func(g_free);
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    gint64 last = 0, before = 0;
    resolving_replies(doc, &last, &before);
    if (before)
        message_commands(doc, before, list, seen);
    if (last)
        message_commands(doc, last, list, seen);
    g_hash_table_unref(seen);
    return list;
}

/* The steps of message INDEX joined by spaces, then those of its commands
 * the steps do not already show, joined by "; ".  Caller frees. */
static char *advice_text(JsonObject *doc, gint64 index)
{
    JsonArray *items = message_steps(doc, index);
    GString *text = g_string_new(NULL);
    for (guint i = 0; items && i < json_array_get_length(items); i++)
        g_string_append_printf(text, "%s%s", i ? " " : "", json_array_get_string_element(items, i));
    gsize steps_len = text->len;
    g_autofree char *steps_folded = g_utf8_casefold(text->str, (gssize)steps_len);
    GPtrArray *list = g_ptr_array_new_with_free_func(g_free);
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    message_commands(doc, index, list, seen);
    for (guint i = 0; i < list->len; i++) {
        const char *command = g_ptr_array_index(list, i);
        g_autofree char *command_folded = g_utf8_casefold(command, -1);
        if (steps_len && strstr(steps_folded, command_folded))   /* commands are stored folded */
            continue;
        g_string_append(text, text->len == steps_len ? (steps_len ? " — " : "") : "; ");
        g_string_append(text, command);
    }
    g_hash_table_unref(seen);
    g_ptr_array_unref(list);
    return g_string_free(text, FALSE);
}

/* See resolution.h. */
void ck_case_resolution(JsonObject *doc, CkResolution *out)
{
    static const char *const sections[] = { "conclusion", "analysis" };
    JsonNode *node = doc ? json_object_get_member(doc, "sections") : NULL;
    JsonObject *found = node && JSON_NODE_HOLDS_OBJECT(node) ? json_node_get_object(node) : NULL;
    *out = (CkResolution){ NULL, "", 0 };
    for (gsize i = 0; i < G_N_ELEMENTS(sections); i++) {
        g_autofree char *text = g_strstrip(g_strdup(ck_json_str(found, sections[i])));
        if (*text && !ck_text_is_bare_closing(text)) {
            out->text = g_steal_pointer(&text);
            out->from = sections[i];
            return;
        }
    }
    gint64 last = 0, before = 0;
    resolving_replies(doc, &last, &before);
    out->text = last ? advice_text(doc, last) : g_strdup("");
    out->from = last ? "support_steps" : "";
    out->message = last;
}

/* See resolution.h. */
void ck_resolution_clear(CkResolution *resolution)
{
    g_free(resolution->text);
    *resolution = (CkResolution){ NULL, "", 0 };
}
