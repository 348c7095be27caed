/* search.c — parse casekb queries and run them against the database.
 *
 * A parsed query is an AND of groups; a group is an OR of atoms (word,
 * prefix, phrase or filter), each possibly negated.  Running it builds one
 * SQL statement in which every atom is a predicate with bound parameters:
 *   word / prefix  m.id IN (SELECT rowid FROM messages_fts WHERE … MATCH ?)
 *   phrase         an FTS5 candidate test (its indexable pieces: Han runs
 *                  as bigram phrases, whole words, a word cut by the end as
 *                  a prefix, a word cut by the start through the marked
 *                  suffix tokens) AND an exact check
 *                  casekb_contains(column, ?) — so phrases are exact
 *                  substrings after folding, whatever they cut.  Phrases of
 *                  Han characters only are exact through FTS5 alone; a
 *                  phrase with no usable piece ("a", "-") is checked on
 *                  every row
 *   filter         a test on messages m / cases c / case_* tables
 * Groups whose atoms are all positive and indexable are also ANDed into one
 * MATCH on messages_fts that drives the query and gives bm25 ranks and
 * snippets.
 */
#include "store/search.h"
#include "store/fts-tokenizer.h"
#include "reports/privacy.h"

#include <stdarg.h>
#include <string.h>

G_DEFINE_QUARK(ck-search-error-quark, ck_search_error)

enum { COL_SUBJECT = 1, COL_BODY = 2, COL_QUOTED = 4, COL_ALL = 7 };

typedef enum { ATOM_WORD, ATOM_PREFIX, ATOM_PHRASE, ATOM_FILTER } AtomKind;

typedef enum {
    F_CASE, F_FROM, F_STATUS, F_VENDOR, F_CUSTOMER, F_CAUSE, F_CODE, F_CMD, F_SN, F_ATTACHMENT,
    F_AFTER, F_BEFORE, F_DATE, F_SUBJECT, F_BODY, F_QUOTED
} FilterKey;

static const struct {
    const char *name;
    FilterKey key;
} FILTER_NAMES[] = {
    { "case", F_CASE }, { "from", F_FROM }, { "status", F_STATUS }, { "vendor", F_VENDOR },
    { "customer", F_CUSTOMER }, { "cause", F_CAUSE }, { "code", F_CODE }, { "cmd", F_CMD },
    { "sn", F_SN }, { "attachment", F_ATTACHMENT }, { "after", F_AFTER }, { "before", F_BEFORE }, { "date", F_DATE },
    { "subject", F_SUBJECT }, { "body", F_BODY }, { "quoted", F_QUOTED },
};

/* One query atom. */
typedef struct {
    AtomKind kind;
    gboolean negated;
    int position;       /* 1-based character position in the query */
    char *text;         /* word / prefix / phrase text, or filter value */
    FilterKey filter;   /* ATOM_FILTER */
    guint columns;      /* ATOM_PHRASE: COL_* mask */
    gint64 lo, hi;      /* date filters: lo <= date < hi */
} Atom;

struct CkSearchQuery {
    GPtrArray *groups;  /* GPtrArray (of Atom *) per AND-ed group */
};

/* Free an atom. */
static void atom_free(gpointer p)
{
    Atom *atom = p;
    if (!atom)
        return;
    g_free(atom->text);
    g_free(atom);
}

/* See search.h. */
void ck_search_query_free(CkSearchQuery *query)
{
    if (!query)
        return;
    g_ptr_array_unref(query->groups);
    g_free(query);
}

/* See search.h. */
void ck_search_result_free(CkSearchResult *result)
{
    if (!result)
        return;
    g_free(result->case_key);
    g_free(result->message_id);
    g_free(result->from);
    g_free(result->subject);
    g_free(result->snippet);
    if (result->causes)
        g_ptr_array_unref(result->causes);
    g_free(result);
}

/* ------------------------------------------------------------------ */
/* Parsing                                                              */
/* ------------------------------------------------------------------ */

typedef struct {
    const char *text;   /* the whole query */
    const char *p;      /* cursor */
    GError **error;
} Lexer;

/* Set *error to "query: <message> at position N" (N: the character at AT)
 * and return FALSE. */
static gboolean G_GNUC_PRINTF(3, 4) parse_fail(Lexer *lx, const char *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *what = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    long position = g_utf8_pointer_to_offset(lx->text, at) + 1;
    g_set_error(lx->error, CK_SEARCH_ERROR, CK_SEARCH_ERROR_QUERY, "query: %s at position %ld", what,
                position);
    g_free(what);
    return FALSE;
}

/* 1-based character position of AT in the query. */
static int position_of(const Lexer *lx, const char *at)
{
    return (int)g_utf8_pointer_to_offset(lx->text, at) + 1;
}

/* TRUE for characters that separate query terms. */
static gboolean is_space_char(const char *p)
{
    return *p && g_unichar_isspace(g_utf8_get_char(p));
}

/* Skip separators at the cursor. */
static void skip_spaces(Lexer *lx)
{
    while (is_space_char(lx->p))
        lx->p = g_utf8_next_char(lx->p);
}

/* TRUE when the cursor is at keyword KW followed by a separator or the end. */
static gboolean at_keyword(const Lexer *lx, const char *kw)
{
    size_t n = strlen(kw);
    return strncmp(lx->p, kw, n) == 0 && (lx->p[n] == '\0' || is_space_char(lx->p + n));
}

/* Read a "quoted string" at the cursor (\" and \\ escape) into *OUT and
 * move past it.  FALSE with *error when unclosed or empty. */
static gboolean read_quoted(Lexer *lx, char **out)
{
    const char *open = lx->p;
    GString *s = g_string_new(NULL);
    const char *p = open + 1;
    while (*p && *p != '"') {
        if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
            p++;
        const char *next = g_utf8_next_char(p);
        g_string_append_len(s, p, next - p);
        p = next;
    }
    if (*p != '"') {
        g_string_free(s, TRUE);
        return parse_fail(lx, open, "unclosed quote");
    }
    if (s->len == 0) {
        g_string_free(s, TRUE);
        return parse_fail(lx, open, "empty phrase");
    }
    lx->p = p + 1;
    *out = g_string_free(s, FALSE);
    return TRUE;
}

/* End of the bare word at P: the next separator, quote or end. */
static const char *bare_word_end(const char *p)
{
    while (*p && *p != '"' && !is_space_char(p))
        p = g_utf8_next_char(p);
    return p;
}

/* TRUE when TEXT holds a character the tokenizer indexes. */
static gboolean has_indexable(const char *text)
{
    GArray *chars = ck_fts_fold_chars(text, -1);
    gboolean found = FALSE;
    for (guint i = 0; i < chars->len && !found; i++)
        found = ck_fts_char_class(g_array_index(chars, CkFoldedChar, i).ch) != CK_FTS_CLASS_OTHER;
    g_array_unref(chars);
    return found;
}

/* The filter named by the N bytes at NAME; FALSE when it is not one. */
static gboolean lookup_filter(const char *name, size_t n, FilterKey *key)
{
    for (size_t i = 0; i < G_N_ELEMENTS(FILTER_NAMES); i++)
        if (strlen(FILTER_NAMES[i].name) == n && g_ascii_strncasecmp(FILTER_NAMES[i].name, name, n) == 0) {
            *key = FILTER_NAMES[i].key;
            return TRUE;
        }
    return FALSE;
}

/* The number in the N digits at S, or -1 when one is not a digit. */
static int parse_digits(const char *s, int n)
{
    int value = 0;
    for (int i = 0; i < n; i++) {
        if (!g_ascii_isdigit(s[i]))
            return -1;
        value = value * 10 + (s[i] - '0');
    }
    return value;
}

/* Parse "YYYY", "YYYY-MM" or "YYYY-MM-DD" (N bytes at S) into the UTC
 * interval [*lo, *hi).  FALSE when malformed or not a real date. */
