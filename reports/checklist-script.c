/* checklist-script.c — a checklist as a cmd.exe batch file or a Windows
 * PowerShell 5.1 script, one scope (the affected terminal, or the master
 * image) per script.  Line ends are LF here; ck_checklist_render() makes
 * them CRLF and adds the PowerShell BOM. */
#include "reports/checklist-private.h"

#include <string.h>

typedef enum { SHELL_CMD, SHELL_PS } Shell;

/* Lookup data for script_value(). */
typedef struct {
    Shell shell;
    JsonArray *params;
} ScriptVars;

/* ck_cl_substitute() lookup for scripts: the parameter's variable (%NAME%
 * or ${NAME}), or __NAME__ for a secret one (never filled). */
static char *script_value(const char *name, gpointer data)
{
    const ScriptVars *vars = data;
    JsonObject *p = ck_cl_find_param(vars->params, name);
    g_autofree char *upper = ck_cl_token(name);
    for (char *c = upper; *c; c++)
        *c = *c == '.' || *c == '-' ? '_' : g_ascii_toupper(*c);
    if (!p || strcmp(ck_json_str(p, "status"), "secret") == 0)
        return g_strdup_printf("__%s__", upper);
    return g_strdup_printf(vars->shell == SHELL_CMD ? "%%%s%%" : "${%s}", upper);
}

/* One simple command (no &&) for SHELL: slmgr through cscript (so its
 * output can be logged), sysprep by its full path, PowerShell cmdlets
 * through powershell.exe when the shell is cmd.  Caller frees. */
static char *shell_command(const char *part, Shell shell)
{
    const char *space = strchr(part, ' ');
    g_autofree char *program = g_ascii_strdown(part, space ? space - part : -1);
    const char *rest = space ? space : "";
    gboolean cmdlet = g_regex_match_simple("^[a-z]+-[a-z]+$", program, 0, 0);
    if (g_str_has_prefix(program, "slmgr"))
        return g_strdup_printf(shell == SHELL_CMD ? "cscript //nologo \"%%SystemRoot%%\\System32\\slmgr.vbs\"%s"
                                                  : "cscript //nologo \"$env:SystemRoot\\System32\\slmgr.vbs\"%s",
                               rest);
    if (g_str_has_prefix(program, "sysprep"))
        return g_strdup_printf(shell == SHELL_CMD ? "\"%%SystemRoot%%\\System32\\Sysprep\\sysprep.exe\"%s"
                                                  : "& \"$env:SystemRoot\\System32\\Sysprep\\sysprep.exe\"%s",
                               rest);
    if (cmdlet && shell == SHELL_CMD)
        return g_strdup_printf("powershell -NoProfile -ExecutionPolicy Bypass -Command \"%s\"", part);
    return g_strdup(part);
}

/* STEP's command for SHELL with parameters as variables; "a && b" stays
 * one line for cmd and becomes statements that stop at the first failure
 * for PowerShell 5.1 (which has no &&).  Caller frees. */
static char *script_command(JsonObject *step, Shell shell)
{
    ScriptVars vars = { shell, ck_json_get_array(step, "params") };
    g_autofree char *text = ck_cl_substitute(ck_json_str(step, "command"), script_value, &vars);
    g_auto(GStrv) parts = g_strsplit(text, "&&", -1);
    GString *out = g_string_new(NULL);
    for (guint i = 0; parts[i]; i++) {
        g_autofree char *one = shell_command(g_strstrip(parts[i]), shell);
        if (i > 0)
            g_string_append(out, shell == SHELL_CMD ? " && " : "\n    if ($LASTEXITCODE) { return }\n    ");
        g_string_append(out, one);
    }
    return g_string_free(out, FALSE);
}

/* Append "PREFIX text" comment lines describing STEP (title, why, expect,
 * prerequisites, do-not warnings). */
