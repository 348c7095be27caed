/* params.c — query parameters of the queue and the API (params.h,
 * handler.h). */
#include "serve/params.h"
#include "reports/report.h"
#include <string.h>

const char *const CK_SERVE_FILTER_PARAMS[] = { "status", "severity", "vendor", "customer", "cause", "waiting_on",
                                               "older_than", "since", "until", "sort", "limit", NULL };

G_DEFINE_QUARK(ck-serve-error-quark, ck_serve_error)

/* See handler.h. */
const char *ck_serve_param(const CkServeRequest *req, const char *name)
{
    const char *value = g_hash_table_lookup(req->query, name);
    return value && *value ? value : NULL;
}

/* See handler.h. */
gboolean ck_serve_int_param(const CkServeRequest *req, const char *name, gint64 def, gint64 min, gint64 max,
                            gint64 *value, GError **error)
{
    const char *text = ck_serve_param(req, name);
    if (!text) {
        *value = def;
        return TRUE;
    }
    gint64 n = 0;
    if (!g_ascii_string_to_signed(text, 10, min, max, &n, NULL)) {
        g_set_error(error, CK_SERVE_ERROR, CK_SERVE_ERROR_REQUEST, "%s: '%s' is not a number from %" G_GINT64_FORMAT
                    " to %" G_GINT64_FORMAT, name, text, min, max);
        return FALSE;
    }
    *value = n;
    return TRUE;
}

/* See handler.h. */
gboolean ck_serve_flag_param(const CkServeRequest *req, const char *name)
{
    static const char *const yes[] = { "1", "true", "yes", "on", NULL };
    const char *text = ck_serve_param(req, name);
    return text && g_strv_contains(yes, text);
}

/* The entry of the NULL-terminated CHOICES that VALUE names (ASCII case
 * ignored); NULL VALUE gives NULL.  FALSE with *error when VALUE is none. */
static gboolean choose(const char *name, const char *value, const char *const *choices, const char **chosen,
                       GError **error)
{
    *chosen = NULL;
    for (guint i = 0; value && choices[i]; i++)
        if (g_ascii_strcasecmp(value, choices[i]) == 0)
            *chosen = choices[i];
    if (!value || *chosen)
        return TRUE;
    char *allowed = g_strjoinv(", ", (char **)choices);
    g_set_error(error, CK_SERVE_ERROR, CK_SERVE_ERROR_REQUEST, "%s: '%s' is not one of %s", name, value, allowed);
    g_free(allowed);
    return FALSE;
}

/* See handler.h. */
gboolean ck_serve_date_param(const CkServeRequest *req, const char *name, gboolean end_of_range, gint64 *when,
                           gboolean *set, GError **error)
{
    const char *text = ck_serve_param(req, name);
    *set = FALSE;
    if (!text)
        return TRUE;
    GError *local = NULL;
    if (!ck_report_parse_date(text, end_of_range, when, &local)) {
        g_set_error(error, CK_SERVE_ERROR, CK_SERVE_ERROR_REQUEST, "%s: %s", name, local->message);
        g_error_free(local);
        return FALSE;
    }
    *set = TRUE;
    return TRUE;
}

/* See params.h. */
gboolean ck_serve_case_filter(const CkServeRequest *req, gint64 default_limit, CkCaseFilter *filter,
                              GError **error)
{
    static const char *const statuses[] = { "open", "closed", NULL };
    static const char *const sides[] = { "us", "customer", NULL };
    static const char *const sorts[] = { "opened", "newest", "updated", "messages", NULL };
    *filter = (CkCaseFilter){ .severity = ck_serve_param(req, "severity"), .vendor = ck_serve_param(req, "vendor"),
                              .customer = ck_serve_param(req, "customer"), .cause = ck_serve_param(req, "cause") };
    const char *sort = NULL;
    gint64 older_than = 0;
    if (!choose("status", ck_serve_param(req, "status"), statuses, &filter->status, error)
        || !choose("waiting_on", ck_serve_param(req, "waiting_on"), sides, &filter->waiting_on, error)
        || !choose("sort", ck_serve_param(req, "sort"), sorts, &sort, error)
        || !ck_serve_int_param(req, "limit", default_limit, 0, 100000, &filter->limit, error)
        || !ck_serve_int_param(req, "offset", 0, 0, G_MAXINT32, &filter->offset, error)
        || !ck_serve_int_param(req, "older_than", 0, 0, 100000, &older_than, error)
        || !ck_serve_date_param(req, "since", FALSE, &filter->since, &filter->has_since, error)
        || !ck_serve_date_param(req, "until", TRUE, &filter->until, &filter->has_until, error))
        return FALSE;
    for (guint i = 0; sort && sorts[i]; i++)
        if (sorts[i] == sort)
            filter->sort = (CkCaseSort)i;
    if (older_than > 0) {   /* as `cases --older-than`: an earlier --until */
        gint64 cutoff = g_get_real_time() / G_USEC_PER_SEC - older_than * 86400;
        filter->until = filter->has_until ? MIN(filter->until, cutoff) : cutoff;
        filter->has_until = TRUE;
    }
    return TRUE;
}
