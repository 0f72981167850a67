//! Inspections (巡检): checklist templates with a schedule, and runs of them. Pure: the
//! calendar, the time zone and `now` come in as arguments.
//!
//! A run is one occurrence of a template (`exchange@20261121T0830`). It is started,
//! its items are marked normal / warning / critical with a note, and it is signed off.
//! A warning asks the operator to notify the owner and the lead within a minute (the
//! notice is recorded); a critical item pauses the run until a lead decides to go on.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::check::CheckStatus;
use super::{DomainError, Operator, Role};

vocabulary! {
    /// An inspection result (正常 / 警告 / 严重).
    ItemResult {
        Normal => "normal" | "正常",
        Warning => "warning" | "警告",
        Critical => "critical" | "严重",
    }
}

impl ItemResult {
    pub fn mark(self) -> &'static str {
        match self {
            ItemResult::Normal => "√",
            ItemResult::Warning => "!",
            ItemResult::Critical => "×",
        }
    }

    /// The result a check's verdict suggests. A check that could not judge suggests
    /// a warning, never normal: the engineer looks and says what they saw.
    pub fn suggested_by(judged: CheckStatus) -> ItemResult {
        match judged {
            CheckStatus::Normal => ItemResult::Normal,
            CheckStatus::Warning | CheckStatus::Unknown => ItemResult::Warning,
            CheckStatus::Critical => ItemResult::Critical,
        }
    }

    /// The check verdict this result amounts to.
    pub fn as_status(self) -> CheckStatus {
        match self {
            ItemResult::Normal => CheckStatus::Normal,
            ItemResult::Warning => CheckStatus::Warning,
            ItemResult::Critical => CheckStatus::Critical,
        }
    }

    /// Whether this result says things are better than the check judged them (normal
    /// where the check could not judge counts as better).
    pub fn better_than(self, judged: CheckStatus) -> bool {
        self.as_status().badness() < judged.badness()
    }
}

/// When a template falls due.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cadence {
    /// Working days of the site's calendar (holidays off, adjusted working days on).
    Workdays,
    Daily,
    Weekly(Weekday),
    /// On this day of the month (clamped to the month's last day).
    Monthly(u32),
    /// Once a year, on this month and day (29 February is the 28th in other years):
    /// the yearly restore test of the backups.
    Yearly {
        month: u32,
        day: u32,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemTemplate {
    pub id: String,
    pub title: String,
    pub steps: Vec<String>,
    /// A live-status check (`host/check`) whose latest result pre-fills the item.
    pub check: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    pub id: String,
    pub name: String,
    pub cadence: Cadence,
    /// Local times of day at which a run falls due.
    pub times: Vec<NaiveTime>,
    /// A fixed local deadline (e.g. 18:00), else `within` after the due time.
    pub deadline: Option<NaiveTime>,
    pub within: Duration,
    pub items: Vec<ItemTemplate>,
}

impl Template {
    /// The command that starts a run of this template at one of its slots.
    pub fn start(&self, slot: &Slot) -> RunCommand {
        let items = self
            .items
            .iter()
            .map(|i| RunItem {
                id: i.id.clone(),
                title: i.title.clone(),
                steps: i.steps.clone(),
                check: i.check.clone(),
            })
            .collect();
        RunCommand::Start { slot: slot.clone(), name: self.name.clone(), items }
    }
}

/// Public holidays and the adjusted working days (调休) of the year.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Calendar {
    pub holidays: BTreeSet<NaiveDate>,
    pub workdays: BTreeSet<NaiveDate>,
}

impl Calendar {
    pub fn is_workday(&self, date: NaiveDate) -> bool {
        if self.workdays.contains(&date) {
            return true;
        }
        if self.holidays.contains(&date) {
            return false;
        }
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
    }
}

/// One occurrence of a template.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    pub run: String,
    pub template: String,
    pub due_at: DateTime<Utc>,
    pub deadline_at: DateTime<Utc>,
}

fn local(tz: Tz, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    // Asia/Shanghai has no DST; a gap elsewhere takes the later instant.
    tz.from_local_datetime(&date.and_time(time))
        .earliest()
        .unwrap_or_else(|| tz.from_utc_datetime(&date.and_time(time)))
        .with_timezone(&Utc)
}

