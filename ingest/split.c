/* split.c — split a message's text into new text, quoted text, signature
 * and forwarded text.  See split.h for the contract.
 *
 * Three passes over at most SPLIT_MAX_LINES lines, no regular expressions
 * (every test is a bounded scan over a line prefix of SPLIT_PREFIX_BYTES):
 *   1. label: each line gets one LineKind, judged on a normalised copy of
 *      its prefix (full-width colon -> ':', NBSP / U+3000 / tab -> space,
 *      full-width '>' -> '>', trimmed);
 *   2. mark: multi-line structures (attribution spans such as a wrapped
 *      "On ... wrote:", reply-header blocks) become a marker on their first
 *      line;
 *   3. assign: a walk over the markers gives every line a Part.  `>` lines,
 *      and attributions or header blocks followed by `>` lines, are quoted;
 *      unmarked text around them is new text (inline and bottom replies);
 *      the first separator, forward marker, or header block / attribution
 *      not followed by `>` starts a tail that runs to the end.  The end of
 *      the new text is then searched for a signature by a table of rules
 *      (signature_rules) run until none moves, and a tail after a forward
 *      marker with little new text before it becomes `forwarded`.
 * Lines beyond SPLIT_MAX_LINES are not examined: they follow the part of
 * the last examined line.  Output lines keep their original bytes (only the
 * line ends become "\n"); the normalised copy is used for judging only.
 */
#include "ingest/split.h"

#include <string.h>

/* ---- limits ---------------------------------------------------------- */

#define SPLIT_MAX_LINES      5000 /* lines examined at most */
#define SPLIT_PREFIX_BYTES   1024 /* bytes of a line that are judged */
#define HEADER_WINDOW        8    /* lines a reply-header block may span */
#define HEADER_MAX_WRAP      2    /* wrapped lines between two header keys */
#define ATTR_MAX_SPAN        3    /* lines an attribution may wrap over */
#define ATTR_MAX_LINE_BYTES  300  /* longer lines are running text */
#define SIG_SCAN_LINES       40   /* lines a signature rule looks back */
#define SIG_BLOCK_MAX        12   /* non-blank lines after a rule */
#define SIG_NAMES_ONLY_MAX   3    /* rule + names only, no contact line */
#define SIG_DASHDASH_MAX     20   /* lines after "-- " */
#define SIG_STARTER_MAX      15   /* non-blank lines after a disclaimer */
#define SIG_MAX_LINES        60   /* a signature stops growing past this */
#define CLOSING_AFTER_MAX    6    /* name/contact lines after a closing */
#define NAME_BLOCK_MAX       5    /* title/contact lines under a bare name */
#define NAME_MAX_CHARS       40   /* a name or title line is short */
#define CONTACT_MAX_CHARS    60   /* a title/company line is short */
#define PERSON_MAX_TOKENS    4    /* "Shi Guannan", "张三", "Mary Ann Lee" */
#define FORWARD_NOTE_LINES   5    /* new text counted as an "FYI" note */
#define FORWARD_NOTE_BYTES   400

/* ---- pattern tables -------------------------------------------------- */

enum { HK_FROM = 1, HK_DATE = 2, HK_TO = 4, HK_CC = 8, HK_SUBJECT = 16 };

/* Reply-header keys; a key counts when ':' follows (spaces and '*' allowed). */
static const struct { const char *key; guint kind; } header_keys[] = {
    { "From", HK_FROM },     { "发件人", HK_FROM },   { "發件人", HK_FROM },
    { "寄件者", HK_FROM },   { "寄件人", HK_FROM },   { "发信人", HK_FROM },
    { "Sent", HK_DATE },     { "Date", HK_DATE },     { "发送时间", HK_DATE },
    { "發送時間", HK_DATE }, { "寄件日期", HK_DATE }, { "日期", HK_DATE },
    { "To", HK_TO },         { "收件人", HK_TO },     { "收件者", HK_TO },
    { "Cc", HK_CC },         { "抄送", HK_CC },       { "抄送人", HK_CC },
    { "副本", HK_CC },       { "Subject", HK_SUBJECT }, { "主题", HK_SUBJECT },
    { "主題", HK_SUBJECT },  { "主旨", HK_SUBJECT },
};

/* Text between dashes that makes an "original message" separator. */
static const char *const separator_names[] = {
    "原始邮件", "原始郵件", "原邮件", "邮件原件", "Original Message", "Original", NULL,
};

/* Forward markers: `prefix` matches the start of the text between the
 * dashes, else the whole of it; `needs_rule` asks for dashes around it. */
static const struct { const char *text; gboolean prefix; gboolean needs_rule; } forward_names[] = {
    { "Forwarded message", FALSE, TRUE },  { "转发的邮件", FALSE, TRUE },
    { "转发邮件信息", FALSE, TRUE },       { "转发邮件", FALSE, TRUE },
    { "轉寄郵件", FALSE, TRUE },           { "转发的消息", FALSE, TRUE },
    { "Forwarded by ", TRUE, TRUE },       { "Begin forwarded message:", FALSE, FALSE },
};

/* Last word of an attribution line (before an optional colon). */
static const char *const attribution_endings[] = { "wrote", "写道", "寫道", NULL };
/* First word of a wrapped attribution. */
static const char *const attribution_starters[] = { "On ", "在", NULL };

/* Words that make a line date-ish (ASCII ones matched as whole words). */
static const char *const date_words[] = {
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "january", "february", "march", "april", "june", "july",
    "august", "september", "october", "november", "december", "mon", "tue",
    "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "monday",
    "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", NULL,
};
static const char *const date_words_cjk[] = {
    "星期", "周一", "周二", "周三", "周四", "周五", "周六", "周日", "周天",
    "上午", "下午", "晚上", "凌晨", "中午", NULL,
};
static const char *const date_units_cjk[] = { "年", "月", "日", NULL };

/* Mobile-client footers (whole short line, prefix match). */
static const char *const mobile_footers[] = {
    "Sent from my ", "Sent from Mail for", "Sent from Outlook", "Sent from Yahoo",
    "Sent via ", "Get Outlook for ", "发自我的", "發自我的", "从我的", "從我的",
    "来自我的", "來自我的", "发自网易邮箱", "来自网易邮箱", "发自 网易邮箱", NULL,
};

/* Lines that open a disclaimer or the team's boilerplate. */
static const char *const signature_starters[] = {
    "免责声明", "免責聲明", "保密声明", "机密声明", "Disclaimer", "CAUTION:",
    "CONFIDENTIAL", "This email is confidential", "This e-mail is confidential",
    "This message is confidential", "This email and any", "This e-mail and any",
    "This message and any", "The information contained in this",
    "External email", "[External]", "本邮件及其附件", "本邮件含有",
    "您如果对我们的产品和服务不满意", "服务支持电话", "客户服务电话", NULL,
};

