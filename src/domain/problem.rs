//! Problems (问题): what lies behind incidents that could not be fully solved. A problem
//! links its incidents, keeps the suspected cause and the workaround, becomes a known
//! error (已知错误) once both are known, is resolved with a solution and closed by a
//! lead. Open problems are reviewed monthly: from the first workday of a month a
//! reminder stands until a lead records that month's review.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::checklist::Calendar;
use super::incident::{TEXT_MAX, TITLE_MAX};
use super::{DomainError, Incident, IncidentId, Operator, Role};

/// Where a problem stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemState {
    Open,
    KnownError,
    Resolved,
    Closed,
}

/// A problem as it stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub id: String,
    pub title: String,
    pub incidents: Vec<IncidentId>,
    #[serde(default)]
    pub cause: String,
    #[serde(default)]
    pub workaround: String,
    pub owner: String,
    pub state: ProblemState,
    pub opened_by: String,
    pub opened_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub known_error_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub solution: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<(String, DateTime<Utc>)>,
    pub version: u64,
}

/// What a person asks of a problem.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum ProblemCommand {
    Open {
        title: String,
        incidents: Vec<IncidentId>,
        cause: String,
        workaround: String,
        owner: String,
    },
    Link {
        incident: IncidentId,
    },
    /// What is suspected now, and how users get by meanwhile.
    Update {
        cause: String,
        workaround: String,
    },
    /// The cause and the workaround are known: a known error.
    KnownError {
        cause: String,
        workaround: String,
    },
    Resolve {
        solution: String,
    },
    /// A lead closes a resolved problem.
    Close,
}

/// What happened to a problem, stored as `problem.<kind>`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "payload", rename_all = "snake_case")]
pub enum ProblemEvent {
    Opened { title: String, incidents: Vec<IncidentId>, cause: String, workaround: String, owner: String },
    Linked { incident: IncidentId },
    Updated { cause: String, workaround: String },
    KnownError { cause: String, workaround: String },
    Resolved { solution: String },
    Closed {},
}

impl ProblemEvent {
    pub fn kind(&self) -> &'static str {
        match self {
            ProblemEvent::Opened { .. } => "problem.opened",
            ProblemEvent::Linked { .. } => "problem.linked",
            ProblemEvent::Updated { .. } => "problem.updated",
            ProblemEvent::KnownError { .. } => "problem.known_error",
            ProblemEvent::Resolved { .. } => "problem.resolved",
            ProblemEvent::Closed {} => "problem.closed",
        }
    }

    pub fn payload_json(&self) -> String {
        super::tagged::payload_of(self)
    }
}

/// Why a problem command was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProblemRefusal {
    NoProblem {
        id: String,
    },
    Exists {
        id: String,
    },
    NotNow {
        command: &'static str,
        state: ProblemState,
    },
    AlreadyLinked {
        incident: IncidentId,
    },
    /// A lead closes a problem, and records the monthly review.
    LeadCloses,
}

fn refuse<T>(why: ProblemRefusal) -> Result<T, DomainError> {
    Err(DomainError::Problem(why))
}

use super::tagged::check_text as text;

