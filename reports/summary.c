/* summary.c — the one-page case summary, and the helpers the report,
 * knowledge base and export share. */
#include "reports/summary.h"
#include "reports/output.h"
#include "reports/privacy.h"
#include "reports/timezone.h"
#include <string.h>

/* Longest excerpt of a message used for problem / analysis / conclusion. */
#define STORY_MAX_CHARS 1500
/* Length of a timeline gist. */
#define GIST_MAX_CHARS 90

/* ---- shared helpers ---- */



/* See summary.h. */
JsonNode *ck_json_deep_copy(JsonNode *node)
{
    if (JSON_NODE_HOLDS_OBJECT(node)) {
        JsonObject *from = json_node_get_object(node), *to = json_object_new();
        GList *names = json_object_get_members(from);
        for (GList *l = names; l; l = l->next)
            json_object_set_member(to, l->data, ck_json_deep_copy(json_object_get_member(from, l->data)));
        g_list_free(names);
        JsonNode *copy = json_node_new(JSON_NODE_OBJECT);
        json_node_take_object(copy, to);
        return copy;
    }
    if (JSON_NODE_HOLDS_ARRAY(node)) {
        JsonArray *from = json_node_get_array(node), *to = json_array_sized_new(json_array_get_length(from));
        for (guint i = 0; i < json_array_get_length(from); i++)
            json_array_add_element(to, ck_json_deep_copy(json_array_get_element(from, i)));
        JsonNode *copy = json_node_new(JSON_NODE_ARRAY);
        json_node_take_array(copy, to);
        return copy;
    }
    if (!JSON_NODE_HOLDS_VALUE(node))
        return json_node_copy(node);
    GValue value = G_VALUE_INIT;   /* a new value: json_node_copy() shares it with NODE */
    json_node_get_value(node, &value);
    JsonNode *copy = json_node_init(json_node_alloc(), JSON_NODE_VALUE);
    json_node_set_value(copy, &value);
    g_value_unset(&value);
    return copy;
}

/* See summary.h. */
gboolean ck_iso_to_unix(const char *iso, gint64 *unix_time)
{
    if (!iso || !*iso)
        return FALSE;
    GTimeZone *utc = g_time_zone_new_utc();
    GDateTime *dt = g_date_time_new_from_iso8601(iso, utc);
    g_time_zone_unref(utc);
    if (!dt)
        return FALSE;
    *unix_time = g_date_time_to_unix(dt);
    g_date_time_unref(dt);
    return TRUE;
}

/* See summary.h. */
char *ck_duration_text(gint64 seconds)
{
    gint64 s = seconds < 0 ? 0 : seconds;
    gint64 days = s / 86400, hours = s % 86400 / 3600, minutes = s % 3600 / 60;
    if (days > 0)
        return hours ? g_strdup_printf("%" G_GINT64_FORMAT " d %" G_GINT64_FORMAT " h", days, hours)
                     : g_strdup_printf("%" G_GINT64_FORMAT " d", days);
    if (hours > 0)
        return minutes ? g_strdup_printf("%" G_GINT64_FORMAT " h %" G_GINT64_FORMAT " min", hours, minutes)
                       : g_strdup_printf("%" G_GINT64_FORMAT " h", hours);
    if (minutes > 0)
        return g_strdup_printf("%" G_GINT64_FORMAT " min", minutes);
    return g_strdup_printf("%" G_GINT64_FORMAT " s", s);
}

/* Date of message M in Unix seconds; FALSE when it has none. */
static gboolean message_time(JsonObject *m, gint64 *when)
{
    return ck_iso_to_unix(ck_json_str(m, "date"), when);
}

/* See summary.h.  Messages are in date order in the document. */
gboolean ck_case_first_response(JsonObject *doc, gint64 *seconds)
{
    JsonArray *messages = ck_json_get_array(doc, "messages");
    gint64 asked = 0;
    gboolean have_question = FALSE;
    for (guint i = 0; messages && i < json_array_get_length(messages); i++) {
        JsonObject *m = json_array_get_object_element(messages, i);
        const char *side = ck_json_str(m, "side");
        gint64 when;
        if (!message_time(m, &when))
            continue;
        if (!have_question && !strcmp(side, "customer")) {
            asked = when;
            have_question = TRUE;
        } else if (have_question && !strcmp(side, "support") && when >= asked) {
            *seconds = when - asked;
            return TRUE;
        }
    }
    return FALSE;
}

