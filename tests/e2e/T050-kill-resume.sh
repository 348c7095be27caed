#!/bin/sh
# T050: killing an ingest of a large generated mbox midway leaves a
# consistent database; running it again gives the same counts as a clean
# run (messages, cases, messages per case).
. "$(dirname "$0")/lib.sh"
n=${T050_MESSAGES:-3000}
"$CASEKB_TOP/scripts/gen-archive" "$n" "$TMP/archive" >/dev/null || fail "gen-archive $n failed"
mbox=$TMP/archive/archive.mbox

# One line per case: "case_id message-count", sorted; plus a total line.
case_counts() {
    "$CASEKB" --db "$1" cases --json | jq -r '.[] | "\(.case_id) \(.messages)"' | sort
}

"$CASEKB" --db "$TMP/clean.db" ingest --batch-size 100 "$mbox" >"$TMP/clean.out" 2>/dev/null ||
    fail "clean ingest failed"
case_counts "$TMP/clean.db" >"$TMP/clean.counts"

"$CASEKB" --db "$TMP/killed.db" ingest --batch-size 100 "$mbox" >/dev/null 2>&1 &
pid=$!
stored=0 tries=0
while [ "$stored" -eq 0 ] && [ $tries -lt 600 ]; do
    sleep 0.05
    tries=$((tries + 1))
    stored=$("$CASEKB" --db "$TMP/killed.db" cases --json 2>/dev/null | jq '[.[].messages] | add // 0' 2>/dev/null || echo 0)
done
kill -9 $pid 2>/dev/null || fail "ingest finished before it could be killed; raise T050_MESSAGES"
wait $pid 2>/dev/null
total=$(jq '[.[].messages] | add' <<EOF2
$("$CASEKB" --db "$TMP/clean.db" cases --json)
EOF2
)
partial=$("$CASEKB" --db "$TMP/killed.db" cases --json | jq '[.[].messages] | add // 0') ||
    fail "database unreadable after kill -9"
[ "$partial" -lt "$total" ] || fail "kill came too late: $partial of $total messages already stored"
echo "killed after $partial of $total messages"

"$CASEKB" --db "$TMP/killed.db" ingest --batch-size 100 "$mbox" >"$TMP/resume.out" 2>/dev/null ||
    fail "resumed ingest failed"
case_counts "$TMP/killed.db" >"$TMP/resumed.counts"
cmp -s "$TMP/clean.counts" "$TMP/resumed.counts" || {
    diff "$TMP/clean.counts" "$TMP/resumed.counts" | head -20
    fail "resumed database differs from a clean run"
}
"$CASEKB" --db "$TMP/killed.db" ingest --json "$mbox" >"$TMP/again.out" 2>/dev/null
[ "$(jq .new "$TMP/again.out")" = 0 ] || fail "third ingest added messages: $(cat "$TMP/again.out")"
echo "ok: resumed run matches the clean run ($(wc -l <"$TMP/clean.counts") cases, $total messages)"
