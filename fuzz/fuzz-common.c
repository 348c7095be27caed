/* fuzz-common.c — oracles, input shaping and temporary files for the fuzz
 * targets; see fuzz-common.h. */
#include "fuzz/fuzz-common.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#ifndef CK_FUZZ_TOP
#define CK_FUZZ_TOP "."
#endif

/* See fuzz-common.h. */
void ck_fuzz_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fuzz: invariant broken: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

/* See fuzz-common.h. */
void ck_fuzz_check_utf8(const char *what, const char *s, gboolean nullable)
{
    const char *end = NULL;
    if (!s) {
        if (!nullable)
            ck_fuzz_fail("%s is NULL", what);
        return;
    }
    if (!g_utf8_validate(s, -1, &end))
        ck_fuzz_fail("%s is not valid UTF-8 at byte %ld", what, (long)(end - s));
}

/* Abort unless every element of ARRAY (char *; may be NULL) is valid UTF-8. */
static void check_utf8_array(const char *what, GPtrArray *array)
{
    for (guint i = 0; array && i < array->len; i++)
        ck_fuzz_check_utf8(what, g_ptr_array_index(array, i), FALSE);
}

/* See fuzz-common.h. */
void ck_fuzz_check_message(const CkMessage *msg)
{
    const struct { const char *name; const char *value; } fields[] = {
        { "message_id", msg->message_id }, { "subject", msg->subject },
        { "from_name", msg->from_name },   { "from_addr", msg->from_addr },
        { "to", msg->to },                 { "body", msg->body },
        { "quoted", msg->quoted },         { "signature", msg->signature },
        { "forwarded", msg->forwarded },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(fields); i++)
        ck_fuzz_check_utf8(fields[i].name, fields[i].value, FALSE);
    ck_fuzz_check_utf8("in_reply_to", msg->in_reply_to, TRUE);
    check_utf8_array("references", msg->references);
    check_utf8_array("warnings", msg->warnings);
    if (strlen(msg->content_hash) != 64)
        ck_fuzz_fail("content_hash is not 64 hex digits");
}

/* See fuzz-common.h. */
char *ck_fuzz_cstring(const uint8_t *data, size_t size)
{
    return g_strndup((const char *)data, size);
}

/* See fuzz-common.h.  g_utf8_make_valid() also replaces NUL bytes. */
char *ck_fuzz_text(const uint8_t *data, size_t size)
{
    return g_utf8_make_valid((const char *)data, (gssize)size);
}

/* The temporary files made so far: suffix -> path. */
static GHashTable *temp_files;

/* atexit(): remove the temporary files. */
static void remove_temp_files(void)
{
    GHashTableIter iter;
    gpointer path;
    g_hash_table_iter_init(&iter, temp_files);
    while (g_hash_table_iter_next(&iter, NULL, &path))
        g_unlink(path);
    g_hash_table_destroy(temp_files);
    temp_files = NULL;
}

/* The path of the temporary file for SUFFIX, created on first use. */
static const char *temp_path(const char *suffix)
{
    if (!temp_files) {
        temp_files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        atexit(remove_temp_files);
    }
    const char *path = g_hash_table_lookup(temp_files, suffix);
    if (path)
        return path;
    char *template = g_strdup_printf("casekb-fuzz-XXXXXX%s", suffix);
    char *created = NULL;
    GError *error = NULL;
    int fd = g_file_open_tmp(template, &created, &error);
    g_free(template);
    if (fd < 0)
        ck_fuzz_fail("cannot create a temporary file: %s", error->message);
    close(fd);
    g_hash_table_insert(temp_files, g_strdup(suffix), created);
    return created;
}

/* See fuzz-common.h. */
const char *ck_fuzz_temp_file(const char *suffix, const uint8_t *data, size_t size)
{
    const char *path = temp_path(suffix);
    FILE *f = fopen(path, "wb");
    if (!f || (size > 0 && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
        ck_fuzz_fail("%s: cannot write: %s", path, g_strerror(errno));
    return path;
}

/* $ENV when set and not empty, else CK_FUZZ_TOP. */
static const char *env_or_top(const char *env)
{
    const char *value = g_getenv(env);
    return value && *value ? value : CK_FUZZ_TOP;
}

/* See fuzz-common.h. */
const char *ck_fuzz_rules_dir(void)
{
    static char *dir;
    if (!dir) {
        const char *rules = g_getenv("CASEKB_RULES");
        dir = rules && *rules ? g_strdup(rules) : g_build_filename(CK_FUZZ_TOP, "rules", NULL);
    }
    return dir;
}

/* See fuzz-common.h. */
const char *ck_fuzz_samples_dir(void)
{
    static char *dir;
    if (!dir)
        dir = g_build_filename(env_or_top("CASEKB_TOP"), "samples", NULL);
    return dir;
}
