#!/bin/sh
# T138: commands that only read work on a database they cannot write: a
# read-only folder holding a read-only database, opened by another user.
# Ingest leaves it in rollback-journal mode without -wal/-shm files; cases,
# show, search, summary, report, kb (to a writable -o), similar, export,
# checklist, draft, verify and `rules stats` all succeed and leave the
# folder as it was.  A database left in WAL mode (by an older casekb, or by
# sqlite3) is read as well.  Ingest fails with one line naming the
# database.  Run as root, the read commands run as nobody (root ignores
# file modes).
. "$(dirname "$0")/lib.sh"
cd "$CASEKB_TOP" || die "cannot enter $CASEKB_TOP"

ro=$TMP/ro
mkdir "$ro" "$TMP/out" || die "cannot create folders"
"$CASEKB" --db "$ro/db" ingest samples >/dev/null 2>"$TMP/ingest.err" ||
    fail "ingest samples failed: $(cat "$TMP/ingest.err")"
# journal_mode DB: "wal" or "rollback", from the file header.
journal_mode() {
    case $(od -An -tu1 -j18 -N2 "$1" | tr -s ' ') in
        " 2 2") echo wal;;
        " 1 1") echo rollback;;
        *) echo unknown;;
    esac
}
[ "$(journal_mode "$ro/db")" = rollback ] || fail "ingest left the database in $(journal_mode "$ro/db") mode"
[ ! -e "$ro/db-wal" ] && [ ! -e "$ro/db-shm" ] || fail "ingest left $(ls "$ro")"
chmod a-w "$ro/db" "$ro" && chmod a+rx "$ro" && chmod a+r "$ro/db" || die "chmod failed"
chmod a+x "$TMP" && chmod a+rwx "$TMP/out" || die "chmod failed"
ls -l "$ro" >"$TMP/before"

# as_user CMD...: run CMD as a user who cannot write $ro (nobody when root).
if [ "$(id -u)" = 0 ]; then
    need_cmd setpriv
    as_user() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
else
    as_user() { "$@"; }
fi
as_user touch "$ro/probe" 2>/dev/null && skip "cannot make a folder read-only here"
# as ARGS...: casekb on the read-only database as that user.
as() { as_user "$CASEKB" --db "$ro/db" "$@"; }

# run_ro NAME ARGS...: run a read command as that user; output in $TMP/out/NAME.
run_ro() {
    name=$1
    shift
    RC=0
    as "$@" >"$TMP/out/$name" 2>"$TMP/out/$name.err" || RC=$?
    [ "$RC" = 0 ] || fail "casekb $* on a read-only database: exit $RC: $(head -c 600 "$TMP/out/$name.err")"
}

case_id=CAS-04711-L2V8C3
run_ro cases cases --json
[ "$(jq length "$TMP/out/cases")" -gt 0 ] || fail "cases listed nothing"
run_ro show show --json "$case_id"
[ "$(jq -r .case_id "$TMP/out/show")" = "$case_id" ] || fail "show gave $(head -c 200 "$TMP/out/show")"
run_ro search search --json 0xC004F074
[ "$(jq length "$TMP/out/search")" -gt 0 ] || fail "search found nothing"
run_ro summary summary "$case_id"
run_ro report report --format md
run_ro kb kb -o "$TMP/out/kb-dir"
[ -n "$(ls "$TMP/out/kb-dir")" ] || fail "kb wrote nothing"
run_ro similar similar "$case_id"
run_ro export export --ndjson
[ -s "$TMP/out/export" ] || fail "export wrote nothing"
run_ro checklist checklist "$case_id"
run_ro draft draft --kind closing "$case_id"
printf 'Name: Windows\n' >"$TMP/out/log.txt"
RC=0
as verify "$case_id" "$TMP/out/log.txt" >/dev/null 2>"$TMP/out/verify.err" || RC=$?
[ "$RC" -le 1 ] || fail "verify on a read-only database: exit $RC: $(cat "$TMP/out/verify.err")"
run_ro stats rules stats
ls -l "$ro" >"$TMP/after"
cmp -s "$TMP/before" "$TMP/after" || fail "read commands changed the read-only folder: $(cat "$TMP/after")"
echo "ok: every read command works on a read-only database"

# The same database in WAL mode with no -wal/-shm (as sqlite3 or an older
# casekb leaves it): a reader cannot create the -shm, so it reads the file
# as immutable.
if command -v sqlite3 >/dev/null 2>&1; then
    chmod u+w "$ro" "$ro/db" && sqlite3 "$ro/db" 'PRAGMA journal_mode=WAL' >/dev/null && chmod a-w "$ro" "$ro/db" ||
        die "cannot switch the database to WAL mode"
    [ "$(journal_mode "$ro/db")" = wal ] && [ ! -e "$ro/db-shm" ] || die "sqlite3 did not leave a bare WAL database"
    run_ro cases-wal cases --json
    cmp -s "$TMP/out/cases" "$TMP/out/cases-wal" || fail "cases differ in WAL mode"
    run_ro search-wal search --json 0xC004F074
    cmp -s "$TMP/out/search" "$TMP/out/search-wal" || fail "search results differ in WAL mode"
    [ ! -e "$ro/db-shm" ] || fail "a reader left a -shm file"
    echo "ok: a WAL-mode database without -shm is read too"
else
    echo "note: sqlite3 is not installed; the WAL-mode case is not tested"
fi

# A writer is refused with one line naming the database.
RC=0
as ingest samples/ >/dev/null 2>"$TMP/ingest-ro.err" || RC=$?
[ "$RC" = 3 ] || fail "ingest into a read-only database: exit $RC, expected 3"
[ "$(wc -l <"$TMP/ingest-ro.err")" = 1 ] && grep -q "$ro/db" "$TMP/ingest-ro.err" ||
    fail "ingest error is not one line naming the database: $(cat "$TMP/ingest-ro.err")"
echo "ok: ingest into it fails with: $(cat "$TMP/ingest-ro.err")"
