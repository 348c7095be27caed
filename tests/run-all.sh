#!/bin/sh
# Run casekb's tests against one build variant and print one closing line
# "check: N passed, N failed, N skipped".
#   tests/run-all.sh BUILD_DIR [unit|e2e]
# Unit tests are the cmocka binaries BUILD_DIR/tests/unit/test-*; end-to-end
# tests are tests/e2e/T*.sh, run with CASEKB=BUILD_DIR/casekb.  A test that
# exits 77 is skipped (e.g. ../shared/ absent on a user's clone).
set -u
bdir=${1:?usage: tests/run-all.sh BUILD_DIR [unit|e2e]}
only=${2:-all}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 3
export CASEKB="$top/$bdir/casekb" CASEKB_TOP="$top" CASEKB_BUILD="$top/$bdir"
export CASEKB_RULES="$top/rules"
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:exitcode=86"
export LSAN_OPTIONS="suppressions=$top/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
pass=0 fail=0 skip=0 failed=""
log=$top/$bdir/test-logs
rm -rf "$log"; mkdir -p "$log"

run_one() { # name command...
    name=$1; shift
    "$@" >"$log/$name.log" 2>&1
    rc=$?
    case $rc in
      0) pass=$((pass+1)); echo "PASS $name";;
      77) skip=$((skip+1)); echo "SKIP $name: $(tail -n 1 "$log/$name.log")";;
      *) fail=$((fail+1)); failed="$failed $name"
         echo "FAIL $name (exit $rc); last lines of $log/$name.log:"
         tail -n 40 "$log/$name.log" | sed 's/^/    /';;
    esac
}

if [ "$only" != e2e ]; then
    for t in "$bdir"/tests/unit/test-*; do
        [ -x "$t" ] || continue
        run_one "unit-$(basename "$t")" "$t"
    done
fi
if [ "$only" != unit ]; then
    for t in tests/e2e/T*.sh; do
        [ -f "$t" ] || continue
        run_one "e2e-$(basename "$t" .sh)" sh "$t"
    done
fi
[ -n "$failed" ] && echo "failed:$failed"
echo "check: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