static gboolean parse_date_span(const char *s, size_t n, gint64 *lo, gint64 *hi)
{
    if (n != 4 && n != 7 && n != 10)
        return FALSE;
    int fields = n == 4 ? 1 : n == 7 ? 2 : 3;
    int year = parse_digits(s, 4);
    int month = fields >= 2 && s[4] == '-' ? parse_digits(s + 5, 2) : fields >= 2 ? -1 : 1;
    int day = fields == 3 && s[7] == '-' ? parse_digits(s + 8, 2) : fields == 3 ? -1 : 1;
    if (year < 1970 || year > 9998 || month < 1 || month > 12
        || !g_date_valid_dmy((GDateDay)day, (GDateMonth)month, (GDateYear)year))
        return FALSE;
    GDateTime *start = g_date_time_new_utc(year, month, day, 0, 0, 0);
    GDateTime *end = fields == 1   ? g_date_time_add_years(start, 1)
                     : fields == 2 ? g_date_time_add_months(start, 1)
                                   : g_date_time_add_days(start, 1);
    *lo = g_date_time_to_unix(start);
    *hi = g_date_time_to_unix(end);
    g_date_time_unref(start);
    g_date_time_unref(end);
    return TRUE;
}

/* Fill ATOM's date interval from the after:/before:/date: value at VALUE
 * (its text is ATOM->text).  FALSE with *error when malformed. */
static gboolean parse_date_filter(Lexer *lx, Atom *atom, const char *value)
{
    const char *text = atom->text;
    const char *dots = atom->filter == F_DATE ? strstr(text, "..") : NULL;
    gint64 lo_a, hi_a, lo_b, hi_b;
    const char *usage = "(use YYYY, YYYY-MM or YYYY-MM-DD)";
    if (!dots) {
        if (!parse_date_span(text, strlen(text), &lo_a, &hi_a))
            return parse_fail(lx, value, "bad date \"%s\" %s", text, usage);
        atom->lo = atom->filter == F_BEFORE ? G_MININT64 : lo_a;
        atom->hi = atom->filter == F_AFTER ? G_MAXINT64 : atom->filter == F_BEFORE ? lo_a : hi_a;
        return TRUE;
    }
    size_t left = (size_t)(dots - text);
    const char *right = dots + 2;
    if (left == 0 && *right == '\0')
        return parse_fail(lx, value, "date range \"..\" needs at least one date");
    if (left > 0 && !parse_date_span(text, left, &lo_a, &hi_a))
        return parse_fail(lx, value, "bad date \"%.*s\" %s", (int)left, text, usage);
    if (*right && !parse_date_span(right, strlen(right), &lo_b, &hi_b))
        return parse_fail(lx, value + (right - text), "bad date \"%s\" %s", right, usage);
    atom->lo = left > 0 ? lo_a : G_MININT64;
    atom->hi = *right ? hi_b : G_MAXINT64;
    if (atom->lo >= atom->hi)
        return parse_fail(lx, value, "date range \"%s\" ends before it starts", text);
    return TRUE;
}

/* Turn ATOM (kind ATOM_FILTER, key and value set) into its final form:
 * subject:/body:/quoted: become column phrases; dates get intervals. */
static gboolean finish_filter(Lexer *lx, Atom *atom, const char *value)
{
    switch (atom->filter) {
    case F_SUBJECT: case F_BODY: case F_QUOTED:
        atom->kind = ATOM_PHRASE;
        atom->columns = atom->filter == F_SUBJECT ? COL_SUBJECT
                        : atom->filter == F_BODY  ? COL_BODY
                                                  : COL_QUOTED;
        return TRUE;
    case F_AFTER: case F_BEFORE: case F_DATE:
        return parse_date_filter(lx, atom, value);
    default:
        return TRUE;
    }
}

/* Parse the value of a filter whose "key:" spans START..COLON at the
 * cursor's word (ending at END).  FALSE with *error when it has none. */
static gboolean parse_filter_value(Lexer *lx, Atom *atom, const char *start, const char *colon,
                                   const char *end)
{
    const char *value = colon + 1;
    int key_len = (int)(colon - start);
    if (value == end && *end == '"') {
        lx->p = value;
        if (!read_quoted(lx, &atom->text))
            return FALSE;
    } else if (value == end) {
        return parse_fail(lx, start, "%.*s: needs a value", key_len, start);
    } else {
        atom->text = g_strndup(value, (gsize)(end - value));
        lx->p = end;
    }
    return finish_filter(lx, atom, value);
}

/* Parse a bare word at the cursor: a filter, a prefix or a word.
 * Returns the atom, or NULL with *error. */
static Atom *parse_bare(Lexer *lx)
{
    const char *start = lx->p;
    const char *end = bare_word_end(start);
    const char *colon = memchr(start, ':', (size_t)(end - start));
    Atom *atom = g_new0(Atom, 1);
    atom->position = position_of(lx, start);
    if (colon && lookup_filter(start, (size_t)(colon - start), &atom->filter)) {
        atom->kind = ATOM_FILTER;
        if (parse_filter_value(lx, atom, start, colon, end))
            return atom;
        atom_free(atom);
        return NULL;
    }
    lx->p = end;
    gboolean star = end[-1] == '*';
    atom->text = g_strndup(start, (gsize)(end - start - (star ? 1 : 0)));
    gboolean indexable = has_indexable(atom->text);
    if (star && !indexable) {
        atom_free(atom);
        parse_fail(lx, start, "'*' needs letters or digits before it");
        return NULL;
    }
    atom->kind = star ? ATOM_PREFIX : indexable ? ATOM_WORD : ATOM_PHRASE;
    atom->columns = COL_ALL;
    return atom;
}

/* Parse one atom at the cursor (after any negation).  NULL with *error. */
static Atom *parse_atom(Lexer *lx)
{
    if (*lx->p != '"')
        return parse_bare(lx);
    Atom *atom = g_new0(Atom, 1);
    atom->kind = ATOM_PHRASE;
    atom->columns = COL_ALL;
    atom->position = position_of(lx, lx->p);
    if (!read_quoted(lx, &atom->text)) {
        atom_free(atom);
        return NULL;
    }
    return atom;
}

/* Parse an optionally negated atom ("-x", "NOT x") at the cursor.
 * NULL with *error. */
static Atom *parse_signed_atom(Lexer *lx)
{
    gboolean negated = FALSE;
    if (at_keyword(lx, "NOT")) {
        const char *not_at = lx->p;
        lx->p += 3;
        skip_spaces(lx);
        if (!*lx->p || at_keyword(lx, "OR") || at_keyword(lx, "NOT")) {
            parse_fail(lx, not_at, "NOT needs a term after it");
            return NULL;
        }
        negated = TRUE;
    } else if (*lx->p == '-' && lx->p[1] && lx->p[1] != '-' && !is_space_char(lx->p + 1)) {
        lx->p++;
        negated = TRUE;
    }
    Atom *atom = parse_atom(lx);
    if (atom)
        atom->negated = negated;
    return atom;
}

/* Parse the whole query into Q's groups.  FALSE with *error. */
static gboolean parse_groups(Lexer *lx, CkSearchQuery *q)
{
    GPtrArray *group = NULL;
    const char *pending_or = NULL;   /* an OR still waiting for its right side */
    for (skip_spaces(lx); *lx->p; skip_spaces(lx)) {
        if (at_keyword(lx, "OR")) {
            if (!group || pending_or)
                return parse_fail(lx, lx->p, "OR needs a term before it");
            pending_or = lx->p;
            lx->p += 2;
            continue;
        }
        Atom *atom = parse_signed_atom(lx);
        if (!atom)
            return FALSE;
        if (!pending_or) {
            group = g_ptr_array_new_with_free_func(atom_free);
            g_ptr_array_add(q->groups, group);
        }
        g_ptr_array_add(group, atom);
        pending_or = NULL;
    }
    if (pending_or)
        return parse_fail(lx, pending_or, "OR needs a term after it");
    if (q->groups->len == 0)
        return parse_fail(lx, lx->p, "empty query");
    return TRUE;
}

/* See search.h. */
CkSearchQuery *ck_search_query_parse(const char *text, GError **error)
{
    if (!text || !g_utf8_validate(text, -1, NULL)) {
        g_set_error(error, CK_SEARCH_ERROR, CK_SEARCH_ERROR_QUERY, "query: not valid UTF-8 at position 1");
        return NULL;
    }
    Lexer lx = { text, text, error };
    CkSearchQuery *q = g_new0(CkSearchQuery, 1);
    q->groups = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
    if (!parse_groups(&lx, q)) {
        ck_search_query_free(q);
        return NULL;
    }
    return q;
}

/* ------------------------------------------------------------------ */
/* FTS5 expressions                                                     */
/* ------------------------------------------------------------------ */

/* Append MARK ("" for none) then TEXT to EXPR as one FTS5 string ("…" with
 * quotes doubled).  ASCII control characters in TEXT become spaces, so
 * query text never carries the tokenizer's suffix mark (\x01). */
