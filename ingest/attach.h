/* attach.h — attachments of a message as CkAttachment values.
 *
 * A text attachment (a customer's dlv.txt, a GBK .log, an .ini or .reg
 * export) often holds the only error code of a case, so its text is decoded
 * like a body: a byte-order mark picks UTF-8/16/32, otherwise the part's
 * charset label or the unlabelled rule of decode.h.  Text is recognised by
 * MIME type, by file name, or, for untyped octet streams, by content.  Other
 * attachments keep their name, type and size only.  TNEF (winmail.dat) is
 * read by tnef.h.  Nothing here fails: what cannot be read becomes a warning
 * line naming the attachment.
 */
#ifndef CASEKB_ATTACH_H
#define CASEKB_ATTACH_H

#include <glib.h>

#include "ingest/message.h"

/* TRUE when an attachment of MIME type TYPE (may be NULL), file name NAME
 * (may be NULL) and content DATA (LEN bytes) is text casekb should read. */
gboolean ck_attachment_is_text(const char *type, const char *name, const char *data, gsize len);

/* A new attachment for LEN bytes of DATA named NAME with MIME type TYPE
 * (lower-cased; NULL or "" becomes application/octet-stream) and charset
 * label CHARSET (may be NULL).  Text attachments get their decoded text,
 * cut to CK_ATTACHMENT_TEXT_MAX bytes; each problem (bytes replaced, text
 * cut) appends one line to WARNINGS (char *, owned by the array).  Caller
 * frees with ck_attachment_free(). */
CkAttachment *ck_attachment_from_bytes(const char *name, const char *type, const char *charset,
                                       const char *data, gsize len, GPtrArray *warnings);

#endif
