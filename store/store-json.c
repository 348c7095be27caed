/* store-json.c — the show --json case document and the cases --json list. */
#include "store/store-private.h"

static const char *const ENTITY_KEYS[] = {
    "case_ids", "serial_numbers", "product_keys", "partial_keys", "error_codes",
    "commands", "phones", "emails", "urls",
};
static const char *const SECTION_KEYS[] = { "problem", "analysis", "conclusion" };

/* Add "name": ISO-8601 time (or "" when 0) to the builder. */
static void add_time(JsonBuilder *b, const char *name, gint64 t)
{
    char *iso = ck_time_iso(t);
    json_builder_set_member_name(b, name);
    json_builder_add_string_value(b, iso);
    g_free(iso);
}

/* Add "name": "value" to the builder. */
static void add_string(JsonBuilder *b, const char *name, const char *value)
{
    json_builder_set_member_name(b, name);
    json_builder_add_string_value(b, value ? value : "");
}

/* Add a JSON array of the strings in LIST. */
static void add_string_array(JsonBuilder *b, const char *name, GPtrArray *list)
{
    json_builder_set_member_name(b, name);
    json_builder_begin_array(b);
    for (guint i = 0; list && i < list->len; i++)
        json_builder_add_string_value(b, g_ptr_array_index(list, i));
    json_builder_end_array(b);
}

/* Add "attachments": [{name, type, size, text}] of message M. */
static void add_attachments(JsonBuilder *b, const CkMessage *m)
{
    json_builder_set_member_name(b, "attachments");
    json_builder_begin_array(b);
    for (guint i = 0; i < m->attachments->len; i++) {
        const CkAttachment *att = g_ptr_array_index(m->attachments, i);
        json_builder_begin_object(b);
        add_string(b, "name", att->name);
        add_string(b, "type", att->type);
        json_builder_set_member_name(b, "size");
        json_builder_add_int_value(b, att->size);
        add_string(b, "text", att->text);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
}

/* Add one message object of the case document. */
static void add_message(JsonBuilder *b, int index, const CkStoredMessage *sm)
{
    const CkMessage *m = sm->msg;
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "index");
    json_builder_add_int_value(b, index);
    add_string(b, "message_id", m->message_id);
    add_string(b, "from", m->from_name[0] ? m->from_name : m->from_addr);
    add_string(b, "from_addr", m->from_addr);
    add_string(b, "side", sm->side);
    add_time(b, "date", m->date);
    add_string(b, "subject", m->subject);
    add_string(b, "joined_by", sm->joined_by);
    char *source = g_strdup_printf("%s:%" G_GINT64_FORMAT, m->source_path, m->source_offset);
    add_string(b, "source", source);
    g_free(source);
    add_string(b, "body", m->body);
    add_string(b, "quoted", m->quoted);
    add_string(b, "signature", m->signature);
    add_string(b, "forwarded", m->forwarded);
    add_attachments(b, m);
    add_string_array(b, "warnings", m->warnings);
    json_builder_end_object(b);
}

/* Row of the cases table with the columns the documents need. */
typedef struct {
    char *key, *title, *severity, *vendor, *stage, *customer, *status, *analysis;
    gint64 opened, closed, n_messages;
} CaseRow;

/* Free the strings of a CaseRow. */
static void case_row_clear(CaseRow *row)
{
    char **fields[] = { &row->key, &row->title, &row->severity, &row->vendor, &row->stage,
                        &row->customer, &row->status, &row->analysis };
    for (guint i = 0; i < G_N_ELEMENTS(fields); i++)
        g_clear_pointer(fields[i], g_free);
}

#define CASE_COLUMNS "c.id, case_key, title, severity, vendor, stage, customer, status, opened," \
    " closed, coalesce(analysis, ''), (SELECT count(*) FROM messages m WHERE m.case_id = c.id)"

/* Fill ROW from a statement selecting CASE_COLUMNS. */
static void case_row_read(sqlite3_stmt *stmt, CaseRow *row)
{
    char **fields[] = { &row->key, &row->title, &row->severity, &row->vendor, &row->stage,
                        &row->customer, &row->status };
    for (guint i = 0; i < G_N_ELEMENTS(fields); i++)
        *fields[i] = ck_store_column_dup(stmt, 1 + (int)i);
    row->opened = sqlite3_column_int64(stmt, 8);
    row->closed = sqlite3_column_int64(stmt, 9);
    row->analysis = ck_store_column_dup(stmt, 10);
    row->n_messages = sqlite3_column_int64(stmt, 11);
}

