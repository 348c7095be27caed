#!/bin/sh
# T100: the shipped rules check clean and pass their embedded examples; a
# rule added in a new file is picked up without rebuilding; a catastrophic-
# backtracking pattern cannot hang analysis (it fails with a warning); and
# every sample's top cause is the one samples/expected.json names.
. "$(dirname "$0")/lib.sh"

"$CASEKB" rules check >"$TMP/check.out" 2>&1 || fail "rules check: $(cat "$TMP/check.out")"
"$CASEKB" rules test >"$TMP/test.out" 2>&1 || fail "rules test: $(cat "$TMP/test.out")"
grep -q 'rules test: 12 rules passed, 0 rules failed' "$TMP/test.out" || fail "rules test: $(tail -1 "$TMP/test.out")"

ck ingest "$CASEKB_TOP/samples" >/dev/null 2>&1 || fail "ingest of samples failed"
for id in $(jq -r '.cases | keys[]' "$CASEKB_TOP/samples/expected.json"); do
    want=$(jq -r --arg id "$id" '.cases[$id].top_cause' "$CASEKB_TOP/samples/expected.json")
    key=$id
    case $id in THR-*) key=$(jq -r --arg id "$id" '.cases[$id].lookup // empty' "$CASEKB_TOP/samples/expected.json");; esac
    [ -n "$key" ] || continue
    ck_json "$TMP/show.json" show --json "$key"
    got=$(jq -r '.causes[0].id // "none"' "$TMP/show.json")
    [ "$got" = "$want" ] || fail "$id: top cause $got, expected $want"
done
echo "ok: every sample's top cause is the expected one"

# A new cause in a new file, in a copy of the rule folder: no rebuild.
cp -r "$CASEKB_TOP/rules" "$TMP/rules"
cat >"$TMP/rules/zz-local.yaml" <<'YAML'
causes:
  - id: local.bitlocker-prompt
    title: {zh: BitLocker 恢复密钥提示, en: BitLocker recovery key prompt}
    category: local
    threshold: 1.0
    signals:
      - id: bitlocker-words
        pattern: 'BitLocker\s*恢复密钥|BitLocker recovery key'
        weight: 1.0
    steps:
      - id: local.bitlocker-status
        title: {zh: 查看 BitLocker 状态, en: Show BitLocker status}
        why: {zh: 确认卷的保护状态。, en: Shows the volume protection state.}
        kind: diagnostic
        command: 'manage-bde -status'
        expect: '保护状态|Protection Status'
    reply:
      zh: 终端提示 BitLocker 恢复密钥，请先查看保护状态。
      en: The machines ask for the BitLocker recovery key; please check the protection state first.
    examples:
      match:
        - 终端开机提示输入 BitLocker 恢复密钥
        - The laptop asks for the BitLocker recovery key after the BIOS update
        - 重启后出现BitLocker恢复密钥界面
      no_match:
        - 激活失败 0xC004F074
        - BitLocker is enabled on all devices
        - 请提供 13 位序列号
YAML
"$CASEKB" --rules "$TMP/rules" rules check >"$TMP/check2.out" 2>&1 || fail "new rule: $(cat "$TMP/check2.out")"
"$CASEKB" --rules "$TMP/rules" rules test >"$TMP/test2.out" 2>&1 || fail "new rule examples: $(cat "$TMP/test2.out")"
cat >"$TMP/new.eml" <<'MAIL'
From: Zhao Lei <zhaolei@bank.example.cn>
To: support@cmgos.example
Subject: [案例号: CAS-09999-ZZZZZZ ] 终端提示 BitLocker 恢复密钥
Message-ID: <bitlocker-1@bank.example.cn>
Date: Mon, 04 Mar 2024 09:00:00 +0800
Content-Type: text/plain; charset=utf-8

