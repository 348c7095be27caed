#!/bin/sh
# T046: attachments, TNEF and unlabelled Big5 (issue 11).  On the three
# samples written for it: `show --json` lists each attachment with its
# decoded text (UTF-16LE dlv.txt, unlabelled GBK .log) and a PNG by name,
# type and size; search finds the error code and partial key that only the
# attachments hold; the case gets its cause from them; the winmail.dat-only
# message has its RTF body and its attached file; the Big5 mail without a
# charset label has the right subject and a "guessed" warning.  Then damaged
# and edge mail: a truncated winmail.dat and a message with no text part
# are each named in a warning, and a 1.5 MiB text attachment is cut to 1 MiB
# with a warning.
. "$(dirname "$0")/lib.sh"
S=$CASEKB_TOP/samples
ck ingest "$S/attach-CAS-07702-A5T8L3" "$S/tnef-CAS-07745-W3N6R9" "$S/big5-nolabel-CAS-07780-K4P7Q2" \
    >"$TMP/ingest.out" 2>"$TMP/ingest.err" || fail "ingest of the samples failed: $(head -c 400 "$TMP/ingest.err")"
grep -q '7 new' "$TMP/ingest.out" || fail "expected 7 new messages: $(cat "$TMP/ingest.out")"

# 1. Text attachments listed with their text; the PNG by name, type, size.
ck_json "$TMP/att.json" show --json CAS-07702-A5T8L3
jq -e '.messages[0].attachments | map(.name) == ["dlv.txt", "activation-JY-DD-0417.log", "screenshot.png"]' \
    "$TMP/att.json" >/dev/null || fail "attachments of message 1: $(jq -c '.messages[0].attachments | map(.name)' "$TMP/att.json")"
jq -e '.messages[0].attachments[0] | .type == "text/plain" and (.text | contains("部分产品密钥: 2YT43"))
       and (.text | contains("kms.jinyang-energy.example.cn:1688")) and (.text | contains("\r") | not)' \
    "$TMP/att.json" >/dev/null || fail "UTF-16LE dlv.txt not decoded"
jq -e '.messages[0].attachments[1].text | contains("错误: 0xC004F074 软件授权服务报告无法激活计算机")' \
    "$TMP/att.json" >/dev/null || fail "GBK log not decoded"
jq -e '.messages[0].attachments[2] | .type == "image/png" and .size == 70 and .text == ""' \
    "$TMP/att.json" >/dev/null || fail "the PNG is not listed by name, type and size"
jq -e 'all(.messages[]; (.body + .forwarded) | contains("0xC004F074") | not)' "$TMP/att.json" >/dev/null ||
    die "sample changed: 0xC004F074 must be only in the attachments"
jq -e 'all(.messages[1:][]; .attachments == [])' "$TMP/att.json" >/dev/null || fail "replies gained attachments"

# 2. Search finds what only the attachments say; the code filter too.
# Every entity span lies inside the part it names: spans found in a text
# attachment say part "attachments" (offsets into the message's attachment
# texts, each followed by a newline), never "forwarded" beyond its end.
jq -e '. as $d | [.entity_spans[] | . as $s | $d.messages[$s.message - 1] as $m
        | (if $s.part == "new_text" then $m.body elif $s.part == "forwarded" then $m.forwarded
           elif $s.part == "attachments" then ([$m.attachments[] | select(.text != "") | .text + "\n"] | join(""))
           else null end) as $t
        | $t != null and $s.start >= 0 and $s.end <= ($t | utf8bytelength) and ($t | contains($s.text))] | all' \
    "$TMP/att.json" >/dev/null || fail "an entity span lies outside the part it names: $(jq -c '[.entity_spans[] | {part, message, start, end}]' "$TMP/att.json" | head -c 400)"
jq -e 'any(.entity_spans[]; .part == "attachments" and .value == "0xC004F074")' "$TMP/att.json" >/dev/null ||
    fail "the attachment's error code has no span in part attachments"
ck_json "$TMP/s1.json" search --json 0xC004F074
jq -e 'any(.[]; .case_id == "CAS-07702-A5T8L3")' "$TMP/s1.json" >/dev/null || fail "search 0xC004F074 missed the attachment"
ck_json "$TMP/s2.json" search --json '"部分产品密钥: 2YT43"'
jq -e 'any(.[]; .case_id == "CAS-07702-A5T8L3")' "$TMP/s2.json" >/dev/null || fail "phrase in dlv.txt not found"
ck_json "$TMP/s3.json" search --json code:0xC004F074
jq -e 'any(.[]; .case_id == "CAS-07702-A5T8L3")' "$TMP/s3.json" >/dev/null || fail "code:0xC004F074 missed the case"
# attachment: filters by file name or type (folded substring), on the message that has it.
for q in attachment:dlv.txt attachment:.LOG attachment:image/png '"slmgr" attachment:activation-jy'; do
    ck_json "$TMP/s4.json" search --json --messages "$q"
    jq -e 'length == 1 and .[0].case_id == "CAS-07702-A5T8L3"' "$TMP/s4.json" >/dev/null ||
        fail "search $q: expected the one message with that attachment, got $(jq -c '[.[] | .case_id]' "$TMP/s4.json")"
done
ck_json "$TMP/s5.json" search --json --messages 'case:CAS-07702-A5T8L3 -attachment:dlv'
jq -e 'length == 2 and all(.[]; .case_id == "CAS-07702-A5T8L3")' "$TMP/s5.json" >/dev/null ||
    fail "-attachment:dlv should leave the case's two other messages: $(jq -c . "$TMP/s5.json" | head -c 300)"
