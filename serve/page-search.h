/* page-search.h — /search?q=…: results of the query language (or, with
 * any=1 or when plain words match nothing together, of the sentence
 * search), with the count, highlighted snippets and pages of 20.  A
 * malformed query answers 400 with the parser's message. */
#ifndef CASEKB_SERVE_PAGE_SEARCH_H
#define CASEKB_SERVE_PAGE_SEARCH_H

#include "serve/handler.h"

CkServeResponse *ck_serve_page_search(CkServeEnv *env, const CkServeRequest *req);

#endif
