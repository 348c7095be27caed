/* template.c — the reply template language: a small Mustache subset.
 *
 *   {{name}}            value of name (string or number); a list gives its
 *                       first item; `error_code` falls back to the first of
 *                       `error_codes`; an unknown name renders as <name>
 *   {{#name}}…{{/name}} once per item of a list (item is the context, {{.}}
 *                       is the item itself), once for a non-empty value,
 *                       never for a missing or empty one
 *   {{^name}}…{{/name}} only when name is missing or empty
 * No escaping is done: replies are plain text.
 */
#include "analyzer/analyzer-private.h"

#include <string.h>

typedef struct {
    const char *open;        /* at "{{" */
    const char *close;       /* just after "}}" */
    char kind;               /* 0 variable, '#', '^', '/' */
    char *name;              /* trimmed; caller frees */
} Tag;

/* Find the next tag at or after P (before END).  FALSE when none. */
static gboolean next_tag(const char *p, const char *end, Tag *tag)
{
    const char *open = g_strstr_len(p, end - p, "{{");
    if (!open)
        return FALSE;
    const char *stop = g_strstr_len(open + 2, end - open - 2, "}}");
    if (!stop)
        return FALSE;
    const char *name = open + 2;
    tag->kind = (*name == '#' || *name == '^' || *name == '/') ? *name++ : 0;
    tag->open = open;
    tag->close = stop + 2;
    tag->name = g_strstrip(g_strndup(name, stop - name));
    return TRUE;
}

/* Find the {{/name}} closing the section whose body starts at P; sets
 * *body_end (at the closing tag) and *after (past it).  FALSE if unclosed. */
static gboolean find_section_end(const char *p, const char *end, const char *name,
                                 const char **body_end, const char **after)
{
    int depth = 1;
    Tag tag;
    while (next_tag(p, end, &tag)) {
        gboolean same = strcmp(tag.name, name) == 0;
        g_free(tag.name);
        if (same && (tag.kind == '#' || tag.kind == '^'))
            depth++;
        else if (same && tag.kind == '/' && --depth == 0) {
            *body_end = tag.open;
            *after = tag.close;
            return TRUE;
        }
        p = tag.close;
    }
    return FALSE;
}

/* Look NAME up through the context STACK (JsonNode *, innermost last). */
static JsonNode *lookup(GPtrArray *stack, const char *name)
{
    if (strcmp(name, ".") == 0)
        return stack->len ? g_ptr_array_index(stack, stack->len - 1) : NULL;
    for (guint i = stack->len; i-- > 0;) {
        JsonNode *node = g_ptr_array_index(stack, i);
        if (JSON_NODE_HOLDS_OBJECT(node) && json_object_has_member(json_node_get_object(node), name))
            return json_object_get_member(json_node_get_object(node), name);
    }
    g_autofree char *plural = g_strconcat(name, "s", NULL);
    for (guint i = stack->len; i-- > 0;) {
        JsonNode *node = g_ptr_array_index(stack, i);
        if (JSON_NODE_HOLDS_OBJECT(node) && json_object_has_member(json_node_get_object(node), plural))
            return json_object_get_member(json_node_get_object(node), plural);
    }
    return NULL;
}

/* Whether NODE counts as empty for sections. */
static gboolean is_empty(JsonNode *node)
{
    if (!node || JSON_NODE_HOLDS_NULL(node))
        return TRUE;
    if (JSON_NODE_HOLDS_ARRAY(node))
        return json_array_get_length(json_node_get_array(node)) == 0;
    if (JSON_NODE_HOLDS_VALUE(node)) {
        GType t = json_node_get_value_type(node);
        if (t == G_TYPE_STRING)
            return json_node_get_string(node)[0] == '\0';
        if (t == G_TYPE_BOOLEAN)
            return !json_node_get_boolean(node);
    }
    return FALSE;
}

