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
 *
 * Details of each member (format of the rules: rules/README.md):
 *   entities      one array of unique normalised values per entity type, in
 *                 order of first appearance; every standard type is present,
 *                 types defined only in rule files are added.  Values:
 *                 error codes "0xC004F074"; commands "slmgr /ipk KEY",
 *                 "sysprep /generalize /oobe /shutdown"; hosts "host:port".
 *                 Taken from each message's new text and forwarded text only.
 *   entity_spans  every hit: also "text" (as written) and "part"
 *                 ("new_text" | "forwarded"; persist.c adds "attachments"
 *                 for the text attachments of customer messages, offsets
 *                 into ck_message_attachment_text()); start/end are byte
 *                 offsets into that part of message "message" (1-based).
 *   steps         numbered / lettered / bulleted lines of each message's new
 *                 text, marker kept ("1. …", "a) …", "* …").
 *   sections      problem, analysis, conclusion, definition, scope, details,
 *                 next_steps (问题描述 / Problem description …); a later
 *                 message's section replaces an earlier one.
 *   requests      also "from" ("customer"|"support"), "needs" (entity type
 *                 or null), "answered_by" (message index or null).  A request
 *                 with "needs" is answered by a later customer message holding
 *                 such an entity; any other by a later message from the other
 *                 side.
 *   causes        reported causes, best first; also "summary", "summary_en",
 *                 "file", "total", "threshold", evidence items with "signal",
 *                 "weight", "scope", and "reply": {"zh","en"} (rendered
 *                 template).  score = 1 - 2^(-total/threshold).
 *   checklist     steps {"cause","id","title","title_en","why","why_en",
 *                 "kind": "diagnostic"|"change"|"manual","command" ("" for
 *                 a manual step),"expect","scope": "terminal"|"master-image",
 *                 "params": [{"name","validate","example"}],"do_not": [],
 *                 "requires": [step ids]}
 *                 ordered by cause score then step order, de-duplicated by
 *                 step id and by command; a left-out repeat's "requires"
 *                 join those of the step kept in its place.
 * Threads: a loaded CkRuleSet is read-only; ck_analyze_case() may run on
 * several threads at once with the same rule set.
 * See analyzer/rules.h for `rules check|test|stats`.
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
 * NULL-terminated; a directory's files in name order).  Strict: any problem
 * fails the load with an error naming the first as file:line:col (see
 * ck_ruleset_load_lenient() in rules.h to keep the valid causes).  Caller
 * frees the result with ck_ruleset_free(). */
CkRuleSet *ck_ruleset_load(const char *const *paths, GError **error);
/* Free a rule set; NULL is allowed. */
void ck_ruleset_free(CkRuleSet *rules);

/* Analyse one case.  Returns a new JSON object node (caller frees with
 * json_node_unref()).  Problems met are appended to WARNINGS (char *, may be
 * NULL), e.g. "rule activation.kms-dns: match limit exceeded on message 3"
 * (that cause ignores that message) or "entity pattern commands
 * (rules/entities.yaml:70): match limit exceeded on message 2". */
JsonNode *ck_analyze_case(const CkRuleSet *rules, const CkAnalysisInput *messages,
                          guint n_messages, GPtrArray *warnings);

#endif
