/* classify.c — the rule engine: signals → totals → reported causes.
 *
 * A signal hits on a regex match in one of its scopes, or on an extracted
 * entity whose value passes its test, in messages from the side it names.
 * Each signal counts at most max_hits times (default once) over the case.
 * total = Σ weight × counted hits.  A cause is reported when its `requires`
 * (if any) fired and total ≥ threshold.  score = 1 − 2^(−total/threshold):
 * 0.5 at the threshold, 0.75 at twice it, 0.875 at three times.
 * A regex that exceeds a PCRE2 limit on a message fails the whole cause on
 * that message (its hits there are dropped) and adds a warning.
 */
#include "analyzer/analyzer-private.h"

#include <math.h>
#include <string.h>

/* Score for TOTAL against THRESHOLD, in 0..1. */
double ck_score(double total, double threshold)
{
    if (total <= 0 || threshold <= 0)
        return 0;
    double s = 1.0 - pow(2.0, -total / threshold);
    return CLAMP(s, 0.0, 1.0);
}

/* Whether command VALUE has WANT's program and all WANT's options. */
gboolean ck_command_satisfies(const char *value, const char *want)
{
    g_auto(GStrv) have = g_strsplit(value, " ", -1);
    g_auto(GStrv) need = g_strsplit(want, " ", -1);
    if (!have[0] || !need[0] || g_ascii_strcasecmp(have[0], need[0]) != 0)
        return FALSE;
    for (int i = 1; need[i]; i++) {
        gboolean found = !*need[i];
        for (int k = 1; have[k] && !found; k++)
            found = g_ascii_strcasecmp(have[k], need[i]) == 0;
        if (!found)
            return FALSE;
    }
    return TRUE;
}

/* Free a CkHit (GDestroyNotify). */
static void hit_free(gpointer p)
{
    CkHit *h = p;
    g_free(h->text);
    g_free(h);
}

/* Free a cause result; NULL is allowed. */
void ck_cause_result_free(CkCauseResult *r)
{
    if (!r)
        return;
    g_ptr_array_unref(r->hits);
    g_free(r);
}

/* Whether signal S listens to MSG's side. */
static gboolean side_matches(const CkSignal *s, const CkAnalysisInput *msg)
{
    return s->from == CK_FROM_ANY || (s->from == CK_FROM_CUSTOMER) == !!msg->from_customer;
}

/* Append a hit of S in message MSG with TEXT[0..len). */
static void add_hit(GPtrArray *hits, const CkSignal *s, const CkAnalysisInput *msg,
                    const char *scope, const char *text, gsize len)
{
    CkHit *h = g_new0(CkHit, 1);
    h->signal = s;
    h->message = msg->index;
    h->scope = scope;
    h->text = ck_snippet(text, len);
    g_ptr_array_add(hits, h);
}

/* The four scoped texts of one message, validated and capped once. */
typedef struct {
    const char *text[4];     /* subject, new_text, quoted, forwarded */
    gsize len[4];
    char *owned[4];
} ScopedTexts;

static const char *const scope_names[] = {"subject", "new_text", "quoted", "forwarded"};

/* Prepare MSG's texts into T; release with scoped_texts_clear(). */
static void scoped_texts_init(ScopedTexts *t, const CkAnalysisInput *msg)
{
    const char *raw[] = {msg->subject, msg->body, msg->quoted, msg->forwarded};
    for (int k = 0; k < 4; k++)
        t->text[k] = ck_prepare_text(raw[k], &t->owned[k], &t->len[k]);
}

/* Free what scoped_texts_init() allocated. */
static void scoped_texts_clear(ScopedTexts *t)
{
    for (int k = 0; k < 4; k++)
        g_free(t->owned[k]);
}

/* Run S's regex over each scope of T, adding up to ROOM hits.  FALSE when
 * a PCRE2 limit was hit. */
static gboolean regex_hits(const CkSignal *s, CkMatcher *m, const CkAnalysisInput *msg,
                           const ScopedTexts *t, int room, GPtrArray *hits)
{
    for (int k = 0; k < 4 && room > 0; k++) {
        if (!(s->scopes & (1u << k)))
            continue;
        const char *text = t->text[k];
        gsize pos = 0, ms, me;
        CkMatchResult r = CK_MATCH_NONE;
        while (room > 0 && (r = ck_regex_next(m, s->regex, text, t->len[k], pos)) == CK_MATCH_FOUND) {
            ck_matcher_span(m, 0, &ms, &me);
            add_hit(hits, s, msg, scope_names[k], text + ms, me - ms);
            room--;
            pos = me > pos ? me : pos + 1;
            while (pos < t->len[k] && (text[pos] & 0xC0) == 0x80)
                pos++;
        }
        if (room > 0 && r == CK_MATCH_LIMIT)
            return FALSE;
    }
    return TRUE;
}

