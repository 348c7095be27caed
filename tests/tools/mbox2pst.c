/* mbox2pst — write the mail of an mbox as a small Unicode Outlook PST file,
 * for casekb's tests (no Debian tool writes PST files).
 *
 *   mbox2pst [--no-headers] [--codepage CP] [--folder NAME] IN.mbox OUT.pst
 *
 * --no-headers leaves out the transport headers; --codepage CP writes the
 * message's strings as 8-bit PT_STRING8 in Windows code page CP with
 * PR_MESSAGE_CODEPAGE, as an ANSI-era client did.
 *
 * Written from the [MS-PST] open specification.  What it writes:
 *  - NDB layer (spec 2.2): the Unicode HEADER with its ROOT (2.2.2.6, 2.2.2.5)
 *    and both CRCs; one AMap page at 0x4400 and one PMap page at 0x4600
 *    (2.2.2.7.2, 2.2.2.7.3); data blocks and XBLOCKs / SLBLOCKs with their
 *    BLOCKTRAILERs, 64-byte aligned (2.2.2.8); the NBT and BBT as B-trees of
 *    512-byte BTPAGEs with PAGETRAILERs (2.2.2.7.7); signatures (5.5) and CRCs
 *    (5.3); bCryptMethod = 0 (NDB_CRYPT_NONE).
 *  - LTP layer (2.3): heap-on-node blocks with HNHDR / HNPAGEMAP (2.3.1), BTH
 *    (2.3.2), property contexts (2.3.3) and table contexts (2.3.4) with a row
 *    index, a row matrix and cell existence bitmaps; values too large for the
 *    heap go to subnodes.
 *  - Messaging layer (2.4): the message store (NID 0x21) with its record key
 *    and PR_IPM_SUBTREE_ENTRYID, the name-to-id map (0x61, empty), the root
 *    folder (0x122), the IPM subtree (0x8022) and one mail folder (0x8042),
 *    each folder with its PC, hierarchy, contents and FAI contents tables; one
 *    message node per mail (PR_MESSAGE_CLASS IPM.Note, PR_SUBJECT, PR_BODY in
 *    UTF-16LE with CRLF line ends, or PR_HTML when the mail has only HTML,
 *    PR_TRANSPORT_MESSAGE_HEADERS unless --no-headers, PR_SENDER_NAME/EMAIL,
 *    PR_SENT_REPRESENTING_NAME/EMAIL, PR_DISPLAY_TO/CC, PR_CLIENT_SUBMIT_TIME,
 *    PR_MESSAGE_DELIVERY_TIME, PR_INTERNET_MESSAGE_ID, PR_IN_REPLY_TO_ID,
 *    PR_INTERNET_CPID) with its recipient table (2.4.5.2) and, for mail with
 *    attachments, the attachment table and one attachment object each
 *    (2.4.6: method "by value", names, MIME type, PR_ATTACH_DATA_BIN).
 * Not written: the search, template and queue nodes Outlook keeps, named
 * properties, a density list (DList), and more than one AMap page (so the
 * file stays under 248 KiB of data: a larger mbox is refused with a message).
 * Its output is checked with libpst's lspst and readpst in tests/e2e/T047-pst.sh.
 *
 * The mbox is split at "From " lines that start the file or follow a blank
 * line (mboxrd: one '>' is taken from ^>+From ); each message is parsed with
 * GMime.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include <gmime/gmime.h>

/* ------------------------------------------------------------ constants */

#define PAGE_SIZE        512
#define PAGE_DATA        496          /* bytes before the PAGETRAILER */
#define BLOCK_MAX        8192
#define BLOCK_TRAILER    16
#define BLOCK_DATA_MAX   (BLOCK_MAX - BLOCK_TRAILER)
#define AMAP_FIRST       0x4400
#define PMAP_FIRST       0x4600
#define DATA_FIRST       0x4800
#define AMAP_COVERS      (PAGE_DATA * 8 * 64)   /* 253952 bytes per AMap page */
#define HEAP_VALUE_MAX   1024         /* larger property values go to subnodes */
#define HEAP_ALLOC_MAX   3580         /* largest heap allocation (2.3.1.1) */

#define PTYPE_BBT   0x80
#define PTYPE_NBT   0x81
#define PTYPE_PMAP  0x83
#define PTYPE_AMAP  0x84

#define NID_MESSAGE_STORE  0x21
#define NID_NAME_TO_ID_MAP 0x61
#define NID_ROOT_FOLDER    0x122
#define NID_IPM_SUBTREE    0x8022
#define NID_MAIL_FOLDER    0x8042
#define NID_RECIPIENT_TBL  0x692
#define NID_TYPE_LTP       0x1F
#define FIRST_MESSAGE_INDEX 0x10000

/* property types */
#define PT_SHORT   0x0002
#define PT_LONG    0x0003
#define PT_BOOLEAN 0x000B
#define PT_UNICODE 0x001F
#define PT_SYSTIME 0x0040
#define PT_BINARY  0x0102

/* ------------------------------------------------------- little endian */

/* Store V little-endian at P (2, 4 or 8 bytes). */
static void put16(guint8 *p, guint16 v) { p[0] = v; p[1] = v >> 8; }
static void put32(guint8 *p, guint32 v) { for (int i = 0; i < 4; i++) p[i] = v >> (8 * i); }
static void put64(guint8 *p, guint64 v) { for (int i = 0; i < 8; i++) p[i] = v >> (8 * i); }

/* Append V little-endian to ARRAY. */
static void add16(GByteArray *a, guint16 v) { guint8 b[2]; put16(b, v); g_byte_array_append(a, b, 2); }
static void add32(GByteArray *a, guint32 v) { guint8 b[4]; put32(b, v); g_byte_array_append(a, b, 4); }
static void add64(GByteArray *a, guint64 v) { guint8 b[8]; put64(b, v); g_byte_array_append(a, b, 8); }

/* ------------------------------------------------- CRC (5.3), sig (5.5) */

/* The CRC of [MS-PST] 5.3: reflected CRC-32 (polynomial 0xEDB88320), initial
 * value 0, no final inversion. */
