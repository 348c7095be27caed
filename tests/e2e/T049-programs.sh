#!/bin/sh
# T049: casekb is three programs (cli/casekb.c): casekb itself starts
# without the mail, network and OpenCC libraries (a search's time was mostly
# loading them), and runs casekb-mail / casekb-serve, found beside it or in
# $CASEKB_EXEC_PATH, for the commands that need them, with every argument
# and the exit status passed through.  A missing helper program is one
# error line naming it, exit 3.
. "$(dirname "$0")/lib.sh"
need_cmd readelf
cd "$CASEKB_TOP" || die "cannot enter $CASEKB_TOP"
dir=$(dirname "$CASEKB")
for p in casekb-mail casekb-serve; do
    [ -x "$dir/$p" ] || fail "$p is not beside $CASEKB"
done

# casekb's own start-up loads none of the heavy libraries.
readelf -d "$CASEKB" >"$TMP/needed" || die "readelf failed on $CASEKB"
for lib in libgmime libxml2 libcurl libsoup libopencc libstdc++ libuchardet libpst libytnef; do
    grep -q "NEEDED.*\[$lib" "$TMP/needed" && fail "casekb links $lib: $(grep NEEDED "$TMP/needed" | tr -s ' ')"
done
readelf -d "$dir/casekb-mail" | grep -q 'NEEDED.*\[libgmime' || fail "casekb-mail does not link GMime"
readelf -d "$dir/casekb-serve" | grep -q 'NEEDED.*\[libsoup' || fail "casekb-serve does not link libsoup"

# Global options, command options and the exit status go through casekb-mail.
expect_rc 0 --tz Asia/Shanghai ingest --batch-size 3 samples/seed-CAS-03877-J9N4S5.txt
grep -q 'messages read' "$TMP/err" "$TMP/out" || fail "ingest through casekb-mail printed no summary"
expect_rc 2 ingest --no-such-option samples
expect_rc 2 ingest /no/such/file.mbox
grep -q '/no/such/file.mbox' "$TMP/err" || fail "ingest's error does not name the file: $(cat "$TMP/err")"
expect_rc 1 similar CAS-03877-J9N4S5          # the only case: nothing similar, exit 1
expect_rc 1 draft --json CAS-03877-J9N4S5      # closed: no reply to draft, exit 1
jq -e '.case_id == "CAS-03877-J9N4S5" and .kind == "none"' "$TMP/out" >/dev/null ||
    fail "draft --json through casekb-mail: $(head -c 300 "$TMP/out")"
expect_rc 0 search --count slmgr
[ "$(cat "$TMP/out")" -ge 1 ] || fail "search after ingest through casekb-mail finds nothing"
expect_rc 0 serve --help
grep -q -- '--listen' "$TMP/out" || fail "serve --help through casekb-serve does not list --listen"

# $CASEKB_EXEC_PATH picks the helpers' folder; a missing helper is one line, exit 3.
CASEKB_EXEC_PATH=$dir expect_rc 0 show CAS-03877-J9N4S5
CASEKB_EXEC_PATH=$dir expect_rc 0 checklist CAS-03877-J9N4S5
CASEKB_EXEC_PATH=$dir expect_rc 1 draft CAS-03877-J9N4S5
CASEKB_EXEC_PATH=$TMP/nowhere expect_rc 3 ingest samples/seed-CAS-03877-J9N4S5.txt
[ "$(wc -l <"$TMP/err")" -eq 1 ] || fail "missing casekb-mail: expected one error line, got: $(cat "$TMP/err")"
grep -q "$TMP/nowhere/casekb-mail" "$TMP/err" || fail "missing casekb-mail: the error does not name it: $(cat "$TMP/err")"
CASEKB_EXEC_PATH=$TMP/nowhere expect_rc 0 search --count slmgr
exit 0