static void script_step_comments(GString *out, JsonObject *step, CkLang lang, Shell shell)
{
    const char *rem = shell == SHELL_CMD ? "REM " : "# ";
    gboolean c = shell == SHELL_CMD;
    g_string_append_printf(out, "\n%s==== %" G_GINT64_FORMAT ". ", rem, ck_json_int(step, "n"));
    ck_cl_comment_text(out, ck_json_str(step, "title"), c);
    g_string_append(out, " / ");
    ck_cl_comment_text(out, ck_json_str(step, "title_en"), c);
    g_string_append_printf(out, " (%s) ====\n%s",
                           ck_cl_step_manual(step)    ? "manual: done by a person, no command"
                           : ck_cl_step_changes(step) ? "changes the machine"
                                                      : "read-only",
                           rem);
    ck_cl_comment_text(out, ck_cl_step_text(step, "why", lang), c);
    g_string_append_c(out, '\n');
    if (ck_json_str(step, "expect")[0])
        g_string_append_printf(out, "%sexpected: output matching the rule's pattern (checked by casekb verify)\n",
                               rem);
    JsonArray *after = ck_json_get_array(step, "after"), *requires = ck_json_get_array(step, "requires");
    for (guint i = 0; after && i < json_array_get_length(after); i++) {
        g_autofree char *id = ck_cl_token(json_array_get_string_element(requires, i));
        g_string_append_printf(out, "%sruns only after step %" G_GINT64_FORMAT " (%s) succeeded\n", rem,
                               json_array_get_int_element(after, i), id);
    }
    JsonArray *do_not = ck_json_get_array(step, "do_not");
    for (guint i = 0; do_not && i < json_array_get_length(do_not); i++) {
        g_string_append_printf(out, "%sDO NOT: ", rem);
        ck_cl_comment_text(out, json_array_get_string_element(do_not, i), c);
        g_string_append_c(out, '\n');
    }
}

/* Append the variable lines (cmd: set "NAME=value"; ps: $NAME = 'value')
 * for every parameter of the steps of SCOPE, once each. */
static void script_variables(GString *out, JsonArray *steps, CkRunScope scope, Shell shell)
{
    const char *rem = shell == SHELL_CMD ? "REM " : "# ";
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    g_string_append_printf(out, "\n%s---- values from the mail, checked against each rule's pattern;"
                                " fill in the empty ones ----\n", rem);
    for (guint s = 0; steps && s < json_array_get_length(steps); s++) {
        JsonObject *step = json_array_get_object_element(steps, s);
        JsonArray *params = ck_cl_step_in_scope(step, scope) ? ck_json_get_array(step, "params") : NULL;
        for (guint i = 0; params && i < json_array_get_length(params); i++) {
            JsonObject *p = json_array_get_object_element(params, i);
            const char *var = ck_json_str(p, "variable"), *status = ck_json_str(p, "status");
            if (!ck_cl_shell_inert(var) || !g_hash_table_add(seen, (gpointer)var))
                continue;
            if (strcmp(status, "secret") == 0) {
                g_string_append_printf(out, "%s%s: never written by casekb; the step that needs it is commented"
                                            " out\n", rem, ck_json_str(p, "name"));
                continue;
            }
            const char *value = strcmp(status, "filled") == 0 ? ck_json_str(p, "value") : "";
            const char *example = ck_json_str(p, "example");
            if (!*value)
                g_string_append_printf(out, "%s%s: %s; fill in (example %s)\n", rem, ck_json_str(p, "name"),
                                       strcmp(status, "rejected") == 0 ? "the value in the mail failed the check"
                                                                       : "not in the mail",
                                       ck_cl_shell_inert(example) ? example : "-");
            g_string_append_printf(out, shell == SHELL_CMD ? "set \"%s=%s\"\n" : "$%s = '%s'\n", var,
                                   ck_cl_shell_inert(value) ? value : "");
        }
    }
}

/* Append the skip/guard list of STEP's parameters: cmd "if not defined X
 * goto ck_skip_N" lines, or the PowerShell @('X','Y') array. */
static void script_needs(GString *out, JsonObject *step, Shell shell)
{
    JsonArray *params = ck_json_get_array(step, "params");
    gint64 n = ck_json_int(step, "n");
    if (shell == SHELL_PS)
        g_string_append(out, "@(");
    for (guint i = 0; params && i < json_array_get_length(params); i++) {
        const char *var = ck_json_str(json_array_get_object_element(params, i), "variable");
        if (!ck_cl_shell_inert(var))
            continue;
        if (shell == SHELL_CMD)
            g_string_append_printf(out, "if not defined %s goto ck_skip_%" G_GINT64_FORMAT "\n", var, n);
        else
            g_string_append_printf(out, "%s'%s'", i ? ", " : "", var);
    }
    if (shell == SHELL_PS)
        g_string_append_c(out, ')');
}