/* See summary.h. */
gboolean ck_case_time_to_close(JsonObject *doc, gint64 *seconds)
{
    gint64 opened, closed;
    if (strcmp(ck_json_str(doc, "status"), "closed") || !ck_iso_to_unix(ck_json_str(doc, "opened"), &opened)
        || !ck_iso_to_unix(ck_json_str(doc, "closed"), &closed) || closed < opened)
        return FALSE;
    *seconds = closed - opened;
    return TRUE;
}

/* TRUE when LINE (stripped) only greets: "Hi Ji Qiang，", "张工 您好！". */
static gboolean is_greeting(const char *line)
{
    glong length = g_utf8_strlen(line, -1);
    if (length > 40)
        return FALSE;
    if (g_ascii_strncasecmp(line, "hi", 2) == 0 && (line[2] == ' ' || line[2] == ',' || !line[2]))
        return TRUE;
    if (g_ascii_strncasecmp(line, "hello", 5) == 0 || g_ascii_strncasecmp(line, "dear ", 5) == 0)
        return TRUE;
    return length <= 20 && (strstr(line, "您好") || strstr(line, "你好"));
}

/* Append LINE to GIST with runs of white space as one space. */
static void append_squeezed(GString *gist, const char *line)
{
    gboolean space = gist->len > 0;
    for (const char *p = line; *p; p++) {
        if (g_ascii_isspace(*p)) {
            space = TRUE;
            continue;
        }
        if (space && gist->len)
            g_string_append_c(gist, ' ');
        space = FALSE;
        g_string_append_c(gist, *p);
    }
}

/* See summary.h. */
char *ck_text_gist(const char *body, guint max_chars)
{
    char *masked = ck_mask_product_keys(body);   /* before lines are joined and cut */
    char **lines = g_strsplit(masked, "\n", -1);
    g_free(masked);
    GString *gist = g_string_new(NULL);
    for (guint i = 0; lines[i] && (guint)g_utf8_strlen(gist->str, -1) < max_chars; i++) {
        char *line = g_strstrip(lines[i]);
        if (!*line || (gist->len == 0 && is_greeting(line)))
            continue;
        append_squeezed(gist, line);
    }
    g_strfreev(lines);
    char *cut = ck_mask_and_cut(gist->str, max_chars);
    g_string_free(gist, TRUE);
    return cut;
}

/* See summary.h. */
char *ck_page_slug(const char *id)
{
    GString *slug = g_string_new(NULL);
    for (const char *p = id ? id : ""; *p; p++)
        g_string_append_c(slug, g_ascii_isalnum(*p) || strchr(".-_", *p) ? *p : '_');
    if (slug->len == 0 || slug->str[0] == '.')
        g_string_prepend_c(slug, '_');
    return g_string_free(slug, FALSE);
}

/* See summary.h. */
gboolean ck_output_save(const char *path, FILE *stdout_file, const char *text, gsize length, GError **error)
{
    if (!path) {
        if (fwrite(text, 1, length, stdout_file) == length && fflush(stdout_file) == 0)
            return TRUE;
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_IO, "standard output: write failed");
        return FALSE;
    }
    GError *local = NULL;
    if (g_file_set_contents(path, text, (gssize)length, &local))
        return TRUE;
    g_set_error(error, local->domain, local->code, "cannot write %s: %s", path, local->message);
    g_error_free(local);
    return FALSE;
}

/* ---- building a summary ---- */

/* See summary.h. */
void ck_json_add_duration(JsonBuilder *b, const char *member, gboolean known, gint64 seconds)
{
    json_builder_set_member_name(b, member);
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "seconds");
    if (known)
        json_builder_add_int_value(b, seconds);
    else
        json_builder_add_null_value(b);
    char *text = known ? ck_duration_text(seconds) : g_strdup("");
    json_builder_set_member_name(b, "text");
    json_builder_add_string_value(b, text);
    g_free(text);
    json_builder_end_object(b);
}

/* Add NAME: VALUE. */
static void add_string(JsonBuilder *b, const char *name, const char *value)
{
    json_builder_set_member_name(b, name);
    json_builder_add_string_value(b, value ? value : "");
}

