/* draft.h — the reply an engineer sends next, in the team's style.
 *
 * Built only from what the case holds: the customer's name (From display
 * name of their last mail, else the name support greeted them with), the
 * problem definition (the case's definition/problem section, else the
 * customer's own words), facts (error codes, KMS hosts, serial numbers,
 * partial keys — product keys masked), each cause's reply template filled
 * with those facts, the checklist steps with their commands, and requests
 * for what is missing (open support requests; the 13-digit SN when
 * activation.serial-invalid fired without a serial number; the KMS host
 * when activation.kms-unreachable fired without one).  Whatever the
 * engineer must still supply is marked 【待补充】 (zh) / [TO FILL] (en).
 * Language: that of the customer's last mail (share of Han characters).
 */
#ifndef CASEKB_DRAFT_H
#define CASEKB_DRAFT_H

#include <stdio.h>
#include <glib.h>
#include <json-glib/json-glib.h>
#include "analyzer/analyzer.h"
#include "store/store.h"

#define CK_DRAFT_ERROR (ck_draft_error_quark())
GQuark ck_draft_error_quark(void);
typedef enum {
    CK_DRAFT_ERROR_READ,       /* the mail file holds no mail */
    CK_DRAFT_ERROR_NOT_FOUND   /* neither a file nor a stored case */
} CkDraftError;

/* A case document (the show --json shape) for the single mail in the file
 * at PATH, parsed and analysed with RULES (may be NULL: no causes) but not
 * stored: case_id "" (or the case ID the mail names), title = subject,
 * status "new", one message from the customer.  Product keys are masked.
 * NULL with *error when the file cannot be read or holds no mail.
 * Caller unrefs. */
JsonNode *ck_mail_document(const CkRuleSet *rules, const char *path, GError **error);

/* The document ARG names: a mail file (analysed with RULES, not stored;
 * *case_rowid = 0) or a stored case by ID, alias or Message-ID
 * (*case_rowid set).  Product keys are masked.  NULL with *error
 * (CK_DRAFT_ERROR_NOT_FOUND when ARG is neither).  Caller unrefs. */
JsonNode *ck_draft_source(CkStore *store, const CkRuleSet *rules, const char *arg, gint64 *case_rowid,
                          GError **error);

/* The draft for case document DOC:
 *   {"case_id", "language", "customer", "greeting", "definition",
 *    "facts": [], "analysis": [{"cause", "text"}], "steps": [{"n",
 *    "title", "command", "why", "do_not": []}], "requests": [],
 *    "closing", "signature", "to_fill": n, "text": the whole reply,
 *    "similar": SIMILAR or []}
 * RULES (may be NULL) give the causes' reply templates; without them the
 * replies stored with the causes are used.  SIGNATURE (may be NULL: a
 * placeholder block) closes the mail.  SIMILAR (may be NULL) is listed
 * under the draft for the engineer.  Caller unrefs. */
JsonNode *ck_draft_build(JsonObject *doc, const CkRuleSet *rules, const char *signature, JsonNode *similar);

/* Text: the reply, then the similar past cases (if any) under a rule. */
void ck_text_draft(FILE *out, JsonNode *draft);

#endif
