//! The rules of the job, without I/O: clocks, transitions, the contract counter, and
//! property tests over random command sequences.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use duty::domain::contract::{ContractPeriod, contract_counter};
use duty::domain::incident::{Context, EventMeta, FaultReportForm, NewIncident, apply, decide};
use duty::domain::sla::{ClockName, ClockState, SlaPolicy, clocks};
use duty::domain::{
    CallTarget, DomainError, EventClass, FaultArea, Incident, IncidentCommand as C, IncidentId, Operator,
    PauseReason, Role, Severity, Source, State,
};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 0, 30, 0).unwrap()
}

fn min(m: i64) -> Duration {
    Duration::minutes(m)
}

fn alice() -> Operator {
    Operator { id: "alice".into(), name: "Alice".into(), role: Role::Operator }
}

fn lead() -> Operator {
    Operator { id: "lead".into(), name: "Lead".into(), role: Role::Lead }
}

fn new_incident(severity: Severity, class: EventClass, onsite: bool) -> NewIncident {
    NewIncident {
        title: "central DB unreachable".into(),
        description: String::new(),
        severity,
        class,
        area: FaultArea::Database,
        hosts: vec!["central-db".into()],
        source: Source::Operator,
        reported_at: t0(),
        onsite_required: onsite,
        source_ref: None,
    }
}

/// Decides and applies a command at `at`, as the store would.
fn step(
    incident: Option<Incident>,
    command: C,
    actor: &Operator,
    at: DateTime<Utc>,
) -> Result<Incident, DomainError> {
    let ctx = Context { actor, occurred_at: at, now: at, claim: None };
    let id = IncidentId("GZ-20261121-001".into());
    let events = decide(incident.as_ref(), &command, &ctx, Some(&id))?;
    let mut current = incident;
    for event in &events {
        let meta = EventMeta { actor: &actor.id, occurred_at: at, recorded_at: at };
        current = Some(apply(current, event, &meta).expect("decided events apply"));
    }
    Ok(current.unwrap())
}

fn opened(severity: Severity, class: EventClass, onsite: bool) -> Incident {
    step(None, C::Open(new_incident(severity, class, onsite)), &alice(), t0()).unwrap()
}

fn clock(
    incident: &Incident,
    policy: &SlaPolicy,
    name: ClockName,
    now: DateTime<Utc>,
) -> duty::domain::sla::Clock {
    clocks(incident, policy, now)
        .into_iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no {name:?} clock"))
}

/// An ordinary fault acknowledged by alice `minutes` after the report.
fn acked(minutes: i64) -> Incident {
    step(
        Some(opened(Severity::Ordinary, EventClass::Fault, false)),
        C::Acknowledge,
        &alice(),
        t0() + min(minutes),
    )
    .unwrap()
}

/// Pauses the resolution clock `minutes` after the report.
fn pause(incident: Incident, reason: PauseReason, minutes: i64) -> Incident {
    step(Some(incident), C::Pause { reason }, &alice(), t0() + min(minutes)).unwrap()
}

fn resolve() -> C {
    C::Resolve { cause: "disk full".into(), solution: "cleaned the archive logs".into() }
}

fn report_form() -> C {
    C::FileReport(FaultReportForm {
        description: "central DB refused connections".into(),
        cause: None,
        process: "checked listener, cleaned logs".into(),
        solution: None,
        measures: "alert on archive log use at 80%".into(),
        area: None,
    })
}

/// A run of a two-step plan (the second step the lead's, within five minutes).
fn plan_run() -> duty::domain::plan::PlanRun {
    use duty::domain::plan::{Party, Plan, StepTemplate};
    let step = |title: &str, who, within_minutes| StepTemplate { title: title.into(), who, within_minutes };
    let plan = Plan {
        id: "network".into(),
        name: "网络故障".into(),
        classes: vec![EventClass::Fault],
        areas: vec![],
        words: vec![],
        steps: vec![step("切换备用线路", Party::Duty, None), step("报告", Party::Lead, Some(5))],
    };
    plan.run(t0(), "lead")
}

/// One of every command, with each pause reason and both call outcomes.
fn all_commands() -> Vec<C> {
    vec![
        C::StartPlan { run: plan_run() },
        C::MarkStep { step: 1, done: true, note: String::new() },
        C::MarkStep { step: 2, done: false, note: "the lead reported it by phone".into() },
        C::Acknowledge,
        C::ArriveOnSite,
        C::Note { text: "called the user".into() },
        C::Escalate { vendor: "Oracle".into(), note: String::new() },
        C::Call { callee: CallTarget::DutyLead, name: "Li".into(), answered: true, note: String::new() },
        C::Call {
            callee: CallTarget::SecurityGroup,
            name: "Wang".into(),
            answered: false,
            note: String::new(),
        },
        C::Call {
            callee: CallTarget::SecurityGroup,
            name: "Wang".into(),
            answered: true,
            note: String::new(),
        },
        C::Pause { reason: PauseReason::Vendor },
        C::Pause { reason: PauseReason::SpareParts },
        C::Pause { reason: PauseReason::User },
        C::Resume,
        resolve(),
        report_form(),
        C::Close { note: String::new() },
        C::HandOver { to: "alice".into(), note: "at the shift handover".into() },
        C::TakeOver { handover: "handover@20261121-night".into() },
        C::Correct {
            correction: duty::domain::incident::Correction::Severity(Severity::Critical),
            reason: "the whole database is down, not one table".into(),
        },
        C::MarkProblem { note: "root cause unknown".into() },
        C::Confirm(duty::domain::confirmation::Confirmation {
            by: "Zhang".into(),
            how: duty::domain::confirmation::ConfirmedHow::Phone,
            rating: Some(duty::domain::confirmation::Rating::Satisfied),
            note: String::new(),
        }),
    ]
}

