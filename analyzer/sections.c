/* sections.c — structure found in the messages' new text: numbered steps,
 * labelled sections (问题描述 / Problem description …) and open requests.
 *
 * Steps and sections are layout, not vocabulary a lead extends, so their
 * line patterns are tables here; requests are phrased in many ways and come
 * from the rule files' `requests:` list.
 */
#include "analyzer/analyzer-private.h"

#include <string.h>

/* ---- line helpers ---- */

/* Compile a fixed internal pattern once (caseless, UTF-8); never fails for
 * the literals in this file. */
static GRegex *fixed_regex(GRegex **slot, const char *pattern)
{
    if (g_once_init_enter(slot)) {
        GRegex *re = g_regex_new(pattern, G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);
        g_assert(re);
        g_once_init_leave(slot, re);
    }
    return *slot;
}

/* ---- steps ---- */

typedef struct {
    const char *pattern;     /* group 1: marker, group 2: content */
    GRegex *compiled;
} LinePattern;

static LinePattern step_markers[] = {
    {"^\\s*(\\d{1,2}[.、)）])(?!\\d)\\s*(\\S.*)$", NULL},
    {"^\\s*([(（]\\d{1,2}[)）])\\s*(\\S.*)$", NULL},
    {"^\\s*([a-zA-Z][)）.])\\s+(\\S.*)$", NULL},
    {"^\\s*([*•·▪◦‐-])\\s+(\\S.*)$", NULL},
    {"^\\s*([①-⑳])\\s*(\\S.*)$", NULL},
};

/* The step item on LINE ("1. text"), or NULL.  Caller g_free()s. */
static char *step_item(const char *line)
{
    for (gsize k = 0; k < G_N_ELEMENTS(step_markers); k++) {
        GRegex *re = fixed_regex(&step_markers[k].compiled, step_markers[k].pattern);
        g_autoptr(GMatchInfo) mi = NULL;
        if (!g_regex_match(re, line, 0, &mi))
            continue;
        g_autofree char *marker = g_match_info_fetch(mi, 1);
        g_autofree char *content = g_match_info_fetch(mi, 2);
        g_strstrip(content);
        return g_strdup_printf("%s %s", marker, content);
    }
    return NULL;
}

/* [{"message": N, "items": ["1. …", "a) …"]}] for messages with steps.
 * Caller unrefs. */
JsonNode *ck_extract_steps(const CkAnalysisInput *msgs, guint n)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_array(b);
    for (guint i = 0; i < n; i++) {
        g_auto(GStrv) lines = g_strsplit(msgs[i].body ? msgs[i].body : "", "\n", -1);
        g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func(g_free);
        for (int l = 0; lines[l]; l++) {
            char *item = g_utf8_validate(lines[l], -1, NULL) ? step_item(lines[l]) : NULL;
            if (item)
                g_ptr_array_add(items, item);
        }
        if (items->len == 0)
            continue;
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "message");
        json_builder_add_int_value(b, msgs[i].index);
        json_builder_set_member_name(b, "items");
        json_builder_begin_array(b);
        for (guint k = 0; k < items->len; k++)
            json_builder_add_string_value(b, g_ptr_array_index(items, k));
        json_builder_end_array(b);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    return json_builder_get_root(b);
}

/* ---- sections ---- */

typedef struct {
    const char *key;
    const char *labels;      /* alternation of heading words */
    GRegex *compiled;
} SectionHeading;

/* Order matters: the combined 问题分析及下一步计划 before 问题分析. */
static SectionHeading headings[] = {
    {"next_steps", "问题分析(?:及|和|与)下一步计划|下一步计划|下一步工作|后续计划|行动计划|Next steps?|Action plan", NULL},
    {"problem", "问题描述|问题现象|故障现象|故障描述|Problem description|Issue description|Symptoms?", NULL},
    {"analysis", "问题分析|原因分析|问题原因|根本原因|分析过程|Analysis|Problem analysis|Root cause(?: analysis)?|Cause", NULL},
    {"conclusion", "问题结论|结论|解决方案|解决办法|处理结果|处理方法|Conclusion|Resolution|Solution|Fix|Workaround", NULL},
    {"definition", "问题定义|Problem definition|Issue definition", NULL},
    {"scope", "问题范围|Problem scope|Issue scope|Scope", NULL},
    {"details", "问题详情|详细信息|Problem details|Issue details|Details", NULL},
};