/* Read one case row; FALSE with CK_STORE_ERROR_NOT_FOUND when absent. */
static gboolean case_row_load(CkStore *store, gint64 case_rowid, CaseRow *row, GError **error)
{
    sqlite3_stmt *stmt = ck_store_prepare(store, "SELECT " CASE_COLUMNS " FROM cases c WHERE id = ?1",
                                          error);
    if (!stmt)
        return FALSE;
    sqlite3_bind_int64(stmt, 1, case_rowid);
    gboolean found = sqlite3_step(stmt) == SQLITE_ROW;
    if (found)
        case_row_read(stmt, row);
    else
        g_set_error(error, CK_STORE_ERROR, CK_STORE_ERROR_NOT_FOUND, "no such case");
    sqlite3_reset(stmt);
    return found;
}

/* The aliases of a case, sorted; caller unrefs. */
static GPtrArray *case_aliases(CkStore *store, gint64 case_rowid)
{
    GPtrArray *list = g_ptr_array_new_with_free_func(g_free);
    sqlite3_stmt *stmt = ck_store_prepare(store,
        "SELECT alias FROM case_aliases WHERE case_id = ?1 ORDER BY alias", NULL);
    if (!stmt)
        return list;
    sqlite3_bind_int64(stmt, 1, case_rowid);
    while (sqlite3_step(stmt) == SQLITE_ROW)
        g_ptr_array_add(list, ck_store_column_dup(stmt, 0));
    sqlite3_reset(stmt);
    return list;
}

/* Add the header fields shared by the document and the list; ALIASES
 * (may be NULL: left out) follow the case id. */
static void add_case_header(JsonBuilder *b, const CaseRow *row, GPtrArray *aliases)
{
    add_string(b, "case_id", row->key);
    if (aliases)
        add_string_array(b, "aliases", aliases);
    add_string(b, "title", row->title);
    add_string(b, "severity", row->severity);
    add_string(b, "vendor", row->vendor);
    add_string(b, "stage", row->stage);
    add_string(b, "customer", row->customer);
    add_string(b, "status", row->status);
    add_time(b, "opened", row->opened);
    add_time(b, "closed", g_strcmp0(row->status, "closed") == 0 ? row->closed : 0);
}

/* Add an object member with empty arrays (or strings) under KEYS. */
static void add_empty_object(JsonBuilder *b, const char *name, const char *const *keys, guint n,
                             gboolean arrays)
{
    json_builder_set_member_name(b, name);
    json_builder_begin_object(b);
    for (guint i = 0; i < n; i++) {
        json_builder_set_member_name(b, keys[i]);
        if (arrays) {
            json_builder_begin_array(b);
            json_builder_end_array(b);
        } else {
            json_builder_add_string_value(b, "");
        }
    }
    json_builder_end_object(b);
}

/* Add the analyzer's members (entities, sections, causes, checklist, and
 * any others it wrote) or, without an analysis, the contract's empty ones. */
static void add_analysis(CkStore *store, JsonBuilder *b, const char *analysis_json)
{
    JsonNode *node = ck_store_analysis_unpack(store, analysis_json);
    JsonObject *object = node && JSON_NODE_HOLDS_OBJECT(node) ? json_node_get_object(node) : NULL;
    const char *const fixed[] = { "entities", "sections", "causes", "checklist", NULL };
    for (guint i = 0; fixed[i]; i++) {
        if (object && json_object_has_member(object, fixed[i])) {
            json_builder_set_member_name(b, fixed[i]);
            json_builder_add_value(b, json_node_copy(json_object_get_member(object, fixed[i])));
        } else if (i == 0) {
            add_empty_object(b, fixed[i], ENTITY_KEYS, G_N_ELEMENTS(ENTITY_KEYS), TRUE);
        } else if (i == 1) {
            add_empty_object(b, fixed[i], SECTION_KEYS, G_N_ELEMENTS(SECTION_KEYS), FALSE);
        } else {
            json_builder_set_member_name(b, fixed[i]);
            json_builder_begin_array(b);
            json_builder_end_array(b);
        }
    }
    GList *members = object ? json_object_get_members(object) : NULL;
    for (GList *l = members; l; l = l->next) {
        if (g_strv_contains(fixed, l->data))
            continue;
        json_builder_set_member_name(b, l->data);
        json_builder_add_value(b, json_node_copy(json_object_get_member(object, l->data)));
    }
    g_list_free(members);
    if (node)
        json_node_unref(node);
}

