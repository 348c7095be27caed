/* charts.c — dashboard bars and tables (charts.h). */
#include "serve/charts.h"
#include "serve/page.h"
#include "reports/html.h"
#include "reports/output.h"
#include <string.h>

/* See charts.h. */
JsonObject *ck_serve_object_at(JsonArray *array, guint i)
{
    JsonNode *node = array && i < json_array_get_length(array) ? json_array_get_element(array, i) : NULL;
    return node && JSON_NODE_HOLDS_OBJECT(node) ? json_node_get_object(node) : NULL;
}

/* Append <a class="label"> to HREF showing LABEL, LABEL also as its
 * hover title (labels are cut by the stylesheet). */
static void label_link(GString *out, const char *label, const char *href)
{
    g_string_append(out, "<a class=\"label\" href=\"");
    ck_html_escape(out, href);
    g_string_append(out, "\" title=\"");
    ck_html_escape(out, label);
    g_string_append(out, "\">");
    ck_html_escape(out, label);
    g_string_append(out, "</a>");
}

/* See charts.h. */
void ck_serve_bar(GString *out, const char *label, const char *href, double value, double max)
{
    g_string_append(out, "<div class=\"bar\">");
    if (href)
        label_link(out, label, href);
    else
        ck_html_element(out, "span", "label", label);
    g_string_append_printf(out, "<svg class=\"track\" viewBox=\"0 0 100 10\" preserveAspectRatio=\"none\">"
                           "<rect class=\"fill\" width=\"%.2f\" height=\"10\"/></svg><span class=\"value\">%g</span>"
                           "</div>\n", max > 0 ? 100.0 * value / max : 0, value);
}

/* Append an object cell value: timing stats, {text}, or its scalars. */
static void write_object(GString *out, JsonObject *o)
{
    if (json_object_has_member(o, "median")) {
        const char *median = ck_json_str(o, "median"), *p90 = ck_json_str(o, "p90");
        ck_html_escape(out, *median ? median : "–");
        g_string_append(out, " · p90 ");
        ck_html_escape(out, *p90 ? p90 : "–");
        g_string_append_printf(out, " (n=%" G_GINT64_FORMAT ")", ck_json_int(o, "count"));
        return;
    }
    if (json_object_has_member(o, "text")) {
        ck_html_escape(out, ck_json_str(o, "text"));
        return;
    }
    GList *members = json_object_get_members(o);
    for (GList *m = members; m; m = m->next) {
        JsonNode *v = json_object_get_member(o, m->data);
        if (!JSON_NODE_HOLDS_VALUE(v))
            continue;
        char *text = json_node_get_value_type(v) == G_TYPE_STRING ? g_strdup(json_node_get_string(v))
                     : g_strdup_printf("%g", json_node_get_double(v));
        g_string_append_printf(out, "%s", m == members ? "" : ", ");
        ck_html_escape(out, m->data);
        g_string_append(out, ": ");
        ck_html_escape(out, text);
        g_free(text);
    }
    g_list_free(members);
}

/* The queue filter a column named COLUMN selects by, or NULL. */
static const char *column_filter(const char *column)
{
    static const char *const filters[] = { "cause", "causes", "vendor", "customer", "severity", "status", NULL };
    for (guint i = 0; filters[i]; i++)
        if (strcmp(column, filters[i]) == 0)
            return strcmp(column, "causes") == 0 ? "cause" : column;
    return NULL;
}

/* Append a string cell value TEXT of COLUMN, linked where a column says
 * what it is. */
static void write_string(GString *out, const char *column, const char *text)
{
    const char *filter = column_filter(column);
    if (strcmp(column, "case_id") == 0 && *text)
        ck_serve_case_link(out, text);
    else if (filter && *text && text[0] != '(') {
        char *href = ck_serve_href("/", NULL, NULL, filter, text, NULL);
        ck_html_link(out, href, text);
        g_free(href);
    } else if (g_strv_contains((const char *const[]){ "opened", "closed", "updated", "generated", NULL }, column))
        ck_serve_time(out, text, TRUE);
    else
        ck_html_escape(out, text);
}

/* The number in member MEMBER of O, or (MEMBER NULL) in its first
 * numeric member other than "month"; 0 when none. */
static double month_value(JsonObject *o, const char *member)
{
    GList *members = o ? json_object_get_members(o) : NULL;
    double value = 0;
    for (GList *m = members; m; m = m->next) {
        JsonNode *v = json_object_get_member(o, m->data);
        gboolean wanted = member ? strcmp(m->data, member) == 0 : strcmp(m->data, "month") != 0;
        if (wanted && JSON_NODE_HOLDS_VALUE(v) && json_node_get_value_type(v) != G_TYPE_STRING) {
            value = json_node_get_double(v);
            break;
        }
    }
    g_list_free(members);
    return value;
}

/* Append MONTHS (objects {month, numbers}) as columns HEIGHT high of
 * MEMBER (NULL: the first number), each a link to the queue of its month,
 * narrowed by PARAM=VALUE when PARAM is given. */
