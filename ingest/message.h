/* message.h — the parsed value of one mail message.
 *
 * A CkMessage is what ingest/parse.c makes from the raw bytes a reader
 * yields: decoded headers, decoded UTF-8 text split into new / quoted /
 * signature / forwarded parts, where it came from, and warnings about
 * damage met while decoding.  It never touches the database.
 *
 * Invariants: every char * field is NULL or strict UTF-8 as
 * g_utf8_validate() means it (no surrogate, nothing above U+10FFFF, no
 * overlong form; never U+0000): ck_message_parse() checks every field
 * last, the attachments' name, type and text included.  Text fields that
 * are "empty" are "" rather than NULL once
 * ck_message_parse() returns.  The message owns every field; free it with
 * ck_message_free().
 */
#ifndef CASEKB_MESSAGE_H
#define CASEKB_MESSAGE_H

#include <glib.h>

/* One attachment of a message (a MIME part that is not the body, or a file
 * inside a TNEF winmail.dat).  Text attachments (txt, log, csv, ini, xml,
 * json, reg, ... by type, name or content) keep their decoded text; others
 * only their name, type and size, with text "". */
typedef struct {
    char *name;                /* file name, "" when none */
    char *type;                /* MIME type, lower-case ("text/plain") */
    gint64 size;               /* bytes of the content, transfer encoding undone */
    char *text;                /* decoded text (at most CK_ATTACHMENT_TEXT_MAX bytes), or "" */
} CkAttachment;

/* At most this many bytes of text are kept per attachment (cut at a
 * character boundary, with a warning). */
#define CK_ATTACHMENT_TEXT_MAX (1024 * 1024)

typedef struct {
    char *message_id;          /* without angle brackets; synthesized when absent */
    gboolean message_id_synthesized;
    char *in_reply_to;         /* first id of In-Reply-To, or NULL */
    GPtrArray *references;     /* char *, oldest first (References, then In-Reply-To), no
                                * duplicates; at most 1000: the first and the last 999 */
    char *subject;             /* decoded, unfolded */
    char *from_name;           /* display name, "" when none */
    char *from_addr;           /* lower-case address, "" when none */
    char *to;                  /* decoded To header, "" when none */
    gint64 date;               /* seconds since the epoch, UTC; 0 = unknown */
    int tz_offset_min;         /* the Date header's own offset, minutes east of UTC */
    char *body;                /* the sender's new text */
    char *quoted;              /* quoted earlier messages */
    char *signature;           /* signature and boilerplate */
    char *forwarded;           /* text of forwarded messages it carries (message/rfc822 or inline) */
    char *source_path;         /* file it was read from ("-" for stdin) */
    gint64 source_offset;      /* byte offset of the message in that file */
    char content_hash[65];     /* SHA-256 hex of the raw bytes */
    GPtrArray *warnings;       /* char *, one line each, e.g. "base64 cut off" */
    gboolean html_only;        /* body came from text/html */
    GPtrArray *attachments;    /* CkAttachment *, in the order of the message's parts */
} CkMessage;

/* A new attachment holding copies of NAME, TYPE (NULL: "") and TEXT (NULL:
 * "").  Free with ck_attachment_free(). */
CkAttachment *ck_attachment_new(const char *name, const char *type, gint64 size, const char *text);

/* Free an attachment.  NULL is allowed. */
void ck_attachment_free(CkAttachment *att);

/* The texts of MSG's attachments joined as the store keeps them: each text
 * attachment's text followed by "\n", in order (non-text ones add nothing).
 * Caller g_free()s. */
char *ck_message_attachment_text(const CkMessage *msg);

/* Allocate an empty message; all strings "" or NULL, arrays empty.
 * Caller frees with ck_message_free(). */
CkMessage *ck_message_new(void);

/* Free a message and everything it owns.  NULL is allowed. */
void ck_message_free(CkMessage *msg);

/* Add a printf-formatted warning line to msg->warnings. */
void ck_message_warn(CkMessage *msg, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* Format msg->date as ISO 8601 UTC ("2021-03-09T17:45:52Z"), or "" when
 * unknown.  Caller frees with g_free(). */
char *ck_message_date_iso(const CkMessage *msg);

/* Format an epoch time as ISO 8601 UTC, "" when 0.  Caller frees. */
char *ck_time_iso(gint64 t);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(CkMessage, ck_message_free)

#endif
