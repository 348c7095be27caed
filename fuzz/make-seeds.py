#!/usr/bin/env python3
"""make-seeds.py — write the seed corpora fuzz/corpus/<target>/ from samples/
plus small hand-written inputs.  Run from the top of the tree:

    python3 fuzz/make-seeds.py

Existing seed files (names starting with "seed-") are replaced; inputs the
fuzzer added (hash names) are kept.  Only the Python standard library is
used.  The input format of each target is described in fuzz/fuzz-<target>.c.
"""
import email
import email.policy
import glob
import os
import re

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLES = os.path.join(TOP, "samples")
CORPUS = os.path.join(TOP, "fuzz", "corpus")
TARGETS = ["parse", "decode", "reader", "split", "search", "rules", "fts"]

# decode.c's labels, in fuzz-decode.c's LABELS order (index = selector byte).
LABELS = [None, "utf-8", "gb2312", "gbk", "gb18030", "big5", "big5-hkscs", "iso-8859-1",
          "windows-1252", "shift_jis", "euc-kr", "iso-2022-jp", "utf-7", "utf-16", "utf-16le",
          "utf-32", "hz-gb-2312", "koi8-r", "us-ascii", "x-unknown", '"GB2312"', ""]


def sample_files():
    """Every mail file of samples/ (not README.md / expected.json), sorted."""
    out = []
    for path in sorted(glob.glob(os.path.join(SAMPLES, "**", "*"), recursive=True)):
        if os.path.isfile(path) and not path.endswith((".md", ".json")):
            out.append(path)
    return out


def seed_name(path):
    """A short file name for a sample path."""
    rel = os.path.relpath(path, SAMPLES)
    return re.sub(r"[^A-Za-z0-9.-]+", "_", rel)


def mbox_messages(data):
    """The messages of an mbox (From_ lines dropped, >From unescaped)."""
    parts = re.split(rb"(?m)^From .*\n", data)
    return [re.sub(rb"(?m)^>(>*From )", rb"\1", p).rstrip(b"\n") + b"\n" for p in parts if p.strip()]


def rfc822_messages():
    """(name, bytes) of every single RFC 5322 message in samples/."""
    out = []
    for path in sample_files():
        data = open(path, "rb").read()
        name = seed_name(path)
        if data.startswith(b"From "):
            for i, msg in enumerate(mbox_messages(data), 1):
                out.append((f"{name}-{i}", msg))
        elif not path.endswith(".txt"):
            out.append((name, data))
    return out


def charset_of(part):
    """The charset to decode PART with, following casekb's rules."""
    cs = (part.get_content_charset() or "").lower()
    if cs in ("gb2312", "gbk", ""):
        return "gb18030"
    if cs == "big5":
        return "big5hkscs"
    return cs


def text_parts(msg_bytes):
    """(subtype, text) of the text parts of a message, decoded."""
    msg = email.message_from_bytes(msg_bytes, policy=email.policy.compat32)
    out = []
    for part in msg.walk():
        if part.get_content_maintype() == "text":
            payload = part.get_payload(decode=True) or b""
            try:
                text = payload.decode(charset_of(part))
            except (LookupError, UnicodeDecodeError):
                text = payload.decode("gb18030", "replace")
            out.append((part.get_content_subtype(), text))
    return out


def export_sections(path):
    """The 邮件内容 text of each section of a thread export."""
    raw = open(path, "rb").read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    return [s.split("邮件内容:", 1)[-1].strip() for s in re.split(r"====第.+?封邮件====", text)[1:]]


def header_values(msg_bytes):
    """Raw (undecoded, unfolded) Subject/From/To header values."""
    head = msg_bytes.split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0]
    head = re.sub(rb"\r?\n[ \t]+", b" ", head)
    return [m.group(2) for m in re.finditer(rb"(?mi)^(Subject|From|To):[ \t]*(.*?)\r?$", head)]


def all_texts():
    """Decoded texts of every sample message (bodies of mail and exports)."""
    texts = []
    for name, data in rfc822_messages():
        for i, (sub, text) in enumerate(text_parts(data)):
            texts.append((f"{name}-{sub}{i}", text))
    for path in sample_files():
        if path.endswith(".txt"):
            for i, text in enumerate(export_sections(path), 1):
                texts.append((f"{seed_name(path)}-{i}", text))
    return texts


def write(target, name, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(CORPUS, target, "seed-" + name), "wb") as f:
        f.write(data)


