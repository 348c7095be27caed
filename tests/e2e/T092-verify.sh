#!/bin/sh
# T092: `casekb verify` on the samples: pasted slmgr /dlv output from a
# Chinese (GB18030, as cmd.exe saves it) and an English Windows, nslookup
# with and without the KMS SRV record, Test-NetConnection True/False, a
# checklist script's CRLF log with BEGIN/END/SKIPPED markers, JSON, text,
# exit codes, and every sample case.
. "$(dirname "$0")/lib.sh"
cd "$CASEKB_TOP" || die "cannot enter $CASEKB_TOP"
ck ingest samples >/dev/null 2>"$TMP/ingest.err" || fail "ingest samples failed: $(cat "$TMP/ingest.err")"
kms=CAS-04711-L2V8C3 dns=CAS-04102-K7M2P8 seed=CAS-03877-J9N4S5

# status CASE FILE STEP_ID: the status verify gives STEP_ID.
status() {
    ck verify --json "$1" "$2" 2>/dev/null | jq -r --arg id "$3" '.steps[] | select(.id == $id) | .status'
}

# expect_status CASE FILE STEP_ID WANT
expect_status() {
    got=$(status "$1" "$2" "$3")
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
[ "$(jq -c .summary "$TMP/run.json")" = '{"pass":1,"fail":1,"not_run":2,"unchecked":0}' ] || fail "run.json: summary"
expect_rc 0 verify "$kms" "$TMP/run.log"
grep -qF 'fail      2. 测试 KMS 主机 1688 端口  [Test-NetConnection kms.yuxin-sec.example.cn -Port 1688]' "$TMP/out" ||
    fail "text output lacks the failed step line"
grep -qF '1 pass, 1 fail, 2 not run, 0 unchecked' "$TMP/out" || fail "text output lacks the summary"
# standard input works too
ck verify --json "$kms" - <"$TMP/tnc-true.txt" | jq -e '.steps[1].status == "pass"' >/dev/null || fail "verify - (stdin) failed"

# --- nothing recognisable, unknown case, missing file ---
printf 'see the attached screenshot\n' >"$TMP/nothing.txt"
expect_rc 1 verify "$kms" "$TMP/nothing.txt"
expect_rc 1 verify CAS-00000-NOPE00 "$TMP/dlv-en.txt"
expect_rc 2 verify "$kms" "$TMP/no-such-file"
expect_rc 2 verify "$kms"

# --- every sample case: runs, and a log of its own checklist verifies ---
ck cases --json | jq -r '.[].case_id' >"$TMP/ids" || fail "cases --json failed"
while read -r id; do
    ck checklist --json "$id" >"$TMP/cl.json" 2>/dev/null || fail "$id: checklist --json failed"
    jq -r '.steps[] | "=== casekb step \(.n) \(.id) SKIPPED test ==="' "$TMP/cl.json" >"$TMP/skipped.log"
    run_rc verify --json "$id" "$TMP/skipped.log"
    [ "$RC" = 0 ] || [ "$RC" = 1 ] || fail "$id: verify exit $RC"
    [ "$(jq '[.steps[] | select(.status != "not_run")] | length' "$TMP/out")" = 0 ] || fail "$id: skipped steps not 'not run'"
    run_rc verify "$id" "$TMP/dlv-en.txt"
    [ "$RC" = 0 ] || [ "$RC" = 1 ] || fail "$id: verify (text) exit $RC"
done <"$TMP/ids"
exit 0