您好，升级 BIOS 后多台终端开机提示输入 BitLocker 恢复密钥，请协助。
MAIL
ck --rules "$TMP/rules" ingest "$TMP/new.eml" >/dev/null 2>&1 || fail "ingest with the new rule failed"
ck_json "$TMP/show.json" show --json CAS-09999-ZZZZZZ
got=$(jq -r '.causes[0].id // "none"' "$TMP/show.json")
[ "$got" = local.bitlocker-prompt ] || fail "new rule file not picked up: top cause $got"
ck --rules "$TMP/rules" analyze --json >"$TMP/analyze.out" 2>/dev/null || fail "analyze failed"
echo "ok: a rule in a new file is used without rebuilding"

# A rule that backtracks catastrophically: analysis finishes, with a warning.
cat >"$TMP/rules/zz-slow.yaml" <<'YAML'
causes:
  - id: local.slow
    title: {zh: 慢规则, en: Slow rule}
    category: local
    threshold: 1.0
    signals:
      - id: nested
        pattern: '(a+)+$'
        weight: 1.0
    steps:
      - id: local.slow-step
        title: {zh: 无, en: None}
        why: {zh: 无。, en: None.}
        kind: diagnostic
        command: 'winver'
    reply:
      zh: 无。
      en: None.
    examples:
      match: [aaa, xa, baaaa]
      no_match: [b, 'xyz!', 激活]
YAML
long=$(head -c 60000 /dev/zero | tr '\0' a)
printf 'From: a@b.example\nSubject: [案例号: CAS-09998-YYYYYY ] slow\nMessage-ID: <slow-1@b.example>\nDate: Mon, 04 Mar 2024 09:00:00 +0800\n\n%s!\n' "$long" >"$TMP/slow.eml"
start=$(date +%s)
ck --rules "$TMP/rules" ingest "$TMP/slow.eml" >/dev/null 2>"$TMP/slow.err" || fail "ingest with a slow rule failed"
took=$(( $(date +%s) - start ))
grep -q 'local.slow.*limit' "$TMP/slow.err" || fail "no match-limit warning: $(cat "$TMP/slow.err")"
[ "$took" -lt 60 ] || fail "a catastrophic pattern took ${took}s"
echo "ok: catastrophic pattern stopped by the match limit (${took}s)"

# An alias bomb ("billion laughs": 9 lines standing for 10^9 nodes) is
# refused at once with one problem naming the file, the line and the alias,
# by `rules check` and by the loader ingest uses.
mkdir "$TMP/bomb"
{
    echo 'l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'
    for i in 1 2 3 4 5 6 7 8; do
        p=$((i - 1))
        echo "l$i: &l$i [*l$p, *l$p, *l$p, *l$p, *l$p, *l$p, *l$p, *l$p, *l$p, *l$p]"
    done
} >"$TMP/bomb/bomb.yaml"
start=$(date +%s)
RC=0
"$CASEKB" --rules "$TMP/bomb" rules check >"$TMP/bomb.out" 2>&1 || RC=$?
[ "$RC" = 2 ] || fail "rules check on an alias bomb: exit $RC, expected 2: $(head -c 600 "$TMP/bomb.out")"
[ "$(grep -c ':[0-9]*:[0-9]*: ' "$TMP/bomb.out")" = 1 ] || fail "rules check on an alias bomb: expected one problem: $(cat "$TMP/bomb.out")"
grep -q "^$TMP/bomb/bomb.yaml:5:[0-9]*: alias \*l3: .*more than 100000 nodes" "$TMP/bomb.out" ||
    fail "alias bomb problem does not name file:line and the alias: $(cat "$TMP/bomb.out")"
ck --rules "$TMP/bomb" ingest "$TMP/new.eml" >/dev/null 2>"$TMP/bomb.err" || fail "ingest with an alias-bomb rule folder failed"
grep -q 'bomb.yaml:5:.*alias' "$TMP/bomb.err" || fail "ingest did not warn about the alias bomb: $(cat "$TMP/bomb.err")"
took=$(( $(date +%s) - start ))
[ "$took" -lt 10 ] || fail "an alias bomb took ${took}s"
echo "ok: alias bomb refused with file:line (${took}s)"
