/* test-parse.c — unit tests of ingest/parse.c: the shared CJK corpus
 * against expected/cjk.json (skipped when ../shared is absent), and small
 * synthetic messages for each decoding and damage rule. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <json-glib/json-glib.h>

#include "ingest/parse.h"

#define CORPORA "../shared/corpora"
#define RONG_UTF8 "\xE9\x95\x95"            /* 镕, GBK E9 46 */
#define ZHONGWEN_UTF8 "\xE4\xB8\xAD\xE6\x96\x87"  /* 中文 */
#define REPLACEMENT "\xEF\xBF\xBD"

/* Parse the RFC 5322 message TEXT (LEN -1: NUL-terminated); never NULL. */
static CkMessage *parse_text(const char *text, gssize len)
{
    GBytes *bytes = g_bytes_new(text, len < 0 ? strlen(text) : (gsize) len);
    CkRawMessage raw = { CK_RAW_RFC822, bytes, "test.eml", 0, NULL, 0 };
    GError *error = NULL;
    CkMessage *msg = ck_message_parse(&raw, &error);
    g_bytes_unref(bytes);
    assert_null(error);
    assert_non_null(msg);
    return msg;
}

/* TRUE when one warning of MSG contains NEEDLE. */
static gboolean has_warning(const CkMessage *msg, const char *needle)
{
    for (guint i = 0; i < msg->warnings->len; i++)
        if (strstr(g_ptr_array_index(msg->warnings, i), needle))
            return TRUE;
    return FALSE;
}

/* Print MSG's warnings (for failing assertions). */
static void print_warnings(const CkMessage *msg)
{
    for (guint i = 0; i < msg->warnings->len; i++)
        print_message("  warning: %s\n", (const char *) g_ptr_array_index(msg->warnings, i));
}

/* ---------------------------------------------------------------------- */
/* Corpus                                                                  */

/* Check one corpus file against its expectations; returns the number of
 * mismatches, each printed. */
static int check_corpus_file(const char *name, JsonObject *expect)
{
    char *path = g_build_filename(CORPORA, name, NULL);
    char *contents = NULL;
    gsize len = 0;
    int failures = 0;
    if (!g_file_get_contents(path, &contents, &len, NULL)) {
        print_error("%s: cannot read\n", path);
        g_free(path);
        return 1;
    }
    GBytes *bytes = g_bytes_new_take(contents, len);
    CkRawMessage raw = { CK_RAW_RFC822, bytes, path, 0, NULL, 0 };
    CkMessage *msg = ck_message_parse(&raw, NULL);
    const char *subject = json_object_get_string_member(expect, "subject");
    const char *from_name = json_object_get_string_member(expect, "from_name");
    const char *first60 = json_object_get_string_member(expect, "first_text_60");
    if (!msg || strcmp(msg->subject, subject) != 0) {
        print_error("%s: subject [%s], expected [%s]\n", name, msg ? msg->subject : "(null)", subject);
        failures++;
    }
    if (msg && strstr(msg->subject, REPLACEMENT)) {
        print_error("%s: U+FFFD in subject\n", name);
        failures++;
    }
    if (msg && strcmp(msg->from_name, from_name) != 0) {
        print_error("%s: from_name [%s], expected [%s]\n", name, msg->from_name, from_name);
        failures++;
    }
    gboolean is_html = FALSE;
    char *first = ck_parse_first_text_part(bytes, &is_html);
    if (!first) {
        print_error("%s: no first text part\n", name);
        failures++;
    } else if (!is_html && !g_str_has_prefix(first, first60)) {
        print_error("%s: first text [%.80s], expected to start [%s]\n", name, first, first60);
        failures++;
    } else if (is_html && (!*first || strstr(first, "<html"))) {
        print_error("%s: html text empty or not converted: [%.80s]\n", name, first);
        failures++;
    }
    g_free(first);
    ck_message_free(msg);
    g_bytes_unref(bytes);
    g_free(path);
    return failures;
}

/* Add the paths (relative to CORPORA) of the regular files under
 * CORPORA/RELATIVE to FILES, recursively. */
static void list_corpus_files(const char *relative, GPtrArray *files)
{
    char *dir_path = g_build_filename(CORPORA, relative, NULL);
    GDir *dir = g_dir_open(dir_path, 0, NULL);
    const char *entry;
    while (dir && (entry = g_dir_read_name(dir))) {
        char *child = g_strconcat(relative, "/", entry, NULL);
        char *child_path = g_build_filename(CORPORA, child, NULL);
        if (g_file_test(child_path, G_FILE_TEST_IS_DIR))
            list_corpus_files(child, files);
        else
            g_ptr_array_add(files, g_strdup(child));
        g_free(child_path);
        g_free(child);
    }
    if (dir)
        g_dir_close(dir);
    g_free(dir_path);
}

/* Every file under cjk/ decodes to the subject, From name and first text
 * that expected/cjk.json gives. */
