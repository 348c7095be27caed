/* rules-load.c — read rule files (YAML via libfyaml) into a CkRuleSet.
 *
 * A file's top level may hold `version`, `entities`, `requests` and
 * `causes` (format: rules/README.md).  Every problem is reported as
 * "file:line:col: message"; the loader goes on after a problem so that one
 * `rules check` run lists them all.  A cause, entity pattern or request
 * pattern with a problem is left out of the rule set; the rest load.
 */
#include "analyzer/analyzer-private.h"
#include "analyzer/rules-yaml.h"

#include <string.h>

/* Entity types every rule set knows, whether or not a file defines them. */
static const char *const standard_entity_types[] = {
    "case_ids", "serial_numbers", "product_keys", "partial_keys", "error_codes",
    "commands", "phones", "emails", "urls", "hosts", NULL};

/* ---- freeing ---- */

/* Free an entity pattern (GDestroyNotify for the rule set's arrays). */
static void entity_pattern_free(gpointer p)
{
    CkEntityPattern *ep = p;
    g_free(ep->type);
    ck_regex_free(ep->regex);
    g_free(ep->fixed_value);
    g_free(ep->where.file);
    g_free(ep);
}

/* Free a request pattern (GDestroyNotify for the rule set's arrays). */
static void request_pattern_free(gpointer p)
{
    CkRequestPattern *rp = p;
    ck_regex_free(rp->regex);
    g_free(rp->needs);
    g_free(rp->where.file);
    g_free(rp);
}

/* Free a signal (GDestroyNotify for the rule set's arrays). */
static void signal_free(gpointer p)
{
    CkSignal *s = p;
    g_free(s->id);
    ck_regex_free(s->regex);
    g_free(s->entity_type);
    if (s->entity_values)
        g_ptr_array_unref(s->entity_values);
    g_free(s->where.file);
    g_free(s);
}

/* Free a step parameter (GDestroyNotify for the rule set's arrays). */
static void param_free(gpointer p)
{
    CkParam *param = p;
    g_free(param->name);
    ck_regex_free(param->validate);
    g_free(param->example);
    g_free(param);
}

/* Free a remediation step (GDestroyNotify for the rule set's arrays). */
static void step_free(gpointer p)
{
    CkStep *st = p;
    g_free(st->id);
    g_free(st->title_zh);
    g_free(st->title_en);
    g_free(st->why_zh);
    g_free(st->why_en);
    g_free(st->kind);
    g_free(st->command);
    g_free(st->expect);
    ck_regex_free(st->expect_re);
    g_ptr_array_unref(st->params);
    g_ptr_array_unref(st->do_not);
    g_free(st->scope);
    g_ptr_array_unref(st->requires);
    g_free(st);
}

/* Free an example (GDestroyNotify for the rule set's arrays). */
static void example_free(gpointer p)
{
    CkExample *ex = p;
    g_free(ex->subject);
    g_free(ex->text);
    g_free(ex->quoted);
    g_free(ex->forwarded);
    g_free(ex->where.file);
    g_free(ex);
}

/* Free a cause and everything it owns (GDestroyNotify for the rule set's arrays). */
static void cause_free(gpointer p)
{
    CkCause *c = p;
    g_free(c->id);
    g_free(c->title_zh);
    g_free(c->title_en);
    g_free(c->summary_zh);
    g_free(c->summary_en);
    g_free(c->category);
    g_free(c->status);
    g_ptr_array_unref(c->signals);
    g_ptr_array_unref(c->requires);
    g_ptr_array_unref(c->steps);
    g_free(c->reply_zh);
    g_free(c->reply_en);
    g_ptr_array_unref(c->match);
    g_ptr_array_unref(c->no_match);
    g_free(c->where.file);
    g_free(c->reply_where.file);
    g_free(c);
}

/* Free a rule set and everything it owns.  NULL is allowed. */
void ck_ruleset_free(CkRuleSet *rules)
{
    if (!rules)
        return;
    g_ptr_array_unref(rules->entity_patterns);
    g_ptr_array_unref(rules->request_patterns);
    g_ptr_array_unref(rules->causes);
    g_ptr_array_unref(rules->entity_types);
    g_free(rules);
}

/* An empty rule set knowing the standard entity types.  Caller frees. */
static CkRuleSet *ruleset_new(void)
{
    CkRuleSet *rules = g_new0(CkRuleSet, 1);
    rules->entity_patterns = g_ptr_array_new_with_free_func(entity_pattern_free);
    rules->request_patterns = g_ptr_array_new_with_free_func(request_pattern_free);
    rules->causes = g_ptr_array_new_with_free_func(cause_free);
    rules->entity_types = g_ptr_array_new_with_free_func(g_free);
    for (const char *const *t = standard_entity_types; *t; t++)
        g_ptr_array_add(rules->entity_types, g_strdup(*t));
    return rules;
}

/* ---- small readers ---- */

/* Position of NODE as an owned CkWhere. */
static CkWhere where_of(CkLoadCtx *ctx, struct fy_node *node)
{
    CkWhere w = {g_strdup(ctx->file), 0, 0};
    ck_yaml_where(ctx, node, &w.line, &w.col);
    return w;
}

/* Whether TYPES (char *) contains NAME. */
static gboolean str_array_has(GPtrArray *types, const char *name)
{
    for (guint i = 0; i < types->len; i++)
        if (strcmp(g_ptr_array_index(types, i), name) == 0)
            return TRUE;
    return FALSE;
}

