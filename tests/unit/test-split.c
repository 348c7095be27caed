/* test-split.c — unit tests of ingest/split.c: quote headers of every client
 * family in shared design/quote-markers.md, the pitfalls listed there,
 * signatures, forwards, the seed thread's three messages, and bounds.
 * All sample mails are written for these tests (names and addresses made
 * up), except the seed messages, which come from the project's own archive. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "ingest/split.h"

/* Split TEXT and compare all four parts exactly. */
static void expect_split(const char *text, const char *body, const char *quoted,
                         const char *signature, const char *forwarded)
{
    CkSplit s;
    ck_split_text(text, &s);
    assert_string_equal(s.body, body);
    assert_string_equal(s.quoted, quoted);
    assert_string_equal(s.signature, signature);
    assert_string_equal(s.forwarded, forwarded);
    ck_split_clear(&s);
}

/* Split TEXT and compare body and quoted; signature and forwarded empty. */
static void expect_reply(const char *text, const char *body, const char *quoted)
{
    expect_split(text, body, quoted, "", "");
}

/* ---- basics ---------------------------------------------------------- */

/* NULL and empty input give four empty strings; clear zeroes the struct. */
static void test_empty_input(void **state)
{
    (void) state;
    expect_split(NULL, "", "", "", "");
    expect_split("", "", "", "", "");
    expect_split("\n \r\n\t\n", "", "", "", "");
    CkSplit s;
    ck_split_text("x", &s);
    ck_split_clear(&s);
    assert_null(s.body);
    assert_null(s.quoted);
    assert_null(s.signature);
    assert_null(s.forwarded);
}

/* Plain text stays body; CRLF and CR become LF; outer blank lines go,
 * inner ones and indentation stay. */
static void test_plain_text_line_ends(void **state)
{
    (void) state;
    expect_reply("\r\n\r\n  您好，\r\n\r\n请重启服务。\r\n谢谢\r\n\r\n",
                 "  您好，\n\n请重启服务。\n谢谢", "");
    expect_reply("one\rtwo\r\rthree", "one\ntwo\n\nthree", "");
}

/* ---- `>` quotes and English attributions ----------------------------- */

/* Gmail English, attribution on one line, quote with `>`. */
static void test_gmail_en_one_line(void **state)
{
    (void) state;
    expect_reply("The patch fixed it, thanks.\n"
                 "\n"
                 "On Tue, Mar 9, 2021 at 5:45 PM Li Wei <li.wei@example.com> wrote:\n"
                 "> Please apply KB5001330 and reboot.\n"
                 ">\n"
                 "> Li\n",
                 "The patch fixed it, thanks.",
                 "On Tue, Mar 9, 2021 at 5:45 PM Li Wei <li.wei@example.com> wrote:\n"
                 "> Please apply KB5001330 and reboot.\n"
                 ">\n"
                 "> Li");
}

/* Gmail wraps "On … wrote:" onto two or three lines. */
static void test_gmail_en_wrapped(void **state)
{
    (void) state;
    expect_reply("Logs attached.\n"
                 "\n"
                 "On Tue, Mar 9, 2021 at 5:45 PM Li Wei <\n"
                 "li.wei@example.com> wrote:\n"
                 "\n"
                 "> Could you send the setup logs?\n",
                 "Logs attached.",
                 "On Tue, Mar 9, 2021 at 5:45 PM Li Wei <\n"
                 "li.wei@example.com> wrote:\n"
                 "\n"
                 "> Could you send the setup logs?");
    expect_reply("Logs attached.\n"
                 "On Tue, Mar 9, 2021 at 5:45 PM\n"
                 "Support Team China\n"
                 "<support@example.com> wrote:\n"
                 "> Could you send the setup logs?\n",
                 "Logs attached.",
                 "On Tue, Mar 9, 2021 at 5:45 PM\n"
                 "Support Team China\n"
                 "<support@example.com> wrote:\n"
                 "> Could you send the setup logs?");
}

/* An attribution not followed by `>` lines (HTML mail turned to text)
 * still starts the quoted tail. */
static void test_attribution_without_marks(void **state)
{
    (void) state;
    expect_reply("OK, closing the case.\n"
                 "\n"
                 "On Wed, 10 Mar 2021 09:12, Zhang Min <zhang.min@example.cn> wrote:\n"
                 "The customer confirmed activation works.\n"
                 "Regards\n",
                 "OK, closing the case.",
                 "On Wed, 10 Mar 2021 09:12, Zhang Min <zhang.min@example.cn> wrote:\n"
                 "The customer confirmed activation works.\n"
                 "Regards");
}

/* ---- Outlook header blocks ------------------------------------------- */

/* Outlook English: underscores, bold keys, wrapped To line. */
static void test_outlook_en(void **state)
{
    (void) state;
    expect_reply("Hi Wei,\n"
                 "I will check with the OEM team.\n"
                 "\n"
                 "________________________________\n"
                 "*From:* Li Wei <li.wei@example.com>\n"
                 "*Sent:* Tuesday, March 9, 2021 5:45 PM\n"
                 "*To:* Support <support@example.com>; Zhang Min\n"
                 "<zhang.min@example.cn>\n"
                 "*Subject:* RE: activation fails\n"
                 "\n"
                 "Activation fails with 0xC004F050.\n",
                 "Hi Wei,\nI will check with the OEM team.",
                 "________________________________\n"
                 "*From:* Li Wei <li.wei@example.com>\n"
                 "*Sent:* Tuesday, March 9, 2021 5:45 PM\n"
                 "*To:* Support <support@example.com>; Zhang Min\n"
                 "<zhang.min@example.cn>\n"
                 "*Subject:* RE: activation fails\n"
                 "\n"
                 "Activation fails with 0xC004F050.");
}