static guint32 pst_crc(const guint8 *data, gsize len)
{
    static guint32 table[256];
    if (table[1] == 0) {
        for (guint32 i = 0; i < 256; i++) {
            guint32 c = i;
            for (int k = 0; k < 8; k++)
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
    }
    guint32 crc = 0;
    for (gsize i = 0; i < len; i++)
        crc = table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
    return crc;
}

/* The block / page signature of [MS-PST] 5.5 for offset IB and id BID. */
static guint16 pst_sig(guint64 ib, guint64 bid)
{
    guint32 x = (guint32)(ib ^ bid);
    return (guint16)((x >> 16) ^ (x & 0xFFFF));
}

/* ---------------------------------------------------------- NDB writer */

typedef struct {
    guint64 bid, ib;
    guint16 cb;
} BbtEntry;

typedef struct {
    guint32 nid;
    guint64 bid_data, bid_sub;
    guint32 nid_parent;
} NbtEntry;

typedef struct {
    guint32 nid;
    guint64 bid_data, bid_sub;
} SlEntry;

typedef struct {
    GByteArray *file;     /* the whole file, built in memory */
    guint64 next_bid;     /* next block id (bidNextB), steps of 4 */
    guint64 next_page_bid;/* next page id (bidNextP) */
    GArray *bbt;          /* BbtEntry, in bid order */
    GArray *nbt;          /* NbtEntry */
    GArray *allocated;    /* guint64 pairs (ib, size) of everything from 0x4400 */
    int codepage;         /* --codepage: message strings as PT_STRING8 in it, or 0 */
} Pst;

/* Grow PST's file with zeros to a multiple of ALIGN and then by SIZE bytes;
 * record the allocation for the AMap.  Returns the offset of the new bytes. */
static guint64 pst_reserve(Pst *pst, gsize align, gsize size)
{
    guint64 ib = (pst->file->len + align - 1) / align * align;
    if (ib + size > AMAP_FIRST + AMAP_COVERS) {
        fprintf(stderr, "mbox2pst: the PST would need more than one AMap page (over %d bytes)\n",
                AMAP_FIRST + AMAP_COVERS);
        exit(2);
    }
    guint old_len = pst->file->len;
    g_byte_array_set_size(pst->file, ib + size);
    memset(pst->file->data + old_len, 0, ib + size - old_len);
    guint64 pair[2] = { ib, size };
    g_array_append_vals(pst->allocated, pair, 2);
    return ib;
}

/* Write one block holding the CB bytes of DATA (2.2.2.8: data, padding,
 * BLOCKTRAILER, 64-byte aligned) and list it in the BBT.  INTERNAL marks
 * XBLOCKs and SLBLOCKs (bid bit 1).  Returns the block's id. */
static guint64 pst_write_block(Pst *pst, const guint8 *data, gsize cb, gboolean internal)
{
    g_assert(cb <= BLOCK_DATA_MAX);
    guint64 bid = pst->next_bid | (internal ? 2 : 0);
    pst->next_bid += 4;
    gsize size = (cb + BLOCK_TRAILER + 63) / 64 * 64;
    guint64 ib = pst_reserve(pst, 64, size);
    guint8 *p = pst->file->data + ib;
    memcpy(p, data, cb);
    guint8 *t = p + size - BLOCK_TRAILER;
    put16(t, cb);
    put16(t + 2, pst_sig(ib, bid));
    put32(t + 4, pst_crc(data, cb));
    put64(t + 8, bid);
    BbtEntry e = { .bid = bid, .ib = ib, .cb = cb };
    g_array_append_val(pst->bbt, e);
    return bid;
}

/* Write LEN bytes of DATA as one data block or, when larger, as data blocks
 * under an XBLOCK (2.2.2.8.3.2).  Returns the id to reference. */
static guint64 pst_write_data(Pst *pst, const guint8 *data, gsize len)
{
    if (len <= BLOCK_DATA_MAX)
        return pst_write_block(pst, data, len, FALSE);
    GByteArray *x = g_byte_array_new();
    guint n = (len + BLOCK_DATA_MAX - 1) / BLOCK_DATA_MAX;
    g_assert(8 + 8 * n <= BLOCK_DATA_MAX);
    g_byte_array_append(x, (const guint8 *)"\x01\x01", 2);   /* btype, cLevel */
    add16(x, n);
    add32(x, len);
    for (guint i = 0; i < n; i++) {
        gsize off = (gsize)i * BLOCK_DATA_MAX;
        add64(x, pst_write_block(pst, data + off, MIN(BLOCK_DATA_MAX, len - off), FALSE));
    }
    guint64 bid = pst_write_block(pst, x->data, x->len, TRUE);
    g_byte_array_unref(x);
    return bid;
}

/* Order SlEntry / NbtEntry by nid, BbtEntry by bid. */
static gint cmp_sl(gconstpointer a, gconstpointer b)
{
    guint32 x = ((const SlEntry *)a)->nid, y = ((const SlEntry *)b)->nid;
    return (x > y) - (x < y);
}
static gint cmp_nbt(gconstpointer a, gconstpointer b)
{
    guint32 x = ((const NbtEntry *)a)->nid, y = ((const NbtEntry *)b)->nid;
    return (x > y) - (x < y);
}
static gint cmp_bbt(gconstpointer a, gconstpointer b)
{
    guint64 x = ((const BbtEntry *)a)->bid, y = ((const BbtEntry *)b)->bid;
    return (x > y) - (x < y);
}

/* Write the SLBLOCK (2.2.2.8.3.3.1) listing SUBNODES (sorted here); 0 when
 * there are none. */
static guint64 pst_write_subnodes(Pst *pst, GArray *subnodes)
{
    if (!subnodes || subnodes->len == 0)
        return 0;
    g_array_sort(subnodes, cmp_sl);
    GByteArray *s = g_byte_array_new();
    g_byte_array_append(s, (const guint8 *)"\x02\x00", 2);   /* btype, cLevel 0 */
    add16(s, subnodes->len);
    add32(s, 0);
    for (guint i = 0; i < subnodes->len; i++) {
        SlEntry *e = &g_array_index(subnodes, SlEntry, i);
        add64(s, e->nid);
        add64(s, e->bid_data);
        add64(s, e->bid_sub);
    }
    g_assert(s->len <= BLOCK_DATA_MAX);
    guint64 bid = pst_write_block(pst, s->data, s->len, TRUE);
    g_byte_array_unref(s);
    return bid;
}

/* List node NID (parent NID_PARENT) in the NBT with its data and subnodes. */
static void pst_add_node(Pst *pst, guint32 nid, guint32 nid_parent, guint64 bid_data,
                         guint64 bid_sub)
{
    NbtEntry e = { .nid = nid, .bid_data = bid_data, .bid_sub = bid_sub,
                   .nid_parent = nid_parent };
    g_array_append_val(pst->nbt, e);
}

/* Write one BTPAGE (2.2.2.7.7.1) of type PTYPE at level LEVEL holding COUNT
 * entries of CB_ENT bytes from ENTRIES (at most MAX).  Returns its offset;
 * *bid gets its page id. */
static guint64 pst_write_page(Pst *pst, guint8 ptype, const guint8 *entries, guint count,
                              guint cb_ent, guint max, guint level, guint64 *bid)
{
    guint64 ib = pst_reserve(pst, PAGE_SIZE, PAGE_SIZE);
    guint8 *p = pst->file->data + ib;
    *bid = pst->next_page_bid;
    pst->next_page_bid += 4;
    if (count)
        memcpy(p, entries, (gsize)count * cb_ent);
    p[488] = count;
    p[489] = max;
    p[490] = cb_ent;
    p[491] = level;
    p[496] = ptype;
    p[497] = ptype;
    put16(p + 498, pst_sig(ib, *bid));
    put32(p + 500, pst_crc(p, PAGE_DATA));
    put64(p + 504, *bid);
    return ib;
}

/* Build a B-tree of page type PTYPE over the COUNT leaf entries in LEAVES
 * (CB_LEAF bytes each, at most MAX_LEAF a page, each starting with its
 * 8-byte key), adding levels of BTENTRYs (2.2.2.7.7.2: key, BREF; at most 20
 * a page) until one page remains.  Sets the root page's BREF. */
static void pst_write_btree(Pst *pst, guint8 ptype, const guint8 *leaves, guint count,
                            guint cb_leaf, guint max_leaf, guint64 *root_bid, guint64 *root_ib)
{
    GByteArray *entries = g_byte_array_new();
    g_byte_array_append(entries, leaves, (gsize)count * cb_leaf);
    guint cb = cb_leaf, max = max_leaf, level = 0, pages;
    do {
        guint n = entries->len / cb;
        GByteArray *up = g_byte_array_new();
        pages = 0;
        for (guint i = 0; i < n || pages == 0; i += max) {
            guint take = MIN(max, n - i);
            guint64 key = 0;
            if (take)
                memcpy(&key, entries->data + (gsize)i * cb, 8);
            *root_ib = pst_write_page(pst, ptype, entries->data + (gsize)i * cb, take, cb, max,
                                      level, root_bid);
            add64(up, GUINT64_FROM_LE(key));
            add64(up, *root_bid);
            add64(up, *root_ib);
            pages++;
        }
        g_byte_array_unref(entries);
        entries = up;
        cb = 24;
        max = 20;
        level++;
    } while (pages > 1);
    g_byte_array_unref(entries);
}

/* ----------------------------------------------------- heap-on-node */

typedef struct {
    GByteArray *data;   /* allocations, from offset 12 of the block */
    GArray *starts;     /* guint16 start offset of each allocation */
} Heap;

/* Start an empty heap. */
static void heap_init(Heap *h)
{
    h->data = g_byte_array_new();
    g_byte_array_set_size(h->data, 12);   /* HNHDR, filled by heap_finish */
    h->starts = g_array_new(FALSE, FALSE, sizeof(guint16));
}

/* Copy LEN bytes to a new allocation of H (2.3.1); returns its HID. */
static guint32 heap_alloc(Heap *h, const void *bytes, gsize len)
{
    g_assert(len <= HEAP_ALLOC_MAX);
    guint16 start = h->data->len;
    g_array_append_val(h->starts, start);
    g_byte_array_append(h->data, bytes, len);
    return (guint32)h->starts->len << 5;
}

/* Finish H as the one block of a heap: HNHDR with CLIENT_SIG and USER_ROOT,
 * HNPAGEMAP at the end.  Returns the block bytes (caller unrefs) and frees
 * H's parts. */
static GByteArray *heap_finish(Heap *h, guint8 client_sig, guint32 user_root)
{
    GByteArray *b = h->data;
    guint16 end = b->len;
    if (b->len % 2)
        g_byte_array_append(b, (const guint8 *)"", 1);
    guint16 ib_hnpm = b->len;
    add16(b, h->starts->len);
    add16(b, 0);
    for (guint i = 0; i < h->starts->len; i++)
        add16(b, g_array_index(h->starts, guint16, i));
    add16(b, end);
    put16(b->data, ib_hnpm);
    b->data[2] = 0xEC;
    b->data[3] = client_sig;
    put32(b->data + 4, user_root);
    put32(b->data + 8, 0);
    g_array_unref(h->starts);
    if (b->len > BLOCK_DATA_MAX) {
        fprintf(stderr, "mbox2pst: a heap grew over one block (%u bytes)\n", b->len);
        exit(2);
    }
    return b;
}

/* Allocate a BTH header (2.3.2.1) with keys of CB_KEY and data of CB_ENT
 * bytes whose records are the COUNT sorted records in RECORDS. */
static guint32 heap_bth(Heap *h, guint8 cb_key, guint8 cb_ent, const guint8 *records, guint count)
{
    guint32 root = count ? heap_alloc(h, records, (gsize)count * (cb_key + cb_ent)) : 0;
    guint8 hdr[8] = { 0xB5, cb_key, cb_ent, 0 };
    put32(hdr + 4, root);
    return heap_alloc(h, hdr, sizeof hdr);
}

/* ----------------------------------------------------- property values */

typedef struct {
    guint16 id, type;
    guint32 inline_value;    /* PT_LONG, PT_BOOLEAN, PT_SHORT */
    GBytes *bytes;           /* everything else */
} Prop;

/* Free a Prop's bytes (GArray clear func). */
static void prop_clear(gpointer p)
{
    Prop *prop = p;
    if (prop->bytes)
        g_bytes_unref(prop->bytes);
}

/* A new, empty property list. */
static GArray *props_new(void)
{
    GArray *a = g_array_new(FALSE, TRUE, sizeof(Prop));
    g_array_set_clear_func(a, prop_clear);
    return a;
}

/* Add an inline (4-byte or smaller) property. */
static void props_int(GArray *props, guint16 id, guint16 type, guint32 value)
{
    Prop p = { .id = id, .type = type, .inline_value = value };
    g_array_append_val(props, p);
}

/* Add a property of LEN bytes. */
static void props_bytes(GArray *props, guint16 id, guint16 type, const void *data, gsize len)
{
    Prop p = { .id = id, .type = type, .bytes = g_bytes_new(data, len) };
    g_array_append_val(props, p);
}

/* UTF-8 TEXT as UTF-16LE bytes without a terminator (caller frees);
 * *len gets the byte count.  Invalid UTF-8 is made valid first. */
static guint8 *utf16le(const char *text, gsize *len)
{
    char *valid = g_utf8_make_valid(text, -1);
    glong n = 0;
    gunichar2 *u = g_utf8_to_utf16(valid, -1, NULL, &n, NULL);
    g_free(valid);
    guint8 *out = g_malloc((gsize)n * 2 + 1);
    for (glong i = 0; i < n; i++)
        put16(out + 2 * i, u[i]);
    g_free(u);
    *len = (gsize)n * 2;
    return out;
}

/* Add a PT_UNICODE property unless TEXT is NULL or empty. */
static void props_string(GArray *props, guint16 id, const char *text)
{
    if (!text || !*text)
        return;
    gsize len;
    guint8 *u = utf16le(text, &len);
    props_bytes(props, id, PT_UNICODE, u, len);
    g_free(u);
}

/* The iconv name of Windows code page CP. */
static char *codepage_charset(int cp)
{
    return cp == 936 ? g_strdup("GBK") : g_strdup_printf("CP%d", cp);
}

/* Add a message string property: PT_UNICODE, or PT_STRING8 in PST's code
 * page (unmappable characters become '?') when --codepage was given. */
static void props_text(const Pst *pst, GArray *props, guint16 id, const char *text)
{
    if (!pst->codepage || !text || !*text) {
        props_string(props, id, text);
        return;
    }
    char *charset = codepage_charset(pst->codepage);
    gsize len = 0;
    char *bytes = g_convert_with_fallback(text, -1, charset, "UTF-8", "?", NULL, &len, NULL);
    if (!bytes) {
        fprintf(stderr, "mbox2pst: cannot convert to %s\n", charset);
        exit(2);
    }
    props_bytes(props, id, 0x001E, bytes, len);                   /* PT_STRING8 */
    g_free(bytes);
    g_free(charset);
}

/* FILETIME (100 ns since 1601) of the Unix time T. */
static guint64 filetime(gint64 t)
{
    return (guint64)(t + G_GINT64_CONSTANT(11644473600)) * 10000000u;
}

/* Add a PT_SYSTIME property for the Unix time T. */
static void props_time(GArray *props, guint16 id, gint64 t)
{
    guint8 b[8];
    put64(b, filetime(t));
    props_bytes(props, id, PT_SYSTIME, b, 8);
}

/* Order Props by id. */
static gint cmp_prop(gconstpointer a, gconstpointer b)
{
    return (gint)((const Prop *)a)->id - (gint)((const Prop *)b)->id;
}

/* Store PROP's variable-size value in heap H or, when large, in a new
 * subnode of SUBNODES (NID_TYPE_LTP, numbered from *next_sub).  Returns the
 * HNID. */
static guint32 store_value(Pst *pst, Heap *h, GArray *subnodes, guint *next_sub, GBytes *bytes)
{
    gsize len;
    const guint8 *data = g_bytes_get_data(bytes, &len);
    if (len <= HEAP_VALUE_MAX)
        return heap_alloc(h, data, len);
    SlEntry e = { .nid = ((*next_sub)++ << 5) | NID_TYPE_LTP,
                  .bid_data = pst_write_data(pst, data, len) };
    g_array_append_val(subnodes, e);
    return e.nid;
}

/* Write PROPS as a property context (2.3.3): its heap block in *bid_data,
 * its subnode block (large values, and EXTRA_SUBNODES, may be NULL) in
 * *bid_sub (0 when none).  Frees PROPS. */
static void write_pc(Pst *pst, GArray *props, GArray *extra_subnodes, guint64 *bid_data,
                     guint64 *bid_sub)
{
    Heap h;
    heap_init(&h);
    GArray *subnodes = g_array_new(FALSE, FALSE, sizeof(SlEntry));
    if (extra_subnodes)
        g_array_append_vals(subnodes, extra_subnodes->data, extra_subnodes->len);
    guint next_sub = 1;
    g_array_sort(props, cmp_prop);
    GByteArray *records = g_byte_array_new();
    for (guint i = 0; i < props->len; i++) {
        Prop *p = &g_array_index(props, Prop, i);
        add16(records, p->id);
        add16(records, p->type);
        add32(records, p->bytes ? store_value(pst, &h, subnodes, &next_sub, p->bytes)
                                : p->inline_value);
    }
    guint32 root = heap_bth(&h, 2, 6, records->data, props->len);
    GByteArray *block = heap_finish(&h, 0xBC, root);
    *bid_data = pst_write_block(pst, block->data, block->len, FALSE);
    *bid_sub = pst_write_subnodes(pst, subnodes);
    g_byte_array_unref(block);
    g_byte_array_unref(records);
    g_array_unref(subnodes);
    g_array_unref(props);
}

/* Write node NID (parent NID_PARENT) as a property context holding PROPS
 * (see write_pc).  Frees PROPS. */
static void write_pc_node(Pst *pst, guint32 nid, guint32 nid_parent, GArray *props,
                          GArray *extra_subnodes)
{
    guint64 bid_data, bid_sub;
    write_pc(pst, props, extra_subnodes, &bid_data, &bid_sub);
    pst_add_node(pst, nid, nid_parent, bid_data, bid_sub);
}

/* ------------------------------------------------------ table context */

typedef struct {
    guint32 tag;           /* property id << 16 | type */
    guint16 ib;            /* offset in the row */
    guint8 cb, ibit;
} Column;

/* Size of a cell of property type TYPE in a row (2.3.4.4.1). */
static guint8 cell_size(guint16 type)
{
    switch (type) {
    case PT_SYSTIME: return 8;
    case PT_SHORT: return 2;
    case PT_BOOLEAN: return 1;
    default: return 4;   /* PT_LONG, and HNIDs of variable-size values */
    }
}

/* Lay out COLS (N; the first two are PidTagLtpRowId and PidTagLtpRowVer, at
 * 0 and 4) in a row: then 8-byte, 4-byte, 2-byte and 1-byte cells, then the
 * cell existence bitmap; a column's bit is its index.  Fills rgib[4]
 * (2.3.4.1: TCI_4b, TCI_2b, TCI_1b, TCI_bm). */
static void layout_columns(Column *cols, guint n, guint16 rgib[4])
{
    static const guint8 sizes[] = { 8, 4, 2, 1 };
    cols[0].ib = 0;
    cols[1].ib = 4;
    guint16 off = 8;
    for (guint s = 0; s < G_N_ELEMENTS(sizes); s++) {
        for (guint i = 2; i < n; i++) {
            if (cols[i].cb == sizes[s]) {
                cols[i].ib = off;
                off += cols[i].cb;
            }
        }
        if (s >= 1)
            rgib[s - 1] = off;
    }
    for (guint i = 0; i < n; i++)
        cols[i].ibit = i;
    rgib[3] = rgib[2] + (n + 7) / 8;
}

typedef struct {
    const void *data;   /* NULL: the cell is absent */
    gsize len;          /* variable-size values: byte count */
} Cell;

/* The N_ROWS rows (2.3.4.4) of a table with columns COLS (N_COLS) laid out
 * per RGIB: the RowId cell from ROW_IDS, the others from CELLS[row * N_COLS
 * + col], variable-size values allocated in H, each present cell's bit set
 * in the cell existence bitmap.  Caller unrefs. */
static GByteArray *build_rows(Heap *h, const Column *cols, guint n_cols, const guint16 rgib[4],
                              const guint32 *row_ids, const Cell *cells, guint n_rows)
{
    GByteArray *rows = g_byte_array_new();
    g_byte_array_set_size(rows, (gsize)rgib[3] * n_rows);
    if (rows->len)
        memset(rows->data, 0, rows->len);
    for (guint r = 0; r < n_rows; r++) {
        guint8 *row = rows->data + (gsize)r * rgib[3];
        for (guint c = 0; c < n_cols; c++) {
            const Cell *cell = &cells[r * n_cols + c];
            guint16 type = cols[c].tag & 0xFFFF;
            if (c == 0)
                put32(row, row_ids[r]);
            else if (!cell->data)
                continue;
            else if (type == PT_UNICODE || type == PT_BINARY)
                put32(row + cols[c].ib, heap_alloc(h, cell->data, cell->len));
            else
                memcpy(row + cols[c].ib, cell->data, cols[c].cb);
            row[rgib[2] + cols[c].ibit / 8] |= 0x80 >> (cols[c].ibit % 8);
        }
    }
    return rows;
}

/* The TCINFO (2.3.4.1) of columns COLS (N_COLS, descriptors sorted by tag
 * here), row layout RGIB, row index HID_INDEX and rows HNID_ROWS.  Caller
 * unrefs. */
static GByteArray *build_tcinfo(const Column *cols, guint n_cols, const guint16 rgib[4],
                                guint32 hid_index, guint32 hnid_rows)
{
    GByteArray *info = g_byte_array_new();
    guint8 head[2] = { 0x7C, n_cols };
    g_byte_array_append(info, head, 2);
    for (int i = 0; i < 4; i++)
        add16(info, rgib[i]);
    add32(info, hid_index);
    add32(info, hnid_rows);
    add32(info, 0);                          /* hidIndex (deprecated) */
    Column sorted[16];
    memcpy(sorted, cols, sizeof(Column) * n_cols);
    for (guint i = 1; i < n_cols; i++)       /* insertion sort by tag */
        for (guint j = i; j > 0 && sorted[j - 1].tag > sorted[j].tag; j--) {
            Column t = sorted[j]; sorted[j] = sorted[j - 1]; sorted[j - 1] = t;
        }
    for (guint i = 0; i < n_cols; i++) {
        add32(info, sorted[i].tag);
        add16(info, sorted[i].ib);
        g_byte_array_append(info, &sorted[i].cb, 1);
        g_byte_array_append(info, &sorted[i].ibit, 1);
    }
    return info;
}

/* Build a table context (2.3.4) with the N_COLS columns TAGS (the first two
 * must be PidTagLtpRowId 0x67F20003 and PidTagLtpRowVer 0x67F30003) and
 * N_ROWS rows (see build_rows): TCINFO, row index BTH, row matrix in one
 * heap.  Returns the heap block (caller unrefs). */
static GByteArray *build_tc(const guint32 *tags, guint n_cols, const guint32 *row_ids,
                            const Cell *cells, guint n_rows)
{
    Column cols[16];
    g_assert(n_cols <= 16);
    for (guint i = 0; i < n_cols; i++)
        cols[i] = (Column){ .tag = tags[i], .cb = cell_size(tags[i] & 0xFFFF) };
    guint16 rgib[4];
    layout_columns(cols, n_cols, rgib);
    Heap h;
    heap_init(&h);
    GByteArray *rows = build_rows(&h, cols, n_cols, rgib, row_ids, cells, n_rows);
    guint32 hnid_rows = n_rows ? heap_alloc(&h, rows->data, rows->len) : 0;
    GByteArray *index = g_byte_array_new();
    for (guint r = 0; r < n_rows; r++) {
        add32(index, row_ids[r]);
        add32(index, r);
    }
    guint32 hid_index = heap_bth(&h, 4, 4, index->data, n_rows);
    GByteArray *info = build_tcinfo(cols, n_cols, rgib, hid_index, hnid_rows);
    guint32 hid_info = heap_alloc(&h, info->data, info->len);
    g_byte_array_unref(info);
    g_byte_array_unref(index);
    g_byte_array_unref(rows);
    return heap_finish(&h, 0x7C, hid_info);
}

/* Write the table context of TAGS/ROW_IDS/CELLS (see build_tc) as node NID. */
static void write_tc_node(Pst *pst, guint32 nid, const guint32 *tags, guint n_cols,
                          const guint32 *row_ids, const Cell *cells, guint n_rows)
{
    GByteArray *block = build_tc(tags, n_cols, row_ids, cells, n_rows);
    pst_add_node(pst, nid, 0, pst_write_block(pst, block->data, block->len, FALSE), 0);
    g_byte_array_unref(block);
}

/* ------------------------------------------------------- the messages */

typedef struct {
    guint32 nid;
    char *subject, *headers, *body, *html;
    char *from_name, *from_addr, *to, *cc, *message_id, *in_reply_to;
    gint64 date;
    gsize size;              /* of the raw message */
    GPtrArray *attachments;  /* Attachment */
    GPtrArray *recipients;   /* Recipient */
} Mail;

typedef struct {
    guint32 type;            /* PR_RECIPIENT_TYPE: 1 To, 2 Cc */
    char *name, *addr;
} Recipient;

/* Free a Recipient (GPtrArray free func). */
static void recipient_free(gpointer p)
{
    Recipient *r = p;
    g_free(r->name);
    g_free(r->addr);
    g_free(r);
}

typedef struct {
    char *name, *mime_type;
    GBytes *data;            /* decoded content */
} Attachment;

/* Free an Attachment (GPtrArray free func). */
static void attachment_free(gpointer p)
{
    Attachment *a = p;
    g_free(a->name);
    g_free(a->mime_type);
    g_bytes_unref(a->data);
    g_free(a);
}

/* Free a Mail (GPtrArray free func). */
static void mail_free(gpointer p)
{
    Mail *m = p;
    g_free(m->subject); g_free(m->headers); g_free(m->body); g_free(m->html);
    g_free(m->from_name); g_free(m->from_addr); g_free(m->to); g_free(m->cc);
    g_free(m->message_id); g_free(m->in_reply_to);
    g_ptr_array_unref(m->attachments);
    g_ptr_array_unref(m->recipients);
    g_free(m);
}

/* TEXT with every line ending as CRLF (Outlook's form); caller frees. */
static char *crlf(const char *text)
{
    GString *out = g_string_new(NULL);
    for (const char *p = text; *p; p++) {
        if (*p == '\n' && (p == text || p[-1] != '\r'))
            g_string_append_c(out, '\r');
        g_string_append_c(out, *p);
    }
    return g_string_free(out, FALSE);
}

/* The decoded text of the first part under OBJECT whose type is
 * text/SUBTYPE and that is not an attachment, or NULL; caller frees. */
static char *first_text(GMimeObject *object, const char *subtype)
{
    if (GMIME_IS_MULTIPART(object)) {
        GMimeMultipart *multipart = GMIME_MULTIPART(object);
        char *text = NULL;
        for (int i = 0; !text && i < g_mime_multipart_get_count(multipart); i++)
            text = first_text(g_mime_multipart_get_part(multipart, i), subtype);
        return text;
    }
    if (GMIME_IS_TEXT_PART(object) && !g_mime_part_is_attachment(GMIME_PART(object))
        && g_mime_content_type_is_type(g_mime_object_get_content_type(object), "text", subtype))
        return g_mime_text_part_get_text(GMIME_TEXT_PART(object));
    return NULL;
}

/* Add the parts under OBJECT that are attachments (a filename or
 * Content-Disposition: attachment) to ATTACHMENTS, content decoded. */
static void collect_attachments(GMimeObject *object, GPtrArray *attachments)
{
    if (GMIME_IS_MULTIPART(object)) {
        GMimeMultipart *multipart = GMIME_MULTIPART(object);
        for (int i = 0; i < g_mime_multipart_get_count(multipart); i++)
            collect_attachments(g_mime_multipart_get_part(multipart, i), attachments);
        return;
    }
    if (!GMIME_IS_PART(object))
        return;
    GMimePart *part = GMIME_PART(object);
    const char *name = g_mime_part_get_filename(part);
    if (!name && !g_mime_part_is_attachment(part))
        return;
    GMimeStream *mem = g_mime_stream_mem_new();
    GMimeDataWrapper *content = g_mime_part_get_content(part);
    if (content)
        g_mime_data_wrapper_write_to_stream(content, mem);
    GByteArray *bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
    Attachment *a = g_new0(Attachment, 1);
    a->name = g_strdup(name ? name : "attachment");
    a->mime_type = g_mime_content_type_get_mime_type(g_mime_object_get_content_type(object));
    a->data = g_bytes_new(bytes->data, bytes->len);
    g_ptr_array_add(attachments, a);
    g_object_unref(mem);
}

/* MESSAGE's addresses of TYPE as display text, or NULL; each mailbox is
 * also added to RECIPIENTS with PR_RECIPIENT_TYPE RECIPIENT_TYPE.  Caller
 * frees. */
static char *address_text(GMimeMessage *message, GMimeAddressType type, guint32 recipient_type,
                          GPtrArray *recipients)
{
    InternetAddressList *list = g_mime_message_get_addresses(message, type);
    if (!list || internet_address_list_length(list) == 0)
        return NULL;
    for (int i = 0; i < internet_address_list_length(list); i++) {
        InternetAddress *a = internet_address_list_get_address(list, i);
        if (!INTERNET_ADDRESS_IS_MAILBOX(a))
            continue;
        Recipient *r = g_new0(Recipient, 1);
        r->type = recipient_type;
        r->name = g_strdup(internet_address_get_name(a));
        r->addr = g_strdup(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a)));
        g_ptr_array_add(recipients, r);
    }
    return internet_address_list_to_string(list, NULL, FALSE);
}

