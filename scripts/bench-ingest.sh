#!/bin/sh
# Measure ingest on a generated archive and compare with notmuch.
#   scripts/bench-ingest.sh [N] [WORKDIR]
# Generates scripts/gen-archive N (default 20000), then reports for casekb:
# messages per second over the whole mbox ingest, peak RSS (/usr/bin/time -v),
# database size against the mbox size; and `notmuch new` on the same maildir
# in the same run.  Prints the machine's core count with the figures.
set -eu
n=${1:-20000}
case $n in *[!0-9]*|'') echo "bench-ingest: N must be a whole number, got '$n'" >&2; exit 2;; esac
work=${2:-build/bench-$n}
top=$(cd "$(dirname "$0")/.." && pwd)
ck=$top/casekb
[ -x "$ck" ] || { echo "bench-ingest: build ./casekb first (make)" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "bench-ingest: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }
mkdir -p "$work"
work=$(cd "$work" && pwd)
[ -f "$work/archive.mbox" ] || "$top/scripts/gen-archive" "$n" "$work" >/dev/null
rm -f "$work/casekb.db" "$work/casekb.db-wal" "$work/casekb.db-shm"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
/usr/bin/time -v "$ck" --db "$work/casekb.db" ingest "$work/archive.mbox" >"$work/ingest.out" 2>"$work/ingest.time"
secs=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/ingest.time")
rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/ingest.time")
mbox=$(stat -c %s "$work/archive.mbox")
db=$(( $(stat -c %s "$work/casekb.db") + $(stat -c %s "$work/casekb.db-wal" 2>/dev/null || echo 0) ))
read_n=$("$ck" --db "$work/casekb.db" cases --json | jq '[.[].messages] | add')
wall=$(echo "$secs" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
echo "casekb ingest: $(cat "$work/ingest.out")"
echo "casekb: $read_n messages stored in $wall s = $(awk -v n="$read_n" -v s="$wall" 'BEGIN { printf "%.0f", n / s }') msg/s; peak RSS $((rss / 1024)) MiB"
echo "casekb: database $((db / 1048576)) MiB vs mbox $((mbox / 1048576)) MiB ($(awk -v d="$db" -v m="$mbox" 'BEGIN { printf "%.2f", d / m }')x)"

if command -v notmuch >/dev/null; then
    rm -rf "$work/maildir/.notmuch"
    printf '[database]\npath=%s\n[new]\ntags=\n[search]\nexclude_tags=\n' "$work/maildir" >"$work/notmuch-config"
    NOTMUCH_CONFIG=$work/notmuch-config /usr/bin/time -v notmuch new --quiet >/dev/null 2>"$work/notmuch.time"
    nsecs=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/notmuch.time")
    nrss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/notmuch.time")
    nwall=$(echo "$nsecs" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
    nmsg=$(NOTMUCH_CONFIG=$work/notmuch-config notmuch count --output=messages '*')
    nsize=$(du -sb "$work/maildir/.notmuch" | cut -f1)
    echo "notmuch new: $nmsg messages in $nwall s = $(awk -v n="$nmsg" -v s="$nwall" 'BEGIN { printf "%.0f", n / s }') msg/s; peak RSS $((nrss / 1024)) MiB; index $((nsize / 1048576)) MiB"
else
    echo "notmuch: not installed (apt-get install notmuch) — comparison skipped"
fi
