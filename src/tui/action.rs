//! The one list of things a key can do. Keymaps name these; the footer, help screen and
//! prompts are generated from the live keymap and these descriptions.

use super::cursor::Move;
use crate::i18n::{Lang, Text};

macro_rules! actions {
    (
        moves { $(($($movement:tt)+) => $mkey:literal, $mzh:literal, $men:literal;)+ }
        $($variant:ident => $key:literal, $zh:literal, $en:literal;)+
    ) => {
        /// Something the operator can ask for with a key. Movement takes an argument
        /// (`move -1`, `page 1`): one action for every list, its distance in the keymap.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action { $($variant,)+ Move(Move) }

        impl Action {
            pub const ALL: &'static [Action] =
                &[$(Action::$variant,)+ $(Action::Move($($movement)+),)+];

            /// The name used in keymap files (`run = "acknowledge"`); a movement with
            /// an argument of its own is written `move N` / `page N`.
            pub fn key(self) -> &'static str {
                match self {
                    $(Action::$variant => $key,)+
                    $(Action::Move($($movement)+) => $mkey,)+
                    Action::Move(_) => "move",
                }
            }

            /// What it does, for the help screen and footer.
            pub fn describe(self, lang: Lang) -> &'static str {
                match self {
                    $(Action::$variant => Text::new($zh, $en).get(lang),)+
                    $(Action::Move($($movement)+) => Text::new($mzh, $men).get(lang),)+
                    Action::Move(_) => Text::new("移动光标", "move the cursor").get(lang),
                }
            }

            /// The action with this keymap name (`move -3` takes its argument).
            pub fn from_key(name: &str) -> Option<Action> {
                match name {
                    $($key => Some(Action::$variant),)+
                    $($mkey => Some(Action::Move($($movement)+)),)+
                    other => Move::parse(other).map(Action::Move),
                }
            }
        }
    };
}