/* The raw header block of the LEN bytes of RAW (up to the first blank
 * line), as valid UTF-8; caller frees. */
static char *raw_headers(const char *raw, gsize len)
{
    const char *end = NULL;
    for (gsize i = 0; i + 1 < len && !end; i++) {
        if (raw[i] == '\n' && raw[i + 1] == '\n')
            end = raw + i + 1;
        else if (raw[i] == '\n' && raw[i + 1] == '\r' && i + 2 < len && raw[i + 2] == '\n')
            end = raw + i + 1;
    }
    return g_utf8_make_valid(raw, end ? end - raw : (gssize)len);
}

/* Parse the LEN bytes of RAW (one message) into a new Mail. */
static Mail *mail_parse(const char *raw, gsize len)
{
    GMimeStream *stream = g_mime_stream_mem_new_with_buffer(raw, len);
    GMimeParser *parser = g_mime_parser_new_with_stream(stream);
    GMimeMessage *message = g_mime_parser_construct_message(parser, NULL);
    g_object_unref(parser);
    g_object_unref(stream);
    Mail *m = g_new0(Mail, 1);
    m->size = len;
    m->attachments = g_ptr_array_new_with_free_func(attachment_free);
    m->recipients = g_ptr_array_new_with_free_func(recipient_free);
    m->headers = raw_headers(raw, len);
    if (!message)
        return m;
    m->subject = g_strdup(g_mime_message_get_subject(message));
    GDateTime *date = g_mime_message_get_date(message);
    m->date = date ? g_date_time_to_unix(date) : 0;
    InternetAddressList *from = g_mime_message_get_from(message);
    if (from && internet_address_list_length(from) > 0) {
        InternetAddress *a = internet_address_list_get_address(from, 0);
        m->from_name = g_strdup(internet_address_get_name(a));
        if (INTERNET_ADDRESS_IS_MAILBOX(a))
            m->from_addr = g_strdup(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a)));
    }
    m->to = address_text(message, GMIME_ADDRESS_TYPE_TO, 1, m->recipients);
    m->cc = address_text(message, GMIME_ADDRESS_TYPE_CC, 2, m->recipients);
    const char *id = g_mime_message_get_message_id(message);
    m->message_id = id ? g_strdup_printf("<%s>", id) : NULL;
    const char *irt = g_mime_object_get_header(GMIME_OBJECT(message), "In-Reply-To");
    m->in_reply_to = irt ? g_strstrip(g_strdup(irt)) : NULL;
    GMimeObject *body = g_mime_message_get_mime_part(message);
    char *text = body ? first_text(body, "plain") : NULL;
    if (text) {
        m->body = crlf(text);
        g_free(text);
    } else {
        m->html = body ? first_text(body, "html") : NULL;
    }
    if (body)
        collect_attachments(body, m->attachments);
    g_object_unref(message);
    return m;
}

