/* thread-state.h — where a case's thread stands, and what its senders said.
 *
 * A draft answers the thread as it is now, so the kind of reply is chosen
 * from the case document (the show --json shape) by one function,
 * ck_thread_state(), from the messages' sides and order, the case status,
 * closing and partial-success phrases in the customer's new mail (Chinese,
 * Traditional Chinese, English), the analyzer's requests (answered or not)
 * and the values the causes need:
 *
 *   none       support's mail is the last one, or support closed the case
 *              and only a short thank-you followed
 *   first      the customer wrote and support has not answered yet
 *   closing    the customer's new mail agrees to close or says it is solved
 *   partial    the customer's new mail reports partial success ("40 台里
 *              36 台已经激活", 部分設備, "only 12 of 15")
 *   ask        a support request is still unanswered after the customer's
 *              reply, or a cause needs a value the thread lacks (the SN)
 *   follow-up  anything else the customer sent (questions, information)
 *
 * "What was said" is a message's new text cut into sentences, each a
 * verbatim piece of that message (a list marker before it is dropped),
 * without the greeting line, sign-off lines, the sender's name and
 * thank-you formulas, so a draft can quote it and cite its message.
 */
#ifndef CASEKB_THREAD_STATE_H
#define CASEKB_THREAD_STATE_H

#include <glib.h>
#include <json-glib/json-glib.h>

typedef enum {
    CK_REPLY_AUTO = -1,    /* not a kind: let ck_thread_state() choose */
    CK_REPLY_NONE,
    CK_REPLY_FIRST,
    CK_REPLY_ASK,
    CK_REPLY_PARTIAL,
    CK_REPLY_CLOSING,
    CK_REPLY_FOLLOW_UP
} CkReplyKind;

/* "none", "first", "ask", "partial", "closing", "follow-up" (static). */
const char *ck_reply_kind_name(CkReplyKind kind);
/* The kind named NAME; FALSE when NAME is none of the names above. */
gboolean ck_reply_kind_parse(const char *name, CkReplyKind *kind);

typedef struct {
    CkReplyKind kind;
    char *reason;         /* why, in English, naming the mail: "mail 4 (customer) reports partial success" */
    guint last_support;   /* 1-based index of the last support mail; 0 when none */
    guint first_new;      /* 1-based index of the first customer mail after it; 0 when none */
    guint n_messages;
} CkThreadState;

/* Fill ST for case document DOC.  Free ST's contents with
 * ck_thread_state_clear(). */
void ck_thread_state(JsonObject *doc, CkThreadState *st);
void ck_thread_state_clear(CkThreadState *st);

/* What a sentence says, as far as the reply cares (bit flags). */
enum {
    CK_SAID_QUESTION = 1 << 0,   /* asks something (？, 请问, 吗, "?"); not a lead-in ending in ":" */
    CK_SAID_WORKED = 1 << 1,     /* something works now (激活成功, activated), and nothing fails
                                    unless the sentence reports partial success */
    CK_SAID_REMAINS = 1 << 2,    /* something still fails or is left (仍然, 剩下, 0x…, still) */
    CK_SAID_PARTIAL = 1 << 3,    /* partial success in so many words (部分成功, 36 台里, only N of M) */
    CK_SAID_SOLVED = 1 << 4,     /* solved (问题已解决, resolved) and not negated */
    CK_SAID_CLOSES = 1 << 5      /* agrees to close the case (同意关闭案例) */
};

/* One sentence of a message: TEXT is a verbatim piece of the message's
 * new text with its white space normalised (ck_space_normalise: a line
 * ending in a comma goes on on the next line); SIDE is static
 * ("customer" / "support"). */
typedef struct {
    char *text;
    guint message;
    const char *side;
    guint flags;          /* CK_SAID_* */
} CkSaid;
void ck_said_free(CkSaid *said);

/* The sentences of MESSAGE (an element of a case document's "messages")
 * without its greeting, sign-off, sender name and thank-you formulas, in
 * order, each with its CK_SAID_* flags.  Caller unrefs (elements freed). */
GPtrArray *ck_message_said(JsonObject *message);

/* The CK_SAID_* flags of SENTENCE. */
guint ck_said_flags(const char *sentence);

/* TEXT with every run of white space made one space and both ends
 * trimmed (how facts are compared with the thread).  Caller frees. */
char *ck_space_normalise(const char *text);

/* Entity types (static strings) that a cause of DOC needs and DOC lacks:
 * "serial_numbers" for activation.serial-invalid, "hosts" for
 * activation.kms-unreachable.  Appended to TYPES. */
void ck_thread_missing_values(JsonObject *doc, GPtrArray *types);

#endif
