/* timezone.h — the time zone displayed times are shown in, and the one
 * function every text, Markdown and HTML renderer formats a time with.
 *
 * Case documents, --json output, export and the database keep times as
 * UTC ISO 8601 ("2021-03-09T17:45:52Z"); only what a person reads is
 * shown in the display zone, with its offset: "2021-03-10 01:45 +08:00".
 * The zone is process-wide: set it once (main() does, from --tz or TZ)
 * before anything is rendered; it is UTC until then.
 */
#ifndef CASEKB_TIMEZONE_H
#define CASEKB_TIMEZONE_H

#include <glib.h>

/* Show times in zone NAME (an IANA name such as "Asia/Shanghai", "UTC",
 * or an offset such as "+08:00"); NULL or "" means UTC.  FALSE with
 * *error naming NAME when GLib does not know the zone. */
gboolean ck_display_zone_set(const char *name, GError **error);

/* ISO, a UTC ISO 8601 time, in the display zone: "2021-03-10 01:45 +08:00",
 * or only "2021-03-10" when DATE_ONLY.  "" for ""; ISO itself when it does
 * not parse.  Caller frees. */
char *ck_time_display(const char *iso, gboolean date_only);

#endif
