//! Labels of the job's vocabulary, in the centre's own Chinese terms and in English.

use super::Lang;
use crate::domain::check::{CheckStatus, SheetColumn};
use crate::domain::checklist::{ItemResult, RunState};
use crate::domain::sla::{ClockName, ClockState};
use crate::domain::{CallTarget, EventClass, FaultArea, PauseReason, Role, Severity, Source, State};

/// A value that has a label for the user.
pub trait Label {
    fn label(&self, lang: Lang) -> &'static str;
}

macro_rules! labels {
    (short $ty:ty { $($body:tt)+ }) => { labels!(@impl ShortLabel, short_label, $ty { $($body)+ }); };
    ($ty:ty { $($body:tt)+ }) => { labels!(@impl Label, label, $ty { $($body)+ }); };
    (@impl $trait:ident, $method:ident, $ty:ty { $($variant:path => $zh:literal, $en:literal;)+ }) => {
        impl $trait for $ty {
            fn $method(&self, lang: Lang) -> &'static str {
                match self { $($variant => lang.pick($zh, $en),)+ }
            }
        }
    };
}

labels!(Severity {
    Severity::Ordinary => "一般", "ordinary";
    Severity::Serious => "严重", "serious";
    Severity::Critical => "特别严重", "critical";
});

labels!(EventClass {
    EventClass::Fault => "故障类", "fault";
    EventClass::Attack => "攻击类", "attack";
    EventClass::Disaster => "灾害类", "disaster";
});

labels!(FaultArea {
    FaultArea::System => "系统故障", "system";
    FaultArea::Database => "数据库系统故障", "database system";
    FaultArea::NetworkDevice => "网络设备故障", "network device";
    FaultArea::OtherApplication => "其它应用软件系统故障", "other application software";
});

labels!(Source {
    Source::Operator => "人工录入", "operator";
    Source::Probe => "探测", "probe";
    Source::Alertmanager => "Alertmanager", "Alertmanager";
    Source::Zabbix => "Zabbix", "Zabbix";
});

labels!(State {
    State::Open => "待响应", "open";
    State::Acknowledged => "已响应", "acknowledged";
    State::OnSite => "已到场", "on site";
    State::Resolved => "已解决", "resolved";
    State::Reported => "已报告", "reported";
    State::Closed => "已关闭", "closed";
});

labels!(crate::domain::confirmation::Rating {
    crate::domain::confirmation::Rating::Satisfied => "满意", "satisfied";
    crate::domain::confirmation::Rating::Basic => "基本满意", "basically satisfied";
    crate::domain::confirmation::Rating::Dissatisfied => "不满意", "dissatisfied";
});

labels!(crate::domain::confirmation::ConfirmedHow {
    crate::domain::confirmation::ConfirmedHow::Phone => "电话", "by phone";
    crate::domain::confirmation::ConfirmedHow::OnSite => "现场", "on site";
    crate::domain::confirmation::ConfirmedHow::Writing => "书面", "in writing";
    crate::domain::confirmation::ConfirmedHow::Auto => "逾期自动确认", "confirmed by the site's rule";
});

labels!(PauseReason {
    PauseReason::Vendor => "等待厂商", "waiting on vendor";
    PauseReason::SpareParts => "等待备件", "waiting on spare parts";
    PauseReason::User => "等待用户", "waiting on user";
});

labels!(CallTarget {
    CallTarget::DutyLead => "值班负责人", "duty lead";
    CallTarget::Vendor => "厂商工程师", "vendor engineer";
    CallTarget::Leadership => "中心领导", "centre leadership";
    CallTarget::SecurityGroup => "安全领导小组", "security leading group";
});

labels!(Role {
    Role::Operator => "值班人员", "operator";
    Role::Lead => "负责人", "lead";
});

labels!(ClockName {
    ClockName::Confirm => "确认", "confirm";
    ClockName::SecurityReport => "安全上报", "security report";
    ClockName::Response => "响应", "response";
    ClockName::OnSite => "到场", "on site";
    ClockName::Resolution => "解决", "resolution";
    ClockName::Report => "故障报告", "fault report";
    ClockName::Inspection => "巡检", "inspection";
    ClockName::LeadDecision => "负责人决定", "lead's decision";
    ClockName::Notice => "通知负责人", "telling the owner and lead";
    ClockName::Missed => "漏检", "missed inspection";
    ClockName::PlanStep => "预案步骤", "plan step";
    ClockName::ChangeRecord => "变更补记", "change record";
});

labels!(crate::domain::problem::ProblemState {
    crate::domain::problem::ProblemState::Open => "处理中", "open";
    crate::domain::problem::ProblemState::KnownError => "已知错误", "known error";
    crate::domain::problem::ProblemState::Resolved => "已解决", "resolved";
    crate::domain::problem::ProblemState::Closed => "已关闭", "closed";
});

labels!(crate::domain::change::ChangeState {
    crate::domain::change::ChangeState::Requested => "待审批", "requested";
    crate::domain::change::ChangeState::Approved => "已批准", "approved";
    crate::domain::change::ChangeState::Rejected => "已驳回", "rejected";
    crate::domain::change::ChangeState::Started => "实施中", "in progress";
    crate::domain::change::ChangeState::Finished => "已结束", "finished";
});

labels!(crate::domain::change::ChangeKind {
    crate::domain::change::ChangeKind::Normal => "常规变更", "normal";
    crate::domain::change::ChangeKind::Emergency => "紧急变更", "emergency";
});

labels!(crate::domain::change::Risk {
    crate::domain::change::Risk::Low => "低", "low";
    crate::domain::change::Risk::Medium => "中", "medium";
    crate::domain::change::Risk::High => "高", "high";
});

