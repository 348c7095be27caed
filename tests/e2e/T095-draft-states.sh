#!/bin/sh
# T095: `casekb draft` follows the thread.  On threads written for this test
# (tests/fixtures/threads/<state>/, one folder per thread state, Chinese,
# Traditional Chinese and English) the draft's kind is the folder's name,
# every fact of the draft is a verbatim piece (white space aside) of the new
# text of the message it names, from that message's side, and no greeting,
# signature or thank-you formula is quoted; "none" exits 1 with
# {"kind": "none", "reason"}.  Then the seed and every sample case get the
# kind their thread calls for, and --kind forces one.
. "$(dirname "$0")/lib.sh"
cd "$CASEKB_TOP" || die "cannot enter $CASEKB_TOP"
FIX=tests/fixtures/threads
[ -d "$FIX" ] || die "$FIX is missing"
ck ingest --support-domain cmgos.com "$FIX" >/dev/null 2>"$TMP/ingest.err" ||
    fail "ingest $FIX failed: $(cat "$TMP/ingest.err")"

# has FILE TEXT: fail unless FILE holds TEXT (fixed string).
has() {
    grep -qF -- "$2" "$1" || fail "$(basename "$1") lacks: $2"
}

# hasnt FILE TEXT: fail if FILE holds TEXT (fixed string).
hasnt() {
    grep -qF -- "$2" "$1" && fail "$(basename "$1") holds: $2"
    return 0
}

# facts_traceable ID: every fact of $TMP/ID.json is in its message's new
# text (white space normalised) on the same side; at least one fact.
facts_traceable() {
    expect_rc 0 show --json "$1"
    cp "$TMP/out" "$TMP/$1.show.json"
    jq -e '.facts | length > 0' "$TMP/$1.json" >/dev/null || fail "$1: the draft quotes no fact"
    jq -n --slurpfile d "$TMP/$1.json" --slurpfile s "$TMP/$1.show.json" '
        def norm: gsub("\\s+"; " ") | ltrimstr(" ") | rtrimstr(" ");
        [$d[0].facts[] as $f
         | ([$s[0].messages[] | select(.index == $f.message_index)] | first) as $m
         | select($m == null or (($m.body | norm) | contains($f.text | norm) | not) or $m.side != $f.side)
         | "mail \($f.message_index) (\($f.side)): \($f.text)"]' >"$TMP/$1.bad" ||
        die "jq failed on $1"
    [ "$(jq length "$TMP/$1.bad")" = 0 ] || fail "$1: facts not in the thread: $(cat "$TMP/$1.bad")"
    # nor a greeting, a sign-off, a thank-you or the sender's name alone
    jq -n --slurpfile d "$TMP/$1.json" --slurpfile s "$TMP/$1.show.json" '
        [$d[0].facts[] as $f | ($s[0].messages[] | select(.index == $f.message_index)) as $m
         | select(($f.text | test("^(谢谢|謝謝|感谢|Thanks|Thank you|Regards|Best regards)|(您好|你好)[：:，,！!]?$|^(Hi|Hello|Dear) "))
                  or $f.text == ($m.from | sub(" *[(（].*$"; "")))
         | $f.text]' >"$TMP/$1.formula"
    [ "$(jq length "$TMP/$1.formula")" = 0 ] || fail "$1: quotes a formula: $(cat "$TMP/$1.formula")"
}

# draft_state STATE ID: the draft of ID is of kind STATE (text and JSON),
# exit 1 for none and 0 otherwise; JSON left in $TMP/ID.json, text in
# $TMP/ID.txt.
draft_state() {
    want=0
    [ "$1" = none ] && want=1
    expect_rc "$want" draft "$2"
    cp "$TMP/out" "$TMP/$2.txt"
    head -n 1 "$TMP/$2.txt" | grep -q "^kind: $1 — " || fail "$2: text header is '$(head -n 1 "$TMP/$2.txt")', expected kind $1"
    expect_rc "$want" draft --json "$2"
    cp "$TMP/out" "$TMP/$2.json"
    [ "$(jq -r .kind "$TMP/$2.json")" = "$1" ] || fail "$2: kind $(jq -r .kind "$TMP/$2.json"), expected $1"
    jq -e '.reason | length > 0' "$TMP/$2.json" >/dev/null || fail "$2: no reason"
    if [ "$1" = none ]; then
        [ "$(jq -c 'keys' "$TMP/$2.json")" = '["case_id","kind","language","reason"]' ] ||
            fail "$2: a none draft holds $(jq -c keys "$TMP/$2.json")"
    else
        facts_traceable "$2"
    fi
}