static void test_cjk_corpus(void **state)
{
    (void) state;
    const char *json_path = CORPORA "/expected/cjk.json";
    if (!g_file_test(json_path, G_FILE_TEST_EXISTS)) {
        print_message("%s absent: corpus test skipped\n", json_path);
        skip();
    }
    JsonParser *parser = json_parser_new();
    GError *error = NULL;
    assert_true(json_parser_load_from_file(parser, json_path, &error));
    JsonObject *root = json_node_get_object(json_parser_get_root(parser));
    GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
    list_corpus_files("cjk", files);
    int failures = 0;
    for (guint i = 0; i < files->len; i++) {
        const char *name = g_ptr_array_index(files, i);
        if (!json_object_has_member(root, name)) {
            print_error("%s: no entry in expected/cjk.json\n", name);
            failures++;
            continue;
        }
        failures += check_corpus_file(name, json_object_get_object_member(root, name));
    }
    guint n_files = files->len;
    g_ptr_array_unref(files);
    g_object_unref(parser);
    assert_int_equal(n_files, 25);
    assert_int_equal(failures, 0);
}

/* ---------------------------------------------------------------------- */
/* Synthetic messages                                                      */

/* A gb2312 label on a part holding 镕 (GBK-only) decodes it. */
static void test_gb2312_part_with_gbk_char(void **state)
{
    (void) state;
    CkMessage *msg = parse_text(
        "From: =?gb2312?B?1uzpRrv5?= <Zhu@Example.COM>\n"
        "Subject: =?gb2312?B?1uzpRrv5?=\n"
        "Message-ID: <a1@example.com>\n"
        "Date: Tue, 09 Mar 2021 17:45:52 +0800\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=gb2312\n"
        "Content-Transfer-Encoding: 8bit\n\n"
        "\xD6\xEC\xE9\x46\xBB\xF9\n", -1);
    assert_string_equal(msg->subject, "\xE6\x9C\xB1" RONG_UTF8 "\xE5\x9F\xBA");
    assert_string_equal(msg->from_name, "\xE6\x9C\xB1" RONG_UTF8 "\xE5\x9F\xBA");
    assert_string_equal(msg->from_addr, "zhu@example.com");
    assert_non_null(strstr(msg->body, RONG_UTF8));
    assert_string_equal(msg->message_id, "a1@example.com");
    assert_false(msg->message_id_synthesized);
    assert_int_equal(msg->date, 1615283152);
    assert_int_equal(msg->tz_offset_min, 480);
    assert_int_equal(msg->warnings->len, 0);
    assert_int_equal(strlen(msg->content_hash), 64);
    assert_string_equal(msg->source_path, "test.eml");
    ck_message_free(msg);
}

/* An RFC 2047 word split in the middle of a UTF-8 character. */
static void test_split_encoded_word(void **state)
{
    (void) state;
    /* 中文: E4 B8 AD | E6 96 87, cut after E4 B8. */
    CkMessage *msg = parse_text(
        "From: a@b.c\nSubject: =?UTF-8?B?5Lg=?=\n =?UTF-8?Q?=AD=E6=96=87?=\n\nhi\n", -1);
    assert_string_equal(msg->subject, ZHONGWEN_UTF8);
    ck_message_free(msg);
}

/* Unlabelled 8-bit GB18030 in the Subject and the body. */
static void test_unlabelled_gb18030(void **state)
{
    (void) state;
    CkMessage *msg = parse_text(
        "From: \xD5\xC5\xC8\xFD <z@b.c>\nSubject: \xD6\xD0\xCE\xC4\n\n\xD6\xD0\xCE\xC4 body\n", -1);
    assert_string_equal(msg->subject, ZHONGWEN_UTF8);
    assert_string_equal(msg->from_name, "\xE5\xBC\xA0\xE4\xB8\x89");   /* 张三 */
    assert_non_null(strstr(msg->body, ZHONGWEN_UTF8 " body"));
    assert_true(msg->message_id_synthesized);
    assert_true(g_str_has_prefix(msg->message_id, "casekb-"));
    assert_true(g_str_has_suffix(msg->message_id, "@generated"));
    assert_int_equal(strlen(msg->message_id), strlen("casekb-") + 16 + strlen("@generated"));
    assert_memory_equal(msg->message_id + 7, msg->content_hash, 16);
    ck_message_free(msg);
}

/* A raw Big5 Subject is read by the charset the body declares. */
static void test_raw_big5_subject(void **state)
{
    (void) state;
    CkMessage *msg = parse_text(
        "From: a@b.c\nSubject: \xA4\xA4\xA4\xE5\nContent-Type: text/html; charset=big5\n\n"
        "<p>\xA4\xA4\xA4\xE5</p>\n", -1);
    assert_string_equal(msg->subject, ZHONGWEN_UTF8);
    assert_string_equal(msg->body, ZHONGWEN_UTF8);
    assert_true(msg->html_only);
    ck_message_free(msg);
}

