//! Changes (变更): a request with what, why, the hosts, the risk, a rollback plan and a
//! planned window. A normal change is approved by a lead other than its requester and
//! is planned outside working hours on the site's calendar; an emergency change may be
//! approved orally (recorded as such, naming who approved it) and must then be written
//! up within the site's limit — a clock that rings like the others. An approved change
//! puts its hosts into maintenance for its window; incidents opened on them in the
//! window are the change's. Then start, end and the result (succeeded, failed, rolled
//! back).

use chrono::{DateTime, Duration, NaiveTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::alarm::AlarmLevel;
use super::checklist::Calendar;
use super::incident::{TEXT_MAX, TITLE_MAX};
use super::{DomainError, Incident, Operator, Role};

vocabulary! {
    /// Planned ahead and approved, or done at once because something is broken.
    ChangeKind {
        Normal => "normal" | "常规" | "常规变更",
        Emergency => "emergency" | "紧急" | "紧急变更",
    }
}

vocabulary! {
    /// What could go wrong.
    Risk {
        Low => "low" | "低",
        Medium => "medium" | "中",
        High => "high" | "高",
    }
}

vocabulary! {
    /// How a change ended.
    ChangeResult {
        Succeeded => "succeeded" | "success" | "成功",
        Failed => "failed" | "失败",
        RolledBack => "rolled_back" | "rollback" | "回退",
    }
}

/// Where a change stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeState {
    Requested,
    Approved,
    Rejected,
    Started,
    Finished,
}

/// The site's rules for changes (`[changes]` in sla.toml).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeRules {
    /// Working hours on a workday of the calendar (normal changes stay outside them).
    pub working: (NaiveTime, NaiveTime),
    /// How long after its approval an emergency change must be written up.
    pub record_within: Duration,
}

impl Default for ChangeRules {
    fn default() -> Self {
        let at = |h, m| NaiveTime::from_hms_opt(h, m, 0).expect("a time");
        ChangeRules { working: (at(8, 30), at(17, 30)), record_within: Duration::hours(24) }
    }
}

/// What a requester asks for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeRequest {
    pub kind: ChangeKind,
    pub what: String,
    pub why: String,
    pub hosts: Vec<String>,
    pub risk: Risk,
    pub rollback: String,
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

/// Who approved a change, when, and whether it was by word of mouth (recorded by
/// someone else).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    pub by: String,
    pub at: DateTime<Utc>,
    /// Approved orally: `by` is who said so; `recorded_by` typed it in.
    pub oral: bool,
    pub recorded_by: String,
}

/// A change as it stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub id: String,
    #[serde(flatten)]
    pub request: ChangeRequest,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    pub state: ChangeState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<Approval>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejected: Option<(String, String)>,
    /// The written record of an emergency change: when, by whom, what it says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documented: Option<(DateTime<Utc>, String, String)>,
    /// The maintenance window its approval opened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<ChangeResult>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    pub version: u64,
}

/// What a person asks of a change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum ChangeCommand {
    Request(ChangeRequest),
    /// A lead approves; or, for an emergency change, anyone records that `oral_by`
    /// approved it by word of mouth.
    Approve {
        #[serde(default)]
        oral_by: Option<String>,
    },
    Reject {
        reason: String,
    },
    /// The written record of an emergency change.
    Document {
        text: String,
    },
    /// The approval's maintenance window (issued by the operations layer).
    WindowOpened {
        window: String,
    },
    Start,
    Finish {
        result: ChangeResult,
        note: String,
    },
}

/// What happened to a change, stored as `change.<kind>`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "payload", rename_all = "snake_case")]
pub enum ChangeEvent {
    Requested { request: ChangeRequest },
    Approved { by: String, oral: bool },
    Rejected { reason: String },
    Documented { text: String },
    WindowOpened { window: String },
    Started {},
    Finished { result: ChangeResult, note: String },
}

impl ChangeEvent {
    pub fn kind(&self) -> &'static str {
        match self {
            ChangeEvent::Requested { .. } => "change.requested",
            ChangeEvent::Approved { .. } => "change.approved",
            ChangeEvent::Rejected { .. } => "change.rejected",
            ChangeEvent::Documented { .. } => "change.documented",
            ChangeEvent::WindowOpened { .. } => "change.window_opened",
            ChangeEvent::Started {} => "change.started",
            ChangeEvent::Finished { .. } => "change.finished",
        }
    }

    pub fn payload_json(&self) -> String {
        super::tagged::payload_of(self)
    }
}

