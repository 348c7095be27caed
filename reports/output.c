/* output.c — the shared writer: JSON through json-glib, text through the
 * command's renderer. */
#include "reports/output.h"

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

/* See output.h. */
void ck_output_write(FILE *out, CkFormat format, JsonNode *node, CkTextFunc text_fn)
{
    if (format == CK_FORMAT_JSON || !text_fn)
        ck_output_json(out, node);
    else
        text_fn(out, node);
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
