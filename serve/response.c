/* response.c — building handler responses (response.h). */
#include "serve/response.h"
#include "serve/page.h"
#include "reports/output.h"
#include "reports/html.h"

/* See response.h. */
CkServeResponse *ck_serve_response_new(guint status, const char *type, GString *body)
{
    CkServeResponse *r = g_new0(CkServeResponse, 1);
    r->status = status;
    r->content_type = g_strdup(type);
    gsize len = body->len;
    r->body = g_bytes_new_take(g_string_free(body, FALSE), len);
    return r;
}

/* See response.h. */
CkServeResponse *ck_serve_response_html(guint status, GString *body)
{
    return ck_serve_response_new(status, "text/html; charset=utf-8", body);
}

/* See response.h. */
CkServeResponse *ck_serve_response_json(guint status, JsonNode *node)
{
    return ck_serve_response_new(status, "application/json; charset=utf-8", ck_json_text(node));
}

/* See response.h. */
CkServeResponse *ck_serve_response_json_error(guint status, const char *message)
{
    JsonObject *o = json_object_new();
    json_object_set_string_member(o, "error", message);
    JsonNode *node = json_node_init_object(json_node_alloc(), o);
    CkServeResponse *r = ck_serve_response_json(status, node);
    json_node_unref(node);
    json_object_unref(o);
    return r;
}

/* See response.h. */
CkServeResponse *ck_serve_response_html_error(guint status, const char *message)
{
    GString *out = g_string_new(NULL);
    char *title = g_strdup_printf("%u", status);
    ck_serve_page_begin(out, title, NULL);
    g_string_append(out, "<p class=\"error\">");
    ck_html_escape(out, message);
    g_string_append(out, "</p>\n");
    ck_serve_page_end(out);
    g_free(title);
    return ck_serve_response_html(status, out);
}

/* See response.h. */
void ck_serve_response_free(CkServeResponse *response)
{
    if (!response)
        return;
    g_free(response->content_type);
    g_bytes_unref(response->body);
    g_free(response->disposition);
    g_free(response);
}
