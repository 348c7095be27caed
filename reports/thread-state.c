/* thread-state.c — the state of a case's thread and what its senders said
 * (see thread-state.h).  The phrases are the team's conventions, not rule
 * vocabulary, so they are a table here, compiled once through
 * analyzer/regex.h. */
#include "reports/thread-state.h"
#include "reports/output.h"
#include "analyzer/regex.h"
#include "ingest/caseinfo.h"

#include <stdarg.h>
#include <string.h>

enum {
    RE_GREETING_LINE,   /* a first line that is only a greeting */
    RE_GREETING_START,  /* a greeting opening a line with text after it */
    RE_SIGN_OFF,        /* 谢谢 / Best regards on a line of its own */
    RE_SIG_DETAIL,      /* phone, mail, rule lines of a signature block */
    RE_THANKS,          /* a sentence that only thanks */
    RE_LIST_MARKER,     /* "1. ", "• " at the start of a line */
    RE_QUESTION,
    RE_NOT_WORKED,      /* a success word negated (无法激活成功, not activated) */
    RE_WORKED,
    RE_REMAINS,
    RE_PARTIAL,
    RE_SOLVED,
    RE_COUNT
};

#define UNITS "(?:machines|devices|clients|laptops|desktops|pcs|computers|terminals|workstations)"

