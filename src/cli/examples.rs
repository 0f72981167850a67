//! The Examples section of every command's help and of the manual page, in both
//! languages. Written once here; a test parses every example against the command tree,
//! so an example cannot name an option that is gone.

/// One example: what it does, in both languages, and the command line.
pub struct Example {
    pub zh: &'static str,
    pub en: &'static str,
    pub line: &'static str,
}

const fn ex(zh: &'static str, en: &'static str, line: &'static str) -> Example {
    Example { zh, en, line }
}

/// The examples of the command at `path` (its names after `duty`, space-separated).
pub fn of(path: &str) -> &'static [Example] {
    EXAMPLES.iter().find(|(p, _)| *p == path).map_or(&[], |(_, e)| e)
}

/// The section in the reader's language, for the end of a command's help.
pub fn section(path: &str, lang: crate::i18n::Lang) -> Option<String> {
    let examples = of(path);
    if examples.is_empty() {
        return None;
    }
    let mut out = lang.pick("示例:", "Examples:").to_string();
    for e in examples {
        out.push_str(&format!("\n  # {}\n  $ {}", lang.pick(e.zh, e.en), e.line));
    }
    Some(out)
}

pub const EXAMPLES: &[(&str, &[Example])] = &[
    (
        "",
        &[
            ex("打开控制台（值班台的全屏界面）", "Open the console (the duty desk's full screen)", "duty"),
            ex("在演示中心上试用", "Try it on the demo centre", "duty demo"),
            ex(
                "用 vim 键位和浅色主题",
                "With vim keys and the light theme",
                "duty --keymap vim --theme light",
            ),
        ],
    ),
    (
        "demo",
        &[
            ex(
                "在临时的演示中心上打开控制台",
                "The console on a demo centre in a temporary store",
                "duty demo",
            ),
            ex("保留演示的站点和存储", "Keep the demo's site and store", "duty demo --dir /tmp/duty-demo"),
        ],
    ),
    (
        "init",
        &[
            ex("把示例站点写到默认位置", "Write the sample site where duty looks for it", "duty init"),
            ex("写到指定目录", "Write it to a folder of your choice", "duty init /etc/duty/site"),
        ],
    ),
    ("config", &[ex("检查站点配置", "Check the site configuration", "duty config check")]),
    (
        "config check",
        &[
            ex(
                "检查站点配置（错误带文件:行:列）",
                "Check the site (errors name file:line:col)",
                "duty config check",
            ),
            ex("检查另一个站点目录", "Check another site folder", "duty config check --site /etc/duty/site"),
        ],
    ),
    (
        "incident",
        &[
            ex(
                "登记事件",
                "Open an incident",
                "duty incident open --title \"中心数据库服务器无法连接\" --severity serious --host central-db",
            ),
            ex("响应并处理", "Respond to it and work it", "duty incident ack GZ-20261201-001"),
            ex("未关闭的事件", "The incidents not closed", "duty incident list"),
        ],
    ),
    (
        "incident open",
        &[
            ex(
                "登记一个严重事件",
                "Open a serious incident",
                "duty incident open --title \"中心数据库服务器无法连接\" --severity serious --host central-db",
            ),
            ex(
                "按接报时间补登（15:00 接到电话；不早于站点允许补登的小时数）",
                "Open one reported earlier (a call at 15:00, within the hours the site allows)",
                "duty incident open --title \"门户网站无法访问\" --severity ordinary --reported-at 15:00",
            ),
        ],
    ),
    (
        "incident ack",
        &[
            ex(
                "响应事件（响应时限到此为止）",
                "Respond to an incident (its response clock stops)",
                "duty incident ack GZ-20261201-001",
            ),
            ex(
                "补记十分钟前的响应",
                "Record a response made ten minutes ago",
                "duty incident ack GZ-20261201-001 --at 14:50 --backdate-reason \"电话中\"",
            ),
        ],
    ),
    (
        "incident onsite",
        &[ex("记录已到达现场", "Record that an engineer is on site", "duty incident onsite GZ-20261201-001")],
    ),
    (
        "incident escalate",
        &[ex(
            "上报厂商",
            "Escalate to the vendor",
            "duty incident escalate GZ-20261201-001 --vendor 数据库厂商 --note \"已提交工单\"",
        )],
    ),
    (
        "incident call",
        &[
            ex(
                "记录给系统负责人的电话",
                "Record a call to the system's owner",
                "duty incident call GZ-20261201-001 --to duty_lead --name 李工",
            ),
            ex(
                "电话无人接听",
                "The call was not answered",
                "duty incident call GZ-20261201-001 --to leadership --name 王主任 --no-answer",
            ),
        ],
    ),
    (
        "incident pause",
        &[ex(
            "等待厂商时暂停解决时限",
            "Pause the resolution clock while the vendor works",
            "duty incident pause GZ-20261201-001 --reason vendor",
        )],
    ),
    ("incident resume", &[ex("恢复计时", "Resume the clocks", "duty incident resume GZ-20261201-001")]),
    (
        "incident resolve",
        &[ex(
            "记录原因和解决方案",
            "Record the cause and the solution",
            "duty incident resolve GZ-20261201-001 --cause \"监听进程退出\" --solution \"重启监听\"",
        )],
    ),
    (
        "incident report",
        &[ex(
            "填写故障报告单",
            "File the fault report",
            "duty incident report GZ-20261201-001 --description \"数据库监听中断 20 分钟\" --measures \"增加监听监控\"",
        )],
    ),
    (
        "incident close",
        &[ex(
            "审核后关闭（值班负责人）",
            "Close it after review (a lead)",
            "duty incident close GZ-20261201-001 --note \"审核通过\"",
        )],
    ),
    (
        "incident note",
        &[ex("添加备注", "Add a note", "duty incident note GZ-20261201-001 \"厂商 10:00 到场\"")],
    ),
    (
        "incident confirm",
        &[ex(
            "记录用户的确认和评价",
            "Record the requester's confirmation and rating",
            "duty incident confirm GZ-20261201-001 --by 张三 --how phone --rating basic",
        )],
    ),
    (
        "incident plan",
        &[
            ex(
                "适用于该事件的应急预案",
                "The emergency plan that fits it",
                "duty incident plan GZ-20261201-001",
            ),
            ex(
                "改用指定的预案",
                "Follow a plan of your choice",
                "duty incident plan GZ-20261201-001 network",
            ),
        ],
    ),
    (
        "incident step",
        &[
            ex(
                "完成预案的第 2 步",
                "Step 2 of its plan is done",
                "duty incident step GZ-20261201-001 2 --done",
            ),
            ex(
                "跳过一步并说明原因",
                "Skip a step and say why",
                "duty incident step GZ-20261201-001 3 --skip --note \"不适用\"",
            ),
        ],
    ),
    (
        "incident problem",
        &[ex(
            "转为问题",
            "Turn it into a problem",
            "duty incident problem GZ-20261201-001 --note \"本月第三次\"",
        )],
    ),
    (
        "incident handover",
        &[ex(
            "转交给另一位值班人员",
            "Pass it on to another engineer",
            "duty incident handover GZ-20261201-001 --to zhangsan",
        )],
    ),
    (
        "incident correct",
        &[ex(
            "更正接报时间",
            "Correct the report time",
            "duty incident correct GZ-20261201-001 --reported-at \"yesterday 23:10\" --reason \"昨天录入有误\"",
        )],
    ),
    (
        "incident list",
        &[
            ex(
                "未关闭的事件，按紧急程度",
                "The incidents not closed, most urgent first",
                "duty incident list",
            ),
            ex(
                "某设备的特别严重事件",
                "The critical incidents of one host",
                "duty incident list --severity critical --host central-db",
            ),
            ex(
                "今天以来的事件，CSV",
                "Those since midnight, as CSV",
                "duty incident list --all --since 00:00 -o csv",
            ),
        ],
    ),
    (
        "incident show",
        &[
            ex(
                "一个事件及其时限和经过",
                "One incident with its clocks and timeline",
                "duty incident show GZ-20261201-001",
            ),
            ex("给脚本用的 JSON", "As JSON for a script", "duty incident show GZ-20261201-001 --json"),
        ],
    ),
    (
        "engine",
        &[ex("无界面运行引擎（systemd 服务）", "Run the engine headless (a systemd service)", "duty engine")],
    ),
    ("serve", &[ex("运行服务（systemd 服务）", "Run the service (a systemd service)", "duty serve")]),
    ("man", &[ex("阅读手册", "Read the manual", "duty man | man -l -")]),
    (
        "completions",
        &[ex(
            "安装 bash 补全",
            "Install bash completion",
            "duty completions bash > /etc/bash_completion.d/duty",
        )],
    ),
    (
        "status",
        &[
            ex("各设备的当前状态", "The machines as they are now", "duty status"),
            ex("给脚本用的 JSON", "As JSON for a script", "duty status --json"),
        ],
    ),
    (
        "checklist",
        &[
            ex("今天的巡检", "Today's inspections", "duty checklist list"),
            ex("开始数据交换检查", "Start the data-exchange check", "duty checklist start exchange"),
        ],
    ),
    (
        "checklist list",
        &[
            ex("今天的巡检及其状态", "Today's inspections and where each stands", "duty checklist list"),
            ex("某一天的巡检", "Those of another day", "duty checklist list --date 2026-12-01"),
        ],
    ),
    (
        "checklist start",
        &[ex(
            "开始到期的数据交换检查",
            "Start the data-exchange check that is due",
            "duty checklist start exchange",
        )],
    ),
    (
        "checklist item",
        &[
            ex(
                "记一项正常",
                "Mark an item normal",
                "duty checklist item exchange@20261201T0830 nodes --result normal",
            ),
            ex(
                "记一项严重（巡检暂停）",
                "Mark one critical (the run pauses)",
                "duty checklist item exchange@20261201T0830 channel --result critical --note \"MQ 通道停止\"",
            ),
        ],
    ),
    (
        "checklist notify",
        &[ex(
            "记录已通知负责人",
            "Record that the owner and the lead were told",
            "duty checklist notify exchange@20261201T0830 channel",
        )],
    ),
    (
        "checklist decide",
        &[ex(
            "值班负责人决定继续巡检",
            "A lead decides the run goes on",
            "duty checklist decide exchange@20261201T0830 --continue",
        )],
    ),
    (
        "checklist transfer",
        &[ex(
            "记录人工交换",
            "Record a transfer made by hand",
            "duty checklist transfer exchange@20261201T0830 channel --note \"12 个文件已人工交换\"",
        )],
    ),
    (
        "checklist sign",
        &[ex("签字完成巡检", "Sign the finished run", "duty checklist sign exchange@20261201T0830")],
    ),
    (
        "checklist decline",
        &[ex(
            "提前声明无法完成",
            "Declare in advance that a run cannot be done",
            "duty checklist decline exchange@20261201T1700 --reason \"停电检修\"",
        )],
    ),
    (
        "checklist report",
        &[
            ex("今天的巡检日报", "Today's daily inspection report", "duty checklist report"),
            ex(
                "一周的巡检周报（CSV）",
                "A week's report as CSV",
                "duty checklist report --week 2026-11-30 --format csv",
            ),
        ],
    ),
    (
        "ssh",
        &[
            ex(
                "在前置机上运行一个排查动作",
                "Run a triage action on a front-end machine",
                "duty ssh run frontend-1 mq-status",
            ),
            ex("最近的 SSH 操作", "The SSH runs so far", "duty ssh history"),
        ],
    ),
    (
        "ssh run",
        &[
            ex("查看 MQ 状态", "See the MQ's state", "duty ssh run frontend-1 mq-status"),
            ex("在一组设备上运行", "Run it on a group of machines", "duty ssh run @前置机 mq-status"),
        ],
    ),
    (
        "ssh confirm",
        &[ex(
            "第二人确认一个待确认的动作",
            "A second engineer confirms an action that waits",
            "duty ssh confirm 3",
        )],
    ),
    ("ssh asks", &[ex("等待确认的动作", "The actions waiting for a second engineer", "duty ssh asks")]),
    (
        "ssh history",
        &[
            ex("所有 SSH 操作", "Every SSH run", "duty ssh history"),
            ex("某台设备的 SSH 操作", "Those on one host", "duty ssh history --host frontend-1"),
        ],
    ),
    (
        "ssh trust",
        &[ex(
            "线下核对后信任主机密钥",
            "Trust a host key after checking it out of band",
            "duty ssh trust frontend-1 --fingerprint SHA256:abc",
        )],
    ),
    (
        "kb",
        &[
            ex("查找上次的解决办法", "Find what fixed it last time", "duty kb search 监听 timeout"),
            ex("写一条知识", "Write an entry", "duty kb write --title \"监听中断\" --body \"重启监听\""),
        ],
    ),
    (
        "kb search",
        &[ex(
            "中英文词均可，词的一部分也可",
            "Chinese or English words, or parts of them",
            "duty kb search 监听 timeout",
        )],
    ),
    ("kb show", &[ex("一条知识的全文", "One entry in full", "duty kb show GZ-20261121-001")]),
    (
        "kb write",
        &[ex("写一条知识", "Write an entry", "duty kb write --title \"监听中断\" --body \"重启监听进程\"")],
    ),
    (
        "kb edit",
        &[ex("修改标题", "Change its title", "duty kb edit GZ-20261121-001 --title \"数据库监听中断\"")],
    ),
    (
        "problem",
        &[
            ex(
                "登记问题",
                "Open a problem",
                "duty problem open --title \"数据库监听反复中断\" --incident GZ-20261201-001",
            ),
            ex("未关闭的问题", "The problems not closed", "duty problem list"),
        ],
    ),
    (
        "problem open",
        &[ex(
            "由事件登记问题",
            "Open a problem behind an incident",
            "duty problem open --title \"数据库监听反复中断\" --incident GZ-20261201-001",
        )],
    ),
    (
        "problem link",
        &[ex("关联另一个事件", "Link another incident to it", "duty problem link PRB-1 GZ-20261202-001")],
    ),
    (
        "problem update",
        &[ex("记录进展", "Record progress", "duty problem update PRB-1 --cause \"驱动缺陷（厂商分析中）\"")],
    ),
    (
        "problem known-error",
        &[ex(
            "记为已知错误及临时办法",
            "Record it as a known error with its workaround",
            "duty problem known-error PRB-1 --cause \"驱动缺陷\" --workaround \"重启监听\"",
        )],
    ),
    (
        "problem resolve",
        &[ex(
            "记录根本解决办法",
            "Record the lasting fix",
            "duty problem resolve PRB-1 --solution \"升级驱动\"",
        )],
    ),
    ("problem close", &[ex("关闭问题", "Close the problem", "duty problem close PRB-1")]),
    (
        "problem list",
        &[
            ex(
                "未关闭的问题和月度回顾提醒",
                "Open problems and the monthly review's reminder",
                "duty problem list",
            ),
            ex("包括已关闭的，JSON", "All of them, as JSON", "duty problem list --all --json"),
        ],
    ),
    ("problem show", &[ex("一个问题及其事件", "One problem with its incidents", "duty problem show PRB-1")]),
    (
        "problem review",
        &[ex(
            "值班负责人记录本月回顾",
            "A lead records this month's review",
            "duty problem review --note \"两个问题仍在处理\"",
        )],
    ),
    (
        "change",
        &[
            ex(
                "申请变更",
                "Request a change",
                "duty change request --what \"数据库补丁\" --why \"安全更新\" --host central-db --risk medium --rollback \"回退补丁\" --from \"2026-12-02 22:00\" --until \"2026-12-03 01:00\"",
            ),
            ex("所有变更", "Every change", "duty change list"),
        ],
    ),
    (
        "change request",
        &[ex(
            "申请一个夜间窗口的变更",
            "Request a change in a night window",
            "duty change request --what \"数据库补丁\" --why \"安全更新\" --host central-db --risk medium --rollback \"回退补丁\" --from \"2026-12-02 22:00\" --until \"2026-12-03 01:00\"",
        )],
    ),
    (
        "change approve",
        &[
            ex(
                "批准（另一位值班负责人）",
                "Approve it (a lead other than the requester)",
                "duty change approve CHG-20261202-1",
            ),
            ex(
                "紧急变更的电话批准",
                "An emergency change approved by phone",
                "duty change approve CHG-20261202-2 --oral-by 王主任",
            ),
        ],
    ),
    (
        "change reject",
        &[ex(
            "驳回并说明原因",
            "Reject it and say why",
            "duty change reject CHG-20261202-1 --reason \"窗口与巡检冲突\"",
        )],
    ),
    (
        "change document",
        &[ex(
            "补记紧急变更",
            "Write up an emergency change",
            "duty change document CHG-20261202-2 --text \"已更换故障网卡\"",
        )],
    ),
    ("change start", &[ex("开始实施", "Start the work", "duty change start CHG-20261202-1")]),
    (
        "change finish",
        &[
            ex("成功完成", "It succeeded", "duty change finish CHG-20261202-1 --result succeeded"),
            ex(
                "已回退",
                "It was rolled back",
                "duty change finish CHG-20261202-1 --result rolled_back --note \"补丁导致连接失败\"",
            ),
        ],
    ),
    ("change list", &[ex("所有变更及其状态", "Every change and where it stands", "duty change list")]),
    ("change show", &[ex("一个变更的全部记录", "One change in full", "duty change show CHG-20261202-1")]),
    (
        "maintenance",
        &[
            ex(
                "登记维护窗口",
                "Add a maintenance window",
                "duty maintenance add --host central-db --to \"2026-12-02 02:00\" --reason \"打补丁\"",
            ),
            ex("当前的维护窗口", "The windows in force", "duty maintenance list"),
        ],
    ),
    (
        "maintenance add",
        &[ex(
            "从现在到凌晨两点的维护窗口",
            "A window from now until 02:00",
            "duty maintenance add --host central-db --to \"2026-12-02 02:00\" --reason \"打补丁\"",
        )],
    ),
    (
        "maintenance list",
        &[ex("当前和将来的维护窗口", "The windows in force and to come", "duty maintenance list")],
    ),
    ("maintenance end", &[ex("提前结束维护窗口", "End a window early", "duty maintenance end 1")]),
    (
        "contract",
        &[
            ex("本合同期的超时与违约", "Late responses and breaches in the contract period", "duty contract"),
            ex("给脚本用的 JSON", "As JSON for a script", "duty contract --json"),
        ],
    ),
    (
        "report",
        &[
            ex(
                "故障报告单，打印版",
                "The fault report, to print",
                "duty report fault GZ-20261201-001 --format pdf > 故障报告单.pdf",
            ),
            ex("服务月报", "The monthly service report", "duty report month --month 2026-11"),
        ],
    ),
    (
        "report handover",
        &[
            ex("最近一次交接班记录", "The latest handover record", "duty report handover"),
            ex(
                "某次交接班的打印页面",
                "One handover as a page to print",
                "duty report handover handover@20261201T2000 --format html > 交接班记录.html",
            ),
        ],
    ),
    (
        "report fault",
        &[
            ex("故障报告单（Markdown）", "The fault report (Markdown)", "duty report fault GZ-20261201-001"),
            ex(
                "打印为 PDF（需要 Chromium）",
                "Printed to PDF (needs Chromium)",
                "duty report fault GZ-20261201-001 --format pdf > 故障报告单.pdf",
            ),
        ],
    ),
    (
        "report week",
        &[
            ex("本周的服务周报", "This week's service report", "duty report week"),
            ex("某一周的 CSV", "Another week's as CSV", "duty report week --date 2026-11-16 --format csv"),
        ],
    ),
    (
        "report month",
        &[ex(
            "上个月的服务月报，打印版",
            "Last month's service report, to print",
            "duty report month --month 2026-11 --format pdf > 服务月报.pdf",
        )],
    ),
    (
        "report inspection",
        &[
            ex("今天的巡检表", "Today's inspection sheets", "duty report inspection"),
            ex(
                "一周的巡检表（按星期的 √/× 表），打印版",
                "A week's sheets with the weekday grid, to print",
                "duty report inspection --week 2026-11-30 --format html > 巡检周报.html",
            ),
        ],
    ),
    (
        "handover",
        &[
            ex("交接班及其状态", "The handovers and where each stands", "duty handover list"),
            ex(
                "接班人签字",
                "The incoming engineer signs",
                "duty handover sign handover@20261201T2000 --side incoming",
            ),
        ],
    ),
    ("handover list", &[ex("所有交接班", "Every handover", "duty handover list")]),
    (
        "handover sign",
        &[
            ex(
                "交班人签字",
                "The outgoing engineer signs",
                "duty handover sign handover@20261201T2000 --side outgoing",
            ),
            ex(
                "接班人签字",
                "The incoming engineer signs",
                "duty handover sign handover@20261201T2000 --side incoming",
            ),
        ],
    ),
    (
        "roster",
        &[
            ex("现在和下一班的值班人员", "Who is on duty now and next", "duty roster show"),
            ex(
                "排班（值班负责人）",
                "Set a shift's engineers (a lead)",
                "duty roster set --shift 夜班 --date 2026-12-03 zhangsan lisi",
            ),
        ],
    ),
    ("roster show", &[ex("现在和下一班的值班人员", "Who is on duty now and next", "duty roster show")]),
    (
        "roster set",
        &[ex(
            "排定某天夜班",
            "Set a night's engineers",
            "duty roster set --shift 夜班 --date 2026-12-03 zhangsan lisi",
        )],
    ),
    (
        "log",
        &[
            ex("记一条值班记录", "Write a note in the duty log", "duty log note \"UPS 电池模块已更换\""),
            ex("本班的值班记录", "This shift's duty log", "duty log list"),
        ],
    ),
    ("log list", &[ex("本班的值班记录", "This shift's duty log", "duty log list")]),
    ("log note", &[ex("记一条备注", "Write a note", "duty log note \"UPS 电池模块已更换\"")]),
    (
        "log env",
        &[ex(
            "记录机房温湿度",
            "Record the room's temperature and humidity",
            "duty log env --temperature 22.5 --humidity 45 --weather 晴",
        )],
    ),
    (
        "log power",
        &[
            ex("供电正常", "The power was normal", "duty log power --normal"),
            ex(
                "一次停电",
                "A power cut",
                "duty log power --from 09:10 --to 09:20 --note \"市电中断，UPS 供电\"",
            ),
        ],
    ),
    (
        "log equipment",
        &[ex("设备进出", "Equipment in or out", "duty log equipment --who 李工 --what \"备用硬盘两块\"")],
    ),
    (
        "log visitor",
        &[ex(
            "来访登记",
            "A visitor",
            "duty log visitor --who 王工 --why \"更换风扇\" --from 09:30 --escort zhangsan",
        )],
    ),
    (
        "log request",
        &[ex(
            "受理一项服务请求",
            "A service request taken",
            "duty log request --from 业务处 --what \"开通 VPN 账号\"",
        )],
    ),
    (
        "log complete",
        &[ex(
            "记录第 12 条请求的结果",
            "Record what came of request 12",
            "duty log complete 12 --outcome \"已开通\"",
        )],
    ),
    (
        "audit",
        &[
            ex("验证记录的哈希链", "Verify the record's hash chain", "duty audit verify"),
            ex("谁在何时做了什么", "Who did what, when", "duty audit log --since 00:00"),
        ],
    ),
    (
        "audit verify",
        &[
            ex("验证哈希链", "Verify the hash chain", "duty audit verify"),
            ex(
                "用封印公钥验证导出的记录",
                "Verify an exported record with the seal's key",
                "duty audit verify --bundle audit-2026-11 --key verify.key",
            ),
        ],
    ),
    (
        "audit hash",
        &[ex(
            "今后用 SM3 计算哈希链（值班负责人）",
            "Hash the chain with SM3 from now on (a lead)",
            "duty audit hash sm3",
        )],
    ),
    (
        "audit export",
        &[ex(
            "导出给审计人员",
            "Export for the auditor",
            "duty audit export --since \"2026-11-01 00:00\" audit-2026-11",
        )],
    ),
    (
        "audit seal",
        &[ex("设置封印（一次）", "Set up the seals (once)", "duty audit seal init --verify-key verify.key")],
    ),
    (
        "audit seal init",
        &[ex(
            "设置封印，每 15 分钟一次",
            "Set up the seals, every 15 minutes",
            "duty audit seal init --verify-key verify.key --interval 15min",
        )],
    ),
    (
        "audit log",
        &[
            ex("今天的操作记录", "Today's record of actions", "duty audit log --since 00:00"),
            ex("给脚本用的 JSON", "As JSON for a script", "duty audit log --json"),
        ],
    ),
    (
        "store",
        &[
            ex("从事件日志重建视图", "Rebuild the views from the event log", "duty store rebuild"),
            ex(
                "迁移到 PostgreSQL",
                "Move to PostgreSQL",
                "duty store copy --from duty.db --to postgres://duty@db.example:5432/duty",
            ),
        ],
    ),
    (
        "store rebuild",
        &[ex("从事件日志重建视图", "Rebuild the views from the event log", "duty store rebuild")],
    ),
    (
        "store migrate",
        &[ex(
            "建立或升级数据库结构（以其所有者身份）",
            "Create or upgrade the schema (as its owner)",
            "duty store migrate --store postgres://duty@db.example:5432/duty",
        )],
    ),
    (
        "store accept",
        &[ex(
            "接受经核对的记录现状",
            "Accept the record as it now stands, after checking it",
            "duty store accept",
        )],
    ),
    (
        "store grant",
        &[ex(
            "授予应用账号权限",
            "Grant the application's role its rights",
            "duty store grant duty_app --store postgres://duty@db.example:5432/duty",
        )],
    ),
    (
        "store copy",
        &[ex(
            "复制到 PostgreSQL",
            "Copy to PostgreSQL",
            "duty store copy --from duty.db --to postgres://duty@db.example:5432/duty",
        )],
    ),
    (
        "passwd",
        &[
            ex("设置自己的登录密码", "Set your own secret", "duty passwd"),
            ex("同时设置动态口令", "With an authenticator's code too", "duty passwd --second-factor"),
        ],
    ),
];
