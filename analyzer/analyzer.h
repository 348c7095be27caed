/* analyzer.h — extract case facts and classify root causes.
 *
 * Input is one case's messages as plain values (no database); output is a
 * JSON object that store/ keeps with the case and `show --json` merges into
 * the case document:
 *   {"entities": {"case_ids":[], "serial_numbers":[], "product_keys":[],
 *                 "partial_keys":[], "error_codes":[], "commands":[],
 *                 "phones":[], "emails":[], "urls":[], "hosts":[]},
 *    "entity_spans": [{"type","value","message","start","end"}],
 *    "steps": [{"message": N, "items": ["…"]}],
 *    "sections": {"problem":"", "analysis":"", "conclusion":"", ...},
 *    "requests": [{"message": N, "text": "…", "answered": bool}],
 *    "causes": [{"id","title","title_en","category","score","evidence":[{"message","text"}]}],
 *    "checklist": [ remediation steps of the causes, ordered, de-duplicated ]}
 * Rules (causes and entity patterns) are YAML files under rules/, loaded at
 * run time, so a support lead can change them without a compiler.
 */
#ifndef CASEKB_ANALYZER_H
#define CASEKB_ANALYZER_H

#include <glib.h>
#include <json-glib/json-glib.h>

typedef struct CkRuleSet CkRuleSet;

/* One message of the case, borrowed: the analyzer copies what it keeps. */
typedef struct {
    int index;               /* 1-based position in the case */
    const char *subject;
    const char *body;        /* new text only */
    const char *quoted;
    const char *forwarded;   /* forwarded message text it carries */
    const char *from;
    gboolean from_customer;  /* FALSE: support side */
    gint64 date;             /* epoch seconds UTC, 0 unknown */
} CkAnalysisInput;

/* Load every *.yaml / *.yml file under each of PATHS (files or directories,
 * NULL-terminated).  Errors name file:line:col.  Caller frees the result with
 * ck_ruleset_free(). */
CkRuleSet *ck_ruleset_load(const char *const *paths, GError **error);
void ck_ruleset_free(CkRuleSet *rules);

/* Analyse one case.  Returns a new JSON object node (caller frees with
 * json_node_unref()).  Problems met (a rule that hit its PCRE2 match limit on
 * a message, …) are appended to WARNINGS (char *, may be NULL). */
JsonNode *ck_analyze_case(const CkRuleSet *rules, const CkAnalysisInput *messages,
                          guint n_messages, GPtrArray *warnings);

#endif
