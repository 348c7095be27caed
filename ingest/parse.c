/* parse.c — raw message bytes to CkMessage.
 *
 * RFC 5322 mail is parsed with GMime 3 for structure, transfer decoding,
 * addresses, ids and dates; header values and text are decoded by decode.h
 * (GMime's own RFC 2047 decoding reads gb2312 as GB2312 and loses GBK
 * characters).  Problems met on the way become lines in msg->warnings.
 * CK_RAW_EXPORT sections are read from their 发件人/发送时间/邮件内容 fields.
 */
#include "ingest/parse.h"
#include "ingest/datetime.h"

#include <string.h>
#include <gmime/gmime.h>
#include <libxml/parser.h>

#include "ingest/attach.h"
#include "ingest/decode.h"
#include "ingest/split.h"
#include "ingest/tnef.h"

/* How deep message/rfc822 parts inside message/rfc822 parts are followed. */
#define MAX_FORWARD_DEPTH 8

/* GMime's parser builds MIME trees at most this deep (MAX_LEVEL in
 * gmime-parser.c); a multipart further down keeps its content unparsed as
 * its prologue.  casekb's own walks follow a tree as deep as GMime built it. */
#define GMIME_MAX_DEPTH 1024

/* At most this many message ids are kept from References and In-Reply-To:
 * the thread root (the first) and the nearest ancestors (the last).  Real
 * mail carries a few dozen; every id kept costs the case builder two store
 * look-ups and one row. */
#define MAX_REFERENCES 1000

/* Export field names (UTF-8). */
#define FIELD_FROM "\xE5\x8F\x91\xE4\xBB\xB6\xE4\xBA\xBA"       /* 发件人 */
#define FIELD_SENT "\xE5\x8F\x91\xE9\x80\x81\xE6\x97\xB6\xE9\x97\xB4" /* 发送时间 */
#define FIELD_BODY "\xE9\x82\xAE\xE4\xBB\xB6\xE5\x86\x85\xE5\xAE\xB9" /* 邮件内容 */
#define FULLWIDTH_COLON "\xEF\xBC\x9A"

/* Warnings about GMime's nesting limit (printf format, GMIME_MAX_DEPTH). */
#define WARN_GMIME_DEPTH_KEPT "MIME nested deeper than GMime's limit of %d levels: the content below kept as raw text"
#define WARN_GMIME_DEPTH_LOST "MIME nested deeper than GMime's limit of %d levels: the parts below skipped"

G_DEFINE_QUARK(ck-parse-error-quark, ck_parse_error)

/* State shared while one raw message is parsed. */
typedef struct {
    CkMessage *msg;          /* the message warnings go to (the outermost) */
    GHashTable *warned;      /* warning lines already added (owned keys) */
    const char *fallback;    /* charset the current message's text parts declare */
    int depth;               /* message/rfc822 nesting level */
    gboolean nesting_overflow; /* GMime stopped parsing at GMIME_MAX_DEPTH */
} ParseCtx;

/* The text of one RFC 5322 message before splitting. */
typedef struct {
    char *text;              /* chosen text part, decoded (HTML made text) */
    char *html_quoted;       /* quote containers cut from HTML, "" when none */
    GString *forwarded;      /* text of message/rfc822 parts it carries */
    gboolean html_only;      /* text came from text/html */
} MessageText;

/* Parts of interest found in a MIME tree (none owned but unparsed). */
typedef struct {
    GMimePart *plain;        /* first inline text/plain */
    GMimePart *html;         /* first inline text/html */
    GPtrArray *forwards;     /* GMimeMessage * of message/rfc822 parts */
    GPtrArray *attachments;  /* GMimePart * of the other leaf parts with a name or not text */
    gboolean keep_unparsed;  /* GMime stopped at its nesting limit: keep what it left */
    GString *unparsed;       /* content of multiparts GMime left unparsed (owned) */
    gboolean too_deep;       /* parts below GMIME_MAX_DEPTH were skipped */
} BodyParts;

static void message_text(ParseCtx *ctx, GMimeMessage *message, MessageText *out);

/* Initialise GMime and libxml2's parser exactly once, from any thread
 * (libxml2 must be initialised before threads parse HTML). */
static gpointer init_gmime_once(gpointer unused)
{
    g_mime_init();
    xmlInitParser();
    ck_decode_pin_charsets();
    return NULL;
}

/* See parse.h. */
void ck_parse_init(void)
{
    static GOnce once = G_ONCE_INIT;
    g_once(&once, init_gmime_once, NULL);
}

/* Add a printf-formatted warning line to ctx->msg unless the same line was
 * already added. */
G_GNUC_PRINTF(2, 3)
static void ctx_warn(ParseCtx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *line = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (g_hash_table_contains(ctx->warned, line)) {
        g_free(line);
        return;
    }
    g_hash_table_add(ctx->warned, line);
    g_ptr_array_add(ctx->msg->warnings, g_strdup(line));
}

/* Short text for the GMime parser warnings worth reporting; NULL for those
 * that casekb handles itself (8-bit headers, RFC 2047, duplicates). */
static const char *gmime_warning_text(GMimeParserWarning code)
{
    switch (code) {
    case GMIME_WARN_INVALID_CONTENT_TYPE: return "invalid Content-Type";
    case GMIME_WARN_MALFORMED_MULTIPART: return "multipart without parts";
    case GMIME_WARN_TRUNCATED_MESSAGE: return "message truncated";
    case GMIME_WARN_MALFORMED_MESSAGE: return "malformed message";
    case GMIME_CRIT_INVALID_HEADER_NAME: return "invalid header name";
    case GMIME_CRIT_CONFLICTING_HEADER: return "conflicting header";
    case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY: return "multipart without boundary";
    case GMIME_CRIT_NESTING_OVERFLOW: return "MIME nesting too deep";
    case GMIME_WARN_PART_WITHOUT_CONTENT: return "MIME part without content";
    case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT: return "MIME part without headers or content";
    default: return NULL;
    }
}

/* GMimeParserWarningFunc: turn a GMime parser warning into a short,
 * de-duplicated warning line. */
static void on_gmime_warning(gint64 offset, GMimeParserWarning code, const gchar *item,
                             gpointer user_data)
{
    ParseCtx *ctx = user_data;
    const char *text = gmime_warning_text(code);
    if (code == GMIME_CRIT_NESTING_OVERFLOW)
        ctx->nesting_overflow = TRUE;
    else if (text)
        ctx_warn(ctx, "mime: %s", text);
}

/* Join A and B with a blank line, either may be empty.  Returns a new
 * string; caller g_free()s. */
