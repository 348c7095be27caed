/* cmd-cases.c — `casekb cases`: list the cases, filtered and sorted. */
#include "cli/commands.h"
#include "reports/case-text.h"
#include "reports/privacy.h"
#include "analyzer/customers.h"

/* The options of `cases`, as given (NULL / 0 when absent). */
typedef struct {
    char *status, *severity, *vendor, *customer, *cause, *waiting, *since, *until, *sort;
    int older_than_days, limit, offset;
    gboolean count;
} CasesOptions;

static void cases_options_clear(CasesOptions *o)
{
    char **strings[] = { &o->status, &o->severity, &o->vendor, &o->customer, &o->cause,
                         &o->waiting, &o->since, &o->until, &o->sort };
    for (guint i = 0; i < G_N_ELEMENTS(strings); i++)
        g_clear_pointer(strings[i], g_free);
}

/* Index of VALUE in the NULL-terminated CHOICES, or -1 (VALUE NULL: 0). */
static int choice_index(const char *value, const char *const *choices)
{
    if (!value)
        return 0;
    for (int i = 0; choices[i]; i++)
        if (g_ascii_strcasecmp(value, choices[i]) == 0)
            return i;
    return -1;
}

/* Turn the options O into FILTER; prints one error line and returns FALSE
 * when a value is not allowed. */
static gboolean cases_filter_from_options(CkContext *ctx, const CasesOptions *o, CkCaseFilter *filter)
{
    static const char *const statuses[] = { "open", "closed", NULL };
    static const char *const sides[] = { "us", "customer", NULL };
    static const char *const sorts[] = { "opened", "newest", "updated", "messages", NULL };
    *filter = (CkCaseFilter){ .status = o->status, .severity = o->severity, .vendor = o->vendor,
                              .customer = o->customer, .cause = o->cause, .waiting_on = o->waiting,
                              .limit = o->limit, .offset = o->offset };
    if (o->status && choice_index(o->status, statuses) < 0) {
        ck_cli_error(ctx, CK_EXIT_USAGE, "--status: '%s' is not open or closed", o->status);
        return FALSE;
    }
    if (o->waiting && choice_index(o->waiting, sides) < 0) {
        ck_cli_error(ctx, CK_EXIT_USAGE, "--waiting-on: '%s' is not us or customer", o->waiting);
        return FALSE;
    }
    int sort = choice_index(o->sort, sorts);
    if (sort < 0) {
        ck_cli_error(ctx, CK_EXIT_USAGE, "--sort: '%s' is not opened, newest, updated or messages", o->sort);
        return FALSE;
    }
    filter->sort = (CkCaseSort)sort;
    if (o->status)
        filter->status = statuses[choice_index(o->status, statuses)];   /* as stored: lower case */
    if (o->waiting)
        filter->waiting_on = sides[choice_index(o->waiting, sides)];
    if (o->limit < 0 || o->offset < 0 || o->older_than_days < 0) {
        ck_cli_error(ctx, CK_EXIT_USAGE, "--limit, --offset and --older-than take a number >= 0");
        return FALSE;
    }
    if (!ck_cli_parse_date_option(ctx, "since", o->since, FALSE, &filter->since, &filter->has_since)
        || !ck_cli_parse_date_option(ctx, "until", o->until, TRUE, &filter->until, &filter->has_until))
        return FALSE;
    if (o->older_than_days > 0) {   /* --older-than is an earlier --until */
        gint64 cutoff = g_get_real_time() / G_USEC_PER_SEC - (gint64)o->older_than_days * 86400;
        filter->until = filter->has_until ? MIN(filter->until, cutoff) : cutoff;
        filter->has_until = TRUE;
    }
    return TRUE;
}

/* --customer NAME also finds the other names of NAME's organisation in the
 * alias table (customers.yaml in the rule folder): sets FILTER's
 * customer_names, which the caller unrefs.  FALSE (one error line) when
 * the table is bad. */
