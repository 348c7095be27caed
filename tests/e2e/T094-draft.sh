#!/bin/sh
# T094: `casekb draft` on the samples: the seed case's reply in the team's
# style (greeting from the case, definition, scope, analysis, numbered
# steps with commands, the open SN request, closing, placeholder
# signature), an English case answered in English, --signature, a new mail
# file (analysed, not stored) with similar past cases under the draft, no
# facts the case does not hold, JSON, exit codes, every sample case.
. "$(dirname "$0")/lib.sh"
cd "$CASEKB_TOP" || die "cannot enter $CASEKB_TOP"
ck ingest samples >/dev/null 2>"$TMP/ingest.err" || fail "ingest samples failed: $(cat "$TMP/ingest.err")"
seed=CAS-03877-J9N4S5 en=CAS-07031-E2F5G9 kms=CAS-04711-L2V8C3

# has FILE TEXT: fail unless FILE holds TEXT (fixed string).
has() {
    grep -qF -- "$2" "$1" || fail "$(basename "$1") lacks: $2"
}

# --- the seed case (Chinese) ---
expect_rc 0 draft "$seed"
cp "$TMP/out" "$TMP/seed.txt"
[ "$(head -n 1 "$TMP/seed.txt")" = "Xue Ji Qiang 您好！" ] || fail "seed.txt: greeting is '$(head -n 1 "$TMP/seed.txt")'"
has "$TMP/seed.txt" "问题定义:"
has "$TMP/seed.txt" "中国人寿用户自行批量部署系统后遇到激活问题。"
has "$TMP/seed.txt" "问题范围:"
has "$TMP/seed.txt" "问题详情："
has "$TMP/seed.txt" "*  部分产品密钥：4M68B"
has "$TMP/seed.txt" "问题分析:"
has "$TMP/seed.txt" "标签序列号激活失败通常是序列号与系统版本不符"
has "$TMP/seed.txt" "下一步计划:"
grep -qE '^[0-9]+\. 克隆前封装母盘.*：sysprep /generalize /oobe /shutdown$' "$TMP/seed.txt" || fail "seed.txt: no sysprep step"
grep -qE '^[0-9]+\. 重新安装产品密钥：slmgr /ipk 【待补充：product_key】$' "$TMP/seed.txt" || fail "seed.txt: no marked key step"
has "$TMP/seed.txt" "需要您提供的信息:"
has "$TMP/seed.txt" "*  需要您提供用户激活失败时使用的激活SN（激活标签上的13位序列号）"
[ "$(grep -c '13位序列号）$' "$TMP/seed.txt")" = 1 ] || fail "seed.txt: the SN is not asked exactly once in the requests"
has "$TMP/seed.txt" "如果您对以上的问题范围界定有任何异议，请尽快告知。"
has "$TMP/seed.txt" "【待补充：姓名】"
# no facts the case does not hold: it has no error code, host or serial number
grep -q '0x[0-9A-Fa-f]\{8\}' "$TMP/seed.txt" && fail "seed.txt invents an error code"
grep -q ':1688' "$TMP/seed.txt" && fail "seed.txt invents a KMS host"
grep -qE '[0-9]{13}' "$TMP/seed.txt" && fail "seed.txt invents a serial number"

expect_rc 0 draft --json "$seed"
cp "$TMP/out" "$TMP/seed.json"
[ "$(jq -r .language "$TMP/seed.json")" = zh ] || fail "seed.json: language"
[ "$(jq -r .customer "$TMP/seed.json")" = "Xue Ji Qiang" ] || fail "seed.json: customer"
[ "$(jq -r '.to_fill >= 4' "$TMP/seed.json")" = true ] || fail "seed.json: to_fill"
[ "$(jq -r '.steps | length' "$TMP/seed.json")" -ge 5 ] || fail "seed.json: steps"
jq -j .text "$TMP/seed.json" | cmp -s - "$TMP/seed.txt" || fail "seed: json .text differs from the text output"

# --- an English case is answered in English ---
expect_rc 0 draft "$en"
cp "$TMP/out" "$TMP/en.txt"
[ "$(head -n 1 "$TMP/en.txt")" = "Hi Daniel," ] || fail "en.txt: greeting is '$(head -n 1 "$TMP/en.txt")'"
has "$TMP/en.txt" "Problem definition:"
has "$TMP/en.txt" "Error 0xC004F074 means the client could not contact the KMS host."
has "$TMP/en.txt" "2. Test TCP 1688 on the KMS host: Test-NetConnection kms01.nbbank.example.com -Port 1688"
has "$TMP/en.txt" "[TO FILL: name]"
grep -q '【' "$TMP/en.txt" && fail "en.txt has Chinese markers"

# --- --signature ---
printf 'Jason Wu\nCMGE Support  400-810-0055\n' >"$TMP/sig.txt"
expect_rc 0 draft --signature "$TMP/sig.txt" "$en"
[ "$(tail -n 2 "$TMP/out" | head -n 1)" = "Jason Wu" ] || fail "signature not at the end"
grep -qF '[TO FILL' "$TMP/out" && fail "signature given, yet placeholders remain"
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
before=$(ck cases --json | jq length)
expect_rc 0 draft "$TMP/new.eml"
cp "$TMP/out" "$TMP/new.txt"
[ "$(ck cases --json | jq length)" = "$before" ] || fail "draft stored the new mail"
[ "$(head -n 1 "$TMP/new.txt")" = "Hi Emily," ] || fail "new.txt: greeting is '$(head -n 1 "$TMP/new.txt")'"
has "$TMP/new.txt" "Test-NetConnection kms02.harbourtrust.example.com -Port 1688"
has "$TMP/new.txt" "==== Similar past cases (for the engineer; do not send to the customer) ===="
expect_rc 0 draft --json "$TMP/new.eml"
top=$(jq -r '.similar[0].case_id' "$TMP/out")
[ "$top" = "$en" ] || [ "$top" = "$kms" ] || fail "new mail: most similar case is $top"
[ "$(jq -r '.similar | length' "$TMP/out")" -ge 2 ] || fail "new mail: fewer than 2 similar cases"

# --- errors ---
expect_rc 1 draft CAS-00000-NOPE00
printf 'just notes\n' >"$TMP/notes.txt"
expect_rc 2 draft "$TMP/notes.txt"
expect_rc 2 draft

# --- every sample case, both formats ---
ck cases --json | jq -r '.[].case_id' >"$TMP/ids" || fail "cases --json failed"
while read -r id; do
    expect_rc 0 draft "$id"
    [ -s "$TMP/out" ] || fail "$id: empty draft"
    expect_rc 0 draft --json "$id"
    jq -e '.text | length > 100' "$TMP/out" >/dev/null || fail "$id: short draft"
done <"$TMP/ids"
for f in samples/eml-CAS-04711-L2V8C3/*.eml; do
    expect_rc 0 draft "$f"
done
exit 0
