/* cmd-export.c — `casekb export --ndjson`: cases as NDJSON for the
 * Elasticsearch/OpenSearch _bulk API, streamed case by case. */
#include "cli/commands.h"
#include "reports/export.h"
#include "store/store-reports.h"
#include <gio/gio.h>
#include <stdio.h>

/* Where the lines go: an atomic replacement of -o FILE, or stdout. */
typedef struct {
    GOutputStream *file;   /* NULL: stdout */
    const char *path;
    guint cases;
} ExportSink;

/* Write the _bulk lines of DOC to the sink DATA (a CkCaseDocFunc). */
static gboolean export_case(JsonNode *doc, gpointer data, GError **error)
{
    ExportSink *sink = data;
    GString *lines = g_string_new(NULL);
    ck_export_bulk_append(lines, doc);
    gboolean ok = TRUE;
    if (sink->file)
        ok = g_output_stream_write_all(sink->file, lines->str, lines->len, NULL, NULL, error);
    else if (fwrite(lines->str, 1, lines->len, stdout) != lines->len) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "standard output: write failed");
        ok = FALSE;
    }
    sink->cases += ok;
    g_string_free(lines, TRUE);
    return ok;
}

/* Export every case into SINK; FALSE with *error naming the file. */
static gboolean export_all(CkContext *ctx, ExportSink *sink, GError **error)
{
    GFile *file = sink->path ? g_file_new_for_path(sink->path) : NULL;
    if (file)
        sink->file = G_OUTPUT_STREAM(g_file_replace(file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, error));
    gboolean ok = (!file || sink->file) && ck_store_foreach_case_document(ctx->store, export_case, sink, error);
    if (sink->file) {
        /* Closing renames the temporary file over PATH; after a failure the
         * half-written copy is discarded instead. */
        GCancellable *discard = g_cancellable_new();
        if (!ok)
            g_cancellable_cancel(discard);
        gboolean closed = g_output_stream_close(sink->file, discard, ok ? error : NULL);
        ok = ok && closed;
        g_object_unref(discard);
        g_object_unref(sink->file);
    } else
        ok = ok && fflush(stdout) == 0;
    if (file)
        g_object_unref(file);
    if (!ok && error && *error && sink->path && !g_str_has_prefix((*error)->message, sink->path))
        g_prefix_error(error, "%s: ", sink->path);
    return ok;
}

int casekb_cmd_export(CkContext *ctx, int argc, char **argv)
{
    char *output = NULL;
    gboolean ndjson = FALSE;
    const GOptionEntry entries[] = {
        { "ndjson", 0, 0, G_OPTION_ARG_NONE, &ndjson, "Elasticsearch/OpenSearch _bulk NDJSON (the only format)",
          NULL },
        { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write to FILE (atomically) instead of stdout", "FILE" },
        { NULL }
    };
    int rc = CK_EXIT_OK;
    ctx->formats = (const char *const[]){ "ndjson", NULL };
    if (!ck_cli_parse(ctx, &argc, &argv, entries, "",
                      "Export every case (messages, entities, causes) as NDJSON for the _bulk API of "
                      "Elasticsearch or OpenSearch, index " CK_EXPORT_INDEX ", one action line and one "
                      "document line per case.", &rc))
        goto out;
    if (argc > 1) {
        rc = ck_cli_error(ctx, CK_EXIT_USAGE, "unexpected argument '%s'", argv[1]);
        goto out;
    }
    ExportSink sink = { .path = output };
    GError *error = NULL;
    if (!export_all(ctx, &sink, &error))
        rc = ck_cli_fail(ctx, CK_EXIT_INTERNAL, error);
    else if (sink.cases == 0)
        rc = ck_cli_error(ctx, CK_EXIT_NOT_FOUND, "no cases in %s", ck_store_path(ctx->store));
out:
    g_free(output);
    return rc;
}
