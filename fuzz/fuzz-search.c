/* fuzz-search.c — fuzz target: the query language and search execution
 * (store/search.h) on a database built once per process by ingesting and
 * analysing samples/ (51 messages, 14 cases) into a temporary file.
 * Input: byte 0 chooses the options (per message or per case, limit,
 * offset); the rest, up to a NUL byte, is the query as typed.
 * Oracles: a failed parse is a CK_SEARCH_ERROR_QUERY "query: … at position
 * N" message; a query that parses never makes SQLite fail; at most LIMIT
 * rows; every row's text valid UTF-8; the count is at least the rows found. */
#include "fuzz/fuzz-common.h"
#include "analyzer/persist.h"
#include "ingest/parse.h"
#include "ingest/pipeline.h"
#include "store/search.h"

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

static CkStore *store;
static char *db_path;

/* atexit(): close the database and remove its files. */
static void remove_db(void)
{
    ck_store_close(store);
    const char *suffixes[] = { "", "-wal", "-shm" };
    for (size_t i = 0; i < G_N_ELEMENTS(suffixes); i++) {
        char *path = g_strconcat(db_path, suffixes[i], NULL);
        g_unlink(path);
        g_free(path);
    }
    g_free(db_path);
}

/* Ingest samples/ into a new temporary database and analyse its cases. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    GError *error = NULL;
    int fd = g_file_open_tmp("casekb-fuzz-XXXXXX.db", &db_path, &error);
    if (fd < 0)
        ck_fuzz_fail("cannot create the database: %s", error->message);
    close(fd);
    g_unlink(db_path);
    ck_parse_init();
    const char *paths[] = { ck_fuzz_samples_dir(), NULL };
    const char *rules_paths[] = { ck_fuzz_rules_dir(), NULL };
    CkIngestOptions options = { 0 };
    CkIngestStats stats;
    CkRuleSet *rules = NULL;
    if (!(store = ck_store_open(db_path, &error)) || !ck_ingest_paths(store, paths, &options, &stats, &error)
        || !(rules = ck_ruleset_load(rules_paths, &error))
        || !ck_analyze_stored_cases(store, rules, NULL, 0, NULL, NULL, &error))
        ck_fuzz_fail("cannot build the search database: %s", error->message);
    if (stats.added < 10)
        ck_fuzz_fail("%s holds only %" G_GUINT64_FORMAT " messages", paths[0], stats.added);
    ck_ruleset_free(rules);
    atexit(remove_db);
    return 0;
}

/* Abort unless the rows of RESULTS are well-formed and at most LIMIT. */
static void check_results(GPtrArray *results, int limit)
{
    if ((int)results->len > limit)
        ck_fuzz_fail("%u rows with --limit %d", results->len, limit);
    for (guint i = 0; i < results->len; i++) {
        CkSearchResult *r = g_ptr_array_index(results, i);
        ck_fuzz_check_utf8("case key", r->case_key, FALSE);
        ck_fuzz_check_utf8("message id", r->message_id, FALSE);
        ck_fuzz_check_utf8("from", r->from, FALSE);
        ck_fuzz_check_utf8("subject", r->subject, FALSE);
        ck_fuzz_check_utf8("snippet", r->snippet, FALSE);
    }
}

/* Abort unless ERROR is a malformed-query error: one line naming a position. */
static void check_parse_error(const GError *error)
{
    if (!error || !g_error_matches(error, CK_SEARCH_ERROR, CK_SEARCH_ERROR_QUERY))
        ck_fuzz_fail("query parse failed without a query error");
    ck_fuzz_check_utf8("query error", error->message, FALSE);
    if (!g_str_has_prefix(error->message, "query: ") || !strstr(error->message, " at position ")
        || strchr(error->message, '\n'))
        ck_fuzz_fail("query error is not \"query: ... at position N\": %s", error->message);
}

/* Parse the query and run it with the options of byte 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    char *text = ck_fuzz_cstring(data + 1, size - 1);
    GError *error = NULL;
    CkSearchQuery *query = ck_search_query_parse(text, &error);
    if (!query) {
        check_parse_error(error);
        g_clear_error(&error);
        g_free(text);
        return 0;
    }
    CkSearchOptions opts = { .per_message = data[0] & 1, .limit = 1 + (data[0] >> 1 & 7) * 4,
                             .offset = data[0] >> 4 & 3, .snippet_chars = 1 + (data[0] >> 6) * 40 };
    GPtrArray *results = NULL;
    gint64 count = -1;
    if (!ck_search_run(ck_store_db(store), query, &opts, &results, &error)
        || !ck_search_count(ck_store_db(store), query, opts.per_message, &count, &error))
        ck_fuzz_fail("query \"%s\" parsed but failed: %s", text, error->message);
    check_results(results, opts.limit);
    if (count < (gint64)results->len + opts.offset && results->len > 0)
        ck_fuzz_fail("count %" G_GINT64_FORMAT " < %u rows after offset %d", count, results->len, opts.offset);
    g_ptr_array_unref(results);
    ck_search_query_free(query);
    g_free(text);
    return 0;
}
