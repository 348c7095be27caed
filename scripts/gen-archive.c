/* gen-archive.c — write a deterministic synthetic support-mail archive.
 *
 *   gen-archive N DIR
 *
 * Writes N messages, grouped in support threads of 3–8 messages (Chinese and
 * English, built from the cause templates below), twice: as a maildir
 * (DIR/maildir/{cur,new,tmp}, one file per message) and as an mboxrd file
 * (DIR/archive.mbox, same messages, `>From ` escaped).  DIR/truth.json
 * records what a correct ingest must find:
 *
 *   {"messages": N, "threads": T, "cases": {"CAS-…": messages, …},
 *    "case_info": {"CAS-…": {status, vendor, severity, customer, title,
 *                           alias, cause, language}, …},
 *    "words": {"激活": n, …}, "words_folded": {…}, …counters of the features used…}
 *
 * where words[w] is the number of messages whose NEW text (not the quoted
 * part, not the signature) contains w as a byte substring, and
 * words_folded[w] the same with ASCII letters in any case (what search,
 * which folds case, counts).
 *
 * Everything comes from one GRand seeded with N, so the same N always gives
 * the same bytes.  Encodings are mixed per message: UTF-8 base64, UTF-8
 * quoted-printable, UTF-8 8bit, GB18030/GBK/gb2312-labelled base64,
 * unlabelled 8-bit GB18030 (raw header bytes too) and HTML-only mail;
 * subjects are RFC 2047 B or Q words (some split mid-character).  Replies
 * quote the previous message; some carry no References/In-Reply-To and some
 * drop the case ID from the subject, so only subject matching joins them.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define L(...) ((const char *const[]){__VA_ARGS__, NULL})

/* One root cause: Chinese and English lines for every step of a thread.
 * Placeholders: {H} KMS host, {N} device count, {M} devices done,
 * {C} customer, {V} vendor. */
typedef struct {
    const char *id;
    const char *title_zh, *title_en;
    const char *const *symptom_zh, *const *symptom_en;
    const char *const *ask_zh, *const *ask_en;
    const char *const *cause_zh, *const *cause_en;
    const char *const *fix_zh, *const *fix_en;
} Cause;