fn falls_on(template: &Template, calendar: &Calendar, date: NaiveDate) -> bool {
    let last_of_month = || {
        NaiveDate::from_ymd_opt(date.year(), date.month(), 1)
            .and_then(|first| first.checked_add_months(chrono::Months::new(1)))
            .and_then(|next| next.pred_opt())
            .map_or(28, |d| d.day())
    };
    match template.cadence {
        Cadence::Workdays => calendar.is_workday(date),
        Cadence::Daily => true,
        Cadence::Weekly(day) => date.weekday() == day,
        Cadence::Monthly(day) => date.day() == day.min(last_of_month()),
        Cadence::Yearly { month, day } => date.month() == month && date.day() == day.min(last_of_month()),
    }
}

/// The run id of a template's occurrence at a local date and time.
pub fn run_id(template: &str, date: NaiveDate, time: NaiveTime) -> String {
    format!("{template}@{}T{}", date.format("%Y%m%d"), time.format("%H%M"))
}

/// Every occurrence of `template` on local dates `from..=to`.
pub fn slots(template: &Template, calendar: &Calendar, tz: Tz, from: NaiveDate, to: NaiveDate) -> Vec<Slot> {
    let mut out = Vec::new();
    for date in from.iter_days().take_while(|d| *d <= to) {
        if !falls_on(template, calendar, date) {
            continue;
        }
        for time in &template.times {
            let due_at = local(tz, date, *time);
            let deadline_at = match template.deadline {
                // A deadline earlier than the due time is the next day's (a night run).
                Some(deadline) if deadline > *time => local(tz, date, deadline),
                Some(deadline) => local(tz, date.succ_opt().unwrap_or(date), deadline),
                None => due_at + template.within,
            };
            out.push(Slot {
                run: run_id(&template.id, date, *time),
                template: template.id.clone(),
                due_at,
                deadline_at,
            });
        }
    }
    out
}

/// An item's result as marked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    pub result: ItemResult,
    pub note: String,
    pub by: String,
    pub at: DateTime<Utc>,
    /// The bound check's evidence when it was marked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// What the bound check judged when the item was marked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judged: Option<CheckStatus>,
    /// When the owner and lead were told of a warning or critical result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notified_at: Option<DateTime<Utc>>,
}

/// A run as folded from its events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    pub id: String,
    pub template: String,
    pub name: String,
    pub due_at: DateTime<Utc>,
    pub deadline_at: DateTime<Utc>,
    pub items: Vec<RunItem>,
    pub started_by: String,
    pub started_at: DateTime<Utc>,
    pub marks: BTreeMap<String, Mark>,
    /// A critical item waits for a lead's decision: the item id and since when.
    pub paused: Option<(String, DateTime<Utc>)>,
    pub decisions: Vec<Decision>,
    pub transfers: Vec<Transfer>,
    pub signed: Option<(String, DateTime<Utc>)>,
    pub version: u64,
}

/// How long after a warning or critical mark the owner and the lead must be told.
pub const NOTICE_WITHIN: Duration = Duration::minutes(1);

impl Mark {
    /// Whether this result must be reported to the owner and the lead.
    pub fn needs_notice(&self) -> bool {
        self.result != ItemResult::Normal
    }

    /// Whether the owner and the lead were told later than `NOTICE_WITHIN` after.
    pub fn notice_late(&self) -> bool {
        self.notified_at.is_some_and(|at| at - self.at > NOTICE_WITHIN)
    }
}

impl Run {
    /// An item's title (its id when the run has no such item).
    pub fn item_title<'a>(&'a self, item: &'a str) -> &'a str {
        self.items.iter().find(|i| i.id == item).map_or(item, |i| i.title.as_str())
    }

    /// How many items were found wrong: (warnings, criticals).
    pub fn findings(&self) -> (usize, usize) {
        let count = |r| self.marks.values().filter(|m| m.result == r).count();
        (count(ItemResult::Warning), count(ItemResult::Critical))
    }

