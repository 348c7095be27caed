/* page-case-tools.h — the case page's panels that go beyond the thread:
 * similar past cases (store/similar.h, how each was resolved), the
 * remediation checklist (reports/checklist.h) with its downloads, and the
 * reply draft (reports/draft.h) with a copy button. */
#ifndef CASEKB_SERVE_PAGE_CASE_TOOLS_H
#define CASEKB_SERVE_PAGE_CASE_TOOLS_H

#include "serve/handler.h"

/* Append the similar, checklist and draft panels of case document DOC
 * (masked; case row ROWID). */
void ck_serve_case_tools(GString *out, CkServeEnv *env, JsonNode *doc, gint64 rowid);

/* DOC's checklist as the file `casekb checklist --format FORMAT` writes
 * (md: every step; cmd, ps1: the terminal script), as a download; 404
 * when FORMAT is none of those or there is no step. */
CkServeResponse *ck_serve_checklist_file(JsonNode *doc, const char *format);

#endif
