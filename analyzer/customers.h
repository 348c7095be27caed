/* customers.h — the customer alias table: names in different languages or
 * spellings of one organisation ("Northbridge Bank", "北桥银行").
 *
 * The table lives in the rule folder as customers.yaml, edited by the
 * support lead (format: rules/README.md):
 *     customers:
 *       北桥银行: [Northbridge Bank, 北橋銀行]
 * Names are compared folded (NFKC, case, Traditional -> Simplified, runs of
 * white space as one space, trimmed), so "NORTHBRIDGE  bank" is an alias of
 * 北桥银行 too.  A name the table does not know is its own canonical name.
 * Strings returned as const char * belong to the table.
 */
#ifndef CASEKB_CUSTOMERS_H
#define CASEKB_CUSTOMERS_H

#include <glib.h>

#define CK_CUSTOMERS_ERROR (ck_customers_error_quark())
GQuark ck_customers_error_quark(void);
typedef enum {
    CK_CUSTOMERS_ERROR_FILE,     /* the file cannot be read or is not valid */
    CK_CUSTOMERS_ERROR_CONFLICT  /* one alias given to two canonical names */
} CkCustomersError;

typedef struct CkCustomers CkCustomers;

/* An empty table.  Free with ck_customers_free(). */
CkCustomers *ck_customers_new(void);

/* Free TABLE.  NULL is allowed. */
void ck_customers_free(CkCustomers *table);

/* Make ALIAS a name of CANONICAL (CANONICAL is always a name of itself).
 * FALSE with *error (CK_CUSTOMERS_ERROR_CONFLICT) when ALIAS or CANONICAL
 * already belongs to another canonical name. */
gboolean ck_customers_add(CkCustomers *table, const char *canonical, const char *alias, GError **error);

/* Load the table from the YAML file PATH; a missing file gives an empty
 * table.  NULL with *error ("file:line:col: problem"; all problems, one a
 * line) when the file is not a valid table.  Caller frees. */
CkCustomers *ck_customers_load(const char *path, GError **error);

/* Load RULES_DIR/customers.yaml (see ck_customers_load()). */
CkCustomers *ck_customers_load_dir(const char *rules_dir, GError **error);

/* The canonical name of NAME: the table's canonical name when NAME is one
 * of its names, else NAME itself.  TABLE may be NULL. */
const char *ck_customers_canonical(const CkCustomers *table, const char *name);

/* Every name of NAME's organisation as written in the table (canonical
 * first, then its aliases), or just NAME when the table does not know it;
 * for filtering cases by customer.  Caller unrefs (strings copied). */
GPtrArray *ck_customers_names(const CkCustomers *table, const char *name);

#endif