static const char *const PATTERNS[RE_COUNT] = {
    [RE_GREETING_LINE] = "^\\s*(?:(?:hi|hello|dear|hey)\\b[^\\n]{0,40}|[^\\n。！!?？]{0,20}?(?:您好|你好|大家好)[，,！!。：:～~]*"
                         "|[^\\s，,。！!：:]{1,10}好[，,！!：:]?|[^\\s，,。！!：:]{1,12}[：:，,])\\s*$",
    [RE_GREETING_START] = "^\\s*(?:(?:hi|hello|dear)\\s+[^,，\\n]{1,40}[,，]|[^\\n。！!?？，,]{0,20}?(?:您好|你好)[，,！!。：:～~]+)\\s*",
    [RE_SIGN_OFF] = "^\\s*(?:best regards|kind regards|warm regards|regards|best wishes|best|many thanks|thanks(?: again| a lot)?"
                    "|thank you(?: very much| again)?|cheers|sincerely|yours sincerely|谢谢您?|謝謝您?|多谢|多謝|此致|敬礼|敬禮"
                    "|祝好|顺祝[^\\n]{0,8}|順祝[^\\n]{0,8}|祝商祺)\\s*[,，!！.。~～]*\\s*$",
    [RE_SIG_DETAIL] = "^\\s*(?:(?:电话|電話|手机|手機|tel|phone|mobile|email|e-mail|邮箱|郵箱|信箱|地址|address|分机|分機|传真|傳真|fax)"
                      "\\s*[:：]|[-—_=]{2,}\\s*$|\\+?\\d[\\d\\s()-]{6,}\\s*$|\\S+@\\S+\\s*$)",
    [RE_THANKS] = "^\\s*(?:(?:非常|十分|万分|萬分)?(?:感谢|感謝|谢谢|謝謝|多谢|多謝)[^。！!？?\\n]{0,24}|(?:many )?thanks?(?: you)?\\b[^.!?\\n]{0,40}"
                  "|辛苦了|麻烦了|麻煩了)[。！!.~～]*\\s*$",
    [RE_LIST_MARKER] = "^\\s*(?:\\d{1,2}[.、)）](?!\\d)|[(（]\\d{1,2}[)）]|[a-zA-Z][)）]|[*•·▪◦‐-](?=\\s)|[①-⑳])\\s*",
    [RE_QUESTION] = "[?？]|请问|請問|能否|可否|会不会|會不會|[吗嗎]\\s*[。！!]?\\s*$",
    [RE_NOT_WORKED] = "(?:无法|無法|没有|沒有|未能|未|不能|仍未|尚未)\\s*(?:激活|啟用|启用)?\\s*成功"
                      "|\\b(?:not|never)\\s+(?:be\\s+|been\\s+|yet\\s+)?(?:activated|working|fixed|resolved)\\b"
                      "|\\b(?:isn't|aren't|wasn't|weren't)\\s+(?:activated|working)\\b",
    [RE_WORKED] = "激活成功|啟用成功|启用成功|已(?:经|經)?(?:成功)?(?:激活|啟用|启用|授权|授權)|(?:均|都|全部)(?:已经?|已經)?(?:激活|啟用|启用)"
                  "|恢复正常|恢復正常|正常(?:登录|登錄|使用|激活)|能看到|可以看到|可以正常|已(?:经|經)?(?:解决|解決|修复|修復|恢复|恢復)"
                  "|成功|\\bactivated\\b|\\blicensed\\b|\\bworks?\\b|\\bworking\\b|\\bfixed\\b|\\bresolved\\b|\\bsucceeded\\b"
                  "|\\bsuccessful(?:ly)?\\b|\\bback to normal\\b",
    [RE_REMAINS] = "失败|失敗|报错|報錯|报\\s*0x|報\\s*0x|错误|錯誤|仍然|仍有|仍未|依然|依旧|依舊|还是不|還是不|无法|無法|不能|没有|沒有|未能"
                   "|尚未|剩下|剩余|剩餘|其余|其餘|(?:另外|还有|還有)\\s*\\d+\\s*台|0x[0-9A-Fa-f]{8}|\\bfail|\\berror|\\bstill\\b"
                   "|\\bcannot\\b|\\bcan't\\b|\\bunable\\b|\\bnot\\b|n't\\b|\\bremaining\\b|\\bthe rest\\b|\\bthe other \\d+",
    [RE_PARTIAL] = "部分(?:成功|设备|設備|终端|終端|电脑|電腦|机器|機器|笔记本|筆電|客户端|客戶端|用户|用戶)"
                   "|(?:仍有|仍然有|还有|還有|剩下|剩余|剩餘|其余|其餘|另外)\\s*(?:的\\s*)?\\d+\\s*(?:台|部|个|個)"
                   "|\\d+\\s*台\\s*(?:里|裡|中|当中|當中|之中)\\s*(?:有\\s*)?\\d+\\s*台|其中\\s*(?:有\\s*)?\\d+\\s*台"
                   "|\\bonly\\s+\\d+\\s+(?:of|out of)\\s+(?:the\\s+|our\\s+)?\\d+\\b"
                   "|\\bstill\\s+fail(?:s|ing|ed)?\\s+on\\s+(?:some|a few|\\d+|the)\\b"
                   "|\\bsome\\s+(?:of\\s+(?:the|our)\\s+)?" UNITS "\\b[^.]{0,40}\\bstill\\b"
                   "|\\b(?:the\\s+)?(?:remaining|other|last)\\s+\\d+\\s+" UNITS "\\b"
                   "|\\b\\d+\\s+(?:of|out of)\\s+(?:the\\s+|our\\s+)?\\d+\\s+" UNITS "\\b"
                   "|\\bpartial(?:ly)?\\s+(?:success|successful|worked|fixed|resolved)",
    [RE_SOLVED] = "问题已(?:经)?解决|問題已(?:經)?解決|已(?:经|經)?解决|已(?:经|經)?解決|问题解决了|問題解決了"
                  "|(?:全部|都|均)(?:已经?|已經)?(?:激活|啟用|启用)(?:成功)?|恢复正常|恢復正常"
                  "|\\b(?:issue|problem)\\s+(?:is|has been)\\s+(?:now\\s+)?(?:resolved|fixed|solved)\\b"
                  "|\\ball\\s+(?:of\\s+(?:the|our)\\s+)?(?:\\d+\\s+)?" UNITS "\\s+(?:are|have been)\\s+(?:now\\s+)?activated\\b"
                  "|\\bworks? (?:fine )?now\\b|\\bis working now\\b",
};

static CkRegex *compiled[RE_COUNT];

/* Compile the table once; a pattern that does not compile is a
 * programming error the unit tests catch. */
