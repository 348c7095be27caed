/* test-reader.c — cmocka tests of ingest/reader: format detection, the mbox
 * splitter, thread exports, the directory walk, and the real corpora under
 * ../shared/corpora (skipped when that folder is absent). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include <unistd.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "ingest/reader.h"

#define CORPORA "../shared/corpora"

/* ------------------------------------------------------------ helpers */

/* One message as the test saw it; owns copies of everything. */
typedef struct {
    CkRawKind kind;
    GBytes *data;
    char *path;
    gint64 offset;
    char *subject;
    int index;
} Seen;

/* Free one Seen record. */
static void seen_free(gpointer p)
{
    Seen *seen = p;
    g_bytes_unref(seen->data);
    g_free(seen->path);
    g_free(seen->subject);
    g_free(seen);
}

/* What one ck_reader_read_path call produced; free with result_free(). */
typedef struct {
    gboolean ok;
    GError *error;
    GPtrArray *messages;   /* of Seen */
    GPtrArray *warnings;   /* of char * */
    guint64 files_read;
    guint64 bytes_read;
    guint stop_after;      /* when nonzero, the callback stops at this message */
} Result;

/* CkRawMessageFunc recording RAW into the Result at USER_DATA. */
static gboolean record_message(const CkRawMessage *raw, gpointer user_data, GError **error)
{
    Result *result = user_data;
    Seen *seen = g_new0(Seen, 1);
    seen->kind = raw->kind;
    seen->data = g_bytes_ref(raw->data);
    seen->path = g_strdup(raw->path);
    seen->offset = raw->offset;
    seen->subject = g_strdup(raw->export_subject);
    seen->index = raw->export_index;
    g_ptr_array_add(result->messages, seen);
    if (result->stop_after && result->messages->len == result->stop_after) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "stop here");
        return FALSE;
    }
    return TRUE;
}

/* CkWarnFunc recording MESSAGE into the Result at USER_DATA. */
static void record_warning(const char *message, gpointer user_data)
{
    Result *result = user_data;
    g_ptr_array_add(result->warnings, g_strdup(message));
}

/* Read PATH, stopping after STOP_AFTER messages when it is nonzero.  The
 * caller frees the result with result_free(). */
static Result *read_path_stopping(const char *path, guint stop_after)
{
    Result *result = g_new0(Result, 1);
    result->messages = g_ptr_array_new_with_free_func(seen_free);
    result->warnings = g_ptr_array_new_with_free_func(g_free);
    result->stop_after = stop_after;
    CkReader reader = { .on_message = record_message, .on_warning = record_warning,
                        .user_data = result };
    result->ok = ck_reader_read_path(&reader, path, &result->error);
    result->files_read = reader.files_read;
    result->bytes_read = reader.bytes_read;
    return result;
}

/* Read all of PATH; the caller frees the result with result_free(). */
static Result *read_path(const char *path)
{
    return read_path_stopping(path, 0);
}

/* Free a Result. */
static void result_free(Result *result)
{
    g_clear_error(&result->error);
    g_ptr_array_unref(result->messages);
    g_ptr_array_unref(result->warnings);
    g_free(result);
}

/* The I-th message of RESULT. */
static Seen *message_at(Result *result, guint i)
{
    assert_true(i < result->messages->len);
    return g_ptr_array_index(result->messages, i);
}

/* Assert that the I-th message's data is exactly TEXT. */
static void assert_data(Result *result, guint i, const char *text)
{
    gsize len;
    const char *data = g_bytes_get_data(message_at(result, i)->data, &len);
    char *copy = g_strndup(data, len);
    assert_string_equal(copy, text);
    g_free(copy);
}

/* Assert that RESULT succeeded with COUNT messages and no warning. */
static void assert_clean(Result *result, guint count)
{
    for (guint i = 0; i < result->warnings->len; i++)
        print_message("unexpected warning: %s\n", (char *)g_ptr_array_index(result->warnings, i));
    assert_null(result->error);
    assert_true(result->ok);
    assert_int_equal(result->warnings->len, 0);
    assert_int_equal(result->messages->len, count);
}

