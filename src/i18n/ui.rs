//! Labels of the full-screen console.

use super::Text;

pub const TAB_OVERVIEW: Text = Text::new("总览", "Overview");
pub const TAB_INCIDENTS: Text = Text::new("事件", "Incidents");
pub const TAB_INSPECTIONS: Text = Text::new("巡检", "Inspections");
pub const TAB_ACTIONS: Text = Text::new("操作", "Actions");
pub const TAB_DUTY_LOG: Text = Text::new("值班", "Duty log");

pub const COL_ID: Text = Text::new("编号", "ID");
pub const COL_SEVERITY: Text = Text::new("级别", "Severity");
pub const COL_STATE: Text = Text::new("状态", "State");
pub const COL_OWNER: Text = Text::new("负责人", "Owner");
pub const COL_HOST: Text = Text::new("设备", "Host");
pub const COL_NEXT_CLOCK: Text = Text::new("下一时限", "Next clock");
pub const COL_TITLE: Text = Text::new("标题", "Title");
pub const COL_CLOCK: Text = Text::new("时限", "Clock");
pub const COL_DUE: Text = Text::new("到期时间", "Due");
pub const COL_LEFT: Text = Text::new("剩余", "Left");
pub const COL_TIME: Text = Text::new("时间", "Time");
pub const COL_WHO: Text = Text::new("操作人", "Who");
pub const COL_WHAT: Text = Text::new("内容", "What");

pub const NO_INCIDENTS: Text = Text::new("没有事件", "No incidents");
pub const NO_MATCH: Text = Text::new("没有符合筛选条件的事件", "No incident matches the filter");
pub const CLOCKS: Text = Text::new("时限", "Clocks");
pub const TIMELINE: Text = Text::new("经过", "Timeline");
pub const QUEUE: Text = Text::new("事件队列", "Incident queue");
pub const MOST_URGENT: Text = Text::new("最紧急", "Most urgent");
pub const FILTER: Text = Text::new("筛选", "Filter");
pub const FILTER_HINT: Text = Text::new(
    "文字，或 state:open sev:critical host:名称 owner:用户",
    "text, or state:open sev:critical host:NAME owner:USER",
);
pub const HELP_TITLE: Text = Text::new("帮助：按键（来自当前键位表）", "Help: keys (from the active keymap)");
pub const HELP_FORMS: Text = Text::new(
    "表单：Tab/Shift-Tab 切换字段，←/→ 或空格 选择，Enter 下一字段，Ctrl-S 提交，Esc 或 Ctrl-C 取消（不写入）",
    "Forms: Tab/Shift-Tab move between fields, ←/→ or Space choose, Enter next field, Ctrl-S submit, Esc or Ctrl-C cancel (nothing written)",
);
pub const HELP_COMMANDS: Text =
    Text::new("命令行（: 打开，Tab 补全）", "Command line (: opens it, Tab completes)");
pub const MORE_KEYS: Text = Text::new("更多按键", "more keys");
pub const HELP_SCROLL: Text =
    Text::new("↑/↓ PageUp/PageDown 滚动，其他键关闭", "↑/↓ PageUp/PageDown scroll, any other key closes");
pub const NO_CHECKS: Text = Text::new(
    "本站点未配置任何检查（hosts.toml 中的 [[hosts.checks]]）：未检查的设备不显示为“正常”。",
    "The site declares no checks ([[hosts.checks]] in hosts.toml): no machine is shown as normal without a check.",
);
pub const MACHINES: Text = Text::new("设备状态", "Machines");

pub const STATUS_OPERATOR: Text = Text::new("值班", "op");
pub const STATUS_READ_ONLY: Text = Text::new("只读", "read-only");
pub const STATUS_SHIFT: Text = Text::new("班次未配置", "no shifts yet");
pub const STATUS_ENGINE: Text = Text::new("无引擎", "no engine");
pub const STATUS_ENGINE_RUNNING: Text = Text::new("引擎：", "engine:");
pub const STATUS_ALARMS: Text = Text::new("告警", "alarms");
pub const STATUS_MUTED: Text = Text::new("静音至", "muted until");

pub const LOCK_TITLE: Text = Text::new("值班控制台 已锁定", "Duty Console locked");
pub const LOCK_NOBODY: Text = Text::new("共用值班终端：请登录", "Shared duty terminal: sign in");
pub const LOCK_IDLE: Text = Text::new("长时间无操作，屏幕已锁定", "Locked after a while without a key");
pub const LOCK_ASKED: Text = Text::new("已退出登录", "Signed out");
pub const LOCK_RELINKED: Text =
    Text::new("与记录的连接已重建，请重新登录", "The link to the record was made again: sign in again");
