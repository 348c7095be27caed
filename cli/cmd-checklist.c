/* cmd-checklist.c — `casekb checklist`: runnable remediation checklist (md, cmd, ps1).  (Being written.) */
#include "cli/commands.h"

int casekb_cmd_checklist(CkContext *ctx, int argc, char **argv)
{
    return ck_cli_error(ctx, CK_EXIT_INTERNAL, "not built yet");
}
