/* cmd-draft.c — `casekb draft`: draft the next reply to a case or a new mail.  (Being written.) */
#include "cli/commands.h"

int casekb_cmd_draft(CkContext *ctx, int argc, char **argv)
{
    return ck_cli_error(ctx, CK_EXIT_INTERNAL, "not built yet");
}
