/* similar.h — the past cases most like a case or a new mail.
 *
 * A probe is what is known about the new case, as JSON:
 *   {"causes": [{"id", "score"}], "entities": {"error_codes": [...],
 *    "commands": [...], "serial_numbers": [...], "hosts": [...],
 *    "partial_keys": [...]}, "text": "subject and new text"}
 * Each stored case is scored on three parts, each 0..1:
 *   causes    Σ over shared causes min(probe score, case score) / Σ probe scores
 *   entities  Σ idf of shared entities / Σ idf of the probe's entities,
 *             idf = ln(1 + cases / cases holding it)
 *   text      FTS5 bm25 (subject 2, body 4, quoted 0.5) of the probe's
 *             distinctive terms (words of 3+ letters or with digits, Han
 *             bigrams; common words left out), ORed, best message of the
 *             case, divided by the best case's
 * score = 0.5 causes + 0.3 entities + 0.2 text, the weights of parts the
 * probe has nothing for spread over the others.  Every user value is bound
 * as a parameter; FTS5 terms are quoted strings with quotes doubled.
 */
#ifndef CASEKB_SIMILAR_H
#define CASEKB_SIMILAR_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include "store/store.h"

/* The LIMIT best cases for PROBE, leaving out case EXCLUDE_ROWID (0: none):
 * an array of {"case_id", "title", "status", "score", "parts": {"causes",
 * "entities", "text"}, "shared_causes": [ids], "shared_entities":
 * ["type value"], "resolution", "resolution_from": "conclusion" |
 * "analysis" | "support_steps" | ""} (store/resolution.h: never a bare
 * closing formula), best first; cases scoring 0 are left out.
 * NULL with *error when the database fails.  Caller unrefs. */
JsonNode *ck_store_similar_cases(CkStore *store, JsonObject *probe, gint64 exclude_rowid, int limit,
                                 GError **error);

/* The FTS5 expression ("t1" OR "t2" …) of TEXT's distinctive terms, or
 * NULL when it has none.  Caller frees.  (For tests.) */
char *ck_similar_fts_expression(const char *text);

#endif
