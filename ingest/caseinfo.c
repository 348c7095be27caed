/* caseinfo.c — case identity and state read from subjects and text.
 * The patterns are fixed by the team's conventions, so they live here as a
 * table compiled once (GRegex, which runs on PCRE2 with JIT). */
#include "ingest/caseinfo.h"
#include <string.h>

enum {
    RE_CASE_ID,      /* CAS-03877-J9N4S5 anywhere */
    RE_CASE_MARKER,  /* an ID written after 案例号 / Case # */
    RE_ALIAS,        /* CMIT:0001828 */
    RE_PREFIX,       /* one reply/forward prefix at the start */
    RE_CONVENTION,   /* [案例号: ID ] % |sev|vendor| title % stage */
    RE_CLOSE,        /* a closing phrase */
    RE_CLOSE_NEGATION, /* words before a closing phrase that cancel it */
    RE_CLOSE_NEGATION_AFTER, /* words just after one that cancel it (しないで, 吗, ?) */
    RE_CUSTOMER_TITLE, /* 中国人寿用户… */
    RE_CUSTOMER_FIELD, /* 客户：X / Customer: X */
    RE_BOILERPLATE,  /* the support team's own footer and phrases */
    RE_CASE_TAG,     /* the [案例号: ID ] tag of a subject */
    RE_CUSTOMER_ORG, /* 江淮农商银行分支机构… : a title opening with an organisation */
    RE_CUSTOMER_ORG_EN, /* Northbridge Bank KMS … */
    RE_COUNT
};

/* The tag word of a subject's case tag ([案例号: ID ], [Case #: ID ],
 * [案例編號: ID ], Case ID: ID) and the ID in it. */
#define CASE_TAG "(?:案例号|案例號|案例编号|案例編號|Case\\s*(?:#|No\\.?|ID|Number)?)"
#define CASE_TAG_ID "[A-Za-z0-9-]*\\d[A-Za-z0-9-]*"

