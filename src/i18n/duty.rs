//! Texts of the duty log, the handover and the service reports.

use super::Text;
use crate::domain::duty_log::Entry;
use crate::domain::handover::Step;

pub const fn handover_step(step: Step) -> Text {
    match step {
        Step::Incidents => {
            Text::new("未关闭事件（时限、负责人、最新备注）", "Open incidents (clocks, owner, last note)")
        }
        Step::DueNext => Text::new("下一班次内到期的时限", "Clocks falling due next shift"),
        Step::Inspections => Text::new(
            "巡检：本班与下一班的已做、待做、逾期",
            "Inspections done, due and overdue, this shift and next",
        ),
        Step::Machines => Text::new(
            "异常设备、不可达的告警源、下一班的维护窗口与变更",
            "Machines not normal, sources unreachable, windows and changes next shift",
        ),
        Step::SshRuns => Text::new("本班执行的 SSH 操作", "SSH actions run this shift"),
        Step::DutyLog => Text::new("本班值班记录", "The duty log of this shift"),
        Step::Notes => Text::new("交代下一班的事项", "Notes for the next shift"),
    }
}

pub const fn entry_kind(key: &str) -> Text {
    match key.as_bytes() {
        b"environment" => Text::new("机房环境", "Room environment"),
        b"power" => Text::new("供电", "Power"),
        b"equipment" => Text::new("设备使用", "Equipment used"),
        b"visitor" => Text::new("来访登记", "Visitor"),
        b"request" => Text::new("用户诉求/投诉", "Request / complaint"),
        _ => Text::new("其他记录", "Note"),
    }
}

/// One line for an entry, as the log and the handover show it.
pub fn entry_line(entry: &Entry, lang: super::Lang) -> String {
    let t = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let time = |at: &Option<chrono::NaiveTime>| {
        at.map(|t| t.format("%H:%M").to_string()).unwrap_or_else(|| "…".into())
    };
    match entry {
        Entry::Environment { temperature, humidity, weather } => format!(
            "{} {temperature:.1}°C, {} {humidity:.0}%{}",
            t("温度", "temperature"),
            t("湿度", "humidity"),
            if weather.is_empty() {
                String::new()
            } else {
                format!(", {} {weather}", t("天气", "weather"))
            }
        ),
        Entry::Power { normal: true, note, .. } => {
            format!("{}{}", t("供电正常", "power normal"), suffix(note))
        }
        Entry::Power { normal: false, from, to, note } => {
            format!("{} {}–{}{}", t("停电", "power interrupted"), time(from), time(to), suffix(note))
        }
        Entry::Equipment { who, what, before, after } => format!(
            "{who} {} {what}: {} {before} → {} {}",
            t("使用", "used"),
            t("使用前", "before"),
            t("使用后", "after"),
            if after.is_empty() { t("（使用中）", "(in use)") } else { after }
        ),
        Entry::Visitor { who, why, from, to, escort } => format!(
            "{who} — {why} ({}–{}, {} {escort})",
            from.format("%H:%M"),
            time(to),
            t("陪同", "escorted by")
        ),
        Entry::Request { from, complaint, what, outcome } => format!(
            "{} {from}: {what} → {}",
            if *complaint { t("投诉", "complaint") } else { t("诉求", "request") },
            if outcome.is_empty() { t("（待处理）", "(open)") } else { outcome }
        ),
        Entry::Note { text } => text.clone(),
    }
}

/// Where a handover stands, in words: not started, in progress n/7, awaiting the
/// incoming signature, done.
pub fn handover_state(handover: Option<&crate::domain::handover::Handover>, lang: super::Lang) -> String {
    match handover {
        None => HANDOVER_NOT_STARTED.get(lang).to_string(),
        Some(h) if h.is_done() => HANDOVER_DONE.get(lang).to_string(),
        Some(h) if h.outgoing_signature.is_some() => HANDOVER_AWAITING_INCOMING.get(lang).to_string(),
        Some(h) => format!("{} {}/{}", HANDOVER_IN_PROGRESS.get(lang), h.steps.len(), Step::ALL.len()),
    }
}

