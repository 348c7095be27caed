#!/bin/sh
# T047: Outlook PST intake.  tests/tools/mbox2pst (built by make build-tests)
# writes the three cases of tests/fixtures/pst/cases.mbox as PST files;
# libpst's lspst and readpst (independent readers) must list every message.  The mbox
# ingested into one database and the PST into another must give the same
# cases, message counts, statuses, causes, and per message the same subject,
# sender, date, Message-ID, decoded body text (line ends normalised) and
# attachments, also when the strings are 8-bit in code page 936.  PSTs
# without transport headers (headers made from properties) give the same
# cases and counts.
# Re-ingest says "0 new"; a PST on standard input works; a cut-off PST and a
# file that only starts like one are one warning each, a PST damaged inside
# gives what can be read and one warning, never a crash, and nothing but the
# summary line reaches stdout.
. "$(dirname "$0")/lib.sh"
cd "$CASEKB_TOP" || die "cannot enter $CASEKB_TOP"

WRITER=${CASEKB_BUILD:-$(dirname "$CASEKB")}/tests/tools/mbox2pst
[ -x "$WRITER" ] || skip "the PST writer $WRITER was not built (make build-tests builds it)"
command -v lspst >/dev/null 2>&1 ||
    fail "lspst (pst-utils) is not installed; scripts/install-deps.sh installs it"
MBOX=tests/fixtures/pst/cases.mbox
n_mail=$(grep -c '^From ' "$MBOX") || die "cannot count the messages of $MBOX"

# Four PSTs of the same mail: Unicode with transport headers (cases), without
# them (bare: headers made from properties), and both again with the message
# strings as 8-bit PT_STRING8 in code page 936 (ansi, ansi-bare).
write_pst() {
    name=$1
    shift
    "$WRITER" "$@" "$MBOX" "$TMP/$name.pst" 2>"$TMP/writer.err" ||
        fail "mbox2pst $* failed: $(cat "$TMP/writer.err")"
    # lspst, an independent reader, lists every message.
    lspst "$TMP/$name.pst" >"$TMP/$name.lspst" 2>&1 ||
        fail "lspst cannot read $name.pst: $(head -c 400 "$TMP/$name.lspst")"
    n=$(grep -c '^Email' "$TMP/$name.lspst")
    [ "$n" = "$n_mail" ] || fail "lspst lists $n messages in $name.pst, the mbox has $n_mail"
}
write_pst cases
write_pst bare --no-headers
write_pst ansi --codepage 936
write_pst ansi-bare --codepage 936 --no-headers
grep -q 'Folder "Cases"' "$TMP/cases.lspst" || fail "lspst does not show the Cases folder: $(head -3 "$TMP/cases.lspst")"
# readpst, libpst's converter, writes every message and both attachments.
if command -v readpst >/dev/null 2>&1; then
    mkdir "$TMP/readpst" || die "mkdir failed"
    readpst -q -M -D -o "$TMP/readpst" "$TMP/cases.pst" >"$TMP/readpst.log" 2>&1 ||
        fail "readpst cannot convert cases.pst: $(head -c 400 "$TMP/readpst.log")"
    n=$(find "$TMP/readpst" -type f | wc -l)
    [ "$n" = "$n_mail" ] || fail "readpst wrote $n messages, the mbox has $n_mail"
    n=$(cat "$TMP/readpst"/*/*/* | grep -c 'filename="\(dlv.txt\|activation-error.png\)"')
    [ "$n" = 2 ] || fail "readpst found $n of the 2 attachments"
fi

# ingest DB PATH...: ingest into DB; exactly one summary line on stdout, no warning.
ingest() {
    db=$1
    shift
    "$CASEKB" --db "$db" ingest "$@" >"$TMP/out" 2>"$TMP/err" || fail "ingest $*: exit $?; $(cat "$TMP/err")"
    [ "$(wc -l <"$TMP/out")" -eq 1 ] || fail "ingest $*: stdout is not one summary line: $(cat "$TMP/out")"
    [ ! -s "$TMP/err" ] || fail "ingest $*: unexpected warnings: $(head -c 600 "$TMP/err")"
}
ingest "$TMP/mbox.db" "$MBOX"
for name in cases bare ansi ansi-bare; do
    ingest "$TMP/$name.db" "$TMP/$name.pst"
    grep -q "^ingest: $n_mail messages read, $n_mail new," "$TMP/out" || fail "ingest $name.pst: $(cat "$TMP/out")"
