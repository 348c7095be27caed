/* cmd-draft.c — `casekb draft CASE_ID|FILE.eml [--kind KIND] [--signature
 * FILE]`: the next reply the thread calls for, in the customer's language
 * and the team's style; exit status 1 when there is nothing to draft. */
#include "cli/commands.h"
#include "reports/draft.h"
#include "store/similar.h"
#include "reports/similar-out.h"
#include "reports/privacy.h"

#define DRAFT_SIMILAR 3

/* The signature: --signature FILE, else the "signature" setting, else
 * NULL (a placeholder block).  FALSE with *error when FILE is unreadable. */
static gboolean load_signature(CkContext *ctx, const char *path, char **signature, GError **error)
{
    if (path)
        return g_file_get_contents(path, signature, NULL, error)
               && (g_utf8_validate(*signature, -1, NULL)
                   || (g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: not UTF-8 text", path), FALSE));
    *signature = ck_store_get_setting(ctx->store, "signature");
    return TRUE;
}

/* Similar past cases for a new mail's DOC; NULL for a stored case. */
static JsonNode *similar_for_mail(CkContext *ctx, JsonObject *doc, gint64 rowid, GError **error)
{
    if (rowid)
        return NULL;
    JsonObject *probe = ck_similar_probe(doc);
    JsonNode *similar = ck_store_similar_cases(ctx->store, probe, 0, DRAFT_SIMILAR, error);
    json_object_unref(probe);
    ck_json_mask_product_keys(similar);
    return similar;
}

/* The draft command (see the file comment). */
int casekb_cmd_draft(CkContext *ctx, int argc, char **argv)
{
    char *signature_path = NULL, *kind_name = NULL;
    const GOptionEntry entries[] = {
        { "signature", 0, 0, G_OPTION_ARG_FILENAME, &signature_path,
          "Closing and contact lines (default: the 'signature' setting, else a placeholder)", "FILE" },
        { "kind", 0, 0, G_OPTION_ARG_STRING, &kind_name,
          "Draft this kind whatever the thread's state: first, ask, partial, closing, follow-up, none", "KIND" },
        { NULL }
    };
    int rc = CK_EXIT_OK;
    if (!ck_cli_parse(ctx, &argc, &argv, entries, "CASE_ID|FILE.eml",
                      "Draft the next reply to a case, or to a new mail (analysed, not stored), in the language\n"
                      "of the customer's last mail.  The thread's state picks the kind (first response, ask for\n"
                      "information, follow-up on partial results, closing summary, follow-up, or none: exit 1).\n"
                      "Every fact is quoted from the thread and listed with its mail.  What the engineer must\n"
                      "still supply is marked 【待补充】 / [TO FILL]; for a new mail the most similar past cases\n"
                      "are listed under the draft.", &rc))
        return rc;
    CkReplyKind kind = CK_REPLY_AUTO;
    if (argc != 2 || (kind_name && !ck_reply_kind_parse(kind_name, &kind))) {
        rc = ck_cli_error(ctx, CK_EXIT_USAGE, argc != 2 ? "expected one case ID or mail file"
                          : "--kind: expected first, ask, partial, closing, follow-up or none");
        g_free(signature_path);
        g_free(kind_name);
        return rc;
    }
    CkRuleSet *rules = ck_cli_load_rules(ctx);
    GError *error = NULL;
    char *signature = NULL;
    gint64 rowid = 0;
    JsonNode *doc = NULL, *similar = NULL;
    if (!load_signature(ctx, signature_path, &signature, &error))
        rc = ck_cli_fail(ctx, CK_EXIT_USAGE, error);
    else if (!(doc = ck_draft_source(ctx->store, rules, argv[1], &rowid, &error)))
        rc = ck_cli_fail(ctx, g_error_matches(error, CK_DRAFT_ERROR, CK_DRAFT_ERROR_NOT_FOUND) ? CK_EXIT_NOT_FOUND
                         : error && error->domain == CK_STORE_ERROR ? CK_EXIT_INTERNAL : CK_EXIT_USAGE, error);
    else if (!rowid && !(similar = similar_for_mail(ctx, json_node_get_object(doc), rowid, &error)))
        rc = ck_cli_fail(ctx, CK_EXIT_INTERNAL, error);
    else {
        JsonNode *draft = ck_draft_build(json_node_get_object(doc), rules, kind, signature, similar);
        ck_output_write(stdout, ctx->format, draft, ck_text_draft);
        rc = ck_draft_is_none(draft) ? CK_EXIT_NOT_FOUND : CK_EXIT_OK;
        json_node_unref(draft);
    }
    if (similar)
        json_node_unref(similar);
    if (doc)
        json_node_unref(doc);
    if (rules)
        ck_ruleset_free(rules);
    g_free(signature);
    g_free(signature_path);
    g_free(kind_name);
    return rc;
}