static void append_fts_marked(GString *expr, const char *mark, const char *text)
{
    g_string_append_c(expr, '"');
    g_string_append(expr, mark);
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            g_string_append_c(expr, '"');
        g_string_append_c(expr, g_ascii_iscntrl(*p) ? ' ' : *p);
    }
    g_string_append_c(expr, '"');
}

/* Append TEXT to EXPR as an FTS5 string with no mark. */
static void append_fts_string(GString *expr, const char *text)
{
    append_fts_marked(expr, "", text);
}

/* The FTS5 column filter for a COL_* mask ("" for all columns). */
static const char *column_filter(guint columns)
{
    switch (columns) {
    case COL_SUBJECT: return "subject : ";
    case COL_BODY: return "body : ";
    case COL_QUOTED: return "quoted : ";
    default: return "";
    }
}

/* The folded characters C[0..N) as UTF-8.  Caller frees. */
static char *piece_text(const CkFoldedChar *c, int n)
{
    GString *piece = g_string_new(NULL);
    for (int i = 0; i < n; i++)
        g_string_append_unichar(piece, c[i].ch);
    return g_string_free(piece, FALSE);
}

/* Start a new conjunct in EXPR: " AND " unless it is the first, then the
 * column filter of COLUMNS. */
static void append_conjunct(GString *expr, guint columns)
{
    if (expr->len > 0)
        g_string_append(expr, " AND ");
    g_string_append(expr, column_filter(columns));
}

/* Append one indexable piece (folded characters C[0..N) of one class) of a
 * phrase to EXPR, ANDed with what is there; PREFIX: as a prefix. */
static void append_piece(GString *expr, const CkFoldedChar *c, int n, gboolean prefix, guint columns)
{
    char *piece = piece_text(c, n);
    append_conjunct(expr, columns);
    append_fts_string(expr, piece);
    if (prefix)
        g_string_append(expr, " *");
    g_free(piece);
}

/* Append a word C[0..N) cut by the phrase's start (and by its end when
 * CUT_END): the start of a word, or a marked suffix of a longer one. */
static void append_cut_word(GString *expr, const CkFoldedChar *c, int n, gboolean cut_end, guint columns)
{
    char *word = piece_text(c, n);
    char *head = piece_text(c, MIN(n, CK_FTS_SUFFIX_CHARS));
    append_conjunct(expr, columns);
    g_string_append_c(expr, '(');
    append_fts_string(expr, word);
    g_string_append(expr, cut_end ? " * OR " : " OR ");
    append_fts_marked(expr, CK_FTS_SUFFIX_MARK, head);
    g_string_append(expr, " *)");
    g_free(head);
    g_free(word);
}

/* The FTS5 expression every message containing phrase TEXT must match,
 * or NULL when it has no usable piece.  Han runs are always exact bigram
 * phrases; a word cut by the phrase's end becomes a prefix; one cut by its
 * start may be the tail of a longer word and uses the marked suffix tokens
 * (skipped when shorter than CK_FTS_SUFFIX_MIN).  Caller frees. */
static char *phrase_candidate(const char *text, guint columns)
{
    GArray *chars = ck_fts_fold_chars(text, -1);
    const CkFoldedChar *c = (const CkFoldedChar *)(void *)chars->data;
    int n = (int)chars->len;
    GString *expr = g_string_new(NULL);
    for (int i = 0; i < n;) {
        CkFtsClass cls = ck_fts_char_class(c[i].ch);
        int j = i + 1;
        while (j < n && ck_fts_char_class(c[j].ch) == cls)
            j++;
        if (cls == CK_FTS_CLASS_CJK)
            append_piece(expr, c + i, j - i, FALSE, columns);
        else if (cls == CK_FTS_CLASS_WORD && i > 0)
            append_piece(expr, c + i, j - i, j == n, columns);
        else if (cls == CK_FTS_CLASS_WORD && j - i >= CK_FTS_SUFFIX_MIN)
            append_cut_word(expr, c + i, j - i, j == n, columns);
        i = j;
    }
    g_array_unref(chars);
    if (expr->len == 0) {
        g_string_free(expr, TRUE);
        return NULL;
    }
    return g_string_free(expr, FALSE);
}

/* The FTS5 expression of a positive text atom, or NULL when it has none
 * (filters, phrases without indexable pieces).  Caller frees. */
static char *atom_fts_expr(const Atom *atom)
{
    GString *expr;
    switch (atom->kind) {
    case ATOM_WORD: case ATOM_PREFIX:
        expr = g_string_new(NULL);
        append_fts_string(expr, atom->text);
        if (atom->kind == ATOM_PREFIX)
            g_string_append(expr, " *");
        return g_string_free(expr, FALSE);
    case ATOM_PHRASE:
        return phrase_candidate(atom->text, atom->columns);
    default:
        return NULL;
    }
}

/* ------------------------------------------------------------------ */
/* SQL building                                                         */
/* ------------------------------------------------------------------ */

/* A bound parameter: text or integer. */
typedef struct {
    char *text;         /* NULL for an integer */
    gint64 number;
} Param;

/* Free a Param. */
static void param_free(gpointer p)
{
    Param *param = p;
    g_free(param->text);
    g_free(param);
}

/* The SQL being built and its parameters, in placeholder order. */
typedef struct {
    GString *sql;
    GPtrArray *params;  /* Param * */
} SqlBuilder;

/* Append "?" to the SQL and TEXT (copied) as its parameter. */
static void bind_text(SqlBuilder *b, const char *text)
{
    Param *param = g_new0(Param, 1);
    param->text = g_strdup(text);
    g_ptr_array_add(b->params, param);
    g_string_append_c(b->sql, '?');
}

/* Append "?" to the SQL and NUMBER as its parameter. */
static void bind_int(SqlBuilder *b, gint64 number)
{
    Param *param = g_new0(Param, 1);
    param->number = number;
    g_ptr_array_add(b->params, param);
    g_string_append_c(b->sql, '?');
}

/* Append SQL that is true for messages matching FTS5 expression EXPR. */
static void sql_fts_member(SqlBuilder *b, const char *expr)
{
    g_string_append(b->sql, "m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ");
    bind_text(b, expr);
    g_string_append_c(b->sql, ')');
}

/* Append the exact check that a column of COLUMNS contains phrase TEXT.
 * Unrestricted phrases also look in forwarded text and attachment text
 * (indexed with body). */
static void sql_phrase_check(SqlBuilder *b, const char *text, guint columns)
{
    static const char *const all[] = { "m.body", "m.subject", "m.forwarded", "m.quoted", "m.attachment_text" };
    const char *one[] = { columns == COL_SUBJECT ? "m.subject" : columns == COL_BODY ? "m.body" : "m.quoted" };
    const char *const *cols = columns == COL_ALL ? all : one;
    size_t ncols = columns == COL_ALL ? G_N_ELEMENTS(all) : 1;
    g_string_append_c(b->sql, '(');
    for (size_t i = 0; i < ncols; i++) {
        g_string_append_printf(b->sql, "%scasekb_contains(%s, ", i ? " OR " : "", cols[i]);
        bind_text(b, text);
        g_string_append_c(b->sql, ')');
    }
    g_string_append_c(b->sql, ')');
}

/* Append "(TEMPLATE)" where each '?' in TEMPLATE binds VALUE. */
static void sql_with_value(SqlBuilder *b, const char *template, const char *value)
{
    g_string_append_c(b->sql, '(');
    for (const char *p = template; *p; p++) {
        if (*p == '?')
            bind_text(b, value);
        else
            g_string_append_c(b->sql, *p);
    }
    g_string_append_c(b->sql, ')');
}

/* Append the predicate of a date filter. */
static void sql_date_range(SqlBuilder *b, const Atom *atom)
{
    g_string_append(b->sql, "(1");
    if (atom->lo != G_MININT64) {
        g_string_append(b->sql, " AND m.date >= ");
        bind_int(b, atom->lo);
    }
    if (atom->hi != G_MAXINT64) {
        g_string_append(b->sql, " AND m.date < ");
        bind_int(b, atom->hi);
    }
    g_string_append_c(b->sql, ')');
}

/* Append the predicate of an error-code filter: 0x is optional on both
 * the stored code and the query value. */
static void sql_code_filter(SqlBuilder *b, const char *value)
{
    char *norm = g_ascii_strdown(value, -1);
    const char *bare = g_str_has_prefix(norm, "0x") ? norm + 2 : norm;
    sql_with_value(b, "m.case_id IN (SELECT case_id FROM case_entities WHERE type = 'error_code'"
                      " AND (lower(value) = ? OR lower(value) = '0x' || ?))", bare);
    g_free(norm);
}

