/* cmd-serve.c — `casekb serve [--listen ADDR] [--port N] [--token TOKEN]
 * [--users FILE]`: the web UI and JSON API (serve/serve.h), read-only. */
#include "cli/commands.h"
#include "serve/handler.h"
#include "serve/serve.h"

/* The serve command (see the file comment). */
int casekb_cmd_serve(CkContext *ctx, int argc, char **argv)
{
    g_autofree char *listen = NULL, *token = NULL, *users = NULL;
    int port = 8080;
    const GOptionEntry entries[] = {
        { "listen", 0, 0, G_OPTION_ARG_STRING, &listen, "IP address to listen on (default 127.0.0.1; any "
          "other than loopback needs --token or --users)", "ADDR" },
        { "port", 0, 0, G_OPTION_ARG_INT, &port, "TCP port (default 8080; 0: any free port)", "N" },
        { "token", 0, 0, G_OPTION_ARG_STRING, &token, "Require this token (Authorization: Bearer, or the cookie "
          "/login?token= sets); default $CASEKB_SERVE_TOKEN", "TOKEN" },
        { "users", 0, 0, G_OPTION_ARG_FILENAME, &users, "Require HTTP Basic login of a user of FILE "
          "(lines user:sha256hex of the password)", "FILE" },
        { NULL }
    };
    int rc = CK_EXIT_OK;
    if (!ck_cli_parse(ctx, &argc, &argv, entries, "",
                      "Serve the case queue, search, case pages, dashboard and a JSON API (/api/cases, /api/case/ID,\n"
                      "/api/search?q=, /api/similar/ID, /api/report) over HTTP, opening the database read-only.\n"
                      "Prints the server's URL as its first line; stops on SIGINT or SIGTERM.", &rc))
        return rc;
    if (argc > 1)
        return ck_cli_error(ctx, CK_EXIT_USAGE, "unexpected argument '%s'", argv[1]);
    if (port < 0 || port > 65535)
        return ck_cli_error(ctx, CK_EXIT_USAGE, "--port: %d is not a port (0 to 65535)", port);
    if (!token && g_getenv("CASEKB_SERVE_TOKEN") && *g_getenv("CASEKB_SERVE_TOKEN"))
        token = g_strdup(g_getenv("CASEKB_SERVE_TOKEN"));
    GError *error = NULL;
    CkCustomers *customers = ck_customers_load_dir(ctx->rules_dir, &error);
    if (!customers)
        return ck_cli_fail(ctx, CK_EXIT_USAGE, error);
    CkRuleSet *rules = ck_cli_load_rules(ctx);
    CkServeOptions options = { ctx->db_path, rules, customers, listen, (guint16)port, token, users };
    if (!ck_serve_run(&options, stdout, &error))
        rc = ck_cli_fail(ctx, g_error_matches(error, CK_SERVE_ERROR, CK_SERVE_ERROR_USAGE) ? CK_EXIT_USAGE
                              : CK_EXIT_INTERNAL, error);
    if (rules)
        ck_ruleset_free(rules);
    ck_customers_free(customers);
    return rc;
}
