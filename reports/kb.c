/* kb.c — the knowledge base: cause articles, case pages, the index, and
 * writing them incrementally under a manifest of content hashes. */
#include "reports/kb.h"
#include "reports/summary.h"
#include "reports/output.h"
#include "reports/privacy.h"
#include "reports/timezone.h"
#include "store/resolution.h"
#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>

/* Longest quoted symptom or resolution, in characters. */
#define QUOTE_MAX_CHARS 240
/* Symptoms: most distinct texts shown, tracked, and case links per text. */
#define SYMPTOMS_MAX 8
#define SYMPTOMS_TRACKED 200
#define SYMPTOM_CASES_MAX 3
/* Most commands listed under "What resolved past cases". */
#define RESOLVED_MAX 10

/* One cause and the cases it fired on. */
typedef struct {
    JsonObject *cause;   /* the cause object of its first case (borrowed) */
    GPtrArray *docs;     /* JsonObject * of its cases, oldest first (borrowed) */
} CauseEntry;

/* The whole archive, indexed for the pages. */
typedef struct {
    const char *format;
    GPtrArray *docs;      /* JsonObject * of every case (borrowed) */
    GHashTable *causes;   /* cause id -> CauseEntry */
    GHashTable *codes;    /* error code -> GPtrArray of JsonObject * */
    GHashTable *vendors;  /* vendor -> GPtrArray of JsonObject * */
    GPtrArray *pages;     /* CkKbPage * */
} Kb;

/* Free a CkKbPage. */
static void page_free(gpointer data)
{
    CkKbPage *page = data;
    g_free(page->path);
    g_string_free(page->text, TRUE);
    g_free(page);
}

/* Free a CauseEntry. */
static void cause_entry_free(gpointer data)
{
    CauseEntry *entry = data;
    g_ptr_array_unref(entry->docs);
    g_free(entry);
}

/* The list under KEY in TABLE, created empty when absent. */
static GPtrArray *list_for(GHashTable *table, const char *key)
{
    GPtrArray *list = g_hash_table_lookup(table, key);
    if (!list) {
        list = g_ptr_array_new();
        g_hash_table_insert(table, g_strdup(key), list);
    }
    return list;
}

/* Index one case under its causes, error codes and vendor. */
static void kb_add_case(Kb *kb, JsonObject *doc)
{
    g_ptr_array_add(kb->docs, doc);
    JsonArray *causes = ck_json_get_array(doc, "causes");
    for (guint i = 0; causes && i < json_array_get_length(causes); i++) {
        JsonObject *cause = json_array_get_object_element(causes, i);
        const char *id = ck_json_str(cause, "id");
        CauseEntry *entry = g_hash_table_lookup(kb->causes, id);
        if (!entry) {
            entry = g_new0(CauseEntry, 1);
            entry->cause = cause;
            entry->docs = g_ptr_array_new();
            g_hash_table_insert(kb->causes, g_strdup(id), entry);
        }
        g_ptr_array_add(entry->docs, doc);
    }
    JsonArray *codes = ck_json_get_array(ck_json_get_object(doc, "entities"), "error_codes");
    for (guint i = 0; codes && i < json_array_get_length(codes); i++)
        g_ptr_array_add(list_for(kb->codes, json_array_get_string_element(codes, i)), doc);
    const char *vendor = ck_json_str(doc, "vendor");
    g_ptr_array_add(list_for(kb->vendors, *vendor ? vendor : "(unknown)"), doc);
}

/* Set up KB over DOCS; release with kb_clear(). */
static void kb_init(Kb *kb, JsonArray *docs, const char *format)
{
    kb->format = format;
    kb->docs = g_ptr_array_new();
    kb->causes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, cause_entry_free);
    kb->codes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
    kb->vendors = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
    kb->pages = g_ptr_array_new_with_free_func(page_free);
    for (guint i = 0; docs && i < json_array_get_length(docs); i++) {
        JsonObject *doc = json_array_get_object_element(docs, i);
        if (doc)
            kb_add_case(kb, doc);
    }
}

/* Free what kb_init() set up, except the pages (handed to the caller). */
static void kb_clear(Kb *kb)
{
    g_ptr_array_unref(kb->docs);
    g_hash_table_unref(kb->causes);
    g_hash_table_unref(kb->codes);
    g_hash_table_unref(kb->vendors);
}

