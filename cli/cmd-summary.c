/* cmd-summary.c — `casekb summary`: one-page case summary (md, html, json).  (Being written.) */
#include "cli/commands.h"

int casekb_cmd_summary(CkContext *ctx, int argc, char **argv)
{
    return ck_cli_error(ctx, CK_EXIT_INTERNAL, "not built yet");
}
