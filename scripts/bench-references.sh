#!/bin/sh
# Time the ingest of one mail whose References header holds N message ids
# (issue 9: 100000 of them took 52 s when duplicates were found by a linear
# scan).  Fails when it takes more than LIMIT seconds.
#   scripts/bench-references.sh [N] [LIMIT] [CASEKB]
# N defaults to 100000, LIMIT to 5, CASEKB to ./casekb (build it with make;
# under AddressSanitizer GMime's header buffer, grown 64 bytes at a time,
# makes a header this long far slower, so time the release build).
set -eu
n=${1:-100000}
limit=${2:-5}
top=$(cd "$(dirname "$0")/.." && pwd)
ck=${3:-$top/casekb}
case $n$limit in *[!0-9]*) echo "bench-references: N and LIMIT must be whole numbers" >&2; exit 2;; esac
[ -x "$ck" ] || { echo "bench-references: $ck is not built (make)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/casekb-bench-refs.XXXXXX")
trap 'rm -rf "$work"' EXIT
awk -v n="$n" 'BEGIN {
    printf "From: a@bench.example\nSubject: many references\nMessage-ID: <m@bench.example>\n"
    printf "Date: Wed, 10 Mar 2021 11:00:00 +0000\nReferences:"
    for (i = 0; i < n; i++)
        printf " <r%d@bench.example>%s", i, (i % 1000 == 999 ? "\n" : "")
    printf "\n\nreply text\n"
}' >"$work/refs.eml"
start=$(date +%s.%N)
"$ck" --db "$work/db" ingest "$work/refs.eml" >/dev/null 2>"$work/err" ||
    { echo "bench-references: ingest failed: $(cat "$work/err")" >&2; exit 1; }
end=$(date +%s.%N)
secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
echo "ingest of one mail with $n References: $secs s (limit $limit s)"
awk -v s="$secs" -v l="$limit" 'BEGIN { exit !(s <= l) }' ||
    { echo "bench-references: slower than $limit s" >&2; exit 1; }
