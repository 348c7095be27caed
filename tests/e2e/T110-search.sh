#!/bin/sh
# T110: `casekb search` on the samples: Chinese inside longer Chinese text,
# Traditional = Simplified, filters, --count, --json fields, malformed
# queries (one line naming the position, exit 2), no match (exit 1).
. "$(dirname "$0")/lib.sh"
ck ingest "$CASEKB_TOP/samples" >/dev/null 2>&1 || fail "ingest of samples failed"

# 信任关系 sits inside 此工作站和主域间的信任关系失败: it must be found.
ck search --json 信任关系 >"$TMP/trust.json" || fail "信任关系 found nothing"
jq -e 'any(.[]; .case_id == "CAS-06120-N4J8U5")' "$TMP/trust.json" >/dev/null || fail "信任关系 missed CAS-06120-N4J8U5"
jq -e 'all(.[]; has("case_id") and has("message_id") and has("date") and has("from") and has("subject")
        and has("snippet") and has("score") and has("causes"))' "$TMP/trust.json" >/dev/null ||
    fail "search --json rows lack contract fields"
jq -e 'any(.[]; .snippet | contains("[信任关系]"))' "$TMP/trust.json" >/dev/null || fail "no [marked] snippet"

# The Big5 (Traditional) case writes 啟用/錯誤; a Simplified query finds it and back.
ck_json "$TMP/q1.json" search --json '"启用失败"'
jq -e 'any(.[]; .case_id == "CAS-04518-T2W6Q1")' "$TMP/q1.json" >/dev/null ||
    fail "Simplified 启用失败 did not find the Traditional case"
simp=$(ck search --messages --count 错误)
trad=$(ck search --messages --count 錯誤)
[ "$simp" = "$trad" ] && [ "$simp" -gt 0 ] || fail "错误 ($simp) and 錯誤 ($trad) differ"

# Filters.
ck_json "$TMP/q2.json" search --json code:0xc004f074
jq -e '[.[].case_id] | unique == ["CAS-04711-L2V8C3", "CAS-07031-E2F5G9", "CAS-07418-P2L5K8", "CAS-07506-H3M7D4",
        "CAS-07702-A5T8L3", "CAS-07780-K4P7Q2"]' "$TMP/q2.json" >/dev/null ||
    fail "code:0xC004F074 should find exactly the six KMS-unreachable cases (CAS-07702 by its attachments): $(jq -c '[.[].case_id] | unique' "$TMP/q2.json")"
ck_json "$TMP/q3.json" search --json 'cause:activation.kms-dns'
jq -e '[.[].case_id] | unique == ["CAS-04102-K7M2P8", "CAS-07342-V6B9N3"]' "$TMP/q3.json" >/dev/null ||
    fail "cause:activation.kms-dns"
ck_json "$TMP/q4.json" search --json 'slmgr vendor:Dell status:closed'
jq -e 'length > 0 and all(.[]; .case_id == "CAS-04518-T2W6Q1" or .case_id == "CAS-07031-E2F5G9" or .case_id == "CAS-07506-H3M7D4")' "$TMP/q4.json" >/dev/null ||
    fail "vendor:/status: filters"
n_all=$(ck search --count slmgr)
n_2023=$(ck search --count 'slmgr date:2023')
[ "$n_2023" -lt "$n_all" ] && [ "$n_2023" -gt 0 ] || fail "date:2023 did not narrow slmgr ($n_2023 of $n_all)"
ck_json "$TMP/q5.json" search --json 'customer:中国人寿 sysprep'
jq -e '[.[].case_id] == ["CAS-03877-J9N4S5"]' "$TMP/q5.json" >/dev/null || fail "customer: filter"

# Malformed queries: one line, a position, exit 2; SQL text never leaks.
ck search '"unclosed' 2>"$TMP/err"; rc=$?
[ $rc -eq 2 ] || fail "an unclosed quote gave exit $rc"
[ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q 'position' "$TMP/err" || fail "bad error: $(cat "$TMP/err")"
ck search 'after:2021-13-45' 2>"$TMP/err2"; rc=$?
[ $rc -eq 2 ] || fail "a bad date gave exit $rc"
grep -qi 'sqlite\|syntax error near' "$TMP/err2" && fail "SQLite text leaked: $(cat "$TMP/err2")"
ck search "'); DROP TABLE messages; --" >/dev/null 2>&1
ck search --count slmgr >/dev/null || fail "the database was damaged by a hostile query"

# Nothing found: exit 1.
ck search zzqqxxyy >/dev/null 2>&1; rc=$?
[ $rc -eq 1 ] || fail "no match gave exit $rc"
echo "ok: search on the samples"
