#!/bin/sh
# T120: show --json on every sample reports the entities, sections and
# requests a person reading the thread would (each line: a case and a jq
# test over its document; all must hold).
. "$(dirname "$0")/lib.sh"
ck ingest "$CASEKB_TOP/samples" >/dev/null 2>&1 || fail "ingest of samples failed"
ck_json "$TMP/thr.json" show --json 6a1f3c2e-9b7d-4e58-a0c4-2f81d93b7e10@ylrcb.example.cn
thr=$(jq -r .case_id "$TMP/thr.json") || fail "no THR case"

checks=0
while IFS='|' read -r id test; do
    [ -n "$id" ] || continue
    [ "$id" = THR ] && id=$thr
    ck show --json "$id" >"$TMP/doc.json" || fail "$id: show failed"
    jq -e "$test" "$TMP/doc.json" >/dev/null || fail "$id: does not hold: $test"
    checks=$((checks + 1))
done <<'CHECKS'
CAS-03877-J9N4S5|.entities.partial_keys == ["4M68B"]
CAS-03877-J9N4S5|.entities.case_ids[0] == "CAS-03877-J9N4S5" and .aliases == ["CMIT:0001828"]
CAS-03877-J9N4S5|.entities.commands | index("slmgr /upk") and index("slmgr /dlv") and index("sysprep /generalize /oobe /shutdown")
CAS-03877-J9N4S5|.sections.problem | startswith("中国人寿用户自行批量部署系统后遇到激活问题")
CAS-03877-J9N4S5|.sections.analysis | contains("无法提供SN")
CAS-03877-J9N4S5|.sections.conclusion == "用户反馈可以正常关闭案例。"
CAS-03877-J9N4S5|any(.requests[]; (.text | contains("13位序列号")) and .answered == false)
CAS-03877-J9N4S5|(.entities.phones | length) == 0 and (.entities.serial_numbers | length) == 0
CAS-04711-L2V8C3|.entities.error_codes == ["0xC004F074"] and .entities.hosts == ["kms.yuxin-sec.example.cn:1688"]
CAS-04711-L2V8C3|.entities.commands | index("slmgr /skms kms.yuxin-sec.example.cn:1688")
CAS-04711-L2V8C3|.sections.conclusion | contains("1688")
CAS-04102-K7M2P8|.entities.error_codes | index("0x8007232B")
CAS-04102-K7M2P8|.entities.commands | index("nslookup -type=srv _vlmcs._tcp")
CAS-04102-K7M2P8|.entities.hosts == ["kms01.hq.jhrcb.example.cn:1688"]
CAS-05018-H6P4D1|.entities.error_codes | index("0xC004F069")
CAS-05018-H6P4D1|.entities.commands | index("slmgr /upk") and index("slmgr /cpky")
CAS-06234-B5X9K2|.entities.error_codes == ["0xC004F06C"] and (.entities.commands | index("w32tm /resync"))
CAS-05610-Q3R7T9|.entities.error_codes == ["0xC004C020"] and .entities.partial_keys == ["7HQ2X"]
CAS-05610-Q3R7T9|.sections.conclusion != ""
CAS-06455-R8K3M7|.entities.error_codes == ["0xC004D307"] and (.entities.commands | index("slmgr /rearm"))
CAS-05233-M4N8R2|.entities.commands | index("slmgr /dti") and index("slmgr /atp")
CAS-04518-T2W6Q1|.entities.error_codes == ["0xC004C003"] and .sections.conclusion != ""
CAS-05877-D3F6G8|.entities.error_codes == ["0xC004F050"] and (.entities.commands | index("slmgr /ipk"))
CAS-06120-N4J8U5|.entities.commands | index("test-computersecurechannel -repair")
CAS-06120-N4J8U5|.entities.commands | any(.[]; startswith("netdom resetpwd"))
CAS-07031-E2F5G9|.entities.error_codes == ["0xC004F074"] and .entities.hosts == ["kms01.nbbank.example.com:1688"]
CAS-07031-E2F5G9|.sections.analysis != "" and .sections.conclusion != ""
CAS-05402-W7Y2Z6|.entities.commands | index("sysprep /generalize /oobe /shutdown") and index("slmgr /rearm")
THR|.entities.commands | index("wuauclt /resetauthorization /detectnow") and index("net stop wuauserv")
THR|.entities.case_ids == []
CHECKS
echo "ok: $checks analysis checks on the samples"
