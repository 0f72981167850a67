//! SLA clocks: for each incident, when each contractual clock falls due, how much time
//! is left, and whether it was met. Pure: `now` is passed in.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::incident::{Incident, Pause};
use super::vocabulary::{CallTarget, EventClass, PauseReason, Severity};

/// The site's clock rules. `Default` gives the contract's numbers.
#[derive(Clone, Debug, PartialEq)]
pub struct SlaPolicy {
    /// Respond within this long after the report (contract: 30 min).
    pub response: Duration,
    /// Be on site within this long after responding, when on site is needed (2 h).
    pub onsite: Duration,
    /// Resolve within this long after the report, by severity (4 h / 12 h / 24 h).
    pub resolution_ordinary: Duration,
    pub resolution_serious: Duration,
    pub resolution_critical: Duration,
    /// File the fault report within this long after resolution (24 h).
    pub report: Duration,
    /// Optional: duty staff confirm an event within this long (10 min), met by the ack.
    pub confirm: Option<Duration>,
    /// Optional: a security incident (class attack) is reported to the security group
    /// or leadership within this long (5 min), met by an answered call.
    pub security_report: Option<Duration>,
    /// How long before its due time a clock counts as "due soon", per clock.
    pub due_soon: DueSoon,
    /// Late responses that make one contract breach (2).
    pub late_responses_per_breach: u32,
    /// Penalty per breach, in percent of the contract price (5).
    pub penalty_percent_per_breach: u32,
    /// How far back an operator may date a step (2 h); a typed report time further
    /// back, or one that makes the response late, is also confirmed after seeing what
    /// it does to the clocks.
    pub backdate: Duration,
    /// How far back a lead may date a step, with a reason (7 days).
    pub lead_backdate: Duration,
    /// How long before the shift change an operator may sign a handover (30 min);
    /// earlier needs a lead.
    pub handover_early: Duration,
    /// Optional: a resolution nobody has confirmed this long after is confirmed by the
    /// site's rule (recorded as such, unrated).
    pub auto_confirm: Option<Duration>,
    /// The rules for changes.
    pub changes: super::change::ChangeRules,
}

/// Warning lead time per clock.
#[derive(Clone, Debug, PartialEq)]
pub struct DueSoon {
    pub confirm: Duration,
    pub response: Duration,
    pub onsite: Duration,
    pub resolution: Duration,
    pub report: Duration,
    pub security_report: Duration,
}

impl DueSoon {
    /// The earliest any clock can turn "due soon" before its due time: an incident whose
    /// nearest due time is further away than this has no clock due soon or breached.
    pub fn longest(&self) -> Duration {
        [self.confirm, self.response, self.onsite, self.resolution, self.report, self.security_report]
            .into_iter()
            .max()
            .unwrap_or_else(Duration::zero)
    }
}

impl Default for DueSoon {
    fn default() -> Self {
        DueSoon {
            confirm: Duration::minutes(3),
            response: Duration::minutes(10),
            onsite: Duration::minutes(30),
            resolution: Duration::hours(1),
            report: Duration::hours(4),
            security_report: Duration::minutes(2),
        }
    }
}

impl Default for SlaPolicy {
    fn default() -> Self {
        SlaPolicy {
            response: Duration::minutes(30),
            onsite: Duration::hours(2),
            resolution_ordinary: Duration::hours(4),
            resolution_serious: Duration::hours(12),
            resolution_critical: Duration::hours(24),
            report: Duration::hours(24),
            confirm: None,
            security_report: None,
            due_soon: DueSoon::default(),
            late_responses_per_breach: 2,
            penalty_percent_per_breach: 5,
            backdate: Duration::hours(2),
            lead_backdate: Duration::days(7),
            handover_early: Duration::minutes(30),
            auto_confirm: None,
            changes: Default::default(),
        }
    }
}

/// What a report time typed now does to an incident's clocks: how late its response
/// is already, whether that counts against the contract, and whether its resolution
/// is already breached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackdateEffect {
    /// How far back the time is.
    pub back: Duration,
    /// How much later than its limit the response would be if given now.
    pub response_late: Option<Duration>,
    /// How much of the resolution time is already past its limit.
    pub resolution_late: Option<Duration>,
}

