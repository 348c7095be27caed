/* casemeta.c — a case's title, severity, vendor, stage, customer, status,
 * dates and each message's side, computed from its messages. */
#include "ingest/casebuild.h"
#include "ingest/caseinfo.h"
#include <string.h>

/* The domain part of an address ("" when none); points into ADDR. */
static const char *address_domain(const char *addr)
{
    const char *at = addr ? strrchr(addr, '@') : NULL;
    return at ? at + 1 : "";
}

/* TRUE when DOMAIN is in the NULL-terminated list or the set. */
static gboolean domain_is_support(const char *domain, const char *const *configured, GHashTable *learnt)
{
    if (!domain[0])
        return FALSE;
    if (configured && g_strv_contains(configured, domain))
        return TRUE;
    return g_hash_table_contains(learnt, domain);
}

/* First pass: a message is support when its sender's domain is configured
 * or its text carries the team's boilerplate.  Learns names, addresses and
 * domains of such senders into KNOWN. */
static gboolean message_looks_support(const CkMessage *m, const char *const *configured, GHashTable *known)
{
    const char *domain = address_domain(m->from_addr);
    gboolean support = domain_is_support(domain, configured, known)
                       || ck_text_is_support_boilerplate(m->signature)
                       || ck_text_is_support_boilerplate(m->body);
    if (support) {
        if (m->from_name[0])
            g_hash_table_add(known, g_strdup(m->from_name));
        if (m->from_addr[0])
            g_hash_table_add(known, g_strdup(m->from_addr));
        if (domain[0])
            g_hash_table_add(known, g_strdup(domain));
    }
    return support;
}

/* The side of each message ("support" / "customer"), as a GPtrArray of
 * static strings parallel to MESSAGES (CkStoredMessage *). */
static GPtrArray *compute_sides(GPtrArray *messages, const char *const *configured)
{
    GHashTable *known = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GPtrArray *sides = g_ptr_array_new();
    for (guint i = 0; i < messages->len; i++) {
        const CkStoredMessage *sm = g_ptr_array_index(messages, i);
        g_ptr_array_add(sides, message_looks_support(sm->msg, configured, known) ? "support" : NULL);
    }
    for (guint i = 0; i < messages->len; i++) {
        const CkMessage *m = ((CkStoredMessage *)g_ptr_array_index(messages, i))->msg;
        if (g_ptr_array_index(sides, i))
            continue;
        gboolean support = (m->from_name[0] && g_hash_table_contains(known, m->from_name))
                           || (m->from_addr[0] && g_hash_table_contains(known, m->from_addr))
                           || domain_is_support(address_domain(m->from_addr), configured, known);
        g_ptr_array_index(sides, i) = support ? "support" : "customer";
    }
    g_hash_table_destroy(known);
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
static GPtrArray *compute_case(GPtrArray *messages, const char *const *domains, CkCaseMeta *meta)
{
    GPtrArray *sides = compute_sides(messages, domains);
    meta_from_subjects(messages, meta);
    meta->customer = customer_of(messages, sides, meta->title);
    status_of(messages, sides, meta);
    meta->opened = 0;
    for (guint i = 0; i < messages->len && !meta->opened; i++)
        meta->opened = ((CkStoredMessage *)g_ptr_array_index(messages, i))->msg->date;
    return sides;
}

/* See casebuild.h. */
gboolean ck_case_refresh_dirty(CkStore *store, const char *const *support_domains, GArray *refreshed,
                               GError **error)
{
    GArray *ids = ck_store_dirty_case_ids(store, error);
    if (!ids)
        return FALSE;
    gboolean ok = TRUE;
    for (guint i = 0; ok && i < ids->len; i++) {
        gint64 id = g_array_index(ids, gint64, i);
        GPtrArray *messages = ck_store_case_messages(store, id, error);
        if (!messages) {
            ok = FALSE;
            break;
        }
        CkCaseMeta meta = { 0 };
        GPtrArray *sides = compute_case(messages, support_domains, &meta);
        ok = ck_store_case_update(store, id, &meta, messages, sides, error);
        if (ok && refreshed)
            g_array_append_val(refreshed, id);
        ck_case_meta_clear(&meta);
        g_ptr_array_unref(sides);
        g_ptr_array_unref(messages);
    }
    g_array_unref(ids);
    return ok;
}