/// Decides what a command does to a problem (None before it is opened).
pub fn decide(
    problem: Option<&Problem>,
    id: &str,
    command: &ProblemCommand,
    actor: &Operator,
) -> Result<ProblemEvent, DomainError> {
    use ProblemCommand as C;
    use ProblemState as S;
    let problem = match (problem, command) {
        (None, C::Open { title, incidents, cause, workaround, owner }) => {
            text("title", title, TITLE_MAX, true)?;
            text("cause", cause, TEXT_MAX, false)?;
            text("workaround", workaround, TEXT_MAX, false)?;
            text("owner", owner, TITLE_MAX, true)?;
            return Ok(ProblemEvent::Opened {
                title: title.clone(),
                incidents: incidents.clone(),
                cause: cause.clone(),
                workaround: workaround.clone(),
                owner: owner.clone(),
            });
        }
        (Some(_), C::Open { .. }) => return refuse(ProblemRefusal::Exists { id: id.to_string() }),
        (None, _) => return refuse(ProblemRefusal::NoProblem { id: id.to_string() }),
        (Some(problem), _) => problem,
    };
    let not_now = |command: &'static str| refuse(ProblemRefusal::NotNow { command, state: problem.state });
    match command {
        C::Open { .. } => unreachable!("answered above"),
        _ if problem.state == S::Closed => not_now("change"),
        C::Link { incident } if problem.incidents.contains(incident) => {
            refuse(ProblemRefusal::AlreadyLinked { incident: incident.clone() })
        }
        C::Link { incident } => Ok(ProblemEvent::Linked { incident: incident.clone() }),
        C::Update { .. } if problem.state == S::Resolved => not_now("update"),
        C::Update { cause, workaround } => {
            text("cause", cause, TEXT_MAX, false)?;
            text("workaround", workaround, TEXT_MAX, false)?;
            if cause.trim().is_empty() && workaround.trim().is_empty() {
                return Err(DomainError::Empty { field: "cause" });
            }
            Ok(ProblemEvent::Updated { cause: cause.clone(), workaround: workaround.clone() })
        }
        C::KnownError { .. } if problem.state != S::Open => not_now("known_error"),
        C::KnownError { cause, workaround } => {
            text("cause", cause, TEXT_MAX, true)?;
            text("workaround", workaround, TEXT_MAX, true)?;
            Ok(ProblemEvent::KnownError { cause: cause.clone(), workaround: workaround.clone() })
        }
        C::Resolve { .. } if !matches!(problem.state, S::Open | S::KnownError) => not_now("resolve"),
        C::Resolve { solution } => {
            text("solution", solution, TEXT_MAX, true)?;
            Ok(ProblemEvent::Resolved { solution: solution.clone() })
        }
        C::Close if problem.state != S::Resolved => not_now("close"),
        C::Close if actor.role != Role::Lead => refuse(ProblemRefusal::LeadCloses),
        C::Close => Ok(ProblemEvent::Closed {}),
    }
}

/// Applies one event (from the log, so decided already).
pub fn apply(
    problem: Option<Problem>,
    event: &ProblemEvent,
    id: &str,
    actor: &str,
    at: DateTime<Utc>,
) -> Result<Problem, DomainError> {
    let corrupt = || DomainError::CorruptLog { kind: "problem event out of place" };
    let mut p = match (problem, event) {
        (None, ProblemEvent::Opened { title, incidents, cause, workaround, owner }) => {
            return Ok(Problem {
                id: id.to_string(),
                title: title.clone(),
                incidents: incidents.clone(),
                cause: cause.clone(),
                workaround: workaround.clone(),
                owner: owner.clone(),
                state: ProblemState::Open,
                opened_by: actor.to_string(),
                opened_at: at,
                known_error_at: None,
                solution: String::new(),
                resolved_at: None,
                closed: None,
                version: 1,
            });
        }
        (Some(p), event) if !matches!(event, ProblemEvent::Opened { .. }) => p,
        _ => return Err(corrupt()),
    };
    match event {
        ProblemEvent::Opened { .. } => return Err(corrupt()),
        ProblemEvent::Linked { incident } => p.incidents.push(incident.clone()),
        ProblemEvent::Updated { cause, workaround } => {
            if !cause.trim().is_empty() {
                p.cause = cause.clone();
            }
            if !workaround.trim().is_empty() {
                p.workaround = workaround.clone();
            }
        }
        ProblemEvent::KnownError { cause, workaround } => {
            (p.cause, p.workaround) = (cause.clone(), workaround.clone());
            p.known_error_at = Some(at);
            p.state = ProblemState::KnownError;
        }
        ProblemEvent::Resolved { solution } => {
            p.solution = solution.clone();
            p.resolved_at = Some(at);
            p.state = ProblemState::Resolved;
        }
        ProblemEvent::Closed {} => {
            p.closed = Some((actor.to_string(), at));
            p.state = ProblemState::Closed;
        }
    }
    p.version += 1;
    Ok(p)
}

