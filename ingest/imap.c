/* imap.c — incremental IMAP fetch through libcurl (see imap.h).
 *
 * One curl handle, so one connection, serves a whole fetch:
 *   1. EXAMINE on the server URL (no mailbox: curl sends it as it is) reads
 *      UIDVALIDITY and gives clean errors for connection, TLS, login and an
 *      unknown mailbox;
 *   2. on the mailbox URL with ;UIDVALIDITY, curl SELECTs the mailbox (and
 *      checks UIDVALIDITY did not change since 1), then EXAMINE opens it
 *      read-only again, so the fetches below do not set \Seen;
 *   3. UID SEARCH UID n+1:* lists the new UIDs;
 *   4. each `MAILBOX;UIDVALIDITY=v;UID=n` URL returns one message's bytes.
 * Untagged responses to the custom commands of 1-3 come to the write
 * callback; so does the message of 4.
 */
#include "ingest/imap.h"
#include <curl/curl.h>
#include <string.h>

#define MAX_MESSAGE_BYTES ((gsize)256 << 20)   /* a larger message is skipped with a warning */

G_DEFINE_QUARK(ck-imap-error-quark, ck_imap_error)

/* The parts of a mailbox URL a fetch needs. */
typedef struct {
    char *display;   /* scheme://[user@]host[:port]/MAILBOX: names the mailbox, no password */
    char *server;    /* scheme://[user@]host[:port]/ */
    char *mailbox;   /* decoded mailbox name */
    char *user;      /* decoded user name, or NULL */
} ImapUrl;
/* The user stays in the URLs given to curl (not CURLOPT_USERNAME): curl
 * looks a password up in ~/.netrc for a URL's user, not for that option's. */

/* One connection's state: the handle, the last response, its error text. */
typedef struct {
    CURL *curl;
    const ImapUrl *url;
    GByteArray *body;
    gboolean too_big;
    char errbuf[CURL_ERROR_SIZE];
} Session;

/* See imap.h. */
gboolean ck_imap_is_url(const char *text)
{
    return text && (g_ascii_strncasecmp(text, "imap://", 7) == 0 || g_ascii_strncasecmp(text, "imaps://", 8) == 0);
}

/* URL with any user:password part replaced by "***", for messages about a
 * URL that did not parse.  Caller frees with g_free(). */
static char *redact(const char *url)
{
    const char *start = strstr(url, "://");
    if (!start)
        return g_strdup(url);
    start += 3;
    const char *end = start + strcspn(start, "/?#");
    const char *at = g_strrstr_len(start, end - start, "@");
    if (!at || !memchr(start, ':', at - start))
        return g_strdup(url);
    return g_strdup_printf("%.*s***%s", (int)(start - url), url, at);
}

/* Part PART of U (decoded when DECODE), or NULL when absent.  Caller frees
 * with g_free(). */
static char *url_part(CURLU *u, CURLUPart part, gboolean decode)
{
    char *value = NULL;
    if (curl_url_get(u, part, &value, decode ? CURLU_URLDECODE : 0) != CURLUE_OK)
        return NULL;
    char *copy = g_strdup(value);
    curl_free(value);
    return copy;
}

/* U as a URL string after setting PART to VALUE (NULL clears it).  Caller
 * frees with g_free(). */
static char *url_with(CURLU *u, CURLUPart part, const char *value)
{
    curl_url_set(u, part, value, value && part == CURLUPART_USER ? CURLU_URLENCODE : 0);
    return url_part(u, CURLUPART_URL, FALSE);
}

/* Why the parsed URL U is not one mailbox without a password, or NULL. */
static const char *url_problem(CURLU *u, const char *mailbox, const char *raw_path)
{
    char *password = url_part(u, CURLUPART_PASSWORD, FALSE), *query = url_part(u, CURLUPART_QUERY, FALSE);
    char *fragment = url_part(u, CURLUPART_FRAGMENT, FALSE), *options = url_part(u, CURLUPART_OPTIONS, FALSE);
    const char *problem = password ? "a password does not belong in the URL (use CASEKB_IMAP_PASSWORD or ~/.netrc)"
                        : query || fragment || options ? "no ?query, #fragment or ;options expected"
                        : !mailbox[0] ? "name a mailbox (e.g. imaps://host/INBOX)"
                        : strchr(raw_path, ';') ? "no ;UID or ;UIDVALIDITY expected (casekb remembers them)"
                        : NULL;
    for (const char *p = mailbox; !problem && *p; p++)
        if ((guchar)*p < 0x20 || *p == 0x7f)
            problem = "control character in the mailbox name";
    g_free(password);
    g_free(query);
    g_free(fragment);
    g_free(options);
    return problem;
}

