#!/bin/sh
# T098: displayed times follow --tz (default $TZ, else UTC) with the offset
# shown, in show/summary/cases text, Markdown and HTML; --json keeps UTC ISO
# 8601; an unknown zone is a usage error with one line on stderr.
. "$(dirname "$0")/lib.sh"
cd "$CASEKB_TOP" || die "cannot enter $CASEKB_TOP"
ck ingest samples >/dev/null 2>"$TMP/ingest.err" || fail "ingest samples failed: $(cat "$TMP/ingest.err")"
seed=CAS-03877-J9N4S5

# the seed's first mail was sent 2021-03-09T17:45:52Z: 01:45 the next day in Shanghai
expect_rc 0 --tz Asia/Shanghai show "$seed"
grep -qF "── 1 ── 2021-03-10 01:45 +08:00  " "$TMP/out" || fail "show: first mail not at 2021-03-10 01:45 +08:00: $(grep '── 1 ──' "$TMP/out")"
grep -q "^Opened: *2021-03-10 01:45 +08:00$" "$TMP/out" || fail "show: Opened is not in +08:00: $(grep '^Opened' "$TMP/out")"
expect_rc 0 --tz Asia/Shanghai summary "$seed"
grep -qF "| 1 | 2021-03-10 01:45 +08:00 | support |" "$TMP/out" || fail "summary: timeline not in +08:00"
grep -qF "| Opened | 2021-03-10 01:45 +08:00 |" "$TMP/out" || fail "summary: Opened not in +08:00"
expect_rc 0 --tz Asia/Shanghai summary --format html "$seed"
grep -qF "2021-03-10 01:45 +08:00" "$TMP/out" || fail "summary html: not in +08:00"
expect_rc 0 --tz Asia/Shanghai cases
grep -q "^$seed .* 2021-03-10 " "$TMP/out" || fail "cases: the seed's opened day is not 2021-03-10 in Shanghai"

# JSON stays UTC, whatever the zone
expect_rc 0 --tz Asia/Shanghai show --json "$seed"
jq -e '.opened == "2021-03-09T17:45:52Z" and .messages[0].date == "2021-03-09T17:45:52Z"' "$TMP/out" >/dev/null ||
    fail "show --json is not UTC: $(jq -c '[.opened, .messages[0].date]' "$TMP/out")"
expect_rc 0 --tz Asia/Shanghai summary --json "$seed"
jq -e '.opened == "2021-03-09T17:45:52Z" and .timeline[0].date == "2021-03-09T17:45:52Z"' "$TMP/out" >/dev/null ||
    fail "summary --json is not UTC"

# default: $TZ, else UTC
TZ=America/New_York "$CASEKB" --db "$TMP/db" show "$seed" >"$TMP/ny" 2>"$TMP/err" || fail "show with TZ set failed"
grep -qF "── 1 ── 2021-03-09 12:45 -05:00  " "$TMP/ny" || fail "TZ=America/New_York is not the default zone"
env -u TZ "$CASEKB" --db "$TMP/db" show "$seed" >"$TMP/utc" 2>"$TMP/err" || fail "show without TZ failed"
grep -qF "── 1 ── 2021-03-09 17:45 +00:00  " "$TMP/utc" || fail "without TZ the times are not UTC"
TZ=America/New_York "$CASEKB" --db "$TMP/db" --tz UTC show "$seed" >"$TMP/utc2" 2>&1 || fail "--tz UTC failed"
cmp -s "$TMP/utc" "$TMP/utc2" || fail "--tz does not override TZ"

# an unknown zone: exit 2, one line naming it
expect_rc 2 --tz Mars/Olympus show "$seed"
[ "$(wc -l <"$TMP/err")" = 1 ] && grep -qF "Mars/Olympus" "$TMP/err" || fail "unknown zone: $(cat "$TMP/err")"
[ -s "$TMP/out" ] && fail "unknown zone still printed output"
exit 0
