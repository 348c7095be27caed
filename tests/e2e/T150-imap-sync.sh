#!/bin/sh
# T150: `casekb sync imaps://…` against a real Dovecot this test starts on a
# free port (self-signed certificate, passwd-file user, maildir).  Three
# messages of a case give "3 new" and a case of 3; a second sync fetches 0
# and adds 0; a fourth message gives exactly 1 new and a case of 4; `ingest`
# of the same URL shares the remembered state.  Fetching leaves the mail
# unread (no \Seen).  A changed UIDVALIDITY fetches everything again, all
# "already stored".  A wrong password, an unknown mailbox, a refused
# connection and an untrusted certificate each exit 3 with one line naming
# the URL and never the password; a bad URL exits 2.
. "$(dirname "$0")/lib.sh"
need_cmd dovecot openssl
FIX=$CASEKB_TOP/tests/fixtures/imap
PASS='Pa55-t150-s3cret'
IMAP_USER=support

# Dovecot's processes read $TMP as the mail user: let them in.
chmod 755 "$TMP" || die "chmod $TMP failed"
DOVECOT_PID=
stop_dovecot() {
    [ -n "$DOVECOT_PID" ] || return 0
    kill "$DOVECOT_PID" 2>/dev/null
    wait "$DOVECOT_PID" 2>/dev/null
    DOVECOT_PID=
}
if [ "${KEEP_TMP:-0}" = 1 ]; then
    trap 'stop_dovecot; echo "$TEST_NAME: kept $TMP" >&2' EXIT
else
    trap 'stop_dovecot; rm -rf "$TMP"' EXIT
fi

# listening PORT: true when something listens on TCP PORT (IPv4 or IPv6).
listening() {
    hex=$(printf '%04X' "$1")
    cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
        awk -v p=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == p { f = 1 } END { exit !f }'
}

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/key.pem" -out "$TMP/cert.pem" -days 2 \
    -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" >/dev/null 2>&1 ||
    die "openssl could not make a certificate"
printf '%s:{PLAIN}%s\n' "$IMAP_USER" "$PASS" >"$TMP/passwd" || die "cannot write passwd"
if [ "$(id -u)" = 0 ]; then
    run_user=nobody
    run_group=$(id -gn nobody 2>/dev/null || echo nogroup)
else
    run_user=$(id -un)
    run_group=$(id -gn)
fi
MAILDIR=$TMP/mail/$IMAP_USER
mkdir -p "$MAILDIR/new" "$MAILDIR/cur" "$MAILDIR/tmp" "$TMP/run" "$TMP/state" || die "mkdir failed"

# write_conf PORT: dovecot.conf for an imaps listener on PORT.
write_conf() {
    cat >"$TMP/dovecot.conf" <<EOF
base_dir = $TMP/run
state_dir = $TMP/state
log_path = $TMP/dovecot.log
listen = 127.0.0.1
protocols = imap
ssl = required
ssl_cert = <$TMP/cert.pem
ssl_key = <$TMP/key.pem
service imap-login {
  inet_listener imap {
    port = 0
  }
  inet_listener imaps {
    port = $1
    ssl = yes
  }
}
default_internal_user = $run_user
default_internal_group = $run_group
default_login_user = $run_user
passdb {
  driver = passwd-file
  args = scheme=PLAIN $TMP/passwd
}
userdb {
  driver = static
  args = uid=$run_user gid=$run_group home=$TMP/mail/%u
}
mail_location = maildir:$TMP/mail/%u
first_valid_uid = 1
first_valid_gid = 1
auth_mechanisms = plain
EOF
}

# start_dovecot: start Dovecot on a free port (a few tries), set PORT.
start_dovecot() {
    base=$(( 20000 + $$ % 20000 ))
    for try in 0 1 2 3 4 5 6 7; do
        PORT=$(( base + try * 7 ))
        listening "$PORT" && continue
        write_conf "$PORT"
        dovecot -F -c "$TMP/dovecot.conf" >"$TMP/dovecot.out" 2>&1 &
        DOVECOT_PID=$!
        i=0
        while [ $i -lt 100 ]; do
            listening "$PORT" && return 0
            kill -0 "$DOVECOT_PID" 2>/dev/null || break
            sleep 0.1
            i=$((i + 1))
        done
        stop_dovecot
    done
    die "dovecot did not start: $(cat "$TMP/dovecot.out" "$TMP/dovecot.log" 2>/dev/null | tail -5)"
}

# deliver N: put fixture message N into the maildir's new/.
deliver() {
    cp "$FIX/0$1.eml" "$MAILDIR/new/100000000$1.M1P1.t150" || die "cannot deliver message $1"
    chown -R "$run_user:$run_group" "$TMP/mail" || die "chown failed"
}

start_dovecot
URL=imaps://127.0.0.1:$PORT/INBOX
export CASEKB_IMAP_PASSWORD="$PASS"

