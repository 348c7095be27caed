/* test-imap.c — IMAP URL checks, state and response parsing (no server;
 * tests/e2e/T150 runs a real Dovecot). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "ingest/imap.h"

/* Assert the UIDs ck_imap_parse_search finds in TEXT above AFTER are the
 * N given (ascending). */
static void assert_uids(const char *text, guint64 after, guint n, ...)
{
    GArray *uids = ck_imap_parse_search(text, after);
    if (uids->len != n)
        fail_msg("\"%s\" after %" G_GUINT64_FORMAT ": %u UIDs, want %u", text, after, uids->len, n);
    va_list ap;
    va_start(ap, n);
    for (guint i = 0; i < n; i++)
        assert_int_equal(g_array_index(uids, guint64, i), va_arg(ap, guint64));
    va_end(ap);
    g_array_unref(uids);
}

static void search_keeps_only_uids_above_the_last(void **state)
{
    /* "UID 8:*" on a mailbox whose highest UID is 7 answers 7: not new */
    assert_uids("* SEARCH 7\r\n", 7, 0);
    assert_uids("* SEARCH 3\r\n", 7, 0);
    assert_uids("* SEARCH 8 9 12\r\n", 7, 3, (guint64)8, (guint64)9, (guint64)12);
    assert_uids("* SEARCH\r\n", 0, 0);
    assert_uids("", 0, 0);
    /* out of order, repeated, over two lines, lower case, junk ignored */
    assert_uids("* search 5 2 5\r\n* OK noise 99\r\n* SEARCH 4 x7 3\r\n", 2, 3, (guint64)3, (guint64)4, (guint64)5);
    assert_uids("* SEARCH 4294967297\r\n", 1, 1, (guint64)4294967297u);
}

static void uidvalidity_is_read_from_the_untagged_responses(void **state)
{
    const char *examine = "* FLAGS (\\Seen)\r\n* OK [PERMANENTFLAGS ()] Read-only mailbox.\r\n* 2 EXISTS\r\n"
                          "* OK [UIDVALIDITY 1796392914] UIDs valid\r\n* OK [UIDNEXT 3] Predicted next UID\r\n";
    assert_int_equal(ck_imap_parse_uidvalidity(examine), 1796392914u);
    assert_int_equal(ck_imap_parse_uidvalidity("* ok [uidvalidity 42]\r\n"), 42);
    assert_int_equal(ck_imap_parse_uidvalidity("* 2 EXISTS\r\n"), 0);
    assert_int_equal(ck_imap_parse_uidvalidity(""), 0);
}

static void state_round_trips_and_refuses_junk(void **state)
{
    CkImapState s = { 1796392914u, 4 };
    char *text = ck_imap_state_format(&s);
    assert_string_equal(text, "1796392914:4");
    CkImapState back = { 1, 1 };
    assert_true(ck_imap_state_parse(text, &back));
    assert_int_equal(back.uidvalidity, s.uidvalidity);
    assert_int_equal(back.last_uid, s.last_uid);
    g_free(text);
    const char *bad[] = { "", "12", "12:", ":4", "12:4x", "-1:4", "12:-4", "a:b", " 12:4" };
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        back = (CkImapState){ 9, 9 };
        if (ck_imap_state_parse(bad[i], &back))
            fail_msg("state \"%s\" accepted", bad[i]);
        assert_int_equal(back.uidvalidity, 0);
        assert_int_equal(back.last_uid, 0);
    }
    assert_false(ck_imap_state_parse(NULL, &back));
}

/* Assert URL (with USER) displays as WANT. */
static void assert_display(const char *url, const char *user, const char *want)
{
    GError *error = NULL;
    char *got = ck_imap_url_display(url, user, &error);
    if (!got)
        fail_msg("%s refused: %s", url, error->message);
    assert_string_equal(got, want);
    g_free(got);
}

/* Assert URL is refused as a bad URL whose message holds WORDS and not
 * SECRET (may be NULL). */
static void assert_refused(const char *url, const char *words, const char *secret)
{
    GError *error = NULL;
    char *got = ck_imap_url_display(url, NULL, &error);
    if (got)
        fail_msg("%s accepted as %s", url, got);
    assert_true(g_error_matches(error, CK_IMAP_ERROR, CK_IMAP_ERROR_URL));
    if (!strstr(error->message, words))
        fail_msg("%s: message \"%s\" lacks \"%s\"", url, error->message, words);
    if (secret && strstr(error->message, secret))
        fail_msg("%s: message \"%s\" shows the password", url, error->message);
    g_error_free(error);
}

static void urls_name_one_mailbox_without_password(void **state)
{
    assert_true(ck_imap_is_url("IMAPS://h/INBOX"));
    assert_true(ck_imap_is_url("imap://h/INBOX"));
    assert_false(ck_imap_is_url("imapx://h/INBOX"));
    assert_false(ck_imap_is_url("/var/mail/imaps://x"));
    assert_display("imaps://127.0.0.1:993/INBOX", NULL, "imaps://127.0.0.1:993/INBOX");
    assert_display("imaps://mail.example.cn/INBOX", "support", "imaps://support@mail.example.cn/INBOX");
    assert_display("imaps://old@mail.example.cn/INBOX", "new", "imaps://new@mail.example.cn/INBOX");
    assert_display("imap://mail.example.cn/Cases/2021", "a@b.cn", "imap://a%40b.cn@mail.example.cn/Cases/2021");
    assert_refused("imaps://support:Secr3t-pw@mail.example.cn/INBOX", "password", "Secr3t-pw");
    assert_refused("imaps://mail.example.cn/", "mailbox", NULL);
    assert_refused("imaps://mail.example.cn", "mailbox", NULL);
    assert_refused("imaps://mail.example.cn/INBOX;UID=3", "UID", NULL);
    assert_refused("imaps://mail.example.cn/INBOX?ALL", "query", NULL);
    assert_refused("imaps://mail.example.cn/INBOX%0d%0aLOGOUT", "control character", NULL);
    assert_refused("https://mail.example.cn/INBOX", "imap", NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(search_keeps_only_uids_above_the_last),
        cmocka_unit_test(uidvalidity_is_read_from_the_untagged_responses),
        cmocka_unit_test(state_round_trips_and_refuses_junk),
        cmocka_unit_test(urls_name_one_mailbox_without_password),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
