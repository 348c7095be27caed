#!/bin/sh
# Whole-process search latency, casekb against notmuch, on a generated archive.
#   scripts/bench-search.sh [N] [RUNS]
# Uses build/bench-N (default N 20000; made by scripts/bench-ingest.sh, or
# generated and indexed here when missing) and times 10 fixed queries
# (Chinese, English, phrases, filters) RUNS times each (default 15): p50/p95
# in milliseconds of `casekb search --messages --count` and of `notmuch
# count` on notmuch's default index (Chinese queries also on the CJK n-gram
# index when scripts/bench-ingest.sh built it), then the median of the p50s.
# CASEKB (default ./casekb) picks the binary.
set -eu
n=${1:-20000}
runs=${2:-15}
case $n$runs in *[!0-9]*) echo "bench-search: N and RUNS must be whole numbers" >&2; exit 2;; esac
top=$(cd "$(dirname "$0")/.." && pwd)
ck=${CASEKB:-$top/casekb}
[ -x "$ck" ] || { echo "bench-search: build ./casekb first (make)" >&2; exit 2; }
work=$top/build/bench-$n
db=$work/casekb.db
[ -f "$db" ] || sh "$top/scripts/bench-ingest.sh" "$n" >/dev/null
have_notmuch=0
command -v notmuch >/dev/null && [ -f "$work/nm-default.config" ] && have_notmuch=1

# ms_percentiles RUNS CMD...: p50 and p95 of the wall time of CMD, in ms.
ms_percentiles() {
    r=$1; shift
    i=0
    while [ $i -lt "$r" ]; do
        s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N)
        echo $(( (e - s) / 1000000 ))
        i=$((i + 1))
    done | sort -n | awk '{ a[NR] = $1 } END { p50 = a[int((NR + 1) / 2)]; i95 = int(NR * 0.95 + 0.5); if (i95 < 1) i95 = 1; printf "%d %d", p50, a[i95] }'
}

# nm CFG QUERY: `notmuch count QUERY` on the index nm-CFG (cjk: with
# Xapian's CJK n-grams for the query too).
nm() {
    if [ "$1" = cjk ]; then
        NOTMUCH_CONFIG=$work/nm-cjk.config XAPIAN_CJK_NGRAM=1 notmuch count "$2"
    else
        env -u XAPIAN_CJK_NGRAM NOTMUCH_CONFIG="$work/nm-default.config" notmuch count "$2"
    fi
}

echo "machine: $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg); archive: $n messages, mbox $(( $(stat -c %s "$work/archive.mbox") / 1048576 )) MiB; $runs runs a query"
printf '%-32s %14s %9s %15s %9s\n' query "casekb p50/p95" "casekb n" "notmuch p50/p95" "notmuch n"
while IFS='|' read -r q nq cfg; do
    [ -n "$q" ] || continue
    c=$(ms_percentiles "$runs" "$ck" --db "$db" search --messages --count "$q")
    cn=$("$ck" --db "$db" search --messages --count "$q" 2>/dev/null || echo 0)
    m="- -"; mn=-
    if [ $have_notmuch = 1 ]; then
        [ -f "$work/nm-$cfg.config" ] || cfg=default
        m=$(ms_percentiles "$runs" nm "$cfg" "$nq")
        mn=$(nm "$cfg" "$nq")
    fi
    printf '%-32s %6s/%-7s %9s %6s/%-8s %9s\n' "$q" ${c% *} ${c#* } "$cn" ${m% *} ${m#* } "$mn"
    echo "${c% *} ${m% *}" >>"$work/search-p50.$$"
done <<'QUERIES'
激活|激活|cjk
信任关系|信任关系|cjk
"产品密钥"|"产品密钥"|cjk
序列号 激活|序列号 and 激活|cjk
slmgr|slmgr|default
0xC004F074|0xC004F074|default
activation|activation|default
"KMS host"|"KMS host"|default
SusClientId|SusClientId|default
slmgr from:cmgos.com|slmgr and from:cmgos.com|default
QUERIES
# median COLUMN: the median of that column of the p50 list.
median() {
    cut -d' ' -f"$1" "$work/search-p50.$$" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}
echo "median p50: casekb $(median 1) ms, notmuch count $(median 2) ms"
rm -f "$work/search-p50.$$"
