/* regex.h — PCRE2 with casekb's limits, for rules and for reports.
 *
 * Every pattern is compiled in UTF + UCP mode (JIT when available) and run
 * through a CkMatcher that carries the match, depth and heap limits and the
 * JIT stack, so a bad pattern fails (CK_MATCH_LIMIT) instead of hanging.
 * A matcher is per thread/run; compiled regexes can be shared.
 */
#ifndef CASEKB_REGEX_H
#define CASEKB_REGEX_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <glib.h>

/* Limits applied to every pattern (rules may not raise them). */
#define CK_PCRE_MATCH_LIMIT 1000000u
#define CK_DEPTH_LIMIT   10000u
#define CK_HEAP_LIMIT_KB 20480u
#define CK_SCAN_CAP      (256u * 1024u)   /* bytes scanned per text part */
#define CK_SNIPPET_MAX   160              /* bytes kept of a matched text */

/* ---- regexes (regex.c) ---- */

typedef struct {
    char *source;          /* the pattern as written in the rule file */
    pcre2_code *code;
    gboolean jit;          /* JIT-compiled */
    guint32 capture_count;
} CkRegex;

typedef enum {
    CK_RE_CASE_SENSITIVE = 1 << 0,   /* default: caseless */
    CK_RE_MULTILINE = 1 << 1,        /* ^ $ match at line ends */
    CK_RE_DOTALL = 1 << 2,           /* . matches newline */
    CK_RE_ALLOW_EMPTY = 1 << 3,      /* do not refuse empty-matching patterns */
} CkRegexFlags;

/* Per-run match state: limits, JIT stack, match data.  Not thread-safe;
 * one per thread/run, used only on the thread that created it. */
typedef struct {
    pcre2_match_context *mctx;
    pcre2_jit_stack *jit_stack;   /* the creating thread's, shared by its matchers; not owned */
    pcre2_match_data *md;
} CkMatcher;

/* Outcome of one search step. */
typedef enum { CK_MATCH_NONE, CK_MATCH_FOUND, CK_MATCH_LIMIT } CkMatchResult;

/* Compile PATTERN with FLAGS.  On failure returns NULL and sets *message
 * (caller g_free()s) to e.g. "bad regex at offset 3: missing )".  Caller
 * frees the result with ck_regex_free().  (Also used by reports/.) */
CkRegex *ck_regex_compile(const char *pattern, guint flags, char **message);

/* ck_regex_compile() that also sets *erroffset to the byte offset of the
 * error in PATTERN, or -1 when the problem has no position. */
CkRegex *ck_regex_compile_at(const char *pattern, guint flags, char **message, gssize *erroffset);
void ck_regex_free(CkRegex *re);

/* Create a matcher with the standard limits.  Caller frees with
 * ck_matcher_free(). */
CkMatcher *ck_matcher_new(void);
void ck_matcher_free(CkMatcher *m);

/* Search SUBJECT[0..len) from byte offset START (subject must be valid
 * UTF-8; START on a character boundary).  On FOUND, read spans with
 * ck_matcher_span(). */
CkMatchResult ck_regex_next(CkMatcher *m, const CkRegex *re, const char *subject,
                            gsize len, gsize start);

/* Span of group N of the last FOUND match; FALSE when it did not take part. */
gboolean ck_matcher_span(const CkMatcher *m, guint32 n, gsize *start, gsize *end);

/* Valid, capped view of TEXT (NULL → ""): returns TEXT itself or a repaired
 * copy stored in *owned (caller g_free()s *owned); *len is the byte length
 * to scan (at most CK_SCAN_CAP, cut on a character boundary). */
const char *ck_prepare_text(const char *text, char **owned, gsize *len);

/* Anchored whole-string test used for parameter validation and `expect`. */
gboolean ck_regex_matches(CkMatcher *m, const CkRegex *re, const char *text);

/* ---- text helpers ---- */

/* Clip TEXT to at most CK_SNIPPET_MAX bytes on a character boundary,
 * whitespace folded.  Caller g_free()s. */
char *ck_snippet(const char *text, gsize len);

#endif
