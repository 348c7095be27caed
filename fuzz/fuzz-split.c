/* fuzz-split.c — fuzz target: ck_split_text() (ingest/split.h) on the input
 * as a C string (up to its first NUL byte), raw bytes as they are.
 * Oracles (split.h): all four parts non-NULL valid UTF-8 (invalid input is
 * replaced), none holding more text than went in, each without leading or
 * trailing blank lines. */
#include "fuzz/fuzz-common.h"
#include "ingest/split.h"

#include <string.h>

/* Abort unless PART (named WHAT) is valid UTF-8, not starting or ending with
 * a line break, and at most LIMIT bytes long. */
static void check_part(const char *what, const char *part, size_t limit)
{
    ck_fuzz_check_utf8(what, part, FALSE);
    size_t n = strlen(part);
    if (n > limit)
        ck_fuzz_fail("split %s has %zu bytes from %zu bytes of input", what, n, limit);
    if (n > 0 && (part[0] == '\n' || part[n - 1] == '\n'))
        ck_fuzz_fail("split %s starts or ends with a blank line", what);
}

/* Split DATA and check the parts. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = ck_fuzz_cstring(data, size);
    /* each invalid byte may become a 3-byte U+FFFD */
    size_t limit = 3 * strlen(text);
    CkSplit split;
    ck_split_text(text, &split);
    check_part("body", split.body, limit);
    check_part("quoted", split.quoted, limit);
    check_part("signature", split.signature, limit);
    check_part("forwarded", split.forwarded, limit);
    ck_split_clear(&split);
    g_free(text);
    return 0;
}
