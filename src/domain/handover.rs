//! The shift handover (交接班): seven steps the outgoing and incoming engineers go
//! through together, each item acknowledged or given a note, then two signatures —
//! the outgoing engineer's first, then the incoming engineer's with their own login.
//!
//! What each step lists is worked out from the live data where the walkthrough runs
//! (`crate::handover`); the domain keeps the rules: steps in order, nothing left
//! unacknowledged, no signature before the last step, two different people, each on
//! their shift's roster, each signing once.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::incident::TEXT_MAX;
use super::shift::ShiftSlot;
use super::{DomainError, Operator};

/// The steps, in the order they are walked through.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Open incidents with their clocks, owner and last note.
    Incidents,
    /// Clocks that fall due during the next shift.
    DueNext,
    /// Inspections done, due and overdue, this shift and next.
    Inspections,
    /// Machines not normal, sources unreachable, windows ending next shift.
    Machines,
    /// SSH actions run this shift.
    SshRuns,
    /// The duty log of the shift.
    DutyLog,
    /// Notes for the next shift.
    Notes,
}

impl Step {
    pub const ALL: [Step; 7] = [
        Step::Incidents,
        Step::DueNext,
        Step::Inspections,
        Step::Machines,
        Step::SshRuns,
        Step::DutyLog,
        Step::Notes,
    ];

    /// 1-based, as the walkthrough numbers them.
    pub fn number(self) -> usize {
        Step::ALL.iter().position(|s| *s == self).unwrap_or(0) + 1
    }
}

/// Which side of the handover signs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Outgoing,
    Incoming,
}

/// One item as it was shown, and what was said about it: acknowledged (an empty
/// note) or a note.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemAck {
    /// A stable id (an incident number, a run id, `host/check`, a seq …).
    pub item: String,
    /// The line as it was shown, kept so the record reads the same later.
    pub shown: String,
    pub acknowledged: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// An incident the outgoing engineer passes on: it becomes the incoming engineer's
    /// when they sign, not before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass: Option<String>,
    /// The same line in each language the record may be read in (language code →
    /// line), so a report in English never shows the Chinese the acknowledging
    /// console happened to use.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub shown_in: std::collections::BTreeMap<String, String>,
}

impl ItemAck {
    /// The line in a language (its code), or as it was shown when none was kept.
    pub fn shown_for(&self, lang: &str) -> &str {
        self.shown_in.get(lang).map_or(&self.shown, String::as_str)
    }

    /// Whether the item was dealt with: acknowledged, or given a note.
    pub fn seen(&self) -> bool {
        self.acknowledged || !self.note.trim().is_empty()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepRecord {
    pub step: Step,
    pub items: Vec<ItemAck>,
    /// What was said about the step as a whole; for the last step, the notes for the
    /// next shift.
    pub note: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    pub by: String,
    pub at: DateTime<Utc>,
}

/// A handover as folded from its events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handover {
    /// `handover@<outgoing shift key>`.
    pub id: String,
    pub outgoing: ShiftSlot,
    pub incoming: ShiftSlot,
    pub started_by: String,
    pub started_at: DateTime<Utc>,
    pub steps: Vec<StepRecord>,
    pub outgoing_signature: Option<Signature>,
    pub incoming_signature: Option<Signature>,
    pub version: u64,
}

impl Handover {
    /// The id of the handover at the end of `outgoing`.
    pub fn id_of(outgoing: &ShiftSlot) -> String {
        format!("handover@{}", outgoing.key)
    }

    /// The next step to go through, if any is left.
    pub fn next_step(&self) -> Option<Step> {
        Step::ALL.get(self.steps.len()).copied()
    }

    /// Both signatures given.
    pub fn is_done(&self) -> bool {
        self.incoming_signature.is_some()
    }

    /// The outgoing engineer has signed; the incoming one has not yet.
    pub fn awaiting_incoming(&self) -> bool {
        self.outgoing_signature.is_some() && self.incoming_signature.is_none()
    }