/// Why a change command was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChangeRefusal {
    NoChange {
        id: String,
    },
    Exists {
        id: String,
    },
    /// A normal change's window reaches into working hours (the first such instant).
    InWorkingHours {
        at: DateTime<Utc>,
    },
    /// The requester does not approve their own change.
    OwnApproval,
    /// A normal change is approved by a lead, in person.
    LeadApproves,
    /// Only an emergency change is approved by word of mouth.
    OralForEmergencyOnly,
    /// Only an emergency change is written up afterwards.
    DocumentEmergencyOnly,
    AlreadyDocumented,
    /// Not in the state this needs.
    NotNow {
        command: &'static str,
        state: ChangeState,
    },
    /// A failed or rolled-back change says what happened.
    ResultNeedsNote,
    /// A change's maintenance window is opened by its approval, not asked for.
    WindowByApproval,
    /// A planned window in the past (a normal change is planned ahead).
    WindowPast {
        until: DateTime<Utc>,
    },
}

fn refuse<T>(why: ChangeRefusal) -> Result<T, DomainError> {
    Err(DomainError::Change(why))
}

use super::tagged::check_text as text;

/// The first instant of `[from, until)` inside working hours on a workday, if any.
pub fn first_working_instant(
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    rules: &ChangeRules,
    calendar: &Calendar,
    tz: Tz,
) -> Option<DateTime<Utc>> {
    let (open, close) = rules.working;
    let mut date = from.with_timezone(&tz).date_naive();
    let last = until.with_timezone(&tz).date_naive();
    while date <= last {
        if calendar.is_workday(date) {
            let local = |t: NaiveTime| {
                date.and_time(t).and_local_timezone(tz).earliest().map(|d| d.with_timezone(&Utc))
            };
            if let (Some(start), Some(end)) = (local(open), local(close)) {
                // The overlap of [from, until) with [start, end).
                let (a, b) = (from.max(start), until.min(end));
                if a < b {
                    return Some(a);
                }
            }
        }
        date = date.succ_opt()?;
    }
    None
}

/// Context a change command is decided in.
pub struct ChangeContext<'a> {
    pub actor: &'a Operator,
    pub now: DateTime<Utc>,
    pub rules: &'a ChangeRules,
    pub calendar: &'a Calendar,
    pub tz: Tz,
}

