//! The requester's word on a resolution: the engineer records who confirmed it and how
//! (by phone, on site, in writing) with their rating (满意 / 基本满意 / 不满意); a site
//! rule may confirm it after some days without an answer, recorded as such and unrated.
//! The contract measures satisfaction against 90 % and timely handling against 100 %.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::incident::Incident;
use super::sla::{Clock, ClockState};
use super::{DomainError, State};

vocabulary! {
    /// How the requester's confirmation came.
    ConfirmedHow {
        Phone => "phone" | "电话",
        OnSite => "on_site" | "onsite" | "现场",
        Writing => "writing" | "书面",
        // No answer within the site's limit: the site's rule confirmed it.
        Auto => "auto" | "自动",
    }
}

vocabulary! {
    /// The requester's rating of how the fault was handled.
    Rating {
        Satisfied => "satisfied" | "满意",
        Basic => "basically_satisfied" | "basic" | "基本满意",
        Dissatisfied => "dissatisfied" | "不满意",
    }
}

/// The contract's satisfaction target, in percent.
pub const SATISFACTION_TARGET: f64 = 90.0;

/// What the engineer records (or the site's rule, `how: Auto`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmation {
    /// Who confirmed (the requester's name; empty for the site's rule).
    pub by: String,
    pub how: ConfirmedHow,
    pub rating: Option<Rating>,
    #[serde(default)]
    pub note: String,
}

/// A confirmation as it stands on the incident: when, and who recorded it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmed {
    #[serde(flatten)]
    pub confirmation: Confirmation,
    pub at: DateTime<Utc>,
    pub recorded_by: String,
}

/// Why a confirmation is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfirmRefusal {
    /// A person names who confirmed it.
    NoRequester,
    /// A person records a rating.
    NoRating,
    /// "Dissatisfied" says why.
    DissatisfiedWithoutNote,
    /// Only the site's rule confirms automatically.
    AutoByPerson,
    /// The site's rule records no rating.
    AutoRated,
    AlreadyConfirmed {
        by: String,
        at: DateTime<Utc>,
    },
}

/// Whether the incident can take the requester's word at all: resolved (reported or
/// closed since), and nobody recorded it yet. `incident::permits` asks it.
pub fn open_to(incident: &Incident) -> Result<(), DomainError> {
    if !matches!(incident.state, State::Resolved | State::Reported | State::Closed) {
        return Err(DomainError::NotAllowed { command: "confirm", state: incident.state });
    }
    match &incident.confirmation {
        Some(done) => {
            let by = match done.confirmation.how {
                ConfirmedHow::Auto => done.recorded_by.clone(),
                _ => done.confirmation.by.clone(),
            };
            Err(DomainError::Confirm(ConfirmRefusal::AlreadyConfirmed { by, at: done.at }))
        }
        None => Ok(()),
    }
}

/// Whether what is said is a confirmation: a person names the requester and their
/// rating (a dissatisfied one says why); only the site's rule (`by_rule`) confirms
/// automatically, and it rates nothing.
pub fn check(confirmation: &Confirmation, by_rule: bool) -> Result<(), DomainError> {
    let refuse = |why| Err(DomainError::Confirm(why));
    match (confirmation.how == ConfirmedHow::Auto, by_rule) {
        (true, false) => return refuse(ConfirmRefusal::AutoByPerson),
        (true, true) if confirmation.rating.is_some() => return refuse(ConfirmRefusal::AutoRated),
        (true, true) => return Ok(()),
        _ => {}
    }
    if confirmation.by.trim().is_empty() {
        return refuse(ConfirmRefusal::NoRequester);
    }
    match confirmation.rating {
        None => refuse(ConfirmRefusal::NoRating),
        Some(Rating::Dissatisfied) if confirmation.note.trim().is_empty() => {
            refuse(ConfirmRefusal::DissatisfiedWithoutNote)
        }
        Some(_) => Ok(()),
    }
}

/// Whether the site's rule confirms this incident now: resolved `after` ago or more,
/// and nobody recorded the requester's word.
pub fn auto_due(incident: &Incident, after: Duration, now: DateTime<Utc>) -> bool {
    incident.confirmation.is_none()
        && matches!(incident.state, State::Resolved | State::Reported | State::Closed)
        && incident.resolved_at.is_some_and(|resolved| now - resolved >= after)
}

/// The requesters' word on a set of incidents.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Satisfaction {
    pub satisfied: u32,
    pub basic: u32,
    pub dissatisfied: u32,
    /// Confirmed by the site's rule, unrated.
    pub auto: u32,
    /// Resolved, and no word yet.
    pub waiting: u32,
}

impl Satisfaction {
    pub fn of<'a>(incidents: impl IntoIterator<Item = &'a Incident>) -> Satisfaction {
        let mut tally = Satisfaction::default();
        for incident in incidents {
            match incident.confirmation.as_ref().map(|c| (c.confirmation.how, c.confirmation.rating)) {
                Some((_, Some(Rating::Satisfied))) => tally.satisfied += 1,
                Some((_, Some(Rating::Basic))) => tally.basic += 1,
                Some((_, Some(Rating::Dissatisfied))) => tally.dissatisfied += 1,
                Some((_, None)) => tally.auto += 1,
                None if incident.resolved_at.is_some() => tally.waiting += 1,
                None => {}
            }
        }
        tally
    }

    /// The ratings given.
    pub fn rated(&self) -> u32 {
        self.satisfied + self.basic + self.dissatisfied
    }

    /// Satisfied or basically satisfied, of the ratings given, in percent (None: none given).
    pub fn rate(&self) -> Option<f64> {
        let rated = self.rated();
        (rated > 0).then(|| f64::from(self.satisfied + self.basic) * 100.0 / f64::from(rated))
    }

    pub fn meets_target(&self) -> Option<bool> {
        self.rate().map(|rate| rate >= SATISFACTION_TARGET)
    }
}

/// Whether an incident was handled in time, by its clocks as they stand: false as soon
/// as any was met late or is breached (resolved or not), true once every one was met on
/// time; None while one still runs, waits or stands paused (not decided yet).
pub fn timely(clocks: &[Clock]) -> Option<bool> {
    if clocks.iter().any(|clock| matches!(clock.state, ClockState::MetLate | ClockState::Breached)) {
        return Some(false);
    }
    (!clocks.is_empty() && clocks.iter().all(|clock| clock.state == ClockState::Met)).then_some(true)
}
