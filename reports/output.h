/* output.h — the one writer every command prints its results through.
 *
 * Commands build their result as a JsonNode (the same value for every
 * format) and hand it to ck_output_write(): JSON is serialised by json-glib
 * (pretty, UTF-8, never hand-built); text is rendered by the command's text
 * function.  Commands never printf data themselves.
 */
#ifndef CASEKB_OUTPUT_H
#define CASEKB_OUTPUT_H

#include <stdio.h>
#include <glib.h>
#include <json-glib/json-glib.h>

/* casekb's release, and the version of its JSON output: bumped whenever
 * a field of the documented JSON (README, "show --json contract") changes
 * meaning or goes away; adding a field does not bump it. */
#define CASEKB_VERSION "0.1.0"
#define CASEKB_JSON_FORMAT 1

typedef enum { CK_FORMAT_TEXT, CK_FORMAT_JSON } CkFormat;

/* Parse "text" / "json" into *format; FALSE with *error naming the value. */
gboolean ck_format_parse(const char *name, CkFormat *format, GError **error);

/* Renders NODE as human-readable text on OUT. */
typedef void (*CkTextFunc)(FILE *out, JsonNode *node);

/* Write NODE to OUT in FORMAT; TEXT_FN renders the text format (NULL:
 * text falls back to JSON).  TEXT_FN is given a copy of NODE whose strings
 * went through ck_text_printable(…, FALSE): mail text never reaches the
 * terminal with its control characters. */
void ck_output_write(FILE *out, CkFormat format, JsonNode *node, CkTextFunc text_fn);

/* TEXT made safe to print on a terminal (NULL: ""): invalid UTF-8 is
 * replaced; line breaks (CR LF, CR, LF, VT, FF, NEL U+0085, U+2028,
 * U+2029) become "\n", or with ONE_LINE a space, as does a tab; every
 * other C0 or C1 control character and DEL (ESC starts terminal
 * commands), and every bidirectional embedding, override and isolate
 * (U+202A-202E, U+2066-2069: shown text would not be the bytes' order)
 * becomes U+FFFD.  Caller frees. */
char *ck_text_printable(const char *text, gboolean one_line);

/* Print TEXT on OUT as part of one line: ck_text_printable(TEXT, TRUE). */
void ck_text_put_line(FILE *out, const char *text);

/* A function of a string giving a new one (caller frees). */
typedef char *(*CkStringMap)(const char *text);

/* Replace every string inside NODE (NULL allowed) by FN of it, in place. */
void ck_json_map_strings(JsonNode *node, CkStringMap fn);

/* Serialise NODE as pretty JSON followed by a newline. */
void ck_output_json(FILE *out, JsonNode *node);

/* Small helpers for text renderers reading a JSON object: the member as a
 * string ("" when absent or not a string), or as an integer (0). */
const char *ck_json_str(JsonObject *object, const char *member);
gint64 ck_json_int(JsonObject *object, const char *member);

/* MEMBER of OBJECT as an array / object; NULL when absent or of another
 * type.  Owned by OBJECT. */
JsonArray *ck_json_get_array(JsonObject *object, const char *member);
JsonObject *ck_json_get_object(JsonObject *object, const char *member);

/* NODE as pretty JSON (json-glib) with a final newline.  Caller frees
 * with g_string_free(). */
GString *ck_json_text(JsonNode *node);

#endif