static const Cause causes[] = {
    {"imaging.no-sysprep", "Ghost克隆终端激活和补丁异常", "cloned terminals share one SID",
     L("我们用一台配置好的母机直接 Ghost 克隆了 {N} 台终端，没有做封装。", "KMS 上 slmgr /dli 显示当前计数一直不增加。", "部分终端加域时提示 SID 重复，WSUS 里终端来回替换。"),
     L("We cloned {N} terminals with Ghost from a configured machine without running sysprep.", "On the KMS host slmgr /dli shows the current count stuck at 1.", "Some machines fail to join the domain because of a duplicate SID."),
     L("请提供母盘制作步骤，以及任意两台终端 whoami /user 的输出。", "请在 KMS 主机上执行 slmgr /dli 并截图。"),
     L("Please send the imaging steps and the output of whoami /user on two terminals.", "Please run slmgr /dli on the KMS host and send a screenshot."),
     L("终端是从未执行 sysprep /generalize 的母机克隆的，SID 和 KMS 客户端机器 ID（CMID）全部相同。", "KMS 按 CMID 计数，相同 CMID 只计一次，所以计数不增加。"),
     L("The terminals were cloned from a machine that was never generalized, so they share the SID and the KMS client machine ID.", "The KMS host counts distinct machine IDs, so the count never grows."),
     L("母盘先封装：sysprep /generalize /oobe /shutdown，封装后再捕获镜像。", "已部署终端建议用封装后的镜像重新部署，或执行 slmgr /rearm 后重启再 slmgr /ato。"),
     L("Generalize the master first: sysprep /generalize /oobe /shutdown, then capture the image.", "Redeploy from the generalized image, or run slmgr /rearm, reboot and run slmgr /ato.")},
    {"activation.key-uninstalled", "镜像部署后终端无法激活", "terminals cannot activate after imaging",
     L("部署后终端全部未激活，slmgr /dlv 提示错误 0xC004F069，看不到部分产品密钥。", "封装脚本里有 slmgr /upk 和 slmgr /cpky 两行，是以前留下来的。"),
     L("After deployment every terminal is unlicensed and slmgr /dlv returns 0xC004F069 with no partial product key.", "The imaging script still runs slmgr /upk and slmgr /cpky from the old days."),
     L("请提供 slmgr /dlv 的输出和封装脚本。"), L("Please send the slmgr /dlv output and the imaging script."),
     L("封装脚本执行了 slmgr /upk，把产品密钥（PK）卸载了，终端里没有任何产品密钥。"),
     L("The script ran slmgr /upk, which uninstalled the product key, so the clients have no key at all."),
     L("在终端上执行 slmgr /ipk <产品密钥> 然后 slmgr /ato，用 slmgr /dlv 确认部分产品密钥为 4M68B 这种形式。", "母盘脚本中删除 slmgr /upk，任何时候都不要卸载 PK。"),
     L("Run slmgr /ipk <product key> and slmgr /ato, then check the partial product key with slmgr /dlv.", "Remove slmgr /upk from the imaging script and never uninstall the key.")},
    {"activation.kms-unreachable", "终端无法连接KMS服务器 0xC004F074", "KMS activation fails with 0xC004F074",
     L("执行 slmgr /ato 返回 0xC004F074，无法联系任何密钥管理服务(KMS)。", "Test-NetConnection {H} -Port 1688 显示 TcpTestSucceeded : False，ping 可以通。"),
     L("slmgr /ato returns 0xC004F074: no Key Management Service could be contacted.", "Test-NetConnection {H} -Port 1688 shows TcpTestSucceeded False although ping works."),
     L("请在失败终端上执行 telnet {H} 1688，并提供 slmgr /dlv 截图。"), L("Please run telnet {H} 1688 on a failing client and send slmgr /dlv."),
     L("1688 端口不通，防火墙拦截了终端到 KMS 主机的流量。"), L("TCP 1688 is blocked between the clients and the KMS host."),
     L("放行 TCP 1688 后执行 slmgr /skms {H}:1688 和 slmgr /ato。"), L("Open TCP 1688, then run slmgr /skms {H}:1688 and slmgr /ato.")},
    {"activation.kms-dns", "终端KMS激活失败 0x8007232B", "activation fails with 0x8007232B",
     L("slmgr /ato 返回 0x8007232B，DNS 名称不存在。", "nslookup -type=srv _vlmcs._tcp 提示找不到 SRV 记录。"),
     L("slmgr /ato returns 0x8007232B, DNS name does not exist.", "nslookup -type=srv _vlmcs._tcp finds no SRV record."),
     L("请提供 ipconfig /all 和 nslookup -type=srv _vlmcs._tcp 的结果。"), L("Please send ipconfig /all and the nslookup -type=srv _vlmcs._tcp output."),
     L("终端所在 DNS 区域里没有 _vlmcs._tcp 的 SRV 记录，客户端无法自动发现 KMS 主机。"),
     L("The clients' DNS zone has no _vlmcs._tcp SRV record, so they cannot discover the KMS host."),
     L("在 DNS 中添加 _vlmcs._tcp SRV 记录指向 {H} 端口 1688，或执行 slmgr /skms {H}:1688。"),
     L("Add a _vlmcs._tcp SRV record for {H} port 1688, or run slmgr /skms {H}:1688.")},
    {"activation.key-blocked", "新购电脑激活失败 0xC004C003", "activation fails with 0xC004C003",
     L("使用标签上的产品密钥激活时返回 0xC004C003，提示密钥已被封锁。"), L("Activating with the label key returns 0xC004C003: the product key is blocked."),
     L("请提供设备 SN 和标签照片。"), L("Please send the device serial numbers and photos of the labels."),
     L("该批密钥已被激活服务器封锁，常见原因是密钥外泄或重复使用。"), L("The activation server has blocked these keys, usually because they leaked."),
     L("通过 {V} 更换新的产品密钥，执行 slmgr /ipk <新密钥> 和 slmgr /ato。"), L("Get replacement keys through {V}, then run slmgr /ipk <new key> and slmgr /ato.")},
    {"activation.mak-limit", "MAK密钥激活次数已达上限", "MAK activation limit reached",
     L("用 MAK 批量激活，新到的 {N} 台返回 0xC004C020。"), L("MAK activation of the new batch of {N} returns 0xC004C020."),
     L("请提供 slmgr /dlv 的部分产品密钥和合同授权数量。"), L("Please send the partial product key from slmgr /dlv and the licensed count."),
     L("MAK 的激活次数已用满，重装后重新激活也会占用次数。"), L("The MAK has used all of its activations; reinstalls count too."),
     L("申请追加授权后执行 slmgr /ipk <新的 MAK> 与 slmgr /ato，建议改用 KMS。"), L("Request more activations, then run slmgr /ipk <new MAK> and slmgr /ato; consider KMS.")},
    {"activation.rearm-limit", "母盘多次封装后报错0xC004D307", "sysprep fails with rearm limit 0xC004D307",
     L("母盘执行 sysprep /generalize 提示发生严重错误，slmgr /rearm 返回 0xC004D307。", "slmgr /dlv 显示剩余 Windows 重置计数：0。"),
     L("sysprep /generalize on the master fails and slmgr /rearm returns 0xC004D307.", "slmgr /dlv shows a remaining rearm count of 0."),
     L("请提供 setupact.log 和 slmgr /dlv 的输出。"), L("Please send setupact.log and the slmgr /dlv output."),
     L("每次 sysprep /generalize 消耗一次重置计数，母盘反复封装后计数已用完。"), L("Each generalize consumes a rearm and the master has run out."),
     L("重新制作干净母盘，在 unattend.xml 中设置 SkipRearm 为 1，或用 DISM 离线注入补丁。"), L("Rebuild a clean master, set SkipRearm to 1 in unattend.xml, or service the image offline with DISM.")},
    {"activation.time-skew", "终端激活报错0xC004F06C", "activation error 0xC004F06C",
     L("连接 KMS 激活时报错 0xC004F06C。", "终端时间比 KMS 服务器慢了好几个小时，BIOS 时间还是去年的。"),
     L("Activation against the KMS host returns 0xC004F06C.", "The clients' clocks are several hours behind the KMS host."),
     L("请提供 w32tm /stripchart /computer:{H} /samples:3 的结果。"), L("Please run w32tm /stripchart /computer:{H} /samples:3 and send the result."),
     L("KMS 要求客户端与主机时间相差不超过 4 小时，时间偏差导致请求被拒绝。"), L("The KMS host rejects requests whose clock differs by more than four hours."),
     L("执行 w32tm /resync 同步时间后再 slmgr /ato，并检查 CMOS 电池。"), L("Run w32tm /resync, then slmgr /ato, and check the CMOS battery.")},
    {"activation.serial-invalid", "终端输入13位序列号激活失败", "13-digit label serial number rejected",
     L("在更改产品密钥里输入标签上的 13 位序列号，提示序列号无效。", "slmgr /ipk 后面跟 13 位序列号返回 0xC004F050。"),
     L("Typing the 13-digit serial number from the label into Change product key says it is invalid.", "slmgr /ipk with the 13-digit number returns 0xC004F050."),
     L("请提供标签照片和报错截图。"), L("Please send a photo of the label and of the error."),
     L("13 位序列号不是 25 位产品密钥，需要在神州网信激活向导中使用。"), L("The 13-digit serial number is not a product key; it belongs in the CMGOS activation wizard."),
     L("运行神州网信激活向导选择序列号激活，注意区分字母 O 与数字 0。"), L("Run the CMGOS activation wizard, choose serial number activation, and watch O versus 0.")},
    {"activation.offline-required", "内网终端离线激活", "offline activation for an isolated network",
     L("内网与互联网物理隔离，终端无法联网激活。", "{N} 台终端一台台电话激活工作量太大。"),
     L("The network is isolated from the internet, so the clients cannot activate online.", "Phone activation of {N} machines one by one is too much work."),
     L("请确认内网是否可以部署 KMS 主机。"), L("Can you host a KMS server inside the isolated network?"),
     L("离线环境需要电话或手机 APP 激活，或者在内网部署 KMS。"), L("Without internet access you need phone or app activation, or an internal KMS host."),
     L("执行 slmgr /dti 获取安装 ID，通过手机 APP 获取确认 ID 后执行 slmgr /atp <确认ID>。"), L("Run slmgr /dti for the installation ID, get a confirmation ID by phone or app, then slmgr /atp <confirmation ID>.")},
    {"updates.duplicate-client-id", "WSUS中终端来回替换", "WSUS shows only a few clients",
     L("WSUS 控制台只显示一部分终端，每次刷新计算机名都不一样。"), L("The WSUS console shows only a few computers and the names keep changing."),
     L("请提供两台终端注册表中的 SusClientId。"), L("Please send the SusClientId value from two clients."),
     L("终端的 SusClientId 相同，WSUS 把它们当成同一台计算机。"), L("The clients share one SusClientId, so WSUS treats them as one computer."),
     L("删除注册表中的 SusClientId，重启 wuauserv 后执行 wuauclt /resetauthorization /detectnow。"), L("Delete SusClientId, restart wuauserv and run wuauclt /resetauthorization /detectnow.")},
    {"domain.trust-failure", "终端提示此工作站和主域间的信任关系失败", "trust relationship with the domain failed",
     L("终端登录时提示：此工作站和主域间的信任关系失败。", "出问题的终端都装了硬盘还原卡。"),
     L("Users get: The trust relationship between this workstation and the primary domain failed.", "All affected machines have a disk restore card."),
     L("请提供问题出现的规律以及域控版本。"), L("Please tell us when it happens and which domain controller version you run."),
     L("还原后终端保存的计算机帐户密码与域控不一致，安全通道失效。"), L("After a restore the machine account password no longer matches the domain controller."),
     L("执行 Test-ComputerSecureChannel -Repair，并对还原卡终端启用禁用计算机帐户密码更改策略。"), L("Run Test-ComputerSecureChannel -Repair and disable machine account password changes for those machines.")},
};

