#!/bin/sh
# T136: hostile mail (issue 9) is stored as valid UTF-8 with nothing lost
# silently: byte sequences glibc's UTF-8 decoder lets through (above
# U+10FFFF, surrogates) in an RFC 2047 subject, a From name and a body; a
# NUL byte in a Subject; text under 80 and under 1100 nested multiparts
# (GMime itself stops at 1024); a References header of 100000 ids.  Ingest
# names each file in a warning, `export --ndjson` is strict JSON line by
# line, `show --json` holds the text after the NUL and the deep text.
. "$(dirname "$0")/lib.sh"
mail=$TMP/mail
mkdir "$mail" || die "cannot create $mail"

# 1. Invalid UTF-8: F7 BB B8 8E is =?UTF-8?B?97u4jg==?=; F4 90 80 80 is
#    U+110000; ED A0 80 a surrogate; the From name holds F4 90 80 80.
printf '%s\n' 'From: =?UTF-8?B?QmFkIPSQgIAgTmFtZQ==?= <bad@hostile.example>' \
    'Subject: =?UTF-8?B?97u4jg==?= hostile one' 'Message-ID: <h1@hostile.example>' \
    'Date: Wed, 10 Mar 2021 08:00:00 +0000' 'Content-Type: text/plain; charset=utf-8' \
    'Content-Transfer-Encoding: 8bit' '' >"$mail/01-invalid-utf8.eml"
printf 'body \367\273\270\216 and \364\220\200\200 and \355\240\200 end\n' >>"$mail/01-invalid-utf8.eml"

# 2. A NUL byte inside the Subject.
printf 'From: a@hostile.example\nSubject: before\000after the NUL marker\nMessage-ID: <h2@hostile.example>\nDate: Wed, 10 Mar 2021 09:00:00 +0000\n\nnul body\n' \
    >"$mail/02-nul-subject.eml"

# 3, 4. LEVELS nested multipart/mixed parts, one text/plain part at the bottom.
nested() { # LEVELS ID
    awk -v n="$1" -v id="$2" 'BEGIN {
        printf "From: a@hostile.example\nSubject: deep %d\nMessage-ID: <%s@hostile.example>\n", n, id
        printf "Date: Wed, 10 Mar 2021 10:00:00 +0000\nMIME-Version: 1.0\n"
        for (i = 0; i < n; i++)
            printf "Content-Type: multipart/mixed; boundary=\"b%d\"\n\n--b%d\n", i, i
        printf "Content-Type: text/plain; charset=utf-8\n\nbottom text of %d levels\n", n
        for (i = n - 1; i >= 0; i--)
            printf "--b%d--\n", i
    }'
}
nested 80 h3 >"$mail/03-deep-80.eml"
nested 1100 h4 >"$mail/04-deep-1100.eml"

# 5. 100000 References (the first one repeated) and an In-Reply-To.  The
#    ids are short: GMime grows its header buffer 64 bytes at a time, which
#    AddressSanitizer's realloc makes quadratic (0.15 s unsanitized).
awk 'BEGIN {
    printf "From: a@hostile.example\nSubject: many references\nMessage-ID: <h5@hostile.example>\n"
    printf "Date: Wed, 10 Mar 2021 11:00:00 +0000\nIn-Reply-To: <99999@r>\nReferences:"
    for (i = 0; i < 100000; i++)
        printf " <%d@r>%s", i, (i % 1000 == 0 ? " <0@r>\n" : "")
    printf "\n\nreply text\n"
}' >"$mail/05-many-refs.eml"

ck ingest "$mail" >"$TMP/ingest.out" 2>"$TMP/ingest.err" ||
    fail "ingest failed: $(head -c 600 "$TMP/ingest.err")"
# one warning line per damaged message, naming its file and what was replaced
expect_warning() { # FILE TEXT
    grep -F "$1" "$TMP/ingest.err" | grep -qF "$2" ||
        fail "no warning naming $1 with \"$2\": $(head -c 1500 "$TMP/ingest.err")"
}
expect_warning 01-invalid-utf8.eml '4 undecodable bytes replaced in Subject header'
expect_warning 01-invalid-utf8.eml '4 undecodable bytes replaced in From header'
expect_warning 01-invalid-utf8.eml '11 bytes not valid utf-8 replaced in text/plain part'
expect_warning 02-nul-subject.eml '1 NUL byte in the header replaced by U+FFFD'
expect_warning 04-deep-1100.eml "deeper than GMime's limit of 1024 levels"
expect_warning 05-many-refs.eml '100000 message ids in References/In-Reply-To; kept the first and the last 999'
grep -F 03-deep-80.eml "$TMP/ingest.err" && fail "80 nested multiparts are read whole, yet ingest warned"

# Strict UTF-8: jq repairs invalid UTF-8 silently, so it cannot be the
# judge; iconv to UTF-16 refuses what has no UTF-16 form.
strict_utf8() { # FILE
    iconv -f UTF-8 -t UTF-16 "$1" >/dev/null 2>"$TMP/iconv.err" ||
        fail "$1 is not valid UTF-8: $(cat "$TMP/iconv.err")"
}

ck export --ndjson >"$TMP/bulk.ndjson" 2>"$TMP/export.err" ||
    fail "export --ndjson failed: $(cat "$TMP/export.err")"
strict_utf8 "$TMP/bulk.ndjson"
lines=0
while IFS= read -r line; do
    printf '%s\n' "$line" >"$TMP/line.json"
    jq -e . "$TMP/line.json" >/dev/null 2>&1 || fail "export line $((lines + 1)) is not JSON: $(head -c 300 "$TMP/line.json")"
    lines=$((lines + 1))
done <"$TMP/bulk.ndjson"
[ "$lines" -ge 2 ] || fail "export --ndjson wrote $lines lines"

# show --json of message ID: valid, strict UTF-8; the message's field FIELD
# satisfies the jq test TEST.
show_msg() { # MESSAGE_ID FIELD TEST WHAT
    ck show --json "$1" >"$TMP/show.json" 2>"$TMP/show.err" ||
        fail "show --json $1 failed: $(cat "$TMP/show.err")"
    strict_utf8 "$TMP/show.json"
    jq -e --arg id "$1" ".messages[] | select(.message_id == \$id) | .$2 | $3" "$TMP/show.json" >/dev/null ||
        fail "$1: $4; got $(jq -c --arg id "$1" ".messages[] | select(.message_id == \$id) | .$2" "$TMP/show.json" | head -c 300)"
}
show_msg h1@hostile.example subject '. == "\ufffd hostile one"' 'subject not repaired'
show_msg h1@hostile.example from '. == "Bad \ufffd Name"' 'From name not repaired'
show_msg h1@hostile.example body 'contains("body \ufffd and \ufffd and \ufffd end")' 'body not repaired'
show_msg h2@hostile.example subject '. == "before\ufffdafter the NUL marker"' 'text after the NUL lost'
show_msg h3@hostile.example body 'contains("bottom text of 80 levels")' 'text under 80 multiparts lost'
show_msg h4@hostile.example body 'contains("bottom text of 1100 levels")' 'text under 1100 multiparts lost'
show_msg h5@hostile.example body '. == "reply text"' 'message with 100000 references not stored'
echo "ok: hostile mail stored as strict UTF-8, $lines export lines, warnings name each file"