mod clocks_rules {
    use super::*;

    #[test]
    fn response_runs_thirty_minutes_from_the_report() {
        let inc = opened(Severity::Ordinary, EventClass::Fault, false);
        let p = SlaPolicy::default();
        let c = clock(&inc, &p, ClockName::Response, t0() + min(5));
        assert_eq!(c.due_at, Some(t0() + min(30)));
        assert_eq!(c.remaining, Some(min(25)));
        assert_eq!(c.state, ClockState::Running);
        assert_eq!(clock(&inc, &p, ClockName::Response, t0() + min(21)).state, ClockState::DueSoon);
        assert_eq!(clock(&inc, &p, ClockName::Response, t0() + min(30)).state, ClockState::DueSoon);
        let late = clock(&inc, &p, ClockName::Response, t0() + min(31));
        assert_eq!(late.state, ClockState::Breached);
        assert_eq!(late.remaining, Some(min(-1)));
    }

    #[test]
    fn response_met_on_time_and_met_late() {
        let p = SlaPolicy::default();
        let on_time = acked(30);
        let c = clock(&on_time, &p, ClockName::Response, t0() + min(90));
        assert_eq!((c.state, c.remaining), (ClockState::Met, Some(Duration::zero())));
        let late = acked(45);
        let c = clock(&late, &p, ClockName::Response, t0() + min(90));
        assert_eq!(
            (c.state, c.remaining, c.stopped_at),
            (ClockState::MetLate, Some(min(-15)), Some(t0() + min(45)))
        );
    }

    #[test]
    fn resolution_limit_follows_severity() {
        let p = SlaPolicy::default();
        for (severity, hours) in [(Severity::Ordinary, 4), (Severity::Serious, 12), (Severity::Critical, 24)]
        {
            let inc = opened(severity, EventClass::Fault, false);
            let c = clock(&inc, &p, ClockName::Resolution, t0());
            assert_eq!(c.due_at, Some(t0() + Duration::hours(hours)), "{severity:?}");
        }
    }

    #[test]
    fn onsite_clock_starts_at_the_response_and_only_when_needed() {
        let p = SlaPolicy::default();
        let without = opened(Severity::Serious, EventClass::Fault, false);
        assert!(clocks(&without, &p, t0()).iter().all(|c| c.name != ClockName::OnSite));
        let inc = opened(Severity::Serious, EventClass::Fault, true);
        assert_eq!(clock(&inc, &p, ClockName::OnSite, t0()).state, ClockState::Pending);
        let acked = step(Some(inc), C::Acknowledge, &alice(), t0() + min(10)).unwrap();
        let c = clock(&acked, &p, ClockName::OnSite, t0() + min(10));
        assert_eq!(c.due_at, Some(t0() + min(130)));
        let there = step(Some(acked), C::ArriveOnSite, &alice(), t0() + min(140)).unwrap();
        assert_eq!(there.state, State::OnSite);
        assert_eq!(clock(&there, &p, ClockName::OnSite, t0() + min(200)).state, ClockState::MetLate);
    }

    #[test]
    fn report_clock_runs_24_hours_from_resolution() {
        let p = SlaPolicy::default();
        let inc = opened(Severity::Ordinary, EventClass::Fault, false);
        assert_eq!(clock(&inc, &p, ClockName::Report, t0()).state, ClockState::Pending);
        let inc = step(Some(inc), C::Acknowledge, &alice(), t0() + min(5)).unwrap();
        let inc = step(Some(inc), resolve(), &alice(), t0() + min(60)).unwrap();
        assert_eq!(clock(&inc, &p, ClockName::Resolution, t0() + min(60)).state, ClockState::Met);
        let c = clock(&inc, &p, ClockName::Report, t0() + min(60));
        assert_eq!((c.state, c.due_at), (ClockState::Running, Some(t0() + min(60) + Duration::hours(24))));
        assert_eq!(clock(&inc, &p, ClockName::Report, t0() + Duration::hours(22)).state, ClockState::DueSoon);
        assert_eq!(
            clock(&inc, &p, ClockName::Report, t0() + Duration::hours(26)).state,
            ClockState::Breached
        );
    }

    #[test]
    fn optional_confirm_rule_is_met_by_the_acknowledgement() {
        let p = SlaPolicy { confirm: Some(min(10)), ..SlaPolicy::default() };
        let inc = opened(Severity::Ordinary, EventClass::Fault, false);
        assert!(clocks(&inc, &SlaPolicy::default(), t0()).iter().all(|c| c.name != ClockName::Confirm));
        assert_eq!(clock(&inc, &p, ClockName::Confirm, t0() + min(11)).state, ClockState::Breached);
        let acked = step(Some(inc), C::Acknowledge, &alice(), t0() + min(8)).unwrap();
        assert_eq!(clock(&acked, &p, ClockName::Confirm, t0() + min(11)).state, ClockState::Met);
    }

