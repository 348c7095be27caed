/* cmd-similar.c — `casekb similar`: past cases most like a case or a new mail.  (Being written.) */
#include "cli/commands.h"

int casekb_cmd_similar(CkContext *ctx, int argc, char **argv)
{
    return ck_cli_error(ctx, CK_EXIT_INTERNAL, "not built yet");
}