/* Read `flags:` (list of case_sensitive, multiline, dotall) from MAP. */
static guint read_regex_flags(CkLoadCtx *ctx, struct fy_node *map)
{
    static const struct { const char *name; guint bit; } table[] = {
        {"case_sensitive", CK_RE_CASE_SENSITIVE}, {"multiline", CK_RE_MULTILINE},
        {"dotall", CK_RE_DOTALL},
    };
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    ck_yaml_string_list(ctx, map, "flags", names);
    guint flags = 0;
    for (guint i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        gboolean known = FALSE;
        for (gsize k = 0; k < G_N_ELEMENTS(table); k++)
            if (strcmp(name, table[k].name) == 0) {
                flags |= table[k].bit;
                known = TRUE;
            }
        if (!known)
            ck_yaml_problem(ctx, ck_yaml_get(map, "flags"),
                            "unknown regex flag '%s' (use case_sensitive, multiline, dotall)", name);
    }
    return flags;
}

/* Compile the pattern at KEY of MAP with MAP's flags; NULL (and a problem,
 * unless absent) on failure.  Caller frees. */
static CkRegex *read_regex(CkLoadCtx *ctx, struct fy_node *map, const char *key, guint extra)
{
    const char *source = ck_yaml_string(ctx, map, key);
    if (!source)
        return NULL;
    g_autofree char *message = NULL;
    gssize offset = -1;
    CkRegex *re = ck_regex_compile_at(source, read_regex_flags(ctx, map) | extra, &message, &offset);
    if (re)
        return re;
    int line, col;
    if (offset >= 0)
        ck_yaml_where_in_scalar(ctx, ck_yaml_get(map, key), (gsize)offset, &line, &col);
    else
        ck_yaml_where(ctx, ck_yaml_get(map, key), &line, &col);
    ck_yaml_problem_at(ctx, line, col, "'%s': %s", key, message);
    return NULL;
}

/* Index of the value at KEY in TABLE (NULL-terminated names); FALLBACK when
 * KEY is absent, or (with a problem) when the value is not in TABLE. */
static int read_enum(CkLoadCtx *ctx, struct fy_node *map, const char *key,
                     const char *const *table, int fallback)
{
    const char *value = ck_yaml_string(ctx, map, key);
    if (!value)
        return fallback;
    for (int i = 0; table[i]; i++)
        if (strcmp(table[i], value) == 0)
            return i;
    g_autofree char *choices = g_strjoinv(", ", (char **)table);
    ck_yaml_problem(ctx, ck_yaml_get(map, key), "'%s' must be one of %s, not '%s'", key, choices, value);
    return fallback;
}

/* ---- entities and requests ---- */

/* Parse one `entities:` item and add it to RULES when valid. */
static void parse_entity_pattern(CkLoadCtx *ctx, struct fy_node *node, CkRuleSet *rules)
{
    static const char *const keys[] = {"type", "pattern", "flags", "group", "value",
                                       "normalize", "note", NULL};
    static const char *const required[] = {"type", "pattern", NULL};
    static const char *const norms[] = {"none", "upper", "lower", "hex8", "command", "digits", NULL};
    guint before = ctx->n_problems;
    if (!ck_yaml_check_keys(ctx, node, "entity pattern", keys, required))
        return;
    CkEntityPattern *ep = g_new0(CkEntityPattern, 1);
    ep->where = where_of(ctx, node);
    ep->type = g_strdup(ck_yaml_string(ctx, node, "type"));
    if (ep->type && !g_regex_match_simple("^[a-z][a-z0-9_]*$", ep->type, 0, 0))
        ck_yaml_problem(ctx, ck_yaml_get(node, "type"), "entity type '%s' must be lower-case letters, digits, _",
                        ep->type);
    ep->regex = read_regex(ctx, node, "pattern", 0);
    double group = 0;
    if (ck_yaml_number(ctx, node, "group", &group) && (group < 0 || group > 64 || group != (int)group))
        ck_yaml_problem(ctx, ck_yaml_get(node, "group"), "'group' must be a capture group number 0..64");
    ep->group = (int)group;
    if (ep->regex && (guint32)ep->group > ep->regex->capture_count)
        ck_yaml_problem(ctx, ck_yaml_get(node, "group"), "pattern has only %u capture groups",
                        ep->regex->capture_count);
    ep->fixed_value = g_strdup(ck_yaml_string(ctx, node, "value"));
    ep->normalize = read_enum(ctx, node, "normalize", norms, CK_NORM_NONE);
    if (ctx->n_problems != before || !ep->type || !ep->regex) {
        entity_pattern_free(ep);
        return;
    }
    if (!str_array_has(rules->entity_types, ep->type))
        g_ptr_array_add(rules->entity_types, g_strdup(ep->type));
    g_ptr_array_add(rules->entity_patterns, ep);
}

/* Parse one `requests:` item and add it to RULES when valid. */
static void parse_request_pattern(CkLoadCtx *ctx, struct fy_node *node, CkRuleSet *rules)
{
    static const char *const keys[] = {"pattern", "flags", "answered_by", "note", NULL};
    static const char *const required[] = {"pattern", NULL};
    guint before = ctx->n_problems;
    if (!ck_yaml_check_keys(ctx, node, "request pattern", keys, required))
        return;
    CkRequestPattern *rp = g_new0(CkRequestPattern, 1);
    rp->where = where_of(ctx, node);
    rp->regex = read_regex(ctx, node, "pattern", 0);
    rp->needs = g_strdup(ck_yaml_string(ctx, node, "answered_by"));
    if (ctx->n_problems != before || !rp->regex) {
        request_pattern_free(rp);
        return;
    }
    g_ptr_array_add(rules->request_patterns, rp);
}

/* ---- causes ---- */

