#!/bin/sh
# T060: `casekb summary` on the samples: the seed case's metadata, timeline,
# structured sections, entities, causes with quoted evidence, unanswered
# request and time to close in Markdown, JSON and HTML; the fallbacks
# (first customer message, longest support message, last message) and the
# time to first response on a case without sections; -o writes the same
# bytes as stdout; exit codes for unknown cases, bad formats and unwritable
# files; and every format works on every sample case.
. "$(dirname "$0")/lib.sh"
cd "$CASEKB_TOP" || die "cannot enter $CASEKB_TOP"
ck ingest samples >/dev/null 2>"$TMP/ingest.err" || fail "ingest samples failed: $(cat "$TMP/ingest.err")"
seed=CAS-03877-J9N4S5

# has FILE TEXT: fail unless FILE holds TEXT (fixed string).
has() {
    grep -qF -- "$2" "$1" || fail "$(basename "$1") lacks: $2"
}

# --- Markdown (the default) ---
expect_rc 0 summary "$seed"
cp "$TMP/out" "$TMP/seed.md"
has "$TMP/seed.md" "# $seed — 中国人寿用户要实现批量部署，批量激活"
has "$TMP/seed.md" "| Customer | 中国人寿 |"
has "$TMP/seed.md" "| Aliases | CMIT:0001828 |"
has "$TMP/seed.md" "| Vendor | HP |"
has "$TMP/seed.md" "| Status | closed |"
has "$TMP/seed.md" "| Time to close | 8 d 23 h |"
has "$TMP/seed.md" "| Time to first response | n/a |"
has "$TMP/seed.md" "| 1 | 2021-03-09 17:45 +00:00 | support | Shi Guannan | 根据之前的讨论"
has "$TMP/seed.md" "_From sections.problem:_"
has "$TMP/seed.md" "> 中国人寿用户自行批量部署系统后遇到激活问题。"
has "$TMP/seed.md" "> 用户反馈可以正常关闭案例。"
has "$TMP/seed.md" '**Commands**: `sysprep /generalize /oobe /shutdown`, `slmgr /upk`'
# causes and evidence as the analyzer stored them (scores move as rules change)
ck show --json "$seed" >"$TMP/seed.json" || fail "show --json $seed failed"
jq -e '.causes | length > 0' "$TMP/seed.json" >/dev/null || fail "no cause fired on $seed"
jq -r '.causes[] | "`\(.id)` · \(.category) · score "' "$TMP/seed.json" | while read -r line; do
    has "$TMP/seed.md" "$line"
done || exit 1
jq -r '.causes[] | .evidence[] | "- “\(.text)” — message \(.message) (support), signal \(.signal)"' \
    "$TMP/seed.json" | while read -r line; do
    has "$TMP/seed.md" "$line"
done || exit 1
has "$TMP/seed.md" "- **Message 1 (support):** 需要您提供用户激活失败时使用的激活SN"
# the setext underline "=====" of the closing summary must not become a heading
grep -q '^> ====' "$TMP/seed.md" && fail "an ==== line of mail text is left unescaped in Markdown"

# --- JSON ---
expect_rc 0 summary --format json "$seed"
jq -e --arg id "$seed" '.case_id == $id and .aliases == ["CMIT:0001828"] and .customer == "中国人寿"
    and .time_to_close.seconds == 775165 and .time_to_close.text == "8 d 23 h"
    and .first_response.seconds == null and (.timeline | length) == 3
    and .timeline[2].date == "2021-03-18T17:05:17Z" and .problem.source == "sections.problem"
    and .analysis.source == "sections.analysis" and .conclusion.text == "用户反馈可以正常关闭案例。"
    and (.open_requests | length) == 1 and (.entities.partial_keys == ["4M68B"])' "$TMP/out" >/dev/null ||
    fail "summary --format json of $seed is wrong: $(jq -c '{first_response, time_to_close, problem: .problem.source}' "$TMP/out")"

jq -e --slurpfile doc "$TMP/seed.json" '(.causes | map(.id)) == ($doc[0].causes | map(.id))
    and (.causes | map(.evidence | map(.text))) == ($doc[0].causes | map(.evidence | map(.text)))
    and any(.causes[].evidence[]; .text == "标签上的序列号，激活失败")' "$TMP/out" >/dev/null ||
    fail "summary causes/evidence differ from show --json"

