#!/bin/sh
# T092: `casekb verify` on the samples: pasted slmgr /dlv output from a
# Chinese (GB18030, as cmd.exe saves it) and an English Windows, nslookup
# with and without the KMS SRV record, Test-NetConnection True/False, a
# checklist script's CRLF log with BEGIN/END/SKIPPED markers, JSON, text,
# exit codes, and every sample case.  A step is judged only by its own
# command's output: pasted slmgr /dlv marks only the dlv step (never /ipk,
# /ato or the label serial, which is a manual step); a log whose /ipk was
# skipped reports /ato as not run with its prerequisite; a partial log
# marks the steps it lacks "not run"; the master-image step is judged only
# for a master-image log and never suggested to a terminal.
. "$(dirname "$0")/lib.sh"
cd "$CASEKB_TOP" || die "cannot enter $CASEKB_TOP"
ck ingest samples >/dev/null 2>"$TMP/ingest.err" || fail "ingest samples failed: $(cat "$TMP/ingest.err")"
kms=CAS-04711-L2V8C3 dns=CAS-04102-K7M2P8 seed=CAS-03877-J9N4S5

# status CASE FILE STEP_ID: set GOT to the status verify gives STEP_ID
# (verify exits 1 when the log holds none of the case's steps).
status() {
    vrc=0
    ck verify --json "$1" "$2" >"$TMP/status.json" 2>"$TMP/status.err" || vrc=$?
    [ "$vrc" -le 1 ] || fail "verify $1 $(basename "$2"): exit $vrc: $(head -c 600 "$TMP/status.err")"
    GOT=$(jq -r --arg id "$3" '.steps[] | select(.id == $id) | .status' "$TMP/status.json")
}

# expect_status CASE FILE STEP_ID WANT
expect_status() {
    status "$1" "$2" "$3"
    got=$GOT
    [ "$got" = "$4" ] || fail "verify $1 $(basename "$2"): step $3 is '$got', expected '$4'"
}

# --- slmgr /dlv, Chinese Windows (GB18030 bytes) and English Windows ---
printf '软件授权服务版本: 10.0.19041.3636\r\n\r\n名称: Windows(R), Professional edition\r\n部分产品密钥: 4M68B\r\n许可证状态: 已授权\r\n批量激活过期时间: 259200 分钟 (180 天)\r\nKMS 计算机名称(来自 DNS): kms.yuxin-sec.example.cn:1688\r\n' |
    iconv -f UTF-8 -t GB18030 >"$TMP/dlv-zh.txt" || die "iconv failed"
printf 'Software licensing service version: 10.0.19041.3636\nName: Windows(R), Professional edition\nPartial Product Key: 4M68B\nLicense Status: Licensed\nKMS machine name from DNS: kms.yuxin-sec.example.cn:1688\n' >"$TMP/dlv-en.txt"
printf 'Software licensing service version: 10.0.19041.3636\nName: Windows(R), Professional edition\nLicense Status: Notification\nNotification Reason: 0xC004F009.\n' >"$TMP/dlv-nokey.txt"
expect_status "$kms" "$TMP/dlv-zh.txt" kms.show-config pass
expect_status "$kms" "$TMP/dlv-en.txt" kms.show-config pass
expect_status "$kms" "$TMP/dlv-zh.txt" kms.test-port not_run
expect_status "$kms" "$TMP/dlv-nokey.txt" kms.show-config fail

# --- nslookup -type=srv _vlmcs._tcp, with and without the record ---
printf '服务器:  dc01.jhrcb.example.cn\nAddress:  10.8.0.10\n\n_vlmcs._tcp.jhrcb.example.cn\tSRV service location:\n\t  priority       = 0\n\t  weight         = 0\n\t  port           = 1688\n\t  svr hostname   = kms01.hq.jhrcb.example.cn\n' >"$TMP/srv-yes.txt"
printf 'Server:  UnKnown\nAddress:  10.8.0.10\n\n*** UnKnown can'"'"'t find _vlmcs._tcp: Non-existent domain\n' >"$TMP/srv-no-en.txt"
printf '服务器:  UnKnown\nAddress:  10.8.0.10\n\n*** UnKnown 找不到 _vlmcs._tcp: Non-existent domain\n' >"$TMP/srv-no-zh.txt"
expect_status "$dns" "$TMP/srv-yes.txt" kms.lookup-srv pass
expect_status "$dns" "$TMP/srv-no-en.txt" kms.lookup-srv fail
expect_status "$dns" "$TMP/srv-no-zh.txt" kms.lookup-srv fail
ck verify --json "$dns" "$TMP/srv-no-zh.txt" >"$TMP/srv.json" || fail "verify srv-no-zh failed"
[ "$(jq -r '.steps[] | select(.id == "kms.lookup-srv") | .evidence' "$TMP/srv.json")" = "*** UnKnown 找不到 _vlmcs._tcp: Non-existent domain" ] ||
    fail "srv.json: evidence is not the failing line"
