/* entities.c — entity extraction driven by the rule files' `entities:`.
 *
 * Each message's new text and forwarded text are scanned (quoted text and
 * the signature are not: they repeat other messages or boilerplate).  The
 * patterns run in file order; a hit overlapping an earlier hit of the same
 * type in the same text is dropped, so a specific pattern listed first wins
 * over a general one.  Values are normalised as the pattern says.
 */
#include "analyzer/analyzer-private.h"

#include <string.h>

/* ---- normalisation ---- */

/* 0x + 8 upper-case hex digits from "0xc004f074", "C004F074", "0x5". */
static char *normalize_hex8(const char *text)
{
    const char *p = text;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
        p += 2;
    GString *digits = g_string_new(NULL);
    for (; *p && g_ascii_isxdigit(*p); p++)
        g_string_append_c(digits, g_ascii_toupper(*p));
    while (digits->len < 8)
        g_string_prepend_c(digits, '0');
    g_string_prepend(digits, "0x");
    return g_string_free(digits, FALSE);
}

/* The program name from a token: no quotes, no path, no known suffix, lower case. */
static char *program_name(const char *token)
{
    static const char *const suffixes[] = {".exe", ".vbs", ".cmd", ".bat", ".ps1", ".com", ".msc"};
    g_autofree char *t = g_ascii_strdown(token, -1);
    g_strdelimit(t, "\"'", ' ');
    g_strstrip(t);
    const char *base = t;
    for (const char *p = t; *p; p++)
        if ((*p == '\\' || *p == '/') && p[1])
            base = p + 1;
    char *name = g_strdup(base);
    for (gsize k = 0; k < G_N_ELEMENTS(suffixes); k++)
        if (g_str_has_suffix(name, suffixes[k])) {
            name[strlen(name) - strlen(suffixes[k])] = '\0';
            break;
        }
    return name;
}

/* Split TEXT at blanks, keeping "double-quoted runs" together (quotes
 * kept).  Returns char *; caller unrefs. */
static GPtrArray *command_tokens(const char *text)
{
    GPtrArray *tokens = g_ptr_array_new_with_free_func(g_free);
    GString *tok = g_string_new(NULL);
    gboolean quoted = FALSE;
    for (const char *p = text;; p++) {
        gboolean blank = *p == ' ' || *p == '\t' || *p == '\r' || *p == '\n';
        if (!*p || (blank && !quoted)) {
            if (tok->len)
                g_ptr_array_add(tokens, g_strdup(tok->str));
            g_string_truncate(tok, 0);
            if (!*p)
                break;
            continue;
        }
        if (*p == '"')
            quoted = !quoted;
        g_string_append_c(tok, *p);
    }
    g_string_free(tok, TRUE);
    return tokens;
}

/* Whether TOKEN names a .vbs script (quotes and case ignored). */
static gboolean is_vbs(const char *token)
{
    g_autofree char *t = g_ascii_strdown(token, -1);
    g_strstrip(g_strdelimit(t, "\"'", ' '));
    return g_str_has_suffix(t, ".vbs");
}

/* Index of the token that names the program: past "cscript [//opts]" when
 * a .vbs script follows (so "cscript slmgr.vbs /dlv" is slmgr). */
static guint program_index(GPtrArray *tokens)
{
    g_autofree char *first = program_name(g_ptr_array_index(tokens, 0));
    if (strcmp(first, "cscript") != 0 && strcmp(first, "wscript") != 0)
        return 0;
    guint k = 1;
    while (k < tokens->len && g_str_has_prefix(g_ptr_array_index(tokens, k), "//"))
        k++;
    return k < tokens->len && is_vbs(g_ptr_array_index(tokens, k)) ? k : 0;
}

/* The length of the command written in TEXT[0..LEN) without the sentence
 * punctuation that follows it ("slmgr /ato." "slmgr /dlv，" "slmgr /xpr)"):
 * trailing . , ; : ! ? and their full-width forms, closing brackets and
 * quotes are dropped, except "/?" (an option), a bracket or quote the
 * command opened itself, and anything else ("kms:1688", "/pd:*", "\"). */
