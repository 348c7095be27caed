/* casebuild.h — put parsed messages into cases, and keep cases' metadata.
 *
 * A message joins a case by, in this order (the rule is kept per message as
 * joined_by): "subject-case-id" (a case ID in its subject), "references"
 * (In-Reply-To/References name a stored message), "body-case-id" (a case ID
 * in its new or forwarded text), "subject" (a reply/forward whose subject,
 * prefixes removed, matches a case's within 60 days; only for mail without
 * In-Reply-To/References), "quoted-case-id" (a case ID only in quoted text),
 * "referenced-by" (stored messages name it: children seen before their
 * parent), "thread-root" (its thread root already keys a case), and
 * otherwise "new-thread": a case keyed THR- + 8 hex of the root Message-ID.
 * Thread-only (THR-) cases linked by references are merged, into a CAS case
 * when one is linked, so a case's messages are its whole reference graph.
 * The builder writes only through store/.
 */
#ifndef CASEKB_CASEBUILD_H
#define CASEKB_CASEBUILD_H

#include <glib.h>
#include "ingest/message.h"
#include "store/store.h"

typedef enum {
    CK_ADD_NEW,        /* stored as a new message */
    CK_ADD_COPY        /* its Message-ID was stored already: only the source was recorded */
} CkAddOutcome;

/* Store MSG in its case (creating or merging cases as needed).  The caller
 * keeps ownership of MSG and runs this inside a store transaction. */
gboolean ck_case_add_message(CkStore *store, const CkMessage *msg, CkAddOutcome *outcome, GError **error);

/* Recompute title, severity, vendor, stage, customer, status, opened,
 * closed and each message's side for every case changed since the last
 * refresh.  SUPPORT_DOMAINS (NULL-terminated, may be NULL) are mail domains
 * of the support team; more are learnt from the team's boilerplate.
 * Appends the refreshed case row ids to REFRESHED when non-NULL. */
gboolean ck_case_refresh_dirty(CkStore *store, const char *const *support_domains, GArray *refreshed,
                               GError **error);

/* The same over many batches: a learner keeps what was learnt of the
 * support side and learns again only when the archive has grown by a
 * quarter since, or when RELEARN (e.g. on the last batch of an ingest).
 * Create with the configured support domains (may be NULL); free with
 * ck_side_learner_free(). */
typedef struct CkSideLearner CkSideLearner;
CkSideLearner *ck_side_learner_new(const char *const *configured_domains);
void ck_side_learner_free(CkSideLearner *learner);
gboolean ck_case_refresh_dirty_with(CkStore *store, CkSideLearner *learner, gboolean relearn,
                                    GArray *refreshed, GError **error);

#endif
