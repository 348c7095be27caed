/* output.c — the shared writer: JSON through json-glib, text through the
 * command's renderer. */
#include "reports/output.h"
#include "reports/summary.h"

#include <string.h>

/* See output.h. */
gboolean ck_format_parse(const char *name, CkFormat *format, GError **error)
{
    if (g_strcmp0(name, "text") == 0)
        *format = CK_FORMAT_TEXT;
    else if (g_strcmp0(name, "json") == 0)
        *format = CK_FORMAT_JSON;
    else {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "--format: unknown format '%s' (use text or json)", name ? name : "");
        return FALSE;
    }
    return TRUE;
}

/* See output.h. */
GString *ck_json_text(JsonNode *node)
{
    JsonGenerator *gen = json_generator_new();
    json_generator_set_pretty(gen, TRUE);
    json_generator_set_indent(gen, 2);
    json_generator_set_root(gen, node);
    gsize length = 0;
    char *text = json_generator_to_data(gen, &length);
    g_object_unref(gen);
    GString *out = g_string_new_len(text, (gssize)length);
    g_free(text);
    g_string_append_c(out, '\n');
    return out;
}

/* See output.h. */
void ck_output_json(FILE *out, JsonNode *node)
{
    GString *text = ck_json_text(node);
    fwrite(text->str, 1, text->len, out);
    g_string_free(text, TRUE);
}

/* See output.h. */
JsonArray *ck_json_get_array(JsonObject *object, const char *member)
{
    JsonNode *node = object ? json_object_get_member(object, member) : NULL;
    return node && JSON_NODE_HOLDS_ARRAY(node) ? json_node_get_array(node) : NULL;
}

/* See output.h. */
JsonObject *ck_json_get_object(JsonObject *object, const char *member)
{
    JsonNode *node = object ? json_object_get_member(object, member) : NULL;
    return node && JSON_NODE_HOLDS_OBJECT(node) ? json_node_get_object(node) : NULL;
}

/* TRUE for a bidirectional embedding, override or isolate control
 * (U+202A-202E, U+2066-2069). */
static gboolean is_bidi_control(gunichar c)
{
    return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/* What replaces character C in printable text: "\n" or " " for a line
 * break, " " for a tab on one line, U+FFFD for another control character
 * or a bidirectional embedding, override or isolate (U+202A-202E,
 * U+2066-2069: they make a terminal show text in another order than its
 * bytes, e.g. "report<RLO>fdp.exe" as "reportexe.pdf"), NULL to keep C. */
static const char *printable_replacement(gunichar c, gboolean one_line)
{
    if (c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == 0x85 || c == 0x2028 || c == 0x2029)
        return one_line ? " " : "\n";
    if (c == '\t')
        return one_line ? " " : NULL;
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || is_bidi_control(c))
        return "\xef\xbf\xbd";
    return NULL;
}

/* See output.h. */
char *ck_text_printable(const char *text, gboolean one_line)
{
    char *valid = g_utf8_make_valid(text ? text : "", -1);
    GString *out = g_string_sized_new(strlen(valid));
    for (const char *p = valid; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        const char *with = printable_replacement(c, one_line);
        if (c == '\r' && p[1] == '\n')
            continue;   /* CR LF is one line break: the LF writes it */
        if (with)
            g_string_append(out, with);
        else
            g_string_append_len(out, p, g_utf8_next_char(p) - p);
    }
    g_free(valid);
    return g_string_free(out, FALSE);
}

/* See output.h. */
void ck_text_put_line(FILE *out, const char *text)
{
    char *safe = ck_text_printable(text, TRUE);
    fputs(safe, out);
    g_free(safe);
}

/* The function ck_json_map_strings() applies (a struct: a function
 * pointer does not fit a gpointer in ISO C). */
typedef struct {
    CkStringMap fn;
} StringMap;

static void map_node(JsonNode *node, const StringMap *map);

/* Map one member of an object (json_object_foreach_member callback). */
static void map_member(JsonObject *object, const char *name, JsonNode *node, gpointer map)
{
    map_node(node, map);
}

/* Map one element of an array (json_array_foreach_element callback). */
static void map_element(JsonArray *array, guint index, JsonNode *node, gpointer map)
{
    map_node(node, map);
}

/* Replace every string inside NODE by MAP's function of it. */
static void map_node(JsonNode *node, const StringMap *map)
{
    if (JSON_NODE_HOLDS_OBJECT(node))
        json_object_foreach_member(json_node_get_object(node), map_member, (gpointer)map);
    else if (JSON_NODE_HOLDS_ARRAY(node))
        json_array_foreach_element(json_node_get_array(node), map_element, (gpointer)map);
    else if (JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_STRING) {
        char *mapped = map->fn(json_node_get_string(node));
        json_node_set_string(node, mapped);
        g_free(mapped);
    }
}

/* See output.h. */
void ck_json_map_strings(JsonNode *node, CkStringMap fn)
{
    StringMap map = { fn };
    if (node)
        map_node(node, &map);
}

/* ck_text_printable() keeping line breaks, as a CkStringMap. */
static char *printable_lines(const char *text)
{
    return ck_text_printable(text, FALSE);
}

/* See output.h. */
void ck_output_write(FILE *out, CkFormat format, JsonNode *node, CkTextFunc text_fn)
{
    if (format == CK_FORMAT_JSON || !text_fn) {
        ck_output_json(out, node);
    } else {
        JsonNode *safe = ck_json_deep_copy(node);
        ck_json_map_strings(safe, printable_lines);
        text_fn(out, safe);
        json_node_unref(safe);
    }
    fflush(out);
}

/* See output.h. */
const char *ck_json_str(JsonObject *object, const char *member)
{
    JsonNode *node = object ? json_object_get_member(object, member) : NULL;
    if (!node || !JSON_NODE_HOLDS_VALUE(node) || json_node_get_value_type(node) != G_TYPE_STRING)
        return "";
    return json_node_get_string(node);
}

/* See output.h. */
gint64 ck_json_int(JsonObject *object, const char *member)
{
    JsonNode *node = object ? json_object_get_member(object, member) : NULL;
    if (!node || !JSON_NODE_HOLDS_VALUE(node))
        return 0;
    return json_node_get_int(node);
}