/* Read `scope:` into CkScope bits; default new_text + forwarded. */
static guint read_scopes(CkLoadCtx *ctx, struct fy_node *map)
{
    static const char *const names[] = {"subject", "new_text", "quoted", "forwarded", NULL};
    g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func(g_free);
    ck_yaml_string_list(ctx, map, "scope", list);
    if (list->len == 0)
        return CK_SCOPE_NEW_TEXT | CK_SCOPE_FORWARDED;
    guint scopes = 0;
    for (guint i = 0; i < list->len; i++) {
        const char *name = g_ptr_array_index(list, i);
        int k = 0;
        while (names[k] && strcmp(names[k], name) != 0)
            k++;
        if (!names[k])
            ck_yaml_problem(ctx, ck_yaml_get(map, "scope"),
                            "unknown scope '%s' (use subject, new_text, quoted, forwarded)", name);
        else
            scopes |= 1u << k;
    }
    return scopes;
}

/* Fill S's entity test from `error_code`, `command` or `entity`+`equals`. */
static void read_entity_test(CkLoadCtx *ctx, struct fy_node *node, CkSignal *s)
{
    static const struct { const char *key; const char *type; CkNormalize norm; } shorthand[] = {
        {"error_code", "error_codes", CK_NORM_HEX8}, {"command", "commands", CK_NORM_COMMAND},
    };
    g_autoptr(GPtrArray) raw = g_ptr_array_new_with_free_func(g_free);
    CkNormalize norm = CK_NORM_NONE;
    for (gsize k = 0; k < G_N_ELEMENTS(shorthand); k++)
        if (ck_yaml_get(node, shorthand[k].key)) {
            g_free(s->entity_type);   /* two kinds given: a problem parse_signal reports */
            s->entity_type = g_strdup(shorthand[k].type);
            norm = shorthand[k].norm;
            ck_yaml_string_list(ctx, node, shorthand[k].key, raw);
        }
    if (ck_yaml_get(node, "entity")) {
        g_free(s->entity_type);
        s->entity_type = g_strdup(ck_yaml_string(ctx, node, "entity"));
        ck_yaml_string_list(ctx, node, "equals", raw);
    } else if (ck_yaml_get(node, "equals")) {
        ck_yaml_problem(ctx, ck_yaml_get(node, "equals"), "'equals' needs 'entity'");
    }
    s->entity_values = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < raw->len; i++)
        g_ptr_array_add(s->entity_values, ck_normalize_value(norm, g_ptr_array_index(raw, i)));
}

/* Parse one signal of a cause; NULL when invalid.  Caller frees. */
static CkSignal *parse_signal(CkLoadCtx *ctx, struct fy_node *node)
{
    static const char *const keys[] = {"id", "pattern", "flags", "scope", "from", "weight",
                                       "max_hits", "error_code", "command", "entity", "equals",
                                       "note", NULL};
    static const char *const required[] = {"id", "weight", NULL};
    static const char *const froms[] = {"any", "customer", "support", NULL};
    static const char *const kinds[] = {"pattern", "error_code", "command", "entity", NULL};
    guint before = ctx->n_problems;
    if (!ck_yaml_check_keys(ctx, node, "signal", keys, required))
        return NULL;
    CkSignal *s = g_new0(CkSignal, 1);
    s->where = where_of(ctx, node);
    s->id = g_strdup(ck_yaml_string(ctx, node, "id"));
    int n_kinds = 0;
    for (int k = 0; kinds[k]; k++)
        n_kinds += ck_yaml_get(node, kinds[k]) != NULL;
    if (n_kinds != 1)
        ck_yaml_problem(ctx, node, "signal '%s': give exactly one of pattern, error_code, command, entity",
                        s->id ? s->id : "?");
    s->regex = read_regex(ctx, node, "pattern", 0);
    if (!ck_yaml_get(node, "pattern"))
        read_entity_test(ctx, node, s);
    s->weight = 0;
    ck_yaml_number(ctx, node, "weight", &s->weight);
    if (s->weight < -1 || s->weight > 1 || s->weight == 0)
        ck_yaml_problem(ctx, ck_yaml_get(node, "weight"), "'weight' must be in -1..1 and not 0");
    double max_hits = 1;
    if (ck_yaml_number(ctx, node, "max_hits", &max_hits) && (max_hits < 1 || max_hits > 100 || max_hits != (int)max_hits))
        ck_yaml_problem(ctx, ck_yaml_get(node, "max_hits"), "'max_hits' must be a whole number 1..100");
    s->max_hits = (int)max_hits;
    s->scopes = read_scopes(ctx, node);
    s->from = read_enum(ctx, node, "from", froms, CK_FROM_ANY);
    if (ctx->n_problems != before || !s->id) {
        signal_free(s);
        return NULL;
    }
    return s;
}

/* Check that PARAM's validate pattern is anchored and accepts its example. */
static void check_param(CkLoadCtx *ctx, struct fy_node *node, const CkParam *param)
{
    const char *source = param->validate->source;
    gsize n = strlen(source);
    if (source[0] != '^' || n < 2 || source[n - 1] != '$')
        ck_yaml_problem(ctx, ck_yaml_get(node, "validate"),
                        "param '%s': 'validate' must be anchored with ^…$", param->name);
    if (!param->example)
        return;
    CkMatcher *m = ck_matcher_new();
    if (!ck_regex_matches(m, param->validate, param->example))
        ck_yaml_problem(ctx, ck_yaml_get(node, "example"),
                        "param '%s': example '%s' does not pass its 'validate' pattern",
                        param->name, param->example);
    ck_matcher_free(m);
}