/* Closing formulas, compared whole after trailing punctuation is cut. */
static const char *const closing_formulas[] = {
    "此致", "敬礼", "此致敬礼", "此致 敬礼", "敬禮", "此致敬禮", "顺祝商祺",
    "顺颂商祺", "顺颂时祺", "祝商祺", "祝好", "谢谢", "謝謝", "多谢", "感谢",
    "非常感谢", "谢谢您", "best regards", "regards", "kind regards",
    "best wishes", "warm regards", "best", "thanks", "thank you", "many thanks",
    "thanks and regards", "thanks & regards", "cheers", "br", "sincerely",
    "yours sincerely", "yours truly", NULL,
};

/* Labels that open a contact line (word-bounded prefix). */
static const char *const contact_labels[] = {
    "电话", "手机", "传真", "邮箱", "电子邮箱", "邮件", "地址", "网址", "微信",
    "座机", "電話", "郵箱", "Tel", "Phone", "Mobile", "Mob", "Cell", "Fax",
    "Email", "E-mail", "Mail", "Addr", "Address", "Web", "Website", "WeChat",
    "QQ", "Skype", NULL,
};

/* Team boilerplate lines (prefix); count as contact lines. */
static const char *const team_boilerplate[] = {
    "您如果对我们的产品和服务不满意", "服务支持电话", "客户服务电话", NULL,
};

/* Words of job titles and company names (substring, short lines only). */
static const char *const title_words[] = {
    "Engineer", "Manager", "Director", "Consultant", "Specialist", "Support",
    "Service", "Team", "Department", "Dept", "Co.,", "Ltd", "Inc.", "Corp",
    "Limited", "Group", "工程师", "经理", "总监", "主管", "顾问", "专员",
    "支持", "服务", "中心", "公司", "集团", "有限", "团队", "银行",
    "銀行", "科技", "工程師", "經理", NULL,
};

/* One-character department words: a title only at the end of a word
 * ("信息科技部", "运维组"), never inside one ("全部激活", "第一组已完成"). */
static const char *const department_suffixes[] = { "部", "处", "處", "组", "組", NULL };

/* Ordinary words that end in a department suffix. */
static const char *const not_departments[] = {
    "全部", "内部", "內部", "外部", "局部", "各部", "此处", "此處", "各处", "各處", "到处",
    "到處", "好处", "好處", "之处", "之處", "多处", "多處", "几处", "幾處", "一组", "一組",
    "分组", "分組", "每组", "每組", "两组", "兩組", "重组", "重組", NULL,
};

/* Normalisation of the judged copy of a line. */
static const struct { const char *from; char to; } normalise_map[] = {
    { "\xEF\xBC\x9A", ':' }, /* ： full-width colon */
    { "\xC2\xA0", ' ' },     /* NBSP */
    { "\xE3\x80\x80", ' ' }, /* U+3000 ideographic space */
    { "\t", ' ' },
    { "\xEF\xBC\x9E", '>' }, /* ＞ full-width greater-than */
};

/* Characters a rule line is made of (besides spaces). */
static const char *const rule_chars[] = {
    "-", "_", "=", "+", "~", "#", "*", "\xE2\x80\x94" /* — */,
    "\xEF\xBC\x8D" /* － */, "\xE2\x94\x80" /* ─ */, NULL,
};

/* Sentence punctuation: a line holding it is not a name. */
static const char *const sentence_marks[] = {
    "\xE3\x80\x82" /* 。 */, "\xEF\xBC\x9F" /* ？ */, "\xEF\xBC\x81" /* ！ */,
    "\xEF\xBC\x9B" /* ； */, "?", "!", ";", NULL,
};

/* ---- types ----------------------------------------------------------- */

typedef enum {
    LINE_BLANK, LINE_TEXT, LINE_QUOTE, LINE_HEADER, LINE_RULE,
    LINE_SEPARATOR, LINE_FORWARD, LINE_SIG_DASHDASH,
} LineKind;

typedef enum {
    MARK_NONE, MARK_QUOTE, MARK_ATTRIBUTION, MARK_HEADERS, MARK_SEPARATOR,
    MARK_FORWARD,
} MarkKind;

typedef enum { PART_BODY, PART_QUOTED, PART_SIGNATURE, PART_FORWARDED, PART_COUNT } Part;

typedef struct {
    const char *raw;         /* the line in the input, without its end */
    gsize raw_len;
    char *norm;              /* normalised, trimmed copy of the prefix; owned */
    LineKind kind;
    guint header_kind;       /* HK_* of the key opening the line, or 0 */
    gboolean attribution_end;/* ends with wrote / 写道 */
    gboolean underscores;    /* a rule made only of '_' */
    guint features;          /* F_* bits, valid once features_known */
    gboolean features_known;
    MarkKind mark;           /* structure opening at this line */
    gsize mark_end;          /* its last line */
    Part part;
} Line;

typedef struct {
    Line *lines;             /* owned, n of them */
    gsize n;
    const char *rest;        /* input beyond SPLIT_MAX_LINES, or NULL */
} Doc;

/* ---- small string helpers -------------------------------------------- */

/* TRUE when S starts with KEY, ASCII letters compared without case. */
static gboolean starts_with_ci(const char *s, const char *key)
{
    return g_ascii_strncasecmp(s, key, strlen(key)) == 0;
}

/* TRUE when S starts with one of the NULL-terminated KEYS (no case). */
static gboolean starts_with_any(const char *s, const char *const *keys)
{
    for (; *keys; keys++)
        if (starts_with_ci(s, *keys))
            return TRUE;
    return FALSE;
}

/* TRUE when S starts with a KEY not followed by an ASCII letter. */
static gboolean starts_with_word_any(const char *s, const char *const *keys)
{
    for (; *keys; keys++)
        if (starts_with_ci(s, *keys) && !g_ascii_isalpha(s[strlen(*keys)]))
            return TRUE;
    return FALSE;
}

/* Which positions of a haystack can start one of a list of needles: the
 * needles' first two bytes (ASCII letters lower-cased) hashed into PAIRS,
 * the bytes of one-byte needles in SINGLES.  A position whose bytes miss
 * both cannot start a needle; one that hits is compared in full. */
typedef struct {
    guint32 pairs[128];      /* 4096 bits */
    guint32 singles[8];      /* 256 bits */
} NeedleFilter;

#define FILTER_PAIR(a, b) \
    ((((guint)g_ascii_tolower((guchar)(a)) << 4) ^ (guint)g_ascii_tolower((guchar)(b))) & 4095u)
#define BIT_SET(set, i) ((set)[(i) >> 5] |= 1u << ((i) & 31))
#define BIT_TEST(set, i) (((set)[(i) >> 5] >> ((i) & 31)) & 1u)