fn suffix(note: &str) -> String {
    if note.is_empty() { String::new() } else { format!(" — {note}") }
}

pub const DUTY_LOG: Text = Text::new("值班记录", "Duty log");
pub const SHIFT: Text = Text::new("班次", "Shift");
pub const ON_DUTY: Text = Text::new("值班人员", "On duty");
pub const NEXT_SHIFT: Text = Text::new("下一班", "Next shift");
pub const NO_SHIFTS: Text = Text::new(
    "本站点未配置班次（site.toml 中的 [[shifts]]）：无法记录值班与交接班。",
    "The site declares no shifts ([[shifts]] in site.toml): no duty log or handover without them.",
);
pub const NO_ENTRIES: Text = Text::new("本班尚无值班记录", "Nothing logged this shift yet");
pub const HANDOVER: Text = Text::new("交接班", "Shift handover");
pub const HANDOVER_NOT_STARTED: Text = Text::new("未开始", "not started");
pub const HANDOVER_IN_PROGRESS: Text = Text::new("进行中", "in progress");
pub const HANDOVER_AWAITING_INCOMING: Text = Text::new("待接班人签字", "awaiting the incoming signature");
pub const HANDOVER_DONE: Text = Text::new("已完成", "done");
pub const HANDOVER_REMINDER: Text = Text::new("交接班未完成", "Shift handover not done");
pub const HANDOVER_STEP: Text = Text::new("步骤", "Step");
pub const HANDOVER_NOTHING: Text =
    Text::new("（本步骤没有条目，确认已看过即可）", "(nothing to list: confirm the step was seen)");
pub const HANDOVER_REVIEW_KEYS: Text = Text::new(
    "接班人逐步查看交接内容：Enter 下一步，全部看过后 s 签字",
    "Incoming engineer: read each step — Enter for the next; s signs once all are read",
);
pub const HANDOVER_READ_FIRST: Text = Text::new(
    "请先查看全部七个步骤（Enter 翻页），再签字",
    "read all seven steps first (Enter pages on), then sign",
);
pub const PASS_ON: Text = Text::new("签字时移交接班人", "passes to the incoming engineer at signing");
pub const HANDOVER_SIGN_KEYS: Text = Text::new(
    "所有步骤已完成。s 签字（交班人先签，接班人用本人账号签）  Esc 返回",
    "All steps done. s sign (outgoing first, then the incoming engineer with their own login)  Esc back",
);
pub const HANDOVER_NOTES_HINT: Text = Text::new(
    "n 填写交代下一班的事项，然后 Enter 完成",
    "n write the notes for the next shift, then Enter to finish",
);
pub const ACKNOWLEDGED: Text = Text::new("已确认", "acknowledged");
pub const READ: Text = Text::new("已读", "read");
pub const SIGNED_OUT: Text = Text::new("交班人签字", "Outgoing signature");
pub const SIGNED_IN: Text = Text::new("接班人签字", "Incoming signature");
pub const NOT_SIGNED: Text = Text::new("未签", "not signed");
pub const STATS: Text = Text::new("服务统计", "Service statistics");

pub const FORM_ENVIRONMENT: Text = Text::new("机房环境", "Room environment");
pub const FORM_POWER: Text = Text::new("供电情况", "Power");
pub const FORM_EQUIPMENT: Text = Text::new("设备使用登记", "Equipment used");
pub const FORM_VISITOR: Text = Text::new("来访登记", "Visitor to the room");
pub const FORM_COMPLETE: Text = Text::new("补记", "Complete the entry");
pub const FORM_REQUEST: Text = Text::new("用户诉求/投诉", "User request / complaint");
pub const FORM_DUTY_NOTE: Text = Text::new("其他记录", "Note");
pub const FORM_ROSTER: Text = Text::new("调整值班表", "Change the roster");
pub const FORM_ITEM_NOTE: Text = Text::new("条目备注", "Note on the item");
pub const FORM_NEXT_NOTES: Text = Text::new("交代下一班的事项", "Notes for the next shift");