/* Parse the `params:` mapping of a step into ST->params. */
static void parse_params(CkLoadCtx *ctx, struct fy_node *map, CkStep *st)
{
    static const char *const keys[] = {"validate", "example", "description", NULL};
    struct fy_node *params = ck_yaml_get(map, "params");
    if (!params)
        return;
    if (fy_node_get_type(params) != FYNT_MAPPING) {
        ck_yaml_problem(ctx, params, "'params' must be a mapping of name: {validate: …}");
        return;
    }
    void *iter = NULL;
    struct fy_node_pair *pair;
    while ((pair = fy_node_mapping_iterate(params, &iter))) {
        struct fy_node *value = fy_node_pair_value(pair);
        const char *name = fy_node_get_scalar0(fy_node_pair_key(pair));
        if (!name || !ck_yaml_check_keys(ctx, value, "param", keys, NULL))
            continue;
        if (!ck_yaml_get(value, "validate")) {
            ck_yaml_problem(ctx, fy_node_pair_key(pair), "param '%s' has no 'validate' pattern", name);
            continue;
        }
        CkParam *param = g_new0(CkParam, 1);
        param->name = g_strdup(name);
        param->validate = read_regex(ctx, value, "validate", 0);
        param->example = g_strdup(ck_yaml_string(ctx, value, "example"));
        g_ptr_array_add(st->params, param);
        if (param->validate)
            check_param(ctx, value, param);
    }
}

/* Whether every {{name}} in COMMAND is a param of ST; reports the others. */
static void check_command_params(CkLoadCtx *ctx, struct fy_node *node, CkStep *st)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *message = NULL;
    if (!ck_template_names(st->command, names, &message)) {
        ck_yaml_problem(ctx, ck_yaml_get(node, "command"), "'command': %s", message);
        return;
    }
    for (guint i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        gboolean found = FALSE;
        for (guint k = 0; k < st->params->len && !found; k++)
            found = strcmp(((CkParam *)g_ptr_array_index(st->params, k))->name, name) == 0;
        if (!found)
            ck_yaml_problem(ctx, ck_yaml_get(node, "command"),
                            "'command' uses {{%s}} but the step has no such param", name);
    }
}

/* Whether COMMAND runs sysprep (any spelling or path of it). */
static gboolean command_runs_sysprep(const char *command)
{
    g_autofree char *lower = g_ascii_strdown(command ? command : "", -1);
    return strstr(lower, "sysprep") != NULL;
}

/* Check what ST's kind allows: a manual step has no command, expect or
 * params; any other step has a command; sysprep runs only on the master
 * image. */
static void check_step_kind(CkLoadCtx *ctx, struct fy_node *node, CkStep *st)
{
    gboolean manual = strcmp(st->kind, "manual") == 0;
    static const char *const not_manual[] = {"command", "expect", "params", NULL};
    for (const char *const *k = not_manual; manual && *k; k++)
        if (ck_yaml_get(node, *k))
            ck_yaml_problem(ctx, ck_yaml_get(node, *k),
                            "step '%s': a manual step has no '%s' (say what to do in 'title' and 'why')",
                            st->id ? st->id : "?", *k);
    if (!manual && !ck_yaml_get(node, "command"))
        ck_yaml_problem(ctx, node, "step '%s': missing required key 'command' (or use kind: manual)",
                        st->id ? st->id : "?");
    if (command_runs_sysprep(st->command) && strcmp(st->scope, "master-image") != 0)
        ck_yaml_problem(ctx, ck_yaml_get(node, "command"),
                        "step '%s' runs sysprep: it needs 'scope: master-image' (never on a production terminal)",
                        st->id ? st->id : "?");
}

/* Parse one remediation step; NULL when invalid.  Caller frees. */
static CkStep *parse_step(CkLoadCtx *ctx, struct fy_node *node)
{
    static const char *const keys[] = {"id", "title", "why", "kind", "command", "expect",
                                       "params", "do_not", "scope", "requires", "note", NULL};
    static const char *const required[] = {"id", "title", "why", "kind", NULL};
    static const char *const kinds[] = {"diagnostic", "change", "manual", NULL};
    static const char *const scopes[] = {"terminal", "master-image", NULL};
    guint before = ctx->n_problems;
    if (!ck_yaml_check_keys(ctx, node, "step", keys, required))
        return NULL;
    CkStep *st = g_new0(CkStep, 1);
    st->params = g_ptr_array_new_with_free_func(param_free);
    st->do_not = g_ptr_array_new_with_free_func(g_free);
    st->requires = g_ptr_array_new_with_free_func(g_free);
    st->id = g_strdup(ck_yaml_string(ctx, node, "id"));
    ck_yaml_bilingual(ctx, node, "title", TRUE, &st->title_zh, &st->title_en);
    ck_yaml_bilingual(ctx, node, "why", FALSE, &st->why_zh, &st->why_en);
    st->kind = g_strdup(kinds[read_enum(ctx, node, "kind", kinds, 0)]);
    st->scope = g_strdup(scopes[read_enum(ctx, node, "scope", scopes, 0)]);
    st->command = g_strdup(ck_yaml_string(ctx, node, "command"));
    st->expect = g_strdup(ck_yaml_string(ctx, node, "expect"));
    st->expect_re = read_regex(ctx, node, "expect", CK_RE_MULTILINE);
    parse_params(ctx, node, st);
    ck_yaml_string_list(ctx, node, "do_not", st->do_not);
    ck_yaml_string_list(ctx, node, "requires", st->requires);
    check_step_kind(ctx, node, st);
    if (st->command)
        check_command_params(ctx, node, st);
    if (ctx->n_problems != before || !st->id) {
        step_free(st);
        return NULL;
    }
    return st;
}

