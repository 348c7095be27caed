/* store-reports.h — reading every case document, for the whole-archive
 * outputs (report, knowledge base, export).  Built only on the public
 * store functions (ck_store_case_ids, ck_store_case_document); no SQL. */
#ifndef CASEKB_STORE_REPORTS_H
#define CASEKB_STORE_REPORTS_H

#include "store/store.h"

/* Called once per case document, oldest case first; DOC is owned by the
 * caller of the callback (take a reference to keep it).  Return FALSE
 * (with *error set) to stop. */
typedef gboolean (*CkCaseDocFunc)(JsonNode *doc, gpointer data, GError **error);

/* Run FN on every case document.  FALSE with *error when the store or FN
 * fails. */
gboolean ck_store_foreach_case_document(CkStore *store, CkCaseDocFunc fn, gpointer data, GError **error);

/* Every case document, oldest case first, as one JSON array.  Caller
 * unrefs; NULL with *error on failure. */
JsonNode *ck_store_all_case_documents(CkStore *store, GError **error);

#endif
