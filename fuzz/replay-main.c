/* replay-main.c — run a fuzz target without libFuzzer: calls
 * LLVMFuzzerInitialize (when the target has one) and then
 * LLVMFuzzerTestOneInput on every file named on the command line or found
 * (recursively, in name order) in a directory named there.  Hidden files and
 * README* are passed over; a path that does not exist is an error.  Each
 * input is copied into a buffer of exactly its size, as libFuzzer does, so
 * AddressSanitizer sees reads past its end.
 *   replay-TARGET [-v] PATH...       exit 0 when every input ran
 * Built by `make build-tests` (gcc, ASan) as $(B)/fuzz/replay-TARGET. */
#include "fuzz/fuzz-common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Defined by the targets that need set-up; weak so the others link. */
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

static gboolean verbose;

/* Run the target on the file PATH.  Returns FALSE when it cannot be read. */
static gboolean replay_file(const char *path)
{
    char *contents = NULL;
    gsize len = 0;
    GError *error = NULL;
    if (!g_file_get_contents(path, &contents, &len, &error)) {
        fprintf(stderr, "replay: %s\n", error->message);
        g_error_free(error);
        return FALSE;
    }
    uint8_t *exact = malloc(len ? len : 1);
    memcpy(exact, contents, len);
    g_free(contents);
    if (verbose)
        fprintf(stderr, "replay: %s (%zu bytes)\n", path, (size_t)len);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    return TRUE;
}

/* Compare two names for qsort. */
static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Run the target on PATH (a file, or a directory walked recursively).
 * Adds the inputs run to *count; returns FALSE when something could not be
 * read. */
static gboolean replay_path(const char *path, guint *count)
{
    if (!g_file_test(path, G_FILE_TEST_IS_DIR)) {
        if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
            fprintf(stderr, "replay: %s: no such file or directory\n", path);
            return FALSE;
        }
        (*count)++;
        return replay_file(path);
    }
    GError *error = NULL;
    GDir *dir = g_dir_open(path, 0, &error);
    if (!dir) {
        fprintf(stderr, "replay: %s\n", error->message);
        g_error_free(error);
        return FALSE;
    }
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    for (const char *name; (name = g_dir_read_name(dir)) != NULL;)
        if (name[0] != '.' && !g_str_has_prefix(name, "README"))
            g_ptr_array_add(names, g_build_filename(path, name, NULL));
    g_dir_close(dir);
    if (names->len > 0)
        qsort(names->pdata, names->len, sizeof(char *), compare_names);
    gboolean ok = TRUE;
    for (guint i = 0; i < names->len; i++)
        ok = replay_path(g_ptr_array_index(names, i), count) && ok;
    g_ptr_array_unref(names);
    return ok;
}

int main(int argc, char **argv)
{
    int first = 1;
    if (argc > 1 && strcmp(argv[1], "-v") == 0) {
        verbose = TRUE;
        first = 2;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: %s [-v] FILE_OR_DIR...\n", argv[0]);
        return 2;
    }
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    guint count = 0;
    gboolean ok = TRUE;
    for (int i = first; i < argc; i++)
        ok = replay_path(argv[i], &count) && ok;
    char *name = g_path_get_basename(argv[0]);
    printf("%s: %u inputs replayed\n", name, count);
    g_free(name);
    return ok ? 0 : 1;
}