/* The step of C with ID among its first N steps, or NULL. */
static const CkStep *earlier_step(const CkCause *c, guint n, const char *id)
{
    for (guint j = 0; j < n; j++) {
        const CkStep *st = g_ptr_array_index(c->steps, j);
        if (strcmp(st->id, id) == 0)
            return st;
    }
    return NULL;
}

/* Check every step's `requires:` in C (whose steps all parsed, in the
 * order of CAUSE_NODE's list): each names an earlier step of the cause,
 * not a manual one, of the same scope — so the prerequisite is always in
 * the checklist before it and no cycle can form. */
static void check_step_requires(CkLoadCtx *ctx, struct fy_node *cause_node, const CkCause *c)
{
    struct fy_node *list = ck_yaml_get(cause_node, "steps");
    if (!list || fy_node_get_type(list) != FYNT_SEQUENCE || (guint)fy_node_sequence_item_count(list) != c->steps->len)
        return;   /* a step failed to parse: the cause is dropped anyway */
    for (guint i = 0; i < c->steps->len; i++) {
        const CkStep *st = g_ptr_array_index(c->steps, i);
        struct fy_node *at = ck_yaml_get(fy_node_sequence_get_by_index(list, (int)i), "requires");
        for (guint k = 0; k < st->requires->len; k++) {
            const char *want = g_ptr_array_index(st->requires, k);
            const CkStep *req = earlier_step(c, i, want);
            if (!req)
                ck_yaml_problem(ctx, at, "step '%s': 'requires' names '%s', which is not an earlier step of this cause",
                                st->id, want);
            else if (strcmp(req->kind, "manual") == 0)
                ck_yaml_problem(ctx, at, "step '%s': 'requires' names the manual step '%s', which a script never runs",
                                st->id, want);
            else if (strcmp(req->scope, st->scope) != 0)
                ck_yaml_problem(ctx, at, "step '%s' (%s) cannot require '%s' (%s): they run on different machines",
                                st->id, st->scope, want, req->scope);
        }
    }
}

/* Parse one example (a string, or a mapping of message parts). */
static CkExample *parse_example(CkLoadCtx *ctx, struct fy_node *node)
{
    static const char *const keys[] = {"subject", "text", "quoted", "forwarded", "from", "note", NULL};
    static const char *const froms[] = {"customer", "support", NULL};
    CkExample *ex = g_new0(CkExample, 1);
    ex->where = where_of(ctx, node);
    ex->from_customer = TRUE;
    if (fy_node_get_type(node) == FYNT_SCALAR) {
        ex->text = g_strdup(fy_node_get_scalar0(node));
        return ex;
    }
    if (!ck_yaml_check_keys(ctx, node, "example", keys, NULL)) {
        example_free(ex);
        return NULL;
    }
    ex->subject = g_strdup(ck_yaml_string(ctx, node, "subject"));
    ex->text = g_strdup(ck_yaml_string(ctx, node, "text"));
    ex->quoted = g_strdup(ck_yaml_string(ctx, node, "quoted"));
    ex->forwarded = g_strdup(ck_yaml_string(ctx, node, "forwarded"));
    ex->from_customer = read_enum(ctx, node, "from", froms, 0) == 0;
    return ex;
}

/* Parse the `examples:` mapping of a cause. */
static void parse_examples(CkLoadCtx *ctx, struct fy_node *cause_node, CkCause *c)
{
    static const char *const keys[] = {"match", "no_match", NULL};
    struct fy_node *node = ck_yaml_get(cause_node, "examples");
    if (!node || !ck_yaml_check_keys(ctx, node, "examples", keys, keys))
        return;
    GPtrArray *targets[] = {c->match, c->no_match};
    for (int k = 0; k < 2; k++) {
        struct fy_node *list = ck_yaml_get(node, keys[k]);
        if (!list)
            continue;
        if (fy_node_get_type(list) != FYNT_SEQUENCE) {
            ck_yaml_problem(ctx, list, "'%s' must be a list of examples", keys[k]);
            continue;
        }
        void *iter = NULL;
        struct fy_node *item;
        while ((item = fy_node_sequence_iterate(list, &iter))) {
            CkExample *ex = parse_example(ctx, item);
            if (ex)
                g_ptr_array_add(targets[k], ex);
        }
    }
}

/* Parse the list at KEY of MAP with ITEM_PARSER into OUT; report duplicate ids. */
static void parse_id_list(CkLoadCtx *ctx, struct fy_node *map, const char *key, GPtrArray *out,
                          gpointer (*item_parser)(CkLoadCtx *, struct fy_node *))
{
    struct fy_node *list = ck_yaml_get(map, key);
    if (!list)
        return;
    if (fy_node_get_type(list) != FYNT_SEQUENCE) {
        ck_yaml_problem(ctx, list, "'%s' must be a list", key);
        return;
    }
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    void *iter = NULL;
    struct fy_node *item;
    while ((item = fy_node_sequence_iterate(list, &iter))) {
        gpointer parsed = item_parser(ctx, item);
        if (!parsed)
            continue;
        const char *id = *(char **)parsed;   /* both CkSignal and CkStep start with id */
        if (!g_hash_table_add(seen, (gpointer)id))
            ck_yaml_problem(ctx, ck_yaml_get(item, "id"), "duplicate id '%s' in '%s'", id, key);
        g_ptr_array_add(out, parsed);
    }
}

/* Adapters giving parse_signal / parse_step the parse_id_list shape. */
static gpointer signal_parser(CkLoadCtx *ctx, struct fy_node *n) { return parse_signal(ctx, n); }
static gpointer step_parser(CkLoadCtx *ctx, struct fy_node *n) { return parse_step(ctx, n); }