/* Add a copy of DOC's member NAME (or an empty array when absent). */
static void add_copy(JsonBuilder *b, JsonObject *doc, const char *name)
{
    JsonNode *node = json_object_get_member(doc, name);
    json_builder_set_member_name(b, name);
    if (node)
        json_builder_add_value(b, ck_json_deep_copy(node));
    else {
        json_builder_begin_array(b);
        json_builder_end_array(b);
    }
}

/* See summary.h. */
JsonObject *ck_case_message(JsonObject *doc, gint64 index)
{
    JsonArray *messages = ck_json_get_array(doc, "messages");
    for (guint i = 0; messages && i < json_array_get_length(messages); i++) {
        JsonObject *m = json_array_get_object_element(messages, i);
        if (ck_json_int(m, "index") == index)
            return m;
    }
    return NULL;
}

/* Add timeline: one {index, date, from, side, gist} per message. */
static void add_timeline(JsonBuilder *b, JsonObject *doc)
{
    JsonArray *messages = ck_json_get_array(doc, "messages");
    json_builder_set_member_name(b, "timeline");
    json_builder_begin_array(b);
    for (guint i = 0; messages && i < json_array_get_length(messages); i++) {
        JsonObject *m = json_array_get_object_element(messages, i);
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "index");
        json_builder_add_int_value(b, ck_json_int(m, "index"));
        add_string(b, "date", ck_json_str(m, "date"));
        add_string(b, "from", ck_json_str(m, "from"));
        add_string(b, "side", ck_json_str(m, "side"));
        char *gist = ck_text_gist(ck_json_str(m, "body"), GIST_MAX_CHARS);
        add_string(b, "gist", gist);
        g_free(gist);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
}

/* Add NAME: {text, source}. */
static void add_story(JsonBuilder *b, const char *name, const char *text, const char *source)
{
    json_builder_set_member_name(b, name);
    json_builder_begin_object(b);
    add_string(b, "text", text);
    add_string(b, "source", text && *text ? source : "");
    json_builder_end_object(b);
}

/* Add NAME from message M (an excerpt of its new text, source "message N
 * (side, sender)"), or empty when M is NULL. */
static void add_story_from_message(JsonBuilder *b, const char *name, JsonObject *m)
{
    if (!m) {
        add_story(b, name, "", "");
        return;
    }
    char *stripped = g_strstrip(g_strdup(ck_json_str(m, "body")));
    char *text = ck_mask_and_cut(stripped, STORY_MAX_CHARS);
    char *source = g_strdup_printf("message %" G_GINT64_FORMAT " (%s, %s)", ck_json_int(m, "index"),
                                   ck_json_str(m, "side"), ck_json_str(m, "from"));
    add_story(b, name, text, source);
    g_free(source);
    g_free(text);
    g_free(stripped);
}

/* The first message on SIDE, or the longest one when LONGEST; with SIDE
 * NULL any side.  NULL when none. */
static JsonObject *pick_message(JsonObject *doc, const char *side, gboolean longest)
{
    JsonArray *messages = ck_json_get_array(doc, "messages");
    JsonObject *best = NULL;
    for (guint i = 0; messages && i < json_array_get_length(messages); i++) {
        JsonObject *m = json_array_get_object_element(messages, i);
        if (side && strcmp(ck_json_str(m, "side"), side))
            continue;
        if (!longest)
            return m;
        if (!best || strlen(ck_json_str(m, "body")) > strlen(ck_json_str(best, "body")))
            best = m;
    }
    return best;
}

/* The last message of DOC; NULL when it has none. */
static JsonObject *last_message(JsonObject *doc)
{
    JsonArray *messages = ck_json_get_array(doc, "messages");
    guint n = messages ? json_array_get_length(messages) : 0;
    return n ? json_array_get_object_element(messages, n - 1) : NULL;
}

/* Add problem, analysis, conclusion: the structured sections when the
 * thread has them, else the first customer message (the first message
 * when no customer wrote), the longest support message, the last message. */
