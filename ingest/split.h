/* split.h — split a message's text into new text, quoted text, signature.
 *
 * Works on decoded UTF-8 plain text.  Each line is labelled (text, quote
 * mark, reply header, forward marker, signature, blank) after normalising
 * full-width colons, NBSP and U+3000, then the label sequence decides where
 * quoted text and the signature begin.  Knows the families listed in
 * shared design/quote-markers.md: `>` lines, Outlook header blocks in English,
 * Simplified and Traditional Chinese, -----原始邮件-----, -----Original
 * Message-----, Foxmail/QQ, Coremail, Gmail/iOS/macOS/Thunderbird 写道 and
 * English "On … wrote:", Lotus Notes; `-- ` and dashed-rule signatures with
 * contact lines, mobile footers, team boilerplate.  A forwarded message
 * (转发的邮件, Forwarded message, Lotus "Forwarded by") is content, kept in
 * `forwarded` rather than `quoted`.  Bounded: looks at most 5000 lines.
 */
#ifndef CASEKB_SPLIT_H
#define CASEKB_SPLIT_H

#include <glib.h>

typedef struct {
    char *body;       /* new text, trimmed */
    char *quoted;     /* quoted text, "" when none */
    char *signature;  /* signature / boilerplate, "" when none */
    char *forwarded;  /* forwarded message text, "" when none */
} CkSplit;

/* Split TEXT (UTF-8, any line ends).  Fills *out with newly allocated
 * strings (never NULL); release them with ck_split_clear(). */
void ck_split_text(const char *text, CkSplit *out);

/* Free the strings of a CkSplit and zero it. */
void ck_split_clear(CkSplit *split);

#endif
