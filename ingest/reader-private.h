/* reader-private.h — pieces shared by reader.c, reader-mbox.c and
 * reader-export.c; not part of the public API.
 *
 * CkInput is a bounded buffered byte reader over a file or standard input:
 * it holds at most CK_INPUT_BUFFER_SIZE bytes of lookahead, counts the bytes
 * it consumes into reader->bytes_read, and knows the byte offset of the next
 * unread byte, so mbox files can be streamed one line at a time.
 */
#ifndef CASEKB_READER_PRIVATE_H
#define CASEKB_READER_PRIVATE_H

#include <stdio.h>
#include <glib.h>
#include "ingest/reader.h"

#define CK_INPUT_BUFFER_SIZE (64 * 1024)

/* How many bytes format detection looks at (always <= the buffer size). */
#define CK_DETECT_PEEK_SIZE 4096

/* The UTF-8 byte order mark. */
#define CK_UTF8_BOM "\xEF\xBB\xBF"
#define CK_UTF8_BOM_LEN 3

typedef struct {
    FILE *file;
    gboolean owns_file;   /* FALSE for standard input, which is never closed */
    char *buffer;         /* CK_INPUT_BUFFER_SIZE bytes */
    gsize start;          /* first unread byte in buffer */
    gsize end;            /* one past the last valid byte in buffer */
    gint64 offset;        /* byte offset in the input of buffer[start] */
    guint64 filled;       /* bytes read from the file so far */
    gboolean at_eof;
    int read_errno;       /* errno of the first read error, 0 if none */
    CkReader *reader;     /* receives bytes_read; may be NULL */
} CkInput;

/* Open PATH ("-" for standard input) for reading.  Returns a new input the
 * caller closes with ck_input_close(), or NULL with *open_errno set. */
CkInput *ck_input_open(CkReader *reader, const char *path, int *open_errno);

/* Close INPUT and free it (standard input stays open).  NULL is allowed. */
void ck_input_close(CkInput *input);

/* Make at least WANT bytes (capped at the buffer size) available without
 * consuming them, unless the input ends first.  Sets *bytes to the unread
 * bytes, owned by INPUT and valid until the next read; returns their count. */
gsize ck_input_peek(CkInput *input, gsize want, const char **bytes);

/* Consume COUNT bytes, which must have been made available by a peek. */
void ck_input_skip(CkInput *input, gsize count);

/* Replace LINE's contents with the next line, '\n' included (the last line
 * may lack it).  Lines of any length are read piece by piece.  Returns FALSE
 * at the end of the input or on a read error (see input->read_errno). */
gboolean ck_input_read_line(CkInput *input, GString *line);

/* Append everything left in INPUT to OUT.  Returns FALSE on a read error. */
gboolean ck_input_read_rest(CkInput *input, GString *out);

/* Report a warning "PATH: text" through reader->on_warning, if set. */
void ck_reader_warn(CkReader *reader, const char *path, const char *format, ...)
    G_GNUC_PRINTF(3, 4);

/* Hand RAW to reader->on_message.  Returns FALSE with *error set when the
 * callback asked to stop (an error is made up if the callback set none). */
gboolean ck_reader_emit(CkReader *reader, const CkRawMessage *raw, GError **error);

/* Split the mbox in INPUT (positioned on its first From_ line, after any BOM)
 * into messages and emit them.  Damage is reported as warnings.  Returns FALSE
 * only when the callback stopped the read. */
gboolean ck_reader_read_mbox(CkReader *reader, CkInput *input, const char *path,
                             GError **error);

/* Split the thread export DATA (the whole file, LEN bytes, UTF-8 or GB18030,
 * optional UTF-8 BOM) into sections and emit them.  Returns FALSE only when
 * the callback stopped the read. */
gboolean ck_reader_read_export(CkReader *reader, const char *path,
                               const char *data, gsize len, GError **error);

/* The first four bytes of an Outlook PST file ([MS-PST] HEADER dwMagic). */
#define CK_PST_MAGIC "!BDN"

/* Read the Outlook PST file in INPUT (reader-pst.c; standard input is copied
 * to a temporary file) with libpst and emit each mail item as one RFC 5322
 * message (offset: the item's node id).  A file libpst cannot read is
 * skipped with one warning; items it cannot read are counted in one warning.
 * Returns FALSE only when the callback stopped the read. */
gboolean ck_reader_read_pst(CkReader *reader, CkInput *input, const char *path, GError **error);

/* TRUE when TEXT (LEN bytes) starts like a header field, "Name: value"
 * (name made of RFC 7230 token characters, optional blanks before ':'). */
gboolean ck_looks_like_header_line(const char *text, gsize len);

/* TRUE when the first line of TEXT (LEN bytes, BOM already skipped) that is
 * not blank starts with 邮件主题： or 邮件主题: in UTF-8 or GB18030. */
gboolean ck_export_looks_like(const char *text, gsize len);

#endif
