//! The contract counter: late responses in the contract period and the breaches (and
//! penalty) they make — two late responses count as one breach.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use super::incident::Incident;
use super::sla::{ClockName, ClockState, SlaPolicy, clocks};

/// The contract period, inclusive local dates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContractPeriod {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

/// Where the contract stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ContractCounter {
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// Incidents reported in the period.
    pub incidents: u32,
    /// Responses made late, or not made and already past due.
    pub late_responses: u32,
    pub breaches: u32,
    pub penalty_percent: u32,
    /// One more late response makes another breach.
    pub next_late_is_breach: bool,
    /// Responses (on time or late) that rest on a time a person claimed well after it:
    /// a report or a response recorded later than it is dated.
    pub resting_on_claims: u32,
}

/// What one incident adds to the counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Part {
    /// Its response was (or already is) late.
    pub late: bool,
    /// Its response's outcome rests on a claimed time (its report or its response
    /// dated well before it was recorded).
    pub on_claims: bool,
}

/// The steps the response clock starts and stops on.
const RESPONSE_STEPS: [&str; 2] = ["incident.opened", "incident.acknowledged"];

/// What one incident adds to the counter: nothing if it was reported outside the
/// period, else whether its response was (or already is) late, and whether that
/// rests on claimed times.
pub fn contract_part(
    incident: &Incident,
    policy: &SlaPolicy,
    period: ContractPeriod,
    tz: Tz,
    now: DateTime<Utc>,
) -> Option<Part> {
    let day = incident.reported_at.with_timezone(&tz).date_naive();
    if day < period.start || day > period.end {
        return None;
    }
    let late = clocks(incident, policy, now).iter().any(|c| {
        c.name == ClockName::Response && matches!(c.state, ClockState::MetLate | ClockState::Breached)
    });
    let on_claims = incident.claimed.iter().any(|c| RESPONSE_STEPS.contains(&c.step.as_str()));
    Some(Part { late, on_claims })
}

/// Counts late responses among incidents reported (local date) within the period.
pub fn contract_counter<'a>(
    incidents: impl IntoIterator<Item = &'a Incident>,
    policy: &SlaPolicy,
    period: ContractPeriod,
    tz: Tz,
    now: DateTime<Utc>,
) -> ContractCounter {
    let parts = incidents.into_iter().map(|incident| contract_part(incident, policy, period, tz, now));
    counter_of_parts(parts, policy, period)
}

/// The counter from each incident's part (as `contract_part` gives it).
pub fn counter_of_parts(
    parts: impl IntoIterator<Item = Option<Part>>,
    policy: &SlaPolicy,
    period: ContractPeriod,
) -> ContractCounter {
    let (mut count, mut late, mut on_claims) = (0, 0, 0);
    for part in parts.into_iter().flatten() {
        count += 1;
        late += u32::from(part.late);
        on_claims += u32::from(part.on_claims);
    }
    let per_breach = policy.late_responses_per_breach.max(1);
    let breaches = late / per_breach;
    ContractCounter {
        period_start: period.start,
        period_end: period.end,
        incidents: count,
        late_responses: late,
        breaches,
        penalty_percent: breaches * policy.penalty_percent_per_breach,
        next_late_is_breach: late % per_breach == per_breach - 1,
        resting_on_claims: on_claims,
    }
}
