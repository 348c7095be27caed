#!/bin/sh
# T090: `casekb checklist` on the samples: the Markdown task list, the cmd
# and ps1 scripts (CRLF everywhere, BOM only on ps1, chcp 65001 in cmd),
# values from the mail checked into the scripts, steps that change the
# machine behind a YES prompt, the product-key step commented out, mail
# text with shell metacharacters inert, -o, JSON, and every format on
# every sample case.  Safety: master-image steps (sysprep) in a section
# and a script of their own, never in a terminal script (every sample
# case); the administrator check before any step; prerequisites (a step
# whose prerequisite was skipped or failed is skipped); the label serial
# as a manual step; a MAK case activates after installing the key; a case
# with no cause exits 1 saying so; the title escaped in Markdown; the new
# rule keys checked by `rules check`.
. "$(dirname "$0")/lib.sh"
cd "$CASEKB_TOP" || die "cannot enter $CASEKB_TOP"
ck ingest samples >/dev/null 2>"$TMP/ingest.err" || fail "ingest samples failed: $(cat "$TMP/ingest.err")"
kms=CAS-04711-L2V8C3 seed=CAS-03877-J9N4S5

# has FILE TEXT: fail unless FILE holds TEXT (fixed string).
has() {
    grep -qF -- "$2" "$1" || fail "$(basename "$1") lacks: $2"
}

