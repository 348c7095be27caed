#!/bin/sh
# T030: the CLI's error contract: an unknown case exits 1 with one stderr
# line and nothing on stdout; bad options and missing arguments exit 2; a
# missing input file exits 2 and names the file; --help works (exit 0,
# usage on stdout) for the program and for every command it lists.
. "$(dirname "$0")/lib.sh"
cd "$CASEKB_TOP" || die "cannot enter $CASEKB_TOP"

expect_rc 0 ingest samples/seed-CAS-03877-J9N4S5.txt

# Unknown IDs of every kind: case ID, alias, Message-ID, THR id.
for id in CAS-99999-ZZZZZZ CMIT:9999999 no-such-message@example.invalid THR-00000000; do
    for json in "" --json; do
        expect_rc 1 show $json "$id"
        [ "$(wc -l <"$TMP/err")" -eq 1 ] || fail "show $json $id: expected one stderr line, got: $(cat "$TMP/err")"
        [ -s "$TMP/out" ] && fail "show $json $id: printed on stdout: $(head -c 200 "$TMP/out")"
        grep -q . "$TMP/err" || fail "show $json $id: empty stderr line"
    done
done

# Known IDs still work from the same database (the error path did not break it).
expect_rc 0 show CAS-03877-J9N4S5
expect_rc 0 show --json CMIT:0001828
jq -e '.case_id == "CAS-03877-J9N4S5"' "$TMP/out" >/dev/null || fail "show CMIT:0001828 did not find the seed case"

# Usage errors: unknown options, unknown command, missing arguments.
expect_rc 2 --no-such-option cases
expect_rc 2 cases --no-such-option
expect_rc 2 show --no-such-option CAS-03877-J9N4S5
expect_rc 2 ingest --no-such-option samples
expect_rc 2 no-such-command
expect_rc 2 show
expect_rc 2 ingest
[ -s "$TMP/err" ] || fail "ingest without a path: nothing on stderr"
run_rc
[ "$RC" = 2 ] || fail "casekb with no command: exit $RC, expected 2"

# A missing input file: exit 2, and the message names the file.
missing=$TMP/does-not-exist/mail.eml
expect_rc 2 ingest "$missing"
grep -qF "$missing" "$TMP/err" || fail "ingest of a missing file: stderr does not name it: $(cat "$TMP/err")"
expect_rc 2 ingest samples/seed-CAS-03877-J9N4S5.txt "$missing"
grep -qF "$missing" "$TMP/err" || fail "ingest with one missing file: stderr does not name it: $(cat "$TMP/err")"

# --help for the program and for every command it lists.
expect_rc 0 --help
grep -qi usage "$TMP/out" || fail "casekb --help: no usage text on stdout"
commands=$(sed -n '/^Commands:/,/^$/p' "$TMP/out" | awk 'NR > 1 && NF { print $1 }')
[ -n "$commands" ] || fail "casekb --help lists no commands"
for c in ingest cases show; do
    echo "$commands" | grep -qx "$c" || fail "casekb --help does not list '$c'"
done
for c in $commands; do
    expect_rc 0 "$c" --help
    grep -qi usage "$TMP/out" || fail "casekb $c --help: no usage text on stdout"
    grep -q "$c" "$TMP/out" || fail "casekb $c --help does not name the command"
done
echo "ok: error exits and --help for $(echo "$commands" | wc -l) commands"

# A file that is not mail: one warning line naming it, nothing stored, exit 1.
printf 'just some notes\nnot a message\n' >"$TMP/notes.txt"
ck ingest "$TMP/notes.txt" >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc -eq 1 ] || fail "ingest of a non-mail file gave exit $rc"
[ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q "notes.txt: not a mail file" "$TMP/err" ||
    fail "ingest of a non-mail file: $(cat "$TMP/err")"
echo "ok: a non-mail file is reported and skipped"
