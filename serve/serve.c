/* serve.c — the HTTP server: listening, routing, the worker (serve.h). */
#include "serve/serve.h"
#include "serve/auth.h"
#include "serve/api.h"
#include "serve/handler.h"
#include "serve/page-case.h"
#include "serve/page-dashboard.h"
#include "serve/page-queue.h"
#include "serve/page-search.h"
#include "serve/static.h"
#include <glib-unix.h>
#include <libsoup/soup.h>
#include <string.h>

#define CSP "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; base-uri 'none'; " \
            "form-action 'self'; frame-ancestors 'none'"

/* The routes: PATH exactly, or (PREFIX) any path under it, whose rest is
 * the request's arg. */
static const struct {
    const char *path;
    gboolean prefix;
    CkServeHandler handler;
} ROUTES[] = {
    { "/", FALSE, ck_serve_page_queue },
    { "/search", FALSE, ck_serve_page_search },
    { "/dashboard", FALSE, ck_serve_page_dashboard },
    { "/case/", TRUE, ck_serve_page_case },
    { "/api/cases", FALSE, ck_serve_api_cases },
    { "/api/case/", TRUE, ck_serve_api_case },
    { "/api/search", FALSE, ck_serve_api_search },
    { "/api/similar/", TRUE, ck_serve_api_similar },
    { "/api/report", FALSE, ck_serve_api_report },
};

/* The server's state, owned by ck_serve_run(). */
typedef struct {
    CkServeEnv env;            /* used by the worker thread only */
    CkServeAuth *auth;
    GThreadPool *worker;       /* one thread */
    GMainLoop *loop;
    gboolean loopback_only;    /* no credentials: answer loopback Host names only */
} Server;

/* One request on its way to the worker and back. */
typedef struct {
    SoupServerMessage *msg;    /* a reference */
    CkServeHandler handler;
    CkServeRequest req;
    CkServeResponse *response;
    gulong on_gone[2];         /* handlers of the message's "finished" and "disconnected" */
    gboolean gone;             /* the client left before the answer: do not answer */
} Job;

static void job_free(Job *job)
{
    g_object_unref(job->msg);
    g_free(job->req.path);
    g_free(job->req.arg);
    g_hash_table_unref(job->req.query);
    ck_serve_response_free(job->response);
    g_free(job);
}

/* Add the headers every response carries. */
static void add_security_headers(SoupServerMessage *msg)
{
    SoupMessageHeaders *h = soup_server_message_get_response_headers(msg);
    soup_message_headers_replace(h, "Content-Security-Policy", CSP);
    soup_message_headers_replace(h, "X-Content-Type-Options", "nosniff");
    soup_message_headers_replace(h, "Referrer-Policy", "no-referrer");
    soup_message_headers_replace(h, "X-Frame-Options", "DENY");
    soup_message_headers_replace(h, "Cache-Control", "no-store");
}

/* Write R into MSG (R stays the caller's). */
static void respond(SoupServerMessage *msg, const CkServeResponse *r)
{
    gsize len = 0;
    const char *body = g_bytes_get_data(r->body, &len);
    soup_server_message_set_status(msg, r->status, NULL);
    soup_server_message_set_response(msg, r->content_type, SOUP_MEMORY_COPY, body, len);
    if (r->disposition)
        soup_message_headers_replace(soup_server_message_get_response_headers(msg), "Content-Disposition",
                                     r->disposition);
}

/* Answer MSG with STATUS and MESSAGE, as JSON under /api/, else HTML. */
static void respond_error(SoupServerMessage *msg, const char *path, guint status, const char *message)
{
    CkServeResponse *r = g_str_has_prefix(path, "/api/") ? ck_serve_response_json_error(status, message)
                                                         : ck_serve_response_html_error(status, message);
    respond(msg, r);
    ck_serve_response_free(r);
}

/* Main loop: the client of the job DATA went away while it waited. */
static void on_gone(SoupServerMessage *msg, gpointer data)
{
    ((Job *)data)->gone = TRUE;
}

/* Main loop: hand the worker's response to the client, if still there. */
static gboolean deliver(gpointer data)
{
    Job *job = data;
    for (guint i = 0; i < G_N_ELEMENTS(job->on_gone); i++)
        g_signal_handler_disconnect(job->msg, job->on_gone[i]);
    if (!job->gone) {
        respond(job->msg, job->response);
        soup_server_message_unpause(job->msg);
    }
    job_free(job);
    return G_SOURCE_REMOVE;
}

/* Worker thread: run the job's handler. */
static void work(gpointer data, gpointer user_data)
{
    Job *job = data;
    Server *server = user_data;
    job->response = job->handler(&server->env, &job->req);
    g_main_context_invoke(NULL, deliver, job);
}

/* TRUE when the Host header HOST names a loopback address (or is absent:
 * HTTP/1.0). */