# --- every fixture thread: kind = its folder, facts traceable ---
n=0
for path in "$FIX"/*/*; do
    state=$(basename "$(dirname "$path")")
    id=$(basename "$path" | grep -oE 'CAS-[0-9]{5}-[A-Z0-9]{6}') || die "no case ID in $path"
    draft_state "$state" "$id"
    n=$((n + 1))
done
[ "$n" -ge 10 ] || die "only $n fixture threads"

# --- first response: the customer's words without greeting, thanks or signature ---
f=$TMP/CAS-08101-F1R5T1
jq -r '[.facts[] | select(.use == "definition") | .text] | join("")' "$f.json" >"$f.def"
has "$f.def" "其中 6 台提示“序列号无效”，无法完成激活。"
for formula in "王工" "谢谢" "周明远" "电话" "信息中心按标签上的 13 位序列号激活，其中 6 台提示“序列号无效”，无法完成激活。谢谢"; do
    hasnt "$f.def" "$formula"
done
has "$f.txt" "感谢您的来信。根据您的描述"
has "$f.txt" "1. 请问是不是标签贴错了？"
has "$f.txt" "*  请提供激活失败时使用的13位序列号（设备标签上），以便我们查询。"
f=$TMP/CAS-08102-E5N1W2
[ "$(jq -r .language "$f.json")" = en ] || fail "CAS-08102-E5N1W2: language $(jq -r .language "$f.json")"
[ "$(jq -r .greeting "$f.json")" = "Hi Mark," ] || fail "CAS-08102-E5N1W2: greeting $(jq -r .greeting "$f.json")"
has "$f.txt" "Problem definition:"
has "$f.txt" "Test-NetConnection kms01.harbourline.example.com -Port 1688"
for formula in "Thanks," "IT Manager" "+852" "Hello,"; do
    jq -r '.facts[].text' "$f.json" | grep -qF -- "$formula" && fail "CAS-08102-E5N1W2 quotes '$formula'"
done

# --- ask: support's unanswered request, quoted from mail 1; what was sent acknowledged ---
f=$TMP/CAS-08201-A5K2Q7
[ "$(jq '[.facts[] | select(.use == "request" and .side == "support" and .message_index == 1)] | length' "$f.json")" = 1 ] ||
    fail "CAS-08201-A5K2Q7: the open request is not quoted from mail 1"
[ "$(jq '[.facts[] | select(.use == "received" and .message_index == 2)] | length' "$f.json")" -ge 1 ] ||
    fail "CAS-08201-A5K2Q7: what the customer sent is not acknowledged"
has "$f.txt" "为了继续分析，还需要您提供以下信息："
hasnt "$f.txt" "问题范围界定"

# --- partial: what worked, what remains, no step the thread already named ---
f=$TMP/CAS-08301-P3R8T6
[ "$(jq '[.facts[] | select(.use == "worked")] | length' "$f.json")" -ge 1 ] || fail "CAS-08301-P3R8T6: nothing worked"
[ "$(jq '[.facts[] | select(.use == "remaining")] | length' "$f.json")" -ge 1 ] || fail "CAS-08301-P3R8T6: nothing remains"
has "$f.txt" "*  按您给的步骤处理后，120 台里 105 台已经激活成功，slmgr /dlv 显示已授权。"
has "$f.txt" "*  剩下 15 台执行 slmgr /ato 仍然报 0xC004F074，这 15 台都在 3 楼的财务网段。"
jq -e '[.steps[].command | select(test("slmgr /(skms|ato|dlv)|Test-NetConnection"))] | length == 0' "$f.json" >/dev/null ||
    fail "CAS-08301-P3R8T6 re-sends steps: $(jq -c '[.steps[].command]' "$f.json")"
hasnt "$f.txt" "问题范围界定"
f=$TMP/CAS-08302-T7W4B9
[ "$(jq -r .language "$f.json")" = zh-Hant ] || fail "CAS-08302-T7W4B9: language $(jq -r .language "$f.json")"
has "$f.txt" "很高興看到處理已有進展"
has "$f.txt" "*  依照您提供的步驟校正時間後，50 台中有 46 台已經啟用成功。"
has "$f.txt" "【待補充："
hasnt "$f.txt" "很高兴看到"

# --- closing summary in the team's style ---
f=$TMP/CAS-08501-C2L6S3
for line in "以下为案例总结：" "问题描述：" "问题分析：" "问题结论：" "=========================="; do
    has "$f.txt" "$line"
done
jq -r .text "$f.json" | grep -A 2 '^问题结论：$' | tail -n 1 | grep -qF "问题已解决，同意关闭案例。" ||
    fail "CAS-08501-C2L6S3: the conclusion is not the customer's confirmation"
[ "$(jq '[.facts[] | select(.use == "conclusion" and .side == "customer")] | length' "$f.json")" -ge 1 ] ||
    fail "CAS-08501-C2L6S3: no conclusion from the customer"
[ "$(jq '[.facts[] | select(.use == "analysis" and .side == "support")] | length' "$f.json")" -ge 1 ] ||
    fail "CAS-08501-C2L6S3: no analysis from support"
f=$TMP/CAS-08502-L9C4K1
has "$f.txt" "Problem description:"
has "$f.txt" "The problem is resolved, you can close the case."
jq -r '.facts[] | select(.use == "problem") | .text' "$f.json" | grep -q "resolved" &&
    fail "CAS-08502-L9C4K1: the problem description quotes the confirmation"

# --- follow-up: the customer's questions, each left to answer ---
f=$TMP/CAS-08701-F6U3Q5
[ "$(jq '[.facts[] | select(.use == "question")] | length' "$f.json")" = 2 ] ||
    fail "CAS-08701-F6U3Q5: questions $(jq -c '[.facts[] | select(.use == "question") | .text]' "$f.json")"
[ "$(grep -c '答复：【待补充：答复】' "$f.txt")" = 2 ] || fail "CAS-08701-F6U3Q5: not one answer slot per question"
hasnt "$f.txt" "有两个问题想确认："

# --- none: said so, with the reason ---
has "$TMP/CAS-08602-Z8K3M5.txt" "closed"
grep -q "^kind: none — mail 2 (support) is the last" "$TMP/CAS-08601-N4D8J1.txt" ||
    fail "CAS-08601-N4D8J1: reason $(head -n 1 "$TMP/CAS-08601-N4D8J1.txt")"

# --- --kind forces a kind; a bad kind is a usage error ---
expect_rc 0 draft --kind closing CAS-08601-N4D8J1
head -n 1 "$TMP/out" | grep -q '^kind: closing — chosen with --kind' || fail "--kind closing: $(head -n 1 "$TMP/out")"
expect_rc 1 draft --kind none CAS-08301-P3R8T6
expect_rc 2 draft --kind reply CAS-08301-P3R8T6

# --- the seed and the sample cases ---
ck ingest samples >/dev/null 2>"$TMP/ingest2.err" || fail "ingest samples failed: $(cat "$TMP/ingest2.err")"
while read -r state id; do
    draft_state "$state" "$id"
done <<'EOF'
none CAS-03877-J9N4S5
none CAS-04102-K7M2P8
none CAS-04711-L2V8C3
none CAS-06120-N4J8U5
none CAS-05877-D3F6G8
none CAS-05610-Q3R7T9
none CAS-06455-R8K3M7
none CAS-05233-M4N8R2
none CAS-04518-T2W6Q1
none CAS-07031-E2F5G9
partial CAS-05018-H6P4D1
partial CAS-06234-B5X9K2
follow-up CAS-05402-W7Y2Z6
partial THR-37d42132
EOF
grep -q 'closed' "$TMP/CAS-03877-J9N4S5.txt" || fail "seed: the reason does not say the case is closed"
# the seed forced to a first response states nothing the customer never said
expect_rc 0 draft --json --kind first CAS-03877-J9N4S5
cp "$TMP/out" "$TMP/CAS-03877-J9N4S5.json"
facts_traceable CAS-03877-J9N4S5
jq -r .text "$TMP/CAS-03877-J9N4S5.json" >"$TMP/seed-first.txt"
hasnt "$TMP/seed-first.txt" "根据您的描述"
hasnt "$TMP/seed-first.txt" "执行了卸载产品密钥的操作"
exit 0