/* Compare two strings through pointers to them (for qsort). */
static int compare_keys(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The keys of TABLE in byte order, NULL-terminated.  Caller frees the
 * array only (g_free); the keys belong to TABLE. */
static const char **sorted_keys(GHashTable *table)
{
    guint n = 0;
    const char **keys = (const char **)g_hash_table_get_keys_as_array(table, &n);
    qsort(keys, n, sizeof *keys, compare_keys);
    return keys;
}

/* HREF from a page at depth UP ("" for the index, "../" for the others) to
 * the page of ID in folder DIR ("cases" or "causes").  Caller frees. */
static char *page_href(const Kb *kb, const char *up, const char *dir, const char *id)
{
    char *slug = ck_page_slug(id);
    char *href = g_strdup_printf("%s%s/%s.%s", up, dir, slug, kb->format);
    g_free(slug);
    return href;
}

/* Append a page to KB with content TEXT at DIR/ID.ext (or PATH itself when
 * DIR is NULL), product keys masked. */
static void add_page(Kb *kb, const char *dir, const char *id, GString *text)
{
    CkKbPage *page = g_new0(CkKbPage, 1);
    char *slug = ck_page_slug(id);
    page->path = dir ? g_strdup_printf("%s/%s.%s", dir, slug, kb->format) : g_strdup_printf("%s.%s", id, kb->format);
    char *masked = ck_mask_product_keys(text->str);
    page->text = g_string_new(masked);
    g_free(masked);
    g_free(slug);
    g_string_free(text, TRUE);
    g_ptr_array_add(kb->pages, page);
}

/* Cell or text run of links to the cases in DOCS (from depth UP),
 * separated by commas. */
static void case_links(CkPage *page, const Kb *kb, const char *up, GPtrArray *docs)
{
    for (guint i = 0; i < docs->len; i++) {
        const char *id = ck_json_str(g_ptr_array_index(docs, i), "case_id");
        char *href = page_href(kb, up, "cases", id);
        if (i)
            page->ops->text(page, ", ");
        page->ops->link(page, href, id);
        g_free(href);
    }
}

/* A table cell with the opened time of DOC, as displayed times are. */
static void opened_cell(CkPage *page, JsonObject *doc)
{
    char *opened = ck_time_display(ck_json_str(doc, "opened"), FALSE);
    ck_page_cell(page, CK_BLOCK_CELL, opened, NULL);
    g_free(opened);
}

/* A navigation line back to the index (pages one folder down). */
static void nav_to_index(CkPage *page, const Kb *kb)
{
    char *href = g_strdup_printf("../index.%s", kb->format);
    page->ops->block_begin(page, CK_BLOCK_NAV);
    page->ops->link(page, href, "← Index 索引");
    page->ops->block_end(page, CK_BLOCK_NAV);
    g_free(href);
}

/* ---- cause articles ---- */

/* The cause ID among DOC's causes; NULL when absent. */
static JsonObject *doc_cause(JsonObject *doc, const char *id)
{
    JsonArray *causes = ck_json_get_array(doc, "causes");
    for (guint i = 0; causes && i < json_array_get_length(causes); i++) {
        JsonObject *cause = json_array_get_object_element(causes, i);
        if (!strcmp(ck_json_str(cause, "id"), id))
            return cause;
    }
    return NULL;
}

/* One distinct symptom: the text shown, its comparison key, the cases it
 * came from, and when it was first seen. */
typedef struct {
    char *text, *key;
    GPtrArray *docs;   /* JsonObject * (borrowed) */
    guint order;
} Symptom;

/* Free a Symptom. */
static void symptom_free(gpointer data)
{
    Symptom *s = data;
    g_free(s->text);
    g_free(s->key);
    g_ptr_array_unref(s->docs);
    g_free(s);
}

/* TRUE when the character at P ends a sentence (。！？；!?; a newline, or
 * '.' before white space or the end). */
static gboolean ends_sentence(const char *p)
{
    if (strchr("\n!?;", *p) && *p)
        return TRUE;
    if (*p == '.')
        return !p[1] || g_ascii_isspace(p[1]);
    return g_str_has_prefix(p, "。") || g_str_has_prefix(p, "！") || g_str_has_prefix(p, "？")
           || g_str_has_prefix(p, "；");
}

/* The sentence of BODY that holds QUOTE, or QUOTE itself when BODY does
 * not hold it.  Caller frees. */
static char *sentence_around(const char *body, const char *quote)
{
    const char *at = *quote ? strstr(body, quote) : NULL;
    if (!at)
        return g_strdup(quote);
    const char *start = at, *end = at + strlen(quote);
    while (start > body) {
        const char *prev = g_utf8_find_prev_char(body, start);
        if (ends_sentence(prev))
            break;
        start = prev;
    }
    while (*end && !ends_sentence(end))
        end = g_utf8_next_char(end);
    if (*end && *end != '\n')
        end = g_utf8_next_char(end);
    char *sentence = g_strndup(start, end - start);
    return g_strstrip(sentence);
}

/* The comparison key of a symptom TEXT: NFKC, case-folded, white space and
 * punctuation left out, each number as '#' and each host name as '@', so
 * texts that differ only in counts or hosts compare equal.  Caller frees. */
static char *symptom_key(const char *text)
{
    char *norm = g_utf8_normalize(text, -1, G_NORMALIZE_NFKC);
    char *folded = g_utf8_casefold(norm ? norm : "", -1);
    GString *key = g_string_new(NULL);
    for (const char *p = folded; *p;) {
        if (g_ascii_isalnum(*p)) {
            const char *e = p;
            gboolean dotted = FALSE, digits = TRUE;
            for (; g_ascii_isalnum(*e) || ((*e == '.' || *e == '-') && g_ascii_isalnum(e[1])); e++) {
                dotted |= *e == '.';
                digits &= g_ascii_isdigit(*e) || *e == '.';
            }
            if (digits || dotted)
                g_string_append_c(key, digits ? '#' : '@');
            else
                g_string_append_len(key, p, e - p);
            p = e;
            continue;
        }
        gunichar c = g_utf8_get_char(p);
        if (!g_unichar_isspace(c) && !g_unichar_ispunct(c))
            g_string_append_unichar(key, c);
        p = g_utf8_next_char(p);
    }
    g_free(folded);
    g_free(norm);
    return g_string_free(key, FALSE);
}

/* The gist of BODY without its lead-in lines (those ending in a colon,
 * "情况如下：", "Here is what we found:").  Caller frees. */
static char *symptom_gist(const char *body)
{
    char **lines = g_strsplit(body, "\n", -1);
    GString *kept = g_string_new(NULL);
    for (guint i = 0; lines[i]; i++) {
        g_strstrip(lines[i]);
        if (!g_str_has_suffix(lines[i], ":") && !g_str_has_suffix(lines[i], "："))
            g_string_append_printf(kept, "%s\n", lines[i]);
    }
    char *gist = ck_text_gist(kept->len ? kept->str : body, QUOTE_MAX_CHARS);
    g_string_free(kept, TRUE);
    g_strfreev(lines);
    return gist;
}

/* The symptom texts of DOC for cause ID: the sentences of its customer-side
 * evidence, else the gist of its first customer message.  Caller unrefs. */
static GPtrArray *case_symptoms(JsonObject *doc, const char *id)
{
    GPtrArray *texts = g_ptr_array_new_with_free_func(g_free);
    JsonArray *evidence = ck_json_get_array(doc_cause(doc, id), "evidence");
    for (guint i = 0; evidence && i < json_array_get_length(evidence); i++) {
        JsonObject *e = json_array_get_object_element(evidence, i);
        JsonObject *m = ck_case_message(doc, ck_json_int(e, "message"));
        if (!strcmp(ck_json_str(m, "side"), "customer") && *ck_json_str(e, "text"))
            g_ptr_array_add(texts, sentence_around(ck_json_str(m, "body"), ck_json_str(e, "text")));
    }
    JsonArray *messages = ck_json_get_array(doc, "messages");
    for (guint i = 0; !texts->len && messages && i < json_array_get_length(messages); i++) {
        JsonObject *m = json_array_get_object_element(messages, i);
        if (!strcmp(ck_json_str(m, "side"), "customer"))
            g_ptr_array_add(texts, symptom_gist(ck_json_str(m, "body")));
    }
    return texts;
}

/* The symptom of SYMPTOMS that TEXT (with KEY) repeats: the same key, or
 * one key holding the other; NULL when none. */
static Symptom *symptom_match(GPtrArray *symptoms, const char *key)
{
    for (guint i = 0; i < symptoms->len; i++) {
        Symptom *s = g_ptr_array_index(symptoms, i);
        if (!strcmp(s->key, key) || strstr(s->key, key) || strstr(key, s->key))
            return s;
    }
    return NULL;
}

/* Add TEXT of case DOC to SYMPTOMS: merged into the symptom it repeats
 * (the longer text kept), else a new one while fewer than
 * SYMPTOMS_TRACKED are held; *dropped counts the rest. */
static void symptom_add(GPtrArray *symptoms, JsonObject *doc, const char *text, guint *dropped)
{
    char *key = symptom_key(text);
    Symptom *s = *key ? symptom_match(symptoms, key) : NULL;
    if (!*key || (!s && symptoms->len >= SYMPTOMS_TRACKED)) {
        *dropped += *key != 0;
        g_free(key);
        return;
    }
    if (!s) {
        s = g_new0(Symptom, 1);
        *s = (Symptom){ g_strdup(text), key, g_ptr_array_new(), symptoms->len };
        g_ptr_array_add(symptoms, s);
    } else if (strlen(key) > strlen(s->key)) {
        g_free(s->text);
        g_free(s->key);
        s->text = g_strdup(text);
        s->key = key;
    } else
        g_free(key);
    if (!s->docs->len || g_ptr_array_index(s->docs, s->docs->len - 1) != doc)
        g_ptr_array_add(s->docs, doc);
}

/* Most cases first, then first seen. */
static gint compare_symptoms(gconstpointer a, gconstpointer b)
{
    const Symptom *x = *(Symptom *const *)a, *y = *(Symptom *const *)b;
    if (x->docs->len != y->docs->len)
        return x->docs->len > y->docs->len ? -1 : 1;
    return (x->order > y->order) - (x->order < y->order);
}

/* One symptom item: the text, then links to (some of) its cases. */
static void symptom_item(CkPage *page, const Kb *kb, Symptom *s)
{
    char *quoted = g_strdup_printf("“%s” — ", s->text);
    page->ops->block_begin(page, CK_BLOCK_ITEM);
    page->ops->text(page, quoted);
    for (guint i = 0; i < s->docs->len && i < SYMPTOM_CASES_MAX; i++) {
        const char *case_id = ck_json_str(g_ptr_array_index(s->docs, i), "case_id");
        char *href = page_href(kb, "../", "cases", case_id);
        if (i)
            page->ops->text(page, ", ");
        page->ops->link(page, href, case_id);
        g_free(href);
    }
    if (s->docs->len > SYMPTOM_CASES_MAX) {
        char *more = g_strdup_printf(" and %u more", s->docs->len - SYMPTOM_CASES_MAX);
        page->ops->text(page, more);
        g_free(more);
    }
    page->ops->block_end(page, CK_BLOCK_ITEM);
    g_free(quoted);
}

/* Symptoms as customers wrote them: distinct texts (repeats and texts
 * held in a longer one merged), most frequent first, at most SYMPTOMS_MAX. */
static void write_symptoms(CkPage *page, const Kb *kb, const char *id, CauseEntry *entry)
{
    GPtrArray *symptoms = g_ptr_array_new_with_free_func(symptom_free);
    guint dropped = 0;
    for (guint d = 0; d < entry->docs->len; d++) {
        JsonObject *doc = g_ptr_array_index(entry->docs, d);
        GPtrArray *texts = case_symptoms(doc, id);
        for (guint i = 0; i < texts->len; i++)
            symptom_add(symptoms, doc, g_ptr_array_index(texts, i), &dropped);
        g_ptr_array_unref(texts);
    }
    g_ptr_array_sort(symptoms, compare_symptoms);
    ck_page_heading(page, 2, "Symptoms as customers wrote them 客户描述的症状");
    if (symptoms->len)
        page->ops->block_begin(page, CK_BLOCK_LIST);
    for (guint i = 0; i < symptoms->len && i < SYMPTOMS_MAX; i++)
        symptom_item(page, kb, g_ptr_array_index(symptoms, i));
    if (symptoms->len)
        page->ops->block_end(page, CK_BLOCK_LIST);
    else
        ck_page_paragraph(page, CK_BLOCK_NOTE, "No customer-side text in these cases.");
    guint hidden = dropped + (symptoms->len > SYMPTOMS_MAX ? symptoms->len - SYMPTOMS_MAX : 0);
    if (hidden) {
        char *note = g_strdup_printf("%u more distinct symptom texts not shown.", hidden);
        ck_page_paragraph(page, CK_BLOCK_NOTE, note);
        g_free(note);
    }
    g_ptr_array_unref(symptoms);
}

/* Add the distinct strings of entity KIND over DOCS to LIST (in order of
 * first appearance; strings borrowed). */
static void collect_entities(GPtrArray *docs, const char *kind, GPtrArray *list)
{
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint d = 0; d < docs->len; d++) {
        JsonArray *values = ck_json_get_array(ck_json_get_object(g_ptr_array_index(docs, d), "entities"), kind);
        for (guint i = 0; values && i < json_array_get_length(values); i++) {
            const char *v = json_array_get_string_element(values, i);
            if (v && g_hash_table_add(seen, (gpointer)v))
                g_ptr_array_add(list, (gpointer)v);
        }
    }
    g_hash_table_unref(seen);
}