pub const LOCK_ALARMS: Text =
    Text::new("待处理告警（登录后可见）：", "alarms waiting (shown once signed in):");
pub const LOCK_NAME: Text = Text::new("姓名", "Name");
pub const LOCK_SECRET: Text = Text::new("口令", "Secret");
pub const LOCK_CODE: Text = Text::new("动态码", "Code");
pub const LOCK_HINT: Text = Text::new(
    "Tab 切换  Enter 登录  Esc 清除；未设置动态码的留空",
    "Tab next  Enter sign in  Esc clear; no code set up: leave it empty",
);
pub const LOCK_CHECKING: Text = Text::new("正在核对……", "checking…");
pub const SIGNED_IN_AS: Text = Text::new("已登录：", "signed in:");
pub const NO_SIGNIN: Text = Text::new(
    "本站点未启用终端登录（site.toml 的 [signin]）",
    "the site has no sign-in ([signin] in site.toml)",
);
pub const READ_ONLY: Text = Text::new(
    "你不在本站点值班人员名单中：只能查看，不能修改",
    "you are not on the site's operator list: you may read but not write",
);
pub const SELECT_FIRST: Text = Text::new("请先选择一个事件", "select an incident first");
pub const INCIDENT_KEYS_IN_QUEUE: Text = Text::new(
    "事件操作只作用于屏幕上的事件：请在事件列表（2）中选择，或按 Enter 打开所选机器的事件",
    "incident keys act only on an incident on screen: choose one in the queue (2), or Enter for the selected machine's incidents",
);
pub const ALARMS_ACKED: Text = Text::new("已确认告警", "alarm acknowledged");
pub const NO_ALARMS: Text = Text::new("没有未确认的告警", "no alarm to acknowledge");
pub const ALARM_LIST: Text = Text::new("未确认的告警", "Alarms not yet acknowledged");
pub const ALARM_LIST_KEYS: Text = Text::new(
    "↑↓ 选择  ! 或 Enter 确认所选  其他键关闭",
    "↑↓ choose  ! or Enter acknowledges it  any other key closes",
);
pub const UNKNOWN_COMMAND: Text = Text::new("未知命令", "unknown command");
pub const COMMAND_NEEDS: Text = Text::new("用法", "usage");
pub const WHICH_ONE: Text = Text::new("有多个，请写全编号", "several match; give the whole id");
pub const BANNER_MORE: Text = Text::new("另有", "more");
pub const BANNER_ACK: Text = Text::new("确认", "acknowledge");

pub const FORM_CORRECT: Text = Text::new("更正记录", "Correct the record");
pub const F_FIELD: Text = Text::new("更正项", "Field");
pub const F_CORRECT_VALUE: Text = Text::new("正确的值", "Correct value");
pub const FORM_SUBMIT: Text = Text::new("[ 提交 ]", "[ Submit ]");
pub const FORM_DISCARD_ASK: Text = Text::new(
    "已输入的内容将丢弃：再按 Esc 确认，其他键继续填写",
    "typed text will be lost: Esc again to discard, any other key to go on",
);
pub const FORM_REQUIRED: Text = Text::new("必填", "required");
pub const FORM_BAD_HHMM: Text = Text::new("时间格式为 HH:MM", "a time is HH:MM");
pub const FORM_BAD_TIME: Text = Text::new(
    "时间写作 HH:MM、昨天 HH:MM 或 YYYY-MM-DD HH:MM",
    "a time is HH:MM, yesterday HH:MM or YYYY-MM-DD HH:MM",
);
pub const FORM_BAD_NUMBER: Text = Text::new("请输入数字", "enter a number");
pub const FORM_UNKNOWN_HOST: Text = Text::new("未知设备", "unknown host");

pub const FORM_NEW: Text = Text::new("录入事件", "New incident");
pub const FORM_NOTE: Text = Text::new("添加备注", "Add a note");
pub const FORM_ESCALATE: Text = Text::new("上报厂商", "Escalate to a vendor");
pub const FORM_CALL: Text = Text::new("登记通话", "Record a call");
pub const FORM_PAUSE: Text = Text::new("暂停解决计时", "Pause the resolution clock");
pub const FORM_RESOLVE: Text = Text::new("解决事件", "Resolve");
pub const FORM_REPORT: Text = Text::new("故障报告单", "Fault report");
pub const FORM_CLOSE: Text = Text::new("复核并关闭", "Review and close");
pub const FORM_START_PLAN: Text = Text::new("启动应急预案", "Start an emergency plan");
pub const FORM_PLAN_STEP: Text = Text::new("记录预案步骤", "A step of the plan");
pub const F_PLAN: Text = Text::new("预案", "Plan");
pub const F_STEP: Text = Text::new("步骤序号", "Step number");
pub const F_STEP_DONE: Text = Text::new("已完成（否则为跳过，须说明原因）", "Done (else skipped: say why)");
pub const NO_PLANS: Text =
    Text::new("本站点没有应急预案（plans/ 目录）", "The site has no emergency plans (plans/)");