pub const F_TEMPERATURE: Text = Text::new("温度（°C）", "Temperature (°C)");
pub const F_HUMIDITY: Text = Text::new("湿度（%）", "Humidity (%)");
pub const F_WEATHER: Text = Text::new("天气", "Weather");
pub const F_POWER_NORMAL: Text = Text::new("供电正常", "Power normal");
pub const F_FROM: Text = Text::new("开始（HH:MM）", "From (HH:MM)");
pub const F_TO: Text = Text::new("结束（HH:MM）", "To (HH:MM)");
pub const F_WHO: Text = Text::new("人员", "Who");
pub const F_WHAT_EQUIPMENT: Text = Text::new("设备", "Equipment");
pub const F_BEFORE: Text = Text::new("使用前状态", "State before");
pub const F_AFTER: Text = Text::new("使用后状态", "State after");
pub const F_WHY: Text = Text::new("事由", "Why");
pub const F_ESCORT: Text = Text::new("陪同人员", "Escorted by");
pub const F_REQUEST_FROM: Text = Text::new("提出人/部门", "From (person or department)");
pub const F_COMPLAINT: Text = Text::new("属于投诉", "A complaint");
pub const F_REQUEST: Text = Text::new("诉求内容", "What was asked");
pub const F_OUTCOME: Text = Text::new("处理结果", "Outcome");
pub const F_SHIFT: Text = Text::new("班次", "Shift");
pub const F_DATE: Text = Text::new("日期（YYYY-MM-DD）", "Date (YYYY-MM-DD)");
pub const F_OPERATORS: Text = Text::new("值班人员（账号，逗号分隔）", "On duty (logins, comma-separated)");
pub const F_BAD_DATE: Text = Text::new("日期格式应为 YYYY-MM-DD", "expected a date such as 2026-11-22");
pub const F_BAD_DECIMAL: Text = Text::new("请输入数字，如 22.5", "expected a number such as 22.5");

/// What a signature hands over, asked before it is given.
pub fn sign_question(incoming: bool, incidents: usize, due_next: usize, lang: crate::i18n::Lang) -> String {
    match (incoming, lang) {
        (true, crate::i18n::Lang::Zh) => {
            format!("再按 s 签字：你将接手 {incidents} 个事件，其中 {due_next} 个在下一班到期")
        }
        (true, crate::i18n::Lang::En) => {
            format!("s again to sign: you take over {incidents} incident(s), {due_next} due next shift")
        }
        (false, crate::i18n::Lang::Zh) => {
            format!("再按 s 签字：你将移交 {incidents} 个事件（接班人签字时生效）")
        }
        (false, crate::i18n::Lang::En) => {
            format!(
                "s again to sign: you pass on {incidents} incident(s), theirs once the incoming engineer signs"
            )
        }
    }
}

/// A reading outside the room's limits, as the log flags it.
pub fn flag_text(flag: &crate::domain::duty_log::Flag, lang: crate::i18n::Lang) -> String {
    let (name, unit) = match flag.field {
        "temperature" => (lang.pick("温度", "temperature"), "°C"),
        _ => (lang.pick("湿度", "humidity"), "%"),
    };
    match lang {
        crate::i18n::Lang::Zh => {
            format!("{name} {}{unit} 超出 {}–{}{unit}", flag.value, flag.limits.start(), flag.limits.end())
        }
        crate::i18n::Lang::En => {
            format!("{name} {}{unit} outside {}–{}{unit}", flag.value, flag.limits.start(), flag.limits.end())
        }
    }
}