/* Error codes and commands seen in the cases, as code. */
static void write_seen(CkPage *page, CauseEntry *entry)
{
    const char *const kinds[][2] = { { "error_codes", "Error codes 错误代码" }, { "commands", "Commands 命令" } };
    ck_page_heading(page, 2, "Error codes and commands seen 出现的错误代码和命令");
    page->ops->block_begin(page, CK_BLOCK_LIST);
    for (guint k = 0; k < G_N_ELEMENTS(kinds); k++) {
        GPtrArray *values = g_ptr_array_new();
        collect_entities(entry->docs, kinds[k][0], values);
        page->ops->block_begin(page, CK_BLOCK_ITEM);
        page->ops->strong(page, kinds[k][1]);
        page->ops->text(page, ":");
        for (guint i = 0; i < values->len; i++) {
            page->ops->text(page, i ? ", " : " ");
            page->ops->code(page, g_ptr_array_index(values, i));
        }
        if (values->len == 0)
            page->ops->text(page, " none");
        page->ops->block_end(page, CK_BLOCK_ITEM);
        g_ptr_array_unref(values);
    }
    page->ops->block_end(page, CK_BLOCK_LIST);
}

/* The distinct checklist items of cause ID over DOCS (by item id, in the
 * order of the first case that has them).  Caller unrefs (items borrowed). */
