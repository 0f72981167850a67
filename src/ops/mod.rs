//! The operations layer: every operation a person (or a program acting for one)
//! performs on the record, once, for every front end. The CLI and the console build a
//! `Request`, hand it to `Ops::perform` with the `Seat` it is asked at (who is there,
//! and who acts), and get back what was done or why not. Who may do what, which events
//! a request makes and what is filled in for the operator (the evidence of a marked
//! item, the occurrence a run starts) is decided here and in the domain below it, never
//! in a front end.

pub mod change;
pub mod confirm;
pub mod knowledge;
pub mod problem;
pub mod queue;
pub mod record;
pub mod request;
pub mod signin;
pub mod ssh;

use chrono::{DateTime, NaiveDate, Utc};

use crate::clock::Clock;
use crate::config::Site;
use crate::domain::checklist::{Run, RunCommand, RunState, Slot};
use crate::domain::handover::Handover;
use crate::domain::incident::NewIncident;
use crate::domain::maintenance::Window;
use crate::domain::{DomainError, IncidentCommand, Operator};
use crate::i18n::Lang;
use crate::store::{
    AlarmRequest, Committed, Declined, IncidentRequest, RunRequest, Store, StoreError, StoredEvent, Target,
};

pub use request::{IncidentTarget, Request};
pub use signin::Seat;

/// Who acts, and through which program on which machine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub operator: Operator,
    /// `console root@host`, or `console root as zhangsan@host`: recorded beside the
    /// operator in every event.
    pub origin: String,
    /// The language they work in (what is written for them, such as an item's
    /// evidence, is in it).
    pub lang: Lang,
}

/// When a person says a step happened (None: now), and why so late, if they say.
#[derive(Clone, Debug, Default)]
struct Claim {
    at: Option<DateTime<Utc>>,
    reason: Option<String>,
}

/// What a request did.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Done {
    Incident(Box<Committed>),
    Event(Box<StoredEvent>),
    Run(Box<Run>),
    Declined(Box<Declined>),
    Handover(Box<Handover>),
    Window(Box<Window>),
    Change(Box<crate::domain::change::Change>),
    Problem(Box<crate::domain::problem::Problem>),
    Knowledge(Box<crate::domain::knowledge::Entry>),
    /// Sealing started: the verification key (text) for the auditor, and the event.
    Sealing {
        verify_key: String,
    },
    /// This operator acts at the seat now.
    SignedIn(Operator),
    /// Nobody acts at the seat now.
    SignedOut,
}

/// The operations over one store and site, with the time from one clock.
pub struct Ops<'a> {
    pub store: &'a mut dyn Store,
    pub site: &'a Site,
    pub clock: Clock,
}