/* The section key LINE opens, or NULL; *rest gets text after the colon. */
static const char *section_heading(const char *line, char **rest)
{
    for (gsize k = 0; k < G_N_ELEMENTS(headings); k++) {
        if (g_once_init_enter(&headings[k].compiled)) {
            g_autofree char *pattern = g_strdup_printf(
                "^\\s*(?:\\d{1,2}[.、]\\s*)?[【\\[#]*\\s*(?:%s)\\s*[】\\]]?\\s*(?:[:：]\\s*(.*))?$",
                headings[k].labels);
            GRegex *re = g_regex_new(pattern, G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);
            g_assert(re);
            g_once_init_leave(&headings[k].compiled, re);
        }
        g_autoptr(GMatchInfo) mi = NULL;
        if (g_regex_match(headings[k].compiled, line, 0, &mi)) {
            *rest = g_match_info_fetch(mi, 1);
            return headings[k].key;
        }
    }
    return NULL;
}

/* Whether LINE ends a section (a rule of dashes) or is an underline to skip. */
static gboolean is_rule_line(const char *line, const char *chars)
{
    const char *p = line;
    while (*p == ' ' || *p == '\t')
        p++;
    if (!*p)
        return FALSE;
    for (; *p; p++)
        if (!strchr(chars, *p) && *p != ' ' && *p != '\t' && *p != '\r')
            return FALSE;
    return TRUE;
}

/* Whether LINE is a sign-off or closing boilerplate ("Best regards",
 * "结案后如果还有问题…") that ends a section. */
static gboolean is_sign_off(const char *line)
{
    static GRegex *re;
    return g_regex_match(fixed_regex(&re,
        "^\\s*(?:(?:best regards|kind regards|regards|thanks|thank you|many thanks|cheers|谢谢|多谢|此致|祝好|顺祝[^\\n]{0,6})"
        "\\s*[,，!！.。]?\\s*$"
        "|结案后|如果您(?:还)?有(?:任何|其他)|如有(?:任何|其他)?(?:疑问|问题)|欢迎随时|"
        "if you have any (?:further |other )?questions|(?:please )?feel free to)"),
                         line, 0, NULL);
}

/* Store the finished section KEY = TEXT into SECTIONS if it has content. */
static void finish_section(GHashTable *sections, const char *key, GString *text)
{
    if (!key)
        return;
    char *value = g_strstrip(g_strdup(text->str));
    if (*value)
        g_hash_table_replace(sections, (gpointer)key, value);
    else
        g_free(value);
}

/* Scan BODY's lines, storing its sections into SECTIONS (key → text). */
static void sections_of(const char *body, GHashTable *sections)
{
    g_auto(GStrv) lines = g_strsplit(body ? body : "", "\n", -1);
    g_autoptr(GString) text = g_string_new(NULL);
    const char *key = NULL;
    for (int l = 0; lines[l]; l++) {
        const char *line = lines[l];
        if (!g_utf8_validate(line, -1, NULL) || is_rule_line(line, "=＝"))
            continue;
        g_autofree char *rest = NULL;
        const char *opened = section_heading(line, &rest);
        if (opened || is_rule_line(line, "-_—–") || is_sign_off(line)) {
            finish_section(sections, key, text);
            g_string_truncate(text, 0);
            key = opened;
            if (rest && *rest)
                g_string_append_printf(text, "%s\n", rest);
            continue;
        }
        if (key)
            g_string_append_printf(text, "%s\n", g_strchomp(lines[l]));
    }
    finish_section(sections, key, text);
}

/* {"problem": "…", …}: sections of all messages, later ones overriding.
 * Caller unrefs. */
JsonNode *ck_extract_sections(const CkAnalysisInput *msgs, guint n)
{
    g_autoptr(GHashTable) sections = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    for (guint i = 0; i < n; i++)
        sections_of(msgs[i].body, sections);
    JsonObject *obj = json_object_new();
    for (gsize k = 0; k < G_N_ELEMENTS(headings); k++) {
        const char *value = g_hash_table_lookup(sections, headings[k].key);
        if (value)
            json_object_set_string_member(obj, headings[k].key, value);
    }
    JsonNode *node = json_node_init_object(json_node_alloc(), obj);
    json_object_unref(obj);
    return node;
}

/* ---- requests ---- */

typedef struct {
    int message;
    guint msg_pos;
    gsize start, end;
    char *text;
    const CkRequestPattern *pattern;
} Request;

/* Free a Request (GDestroyNotify). */
static void request_free(gpointer p)
{
    Request *r = p;
    g_free(r->text);
    g_free(r);
}

/* When TEXT[..end) ends with a colon ("请您提供：", "Could you please send:"),
 * return the end of the list items on the lines that follow (at most 10);
 * otherwise END. */