/* Split the mbox DATA (LEN bytes) into messages and parse each; the n-th
 * gets NID_TYPE_NORMAL_MESSAGE node FIRST_MESSAGE_INDEX + n.  Returns a
 * GPtrArray of Mail. */
static GPtrArray *read_mbox(const char *data, gsize len)
{
    GPtrArray *mails = g_ptr_array_new_with_free_func(mail_free);
    GString *cur = NULL;
    gboolean prev_blank = TRUE;
    const char *p = data, *end = data + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', end - p);
        const char *next = nl ? nl + 1 : end;
        gsize line_len = next - p;
        if (prev_blank && line_len >= 5 && memcmp(p, "From ", 5) == 0) {
            if (cur) {
                if (cur->len && cur->str[cur->len - 1] == '\n')   /* the blank separator */
                    g_string_truncate(cur, cur->len - 1);
                g_ptr_array_add(mails, mail_parse(cur->str, cur->len));
                g_string_free(cur, TRUE);
            }
            cur = g_string_new(NULL);
        } else if (cur) {
            const char *q = p;
            while (q < next && *q == '>')
                q++;
            gboolean escaped = q > p && next - q >= 5 && memcmp(q, "From ", 5) == 0;
            g_string_append_len(cur, escaped ? p + 1 : p, escaped ? line_len - 1 : line_len);
        }
        prev_blank = line_len == 1 || (line_len == 2 && p[0] == '\r');
        p = next;
    }
    if (cur) {
        g_ptr_array_add(mails, mail_parse(cur->str, cur->len));
        g_string_free(cur, TRUE);
    }
    for (guint i = 0; i < mails->len; i++)
        ((Mail *)g_ptr_array_index(mails, i))->nid = ((FIRST_MESSAGE_INDEX + i) << 5) | 0x04;
    return mails;
}

