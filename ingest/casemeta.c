/* casemeta.c — a case's title, severity, vendor, stage, customer, status,
 * dates and each message's side, computed from its messages. */
#include "ingest/casebuild.h"
#include "ingest/caseinfo.h"
#include <string.h>


/* What is known of the support side across the archive: its mail domains
 * (configured, or guessed as the domain that writes in the most cases) and
 * the display names its people use there, so a thread export that carries
 * names only is still sided. */
typedef struct {
    GPtrArray *domains;   /* char *, NULL-terminated */
    GPtrArray *names;     /* char *, NULL-terminated */
    GHashTable *name_set; /* the names, for look-ups (borrowed keys) */
} SupportSenders;

/* Free what a SupportSenders holds. */
static void support_senders_clear(SupportSenders *s)
{
    g_clear_pointer(&s->name_set, g_hash_table_unref);
    g_clear_pointer(&s->domains, g_ptr_array_unref);
    g_clear_pointer(&s->names, g_ptr_array_unref);
}

/* Add the domain writing in the most cases when it clearly leads: in at
 * least 3 cases and 1.5 times as many as the next (an OEM's engineers
 * write in many cases too, but in fewer than the support team). */
static gboolean guess_support_domain(CkStore *store, GPtrArray *domains, GError **error)
{
    GPtrArray *top = g_ptr_array_new_with_free_func(g_free);
    GArray *counts = g_array_new(FALSE, FALSE, sizeof(gint64));
    gboolean ok = ck_store_top_sender_domains(store, 2, top, counts, error);
    if (ok && top->len > 0) {
        gint64 first = g_array_index(counts, gint64, 0);
        gint64 second = top->len > 1 ? g_array_index(counts, gint64, 1) : 0;
        if (first >= 3 && first * 2 >= second * 3)
            g_ptr_array_add(domains, g_strdup(g_ptr_array_index(top, 0)));
    }
    g_array_unref(counts);
    g_ptr_array_unref(top);
    return ok;
}

/* Learn the support side's domains and names from the store. */
static gboolean support_senders_learn(CkStore *store, const char *const *configured, SupportSenders *s,
                                      GError **error)
{
    s->domains = g_ptr_array_new_with_free_func(g_free);
    s->names = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; configured && configured[i]; i++)
        g_ptr_array_add(s->domains, g_ascii_strdown(configured[i], -1));
    gboolean ok = guess_support_domain(store, s->domains, error);
    g_ptr_array_add(s->domains, NULL);
    ok = ok && ck_store_sender_names_in_domains(store, (const char *const *)s->domains->pdata, s->names, error);
    g_ptr_array_add(s->names, NULL);
    s->name_set = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; s->names->pdata[i]; i++)
        g_hash_table_add(s->name_set, s->names->pdata[i]);
    return ok;
}

/* The domain part of an address ("" when none); points into ADDR. */
static const char *address_domain(const char *addr)
{
    const char *at = addr ? strrchr(addr, '@') : NULL;
    return at ? at + 1 : "";
}

/* TRUE when TEXT names an address in one of the support domains (a
 * signature's "Email: name@support.example"). */
static gboolean text_has_support_address(const char *text, const SupportSenders *s)
{
    if (!strchr(text, '@'))
        return FALSE;
    char *lower = g_ascii_strdown(text, -1);
    gboolean found = FALSE;
    for (guint i = 0; s->domains->pdata[i] && !found; i++) {
        char *needle = g_strconcat("@", (char *)s->domains->pdata[i], NULL);
        found = strstr(lower, needle) != NULL;
        g_free(needle);
    }
    g_free(lower);
    return found;
}

/* TRUE when a message's sender is a known support domain or name, or
 * signs with a support address. */
static gboolean sender_is_support(const CkMessage *m, const SupportSenders *s, GHashTable *learnt)
{
    const char *domain = address_domain(m->from_addr);
    char *lower = g_ascii_strdown(domain, -1);
    gboolean yes = (lower[0] && g_strv_contains((const char *const *)s->domains->pdata, lower))
                   || (m->from_name[0] && g_hash_table_contains(s->name_set, m->from_name))
                   || (m->from_name[0] && g_hash_table_contains(learnt, m->from_name))
                   || (m->from_addr[0] && g_hash_table_contains(learnt, m->from_addr))
                   || text_has_support_address(m->signature, s);
    g_free(lower);
    return yes;
}