    /// When the earliest notice still owed to the owner and the lead falls due.
    pub fn notice_due(&self) -> Option<DateTime<Utc>> {
        self.marks
            .values()
            .filter(|m| m.needs_notice() && m.notified_at.is_none())
            .map(|m| m.at + NOTICE_WITHIN)
            .min()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunItem {
    pub id: String,
    pub title: String,
    pub steps: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub item: String,
    pub go_on: bool,
    pub by: String,
    pub at: DateTime<Utc>,
    pub note: String,
}

/// Data moved by hand while exchange failed (人工交换).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transfer {
    pub item: String,
    pub note: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// Where an occurrence stands at a moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunState {
    Upcoming,
    Due,
    InProgress,
    Paused,
    /// Started, past its deadline, not signed.
    Overdue,
    /// Never started by its deadline (漏检).
    Missed,
    Done,
    DoneLate,
    Declined,
}

impl RunState {
    pub fn key(self) -> &'static str {
        match self {
            RunState::Upcoming => "upcoming",
            RunState::Due => "due",
            RunState::InProgress => "in_progress",
            RunState::Paused => "paused",
            RunState::Overdue => "overdue",
            RunState::Missed => "missed",
            RunState::Done => "done",
            RunState::DoneLate => "done_late",
            RunState::Declined => "declined",
        }
    }
}

/// Where a slot stands given its run (if started) and any declaration that it cannot be done.
pub fn state_of(slot: &Slot, run: Option<&Run>, declined: bool, now: DateTime<Utc>) -> RunState {
    match run {
        Some(run) => match run.signed {
            Some((_, at)) if at <= slot.deadline_at => RunState::Done,
            Some(_) => RunState::DoneLate,
            None if run.paused.is_some() => RunState::Paused,
            None if now > slot.deadline_at => RunState::Overdue,
            None => RunState::InProgress,
        },
        None if declined => RunState::Declined,
        None if now < slot.due_at => RunState::Upcoming,
        None if now <= slot.deadline_at => RunState::Due,
        None => RunState::Missed,
    }
}

/// A command on a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum RunCommand {
    Start {
        slot: Slot,
        name: String,
        items: Vec<RunItem>,
    },
    Mark {
        item: String,
        result: ItemResult,
        note: String,
        evidence: Option<String>,
        /// What the bound check judged (the operations layer fills it in, with
        /// `evidence`): a result better than that needs a note.
        #[serde(default)]
        judged: Option<CheckStatus>,
    },
    Notify {
        item: String,
    },
    Decide {
        go_on: bool,
        note: String,
    },
    Transfer {
        item: String,
        note: String,
    },
    Sign,
}

/// What happened to a run (stored as `checklist.<kind>`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "payload", rename_all = "snake_case")]
pub enum RunEvent {
    Started {
        slot: Slot,
        name: String,
        items: Vec<RunItem>,
    },
    ItemMarked {
        item: String,
        result: ItemResult,
        note: String,
        evidence: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        judged: Option<CheckStatus>,
    },
    Notified {
        item: String,
    },
    LeadDecided {
        go_on: bool,
        note: String,
    },
    ManualTransfer {
        item: String,
        note: String,
    },
    Signed {},
}

impl RunEvent {
    pub fn kind(&self) -> &'static str {
        match self {
            RunEvent::Started { .. } => "checklist.started",
            RunEvent::ItemMarked { .. } => "checklist.item_marked",
            RunEvent::Notified { .. } => "checklist.notified",
            RunEvent::LeadDecided { .. } => "checklist.lead_decided",
            RunEvent::ManualTransfer { .. } => "checklist.manual_transfer",
            RunEvent::Signed {} => "checklist.signed",
        }
    }

    pub fn payload_json(&self) -> String {
        serde_json::to_value(self).expect("run events serialise")["payload"].to_string()
    }

    pub fn from_stored(kind: &str, payload: &str) -> Result<Self, serde_json::Error> {
        let short = kind.strip_prefix("checklist.").unwrap_or(kind);
        serde_json::from_str(&format!(
            "{{\"kind\":{},\"payload\":{payload}}}",
            serde_json::Value::from(short)
        ))
    }
}

