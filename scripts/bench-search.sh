#!/bin/sh
# Whole-process search latency, casekb against notmuch, on a generated archive.
#   scripts/bench-search.sh [N] [RUNS]
# Generates scripts/gen-archive N (default 100000) once, ingests the mbox
# into casekb and indexes the maildir with `notmuch new`, then times a fixed
# set of Chinese, English and filtered queries RUNS times each (default 15),
# reporting p50/p95 in milliseconds for `casekb search --count` and
# `notmuch count`; then, for the generator's ground-truth words, how many
# messages each tool finds against the number whose new text holds the word.
set -eu
n=${1:-100000}
runs=${2:-15}
case $n$runs in *[!0-9]*) echo "bench-search: N and RUNS must be whole numbers" >&2; exit 2;; esac
top=$(cd "$(dirname "$0")/.." && pwd)
ck=$top/casekb
[ -x "$ck" ] || { echo "bench-search: build ./casekb first (make)" >&2; exit 2; }
mkdir -p "$top/build/bench-$n"
work=$(cd "$top/build/bench-$n" && pwd)
[ -f "$work/archive.mbox" ] || "$top/scripts/gen-archive" "$n" "$work" >/dev/null
db=$work/casekb.db
if [ ! -f "$db" ]; then
    /usr/bin/time -f '%e s, peak RSS %M KB' -o "$work/ingest.time" "$ck" --db "$db" ingest "$work/archive.mbox" >/dev/null
    echo "casekb ingest of $n messages: $(cat "$work/ingest.time")"
fi
export NOTMUCH_CONFIG=$work/notmuch-config
printf '[database]\npath=%s\n[new]\ntags=\n[search]\nexclude_tags=\n' "$work/maildir" >"$NOTMUCH_CONFIG"
have_notmuch=0
if command -v notmuch >/dev/null; then
    have_notmuch=1
    if [ ! -d "$work/maildir/.notmuch" ]; then
        /usr/bin/time -f '%e s, peak RSS %M KB' -o "$work/notmuch.time" notmuch new --quiet >/dev/null
        echo "notmuch new of $n messages: $(cat "$work/notmuch.time")"
    fi
fi

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

echo "machine: $(nproc) cores; archive: $n messages, mbox $(( $(stat -c %s "$work/archive.mbox") / 1048576 )) MiB"
echo "casekb database: $(( $(stat -c %s "$db") / 1048576 )) MiB (FTS index $(sqlite3 "$db" "SELECT sum(pgsize) / 1048576 FROM dbstat WHERE name LIKE 'messages_fts%'" 2>/dev/null || echo '?') MiB)"
[ $have_notmuch = 1 ] && echo "notmuch index: $(( $(du -sb "$work/maildir/.notmuch" | cut -f1) / 1048576 )) MiB"
printf '%-40s %14s %14s %9s %9s\n' query "casekb p50/p95" "notmuch p50/p95" "casekb n" "notmuch n"
while IFS='|' read -r q nq; do
    [ -n "$q" ] || continue
    c=$(ms_percentiles "$runs" "$ck" --db "$db" search --messages --count "$q")
    cn=$("$ck" --db "$db" search --messages --count "$q" 2>/dev/null || echo 0)
    if [ $have_notmuch = 1 ] && [ "$nq" != - ]; then
        m=$(ms_percentiles "$runs" notmuch count "$nq")
        mn=$(notmuch count "$nq")
    else
        m="- -"; mn=-
    fi
    printf '%-40s %6s/%-7s %6s/%-7s %9s %9s\n' "$q" ${c% *} ${c#* } ${m% *} ${m#* } "$cn" "$mn"
done <<'QUERIES'
激活|激活
信任关系|信任关系
"产品密钥"|"产品密钥"
序列号 激活|序列号 and 激活
slmgr|slmgr
0xC004F074|0xC004F074
activation|activation
"KMS host"|"KMS host"
SusClientId|SusClientId
slmgr -sysprep|slmgr and not sysprep
激活 vendor:HP|-
code:0xC004F074 after:2022-01-01|0xC004F074 and date:2022-01-01..
cause:activation.kms-dns status:open|-
slmgr from:cmgos.com|slmgr and from:cmgos.com
date:2021-03..2021-04 激活|激活 and date:2021-03-01..2021-04-30
QUERIES

echo
echo "ground truth (messages whose new text holds the word) vs found"
printf '%-14s %8s %12s %14s\n' word truth "casekb body:" "notmuch count"
for w in $(jq -r '.words | keys[]' "$work/truth.json"); do
    t=$(jq -r --arg w "$w" '.words[$w]' "$work/truth.json")
    c=$("$ck" --db "$db" search --messages --count "body:\"$w\"" 2>/dev/null || echo 0)
    m=-; [ $have_notmuch = 1 ] && m=$(notmuch count "$w")
    printf '%-14s %8s %12s %14s\n' "$w" "$t" "$c" "$m"
done