/* Outlook Simplified Chinese: no rule line, full-width colons. */
static void test_outlook_zh_cn(void **state)
{
    (void) state;
    expect_reply("王工，您好：\n"
                 "补丁已经发布，请查收。\n"
                 "\n"
                 "发件人： 王强 <wangqiang@example.cn>\n"
                 "发送时间： 2021年3月9日 17:45\n"
                 "收件人： 技术支持 <support@example.com>\n"
                 "抄送： 李伟 <liwei@example.cn>\n"
                 "主题： 答复: 激活失败\n"
                 "\n"
                 "请问补丁什么时候发布？\n",
                 "王工，您好：\n补丁已经发布，请查收。",
                 "发件人： 王强 <wangqiang@example.cn>\n"
                 "发送时间： 2021年3月9日 17:45\n"
                 "收件人： 技术支持 <support@example.com>\n"
                 "抄送： 李伟 <liwei@example.cn>\n"
                 "主题： 答复: 激活失败\n"
                 "\n"
                 "请问补丁什么时候发布？");
}

/* Outlook Traditional Chinese: underscores, 寄件者 wrapped with 代表. */
static void test_outlook_zh_tw_wrapped(void **state)
{
    (void) state;
    expect_reply("已收到，謝謝。\n"
                 "\n"
                 "________________________________\n"
                 "寄件者: 陳志明 代表\n"
                 "客服中心 <service@example.tw>\n"
                 "寄件日期: 2024年3月22日 上午 08:29\n"
                 "收件者: 林小姐 <lin@example.tw>\n"
                 "副本: 王先生 <wang@example.tw>\n"
                 "主旨: 回覆: 序號無法啟用\n"
                 "\n"
                 "請提供序號。\n",
                 "已收到，謝謝。",
                 "________________________________\n"
                 "寄件者: 陳志明 代表\n"
                 "客服中心 <service@example.tw>\n"
                 "寄件日期: 2024年3月22日 上午 08:29\n"
                 "收件者: 林小姐 <lin@example.tw>\n"
                 "副本: 王先生 <wang@example.tw>\n"
                 "主旨: 回覆: 序號無法啟用\n"
                 "\n"
                 "請提供序號。");
}

/* NBSP and U+3000 between key and colon, bold markers around keys. */
static void test_outlook_nbsp_ideographic_space(void **state)
{
    (void) state;
    expect_reply("见附件。\n"
                 "**发件人\xE3\x80\x80：**\xC2\xA0张敏\n"
                 "**发送时间\xC2\xA0：**\xE3\x80\x80" "2023年4月14日 3:06\n"
                 "正文\n",
                 "见附件。",
                 "**发件人\xE3\x80\x80：**\xC2\xA0张敏\n"
                 "**发送时间\xC2\xA0：**\xE3\x80\x80" "2023年4月14日 3:06\n"
                 "正文");
}

/* -----Original Message----- and -----原始邮件----- alone start quotes. */
static void test_original_message_separators(void **state)
{
    (void) state;
    expect_reply("Done.\n-----Original Message-----\nFrom: a@example.com\nold text\n",
                 "Done.", "-----Original Message-----\nFrom: a@example.com\nold text");
    expect_reply("已处理。\n\n----- 原始邮件 -----\n旧内容\n",
                 "已处理。", "----- 原始邮件 -----\n旧内容");
}

/* Foxmail / QQ desktop: 原始邮件 rule with bold keys. */
static void test_foxmail_qq(void **state)
{
    (void) state;
    expect_reply("好的，我周一去现场。\n"
                 "\n"
                 "\n"
                 "------------------ 原始邮件 ------------------\n"
                 "*发件人:* \"张敏\"<zhangmin@example.cn>;\n"
                 "*发送时间:* 2020年4月12日(星期天) 晚上7:25\n"
                 "*收件人:* \"support\"<support@example.com>;\n"
                 "*主题:* 回复：蓝屏\n"
                 "\n"
                 "需要现场支持。\n",
                 "好的，我周一去现场。",
                 "------------------ 原始邮件 ------------------\n"
                 "*发件人:* \"张敏\"<zhangmin@example.cn>;\n"
                 "*发送时间:* 2020年4月12日(星期天) 晚上7:25\n"
                 "*收件人:* \"support\"<support@example.com>;\n"
                 "*主题:* 回复：蓝屏\n"
                 "\n"
                 "需要现场支持。");
}

/* QQ mobile: ---- Original ---- then From: and Date:. */
static void test_qq_mobile(void **state)
{
    (void) state;
    expect_reply("收到\n"
                 "------------------ Original ------------------\n"
                 "From: 张敏 <zhangmin@example.cn>\n"
                 "Date: Sun,Apr 12,2020 7:25 PM\n"
                 "To: support <support@example.com>\n"
                 "Subject: Re: 蓝屏\n"
                 "\n"
                 "还是蓝屏\n",
                 "收到",
                 "------------------ Original ------------------\n"
                 "From: 张敏 <zhangmin@example.cn>\n"
                 "Date: Sun,Apr 12,2020 7:25 PM\n"
                 "To: support <support@example.com>\n"
                 "Subject: Re: 蓝屏\n"
                 "\n"
                 "还是蓝屏");
}

