/* test-serve.c — serve/: credentials (auth.h), query parameters and the
 * queue filter (params.h, handler.h), links and highlighted snippets
 * (page.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <unistd.h>
#include "serve/auth.h"
#include "serve/handler.h"
#include "serve/page.h"
#include "serve/params.h"

/* A request whose query holds the NULL-terminated NAME, VALUE pairs. */
static CkServeRequest *request_new(const char *first, ...)
{
    CkServeRequest *req = g_new0(CkServeRequest, 1);
    req->query = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    va_list ap;
    va_start(ap, first);
    for (const char *name = first; name; name = va_arg(ap, const char *))
        g_hash_table_insert(req->query, g_strdup(name), g_strdup(va_arg(ap, const char *)));
    va_end(ap);
    return req;
}

static void request_free(CkServeRequest *req)
{
    g_hash_table_unref(req->query);
    g_free(req);
}

/* A users file in a temporary folder holding TEXT; caller frees the path. */
static char *users_file(const char *text)
{
    char *dir = g_dir_make_tmp("test-serve-XXXXXX", NULL);
    char *path = g_build_filename(dir, "users", NULL);
    assert_true(g_file_set_contents(path, text, -1, NULL));
    g_free(dir);
    return path;
}

static void remove_file(char *path)
{
    char *dir = g_path_get_dirname(path);
    unlink(path);
    rmdir(dir);
    g_free(dir);
    g_free(path);
}

static void test_token(void **state)
{
    (void)state;
    GError *error = NULL;
    CkServeAuth *auth = ck_serve_auth_new("secret-token-1234", NULL, &error);
    assert_non_null(auth);
    assert_true(ck_serve_auth_required(auth));
    assert_true(ck_serve_auth_check(auth, "Bearer secret-token-1234", NULL));
    assert_true(ck_serve_auth_check(auth, "bearer secret-token-1234", NULL));
    assert_false(ck_serve_auth_check(auth, "Bearer secret-token-123", NULL));
    assert_false(ck_serve_auth_check(auth, "Bearer secret-token-12345", NULL));
    assert_false(ck_serve_auth_check(auth, NULL, NULL));
    assert_true(ck_serve_auth_check(auth, NULL, "a=1; token=secret-token-1234; b=2"));
    assert_false(ck_serve_auth_check(auth, NULL, "xtoken=secret-token-1234"));
    assert_false(ck_serve_auth_check(auth, NULL, "token=secret-token-1234x"));
    assert_string_equal(ck_serve_auth_challenge(auth), "Bearer realm=\"casekb\"");
    ck_serve_auth_free(auth);
    /* too short, or not cookie-safe */
    assert_null(ck_serve_auth_new("short", NULL, &error));
    assert_true(g_error_matches(error, CK_SERVE_ERROR, CK_SERVE_ERROR_USAGE));
    g_clear_error(&error);
    assert_null(ck_serve_auth_new("long-enough; but=cookie", NULL, &error));
    g_clear_error(&error);
    /* no credentials: everything passes */
    auth = ck_serve_auth_new(NULL, NULL, &error);
    assert_false(ck_serve_auth_required(auth));
    assert_true(ck_serve_auth_check(auth, NULL, NULL));
    ck_serve_auth_free(auth);
}

static void test_users(void **state)
{
    (void)state;
    /* sha256("correct horse") */
    char *hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256, "correct horse", -1);
    char *text = g_strdup_printf("# leads\n\nlead:%s\n  ops:%s  \n", hash, hash);
    char *path = users_file(text);
    GError *error = NULL;
    CkServeAuth *auth = ck_serve_auth_new(NULL, path, &error);
    assert_non_null(auth);
    char *good = g_base64_encode((const guchar *)"lead:correct horse", 18);
    char *header = g_strconcat("Basic ", good, NULL);
    assert_true(ck_serve_auth_check(auth, header, NULL));
    char *bad = g_base64_encode((const guchar *)"lead:wrong horse", 16);
    char *bad_header = g_strconcat("Basic ", bad, NULL);
    assert_false(ck_serve_auth_check(auth, bad_header, NULL));
    assert_false(ck_serve_auth_check(auth, "Basic !!!not base64", NULL));
    assert_false(ck_serve_auth_check(auth, "Bearer anything-at-all", NULL));
    assert_string_equal(ck_serve_auth_challenge(auth), "Basic realm=\"casekb\", charset=\"UTF-8\"");
    ck_serve_auth_free(auth);
    remove_file(path);
    /* a malformed line names the file and line */
    path = users_file("lead:abc\n");
    assert_null(ck_serve_auth_new(NULL, path, &error));
    char *where = g_strdup_printf("%s:1:", path);
    assert_non_null(strstr(error->message, where));
    g_clear_error(&error);
    remove_file(path);
    g_free(where);
    g_free(good);
    g_free(header);
    g_free(bad);
    g_free(bad_header);
    g_free(text);
    g_free(hash);
}

