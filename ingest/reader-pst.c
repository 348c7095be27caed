/* reader-pst.c — Outlook PST files (Unicode and ANSI), read with libpst.
 *
 * Every mail item under the top of the personal folders (all folders, in
 * the order libpst lists them) becomes one RFC 5322 message that the rest of
 * casekb parses like any other:
 *  - headers: the item's transport headers (PR_TRANSPORT_MESSAGE_HEADERS)
 *    without the fields that described the original body (Content-Type,
 *    Content-Transfer-Encoding, MIME-Version, with their continuation lines
 *    such as boundary=) and without lines before the first field (Outlook's
 *    "Microsoft Mail Internet Headers Version 2.0"); From, To, Cc, Subject,
 *    Date, Message-ID and In-Reply-To the headers lack (all of them when the
 *    item has no transport headers) are made from the item's properties;
 *  - body: text/plain; charset=utf-8 from PR_BODY, else text/html from
 *    PR_HTML, and each attachment as a MIME part with its name and type,
 *    under multipart/mixed when there are attachments.
 * 8-bit strings of ANSI files are decoded with the item's charset (the
 * charset of its Content-Type, else PR_MESSAGE_CODEPAGE, else
 * PR_INTERNET_CPID) by casekb's charset rules (ingest/decode.h), unlabelled
 * ones as UTF-8 when valid, else GB18030; bytes that cannot be decoded are
 * replaced and counted in a warning.
 * A message's path is the PST's and its offset the item's descriptor (node)
 * id, so the same file ingested again gives the same bytes ("already
 * stored").  libpst writes some diagnostics with printf, so standard output
 * is pointed at /dev/null while libpst runs.
 */
#include "ingest/reader-private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <gmime/gmime.h>
#include <libpst/libpst.h>
#include <libpst/timeconv.h>

#include "ingest/decode.h"
#include "ingest/parse.h"

/* Folders deeper than this are not entered (a damaged file). */
#define PST_MAX_DEPTH 256

typedef struct {
    CkReader *reader;
    pst_file *pf;
    const char *path;          /* shown in warnings and raw->path */
    guint64 unreadable;        /* items libpst could not parse */
    guint64 first_unreadable;  /* descriptor id of the first of them */
    guint64 not_mail;          /* contacts, appointments, tasks... */
} PstWalk;

/* ------------------------------------------------------ standard output */

/* Point standard output at /dev/null; returns the saved descriptor for
 * stdout_restore() (-1 when nothing was changed). */
static int stdout_mute(void)
{
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (saved >= 0 && null >= 0 && dup2(null, STDOUT_FILENO) < 0) {
        close(saved);
        saved = -1;
    }
    if (null >= 0)
        close(null);
    return saved;
}

/* Undo stdout_mute(), dropping what libpst printed meanwhile. */
static void stdout_restore(int saved)
{
    fflush(stdout);
    if (saved < 0)
        return;
    dup2(saved, STDOUT_FILENO);
    close(saved);
}

/* ------------------------------------------------------------- strings */

/* The charset label of Windows code page CP, for ck_decode_bytes(); BUF
 * (16 bytes) holds labels made up here. */
static const char *codepage_label(int cp, char *buf)
{
    switch (cp) {
    case 936: return "gb2312";       /* read as GB18030 by casekb's rules */
    case 950: return "big5";
    case 932: return "shift_jis";
    case 949: return "euc-kr";
    case 1200: return "utf-16le";
    case 20127: return "us-ascii";
    case 20866: return "koi8-r";
    case 28591: return "iso-8859-1";
    case 50220: case 50221: case 50222: return "iso-2022-jp";
    case 51932: return "euc-jp";
    case 51949: return "euc-kr";
    case 54936: return "gb18030";
    case 65001: return "utf-8";
    default:
        g_snprintf(buf, 16, "cp%d", cp);
        return buf;
    }
}