# in_order FILE FIRST SECOND MESSAGE: fail with MESSAGE unless a line
# starting with FIRST comes before the first line starting with SECOND.
in_order() {
    awk -v a="$2" -v b="$3" 'index($0, a) == 1 && !fa { fa = NR } index($0, b) == 1 && !fb { fb = NR }
        END { exit !(fa && fb && fa < fb) }' "$1" || fail "$4"
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
in_order "$TMP/kms.cmd" 'call :ck_confirm 3 kms.set-host' 'call :ck_begin 3 kms.set-host' "kms.cmd: set-host not behind a confirmation"
grep -q 'call :ck_confirm 1 ' "$TMP/kms.cmd" && fail "kms.cmd: a read-only step asks for confirmation"

# --- ps1 ---
expect_rc 0 checklist --format ps1 -o "$TMP/seed.ps1" "$seed"
[ -s "$TMP/out" ] && fail "-o also wrote to stdout"
[ "$(head -c 3 "$TMP/seed.ps1" | od -An -tx1 | tr -d ' ')" = efbbbf ] || fail "seed.ps1 has no UTF-8 BOM"
crlf_only "$TMP/seed.ps1"
# (step numbers follow the causes' scores, so the seed's steps are found by id)
grep -qE "^Invoke-CkStep -N [0-9]+ -Id 'activation.check-edition' -Requires @\(\) -Needs @\(\) -Body \{" "$TMP/seed.ps1" ||
    fail "seed.ps1: check-edition is not run as a read-only step"
grep -qi 'sysprep.exe' "$TMP/seed.ps1" && fail "seed.ps1 (a terminal script) runs sysprep"
has "$TMP/seed.ps1" '#   cscript //nologo "$env:SystemRoot\System32\slmgr.vbs" /ipk __PRODUCT_KEY__'
grep -qE "^Write-CkLog '=== casekb step [0-9]+ activation.install-key SKIPPED needs-product_key ==='" "$TMP/seed.ps1" ||
    fail "seed.ps1: the install-key step does not log that it was skipped"
grep -v '^#' "$TMP/seed.ps1" | grep -q '/ipk' && fail "seed.ps1 runs slmgr /ipk"
expect_rc 0 checklist --format ps1 "$seed"
cmp -s "$TMP/out" "$TMP/seed.ps1" || fail "-o and stdout differ"

# --- master-image steps: their own section and script, never in a terminal script ---
# the seed's sysprep step: under the master-image heading of the Markdown only
master_at=$(grep -n '^## 仅在母盘（参考镜像）上执行' "$TMP/seed.md" | cut -d: -f1)
terminal_at=$(grep -n '^## 在每台受影响的终端上执行' "$TMP/seed.md" | cut -d: -f1)
sysprep_at=$(grep -n 'imaging.sysprep-generalize' "$TMP/seed.md" | cut -d: -f1)
[ -n "$master_at" ] && [ -n "$terminal_at" ] && [ "$terminal_at" -lt "$master_at" ] ||
    fail "seed.md: no terminal section followed by a master-image section"
[ -n "$sysprep_at" ] && [ "$sysprep_at" -gt "$master_at" ] || fail "seed.md: the sysprep step is not in the master-image section"
expect_rc 0 checklist --scope terminal "$seed"
grep -i sysprep "$TMP/out" | grep -v '^  - ⚠' | grep -q . && fail "checklist --scope terminal shows sysprep"
grep -q '^## 仅在母盘' "$TMP/out" && fail "checklist --scope terminal shows the master-image section"
# the master-image script: only with --scope master-image, with a header saying where it runs
for f in cmd ps1; do
    expect_rc 0 checklist --format $f --scope master-image "$seed"
    cp "$TMP/out" "$TMP/seed-master.$f"
    has "$TMP/seed-master.$f" 'FOR THE MASTER (REFERENCE) IMAGE ONLY'
    has "$TMP/seed-master.$f" 'NEVER on a production terminal'
    has "$TMP/seed-master.$f" 'Type MASTER to go on'
    has "$TMP/seed-master.$f" '=== casekb checklist CAS-03877-J9N4S5 master-image ==='
    grep -qi 'sysprep.exe' "$TMP/seed-master.$f" || fail "seed-master.$f lacks the sysprep step"
    grep -q 'slmgr.vbs' "$TMP/seed-master.$f" && fail "seed-master.$f holds terminal steps"
done
has "$TMP/seed-master.ps1" '# DO NOT: 不要在已完成 OOBE 且未封装的系统上直接 Ghost'
has "$TMP/seed-master.cmd" '("%SystemRoot%\System32\Sysprep\sysprep.exe" /generalize /oobe /shutdown) >>"%CK_LOG%" 2>&1'
grep -qE "^Invoke-CkStep -N [0-9]+ -Id 'imaging.sysprep-generalize' -Requires @\(\) -Needs @\(\) -Change -Body \{" \
    "$TMP/seed-master.ps1" || fail "seed-master.ps1: sysprep is not behind a confirmation"
has "$TMP/seed.ps1" '#   casekb checklist CAS-03877-J9N4S5 --format ps1 --scope master-image'
expect_rc 2 checklist --format cmd --scope all "$seed"
expect_rc 2 checklist --scope everywhere "$seed"
expect_rc 1 checklist --format cmd --scope master-image "$kms"
grep -qF 'no master-image steps' "$TMP/err" || fail "--scope master-image on a case without such steps: $(cat "$TMP/err")"

# no_sysprep FILE: fail when a line of the script that is not a comment
# mentions sysprep, or when sysprep.exe appears at all.
no_sysprep() {
    sed '1s/^\xef\xbb\xbf//' "$1" | tr -d '\r' | grep -v '^REM \|^#' | grep -qi sysprep &&
        fail "$(basename "$1"): a terminal script runs sysprep: $(grep -i sysprep "$1" | head -3)"
    grep -qi 'sysprep\.exe\|Sysprep\\' "$1" && fail "$(basename "$1"): a terminal script holds sysprep.exe"
    return 0
}
# admin_first FILE cmd|ps1: fail unless the administrator check comes before any step and any log line.
admin_first() {
    if [ "$2" = cmd ]; then
        admin=$(grep -n '^net session >nul 2>&1 || fltmc >nul 2>&1 || goto ck_not_admin' "$1" | cut -d: -f1)
        first=$(grep -n '^call :ck_begin \|^>>"%CK_LOG%"\|^call :ck_need ' "$1" | head -1 | cut -d: -f1)
        grep -q '^:ck_not_admin' "$1" || fail "$(basename "$1"): no :ck_not_admin label"
    else
        admin=$(grep -n 'IsInRole(\[Security.Principal.WindowsBuiltInRole\]::Administrator)' "$1" | cut -d: -f1)
        first=$(grep -n "^Invoke-CkStep \|^Write-CkLog '" "$1" | head -1 | cut -d: -f1)
    fi
    [ -n "$admin" ] || fail "$(basename "$1"): no administrator check"
    [ -z "$first" ] || [ "$admin" -lt "$first" ] || fail "$(basename "$1"): the administrator check comes after a step"
}
admin_first "$TMP/seed-master.cmd" cmd
admin_first "$TMP/seed-master.ps1" ps1
has "$TMP/seed-master.ps1" "exit 5"

# --- prerequisites: /ato only after /ipk succeeded; the label serial is a manual step ---
expect_rc 0 checklist --json "$seed"
cp "$TMP/out" "$TMP/seed.json"
ipk=$(jq -r '.steps[] | select(.id == "activation.install-key") | .n' "$TMP/seed.json")
ato=$(jq -r '.steps[] | select(.id == "activation.activate-online") | .n' "$TMP/seed.json")
[ -n "$ipk" ] && [ -n "$ato" ] && [ "$ipk" -lt "$ato" ] || fail "seed.json: /ato ($ato) does not follow /ipk ($ipk)"
[ "$(jq -c '.steps[] | select(.id == "activation.activate-online") | [.requires, .after]' "$TMP/seed.json")" = \
  "[[\"activation.install-key\"],[$ipk]]" ] || fail "seed.json: /ato does not require /ipk"
[ "$(jq -r '.steps[] | select(.id == "imaging.sysprep-generalize") | .scope' "$TMP/seed.json")" = master-image ] ||
    fail "seed.json: sysprep is not a master-image step"
[ "$(jq -r '.steps[-1].id' "$TMP/seed.json")" = imaging.sysprep-generalize ] || fail "seed.json: master-image steps are not last"
[ "$(jq -c '.steps[] | select(.id == "activation.collect-sn") | [.kind, .command]' "$TMP/seed.json")" = '["manual",""]' ] ||
    fail "seed.json: collecting the label serial is not a manual step"
has "$TMP/seed.md" "  - 前提: 第 $ipk 步（\`activation.install-key\`）成功后再执行"
grep -A2 'activation.collect-sn' "$TMP/seed.md" | grep -q '^  - 命令' && fail "seed.md: the manual step shows a command"
grep -qF '命令: `slmgr /dli`' "$TMP/seed.md" && fail "seed.md: slmgr /dli is still a command"
expect_rc 0 checklist --format cmd "$seed"
cp "$TMP/out" "$TMP/seed.cmd"
has "$TMP/seed.cmd" "call :ck_need $ato activation.activate-online activation.install-key || goto ck_next_$ato"
has "$TMP/seed.cmd" ":ck_need"
has "$TMP/seed.cmd" 'if defined CK_OK_%3 exit /b 0'
has "$TMP/seed.cmd" 'call :ck_skip %1 %2 "prerequisite %3"'
has "$TMP/seed.cmd" 'if "%2"=="0" set "CK_OK_%3=1"'
has "$TMP/seed.cmd" ">>\"%CK_LOG%\" echo === casekb step 4 activation.collect-sn SKIPPED manual ==="
# the prerequisite check comes before the YES prompt and the run of /ato
in_order "$TMP/seed.cmd" "call :ck_need $ato " "call :ck_confirm $ato " "seed.cmd: /ato asks for YES before its prerequisite check"
in_order "$TMP/seed.cmd" "call :ck_need $ato " "call :ck_begin $ato " "seed.cmd: /ato runs before its prerequisite check"
grep -qE "^Invoke-CkStep -N $ato -Id 'activation.activate-online' -Requires @\('activation.install-key'\) -Needs @\(\) -Change -Body \{" \
    "$TMP/seed.ps1" || fail "seed.ps1: /ato does not require /ipk"
has "$TMP/seed.ps1" 'Write-CkLog "=== casekb step $N $Id SKIPPED prerequisite $req ==="'
has "$TMP/seed.ps1" 'if ($code -eq 0) { $script:CkOk[$Id] = $true }'
# a MAK case installs a key and then activates, only after the key step
mak=CAS-05610-Q3R7T9
expect_rc 0 checklist --json "$mak"
[ "$(jq -r '[.steps[] | select(.id == "activation.install-key" or .id == "activation.activate-online") | .id] | join(",")' "$TMP/out")" = \
  "activation.install-key,activation.activate-online" ] || fail "$mak: no activation after installing the MAK"
[ "$(jq -c '.steps[] | select(.id == "activation.activate-online") | .requires' "$TMP/out")" = '["activation.install-key"]' ] ||
    fail "$mak: activation does not require the key step"

# --- a case with no root cause: exit 1, saying so ---
"$CASEKB" --db "$TMP/nocause.db" ingest tests/fixtures/checklist/no-cause >/dev/null 2>&1 || fail "ingest of the no-cause mail failed"
for f in md cmd ps1 json; do
    RC=0
    "$CASEKB" --db "$TMP/nocause.db" checklist --format $f CAS-08801-NC0A1Z >"$TMP/nocause.out" 2>"$TMP/nocause.err" || RC=$?
    [ "$RC" = 1 ] || fail "checklist --format $f of a case with no cause: exit $RC, expected 1"
    [ -s "$TMP/nocause.out" ] && fail "checklist --format $f of a case with no cause wrote: $(head -c 200 "$TMP/nocause.out")"
    grep -qF 'CAS-08801-NC0A1Z: no root cause identified' "$TMP/nocause.err" && grep -qF 'casekb similar CAS-08801-NC0A1Z' "$TMP/nocause.err" ||
        fail "checklist --format $f of a case with no cause: $(cat "$TMP/nocause.err")"
done

# --- the title (mail text) is escaped in Markdown ---
"$CASEKB" --db "$TMP/xss.db" ingest tests/fixtures/checklist/xss >/dev/null 2>&1 || fail "ingest of the xss mail failed"
"$CASEKB" --db "$TMP/xss.db" checklist CAS-08802-XS5T1T >"$TMP/xss.md" 2>/dev/null || fail "checklist of the xss case failed"
grep -q '\(^\|[^\\]\)<img' "$TMP/xss.md" && fail "xss.md: the title keeps a raw <img> tag: $(head -1 "$TMP/xss.md")"
has "$TMP/xss.md" '\<img src=x onerror=alert(1)\>'
has "$TMP/xss.md" '\*KMS\*'
has "$TMP/xss.md" '\[点此\](javascript:alert(2))'
[ "$(grep -c '^#' "$TMP/xss.md")" = "$(grep -c '^#\{1,2\} ' "$TMP/xss.md")" ] || fail "xss.md: a heading from the mail"

# --- the new rule keys are checked ---
rc_dir=tests/fixtures/checklist/rules-check
"$CASEKB" rules check "$rc_dir/good.yaml" >"$TMP/good.out" 2>&1 || fail "rules check good.yaml: $(cat "$TMP/good.out")"
for f in "$rc_dir"/*.yaml; do
    [ "$f" = "$rc_dir/good.yaml" ] && continue
    want=$(sed -n 's/^# `casekb rules check` must report: //p' "$f")
    RC=0
    "$CASEKB" rules check "$f" >"$TMP/bad.out" 2>&1 || RC=$?
    [ "$RC" = 2 ] || fail "rules check $(basename "$f"): exit $RC, expected 2"
    grep -qF -- "$want" "$TMP/bad.out" || fail "rules check $(basename "$f"): lacks '$want': $(cat "$TMP/bad.out")"
done

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

# --- every format on every sample case; no terminal script runs sysprep; admin check first ---
ck_case_ids "$TMP/ids"
[ "$(wc -l <"$TMP/ids")" -ge 14 ] || fail "expected at least 14 sample cases"
while read -r id; do
    for f in md json; do
        expect_rc 0 checklist --format $f "$id"
    done
    for f in cmd ps1; do
        expect_rc 0 checklist --format $f "$id"
        cp "$TMP/out" "$TMP/$id.$f"
        no_sysprep "$TMP/$id.$f"
        admin_first "$TMP/$id.$f" $f
    done
    [ "$(wc -l <"$TMP/$id.cmd")" = "$(grep -c "$(printf '\r')\$" "$TMP/$id.cmd")" ] || fail "$id: cmd has LF-only lines"
done <"$TMP/ids"

# --- errors ---
expect_rc 1 checklist CAS-00000-NOPE00
expect_rc 2 checklist --format html "$kms"
expect_rc 2 checklist
exit 0