static char *join_texts(const char *a, const char *b)
{
    if (!a || !*a)
        return g_strdup(b ? b : "");
    if (!b || !*b)
        return g_strdup(a);
    return g_strconcat(a, "\n\n", b, NULL);
}

/* Replace the string *field with VALUE (taken over). */
static void set_field(char **field, char *value)
{
    g_free(*field);
    *field = value;
}

/* ---------------------------------------------------------------------- */
/* Headers                                                                 */

/* The raw (undecoded, folded) value of the first header NAME of OBJ, or
 * NULL.  The string belongs to OBJ. */
static const char *raw_header(GMimeObject *obj, const char *name)
{
    GMimeHeaderList *list = g_mime_object_get_header_list(obj);
    GMimeHeader *header = list ? g_mime_header_list_get_header(list, name) : NULL;
    return header ? g_mime_header_get_raw_value(header) : NULL;
}

/* The decoded value of header NAME of OBJ ("" when absent).  Caller frees. */
static char *decoded_header(ParseCtx *ctx, GMimeObject *obj, const char *name)
{
    const char *raw = raw_header(obj, name);
    if (!raw)
        return g_strdup("");
    guint replaced = 0;
    char *value = ck_decode_header(raw, ctx->fallback, &replaced);
    if (replaced > 0)
        ctx_warn(ctx, "%u undecodable bytes replaced in %s header", replaced, name);
    return value;
}

/* Append the quoted string at *P (on its opening '"') to WORD without
 * quotes or backslashes; *P moves past it. */
static void read_quoted_string(const char **p, GString *word)
{
    const char *q = *p + 1;
    for (; *q && *q != '"'; q++) {
        if (*q == '\\' && q[1])
            q++;
        g_string_append_c(word, *q);
    }
    *p = *q ? q + 1 : q;
}

/* Append the (possibly nested) comment at *P (on its '(') to COMMENTS,
 * blank-separated and without the outer parentheses; *P moves past it. */
static void read_comment(const char **p, GString *comments)
{
    if (comments->len)
        g_string_append_c(comments, ' ');
    int level = 0;
    const char *q = *p;
    for (; *q; q++) {
        level += *q == '(' ? 1 : *q == ')' ? -1 : 0;
        if (level == 0)
            break;
        if (!(level == 1 && *q == '('))
            g_string_append_c(comments, *q);
    }
    *p = *q ? q + 1 : q;
}

/* Append WORD to WORDS (blank-separated) and empty it. */
static void flush_word(GString *words, GString *word)
{
    if (word->len == 0)
        return;
    g_string_append_printf(words, "%s%s", words->len ? " " : "", word->str);
    g_string_truncate(word, 0);
}

/* The display name of a decoded address PHRASE the way Python's
 * email.utils.parseaddr gives it (the corpus expectations use it): words
 * and quoted strings joined by one blank, then any (comments) appended in
 * one pair of parentheses.  Caller g_free()s. */
static char *phrase_display_name(const char *phrase)
{
    GString *words = g_string_new(NULL);
    GString *comments = g_string_new(NULL);
    GString *word = g_string_new(NULL);
    for (const char *p = phrase; *p;) {
        if (*p == '"') {
            read_quoted_string(&p, word);
        } else if (*p == '(') {
            read_comment(&p, comments);
        } else {
            if (g_ascii_isspace(*p))
                flush_word(words, word);
            else
                g_string_append_c(word, *p);
            p++;
        }
    }
    flush_word(words, word);
    if (comments->len)
        g_string_append_printf(words, " (%s)", comments->str);
    g_string_free(word, TRUE);
    g_string_free(comments, TRUE);
    return g_strstrip(g_string_free(words, FALSE));
}

/* Offset of the first '<' of DECODED outside quotes and comments, or -1. */
static gssize angle_addr_start(const char *decoded)
{
    gboolean quoted = FALSE;
    int comment = 0;
    for (const char *p = decoded; *p; p++) {
        if (*p == '\\' && p[1])
            p++;
        else if (*p == '"' && comment == 0)
            quoted = !quoted;
        else if (!quoted && *p == '(')
            comment++;
        else if (!quoted && *p == ')' && comment > 0)
            comment--;
        else if (!quoted && comment == 0 && *p == '<')
            return p - decoded;
    }
    return -1;
}

/* Fill from_name / from_addr of TARGET from the decoded From value. */
static void set_from(CkMessage *target, const char *decoded)
{
    InternetAddressList *list = internet_address_list_parse(NULL, decoded);
    InternetAddress *first = NULL;
    if (list && internet_address_list_length(list) > 0)
        first = internet_address_list_get_address(list, 0);
    if (first && INTERNET_ADDRESS_IS_GROUP(first)) {
        InternetAddressList *members = internet_address_group_get_members(INTERNET_ADDRESS_GROUP(first));
        first = internet_address_list_length(members) > 0
                ? internet_address_list_get_address(members, 0) : NULL;
    }
    if (first && INTERNET_ADDRESS_IS_MAILBOX(first)) {
        const char *addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(first));
        set_field(&target->from_addr, g_utf8_strdown(addr ? addr : "", -1));
    }
    gssize angle = angle_addr_start(decoded);
    if (angle >= 0) {
        char *phrase = g_strndup(decoded, angle);
        set_field(&target->from_name, phrase_display_name(phrase));
        g_free(phrase);
    } else if (first && internet_address_get_name(first)) {
        set_field(&target->from_name, g_strdup(internet_address_get_name(first)));
    }
    if (list)
        g_object_unref(list);
}

/* The message ids in raw header NAME of OBJ, in order (new array, caller
 * unrefs), or NULL when the header is absent or holds none. */
static GPtrArray *header_ids(GMimeObject *obj, const char *name)
{
    const char *raw = raw_header(obj, name);
    GMimeReferences *refs = raw ? g_mime_references_parse(NULL, raw) : NULL;
    if (!refs)
        return NULL;
    GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);
    for (int i = 0; i < g_mime_references_length(refs); i++) {
        const char *id = g_mime_references_get_message_id(refs, i);
        if (id && *id)
            g_ptr_array_add(ids, ck_utf8_sanitize(id, -1, NULL));
    }
    g_mime_references_free(refs);
    if (ids->len == 0) {
        g_ptr_array_unref(ids);
        return NULL;
    }
    return ids;
}

/* Append to OUT a copy of each id of IDS (may be NULL) not in SEEN yet,
 * in order, and add it to SEEN (a set of borrowed strings). */
static void add_unseen_ids(GPtrArray *out, GHashTable *seen, GPtrArray *ids)
{
    for (guint i = 0; ids && i < ids->len; i++) {
        const char *id = g_ptr_array_index(ids, i);
        if (g_hash_table_add(seen, (gpointer) id))
            g_ptr_array_add(out, g_strdup(id));
    }
}

