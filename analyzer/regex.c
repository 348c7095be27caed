/* regex.c — PCRE2 wrapper: compile rule patterns, match them under limits.
 *
 * Every pattern is compiled with PCRE2_UTF | PCRE2_UCP, caseless unless the
 * rule says case_sensitive, and JIT-compiled when the library supports it.
 * Matching goes through a CkMatcher whose match context carries the match,
 * depth and heap limits and a bounded JIT stack, so a pathological pattern
 * ends with CK_MATCH_LIMIT instead of hanging.
 */
#include "analyzer/analyzer-private.h"

#include <string.h>

/* Format a PCRE2 error code as text.  Caller g_free()s. */
static char *pcre2_error_text(int code)
{
    PCRE2_UCHAR buf[256];
    if (pcre2_get_error_message(code, buf, sizeof buf) < 0)
        return g_strdup_printf("PCRE2 error %d", code);
    return g_strdup((const char *)buf);
}

/* Whether this PCRE2 build has a JIT compiler. */
static gboolean jit_available(void)
{
    static gsize checked = 0;
    static gboolean available = FALSE;
    if (g_once_init_enter(&checked)) {
        uint32_t jit = 0;
        available = pcre2_config(PCRE2_CONFIG_JIT, &jit) >= 0 && jit;
        g_once_init_leave(&checked, 1);
    }
    return available;
}

/* Compile a rule pattern (see analyzer-private.h).  Caller frees with
 * ck_regex_free(); on failure *message is set. */
CkRegex *ck_regex_compile(const char *pattern, guint flags, char **message)
{
    return ck_regex_compile_at(pattern, flags, message, NULL);
}

/* Compile a rule pattern, reporting the error offset.  Caller frees. */
CkRegex *ck_regex_compile_at(const char *pattern, guint flags, char **message, gssize *erroffset)
{
    if (erroffset)
        *erroffset = -1;
    uint32_t options = PCRE2_UTF | PCRE2_UCP;
    if (!(flags & CK_RE_CASE_SENSITIVE))
        options |= PCRE2_CASELESS;
    if (flags & CK_RE_MULTILINE)
        options |= PCRE2_MULTILINE;
    if (flags & CK_RE_DOTALL)
        options |= PCRE2_DOTALL;

    int errcode = 0;
    PCRE2_SIZE offset = 0;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                                     options, &errcode, &offset, NULL);
    if (!code) {
        g_autofree char *text = pcre2_error_text(errcode);
        *message = g_strdup_printf("bad regex at offset %zu: %s", (size_t)offset, text);
        if (erroffset)
            *erroffset = (gssize)offset;
        return NULL;
    }
    uint32_t matchempty = 0;
    pcre2_pattern_info(code, PCRE2_INFO_MATCHEMPTY, &matchempty);
    if (matchempty && !(flags & CK_RE_ALLOW_EMPTY)) {
        pcre2_code_free(code);
        *message = g_strdup("regex can match the empty string");
        return NULL;
    }
    CkRegex *re = g_new0(CkRegex, 1);
    re->source = g_strdup(pattern);
    re->code = code;
    pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &re->capture_count);
    re->jit = jit_available() && pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
    return re;
}

/* Free a compiled regex; NULL is allowed. */
void ck_regex_free(CkRegex *re)
{
    if (!re)
        return;
    pcre2_code_free(re->code);
    g_free(re->source);
    g_free(re);
}

/* GPrivate destructor: free a thread's JIT stack when the thread ends. */
static void jit_stack_free(gpointer stack)
{
    pcre2_jit_stack_free(stack);
}

/* The calling thread's JIT stack, created on first use (NULL when JIT is
 * unavailable or the stack cannot be mapped); owned by the thread.  One
 * stack serves every matcher of the thread: matches on one thread never
 * overlap, and creating a stack maps (and freeing unmaps) a megabyte,
 * which per matcher cost a fifth of the analysis. */
static pcre2_jit_stack *thread_jit_stack(void)
{
    static GPrivate key = G_PRIVATE_INIT(jit_stack_free);
    pcre2_jit_stack *stack = g_private_get(&key);
    if (!stack && jit_available()) {
        stack = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL);
        g_private_set(&key, stack);
    }
    return stack;
}

