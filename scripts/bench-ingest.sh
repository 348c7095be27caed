#!/bin/sh
# Ingest benchmark: casekb against notmuch and the GMime parse floor.
#   scripts/bench-ingest.sh [N...]        (default: 5000 20000; or $BENCH_SIZES)
# For each N, on scripts/gen-archive N (kept in build/bench-N): casekb ingest
# of the mbox (wall time, time per message, peak RSS, database size against
# the mbox), `notmuch new` on the same messages as a maildir with its default
# indexing and with Xapian's CJK n-grams (XAPIAN_CJK_NGRAM=1; notmuch itself
# has no index.* option for CJK), and the GMime parse floor
# (scripts/bench-parse-floor: parse every message and decode every part).
# Then the change of casekb's time per message from the smallest N to the
# largest.  Leaves build/bench-N/casekb.db and the notmuch databases for
# scripts/bench-search.sh.  CASEKB (default ./casekb) and BUILD (default
# build) pick the binary and the build with the tools.  100000 messages take
# about 10 minutes on 2 cores (mostly notmuch): BENCH_SIZES="5000 100000".
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
ck=${CASEKB:-$top/casekb}
floor=$top/${BUILD:-build}/release/scripts/bench-parse-floor
sizes=${*:-${BENCH_SIZES:-5000 20000}}
[ -x "$ck" ] || { echo "bench-ingest: build ./casekb first (make)" >&2; exit 2; }
[ -x "$floor" ] || (cd "$top" && make -s BUILD="${BUILD:-build}" VARIANT=release "${BUILD:-build}/release/scripts/bench-parse-floor")
command -v /usr/bin/time >/dev/null || { echo "bench-ingest: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }
have_notmuch=0
command -v notmuch >/dev/null && have_notmuch=1

# wall FILE: the elapsed seconds in a /usr/bin/time -v report.
wall() {
    sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$1" |
        awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }'
}
# rss FILE: the peak RSS in MiB in a /usr/bin/time -v report.
rss() {
    sed -n 's/.*Maximum resident set size (kbytes): //p' "$1" | awk '{ printf "%d", $1 / 1024 }'
}
# cpu FILE: user + system seconds in a /usr/bin/time -v report.
cpu() {
    awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$1"
}
# ratio A B: A / B with two decimals.
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'
}

# notmuch_new WORK NAME [ENV...]: index WORK/maildir into WORK/NAME with
# `notmuch new` (ENV set), writing WORK/NAME.config and WORK/NAME.time.
notmuch_new() {
    w=$1; name=$2; shift 2
    rm -rf "${w:?}/$name"
    mkdir -p "$w/$name"
    printf '[database]\npath=%s\nmail_root=%s\n[new]\ntags=\n[search]\nexclude_tags=\n' \
        "$w/$name" "$w/maildir" >"$w/$name.config"
    env NOTMUCH_CONFIG="$w/$name.config" "$@" /usr/bin/time -v notmuch new --quiet >/dev/null 2>"$w/$name.time"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%8s %9s %7s %8s %7s %8s %7s %10s %7s %10s %7s %9s %7s\n' messages "casekb s" "CPU s" "CPU us/msg" \
    "RSS MB" "DB MB" "DB/mbox" "notmuch s" "(x)" "nm-CJK s" "(x)" "GMime s" "(x)"
first_us= ; last_us=
for n in $sizes; do
    case $n in *[!0-9]*|'') echo "bench-ingest: N must be a whole number, got '$n'" >&2; exit 2;; esac
    work=$top/build/bench-$n
    mkdir -p "$work"
    [ -f "$work/archive.mbox" ] || "$top/scripts/gen-archive" "$n" "$work" >/dev/null
    rm -f "$work/casekb.db" "$work/casekb.db-wal" "$work/casekb.db-shm"
    /usr/bin/time -v "$ck" --db "$work/casekb.db" ingest "$work/archive.mbox" >"$work/ingest.out" 2>"$work/ingest.time"
    secs=$(wall "$work/ingest.time")
    mbox=$(stat -c %s "$work/archive.mbox")
    db=$(( $(stat -c %s "$work/casekb.db") + $(stat -c %s "$work/casekb.db-wal" 2>/dev/null || echo 0) ))
    csecs_ck=$(cpu "$work/ingest.time")
    us=$(awk -v s="$csecs_ck" -v n="$n" 'BEGIN { printf "%.0f", s * 1e6 / n }')
    [ -n "$first_us" ] || first_us=$us
    last_us=$us
    fsecs=$("$floor" "$work/archive.mbox" | awk '{ print $(NF - 1) }')
    nsecs=- ; csecs=-
    if [ $have_notmuch = 1 ]; then
        notmuch_new "$work" nm-default && nsecs=$(wall "$work/nm-default.time")
        notmuch_new "$work" nm-cjk XAPIAN_CJK_NGRAM=1 && csecs=$(wall "$work/nm-cjk.time")
    fi
    printf '%8s %9s %7s %8s %7s %8s %7s %10s %7s %10s %7s %9s %7s\n' "$n" "$secs" "$csecs_ck" "$us" \
        "$(rss "$work/ingest.time")" \
        "$(awk -v d="$db" 'BEGIN { printf "%.1f", d / 1048576 }')" "$(ratio "$db" "$mbox")" \
        "$nsecs" "$(ratio "$nsecs" "$secs")" "$csecs" "$(ratio "$csecs" "$secs")" "$fsecs" "$(ratio "$secs" "$fsecs")"
done
echo "(x) = the other tool's time / casekb's (above 1: casekb is faster); for GMime, casekb's time / the parse floor's"
echo "casekb CPU time per message (user + system: steadier than wall time on a shared machine), first size to last: $first_us -> $last_us us ($(awk -v a="$first_us" -v b="$last_us" \
    'BEGIN { printf "%+.0f%%", (b - a) * 100 / a }'))"
[ $have_notmuch = 1 ] || echo "notmuch: not installed (apt-get install notmuch); comparison skipped"
