/* reader.c — the reader's entry points: paths, the directory walk, format
 * detection by content, and the bounded buffered input shared by the format
 * readers (reader-mbox.c, reader-export.c). */
#include "ingest/reader-private.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <gio/gio.h>

/* ---------------------------------------------------------------- input */

/* See reader-private.h. */
CkInput *ck_input_open(CkReader *reader, const char *path, int *open_errno)
{
    FILE *file;
    gboolean is_stdin = strcmp(path, "-") == 0;

    if (is_stdin) {
        file = stdin;
    } else {
        file = g_fopen(path, "rb");
        if (!file) {
            *open_errno = errno;
            return NULL;
        }
    }
    CkInput *input = g_new0(CkInput, 1);
    input->file = file;
    input->owns_file = !is_stdin;
    input->buffer = g_malloc(CK_INPUT_BUFFER_SIZE);
    input->reader = reader;
    return input;
}

/* See reader-private.h. */
void ck_input_close(CkInput *input)
{
    if (!input)
        return;
    if (input->owns_file)
        fclose(input->file);
    g_free(input->buffer);
    g_free(input);
}

/* Read more bytes into INPUT's buffer after moving the unread bytes to its
 * front.  Returns the number of bytes added (0 at the end or on error). */
static gsize input_fill(CkInput *input)
{
    if (input->at_eof)
        return 0;
    if (input->start > 0) {
        memmove(input->buffer, input->buffer + input->start, input->end - input->start);
        input->end -= input->start;
        input->start = 0;
    }
    gsize room = CK_INPUT_BUFFER_SIZE - input->end;
    if (room == 0)
        return 0;
    gsize got = fread(input->buffer + input->end, 1, room, input->file);
    if (got < room) {
        if (ferror(input->file) && input->read_errno == 0)
            input->read_errno = errno ? errno : EIO;
        input->at_eof = TRUE;
    }
    input->end += got;
    input->filled += got;
    if (input->reader)
        input->reader->bytes_read += got;
    return got;
}

/* See reader-private.h. */
gsize ck_input_peek(CkInput *input, gsize want, const char **bytes)
{
    if (want > CK_INPUT_BUFFER_SIZE)
        want = CK_INPUT_BUFFER_SIZE;
    while (input->end - input->start < want && input_fill(input) > 0)
        ;
    *bytes = input->buffer + input->start;
    return input->end - input->start;
}

/* See reader-private.h. */
void ck_input_skip(CkInput *input, gsize count)
{
    g_return_if_fail(count <= input->end - input->start);
    input->start += count;
    input->offset += count;
}

/* See reader-private.h. */
gboolean ck_input_read_line(CkInput *input, GString *line)
{
    g_string_truncate(line, 0);
    for (;;) {
        if (input->start == input->end && input_fill(input) == 0)
            return line->len > 0;
        const char *begin = input->buffer + input->start;
        gsize avail = input->end - input->start;
        const char *newline = memchr(begin, '\n', avail);
        gsize take = newline ? (gsize)(newline - begin) + 1 : avail;
        g_string_append_len(line, begin, take);
        ck_input_skip(input, take);
        if (newline)
            return TRUE;
    }
}

/* See reader-private.h. */
gboolean ck_input_read_rest(CkInput *input, GString *out)
{
    do {
        g_string_append_len(out, input->buffer + input->start, input->end - input->start);
        ck_input_skip(input, input->end - input->start);
    } while (input_fill(input) > 0);
    return input->read_errno == 0;
}

/* ------------------------------------------------------ warnings, emit */

/* Set *error to G_FILE_ERROR "PATH: reason" for the errno value ERRNUM. */
static void set_path_error(GError **error, const char *path, int errnum)
{
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errnum),
                "%s: %s", path, g_strerror(errnum));
}

/* See reader-private.h. */
void ck_reader_warn(CkReader *reader, const char *path, const char *format, ...)
{
    if (!reader->on_warning)
        return;
    va_list args;
    va_start(args, format);
    char *text = g_strdup_vprintf(format, args);
    va_end(args);
    char *line = g_strdup_printf("%s: %s", path, text);
    reader->on_warning(line, reader->user_data);
    g_free(line);
    g_free(text);
}

/* See reader-private.h. */
gboolean ck_reader_emit(CkReader *reader, const CkRawMessage *raw, GError **error)
{
    GError *local = NULL;
    if (reader->on_message(raw, reader->user_data, &local))
        return TRUE;
    if (!local)
        local = g_error_new(G_IO_ERROR, G_IO_ERROR_CANCELLED,
                            "%s: reading stopped by the message handler", raw->path);
    g_propagate_error(error, local);
    return FALSE;
}

