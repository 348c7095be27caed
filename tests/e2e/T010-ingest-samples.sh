#!/bin/sh
# T010: ingesting samples/ gives exactly the cases samples/expected.json
# describes: one case per sample thread (no strays, no thread split or
# merged), and for each case the message count, status, vendor, severity,
# customer, stage, title, first date, aliases, decoded subjects/From names,
# strings in the decoded new text, kept forwarded text, damage warnings and
# the searches that must find the case.
# No stored string of any sample may hold U+FFFD or mojibake.
. "$(dirname "$0")/lib.sh"
cd "$CASEKB_TOP" || die "cannot enter $CASEKB_TOP"
expected=samples/expected.json
[ -f "$expected" ] || die "$expected is missing"
problems=$TMP/problems
: >"$problems"

# note LINE: record a problem; the test fails at the end if any were noted.
note() {
    echo "$*" >>"$problems"
}

ck ingest samples >"$TMP/ingest.out" 2>"$TMP/ingest.err" ||
    fail "ingest samples failed: $(cat "$TMP/ingest.err")"
want_msgs=$(jq .messages_total "$expected")
want_cases=$(jq .cases_total "$expected")
[ "$(wc -l <"$TMP/ingest.out")" -eq 1 ] || note "ingest printed $(wc -l <"$TMP/ingest.out") lines on stdout, expected one summary line"
grep -Eq "^ingest: $want_msgs messages read, $want_msgs new, .*$want_cases cases" "$TMP/ingest.out" ||
    note "ingest summary '$(cat "$TMP/ingest.out")' does not say $want_msgs read, $want_msgs new, $want_cases cases"

ck cases --json >"$TMP/cases.json" || fail "cases --json failed"
got_cases=$(jq length "$TMP/cases.json")
[ "$got_cases" = "$want_cases" ] || note "cases --json lists $got_cases cases, expected $want_cases: $(jq -c '[.[].case_id]' "$TMP/cases.json")"
got_msgs=$(jq '[.[].messages] | add' "$TMP/cases.json")
[ "$got_msgs" = "$want_msgs" ] || note "cases --json counts $got_msgs messages, expected $want_msgs"