/* Assert that RESULT has exactly one warning and that it contains TEXT. */
static void assert_one_warning(Result *result, const char *text)
{
    assert_int_equal(result->warnings->len, 1);
    assert_non_null(strstr(g_ptr_array_index(result->warnings, 0), text));
}

/* Write LEN bytes of DATA (-1: a C string) to DIR/NAME, making the parent
 * directories; returns the path, which the caller frees. */
static char *write_file(const char *dir, const char *name, const char *data, gssize len)
{
    char *path = g_build_filename(dir, name, NULL);
    char *parent = g_path_get_dirname(path);
    assert_int_equal(g_mkdir_with_parents(parent, 0700), 0);
    g_free(parent);
    GError *error = NULL;
    gboolean ok = g_file_set_contents(path, data, len, &error);
    assert_null(error);
    assert_true(ok);
    return path;
}

/* Make a fresh temporary directory; the caller removes it with remove_tree()
 * and frees the name. */
static char *make_tmp_dir(void)
{
    GError *error = NULL;
    char *dir = g_dir_make_tmp("test-reader-XXXXXX", &error);
    assert_null(error);
    assert_non_null(dir);
    return dir;
}

/* Delete PATH and everything under it (symlinks are removed, not followed). */
static void remove_tree(const char *path)
{
    if (!g_file_test(path, G_FILE_TEST_IS_SYMLINK) && g_file_test(path, G_FILE_TEST_IS_DIR)) {
        GDir *dir = g_dir_open(path, 0, NULL);
        const char *name;
        while (dir && (name = g_dir_read_name(dir)) != NULL) {
            char *child = g_build_filename(path, name, NULL);
            remove_tree(child);
            g_free(child);
        }
        if (dir)
            g_dir_close(dir);
        g_rmdir(path);
    } else {
        g_unlink(path);
    }
}

/* Write DATA to a new temporary file NAME, read it, remove it.  The caller
 * frees the result. */
static Result *read_text(const char *name, const char *data, gssize len)
{
    char *dir = make_tmp_dir();
    char *path = write_file(dir, name, data, len);
    Result *result = read_path(path);
    g_free(path);
    remove_tree(dir);
    g_free(dir);
    return result;
}

/* Skip the calling test (cmocka skip) when the shared corpora are absent. */
static void require_corpora(void)
{
    if (!g_file_test(CORPORA, G_FILE_TEST_IS_DIR)) {
        print_message("skipped: %s not found (run from the repository root)\n", CORPORA);
        skip();
    }
}

/* ------------------------------------------------------------- corpora */

/* Read the corpus file REL (under CORPORA) and check its message count. */
static void assert_corpus_count(const char *rel, guint count)
{
    char *path = g_build_filename(CORPORA, rel, NULL);
    Result *result = read_path(path);
    assert_clean(result, count);
    for (guint i = 0; i < count; i++) {
        assert_int_equal(message_at(result, i)->kind, CK_RAW_RFC822);
        assert_true(g_bytes_get_size(message_at(result, i)->data) > 0);
    }
    assert_int_equal(result->files_read, 1);
    result_free(result);
    g_free(path);
}

static void test_corpus_mbox_counts(void **state)
{
    require_corpora();
    assert_corpus_count("gmime-mbox/substring.mbox", 3);
    assert_corpus_count("mimekit-mbox/content-length.mbox.txt", 29);
    assert_corpus_count("mimekit-mbox/issue1189.mbox.txt", 4);
    assert_corpus_count("mimekit-mbox/unmunged.mbox.txt", 4);
}

/* unmunged.mbox.txt starts with a BOM: the first From_ line is at byte 3,
 * and each "From Russia with love" line after a blank line starts a message. */
static void test_corpus_unmunged_offsets(void **state)
{
    require_corpora();
    Result *result = read_path(CORPORA "/mimekit-mbox/unmunged.mbox.txt");
    assert_clean(result, 4);
    assert_int_equal(message_at(result, 0)->offset, 3);
    for (guint i = 1; i < 4; i++)
        assert_true(message_at(result, i)->offset > message_at(result, i - 1)->offset);
    gsize len;
    const char *data = g_bytes_get_data(message_at(result, 0)->data, &len);
    assert_true(len > 6 && memcmp(data, "From: ", 6) == 0);
    data = g_bytes_get_data(message_at(result, 1)->data, &len);
    assert_true(len > 6 && memcmp(data, "\nWhat does", 10) == 0);
    result_free(result);
}

