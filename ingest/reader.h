/* reader.h — find the messages in files, directories and standard input.
 *
 * A reader only cuts input into raw messages; it does not decode them.  The
 * format is chosen by content, not by file name: a single RFC 5322 message
 * (.eml), an mbox (mboxo/mboxrd, streamed, `>From ` unescaped, a UTF-8 BOM
 * before the first From_ line tolerated), a maildir (cur/ and new/), any
 * directory (walked recursively, files in name order; hidden files and
 * *.md, *.json, *.yaml notes beside the mail passed over), "-" for standard
 * input, the team's plain-text thread export (`邮件主题：` first line,
 * `====第N封邮件====` separators) in UTF-8 or GB18030, and Outlook PST files
 * (read with libpst, reader-pst.c).
 *
 * Each raw message is handed to a callback together with its source path and
 * byte offset; the callback may stop the walk by returning FALSE with an
 * error set.  Unreadable files are reported through the warn callback and
 * skipped, so one bad file never stops a run.
 *
 * Details of the contract (see reader.c, reader-mbox.c, reader-export.c):
 *  - Detection looks at the first 4 KiB after an optional UTF-8 BOM: a
 *    "From " start is an mbox; a first non-blank line 邮件主题：/邮件主题: (UTF-8
 *    or GB18030) is a thread export; a first line "Name: value" (name of
 *    RFC 7230 token characters) is one message; anything else, the empty file
 *    included, is skipped with the warning "FILE: not a mail file, skipped".
 *  - Directories: entries in byte order of their names, recursively; names
 *    starting with '.' skipped; tmp/ skipped next to cur/ or new/ (maildir);
 *    symlinks followed, but a directory already entered is not entered again.
 *    Non-regular files met in a walk (FIFOs, devices) are warned about.
 *  - mbox: streamed with a 64 KiB buffer, one message held at a time, lines
 *    of any length.  A From_ line is the first line, a "From " line after a
 *    blank line, or a "From SENDER [date with hh:mm]" line in a body that
 *    is followed by a header field (no blank line before it); a
 *    "From " line opening a MIME part's body inside a still-open multipart is
 *    content (attached patch).  data has the From_ line and the blank line
 *    before the next From_ line removed, one '>' taken from ^>+From ; CRLF is
 *    kept as is; offset is that of the From_ line (3 for the first message
 *    after a BOM).  Content-Length is ignored.
 *  - single message: data is the whole file without a BOM; offset 0.
 *  - export: one CK_RAW_EXPORT per `====第N封邮件====` section (N arabic or
 *    Chinese numerals); data is the section's text in UTF-8 without the
 *    blank lines around it; offset is the byte offset of the separator line
 *    in the ORIGINAL file (also for GB18030 files, which are split into lines
 *    before decoding).  A file with no section gets a warning.
 *  - PST: a file starting with "!BDN" ([MS-PST] magic).  Each mail item under
 *    the top of the personal folders is one CK_RAW_RFC822 message built from
 *    the item (transport headers without the fields that described the old
 *    body, a text/plain or text/html UTF-8 body, attachments as named MIME
 *    parts); offset is the item's node id, stable across runs.  A file libpst
 *    cannot open, or shorter than its header says, is skipped with one
 *    warning; unreadable items are counted in one warning per file.
 *    Standard input is copied to a temporary file first.
 *  - files_read and bytes_read are added to, never reset; bytes of a file
 *    that was skipped unread count as read, so bytes_read reaches
 *    ck_reader_total_size() when a walk completes.
 */
#ifndef CASEKB_READER_H
#define CASEKB_READER_H

#include <glib.h>

typedef enum {
    CK_RAW_RFC822,   /* data is one RFC 5322 message */
    CK_RAW_EXPORT    /* data is one `====第N封邮件====` section of a thread export, UTF-8 */
} CkRawKind;

typedef struct {
    CkRawKind kind;
    GBytes *data;             /* the message bytes (mbox: From_ line removed, >From unescaped) */
    const char *path;         /* source file; "-" for standard input */
    gint64 offset;            /* byte offset of the message (mbox: of its From_ line) */
    const char *export_subject; /* CK_RAW_EXPORT: the thread's 邮件主题 line value, UTF-8 */
    int export_index;         /* CK_RAW_EXPORT: N of 第N封邮件 */
    const char *content_hash; /* SHA-256 hex of data when a later stage already has it, else NULL
                               * (readers leave it NULL; parse computes it then) */
} CkRawMessage;

/* Called once per raw message; raw and its fields are valid only during the
 * call.  Return FALSE (with *error set) to stop reading. */
typedef gboolean (*CkRawMessageFunc)(const CkRawMessage *raw, gpointer user_data, GError **error);

/* Called with one line naming the file and what is wrong with it. */
typedef void (*CkWarnFunc)(const char *message, gpointer user_data);

typedef struct {
    CkRawMessageFunc on_message;
    CkWarnFunc on_warning;      /* may be NULL: warnings are dropped */
    gpointer user_data;
    guint64 files_read;         /* out: files opened */
    guint64 bytes_read;         /* out: bytes consumed, for progress */
} CkReader;

/* Read PATH (file, directory, or "-") and call reader->on_message for every
 * message found.  Returns FALSE with *error set only when PATH itself cannot
 * be opened or the callback stopped the walk. */
gboolean ck_reader_read_path(CkReader *reader, const char *path, GError **error);

/* Total size in bytes of the regular files under PATH (0 for "-"), for a
 * progress bar's ETA. */
guint64 ck_reader_total_size(const char *path);

#endif
