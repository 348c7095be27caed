/* rules-yaml.c — typed readers over libfyaml nodes (see rules-yaml.h). */
#include "analyzer/rules-yaml.h"

#include <stdlib.h>
#include <string.h>

/* Find the first scalar token at or under NODE; sets 0-based line and column. */
static gboolean first_mark(struct fy_node *node, int *line, int *col)
{
    if (!node)
        return FALSE;
    void *iter = NULL;
    switch (fy_node_get_type(node)) {
    case FYNT_SCALAR: {
        struct fy_token *tok = fy_node_get_scalar_token(node);
        const struct fy_mark *mark = tok ? fy_token_start_mark(tok) : NULL;
        if (!mark)
            return FALSE;
        *line = mark->line;
        *col = mark->column;
        return TRUE;
    }
    case FYNT_SEQUENCE: {
        struct fy_node *item = fy_node_sequence_iterate(node, &iter);
        return first_mark(item, line, col);
    }
    case FYNT_MAPPING: {
        struct fy_node_pair *pair = fy_node_mapping_iterate(node, &iter);
        return pair && first_mark(fy_node_pair_key(pair), line, col);
    }
    }
    return FALSE;
}

/* 1-based position of NODE, or the context's fallback. */
void ck_yaml_where(CkLoadCtx *ctx, struct fy_node *node, int *line, int *col)
{
    int l = 0, c = 0;
    if (first_mark(node, &l, &c)) {
        *line = l + 1;
        *col = c + 1;
    } else {
        *line = ctx->fallback_line > 0 ? ctx->fallback_line : 1;
        *col = ctx->fallback_col > 0 ? ctx->fallback_col : 1;
    }
}

/* Append "file:line:col: message" with a ready message. */
static void add_problem(CkLoadCtx *ctx, int line, int col, const char *msg)
{
    if (ctx->problems)
        g_ptr_array_add(ctx->problems, g_strdup_printf("%s:%d:%d: %s", ctx->file, line, col, msg));
    ctx->n_problems++;
}

/* Append "file:line:col: message" for NODE to the context's problems. */
void ck_yaml_problem(CkLoadCtx *ctx, struct fy_node *node, const char *fmt, ...)
{
    int line, col;
    ck_yaml_where(ctx, node, &line, &col);
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    add_problem(ctx, line, col, msg);
}

/* Append a problem at LINE:COL. */
void ck_yaml_problem_at(CkLoadCtx *ctx, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    add_problem(ctx, line, col, msg);
}

/* Position of byte OFFSET inside scalar NODE; see rules-yaml.h. */
void ck_yaml_where_in_scalar(CkLoadCtx *ctx, struct fy_node *node, gsize offset, int *line, int *col)
{
    ck_yaml_where(ctx, node, line, col);
    const char *text = node ? fy_node_get_scalar0(node) : NULL;
    enum fy_node_style style = node ? fy_node_get_style(node) : FYNS_ANY;
    if (!text || strchr(text, '\n') || offset > strlen(text))
        return;
    if (style == FYNS_SINGLE_QUOTED ? strchr(text, '\'') != NULL : style != FYNS_PLAIN)
        return;
    *col += (int)g_utf8_pointer_to_offset(text, text + offset);
}

/* Whether NAME is in the NULL-terminated LIST. */
static gboolean in_list(const char *const *list, const char *name)
{
    for (; list && *list; list++)
        if (strcmp(*list, name) == 0)
            return TRUE;
    return FALSE;
}

/* Check MAP's keys against ALLOWED and REQUIRED (see rules-yaml.h). */
gboolean ck_yaml_check_keys(CkLoadCtx *ctx, struct fy_node *map, const char *what,
                            const char *const *allowed, const char *const *required)
{
    if (!map || fy_node_get_type(map) != FYNT_MAPPING) {
        ck_yaml_problem(ctx, map, "%s must be a mapping", what);
        return FALSE;
    }
    void *iter = NULL;
    struct fy_node_pair *pair;
    while ((pair = fy_node_mapping_iterate(map, &iter))) {
        struct fy_node *key = fy_node_pair_key(pair);
        const char *name = key ? fy_node_get_scalar0(key) : NULL;
        if (!name)
            ck_yaml_problem(ctx, key, "%s: keys must be plain words", what);
        else if (!in_list(allowed, name))
            ck_yaml_problem(ctx, key, "%s: unknown key '%s'", what, name);
    }
    for (; required && *required; required++)
        if (!ck_yaml_get(map, *required))
            ck_yaml_problem(ctx, map, "%s: missing required key '%s'", what, *required);
    return TRUE;
}