/// Decides what a command does to a change (None before it is requested).
pub fn decide(
    change: Option<&Change>,
    id: &str,
    command: &ChangeCommand,
    ctx: &ChangeContext<'_>,
) -> Result<ChangeEvent, DomainError> {
    use ChangeCommand as C;
    use ChangeState as S;
    let change = match (change, command) {
        (None, C::Request(request)) => {
            validate(request, ctx)?;
            return Ok(ChangeEvent::Requested { request: request.clone() });
        }
        (Some(_), C::Request(_)) => return refuse(ChangeRefusal::Exists { id: id.to_string() }),
        (None, _) => return refuse(ChangeRefusal::NoChange { id: id.to_string() }),
        (Some(change), _) => change,
    };
    let not_now = |command: &'static str| refuse(ChangeRefusal::NotNow { command, state: change.state });
    let emergency = change.request.kind == ChangeKind::Emergency;
    match command {
        C::Request(_) => unreachable!("answered above"),
        C::Approve { .. } if change.state != S::Requested => not_now("approve"),
        C::Approve { oral_by: Some(_) } if !emergency => refuse(ChangeRefusal::OralForEmergencyOnly),
        C::Approve { oral_by: Some(by) } => {
            text("approver", by, TITLE_MAX, true)?;
            if by.trim() == change.requested_by {
                return refuse(ChangeRefusal::OwnApproval);
            }
            Ok(ChangeEvent::Approved { by: by.trim().to_string(), oral: true })
        }
        C::Approve { oral_by: None } => {
            if ctx.actor.id == change.requested_by {
                return refuse(ChangeRefusal::OwnApproval);
            }
            if ctx.actor.role != Role::Lead {
                return refuse(ChangeRefusal::LeadApproves);
            }
            // Hours are checked again: the calendar may have changed since the request.
            if !emergency {
                check_hours(&change.request, ctx)?;
            }
            Ok(ChangeEvent::Approved { by: ctx.actor.id.clone(), oral: false })
        }
        C::Reject { .. } if change.state != S::Requested => not_now("reject"),
        C::Reject { .. } if ctx.actor.role != Role::Lead => refuse(ChangeRefusal::LeadApproves),
        C::Reject { reason } => {
            text("reason", reason, TEXT_MAX, true)?;
            Ok(ChangeEvent::Rejected { reason: reason.clone() })
        }
        C::Document { .. } if !emergency => refuse(ChangeRefusal::DocumentEmergencyOnly),
        C::Document { .. } if change.documented.is_some() => refuse(ChangeRefusal::AlreadyDocumented),
        C::Document { .. } if change.approval.is_none() => not_now("document"),
        C::Document { text: record } => {
            text("text", record, TEXT_MAX, true)?;
            Ok(ChangeEvent::Documented { text: record.clone() })
        }
        C::WindowOpened { .. } if change.state != S::Approved || change.window.is_some() => not_now("window"),
        C::WindowOpened { window } => Ok(ChangeEvent::WindowOpened { window: window.clone() }),
        C::Start if change.state != S::Approved => not_now("start"),
        C::Start => Ok(ChangeEvent::Started {}),
        C::Finish { .. } if change.state != S::Started => not_now("finish"),
        C::Finish { result, note } => {
            text("note", note, TEXT_MAX, *result != ChangeResult::Succeeded)
                .map_err(|_| DomainError::Change(ChangeRefusal::ResultNeedsNote))?;
            Ok(ChangeEvent::Finished { result: *result, note: note.clone() })
        }
    }
}

fn validate(request: &ChangeRequest, ctx: &ChangeContext<'_>) -> Result<(), DomainError> {
    text("what", &request.what, TITLE_MAX, true)?;
    text("why", &request.why, TEXT_MAX, true)?;
    // Without a way back a change is not planned.
    text("rollback", &request.rollback, TEXT_MAX, true)?;
    if request.hosts.is_empty() {
        return Err(DomainError::Empty { field: "hosts" });
    }
    if request.until <= request.from {
        return Err(DomainError::BadWindow { from: request.from, until: request.until });
    }
    if request.until - request.from > Duration::days(super::maintenance::LONGEST_DAYS) {
        return Err(DomainError::WindowTooLong { days: super::maintenance::LONGEST_DAYS });
    }
    if request.kind == ChangeKind::Normal {
        if request.until <= ctx.now {
            return refuse(ChangeRefusal::WindowPast { until: request.until });
        }
        check_hours(request, ctx)?;
    }
    Ok(())
}

fn check_hours(request: &ChangeRequest, ctx: &ChangeContext<'_>) -> Result<(), DomainError> {
    match first_working_instant(request.from, request.until, ctx.rules, ctx.calendar, ctx.tz) {
        Some(at) => refuse(ChangeRefusal::InWorkingHours { at }),
        None => Ok(()),
    }
}

/// Applies one event (from the log, so decided already).
pub fn apply(
    change: Option<Change>,
    event: &ChangeEvent,
    id: &str,
    actor: &str,
    at: DateTime<Utc>,
) -> Result<Change, DomainError> {
    let corrupt = || DomainError::CorruptLog { kind: "change event out of place" };
    let mut change = match (change, event) {
        (None, ChangeEvent::Requested { request }) => {
            return Ok(Change {
                id: id.to_string(),
                request: request.clone(),
                requested_by: actor.to_string(),
                requested_at: at,
                state: ChangeState::Requested,
                approval: None,
                rejected: None,
                documented: None,
                window: None,
                started_at: None,
                finished_at: None,
                result: None,
                note: String::new(),
                version: 1,
            });
        }
        (Some(change), event) if !matches!(event, ChangeEvent::Requested { .. }) => change,
        _ => return Err(corrupt()),
    };
    match event {
        ChangeEvent::Requested { .. } => return Err(corrupt()),
        ChangeEvent::Approved { by, oral } => {
            change.approval =
                Some(Approval { by: by.clone(), at, oral: *oral, recorded_by: actor.to_string() });
            change.state = ChangeState::Approved;
        }
        ChangeEvent::Rejected { reason } => {
            change.rejected = Some((actor.to_string(), reason.clone()));
            change.state = ChangeState::Rejected;
        }
        ChangeEvent::Documented { text } => change.documented = Some((at, actor.to_string(), text.clone())),
        ChangeEvent::WindowOpened { window } => change.window = Some(window.clone()),
        ChangeEvent::Started {} => {
            change.started_at = Some(at);
            change.state = ChangeState::Started;
        }
        ChangeEvent::Finished { result, note } => {
            change.finished_at = Some(at);
            change.result = Some(*result);
            change.note = note.clone();
            change.state = ChangeState::Finished;
        }
    }
    change.version += 1;
    Ok(change)
}

