/* test-rules-yaml.c — YAML-level limits of the rule loader: an alias bomb
 * ("billion laughs") is refused quickly with file:line naming the alias and
 * the limit, while ordinary anchors and aliases keep working.
 * Runs with cwd = repository root. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <glib/gstdio.h>
#include "analyzer/analyzer.h"
#include "analyzer/rules.h"

/* Write TEXT to NAME in a new temp folder; returns the path (caller
 * removes it with rule_file_remove and frees it). */
static char *rule_file_new(const char *name, const char *text)
{
    g_autofree char *dir = g_dir_make_tmp("casekb-yaml-XXXXXX", NULL);
    assert_non_null(dir);
    char *path = g_build_filename(dir, name, NULL);
    assert_true(g_file_set_contents(path, text, -1, NULL));
    return path;
}

/* Remove the file PATH and its temp folder. */
static void rule_file_remove(const char *path)
{
    g_autofree char *dir = g_path_get_dirname(path);
    g_unlink(path);
    g_rmdir(dir);
}

/* `rules check` of PATH passes (problems are printed when it does not). */
static void assert_rules_clean(const char *path)
{
    const char *paths[] = {path, NULL};
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
    gboolean ok = ck_rules_check(paths, problems);
    for (guint i = 0; i < problems->len; i++)
        print_message("%s\n", (char *)g_ptr_array_index(problems, i));
    assert_true(ok);
}

/* A billion-laughs document: LEVELS lines, each a list of ten aliases of
 * the line before, so it expands to 10^LEVELS nodes.  Caller frees. */
static char *alias_bomb(int levels)
{
    GString *text = g_string_new("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int i = 1; i < levels; i++) {
        g_string_append_printf(text, "l%d: &l%d [", i, i);
        for (int k = 0; k < 10; k++)
            g_string_append_printf(text, "%s*l%d", k ? ", " : "", i - 1);
        g_string_append(text, "]\n");
    }
    return g_string_free(text, FALSE);
}

/* A strict load of a small bomb fails with "FILE:LINE:COL:" on the line
 * where the aliases pass the limit, naming aliases and the limit. */
static void test_alias_bomb_refused(void **state)
{
    g_autofree char *bomb = alias_bomb(6);
    g_autofree char *path = rule_file_new("bomb.yaml", bomb);
    g_autofree char *dir = g_path_get_dirname(path);
    const char *paths[] = {dir, NULL};   /* found by scanning the folder, as ingest does */
    GError *error = NULL;
    assert_null(ck_ruleset_load(paths, &error));
    assert_non_null(error);
    print_message("%s\n", error->message);
    g_autofree char *where = g_strdup_printf("%s:5:", path);   /* l4 passes 100000 nodes */
    assert_true(g_str_has_prefix(error->message, where));
    assert_non_null(strstr(error->message, "alias"));
    assert_non_null(strstr(error->message, "100000"));
    assert_null(strstr(error->message, "and more"));   /* the only problem reported */
    g_error_free(error);
    rule_file_remove(path);
}

/* A 400-byte file standing for 10^9 nodes is refused in well under a
 * second, as one problem, by `rules check` too. */
static void test_alias_bomb_fast(void **state)
{
    g_autofree char *bomb = alias_bomb(9);
    g_autofree char *path = rule_file_new("bomb.yaml", bomb);
    assert_true(strlen(bomb) < 600);
    const char *paths[] = {path, NULL};
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
    gint64 t0 = g_get_monotonic_time();
    assert_false(ck_rules_check(paths, problems));
    gint64 elapsed = g_get_monotonic_time() - t0;
    assert_int_equal(problems->len, 1);
    assert_true(g_str_has_prefix(g_ptr_array_index(problems, 0), path));
    assert_non_null(strstr(g_ptr_array_index(problems, 0), "alias"));
    assert_true(elapsed < G_USEC_PER_SEC);
    rule_file_remove(path);
}

/* A cause whose step and examples are shared through anchors, aliases and
 * a merge key, as rules/README.md documents. */
static const char shared_rules[] =
    "version: 1\n"
    "causes:\n"
    "  - id: test.one\n"
    "    title: {zh: 一, en: one}\n"
    "    category: test\n"
    "    threshold: 1\n"
    "    signals: [{id: s, pattern: 'alpha', weight: 1}]\n"
    "    steps:\n"
    "      - &winver {id: x.winver, title: {zh: 版本, en: version}, why: x, kind: diagnostic, command: winver}\n"
    "    reply: &reply {zh: 中文, en: english}\n"
    "    examples: {match: [alpha], no_match: [beta]}\n"
    "  - &two\n"
    "    id: test.two\n"
    "    title: {zh: 二, en: two}\n"
    "    category: test\n"
    "    threshold: 1\n"
    "    signals: [{id: s, pattern: 'gamma', weight: 1}]\n"
    "    steps: [*winver]\n"
    "    reply: *reply\n"
    "    examples: {match: [gamma], no_match: [beta]}\n"
    "  - <<: *two\n"
    "    id: test.three\n";

/* Anchors, aliases and merge keys still load (aliases resolved). */
static void test_ordinary_aliases_load(void **state)
{
    g_autofree char *path = rule_file_new("shared.yaml", shared_rules);
    assert_rules_clean(path);
    const char *paths[] = {path, NULL};
    GError *error = NULL;
    CkRuleSet *rules = ck_ruleset_load(paths, &error);
    assert_non_null(rules);
    assert_int_equal(ck_ruleset_n_causes(rules), 3);
    ck_ruleset_free(rules);
    rule_file_remove(path);
}

/* Many aliases of a small node stay under the limit: 30000 examples that
 * are each an alias of a three-node mapping (90000 nodes). */
static void test_many_small_aliases_load(void **state)
{
    GString *text = g_string_new(NULL);
    g_string_append_len(text, shared_rules, strstr(shared_rules, "  - &two") - shared_rules);
    g_string_replace(text, "{match: [alpha]", "{match: [&m {text: alpha}]", 1);
    g_string_append(text, "  - id: test.many\n    title: {zh: 多, en: many}\n    category: test\n"
                          "    threshold: 1\n    signals: [{id: s, pattern: 'alpha', weight: 1}]\n"
                          "    steps: [*winver]\n    reply: *reply\n"
                          "    examples:\n      no_match: [beta]\n      match:\n");
    for (int i = 0; i < 30000; i++)
        g_string_append(text, "        - *m\n");
    g_autofree char *body = g_string_free(text, FALSE);
    g_autofree char *path = rule_file_new("many.yaml", body);
    assert_rules_clean(path);
    rule_file_remove(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alias_bomb_refused),
        cmocka_unit_test(test_alias_bomb_fast),
        cmocka_unit_test(test_ordinary_aliases_load),
        cmocka_unit_test(test_many_small_aliases_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
