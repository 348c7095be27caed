/* resolution.h — how a case was resolved, read from its case document
 * (the show --json contract, with the analyzer's "steps" and
 * "entity_spans").  Pure functions over JSON, no SQL: the knowledge base
 * and `similar` both call them, so they say the same.
 *
 * The resolving reply of a case is the last support message that carries a
 * command or a numbered step; when it was written after the last customer
 * message (a closing summary after the customer confirmed), the last such
 * support message before that customer message counts too: it is the
 * advice the customer acted on.
 *
 * A resolution is, in this order: the conclusion section when it says what
 * fixed it (not a bare closing formula such as 用户反馈可以正常关闭案例,
 * 同意结案, "thanks, please close"); the analysis section (same test); the
 * steps (else the commands) of the last resolving reply; else nothing.
 */
#ifndef CASEKB_RESOLUTION_H
#define CASEKB_RESOLUTION_H

#include <glib.h>
#include <json-glib/json-glib.h>

typedef struct {
    char *text;          /* the resolution; "" when none is recorded */
    const char *from;    /* "conclusion" | "analysis" | "support_steps" | "" (static) */
    gint64 message;      /* support_steps: the message it came from (1-based); else 0 */
} CkResolution;

/* How case document DOC was resolved.  Free with ck_resolution_clear(). */
void ck_case_resolution(JsonObject *doc, CkResolution *out);
void ck_resolution_clear(CkResolution *resolution);

/* The commands of DOC's resolving reply (or replies), distinct, in order:
 * each command's normalised value, leaving out commands the text tells not
 * to run ("不要执行 slmgr /upk", "remove slmgr /upk from the script", a
 * cause's "do not" warning).  Caller unrefs (strings freed with it). */
GPtrArray *ck_case_resolution_commands(JsonObject *doc);

/* TRUE when TEXT says only that the case is done (closing formulas,
 * thanks, "问题已解决", "please close", punctuation) and not how. */
gboolean ck_text_is_bare_closing(const char *text);

#endif