# --- fallbacks and time to first response (a case without problem/analysis sections) ---
expect_rc 0 summary --json CAS-06234-B5X9K2
jq -e '.first_response.seconds == 68940 and .first_response.text == "19 h 9 min"
    and .time_to_close.seconds == null and .problem.source == "sections.definition"
    and (.analysis.source | startswith("message 3 (support, "))
    and (.conclusion.source | startswith("message 4 (customer, "))
    and (.analysis.text | contains("w32tm"))' "$TMP/out" >/dev/null ||
    fail "fallback sections of CAS-06234-B5X9K2: $(jq -c '{first_response, a: .analysis.source, c: .conclusion.source}' "$TMP/out")"
expect_rc 0 summary --json THR-37d42132
jq -e '(.problem.source | startswith("message 1 (")) and (.problem.text | length) > 10' "$TMP/out" >/dev/null ||
    fail "THR-37d42132 problem should come from its first message: $(jq -c .problem "$TMP/out")"

# --- HTML ---
expect_rc 0 summary --format html "$seed"
cp "$TMP/out" "$TMP/seed.html"
has "$TMP/seed.html" "<!DOCTYPE html>"
has "$TMP/seed.html" "<h1>$seed — 中国人寿用户要实现批量部署，批量激活</h1>"
has "$TMP/seed.html" "<tr><th>Time to close</th><td>8 d 23 h</td></tr>"
has "$TMP/seed.html" '<blockquote class="mail">中国人寿用户自行批量部署系统后遇到激活问题。'
has "$TMP/seed.html" "<code>slmgr /upk</code>"
has "$TMP/seed.html" "“标签上的序列号，激活失败” — message 1 (support)"
grep -qiE '<script|<link|src="http' "$TMP/seed.html" && fail "summary HTML loads or runs something external"

# --- -o writes the same bytes atomically; errors name the file ---
expect_rc 0 summary -o "$TMP/seed-o.md" "$seed"
[ -s "$TMP/out" ] && fail "summary -o also wrote to stdout"
cmp -s "$TMP/seed.md" "$TMP/seed-o.md" || fail "summary -o FILE differs from stdout"
expect_rc 3 summary -o "$TMP/no/such/dir/x.md" "$seed"
grep -qF "$TMP/no/such/dir/x.md" "$TMP/err" || fail "unwritable -o error does not name the file: $(cat "$TMP/err")"

# --- exit codes ---
expect_rc 1 summary CAS-00000-NOPE00
expect_rc 2 summary --format pdf "$seed"
expect_rc 2 summary
expect_rc 0 summary CMIT:0001828
head -n 1 "$TMP/out" | grep -qF "# $seed" || fail "summary by alias did not resolve to $seed"

# --- every format on every sample case ---
ck_case_ids "$TMP/ids"
[ "$(wc -l <"$TMP/ids")" -ge 10 ] || fail "expected the samples' cases, got $(wc -l <"$TMP/ids")"
while read -r id; do
    expect_rc 0 summary --format md "$id"
    head -n 1 "$TMP/out" | grep -qF "# $id — " || fail "summary md of $id does not start with its title"
    grep -q '^## Timeline' "$TMP/out" || fail "summary md of $id has no timeline"
    expect_rc 0 summary --format html "$id"
    grep -qF "<h1>$id — " "$TMP/out" || fail "summary html of $id has no title"
    expect_rc 0 summary --format json "$id"
    ck_json "$TMP/show.json" show --json "$id"
    n=$(jq '.messages | length' "$TMP/show.json")
    jq -e --arg id "$id" --argjson n "$n" '.case_id == $id and (.timeline | length) == $n
        and all(.timeline[]; (.gist | length) > 0 and (.side == "support" or .side == "customer"))' \
        "$TMP/out" >/dev/null || fail "summary json of $id: wrong id or timeline (want $n messages)"
done <"$TMP/ids"
echo "ok: summary of $(wc -l <"$TMP/ids") cases in md, html and json"