expect_rc 1 search attachment:no-such-file.zip

# 3. The attachments are the customer's evidence: code entity and cause.
jq -e '.entities.error_codes | index("0xC004F074")' "$TMP/att.json" >/dev/null ||
    fail "0xC004F074 not among the entities: $(jq -c .entities.error_codes "$TMP/att.json")"
jq -e '.causes[0].id == "activation.kms-unreachable"
       and any(.causes[0].evidence[]; .signal == "err-c004f074" and .message == 1)' "$TMP/att.json" >/dev/null ||
    fail "cause not taken from the attachment: $(jq -c '[.causes[] | {id, ev: [.evidence[].signal]}]' "$TMP/att.json")"

# 4. `show` (text) lists the attachments too.
ck show CAS-07702-A5T8L3 >"$TMP/show.txt" 2>"$TMP/show.err" || fail "show failed"
grep -q '^\[attachment\] dlv.txt (text/plain, ' "$TMP/show.txt" || fail "show does not list dlv.txt"
grep -q '^\[attachment\] screenshot.png (image/png, 70 bytes)' "$TMP/show.txt" || fail "show does not list the PNG"

# 5. The winmail.dat-only message: RTF body and its xpr.txt.
ck_json "$TMP/tnef.json" show --json CAS-07745-W3N6R9
jq -e '.messages[0] | (.body | contains("13 位序列号激活失败，提示 0xC004F050")) and (.body | contains("fonttbl") | not)
       and .warnings == [] and (.attachments | length) == 1 and .attachments[0].name == "xpr.txt"
       and (.attachments[0].text | contains("产品密钥无效"))' "$TMP/tnef.json" >/dev/null ||
    fail "TNEF message: $(jq -c '.messages[0] | {body: .body[0:80], warnings, attachments}' "$TMP/tnef.json")"
jq -e '.causes[0].id == "activation.serial-invalid"' "$TMP/tnef.json" >/dev/null || fail "TNEF case has no cause"

# 6. Big5 without a charset label.
ck_json "$TMP/b5.json" show --json CAS-07780-K4P7Q2
jq -e '.messages[0] | .subject == "嘉南客運站務終端 KMS 啟用失敗 0xC004F074（案例編號 CAS-07780-K4P7Q2）"
       and .from == "林雅婷" and (.body | startswith("周工程師您好"))
       and any(.warnings[]; contains("charset guessed as BIG5"))' "$TMP/b5.json" >/dev/null ||
    fail "unlabelled Big5: $(jq -c '.messages[0] | {subject, from, warnings}' "$TMP/b5.json")"
grep -q 'big5-nolabel-CAS-07780-K4P7Q2/01.eml:0: no charset label: charset guessed as BIG5' "$TMP/ingest.err" ||
    fail "ingest did not name the guessed file: $(cat "$TMP/ingest.err")"

# 7. Damaged and edge mail.
mail=$TMP/mail
mkdir "$mail" || die "cannot create $mail"
head -c 700 "$CASEKB_TOP/tests/fixtures/attach/winmail.dat" | base64 >"$TMP/cut.b64" || die "base64"
{ printf 'From: a@edge.example\nSubject: cut tnef\nMessage-ID: <e1@edge.example>\nDate: Mon, 3 Jun 2024 10:00:00 +0000\n'
  printf 'MIME-Version: 1.0\nContent-Type: application/ms-tnef; name="winmail.dat"\nContent-Transfer-Encoding: base64\n\n'
  cat "$TMP/cut.b64"; } >"$mail/01-cut-tnef.eml"
printf 'From: a@edge.example\nSubject: only a picture\nMessage-ID: <e2@edge.example>\nDate: Mon, 3 Jun 2024 11:00:00 +0000\nMIME-Version: 1.0\nContent-Type: image/png; name="a.png"\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n' \
    >"$mail/02-no-text.eml"
{ printf 'From: a@edge.example\nSubject: big log\nMessage-ID: <e3@edge.example>\nDate: Mon, 3 Jun 2024 12:00:00 +0000\n'
  printf 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\nlog attached\n'
  printf -- '--b\nContent-Type: text/plain; name="big.log"\nContent-Disposition: attachment; filename="big.log"\n\n'
  yes 'slmgr /ato 0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKL' | head -c 1572864; printf '\n--b--\n'; } >"$mail/03-big.eml"
ck ingest "$mail" >"$TMP/edge.out" 2>"$TMP/edge.err" || fail "ingest of edge mail failed"
grep -q '01-cut-tnef.eml:0: winmail.dat: cut off in an attribute' "$TMP/edge.err" ||
    fail "truncated winmail.dat not named in a warning: $(cat "$TMP/edge.err")"
grep -q '01-cut-tnef.eml:0: .*no text part found' "$TMP/edge.err" || fail "empty TNEF message not warned about"
grep -q '02-no-text.eml:0: no text part found' "$TMP/edge.err" || fail "message without text not warned about"
grep -q '03-big.eml:0: attachment big.log: text cut to 1024 KiB' "$TMP/edge.err" || fail "cut attachment not warned about"
ck_json "$TMP/big.json" show --json '<e3@edge.example>'
jq -e '.messages[0].attachments[0] | .size == 1572864 and (.text | utf8bytelength) <= 1048576
       and (.text | utf8bytelength) > 1048000' "$TMP/big.json" >/dev/null ||
    fail "big.log not cut to 1 MiB: $(jq -c '.messages[0].attachments[0] | {size, n: (.text | utf8bytelength)}' "$TMP/big.json")"
exit 0
