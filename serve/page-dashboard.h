/* page-dashboard.h — /dashboard?since&until: the report (`report --json`,
 * reports/report.h) as charts and tables.
 *
 * Sections are rendered from the report JSON generically, so sections the
 * report gains show up without changes here: an array of {key, cases}
 * becomes a bar chart whose bars link to the queue (by_status, by_cause,
 * by_vendor, by_customer, by_severity, by_<filter>) or to a search
 * (top_error_codes: code:, top_commands: cmd:); an array of objects with a
 * "month" becomes a table of bars per numeric member, each month linking to
 * the cases opened in it; any other array of objects a table; an object of
 * sections a heading per member.  The list of all cases is left to the
 * queue.
 */
#ifndef CASEKB_SERVE_PAGE_DASHBOARD_H
#define CASEKB_SERVE_PAGE_DASHBOARD_H

#include "serve/handler.h"

CkServeResponse *ck_serve_page_dashboard(CkServeEnv *env, const CkServeRequest *req);

#endif