/* Return the "files" count in notmuch/expected/CORPUS.json, -1 if unreadable. */
static gint64 expected_files(const char *corpus)
{
    char *name = g_strconcat(corpus, ".json", NULL);
    char *path = g_build_filename(CORPORA, "notmuch", "expected", name, NULL);
    JsonParser *parser = json_parser_new();
    gint64 files = -1;
    if (json_parser_load_from_file(parser, path, NULL)) {
        JsonNode *root = json_parser_get_root(parser);
        if (JSON_NODE_HOLDS_OBJECT(root))
            files = json_object_get_int_member_with_default(json_node_get_object(root),
                                                            "files", -1);
    }
    g_object_unref(parser);
    g_free(path);
    g_free(name);
    return files;
}

static void test_corpus_notmuch(void **state)
{
    require_corpora();
    static const char *const corpora[] = { "attachment", "broken", "default", "duplicate",
                                           "html", "indexing", "insert", "lkml", "mangling",
                                           "threading" };
    for (gsize i = 0; i < G_N_ELEMENTS(corpora); i++) {
        gint64 files = expected_files(corpora[i]);
        assert_true(files > 0);
        char *dir = g_build_filename(CORPORA, "notmuch", corpora[i], NULL);
        Result *result = read_path(dir);
        print_message("notmuch/%s: %u messages from %" G_GUINT64_FORMAT " files\n",
                      corpora[i], result->messages->len, result->files_read);
        assert_clean(result, (guint)files);   /* insert: 1 file, 1 message */
        assert_int_equal(result->files_read, files);
        assert_int_equal(result->bytes_read, ck_reader_total_size(dir));
        result_free(result);
        g_free(dir);
    }
}

/* The walk is in byte order of names at each level, cur/ and new/ included. */
static void test_corpus_walk_order(void **state)
{
    require_corpora();
    Result *result = read_path(CORPORA "/notmuch/default");
    assert_clean(result, 53);
    assert_string_equal(message_at(result, 0)->path, CORPORA "/notmuch/default/01:2,");
    assert_string_equal(message_at(result, 2)->path, CORPORA "/notmuch/default/bar/17:2,");
    assert_string_equal(message_at(result, 52)->path, CORPORA "/notmuch/default/new/04:2,");
    for (guint i = 1; i < result->messages->len; i++)
        assert_int_equal(message_at(result, i)->offset, 0);
    result_free(result);
}

/* insert/ is one message in mbox form whose inline patch attachment starts
 * with a `git format-patch` From_ line after a blank line: still 1 message. */
static void test_corpus_insert(void **state)
{
    require_corpora();
    Result *result = read_path(CORPORA "/notmuch/insert");
    assert_clean(result, 1);
    gsize len;
    const char *data = g_bytes_get_data(message_at(result, 0)->data, &len);
    assert_true(len > 6 && memcmp(data, "From: David", 11) == 0);
    assert_non_null(g_strstr_len(data, len, "\nFrom fc88cba7f1f37b9cf3b296eace2422dd0e173502"));
    assert_non_null(g_strstr_len(data, len, "--=-=-=--"));
    result_free(result);
}

/* Byte offset in TEXT of the line that starts with LINE. */
static gint64 line_offset(const char *text, const char *line)
{
    char *needle = g_strconcat("\n", line, NULL);
    const char *hit = strstr(text, needle);
    g_free(needle);
    assert_non_null(hit);
    return hit + 1 - text;
}

/* --------------------------------------------------------------- mbox */

