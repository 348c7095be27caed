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
 *     sn:      serial number
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

#endif
