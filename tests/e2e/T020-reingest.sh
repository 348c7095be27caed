#!/bin/sh
# T020: ingesting the same mail again stores nothing new: samples/ a second
# time, one file again, and a byte-identical copy under another name all
# report "0 new" and leave every case's message count unchanged.
. "$(dirname "$0")/lib.sh"
cd "$CASEKB_TOP" || die "cannot enter $CASEKB_TOP"

# counts: one "case_id messages" line per case, sorted.
counts() {
    ck_json "$TMP/cases.json" cases --json
    jq -r '.[] | "\(.case_id) \(.messages)"' "$TMP/cases.json" | sort
}

# ingest_expect_new N PATH...: ingest, then require exactly N new messages.
ingest_expect_new() {
    n=$1
    shift
    ck ingest "$@" >"$TMP/out" 2>"$TMP/err" || fail "ingest $* failed: $(cat "$TMP/err")"
    [ "$(wc -l <"$TMP/out")" -eq 1 ] || fail "ingest $*: expected one summary line, got: $(cat "$TMP/out")"
    grep -Eq "^ingest: [0-9]+ messages read, $n new[,)]" "$TMP/out" ||
        fail "ingest $*: expected '$n new', got: $(cat "$TMP/out")"
}

total=$(jq .messages_total "$CASEKB_TOP/samples/expected.json") || die "cannot read samples/expected.json"
ingest_expect_new "$total" samples
counts >"$TMP/first"
[ -s "$TMP/first" ] || fail "no cases after the first ingest"

ingest_expect_new 0 samples
grep -Eq "^ingest: $total messages read, 0 new" "$TMP/out" || fail "second ingest did not read all $total messages: $(cat "$TMP/out")"
counts >"$TMP/second"
cmp -s "$TMP/first" "$TMP/second" || { diff "$TMP/first" "$TMP/second" >&2; fail "cases changed on re-ingest"; }

ingest_expect_new 0 samples/mbox-CAS-05018-H6P4D1.mbox
ingest_expect_new 0 samples/seed-CAS-03877-J9N4S5.txt

mkdir -p "$TMP/copy" || die "mkdir failed"
cp samples/eml-CAS-04711-L2V8C3/02.eml "$TMP/copy/renamed-copy.eml" || die "cp failed"
cp samples/export-CAS-04102-K7M2P8-gb18030.txt "$TMP/copy/export-again.txt" || die "cp failed"
ingest_expect_new 0 "$TMP/copy"
counts >"$TMP/third"
cmp -s "$TMP/first" "$TMP/third" || { diff "$TMP/first" "$TMP/third" >&2; fail "cases changed after ingesting copies"; }
# The same bytes twice in one run, close together (both in the parse pool's
# window at once): the second is "already stored", as one at a time.
mkdir -p "$TMP/twice" || die "mkdir failed"
cp samples/en-CAS-07031-E2F5G9/01.eml "$TMP/twice/a.eml" && cp samples/en-CAS-07031-E2F5G9/01.eml "$TMP/twice/b.eml" ||
    die "cp failed"
"$CASEKB" --db "$TMP/twice.db" ingest --jobs 4 "$TMP/twice" >"$TMP/out" 2>"$TMP/err" || fail "ingest twice: $(cat "$TMP/err")"
grep -Eq "^ingest: 2 messages read, 1 new, 1 already stored, 0 duplicate copies" "$TMP/out" ||
    fail "the same bytes twice in one run: $(cat "$TMP/out")"

echo "ok: re-ingest and copies stored nothing new ($(wc -l <"$TMP/first") cases unchanged)"
