/* cmd-kb.c — `casekb kb`: write the knowledge base (one article per cause, one page per case).  (Being written.) */
#include "cli/commands.h"

int casekb_cmd_kb(CkContext *ctx, int argc, char **argv)
{
    return ck_cli_error(ctx, CK_EXIT_INTERNAL, "not built yet");
}
