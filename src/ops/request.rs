//! What a person can ask of the record, as data: built by the CLI and the console, and
//! carried as it is to the service.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::alarm::AlarmCommand;
use crate::domain::checklist::RunCommand;
use crate::domain::duty_log::Entry;
use crate::domain::handover::{HandoverCommand, Side};
use crate::domain::maintenance::Window;
use crate::domain::shift::RosterChange;
use crate::domain::{IncidentCommand, IncidentId};
use crate::ssh::runner::RunRecord;

/// Which incident an incident command is for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum IncidentTarget {
    /// A new one (the command opens it; the service numbers it).
    New,
    Existing(IncidentId),
}

/// One operation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Request {
    /// A command on an incident. `expected_version` is the version the operator saw;
    /// `claimed_at` when they say it happened (default: now); `backdate_reason` why,
    /// when a lead claims further back than an operator may.
    Incident {
        target: IncidentTarget,
        command: IncidentCommand,
        expected_version: Option<u64>,
        claimed_at: Option<DateTime<Utc>>,
        #[serde(default)]
        backdate_reason: Option<String>,
    },
    /// Start an emergency plan of the site on an incident: the one named, else the one
    /// that fits it best.
    StartPlan {
        incident: IncidentId,
        plan: Option<String>,
        expected_version: Option<u64>,
    },
    /// An entry of the knowledge base written by hand (None), or an edit of one.
    WriteKnowledge {
        id: Option<String>,
        written: crate::domain::knowledge::Written,
    },
    /// A command on a problem (None: a new one, which the record numbers).
    Problem {
        id: Option<String>,
        command: crate::domain::problem::ProblemCommand,
    },
    /// A lead records the monthly problem review of `month` (YYYY-MM).
    ReviewProblems {
        month: String,
        note: String,
    },
    /// A command on a change (None: a new request, which the record numbers).
    Change {
        id: Option<String>,
        command: crate::domain::change::ChangeCommand,
    },
    /// Acknowledge alarms or mute them.
    Alarm(AlarmCommand),
    /// Start a run of a checklist: a given occurrence, or today's due one.
    StartRun {
        template: String,
        run: Option<String>,
    },
    /// A command on a started run.
    Run {
        run: String,
        command: RunCommand,
        expected_version: Option<u64>,
    },
    /// Declare that a scheduled inspection cannot be done.
    DeclineRun {
        run: String,
        reason: String,
    },
    /// An entry in the duty log of the shift in force.
    LogEntry(Entry),
    /// Completes a duty-log entry later (a visitor's departure, a request's outcome).
    CompleteEntry(crate::domain::duty_log::Completed),
    /// Who is on duty in one shift on one day (leads).
    Roster(RosterChange),
    /// A step of a handover.
    Handover {
        id: String,
        command: HandoverCommand,
    },
    /// A signature on a handover, with the roster of that side as it stands.
    SignHandover {
        id: String,
        side: Side,
    },
    /// Planned work: failures of these hosts' checks inside the window open no incident.
    ScheduleMaintenance(Window),
    /// End a current or planned window now.
    EndMaintenance {
        id: String,
    },
    /// Trust the key a host presents, checked out of band against this fingerprint.
    TrustHostKey {
        host: String,
        fingerprint: String,
    },
    /// Ask another operator to confirm a dangerous SSH action this operator will run.
    AskSecond(crate::ops::ssh::SshAsk),
    /// Confirm, as the second person, another operator's ask (by its number).
    ConfirmSecond {
        id: u64,
    },
    /// Start sealing the log every `interval_seconds` (leads): the sealing key stays
    /// with the process that performs this (the service's account under `duty serve`),
    /// the verification key goes back to the lead.
    StartSealing {
        interval_seconds: i64,
    },
    /// The chain's hash algorithm from now on (leads).
    ChooseHash {
        algorithm: crate::store::chain::HashAlgorithm,
    },
    /// A period of the log was written out for an auditor.
    AuditExported {
        first_seq: u64,
        last_seq: u64,
        dir: String,
    },
    /// An SSH action's run, for the record.
    RecordSshRun(Box<RunRecord>),
    /// An interactive shell on a host began or ended (what is typed in it is not recorded).
    ShellStarted {
        host: String,
        address: String,
        user: String,
    },
    ShellEnded {
        host: String,
        ending: String,
        seconds: i64,
    },
    /// The acting engineer's secret for signing in at the shared terminal, in their own
    /// session; with the key of an authenticator and the code it shows now, a second
    /// factor too.
    SetSecret {
        /// The secret now, when one is set.
        current: Option<super::signin::Secret>,
        secret: super::signin::Secret,
        code_key: Option<(String, String)>,
    },
    /// Sign `name` in at this front end (the shared terminal; or the engineer's own
    /// console, unlocking it).
    SignIn {
        name: String,
        secret: super::signin::Secret,
        code: Option<String>,
    },
    /// Whoever acts here stops.
    SignOut {
        why: super::signin::SignOutWhy,
    },
}