# Field-by-field comparison of one `show --json` (input) with $exp.
cat >"$TMP/check.jq" <<'JQ'
. as $c
| def field($f): ($c[$f] // "") as $g | ($exp[$f] // "") as $w
      | if $g == $w then empty else "\($f): got \($g | tojson), expected \($w | tojson)" end;
  def bodies: $c.messages[] | .body // "";
  [ (if ($key | startswith("THR-")) then
        (if ($c.case_id | startswith("THR-")) then empty else "case_id: got \($c.case_id), expected a THR- case" end)
     elif $c.case_id != $key then "case_id: got \($c.case_id)" else empty end),
    (($c.messages | length) as $n | if $n != $exp.messages then "messages: got \($n), expected \($exp.messages)" else empty end),
    (["status", "vendor", "severity", "customer", "stage", "title", "opened"][] | field(.)),
    ($exp.aliases[]? as $a | if any(($c.aliases // [])[]; . == $a) then empty else "alias \($a) missing (got \($c.aliases | tojson))" end),
    ($exp.must_contain[]? as $s | if any(bodies; contains($s)) then empty else "no message body contains \($s | tojson)" end),
    ($exp.must_not_contain[]? as $s | if any(bodies; contains($s)) then "a message body contains \($s | tojson)" else empty end),
    ($exp.forwarded_contains[]? as $s
        | if any($c.messages[]; [.body, .forwarded, .quoted] | map(. // "") | any(.[]; contains($s))) then empty
          else "forwarded text \($s | tojson) not kept in any message" end),
    ($exp.subjects_contain[]? as $s | if any($c.messages[]; (.subject // "") | contains($s)) then empty else "no subject contains \($s | tojson)" end),
    ($exp.every_subject_contains[]? as $s | $c.messages[] | select((.subject // "") | contains($s) | not)
        | "message \(.index) subject \(.subject | tojson) lacks \($s | tojson)"),
    ($exp.from_contains[]? as $s | if any($c.messages[]; (.from // "") | contains($s)) then empty else "no From name contains \($s | tojson)" end),
    ($exp.attachments_contain[]? as $s | if any($c.messages[]; (.attachments // [])[] | .text | contains($s)) then empty
        else "no attachment text contains \($s | tojson)" end),
    (if $exp.damaged == true and all($c.messages[]; (.warnings // []) | length == 0) then "damaged sample but no message has a warning" else empty end)
  ][] | "\($key): \(.)"
JQ

# Strings that betray a decoding error: U+FFFD, UTF-8 read as Latin-1 or
# cp1252 (Ã, â€, Â, C1 controls, runs of Latin-1 letters) or as GBK (锟斤拷,
# 锛 鈥 銆 from full-width punctuation).
cat >"$TMP/mojibake.jq" <<'JQ'
paths(type == "string") as $p | getpath($p) as $s
| select($s | test("\ufffd|Ã|â€|Â|ï¿½|锟斤拷|锛|鈥|銆|[\u0080-\u009f]|[À-ÿ]{2,}"))
| "\($key): mojibake in \($p | map(tostring) | join(".")): \($s[0:80] | tojson)"
JQ

: >"$TMP/want-files"
: >"$TMP/got-files"
set -f   # the key THR-* must not glob
for key in $(jq -r '.cases | keys[]' "$expected"); do
    jq --arg k "$key" '.cases[$k]' "$expected" >"$TMP/exp.json"
    id=$(jq -r --arg k "$key" '.lookup // $k' "$TMP/exp.json")
    if ! ck show --json "$id" >"$TMP/show.json" 2>"$TMP/show.err"; then
        note "$key: show --json $id failed: $(head -c 300 "$TMP/show.err")"
        continue
    fi
    jq -r --arg key "$key" --slurpfile e "$TMP/exp.json" '$e[0] as $exp | '"$(cat "$TMP/check.jq")" "$TMP/show.json" >>"$problems" ||
        note "$key: show --json output is not the expected JSON shape"
    jq -r --arg key "$key" -f "$TMP/mojibake.jq" "$TMP/show.json" >>"$problems"
    # Each query in the sample's "search" list finds this case.
    jq -r '.search[]?' "$TMP/exp.json" >"$TMP/queries"
    while IFS= read -r q; do
        rc=0
        ck search --json "$q" >"$TMP/search.json" 2>"$TMP/search.err" || rc=$?
        if [ "$rc" = 1 ]; then
            note "$key: search '$q' finds nothing"
        elif [ "$rc" != 0 ]; then
            note "$key: search --json '$q' failed (exit $rc): $(head -c 300 "$TMP/search.err")"
        elif ! jq -e --arg id "$(jq -r .case_id "$TMP/show.json")" 'any(.[]; .case_id == $id)' "$TMP/search.json" >/dev/null; then
            note "$key: search '$q' does not find the case (found $(jq -c '[.[].case_id] | unique' "$TMP/search.json"))"
        fi
    done <"$TMP/queries"
    for f in $(jq -r '.files[]' "$TMP/exp.json"); do
        find "samples/$f" -type f | sed "s|^samples/||; s|^|$key	|" >>"$TMP/want-files"
    done
    jq -r --arg key "$key" '.messages[].source | sub("^.*samples/"; "") | sub(":[0-9]+$"; "") | "\($key)\t\(.)"' \
        "$TMP/show.json" >>"$TMP/got-files"
done
set +f

# Every sample file belongs to exactly one case, and to the right one.
sort -u "$TMP/want-files" >"$TMP/want-files.s"
sort -u "$TMP/got-files" >"$TMP/got-files.s"
cmp -s "$TMP/want-files.s" "$TMP/got-files.s" ||
    diff "$TMP/want-files.s" "$TMP/got-files.s" | sed -n 's/^</missing from its case:/p; s/^>/in an unexpected case:/p' >>"$problems"
dups=$(cut -f2 "$TMP/got-files.s" | sort | uniq -d)
[ -z "$dups" ] || note "files split over several cases: $dups"

if [ -s "$problems" ]; then
    cat "$problems" >&2
    fail "$(wc -l <"$problems") problems with the samples"
fi
echo "ok: $want_cases cases, $want_msgs messages as samples/expected.json says"