    /// The record of a step, once completed.
    pub fn step(&self, step: Step) -> Option<&StepRecord> {
        self.steps.iter().find(|s| s.step == step)
    }

    /// The incidents passed on to the incoming engineer.
    pub fn passed(&self) -> Vec<&str> {
        self.steps.iter().flat_map(|s| &s.items).filter_map(|i| i.pass.as_deref()).collect()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum HandoverCommand {
    Start {
        outgoing: ShiftSlot,
        incoming: ShiftSlot,
    },
    CompleteStep {
        step: Step,
        items: Vec<ItemAck>,
        note: String,
    },
    /// `roster` is who is on duty on that side's shift as it stands now; `at` is now
    /// and `early` how long before the shift change an operator may sign.
    Sign {
        side: Side,
        roster: Vec<String>,
        at: DateTime<Utc>,
        early: Duration,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "payload", rename_all = "snake_case")]
pub enum HandoverEvent {
    Started { outgoing: ShiftSlot, incoming: ShiftSlot },
    StepCompleted { step: Step, items: Vec<ItemAck>, note: String },
    Signed { side: Side },
}

impl HandoverEvent {
    pub fn kind(&self) -> &'static str {
        match self {
            HandoverEvent::Started { .. } => "handover.started",
            HandoverEvent::StepCompleted { .. } => "handover.step_completed",
            HandoverEvent::Signed { .. } => "handover.signed",
        }
    }

    pub fn payload_json(&self) -> String {
        super::tagged::payload_of(self)
    }

    pub fn from_stored(kind: &str, payload: &str) -> Result<Self, serde_json::Error> {
        super::tagged::from_stored("handover.", kind, payload)
    }
}

/// Why a handover command was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HandoverRefusal {
    AlreadyStarted {
        by: String,
        at: DateTime<Utc>,
    },
    NotStarted,
    /// Steps go in order: this one is next.
    OutOfOrder {
        next: Option<Step>,
    },
    /// Items shown but neither acknowledged nor given a note.
    Unseen {
        items: Vec<String>,
    },
    /// Signing before every step was gone through.
    StepsLeft {
        next: Step,
    },
    /// The outgoing engineer signs first.
    OutgoingFirst,
    AlreadySigned {
        side: Side,
        by: String,
        at: DateTime<Utc>,
    },
    /// The same person on both sides.
    SamePerson {
        by: String,
    },
    NotOnRoster {
        who: String,
        shift: String,
    },
    /// The outgoing side signed: the record is closed to more steps.
    Closed {
        by: String,
        at: DateTime<Utc>,
    },
    /// Signing longer than the site's window before the shift change needs a lead.
    TooEarly {
        change_at: DateTime<Utc>,
        early: Duration,
    },
}

/// Decides a command against the handover as it stands (None before it started).
pub fn decide(
    handover: Option<&Handover>,
    command: &HandoverCommand,
    actor: &Operator,
) -> Result<HandoverEvent, DomainError> {
    let refuse = |why| Err(DomainError::Handover(why));
    let handover = match (handover, command) {
        (None, HandoverCommand::Start { outgoing, incoming }) => {
            return Ok(HandoverEvent::Started { outgoing: outgoing.clone(), incoming: incoming.clone() });
        }
        (Some(h), HandoverCommand::Start { .. }) => {
            return refuse(HandoverRefusal::AlreadyStarted { by: h.started_by.clone(), at: h.started_at });
        }
        (None, _) => return refuse(HandoverRefusal::NotStarted),
        (Some(h), _) => h,
    };
    match command {
        HandoverCommand::Start { .. } => unreachable!("handled above"),
        HandoverCommand::CompleteStep { step, items, note } => {
            if let Some(sig) = &handover.outgoing_signature {
                return refuse(HandoverRefusal::Closed { by: sig.by.clone(), at: sig.at });
            }
            if handover.next_step() != Some(*step) {
                return refuse(HandoverRefusal::OutOfOrder { next: handover.next_step() });
            }
            let unseen: Vec<String> = items.iter().filter(|i| !i.seen()).map(|i| i.item.clone()).collect();
            if !unseen.is_empty() {
                return refuse(HandoverRefusal::Unseen { items: unseen });
            }
            if *step == Step::Notes && note.trim().is_empty() {
                return Err(DomainError::Empty { field: "note" });
            }
            for text in items.iter().map(|i| &i.note).chain([note]) {
                if text.chars().count() > TEXT_MAX {
                    return Err(DomainError::TooLong { field: "note", max: TEXT_MAX });
                }
            }
            Ok(HandoverEvent::StepCompleted { step: *step, items: items.clone(), note: note.clone() })
        }
        HandoverCommand::Sign { side, roster, at, early } => {
            if let Some(next) = handover.next_step() {
                return refuse(HandoverRefusal::StepsLeft { next });
            }
            let change_at = handover.outgoing.end;
            if *at < change_at - *early && actor.role != super::Role::Lead {
                return refuse(HandoverRefusal::TooEarly { change_at, early: *early });
            }
            let (own, shift) = match side {
                Side::Outgoing => (&handover.outgoing_signature, &handover.outgoing),
                Side::Incoming => (&handover.incoming_signature, &handover.incoming),
            };
            if let Some(sig) = own {
                return refuse(HandoverRefusal::AlreadySigned {
                    side: *side,
                    by: sig.by.clone(),
                    at: sig.at,
                });
            }
            if !roster.iter().any(|r| r == &actor.id) {
                return refuse(HandoverRefusal::NotOnRoster {
                    who: actor.id.clone(),
                    shift: shift.name.clone(),
                });
            }
            match (side, &handover.outgoing_signature) {
                (Side::Incoming, None) => refuse(HandoverRefusal::OutgoingFirst),
                (Side::Incoming, Some(out)) if out.by == actor.id => {
                    refuse(HandoverRefusal::SamePerson { by: actor.id.clone() })
                }
                _ => Ok(HandoverEvent::Signed { side: *side }),
            }
        }
    }
}

/// Folds one event into the handover.
pub fn apply(
    handover: Option<Handover>,
    event: &HandoverEvent,
    id: &str,
    actor: &str,
    at: DateTime<Utc>,
) -> Result<Handover, DomainError> {
    let corrupt = || DomainError::CorruptLog { kind: "handover event out of place" };
    let mut handover = match (handover, event) {
        (None, HandoverEvent::Started { outgoing, incoming }) => {
            return Ok(Handover {
                id: id.to_string(),
                outgoing: outgoing.clone(),
                incoming: incoming.clone(),
                started_by: actor.to_string(),
                started_at: at,
                steps: Vec::new(),
                outgoing_signature: None,
                incoming_signature: None,
                version: 1,
            });
        }
        (Some(h), e) if !matches!(e, HandoverEvent::Started { .. }) => h,
        _ => return Err(corrupt()),
    };
    let signature = Signature { by: actor.to_string(), at };
    match event {
        HandoverEvent::Started { .. } => unreachable!("rejected above"),
        HandoverEvent::StepCompleted { step, items, note } => handover.steps.push(StepRecord {
            step: *step,
            items: items.clone(),
            note: note.clone(),
            by: actor.to_string(),
            at,
        }),
        HandoverEvent::Signed { side: Side::Outgoing } => handover.outgoing_signature = Some(signature),
        HandoverEvent::Signed { side: Side::Incoming } => handover.incoming_signature = Some(signature),
    }
    handover.version += 1;
    Ok(handover)
}

/// Folds a handover's stored events `(kind, payload, actor, recorded_at)`.
pub fn fold<'a>(
    id: &str,
    events: impl IntoIterator<Item = (&'a str, &'a str, &'a str, DateTime<Utc>)>,
) -> Result<Option<Handover>, DomainError> {
    super::tagged::fold("handover.", "handover event", events, |handover, event, actor, at| {
        apply(handover, event, id, actor, at)
    })
}