/* Fill F for the NULL-terminated NEEDLES (none of them empty). */
static void needle_filter_init(NeedleFilter *f, const char *const *needles)
{
    memset(f, 0, sizeof *f);
    for (; *needles; needles++) {
        const char *n = *needles;
        if (n[1] == '\0') {
            BIT_SET(f->singles, (guchar)g_ascii_tolower((guchar)n[0]));
            BIT_SET(f->singles, (guchar)g_ascii_toupper((guchar)n[0]));
        } else {
            BIT_SET(f->pairs, FILTER_PAIR(n[0], n[1]));
        }
    }
}

/* A needle list with its filter, built once on first use (any thread). */
typedef struct {
    const char *const *needles;   /* NULL-terminated */
    NeedleFilter filter;
    gsize ready;
} NeedleList;

/* TRUE when one of LIST's needles occurs in HAY (ASCII letters compared
 * without case; HAY is at most SPLIT_PREFIX_BYTES, so the scan is
 * bounded).  Only positions that pass the list's filter are compared, so a
 * line costs about two table look-ups a byte instead of one comparison per
 * needle a byte. */
static gboolean contains_any(const char *hay, NeedleList *list)
{
    if (g_once_init_enter(&list->ready)) {
        needle_filter_init(&list->filter, list->needles);
        g_once_init_leave(&list->ready, 1);
    }
    const NeedleFilter *f = &list->filter;
    for (; *hay; hay++) {
        gboolean single = BIT_TEST(f->singles, (guchar)*hay);
        if (!single && (hay[1] == '\0' || !BIT_TEST(f->pairs, FILTER_PAIR(hay[0], hay[1]))))
            continue;
        for (const char *const *n = list->needles; *n; n++)
            if (starts_with_ci(hay, *n))
                return TRUE;
    }
    return FALSE;
}

/* TRUE when S equals one of the NULL-terminated WORDS (no case), comparing
 * only the first LEN bytes of S. */
static gboolean equals_any_n(const char *s, gsize len, const char *const *words)
{
    for (; *words; words++)
        if (strlen(*words) == len && g_ascii_strncasecmp(s, *words, len) == 0)
            return TRUE;
    return FALSE;
}

/* Byte length of the rule character at P, or 0 when P holds another one. */
static gsize rule_char_len(const char *p)
{
    for (const char *const *c = rule_chars; *c; c++)
        if (strncmp(p, *c, strlen(*c)) == 0)
            return strlen(*c);
    return 0;
}

/* Number of characters in S (valid UTF-8). */
static glong char_count(const char *s)
{
    return g_utf8_strlen(s, -1);
}

/* TRUE when S holds sentence punctuation or ends with a comma or colon. */
static gboolean looks_like_sentence(const char *s)
{
    static NeedleList marks = { sentence_marks };
    if (contains_any(s, &marks))
        return TRUE;
    gsize len = strlen(s);
    return len > 0 && strchr(":,", s[len - 1]) != NULL;
}

/* ---- line predicates (on the normalised copy) ------------------------ */

/* TRUE when S contains a date or time token: 2019年, 03/26, 2021-03-09,
 * 17:45, a month or weekday name, 周一, 下午. */
static gboolean has_date_token(const char *s)
{
    for (const char *p = s; *p;) {
        if (g_ascii_isdigit(*p)) {
            const char *q = p;
            while (g_ascii_isdigit(*q))
                q++;
            if (starts_with_any(q, date_units_cjk)
                || ((*q == '/' || *q == '-') && g_ascii_isdigit(q[1]))
                || (*q == ':' && g_ascii_isdigit(q[1]) && g_ascii_isdigit(q[2])))
                return TRUE;
            p = q;
        } else if (g_ascii_isalpha(*p)) {
            const char *q = p;
            while (g_ascii_isalpha(*q))
                q++;
            if (equals_any_n(p, (gsize)(q - p), date_words))
                return TRUE;
            p = q;
        } else {
            p++;
        }
    }
    static NeedleList words = { date_words_cjk };
    return contains_any(s, &words);
}

/* TRUE when S contains something like an e-mail address. */
static gboolean has_email(const char *s)
{
    for (const char *p = strchr(s, '@'); p; p = strchr(p + 1, '@'))
        if (p > s && (g_ascii_isalnum(p[-1]) || strchr("._-+", p[-1]))
            && g_ascii_isalnum(p[1]))
            return TRUE;
    return FALSE;
}

/* TRUE when the digit run at P looks like a date (2021-03-09, 2021/3/9). */
static gboolean run_is_date(const char *p)
{
    int digits = 0;
    while (g_ascii_isdigit(p[digits]))
        digits++;
    return digits == 4 && (p[4] == '-' || p[4] == '/') && g_ascii_isdigit(p[5]);
}

/* TRUE when S contains a phone number: 7 to 16 digits joined only by
 * spaces, dashes, dots, brackets and '+', that is not a date or a time. */
static gboolean has_phone_number(const char *s)
{
    for (const char *p = s; *p;) {
        if (!g_ascii_isdigit(*p) && !strchr("+(", *p)) {
            p++;
            continue;
        }
        const char *start = p;
        int digits = 0;
        for (; *p && (g_ascii_isdigit(*p) || strchr("+-() .", *p)); p++)
            digits += g_ascii_isdigit(*p) ? 1 : 0;
        if (digits >= 7 && digits <= 16 && *p != ':' && !run_is_date(start))
            return TRUE;
    }
    return FALSE;
}

/* TRUE when S contains a web address. */
static gboolean has_url(const char *s)
{
    static const char *const url_marks[] = { "http://", "https://", "www.", NULL };
    static NeedleList marks = { url_marks };
    return contains_any(s, &marks);
}

/* TRUE when the line is made of rule characters (and spaces) only. */
static gboolean is_rule_text(const char *s)
{
    gboolean any = FALSE;
    while (*s) {
        gsize n = rule_char_len(s);
        if (n == 0 && *s != ' ')
            return FALSE;
        any |= n > 0;
        s += n ? n : 1;
    }
    return any;
}

/* HK_* kind when S opens with a reply-header key and a colon ("From:",
 * "*发件人：*", "**Sent:**"), else 0. */
static guint header_key_kind(const char *s)
{
    s += strspn(s, "* ");
    for (gsize i = 0; i < G_N_ELEMENTS(header_keys); i++) {
        if (!starts_with_ci(s, header_keys[i].key))
            continue;
        const char *after = s + strlen(header_keys[i].key);
        after += strspn(after, "* ");
        if (*after == ':')
            return header_keys[i].kind;
    }
    return 0;
}