/* Create a matcher with the standard limits.  Caller frees it. */
CkMatcher *ck_matcher_new(void)
{
    CkMatcher *m = g_new0(CkMatcher, 1);
    m->mctx = pcre2_match_context_create(NULL);
    g_assert(m->mctx);
    pcre2_set_match_limit(m->mctx, CK_PCRE_MATCH_LIMIT);
    pcre2_set_depth_limit(m->mctx, CK_DEPTH_LIMIT);
    pcre2_set_heap_limit(m->mctx, CK_HEAP_LIMIT_KB);
    m->jit_stack = thread_jit_stack();
    if (m->jit_stack)
        pcre2_jit_stack_assign(m->mctx, NULL, m->jit_stack);
    /* Room for 64 groups; larger patterns get their own ovector from PCRE2. */
    m->md = pcre2_match_data_create(65, NULL);
    g_assert(m->md);
    return m;
}

/* Free a matcher; NULL is allowed. */
void ck_matcher_free(CkMatcher *m)
{
    if (!m)
        return;
    pcre2_match_data_free(m->md);
    pcre2_match_context_free(m->mctx);   /* the JIT stack stays with the thread */
    g_free(m);
}

/* Search SUBJECT from START; see analyzer-private.h.  A negative result
 * other than "no match" (limits, JIT stack) is CK_MATCH_LIMIT. */
CkMatchResult ck_regex_next(CkMatcher *m, const CkRegex *re, const char *subject,
                            gsize len, gsize start)
{
    if (start > len)
        return CK_MATCH_NONE;
    int rc = pcre2_match(re->code, (PCRE2_SPTR)subject, len, start,
                         PCRE2_NO_UTF_CHECK, m->md, m->mctx);
    if (rc == PCRE2_ERROR_NOMATCH)
        return CK_MATCH_NONE;
    return rc < 0 ? CK_MATCH_LIMIT : CK_MATCH_FOUND;
}

/* Span of group N of the last match; FALSE when unset. */
gboolean ck_matcher_span(const CkMatcher *m, guint32 n, gsize *start, gsize *end)
{
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m->md);
    if (n >= pcre2_get_ovector_count(m->md) || ov[2 * n] == PCRE2_UNSET)
        return FALSE;
    *start = ov[2 * n];
    *end = ov[2 * n + 1];
    return *end >= *start;
}

/* Valid, capped view of TEXT; see analyzer-private.h. */
const char *ck_prepare_text(const char *text, char **owned, gsize *len)
{
    *owned = NULL;
    if (!text)
        text = "";
    gsize n = strlen(text);
    if (!g_utf8_validate(text, n, NULL))
        text = *owned = g_utf8_make_valid(text, n);
    n = strlen(text);
    if (n > CK_SCAN_CAP) {
        const char *cut = g_utf8_find_prev_char(text, text + CK_SCAN_CAP + 1);
        n = cut ? (gsize)(cut - text) : CK_SCAN_CAP;
    }
    *len = n;
    return text;
}

/* Unanchored test over the whole TEXT (patterns anchor themselves with ^$).
 * A limit error counts as no match. */
gboolean ck_regex_matches(CkMatcher *m, const CkRegex *re, const char *text)
{
    if (!g_utf8_validate(text, -1, NULL))
        return FALSE;
    return ck_regex_next(m, re, text, strlen(text), 0) == CK_MATCH_FOUND;
}

/* Clip TEXT[0..len) to a one-line snippet.  Caller g_free()s. */
char *ck_snippet(const char *text, gsize len)
{
    GString *out = g_string_sized_new(MIN(len, (gsize)CK_SNIPPET_MAX) + 4);
    const char *p = text, *end = text + len;
    gboolean space = FALSE;
    while (p < end && *p) {
        const char *next = g_utf8_find_next_char(p, end);
        if (!next)
            next = end;
        if (g_ascii_isspace(*p)) {
            space = out->len > 0;
        } else {
            if (space)
                g_string_append_c(out, ' ');
            space = FALSE;
            if (out->len + (gsize)(next - p) > CK_SNIPPET_MAX) {
                g_string_append(out, "…");
                break;
            }
            g_string_append_len(out, p, next - p);
        }
        p = next;
    }
    return g_string_free(out, FALSE);
}
