//! Emergency plans (应急预案): the site's templates per kind of incident (network
//! failure, virus, intrusion, power …) as ordered steps, each with who does it and an
//! optional limit from the plan's start (the five-minute report to the security leading
//! group). A plan is started from an incident; the run lives on the incident (its
//! events are the incident's, so it is in its timeline and its fault report), each step
//! done or skipped with who and when, and a step past its limit rings like a clock.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::alarm::AlarmLevel;
use super::{EventClass, FaultArea, Role};

vocabulary! {
    /// Who does a step.
    Party {
        Duty => "duty" | "值班" | "值班人员",
        Lead => "lead" | "负责人",
        Security => "security" | "安全小组" | "安全领导小组",
        Vendor => "vendor" | "厂商",
    }
}

/// One step of a plan as the site writes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepTemplate {
    pub title: String,
    pub who: Party,
    /// Minutes from the plan's start by which it must be done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within_minutes: Option<i64>,
}

/// A plan of the site (`plans/<id>.toml`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub id: String,
    pub name: String,
    /// The incidents it is offered for: their class, their area, words in their title.
    pub classes: Vec<EventClass>,
    pub areas: Vec<FaultArea>,
    pub words: Vec<String>,
    pub steps: Vec<StepTemplate>,
}

impl Plan {
    /// A run of this plan starting at `at`, by `by`.
    pub fn run(&self, at: DateTime<Utc>, by: &str) -> PlanRun {
        PlanRun {
            plan: self.id.clone(),
            name: self.name.clone(),
            started_at: at,
            started_by: by.to_string(),
            steps: self.steps.iter().map(|s| StepRun { step: s.clone(), outcome: None }).collect(),
        }
    }

    /// How well it fits an incident: a matching class, area and words in the title.
    fn fit(&self, class: EventClass, area: FaultArea, title: &str) -> u32 {
        let title = title.to_lowercase();
        let class_fits = self.classes.contains(&class) as u32 * 2;
        let area_fits = self.areas.contains(&area) as u32;
        let words = self.words.iter().filter(|w| title.contains(&w.to_lowercase())).count() as u32 * 3;
        class_fits + area_fits + words
    }
}

/// The plans that fit an incident, best first (those that fit nothing are left out).
pub fn suggest<'a>(plans: &'a [Plan], class: EventClass, area: FaultArea, title: &str) -> Vec<&'a Plan> {
    let mut fitting: Vec<(u32, &Plan)> =
        plans.iter().map(|p| (p.fit(class, area, title), p)).filter(|(fit, _)| *fit > 0).collect();
    fitting.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.id.cmp(&b.1.id)));
    fitting.into_iter().map(|(_, p)| p).collect()
}

/// A plan started on an incident, as it stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanRun {
    pub plan: String,
    pub name: String,
    pub started_at: DateTime<Utc>,
    pub started_by: String,
    pub steps: Vec<StepRun>,
}

/// One step of a run, and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepRun {
    #[serde(flatten)]
    pub step: StepTemplate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<StepOutcome>,
}

/// A step done or skipped: who said so and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepOutcome {
    pub done: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// Why a plan command was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlanRefusal {
    /// The site has no plan of this id.
    UnknownPlan {
        plan: String,
    },
    /// No plan of the site fits the incident (name one).
    NoneFits,
    /// A plan runs on this incident with steps left.
    AlreadyRunning {
        name: String,
    },
    /// No plan runs on this incident.
    NoPlan,
    /// Steps are numbered 1 to `steps`.
    NoStep {
        step: usize,
        steps: usize,
    },
    AlreadyMarked {
        step: usize,
        by: String,
        at: DateTime<Utc>,
    },
    /// A skipped step says why.
    SkipNeedsNote {
        step: usize,
    },
    /// A lead's step is recorded by a lead.
    LeadsStep {
        step: usize,
    },
}

impl StepRun {
    /// When it must be done, for a step with a limit.
    pub fn due(&self, started_at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.step.within_minutes.map(|m| started_at + Duration::minutes(m))
    }
}

/// How long before its limit a step warns: a fifth of the limit, at most ten minutes.
fn warning(within_minutes: i64) -> Duration {
    (Duration::minutes(within_minutes) / 5).min(Duration::minutes(10))
}