/* TRUE for a Lotus Notes reply line "NAME <a@b> on 03/26/2001 05:04 PM". */
static gboolean is_lotus_from(const char *s)
{
    for (const char *on = strstr(s, " on "); on; on = strstr(on + 1, " on ")) {
        const char *p = on + 4;
        int groups = 0;
        while (g_ascii_isdigit(*p)) {
            while (g_ascii_isdigit(*p))
                p++;
            groups++;
            if (*p != '/')
                break;
            p++;
        }
        if (groups == 3)
            return TRUE;
    }
    return FALSE;
}

/* The text between the rule characters that surround S; *RULE_COUNT gets
 * how many rule characters were cut.  Returns a pointer into S, length in
 * *LEN. */
static const char *inner_of_rule(const char *s, gsize *len, int *rule_count)
{
    *rule_count = 0;
    for (gsize n; (n = rule_char_len(s)) > 0 || *s == ' '; s += n ? n : 1)
        *rule_count += n > 0;
    const char *end = s + strlen(s);
    while (end > s) {
        gsize n = 0;
        for (gsize back = 1; back <= 3 && back <= (gsize)(end - s); back++)
            if (rule_char_len(end - back) == back)
                n = back;
        if (n == 0 && end[-1] != ' ')
            break;
        *rule_count += n > 0;
        end -= n ? n : 1;
    }
    *len = (gsize)(end - s);
    return s;
}

/* TRUE for "-----Original Message-----", "----- 原始邮件 -----" etc. */
static gboolean is_separator(const char *s)
{
    gsize len;
    int rules;
    const char *inner = inner_of_rule(s, &len, &rules);
    return rules >= 4 && equals_any_n(inner, len, separator_names);
}

/* TRUE for a forward marker ("---------- Forwarded message ---------",
 * "-------- 转发邮件信息 --------", "Begin forwarded message:", Lotus
 * "----- Forwarded by NAME on DATE -----"). */
static gboolean is_forward_marker(const char *s)
{
    gsize len;
    int rules;
    const char *inner = inner_of_rule(s, &len, &rules);
    for (gsize i = 0; i < G_N_ELEMENTS(forward_names); i++) {
        const char *name = forward_names[i].text;
        gsize name_len = strlen(name);
        if (forward_names[i].needs_rule && rules < 4)
            continue;
        gboolean length_fits = forward_names[i].prefix ? len >= name_len : len == name_len;
        if (length_fits && starts_with_ci(inner, name))
            return TRUE;
    }
    return FALSE;
}

/* TRUE when S ends with "wrote:" / "写道：" (colon optional). */
static gboolean ends_like_attribution(const char *s)
{
    gsize len = strlen(s);
    while (len > 0 && (s[len - 1] == ':' || s[len - 1] == ' '))
        len--;
    for (const char *const *w = attribution_endings; *w; w++) {
        gsize wl = strlen(*w);
        if (len >= wl && g_ascii_strncasecmp(s + len - wl, *w, wl) == 0)
            return TRUE;
    }
    return FALSE;
}

/* TRUE for a mobile-client footer line ("Sent from my iPhone"). */
static gboolean is_mobile_footer(const char *s)
{
    return char_count(s) <= CONTACT_MAX_CHARS && starts_with_any(s, mobile_footers);
}

/* TRUE for a closing formula line ("此致", "Best regards,", "谢谢！"). */
static gboolean is_closing(const char *s)
{
    static const char *const trailing[] = {
        ",", ".", "!", "~", " ", "\xEF\xBC\x8C" /* ， */, "\xE3\x80\x82" /* 。 */,
        "\xEF\xBC\x81" /* ！ */, "\xEF\xBD\x9E" /* ～ */, NULL,
    };
    gsize len = strlen(s);
    for (gboolean cut = TRUE; cut && len > 0;) {
        cut = FALSE;
        for (const char *const *t = trailing; *t && !cut; t++) {
            gsize tl = strlen(*t);
            if (len >= tl && memcmp(s + len - tl, *t, tl) == 0) {
                len -= tl;
                cut = TRUE;
            }
        }
    }
    return len > 0 && equals_any_n(s, len, closing_formulas);
}

/* TRUE for a line that is clearly contact data: phone, e-mail, URL, a
 * "电话:"/"Tel:" label, or the team's boilerplate. */
static gboolean is_strong_contact(const char *s)
{
    return has_phone_number(s) || has_email(s) || has_url(s)
        || starts_with_word_any(s, contact_labels) || starts_with_any(s, team_boilerplate);
}

/* TRUE when S holds a department suffix (部, 处, 组) that ends a word of
 * Han characters and does not end an ordinary word such as 全部. */
static gboolean has_department_word(const char *s)
{
    for (const char *p = s; *p; p = g_utf8_next_char(p)) {
        if (!starts_with_any(p, department_suffixes) || p == s)
            continue;
        const char *next = g_utf8_next_char(p);
        gunichar after = g_utf8_get_char(next);
        if (*next && (g_unichar_isalnum(after) || g_unichar_type(after) == G_UNICODE_OTHER_LETTER))
            continue;   /* the word goes on: 第一组已完成 */
        const char *prev = g_utf8_find_prev_char(s, p);
        if (g_unichar_get_script(g_utf8_get_char(prev)) != G_UNICODE_SCRIPT_HAN)
            continue;
        gboolean ordinary = FALSE;
        for (const char *const *w = not_departments; *w && !ordinary; w++)
            ordinary = (gsize)(next - s) >= strlen(*w)
                       && memcmp(next - strlen(*w), *w, strlen(*w)) == 0;
        if (!ordinary)
            return TRUE;
    }
    return FALSE;
}

/* TRUE for a short line naming a job title or a company. */
static gboolean is_title_line(const char *s)
{
    static NeedleList title_list = { title_words };
    return char_count(s) <= CONTACT_MAX_CHARS
        && (contains_any(s, &title_list) || has_department_word(s));
}

/* TRUE for a short line with no sentence punctuation that does not start
 * like a list item: a name, a title, a department. */
static gboolean is_name_like(const char *s)
{
    static const char *const list_starts[] = {
        "*", "-", "\xE2\x80\xA2" /* • */, "\xC2\xB7" /* · */, "\xE2\x97\x8F" /* ● */, NULL,
    };
    return *s && char_count(s) <= NAME_MAX_CHARS && !g_ascii_isdigit(*s)
        && !starts_with_any(s, list_starts) && !looks_like_sentence(s);
}

/* TRUE when TOKEN (LEN bytes) is a capitalised Latin word or 1-4 CJK
 * characters: one word of a person's name. */
static gboolean is_name_token(const char *token, gsize len)
{
    if (g_ascii_isupper(token[0])) {
        for (gsize i = 0; i < len; i++)
            if (!g_ascii_isalpha(token[i]) && !strchr(".-'", token[i]))
                return FALSE;
        return TRUE;
    }
    glong chars = 0;
    for (const char *p = token; p < token + len; p = g_utf8_next_char(p), chars++)
        if (!g_unichar_iswide(g_utf8_get_char(p)))
            return FALSE;
    return chars >= 1 && chars <= 4;
}

