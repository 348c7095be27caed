#!/usr/bin/env python3
"""mk-attach-samples.py — writes casekb's attachment, TNEF and unlabelled-Big5
sample threads (samples/attach-*, samples/tnef-*, samples/big5-nolabel-*) and the
TNEF unit-test fixture (tests/fixtures/attach/winmail.dat).

Everything here is invented for casekb.  The TNEF stream is assembled byte by
byte from the format description ([MS-OXTNEF], [MS-OXRTFCP]):

  stream     = signature 0x223E9F78 (LE DWORD), legacy key (WORD), attributes
  attribute  = level (BYTE: 1 message, 2 attachment), id (DWORD: type << 16 | id),
               length (DWORD), data, checksum (WORD: sum of the data bytes mod 65536)
  MAPI block = count (DWORD), then per property: tag (DWORD: id << 16 | type),
               for PT_STRING8/PT_UNICODE/PT_BINARY a value count (1) and a byte
               length, the bytes padded to 4; PT_LONG a 4-byte value
  compressed RTF = compressed size (size of what follows it), raw size, "LZFu",
               CRC-32 of the compressed bytes (table 0xEDB88320, initial 0, no final
               xor), then control bytes each flagging 8 tokens (0 = literal byte);
               written here with literals only and the closing reference to the
               current write position.

Run from the top of the tree: python3 scripts/mk-attach-samples.py
"""
import base64
import os
import struct

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# ---------------------------------------------------------------- TNEF writer

PT_LONG, PT_STRING8, PT_UNICODE, PT_BINARY = 0x0003, 0x001E, 0x001F, 0x0102
PR_BODY, PR_RTF_COMPRESSED, PR_INTERNET_CPID = 0x1000, 0x1009, 0x3FDE
PR_ATTACH_LONG_FILENAME, PR_ATTACH_MIME_TAG = 0x3707, 0x370E
RTF_PREBUF = (b"{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman "
              b"\\fswiss \\fmodern \\fscript \\fdecor MS Sans SerifSymbolArialTimes New "
              b"RomanCourier{\\colortbl\\red0\\green0\\blue0\r\n\\par \\pard\\plain\\f0\\fs20\\b"
              b"\\i\\u\\tab\\tx")


def crc32_oxrtfcp(data):
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0xEDB88320 if c & 1 else c >> 1
        table.append(c)
    crc = 0
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc


def lzfu_literals(rtf):
    out = bytearray()
    tokens = [bytes([b]) for b in rtf]
    end_pos = (len(RTF_PREBUF) + len(rtf)) % 4096
    tokens.append(None)                       # closing reference
    for i in range(0, len(tokens), 8):
        group = tokens[i:i + 8]
        flags = 0
        body = bytearray()
        for bit, tok in enumerate(group):
            if tok is None:
                flags |= 1 << bit
                body += struct.pack(">H", end_pos << 4)
            else:
                body += tok
        out.append(flags)
        out += body
    header_rest = struct.pack("<II", len(rtf), 0x75465A4C)
    crc = struct.pack("<I", crc32_oxrtfcp(bytes(out)))
    comp = header_rest + crc + bytes(out)
    return struct.pack("<I", len(comp)) + comp


def attribute(level, atp, att_id, data):
    return (struct.pack("<BII", level, (atp << 16) | att_id, len(data)) + data
            + struct.pack("<H", sum(data) & 0xFFFF))


def mapi_props(props):
    out = struct.pack("<I", len(props))
    for ptype, pid, value in props:
        out += struct.pack("<I", (pid << 16) | ptype)
        if ptype == PT_LONG:
            out += struct.pack("<I", value)
        else:
            pad = (4 - len(value) % 4) % 4
            out += struct.pack("<II", 1, len(value)) + value + b"\0" * pad
    return out