/// Folds a change from its events: (kind, payload, actor, occurred_at), oldest first.
pub fn fold<'a>(
    id: &str,
    events: impl IntoIterator<Item = (&'a str, &'a str, &'a str, DateTime<Utc>)>,
) -> Result<Option<Change>, DomainError> {
    super::tagged::fold("change.", "undecodable change event", events, |change, event, actor, at| {
        apply(change, event, id, actor, at)
    })
}

impl Change {
    /// When an emergency change's written record is due (approved, not yet written).
    pub fn record_due(&self, rules: &ChangeRules) -> Option<DateTime<Utc>> {
        let approval = self.approval.as_ref()?;
        (self.request.kind == ChangeKind::Emergency && self.documented.is_none())
            .then(|| approval.at + rules.record_within)
    }

    /// The record's alarm at `now` (within a tenth of the limit before it, then past
    /// it), and the next instant at which that changes.
    pub fn record_alarm(
        &self,
        rules: &ChangeRules,
        now: DateTime<Utc>,
    ) -> (Option<AlarmLevel>, Option<DateTime<Utc>>) {
        let Some(due) = self.record_due(rules) else { return (None, None) };
        let warn_at = due - rules.record_within / 10;
        match now {
            _ if now >= due => (Some(AlarmLevel::Breached), None),
            _ if now >= warn_at => (Some(AlarmLevel::DueSoon), Some(due)),
            _ => (None, Some(warn_at)),
        }
    }

    /// The time its hosts are the change's: the planned window, widened to when it
    /// really started and ended.
    pub fn span(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        let from = self.started_at.map_or(self.request.from, |s| s.min(self.request.from));
        let until = self.finished_at.map_or(self.request.until, |f| f.max(self.request.until));
        (from, until)
    }

    /// Whether an incident is the change's: opened on one of its hosts in its span,
    /// once it was approved.
    pub fn covers(&self, incident: &Incident) -> bool {
        let (from, until) = self.span();
        self.approval.is_some()
            && self.state != ChangeState::Rejected
            && (from..until).contains(&incident.reported_at)
            && incident.hosts.iter().any(|h| self.request.hosts.contains(h))
    }
}

/// The incidents each change covers, by change id.
pub fn linked<'a>(changes: &[Change], incidents: &'a [Incident]) -> Vec<(String, Vec<&'a Incident>)> {
    changes.iter().map(|c| (c.id.clone(), incidents.iter().filter(|i| c.covers(i)).collect())).collect()
}

/// Changes in a period by kind, and how they ended.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ChangeTally {
    pub normal: usize,
    pub emergency: usize,
    pub succeeded: usize,
    pub failed: usize,
    pub rolled_back: usize,
    /// Approved, not finished.
    pub open: usize,
    pub rejected: usize,
    /// Emergency changes written up late or not yet, past their limit.
    pub late_records: usize,
}