/// Decides a command on a run (None before it is started).
pub fn decide_run(
    run: Option<&Run>,
    command: &RunCommand,
    actor: &Operator,
) -> Result<RunEvent, DomainError> {
    let refuse = |why: RunRefusal| Err(DomainError::Run(why));
    let run = match (run, command) {
        (None, RunCommand::Start { slot, name, items }) => {
            return Ok(RunEvent::Started { slot: slot.clone(), name: name.clone(), items: items.clone() });
        }
        (Some(run), RunCommand::Start { .. }) => {
            return refuse(RunRefusal::AlreadyStarted { by: run.started_by.clone(), at: run.started_at });
        }
        (None, _) => return refuse(RunRefusal::NotStarted),
        (Some(run), _) => run,
    };
    if let Some((by, at)) = &run.signed {
        return refuse(RunRefusal::Signed { by: by.clone(), at: *at });
    }
    let known = |item: &str| run.items.iter().any(|i| i.id == item);
    match command {
        RunCommand::Start { .. } => unreachable!("handled above"),
        RunCommand::Mark { item, result, note, evidence, judged } => {
            if !known(item) {
                return refuse(RunRefusal::NoItem { item: item.clone() });
            }
            if let Some((paused_on, _)) = &run.paused {
                return refuse(RunRefusal::Paused { item: paused_on.clone() });
            }
            if let Some(mark) = run.marks.get(item) {
                return refuse(RunRefusal::AlreadyMarked {
                    item: item.clone(),
                    by: mark.by.clone(),
                    at: mark.at,
                });
            }
            if let Some(judged) = judged
                && result.better_than(*judged)
                && note.trim().is_empty()
            {
                return refuse(RunRefusal::BetterThanEvidence { item: item.clone(), judged: *judged });
            }
            if *result != ItemResult::Normal && note.trim().is_empty() {
                return Err(DomainError::Empty { field: "note" });
            }
            Ok(RunEvent::ItemMarked {
                item: item.clone(),
                result: *result,
                note: note.clone(),
                evidence: evidence.clone(),
                judged: *judged,
            })
        }
        RunCommand::Notify { item } => match run.marks.get(item) {
            Some(mark) if mark.needs_notice() && mark.notified_at.is_none() => {
                Ok(RunEvent::Notified { item: item.clone() })
            }
            _ => refuse(RunRefusal::NothingToNotify { item: item.clone() }),
        },
        RunCommand::Decide { go_on, note } => {
            if actor.role != Role::Lead {
                return refuse(RunRefusal::LeadOnly);
            }
            if run.paused.is_none() {
                return refuse(RunRefusal::NotPaused);
            }
            Ok(RunEvent::LeadDecided { go_on: *go_on, note: note.clone() })
        }
        RunCommand::Transfer { item, note } => {
            if !known(item) {
                return refuse(RunRefusal::NoItem { item: item.clone() });
            }
            if note.trim().is_empty() {
                return Err(DomainError::Empty { field: "note" });
            }
            Ok(RunEvent::ManualTransfer { item: item.clone(), note: note.clone() })
        }
        RunCommand::Sign => {
            if let Some((item, _)) = &run.paused {
                return refuse(RunRefusal::Paused { item: item.clone() });
            }
            let open: Vec<String> =
                run.items.iter().filter(|i| !run.marks.contains_key(&i.id)).map(|i| i.id.clone()).collect();
            if !open.is_empty() {
                return refuse(RunRefusal::Unmarked { items: open });
            }
            if let Some(item) = run.marks.iter().find(|(_, m)| m.needs_notice() && m.notified_at.is_none()) {
                return refuse(RunRefusal::NotNotified { item: item.0.clone() });
            }
            Ok(RunEvent::Signed {})
        }
    }
}