impl SlaPolicy {
    /// What reporting an incident of `severity` as reported at `at` means at `now`, if
    /// `at` lies further back than the site lets a report time go unconfirmed, or far
    /// enough back that the response would already be late.
    pub fn backdate_effect(
        &self,
        severity: Severity,
        at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Option<BackdateEffect> {
        let back = now - at;
        let late = |limit: Duration| Some(back - limit).filter(|d| *d > Duration::zero());
        let effect = BackdateEffect {
            back,
            response_late: late(self.response),
            resolution_late: late(self.resolution_for(severity)),
        };
        (back > self.backdate || effect.response_late.is_some()).then_some(effect)
    }

    /// The resolution limit for a severity.
    pub fn resolution_for(&self, severity: Severity) -> Duration {
        match severity {
            Severity::Ordinary => self.resolution_ordinary,
            Severity::Serious => self.resolution_serious,
            Severity::Critical => self.resolution_critical,
        }
    }
}

/// The clocks an incident can have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum ClockName {
    Confirm,
    SecurityReport,
    Response,
    #[serde(rename = "onsite")]
    OnSite,
    Resolution,
    Report,
    /// An inspection's deadline (alarms only; not an SLA clock of incidents).
    Inspection,
    /// A lead's decision on an inspection paused by a critical item, within an hour.
    LeadDecision,
    /// Telling the owner and the lead of a warning or critical item, within a minute.
    Notice,
    /// An inspection never started by its deadline (漏检): it rings until the shift that
    /// owned it has handed over, or a lead acknowledges it.
    Missed,
    /// A step of an emergency plan past its limit from the plan's start.
    PlanStep,
    /// An emergency change not yet documented within the site's limit.
    ChangeRecord,
}

impl ClockName {
    /// The clocks of incidents (inspection alarms have their own).
    pub const ALL: &'static [ClockName] = &[
        ClockName::Confirm,
        ClockName::SecurityReport,
        ClockName::Response,
        ClockName::OnSite,
        ClockName::Resolution,
        ClockName::Report,
    ];

    /// The stable key used in JSON.
    pub fn key(self) -> &'static str {
        match self {
            ClockName::Confirm => "confirm",
            ClockName::SecurityReport => "security_report",
            ClockName::Response => "response",
            ClockName::OnSite => "onsite",
            ClockName::Resolution => "resolution",
            ClockName::Report => "report",
            ClockName::Inspection => "inspection",
            ClockName::LeadDecision => "lead_decision",
            ClockName::Notice => "notice",
            ClockName::Missed => "missed",
            ClockName::PlanStep => "plan_step",
            ClockName::ChangeRecord => "change_record",
        }
    }
}

/// Where a clock stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockState {
    /// Not started yet (the on-site clock before the response, the report clock before
    /// resolution).
    Pending,
    Running,
    DueSoon,
    /// Standing still (resolution clock while waiting on a vendor, parts or the user).
    Paused,
    Breached,
    Met,
    MetLate,
}

impl ClockState {
    /// The stable key used in JSON.
    pub fn key(self) -> &'static str {
        match self {
            ClockState::Pending => "pending",
            ClockState::Running => "running",
            ClockState::DueSoon => "due_soon",
            ClockState::Paused => "paused",
            ClockState::Breached => "breached",
            ClockState::Met => "met",
            ClockState::MetLate => "met_late",
        }
    }

    /// Still counting (or standing still) rather than finished.
    pub fn is_live(self) -> bool {
        matches!(self, ClockState::Running | ClockState::DueSoon | ClockState::Paused | ClockState::Breached)
    }
}

/// One clock of one incident at one moment.
#[derive(Clone, Debug, PartialEq)]
pub struct Clock {
    pub name: ClockName,
    pub state: ClockState,
    pub started_at: Option<DateTime<Utc>>,
    pub due_at: Option<DateTime<Utc>>,
    /// Time left until due (negative when breached); at the stop time for a met clock.
    pub remaining: Option<Duration>,
    pub stopped_at: Option<DateTime<Utc>>,
    /// Time the clock stood still in total.
    pub paused_total: Duration,
    pub paused_reason: Option<PauseReason>,
}

/// Everything one clock needs: when it starts, its limit, when it stopped, its pauses.
struct ClockRule<'a> {
    name: ClockName,
    start: Option<DateTime<Utc>>,
    limit: Duration,
    stop: Option<DateTime<Utc>>,
    pauses: &'a [Pause],
    due_soon: Duration,
}