static GPtrArray *fix_steps(GPtrArray *docs, const char *id)
{
    GPtrArray *steps = g_ptr_array_new();
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint d = 0; d < docs->len; d++) {
        JsonArray *checklist = ck_json_get_array(g_ptr_array_index(docs, d), "checklist");
        for (guint i = 0; checklist && i < json_array_get_length(checklist); i++) {
            JsonObject *item = json_array_get_object_element(checklist, i);
            if (!strcmp(ck_json_str(item, "cause"), id) && g_hash_table_add(seen, (gpointer)ck_json_str(item, "id")))
                g_ptr_array_add(steps, item);
        }
    }
    g_hash_table_unref(seen);
    return steps;
}

/* One fix step: title (and English title), why, and its command. */
static void step_item(CkPage *page, JsonObject *item)
{
    page->ops->block_begin(page, CK_BLOCK_ITEM);
    page->ops->strong(page, ck_json_str(item, "title"));
    const char *title_en = ck_json_str(item, "title_en");
    if (*title_en) {
        page->ops->text(page, " / ");
        page->ops->text(page, title_en);
    }
    char *why = g_strdup_printf(" (%s) — %s ", ck_json_str(item, "kind"), ck_json_str(item, "why"));
    page->ops->text(page, why);
    const char *command = ck_json_str(item, "command");
    if (*command) {
        page->ops->text(page, "Command: ");
        page->ops->code(page, command);
    }
    page->ops->block_end(page, CK_BLOCK_ITEM);
    g_free(why);
}

/* A command the resolved cases used: its program and options, a full
 * example, in how many cases, and when it was first seen. */
typedef struct {
    char *key, *example;
    guint cases, order;
} UsedCommand;

/* Free a UsedCommand. */
static void used_command_free(gpointer data)
{
    UsedCommand *u = data;
    g_free(u->key);
    g_free(u->example);
    g_free(u);
}

/* Most cases first, then first seen. */
static gint compare_used(gconstpointer a, gconstpointer b)
{
    const UsedCommand *x = *(UsedCommand *const *)a, *y = *(UsedCommand *const *)b;
    return x->cases != y->cases ? (x->cases > y->cases ? -1 : 1) : (x->order > y->order) - (x->order < y->order);
}

