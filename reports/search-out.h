/* search-out.h — search results as the JSON array of `search --json` and
 * as text rows (case ID, date, sender, subject, then the snippet). */
#ifndef CASEKB_SEARCH_OUT_H
#define CASEKB_SEARCH_OUT_H

#include <stdio.h>
#include <json-glib/json-glib.h>

/* RESULTS (CkSearchResult *) as an array of {case_id, message_id, date, from,
 * subject, snippet, score, causes}, plus {matched_terms, query_terms} for
 * sentence-mode results.  Caller unrefs. */
JsonNode *ck_search_results_json(GPtrArray *results);

/* Snippet markers to ask for (CkSearchOptions) when the text goes to a
 * terminal: Unicode noncharacters, which survive ck_text_printable(); the
 * text rendering prints them as bold red and reset. */
#define CK_SEARCH_TTY_OPEN "\xef\xb7\x92"    /* U+FDD2 */
#define CK_SEARCH_TTY_CLOSE "\xef\xb7\x93"   /* U+FDD3 */

/* Text rendering of that array: two lines per result, mail text made
 * printable (output.h). */
void ck_text_search_results(FILE *out, JsonNode *results);

#endif
