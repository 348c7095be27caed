/* casebuild.c — joining messages to cases, merging linked threads. */
#include "ingest/casebuild.h"
#include "ingest/caseinfo.h"
#include <string.h>

#define SUBJECT_WINDOW_SECONDS (60 * 24 * 3600)

/* The state of placing one message.  Its links to stored cases are looked
 * up once and serve both the join rules and the merging of threads. */
typedef struct {
    CkStore *store;
    const CkMessage *msg;
    char *subject_key;      /* ck_subject_key() of its subject */
    GArray *referenced;     /* cases holding a message it references, newest reference first */
    GArray *siblings;       /* cases holding a message that references one of its references */
    GArray *children;       /* cases holding a message that references it */
    gint64 case_rowid;      /* out of a joiner: the case found, 0 none */
} Placement;

typedef gboolean (*JoinFunc)(Placement *p, GError **error);

/* Find or create the case keyed by the first of IDS. */
static gboolean join_case_id_list(Placement *p, GPtrArray *ids, GError **error)
{
    if (ids->len == 0)
        return TRUE;
    const char *key = g_ptr_array_index(ids, 0);
    if (!ck_store_find_case_by_key(p->store, key, &p->case_rowid, error))
        return FALSE;
    return p->case_rowid || ck_store_case_create(p->store, key, &p->case_rowid, error);
}

/* Join by a case ID found in TEXT. */
static gboolean join_case_id_in(Placement *p, const char *text, GError **error)
{
    GPtrArray *ids = ck_case_ids_in_text(text);
    gboolean ok = join_case_id_list(p, ids, error);
    g_ptr_array_unref(ids);
    return ok;
}

/* "subject-case-id" */
static gboolean join_by_subject_case_id(Placement *p, GError **error)
{
    return join_case_id_in(p, p->msg->subject, error);
}

/* The first case of LIST, or 0. */
static gint64 first_case(GArray *list)
{
    return list->len ? g_array_index(list, gint64, 0) : 0;
}

/* "references": the case of a referenced message, newest reference first;
 * else the case of a stored message that names one of the same references
 * (the two share an ancestor that is not stored, a "ghost" parent). */
static gboolean join_by_references(Placement *p, GError **error)
{
    p->case_rowid = first_case(p->referenced);
    if (!p->case_rowid)
        p->case_rowid = first_case(p->siblings);
    return TRUE;
}

/* "body-case-id": the new text only.  A case ID seen only in forwarded
 * text names the case the forwarded mail came from, not this message's: a
 * customer's new mail that forwards a past case's reply is a new case. */
static gboolean join_by_body_case_id(Placement *p, GError **error)
{
    return join_case_id_in(p, p->msg->body, error);
}

/* "subject": only replies/forwards without references. */
static gboolean join_by_subject(Placement *p, GError **error)
{
    gboolean had_prefix = FALSE;
    char *stripped = ck_subject_strip_prefixes(p->msg->subject, &had_prefix);
    gboolean ok = TRUE;
    if (had_prefix && stripped[0] && p->msg->references->len == 0 && p->msg->date)
        ok = ck_store_find_case_by_subject(p->store, p->subject_key, p->msg->date, SUBJECT_WINDOW_SECONDS,
                                           &p->case_rowid, error);
    g_free(stripped);
    return ok;
}

/* "quoted-case-id" */
static gboolean join_by_quoted_case_id(Placement *p, GError **error)
{
    return join_case_id_in(p, p->msg->quoted, error);
}

/* "referenced-by": a stored message names this one. */
static gboolean join_by_children(Placement *p, GError **error)
{
    p->case_rowid = first_case(p->children);
    return TRUE;
}

/* The thread root of a message: its oldest reference, else itself. */
static const char *thread_root(const CkMessage *msg)
{
    return msg->references->len ? g_ptr_array_index(msg->references, 0) : msg->message_id;
}

/* "thread-root": a case already keyed by this message's thread root. */
static gboolean join_by_thread_root(Placement *p, GError **error)
{
    char *key = ck_thread_key(thread_root(p->msg));
    gboolean ok = ck_store_find_case_by_key(p->store, key, &p->case_rowid, error);
    g_free(key);
    return ok;
}

/* "new-thread": a new THR- case. */
static gboolean join_new_thread(Placement *p, GError **error)
{
    char *key = ck_thread_key(thread_root(p->msg));
    gboolean ok = ck_store_case_create(p->store, key, &p->case_rowid, error);
    g_free(key);
    return ok;
}

static const struct {
    const char *name;
    JoinFunc join;
} JOIN_RULES[] = {
    { "subject-case-id", join_by_subject_case_id },
    { "references", join_by_references },
    { "body-case-id", join_by_body_case_id },
    { "subject", join_by_subject },
    { "quoted-case-id", join_by_quoted_case_id },
    { "referenced-by", join_by_children },
    { "thread-root", join_by_thread_root },
    { "new-thread", join_new_thread },
};

/* TRUE when a case key is a thread-only key. */
static gboolean key_is_thread(const char *key)
{
    return key && g_str_has_prefix(key, "THR-");
}