    #[test]
    fn optional_security_rule_needs_an_answered_call_for_attacks_only() {
        let p = SlaPolicy { security_report: Some(min(5)), ..SlaPolicy::default() };
        let fault = opened(Severity::Serious, EventClass::Fault, false);
        assert!(clocks(&fault, &p, t0()).iter().all(|c| c.name != ClockName::SecurityReport));
        let attack = opened(Severity::Serious, EventClass::Attack, false);
        let call = |answered| C::Call {
            callee: CallTarget::SecurityGroup,
            name: "Wang".into(),
            answered,
            note: String::new(),
        };
        let unanswered = step(Some(attack), call(false), &alice(), t0() + min(2)).unwrap();
        assert_eq!(
            clock(&unanswered, &p, ClockName::SecurityReport, t0() + min(3)).state,
            ClockState::DueSoon
        );
        let answered = step(Some(unanswered), call(true), &alice(), t0() + min(4)).unwrap();
        let c = clock(&answered, &p, ClockName::SecurityReport, t0() + min(10));
        assert_eq!((c.state, c.stopped_at), (ClockState::Met, Some(t0() + min(4))));
    }

    #[test]
    fn pause_stops_the_resolution_clock_and_only_it() {
        let p = SlaPolicy::default();
        let inc = acked(40);
        let paused = pause(inc, PauseReason::Vendor, 60);
        let at = t0() + min(120);
        let c = clock(&paused, &p, ClockName::Resolution, at);
        assert_eq!(c.state, ClockState::Paused);
        assert_eq!(c.paused_reason, Some(PauseReason::Vendor));
        assert_eq!(c.paused_total, min(60));
        assert_eq!(c.remaining, Some(Duration::hours(4) - min(60)), "remaining frozen at the pause");
        assert_eq!(
            clock(&paused, &p, ClockName::Response, at).state,
            ClockState::MetLate,
            "response never paused"
        );
        let resumed = step(Some(paused), C::Resume, &alice(), at).unwrap();
        let c = clock(&resumed, &p, ClockName::Resolution, at);
        assert_eq!((c.state, c.due_at), (ClockState::Running, Some(t0() + Duration::hours(4) + min(60))));
    }

    #[test]
    fn changing_the_pause_reason_does_not_double_count() {
        let p = SlaPolicy::default();
        let inc = acked(1);
        let inc = pause(inc, PauseReason::Vendor, 10);
        let inc = pause(inc, PauseReason::SpareParts, 40);
        let inc = pause(inc, PauseReason::User, 70);
        let inc = step(Some(inc), C::Resume, &alice(), t0() + min(100)).unwrap();
        let c = clock(&inc, &p, ClockName::Resolution, t0() + min(100));
        assert_eq!(c.paused_total, min(90));
        assert_eq!(inc.pauses.len(), 3);
        assert_eq!(c.due_at, Some(t0() + Duration::hours(4) + min(90)));
        let same = pause(inc.clone(), PauseReason::User, 101);
        assert_eq!(
            step(Some(same), C::Pause { reason: PauseReason::User }, &alice(), t0() + min(102)).unwrap_err(),
            DomainError::AlreadyPaused { reason: PauseReason::User }
        );
    }

    #[test]
    fn resolving_while_paused_ends_the_pause() {
        let p = SlaPolicy::default();
        let inc = acked(1);
        let inc = pause(inc, PauseReason::User, 30);
        let inc = step(Some(inc), resolve(), &alice(), t0() + min(90)).unwrap();
        let c = clock(&inc, &p, ClockName::Resolution, t0() + Duration::hours(10));
        assert_eq!((c.state, c.paused_total), (ClockState::Met, min(60)));
        assert!(inc.current_pause().is_none());
    }
}

mod contract {
    use super::*;

    fn acked_after(minutes: i64, day_offset: i64) -> Incident {
        let mut new = new_incident(Severity::Ordinary, EventClass::Fault, false);
        new.reported_at = t0() + Duration::days(day_offset);
        let inc = step(None, C::Open(new), &alice(), t0() + Duration::days(day_offset)).unwrap();
        step(Some(inc), C::Acknowledge, &alice(), t0() + Duration::days(day_offset) + min(minutes)).unwrap()
    }

    #[test]
    fn two_late_responses_make_one_breach() {
        let p = SlaPolicy::default();
        let period = ContractPeriod {
            start: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            end: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
        };
        let tz = chrono_tz::Asia::Shanghai;
        let now = t0() + Duration::days(3);
        let mut incidents = vec![acked_after(10, 0), acked_after(31, 0)];
        let c = contract_counter(&incidents, &p, period, tz, now);
        assert_eq!((c.incidents, c.late_responses, c.breaches, c.penalty_percent), (2, 1, 0, 0));
        assert!(c.next_late_is_breach);
        // Never acknowledged and past due counts as late too.
        let mut waiting = new_incident(Severity::Ordinary, EventClass::Fault, false);
        waiting.reported_at = t0() + Duration::days(1);
        incidents.push(step(None, C::Open(waiting), &alice(), t0() + Duration::days(1)).unwrap());
        incidents.push(acked_after(90, 2));
        let c = contract_counter(&incidents, &p, period, tz, now);
        assert_eq!((c.late_responses, c.breaches, c.penalty_percent), (3, 1, 5));
        assert!(c.next_late_is_breach);
        // Outside the period: not counted. 2026-12-31 is inside; 2027-01-05 is not.
        incidents.push(acked_after(200, 45));
        let c = contract_counter(&incidents, &p, period, tz, now + Duration::days(45));
        assert_eq!((c.incidents, c.late_responses), (4, 3));
    }
}

mod transitions {
    use super::*;