def seeds_parse():
    for name, data in rfc822_messages():
        write("parse", name, data)
    write("parse", "hand-nested-multipart", b"Content-Type: multipart/mixed; boundary=a\n\n--a\n"
          b"Content-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/plain; charset=gbk\n"
          b"Content-Transfer-Encoding: base64\n\n1tDOxA==\n--b\nContent-Type: text/html\n\n<p>x</p>\n--b--\n"
          b"--a\nContent-Type: message/rfc822\n\nSubject: inner\n\nforwarded\n--a--\n")
    write("parse", "hand-headers-only", b"Subject: =?gb2312?B?1tDOxA==?=\nReferences: <a@b> <c@d>\n"
          b"In-Reply-To: <c@d>\nDate: Mon, 1 Mar 2021 10:00:00 +0800\n")


def seeds_reader():
    for path in sample_files():
        write("reader", seed_name(path), open(path, "rb").read())
    write("reader", "hand-bom-mbox", b"\xef\xbb\xbfFrom a@b Mon Mar  1 10:00:00 2021\nSubject: x\n\n"
          b">From here\n\nFrom c@d Mon Mar  1 10:00:00 2021\nSubject: y\n\nbody\n")
    write("reader", "hand-export-chinese-numerals", "邮件主题: 测试\n\n====第一封邮件====\n发件人：甲\n"
          "发送时间：2021/3/9 17:45\n邮件内容:\n你好\n====第二封邮件====\n发件人：乙\n邮件内容:\n收到\n")
    write("reader", "hand-not-mail", b"just some text\n")


def seeds_decode():
    n = 0
    for name, data in rfc822_messages():
        for value in header_values(data):
            write("decode", f"{name}-hdr{n}", bytes([1, 0, 0]) + value)
            n += 1
    for name, data in rfc822_messages():
        msg = email.message_from_bytes(data, policy=email.policy.compat32)
        for i, part in enumerate(p for p in msg.walk() if p.get_content_maintype() == "text"):
            payload = part.get_payload(decode=True) or b""
            label = (part.get_content_charset() or "").lower()
            sel = LABELS.index(label) if label in LABELS else 0
            mode = 2 if part.get_content_subtype() == "html" else 0
            if mode == 2:
                payload = payload.decode(charset_of(part), "replace").encode("utf-8")
            write("decode", f"{name}-part{i}", bytes([mode, sel, 2]) + payload)
    write("decode", "hand-split-word", bytes([1, 0, 3]) + b"=?gbk?B?1tA=?= =?gbk?B?zsQ=?= tail")
    write("decode", "hand-own-label", bytes([0, 200, 0]) + b"x-mac-chinesesimp\n\xd6\xd0\xce\xc4")
    write("decode", "hand-utf7", bytes([0, 12, 0]) + b"+ZeVnLFPj-")


def seeds_split():
    for name, text in all_texts():
        write("split", name, text)


def seeds_search():
    queries = ["信任关系", '"启用失败"', "vendor:Dell", "code:0xC004F074 after:2022-01", "slmgr -sysprep",
               'body:"序列号"', "case:CAS-03877-J9N4S5", "CMIT:0001828", "activ* OR 激活", "NOT kms",
               "date:2021-03..2021-04", "from:gaoshan cause:activation.*", 'subject:"批量" status:closed',
               "cmd:slmgr sn:1234567890123", "C++ #", '"unclosed', "a OR", "customer:中国人寿 before:2024"]
    for i, q in enumerate(queries):
        write("search", f"q{i:02d}", bytes([i * 37 % 256]) + q.encode("utf-8"))


def seeds_rules():
    for path in sorted(glob.glob(os.path.join(TOP, "rules", "*.yaml"))):
        write("rules", "yaml-" + os.path.basename(path), b"\x00" + open(path, "rb").read())
    write("rules", "yaml-hand-anchor", b"\x00version: 1\ncauses:\n  - id: t.x\n    title: {zh: x, en: x}\n"
          b"    summary: {zh: x, en: x}\n    category: t\n    threshold: 1\n    signals:\n"
          b"      - &s {id: s1, pattern: 'KMS', weight: 1}\n    steps: []\n")
    for name, text in all_texts()[:20]:
        write("rules", "case-" + name, b"\x01" + ("主题\x1f" + text + "\x1f\x1f\x1f客户").encode("utf-8"))


def seeds_fts():
    for name, text in all_texts()[:20]:
        write("fts", name, text)
    for i, q in enumerate(["ＳＬＭＧＲ", "CAS-03877-J9N4S5", "0xC004F074", "啟用失敗", "\x01ctivat",
                           "é́ combining", "한국어 かな"]):
        write("fts", f"hand-{i}", q)


def main():
    for t in TARGETS:
        os.makedirs(os.path.join(CORPUS, t), exist_ok=True)
        for old in glob.glob(os.path.join(CORPUS, t, "seed-*")):
            os.remove(old)
    for fn in (seeds_parse, seeds_reader, seeds_decode, seeds_split, seeds_search, seeds_rules, seeds_fts):
        fn()


if __name__ == "__main__":
    main()