/* ---------------------------------------------------- messaging layer */

static const guint8 store_uid[16] = { 0x63, 0x61, 0x73, 0x65, 0x6b, 0x62, 0x2d, 0x70,
                                      0x73, 0x74, 0x2d, 0x74, 0x65, 0x73, 0x74, 0x31 };

/* Write the message store PC (2.4.3): record key, display name, valid
 * folder mask, and the entry id of the IPM subtree. */
static void write_message_store(Pst *pst, const char *name)
{
    GArray *props = props_new();
    props_bytes(props, 0x0FF9, PT_BINARY, store_uid, 16);        /* PR_RECORD_KEY */
    props_string(props, 0x3001, name);                            /* PR_DISPLAY_NAME */
    props_int(props, 0x35DF, PT_LONG, 0x1);                       /* PR_VALID_FOLDER_MASK */
    guint8 entry_id[24] = { 0 };
    memcpy(entry_id + 4, store_uid, 16);
    put32(entry_id + 20, NID_IPM_SUBTREE);
    props_bytes(props, 0x35E0, PT_BINARY, entry_id, 24);          /* PR_IPM_SUBTREE_ENTRYID */
    write_pc_node(pst, NID_MESSAGE_STORE, 0, props, NULL);
}

/* Write the name-to-id map PC (2.4.7) with no named properties. */
static void write_name_to_id_map(Pst *pst)
{
    GArray *props = props_new();
    props_int(props, 0x0001, PT_LONG, 251);                       /* PidTagNameidBucketCount */
    props_bytes(props, 0x0002, PT_BINARY, "", 0);                 /* GUID stream */
    props_bytes(props, 0x0003, PT_BINARY, "", 0);                 /* entry stream */
    props_bytes(props, 0x0004, PT_BINARY, "", 0);                 /* string stream */
    write_pc_node(pst, NID_NAME_TO_ID_MAP, 0, props, NULL);
}