    /// An incident brought to `state` by the normal path.
    fn in_state(state: State) -> Incident {
        let mut inc = opened(Severity::Serious, EventClass::Fault, true);
        let path = [
            (State::Acknowledged, C::Acknowledge),
            (State::OnSite, C::ArriveOnSite),
            (State::Resolved, resolve()),
            (State::Reported, report_form()),
            (State::Closed, C::Close { note: "reviewed".into() }),
        ];
        let mut at = t0();
        for (reached, command) in path {
            if inc.state == state {
                break;
            }
            at += min(10);
            inc = step(Some(inc), command, &lead(), at).unwrap();
            assert_eq!(inc.state, reached);
        }
        assert_eq!(inc.state, state);
        inc
    }

    /// Which commands each state allows (Resume needs a pause, so it is refused everywhere here).
    fn allowed(state: State, command: &C) -> bool {
        use State as S;
        match command {
            C::Acknowledge => state == S::Open,
            C::ArriveOnSite => state == S::Acknowledged,
            C::Note { .. } | C::Call { .. } => state != S::Closed,
            C::Escalate { .. } => matches!(state, S::Open | S::Acknowledged | S::OnSite),
            C::Pause { .. } => matches!(state, S::Acknowledged | S::OnSite),
            C::Resume => false,
            C::Resolve { .. } => matches!(state, S::Acknowledged | S::OnSite),
            C::FileReport(_) => state == S::Resolved,
            C::Close { .. } => state == S::Reported,
            C::MarkProblem { .. } => !matches!(state, S::Open | S::Closed),
            // Only an incident someone owns can be passed on.
            C::HandOver { .. } => !matches!(state, S::Open | S::Closed),
            // The owner (here the lead who acted) has nothing to take over.
            C::TakeOver { .. } => false,
            C::Correct { .. } => state != S::Closed,
            // The requester's word comes once the fault is resolved, even after the close.
            C::Confirm(_) => matches!(state, S::Resolved | S::Reported | S::Closed),
            C::Open(_) => false,
            C::StartPlan { .. } => state != S::Closed,
            // No plan runs on these incidents.
            C::MarkStep { .. } => false,
        }
    }

    #[test]
    fn the_incoming_engineer_takes_over_an_owned_incident_and_nothing_else() {
        let take = || C::TakeOver { handover: "handover@20261121-night".into() };
        let owned = in_state(State::Acknowledged);
        let taken = step(Some(owned), take(), &alice(), t0() + Duration::hours(2)).unwrap();
        assert_eq!(taken.owner.as_deref(), Some("alice"));
        // Nobody owns an open incident: there is nothing to take over.
        assert!(step(Some(in_state(State::Open)), take(), &alice(), t0() + Duration::hours(2)).is_err());
        assert!(step(Some(in_state(State::Closed)), take(), &alice(), t0() + Duration::hours(2)).is_err());
    }

    #[test]
    fn a_correction_replaces_a_fact_says_what_it_was_and_moves_the_clocks() {
        use duty::domain::incident::Correction;
        let inc = opened(Severity::Serious, EventClass::Fault, false);
        let now = t0() + min(40);
        let decided = |command: &C, actor: &Operator| {
            let ctx = Context { actor, occurred_at: now, now, claim: None };
            decide(Some(&inc), command, &ctx, Some(&inc.id))
        };
        // Reported at t0 by alice; the response clock runs from there.
        let later = t0() + min(20);
        let correct =
            |at| C::Correct { correction: Correction::ReportedAt(at), reason: "typed the wrong time".into() };
        let events = decided(&correct(later), &alice()).unwrap();
        let duty::domain::IncidentEvent::Corrected { replaces, .. } = &events[0] else {
            panic!("a correction")
        };
        assert_eq!(replaces, &Correction::ReportedAt(t0()));
        let corrected = step(Some(inc.clone()), correct(later), &alice(), now).unwrap();
        assert_eq!(corrected.reported_at, later);
        let policy = SlaPolicy::default();
        assert_eq!(clock(&inc, &policy, ClockName::Response, now).state, ClockState::Breached);
        assert_ne!(clock(&corrected, &policy, ClockName::Response, now).state, ClockState::Breached);
        // Not after now, not by someone who neither reported it nor leads, not to the same value.
        assert!(decided(&correct(t0() + min(50)), &alice()).is_err());
        let bob = Operator { id: "bob".into(), name: "Bob".into(), role: Role::Operator };
        assert!(matches!(decided(&correct(later), &bob), Err(DomainError::LeadOnly { command: "correct" })));
        assert!(decided(&correct(later), &lead()).is_ok());
        assert!(matches!(
            decided(&correct(t0()), &alice()),
            Err(DomainError::NothingToCorrect { field: "reported_at" })
        ));
        // Severity is anyone's to correct, and the resolution clock follows it.
        let severity =
            C::Correct { correction: Correction::Severity(Severity::Critical), reason: "all down".into() };
        let critical = step(Some(inc.clone()), severity, &bob, now).unwrap();
        assert_eq!(critical.severity, Severity::Critical);
    }

    #[test]
    fn every_command_in_every_state() {
        for state in State::ALL.iter().copied() {
            for command in all_commands() {
                let result = step(Some(in_state(state)), command.clone(), &lead(), t0() + Duration::hours(2));
                assert_eq!(
                    result.is_ok(),
                    allowed(state, &command),
                    "{} in {state:?}: {result:?}",
                    command.name()
                );
            }
        }
    }