/* The charset of ITEM's 8-bit strings, or NULL (unlabelled). */
static const char *item_charset(const pst_item *item, char *buf)
{
    if (item->body_charset.str && *item->body_charset.str)
        return item->body_charset.str;
    if (item->message_codepage)
        return codepage_label(item->message_codepage, buf);
    if (item->internet_cpid)
        return codepage_label(item->internet_cpid, buf);
    return NULL;
}

/* STR of ITEM as strict UTF-8, or NULL when absent or empty: Unicode strings
 * as libpst converted them, 8-bit ones decoded with ITEM's charset.  Bytes
 * replaced are added to *n_replaced.  Caller g_free()s. */
static char *pst_text(const pst_item *item, const pst_string *str, guint *n_replaced)
{
    if (!str->str || !*str->str)
        return NULL;
    guint replaced = 0;
    char buf[16];
    char *text = str->is_utf8 ? ck_utf8_sanitize(str->str, -1, &replaced)
                              : ck_decode_bytes(str->str, -1, item_charset(item, buf), NULL,
                                                &replaced);
    *n_replaced += replaced;
    return text;
}

/* A copy of TEXT for one header line: CR, LF and other controls become
 * spaces, surrounding blanks go.  Caller g_free()s. */
static char *one_line(const char *text)
{
    char *copy = g_strdup(text);
    for (char *p = copy; *p; p++) {
        if ((guchar)*p < 0x20 || *p == 0x7F)
            *p = ' ';
    }
    return g_strstrip(copy);
}

/* ------------------------------------------------------------ headers */

/* The fields casekb may make from an item's properties, in output order. */
static const char *const made_fields[] = {
    "From", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To", NULL
};

/* TRUE when the header line LINE (LEN bytes) names field NAME. */
static gboolean field_is(const char *line, gsize len, const char *name)
{
    gsize n = strlen(name);
    return len > n && g_ascii_strncasecmp(line, name, n) == 0
           && (line[n] == ':' || line[n] == ' ' || line[n] == '\t');
}

/* TRUE when header line LINE (LEN bytes) is one of the fields that
 * described the original body. */
static gboolean field_describes_body(const char *line, gsize len)
{
    return field_is(line, len, "Content-Type") || field_is(line, len, "Content-Transfer-Encoding")
           || field_is(line, len, "MIME-Version");
}

/* Append the LEN bytes of LINE and a "\n" to OUT. */
static void append_line(GString *out, const char *line, gsize len)
{
    g_string_append_len(out, line, len);
    g_string_append_c(out, '\n');
}

/* Append the fields of the transport headers TEXT to OUT, one "\n" per
 * line, without the body-describing fields (see the file comment) and
 * stopping at a blank line.  Sets have[i] for each made_fields[i] seen. */
static void append_transport_headers(GString *out, const char *text, gboolean *have)
{
    gboolean keeping = FALSE, started = FALSE;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        gsize len = nl ? (gsize)(nl - p) : strlen(p);
        const char *next = nl ? nl + 1 : p + len;
        if (len > 0 && p[len - 1] == '\r')
            len--;
        if (len == 0 && started)
            break;
        if (len > 0 && (p[0] == ' ' || p[0] == '\t')) {
            if (keeping)
                append_line(out, p, len);
        } else if (ck_looks_like_header_line(p, len)) {
            started = TRUE;
            keeping = !field_describes_body(p, len);
            for (guint i = 0; made_fields[i]; i++)
                have[i] = have[i] || field_is(p, len, made_fields[i]);
            if (keeping)
                append_line(out, p, len);
        } else {
            keeping = FALSE;   /* not a field: dropped, with what follows it */
        }
        p = next;
    }
}

/* The first of the strings A, B of ITEM that holds an '@' (an SMTP
 * address, not an Exchange DN), or NULL.  Caller g_free()s. */