/* Bytes the charset cannot map are replaced and counted in a warning. */
static void test_invalid_bytes_warning(void **state)
{
    (void) state;
    CkMessage *msg = parse_text(
        "From: a@b.c\nSubject: x\nContent-Type: text/plain; charset=gbk\n\n"
        "ok \xFF\xFF\xFF then \xD6\xD0\xCE\xC4\n", -1);
    if (!has_warning(msg, "3 bytes not valid gb18030 replaced in text/plain part"))
        print_warnings(msg);
    assert_true(has_warning(msg, "3 bytes not valid gb18030 replaced in text/plain part"));
    assert_non_null(strstr(msg->body, REPLACEMENT));
    assert_non_null(strstr(msg->body, ZHONGWEN_UTF8));
    ck_message_free(msg);
}

/* A base64 body cut off mid-way: warning and the text read so far. */
static void test_cut_off_base64(void **state)
{
    (void) state;
    /* "Hello world, this is the start" in base64, cut after 30 chars. */
    char *encoded = g_base64_encode((const guchar *) "Hello world, this is the start of it", 36);
    encoded[30] = '\0';
    char *mail = g_strdup_printf(
        "From: a@b.c\nSubject: cut\nMIME-Version: 1.0\n"
        "Content-Type: multipart/mixed; boundary=\"XX\"\n\n--XX\n"
        "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n%s", encoded);
    CkMessage *msg = parse_text(mail, -1);
    if (!has_warning(msg, "base64 cut off"))
        print_warnings(msg);
    assert_true(has_warning(msg, "base64 cut off in text/plain part"));
    assert_non_null(strstr(msg->body, "Hello world"));
    ck_message_free(msg);
    g_free(mail);
    g_free(encoded);
}

/* Missing closing boundary and an empty Content-Transfer-Encoding. */
static void test_damaged_structure(void **state)
{
    (void) state;
    CkMessage *msg = parse_text(
        "From: a@b.c\nSubject: damaged\nMIME-Version: 1.0\n"
        "Content-Type: multipart/alternative; boundary=\"B\"\n\n--B\n"
        "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: \n\n"
        "still readable\n", -1);
    assert_non_null(strstr(msg->body, "still readable"));
    assert_true(has_warning(msg, "empty Content-Transfer-Encoding in text/plain part"));
    ck_message_free(msg);
    /* GMime rejects a first header line with an 8-bit name: read again
     * without it. */
    msg = parse_text("Gar\xFF" "bage line\nSubject: ok\nFrom: a@b.c\n\nbody\n", -1);
    assert_string_equal(msg->subject, "ok");
    assert_true(has_warning(msg, "dropped 1 damaged header line"));
    ck_message_free(msg);
    msg = parse_text("garbage without headers at all\n\nsecond line\n", -1);
    assert_non_null(msg->message_id);
    ck_message_free(msg);
}

/* HTML-only mail: style dropped, numbered list kept, entities decoded,
 * blockquote moved to the quoted text. */
static void test_html_only(void **state)
{
    (void) state;
    CkMessage *msg = parse_text(
        "From: a@b.c\nSubject: html\nContent-Type: text/html; charset=utf-8\n\n"
        "<html><head><style>.x{color:red}</style></head><body>"
        "<p>Steps &amp; notes:</p><ol><li>first</li><li>second</li></ol>"
        "<blockquote>earlier message text</blockquote></body></html>\n", -1);
    assert_true(msg->html_only);
    assert_null(strstr(msg->body, "color"));
    assert_non_null(strstr(msg->body, "Steps & notes:"));
    assert_non_null(strstr(msg->body, "1. first"));
    assert_non_null(strstr(msg->body, "2. second"));
    assert_null(strstr(msg->body, "earlier message text"));
    assert_non_null(strstr(msg->quoted, "earlier message text"));
    ck_message_free(msg);
}

/* multipart/alternative prefers text/plain. */
static void test_alternative_prefers_plain(void **state)
{
    (void) state;
    CkMessage *msg = parse_text(
        "From: a@b.c\nSubject: alt\nMIME-Version: 1.0\n"
        "Content-Type: multipart/alternative; boundary=\"B\"\n\n"
        "--B\nContent-Type: text/html; charset=utf-8\n\n<p>html version</p>\n"
        "--B\nContent-Type: text/plain; charset=utf-8\n\nplain version\n--B--\n", -1);
    assert_false(msg->html_only);
    assert_non_null(strstr(msg->body, "plain version"));
    ck_message_free(msg);
}