static gpointer compile_patterns(gpointer unused)
{
    for (int i = 0; i < RE_COUNT; i++) {
        char *message = NULL;
        compiled[i] = ck_regex_compile(PATTERNS[i], CK_RE_MULTILINE, &message);
        if (!compiled[i])
            g_error("thread-state pattern %d: %s", i, message);
    }
    return NULL;
}

/* Search TEXT for pattern WHICH; on a hit *start and *end (may be NULL) get
 * its byte span. */
static gboolean find(CkMatcher *m, int which, const char *text, gsize *start, gsize *end)
{
    static GOnce once = G_ONCE_INIT;
    g_once(&once, compile_patterns, NULL);
    if (ck_regex_next(m, compiled[which], text, strlen(text), 0) != CK_MATCH_FOUND)
        return FALSE;
    gsize s = 0, e = 0;
    ck_matcher_span(m, 0, &s, &e);
    if (start)
        *start = s;
    if (end)
        *end = e;
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* Kinds                                                                */
/* ------------------------------------------------------------------ */

static const char *const KIND_NAMES[] = { "none", "first", "ask", "partial", "closing", "follow-up" };

/* See thread-state.h. */
const char *ck_reply_kind_name(CkReplyKind kind)
{
    return kind >= CK_REPLY_NONE && kind <= CK_REPLY_FOLLOW_UP ? KIND_NAMES[kind] : "auto";
}

/* See thread-state.h. */
gboolean ck_reply_kind_parse(const char *name, CkReplyKind *kind)
{
    for (gsize i = 0; name && i < G_N_ELEMENTS(KIND_NAMES); i++)
        if (strcmp(name, KIND_NAMES[i]) == 0) {
            *kind = (CkReplyKind)i;
            return TRUE;
        }
    return FALSE;
}

/* ------------------------------------------------------------------ */
/* What a message says                                                  */
/* ------------------------------------------------------------------ */

/* See thread-state.h. */
void ck_said_free(CkSaid *said)
{
    if (!said)
        return;
    g_free(said->text);
    g_free(said);
}

/* See thread-state.h. */
char *ck_space_normalise(const char *text)
{
    g_auto(GStrv) words = g_strsplit_set(text ? text : "", " \t\r\n\f\v", -1);
    GString *out = g_string_new(NULL);
    for (guint i = 0; words[i]; i++)
        if (words[i][0])
            g_string_append_printf(out, "%s%s", out->len ? " " : "", words[i]);
    return g_string_free(out, FALSE);
}

/* See thread-state.h. */
guint ck_said_flags(const char *sentence)
{
    CkMatcher *m = ck_matcher_new();
    guint flags = 0;
    const struct { int re; guint flag; } tests[] = {
        { RE_QUESTION, CK_SAID_QUESTION }, { RE_WORKED, CK_SAID_WORKED }, { RE_REMAINS, CK_SAID_REMAINS },
        { RE_PARTIAL, CK_SAID_PARTIAL }, { RE_SOLVED, CK_SAID_SOLVED },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(tests); i++)
        if (find(m, tests[i].re, sentence, NULL, NULL))
            flags |= tests[i].flag;
    if (find(m, RE_NOT_WORKED, sentence, NULL, NULL))
        flags &= ~(guint)(CK_SAID_WORKED | CK_SAID_SOLVED);
    ck_matcher_free(m);
    if (flags & CK_SAID_REMAINS)
        flags &= ~(guint)(CK_SAID_SOLVED | (flags & CK_SAID_PARTIAL ? 0 : CK_SAID_WORKED));
    if (g_str_has_suffix(sentence, "：") || g_str_has_suffix(sentence, ":"))
        flags &= ~(guint)CK_SAID_QUESTION;
    if (ck_text_closes_case(sentence))
        flags |= CK_SAID_CLOSES;
    return flags;
}

/* NAME without a trailing "(Dell)" and spaces; "" when none.  Caller frees. */
static char *plain_name(const char *name)
{
    char *plain = g_strdup(name ? name : "");
    char *paren = strpbrk(plain, "(<");
    if (!paren)
        paren = strstr(plain, "（");
    if (paren)
        *paren = '\0';
    return g_strstrip(plain);
}

/* TRUE when LINE holds only white space. */
static gboolean is_blank(const char *line)
{
    return strspn(line, " \t\r") == strlen(line);
}

/* TRUE when LINE is the sender's name NAME (or its first word) alone. */
static gboolean is_name_line(const char *line, const char *name)
{
    g_autofree char *trimmed = g_strstrip(g_strdup(line));
    if (!name[0] || !trimmed[0])
        return FALSE;
    if (strcmp(trimmed, name) == 0)
        return TRUE;
    gsize first = strcspn(name, " ");
    return first >= 2 && strlen(trimmed) == first && strncmp(trimmed, name, first) == 0;
}

/* The number of leading LINES that hold what was said: the sender's name
 * line and everything after it, then trailing sign-off, signature detail
 * and blank lines, are cut. */
static guint said_line_count(char **lines, const char *name, CkMatcher *m)
{
    guint n = g_strv_length(lines), non_empty = 0;
    for (guint i = n; i-- > 0 && non_empty < 6;) {
        if (is_blank(lines[i]))
            continue;
        non_empty++;
        if (is_name_line(lines[i], name))
            n = i;
    }
    while (n > 0) {
        const char *line = lines[n - 1];
        if (!is_blank(line) && !find(m, RE_SIGN_OFF, line, NULL, NULL) && !find(m, RE_SIG_DETAIL, line, NULL, NULL))
            break;
        n--;
    }
    return n;
}

/* Append SENTENCE (a piece of a line; trimmed here) to OUT when it says
 * something: letters or Han characters, not only thanks, not a short
 * lead-in ending in a colon ("处理步骤："). */
static void add_sentence(GPtrArray *out, const char *start, gsize len, guint message, const char *side,
                         CkMatcher *m)
{
    g_autofree char *raw = g_strndup(start, len);
    char *text = g_strstrip(raw);
    guint letters = 0;
    for (const char *p = text; *p; p = g_utf8_next_char(p))
        letters += g_unichar_isalpha(g_utf8_get_char(p));
    gboolean lead_in = (g_str_has_suffix(text, "：") || g_str_has_suffix(text, ":")) && g_utf8_strlen(text, -1) <= 30;
    if (letters < 2 || lead_in || find(m, RE_THANKS, text, NULL, NULL))
        return;
    if (g_utf8_strlen(text, -1) > 300)
        *g_utf8_offset_to_pointer(text, 300) = '\0';
    CkSaid *said = g_new0(CkSaid, 1);
    said->text = ck_space_normalise(text);
    said->message = message;
    said->side = side;
    said->flags = ck_said_flags(said->text);
    g_ptr_array_add(out, said);
}

/* Where the sentence that starts at P (inside LINE) ends: just after a
 * sentence mark (and closing quotes), or after ". " before a capital, a
 * Han character or the end of the line; the line's end otherwise. */
static const char *sentence_end(const char *p)
{
    for (; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        const char *next = g_utf8_next_char(p);
        gboolean stop = c && c < 128 && strchr("!?", (int)c) != NULL;
        stop = stop || g_utf8_strchr("。！？；", -1, c) != NULL;
        if (c == '.') {
            const char *q = next;
            while (*q == ' ' || *q == '\t')
                q++;
            gunichar after = g_utf8_get_char(q);
            stop = !*q || (q > next && (g_unichar_isupper(after) || after >= 0x2E80));
        }
        if (stop) {
            while (*next && g_utf8_strchr("”’」』）)\"'", -1, g_utf8_get_char(next)))
                next = g_utf8_next_char(next);
            return next;
        }
    }
    return p;
}

/* Cut LINE into sentences (after its list marker) and add them to OUT. */
static void add_line(GPtrArray *out, const char *line, guint message, const char *side, CkMatcher *m)
{
    gsize s = 0, e = 0;
    const char *p = find(m, RE_LIST_MARKER, line, &s, &e) && s == 0 ? line + e : line;
    while (*p) {
        const char *end = sentence_end(p);
        add_sentence(out, p, end - p, message, side, m);
        p = end;
    }
}

/* TRUE when LINE ends in a comma, so its sentence goes on on the next
 * line (a wrapped line). */
static gboolean continues(const char *line)
{
    g_autofree char *trimmed = g_strchomp(g_strdup(line));
    return g_str_has_suffix(trimmed, ",") || g_str_has_suffix(trimmed, "，") || g_str_has_suffix(trimmed, "、");
}

/* See thread-state.h. */
GPtrArray *ck_message_said(JsonObject *message)
{
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)ck_said_free);
    const char *body = ck_json_str(message, "body");
    if (!g_utf8_validate(body, -1, NULL))
        return out;
    const char *side = strcmp(ck_json_str(message, "side"), "support") == 0 ? "support" : "customer";
    guint index = (guint)ck_json_int(message, "index");
    g_autofree char *name = plain_name(ck_json_str(message, "from"));
    g_auto(GStrv) lines = g_strsplit(body, "\n", -1);
    CkMatcher *m = ck_matcher_new();
    guint n = said_line_count(lines, name, m);
    gboolean greeted = FALSE;
    g_autoptr(GString) pending = g_string_new(NULL);
    for (guint i = 0; i < n; i++) {
        const char *line = lines[i];
        if (!greeted && is_blank(line))
            continue;
        gsize s = 0, e = 0;
        if (!greeted && find(m, RE_GREETING_LINE, line, NULL, NULL))
            continue;
        if (!greeted && find(m, RE_GREETING_START, line, &s, &e) && s == 0)
            line += e;
        greeted = TRUE;
        if (find(m, RE_SIGN_OFF, line, NULL, NULL))
            continue;
        g_string_append_printf(pending, "%s%s", pending->len ? " " : "", line);
        if (!continues(line) || i + 1 == n) {
            add_line(out, pending->str, index, side, m);
            g_string_truncate(pending, 0);
        }
    }
    ck_matcher_free(m);
    return out;
}

