/* test-datetime.c — the date forms of thread exports and mail clients. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "ingest/datetime.h"

/* Assert that TEXT read in ZONE_ID (NULL: UTC) is the instant WANT (ISO 8601
 * in UTC, e.g. "2021-03-09T17:45:00Z"), or not a date when WANT is NULL. */
static void assert_reads(const char *text, const char *zone_id, const char *want)
{
    GTimeZone *zone = zone_id ? g_time_zone_new_identifier(zone_id) : NULL;
    GDateTime *dt = ck_datetime_parse_loose(text, zone);
    if (zone)
        g_time_zone_unref(zone);
    if (!want) {
        if (dt)
            fail_msg("\"%s\" read as a date", text);
        return;
    }
    if (!dt)
        fail_msg("\"%s\" not read", text);
    GDateTime *utc = g_date_time_to_utc(dt);
    char *got = g_date_time_format(utc, "%Y-%m-%dT%H:%M:%SZ");
    if (g_strcmp0(got, want) != 0)
        fail_msg("\"%s\": got %s, want %s", text, got, want);
    g_free(got);
    g_date_time_unref(utc);
    g_date_time_unref(dt);
}

static void iso_forms_are_read(void **state)
{
    assert_reads("2021-03-09 17:45:52.867000+00:00", NULL, "2021-03-09T17:45:52Z");
    assert_reads("2021-03-09T17:45:52+08:00", NULL, "2021-03-09T09:45:52Z");
    assert_reads("2021-03-09 17:45:52 +0800", NULL, "2021-03-09T09:45:52Z");
    assert_reads("2021-03-09 17:45Z", NULL, "2021-03-09T17:45:00Z");
    assert_reads("2021-03-09", NULL, "2021-03-09T00:00:00Z");
}

static void slashed_and_chinese_forms_are_read(void **state)
{
    assert_reads("2021/3/9 17:45", NULL, "2021-03-09T17:45:00Z");
    assert_reads("2021/03/09 5:45 PM", NULL, "2021-03-09T17:45:00Z");
    assert_reads("2021年3月9日 17:45", NULL, "2021-03-09T17:45:00Z");
    assert_reads("2021年3月9日17:45:30", NULL, "2021-03-09T17:45:30Z");
    assert_reads("2021-03-09 星期二 17:45", NULL, "2021-03-09T17:45:00Z");
    assert_reads("2021年3月9日 星期二 下午5:45", NULL, "2021-03-09T17:45:00Z");
    assert_reads("2021年3月9日（二） 上午12:05", NULL, "2021-03-09T00:05:00Z");
    assert_reads("2021年3月9日 17时45分", NULL, "2021-03-09T17:45:00Z");
    assert_reads("2021年3月9日 週二 中午12:30", NULL, "2021-03-09T12:30:00Z");
}

static void english_client_forms_are_read(void **state)
{
    assert_reads("Tuesday, March 9, 2021 5:45 PM", NULL, "2021-03-09T17:45:00Z");
    assert_reads("Tue, 9 Mar 2021 17:45:52 +0800", NULL, "2021-03-09T09:45:52Z");
    assert_reads("9 March 2021 at 17:45", NULL, "2021-03-09T17:45:00Z");
}

static void a_zone_applies_only_without_an_offset(void **state)
{
    assert_reads("2021年3月9日 17:45", "+08:00", "2021-03-09T09:45:00Z");
    assert_reads("2021-03-09 17:45+00:00", "+08:00", "2021-03-09T17:45:00Z");
}

static void non_dates_are_refused(void **state)
{
    assert_reads("", NULL, NULL);
    assert_reads("昨天下午", NULL, NULL);
    assert_reads("2021-13-09 17:45", NULL, NULL);
    assert_reads("2021-02-30", NULL, NULL);
    assert_reads("2021-03-09 25:00", NULL, NULL);
    assert_reads("2021-03-09 17:45 and more words", NULL, NULL);
    assert_reads("\xff\xfe", NULL, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(iso_forms_are_read),
        cmocka_unit_test(slashed_and_chinese_forms_are_read),
        cmocka_unit_test(english_client_forms_are_read),
        cmocka_unit_test(a_zone_applies_only_without_an_offset),
        cmocka_unit_test(non_dates_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