    #[test]
    fn illegal_transition_says_what_and_where() {
        let err = step(Some(in_state(State::Open)), resolve(), &alice(), t0() + min(5)).unwrap_err();
        assert_eq!(err, DomainError::NotAllowed { command: "resolve", state: State::Open });
        assert_eq!(err.to_string(), "cannot resolve an incident that is open");
        assert_eq!(duty::i18n::domain_error(&err, duty::i18n::Lang::Zh), "不能解决处于“待响应”状态的事件");
    }

    #[test]
    fn second_ack_names_the_first_responder() {
        let first = step(Some(in_state(State::Open)), C::Acknowledge, &lead(), t0() + min(3)).unwrap();
        assert_eq!(first.owner.as_deref(), Some("lead"));
        let err = step(Some(first), C::Acknowledge, &alice(), t0() + min(4)).unwrap_err();
        assert_eq!(err, DomainError::AlreadyAcknowledged { by: "lead".into(), at: t0() + min(3) });
    }

    #[test]
    fn only_a_lead_closes_and_becomes_the_reviewer() {
        let reported = in_state(State::Reported);
        let err = step(
            Some(reported.clone()),
            C::Close { note: String::new() },
            &alice(),
            t0() + Duration::hours(1),
        )
        .unwrap_err();
        assert_eq!(err, DomainError::LeadOnly { command: "close" });
        let closed =
            step(Some(reported), C::Close { note: String::new() }, &lead(), t0() + Duration::hours(1))
                .unwrap();
        assert_eq!(closed.reviewer.as_deref(), Some("lead"));
    }

    #[test]
    fn fault_report_takes_cause_and_solution_from_the_resolution_and_marks_problems_unresolved() {
        let resolved = in_state(State::Resolved);
        let problem = step(
            Some(resolved.clone()),
            C::MarkProblem { note: "recurs".into() },
            &alice(),
            t0() + Duration::hours(1),
        )
        .unwrap();
        for (inc, resolved_flag) in [(resolved, true), (problem, false)] {
            let reported = step(Some(inc), report_form(), &alice(), t0() + Duration::hours(2)).unwrap();
            let report = reported.fault_report.unwrap();
            assert_eq!(report.cause, "disk full");
            assert_eq!(report.solution, "cleaned the archive logs");
            assert_eq!(report.area, FaultArea::Database);
            assert_eq!(report.reporter, "alice");
            assert_eq!(report.resolved, resolved_flag);
        }
    }

    #[test]
    fn times_must_be_plausible() {
        let open = in_state(State::Open);
        let ctx = Context { actor: &alice(), occurred_at: t0() + min(60), now: t0(), claim: None };
        assert!(matches!(
            decide(Some(&open), &C::Acknowledge, &ctx, None),
            Err(DomainError::InFuture { .. })
        ));
        let err = step(Some(open.clone()), C::Acknowledge, &alice(), t0() - min(1)).unwrap_err();
        assert!(matches!(err, DomainError::BeforePrevious { .. }));
        let acked = step(Some(open), C::Acknowledge, &alice(), t0() + min(20)).unwrap();
        let err = step(Some(acked.clone()), resolve(), &alice(), t0() + min(19)).unwrap_err();
        assert_eq!(err, DomainError::BeforePrevious { at: t0() + min(19), previous: t0() + min(20) });
        // A note may be dated back to the report, not before.
        assert!(
            step(Some(acked.clone()), C::Note { text: "earlier call".into() }, &alice(), t0() + min(1))
                .is_ok()
        );
    }