/* Coremail (163/126 and enterprises). */
static void test_coremail(void **state)
{
    (void) state;
    expect_reply("日志见附件\n"
                 "-----原始邮件-----\n"
                 "发件人：\"Support\" <support@example.com>\n"
                 "发送时间：2023-04-14 03:06:59 (星期五)\n"
                 "收件人：\"李伟\" <liwei@163.com>\n"
                 "主题：Re: 更新失败\n"
                 "请提供日志。\n",
                 "日志见附件",
                 "-----原始邮件-----\n"
                 "发件人：\"Support\" <support@example.com>\n"
                 "发送时间：2023-04-14 03:06:59 (星期五)\n"
                 "收件人：\"李伟\" <liwei@163.com>\n"
                 "主题：Re: 更新失败\n"
                 "请提供日志。");
}

/* ---- Chinese 写道 attributions, one table of client forms ------------ */

/* Each attribution form, followed by `>` lines or by plain quoted text. */
static void test_chinese_attributions(void **state)
{
    (void) state;
    static const char *const attributions[] = {
        /* Gmail, Chinese UI */
        "Li Wei <liwei@example.com> 于2019年5月27日周一 下午2:43写道：",
        /* iOS Mail */
        "在 2016年11月8日，下午2:23，李伟 <liwei@example.com> 写道：",
        /* macOS Mail */
        "2019年11月22日 18:05，李伟 <liwei@example.com> 写道：",
        /* Thunderbird / Evolution */
        "在 2022/11/02 20:17, 李伟 写道:",
        "在 2025-02-10星期一的 11:24 +0100，李伟写道：",
        /* NetEase web */
        "在 2021-03-09 17:45:52，\"李伟\" <liwei@163.com> 写道：",
        /* Gmail, wrapped after the address or after the date */
        "Li Wei <liwei@example.com> 于2019年5月27日周一\n下午2:43写道：",
        "李伟 于2019年5月27日周一\n下午2:43写道：",
        /* Thunderbird English forms without "On" */
        "At 2024-04-04 21:53:23, \"Li Wei\" <liwei@example.com> wrote:",
        "Li Wei <liwei@example.com> wrote:",
    };
    static const char *const quotes[] = { "> 请问如何激活？\n> 谢谢", "请问如何激活？\n谢谢" };
    for (gsize a = 0; a < G_N_ELEMENTS(attributions); a++) {
        for (gsize q = 0; q < G_N_ELEMENTS(quotes); q++) {
            char *text = g_strdup_printf("请使用 slmgr /ato 激活。\n\n%s\n%s\n", attributions[a], quotes[q]);
            char *quoted = g_strdup_printf("%s\n%s", attributions[a], quotes[q]);
            expect_reply(text, "请使用 slmgr /ato 激活。", quoted);
            g_free(text);
            g_free(quoted);
        }
    }
}

/* ---- Lotus Notes ----------------------------------------------------- */

/* Lotus reply header: "NAME <a> on DATE" then To/cc/Subject. */
static void test_lotus_reply(void **state)
{
    (void) state;
    expect_reply("Confirmed on our side.\n"
                 "\n"
                 "John Carter <jcarter@example.com> on 03/26/2001 05:04 PM\n"
                 "To: Support Team/CN/Example@Example\n"
                 "cc: Mary Ng/CN/Example@Example\n"
                 "Subject: Re: driver crash\n"
                 "\n"
                 "Does the new driver fix it?\n",
                 "Confirmed on our side.",
                 "John Carter <jcarter@example.com> on 03/26/2001 05:04 PM\n"
                 "To: Support Team/CN/Example@Example\n"
                 "cc: Mary Ng/CN/Example@Example\n"
                 "Subject: Re: driver crash\n"
                 "\n"
                 "Does the new driver fix it?");
}

/* Lotus "Forwarded by" with only a short note before it is forwarded. */
static void test_lotus_forward(void **state)
{
    (void) state;
    expect_split("FYI\n"
                 "----- Forwarded by Mary Ng/CN/Example on 03/26/2001 05:04 PM -----\n"
                 "John Carter <jcarter@example.com> on 03/26/2001 04:50 PM\n"
                 "To: Mary Ng/CN/Example@Example\n"
                 "Subject: driver crash\n"
                 "The driver crashes on resume.\n",
                 "FYI", "", "",
                 "----- Forwarded by Mary Ng/CN/Example on 03/26/2001 05:04 PM -----\n"
                 "John Carter <jcarter@example.com> on 03/26/2001 04:50 PM\n"
                 "To: Mary Ng/CN/Example@Example\n"
                 "Subject: driver crash\n"
                 "The driver crashes on resume.");
}

/* ---- pitfalls -------------------------------------------------------- */

/* Running text that begins with "On", "发件人" or "From" is not a header. */
static void test_running_text_not_header(void **state)
{
    (void) state;
    const char *const texts[] = {
        "On Monday we restarted the server.\nThe customer wrote:\nit still fails.\n",
        "On second thought, the BIOS update is safer.\nPlease try it first.\n",
        "发件人说他已经重启了。\n但是问题依旧。\n",
        "发件人：张三\n他说问题依旧，请再看看。\n",
        "From: the log we see a timeout.\nNext step: collect a dump.\n",
        "Subject: activation\nDate: tomorrow\n",
        "在这种情况下，客户写道：\n系统无法启动。\n",
    };
    for (gsize i = 0; i < G_N_ELEMENTS(texts); i++) {
        char *body = g_strndup(texts[i], strlen(texts[i]) - 1);
        expect_reply(texts[i], body, "");
        g_free(body);
    }
}

/* Replies written between quoted lines stay new text; the quoted lines
 * (with their `>` marks) go to quoted.  A blank line goes with the line
 * above it. */