#define BANK L("总行", "滨江支行", "城东分行", "营业部", "数据中心")
#define INSURER L("总公司", "第二分公司", "理赔中心", "数据中心")
#define BROKER L("总部", "营业部", "交易中心")
#define OFFICE L("信息中心", "办公室", "服务大厅", "档案室")
#define HOSPITAL L("门诊楼", "住院部", "信息科")

/* A customer organisation: names, mail domain and its usual sites. */
typedef struct { const char *zh, *en, *domain; const char *const *sites; } Customer;

static const Customer customers[] = {
    {"江淮农商银行", "Jianghuai Rural Bank", "jhrcb.example.cn", BANK}, {"华瑞财产保险", "Huarui Insurance", "huarui-ins.example.cn", INSURER},
    {"豫信证券", "Yuxin Securities", "yuxin-sec.example.cn", BROKER}, {"青禾市政务服务中心", "Qinghe Service Center", "qinghe-gov.example.cn", OFFICE},
    {"北辰市人民医院", "Beichen People's Hospital", "bchospital.example.cn", HOSPITAL}, {"瑞阳商业银行", "Ruiyang Bank", "ruiyang-bank.example.cn", BANK},
    {"岷江市财政局", "Minjiang Finance Bureau", "mjcz.example.gov.cn", OFFICE}, {"沧澜银行", "Canglan Bank", "canglan-bank.example.cn", BANK},
    {"鼎信财产保险", "Dingxin Insurance", "dingxin-ins.example.cn", INSURER}, {"临川市税务局", "Linchuan Tax Bureau", "lcsw.example.gov.cn", OFFICE},
    {"云岭农商银行", "Yunling Rural Bank", "ylrcb.example.cn", BANK}, {"东陵市档案馆", "Dongling Archives", "dlda.example.gov.cn", OFFICE},
    {"泰和人寿保险", "Taihe Life", "taihe-life.example.cn", INSURER}, {"南屿市公安局", "Nanyu Police Bureau", "nygaj.example.gov.cn", OFFICE},
    {"金川证券", "Jinchuan Securities", "jinchuan-sec.example.cn", BROKER}, {"海曙区人民法院", "Haishu District Court", "hscourt.example.gov.cn", OFFICE},
};
static const char *const sites_en[] = {"HQ", "Binjiang branch", "second office", "service hall", "main branch", "data centre"};
static const char *const vendors[] = {"HP", "Dell", "Lenovo"};
static const char *const severities[] = {"普通事件", "普通事件", "重要事件", "紧急事件"};

/* A person: Chinese name, English name, mailbox local part. */
typedef struct { const char *zh, *en, *local; } Person;

static const Person engineers[] = {
    {"林宇航", "Lin Yuhang", "linyh"}, {"高珊", "Gao Shan", "gaoshan"}, {"杜文杰", "Du Wenjie", "duwj"},
    {"孟琪", "Meng Qi", "mengqi"}, {"吴杰", "Jason Wu", "wujie"},
};
static const Person contacts[] = {
    {"朱镕", "Zhu Rong", "zhurong"}, {"王磊", "Wang Lei", "wanglei"}, {"陈静", "Chen Jing", "chenjing"},
    {"李晓峰", "Li Xiaofeng", "lixf"}, {"周海涛", "Zhou Haitao", "zhouht"}, {"赵敏", "Zhao Min", "zhaomin"},
    {"孙立新", "Sun Lixin", "sunlx"}, {"钱博", "Qian Bo", "qianbo"}, {"吴镕基", "Wu Rongji", "wurj"}, {"韩雪松", "Han Xuesong", "hanxs"},
};

static const char *const team_open_zh[] = {"感谢您的来电，根据电话沟通，问题范围界定如下：", "根据之前的讨论，我先把问题整理一下，请您确认：", "收到您的邮件，问题定义如下："};
static const char *const team_open_en[] = {"Thank you for the call. To confirm the scope of this case:", "Following our discussion, here is the problem as I understand it:"};
static const char *const cust_open_zh[] = {"信息已收集，结果如下：", "按您的要求检查了一下，情况如下：", "补充一下现场的情况："};
static const char *const cust_open_en[] = {"Here is what we found:", "As requested, the results are below:", "From the event log we can see the same error on every machine."};
static const char *const analysis_open_zh[] = {"从您提供的结果看，原因比较明确：", "分析结果如下：", "根据日志分析："};
static const char *const analysis_open_en[] = {"From your results the cause is clear:", "Here is our analysis:"};
static const char *const feedback_zh[] = {"按步骤处理后，{M} 台已经处理成功，剩下的明天继续。", "还有几台报同样的错误，能否远程协助看一下？", "我们先在测试机上验证，有结果再反馈。"};
static const char *const feedback_en[] = {"After the steps {M} machines are fine; we will finish the rest tomorrow.", "A few machines still show the same error. Could you join a remote session?", "We will try it on a test machine first and report back."};
static const char *const closing_zh[] = {"感谢您的反馈，接下来我会将此事件做归档处理，本案例结案。", "问题已解决，本案例结案。结案后如有相关问题，欢迎随时联系。"};
static const char *const closing_en[] = {"Thank you for confirming. This case is now closed and I will archive it.", "Glad it works now; I am closing this case."};
static const char *const mailers[] = {"Microsoft Outlook 16.0", "Foxmail 7.2.25.228[cn]", "Coremail Webmail Server", "Mozilla Thunderbird"};
static const char *const reply_prefixes[] = {"RE: ", "答复: ", "回复: ", "Re: ", "回复：", "RE: 答复: "};

/* The word list counted in truth.json (byte substrings of the new text). */
static const char *const words[] = {
    "激活", "slmgr", "KMS", "sysprep", "序列号", "产品密钥", "镜像", "SusClientId", "信任关系", "nslookup",
    "0xC004F074", "0x8007232B", "0xC004C003", "0xC004C020", "0xC004D307", "0xC004F06C", "0xC004F050", "activation", "结案", "1688",
};
#define N_WORDS G_N_ELEMENTS(words)

/* How one message's body is encoded. */
typedef enum { ENC_UTF8_B64, ENC_UTF8_QP, ENC_UTF8_8BIT, ENC_GB_B64, ENC_GB_RAW, ENC_HTML, N_ENC } Enc;

/* One support thread while it is being written. */
typedef struct {
    guint index;
    char case_id[24], alias[16];
    const Cause *cause;
    const Customer *cust;
    const Person *eng, *contact;
    const char *vendor, *severity;
    char *title, *host;
    gboolean en, closed;
    guint n_msgs, devices;
    gint64 date;              /* date of the latest message, epoch seconds UTC */
    gint64 prev_date;         /* date of the message before it */
    GPtrArray *ids;           /* Message-IDs so far */
    char *prev_text;          /* new text of the previous message */
    gboolean prev_team;
} Thread;

