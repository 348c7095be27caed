#!/bin/sh
# T134: the full-text index holds exactly its content.  On a fresh samples
# database FTS5's integrity-check passes and a word found only in a
# forwarded part (samples/fwd-CAS-06120-N4J8U5, the attached customer mail)
# is searchable; after a forced tokenizer-version rebuild it still is and
# the check still passes; an old schema-2 database (tests/fixtures/fts/
# schema-v2.sql) upgrades to the same design.  Also: query bytes never
# act as the tokenizer's internal suffix mark (\001), and the query
# \001\004abc, which read out of bounds, is an ordinary search.
. "$(dirname "$0")/lib.sh"
cd "$CASEKB_TOP" || die "cannot enter $CASEKB_TOP"
need_cmd sqlite3
check=${CASEKB_BUILD:-$(dirname "$CASEKB")}/scripts/fts-check
[ -x "$check" ] || die "$check is not built (make build-tests)"
fwd=CAS-06120-N4J8U5

# index_ok DB: fts-check (FTS5 integrity-check through casekb's store) passes.
index_ok() {
    "$check" "$1" >"$TMP/check.out" 2>"$TMP/check.err" ||
        fail "integrity-check of $1 failed: $(head -c 600 "$TMP/check.err")"
}

# finds DB QUERY CASE: `search --json QUERY` on DB lists CASE.
finds() {
    "$CASEKB" --db "$1" search --json "$2" >"$TMP/search.json" 2>"$TMP/search.err" ||
        fail "search '$2' on $1: exit $?: $(head -c 600 "$TMP/search.err")"
    jq -e --arg c "$3" 'any(.[]; .case_id == $c)' "$TMP/search.json" >/dev/null ||
        fail "search '$2' on $1 does not find $3: $(cat "$TMP/search.json")"
}

# setting DB KEY: the value of a settings row.
setting() {
    sqlite3 "$1" "SELECT value FROM settings WHERE key = '$2'" || die "sqlite3 cannot read $1"
}

# --- fresh samples database ---
ck ingest samples >/dev/null 2>"$TMP/ingest.err" || fail "ingest samples failed: $(cat "$TMP/ingest.err")"
index_ok "$TMP/db"
finds "$TMP/db" huangzm "$fwd"
finds "$TMP/db" 自动还原系统 "$fwd"
finds "$TMP/db" '"每周一早上自动还原"' "$fwd"

# --- a rebuild forced by a stale tokenizer version keeps forwarded text ---
# (a command that writes, such as analyze, rebuilds the index on open)
sqlite3 "$TMP/db" "UPDATE settings SET value = 'stale' WHERE key = 'fts_tokenizer_version'" ||
    die "sqlite3 cannot write $TMP/db"
ck analyze >/dev/null 2>"$TMP/analyze.err" || fail "analyze failed: $(head -c 600 "$TMP/analyze.err")"
[ "$(setting "$TMP/db" fts_tokenizer_version)" != stale ] || fail "opening the database did not rebuild the index"
finds "$TMP/db" huangzm "$fwd"
finds "$TMP/db" 自动还原系统 "$fwd"
index_ok "$TMP/db"

# --- a schema-2 database upgrades ---
old=$TMP/old.db
sqlite3 "$old" <tests/fixtures/fts/schema-v2.sql || die "cannot load tests/fixtures/fts/schema-v2.sql"
[ "$(sqlite3 "$old" 'PRAGMA user_version')" = 2 ] || die "the fixture is not at schema version 2"
"$CASEKB" --db "$old" analyze >/dev/null 2>"$TMP/analyze.err" ||
    fail "analyze on the schema-2 database failed: $(head -c 600 "$TMP/analyze.err")"
finds "$old" zebrafinch CAS-09134-F7T5S1
version=$(sqlite3 "$old" 'PRAGMA user_version')
[ "$version" -ge 3 ] || fail "the old database is still at schema version $version"
index_ok "$old"
sqlite3 "$old" "UPDATE settings SET value = 'stale' WHERE key = 'fts_tokenizer_version'" || die "sqlite3 cannot write $old"
"$CASEKB" --db "$old" analyze >/dev/null 2>"$TMP/analyze.err" ||
    fail "analyze (rebuilding the index) failed: $(head -c 600 "$TMP/analyze.err")"
finds "$old" 蓝鲸牌终端 CAS-09134-F7T5S1
index_ok "$old"

# --- query bytes are never the suffix mark; \001\004abc does not crash ---
expect_rc 1 search ctivation
run_rc search "$(printf '\001ctivation')"
[ "$RC" = 1 ] || fail "search ^Activation (control-A): exit $RC, expected 1 as for 'ctivation' (the user's control-A acted as the suffix mark)"
run_rc search "$(printf '\001\004abc')"
[ "$RC" = 0 ] || [ "$RC" = 1 ] || fail "search ^A^Dabc: exit $RC; stderr: $(head -c 600 "$TMP/err")"
grep -q Sanitizer "$TMP/err" && fail "search ^A^Dabc: $(head -c 600 "$TMP/err")"
run_rc search --json "$(printf 'KMS\001activation')"
[ "$RC" = 0 ] || fail "search KMS^Aactivation: exit $RC; stderr: $(head -c 600 "$TMP/err")"
jq -e 'any(.[]; .case_id == "CAS-07031-E2F5G9")' "$TMP/out" >/dev/null ||
    fail "search KMS^Aactivation (the control byte a separator) misses CAS-07031-E2F5G9"
exit 0