/* COMMAND as program and options, values after ':' dropped
 * ("slmgr /skms kms.example.cn:1688" -> "slmgr /skms").  Caller frees. */
static char *command_key(const char *command)
{
    char **words = g_strsplit(command, " ", -1);
    GString *key = g_string_new(words[0]);
    for (guint i = 1; words[0] && words[i]; i++) {
        if (words[i][0] != '/' && words[i][0] != '-')
            continue;
        const char *colon = strchr(words[i], ':');
        g_string_append_c(key, ' ');
        g_string_append_len(key, words[i], colon ? colon - words[i] : (gssize)strlen(words[i]));
    }
    g_strfreev(words);
    return g_string_free(key, FALSE);
}

/* The commands of the resolving replies of the closed cases among DOCS,
 * counted once per case, most used first, as UsedCommand *; *closed gets
 * the number of closed cases.  Caller unrefs. */
static GPtrArray *resolved_commands(GPtrArray *docs, guint *closed)
{
    GPtrArray *used = g_ptr_array_new_with_free_func(used_command_free);
    GHashTable *by_key = g_hash_table_new(g_str_hash, g_str_equal);
    *closed = 0;
    for (guint d = 0; d < docs->len; d++) {
        JsonObject *doc = g_ptr_array_index(docs, d);
        if (strcmp(ck_json_str(doc, "status"), "closed"))
            continue;
        ++*closed;
        GPtrArray *commands = ck_case_resolution_commands(doc);
        GHashTable *in_case = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        for (guint i = 0; i < commands->len; i++) {
            char *key = command_key(g_ptr_array_index(commands, i));
            UsedCommand *u = g_hash_table_lookup(by_key, key);
            if (!u) {
                u = g_new0(UsedCommand, 1);
                *u = (UsedCommand){ g_strdup(key), g_strdup(g_ptr_array_index(commands, i)), 0, used->len };
                g_ptr_array_add(used, u);
                g_hash_table_insert(by_key, u->key, u);
            }
            if (g_hash_table_contains(in_case, key))
                g_free(key);
            else {
                g_hash_table_add(in_case, key);
                u->cases++;
            }
        }
        g_hash_table_unref(in_case);
        g_ptr_array_unref(commands);
    }
    g_hash_table_unref(by_key);
    g_ptr_array_sort(used, compare_used);
    return used;
}

/* What resolved the closed cases among DOCS: each command of their
 * resolving replies with the number of cases that used it. */
static void write_resolved_commands(CkPage *page, GPtrArray *docs)
{
    guint closed = 0;
    GPtrArray *used = resolved_commands(docs, &closed);
    ck_page_heading(page, 3, "What resolved past cases 已解决案例的做法");
    if (used->len)
        page->ops->block_begin(page, CK_BLOCK_LIST);
    for (guint i = 0; i < used->len && i < RESOLVED_MAX; i++) {
        UsedCommand *u = g_ptr_array_index(used, i);
        page->ops->block_begin(page, CK_BLOCK_ITEM);
        page->ops->code(page, u->key);
        char *count = g_strdup_printf(" — used in %u of %u resolved cases", u->cases, closed);
        page->ops->text(page, count);
        g_free(count);
        if (strcmp(u->key, u->example)) {
            page->ops->text(page, " (e.g. ");
            page->ops->code(page, u->example);
            page->ops->text(page, ")");
        }
        page->ops->block_end(page, CK_BLOCK_ITEM);
    }
    if (used->len)
        page->ops->block_end(page, CK_BLOCK_LIST);
    else
        ck_page_paragraph(page, CK_BLOCK_NOTE, closed ? "No resolved case of this cause recorded a command."
                                                      : "No case of this cause is closed yet.");
    g_ptr_array_unref(used);
}

/* Fix steps: what resolved past cases, then the rule's checklist items
 * with their commands; and pitfalls (their do_not warnings, each once). */
static void write_fix(CkPage *page, GPtrArray *docs, const char *id)
{
    GPtrArray *steps = fix_steps(docs, id);
    GPtrArray *pitfalls = g_ptr_array_new();
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    ck_page_heading(page, 2, "Fix steps 处理步骤");
    write_resolved_commands(page, docs);
    ck_page_heading(page, 3, "Rule checklist 规则的处理步骤");
    if (steps->len)
        page->ops->block_begin(page, CK_BLOCK_LIST);
    for (guint i = 0; i < steps->len; i++) {
        JsonObject *item = g_ptr_array_index(steps, i);
        step_item(page, item);
        JsonArray *do_not = ck_json_get_array(item, "do_not");
        for (guint k = 0; do_not && k < json_array_get_length(do_not); k++) {
            const char *warning = json_array_get_string_element(do_not, k);
            if (warning && g_hash_table_add(seen, (gpointer)warning))
                g_ptr_array_add(pitfalls, (gpointer)warning);
        }
    }
    if (steps->len)
        page->ops->block_end(page, CK_BLOCK_LIST);
    else
        ck_page_paragraph(page, CK_BLOCK_NOTE, "No checklist for this cause yet.");
    ck_page_heading(page, 2, "Pitfalls 注意事项");
    if (pitfalls->len)
        page->ops->block_begin(page, CK_BLOCK_LIST);
    for (guint i = 0; i < pitfalls->len; i++)
        ck_page_item(page, NULL, g_ptr_array_index(pitfalls, i));
    if (pitfalls->len)
        page->ops->block_end(page, CK_BLOCK_LIST);
    else
        ck_page_paragraph(page, CK_BLOCK_NOTE, "None recorded.");
    g_hash_table_unref(seen);
    g_ptr_array_unref(pitfalls);
    g_ptr_array_unref(steps);
}