impl Ops<'_> {
    /// Decides and records one request made at `seat`, for whoever acts there (a
    /// sign-in or sign-out changes who that is).
    pub fn perform(&mut self, seat: &mut Seat, request: Request) -> Result<Done, StoreError> {
        let actor = match request {
            Request::SignIn { name, secret, code } => {
                return self.sign_in(seat, &name, &secret, code.as_deref());
            }
            Request::SignOut { why } => return self.sign_out(seat, why),
            Request::SetSecret { current, secret, code_key } => {
                return self.set_secret(seat, current.as_ref(), &secret, code_key);
            }
            // A shell would run as the terminal's account, with its keys, whoever
            // signed in there.
            Request::ShellStarted { .. } if signin::is_terminal(self.site, &seat.login) => {
                return Err(StoreError::Refused(DomainError::SignIn(
                    crate::domain::signin::SignInRefusal::NoShellAtTerminal,
                )));
            }
            _ => {
                self.expire(seat)?;
                seat.acting(self.site)?
            }
        };
        let actor = &actor;
        let now = self.clock.now();
        let (operator, origin) = (&actor.operator, actor.origin.as_str());
        match request {
            Request::SignIn { .. } | Request::SignOut { .. } | Request::SetSecret { .. } => {
                unreachable!("answered for the seat above")
            }
            Request::Incident { command: IncidentCommand::TakeOver { .. }, .. } => {
                Err(StoreError::Refused(DomainError::TakeOverBySigning))
            }
            // A plan's steps are the site's, never a front end's: only its id is taken.
            Request::Incident {
                target: IncidentTarget::Existing(incident),
                command: IncidentCommand::StartPlan { run },
                expected_version,
                ..
            } => self.perform(seat, Request::StartPlan { incident, plan: Some(run.plan), expected_version }),
            Request::StartPlan { incident, plan, expected_version } => {
                let run = self.plan_run(&incident, plan.as_deref(), operator)?;
                let command = IncidentCommand::StartPlan { run };
                self.incident(
                    actor,
                    IncidentTarget::Existing(incident),
                    command,
                    expected_version,
                    Claim::default(),
                )
                .map(|c| Done::Incident(Box::new(c)))
            }
            Request::Incident { target, command, expected_version, claimed_at, backdate_reason } => {
                let claim = Claim { at: claimed_at, reason: backdate_reason };
                let note = match &command {
                    IncidentCommand::MarkProblem { note } => Some(note.clone()),
                    _ => None,
                };
                let committed = self.incident(actor, target, command, expected_version, claim)?;
                // A problem is the record of what could not be fully solved.
                if let Some(note) = note {
                    self.problem_of(actor, &committed.incident, &note)?;
                }
                Ok(Done::Incident(Box::new(committed)))
            }
            Request::Change { id, command } => self.change(actor, id, command),
            Request::Problem { id, command } => self.problem(actor, id, command),
            Request::WriteKnowledge { id, written } => self.write_knowledge(actor, id, written),
            Request::ReviewProblems { month, note } => self.review_problems(actor, &month, &note),
            Request::Alarm(command) => {
                let request = AlarmRequest { command, actor: operator, origin: origin.to_string(), now };
                self.store.record_alarm(request).map(|e| Done::Event(Box::new(e)))
            }
            Request::StartRun { template, run } => self.start_run(actor, &template, run.as_deref()),
            Request::Run { run, command, expected_version } => {
                let command = self.with_evidence(&run, command, actor.lang)?;
                let request = RunRequest {
                    run,
                    command,
                    actor: operator,
                    origin: origin.to_string(),
                    now,
                    expected_version,
                };
                self.store.execute_run(request).map(|r| Done::Run(Box::new(r)))
            }
            Request::DeclineRun { run, reason } => {
                let slot = self.slot(&run)?;
                self.store
                    .decline_run(&slot, &reason, operator, origin, now)
                    .map(|d| Done::Declined(Box::new(d)))
            }
            Request::LogEntry(entry) => {
                crate::duty::log_entry(self.store, self.site, &entry, operator, origin, now)
                    .map(|e| Done::Event(Box::new(e)))
            }
            Request::CompleteEntry(completed) => {
                crate::duty::complete_entry(self.store, &completed, operator, origin, now)
                    .map(|e| Done::Event(Box::new(e)))
            }
            Request::Roster(change) => {
                crate::duty::change_roster(self.store, self.site, &change, operator, origin, now)
                    .map(|e| Done::Event(Box::new(e)))
            }
            Request::Handover { id, command } => {
                crate::duty::handover_command(self.store, &id, &command, operator, origin, now)
                    .map(|h| Done::Handover(Box::new(h)))
            }
            Request::SignHandover { id, side } => {
                let handover = crate::duty::sign(self.store, self.site, &id, side, operator, origin, now)?;
                if side == crate::domain::handover::Side::Incoming {
                    self.take_over(actor, &handover)?;
                }
                Ok(Done::Handover(Box::new(handover)))
            }
            Request::ScheduleMaintenance(window) => self
                .store
                .schedule_maintenance(window, operator, origin, now)
                .map(|w| Done::Window(Box::new(w))),
            Request::EndMaintenance { id } => {
                self.store.end_maintenance(&id, operator, origin, now).map(|w| Done::Window(Box::new(w)))
            }
            Request::TrustHostKey { host, fingerprint } => self.trust_host_key(actor, &host, &fingerprint),
            Request::AskSecond(ask) => self.ask_second(actor, &ask),
            Request::ConfirmSecond { id } => self.confirm_second(actor, id),
            Request::StartSealing { interval_seconds } => {
                if operator.role != crate::domain::Role::Lead {
                    return Err(StoreError::Refused(DomainError::LeadOnly { command: "seal" }));
                }
                let path = crate::seal::key_path();
                if path.exists() {
                    return Err(StoreError::Refused(DomainError::AlreadySealing {
                        path: path.display().to_string(),
                    }));
                }
                let key =
                    crate::seal::VerifyKey::generate(now, chrono::Duration::seconds(interval_seconds.max(1)))
                        .map_err(StoreError::backend("making the sealing seed"))?;
                crate::seal::start(self.store, &path, &key, operator, origin, now).map_err(|e| match e {
                    crate::seal::SealError::Store(e) => e,
                    key_problem => StoreError::Backend {
                        what: "starting to seal",
                        source: key_problem.to_string().into(),
                    },
                })?;
                Ok(Done::Sealing { verify_key: key.to_text() })
            }
            Request::ChooseHash { algorithm } => {
                // The chain's algorithm is the record's, for the whole centre: a lead's.
                if operator.role != crate::domain::Role::Lead {
                    return Err(StoreError::Refused(DomainError::LeadOnly { command: "hash" }));
                }
                let payload = serde_json::json!({ "algorithm": algorithm.name() }).to_string();
                self.event(actor, crate::store::chain::HASH_CHOSEN, "audit:hash", payload)
            }
            Request::AuditExported { first_seq, last_seq, dir } => {
                let payload = serde_json::json!({ "first_seq": first_seq, "last_seq": last_seq, "dir": dir });
                self.event(actor, "audit.exported", "audit:export", payload.to_string())
            }
            Request::RecordSshRun(record) => self.record_run(actor, &record),
            Request::ShellStarted { host, address, user } => {
                let payload = serde_json::json!({ "host": host, "address": address, "user": user });
                self.host_event(actor, "ssh.shell_started", &host, payload.to_string())
            }
            Request::ShellEnded { host, ending, seconds } => {
                let payload = serde_json::json!({ "host": host, "ending": ending, "seconds": seconds });
                self.host_event(actor, "ssh.shell_ended", &host, payload.to_string())
            }
        }
    }

    /// An event about a host that needs no projection (SSH runs and shells).
    pub(crate) fn host_event(
        &mut self,
        actor: &Actor,
        kind: &str,
        host: &str,
        payload: String,
    ) -> Result<Done, StoreError> {
        self.event(actor, kind, &format!("host:{host}"), payload)
    }

    /// An event that needs no projection, recorded now as `actor`'s.
    fn event(
        &mut self,
        actor: &Actor,
        kind: &str,
        subject: &str,
        payload: String,
    ) -> Result<Done, StoreError> {
        let now = self.clock.now();
        self.store
            .record_event(kind, subject, payload, &actor.operator, &actor.origin, now)
            .map(|e| Done::Event(Box::new(e)))
    }

    fn incident(
        &mut self,
        actor: &Actor,
        target: IncidentTarget,
        command: IncidentCommand,
        expected_version: Option<u64>,
        claim: Claim,
    ) -> Result<Committed, StoreError> {
        let now = self.clock.now();
        let mut command = command;
        if let IncidentCommand::Open(new) = &mut command {
            new.reported_at = crate::domain::incident::report_time(new.reported_at, now);
        }
        let (target, occurred_at) = match (target, &command) {
            (IncidentTarget::New, IncidentCommand::Open(NewIncident { reported_at, .. })) => {
                let day_key = reported_at.with_timezone(&self.site.tz).format("%Y%m%d").to_string();
                (Target::New { prefix: self.site.incident_prefix.clone(), day_key }, *reported_at)
            }
            (IncidentTarget::New, _) => {
                return Err(StoreError::Refused(DomainError::CorruptLog {
                    kind: "a new incident must be opened",
                }));
            }
            (IncidentTarget::Existing(id), _) => (Target::Existing(id), claim.at.unwrap_or(now)),
        };
        if let IncidentCommand::HandOver { to, .. } = &command
            && self.site.operator(to).is_none()
        {
            return Err(StoreError::Refused(DomainError::UnknownOperator { who: to.clone() }));
        }
        // A time a person says: within the site's limits, never before the record's start
        // less what a lead may claim (the days before a centre began with duty may still
        // be entered, nothing older: no year 0 incident numbers). The start is read only
        // for a claim beyond an operator's limit, the only one it can refuse.
        let policy = &self.site.policy;
        let floor = match occurred_at < now - policy.backdate {
            true => self.store.events_after(0, 1)?.first().map(|e| e.recorded_at - policy.lead_backdate),
            false => None,
        };
        let limits = crate::domain::incident::ClaimLimits {
            operator: policy.backdate,
            lead: policy.lead_backdate,
            floor,
        };
        let rule = crate::domain::incident::ClaimRule { limits, reason: claim.reason };
        self.store.execute(IncidentRequest {
            target,
            command,
            actor: &actor.operator,
            origin: actor.origin.clone(),
            occurred_at,
            now,
            expected_version,
            claim: Some(rule),
        })
    }

    /// A run of the site's plan `id` for an incident (or of the one fitting it best),
    /// starting now.
    fn plan_run(
        &self,
        incident: &crate::domain::IncidentId,
        id: Option<&str>,
        by: &Operator,
    ) -> Result<crate::domain::plan::PlanRun, StoreError> {
        use crate::domain::plan::PlanRefusal;
        let refused = |plan: &str| {
            StoreError::Refused(DomainError::Plan(PlanRefusal::UnknownPlan { plan: plan.into() }))
        };
        let plan = match id {
            Some(id) => self.site.plan(id).ok_or_else(|| refused(id))?,
            None => {
                let found =
                    self.store.incident(incident)?.ok_or(StoreError::Refused(DomainError::NoIncident))?;
                *crate::domain::plan::suggest(&self.site.plans, found.class, found.area, &found.title)
                    .first()
                    .ok_or(StoreError::Refused(DomainError::Plan(PlanRefusal::NoneFits)))?
            }
        };
        Ok(plan.run(self.clock.now(), &by.id))
    }

    /// The incoming engineer, having signed, takes over what the outgoing one passed on.
    /// An incident closed or passed elsewhere meanwhile has nothing left to take.
    fn take_over(&mut self, actor: &Actor, handover: &Handover) -> Result<(), StoreError> {
        for id in handover.passed() {
            let command = IncidentCommand::TakeOver { handover: handover.id.clone() };
            match self.incident(
                actor,
                IncidentTarget::Existing(crate::domain::IncidentId(id.to_string())),
                command,
                None,
                Claim::default(),
            ) {
                Ok(_) => {}
                Err(StoreError::Refused(
                    DomainError::NotAllowed { .. }
                    | DomainError::AlreadyOwner { .. }
                    | DomainError::NoIncident,
                )) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Starts a run of `template`: the occurrence named, else today's latest one due
    /// (or overdue), else the next one to come.
    fn start_run(&mut self, actor: &Actor, template: &str, run: Option<&str>) -> Result<Done, StoreError> {
        let now = self.clock.now();
        let spec = self.site.checklist(template).ok_or_else(|| {
            StoreError::Refused(DomainError::Run(crate::domain::checklist::RunRefusal::UnknownTemplate {
                template: template.to_string(),
            }))
        })?;
        let slot = match run {
            Some(run) => self.slot(run)?,
            None => {
                let today = now.with_timezone(&self.site.tz).date_naive();
                let mine: Vec<crate::agenda::AgendaItem> =
                    crate::agenda::load(&*self.store, self.site, today, today, now)?
                        .into_iter()
                        .filter(|a| a.slot.template == spec.id)
                        .collect();
                let open =
                    |a: &&crate::agenda::AgendaItem| matches!(a.state, RunState::Due | RunState::Missed);
                mine.iter()
                    .rev()
                    .find(open)
                    .or_else(|| mine.iter().find(|a| a.state == RunState::Upcoming))
                    .map(|a| a.slot.clone())
                    .ok_or_else(|| {
                        StoreError::Refused(DomainError::Run(
                            crate::domain::checklist::RunRefusal::NothingToStart { name: spec.name.clone() },
                        ))
                    })?
            }
        };
        let command = spec.start(&slot);
        let request = RunRequest {
            run: slot.run.clone(),
            command,
            actor: &actor.operator,
            origin: actor.origin.clone(),
            now,
            expected_version: None,
        };
        self.store.execute_run(request).map(|r| Done::Run(Box::new(r)))
    }

    /// The scheduled occurrence with this run id (`exchange@20261121T0830`).
    pub fn slot(&self, run: &str) -> Result<Slot, StoreError> {
        let not_scheduled = || {
            StoreError::Refused(DomainError::Run(crate::domain::checklist::RunRefusal::NotScheduled {
                run: run.to_string(),
            }))
        };
        let date = run
            .split_once('@')
            .and_then(|(_, when)| NaiveDate::parse_from_str(when.get(..8).unwrap_or_default(), "%Y%m%d").ok())
            .ok_or_else(not_scheduled)?;
        crate::agenda::slots_of(self.site, date, date)
            .into_iter()
            .map(|(slot, _)| slot)
            .find(|s| s.run == run)
            .ok_or_else(not_scheduled)
    }

    /// A marked item keeps the evidence of its bound check as it stood when marked, and
    /// what the check judged (the domain asks for a note where the result is better).
    fn with_evidence(&self, run: &str, command: RunCommand, lang: Lang) -> Result<RunCommand, StoreError> {
        let RunCommand::Mark { item, result, note, .. } = command else { return Ok(command) };
        let check = self
            .store
            .run(run)?
            .and_then(|r| r.items.iter().find(|i| i.id == item).and_then(|i| i.check.clone()));
        let (evidence, judged) = match check {
            Some(check) => {
                let states = self.store.check_states()?;
                let judged = crate::agenda::judged(&check, &states);
                (Some(crate::agenda::evidence_of(&check, &states, self.site.tz, lang)), Some(judged))
            }
            None => (None, None),
        };
        Ok(RunCommand::Mark { item, result, note, evidence, judged })
    }
}
