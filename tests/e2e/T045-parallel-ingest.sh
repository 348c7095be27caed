#!/bin/sh
# T045: parsing on worker threads gives exactly the database one thread
# gives: the samples plus a generated archive (with replies that carry no
# references, so case joining depends on order), ingested with --jobs 1 and
# --jobs 4 in batches of 50, give the same case list, the same case
# documents and the same search results.
. "$(dirname "$0")/lib.sh"
cd "$CASEKB_TOP" || die "cannot enter $CASEKB_TOP"
gen="$CASEKB_BUILD/scripts/gen-archive"
[ -x "$gen" ] || die "$gen is not built"
"$gen" 600 "$TMP/arch" >/dev/null 2>&1 || die "gen-archive failed"

# snapshot JOBS: ingest into db-JOBS and write everything a user can read
# from it to $TMP/snap-JOBS.
snapshot() {
    db="$TMP/db-$1"
    "$CASEKB" --db "$db" ingest --jobs "$1" --batch-size 50 samples "$TMP/arch/archive.mbox" \
        >"$TMP/ingest-$1" 2>"$TMP/ingest-err-$1" || fail "ingest --jobs $1 failed: $(tail -3 "$TMP/ingest-err-$1")"
    out="$TMP/snap-$1"
    "$CASEKB" --db "$db" cases --json >"$out" || fail "cases --json failed (jobs $1)"
    cp "$out" "$TMP/cases-$1.json"
    for id in $(jq -r '.[].case_id' "$out"); do
        "$CASEKB" --db "$db" show --json "$id" || fail "show $id failed (jobs $1)"
    done >>"$out"
    for q in 激活 slmgr 0xC004F074 '"信任关系"' 'vendor:Dell KMS'; do
        "$CASEKB" --db "$db" search --json --limit 50 "$q" >>"$out"
        [ $? -le 1 ] || fail "search $q failed (jobs $1)"
    done
    sed -n 's/ ([0-9.]* s)$//p' "$TMP/ingest-$1" >>"$out"
}
snapshot 1
snapshot 4
n=$(jq length "$TMP/cases-1.json")
[ "$n" -gt 100 ] || fail "too few cases to compare: $n"
if ! cmp -s "$TMP/snap-1" "$TMP/snap-4"; then
    diff "$TMP/snap-1" "$TMP/snap-4" | head -20 >&2
    fail "--jobs 4 gave a different database than --jobs 1"
fi
echo "ok: --jobs 1 and --jobs 4 give identical cases, documents and search results ($n cases)"