/* How DOC was resolved (store/resolution.h), labelled with where it came
 * from and cut to a gist; "not recorded" when nothing says.  Caller frees. */
static char *resolution(JsonObject *doc)
{
    CkResolution r;
    ck_case_resolution(doc, &r);
    char *gist = ck_text_gist(r.text, QUOTE_MAX_CHARS);
    char *text;
    if (!strcmp(r.from, "conclusion"))
        text = g_strdup_printf("Conclusion: %s", gist);
    else if (!strcmp(r.from, "analysis"))
        text = g_strdup_printf("Analysis: %s", gist);
    else if (!strcmp(r.from, "support_steps"))
        text = g_strdup_printf("Steps from support (message %" G_GINT64_FORMAT "): %s", r.message, gist);
    else
        text = g_strdup("not recorded");
    g_free(gist);
    ck_resolution_clear(&r);
    return text;
}

/* The cases a cause came from: link, opened, customer, status, resolution. */
static void write_cause_cases(CkPage *page, const Kb *kb, GPtrArray *docs)
{
    ck_page_heading(page, 2, "Cases 案例");
    ck_page_table_begin(page, (const char *const[]){ "Case", "Opened", "Customer", "Status", "Resolution", NULL });
    for (guint i = 0; i < docs->len; i++) {
        JsonObject *doc = g_ptr_array_index(docs, i);
        char *href = page_href(kb, "../", "cases", ck_json_str(doc, "case_id"));
        char *resolved = resolution(doc);
        page->ops->block_begin(page, CK_BLOCK_ROW);
        ck_page_cell(page, CK_BLOCK_CELL, ck_json_str(doc, "case_id"), href);
        opened_cell(page, doc);
        ck_page_cell(page, CK_BLOCK_CELL, ck_json_str(doc, "customer"), NULL);
        ck_page_cell(page, CK_BLOCK_CELL, ck_json_str(doc, "status"), NULL);
        ck_page_cell(page, CK_BLOCK_CELL, resolved, NULL);
        page->ops->block_end(page, CK_BLOCK_ROW);
        g_free(resolved);
        g_free(href);
    }
    page->ops->block_end(page, CK_BLOCK_TABLE);
}

/* Add the article of cause ID. */
static void add_cause_article(Kb *kb, const char *id, CauseEntry *entry)
{
    GString *out = g_string_new(NULL);
    CkPage page;
    ck_page_init(&page, kb->format, out);
    char *title = g_strdup_printf("%s — %s", ck_json_str(entry->cause, "title"), ck_json_str(entry->cause, "title_en"));
    page.ops->begin(&page, title);
    nav_to_index(&page, kb);
    page.ops->block_begin(&page, CK_BLOCK_PARAGRAPH);
    page.ops->code(&page, id);
    char *line = g_strdup_printf(" · category %s · %u case(s)", ck_json_str(entry->cause, "category"),
                                 entry->docs->len);
    page.ops->text(&page, line);
    page.ops->block_end(&page, CK_BLOCK_PARAGRAPH);
    write_symptoms(&page, kb, id, entry);
    write_seen(&page, entry);
    write_fix(&page, entry->docs, id);
    write_cause_cases(&page, kb, entry->docs);
    page.ops->end(&page);
    add_page(kb, "causes", id, out);
    g_free(line);
    g_free(title);
}

/* ---- case pages and the index ---- */

/* Add the page of case DOC: navigation, then its summary with cause
 * names linking to their articles. */
static void add_case_page(Kb *kb, JsonObject *doc)
{
    JsonNode *node = json_node_init_object(json_node_alloc(), doc);
    JsonNode *summary = ck_summary_build(node);
    GString *out = g_string_new(NULL);
    CkPage page;
    ck_page_init(&page, kb->format, out);
    char *title = g_strdup_printf("%s — %s", ck_json_str(doc, "case_id"), ck_json_str(doc, "title"));
    page.ops->begin(&page, title);
    nav_to_index(&page, kb);
    ck_summary_write(&page, summary, "../causes/");
    page.ops->end(&page);
    add_page(kb, "cases", ck_json_str(doc, "case_id"), out);
    g_free(title);
    json_node_unref(summary);
    json_node_unref(node);
}

/* Index section: one row per cause with its article, id, category, cases. */
static void write_index_causes(CkPage *page, Kb *kb)
{
    const char **ids = sorted_keys(kb->causes);
    ck_page_heading(page, 2, "By cause 按原因");
    ck_page_table_begin(page, (const char *const[]){ "Cause", "ID", "Category", "Cases", NULL });
    for (guint i = 0; ids[i]; i++) {
        CauseEntry *entry = g_hash_table_lookup(kb->causes, ids[i]);
        char *href = page_href(kb, "", "causes", ids[i]);
        page->ops->block_begin(page, CK_BLOCK_ROW);
        ck_page_cell(page, CK_BLOCK_CELL, ck_json_str(entry->cause, "title"), href);
        ck_page_cell(page, CK_BLOCK_CELL, ids[i], NULL);
        ck_page_cell(page, CK_BLOCK_CELL, ck_json_str(entry->cause, "category"), NULL);
        page->ops->block_begin(page, CK_BLOCK_CELL);
        case_links(page, kb, "", entry->docs);
        page->ops->block_end(page, CK_BLOCK_CELL);
        page->ops->block_end(page, CK_BLOCK_ROW);
        g_free(href);
    }
    page->ops->block_end(page, CK_BLOCK_TABLE);
    g_free(ids);
}