static gsize command_trimmed_length(const char *text, gsize len)
{
    static const char *const trailing[] = { ".", ",", ";", ":", "!", "?", ")", "]", "'", "\"",
        "。", "，", "；", "：", "！", "？", "、", "）", "】", "」", "』", "”", "’", "…" };
    for (gboolean again = TRUE; again && len > 0;) {
        again = FALSE;
        for (gsize k = 0; k < G_N_ELEMENTS(trailing) && !again; k++) {
            gsize n = strlen(trailing[k]);
            if (n > len || memcmp(text + len - n, trailing[k], n) != 0)
                continue;
            char c = n == 1 ? trailing[k][0] : 0;
            if ((c == '?' && len >= 2 && text[len - 2] == '/')
                || (c == ')' && memchr(text, '(', len)) || (c == ']' && memchr(text, '[', len)))
                return len;
            if (c == '"') {
                gsize quotes = 0;
                for (gsize i = 0; i < len; i++)
                    quotes += text[i] == '"';
                if (quotes % 2 == 0)
                    return len;
            }
            len -= n;
            again = TRUE;
        }
    }
    return len;
}

/* "C:\x\sysprep.exe /OOBE  /generalize" → "sysprep /oobe /generalize";
 * "cscript //nologo slmgr.vbs /dlv" → "slmgr /dlv".  Options (words that
 * start with / or -) are lower-cased; other arguments are kept as written. */
static char *normalize_command(const char *text)
{
    g_autofree char *trimmed = g_strndup(text, command_trimmed_length(text, strlen(text)));
    g_autoptr(GPtrArray) tokens = command_tokens(trimmed);
    if (tokens->len == 0)
        return g_strdup("");
    guint first = program_index(tokens);
    GString *out = g_string_new(NULL);
    g_autofree char *name = program_name(g_ptr_array_index(tokens, first));
    g_string_append(out, name);
    for (guint i = first + 1; i < tokens->len; i++) {
        const char *tok = g_ptr_array_index(tokens, i);
        g_string_append_c(out, ' ');
        if (tok[0] == '/' || tok[0] == '-') {
            g_autofree char *lower = g_utf8_strdown(tok, -1);
            g_string_append(out, lower);
        } else {
            g_string_append(out, tok);
        }
    }
    return g_string_free(out, FALSE);
}

/* Normalise TEXT as HOW says.  Caller g_free()s. */
char *ck_normalize_value(CkNormalize how, const char *text)
{
    switch (how) {
    case CK_NORM_UPPER:
        return g_utf8_strup(text, -1);
    case CK_NORM_LOWER:
        return g_utf8_strdown(text, -1);
    case CK_NORM_HEX8:
        return normalize_hex8(text);
    case CK_NORM_COMMAND:
        return normalize_command(text);
    case CK_NORM_DIGITS: {
        GString *out = g_string_new(NULL);
        for (const char *p = text; *p; p++)
            if (g_ascii_isdigit(*p))
                g_string_append_c(out, *p);
        return g_string_free(out, FALSE);
    }
    case CK_NORM_NONE:
        break;
    }
    return g_strstrip(g_strdup(text));
}

/* ---- extraction ---- */

/* Free a CkEntityHit (GDestroyNotify). */
static void entity_hit_free(gpointer p)
{
    CkEntityHit *h = p;
    g_free(h->value);
    g_free(h->text);
    g_free(h);
}

/* Whether HITS already holds a hit of TYPE in the same text overlapping S..E. */
static gboolean overlaps(GPtrArray *hits, guint first, const char *type, const char *part,
                         gsize s, gsize e)
{
    for (guint i = first; i < hits->len; i++) {
        CkEntityHit *h = g_ptr_array_index(hits, i);
        if (h->part == part && strcmp(h->type, type) == 0 && s < h->end && h->start < e)
            return TRUE;
    }
    return FALSE;
}

typedef struct {
    const CkAnalysisInput *msg;
    guint msg_pos;
    const char *part;        /* static "new_text" / "forwarded" */
    const char *text;
    gsize len;
    guint first_hit;         /* hits of this message start here */
} TextPart;

/* Record one match of EP in TP if it yields a new value. */
static void take_match(const CkEntityPattern *ep, CkMatcher *m, const TextPart *tp, GPtrArray *hits)
{
    gsize s, e;
    if (!ck_matcher_span(m, ep->group, &s, &e) || s == e)
        return;
    if (ep->normalize == CK_NORM_COMMAND)
        e = s + command_trimmed_length(tp->text + s, e - s);
    if (s == e || overlaps(hits, tp->first_hit, ep->type, tp->part, s, e))
        return;
    g_autofree char *raw = g_strndup(tp->text + s, e - s);
    char *value = ep->fixed_value ? g_strdup(ep->fixed_value) : ck_normalize_value(ep->normalize, raw);
    if (!*value) {
        g_free(value);
        return;
    }
    CkEntityHit *h = g_new0(CkEntityHit, 1);
    h->type = ep->type;
    h->value = value;
    h->text = ck_snippet(raw, strlen(raw));
    h->message = tp->msg->index;
    h->msg_pos = tp->msg_pos;
    h->part = tp->part;
    h->start = s;
    h->end = e;
    g_ptr_array_add(hits, h);
}

