/* verify.h — check what an engineer collected on a Windows machine against
 * a case's checklist.
 *
 * The input is either the log a `casekb checklist --format cmd|ps1` script
 * wrote (steps between "=== casekb step N ID BEGIN ===" and "=== casekb
 * step N END exit=N ===" lines) or plain pasted output of the commands
 * (slmgr /dlv, slmgr /xpr, nslookup, Test-NetConnection …) from a Chinese
 * or English Windows, in UTF-8, UTF-16 (with BOM) or GB18030.
 * Each step's `expect` pattern runs (PCRE2, multiline, match limits) over
 * that step's output; known failure lines of the step's program (nslookup
 * "Non-existent domain", "TcpTestSucceeded : False", slmgr "错误: 0x…")
 * make it fail even when the pattern matches.  In pasted output a step
 * counts as run when its program's output is recognisable.
 */
#ifndef CASEKB_VERIFY_H
#define CASEKB_VERIFY_H

#include <stdio.h>
#include <glib.h>
#include <json-glib/json-glib.h>

/* Verify the LEN bytes at DATA against CHECKLIST (ck_checklist_build()).
 * Returns {"case_id", "source": "log"|"pasted", "language",
 *          "steps": [{"n", "id", "title", "kind", "command",
 *                     "status": "pass"|"fail"|"not_run"|"unchecked",
 *                     "exit" (log only, or null), "evidence", "reason",
 *                     "next"}],
 *          "summary": {"pass", "fail", "not_run", "unchecked"}}.
 * Caller unrefs. */
JsonNode *ck_verify_log(JsonNode *checklist, const char *data, gsize len);

/* Text rendering of that result: one block per step. */
void ck_text_verify(FILE *out, JsonNode *result);

#endif