static void test_inline_replies(void **state)
{
    (void) state;
    expect_reply("Answers inline.\n"
                 "\n"
                 "On Tue, Mar 9, 2021 at 5:45 PM Li Wei <li.wei@example.com> wrote:\n"
                 "> Which build do you run?\n"
                 "\n"
                 "Build 2004.\n"
                 "\n"
                 "> Is the device activated?\n"
                 "> \n"
                 "No, it shows 0xC004F050.\n",
                 "Answers inline.\n\nBuild 2004.\n\nNo, it shows 0xC004F050.",
                 "On Tue, Mar 9, 2021 at 5:45 PM Li Wei <li.wei@example.com> wrote:\n"
                 "> Which build do you run?\n"
                 "\n"
                 "> Is the device activated?\n"
                 "> ");
}

/* Inline replies ending with an older Outlook header block: the block and
 * everything after it are quoted. */
static void test_inline_then_header_block(void **state)
{
    (void) state;
    expect_reply("> 版本号是多少？\n"
                 "2004\n"
                 "> 是否激活？\n"
                 "未激活\n"
                 "\n"
                 "发件人: 李伟\n"
                 "发送时间: 2021年3月9日 17:45\n"
                 "主题: 激活\n"
                 "旧邮件正文\n",
                 "2004\n未激活",
                 "> 版本号是多少？\n"
                 "> 是否激活？\n"
                 "发件人: 李伟\n"
                 "发送时间: 2021年3月9日 17:45\n"
                 "主题: 激活\n"
                 "旧邮件正文");
}

/* A lone `>From ` line is an mbox escape of running text; inside a
 * quote block it is quoted. */
static void test_mbox_from_escape(void **state)
{
    (void) state;
    expect_reply("Hello,\n>From the logs it looks like a driver issue.\nBye\n",
                 "Hello,\n>From the logs it looks like a driver issue.\nBye", "");
    expect_reply("Yes.\n> first\n>From second\n> third\n",
                 "Yes.", "> first\n>From second\n> third");
}

/* ---- forwards -------------------------------------------------------- */

/* Forward markers after a short note (or none) give `forwarded`. */
static void test_forward_markers(void **state)
{
    (void) state;
    static const char *const markers[] = {
        "---------- Forwarded message ---------",
        "-------- Forwarded Message --------",
        "---------- 转发的邮件 ---------",
        "-------- 转发邮件信息 --------",
        "Begin forwarded message:",
    };
    const char *forwarded = "From: 张敏 <zhangmin@example.cn>\n"
                            "Date: 2021年3月9日周二 下午5:45\n"
                            "Subject: 蓝屏\n"
                            "\n"
                            "开机后蓝屏，代码 0x0000007B。";
    for (gsize i = 0; i < G_N_ELEMENTS(markers); i++) {
        char *text = g_strdup_printf("FYI，见下方客户邮件。\n\n%s\n%s\n", markers[i], forwarded);
        char *expected = g_strdup_printf("%s\n%s", markers[i], forwarded);
        expect_split(text, "FYI，见下方客户邮件。", "", "", expected);
        g_free(text);
        char *bare = g_strdup_printf("%s\n%s\n", markers[i], forwarded);
        expect_split(bare, "", "", "", expected);
        g_free(bare);
        g_free(expected);
    }
}

/* A forward marker after long new text is quoted, not forwarded. */
static void test_forward_after_long_text(void **state)
{
    (void) state;
    const char *text = "经过分析，问题原因如下：\n"
                       "1. 镜像封装前卸载了产品密钥。\n"
                       "2. Ghost 部署导致 SID 重复。\n"
                       "3. 部分设备未联网，无法在线激活。\n"
                       "4. 手机 APP 激活需要先绑定账号。\n"
                       "5. 建议重新封装镜像后再部署。\n"
                       "6. 请按附件中的步骤操作。\n"
                       "---------- Forwarded message ---------\n"
                       "From: 张敏 <zhangmin@example.cn>\n"
                       "激活失败\n";
    CkSplit s;
    ck_split_text(text, &s);
    assert_string_equal(s.forwarded, "");
    assert_string_equal(s.quoted, "---------- Forwarded message ---------\n"
                                  "From: 张敏 <zhangmin@example.cn>\n"
                                  "激活失败");
    assert_true(g_str_has_suffix(s.body, "6. 请按附件中的步骤操作。"));
    ck_split_clear(&s);
}

/* An Outlook header block or separator with no new text above it is a
 * forward without a note: forwarded, not quoted. */
static void test_outlook_forward_without_note(void **state)
{
    (void) state;
    const char *forward = "________________________________\n"
                          "发件人: 张敏 <zhangmin@example.cn>\n"
                          "发送时间: 2021年3月9日 17:45\n"
                          "收件人: 技术支持 <support@example.com>\n"
                          "主题: 蓝屏\n"
                          "\n"
                          "开机蓝屏，代码 0x0000007B。";
    char *text = g_strdup_printf("\n\n%s\n", forward);
    expect_split(text, "", "", "", forward);
    g_free(text);
    expect_split("-----Original Message-----\nFrom: a@example.com\nold text\n",
                 "", "", "", "-----Original Message-----\nFrom: a@example.com\nold text");
    /* `>` quotes with no new text stay quoted. */
    expect_split("> old text\n", "", "> old text", "", "");
}

/* ---- signatures ------------------------------------------------------ */

/* "-- " alone on a line starts the signature. */
static void test_sig_dashdash(void **state)
{
    (void) state;
    expect_split("Please reboot.\n\n-- \nLi Wei\nSupport Engineer\n",
                 "Please reboot.", "", "-- \nLi Wei\nSupport Engineer", "");
}