def tnef_stream(rtf, codepage, attachments):
    s = struct.pack("<IH", 0x223E9F78, 0x0C3A)
    s += attribute(1, 0x0008, 0x9006, struct.pack("<I", 0x00010000))           # attTnefVersion
    s += attribute(1, 0x0006, 0x9007, struct.pack("<II", codepage, 0))        # attOemCodepage
    s += attribute(1, 0x0007, 0x8008, b"IPM.Microsoft Mail.Note\0")           # attMessageClass
    s += attribute(1, 0x0006, 0x9003, mapi_props([                            # attMAPIProps
        (PT_LONG, PR_INTERNET_CPID, codepage),
        (PT_BINARY, PR_RTF_COMPRESSED, lzfu_literals(rtf))]))
    for name, mime, data in attachments:
        s += attribute(2, 0x0006, 0x9002, struct.pack("<HIHHI", 1, 0xFFFFFFFF, 0, 0, 0))  # attAttachRenddata
        s += attribute(2, 0x0001, 0x8010, name.encode("gb18030") + b"\0")    # attAttachTitle
        s += attribute(2, 0x0006, 0x800F, data)                              # attAttachData
        s += attribute(2, 0x0006, 0x9005, mapi_props([                       # attAttachment
            (PT_UNICODE, PR_ATTACH_LONG_FILENAME, (name + "\0").encode("utf-16-le")),
            (PT_STRING8, PR_ATTACH_MIME_TAG, mime.encode("ascii") + b"\0")]))
    return s


def rtf_document(paragraphs, codepage=936):
    """An RTF document whose Chinese text is written as \\'hh bytes of the code page."""
    out = [b"{\\rtf1\\ansi\\ansicpg%d\\deff0{\\fonttbl{\\f0\\fnil\\fcharset134 \\'cb\\'ce\\'cc\\'e5;}}"
           % codepage, b"{\\colortbl;\\red0\\green0\\blue0;}\\viewkind4\\uc1\\pard\\f0\\fs21 "]
    for para in paragraphs:
        line = bytearray()
        for ch in para:
            if ord(ch) < 0x80:
                line += b"\\" + ch.encode() if ch in "\\{}" else ch.encode()
            else:
                line += b"".join(b"\\'%02x" % b for b in ch.encode("gb18030"))
        out.append(bytes(line) + b"\\par\r\n")
    out.append(b"}")
    return b"".join(out)

# ---------------------------------------------------------------- mail helpers


def b64_lines(data):
    text = base64.b64encode(data).decode("ascii")
    return "\r\n".join(text[i:i + 76] for i in range(0, len(text), 76))


def hdr_utf8(text):
    return "=?UTF-8?B?%s?=" % base64.b64encode(text.encode("utf-8")).decode("ascii")


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def crlf(text):
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def utf8_mail(frm, to, subject, date, msgid, refs, body):
    """A support reply: UTF-8 base64 text/plain; REFS oldest first, the last one replied to."""
    threading = ""
    if refs:
        threading = "In-Reply-To: <%s>\r\nReferences: %s\r\n" % (refs[-1], " ".join("<%s>" % r for r in refs))
    return ("From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%s>\r\n%sMIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=\"utf-8\"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n"
            % (frm, to, hdr_utf8(subject), date, msgid, threading, b64_lines(crlf(body).encode("utf-8")))).encode("ascii")

# ---------------------------------------------------------------- thread 19: text attachments

ATT_ID = "CAS-07702-A5T8L3"
ATT_SUBJECT = "[案例号: %s ] %% |普通事件|Lenovo| 晋阳能源集团调度中心终端KMS激活失败 %% 初次响应 CMIT:0002688" % ATT_ID