/* Keep at most MAX_REFERENCES of REFS: the first (the thread root) and
 * the last ones (the nearest ancestors), with a warning. */
static void cap_references(ParseCtx *ctx, GPtrArray *refs)
{
    if (refs->len <= MAX_REFERENCES)
        return;
    ctx_warn(ctx, "%u message ids in References/In-Reply-To; kept the first and the last %d",
             refs->len, MAX_REFERENCES - 1);
    g_ptr_array_remove_range(refs, 1, refs->len - MAX_REFERENCES);
}

/* Fill message_id, in_reply_to and references of TARGET from OBJ:
 * References then the first id of In-Reply-To, duplicates dropped. */
static void set_ids(ParseCtx *ctx, CkMessage *target, GMimeObject *obj)
{
    const char *raw_id = raw_header(obj, "Message-ID");
    char *id = raw_id ? g_mime_utils_decode_message_id(raw_id) : NULL;
    if (id && *id) {
        set_field(&target->message_id, ck_utf8_sanitize(id, -1, NULL));
    } else {
        set_field(&target->message_id,
                  g_strdup_printf("casekb-%.16s@generated", target->content_hash));
        target->message_id_synthesized = TRUE;
    }
    g_free(id);
    GPtrArray *reply_to = header_ids(obj, "In-Reply-To");
    GPtrArray *refs = header_ids(obj, "References");
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < target->references->len; i++)
        g_hash_table_add(seen, g_ptr_array_index(target->references, i));
    add_unseen_ids(target->references, seen, refs);
    if (reply_to) {
        g_ptr_array_set_size(reply_to, 1);
        set_field(&target->in_reply_to, g_strdup(g_ptr_array_index(reply_to, 0)));
        add_unseen_ids(target->references, seen, reply_to);
    }
    g_hash_table_unref(seen);
    cap_references(ctx, target->references);
    if (refs)
        g_ptr_array_unref(refs);
    if (reply_to)
        g_ptr_array_unref(reply_to);
}

/* Warn "WHAT "VALUE"" with VALUE (valid UTF-8) cut to 60 characters; a
 * byte count would cut a character in two and break the warning's UTF-8. */
static void ctx_warn_excerpt(ParseCtx *ctx, const char *what, const char *value)
{
    char *excerpt = g_utf8_substring(value, 0, MIN(g_utf8_strlen(value, -1), 60));
    ctx_warn(ctx, "%s \"%s\"", what, excerpt);
    g_free(excerpt);
}

/* Fill date and tz_offset_min of TARGET from the Date header of OBJ. */
static void set_date(ParseCtx *ctx, CkMessage *target, GMimeObject *obj)
{
    const char *raw = raw_header(obj, "Date");
    if (!raw) {
        ctx_warn(ctx, "no Date header");
        return;
    }
    char *value = ck_decode_header(raw, NULL, NULL);
    GDateTime *dt = g_mime_utils_header_decode_date(value);
    if (dt) {
        target->date = g_date_time_to_unix(dt);
        target->tz_offset_min = (int) (g_date_time_get_utc_offset(dt) / G_TIME_SPAN_MINUTE);
        g_date_time_unref(dt);
    } else {
        ctx_warn_excerpt(ctx, "unreadable Date header", value);
    }
    g_free(value);
}

/* Fill TARGET's header fields (subject, from, to, ids, date) from OBJ. */
static void fill_headers(ParseCtx *ctx, CkMessage *target, GMimeObject *obj)
{
    set_field(&target->subject, decoded_header(ctx, obj, "Subject"));
    char *from = decoded_header(ctx, obj, "From");
    set_from(target, from);
    g_free(from);
    set_field(&target->to, decoded_header(ctx, obj, "To"));
    set_ids(ctx, target, obj);
    set_date(ctx, target, obj);
}

/* ---------------------------------------------------------------------- */
/* MIME parts                                                              */

/* The first charset label declared by a text part of the tree under OBJ
 * that names a real charset other than UTF-8 (message/rfc822 parts are not
 * entered), or NULL.  The string belongs to the tree. */
static const char *declared_text_charset(GMimeObject *obj, int depth)
{
    if (depth > GMIME_MAX_DEPTH)
        return NULL;
    if (GMIME_IS_MULTIPART(obj)) {
        GMimeMultipart *multi = GMIME_MULTIPART(obj);
        for (int i = 0; i < g_mime_multipart_get_count(multi); i++) {
            const char *found = declared_text_charset(g_mime_multipart_get_part(multi, i), depth + 1);
            if (found)
                return found;
        }
        return NULL;
    }
    if (!GMIME_IS_PART(obj))
        return NULL;
    GMimeContentType *type = g_mime_object_get_content_type(obj);
    if (!type || !g_mime_content_type_is_type(type, "text", "*"))
        return NULL;
    const char *label = g_mime_object_get_content_type_parameter(obj, "charset");
    const char *canon = ck_charset_canonical(label);
    return canon && strcmp(canon, "UTF-8") != 0 ? label : NULL;
}

/* Note the content of MULTI in *parts when GMime's parser stopped at its
 * nesting limit there: it then keeps all of a multipart's content, parts
 * and boundaries included, as the multipart's prologue. */
static void keep_unparsed(GMimeMultipart *multi, BodyParts *parts)
{
    const char *prologue = g_mime_multipart_get_prologue(multi);
    if (!parts->keep_unparsed || g_mime_multipart_get_count(multi) > 0 || !prologue || !*prologue)
        return;
    if (parts->unparsed->len > 0)
        g_string_append_c(parts->unparsed, '\n');
    g_string_append(parts->unparsed, prologue);
}

/* Walk the MIME tree under OBJ and note the body candidates, the
 * forwarded messages and any unparsed multipart content in *parts. */
static void collect_body_parts(GMimeObject *obj, BodyParts *parts, int depth)
{
    if (!obj)
        return;
    if (depth > GMIME_MAX_DEPTH) {
        parts->too_deep = TRUE;
        return;
    }
    if (GMIME_IS_MULTIPART(obj)) {
        GMimeMultipart *multi = GMIME_MULTIPART(obj);
        keep_unparsed(multi, parts);
        for (int i = 0; i < g_mime_multipart_get_count(multi); i++)
            collect_body_parts(g_mime_multipart_get_part(multi, i), parts, depth + 1);
    } else if (GMIME_IS_MESSAGE_PART(obj)) {
        GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
        if (inner)
            g_ptr_array_add(parts->forwards, inner);
    } else if (GMIME_IS_PART(obj)) {
        GMimePart *part = GMIME_PART(obj);
        GMimeContentType *type = g_mime_object_get_content_type(obj);
        gboolean attached = g_mime_part_is_attachment(part);
        if (!attached && !parts->plain && g_mime_content_type_is_type(type, "text", "plain"))
            parts->plain = part;
        else if (!attached && !parts->html && g_mime_content_type_is_type(type, "text", "html"))
            parts->html = part;
        else if (attached || g_mime_part_get_filename(part)
                 || !g_mime_content_type_is_type(type, "text", "*"))
            g_ptr_array_add(parts->attachments, part);
    }
}

