/* fuzz-common.h — helpers shared by the fuzz targets (fuzz/fuzz-*.c).
 *
 * Every target defines LLVMFuzzerTestOneInput (and LLVMFuzzerInitialize when
 * it needs set-up once per process).  The same files are linked two ways:
 * with clang's libFuzzer for `make fuzz`, and with fuzz/replay-main.c by the
 * gcc ASan build for `make check`, which replays the saved corpora and past
 * crash inputs.  Nothing here depends on libFuzzer.
 *
 * Oracles: a target aborts (through ck_fuzz_fail) when a documented
 * invariant breaks, e.g. a string the API promises to be valid UTF-8 is
 * not, so such bugs count as crashes just like sanitizer reports.
 */
#ifndef CASEKB_FUZZ_COMMON_H
#define CASEKB_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <glib.h>
#include "ingest/message.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Print "fuzz: invariant broken: ..." on stderr and abort(). */
void ck_fuzz_fail(const char *fmt, ...) G_GNUC_PRINTF(1, 2) G_GNUC_NORETURN;

/* Abort unless S (may be NULL when NULLABLE) is valid UTF-8; WHAT names it. */
void ck_fuzz_check_utf8(const char *what, const char *s, gboolean nullable);

/* Abort unless MSG keeps message.h's invariants: text fields non-NULL
 * valid UTF-8, every reference and warning valid UTF-8. */
void ck_fuzz_check_message(const CkMessage *msg);

/* DATA as a NUL-terminated string: a NUL byte inside ends it (as for the C
 * APIs that take a char *).  Caller g_free()s. */
char *ck_fuzz_cstring(const uint8_t *data, size_t size);

/* DATA as valid UTF-8 without NUL (invalid bytes and NUL bytes become
 * U+FFFD): the form text has once ingest has decoded it.  Caller
 * g_free()s. */
char *ck_fuzz_text(const uint8_t *data, size_t size);

/* Replace the contents of a per-process temporary file (created on first
 * use, named with SUFFIX, removed at exit) with DATA and return its path
 * (owned by this module).  One file per SUFFIX. */
const char *ck_fuzz_temp_file(const char *suffix, const uint8_t *data, size_t size);

/* The folder of the shipped rules: $CASEKB_RULES when set, else the rules/
 * folder of the source tree this was built from (CK_FUZZ_TOP). */
const char *ck_fuzz_rules_dir(void);

/* The mail samples of the source tree ($CASEKB_TOP/samples when set). */
const char *ck_fuzz_samples_dir(void);

#endif