static char *smtp_address(const pst_item *item, const pst_string *a, const pst_string *b,
                          guint *n_replaced)
{
    const pst_string *choices[] = { a, b };
    for (guint i = 0; i < G_N_ELEMENTS(choices); i++) {
        char *text = pst_text(item, choices[i], n_replaced);
        if (text && strchr(text, '@'))
            return text;
        g_free(text);
    }
    return NULL;
}

/* The From field value of ITEM (RFC 2047-encoded), or NULL.  Caller frees. */
static char *make_from(const pst_item *item, guint *n_replaced)
{
    const pst_item_email *e = item->email;
    char *name = pst_text(item, &e->outlook_sender_name2, n_replaced);
    if (!name)
        name = pst_text(item, &e->outlook_sender_name, n_replaced);
    char *addr = smtp_address(item, &e->sender2_address, &e->sender_address, n_replaced);
    char *value = NULL;
    if (name || addr) {
        char *clean_name = name ? one_line(name) : NULL;
        char *clean_addr = addr ? one_line(addr) : g_strdup("");
        InternetAddress *mailbox = internet_address_mailbox_new(clean_name, clean_addr);
        value = internet_address_to_string(mailbox, NULL, TRUE);
        g_object_unref(mailbox);
        g_free(clean_name);
        g_free(clean_addr);
    }
    g_free(name);
    g_free(addr);
    return value;
}

/* "Day, DD Mon YYYY HH:MM:SS +0000" for FT, independent of the locale;
 * NULL when FT is NULL.  Caller frees. */
static char *make_date(const FILETIME *ft)
{
    static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
    static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    if (!ft)
        return NULL;
    GDateTime *t = g_date_time_new_from_unix_utc(pst_fileTimeToUnixTime(ft));
    if (!t)
        return NULL;
    char *text = g_strdup_printf("%s, %02d %s %04d %02d:%02d:%02d +0000",
                                 days[g_date_time_get_day_of_week(t) % 7],
                                 g_date_time_get_day_of_month(t),
                                 months[g_date_time_get_month(t) - 1], g_date_time_get_year(t),
                                 g_date_time_get_hour(t), g_date_time_get_minute(t),
                                 g_date_time_get_second(t));
    g_date_time_unref(t);
    return text;
}

/* Text STR of ITEM as an RFC 2047-encoded one-line value, or NULL. */
static char *make_text(const pst_item *item, const pst_string *str, guint *n_replaced)
{
    char *text = pst_text(item, str, n_replaced);
    if (!text)
        return NULL;
    char *line = one_line(text);
    char *value = g_mime_utils_header_encode_text(NULL, line, "utf-8");
    g_free(line);
    g_free(text);
    return value;
}

/* The value of made_fields[I] for ITEM, or NULL.  Caller frees. */
static char *make_field(const pst_item *item, guint i, guint *n_replaced)
{
    const pst_item_email *e = item->email;
    char *raw = NULL, *value = NULL;
    switch (i) {
    case 0: return make_from(item, n_replaced);
    case 1: return make_text(item, &e->sentto_address, n_replaced);
    case 2: return make_text(item, &e->cc_address, n_replaced);
    case 3: return make_text(item, &item->subject, n_replaced);
    case 4: return make_date(e->sent_date ? e->sent_date : e->arrival_date);
    case 5: raw = pst_text(item, &e->messageid, n_replaced); break;
    case 6: raw = pst_text(item, &e->in_reply_to, n_replaced); break;
    default: return NULL;
    }
    if (raw)
        value = one_line(raw);
    g_free(raw);
    return value;
}

/* Append ITEM's header fields to OUT (see the file comment). */
static void append_headers(GString *out, const pst_item *item, guint *n_replaced)
{
    gboolean have[G_N_ELEMENTS(made_fields)] = { FALSE };
    char *transport = pst_text(item, &item->email->header, n_replaced);
    if (transport)
        append_transport_headers(out, transport, have);
    g_free(transport);
    for (guint i = 0; made_fields[i]; i++) {
        char *value = have[i] ? NULL : make_field(item, i, n_replaced);
        if (value && *value)
            g_string_append_printf(out, "%s: %s\n", made_fields[i], value);
        g_free(value);
    }
    g_string_append(out, "MIME-Version: 1.0\n");
}