/* TRUE when the base64 text in BYTES stops in the middle of a 4-character
 * quantum.  Only the leading run of lines made of base64 characters is
 * counted, up to the line with '=' padding: mailing lists append plain-text
 * footers to base64 bodies. */
static gboolean base64_cut_off(const GByteArray *bytes)
{
    gsize count = 0;
    gboolean padded = FALSE;
    for (guint i = 0; i < bytes->len && !padded;) {
        guint end = i;
        while (end < bytes->len && bytes->data[end] != '\n')
            end++;
        gsize in_line = 0;
        gboolean base64_line = TRUE;
        for (guint k = i; k < end && base64_line; k++) {
            guchar c = bytes->data[k];
            if (g_ascii_isalnum(c) || c == '+' || c == '/' || c == '=')
                in_line++;
            else if (!g_ascii_isspace(c))
                base64_line = FALSE;
            padded = padded || c == '=';
        }
        if (!base64_line)
            break;
        count += in_line;
        i = end + 1;
    }
    return count % 4 != 0;
}

/* Copy the whole of STREAM (from its start) into a new byte array; caller
 * frees with g_byte_array_unref().  Returns NULL on a read error. */
static GByteArray *stream_bytes(GMimeStream *stream)
{
    GByteArray *bytes = g_byte_array_new();
    GMimeStream *mem = g_mime_stream_mem_new_with_byte_array(bytes);
    g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
    g_mime_stream_reset(stream);
    gint64 n = g_mime_stream_write_to_stream(stream, mem);
    g_mime_stream_reset(stream);
    g_object_unref(mem);
    if (n < 0) {
        g_byte_array_unref(bytes);
        return NULL;
    }
    return bytes;
}

/* Warn about transfer-encoding damage of PART (named WHAT): an empty
 * Content-Transfer-Encoding header, base64 that stops mid-quantum.
 * Returns TRUE when the content was cut off. */
static gboolean check_transfer_damage(ParseCtx *ctx, GMimePart *part, GMimeDataWrapper *wrapper,
                                      const char *what)
{
    const char *cte = g_mime_object_get_header(GMIME_OBJECT(part), "Content-Transfer-Encoding");
    if (cte) {
        char *value = g_strstrip(g_strdup(cte));
        if (!*value)
            ctx_warn(ctx, "empty Content-Transfer-Encoding in %s part", what);
        g_free(value);
    }
    if (g_mime_part_get_content_encoding(part) != GMIME_CONTENT_ENCODING_BASE64)
        return FALSE;
    GMimeStream *encoded = g_mime_data_wrapper_get_stream(wrapper);
    GByteArray *bytes = encoded ? stream_bytes(encoded) : NULL;
    gboolean cut = bytes && base64_cut_off(bytes);
    if (cut)
        ctx_warn(ctx, "base64 cut off in %s part", what);
    if (bytes)
        g_byte_array_unref(bytes);
    return cut;
}

/* The content of PART with its transfer encoding undone (new array, caller
 * unrefs; empty when the part has no content).  WHAT names it in warnings;
 * *cut_off says whether the encoded content was cut off. */
static GByteArray *part_content_bytes(ParseCtx *ctx, GMimePart *part, const char *what,
                                      gboolean *cut_off)
{
    GMimeDataWrapper *wrapper = g_mime_part_get_content(part);
    GByteArray *bytes = g_byte_array_new();
    *cut_off = FALSE;
    if (!wrapper)
        return bytes;
    GMimeStream *mem = g_mime_stream_mem_new_with_byte_array(bytes);
    g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
    if (g_mime_data_wrapper_write_to_stream(wrapper, mem) < 0)
        ctx_warn(ctx, "could not read the content of the %s part", what);
    g_object_unref(mem);
    *cut_off = check_transfer_damage(ctx, part, wrapper, what);
    return bytes;
}

/* Drop the U+FFFD that end TEXT (in place): in a part that was cut off
 * they stand for the half character at the cut, which is lost, not
 * unreadable.  Returns how many were dropped. */
static guint drop_trailing_replacements(char *text)
{
    static const char REPLACEMENT[] = "\xEF\xBF\xBD";
    guint dropped = 0;
    gsize len = strlen(text);
    while (len >= 3 && memcmp(text + len - 3, REPLACEMENT, 3) == 0) {
        len -= 3;
        text[len] = '\0';
        dropped++;
    }
    return dropped;
}

/* The text of PART decoded to UTF-8 by its charset label (HTML left as
 * HTML).  Unmappable bytes are counted in a warning.  Caller g_free()s. */
static char *part_text(ParseCtx *ctx, GMimePart *part)
{
    GMimeObject *obj = GMIME_OBJECT(part);
    GMimeContentType *type = g_mime_object_get_content_type(obj);
    char *what = type ? g_mime_content_type_get_mime_type(type) : g_strdup("text/plain");
    gboolean cut_off = FALSE;
    GByteArray *bytes = part_content_bytes(ctx, part, what, &cut_off);
    const char *charset = g_mime_object_get_content_type_parameter(obj, "charset");
    guint replaced = 0;
    const char *used = NULL;
    char *text = ck_decode_bytes_full((const char *) bytes->data, bytes->len, charset,
                                      ctx->fallback, &replaced, &used);
    if (cut_off) {
        guint dropped = drop_trailing_replacements(text);
        if (dropped) {
            /* the decoder counts bytes, not characters: recount what is left */
            replaced = 0;
            for (const char *p = strstr(text, "\xEF\xBF\xBD"); p; p = strstr(p + 3, "\xEF\xBF\xBD"))
                replaced++;
            ctx_warn(ctx, "incomplete character at the cut dropped in %s part", what);
        }
    }
    if (replaced > 0) {
        char *charset_name = g_ascii_strdown(used ? used : "utf-8", -1);
        ctx_warn(ctx, "%u bytes not valid %s replaced in %s part", replaced, charset_name, what);
        g_free(charset_name);
    }
    g_byte_array_unref(bytes);
    g_free(what);
    return text;
}

/* ---------------------------------------------------------------------- */
/* Message text                                                            */

/* Free what a MessageText holds and zero it. */
static void message_text_clear(MessageText *mt)
{
    g_free(mt->text);
    g_free(mt->html_quoted);
    if (mt->forwarded)
        g_string_free(mt->forwarded, TRUE);
    memset(mt, 0, sizeof *mt);
}