static void test_mbox_basic_offsets(void **state)
{
    const char *mbox =
        "From a@example.com Thu Jan  1 00:00:00 2020\n"   /* offset 0 */
        "Subject: one\n"
        "\n"
        "body one\n"
        "\n"
        "From b@example.com Thu Jan  1 00:00:00 2020\n"
        "Subject: two\n"
        "\n"
        "body two\n";
    Result *result = read_text("box", mbox, -1);
    assert_clean(result, 2);
    assert_int_equal(message_at(result, 0)->offset, 0);
    assert_int_equal(message_at(result, 1)->offset, line_offset(mbox, "From b@"));
    assert_int_equal(message_at(result, 0)->kind, CK_RAW_RFC822);
    assert_data(result, 0, "Subject: one\n\nbody one\n");
    assert_data(result, 1, "Subject: two\n\nbody two\n");
    assert_int_equal(result->files_read, 1);
    assert_int_equal(result->bytes_read, strlen(mbox));
    result_free(result);
}

static void test_mbox_rd_unescape(void **state)
{
    const char *mbox =
        "From a Thu Jan  1 00:00:00 2020\n"
        "Subject: escapes\n"
        "\n"
        ">From the start\n"
        "\n"
        ">>From two levels\n"
        ">Fromage is not escaped\n"
        "> From with a space is quoted text\n";
    Result *result = read_text("rd", mbox, -1);
    assert_clean(result, 1);
    assert_data(result, 0,
                "Subject: escapes\n\nFrom the start\n\n>From two levels\n"
                ">Fromage is not escaped\n> From with a space is quoted text\n");
    result_free(result);
}

static void test_mbox_crlf(void **state)
{
    const char *mbox =
        "From a Thu Jan  1 00:00:00 2020\r\n"
        "Subject: one\r\n"
        "\r\n"
        "line\r\n"
        ">From escaped\r\n"
        "\r\n"
        "From b Thu Jan  1 00:00:00 2020\r\n"
        "Subject: two\r\n"
        "\r\n"
        "last\r\n"
        "\r\n";
    Result *result = read_text("crlf", mbox, -1);
    assert_clean(result, 2);
    assert_int_equal(message_at(result, 1)->offset, line_offset(mbox, "From b"));
    assert_data(result, 0, "Subject: one\r\n\r\nline\r\nFrom escaped\r\n");
    assert_data(result, 1, "Subject: two\r\n\r\nlast\r\n");
    result_free(result);
}

/* "From " that does not follow a blank line is body text. */
static void test_mbox_from_in_body(void **state)
{
    const char *mbox =
        "From a Thu Jan  1 00:00:00 2020\n"
        "Subject: s\n"
        "\n"
        "text\n"
        "From here on it is body\n"
        "From b also\n";
    Result *result = read_text("body", mbox, -1);
    assert_clean(result, 1);
    assert_data(result, 0, "Subject: s\n\ntext\nFrom here on it is body\nFrom b also\n");
    result_free(result);
}

/* Writers that put no blank line before the From_ line: a "From " line
 * in From_ shape followed by a header field still starts a message (as in
 * GMime's substring.mbox); prose or the last line of the file is body text. */
static void test_mbox_from_without_blank(void **state)
{
    const char *mbox =
        "From a Thu Jan  1 00:00:00 2020\n"
        "Subject: one\n"
        "\n"
        "last body line\n"
        "From b Thu Jan  1 00:00:00 2020\n"
        "Subject: two\n"
        "\n"
        "x\n"
        "From the log\n"
        "Error: disk full\n"
        "From the end\n";
    Result *result = read_text("noblank", mbox, -1);
    assert_clean(result, 2);
    assert_int_equal(message_at(result, 1)->offset, line_offset(mbox, "From b"));
    assert_data(result, 0, "Subject: one\n\nlast body line\n");
    assert_data(result, 1, "Subject: two\n\nx\nFrom the log\nError: disk full\nFrom the end\n");
    result_free(result);
}

static void test_mbox_bom(void **state)
{
    const char *mbox =
        "\xEF\xBB\xBF" "From a Thu Jan  1 00:00:00 2020\n"
        "Subject: bom\n"
        "\n"
        "x\n"
        "\n"
        "From b Thu Jan  1 00:00:00 2020\n"
        "Subject: second\n"
        "\n"
        "y\n";
    Result *result = read_text("bom", mbox, -1);
    assert_clean(result, 2);
    assert_int_equal(message_at(result, 0)->offset, 3);
    assert_int_equal(message_at(result, 1)->offset, line_offset(mbox, "From b"));
    assert_data(result, 0, "Subject: bom\n\nx\n");
    result_free(result);
}

