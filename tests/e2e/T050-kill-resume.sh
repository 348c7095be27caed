#!/bin/sh
# T050: killing an ingest of a large generated mbox midway leaves a
# consistent database; running it again gives the same counts as a clean
# run (messages, cases, messages per case).  The first kill is
# deterministic: CASEKB_TEST_KILL_AFTER_BATCHES=3 makes casekb SIGKILL
# itself right after its third batch commits, so exactly 300 messages are
# stored.  The resumed run is then killed from outside (kill -9) once the
# database shows a further committed batch; the third run completes it.
. "$(dirname "$0")/lib.sh"
n=${T050_MESSAGES:-3000}
"$CASEKB_TOP/scripts/gen-archive" "$n" "$TMP/archive" >/dev/null || fail "gen-archive $n failed"
mbox=$TMP/archive/archive.mbox

# case_counts DB: one line per case, "case_id message-count", sorted.
case_counts() {
    casekb_json "$TMP/counts.json" --db "$1" cases --json
    jq -r '.[] | "\(.case_id) \(.messages)"' "$TMP/counts.json" | sort
}

# count_messages DB: set MSGS to the number of messages stored in DB
# (0 while it cannot be read yet, e.g. before the first commit).
count_messages() {
    MSGS=0
    "$CASEKB" --db "$1" cases --json >"$TMP/poll.json" 2>/dev/null &&
        MSGS=$(jq '[.[].messages] | add // 0' "$TMP/poll.json" 2>/dev/null) || MSGS=0
    case $MSGS in ''|*[!0-9]*) MSGS=0;; esac
}

"$CASEKB" --db "$TMP/clean.db" ingest --batch-size 100 "$mbox" >"$TMP/clean.out" 2>/dev/null ||
    fail "clean ingest failed"
case_counts "$TMP/clean.db" >"$TMP/clean.counts"
count_messages "$TMP/clean.db"
total=$MSGS
[ "$total" -gt 400 ] || fail "the clean run stored only $total messages; raise T050_MESSAGES"

# 1. Killed by itself right after the third batch commits.
db=$TMP/killed.db
RC=0
CASEKB_TEST_KILL_AFTER_BATCHES=3 "$CASEKB" --db "$db" ingest --batch-size 100 "$mbox" >/dev/null 2>&1 || RC=$?
[ "$RC" = 137 ] || fail "ingest with CASEKB_TEST_KILL_AFTER_BATCHES=3 exited $RC, expected 137 (SIGKILL)"
count_messages "$db"
[ "$MSGS" = 300 ] || fail "after a kill right after batch 3: $MSGS messages stored, expected 300"
echo "killed after batch 3: $MSGS of $total messages stored"

# 2. The resumed run, killed from outside once a further batch is committed.
"$CASEKB" --db "$db" ingest --batch-size 100 "$mbox" >/dev/null 2>&1 &
pid=$!
tries=0
count_messages "$db"
while [ "$MSGS" -le 300 ] && [ $tries -lt 600 ] && kill -0 $pid 2>/dev/null; do
    sleep 0.2
    tries=$((tries + 1))
    count_messages "$db"
done
kill -9 $pid 2>/dev/null
RC=0
wait $pid || RC=$?
count_messages "$db"
if [ "$RC" = 137 ]; then
    [ "$MSGS" -gt 300 ] && [ "$MSGS" -le "$total" ] ||
        fail "after kill -9 of the resumed run: $MSGS messages stored, expected 301..$total"
    echo "resumed run killed by kill -9 with $MSGS of $total messages stored"
else
    [ "$RC" = 0 ] || fail "resumed ingest failed (exit $RC) before it could be killed"
    echo "note: the resumed run finished before kill -9 reached it ($MSGS messages)"
fi

# 3. Running it again completes the work and matches the clean run.
"$CASEKB" --db "$db" ingest --batch-size 100 "$mbox" >"$TMP/resume.out" 2>/dev/null ||
    fail "resumed ingest failed"
case_counts "$db" >"$TMP/resumed.counts"
cmp -s "$TMP/clean.counts" "$TMP/resumed.counts" || {
    diff "$TMP/clean.counts" "$TMP/resumed.counts" | head -20
    fail "resumed database differs from a clean run"
}
casekb_json "$TMP/again.out" --db "$db" ingest --json "$mbox"
[ "$(jq .new "$TMP/again.out")" = 0 ] || fail "a further ingest added messages: $(cat "$TMP/again.out")"
echo "ok: resumed run matches the clean run ($(wc -l <"$TMP/clean.counts") cases, $total messages)"
