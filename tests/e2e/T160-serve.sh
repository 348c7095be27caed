#!/bin/sh
# T160: `casekb serve` on the samples (plus a hostile mail): the server
# starts on a free localhost port and prints its URL; pages and API answer
# with the right status codes, content types and security headers (CSP,
# nosniff); /api/… is byte for byte the CLI's --json output (cases with
# filters, show, search, similar; report with jq -S, ignoring the times);
# queue filters, sorting and pages keep their parameters; unknown cases are
# 404, a malformed query 400 with the parser's message; the checklist
# downloads equal `casekb checklist`; mail text holding <script> and
# onerror= is inert (escaped, no element in the DOM); headless Chromium
# loads the queue, a case page and the dashboard (the script ran under the
# CSP; DOM checks) and screenshots the case page into build/serve-case.png;
# binding beyond loopback is refused without credentials and, with a token
# or a users file, requests without them get 401; clients that hang up
# early leave no trace; SIGTERM stops the server cleanly (exit 0, no GLib
# criticals or warnings).
. "$(dirname "$0")/lib.sh"
cd "$CASEKB_TOP" || die "cannot enter $CASEKB_TOP"
need_cmd curl chromium
ck ingest samples tests/fixtures/serve >/dev/null 2>"$TMP/ingest.err" || fail "ingest failed: $(cat "$TMP/ingest.err")"

PID=""
# stop_server: SIGTERM the running server and check it exits 0.
stop_server() {
    [ -n "$PID" ] || return 0
    kill -TERM "$PID" 2>/dev/null
    _rc=0
    wait "$PID" || _rc=$?
    PID=""
    [ "$_rc" = 0 ] || fail "serve exited $_rc after SIGTERM: $(head -c 800 "$TMP/serve.err")"
    grep -q 'CRITICAL\|WARNING' "$TMP/serve.err" && fail "serve logged: $(grep -m 3 'CRITICAL\|WARNING' "$TMP/serve.err")"
    return 0
}
on_exit() {
    [ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null
    if [ "${KEEP_TMP:-0}" = 1 ]; then echo "$TEST_NAME: kept $TMP" >&2; else rm -rf "$TMP"; fi
}
trap on_exit EXIT

# start_server ARGS...: start `casekb serve --port 0 ARGS` in the
# background; sets PID and U (its URL without the final /).
start_server() {
    "$CASEKB" --db "$TMP/db" serve --port 0 "$@" >"$TMP/serve.out" 2>"$TMP/serve.err" &
    PID=$!
    _i=0
    U=""
    while [ "$_i" -lt 300 ] && [ -z "$U" ]; do
        kill -0 "$PID" 2>/dev/null || { _w=$PID; PID=""; wait "$_w"; fail "serve $* exited: $(cat "$TMP/serve.err")"; }
        U=$(head -n 1 "$TMP/serve.out")
        [ -n "$U" ] || sleep 0.1
        _i=$((_i + 1))
    done
    [ -n "$U" ] || fail "serve $* printed no URL"
    U=${U%/}
}

# get PATH [CURL ARGS...]: fetch $U/PATH into $TMP/body (headers in
# $TMP/headers); sets CODE and TYPE.
get() {
    _p=$1
    shift
    _r=$(curl -sS -g -o "$TMP/body" -D "$TMP/headers" -w '%{http_code} %{content_type}' "$@" "$U/$_p") ||
        fail "curl $_p failed"
    CODE=${_r%% *}
    TYPE=${_r#* }
}

# expect PATH WANT_CODE WANT_TYPE_PREFIX [CURL ARGS...]
expect() {
    _p=$1 _c=$2 _t=$3
    shift 3
    get "$_p" "$@"
    [ "$CODE" = "$_c" ] || fail "GET /$_p: status $CODE, expected $_c: $(head -c 300 "$TMP/body")"
    case "$TYPE" in "$_t"*) ;; *) fail "GET /$_p: content type '$TYPE', expected $_t" ;; esac
}

# same_json API_PATH CLI ARGS...: the API's body equals the CLI's stdout byte for byte.
same_json() {
    _p=$1
    shift
    expect "$_p" 200 application/json
    cp "$TMP/body" "$TMP/api.json"
    "$CASEKB" --db "$TMP/db" "$@" >"$TMP/cli.json" 2>"$TMP/cli.err"
    cmp -s "$TMP/api.json" "$TMP/cli.json" ||
        fail "/$_p differs from casekb $*: $(diff "$TMP/api.json" "$TMP/cli.json" | head -n 8)"
}

