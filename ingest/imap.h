/* imap.h — fetch new mail from an IMAP mailbox (libcurl), incrementally.
 *
 * A mailbox is named by an `imap://` or `imaps://host[:port]/MAILBOX` URL
 * (RFC 5092 without its ;UID/;UIDVALIDITY parts; a user name may stand
 * before the host, a password may not: it comes from the caller, read from
 * the environment, or from ~/.netrc through curl).  imaps:// is IMAP over
 * TLS, verified against the system's CAs or a given CA file; imap:// is
 * plain text.  A non-ASCII mailbox name is written in the URL as IMAP
 * spells it (modified UTF-7), since it is sent as it is.
 *
 * How far a mailbox was read is a CkImapState (UIDVALIDITY, last UID): a
 * fetch returns the messages whose UID is above the last one, in UID order,
 * and the state after each; when the server's UIDVALIDITY differs, UIDs
 * were renumbered and every message is fetched again (the caller recognises
 * bytes it already has).  Messages are read with the mailbox opened
 * read-only (EXAMINE), so fetching does not mark them \Seen.
 *
 * No database access here: the caller keeps the state (cli/cmd-sync.c
 * keeps it in the database's settings).  Errors are
 * CK_IMAP_ERROR, with messages naming the URL without any password.
 */
#ifndef CASEKB_IMAP_H
#define CASEKB_IMAP_H

#include <glib.h>
#include "ingest/reader.h"

#define CK_IMAP_ERROR (ck_imap_error_quark())
GQuark ck_imap_error_quark(void);

typedef enum {
    CK_IMAP_ERROR_URL,       /* not an imap(s):// URL naming a mailbox, or a password in it */
    CK_IMAP_ERROR_CONNECT,   /* the server cannot be reached */
    CK_IMAP_ERROR_TLS,       /* TLS handshake or certificate check failed */
    CK_IMAP_ERROR_LOGIN,     /* the server refused the login */
    CK_IMAP_ERROR_MAILBOX,   /* no such mailbox, or not readable */
    CK_IMAP_ERROR_PROTOCOL   /* the server's answer made no sense, or the transfer failed */
} CkImapError;

/* Where to fetch from and as whom. */
typedef struct {
    const char *url;        /* imap(s)://[user@]host[:port]/MAILBOX */
    const char *user;       /* overrides the URL's user; NULL: the URL's, else ~/.netrc's */
    const char *password;   /* NULL: from ~/.netrc */
    const char *cacert;     /* CA file to verify the server with; NULL: the system's */
} CkImapSource;

typedef struct {
    guint64 uidvalidity;    /* 0: never read */
    guint64 last_uid;       /* highest UID handed over */
} CkImapState;

/* TRUE when TEXT starts with imap:// or imaps:// (any case). */
gboolean ck_imap_is_url(const char *text);

/* Check URL (with USER, which may be NULL, overriding the URL's user) and
 * return it in the form used to name the mailbox: scheme, user, host, port
 * and mailbox, never a password (it is refused), percent-encoding kept.
 * NULL with CK_IMAP_ERROR_URL when it is not an imap(s) URL naming one
 * mailbox.  Caller frees with g_free(). */
char *ck_imap_url_display(const char *url, const char *user, GError **error);

/* Parse "UIDVALIDITY:LASTUID" into *state; FALSE (state zeroed) when TEXT
 * is NULL or malformed. */
gboolean ck_imap_state_parse(const char *text, CkImapState *state);

/* "UIDVALIDITY:LASTUID".  Caller frees with g_free(). */
char *ck_imap_state_format(const CkImapState *state);

/* Called with each fetched message, in UID order: RAW's path is the display
 * URL plus ";UID=n", offset 0; valid during the call only.  Return FALSE
 * with *error set to stop. */
typedef gboolean (*CkImapMessageFunc)(const CkRawMessage *raw, gpointer user_data, GError **error);

/* Fetch the messages of SOURCE newer than *state (all of them when its
 * UIDVALIDITY differs from the server's, with a warning through ON_WARNING
 * when it was set), handing each to ON_MESSAGE.  *state is updated after
 * each message handed over, so on failure it says how far the fetch got;
 * *fetched counts the messages handed over.  A message that vanished
 * between the search and its fetch is skipped with a warning.  FALSE with
 * *error (CK_IMAP_ERROR, or ON_MESSAGE's) on failure. */
gboolean ck_imap_fetch(const CkImapSource *source, CkImapState *state, CkImapMessageFunc on_message,
                       CkWarnFunc on_warning, gpointer user_data, guint64 *fetched, GError **error);

/* The UIDs in an untagged "* SEARCH" response TEXT that are above AFTER, in
 * ascending order, without repeats (a server answers "n:*" with its highest
 * UID even when that is not above n).  Caller frees with g_array_unref(). */
GArray *ck_imap_parse_search(const char *text, guint64 after);

/* The UIDVALIDITY in the untagged responses TEXT of SELECT/EXAMINE; 0 when
 * there is none. */
guint64 ck_imap_parse_uidvalidity(const char *text);

#endif
