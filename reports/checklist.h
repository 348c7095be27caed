/* checklist.h — a case's remediation checklist, as data and as something
 * a person or a Windows machine can run.
 *
 * ck_checklist_build() turns a case document (the `show --json` contract:
 * its "checklist" steps, "entities", "messages") into the checklist value:
 *   {"case_id", "title", "language": "zh"|"en",
 *    "steps": [{"n", "id", "cause", "kind": "diagnostic"|"change", "title",
 *               "title_en", "why", "why_en", "command" (as in the rule),
 *               "command_filled" (values in, <name> where missing),
 *               "expect", "do_not": [], "runnable": bool,
 *               "params": [{"name", "variable", "validate", "example",
 *                           "status": "filled"|"missing"|"rejected"|"secret",
 *                           "value" (only when filled)}]}],
 *    "warnings": ["…"]}
 * Parameter values come only from the case's entities (hosts give kms_host
 * and kms_port; an entity type named like the parameter gives its first
 * value) and enter the checklist only when they match the rule's validate
 * pattern (PCRE2, match limits) AND consist of characters that are inert in
 * cmd.exe and PowerShell.  Product keys (and any parameter whose name holds
 * "key") are never filled: "secret", left as a placeholder.
 *
 * Renderings (ck_checklist_render): "md" a task list; "cmd" a batch file
 * (UTF-8, `chcp 65001`, CRLF); "ps1" a Windows PowerShell 5.1 script
 * (UTF-8 with BOM, CRLF).  Scripts run read-only steps and write each
 * step's output to a log between "=== casekb step N ID BEGIN ===" and
 * "=== casekb step N END exit=N ===" lines ("=== casekb step N ID SKIPPED
 * reason ===" when a step did not run); a step that changes the machine
 * runs only after the engineer types YES, and stays commented out when it
 * needs a value casekb never writes (a product key).  Text taken from mail
 * reaches scripts only as comments with shell metacharacters replaced.
 */
#ifndef CASEKB_CHECKLIST_H
#define CASEKB_CHECKLIST_H

#include <glib.h>
#include <json-glib/json-glib.h>

typedef enum { CK_LANG_ZH, CK_LANG_EN } CkLang;

/* "zh" or "en" (static). */
const char *ck_lang_name(CkLang lang);

/* Chinese when at least a quarter of TEXT's letters (Han characters and
 * Latin letters; digits and punctuation do not count) are Han; English
 * otherwise, and for text with no letters. */
CkLang ck_language_of(const char *text);

/* The language of a case document: that of its customers' last message's
 * new text, else of all its messages' new text, else of its title. */
CkLang ck_case_language(JsonObject *doc);

/* The checklist value of case document DOC (see above).  Caller unrefs. */
JsonNode *ck_checklist_build(JsonObject *doc);

/* Append CHECKLIST (from ck_checklist_build) to OUT as FORMAT: "md",
 * "cmd" or "ps1" (bytes exactly as they go to the file).  FALSE, leaving
 * OUT untouched, for any other format. */
gboolean ck_checklist_render(GString *out, JsonNode *checklist, const char *format);

/* The command of checklist STEP (an element of "steps") with every checked
 * parameter value in and OPEN name CLOSE for the others (e.g. "<", ">").
 * Caller frees. */
char *ck_checklist_fill_command(JsonObject *step, const char *open, const char *close);


#endif