# chrome ARGS...: headless Chromium, private profile, no network calls.
chrome() {
    timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --disable-sync --no-first-run --user-data-dir="$TMP/chr" "$@" 2>>"$TMP/chrome.err"
}

start_server
case "$U" in http://127.0.0.1:[0-9]*) ;; *) fail "first line is not a localhost URL: $U" ;; esac
cid=CAS-04711-L2V8C3 hostile=CAS-09001-X5S7S9

# --- pages: status, type, security headers ---
expect "" 200 "text/html; charset=utf-8"
grep -qiF "Content-Security-Policy: default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'" "$TMP/headers" ||
    fail "/ lacks the CSP header: $(cat "$TMP/headers")"
grep -qi '^X-Content-Type-Options: nosniff' "$TMP/headers" || fail "/ lacks nosniff"
grep -q '<style\|style="\|<script>' "$TMP/body" && fail "/ has inline style or script, which the CSP blocks"
expect static/casekb.css 200 text/css
expect static/casekb.js 200 text/javascript
grep -qi '^Content-Security-Policy:' "$TMP/headers" || fail "static files lack the CSP header"
expect "case/$cid" 200 text/html
expect dashboard 200 text/html
expect "search?q=0xC004F074" 200 text/html
expect nope 404 text/html
expect "case/CAS-00000-NOPE00" 404 text/html
expect "api/case/CAS-00000-NOPE00" 404 application/json
jq -e '.error | test("CAS-00000-NOPE00")' "$TMP/body" >/dev/null || fail "404 JSON does not name the case"
expect "" 405 text/html -X POST

# --- API = CLI --json, byte for byte ---
same_json api/cases cases --json
same_json "api/cases?status=open&vendor=HP&sort=updated" cases --json --status open --vendor HP --sort updated
same_json "api/cases?waiting_on=us" cases --json --waiting-on us
same_json "api/cases?cause=activation&limit=3&offset=2&sort=newest" cases --json --cause activation --limit 3 --offset 2 --sort newest
same_json "api/cases?since=2023-01&until=2023-12" cases --json --since 2023-01 --until 2023-12
same_json "api/cases?status=closed&count=1" cases --json --status closed --count
# customer= goes through the alias table as `cases --customer` does: 北桥银行 finds "Northbridge Bank"
same_json "api/cases?customer=%E5%8C%97%E6%A1%A5%E9%93%B6%E8%A1%8C" cases --json --customer 北桥银行
jq -e 'any(.[]; .customer == "Northbridge Bank")' "$TMP/api.json" >/dev/null ||
    fail "/api/cases?customer=北桥银行 does not list the Northbridge Bank case: $(head -c 300 "$TMP/api.json")"
same_json "api/case/$cid" show --json "$cid"
cp "$TMP/api.json" "$TMP/case-api.json"
same_json "api/case/CMIT:0002231" show --json CMIT:0002231
same_json "api/case/$hostile" show --json "$hostile"
same_json "api/search?q=0xC004F074" search --json 0xC004F074
same_json "api/search?q=%E4%BF%A1%E4%BB%BB%E5%85%B3%E7%B3%BB&messages=1" search --json --messages 信任关系
same_json "api/search?q=vendor:Dell+after:2022-01" search --json vendor:Dell after:2022-01
same_json "api/search?q=%E5%AE%A2%E6%88%B7%E7%94%A8Ghost%E5%85%8B%E9%9A%86%E5%90%8E%E6%BF%80%E6%B4%BB%E5%A4%B1%E8%B4%A5" \
    search --json 客户用Ghost克隆后激活失败
[ "$(jq length "$TMP/api.json")" -gt 0 ] || fail "the plain sentence found nothing"
# count=1 counts the query as written, as `search --count` does (no sentence fallback: 0 here)
same_json "api/search?q=%E5%AE%A2%E6%88%B7%E7%94%A8Ghost%E5%85%8B%E9%9A%86%E5%90%8E%E6%BF%80%E6%B4%BB%E5%A4%B1%E8%B4%A5&count=1" \
    search --json --count 客户用Ghost克隆后激活失败