/* Append the forwarded message INNER to FORWARDED: a From/Date/Subject
 * block, then its text, its quoted HTML and what it forwards in turn. */
static void append_forward(ParseCtx *ctx, GString *forwarded, GMimeMessage *inner)
{
    if (ctx->depth >= MAX_FORWARD_DEPTH) {
        ctx_warn(ctx, "forwarded messages nested more than %d deep; inner ones skipped",
                 MAX_FORWARD_DEPTH);
        return;
    }
    ParseCtx sub_ctx = *ctx;
    sub_ctx.depth++;
    sub_ctx.fallback = declared_text_charset(g_mime_message_get_mime_part(inner), 0);
    CkMessage *sub = ck_message_new();
    g_strlcpy(sub->content_hash, ctx->msg->content_hash, sizeof sub->content_hash);
    fill_headers(&sub_ctx, sub, GMIME_OBJECT(inner));
    MessageText mt = { 0 };
    message_text(&sub_ctx, inner, &mt);
    char *date = ck_message_date_iso(sub);
    if (forwarded->len > 0)
        g_string_append(forwarded, "\n\n");
    g_string_append_printf(forwarded, "From: %s%s<%s>\nDate: %s\nSubject: %s\n\n",
                           sub->from_name, *sub->from_name ? " " : "", sub->from_addr,
                           date, sub->subject);
    char *with_quotes = join_texts(mt.text, mt.html_quoted);
    char *all = join_texts(with_quotes, mt.forwarded->str);
    g_string_append(forwarded, all);
    g_free(all);
    g_free(with_quotes);
    g_free(date);
    message_text_clear(&mt);
    ck_message_free(sub);
}

/* Append the content GMime left unparsed in PARTS to *text as raw text
 * (decoded by the unlabelled rule), with a warning saying why. */
static void add_unparsed_text(ParseCtx *ctx, const BodyParts *parts, char **text)
{
    if (parts->too_deep)
        ctx_warn(ctx, "MIME parts nested more than %d deep skipped", GMIME_MAX_DEPTH);
    if (parts->unparsed->len == 0)
        return;
    ctx_warn(ctx, WARN_GMIME_DEPTH_KEPT, GMIME_MAX_DEPTH);
    guint replaced = 0;
    char *raw = ck_decode_bytes(parts->unparsed->str, parts->unparsed->len, NULL, ctx->fallback,
                                &replaced);
    if (replaced > 0)
        ctx_warn(ctx, "%u undecodable bytes replaced in unparsed MIME content", replaced);
    set_field(text, join_texts(*text, raw));
    g_free(raw);
}

/* Add each line of WARNINGS (char *) to ctx->msg, then empty the array. */
static void ctx_warn_all(ParseCtx *ctx, GPtrArray *warnings)
{
    for (guint i = 0; i < warnings->len; i++)
        ctx_warn(ctx, "%s", (const char *) g_ptr_array_index(warnings, i));
    g_ptr_array_set_size(warnings, 0);
}

/* TRUE when TEXT holds nothing but white space. */
static gboolean is_blank(const char *text)
{
    for (const char *p = text; *p; p = g_utf8_next_char(p))
        if (!g_unichar_isspace(g_utf8_get_char(p)))
            return FALSE;
    return TRUE;
}

/* TRUE when PART (named NAME, may be NULL) is a TNEF stream. */
static gboolean is_tnef_part(GMimePart *part, const char *name)
{
    GMimeContentType *type = g_mime_object_get_content_type(GMIME_OBJECT(part));
    return g_mime_content_type_is_type(type, "application", "ms-tnef")
           || g_mime_content_type_is_type(type, "application", "vnd.ms-tnef")
           || (name && g_ascii_strcasecmp(name, "winmail.dat") == 0);
}

/* Add the TNEF stream in BYTES (part NAME) to ctx->msg: its files as
 * attachments, its body as *text when the message has no text of its own;
 * problems go to WARNINGS. */
static void add_tnef(ParseCtx *ctx, const GByteArray *bytes, const char *name, char **text,
                     GPtrArray *warnings)
{
    char *body = NULL;
    ck_tnef_read((const char *) bytes->data, bytes->len, name, &body, ctx->msg->attachments, warnings);
    if (is_blank(*text) && *body)
        set_field(text, body);
    else
        g_free(body);
}

/* Read the attachment parts of PARTS into ctx->msg->attachments (TNEF
 * streams opened, their body becoming *text when there is none), with
 * their warnings. */
static void add_attachments(ParseCtx *ctx, const BodyParts *parts, char **text)
{
    GPtrArray *warnings = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < parts->attachments->len; i++) {
        GMimePart *part = g_ptr_array_index(parts->attachments, i);
        GMimeObject *obj = GMIME_OBJECT(part);
        GMimeContentType *ct = g_mime_object_get_content_type(obj);
        char *type = ct ? g_mime_content_type_get_mime_type(ct) : g_strdup("application/octet-stream");
        const char *name = g_mime_part_get_filename(part);
        const char *charset = g_mime_object_get_content_type_parameter(obj, "charset");
        gboolean cut_off = FALSE;
        GByteArray *bytes = part_content_bytes(ctx, part, name ? name : type, &cut_off);
        if (is_tnef_part(part, name))
            add_tnef(ctx, bytes, name ? name : "winmail.dat", text, warnings);
        else
            g_ptr_array_add(ctx->msg->attachments,
                            ck_attachment_from_bytes(name, type, charset, (const char *) bytes->data,
                                                     bytes->len, warnings));
        ctx_warn_all(ctx, warnings);
        g_byte_array_unref(bytes);
        g_free(type);
    }
    g_ptr_array_unref(warnings);
}

/* Fill *out with the text of MESSAGE: the first inline text/plain part,
 * else the first inline text/html part made text, then content GMime left
 * unparsed, plus the text of every message/rfc822 part it carries.  Its
 * attachments, and those of the messages it forwards, go to ctx->msg (a
 * TNEF body becomes the text of the message that has none), and a message
 * left without text says so in a warning.  Clear *out with
 * message_text_clear(). */