labels!(crate::domain::change::ChangeResult {
    crate::domain::change::ChangeResult::Succeeded => "成功", "succeeded";
    crate::domain::change::ChangeResult::Failed => "失败", "failed";
    crate::domain::change::ChangeResult::RolledBack => "已回退", "rolled back";
});

labels!(crate::domain::plan::Party {
    crate::domain::plan::Party::Duty => "值班人员", "duty";
    crate::domain::plan::Party::Lead => "负责人", "lead";
    crate::domain::plan::Party::Security => "安全领导小组", "security group";
    crate::domain::plan::Party::Vendor => "厂商", "vendor";
});

labels!(ClockState {
    ClockState::Pending => "未开始", "pending";
    ClockState::Running => "计时中", "running";
    ClockState::DueSoon => "即将到期", "due soon";
    ClockState::Paused => "已暂停", "paused";
    ClockState::Breached => "已超时", "BREACHED";
    ClockState::Met => "按时完成", "met";
    ClockState::MetLate => "超时完成", "met late";
});

labels!(CheckStatus {
    CheckStatus::Normal => "正常", "normal";
    CheckStatus::Warning => "警告", "warning";
    CheckStatus::Critical => "严重", "critical";
    CheckStatus::Unknown => "未知", "unknown";
});

labels!(ItemResult {
    ItemResult::Normal => "正常", "normal";
    ItemResult::Warning => "警告", "warning";
    ItemResult::Critical => "严重", "critical";
});

labels!(RunState {
    RunState::Upcoming => "未到时间", "upcoming";
    RunState::Due => "待巡检", "due";
    RunState::InProgress => "进行中", "in progress";
    RunState::Paused => "暂停待决定", "paused for lead";
    RunState::Overdue => "超时未完成", "overdue";
    RunState::Missed => "漏检", "missed";
    RunState::Done => "按时完成", "done";
    RunState::DoneLate => "超时完成", "done late";
    RunState::Declined => "无法完成", "declined";
});

/// A symbol that carries an inspection's state without colour.
pub fn run_symbol(state: RunState) -> &'static str {
    match state {
        RunState::Upcoming => "·",
        RunState::Due => "!",
        RunState::InProgress => "○",
        RunState::Paused => "‖",
        RunState::Overdue | RunState::Missed => "▲",
        RunState::Done => "√",
        RunState::DoneLate => "×",
        RunState::Declined => "-",
    }
}

/// An inspection's state with what it found: "done, 1 critical" — never a plain "done"
/// for a run that found something wrong.
pub fn run_state_text(state: RunState, run: Option<&crate::domain::checklist::Run>, lang: Lang) -> String {
    let mut text = state.label(lang).to_string();
    let (warnings, criticals) = run.map_or((0, 0), |r| r.findings());
    for (count, result) in [(criticals, ItemResult::Critical), (warnings, ItemResult::Warning)] {
        if count > 0 {
            text.push_str(lang.pick("，", ", "));
            text.push_str(&format!("{count} {}", result.label(lang)));
        }
    }
    text
}

labels!(SheetColumn {
    SheetColumn::Network => "网络", "network";
    SheetColumn::System => "系统", "system";
    SheetColumn::App1 => "应用1", "app 1";
    SheetColumn::App2 => "应用2", "app 2";
    SheetColumn::Backup => "备份", "backup";
});

/// A short name for narrow screens, where the full label would push the countdown off.
pub trait ShortLabel: Label {
    fn short_label(&self, lang: Lang) -> &'static str;

    /// The short label when `short`, else the full one.
    fn fitted(&self, lang: Lang, short: bool) -> &'static str {
        if short { self.short_label(lang) } else { self.label(lang) }
    }
}

labels!(short SheetColumn {
    SheetColumn::Network => "网络", "Net";
    SheetColumn::System => "系统", "Sys";
    SheetColumn::App1 => "应用1", "App1";
    SheetColumn::App2 => "应用2", "App2";
    SheetColumn::Backup => "备份", "Bak";
});

labels!(short ClockName {
    ClockName::Confirm => "确认", "conf";
    ClockName::SecurityReport => "安全", "sec";
    ClockName::Response => "响应", "resp";
    ClockName::OnSite => "到场", "site";
    ClockName::Resolution => "解决", "res";
    ClockName::Report => "报告", "rpt";
    ClockName::Inspection => "巡检", "insp";
    ClockName::LeadDecision => "决定", "lead";
    ClockName::Notice => "通知", "tell";
    ClockName::Missed => "漏检", "miss";
    ClockName::PlanStep => "预案", "plan";
    ClockName::ChangeRecord => "补记", "chg";
});

labels!(short State {
    State::Open => "待响应", "open";
    State::Acknowledged => "已响应", "ack'd";
    State::OnSite => "已到场", "on site";
    State::Resolved => "已解决", "resolved";
    State::Reported => "已报告", "reported";
    State::Closed => "已关闭", "closed";
});

labels!(short Severity {
    Severity::Ordinary => "一般", "ord";
    Severity::Serious => "严重", "ser";
    Severity::Critical => "特别严重", "crit";
});

/// A symbol that carries a clock's state without colour.
pub fn clock_symbol(state: ClockState) -> &'static str {
    match state {
        ClockState::Pending => "·",
        ClockState::Running => "○",
        ClockState::DueSoon => "!",
        ClockState::Paused => "‖",
        ClockState::Breached => "▲",
        ClockState::Met => "√",
        ClockState::MetLate => "×",
    }
}