/* Append the text form of NODE (first item of a list) to OUT. */
static void append_value(GString *out, JsonNode *node, const char *name)
{
    if (node && JSON_NODE_HOLDS_ARRAY(node) && json_array_get_length(json_node_get_array(node)) > 0)
        node = json_array_get_element(json_node_get_array(node), 0);
    if (!node || !JSON_NODE_HOLDS_VALUE(node)) {
        g_string_append_printf(out, "<%s>", name);
        return;
    }
    GType t = json_node_get_value_type(node);
    if (t == G_TYPE_STRING)
        g_string_append(out, json_node_get_string(node));
    else if (t == G_TYPE_INT64)
        g_string_append_printf(out, "%" G_GINT64_FORMAT, json_node_get_int(node));
    else if (t == G_TYPE_DOUBLE)
        g_string_append_printf(out, "%g", json_node_get_double(node));
    else if (t == G_TYPE_BOOLEAN)
        g_string_append(out, json_node_get_boolean(node) ? "true" : "false");
}

static void render_range(const char *p, const char *end, GPtrArray *stack, GString *out);

/* Render a {{#name}} / {{^name}} section body BODY..BODY_END. */
static void render_section(const Tag *tag, const char *body, const char *body_end,
                           GPtrArray *stack, GString *out)
{
    JsonNode *value = lookup(stack, tag->name);
    if (tag->kind == '^') {
        if (is_empty(value))
            render_range(body, body_end, stack, out);
        return;
    }
    if (is_empty(value))
        return;
    if (JSON_NODE_HOLDS_ARRAY(value)) {
        JsonArray *items = json_node_get_array(value);
        for (guint i = 0; i < json_array_get_length(items); i++) {
            g_ptr_array_add(stack, json_array_get_element(items, i));
            render_range(body, body_end, stack, out);
            g_ptr_array_remove_index(stack, stack->len - 1);
        }
        return;
    }
    g_ptr_array_add(stack, value);
    render_range(body, body_end, stack, out);
    g_ptr_array_remove_index(stack, stack->len - 1);
}

/* Render P..END into OUT with the context STACK. */
static void render_range(const char *p, const char *end, GPtrArray *stack, GString *out)
{
    Tag tag;
    while (next_tag(p, end, &tag)) {
        g_string_append_len(out, p, tag.open - p);
        p = tag.close;
        if (tag.kind == '#' || tag.kind == '^') {
            const char *body_end, *after;
            if (find_section_end(p, end, tag.name, &body_end, &after)) {
                render_section(&tag, p, body_end, stack, out);
                p = after;
            }
        } else if (tag.kind == 0) {
            append_value(out, lookup(stack, tag.name), tag.name);
        }
        g_free(tag.name);
    }
    g_string_append_len(out, p, end - p);
}

/* Render TMPL against CONTEXT.  Caller g_free()s. */
char *ck_template_render(const char *tmpl, JsonObject *context)
{
    if (!tmpl)
        return g_strdup("");
    g_autoptr(JsonNode) root = json_node_init_object(json_node_alloc(), context);
    g_autoptr(GPtrArray) stack = g_ptr_array_new();
    g_ptr_array_add(stack, root);
    GString *out = g_string_new(NULL);
    render_range(tmpl, tmpl + strlen(tmpl), stack, out);
    return g_string_free(out, FALSE);
}

/* Collect TMPL's tag names into NAMES; FALSE on unbalanced sections. */
gboolean ck_template_names(const char *tmpl, GPtrArray *names, char **message)
{
    if (!tmpl)
        return TRUE;
    g_autoptr(GPtrArray) open = g_ptr_array_new_with_free_func(g_free);
    const char *p = tmpl, *end = tmpl + strlen(tmpl);
    Tag tag;
    while (next_tag(p, end, &tag)) {
        p = tag.close;
        if (tag.kind == '/') {
            gboolean ok = open->len && strcmp(g_ptr_array_index(open, open->len - 1), tag.name) == 0;
            if (!ok) {
                *message = g_strdup_printf("{{/%s}} closes nothing that is open", tag.name);
                g_free(tag.name);
                return FALSE;
            }
            g_ptr_array_remove_index(open, open->len - 1);
            g_free(tag.name);
            continue;
        }
        if (tag.kind)
            g_ptr_array_add(open, g_strdup(tag.name));
        if (strcmp(tag.name, ".") != 0)
            g_ptr_array_add(names, tag.name);
        else
            g_free(tag.name);
    }
    if (open->len) {
        *message = g_strdup_printf("{{#%s}} is never closed", (char *)g_ptr_array_index(open, open->len - 1));
        return FALSE;
    }
    return TRUE;
}