/* Whether entity hit H passes S's value test. */
static gboolean entity_passes(const CkSignal *s, const CkEntityHit *h)
{
    if (strcmp(h->type, s->entity_type) != 0)
        return FALSE;
    guint scope = strcmp(h->part, "forwarded") == 0 ? CK_SCOPE_FORWARDED : CK_SCOPE_NEW_TEXT;
    if (!(s->scopes & scope))
        return FALSE;
    if (s->entity_values->len == 0)
        return TRUE;
    for (guint i = 0; i < s->entity_values->len; i++) {
        const char *want = g_ptr_array_index(s->entity_values, i);
        if (strcmp(s->entity_type, "commands") == 0 ? ck_command_satisfies(h->value, want)
                                                    : g_ascii_strcasecmp(h->value, want) == 0)
            return TRUE;
    }
    return FALSE;
}

/* Add S's entity hits in message POS, up to ROOM. */
static void entity_hits_of(const CkSignal *s, const CkAnalysisInput *msg, guint pos,
                           GPtrArray *entity_hits, int room, GPtrArray *hits)
{
    for (guint i = 0; i < entity_hits->len && room > 0; i++) {
        CkEntityHit *h = g_ptr_array_index(entity_hits, i);
        if (h->msg_pos != pos || !entity_passes(s, h))
            continue;
        add_hit(hits, s, msg, h->part, h->value, strlen(h->value));
        room--;
    }
}

/* Hits of CAUSE in message POS appended to HITS (COUNTS per signal so far);
 * FALSE when a limit failed the cause on this message. */
static gboolean message_hits(const CkCause *cause, CkMatcher *m, const CkAnalysisInput *msg,
                             guint pos, GPtrArray *entity_hits, int *counts, GPtrArray *hits)
{
    ScopedTexts texts;
    scoped_texts_init(&texts, msg);
    gboolean ok = TRUE;
    for (guint k = 0; k < cause->signals->len && ok; k++) {
        const CkSignal *s = g_ptr_array_index(cause->signals, k);
        int room = s->max_hits - counts[k];
        if (room <= 0 || !side_matches(s, msg))
            continue;
        guint before = hits->len;
        if (s->regex)
            ok = regex_hits(s, m, msg, &texts, room, hits);
        else
            entity_hits_of(s, msg, pos, entity_hits, room, hits);
        counts[k] += hits->len - before;
    }
    scoped_texts_clear(&texts);
    return ok;
}

/* Evaluate CAUSE over the case; see analyzer-private.h. */
CkCauseResult *ck_evaluate_cause(const CkCause *cause, CkMatcher *m,
                                 const CkAnalysisInput *msgs, guint n,
                                 GPtrArray *entity_hits, GPtrArray *warnings)
{
    CkCauseResult *r = g_new0(CkCauseResult, 1);
    r->cause = cause;
    r->hits = g_ptr_array_new_with_free_func(hit_free);
    g_autofree int *counts = g_new0(int, cause->signals->len + 1);
    g_autofree int *saved = g_new0(int, cause->signals->len + 1);
    for (guint i = 0; i < n; i++) {
        guint before = r->hits->len;
        memcpy(saved, counts, sizeof(int) * cause->signals->len);
        if (message_hits(cause, m, &msgs[i], i, entity_hits, counts, r->hits))
            continue;
        g_ptr_array_remove_range(r->hits, before, r->hits->len - before);
        memcpy(counts, saved, sizeof(int) * cause->signals->len);
        if (warnings)
            g_ptr_array_add(warnings, g_strdup_printf("rule %s: match limit exceeded on message %d",
                                                      cause->id, msgs[i].index));
    }
    r->requires_met = cause->requires->len == 0;
    for (guint k = 0; k < cause->signals->len; k++) {
        const CkSignal *s = g_ptr_array_index(cause->signals, k);
        r->total += s->weight * counts[k];
        for (guint q = 0; q < cause->requires->len && counts[k] > 0; q++)
            if (strcmp(g_ptr_array_index(cause->requires, q), s->id) == 0)
                r->requires_met = TRUE;
    }
    r->reported = r->requires_met && r->total >= cause->threshold - 1e-9;
    r->score = ck_score(r->total, cause->threshold);
    return r;
}

