/* timezone.c — the display zone and displayed times (see timezone.h). */
#include "reports/timezone.h"

#include <string.h>

/* The display zone; NULL means UTC. */
static GTimeZone *display_zone;

/* See timezone.h. */
gboolean ck_display_zone_set(const char *name, GError **error)
{
    GTimeZone *zone = name && *name ? g_time_zone_new_identifier(name) : g_time_zone_new_utc();
    if (!zone) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "unknown time zone '%s' (use a name such as Asia/Shanghai, or UTC, or +08:00)", name);
        return FALSE;
    }
    if (display_zone)
        g_time_zone_unref(display_zone);
    display_zone = zone;
    return TRUE;
}

/* See timezone.h. */
char *ck_time_display(const char *iso, gboolean date_only)
{
    if (!iso || !*iso)
        return g_strdup("");
    GTimeZone *utc = g_time_zone_new_utc();
    GDateTime *t = g_date_time_new_from_iso8601(iso, utc);
    g_time_zone_unref(utc);
    if (!t)
        return g_strdup(iso);
    GDateTime *local = display_zone ? g_date_time_to_timezone(t, display_zone) : g_date_time_to_utc(t);
    char *day = g_date_time_format(local, "%Y-%m-%d");
    char *text = day;
    if (!date_only) {
        gint64 offset = g_date_time_get_utc_offset(local) / G_TIME_SPAN_MINUTE;
        char *clock = g_date_time_format(local, "%H:%M");
        text = g_strdup_printf("%s %s %c%02d:%02d", day, clock, offset < 0 ? '-' : '+',
                               (int)(ABS(offset) / 60), (int)(ABS(offset) % 60));
        g_free(clock);
        g_free(day);
    }
    g_date_time_unref(local);
    g_date_time_unref(t);
    return text;
}