actions! {
    moves {
        (Move::By(-1)) => "up", "上移", "up";
        (Move::By(1)) => "down", "下移", "down";
        (Move::Pages(-1)) => "page_up", "上翻页", "page up";
        (Move::Pages(1)) => "page_down", "下翻页", "page down";
        (Move::Top) => "top", "到顶", "top";
        (Move::Bottom) => "bottom", "到底", "bottom";
    }
    Quit => "quit", "退出", "quit";
    Help => "help", "帮助", "help";
    CommandLine => "command_line", "命令行", "command line";
    Filter => "filter", "筛选", "filter";
    NextTab => "next_tab", "下一页签", "next tab";
    PrevTab => "prev_tab", "上一页签", "previous tab";
    TabOverview => "tab_overview", "总览", "overview";
    TabIncidents => "tab_incidents", "事件", "incidents";
    TabInspections => "tab_inspections", "巡检", "inspections";
    TabActions => "tab_actions", "操作", "actions";
    TabDutyLog => "tab_duty_log", "值班", "duty log";
    TabKnowledge => "tab_knowledge", "知识库", "knowledge base";
    Open => "open", "查看详情", "open";
    Back => "back", "返回", "back";
    NewIncident => "new_incident", "录入事件", "new incident";
    Acknowledge => "acknowledge", "响应（接手）", "acknowledge (take it)";
    OnSite => "on_site", "登记到场", "on site";
    Note => "note", "备注", "note";
    Escalate => "escalate", "上报厂商", "escalate to vendor";
    Call => "call", "登记通话", "record a call";
    ReportSecurity => "report_security", "登记已报告安全领导小组", "record the security group told";
    Pause => "pause", "暂停解决计时", "pause clock";
    Resume => "resume", "恢复解决计时", "resume clock";
    Resolve => "resolve", "解决", "resolve";
    Report => "report", "故障报告", "fault report";
    Close => "close", "关闭（负责人）", "close (lead)";
    Problem => "problem", "转为问题", "turn into problem";
    Correct => "correct", "更正记录（时间、级别、分类、所属）", "correct the record (time, severity, class, area)";
    ConfirmUser => "confirm_user", "记录用户确认与评价", "record the requester's word and rating";
    StartPlan => "start_plan", "启动应急预案", "start an emergency plan";
    PlanStep => "plan_step", "记录预案步骤（完成或跳过）", "record a plan step (done or skipped)";
    AckAlarm => "ack_alarm", "确认告警", "acknowledge alarm";
    AlarmList => "alarm_list", "告警列表（逐条确认）", "alarm list (acknowledge one by one)";
    Mute => "mute", "静音", "mute";
    ClearFilter => "clear_filter", "清除筛选", "clear filter";
    StartRun => "start_run", "开始巡检", "start inspection";
    MarkItem => "mark_item", "记录检查结果", "mark item";
    Notified => "notified", "登记已通知负责人", "record owner and lead told";
    Decide => "decide", "负责人决定是否继续", "lead: go on or stop";
    ManualTransfer => "manual_transfer", "登记人工交换", "record manual transfer";
    SignRun => "sign_run", "签字完成巡检", "sign off";
    DeclineRun => "decline_run", "声明无法完成", "declare not possible";
    IncidentFromItem => "incident_from_item", "据此录入事件", "open incident from item";
    RunAction => "run_action", "执行操作", "run the action";
    MachineActions => "machine_actions", "该设备的操作（SSH）", "the machine's actions (SSH)";
    CancelRun => "cancel_run", "取消执行", "cancel the run";
    OpenShell => "open_shell", "打开该主机的 shell", "open a shell on the host";
    AttachOutput => "attach_output", "将输出作为依据附到事件", "attach the output to the incident";
    ConfirmSecond => "confirm_second", "作为第二人确认", "confirm as the second person";
    FocusLeft => "focus_left", "左侧列表", "left list";
    FocusRight => "focus_right", "右侧列表", "right list";
    LogEnvironment => "log_environment", "记录机房环境", "log room environment";
    LogPower => "log_power", "记录供电情况", "log power";
    LogEquipment => "log_equipment", "登记设备使用", "log equipment used";
    LogVisitor => "log_visitor", "来访登记", "log a visitor";
    LogRequest => "log_request", "登记用户诉求/投诉", "log a request or complaint";
    LogNote => "log_note", "其他记录", "log a note";
    IncidentFromEntry => "incident_from_entry", "据此录入事件", "open incident from entry";
    CompleteEntry => "complete_entry", "补记（来访者离开时间、诉求处理结果）", "complete the entry (a visitor's departure, a request's outcome)";
    ChangeRoster => "change_roster", "调整值班表（负责人）", "change the roster (lead)";
    Handover => "handover", "交接班", "shift handover";
    Statistics => "statistics", "服务统计图表", "service statistics";
    AckItem => "ack_item", "确认该条目", "acknowledge the item";
    NoteItem => "note_item", "为该条目写备注", "note on the item";
    PassIncident => "pass_incident", "移交该事件", "hand the incident over";
    FinishStep => "finish_step", "完成本步骤", "finish the step";
    SignHandover => "sign_handover", "签字", "sign";
    Noop => "noop", "（解除绑定）", "(unbind)";
}

impl Action {
    /// The Inspections tab's own actions.
    pub const INSPECTION: &'static [Action] = &[
        Action::StartRun,
        Action::MarkItem,
        Action::Notified,
        Action::Decide,
        Action::ManualTransfer,
        Action::SignRun,
        Action::DeclineRun,
        Action::IncidentFromItem,
    ];

    /// The Duty log tab's own actions (the log and the handover walkthrough).
    pub const DUTY: &'static [Action] = &[
        Action::LogEnvironment,
        Action::LogPower,
        Action::LogEquipment,
        Action::LogVisitor,
        Action::LogRequest,
        Action::LogNote,
        Action::IncidentFromEntry,
        Action::CompleteEntry,
        Action::ChangeRoster,
        Action::Handover,
        Action::Statistics,
        Action::AckItem,
        Action::NoteItem,
        Action::PassIncident,
        Action::FinishStep,
        Action::SignHandover,
    ];
}