static const char *const PATTERNS[RE_COUNT] = {
    [RE_CASE_ID] = "\\b(CAS-\\d{4,6}-[A-Z0-9]{4,8})\\b",
    [RE_CASE_MARKER] = "(?:案例号|案例號|案件编号|Case\\s*(?:#|No\\.?|ID|Number))\\s*[:：#]?\\s*"
                       "([A-Za-z]{2,5}-?\\d[A-Za-z0-9-]{3,30})",
    [RE_ALIAS] = "\\bCMIT\\s*[:：]\\s*(\\d{4,10})\\b",
    [RE_PREFIX] = "^\\s*(?:回复|答复|转发|回覆|答覆|轉寄|轉發|转寄|回應|RE|FWD?|AW|WG|SV|VS|TR|RIF)"
                  "\\s*(?:\\[\\d+\\])?\\s*[:：]\\s*",
    /* [TAG: ID ] or, at the start, "Case ID: ID"; then |sev|vendor| (may be
     * missing), the title, and % stage.  The ID holds a digit, so "[Case
     * closed]" and "Case study: …" are not tags. */
    [RE_CONVENTION] = "(?|\\[\\s*" CASE_TAG "\\s*[:：#]?\\s*(" CASE_TAG_ID ")\\s*\\]|^" CASE_TAG "\\s*[:：#]\\s*("
                      CASE_TAG_ID "))\\s*%?\\s*(?:\\|\\s*([^|]*?)\\s*\\|\\s*([^|]*?)\\s*\\|)?\\s*([^%]*?)\\s*"
                      "(?:%\\s*(.*?))?\\s*$",
    [RE_CLOSE] = "结案|結案|关闭案例|關閉案例|关闭此案|關閉此案|关闭本案|关闭该案例|归档处理|歸檔處理|"
                 "可以关闭|可以關閉|同意关闭|同意關閉|\\bclos(?:e|ing) (?:the|this|our) (?:case|ticket)\\b|"
                 "\\bcase (?:is |has been |will be |was )?(?:now |being )?closed\\b|\\bclos(?:e|ing) (?:out )?(?:the|this) (?:case|ticket)\\b|"
                 /* Japanese: 本件はクローズさせていただきます, ケースを終了します */
                 "(?:本件|本案件|この件|本ケース|ケース|案件|チケット)(?:は|を|について(?:は)?)?(?:これで)?\\s*(?:クローズ|終了|完了)|"
                 "クローズ(?:させていただ|いたしま|致しま|しま|とさせ)|"
                 /* Korean: 본 건은 종료하겠습니다, 케이스를 종결 처리 */
                 "(?:케이스|본\\s*건|이\\s*건|해당\\s*건|티켓|사례)(?:를|을|은|는)?\\s*(?:종료|종결|마감|클로즈)|"
                 "(?:종료|종결|마감)(?:하겠습니다|합니다|처리)",
    [RE_CLOSE_NEGATION] = "(?:不|暂|暫|先别|考虑|考慮|如果|若|是否|能否|可否|请问|請問|之前|"
                          "\\bif\\b|\\bwhether\\b|\\bnot\\b|n't\\b|\\bbefore\\b|\\bcan we\\b|"
                          "まだ|前に|場合|かどうか|아직|전에|경우|여부)",
    [RE_CLOSE_NEGATION_AFTER] = "^[^。.！!；;，,\\n]{0,8}?(?:しないで|しません|しない|せず|待って|でしょうか|ますか|ですか|"
                                "吗|嗎|\\?|？|하지\\s*마|하지\\s*말|않|할까요|될까요|습니까)",
    [RE_CUSTOMER_TITLE] = "^(?:\\[[^\\]]*\\]\\s*)?([\\p{Han}A-Za-z]{2,16}?)(?:用户|用戶|客户|客戶|的用户)",
    [RE_CUSTOMER_FIELD] = "(?:客户(?:名称)?|客戶(?:名稱)?|Customer)\\s*[:：]\\s*([\\p{Han}A-Za-z0-9 &.]{2,40}?)"
                          "\\s*(?:[,，。;；\\n]|$)",
    [RE_BOILERPLATE] = "服务支持电话|服務支援電話|客户服务电话|客戶服務電話|我们将协助您|我們將協助您|"
                       "以下为案例总结|以下為案例總結|我们对这个问题所涉及范围界定|范围界定|"
                       "如果您对我们的产品和服务不满意|Support Engineer|Technical Support Team",
    [RE_CUSTOMER_ORG] = "^(?:\\[[^\\]]*\\]\\s*)?(\\p{Han}{2,16}?(?:银行|銀行|保险|保險|证券|證券|医院|醫院|法院|"
                         "检察院|檢察院|研究院|研究所|大学|大學|学院|學院|委员会|委員會|政府|局|中心|馆|館|"
                         "公司|集团|集團|基金|信托|信託))",
    [RE_CUSTOMER_ORG_EN] = "^((?:[A-Z][A-Za-z&.'-]*\\s+){0,4}(?:Bank|Insurance|Hospital|Bureau|Securities|"
                            "University|Group|Corporation|Corp\\.?|Council|Ministry|Ltd\\.?|Inc\\.?))\\b",
    [RE_CASE_TAG] = "\\[\\s*" CASE_TAG "\\s*[:：#]?\\s*" CASE_TAG_ID "\\s*\\]",
};

static GRegex *compiled[RE_COUNT];

/* Compile the pattern table once; a pattern that does not compile is a
 * programming error caught by the unit tests. */
static gpointer compile_patterns(gpointer unused)
{
    for (int i = 0; i < RE_COUNT; i++) {
        GRegexCompileFlags flags = G_REGEX_OPTIMIZE | G_REGEX_MULTILINE;
        if (i == RE_PREFIX || i == RE_CLOSE || i == RE_CLOSE_NEGATION || i == RE_CLOSE_NEGATION_AFTER
            || i == RE_CASE_MARKER
            || i == RE_CUSTOMER_FIELD || i == RE_BOILERPLATE || i == RE_CONVENTION || i == RE_CASE_TAG)
            flags |= G_REGEX_CASELESS;
        if (i == RE_CONVENTION || i == RE_CUSTOMER_TITLE || i == RE_CUSTOMER_ORG || i == RE_CUSTOMER_ORG_EN)
            flags &= ~G_REGEX_MULTILINE;
        compiled[i] = g_regex_new(PATTERNS[i], flags, 0, NULL);
        g_assert(compiled[i] != NULL);
    }
    return NULL;
}

/* The compiled pattern WHICH. */
static GRegex *pattern(int which)
{
    static GOnce once = G_ONCE_INIT;
    g_once(&once, compile_patterns, NULL);
    return compiled[which];
}

/* Append group GROUP of every match of pattern WHICH in TEXT to LIST,
 * passed through NORMALISE (may be NULL), without duplicates. */
