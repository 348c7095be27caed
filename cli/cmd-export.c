/* cmd-export.c — `casekb export`: export cases as NDJSON for Elasticsearch/OpenSearch _bulk.  (Being written.) */
#include "cli/commands.h"

int casekb_cmd_export(CkContext *ctx, int argc, char **argv)
{
    return ck_cli_error(ctx, CK_EXIT_INTERNAL, "not built yet");
}