static void message_text(ParseCtx *ctx, GMimeMessage *message, MessageText *out)
{
    BodyParts parts = { NULL, NULL, g_ptr_array_new(), g_ptr_array_new(), ctx->nesting_overflow,
                        g_string_new(NULL), FALSE };
    collect_body_parts(g_mime_message_get_mime_part(message), &parts, 0);
    out->forwarded = g_string_new(NULL);
    out->html_quoted = NULL;
    if (parts.plain) {
        out->text = part_text(ctx, parts.plain);
    } else if (parts.html) {
        char *html = part_text(ctx, parts.html);
        out->text = ck_html_to_text(html, -1, &out->html_quoted);
        out->html_only = TRUE;
        g_free(html);
    } else {
        out->text = g_strdup("");
    }
    add_unparsed_text(ctx, &parts, &out->text);
    add_attachments(ctx, &parts, &out->text);
    if (!parts.plain && !parts.html && parts.forwards->len == 0 && is_blank(out->text))
        ctx_warn(ctx, ctx->depth == 0 ? "no text part found: the message is stored without text"
                                      : "a forwarded message has no text part");
    if (!out->html_quoted)
        out->html_quoted = g_strdup("");
    for (guint i = 0; i < parts.forwards->len; i++)
        append_forward(ctx, out->forwarded, g_ptr_array_index(parts.forwards, i));
    g_ptr_array_unref(parts.forwards);
    g_ptr_array_unref(parts.attachments);
    g_string_free(parts.unparsed, TRUE);
}

/* Split TEXT into msg's body / quoted / signature / forwarded, adding
 * EXTRA_QUOTED and EXTRA_FORWARDED (either may be NULL or ""). */
static void store_split_text(CkMessage *msg, const char *text, const char *extra_quoted,
                             const char *extra_forwarded)
{
    CkSplit split = { 0 };
    ck_split_text(text ? text : "", &split);
    set_field(&msg->body, g_strdup(split.body ? split.body : ""));
    set_field(&msg->signature, g_strdup(split.signature ? split.signature : ""));
    set_field(&msg->quoted, join_texts(split.quoted, extra_quoted));
    set_field(&msg->forwarded, join_texts(split.forwarded, extra_forwarded));
    ck_split_clear(&split);
}

/* Length of the header block at the start of DATA (up to the blank line
 * that ends it, or all of DATA when there is none). */
static gsize header_block_length(const char *data, gsize len)
{
    for (gsize i = 0; i + 1 < len; i++) {
        if (data[i] != '\n')
            continue;
        if (data[i + 1] == '\n')
            return i + 1;
        if (data[i + 1] == '\r' && i + 2 < len && data[i + 2] == '\n')
            return i + 1;
    }
    return len;
}

/* Read DATA as GMime cannot: no header structure, just text. */
static void parse_unstructured(ParseCtx *ctx, const char *data, gsize len)
{
    CkMessage *msg = ctx->msg;
    ctx_warn(ctx, "not readable as MIME; kept as plain text");
    guint replaced = 0;
    char *text = ck_decode_bytes(data, len, NULL, NULL, &replaced);
    if (replaced > 0)
        ctx_warn(ctx, "%u undecodable bytes replaced in message text", replaced);
    set_field(&msg->message_id, g_strdup_printf("casekb-%.16s@generated", msg->content_hash));
    msg->message_id_synthesized = TRUE;
    store_split_text(msg, text, NULL, NULL);
    g_free(text);
}

/* Build a GMimeMessage from LEN bytes of DATA (new reference, caller
 * unrefs), or NULL when GMime cannot read it as a message. */
static GMimeMessage *construct_message(const char *data, gsize len, GMimeParserOptions *options)
{
    GMimeStream *stream = g_mime_stream_mem_new_with_buffer(data, len);
    GMimeParser *parser = g_mime_parser_new_with_stream(stream);
    g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
    GMimeMessage *message = g_mime_parser_construct_message(parser, options);
    g_object_unref(parser);
    g_object_unref(stream);
    return message;
}

/* TRUE when the line at LINE (up to LIMIT) starts like a header field:
 * printable ASCII name characters, then ':'. */
static gboolean looks_like_header_line(const char *line, const char *limit)
{
    const char *p = line;
    while (p < limit && *p > ' ' && *p < 127 && *p != ':')
        p++;
    return p > line && p < limit && *p == ':';
}

/* A copy of DATA whose header block keeps only lines that start like a
 * header field or continue one (begin with a blank); *dropped gets the
 * number of lines left out.  Caller frees with g_byte_array_unref(). */
static GByteArray *drop_damaged_header_lines(const char *data, gsize len, guint *dropped)
{
    gsize header_len = header_block_length(data, len);
    GByteArray *copy = g_byte_array_sized_new(len);
    *dropped = 0;
    for (gsize i = 0; i < header_len;) {
        const char *nl = memchr(data + i, '\n', header_len - i);
        gsize end = nl ? (gsize) (nl - data) + 1 : header_len;
        gboolean keep = looks_like_header_line(data + i, data + end)
                        || (i > 0 && (data[i] == ' ' || data[i] == '\t'));
        if (keep)
            g_byte_array_append(copy, (const guint8 *) data + i, end - i);
        else
            (*dropped)++;
        i = end;
    }
    g_byte_array_append(copy, (const guint8 *) data + header_len, len - header_len);
    return copy;
}

/* The charset to read the unlabelled 8-bit bytes of a message that
 * declares none with, from uchardet over its raw bytes DATA: a CJK charset
 * other than GB18030 it names (with a warning: a guess), else NULL (the
 * GB18030 default; a warning too when the detector named something else).
 * Valid UTF-8 and plain ASCII need no guess. */
static const char *guess_message_charset(ParseCtx *ctx, const char *data, gsize len)
{
    if (g_utf8_validate_len(data, len, NULL))
        return NULL;
    const char *said = NULL;
    const char *detected = ck_charset_detect(data, len, &said);
    if (detected && strcmp(detected, "GB18030") != 0) {
        ctx_warn(ctx, "no charset label: charset guessed as %s", detected);
        return detected;
    }
    if (!detected && said && strcmp(said, "ASCII") != 0)
        ctx_warn(ctx, "no charset label: charset guessed as GB18030 (the detector said %s)", said);
    return NULL;
}

/* Fill ctx->msg from the parsed MESSAGE whose raw bytes are DATA. */
static void fill_message(ParseCtx *ctx, GMimeMessage *message, const char *data, gsize len)
{
    CkMessage *msg = ctx->msg;
    ctx->fallback = declared_text_charset(g_mime_message_get_mime_part(message), 0);
    if (!ctx->fallback)
        ctx->fallback = guess_message_charset(ctx, data, len);
    fill_headers(ctx, msg, GMIME_OBJECT(message));
    MessageText mt = { 0 };
    message_text(ctx, message, &mt);
    msg->html_only = mt.html_only;
    store_split_text(msg, mt.text, mt.html_quoted, mt.forwarded->str);
    message_text_clear(&mt);
}

/* A copy of DATA whose first HEADER_LEN bytes have each NUL byte replaced
 * by REPLACEMENT.  Caller frees with g_byte_array_unref(). */