pub const PLAN_STEPS: Text = Text::new("应急预案", "Emergency plan");
pub const TAB_KNOWLEDGE: Text = Text::new("知识库", "Knowledge");
pub const KB_SEARCH: Text = Text::new("检索知识库", "search the knowledge base");
pub const KB_HINT: Text = Text::new(
    "检索知识库：中文或英文，可为词的一部分，多个词以空格分开",
    "search the knowledge base: Chinese or English, any part of a word, several words apart",
);
pub const KB_NOTHING: Text = Text::new("没有找到", "Nothing found");
pub const KB_FROM_INCIDENT: Text = Text::new("来自事件", "from incident");
pub const KB_WRITTEN: Text = Text::new("手工编写", "written by hand");
pub const PLAN_SUGGESTED: Text = Text::new("建议的应急预案：", "Suggested emergency plan:");
pub const SEEN_BEFORE: Text = Text::new("以往类似事件及解决办法", "Seen before, and what fixed it");
pub const FORM_PROBLEM: Text = Text::new("转为问题", "Turn into a problem");
pub const FORM_CONFIRM_USER: Text = Text::new("用户确认与评价", "The requester's word");
pub const F_REQUESTER: Text = Text::new("确认人", "Confirmed by");
pub const F_HOW: Text = Text::new("确认方式", "How");
pub const F_RATING: Text = Text::new("评价", "Rating");
pub const CHOOSE: Text = Text::new("（请选择）", "(choose)");
pub const CHOOSE_RATING: Text = Text::new("请选择用户的评价", "choose the requester's rating");
pub const FORM_MUTE: Text = Text::new("告警静音", "Mute alarms");

pub const F_TITLE: Text = Text::new("标题", "Title");
pub const F_SEVERITY: Text = Text::new("级别", "Severity");
pub const F_CLASS: Text = Text::new("类别", "Class");
pub const F_AREA: Text = Text::new("故障所属", "Fault area");
pub const F_HOSTS: Text = Text::new("设备（逗号分隔）", "Hosts (comma separated)");
pub const F_REPORTED_AT: Text = Text::new("报告时间（空=现在）", "Reported at (empty = now)");
pub const F_ONSITE: Text = Text::new("需要到场", "On site needed");
pub const F_DESCRIPTION: Text = Text::new("描述", "Description");
pub const F_NOTE: Text = Text::new("备注", "Note");
pub const F_VENDOR: Text = Text::new("厂商", "Vendor");
pub const F_CALLEE: Text = Text::new("对象", "Called");
pub const F_NAME: Text = Text::new("姓名", "Name");
pub const F_ANSWERED: Text = Text::new("已接通", "Answered");
pub const F_REASON: Text = Text::new("原因", "Reason");
pub const F_CAUSE: Text = Text::new("故障原因", "Cause");
pub const F_SOLUTION: Text = Text::new("解决方案", "Solution");
pub const F_REPORT_DESCRIPTION: Text = Text::new("故障描述", "Description of the fault");
pub const F_PROCESS: Text = Text::new("处理过程", "Process");
pub const F_MEASURES: Text = Text::new("预防措施", "Preventive measures");
pub const F_MINUTES: Text = Text::new("分钟", "Minutes");
pub const YES: Text = Text::new("是", "yes");
pub const NO: Text = Text::new("否", "no");

pub const FORM_MARK: Text = Text::new("记录检查结果", "Mark the item");
pub const FORM_DECIDE: Text = Text::new("负责人决定", "Lead's decision");
pub const FORM_TRANSFER: Text = Text::new("人工交换", "Manual transfer");
pub const FORM_DECLINE: Text = Text::new("无法完成巡检", "Cannot do this inspection");
pub const F_RESULT: Text = Text::new("结果", "Result");
pub const F_DECISION: Text = Text::new("决定", "Decision");
pub const F_TRANSFER: Text = Text::new("人工交换了哪些数据", "What was moved by hand");
pub const GO_ON: Text = Text::new("继续巡检", "go on");
pub const STOP: Text = Text::new("停止巡检", "stop here");
pub const INSPECTIONS: Text = Text::new("今日巡检", "Today's inspections");
pub const NO_INSPECTIONS: Text = Text::new(
    "今天没有计划的巡检（checklists/ 中的模板与 calendar.toml）",
    "No inspection is scheduled today (templates in checklists/, calendar.toml)",
);
pub const START_FIRST: Text = Text::new("请先开始该巡检（s）", "start this inspection first (s)");
pub const STEPS: Text = Text::new("步骤", "Steps");
pub const EVIDENCE: Text = Text::new("检查依据", "Evidence");
pub const NOTIFY_NOW: Text = Text::new(
    "请在一分钟内通知系统负责人和项目负责人，然后按 t 登记",
    "Tell the owner and the lead within a minute, then press t to record it",
);
pub const PAUSED_FOR_LEAD: Text = Text::new(
    "结果严重，巡检暂停待负责人决定是否继续",
    "Critical: paused until a lead decides whether to go on",
);
pub const LEAD_DECIDES_IN: Text = Text::new("负责人决定剩余", "lead decides within");
pub const NOTICE_LEFT: Text = Text::new("通知剩余", "notice within");
pub const NOTICE_LATE: Text = Text::new("通知超过一分钟", "told after more than a minute");
pub const NOT_MARKED: Text = Text::new("未检查", "not checked");