/* Free what url_parse() filled in. */
static void url_clear(ImapUrl *url)
{
    g_free(url->display);
    g_free(url->server);
    g_free(url->mailbox);
    g_free(url->user);
    memset(url, 0, sizeof *url);
}

/* Split TEXT (an imap(s) URL; USER, when set, overrides its user) into
 * *url.  FALSE with CK_IMAP_ERROR_URL naming the URL (never its password). */
static gboolean url_parse(const char *text, const char *user, ImapUrl *url, GError **error)
{
    memset(url, 0, sizeof *url);
    CURLU *u = curl_url();
    char *scheme = NULL, *raw_path = NULL;
    const char *problem = NULL;
    if (!ck_imap_is_url(text) || curl_url_set(u, CURLUPART_URL, text, 0) != CURLUE_OK
        || !(scheme = url_part(u, CURLUPART_SCHEME, FALSE)) || !(raw_path = url_part(u, CURLUPART_PATH, FALSE)))
        problem = "not an imap:// or imaps:// URL";
    if (!problem) {
        char *path = url_part(u, CURLUPART_PATH, TRUE);   /* NULL when it decodes to a control character */
        url->mailbox = g_strdup(path && path[0] == '/' ? path + 1 : path ? path : "");
        problem = path ? url_problem(u, url->mailbox, raw_path) : "control character in the mailbox name";
        g_free(path);
    }
    if (!problem) {
        url->user = user ? g_strdup(user) : url_part(u, CURLUPART_USER, TRUE);
        url->display = url_with(u, CURLUPART_USER, url->user);
        url->server = url_with(u, CURLUPART_PATH, "/");
    }
    if (problem) {
        char *shown = redact(text);
        g_set_error(error, CK_IMAP_ERROR, CK_IMAP_ERROR_URL, "%s: %s", shown, problem);
        g_free(shown);
        url_clear(url);
    }
    g_free(scheme);
    g_free(raw_path);
    curl_url_cleanup(u);
    return problem == NULL;
}

/* See imap.h. */
char *ck_imap_url_display(const char *url, const char *user, GError **error)
{
    ImapUrl parsed;
    if (!url_parse(url, user, &parsed, error))
        return NULL;
    char *display = g_steal_pointer(&parsed.display);
    url_clear(&parsed);
    return display;
}

/* See imap.h. */
gboolean ck_imap_state_parse(const char *text, CkImapState *state)
{
    memset(state, 0, sizeof *state);
    char *end = NULL;
    if (!text || !g_ascii_isdigit(text[0]))
        return FALSE;
    guint64 validity = g_ascii_strtoull(text, &end, 10);
    if (*end != ':' || !g_ascii_isdigit(end[1]))
        return FALSE;
    guint64 last = g_ascii_strtoull(end + 1, &end, 10);
    if (*end)
        return FALSE;
    state->uidvalidity = validity;
    state->last_uid = last;
    return TRUE;
}

