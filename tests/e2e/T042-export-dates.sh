#!/bin/sh
# T042: a thread export whose 发送时间 values use the other forms people
# write (2022/6/14 9:05, 2022年6月15日 星期三 下午3:20, 2022-06-16 星期四
# 10:42, 2022年6月17日 17时08分) gets every message's date, and the case its
# opened and closed times, with no "unreadable 发送时间" warning.
. "$(dirname "$0")/lib.sh"
cd "$CASEKB_TOP" || die "cannot enter $CASEKB_TOP"

fixture=tests/fixtures/export-dates/CAS-08811-P5T2W7.txt
ck ingest "$fixture" >"$TMP/out" 2>"$TMP/err" || fail "ingest failed: $(cat "$TMP/err")"
if grep -q "发送时间" "$TMP/err"; then
    fail "ingest warned about a date: $(cat "$TMP/err")"
fi
ck show --json CAS-08811-P5T2W7 >"$TMP/show.json" || fail "show exited $?"

dates=$(jq -r '[.messages[].date] | join(" ")' "$TMP/show.json")
want="2022-06-14T09:05:00Z 2022-06-15T15:20:00Z 2022-06-16T10:42:00Z 2022-06-17T17:08:00Z"
[ "$dates" = "$want" ] || fail "message dates: got '$dates', want '$want'"
opened=$(jq -r .opened "$TMP/show.json")
closed=$(jq -r .closed "$TMP/show.json")
[ "$opened" = 2022-06-14T09:05:00Z ] || fail "opened: got '$opened'"
[ "$closed" = 2022-06-17T17:08:00Z ] || fail "closed: got '$closed' (status $(jq -r .status "$TMP/show.json"))"
echo "ok: four date forms read, opened $opened, closed $closed"
