/* customers.c — the customer alias table (see customers.h). */
#include "analyzer/customers.h"
#include "analyzer/rules-yaml.h"
#include "store/fts-tokenizer.h"

#include <string.h>

G_DEFINE_QUARK(ck-customers-error-quark, ck_customers_error)

/* One organisation: its canonical name and its aliases as written. */
typedef struct {
    char *canonical;
    GPtrArray *names;   /* char *: canonical first, then the aliases */
} Group;

struct CkCustomers {
    GHashTable *by_key;   /* folded name -> Group * (borrowed from groups) */
    GPtrArray *groups;    /* Group *, owned */
};

/* Free a Group. */
static void group_free(gpointer data)
{
    Group *g = data;
    g_free(g->canonical);
    g_ptr_array_unref(g->names);
    g_free(g);
}

/* See customers.h. */
CkCustomers *ck_customers_new(void)
{
    CkCustomers *table = g_new0(CkCustomers, 1);
    table->by_key = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    table->groups = g_ptr_array_new_with_free_func(group_free);
    return table;
}

/* See customers.h. */
void ck_customers_free(CkCustomers *table)
{
    if (!table)
        return;
    g_hash_table_unref(table->by_key);
    g_ptr_array_unref(table->groups);
    g_free(table);
}

/* NAME folded for comparison: NFKC, case, Traditional -> Simplified,
 * white space runs as one space, trimmed.  Caller frees. */
static char *name_key(const char *name)
{
    char *folded = ck_fts_fold(name ? name : "");
    GString *key = g_string_new(NULL);
    for (const char *p = folded; *p; p = g_utf8_next_char(p)) {
        gunichar ch = g_utf8_get_char(p);
        if (!g_unichar_isspace(ch))
            g_string_append_unichar(key, ch);
        else if (key->len && key->str[key->len - 1] != ' ')
            g_string_append_c(key, ' ');
    }
    if (key->len && key->str[key->len - 1] == ' ')
        g_string_truncate(key, key->len - 1);
    g_free(folded);
    return g_string_free(key, FALSE);
}

/* The group of NAME, or NULL. */
static Group *lookup(const CkCustomers *table, const char *name)
{
    if (!table || !name)
        return NULL;
    char *key = name_key(name);
    Group *g = g_hash_table_lookup(table->by_key, key);
    g_free(key);
    return g;
}

/* TRUE when NAME is (folded) the canonical name of G. */
static gboolean is_canonical_of(const Group *g, const char *name)
{
    char *a = name_key(g->canonical), *b = name_key(name);
    gboolean same = strcmp(a, b) == 0;
    g_free(a);
    g_free(b);
    return same;
}

/* Give NAME to group G; FALSE with *error when it belongs to another. */
static gboolean claim(CkCustomers *table, Group *g, const char *name, GError **error)
{
    char *key = name_key(name);
    Group *owner = g_hash_table_lookup(table->by_key, key);
    if (owner && owner != g) {
        g_set_error(error, CK_CUSTOMERS_ERROR, CK_CUSTOMERS_ERROR_CONFLICT,
                    "customer name '%s' is already a name of '%s'", name, owner->canonical);
        g_free(key);
        return FALSE;
    }
    if (!owner) {
        g_hash_table_insert(table->by_key, key, g);
        g_ptr_array_add(g->names, g_strdup(name));
    } else {
        g_free(key);
    }
    return TRUE;
}

/* See customers.h. */
gboolean ck_customers_add(CkCustomers *table, const char *canonical, const char *alias, GError **error)
{
    g_return_val_if_fail(table && canonical && alias, FALSE);
    char *ck = name_key(canonical), *ak = name_key(alias);
    gboolean empty = !*ck || !*ak;
    g_free(ck);
    g_free(ak);
    if (empty) {
        g_set_error(error, CK_CUSTOMERS_ERROR, CK_CUSTOMERS_ERROR_FILE, "customer names must not be empty");
        return FALSE;
    }
    Group *g = lookup(table, canonical);
    if (g && is_canonical_of(g, canonical))
        return claim(table, g, alias, error);
    if (g) {
        g_set_error(error, CK_CUSTOMERS_ERROR, CK_CUSTOMERS_ERROR_CONFLICT,
                    "customer name '%s' is already a name of '%s'", canonical, g->canonical);
        return FALSE;
    }
    g = g_new0(Group, 1);
    g->canonical = g_strdup(canonical);
    g->names = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(table->groups, g);
    return claim(table, g, canonical, error) && claim(table, g, alias, error);
}

/* See customers.h. */
const char *ck_customers_canonical(const CkCustomers *table, const char *name)
{
    Group *g = lookup(table, name);
    return g ? g->canonical : name;
}

