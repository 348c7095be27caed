/* page-case.h — the case page /case/ID (ID: case ID, alias or
 * Message-ID) and its checklist downloads /case/ID/checklist.md|cmd|ps1.
 *
 * The page: the case's fields; the thread, each mail's new text first, its
 * quoted and forwarded text folded (<details class="quoted">), its
 * signature dimmed, its attachments (name, type, size; text folded);
 * problem / analysis / conclusion; entities; causes with their evidence
 * (linked to the mail); then the panels of page-case-tools.h (similar
 * past cases, checklist, draft).  An unknown ID answers 404.
 */
#ifndef CASEKB_SERVE_PAGE_CASE_H
#define CASEKB_SERVE_PAGE_CASE_H

#include "serve/handler.h"

CkServeResponse *ck_serve_page_case(CkServeEnv *env, const CkServeRequest *req);

#endif
