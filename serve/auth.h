/* auth.h — who may use a casekb server.
 *
 * Without credentials the server only listens on a loopback address
 * (serve.h refuses anything else) and answers only requests whose Host is
 * a loopback name, so a web page elsewhere cannot read it through DNS
 * rebinding.  With a token, every request carries `Authorization: Bearer
 * TOKEN` or the cookie `token=TOKEN` that /login?token=TOKEN sets; with a
 * users file (one `user:sha256hex` line per user, the SHA-256 of the
 * password in hex; blank lines and # comments allowed), HTTP Basic
 * credentials of one of its users.  Either is accepted when both are
 * given.  Secrets are compared in constant time.
 */
#ifndef CASEKB_SERVE_AUTH_H
#define CASEKB_SERVE_AUTH_H

#include <glib.h>

typedef struct CkServeAuth CkServeAuth;

/* The credentials TOKEN (NULL: none) and the users of the file at
 * USERS_PATH (NULL: none).  NULL with *error (CK_SERVE_ERROR_USAGE) when
 * the token is shorter than 12 characters or holds characters a cookie
 * cannot carry, or the file is unreadable or has a malformed line
 * ("FILE:LINE: …").  Caller frees with ck_serve_auth_free(). */
CkServeAuth *ck_serve_auth_new(const char *token, const char *users_path, GError **error);
void ck_serve_auth_free(CkServeAuth *auth);

/* TRUE when requests must carry credentials. */
gboolean ck_serve_auth_required(const CkServeAuth *auth);

/* TRUE when TOKEN is the server's token. */
gboolean ck_serve_auth_token_ok(const CkServeAuth *auth, const char *token);

/* TRUE when a request with these headers (each may be NULL) may pass:
 * no credentials are required, or AUTHORIZATION or COOKIE carries valid
 * ones. */
gboolean ck_serve_auth_check(const CkServeAuth *auth, const char *authorization, const char *cookie);

/* The WWW-Authenticate challenge of a 401 answer (static). */
const char *ck_serve_auth_challenge(const CkServeAuth *auth);

#endif