/* A rule followed by contact lines is a signature; the rule joins it. */
static void test_sig_rule_contact_block(void **state)
{
    (void) state;
    expect_split("问题已解决，案例关闭。\n"
                 "--------------------\n"
                 "李伟 | 高级技术支持工程师\n"
                 "示例科技有限公司\n"
                 "手机：138 0013 8000\n"
                 "Email: liwei@example.com\n"
                 "http://www.example.com\n",
                 "问题已解决，案例关闭。", "",
                 "--------------------\n"
                 "李伟 | 高级技术支持工程师\n"
                 "示例科技有限公司\n"
                 "手机：138 0013 8000\n"
                 "Email: liwei@example.com\n"
                 "http://www.example.com", "");
}

/* A dashed rule followed by running text is text (seed: "-" before
 * 问题详情：; section underlines ===== under headings). */
static void test_rule_before_text_is_text(void **state)
{
    (void) state;
    const char *text = "背景说明。\n-\n问题详情：\n设备未激活。\n"
                       "问题结论：\n==========\n可以关闭。\n";
    char *body = g_strndup(text, strlen(text) - 1);
    expect_reply(text, body, "");
    g_free(body);
}

/* Mobile footers of each client are signatures. */
static void test_sig_mobile_footers(void **state)
{
    (void) state;
    static const char *const footers[] = {
        "Sent from my iPhone", "Get Outlook for iOS", "发自我的iPhone",
        "发自我的 iPhone", "從我的 iPhone 傳送", "Sent from my Huawei phone",
    };
    for (gsize i = 0; i < G_N_ELEMENTS(footers); i++) {
        char *text = g_strdup_printf("好的，明天处理。\n\n%s\n\n"
                                     "在 2021-03-09 17:45:52，\"李伟\" <liwei@163.com> 写道：\n> 急\n",
                                     footers[i]);
        expect_split(text, "好的，明天处理。",
                     "在 2021-03-09 17:45:52，\"李伟\" <liwei@163.com> 写道：\n> 急", footers[i], "");
        g_free(text);
    }
}

/* Disclaimers at the end are signature; the rule above joins them. */
static void test_sig_disclaimers(void **state)
{
    (void) state;
    expect_split("Please find the report attached.\n"
                 "\n"
                 "CAUTION: This email originated from outside of the organization. Do not\n"
                 "click links or open attachments unless you recognize the sender.\n",
                 "Please find the report attached.", "",
                 "CAUTION: This email originated from outside of the organization. Do not\n"
                 "click links or open attachments unless you recognize the sender.", "");
    expect_split("报告见附件。\n"
                 "________________\n"
                 "免责声明：本邮件及其附件仅供指定收件人使用，如您误收本邮件，请立即删除。\n",
                 "报告见附件。", "",
                 "________________\n"
                 "免责声明：本邮件及其附件仅供指定收件人使用，如您误收本邮件，请立即删除。", "");
    expect_split("Report attached.\n\nThis email is confidential and intended for the addressee only.\n",
                 "Report attached.", "",
                 "This email is confidential and intended for the addressee only.", "");
}

/* Closing formulas followed by a name (and contact lines) are signature;
 * a bare closing at the end stays in the body. */
static void test_sig_closings(void **state)
{
    (void) state;
    expect_split("请在周五前提交日志。\n\n此致\n敬礼！\n张敏\n2021年3月9日\n",
                 "请在周五前提交日志。", "", "此致\n敬礼！\n张敏\n2021年3月9日", "");
    expect_split("Please send the dump.\n\nBest regards,\nLi Wei\nSupport Engineer, Example Co., Ltd.\n"
                 "Tel: +86 10 8888 6666\n",
                 "Please send the dump.", "",
                 "Best regards,\nLi Wei\nSupport Engineer, Example Co., Ltd.\nTel: +86 10 8888 6666", "");
    expect_split("日志已收到。\n顺祝商祺\n石冠男 Guannan\n", "日志已收到。", "", "顺祝商祺\n石冠男 Guannan", "");
    expect_split("Hi Wei,\n\nThanks.\n\n\nBest Regards\nYehai Wen\n",
                 "Hi Wei,\n\nThanks.", "", "Best Regards\nYehai Wen", "");
    expect_reply("请查收附件。\n谢谢！\n", "请查收附件。\n谢谢！", "");
    expect_reply("Thanks, that worked.\nBest regards\n", "Thanks, that worked.\nBest regards", "");
}

/* When the closing is all the new text, it stays; the name moves. */
static void test_sig_closing_only_message(void **state)
{
    (void) state;
    expect_split("Thanks!\nJohn\n", "Thanks!", "", "John", "");
}

/* A closing followed by running text is not a signature. */
static void test_closing_then_text_stays(void **state)
{
    (void) state;
    expect_reply("谢谢\n另外，请确认设备型号是否为 HP EliteBook 840 G7，以及 BIOS 版本。\n",
                 "谢谢\n另外，请确认设备型号是否为 HP EliteBook 840 G7，以及 BIOS 版本。", "");
}

/* Signature between new text and an Outlook header block. */
static void test_sig_before_quote(void **state)
{
    (void) state;
    expect_split("可以关闭案例。\n"
                 "\n"
                 "Best regards\n"
                 "Zhang Min\n"
                 "Mobile: 139-1000-2000\n"
                 "\n"
                 "From: Li Wei <li.wei@example.com>\n"
                 "Sent: Tuesday, March 9, 2021 5:45 PM\n"
                 "Subject: case\n"
                 "old\n",
                 "可以关闭案例。",
                 "From: Li Wei <li.wei@example.com>\n"
                 "Sent: Tuesday, March 9, 2021 5:45 PM\n"
                 "Subject: case\n"
                 "old",
                 "Best regards\nZhang Min\nMobile: 139-1000-2000", "");
}

