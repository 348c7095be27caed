#!/bin/sh
# T090: `casekb checklist` on the samples: the Markdown task list, the cmd
# and ps1 scripts (CRLF everywhere, BOM only on ps1, chcp 65001 in cmd),
# values from the mail checked into the scripts, steps that change the
# machine behind a YES prompt, the product-key step commented out, mail
# text with shell metacharacters inert, -o, JSON, and every format on
# every sample case.
. "$(dirname "$0")/lib.sh"
cd "$CASEKB_TOP" || die "cannot enter $CASEKB_TOP"
ck ingest samples >/dev/null 2>"$TMP/ingest.err" || fail "ingest samples failed: $(cat "$TMP/ingest.err")"
kms=CAS-04711-L2V8C3 seed=CAS-03877-J9N4S5

# has FILE TEXT: fail unless FILE holds TEXT (fixed string).
has() {
    grep -qF -- "$2" "$1" || fail "$(basename "$1") lacks: $2"
}

# crlf_only FILE: fail unless every line of FILE ends in CRLF.
crlf_only() {
    lines=$(wc -l <"$1")
    crlf=$(grep -c "$(printf '\r')\$" "$1")
    [ "$lines" -gt 10 ] && [ "$lines" = "$crlf" ] || fail "$(basename "$1"): $crlf of $lines lines end in CRLF"
}

# --- Markdown (the default) ---
expect_rc 0 checklist "$kms"
cp "$TMP/out" "$TMP/kms.md"
has "$TMP/kms.md" "# 处理清单: $kms 豫信证券总部终端无法连接KMS服务器 0xC004F074"
has "$TMP/kms.md" '- [ ] **1. 查看 KMS 主机设置和激活状态** (`kms.show-config`, 只读诊断)'
has "$TMP/kms.md" '  - 命令: `Test-NetConnection kms.yuxin-sec.example.cn -Port 1688`'
has "$TMP/kms.md" '  - 参数 `kms_host`: `kms.yuxin-sec.example.cn` (来自邮件)'
has "$TMP/kms.md" '- [ ] **3. 指定 KMS 主机** (`kms.set-host`, 会修改系统)'
[ "$(grep -c '^- \[ \] ' "$TMP/kms.md")" = 4 ] || fail "kms.md: expected 4 tasks"
grep -q "$(printf '\r')" "$TMP/kms.md" && fail "kms.md has CR characters"

expect_rc 0 checklist "$seed"
cp "$TMP/out" "$TMP/seed.md"
has "$TMP/seed.md" '  - 命令: `slmgr /ipk <product_key>`'
has "$TMP/seed.md" '  - 参数 `product_key`: 【待补充】产品密钥不会自动填写'
has "$TMP/seed.md" '  - ⚠ 不要: 不要在镜像制作过程中执行 slmgr /upk 或 slmgr /cpky'

# --- cmd ---
expect_rc 0 checklist --format cmd "$kms"
cp "$TMP/out" "$TMP/kms.cmd"
crlf_only "$TMP/kms.cmd"
[ "$(head -c 3 "$TMP/kms.cmd" | od -An -tx1 | tr -d ' ')" = 406563 ] || fail "kms.cmd does not start with @ec (no BOM)"
[ "$(sed -n 2p "$TMP/kms.cmd" | tr -d '\r')" = "chcp 65001 >nul" ] || fail "kms.cmd: line 2 is not chcp 65001"
has "$TMP/kms.cmd" 'set "KMS_HOST=kms.yuxin-sec.example.cn"'
has "$TMP/kms.cmd" 'set "KMS_PORT=1688"'
has "$TMP/kms.cmd" '(cscript //nologo "%SystemRoot%\System32\slmgr.vbs" /dlv) >>"%CK_LOG%" 2>&1'
has "$TMP/kms.cmd" '>>"%CK_LOG%" echo === casekb step %1 %2 BEGIN ==='
has "$TMP/kms.cmd" '>>"%CK_LOG%" echo === casekb step %1 END exit=%2 ==='
has "$TMP/kms.cmd" 'call :ck_begin 2 kms.test-port'
# the change step asks first: its confirm line comes before its begin line
confirm=$(grep -n 'call :ck_confirm 3 kms.set-host' "$TMP/kms.cmd" | cut -d: -f1)
begin=$(grep -n 'call :ck_begin 3 kms.set-host' "$TMP/kms.cmd" | cut -d: -f1)
[ -n "$confirm" ] && [ -n "$begin" ] && [ "$confirm" -lt "$begin" ] || fail "kms.cmd: set-host not behind a confirmation"
grep -q 'call :ck_confirm 1 ' "$TMP/kms.cmd" && fail "kms.cmd: a read-only step asks for confirmation"

# --- ps1 ---
expect_rc 0 checklist --format ps1 -o "$TMP/seed.ps1" "$seed"
[ -s "$TMP/out" ] && fail "-o also wrote to stdout"
[ "$(head -c 3 "$TMP/seed.ps1" | od -An -tx1 | tr -d ' ')" = efbbbf ] || fail "seed.ps1 has no UTF-8 BOM"
crlf_only "$TMP/seed.ps1"
# (step numbers follow the causes' scores, so the seed's steps are found by id)
grep -qE "^Invoke-CkStep -N [0-9]+ -Id 'activation.check-edition' -Needs @\(\) -Body \{" "$TMP/seed.ps1" ||
    fail "seed.ps1: check-edition is not run as a read-only step"
