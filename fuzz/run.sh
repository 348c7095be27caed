#!/bin/sh
# run.sh TARGET [SECONDS] — fuzz one target, then fold what it found into
# fuzz/corpus/TARGET (called by `make fuzz-run TARGET=x SECONDS=n`; see
# fuzz/README.md).
#
# Corpus directories: build/fuzz/work/TARGET/new (new inputs are written
# there), fuzz/corpus/TARGET, and ../shared/corpora when present, which is
# only read.  libFuzzer runs in fork mode so one crash does not end the run:
# crash, timeout and OOM inputs go to build/fuzz/work/TARGET/artifacts/.
# Afterwards fuzz/corpus/TARGET is replaced by a -merge=1 minimisation of
# itself plus the new inputs (each cut to 8 KiB, the reader's to 32 KiB;
# edge coverage only), minus any file byte-identical to one under ../shared
# or to its cut start
# (merged files are named by their SHA-1).  SECONDS 0: only that.
# Environment: FUZZ_OPTS replaces the default libFuzzer options below.
set -eu
target=${1:?usage: fuzz/run.sh TARGET [SECONDS]}
seconds=${2:-600}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bin=build/fuzz/fuzz-$target
[ -x "$bin" ] || { echo "run.sh: $bin is missing (run make fuzz)" >&2; exit 2; }
work=build/fuzz/work/$target
corpus=fuzz/corpus/$target
mkdir -p "$work/new" "$work/artifacts" "$corpus"
shared=
[ -d "$top/../shared/corpora" ] && shared=$(cd "$top/../shared/corpora" && pwd)
opts=${FUZZ_OPTS:--fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 -max_len=65536}
limits="-rss_limit_mb=2048 -timeout=10"

if [ "$seconds" -gt 0 ]; then
    echo "run.sh: $bin -max_total_time=$seconds $limits $opts $work/new $corpus $shared (nproc $(nproc))"
    # shellcheck disable=SC2086
    "$bin" -max_total_time="$seconds" $limits $opts -artifact_prefix="$work/artifacts/" \
        "$work/new" "$corpus" $shared >"$work/fuzz.log" 2>&1 || echo "run.sh: fuzzer exit $?" >&2
    grep -E '^#[0-9]+' "$work/fuzz.log" | tail -n 1
fi

# Minimise corpus + new inputs into a fresh directory, then swap it in.
# To keep the committed corpora small, inputs are cut to 8 KiB and only
# edge coverage counts (-use_counters=0: no extra input for a hit count).
# The reader's inputs are whole files, and the smallest PST mbox2pst writes
# is 22 KiB (cut, libpst would only see a short file): 32 KiB there.
cut=8192
[ "$target" = reader ] && cut=32768
rm -rf "$work/merged" && mkdir -p "$work/merged"
# shellcheck disable=SC2086
"$bin" -merge=1 -use_counters=0 -max_len=$cut $limits -artifact_prefix="$work/artifacts/" "$work/merged" "$corpus" "$work/new" \
    >"$work/merge.log" 2>&1 || { echo "run.sh: merge failed, see $work/merge.log" >&2; exit 1; }
if [ -n "$shared" ]; then
    # a shared file, whole or cut by the merge
    find "$shared" -type f | while read -r f; do
        rm -f "$work/merged/$(sha1sum <"$f" | cut -c1-40)" \
              "$work/merged/$(head -c "$cut" "$f" | sha1sum | cut -c1-40)"
    done
fi
find "$corpus" -maxdepth 1 -type f ! -name '.*' -delete
mv "$work/merged"/* "$corpus"/ 2>/dev/null || true
echo "run.sh: $corpus: $(find "$corpus" -type f | wc -l) files, $(du -sk "$corpus" | cut -f1) KiB;" \
     "artifacts: $(find "$work/artifacts" -type f | wc -l) in $work/artifacts"
# The coverage of the corpus as kept, measured the same way for every run.
"$bin" -runs=0 $limits "$corpus" 2>&1 | grep -E '^#[0-9]+[[:space:]]+INITED' || true