/* See imap.h. */
char *ck_imap_state_format(const CkImapState *state)
{
    return g_strdup_printf("%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT, state->uidvalidity, state->last_uid);
}

/* Compare two guint64 for g_array_sort. */
static gint compare_uid(gconstpointer a, gconstpointer b)
{
    guint64 x = *(const guint64 *)a, y = *(const guint64 *)b;
    return x < y ? -1 : x > y;
}

/* See imap.h. */
GArray *ck_imap_parse_search(const char *text, guint64 after)
{
    GArray *uids = g_array_new(FALSE, FALSE, sizeof(guint64));
    char **lines = g_strsplit(text, "\n", -1);
    for (char **line = lines; *line; line++) {
        if (g_ascii_strncasecmp(*line, "* SEARCH", 8) != 0)
            continue;
        char **words = g_strsplit_set(*line + 8, " \r", -1);
        for (char **w = words; *w; w++) {
            char *end = NULL;
            guint64 uid = g_ascii_strtoull(*w, &end, 10);
            if (**w && !*end && uid > after)
                g_array_append_val(uids, uid);
        }
        g_strfreev(words);
    }
    g_strfreev(lines);
    g_array_sort(uids, compare_uid);
    guint kept = 0;
    for (guint i = 0; i < uids->len; i++)
        if (kept == 0 || g_array_index(uids, guint64, i) != g_array_index(uids, guint64, kept - 1))
            g_array_index(uids, guint64, kept++) = g_array_index(uids, guint64, i);
    g_array_set_size(uids, kept);
    return uids;
}

/* See imap.h. */
guint64 ck_imap_parse_uidvalidity(const char *text)
{
    const char *found = NULL;
    for (const char *p = text; (p = strchr(p, '[')) != NULL; p++)
        if (g_ascii_strncasecmp(p, "[UIDVALIDITY ", 13) == 0)
            found = p + 13;
    return found ? g_ascii_strtoull(found, NULL, 10) : 0;
}

/* curl write callback: collect the response; refuse one too large. */
static size_t collect(char *data, size_t size, size_t count, void *user_data)
{
    Session *s = user_data;
    if (s->body->len + size * count > MAX_MESSAGE_BYTES) {
        s->too_big = TRUE;
        return 0;
    }
    g_byte_array_append(s->body, (const guint8 *)data, size * count);
    return size * count;
}

/* Open a handle for SOURCE at URL (not connected yet).  Returns FALSE
 * with CK_IMAP_ERROR_PROTOCOL when curl cannot be set up. */
static gboolean session_open(Session *s, const CkImapSource *source, const ImapUrl *url, GError **error)
{
    memset(s, 0, sizeof *s);
    s->url = url;
    s->body = g_byte_array_new();
    if (!(s->curl = curl_easy_init())) {
        g_set_error(error, CK_IMAP_ERROR, CK_IMAP_ERROR_PROTOCOL, "%s: cannot set up libcurl", url->display);
        return FALSE;
    }
    CURL *c = s->curl;
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "imap,imaps");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);     /* give up on a server silent for 2 minutes */
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 120L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, s);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, s->errbuf);
    if (source->password)
        curl_easy_setopt(c, CURLOPT_PASSWORD, source->password);
    else
        curl_easy_setopt(c, CURLOPT_NETRC, (long)CURL_NETRC_OPTIONAL);
    if (source->cacert)
        curl_easy_setopt(c, CURLOPT_CAINFO, source->cacert);
    return TRUE;
}

/* Close the connection and free the session. */
static void session_close(Session *s)
{
    if (s->curl)
        curl_easy_cleanup(s->curl);
    g_byte_array_unref(s->body);
}

/* Run one request on URL: the custom command CUSTOM, or (NULL) a fetch.
 * The response is in s->body, NUL-terminated (not counted in its len). */
static CURLcode perform(Session *s, const char *url, const char *custom)
{
    g_byte_array_set_size(s->body, 0);
    s->errbuf[0] = '\0';
    s->too_big = FALSE;
    curl_easy_setopt(s->curl, CURLOPT_URL, url);
    curl_easy_setopt(s->curl, CURLOPT_CUSTOMREQUEST, custom);
    CURLcode rc = curl_easy_perform(s->curl);
    g_byte_array_append(s->body, (const guint8 *)"", 1);
    g_byte_array_set_size(s->body, s->body->len - 1);
    return rc;
}

/* The CkImapError a curl failure RC stands for. */
static CkImapError error_kind(CURLcode rc)
{
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST: case CURLE_COULDNT_CONNECT: case CURLE_OPERATION_TIMEDOUT:
    case CURLE_RECV_ERROR: case CURLE_SEND_ERROR: case CURLE_GOT_NOTHING:
        return CK_IMAP_ERROR_CONNECT;
    case CURLE_SSL_CONNECT_ERROR: case CURLE_PEER_FAILED_VERIFICATION: case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM: case CURLE_SSL_CIPHER: case CURLE_SSL_ISSUER_ERROR: case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_ENGINE_INITFAILED: case CURLE_SSL_CRL_BADFILE: case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        return CK_IMAP_ERROR_TLS;
    case CURLE_LOGIN_DENIED: case CURLE_AUTH_ERROR:
        return CK_IMAP_ERROR_LOGIN;
    default:
        return CK_IMAP_ERROR_PROTOCOL;
    }
}