typedef struct {
    guint32 nid, parent;
    const char *name, *container_class;
    guint32 content_count;
    guint32 child_nid;          /* the one subfolder, or 0 */
    const char *child_name;
    guint32 child_count;
    gboolean child_has_sub;
} Folder;

/* Write folder F (2.4.4): its PC, hierarchy table (its one subfolder, if
 * any), contents table (MAILS, may be NULL) and an empty FAI contents table. */
static void write_folder(Pst *pst, const Folder *f, GPtrArray *mails)
{
    GArray *props = props_new();
    props_string(props, 0x3001, f->name);                         /* PR_DISPLAY_NAME */
    props_int(props, 0x3602, PT_LONG, f->content_count);          /* PR_CONTENT_COUNT */
    props_int(props, 0x3603, PT_LONG, 0);                         /* PR_CONTENT_UNREAD */
    props_int(props, 0x360A, PT_BOOLEAN, f->child_nid != 0);      /* PR_SUBFOLDERS */
    props_string(props, 0x3613, f->container_class);              /* PR_CONTAINER_CLASS */
    write_pc_node(pst, f->nid, f->parent, props, NULL);
    guint32 index = f->nid & ~0x1Fu;

    static const guint32 hier_tags[] = { 0x67F20003, 0x67F30003, 0x3001001F, 0x36020003,
                                         0x36030003, 0x360A000B };
    gsize name_len = 0;
    guint8 *name16 = f->child_nid ? utf16le(f->child_name, &name_len) : NULL;
    guint8 zero[4] = { 0 }, count[4], sub = f->child_has_sub;
    put32(count, f->child_count);
    Cell hier[6] = { { NULL, 0 }, { zero, 4 }, { name16, name_len }, { count, 4 },
                     { zero, 4 }, { &sub, 1 } };
    write_tc_node(pst, index | 0x0D, hier_tags, 6, &f->child_nid, hier, f->child_nid ? 1 : 0);
    g_free(name16);

    static const guint32 contents_tags[] = { 0x67F20003, 0x67F30003, 0x0037001F, 0x0E060040,
                                             0x0E070003 };
    guint n = mails ? mails->len : 0;
    Cell *cells = g_new0(Cell, (gsize)n * 5 + 1);
    guint32 *row_ids = g_new0(guint32, n + 1);
    guint64 *times = g_new0(guint64, n + 1);
    guint8 **subjects = g_new0(guint8 *, n + 1);
    static const guint8 read_flag[4] = { 1, 0, 0, 0 };
    for (guint i = 0; i < n; i++) {
        Mail *m = g_ptr_array_index(mails, i);
        gsize len = 0;
        row_ids[i] = m->nid;
        subjects[i] = utf16le(m->subject ? m->subject : "", &len);
        times[i] = GUINT64_TO_LE(filetime(m->date));
        cells[i * 5 + 1] = (Cell){ &zero, 4 };
        cells[i * 5 + 2] = (Cell){ subjects[i], len };
        cells[i * 5 + 3] = (Cell){ &times[i], 8 };
        cells[i * 5 + 4] = (Cell){ read_flag, 4 };
    }
    write_tc_node(pst, index | 0x0E, contents_tags, 5, row_ids, cells, n);
    for (guint i = 0; i < n; i++)
        g_free(subjects[i]);
    g_free(subjects); g_free(times); g_free(row_ids); g_free(cells);

    static const guint32 fai_tags[] = { 0x67F20003, 0x67F30003, 0x001A001F };
    write_tc_node(pst, index | 0x0F, fai_tags, 3, NULL, NULL, 0);
}

/* Write ATTACHMENTS (2.4.6) as subnodes listed in SUBNODES: one attachment
 * object each (NID_TYPE_ATTACHMENT, a PC with method, names, MIME type,
 * size and data) and the attachment table (0x671) with a row for each. */
static void write_attachments(Pst *pst, GPtrArray *attachments, GArray *subnodes)
{
    static const guint32 tags[] = { 0x67F20003, 0x67F30003, 0x0E200003, 0x3704001F,
                                    0x37050003, 0x370B0003 };
    guint n = attachments->len;
    guint32 *row_ids = g_new0(guint32, n);
    Cell *cells = g_new0(Cell, (gsize)n * 6);
    guint8 *ints = g_malloc0((gsize)n * 12);   /* size, method, position per row */
    guint8 **names = g_new0(guint8 *, n);
    for (guint i = 0; i < n; i++) {
        Attachment *a = g_ptr_array_index(attachments, i);
        gsize size, name_len;
        const guint8 *data = g_bytes_get_data(a->data, &size);
        GArray *props = props_new();
        props_int(props, 0x0E20, PT_LONG, (guint32)size);         /* PR_ATTACH_SIZE */
        props_string(props, 0x3001, a->name);                     /* PR_DISPLAY_NAME */
        props_bytes(props, 0x3701, PT_BINARY, size ? data : (const guint8 *)"", size);
        props_string(props, 0x3704, a->name);                     /* PR_ATTACH_FILENAME */
        props_int(props, 0x3705, PT_LONG, 1);                     /* PR_ATTACH_METHOD: by value */
        props_string(props, 0x3707, a->name);                     /* PR_ATTACH_LONG_FILENAME */
        props_int(props, 0x370B, PT_LONG, 0xFFFFFFFF);            /* PR_RENDERING_POSITION */
        props_string(props, 0x370E, a->mime_type);                /* PR_ATTACH_MIME_TAG */
        SlEntry e = { .nid = ((i + 1) << 5) | 0x05 };             /* NID_TYPE_ATTACHMENT */
        write_pc(pst, props, NULL, &e.bid_data, &e.bid_sub);
        g_array_append_val(subnodes, e);
        row_ids[i] = e.nid;
        names[i] = utf16le(a->name, &name_len);
        guint8 *row_ints = ints + (gsize)i * 12;
        put32(row_ints, (guint32)size);
        put32(row_ints + 4, 1);
        put32(row_ints + 8, 0xFFFFFFFF);
        cells[i * 6 + 1] = (Cell){ "\0\0\0\0", 4 };
        cells[i * 6 + 2] = (Cell){ row_ints, 4 };
        cells[i * 6 + 3] = (Cell){ names[i], name_len };
        cells[i * 6 + 4] = (Cell){ row_ints + 4, 4 };
        cells[i * 6 + 5] = (Cell){ row_ints + 8, 4 };
    }
    GByteArray *table = build_tc(tags, 6, row_ids, cells, n);
    SlEntry t = { .nid = 0x671,                                   /* NID_ATTACHMENT_TABLE */
                  .bid_data = pst_write_block(pst, table->data, table->len, FALSE) };
    g_array_append_val(subnodes, t);
    g_byte_array_unref(table);
    for (guint i = 0; i < n; i++)
        g_free(names[i]);
    g_free(names); g_free(ints); g_free(cells); g_free(row_ids);
}

