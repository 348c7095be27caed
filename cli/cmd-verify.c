/* cmd-verify.c — `casekb verify`: check collected output against a case's checklist.  (Being written.) */
#include "cli/commands.h"

int casekb_cmd_verify(CkContext *ctx, int argc, char **argv)
{
    return ck_cli_error(ctx, CK_EXIT_INTERNAL, "not built yet");
}
