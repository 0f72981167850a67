//! Alarms: a clock entering "due soon" or "breached" raises an alarm that rings and
//! stays on every console until someone acknowledges it. Muting is for a chosen time
//! only. Both are operator actions, so both are events.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::incident::{Incident, IncidentId};
use super::sla::{Clock, ClockName, ClockState};
use super::{DomainError, Operator};

/// Longest mute an operator may set, in minutes.
pub const MUTE_MAX_MINUTES: i64 = 240;

/// How loud an alarm is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlarmLevel {
    DueSoon,
    Breached,
}

/// One alarm: a clock of an incident at a level. Acknowledging it silences exactly that.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AlarmKey {
    pub incident: IncidentId,
    pub clock: ClockName,
    pub level: AlarmLevel,
}

/// An alarm that stands now, with the instant its clock falls (or fell) due.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Raised {
    pub key: AlarmKey,
    pub due: DateTime<Utc>,
}

/// What is at stake when a clock falls due, most first: the security leading group's
/// five-minute report, then answering the user, then the work itself, then the
/// inspection's notices and decisions, the paperwork, and a missed inspection last.
pub fn consequence(clock: ClockName) -> u8 {
    match clock {
        ClockName::SecurityReport => 0,
        // A plan's limits are the reports and decisions of an emergency.
        ClockName::Response | ClockName::Confirm | ClockName::PlanStep => 1,
        ClockName::OnSite | ClockName::Resolution => 2,
        ClockName::Notice | ClockName::LeadDecision => 3,
        ClockName::Report | ClockName::ChangeRecord => 4,
        ClockName::Inspection | ClockName::Missed => 5,
    }
}

/// Puts alarms in the order the banner shows them: by consequence, a breach before a
/// warning of the same kind, then the one that fell due first.
pub fn by_urgency(alarms: &mut [Raised]) {
    alarms.sort_by(|a, b| {
        (consequence(a.key.clock), std::cmp::Reverse(a.key.level), a.due, &a.key).cmp(&(
            consequence(b.key.clock),
            std::cmp::Reverse(b.key.level),
            b.due,
            &b.key,
        ))
    });
}

/// What the log says about alarms: which were acknowledged, and any mute.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AlarmLedger {
    pub acknowledged: std::collections::HashSet<AlarmKey>,
    pub muted_until: Option<(DateTime<Utc>, String)>,
}

impl AlarmLedger {
    /// Whether alarms are muted at `now`, and by whom.
    pub fn muted_at(&self, now: DateTime<Utc>) -> Option<(&DateTime<Utc>, &str)> {
        self.muted_until.as_ref().filter(|(until, _)| *until > now).map(|(until, by)| (until, by.as_str()))
    }
}

/// The alarm a clock raises now, if any.
pub fn alarm_of(incident: &Incident, clock: &Clock) -> Option<AlarmKey> {
    let level = match clock.state {
        ClockState::DueSoon => AlarmLevel::DueSoon,
        ClockState::Breached => AlarmLevel::Breached,
        _ => return None,
    };
    Some(AlarmKey { incident: incident.id.clone(), clock: clock.name, level })
}

/// Console-level operator actions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "payload", rename_all = "snake_case")]
pub enum AlarmEvent {
    Acknowledged { alarms: Vec<AlarmKey> },
    Muted { minutes: i64, until: DateTime<Utc> },
}

impl AlarmEvent {
    pub fn kind(&self) -> &'static str {
        match self {
            AlarmEvent::Acknowledged { .. } => "alarm.acknowledged",
            AlarmEvent::Muted { .. } => "alarm.muted",
        }
    }

    pub fn payload_json(&self) -> String {
        serde_json::to_value(self).expect("alarm events serialise")["payload"].to_string()
    }

    pub fn from_stored(kind: &str, payload: &str) -> Result<Self, serde_json::Error> {
        let short = kind.strip_prefix("alarm.").unwrap_or(kind);
        serde_json::from_str(&format!(
            "{{\"kind\":{},\"payload\":{payload}}}",
            serde_json::Value::from(short)
        ))
    }
}

/// An alarm command, before it is decided.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum AlarmCommand {
    Acknowledge(Vec<AlarmKey>),
    Mute { minutes: i64 },
}

/// Decides an alarm command. A missed inspection is silenced only by a lead (or by
/// its shift handing over): an operator's `!` is refused.
pub fn decide_alarm(
    command: &AlarmCommand,
    actor: &Operator,
    now: DateTime<Utc>,
) -> Result<AlarmEvent, DomainError> {
    match command {
        AlarmCommand::Acknowledge(alarms) if alarms.is_empty() => Err(DomainError::NothingToAcknowledge),
        AlarmCommand::Acknowledge(alarms)
            if actor.role != crate::domain::Role::Lead
                && alarms.iter().any(|a| a.clock == ClockName::Missed) =>
        {
            Err(DomainError::LeadOnly { command: "missed" })
        }
        AlarmCommand::Acknowledge(alarms) => Ok(AlarmEvent::Acknowledged { alarms: alarms.clone() }),
        AlarmCommand::Mute { minutes } if !(1..=MUTE_MAX_MINUTES).contains(minutes) => {
            Err(DomainError::MuteOutOfRange { max: MUTE_MAX_MINUTES })
        }
        AlarmCommand::Mute { minutes } => {
            Ok(AlarmEvent::Muted { minutes: *minutes, until: now + Duration::minutes(*minutes) })
        }
    }
}
