#!/bin/sh
# T070: `casekb report` on the samples: counts by cause, vendor, customer
# and status agree with `cases --json`; cases per month add up; median and
# p90 response times of a cause match the hand-computed values; --since /
# --until select by opened date; Markdown and HTML carry the same rows; the
# HTML is one self-contained page (inline SVG, CJK font stack, print rules);
# and headless Chromium renders its charts and case rows.  Dashboard sections
# (engineer load, times by severity, cause trend, open/closed by month) add
# up to the case list; customer aliases merge (a conflicting table exits 2).
. "$(dirname "$0")/lib.sh"
cd "$CASEKB_TOP" || die "cannot enter $CASEKB_TOP"
ck ingest samples >/dev/null 2>"$TMP/ingest.err" || fail "ingest samples failed: $(cat "$TMP/ingest.err")"
ck cases --json >"$TMP/cases.json" || fail "cases --json failed"
total=$(jq length "$TMP/cases.json")

# --- JSON: tallies agree with the case list ---
expect_rc 0 report --format json
cp "$TMP/out" "$TMP/report.json"
jq -e --slurpfile cases "$TMP/cases.json" '
    ($cases[0]) as $c
    | .total == ($c | length)
    and ([.per_month[].cases] | add) == ($c | length)
    and (.by_status | map({(.key): .cases}) | add) == ($c | group_by(.status) | map({(.[0].status): length}) | add)
    and (.by_vendor | map({(.key): .cases}) | add)
        == ($c | group_by(.vendor) | map({(if .[0].vendor == "" then "(unknown)" else .[0].vendor end): length}) | add)
    and ([.by_cause[] | select(.key != "(none)") | {(.key): .cases}] | add)
        == ([$c[].causes[]] | group_by(.) | map({(.[0]): length}) | add)
    and ([.by_customer[].cases] | add) == ($c | length)
    and (.cases | map(.case_id)) == ($c | sort_by(.opened) | map(.case_id))
    and (.open_by_age | map(.case_id)) == ($c | map(select(.status != "closed")) | sort_by(.opened) | map(.case_id))
    and all(.open_by_age[]; .age.seconds > 0)
    and (.per_month[0].month == ($c | map(.opened) | min | .[0:7]))' "$TMP/report.json" >/dev/null ||
    fail "report tallies disagree with cases --json: $(jq -c '{total, by_status}' "$TMP/report.json")"
# kms-unreachable: first responses 5121 s (CAS-07780), 5553 s (CAS-07418), 9281 s (CAS-07506),
# 13946 s (CAS-07702), 22042 s (CAS-07031) and 23865 s (CAS-04711): median (9281 + 13946) / 2,
# p90 22042 + 0.5 * (23865 - 22042); four of the six are closed.
jq -e '.timing_by_cause[] | select(.cause == "activation.kms-unreachable")
    | .first_response.count == 6 and .first_response.median_seconds == 11614
      and .first_response.p90_seconds == 22954 and .first_response.median == "3 h 13 min"
      and .time_to_close.count == 4' "$TMP/report.json" >/dev/null ||
    fail "kms-unreachable timing: $(jq -c '.timing_by_cause[] | select(.cause == "activation.kms-unreachable")' "$TMP/report.json")"
jq -e '.top_error_codes[0].cases >= 2 and any(.top_error_codes[]; .key == "0xC004F074")
    and any(.top_commands[]; .key == "slmgr /dlv")' "$TMP/report.json" >/dev/null ||
    fail "top error codes / commands are wrong: $(jq -c '.top_error_codes[:3]' "$TMP/report.json")"

# --- dashboard sections: engineer load, times by severity, cause trend, open/closed by month ---
jq -e --slurpfile cases "$TMP/cases.json" '
    ($cases[0]) as $c | (.open_closed_by_month | length) as $months
    | $months > 0 and .open_closed_by_month[0].month == ($c | map(.opened) | min | .[0:7])
    and ([.open_closed_by_month[].opened] | add) == ($c | length)
    and ([.open_closed_by_month[].closed] | add) == ($c | map(select(.status == "closed" and .closed != "")) | length)
    and .open_closed_by_month[-1].open_at_end == ($c | map(select(.status != "closed" or .closed == "")) | length)
    and all(.open_closed_by_month[]; .open_at_end >= 0)
    and ([.times_by_severity[].cases] | add) == ($c | length)
    and all(.times_by_severity[]; .first_response.count <= .cases and .time_to_close.count <= .cases
        and (.time_to_close.count == 0 or .time_to_close.median_seconds <= .time_to_close.p90_seconds))
    and all(.cause_trend[]; ([.months[].cases] | add) == .cases and (.months | length) == $months)
    and ([.cause_trend[] | {(.cause): .cases}] | add) == ([.by_cause[] | {(.key): .cases}] | add)
    and ([.engineer_load[].open_cases] | add) <= ($c | map(select(.status != "closed")) | length)
    and all(.engineer_load[]; .cases >= 1 and ([.months[].cases] | add) >= .cases and (.months | length) == $months)
    and any(.by_customer[]; .key == "北桥银行") and all(.by_customer[]; .key != "Northbridge Bank")' \
    "$TMP/report.json" >/dev/null ||
    fail "dashboard sections are wrong: $(jq -c '{o: .open_closed_by_month[-1], s: [.times_by_severity[] | [.severity, .cases]], e: .engineer_load[0].engineer}' "$TMP/report.json")"

