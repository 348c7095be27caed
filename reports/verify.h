/* verify.h — check what an engineer collected on a Windows machine against
 * a case's checklist.
 *
 * The input is either the log a `casekb checklist --format cmd|ps1` script
 * wrote (steps between "=== casekb step N ID BEGIN ===" and "=== casekb
 * step N END exit=N ===" lines) or plain pasted output of the commands
 * (slmgr /dlv, slmgr /xpr, nslookup, Test-NetConnection …) from a Chinese
 * or English Windows, in UTF-8, UTF-16 (with BOM) or GB18030.
 *
 * A step is judged only by its own command's output: in a log, its own
 * BEGIN/END block; in pasted text, the output of its program, found by its
 * shape (the lines that program prints) or by a console prompt line naming
 * the command, and cut where the next program's output starts.  Known
 * failure lines of the program (nslookup "Non-existent domain",
 * "TcpTestSucceeded : False", slmgr "错误: 0x…") fail the step even when its
 * `expect` pattern (PCRE2, multiline, match limits) matches; otherwise the
 * pattern passes it; a non-zero exit code or missing expected output fails
 * it.  A step with no output of its own is "not_run" (with the log's skip
 * reason, e.g. "prerequisite ID", or "interrupted" when its END line is
 * missing); a manual step is "manual".  Only the steps of one scope are
 * judged: the master image's for a log a master-image script wrote, the
 * terminal's otherwise.  "next" says what to do: fix a failed step, run a
 * step not run once the steps it requires are done, or the next step of the
 * same scope whose prerequisites are done.
 */
#ifndef CASEKB_VERIFY_H
#define CASEKB_VERIFY_H

#include <stdio.h>
#include <glib.h>
#include <json-glib/json-glib.h>
#include "reports/checklist.h"

/* Verify the LEN bytes at DATA against CHECKLIST (ck_checklist_build()),
 * judging the steps of SCOPE (CK_RUN_ALL: the scope the log's title line
 * names, else the terminal).
 * Returns {"case_id", "source": "log"|"pasted",
 *          "scope": "terminal"|"master-image", "language",
 *          "steps": [{"n", "id", "title", "title_en", "kind", "scope",
 *                     "command", "requires": [ids],
 *                     "status": "pass"|"fail"|"not_run"|"unchecked"|"manual",
 *                     "exit" (log only, or null), "evidence", "reason",
 *                     "next"}],
 *          "summary": {"pass", "fail", "not_run", "unchecked", "manual"},
 *          "other_scope_steps": n (steps of the other scope, not judged)}.
 * Caller unrefs. */
JsonNode *ck_verify_log(JsonNode *checklist, const char *data, gsize len, CkRunScope scope);

/* Text rendering of that result: one block per step. */
void ck_text_verify(FILE *out, JsonNode *result);

#endif