/* Append the prerequisites of STEP: cmd "call :ck_need …" lines, or the
 * PowerShell @('id', …) array. */
static void script_requires(GString *out, JsonObject *step, const char *id, Shell shell)
{
    JsonArray *requires = ck_json_get_array(step, "requires");
    gint64 n = ck_json_int(step, "n");
    if (shell == SHELL_PS)
        g_string_append(out, "@(");
    for (guint i = 0; requires && i < json_array_get_length(requires); i++) {
        g_autofree char *req = ck_cl_token(json_array_get_string_element(requires, i));
        if (shell == SHELL_CMD)
            g_string_append_printf(out, "call :ck_need %" G_GINT64_FORMAT " %s %s || goto ck_next_%" G_GINT64_FORMAT
                                        "\n", n, id, req, n);
        else
            g_string_append_printf(out, "%s'%s'", i ? ", " : "", req);
    }
    if (shell == SHELL_PS)
        g_string_append_c(out, ')');
}

/* Append the line logging that step N (ID) was SKIPPED for REASON. */
static void script_log_skip(GString *out, gint64 n, const char *id, const char *reason, Shell shell)
{
    g_string_append_printf(out, shell == SHELL_CMD ? ">>\"%%CK_LOG%%\" echo === casekb step %" G_GINT64_FORMAT
                                                     " %s SKIPPED %s ===\n"
                                                   : "Write-CkLog '=== casekb step %" G_GINT64_FORMAT
                                                     " %s SKIPPED %s ==='\n",
                           n, id, reason);
}

/* A step that stays commented out because it needs SECRET. */
static void script_commented_step(GString *out, JsonObject *step, const char *id, const char *secret,
                                  Shell shell)
{
    gboolean c = shell == SHELL_CMD;
    g_autofree char *command = script_command(step, shell);
    g_autofree char *token = ck_cl_token(secret);
    g_autofree char *reason = g_strconcat("needs-", token, NULL);
    g_string_append_printf(out, "%scasekb: not run - needs %s, which casekb never writes into a script.\n"
                                "%sType it yourself once you have checked it:\n%s  ",
                           c ? "REM " : "# ", token, c ? "REM " : "# ", c ? "REM " : "# ");
    ck_cl_comment_text(out, command, c);
    g_string_append_c(out, '\n');
    script_log_skip(out, ck_json_int(step, "n"), id, reason, shell);
}

/* A manual step: nothing to run, a log line saying so and a reminder. */
static void script_manual_step(GString *out, JsonObject *step, const char *id, Shell shell)
{
    gint64 n = ck_json_int(step, "n");
    script_log_skip(out, n, id, "manual", shell);
    g_string_append_printf(out, shell == SHELL_CMD ? "echo [%" G_GINT64_FORMAT "] %s: manual step, see the REM lines"
                                                     " above\n"
                                                   : "Write-Host '[%" G_GINT64_FORMAT "] %s: manual step, see the"
                                                     " comment above'\n",
                           n, id);
}

/* Append cmd.exe lines running STEP (numbered N, id ID) between the log
 * markers: prerequisites first, then parameters, then YES for a change. */
