//! The incident record and its lifecycle: which command is allowed in which state, and
//! which events it produces. Pure: time and the acting operator are passed in.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::vocabulary::{CallTarget, EventClass, FaultArea, PauseReason, Role, Severity, Source, State};
use super::{DomainError, Operator};

/// How far in the future an operator-given time may lie (clock skew between machines).
pub const FUTURE_TOLERANCE_MINUTES: i64 = 5;
/// Longest accepted title, in characters.
pub const TITLE_MAX: usize = 200;
/// Longest accepted free text (note, description, solution...), in characters.
pub const TEXT_MAX: usize = 20_000;

/// The human-readable document number, e.g. `GZ-20261121-003`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct IncidentId(pub String);

impl IncidentId {
    /// The number for the `n`th incident (1-based) reported on `day_key` (`YYYYMMDD`).
    pub fn for_day(prefix: &str, day_key: &str, n: u32) -> Self {
        IncidentId(format!("{prefix}-{day_key}-{n:03}"))
    }
}

impl std::fmt::Display for IncidentId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What an operator (or a monitoring source) says when recording a new incident.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewIncident {
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub severity: Severity,
    pub class: EventClass,
    pub area: FaultArea,
    #[serde(default)]
    pub hosts: Vec<String>,
    pub source: Source,
    /// When the call came or the alarm fired; the clocks run from here.
    pub reported_at: DateTime<Utc>,
    /// Whether the fault needs an engineer on site (starts the on-site clock at response).
    #[serde(default)]
    pub onsite_required: bool,
    /// What the source calls it (`host/check` for a probe, the fingerprint of an
    /// Alertmanager alert, the Zabbix eventid): how a re-fetch finds the same incident.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_ref: Option<String>,
}

/// The fields of the fault report form (故障报告单) that the engineer writes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FaultReportForm {
    /// 故障描述
    pub description: String,
    /// 故障原因; defaults to the cause given at resolution.
    #[serde(default)]
    pub cause: Option<String>,
    /// 处理过程
    #[serde(default)]
    pub process: String,
    /// 解决方案; defaults to the solution given at resolution.
    #[serde(default)]
    pub solution: Option<String>,
    /// 预防措施
    pub measures: String,
    /// 故障所属; defaults to the incident's area.
    #[serde(default)]
    pub area: Option<FaultArea>,
}

/// The fault report as filed: the form completed from the incident record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FaultReport {
    pub reporter: String,
    pub filed_at: DateTime<Utc>,
    pub area: FaultArea,
    pub description: String,
    pub cause: String,
    pub process: String,
    pub solution: String,
    pub measures: String,
    /// 已解决 / 未解决: unresolved when the fault turned into a problem.
    pub resolved: bool,
}

/// A command on an incident. `Open` creates one; the others act on an existing one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum IncidentCommand {
    Open(NewIncident),
    Acknowledge,
    ArriveOnSite,
    Note {
        text: String,
    },
    Escalate {
        vendor: String,
        note: String,
    },
    Call {
        callee: CallTarget,
        name: String,
        answered: bool,
        note: String,
    },
    Pause {
        reason: PauseReason,
    },
    Resume,
    Resolve {
        cause: String,
        solution: String,
    },
    FileReport(FaultReportForm),
    Close {
        note: String,
    },
    MarkProblem {
        note: String,
    },
    /// Passes ownership on (at a shift handover): `to` is an operator the site knows.
    HandOver {
        to: String,
        note: String,
    },
    /// The incoming engineer takes over an incident the outgoing one passed on in a
    /// handover, as they sign it (issued only by the operations layer).
    TakeOver {
        handover: String,
    },
    /// Corrects what was recorded wrongly: never an edit, an event that says who, why
    /// and what it replaces.
    Correct {
        correction: Correction,
        reason: String,
    },
    /// The requester's word on the resolution, and their rating (or the site's rule,
    /// after its days without an answer).
    Confirm(super::confirmation::Confirmation),
    /// Starts an emergency plan (the operations layer fills the run in from the site's
    /// template).
    StartPlan {
        run: super::plan::PlanRun,
    },
    /// A step of the running plan (1-based) done, or skipped with a note.
    MarkStep {
        step: usize,
        done: bool,
        note: String,
    },
}