pub const FORM_CONFIRM: Text = Text::new("确认危险操作", "Confirm a dangerous action");
pub const F_TYPE_NAME: Text = Text::new("输入操作名以确认", "Type the action's name");
pub const FORM_CONFIRM_SECOND: Text = Text::new("作为第二人确认请求", "Confirm as the second person: ask");
pub const NO_SECOND_ASKS: Text = Text::new("没有等待你确认的请求", "No ask is waiting for your confirmation");
pub const SECOND_CONFIRMED_BY: Text = Text::new("已确认：", "confirmed by");
pub const SECOND_RUN_NOW: Text = Text::new("再次执行即运行", "run it again to go");
pub const SECOND_WAITING: Text = Text::new("等待第二人确认", "waiting for a second person");
pub const SECOND_FOR_YOU: Text = Text::new("待你确认", "for you to confirm");
pub const UNTIL: Text = Text::new("截止", "until");
pub const SECOND_ASKED: Text = Text::new(
    "已请求第二人确认：请另一名值班人员在其本人控制台的操作页确认，或运行 duty ssh confirm",
    "asked for a second person: another operator confirms in their own console's Actions tab, or runs duty ssh confirm",
);
pub const SECOND_NOT_YET: Text = Text::new("尚无第二人确认，请求", "no second person has confirmed yet: ask");
pub const RUN_IN_PROGRESS: Text =
    Text::new("上一次执行尚未结束（c 取消）", "the previous run is still going (c cancels)");
pub const NO_ACTIONS: Text =
    Text::new("本站点没有配置操作（ssh.toml）", "the site has no actions (ssh.toml)");
pub const TARGETS: Text = Text::new("主机 / 组", "Hosts / groups");
pub const ACTION_LIST: Text = Text::new("操作", "Actions");
pub const OUTPUT: Text = Text::new("输出", "Output");
pub const RUNNING: Text = Text::new("执行中", "running");
pub const SHELL_ONE_HOST: Text =
    Text::new("shell 只能在单台主机上打开", "a shell opens on one host, not a group");
pub const SHELL_ENDED: Text = Text::new("shell 已结束", "shell ended");
pub const NOTHING_TO_ATTACH: Text = Text::new("没有已完成的输出可附加", "no finished output to attach");

pub const STORE_DOWN: Text = Text::new("存储不可达，自", "Store unreachable since");
pub const STORE_DOWN_HINT: Text = Text::new(
    "屏幕上是当时的数据，正在重连；表单内容保留，重连后可再提交",
    "what you see is as of then; reconnecting; forms keep what you typed, submit again once back",
);
pub const STORE_SLOW: Text = Text::new("存储响应慢，自", "Store slow since");
pub const STORE_SLOW_HINT: Text = Text::new(
    "按键照常可用；操作在等待存储（可能被其他进程锁住）",
    "keys still work; the operation waits for the store (perhaps locked by another process)",
);
pub const LOADING: Text = Text::new("正在读取记录…", "Reading the record…");
pub const ENGINE_STORE_DOWN: Text = Text::new("引擎：存储不可达，自", "Engine: store unreachable since");
pub const ENGINE_BUFFERED: Text = Text::new("条检查结果暂存内存", "check results kept in memory");
pub const ENGINE_RESTARTED: Text =
    Text::new("引擎曾出错，已于此时重新启动：", "Engine failed and was restarted at");
pub const SITE_EDIT_REFUSED: Text = Text::new(
    "站点配置的修改有误，未采用（仍按上次正确的配置运行）",
    "Site edit not taken (the last good site goes on running)",
);
pub const NO_ENGINE_SINCE: Text = Text::new("无引擎，自", "no engine since");
