/* search.h — casekb's query language and search execution.
 *
 * Query language (terms separated by spaces; implicit AND):
 *   word          a whole word (Latin: case/width-folded; Chinese: the
 *                 characters anywhere, Traditional = Simplified)
 *   "a phrase"    the exact text, as a substring after folding (NFKC, case,
 *                 Traditional -> Simplified); \" and \\ escape inside
 *   word*         words starting with "word"
 *   a OR b        either (OR binds tighter than the implicit AND)
 *   -x, NOT x     must not match (x: word, phrase or filter)
 *   key:value     filters; value may be "quoted":
 *     case:    case key or alias          status:   case status
 *     from:    sender name or address     vendor:   case vendor (substring)
 *     subject: subject contains           customer: case customer (substring)
 *     body:    new text (body) contains   quoted:   quoted text contains
 *     cause:   analyzer cause id (trailing * = prefix)
 *     code:    error code (0x optional)   cmd:      command (substring)
 *     sn:      serial number          attachment: file name or type
 *                                                 (substring, e.g. attachment:.log)
 *     after:D  on or after D              before:D  before D
 *     date:D   within D;  date:A..B  from A through B (either side may be empty)
 *     D is YYYY, YYYY-MM or YYYY-MM-DD (UTC).
 *   A word:word whose key is not a filter name (CMIT:0001828) is a word.
 *   A term with no letters or digits (e.g. "C++" or "#") is matched as a
 *   phrase.
 * Malformed queries fail with one line: "query: <problem> at position N"
 * (N counts characters from 1).  User text only reaches SQL as bound
 * parameters; FTS5 expressions are built from double-quoted strings.
 */
#ifndef CASEKB_SEARCH_H
#define CASEKB_SEARCH_H

#include <glib.h>
#include <sqlite3.h>

#define CK_SEARCH_ERROR (ck_search_error_quark())
GQuark ck_search_error_quark(void);
typedef enum {
    CK_SEARCH_ERROR_QUERY,   /* malformed query */
    CK_SEARCH_ERROR_SQL      /* the database failed */
} CkSearchError;

typedef struct CkSearchQuery CkSearchQuery;

/* Parse TEXT.  Returns NULL with *error (CK_SEARCH_ERROR_QUERY) when it is
 * malformed or empty.  Caller frees with ck_search_query_free(). */
CkSearchQuery *ck_search_query_parse(const char *text, GError **error);

/* Free a parsed query.  NULL is allowed. */
void ck_search_query_free(CkSearchQuery *query);

/* How to run a search.  A NULL options pointer means all defaults. */
typedef struct {
    gboolean per_message;    /* one row per message (default: per case, its best message) */
    int limit;               /* rows to return; <= 0 means 20 */
    int offset;              /* rows to skip */
    const char *mark_open;   /* snippet match markers; NULL means "[" */
    const char *mark_close;  /* NULL means "]" */
    int snippet_chars;       /* snippet length in characters; <= 0 means 100 */
} CkSearchOptions;

/* One result row. */
typedef struct {
    gint64 case_rowid;       /* cases.id */
    char *case_key;          /* "CAS-…" ("" when the case is missing) */
    gint64 message_rowid;    /* messages.id */
    char *message_id;        /* Message-ID */
    gint64 date;             /* epoch seconds UTC */
    char *from;              /* "Name <addr>" or whichever part exists */
    char *subject;
    char *snippet;           /* one line around the first match, matches between the
                              * markers, product keys masked (reports/privacy.h) */
    double score;            /* higher is better; 0 when the query has no text terms */
    GPtrArray *causes;       /* char * cause ids of the case, best first */
    int matched_terms;       /* sentence mode: distinct terms of the sentence the case
                              * (per message: the message) contains; 0 otherwise */
    int query_terms;         /* sentence mode: how many terms the sentence has; 0 otherwise */
} CkSearchResult;

/* Free a result.  NULL is allowed. */
void ck_search_result_free(CkSearchResult *result);