/* The generator: random source, outputs and truth counters. */
typedef struct {
    GRand *rand;
    char *dir;
    FILE *mbox;
    GIConv to_gb;
    guint total, done, threads;
    guint word_counts[N_WORDS];
    guint word_counts_folded[N_WORDS];   /* ASCII letters matched in any case, as search does */
    guint enc_counts[N_ENC];
    guint no_refs, subject_only, split_words, q_subjects;
    JsonBuilder *cases;       /* {case_id: messages} */
    JsonBuilder *info;        /* {case_id: {status, vendor, …}} */
} Gen;

/* Pick a random element index below n. */
static guint pick(Gen *g, guint n)
{
    return (guint) g_rand_int_range(g->rand, 0, (gint32) n);
}

/* Return TRUE with probability percent/100. */
static gboolean chance(Gen *g, guint percent)
{
    return pick(g, 100) < percent;
}

/* Pick a random element of a fixed-size array. */
#define PICK(g, arr) ((arr)[pick((g), G_N_ELEMENTS(arr))])

/* Pick a random string from a NULL-terminated list. */
static const char *pick_line(Gen *g, const char *const *list)
{
    guint n = 0;
    while (list[n])
        n++;
    return list[pick(g, n)];
}

/* Append TMPL to OUT with {H} {N} {M} {C} {V} replaced from thread T. */
static void expand(GString *out, const char *tmpl, const Thread *t)
{
    for (const char *p = tmpl; *p; p++) {
        if (p[0] == '{' && p[1] && p[2] == '}') {
            switch (p[1]) {
            case 'H': g_string_append(out, t->host); p += 2; continue;
            case 'N': g_string_append_printf(out, "%u", t->devices); p += 2; continue;
            case 'M': g_string_append_printf(out, "%u", t->devices * 2 / 3); p += 2; continue;
            case 'C': g_string_append(out, t->en ? t->cust->en : t->cust->zh); p += 2; continue;
            case 'V': g_string_append(out, t->vendor); p += 2; continue;
            default: break;
            }
        }
        g_string_append_c(out, *p);
    }
}

/* Append one expanded template line and a newline. */
static void line(GString *out, const char *tmpl, const Thread *t)
{
    expand(out, tmpl, t);
    g_string_append_c(out, '\n');
}

/* Fill a new thread: case ID, parties, cause, title, size and start date. */
static void thread_init(Gen *g, Thread *t, guint index, guint n_msgs)
{
    static const char alnum[] = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
    memset(t, 0, sizeof *t);
    t->index = index;
    g_snprintf(t->case_id, sizeof t->case_id, "CAS-%05u-", 10000 + index % 90000);
    for (int i = 0; i < 6; i++)
        t->case_id[10 + i] = alnum[pick(g, sizeof alnum - 1)];
    if (chance(g, 30))
        g_snprintf(t->alias, sizeof t->alias, "CMIT:%07u", 1000 + index);
    t->cause = &causes[pick(g, G_N_ELEMENTS(causes))];
    t->cust = &customers[pick(g, G_N_ELEMENTS(customers))];
    t->eng = &engineers[pick(g, G_N_ELEMENTS(engineers))];
    t->contact = &contacts[pick(g, G_N_ELEMENTS(contacts))];
    t->vendor = vendors[pick(g, G_N_ELEMENTS(vendors))];
    t->severity = severities[pick(g, G_N_ELEMENTS(severities))];
    t->en = chance(g, 20);
    t->closed = chance(g, 50);
    t->n_msgs = n_msgs;
    t->devices = 20 + pick(g, 380);
    t->host = g_strdup_printf("kms%02u.%s", pick(g, 10), t->cust->domain);
    /* A ticket number keeps titles unique, so subject-only joins are unambiguous. */
    if (t->en)
        t->title = g_strdup_printf("%s %s: %s (ITSM-%06u)", t->cust->en, sites_en[pick(g, G_N_ELEMENTS(sites_en))], t->cause->title_en, index);
    else
        t->title = g_strdup_printf("%s%s%s（ITSM-%06u）", t->cust->zh, pick_line(g, t->cust->sites), t->cause->title_zh, index);
    /* 2019-01-01 .. 2024-11-30, +0800 working hours come from the offset below. */
    t->date = 1546300800 + (gint64) pick(g, 1880) * 86400 + 3600 + pick(g, 9 * 3600);
    t->ids = g_ptr_array_new_with_free_func(g_free);
}

/* Free what a thread owns. */
static void thread_clear(Thread *t)
{
    g_free(t->title);
    g_free(t->host);
    g_free(t->prev_text);
    g_ptr_array_unref(t->ids);
}

/* Write the greeting line for a message from the team (team) or customer. */
static void greeting(GString *s, const Thread *t, gboolean team)
{
    const Person *to = team ? t->contact : t->eng;
    if (t->en)
        g_string_append_printf(s, "Hi %s,\n\n", to->en);
    else if (team)
        g_string_append_printf(s, "%.3s工 您好！\n", to->zh);
    else
        g_string_append_printf(s, "%.3s工，你好\n", to->zh);
}

/* Compose the new text of message I of thread T (no signature, no quote). */
static char *compose(Gen *g, const Thread *t, guint i, gboolean team)
{
    const Cause *c = t->cause;
    GString *s = g_string_new(NULL);
    gboolean last = i + 1 == t->n_msgs;
    greeting(s, t, team);
    if (last && t->closed) {
        line(s, t->en ? PICK(g, closing_en) : PICK(g, closing_zh), t);
        line(s, t->en ? "Summary:" : "案例总结：", t);
        line(s, t->en ? pick_line(g, c->cause_en) : pick_line(g, c->cause_zh), t);
        line(s, t->en ? pick_line(g, c->fix_en) : pick_line(g, c->fix_zh), t);
    } else if (i == 0) {
        line(s, t->en ? PICK(g, team_open_en) : PICK(g, team_open_zh), t);
        line(s, t->en ? "Problem definition:" : "问题定义:", t);
        line(s, t->en ? pick_line(g, c->symptom_en) : pick_line(g, c->symptom_zh), t);
        line(s, t->en ? "Could you please send:" : "请协助提供：", t);
        line(s, t->en ? pick_line(g, c->ask_en) : pick_line(g, c->ask_zh), t);
    } else if (!team) {
        line(s, t->en ? PICK(g, cust_open_en) : PICK(g, cust_open_zh), t);
        line(s, t->en ? pick_line(g, c->symptom_en) : pick_line(g, c->symptom_zh), t);
        if (i > 2)
            line(s, t->en ? PICK(g, feedback_en) : PICK(g, feedback_zh), t);
    } else {
        line(s, t->en ? PICK(g, analysis_open_en) : PICK(g, analysis_open_zh), t);
        line(s, t->en ? pick_line(g, c->cause_en) : pick_line(g, c->cause_zh), t);
        line(s, t->en ? "Steps:" : "处理步骤：", t);
        for (const char *const *f = t->en ? c->fix_en : c->fix_zh; *f; f++)
            g_string_append(s, "    "), line(s, *f, t);
    }
    return g_string_free(s, FALSE);
}