/// Total time inside pauses between `from` and `to`. Pauses never overlap (a change of
/// reason closes one and opens the next at the same instant), so summing is exact.
pub fn paused_between(pauses: &[Pause], from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
    pauses
        .iter()
        .map(|p| {
            let start = p.from.max(from);
            let end = p.until.unwrap_or(to).min(to);
            (end - start).max(Duration::zero())
        })
        .sum()
}

fn evaluate(rule: ClockRule<'_>, now: DateTime<Utc>) -> Clock {
    let Some(start) = rule.start else {
        return Clock {
            name: rule.name,
            state: ClockState::Pending,
            started_at: None,
            due_at: None,
            remaining: None,
            stopped_at: None,
            paused_total: Duration::zero(),
            paused_reason: None,
        };
    };
    let end = rule.stop.unwrap_or(now).max(start);
    let paused_total = paused_between(rule.pauses, start, end);
    let due_at = start + rule.limit + paused_total;
    let paused_now =
        rule.stop.is_none() && rule.pauses.last().is_some_and(|p| p.until.is_none() && p.from <= now);
    let (state, remaining) = match rule.stop {
        Some(stop) if stop <= due_at => (ClockState::Met, due_at - stop),
        Some(stop) => (ClockState::MetLate, due_at - stop),
        None => {
            let remaining = due_at - now;
            let state = if paused_now {
                ClockState::Paused
            } else if remaining < Duration::zero() {
                ClockState::Breached
            } else if remaining <= rule.due_soon {
                ClockState::DueSoon
            } else {
                ClockState::Running
            };
            (state, remaining)
        }
    };
    Clock {
        name: rule.name,
        state,
        started_at: Some(start),
        due_at: Some(due_at),
        remaining: Some(remaining),
        stopped_at: rule.stop,
        paused_total,
        paused_reason: if paused_now { rule.pauses.last().map(|p| p.reason) } else { None },
    }
}

/// Every clock that applies to the incident under the policy, at `now`.
pub fn clocks(incident: &Incident, policy: &SlaPolicy, now: DateTime<Utc>) -> Vec<Clock> {
    let no_pauses: &[Pause] = &[];
    let mut rules = Vec::with_capacity(6);
    if let Some(limit) = policy.confirm {
        rules.push(ClockRule {
            name: ClockName::Confirm,
            start: Some(incident.reported_at),
            limit,
            stop: incident.acknowledged_at,
            pauses: no_pauses,
            due_soon: policy.due_soon.confirm,
        });
    }
    if let Some(limit) = policy.security_report
        && incident.class == EventClass::Attack
    {
        let reported = incident
            .calls
            .iter()
            .filter(|c| c.answered && matches!(c.callee, CallTarget::SecurityGroup | CallTarget::Leadership))
            .map(|c| c.at)
            .min();
        rules.push(ClockRule {
            name: ClockName::SecurityReport,
            start: Some(incident.reported_at),
            limit,
            stop: reported,
            pauses: no_pauses,
            due_soon: policy.due_soon.security_report,
        });
    }
    rules.push(ClockRule {
        name: ClockName::Response,
        start: Some(incident.reported_at),
        limit: policy.response,
        stop: incident.acknowledged_at,
        pauses: no_pauses,
        due_soon: policy.due_soon.response,
    });
    if incident.onsite_required {
        rules.push(ClockRule {
            name: ClockName::OnSite,
            start: incident.acknowledged_at,
            limit: policy.onsite,
            stop: incident.onsite_at,
            pauses: no_pauses,
            due_soon: policy.due_soon.onsite,
        });
    }
    rules.push(ClockRule {
        name: ClockName::Resolution,
        start: Some(incident.reported_at),
        limit: policy.resolution_for(incident.severity),
        stop: incident.resolved_at,
        pauses: &incident.pauses,
        due_soon: policy.due_soon.resolution,
    });
    rules.push(ClockRule {
        name: ClockName::Report,
        start: incident.resolved_at,
        limit: policy.report,
        stop: incident.report_filed_at,
        pauses: no_pauses,
        due_soon: policy.due_soon.report,
    });
    rules.into_iter().map(|rule| evaluate(rule, now)).collect()
}

/// The clock that matters most now: a breached live clock first, then the live one due
/// soonest. None when every clock has stopped.
pub fn most_urgent(clocks: &[Clock]) -> Option<&Clock> {
    clocks
        .iter()
        .filter(|c| c.state.is_live())
        .min_by_key(|c| (c.state != ClockState::Breached, c.remaining.unwrap_or(Duration::MAX)))
}