/* Run QUERY on DB (a casekb database with the "casekb" tokenizer
 * registered, e.g. ck_store_db()).  On success *results_out is a new
 * GPtrArray of CkSearchResult * that frees its elements; the caller unrefs
 * it.  Ranking: bm25 with column weights subject 8, body 4, quoted 1; rows
 * without text terms come newest first.  FALSE with *error on failure. */
gboolean ck_search_run(sqlite3 *db, const CkSearchQuery *query, const CkSearchOptions *opts,
                       GPtrArray **results_out, GError **error);

/* Count the cases (or, with PER_MESSAGE, the messages) QUERY matches,
 * without building result rows.  FALSE with *error on failure. */
gboolean ck_search_count(sqlite3 *db, const CkSearchQuery *query, gboolean per_message, gint64 *count,
                         GError **error);

/* TRUE when QUERY is plain words only: no phrase, prefix, OR, negation or
 * filter (the case in which a sentence search can stand in for it). */
gboolean ck_search_query_is_plain(const CkSearchQuery *query);

/* TRUE when QUERY (parsed from TEXT), having matched nothing at all,
 * should be run as a sentence with ck_search_run_any(): it is plain words
 * and the sentence has at least two terms (with one it would be the same
 * search).  `casekb search` and serve's search both follow this rule. */
gboolean ck_search_query_wants_sentence(const CkSearchQuery *query, const char *text);

/* ---- sentence mode ("any"): a plain sentence, ranked by coverage ----
 *
 * The sentence is folded and cut the way the casekb tokenizer cuts text:
 * each run of Han/kana/hangul characters gives its overlapping bigrams,
 * each word (letters and digits, joined by - : . _ @ as in IDs) gives
 * itself.  Single characters and common function words (的话, 我们, the,
 * and, …) are dropped, so a sentence of them does not match everything;
 * duplicates are dropped and at most CK_SEARCH_ANY_MAX_TERMS are kept.
 * The query language is not read: every character of the sentence is text
 * (quotes, '*', '-', NEAR(…) are inert), and each term reaches FTS5 as one
 * quoted string in a bound parameter. */
#define CK_SEARCH_ANY_MAX_TERMS 64

/* The terms of SENTENCE, folded (char *), in sentence order.  Caller
 * unrefs; an empty array when nothing is left to search for. */
GPtrArray *ck_search_any_terms(const char *sentence);

/* Search for messages holding ANY term of SENTENCE.  Ranking: the number
 * of distinct terms matched first (per case: over all its messages; the
 * case's row is its best message), then bm25 as in ck_search_run(), then
 * date.  Snippets highlight every matched term; product keys are masked.
 * Results carry matched_terms and query_terms.  FALSE with *error
 * (CK_SEARCH_ERROR_QUERY) when the sentence has no term, or on failure.
 * Results as in ck_search_run(). */
gboolean ck_search_run_any(sqlite3 *db, const char *sentence, const CkSearchOptions *opts,
                           GPtrArray **results_out, GError **error);

/* Count the cases (or messages) ck_search_run_any() would find.  FALSE
 * with *error as there. */
gboolean ck_search_count_any(sqlite3 *db, const char *sentence, gboolean per_message, gint64 *count,
                             GError **error);

/* What ck_search_text() found. */
typedef struct {
    GPtrArray *results;      /* CkSearchResult *; NULL when only counting */
    gint64 total;            /* cases (or messages) matching in all */
    gboolean sentence;       /* run as a sentence (asked, or the fallback) */
    gboolean fell_back;      /* the query found nothing: run as a sentence */
} CkSearchOutcome;

/* One search as `casekb search` and `casekb serve` run it: TEXT as a
 * sentence when ANY, else in the query language, where a query that finds
 * nothing at all and ck_search_query_wants_sentence() is run as a sentence
 * instead; COUNT_ONLY counts the query as written (no fallback, no
 * results).  FALSE with *error (CK_SEARCH_ERROR_QUERY for a malformed
 * query or an empty sentence).  Clear *OUT with ck_search_outcome_clear()
 * either way. */
gboolean ck_search_text(sqlite3 *db, const char *text, gboolean any, gboolean count_only,
                        const CkSearchOptions *opts, CkSearchOutcome *out, GError **error);
void ck_search_outcome_clear(CkSearchOutcome *out);

#endif
