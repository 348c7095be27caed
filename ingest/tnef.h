/* tnef.h — Outlook's TNEF (application/ms-tnef, winmail.dat) and RTF bodies.
 *
 * Outlook sends "rich text" mail as one winmail.dat part: the body (plain,
 * compressed RTF or HTML) and the attached files are inside it, so a reader
 * that skips it stores the message empty.  ck_tnef_read() opens the stream
 * with libytnef and returns the body as text and the files as attachments
 * (attach.h).  Whatever it cannot read becomes one warning line naming the
 * stream.  The library prints on damaged streams, so the outer structure
 * (signature, attribute lengths, checksums) is checked here first and a
 * stream that fails is never handed to it.
 */
#ifndef CASEKB_TNEF_H
#define CASEKB_TNEF_H

#include <glib.h>

/* Read the TNEF stream DATA (LEN bytes), called NAME in warnings.  *body
 * gets the message text (plain body, else the HTML or RTF body made text;
 * "" when none; caller g_free()s); ATTACHMENTS (CkAttachment *) gains one
 * entry per attached file; WARNINGS (char *) one line per problem.
 * Returns FALSE, with a warning and *body "", when DATA is not a readable
 * TNEF stream. */
gboolean ck_tnef_read(const char *data, gsize len, const char *name, char **body,
                      GPtrArray *attachments, GPtrArray *warnings);

/* Plain text of the RTF document RTF (LEN bytes): groups of fonts, colours,
 * styles, pictures and other destinations dropped, \par and \line as line
 * breaks, \'hh bytes decoded in the document's \ansicpg code page (else
 * CHARSET, else the unlabelled rule), \uN as Unicode; HTML that Outlook
 * encapsulated in RTF (\fromhtml) made text.  Caller g_free()s. */
char *ck_rtf_to_text(const char *rtf, gsize len, const char *charset);

#endif