/* A From_ line inside a still-open multipart body is not a separator; after
 * the closing boundary the normal rule applies again. */
static void test_mbox_open_multipart(void **state)
{
    const char *mbox =
        "From a Thu Jan  1 00:00:00 2020\n"
        "Subject: patch\n"
        "Content-Type: multipart/mixed;\n"
        "\tboundary=\"XYZ\"\n"
        "\n"
        "--XYZ\n"
        "Content-Type: text/x-diff\n"
        "\n"
        "From 0123abcd Mon Sep 17 00:00:00 2001\n"
        "From: someone\n"
        "\n"
        "--XYZ--\n"
        "\n"
        "From b Thu Jan  1 00:00:00 2020\n"
        "Subject: next\n"
        "\n"
        "z\n";
    Result *result = read_text("mp", mbox, -1);
    assert_clean(result, 2);
    gsize len;
    const char *data = g_bytes_get_data(message_at(result, 0)->data, &len);
    assert_non_null(g_strstr_len(data, len, "\nFrom 0123abcd"));
    assert_data(result, 1, "Subject: next\n\nz\n");
    result_free(result);
}

/* Lines far longer than the reader's buffer: a 5000-byte base64 line right
 * after part headers, and a 10 MB line. */
static void test_mbox_long_lines(void **state)
{
    GString *mbox = g_string_new("From a Thu Jan  1 00:00:00 2020\nSubject: long\n\n"
                                 "--b\nContent-Transfer-Encoding: base64\n");
    for (int i = 0; i < 5000; i++)
        g_string_append_c(mbox, "QUJD"[i % 4]);
    g_string_append(mbox, "\n\nFrom b Thu Jan  1 00:00:00 2020\nSubject: huge\n\n");
    gsize huge_start = mbox->len;
    for (gsize i = 0; i < 10u * 1024 * 1024; i++)
        g_string_append_c(mbox, 'A' + (char)(i % 26));
    g_string_append(mbox, "\n\nFrom c Thu Jan  1 00:00:00 2020\nSubject: after\n\nend\n");

    Result *result = read_text("long", mbox->str, (gssize)mbox->len);
    assert_clean(result, 3);
    assert_int_equal(g_bytes_get_size(message_at(result, 0)->data), 14 + 1 + 4 + 34 + 5001);
    assert_int_equal(g_bytes_get_size(message_at(result, 1)->data),
                     14 + 1 + 10u * 1024 * 1024 + 1);
    assert_int_equal(message_at(result, 2)->offset, huge_start + 10u * 1024 * 1024 + 2);
    assert_data(result, 2, "Subject: after\n\nend\n");
    assert_int_equal(result->bytes_read, mbox->len);
    result_free(result);
    g_string_free(mbox, TRUE);
}

static void test_mbox_callback_stops(void **state)
{
    const char *mbox =
        "From a Thu Jan  1 00:00:00 2020\nSubject: 1\n\nx\n\n"
        "From b Thu Jan  1 00:00:00 2020\nSubject: 2\n\ny\n\n"
        "From c Thu Jan  1 00:00:00 2020\nSubject: 3\n\nz\n";
    char *dir = make_tmp_dir();
    char *path = write_file(dir, "stop", mbox, -1);
    Result *result = read_path_stopping(path, 2);
    assert_false(result->ok);
    assert_non_null(result->error);
    assert_string_equal(result->error->message, "stop here");
    assert_int_equal(result->messages->len, 2);
    result_free(result);
    g_free(path);
    remove_tree(dir);
    g_free(dir);
}

/* ---------------------------------------------------- single messages */