/* A cause with its arrays allocated and position set.  Caller frees. */
static CkCause *cause_new(CkLoadCtx *ctx, struct fy_node *node)
{
    CkCause *c = g_new0(CkCause, 1);
    c->where = where_of(ctx, node);
    c->reply_where = where_of(ctx, ck_yaml_get(node, "reply") ? ck_yaml_get(node, "reply") : node);
    c->signals = g_ptr_array_new_with_free_func(signal_free);
    c->requires = g_ptr_array_new_with_free_func(g_free);
    c->steps = g_ptr_array_new_with_free_func(step_free);
    c->match = g_ptr_array_new_with_free_func(example_free);
    c->no_match = g_ptr_array_new_with_free_func(example_free);
    return c;
}

/* Check that every `requires:` id names a signal of C. */
static void check_requires(CkLoadCtx *ctx, struct fy_node *node, CkCause *c)
{
    for (guint i = 0; i < c->requires->len; i++) {
        const char *want = g_ptr_array_index(c->requires, i);
        gboolean found = FALSE;
        for (guint k = 0; k < c->signals->len && !found; k++)
            found = strcmp(((CkSignal *)g_ptr_array_index(c->signals, k))->id, want) == 0;
        if (!found)
            ck_yaml_problem(ctx, ck_yaml_get(node, "requires"), "'requires' names unknown signal '%s'", want);
    }
}

/* Parse one cause; NULL when it has a problem.  Caller frees. */
static CkCause *parse_cause(CkLoadCtx *ctx, struct fy_node *node)
{
    static const char *const keys[] = {"id", "title", "summary", "category", "status", "threshold",
                                       "requires", "signals", "steps", "reply", "examples",
                                       "falsepositives", "references", "owner", "updated",
                                       "replaces", "note", NULL};
    static const char *const required[] = {"id", "title", "category", "threshold", "signals",
                                           "steps", "reply", "examples", NULL};
    static const char *const statuses[] = {"experimental", "test", "stable", "deprecated", NULL};
    guint before = ctx->n_problems;
    if (!ck_yaml_check_keys(ctx, node, "cause", keys, required))
        return NULL;
    CkCause *c = cause_new(ctx, node);
    ctx->fallback_line = c->where.line;
    ctx->fallback_col = c->where.col;
    c->id = g_strdup(ck_yaml_string(ctx, node, "id"));
    if (c->id && !g_regex_match_simple("^[a-z0-9]+(\\.[a-z0-9_-]+)+$", c->id, 0, 0))
        ck_yaml_problem(ctx, ck_yaml_get(node, "id"), "cause id '%s' must look like family.name (lower case)", c->id);
    ck_yaml_bilingual(ctx, node, "title", TRUE, &c->title_zh, &c->title_en);
    ck_yaml_bilingual(ctx, node, "summary", FALSE, &c->summary_zh, &c->summary_en);
    ck_yaml_bilingual(ctx, node, "reply", TRUE, &c->reply_zh, &c->reply_en);
    c->category = g_strdup(ck_yaml_string(ctx, node, "category"));
    c->status = g_strdup(statuses[read_enum(ctx, node, "status", statuses, 0)]);
    ck_yaml_number(ctx, node, "threshold", &c->threshold);
    if (c->threshold <= 0)
        ck_yaml_problem(ctx, ck_yaml_get(node, "threshold"), "'threshold' must be above 0");
    parse_id_list(ctx, node, "signals", c->signals, signal_parser);
    parse_id_list(ctx, node, "steps", c->steps, step_parser);
    check_step_requires(ctx, node, c);
    ck_yaml_string_list(ctx, node, "requires", c->requires);
    check_requires(ctx, node, c);
    parse_examples(ctx, node, c);
    if (ctx->n_problems != before || !c->id) {
        cause_free(c);
        return NULL;
    }
    return c;
}

/* ---- files ---- */

/* Swallow libfyaml's text output; errors are collected instead. */
static void quiet_output(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
}

/* Whether TEXT holds nothing but blank lines and # comments. */
static gboolean only_comments(const char *text)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (int i = 0; lines[i]; i++) {
        const char *p = lines[i];
        while (g_ascii_isspace(*p))
            p++;
        if (*p && *p != '#')
            return FALSE;
    }
    return TRUE;
}

/* Append libfyaml's collected errors from DIAG (positions already 1-based). */
static gboolean report_yaml_errors(CkLoadCtx *ctx, struct fy_diag *diag)
{
    void *iter = NULL;
    struct fy_diag_error *err;
    gboolean reported = FALSE;
    while ((err = fy_diag_errors_iterate(diag, &iter))) {
        if (ctx->problems)
            g_ptr_array_add(ctx->problems, g_strdup_printf("%s:%d:%d: YAML: %s", ctx->file,
                                                           MAX(err->line, 1), MAX(err->column, 1), err->msg));
        ctx->n_problems++;
        reported = TRUE;
    }
    return reported;
}

/* Expand DOC's aliases and merge keys unless they make an alias bomb;
 * FALSE with problems otherwise. */
static gboolean resolve_aliases(CkLoadCtx *ctx, struct fy_document *doc, struct fy_diag *diag)
{
    if (!ck_yaml_check_aliases(ctx, doc))
        return FALSE;
    if (fy_document_resolve(doc) == 0)
        return TRUE;
    if (!report_yaml_errors(ctx, diag))
        ck_yaml_problem(ctx, NULL, "YAML: cannot resolve anchors and aliases");
    return FALSE;
}

