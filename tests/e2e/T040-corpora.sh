#!/bin/sh
# T040: every file under ../shared/corpora ingests without a crash or a
# sanitizer report, with the message counts its README gives; notmuch's
# corpora group into the threads notmuch 0.37 makes (each difference is
# listed with its reason; only replies joined by the subject rule may
# differ); the Chinese files' subjects decode as expected/cjk.json says.
. "$(dirname "$0")/lib.sh"
need_shared
corpora=$CASEKB_TOP/../shared/corpora

# The threads of a database: one line per case, its sorted Message-IDs.
threads_of() {
    casekb_json "$TMP/threads-cases.json" --db "$1" cases --json
    for id in $(jq -r '.[].case_id' "$TMP/threads-cases.json"); do
        casekb_json "$TMP/threads-show.json" --db "$1" show --json "$id"
        jq -r '[.messages[].message_id] | sort | join(" ")' "$TMP/threads-show.json"
    done >"$TMP/threads.unsorted"
    sort "$TMP/threads.unsorted"
}

# Message-IDs that sit in a different group than notmuch's, with joined_by.
explain_differences() { # db expected-file ours-file
    diff "$2" "$3" | sed -n 's/^[<>] //p' | tr ' ' '\n' | sort -u >"$TMP/differing"
    while read -r mid; do
        [ -n "$mid" ] || continue
        casekb_json "$TMP/differing.json" --db "$1" show --json "$mid"
        jq -r --arg m "$mid" '.messages[] | select(.message_id == $m) | "\($m) joined_by=\(.joined_by)"' \
            "$TMP/differing.json"
    done <"$TMP/differing"
}

for dir in "$corpora"/notmuch/*/; do
    name=$(basename "$dir")
    [ "$name" = expected ] && continue
    expected=$corpora/notmuch/expected/$name.json
    db=$TMP/$name.db
    "$CASEKB" --db "$db" ingest --json "$dir" >"$TMP/$name.out" 2>"$TMP/$name.err" ||
        fail "$name: ingest failed: $(cat "$TMP/$name.err")"
    want=$(jq .messages "$expected")
    [ "$name" = insert ] && want=1   # notmuch skips the mbox-style file; casekb reads it
    got=$(jq .messages "$TMP/$name.out")
    [ "$got" = "$want" ] || fail "$name: $got messages stored, expected $want"
    [ "$name" = insert ] && continue
    jq -r '.threads[] | sort | join(" ")' "$expected" | sort >"$TMP/$name.expected"
    threads_of "$db" >"$TMP/$name.ours"
    if ! cmp -s "$TMP/$name.expected" "$TMP/$name.ours"; then
        explain_differences "$db" "$TMP/$name.expected" "$TMP/$name.ours" >"$TMP/$name.why"
        echo "$name: thread differences:"; cat "$TMP/$name.why"
        grep -v 'joined_by=subject$' "$TMP/$name.why" >/dev/null &&
            fail "$name: threads differ from notmuch for reasons other than the subject rule"
    fi
    echo "ok $name: $got messages, $(wc -l <"$TMP/$name.ours") threads"
done

for f in $(jq -r 'keys[]' "$corpora/expected/mbox-counts.json"); do
    want=$(jq -r --arg f "$f" '.[$f] | .right // .python_mailbox_mbox' "$corpora/expected/mbox-counts.json")
    db=$TMP/mbox-$(basename "$f").db
    "$CASEKB" --db "$db" ingest --json "$corpora/$f" >"$TMP/mbox.out" 2>"$TMP/mbox.err" ||
        fail "$f: ingest failed: $(cat "$TMP/mbox.err")"
    got=$(jq .read "$TMP/mbox.out")
    [ "$got" = "$want" ] || fail "$f: $got messages read, expected $want"
    echo "ok $f: $got messages"
done

db=$TMP/cjk.db
"$CASEKB" --db "$db" ingest "$corpora/cjk" >/dev/null 2>"$TMP/cjk.err" || fail "cjk: ingest failed"
for f in $(jq -r 'keys[]' "$corpora/expected/cjk.json"); do
    mid=$(grep -i -m1 '^Message-ID:' "$corpora/$f" | sed 's/^[^:]*: *<*//; s/>.*//' | tr -d '\r')
    [ -n "$mid" ] || fail "$f: no Message-ID to look the message up by"
    want=$(jq -r --arg f "$f" '.[$f].subject' "$corpora/expected/cjk.json")
    casekb_json "$TMP/cjk-show.json" --db "$db" show --json "$mid"
    got=$(jq -r --arg m "$mid" '.messages[] | select(.message_id == $m) | .subject' "$TMP/cjk-show.json")
    [ "$got" = "$want" ] || fail "$f: subject '$got', expected '$want'"
    case $got in *"�"*) fail "$f: U+FFFD in the subject";; esac
done
echo "ok cjk: $(jq 'length' "$corpora/expected/cjk.json") subjects as expected"
