/* parse-pool.h — parse raw messages on worker threads, in order.
 *
 * ck_message_parse() needs no database, so the ingest loop hands raw
 * messages to a pool of worker threads and takes the parsed messages back in
 * the order they were submitted: the cases built from them are the same as
 * with one thread.  At most WINDOW messages are in flight, and no more once
 * they hold 64 MiB of raw mail (that bounds the memory).  With one thread
 * the pool parses on the caller's thread at submit time, with no worker.
 */
#ifndef CASEKB_PARSE_POOL_H
#define CASEKB_PARSE_POOL_H

#include <glib.h>
#include "ingest/message.h"
#include "ingest/reader.h"

typedef struct CkParsePool CkParsePool;

/* One parsed message, in submission order.  The caller takes MSG (free
 * with ck_message_free()) or ERROR (ck_message_parse() returned NULL), and
 * CONTENT_HASH (the raw message's, as submitted; g_free()). */
typedef struct {
    CkMessage *msg;
    GError *error;
    char *content_hash;
} CkParsed;

/* A pool of THREADS workers (0: one per processor, at most 8) keeping at
 * most WINDOW (0: 256 per thread) messages in flight.  Free with
 * ck_parse_pool_free(). */
CkParsePool *ck_parse_pool_new(guint threads, guint window);

/* The number of worker threads (1 = parsing on the caller's thread). */
guint ck_parse_pool_threads(const CkParsePool *pool);

/* TRUE when WINDOW messages (or 64 MiB) are in flight: take one with
 * ck_parse_pool_next() before submitting another. */
gboolean ck_parse_pool_full(const CkParsePool *pool);

/* Queue a copy of RAW (its data is referenced, its strings copied; its
 * content_hash, when set, is reused by the parser).  The pool must not be
 * full. */
void ck_parse_pool_submit(CkParsePool *pool, const CkRawMessage *raw);

/* Take the oldest submitted message into *OUT.  With WAIT, blocks until it
 * is parsed; without, returns FALSE when it is not parsed yet.  FALSE when
 * nothing is in flight. */
gboolean ck_parse_pool_next(CkParsePool *pool, gboolean wait, CkParsed *out);

/* Wait for the workers, drop what was not taken, free the pool. */
void ck_parse_pool_free(CkParsePool *pool);

#endif