done

# cases DB OUT: "case_id messages status causes" lines, sorted.
cases() {
    casekb_json "$2.json" --db "$1" cases --json
    jq -r '.[] | "\(.case_id) \(.messages) \(.status) \(.causes | join(","))"' "$2.json" | sort >"$2"
}
cases "$TMP/mbox.db" "$TMP/mbox.cases"
[ "$(wc -l <"$TMP/mbox.cases")" -eq 3 ] || fail "the mbox gave $(wc -l <"$TMP/mbox.cases") cases, expected 3"
grep -q 'activation.kms-unreachable' "$TMP/mbox.cases" || fail "no cause found in the mbox: $(cat "$TMP/mbox.cases")"

# case_view SRC ID: the parts of case ID in database SRC.db compared below
# (each message's subject, sender, date, Message-ID, text and attachments,
# the top cause, error codes and partial keys) into $TMP/SRC.ID.
case_view() {
    casekb_json "$TMP/$1.show.json" --db "$TMP/$1.db" show --json "$2"
    jq -S '{messages: [.messages[] | {subject, from, from_addr, date, message_id, joined_by,
             body: (.body | gsub("\r\n"; "\n")), quoted: (.quoted | gsub("\r\n"; "\n")),
             attachments}],
            cause: (.causes[0].id // null), codes: .entities.error_codes,
            keys: .entities.partial_keys}' "$TMP/$1.show.json" >"$TMP/$1.$2" ||
        fail "show --json $2 ($1): not the expected JSON"
}

# With transport headers, every case is the mbox's, field for field.
for name in cases ansi; do
    cases "$TMP/$name.db" "$TMP/$name.cases"
    cmp -s "$TMP/mbox.cases" "$TMP/$name.cases" || { diff "$TMP/mbox.cases" "$TMP/$name.cases" >&2; fail "$name.pst gives other cases than its mbox"; }
    for id in $(cut -d' ' -f1 "$TMP/mbox.cases"); do
        case_view mbox "$id"
        case_view "$name" "$id"
        cmp -s "$TMP/mbox.$id" "$TMP/$name.$id" || { diff "$TMP/mbox.$id" "$TMP/$name.$id" >&2; fail "case $id differs between the mbox and $name.pst"; }
    done
done
jq -e '.messages[0].source | test("cases\\.pst:[0-9]+$")' "$TMP/cases.show.json" >/dev/null ||
    fail "a PST message's source is not FILE.pst:ITEM: $(jq .messages[0].source "$TMP/cases.show.json")"
jq -e '(.codes | index("0xC004C003")) and (.keys | length > 0)' "$TMP/cases.CAS-08102-R5T8W4" >/dev/null ||
    fail "the error code or partial key of CAS-08102-R5T8W4 was not found in the PST's text"
jq -e '[.messages[].attachments[] | select(.name == "dlv.txt" and (.text | contains("Partial Product Key: 8GV3D")))]
       | length == 1' "$TMP/cases.CAS-08102-R5T8W4" >/dev/null ||
    fail "the UTF-16 attachment dlv.txt of CAS-08102-R5T8W4 did not come through the PST"

# Search finds the same messages in the PST's database as in the mbox's,
# the text of the UTF-16 attachment dlv.txt included.
for q in 0xC004F074 '"Partial Product Key"' 激活 KMS; do
    for name in mbox cases; do
        casekb_json "$TMP/$name.search.json" --db "$TMP/$name.db" search --messages --json "$q"
        jq -c '[.[] | [.case_id, .message_id]] | sort' "$TMP/$name.search.json" >"$TMP/$name.hits"
    done
    [ "$(cat "$TMP/mbox.hits")" != "[]" ] || fail "search $q finds nothing in the mbox's database"
    cmp -s "$TMP/mbox.hits" "$TMP/cases.hits" ||
        fail "search $q: the PST gives $(cat "$TMP/cases.hits"), the mbox $(cat "$TMP/mbox.hits")"
done

