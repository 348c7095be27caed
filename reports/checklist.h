/* checklist.h — a case's remediation checklist, as data and as something
 * a person or a Windows machine can run.
 *
 * ck_checklist_build() turns a case document (the `show --json` contract:
 * its "checklist" steps, "entities", "messages") into the checklist value:
 *   {"case_id", "title", "language": "zh"|"en",
 *    "steps": [{"n", "id", "cause",
 *               "kind": "diagnostic"|"change"|"manual",
 *               "scope": "terminal"|"master-image",
 *               "title", "title_en", "why", "why_en",
 *               "command" (as in the rule; "" for a manual step),
 *               "command_filled" (values in, <name> where missing),
 *               "expect", "do_not": [], "runnable": bool,
 *               "requires": [step ids], "after": [their step numbers],
 *               "params": [{"name", "variable", "validate", "example",
 *                           "status": "filled"|"missing"|"rejected"|"secret",
 *                           "value" (only when filled)}]}],
 *    "warnings": ["…"]}
 * Steps are numbered terminal steps first, then master-image steps; within
 * a scope they keep the causes' order except that a step comes after every
 * step it requires.  A step whose command runs sysprep is a master-image
 * step whatever its rule says (with a warning when the rule did not say
 * so): nothing that generalises a machine ever reaches a terminal's script.
 * Parameter values come only from the case's entities (hosts give kms_host
 * and kms_port; an entity type named like the parameter gives its first
 * value) and enter the checklist only when they match the rule's validate
 * pattern (PCRE2, match limits) AND consist of characters that are inert in
 * cmd.exe and PowerShell.  Product keys (and any parameter whose name holds
 * "key") are never filled: "secret", left as a placeholder.
 *
 * Renderings (ck_checklist_render): "md" a task list with the terminal and
 * master-image steps in separate sections, mail text escaped; "cmd" a batch
 * file (UTF-8, `chcp 65001`, CRLF); "ps1" a Windows PowerShell 5.1 script
 * (UTF-8 with BOM, CRLF).  A script holds the steps of ONE scope (terminal
 * unless master-image is asked for), stops before any step unless it runs
 * as administrator, runs read-only steps and writes each step's output to a
 * log between "=== casekb step N ID BEGIN ===" and "=== casekb step N END
 * exit=N ===" lines ("=== casekb step N ID SKIPPED reason ===" when a step
 * did not run: declined, missing-parameter, needs-NAME, manual, or
 * "prerequisite ID" when a step it requires was skipped or failed).  A step
 * that changes the machine runs only after the engineer types YES, and stays
 * commented out when it needs a value casekb never writes (a product key).
 * Text taken from mail reaches scripts only as comments with shell
 * metacharacters replaced.
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

/* Where steps run: every step, the affected terminals, or the master
 * (reference) image a terminal's system is cloned from. */
typedef enum { CK_RUN_ALL, CK_RUN_TERMINAL, CK_RUN_MASTER_IMAGE } CkRunScope;

/* "all", "terminal" or "master-image" (static). */
const char *ck_run_scope_name(CkRunScope scope);

/* Parse one of those names into *SCOPE; FALSE for anything else. */
gboolean ck_run_scope_parse(const char *name, CkRunScope *scope);

/* The number of CHECKLIST's steps in SCOPE. */
guint ck_checklist_count(JsonNode *checklist, CkRunScope scope);

/* Append CHECKLIST (from ck_checklist_build) to OUT as FORMAT: "md",
 * "cmd" or "ps1" (bytes exactly as they go to the file), holding the steps
 * of SCOPE; scripts hold one scope only, CK_RUN_ALL giving the terminal
 * script.  FALSE, leaving OUT untouched, for any other format. */
gboolean ck_checklist_render(GString *out, JsonNode *checklist, const char *format, CkRunScope scope);

/* The command of checklist STEP (an element of "steps") with every checked
 * parameter value in and OPEN name CLOSE for the others (e.g. "<", ">").
 * Caller frees. */
char *ck_checklist_fill_command(JsonObject *step, const char *open, const char *close);


#endif
