/* export.h — cases as NDJSON in the Elasticsearch / OpenSearch _bulk
 * format, for teams whose archive outgrows one machine.
 *
 * Per case two lines: the action {"index":{"_index":"casekb-cases",
 * "_id":CASE_ID}} and the case document (messages, entities, causes, …)
 * on one line, product keys masked.  Empty dates ("closed" of an open
 * case) are written as null so a date mapping accepts them; the document
 * also carries first_response_seconds and time_to_close_seconds (null
 * when unknown) for dashboards.
 */
#ifndef CASEKB_EXPORT_H
#define CASEKB_EXPORT_H

#include <glib.h>
#include <json-glib/json-glib.h>

/* The index the action lines name. */
#define CK_EXPORT_INDEX "casekb-cases"

/* Append the two _bulk lines of case document DOC to OUT.  DOC is not
 * changed. */
void ck_export_bulk_append(GString *out, JsonNode *doc);

#endif