/* A forwarded message/rfc822 part goes to forwarded, not the body. */
static void test_rfc822_forward(void **state)
{
    (void) state;
    CkMessage *msg = parse_text(
        "From: Outer <outer@b.c>\nSubject: Fwd: problem\nMessage-ID: <o@b.c>\n"
        "In-Reply-To: <p2@b.c>\nReferences: <p1@b.c> <p2@b.c>\nMIME-Version: 1.0\n"
        "Content-Type: multipart/mixed; boundary=\"B\"\n\n"
        "--B\nContent-Type: text/plain; charset=utf-8\n\nSee below.\n"
        "--B\nContent-Type: message/rfc822\n\n"
        "From: Inner Person <inner@b.c>\nDate: Wed, 10 Mar 2021 08:00:00 +0000\n"
        "Subject: =?gb2312?B?1tDOxA==?=\nContent-Type: text/plain; charset=gb2312\n\n"
        "\xD6\xD0\xCE\xC4 inner text\n--B--\n", -1);
    assert_non_null(strstr(msg->body, "See below."));
    assert_null(strstr(msg->body, "inner text"));
    assert_non_null(strstr(msg->forwarded, "From: Inner Person <inner@b.c>"));
    assert_non_null(strstr(msg->forwarded, "Subject: " ZHONGWEN_UTF8));
    assert_non_null(strstr(msg->forwarded, "Date: 2021-03-10T08:00:00Z"));
    assert_non_null(strstr(msg->forwarded, ZHONGWEN_UTF8 " inner text"));
    assert_string_equal(msg->in_reply_to, "p2@b.c");
    assert_int_equal(msg->references->len, 2);
    assert_string_equal(g_ptr_array_index(msg->references, 0), "p1@b.c");
    assert_string_equal(g_ptr_array_index(msg->references, 1), "p2@b.c");
    ck_message_free(msg);
}

/* In-Reply-To not in References is added after them. */
static void test_references_order(void **state)
{
    (void) state;
    CkMessage *msg = parse_text(
        "From: a@b.c\nSubject: r\nIn-Reply-To: <new@x>\nReferences: <r1@x>\n <r2@x>\n\nbody\n", -1);
    assert_int_equal(msg->references->len, 3);
    assert_string_equal(g_ptr_array_index(msg->references, 0), "r1@x");
    assert_string_equal(g_ptr_array_index(msg->references, 2), "new@x");
    ck_message_free(msg);
}

/* An empty raw message is an error, not a message. */
static void test_empty_input(void **state)
{
    (void) state;
    GBytes *bytes = g_bytes_new("", 0);
    CkRawMessage raw = { CK_RAW_RFC822, bytes, "empty.eml", 0, NULL, 0 };
    GError *error = NULL;
    assert_null(ck_message_parse(&raw, &error));
    assert_true(g_error_matches(error, CK_PARSE_ERROR, CK_PARSE_ERROR_EMPTY));
    g_error_free(error);
    g_bytes_unref(bytes);
}

/* A thread-export section: fields with full-width or ASCII colons, date
 * with fractions and offset, stable synthesized id. */
static void test_export_section(void **state)
{
    (void) state;
    const char *section =
        "\xE5\x8F\x91\xE4\xBB\xB6\xE4\xBA\xBA\xEF\xBC\x9AShi Guannan\n"
        "\xE5\x8F\x91\xE9\x80\x81\xE6\x97\xB6\xE9\x97\xB4\xEF\xBC\x9A" "2021-03-09 17:45:52.867000+08:00\n"
        "\xE9\x82\xAE\xE4\xBB\xB6\xE5\x86\x85\xE5\xAE\xB9:\n"
        "Xue Ji Qiang \xE6\x82\xA8\xE5\xA5\xBD\xEF\xBC\x81\nline two\n\n";
    GBytes *bytes = g_bytes_new(section, strlen(section));
    CkRawMessage raw = { CK_RAW_EXPORT, bytes, "seed.txt", 120, "Subject line", 1 };
    CkMessage *a = ck_message_parse(&raw, NULL);
    raw.offset = 999;
    CkMessage *b = ck_message_parse(&raw, NULL);
    assert_non_null(a);
    assert_string_equal(a->subject, "Subject line");
    assert_string_equal(a->from_name, "Shi Guannan");
    assert_string_equal(a->from_addr, "");
    assert_int_equal(a->date, 1615283152);
    assert_int_equal(a->tz_offset_min, 480);
    assert_true(a->message_id_synthesized);
    assert_string_equal(a->message_id, b->message_id);
    assert_non_null(strstr(a->body, "Xue Ji Qiang"));
    assert_non_null(strstr(a->body, "line two"));
    assert_int_equal(a->source_offset, 120);
    assert_int_equal(a->warnings->len, 0);
    ck_message_free(a);
    ck_message_free(b);
    g_bytes_unref(bytes);
}

/* The seed export's first section parses (skipped without ../shared). */
static void test_seed_first_section(void **state)
{
    (void) state;
    const char *path = "../shared/seeds/000_be23f238b047d3b8.txt";
    char *contents = NULL;
    gsize len = 0;
    if (!g_file_get_contents(path, &contents, &len, NULL)) {
        print_message("%s absent: seed test skipped\n", path);
        skip();
    }
    const char *start = strstr(contents, "\n\xE5\x8F\x91\xE4\xBB\xB6\xE4\xBA\xBA");   /* \n发件人 */
    assert_non_null(start);
    const char *end = strstr(start, "\n====");
    assert_non_null(end);
    GBytes *bytes = g_bytes_new(start + 1, end - start - 1);
    CkRawMessage raw = { CK_RAW_EXPORT, bytes, path, 0, "seed subject", 1 };
    CkMessage *msg = ck_message_parse(&raw, NULL);
    assert_string_equal(msg->from_name, "Shi Guannan");
    assert_int_equal(msg->date, 1615311952);
    assert_int_equal(msg->tz_offset_min, 0);
    assert_non_null(strstr(msg->body, "Xue Ji Qiang"));
    ck_message_free(msg);
    g_bytes_unref(bytes);
    g_free(contents);
}

