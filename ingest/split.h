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
 *
 * Decisions (see ingest/split.c for the tables):
 *  - Output keeps each line's original bytes; only line ends become "\n"
 *    and leading/trailing blank lines of each part are dropped.  `>` marks
 *    stay on quoted lines.  Invalid UTF-8 is replaced (U+FFFD).
 *  - A line is judged on its first 1024 bytes; lines after the 5000th are
 *    not examined and follow the part of the 5000th.
 *  - `>` lines, and an attribution or header block followed by `>` lines,
 *    are quoted; unmarked text between or after them is new text (inline
 *    and bottom replies), so `body` may join several pieces.  The first
 *    header block (From-type key plus another key within 8 lines), original-
 *    message separator, forward marker, or attribution NOT followed by `>`
 *    starts a tail that is quoted to the end.  A blank line goes with the
 *    line above it.  A lone `>From ` line is mbox-escaped text.
 *  - `forwarded` gets the tail after a forward marker when the new text is
 *    at most 5 lines / 400 bytes, and the tail after a header block or
 *    separator when there is no new text at all (an Outlook forward without
 *    a note looks like a reply).  The marker line is kept in `forwarded`.
 *  - Signature: searched at the end of the new text (after the inline
 *    pieces are joined), repeatedly, so stacked blocks join: "-- "; a
 *    mobile footer; a rule line followed by at most 12 contact-like lines
 *    (or by at most 3 name/title lines: the seed's "------------ / Guannan");
 *    a disclaimer or the team's boilerplate (您如果对我们的产品和服务不满意,
 *    服务支持电话, 客户服务电话) with at most 15 lines after it; a closing
 *    formula followed by a person's name or contact line.  A bare closing
 *    at the very end, or a bare name with no closing and no rule (the
 *    seed's message 2 ending "Guannan"), stays in `body`.  When the closing
 *    is all the new text ("Thanks!\nJohn"), the closing stays in `body`
 *    and only the name moves.  At most 60 lines become signature.
 *  - Banners at the top of a message ("CAUTION: external email") stay in
 *    `body`; only ones at the end are signature.
 *  - Input is the message's own text: pass an archive export's content
 *    after 邮件内容:, not its 发件人:/发送时间: wrapper, which reads as a
 *    header block.
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