/* See store.h. */
JsonNode *ck_store_case_document(CkStore *store, gint64 case_rowid, GError **error)
{
    CaseRow row = { 0 };
    if (!case_row_load(store, case_rowid, &row, error))
        return NULL;
    GPtrArray *messages = ck_store_case_messages(store, case_rowid, error);
    if (!messages) {
        case_row_clear(&row);
        return NULL;
    }
    JsonBuilder *b = json_builder_new();
    json_builder_begin_object(b);
    GPtrArray *aliases = case_aliases(store, case_rowid);
    add_case_header(b, &row, aliases);
    g_ptr_array_unref(aliases);
    json_builder_set_member_name(b, "messages");
    json_builder_begin_array(b);
    for (guint i = 0; i < messages->len; i++)
        add_message(b, (int)i + 1, g_ptr_array_index(messages, i));
    json_builder_end_array(b);
    add_analysis(store, b, row.analysis);
    json_builder_end_object(b);
    JsonNode *doc = json_builder_get_root(b);
    g_object_unref(b);
    g_ptr_array_unref(messages);
    case_row_clear(&row);
    return doc;
}

/* Add the cause ids of a case (highest score first) as "causes". */
static void add_cause_ids(CkStore *store, JsonBuilder *b, gint64 case_rowid)
{
    json_builder_set_member_name(b, "causes");
    json_builder_begin_array(b);
    sqlite3_stmt *stmt = ck_store_prepare(store,
        "SELECT cause_id FROM case_causes WHERE case_id = ?1 ORDER BY score DESC, cause_id", NULL);
    if (stmt) {
        sqlite3_bind_int64(stmt, 1, case_rowid);
        while (sqlite3_step(stmt) == SQLITE_ROW)
            json_builder_add_string_value(b, (const char *)sqlite3_column_text(stmt, 0));
        sqlite3_reset(stmt);
    }
    json_builder_end_array(b);
}

/* The cases a CkCaseFilter selects, with their last message's side and
 * date; parameters ?1..?8 as bound by bind_case_filter(). */
#define FILTERED_CASES \
    "SELECT * FROM (SELECT " CASE_COLUMNS "," \
    " (SELECT side FROM messages m WHERE m.case_id = c.id ORDER BY date DESC, id DESC LIMIT 1) AS last_side," \
    " (SELECT max(date) FROM messages m WHERE m.case_id = c.id) AS updated FROM cases c) f" \
    " WHERE (?1 IS NULL OR status = ?1)" \
    " AND (?2 IS NULL OR severity = ?2 COLLATE NOCASE)" \
    " AND (?3 IS NULL OR vendor = ?3 COLLATE NOCASE)" \
    " AND (?4 IS NULL OR EXISTS (SELECT 1 FROM json_each(?4) n WHERE instr(lower(customer), lower(n.value)) > 0))" \
    " AND (?5 IS NULL OR EXISTS (SELECT 1 FROM case_causes cc WHERE cc.case_id = f.id" \
    "      AND (cc.cause_id = ?5 OR substr(cc.cause_id, 1, length(?5) + 1) = ?5 || '.')))" \
    " AND (?6 IS NULL OR (status = 'open' AND last_side = ?6))" \
    " AND (?7 IS NULL OR opened >= ?7) AND (?8 IS NULL OR opened <= ?8)"

/* ORDER BY clauses of the CkCaseSort values, then LIMIT/OFFSET ?9, ?10. */
static const char *const CASE_LIST_SQL[] = {
    [CK_CASE_SORT_OPENED] = FILTERED_CASES " ORDER BY opened, id LIMIT ?9 OFFSET ?10",
    [CK_CASE_SORT_NEWEST] = FILTERED_CASES " ORDER BY opened DESC, id DESC LIMIT ?9 OFFSET ?10",
    [CK_CASE_SORT_UPDATED] = FILTERED_CASES " ORDER BY updated DESC, id DESC LIMIT ?9 OFFSET ?10",
    [CK_CASE_SORT_MESSAGES] = FILTERED_CASES " ORDER BY 12 DESC, opened, id LIMIT ?9 OFFSET ?10",
};

/* Bind a text parameter, or NULL when VALUE is NULL or empty. */
static void bind_optional_text(sqlite3_stmt *stmt, int index, const char *value)
{
    if (value && *value)
        ck_store_bind_text(stmt, index, value);
    else
        sqlite3_bind_null(stmt, index);
}

