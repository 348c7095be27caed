#!/bin/sh
# T094: `casekb draft` on the samples: the seed case is closed, so there is
# nothing to draft (exit 1); forced to a first response it is a reply in the
# team's style (greeting from the case, definition, scope, numbered steps
# with commands, master-image steps marked, what is missing, closing,
# placeholder signature) that states nothing the customer never said;
# forced to ask, it asks again for the SN support asked for.  An English
# case is answered in English, --signature, a new mail file (analysed, not
# stored: a first response) with similar past cases under the draft, JSON,
# exit codes, every sample case.  The thread states themselves: T095.
. "$(dirname "$0")/lib.sh"
cd "$CASEKB_TOP" || die "cannot enter $CASEKB_TOP"
ck ingest samples >/dev/null 2>"$TMP/ingest.err" || fail "ingest samples failed: $(cat "$TMP/ingest.err")"
seed=CAS-03877-J9N4S5 en=CAS-07031-E2F5G9 kms=CAS-04711-L2V8C3

# has FILE TEXT: fail unless FILE holds TEXT (fixed string).
has() {
    grep -qF -- "$2" "$1" || fail "$(basename "$1") lacks: $2"
}

# reply FILE: the reply of a text draft in FILE (after the kind header
# and its blank line, before the engineer's sources), to FILE.reply.
reply() {
    sed -n '3,$p' "$1" | sed '/^==== .* ====$/,$d' | sed '${/^$/d}' >"$1.reply"
}

# --- the seed case (Chinese): closed, nothing to draft ---
expect_rc 1 draft "$seed"
head -n 1 "$TMP/out" | grep -q '^kind: none — the case is closed' || fail "seed: $(head -n 1 "$TMP/out")"
expect_rc 1 draft --json "$seed"
[ "$(jq -r .kind "$TMP/out")" = none ] || fail "seed json: kind $(jq -r .kind "$TMP/out")"

# --- forced to a first response ---
expect_rc 0 draft --kind first "$seed"
cp "$TMP/out" "$TMP/seed.txt"
reply "$TMP/seed.txt"
[ "$(head -n 1 "$TMP/seed.txt.reply")" = "Xue Ji Qiang 您好！" ] || fail "seed.txt: greeting is '$(head -n 1 "$TMP/seed.txt.reply")'"
has "$TMP/seed.txt" "问题定义:"
has "$TMP/seed.txt" "中国人寿用户自行批量部署系统后遇到激活问题。"
has "$TMP/seed.txt" "问题范围:"
has "$TMP/seed.txt" "问题分析:"
has "$TMP/seed.txt" "下一步计划:"
grep -qE '^[0-9]+\. 克隆前封装母盘.*（在母盘上执行，不要在终端上执行）：sysprep /generalize /oobe /shutdown$' "$TMP/seed.txt" ||
    fail "seed.txt: no sysprep step marked for the master image"
grep -qE '^[0-9]+\. 重新安装产品密钥：slmgr /ipk 【待补充：product_key】$' "$TMP/seed.txt" || fail "seed.txt: no marked key step"
has "$TMP/seed.txt" "需要您提供的信息:"
[ "$(grep -c '^\*  .*13位序列号' "$TMP/seed.txt.reply")" = 1 ] || fail "seed.txt: the SN is not asked exactly once"
has "$TMP/seed.txt" "如果您对以上的问题范围界定有任何异议，请尽快告知。"
has "$TMP/seed.txt" "【待补充：姓名】"
# nothing the customer never said: only support mentioned slmgr /upk
grep -q '根据您的描述' "$TMP/seed.txt" && fail "seed.txt attributes support's words to the customer"
grep -q '执行了卸载产品密钥的操作' "$TMP/seed.txt" && fail "seed.txt states that the customer uninstalled the key"
# no facts the case does not hold: it has no error code, host or serial number
grep -q '0x[0-9A-Fa-f]\{8\}' "$TMP/seed.txt" && fail "seed.txt invents an error code"
grep -q ':1688' "$TMP/seed.txt" && fail "seed.txt invents a KMS host"
grep -qE '[0-9]{13}' "$TMP/seed.txt" && fail "seed.txt invents a serial number"

expect_rc 0 draft --json --kind first "$seed"
cp "$TMP/out" "$TMP/seed.json"
[ "$(jq -r .kind "$TMP/seed.json")" = first ] || fail "seed.json: kind"
[ "$(jq -r .language "$TMP/seed.json")" = zh ] || fail "seed.json: language"
[ "$(jq -r .customer "$TMP/seed.json")" = "Xue Ji Qiang" ] || fail "seed.json: customer"
[ "$(jq -r '.to_fill >= 4' "$TMP/seed.json")" = true ] || fail "seed.json: to_fill"
[ "$(jq -r '.steps | length' "$TMP/seed.json")" -ge 5 ] || fail "seed.json: steps"
[ "$(jq -r '[.facts[] | select(.message_index == 1 and .side == "support")] | length' "$TMP/seed.json")" -ge 1 ] ||
    fail "seed.json: the definition is not traced to mail 1"
jq -j .text "$TMP/seed.json" | cmp -s - "$TMP/seed.txt.reply" || fail "seed: json .text differs from the text output"

# --- forced to ask: support's own request of mail 1, quoted ---
expect_rc 0 draft --kind ask "$seed"
has "$TMP/out" "*  需要您提供用户激活失败时使用的激活SN（激活标签上的13位序列号）"

