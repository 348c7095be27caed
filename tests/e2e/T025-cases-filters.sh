#!/bin/sh
# T025: `casekb cases` filters and sorts.  Each filtered list must equal what
# jq computes from the unfiltered list (and, for --waiting-on, from the
# sides of every case's messages in show --json): status, vendor (any case),
# customer substring, cause and cause category, waiting on us / on the
# customer, opened since/until, sort orders, limit/offset, --count; bad
# values exit 2 with one line.
. "$(dirname "$0")/lib.sh"
cd "$CASEKB_TOP" || die "cannot enter $CASEKB_TOP"

ck ingest samples >/dev/null 2>&1 || fail "ingest samples failed"
expect_rc 0 cases --json
cp "$TMP/out" "$TMP/all.json"
total=$(jq length "$TMP/all.json")
[ "$total" -ge 10 ] || fail "expected the samples' cases, got $total"

# same FILTER_ARGS -- JQ_SELECT: the case ids of `cases FILTER_ARGS --json`
# (in order) must equal those of the unfiltered list that JQ_SELECT keeps.
same() {
    args=""
    while [ "$1" != -- ]; do args="$args $1"; shift; done
    shift
    run_rc cases $args --json
    [ "$RC" = 0 ] || [ "$RC" = 1 ] || fail "cases$args: exit $RC: $(cat "$TMP/err")"
    got=$(jq -r '[.[].case_id] | join(" ")' "$TMP/out")
    want=$(jq -r "[.[] | select($1) | .case_id] | join(\" \")" "$TMP/all.json")
    [ "$got" = "$want" ] || fail "cases$args: got '$got', want '$want'"
    [ -n "$want" ] || [ "$RC" = 1 ] || fail "cases$args: empty list but exit $RC (want 1)"
}

same --status open -- '.status == "open"'
same --status CLOSED -- '.status == "closed"'
same --vendor hp -- '.vendor == "HP"'
same --severity 重要事件 -- '.severity == "重要事件"'
same --customer 银行 -- '.customer | contains("银行")'
# Through the alias table (rules/customers.yaml), one organisation's names
# in any language select its cases: 北桥银行 finds "Northbridge Bank".
same --customer 北桥银行 -- '.customer | ascii_downcase | (contains("北桥银行") or contains("northbridge bank"))'
same --customer 中国人寿 -- '.customer | (contains("中国人寿") or contains("China Life"))'
jq -e 'any(.[]; .customer == "Northbridge Bank")' "$TMP/all.json" >/dev/null ||
    fail "the samples lost the Northbridge Bank case this test relies on"
mkdir "$TMP/rules-bad" && cp "$CASEKB_RULES"/*.yaml "$TMP/rules-bad/" &&
    printf 'customers:\n  北桥银行: [Northbridge Bank]\n  北方银行: [northbridge  BANK]\n' >"$TMP/rules-bad/customers.yaml" ||
    die "cannot write $TMP/rules-bad"
RC=0
"$CASEKB" --db "$TMP/db" --rules "$TMP/rules-bad" cases --customer 北桥银行 >"$TMP/out" 2>"$TMP/err" || RC=$?
[ "$RC" = 2 ] && grep -q 'customers.yaml:3:' "$TMP/err" ||
    fail "cases --customer with a conflicting alias table: exit $RC: $(cat "$TMP/err")"
same --cause activation.kms-unreachable -- '.causes | index("activation.kms-unreachable")'
same --cause activation -- '[.causes[] | startswith("activation.")] | any'
same --cause activ -- 'false'
same --since 2022-01 -- '.opened >= "2022-01-01"'
same --until 2021-06-30 -- '.opened <= "2021-06-30T23:59:59Z"'
same --status open --vendor Lenovo -- '.status == "open" and .vendor == "Lenovo"'
same --older-than 1 -- 'true'
same --older-than 100000 -- 'false'
same --older-than 1 --until 2021-06-30 -- '.opened <= "2021-06-30T23:59:59Z"'

# --waiting-on: the side of each open case's latest message, from show --json
for id in $(jq -r '.[] | select(.status == "open") | .case_id' "$TMP/all.json"); do
    ck show --json "$id" >"$TMP/case.json" || fail "show $id failed"
    side=$(jq -r '.messages | sort_by(.date) | last | .side' "$TMP/case.json")
    echo "$id $side"
done >"$TMP/sides"
for who in us customer; do
    [ $who = us ] && side=customer || side=support
    want=$(awk -v s=$side '$2 == s { print $1 }' "$TMP/sides" | tr '\n' ' ' | sed 's/ $//')
    run_rc cases --waiting-on $who --json
    got=$(jq -r '[.[].case_id] | join(" ")' "$TMP/out")
    [ "$got" = "$want" ] || fail "--waiting-on $who: got '$got', want '$want'"
done
[ -n "$(awk '$2 == "customer"' "$TMP/sides")" ] || fail "no open case waits on us in the samples: test proves nothing"

# sorting and paging
expect_rc 0 cases --sort newest --json
[ "$(jq -r '[.[].opened] | join(" ")' "$TMP/out")" = "$(jq -r '[.[].opened] | sort | reverse | join(" ")' "$TMP/all.json")" ] ||
    fail "--sort newest is not newest first"
expect_rc 0 cases --sort messages --json
jq -e '[.[].messages] as $m | $m == ($m | sort | reverse)' "$TMP/out" >/dev/null || fail "--sort messages is not most first"
expect_rc 0 cases --sort updated --json
jq -e '[.[].updated] as $u | $u == ($u | sort | reverse)' "$TMP/out" >/dev/null || fail "--sort updated is not latest first"
expect_rc 0 cases --limit 3 --offset 2 --json
[ "$(jq -r '[.[].case_id] | join(" ")' "$TMP/out")" = "$(jq -r '[.[2:5][].case_id] | join(" ")' "$TMP/all.json")" ] ||
    fail "--limit 3 --offset 2 is not cases 3-5"

# --count, alone and with a filter
expect_rc 0 cases --count
[ "$(cat "$TMP/out")" = "$total" ] || fail "--count printed '$(cat "$TMP/out")', want $total"
expect_rc 0 cases --count --status closed --json
[ "$(jq .count "$TMP/out")" = "$(jq '[.[] | select(.status == "closed")] | length' "$TMP/all.json")" ] ||
    fail "--count --status closed is wrong: $(cat "$TMP/out")"
expect_rc 1 cases --vendor NoSuchVendor

# bad values: one line, exit 2
for bad in "--status pending" "--waiting-on them" "--sort size" "--since 2023-13" "--limit -1"; do
    expect_rc 2 cases $bad
    [ "$(wc -l <"$TMP/err")" -eq 1 ] || fail "cases $bad: expected one error line, got: $(cat "$TMP/err")"
done
echo "ok: cases filters, sorts, paging and --count agree with the unfiltered list"