/* ---------------------------------------------------------------------- */
/* Hostile mail (issue 9)                                                  */

/* TRUE when every text field of MSG is strict UTF-8. */
static gboolean all_fields_valid(const CkMessage *msg)
{
    const char *fields[] = { msg->subject, msg->from_name, msg->from_addr, msg->to, msg->body,
                             msg->quoted, msg->signature, msg->forwarded,
                             msg->message_id };
    for (gsize i = 0; i < G_N_ELEMENTS(fields); i++)
        if (!g_utf8_validate(fields[i], -1, NULL))
            return FALSE;
    return TRUE;
}

/* Sequences glibc's UTF-8 decoder lets through (above U+10FFFF, F5..FD
 * leads, surrogates, overlong forms) are replaced in headers, plain text,
 * quotes, signature and forwarded text, and counted in the warnings. */
static void test_invalid_utf8_everywhere(void **state)
{
    (void) state;
    CkMessage *msg = parse_text(
        "From: =?UTF-8?B?QmFkIPSQgIAgTmFtZQ==?= <bad@x.com>\n"   /* "Bad \xF4\x90\x80\x80 Name" */
        "Subject: =?UTF-8?B?97u4jg==?= ok\nTo: t@x.com\nDate: Wed, 10 Mar 2021 08:00:00 +0000\n"
        "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"B\"\n\n"
        "--B\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
        "new text \xF5\x80\x80\x80 end\n\n> quoted \xED\xA0\x80 line\n> more\n\n-- \nsig \xC0\xAF name\n"
        "--B\nContent-Type: message/rfc822\n\n"
        "From: f@x.com\nSubject: =?UTF-8?Q?fwd_=F8=88=80=80=80?=\nContent-Type: text/plain; charset=utf-8\n\n"
        "forwarded \xFD\xBF\xBF\xBF\xBF\xBF text\n--B--\n", -1);
    assert_true(all_fields_valid(msg));
    assert_string_equal(msg->subject, REPLACEMENT " ok");
    assert_string_equal(msg->from_name, "Bad " REPLACEMENT " Name");
    assert_non_null(strstr(msg->body, "new text " REPLACEMENT " end"));
    assert_non_null(strstr(msg->quoted, "quoted " REPLACEMENT " line"));
    assert_non_null(strstr(msg->signature, "sig " REPLACEMENT " name"));
    assert_non_null(strstr(msg->forwarded, "Subject: fwd " REPLACEMENT));
    assert_non_null(strstr(msg->forwarded, "forwarded " REPLACEMENT " text"));
    assert_true(has_warning(msg, "4 undecodable bytes replaced in Subject header"));
    assert_true(has_warning(msg, "4 undecodable bytes replaced in From header"));
    assert_true(has_warning(msg, "9 bytes not valid utf-8 replaced in text/plain part"));
    assert_true(has_warning(msg, "5 undecodable bytes replaced in Subject header"));   /* forwarded */
    assert_true(has_warning(msg, "6 bytes not valid utf-8 replaced in text/plain part"));
    ck_message_free(msg);
}

/* HTML-only mail with such sequences: the text made from the HTML is
 * valid and the replacement counted. */
static void test_invalid_utf8_html(void **state)
{
    (void) state;
    CkMessage *msg = parse_text(
        "From: a@b.c\nSubject: html\nContent-Type: text/html; charset=utf-8\n\n"
        "<p>html \xF4\x90\x80\x80 text \xE4\xB8\xAD</p>\n", -1);
    assert_true(all_fields_valid(msg));
    assert_non_null(strstr(msg->body, "html " REPLACEMENT " text \xE4\xB8\xAD"));
    assert_true(has_warning(msg, "4 bytes not valid utf-8 replaced in text/html part"));
    ck_message_free(msg);
}

/* Text that reaches a message another way than through decode.c (here a
 * reader's export subject) is checked once more before parse returns. */
static void test_invalid_utf8_export_subject(void **state)
{
    (void) state;
    const char *section = "\xE5\x8F\x91\xE4\xBB\xB6\xE4\xBA\xBA: A\n"
                          "\xE5\x8F\x91\xE9\x80\x81\xE6\x97\xB6\xE9\x97\xB4: 2021-03-09 17:45:52\n"
                          "\xE9\x82\xAE\xE4\xBB\xB6\xE5\x86\x85\xE5\xAE\xB9:\ntext\n";
    GBytes *bytes = g_bytes_new(section, strlen(section));
    CkRawMessage raw = { CK_RAW_EXPORT, bytes, "t.txt", 0, "Subject \xF7\xBB\xB8\x8E end", 1 };
    CkMessage *msg = ck_message_parse(&raw, NULL);
    assert_true(all_fields_valid(msg));
    assert_string_equal(msg->subject, "Subject " REPLACEMENT " end");
    assert_true(has_warning(msg, "4 bytes not valid UTF-8 replaced in the subject"));
    ck_message_free(msg);
    g_bytes_unref(bytes);
}