/* --------------------------------------------------------------- body */

/* A text/SUBTYPE part holding TEXT in UTF-8 (8bit, or base64 / QP when
 * its lines need it).  Caller unrefs. */
static GMimeObject *text_part(const char *subtype, const char *text)
{
    GMimeTextPart *part = g_mime_text_part_new_with_subtype(subtype);
    g_mime_text_part_set_text(part, text);
    g_mime_part_set_content_encoding(GMIME_PART(part),
        g_mime_part_get_best_content_encoding(GMIME_PART(part), GMIME_ENCODING_CONSTRAINT_8BIT));
    return GMIME_OBJECT(part);
}

/* ITEM's text as a MIME part: PR_BODY as text/plain, else PR_HTML as
 * text/html, else an empty text/plain.  Caller unrefs. */
static GMimeObject *body_part(const pst_item *item, guint *n_replaced)
{
    char *text = pst_text(item, &item->body, n_replaced);
    const char *subtype = "plain";
    if (!text && (text = pst_text(item, &item->email->htmlbody, n_replaced)) != NULL)
        subtype = "html";
    GMimeObject *part = text_part(subtype, text ? text : "");
    g_free(text);
    return part;
}

/* Attachment ATTACH of ITEM as a MIME part with its name and type (base64),
 * or NULL when its data cannot be read.  INDEX numbers nameless ones.
 * Caller unrefs. */
static GMimeObject *attachment_part(PstWalk *w, const pst_item *item, pst_item_attach *attach,
                                    guint index, guint *n_replaced)
{
    pst_binary data = pst_attach_to_mem(w->pf, attach);
    if (!data.data)
        return NULL;
    char *name = pst_text(item, &attach->filename2, n_replaced);
    if (!name)
        name = pst_text(item, &attach->filename1, n_replaced);
    if (!name)
        name = g_strdup_printf("attachment-%u", index);
    char *mime_type = pst_text(item, &attach->mimetype, n_replaced);
    GMimeContentType *type = g_mime_content_type_parse(NULL, mime_type ? mime_type : "");
    if (!type || !g_mime_content_type_get_media_type(type)
        || !g_mime_content_type_get_media_subtype(type)) {
        g_clear_object(&type);
        type = g_mime_content_type_new("application", "octet-stream");
    }
    GMimePart *part = g_mime_part_new_with_type(g_mime_content_type_get_media_type(type),
                                                g_mime_content_type_get_media_subtype(type));
    char *clean_name = one_line(name);
    g_mime_part_set_filename(part, clean_name);
    GMimeStream *stream = g_mime_stream_mem_new_with_buffer(data.data, data.size);
    GMimeDataWrapper *content = g_mime_data_wrapper_new_with_stream(stream,
                                                                    GMIME_CONTENT_ENCODING_DEFAULT);
    g_mime_part_set_content(part, content);
    g_mime_part_set_content_encoding(part, GMIME_CONTENT_ENCODING_BASE64);
    g_object_unref(content);
    g_object_unref(stream);
    g_object_unref(type);
    free(data.data);
    g_free(clean_name);
    g_free(mime_type);
    g_free(name);
    return GMIME_OBJECT(part);
}

/* TRUE when ATTACH is an attachment: libpst also lists the rows of a
 * message's recipient table (no data, no block) among its attachments. */
static gboolean is_attachment(const pst_item_attach *attach)
{
    return attach->data.data || attach->i_id || attach->method == PST_ATTACH_EMBEDDED;
}

/* ITEM's body and attachments as one MIME object; attachments that cannot
 * be read are counted in *lost.  Caller unrefs. */
