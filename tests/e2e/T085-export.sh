#!/bin/sh
# T085: `casekb export --ndjson` writes the Elasticsearch/OpenSearch _bulk
# format: per case an action line {"index":{"_index":"casekb-cases","_id":ID}}
# then the case document on one line, with its messages, entities and causes
# as show --json has them, empty dates as null, response/close seconds; the
# file ends with a newline; -o writes the same bytes atomically and errors
# name the file.
. "$(dirname "$0")/lib.sh"
cd "$CASEKB_TOP" || die "cannot enter $CASEKB_TOP"
ck ingest samples >/dev/null 2>"$TMP/ingest.err" || fail "ingest samples failed: $(cat "$TMP/ingest.err")"
ck cases --json >"$TMP/cases.json" || fail "cases --json failed"
n=$(jq length "$TMP/cases.json")

expect_rc 0 export --ndjson
out=$TMP/bulk.ndjson
cp "$TMP/out" "$out"
[ "$(wc -l <"$out")" -eq $((2 * n)) ] || fail "expected $((2 * n)) lines for $n cases, got $(wc -l <"$out")"
[ "$(tail -c 1 "$out" | od -An -c | tr -d ' ')" = '\n' ] || fail "the bulk body does not end with a newline"
# every line is one JSON value
jq -c . "$out" >/dev/null 2>"$TMP/jq.err" || fail "a line is not JSON: $(cat "$TMP/jq.err")"
[ "$(jq -c . "$out" | wc -l)" -eq $((2 * n)) ] || fail "some line holds more or less than one JSON value"

# action lines alternate with documents, and name them
jq -s -e '[range(0; length; 2) as $i | .[$i].index._index == "casekb-cases"
           and .[$i].index._id == .[$i + 1].case_id and (.[$i] | keys) == ["index"]] | all' "$out" >/dev/null ||
    fail "action lines do not match their documents"
jq -s -e --slurpfile cases "$TMP/cases.json" '
    [.[range(1; length; 2)]] as $docs
    | ($docs | map(.case_id)) == ($cases[0] | map(.case_id))
    and ([$docs[] | .messages | length]) == ($cases[0] | map(.messages))
    and ([$docs[] | [.causes[].id]]) == ($cases[0] | map(.causes))
    and all($docs[]; (.entities | type) == "object" and (.entities.error_codes | type) == "array")
    and all($docs[]; (.status == "closed") == (.closed != null))
    and all($docs[]; .messages | all(.body | type == "string"))' "$out" >/dev/null ||
    fail "documents differ from cases --json (ids, message counts, causes, entities or null dates)"
for id in CAS-03877-J9N4S5 CAS-06234-B5X9K2; do
    ck show --json "$id" >"$TMP/show.json"
    jq -s -e --slurpfile show "$TMP/show.json" --arg id "$id" '
        (.[] | select(.case_id? == $id)) as $d
        | $d.messages == $show[0].messages and $d.entities == $show[0].entities
          and ($d.causes | map(.evidence)) == ($show[0].causes | map(.evidence))' "$out" >/dev/null ||
        fail "$id: exported messages/entities/evidence differ from show --json"
done
jq -s -e '(.[] | select(.case_id? == "CAS-03877-J9N4S5")) | .time_to_close_seconds == 775165
    and .first_response_seconds == null' "$out" >/dev/null || fail "CAS-03877-J9N4S5 durations are wrong"
jq -s -e '(.[] | select(.case_id? == "CAS-06234-B5X9K2")) | .first_response_seconds == 68940
    and .closed == null and .time_to_close_seconds == null' "$out" >/dev/null || fail "CAS-06234-B5X9K2 durations are wrong"

# -o: same bytes; errors name the file
expect_rc 0 export --ndjson -o "$TMP/cases.ndjson"
[ -s "$TMP/out" ] && fail "export -o also wrote to stdout"
cmp -s "$out" "$TMP/cases.ndjson" || fail "export -o FILE differs from stdout"
expect_rc 3 export --ndjson -o "$TMP/missing/dir/cases.ndjson"
grep -qF "$TMP/missing/dir/cases.ndjson" "$TMP/err" || fail "unwritable -o error does not name the file: $(cat "$TMP/err")"
expect_rc 2 export --format csv
echo "ok: $n cases exported as $((2 * n)) _bulk lines"