/// Why a run command was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunRefusal {
    AlreadyStarted {
        by: String,
        at: DateTime<Utc>,
    },
    NotStarted,
    Signed {
        by: String,
        at: DateTime<Utc>,
    },
    NoItem {
        item: String,
    },
    Paused {
        item: String,
    },
    AlreadyMarked {
        item: String,
        by: String,
        at: DateTime<Utc>,
    },
    NothingToNotify {
        item: String,
    },
    NotPaused,
    Unmarked {
        items: Vec<String>,
    },
    NotNotified {
        item: String,
    },
    /// A result better than what the item's check judged, with nothing said of why.
    BetterThanEvidence {
        item: String,
        judged: CheckStatus,
    },
    LeadOnly,
    /// The site has no checklist with this id.
    UnknownTemplate {
        template: String,
    },
    /// No occurrence of the checklist is left to start today.
    NothingToStart {
        name: String,
    },
    /// No such occurrence on the site's schedule.
    NotScheduled {
        run: String,
    },
}

/// Folds one event into a run.
pub fn apply_run(
    run: Option<Run>,
    event: &RunEvent,
    id: &str,
    actor: &str,
    at: DateTime<Utc>,
) -> Result<Run, DomainError> {
    let corrupt = || DomainError::CorruptLog { kind: "checklist event out of place" };
    let mut run = match (run, event) {
        (None, RunEvent::Started { slot, name, items }) => {
            return Ok(Run {
                id: id.to_string(),
                template: slot.template.clone(),
                name: name.clone(),
                due_at: slot.due_at,
                deadline_at: slot.deadline_at,
                items: items.clone(),
                started_by: actor.to_string(),
                started_at: at,
                marks: BTreeMap::new(),
                paused: None,
                decisions: Vec::new(),
                transfers: Vec::new(),
                signed: None,
                version: 1,
            });
        }
        (Some(run), e) if !matches!(e, RunEvent::Started { .. }) => run,
        _ => return Err(corrupt()),
    };
    match event {
        RunEvent::Started { .. } => unreachable!("handled above"),
        RunEvent::ItemMarked { item, result, note, evidence, judged } => {
            run.marks.insert(
                item.clone(),
                Mark {
                    result: *result,
                    note: note.clone(),
                    by: actor.to_string(),
                    at,
                    evidence: evidence.clone(),
                    judged: *judged,
                    notified_at: None,
                },
            );
            if *result == ItemResult::Critical {
                run.paused = Some((item.clone(), at));
            }
        }
        RunEvent::Notified { item } => {
            if let Some(mark) = run.marks.get_mut(item) {
                mark.notified_at = Some(at);
            }
        }
        RunEvent::LeadDecided { go_on, note } => {
            let item = run.paused.take().map(|(item, _)| item).unwrap_or_default();
            run.decisions.push(Decision {
                item,
                go_on: *go_on,
                by: actor.to_string(),
                at,
                note: note.clone(),
            });
            if !go_on {
                // Stopping the inspection is the lead's call; the run ends signed by them.
                run.signed = Some((actor.to_string(), at));
            }
        }
        RunEvent::ManualTransfer { item, note } => {
            run.transfers.push(Transfer { item: item.clone(), note: note.clone(), by: actor.to_string(), at })
        }
        RunEvent::Signed {} => run.signed = Some((actor.to_string(), at)),
    }
    run.version += 1;
    Ok(run)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn exchange() -> Template {
        Template {
            id: "exchange".into(),
            name: "数据交换检查".into(),
            cadence: Cadence::Workdays,
            times: vec![t(8, 30), t(17, 0)],
            deadline: None,
            within: Duration::minutes(60),
            items: vec![],
        }
    }

    #[test]
    fn workdays_follow_the_calendar_with_holidays_and_adjusted_days() {
        let calendar = Calendar {
            holidays: [d(2026, 10, 1), d(2026, 10, 2)].into_iter().collect(),
            workdays: [d(2026, 10, 10)].into_iter().collect(), // a Saturday worked (调休)
        };
        let tz = chrono_tz::Asia::Shanghai;
        let slots = slots(&exchange(), &calendar, tz, d(2026, 9, 30), d(2026, 10, 11));
        let days: BTreeSet<NaiveDate> =
            slots.iter().map(|s| s.due_at.with_timezone(&tz).date_naive()).collect();
        assert!(days.contains(&d(2026, 9, 30)));
        assert!(!days.contains(&d(2026, 10, 1)) && !days.contains(&d(2026, 10, 2)), "holidays");
        assert!(!days.contains(&d(2026, 10, 3)) && !days.contains(&d(2026, 10, 4)), "weekend");
        assert!(days.contains(&d(2026, 10, 10)), "adjusted working Saturday");
        assert!(!days.contains(&d(2026, 10, 11)));
        let first = &slots[0];
        assert_eq!(first.run, "exchange@20260930T0830");
        assert_eq!(
            first.due_at,
            Utc.with_ymd_and_hms(2026, 9, 30, 0, 30, 0).unwrap(),
            "08:30 in Shanghai is 00:30 UTC"
        );
        assert_eq!(first.deadline_at - first.due_at, Duration::minutes(60));
    }

    #[test]
    fn a_night_run_has_its_deadline_the_next_morning() {
        let mut night = exchange();
        night.cadence = Cadence::Daily;
        night.times = vec![t(23, 0)];
        night.deadline = Some(t(2, 0));
        let tz = chrono_tz::Asia::Shanghai;
        let slot = &slots(&night, &Calendar::default(), tz, d(2026, 11, 21), d(2026, 11, 21))[0];
        assert_eq!(slot.deadline_at - slot.due_at, Duration::hours(3), "spans midnight");
    }

    #[test]
    fn weekly_and_monthly() {
        let tz = chrono_tz::Asia::Shanghai;
        let mut weekly = exchange();
        weekly.cadence = Cadence::Weekly(Weekday::Mon);
        weekly.times = vec![t(9, 0)];
        assert_eq!(slots(&weekly, &Calendar::default(), tz, d(2026, 11, 1), d(2026, 11, 30)).len(), 5);
        let mut monthly = weekly.clone();
        monthly.cadence = Cadence::Monthly(31);
        let feb = slots(&monthly, &Calendar::default(), tz, d(2027, 2, 1), d(2027, 2, 28));
        assert_eq!(feb.len(), 1, "the 31st is the month's last day in February");
        assert_eq!(feb[0].due_at.with_timezone(&tz).day(), 28);
    }

    #[test]
    fn yearly_falls_once_a_year_and_29_february_on_the_28th() {
        let tz = chrono_tz::Asia::Shanghai;
        let mut yearly = exchange();
        yearly.cadence = Cadence::Yearly { month: 3, day: 31 };
        yearly.times = vec![t(10, 0)];
        let year = slots(&yearly, &Calendar::default(), tz, d(2026, 1, 1), d(2027, 12, 31));
        let dates: Vec<NaiveDate> = year.iter().map(|s| s.due_at.with_timezone(&tz).date_naive()).collect();
        assert_eq!(dates, [d(2026, 3, 31), d(2027, 3, 31)]);
        yearly.cadence = Cadence::Yearly { month: 2, day: 29 };
        let leap = slots(&yearly, &Calendar::default(), tz, d(2027, 1, 1), d(2028, 12, 31));
        let dates: Vec<NaiveDate> = leap.iter().map(|s| s.due_at.with_timezone(&tz).date_naive()).collect();
        assert_eq!(dates, [d(2027, 2, 28), d(2028, 2, 29)]);
    }

    #[test]
    fn a_slot_is_due_until_its_deadline_and_still_due_when_nobody_was_watching() {
        let tz = chrono_tz::Asia::Shanghai;
        let slot = slots(&exchange(), &Calendar::default(), tz, d(2026, 11, 20), d(2026, 11, 20)).remove(0);
        assert_eq!(state_of(&slot, None, false, slot.due_at - Duration::minutes(1)), RunState::Upcoming);
        // A console opened 40 minutes after the due time still finds it due.
        assert_eq!(state_of(&slot, None, false, slot.due_at + Duration::minutes(40)), RunState::Due);
        assert_eq!(state_of(&slot, None, false, slot.deadline_at + Duration::minutes(1)), RunState::Missed);
        assert_eq!(state_of(&slot, None, true, slot.due_at), RunState::Declined);
    }
}