/// A fact of an incident as recorded that a correction replaces.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "field", content = "value", rename_all = "snake_case")]
pub enum Correction {
    ReportedAt(DateTime<Utc>),
    Severity(Severity),
    Class(EventClass),
    Area(FaultArea),
}

impl Correction {
    /// The same field as it stands on the incident now.
    pub fn current(&self, incident: &Incident) -> Correction {
        match self {
            Correction::ReportedAt(_) => Correction::ReportedAt(incident.reported_at),
            Correction::Severity(_) => Correction::Severity(incident.severity),
            Correction::Class(_) => Correction::Class(incident.class),
            Correction::Area(_) => Correction::Area(incident.area),
        }
    }

    /// The field's stable name.
    pub fn field(&self) -> &'static str {
        match self {
            Correction::ReportedAt(_) => "reported_at",
            Correction::Severity(_) => "severity",
            Correction::Class(_) => "class",
            Correction::Area(_) => "area",
        }
    }
}

impl IncidentCommand {
    /// A short stable name, used in messages ("cannot resolve an incident that is open").
    pub fn name(&self) -> &'static str {
        match self {
            IncidentCommand::Open(_) => "open",
            IncidentCommand::Acknowledge => "ack",
            IncidentCommand::ArriveOnSite => "onsite",
            IncidentCommand::Note { .. } => "note",
            IncidentCommand::Escalate { .. } => "escalate",
            IncidentCommand::Call { .. } => "call",
            IncidentCommand::Pause { .. } => "pause",
            IncidentCommand::Resume => "resume",
            IncidentCommand::Resolve { .. } => "resolve",
            IncidentCommand::FileReport(_) => "report",
            IncidentCommand::Close { .. } => "close",
            IncidentCommand::MarkProblem { .. } => "problem",
            IncidentCommand::HandOver { .. } => "handover",
            IncidentCommand::TakeOver { .. } => "take_over",
            IncidentCommand::Correct { .. } => "correct",
            IncidentCommand::Confirm(_) => "confirm",
            IncidentCommand::StartPlan { .. } => "plan",
            IncidentCommand::MarkStep { .. } => "step",
        }
    }
}

/// What happened to an incident. Stored in the event log as `incident.<kind>` with the
/// variant's fields as the JSON payload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "payload", rename_all = "snake_case")]
pub enum IncidentEvent {
    Opened {
        id: IncidentId,
        incident: NewIncident,
    },
    Acknowledged {
        owner: String,
    },
    ArrivedOnSite {},
    Noted {
        text: String,
    },
    Escalated {
        vendor: String,
        note: String,
    },
    Called {
        callee: CallTarget,
        name: String,
        answered: bool,
        note: String,
    },
    Paused {
        reason: PauseReason,
    },
    Resumed {},
    Resolved {
        cause: String,
        solution: String,
    },
    ReportFiled {
        report: FaultReport,
    },
    Closed {
        note: String,
    },
    BecameProblem {
        note: String,
    },
    HandedOver {
        from: String,
        to: String,
        note: String,
    },
    Corrected {
        correction: Correction,
        replaces: Correction,
        reason: String,
    },
    /// A lead dated the step just before further back than an operator may, and why.
    Backdated {
        reason: String,
    },
    UserConfirmed {
        confirmation: super::confirmation::Confirmation,
    },
    PlanStarted {
        run: super::plan::PlanRun,
    },
    StepMarked {
        step: usize,
        done: bool,
        note: String,
    },
}