    #[test]
    fn empty_and_oversized_text_is_refused() {
        let open = in_state(State::Open);
        assert_eq!(
            step(Some(open.clone()), C::Note { text: "  ".into() }, &alice(), t0()).unwrap_err(),
            DomainError::Empty { field: "note" }
        );
        let huge = "x".repeat(duty::domain::incident::TEXT_MAX + 1);
        assert!(matches!(
            step(Some(open), C::Note { text: huge }, &alice(), t0()).unwrap_err(),
            DomainError::TooLong { field: "note", .. }
        ));
        let mut new = new_incident(Severity::Ordinary, EventClass::Fault, false);
        new.title = String::new();
        assert_eq!(
            step(None, C::Open(new), &alice(), t0()).unwrap_err(),
            DomainError::Empty { field: "title" }
        );
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn command_strategy() -> impl Strategy<Value = C> {
        prop::sample::select(all_commands())
    }

    fn check_invariants(inc: &Incident) {
        use State as S;
        let reached = |s: State| inc.state as u8 >= s as u8;
        assert_eq!(inc.acknowledged_at.is_some(), reached(S::Acknowledged));
        assert_eq!(inc.owner.is_some(), reached(S::Acknowledged));
        assert_eq!(inc.resolved_at.is_some(), reached(S::Resolved));
        assert_eq!(inc.report_filed_at.is_some(), reached(S::Reported));
        assert_eq!(inc.closed_at.is_some(), inc.state == S::Closed);
        assert_eq!(inc.fault_report.is_some(), reached(S::Reported));
        // Only the last plan may have steps left; every marked step has who and when.
        if let Some((_, earlier)) = inc.plans.split_last() {
            assert!(earlier.iter().all(|p| p.finished()));
        }
        for step in inc.plans.iter().flat_map(|p| &p.steps) {
            assert!(step.outcome.as_ref().is_none_or(|o| !o.by.is_empty() && (o.done || !o.note.is_empty())));
        }
        // The requester confirms only what was resolved.
        if inc.confirmation.is_some() {
            assert!(inc.resolved_at.is_some());
        }
        if inc.onsite_at.is_some() {
            assert!(reached(S::OnSite));
        }
        // Pauses are ordered, never overlap, and only the last may be open, only while active.
        for pair in inc.pauses.windows(2) {
            assert!(pair[0].until.is_some_and(|u| u <= pair[1].from));
        }
        if inc.current_pause().is_some() {
            assert!(inc.is_active());
        }
        // Lifecycle times never go backwards.
        let times: Vec<_> = [
            Some(inc.reported_at),
            inc.acknowledged_at,
            inc.onsite_at,
            inc.resolved_at,
            inc.report_filed_at,
            inc.closed_at,
        ]
        .into_iter()
        .flatten()
        .collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        /// Any sequence of commands at any times, refused or not, leaves a legal
        /// incident; and no clock's due time ever moves backwards.
        #[test]
        fn any_command_sequence_keeps_the_incident_legal(
            severity in prop::sample::select(Severity::ALL.to_vec()),
            class in prop::sample::select(EventClass::ALL.to_vec()),
            onsite in any::<bool>(),
            steps in prop::collection::vec((command_strategy(), -30i64..240, any::<bool>()), 1..40),
        ) {
            let policy = SlaPolicy { confirm: Some(min(10)), security_report: Some(min(5)), ..SlaPolicy::default() };
            let mut inc = opened(severity, class, onsite);
            let mut now = t0();
            // A due time shown while a clock stands paused is provisional (a back-dated
            // resume settles it); a due time shown as fixed must never move back.
            let mut previous_due: std::collections::HashMap<ClockName, (DateTime<Utc>, ClockState)> = Default::default();
            for (command, offset_min, as_lead) in steps {
                let at = now + min(offset_min);
                now = now.max(at);
                let actor = if as_lead { lead() } else { alice() };
                let ctx = Context { actor: &actor, occurred_at: at, now, claim: None };
                if let Ok(events) = decide(Some(&inc), &command, &ctx, None) {
                    prop_assert!(!events.is_empty());
                    for event in &events {
                        let meta = EventMeta { actor: &actor.id, occurred_at: at, recorded_at: now };
                        inc = apply(Some(inc), event, &meta).unwrap();
                    }
                }
                check_invariants(&inc);
                for c in clocks(&inc, &policy, now) {
                    if let Some(due) = c.due_at
                        && let Some((before, state)) = previous_due.insert(c.name, (due, c.state))
                    {
                        prop_assert!(
                            state == ClockState::Paused || due >= before,
                            "{:?} moved back from {} to {}", c.name, before, due
                        );
                    }
                }
            }
        }

        /// While running, remaining time falls exactly as the wall clock moves.
        #[test]
        fn remaining_falls_with_the_clock(seconds in 0i64..100_000) {
            let inc = opened(Severity::Critical, EventClass::Fault, false);
            let p = SlaPolicy::default();
            let start = clock(&inc, &p, ClockName::Resolution, t0());
            let later = clock(&inc, &p, ClockName::Resolution, t0() + Duration::seconds(seconds));
            prop_assert_eq!(start.remaining.unwrap() - later.remaining.unwrap(), Duration::seconds(seconds));
            prop_assert_eq!(start.due_at, later.due_at);
        }
    }
}

/// A refused duty-log value says what would have been plausible, in both languages.
#[test]
fn an_implausible_room_value_is_refused_with_the_plausible_range() {
    use duty::domain::duty_log::{Entry, check};
    let entry = Entry::Environment { temperature: 250.0, humidity: 45.0, weather: String::new() };
    let refusal = check(&entry, duty::domain::duty_log::InShift::whole_day()).unwrap_err();
    let en = duty::i18n::domain_error(&refusal, duty::i18n::Lang::En);
    assert!(en.contains("250") && en.contains("plausible: -30 to 70 °C"), "{en}");
    let zh = duty::i18n::domain_error(&refusal, duty::i18n::Lang::Zh);
    assert!(zh.contains("合理范围 -30 至 70 °C"), "{zh}");
    let humid = check(
        &Entry::Environment { temperature: 22.0, humidity: 145.0, weather: String::new() },
        duty::domain::duty_log::InShift::whole_day(),
    )
    .unwrap_err();
    assert!(duty::i18n::domain_error(&humid, duty::i18n::Lang::En).contains("0 to 100 %"));
}

proptest::proptest! {
    /// Whatever time is claimed, by whom and with what reason: an accepted claim lies
    /// between the lead's limit (and the record's start) and a little ahead of now, an
    /// operator's within theirs, and one beyond the operator's limit is a lead's with a reason.
    #[test]
    fn a_claimed_time_is_taken_only_within_its_limits(
        back_minutes in -30i64..20_000,
        lead_claims: bool,
        reason in proptest::option::of("[ a-z]{0,8}"),
        began_minutes in proptest::option::of(0i64..20_000),
    ) {
        use duty::domain::incident::{ClaimLimits, ClaimRule};
        let now = t0();
        let at = now - min(back_minutes);
        let limits = ClaimLimits { operator: Duration::hours(2), lead: Duration::days(7), floor: began_minutes.map(|m| now - min(m)) };
        let rule = ClaimRule { limits, reason: reason.clone() };
        let actor = if lead_claims { lead() } else { alice() };
        if let Ok(beyond) = rule.check(at, now, &actor) {
            proptest::prop_assert!(at <= now + min(5));
            proptest::prop_assert!(now - at <= Duration::days(7));
            proptest::prop_assert!(limits.floor.is_none_or(|floor| at >= floor));
            proptest::prop_assert_eq!(beyond, now - at > Duration::hours(2));
            if beyond {
                proptest::prop_assert!(lead_claims && reason.is_some_and(|r| !r.trim().is_empty()));
            }
        } else {
            let allowed_span = (-5..=120).contains(&back_minutes);
            proptest::prop_assert!(!allowed_span || limits.floor.is_some_and(|floor| at < floor));
        }
    }
}

mod confirmation_rules {
    use super::*;
    use duty::domain::confirmation::{
        ConfirmRefusal, Confirmation, ConfirmedHow, Rating, Satisfaction, auto_due, timely,
    };

