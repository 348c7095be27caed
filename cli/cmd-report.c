/* cmd-report.c — `casekb report`: case-history report for support leads (html, md, json).  (Being written.) */
#include "cli/commands.h"

int casekb_cmd_report(CkContext *ctx, int argc, char **argv)
{
    return ck_cli_error(ctx, CK_EXIT_INTERNAL, "not built yet");
}