jq -e '.count == 0' "$TMP/api.json" >/dev/null || fail "count=1 of a query that finds nothing: $(cat "$TMP/api.json")"
same_json "api/similar/$cid" similar --json "$cid"
expect api/report 200 application/json
cp "$TMP/body" "$TMP/report-api.json"
ck_json "$TMP/report-cli.json" report --format json
jq -S 'del(.generated) | del(.open_by_age[]?.age)' "$TMP/report-api.json" >"$TMP/r1" || fail "/api/report is not JSON"
jq -S 'del(.generated) | del(.open_by_age[]?.age)' "$TMP/report-cli.json" >"$TMP/r2"
cmp -s "$TMP/r1" "$TMP/r2" || fail "/api/report differs from report --format json: $(diff "$TMP/r1" "$TMP/r2" | head)"

# --- bad requests: 400 with the message ---
"$CASEKB" --db "$TMP/db" search --json '"unclosed' >/dev/null 2>"$TMP/q.err" && fail "CLI accepted an unclosed quote"
want=$(sed 's/^casekb search: //' "$TMP/q.err")
expect "api/search?q=%22unclosed" 400 application/json
[ "$(jq -r .error "$TMP/body")" = "$want" ] || fail "400 says '$(jq -r .error "$TMP/body")', CLI says '$want'"
expect "search?q=%22unclosed" 400 text/html
grep -qF "$want" "$TMP/body" || fail "the search page does not show '$want'"
expect "api/cases?status=pending" 400 application/json
jq -e '.error | test("status")' "$TMP/body" >/dev/null || fail "bad status: $(cat "$TMP/body")"
expect "?since=March" 400 text/html
expect "api/cases?limit=ten" 400 application/json

# --- the queue: filters, links that keep them, sorting, pages ---
case_links() { grep -o 'href="/case/[^"/]*"' "$TMP/body" | sed 's/^href="\/case\///; s/"$//'; }
expect "?vendor=Dell&status=open" 200 text/html
case_links >"$TMP/page-ids"
ck_json "$TMP/dell.json" cases --json --vendor Dell --status open
jq -r '.[].case_id' "$TMP/dell.json" >"$TMP/cli-ids"
[ -s "$TMP/cli-ids" ] || fail "no open Dell case in the samples"
cmp -s "$TMP/page-ids" "$TMP/cli-ids" || fail "queue ?vendor=Dell&status=open lists $(tr '\n' ' ' <"$TMP/page-ids"), CLI $(tr '\n' ' ' <"$TMP/cli-ids")"
grep -qF 'href="/?sort=messages&amp;status=open&amp;vendor=Dell"' "$TMP/body" || fail "the sort link does not keep the filters"
grep -qF 'href="/?cause=activation.kms-dns&amp;status=open&amp;vendor=Dell"' "$TMP/body" ||
    fail "the cause links do not keep the filters"
expect "?limit=5&offset=5&sort=updated" 200 text/html
case_links >"$TMP/page-ids"
ck_json "$TMP/p2.json" cases --json --limit 5 --offset 5 --sort updated
jq -r '.[].case_id' "$TMP/p2.json" >"$TMP/cli-ids"
cmp -s "$TMP/page-ids" "$TMP/cli-ids" || fail "page 2 of 5 lists $(tr '\n' ' ' <"$TMP/page-ids")"
ck_json "$TMP/all.json" cases --json
grep -qF "6–10 of $(jq length "$TMP/all.json") cases" "$TMP/body" || fail "page 2 does not say 6–10 of N"
grep -qF 'href="/?limit=5&amp;offset=10&amp;sort=updated"' "$TMP/body" || fail "no next-page link keeping limit and sort"
grep -qF 'href="/?limit=5&amp;offset=0&amp;sort=updated"' "$TMP/body" || fail "no previous-page link"

# --- search page: count and highlighted snippets ---
expect "search?q=0xC004F074" 200 text/html
ck_json "$TMP/count.json" search --count --json 0xC004F074
grep -qF "<strong>$(jq .count "$TMP/count.json")</strong> cases found" "$TMP/body" || fail "the search page's count"
grep -q '<mark>0xC004F074</mark>' "$TMP/body" || fail "no highlighted match in the snippets"

# --- case page and checklist downloads ---
expect "case/$cid" 200 text/html
grep -q '<details class="quoted">' "$TMP/body" || fail "quoted text is not folded"
ck_json "$TMP/sim5.json" similar --json --limit 5 "$cid"
for s in $(jq -r '.[].case_id' "$TMP/sim5.json"); do
    grep -qF "href=\"/case/$s\"" "$TMP/body" || fail "the case page does not list the similar $s"
