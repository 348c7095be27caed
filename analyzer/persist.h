/* persist.h — run the analyzer over stored cases and keep the results.
 *
 * The one place where analysis meets the store: loads each case's messages
 * through store/, hands them to ck_analyze_case() as plain values, and
 * writes the JSON back with ck_store_case_set_analysis() (which also
 * indexes causes and entities for search filters and `rules stats`).
 */
#ifndef CASEKB_PERSIST_H
#define CASEKB_PERSIST_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include "analyzer/analyzer.h"
#include "store/store.h"

/* Analyse the cases in CASE_ROWIDS (gint64; NULL = every case) with RULES
 * and store the results.  For each case whose cause ids changed, appends
 * {"case_id", "before": [ids], "after": [ids]} to CHANGED (may be NULL).
 * Analyzer warnings ("CASE: rule X: …") are appended to WARNINGS (char *,
 * may be NULL).  Runs inside the caller's transaction if one is open.
 * The analyses run on THREADS helper threads (0: one per processor, at most
 * 8; 1: none, the caller's thread alone; the results and their order are
 * the same for any number) while the caller's thread adds the transaction's
 * new messages to the full-text index (ck_store_index_new), then helps. */
gboolean ck_analyze_stored_cases(CkStore *store, const CkRuleSet *rules, GArray *case_rowids, guint threads,
                                 JsonArray *changed, GPtrArray *warnings, GError **error);

#endif
