/* privacy.c — product-key masking for every output. */
#include "reports/privacy.h"

/* The product-key pattern, compiled once. */
static GRegex *product_key_regex(void)
{
    static GRegex *regex;
    if (g_once_init_enter(&regex)) {
        GRegex *r = g_regex_new("\\b[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}-([A-Z0-9]{5})\\b",
                                G_REGEX_OPTIMIZE | G_REGEX_CASELESS, 0, NULL);
        g_once_init_leave(&regex, r);
    }
    return regex;
}

/* See privacy.h. */
char *ck_mask_product_keys(const char *text)
{
    if (!text)
        return g_strdup("");
    char *masked = g_regex_replace(product_key_regex(), text, -1, 0, "*****-*****-*****-*****-\\1", 0, NULL);
    return masked ? masked : g_strdup(text);
}

/* Mask one member of an object (json_object_foreach_member callback). */
static void mask_member(JsonObject *object, const char *name, JsonNode *node, gpointer unused)
{
    ck_json_mask_product_keys(node);
}

/* Mask one element of an array (json_array_foreach_element callback). */
static void mask_element(JsonArray *array, guint index, JsonNode *node, gpointer unused)
{
    ck_json_mask_product_keys(node);
}

/* See privacy.h. */
void ck_json_mask_product_keys(JsonNode *node)
{
    if (!node)
        return;
    if (JSON_NODE_HOLDS_OBJECT(node))
        json_object_foreach_member(json_node_get_object(node), mask_member, NULL);
    else if (JSON_NODE_HOLDS_ARRAY(node))
        json_array_foreach_element(json_node_get_array(node), mask_element, NULL);
    else if (JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_STRING) {
        char *masked = ck_mask_product_keys(json_node_get_string(node));
        json_node_set_string(node, masked);
        g_free(masked);
    }
}