# Without transport headers: the same cases and counts, and the first
# message's subject, sender and date made from the item's properties.
cut -d' ' -f1,2 "$TMP/mbox.cases" >"$TMP/mbox.counts"
for name in bare ansi-bare; do
    cases "$TMP/$name.db" "$TMP/$name.cases"
    cut -d' ' -f1,2 "$TMP/$name.cases" >"$TMP/$name.counts"
    cmp -s "$TMP/mbox.counts" "$TMP/$name.counts" || { diff "$TMP/mbox.counts" "$TMP/$name.counts" >&2; fail "$name.pst gives other cases"; }
    casekb_json "$TMP/$name.show.json" --db "$TMP/$name.db" show --json CAS-08101-P3K7M2
    jq -e '.messages[0] | (.subject | startswith("[案例号: CAS-08101-P3K7M2 ] % |重要事件|"))
           and .from == "周立新" and .from_addr == "zhoulx@jianghe-yb.example.cn"
           and .date == "2024-03-04T02:10:00Z" and (.body | contains("激活时全部报错 0xC004F074"))' \
        "$TMP/$name.show.json" >/dev/null ||
        fail "$name.pst: fields made from PST properties are wrong: $(jq -c '.messages[0] | {subject, from, from_addr, date}' "$TMP/$name.show.json")"
done

# Re-ingest stores nothing new; standard input is read too.
ingest "$TMP/cases.db" "$TMP/cases.pst"
grep -q "^ingest: $n_mail messages read, 0 new, $n_mail already stored" "$TMP/out" || fail "PST re-ingest: $(cat "$TMP/out")"
ingest "$TMP/stdin.db" - <"$TMP/cases.pst"
grep -q "^ingest: $n_mail messages read, $n_mail new," "$TMP/out" || fail "PST on standard input: $(cat "$TMP/out")"

# A cut-off PST, and a file that only starts like one: one warning naming the
# file, no crash, stdout only the summary.  Alone they hold no message (exit
# 1, as for any path without mail); beside the mbox the run succeeds.
size=$(wc -c <"$TMP/cases.pst")
printf '!BDN' >"$TMP/magic-only.pst"
for cut in 600 20000 $((size - 100)) magic; do
    if [ "$cut" = magic ]; then f=$TMP/magic-only.pst; else f=$TMP/cut-$cut.pst; head -c "$cut" "$TMP/cases.pst" >"$f"; fi
    rc=0
    "$CASEKB" --db "$TMP/cut.db" ingest "$f" >"$TMP/out" 2>"$TMP/err" || rc=$?
    [ "$rc" = 1 ] || fail "cut-off PST ($cut bytes): exit $rc, expected 1 (no message); $(head -c 600 "$TMP/err")"
    [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q "^.*$(basename "$f"): " "$TMP/err" ||
        fail "cut-off PST ($cut bytes): expected one warning naming the file, got: $(cat "$TMP/err")"
    [ "$(wc -l <"$TMP/out")" -le 1 ] || fail "cut-off PST ($cut bytes): stdout: $(cat "$TMP/out")"
    rc=0
    "$CASEKB" --db "$TMP/cut2.db" ingest "$f" "$MBOX" >"$TMP/out" 2>"$TMP/err" || rc=$?
    [ "$rc" = 0 ] || fail "cut-off PST ($cut bytes) beside the mbox: exit $rc; $(head -c 600 "$TMP/err")"
    grep -q "^ingest: $n_mail messages read" "$TMP/out" || fail "cut-off PST beside the mbox: $(cat "$TMP/out")"
done

# A PST damaged inside (8 KiB of its blocks zeroed): what can be read is
# ingested, the rest is one warning naming the file; never a crash.
cp "$TMP/cases.pst" "$TMP/damaged.pst" || die "cp failed"
dd if=/dev/zero of="$TMP/damaged.pst" bs=4096 seek=6 count=2 conv=notrunc 2>/dev/null || die "dd failed"
rc=0
"$CASEKB" --db "$TMP/damaged.db" ingest "$TMP/damaged.pst" >"$TMP/out" 2>"$TMP/err" || rc=$?
[ "$rc" -le 1 ] || fail "damaged PST: exit $rc; $(head -c 600 "$TMP/err")"
[ "$(wc -l <"$TMP/out")" -eq 1 ] || fail "damaged PST: stdout: $(cat "$TMP/out")"
grep -q 'damaged.pst: .*could not be read' "$TMP/err" || fail "damaged PST: no warning about unreadable items: $(cat "$TMP/err")"
grep -Eq "^ingest: [1-7] messages read" "$TMP/out" || fail "damaged PST: expected some but not all messages: $(cat "$TMP/out")"

echo "ok: PST of $n_mail messages ingests as its mbox (3 cases), lspst and readpst agree, damaged files warned"
