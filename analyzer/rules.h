/* rules.h — rule-set maintenance API for `casekb rules check|test|stats`.
 *
 * The rule format is documented in rules/README.md.  All functions take the
 * same PATHS as ck_ruleset_load(): NULL-terminated files or directories;
 * directories contribute every *.yaml / *.yml file in them (sorted by name).
 * Problems are strings "file:line:col: message" (line and column 1-based).
 */
#ifndef CASEKB_RULES_H
#define CASEKB_RULES_H

#include <glib.h>
#include <json-glib/json-glib.h>

typedef struct CkRuleSet CkRuleSet;

/* Validate every rule file under PATHS: YAML syntax, unknown or missing
 * keys, duplicate ids (across files), regexes that do not compile (with the
 * offset) or can match the empty string, params without a `validate`
 * pattern, template placeholders that name nothing, weights out of range;
 * remediation steps: a `manual` step with a command, another without one,
 * a step running sysprep without `scope: master-image`, and `requires`
 * naming anything but an earlier, non-manual step of the same cause and
 * scope.
 * Appends one char * per problem to PROBLEMS_OUT (may be NULL; caller owns
 * the strings, the array should have g_free as free function).  Returns
 * TRUE when there were no problems. */
gboolean ck_rules_check(const char *const *paths, GPtrArray *problems_out);

/* Load PATHS keeping every cause that is valid: broken causes are left out
 * and their problems appended to PROBLEMS_OUT (may be NULL).  Returns a rule
 * set (never NULL; possibly empty).  Caller frees with ck_ruleset_free(). */
CkRuleSet *ck_ruleset_load_lenient(const char *const *paths, GPtrArray *problems_out);

/* Run every cause's embedded examples against that cause.  Returns a JSON
 * array, one object per cause:
 *   {"rule": id, "file": path, "line": n, "passed": n, "failed": n,
 *    "failures": [{"kind": "match"|"no_match", "example": i (0-based),
 *                  "line": n, "text": snippet, "total": x, "threshold": y,
 *                  "fired": [signal ids], "warnings": [..]}],
 *    "collisions": [{"example": i, "causes": [other cause ids]}]}
 * "collisions" lists `match` examples that other causes report too; they
 * are information for the rule author, not failures.
 * Caller frees with json_node_unref().  *N_FAILED_OUT (may be NULL) gets the
 * number of failing examples over all causes. */
JsonNode *ck_rules_test(const CkRuleSet *rules, guint *n_failed_out);

/* Describe the rule set for `rules stats` and listings: a JSON object
 *   {"causes": [{"id", "title", "title_en", "category", "status", "file",
 *                "line", "threshold", "signals": n, "steps": n,
 *                "examples_match": n, "examples_no_match": n}],
 *    "entity_types": ["case_ids", …], "entity_patterns": n,
 *    "request_patterns": n}
 * Caller frees with json_node_unref(). */
JsonNode *ck_ruleset_describe(const CkRuleSet *rules);

/* Number of causes, and the id / title of cause I (borrowed, valid while
 * RULES lives). */
guint ck_ruleset_n_causes(const CkRuleSet *rules);
const char *ck_ruleset_cause_id(const CkRuleSet *rules, guint i);
const char *ck_ruleset_cause_title(const CkRuleSet *rules, guint i, const char *lang);

/* Index of the cause with ID in RULES, or -1 (RULES may be NULL). */
int ck_ruleset_find_cause(const CkRuleSet *rules, const char *id);

/* The reply template of cause I in LANG ("zh" or "en"), or NULL when the
 * cause has none; borrowed, valid while RULES lives. */
const char *ck_ruleset_cause_reply(const CkRuleSet *rules, guint i, const char *lang);

#endif