static void test_filter(void **state)
{
    (void)state;
    GError *error = NULL;
    CkCaseFilter f;
    CkServeRequest *req = request_new("status", "OPEN", "vendor", "HP", "customer", "", "sort", "updated",
                                      "waiting_on", "us", "since", "2021-03", "offset", "10", NULL);
    assert_true(ck_serve_case_filter(req, 50, &f, &error));
    assert_string_equal(f.status, "open");        /* as stored */
    assert_string_equal(f.vendor, "HP");
    assert_null(f.customer);                       /* an empty field is "any" */
    assert_string_equal(f.waiting_on, "us");
    assert_int_equal(f.sort, CK_CASE_SORT_UPDATED);
    assert_int_equal(f.limit, 50);
    assert_int_equal(f.offset, 10);
    assert_true(f.has_since);
    assert_false(f.has_until);
    request_free(req);
    const char *const bad[][2] = { { "status", "pending" }, { "sort", "size" }, { "limit", "ten" },
                                   { "offset", "-1" }, { "until", "March" }, { "waiting_on", "them" } };
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        req = request_new(bad[i][0], bad[i][1], NULL);
        assert_false(ck_serve_case_filter(req, 0, &f, &error));
        assert_true(g_error_matches(error, CK_SERVE_ERROR, CK_SERVE_ERROR_REQUEST));
        assert_non_null(strstr(error->message, bad[i][0]));   /* names the parameter */
        g_clear_error(&error);
        request_free(req);
    }
    req = request_new("older_than", "30", "until", "2030-01", NULL);
    assert_true(ck_serve_case_filter(req, 0, &f, &error));
    assert_true(f.has_until);
    assert_true(f.until <= g_get_real_time() / G_USEC_PER_SEC - 30 * 86400);
    request_free(req);
}

static void test_href(void **state)
{
    (void)state;
    CkServeRequest *req = request_new("vendor", "HP & Co", "status", "open", "offset", "20", "q", "x", NULL);
    char *href = ck_serve_href("/", req->query, CK_SERVE_FILTER_PARAMS, "sort", "updated", "status", NULL, NULL);
    assert_string_equal(href, "/?sort=updated&vendor=HP%20%26%20Co");   /* offset and q not kept; status dropped */
    g_free(href);
    href = ck_serve_href("/search", NULL, NULL, "q", "code:0x1 \"a\"", NULL);
    assert_string_equal(href, "/search?q=code%3A0x1%20%22a%22");
    g_free(href);
    href = ck_serve_case_href("<a/b@c>");
    assert_string_equal(href, "/case/%3Ca%2Fb%40c%3E");
    g_free(href);
    request_free(req);
}

static void test_marked(void **state)
{
    (void)state;
    GString *out = g_string_new(NULL);
    ck_serve_marked(out, "a [<b>] c [d", "[", "]");
    assert_string_equal(out->str, "a <mark>&lt;b&gt;</mark> c <mark>d</mark>");
    g_string_truncate(out, 0);
    ck_serve_marked(out, "] x [[y]] <script>", "[", "]");   /* unpaired markers are dropped */
    assert_string_equal(out->str, " x <mark>y</mark> &lt;script&gt;");
    g_string_free(out, TRUE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_token),
        cmocka_unit_test(test_users),
        cmocka_unit_test(test_filter),
        cmocka_unit_test(test_href),
        cmocka_unit_test(test_marked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