/* Set *error for the failed request RC of step WHAT: one line naming the
 * URL (without password), what failed and curl's reason. */
static void set_error(Session *s, CURLcode rc, const char *what, GError **error)
{
    CkImapError kind = error_kind(rc);
    const char *reason = s->errbuf[0] ? s->errbuf : curl_easy_strerror(rc);
    char *login = kind == CK_IMAP_ERROR_LOGIN ? g_strdup_printf("login refused for user '%s'", s->url->user
                                                                ? s->url->user : "(from ~/.netrc)") : NULL;
    g_set_error(error, CK_IMAP_ERROR, kind, "%s: %s: %s", s->url->display,
                kind == CK_IMAP_ERROR_CONNECT ? "cannot connect" : kind == CK_IMAP_ERROR_TLS ? "TLS failed"
                : login ? login : what, reason);
    g_free(login);
}

/* The custom command "VERB \"MAILBOX\"" for curl (which percent-decodes
 * custom commands, so '%' is written %25).  Caller frees with g_free(). */
static char *mailbox_command(const char *verb, const char *mailbox)
{
    GString *cmd = g_string_new(verb);
    g_string_append(cmd, " \"");
    for (const char *p = mailbox; *p; p++) {
        if (*p == '"' || *p == '\\')
            g_string_append_c(cmd, '\\');
        if (*p == '%')
            g_string_append(cmd, "%25");
        else
            g_string_append_c(cmd, *p);
    }
    g_string_append_c(cmd, '"');
    return g_string_free(cmd, FALSE);
}

/* Step 1: the mailbox's UIDVALIDITY into *validity. */
static gboolean examine(Session *s, guint64 *validity, GError **error)
{
    char *cmd = mailbox_command("EXAMINE", s->url->mailbox);
    CURLcode rc = perform(s, s->url->server, cmd);
    g_free(cmd);
    if (rc == CURLE_QUOTE_ERROR) {
        g_set_error(error, CK_IMAP_ERROR, CK_IMAP_ERROR_MAILBOX, "%s: no mailbox '%s' (or it cannot be read)",
                    s->url->display, s->url->mailbox);
        return FALSE;
    }
    if (rc != CURLE_OK) {
        set_error(s, rc, "cannot open the mailbox", error);
        return FALSE;
    }
    *validity = ck_imap_parse_uidvalidity((const char *)s->body->data);
    if (*validity == 0)
        g_set_error(error, CK_IMAP_ERROR, CK_IMAP_ERROR_PROTOCOL, "%s: the server's EXAMINE gave no UIDVALIDITY",
                    s->url->display);
    return *validity != 0;
}

/* The mailbox URL with ;UIDVALIDITY=V (and ;UID=N when N > 0).  Caller
 * frees with g_free(). */
static char *box_url(const Session *s, guint64 validity, guint64 uid)
{
    GString *url = g_string_new(s->url->display);
    g_string_append_printf(url, ";UIDVALIDITY=%" G_GUINT64_FORMAT, validity);
    if (uid)
        g_string_append_printf(url, ";UID=%" G_GUINT64_FORMAT, uid);
    return g_string_free(url, FALSE);
}

/* Steps 2 and 3: open the mailbox read-only for curl and list the UIDs
 * above AFTER into *uids (caller frees with g_array_unref()). */
static gboolean search_new(Session *s, guint64 validity, guint64 after, GArray **uids, GError **error)
{
    char *url = box_url(s, validity, 0);
    char *examine_cmd = mailbox_command("EXAMINE", s->url->mailbox);
    char *search_cmd = g_strdup_printf("UID SEARCH UID %" G_GUINT64_FORMAT ":*", after + 1);
    CURLcode rc = perform(s, url, examine_cmd);
    if (rc == CURLE_OK)
        rc = perform(s, url, search_cmd);
    if (rc == CURLE_OK)
        *uids = ck_imap_parse_search((const char *)s->body->data, after);
    else
        set_error(s, rc, "cannot list the new messages", error);
    g_free(url);
    g_free(examine_cmd);
    g_free(search_cmd);
    return rc == CURLE_OK;
}