/* Signature of a team engineer or a customer contact. */
static char *signature(const Thread *t, gboolean team)
{
    if (team && t->en)
        return g_strdup_printf("-- \n%s | Support Engineer\nSupport hotline: 400-800-1866\nEmail: %s@cmgos.com\n", t->eng->en, t->eng->local);
    if (team)
        return g_strdup_printf("------------\n%s | 技术支持工程师\n技术支持热线：400-800-1866\n电子邮箱 Email: %s@cmgos.com\n", t->eng->zh, t->eng->local);
    if (t->en)
        return g_strdup_printf("Regards,\n%s\n%s IT\n", t->contact->en, t->cust->en);
    return g_strdup_printf("%s\n%s 信息科技部\n", t->contact->zh, t->cust->zh);
}

/* Format epoch time T (shown at +0800) with a strftime-like FORMAT of GLib. */
static char *fmt_time(gint64 t, const char *format)
{
    GDateTime *u = g_date_time_new_from_unix_utc(t);
    GDateTime *l = g_date_time_add_hours(u, 8);
    char *s = g_date_time_format(l, format);
    g_date_time_unref(l);
    g_date_time_unref(u);
    return s;
}

/* RFC 5322 date at +0800, with English names whatever the locale. */
static char *rfc_date(gint64 t)
{
    static const char *const wd[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    static const char *const mo[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    GDateTime *u = g_date_time_new_from_unix_utc(t);
    GDateTime *l = g_date_time_add_hours(u, 8);
    char *s = g_strdup_printf("%s, %02d %s %d %02d:%02d:%02d +0800", wd[g_date_time_get_day_of_week(l) - 1],
                              g_date_time_get_day_of_month(l), mo[g_date_time_get_month(l) - 1], g_date_time_get_year(l),
                              g_date_time_get_hour(l), g_date_time_get_minute(l), g_date_time_get_second(l));
    g_date_time_unref(l);
    g_date_time_unref(u);
    return s;
}

/* Append TEXT with every line prefixed by "> ". */
static void append_gt(GString *out, const char *text)
{
    char **lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++)
        if (**l || l[1])
            g_string_append_printf(out, ">%s%s\n", **l ? " " : "", *l);
    g_strfreev(lines);
}

/* Append the quote of the previous message (its new text) in one of the
 * header styles real clients write; nothing for the first message. */
static void append_quote(Gen *g, GString *out, const Thread *t, const char *prev_subject)
{
    const Person *p = t->prev_team ? t->eng : t->contact;
    char *addr = t->prev_team ? g_strdup_printf("%s@cmgos.com", p->local) : g_strdup_printf("%s@%s", p->local, t->cust->domain);
    const char *name = t->en ? p->en : p->zh;
    gint64 when = t->prev_date;
    char *d;
    switch (pick(g, t->en ? 2 : 4)) {
    case 0:
        d = fmt_time(when, t->en ? "%A, %B %-d, %Y %H:%M" : "%Y年%-m月%-d日 %H:%M");
        g_string_append_printf(out, t->en ? "\n________________________________\nFrom: %s <%s>\nSent: %s\nSubject: %s\n\n"
                                          : "\n发件人: %s <%s>\n发送时间: %s\n主题: %s\n\n", name, addr, d, prev_subject);
        g_string_append(out, t->prev_text);
        break;
    case 1:
        d = fmt_time(when, t->en ? "On %a, %b %-d, %Y at %H:%M" : "在 %Y/%m/%d %H:%M");
        g_string_append_printf(out, t->en ? "\n%s %s <%s> wrote:\n" : "\n%s, %s <%s> 写道:\n", d, name, addr);
        append_gt(out, t->prev_text);
        break;
    case 2:
        d = fmt_time(when, "%Y年%-m月%-d日 %H:%M");
        g_string_append_printf(out, "\n------------------ 原始邮件 ------------------\n发件人: \"%s\"<%s>;\n发送时间: %s\n主题: %s\n\n%s",
                               name, addr, d, prev_subject, t->prev_text);
        break;
    default:
        d = fmt_time(when, "%Y年%-m月%-d日");
        g_string_append_printf(out, "\n%s <%s> 于%s写道：\n", name, addr, d);
        append_gt(out, t->prev_text);
        break;
    }
    g_free(d);
    g_free(addr);
}

/* Append BYTES as base64 wrapped at 76 columns. */
static void append_b64(GString *out, const char *bytes, gsize len)
{
    char *b = g_base64_encode((const guchar *) bytes, len);
    gsize n = strlen(b);
    for (gsize i = 0; i < n; i += 76) {
        g_string_append_len(out, b + i, MIN(76, n - i));
        g_string_append_c(out, '\n');
    }
    g_free(b);
}

/* Append TEXT quoted-printable encoded (soft breaks before column 76). */
static void append_qp(GString *out, const char *text)
{
    gsize col = 0;
    for (const guchar *p = (const guchar *) text; *p; p++) {
        if (*p == '\n') {
            g_string_append_c(out, '\n');
            col = 0;
            continue;
        }
        gboolean plain = (*p >= 33 && *p <= 126 && *p != '=') || (*p == ' ' && p[1] && p[1] != '\n');
        if (col + (plain ? 1 : 3) > 75) {
            g_string_append(out, "=\n");
            col = 0;
        }
        if (plain)
            g_string_append_c(out, (char) *p), col++;
        else
            g_string_append_printf(out, "=%02X", *p), col += 3;
    }
}

/* Convert UTF-8 TEXT to GB18030 bytes with the cached converter. */
static char *to_gb(Gen *g, const char *text, gsize *len)
{
    char *out = g_convert_with_iconv(text, -1, g->to_gb, NULL, len, NULL);
    g_assert(out != NULL);
    return out;
}

/* Append one encoded word for BYTES (B or Q) in CHARSET. */
static void append_word(GString *out, const char *charset, gboolean q, const char *bytes, gsize len)
{
    g_string_append_printf(out, "=?%s?%c?", charset, q ? 'Q' : 'B');
    if (!q) {
        char *b = g_base64_encode((const guchar *) bytes, len);
        g_string_append(out, b);
        g_free(b);
    } else {
        for (gsize i = 0; i < len; i++) {
            guchar c = (guchar) bytes[i];
            if (g_ascii_isalnum(c))
                g_string_append_c(out, (char) c);
            else if (c == ' ')
                g_string_append_c(out, '_');
            else
                g_string_append_printf(out, "=%02X", c);
        }
    }
    g_string_append(out, "?=");
}

/* Append UTF-8 TEXT as RFC 2047 words, folded; charset "UTF-8" or a GB
 * label (converted to GB18030).  Words end on character boundaries, except
 * with SPLIT, where each word holds a fixed byte count (may cut a character). */
static void append_encoded(Gen *g, GString *out, const char *text, const char *charset, gboolean q, gboolean split)
{
    gboolean gb = g_ascii_strcasecmp(charset, "UTF-8") != 0;
    const gsize max = q ? 16 : 36;
    const char *p = text;
    gboolean first = TRUE;
    while (*p) {
        const char *e = p;
        if (split && !gb)
            e = p + MIN(strlen(p), max - 1);
        else
            while (*e && (gsize) (g_utf8_next_char(e) - p) <= (gb ? max * 2 / 3 : max))
                e = g_utf8_next_char(e);
        if (e == p)
            e = g_utf8_next_char(p);
        char *piece = g_strndup(p, (gsize) (e - p));
        gsize len = strlen(piece);
        char *bytes = gb ? to_gb(g, piece, &len) : g_strdup(piece);
        g_string_append(out, first ? "" : "\n ");
        append_word(out, charset, q, bytes, len);
        g_free(bytes);
        g_free(piece);
        first = FALSE;
        p = e;
    }
}

/* Append TEXT as HTML paragraphs with entities (&nbsp; after greetings,
 * &lt; &gt; &amp;, numeric entities for some full-width commas). */
static void append_html_text(GString *out, const char *text)
{
    char **lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++) {
        if (!**l)
            continue;
        char *esc = g_markup_escape_text(*l, -1);
        GString *e = g_string_new(esc);
        g_string_replace(e, " 您好", "&nbsp;您好", 1);
        g_string_replace(e, "，", "&#xFF0C;", 1);
        if (g_str_has_prefix(*l, "    "))
            g_string_append_printf(out, "<ul><li>%s</li></ul>\n", e->str + 4);
        else
            g_string_append_printf(out, "<p class=\"MsoNormal\">%s</p>\n", e->str);
        g_string_free(e, TRUE);
        g_free(esc);
    }
    g_strfreev(lines);
}

