/* kb.h — the knowledge base: a folder of pages the team reads.
 *
 * One article per root cause (causes/<id>): the symptoms as customers
 * wrote them, the error codes and commands seen, the fix steps with their
 * commands (from the checklist), pitfalls (do_not), and every case it came
 * from with its date, customer and how it was resolved.  One page per case
 * (cases/<id>: its summary).  An index (index) by cause, error code and
 * product (vendor).  HTML pages are self-contained and link each other
 * relatively, so the folder opens from disk; Markdown pages do the same.
 *
 * Pages are rewritten only when their content changes: DIR/manifest.json
 * keeps a SHA-256 per page.  Pages a previous run wrote that no longer
 * exist (a case merged away) are removed.
 */
#ifndef CASEKB_KB_H
#define CASEKB_KB_H

#include <glib.h>
#include <json-glib/json-glib.h>

/* What ck_kb_write() did. */
typedef struct {
    guint pages;       /* pages in the knowledge base */
    guint written;     /* pages written (new or changed) */
    guint unchanged;   /* pages left as they were */
    guint removed;     /* pages of an earlier run no longer produced */
    guint articles;    /* cause articles among the pages */
} CkKbStats;

/* The manifest's file name inside the knowledge-base folder. */
#define CK_KB_MANIFEST "manifest.json"

/* One page: PATH relative to the folder, and its content. */
typedef struct {
    char *path;
    GString *text;
} CkKbPage;

/* Every page of the knowledge base over DOCS (case documents) in FORMAT
 * ("html" or "md"), product keys masked, as a GPtrArray of CkKbPage *
 * that frees its elements.  Caller unrefs. */
GPtrArray *ck_kb_pages(JsonArray *docs, const char *format);

/* Write the pages of DOCS into DIR (created when missing) as ck_kb_pages
 * builds them, rewriting only changed pages, and update the manifest.
 * FALSE with *error naming the file that could not be written. */
gboolean ck_kb_write(const char *dir, const char *format, JsonArray *docs, CkKbStats *stats, GError **error);

#endif
