/* bench-parse-floor.c — the GMime parse floor for the ingest benchmark.
 *
 *   bench-parse-floor MBOX
 *
 * Parses every message of MBOX with GMime's own mbox parser and decodes
 * every leaf part's content (transfer encoding undone, into memory): the
 * least work any indexer built on GMime does for the archive.  Prints
 * "N messages, B decoded bytes, S s" on stdout; exit 2 on a bad argument
 * or unreadable file.
 */
#include <gmime/gmime.h>
#include <fcntl.h>
#include <stdio.h>

/* g_mime_message_foreach callback: decode one leaf part, adding its byte
 * count to *USER_DATA (gint64). */
static void decode_part(GMimeObject *parent, GMimeObject *part, gpointer user_data)
{
    if (!GMIME_IS_PART(part))
        return;
    GMimeDataWrapper *content = g_mime_part_get_content(GMIME_PART(part));
    if (!content)
        return;
    GMimeStream *mem = g_mime_stream_mem_new();
    gint64 n = g_mime_data_wrapper_write_to_stream(content, mem);
    if (n > 0)
        *(gint64 *)user_data += n;
    g_object_unref(mem);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench-parse-floor MBOX\n");
        return 2;
    }
    g_mime_init();
    GError *error = NULL;
    GMimeStream *file = g_mime_stream_fs_open(argv[1], O_RDONLY, 0, &error);
    if (!file) {
        fprintf(stderr, "bench-parse-floor: %s: %s\n", argv[1], error->message);
        return 2;
    }
    gint64 start = g_get_monotonic_time(), messages = 0, bytes = 0;
    GMimeParser *parser = g_mime_parser_new_with_stream(file);
    g_mime_parser_set_format(parser, GMIME_FORMAT_MBOX);
    while (!g_mime_parser_eos(parser)) {
        GMimeMessage *msg = g_mime_parser_construct_message(parser, NULL);
        if (!msg)
            break;
        g_mime_message_foreach(msg, decode_part, &bytes);
        messages++;
        g_object_unref(msg);
    }
    g_object_unref(parser);
    g_object_unref(file);
    printf("%" G_GINT64_FORMAT " messages, %" G_GINT64_FORMAT " decoded bytes, %.2f s\n", messages, bytes,
           (g_get_monotonic_time() - start) / 1e6);
    g_mime_shutdown();
    return 0;
}