/* The recipient table (2.4.5.2) of RECIPIENTS: type, display name, SMTP
 * address and address type per row.  Caller unrefs. */
static GByteArray *build_recipient_table(GPtrArray *recipients)
{
    static const guint32 tags[] = { 0x67F20003, 0x67F30003, 0x0C150003, 0x3001001F,
                                    0x3002001F, 0x3003001F };
    guint n = recipients->len;
    guint32 *row_ids = g_new0(guint32, n + 1);
    Cell *cells = g_new0(Cell, (gsize)n * 6 + 1);
    guint8 *types = g_malloc0((gsize)n * 4 + 1);
    GPtrArray *strings = g_ptr_array_new_with_free_func(g_free);
    static const guint8 zero[4] = { 0 };
    for (guint i = 0; i < n; i++) {
        Recipient *r = g_ptr_array_index(recipients, i);
        const char *texts[3] = { r->name && *r->name ? r->name : r->addr, "SMTP", r->addr };
        row_ids[i] = i + 1;
        put32(types + 4 * i, r->type);
        cells[i * 6 + 1] = (Cell){ zero, 4 };
        cells[i * 6 + 2] = (Cell){ types + 4 * i, 4 };
        for (guint k = 0; k < 3; k++) {
            gsize len = 0;
            guint8 *u = utf16le(texts[k] ? texts[k] : "", &len);
            g_ptr_array_add(strings, u);
            cells[i * 6 + 3 + k] = (Cell){ u, len };
        }
    }
    GByteArray *table = build_tc(tags, 6, row_ids, cells, n);
    g_ptr_array_unref(strings);
    g_free(types); g_free(cells); g_free(row_ids);
    return table;
}

/* Write message M (2.4.5) in folder PARENT, without PR_TRANSPORT_MESSAGE_HEADERS
 * when NO_HEADERS; recipients and attachments follow 2.4.5.2 and 2.4.6. */
static void write_message(Pst *pst, const Mail *m, guint32 parent, gboolean no_headers)
{
    GArray *props = props_new();
    props_text(pst, props, 0x001A, "IPM.Note");                      /* PR_MESSAGE_CLASS */
    props_text(pst, props, 0x0037, m->subject);                      /* PR_SUBJECT */
    props_text(pst, props, 0x0E1D, m->subject);                      /* PR_NORMALIZED_SUBJECT */
    props_int(props, 0x0E07, PT_LONG,                             /* PR_MESSAGE_FLAGS: read, */
              m->attachments->len ? 0x11 : 0x01);                 /* has attachments */
    props_int(props, 0x0E08, PT_LONG, (guint32)m->size);          /* PR_MESSAGE_SIZE */
    props_int(props, 0x3FDE, PT_LONG, pst->codepage ? pst->codepage : 65001);  /* PR_INTERNET_CPID */
    if (pst->codepage)
        props_int(props, 0x3FFD, PT_LONG, pst->codepage);         /* PR_MESSAGE_CODEPAGE */
    if (m->date) {
        props_time(props, 0x0039, m->date);                       /* PR_CLIENT_SUBMIT_TIME */
        props_time(props, 0x0E06, m->date);                       /* PR_MESSAGE_DELIVERY_TIME */
    }
    props_text(pst, props, 0x0C1A, m->from_name);                    /* PR_SENDER_NAME */
    props_text(pst, props, 0x0C1F, m->from_addr);                    /* PR_SENDER_EMAIL_ADDRESS */
    props_text(pst, props, 0x0C1E, m->from_addr ? "SMTP" : NULL);    /* PR_SENDER_ADDRTYPE */
    props_text(pst, props, 0x0042, m->from_name);                    /* PR_SENT_REPRESENTING_NAME */
    props_text(pst, props, 0x0065, m->from_addr);                    /* ..._EMAIL_ADDRESS */
    props_text(pst, props, 0x0E04, m->to);                           /* PR_DISPLAY_TO */
    props_text(pst, props, 0x0E03, m->cc);                           /* PR_DISPLAY_CC */
    props_text(pst, props, 0x1035, m->message_id);                   /* PR_INTERNET_MESSAGE_ID */
    props_text(pst, props, 0x1042, m->in_reply_to);                  /* PR_IN_REPLY_TO_ID */
    if (!no_headers)
        props_text(pst, props, 0x007D, m->headers);                  /* PR_TRANSPORT_MESSAGE_HEADERS */
    if (m->body)
        props_text(pst, props, 0x1000, m->body);                     /* PR_BODY */
    else if (m->html)
        props_bytes(props, 0x1013, PT_BINARY, m->html, strlen(m->html));   /* PR_HTML, UTF-8 */

    GArray *extra = g_array_new(FALSE, FALSE, sizeof(SlEntry));
    GByteArray *recipients = build_recipient_table(m->recipients);
    SlEntry e = { .nid = NID_RECIPIENT_TBL,
                  .bid_data = pst_write_block(pst, recipients->data, recipients->len, FALSE) };
    g_array_append_val(extra, e);
    g_byte_array_unref(recipients);
    if (m->attachments->len)
        write_attachments(pst, m->attachments, extra);
    write_pc_node(pst, m->nid, parent, props, extra);
    g_array_unref(extra);
}

/* ------------------------------------------- maps, B-trees and header */

/* Fill the AMap page at 0x4400 (2.2.2.7.2: one bit per 64 bytes, most
 * significant bit first) from PST's allocations, and the PMap page at 0x4600
 * (deprecated, all set).  Returns the free bytes the AMap records. */
static guint64 write_maps(Pst *pst)
{
    guint8 *amap = pst->file->data + AMAP_FIRST;
    guint8 *pmap = pst->file->data + PMAP_FIRST;
    memset(amap, 0, PAGE_SIZE);
    for (guint i = 0; i + 1 < pst->allocated->len; i += 2) {
        guint64 ib = g_array_index(pst->allocated, guint64, i);
        guint64 size = g_array_index(pst->allocated, guint64, i + 1);
        for (guint64 slot = (ib - AMAP_FIRST) / 64; slot < (ib - AMAP_FIRST + size) / 64; slot++)
            amap[slot / 8] |= 0x80 >> (slot % 8);
    }
    guint64 free_slots = 0;
    for (guint i = 0; i < PAGE_DATA * 8; i++)
        free_slots += !(amap[i / 8] & (0x80 >> (i % 8)));
    struct { guint8 *page; guint8 ptype; guint64 ib; } maps[] = {
        { amap, PTYPE_AMAP, AMAP_FIRST }, { pmap, PTYPE_PMAP, PMAP_FIRST } };
    memset(pmap, 0xFF, PAGE_DATA);
    for (guint i = 0; i < G_N_ELEMENTS(maps); i++) {
        guint8 *t = maps[i].page + PAGE_DATA;
        t[0] = t[1] = maps[i].ptype;
        put16(t + 2, 0);
        put32(t + 4, pst_crc(maps[i].page, PAGE_DATA));
        put64(t + 8, maps[i].ib);   /* map pages use their offset as id */
    }
    return free_slots * 64;
}

