/* caseinfo.h — what a case's identity and state are, read from text.
 *
 * Pure functions over UTF-8 strings (no database): case IDs and aliases in
 * subjects and text, the team's subject convention
 *   [案例号: CAS-03877-J9N4S5 ] % |普通事件|HP| 标题 % 阶段 CMIT:0001828
 * (also [Case #: ID ], [Case#: ID], [Case: ID], [案例編號: ID ] and, opening
 * the subject, Case ID: ID; the % parts and |severity|vendor| may be left
 * out),
 * subject normalisation for reply/forward prefixes, thread keys for mail
 * without a case ID, closing phrases, and the customer organisation.
 * Returned strings and arrays are newly allocated; caller frees them.
 */
#ifndef CASEKB_CASEINFO_H
#define CASEKB_CASEINFO_H

#include <glib.h>

/* Case IDs in TEXT, in order of appearance, without duplicates: every
 * CAS-NNNNN-XXXXXX and any ID written after 案例号 / 案例號 / Case # /
 * Case No. / Case ID.  Upper-cased.  Caller unrefs (elements g_free'd). */
GPtrArray *ck_case_ids_in_text(const char *text);

/* Aliases in TEXT (CMIT:0001828 form, normalised to "CMIT:" + digits). */
GPtrArray *ck_case_aliases_in_text(const char *text);

/* SUBJECT with reply/forward prefixes (回复: 答复: 转发: 回覆: 答覆: 轉寄:
 * RE: Re: FW: Fwd: AW: …, repeated, ASCII or full-width colon) removed and
 * white space collapsed.  *had_prefix (may be NULL) says whether any was. */
char *ck_subject_strip_prefixes(const char *subject, gboolean *had_prefix);

/* The key used to match subjects: prefixes, the [案例号: ID ] tag and
 * aliases removed, white space collapsed, case-folded. */
char *ck_subject_key(const char *subject);

typedef struct {
    char *case_id, *severity, *vendor, *title, *stage;
} CkSubjectFields;

/* Parse the team's subject convention; FALSE (fields untouched) when
 * SUBJECT does not follow it.  Missing parts are "" (a subject that is
 * only "[Case #: ID] title" gives the ID and the title).  Free the fields with ck_subject_fields_clear. */
gboolean ck_subject_parse_convention(const char *subject, CkSubjectFields *out);
void ck_subject_fields_clear(CkSubjectFields *fields);

/* "THR-" + 8 hex characters derived from the thread root's Message-ID. */
char *ck_thread_key(const char *root_message_id);

/* TRUE when TEXT closes the case (结案, 結案, 关闭案例, 归档处理, "close the
 * case", …) in a sentence that does not negate or only consider it. */
gboolean ck_text_closes_case(const char *text);

/* The customer organisation named in a title or text ("中国人寿用户…" ->
 * "中国人寿", "客户：某银行", "Customer: Contoso Bank"), or NULL. */
char *ck_customer_in_text(const char *text);

/* TRUE when TEXT carries the support team's own boilerplate (service
 * hotline footer, scope statement, case summary). */
gboolean ck_text_is_support_boilerplate(const char *text);

#endif
