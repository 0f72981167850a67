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
}

/// Counts late responses among incidents reported (local date) within the period.
pub fn contract_counter<'a>(
    incidents: impl IntoIterator<Item = &'a Incident>,
    policy: &SlaPolicy,
    period: ContractPeriod,
    tz: Tz,
    now: DateTime<Utc>,
) -> ContractCounter {
    let mut count = 0;
    let mut late = 0;
    for incident in incidents {
        let day = incident.reported_at.with_timezone(&tz).date_naive();
        if day < period.start || day > period.end {
            continue;
        }
        count += 1;
        let response_late = clocks(incident, policy, now).iter().any(|c| {
            c.name == ClockName::Response && matches!(c.state, ClockState::MetLate | ClockState::Breached)
        });
        if response_late {
            late += 1;
        }
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
    }
}
