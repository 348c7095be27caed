/* store-senders.c — who writes in which cases: the look-ups behind the
 * support-side guess (ingest/casemeta.c). */
#include "store/store-private.h"

#define SENDER_DOMAIN "lower(substr(from_addr, instr(from_addr, '@') + 1))"

/* See store.h. */
gboolean ck_store_top_sender_domains(CkStore *store, guint limit, GPtrArray *domains, GArray *counts,
                                     GError **error)
{
    sqlite3_stmt *stmt = ck_store_prepare(store,
        "SELECT " SENDER_DOMAIN " AS d, count(DISTINCT case_id) AS n FROM messages"
        " WHERE instr(from_addr, '@') > 0 GROUP BY d ORDER BY n DESC, d LIMIT ?1", error);
    if (!stmt)
        return FALSE;
    sqlite3_bind_int(stmt, 1, (int)limit);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        gint64 n = sqlite3_column_int64(stmt, 1);
        g_ptr_array_add(domains, ck_store_column_dup(stmt, 0));
        g_array_append_val(counts, n);
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) {
        ck_store_set_error(store, error, "counting sender domains");
        return FALSE;
    }
    return TRUE;
}

/* Bind the strings of LIST to ?FIRST, ?FIRST+1, … and return how many. */
static int bind_list(sqlite3_stmt *stmt, int first, const char *const *list)
{
    int n = 0;
    for (; list && list[n]; n++)
        ck_store_bind_text(stmt, first + n, list[n]);
    return n;
}

/* "?A, ?A+1, …" for N parameters, or "NULL" when N is 0. */
static char *placeholders(int first, int n)
{
    if (n == 0)
        return g_strdup("NULL");
    GString *s = g_string_new(NULL);
    for (int i = 0; i < n; i++)
        g_string_append_printf(s, "%s?%d", i ? ", " : "", first + i);
    return g_string_free(s, FALSE);
}

/* Number of strings in a NULL-terminated list (NULL: 0). */
static int list_length(const char *const *list)
{
    return list ? (int)g_strv_length((char **)list) : 0;
}

/* See store.h.  The statement depends on the list's length, so it is
 * prepared here rather than cached. */
gboolean ck_store_sender_names_in_domains(CkStore *store, const char *const *domains, GPtrArray *names,
                                          GError **error)
{
    char *in = placeholders(1, list_length(domains));
    char *sql = g_strdup_printf("SELECT DISTINCT from_name FROM messages WHERE from_name != ''"
                                " AND instr(from_addr, '@') > 0 AND " SENDER_DOMAIN " IN (%s)", in);
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(store->db, sql, -1, &stmt, NULL);
    if (rc == SQLITE_OK) {
        bind_list(stmt, 1, domains);
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
            g_ptr_array_add(names, ck_store_column_dup(stmt, 0));
    }
    if (rc != SQLITE_DONE)
        ck_store_set_error(store, error, "reading support names");
    sqlite3_finalize(stmt);
    g_free(sql);
    g_free(in);
    return rc == SQLITE_DONE;
}

/* See store.h. */
gboolean ck_store_mark_cases_with_senders(CkStore *store, const char *const *domains,
                                          const char *const *names, GError **error)
{
    int n_domains = list_length(domains), n_names = list_length(names);
    if (n_domains + n_names == 0)
        return TRUE;
    char *in_domains = placeholders(1, n_domains), *in_names = placeholders(1 + n_domains, n_names);
    char *sql = g_strdup_printf(
        "UPDATE cases SET dirty = 1 WHERE NOT dirty AND id IN (SELECT case_id FROM messages"
        " WHERE side != 'support' AND ((instr(from_addr, '@') > 0 AND " SENDER_DOMAIN " IN (%s))"
        " OR from_name IN (%s)))", in_domains, in_names);
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(store->db, sql, -1, &stmt, NULL);
    if (rc == SQLITE_OK) {
        bind_list(stmt, 1, domains);
        bind_list(stmt, 1 + n_domains, names);
        rc = sqlite3_step(stmt);
    }
    if (rc != SQLITE_DONE)
        ck_store_set_error(store, error, "marking cases for new support senders");
    sqlite3_finalize(stmt);
    g_free(sql);
    g_free(in_domains);
    g_free(in_names);
    return rc == SQLITE_DONE;
}

/* See store.h. */
gboolean ck_store_message_high_water(CkStore *store, gint64 *max_rowid, GError **error)
{
    sqlite3_stmt *stmt = ck_store_prepare(store, "SELECT coalesce(max(id), 0) FROM messages", error);
    if (!stmt)
        return FALSE;
    gboolean ok = sqlite3_step(stmt) == SQLITE_ROW;
    if (ok)
        *max_rowid = sqlite3_column_int64(stmt, 0);
    else
        ck_store_set_error(store, error, "reading the message count");
    sqlite3_reset(stmt);
    return ok;
}