/* ------------------------------------------------------------ detection */

typedef enum {
    FORMAT_NOT_MAIL,
    FORMAT_MBOX,
    FORMAT_EXPORT,
    FORMAT_RFC822,
    FORMAT_PST
} InputFormat;

/* TRUE when C may appear in a header field name (RFC 7230 token chars; a
 * narrower set than RFC 5322 allows, so JSON or prose is not taken for mail). */
static gboolean is_field_name_char(char c)
{
    return g_ascii_isalnum(c) || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* See reader-private.h. */
gboolean ck_looks_like_header_line(const char *text, gsize len)
{
    gsize i = 0;
    while (i < len && is_field_name_char(text[i]))
        i++;
    if (i == 0)
        return FALSE;
    while (i < len && (text[i] == ' ' || text[i] == '\t'))
        i++;
    return i < len && text[i] == ':';
}

/* Decide the format of the input whose first bytes are HEAD (LEN bytes, BOM
 * already skipped). */
static InputFormat detect_format(const char *head, gsize len)
{
    if (len >= 4 && memcmp(head, CK_PST_MAGIC, 4) == 0)
        return FORMAT_PST;
    if (len >= 5 && memcmp(head, "From ", 5) == 0)
        return FORMAT_MBOX;
    if (ck_export_looks_like(head, len))
        return FORMAT_EXPORT;
    if (ck_looks_like_header_line(head, len))
        return FORMAT_RFC822;
    return FORMAT_NOT_MAIL;
}

/* ----------------------------------------------------------- one file */

/* Emit the rest of INPUT as one RFC 5322 message at offset 0 (after a read
 * error, what was read; the caller warns).  Returns FALSE only when the
 * callback stopped the read. */
static gboolean read_single_message(CkReader *reader, CkInput *input, const char *path,
                                    GError **error)
{
    GString *text = g_string_new(NULL);
    ck_input_read_rest(input, text);
    gsize len = text->len;
    GBytes *data = g_string_free_to_bytes(text);
    CkRawMessage raw = { .kind = CK_RAW_RFC822, .data = data, .path = path, .offset = 0 };
    gboolean ok = len == 0 || ck_reader_emit(reader, &raw, error);
    g_bytes_unref(data);
    return ok;
}

/* Emit the sections of the thread export left in INPUT (after a read error,
 * of what was read; the caller warns).  Returns FALSE only when the callback
 * stopped the read. */
static gboolean read_export_input(CkReader *reader, CkInput *input, const char *path,
                                  GError **error)
{
    GString *text = g_string_new(NULL);
    ck_input_read_rest(input, text);
    gboolean ok = ck_reader_read_export(reader, path, text->str, text->len, error);
    g_string_free(text, TRUE);
    return ok;
}

/* Detect the format of INPUT and hand it to the matching reader.  Returns
 * FALSE only when the callback stopped the read. */
static gboolean read_input(CkReader *reader, CkInput *input, const char *path, GError **error)
{
    const char *head;
    gsize len = ck_input_peek(input, CK_DETECT_PEEK_SIZE, &head);
    gsize bom = (len >= CK_UTF8_BOM_LEN && memcmp(head, CK_UTF8_BOM, CK_UTF8_BOM_LEN) == 0)
                    ? CK_UTF8_BOM_LEN : 0;

    switch (detect_format(head + bom, len - bom)) {
    case FORMAT_MBOX:
        ck_input_skip(input, bom);
        return ck_reader_read_mbox(reader, input, path, error);
    case FORMAT_EXPORT:
        /* the export reader skips the BOM itself, so offsets count it */
        return read_export_input(reader, input, path, error);
    case FORMAT_RFC822:
        ck_input_skip(input, bom);
        return read_single_message(reader, input, path, error);
    case FORMAT_PST:
        return ck_reader_read_pst(reader, input, path, error);
    case FORMAT_NOT_MAIL:
    default:
        if (input->read_errno == 0)
            ck_reader_warn(reader, path, "not a mail file, skipped");
        return TRUE;
    }
}

/* Count the bytes of INPUT's regular file that were never read (a skipped
 * file, or a read error) as done, so that bytes_read reaches the total that
 * ck_reader_total_size() announced. */
static void count_unread_as_done(CkReader *reader, CkInput *input)
{
    struct stat st;
    if (fstat(fileno(input->file), &st) == 0 && S_ISREG(st.st_mode)
        && (guint64)st.st_size > input->filled)
        reader->bytes_read += (guint64)st.st_size - input->filled;
}

/* Open and read the file PATH.  When it cannot be opened: if IS_ARGUMENT
 * (the path the caller named) fail with *error set, else warn and go on.
 * Returns FALSE when opening the argument failed or the callback stopped. */
static gboolean read_file(CkReader *reader, const char *path, gboolean is_argument,
                          GError **error)
{
    int open_errno = 0;
    CkInput *input = ck_input_open(reader, path, &open_errno);
    if (!input) {
        if (is_argument) {
            set_path_error(error, path, open_errno);
            return FALSE;
        }
        ck_reader_warn(reader, path, "cannot open, skipped (%s)", g_strerror(open_errno));
        return TRUE;
    }
    reader->files_read++;
    gboolean ok = read_input(reader, input, path, error);
    if (ok)
        count_unread_as_done(reader, input);
    if (input->read_errno != 0)
        ck_reader_warn(reader, path, "read error, rest of file skipped (%s)",
                       g_strerror(input->read_errno));
    ck_input_close(input);
    return ok;
}

/* ------------------------------------------------------------- the walk */

/* Called for each regular file of a walk with its stat data.  Returns FALSE
 * with *error set to stop the walk. */
typedef gboolean (*WalkFileFunc)(const char *path, const GStatBuf *st, gpointer data,
                                 GError **error);

typedef struct {
    WalkFileFunc on_file;
    gpointer data;
    CkReader *reader;      /* for warnings; NULL drops them */
    GHashTable *visited;   /* "dev:inode" of directories entered, owned */
} Walk;

/* Warn through WALK's reader, if it has one. */
static void walk_warn(Walk *walk, const char *path, const char *text)
{
    if (walk->reader)
        ck_reader_warn(walk->reader, path, "%s", text);
}

/* TRUE (and remember it) when the directory with stat data ST was not
 * entered before in this walk; guards against symlink loops. */
static gboolean walk_first_visit(Walk *walk, const GStatBuf *st)
{
    char *key = g_strdup_printf("%ju:%ju", (uintmax_t)st->st_dev, (uintmax_t)st->st_ino);
    if (g_hash_table_contains(walk->visited, key)) {
        g_free(key);
        return FALSE;
    }
    g_hash_table_add(walk->visited, key);
    return TRUE;
}

/* Compare two C strings by bytes, for g_ptr_array_sort. */
static gint compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Open DIR for listing; the caller closes it.  NULL with *error set
 * (G_FILE_ERROR, message "reason" without the path) when it cannot be. */
static GDir *open_directory(const char *dir, GError **error)
{
    if (g_access(dir, R_OK | X_OK) != 0) {
        int saved = errno;
        g_set_error_literal(error, G_FILE_ERROR, g_file_error_from_errno(saved),
                            g_strerror(saved));
        return NULL;
    }
    return g_dir_open(dir, 0, error);
}

/* Return the names in DIR that the walk visits (no hidden names), sorted in
 * byte order; the caller frees the array.  NULL with *error set when DIR
 * cannot be opened. */
static GPtrArray *list_directory(const char *dir, GError **error)
{
    /* Files an archive folder holds beside the mail (notes, expected
     * results, configuration) are passed over quietly in a walk; named on
     * the command line they are still read and reported. */
    static const char *const not_mail[] = { ".md", ".json", ".yaml", ".yml", NULL };
    GDir *handle = open_directory(dir, error);
    if (!handle)
        return NULL;
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    while ((name = g_dir_read_name(handle)) != NULL) {
        gboolean skip = name[0] == '.';
        for (guint i = 0; !skip && not_mail[i]; i++)
            skip = g_str_has_suffix(name, not_mail[i]);
        if (!skip)
            g_ptr_array_add(names, g_strdup(name));
    }
    g_dir_close(handle);
    g_ptr_array_sort(names, compare_names);
    return names;
}

/* TRUE when NAMES (sorted) contains NAME. */
static gboolean names_contain(GPtrArray *names, const char *name)
{
    for (guint i = 0; i < names->len; i++) {
        if (strcmp(g_ptr_array_index(names, i), name) == 0)
            return TRUE;
    }
    return FALSE;
}

static gboolean walk_directory(Walk *walk, const char *dir, GError **error);

/* Visit one entry NAME of DIR: recurse into directories, hand regular files
 * to the walk's callback, warn about anything else.  IN_MAILDIR is TRUE when
 * DIR has cur/ or new/, whose tmp/ is skipped. */
static gboolean walk_entry(Walk *walk, const char *dir, const char *name,
                           gboolean in_maildir, GError **error)
{
    char *path = g_build_filename(dir, name, NULL);
    GStatBuf st;
    gboolean ok = TRUE;

    if (g_stat(path, &st) != 0) {
        char *why = g_strdup_printf("cannot stat, skipped (%s)", g_strerror(errno));
        walk_warn(walk, path, why);
        g_free(why);
    } else if (S_ISDIR(st.st_mode)) {
        if (!(in_maildir && strcmp(name, "tmp") == 0))
            ok = walk_directory(walk, path, error);
    } else if (S_ISREG(st.st_mode)) {
        ok = walk->on_file(path, &st, walk->data, error);
    } else {
        walk_warn(walk, path, "not a regular file, skipped");
    }
    g_free(path);
    return ok;
}

/* Visit every entry of DIR in name order, unless DIR was entered before.
 * Returns FALSE only when the callback stopped the walk. */
static gboolean walk_directory(Walk *walk, const char *dir, GError **error)
{
    GStatBuf st;
    if (g_stat(dir, &st) == 0 && !walk_first_visit(walk, &st)) {
        walk_warn(walk, dir, "directory already visited (symlink loop?), skipped");
        return TRUE;
    }
    GError *list_error = NULL;
    GPtrArray *names = list_directory(dir, &list_error);
    if (!names) {
        char *why = g_strdup_printf("cannot open directory, skipped (%s)", list_error->message);
        walk_warn(walk, dir, why);
        g_free(why);
        g_error_free(list_error);
        return TRUE;
    }
    gboolean in_maildir = names_contain(names, "cur") || names_contain(names, "new");
    gboolean ok = TRUE;
    for (guint i = 0; ok && i < names->len; i++)
        ok = walk_entry(walk, dir, g_ptr_array_index(names, i), in_maildir, error);
    g_ptr_array_unref(names);
    return ok;
}

/* Walk the directory DIR (the caller's argument, so failing to open it is an
 * error), calling ON_FILE for every regular file.  Returns FALSE with *error
 * set when DIR cannot be opened or ON_FILE stopped the walk. */
static gboolean walk_tree(const char *dir, WalkFileFunc on_file, gpointer data,
                          CkReader *reader, GError **error)
{
    GDir *probe = open_directory(dir, error);
    if (!probe) {
        g_prefix_error(error, "%s: ", dir);
        return FALSE;
    }
    g_dir_close(probe);
    Walk walk = { .on_file = on_file, .data = data, .reader = reader,
                  .visited = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL) };
    gboolean ok = walk_directory(&walk, dir, error);
    g_hash_table_unref(walk.visited);
    return ok;
}