/* ---- JSON ---- */

/* Round X to three decimals for stable output. */
static double round3(double x)
{
    return round(x * 1000.0) / 1000.0;
}

/* Add the evidence array of R to builder B. */
static void add_evidence(JsonBuilder *b, const CkCauseResult *r)
{
    json_builder_set_member_name(b, "evidence");
    json_builder_begin_array(b);
    for (guint i = 0; i < r->hits->len; i++) {
        const CkHit *h = g_ptr_array_index(r->hits, i);
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "message");
        json_builder_add_int_value(b, h->message);
        json_builder_set_member_name(b, "text");
        json_builder_add_string_value(b, h->text);
        json_builder_set_member_name(b, "signal");
        json_builder_add_string_value(b, h->signal->id);
        json_builder_set_member_name(b, "weight");
        json_builder_add_double_value(b, h->signal->weight);
        json_builder_set_member_name(b, "scope");
        json_builder_add_string_value(b, h->scope);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
}

/* Build a step's JSON object (with CAUSE_ID) into B; REQUIRES (char *
 * step ids) is its `requires` list. */
static void add_step(JsonBuilder *b, const CkStep *st, const char *cause_id, GPtrArray *requires)
{
    json_builder_begin_object(b);
    const char *fields[][2] = {
        {"cause", cause_id}, {"id", st->id}, {"title", st->title_zh}, {"title_en", st->title_en},
        {"why", st->why_zh}, {"why_en", st->why_en}, {"kind", st->kind},
        {"command", st->command ? st->command : ""}, {"expect", st->expect}, {"scope", st->scope},
    };
    for (gsize k = 0; k < G_N_ELEMENTS(fields); k++) {
        if (!fields[k][1] || (!cause_id && k == 0))
            continue;
        json_builder_set_member_name(b, fields[k][0]);
        json_builder_add_string_value(b, fields[k][1]);
    }
    json_builder_set_member_name(b, "params");
    json_builder_begin_array(b);
    for (guint i = 0; i < st->params->len; i++) {
        const CkParam *p = g_ptr_array_index(st->params, i);
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "name");
        json_builder_add_string_value(b, p->name);
        json_builder_set_member_name(b, "validate");
        json_builder_add_string_value(b, p->validate->source);
        if (p->example) {
            json_builder_set_member_name(b, "example");
            json_builder_add_string_value(b, p->example);
        }
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    GPtrArray *lists[] = {st->do_not, requires};
    const char *list_names[] = {"do_not", "requires"};
    for (gsize k = 0; k < G_N_ELEMENTS(lists); k++) {
        json_builder_set_member_name(b, list_names[k]);
        json_builder_begin_array(b);
        for (guint i = 0; i < lists[k]->len; i++)
            json_builder_add_string_value(b, g_ptr_array_index(lists[k], i));
        json_builder_end_array(b);
    }
    json_builder_end_object(b);
}

/* Template context for CAUSE: entities, steps, cause titles.  Caller unrefs. */
static JsonObject *reply_context(const CkCause *cause, JsonNode *entities)
{
    JsonObject *ctx = json_object_new();
    JsonObject *ents = json_node_get_object(entities);
    g_autoptr(GList) names = json_object_get_members(ents);
    for (GList *l = names; l; l = l->next)
        json_object_set_member(ctx, l->data, json_node_copy(json_object_get_member(ents, l->data)));
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_array(b);
    for (guint i = 0; i < cause->steps->len; i++)
        add_step(b, g_ptr_array_index(cause->steps, i), NULL,
                 ((const CkStep *)g_ptr_array_index(cause->steps, i))->requires);
    json_builder_end_array(b);
    json_object_set_member(ctx, "steps", json_builder_get_root(b));
    json_object_set_string_member(ctx, "cause_title", cause->title_zh);
    json_object_set_string_member(ctx, "cause_title_en", cause->title_en);
    return ctx;
}

