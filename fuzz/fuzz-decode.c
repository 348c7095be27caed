/* fuzz-decode.c — fuzz target: ingest/decode.h.  Byte 0 picks the function
 * (bytes, header, HTML), bytes 1 and 2 the charset label and fallback from a
 * fixed list (or, past its end, the input's first line as the label); the
 * rest is the data.  Oracle: every result is valid UTF-8 (decode.h). */
#include "fuzz/fuzz-common.h"
#include "ingest/decode.h"

#include <string.h>

/* Labels seen in real mail, including the ones decode.c maps specially. */
static const char *const LABELS[] = {
    NULL, "utf-8", "gb2312", "gbk", "gb18030", "big5", "big5-hkscs", "iso-8859-1",
    "windows-1252", "shift_jis", "euc-kr", "iso-2022-jp", "utf-7", "utf-16", "utf-16le",
    "utf-32", "hz-gb-2312", "koi8-r", "us-ascii", "x-unknown", "\"GB2312\"", "",
};

/* The label for selector byte B: from LABELS, or (b >= n) the input's own
 * first line, which *LABEL_BUF keeps (caller frees). */
static const char *pick_label(uint8_t b, const char **data, size_t *size, char **label_buf)
{
    if (b < G_N_ELEMENTS(LABELS))
        return LABELS[b];
    const char *nl = memchr(*data, '\n', *size);
    size_t n = nl ? (size_t)(nl - *data) : 0;
    *label_buf = g_strndup(*data, n);
    *data += nl ? n + 1 : 0;
    *size -= nl ? n + 1 : 0;
    return *label_buf;
}

/* Abort unless OUT (a decode.h result) is valid UTF-8; free it. */
static void check_result(const char *what, char *out)
{
    ck_fuzz_check_utf8(what, out, FALSE);
    g_free(out);
}

/* Decode the rest of DATA with the function, label and fallback the first
 * three bytes select. */
int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size)
{
    if (size < 3)
        return 0;
    uint8_t mode = bytes[0] % 3;
    const char *data = (const char *)bytes + 3;
    size_t len = size - 3;
    char *label_buf = NULL, *fallback_buf = NULL;
    const char *label = pick_label(bytes[1], &data, &len, &label_buf);
    const char *fallback = pick_label(bytes[2], &data, &len, &fallback_buf);
    guint replaced = 0;
    if (mode == 0) {
        const char *used = NULL;
        check_result("ck_decode_bytes_full", ck_decode_bytes_full(data, (gssize)len, label, fallback,
                                                                  &replaced, &used));
        (void)ck_charset_canonical(label);
    } else if (mode == 1) {
        char *raw = g_strndup(data, len);
        check_result("ck_decode_header", ck_decode_header(raw, fallback, &replaced));
        g_free(raw);
    } else {
        char *html = ck_fuzz_text((const uint8_t *)data, len);
        char *quoted = NULL;
        check_result("ck_html_to_text", ck_html_to_text(html, -1, &quoted));
        check_result("ck_html_to_text quoted", quoted);
        check_result("ck_html_to_text inline", ck_html_to_text(html, -1, NULL));
        g_free(html);
    }
    g_free(label_buf);
    g_free(fallback_buf);
    return 0;
}