/* ------------------------------------------------------------------ */
/* The state of the thread                                              */
/* ------------------------------------------------------------------ */

/* TRUE when DOC reports cause ID. */
static gboolean has_cause(JsonObject *doc, const char *id)
{
    JsonArray *causes = ck_json_get_array(doc, "causes");
    for (guint i = 0; causes && i < json_array_get_length(causes); i++)
        if (strcmp(ck_json_str(json_array_get_object_element(causes, i), "id"), id) == 0)
            return TRUE;
    return FALSE;
}

/* See thread-state.h. */
void ck_thread_missing_values(JsonObject *doc, GPtrArray *types)
{
    static const char *const needs[][2] = { { "activation.serial-invalid", "serial_numbers" },
                                            { "activation.kms-unreachable", "hosts" } };
    JsonObject *entities = ck_json_get_object(doc, "entities");
    for (gsize i = 0; i < G_N_ELEMENTS(needs); i++) {
        JsonArray *values = ck_json_get_array(entities, needs[i][1]);
        if (has_cause(doc, needs[i][0]) && (!values || json_array_get_length(values) == 0))
            g_ptr_array_add(types, (gpointer)needs[i][1]);
    }
}

/* The first support request of DOC asked before mail FIRST_NEW and still
 * unanswered, as its message index; 0 when none. */