/* Merge one linked case into the message's case (or the other way round
 * when only the linked one has a case ID).  Updates *case_rowid; adds the
 * row id of a case merged away to GONE, and skips cases already in it. */
static gboolean merge_linked_case(CkStore *store, gint64 linked, gint64 *case_rowid, GHashTable *gone,
                                  GError **error)
{
    if (linked == 0 || linked == *case_rowid || g_hash_table_contains(gone, &linked))
        return TRUE;
    char *mine = ck_store_case_key(store, *case_rowid, error);
    char *theirs = mine ? ck_store_case_key(store, linked, error) : NULL;
    gboolean ok = theirs != NULL;
    gint64 merged_away = 0;
    if (ok && key_is_thread(theirs)) {
        ok = ck_store_case_merge(store, linked, *case_rowid, error);
        merged_away = linked;
    } else if (ok && key_is_thread(mine)) {
        ok = ck_store_case_merge(store, *case_rowid, linked, error);
        merged_away = *case_rowid;
        *case_rowid = linked;
    }
    if (merged_away)
        g_hash_table_add(gone, g_memdup2(&merged_away, sizeof merged_away));
    g_free(mine);
    g_free(theirs);
    return ok;
}

/* Look up the cases MSG is linked to by references, either way, and
 * through shared ghost ancestors (as notmuch threads are). */
static gboolean placement_find_links(Placement *p, GError **error)
{
    GPtrArray *refs = p->msg->references;
    gboolean ok = ck_store_find_cases_referencing(p->store, p->msg->message_id, p->children, error);
    for (guint i = refs->len; ok && i > 0; i--) {
        const char *ref = g_ptr_array_index(refs, i - 1);
        gint64 found = 0;
        ok = ck_store_find_message(p->store, ref, NULL, &found, error)
             && ck_store_find_cases_referencing(p->store, ref, p->siblings, error);
        if (found)
            g_array_append_val(p->referenced, found);
    }
    return ok;
}

/* Merge every case linked to the message into its case. */
static gboolean merge_linked_cases(Placement *p, gint64 *case_rowid, GError **error)
{
    GArray *lists[] = { p->referenced, p->siblings, p->children };
    GHashTable *gone = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    gboolean ok = TRUE;
    for (guint l = 0; ok && l < G_N_ELEMENTS(lists); l++)
        for (guint i = 0; ok && i < lists[l]->len; i++)
            ok = merge_linked_case(p->store, g_array_index(lists[l], gint64, i), case_rowid, gone, error);
    g_hash_table_destroy(gone);
    return ok;
}

/* Free what a Placement holds. */
static void placement_clear(Placement *p)
{
    g_free(p->subject_key);
    g_array_unref(p->referenced);
    g_array_unref(p->siblings);
    g_array_unref(p->children);
}

/* Record every alias named in the subject or new text on the case. */
static gboolean add_aliases(CkStore *store, const CkMessage *msg, gint64 case_rowid, GError **error)
{
    char *text = g_strconcat(msg->subject, "\n", msg->body, NULL);
    GPtrArray *aliases = ck_case_aliases_in_text(text);
    gboolean ok = TRUE;
    for (guint i = 0; ok && i < aliases->len; i++)
        ok = ck_store_case_add_alias(store, case_rowid, g_ptr_array_index(aliases, i), error);
    g_ptr_array_unref(aliases);
    g_free(text);
    return ok;
}

/* See casebuild.h. */
gboolean ck_case_add_message(CkStore *store, const CkMessage *msg, CkAddOutcome *outcome, GError **error)
{
    gint64 existing = 0;
    if (!ck_store_find_message(store, msg->message_id, &existing, NULL, error))
        return FALSE;
    if (existing) {
        *outcome = CK_ADD_COPY;
        return ck_store_source_add(store, msg->content_hash, existing, msg->source_path,
                                   msg->source_offset, error);
    }
    Placement p = { store, msg, ck_subject_key(msg->subject), g_array_new(FALSE, FALSE, sizeof(gint64)),
                    g_array_new(FALSE, FALSE, sizeof(gint64)), g_array_new(FALSE, FALSE, sizeof(gint64)), 0 };
    gboolean ok = placement_find_links(&p, error);
    guint rule = 0;
    for (; ok && rule < G_N_ELEMENTS(JOIN_RULES) && p.case_rowid == 0; rule++)
        ok = JOIN_RULES[rule].join(&p, error);
    const char *joined_by = rule ? JOIN_RULES[rule - 1].name : "";
    gint64 case_rowid = p.case_rowid, message_rowid = 0;
    ok = ok && merge_linked_cases(&p, &case_rowid, error)
         && ck_store_message_insert(store, case_rowid, msg, p.subject_key, joined_by, &message_rowid, error)
         && ck_store_source_add(store, msg->content_hash, message_rowid, msg->source_path,
                                msg->source_offset, error)
         && add_aliases(store, msg, case_rowid, error);
    placement_clear(&p);
    *outcome = CK_ADD_NEW;
    return ok;
}