    fn word(by: &str, how: ConfirmedHow, rating: Option<Rating>, note: &str) -> C {
        C::Confirm(Confirmation { by: by.into(), how, rating, note: note.into() })
    }

    fn satisfied() -> C {
        word("Zhang (exchange office)", ConfirmedHow::Phone, Some(Rating::Satisfied), "")
    }

    /// Acknowledged 5 min after the report, resolved `minutes` after it.
    fn resolved(minutes: i64) -> Incident {
        step(Some(acked(5)), resolve(), &alice(), t0() + min(minutes)).unwrap()
    }

    fn refused(result: Result<Incident, DomainError>) -> ConfirmRefusal {
        match result {
            Err(DomainError::Confirm(why)) => why,
            other => panic!("expected a refused confirmation, got {other:?}"),
        }
    }

    fn engine() -> Operator {
        Operator { id: duty::domain::ENGINE_ACTOR.into(), name: "engine".into(), role: Role::Operator }
    }

    #[test]
    fn the_requesters_word_comes_after_the_resolution_with_who_how_and_a_rating() {
        let at = t0() + min(90);
        assert!(matches!(
            step(Some(acked(5)), satisfied(), &alice(), at),
            Err(DomainError::NotAllowed { command: "confirm", .. })
        ));
        let done = resolved(60);
        let try_word = |command: C| step(Some(done.clone()), command, &alice(), at);
        assert_eq!(
            refused(try_word(word(" ", ConfirmedHow::Phone, Some(Rating::Basic), ""))),
            ConfirmRefusal::NoRequester
        );
        assert_eq!(
            refused(try_word(word("Zhang", ConfirmedHow::OnSite, None, ""))),
            ConfirmRefusal::NoRating
        );
        assert_eq!(
            refused(try_word(word("Zhang", ConfirmedHow::Writing, Some(Rating::Dissatisfied), ""))),
            ConfirmRefusal::DissatisfiedWithoutNote
        );
        assert_eq!(refused(try_word(word("", ConfirmedHow::Auto, None, ""))), ConfirmRefusal::AutoByPerson);
        // Not dated before what it confirms.
        assert!(matches!(
            step(Some(done.clone()), satisfied(), &alice(), t0() + min(30)),
            Err(DomainError::BeforePrevious { .. })
        ));
        let confirmed = try_word(satisfied()).unwrap();
        let kept = confirmed.confirmation.clone().unwrap();
        assert_eq!(
            (kept.recorded_by.as_str(), kept.at, kept.confirmation.rating),
            ("alice", at, Some(Rating::Satisfied))
        );
        assert_eq!(confirmed.state, State::Resolved, "the word changes no state");
        // Once.
        assert!(matches!(
            refused(step(Some(confirmed), satisfied(), &alice(), at + min(1))),
            ConfirmRefusal::AlreadyConfirmed { .. }
        ));
        // A closed incident still takes it (the word may come after the review).
        let reported = step(Some(done), report_form(), &alice(), t0() + min(100)).unwrap();
        let closed =
            step(Some(reported), C::Close { note: String::new() }, &lead(), t0() + min(110)).unwrap();
        let late_word = word("Zhang", ConfirmedHow::Writing, Some(Rating::Dissatisfied), "took too long");
        assert!(step(Some(closed), late_word, &alice(), t0() + min(200)).unwrap().confirmation.is_some());
    }

    #[test]
    fn the_sites_rule_confirms_after_its_days_unrated_and_only_it_does() {
        let done = resolved(60);
        let days = Duration::days(7);
        assert!(!auto_due(&done, days, t0() + min(60) + days - min(1)));
        let due_at = t0() + min(60) + days;
        assert!(auto_due(&done, days, due_at));
        let rated = word("", ConfirmedHow::Auto, Some(Rating::Satisfied), "");
        assert_eq!(refused(step(Some(done.clone()), rated, &engine(), due_at)), ConfirmRefusal::AutoRated);
        let by_rule = step(Some(done), word("", ConfirmedHow::Auto, None, ""), &engine(), due_at).unwrap();
        assert!(!auto_due(&by_rule, days, due_at + days), "confirmed once");
        let tally = Satisfaction::of([&by_rule]);
        assert_eq!((tally.auto, tally.rated(), tally.rate()), (1, 0, None), "the rule rates nothing");
    }