static GMimeObject *message_body(PstWalk *w, const pst_desc_tree *d, const pst_item *item,
                                 guint *n_replaced, guint *lost)
{
    GMimeObject *text = body_part(item, n_replaced);
    pst_item_attach *first = item->attach;
    while (first && !is_attachment(first))
        first = first->next;
    if (!first)
        return text;
    GMimeMultipart *mixed = g_mime_multipart_new_with_subtype("mixed");
    char *boundary = g_strdup_printf("=_casekb-pst-%" G_GINT64_MODIFIER "x", (guint64)d->d_id);
    g_mime_multipart_set_boundary(mixed, boundary);
    g_free(boundary);
    g_mime_multipart_add(mixed, text);
    g_object_unref(text);
    guint index = 0;
    for (pst_item_attach *a = first; a; a = a->next) {
        if (!is_attachment(a))
            continue;
        index++;
        GMimeObject *part = a->method == PST_ATTACH_EMBEDDED ? NULL
                          : attachment_part(w, item, a, index, n_replaced);
        if (!part) {
            (*lost)++;
            continue;
        }
        g_mime_multipart_add(mixed, part);
        g_object_unref(part);
    }
    return GMIME_OBJECT(mixed);
}

/* ITEM (node D) as the bytes of one RFC 5322 message.  Caller unrefs. */
static GBytes *message_bytes(PstWalk *w, const pst_desc_tree *d, const pst_item *item)
{
    guint replaced = 0, lost = 0;
    GString *out = g_string_new(NULL);
    append_headers(out, item, &replaced);
    GMimeObject *body = message_body(w, d, item, &replaced, &lost);
    char *text = g_mime_object_to_string(body, NULL);
    g_string_append(out, text);
    g_free(text);
    g_object_unref(body);
    if (replaced)
        ck_reader_warn(w->reader, w->path, "item 0x%" G_GINT64_MODIFIER "x: %u bytes could not "
                       "be decoded and were replaced", (guint64)d->d_id, replaced);
    if (lost)
        ck_reader_warn(w->reader, w->path, "item 0x%" G_GINT64_MODIFIER "x: %u attachments "
                       "could not be read (embedded messages are not read)", (guint64)d->d_id,
                       lost);
    return g_string_free_to_bytes(out);
}

/* --------------------------------------------------------------- walk */

/* Parse node D and, when it is a mail item, emit it.  Returns FALSE only
 * when the callback stopped the read. */
static gboolean read_item(PstWalk *w, pst_desc_tree *d, GError **error)
{
    pst_item *item = pst_parse_item(w->pf, d, NULL);
    if (!item) {
        if (w->unreadable++ == 0)
            w->first_unreadable = d->d_id;
        return TRUE;
    }
    gboolean ok = TRUE;
    if (item->folder || !item->email) {
        if (!item->folder)
            w->not_mail++;
    } else if (item->type != PST_TYPE_NOTE && item->type != PST_TYPE_REPORT) {
        w->not_mail++;
    } else {
        GBytes *data = message_bytes(w, d, item);
        CkRawMessage raw = { .kind = CK_RAW_RFC822, .data = data, .path = w->path,
                             .offset = (gint64)d->d_id };
        ok = ck_reader_emit(w->reader, &raw, error);
        g_bytes_unref(data);
    }
    pst_freeItem(item);
    return ok;
}

/* Read node D, its children and its following siblings (DEPTH folders
 * down).  Returns FALSE only when the callback stopped the read. */
static gboolean walk_nodes(PstWalk *w, pst_desc_tree *d, int depth, GError **error)
{
    for (; d; d = d->next) {
        if (!read_item(w, d, error))
            return FALSE;
        if (d->child && depth < PST_MAX_DEPTH && !walk_nodes(w, d->child, depth + 1, error))
            return FALSE;
    }
    return TRUE;
}