/// Folds a problem from its events: (kind, payload, actor, occurred_at), oldest first.
pub fn fold<'a>(
    id: &str,
    events: impl IntoIterator<Item = (&'a str, &'a str, &'a str, DateTime<Utc>)>,
) -> Result<Option<Problem>, DomainError> {
    super::tagged::fold("problem.", "undecodable problem event", events, |problem, event, actor, at| {
        apply(problem, event, id, actor, at)
    })
}

/// Incidents to offer for linking: not linked yet, and on the same host in the same
/// area as one that is, or from the same alert; the newest first.
pub fn suggest_links<'a>(problem: &Problem, incidents: &'a [Incident]) -> Vec<&'a Incident> {
    let linked: Vec<&Incident> = incidents.iter().filter(|i| problem.incidents.contains(&i.id)).collect();
    let mut found: Vec<&Incident> = incidents
        .iter()
        .filter(|i| !problem.incidents.contains(&i.id))
        .filter(|i| {
            linked.iter().any(|l| {
                let same_place = l.area == i.area && l.hosts.iter().any(|h| i.hosts.contains(h));
                let same_alert = l.source_ref.is_some() && l.source_ref == i.source_ref;
                same_place || same_alert
            })
        })
        .collect();
    found.sort_by_key(|i| std::cmp::Reverse(i.reported_at));
    found
}

/// The first workday of the month holding `date`.
pub fn first_workday(date: NaiveDate, calendar: &Calendar) -> NaiveDate {
    let mut day = date.with_day(1).unwrap_or(date);
    while !calendar.is_workday(day) {
        match day.succ_opt() {
            Some(next) if next.month() == date.month() => day = next,
            _ => break,
        }
    }
    day
}