static GByteArray *copy_replacing_nuls(const char *data, gsize len, gsize header_len,
                                       const char *replacement)
{
    GByteArray *copy = g_byte_array_sized_new(len + 16);
    for (gsize i = 0; i < header_len; i++) {
        if (data[i] == '\0')
            g_byte_array_append(copy, (const guint8 *) replacement, strlen(replacement));
        else
            g_byte_array_append(copy, (const guint8 *) data + i, 1);
    }
    g_byte_array_append(copy, (const guint8 *) data + header_len, len - header_len);
    return copy;
}

/* GMime keeps header values as C strings, so a NUL byte would cut the
 * header it is in.  Returns a copy of DATA whose header block has each NUL
 * replaced, by U+FFFD when the block is otherwise UTF-8 (or ASCII), else by
 * a blank, which keeps an 8-bit charset decodable; a warning counts them.
 * Returns NULL when the header block holds no NUL.  Caller frees with
 * g_byte_array_unref(). */
static GByteArray *replace_header_nuls(ParseCtx *ctx, const char *data, gsize len)
{
    gsize header_len = header_block_length(data, len);
    guint nuls = 0;
    for (gsize i = 0; i < header_len; i++)
        nuls += data[i] == '\0';
    if (nuls == 0)
        return NULL;
    GByteArray *copy = copy_replacing_nuls(data, len, header_len, "\xEF\xBF\xBD");
    gboolean utf8 = g_utf8_validate_len((const char *) copy->data, header_len + 2 * nuls, NULL);
    if (!utf8) {
        g_byte_array_unref(copy);
        copy = copy_replacing_nuls(data, len, header_len, " ");
    }
    ctx_warn(ctx, "%u NUL byte%s in the header replaced by %s", nuls, nuls == 1 ? "" : "s",
             utf8 ? "U+FFFD" : "a blank");
    return copy;
}

/* Parse the RFC 5322 message DATA into ctx->msg.  When GMime rejects it,
 * it is read again without its damaged header lines. */
static void parse_rfc822(ParseCtx *ctx, const char *data, gsize len)
{
    GByteArray *without_nuls = replace_header_nuls(ctx, data, len);
    if (without_nuls) {
        data = (const char *) without_nuls->data;
        len = without_nuls->len;
    }
    GMimeParserOptions *options = g_mime_parser_options_new();
    g_mime_parser_options_set_warning_callback(options, on_gmime_warning, ctx);
    GMimeMessage *message = construct_message(data, len, options);
    guint dropped = 0;
    GByteArray *repaired = message ? NULL : drop_damaged_header_lines(data, len, &dropped);
    if (repaired && dropped > 0) {
        ctx_warn(ctx, "dropped %u damaged header line(s)", dropped);
        message = construct_message((const char *) repaired->data, repaired->len, options);
    }
    if (repaired)
        g_byte_array_unref(repaired);
    if (message) {
        fill_message(ctx, message, data, len);
        g_object_unref(message);
    } else {
        parse_unstructured(ctx, data, len);
    }
    g_mime_parser_options_free(options);
    if (ctx->nesting_overflow) {
        char *kept = g_strdup_printf(WARN_GMIME_DEPTH_KEPT, GMIME_MAX_DEPTH);
        if (!g_hash_table_contains(ctx->warned, kept))
            ctx_warn(ctx, WARN_GMIME_DEPTH_LOST, GMIME_MAX_DEPTH);
        g_free(kept);
    }
    if (without_nuls)
        g_byte_array_unref(without_nuls);
}

/* ---------------------------------------------------------------------- */
/* Thread export sections                                                  */

/* When LINE (leading blanks allowed) is "NAME:" or "NAME：" followed by a
 * value, return a pointer to the value (blanks skipped); else NULL. */
static const char *export_field_value(const char *line, const char *name)
{
    while (*line == ' ' || *line == '\t')
        line++;
    if (g_str_has_prefix(line, "\xE3\x80\x80"))   /* U+3000 */
        line += 3;
    if (!g_str_has_prefix(line, name))
        return NULL;
    const char *p = line + strlen(name);
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == ':')
        p++;
    else if (g_str_has_prefix(p, FULLWIDTH_COLON))
        p += strlen(FULLWIDTH_COLON);
    else
        return NULL;
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* Synthesize the id of an export message from what it says (subject,
 * sender, date, text), so it is the same on every run.  Caller frees. */
static char *export_message_id(const CkMessage *msg, const char *date_text, const char *text)
{
    GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
    const char *fields[] = { msg->subject, msg->from_name, date_text, text };
    for (gsize i = 0; i < G_N_ELEMENTS(fields); i++) {
        g_checksum_update(sum, (const guchar *) fields[i], strlen(fields[i]));
        g_checksum_update(sum, (const guchar *) "", 1);   /* NUL separator */
    }
    char *id = g_strdup_printf("casekb-%.16s@generated", g_checksum_get_string(sum));
    g_checksum_free(sum);
    return id;
}

/* Fill the date of MSG from the export's 发送时间 value. */
static void set_export_date(ParseCtx *ctx, CkMessage *msg, const char *value)
{
    GDateTime *dt = ck_datetime_parse_loose(value, NULL);   /* UTC when no offset */
    if (!dt) {
        ctx_warn_excerpt(ctx, "unreadable " FIELD_SENT, value);
        return;
    }
    msg->date = g_date_time_to_unix(dt);
    msg->tz_offset_min = (int) (g_date_time_get_utc_offset(dt) / G_TIME_SPAN_MINUTE);
    g_date_time_unref(dt);
}

/* Parse one thread-export section (UTF-8 DATA) into ctx->msg. */
static void parse_export(ParseCtx *ctx, const CkRawMessage *raw, const char *data, gsize len)
{
    CkMessage *msg = ctx->msg;
    char *section = ck_decode_bytes(data, len, NULL, NULL, NULL);
    char **lines = g_strsplit(section, "\n", -1);
    GString *fields = g_string_new(NULL);
    GString *text = g_string_new(NULL);
    char *date_text = g_strdup("");
    gboolean in_text = FALSE;
    set_field(&msg->subject, g_strstrip(g_strdup(raw->export_subject ? raw->export_subject : "")));
    for (char **l = lines; *l; l++) {
        const char *value;
        if (in_text) {
            g_string_append_printf(text, "%s\n", *l);
        } else if ((value = export_field_value(*l, FIELD_BODY))) {
            in_text = TRUE;
            if (*value)
                g_string_append_printf(text, "%s\n", value);
        } else {
            g_string_append_printf(fields, "%s\n", *l);
            if ((value = export_field_value(*l, FIELD_FROM)))
                set_field(&msg->from_name, g_strstrip(g_strdup(value)));
            else if ((value = export_field_value(*l, FIELD_SENT)))
                set_field(&date_text, g_strstrip(g_strdup(value)));
        }
    }
    if (!in_text) {
        ctx_warn(ctx, "export section without " FIELD_BODY " field");
        g_string_assign(text, fields->str);
    }
    if (*date_text)
        set_export_date(ctx, msg, date_text);
    else
        ctx_warn(ctx, "export section without " FIELD_SENT " field");
    char *body = g_strchomp(g_string_free(text, FALSE));
    g_string_free(fields, TRUE);
    set_field(&msg->message_id, export_message_id(msg, date_text, body));
    msg->message_id_synthesized = TRUE;
    store_split_text(msg, body, NULL, NULL);
    g_free(body);
    g_free(date_text);
    g_strfreev(lines);
    g_free(section);
}

