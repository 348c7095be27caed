/* search-out.c — presenting search results. */
#include "reports/search-out.h"
#include "reports/output.h"
#include "reports/case-text.h"
#include "reports/timezone.h"
#include "ingest/message.h"
#include "store/search.h"

#include <string.h>

/* One result as a JSON object. */
static JsonNode *result_json(const CkSearchResult *r)
{
    JsonObject *o = json_object_new();
    json_object_set_string_member(o, "case_id", r->case_key);
    json_object_set_string_member(o, "message_id", r->message_id);
    char *date = ck_time_iso(r->date);
    json_object_set_string_member(o, "date", date);
    g_free(date);
    json_object_set_string_member(o, "from", r->from);
    json_object_set_string_member(o, "subject", r->subject);
    json_object_set_string_member(o, "snippet", r->snippet);
    json_object_set_double_member(o, "score", r->score);
    JsonArray *causes = json_array_new();
    for (guint i = 0; r->causes && i < r->causes->len; i++)
        json_array_add_string_element(causes, g_ptr_array_index(r->causes, i));
    json_object_set_array_member(o, "causes", causes);
    if (r->query_terms > 0) {   /* sentence mode (search --any) */
        json_object_set_int_member(o, "matched_terms", r->matched_terms);
        json_object_set_int_member(o, "query_terms", r->query_terms);
    }
    JsonNode *node = json_node_init_object(json_node_alloc(), o);
    json_object_unref(o);
    return node;
}

/* See search-out.h. */
JsonNode *ck_search_results_json(GPtrArray *results)
{
    JsonArray *array = json_array_new();
    for (guint i = 0; i < results->len; i++)
        json_array_add_element(array, result_json(g_ptr_array_index(results, i)));
    JsonNode *node = json_node_init_array(json_node_alloc(), array);
    json_array_unref(array);
    return node;
}

/* Print SNIPPET on one line with the terminal markers as colours. */
static void put_snippet(FILE *out, const char *snippet)
{
    char *safe = ck_text_printable(snippet, TRUE);
    gsize n_open = strlen(CK_SEARCH_TTY_OPEN), n_close = strlen(CK_SEARCH_TTY_CLOSE);
    for (const char *p = safe; *p;) {
        if (strncmp(p, CK_SEARCH_TTY_OPEN, n_open) == 0) {
            fputs("\033[1;31m", out);
            p += n_open;
        } else if (strncmp(p, CK_SEARCH_TTY_CLOSE, n_close) == 0) {
            fputs("\033[0m", out);
            p += n_close;
        } else {
            fputc(*p++, out);
        }
    }
    g_free(safe);
}

/* See search-out.h. */
void ck_text_search_results(FILE *out, JsonNode *results)
{
    JsonArray *array = json_node_get_array(results);
    for (guint i = 0; i < json_array_get_length(array); i++) {
        JsonObject *r = json_array_get_object_element(array, i);
        char *date = ck_time_display(ck_json_str(r, "date"), TRUE);
        ck_text_print_padded(out, ck_json_str(r, "case_id"), 18);
        fprintf(out, "%-10s  ", date);
        g_free(date);
        ck_text_print_padded(out, ck_json_str(r, "from"), 24);
        ck_text_put_line(out, ck_json_str(r, "subject"));
        fputs("\n    ", out);
        put_snippet(out, ck_json_str(r, "snippet"));
        fputc('\n', out);
    }
}