static void collect_matches(GPtrArray *list, int which, int group, const char *text,
                            char *(*normalise)(const char *))
{
    GMatchInfo *info = NULL;
    g_regex_match(pattern(which), text ? text : "", 0, &info);
    while (g_match_info_matches(info)) {
        char *raw = g_match_info_fetch(info, group);
        char *value = normalise ? normalise(raw) : g_strdup(raw);
        g_free(raw);
        gboolean seen = FALSE;
        for (guint i = 0; i < list->len && !seen; i++)
            seen = strcmp(g_ptr_array_index(list, i), value) == 0;
        if (seen || !value[0])
            g_free(value);
        else
            g_ptr_array_add(list, value);
        g_match_info_next(info, NULL);
    }
    g_match_info_free(info);
}

/* Upper-case an ASCII ID. */
static char *normalise_id(const char *raw)
{
    return g_ascii_strup(raw, -1);
}

/* "CMIT:" + the digits of an alias match. */
static char *normalise_alias(const char *digits)
{
    return g_strconcat("CMIT:", digits, NULL);
}

/* See caseinfo.h. */
GPtrArray *ck_case_ids_in_text(const char *text)
{
    GPtrArray *list = g_ptr_array_new_with_free_func(g_free);
    collect_matches(list, RE_CASE_ID, 1, text, normalise_id);
    collect_matches(list, RE_CASE_MARKER, 1, text, normalise_id);
    return list;
}

/* See caseinfo.h. */
GPtrArray *ck_case_aliases_in_text(const char *text)
{
    GPtrArray *list = g_ptr_array_new_with_free_func(g_free);
    collect_matches(list, RE_ALIAS, 1, text, normalise_alias);
    return list;
}

/* Collapse runs of white space (ASCII, NBSP, U+3000) to one space and trim. */
static char *collapse_space(const char *text)
{
    GString *out = g_string_new(NULL);
    gboolean pending = FALSE;
    for (const char *p = text; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (g_unichar_isspace(c) || c == 0x00A0 || c == 0x3000) {
            pending = out->len > 0;
            continue;
        }
        if (pending)
            g_string_append_c(out, ' ');
        pending = FALSE;
        g_string_append_unichar(out, c);
    }
    return g_string_free(out, FALSE);
}

/* See caseinfo.h. */
char *ck_subject_strip_prefixes(const char *subject, gboolean *had_prefix)
{
    char *text = collapse_space(subject ? subject : "");
    gboolean any = FALSE;
    GMatchInfo *info = NULL;
    while (g_regex_match(pattern(RE_PREFIX), text, 0, &info)) {
        int end = 0;
        g_match_info_fetch_pos(info, 0, NULL, &end);
        g_match_info_free(info);
        info = NULL;
        if (end <= 0)
            break;
        memmove(text, text + end, strlen(text + end) + 1);
        any = TRUE;
    }
    g_match_info_free(info);
    if (had_prefix)
        *had_prefix = any;
    return g_strstrip(text);
}

/* See caseinfo.h.  The case tag and aliases are left out too, so a reply
 * whose gateway dropped "[案例号: … ]" still matches its case. */
char *ck_subject_key(const char *subject)
{
    char *stripped = ck_subject_strip_prefixes(subject, NULL);
    char *untagged = g_regex_replace_literal(pattern(RE_CASE_TAG), stripped, -1, 0, "", 0, NULL);
    char *unaliased = g_regex_replace_literal(pattern(RE_ALIAS), untagged ? untagged : stripped, -1, 0, "",
                                              0, NULL);
    char *collapsed = collapse_space(unaliased ? unaliased : stripped);
    char *key = g_utf8_casefold(collapsed, -1);
    g_free(collapsed);
    g_free(unaliased);
    g_free(untagged);
    g_free(stripped);
    return key;
}

/* See caseinfo.h. */
void ck_subject_fields_clear(CkSubjectFields *fields)
{
    g_free(fields->case_id);
    g_free(fields->severity);
    g_free(fields->vendor);
    g_free(fields->title);
    g_free(fields->stage);
    memset(fields, 0, sizeof *fields);
}

/* Remove aliases (CMIT:…) from a stage text and trim it. */
static char *stage_without_alias(const char *stage)
{
    char *out = g_regex_replace_literal(pattern(RE_ALIAS), stage ? stage : "", -1, 0, "", 0, NULL);
    return g_strstrip(out ? out : g_strdup(""));
}

