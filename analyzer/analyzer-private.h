/* analyzer-private.h — data shared by the analyzer's files; not public API.
 *
 * A CkRuleSet is what rules-load.c builds from YAML files: entity patterns,
 * request patterns and causes.  Everything in it is owned by the rule set
 * and freed by ck_ruleset_free().  Regexes are compiled once (UTF + UCP,
 * JIT when available) and matched through a CkMatcher, which carries the
 * PCRE2 match/depth/heap limits and the JIT stack for one analysis run.
 */
#ifndef CASEKB_ANALYZER_PRIVATE_H
#define CASEKB_ANALYZER_PRIVATE_H

#include "analyzer/analyzer.h"
#include "analyzer/rules.h"
#include "analyzer/regex.h"
#include "analyzer/template.h"

/* ---- rule set (rules-load.c) ---- */

typedef enum {
    CK_SCOPE_SUBJECT = 1 << 0,
    CK_SCOPE_NEW_TEXT = 1 << 1,
    CK_SCOPE_QUOTED = 1 << 2,
    CK_SCOPE_FORWARDED = 1 << 3,
} CkScope;

typedef enum { CK_FROM_ANY, CK_FROM_CUSTOMER, CK_FROM_SUPPORT } CkFrom;

typedef enum {
    CK_NORM_NONE, CK_NORM_UPPER, CK_NORM_LOWER, CK_NORM_HEX8, CK_NORM_COMMAND,
    CK_NORM_DIGITS,
} CkNormalize;

typedef struct {
    char *file;
    int line, col;           /* 1-based */
} CkWhere;

typedef struct {
    char *type;              /* output key, e.g. "error_codes" */
    CkRegex *regex;
    int group;               /* capture group giving the value (0 = whole) */
    char *fixed_value;       /* emit this value instead of the match, or NULL */
    CkNormalize normalize;
    CkWhere where;
} CkEntityPattern;

typedef struct {
    CkRegex *regex;
    char *needs;             /* entity type whose presence answers it, or NULL */
    CkWhere where;
} CkRequestPattern;

typedef struct {
    char *id;
    double weight;
    int max_hits;
    guint scopes;            /* CkScope bits */
    CkFrom from;
    CkRegex *regex;          /* pattern signal, or NULL */
    char *entity_type;       /* entity signal, or NULL */
    GPtrArray *entity_values;/* char *, normalised, any of them */
    CkWhere where;
} CkSignal;

typedef struct {
    char *name;
    CkRegex *validate;
    char *example;
} CkParam;

typedef struct {
    char *id;
    char *title_zh, *title_en;
    char *why_zh, *why_en;
    char *kind;              /* "diagnostic", "change" or "manual" */
    char *command;           /* NULL for a manual step */
    char *expect;            /* pattern source, may be NULL */
    CkRegex *expect_re;
    GPtrArray *params;       /* CkParam * */
    GPtrArray *do_not;       /* char * */
    char *scope;             /* "terminal" or "master-image" */
    GPtrArray *requires;     /* char * ids of earlier steps of the cause that must succeed first */
} CkStep;

typedef struct {
    char *subject, *text, *quoted, *forwarded;
    gboolean from_customer;
    CkWhere where;
} CkExample;

typedef struct {
    char *id;
    char *title_zh, *title_en;
    char *summary_zh, *summary_en;
    char *category;
    char *status;
    double threshold;
    GPtrArray *signals;      /* CkSignal * */
    GPtrArray *requires;     /* char * signal ids, any of them must fire */
    GPtrArray *steps;        /* CkStep * */
    char *reply_zh, *reply_en;
    GPtrArray *match;        /* CkExample * */
    GPtrArray *no_match;     /* CkExample * */
    CkWhere where;
    CkWhere reply_where;
} CkCause;

struct CkRuleSet {
    GPtrArray *entity_patterns;   /* CkEntityPattern * */
    GPtrArray *request_patterns;  /* CkRequestPattern * */
    GPtrArray *causes;            /* CkCause * */
    GPtrArray *entity_types;      /* char *, in first-seen order */
};

/* ---- extraction (entities.c, sections.c) ---- */

typedef struct {
    const char *type;        /* borrowed from the pattern */
    char *value;             /* normalised */
    char *text;              /* as matched */
    int message;             /* 1-based message index */
    guint msg_pos;           /* position in the input array */
    const char *part;        /* "new_text" or "forwarded" */
    gsize start, end;        /* byte span in that part */
} CkEntityHit;

/* Extract entity hits of every message (new text and forwarded text).
 * Returns CkEntityHit * with free function set; caller unrefs. */
GPtrArray *ck_extract_entities(const CkRuleSet *rules, CkMatcher *m,
                               const CkAnalysisInput *msgs, guint n,
                               GPtrArray *warnings);

/* Normalise one entity value; caller g_free()s. */
char *ck_normalize_value(CkNormalize how, const char *text);

/* Build {"type": [unique values]} and the span list from HITS. */
JsonNode *ck_entities_to_json(const CkRuleSet *rules, GPtrArray *hits);
JsonNode *ck_entity_spans_to_json(GPtrArray *hits);

/* Steps, sections and requests as JSON nodes; caller unrefs each. */
JsonNode *ck_extract_steps(const CkAnalysisInput *msgs, guint n);
JsonNode *ck_extract_sections(const CkAnalysisInput *msgs, guint n);
JsonNode *ck_extract_requests(const CkRuleSet *rules, CkMatcher *m,
                              const CkAnalysisInput *msgs, guint n,
                              GPtrArray *entity_hits, GPtrArray *warnings);

/* ---- classification (classify.c) ---- */

typedef struct {
    const CkSignal *signal;
    int message;
    char *text;
    const char *scope;
} CkHit;

typedef struct {
    const CkCause *cause;
    double total;
    double score;
    gboolean requires_met;
    gboolean reported;
    GPtrArray *hits;         /* CkHit *, counted hits only */
} CkCauseResult;

/* Evaluate CAUSE over the messages.  Caller frees with
 * ck_cause_result_free(). */
CkCauseResult *ck_evaluate_cause(const CkCause *cause, CkMatcher *m,
                                 const CkAnalysisInput *msgs, guint n,
                                 GPtrArray *entity_hits, GPtrArray *warnings);
void ck_cause_result_free(CkCauseResult *r);

/* Score in 0..1 for TOTAL against THRESHOLD (documented in rules/README.md). */
double ck_score(double total, double threshold);

/* Whether a normalised command VALUE satisfies the test WANT (same program,
 * every option of WANT present). */
gboolean ck_command_satisfies(const char *value, const char *want);

/* Causes and checklist for the output. */
JsonNode *ck_causes_to_json(GPtrArray *results, JsonNode *entities);
JsonNode *ck_checklist_to_json(GPtrArray *results);

#endif
