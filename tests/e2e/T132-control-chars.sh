#!/bin/sh
# T132: terminal control characters from mail never reach text output.  The
# fixture (tests/fixtures/control/control.eml) has ESC sequences (colour,
# clear screen, window title), CR, BEL, NEL, U+2028/U+2029 and a C1 CSI in
# its subject, sender name and body; the reply beside it (bidi.eml) has
# Unicode bidirectional overrides and isolates (U+202A-202E, U+2066-2069),
# which make a terminal show "report\u202Efdp.exe" as "reportexe.pdf"
# ("Trojan Source").  The text outputs of cases, show,
# search and summary (Markdown) hold none of them raw, search prints two
# lines per result (the row, the snippet) whatever the subject holds, and
# JSON still carries the characters (escaped) so nothing is lost.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C
case_id=CAS-09132-C7T4R2
ck ingest "$CASEKB_TOP/tests/fixtures/control" >/dev/null 2>"$TMP/ingest.err" ||
    fail "ingest of the control-character fixture failed: $(cat "$TMP/ingest.err")"

# The JSON keeps what the mail said (escaped), so the fixture does hold controls.
expect_rc 0 show --json "$case_id"
cp "$TMP/out" "$TMP/show.json"
jq -e '.messages[0].subject | contains("\u001b[31m")' "$TMP/show.json" >/dev/null ||
    fail "show --json lost the ESC of the subject (or the fixture no longer holds it)"
jq -e '.messages[0].body | contains("\u001b[2J")' "$TMP/show.json" >/dev/null ||
    fail "show --json lost the ESC of the body"

expect_rc 0 cases
cp "$TMP/out" "$TMP/cases.txt"
expect_rc 0 show "$case_id"
cp "$TMP/out" "$TMP/show.txt"
expect_rc 0 search ctrlcase
cp "$TMP/out" "$TMP/search.txt"
expect_rc 0 search --messages ctrlcase
cp "$TMP/out" "$TMP/search-m.txt"
expect_rc 0 search '"RED"'
cp "$TMP/out" "$TMP/search-red.txt"
expect_rc 0 summary "$case_id"
cp "$TMP/out" "$TMP/summary.md"

# bad NAME BYTES: BYTES (printf escapes) must not occur in any text output.
bad() {
    for f in cases.txt show.txt search.txt search-m.txt search-red.txt summary.md; do
        grep -qF "$(printf "$2")" "$TMP/$f" && fail "$f holds a raw $1: $(od -c "$TMP/$f" | head -n 20)"
    done
    return 0
}
bad ESC '\033'
bad CR '\r'
bad BEL '\007'
bad NEL '\302\205'
bad CSI '\302\233'
bad U+2028 '\342\200\250'
bad U+2029 '\342\200\251'
for bidi in '\342\200\252' '\342\200\253' '\342\200\254' '\342\200\255' '\342\200\256' \
            '\342\201\246' '\342\201\247' '\342\201\250' '\342\201\251'; do
    bad "bidi control $bidi" "$bidi"
done
grep -q 'fdp.exe' "$TMP/show.txt" || fail "show lost the text around the bidi override: $(cat "$TMP/show.txt")"
jq -e '.messages[1].body | contains("report\u202efdp.exe")' "$TMP/show.json" >/dev/null ||
    fail "show --json lost the bidi override (or the fixture no longer holds it)"
grep -q 'RED' "$TMP/show.txt" || fail "show lost the text around the ESC: $(cat "$TMP/show.txt")"

# Search: two lines per result, the second the indented snippet.
for f in search.txt search-m.txt search-red.txt; do
    n=$(wc -l <"$TMP/$f")
    [ "$n" -eq 2 ] || fail "$f: $n lines for one result: $(cat "$TMP/$f")"
    sed -n 2p "$TMP/$f" | grep -q '^    ' || fail "$f: the second line is not the snippet"
done
grep -q "^$case_id " "$TMP/search.txt" || fail "search does not start its row with the case ID"
# Cases: one line per case.
[ "$(wc -l <"$TMP/cases.txt")" -eq 1 ] || fail "cases printed $(wc -l <"$TMP/cases.txt") lines for one case"
echo "ok: no control characters in text output"