static void month_columns(GString *out, JsonArray *months, const char *member, const char *param,
                          const char *value, guint height)
{
    guint n = json_array_get_length(months);
    double max = 1;
    for (guint i = 0; i < n; i++)
        max = MAX(max, month_value(ck_serve_object_at(months, i), member));
    g_string_append_printf(out, "<svg class=\"spark\" viewBox=\"0 0 %u %u\" width=\"%u\" height=\"%u\">", n * 4,
                           height, n * (height > 20 ? 8 : 4), height);
    for (guint i = 0; i < n; i++) {
        JsonObject *m = ck_serve_object_at(months, i);
        const char *month = m ? ck_json_str(m, "month") : "";
        double v = month_value(m, member), h = v > 0 ? MAX(1.0, height * v / max) : 0;
        char *href = ck_serve_href("/", NULL, NULL, "since", month, "until", month, param, value, NULL);
        g_string_append(out, "<a href=\"");
        ck_html_escape(out, href);
        g_string_append_printf(out, "\"><rect class=\"fill\" x=\"%u\" y=\"%.1f\" width=\"3\" height=\"%.1f\"><title>",
                               i * 4, height - h, h);
        ck_html_escape(out, month);
        g_string_append_printf(out, ": %g</title></rect></a>", v);
        g_free(href);
    }
    g_string_append(out, "</svg>");
}

/* Append MONTHS as a small chart for a table cell of ROW, narrowed by the
 * row's cause, severity, vendor or customer when it has one. */
static void write_months(GString *out, JsonObject *row, JsonArray *months)
{
    static const char *const narrow[] = { "cause", "severity", "vendor", "customer", NULL };
    const char *param = NULL, *value = NULL;
    for (guint i = 0; narrow[i] && !param; i++)
        if (*ck_json_str(row, narrow[i]))
            param = narrow[i], value = ck_json_str(row, narrow[i]);
    month_columns(out, months, NULL, param, value, 20);
}

/* See charts.h. */
void ck_serve_month_chart(GString *out, const char *title, JsonArray *rows)
{
    JsonObject *first = ck_serve_object_at(rows, 0);
    JsonObject *last = ck_serve_object_at(rows, json_array_get_length(rows) - 1);
    GList *columns = json_object_get_members(first);
    g_string_append(out, "<section class=\"months\">");
    ck_html_element(out, "h3", NULL, title);
    for (GList *c = columns; c; c = c->next) {
        JsonNode *v = json_object_get_member(first, c->data);
        if (strcmp(c->data, "month") == 0 || !JSON_NODE_HOLDS_VALUE(v) || json_node_get_value_type(v) == G_TYPE_STRING)
            continue;
        ck_html_element(out, "h4", NULL, c->data);
        month_columns(out, rows, c->data, NULL, NULL, 80);
        g_string_append(out, "<div class=\"axis\">");
        ck_html_element(out, "span", NULL, ck_json_str(first, "month"));
        ck_html_element(out, "span", NULL, last ? ck_json_str(last, "month") : "");
        g_string_append(out, "</div>\n");
    }
    g_string_append(out, "</section>\n");
    g_list_free(columns);
}

/* Append the strings of array A as values of COLUMN, or, when A holds
 * monthly objects, their chart (write_months). */
static void write_array(GString *out, const char *column, JsonObject *row, JsonArray *a)
{
    JsonObject *first = ck_serve_object_at(a, 0);
    if (first && json_object_has_member(first, "month")) {
        write_months(out, row, a);
        return;
    }
    for (guint i = 0; i < json_array_get_length(a); i++) {
        JsonNode *e = json_array_get_element(a, i);
        if (JSON_NODE_HOLDS_VALUE(e) && json_node_get_value_type(e) == G_TYPE_STRING) {
            write_string(out, column, json_node_get_string(e));
            g_string_append(out, " ");
        }
    }
}

/* Append the cell of COLUMN of ROW holding V. */
static void write_cell(GString *out, const char *column, JsonObject *row, JsonNode *v)
{
    gboolean number = v && JSON_NODE_HOLDS_VALUE(v) && json_node_get_value_type(v) != G_TYPE_STRING;
    g_string_append(out, number ? "<td class=\"num\">" : "<td>");
    if (number)
        g_string_append_printf(out, "%g", json_node_get_double(v));
    else if (v && JSON_NODE_HOLDS_VALUE(v))
        write_string(out, column, json_node_get_string(v));
    else if (v && JSON_NODE_HOLDS_OBJECT(v))
        write_object(out, json_node_get_object(v));
    else if (v && JSON_NODE_HOLDS_ARRAY(v))
        write_array(out, column, row, json_node_get_array(v));
    g_string_append(out, "</td>");
}

/* See charts.h. */
void ck_serve_report_table(GString *out, const char *title, JsonArray *rows)
{
    JsonObject *first = ck_serve_object_at(rows, 0);
    GList *columns = json_object_get_members(first);
    g_string_append(out, "<section class=\"table\">");
    ck_html_element(out, "h3", NULL, title);
    g_string_append(out, "<table><tr>");
    for (GList *c = columns; c; c = c->next)
        ck_html_element(out, "th", NULL, c->data);
    g_string_append(out, "</tr>\n");
    for (guint i = 0; i < json_array_get_length(rows); i++) {
        JsonObject *o = ck_serve_object_at(rows, i);
        g_string_append(out, "<tr>");
        for (GList *c = columns; c; c = c->next)
            write_cell(out, c->data, o, o ? json_object_get_member(o, c->data) : NULL);
        g_string_append(out, "</tr>\n");
    }
    g_string_append(out, "</table></section>\n");
    g_list_free(columns);
}