/* TRUE when S looks like a person's name: "Guannan", "Shi Guannan",
 * "张三", "石冠男 Guannan"; a title may follow a bar ("孟琪 | 技术支持工程师"). */
static gboolean is_person_name(const char *s)
{
    int tokens = 0;
    const char *end = s + strcspn(s, "|");
    for (const char *p = s; p < end;) {
        gsize len = MIN(strcspn(p, " "), (gsize)(end - p));
        if (len > 0 && (++tokens > PERSON_MAX_TOKENS || !is_name_token(p, len)))
            return FALSE;
        p += len;
        p += strspn(p, " ");
    }
    return tokens > 0;
}

/* TRUE for a short date line under a name ("2021年3月9日", "2021-03-09"). */
static gboolean is_date_line(const char *s)
{
    return g_ascii_isdigit(*s) && char_count(s) <= 24 && has_date_token(s);
}

/* TRUE for a line opening a disclaimer or the team's boilerplate. */
static gboolean is_signature_starter(const char *s)
{
    return starts_with_any(s, signature_starters);
}

/* What a line may be inside a signature; computed lazily (has_feature). */
enum {
    F_STRONG = 1, F_TITLE = 2, F_NAME = 4, F_PERSON = 8, F_CLOSING = 16,
    F_FOOTER = 32, F_DATE_LINE = 64, F_STARTER = 128,
};
static const struct { guint bit; gboolean (*test)(const char *norm); } feature_tests[] = {
    { F_STRONG, is_strong_contact }, { F_TITLE, is_title_line },
    { F_NAME, is_name_like },        { F_PERSON, is_person_name },
    { F_CLOSING, is_closing },       { F_FOOTER, is_mobile_footer },
    { F_DATE_LINE, is_date_line },   { F_STARTER, is_signature_starter },
};
/* A line a signature block may hold. */
#define F_SIGNATURE_LIKE (F_STRONG | F_TITLE | F_NAME | F_CLOSING | F_FOOTER)

/* ---- pass 1: split and label ----------------------------------------- */

/* The judged copy of a line: at most SPLIT_PREFIX_BYTES, made valid UTF-8,
 * normalised through normalise_map, trimmed.  Caller frees. */
static char *normalise_prefix(const char *raw, gsize len)
{
    char *valid = g_utf8_make_valid(raw, (gssize)MIN(len, SPLIT_PREFIX_BYTES));
    GString *out = g_string_sized_new(strlen(valid));
    for (const char *p = valid; *p;) {
        if (*p != '\t' && (guchar)*p < 0x80) {
            g_string_append_c(out, *p++);
            continue;
        }
        gsize i = 0;
        while (i < G_N_ELEMENTS(normalise_map)
               && strncmp(p, normalise_map[i].from, strlen(normalise_map[i].from)) != 0)
            i++;
        if (i < G_N_ELEMENTS(normalise_map)) {
            g_string_append_c(out, normalise_map[i].to);
            p += strlen(normalise_map[i].from);
        } else {
            g_string_append_c(out, *p++);
        }
    }
    g_free(valid);
    char *norm = g_string_free(out, FALSE);
    return g_strstrip(norm);
}

/* The kind of one line from its raw bytes and its judged copy NORM;
 * sets *HEADER_KIND for header lines. */
static LineKind classify_line(const char *raw, gsize raw_len, const char *norm, guint *header_kind)
{
    *header_kind = 0;
    if (*norm == '\0')
        return LINE_BLANK;
    if (*norm == '>')
        return LINE_QUOTE;
    if (raw_len == 3 && memcmp(raw, "-- ", 3) == 0)
        return LINE_SIG_DASHDASH;
    if ((*header_kind = header_key_kind(norm)) != 0)
        return LINE_HEADER;
    if (is_forward_marker(norm))
        return LINE_FORWARD;
    if (is_separator(norm))
        return LINE_SEPARATOR;
    if (is_rule_text(norm))
        return LINE_RULE;
    if (strlen(norm) <= ATTR_MAX_LINE_BYTES && is_lotus_from(norm)) {
        *header_kind = HK_FROM;
        return LINE_HEADER;
    }
    return LINE_TEXT;
}

/* Fill LINE from RAW (LEN bytes, no line end). */
static void label_line(Line *line, const char *raw, gsize len)
{
    line->raw = raw;
    line->raw_len = len;
    line->norm = normalise_prefix(raw, len);
    line->kind = classify_line(raw, len, line->norm, &line->header_kind);
    line->underscores = line->kind == LINE_RULE
        && strspn(line->norm, "_") == strlen(line->norm) && strlen(line->norm) >= 5;
    line->attribution_end = line->kind == LINE_TEXT
        && strlen(line->norm) <= ATTR_MAX_LINE_BYTES && ends_like_attribution(line->norm);
}

/* Cut TEXT into at most SPLIT_MAX_LINES labelled lines ("\n", "\r\n" or
 * "\r" ends); the text beyond goes to doc->rest. */
static void split_lines(Doc *doc, const char *text)
{
    GArray *lines = g_array_new(FALSE, TRUE, sizeof(Line));
    const char *p = text;
    while (*p && lines->len < SPLIT_MAX_LINES) {
        gsize len = strcspn(p, "\r\n");
        Line line = { 0 };
        label_line(&line, p, len);
        g_array_append_val(lines, line);
        p += len;
        if (p[0] == '\r' && p[1] == '\n')
            p += 2;
        else if (*p == '\r' || *p == '\n')
            p++;
    }
    doc->rest = *p ? p : NULL;
    doc->n = lines->len;
    doc->lines = (Line *)g_array_free(lines, FALSE);
}

/* A `>From ` line with no quote line next to it is an mbox escape of
 * running text, not a quote. */
static void unquote_mbox_escapes(Doc *doc)
{
    for (gsize i = 0; i < doc->n; i++) {
        Line *l = &doc->lines[i];
        if (l->kind != LINE_QUOTE || l->raw_len < 6 || memcmp(l->raw, ">From ", 6) != 0)
            continue;
        gboolean quote_before = i > 0 && doc->lines[i - 1].kind == LINE_QUOTE;
        gboolean quote_after = i + 1 < doc->n && doc->lines[i + 1].kind == LINE_QUOTE;
        if (!quote_before && !quote_after)
            l->kind = LINE_TEXT;
    }
}

/* ---- pass 2: mark multi-line structures ------------------------------ */

/* TRUE when LINE may be part of a wrapped attribution above its last line. */
static gboolean is_attribution_piece(const Line *line)
{
    return line->kind == LINE_TEXT && strlen(line->norm) <= ATTR_MAX_LINE_BYTES
        && !looks_like_sentence(line->norm) && line->norm[strlen(line->norm) - 1] != '.';
}