DLV_TXT = """Windows 脚本宿主

软件许可服务版本: 10.0.19041.3996

名称: Windows(R), Enterprise edition
描述: Windows(R) Operating System, VOLUME_KMSCLIENT channel
激活 ID: 2de67392-b7a7-462a-b1ca-108dd189f588
应用程序 ID: 55c92734-d682-4d71-983e-d6ec3f16059f
部分产品密钥: 2YT43
许可证状态: 通知
通知原因: 0xC004F009 (宽限期已过)。
剩余 Windows 重置计数: 1001
剩余 SKU 重置计数: 1001
信任时间: 2024/6/3 9:41:27
配置的激活类型: 全部

最近的激活信息:
密钥管理服务客户端信息
    客户端计算机 ID (CMID): 6f1c8a2e-0d4b-4f7a-9c35-b2e81d7a4c90
    注册表中配置的 KMS 计算机名称: kms.jinyang-energy.example.cn:1688
    KMS 计算机 IP 地址: 不可用
    KMS 计算机扩展的 PID: 不可用
    激活间隔: 120 分钟
    续订间隔: 10080 分钟
    已启用 KMS 主机缓存
"""

ACTIVATION_LOG = """[2024-06-03 09:38:02] 调度中心终端批量激活脚本 v2.3 开始运行
[2024-06-03 09:38:02] 终端: JY-DD-0417  域: jinyang.local
[2024-06-03 09:38:03] 执行 cscript slmgr.vbs /skms kms.jinyang-energy.example.cn:1688 ... 成功
[2024-06-03 09:38:05] 执行 cscript slmgr.vbs /ato
[2024-06-03 09:39:07] 错误: 0xC004F074 软件授权服务报告无法激活计算机。没有可以联系的密钥管理服务(KMS)。
[2024-06-03 09:39:07] 请参阅应用程序事件日志以获取其他信息。
[2024-06-03 09:39:08] 重试 2/3 ... 失败 (0xC004F074)
[2024-06-03 09:40:11] 重试 3/3 ... 失败 (0xC004F074)
[2024-06-03 09:40:11] 本机激活失败，已写入汇总表 \\\\fs01\\it\\activation\\failed.csv
"""

# A 1x1 PNG (the customer's screenshot: not text, listed by name only).
PNG_1X1 = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def attach_thread():
    d = os.path.join(TOP, "samples", "attach-%s" % ATT_ID)
    body1 = crlf("""李工您好：

我们调度中心新到的 60 台联想终端（预装 CMGE）今天上午批量激活全部失败，
脚本日志和其中一台的 slmgr /dlv 输出在附件里，截图也附上了。
我们在终端上执行了 Test-NetConnection kms.jinyang-energy.example.cn -Port 1688，结果 TcpTestSucceeded : False。
请帮忙看一下是什么原因。

谢谢！
王建国
晋阳能源集团 信息中心
""")
    boundary = "----=_NextPart_000_0A1B_01DAB5C7.3E8F2D10"
    parts = [
        "--%s\r\nContent-Type: text/plain; charset=\"utf-8\"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n"
        % (boundary, b64_lines(body1.encode("utf-8"))),
        "--%s\r\nContent-Type: text/plain; name=\"dlv.txt\"\r\nContent-Transfer-Encoding: base64\r\n"
        "Content-Disposition: attachment; filename=\"dlv.txt\"\r\n\r\n%s\r\n"
        % (boundary, b64_lines(b"\xff\xfe" + crlf(DLV_TXT).encode("utf-16-le"))),
        "--%s\r\nContent-Type: application/octet-stream; name=\"activation-JY-DD-0417.log\"\r\n"
        "Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"activation-JY-DD-0417.log\"\r\n\r\n%s\r\n"
        % (boundary, b64_lines(crlf(ACTIVATION_LOG).encode("gbk"))),
        "--%s\r\nContent-Type: image/png; name=\"screenshot.png\"\r\nContent-Transfer-Encoding: base64\r\n"
        "Content-Disposition: attachment; filename=\"screenshot.png\"\r\n\r\n%s\r\n"
        % (boundary, b64_lines(PNG_1X1)),
    ]
    msg1 = ("From: %s <wangjg@jinyang-energy.example.cn>\r\nTo: %s <lihua@cmgos.com>\r\n"
            "Subject: %s\r\nDate: Mon, 03 Jun 2024 10:12:44 +0800\r\n"
            "Message-ID: <20240603101244.4F2A@mail.jinyang-energy.example.cn>\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\nThis is a multi-part message in MIME format.\r\n\r\n"
            % (hdr_utf8("王建国"), hdr_utf8("李华"), hdr_utf8(ATT_SUBJECT), boundary)
            + "".join(parts) + "--%s--\r\n" % boundary)
    write(os.path.join(d, "01.eml"), msg1.encode("ascii"))
    body2 = crlf("""王工您好：

看了您附件里的日志，终端到 KMS 主机 kms.jinyang-energy.example.cn 的 1688 端口不通。
请网络部检查调度中心到 KMS 主机之间的防火墙策略，放行 TCP 1688 后在终端上执行：
1. slmgr /dlv
2. slmgr /ato
有结果请告诉我。

李华
神州网信技术有限公司 技术支持部
""")
    support = "%s <lihua@cmgos.com>" % hdr_utf8("李华")
    customer = "%s <wangjg@jinyang-energy.example.cn>" % hdr_utf8("王建国")
    first = "20240603101244.4F2A@mail.jinyang-energy.example.cn"
    reply = "SG2PR06MB7712A0C3E5D9F1B2C4E6A8B0D@SG2PR06MB7712.apcprd06.prod.outlook.com"
    write(os.path.join(d, "02.eml"), utf8_mail(support, customer, "答复: " + ATT_SUBJECT,
                                               "Mon, 03 Jun 2024 14:05:10 +0800", reply, [first], body2))
    body3 = crlf("""王工：

感谢确认：网络部放行 TCP 1688 后，60 台终端已全部激活成功。
本案例结案，归档处理。

李华
神州网信技术有限公司 技术支持部
""")
    write(os.path.join(d, "03.eml"), utf8_mail(support, customer, "答复: " + ATT_SUBJECT,
                                               "Tue, 04 Jun 2024 16:30:00 +0800",
                                               "SG2PR06MB7712B1D4F6E0A2C3D5F7B9C1E@SG2PR06MB7712.apcprd06.prod.outlook.com",
                                               [first, reply], body3))

