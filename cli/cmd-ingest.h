/* cmd-ingest.h — what `casekb ingest` and `casekb sync` share (private to cli/).
 *
 * Both commands are one driver (cmd-ingest.c): ingest takes paths and IMAP
 * URLs, sync exactly one IMAP URL.  The IMAP side (cmd-sync.c) reads each
 * mailbox's state from the database's settings, feeds the fetched mail into
 * the same ingest run, and writes the new state inside the run's last
 * transaction, so it commits together with the mail it describes.
 */
#ifndef CASEKB_CMD_INGEST_H
#define CASEKB_CMD_INGEST_H

#include "cli/commands.h"
#include "ingest/pipeline.h"
#include "ingest/imap.h"

/* Run `casekb ingest` (SYNC FALSE) or `casekb sync` (TRUE) with ARGV. */
int ck_cli_ingest_command(CkContext *ctx, int argc, char **argv, gboolean sync);

/* One IMAP mailbox of a run: where it is and how far it was read. */
typedef struct {
    char *display;        /* URL naming it, without password */
    CkImapState state;    /* after the fetch (uidvalidity 0: never reached the server) */
    guint64 fetched;      /* messages fetched in this run */
} CkSyncMailbox;

/* Free a CkSyncMailbox (a GDestroyNotify). */
void ck_sync_mailbox_free(gpointer mailbox);

/* Fetch the new mail of the mailbox URL (USER, CACERT may be NULL; the
 * password comes from CASEKB_IMAP_PASSWORD, else ~/.netrc) into RUN.  The
 * mailbox is appended to MAILBOXES whatever happens, with the state
 * reached.  FALSE with *error (CK_IMAP_ERROR or a store error). */
gboolean ck_cli_sync_mailbox(CkContext *ctx, CkIngestRun *run, const char *url, const char *user,
                             const char *cacert, GPtrArray *mailboxes, GError **error);

/* Write the state of every mailbox of MAILBOXES that reached its server
 * into the settings (inside the run's last transaction). */
gboolean ck_cli_sync_save(CkStore *store, GPtrArray *mailboxes, GError **error);

#endif