/* A NUL byte in a header no longer cuts it: the NUL becomes U+FFFD, the
 * text after it is kept, and a warning says so. */
static void test_nul_in_subject(void **state)
{
    (void) state;
    static const char mail[] = "From: a@b.c\nSubject: before\0after the NUL\nTo: t@x.com\n\nbody\n";
    CkMessage *msg = parse_text(mail, sizeof mail - 1);
    assert_string_equal(msg->subject, "before" REPLACEMENT "after the NUL");
    assert_string_equal(msg->to, "t@x.com");
    assert_true(has_warning(msg, "1 NUL byte in the header replaced by U+FFFD"));
    assert_string_equal(msg->body, "body");
    ck_message_free(msg);
    /* In a raw GB18030 header a U+FFFD would read as two other characters:
     * the NUL becomes a blank there. */
    static const char gb[] = "From: a@b.c\nSubject: \xD6\xD0\0\xCE\xC4 end\n\nbody\n";
    msg = parse_text(gb, sizeof gb - 1);
    assert_string_equal(msg->subject, "\xE4\xB8\xAD \xE6\x96\x87 end");
    assert_true(has_warning(msg, "1 NUL byte in the header replaced by a blank"));
    ck_message_free(msg);
}

/* A message of LEVELS nested multipart/mixed parts with one text/plain
 * part at the bottom.  Caller frees with g_free(). */
static char *nested_multipart_mail(int levels)
{
    GString *s = g_string_new("From: a@b.c\nSubject: deep\nMIME-Version: 1.0\n");
    for (int i = 0; i < levels; i++)
        g_string_append_printf(s, "Content-Type: multipart/mixed; boundary=\"b%d\"\n\n--b%d\n", i, i);
    g_string_append(s, "Content-Type: text/plain; charset=utf-8\n\nbottom text\n");
    for (int i = levels - 1; i >= 0; i--)
        g_string_append_printf(s, "--b%d--\n", i);
    return g_string_free(s, FALSE);
}

/* 80 nested multiparts: the text at the bottom is read. */
static void test_deep_multipart(void **state)
{
    (void) state;
    char *mail = nested_multipart_mail(80);
    CkMessage *msg = parse_text(mail, -1);
    assert_string_equal(msg->body, "bottom text");
    ck_message_free(msg);
    g_free(mail);
}

/* Deeper than GMime's own parser goes (1024 levels): the warning names
 * GMime's limit and the unparsed rest is kept as raw text. */
static void test_multipart_deeper_than_gmime(void **state)
{
    (void) state;
    char *mail = nested_multipart_mail(1100);
    CkMessage *msg = parse_text(mail, -1);
    assert_true(has_warning(msg, "GMime's limit"));
    assert_non_null(strstr(msg->body, "bottom text"));
    ck_message_free(msg);
    g_free(mail);
}

/* 100k References (and duplicates) parse quickly; the thread root and the
 * nearest ancestors are kept in order, duplicates dropped, and the cut is
 * a warning. */
static void test_many_references(void **state)
{
    (void) state;
    GString *s = g_string_new("From: a@b.c\nSubject: refs\nIn-Reply-To: <r99999@x>\nReferences:");
    for (int i = 0; i < 100000; i++)
        g_string_append_printf(s, " <r%d@x>%s", i, i % 1000 == 0 ? " <r0@x>\n" : "");
    g_string_append(s, "\n\nbody\n");
    CkMessage *msg = parse_text(s->str, s->len);
    assert_int_equal(msg->references->len, 1000);
    assert_string_equal(g_ptr_array_index(msg->references, 0), "r0@x");
    assert_string_equal(g_ptr_array_index(msg->references, 1), "r99001@x");
    assert_string_equal(g_ptr_array_index(msg->references, 999), "r99999@x");
    assert_string_equal(msg->in_reply_to, "r99999@x");
    assert_true(has_warning(msg, "100000 message ids in References/In-Reply-To; kept the first and the last 999"));
    ck_message_free(msg);
    g_string_free(s, TRUE);
}

/* Duplicate references are dropped, first place kept. */
static void test_references_duplicates(void **state)
{
    (void) state;
    CkMessage *msg = parse_text("From: a@b.c\nSubject: r\nIn-Reply-To: <b@x>\n"
                                "References: <a@x> <b@x> <a@x> <c@x> <b@x>\n\nbody\n", -1);
    assert_int_equal(msg->references->len, 3);
    assert_string_equal(g_ptr_array_index(msg->references, 0), "a@x");
    assert_string_equal(g_ptr_array_index(msg->references, 1), "b@x");
    assert_string_equal(g_ptr_array_index(msg->references, 2), "c@x");
    assert_int_equal(msg->warnings->len, 1);   /* only "no Date header" */
    ck_message_free(msg);
}

/* ---------------------------------------------------------------------- */
/* Attachments, TNEF, charset guessing                                     */

/* A multipart/mixed message: a text body, then ATTACHMENT_PARTS (MIME part
 * texts, boundary "b").  Caller frees the message. */