/* The side of each message ("support" / "customer"), as a GPtrArray of
 * static strings parallel to MESSAGES (CkStoredMessage *): support when
 * the sender is known to be, or the text carries the team's boilerplate
 * (whose sender then counts as support in the whole case). */
static GPtrArray *compute_sides(GPtrArray *messages, const SupportSenders *s)
{
    GHashTable *learnt = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint i = 0; i < messages->len; i++) {
        const CkMessage *m = ((CkStoredMessage *)g_ptr_array_index(messages, i))->msg;
        if (!ck_text_is_support_boilerplate(m->signature) && !ck_text_is_support_boilerplate(m->body))
            continue;
        if (m->from_name[0])
            g_hash_table_add(learnt, g_strdup(m->from_name));
        if (m->from_addr[0])
            g_hash_table_add(learnt, g_strdup(m->from_addr));
    }
    GPtrArray *sides = g_ptr_array_new();
    for (guint i = 0; i < messages->len; i++) {
        const CkMessage *m = ((CkStoredMessage *)g_ptr_array_index(messages, i))->msg;
        gboolean support = sender_is_support(m, s, learnt) || ck_text_is_support_boilerplate(m->signature)
                           || ck_text_is_support_boilerplate(m->body);
        g_ptr_array_add(sides, support ? "support" : "customer");
    }
    g_hash_table_destroy(learnt);
    return sides;
}

/* Title, severity, vendor and stage from the first subject that follows
 * the team's convention, else the first subject without prefixes. */
static void meta_from_subjects(GPtrArray *messages, CkCaseMeta *meta)
{
    for (guint i = 0; i < messages->len; i++) {
        const CkMessage *m = ((CkStoredMessage *)g_ptr_array_index(messages, i))->msg;
        CkSubjectFields f = { 0 };
        if (!ck_subject_parse_convention(m->subject, &f))
            continue;
        meta->title = g_steal_pointer(&f.title);
        meta->severity = g_steal_pointer(&f.severity);
        meta->vendor = g_steal_pointer(&f.vendor);
        meta->stage = g_steal_pointer(&f.stage);
        ck_subject_fields_clear(&f);
        return;
    }
    const CkMessage *first = messages->len ? ((CkStoredMessage *)g_ptr_array_index(messages, 0))->msg : NULL;
    meta->title = ck_subject_strip_prefixes(first ? first->subject : "", NULL);
    meta->severity = g_strdup("");
    meta->vendor = g_strdup("");
    meta->stage = g_strdup("");
}

/* The customer organisation: named in the title, else in the first
 * customer-side message, else in any message's new text. */
static char *customer_of(GPtrArray *messages, GPtrArray *sides, const char *title)
{
    char *name = ck_customer_in_text(title);
    for (guint pass = 0; pass < 2 && !name; pass++)
        for (guint i = 0; i < messages->len && !name; i++) {
            const CkMessage *m = ((CkStoredMessage *)g_ptr_array_index(messages, i))->msg;
            if (pass == 0 && g_strcmp0(g_ptr_array_index(sides, i), "customer") != 0)
                continue;
            name = ck_customer_in_text(m->body);
        }
    return name ? name : g_strdup("");
}

/* Status and closing date: closed when the last message closes the case,
 * or the one before it does and the last is a short customer reply with
 * no question. */
static void status_of(GPtrArray *messages, GPtrArray *sides, CkCaseMeta *meta)
{
    meta->status = g_strdup("open");
    meta->closed = 0;
    guint n = messages->len;
    for (guint back = 1; back <= 2 && back <= n; back++) {
        const CkMessage *m = ((CkStoredMessage *)g_ptr_array_index(messages, n - back))->msg;
        if (back == 2) {
            const CkMessage *last = ((CkStoredMessage *)g_ptr_array_index(messages, n - 1))->msg;
            gboolean short_thanks = g_strcmp0(g_ptr_array_index(sides, n - 1), "customer") == 0
                                    && g_utf8_strlen(last->body, -1) < 200
                                    && !strchr(last->body, '?') && !strstr(last->body, "？");
            if (!short_thanks)
                return;
        }
        if (ck_text_closes_case(m->body)) {
            g_free(meta->status);
            meta->status = g_strdup("closed");
            meta->closed = m->date;
            return;
        }
    }
}