static void cmd_step(GString *out, JsonObject *step, const char *id)
{
    gint64 n = ck_json_int(step, "n");
    g_autofree char *command = script_command(step, SHELL_CMD);
    script_requires(out, step, id, SHELL_CMD);
    script_needs(out, step, SHELL_CMD);
    if (ck_cl_step_changes(step))
        g_string_append_printf(out, "call :ck_confirm %" G_GINT64_FORMAT " %s || goto ck_next_%" G_GINT64_FORMAT "\n",
                               n, id, n);
    g_string_append_printf(out, "call :ck_begin %" G_GINT64_FORMAT " %s\n(%s) >>\"%%CK_LOG%%\" 2>&1\n"
                                "call :ck_end %" G_GINT64_FORMAT " %%ERRORLEVEL%% %s\n", n, id, command, n, id);
    JsonArray *params = ck_json_get_array(step, "params");
    if (params && json_array_get_length(params) > 0)
        g_string_append_printf(out, "goto ck_next_%" G_GINT64_FORMAT "\n:ck_skip_%" G_GINT64_FORMAT "\n"
                                    "call :ck_skip %" G_GINT64_FORMAT " %s missing-parameter\n", n, n, n, id);
    g_string_append_printf(out, ":ck_next_%" G_GINT64_FORMAT "\n", n);
}

/* The admin check, before anything is logged: `net session` needs the
 * Server service, so `fltmc` (admin only too) is asked as well. */
static const char CMD_ADMIN_CHECK[] =
    "net session >nul 2>&1 || fltmc >nul 2>&1 || goto ck_not_admin\n"
    "for /f \"delims==\" %%v in ('set CK_OK_ 2^>nul') do set \"%%v=\"\n";

static const char CMD_SUBROUTINES[] =
    "\necho casekb: done; send \"%CK_LOG%\" back or check it with casekb verify\n"
    "endlocal\ngoto :eof\n\n"
    ":ck_not_admin\necho casekb: this script must run as administrator. Right-click it and choose"
    " \"Run as administrator\"; nothing was run.\nendlocal\nexit /b 5\n\n"
    ":ck_begin\n>>\"%CK_LOG%\" echo === casekb step %1 %2 BEGIN ===\necho [%1] %2\nexit /b 0\n\n"
    ":ck_end\n>>\"%CK_LOG%\" echo === casekb step %1 END exit=%2 ===\nif \"%2\"==\"0\" set \"CK_OK_%3=1\"\n"
    "exit /b 0\n\n"
    ":ck_skip\n>>\"%CK_LOG%\" echo === casekb step %1 %2 SKIPPED %~3 ===\necho [%1] %2 skipped: %~3\nexit /b 0\n\n"
    ":ck_need\nif defined CK_OK_%3 exit /b 0\ncall :ck_skip %1 %2 \"prerequisite %3\"\nexit /b 1\n\n"
    ":ck_confirm\nset \"CK_ANSWER=\"\nset /p \"CK_ANSWER=[%1] %2 changes this machine. Type YES to run it: \"\n"
    "if \"%CK_ANSWER%\"==\"YES\" exit /b 0\ncall :ck_skip %1 %2 declined\nexit /b 1\n";

/* Append the header lines both scripts share (as comments): what the
 * script is for and where it must (not) run. */
static void script_header(GString *out, JsonNode *checklist, const char *case_token, CkRunScope scope,
                          Shell shell)
{
    const char *rem = shell == SHELL_CMD ? "REM " : "# ";
    JsonObject *o = json_node_get_object(checklist);
    g_string_append_printf(out, "%scasekb checklist for %s: ", rem, case_token);
    ck_cl_comment_text(out, ck_json_str(o, "title"), shell == SHELL_CMD);
    if (scope == CK_RUN_MASTER_IMAGE)
        g_string_append_printf(out, "\n%sFOR THE MASTER (REFERENCE) IMAGE ONLY. Run it as administrator on the"
                                    " reference machine the image\n%sis made from, NEVER on a production terminal:"
                                    " it may generalize the system and shut it down.\n",
                               rem, rem);
    else
        g_string_append_printf(out, "\n%sRun it as administrator on each affected terminal.\n", rem);
    if (scope != CK_RUN_MASTER_IMAGE && ck_checklist_count(checklist, CK_RUN_MASTER_IMAGE))
        g_string_append_printf(out, "%sSteps for the master (reference) image are not in this script; they are in\n"
                                    "%s  casekb checklist %s --format %s --scope master-image\n",
                               rem, rem, case_token, shell == SHELL_CMD ? "cmd" : "ps1");
    g_string_append_printf(out, "%sRead-only steps run at once; steps that change the machine ask for YES first;"
                                " a step runs\n%sonly when the steps it requires succeeded. Each step's output goes"
                                " to the log; check it with\n%s  casekb verify %s LOGFILE\n",
                           rem, rem, rem, case_token);
}