static CkMessage *parse_with_parts(const char *body_part, const char *attachment_parts)
{
    char *text = g_strconcat("From: a@x\nSubject: s\nDate: Mon, 3 Jun 2024 10:00:00 +0800\n"
                             "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b\"\n\n",
                             body_part, attachment_parts, "--b--\n", NULL);
    CkMessage *msg = parse_text(text, -1);
    g_free(text);
    return msg;
}

/* Text attachments are kept with their decoded text (UTF-16LE dlv.txt,
 * unlabelled GBK .log), others by name, type and size; the body is still
 * the text/plain part.  Before: attachments were dropped. */
static void test_text_attachments(void **state)
{
    (void) state;
    CkMessage *msg = parse_with_parts(
        "--b\nContent-Type: text/plain; charset=utf-8\n\nsee attached\n",
        /* "错误: 0xC004F074" as UTF-16LE with a BOM, base64 */
        "--b\nContent-Type: text/plain; name=dlv.txt\nContent-Disposition: attachment; filename=dlv.txt\n"
        "Content-Transfer-Encoding: base64\n\n//4Zle+LOgAgADAAeABDADAAMAA0AEYAMAA3ADQA\n"
        /* "错误: 0xC004F009" in GBK, no charset, 8bit */
        "--b\nContent-Type: application/octet-stream; name=a.log\nContent-Disposition: attachment; filename=a.log\n\n"
        "\xB4\xED\xCE\xF3: 0xC004F009\n"
        "--b\nContent-Type: image/png; name=shot.png\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n");
    print_warnings(msg);
    assert_string_equal(msg->body, "see attached");
    assert_int_equal(msg->attachments->len, 3);
    CkAttachment *a = g_ptr_array_index(msg->attachments, 0);
    assert_string_equal(a->name, "dlv.txt");
    assert_string_equal(a->text, "\xE9\x94\x99\xE8\xAF\xAF: 0xC004F074");
    a = g_ptr_array_index(msg->attachments, 1);
    assert_string_equal(a->name, "a.log");
    assert_string_equal(a->text, "\xE9\x94\x99\xE8\xAF\xAF: 0xC004F009");
    a = g_ptr_array_index(msg->attachments, 2);
    assert_string_equal(a->type, "image/png");
    assert_int_equal(a->size, 8);
    assert_string_equal(a->text, "");
    char *joined = ck_message_attachment_text(msg);
    assert_string_equal(joined, "\xE9\x94\x99\xE8\xAF\xAF: 0xC004F074\n\xE9\x94\x99\xE8\xAF\xAF: 0xC004F009\n");
    g_free(joined);
    ck_message_free(msg);
}

/* tests/fixtures/attach/winmail.dat in base64; caller frees. */
static char *winmail_base64(void)
{
    const char *top = g_getenv("CASEKB_TOP") ? g_getenv("CASEKB_TOP") : ".";
    char *path = g_build_filename(top, "tests", "fixtures", "attach", "winmail.dat", NULL);
    char *tnef = NULL;
    gsize len = 0;
    assert_true(g_file_get_contents(path, &tnef, &len, NULL));
    char *b64 = g_base64_encode((const guchar *) tnef, len);
    g_free(tnef);
    g_free(path);
    return b64;
}

/* Parse a message whose only part is the TNEF stream B64 (base64). */
static CkMessage *parse_tnef_only(const char *b64)
{
    char *text = g_strconcat("From: a@x\nSubject: s\nDate: Mon, 3 Jun 2024 10:00:00 +0800\nMIME-Version: 1.0\n"
                             "Content-Type: application/ms-tnef; name=\"winmail.dat\"\n"
                             "Content-Transfer-Encoding: base64\n\n", b64, "\n", NULL);
    CkMessage *msg = parse_text(text, -1);
    g_free(text);
    return msg;
}

/* A message whose only part is winmail.dat gets the TNEF body as its text
 * and the TNEF's files as attachments.  Before: stored empty, no warning. */
static void test_tnef_only_message(void **state)
{
    (void) state;
    char *b64 = winmail_base64();
    CkMessage *msg = parse_tnef_only(b64);
    print_warnings(msg);
    assert_non_null(strstr(msg->body, "0xC004F050"));
    assert_int_equal(msg->attachments->len, 1);
    assert_string_equal(((CkAttachment *) g_ptr_array_index(msg->attachments, 0))->name, "xpr.txt");
    assert_int_equal(msg->warnings->len, 0);
    ck_message_free(msg);
    /* the same stream cut short: a warning naming it, and the no-text warning */
    b64[strlen(b64) / 2] = '\0';
    msg = parse_tnef_only(b64);
    assert_true(has_warning(msg, "winmail.dat: cut off"));
    assert_true(has_warning(msg, "no text part found"));
    assert_string_equal(msg->body, "");
    ck_message_free(msg);
    g_free(b64);
}

/* A forwarded Outlook mail that is only a winmail.dat: its TNEF body is the
 * forwarded text and its file is listed with the forwarding message. */