/* Add one reported cause to B. */
static void add_cause(JsonBuilder *b, const CkCauseResult *r, JsonNode *entities)
{
    const CkCause *c = r->cause;
    json_builder_begin_object(b);
    const char *fields[][2] = {{"id", c->id}, {"title", c->title_zh}, {"title_en", c->title_en},
                               {"category", c->category}, {"summary", c->summary_zh},
                               {"summary_en", c->summary_en}, {"file", c->where.file}};
    for (gsize k = 0; k < G_N_ELEMENTS(fields); k++) {
        if (!fields[k][1])
            continue;
        json_builder_set_member_name(b, fields[k][0]);
        json_builder_add_string_value(b, fields[k][1]);
    }
    json_builder_set_member_name(b, "score");
    json_builder_add_double_value(b, round3(r->score));
    json_builder_set_member_name(b, "total");
    json_builder_add_double_value(b, round3(r->total));
    json_builder_set_member_name(b, "threshold");
    json_builder_add_double_value(b, c->threshold);
    add_evidence(b, r);
    JsonObject *ctx = reply_context(c, entities);
    g_autofree char *zh = ck_template_render(c->reply_zh, ctx);
    g_autofree char *en = ck_template_render(c->reply_en, ctx);
    json_object_unref(ctx);
    json_builder_set_member_name(b, "reply");
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "zh");
    json_builder_add_string_value(b, g_strstrip(zh));
    json_builder_set_member_name(b, "en");
    json_builder_add_string_value(b, g_strstrip(en));
    json_builder_end_object(b);
    json_builder_end_object(b);
}

/* [reported causes] — RESULTS must already be sorted.  Caller unrefs. */
JsonNode *ck_causes_to_json(GPtrArray *results, JsonNode *entities)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_array(b);
    for (guint i = 0; i < results->len; i++) {
        const CkCauseResult *r = g_ptr_array_index(results, i);
        if (r->reported)
            add_cause(b, r, entities);
    }
    json_builder_end_array(b);
    return json_builder_get_root(b);
}

/* Add to INTO (char *, borrowed) the prerequisites of ST, each named by the
 * step kept for it (SEEN maps "id:ID" to a 1-based index into KEPT), except
 * AT (the step kept for ST itself) and ids already there. */
static void merge_requires(GHashTable *seen, GPtrArray *kept, GPtrArray *into, const CkStep *st, guint at)
{
    for (guint q = 0; q < st->requires->len; q++) {
        g_autofree char *key = g_strconcat("id:", (char *)g_ptr_array_index(st->requires, q), NULL);
        guint want = GPOINTER_TO_UINT(g_hash_table_lookup(seen, key));
        if (!want || want == at)
            continue;
        const char *id = ((const CkStep *)g_ptr_array_index(kept, want - 1))->id;
        if (!g_ptr_array_find_with_equal_func(into, id, g_str_equal, NULL))
            g_ptr_array_add(into, (gpointer)id);
    }
}

/* Steps of the reported causes in RESULTS' order, de-duplicated by step id
 * and by command (a manual step has none).  A left-out repeat's `requires`
 * join those of the step kept in its place, each prerequisite named by the
 * step kept for it.  Caller unrefs. */
JsonNode *ck_checklist_to_json(GPtrArray *results)
{
    /* "id:ID" / "cmd:COMMAND" -> 1-based index into KEPT of the step kept for it */
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GPtrArray) kept = g_ptr_array_new(), causes = g_ptr_array_new();
    g_autoptr(GPtrArray) requires = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
    for (guint i = 0; i < results->len; i++) {
        const CkCauseResult *r = g_ptr_array_index(results, i);
        for (guint k = 0; r->reported && k < r->cause->steps->len; k++) {
            const CkStep *st = g_ptr_array_index(r->cause->steps, k);
            char *by_id = g_strconcat("id:", st->id, NULL);
            char *by_cmd = st->command ? g_strconcat("cmd:", st->command, NULL) : NULL;
            guint at = GPOINTER_TO_UINT(g_hash_table_lookup(seen, by_id));
            if (!at && by_cmd)
                at = GPOINTER_TO_UINT(g_hash_table_lookup(seen, by_cmd));
            if (!at) {
                g_ptr_array_add(kept, (gpointer)st);
                g_ptr_array_add(causes, r->cause->id);
                g_ptr_array_add(requires, g_ptr_array_new());
                at = kept->len;
            }
            g_hash_table_replace(seen, by_id, GUINT_TO_POINTER(at));
            if (by_cmd)
                g_hash_table_replace(seen, by_cmd, GUINT_TO_POINTER(at));
            merge_requires(seen, kept, g_ptr_array_index(requires, at - 1), st, at);
        }
    }
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_array(b);
    for (guint i = 0; i < kept->len; i++)
        add_step(b, g_ptr_array_index(kept, i), g_ptr_array_index(causes, i), g_ptr_array_index(requires, i));
    json_builder_end_array(b);
    return json_builder_get_root(b);
}
