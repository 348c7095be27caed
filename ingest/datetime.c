/* datetime.c — read the date forms people and mail clients write.
 *
 * The text is first rewritten to one numeric form: weekday names dropped,
 * 年/月/日 and 时/分/秒 turned into '-' and ':', 上午/下午 and friends turned
 * into AM/PM, English month names read; then one pattern reads
 * "Y-M-D [AM|PM] H:M[:S[.frac]] [AM|PM] [zone]".  Anything left over makes
 * the text not a date (GMime's lenient RFC 5322 parser would take
 * "2021-03-09 and more words").
 */
#include "ingest/datetime.h"

#include <stdlib.h>
#include <string.h>

/* One rewrite: every match of PATTERN (case-insensitive) becomes REPLACEMENT
 * (GRegex replacement syntax: \1 for a group). */
typedef struct {
    const char *pattern;
    const char *replacement;
} Rewrite;

static const Rewrite REWRITES[] = {
    /* full-width and no-break spaces */
    { "[\\x{3000}\\x{00A0}]", " " },
    /* weekdays: 星期二, 周二, 礼拜二, (二), Tuesday, Tue, */
    { "(?:星期|周|週|礼拜|禮拜)[一二三四五六日天]", " " },
    { "[(（][一二三四五六日天][)）]", " " },
    { "\\b(?:mon|tue|wed|thu|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?\\b\\.?,?", " " },
    /* 2021年3月9日 → 2021-3-9 */
    { "(\\d{4})\\s*年\\s*(\\d{1,2})\\s*月\\s*(\\d{1,2})\\s*[日号號]?", "\\1-\\2-\\3 " },
    /* 17时45分30秒, 17點45分 → 17:45:30 */
    { "(\\d{1,2})\\s*[时時点點]\\s*(\\d{1,2})\\s*分(?:\\s*(\\d{1,2})\\s*秒)?", "\\1:\\2:\\3" },
    { ":(?=\\s|$)", " " },
    /* 上午/凌晨/早上 → AM, 下午/中午/晚上/傍晚 → PM */
    { "(?:上午|凌晨|早上|早晨)", " AM " },
    { "(?:下午|中午|晚上|傍晚)", " PM " },
    { "\\bat\\b", " " },
};

static const char *const MONTHS[] = { "jan", "feb", "mar", "apr", "may", "jun",
                                      "jul", "aug", "sep", "oct", "nov", "dec" };

static const char *const ENGLISH_FORMS[] = {
    "^\\s*(?<mon>[a-z]{3,9})\\.?\\s+(?<day>\\d{1,2}),?\\s+(?<year>\\d{4}),?(?<rest>.*)$",
    "^\\s*(?<day>\\d{1,2})\\s+(?<mon>[a-z]{3,9})\\.?,?\\s+(?<year>\\d{4}),?(?<rest>.*)$",
};

static const char *const NUMERIC_FORM =
    "^\\s*(\\d{4})[-/.](\\d{1,2})[-/.](\\d{1,2})"
    "(?:[\\sT]+(AM|PM)?\\s*(\\d{1,2}):(\\d{2})(?::(\\d{2})(?:[.,](\\d{1,9}))?)?\\s*(AM|PM)?)?"
    "\\s*(Z|UTC|GMT|[+-]\\d{2}:?\\d{2})?\\s*(?:\\(.*\\))?\\s*$";

enum { N_REWRITES = G_N_ELEMENTS(REWRITES), N_ENGLISH = G_N_ELEMENTS(ENGLISH_FORMS) };
static GRegex *compiled[N_REWRITES + N_ENGLISH + 1];

/* The compiled pattern number WHICH: REWRITES first, then ENGLISH_FORMS,
 * then NUMERIC_FORM.  Compiled once, from any thread; never freed. */
static GRegex *pattern(gsize which)
{
    static gsize once = 0;
    if (g_once_init_enter(&once)) {
        for (gsize i = 0; i < G_N_ELEMENTS(compiled); i++) {
            const char *source = i < N_REWRITES ? REWRITES[i].pattern
                               : i < N_REWRITES + N_ENGLISH ? ENGLISH_FORMS[i - N_REWRITES]
                               : NUMERIC_FORM;
            compiled[i] = g_regex_new(source, G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);
            g_assert(compiled[i]);   /* the patterns are constants */
        }
        g_once_init_leave(&once, 1);
    }
    return compiled[which];
}

/* Apply REWRITES to TEXT; returns a new string the caller frees. */
static char *rewrite_to_numeric(const char *text)
{
    char *out = g_strdup(text);
    for (gsize i = 0; i < N_REWRITES; i++) {
        char *next = g_regex_replace(pattern(i), out, -1, 0, REWRITES[i].replacement, 0, NULL);
        if (next) {
            g_free(out);
            out = next;
        }
    }
    return out;
}

