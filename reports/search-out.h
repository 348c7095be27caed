/* search-out.h — search results as the JSON array of `search --json` and
 * as text rows (case ID, date, sender, subject, then the snippet). */
#ifndef CASEKB_SEARCH_OUT_H
#define CASEKB_SEARCH_OUT_H

#include <stdio.h>
#include <json-glib/json-glib.h>

/* RESULTS (CkSearchResult *) as an array of {case_id, message_id, date, from,
 * subject, snippet, score, causes}.  Caller unrefs. */
JsonNode *ck_search_results_json(GPtrArray *results);

/* Text rendering of that array. */
void ck_text_search_results(FILE *out, JsonNode *results);

#endif