# ---------------------------------------------------------------- thread 20: TNEF (winmail.dat)

TNEF_ID = "CAS-07745-W3N6R9"
TNEF_SUBJECT = "[案例号: %s ] %% |普通事件|HP| 松江水务集团财务部终端序列号激活失败 %% 初次响应" % TNEF_ID
TNEF_BODY = [
    "赵工您好：",
    "",
    "我们财务部新到 12 台惠普终端，在“更改产品密钥”里输入标签上的 13 位序列号激活失败，提示 0xC004F050。",
    "附件 xpr.txt 是其中一台 slmgr /xpr 的输出。",
    "请问应该怎么激活？",
    "",
    "孙丽萍",
    "松江水务集团 信息科",
]
XPR_TXT = """Windows(R), Enterprise edition:
    Windows 处于通知模式
    产品密钥无效 (0xC004F050)
"""


def winmail_dat():
    return tnef_stream(rtf_document(TNEF_BODY), 936,
                       [("xpr.txt", "text/plain", crlf(XPR_TXT).encode("gbk"))])


def tnef_thread():
    d = os.path.join(TOP, "samples", "tnef-%s" % TNEF_ID)
    msg1 = ("From: %s <sunlp@songjiang-water.example.cn>\r\nTo: %s <zhaoqiang@cmgos.com>\r\n"
            "Subject: %s\r\nDate: Thu, 11 Jul 2024 09:20:05 +0800\r\n"
            "Message-ID: <000001dad31a$5c2e4f80$148aee80$@songjiang-water.example.cn>\r\n"
            "X-Mailer: Microsoft Outlook 16.0\r\nMIME-Version: 1.0\r\n"
            "Content-Type: application/ms-tnef; name=\"winmail.dat\"\r\n"
            "Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"winmail.dat\"\r\n\r\n%s\r\n"
            % (hdr_utf8("孙丽萍"), hdr_utf8("赵强"), hdr_utf8(TNEF_SUBJECT), b64_lines(winmail_dat())))
    write(os.path.join(d, "01.eml"), msg1.encode("ascii"))
    body2 = crlf("""孙工您好：

13 位序列号不是产品密钥，不能在“更改产品密钥”里输入。
请在终端联网后运行桌面上的“神州网信激活向导”，选择“序列号激活”，输入标签上的 13 位序列号即可。

赵强
神州网信技术有限公司 技术支持部
""")
    write(os.path.join(d, "02.eml"),
          utf8_mail("%s <zhaoqiang@cmgos.com>" % hdr_utf8("赵强"),
                    "%s <sunlp@songjiang-water.example.cn>" % hdr_utf8("孙丽萍"), "答复: " + TNEF_SUBJECT,
                    "Thu, 11 Jul 2024 11:02:40 +0800",
                    "TY0PR06MB5126C2E4A6B8D0F1A3C5E7B9D@TY0PR06MB5126.apcprd06.prod.outlook.com",
                    ["000001dad31a$5c2e4f80$148aee80$@songjiang-water.example.cn"], body2))

