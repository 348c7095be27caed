/* privacy.h — masking what must not leave casekb in full.
 *
 * Full product keys (five groups of five) show as
 * *****-*****-*****-*****-4M68B in every output except show --json --reveal.
 */
#ifndef CASEKB_PRIVACY_H
#define CASEKB_PRIVACY_H

#include <glib.h>
#include <json-glib/json-glib.h>

/* TEXT with every full product key masked but its last group.  Caller frees. */
char *ck_mask_product_keys(const char *text);

/* Mask product keys in every string inside NODE, in place. */
void ck_json_mask_product_keys(JsonNode *node);

#endif
