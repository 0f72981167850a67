//! The Chinese of every text of the command line (see `help_text.rs`), keyed by the
//! English as written in the doc comments (whitespace folded).

use std::collections::HashMap;
use std::sync::LazyLock;

/// The Chinese for an English help text, if the table has it; a text that is Chinese
/// already (no Latin letter outside its brackets) is itself.
pub fn zh(english: &str) -> Option<String> {
    let folded = english.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(text) = TABLE.get(folded.as_str()) {
        return Some((*text).to_string());
    }
    let outside_brackets: String = folded.split('[').next().unwrap_or_default().to_string();
    (!outside_brackets.chars().any(|c| c.is_ascii_alphabetic())).then(|| outside_brackets.trim().to_string())
}

static TABLE: LazyLock<HashMap<&'static str, &'static str>> =
    LazyLock::new(|| PAIRS.iter().copied().collect());

const PAIRS: &[(&str, &str)] = &[
    (
        "Duty Console (值班控制台): incidents and their SLA clocks, inspections, SSH triage and the duty log for the machine room's duty engineers.",
        "值班控制台：机房值班人员的事件及其服务时限、巡检、SSH 排查和值班记录。",
    ),
    (
        "Duty Console: a terminal console for the duty engineers of a data-centre machine room",
        "值班控制台：数据中心机房值班人员的终端控制台",
    ),
    (
        "The site folder [env: DUTY_SITE; default: $XDG_CONFIG_HOME/duty/site]",
        "站点配置目录（环境变量 DUTY_SITE；默认 $XDG_CONFIG_HOME/duty/site）",
    ),
    (
        "The store file [env: DUTY_STORE; default: $XDG_DATA_HOME/duty/duty.db]",
        "存储文件（环境变量 DUTY_STORE；默认 $XDG_DATA_HOME/duty/duty.db）",
    ),
    (
        "Language of messages: zh or en [default: the site's, else the locale's]",
        "显示语言：zh 或 en（默认按站点设置，否则按系统区域设置）",
    ),
    (
        "Keymap: a built-in name (default, vim) or a file [default: $XDG_CONFIG_HOME/duty/keymap.toml over default]",
        "按键方案：内置名称（default、vim）或文件（默认 $XDG_CONFIG_HOME/duty/keymap.toml 覆盖 default）",
    ),
    (
        "Theme: a built-in name (dark, light, high-contrast, mono) or a file [default: $XDG_CONFIG_HOME/duty/theme.toml over dark]",
        "配色：内置名称（dark、light、high-contrast、mono）或文件（默认 $XDG_CONFIG_HOME/duty/theme.toml 覆盖 dark）",
    ),
    (
        "Set your own secret for signing in at the shared duty terminal (:login in its console), in your own session; typed twice, never shown",
        "在本人自己的账户中设置在共用值班终端登录（控制台中的 :login）所用的口令；输入两次，不显示",
    ),
    (
        "Also set up a time-based code from an authenticator app (a second factor)",
        "同时设置验证器应用的动态码（第二重认证）",
    ),
    (
        "Record the requester's confirmation of the resolution and their rating (the contract's satisfaction target is 90 %)",
        "记录报障用户对解决结果的确认及评价（合同要求满意率不低于 90%）",
    ),
    (
        "Start an emergency plan (应急预案) of the site on the incident: the one named, else the one that fits its class, area and title best",
        "在事件上启动站点的应急预案：指定的预案，否则按事件类别、故障所属与标题选最适合的一个",
    ),
    ("The plan's id (its file name in plans/)", "预案编号（plans/ 目录中的文件名）"),
    (
        "Record a step of the running emergency plan as done, or skipped with a note",
        "记录正在执行的应急预案中某一步骤已完成，或跳过（须说明原因）",
    ),
    ("The step's number, from 1", "步骤序号，从 1 开始"),
    ("The step was done", "该步骤已完成"),
    ("The step was skipped (say why with --note)", "跳过该步骤（用 --note 说明原因）"),
    (
        "Changes (变更): request, a lead's approval (outside working hours), the window, the result",
        "变更：申请、负责人审批（工作时间以外实施）、维护窗口、结果",
    ),
    (
        "Ask for a change: what, why, the hosts, the risk, the way back and the window; prints its number",
        "申请变更：内容、原因、设备、风险、回退方案与计划时段；输出变更编号",
    ),
    (
        "normal (planned outside working hours, approved by a lead) | emergency",
        "normal（常规变更：工作时间以外实施，由负责人审批）| emergency（紧急变更）",
    ),
    ("What is changed", "变更内容"),
    ("Why it is needed", "变更原因"),
    ("low | medium | high", "low（低）| medium（中）| high（高）"),
    ("How it is undone if it goes wrong (required)", "出现问题时如何回退（必填）"),
    (
        "Start of the planned window (RFC 3339 or the site's time such as 22:00, 2026-12-02 22:00, yesterday 23:10)",
        "计划时段开始（RFC 3339 或站点时间，如 22:00、2026-12-02 22:00、昨天 23:10）",
    ),
    (
        "End of the planned window (RFC 3339 or the site's time such as 22:00, 2026-12-02 22:00, yesterday 23:10)",
        "计划时段结束（RFC 3339 或站点时间，如 22:00、2026-12-02 22:00、昨天 23:10）",
    ),
    (
        "Approve a change (a lead other than its requester); its hosts go into maintenance for its window",
        "审批变更（由申请人以外的负责人）；其设备在计划时段内进入维护",
    ),
    ("An emergency change approved by word of mouth: who approved it", "紧急变更口头审批：审批人姓名"),
    ("Reject a requested change (a lead)", "驳回变更申请（负责人）"),
    (
        "Write up an emergency change after the fact (within the site's limit)",
        "事后补记紧急变更（在站点规定时限内）",
    ),
    ("The approved change begins", "已批准的变更开始实施"),
    ("The change is over: succeeded, failed or rolled back", "变更结束：成功、失败或已回退"),
    ("succeeded | failed | rolled_back", "succeeded（成功）| failed（失败）| rolled_back（已回退）"),
    ("What happened (needed unless it succeeded)", "情况说明（未成功时必填）"),
    ("List changes, latest window first", "列出变更，计划时段最近的在前"),
    (
        "Show one change with the incidents opened on its hosts in its window",
        "显示一项变更及其时段内在其设备上发生的事件",
    ),
    (
        "Problems (问题): what lies behind incidents not fully solved, and the monthly review",
        "问题：未能彻底解决的事件背后的原因，及月度评审",
    ),
    (
        "Open a problem, with the incidents it lies behind; prints its number",
        "登记问题及其关联事件；输出问题编号",
    ),
    ("An incident it lies behind (repeat for several)", "关联的事件（可重复）"),
    ("What is suspected", "疑似原因"),
    ("How users get by meanwhile", "临时措施"),
    ("Who follows it up (an operator's login) [default: you]", "跟进人（值班人员登录名）[默认：本人]"),
    ("Link another incident to the problem", "为问题关联另一事件"),
    ("Record what is suspected now, or a new workaround", "记录新的疑似原因或临时措施"),
    (
        "The cause and the workaround are known: a known error (已知错误)",
        "原因与临时措施均已明确：确认为已知错误",
    ),
    ("Resolved, with the solution", "已解决，记录解决方案"),
    ("Close a resolved problem (a lead)", "关闭已解决的问题（负责人）"),
    (
        "List problems not closed (all with --all), with the monthly review's reminder",
        "列出未关闭的问题（--all 列出全部），并提示月度评审",
    ),
    ("Show one problem, its incidents and those that look like them", "显示一个问题、其关联事件及相似事件"),
    ("Record the monthly problem review (a lead)", "记录月度问题评审（负责人）"),
    ("The month reviewed, YYYY-MM [default: this month]", "评审的月份，YYYY-MM [默认：本月]"),
    (
        "The knowledge base (知识库): what fixed it last time, searched in Chinese and English",
        "知识库：以往的解决办法，可用中文和英文检索",
    ),
    (
        "Search the knowledge base: every word must be found (Chinese or English, any part of a word), the newest entries first",
        "检索知识库：每个词都须出现（中文或英文，可为词的一部分），最新的条目在前",
    ),
    ("The words to look for", "要查找的词"),
    ("How many entries at most", "最多列出的条目数"),
    ("Show one entry", "显示一个条目"),
    (
        "Write an entry by hand (a runbook, a known error); prints its number",
        "手工编写条目（操作手册、已知错误）；输出条目编号",
    ),
    ("A host it is about (repeat for several)", "相关设备（可重复）"),
    (
        "Edit an entry (an incident's too): what is not given stays",
        "修改条目（含来自事件的条目）：未给出的部分保持不变",
    ),
    ("The note", "备注内容"),
    ("The note (the same as giving it after the id)", "备注内容（与写在编号之后相同）"),
    (
        "Record the room's environment: temperature, humidity and the weather outside",
        "记录机房环境：温度、湿度与室外天气",
    ),
    ("Degrees Celsius", "摄氏度"),
    ("Relative humidity, percent", "相对湿度（百分比）"),
    (
        "Record the power supply: normal, or interrupted from a time (to a time)",
        "记录供电情况：正常，或自某时起中断（至某时）",
    ),
    ("The supply was normal", "供电正常"),
    ("Interrupted from (HH:MM, the site's time)", "中断起始时间（HH:MM，站点时间）"),
    ("Back at (HH:MM)", "恢复时间（HH:MM）"),
    (
        "Record equipment used: who used what, its state before and after",
        "登记设备使用：使用人、设备、使用前后状态",
    ),
    (
        "Record a visitor: who, why, from when (to when), escorted by whom",
        "来访登记：来访人、事由、进入（离开）时间、陪同人",
    ),
    ("Came in at (HH:MM)", "进入时间（HH:MM）"),
    (
        "Left at (HH:MM; or later with duty log complete)",
        "离开时间（HH:MM；或稍后用 duty log complete 补记）",
    ),
    (
        "Record a user's request or complaint: from whom, what, what came of it",
        "登记用户诉求或投诉：提出人、内容、处理结果",
    ),
    ("It is a complaint", "属于投诉"),
    ("What came of it (or later with duty log complete)", "处理结果（或稍后用 duty log complete 补记）"),
    ("table | wide | json | csv", "table（表格）| wide（宽表格）| json | csv"),
    ("The same as -o json", "等同于 -o json"),
    ("The table with class, area, hosts and the report time.", "含分类、故障所属、设备与报告时间的表格"),
    (
        "open | acknowledged | on_site | resolved | reported | closed (repeat for several)",
        "open（待响应）| acknowledged（已响应）| on_site（已到场）| resolved（已解决）| reported（已报告）| closed（已关闭）（可重复）",
    ),
    (
        "ordinary | serious | critical (repeat for several)",
        "ordinary（一般）| serious（严重）| critical（特别严重）（可重复）",
    ),
    ("Only the incidents of this host", "只列出该设备的事件"),
    ("Only those this operator owns (their login)", "只列出该值班人员负责的事件（登录名）"),
    (
        "Only those at or after this time (RFC 3339 or the site's time such as 22:00, 2026-12-02 22:00, yesterday 23:10)",
        "只列出不早于该时间的（RFC 3339 或站点时间，如 22:00、2026-12-02 22:00、昨天 23:10）",
    ),
    (
        "Only those before this time (RFC 3339 or the site's time such as 22:00, 2026-12-02 22:00, yesterday 23:10)",
        "只列出早于该时间的（RFC 3339 或站点时间，如 22:00、2026-12-02 22:00、昨天 23:10）",
    ),
    ("Include the windows that are over", "包括已结束的维护窗口"),
    ("Only the changes to this host", "只列出涉及该设备的变更"),
    ("Only the entries about this host", "只列出关于该设备的条目"),
    ("Only the entries this operator wrote (their login)", "只列出该值班人员写的记录（登录名）"),
    (
        "Only the events of this kind or family (incident.acknowledged, ssh)",
        "只列出该类型或该类的事件（incident.acknowledged、ssh）",
    ),
    ("Only the events of this operator (their login)", "只列出该值班人员的事件（登录名）"),
    ("Only the runs of this operator (their login)", "只列出该值班人员的操作（登录名）"),
    ("Only the runs this operator started (their login)", "只列出该值班人员开始的巡检（登录名）"),
    ("Only the windows of this host", "只列出该设备的维护窗口"),
    ("Only those this operator follows up (their login)", "只列出该值班人员跟进的问题（登录名）"),
    (
        "Only those this operator handed over or took over (their login)",
        "只列出该值班人员交班或接班的（登录名）",
    ),
    ("Only those this operator requested (their login)", "只列出该值班人员申请的变更（登录名）"),
    ("Only those whose incidents include one of this host", "只列出所关联事件涉及该设备的问题"),
    (
        "open | known_error | resolved | closed (repeat for several)",
        "open（未解决）| known_error（已知错误）| resolved（已解决）| closed（已关闭）（可重复）",
    ),
    (
        "requested | approved | rejected | started | finished (repeat for several)",
        "requested（已申请）| approved（已批准）| rejected（已驳回）| started（实施中）| finished（已结束）（可重复）",
    ),
    (
        "upcoming | due | in_progress | paused | overdue | missed | done | done_late | declined (repeat for several)",
        "upcoming（未到）| due（应检）| in_progress（进行中）| paused（暂停）| overdue（超时未完）| missed（漏检）| done（按时完成）| done_late（超时完成）| declined（声明无法完成）（可重复）",
    ),
    ("Who confirmed it (the requester)", "确认人（报障用户）"),
    ("phone | on_site | writing", "phone（电话）| on_site（现场）| writing（书面）"),
    ("satisfied | basic | dissatisfied", "satisfied（满意）| basic（基本满意）| dissatisfied（不满意）"),
    ("What they said (needed when dissatisfied)", "用户意见（不满意时必填）"),
    (
        "The console on a built-in demo centre, in a fresh temporary store",
        "在内置演示中心上打开控制台（使用新的临时存储）",
    ),
    (
        "Keep the demo site and store in this folder instead of a temporary one",
        "把演示站点和存储保存在此目录，而不是临时目录",
    ),
    (
        "Write a commented sample site (the centre's machines, the contract's rules)",
        "写出带注释的示例站点（中心的设备、合同的规则）",
    ),
    ("Where to write it [default: the site folder]", "写到哪里（默认：站点配置目录）"),
    ("Check the site configuration", "检查站点配置"),
    (
        "Load and validate the site; print every problem as file:line:col",
        "加载并校验站点，每个问题按 文件:行:列 列出",
    ),
    ("Record and work incidents", "登记和处理事件"),
    (
        "Run the engine headless (probes, alert sources): for a systemd unit. Only the process holding the lease runs checks; others wait to take over",
        "无界面运行引擎（探测、告警源），供 systemd 单元使用。只有持有租约的进程执行检查，其他进程等待接替",
    ),
    (
        "Run the service (store, engine, Unix socket): every console and command of a site with a [service] section goes through it, and the kernel says who each one is",
        "运行服务（存储、引擎、Unix 套接字）：配置了 [service] 的站点，所有控制台和命令都经由它，由内核确认每个操作者的身份",
    ),
    (
        "Inspections (巡检): the twice-daily data-exchange check and the inspection sheets",
        "巡检：每日两次的数据交换检查和各类巡检表",
    ),
    (
        "Maintenance windows: failures inside one are shown but open no incident",
        "维护窗口：窗口内的故障照常显示，但不自动录入事件",
    ),
    (
        "SSH triage actions on the machines (every run is in the audit log)",
        "在设备上执行 SSH 排查操作（每次执行都记入审计日志）",
    ),
    ("Prove the record: verify the hash chain, read the log", "证明记录：校验哈希链，查看日志"),
    ("The duty log (值班记录) of the shift in force", "当前班次的值班记录"),
    ("Who is on duty in each shift", "各班次的值班人员"),
    ("Shift handovers: list them, sign one", "交接班：列出、签字"),
    (
        "Reports: the handover, a fault report (故障报告单), the weekly and monthly service reports",
        "报告：交接班记录、故障报告单、周报和月度服务报告",
    ),
    (
        "Where the contract stands: late responses and breaches in the contract period",
        "合同执行情况：合同期内的响应超时和违约次数",
    ),
    (
        "The machines as the inspection sheet shows them, live: √ normal, ! warning, × critical, ? unknown or not run, - no such check on that machine",
        "按巡检表列出设备的实时状态：√ 正常，! 警告，× 严重，? 未知或未运行，- 该设备无此项检查",
    ),
    ("Print JSON", "输出 JSON"),
    ("Maintain the store", "维护存储"),
    ("Print the manual page (roff): `duty man | man -l -`", "输出手册页（roff）：`duty man | man -l -`"),
    (
        "Print a completion script: `duty completions bash > /etc/bash_completion.d/duty`",
        "输出命令补全脚本：`duty completions bash > /etc/bash_completion.d/duty`",
    ),
    ("bash, zsh or fish", "bash、zsh 或 fish"),
    ("Record a new incident; prints its number", "录入新事件，输出其编号"),
    ("List incidents, most urgent first", "列出事件，最紧急的在前"),
    ("Include closed incidents", "包括已关闭的事件"),
    ("Show one incident with its clocks and timeline", "显示一个事件及其计时和时间线"),
    ("Acknowledge (respond): you become the owner (首问负责制)", "响应（接手）：你成为负责人（首问负责制）"),
    ("Record arrival on site", "登记到场"),
    ("Add a note to the timeline", "在时间线上添加备注"),
    ("Escalate to a vendor (厂商)", "上报厂商"),
    ("Record an escalation call", "登记上报电话"),
    (
        "Pause the resolution clock: waiting on vendor | spare_parts | user",
        "暂停解决计时：等待 vendor（厂商）| spare_parts（备件）| user（用户）",
    ),
    ("Resume the resolution clock", "恢复解决计时"),
    ("Resolve, recording cause and solution for the next time", "解决，并记录原因和解决方案供下次参考"),
    ("File the fault report (故障报告单)", "填写故障报告单"),
    ("Close after review (leads only; you are the reviewer, 审核人)", "审核后关闭（仅负责人；你即审核人）"),
    (
        "Mark as a problem (问题) for the monthly review: it could not be fully solved",
        "转为问题，供月度回顾：未能彻底解决",
    ),
    (
        "Pass ownership on to another operator (the owner or a lead; at a handover)",
        "把负责人移交给另一位值班人员（由负责人或项目负责人在交接时进行）",
    ),
    (
        "Correct what was recorded wrongly (a correction event: who, why, what it replaces; the clocks and reports follow it). One field at a time",
        "更正记录错误之处（更正事件：谁、为何、替换了什么；计时和报告随之更正）。每次一个字段",
    ),
    ("The incident's number", "事件编号"),
    (
        "Refuse if the incident is no longer at this version (the one you looked at)",
        "若事件已不是此版本（你看到的版本）则拒绝",
    ),
    (
        "When it really happened (RFC 3339 or the site's time such as 22:00, 2026-12-02 22:00, yesterday 23:10, e.g. 2026-11-21T08:30:00+08:00) [default: now]",
        "实际发生时间（RFC 3339 或站点时间，如 22:00、2026-12-02 22:00、昨天 23:10，如 2026-11-21T08:30:00+08:00；默认：现在）",
    ),
    (
        "When the call came or the alarm fired (RFC 3339 or the site's time such as 22:00, 2026-12-02 22:00, yesterday 23:10) [default: now]",
        "来电或告警的时间（RFC 3339 或站点时间，如 22:00、2026-12-02 22:00、昨天 23:10；默认：现在）",
    ),
    ("A host of the site's inventory (repeat for several)", "站点设备清单中的设备（可重复指定多个）"),
    (
        "An engineer must go on site (starts the on-site clock at the response)",
        "需要工程师到场（响应时开始到场计时）",
    ),
    (
        "ordinary (一般) | serious (严重) | critical (特别严重)",
        "ordinary（一般）| serious（严重）| critical（特别严重）",
    ),
    ("ordinary | serious | critical", "ordinary（一般）| serious（严重）| critical（特别严重）"),
    ("fault | attack | disaster", "fault（故障）| attack（攻击）| disaster（灾害）"),
    (
        "system | database | network_device | other_application",
        "system（系统）| database（数据库）| network_device（网络设备）| other_application（其他应用）",
    ),
    (
        "duty_lead | vendor | leadership | security_group",
        "duty_lead（值班负责人）| vendor（厂商）| leadership（领导）| security_group（安全领导小组）",
    ),
    ("Who was called", "被呼叫人"),
    ("The call was not answered", "电话未接通"),
    ("The operator's login", "值班人员的登录名"),
    (
        "The report time as it really was (RFC 3339 or the site's time such as 22:00, 2026-12-02 22:00, yesterday 23:10); the reporter or a lead",
        "实际的报告时间（RFC 3339 或站点时间，如 22:00、2026-12-02 22:00、昨天 23:10）；由报告人或负责人更正",
    ),
    ("Why the record was wrong", "记录为何有误"),
    ("Today's inspections (or a date's) and where each stands", "今天（或某日）的巡检及其状态"),
    ("A local date, YYYY-MM-DD [default: today]", "本地日期 YYYY-MM-DD（默认：今天）"),
    (
        "Start a run: the template's latest occurrence due today (or the next one)",
        "开始巡检：该模板今天最近一次（或下一次）应做的巡检",
    ),
    (
        "A particular occurrence (run id such as exchange@20261121T0830)",
        "指定某一次巡检（编号如 exchange@20261121T0830）",
    ),
    ("The occurrence (run id)", "巡检编号"),
    ("Mark an item normal, warning or critical", "记录检查项结果：正常、警告或严重"),
    (
        "Record that the owner and the lead were told of a warning or critical item",
        "登记已将警告或严重项通知系统负责人和项目负责人",
    ),
    ("A lead's decision on a run paused by a critical item", "负责人对因严重项而暂停的巡检作出决定"),
    ("Go on with the inspection (else: stop it here)", "继续巡检（否则在此停止）"),
    (
        "Record a manual transfer (人工交换) made while data exchange failed",
        "登记数据交换故障期间进行的人工交换",
    ),
    ("Sign the run off", "签字完成巡检"),
    (
        "Declare that an occurrence cannot be done, with the reason (two hours' notice)",
        "声明某次巡检无法完成并说明原因（须提前两小时）",
    ),
    (
        "The inspection report of a run, a day, a week (with the weekday grid) or a month",
        "一次、一天、一周（含按星期的表格）或一个月的巡检报告",
    ),
    ("Any date of the week", "该周的任一日期"),
    ("How the report is written", "报告的格式"),
    ("A new text [default: as it is]", "新的正文（默认：不变）"),
    ("A new title [default: as it is]", "新的标题（默认：不变）"),
    ("A note for the record", "记入记录的备注"),
    ("How users get by meanwhile [default: as it is]", "期间用户的临时办法（默认：不变）"),
    ("How users get by until it is fixed", "修复之前用户的临时办法"),
    ("Include closed problems", "包括已关闭的问题"),
    ("Its state after", "之后的状态"),
    ("Its state before", "之前的状态"),
    ("One run's report", "一次巡检的报告"),
    ("Only the runs on this host", "只列出该设备上的操作"),
    ("Print JSON (for scripts)", "输出 JSON（供脚本使用）"),
    ("Stop the run here (instead of --continue)", "在此停止巡检（而非 --continue）"),
    ("The cause found", "查明的原因"),
    ("The change's id (CHG-YYYYMMDD-N)", "变更编号（CHG-YYYYMMDD-N）"),
    ("The date the shift starts, YYYY-MM-DD", "该班开始的日期，YYYY-MM-DD"),
    ("The day's runs [default: today]", "该日的巡检（默认：今天）"),
    ("The entry's id", "知识条目编号"),
    ("The handover's id (handover@YYYYMMDDTHHMM)", "交接班编号（handover@YYYYMMDDTHHMM）"),
    (
        "The handover's id (handover@YYYYMMDDTHHMM) [default: the latest]",
        "交接班编号（handover@YYYYMMDDTHHMM；默认：最近一次）",
    ),
    ("The host whose key is trusted", "要信任其密钥的设备"),
    ("The incident's id (GZ-YYYYMMDD-NNN)", "事件编号（GZ-YYYYMMDD-NNN）"),
    (
        "The inspection run's id (exchange@YYYYMMDDTHHMM), as checklist list shows it",
        "巡检编号（exchange@YYYYMMDDTHHMM），见 checklist list",
    ),
    ("The item's id in the sheet (nodes, channel, …)", "检查项在巡检表中的编号（nodes、channel …）"),
    ("The problem's id (PRB-N)", "问题编号（PRB-N）"),
    (
        "The sheet to start (a checklist of the site: exchange, daily, …)",
        "要开始的巡检表（站点的巡检表：exchange、daily …）",
    ),
    ("The shift, by its name in the site (白班, 夜班, …)", "班次在站点中的名称（白班、夜班 …）"),
    ("The vendor escalated to", "上报的厂商"),
    ("The visitor's name", "来访人姓名"),
    ("The weather outside", "室外天气"),
    ("The window's id, as maintenance list shows it", "维护窗口编号，见 maintenance list"),
    ("What caused it", "故障原因"),
    ("What equipment", "设备名称"),
    ("What fixed it for good", "根本解决办法"),
    ("What happened, in a line", "发生了什么（一句话）"),
    ("What is now suspected [default: as it is]", "目前怀疑的原因（默认：不变）"),
    ("What lies behind the incidents, in a line", "事件背后的问题（一句话）"),
    ("What the entry is about, in a line", "条目内容（一句话）"),
    ("What was asked for, or the complaint", "请求或投诉的内容"),
    ("What was done to resolve it", "解决方案"),
    ("What was done, written up", "补记所做的工作"),
    ("What was moved by hand", "人工交换了什么"),
    ("What was seen", "所见情况"),
    ("What was seen and what fixed it", "现象与解决办法"),
    ("What was seen, in full", "详细描述"),
    ("Who asked (a person or a department)", "提出人（个人或部门）"),
    ("Who brought it in or took it out", "带入或带出的人"),
    ("Who went with them (an operator's login)", "陪同人员（值班人员的登录名）"),
    ("Why the run goes on or stops", "继续或停止巡检的原因"),
    ("Why it is a problem (the first note of the problem)", "转为问题的原因（问题的第一条备注）"),
    ("Why it is rejected", "驳回原因"),
    (
        "Why the clock stops: vendor | spare_parts | user (waiting on them)",
        "计时暂停的原因：vendor（等厂商）| spare_parts（等备件）| user（等用户）",
    ),
    ("Why the run cannot be done", "无法完成巡检的原因"),
    ("Why they came", "来访事由"),
    ("normal | warning | critical", "normal（正常）| warning（警告）| critical（严重）"),
    ("outgoing (交班) | incoming (接班)", "outgoing（交班）| incoming（接班）"),
    ("sha256 | sm3", "sha256 | sm3"),
    (
        "The inspection sheets (巡检表) of a day, a week (with the weekday √/× grid) or a month",
        "一天、一周（含按星期的 √/× 表）或一个月的巡检表",
    ),
    ("The day [default: today]", "该日（默认：今天）"),
    ("YYYY-MM", "YYYY-MM（年-月）"),
    (
        "Put hosts (or some of their checks) into maintenance for a time",
        "让设备（或其部分检查）在一段时间内进入维护",
    ),
    ("A host of the site (repeat for several)", "站点的设备（可重复指定多个）"),
    (
        "Only this check (repeat); all checks of the hosts if none",
        "只包括此检查（可重复）；不指定则包括设备的全部检查",
    ),
    (
        "Start (RFC 3339 or the site's time such as 22:00, 2026-12-02 22:00, yesterday 23:10) [default: now]",
        "开始时间（RFC 3339 或站点时间，如 22:00、2026-12-02 22:00、昨天 23:10；默认：现在）",
    ),
    (
        "End (RFC 3339 or the site's time such as 22:00, 2026-12-02 22:00, yesterday 23:10)",
        "结束时间（RFC 3339 或站点时间，如 22:00、2026-12-02 22:00、昨天 23:10）",
    ),
    ("Why: the change being made", "原因：所做的变更"),
    ("List current and planned windows", "列出当前和计划中的维护窗口"),
    ("End a window now", "立即结束一个维护窗口"),
    (
        "Run an action of the site's catalog on a host, or on every host of a group",
        "在一台设备或一组设备上执行站点操作目录中的操作",
    ),
    (
        "An action of ssh.toml (or free-form, if the site allows it, with --command)",
        "ssh.toml 中的操作（站点允许时也可用 --command 自由输入）",
    ),
    (
        "A host, or @GROUP for every host whose group or role is GROUP",
        "设备，或 @组名 表示组或角色为该名称的全部设备",
    ),
    ("The command of a free-form action", "自由操作的命令"),
    (
        "Verify an exported bundle instead of the store (no site or store needed)",
        "验证导出的审计包而非存储（无需站点或存储）",
    ),
    (
        "Write the events of a period, with what joins them to the log and how to verify them, into a new folder for an auditor (nothing is deleted)",
        "将一段时间的事件、其与日志的衔接及验证方法写入新文件夹，交审计人员（不删除任何事件）",
    ),
    (
        "Events recorded at or after this time (RFC 3339 or the site's time such as 22:00, 2026-12-02 22:00, yesterday 23:10)",
        "记录于此时刻及之后的事件（RFC 3339 或站点时间，如 22:00、2026-12-02 22:00、昨天 23:10）",
    ),
    (
        "Events recorded at or before this time (RFC 3339 or the site's time such as 22:00, 2026-12-02 22:00, yesterday 23:10) [default: now]",
        "记录于此时刻及之前的事件（RFC 3339 或站点时间，如 22:00、2026-12-02 22:00、昨天 23:10）[默认：现在]",
    ),
    ("A new or empty folder", "新建或空的文件夹"),
    (
        "Choose the hash of the chain from now on (leads): sha256, or sm3 for a commercial-cryptography assessment; the choice is an event of the log",
        "选定此后哈希链所用的算法（组长）：sha256，或用于商用密码应用安全性评估的 sm3；此选择本身记为日志事件",
    ),
    (
        "Let a PostgreSQL role work the store and nothing more (run as the schema's owner): it reads and appends events, never changes or removes one",
        "授权一个 PostgreSQL 角色使用存储且仅此而已（由表结构所有者运行）：可读取并追加事件，不能修改或删除事件",
    ),
    ("The role the service and the engineers connect as", "服务与值班人员连接所用的角色"),
    (
        "Why the time is claimed so late (a lead, further back than an operator may)",
        "补记原因（组长补记早于值班人员权限的时间时）",
    ),
    ("For a dangerous action: type its name to confirm", "危险操作：输入其名称以确认"),
    (
        "Where the site requires two people: the ask another operator has confirmed (without it, the run asks and waits for their confirmation)",
        "站点要求双人操作时：另一名值班人员已确认的请求编号（不给出时，执行会发出请求并等待其确认）",
    ),
    (
        "Confirm, as the second person, another operator's ask to run a dangerous action",
        "作为第二人，确认另一名值班人员执行危险操作的请求",
    ),
    ("The ask's number, as its operator's run shows it", "请求编号（发起人的执行会显示）"),
    ("The asks for a second person still open", "尚未结束的第二人确认请求"),
    ("Print the audit records as JSON instead of streaming output", "以 JSON 输出审计记录，而不是实时输出"),
    ("The SSH runs in the log", "日志中的 SSH 执行记录"),
    (
        "Trust an unknown host key after checking its fingerprint out of band",
        "通过其他渠道核对指纹后信任未知的主机密钥",
    ),
    (
        "The fingerprint you checked (SHA256:...): it must be the one presented",
        "你核对过的指纹（SHA256:...）：必须与对方出示的一致",
    ),
    (
        "Walk the hash chain; exit 1 naming the first bad event if any was altered, deleted or reordered",
        "逐条校验哈希链；若有事件被篡改、删除或重排，指出第一条并以 1 退出",
    ),
    ("Print the event log", "输出事件日志"),
    (
        "Also check every seal with the verification key kept by the auditor",
        "同时用审计人员保管的验证密钥校验每个封印",
    ),
    ("Forward-secure sealing of the log", "日志的前向安全封印"),
    (
        "Start sealing (leads): writes the verification key for the auditor to keep off this machine, and seals the log every interval from now on",
        "开始封印（仅负责人）：写出验证密钥交审计人员离机保管，此后每个周期封印一次日志",
    ),
    ("Where to write the verification key (a new file)", "验证密钥写到哪里（新文件）"),
    ("How often a seal is written: 1s, 15min, 1h …", "封印周期：1s、15min、1h 等"),
    (
        "Only events recorded at or after this time (RFC 3339 or the site's time such as 22:00, 2026-12-02 22:00, yesterday 23:10)",
        "只包括此时间（RFC 3339 或站点时间，如 22:00、2026-12-02 22:00、昨天 23:10）及之后记录的事件",
    ),
    (
        "Accept the store as it is now after a deliberate restore (leads): this machine had seen it otherwise. The acceptance, with what was seen and what is there, is an event",
        "有意恢复存储后接受其现状（仅负责人）：本机曾见过不同的记录。接受本身，连同曾见与现有的内容，记为一个事件",
    ),
    ("The duty log of the shift in force", "当前班次的值班记录"),
    ("Write a free note in the duty log of the shift in force", "在当前班次的值班记录中写一条其他记录"),
    (
        "Complete an entry later: a visitor's departure or a request's outcome (recorded as a correction of its own; the entry stays as written)",
        "补记一条记录：来访者离开时间或诉求处理结果（作为单独的更正记录，原记录保持不变）",
    ),
    (
        "The entry's number (as `duty log list` and the console show it)",
        "记录编号（见 `duty log list` 或控制台）",
    ),
    ("When the visitor left (HH:MM, the site's time)", "来访者离开的时间（HH:MM，站点时间）"),
    ("What came of the request or complaint", "诉求或投诉的处理结果"),
    ("Why it is completed now (optional)", "补记原因（可选）"),
    ("Who is on duty in the shift in force and the next one", "当前班次和下一班次的值班人员"),
    ("Set who is on duty in one shift on one date (leads only)", "设置某日某班次的值班人员（仅负责人）"),
    ("Operator logins", "值班人员登录名"),
    ("Every handover and where it stands", "全部交接班及其状态"),
    (
        "Sign a handover whose steps are all done: outgoing first, then incoming",
        "为所有步骤已完成的交接班签字：交班人先签，接班人后签",
    ),
    (
        "The handover report (交接班记录); the latest handover if no id is given",
        "交接班记录；不指定编号则为最近一次交接班",
    ),
    ("The fault report (故障报告单) of an incident", "事件的故障报告单"),
    ("The weekly service report (Monday to Sunday)", "周服务报告（周一至周日）"),
    ("The monthly service report", "月度服务报告"),
    ("Any date of the week [default: this week]", "该周的任一日期（默认：本周）"),
    ("YYYY-MM [default: this month]", "YYYY-MM（默认：本月）"),
    (
        "Copy a centre's whole history into an empty store, the chain intact",
        "把一个中心的全部历史复制到空存储中，哈希链保持完整",
    ),
    ("The store to copy: a file or a postgres:// URL", "要复制的存储：文件或 postgres:// 地址"),
    ("The empty store to fill", "要写入的空存储"),
    (
        "Create or bring the store's schema up to date (SQLite file or postgres:// URL)",
        "创建存储结构或升级到最新（SQLite 文件或 postgres:// 地址）",
    ),
    ("Rebuild every projection from the event log", "从事件日志重建全部投影"),
];
