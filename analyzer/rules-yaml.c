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

/* State of ck_yaml_check_aliases(): expanded sizes, capped at the limit. */
typedef struct {
    GHashTable *sizes;        /* struct fy_node * -> expanded size, or IN_PROGRESS */
    guint64 through_aliases;  /* nodes the aliases seen so far stand for */
    struct fy_node *culprit;  /* alias where the check failed, or NULL */
    gboolean cycle;           /* the culprit refers to a node containing it */
} AliasWalk;

#define ALIAS_SIZE_CAP ((guint64)CK_YAML_ALIAS_NODE_LIMIT + 1)
#define IN_PROGRESS GUINT_TO_POINTER(G_MAXUINT)

static guint64 expanded_size(AliasWalk *walk, struct fy_node *node);

/* Size of alias NODE's target, counted against the limit once per alias
 * written in the file (the memo in expanded_size sees each node once). */
static guint64 alias_size(AliasWalk *walk, struct fy_node *node)
{
    struct fy_node *target = fy_node_resolve_alias(node);
    if (!target)
        return 1;   /* unknown anchor: fy_document_resolve() reports it */
    if (g_hash_table_lookup(walk->sizes, target) == IN_PROGRESS) {
        walk->cycle = TRUE;
        walk->culprit = node;
        return ALIAS_SIZE_CAP;
    }
    guint64 size = expanded_size(walk, target);
    walk->through_aliases = MIN(walk->through_aliases + size, ALIAS_SIZE_CAP);
    if (!walk->culprit && walk->through_aliases > CK_YAML_ALIAS_NODE_LIMIT)
        walk->culprit = node;
    return size;
}

/* Nodes under NODE with every alias expanded (capped); memoised, and
 * stops early once a culprit is found. */
static guint64 expanded_size(AliasWalk *walk, struct fy_node *node)
{
    gpointer memo = g_hash_table_lookup(walk->sizes, node);
    if (memo && memo != IN_PROGRESS)
        return GPOINTER_TO_UINT(memo);
    if (fy_node_is_alias(node))
        return alias_size(walk, node);
    g_hash_table_insert(walk->sizes, node, IN_PROGRESS);
    guint64 size = 1;
    void *iter = NULL;
    if (fy_node_is_sequence(node)) {
        struct fy_node *item;
        while (!walk->culprit && (item = fy_node_sequence_iterate(node, &iter)))
            size += expanded_size(walk, item);
    } else if (fy_node_is_mapping(node)) {
        struct fy_node_pair *pair;
        while (!walk->culprit && (pair = fy_node_mapping_iterate(node, &iter)))
            size += expanded_size(walk, fy_node_pair_key(pair)) + expanded_size(walk, fy_node_pair_value(pair));
    }
    size = MIN(size, ALIAS_SIZE_CAP);
    g_hash_table_insert(walk->sizes, node, GUINT_TO_POINTER((guint)size));
    return size;
}

/* See rules-yaml.h. */
gboolean ck_yaml_check_aliases(CkLoadCtx *ctx, struct fy_document *doc)
{
    struct fy_node *root = fy_document_root(doc);
    if (!root)
        return TRUE;
    AliasWalk walk = {g_hash_table_new(g_direct_hash, g_direct_equal), 0, NULL, FALSE};
    expanded_size(&walk, root);
    g_hash_table_destroy(walk.sizes);
    if (!walk.culprit)
        return TRUE;
    const char *name = fy_token_get_text0(fy_node_get_scalar_token(walk.culprit));
    if (walk.cycle)
        ck_yaml_problem(ctx, walk.culprit, "alias *%s refers to a node that contains it", name ? name : "");
    else
        ck_yaml_problem(ctx, walk.culprit, "alias *%s: the file's aliases expand to more than %d nodes"
                        " (an alias bomb?)", name ? name : "", CK_YAML_ALIAS_NODE_LIMIT);
    return FALSE;
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
