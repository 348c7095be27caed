#!/bin/sh
# T112: plain-sentence search on the samples.  `search --any` ranks cases by
# how many of the sentence's words (Chinese character pairs) they hold:
# 客户用Ghost克隆后激活失败 finds the Ghost-clone and sysprep cases first;
# a plain query that finds nothing falls back to it with one note on
# stderr (queries with operators do not); a sentence of function
# characters is refused instead of matching everything; FTS5 syntax in a
# sentence is inert; product keys stay masked; --count agrees.
. "$(dirname "$0")/lib.sh"
ck ingest "$CASEKB_TOP/samples" >/dev/null 2>&1 || fail "ingest of samples failed"
ghost='客户用Ghost克隆后激活失败'
want='["CAS-03877-J9N4S5", "CAS-05402-W7Y2Z6"]'

# --any: the two Ghost/sysprep cases first, coverage in non-increasing order.
ck_json "$TMP/any.json" search --json --any "$ghost"
jq -e --argjson want "$want" '([.[0:2][].case_id] | sort) == $want' "$TMP/any.json" >/dev/null ||
    fail "--any $ghost: first two are $(jq -c '[.[0:3][] | [.case_id, .matched_terms]]' "$TMP/any.json")"
jq -e '.[0].query_terms == 9 and .[0].matched_terms >= .[1].matched_terms
       and ([.[].matched_terms] == ([.[].matched_terms] | sort | reverse))
       and all(.[]; .matched_terms >= 1 and .matched_terms <= .query_terms)' "$TMP/any.json" >/dev/null ||
    fail "--any rows are not ranked by words matched: $(jq -c '[.[].matched_terms]' "$TMP/any.json")"
jq -e 'any(.[0:2][]; .snippet | test("\\[(ghost|Ghost|克隆|激活)"))' "$TMP/any.json" >/dev/null ||
    fail "--any snippets are not highlighted: $(jq -c '[.[0:2][].snippet]' "$TMP/any.json")"
n=$(ck search --count --any "$ghost") || fail "search --count --any failed"
total=$(ck cases --count) || fail "cases --count failed"
[ "$n" = "$(jq length "$TMP/any.json")" ] && [ "$n" -lt "$total" ] ||
    fail "--count --any gave $n for $(jq length "$TMP/any.json") rows of $total cases"

# The same sentence without --any: the strict query finds nothing, so it
# falls back, says so once on stderr, and exits 0.
ck search --json "$ghost" >"$TMP/fallback.json" 2>"$TMP/fallback.err" || fail "fallback search failed"
cmp -s "$TMP/any.json" "$TMP/fallback.json" || fail "the fallback differs from --any"
[ "$(wc -l <"$TMP/fallback.err")" -eq 1 ] && grep -q -- '--any' "$TMP/fallback.err" ||
    fail "the fallback note is not one line naming --any: $(cat "$TMP/fallback.err")"
# ... but not for a query with operators, nor for --count.
ck search "$ghost -zzqq" >/dev/null 2>"$TMP/op.err"; rc=$?
[ $rc -eq 1 ] && [ ! -s "$TMP/op.err" ] || fail "a query with an operator fell back (exit $rc): $(cat "$TMP/op.err")"
[ "$(ck search --count "$ghost")" = 0 ] || fail "search --count fell back to --any"

# Function characters only: refused (exit 2, one line), never everything.
ck search --any '的 了 是 在 我 the a is 我们 可以' >"$TMP/stop.out" 2>"$TMP/stop.err"; rc=$?
[ $rc -eq 2 ] && [ ! -s "$TMP/stop.out" ] && [ "$(wc -l <"$TMP/stop.err")" -eq 1 ] ||
    fail "a sentence of function words gave exit $rc: $(cat "$TMP/stop.err")"
ck_json "$TMP/few.json" search --json --any '我的 是 在 sysprep 了'
jq -e 'length > 0 and all(.[]; .query_terms == 1)' "$TMP/few.json" >/dev/null ||
    fail "function words were searched: $(jq -c '[.[0].query_terms, length]' "$TMP/few.json")"
[ "$(jq length "$TMP/few.json")" = "$(ck search --count sysprep)" ] || fail "'… sysprep 了' is not the same as sysprep"

# FTS5 syntax is text: quotes, stars, NEAR(, leading '-' change nothing.
for hostile in "\"$ghost" "$ghost*" "NEAR($ghost, 1)" "-Ghost -克隆后激活失败 客户用" "$ghost\") OR (\"x"; do
    ck_json "$TMP/h.json" search --json --any -- "$hostile"
    jq -e --argjson want "$want" '([.[0:2][].case_id] | sort) == $want' "$TMP/h.json" >/dev/null ||
        fail "--any '$hostile' ranks $(jq -c '[.[0:2][].case_id]' "$TMP/h.json")"
done
ck search --count slmgr >/dev/null || fail "the database was damaged by a hostile sentence"

# Product keys stay masked in sentence-mode snippets.
ck_json "$TMP/key.json" search --json --any '产品密钥 激活 序列号 key'
grep -Eq '[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}' "$TMP/key.json" &&
    fail "a full product key leaked in --any output"
echo "ok: plain-sentence search (--any and the fallback)"