static gsize extend_over_list(const char *text, gsize len, gsize end)
{
    gsize back = end;
    while (back > 0 && (text[back - 1] == ' ' || text[back - 1] == '\t'))
        back--;
    gboolean colon = (back >= 1 && text[back - 1] == ':') ||
                     (back >= 3 && memcmp(text + back - 3, "：", 3) == 0);
    if (!colon)
        return end;
    gsize pos = end;
    while (pos < len && text[pos] != '\n')
        pos++;
    for (int lines = 0; pos < len && lines < 10; lines++) {
        gsize next = pos + 1;
        while (next < len && text[next] != '\n')
            next++;
        g_autofree char *line = g_strndup(text + pos + 1, next - pos - 1);
        g_autofree char *item = step_item(line);
        if (!item)
            break;
        end = pos = next;
    }
    return end;
}

/* Append the requests RP finds in message I's new text to OUT. */
static void find_requests(const CkRequestPattern *rp, CkMatcher *m, const CkAnalysisInput *msg,
                          guint pos_in_case, GPtrArray *out, guint first, GPtrArray *warnings)
{
    g_autofree char *owned = NULL;
    gsize len, pos = 0, s, e;
    const char *text = ck_prepare_text(msg->body, &owned, &len);
    CkMatchResult r;
    while ((r = ck_regex_next(m, rp->regex, text, len, pos)) == CK_MATCH_FOUND) {
        ck_matcher_span(m, 0, &s, &e);
        pos = e > pos ? e : len;
        gboolean overlapping = FALSE;
        for (guint i = first; i < out->len && !overlapping; i++) {
            Request *other = g_ptr_array_index(out, i);
            overlapping = s < other->end && other->start < e;
        }
        if (overlapping)
            continue;
        e = extend_over_list(text, len, e);
        Request *req = g_new0(Request, 1);
        *req = (Request){msg->index, pos_in_case, s, e, ck_snippet(text + s, e - s), rp};
        g_ptr_array_add(out, req);
    }
    if (r == CK_MATCH_LIMIT && warnings)
        g_ptr_array_add(warnings, g_strdup_printf("request pattern (%s:%d): match limit exceeded on message %d",
                                                  rp->where.file, rp->where.line, msg->index));
}

/* Whether message POS has an entity hit of TYPE. */
static gboolean message_has_entity(GPtrArray *hits, guint pos, const char *type)
{
    for (guint i = 0; i < hits->len; i++) {
        CkEntityHit *h = g_ptr_array_index(hits, i);
        if (h->msg_pos == pos && strcmp(h->type, type) == 0)
            return TRUE;
    }
    return FALSE;
}

/* Index of the first later message answering REQ, or 0 (rule: README). */
static int answered_by(const Request *req, const CkAnalysisInput *msgs, guint n, GPtrArray *hits)
{
    gboolean asker_is_customer = msgs[req->msg_pos].from_customer;
    for (guint j = req->msg_pos + 1; j < n; j++) {
        if (msgs[j].from_customer == asker_is_customer)
            continue;
        if (asker_is_customer || !req->pattern->needs || message_has_entity(hits, j, req->pattern->needs))
            return msgs[j].index;
    }
    return 0;
}

/* [{"message","text","from","needs","answered","answered_by"}].  Caller unrefs. */
JsonNode *ck_extract_requests(const CkRuleSet *rules, CkMatcher *m,
                              const CkAnalysisInput *msgs, guint n,
                              GPtrArray *entity_hits, GPtrArray *warnings)
{
    g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func(request_free);
    for (guint i = 0; i < n; i++) {
        guint first = found->len;
        for (guint p = 0; p < rules->request_patterns->len; p++)
            find_requests(g_ptr_array_index(rules->request_patterns, p), m, &msgs[i], i, found, first, warnings);
    }
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_array(b);
    for (guint i = 0; i < found->len; i++) {
        Request *req = g_ptr_array_index(found, i);
        int answer = answered_by(req, msgs, n, entity_hits);
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "message");
        json_builder_add_int_value(b, req->message);
        json_builder_set_member_name(b, "text");
        json_builder_add_string_value(b, req->text);
        json_builder_set_member_name(b, "from");
        json_builder_add_string_value(b, msgs[req->msg_pos].from_customer ? "customer" : "support");
        json_builder_set_member_name(b, "needs");
        if (req->pattern->needs)
            json_builder_add_string_value(b, req->pattern->needs);
        else
            json_builder_add_null_value(b);
        json_builder_set_member_name(b, "answered");
        json_builder_add_boolean_value(b, answer > 0);
        json_builder_set_member_name(b, "answered_by");
        if (answer > 0)
            json_builder_add_int_value(b, answer);
        else
            json_builder_add_null_value(b);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    return json_builder_get_root(b);
}