done
grep -qF "/case/$cid/checklist.ps1" "$TMP/body" || fail "no checklist download link"
grep -q 'activation.kms-unreachable' "$TMP/body" || fail "the case page does not show its cause"
for f in md cmd ps1; do
    expect "case/$cid/checklist.$f" 200 ""
    grep -qi "^Content-Disposition: attachment; filename=\"$cid-checklist.$f\"" "$TMP/headers" ||
        fail "checklist.$f is not a download"
    ck_json "$TMP/cl.$f" checklist --format "$f" "$cid"
    cmp -s "$TMP/body" "$TMP/cl.$f" || fail "checklist.$f differs from casekb checklist --format $f"
done
expect "case/$cid/checklist.exe" 404 text/html

# --- hostile mail is inert ---
expect "case/$hostile" 200 text/html
cp "$TMP/body" "$TMP/hostile.html"
grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' "$TMP/hostile.html" || fail "the subject's <script> is not shown escaped"
grep -qF '&lt;img src=x onerror=alert(2)&gt;' "$TMP/hostile.html" || fail "the <img onerror> is not shown escaped"
grep -q '<script>alert\|<img src=x\|<svg onload\|<b onmouseover' "$TMP/hostile.html" && fail "mail markup reached the page"
grep -q 'Q2W3E-R4T5Y-U6I7O-P8A9S' "$TMP/hostile.html" && fail "the full product key is on the case page"
grep -qF '*****-*****-*****-*****-D1F2G' "$TMP/hostile.html" || fail "the masked key is not on the case page"
expect "search?q=alert" 200 text/html
grep -q '<script>alert\|<img src=x' "$TMP/body" && fail "mail markup reached the search page"

