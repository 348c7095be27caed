/* rules-yaml.h — small typed readers over libfyaml nodes for rules-load.c.
 *
 * Every reader reports problems as "file:line:col: message" into the load
 * context (positions 1-based, taken from the node's token, or from the
 * enclosing node when the node has none) and never prints.  Strings
 * returned as const char * belong to the YAML document and live as long as
 * it does; copy what you keep.
 */
#ifndef CASEKB_RULES_YAML_H
#define CASEKB_RULES_YAML_H

#include <glib.h>
#include <libfyaml.h>

typedef struct {
    const char *file;        /* path as given, used in messages */
    GPtrArray *problems;     /* char *, owned by the caller */
    guint n_problems;        /* problems added since the last reset */
    int fallback_line, fallback_col;  /* 1-based, used when a node has no mark */
} CkLoadCtx;

/* Most nodes that aliases may stand for in one rule file: beyond it a file
 * is an alias bomb ("billion laughs"), not a rule file. */
#define CK_YAML_ALIAS_NODE_LIMIT 100000

/* Check DOC (parsed without resolving aliases) before its aliases are
 * expanded: counting, for each alias written in the file, the nodes it
 * stands for once expanded.  Returns FALSE with one problem at the alias
 * where the count passes CK_YAML_ALIAS_NODE_LIMIT, or at an alias that
 * refers to a node containing it.  Linear in the size of the file. */
gboolean ck_yaml_check_aliases(CkLoadCtx *ctx, struct fy_document *doc);

/* Parse TEXT (the contents of ctx->file) into a document with its aliases
 * resolved; NULL (with problems) on YAML errors or an alias bomb (checked
 * before expanding).  TEXT must outlive the document.  Caller destroys
 * the document with fy_document_destroy().  (Defined in rules-load.c.) */
struct fy_document *ck_yaml_read_document(CkLoadCtx *ctx, const char *text);

/* The file in a rule folder that holds the customer alias table
 * (analyzer/customers.h); the rule loader skips it. */
#define CK_CUSTOMERS_FILE "customers.yaml"

/* 1-based line/column of NODE (the first scalar inside it); fallback when none. */
void ck_yaml_where(CkLoadCtx *ctx, struct fy_node *node, int *line, int *col);

/* Append a problem located at NODE (NULL: the fallback position). */
void ck_yaml_problem(CkLoadCtx *ctx, struct fy_node *node, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

/* Append a problem at 1-based LINE:COL. */
void ck_yaml_problem_at(CkLoadCtx *ctx, int line, int col, const char *fmt, ...) G_GNUC_PRINTF(4, 5);

/* Position (1-based) of byte OFFSET inside scalar NODE's text when the text
 * stands verbatim on one line of the file (plain or single-quoted without
 * '' escapes); otherwise the node's own position. */
void ck_yaml_where_in_scalar(CkLoadCtx *ctx, struct fy_node *node, gsize offset, int *line, int *col);

/* Report keys of MAP not in ALLOWED (NULL-terminated) and keys of REQUIRED
 * (NULL-terminated, may be NULL) that are missing.  Returns FALSE only when
 * MAP is not a mapping (callers count problems through ctx->n_problems). */
gboolean ck_yaml_check_keys(CkLoadCtx *ctx, struct fy_node *map, const char *what,
                            const char *const *allowed, const char *const *required);

/* Value of KEY in MAP, or NULL. */
struct fy_node *ck_yaml_get(struct fy_node *map, const char *key);

/* Scalar text of KEY in MAP; NULL when absent or (with a problem) not a scalar. */
const char *ck_yaml_string(CkLoadCtx *ctx, struct fy_node *map, const char *key);

/* Number at KEY into *out; returns FALSE (with a problem) when present but
 * not a number; leaves *out alone when absent. */
gboolean ck_yaml_number(CkLoadCtx *ctx, struct fy_node *map, const char *key, double *out);

/* Text that may be a scalar (both languages) or a {zh, en} mapping; sets
 * newly allocated *zh and *en (g_free), or leaves them NULL when absent.
 * REQUIRE_BOTH: a mapping must have both zh and en. */
void ck_yaml_bilingual(CkLoadCtx *ctx, struct fy_node *map, const char *key,
                       gboolean require_both, char **zh, char **en);

/* A scalar or a sequence of scalars at KEY, appended (copied) to OUT. */
void ck_yaml_string_list(CkLoadCtx *ctx, struct fy_node *map, const char *key, GPtrArray *out);

#endif
