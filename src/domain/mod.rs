//! The rules of the job, pure: types, state machines and clock arithmetic. No I/O, no
//! tokio, no SQL, no terminal. Time comes in as arguments.

#[macro_use]
mod vocabulary;
pub mod alarm;
pub mod alert;
pub mod backup;
pub mod change;
pub mod check;
pub mod checklist;
pub mod confirmation;
pub mod contract;
pub mod duty_log;
pub mod handover;
pub mod incident;
pub mod knowledge;
pub mod maintenance;
pub mod plan;
pub mod problem;
pub mod second;
pub mod seen;
pub mod shift;
pub mod signin;
pub mod sla;
pub mod tagged;

use chrono::{DateTime, Utc};

pub use incident::{Incident, IncidentCommand, IncidentEvent, IncidentId};
pub use vocabulary::{
    CallTarget, EventClass, FaultArea, PauseReason, Role, Severity, Source, State, UnknownTerm,
};

/// The actor of what the engine records from checks and alert sources: its times are
/// the sources', never a person's claim.
pub const ENGINE_ACTOR: &str = "engine";

/// A person who may act on the site (from the site's operator list).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Operator {
    /// The OS login, which is the id written in the event log.
    pub id: String,
    pub name: String,
    pub role: Role,
}

/// Why the domain refused a command. Texts live in `crate::i18n` (zh and en); `Display`
/// gives the English one.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum DomainError {
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    NotAllowed { command: &'static str, state: State },
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    AlreadyAcknowledged { by: String, at: DateTime<Utc> },
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    LeadOnly { command: &'static str },
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    Empty { field: &'static str },
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    TooLong { field: &'static str, max: usize },
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    BeforePrevious { at: DateTime<Utc>, previous: DateTime<Utc> },
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    InFuture { at: DateTime<Utc>, now: DateTime<Utc> },
    /// A claimed time further back than the limit (an operator's, or a lead's).
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    TooFarBack { at: DateTime<Utc>, limit: chrono::Duration, lead: bool },
    /// A lead's claimed time beyond an operator's limit, with no reason given.
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    BackdateNeedsReason { at: DateTime<Utc>, limit: chrono::Duration },
    /// Sealing has started already (its key is there).
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    AlreadySealing { path: String },
    /// A claimed time before the record began.
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    BeforeRecord { at: DateTime<Utc>, began: DateTime<Utc> },
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    AlreadyPaused { reason: PauseReason },
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    NotPaused,
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    AlreadyProblem,
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    AlreadyExists { id: IncidentId },
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    NoIncident,
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    CorruptLog { kind: &'static str },
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    NothingToAcknowledge,
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    MuteOutOfRange { max: i64 },
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    BadWindow { from: DateTime<Utc>, until: DateTime<Utc> },
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    WindowTooLong { days: i64 },
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    NoWindow { id: String },
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    Run(checklist::RunRefusal),
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    OutOfRange { field: &'static str, value: f64 },
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    UnknownShift { shift: String },
    /// No shift of the site is in force (the site declares none, or they leave a gap).
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    NoShift,
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    UnknownOperator { who: String },
    /// The site has no host of this name.
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    UnknownHost { host: String },
    /// An SSH action or a host key was refused.
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    Ssh(crate::ops::ssh::SshRefusal),
    /// A second person's confirmation was refused, or is not there for a run.
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    Second(second::SecondRefusal),
    /// The requester's confirmation of a resolution was refused.
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    Confirm(confirmation::ConfirmRefusal),
    /// A sign-in at the shared terminal, or a secret, was refused.
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    SignIn(signin::SignInRefusal),
    /// No knowledge entry of this id (or, writing a new one, its number was taken).
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    Knowledge { id: String },
    /// A problem command was refused.
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    Problem(problem::ProblemRefusal),
    /// A change was refused.
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    Change(change::ChangeRefusal),
    /// An emergency plan's start or step was refused.
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    Plan(plan::PlanRefusal),
    /// Whoever is at this console is not on the operator list: they may read only.
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    ReadOnly,
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    NotOwner { owner: String },
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    AlreadyOwner { owner: String },
    /// A correction that would change nothing.
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    NothingToCorrect { field: &'static str },
    /// A report time corrected to after the first response (or after now).
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    AfterResponse { at: DateTime<Utc>, latest: DateTime<Utc> },
    /// A time of the shift that has not come yet.
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    LaterThanNow { at: chrono::NaiveTime, now: chrono::NaiveTime },
    /// A time range whose end comes before its start.
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    EndBeforeStart { from: chrono::NaiveTime, to: chrono::NaiveTime },
    /// A duty-log entry of this kind has nothing to complete later.
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    NotCompletable { kind: &'static str },
    /// The entry was completed already (a correction of it names what it replaces).
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    AlreadyComplete,
    /// An incident is taken over only by signing the handover that passes it on.
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    TakeOverBySigning,
    #[error("{}", crate::i18n::domain_error(self, crate::i18n::Lang::En))]
    Handover(handover::HandoverRefusal),
}