jq -r '.steps[] | select(.id == "kms.lookup-srv") | .next' "$TMP/srv.json" | grep -qF '自动发现依赖 _vlmcs._tcp 记录' ||
    fail "srv.json: next does not carry the step's why"

# --- Test-NetConnection ---
printf 'ComputerName     : kms.yuxin-sec.example.cn\nRemoteAddress    : 10.1.0.20\nRemotePort       : 1688\nTcpTestSucceeded : True\n' >"$TMP/tnc-true.txt"
printf 'WARNING: TCP connect to (10.1.0.20 : 1688) failed\nComputerName           : kms.yuxin-sec.example.cn\nPingSucceeded          : True\nTcpTestSucceeded       : False\n' >"$TMP/tnc-false.txt"
expect_status "$kms" "$TMP/tnc-true.txt" kms.test-port pass
expect_status "$kms" "$TMP/tnc-false.txt" kms.test-port fail

# --- a checklist script's log (CRLF, BOM as PowerShell writes it) ---
{
    printf '\357\273\277=== casekb checklist %s ===\r\n' "$kms"
    printf '=== casekb step 1 kms.show-config BEGIN ===\r\n'
    printf '部分产品密钥: 4M68B\r\n许可证状态: 通知\r\nKMS 计算机名称(来自 DNS): kms.yuxin-sec.example.cn:1688\r\n'
    printf '=== casekb step 1 END exit=0 ===\r\n=== casekb step 2 kms.test-port BEGIN ===\r\n'
    printf 'TcpTestSucceeded : False\r\n=== casekb step 2 END exit=0 ===\r\n'
    printf '=== casekb step 3 kms.set-host SKIPPED declined ===\r\n'
} >"$TMP/run.log"
expect_rc 0 verify --json "$kms" "$TMP/run.log"
cp "$TMP/out" "$TMP/run.json"
[ "$(jq -r .source "$TMP/run.json")" = log ] || fail "run.json: source is not log"
[ "$(jq -r '[.steps[].status] | join(",")' "$TMP/run.json")" = "pass,fail,not_run,not_run" ] ||
    fail "run.json: statuses $(jq -c '[.steps[].status]' "$TMP/run.json")"
[ "$(jq -r '.steps[2].reason' "$TMP/run.json")" = declined ] || fail "run.json: skip reason lost"
[ "$(jq -r '.steps[0].exit' "$TMP/run.json")" = 0 ] || fail "run.json: exit code lost"
[ "$(jq -c .summary "$TMP/run.json")" = '{"pass":1,"fail":1,"not_run":2,"unchecked":0,"manual":0}' ] ||
    fail "run.json: summary $(jq -c .summary "$TMP/run.json")"
expect_rc 0 verify "$kms" "$TMP/run.log"
grep -qF 'fail      2. 测试 KMS 主机 1688 端口  [Test-NetConnection kms.yuxin-sec.example.cn -Port 1688]' "$TMP/out" ||
    fail "text output lacks the failed step line"
grep -qF '1 pass, 1 fail, 2 not run, 0 unchecked' "$TMP/out" || fail "text output lacks the summary"
# standard input works too
ck_json "$TMP/stdin.json" verify --json "$kms" - <"$TMP/tnc-true.txt"
jq -e '.steps[1].status == "pass"' "$TMP/stdin.json" >/dev/null || fail "verify - (stdin) failed"

