/* similar-out.c — probes for similar-case scoring, and their text output. */
#include "reports/similar-out.h"
#include "reports/checklist.h"
#include "reports/output.h"

#include <string.h>

/* Append the new text of DOC's messages to TEXT: customer messages only,
 * or all when none is from a customer. */
static void append_message_text(GString *text, JsonObject *doc)
{
    JsonArray *messages = ck_json_get_array(doc, "messages");
    guint n = messages ? json_array_get_length(messages) : 0;
    gboolean any_customer = FALSE;
    for (guint i = 0; i < n; i++)
        any_customer |= strcmp(ck_json_str(json_array_get_object_element(messages, i), "side"), "customer") == 0;
    for (guint i = 0; i < n; i++) {
        JsonObject *m = json_array_get_object_element(messages, i);
        if (!any_customer || strcmp(ck_json_str(m, "side"), "customer") == 0)
            g_string_append_printf(text, "\n%s", ck_json_str(m, "body"));
    }
}

/* See similar-out.h. */
JsonObject *ck_similar_probe(JsonObject *doc)
{
    JsonObject *probe = json_object_new();
    JsonArray *causes = json_array_new();
    JsonArray *doc_causes = ck_json_get_array(doc, "causes");
    for (guint i = 0; doc_causes && i < json_array_get_length(doc_causes); i++) {
        JsonObject *c = json_array_get_object_element(doc_causes, i);
        JsonObject *one = json_object_new();
        json_object_set_string_member(one, "id", ck_json_str(c, "id"));
        json_object_set_double_member(one, "score", json_object_get_double_member_with_default(c, "score", 0));
        json_array_add_object_element(causes, one);
    }
    json_object_set_array_member(probe, "causes", causes);
    JsonObject *entities = ck_json_get_object(doc, "entities");
    json_object_set_object_member(probe, "entities", entities ? json_object_ref(entities) : json_object_new());
    GString *text = g_string_new(ck_json_str(doc, "title"));
    append_message_text(text, doc);
    json_object_set_string_member(probe, "text", text->str);
    g_string_free(text, TRUE);
    return probe;
}

/* Print the string array member NAME of O joined by ", " after LABEL. */
static void print_list(FILE *out, JsonObject *o, const char *name, const char *label)
{
    JsonArray *a = ck_json_get_array(o, name);
    if (!a || json_array_get_length(a) == 0)
        return;
    fprintf(out, "    %s: ", label);
    for (guint i = 0; i < json_array_get_length(a); i++)
        fprintf(out, "%s%s", i ? ", " : "", json_array_get_string_element(a, i));
    fputc('\n', out);
}

/* See similar-out.h. */
const char *ck_similar_resolution_label(JsonObject *r)
{
    static const char *const labels[][2] = {
        { "conclusion", "resolved" }, { "analysis", "analysis" }, { "support_steps", "support's steps" },
    };
    const char *from = ck_json_str(r, "resolution_from");
    for (gsize i = 0; i < G_N_ELEMENTS(labels); i++)
        if (strcmp(from, labels[i][0]) == 0)
            return labels[i][1];
    return NULL;
}

/* Print how result R was resolved, labelled with where it came from. */
static void print_resolution(FILE *out, JsonObject *r)
{
    const char *label = ck_similar_resolution_label(r);
    g_autofree char *flat = g_strdup(ck_json_str(r, "resolution"));
    g_strdelimit(flat, "\r\n\t", ' ');
    fprintf(out, "    %s: %s\n", label ? label : "resolved", label && *flat ? flat : "not recorded");
}

/* See similar-out.h. */
void ck_text_similar(FILE *out, JsonNode *results)
{
    JsonArray *a = json_node_get_array(results);
    for (guint i = 0; i < json_array_get_length(a); i++) {
        JsonObject *r = json_array_get_object_element(a, i);
        fprintf(out, "%s  %-6s  %.3f  %s\n", ck_json_str(r, "case_id"), ck_json_str(r, "status"),
                json_object_get_double_member_with_default(r, "score", 0), ck_json_str(r, "title"));
        print_list(out, r, "shared_causes", "causes");
        print_list(out, r, "shared_entities", "shared");
        print_resolution(out, r);
    }
}
