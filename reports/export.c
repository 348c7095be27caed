/* export.c — one case as the two lines of an Elasticsearch _bulk request. */
#include "reports/export.h"
#include "reports/summary.h"
#include "reports/output.h"
#include "reports/privacy.h"
#include <string.h>

/* Serialise NODE on one line (json-glib; newlines inside strings are
 * escaped) and append it with a final newline. */
static void append_line(GString *out, JsonNode *node)
{
    JsonGenerator *gen = json_generator_new();
    json_generator_set_pretty(gen, FALSE);
    json_generator_set_root(gen, node);
    gsize length = 0;
    char *text = json_generator_to_data(gen, &length);
    g_string_append_len(out, text, (gssize)length);
    g_string_append_c(out, '\n');
    g_free(text);
    g_object_unref(gen);
}

/* Set OBJECT's MEMBER to null when it is the empty string. */
static void null_if_empty(JsonObject *object, const char *member)
{
    if (json_object_has_member(object, member) && !*ck_json_str(object, member)
        && !json_object_get_null_member(object, member))
        json_object_set_null_member(object, member);
}

/* Set MEMBER to SECONDS when KNOWN, else null. */
static void set_seconds(JsonObject *object, const char *member, gboolean known, gint64 seconds)
{
    if (known)
        json_object_set_int_member(object, member, seconds);
    else
        json_object_set_null_member(object, member);
}

/* The action line's object: {"index":{"_index":…,"_id":CASE_ID}}.  Caller unrefs. */
static JsonNode *action_for(const char *case_id)
{
    JsonBuilder *b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "index");
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "_index");
    json_builder_add_string_value(b, CK_EXPORT_INDEX);
    json_builder_set_member_name(b, "_id");
    json_builder_add_string_value(b, case_id);
    json_builder_end_object(b);
    json_builder_end_object(b);
    JsonNode *action = json_builder_get_root(b);
    g_object_unref(b);
    return action;
}

/* See export.h. */
void ck_export_bulk_append(GString *out, JsonNode *doc)
{
    JsonNode *copy = ck_json_deep_copy(doc);
    ck_json_mask_product_keys(copy);
    JsonObject *object = json_node_get_object(copy);
    null_if_empty(object, "opened");
    null_if_empty(object, "closed");
    JsonArray *messages = ck_json_get_array(object, "messages");
    for (guint i = 0; messages && i < json_array_get_length(messages); i++)
        null_if_empty(json_array_get_object_element(messages, i), "date");
    gint64 seconds = 0;
    gboolean known = ck_case_first_response(object, &seconds);
    set_seconds(object, "first_response_seconds", known, seconds);
    known = ck_case_time_to_close(object, &seconds);
    set_seconds(object, "time_to_close_seconds", known, seconds);
    JsonNode *action = action_for(ck_json_str(object, "case_id"));
    append_line(out, action);
    append_line(out, copy);
    json_node_unref(action);
    json_node_unref(copy);
}