/* A header block followed by `>` lines is an attribution: new text below
 * the quote (bottom posting) stays body. */
static void test_header_block_then_quote_bottom_post(void **state)
{
    (void) state;
    expect_split("From: Li Wei <li.wei@example.com>\n"
                 "Date: Sun, 14 Nov 2010 19:04:58 -0800\n"
                 "\n"
                 "> The driver fails to load on resume.\n"
                 "\n"
                 "Applied, thanks.\n"
                 "--\n"
                 "Zhang Min\n",
                 "Applied, thanks.",
                 "From: Li Wei <li.wei@example.com>\n"
                 "Date: Sun, 14 Nov 2010 19:04:58 -0800\n"
                 "\n"
                 "> The driver fails to load on resume.",
                 "--\nZhang Min", "");
}

/* Bottom posting after an attribution and a `>` block. */
static void test_bottom_post(void **state)
{
    (void) state;
    expect_reply("在 2022/11/02 20:17, 李伟 写道:\n"
                 "> 能否远程协助？\n"
                 "\n"
                 "可以，明天上午十点。\n",
                 "可以，明天上午十点。",
                 "在 2022/11/02 20:17, 李伟 写道:\n"
                 "> 能否远程协助？");
}

/* Other separator wordings: -----邮件原件-----, ---- Original ----. */
static void test_more_separators(void **state)
{
    (void) state;
    expect_reply("OK\n-----邮件原件-----\n发件人: 李伟\n旧\n", "OK", "-----邮件原件-----\n发件人: 李伟\n旧");
    expect_reply("OK\n---- Original ----\nold\n", "OK", "---- Original ----\nold");
}

/* Words like "regards" or "thanks" inside a sentence are text. */
static void test_closing_words_in_sentences(void **state)
{
    (void) state;
    const char *text = "Thanks for the logs, they helped a lot.\n"
                       "Best regards to your team, the fix ships next week.\n"
                       "Li Wei will follow up.";
    expect_reply(text, text, "");
}

/* Stacked blocks: closing, name, contact lines and a mobile footer. */
static void test_sig_stacked_blocks(void **state)
{
    (void) state;
    expect_split("收到，马上安排工程师上门。\n"
                 "\n"
                 "祝好\n"
                 "张敏\n"
                 "---\n"
                 "电话：010-6588 1234\n"
                 "\n"
                 "发自我的 iPhone\n",
                 "收到，马上安排工程师上门。", "",
                 "祝好\n张敏\n---\n电话：010-6588 1234\n\n发自我的 iPhone", "");
}

/* "--" without its trailing space is only a rule: text after it that is
 * not contact data stays body. */
static void test_dashdash_without_space(void **state)
{
    (void) state;
    const char *text = "步骤如下：\n--\n先卸载旧驱动，然后重启电脑。\n再安装新驱动。";
    expect_reply(text, text, "");
}

/* A rule followed by a name or two, nothing else, is a signature; a rule
 * followed by two short imperative lines is not a person's name. */
static void test_rule_then_names(void **state)
{
    (void) state;
    expect_split("已关闭。\n------\n张敏\n技术支持部\n", "已关闭。", "", "------\n张敏\n技术支持部", "");
    const char *text = "操作：\n------\n重新启动服务器\n检查系统日志";
    expect_reply(text, text, "");
}

/* Pathological inputs stay fast: 5000 lines of 1000 bytes that are all
 * "-- ", contact data, attribution look-alikes or header keys. */
static void test_pathological_inputs_fast(void **state)
{
    (void) state;
    static const struct { const char *piece; const char *end; } lines[] = {
        { "-- ", "" },
        { "Tel: 138 0013 8000 a@b.c Engineer 公司 http://x.y ", "" },
        { "On Mon 2021-03-09 a@b.c 于2 wrote 写道 ", "wrote:" },
        { "From: a@b.c To: ", "" },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(lines); i++) {
        GString *line = g_string_new(lines[i].piece);
        while (i > 0 && line->len < 1000)
            g_string_append(line, lines[i].piece);
        g_string_append_printf(line, "%s\n", lines[i].end);
        GString *text = g_string_new("");
        for (int n = 0; n < 5000; n++)
            g_string_append(text, line->str);
        gint64 t0 = g_get_monotonic_time();
        CkSplit s;
        ck_split_text(text->str, &s);
        assert_true(g_get_monotonic_time() - t0 < 2 * G_USEC_PER_SEC);
        assert_true(strlen(s.body) + strlen(s.quoted) + strlen(s.signature) <= text->len);
        ck_split_clear(&s);
        g_string_free(text, TRUE);
        g_string_free(line, TRUE);
    }
}

/* A bare name set off from the text, followed by title/contact lines, is
 * a signature even without a closing or a rule. */
