/* fuzz-parse.c — fuzz target: raw bytes as one RFC 5322 message through
 * ck_message_parse() (GMime structure, header decoding, charsets, HTML,
 * forwarded parts, splitting) and ck_parse_first_text_part().
 * Oracle: the message keeps message.h's invariants (valid UTF-8 fields). */
#include "fuzz/fuzz-common.h"
#include "ingest/parse.h"

/* Parse once per process: GMime's global tables. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    ck_parse_init();
    return 0;
}

/* Parse DATA as a message read from "fuzz.eml" at offset 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GBytes *bytes = g_bytes_new(data, size);
    CkRawMessage raw = { CK_RAW_RFC822, bytes, "fuzz.eml", 0, NULL, 0, NULL };
    GError *error = NULL;
    CkMessage *msg = ck_message_parse(&raw, &error);
    if (msg)
        ck_fuzz_check_message(msg);
    else if (size > 0)
        ck_fuzz_fail("ck_message_parse failed on %zu bytes: %s", size, error ? error->message : "no error");
    ck_message_free(msg);
    g_clear_error(&error);
    gboolean is_html = FALSE;
    char *text = ck_parse_first_text_part(bytes, &is_html);
    ck_fuzz_check_utf8("first text part", text, TRUE);
    g_free(text);
    g_bytes_unref(bytes);
    return 0;
}