grep -qE "^Invoke-CkStep -N [0-9]+ -Id 'imaging.sysprep-generalize' -Needs @\(\) -Change -Body \{" "$TMP/seed.ps1" ||
    fail "seed.ps1: sysprep is not behind a confirmation"
has "$TMP/seed.ps1" '& "$env:SystemRoot\System32\Sysprep\sysprep.exe" /generalize /oobe /shutdown'
has "$TMP/seed.ps1" '#   cscript //nologo "$env:SystemRoot\System32\slmgr.vbs" /ipk __PRODUCT_KEY__'
grep -qE "^Write-CkLog '=== casekb step [0-9]+ activation.install-key SKIPPED needs-product_key ==='" "$TMP/seed.ps1" ||
    fail "seed.ps1: the install-key step does not log that it was skipped"
has "$TMP/seed.ps1" '# DO NOT: 不要在已完成 OOBE 且未封装的系统上直接 Ghost'
grep -v '^#' "$TMP/seed.ps1" | grep -q '/ipk' && fail "seed.ps1 runs slmgr /ipk"
expect_rc 0 checklist --format ps1 "$seed"
cmp -s "$TMP/out" "$TMP/seed.ps1" || fail "-o and stdout differ"

# --- JSON ---
expect_rc 0 checklist --json "$kms"
[ "$(jq -r '.steps | length' "$TMP/out")" = 4 ] || fail "json: expected 4 steps"
[ "$(jq -r '.steps[1].params[0] | "\(.name)=\(.status)=\(.value)"' "$TMP/out")" = "kms_host=filled=kms.yuxin-sec.example.cn" ] ||
    fail "json: kms_host not filled"
[ "$(jq -r '[.steps[].kind] | join(",")' "$TMP/out")" = "diagnostic,diagnostic,change,change" ] || fail "json: kinds"

# --- mail text with shell metacharacters stays inert ---
mkdir "$TMP/evil"
cat >"$TMP/evil/1.eml" <<'MAIL'
From: Attacker <a@evil.example.cn>
To: support@cmgos.com
Subject: [案例号: CAS-09999-EV1L00 ] KMS & del /q C:\* $(Remove-Item -Recurse C:\) `calc` "quoted" %PATH%
Date: Mon, 1 Jul 2024 10:00:00 +0800
Message-ID: <evil-1@evil.example.cn>
Content-Type: text/plain; charset=utf-8

激活报错 0xC004F074，无法连接 KMS 服务器 kms.example.cn:1688 & del /q C:\* 。
Our product key is VK7JG-NPHTM-C97JM-9MPGT-3V66T, please use it: slmgr /ipk VK7JG-NPHTM-C97JM-9MPGT-3V66T
MAIL
"$CASEKB" --db "$TMP/evil.db" ingest "$TMP/evil" >/dev/null 2>&1 || fail "ingest of the evil mail failed"
for f in cmd ps1 md json; do
    "$CASEKB" --db "$TMP/evil.db" checklist --format $f CAS-09999-EV1L00 >"$TMP/evil.$f" 2>/dev/null ||
        fail "checklist --format $f of the evil case failed"
    grep -q '3V66T' "$TMP/evil.$f" && ! grep -q '\*\*\*\*\*-3V66T' "$TMP/evil.$f" && fail "evil.$f: full product key"
    grep -q 'VK7JG' "$TMP/evil.$f" && fail "evil.$f holds the full product key"
done
for needle in 'del /q' 'Remove-Item' 'calc' '%PATH%'; do
    grep -v '^REM ' "$TMP/evil.cmd" | grep -qF -- "$needle" && fail "evil.cmd: '$needle' outside a REM line"
    sed '1s/^\xef\xbb\xbf//' "$TMP/evil.ps1" | grep -v '^#' | grep -qF -- "$needle" && fail "evil.ps1: '$needle' outside a comment"
done
grep -qF '%PATH%' "$TMP/evil.cmd" && fail "evil.cmd: %PATH% would expand"
has "$TMP/evil.cmd" 'set "KMS_HOST=kms.example.cn"'

# --- every format on every sample case ---
ck cases --json | jq -r '.[].case_id' >"$TMP/ids" || fail "cases --json failed"
[ "$(wc -l <"$TMP/ids")" -ge 14 ] || fail "expected at least 14 sample cases"
while read -r id; do
    for f in md cmd ps1 json; do
        expect_rc 0 checklist --format $f "$id"
    done
    expect_rc 0 checklist --format cmd "$id"
    [ "$(wc -l <"$TMP/out")" = "$(grep -c "$(printf '\r')\$" "$TMP/out")" ] || fail "$id: cmd has LF-only lines"
done <"$TMP/ids"

# --- errors ---
expect_rc 1 checklist CAS-00000-NOPE00
expect_rc 2 checklist --format html "$kms"
expect_rc 2 checklist
exit 0