impl IncidentEvent {
    /// The kind as stored in the log, e.g. `incident.acknowledged`.
    pub fn kind(&self) -> &'static str {
        match self {
            IncidentEvent::Opened { .. } => "incident.opened",
            IncidentEvent::Acknowledged { .. } => "incident.acknowledged",
            IncidentEvent::ArrivedOnSite {} => "incident.arrived_on_site",
            IncidentEvent::Noted { .. } => "incident.noted",
            IncidentEvent::Escalated { .. } => "incident.escalated",
            IncidentEvent::Called { .. } => "incident.called",
            IncidentEvent::Paused { .. } => "incident.paused",
            IncidentEvent::Resumed {} => "incident.resumed",
            IncidentEvent::Resolved { .. } => "incident.resolved",
            IncidentEvent::ReportFiled { .. } => "incident.report_filed",
            IncidentEvent::Closed { .. } => "incident.closed",
            IncidentEvent::BecameProblem { .. } => "incident.became_problem",
            IncidentEvent::HandedOver { .. } => "incident.handed_over",
            IncidentEvent::Corrected { .. } => "incident.corrected",
            IncidentEvent::Backdated { .. } => "incident.backdated",
            IncidentEvent::UserConfirmed { .. } => "incident.user_confirmed",
            IncidentEvent::PlanStarted { .. } => "incident.plan_started",
            IncidentEvent::StepMarked { .. } => "incident.step_marked",
        }
    }

    /// The JSON payload stored beside the kind.
    pub fn payload_json(&self) -> String {
        let value = serde_json::to_value(self).expect("incident events serialise");
        value["payload"].to_string()
    }

    /// Rebuilds an event from the stored kind and payload.
    pub fn from_stored(kind: &str, payload: &str) -> Result<Self, serde_json::Error> {
        let short = kind.strip_prefix("incident.").unwrap_or(kind);
        // One parse of the stored text: the kind is re-encoded as a JSON string and the
        // payload is spliced in as written (a malformed payload fails the parse).
        let tagged = format!("{{\"kind\":{},\"payload\":{payload}}}", serde_json::Value::from(short));
        serde_json::from_str(&tagged)
    }
}

/// One stretch of time during which the resolution clock stood still.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pause {
    pub reason: PauseReason,
    pub from: DateTime<Utc>,
    pub until: Option<DateTime<Utc>>,
}

/// An escalation call as recorded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Call {
    pub callee: CallTarget,
    pub name: String,
    pub answered: bool,
    pub at: DateTime<Utc>,
    pub by: String,
}

/// Who last changed an incident and when: what a refused stale command is told.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LastChange {
    pub actor: String,
    pub recorded_at: DateTime<Utc>,
    pub kind: String,
}

/// The incident as folded from its events.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    pub id: IncidentId,
    pub title: String,
    pub description: String,
    pub severity: Severity,
    pub class: EventClass,
    pub area: FaultArea,
    pub hosts: Vec<String>,
    pub source: Source,
    #[serde(default)]
    pub source_ref: Option<String>,
    pub reporter: String,
    /// The first responder, who owns the incident to the end (首问负责制).
    pub owner: Option<String>,
    pub reported_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    pub onsite_required: bool,
    pub state: State,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub onsite_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub report_filed_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Time of the latest lifecycle step; later steps may not be dated before it.
    pub milestone_at: DateTime<Utc>,
    pub pauses: Vec<Pause>,
    pub calls: Vec<Call>,
    pub escalated_to: Option<String>,
    pub problem: bool,
    pub cause: Option<String>,
    pub solution: Option<String>,
    pub fault_report: Option<FaultReport>,
    pub reviewer: Option<String>,
    pub last_note: Option<String>,
    /// Steps dated well before they were recorded (the clocks rest on what was said).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub claimed: Vec<Claimed>,
    /// The requester's word on the resolution, once recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmation: Option<super::confirmation::Confirmed>,
    /// Emergency plans started on it, the running one last.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plans: Vec<super::plan::PlanRun>,
    /// Number of events applied; a command may name the version it saw.
    pub version: u64,
    pub last_change: LastChange,
}

/// A step whose time was said to be well before it was recorded: both times, by whom,
/// and (beyond what an operator may claim) the lead's reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claimed {
    /// The step's event kind (`incident.acknowledged`).
    pub step: String,
    pub claimed: DateTime<Utc>,
    pub recorded: DateTime<Utc>,
    pub by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// How far back a person may date a step: an operator up to `operator`, a lead up to
/// `lead` with a reason, nobody before the record began.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClaimLimits {
    pub operator: Duration,
    pub lead: Duration,
    /// When the record began (its first event).
    pub floor: Option<DateTime<Utc>>,
}

