/* fts-check.c — check a casekb database's full-text index against its content.
 *
 *   fts-check DB
 *
 * Opens DB the way casekb does (so an old schema is upgraded and an index
 * built by another tokenizer version is rebuilt first), then runs FTS5's
 * integrity-check through ck_store_check_fts().  The sqlite3 shell cannot
 * do this itself: it has no "casekb" tokenizer.  Prints "DB: full-text
 * index ok" and exits 0, or prints the error and exits 1 (3 when DB cannot
 * be opened).  Used by tests/e2e/T134-fts-integrity.sh.
 */
#include <stdio.h>

#include "store/store.h"

/* Open argv[1], check its index, report. */
int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: fts-check DB\n");
        return 2;
    }
    GError *error = NULL;
    CkStore *store = ck_store_open(argv[1], &error);
    if (!store) {
        fprintf(stderr, "fts-check: %s\n", error->message);
        g_error_free(error);
        return 3;
    }
    int status = 0;
    if (ck_store_check_fts(store, &error)) {
        printf("%s: full-text index ok\n", argv[1]);
    } else {
        fprintf(stderr, "fts-check: %s\n", error->message);
        g_error_free(error);
        status = 1;
    }
    ck_store_close(store);
    return status;
}
