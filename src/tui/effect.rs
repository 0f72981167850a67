//! What the console's state asks of the world, and what it is told back: the app turns
//! keys into `Effect`s without touching the store; the event loop (or a test) performs
//! them and reports each `Outcome`. A module of its own, so the app, its screens and
//! the loop all depend on it and not on each other.

use crate::domain::IncidentCommand;
use crate::domain::alarm::AlarmCommand;
use crate::domain::checklist::RunCommand;
use crate::ops::IncidentTarget;

/// What the console loop must do for the app.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    Execute {
        target: IncidentTarget,
        command: IncidentCommand,
        expected_version: Option<u64>,
    },
    Alarm(AlarmCommand),
    /// A command on an inspection run.
    Run {
        run: String,
        command: RunCommand,
        expected_version: Option<u64>,
    },
    /// Declare a scheduled inspection not possible.
    Decline {
        run: String,
        reason: String,
    },
    /// Run a catalog action over SSH on these hosts.
    Ssh {
        hosts: Vec<String>,
        action: String,
        /// The action's name as typed back, for a dangerous one.
        confirmed: Option<String>,
    },
    /// Search the knowledge base.
    SearchKnowledge(String),
    /// A command on a change.
    Change {
        id: String,
        command: crate::domain::change::ChangeCommand,
    },
    /// Confirm another operator's ask, as the second person.
    ConfirmSecond(u64),
    /// An entry in the duty log of the shift in force.
    LogEntry(crate::domain::duty_log::Entry),
    /// Completes a duty-log entry later.
    CompleteEntry(crate::domain::duty_log::Completed),
    Roster(crate::domain::shift::RosterChange),
    /// A command on the handover with this id.
    Handover {
        id: String,
        command: crate::domain::handover::HandoverCommand,
    },
    SignHandover {
        id: String,
        side: crate::domain::handover::Side,
    },
    /// Compute the service statistics for the charts.
    LoadStats,
    /// Write a report (Markdown and CSV) into the reports folder.
    /// A report written into the reports folder: Markdown, CSV and the printable page,
    /// and a PDF printed from it when asked.
    WriteReport {
        wanted: crate::report::build::Wanted,
        pdf: bool,
    },
    /// Open an interactive shell on a host (recorded before it starts).
    Shell(String),
    /// Sign an engineer in at this console (the lock screen's form).
    SignIn {
        name: String,
        secret: crate::ops::signin::Secret,
        code: Option<String>,
    },
    /// Whoever acts here stops (the screen locked).
    SignOut(crate::ops::signin::SignOutWhy),
    Reload,
    Bell,
}

/// Output and endings of SSH runs, streamed in from the worker threads.
#[derive(Clone, Debug, PartialEq)]
pub enum SshUpdate {
    Chunk {
        host: String,
        stderr: bool,
        bytes: Vec<u8>,
    },
    /// One host's run ended; `recorded` when the service has recorded it already.
    Done {
        record: Box<crate::ssh::runner::RunRecord>,
        recorded: bool,
    },
    /// The run could not be had at all (the service unreachable, or refusing).
    Failed(String),
}

/// The result of an effect, reported back.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Done(String),
    /// Refused or failed; `stale` when the incident changed under the operator.
    Failed {
        message: String,
        stale: bool,
    },
}