static void test_sig_name_block(void **state)
{
    (void) state;
    expect_split("請問大概需要多久可以取得新的金鑰？\n"
                 "\n"
                 "陳怡君\n"
                 "瑞陽商業銀行 資訊處 系統管理科\n"
                 "電話：02-2345-6789 分機 512\n",
                 "請問大概需要多久可以取得新的金鑰？", "",
                 "陳怡君\n瑞陽商業銀行 資訊處 系統管理科\n電話：02-2345-6789 分機 512", "");
    expect_split("请问还能不能救回来？\n刘振宇\n沧澜银行 科技部 桌面运维组\n",
                 "请问还能不能救回来？", "", "刘振宇\n沧澜银行 科技部 桌面运维组", "");
    expect_split("The router ACLs are fixed now.\n\nDaniel Wright\nIT Manager, Northbridge Bank\n",
                 "The router ACLs are fixed now.", "", "Daniel Wright\nIT Manager, Northbridge Bank", "");
    expect_split("部署后再通过 WSUS 更新补丁。\n孟琪 | 技术支持工程师\n技术支持热线：400-800-1866\n",
                 "部署后再通过 WSUS 更新补丁。", "", "孟琪 | 技术支持工程师\n技术支持热线：400-800-1866", "");
    /* not set off from the text above, or nothing but a name: body */
    expect_reply("已经重启\n好的\n张三\n技术部\n", "已经重启\n好的\n张三\n技术部", "");
    expect_reply("已处理。\n\n张三\n", "已处理。\n\n张三", "");
}

/* ---- the seed thread ------------------------------------------------- */

#define SEED1_BODY \
    "Xue Ji Qiang 您好！\n" \
    "根据之前的讨论, 我谨在此阐述我们双方针对这个问题所涉及范围界定：\n" \
    "问题定义:\n" \
    "中国人寿用户自行批量部署系统后遇到激活问题。\n" \
    "问题范围:\n" \
    "我们将协助您分析处理上述问题，并对定义的问题给予最大的技术支持。\n" \
    "-\n" \
    "问题详情：\n" \
    "如刚才与您电话沟通，目前中国人寿用户的设备状态如下：\n" \
    "*  应用户要求，设备未在HP产线灌装系统，未在产线获得激活状态\n" \
    "*  用户输入神州网信标签上的序列号，激活失败\n" \
    "问题分析及下一步计划:\n" \
    "1.\t查询确认设备激活失败原因，解决激活问题\n" \
    "*  若用户可以接受则当前问题解决\n" \
    "*  若用户不能接受则需要用户从商务层面与神州网信进行沟通确认"
#define SEED1_SIGNATURE \
    "------------\n" \
    "您如果对我们的产品和服务不满意，或者有好的建议，您可以拨打客户服务电话：400-818-0055，" \
    "我们的客服专员将会为您提供反馈信息并协商解决方案。\n" \
    "服务支持电话：400-810-0055\n" \
    "电子邮箱 Email: shign@cmgos.com <mailto:shgn@cmgos.com> "

/* Seed message 1: the `-` line before 问题详情 is text; the rule and the
 * satisfaction-survey lines are signature. */
static void test_seed_message_1(void **state)
{
    (void) state;
    expect_split(SEED1_BODY "\n" SEED1_SIGNATURE "\n", SEED1_BODY, "", SEED1_SIGNATURE, "");
}

/* Seed message 2 ends with a bare name and no closing: all body. */
static void test_seed_message_2(void **state)
{
    (void) state;
    const char *text =
        "Hi Ji Qiang，\n"
        "如刚才电话沟通，建议用户再次封装镜像时注意以下内容，尽量避免在制作镜像的过程中存在影响激活的步骤。\n"
        "1.      保留系统中的Product Key（PK），不要在任何时候卸载PK\n"
        "卸载PK的命令为： slmgr /upk\n"
        "检查PK状态方式：slmgr /dlv  查看“部分产品密钥”字段为4M68B\n"
        "c)       设备关机后，系统已完成封装工作，此时可以针对该计算机硬盘内的操作系统分区或整个硬盘进行克隆操作。\n"
        "Guannan";
    expect_reply(text, text, "");
}

/* Seed message 3: ===== underlines under the headings are text; the final
 * rule and name are signature. */
static void test_seed_message_3(void **state)
{
    (void) state;
    const char *body =
        "Hi Jiqiang，\n"
        "非常感谢您的反馈，接下来我会将此事件做一个归档处理。非常感谢您在案子中付出的时间与帮助。\n"
        "以下为案例总结：\n"
        "问题描述：\n"
        "==========================\n"
        "中国人寿用户自行批量部署系统后遇到激活问题。\n"
        "问题分析：\n"
        "==========================\n"
        "需首先分析批量部署的设备激活失败的原因，但由于无法提供SN暂无法确认。\n"
        "已提供制作母版镜像的注意事项，需避免再次造成部署后的激活问题。\n"
        "问题结论：\n"
        "==========================\n"
        "用户反馈可以正常关闭案例。";
    char *text = g_strdup_printf("%s\n------------\nGuannan\n", body);
    expect_split(text, body, "", "------------\nGuannan", "");
    g_free(text);
}

/* ---- bounds ---------------------------------------------------------- */

/* A 1 MB single line (ending like an attribution, the worst case for a
 * backtracking matcher) is split fast and kept whole. */
static void test_one_megabyte_line(void **state)
{
    (void) state;
    GString *big = g_string_new("On ");
    while (big->len < 1024 * 1024)
        g_string_append(big, "2021-03-09 a@b.c 发件人: x ");
    g_string_append(big, "wrote:");
    gint64 t0 = g_get_monotonic_time();
    CkSplit s;
    ck_split_text(big->str, &s);
    gint64 elapsed = g_get_monotonic_time() - t0;
    assert_true(elapsed < 2 * G_USEC_PER_SEC);
    assert_string_equal(s.body, big->str);
    assert_string_equal(s.quoted, "");
    ck_split_clear(&s);
    g_string_free(big, TRUE);
}