/* Run EP over TP, appending hits; a limit error adds a warning. */
static void scan_part(const CkEntityPattern *ep, CkMatcher *m, const TextPart *tp,
                      GPtrArray *hits, GPtrArray *warnings)
{
    gsize pos = 0;
    for (;;) {
        CkMatchResult r = ck_regex_next(m, ep->regex, tp->text, tp->len, pos);
        if (r == CK_MATCH_NONE)
            return;
        if (r == CK_MATCH_LIMIT) {
            if (warnings)
                g_ptr_array_add(warnings, g_strdup_printf(
                    "entity pattern %s (%s:%d): match limit exceeded on message %d",
                    ep->type, ep->where.file, ep->where.line, tp->msg->index));
            return;
        }
        take_match(ep, m, tp, hits);
        gsize s, e;
        ck_matcher_span(m, 0, &s, &e);
        pos = e > pos ? e : pos + 1;
        while (pos < tp->len && (tp->text[pos] & 0xC0) == 0x80)
            pos++;
    }
}

/* Extract entities of every message; see analyzer-private.h. */
GPtrArray *ck_extract_entities(const CkRuleSet *rules, CkMatcher *m,
                               const CkAnalysisInput *msgs, guint n, GPtrArray *warnings)
{
    GPtrArray *hits = g_ptr_array_new_with_free_func(entity_hit_free);
    for (guint i = 0; i < n; i++) {
        const char *texts[] = {msgs[i].body, msgs[i].forwarded};
        static const char *const parts[] = {"new_text", "forwarded"};
        guint first = hits->len;
        for (int k = 0; k < 2; k++) {
            g_autofree char *owned = NULL;
            TextPart tp = {&msgs[i], i, parts[k], NULL, 0, first};
            tp.text = ck_prepare_text(texts[k], &owned, &tp.len);
            for (guint p = 0; p < rules->entity_patterns->len && tp.len; p++)
                scan_part(g_ptr_array_index(rules->entity_patterns, p), m, &tp, hits, warnings);
        }
    }
    return hits;
}

/* ---- JSON ---- */

/* {"case_ids": [unique values in order of appearance], …}; every known
 * type is present.  Caller unrefs. */
JsonNode *ck_entities_to_json(const CkRuleSet *rules, GPtrArray *hits)
{
    JsonObject *obj = json_object_new();
    for (guint t = 0; t < rules->entity_types->len; t++) {
        const char *type = g_ptr_array_index(rules->entity_types, t);
        JsonArray *values = json_array_new();
        g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
        for (guint i = 0; i < hits->len; i++) {
            CkEntityHit *h = g_ptr_array_index(hits, i);
            if (strcmp(h->type, type) == 0 && g_hash_table_add(seen, h->value))
                json_array_add_string_element(values, h->value);
        }
        json_object_set_array_member(obj, type, values);
    }
    JsonNode *node = json_node_init_object(json_node_alloc(), obj);
    json_object_unref(obj);
    return node;
}

/* [{"type","value","text","message","part","start","end"}].  Caller unrefs. */
JsonNode *ck_entity_spans_to_json(GPtrArray *hits)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_array(b);
    for (guint i = 0; i < hits->len; i++) {
        CkEntityHit *h = g_ptr_array_index(hits, i);
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "type");
        json_builder_add_string_value(b, h->type);
        json_builder_set_member_name(b, "value");
        json_builder_add_string_value(b, h->value);
        json_builder_set_member_name(b, "text");
        json_builder_add_string_value(b, h->text);
        json_builder_set_member_name(b, "message");
        json_builder_add_int_value(b, h->message);
        json_builder_set_member_name(b, "part");
        json_builder_add_string_value(b, h->part);
        json_builder_set_member_name(b, "start");
        json_builder_add_int_value(b, (gint64)h->start);
        json_builder_set_member_name(b, "end");
        json_builder_add_int_value(b, (gint64)h->end);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    return json_builder_get_root(b);
}
