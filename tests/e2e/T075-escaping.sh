#!/bin/sh
# T075: mail text that looks like markup stays text in every output.  A
# fixture message (written here, not in samples/) carries <script> and
# "><img onerror=…> in its subject, vendor field and body, Markdown
# structure (| # ` ====), and a full product key.  The HTML of summary,
# report and the knowledge base holds the payloads only escaped (and
# Chromium's DOM has no script or img element from them); Markdown
# escapes them; JSON keeps the exact text; the product key is masked to
# *****-*****-*****-*****-4M68B in every output.
. "$(dirname "$0")/lib.sh"
case_id=CAS-09999-X1Y2Z3
key_full=AB1CD-EF2GH-J3KLM-N4PQR-4M68B
key_masked='*****-*****-*****-*****-4M68B'
mkdir -p "$TMP/mail"
cat >"$TMP/mail/evil.eml" <<EOF2
From: 王测试 <wang@customer-evil.example.cn>
To: support@cmgos.com
Subject: [案例号: $case_id ] % |普通事件|<b>HP</b>| <script>alert(1)</script>"><img src=x onerror=alert(2)> 激活失败 % 初次响应
Date: Tue, 05 Mar 2024 10:00:00 +0800
Message-ID: <evil-1@customer-evil.example.cn>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

<script>alert(3)</script> 终端激活报错 0xC004F074，无法连接 KMS 服务器。
"><img src=x onerror=alert(4)> Test-NetConnection kms.example.cn -Port 1688 显示 TcpTestSucceeded : False
| not | a | table |
# not a heading
==========
\`slmgr /ipk $key_full\` 之后仍然失败，密钥是 $key_full 。
附件 report$(printf '\342\200\256')fdp.exe 与 $(printf '\342\201\246')isolated$(printf '\342\201\251') 文本。
EOF2
ck ingest "$TMP/mail" >/dev/null 2>"$TMP/ingest.err" || fail "ingest of the fixture failed: $(cat "$TMP/ingest.err")"
ck show --json "$case_id" >"$TMP/show.json" || fail "the fixture did not become case $case_id"
grep -qF "<script>alert(1)</script>" "$TMP/show.json" || die "fixture title lost its payload; check the subject convention"

expect_rc 0 summary --format html -o "$TMP/summary.html" "$case_id"
expect_rc 0 report --format html -o "$TMP/report.html"
expect_rc 0 kb -o "$TMP/kb"
expect_rc 0 summary --format md -o "$TMP/summary.md" "$case_id"
expect_rc 0 summary --format json -o "$TMP/summary.json" "$case_id"
expect_rc 0 report --format md -o "$TMP/report.md"
expect_rc 0 report --format json -o "$TMP/report.json"
expect_rc 0 export --ndjson -o "$TMP/cases.ndjson"
expect_rc 0 kb --format md -o "$TMP/kbmd"

# --- HTML: payloads only as escaped text ---
for f in "$TMP/summary.html" "$TMP/report.html" "$TMP"/kb/index.html "$TMP"/kb/cases/*.html "$TMP"/kb/causes/*.html; do
    name=${f#"$TMP"/}
    grep -qiE '<script|<img|<b>HP' "$f" && fail "$name holds raw markup from the mail: $(grep -oiE '.{20}(<script|<img|<b>HP).{20}' "$f" | head -n 2)"
    grep -qF "onerror=alert" "$f" && ! grep -qF "&lt;img src=x onerror=alert" "$f" &&
        fail "$name has onerror= outside escaped text"
done
for f in "$TMP/summary.html" "$TMP/report.html" "$TMP/kb/index.html" "$TMP/kb/cases/$case_id.html"; do
    grep -qF "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;" "$f" ||
        fail "${f#"$TMP"/} does not show the subject payload as escaped text"
done
grep -qF "&lt;script&gt;alert(3)&lt;/script&gt;" "$TMP/summary.html" || fail "summary.html lacks the escaped body payload"
grep -qF "&lt;b&gt;HP&lt;/b&gt;" "$TMP/summary.html" || fail "summary.html lacks the escaped vendor"
# Bidirectional overrides and isolates from mail act in HTML even as &#x202e;:
# shown as U+FFFD, raw or as a character reference they must not appear.
for f in "$TMP/summary.html" "$TMP/report.html" "$TMP"/kb/index.html "$TMP"/kb/cases/*.html "$TMP"/kb/causes/*.html; do
    for bidi in '\342\200\256' '\342\201\246' '\342\201\251'; do
        grep -qF "$(printf "$bidi")" "$f" && fail "${f#"$TMP"/} holds a raw bidi control"
    done
    grep -qiE '&#x?(202e|8238|2066|8294|2069|8297);' "$f" && fail "${f#"$TMP"/} holds a bidi control as a reference"
done
grep -qF "report$(printf '\357\277\275')fdp.exe" "$TMP/summary.html" || fail "summary.html lost the text around the override"

# --- Markdown: structure characters escaped ---
grep -qF '\<script\>alert(1)\</script\>' "$TMP/summary.md" || fail "summary.md does not escape <script> in the title"
grep -q '<script>' "$TMP/summary.md" "$TMP/report.md" "$TMP"/kbmd/index.md "$TMP"/kbmd/cases/*.md &&
    fail "Markdown output holds a raw <script> tag"
grep -qF '> \| not \| a \| table \|' "$TMP/summary.md" || fail "summary.md does not escape | in quoted mail text"
grep -qF '> \# not a heading' "$TMP/summary.md" || fail "summary.md does not escape a leading # in mail text"
grep -qF '> \==========' "$TMP/summary.md" || fail "summary.md does not escape an ==== line"

# --- JSON: exact text, no HTML escaping ---
jq -e '.title | contains("<script>alert(1)</script>\"><img src=x onerror=alert(2)>")' "$TMP/summary.json" >/dev/null ||
    fail "summary.json does not keep the title as written: $(jq .title "$TMP/summary.json")"

# --- privacy: the full key never leaves casekb ---
grep -rlF "$key_full" "$TMP"/summary.* "$TMP"/report.* "$TMP/cases.ndjson" "$TMP/kb" "$TMP/kbmd" &&
    fail "the full product key appears in the files above"
for f in "$TMP/summary.md" "$TMP/summary.html" "$TMP/summary.json" "$TMP/cases.ndjson" "$TMP/kb/cases/$case_id.html" \
         "$TMP/kbmd/cases/$case_id.md"; do
    grep -qF -- "$key_masked" "$f" || fail "${f#"$TMP"/} does not show the masked key"
done

# --- Chromium: no element made from the payloads ---
if command -v chromium >/dev/null 2>&1; then
    for f in "$TMP/summary.html" "$TMP/kb/cases/$case_id.html"; do
        timeout 120 chromium --headless --no-sandbox --disable-gpu --dump-dom "file://$f" >"$TMP/dom.html" 2>/dev/null ||
            fail "chromium --dump-dom ${f#"$TMP"/} failed"
        grep -qiE '<script|<img|<b>' "$TMP/dom.html" && fail "the rendered ${f#"$TMP"/} has a script/img/b element"
        grep -qF "alert(1)" "$TMP/dom.html" || fail "the rendered ${f#"$TMP"/} lost the payload text"
    done
else
    echo "note: chromium not installed; DOM check skipped"
fi
echo "ok: payloads stay text in html, md and json; product key masked everywhere"
