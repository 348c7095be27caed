/* fts-tokenizer.h — the "casekb" SQLite FTS5 tokenizer.
 *
 * Han, kana and hangul runs become overlapping bigrams plus unigrams, so any
 * Chinese substring is found as a phrase; Latin letters and digits form
 * words, NFKC- and case-folded (full-width ＳＬＭＧＲ = slmgr); hex error
 * codes and IDs such as CAS-03877-J9N4S5 and CMIT:0001828 are findable whole;
 * Traditional and Simplified Chinese fold together through OpenCC.  The same
 * tokenizer runs on queries.
 *
 * Folding is done one source character (plus any combining marks after it)
 * at a time: NFKC, then case fold, then OpenCC t2s on that character alone
 * (store/fold.h: OpenCC's answers are compiled in at build time).
 * So fold(a + b) == fold(a) + fold(b) for any split between characters, and
 * every folded character maps back to the byte span of the source character
 * it came from (FTS5 highlight()/snippet() offsets are into the original).
 *
 * Tokens (document side; P = one FTS5 position):
 *   Han/kana/hangul run c0..cn-1: at position P+i the bigram ci ci+1 (when
 *     i < n-1) and, colocated, the unigram ci.
 *   Word (letters/digits of any other script): one position per word.
 *     Words joined by - : . _ @ (CAS-03877-J9N4S5, CMIT:0001828) also get the
 *     whole joined token colocated with the first part; 0x-prefixed hex
 *     (0xC004F074) also gets the digits without 0x colocated.  Each part
 *     also gets, colocated, its suffixes from the second character on that
 *     are at least CK_FTS_SUFFIX_MIN characters long, cut to
 *     CK_FTS_SUFFIX_CHARS and marked with CK_FTS_SUFFIX_MARK
 *     ("activation" -> "\x01ctivatio", "\x01tivation", …, "\x01ion"), so
 *     a fragment cut out of a word is found by a prefix query.
 * Query side: a Han run of length 1 is its unigram, longer runs their
 * bigrams (consecutive positions, so a phrase) plus, when more tokens
 * follow in the query, the last character's unigram (so the run spans as
 * many positions as in documents); words are their parts only.
 */
#ifndef CASEKB_FTS_TOKENIZER_H
#define CASEKB_FTS_TOKENIZER_H

#include <glib.h>
#include <sqlite3.h>

#define CK_FTS_ERROR (ck_fts_error_quark())
GQuark ck_fts_error_quark(void);
typedef enum {
    CK_FTS_ERROR_FTS5     /* SQLite has no FTS5 or refused the tokenizer */
} CkFtsError;

/* The version of the token scheme.  Bump it whenever documents would be
 * tokenized differently; a database indexed under another version must be
 * reindexed (INSERT INTO messages_fts(messages_fts) VALUES('rebuild')), or
 * searches miss rows.  1: bigrams/unigrams, words, IDs; 2: + marked word
 * suffixes. */
#define CK_FTS_TOKENIZER_VERSION 2

/* Marked word suffixes (document side); a query string that is the mark
 * followed by one word (word characters only) is tokenized as one marked
 * suffix token, e.g. "\x01ctivat" * in an FTS5 expression finds words
 * containing "ctivat" after their first character.  Anywhere else the
 * mark, like every control character, only separates tokens, and no
 * document token starts with it unless the tokenizer made it.  Code that
 * puts a user's text into an FTS5 string must turn its control characters
 * into spaces (store/search.c does), so a user's \x01 never reads as the
 * mark.  The tokenizer is safe on any bytes: invalid UTF-8 folds to
 * U+FFFD. */
#define CK_FTS_SUFFIX_MARK "\x01"
#define CK_FTS_SUFFIX_MIN 3
#define CK_FTS_SUFFIX_CHARS 8

/* Register the tokenizer as "casekb" on DB (through the fts5_api pointer),
 * and the SQL functions casekb_fold(text) and casekb_contains(hay, needle)
 * (1 when fold(hay) contains fold(needle), else 0; NULL counts as "").
 * Returns FALSE with *error set when FTS5 is unavailable. */
gboolean ck_fts_tokenizer_register(sqlite3 *db, GError **error);

/* Fold TEXT the way the tokenizer does before splitting (NFKC, case fold,
 * Traditional -> Simplified).  Caller frees with g_free(). */
char *ck_fts_fold(const char *text);

/* ---- for store/search.c: the tokenizer's view of a string ---- */

/* How the tokenizer treats one folded character. */
typedef enum {
    CK_FTS_CLASS_OTHER,   /* separator: space, punctuation, symbols */
    CK_FTS_CLASS_WORD,    /* letter/digit/mark outside Han, kana, hangul */
    CK_FTS_CLASS_CJK      /* Han, kana, hangul: bigram/unigram runs */
} CkFtsClass;

/* One folded character and the byte span [start, end) of the source
 * character (cluster) it came from. */
typedef struct {
    gunichar ch;
    int start;
    int end;
} CkFoldedChar;

/* Fold LEN bytes of TEXT (-1: NUL-terminated) into an array of
 * CkFoldedChar.  Caller frees with g_array_unref(). */
GArray *ck_fts_fold_chars(const char *text, gssize len);

/* The class of a folded character. */
CkFtsClass ck_fts_char_class(gunichar ch);

#endif