static void test_eml_single(void **state)
{
    const char *eml =
        "Return-Path: <a@example.com>\n"
        "Subject: hello\n"
        "\n"
        "From the desk of nobody\n"
        "\n"
        "From here too\n";
    Result *result = read_text("message.txt", eml, -1);
    assert_clean(result, 1);
    assert_int_equal(message_at(result, 0)->kind, CK_RAW_RFC822);
    assert_int_equal(message_at(result, 0)->offset, 0);
    assert_data(result, 0, eml);
    result_free(result);

    const char *other = "X-Mailer: test\r\nReceived: from x\r\n\r\nbody\r\n";
    result = read_text("x", other, -1);
    assert_clean(result, 1);
    assert_data(result, 0, other);
    result_free(result);
}

static void test_empty_and_binary(void **state)
{
    Result *result = read_text("empty.eml", "", 0);
    assert_true(result->ok);
    assert_int_equal(result->messages->len, 0);
    assert_one_warning(result, "empty.eml: not a mail file, skipped");
    result_free(result);

    static const char binary[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01";
    result = read_text("image.eml", binary, sizeof binary - 1);
    assert_true(result->ok);
    assert_int_equal(result->messages->len, 0);
    assert_one_warning(result, "image.eml: not a mail file, skipped");
    result_free(result);

    result = read_text("data.json", "{\"files\": 9}\n", -1);
    assert_int_equal(result->messages->len, 0);
    assert_one_warning(result, "not a mail file, skipped");
    result_free(result);
}

static void test_nonexistent_path(void **state)
{
    Result *result = read_path("no/such/path/anywhere");
    assert_false(result->ok);
    assert_non_null(result->error);
    assert_true(g_error_matches(result->error, G_FILE_ERROR, G_FILE_ERROR_NOENT));
    assert_string_equal(result->error->message,
                        "no/such/path/anywhere: No such file or directory");
    assert_int_equal(result->messages->len, 0);
    result_free(result);
    assert_int_equal(ck_reader_total_size("no/such/path/anywhere"), 0);
    assert_int_equal(ck_reader_total_size("-"), 0);
}

/* ------------------------------------------------------------ exports */

static const char export_utf8[] =
    "邮件主题：回复: [案例号: CAS-1 ] 激活问题\n"
    "\n"
    "====第1封邮件====\n"
    "\n"
    "发件人：张三\n"
    "发送时间：2021-03-09 17:45:52\n"
    "邮件内容:\n"
    "你好\n"
    "==========================\n"
    "\n"
    "====第2封邮件====\n"
    "\n"
    "发件人：李四\n"
    "邮件内容:\n"
    "收到\n"
    "\n"
    "\n"
    "====第十二封邮件====\n"
    "发件人：王五\n"
    "邮件内容:\n"
    "结案\n";

/* Check the sections of export_utf8 as read from any encoding; OFFSETS are
 * the three separator offsets expected. */
static void assert_export_sections(Result *result, const gint64 offsets[3])
{
    assert_clean(result, 3);
    static const int indexes[] = { 1, 2, 12 };
    for (guint i = 0; i < 3; i++) {
        Seen *seen = message_at(result, i);
        assert_int_equal(seen->kind, CK_RAW_EXPORT);
        assert_string_equal(seen->subject, "回复: [案例号: CAS-1 ] 激活问题");
        assert_int_equal(seen->index, indexes[i]);
        assert_int_equal(seen->offset, offsets[i]);
    }
    assert_data(result, 0, "发件人：张三\n发送时间：2021-03-09 17:45:52\n邮件内容:\n你好\n"
                           "==========================\n");
    assert_data(result, 1, "发件人：李四\n邮件内容:\n收到\n");
    assert_data(result, 2, "发件人：王五\n邮件内容:\n结案\n");
}

static void test_export_utf8(void **state)
{
    const gint64 offsets[3] = { line_offset(export_utf8, "====第1封"),
                                line_offset(export_utf8, "====第2封"),
                                line_offset(export_utf8, "====第十二封") };
    Result *result = read_text("thread.dat", export_utf8, -1);
    assert_export_sections(result, offsets);
    result_free(result);

    /* with a BOM, blank lines first and an ASCII colon */
    char *variant = g_strconcat("\xEF\xBB\xBF\n\n邮件主题:", export_utf8 + strlen("邮件主题："), NULL);
    /* BOM (3) + two blank lines (2) + an ASCII colon (1 byte, not 3): +3 */
    const gint64 shifted[3] = { offsets[0] + 3, offsets[1] + 3, offsets[2] + 3 };
    result = read_text("thread2", variant, -1);
    assert_export_sections(result, shifted);
    result_free(result);
    g_free(variant);
}

static void test_export_gb18030(void **state)
{
    gsize len = 0;
    GError *error = NULL;
    char *gb = g_convert(export_utf8, -1, "GB18030", "UTF-8", NULL, &len, &error);
    assert_null(error);
    assert_false(g_utf8_validate(gb, (gssize)len, NULL));
    /* offsets are in the original GB18030 bytes */
    char *prefix1 = g_convert("====第1封", -1, "GB18030", "UTF-8", NULL, NULL, NULL);
    char *prefix2 = g_convert("====第2封", -1, "GB18030", "UTF-8", NULL, NULL, NULL);
    char *prefix3 = g_convert("====第十二封", -1, "GB18030", "UTF-8", NULL, NULL, NULL);
    const gint64 offsets[3] = { line_offset(gb, prefix1), line_offset(gb, prefix2),
                                line_offset(gb, prefix3) };
    Result *result = read_text("thread-gb.txt", gb, (gssize)len);
    assert_export_sections(result, offsets);
    result_free(result);
    g_free(prefix1);
    g_free(prefix2);
    g_free(prefix3);
    g_free(gb);
}

static void test_export_crlf_and_empty(void **state)
{
    const char *crlf = "邮件主题：s\r\n====第1封邮件====\r\n发件人：a\r\n邮件内容:\r\nb\r\n\r\n";
    Result *result = read_text("crlf-export", crlf, -1);
    assert_clean(result, 1);
    assert_int_equal(message_at(result, 0)->offset, strlen("邮件主题：s\r\n"));
    assert_data(result, 0, "发件人：a\r\n邮件内容:\r\nb\r\n");
    result_free(result);

    result = read_text("empty-section", "邮件主题：s\n====第1封邮件====\n\n====第2封邮件====\n"
                                         "发件人：a\n", -1);
    assert_true(result->ok);
    assert_int_equal(result->messages->len, 1);
    assert_int_equal(message_at(result, 0)->index, 2);
    assert_one_warning(result, "empty-section: empty section 第1封邮件 at offset");
    result_free(result);

    result = read_text("no-sections", "邮件主题：only a subject\nsome text\n", -1);
    assert_true(result->ok);
    assert_int_equal(result->messages->len, 0);
    assert_one_warning(result, "no-sections: thread export without");
    result_free(result);
}

/* One stray byte does not turn a UTF-8 export into GB18030 mojibake. */
static void test_export_stray_byte(void **state)
{
    const char *text = "邮件主题：主题\n====第1封邮件====\n发件人：张三\n坏\xFF字节\n";
    Result *result = read_text("stray", text, -1);
    assert_true(result->ok);
    assert_int_equal(result->messages->len, 1);
    assert_one_warning(result, "stray: 1 line(s) neither UTF-8 nor GB18030");
    assert_string_equal(message_at(result, 0)->subject, "主题");
    assert_data(result, 0, "发件人：张三\n坏\xEF\xBF\xBD字节\n");
    result_free(result);

    /* the same in GB18030: only the bad byte is lost */
    char *gb = g_convert("邮件主题：主题\n====第1封邮件====\n发件人：张三\n坏", -1,
                         "GB18030", "UTF-8", NULL, NULL, NULL);
    char *tail = g_convert("字节\n", -1, "GB18030", "UTF-8", NULL, NULL, NULL);
    char *bad = g_strconcat(gb, "\xFF", tail, NULL);
    result = read_text("stray-gb", bad, -1);
    assert_true(result->ok);
    assert_int_equal(result->messages->len, 1);
    assert_one_warning(result, "stray-gb: 1 line(s) neither UTF-8 nor GB18030");
    assert_data(result, 0, "发件人：张三\n坏\xEF\xBF\xBD字节\n");
    result_free(result);
    g_free(bad);
    g_free(tail);
    g_free(gb);
}

/* ----------------------------------------------------- directory walk */

static void test_maildir_walk(void **state)
{
    char *dir = make_tmp_dir();
    const char *eml = "From: a@example.com\nSubject: s\n\nbody\n";
    g_free(write_file(dir, "box/cur/2:2,S", eml, -1));
    g_free(write_file(dir, "box/cur/10:2,", eml, -1));
    g_free(write_file(dir, "box/new/1", eml, -1));
    g_free(write_file(dir, "box/tmp/half-written", eml, -1));
    g_free(write_file(dir, "box/.hidden", eml, -1));
    g_free(write_file(dir, ".git/config", eml, -1));
    const char *mbox = "From x Thu Jan  1 00:00:00 2020\nSubject: m\n\n.\n";
    g_free(write_file(dir, "A-first.mbox", mbox, -1));
    g_free(write_file(dir, "other/tmp/kept", eml, -1));   /* not a maildir: tmp/ is walked */

    Result *result = read_path(dir);
    assert_clean(result, 5);
    static const char *const order[] = { "A-first.mbox", "box/cur/10:2,", "box/cur/2:2,S",
                                         "box/new/1", "other/tmp/kept" };
    for (guint i = 0; i < G_N_ELEMENTS(order); i++) {
        char *expected = g_build_filename(dir, order[i], NULL);
        assert_string_equal(message_at(result, i)->path, expected);
        g_free(expected);
    }
    assert_int_equal(result->files_read, 5);
    assert_int_equal(result->bytes_read, ck_reader_total_size(dir));
    assert_int_equal(ck_reader_total_size(dir), 4 * strlen(eml) + strlen(mbox));
    result_free(result);
    remove_tree(dir);
    g_free(dir);
}

/* A symlink back up the tree is not followed a second time; a bad file in
 * the walk is a warning, not an error. */
static void test_walk_symlink_loop_and_bad_file(void **state)
{
    char *dir = make_tmp_dir();
    g_free(write_file(dir, "a/m.eml", "Subject: s\n\nbody\n", -1));
    char *junk = g_malloc0(100 * 1024);            /* larger than the read buffer */
    g_free(write_file(dir, "a/junk.bin", junk, 100 * 1024));
    g_free(junk);
    char *link = g_build_filename(dir, "a", "loop", NULL);
    assert_int_equal(symlink("..", link), 0);

    Result *result = read_path(dir);
    assert_true(result->ok);
    assert_int_equal(result->messages->len, 1);
    assert_int_equal(result->warnings->len, 2);
    assert_non_null(strstr(g_ptr_array_index(result->warnings, 0), "junk.bin: not a mail file"));
    assert_non_null(strstr(g_ptr_array_index(result->warnings, 1), "loop: directory already visited"));
    assert_int_equal(result->bytes_read, ck_reader_total_size(dir));
    result_free(result);
    g_free(link);
    remove_tree(dir);
    g_free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mbox_basic_offsets),
        cmocka_unit_test(test_mbox_rd_unescape),
        cmocka_unit_test(test_mbox_crlf),
        cmocka_unit_test(test_mbox_from_in_body),
        cmocka_unit_test(test_mbox_from_without_blank),
        cmocka_unit_test(test_mbox_bom),
        cmocka_unit_test(test_mbox_open_multipart),
        cmocka_unit_test(test_mbox_long_lines),
        cmocka_unit_test(test_mbox_callback_stops),
        cmocka_unit_test(test_eml_single),
        cmocka_unit_test(test_empty_and_binary),
        cmocka_unit_test(test_nonexistent_path),
        cmocka_unit_test(test_export_utf8),
        cmocka_unit_test(test_export_gb18030),
        cmocka_unit_test(test_export_crlf_and_empty),
        cmocka_unit_test(test_export_stray_byte),
        cmocka_unit_test(test_maildir_walk),
        cmocka_unit_test(test_walk_symlink_loop_and_bad_file),
        cmocka_unit_test(test_corpus_mbox_counts),
        cmocka_unit_test(test_corpus_unmunged_offsets),
        cmocka_unit_test(test_corpus_walk_order),
        cmocka_unit_test(test_corpus_insert),
        cmocka_unit_test(test_corpus_notmuch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