static gboolean host_is_loopback(const char *host)
{
    if (!host)
        return TRUE;
    char *name = g_strdup(host);
    char *end = name[0] == '[' ? strchr(name, ']') : strrchr(name, ':');
    if (end)
        *end = '\0';
    const char *bare = name[0] == '[' ? name + 1 : name;
    GInetAddress *address = g_inet_address_new_from_string(bare);
    gboolean ok = g_ascii_strcasecmp(bare, "localhost") == 0
                  || (address && g_inet_address_get_is_loopback(address));
    g_clear_object(&address);
    g_free(name);
    return ok;
}

/* The request's query as a new table of valid UTF-8 strings, or NULL
 * when a name or value is not UTF-8. */
static GHashTable *copy_query(GHashTable *query)
{
    GHashTable *copy = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    GHashTableIter it;
    gpointer name, value;
    if (query)
        g_hash_table_iter_init(&it, query);
    while (query && g_hash_table_iter_next(&it, &name, &value)) {
        if (!g_utf8_validate(name, -1, NULL) || !g_utf8_validate(value, -1, NULL)) {
            g_hash_table_unref(copy);
            return NULL;
        }
        g_hash_table_replace(copy, g_strdup(name), g_strdup(value));
    }
    return copy;
}

/* The handler of PATH and the rest of the path after its route, or NULL. */
static CkServeHandler route(const char *path, const char **arg)
{
    for (guint i = 0; i < G_N_ELEMENTS(ROUTES); i++) {
        if (ROUTES[i].prefix ? g_str_has_prefix(path, ROUTES[i].path) && path[strlen(ROUTES[i].path)]
                             : strcmp(path, ROUTES[i].path) == 0) {
            *arg = path + (ROUTES[i].prefix ? strlen(ROUTES[i].path) : strlen(path));
            return ROUTES[i].handler;
        }
    }
    return NULL;
}

/* /login?token=TOKEN: set the token cookie and go to the queue. */
static void login(Server *server, SoupServerMessage *msg, GHashTable *query)
{
    const char *token = query ? g_hash_table_lookup(query, "token") : NULL;
    if (!ck_serve_auth_token_ok(server->auth, token)) {
        respond_error(msg, "/login", 401, "login: wrong or missing token");
        return;
    }
    char *cookie = g_strdup_printf("token=%s; Path=/; HttpOnly; SameSite=Strict", token);
    soup_message_headers_replace(soup_server_message_get_response_headers(msg), "Set-Cookie", cookie);
    soup_server_message_set_redirect(msg, 303, "/");
    g_free(cookie);
}

/* TRUE when MSG may go on: its Host (without credentials) and its
 * credentials are acceptable; else answers it. */
static gboolean admit(Server *server, SoupServerMessage *msg, const char *path)
{
    SoupMessageHeaders *h = soup_server_message_get_request_headers(msg);
    if (server->loopback_only && !host_is_loopback(soup_message_headers_get_one(h, "Host"))) {
        respond_error(msg, path, 403, "this server answers only requests for localhost");
        return FALSE;
    }
    if (ck_serve_auth_check(server->auth, soup_message_headers_get_one(h, "Authorization"),
                            soup_message_headers_get_one(h, "Cookie")))
        return TRUE;
    soup_message_headers_replace(soup_server_message_get_response_headers(msg), "WWW-Authenticate",
                                 ck_serve_auth_challenge(server->auth));
    respond_error(msg, path, 401, "authentication required: a token (Authorization: Bearer, or /login?token=)"
                                  " or a user's password");
    return FALSE;
}

/* Send DECODED's job (PATH decoded) to the worker, or answer it here. */
static void dispatch(Server *server, SoupServerMessage *msg, const char *path, GHashTable *query)
{
    const char *arg = NULL;
    CkServeHandler handler = route(path, &arg);
    GHashTable *params = copy_query(query);
    if (!handler || !params) {
        respond_error(msg, path, handler ? 400 : 404, handler ? "query parameters must be UTF-8" : "no such page");
        if (params)
            g_hash_table_unref(params);
        return;
    }
    Job *job = g_new0(Job, 1);
    job->msg = g_object_ref(msg);
    job->handler = handler;
    job->req = (CkServeRequest){ g_strdup(path), g_strdup(arg), params };
    job->on_gone[0] = g_signal_connect(msg, "finished", G_CALLBACK(on_gone), job);
    job->on_gone[1] = g_signal_connect(msg, "disconnected", G_CALLBACK(on_gone), job);
    soup_server_message_pause(msg);
    g_thread_pool_push(server->worker, job, NULL);
}