/* Build an HTML-only body: <style>, the new text, signature, and the
 * previous message in a <blockquote>. */
static char *html_body(const char *text, const char *sig, const char *head, const char *quoted)
{
    GString *h = g_string_new("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\n"
                              "<style><!--\np.MsoNormal {margin:0cm; font-size:10.5pt; font-family:\"微软雅黑\",sans-serif;}\n"
                              ".sig {color:#7F7F7F;}\n--></style></head>\n<body lang=\"ZH-CN\"><div class=\"WordSection1\">\n");
    append_html_text(h, text);
    g_string_append(h, "<div class=\"sig\">\n");
    append_html_text(h, sig);
    g_string_append(h, "</div></div>\n");
    if (quoted) {
        char *esc = g_markup_escape_text(head, -1);
        g_string_append_printf(h, "<div class=\"gmail_quote\"><div>%s</div>\n<blockquote style=\"margin:0 0 0 .8ex;border-left:1px #ccc solid;padding-left:1ex\">\n", esc);
        append_html_text(h, quoted);
        g_string_append(h, "</blockquote></div>\n");
        g_free(esc);
    }
    g_string_append(h, "</body></html>\n");
    return g_string_free(h, FALSE);
}

/* The attribution line above a quoted previous message in HTML mail.
 * Caller frees. */
static char *quote_head(const Thread *t)
{
    const Person *p = t->prev_team ? t->eng : t->contact;
    char *d = fmt_time(t->prev_date, t->en ? "%a, %b %-d, %Y at %H:%M" : "%Y年%-m月%-d日 %H:%M");
    char *s = t->en ? g_strdup_printf("On %s, %s wrote:", d, p->en) : g_strdup_printf("%s 于%s写道：", p->zh, d);
    g_free(d);
    return s;
}

/* Choose how a message of thread T is encoded. */
static Enc choose_enc(Gen *g, const Thread *t)
{
    static const Enc table[] = {ENC_UTF8_B64, ENC_UTF8_B64, ENC_UTF8_B64, ENC_UTF8_B64, ENC_UTF8_QP, ENC_UTF8_QP, ENC_UTF8_QP,
                                ENC_UTF8_QP, ENC_UTF8_8BIT, ENC_UTF8_8BIT, ENC_UTF8_8BIT, ENC_GB_B64, ENC_GB_B64, ENC_GB_B64,
                                ENC_GB_B64, ENC_GB_RAW, ENC_GB_RAW, ENC_HTML, ENC_HTML, ENC_HTML};
    Enc e = table[pick(g, G_N_ELEMENTS(table))];
    if (t->en && (e == ENC_GB_B64 || e == ENC_GB_RAW))
        e = ENC_UTF8_QP;
    return e;
}

/* Subject of message I: case tag unless DROP_ID (then only the normalized
 * convention remains), a reply prefix for replies. */
static char *subject_text(Gen *g, const Thread *t, guint i, gboolean drop_id)
{
    GString *s = g_string_new(i ? reply_prefixes[pick(g, G_N_ELEMENTS(reply_prefixes))] : "");
    if (!drop_id)
        g_string_append_printf(s, "[案例号: %s ] ", t->case_id);
    g_string_append_printf(s, "%% |%s|%s| %s %% 初次响应", t->severity, t->vendor, t->title);
    if (!drop_id && t->alias[0])
        g_string_append_printf(s, " %s", t->alias);
    return g_string_free(s, FALSE);
}

/* Append a header "NAME: " + display name + address, the name encoded as the
 * body is (raw GB18030 bytes for ENC_GB_RAW, else an RFC 2047 B word). */
static void append_addr(Gen *g, GString *h, const char *hname, const char *name, const char *addr, Enc enc)
{
    g_string_append_printf(h, "%s: ", hname);
    if (enc == ENC_GB_RAW) {
        gsize len;
        char *b = to_gb(g, name, &len);
        g_string_append_len(h, b, (gssize) len);
        g_free(b);
    } else {
        append_encoded(g, h, name, "UTF-8", FALSE, FALSE);
    }
    g_string_append_printf(h, " <%s>\n", addr);
}

/* Append the Subject header for SUBJ in the style ENC / charset calls for. */
static void append_subject(Gen *g, GString *h, const char *subj, Enc enc, const char *gb_label)
{
    g_string_append(h, "Subject: ");
    if (enc == ENC_GB_RAW) {
        gsize len;
        char *b = to_gb(g, subj, &len);
        g_string_append_len(h, b, (gssize) len);
        g_free(b);
    } else if (enc == ENC_GB_B64) {
        append_encoded(g, h, subj, gb_label, FALSE, FALSE);
    } else {
        gboolean q = chance(g, 35), split = !q && chance(g, 10);
        g->q_subjects += q;
        g->split_words += split;
        append_encoded(g, h, subj, "UTF-8", q, split);
    }
    g_string_append_c(h, '\n');
}