static void add_stories(JsonBuilder *b, JsonObject *doc)
{
    JsonObject *sections = ck_json_get_object(doc, "sections");
    const char *problem = ck_json_str(sections, "problem"), *definition = ck_json_str(sections, "definition");
    if (*problem)
        add_story(b, "problem", problem, "sections.problem");
    else if (*definition)
        add_story(b, "problem", definition, "sections.definition");
    else {
        JsonObject *first = pick_message(doc, "customer", FALSE);
        add_story_from_message(b, "problem", first ? first : pick_message(doc, NULL, FALSE));
    }
    const char *analysis = ck_json_str(sections, "analysis");
    if (*analysis)
        add_story(b, "analysis", analysis, "sections.analysis");
    else
        add_story_from_message(b, "analysis", pick_message(doc, "support", TRUE));
    const char *conclusion = ck_json_str(sections, "conclusion");
    if (*conclusion)
        add_story(b, "conclusion", conclusion, "sections.conclusion");
    else
        add_story_from_message(b, "conclusion", last_message(doc));
}

/* Add one cause: id, titles, category, score, and its evidence with the
 * side of the message each piece came from. */
static void add_cause(JsonBuilder *b, JsonObject *doc, JsonObject *cause)
{
    json_builder_begin_object(b);
    const char *const names[] = { "id", "title", "title_en", "category" };
    for (guint i = 0; i < G_N_ELEMENTS(names); i++)
        add_string(b, names[i], ck_json_str(cause, names[i]));
    json_builder_set_member_name(b, "score");
    JsonNode *score = json_object_get_member(cause, "score");
    json_builder_add_double_value(b, score && JSON_NODE_HOLDS_VALUE(score) ? json_node_get_double(score) : 0);
    JsonArray *evidence = ck_json_get_array(cause, "evidence");
    json_builder_set_member_name(b, "evidence");
    json_builder_begin_array(b);
    for (guint i = 0; evidence && i < json_array_get_length(evidence); i++) {
        JsonObject *e = json_array_get_object_element(evidence, i);
        gint64 index = ck_json_int(e, "message");
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "message");
        json_builder_add_int_value(b, index);
        add_string(b, "side", ck_json_str(ck_case_message(doc, index), "side"));
        add_string(b, "text", ck_json_str(e, "text"));
        add_string(b, "signal", ck_json_str(e, "signal"));
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
}

/* Add causes (see add_cause) and open_requests (requests not answered). */
static void add_causes_and_requests(JsonBuilder *b, JsonObject *doc)
{
    JsonArray *causes = ck_json_get_array(doc, "causes");
    json_builder_set_member_name(b, "causes");
    json_builder_begin_array(b);
    for (guint i = 0; causes && i < json_array_get_length(causes); i++)
        add_cause(b, doc, json_array_get_object_element(causes, i));
    json_builder_end_array(b);
    JsonArray *requests = ck_json_get_array(doc, "requests");
    json_builder_set_member_name(b, "open_requests");
    json_builder_begin_array(b);
    for (guint i = 0; requests && i < json_array_get_length(requests); i++) {
        JsonObject *r = json_array_get_object_element(requests, i);
        JsonNode *answered = json_object_get_member(r, "answered");
        if (answered && JSON_NODE_HOLDS_VALUE(answered) && json_node_get_boolean(answered))
            continue;
        gint64 index = ck_json_int(r, "message");
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "message");
        json_builder_add_int_value(b, index);
        add_string(b, "side", ck_json_str(ck_case_message(doc, index), "side"));
        add_string(b, "text", ck_json_str(r, "text"));
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
}

/* See summary.h. */
JsonNode *ck_summary_build(JsonNode *doc_node)
{
    JsonObject *doc = json_node_get_object(doc_node);
    JsonBuilder *b = json_builder_new();
    json_builder_begin_object(b);
    const char *const fields[] = { "case_id", "title", "customer", "vendor", "severity", "stage", "status",
                                   "opened", "closed" };
    for (guint i = 0; i < G_N_ELEMENTS(fields); i++)
        add_string(b, fields[i], ck_json_str(doc, fields[i]));
    add_copy(b, doc, "aliases");
    gint64 seconds = 0;
    gboolean known = ck_case_first_response(doc, &seconds);
    ck_json_add_duration(b, "first_response", known, seconds);
    known = ck_case_time_to_close(doc, &seconds);
    ck_json_add_duration(b, "time_to_close", known, seconds);
    add_timeline(b, doc);
    add_stories(b, doc);
    add_copy(b, doc, "entities");
    add_causes_and_requests(b, doc);
    json_builder_end_object(b);
    JsonNode *summary = json_builder_get_root(b);
    g_object_unref(b);
    ck_json_mask_product_keys(summary);
    return summary;
}