/* Bind an integer parameter when SET, else NULL. */
static void bind_optional_int(sqlite3_stmt *stmt, int index, gboolean set, gint64 value)
{
    if (set)
        sqlite3_bind_int64(stmt, index, value);
    else
        sqlite3_bind_null(stmt, index);
}

/* The customer names F accepts as a JSON array (customer_names, else
 * customer), or NULL when it accepts every customer.  Caller g_free()s. */
static char *customer_names_json(const CkCaseFilter *f)
{
    if (!f->customer_names && !(f->customer && *f->customer))
        return NULL;
    JsonArray *names = json_array_new();
    for (guint i = 0; f->customer_names && i < f->customer_names->len; i++)
        json_array_add_string_element(names, g_ptr_array_index(f->customer_names, i));
    if (!f->customer_names)
        json_array_add_string_element(names, f->customer);
    JsonNode *node = json_node_init_array(json_node_alloc(), names);
    char *text = json_to_string(node, FALSE);
    json_node_unref(node);
    json_array_unref(names);
    return text;
}

/* Bind ?1..?8 of FILTERED_CASES from F (NULL: every case). */
static void bind_case_filter(sqlite3_stmt *stmt, const CkCaseFilter *f)
{
    static const CkCaseFilter all = { 0 };
    if (!f)
        f = &all;
    const char *waiting_side = !f->waiting_on ? NULL
                             : g_strcmp0(f->waiting_on, "us") == 0 ? "customer" : "support";
    g_autofree char *customers = customer_names_json(f);
    const char *texts[] = { f->status, f->severity, f->vendor, customers, f->cause, waiting_side };
    for (int i = 0; i < (int)G_N_ELEMENTS(texts); i++)
        bind_optional_text(stmt, i + 1, texts[i]);
    bind_optional_int(stmt, 7, f->has_since, f->since);
    bind_optional_int(stmt, 8, f->has_until, f->until);
}

/* Add one list entry for the row STMT is on (CASE_COLUMNS, last_side,
 * updated), with the case's cause ids. */
static void add_case_list_entry(CkStore *store, JsonBuilder *b, sqlite3_stmt *stmt)
{
    CaseRow row = { 0 };
    case_row_read(stmt, &row);
    json_builder_begin_object(b);
    add_case_header(b, &row, NULL);
    json_builder_set_member_name(b, "messages");
    json_builder_add_int_value(b, row.n_messages);
    char *last_side = ck_store_column_dup(stmt, 12);
    add_string(b, "last_side", last_side);
    g_free(last_side);
    add_time(b, "updated", sqlite3_column_int64(stmt, 13));
    add_cause_ids(store, b, sqlite3_column_int64(stmt, 0));   /* another statement: safe while this one steps */
    case_row_clear(&row);
    json_builder_end_object(b);
}

/* See store.h. */
JsonNode *ck_store_case_list(CkStore *store, const CkCaseFilter *filter, GError **error)
{
    CkCaseSort sort = filter && filter->sort < G_N_ELEMENTS(CASE_LIST_SQL) ? filter->sort : CK_CASE_SORT_OPENED;
    sqlite3_stmt *stmt = ck_store_prepare(store, CASE_LIST_SQL[sort], error);
    if (!stmt)
        return NULL;
    bind_case_filter(stmt, filter);
    sqlite3_bind_int64(stmt, 9, filter && filter->limit > 0 ? filter->limit : -1);
    sqlite3_bind_int64(stmt, 10, filter && filter->offset > 0 ? filter->offset : 0);
    JsonBuilder *b = json_builder_new();
    json_builder_begin_array(b);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
        add_case_list_entry(store, b, stmt);
    sqlite3_reset(stmt);
    json_builder_end_array(b);
    JsonNode *list = json_builder_get_root(b);
    g_object_unref(b);
    if (rc != SQLITE_DONE) {
        ck_store_set_error(store, error, "listing cases");
        json_node_unref(list);
        return NULL;
    }
    return list;
}

/* See store.h. */
gboolean ck_store_case_count(CkStore *store, const CkCaseFilter *filter, gint64 *count, GError **error)
{
    sqlite3_stmt *stmt = ck_store_prepare(store, "SELECT count(*) FROM (" FILTERED_CASES ")", error);
    if (!stmt)
        return FALSE;
    bind_case_filter(stmt, filter);
    gboolean ok = sqlite3_step(stmt) == SQLITE_ROW;
    *count = ok ? sqlite3_column_int64(stmt, 0) : 0;
    sqlite3_reset(stmt);
    if (!ok)
        ck_store_set_error(store, error, "counting cases");
    return ok;
}