/* See rules-yaml.h. */
struct fy_document *ck_yaml_read_document(CkLoadCtx *ctx, const char *text)
{
    struct fy_diag_cfg dcfg;
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL;
    dcfg.output_fn = quiet_output;
    dcfg.colorize = false;
    struct fy_diag *diag = fy_diag_create(&dcfg);
    if (!diag) {
        ck_yaml_problem(ctx, NULL, "cannot set up the YAML parser");
        return NULL;
    }
    fy_diag_set_collect_errors(diag, true);
    struct fy_parse_cfg cfg = {.flags = FYPCF_QUIET, .diag = diag};
    struct fy_document *doc = fy_document_build_from_string(&cfg, text, strlen(text));
    gboolean reported = report_yaml_errors(ctx, diag);
    if (doc && !reported)
        reported = !resolve_aliases(ctx, doc, diag);
    if (!doc && !reported)
        ck_yaml_problem(ctx, NULL, "not a YAML document");
    if (doc && reported) {
        fy_document_destroy(doc);
        doc = NULL;
    }
    fy_diag_destroy(diag);
    return doc;
}

/* Record C's id in SEEN (id → "file:line:col"); report a duplicate. */
static gboolean claim_cause_id(CkLoadCtx *ctx, GHashTable *seen, CkCause *c, struct fy_node *node)
{
    const char *first = g_hash_table_lookup(seen, c->id);
    if (first) {
        ck_yaml_problem(ctx, ck_yaml_get(node, "id"), "duplicate cause id '%s' (first defined at %s)", c->id, first);
        return FALSE;
    }
    g_hash_table_insert(seen, g_strdup(c->id),
                        g_strdup_printf("%s:%d:%d", c->where.file, c->where.line, c->where.col));
    return TRUE;
}

/* Run ITEM over each entry of the top-level list at KEY. */
static void each_item(CkLoadCtx *ctx, struct fy_node *root, const char *key,
                      void (*item)(CkLoadCtx *, struct fy_node *, gpointer), gpointer data)
{
    struct fy_node *list = ck_yaml_get(root, key);
    if (!list)
        return;
    if (fy_node_get_type(list) != FYNT_SEQUENCE) {
        ck_yaml_problem(ctx, list, "'%s' must be a list", key);
        return;
    }
    void *iter = NULL;
    struct fy_node *node;
    while ((node = fy_node_sequence_iterate(list, &iter)))
        item(ctx, node, data);
}

typedef struct {
    CkRuleSet *rules;
    GHashTable *seen_ids;     /* cause id → "file:line:col" of its first definition */
} LoadState;

/* each_item() callbacks: parse one list item into the LoadState's rule set. */
static void entity_item(CkLoadCtx *ctx, struct fy_node *n, gpointer d)
{
    parse_entity_pattern(ctx, n, ((LoadState *)d)->rules);
}

static void request_item(CkLoadCtx *ctx, struct fy_node *n, gpointer d)
{
    parse_request_pattern(ctx, n, ((LoadState *)d)->rules);
}

static void cause_item(CkLoadCtx *ctx, struct fy_node *n, gpointer d)
{
    LoadState *st = d;
    CkCause *c = parse_cause(ctx, n);
    if (c && claim_cause_id(ctx, st->seen_ids, c, n))
        g_ptr_array_add(st->rules->causes, c);
    else if (c)
        cause_free(c);
}

/* Load one rule file into ST. */
static void load_file(const char *path, LoadState *st, GPtrArray *problems)
{
    static const char *const keys[] = {"version", "entities", "requests", "causes", NULL};
    CkLoadCtx ctx = {.file = path, .problems = problems};
    g_autofree char *text = NULL;
    g_autoptr(GError) error = NULL;
    if (!g_file_get_contents(path, &text, NULL, &error)) {
        ck_yaml_problem(&ctx, NULL, "%s", error->message);
        return;
    }
    if (!g_utf8_validate(text, -1, NULL)) {
        ck_yaml_problem(&ctx, NULL, "file is not valid UTF-8");
        return;
    }
    if (only_comments(text))
        return;   /* an empty file holds no rules */
    struct fy_document *doc = ck_yaml_read_document(&ctx, text);
    if (!doc)
        return;
    struct fy_node *root = fy_document_root(doc);
    if (!root) {
        fy_document_destroy(doc);
        return;   /* an empty file holds no rules */
    }
    if (ck_yaml_check_keys(&ctx, root, "rule file", keys, NULL)) {
        const char *version = ck_yaml_string(&ctx, root, "version");
        if (version && strcmp(version, "1") != 0)
            ck_yaml_problem(&ctx, ck_yaml_get(root, "version"), "unsupported rule format version '%s'", version);
        each_item(&ctx, root, "entities", entity_item, st);
        each_item(&ctx, root, "requests", request_item, st);
        each_item(&ctx, root, "causes", cause_item, st);
    }
    fy_document_destroy(doc);
}