/* TRUE when S holds "于" before a date ("李伟 于2019年5月27日"), the
 * first half of a wrapped Gmail attribution. */
static gboolean has_yu_date(const char *s)
{
    for (const char *p = strstr(s, "于"); p; p = strstr(p + 1, "于")) {
        const char *after = p + strlen("于");
        if (g_ascii_isdigit(after[*after == ' ']))
            return TRUE;
    }
    return FALSE;
}

/* First line of the attribution whose last line is END, or -1 when the
 * lines there hold neither a date nor an address.  The span reaches up to a
 * line opening with "On " / "在" (ATTR_MAX_SPAN lines at most), or to one
 * line above holding the sender's address or "于<date>" (Gmail wrapped). */
static gssize attribution_start(const Doc *doc, gsize end)
{
    gsize start = end;
    if (!starts_with_any(doc->lines[end].norm, attribution_starters)) {
        for (gsize k = 1; k < ATTR_MAX_SPAN && k <= end; k++) {
            const Line *above = &doc->lines[end - k];
            if (!is_attribution_piece(above))
                break;
            if (starts_with_any(above->norm, attribution_starters)) {
                start = end - k;
                break;
            }
        }
        if (start == end && end > 0 && is_attribution_piece(&doc->lines[end - 1])
            && (has_email(doc->lines[end - 1].norm) || has_yu_date(doc->lines[end - 1].norm)))
            start = end - 1;
    }
    for (gsize i = start; i <= end; i++)
        if (has_date_token(doc->lines[i].norm) || has_email(doc->lines[i].norm))
            return (gssize)start;
    return -1;
}

/* Last line of the reply-header block opening at line FIRST, or -1 when
 * there is none: within HEADER_WINDOW lines, header lines with at most
 * HEADER_MAX_WRAP wrapped lines between them, holding a From-type key and
 * at least one other kind. */
static gssize header_block_end(const Doc *doc, gsize first)
{
    guint kinds = 0;
    gsize wrapped = 0;
    gssize last = -1;
    for (gsize j = first; j < doc->n && j < first + HEADER_WINDOW; j++) {
        const Line *l = &doc->lines[j];
        if (l->kind == LINE_HEADER) {
            kinds |= l->header_kind;
            last = (gssize)j;
            wrapped = 0;
        } else if (l->kind != LINE_TEXT || ++wrapped > HEADER_MAX_WRAP) {
            break;
        }
    }
    guint other = kinds & ~(guint)HK_FROM;
    return (kinds & HK_FROM) && other != 0 ? last : -1;
}

/* The line a header block at FIRST really starts on: an Outlook line of
 * underscores just above it (one blank line allowed between) belongs to it. */
static gsize header_block_start(const Doc *doc, gsize first)
{
    for (gsize k = 1; k <= 2 && k <= first; k++) {
        const Line *above = &doc->lines[first - k];
        if (above->underscores)
            return first - k;
        if (above->kind != LINE_BLANK)
            break;
    }
    return first;
}

/* Set LINE's marker unless one is already there. */
static void set_mark(Line *line, MarkKind mark, gsize end)
{
    if (line->mark != MARK_NONE)
        return;
    line->mark = mark;
    line->mark_end = end;
}

/* Put a marker on the first line of every quote line, attribution, header
 * block, separator and forward marker. */
static void mark_structures(Doc *doc)
{
    for (gsize i = 0; i < doc->n; i++) {
        Line *l = &doc->lines[i];
        gssize start = l->attribution_end ? attribution_start(doc, i) : -1;
        if (start >= 0)
            set_mark(&doc->lines[start], MARK_ATTRIBUTION, i);
        if (l->kind == LINE_QUOTE)
            set_mark(l, MARK_QUOTE, i);
        else if (l->kind == LINE_SEPARATOR)
            set_mark(l, MARK_SEPARATOR, i);
        else if (l->kind == LINE_FORWARD)
            set_mark(l, MARK_FORWARD, i);
    }
    for (gsize i = 0; i < doc->n; i++) {
        if (doc->lines[i].kind != LINE_HEADER)
            continue;
        gssize end = header_block_end(doc, i);
        if (end < 0)
            continue;
        set_mark(&doc->lines[header_block_start(doc, i)], MARK_HEADERS, (gsize)end);
        i = (gsize)end;
    }
}

/* ---- pass 3: assign parts -------------------------------------------- */

/* TRUE when the first non-blank line after line END is a quote line. */
static gboolean quote_follows(const Doc *doc, gsize end)
{
    for (gsize j = end + 1; j < doc->n; j++)
        if (doc->lines[j].kind != LINE_BLANK)
            return doc->lines[j].kind == LINE_QUOTE;
    return FALSE;
}

/* Walk the lines: `>` lines, and attributions or header blocks followed by
 * `>` lines, are quoted; other lines are new text (a blank line joins the
 * line above), until a marker that starts the tail.  Returns the tail's first line (doc->n when
 * none) and its marker in *TAIL_MARK; tail lines are left PART_QUOTED. */
static gsize assign_parts(Doc *doc, MarkKind *tail_mark)
{
    *tail_mark = MARK_NONE;
    for (gsize i = 0; i < doc->n; i++) {
        Line *l = &doc->lines[i];
        Part above = i > 0 ? doc->lines[i - 1].part : PART_BODY;
        gboolean soft = (l->mark == MARK_ATTRIBUTION || l->mark == MARK_HEADERS)
            && quote_follows(doc, l->mark_end);
        if (l->mark == MARK_QUOTE || soft) {
            for (gsize j = i; j <= l->mark_end; j++)
                doc->lines[j].part = PART_QUOTED;
            i = l->mark_end;
        } else if (l->mark != MARK_NONE) {
            *tail_mark = l->mark;
            for (gsize j = i; j < doc->n; j++)
                doc->lines[j].part = PART_QUOTED;
            return i;
        } else {
            l->part = l->kind == LINE_BLANK ? above : PART_BODY;
        }
    }
    return doc->n;
}

/* ---- signature ------------------------------------------------------- */

/* TRUE when LINE has one of the F_* BITS; computes its features once. */
static gboolean has_feature(Line *line, guint bits)
{
    if (!line->features_known) {
        for (gsize i = 0; i < G_N_ELEMENTS(feature_tests); i++)
            if (feature_tests[i].test(line->norm))
                line->features |= feature_tests[i].bit;
        line->features_known = TRUE;
    }
    return (line->features & bits) != 0;
}

/* The new-text lines in order (they need not be adjacent in the input). */
typedef struct {
    Line **at;
    gsize n;
} BodySeq;

/* TRUE when index K of SEQ is a blank line. */
static gboolean seq_blank(const BodySeq *seq, gsize k)
{
    return seq->at[k]->kind == LINE_BLANK;
}

