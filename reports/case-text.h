/* case-text.h — text renderings of the case list and a case document
 * (the text format of `cases` and `show`).  Both read the JSON values that
 * store/ builds, so text and JSON always say the same. */
#ifndef CASEKB_CASE_TEXT_H
#define CASEKB_CASE_TEXT_H

#include <stdio.h>
#include <json-glib/json-glib.h>

/* One line per case: ID, status, message count, opened date, causes, title
 * (CJK-aware column widths). */
void ck_text_case_list(FILE *out, JsonNode *list);

/* A case: header fields, then each message with its side, date, sender,
 * subject and new text; quoted text and signatures are left out. */
void ck_text_case_document(FILE *out, JsonNode *doc);

/* Print TEXT padded with spaces to WIDTH terminal columns (wide CJK
 * characters count two), truncated with "…" when longer. */
void ck_text_print_padded(FILE *out, const char *text, int width);

#endif