static guint unanswered_request(JsonObject *doc, guint first_new)
{
    JsonArray *requests = ck_json_get_array(doc, "requests");
    for (guint i = 0; requests && i < json_array_get_length(requests); i++) {
        JsonObject *r = json_array_get_object_element(requests, i);
        guint asked = (guint)ck_json_int(r, "message");
        if (strcmp(ck_json_str(r, "from"), "support") == 0 && asked < first_new
            && !json_object_get_boolean_member_with_default(r, "answered", FALSE))
            return asked;
    }
    return 0;
}

/* The CK_SAID_* flags of everything the messages from FIRST (1-based) on
 * say; PARTIAL is also set when a statement (not a question) says
 * something worked and another that something remains. */
static guint new_mail_flags(JsonArray *messages, guint first)
{
    guint flags = 0, stated = 0;
    for (guint i = first - 1; i < json_array_get_length(messages); i++) {
        g_autoptr(GPtrArray) said = ck_message_said(json_array_get_object_element(messages, i));
        for (guint k = 0; k < said->len; k++) {
            guint f = ((CkSaid *)g_ptr_array_index(said, k))->flags;
            flags |= f;
            if (!(f & CK_SAID_QUESTION))
                stated |= f;
        }
    }
    flags &= ~(guint)CK_SAID_PARTIAL;
    if ((stated & CK_SAID_PARTIAL) || ((stated & CK_SAID_WORKED) && (stated & CK_SAID_REMAINS)))
        flags |= CK_SAID_PARTIAL;
    if (stated & CK_SAID_REMAINS)
        flags &= ~(guint)CK_SAID_SOLVED;
    return flags;
}