impl ChangeTally {
    /// The tally of the changes whose planned window begins in `[from, to)`.
    pub fn of(
        changes: &[Change],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        rules: &ChangeRules,
    ) -> ChangeTally {
        let mut tally = ChangeTally::default();
        for change in changes.iter().filter(|c| (from..to).contains(&c.request.from)) {
            match change.request.kind {
                ChangeKind::Normal => tally.normal += 1,
                ChangeKind::Emergency => tally.emergency += 1,
            }
            match (change.state, change.result) {
                (_, Some(ChangeResult::Succeeded)) => tally.succeeded += 1,
                (_, Some(ChangeResult::Failed)) => tally.failed += 1,
                (_, Some(ChangeResult::RolledBack)) => tally.rolled_back += 1,
                (ChangeState::Rejected, _) => tally.rejected += 1,
                (ChangeState::Approved | ChangeState::Started, _) => tally.open += 1,
                _ => {}
            }
            let late = match (change.approval.as_ref(), &change.documented) {
                (Some(a), Some((at, ..))) => {
                    change.request.kind == ChangeKind::Emergency && *at > a.at + rules.record_within
                }
                (Some(a), None) => {
                    change.request.kind == ChangeKind::Emergency && to > a.at + rules.record_within
                }
                _ => false,
            };
            tally.late_records += late as usize;
        }
        tally
    }

