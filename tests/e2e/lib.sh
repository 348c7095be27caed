# lib.sh — shared helpers for the end-to-end tests (tests/e2e/T*.sh).
#
# Sourced first thing by every test: `. "$(dirname "$0")/lib.sh"`.
# tests/run-all.sh sets CASEKB (the binary under test) and CASEKB_TOP (the
# source tree); a test exits 0 on success, 77 when it must be skipped, and
# anything else on failure.  Each test gets a private $TMP, removed on exit
# unless KEEP_TMP=1.

set -u
CASEKB_TOP=${CASEKB_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
TEST_NAME=$(basename "$0" .sh)

# die MESSAGE: the test could not be set up (not a verdict on casekb).
die() {
    echo "$TEST_NAME: error: $*" >&2
    exit 99
}

# fail MESSAGE: casekb did something wrong.
fail() {
    echo "FAIL $TEST_NAME: $*" >&2
    exit 1
}

# skip MESSAGE: the test cannot run here; the message is the log's last line.
skip() {
    echo "skipped: $*"
    exit 77
}

# need_shared: skip unless the shared corpora/seeds folder ../shared exists.
need_shared() {
    [ -d "$CASEKB_TOP/../shared" ] || skip "$CASEKB_TOP/../shared is absent (shared corpora not checked out)"
}

# need_cmd NAME...: skip unless every named program is installed.
need_cmd() {
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || skip "$c is not installed"
    done
}

[ -n "${CASEKB:-}" ] || die "CASEKB is not set (run through tests/run-all.sh)"
[ -x "$CASEKB" ] || die "CASEKB=$CASEKB is not an executable"
need_cmd jq

TMP=$(mktemp -d "${TMPDIR:-/tmp}/casekb-$TEST_NAME.XXXXXX") || die "cannot create a temporary directory"
if [ "${KEEP_TMP:-0}" = 1 ]; then
    trap 'echo "$TEST_NAME: kept $TMP" >&2' EXIT
else
    trap 'rm -rf "$TMP"' EXIT
fi
trap 'exit 130' INT TERM

# ck ARGS...: run casekb on this test's private database.
ck() {
    "$CASEKB" --db "$TMP/db" "$@"
}

# casekb_json OUT ARGS...: run casekb with ARGS (give --db yourself) and
# stdout in OUT, stderr in OUT.err; fail the test unless it exits 0.  Use it
# (then jq OUT) instead of `casekb ... | jq`, which hides casekb's exit
# status.  Not inside $(...): fail would only leave the subshell.
casekb_json() {
    _ckj_out=$1
    shift
    _ckj_rc=0
    "$CASEKB" "$@" >"$_ckj_out" 2>"$_ckj_out.err" || _ckj_rc=$?
    [ "$_ckj_rc" = 0 ] || fail "casekb $*: exit $_ckj_rc; stderr: $(head -c 600 "$_ckj_out.err")"
}

# ck_json OUT ARGS...: casekb_json on this test's private database.
ck_json() {
    _ckj_file=$1
    shift
    casekb_json "$_ckj_file" --db "$TMP/db" "$@"
}

# ck_case_ids OUT: the private database's case IDs, one a line, into OUT
# (cases --json kept in OUT.json).
ck_case_ids() {
    ck_json "$1.json" cases --json
    jq -r '.[].case_id' "$1.json" >"$1" || fail "cases --json: not a JSON list of cases"
}

# run_rc ARGS...: run casekb on the private database with stdout in
# $TMP/out and stderr in $TMP/err; sets RC to its exit status, never fails.
run_rc() {
    RC=0
    "$CASEKB" --db "$TMP/db" "$@" >"$TMP/out" 2>"$TMP/err" || RC=$?
}

# expect_rc WANT ARGS...: run_rc, then fail unless the exit status is WANT.
expect_rc() {
    want=$1
    shift
    run_rc "$@"
    [ "$RC" = "$want" ] ||
        fail "casekb $*: exit $RC, expected $want; stderr: $(head -c 600 "$TMP/err")"
}
