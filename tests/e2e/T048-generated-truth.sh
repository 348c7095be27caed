#!/bin/sh
# T048: on a generated archive (scripts/gen-archive 2000) casekb finds what
# the generator's truth.json says: every case with exactly its number of
# messages (grouping), and for every truth word, `search --messages --count
# body:"W"` counts the messages whose new text holds W in any case
# (truth.json's words_folded: search folds case).  The full-text index passes FTS5's integrity-check, and an ingest with
# --batch-size 7 gives the same counts (batch boundaries change nothing).
. "$(dirname "$0")/lib.sh"
cd "$CASEKB_TOP" || die "cannot enter $CASEKB_TOP"
gen="$CASEKB_BUILD/scripts/gen-archive"
check="$CASEKB_BUILD/scripts/fts-check"
[ -x "$gen" ] || die "$gen is not built"
[ -x "$check" ] || die "$check is not built"
"$gen" 2000 "$TMP/arch" >/dev/null 2>&1 || die "gen-archive failed"
truth="$TMP/arch/truth.json"

# counts DB OUT: "case messages" lines and "word count" lines for DB in OUT.
counts() {
    casekb_json "$TMP/cases.json" --db "$1" cases --json
    jq -r '.[] | "\(.case_id) \(.messages)"' "$TMP/cases.json" | sort >"$2"
    for w in $(jq -r '.words_folded | keys[]' "$truth"); do
        n=$("$CASEKB" --db "$1" search --messages --count "body:\"$w\"" 2>"$TMP/search.err")
        rc=$?
        [ $rc -le 1 ] || fail "search body:\"$w\" on $1: exit $rc: $(head -c 300 "$TMP/search.err")"
        echo "word $w ${n:-0}"
    done >>"$2"
}

# expected: truth.json's cases and case-folded word counts.
jq -r '.cases | to_entries[] | "\(.key) \(.value)"' "$truth" | sort >"$TMP/expected"
jq -r '.words_folded | keys[] as $w | "word \($w) \(.[$w])"' "$truth" >>"$TMP/expected"
[ "$(jq '.cases | length' "$truth")" -gt 300 ] || die "truth.json has too few cases"
[ "$(jq '.words_folded | length' "$truth")" -ge 20 ] || die "truth.json has no words_folded counts"

"$CASEKB" --db "$TMP/db" ingest "$TMP/arch/archive.mbox" >"$TMP/ingest.out" 2>"$TMP/ingest.err" ||
    fail "ingest failed: $(tail -3 "$TMP/ingest.err")"
counts "$TMP/db" "$TMP/actual"
if ! cmp -s "$TMP/expected" "$TMP/actual"; then
    diff "$TMP/expected" "$TMP/actual" | head -20 >&2
    fail "cases or search counts differ from truth.json"
fi
"$check" "$TMP/db" >"$TMP/check.out" 2>&1 || fail "integrity-check failed: $(head -c 600 "$TMP/check.out")"

"$CASEKB" --db "$TMP/db7" ingest --batch-size 7 "$TMP/arch/archive.mbox" >/dev/null 2>"$TMP/ingest7.err" ||
    fail "ingest --batch-size 7 failed: $(tail -3 "$TMP/ingest7.err")"
counts "$TMP/db7" "$TMP/actual7"
cmp -s "$TMP/expected" "$TMP/actual7" || fail "--batch-size 7 gives other cases or counts: $(diff "$TMP/expected" "$TMP/actual7" | head -10)"
"$check" "$TMP/db7" >"$TMP/check.out" 2>&1 || fail "integrity-check (batch 7) failed: $(head -c 600 "$TMP/check.out")"
echo "ok: $(jq '.cases | length' "$truth") cases and $(jq '.words_folded | length' "$truth") word counts match truth.json"