/* Write the NBT and BBT (sorted here) and return their roots' BREFs. */
static void write_btrees(Pst *pst, guint64 nbt[2], guint64 bbt[2])
{
    g_array_sort(pst->nbt, cmp_nbt);
    GByteArray *leaves = g_byte_array_new();
    for (guint i = 0; i < pst->nbt->len; i++) {   /* NBTENTRY, 2.2.2.7.7.4 */
        NbtEntry *e = &g_array_index(pst->nbt, NbtEntry, i);
        add64(leaves, e->nid);
        add64(leaves, e->bid_data);
        add64(leaves, e->bid_sub);
        add32(leaves, e->nid_parent);
        add32(leaves, 0);
    }
    pst_write_btree(pst, PTYPE_NBT, leaves->data, pst->nbt->len, 32, 15, &nbt[0], &nbt[1]);
    g_byte_array_set_size(leaves, 0);
    g_array_sort(pst->bbt, cmp_bbt);
    for (guint i = 0; i < pst->bbt->len; i++) {   /* BBTENTRY, 2.2.2.7.7.3 */
        BbtEntry *e = &g_array_index(pst->bbt, BbtEntry, i);
        add64(leaves, e->bid);
        add64(leaves, e->ib);
        add16(leaves, e->cb);
        add16(leaves, 1);      /* cRef */
        add32(leaves, 0);
    }
    pst_write_btree(pst, PTYPE_BBT, leaves->data, pst->bbt->len, 24, 20, &bbt[0], &bbt[1]);
    g_byte_array_unref(leaves);
}

/* Fill the Unicode HEADER (2.2.2.6) with its ROOT (2.2.2.5) and CRCs;
 * N_MAILS messages used NID indexes from FIRST_MESSAGE_INDEX. */
static void write_header(Pst *pst, const guint64 nbt[2], const guint64 bbt[2], guint64 amap_free,
                         guint n_mails)
{
    guint8 *h = pst->file->data;
    memset(h, 0, 564);
    memcpy(h, "!BDN", 4);
    memcpy(h + 8, "SM", 2);                 /* wMagicClient */
    put16(h + 10, 23);                      /* wVer: Unicode */
    put16(h + 12, 19);                      /* wVerClient */
    h[14] = h[15] = 1;                      /* bPlatformCreate, bPlatformAccess */
    put64(h + 32, pst->next_page_bid);      /* bidNextP */
    put32(h + 40, 1);                       /* dwUnique */
    for (int type = 0; type < 32; type++)   /* rgnid: next free NID index per type */
        put32(h + 44 + 4 * type, 0x400);
    put32(h + 44 + 4 * 0x02, 0x403);        /* folders 0x401, 0x402 used */
    for (int type = 0x0D; type <= 0x0F; type++)
        put32(h + 44 + 4 * type, 0x403);
    put32(h + 44 + 4 * 0x04, FIRST_MESSAGE_INDEX + n_mails);
    guint8 *root = h + 180;
    put64(root + 4, pst->file->len);        /* ibFileEof */
    put64(root + 12, AMAP_FIRST);           /* ibAMapLast */
    put64(root + 20, amap_free);            /* cbAMapFree */
    put64(root + 28, 0);                    /* cbPMapFree */
    put64(root + 36, nbt[0]);
    put64(root + 44, nbt[1]);
    put64(root + 52, bbt[0]);
    put64(root + 60, bbt[1]);
    root[68] = 0x02;                        /* fAMapValid: VALID_AMAP2 */
    memset(h + 256, 0xFF, 128);             /* rgbFM (deprecated) */
    memset(h + 384, 0xFF, 128);             /* rgbFP (deprecated) */
    h[512] = 0x80;                          /* bSentinel */
    h[513] = 0;                             /* bCryptMethod: none */
    put64(h + 516, pst->next_bid);          /* bidNextB */
    put32(h + 4, pst_crc(h + 8, 471));      /* dwCRCPartial */
    put32(h + 524, pst_crc(h + 8, 516));    /* dwCRCFull */
}

/* Build the whole PST for MAILS in folder FOLDER_NAME (NO_HEADERS, CODEPAGE:
 * the options); caller unrefs. */
static GByteArray *build_pst(GPtrArray *mails, const char *folder_name, gboolean no_headers,
                             int codepage)
{
    Pst pst = { .file = g_byte_array_new(), .next_bid = 4, .next_page_bid = 0x10004,
                .codepage = codepage,
                .bbt = g_array_new(FALSE, FALSE, sizeof(BbtEntry)),
                .nbt = g_array_new(FALSE, FALSE, sizeof(NbtEntry)),
                .allocated = g_array_new(FALSE, FALSE, sizeof(guint64)) };
    g_byte_array_set_size(pst.file, AMAP_FIRST);
    memset(pst.file->data, 0, AMAP_FIRST);
    pst_reserve(&pst, PAGE_SIZE, PAGE_SIZE);   /* the AMap page */
    pst_reserve(&pst, PAGE_SIZE, PAGE_SIZE);   /* the PMap page */
    write_message_store(&pst, "casekb test archive");
    write_name_to_id_map(&pst);
    Folder root = { .nid = NID_ROOT_FOLDER, .parent = NID_ROOT_FOLDER,
                    .child_nid = NID_IPM_SUBTREE, .child_name = "Top of Personal Folders",
                    .child_has_sub = TRUE };
    Folder ipm = { .nid = NID_IPM_SUBTREE, .parent = NID_ROOT_FOLDER,
                   .name = "Top of Personal Folders", .child_nid = NID_MAIL_FOLDER,
                   .child_name = folder_name, .child_count = mails->len };
    Folder mail = { .nid = NID_MAIL_FOLDER, .parent = NID_IPM_SUBTREE, .name = folder_name,
                    .container_class = "IPF.Note", .content_count = mails->len };
    write_folder(&pst, &root, NULL);
    write_folder(&pst, &ipm, NULL);
    write_folder(&pst, &mail, mails);
    for (guint i = 0; i < mails->len; i++)
        write_message(&pst, g_ptr_array_index(mails, i), NID_MAIL_FOLDER, no_headers);
    guint64 nbt[2], bbt[2];
    write_btrees(&pst, nbt, bbt);
    guint64 amap_free = write_maps(&pst);
    write_header(&pst, nbt, bbt, amap_free, mails->len);
    g_array_unref(pst.bbt);
    g_array_unref(pst.nbt);
    g_array_unref(pst.allocated);
    return pst.file;
}

int main(int argc, char **argv)
{
    gboolean no_headers = FALSE;
    char *folder = NULL;
    int codepage = 0;
    GOptionEntry entries[] = {
        { "no-headers", 0, 0, G_OPTION_ARG_NONE, &no_headers,
          "leave out PR_TRANSPORT_MESSAGE_HEADERS", NULL },
        { "folder", 0, 0, G_OPTION_ARG_STRING, &folder, "name of the mail folder", "NAME" },
        { "codepage", 0, 0, G_OPTION_ARG_INT, &codepage,
          "write message strings as PT_STRING8 in this Windows code page (e.g. 936)", "CP" },
        { NULL }
    };
    GOptionContext *ctx = g_option_context_new("IN.mbox OUT.pst");
    g_option_context_add_main_entries(ctx, entries, NULL);
    GError *error = NULL;
    if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc != 3) {
        fprintf(stderr, "usage: mbox2pst [--no-headers] [--codepage CP] [--folder NAME] IN.mbox "
                "OUT.pst%s%s\n",
                error ? ": " : "", error ? error->message : "");
        return 2;
    }
    g_option_context_free(ctx);
    char *data;
    gsize len;
    if (!g_file_get_contents(argv[1], &data, &len, &error)) {
        fprintf(stderr, "mbox2pst: %s\n", error->message);
        return 2;
    }
    g_mime_init();
    GPtrArray *mails = read_mbox(data, len);
    GByteArray *pst = build_pst(mails, folder ? folder : "Cases", no_headers, codepage);
    if (!g_file_set_contents(argv[2], (const char *)pst->data, pst->len, &error)) {
        fprintf(stderr, "mbox2pst: %s\n", error->message);
        return 2;
    }
    g_byte_array_unref(pst);
    g_ptr_array_unref(mails);
    g_free(data);
    g_free(folder);
    g_mime_shutdown();
    return 0;
}