# --- an English case is answered in English (closed: forced to a first response) ---
expect_rc 1 draft "$en"
expect_rc 0 draft --kind first "$en"
cp "$TMP/out" "$TMP/en.txt"
reply "$TMP/en.txt"
[ "$(head -n 1 "$TMP/en.txt.reply")" = "Hi Daniel," ] || fail "en.txt: greeting is '$(head -n 1 "$TMP/en.txt.reply")'"
has "$TMP/en.txt" "Problem definition:"
# the customer's mail shows no cause: only support named it, so no analysis is claimed
has "$TMP/en.txt" "[TO FILL: analysis]"
has "$TMP/en.txt" "slmgr /dlv shows KMS machine name from DNS: kms01.nbbank.example.com:1688, License Status: Notification, error 0xC004F074."
grep -qE '^[0-9]+\. Test TCP 1688 on the KMS host: Test-NetConnection kms01.nbbank.example.com -Port 1688$' "$TMP/en.txt" ||
    fail "en.txt: no port test step"
has "$TMP/en.txt" "[TO FILL: name]"
grep -q '【' "$TMP/en.txt" && fail "en.txt has Chinese markers"

# --- --signature ---
printf 'Jason Wu\nCMGE Support  400-810-0055\n' >"$TMP/sig.txt"
expect_rc 0 draft --kind first --signature "$TMP/sig.txt" "$en"
reply "$TMP/out"
[ "$(tail -n 2 "$TMP/out.reply" | head -n 1)" = "Jason Wu" ] || fail "signature not at the end"
grep -qF '[TO FILL: name' "$TMP/out" && fail "signature given, yet the name placeholder remains"
expect_rc 2 draft --signature "$TMP/no-such-sig" "$en"

# --- a new mail, not stored ---
cat >"$TMP/new.eml" <<'MAIL'
From: Emily Chen <emily.chen@harbourtrust.example.com>
To: support@cmgos.com
Subject: Activation fails with 0xC004F074 on new laptops
Date: Tue, 2 Jul 2024 09:30:00 +0800
Message-ID: <new-mail-1@harbourtrust.example.com>
Content-Type: text/plain; charset=utf-8

Hello,

Our 30 new laptops cannot activate against our KMS host kms02.harbourtrust.example.com:1688.
slmgr /ato returns 0xC004F074: No Key Management Service (KMS) could be contacted.
Test-NetConnection shows TcpTestSucceeded : False.

Emily
MAIL
ck_json "$TMP/before.json" cases --json
before=$(jq length "$TMP/before.json")
expect_rc 0 draft "$TMP/new.eml"
cp "$TMP/out" "$TMP/new.txt"
ck_json "$TMP/after.json" cases --json
[ "$(jq length "$TMP/after.json")" = "$before" ] || fail "draft stored the new mail"
head -n 1 "$TMP/new.txt" | grep -q '^kind: first — ' || fail "new.txt: $(head -n 1 "$TMP/new.txt")"
[ "$(sed -n 3p "$TMP/new.txt")" = "Hi Emily," ] || fail "new.txt: greeting is '$(sed -n 3p "$TMP/new.txt")'"
has "$TMP/new.txt" "Test-NetConnection kms02.harbourtrust.example.com -Port 1688"
has "$TMP/new.txt" "Our 30 new laptops cannot activate against our KMS host kms02.harbourtrust.example.com:1688."
grep -q '^Emily$' "$TMP/new.txt" && fail "new.txt quotes the signature"
has "$TMP/new.txt" "==== Similar past cases (for the engineer; do not send to the customer) ===="
expect_rc 0 draft --json "$TMP/new.eml"
top=$(jq -r '.similar[0].case_id' "$TMP/out")
[ "$top" = "$en" ] || [ "$top" = "$kms" ] || fail "new mail: most similar case is $top"
[ "$(jq -r '.similar | length' "$TMP/out")" -ge 2 ] || fail "new mail: fewer than 2 similar cases"
[ "$(jq -r '[.facts[] | select(.message_index == 1 and .side == "customer")] | length' "$TMP/out")" -ge 2 ] ||
    fail "new mail: facts not traced to the mail"

# --- errors ---
expect_rc 1 draft CAS-00000-NOPE00
printf 'just notes\n' >"$TMP/notes.txt"
expect_rc 2 draft "$TMP/notes.txt"
expect_rc 2 draft

# --- every sample case, both formats: a draft, or none with exit 1 ---
ck_case_ids "$TMP/ids"
while read -r id; do
    run_rc draft --json "$id"
    kind=$(jq -r .kind "$TMP/out")
    case "$RC:$kind" in
    1:none) ;;
    0:first | 0:ask | 0:partial | 0:closing | 0:follow-up)
        jq -e '.text | length > 100' "$TMP/out" >/dev/null || fail "$id: short draft" ;;
    *) fail "$id: exit $RC with kind $kind" ;;
    esac
    expect_rc "$RC" draft "$id"
    [ -s "$TMP/out" ] || fail "$id: empty output"
done <"$TMP/ids"
for f in samples/eml-CAS-04711-L2V8C3/*.eml; do
    expect_rc 0 draft "$f"
    head -n 1 "$TMP/out" | grep -q '^kind: first — ' || fail "$f: $(head -n 1 "$TMP/out")"
done
exit 0
