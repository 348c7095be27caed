/* fuzz-reader.c — fuzz target: ingest/reader.h on one file holding the
 * input (format detected by content: mbox, thread export, single message),
 * and each raw message it yields parsed by ck_message_parse() (the only
 * way export sections reach the export parser).
 * Oracles (reader.h's contract): offsets inside the file and increasing,
 * no message longer than the file (a PST's offsets are node ids and its
 * messages are rebuilt as MIME: only positive offsets there), export sections and subjects valid
 * UTF-8, bytes_read equal to the file size once the walk completes; every
 * parsed message keeps message.h's invariants. */
#include "fuzz/fuzz-common.h"
#include "ingest/parse.h"
#include "ingest/reader.h"
#include <string.h>

/* What the callbacks check against. */
typedef struct {
    size_t size;          /* bytes in the file */
    gint64 last_offset;   /* offset of the previous message, -1 before the first */
    gboolean pst;         /* the file starts with the PST magic "!BDN" */
} ReadCheck;

/* CkRawMessageFunc: check RAW against the contract, then parse it. */
static gboolean on_message(const CkRawMessage *raw, gpointer user_data, GError **error)
{
    ReadCheck *check = user_data;
    gsize len = 0;
    if (!raw->data)
        ck_fuzz_fail("raw message without data");
    g_bytes_get_data(raw->data, &len);
    if (check->pst) {
        if (raw->offset <= 0)
            ck_fuzz_fail("PST item with node id %" G_GINT64_FORMAT, raw->offset);
    } else if (raw->offset < 0 || (size_t)raw->offset >= check->size || raw->offset <= check->last_offset)
        ck_fuzz_fail("offset %" G_GINT64_FORMAT " after %" G_GINT64_FORMAT " in a %zu-byte file",
                     raw->offset, check->last_offset, check->size);
    if (raw->kind == CK_RAW_RFC822 && !check->pst && len > check->size)
        ck_fuzz_fail("a %zu-byte message from a %zu-byte file", (size_t)len, check->size);
    if (raw->kind == CK_RAW_EXPORT) {
        char *text = g_strndup(g_bytes_get_data(raw->data, NULL), len);
        ck_fuzz_check_utf8("export section", text, FALSE);
        ck_fuzz_check_utf8("export subject", raw->export_subject, FALSE);
        g_free(text);
    }
    check->last_offset = raw->offset;
    CkMessage *msg = ck_message_parse(raw, NULL);
    if (msg)
        ck_fuzz_check_message(msg);
    ck_message_free(msg);
    return TRUE;
}

/* CkWarnFunc: warnings are dropped (a NULL one is a bug). */
static void on_warning(const char *message, gpointer user_data)
{
    if (!message)
        ck_fuzz_fail("NULL warning");
}

/* GMime's tables once per process. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    ck_parse_init();
    return 0;
}

/* Write DATA to a temporary file and read it like `casekb ingest FILE`. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = ck_fuzz_temp_file(".mail", data, size);
    ReadCheck check = { size, -1, size >= 4 && memcmp(data, "!BDN", 4) == 0 };
    CkReader reader = { on_message, on_warning, &check, 0, 0 };
    GError *error = NULL;
    if (!ck_reader_read_path(&reader, path, &error))
        ck_fuzz_fail("%s: %s", path, error ? error->message : "read failed without an error");
    if (reader.bytes_read != size)
        ck_fuzz_fail("bytes_read %" G_GUINT64_FORMAT " for a %zu-byte file", reader.bytes_read, size);
    return 0;
}