/* Append STEP's lines for SHELL: comments, then the step itself (run,
 * commented out, or a manual reminder). */
static void script_step(GString *out, JsonObject *step, CkLang lang, Shell shell,
                        void (*run)(GString *, JsonObject *, const char *))
{
    g_autofree char *id = ck_cl_token(ck_json_str(step, "id"));
    script_step_comments(out, step, lang, shell);
    if (ck_cl_step_manual(step))
        script_manual_step(out, step, id, shell);
    else if (ck_cl_secret_param(step))
        script_commented_step(out, step, id, ck_cl_secret_param(step), shell);
    else
        run(out, step, id);
}

/* Append the steps of SCOPE.  The scope test also looks at the command:
 * a step that runs sysprep never reaches a terminal's script, whatever its
 * rule said. */
static void script_steps(GString *out, JsonArray *steps, CkRunScope scope, CkLang lang, Shell shell,
                         void (*run)(GString *, JsonObject *, const char *))
{
    for (guint i = 0; steps && i < json_array_get_length(steps); i++) {
        JsonObject *step = json_array_get_object_element(steps, i);
        if (ck_cl_step_in_scope(step, scope))
            script_step(out, step, lang, shell, run);
    }
}

/* The log's first line: the case, and the scope for a master-image log. */
static char *log_title(const char *case_token, CkRunScope scope)
{
    return g_strdup_printf("=== casekb checklist %s%s ===", case_token,
                           scope == CK_RUN_MASTER_IMAGE ? " master-image" : "");
}

/* See checklist-private.h. */
void ck_cl_render_cmd(GString *out, JsonNode *checklist, CkRunScope scope)
{
    CkLang lang;
    JsonArray *steps = ck_cl_steps(checklist, &lang);
    g_autofree char *case_token = ck_cl_token(ck_json_str(json_node_get_object(checklist), "case_id"));
    g_autofree char *title = log_title(case_token, scope);
    g_string_append(out, "@echo off\nchcp 65001 >nul\nsetlocal\n");
    script_header(out, checklist, case_token, scope, SHELL_CMD);
    g_string_append(out, CMD_ADMIN_CHECK);
    if (scope == CK_RUN_MASTER_IMAGE)
        g_string_append(out, "set \"CK_ANSWER=\"\nset /p \"CK_ANSWER=This script is for the master (reference)"
                             " image only. Type MASTER to go on: \"\nif not \"%CK_ANSWER%\"==\"MASTER\" goto :eof\n");
    g_string_append_printf(out, "set \"CK_LOG=%%~dp0casekb-%s%s.log\"\nif not \"%%~1\"==\"\" set \"CK_LOG=%%~1\"\n",
                           case_token, scope == CK_RUN_MASTER_IMAGE ? "-master-image" : "");
    script_variables(out, steps, scope, SHELL_CMD);
    g_string_append_printf(out, "\n>>\"%%CK_LOG%%\" echo %s\necho casekb: writing the output to \"%%CK_LOG%%\"\n",
                           title);
    script_steps(out, steps, scope, lang, SHELL_CMD, cmd_step);
    g_string_append(out, CMD_SUBROUTINES);
}

static const char PS_ADMIN_CHECK[] =
    "$ckPrincipal = New-Object Security.Principal.WindowsPrincipal([Security.Principal.WindowsIdentity]::GetCurrent())\n"
    "if (-not $ckPrincipal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {\n"
    "    Write-Host 'casekb: this script must run as administrator (right-click Windows PowerShell,"
    " Run as administrator); nothing was run.'\n"
    "    exit 5\n}\n";