static gboolean expand_customer(CkContext *ctx, CkCaseFilter *filter)
{
    if (!filter->customer || !*filter->customer)
        return TRUE;
    GError *error = NULL;
    CkCustomers *customers = ck_customers_load_dir(ctx->rules_dir, &error);
    if (!customers) {
        ck_cli_fail(ctx, CK_EXIT_USAGE, error);
        return FALSE;
    }
    filter->customer_names = ck_customers_names(customers, filter->customer);
    ck_customers_free(customers);
    return TRUE;
}

/* Print the list (or its count) that FILTER selects; the exit status. */
static int print_cases(CkContext *ctx, const CkCaseFilter *filter, gboolean count_only)
{
    GError *error = NULL;
    if (count_only) {
        gint64 n = 0;
        return ck_store_case_count(ctx->store, filter, &n, &error) ? ck_cli_print_count(ctx, n)
                                                                   : ck_cli_fail(ctx, CK_EXIT_INTERNAL, error);
    }
    JsonNode *list = ck_store_case_list(ctx->store, filter, &error);
    if (!list)
        return ck_cli_fail(ctx, CK_EXIT_INTERNAL, error);
    ck_json_mask_product_keys(list);
    ck_output_write(stdout, ctx->format, list, ck_text_case_list);
    int rc = json_array_get_length(json_node_get_array(list)) ? CK_EXIT_OK : CK_EXIT_NOT_FOUND;
    json_node_unref(list);
    return rc;
}

int casekb_cmd_cases(CkContext *ctx, int argc, char **argv)
{
    CasesOptions o = { 0 };
    const GOptionEntry entries[] = {
        { "status", 0, 0, G_OPTION_ARG_STRING, &o.status, "open or closed", "STATUS" },
        { "severity", 0, 0, G_OPTION_ARG_STRING, &o.severity, "Severity, e.g. 紧急事件", "NAME" },
        { "vendor", 0, 0, G_OPTION_ARG_STRING, &o.vendor, "Vendor, e.g. HP", "NAME" },
        { "customer", 0, 0, G_OPTION_ARG_STRING, &o.customer, "Customer name containing TEXT", "TEXT" },
        { "cause", 0, 0, G_OPTION_ARG_STRING, &o.cause, "Root cause id or category (activation)", "ID" },
        { "waiting-on", 0, 0, G_OPTION_ARG_STRING, &o.waiting, "Open cases waiting on us (the customer "
          "wrote last) or on the customer", "us|customer" },
        { "older-than", 0, 0, G_OPTION_ARG_INT, &o.older_than_days, "Opened more than DAYS ago", "DAYS" },
        { "since", 0, 0, G_OPTION_ARG_STRING, &o.since, "Opened on or after DATE", "DATE" },
        { "until", 0, 0, G_OPTION_ARG_STRING, &o.until, "Opened on or before DATE", "DATE" },
        { "sort", 0, 0, G_OPTION_ARG_STRING, &o.sort, "opened (default), newest, updated or messages", "KEY" },
        { "limit", 0, 0, G_OPTION_ARG_INT, &o.limit, "At most N cases", "N" },
        { "offset", 0, 0, G_OPTION_ARG_INT, &o.offset, "Skip the first N cases", "N" },
        { "count", 0, 0, G_OPTION_ARG_NONE, &o.count, "Print only how many cases match", NULL },
        { NULL }
    };
    int rc = CK_EXIT_OK;
    CkCaseFilter filter = { 0 };
    if (!ck_cli_parse(ctx, &argc, &argv, entries, "",
                      "List the cases in the database, oldest first, optionally filtered. "
                      "DATE is YYYY-MM, YYYY-MM-DD or ISO 8601.", &rc))
        goto out;
    if (argc > 1)
        rc = ck_cli_error(ctx, CK_EXIT_USAGE, "unexpected argument '%s'", argv[1]);
    else if (!cases_filter_from_options(ctx, &o, &filter) || !expand_customer(ctx, &filter))
        rc = CK_EXIT_USAGE;
    else
        rc = print_cases(ctx, &filter, o.count);
    if (filter.customer_names)
        g_ptr_array_unref(filter.customer_names);
out:
    cases_options_clear(&o);
    return rc;
}