/* What a fetch hands back: the callback and its counts. */
typedef struct {
    CkImapMessageFunc on_message;
    CkWarnFunc on_warning;
    gpointer user_data;
    guint64 *fetched;
} Delivery;

/* Warn through D, if it has a warning callback. */
static void warn(const Delivery *d, const char *line)
{
    if (d->on_warning)
        d->on_warning(line, d->user_data);
}

/* Step 4: fetch message UID and hand it over; a message gone since the
 * search, or too large, is skipped with a warning. */
static gboolean fetch_one(Session *s, guint64 validity, guint64 uid, const Delivery *d, GError **error)
{
    char *url = box_url(s, validity, uid);
    char *path = g_strdup_printf("%s;UID=%" G_GUINT64_FORMAT, s->url->display, uid);
    CURLcode rc = perform(s, url, NULL);
    gboolean ok = TRUE;
    if (rc == CURLE_REMOTE_FILE_NOT_FOUND || (rc == CURLE_WRITE_ERROR && s->too_big)) {
        char *line = g_strdup_printf("%s: %s, skipped", path, s->too_big ? "message larger than 256 MiB"
                                                                         : "no longer in the mailbox");
        warn(d, line);
        g_free(line);
    } else if (rc != CURLE_OK) {
        char *what = g_strdup_printf("cannot fetch UID %" G_GUINT64_FORMAT, uid);
        set_error(s, rc, what, error);
        g_free(what);
        ok = FALSE;
    } else {
        GBytes *data = g_byte_array_free_to_bytes(s->body);   /* handed over, not copied */
        s->body = g_byte_array_new();
        CkRawMessage raw = { .kind = CK_RAW_RFC822, .data = data, .path = path, .offset = 0 };
        ok = d->on_message(&raw, d->user_data, error);
        *d->fetched += ok;
        g_bytes_unref(data);
    }
    g_free(path);
    g_free(url);
    return ok;
}

/* Steps 1-3 on an open session: read UIDVALIDITY (starting over when it
 * changed) and list the new UIDs into *uids. */
static gboolean prepare(Session *s, CkImapState *state, const Delivery *d, GArray **uids, GError **error)
{
    guint64 validity = 0;
    if (!examine(s, &validity, error))
        return FALSE;
    if (state->uidvalidity != validity) {
        if (state->uidvalidity) {
            char *line = g_strdup_printf("%s: UIDVALIDITY changed (%" G_GUINT64_FORMAT " -> %" G_GUINT64_FORMAT
                                         "): fetching the whole mailbox again", s->url->display,
                                         state->uidvalidity, validity);
            warn(d, line);
            g_free(line);
        }
        state->uidvalidity = validity;
        state->last_uid = 0;
    }
    return search_new(s, validity, state->last_uid, uids, error);
}

/* See imap.h. */
gboolean ck_imap_fetch(const CkImapSource *source, CkImapState *state, CkImapMessageFunc on_message,
                       CkWarnFunc on_warning, gpointer user_data, guint64 *fetched, GError **error)
{
    *fetched = 0;
    ImapUrl url;
    if (!url_parse(source->url, source->user, &url, error))
        return FALSE;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    Delivery d = { on_message, on_warning, user_data, fetched };
    Session s;
    GArray *uids = NULL;
    gboolean ok = session_open(&s, source, &url, error) && prepare(&s, state, &d, &uids, error);
    for (guint i = 0; ok && i < uids->len; i++) {
        guint64 uid = g_array_index(uids, guint64, i);
        ok = fetch_one(&s, state->uidvalidity, uid, &d, error);
        if (ok)
            state->last_uid = uid;
    }
    if (uids)
        g_array_unref(uids);
    session_close(&s);
    curl_global_cleanup();
    url_clear(&url);
    return ok;
}