# A customer alias table with a name given to two organisations is refused with file:line.
mkdir "$TMP/rules-bad" && printf 'customers:\n  北桥银行: [Northbridge Bank]\n  北方银行: [northbridge  BANK]\n' >"$TMP/rules-bad/customers.yaml"
"$CASEKB" --db "$TMP/db" --rules "$TMP/rules-bad" report --json >/dev/null 2>"$TMP/alias.err"; rc=$?
[ $rc -eq 2 ] && grep -q 'customers.yaml:3:.*already a name of' "$TMP/alias.err" ||
    fail "a conflicting customers.yaml gave exit $rc: $(cat "$TMP/alias.err")"

# --- date range ---
in2023=$(jq '[.[] | select(.opened >= "2023-01-01" and .opened < "2024-01-01")] | length' "$TMP/cases.json")
expect_rc 0 report --json --since 2023-01-01 --until 2023-12-31
jq -e --argjson n "$in2023" '.total == $n and all(.cases[]; .opened | startswith("2023-"))
    and .since == "2023-01-01T00:00:00Z" and .until == "2023-12-31T23:59:59Z"' "$TMP/out" >/dev/null ||
    fail "--since/--until 2023: want $in2023 cases, got $(jq -c '[.total, .since, .until]' "$TMP/out")"
expect_rc 0 report --json --since 2024-03
jq -e '.total >= 1 and all(.cases[]; .opened >= "2024-03")' "$TMP/out" >/dev/null || fail "--since 2024-03 selects wrongly"
expect_rc 2 report --since yesterday
grep -qF -- "--since" "$TMP/err" || fail "bad --since error does not name the option: $(cat "$TMP/err")"
expect_rc 2 report --format pdf

# --- Markdown ---
expect_rc 0 report --format md
cp "$TMP/out" "$TMP/report.md"
head -n 1 "$TMP/report.md" | grep -qF "# Case-history report" || fail "report md has no title"
for id in $(jq -r '.[].case_id' "$TMP/cases.json"); do
    grep -qF "| $id |" "$TMP/report.md" || fail "report md has no row for $id"
done
grep -qF "| 6 h 22 min |" "$TMP/report.md" || fail "report md lacks the kms-unreachable median"
for section in "## Engineer load" "## Response and close times by severity" "## Cause trend by month" "## Opened and closed by month"; do
    grep -qF "$section" "$TMP/report.md" || fail "report md lacks '$section'"
done

# --- HTML: self-contained, CJK, printable ---
expect_rc 0 report -o "$TMP/report.html"
html=$TMP/report.html
[ -s "$html" ] || fail "report -o wrote nothing"
grep -qF "<!DOCTYPE html>" "$html" || fail "report html has no doctype"
[ "$(grep -o '<svg' "$html" | wc -l)" -ge 7 ] || fail "report html has fewer than 7 inline SVG charts"
grep -qF '"Noto Sans CJK SC"' "$html" && grep -qF '"Microsoft YaHei"' "$html" && grep -qF '"PingFang SC"' "$html" ||
    fail "report html lacks the CJK font stack"
grep -qF "@media print" "$html" || fail "report html has no print rules"
grep -qiE '<script|<link|<img|src=|url\(|@import' "$html" && fail "report html refers to external assets or scripts"
grep -qF "无法连接 KMS 主机" "$html" || fail "report html lacks a cause title in Chinese"

# --- headless Chromium renders charts and case rows ---
command -v chromium >/dev/null 2>&1 || skip "chromium is not installed (apt-get install chromium); the rendering check did not run"
timeout 120 chromium --headless --no-sandbox --disable-gpu --dump-dom "file://$html" >"$TMP/dom.html" 2>"$TMP/chromium.err" ||
    fail "chromium --dump-dom failed: $(tail -n 3 "$TMP/chromium.err")"
[ "$(grep -o '<svg' "$TMP/dom.html" | wc -l)" -ge 7 ] || fail "rendered page has fewer than 7 svg elements"
[ "$(grep -o '<rect class="bar"' "$TMP/dom.html" | wc -l)" -ge 20 ] || fail "rendered charts have too few bars"
for id in $(jq -r '.[].case_id' "$TMP/cases.json"); do
    grep -qF "<tr><td>$id</td>" "$TMP/dom.html" || fail "rendered page has no row for $id"
done
echo "ok: report of $total cases; $(grep -o '<svg' "$TMP/dom.html" | wc -l) charts rendered by chromium"