/* WalkFileFunc that reads the file as mail; DATA is the CkReader. */
static gboolean read_walked_file(const char *path, const GStatBuf *st, gpointer data,
                                 GError **error)
{
    return read_file(data, path, FALSE, error);
}

/* WalkFileFunc that adds the file's size to the guint64 at DATA. */
static gboolean add_walked_size(const char *path, const GStatBuf *st, gpointer data,
                                GError **error)
{
    *(guint64 *)data += (guint64)st->st_size;
    return TRUE;
}

/* ---------------------------------------------------------- public API */

/* See reader.h.  The caller owns nothing new; warnings and messages go to
 * the reader's callbacks. */
gboolean ck_reader_read_path(CkReader *reader, const char *path, GError **error)
{
    g_return_val_if_fail(reader && reader->on_message && path, FALSE);
    if (strcmp(path, "-") == 0)
        return read_file(reader, path, TRUE, error);

    GStatBuf st;
    if (g_stat(path, &st) != 0) {
        set_path_error(error, path, errno);
        return FALSE;
    }
    if (S_ISDIR(st.st_mode))
        return walk_tree(path, read_walked_file, reader, reader, error);
    return read_file(reader, path, TRUE, error);
}

/* See reader.h.  Unreadable parts of the tree count as 0. */
guint64 ck_reader_total_size(const char *path)
{
    g_return_val_if_fail(path, 0);
    if (strcmp(path, "-") == 0)
        return 0;
    GStatBuf st;
    if (g_stat(path, &st) != 0)
        return 0;
    if (!S_ISDIR(st.st_mode))
        return S_ISREG(st.st_mode) ? (guint64)st.st_size : 0;
    guint64 total = 0;
    walk_tree(path, add_walked_size, &total, NULL, NULL);
    return total;
}
