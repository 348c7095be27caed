/* static.h — the stylesheet and the script the binary serves under
 * /static/ (no external resources: the pages work offline, and the
 * Content-Security-Policy allows only these two files from 'self').
 */
#ifndef CASEKB_SERVE_STATIC_H
#define CASEKB_SERVE_STATIC_H

#include <glib.h>

/* The file served at PATH ("/static/casekb.css", "/static/casekb.js"):
 * its bytes and content type (both static), or FALSE when there is none. */
gboolean ck_serve_static_file(const char *path, const char **body, const char **content_type);

#endif
