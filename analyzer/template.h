/* template.h — the small reply-template language of rule files:
 * {{name}} inserts a value, {{#list}}…{{/list}} repeats for each element
 * (or shows once when the value is true), {{^name}}…{{/name}} shows when
 * the value is empty or missing.  Values come from a JSON object.
 */
#ifndef CASEKB_TEMPLATE_H
#define CASEKB_TEMPLATE_H

#include <glib.h>
#include <json-glib/json-glib.h>

/* Render TEMPLATE against CONTEXT (a JSON object).  Caller g_free()s. */
char *ck_template_render(const char *tmpl, JsonObject *context);

/* Names used by TEMPLATE's tags, appended to NAMES (char *, caller owns).
 * Returns FALSE and sets *message on an unbalanced section. */
gboolean ck_template_names(const char *tmpl, GPtrArray *names, char **message);

#endif
