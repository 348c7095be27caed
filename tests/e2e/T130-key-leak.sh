#!/bin/sh
# T130: full product keys never leave casekb except through
# `show --json --reveal`.  The fixture thread (tests/fixtures/keys/) holds
# keys in ASCII, full-width (ＡＢＣＤＥ－…), space-separated and lower-case
# form, in the subject, the body, quoted text and an HTML-only part, placed
# so that every cut (timeline gist at 90 characters, kb quotes at 240,
# similar's resolution at 300) falls inside a key.  Every output of search
# (text and JSON, a query matching one group and the whole key), summary,
# draft, kb, report, similar, export, show, cases and checklist is
# normalised (terminal colours and HTML tags dropped, full-width folded to
# ASCII, everything but letters and digits removed, upper-cased) and must
# hold no hidden group of any key next to another group: that catches the whole
# key in any form, a key cut after four groups, and a key split by
# highlight brackets.
. "$(dirname "$0")/lib.sh"
fix=$CASEKB_TOP/tests/fixtures/keys
export LC_ALL=C.UTF-8
ck ingest --support-domain cmgos.example "$fix/archive" >/dev/null 2>"$TMP/ingest.err" ||
    fail "ingest of the key fixture failed: $(cat "$TMP/ingest.err")"
case_a=CAS-09130-K3Y5Z7 case_b=CAS-09131-M2N4P6
keys="TQ7BK-8M2XR-JCY6D-3WFGH-P9V4M HR4CF-XP7KW-6DM9J-BGT2Q-Y8V3C M6KDW-2TPHX-QJ9G7-CRB4Y-VF8W3
D9XCB-7HRTJ-KW2MQ-P6FYG-3BV8T GH3VT-R7KXB-9CMDF-W2YJQ-P4T6M WC8PJ-4KMTX-R7HBD-Y2GQV-9FX6K
BX4MR-9TJWC-F6PKD-Q8VYH-27GCM PK9TF-3XWQB-H7CGM-D4RYV-6JB8W"
out=$TMP/out.d
mkdir -p "$out"

# run NAME WANT ARGS...: casekb ARGS with stdout in $out/NAME; the exit
# status must match the case pattern WANT ("0", "0|1").
run() {
    name=$1 want=$2
    shift 2
    rc=0
    "$CASEKB" --db "$TMP/db" "$@" >"$out/$name" 2>"$TMP/err" || rc=$?
    eval "case $rc in $want) ;; *) fail \"casekb \$*: exit $rc, expected $want; stderr: \$(head -c 600 \"\$TMP/err\")\";; esac"
}

# --- the reveal is the one place full keys appear (and the fixture holds them) ---
expect_rc 0 show --json --reveal "$case_a"
for k in TQ7BK-8M2XR-JCY6D-3WFGH-P9V4M ＨＲ４ＣＦ－ＸＰ７ＫＷ－６ＤＭ９Ｊ－ＢＧＴ２Ｑ－Ｙ８Ｖ３Ｃ 'M6KDW 2TPHX QJ9G7 CRB4Y VF8W3' \
         D9XCB-7HRTJ-KW2MQ-P6FYG-3BV8T GH3VT-R7KXB-9CMDF-W2YJQ-P4T6M wc8pj-4kmtx-r7hbd-y2gqv-9fx6k \
         BX4MR-9TJWC-F6PKD-Q8VYH-27GCM PK9TF-3XWQB-H7CGM-D4RYV-6JB8W; do
    grep -qF "$k" "$TMP/out" || fail "show --json --reveal lacks the key $k"
done

# --- search: one group, the last group, the whole key, a phrase, each form ---
i=0
for q in 8M2XR P9V4M TQ7BK-8M2XR-JCY6D-3WFGH-P9V4M '"TQ7BK-8M2XR-JCY6D-3WFGH-P9V4M"' XP7KW ＸＰ７ＫＷ \
         '"HR4CF-XP7KW"' QJ9G7 '"M6KDW 2TPHX"' 7HRTJ R7KXB 4kmtx 27GCM 6JB8W '"checked again"'; do
    i=$((i + 1))
    run "search-$i.txt" 0 search "$q"
    run "search-$i.json" 0 search --json "$q"
    run "search-m-$i.txt" 0 search --messages "$q"
    run "search-m-$i.json" 0 search --messages --json "$q"
done
jq -e 'length > 0 and all(.[]; .case_id == "'$case_a'")' "$out/search-1.json" >/dev/null ||
    fail "searching one group of a key did not find $case_a"
jq -e 'any(.[]; .snippet | contains("*****-*****-*****-*****-P9V4M"))' "$out/search-1.json" >/dev/null ||
    fail "the snippet of a one-group search does not show the masked key: $(jq -c '.[].snippet' "$out/search-1.json")"

# --- every other output ---
for f in md html json; do
    run "summary-a.$f" 0 summary --format=$f "$case_a"
    run "summary-b.$f" 0 summary --format=$f "$case_b"
    run "report.$f" 0 report --format=$f
done
for f in text json; do
    run "draft-a.$f" '0|1' draft --format=$f "$case_a"   # closed: may have nothing to draft
    run "draft-b.$f" 0 draft --format=$f "$case_b"
    run "draft-new.$f" 0 draft --format=$f "$fix/new-mail.eml"
    run "similar-a.$f" 0 similar --format=$f "$case_a"
    run "similar-b.$f" 0 similar --format=$f "$case_b"
    run "similar-new.$f" 0 similar --format=$f "$fix/new-mail.eml"
    run "show-a.$f" 0 show --format=$f "$case_a"
    run "cases.$f" 0 cases --format=$f
done
for f in md cmd ps1 json; do
    run "checklist-a.$f" 0 checklist --format=$f "$case_a"
done
run export.ndjson 0 export --ndjson
run kb-html.txt 0 kb --format=html -o "$out/kb-html"
run kb-md.txt 0 kb --format=md -o "$out/kb-md"
grep -q "$case_a" "$out/similar-b.text" || fail "similar $case_b does not list $case_a (the key case)"
grep -q "$case_a" "$out/draft-new.text" || fail "draft of a new mail does not list $case_a"
[ -n "$(find "$out/kb-md" -name "*$case_a*")" ] || fail "kb wrote no page for $case_a"

# --- no output holds two consecutive hidden groups of any key ---
# Normalise each file: colours and tags out, full-width folded, only letters
# and digits kept, upper case.
fullwidth='０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ'
ascii='0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
find "$out" -type f | sort >"$TMP/files"
[ "$(wc -l <"$TMP/files")" -ge 95 ] || fail "only $(wc -l <"$TMP/files") output files were written"
: >"$TMP/leaks"
while read -r file; do
    sed -e 's/\x1b\[[0-9;]*m//g' -e 's/<[^>]*>//g' -e "y/$fullwidth/$ascii/" "$file" |
        tr -cd 'A-Za-z0-9' | tr 'a-z' 'A-Z' >"$TMP/norm"
    for k in $keys; do
        g1=${k%%-*} r=${k#*-}
        g2=${r%%-*} r=${r#*-}
        g3=${r%%-*} r=${r#*-}
        g4=${r%%-*} g5=${r#*-}
        for pair in "$g1$g2" "$g2$g3" "$g3$g4" "$g4$g5"; do
            grep -qF "$pair" "$TMP/norm" && echo "${file#$out/}: $k ($pair)" >>"$TMP/leaks"
        done
    done
done <"$TMP/files"
[ -s "$TMP/leaks" ] && fail "full product keys leaked:
$(sort -u "$TMP/leaks" | head -n 40)"
echo "ok: no full product key in $(wc -l <"$TMP/files") outputs"
