/* fuzz-tnef.c — fuzz target: ingest/tnef.h and ingest/attach.h.  Byte 0
 * picks the function: 0 mod 3, ck_tnef_read() on the rest (a winmail.dat);
 * 2 mod 3, the same after every attribute's checksum is made right, so
 * mutations reach libytnef's attribute and MAPI parsing instead of the
 * checksum test; 1 mod 3, ck_rtf_to_text() on the rest, then
 * ck_attachment_from_bytes() on it as an untyped file.  Oracle: body, attachment names, types and texts and
 * warnings are valid UTF-8, a text is at most CK_ATTACHMENT_TEXT_MAX bytes,
 * and a stream ck_tnef_read() rejects leaves an empty body. */
#include "fuzz/fuzz-common.h"
#include "ingest/attach.h"
#include "ingest/tnef.h"

#include <string.h>

/* Abort unless every attachment of LIST and every line of WARNINGS keeps
 * the invariants. */
static void check_outputs(GPtrArray *list, GPtrArray *warnings)
{
    for (guint i = 0; i < list->len; i++) {
        const CkAttachment *att = g_ptr_array_index(list, i);
        ck_fuzz_check_utf8("attachment name", att->name, FALSE);
        ck_fuzz_check_utf8("attachment type", att->type, FALSE);
        ck_fuzz_check_utf8("attachment text", att->text, FALSE);
        if (strlen(att->text) > CK_ATTACHMENT_TEXT_MAX)
            ck_fuzz_fail("attachment text of %zu bytes", strlen(att->text));
    }
    for (guint i = 0; i < warnings->len; i++)
        ck_fuzz_check_utf8("warning", g_ptr_array_index(warnings, i), FALSE);
}

/* Set the checksum of each complete attribute of the TNEF stream D (LEN
 * bytes: signature, key, then level, id, length, data, checksum). */
static void fix_checksums(guchar *d, size_t len)
{
    for (size_t pos = 6; pos + 9 <= len;) {
        size_t n = (size_t) d[pos + 5] | (size_t) d[pos + 6] << 8 | (size_t) d[pos + 7] << 16
                   | (size_t) d[pos + 8] << 24;
        if (n > len - pos - 9 || len - pos - 9 - n < 2)
            return;
        unsigned sum = 0;
        for (size_t i = 0; i < n; i++)
            sum += d[pos + 9 + i];
        d[pos + 9 + n] = (guchar) (sum & 0xFF);
        d[pos + 9 + n + 1] = (guchar) ((sum >> 8) & 0xFF);
        pos += 9 + n + 2;
    }
}

/* Run the function byte 0 selects on the rest of DATA. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *rest = (const char *) data + 1;
    size_t len = size - 1;
    GPtrArray *list = g_ptr_array_new_with_free_func((GDestroyNotify) ck_attachment_free);
    GPtrArray *warnings = g_ptr_array_new_with_free_func(g_free);
    if (data[0] % 3 != 1) {
        guchar *copy = g_memdup2(rest, len);
        if (data[0] % 3 == 2)
            fix_checksums(copy, len);
        char *body = NULL;
        gboolean ok = ck_tnef_read((const char *) copy, len, "winmail.dat", &body, list, warnings);
        g_free(copy);
        ck_fuzz_check_utf8("TNEF body", body, FALSE);
        if (!ok && *body)
            ck_fuzz_fail("rejected TNEF stream left a body");
        g_free(body);
    } else {
        char *text = ck_rtf_to_text(rest, len, NULL);
        ck_fuzz_check_utf8("RTF text", text, FALSE);
        g_ptr_array_add(list, ck_attachment_from_bytes("f", NULL, NULL, rest, len, warnings));
        g_free(text);
    }
    check_outputs(list, warnings);
    g_ptr_array_unref(list);
    g_ptr_array_unref(warnings);
    return 0;
}