/// A step that rings now: its number (1-based), when it falls or fell due, how loud.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepAlarm {
    pub step: usize,
    pub due: DateTime<Utc>,
    pub level: AlarmLevel,
}

impl StepAlarm {
    /// The alarm it raises on `incident`: one per step, so that acknowledging one step
    /// leaves the next to ring.
    pub fn key(&self, incident: &super::IncidentId) -> super::alarm::AlarmKey {
        super::alarm::AlarmKey {
            incident: super::IncidentId(format!("{incident}#{}", self.step)),
            clock: super::sla::ClockName::PlanStep,
            level: self.level,
        }
    }
}

impl PlanRun {
    /// Whether every step is done or skipped.
    pub fn finished(&self) -> bool {
        self.steps.iter().all(|s| s.outcome.is_some())
    }

    /// Whether `step` (1-based) may be marked, done or skipped with `note`, by someone
    /// of `role`.
    pub fn check_mark(&self, step: usize, done: bool, note: &str, role: Role) -> Result<(), PlanRefusal> {
        let steps = self.steps.len();
        let run =
            step.checked_sub(1).and_then(|i| self.steps.get(i)).ok_or(PlanRefusal::NoStep { step, steps })?;
        if let Some(outcome) = &run.outcome {
            return Err(PlanRefusal::AlreadyMarked { step, by: outcome.by.clone(), at: outcome.at });
        }
        if !done && note.trim().is_empty() {
            return Err(PlanRefusal::SkipNeedsNote { step });
        }
        if run.step.who == Party::Lead && role != Role::Lead {
            return Err(PlanRefusal::LeadsStep { step });
        }
        Ok(())
    }

    /// Records what became of `step` (checked by `check_mark` when it was decided).
    pub fn mark(&mut self, step: usize, outcome: StepOutcome) {
        if let Some(run) = step.checked_sub(1).and_then(|i| self.steps.get_mut(i)) {
            run.outcome = Some(outcome);
        }
    }

    /// The steps that ring at `now` (near or past their limit, not yet marked), and the
    /// next instant at which that changes.
    pub fn alarms(&self, now: DateTime<Utc>) -> (Vec<StepAlarm>, Option<DateTime<Utc>>) {
        let mut next: Option<DateTime<Utc>> = None;
        let mut later = |at: DateTime<Utc>| next = Some(next.map_or(at, |n| n.min(at)));
        let mut alarms = Vec::new();
        for (i, run) in self.steps.iter().enumerate() {
            let (Some(due), Some(within), None) =
                (run.due(self.started_at), run.step.within_minutes, &run.outcome)
            else {
                continue;
            };
            let warn_at = due - warning(within);
            let level = if now >= due {
                AlarmLevel::Breached
            } else if now >= warn_at {
                later(due);
                AlarmLevel::DueSoon
            } else {
                later(warn_at);
                continue;
            };
            alarms.push(StepAlarm { step: i + 1, due, level });
        }
        (alarms, next)
    }