/* Append the predicate of a cause filter (trailing '*': prefix). */
static void sql_cause_filter(SqlBuilder *b, const char *value)
{
    size_t n = strlen(value);
    if (n > 1 && value[n - 1] == '*') {
        char *prefix = g_strndup(value, n - 1);
        sql_with_value(b, "m.case_id IN (SELECT case_id FROM case_causes"
                          " WHERE instr(lower(cause_id), lower(?)) = 1)", prefix);
        g_free(prefix);
    } else {
        sql_with_value(b, "m.case_id IN (SELECT case_id FROM case_causes"
                          " WHERE cause_id = ? COLLATE NOCASE)", value);
    }
}

/* Append the predicate of a filter atom. */
static void sql_filter(SqlBuilder *b, const Atom *atom)
{
    const char *v = atom->text;
    switch (atom->filter) {
    case F_CASE:
        sql_with_value(b, "c.case_key = ? COLLATE NOCASE OR m.case_id IN"
                          " (SELECT case_id FROM case_aliases WHERE alias = ? COLLATE NOCASE)", v);
        break;
    case F_FROM:
        sql_with_value(b, "casekb_contains(m.from_name, ?) OR casekb_contains(m.from_addr, ?)", v);
        break;
    case F_STATUS: sql_with_value(b, "c.status = ? COLLATE NOCASE", v); break;
    case F_VENDOR: sql_with_value(b, "casekb_contains(c.vendor, ?)", v); break;
    case F_CUSTOMER: sql_with_value(b, "casekb_contains(c.customer, ?)", v); break;
    case F_CAUSE: sql_cause_filter(b, v); break;
    case F_CODE: sql_code_filter(b, v); break;
    case F_CMD:
        sql_with_value(b, "m.case_id IN (SELECT case_id FROM case_entities"
                          " WHERE type = 'command' AND casekb_contains(value, ?))", v);
        break;
    case F_SN:
        sql_with_value(b, "m.case_id IN (SELECT case_id FROM case_entities"
                          " WHERE type = 'serial_number' AND value = ? COLLATE NOCASE)", v);
        break;
    case F_ATTACHMENT:
        sql_with_value(b, "EXISTS (SELECT 1 FROM json_each(m.attachments) a"
                          " WHERE casekb_contains(json_extract(a.value, '$.name'), ?)"
                          " OR casekb_contains(json_extract(a.value, '$.type'), ?))", v);
        break;
    default:
        sql_date_range(b, atom);
        break;
    }
}

/* TRUE when phrase ATOM needs the exact casekb_contains() check.  A
 * phrase of Han/kana/hangul characters only is exact already: its bigrams
 * at consecutive positions occur only where the characters do, and FTS5
 * columns match the checked ones — except body:, which checks the new text
 * without the forwarded text indexed with it. */
static gboolean phrase_needs_check(const Atom *atom)
{
    if (atom->columns == COL_BODY)
        return TRUE;
    GArray *chars = ck_fts_fold_chars(atom->text, -1);
    gboolean all_cjk = chars->len > 0;
    for (guint i = 0; i < chars->len && all_cjk; i++)
        all_cjk = ck_fts_char_class(g_array_index(chars, CkFoldedChar, i).ch) == CK_FTS_CLASS_CJK;
    g_array_unref(chars);
    return !all_cjk;
}

/* Append the predicate of a phrase atom: its FTS candidate (unless the
 * main MATCH already requires it) and its exact check when needed. */
static void sql_phrase(SqlBuilder *b, const Atom *atom, gboolean in_main_match)
{
    gboolean check = phrase_needs_check(atom);
    char *expr = in_main_match ? NULL : atom_fts_expr(atom);
    g_string_append_c(b->sql, '(');
    if (expr)
        sql_fts_member(b, expr);
    if (expr && check)
        g_string_append(b->sql, " AND ");
    if (check)
        sql_phrase_check(b, atom->text, atom->columns);
    if (!expr && !check)
        g_string_append_c(b->sql, '1');
    g_string_append_c(b->sql, ')');
    g_free(expr);
}

/* Append the predicate of ATOM (without its negation).  When
 * IN_MAIN_MATCH the main MATCH already requires the atom's FTS candidate. */
static void sql_atom(SqlBuilder *b, const Atom *atom, gboolean in_main_match)
{
    char *expr = NULL;
    switch (atom->kind) {
    case ATOM_WORD: case ATOM_PREFIX:
        expr = atom_fts_expr(atom);
        sql_fts_member(b, expr);
        g_free(expr);
        break;
    case ATOM_PHRASE:
        sql_phrase(b, atom, in_main_match);
        break;
    case ATOM_FILTER:
        sql_filter(b, atom);
        break;
    }
}

/* The FTS5 expression of GROUP for the main MATCH — "(a OR b)" — or NULL
 * when some atom is negated or not indexable.  Caller frees. */
static char *group_fts_expr(GPtrArray *group)
{
    GString *expr = g_string_new("(");
    for (guint i = 0; i < group->len; i++) {
        const Atom *atom = group->pdata[i];
        char *one = atom->negated ? NULL : atom_fts_expr(atom);
        if (!one) {
            g_string_free(expr, TRUE);
            return NULL;
        }
        g_string_append_printf(expr, "%s(%s)", i ? " OR " : "", one);
        g_free(one);
    }
    g_string_append_c(expr, ')');
    return g_string_free(expr, FALSE);
}

/* TRUE when GROUP needs an SQL predicate even though the main MATCH
 * covers it: it holds a phrase that needs its exact check. */
static gboolean group_needs_check(GPtrArray *group)
{
    for (guint i = 0; i < group->len; i++) {
        const Atom *atom = group->pdata[i];
        if (atom->kind == ATOM_PHRASE && phrase_needs_check(atom))
            return TRUE;
    }
    return FALSE;
}

/* Append " AND (…)" for GROUP: the OR of its atoms' predicates, each
 * NULL-safe and negated as asked.  IN_MAIN_MATCH: see sql_atom(). */
static void sql_group(SqlBuilder *b, GPtrArray *group, gboolean in_main_match)
{
    g_string_append(b->sql, " AND (");
    for (guint i = 0; i < group->len; i++) {
        const Atom *atom = group->pdata[i];
        g_string_append_printf(b->sql, "%s%scoalesce(", i ? " OR " : "", atom->negated ? "NOT " : "");
        sql_atom(b, atom, in_main_match && group->len == 1);
        g_string_append(b->sql, ", 0)");
    }
    g_string_append_c(b->sql, ')');
}

/* The main MATCH expression of Q (AND of its indexable groups), or NULL
 * when no group qualifies.  Caller frees. */
static char *main_match_expr(const CkSearchQuery *q)
{
    GString *expr = g_string_new(NULL);
    for (guint i = 0; i < q->groups->len; i++) {
        char *one = group_fts_expr(q->groups->pdata[i]);
        if (one)
            g_string_append_printf(expr, "%s%s", expr->len ? " AND " : "", one);
        g_free(one);
    }
    if (expr->len == 0) {
        g_string_free(expr, TRUE);
        return NULL;
    }
    return g_string_free(expr, FALSE);
}

/* TRUE when a filter of Q tests the case row (cases c): case:, status:,
 * vendor:, customer:.  Only then does the query join cases (on a large
 * database an unused join cost up to 49 ms a search). */
static gboolean query_reads_cases(const CkSearchQuery *q)
{
    for (guint i = 0; i < q->groups->len; i++) {
        GPtrArray *group = q->groups->pdata[i];
        for (guint j = 0; j < group->len; j++) {
            const Atom *atom = group->pdata[j];
            if (atom->kind == ATOM_FILTER && (atom->filter == F_CASE || atom->filter == F_STATUS
                                              || atom->filter == F_VENDOR || atom->filter == F_CUSTOMER))
                return TRUE;
        }
    }
    return FALSE;
}

/* TRUE when the main MATCH expression alone decides Q's hits: every group
 * is indexable and none needs an exact check (so no message row is read). */
static gboolean query_is_index_only(const CkSearchQuery *q)
{
    for (guint i = 0; i < q->groups->len; i++) {
        GPtrArray *group = q->groups->pdata[i];
        char *covered = group_fts_expr(group);
        gboolean index_only = covered && !group_needs_check(group);
        g_free(covered);
        if (!index_only)
            return FALSE;
    }
    return q->groups->len > 0;
}

