/* cmd-sync.c — `casekb sync URL`: fetch an IMAP mailbox's new mail.
 *
 * The state of a mailbox ("UIDVALIDITY:LASTUID") is the setting
 * "imap-state:" + its URL without password.  It is written inside the
 * ingest run's last transaction, after the mail fetched is placed, so the
 * database never says a message was read that it does not hold; a batch
 * committed before a failure is fetched again next time and recognised by
 * its SHA-256 ("already stored").
 */
#include "cli/cmd-ingest.h"

/* See cmd-ingest.h. */
void ck_sync_mailbox_free(gpointer mailbox)
{
    CkSyncMailbox *m = mailbox;
    g_free(m->display);
    g_free(m);
}

/* The settings key of the mailbox named DISPLAY.  Caller frees with g_free(). */
static char *state_key(const char *display)
{
    return g_strconcat("imap-state:", display, NULL);
}

/* See cmd-ingest.h. */
gboolean ck_cli_sync_mailbox(CkContext *ctx, CkIngestRun *run, const char *url, const char *user,
                             const char *cacert, GPtrArray *mailboxes, GError **error)
{
    CkSyncMailbox *m = g_new0(CkSyncMailbox, 1);
    g_ptr_array_add(mailboxes, m);
    if (!(m->display = ck_imap_url_display(url, user, error)))
        return FALSE;
    char *key = state_key(m->display);
    char *saved = ck_store_get_setting(ctx->store, key);
    ck_imap_state_parse(saved, &m->state);   /* none or unreadable: from the start */
    const char *password = g_getenv("CASEKB_IMAP_PASSWORD");
    CkImapSource source = { url, user, password && password[0] ? password : NULL, cacert };
    gboolean ok = ck_imap_fetch(&source, &m->state, ck_ingest_message_func, ck_ingest_warning_func, run,
                                &m->fetched, error);
    g_free(saved);
    g_free(key);
    return ok;
}

/* See cmd-ingest.h. */
gboolean ck_cli_sync_save(CkStore *store, GPtrArray *mailboxes, GError **error)
{
    gboolean ok = TRUE;
    for (guint i = 0; ok && i < mailboxes->len; i++) {
        CkSyncMailbox *m = g_ptr_array_index(mailboxes, i);
        if (!m->display || m->state.uidvalidity == 0)
            continue;
        char *key = state_key(m->display), *value = ck_imap_state_format(&m->state);
        ok = ck_store_set_setting(store, key, value, error);
        g_free(key);
        g_free(value);
    }
    return ok;
}

int casekb_cmd_sync(CkContext *ctx, int argc, char **argv)
{
    return ck_cli_ingest_command(ctx, argc, argv, TRUE);
}