# sync_expect NEW FETCHED [ARGS...]: sync (or ARGS), then require the summary
# to say NEW new and FETCHED fetched.
sync_expect() {
    n=$1 f=$2
    shift 2
    [ $# -gt 0 ] || set -- sync --user "$IMAP_USER" --cacert "$TMP/cert.pem" "$URL"
    ck "$@" >"$TMP/out" 2>"$TMP/err" || fail "$*: exit $?: $(cat "$TMP/err")"
    [ "$(wc -l <"$TMP/out")" -eq 1 ] || fail "$*: expected one summary line, got: $(cat "$TMP/out")"
    grep -Eq "^ingest: [0-9]+ messages read, $n new,.*, fetched $f \(" "$TMP/out" ||
        fail "$*: expected '$n new' and 'fetched $f', got: $(cat "$TMP/out")"
}

# case_messages: how many messages the fixture's case has.
case_messages() {
    ck_json "$TMP/case.json" show --json CAS-09150-M3Q7R2
    jq '.messages | length' "$TMP/case.json"
}

deliver 1
deliver 2
deliver 3
sync_expect 3 3
[ "$(case_messages)" = 3 ] || fail "after the first sync the case has $(case_messages) messages, expected 3"
jq -e '[.messages[].source | startswith("imaps://'"$IMAP_USER"'@127.0.0.1:'"$PORT"'/INBOX;UID=")] | all' \
    "$TMP/case.json" >/dev/null || fail "sources are not the mailbox URL with ;UID=: $(jq -c '[.messages[].source]' "$TMP/case.json")"
grep -qF "$PASS" "$TMP/case.json" && fail "the password is stored in a message's source"

# What was fetched is searchable: the command support asked for, in message 2.
ck_json "$TMP/search.json" search --messages --json 'Test-NetConnection 华信银行'
jq -e 'length >= 1 and all(.[]; .case_id == "CAS-09150-M3Q7R2")' "$TMP/search.json" >/dev/null ||
    fail "search after the sync: $(jq -c '[.[].case_id]' "$TMP/search.json")"

sync_expect 0 0
[ "$(case_messages)" = 3 ] || fail "a second sync changed the case"

deliver 4
sync_expect 1 1
[ "$(case_messages)" = 4 ] || fail "after the fourth message the case has $(case_messages) messages, expected 4"
jq -e '.status == "closed"' "$TMP/case.json" >/dev/null || fail "the fourth message (可以结案) did not close the case"

# `ingest URL` is the same path and shares the state; --json has "fetched".
ck_json "$TMP/ingest.json" ingest --json --user "$IMAP_USER" --cacert "$TMP/cert.pem" "$URL"
jq -e '.fetched == 0 and .new == 0' "$TMP/ingest.json" >/dev/null || fail "ingest of the URL: $(cat "$TMP/ingest.json")"

# Read without marking anything \Seen (maildir flags after ":2,").
seen=$(find "$MAILDIR/cur" "$MAILDIR/new" -type f -name '*:2,*S*' | wc -l)
[ "$seen" -eq 0 ] || fail "fetching marked $seen messages \\Seen"

# The state is remembered per mailbox; a changed UIDVALIDITY fetches all again.
need_cmd sqlite3
state=$(sqlite3 "$TMP/db" "SELECT value FROM settings WHERE key = 'imap-state:imaps://$IMAP_USER@127.0.0.1:$PORT/INBOX'") ||
    fail "cannot read the settings"
case $state in [1-9]*:4) ;; *) fail "saved state is '$state', expected UIDVALIDITY:4";; esac
sqlite3 "$TMP/db" "UPDATE settings SET value = '7:4' WHERE key LIKE 'imap-state:%'" || die "sqlite3 update failed"
sync_expect 0 4
grep -Eq ", 4 already stored," "$TMP/out" || fail "refetch after a UIDVALIDITY change: $(cat "$TMP/out")"
grep -q "UIDVALIDITY changed" "$TMP/err" || fail "no warning about the changed UIDVALIDITY: $(cat "$TMP/err")"
[ "$(case_messages)" = 4 ] || fail "the refetch changed the case"

# expect_error RC WHAT ARGS...: casekb ARGS exits RC with one line on stderr
# that names the URL (without password) and does not hold the password.
expect_error() {
    want=$1 what=$2
    shift 2
    expect_rc "$want" "$@"
    [ "$(wc -l <"$TMP/err")" -eq 1 ] || fail "$what: expected one line on stderr, got: $(cat "$TMP/err")"
    grep -qF "$PASS" "$TMP/err" && fail "$what: the password is in the message: $(cat "$TMP/err")"
    grep -qF "imap" "$TMP/err" || fail "$what: the message does not name the URL: $(cat "$TMP/err")"
}
CASEKB_IMAP_PASSWORD=wrong-$PASS
expect_error 3 "wrong password" sync --user "$IMAP_USER" --cacert "$TMP/cert.pem" "$URL"
CASEKB_IMAP_PASSWORD=$PASS
grep -q "login" "$TMP/err" || fail "wrong password: the message does not say the login failed: $(cat "$TMP/err")"
grep -qF "wrong-" "$TMP/err" && fail "wrong password: the message holds the password given"
expect_error 3 "unknown mailbox" sync --user "$IMAP_USER" --cacert "$TMP/cert.pem" "imaps://127.0.0.1:$PORT/NoSuchBox"
grep -q "NoSuchBox" "$TMP/err" || fail "unknown mailbox: not named: $(cat "$TMP/err")"
expect_error 3 "untrusted certificate" sync --user "$IMAP_USER" "$URL"
free=$((PORT + 1))
while listening "$free"; do free=$((free + 1)); done
expect_error 3 "refused connection" sync --user "$IMAP_USER" --cacert "$TMP/cert.pem" "imaps://127.0.0.1:$free/INBOX"
expect_error 2 "password in the URL" sync --cacert "$TMP/cert.pem" "imaps://$IMAP_USER:$PASS@127.0.0.1:$PORT/INBOX"
expect_error 2 "no mailbox" sync --cacert "$TMP/cert.pem" "imaps://127.0.0.1:$PORT/"
expect_rc 2 sync "$TMP/cert.pem"
[ "$(case_messages)" = 4 ] || fail "a failed sync changed the case"

echo "ok: IMAP sync on Dovecot port $PORT: 3 new, then 0, then 1; errors exit 3 without the password"