/* Start the statement of Q with "WITH hits AS (…)": every matching message
 * (mid, cid, mdate, score), scored by bm25 when SCORED.  MAIN is the main
 * MATCH expression or NULL. */
static void build_hits_cte(SqlBuilder *b, const CkSearchQuery *q, const char *main, gboolean scored)
{
    const char *join_cases = query_reads_cases(q) ? " LEFT JOIN cases c ON c.id = m.case_id" : "";
    g_string_append(b->sql, "WITH hits AS (SELECT m.id AS mid, m.case_id AS cid, m.date AS mdate, ");
    if (main) {
        g_string_append(b->sql, scored ? "-bm25(messages_fts, 8.0, 4.0, 1.0)" : "0.0");
        g_string_append_printf(b->sql, " AS score FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid"
                                       "%s WHERE messages_fts MATCH ", join_cases);
        bind_text(b, main);
    } else {
        g_string_append_printf(b->sql, "0.0 AS score FROM messages m%s WHERE 1", join_cases);
    }
    for (guint i = 0; i < q->groups->len; i++) {
        GPtrArray *group = q->groups->pdata[i];
        char *covered = main ? group_fts_expr(group) : NULL;
        if (!covered || group_needs_check(group))
            sql_group(b, group, covered != NULL);
        g_free(covered);
    }
    g_string_append(b->sql, ")");
}

/* Append " LIMIT ? OFFSET ?" with the options' limit and offset. */
static void sql_limit(SqlBuilder *b, const CkSearchOptions *opts)
{
    g_string_append(b->sql, " LIMIT ");
    bind_int(b, opts->limit);
    g_string_append(b->sql, " OFFSET ");
    bind_int(b, opts->offset);
}

/* The ranked search: the hits, best message per case unless per message,
 * ordered by score then date, with the options' limit and offset. */
static void build_rank_sql(SqlBuilder *b, const CkSearchQuery *q, const char *main,
                           const CkSearchOptions *opts)
{
    build_hits_cte(b, q, main, TRUE);
    if (opts->per_message)
        g_string_append(b->sql, " SELECT mid, score FROM hits");
    else
        g_string_append(b->sql, ", ranked AS (SELECT *, row_number() OVER (PARTITION BY cid"
                                " ORDER BY score DESC, mdate DESC, mid DESC) AS rn FROM hits)"
                                " SELECT mid, score FROM ranked WHERE rn = 1");
    g_string_append(b->sql, " ORDER BY score DESC, mdate DESC, mid DESC");
    sql_limit(b, opts);
}

/* ------------------------------------------------------------------ */
/* Running                                                              */
/* ------------------------------------------------------------------ */

/* Set *error from DB's last message, naming WHAT failed; returns FALSE. */
static gboolean sql_fail(sqlite3 *db, GError **error, const char *what)
{
    g_set_error(error, CK_SEARCH_ERROR, CK_SEARCH_ERROR_SQL, "search: %s: %s", what, sqlite3_errmsg(db));
    return FALSE;
}

/* Prepare SQL on DB into *STMT.  FALSE with *error. */
static gboolean prepare(sqlite3 *db, const char *sql, sqlite3_stmt **stmt, GError **error)
{
    if (sqlite3_prepare_v2(db, sql, -1, stmt, NULL) != SQLITE_OK) {
        *stmt = NULL;
        return sql_fail(db, error, "preparing a query");
    }
    return TRUE;
}

/* Bind PARAMS (Param *) to STMT from placeholder 1.  FALSE with *error. */
static gboolean bind_params(sqlite3 *db, sqlite3_stmt *stmt, GPtrArray *params, GError **error)
{
    for (guint i = 0; i < params->len; i++) {
        const Param *param = params->pdata[i];
        int rc = param->text ? sqlite3_bind_text(stmt, (int)i + 1, param->text, -1, SQLITE_TRANSIENT)
                             : sqlite3_bind_int64(stmt, (int)i + 1, param->number);
        if (rc != SQLITE_OK)
            return sql_fail(db, error, "binding query parameters");
    }
    return TRUE;
}

/* Column text as a new string ("" for NULL). */
static char *column_dup(sqlite3_stmt *stmt, int col)
{
    const unsigned char *text = sqlite3_column_text(stmt, col);
    return g_strdup(text ? (const char *)text : "");
}

/* Snippets are made in three steps: the matches are marked in the whole
 * text with these two Unicode noncharacters (for internal use, not found in
 * mail), product keys are masked (reports/privacy.h: a key split by a
 * marker or cut by the snippet's edge would not be recognised), then the
 * text is cut and the markers become the caller's. */
#define SNIP_OPEN "\xef\xb7\x90"    /* U+FDD0 */
#define SNIP_CLOSE "\xef\xb7\x91"   /* U+FDD1 */
#define SNIP_MARK_BYTES 3

/* The statements used for each result row, prepared once per run. */
typedef struct {
    sqlite3 *db;
    sqlite3_stmt *details;   /* one message's fields and case key */
    sqlite3_stmt *highlight; /* one message's columns with FTS5 matches marked, or NULL */
    sqlite3_stmt *causes;    /* cause ids of one case */
    const char *main;        /* main MATCH expression or NULL */
    const char *phrase;      /* first positive phrase, for hand-made snippets */
    const CkSearchOptions *opts;
} RowFetcher;

/* Finalize a fetcher's statements. */
static void fetcher_clear(RowFetcher *f)
{
    sqlite3_finalize(f->details);
    sqlite3_finalize(f->highlight);
    sqlite3_finalize(f->causes);
}

/* Prepare the fetcher's statements.  FALSE with *error. */
static gboolean fetcher_prepare(RowFetcher *f, GError **error)
{
    if (!prepare(f->db, "SELECT m.case_id, coalesce(c.case_key, ''), m.message_id, m.date,"
                        " m.from_name, m.from_addr, m.subject, m.body"
                        " FROM messages m LEFT JOIN cases c ON c.id = m.case_id WHERE m.id = ?1",
                 &f->details, error)
        || !prepare(f->db, "SELECT cause_id FROM case_causes WHERE case_id = ?1"
                           " ORDER BY score DESC, cause_id", &f->causes, error))
        return FALSE;
    if (!f->main)
        return TRUE;
    /* Columns in the order a snippet prefers them: body, quoted, subject. */
    if (!prepare(f->db, "SELECT highlight(messages_fts, 1, ?1, ?2), highlight(messages_fts, 2, ?1, ?2),"
                        " highlight(messages_fts, 0, ?1, ?2) FROM messages_fts"
                        " WHERE messages_fts MATCH ?3 AND rowid = ?4", &f->highlight, error))
        return FALSE;
    if (sqlite3_bind_text(f->highlight, 1, SNIP_OPEN, -1, SQLITE_STATIC) != SQLITE_OK
        || sqlite3_bind_text(f->highlight, 2, SNIP_CLOSE, -1, SQLITE_STATIC) != SQLITE_OK
        || sqlite3_bind_text(f->highlight, 3, f->main, -1, SQLITE_TRANSIENT) != SQLITE_OK)
        return sql_fail(f->db, error, "binding snippet parameters");
    return TRUE;
}

/* "Name <addr>", or whichever part is not empty. */
static char *format_from(const char *name, const char *addr)
{
    if (*name && *addr)
        return g_strdup_printf("%s <%s>", name, addr);
    return g_strdup(*name ? name : addr);
}

/* Find folded NEEDLE in the folded characters C[0..N) of a text; sets
 * *first and *last (character indexes) and returns TRUE when found. */
static gboolean find_folded(const CkFoldedChar *c, int n, const char *needle, int *first, int *last)
{
    GString *folded = g_string_new(NULL);
    GArray *char_at = g_array_sized_new(FALSE, FALSE, sizeof(int), (guint)n);
    for (int i = 0; i < n; i++) {
        for (int k = g_unichar_to_utf8(c[i].ch, NULL); k > 0; k--)
            g_array_append_val(char_at, i);
        g_string_append_unichar(folded, c[i].ch);
    }
    const char *hit = *needle ? strstr(folded->str, needle) : NULL;
    if (hit) {
        *first = g_array_index(char_at, int, hit - folded->str);
        *last = g_array_index(char_at, int, hit - folded->str + (gssize)strlen(needle) - 1);
    }
    g_array_unref(char_at);
    g_string_free(folded, TRUE);
    return hit != NULL;
}