/// The rule for a time a person claims, and the reason they gave for going far back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimRule {
    pub limits: ClaimLimits,
    pub reason: Option<String>,
}

impl ClaimRule {
    /// Whether `actor` may say a step happened at `at` (it is `now`); answers whether
    /// the claim goes beyond what an operator may (then the reason is recorded).
    pub fn check(
        &self,
        at: DateTime<Utc>,
        now: DateTime<Utc>,
        actor: &Operator,
    ) -> Result<bool, DomainError> {
        not_in_future(at, now)?;
        let limits = &self.limits;
        let began = limits.floor.filter(|began| at < *began);
        if now - at <= limits.operator {
            return began.map_or(Ok(false), |began| Err(DomainError::BeforeRecord { at, began }));
        }
        if actor.role != Role::Lead {
            return Err(DomainError::TooFarBack { at, limit: limits.operator, lead: false });
        }
        if now - at > limits.lead {
            return Err(DomainError::TooFarBack { at, limit: limits.lead, lead: true });
        }
        if let Some(began) = began {
            return Err(DomainError::BeforeRecord { at, began });
        }
        match &self.reason {
            Some(reason) if !reason.trim().is_empty() => {
                limit_text("reason", reason)?;
                Ok(true)
            }
            _ => Err(DomainError::BackdateNeedsReason { at, limit: limits.operator }),
        }
    }

    /// The event that records a lead's reason, when the claim needs one.
    fn event(&self, beyond: bool) -> Option<IncidentEvent> {
        beyond.then(|| IncidentEvent::Backdated { reason: self.reason.clone().unwrap_or_default() })
    }
}

/// How far apart a step's claimed and recorded times may be and still count as said
/// at the time (the tolerance of clocks between machines).
pub fn claim_tolerance() -> Duration {
    Duration::minutes(FUTURE_TOLERANCE_MINUTES)
}

impl Incident {
    /// The pause in progress, if the resolution clock is standing still now.
    pub fn current_pause(&self) -> Option<&Pause> {
        self.pauses.last().filter(|p| p.until.is_none())
    }

    /// Whether the incident is still being worked on (not yet resolved).
    pub fn is_active(&self) -> bool {
        matches!(self.state, State::Open | State::Acknowledged | State::OnSite)
    }
}

/// Who acts and when, for one command.
#[derive(Clone, Debug)]
pub struct Context<'a> {
    pub actor: &'a Operator,
    /// When the operator says it happened (`--at`), defaulting to now.
    pub occurred_at: DateTime<Utc>,
    /// The wall clock at the moment of deciding.
    pub now: DateTime<Utc>,
    /// The limits on `occurred_at`, where a person claims it (None: a time given by a
    /// source system, such as an alert's start).
    pub claim: Option<ClaimRule>,
}

fn require_text(field: &'static str, text: &str, max: usize) -> Result<(), DomainError> {
    if text.trim().is_empty() {
        return Err(DomainError::Empty { field });
    }
    if text.chars().count() > max {
        return Err(DomainError::TooLong { field, max });
    }
    Ok(())
}

fn limit_text(field: &'static str, text: &str) -> Result<(), DomainError> {
    if text.chars().count() > TEXT_MAX {
        return Err(DomainError::TooLong { field, max: TEXT_MAX });
    }
    Ok(())
}

/// When a report counts as made: one claimed a little ahead of now (the reporting
/// machine's clock runs fast, within the tolerance) is made now — an incident reported
/// "in 4 minutes" could otherwise be neither acknowledged nor noted until then; any
/// other claim stands (one further ahead is refused by `decide`).
pub fn report_time(claimed: DateTime<Utc>, now: DateTime<Utc>) -> DateTime<Utc> {
    let tolerated = claimed > now && claimed <= now + claim_tolerance();
    if tolerated { now } else { claimed }
}

fn not_in_future(at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), DomainError> {
    if at > now + claim_tolerance() {
        return Err(DomainError::InFuture { at, now });
    }
    Ok(())
}