/* ---- the page writer shorthands ---- */

/* See summary.h. */
void ck_page_init(CkPage *page, const char *format, GString *out)
{
    gboolean md = g_strcmp0(format, "md") == 0;
    *page = (CkPage){ .ops = md ? ck_page_ops_md() : ck_page_ops_html(), .out = out,
                      .link_extension = md ? ".md" : ".html" };
}

/* See summary.h. */
void ck_page_heading(CkPage *page, int level, const char *text)
{
    page->ops->heading(page, level, text, NULL);
}

/* See summary.h. */
void ck_page_paragraph(CkPage *page, CkBlock kind, const char *text)
{
    page->ops->block_begin(page, kind);
    page->ops->text(page, text);
    page->ops->block_end(page, kind);
}

/* See summary.h. */
void ck_page_cell(CkPage *page, CkBlock kind, const char *text, const char *href)
{
    page->ops->block_begin(page, kind);
    if (href)
        page->ops->link(page, href, text);
    else
        page->ops->text(page, text && *text ? text : "—");
    page->ops->block_end(page, kind);
}

/* See summary.h. */
void ck_page_table_begin(CkPage *page, const char *const *headings)
{
    page->ops->block_begin(page, CK_BLOCK_TABLE);
    page->ops->block_begin(page, CK_BLOCK_ROW);
    for (guint i = 0; headings[i]; i++)
        ck_page_cell(page, CK_BLOCK_HEAD_CELL, headings[i], NULL);
    page->ops->block_end(page, CK_BLOCK_ROW);
}

/* See summary.h. */
void ck_page_item(CkPage *page, const char *label, const char *text)
{
    page->ops->block_begin(page, CK_BLOCK_ITEM);
    if (label) {
        page->ops->strong(page, label);
        page->ops->text(page, " ");
    }
    page->ops->text(page, text);
    page->ops->block_end(page, CK_BLOCK_ITEM);
}

/* ---- rendering a summary ---- */

/* Entity kinds in the order and with the names the summary shows them. */
static const char *const ENTITY_KINDS[][2] = {
    { "error_codes", "Error codes" }, { "commands", "Commands" }, { "case_ids", "Case IDs" },
    { "serial_numbers", "Serial numbers" }, { "product_keys", "Product keys" },
    { "partial_keys", "Partial keys" }, { "hosts", "Hosts" }, { "urls", "URLs" },
    { "emails", "Emails" }, { "phones", "Phones" },
};

/* One metadata row: LABEL | VALUE. */
static void meta_row(CkPage *page, const char *label, const char *value)
{
    page->ops->block_begin(page, CK_BLOCK_ROW);
    ck_page_cell(page, CK_BLOCK_HEAD_CELL, label, NULL);
    ck_page_cell(page, CK_BLOCK_CELL, value, NULL);
    page->ops->block_end(page, CK_BLOCK_ROW);
}

/* The text of duration member NAME, or "n/a". */
static const char *duration_or_na(JsonObject *s, const char *name)
{
    const char *text = ck_json_str(ck_json_get_object(s, name), "text");
    return *text ? text : "n/a";
}

/* The metadata table. */
static void write_metadata(CkPage *page, JsonObject *s)
{
    JsonArray *aliases = ck_json_get_array(s, "aliases");
    GString *joined = g_string_new(NULL);
    for (guint i = 0; aliases && i < json_array_get_length(aliases); i++)
        g_string_append_printf(joined, "%s%s", i ? ", " : "", json_array_get_string_element(aliases, i));
    ck_page_table_begin(page, (const char *const[]){ "Field", "Value", NULL });
    const char *const rows[][2] = {
        { "Case ID", "case_id" }, { "Customer", "customer" }, { "Vendor", "vendor" },
        { "Severity", "severity" }, { "Stage", "stage" }, { "Status", "status" },
        { "Opened", "opened" }, { "Closed", "closed" },
    };
    meta_row(page, rows[0][0], ck_json_str(s, rows[0][1]));
    meta_row(page, "Aliases", joined->str);
    for (guint i = 1; i < G_N_ELEMENTS(rows); i++) {
        gboolean is_time = i >= G_N_ELEMENTS(rows) - 2;
        char *value = is_time ? ck_time_display(ck_json_str(s, rows[i][1]), FALSE) : NULL;
        meta_row(page, rows[i][0], is_time ? value : ck_json_str(s, rows[i][1]));
        g_free(value);
    }
    meta_row(page, "Time to first response", duration_or_na(s, "first_response"));
    meta_row(page, "Time to close", duration_or_na(s, "time_to_close"));
    page->ops->block_end(page, CK_BLOCK_TABLE);
    g_string_free(joined, TRUE);
}