# --- the seed: pasted slmgr /dlv judges the dlv step only ---
printf 'Software licensing service version: 10.0.19041.3636\nName: Windows(R), Professional edition\nLicense Status: Notification\nNotification Reason: 0xC004F056.\nError: 0xC004F074 The Software Licensing Service reported that the computer could not be activated.\n' >"$TMP/dlv-error.txt"
for id in "$seed" CAS-05018-H6P4D1; do
    expect_rc 0 verify --json "$id" "$TMP/dlv-error.txt"
    cp "$TMP/out" "$TMP/dlv-error.json"
    [ "$(jq -r '[.steps[] | select(.status == "fail" or .status == "pass") | .command] | join(",")' "$TMP/dlv-error.json")" = "slmgr /dlv" ] ||
        fail "$id: pasted slmgr /dlv judged $(jq -c '[.steps[] | [.command, .status]]' "$TMP/dlv-error.json")"
    for step in activation.install-key activation.activate-online; do
        [ "$(jq -r --arg s "$step" '.steps[] | select(.id == $s) | .status' "$TMP/dlv-error.json")" = not_run ] ||
            fail "$id: pasted slmgr /dlv judged $step"
    done
done
expect_status "$seed" "$TMP/dlv-zh.txt" activation.collect-sn manual
expect_status "$seed" "$TMP/dlv-error.txt" activation.collect-sn manual
expect_rc 0 verify "$seed" "$TMP/dlv-zh.txt"
grep -qi 'sysprep\|封装母盘' "$TMP/out" && fail "verify of a terminal's output mentions the master-image step: $(cat "$TMP/out")"
grep -qF '（另有 1 个母盘步骤不在此核对范围内）' "$TMP/out" || fail "verify does not say the master-image step is not checked"

# --- seed logs: a skipped prerequisite, a partial log, a master-image log ---
ck checklist --json "$seed" >"$TMP/seed.json" 2>/dev/null || fail "checklist --json $seed failed"
n_of() { jq -r --arg s "$1" '.steps[] | select(.id == $s) | .n' "$TMP/seed.json"; }
sid=$(n_of imaging.check-sid) cmid=$(n_of imaging.check-cmid) ipk=$(n_of activation.install-key)
ato=$(n_of activation.activate-online) sysprep=$(n_of imaging.sysprep-generalize)
{
    printf '=== casekb checklist %s ===\r\n' "$seed"
    printf '=== casekb step %s imaging.check-sid BEGIN ===\r\nS-1-5-21-1004336348-1177238915-682003330-1001\r\n' "$sid"
    printf '=== casekb step %s END exit=0 ===\r\n' "$sid"
    printf '=== casekb step %s activation.install-key SKIPPED needs-product_key ===\r\n' "$ipk"
    printf '=== casekb step %s activation.activate-online SKIPPED prerequisite activation.install-key ===\r\n' "$ato"
} >"$TMP/prereq.log"
expect_rc 0 verify --json "$seed" "$TMP/prereq.log"
cp "$TMP/out" "$TMP/prereq.json"
[ "$(jq -r '.steps[] | select(.id == "activation.activate-online") | "\(.status)|\(.reason)"' "$TMP/prereq.json")" = \
  "not_run|prerequisite activation.install-key" ] || fail "prereq.json: /ato is not 'not run' for its prerequisite"
jq -r '.steps[] | select(.id == "activation.activate-online") | .next' "$TMP/prereq.json" | grep -qF "先完成第 $ipk 步" ||
    fail "prereq.json: next for /ato does not send the engineer back to step $ipk"
[ "$(jq -r '.steps[] | select(.id == "imaging.check-sid") | .status' "$TMP/prereq.json")" = pass ] || fail "prereq.json: check-sid"
# the script stopped inside the dlv step: it and every later step are "not run"
{
    printf '=== casekb checklist %s ===\r\n' "$seed"
    printf '=== casekb step %s imaging.check-sid BEGIN ===\r\nS-1-5-21-1004336348-1177238915-682003330-1001\r\n' "$sid"
    printf '=== casekb step %s END exit=0 ===\r\n' "$sid"
    printf '=== casekb step %s imaging.check-cmid BEGIN ===\r\nSoftware licensing service version: 10.0.19041.3636\r\n' "$cmid"
} >"$TMP/partial.log"
expect_rc 0 verify --json "$seed" "$TMP/partial.log"
cp "$TMP/out" "$TMP/partial.json"
[ "$(jq -r '.steps[] | select(.id == "imaging.check-cmid") | "\(.status)|\(.reason)"' "$TMP/partial.json")" = "not_run|interrupted" ] ||
    fail "partial.json: the interrupted step is $(jq -c '.steps[] | select(.id == "imaging.check-cmid")' "$TMP/partial.json")"
