#!/bin/sh
# T096: `casekb similar` on the samples: the Chinese and English KMS cases
# find each other (shared cause, error code, commands), serial-number cases
# find each other, a new mail file finds the KMS cases without being
# stored, text with FTS5 syntax in it is searched as plain words, --limit,
# the case itself is never listed, JSON and text, every sample case.
. "$(dirname "$0")/lib.sh"
cd "$CASEKB_TOP" || die "cannot enter $CASEKB_TOP"
ck ingest samples >/dev/null 2>"$TMP/ingest.err" || fail "ingest samples failed: $(cat "$TMP/ingest.err")"
kms=CAS-04711-L2V8C3 en=CAS-07031-E2F5G9 serial=CAS-05877-D3F6G8 seed=CAS-03877-J9N4S5

# --- Chinese KMS case -> the English one first ---
expect_rc 0 similar --json "$kms"
cp "$TMP/out" "$TMP/kms.json"
# The closest are the five other KMS-unreachable cases (CAS-07702-A5T8L3, whose
# 0xC004F074 and slmgr output are in its attachments, and CAS-07418-P2L5K8, the
# same customer's later case, rank first); the English case is among them,
# closed, with how it was resolved.
jq -e '.[0].shared_causes | index("activation.kms-unreachable")' "$TMP/kms.json" >/dev/null || fail "kms: shared cause missing"
jq -e '.[0].shared_entities | index("error_code 0xC004F074")' "$TMP/kms.json" >/dev/null || fail "kms: shared code missing"
jq -e '.[0:5] | map(.case_id) | sort == ["CAS-07031-E2F5G9", "CAS-07418-P2L5K8", "CAS-07506-H3M7D4",
        "CAS-07702-A5T8L3", "CAS-07780-K4P7Q2"]' "$TMP/kms.json" >/dev/null ||
    fail "kms: the first five are not the other KMS-unreachable cases: $(jq -c '[.[0:5][].case_id]' "$TMP/kms.json")"
jq -e --arg en "$en" '.[] | select(.case_id == $en) | .status == "closed" and (.resolution | test("1688"))' "$TMP/kms.json" >/dev/null ||
    fail "kms: $en is not closed with a resolution that says how"
jq -e --arg me "$kms" 'map(.case_id) | index($me) | not' "$TMP/kms.json" >/dev/null || fail "kms: lists itself"
jq -e 'map(.score) as $s | $s == ($s | sort | reverse)' "$TMP/kms.json" >/dev/null || fail "kms: not sorted by score"
jq -e 'all(.[]; .score > 0 and .score <= 1)' "$TMP/kms.json" >/dev/null || fail "kms: scores out of range"

# and back again, in text (among the five other KMS-unreachable cases)
expect_rc 0 similar "$en"
grep -v '^ ' "$TMP/out" | head -n 5 | grep -q "^$kms  closed " || fail "en: $kms is not in the first lines: $(grep -v '^ ' "$TMP/out" | head -n 5)"
grep -qF '    causes: activation.kms-unreachable' "$TMP/out" || fail "en: text lacks the shared cause"
grep -qF '    resolved: 放行 1688 端口后执行 slmgr /skms 与 slmgr /ato，全部激活成功。' "$TMP/out" ||
    fail "en: text lacks how $kms was resolved"

# --- serial-number cases find each other ---
expect_rc 0 similar --json "$serial"
jq -e --arg s "$seed" '.[] | select(.case_id == $s) | .shared_causes | index("activation.serial-invalid")' "$TMP/out" >/dev/null ||
    fail "serial: the seed case is not listed with the shared cause"

# --- --limit ---
expect_rc 0 similar --json --limit 2 "$kms"
[ "$(jq length "$TMP/out")" = 2 ] || fail "--limit 2 gave $(jq length "$TMP/out")"
expect_rc 2 similar --limit 0 "$kms"

# --- a new mail, with FTS5 syntax in its text ---
cat >"$TMP/new.eml" <<'MAIL'
From: 王磊 <wanglei@example.cn>
To: support@cmgos.com
Subject: 终端无法连接KMS服务器 0xC004F074 "quoted" OR NEAR(x y) AND col:*
Date: Tue, 2 Jul 2024 09:30:00 +0800
Message-ID: <new-similar-1@example.cn>
Content-Type: text/plain; charset=utf-8

您好，新装的终端执行 slmgr /ato 报错 0xC004F074，无法连接 KMS 服务器，telnet 1688 端口失败。
"; DROP TABLE cases; -- ' OR 1=1 -- NOT x* ^y
MAIL
ck_json "$TMP/before.json" cases --json
before=$(jq length "$TMP/before.json")
expect_rc 0 similar --json "$TMP/new.eml"
cp "$TMP/out" "$TMP/new.json"
ck_json "$TMP/after.json" cases --json
[ "$(jq length "$TMP/after.json")" = "$before" ] || fail "similar stored the new mail"
top=$(jq -r '.[0].case_id' "$TMP/new.json")
case $top in "$kms" | "$en" | CAS-07418-P2L5K8 | CAS-07506-H3M7D4) ;; *) fail "new mail: first is $top, not a KMS-unreachable case" ;; esac
jq -e '.[0].parts.text > 0' "$TMP/new.json" >/dev/null || fail "new mail: no text score"

# --- every sample case ---
ck_case_ids "$TMP/ids"
while read -r id; do
    run_rc similar --json "$id"
    [ "$RC" = 0 ] || [ "$RC" = 1 ] || fail "$id: similar exit $RC: $(cat "$TMP/err")"
    jq -e --arg me "$id" 'map(.case_id) | index($me) | not' "$TMP/out" >/dev/null || fail "$id: lists itself"
    run_rc similar "$id"
    [ "$RC" = 0 ] || [ "$RC" = 1 ] || fail "$id: similar (text) exit $RC"
done <"$TMP/ids"

# --- errors ---
expect_rc 1 similar CAS-00000-NOPE00
expect_rc 2 similar
exit 0
