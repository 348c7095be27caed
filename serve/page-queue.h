/* page-queue.h — the queue (/): the case list with its filters (params.h)
 * as a form, quick counts (open, waiting on us, waiting on the customer,
 * closed), sortable columns, pages of `limit` cases (default 50); every
 * link keeps the filters. */
#ifndef CASEKB_SERVE_PAGE_QUEUE_H
#define CASEKB_SERVE_PAGE_QUEUE_H

#include "serve/handler.h"

CkServeResponse *ck_serve_page_queue(CkServeEnv *env, const CkServeRequest *req);

#endif