/* Links to the articles of the causes of DOCS, each once. */
static void cause_links(CkPage *page, Kb *kb, GPtrArray *docs)
{
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint d = 0; d < docs->len; d++) {
        JsonArray *causes = ck_json_get_array(g_ptr_array_index(docs, d), "causes");
        for (guint i = 0; causes && i < json_array_get_length(causes); i++) {
            const char *id = ck_json_str(json_array_get_object_element(causes, i), "id");
            if (!g_hash_table_add(seen, (gpointer)id))
                continue;
            char *href = page_href(kb, "", "causes", id);
            if (g_hash_table_size(seen) > 1)
                page->ops->text(page, ", ");
            page->ops->link(page, href, id);
            g_free(href);
        }
    }
    g_hash_table_unref(seen);
}

/* An index section: one row per key of TABLE (key -> cases) with the
 * causes of its cases and the cases, under HEADING. */
static void write_index_group(CkPage *page, Kb *kb, GHashTable *table, const char *heading, const char *key_name)
{
    const char **keys = sorted_keys(table);
    ck_page_heading(page, 2, heading);
    ck_page_table_begin(page, (const char *const[]){ key_name, "Causes", "Cases", NULL });
    for (guint i = 0; keys[i]; i++) {
        GPtrArray *docs = g_hash_table_lookup(table, keys[i]);
        page->ops->block_begin(page, CK_BLOCK_ROW);
        ck_page_cell(page, CK_BLOCK_CELL, keys[i], NULL);
        page->ops->block_begin(page, CK_BLOCK_CELL);
        cause_links(page, kb, docs);
        page->ops->block_end(page, CK_BLOCK_CELL);
        page->ops->block_begin(page, CK_BLOCK_CELL);
        case_links(page, kb, "", docs);
        page->ops->block_end(page, CK_BLOCK_CELL);
        page->ops->block_end(page, CK_BLOCK_ROW);
    }
    page->ops->block_end(page, CK_BLOCK_TABLE);
    g_free(keys);
}

/* Index section: every case with its page, opened, status, customer,
 * causes and title. */
static void write_index_cases(CkPage *page, Kb *kb)
{
    ck_page_heading(page, 2, "All cases 全部案例");
    ck_page_table_begin(page, (const char *const[]){ "Case", "Opened", "Status", "Customer", "Causes", "Title",
                                                     NULL });
    for (guint i = 0; i < kb->docs->len; i++) {
        JsonObject *doc = g_ptr_array_index(kb->docs, i);
        GPtrArray *one = g_ptr_array_new();
        g_ptr_array_add(one, doc);
        char *href = page_href(kb, "", "cases", ck_json_str(doc, "case_id"));
        page->ops->block_begin(page, CK_BLOCK_ROW);
        ck_page_cell(page, CK_BLOCK_CELL, ck_json_str(doc, "case_id"), href);
        opened_cell(page, doc);
        ck_page_cell(page, CK_BLOCK_CELL, ck_json_str(doc, "status"), NULL);
        ck_page_cell(page, CK_BLOCK_CELL, ck_json_str(doc, "customer"), NULL);
        page->ops->block_begin(page, CK_BLOCK_CELL);
        cause_links(page, kb, one);
        page->ops->block_end(page, CK_BLOCK_CELL);
        ck_page_cell(page, CK_BLOCK_CELL, ck_json_str(doc, "title"), NULL);
        page->ops->block_end(page, CK_BLOCK_ROW);
        g_free(href);
        g_ptr_array_unref(one);
    }
    page->ops->block_end(page, CK_BLOCK_TABLE);
}

/* Add the index page. */
static void add_index(Kb *kb)
{
    GString *out = g_string_new(NULL);
    CkPage page;
    ck_page_init(&page, kb->format, out);
    page.ops->begin(&page, "Knowledge base 知识库");
    char *note = g_strdup_printf("%u cases, %u causes. One article per cause, one page per case.", kb->docs->len,
                                 g_hash_table_size(kb->causes));
    ck_page_paragraph(&page, CK_BLOCK_NOTE, note);
    write_index_causes(&page, kb);
    write_index_group(&page, kb, kb->codes, "By error code 按错误代码", "Error code");
    write_index_group(&page, kb, kb->vendors, "By product (vendor) 按产品（厂商）", "Vendor");
    write_index_cases(&page, kb);
    page.ops->end(&page);
    add_page(kb, NULL, "index", out);
    g_free(note);
}

/* See kb.h. */
GPtrArray *ck_kb_pages(JsonArray *docs, const char *format)
{
    Kb kb;
    kb_init(&kb, docs, g_strcmp0(format, "md") == 0 ? "md" : "html");
    add_index(&kb);
    const char **ids = sorted_keys(kb.causes);
    for (guint i = 0; ids[i]; i++)
        add_cause_article(&kb, ids[i], g_hash_table_lookup(kb.causes, ids[i]));
    g_free(ids);
    for (guint i = 0; i < kb.docs->len; i++)
        add_case_page(&kb, g_ptr_array_index(kb.docs, i));
    GPtrArray *pages = kb.pages;
    kb_clear(&kb);
    return pages;
}

/* ---- writing under the manifest ---- */

