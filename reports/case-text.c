/* case-text.c — text renderings of cases for the terminal. */
#include "reports/case-text.h"
#include "reports/output.h"
#include "reports/timezone.h"

/* Terminal columns of one character. */
static int char_columns(gunichar c)
{
    if (g_unichar_iszerowidth(c))
        return 0;
    return g_unichar_iswide(c) ? 2 : 1;
}

/* Terminal columns of a whole string. */
static int text_columns(const char *text)
{
    int n = 0;
    for (const char *p = text; *p; p = g_utf8_next_char(p))
        n += char_columns(g_utf8_get_char(p));
    return n;
}

/* See case-text.h.  One column is kept free as a separator. */
void ck_text_print_padded(FILE *out, const char *text, int width)
{
    char *safe = ck_text_printable(text, TRUE);
    gboolean fits = text_columns(safe) <= width - 1;
    int used = 0;
    for (const char *p = safe; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        int w = char_columns(c);
        if (!fits && used + w > width - 2) {
            fputs("…", out);
            used++;
            break;
        }
        char buf[8];
        fwrite(buf, 1, g_unichar_to_utf8(c, buf), out);
        used += w;
    }
    for (; used < width; used++)
        fputc(' ', out);
    g_free(safe);
}

/* The "causes" member of a case object as "a, b" (ids, or objects' ids). */
static char *cause_ids(JsonObject *object)
{
    GString *out = g_string_new(NULL);
    JsonArray *causes = json_object_has_member(object, "causes")
                        ? json_object_get_array_member(object, "causes") : NULL;
    for (guint i = 0; causes && i < json_array_get_length(causes); i++) {
        JsonNode *node = json_array_get_element(causes, i);
        const char *id = JSON_NODE_HOLDS_OBJECT(node) ? ck_json_str(json_node_get_object(node), "id")
                                                      : json_node_get_string(node);
        g_string_append_printf(out, "%s%s", i ? ", " : "", id ? id : "");
    }
    return g_string_free(out, FALSE);
}

/* See case-text.h. */
void ck_text_case_list(FILE *out, JsonNode *list)
{
    JsonArray *array = json_node_get_array(list);
    for (guint i = 0; i < json_array_get_length(array); i++) {
        JsonObject *c = json_array_get_object_element(array, i);
        char *causes = cause_ids(c);
        char *date = ck_time_display(ck_json_str(c, "opened"), TRUE);
        ck_text_print_padded(out, ck_json_str(c, "case_id"), 18);
        ck_text_print_padded(out, ck_json_str(c, "status"), 7);
        fprintf(out, "%4" G_GINT64_FORMAT "  %-10s  ", ck_json_int(c, "messages"), date);
        ck_text_print_padded(out, causes[0] ? causes : "-", 28);
        ck_text_put_line(out, ck_json_str(c, "title"));
        fputc('\n', out);
        g_free(date);
        g_free(causes);
    }
}

/* Print "label: value" when value is non-empty. */
static void print_field(FILE *out, const char *label, const char *value)
{
    if (value && value[0]) {
        fprintf(out, "%-10s ", label);
        ck_text_put_line(out, value);
        fputc('\n', out);
    }
}

/* Print the header fields of a case document. */
static void print_case_header(FILE *out, JsonObject *doc)
{
    print_field(out, "Case:", ck_json_str(doc, "case_id"));
    JsonArray *aliases = json_object_get_array_member(doc, "aliases");
    GString *joined = g_string_new(NULL);
    for (guint i = 0; aliases && i < json_array_get_length(aliases); i++)
        g_string_append_printf(joined, "%s%s", i ? ", " : "", json_array_get_string_element(aliases, i));
    print_field(out, "Aliases:", joined->str);
    g_string_free(joined, TRUE);
    const char *const fields[][2] = {
        { "Title:", "title" }, { "Customer:", "customer" }, { "Vendor:", "vendor" },
        { "Severity:", "severity" }, { "Stage:", "stage" }, { "Status:", "status" },
        { "Opened:", "opened" }, { "Closed:", "closed" },
    };
    for (guint i = 0; i < G_N_ELEMENTS(fields); i++) {
        gboolean is_time = i >= G_N_ELEMENTS(fields) - 2;
        char *value = is_time ? ck_time_display(ck_json_str(doc, fields[i][1]), FALSE) : NULL;
        print_field(out, fields[i][0], is_time ? value : ck_json_str(doc, fields[i][1]));
        g_free(value);
    }
    char *causes = cause_ids(doc);
    print_field(out, "Causes:", causes);
    g_free(causes);
}

/* Print the attachments of message M: "[attachment] NAME (TYPE, N bytes)",
 * then the text of a text attachment. */
static void print_attachments(FILE *out, JsonObject *m)
{
    JsonArray *list = json_object_has_member(m, "attachments") ? json_object_get_array_member(m, "attachments") : NULL;
    for (guint i = 0; list && i < json_array_get_length(list); i++) {
        JsonObject *a = json_array_get_object_element(list, i);
        fputs("\n[attachment] ", out);
        ck_text_put_line(out, ck_json_str(a, "name"));
        fprintf(out, " (%s, %" G_GINT64_FORMAT " bytes)\n", ck_json_str(a, "type"), ck_json_int(a, "size"));
        const char *text = ck_json_str(a, "text");
        if (text[0])
            fprintf(out, "%s\n", text);
    }
}

/* See case-text.h. */
void ck_text_case_document(FILE *out, JsonNode *node)
{
    JsonObject *doc = json_node_get_object(node);
    print_case_header(out, doc);
    JsonArray *messages = json_object_get_array_member(doc, "messages");
    for (guint i = 0; messages && i < json_array_get_length(messages); i++) {
        JsonObject *m = json_array_get_object_element(messages, i);
        char *date = ck_time_display(ck_json_str(m, "date"), FALSE);
        char *from = ck_text_printable(ck_json_str(m, "from"), TRUE);
        fprintf(out, "\n── %" G_GINT64_FORMAT " ── %s  %s (%s)  [%s]\n", ck_json_int(m, "index"), date,
                from, ck_json_str(m, "side"), ck_json_str(m, "joined_by"));
        g_free(from);
        g_free(date);
        fputs("Subject: ", out);
        ck_text_put_line(out, ck_json_str(m, "subject"));
        fprintf(out, "\n\n%s\n", ck_json_str(m, "body"));
        const char *forwarded = ck_json_str(m, "forwarded");
        if (forwarded[0])
            fprintf(out, "\n[forwarded]\n%s\n", forwarded);
        print_attachments(out, m);
    }
}