/* Order two char ** by strcmp, for g_ptr_array_sort. */
static gint compare_paths(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Append the rule files named by PATHS (directories expanded, sorted). */
static void collect_files(const char *const *paths, GPtrArray *files, GPtrArray *problems)
{
    for (; paths && *paths; paths++) {
        if (!g_file_test(*paths, G_FILE_TEST_IS_DIR)) {
            g_ptr_array_add(files, g_strdup(*paths));
            continue;
        }
        g_autoptr(GError) error = NULL;
        g_autoptr(GDir) dir = g_dir_open(*paths, 0, &error);
        if (!dir) {
            if (problems)
                g_ptr_array_add(problems, g_strdup_printf("%s:1:1: %s", *paths, error->message));
            continue;
        }
        g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
        const char *name;
        while ((name = g_dir_read_name(dir)))
            if ((g_str_has_suffix(name, ".yaml") || g_str_has_suffix(name, ".yml")) && name[0] != '.'
                && strcmp(name, CK_CUSTOMERS_FILE) != 0)   /* the customer alias table, not rules */
                g_ptr_array_add(names, g_build_filename(*paths, name, NULL));
        g_ptr_array_sort(names, compare_paths);
        for (guint i = 0; i < names->len; i++)
            g_ptr_array_add(files, g_strdup(g_ptr_array_index(names, i)));
    }
}

/* ---- checks that need the whole rule set ---- */

/* Whether NAME may appear in a reply template of cause C. */
static gboolean template_name_known(const CkRuleSet *rules, const CkCause *c, const char *name)
{
    static const char *const builtins[] = {".", "steps", "id", "title", "title_en", "why", "why_en",
                                           "command", "expect", "kind", "cause_title",
                                           "cause_title_en", NULL};
    for (const char *const *b = builtins; *b; b++)
        if (strcmp(*b, name) == 0)
            return TRUE;
    for (guint i = 0; i < rules->entity_types->len; i++) {
        const char *type = g_ptr_array_index(rules->entity_types, i);
        gsize n = strlen(type);
        if (strcmp(type, name) == 0 || (n > 1 && type[n - 1] == 's' && strlen(name) == n - 1 &&
                                        strncmp(type, name, n - 1) == 0))
            return TRUE;
    }
    for (guint i = 0; i < c->steps->len; i++) {
        CkStep *st = g_ptr_array_index(c->steps, i);
        for (guint k = 0; k < st->params->len; k++)
            if (strcmp(((CkParam *)g_ptr_array_index(st->params, k))->name, name) == 0)
                return TRUE;
    }
    return FALSE;
}

/* Append "file:line:col: message" at W. */
static void problem_at(GPtrArray *problems, const CkWhere *w, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void problem_at(GPtrArray *problems, const CkWhere *w, const char *fmt, ...)
{
    if (!problems)
        return;
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_ptr_array_add(problems, g_strdup_printf("%s:%d:%d: %s", w->file, w->line, w->col, msg));
}

/* Check C's templates and entity types against RULES; FALSE on a problem. */
static gboolean check_cause_references(const CkRuleSet *rules, const CkCause *c, GPtrArray *problems)
{
    gboolean ok = TRUE;
    const char *templates[] = {c->reply_zh, c->reply_en};
    for (int k = 0; k < 2; k++) {
        g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
        g_autofree char *message = NULL;
        if (!ck_template_names(templates[k], names, &message)) {
            problem_at(problems, &c->reply_where, "cause '%s': reply: %s", c->id, message);
            ok = FALSE;
            continue;
        }
        for (guint i = 0; i < names->len; i++)
            if (!template_name_known(rules, c, g_ptr_array_index(names, i))) {
                problem_at(problems, &c->reply_where, "cause '%s': reply uses unknown placeholder {{%s}}",
                           c->id, (char *)g_ptr_array_index(names, i));
                ok = FALSE;
            }
    }
    for (guint i = 0; i < c->signals->len; i++) {
        CkSignal *s = g_ptr_array_index(c->signals, i);
        if (s->entity_type && !str_array_has(rules->entity_types, s->entity_type)) {
            problem_at(problems, &s->where, "signal '%s': unknown entity type '%s'", s->id, s->entity_type);
            ok = FALSE;
        }
    }
    return ok;
}

/* Drop causes and request patterns whose references do not resolve,
 * reporting why. */
static void check_references(CkRuleSet *rules, GPtrArray *problems)
{
    for (guint i = rules->request_patterns->len; i-- > 0;) {
        CkRequestPattern *rp = g_ptr_array_index(rules->request_patterns, i);
        if (rp->needs && !str_array_has(rules->entity_types, rp->needs)) {
            problem_at(problems, &rp->where, "request: 'answered_by' names unknown entity type '%s'", rp->needs);
            g_ptr_array_remove_index(rules->request_patterns, i);
        }
    }
    for (guint i = rules->causes->len; i-- > 0;)
        if (!check_cause_references(rules, g_ptr_array_index(rules->causes, i), problems))
            g_ptr_array_remove_index(rules->causes, i);
}

/* ---- public entry points ---- */

/* Load PATHS keeping every valid cause (see rules.h).  Caller frees. */
CkRuleSet *ck_ruleset_load_lenient(const char *const *paths, GPtrArray *problems_out)
{
    CkRuleSet *rules = ruleset_new();
    g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
    collect_files(paths, files, problems_out);
    LoadState st = {rules, g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free)};
    for (guint i = 0; i < files->len; i++)
        load_file(g_ptr_array_index(files, i), &st, problems_out);
    g_hash_table_unref(st.seen_ids);
    check_references(rules, problems_out);
    return rules;
}

/* Load PATHS strictly: any problem fails the load (see analyzer.h). */
CkRuleSet *ck_ruleset_load(const char *const *paths, GError **error)
{
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
    CkRuleSet *rules = ck_ruleset_load_lenient(paths, problems);
    if (problems->len == 0)
        return rules;
    ck_ruleset_free(rules);
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s%s",
                (char *)g_ptr_array_index(problems, 0),
                problems->len > 1 ? " (and more; run `casekb rules check`)" : "");
    return NULL;
}

/* Validate PATHS (see rules.h). */
gboolean ck_rules_check(const char *const *paths, GPtrArray *problems_out)
{
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
    CkRuleSet *rules = ck_ruleset_load_lenient(paths, problems);
    ck_ruleset_free(rules);
    gboolean ok = problems->len == 0;
    for (guint i = 0; problems_out && i < problems->len; i++)
        g_ptr_array_add(problems_out, g_strdup(g_ptr_array_index(problems, i)));
    return ok;
}
