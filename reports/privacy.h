/* privacy.h — masking what must not leave casekb in full.
 *
 * Full product keys (five groups of five letters or digits) show as
 * *****-*****-*****-*****-4M68B in every output except show --json --reveal:
 * only the last group, which Windows itself prints ("partial product key"),
 * stays, folded to ASCII upper case.  A key is found
 *   - with dashes between the groups (ASCII or full-width ＡＢＣＤＥ－…, any
 *     case, a dash may have spaces or one line break around it);
 *   - with white space between the groups (XXXXX XXXXX XXXXX XXXXX XXXXX;
 *     upper case and digits only, so five five-letter words are not a key);
 *   - split by highlight markers (search snippets), see
 *     ck_mask_product_keys_marked().
 * Text is masked before it is cut: a key cut after four groups no longer
 * looks like a key, so every cut of mail text goes through
 * ck_mask_and_cut() (or masks first and cuts after).
 * Every returned string is new; the caller frees it with g_free().
 */
#ifndef CASEKB_PRIVACY_H
#define CASEKB_PRIVACY_H

#include <glib.h>
#include <json-glib/json-glib.h>

/* TEXT with every full product key masked but its last group (NULL: "").
 * Invalid UTF-8 is replaced first.  Caller frees. */
char *ck_mask_product_keys(const char *text);

/* The same for TEXT in which the strings OPEN and CLOSE mark highlighted
 * ranges: markers are not part of the text when keys are looked for, the
 * ones outside keys stay where they are, and a key that held any marked
 * character is marked whole ("[*****-*****-*****-*****-4M68B]"); the
 * markers stay balanced.  OPEN or CLOSE NULL or "": ck_mask_product_keys().
 * Caller frees. */
char *ck_mask_product_keys_marked(const char *text, const char *open, const char *close);

/* TEXT masked, then cut to MAX_CHARS characters with "…" added when it was
 * longer.  Caller frees. */
char *ck_mask_and_cut(const char *text, guint max_chars);

/* Mask product keys in every string inside NODE, in place. */
void ck_json_mask_product_keys(JsonNode *node);

#endif