/* ---------------------------------------------------------------------- */
/* Public API                                                              */

/* Make *FIELD (may be NULL) strict UTF-8, warning with the number of bytes
 * replaced in the field called NAME. */
static void sanitize_field(ParseCtx *ctx, char **field, const char *name)
{
    if (!*field || g_utf8_validate(*field, -1, NULL))
        return;
    guint replaced = 0;
    set_field(field, ck_utf8_sanitize(*field, -1, &replaced));
    ctx_warn(ctx, "%u bytes not valid UTF-8 replaced in %s", replaced, name);
}

/* The last check before a message leaves parse.c: every text field of
 * ctx->msg is made strict UTF-8 whatever produced it (decode.c already
 * does so for what it decodes; GMime, libxml2 and the readers do not
 * promise it). */
static void sanitize_message(ParseCtx *ctx)
{
    CkMessage *m = ctx->msg;
    struct { char **field; const char *name; } fields[] = {
        { &m->subject, "the subject" },           { &m->from_name, "the sender's name" },
        { &m->from_addr, "the sender's address" }, { &m->to, "To" },
        { &m->body, "the new text" },             { &m->quoted, "the quoted text" },
        { &m->signature, "the signature" },       { &m->forwarded, "the forwarded text" },
        { &m->message_id, "the Message-ID" },
        { &m->in_reply_to, "In-Reply-To" },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(fields); i++)
        sanitize_field(ctx, fields[i].field, fields[i].name);
    for (guint i = 0; i < m->references->len; i++)
        sanitize_field(ctx, (char **) &m->references->pdata[i], "References");
    for (guint i = 0; i < m->attachments->len; i++) {
        CkAttachment *att = g_ptr_array_index(m->attachments, i);
        sanitize_field(ctx, &att->name, "an attachment's name");
        sanitize_field(ctx, &att->type, "an attachment's type");
        sanitize_field(ctx, &att->text, "an attachment's text");
    }
}

/* See parse.h. */
CkMessage *ck_message_parse(const CkRawMessage *raw, GError **error)
{
    g_return_val_if_fail(raw != NULL, NULL);
    ck_parse_init();
    gsize len = 0;
    const char *data = raw->data ? g_bytes_get_data(raw->data, &len) : NULL;
    if (!data || len == 0) {
        g_set_error(error, CK_PARSE_ERROR, CK_PARSE_ERROR_EMPTY, "%s: empty message at byte %" G_GINT64_FORMAT,
                    raw->path ? raw->path : "-", raw->offset);
        return NULL;
    }
    CkMessage *msg = ck_message_new();
    char *hash = raw->content_hash ? NULL
                                   : g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *) data, len);
    g_strlcpy(msg->content_hash, hash ? hash : raw->content_hash, sizeof msg->content_hash);
    g_free(hash);
    set_field(&msg->source_path, ck_utf8_sanitize(raw->path ? raw->path : "-", -1, NULL));
    msg->source_offset = raw->offset;
    ParseCtx ctx = { msg, g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL), NULL, 0, FALSE };
    if (raw->kind == CK_RAW_EXPORT)
        parse_export(&ctx, raw, data, len);
    else
        parse_rfc822(&ctx, data, len);
    sanitize_message(&ctx);
    g_hash_table_unref(ctx.warned);
    return msg;
}

/* Depth-first search under OBJ for the first text/plain or text/html part
 * (attachments and message/rfc822 content included). */
static GMimePart *first_text_part(GMimeObject *obj, int depth)
{
    if (!obj || depth > GMIME_MAX_DEPTH)
        return NULL;
    if (GMIME_IS_MULTIPART(obj)) {
        GMimeMultipart *multi = GMIME_MULTIPART(obj);
        for (int i = 0; i < g_mime_multipart_get_count(multi); i++) {
            GMimePart *found = first_text_part(g_mime_multipart_get_part(multi, i), depth + 1);
            if (found)
                return found;
        }
        return NULL;
    }
    if (GMIME_IS_MESSAGE_PART(obj)) {
        GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
        return inner ? first_text_part(g_mime_message_get_mime_part(inner), depth + 1) : NULL;
    }
    if (!GMIME_IS_PART(obj))
        return NULL;
    GMimeContentType *type = g_mime_object_get_content_type(obj);
    if (g_mime_content_type_is_type(type, "text", "plain") || g_mime_content_type_is_type(type, "text", "html"))
        return GMIME_PART(obj);
    return NULL;
}

/* See parse.h. */
char *ck_parse_first_text_part(GBytes *data, gboolean *is_html)
{
    ck_parse_init();
    if (is_html)
        *is_html = FALSE;
    gsize len = 0;
    const char *bytes = data ? g_bytes_get_data(data, &len) : NULL;
    if (!bytes || len == 0)
        return NULL;
    GMimeStream *stream = g_mime_stream_mem_new_with_buffer(bytes, len);
    GMimeParser *parser = g_mime_parser_new_with_stream(stream);
    GMimeMessage *message = g_mime_parser_construct_message(parser, NULL);
    char *text = NULL;
    GMimePart *part = message ? first_text_part(g_mime_message_get_mime_part(message), 0) : NULL;
    if (part) {
        CkMessage *scratch = ck_message_new();
        ParseCtx ctx = { scratch, g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
                         declared_text_charset(g_mime_message_get_mime_part(message), 0), 0 };
        char *raw_text = part_text(&ctx, part);
        gboolean html = g_mime_content_type_is_type(g_mime_object_get_content_type(GMIME_OBJECT(part)),
                                                    "text", "html");
        text = html ? ck_html_to_text(raw_text, -1, NULL) : g_strdup(raw_text);
        if (is_html)
            *is_html = html;
        g_free(raw_text);
        g_hash_table_unref(ctx.warned);
        ck_message_free(scratch);
    }
    if (message)
        g_object_unref(message);
    g_object_unref(parser);
    g_object_unref(stream);
    return text;
}