/* Index in SEQ of the last non-blank line before S within SIG_SCAN_LINES,
 * or -1. */
static gssize last_filled_before(const BodySeq *seq, gsize s)
{
    for (gsize k = s; k-- > 0 && s - k <= SIG_SCAN_LINES;)
        if (!seq_blank(seq, k))
            return (gssize)k;
    return -1;
}

/* A mobile footer ("Sent from my iPhone") as the last line before S. */
static gsize sig_mobile_footer(const BodySeq *seq, gsize s)
{
    gssize k = last_filled_before(seq, s);
    return k >= 0 && has_feature(seq->at[k], F_FOOTER) ? (gsize)k : s;
}

/* A "-- " delimiter at most SIG_DASHDASH_MAX lines before S. */
static gsize sig_dashdash(const BodySeq *seq, gsize s)
{
    for (gsize k = s; k-- > 0 && s - k <= SIG_DASHDASH_MAX;)
        if (seq->at[k]->kind == LINE_SIG_DASHDASH)
            return k;
    return s;
}

/* TRUE when the rule line at index K of SEQ underlines a section heading
 * ("问题结论：" over "=========="): what follows is the section, not a
 * signature. */
static gboolean rule_underlines_heading(const BodySeq *seq, gsize k)
{
    gssize above = last_filled_before(seq, k);
    if (above < 0)
        return FALSE;
    const char *heading = seq->at[above]->norm;
    gsize len = strlen(heading);
    return len > 0 && heading[len - 1] == ':';
}

/* A rule line (------------) followed up to S by a short block of
 * contact lines, or by at most SIG_NAMES_ONLY_MAX name/title lines. */
static gsize sig_rule_block(const BodySeq *seq, gsize s)
{
    gsize filled = 0, strong = 0, names = 0;
    for (gsize k = s; k-- > 0 && s - k <= SIG_SCAN_LINES;) {
        Line *line = seq->at[k];
        if (line->kind == LINE_RULE && filled > 0 && !rule_underlines_heading(seq, k)
            && (strong > 0 || (filled <= SIG_NAMES_ONLY_MAX && names == filled)))
            return k;
        if (line->kind == LINE_BLANK || line->kind == LINE_RULE)
            continue;
        if (!has_feature(line, F_SIGNATURE_LIKE) || ++filled > SIG_BLOCK_MAX)
            break;
        strong += has_feature(line, F_STRONG);
        names += has_feature(line, F_PERSON | F_TITLE);
    }
    return s;
}

/* A disclaimer or the team's boilerplate opening a short block ending at
 * S; a rule line just above it joins the signature. */
static gsize sig_starter(const BodySeq *seq, gsize s)
{
    gsize filled = 0;
    for (gsize k = s; k-- > 0 && s - k <= SIG_SCAN_LINES;) {
        if (seq_blank(seq, k))
            continue;
        if (++filled > SIG_STARTER_MAX)
            break;
        if (has_feature(seq->at[k], F_STARTER)) {
            gssize above = last_filled_before(seq, k);
            return above >= 0 && seq->at[above]->kind == LINE_RULE ? (gsize)above : k;
        }
    }
    return s;
}

/* TRUE when SEQ holds a non-blank line before index K. */
static gboolean has_text_before(const BodySeq *seq, gsize k)
{
    for (gsize i = 0; i < k; i++)
        if (!seq_blank(seq, i))
            return TRUE;
    return FALSE;
}

/* A closing formula ("此致 / 敬礼", "Best regards,") followed up to S by a
 * person's name or contact line, then only name, title, contact or date
 * lines.  Closings on the lines just above join it ("此致" over "敬礼");
 * one further up, past a blank line ("Thanks." … "Best regards"), is new
 * text.  When nothing would be left of the new text, the closing stays in
 * it and only what follows moves. */
static gsize sig_closing(const BodySeq *seq, gsize s)
{
    gssize closing = -1, first_after = -1;
    gsize after = 0;
    for (gsize k = s; k-- > 0 && s - k <= SIG_SCAN_LINES;) {
        Line *line = seq->at[k];
        if (line->kind == LINE_BLANK)
            continue;
        if (has_feature(line, F_CLOSING) && closing >= 0) {
            if (k + 1 != (gsize)closing)
                break;
            closing = (gssize)k;
            continue;
        }
        if (has_feature(line, F_CLOSING)) {
            if (first_after >= 0 && has_feature(seq->at[first_after], F_PERSON | F_STRONG))
                closing = (gssize)k;
            continue;
        }
        if (closing >= 0 || ++after > CLOSING_AFTER_MAX
            || !(has_feature(line, F_NAME | F_STRONG | F_TITLE | F_DATE_LINE)
                 || line->kind == LINE_RULE))
            break;
        first_after = (gssize)k;
    }
    if (closing < 0)
        return s;
    if (has_text_before(seq, (gsize)closing))
        return (gsize)closing;
    for (gsize k = (gsize)closing; k < s; k++)
        if (!seq_blank(seq, k) && !has_feature(seq->at[k], F_CLOSING))
            return k;
    return s;
}

/* TRUE when the line at index K of SEQ is set off from the text above it:
 * a blank line or the end of a sentence comes first, and there is text. */
static gboolean set_off_from_text(const BodySeq *seq, gsize k)
{
    if (k == 0 || !has_text_before(seq, k))
        return FALSE;
    const char *above = seq->at[k - 1]->norm;
    return seq_blank(seq, k - 1) || looks_like_sentence(above)
        || above[strlen(above) - 1] == '.';
}

/* A person's name opening a short block of title and contact lines up to
 * S, with no closing formula ("陈怡君 / 瑞陽商業銀行 資訊處 / 電話：…"):
 * at most NAME_BLOCK_MAX lines after the name, one of them a title or
 * contact line, and the name set off from the text above it. */
static gsize sig_name_block(const BodySeq *seq, gsize s)
{
    gsize filled = 0, described = 0;
    for (gsize k = s; k-- > 0 && s - k <= SIG_SCAN_LINES;) {
        Line *line = seq->at[k];
        if (line->kind == LINE_BLANK)
            continue;
        if (described > 0 && has_feature(line, F_PERSON))
            return set_off_from_text(seq, k) ? k : s;
        if (++filled > NAME_BLOCK_MAX || !has_feature(line, F_NAME | F_STRONG | F_TITLE))
            break;
        described += has_feature(line, F_STRONG | F_TITLE);
    }
    return s;
}

typedef gsize (*SignatureRule)(const BodySeq *seq, gsize s);

/* Each rule looks at the new text ending at index s and returns where a
 * signature block ending there starts (s when it finds none). */
static const SignatureRule signature_rules[] = {
    sig_mobile_footer, sig_dashdash, sig_rule_block, sig_starter, sig_closing,
    sig_name_block,
};