/// Decides whether `command` may be applied to `incident` (None for a new one) and
/// returns the events it produces. `new_id` is the number the store allocated for `Open`.
pub fn decide(
    incident: Option<&Incident>,
    command: &IncidentCommand,
    ctx: &Context<'_>,
    new_id: Option<&IncidentId>,
) -> Result<Vec<IncidentEvent>, DomainError> {
    not_in_future(ctx.occurred_at, ctx.now)?;
    // The claimed time of the step (for a new incident its report time, which the
    // operations layer gives as `occurred_at`).
    let beyond = match &ctx.claim {
        Some(rule) => rule.check(ctx.occurred_at, ctx.now, ctx.actor)?,
        None => false,
    };
    let backdated = ctx.claim.as_ref().and_then(|rule| rule.event(beyond));
    let incident = match (incident, command) {
        (None, IncidentCommand::Open(new)) => {
            require_text("title", &new.title, TITLE_MAX)?;
            limit_text("description", &new.description)?;
            not_in_future(new.reported_at, ctx.now)?;
            let id = new_id.expect("the store allocates an id for a new incident").clone();
            return Ok([IncidentEvent::Opened { id, incident: new.clone() }]
                .into_iter()
                .chain(backdated)
                .collect());
        }
        (Some(incident), IncidentCommand::Open(_)) => {
            return Err(DomainError::AlreadyExists { id: incident.id.clone() });
        }
        (Some(incident), _) => incident,
        (None, _) => return Err(DomainError::NoIncident),
    };

    use IncidentCommand as C;
    // What the state allows is said first: an engineer who lost a race to acknowledge
    // hears who won, not that their time is before the winner's step.
    permits(incident, command, ctx.actor)?;
    let event = match command {
        C::Open(_) => unreachable!("refused by permits"),
        C::Acknowledge => IncidentEvent::Acknowledged { owner: ctx.actor.id.clone() },
        C::ArriveOnSite => IncidentEvent::ArrivedOnSite {},
        C::Note { text } => {
            require_text("note", text, TEXT_MAX)?;
            IncidentEvent::Noted { text: text.clone() }
        }
        C::Escalate { vendor, note } => {
            require_text("vendor", vendor, TITLE_MAX)?;
            limit_text("note", note)?;
            IncidentEvent::Escalated { vendor: vendor.clone(), note: note.clone() }
        }
        C::Call { callee, name, answered, note } => {
            require_text("name", name, TITLE_MAX)?;
            limit_text("note", note)?;
            IncidentEvent::Called {
                callee: *callee,
                name: name.clone(),
                answered: *answered,
                note: note.clone(),
            }
        }
        C::Pause { reason } => {
            if let Some(current) = incident.current_pause()
                && current.reason == *reason
            {
                return Err(DomainError::AlreadyPaused { reason: *reason });
            }
            IncidentEvent::Paused { reason: *reason }
        }
        C::Resume => IncidentEvent::Resumed {},
        C::Resolve { cause, solution } => {
            require_text("cause", cause, TEXT_MAX)?;
            require_text("solution", solution, TEXT_MAX)?;
            IncidentEvent::Resolved { cause: cause.clone(), solution: solution.clone() }
        }
        C::FileReport(form) => {
            require_text("description", &form.description, TEXT_MAX)?;
            require_text("measures", &form.measures, TEXT_MAX)?;
            limit_text("process", &form.process)?;
            let or_recorded = |given: &Option<String>, recorded: &Option<String>| {
                given
                    .clone()
                    .filter(|t| !t.trim().is_empty())
                    .or_else(|| recorded.clone())
                    .unwrap_or_default()
            };
            let report = FaultReport {
                reporter: ctx.actor.id.clone(),
                filed_at: ctx.occurred_at,
                area: form.area.unwrap_or(incident.area),
                description: form.description.clone(),
                cause: or_recorded(&form.cause, &incident.cause),
                process: form.process.clone(),
                solution: or_recorded(&form.solution, &incident.solution),
                measures: form.measures.clone(),
                resolved: !incident.problem,
            };
            limit_text("cause", &report.cause)?;
            limit_text("solution", &report.solution)?;
            IncidentEvent::ReportFiled { report }
        }
        C::Close { note } => {
            limit_text("note", note)?;
            IncidentEvent::Closed { note: note.clone() }
        }
        C::MarkProblem { note } => {
            require_text("note", note, TEXT_MAX)?;
            IncidentEvent::BecameProblem { note: note.clone() }
        }
        C::HandOver { to, note } => {
            let owner = incident.owner.clone().expect("permits: someone owns it");
            if &owner == to {
                return Err(DomainError::AlreadyOwner { owner });
            }
            require_text("name", to, TITLE_MAX)?;
            limit_text("note", note)?;
            IncidentEvent::HandedOver { from: owner, to: to.clone(), note: note.clone() }
        }
        C::Correct { correction, reason } => {
            require_text("reason", reason, TEXT_MAX)?;
            let replaces = correction.current(incident);
            if &replaces == correction {
                return Err(DomainError::NothingToCorrect { field: correction.field() });
            }
            // A report time is never moved past the first response or now.
            if let Correction::ReportedAt(at) = correction {
                let latest = incident.acknowledged_at.unwrap_or(ctx.occurred_at).min(ctx.occurred_at);
                if *at > latest {
                    return Err(DomainError::AfterResponse { at: *at, latest });
                }
            }
            IncidentEvent::Corrected { correction: correction.clone(), replaces, reason: reason.clone() }
        }
        C::TakeOver { handover } => {
            let owner = incident.owner.clone().expect("permits: someone owns it");
            IncidentEvent::HandedOver { from: owner, to: ctx.actor.id.clone(), note: handover.clone() }
        }
        C::Confirm(confirmation) => {
            super::confirmation::check(confirmation, ctx.actor.id == super::ENGINE_ACTOR)?;
            limit_text("name", &confirmation.by)?;
            limit_text("note", &confirmation.note)?;
            IncidentEvent::UserConfirmed { confirmation: confirmation.clone() }
        }
        C::StartPlan { run } => {
            if let Some(running) = incident.plans.last().filter(|p| !p.finished()) {
                return Err(DomainError::Plan(super::plan::PlanRefusal::AlreadyRunning {
                    name: running.name.clone(),
                }));
            }
            IncidentEvent::PlanStarted { run: run.clone() }
        }
        C::MarkStep { step, done, note } => {
            limit_text("note", note)?;
            let run = incident.plans.last().ok_or(DomainError::Plan(super::plan::PlanRefusal::NoPlan))?;
            run.check_mark(*step, *done, note, ctx.actor.role).map_err(DomainError::Plan)?;
            IncidentEvent::StepMarked { step: *step, done: *done, note: note.clone() }
        }
    };
    // Lifecycle steps keep their order in time; notes, calls and escalations may be
    // dated anywhere after the report.
    let is_lifecycle_step = !matches!(
        command,
        C::Note { .. }
            | C::Call { .. }
            | C::Escalate { .. }
            | C::Correct { .. }
            | C::StartPlan { .. }
            | C::MarkStep { .. }
    );
    let floor = match command {
        // The requester confirms what was resolved, after it was.
        C::Confirm(_) => incident.resolved_at.unwrap_or(incident.milestone_at),
        _ if is_lifecycle_step => incident.milestone_at,
        _ => incident.reported_at,
    };
    if ctx.occurred_at < floor {
        return Err(DomainError::BeforePrevious { at: ctx.occurred_at, previous: floor });
    }
    Ok([event].into_iter().chain(backdated).collect())
}