# ---------------------------------------------------------------- thread 21: Big5 without a charset label

B5_ID = "CAS-07780-K4P7Q2"


def big5_nolabel_thread():
    d = os.path.join(TOP, "samples", "big5-nolabel-%s" % B5_ID)
    subject1 = "嘉南客運站務終端 KMS 啟用失敗 0xC004F074（案例編號 %s）" % B5_ID
    body1 = crlf("""周工程師您好：

本公司站務終端共 35 台，今天執行 slmgr /ato 全部出現錯誤 0xC004F074，
訊息是「沒有可以聯繫的金鑰管理服務 (KMS)」。
我們已經用 Test-NetConnection kms.chianan-bus.example.com.tw -Port 1688 測試，結果 TcpTestSucceeded : False。
請協助確認原因，謝謝。

林雅婷
嘉南客運 資訊課
""")
    # The mailer sent 8-bit Big5 with no charset anywhere: no MIME-Version,
    # no Content-Type, a raw Big5 Subject and From name.
    msg1 = (b"From: " + "林雅婷".encode("big5") + b" <yating.lin@chianan-bus.example.com.tw>\r\n"
            b"To: zhouming@cmgos.com\r\nSubject: " + subject1.encode("big5") + b"\r\n"
            b"Date: Tue, 20 Aug 2024 15:45:12 +0800\r\n"
            b"Message-ID: <20240820154512.7C31@chianan-bus.example.com.tw>\r\n"
            b"Content-Transfer-Encoding: 8bit\r\n\r\n" + body1.encode("big5"))
    write(os.path.join(d, "01.eml"), msg1)
    subject2 = "答复: [案例号: %s ] %% |普通事件|Dell| 嘉南客运站务终端KMS激活失败 %% 初次响应" % B5_ID
    body2 = crlf("""林工您好：

1688 端口不通，请贵司网管检查站务网段到 KMS 主机 kms.chianan-bus.example.com.tw 的防火墙策略，
放行 TCP 1688 后再执行 slmgr /ato。

周明
神州网信技术有限公司 技术支持部
""")
    write(os.path.join(d, "02.eml"),
          utf8_mail("%s <zhouming@cmgos.com>" % hdr_utf8("周明"), "yating.lin@chianan-bus.example.com.tw", subject2,
                    "Tue, 20 Aug 2024 17:10:33 +0800",
                    "TYZPR06MB6630D1E3F5A7B9C0D2E4F6A8B@TYZPR06MB6630.apcprd06.prod.outlook.com",
                    ["20240820154512.7C31@chianan-bus.example.com.tw"], body2))


if __name__ == "__main__":
    attach_thread()
    tnef_thread()
    big5_nolabel_thread()
    write(os.path.join(TOP, "tests", "fixtures", "attach", "winmail.dat"), winmail_dat())