/* Warn once about what the walk W skipped. */
static void warn_skipped(PstWalk *w)
{
    if (w->unreadable)
        ck_reader_warn(w->reader, w->path, "%" G_GUINT64_FORMAT " %s could not be read and "
                       "%s skipped (first: item 0x%" G_GINT64_MODIFIER "x)", w->unreadable,
                       w->unreadable == 1 ? "item" : "items", w->unreadable == 1 ? "was" : "were",
                       w->first_unreadable);
    if (w->not_mail)
        ck_reader_warn(w->reader, w->path, "%" G_GUINT64_FORMAT " %s not mail (contacts, "
                       "calendar, tasks, other message classes) skipped", w->not_mail,
                       w->not_mail == 1 ? "item" : "items");
}

/* Open FILE with libpst into PF and check it can be walked: its size, its
 * index and its message store.  Returns the top of the personal folders
 * with *root set (free it, then pst_close), or NULL after one warning
 * naming SHOWN (PF is closed then). */
static pst_desc_tree *open_pst(CkReader *reader, pst_file *pf, const char *file,
                               const char *shown, pst_item **root)
{
    GStatBuf st;
    int failed = pst_open(pf, file, NULL);
    if (failed) {
        ck_reader_warn(reader, shown, "not a PST file libpst can read (unknown version?), skipped");
        return NULL;
    }
    *root = NULL;
    if (g_stat(file, &st) == 0 && (guint64)st.st_size < pf->size) {
        ck_reader_warn(reader, shown, "PST file is cut off (%" G_GUINT64_FORMAT " of %"
                       G_GUINT64_FORMAT " bytes), skipped", (guint64)st.st_size, pf->size);
    } else {
        pst_load_index(pf);
        pst_load_extended_attributes(pf);
        *root = pf->d_head ? pst_parse_item(pf, pf->d_head, NULL) : NULL;
        pst_desc_tree *top = *root && (*root)->message_store ? pst_getTopOfFolders(pf, *root)
                                                              : NULL;
        if (top)
            return top;
        ck_reader_warn(reader, shown, "%s (damaged file?), skipped",
                       pf->d_head ? "PST has no message store" : "PST index cannot be read");
    }
    pst_freeItem(*root);
    pst_close(pf);
    *root = NULL;
    return NULL;
}

/* Read the PST file FILE, naming it SHOWN in messages and warnings.
 * Returns FALSE only when the callback stopped the read. */
static gboolean read_pst_file(CkReader *reader, const char *file, const char *shown,
                              GError **error)
{
    ck_parse_init();   /* GMime builds the bodies */
    pst_file pf;
    pst_item *root = NULL;
    int muted = stdout_mute();   /* once for the whole file: casekb prints nothing on stdout meanwhile */
    pst_desc_tree *top = open_pst(reader, &pf, file, shown, &root);
    gboolean ok = TRUE;
    if (top) {
        PstWalk walk = { .reader = reader, .pf = &pf, .path = shown };
        ok = walk_nodes(&walk, top->child, 0, error);
        if (ok)
            warn_skipped(&walk);
        pst_freeItem(root);
        pst_close(&pf);
    }
    stdout_restore(muted);
    return ok;
}

/* See reader-private.h.  Standard input is copied to a temporary file
 * first: libpst reads a file it can seek in. */
gboolean ck_reader_read_pst(CkReader *reader, CkInput *input, const char *path, GError **error)
{
    if (input->owns_file)
        return read_pst_file(reader, path, path, error);
    GString *data = g_string_new(NULL);
    ck_input_read_rest(input, data);
    GError *local = NULL;
    char *tmp = NULL;
    int fd = g_file_open_tmp("casekb-stdin-XXXXXX.pst", &tmp, &local);
    if (fd >= 0)
        close(fd);
    gboolean ok = TRUE;
    if (fd < 0 || !g_file_set_contents(tmp, data->str, data->len, &local))
        ck_reader_warn(reader, path, "cannot copy the PST to a temporary file (%s), skipped",
                       local->message);
    else
        ok = read_pst_file(reader, tmp, path, error);
    if (tmp)
        g_unlink(tmp);
    g_clear_error(&local);
    g_free(tmp);
    g_string_free(data, TRUE);
    return ok;
}
