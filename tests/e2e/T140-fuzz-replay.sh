#!/bin/sh
# T140: the fuzz targets' saved inputs as regression tests.  Each replay
# binary (fuzz/fuzz-TARGET.c linked with fuzz/replay-main.c by the gcc ASan
# build, no libFuzzer) runs every file of fuzz/corpus/TARGET/ and of
# fuzz/crashes/TARGET/ (every past crash, kept forever); a sanitizer report,
# a broken invariant or a leak fails the test.  No fuzzing happens here.
. "$(dirname "$0")/lib.sh"
cd "$CASEKB_TOP" || die "cannot enter $CASEKB_TOP"
[ -n "${CASEKB_BUILD:-}" ] || die "CASEKB_BUILD is not set (run through tests/run-all.sh)"

targets=$(ls fuzz/fuzz-*.c | sed -n 's|^fuzz/fuzz-\(.*\)\.c$|\1|p' | grep -v '^common$')
[ -n "$targets" ] || fail "no fuzz targets in fuzz/"
for t in $targets; do
    bin=$CASEKB_BUILD/fuzz/replay-$t
    [ -x "$bin" ] || fail "$bin is missing (make build-tests builds it)"
    [ -n "$(ls fuzz/corpus/$t 2>/dev/null)" ] || fail "fuzz/corpus/$t/ is empty"
    dirs="fuzz/corpus/$t"
    [ -d "fuzz/crashes/$t" ] && dirs="$dirs fuzz/crashes/$t"
    RC=0
    # shellcheck disable=SC2086
    "$bin" $dirs >"$TMP/$t.out" 2>"$TMP/$t.err" || RC=$?
    [ "$RC" = 0 ] || fail "replay-$t exited $RC; last lines: $(tail -n 30 "$TMP/$t.err")"
    n=$(sed -n 's/^replay-[a-z]*: \([0-9]*\) inputs replayed$/\1/p' "$TMP/$t.out")
    [ "${n:-0}" -gt 0 ] || fail "replay-$t replayed nothing: $(cat "$TMP/$t.out")"
    echo "$t: $n inputs"
done

# A path that does not exist fails the replay, so a misspelt or lost
# directory cannot pass silently.
RC=0
"$CASEKB_BUILD/fuzz/replay-decode" "$TMP/no-such-input" >/dev/null 2>"$TMP/missing.err" || RC=$?
[ "$RC" != 0 ] || fail "replay-decode accepted a missing input"
