/* auth.c — token, cookie and Basic credentials (auth.h). */
#include "serve/auth.h"
#include "serve/handler.h"
#include <string.h>

#define MIN_TOKEN_CHARS 12

struct CkServeAuth {
    char *token;           /* NULL: no token */
    GHashTable *users;     /* user -> lower-case SHA-256 hex of the password; NULL: no users */
};

/* TRUE when A equals B, in time that depends on neither (their SHA-256
 * digests are compared byte by byte). */
static gboolean secret_equal(const char *a, const char *b)
{
    char *da = g_compute_checksum_for_string(G_CHECKSUM_SHA256, a, -1);
    char *db = g_compute_checksum_for_string(G_CHECKSUM_SHA256, b, -1);
    guint diff = 0;
    for (guint i = 0; da[i] && db[i]; i++)
        diff |= (guint)(da[i] ^ db[i]);
    g_free(da);
    g_free(db);
    return diff == 0;
}

/* TRUE when TOKEN can travel in a cookie and a header as it is. */
static gboolean token_is_plain(const char *token)
{
    for (const char *p = token; *p; p++)
        if (*p <= ' ' || *p >= 0x7f || strchr("\";,\\", *p))
            return FALSE;
    return strlen(token) >= MIN_TOKEN_CHARS;
}

/* Read the users file PATH into AUTH->users; FALSE with *error naming the
 * file and line. */
static gboolean load_users(CkServeAuth *auth, const char *path, GError **error)
{
    char *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, error))
        return FALSE;
    auth->users = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    char **lines = g_strsplit(text, "\n", -1);
    gboolean ok = TRUE;
    for (guint i = 0; ok && lines[i]; i++) {
        char *line = g_strstrip(lines[i]);
        if (!*line || *line == '#')
            continue;
        char *colon = strrchr(line, ':');
        char *hex = colon ? g_ascii_strdown(colon + 1, -1) : NULL;
        ok = colon && colon > line && strlen(hex) == 64 && strspn(hex, "0123456789abcdef") == 64;
        if (ok)
            g_hash_table_replace(auth->users, g_strndup(line, colon - line), g_strdup(hex));
        else
            g_set_error(error, CK_SERVE_ERROR, CK_SERVE_ERROR_USAGE,
                        "%s:%u: expected user:sha256hex (the SHA-256 of the password, 64 hex digits)", path, i + 1);
        g_free(hex);
    }
    if (ok && g_hash_table_size(auth->users) == 0) {
        g_set_error(error, CK_SERVE_ERROR, CK_SERVE_ERROR_USAGE, "%s: no user:sha256hex line", path);
        ok = FALSE;
    }
    g_strfreev(lines);
    g_free(text);
    return ok;
}

/* See auth.h. */
CkServeAuth *ck_serve_auth_new(const char *token, const char *users_path, GError **error)
{
    CkServeAuth *auth = g_new0(CkServeAuth, 1);
    if (token && !token_is_plain(token)) {
        g_set_error(error, CK_SERVE_ERROR, CK_SERVE_ERROR_USAGE, "--token: use at least %d characters, printable "
                    "ASCII without spaces, quotes, ';', ',' or '\\'", MIN_TOKEN_CHARS);
        ck_serve_auth_free(auth);
        return NULL;
    }
    auth->token = g_strdup(token);
    if (users_path && !load_users(auth, users_path, error)) {
        ck_serve_auth_free(auth);
        return NULL;
    }
    return auth;
}

/* See auth.h. */
void ck_serve_auth_free(CkServeAuth *auth)
{
    if (!auth)
        return;
    g_free(auth->token);
    if (auth->users)
        g_hash_table_unref(auth->users);
    g_free(auth);
}

/* See auth.h. */
gboolean ck_serve_auth_required(const CkServeAuth *auth)
{
    return auth->token || auth->users;
}

/* See auth.h. */
gboolean ck_serve_auth_token_ok(const CkServeAuth *auth, const char *token)
{
    return auth->token && token && secret_equal(auth->token, token);
}

/* TRUE when the Basic credentials ENCODED (base64 of user:password) are
 * those of a user of the file. */
static gboolean basic_ok(const CkServeAuth *auth, const char *encoded)
{
    gsize len = 0;
    guchar *raw = g_base64_decode(encoded, &len);
    char *text = g_strndup((const char *)raw, len);
    char *colon = strchr(text, ':');
    gboolean ok = FALSE;
    if (colon) {
        *colon = '\0';
        const char *want = g_hash_table_lookup(auth->users, text);
        char *got = g_compute_checksum_for_string(G_CHECKSUM_SHA256, colon + 1, -1);
        ok = want && secret_equal(want, got);
        g_free(got);
    }
    g_free(text);
    g_free(raw);
    return ok;
}

/* The value of cookie NAME in the Cookie header COOKIE, or NULL.  Caller
 * frees. */
static char *cookie_value(const char *cookie, const char *name)
{
    char **pairs = g_strsplit(cookie, ";", -1);
    char *value = NULL;
    size_t n = strlen(name);
    for (guint i = 0; pairs[i] && !value; i++) {
        const char *pair = pairs[i] + strspn(pairs[i], " \t");
        if (strncmp(pair, name, n) == 0 && pair[n] == '=')
            value = g_strdup(pair + n + 1);
    }
    g_strfreev(pairs);
    return value;
}

/* See auth.h. */
gboolean ck_serve_auth_check(const CkServeAuth *auth, const char *authorization, const char *cookie)
{
    if (!ck_serve_auth_required(auth))
        return TRUE;
    if (authorization && g_ascii_strncasecmp(authorization, "Bearer ", 7) == 0
        && ck_serve_auth_token_ok(auth, authorization + 7))
        return TRUE;
    if (authorization && auth->users && g_ascii_strncasecmp(authorization, "Basic ", 6) == 0
        && basic_ok(auth, authorization + 6))
        return TRUE;
    char *token = cookie ? cookie_value(cookie, "token") : NULL;
    gboolean ok = ck_serve_auth_token_ok(auth, token);
    g_free(token);
    return ok;
}

/* See auth.h. */
const char *ck_serve_auth_challenge(const CkServeAuth *auth)
{
    return auth->users ? "Basic realm=\"casekb\", charset=\"UTF-8\"" : "Bearer realm=\"casekb\"";
}