/* Compute META and the sides of a case's MESSAGES (date order). */
static GPtrArray *compute_case(GPtrArray *messages, const SupportSenders *senders, CkCaseMeta *meta)
{
    GPtrArray *sides = compute_sides(messages, senders);
    meta_from_subjects(messages, meta);
    meta->customer = customer_of(messages, sides, meta->title);
    status_of(messages, sides, meta);
    meta->opened = 0;
    for (guint i = 0; i < messages->len && !meta->opened; i++)
        meta->opened = ((CkStoredMessage *)g_ptr_array_index(messages, i))->msg->date;
    return sides;
}

/* What was learnt of the support side, kept between batches: learning
 * scans every message, so it is redone only when the archive has grown by a
 * quarter (or 200 messages) since, or when asked. */
struct CkSideLearner {
    char **configured;        /* configured domains, NULL-terminated */
    SupportSenders senders;   /* domains == NULL until learnt */
    gint64 learnt_at;         /* highest message row id when learnt */
};

/* See casebuild.h. */
CkSideLearner *ck_side_learner_new(const char *const *configured_domains)
{
    CkSideLearner *l = g_new0(CkSideLearner, 1);
    l->configured = g_strdupv((char **)configured_domains);
    return l;
}

/* See casebuild.h. */
void ck_side_learner_free(CkSideLearner *learner)
{
    if (!learner)
        return;
    support_senders_clear(&learner->senders);
    g_strfreev(learner->configured);
    g_free(learner);
}

/* TRUE when two NULL-terminated string arrays hold the same strings. */
static gboolean same_strings(GPtrArray *a, GPtrArray *b)
{
    if (!a || !b || a->len != b->len)
        return FALSE;
    for (guint i = 0; i + 1 < a->len; i++)
        if (g_strcmp0(a->pdata[i], b->pdata[i]) != 0)
            return FALSE;
    return TRUE;
}

/* Learn again when due (or FORCE); when what is known changed, mark the
 * cases whose sides it may change. */
static gboolean side_learner_update(CkSideLearner *l, CkStore *store, gboolean force, GError **error)
{
    gint64 high = 0;
    if (!ck_store_message_high_water(store, &high, error))
        return FALSE;
    if (l->senders.domains && !force && high < l->learnt_at + MAX(200, l->learnt_at / 4))
        return TRUE;
    SupportSenders fresh = { 0 };
    gboolean ok = support_senders_learn(store, (const char *const *)l->configured, &fresh, error);
    gboolean changed = ok && !(same_strings(fresh.domains, l->senders.domains)
                               && same_strings(fresh.names, l->senders.names));
    if (changed)
        ok = ck_store_mark_cases_with_senders(store, (const char *const *)fresh.domains->pdata,
                                              (const char *const *)fresh.names->pdata, error);
    support_senders_clear(&l->senders);
    l->senders = fresh;
    l->learnt_at = high;
    return ok;
}

/* Recompute and store one case's metadata and sides. */
static gboolean refresh_case(CkStore *store, gint64 id, const SupportSenders *senders, GError **error)
{
    GPtrArray *messages = ck_store_case_messages(store, id, error);
    if (!messages)
        return FALSE;
    CkCaseMeta meta = { 0 };
    GPtrArray *sides = compute_case(messages, senders, &meta);
    gboolean ok = ck_store_case_update(store, id, &meta, messages, sides, error);
    ck_case_meta_clear(&meta);
    g_ptr_array_unref(sides);
    g_ptr_array_unref(messages);
    return ok;
}

/* See casebuild.h. */
gboolean ck_case_refresh_dirty_with(CkStore *store, CkSideLearner *learner, gboolean relearn,
                                    GArray *refreshed, GError **error)
{
    if (!side_learner_update(learner, store, relearn, error))
        return FALSE;
    GArray *ids = ck_store_dirty_case_ids(store, error);
    if (!ids)
        return FALSE;
    gboolean ok = TRUE;
    for (guint i = 0; ok && i < ids->len; i++) {
        gint64 id = g_array_index(ids, gint64, i);
        ok = refresh_case(store, id, &learner->senders, error);
        if (ok && refreshed)
            g_array_append_val(refreshed, id);
    }
    g_array_unref(ids);
    return ok;
}

/* See casebuild.h. */
gboolean ck_case_refresh_dirty(CkStore *store, const char *const *support_domains, GArray *refreshed,
                               GError **error)
{
    CkSideLearner *learner = ck_side_learner_new(support_domains);
    gboolean ok = ck_case_refresh_dirty_with(store, learner, TRUE, refreshed, error);
    ck_side_learner_free(learner);
    return ok;
}