# --- headless Chromium: the DOM as a browser builds it ---
chrome --dump-dom "$U/case/$hostile" >"$TMP/hostile.dom" || fail "chromium could not load the hostile case"
[ "$(grep -o '<script' "$TMP/hostile.dom" | wc -l)" = 1 ] || fail "the hostile page's DOM has a script element from mail"
grep -q '<script src="/static/casekb.js"' "$TMP/hostile.dom" || fail "the page's own script is missing"
grep -Eqi '<[a-z][^>]*[[:space:]]on[a-z]+=' "$TMP/hostile.dom" && fail "an element with an event handler is in the DOM"
grep -Eqi '<(img|svg|b)[[:space:]>]' "$TMP/hostile.dom" && fail "an element from mail is in the DOM"
grep -qF '&lt;img src=x onerror=alert(2)&gt;' "$TMP/hostile.dom" || fail "the DOM does not show the mail's markup as text"
grep -q '<html[^>]*class="js"' "$TMP/hostile.dom" || fail "casekb.js did not run under the CSP"
chrome --dump-dom "$U/?status=open" >"$TMP/queue.dom" || fail "chromium could not load the queue"
[ "$(grep -o 'href="/case/' "$TMP/queue.dom" | wc -l)" = "$(jq '[.[] | select(.status == "open")] | length' "$TMP/all.json")" ] ||
    fail "the queue's DOM does not list every open case"
chrome --dump-dom "$U/dashboard" >"$TMP/dash.dom" || fail "chromium could not load the dashboard"
grep -qF 'href="/?cause=activation.kms-unreachable"' "$TMP/dash.dom" || fail "the cause bars do not link to the queue"
grep -qF 'href="/?status=open"' "$TMP/dash.dom" || fail "the status bars do not link to the queue"
grep -qF 'href="/?since=2020-09&amp;until=2020-09"' "$TMP/dash.dom" || fail "the months do not link to the queue"
grep -q '<rect class="fill"' "$TMP/dash.dom" || fail "the dashboard has no bars"
chrome --dump-dom "$U/case/$cid" >"$TMP/case.dom" || fail "chromium could not load $cid"
grep -q '<textarea class="draft" id="draft-text" readonly' "$TMP/case.dom" || grep -q 'class="badge">none' "$TMP/case.dom" ||
    fail "the case page has no draft panel"
grep -q '<details class="quoted">' "$TMP/case.dom" || fail "the DOM has no folded quote"
mkdir -p build
rm -f build/serve-case.png
chrome --hide-scrollbars --window-size=1280,1600 --screenshot="$CASEKB_TOP/build/serve-case.png" "$U/case/$cid" >/dev/null ||
    fail "chromium could not take the screenshot"
[ "$(head -c 4 build/serve-case.png | od -An -c | tr -d ' ')" = '211PNG' ] || fail "build/serve-case.png is not a PNG"
[ "$(wc -c <build/serve-case.png)" -gt 20000 ] || fail "build/serve-case.png is too small to show the page"

# --- requests in parallel all get their answer ---
pids=""
for i in 1 2 3 4 5 6; do
    curl -sS -o "$TMP/par$i" -w '%{http_code}\n' "$U/api/case/$cid" >"$TMP/par$i.code" &
    pids="$pids $!"
done
for p in $pids; do wait "$p"; done
for i in 1 2 3 4 5 6; do
    [ "$(cat "$TMP/par$i.code")" = 200 ] || fail "parallel request $i: $(cat "$TMP/par$i.code")"
    cmp -s "$TMP/par$i" "$TMP/case-api.json" || fail "parallel request $i got another body"
done

# --- clients that leave before their answer do not disturb the server ---
for i in 1 2 3; do curl -s -o /dev/null --max-time 0.05 "$U/dashboard" || true; done
sleep 3
expect api/cases 200 application/json

# --- DNS rebinding: only localhost Host names without credentials ---
expect "" 403 text/html -H 'Host: evil.example:80'
expect "" 200 text/html -H "Host: localhost:${U##*:}"
stop_server

# --- beyond loopback: refused without credentials ---
run_rc serve --listen 0.0.0.0 --port 0
[ "$RC" = 2 ] || fail "--listen 0.0.0.0 without credentials: exit $RC"
[ "$(wc -l <"$TMP/err")" = 1 ] && grep -q -- '--token' "$TMP/err" || fail "refusal is not one line naming --token: $(cat "$TMP/err")"
[ -s "$TMP/out" ] && fail "a refused serve printed a URL"
run_rc serve --listen 0.0.0.0 --port 0 --token short
[ "$RC" = 2 ] || fail "a 5-character token was accepted"
run_rc serve --listen example.com --port 0 --token 0123456789abcdef
[ "$RC" = 2 ] || fail "--listen with a host name: exit $RC"

# --- with a token ---
tok=t0k3n-for-T160-serve
start_server --listen 0.0.0.0 --token "$tok"
U="http://127.0.0.1:${U##*:}"
expect "" 401 text/html
grep -qi '^WWW-Authenticate: Bearer' "$TMP/headers" || fail "401 without a Bearer challenge"
expect "api/cases" 401 application/json
expect "api/cases" 401 application/json -H "Authorization: Bearer wrong-token-123"
expect "api/cases" 200 application/json -H "Authorization: Bearer $tok"
expect "" 200 text/html -H 'Host: far.example' -H "Authorization: Bearer $tok"
expect "login?token=wrong-token-123" 401 text/html
get "login?token=$tok"
[ "$CODE" = 303 ] || fail "/login with the token: status $CODE"
grep -qi "^Set-Cookie: token=$tok; Path=/; HttpOnly; SameSite=Strict" "$TMP/headers" || fail "/login set no cookie"
expect "case/$cid" 200 text/html -H "Cookie: token=$tok"
expect "case/$cid" 401 text/html -H "Cookie: token=nope-nope-nope"
stop_server
CASEKB_SERVE_TOKEN=$tok start_server --listen 0.0.0.0
U="http://127.0.0.1:${U##*:}"
expect "" 401 text/html
expect "" 200 text/html -H "Authorization: Bearer $tok"
stop_server

# --- with a users file (user:sha256hex) ---
printf '# T160 users\nlead:%s\n' "$(printf '%s' 'correct horse' | sha256sum | cut -d' ' -f1)" >"$TMP/users"
start_server --listen 0.0.0.0 --users "$TMP/users"
U="http://127.0.0.1:${U##*:}"
expect "" 401 text/html
grep -qi '^WWW-Authenticate: Basic' "$TMP/headers" || fail "401 without a Basic challenge"
expect "" 401 text/html -u 'lead:wrong horse'
expect "" 401 text/html -u 'other:correct horse'
expect "dashboard" 200 text/html -u 'lead:correct horse'
stop_server
printf 'lead:not-a-hash\n' >"$TMP/bad-users"
run_rc serve --listen 0.0.0.0 --port 0 --users "$TMP/bad-users"
[ "$RC" = 2 ] && grep -qF "$TMP/bad-users:1:" "$TMP/err" || fail "a bad users file: exit $RC, $(cat "$TMP/err")"
exit 0