static const char PS_PRELUDE[] =
    "function Write-CkLog([string]$Line) { Add-Content -LiteralPath $LogPath -Value $Line -Encoding UTF8 }\n\n"
    "$script:CkOk = @{}\n\n"
    "function Invoke-CkStep {\n"
    "    param([int]$N, [string]$Id, [string[]]$Requires = @(), [string[]]$Needs = @(), [switch]$Change,"
    " [scriptblock]$Body)\n"
    "    foreach ($req in $Requires) {\n"
    "        if (-not $script:CkOk.ContainsKey($req)) {\n"
    "            Write-CkLog \"=== casekb step $N $Id SKIPPED prerequisite $req ===\"\n"
    "            Write-Host \"[$N] $Id skipped: prerequisite $req was skipped or failed\"\n"
    "            return\n        }\n    }\n"
    "    foreach ($name in $Needs) {\n"
    "        if (-not (Get-Variable -Name $name -Scope Script -ValueOnly -ErrorAction SilentlyContinue)) {\n"
    "            Write-CkLog \"=== casekb step $N $Id SKIPPED missing-parameter ===\"\n"
    "            Write-Host \"[$N] $Id skipped: set `$$name at the top of this script\"\n"
    "            return\n        }\n    }\n"
    "    if ($Change) {\n"
    "        $answer = Read-Host \"[$N] $Id changes this machine. Type YES to run it\"\n"
    "        if ($answer -cne 'YES') { Write-CkLog \"=== casekb step $N $Id SKIPPED declined ===\"; return }\n"
    "    }\n"
    "    Write-CkLog \"=== casekb step $N $Id BEGIN ===\"\n"
    "    Write-Host \"[$N] $Id\"\n"
    "    $global:LASTEXITCODE = 0\n"
    "    $code = 0\n"
    "    try { $output = & $Body *>&1 | Out-String; if ($LASTEXITCODE) { $code = $LASTEXITCODE } }\n"
    "    catch { $output = $_ | Out-String; $code = 1 }\n"
    "    Write-CkLog $output.TrimEnd()\n"
    "    Write-CkLog \"=== casekb step $N END exit=$code ===\"\n"
    "    if ($code -eq 0) { $script:CkOk[$Id] = $true }\n"
    "}\n";

/* Append the PowerShell call running STEP. */
static void ps_step(GString *out, JsonObject *step, const char *id)
{
    g_autofree char *command = script_command(step, SHELL_PS);
    g_string_append_printf(out, "Invoke-CkStep -N %" G_GINT64_FORMAT " -Id '%s' -Requires ", ck_json_int(step, "n"),
                           id);
    script_requires(out, step, id, SHELL_PS);
    g_string_append(out, " -Needs ");
    script_needs(out, step, SHELL_PS);
    g_string_append_printf(out, "%s -Body {\n    %s\n}\n", ck_cl_step_changes(step) ? " -Change" : "", command);
}

/* See checklist-private.h. */
void ck_cl_render_ps1(GString *out, JsonNode *checklist, CkRunScope scope)
{
    CkLang lang;
    JsonArray *steps = ck_cl_steps(checklist, &lang);
    g_autofree char *case_token = ck_cl_token(ck_json_str(json_node_get_object(checklist), "case_id"));
    g_autofree char *title = log_title(case_token, scope);
    const char *suffix = scope == CK_RUN_MASTER_IMAGE ? "-master-image" : "";
    script_header(out, checklist, case_token, scope, SHELL_PS);
    g_string_append_printf(out, "#   powershell -NoProfile -ExecutionPolicy Bypass -File .\\casekb-%s%s.ps1\n"
                                "param([string]$LogPath = (Join-Path $PSScriptRoot 'casekb-%s%s.log'))\n"
                                "[Console]::OutputEncoding = [System.Text.Encoding]::UTF8\n%s",
                           case_token, suffix, case_token, suffix, PS_ADMIN_CHECK);
    if (scope == CK_RUN_MASTER_IMAGE)
        g_string_append(out, "if ((Read-Host 'This script is for the master (reference) image only. Type MASTER to"
                             " go on') -cne 'MASTER') { exit 1 }\n");
    script_variables(out, steps, scope, SHELL_PS);
    g_string_append_printf(out, "\n%s\nWrite-CkLog '%s'\nWrite-Host \"casekb: writing the output to $LogPath\"\n",
                           PS_PRELUDE, title);
    script_steps(out, steps, scope, lang, SHELL_PS, ps_step);
    g_string_append(out, "\nWrite-Host \"casekb: done; send $LogPath back or check it with casekb verify\"\n");
}