    /// Succeeded of those that ended, in percent (None when none ended).
    pub fn success_percent(&self) -> Option<f64> {
        let ended = self.succeeded + self.failed + self.rolled_back;
        (ended > 0).then(|| self.succeeded as f64 * 100.0 / ended as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    fn person(id: &str, role: Role) -> Operator {
        Operator { id: id.into(), name: id.into(), role }
    }

    fn request(kind: ChangeKind, from: &str, until: &str) -> ChangeRequest {
        ChangeRequest {
            kind,
            what: "升级数据库补丁".into(),
            why: "修复已知缺陷".into(),
            hosts: vec!["central-db".into()],
            risk: Risk::Medium,
            rollback: "回退补丁并重启".into(),
            from: at(from),
            until: at(until),
        }
    }

    struct World {
        calendar: Calendar,
        rules: ChangeRules,
    }

    impl World {
        fn new() -> World {
            let holiday = chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
            World {
                calendar: Calendar { holidays: [holiday].into(), workdays: Default::default() },
                rules: ChangeRules::default(),
            }
        }

        fn ctx<'a>(&'a self, actor: &'a Operator, now: &str) -> ChangeContext<'a> {
            ChangeContext {
                actor,
                now: at(now),
                rules: &self.rules,
                calendar: &self.calendar,
                tz: chrono_tz::Asia::Shanghai,
            }
        }

        fn step(
            &self,
            change: Option<Change>,
            command: ChangeCommand,
            actor: &Operator,
            now: &str,
        ) -> Result<Change, DomainError> {
            let event = decide(change.as_ref(), "CHG-1", &command, &self.ctx(actor, now))?;
            apply(change, &event, "CHG-1", &actor.id, at(now))
        }
    }

    const WED_NOON: &str = "2026-11-25T12:00:00+08:00";

    #[test]
    fn a_normal_change_in_working_hours_is_refused_with_the_first_working_instant() {
        let w = World::new();
        let alice = person("alice", Role::Operator);
        // Wednesday 17:00-19:00 reaches into working hours until 17:30.
        let evening = request(ChangeKind::Normal, "2026-11-25T17:00:00+08:00", "2026-11-25T19:00:00+08:00");
        assert_eq!(
            w.step(None, ChangeCommand::Request(evening), &alice, WED_NOON),
            Err(DomainError::Change(ChangeRefusal::InWorkingHours { at: at("2026-11-25T17:00:00+08:00") }))
        );
        // Night, weekend daytime and a holiday's daytime are outside working hours.
        for (from, until) in [
            ("2026-11-25T22:00:00+08:00", "2026-11-26T02:00:00+08:00"),
            ("2026-11-28T09:00:00+08:00", "2026-11-28T18:00:00+08:00"),
            ("2026-12-31T10:00:00+08:00", "2026-12-31T12:00:00+08:00"),
            ("2026-11-25T17:30:00+08:00", "2026-11-26T08:30:00+08:00"),
        ] {
            let night = request(ChangeKind::Normal, from, until);
            assert!(w.step(None, ChangeCommand::Request(night), &alice, WED_NOON).is_ok(), "{from}");
        }
        // An emergency change is done when it must.
        let now = request(ChangeKind::Emergency, "2026-11-25T12:00:00+08:00", "2026-11-25T13:00:00+08:00");
        assert!(w.step(None, ChangeCommand::Request(now), &alice, WED_NOON).is_ok());
        // A normal change is planned ahead, with a way back.
        let past = request(ChangeKind::Normal, "2026-11-24T22:00:00+08:00", "2026-11-24T23:00:00+08:00");
        assert!(matches!(
            w.step(None, ChangeCommand::Request(past), &alice, WED_NOON),
            Err(DomainError::Change(ChangeRefusal::WindowPast { .. }))
        ));
        let mut no_way_back =
            request(ChangeKind::Normal, "2026-11-25T22:00:00+08:00", "2026-11-25T23:00:00+08:00");
        no_way_back.rollback = "  ".into();
        assert_eq!(
            w.step(None, ChangeCommand::Request(no_way_back), &alice, WED_NOON),
            Err(DomainError::Empty { field: "rollback" })
        );
    }

    #[test]
    fn a_normal_change_is_approved_by_a_lead_other_than_its_requester_in_person() {
        let w = World::new();
        let (alice, bob, lead) =
            (person("alice", Role::Operator), person("bob", Role::Operator), person("lead", Role::Lead));
        let night = request(ChangeKind::Normal, "2026-11-25T22:00:00+08:00", "2026-11-26T01:00:00+08:00");
        let asked = w.step(None, ChangeCommand::Request(night.clone()), &lead, WED_NOON).unwrap();
        let approve = |oral_by: Option<&str>| ChangeCommand::Approve { oral_by: oral_by.map(str::to_string) };
        assert_eq!(
            w.step(Some(asked.clone()), approve(None), &lead, WED_NOON),
            Err(DomainError::Change(ChangeRefusal::OwnApproval))
        );
        let asked = w.step(None, ChangeCommand::Request(night), &alice, WED_NOON).unwrap();
        assert_eq!(
            w.step(Some(asked.clone()), approve(None), &bob, WED_NOON),
            Err(DomainError::Change(ChangeRefusal::LeadApproves))
        );
        assert_eq!(
            w.step(Some(asked.clone()), approve(Some("王主任")), &bob, WED_NOON),
            Err(DomainError::Change(ChangeRefusal::OralForEmergencyOnly))
        );
        let approved = w.step(Some(asked), approve(None), &lead, WED_NOON).unwrap();
        assert_eq!(approved.state, ChangeState::Approved);
        assert_eq!(approved.approval.as_ref().map(|a| (a.by.as_str(), a.oral)), Some(("lead", false)));
        assert_eq!(approved.record_due(&w.rules), None, "a normal change is written up before");
        assert!(matches!(
            w.step(
                Some(approved.clone()),
                ChangeCommand::Finish { result: ChangeResult::Succeeded, note: String::new() },
                &alice,
                WED_NOON
            ),
            Err(DomainError::Change(ChangeRefusal::NotNow { command: "finish", .. }))
        ));
        let started =
            w.step(Some(approved), ChangeCommand::Start, &alice, "2026-11-25T22:01:00+08:00").unwrap();
        assert_eq!(
            w.step(
                Some(started.clone()),
                ChangeCommand::Finish { result: ChangeResult::RolledBack, note: " ".into() },
                &alice,
                "2026-11-25T23:00:00+08:00"
            ),
            Err(DomainError::Change(ChangeRefusal::ResultNeedsNote))
        );
        let done = w
            .step(
                Some(started),
                ChangeCommand::Finish {
                    result: ChangeResult::RolledBack, note: "补丁后连接数异常".into()
                },
                &alice,
                "2026-11-25T23:00:00+08:00",
            )
            .unwrap();
        assert_eq!((done.state, done.result), (ChangeState::Finished, Some(ChangeResult::RolledBack)));
    }

    #[test]
    fn an_emergency_change_approved_orally_must_be_written_up_within_the_limit() {
        let w = World::new();
        let alice = person("alice", Role::Operator);
        let now = request(ChangeKind::Emergency, "2026-11-25T12:00:00+08:00", "2026-11-25T13:00:00+08:00");
        let asked = w.step(None, ChangeCommand::Request(now), &alice, WED_NOON).unwrap();
        assert_eq!(
            w.step(
                Some(asked.clone()),
                ChangeCommand::Approve { oral_by: Some("alice".into()) },
                &alice,
                WED_NOON
            ),
            Err(DomainError::Change(ChangeRefusal::OwnApproval))
        );
        let approved = w
            .step(Some(asked), ChangeCommand::Approve { oral_by: Some("王主任".into()) }, &alice, WED_NOON)
            .unwrap();
        let approval = approved.approval.clone().unwrap();
        assert_eq!(
            (approval.by.as_str(), approval.oral, approval.recorded_by.as_str()),
            ("王主任", true, "alice")
        );
        let due = at("2026-11-26T12:00:00+08:00");
        assert_eq!(approved.record_due(&w.rules), Some(due));
        assert_eq!(approved.record_alarm(&w.rules, at(WED_NOON)), (None, Some(due - Duration::minutes(144))));
        assert_eq!(
            approved.record_alarm(&w.rules, due - Duration::hours(1)),
            (Some(AlarmLevel::DueSoon), Some(due))
        );
        assert_eq!(approved.record_alarm(&w.rules, due), (Some(AlarmLevel::Breached), None));
        let written = w
            .step(
                Some(approved),
                ChangeCommand::Document { text: "补记审批单".into() },
                &alice,
                "2026-11-26T13:00:00+08:00",
            )
            .unwrap();
        assert_eq!(written.record_alarm(&w.rules, due + Duration::hours(5)), (None, None));
        assert_eq!(
            w.step(
                Some(written.clone()),
                ChangeCommand::Document { text: "again".into() },
                &alice,
                "2026-11-26T14:00:00+08:00"
            ),
            Err(DomainError::Change(ChangeRefusal::AlreadyDocumented))
        );
        let tally = ChangeTally::of(
            &[written],
            at("2026-11-01T00:00:00+08:00"),
            at("2026-12-01T00:00:00+08:00"),
            &w.rules,
        );
        assert_eq!((tally.emergency, tally.open, tally.late_records), (1, 1, 1), "written an hour late");
    }

    proptest! {
        /// Whatever is asked in whatever order, a change moves only forward, is approved
        /// only once and never by its requester, and ends only after it started.
        #[test]
        fn a_change_only_moves_forward(commands in prop::collection::vec(0usize..7, 0..12), emergency: bool) {
            let w = World::new();
            let people = [person("alice", Role::Operator), person("lead", Role::Lead), person("boss", Role::Lead)];
            let kind = if emergency { ChangeKind::Emergency } else { ChangeKind::Normal };
            let first = request(kind, "2026-11-25T22:00:00+08:00", "2026-11-26T01:00:00+08:00");
            let mut change = Some(w.step(None, ChangeCommand::Request(first), &people[0], WED_NOON).unwrap());
            let order = |s: ChangeState| match s {
                ChangeState::Requested => 0,
                ChangeState::Approved | ChangeState::Rejected => 1,
                ChangeState::Started => 2,
                ChangeState::Finished => 3,
            };
            for (n, pick) in commands.into_iter().enumerate() {
                let command = match pick {
                    0 => ChangeCommand::Approve { oral_by: None },
                    1 => ChangeCommand::Approve { oral_by: Some("王主任".into()) },
                    2 => ChangeCommand::Reject { reason: "不必要".into() },
                    3 => ChangeCommand::Document { text: "补记".into() },
                    4 => ChangeCommand::Start,
                    5 => ChangeCommand::Finish { result: ChangeResult::Succeeded, note: String::new() },
                    _ => ChangeCommand::WindowOpened { window: "MW-1".into() },
                };
                let actor = &people[n % 3];
                let before = change.clone().unwrap();
                if let Ok(after) = w.step(change.clone(), command, actor, WED_NOON) {
                    prop_assert!(order(after.state) >= order(before.state));
                    prop_assert!(after.version == before.version + 1);
                    if let Some(a) = &after.approval {
                        prop_assert!(a.by != after.requested_by);
                        prop_assert!(!a.oral || after.request.kind == ChangeKind::Emergency);
                    }
                    prop_assert!(after.started_at.is_none() || after.approval.is_some());
                    prop_assert!(after.finished_at.is_none() || after.started_at.is_some());
                    change = Some(after);
                }
            }
        }
    }
}
