/* datetime.h — read the date forms people and mail clients write.
 *
 * Thread exports and pasted headers carry dates as ISO 8601
 * ("2021-03-09 17:45:52.867000+00:00"), slashed ("2021/3/9 17:45"), Chinese
 * ("2021年3月9日 17:45", "2021年3月9日 星期二 下午5:45", "2021-03-09 星期二
 * 17:45") or English mail-client forms ("Tuesday, March 9, 2021 5:45 PM",
 * "Tue, 9 Mar 2021 17:45:52 +0800").  One function reads them all.
 */
#ifndef CASEKB_DATETIME_H
#define CASEKB_DATETIME_H

#include <glib.h>

/* Parse TEXT as one of the forms above.  A date without an offset is read in
 * ZONE (UTC when ZONE is NULL); a date without a time is midnight.  Returns a
 * new GDateTime the caller unrefs, or NULL when TEXT is not a date. */
GDateTime *ck_datetime_parse_loose(const char *text, GTimeZone *zone);

#endif