[ "$(jq -r '[.steps[] | select(.n > '"$cmid"' and .kind != "manual") | .status] | unique | join(",")' "$TMP/partial.json")" = not_run ] ||
    fail "partial.json: steps after the interruption are not all 'not run'"
[ "$(jq -c '[.summary.pass, .summary.fail]' "$TMP/partial.json")" = '[1,0]' ] || fail "partial.json: summary $(jq -c .summary "$TMP/partial.json")"
# a master-image script's log is judged against the master-image step only
printf '=== casekb checklist %s master-image ===\r\n=== casekb step %s imaging.sysprep-generalize BEGIN ===\r\n=== casekb step %s END exit=0 ===\r\n' \
    "$seed" "$sysprep" "$sysprep" >"$TMP/master.log"
expect_rc 0 verify --json "$seed" "$TMP/master.log"
[ "$(jq -r '"\(.scope)|\([.steps[].id] | join(","))|\(.steps[0].status)"' "$TMP/out")" = \
  "master-image|imaging.sysprep-generalize|unchecked" ] || fail "master.log: $(jq -c '[.scope, .steps]' "$TMP/out")"
expect_rc 1 verify --scope terminal "$seed" "$TMP/master.log"
expect_rc 2 verify --scope everywhere "$seed" "$TMP/master.log"

# a whole terminal log (tests/fixtures/checklist/logs): the read-only steps pass, the label serial is
# manual, /ipk was left to the engineer and /ato waits for it
expect_rc 0 verify "$seed" tests/fixtures/checklist/logs/seed-terminal.log
grep -qF '3 pass, 0 fail, 2 not run, 0 unchecked, 1 manual' "$TMP/out" || fail "seed-terminal.log: $(cat "$TMP/out")"
grep -qF "manual    4. 从设备标签或授权证书上读取激活失败所用的13位序列号" "$TMP/out" || fail "seed-terminal.log: the manual step"
grep -qF "先完成第 $ipk 步（重新安装产品密钥），再运行：slmgr /ato" "$TMP/out" || fail "seed-terminal.log: /ato"

# --- nothing recognisable, unknown case, missing file ---
printf 'see the attached screenshot\n' >"$TMP/nothing.txt"
expect_rc 1 verify "$kms" "$TMP/nothing.txt"
expect_rc 1 verify CAS-00000-NOPE00 "$TMP/dlv-en.txt"
expect_rc 2 verify "$kms" "$TMP/no-such-file"
expect_rc 2 verify "$kms"

# --- every sample case: runs, and a log of its own checklist verifies ---
ck_case_ids "$TMP/ids"
while read -r id; do
    ck checklist --json "$id" >"$TMP/cl.json" 2>/dev/null || fail "$id: checklist --json failed"
    jq -r '.steps[] | "=== casekb step \(.n) \(.id) SKIPPED test ==="' "$TMP/cl.json" >"$TMP/skipped.log"
    run_rc verify --json "$id" "$TMP/skipped.log"
    [ "$RC" = 0 ] || [ "$RC" = 1 ] || fail "$id: verify exit $RC"
    [ "$(jq '[.steps[] | select(.status != "not_run" and .status != "manual")] | length' "$TMP/out")" = 0 ] ||
        fail "$id: skipped steps not 'not run'"
    [ "$(jq '[.steps[] | select(.scope == "master-image")] | length' "$TMP/out")" = 0 ] ||
        fail "$id: a terminal log judged a master-image step"
    jq -r '.steps[].next' "$TMP/out" | grep -qi sysprep && fail "$id: verify suggests sysprep to a terminal"
    run_rc verify "$id" "$TMP/dlv-en.txt"
    [ "$RC" = 0 ] || [ "$RC" = 1 ] || fail "$id: verify (text) exit $RC"
done <"$TMP/ids"
exit 0