static void test_forwarded_tnef(void **state)
{
    (void) state;
    char *b64 = winmail_base64();
    char *inner = g_strconcat("--b\nContent-Type: message/rfc822\n\nFrom: c@y\nSubject: inner\n"
                              "MIME-Version: 1.0\nContent-Type: application/ms-tnef; name=\"winmail.dat\"\n"
                              "Content-Transfer-Encoding: base64\n\n", b64, "\n", NULL);
    CkMessage *msg = parse_with_parts("--b\nContent-Type: text/plain\n\nFYI, the customer's mail\n", inner);
    print_warnings(msg);
    assert_string_equal(msg->body, "FYI, the customer's mail");
    assert_non_null(strstr(msg->forwarded, "0xC004F050"));
    assert_int_equal(msg->attachments->len, 1);
    assert_string_equal(((CkAttachment *) g_ptr_array_index(msg->attachments, 0))->name, "xpr.txt");
    ck_message_free(msg);
    g_free(inner);
    g_free(b64);
}

/* A message with no text part at all says so.  Before: no warning. */
static void test_no_text_part_warning(void **state)
{
    (void) state;
    CkMessage *msg = parse_with_parts("", "--b\nContent-Type: image/png; name=a.png\n"
                                          "Content-Transfer-Encoding: base64\n\niVBORw0KGgo=\n");
    assert_true(has_warning(msg, "no text part found"));
    assert_int_equal(msg->attachments->len, 1);
    ck_message_free(msg);
}

/* Big5 mail with the charset label removed: subject and body read as
 * Big5 (uchardet), with a warning that it is a guess.  Before: GB18030
 * mojibake and no warning. */
static void test_unlabelled_big5_message(void **state)
{
    (void) state;
    /* 嘉南客運終端啟用失敗 / 本公司站務終端今天執行啟用全部出現錯誤，請協助確認原因，謝謝。 */
    CkMessage *msg = parse_text("From: a@x\nDate: Mon, 3 Jun 2024 10:00:00 +0800\n"
                                "Subject: \xb9\xc5\xab\x6e\xab\xc8\xb9\x42\xb2\xd7\xba\xdd\xb1\xd2\xa5\xce\xa5\xa2\xb1\xd1\n\n"
                                "\xa5\xbb\xa4\xbd\xa5\x71\xaf\xb8\xb0\xc8\xb2\xd7\xba\xdd\xa4\xb5\xa4\xd1\xb0\xf5\xa6\xe6"
                                "\xb1\xd2\xa5\xce\xa5\xfe\xb3\xa1\xa5\x58\xb2\x7b\xbf\xf9\xbb\x7e\xa1\x41\xbd\xd0\xa8\xf3"
                                "\xa7\x55\xbd\x54\xbb\x7b\xad\xec\xa6\x5d\xa1\x41\xc1\xc2\xc1\xc2\xa1\x43\n", -1);
    print_warnings(msg);
    assert_string_equal(msg->subject, "\xe5\x98\x89\xe5\x8d\x97\xe5\xae\xa2\xe9\x81\x8b\xe7\xb5\x82\xe7\xab\xaf"
                                      "\xe5\x95\x9f\xe7\x94\xa8\xe5\xa4\xb1\xe6\x95\x97");
    assert_true(g_str_has_prefix(msg->body, "\xe6\x9c\xac\xe5\x85\xac\xe5\x8f\xb8"));   /* 本公司 */
    assert_true(has_warning(msg, "no charset label: charset guessed as BIG5"));
    ck_message_free(msg);
}

int main(void)
{
    ck_parse_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cjk_corpus),
        cmocka_unit_test(test_gb2312_part_with_gbk_char),
        cmocka_unit_test(test_split_encoded_word),
        cmocka_unit_test(test_unlabelled_gb18030),
        cmocka_unit_test(test_raw_big5_subject),
        cmocka_unit_test(test_invalid_bytes_warning),
        cmocka_unit_test(test_cut_off_base64),
        cmocka_unit_test(test_damaged_structure),
        cmocka_unit_test(test_html_only),
        cmocka_unit_test(test_alternative_prefers_plain),
        cmocka_unit_test(test_rfc822_forward),
        cmocka_unit_test(test_references_order),
        cmocka_unit_test(test_empty_input),
        cmocka_unit_test(test_export_section),
        cmocka_unit_test(test_seed_first_section),
        cmocka_unit_test(test_invalid_utf8_everywhere),
        cmocka_unit_test(test_invalid_utf8_html),
        cmocka_unit_test(test_invalid_utf8_export_subject),
        cmocka_unit_test(test_nul_in_subject),
        cmocka_unit_test(test_deep_multipart),
        cmocka_unit_test(test_multipart_deeper_than_gmime),
        cmocka_unit_test(test_references_duplicates),
        cmocka_unit_test(test_many_references),
        cmocka_unit_test(test_text_attachments),
        cmocka_unit_test(test_tnef_only_message),
        cmocka_unit_test(test_forwarded_tnef),
        cmocka_unit_test(test_no_text_part_warning),
        cmocka_unit_test(test_unlabelled_big5_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