/* libsoup's callback for every request. */
static void on_request(SoupServer *soup, SoupServerMessage *msg, const char *raw_path, GHashTable *query,
                       gpointer data)
{
    Server *server = data;
    const char *method = soup_server_message_get_method(msg);
    const char *body = NULL, *type = NULL;
    add_security_headers(msg);
    char *path = g_uri_unescape_string(raw_path, NULL);
    if (!path || !g_utf8_validate(path, -1, NULL))
        respond_error(msg, raw_path, 400, "the path has a bad %-escape or is not UTF-8");
    else if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        soup_message_headers_replace(soup_server_message_get_response_headers(msg), "Allow", "GET, HEAD");
        respond_error(msg, path, 405, "only GET and HEAD");
    } else if (ck_serve_static_file(path, &body, &type)) {
        soup_server_message_set_status(msg, 200, NULL);
        soup_server_message_set_response(msg, type, SOUP_MEMORY_STATIC, body, strlen(body));
    } else if (strcmp(path, "/login") == 0)
        login(server, msg, query);
    else if (admit(server, msg, path))
        dispatch(server, msg, path, query);
    g_free(path);
}

/* The address OPTIONS ask to listen on; NULL with *error when it is not
 * an IP address (or "localhost"), or is not loopback and no credentials
 * are given.  Caller unrefs. */
static GInetAddress *listen_address(const CkServeOptions *options, gboolean with_credentials, GError **error)
{
    const char *name = options->listen ? options->listen : "127.0.0.1";
    GInetAddress *address = g_inet_address_new_from_string(g_ascii_strcasecmp(name, "localhost") == 0
                                                            ? "127.0.0.1" : name);
    if (!address)
        g_set_error(error, CK_SERVE_ERROR, CK_SERVE_ERROR_USAGE, "--listen: '%s' is not an IP address", name);
    else if (!g_inet_address_get_is_loopback(address) && !with_credentials) {
        g_set_error(error, CK_SERVE_ERROR, CK_SERVE_ERROR_USAGE, "--listen %s: refusing to serve beyond this machine "
                    "without --token TOKEN (or CASEKB_SERVE_TOKEN) or --users FILE", name);
        g_clear_object(&address);
    }
    return address;
}

/* Bind SOUP to ADDRESS:PORT and print its URL on OUT.  FALSE with *error. */
static gboolean start_listening(SoupServer *soup, GInetAddress *address, guint16 port, FILE *out, GError **error)
{
    GSocketAddress *where = g_inet_socket_address_new(address, port);
    GError *local = NULL;
    gboolean ok = soup_server_listen(soup, where, 0, &local);
    g_object_unref(where);
    if (!ok) {
        char *name = g_inet_address_to_string(address);
        g_set_error(error, CK_SERVE_ERROR, CK_SERVE_ERROR_LISTEN, "cannot listen on %s port %u: %s", name, port,
                    local->message);
        g_free(name);
        g_error_free(local);
        return FALSE;
    }
    GSList *uris = soup_server_get_uris(soup);
    char *url = g_uri_to_string(uris->data);
    fprintf(out, "%s\n", url);
    fflush(out);
    g_free(url);
    g_slist_free_full(uris, (GDestroyNotify)g_uri_unref);
    return TRUE;
}

/* SIGINT / SIGTERM: stop the main loop. */
static gboolean on_signal(gpointer loop)
{
    g_main_loop_quit(loop);
    return G_SOURCE_CONTINUE;
}

/* Run the main loop until a signal; then stop taking requests and let the
 * worker finish. */
static void run_until_signal(Server *server, SoupServer *soup)
{
    guint sigint = g_unix_signal_add(SIGINT, on_signal, server->loop);
    guint sigterm = g_unix_signal_add(SIGTERM, on_signal, server->loop);
    g_main_loop_run(server->loop);
    g_source_remove(sigint);
    g_source_remove(sigterm);
    soup_server_disconnect(soup);
    g_thread_pool_free(server->worker, FALSE, TRUE);
    while (g_main_context_pending(NULL))   /* responses the worker finished meanwhile */
        g_main_context_iteration(NULL, FALSE);
}

/* See serve.h. */
gboolean ck_serve_run(const CkServeOptions *options, FILE *out, GError **error)
{
    Server server = { .env.rules = options->rules, .env.customers = options->customers };
    server.auth = ck_serve_auth_new(options->token, options->users_path, error);
    if (!server.auth)
        return FALSE;
    GInetAddress *address = listen_address(options, ck_serve_auth_required(server.auth), error);
    server.env.store = address ? ck_store_open_readonly(options->db_path, error) : NULL;
    SoupServer *soup = NULL;
    gboolean ok = server.env.store != NULL;
    if (ok) {
        server.loopback_only = !ck_serve_auth_required(server.auth);
        server.worker = g_thread_pool_new(work, &server, 1, TRUE, error);
        soup = soup_server_new("server-header", "casekb", NULL);
        soup_server_add_handler(soup, NULL, on_request, &server, NULL);
        ok = server.worker && start_listening(soup, address, options->port, out, error);
    }
    if (ok) {
        server.loop = g_main_loop_new(NULL, FALSE);
        run_until_signal(&server, soup);
        g_main_loop_unref(server.loop);
    } else if (server.worker)
        g_thread_pool_free(server.worker, TRUE, TRUE);
    g_clear_object(&soup);
    g_clear_object(&address);
    ck_store_close(server.env.store);
    ck_serve_auth_free(server.auth);
    return ok;
}