/* The month number (1-12) of the English month name NAME (3+ letters), or 0. */
static int month_number(const char *name)
{
    if (strlen(name) < 3)
        return 0;
    for (int m = 0; m < 12; m++)
        if (g_ascii_strncasecmp(name, MONTHS[m], 3) == 0)
            return m + 1;
    return 0;
}

/* Rewrite English "March 9, 2021 ..." and "9 March 2021 ..." in TEXT to
 * "2021-3-9 ..."; returns a new string the caller frees (a copy of TEXT when
 * neither form is there). */
static char *rewrite_english_date(const char *text)
{
    for (gsize i = 0; i < N_ENGLISH; i++) {
        GMatchInfo *mi = NULL;
        char *result = NULL;
        if (g_regex_match(pattern(N_REWRITES + i), text, 0, &mi)) {
            char *mon = g_match_info_fetch_named(mi, "mon");
            char *day = g_match_info_fetch_named(mi, "day");
            char *year = g_match_info_fetch_named(mi, "year");
            char *rest = g_match_info_fetch_named(mi, "rest");
            int m = month_number(mon);
            if (m)
                result = g_strdup_printf("%s-%d-%s %s", year, m, day, rest);
            g_free(mon), g_free(day), g_free(year), g_free(rest);
        }
        g_match_info_free(mi);
        if (result)
            return result;
    }
    return g_strdup(text);
}

/* The zone of the offset text ZONE_TEXT ("Z", "UTC", "+08:00", "+0800"), or
 * a new reference to DEFAULT_ZONE when it is empty.  Caller unrefs. */
static GTimeZone *zone_from_text(const char *zone_text, GTimeZone *default_zone)
{
    if (!*zone_text)
        return default_zone ? g_time_zone_ref(default_zone) : g_time_zone_new_utc();
    if (g_ascii_isalpha(zone_text[0]))
        return g_time_zone_new_utc();
    char hhmm[7] = { zone_text[0], zone_text[1], zone_text[2], ':', 0, 0, 0 };
    const char *minutes = zone_text[3] == ':' ? zone_text + 4 : zone_text + 3;
    hhmm[4] = minutes[0];
    hhmm[5] = minutes[1];
    return g_time_zone_new_identifier(hhmm);
}

/* The hour HOUR (as written) on a 24-hour clock given its AM/PM marker
 * MARKER ("" when none), or -1 when they do not fit together. */
static int hour_24(int hour, const char *marker)
{
    if (!*marker)
        return hour <= 23 ? hour : -1;
    if (hour < 1 || hour > 12)
        return hour <= 23 && hour > 12 ? hour : -1;   /* "下午17:45" happens */
    gboolean pm = g_ascii_toupper(marker[0]) == 'P';
    if (hour == 12)
        return pm ? 12 : 0;
    return pm ? hour + 12 : hour;
}

/* Read the numeric form ("Y-M-D [AM] H:M[:S[.f]] [PM] [zone]") of TEXT in
 * ZONE; NULL when it is not that form.  Caller unrefs. */
static GDateTime *parse_numeric(const char *text, GTimeZone *zone)
{
    GMatchInfo *mi = NULL;
    GDateTime *dt = NULL;
    if (g_regex_match(pattern(N_REWRITES + N_ENGLISH), text, 0, &mi)) {
        char *f[11];
        for (int i = 1; i <= 10; i++)
            f[i] = g_match_info_fetch(mi, i);   /* "" for a group that did not take part */
        const char *marker = *f[4] ? f[4] : f[9];
        int hour = *f[5] ? hour_24(atoi(f[5]), marker) : 0;
        int minute = *f[6] ? atoi(f[6]) : 0;
        double seconds = *f[7] ? MIN(atoi(f[7]), 59) : 0;
        if (*f[8]) {
            char *fraction = g_strconcat("0.", f[8], NULL);
            seconds += g_ascii_strtod(fraction, NULL);
            g_free(fraction);
        }
        GTimeZone *tz = zone_from_text(f[10], zone);
        if (hour >= 0 && minute <= 59)
            dt = g_date_time_new(tz, atoi(f[1]), atoi(f[2]), atoi(f[3]), hour, minute, seconds);
        g_time_zone_unref(tz);
        for (int i = 1; i <= 10; i++)
            g_free(f[i]);
    }
    g_match_info_free(mi);
    return dt;
}

/* See datetime.h. */
GDateTime *ck_datetime_parse_loose(const char *text, GTimeZone *zone)
{
    if (!text || !g_utf8_validate(text, -1, NULL))
        return NULL;
    char *numeric = rewrite_to_numeric(text);
    char *english = rewrite_english_date(numeric);
    GDateTime *dt = parse_numeric(english, zone);
    g_free(english);
    g_free(numeric);
    return dt;
}