/* Append Content-Type / -Transfer-Encoding and the encoded body. */
static void append_body(Gen *g, GString *m, Enc enc, const char *gb_label, const char *plain, const char *html)
{
    gsize len;
    char *gb;
    switch (enc) {
    case ENC_UTF8_B64:
        g_string_append(m, "Content-Type: text/plain; charset=\"utf-8\"\nContent-Transfer-Encoding: base64\n\n");
        append_b64(m, plain, strlen(plain));
        break;
    case ENC_UTF8_QP:
        g_string_append(m, "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n");
        append_qp(m, plain);
        break;
    case ENC_UTF8_8BIT:
        g_string_append(m, "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n");
        g_string_append(m, plain);
        break;
    case ENC_GB_B64:
        g_string_append_printf(m, "Content-Type: text/plain; charset=\"%s\"\nContent-Transfer-Encoding: base64\n\n", gb_label);
        gb = to_gb(g, plain, &len);
        append_b64(m, gb, len);
        g_free(gb);
        break;
    case ENC_GB_RAW:
        g_string_append(m, "Content-Type: text/plain\nContent-Transfer-Encoding: 8bit\n\n");
        gb = to_gb(g, plain, &len);
        g_string_append_len(m, gb, (gssize) len);
        g_free(gb);
        break;
    default:
        g_string_append(m, "Content-Type: text/html; charset=\"utf-8\"\nContent-Transfer-Encoding: quoted-printable\n\n");
        append_qp(m, html);
        break;
    }
}

/* Count the truth words in NEW_TEXT, as bytes and case-folded. */
static void count_words(Gen *g, const char *new_text)
{
    for (guint w = 0; w < N_WORDS; w++) {
        if (strstr(new_text, words[w]))
            g->word_counts[w]++;
        if (strcasestr(new_text, words[w]))
            g->word_counts_folded[w]++;
    }
}


/* Append the References / In-Reply-To headers (all earlier ids). */
static void append_refs(GString *h, const Thread *t)
{
    g_string_append_printf(h, "In-Reply-To: <%s>\nReferences:", (const char *) t->ids->pdata[t->ids->len - 1]);
    for (guint k = 0; k < t->ids->len; k++)
        g_string_append_printf(h, "%s<%s>", k ? "\n " : " ", (const char *) t->ids->pdata[k]);
    g_string_append_c(h, '\n');
}

/* Build the complete message I of thread T. Returns the raw bytes; the
 * message's new text is left in *new_text. */
static GString *build_message(Gen *g, Thread *t, guint i, char **new_text)
{
    static const char *const gb_labels[] = {"GB18030", "GBK", "gb2312", "gb2312"};
    gboolean team = i == 0 || (i + 1 == t->n_msgs && t->closed) || i % 2 == 0;
    gboolean drop_id = i > 0 && chance(g, 6);
    gboolean refs = i > 0 && !drop_id && chance(g, 75);
    Enc enc = choose_enc(g, t);
    const char *gb_label = gb_labels[pick(g, G_N_ELEMENTS(gb_labels))];
    char *text = compose(g, t, i, team), *sig = signature(t, team), *subj = subject_text(g, t, i, drop_id);
    char *eng_addr = g_strdup_printf("%s@cmgos.com", t->eng->local), *cust_addr = g_strdup_printf("%s@%s", t->contact->local, t->cust->domain);
    const char *eng_name = t->en ? t->eng->en : t->eng->zh, *cust_name = t->en ? t->contact->en : t->contact->zh;
    GString *plain = g_string_new(text), *m = g_string_new(NULL);
    g_string_append_printf(plain, "\n%s", sig);
    char *qsubj = i ? subject_text(g, t, i - 1, FALSE) : NULL;
    if (i && chance(g, 85))
        append_quote(g, plain, t, qsubj);
    append_addr(g, m, "From", team ? eng_name : cust_name, team ? eng_addr : cust_addr, enc);
    append_addr(g, m, "To", team ? cust_name : eng_name, team ? cust_addr : eng_addr, enc);
    append_subject(g, m, subj, enc, gb_label);
    char *date = rfc_date(t->date), *id = g_strdup_printf("%08x.%u.%u@%s", g_rand_int(g->rand), t->index, i, team ? "cmgos.com" : t->cust->domain);
    g_string_append_printf(m, "Date: %s\nMessage-ID: <%s>\n", date, id);
    if (refs)
        append_refs(m, t);
    g_string_append_printf(m, "X-Mailer: %s\nMIME-Version: 1.0\n", mailers[pick(g, G_N_ELEMENTS(mailers))]);
    char *head = i ? quote_head(t) : NULL;
    char *html = enc == ENC_HTML ? html_body(text, sig, head, i ? t->prev_text : NULL) : NULL;
    append_body(g, m, enc, gb_label, plain->str, html);
    g->enc_counts[enc]++;
    g->no_refs += i > 0 && !refs;
    g->subject_only += drop_id;
    g_ptr_array_add(t->ids, id);
    t->prev_team = team;
    *new_text = text;
    g_free(head), g_free(html), g_free(date), g_free(qsubj), g_free(subj), g_free(sig), g_free(eng_addr), g_free(cust_addr);
    g_string_free(plain, TRUE);
    return m;
}

/* Append MSG to the mbox: From_ line, mboxrd-escaped body, blank line. */
static void write_mbox(Gen *g, const GString *msg, gint64 date)
{
    GDateTime *u = g_date_time_new_from_unix_utc(date);
    char *stamp = g_date_time_format(u, "%a %b %e %H:%M:%S %Y");
    fprintf(g->mbox, "From support@cmgos.com %s\n", stamp);
    const char *p = msg->str, *end = msg->str + msg->len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t) (end - p));
        const char *stop = nl ? nl + 1 : end, *q = p;
        while (q < stop && *q == '>')
            q++;
        if (stop - q >= 5 && memcmp(q, "From ", 5) == 0)
            fputc('>', g->mbox);
        fwrite(p, 1, (size_t) (stop - p), g->mbox);
        p = stop;
    }
    fputs("\n", g->mbox);
    g_free(stamp);
    g_date_time_unref(u);
}

/* Write MSG as one maildir file (most in cur/ as seen, some in new/). */
static gboolean write_maildir(Gen *g, const GString *msg, gint64 date, GError **error)
{
    gboolean seen = chance(g, 90);
    char *name = g_strdup_printf("%s/maildir/%s/%" G_GINT64_FORMAT ".M%07uP%u.casekb-gen%s", g->dir, seen ? "cur" : "new",
                                 date, g->done, 4242u, seen ? ":2,S" : "");
    FILE *f = fopen(name, "wb");
    gboolean ok = f && fwrite(msg->str, 1, msg->len, f) == msg->len;
    if (f && fclose(f) != 0)
        ok = FALSE;
    if (!ok)
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot write %s: %s", name, g_strerror(errno));
    g_free(name);
    return ok;
}

/* Add "name": "value" to the builder B. */
static void add_str(JsonBuilder *b, const char *name, const char *value)
{
    json_builder_set_member_name(b, name);
    json_builder_add_string_value(b, value);
}