/// Whether the incident as it stands, and who asks, allow this kind of step — whatever
/// its text says (texts and times are `decide`'s to check). `decide` asks it first;
/// the console asks it to offer only the keys that can do something.
pub fn permits(incident: &Incident, command: &IncidentCommand, actor: &Operator) -> Result<(), DomainError> {
    use IncidentCommand as C;
    use State as S;
    let state = incident.state;
    let refused = Err(DomainError::NotAllowed { command: command.name(), state });
    let lead = actor.role == Role::Lead;
    let owner = incident.owner.as_deref();
    // A closed incident takes nothing more but the requester's word, which may come late.
    if state == S::Closed && !matches!(command, C::Confirm(_)) {
        return refused;
    }
    match command {
        C::Confirm(_) => super::confirmation::open_to(incident),
        C::Open(_) => Err(DomainError::AlreadyExists { id: incident.id.clone() }),
        C::Acknowledge if state != S::Open => Err(DomainError::AlreadyAcknowledged {
            by: incident.owner.clone().unwrap_or_default(),
            at: incident.acknowledged_at.unwrap_or(incident.reported_at),
        }),
        C::ArriveOnSite if state != S::Acknowledged => refused,
        C::Escalate { .. } if !incident.is_active() => refused,
        C::Pause { .. } | C::Resolve { .. } if !matches!(state, S::Acknowledged | S::OnSite) => refused,
        C::Resume if incident.current_pause().is_none() => Err(DomainError::NotPaused),
        C::FileReport(_) if state != S::Resolved => refused,
        C::Close { .. } if state != S::Reported => refused,
        C::Close { .. } if !lead => Err(DomainError::LeadOnly { command: command.name() }),
        C::MarkProblem { .. } if state == S::Open => refused,
        C::MarkProblem { .. } if incident.problem => Err(DomainError::AlreadyProblem),
        // Only someone's incident can be passed on, by its owner or a lead, and taken
        // over by someone else.
        C::HandOver { .. } | C::TakeOver { .. } if owner.is_none() => refused,
        C::HandOver { .. } if owner != Some(actor.id.as_str()) && !lead => {
            Err(DomainError::NotOwner { owner: owner.unwrap_or_default().to_string() })
        }
        C::TakeOver { .. } if owner == Some(actor.id.as_str()) => {
            Err(DomainError::AlreadyOwner { owner: actor.id.clone() })
        }
        // The report time moves the clocks and the contract: its reporter or a lead
        // corrects it.
        C::Correct { correction: Correction::ReportedAt(_), .. }
            if actor.id != incident.reporter && !lead =>
        {
            Err(DomainError::LeadOnly { command: "correct" })
        }
        _ => Ok(()),
    }
}

