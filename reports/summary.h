/* summary.h — the one-page case summary, and the small helpers the
 * report, knowledge base and export share (dates, durations, gists, page
 * names, atomic -o output).
 *
 * A summary is built from one case document (the show --json contract)
 * into a JSON value; Markdown and HTML render that value, so every format
 * says the same.  Nothing is invented: each text names where it came from
 * (a structured section, or a message by number).  Product keys are
 * masked in the built value.
 */
#ifndef CASEKB_SUMMARY_H
#define CASEKB_SUMMARY_H

#include <stdio.h>
#include <glib.h>
#include <json-glib/json-glib.h>

/* A deep copy of NODE (json_node_copy() shares objects, arrays and values).
 * Caller unrefs. */
JsonNode *ck_json_deep_copy(JsonNode *node);

/* Parse an ISO 8601 date-time ("2021-03-09T17:45:52Z") into Unix seconds;
 * FALSE for "" or anything unparseable. */
gboolean ck_iso_to_unix(const char *iso, gint64 *unix_time);

/* SECONDS as "2 d 3 h", "5 h 12 min", "40 min" or "12 s".  Caller frees. */
char *ck_duration_text(gint64 seconds);


/* The message of case document DOC numbered INDEX; NULL when absent.
 * Owned by DOC. */
JsonObject *ck_case_message(JsonObject *doc, gint64 index);

/* Add MEMBER: {seconds, text} to B (inside an object): the duration, or
 * seconds null and text "" when not KNOWN. */
void ck_json_add_duration(JsonBuilder *b, const char *member, gboolean known, gint64 seconds);

/* Time to first response of a case document: from its first customer
 * message to the first support message after it.  FALSE when the thread
 * has no customer message answered by support in it. */
gboolean ck_case_first_response(JsonObject *doc, gint64 *seconds);

/* Time to close: closed minus opened, for a closed case with both dates.
 * FALSE otherwise. */
gboolean ck_case_time_to_close(JsonObject *doc, gint64 *seconds);

/* A one-line gist of a message's new text: greeting lines skipped, lines
 * joined, cut to about MAX_CHARS characters with "…"; product keys are
 * masked before lines are joined and cut.  Caller frees. */
char *ck_text_gist(const char *body, guint max_chars);

/* ID as a file name: letters, digits, '.', '-' and '_' kept, anything
 * else as '_'.  Caller frees. */
char *ck_page_slug(const char *id);

/* Write TEXT (LENGTH bytes) to PATH atomically (g_file_set_contents), or
 * to STDOUT_FILE when PATH is NULL.  FALSE with *error naming PATH. */
gboolean ck_output_save(const char *path, FILE *stdout_file, const char *text, gsize length, GError **error);

/* ---- page writer: summary, report and knowledge-base pages are written
 * once against this interface and rendered as Markdown (md.c) or HTML
 * (html.c).  Every string handed to it is escaped by the backend; hrefs
 * are the callers' own relative links. ---- */

typedef enum {
    CK_BLOCK_PARAGRAPH, CK_BLOCK_NOTE,        /* a paragraph; a muted note */
    CK_BLOCK_LIST, CK_BLOCK_ITEM,             /* a bullet list and its items */
    CK_BLOCK_TABLE, CK_BLOCK_ROW,             /* a table; its rows (the first is the heading row) */
    CK_BLOCK_HEAD_CELL, CK_BLOCK_CELL, CK_BLOCK_NUM_CELL,
    CK_BLOCK_GROUP, CK_BLOCK_NAV              /* charts side by side; page navigation */
} CkBlock;

/* One chart bar (html.h); charts are drawn as SVG in HTML, tables in Markdown. */
typedef struct {
    const char *label;
    double value;
    const char *value_text;   /* NULL: the value as an integer */
} CkChartBar;

typedef struct CkPage CkPage;
typedef struct {
    void (*begin)(CkPage *page, const char *title);
    void (*end)(CkPage *page);
    void (*heading)(CkPage *page, int level, const char *text, const char *anchor);
    void (*block_begin)(CkPage *page, CkBlock kind);
    void (*block_end)(CkPage *page, CkBlock kind);
    void (*text)(CkPage *page, const char *text);
    void (*strong)(CkPage *page, const char *text);
    void (*code)(CkPage *page, const char *text);
    void (*link)(CkPage *page, const char *href, const char *text);
    void (*quote)(CkPage *page, const char *text);
    void (*chart)(CkPage *page, gboolean columns, const char *title, const CkChartBar *bars, guint n);
} CkPageOps;

/* A page being written: the backend, the text, and the backend's table
 * state.  Set up with ck_page_init(); the caller owns OUT. */
struct CkPage {
    const CkPageOps *ops;
    GString *out;
    const char *link_extension;  /* ".html" or ".md", for links between pages */
    guint row, cells;            /* Markdown tables: rows written, cells in the row */
};

/* The backends (md.c, html.c). */
const CkPageOps *ck_page_ops_md(void);
const CkPageOps *ck_page_ops_html(void);

/* Set PAGE up to append to OUT as FORMAT ("md" or "html"). */
void ck_page_init(CkPage *page, const char *format, GString *out);

/* Shorthands through the backend. */
void ck_page_heading(CkPage *page, int level, const char *text);
void ck_page_paragraph(CkPage *page, CkBlock kind, const char *text);
/* One cell of KIND holding TEXT (or a link to HREF when HREF is given). */
void ck_page_cell(CkPage *page, CkBlock kind, const char *text, const char *href);
/* A heading row of the NULL-terminated HEADINGS, starting a table. */
void ck_page_table_begin(CkPage *page, const char *const *headings);
/* A list item: LABEL in bold (if any), then TEXT. */
void ck_page_item(CkPage *page, const char *label, const char *text);

/* The summary of case document DOC: {case_id, aliases, title, customer,
 * vendor, severity, stage, status, opened, closed, first_response and
 * time_to_close ({seconds|null, text}), timeline[{index, date, from,
 * side, gist}], problem/analysis/conclusion ({text, source}), entities,
 * causes[{id, title, title_en, category, score, evidence[{message, side,
 * text, signal}]}], open_requests[{message, side, text}]}.  DOC is not
 * changed.  Caller unrefs. */
JsonNode *ck_summary_build(JsonNode *doc);

/* Write SUMMARY's sections on PAGE (no page frame): metadata, timeline,
 * problem/analysis/conclusion, entities, causes with evidence, unanswered
 * requests.  Cause names link to CAUSE_DIR/slug.ext when CAUSE_DIR is set. */
void ck_summary_write(CkPage *page, JsonNode *summary, const char *cause_dir);


/* SUMMARY as a whole page in FORMAT ("md", "html" or "json").  Caller frees with
 * g_string_free(). */
GString *ck_summary_render(JsonNode *summary, const char *format);

#endif