/* BODY with the first occurrence of PHRASE (after folding) between the
 * snippet markers; NULL when BODY does not hold it.  Caller frees. */
static char *mark_phrase(const char *body, const char *phrase)
{
    GArray *chars = ck_fts_fold_chars(body, -1);
    const CkFoldedChar *c = (const CkFoldedChar *)(void *)chars->data;
    char *needle = ck_fts_fold(phrase);
    int first = 0, last = -1;
    char *marked = NULL;
    if (find_folded(c, (int)chars->len, needle, &first, &last))
        marked = g_strdup_printf("%.*s" SNIP_OPEN "%.*s" SNIP_CLOSE "%s", c[first].start, body,
                                 c[last].end - c[first].start, body + c[first].start, body + c[last].end);
    g_free(needle);
    g_array_unref(chars);
    return marked;
}

/* P moved back by up to N characters, not before START. */
static const char *chars_back(const char *start, const char *p, int n)
{
    for (; n > 0 && p > start; n--)
        p = g_utf8_prev_char(p);
    return p;
}

/* P moved on by up to N characters, not past the end of its string. */
static const char *chars_on(const char *p, int n)
{
    for (; n > 0 && *p; n--)
        p = g_utf8_next_char(p);
    return p;
}

/* Append the text [P, END) of a marked text to OUT: runs of white space as
 * one space, the snippet markers as OPTS' markers (balanced: *LIT says
 * whether a highlight is open). */
static void append_snippet_text(GString *out, const char *p, const char *end, const CkSearchOptions *opts,
                                gboolean *lit)
{
    while (p < end) {
        gboolean open = strncmp(p, SNIP_OPEN, SNIP_MARK_BYTES) == 0;
        if (open || strncmp(p, SNIP_CLOSE, SNIP_MARK_BYTES) == 0) {
            if (open != *lit)
                g_string_append(out, open ? opts->mark_open : opts->mark_close);
            *lit = open;
            p += SNIP_MARK_BYTES;
            continue;
        }
        if (g_unichar_isspace(g_utf8_get_char(p))) {
            if (out->len == 0 || out->str[out->len - 1] != ' ')
                g_string_append_c(out, ' ');
        } else {
            g_string_append_len(out, p, g_utf8_next_char(p) - p);
        }
        p = g_utf8_next_char(p);
    }
}

/* TO moved past the end of a match it would cut, in the marked text that
 * starts at FROM. */
static const char *end_of_match(const char *from, const char *to)
{
    const char *open = NULL;
    for (const char *p = from; (p = strstr(p, SNIP_OPEN)) && p < to; p += SNIP_MARK_BYTES)
        open = p;
    const char *close = open ? strstr(open, SNIP_CLOSE) : NULL;
    return close && close >= to ? close + SNIP_MARK_BYTES : to;
}

/* The snippet of MARKED (matches between the snippet markers, product keys
 * masked): from 3/10 of OPTS->snippet_chars before the first match to the
 * rest after its end (the text's start when nothing is marked), never
 * cutting a match, on one line, "…" where text was left out.  Caller
 * frees. */
static char *cut_snippet(const char *marked, const CkSearchOptions *opts)
{
    int before = opts->snippet_chars * 3 / 10;
    const char *open = strstr(marked, SNIP_OPEN);
    const char *close = open ? strstr(open, SNIP_CLOSE) : NULL;
    const char *from = open ? chars_back(marked, open, before) : marked;
    const char *to = end_of_match(from, chars_on(close ? close : from, opts->snippet_chars - before));
    GString *out = g_string_new(from > marked ? "…" : "");
    gboolean lit = FALSE;
    append_snippet_text(out, from, to, opts, &lit);
    if (lit)
        g_string_append(out, opts->mark_close);
    if (*to)
        g_string_append(out, "…");
    return g_string_free(out, FALSE);
}

/* The first of message MID's columns (body, quoted, subject) in which FTS5
 * marked a match, into *out (NULL when none).  FALSE with *error. */