/// Who wrote an event and when, as the fold needs it.
#[derive(Clone, Debug)]
pub struct EventMeta<'a> {
    pub actor: &'a str,
    pub occurred_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
}

/// Applies one event to the incident it belongs to (None before `Opened`).
/// Events come from the log, which only holds decided events, so this never fails on
/// a well-formed log; a malformed one is reported as `CorruptLog`.
pub fn apply(
    incident: Option<Incident>,
    event: &IncidentEvent,
    meta: &EventMeta<'_>,
) -> Result<Incident, DomainError> {
    let at = meta.occurred_at;
    let change = LastChange {
        actor: meta.actor.to_string(),
        recorded_at: meta.recorded_at,
        kind: event.kind().to_string(),
    };
    let mut inc = match (incident, event) {
        (None, IncidentEvent::Opened { id, incident: new }) => {
            return Ok(Incident {
                id: id.clone(),
                title: new.title.clone(),
                description: new.description.clone(),
                severity: new.severity,
                class: new.class,
                area: new.area,
                hosts: new.hosts.clone(),
                source: new.source,
                source_ref: new.source_ref.clone(),
                reporter: meta.actor.to_string(),
                owner: None,
                reported_at: new.reported_at,
                recorded_at: meta.recorded_at,
                onsite_required: new.onsite_required,
                state: State::Open,
                acknowledged_at: None,
                onsite_at: None,
                resolved_at: None,
                report_filed_at: None,
                closed_at: None,
                milestone_at: new.reported_at,
                pauses: Vec::new(),
                calls: Vec::new(),
                escalated_to: None,
                problem: false,
                cause: None,
                solution: None,
                fault_report: None,
                reviewer: None,
                last_note: None,
                claimed: claimed_step(event, meta)
                    .filter(|_| new.source == Source::Operator)
                    .into_iter()
                    .collect(),
                confirmation: None,
                plans: Vec::new(),
                version: 1,
                last_change: change,
            });
        }
        (Some(inc), ev) if !matches!(ev, IncidentEvent::Opened { .. }) => inc,
        _ => return Err(DomainError::CorruptLog { kind: event.kind() }),
    };
    let step = |inc: &mut Incident, state: State| {
        inc.state = state;
        inc.milestone_at = inc.milestone_at.max(at);
    };
    match event {
        IncidentEvent::Opened { .. } => unreachable!("rejected above"),
        IncidentEvent::Acknowledged { owner } => {
            inc.owner = Some(owner.clone());
            inc.acknowledged_at = Some(at);
            step(&mut inc, State::Acknowledged);
        }
        IncidentEvent::ArrivedOnSite {} => {
            inc.onsite_at = Some(at);
            step(&mut inc, State::OnSite);
        }
        IncidentEvent::Noted { text } => inc.last_note = Some(text.clone()),
        IncidentEvent::Escalated { vendor, .. } => inc.escalated_to = Some(vendor.clone()),
        IncidentEvent::Called { callee, name, answered, .. } => inc.calls.push(Call {
            callee: *callee,
            name: name.clone(),
            answered: *answered,
            at,
            by: meta.actor.to_string(),
        }),
        IncidentEvent::Paused { reason } => {
            close_pause(&mut inc, at);
            inc.pauses.push(Pause { reason: *reason, from: at, until: None });
            inc.milestone_at = inc.milestone_at.max(at);
        }
        IncidentEvent::Resumed {} => {
            close_pause(&mut inc, at);
            inc.milestone_at = inc.milestone_at.max(at);
        }
        IncidentEvent::Resolved { cause, solution } => {
            close_pause(&mut inc, at);
            inc.cause = Some(cause.clone());
            inc.solution = Some(solution.clone());
            inc.resolved_at = Some(at);
            step(&mut inc, State::Resolved);
        }
        IncidentEvent::ReportFiled { report } => {
            inc.fault_report = Some(report.clone());
            inc.report_filed_at = Some(at);
            step(&mut inc, State::Reported);
        }
        IncidentEvent::Closed { .. } => {
            inc.reviewer = Some(meta.actor.to_string());
            inc.closed_at = Some(at);
            step(&mut inc, State::Closed);
        }
        IncidentEvent::BecameProblem { .. } => inc.problem = true,
        IncidentEvent::HandedOver { to, .. } => inc.owner = Some(to.clone()),
        IncidentEvent::Corrected { correction, .. } => match correction {
            Correction::ReportedAt(at) => {
                inc.reported_at = *at;
                inc.milestone_at = inc.milestone_at.max(*at);
            }
            Correction::Severity(severity) => inc.severity = *severity,
            Correction::Class(class) => inc.class = *class,
            Correction::Area(area) => inc.area = *area,
        },
        IncidentEvent::Backdated { reason } => {
            if let Some(last) = inc.claimed.last_mut() {
                last.reason = Some(reason.clone());
            }
        }
        IncidentEvent::UserConfirmed { confirmation } => {
            inc.confirmation = Some(super::confirmation::Confirmed {
                confirmation: confirmation.clone(),
                at,
                recorded_by: meta.actor.to_string(),
            });
        }
        IncidentEvent::PlanStarted { run } => inc.plans.push(run.clone()),
        IncidentEvent::StepMarked { step, done, note } => {
            let outcome =
                super::plan::StepOutcome { done: *done, note: note.clone(), by: meta.actor.to_string(), at };
            inc.plans.last_mut().ok_or(DomainError::CorruptLog { kind: event.kind() })?.mark(*step, outcome);
        }
    }
    inc.claimed.extend(claimed_step(event, meta));
    inc.version += 1;
    inc.last_change = change;
    Ok(inc)
}

/// The step an event makes, if a person dated it well before it was recorded (a
/// correction or a reason dates nothing of its own; the engine's times are its sources').
fn claimed_step(event: &IncidentEvent, meta: &EventMeta<'_>) -> Option<Claimed> {
    if matches!(event, IncidentEvent::Corrected { .. } | IncidentEvent::Backdated { .. })
        || meta.actor == super::ENGINE_ACTOR
    {
        return None;
    }
    (meta.recorded_at - meta.occurred_at > claim_tolerance()).then(|| Claimed {
        step: event.kind().to_string(),
        claimed: meta.occurred_at,
        recorded: meta.recorded_at,
        by: meta.actor.to_string(),
        reason: None,
    })
}

fn close_pause(inc: &mut Incident, at: DateTime<Utc>) {
    if let Some(open) = inc.pauses.last_mut().filter(|p| p.until.is_none()) {
        open.until = Some(at);
    }
}