/* Lines beyond the 5000 examined follow the part of the last one. */
static void test_line_limit(void **state)
{
    (void) state;
    GString *text = g_string_new("new text\n> quoted\n");
    for (int i = 0; i < 6000; i++)
        g_string_append(text, "> more\n");
    g_string_append(text, "From: x\nTo: y\n");
    CkSplit s;
    ck_split_text(text->str, &s);
    assert_string_equal(s.body, "new text");
    assert_true(g_str_has_suffix(s.quoted, "> more\nFrom: x\nTo: y"));
    assert_int_equal(strlen(s.quoted), strlen(text->str) - strlen("new text\n") - 1);
    ck_split_clear(&s);
    g_string_free(text, TRUE);
}

/* Invalid UTF-8 comes out valid. */
static void test_invalid_utf8(void **state)
{
    (void) state;
    CkSplit s;
    ck_split_text("ok \xFF\xFE text\n> q\xC3\n", &s);
    assert_true(g_utf8_validate(s.body, -1, NULL));
    assert_true(g_utf8_validate(s.quoted, -1, NULL));
    assert_true(g_str_has_prefix(s.body, "ok "));
    assert_true(g_str_has_prefix(s.quoted, "> q"));
    ck_split_clear(&s);
}

/* ---- issue 11: signature false positives ------------------------------ */

/* Split TEXT and require NEEDLE in the new text and not in the signature. */
static void expect_in_body(const char *text, const char *needle)
{
    CkSplit s;
    ck_split_text(text, &s);
    if (!strstr(s.body, needle) || strstr(s.signature, needle))
        fail_msg("\"%s\" not kept as new text: body \"%s\", signature \"%s\"",
                 needle, s.body, s.signature);
    ck_split_clear(&s);
}

/* 部, 处, 组 name a department only at the end of a word: 全部, 各处 and 一组
 * are ordinary words, and a section's ===== underline is no signature rule. */
static void test_single_char_title_words_inside_words(void **state)
{
    expect_in_body("问题结论：\n==========================\n已全部激活\n", "已全部激活");
    expect_in_body("处理结果：\n------------\n各处终端均已正常\n", "各处终端均已正常");
    expect_in_body("您好，\n结果如下\n\n============\n第一组已完成激活\n", "第一组已完成激活");
    /* a real department line still is one */
    expect_split("请查收。\n\n------------\n王磊\n信息科技部\n", "请查收。", "",
                 "------------\n王磊\n信息科技部", "");
}

/* A closing followed by more of the message (另外补充…, P.S.) is not the
 * start of the signature: that content stays new text. */
static void test_closing_then_more_content(void **state)
{
    expect_in_body("请协助确认。\n谢谢！\n另外补充一下，现在有3台还是失败\n王磊\n", "另外补充一下");
    expect_in_body("Please check the host.\n\nThanks,\nP.S. the KMS host is kms01.example.com\nJohn Smith\n",
                   "P.S. the KMS host");
    expect_in_body("问题如上。\n此致\n敬礼\n补充：错误代码为 0xC004F074\n李晓峰\n", "补充：错误代码为");
    expect_in_body("See the log below.\nRegards,\nPS: slmgr /dlv output attached\nJane\n", "PS: slmgr /dlv");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_input),
        cmocka_unit_test(test_plain_text_line_ends),
        cmocka_unit_test(test_gmail_en_one_line),
        cmocka_unit_test(test_gmail_en_wrapped),
        cmocka_unit_test(test_attribution_without_marks),
        cmocka_unit_test(test_outlook_en),
        cmocka_unit_test(test_outlook_zh_cn),
        cmocka_unit_test(test_outlook_zh_tw_wrapped),
        cmocka_unit_test(test_outlook_nbsp_ideographic_space),
        cmocka_unit_test(test_original_message_separators),
        cmocka_unit_test(test_foxmail_qq),
        cmocka_unit_test(test_qq_mobile),
        cmocka_unit_test(test_coremail),
        cmocka_unit_test(test_chinese_attributions),
        cmocka_unit_test(test_lotus_reply),
        cmocka_unit_test(test_lotus_forward),
        cmocka_unit_test(test_running_text_not_header),
        cmocka_unit_test(test_inline_replies),
        cmocka_unit_test(test_inline_then_header_block),
        cmocka_unit_test(test_mbox_from_escape),
        cmocka_unit_test(test_forward_markers),
        cmocka_unit_test(test_forward_after_long_text),
        cmocka_unit_test(test_outlook_forward_without_note),
        cmocka_unit_test(test_sig_dashdash),
        cmocka_unit_test(test_sig_rule_contact_block),
        cmocka_unit_test(test_rule_before_text_is_text),
        cmocka_unit_test(test_sig_mobile_footers),
        cmocka_unit_test(test_sig_disclaimers),
        cmocka_unit_test(test_sig_closings),
        cmocka_unit_test(test_sig_closing_only_message),
        cmocka_unit_test(test_closing_then_text_stays),
        cmocka_unit_test(test_sig_before_quote),
        cmocka_unit_test(test_header_block_then_quote_bottom_post),
        cmocka_unit_test(test_bottom_post),
        cmocka_unit_test(test_more_separators),
        cmocka_unit_test(test_closing_words_in_sentences),
        cmocka_unit_test(test_sig_stacked_blocks),
        cmocka_unit_test(test_dashdash_without_space),
        cmocka_unit_test(test_rule_then_names),
        cmocka_unit_test(test_pathological_inputs_fast),
        cmocka_unit_test(test_sig_name_block),
        cmocka_unit_test(test_seed_message_1),
        cmocka_unit_test(test_seed_message_2),
        cmocka_unit_test(test_seed_message_3),
        cmocka_unit_test(test_one_megabyte_line),
        cmocka_unit_test(test_line_limit),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_single_char_title_words_inside_words),
        cmocka_unit_test(test_closing_then_more_content),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