static gboolean fetch_highlight(RowFetcher *f, gint64 mid, char **out, GError **error)
{
    *out = NULL;
    sqlite3_reset(f->highlight);
    if (sqlite3_bind_int64(f->highlight, 4, mid) != SQLITE_OK)
        return sql_fail(f->db, error, "binding a snippet query");
    int rc = sqlite3_step(f->highlight);
    for (int col = 0; rc == SQLITE_ROW && col < 3 && !*out; col++) {
        const char *text = (const char *)sqlite3_column_text(f->highlight, col);
        if (text && strstr(text, SNIP_OPEN))
            *out = g_strdup(text);
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return sql_fail(f->db, error, "making a snippet");
    return TRUE;
}

/* R's snippet from message text BODY: the first positive phrase marked when
 * the body holds it, else FTS5's marks, else the body's start; product keys
 * masked before it is cut.  FALSE with *error. */
static gboolean make_snippet(RowFetcher *f, CkSearchResult *r, const char *body, GError **error)
{
    char *marked = f->phrase ? mark_phrase(body, f->phrase) : NULL;
    if (!marked && f->highlight && !fetch_highlight(f, r->message_rowid, &marked, error))
        return FALSE;
    char *masked = ck_mask_product_keys_marked(marked ? marked : body, SNIP_OPEN, SNIP_CLOSE);
    r->snippet = cut_snippet(masked, f->opts);
    g_free(masked);
    g_free(marked);
    return TRUE;
}

/* Fill R's cause list from the case's causes.  FALSE with *error. */
static gboolean fetch_causes(RowFetcher *f, CkSearchResult *r, GError **error)
{
    sqlite3_reset(f->causes);
    if (sqlite3_bind_int64(f->causes, 1, r->case_rowid) != SQLITE_OK)
        return sql_fail(f->db, error, "binding a causes query");
    int rc;
    while ((rc = sqlite3_step(f->causes)) == SQLITE_ROW)
        g_ptr_array_add(r->causes, column_dup(f->causes, 0));
    if (rc != SQLITE_DONE)
        return sql_fail(f->db, error, "reading causes");
    return TRUE;
}

/* Fill R (message_rowid and score set) from the database (the snippet:
 * make_snippet()).  FALSE with *error. */
static gboolean fetch_row(RowFetcher *f, CkSearchResult *r, GError **error)
{
    sqlite3_reset(f->details);
    if (sqlite3_bind_int64(f->details, 1, r->message_rowid) != SQLITE_OK)
        return sql_fail(f->db, error, "binding a message query");
    if (sqlite3_step(f->details) != SQLITE_ROW)
        return sql_fail(f->db, error, "reading a matched message");
    r->case_rowid = sqlite3_column_int64(f->details, 0);
    r->case_key = column_dup(f->details, 1);
    r->message_id = column_dup(f->details, 2);
    r->date = sqlite3_column_int64(f->details, 3);
    char *from_name = column_dup(f->details, 4), *from_addr = column_dup(f->details, 5);
    r->from = format_from(from_name, from_addr);
    g_free(from_name);
    g_free(from_addr);
    r->subject = column_dup(f->details, 6);
    const char *body = (const char *)sqlite3_column_text(f->details, 7);
    return make_snippet(f, r, body ? body : "", error) && fetch_causes(f, r, error);
}

/* The text of Q's first positive phrase atom, or NULL. */
static const char *first_phrase(const CkSearchQuery *q)
{
    for (guint i = 0; i < q->groups->len; i++) {
        GPtrArray *group = q->groups->pdata[i];
        for (guint k = 0; k < group->len; k++) {
            const Atom *atom = group->pdata[k];
            if (atom->kind == ATOM_PHRASE && !atom->negated)
                return atom->text;
        }
    }
    return NULL;
}

/* Run the ranking statement and collect (message id, score) results into
 * RESULTS.  FALSE with *error. */
static gboolean collect_ranked(sqlite3 *db, SqlBuilder *b, GPtrArray *results, GError **error)
{
    sqlite3_stmt *stmt = NULL;
    if (!prepare(db, b->sql->str, &stmt, error))
        return FALSE;
    gboolean ok = bind_params(db, stmt, b->params, error);
    int rc = SQLITE_DONE;
    while (ok && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        CkSearchResult *r = g_new0(CkSearchResult, 1);
        r->message_rowid = sqlite3_column_int64(stmt, 0);
        r->score = sqlite3_column_double(stmt, 1);
        if (sqlite3_column_count(stmt) > 2)
            r->matched_terms = sqlite3_column_int(stmt, 2);
        r->causes = g_ptr_array_new_with_free_func(g_free);
        g_ptr_array_add(results, r);
    }
    if (ok && rc != SQLITE_DONE)
        ok = sql_fail(db, error, "running the search");
    sqlite3_finalize(stmt);
    return ok;
}

/* OPTS with defaults filled in. */
static CkSearchOptions options_with_defaults(const CkSearchOptions *opts)
{
    CkSearchOptions o = { 0 };
    if (opts)
        o = *opts;
    if (o.limit <= 0)
        o.limit = 20;
    if (o.offset < 0)
        o.offset = 0;
    if (!o.mark_open)
        o.mark_open = "[";
    if (!o.mark_close)
        o.mark_close = "]";
    if (o.snippet_chars <= 0)
        o.snippet_chars = 100;
    o.snippet_chars = MIN(o.snippet_chars, 1000);
    return o;
}

/* Run the ranking statement built in B and fill each result row (MAIN:
 * the FTS5 expression whose matches snippets highlight, or NULL; PHRASE:
 * a phrase to mark by hand, or NULL).  On success *results_out is a new
 * array of CkSearchResult *.  FALSE with *error. */
static gboolean run_ranked(sqlite3 *db, SqlBuilder *b, const char *main, const char *phrase,
                           const CkSearchOptions *o, GPtrArray **results_out, GError **error)
{
    GPtrArray *results = g_ptr_array_new_with_free_func((GDestroyNotify)ck_search_result_free);
    RowFetcher f = { db, NULL, NULL, NULL, main, phrase, o };
    gboolean ok = collect_ranked(db, b, results, error) && fetcher_prepare(&f, error);
    for (guint i = 0; ok && i < results->len; i++)
        ok = fetch_row(&f, results->pdata[i], error);
    fetcher_clear(&f);
    if (!ok) {
        g_ptr_array_unref(results);
        return FALSE;
    }
    *results_out = results;
    return TRUE;
}

/* See search.h. */
gboolean ck_search_run(sqlite3 *db, const CkSearchQuery *query, const CkSearchOptions *opts,
                       GPtrArray **results_out, GError **error)
{
    g_return_val_if_fail(db && query && results_out, FALSE);
    CkSearchOptions o = options_with_defaults(opts);
    char *main = main_match_expr(query);
    SqlBuilder b = { g_string_new(NULL), g_ptr_array_new_with_free_func(param_free) };
    build_rank_sql(&b, query, main, &o);
    gboolean ok = run_ranked(db, &b, main, first_phrase(query), &o, results_out, error);
    g_string_free(b.sql, TRUE);
    g_ptr_array_unref(b.params);
    g_free(main);
    return ok;
}

/* Run the counting statement built in B into *COUNT.  FALSE with *error. */
static gboolean run_count(sqlite3 *db, SqlBuilder *b, gint64 *count, GError **error)
{
    sqlite3_stmt *stmt = NULL;
    gboolean ok = prepare(db, b->sql->str, &stmt, error) && bind_params(db, stmt, b->params, error);
    if (ok && sqlite3_step(stmt) == SQLITE_ROW)
        *count = sqlite3_column_int64(stmt, 0);
    else if (ok)
        ok = sql_fail(db, error, "counting the hits");
    sqlite3_finalize(stmt);
    return ok;
}

/* See search.h.  The same hits as a search, counted without scores,
 * ranking, rows or snippets. */
gboolean ck_search_count(sqlite3 *db, const CkSearchQuery *query, gboolean per_message, gint64 *count,
                         GError **error)
{
    g_return_val_if_fail(db && query && count, FALSE);
    char *main = main_match_expr(query);
    SqlBuilder b = { g_string_new(NULL), g_ptr_array_new_with_free_func(param_free) };
    if (per_message && main && query_is_index_only(query)) {
        /* The index counts the messages itself: every index row is a message
         * (T134 checks the index equals its content). */
        g_string_append(b.sql, "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ");
        bind_text(&b, main);
    } else {
        build_hits_cte(&b, query, main, FALSE);
        g_string_append(b.sql, per_message ? " SELECT count(*) FROM hits" : " SELECT count(DISTINCT cid) FROM hits");
    }
    gboolean ok = run_count(db, &b, count, error);
    g_string_free(b.sql, TRUE);
    g_ptr_array_unref(b.params);
    g_free(main);
    return ok;
}

/* See search.h. */
gboolean ck_search_query_is_plain(const CkSearchQuery *query)
{
    g_return_val_if_fail(query, FALSE);
    for (guint i = 0; i < query->groups->len; i++) {
        GPtrArray *group = query->groups->pdata[i];
        const Atom *atom = group->pdata[0];
        if (group->len != 1 || atom->kind != ATOM_WORD || atom->negated)
            return FALSE;
    }
    return TRUE;
}

/* See search.h. */
gboolean ck_search_query_wants_sentence(const CkSearchQuery *query, const char *text)
{
    if (!ck_search_query_is_plain(query))
        return FALSE;
    GPtrArray *terms = ck_search_any_terms(text);
    gboolean several = terms->len >= 2;
    g_ptr_array_unref(terms);
    return several;
}

/* ------------------------------------------------------------------ */
/* Sentence mode                                                        */
/* ------------------------------------------------------------------ */

/* English function words a sentence search skips (folded). */
static const char *const STOP_WORDS[] = {
    "an", "the", "and", "or", "of", "to", "in", "on", "at", "for", "with", "by", "from", "is", "are",
    "was", "were", "be", "been", "it", "its", "this", "that", "as", "not", "no", "but", "if", "then",
    "so", "do", "does", "did", "can", "could", "would", "should", "will", "we", "you", "they", "he",
    "she", "my", "our", "your", "me", "us", "have", "has", "had", "please", "hi", "hello", "thanks",
};

/* Han characters that only carry grammar: a bigram of two of them
 * (我们, 可以, 没有, 不是, 这个) is skipped. */
static const char STOP_HAN[] = "的了是在我你他她它们这那和与及或就都也还又很吗呢吧啊呀么之其此被把给让对从到"
                               "向于以为而且但则着过得地个些有没不一上下您请将会能要可如";

/* Further bigrams a sentence search skips (folded). */
static const char *const STOP_BIGRAMS[] = {
    "是否", "如何", "什么", "怎么", "谢谢", "您好", "你好", "麻烦", "已经", "因为", "所以", "然后", "现在",
    "时候", "或者", "但是", "这样", "那样", "目前", "一直",
};

/* TRUE when STRING is one of the N strings of LIST. */
static gboolean in_list(const char *const *list, gsize n, const char *string)
{
    for (gsize i = 0; i < n; i++)
        if (strcmp(list[i], string) == 0)
            return TRUE;
    return FALSE;
}

/* TRUE when the sentence term TERM (folded; HAN: a bigram) is a function
 * word. */
static gboolean is_stop_term(const char *term, gboolean han)
{
    if (!han)
        return in_list(STOP_WORDS, G_N_ELEMENTS(STOP_WORDS), term);
    const char *second = g_utf8_next_char(term);
    char first[8] = { 0 };
    memcpy(first, term, (size_t)(second - term));
    return (strstr(STOP_HAN, first) && strstr(STOP_HAN, second))
           || in_list(STOP_BIGRAMS, G_N_ELEMENTS(STOP_BIGRAMS), term);
}

/* Add TERM (taken) to TERMS unless it is a function word, already there
 * (SEEN: the terms as a set) or one too many. */
static void add_any_term(GPtrArray *terms, GHashTable *seen, char *term, gboolean han)
{
    if (terms->len >= CK_SEARCH_ANY_MAX_TERMS || is_stop_term(term, han) || g_hash_table_contains(seen, term)) {
        g_free(term);
        return;
    }
    g_hash_table_add(seen, term);
    g_ptr_array_add(terms, term);
}

/* TRUE when folded character CH joins two parts of an ID (CAS-03877). */
static gboolean is_joiner(gunichar ch)
{
    return ch == '-' || ch == ':' || ch == '.' || ch == '_' || ch == '@';
}

/* The end of the word (parts joined by joiners) starting at C[I]. */
static int word_end(const CkFoldedChar *c, int n, int i)
{
    int j = i + 1;
    while (j < n && (ck_fts_char_class(c[j].ch) == CK_FTS_CLASS_WORD
                     || (is_joiner(c[j].ch) && j + 1 < n && ck_fts_char_class(c[j + 1].ch) == CK_FTS_CLASS_WORD)))
        j++;
    return j;
}

/* See search.h. */
GPtrArray *ck_search_any_terms(const char *sentence)
{
    GPtrArray *terms = g_ptr_array_new_with_free_func(g_free);
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    GArray *chars = ck_fts_fold_chars(sentence ? sentence : "", -1);
    const CkFoldedChar *c = (const CkFoldedChar *)(void *)chars->data;
    int n = (int)chars->len;
    for (int i = 0; i < n;) {
        CkFtsClass cls = ck_fts_char_class(c[i].ch);
        int j = i + 1;
        if (cls == CK_FTS_CLASS_CJK) {
            while (j < n && ck_fts_char_class(c[j].ch) == CK_FTS_CLASS_CJK)
                j++;
            for (int k = i; k + 1 < j; k++)
                add_any_term(terms, seen, piece_text(c + k, 2), TRUE);
        } else if (cls == CK_FTS_CLASS_WORD) {
            j = word_end(c, n, i);
            if (j - i >= 2)
                add_any_term(terms, seen, piece_text(c + i, j - i), FALSE);
        }
        i = j;
    }
    g_array_unref(chars);
    g_hash_table_unref(seen);
    return terms;
}

/* The FTS5 expression matching any of TERMS: "a" OR "b" …  Caller frees. */
static char *any_match_expr(GPtrArray *terms)
{
    GString *expr = g_string_new(NULL);
    for (guint i = 0; i < terms->len; i++) {
        if (i)
            g_string_append(expr, " OR ");
        append_fts_string(expr, terms->pdata[i]);
    }
    return g_string_free(expr, FALSE);
}

/* Start the statement of a sentence search on TERMS: "WITH toks(tid,
 * expr)" (each term an FTS5 string), "tm(tid, mid)" (which message holds
 * which term) and "cover(mid, cid, mdate, n)" (per matched message, how
 * many distinct terms it holds). */
static void build_cover_ctes(SqlBuilder *b, GPtrArray *terms)
{
    g_string_append(b->sql, "WITH toks(tid, expr) AS (VALUES ");
    for (guint i = 0; i < terms->len; i++) {
        GString *one = g_string_new(NULL);
        append_fts_string(one, terms->pdata[i]);
        g_string_append_printf(b->sql, "%s(%u, ", i ? ", " : "", i + 1);
        bind_text(b, one->str);
        g_string_append_c(b->sql, ')');
        g_string_free(one, TRUE);
    }
    g_string_append(b->sql, "), tm AS (SELECT toks.tid AS tid, messages_fts.rowid AS mid FROM toks"
                            " JOIN messages_fts WHERE messages_fts MATCH toks.expr),"
                            " cover AS (SELECT tm.mid AS mid, m.case_id AS cid, m.date AS mdate,"
                            " count(DISTINCT tm.tid) AS n FROM tm JOIN messages m ON m.id = tm.mid"
                            " GROUP BY tm.mid)");
}

/* The ranked sentence search: messages by (terms held, bm25 of MAIN, date),
 * or, per case, cases by the distinct terms all their messages hold, each
 * as its best message; rows are (mid, score, terms matched). */
static void build_any_rank_sql(SqlBuilder *b, GPtrArray *terms, const char *main, const CkSearchOptions *opts)
{
    build_cover_ctes(b, terms);
    g_string_append(b->sql, ", hits AS (SELECT messages_fts.rowid AS mid, -bm25(messages_fts, 8.0, 4.0, 1.0)"
                            " AS score FROM messages_fts WHERE messages_fts MATCH ");
    bind_text(b, main);
    g_string_append(b->sql, "), scored AS (SELECT cover.*, hits.score AS score FROM cover"
                            " JOIN hits ON hits.mid = cover.mid)");
    if (opts->per_message)
        g_string_append(b->sql, " SELECT mid, score, n AS cn, mdate FROM scored");
    else
        g_string_append(b->sql, ", ccover AS (SELECT m.case_id AS cid, count(DISTINCT tm.tid) AS cn FROM tm"
                                " JOIN messages m ON m.id = tm.mid GROUP BY m.case_id),"
                                " ranked AS (SELECT scored.*, row_number() OVER (PARTITION BY cid"
                                " ORDER BY n DESC, score DESC, mdate DESC, mid DESC) AS rn FROM scored)"
                                " SELECT r.mid, r.score, cc.cn, r.mdate FROM ranked r"
                                " JOIN ccover cc ON cc.cid IS r.cid WHERE r.rn = 1");
    g_string_append(b->sql, " ORDER BY 3 DESC, 2 DESC, 4 DESC, 1 DESC");
    sql_limit(b, opts);
}

/* The terms of SENTENCE, or NULL with *error when it has none. */
static GPtrArray *any_terms_or_fail(const char *sentence, GError **error)
{
    GPtrArray *terms = ck_search_any_terms(sentence);
    if (terms->len > 0)
        return terms;
    g_ptr_array_unref(terms);
    g_set_error(error, CK_SEARCH_ERROR, CK_SEARCH_ERROR_QUERY,
                "query: nothing to search for (single characters and common words are left out)");
    return NULL;
}

/* See search.h. */
gboolean ck_search_run_any(sqlite3 *db, const char *sentence, const CkSearchOptions *opts,
                           GPtrArray **results_out, GError **error)
{
    g_return_val_if_fail(db && results_out, FALSE);
    *results_out = NULL;
    GPtrArray *terms = any_terms_or_fail(sentence, error);
    if (!terms)
        return FALSE;
    CkSearchOptions o = options_with_defaults(opts);
    char *main = any_match_expr(terms);
    SqlBuilder b = { g_string_new(NULL), g_ptr_array_new_with_free_func(param_free) };
    build_any_rank_sql(&b, terms, main, &o);
    gboolean ok = run_ranked(db, &b, main, NULL, &o, results_out, error);
    for (guint i = 0; ok && i < (*results_out)->len; i++)
        ((CkSearchResult *)(*results_out)->pdata[i])->query_terms = (int)terms->len;
    g_string_free(b.sql, TRUE);
    g_ptr_array_unref(b.params);
    g_free(main);
    g_ptr_array_unref(terms);
    return ok;
}

/* See search.h. */
gboolean ck_search_count_any(sqlite3 *db, const char *sentence, gboolean per_message, gint64 *count,
                             GError **error)
{
    g_return_val_if_fail(db && count, FALSE);
    GPtrArray *terms = any_terms_or_fail(sentence, error);
    if (!terms)
        return FALSE;
    SqlBuilder b = { g_string_new(NULL), g_ptr_array_new_with_free_func(param_free) };
    build_cover_ctes(&b, terms);
    g_string_append(b.sql, per_message ? " SELECT count(*) FROM cover" : " SELECT count(DISTINCT cid) FROM cover");
    gboolean ok = run_count(db, &b, count, error);
    g_string_free(b.sql, TRUE);
    g_ptr_array_unref(b.params);
    g_ptr_array_unref(terms);
    return ok;
}

/* Run TEXT as a sentence into OUT (only its total when COUNT_ONLY). */
static gboolean search_sentence(sqlite3 *db, const char *text, gboolean count_only, const CkSearchOptions *opts,
                                CkSearchOutcome *out, GError **error)
{
    out->sentence = TRUE;
    return ck_search_count_any(db, text, opts->per_message, &out->total, error)
           && (count_only || ck_search_run_any(db, text, opts, &out->results, error));
}

/* See search.h. */
gboolean ck_search_text(sqlite3 *db, const char *text, gboolean any, gboolean count_only,
                        const CkSearchOptions *opts, CkSearchOutcome *out, GError **error)
{
    g_return_val_if_fail(db && text && opts && out, FALSE);
    *out = (CkSearchOutcome){ 0 };
    if (any)
        return search_sentence(db, text, count_only, opts, out, error);
    CkSearchQuery *query = ck_search_query_parse(text, error);
    if (!query)
        return FALSE;
    gboolean ok = ck_search_count(db, query, opts->per_message, &out->total, error)
                  && (count_only || ck_search_run(db, query, opts, &out->results, error));
    out->fell_back = ok && !count_only && out->total == 0 && ck_search_query_wants_sentence(query, text);
    ck_search_query_free(query);
    if (!out->fell_back)
        return ok;
    g_clear_pointer(&out->results, g_ptr_array_unref);
    return search_sentence(db, text, FALSE, opts, out, error);
}

/* See search.h. */
void ck_search_outcome_clear(CkSearchOutcome *out)
{
    g_clear_pointer(&out->results, g_ptr_array_unref);
}
