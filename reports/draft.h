/* draft.h — the reply an engineer sends next, chosen by where the thread is.
 *
 * The kind of reply comes from the thread's state (reports/thread-state.h):
 * first response and scope, ask for missing information, follow-up on
 * partial results, closing summary (the team's 问题描述 / 问题分析 / 问题结论
 * with ======= rules), an answer to the customer's new mail, or nothing to
 * draft.  An engineer may force a kind.
 *
 * Every statement the draft makes about the case is quoted from the thread:
 * a sentence of one message's new text (greetings, sign-offs, the sender's
 * name and thank-you formulas left out), listed in "facts" with the message
 * it came from and that message's side.  "Your description" parts quote the
 * customer only.  A cause's reply template (the rule files) is used only for a
 * cause the customer's own mail gives evidence of, filled with the values
 * of the customer's mail.  Whatever the engineer must still supply is marked
 * 【待补充】 (zh) / [TO FILL] (en).  Language: that of the customer's last
 * mail; Chinese threads written in Traditional characters get a Traditional
 * reply (quotes stay as written).  Product keys are masked.
 */
#ifndef CASEKB_DRAFT_H
#define CASEKB_DRAFT_H

#include <stdio.h>
#include <glib.h>
#include <json-glib/json-glib.h>
#include "analyzer/analyzer.h"
#include "store/store.h"
#include "reports/thread-state.h"

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

/* The draft for case document DOC, of kind KIND (CK_REPLY_AUTO: the
 * thread's state decides):
 *   kind "none": {"kind": "none", "reason", "case_id"}
 *   otherwise:   {"kind", "reason", "case_id", "language": "zh"|"zh-Hant"|"en",
 *                 "customer", "greeting",
 *                 "facts": [{"text", "message_index", "side", "use"}],
 *                 "analysis": [{"cause", "text"}], "steps": [{"n", "title",
 *                 "command", "why", "scope", "do_not": []}], "requests": [],
 *                 "signature", "to_fill": n, "text": the whole reply,
 *                 "similar": SIMILAR or []}
 * A fact's text is a verbatim piece of message message_index's new text;
 * "use" says where the draft put it (definition, detail, received, worked,
 * remaining, question, request, wrote, problem, analysis, conclusion).
 * RULES (may be NULL) give the causes' reply templates; without them the
 * replies stored with the causes are used.  SIGNATURE (may be NULL: a
 * placeholder block) closes the mail.  SIMILAR (may be NULL) is listed
 * under the draft for the engineer.  Caller unrefs. */
JsonNode *ck_draft_build(JsonObject *doc, const CkRuleSet *rules, CkReplyKind kind, const char *signature,
                         JsonNode *similar);

/* TRUE when DRAFT (from ck_draft_build) has nothing to send (kind none). */
gboolean ck_draft_is_none(JsonNode *draft);

/* Text: a "kind: …" header line, the reply, then for the engineer the
 * facts with the mail each came from and the similar past cases (if any). */
void ck_text_draft(FILE *out, JsonNode *draft);

#endif