/* See customers.h. */
GPtrArray *ck_customers_names(const CkCustomers *table, const char *name)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    Group *g = lookup(table, name);
    for (guint i = 0; g && i < g->names->len; i++)
        g_ptr_array_add(names, g_strdup(g->names->pdata[i]));
    if (!g)
        g_ptr_array_add(names, g_strdup(name ? name : ""));
    return names;
}

/* Add one "canonical: alias | [aliases]" PAIR to TABLE; problems into CTX. */
static void load_pair(CkLoadCtx *ctx, CkCustomers *table, struct fy_node_pair *pair)
{
    struct fy_node *key = fy_node_pair_key(pair), *value = fy_node_pair_value(pair);
    const char *canonical = key && fy_node_get_type(key) == FYNT_SCALAR ? fy_node_get_scalar0(key) : NULL;
    if (!canonical || !*canonical) {
        ck_yaml_problem(ctx, key, "a canonical customer name must be a non-empty string");
        return;
    }
    GPtrArray *aliases = g_ptr_array_new_with_free_func(g_free);
    const char *one = value && fy_node_get_type(value) == FYNT_SCALAR ? fy_node_get_scalar0(value) : NULL;
    if (one && *one)
        g_ptr_array_add(aliases, g_strdup(fy_node_get_scalar0(value)));
    void *iter = NULL;
    struct fy_node *item;
    while (value && fy_node_get_type(value) == FYNT_SEQUENCE && (item = fy_node_sequence_iterate(value, &iter))) {
        if (fy_node_get_type(item) == FYNT_SCALAR && fy_node_get_scalar0(item) && *fy_node_get_scalar0(item))
            g_ptr_array_add(aliases, g_strdup(fy_node_get_scalar0(item)));
        else
            ck_yaml_problem(ctx, item, "aliases of '%s' must be non-empty strings", canonical);
    }
    if (aliases->len == 0)
        ck_yaml_problem(ctx, key, "'%s' needs an alias or a list of aliases", canonical);
    for (guint i = 0; i < aliases->len; i++) {
        GError *error = NULL;
        if (!ck_customers_add(table, canonical, aliases->pdata[i], &error)) {
            ck_yaml_problem(ctx, value, "%s", error->message);
            g_error_free(error);
        }
    }
    g_ptr_array_unref(aliases);
}

/* Fill TABLE from the parsed document DOC; problems into CTX. */
static void load_document(CkLoadCtx *ctx, CkCustomers *table, struct fy_document *doc)
{
    static const char *const keys[] = { "customers", NULL };
    struct fy_node *root = fy_document_root(doc);
    if (!root || !ck_yaml_check_keys(ctx, root, "customer alias file", keys, keys))
        return;
    struct fy_node *map = ck_yaml_get(root, "customers");
    if (!map || fy_node_get_type(map) != FYNT_MAPPING) {
        ck_yaml_problem(ctx, map, "'customers' must map each canonical name to its aliases");
        return;
    }
    void *iter = NULL;
    struct fy_node_pair *pair;
    while ((pair = fy_node_mapping_iterate(map, &iter)))
        load_pair(ctx, table, pair);
}

/* See customers.h. */
CkCustomers *ck_customers_load(const char *path, GError **error)
{
    char *text = NULL;
    GError *io = NULL;
    if (!g_file_get_contents(path, &text, NULL, &io)) {
        gboolean missing = g_error_matches(io, G_FILE_ERROR, G_FILE_ERROR_NOENT);
        if (!missing)
            g_set_error(error, CK_CUSTOMERS_ERROR, CK_CUSTOMERS_ERROR_FILE, "%s: %s", path, io->message);
        g_error_free(io);
        return missing ? ck_customers_new() : NULL;
    }
    CkCustomers *table = ck_customers_new();
    GPtrArray *problems = g_ptr_array_new_with_free_func(g_free);
    CkLoadCtx ctx = { .file = path, .problems = problems };
    struct fy_document *doc = g_utf8_validate(text, -1, NULL) ? ck_yaml_read_document(&ctx, text) : NULL;
    if (!doc && problems->len == 0)
        ck_yaml_problem(&ctx, NULL, "file is not valid UTF-8");
    if (doc)
        load_document(&ctx, table, doc);
    if (doc)
        fy_document_destroy(doc);
    g_free(text);
    if (problems->len > 0) {
        g_ptr_array_add(problems, NULL);
        char *all = g_strjoinv("\n", (char **)problems->pdata);
        g_set_error_literal(error, CK_CUSTOMERS_ERROR, CK_CUSTOMERS_ERROR_FILE, all);
        g_free(all);
        g_clear_pointer(&table, ck_customers_free);
    }
    g_ptr_array_unref(problems);
    return table;
}

/* See customers.h. */
CkCustomers *ck_customers_load_dir(const char *rules_dir, GError **error)
{
    char *path = g_build_filename(rules_dir ? rules_dir : ".", CK_CUSTOMERS_FILE, NULL);
    CkCustomers *table = ck_customers_load(path, error);
    g_free(path);
    return table;
}