/* Set ST's kind and reason (printf-style). */
G_GNUC_PRINTF(3, 4)
static void decide(CkThreadState *st, CkReplyKind kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_free(st->reason);
    st->kind = kind;
    st->reason = g_strdup_vprintf(fmt, ap);
    va_end(ap);
}

/* The kind for a thread whose last mails (from ST->first_new on) are the
 * customer's, after a support mail. */
static void decide_after_support(JsonObject *doc, JsonArray *messages, CkThreadState *st)
{
    guint flags = new_mail_flags(messages, st->first_new), n = st->n_messages;
    g_autoptr(GPtrArray) missing = g_ptr_array_new();
    ck_thread_missing_values(doc, missing);
    guint asked = unanswered_request(doc, st->first_new);
    if (strcmp(ck_json_str(doc, "status"), "closed") == 0 && !(flags & (CK_SAID_CLOSES | CK_SAID_SOLVED)))
        decide(st, CK_REPLY_NONE, "the case is closed (mail %u, support); mail %u from the customer only thanks",
               st->last_support, n);
    else if (flags & CK_SAID_CLOSES)
        decide(st, CK_REPLY_CLOSING, "mail %u (customer) agrees to close the case", n);
    else if (flags & CK_SAID_PARTIAL)
        decide(st, CK_REPLY_PARTIAL, "mail %u (customer) reports partial success", n);
    else if (flags & CK_SAID_SOLVED)
        decide(st, CK_REPLY_CLOSING, "mail %u (customer) says the problem is solved", n);
    else if (asked)
        decide(st, CK_REPLY_ASK, "the request in mail %u (support) is still unanswered after mail %u (customer)",
               asked, n);
    else if (missing->len)
        decide(st, CK_REPLY_ASK, "the causes need %s, which the thread lacks", (char *)g_ptr_array_index(missing, 0));
    else
        decide(st, CK_REPLY_FOLLOW_UP, "mail %u (customer) brings %s", n,
               flags & CK_SAID_QUESTION ? "questions" : "new information");
}

/* See thread-state.h. */
void ck_thread_state(JsonObject *doc, CkThreadState *st)
{
    memset(st, 0, sizeof *st);
    JsonArray *messages = ck_json_get_array(doc, "messages");
    guint n = messages ? json_array_get_length(messages) : 0;
    st->n_messages = n;
    for (guint i = 0; i < n; i++)
        if (strcmp(ck_json_str(json_array_get_object_element(messages, i), "side"), "support") == 0)
            st->last_support = i + 1;
    st->first_new = st->last_support < n ? st->last_support + 1 : 0;
    if (n == 0)
        decide(st, CK_REPLY_NONE, "the case has no mail");
    else if (st->last_support == n)
        decide(st, CK_REPLY_NONE, strcmp(ck_json_str(doc, "status"), "closed") == 0
                                      ? "the case is closed: mail %u (support) is the last"
                                      : "mail %u (support) is the last: nothing new from the customer since", n);
    else if (st->last_support == 0)
        decide(st, CK_REPLY_FIRST, "mail %u (customer) has no reply from support yet", n);
    else
        decide_after_support(doc, messages, st);
}

/* See thread-state.h. */
void ck_thread_state_clear(CkThreadState *st)
{
    g_clear_pointer(&st->reason, g_free);
}