/* The timeline table: #, date, side, sender, gist. */
static void write_timeline(CkPage *page, JsonObject *s)
{
    JsonArray *timeline = ck_json_get_array(s, "timeline");
    ck_page_heading(page, 2, "Timeline 时间线");
    ck_page_table_begin(page, (const char *const[]){ "#", "Date", "Side", "From", "Gist", NULL });
    for (guint i = 0; timeline && i < json_array_get_length(timeline); i++) {
        JsonObject *t = json_array_get_object_element(timeline, i);
        char *index = g_strdup_printf("%" G_GINT64_FORMAT, ck_json_int(t, "index"));
        page->ops->block_begin(page, CK_BLOCK_ROW);
        ck_page_cell(page, CK_BLOCK_NUM_CELL, index, NULL);
        char *date = ck_time_display(ck_json_str(t, "date"), FALSE);
        ck_page_cell(page, CK_BLOCK_CELL, date, NULL);
        g_free(date);
        const char *const members[] = { "side", "from", "gist" };
        for (guint k = 0; k < G_N_ELEMENTS(members); k++)
            ck_page_cell(page, CK_BLOCK_CELL, ck_json_str(t, members[k]), NULL);
        page->ops->block_end(page, CK_BLOCK_ROW);
        g_free(index);
    }
    page->ops->block_end(page, CK_BLOCK_TABLE);
}

/* Problem / analysis / conclusion, each quoted with where it came from. */
static void write_stories(CkPage *page, JsonObject *s)
{
    const char *const parts[][2] = {
        { "problem", "Problem 问题" }, { "analysis", "Analysis 分析" }, { "conclusion", "Conclusion 结论" },
    };
    for (guint i = 0; i < G_N_ELEMENTS(parts); i++) {
        JsonObject *story = ck_json_get_object(s, parts[i][0]);
        ck_page_heading(page, 2, parts[i][1]);
        if (!*ck_json_str(story, "text")) {
            ck_page_paragraph(page, CK_BLOCK_NOTE, "Not found in the thread.");
            continue;
        }
        char *from = g_strdup_printf("From %s:", ck_json_str(story, "source"));
        ck_page_paragraph(page, CK_BLOCK_NOTE, from);
        page->ops->quote(page, ck_json_str(story, "text"));
        g_free(from);
    }
}

/* Entities: one list item per kind that has values, values as code. */
static void write_entities(CkPage *page, JsonObject *s)
{
    JsonObject *entities = ck_json_get_object(s, "entities");
    ck_page_heading(page, 2, "Entities 关键信息");
    gboolean any = FALSE;
    for (guint k = 0; k < G_N_ELEMENTS(ENTITY_KINDS); k++) {
        JsonArray *values = ck_json_get_array(entities, ENTITY_KINDS[k][0]);
        guint n = values ? json_array_get_length(values) : 0;
        if (n == 0)
            continue;
        if (!any)
            page->ops->block_begin(page, CK_BLOCK_LIST);
        any = TRUE;
        page->ops->block_begin(page, CK_BLOCK_ITEM);
        page->ops->strong(page, ENTITY_KINDS[k][1]);
        for (guint i = 0; i < n; i++) {
            page->ops->text(page, i ? ", " : ": ");
            page->ops->code(page, json_array_get_string_element(values, i));
        }
        page->ops->block_end(page, CK_BLOCK_ITEM);
    }
    if (any)
        page->ops->block_end(page, CK_BLOCK_LIST);
    else
        ck_page_paragraph(page, CK_BLOCK_NOTE, "None found.");
}

/* One cause: heading, id/category/score line (with a link to its article
 * when CAUSE_DIR is set), and the evidence quoted with its message. */