/* Value of KEY in MAP, or NULL. */
struct fy_node *ck_yaml_get(struct fy_node *map, const char *key)
{
    if (!map || fy_node_get_type(map) != FYNT_MAPPING)
        return NULL;
    return fy_node_mapping_lookup_by_string(map, key, strlen(key));
}

/* Scalar text at KEY (owned by the document), NULL when absent. */
const char *ck_yaml_string(CkLoadCtx *ctx, struct fy_node *map, const char *key)
{
    struct fy_node *value = ck_yaml_get(map, key);
    if (!value)
        return NULL;
    if (fy_node_get_type(value) != FYNT_SCALAR) {
        ck_yaml_problem(ctx, value, "'%s' must be a single value", key);
        return NULL;
    }
    return fy_node_get_scalar0(value);
}

/* Number at KEY; see rules-yaml.h. */
gboolean ck_yaml_number(CkLoadCtx *ctx, struct fy_node *map, const char *key, double *out)
{
    struct fy_node *value = ck_yaml_get(map, key);
    if (!value)
        return TRUE;
    const char *text = ck_yaml_string(ctx, map, key);
    char *end = NULL;
    double number = text ? g_ascii_strtod(text, &end) : 0;
    if (!text || end == text || *end != '\0') {
        ck_yaml_problem(ctx, value, "'%s' must be a number", key);
        return FALSE;
    }
    *out = number;
    return TRUE;
}

/* Bilingual text at KEY; see rules-yaml.h. */
void ck_yaml_bilingual(CkLoadCtx *ctx, struct fy_node *map, const char *key,
                       gboolean require_both, char **zh, char **en)
{
    static const char *const langs[] = {"zh", "en", NULL};
    struct fy_node *value = ck_yaml_get(map, key);
    *zh = *en = NULL;
    if (!value)
        return;
    if (fy_node_get_type(value) == FYNT_SCALAR) {
        if (require_both)
            ck_yaml_problem(ctx, value, "'%s' needs both languages: {zh: …, en: …}", key);
        *zh = g_strdup(fy_node_get_scalar0(value));
        *en = g_strdup(*zh);
        return;
    }
    g_autofree char *what = g_strdup_printf("'%s'", key);
    ck_yaml_check_keys(ctx, value, what, langs, require_both ? langs : NULL);
    const char *z = ck_yaml_string(ctx, value, "zh");
    const char *e = ck_yaml_string(ctx, value, "en");
    *zh = g_strdup(z ? z : e);
    *en = g_strdup(e ? e : z);
}

/* Scalar or sequence of scalars at KEY, copied into OUT. */
void ck_yaml_string_list(CkLoadCtx *ctx, struct fy_node *map, const char *key, GPtrArray *out)
{
    struct fy_node *value = ck_yaml_get(map, key);
    if (!value)
        return;
    if (fy_node_get_type(value) == FYNT_SCALAR) {
        g_ptr_array_add(out, g_strdup(fy_node_get_scalar0(value)));
        return;
    }
    if (fy_node_get_type(value) != FYNT_SEQUENCE) {
        ck_yaml_problem(ctx, value, "'%s' must be a value or a list of values", key);
        return;
    }
    void *iter = NULL;
    struct fy_node *item;
    while ((item = fy_node_sequence_iterate(value, &iter))) {
        if (fy_node_get_type(item) != FYNT_SCALAR)
            ck_yaml_problem(ctx, item, "'%s': each item must be a single value", key);
        else
            g_ptr_array_add(out, g_strdup(fy_node_get_scalar0(item)));
    }
}
