/* parse.h — turn a raw message from a reader into a CkMessage.
 *
 * RFC 5322 data is parsed with GMime 3: headers decoded by decode.h's rules,
 * the best text part chosen (text/plain, else text/html made text), transfer
 * encodings undone, charset decoded, forwarded message/rfc822 parts kept as
 * forwarded text, then the text split by split.h.  Damaged mail (cut-off
 * base64, missing boundary, bad headers, unmappable bytes) is read as far as
 * possible and each problem is a line in msg->warnings.  Hostile mail too:
 * a NUL byte in the header block becomes U+FFFD (a blank in an 8-bit
 * header block) instead of cutting the header; MIME trees are followed as
 * deep as GMime parses them (1024 levels) and what GMime leaves unparsed
 * below that is kept as raw text; References/In-Reply-To keep at most 1000
 * ids (the first and the last 999); every field is strict UTF-8.
 * A CK_RAW_EXPORT section is parsed from its 发件人/发送时间/邮件内容 fields.
 */
#ifndef CASEKB_PARSE_H
#define CASEKB_PARSE_H

#include <glib.h>
#include "ingest/message.h"
#include "ingest/reader.h"

/* Error domain of ck_message_parse(). */
#define CK_PARSE_ERROR ck_parse_error_quark()
GQuark ck_parse_error_quark(void);

typedef enum {
    CK_PARSE_ERROR_EMPTY    /* the raw message holds no bytes */
} CkParseError;

/* Call once before parsing (initialises GMime).  Safe to call again. */
void ck_parse_init(void);

/* Parse RAW.  Returns a new message (caller frees with ck_message_free()),
 * or NULL with *error set only when nothing at all could be read (e.g. an
 * empty input).  Never aborts on damaged input. */
CkMessage *ck_message_parse(const CkRawMessage *raw, GError **error);

/* The decoded text of the first text/plain or text/html part of the RFC 5322
 * message DATA in document order (attachments and message/rfc822 content
 * included), decoded by the same charset rules as ck_message_parse(); HTML
 * is made text by ck_html_to_text() with quotes kept inline.  *is_html (may
 * be NULL) says which type it was.  Returns NULL when there is no such part.
 * Caller g_free()s.  For tests and diagnostics. */
char *ck_parse_first_text_part(GBytes *data, gboolean *is_html);

#endif