/* Record thread T's facts under its case ID: what the subject convention
 * and the last message say, and the cause its templates came from. */
static void add_case_info(JsonBuilder *b, const Thread *t)
{
    json_builder_set_member_name(b, t->case_id);
    json_builder_begin_object(b);
    add_str(b, "status", t->closed ? "closed" : "open");
    add_str(b, "vendor", t->vendor);
    add_str(b, "severity", t->severity);
    add_str(b, "customer", t->en ? t->cust->en : t->cust->zh);
    add_str(b, "title", t->title);
    add_str(b, "alias", t->alias);
    add_str(b, "cause", t->cause->id);
    add_str(b, "language", t->en ? "en" : "zh");
    json_builder_end_object(b);
}

/* Write every message of one thread and record it in the truth. */
static gboolean write_thread(Gen *g, Thread *t, GError **error)
{
    for (guint i = 0; i < t->n_msgs; i++) {
        char *new_text = NULL;
        t->prev_date = t->date;
        if (i)
            t->date += 1800 + pick(g, 4 * 86400);
        GString *m = build_message(g, t, i, &new_text);
        count_words(g, new_text);
        write_mbox(g, m, t->date);
        gboolean ok = write_maildir(g, m, t->date, error);
        g_string_free(m, TRUE);
        g_free(t->prev_text);
        t->prev_text = new_text;
        g->done++;
        if (!ok)
            return FALSE;
    }
    json_builder_set_member_name(g->cases, t->case_id);
    json_builder_add_int_value(g->cases, t->n_msgs);
    add_case_info(g->info, t);
    return TRUE;
}

/* Generate all threads until g->total messages are written. */
static gboolean generate(Gen *g, GError **error)
{
    json_builder_begin_object(g->cases);
    json_builder_begin_object(g->info);
    while (g->done < g->total) {
        guint left = g->total - g->done, n = 3 + pick(g, 6);
        if (n > left || left - n < 3)
            n = left;
        Thread t;
        thread_init(g, &t, g->threads++, n);
        gboolean ok = write_thread(g, &t, error);
        thread_clear(&t);
        if (!ok)
            return FALSE;
    }
    json_builder_end_object(g->cases);
    json_builder_end_object(g->info);
    return TRUE;
}

/* Add "name": value to the builder B. */
static void add_int(JsonBuilder *b, const char *name, gint64 value)
{
    json_builder_set_member_name(b, name);
    json_builder_add_int_value(b, value);
}

/* Add the object MEMBER: {word: COUNTS[w]} for every truth word. */
static void add_word_counts(JsonBuilder *b, const char *member, const guint *counts)
{
    json_builder_set_member_name(b, member);
    json_builder_begin_object(b);
    for (guint w = 0; w < N_WORDS; w++)
        add_int(b, words[w], counts[w]);
    json_builder_end_object(b);
}

/* Write DIR/truth.json from the counters. */
static gboolean write_truth(Gen *g, GError **error)
{
    static const char *const enc_names[] = {"utf8_base64", "utf8_qp", "utf8_8bit", "gb_base64", "gb_unlabelled_8bit", "html_only"};
    JsonBuilder *b = json_builder_new();
    json_builder_begin_object(b);
    add_int(b, "messages", g->total);
    add_int(b, "threads", g->threads);
    add_int(b, "seed", g->total);
    json_builder_set_member_name(b, "cases");
    json_builder_add_value(b, json_builder_get_root(g->cases));
    json_builder_set_member_name(b, "case_info");
    json_builder_add_value(b, json_builder_get_root(g->info));
    add_word_counts(b, "words", g->word_counts);
    add_word_counts(b, "words_folded", g->word_counts_folded);
    json_builder_set_member_name(b, "encodings");
    json_builder_begin_object(b);
    for (guint e = 0; e < N_ENC; e++)
        add_int(b, enc_names[e], g->enc_counts[e]);
    json_builder_end_object(b);
    add_int(b, "replies_without_references", g->no_refs);
    add_int(b, "replies_joined_by_subject_only", g->subject_only);
    add_int(b, "subjects_q_encoded", g->q_subjects);
    add_int(b, "subjects_split_mid_character", g->split_words);
    json_builder_end_object(b);
    JsonGenerator *gen = json_generator_new();
    JsonNode *root = json_builder_get_root(b);
    json_generator_set_root(gen, root);
    json_generator_set_pretty(gen, TRUE);
    char *path = g_build_filename(g->dir, "truth.json", NULL);
    gboolean ok = json_generator_to_file(gen, path, error);
    g_free(path);
    json_node_unref(root);
    g_object_unref(gen);
    g_object_unref(b);
    return ok;
}

/* Create DIR/maildir/{cur,new,tmp} and open DIR/archive.mbox. */
static gboolean open_outputs(Gen *g, GError **error)
{
    static const char *const sub[] = {"cur", "new", "tmp"};
    for (guint i = 0; i < G_N_ELEMENTS(sub); i++) {
        char *d = g_build_filename(g->dir, "maildir", sub[i], NULL);
        int rc = g_mkdir_with_parents(d, 0755);
        g_free(d);
        if (rc != 0) {
            g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot create %s/maildir: %s", g->dir, g_strerror(errno));
            return FALSE;
        }
    }
    char *path = g_build_filename(g->dir, "archive.mbox", NULL);
    g->mbox = fopen(path, "wb");
    if (!g->mbox)
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot write %s: %s", path, g_strerror(errno));
    g_free(path);
    return g->mbox != NULL;
}

/* Parse the arguments, generate the archive, write the truth. */
int main(int argc, char **argv)
{
    guint64 n = 0;
    if (argc != 3 || !g_ascii_string_to_unsigned(argv[1], 10, 1, 400000, &n, NULL)) {
        fprintf(stderr, "usage: gen-archive N DIR   (N messages, 1..400000)\n");
        return 2;
    }
    Gen g = {.rand = g_rand_new_with_seed((guint32) n), .dir = argv[2], .total = (guint) n,
             .to_gb = g_iconv_open("GB18030", "UTF-8"), .cases = json_builder_new(), .info = json_builder_new()};
    g_autoptr(GError) error = NULL;
    gboolean ok = g.to_gb != (GIConv) -1 && open_outputs(&g, &error) && generate(&g, &error);
    if (g.mbox && fclose(g.mbox) != 0 && ok)
        ok = FALSE, g_set_error(&error, G_FILE_ERROR, G_FILE_ERROR_IO, "cannot write archive.mbox");
    ok = ok && write_truth(&g, &error);
    if (!ok)
        fprintf(stderr, "gen-archive: %s\n", error ? error->message : "no GB18030 converter");
    else
        printf("gen-archive: %u messages in %u threads written to %s\n", g.done, g.threads, g.dir);
    g_object_unref(g.cases);
    g_object_unref(g.info);
    g_rand_free(g.rand);
    if (g.to_gb != (GIConv) -1)
        g_iconv_close(g.to_gb);
    return ok ? 0 : 1;
}