/* The page hashes of the manifest at PATH (relative path -> SHA-256 hex,
 * owned strings); empty when it is missing or unreadable. */
static GHashTable *manifest_load(const char *path)
{
    GHashTable *hashes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    JsonParser *parser = json_parser_new();
    if (json_parser_load_from_file(parser, path, NULL)) {
        JsonNode *root = json_parser_get_root(parser);
        JsonObject *pages = root && JSON_NODE_HOLDS_OBJECT(root)
                            ? ck_json_get_object(json_node_get_object(root), "pages") : NULL;
        GList *names = pages ? json_object_get_members(pages) : NULL;
        for (GList *l = names; l; l = l->next)
            g_hash_table_insert(hashes, g_strdup(l->data), g_strdup(ck_json_str(pages, l->data)));
        g_list_free(names);
    }
    g_object_unref(parser);
    return hashes;
}

/* Write the manifest for PAGES (with their HASHES, same order) to PATH. */
static gboolean manifest_save(const char *path, const char *format, GPtrArray *pages, GPtrArray *hashes,
                              GError **error)
{
    JsonBuilder *b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "format");
    json_builder_add_string_value(b, format);
    json_builder_set_member_name(b, "pages");
    json_builder_begin_object(b);
    for (guint i = 0; i < pages->len; i++) {
        json_builder_set_member_name(b, ((CkKbPage *)g_ptr_array_index(pages, i))->path);
        json_builder_add_string_value(b, g_ptr_array_index(hashes, i));
    }
    json_builder_end_object(b);
    json_builder_end_object(b);
    JsonNode *root = json_builder_get_root(b);
    GString *text = ck_json_text(root);
    gboolean ok = ck_output_save(path, NULL, text->str, text->len, error);
    g_string_free(text, TRUE);
    json_node_unref(root);
    g_object_unref(b);
    return ok;
}

/* TRUE when PATH (from a manifest) stays inside the folder: relative, no
 * ".." part. */
static gboolean inside_folder(const char *path)
{
    if (!*path || g_path_is_absolute(path))
        return FALSE;
    char **parts = g_strsplit(path, "/", -1);
    gboolean inside = TRUE;
    for (guint i = 0; parts[i]; i++)
        inside &= strcmp(parts[i], "..") != 0;
    g_strfreev(parts);
    return inside;
}

/* Write PAGE under DIR unless OLD_HASH equals HASH and the file is there. */
static gboolean sync_page(const char *dir, CkKbPage *page, const char *hash, const char *old_hash,
                          CkKbStats *stats, GError **error)
{
    char *file = g_build_filename(dir, page->path, NULL);
    char *folder = g_path_get_dirname(file);
    gboolean ok = TRUE;
    if (old_hash && !strcmp(old_hash, hash) && g_file_test(file, G_FILE_TEST_IS_REGULAR))
        stats->unchanged++;
    else if (g_mkdir_with_parents(folder, 0755) != 0) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot create %s: %s", folder,
                    g_strerror(errno));
        ok = FALSE;
    } else if ((ok = ck_output_save(file, NULL, page->text->str, page->text->len, error)))
        stats->written++;
    g_free(folder);
    g_free(file);
    return ok;
}

/* Remove the pages listed in OLD (a loaded manifest) that are no longer in
 * NEW_PATHS. */
static void remove_stale(const char *dir, GHashTable *old, GHashTable *new_paths, CkKbStats *stats)
{
    GHashTableIter iter;
    gpointer path;
    g_hash_table_iter_init(&iter, old);
    while (g_hash_table_iter_next(&iter, &path, NULL)) {
        if (g_hash_table_contains(new_paths, path) || !inside_folder(path))
            continue;
        char *file = g_build_filename(dir, path, NULL);
        if (g_unlink(file) == 0)
            stats->removed++;
        g_free(file);
    }
}

/* See kb.h. */
gboolean ck_kb_write(const char *dir, const char *format, JsonArray *docs, CkKbStats *stats, GError **error)
{
    *stats = (CkKbStats){ 0 };
    if (g_mkdir_with_parents(dir, 0755) != 0) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot create %s: %s", dir,
                    g_strerror(errno));
        return FALSE;
    }
    char *manifest = g_build_filename(dir, CK_KB_MANIFEST, NULL);
    GHashTable *old = manifest_load(manifest);
    GHashTable *new_paths = g_hash_table_new(g_str_hash, g_str_equal);
    GPtrArray *pages = ck_kb_pages(docs, format);
    GPtrArray *hashes = g_ptr_array_new_with_free_func(g_free);
    gboolean ok = TRUE;
    for (guint i = 0; ok && i < pages->len; i++) {
        CkKbPage *page = g_ptr_array_index(pages, i);
        char *hash = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)page->text->str,
                                                 page->text->len);
        g_ptr_array_add(hashes, hash);
        g_hash_table_add(new_paths, page->path);
        ok = sync_page(dir, page, hash, g_hash_table_lookup(old, page->path), stats, error);
        stats->articles += g_str_has_prefix(page->path, "causes/");
    }
    stats->pages = pages->len;
    if (ok) {
        remove_stale(dir, old, new_paths, stats);
        ok = manifest_save(manifest, format, pages, hashes, error);
    }
    g_ptr_array_unref(hashes);
    g_ptr_array_unref(pages);
    g_hash_table_unref(new_paths);
    g_hash_table_unref(old);
    g_free(manifest);
    return ok;
}