    #[test]
    fn satisfaction_and_timely_handling_are_measured_against_their_targets() {
        let rate = |ratings: &[Rating]| {
            let incidents: Vec<Incident> = ratings
                .iter()
                .map(|r| {
                    let note = if *r == Rating::Dissatisfied { "slow" } else { "" };
                    step(
                        Some(resolved(60)),
                        word("Zhang", ConfirmedHow::Phone, Some(*r), note),
                        &alice(),
                        t0() + min(90),
                    )
                    .unwrap()
                })
                .chain([resolved(60)])
                .collect();
            Satisfaction::of(&incidents)
        };
        let three = rate(&[Rating::Satisfied, Rating::Basic, Rating::Dissatisfied]);
        assert_eq!((three.rated(), three.waiting), (3, 1));
        assert_eq!(three.meets_target(), Some(false));
        let mut ten = vec![Rating::Satisfied; 8];
        ten.extend([Rating::Basic, Rating::Dissatisfied]);
        let ten = rate(&ten);
        assert_eq!((ten.rate(), ten.meets_target()), (Some(90.0), Some(true)));

        let policy = SlaPolicy::default();
        let now = t0() + min(120);
        assert_eq!(timely(&clocks(&acked(5), &policy, now)), None, "not resolved yet: not decided");
        assert_eq!(timely(&clocks(&resolved(60), &policy, now)), None, "its fault report is still to come");
        let reported = step(Some(resolved(60)), report_form(), &alice(), t0() + min(70)).unwrap();
        assert_eq!(timely(&clocks(&reported, &policy, now)), Some(true), "every clock met on time");
        let late = step(Some(acked(45)), resolve(), &alice(), t0() + min(60)).unwrap();
        assert_eq!(timely(&clocks(&late, &policy, now)), Some(false), "the response was late");
        let breached = opened(Severity::Ordinary, EventClass::Fault, false);
        assert_eq!(
            timely(&clocks(&breached, &policy, t0() + min(31))),
            Some(false),
            "breached and open is untimely too"
        );
    }
}

mod seen_before {
    use super::*;
    use duty::domain::seen::{Likeness, seen_before, words};

    /// An incident titled `title` on `host`, resolved with `solution` (or left open).
    fn past(number: u32, title: &str, host: &str, area: FaultArea, solution: Option<&str>) -> Incident {
        let mut new = new_incident(Severity::Ordinary, EventClass::Fault, false);
        new.title = title.into();
        new.hosts = vec![host.into()];
        new.area = area;
        let ctx = Context { actor: &alice(), occurred_at: t0(), now: t0(), claim: None };
        let id = IncidentId(format!("GZ-20261021-{number:03}"));
        let events = decide(None, &C::Open(new), &ctx, Some(&id)).unwrap();
        let meta = EventMeta { actor: "alice", occurred_at: t0(), recorded_at: t0() };
        let mut incident = apply(None, &events[0], &meta).unwrap();
        incident = step(Some(incident), C::Acknowledge, &alice(), t0() + min(5)).unwrap();
        if let Some(solution) = solution {
            let resolve =
                C::Resolve { cause: "archive logs filled the disk".into(), solution: solution.into() };
            incident = step(Some(incident), resolve, &alice(), t0() + min(60)).unwrap();
        }
        incident
    }

    #[test]
    fn words_are_latin_words_and_chinese_pairs() {
        let w = words("中心数据库 ORA-00257 archiver error, the disk");
        for expected in ["中心", "心数", "ora", "00257", "archiver", "error", "disk"] {
            assert!(w.contains(expected), "{expected} in {w:?}");
        }
        for common in ["the", "数据", "据库"] {
            assert!(!w.contains(common), "{common}: every title has it, it says nothing");
        }
    }

    #[test]
    fn last_months_fix_for_the_same_fault_comes_first() {
        let mut now = past(9, "中心数据库服务器无法连接", "central-db", FaultArea::Database, None);
        now.reported_at = t0() + Duration::days(30);
        let history = vec![
            past(
                1,
                "中心数据库无法连接：归档日志满",
                "central-db",
                FaultArea::Database,
                Some("清理归档日志，扩容归档盘"),
            ),
            past(2, "前置机交换中断", "frontend-1", FaultArea::System, Some("重启交换通道")),
            past(3, "采集数据库连接缓慢", "collect-db", FaultArea::Database, Some("重建索引")),
            past(4, "中心数据库无法连接", "central-db", FaultArea::Database, None),
            now.clone(),
        ];
        let seen = seen_before(&now, &history);
        let ids: Vec<&str> = seen.iter().map(|s| s.id.0.as_str()).collect();
        assert_eq!(
            ids,
            ["GZ-20261021-001"],
            "not itself, nothing unresolved, nothing alike only in the words every title has (采集数据库连接缓慢)"
        );
        assert_eq!(seen[0].solution, "清理归档日志，扩容归档盘");
        assert!(
            seen[0].because.contains(&Likeness::SameHost { host: "central-db".into() }),
            "{:?}",
            seen[0].because
        );
        // Three words of its own are enough without a host in common, and nothing
        // reported after it is "seen before".
        let mut elsewhere =
            past(5, "中心库归档日志满，连接中断", "collect-db", FaultArea::Database, Some("清理归档"));
        elsewhere.reported_at = t0() + Duration::days(1);
        let mut later =
            past(6, "中心数据库无法连接：归档日志满", "central-db", FaultArea::Database, Some("扩容"));
        later.reported_at = t0() + Duration::days(31);
        let mut asking = past(7, "中心库归档日志满", "topic-db", FaultArea::Database, None);
        asking.reported_at = t0() + Duration::days(30);
        let seen = seen_before(&asking, &[elsewhere, later]);
        let ids: Vec<&str> = seen.iter().map(|s| s.id.0.as_str()).collect();
        assert_eq!(ids, ["GZ-20261021-005"]);
    }
}
