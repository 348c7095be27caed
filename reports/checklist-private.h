/* checklist-private.h — helpers shared by the checklist's builder and
 * Markdown writer (checklist.c) and its script writers (checklist-script.c).
 * Not for use outside reports/checklist*.c.
 */
#ifndef CASEKB_CHECKLIST_PRIVATE_H
#define CASEKB_CHECKLIST_PRIVATE_H

#include "reports/checklist.h"
#include "reports/output.h"

/* TRUE when every character of VALUE is inert in cmd.exe and PowerShell
 * arguments: letters, digits and . - _ : \ @ (FALSE for ""). */
gboolean ck_cl_shell_inert(const char *value);

/* TEMPLATE with each {{name}} replaced by LOOKUP(name, DATA) (which returns
 * a string the substitution frees).  Caller frees. */
char *ck_cl_substitute(const char *template, char *(*lookup)(const char *name, gpointer data), gpointer data);

/* The resolved parameter NAME in PARAMS (a checklist step's "params"), or
 * NULL.  Owned by PARAMS. */
JsonObject *ck_cl_find_param(JsonArray *params, const char *name);

/* Append TEXT to OUT as one line of comment text: controls and line
 * separators become spaces; for cmd.exe (FOR_CMD) the characters it
 * expands or parses even in REM lines become their full-width forms. */
void ck_cl_comment_text(GString *out, const char *text, gboolean for_cmd);

/* TEXT with every character outside [A-Za-z0-9._-] made '_' (for step ids,
 * case ids and file names in scripts; "case" for empty TEXT).  Caller frees. */
char *ck_cl_token(const char *text);

/* The step's text in LANG: MEMBER (zh) or MEMBER_en, falling back to the
 * other.  Owned by STEP. */
const char *ck_cl_step_text(JsonObject *step, const char *member, CkLang lang);

/* The steps array of a checklist value (owned by it) and its language. */
JsonArray *ck_cl_steps(JsonNode *checklist, CkLang *lang);

/* TRUE when STEP changes the machine (kind "change"). */
gboolean ck_cl_step_changes(JsonObject *step);

/* TRUE when STEP is a manual step: something a person does, no command. */
gboolean ck_cl_step_manual(JsonObject *step);

/* TRUE when STEP belongs on the master (reference) image: its scope says
 * so, or its command runs sysprep whatever its scope says. */
gboolean ck_cl_step_master_image(JsonObject *step);

/* TRUE when STEP belongs to SCOPE (CK_RUN_ALL: every step). */
gboolean ck_cl_step_in_scope(JsonObject *step, CkRunScope scope);

/* The name of the first secret parameter of STEP (never filled into a
 * script), or NULL.  Owned by STEP. */
const char *ck_cl_secret_param(JsonObject *step);

/* Append CHECKLIST's steps of SCOPE (terminal or master image) as a cmd.exe
 * batch file / a PowerShell script, LF line ends (the caller makes them
 * CRLF and adds the PowerShell BOM). */
void ck_cl_render_cmd(GString *out, JsonNode *checklist, CkRunScope scope);
void ck_cl_render_ps1(GString *out, JsonNode *checklist, CkRunScope scope);

#endif