    /// Steps marked after their limit, or still open past it at `now`.
    pub fn late_steps(&self, now: DateTime<Utc>) -> Vec<usize> {
        self.steps
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                s.due(self.started_at).is_some_and(|due| s.outcome.as_ref().map_or(now, |o| o.at) > due)
            })
            .map(|(i, _)| i + 1)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(minute: i64) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-25T02:00:00Z").unwrap().with_timezone(&Utc)
            + Duration::minutes(minute)
    }

    fn plan() -> Plan {
        let step =
            |title: &str, who, within_minutes| StepTemplate { title: title.into(), who, within_minutes };
        Plan {
            id: "intrusion".into(),
            name: "入侵".into(),
            classes: vec![EventClass::Attack],
            areas: vec![FaultArea::NetworkDevice],
            words: vec!["入侵".into(), "intrusion".into()],
            steps: vec![
                step("断开受影响主机", Party::Duty, None),
                step("报告安全领导小组", Party::Duty, Some(5)),
                step("决定是否停机", Party::Lead, Some(30)),
                step("厂商取证", Party::Vendor, None),
            ],
        }
    }

    fn outcome(done: bool, minute: i64) -> StepOutcome {
        StepOutcome {
            done,
            note: if done { String::new() } else { "n/a".into() },
            by: "alice".into(),
            at: at(minute),
        }
    }

    #[test]
    fn suggestions_follow_class_area_and_words() {
        let mut power = plan();
        power.id = "power".into();
        power.classes = vec![EventClass::Disaster];
        power.areas = vec![];
        power.words = vec!["停电".into()];
        let plans = vec![plan(), power];
        let ids = |s: Vec<&Plan>| s.into_iter().map(|p| p.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(suggest(&plans, EventClass::Attack, FaultArea::System, "x")), ["intrusion"]);
        assert_eq!(ids(suggest(&plans, EventClass::Fault, FaultArea::System, "机房停电")), ["power"]);
        assert_eq!(
            ids(suggest(&plans, EventClass::Disaster, FaultArea::NetworkDevice, "Intrusion attempt")),
            ["intrusion", "power"]
        );
        assert!(suggest(&plans, EventClass::Fault, FaultArea::Database, "slow").is_empty());
    }

    #[test]
    fn steps_are_marked_once_skips_say_why_and_a_leads_step_is_a_leads() {
        let mut run = plan().run(at(0), "alice");
        assert_eq!(
            run.check_mark(0, true, "", Role::Operator),
            Err(PlanRefusal::NoStep { step: 0, steps: 4 })
        );
        assert_eq!(
            run.check_mark(5, true, "", Role::Operator),
            Err(PlanRefusal::NoStep { step: 5, steps: 4 })
        );
        assert_eq!(
            run.check_mark(1, false, " ", Role::Operator),
            Err(PlanRefusal::SkipNeedsNote { step: 1 })
        );
        assert_eq!(run.check_mark(3, true, "", Role::Operator), Err(PlanRefusal::LeadsStep { step: 3 }));
        assert_eq!(run.check_mark(3, true, "", Role::Lead), Ok(()));
        run.mark(1, outcome(true, 1));
        assert_eq!(
            run.check_mark(1, true, "", Role::Lead),
            Err(PlanRefusal::AlreadyMarked { step: 1, by: "alice".into(), at: at(1) })
        );
        run.mark(2, outcome(true, 2));
        run.mark(3, outcome(true, 3));
        assert!(!run.finished());
        run.mark(4, outcome(false, 4));
        assert!(run.finished());
    }

    #[test]
    fn a_step_rings_near_and_past_its_limit_until_it_is_marked() {
        let mut run = plan().run(at(0), "alice");
        // Five minutes: warned a minute before; thirty: six minutes before.
        assert_eq!(run.alarms(at(3)), (vec![], Some(at(4))));
        let (alarms, next) = run.alarms(at(4));
        assert_eq!(alarms, vec![StepAlarm { step: 2, due: at(5), level: AlarmLevel::DueSoon }]);
        assert_eq!(next, Some(at(5)));
        let (alarms, next) = run.alarms(at(6));
        assert_eq!(alarms, vec![StepAlarm { step: 2, due: at(5), level: AlarmLevel::Breached }]);
        assert_eq!(next, Some(at(24)));
        assert_eq!(run.late_steps(at(6)), vec![2]);
        run.mark(2, outcome(true, 7));
        assert_eq!(run.alarms(at(7)), (vec![], Some(at(24))));
        assert_eq!(run.late_steps(at(8)), vec![2], "done after its limit: still late");
        run.mark(3, outcome(true, 20));
        assert_eq!(run.alarms(at(100)), (vec![], None));
    }

    proptest! {
        /// Whatever order steps are marked in, each is marked once, the run is finished
        /// exactly when all are, and a marked step never rings.
        #[test]
        fn marking_in_any_order(order in Just((1..=4usize).collect::<Vec<_>>()).prop_shuffle(), now in 0i64..100) {
            let mut run = plan().run(at(0), "alice");
            for (n, step) in order.iter().enumerate() {
                prop_assert!(!run.finished());
                prop_assert!(run.check_mark(*step, true, "", Role::Lead).is_ok());
                run.mark(*step, outcome(true, n as i64));
                prop_assert!(run.check_mark(*step, true, "", Role::Lead).is_err());
                let (alarms, _) = run.alarms(at(now));
                prop_assert!(alarms.iter().all(|a| a.step != *step));
            }
            prop_assert!(run.finished());
            prop_assert!(run.alarms(at(now)).0.is_empty());
        }
    }
}