/* See caseinfo.h. */
gboolean ck_subject_parse_convention(const char *subject, CkSubjectFields *out)
{
    char *stripped = ck_subject_strip_prefixes(subject, NULL);
    GMatchInfo *info = NULL;
    gboolean ok = g_regex_match(pattern(RE_CONVENTION), stripped, 0, &info);
    int start = 0, pipes = -1, title_start = 0, title_end = 0;
    if (ok) {
        g_match_info_fetch_pos(info, 0, &start, NULL);
        g_match_info_fetch_pos(info, 2, &pipes, NULL);
        g_match_info_fetch_pos(info, 4, &title_start, &title_end);
    }
    /* Without |severity|vendor| only a tag opening the subject counts, and
     * a title must follow it. */
    ok = ok && (pipes >= 0 || (start == 0 && title_end > title_start));
    if (ok) {
        char *id = g_match_info_fetch(info, 1);
        out->case_id = g_ascii_strup(id, -1);
        g_free(id);
        out->severity = g_match_info_fetch(info, 2);
        out->vendor = g_match_info_fetch(info, 3);
        out->title = g_match_info_fetch(info, 4);
        char *stage = g_match_info_fetch(info, 5);
        out->stage = stage_without_alias(stage);
        g_free(stage);
        g_strstrip(out->title);
    }
    g_match_info_free(info);
    g_free(stripped);
    return ok;
}

/* See caseinfo.h. */
char *ck_thread_key(const char *root_message_id)
{
    char *hex = g_compute_checksum_for_string(G_CHECKSUM_SHA256, root_message_id ? root_message_id : "", -1);
    char *key = g_strdup_printf("THR-%.8s", hex);
    g_free(hex);
    return key;
}

/* TRUE when the clause before byte offset END of TEXT (back to the last
 * sentence break, at most 12 characters) holds a negating word. */
static gboolean clause_negates(const char *text, int end)
{
    const char *start = text + end;
    for (int n = 0; n < 12 && start > text; n++) {
        const char *prev = g_utf8_find_prev_char(text, start);
        gunichar c = g_utf8_get_char(prev);
        if (c == 0x3002 || c == 0xFF0C || c == 0xFF1B || c == '.' || c == '\n' || c == ';' || c == 0xFF01)
            break;
        start = prev;
    }
    char *clause = g_strndup(start, (gsize)(text + end - start));
    gboolean negated = g_regex_match(pattern(RE_CLOSE_NEGATION), clause, 0, NULL);
    g_free(clause);
    return negated;
}

/* See caseinfo.h. */
gboolean ck_text_closes_case(const char *text)
{
    GMatchInfo *info = NULL;
    gboolean closes = FALSE;
    g_regex_match(pattern(RE_CLOSE), text ? text : "", 0, &info);
    while (!closes && g_match_info_matches(info)) {
        int start = 0, end = 0;
        g_match_info_fetch_pos(info, 0, &start, &end);
        closes = !clause_negates(text, start)
                 && !g_regex_match(pattern(RE_CLOSE_NEGATION_AFTER), text + end, 0, NULL);
        g_match_info_next(info, NULL);
    }
    g_match_info_free(info);
    return closes;
}

/* Group 1 of the first match of pattern WHICH in TEXT, trimmed, or NULL. */
static char *first_group(int which, const char *text)
{
    GMatchInfo *info = NULL;
    char *value = NULL;
    if (g_regex_match(pattern(which), text ? text : "", 0, &info))
        value = g_strstrip(g_match_info_fetch(info, 1));
    g_match_info_free(info);
    if (value && !value[0])
        g_clear_pointer(&value, g_free);
    return value;
}

/* See caseinfo.h.  Tried in order: a title opening with an organisation
 * name (江淮农商银行…, Northbridge Bank …), "X用户…", "客户：X". */
char *ck_customer_in_text(const char *text)
{
    static const int order[] = { RE_CUSTOMER_ORG, RE_CUSTOMER_ORG_EN, RE_CUSTOMER_TITLE, RE_CUSTOMER_FIELD };
    char *value = NULL;
    for (guint i = 0; i < G_N_ELEMENTS(order) && !value; i++)
        value = first_group(order[i], text);
    return value;
}

/* See caseinfo.h. */
gboolean ck_text_is_support_boilerplate(const char *text)
{
    return g_regex_match(pattern(RE_BOILERPLATE), text ? text : "", 0, NULL);
}