static void write_cause(CkPage *page, JsonObject *cause, const char *cause_dir)
{
    const char *id = ck_json_str(cause, "id");
    char *heading = g_strdup_printf("%s — %s", ck_json_str(cause, "title"), ck_json_str(cause, "title_en"));
    ck_page_heading(page, 3, heading);
    char score[32];
    g_ascii_formatd(score, sizeof score, "%.2f", json_object_get_double_member_with_default(cause, "score", 0));
    page->ops->block_begin(page, CK_BLOCK_PARAGRAPH);
    page->ops->code(page, id);
    char *line = g_strdup_printf(" · %s · score %s", ck_json_str(cause, "category"), score);
    page->ops->text(page, line);
    if (cause_dir) {
        char *slug = ck_page_slug(id);
        char *href = g_strdup_printf("%s%s%s", cause_dir, slug, page->link_extension);
        page->ops->text(page, " · ");
        page->ops->link(page, href, "knowledge-base article");
        g_free(href);
        g_free(slug);
    }
    page->ops->block_end(page, CK_BLOCK_PARAGRAPH);
    JsonArray *evidence = ck_json_get_array(cause, "evidence");
    page->ops->block_begin(page, CK_BLOCK_LIST);
    for (guint i = 0; evidence && i < json_array_get_length(evidence); i++) {
        JsonObject *e = json_array_get_object_element(evidence, i);
        char *quoted = g_strdup_printf("“%s”", ck_json_str(e, "text"));
        char *where = g_strdup_printf(" — message %" G_GINT64_FORMAT " (%s), signal %s", ck_json_int(e, "message"),
                                      ck_json_str(e, "side"), ck_json_str(e, "signal"));
        page->ops->block_begin(page, CK_BLOCK_ITEM);
        page->ops->text(page, quoted);
        page->ops->text(page, where);
        page->ops->block_end(page, CK_BLOCK_ITEM);
        g_free(where);
        g_free(quoted);
    }
    page->ops->block_end(page, CK_BLOCK_LIST);
    g_free(line);
    g_free(heading);
}

/* Causes (best first) and the requests still unanswered. */
static void write_causes_and_requests(CkPage *page, JsonObject *s, const char *cause_dir)
{
    JsonArray *causes = ck_json_get_array(s, "causes");
    ck_page_heading(page, 2, "Causes 原因");
    guint n = causes ? json_array_get_length(causes) : 0;
    for (guint i = 0; i < n; i++)
        write_cause(page, json_array_get_object_element(causes, i), cause_dir);
    if (n == 0)
        ck_page_paragraph(page, CK_BLOCK_NOTE, "No cause recognised.");
    JsonArray *requests = ck_json_get_array(s, "open_requests");
    ck_page_heading(page, 2, "Unanswered requests 未答复的请求");
    n = requests ? json_array_get_length(requests) : 0;
    if (n == 0) {
        ck_page_paragraph(page, CK_BLOCK_NOTE, "None.");
        return;
    }
    page->ops->block_begin(page, CK_BLOCK_LIST);
    for (guint i = 0; i < n; i++) {
        JsonObject *r = json_array_get_object_element(requests, i);
        char *label = g_strdup_printf("Message %" G_GINT64_FORMAT " (%s):", ck_json_int(r, "message"),
                                      ck_json_str(r, "side"));
        ck_page_item(page, label, ck_json_str(r, "text"));
        g_free(label);
    }
    page->ops->block_end(page, CK_BLOCK_LIST);
}

/* See summary.h. */
void ck_summary_write(CkPage *page, JsonNode *summary, const char *cause_dir)
{
    JsonObject *s = json_node_get_object(summary);
    write_metadata(page, s);
    write_timeline(page, s);
    write_stories(page, s);
    write_entities(page, s);
    write_causes_and_requests(page, s, cause_dir);
}

/* The page title of a summary: "CASE_ID — title". Caller frees. */
static char *summary_title(JsonObject *s)
{
    return g_strdup_printf("%s — %s", ck_json_str(s, "case_id"), ck_json_str(s, "title"));
}


/* See summary.h. */
GString *ck_summary_render(JsonNode *summary, const char *format)
{
    if (g_strcmp0(format, "json") == 0)
        return ck_json_text(summary);
    GString *out = g_string_new(NULL);
    CkPage page;
    ck_page_init(&page, format, out);
    char *title = summary_title(json_node_get_object(summary));
    page.ops->begin(&page, title);
    ck_summary_write(&page, summary, NULL);
    page.ops->end(&page);
    g_free(title);
    return out;
}
