/* similar-out.h — the probe `casekb similar` scores past cases with, and
 * the text rendering of the result (store/similar.h). */
#ifndef CASEKB_SIMILAR_OUT_H
#define CASEKB_SIMILAR_OUT_H

#include <stdio.h>
#include <json-glib/json-glib.h>

/* The probe of case document DOC (show --json contract, or a new mail's
 * document): {"causes": [{"id","score"}], "entities": {…}, "text":
 * title + subject and new text of its customer messages (all messages
 * when none is from a customer)}.  Caller unrefs. */
JsonObject *ck_similar_probe(JsonObject *doc);

/* How similar result R's "resolution" was found, as a label: "resolved"
 * (its conclusion), "analysis" or "support's steps" (store/resolution.h);
 * NULL when it has none.  The string is static. */
const char *ck_similar_resolution_label(JsonObject *r);

/* Text: one block per similar case (ID, status, score, title, what they
 * share, how it was resolved). */
void ck_text_similar(FILE *out, JsonNode *results);

#endif