/// The month (`YYYY-MM`) whose problem review is due on `today`: from its first
/// workday until a lead records it, while `open` problems are there to review.
pub fn review_due(today: NaiveDate, calendar: &Calendar, reviewed: &[String], open: usize) -> Option<String> {
    let month = today.format("%Y-%m").to_string();
    (open > 0 && today >= first_workday(today, calendar) && !reviewed.contains(&month)).then_some(month)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(minute: i64) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-25T02:00:00Z").unwrap().with_timezone(&Utc)
            + chrono::Duration::minutes(minute)
    }

    fn person(id: &str, role: Role) -> Operator {
        Operator { id: id.into(), name: id.into(), role }
    }

    fn open() -> ProblemCommand {
        ProblemCommand::Open {
            title: "数据库归档日志反复写满".into(),
            incidents: vec![IncidentId("GZ-1".into())],
            cause: String::new(),
            workaround: "手工清理归档日志".into(),
            owner: "alice".into(),
        }
    }

    fn step(
        p: Option<Problem>,
        c: ProblemCommand,
        who: &Operator,
        minute: i64,
    ) -> Result<Problem, DomainError> {
        let event = decide(p.as_ref(), "PRB-1", &c, who)?;
        apply(p, &event, "PRB-1", &who.id, at(minute))
    }

    #[test]
    fn a_problem_goes_open_known_error_resolved_and_a_lead_closes_it() {
        let (alice, lead) = (person("alice", Role::Operator), person("lead", Role::Lead));
        let p = step(None, open(), &alice, 0).unwrap();
        assert_eq!((p.state, p.owner.as_str()), (ProblemState::Open, "alice"));
        assert_eq!(
            step(Some(p.clone()), ProblemCommand::Link { incident: IncidentId("GZ-1".into()) }, &alice, 1),
            Err(DomainError::Problem(ProblemRefusal::AlreadyLinked { incident: IncidentId("GZ-1".into()) }))
        );
        let p =
            step(Some(p), ProblemCommand::Link { incident: IncidentId("GZ-2".into()) }, &alice, 1).unwrap();
        assert_eq!(
            step(
                Some(p.clone()),
                ProblemCommand::KnownError { cause: " ".into(), workaround: "x".into() },
                &alice,
                2
            ),
            Err(DomainError::Empty { field: "cause" })
        );
        let known = ProblemCommand::KnownError {
            cause: "归档策略未按日清理".into(),
            workaround: "每日手工清理".into(),
        };
        let p = step(Some(p), known.clone(), &alice, 2).unwrap();
        assert_eq!((p.state, p.known_error_at), (ProblemState::KnownError, Some(at(2))));
        assert!(matches!(
            step(Some(p.clone()), known, &alice, 3),
            Err(DomainError::Problem(ProblemRefusal::NotNow { .. }))
        ));
        assert!(matches!(
            step(Some(p.clone()), ProblemCommand::Close, &lead, 3),
            Err(DomainError::Problem(ProblemRefusal::NotNow { command: "close", .. }))
        ));
        let p = step(Some(p), ProblemCommand::Resolve { solution: "增加每日清理任务".into() }, &alice, 4)
            .unwrap();
        assert_eq!(
            step(Some(p.clone()), ProblemCommand::Close, &alice, 5),
            Err(DomainError::Problem(ProblemRefusal::LeadCloses))
        );
        let p = step(Some(p), ProblemCommand::Close, &lead, 5).unwrap();
        assert_eq!((p.state, p.closed.clone()), (ProblemState::Closed, Some(("lead".to_string(), at(5)))));
        assert!(
            step(Some(p), ProblemCommand::Link { incident: IncidentId("GZ-3".into()) }, &lead, 6).is_err()
        );
    }

    #[test]
    fn the_review_is_due_from_the_first_workday_until_recorded() {
        let calendar = Calendar {
            holidays: [NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()].into(),
            workdays: Default::default(),
        };
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        // 2026-11-01 is a Sunday: the review falls on Monday the 2nd.
        assert_eq!(first_workday(day(2026, 11, 20), &calendar), day(2026, 11, 2));
        assert_eq!(review_due(day(2026, 11, 1), &calendar, &[], 1), None);
        assert_eq!(review_due(day(2026, 11, 2), &calendar, &[], 1), Some("2026-11".into()));
        assert_eq!(review_due(day(2026, 11, 25), &calendar, &[], 1), Some("2026-11".into()));
        assert_eq!(review_due(day(2026, 11, 25), &calendar, &["2026-11".into()], 1), None);
        assert_eq!(review_due(day(2026, 11, 25), &calendar, &[], 0), None, "nothing to review");
        // New Year's Day is a holiday and the 2nd a Saturday: Monday the 4th.
        assert_eq!(first_workday(day(2027, 1, 9), &calendar), day(2027, 1, 4));
    }

    proptest! {
        /// Whatever is asked, a problem's state only moves forward and only a lead closes it.
        #[test]
        fn a_problem_only_moves_forward(commands in prop::collection::vec(0usize..6, 0..14)) {
            let people = [person("alice", Role::Operator), person("lead", Role::Lead)];
            let mut p = step(None, open(), &people[0], 0).unwrap();
            for (n, pick) in commands.into_iter().enumerate() {
                let command = match pick {
                    0 => ProblemCommand::Link { incident: IncidentId(format!("GZ-{n}")) },
                    1 => ProblemCommand::Update { cause: "疑似".into(), workaround: String::new() },
                    2 => ProblemCommand::KnownError { cause: "c".into(), workaround: "w".into() },
                    3 => ProblemCommand::Resolve { solution: "s".into() },
                    _ => ProblemCommand::Close,
                };
                let who = &people[n % 2];
                if let Ok(after) = step(Some(p.clone()), command, who, n as i64 + 1) {
                    prop_assert!(after.state >= p.state);
                    prop_assert!(after.closed.as_ref().is_none_or(|(by, _)| by == "lead"));
                    prop_assert!(after.incidents.len() >= p.incidents.len());
                    p = after;
                }
            }
        }
    }
}