/* Index in SEQ where the signature starts (seq->n when none).  The rules
 * run until none of them moves the start further up (stacked blocks such as
 * closing, name, rule, contact lines, mobile footer all join), or until the
 * signature holds SIG_MAX_LINES lines. */
static gsize signature_start(const BodySeq *seq)
{
    gsize s = seq->n;
    for (gboolean moved = TRUE; moved && seq->n - s <= SIG_MAX_LINES;) {
        moved = FALSE;
        for (gsize r = 0; r < G_N_ELEMENTS(signature_rules); r++) {
            gsize t = signature_rules[r](seq, s);
            moved |= t < s;
            s = MIN(s, t);
        }
    }
    gssize above = s < seq->n ? last_filled_before(seq, s) : -1;
    return above >= 0 && seq->at[above]->kind == LINE_RULE ? (gsize)above : s;
}

/* Move the signature at the end of the new text to PART_SIGNATURE. */
static void split_signature(Doc *doc)
{
    BodySeq seq = { g_new(Line *, doc->n + 1), 0 };
    for (gsize i = 0; i < doc->n; i++)
        if (doc->lines[i].part == PART_BODY)
            seq.at[seq.n++] = &doc->lines[i];
    for (gsize k = signature_start(&seq); k < seq.n; k++)
        seq.at[k]->part = PART_SIGNATURE;
    g_free(seq.at);
}

/* Count the non-blank new-text lines of DOC and their bytes. */
static void measure_body(const Doc *doc, gsize *lines, gsize *bytes)
{
    *lines = *bytes = 0;
    for (gsize i = 0; i < doc->n; i++) {
        if (doc->lines[i].part != PART_BODY || doc->lines[i].kind == LINE_BLANK)
            continue;
        (*lines)++;
        *bytes += doc->lines[i].raw_len;
    }
}

/* TRUE when the tail starting with TAIL_MARK is a forwarded message: after
 * a forward marker when the new text is a short note ("FYI, see below") or
 * empty; after a header block or separator when there is no new text at
 * all (an Outlook forward looks like a reply; a reply with no text is
 * rarer than a forward with no note). */
static gboolean tail_is_forwarded(const Doc *doc, MarkKind tail_mark)
{
    gsize lines, bytes;
    measure_body(doc, &lines, &bytes);
    if (tail_mark == MARK_FORWARD)
        return lines <= FORWARD_NOTE_LINES && bytes <= FORWARD_NOTE_BYTES;
    return (tail_mark == MARK_HEADERS || tail_mark == MARK_SEPARATOR) && lines == 0;
}

/* ---- output ---------------------------------------------------------- */

/* Byte length of the white space at P (ASCII, NBSP, U+3000), or 0. */
static gsize space_len(const char *p)
{
    if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\v' || *p == '\f')
        return 1;
    if (strncmp(p, "\xC2\xA0", 2) == 0)
        return 2;
    return strncmp(p, "\xE3\x80\x80", 3) == 0 ? 3 : 0;
}

/* TRUE when the bytes from P to END are all white space. */
static gboolean span_is_blank(const char *p, const char *end)
{
    for (gsize n; p < end; p += n)
        if ((n = space_len(p)) == 0)
            return FALSE;
    return TRUE;
}

/* Copy of S (LEN bytes) without its leading and trailing blank lines;
 * interior lines and the first line's indentation are kept.  Caller frees. */
static char *trim_blank_lines(const char *s, gsize len)
{
    const char *start = s, *end = s + len;
    while (start < end) {
        const char *nl = memchr(start, '\n', (gsize)(end - start));
        if (!span_is_blank(start, nl ? nl : end))
            break;
        start = nl ? nl + 1 : end;
    }
    while (end > start) {
        const char *nl = end;
        while (nl > start && *--nl != '\n')
            ;
        nl = *nl == '\n' && nl < end ? nl : NULL;
        if (!span_is_blank(nl ? nl + 1 : start, end))
            break;
        end = nl ? nl : start;
    }
    return g_strndup(start, (gsize)(end - start));
}

/* Append TEXT (LEN bytes) to OUT with every "\r\n" or "\r" made "\n". */
static void append_unix(GString *out, const char *text, gsize len)
{
    const char *end = text + len;
    for (const char *cr; (cr = memchr(text, '\r', (gsize)(end - text))) != NULL; text = cr + 1) {
        g_string_append_len(out, text, cr - text);
        if (cr + 1 >= end || cr[1] != '\n')
            g_string_append_c(out, '\n');
    }
    g_string_append_len(out, text, end - text);
}

/* Build the four strings of OUT from the parts of DOC's lines. */
static void build_output(const Doc *doc, CkSplit *out)
{
    GString *parts[PART_COUNT];
    for (int p = 0; p < PART_COUNT; p++)
        parts[p] = g_string_new("");
    for (gsize i = 0; i < doc->n; i++) {
        append_unix(parts[doc->lines[i].part], doc->lines[i].raw, doc->lines[i].raw_len);
        g_string_append_c(parts[doc->lines[i].part], '\n');
    }
    if (doc->rest && doc->n > 0)
        append_unix(parts[doc->lines[doc->n - 1].part], doc->rest, strlen(doc->rest));
    char **fields[PART_COUNT] = { &out->body, &out->quoted, &out->signature, &out->forwarded };
    for (int p = 0; p < PART_COUNT; p++) {
        if (g_utf8_validate(parts[p]->str, (gssize)parts[p]->len, NULL)) {
            *fields[p] = trim_blank_lines(parts[p]->str, parts[p]->len);
        } else {
            char *valid = g_utf8_make_valid(parts[p]->str, (gssize)parts[p]->len);
            *fields[p] = trim_blank_lines(valid, strlen(valid));
            g_free(valid);
        }
        g_string_free(parts[p], TRUE);
    }
}

/* ---- entry points ---------------------------------------------------- */

/* See split.h. */
void ck_split_text(const char *text, CkSplit *out)
{
    Doc doc = { 0 };
    split_lines(&doc, text ? text : "");
    unquote_mbox_escapes(&doc);
    mark_structures(&doc);
    MarkKind tail_mark;
    gsize tail = assign_parts(&doc, &tail_mark);
    split_signature(&doc);
    if (tail_is_forwarded(&doc, tail_mark))
        for (gsize i = tail; i < doc.n; i++)
            doc.lines[i].part = PART_FORWARDED;
    build_output(&doc, out);
    for (gsize i = 0; i < doc.n; i++)
        g_free(doc.lines[i].norm);
    g_free(doc.lines);
}

/* See split.h. */
void ck_split_clear(CkSplit *split)
{
    g_free(split->body);
    g_free(split->quoted);
    g_free(split->signature);
    g_free(split->forwarded);
    split->body = split->quoted = split->signature = split->forwarded = NULL;
}
