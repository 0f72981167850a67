//! Problems in the record: numbered in order, decided against their history in one
//! transaction; an incident turned into a problem opens one (or the request names the
//! incidents); the monthly review is a lead's event.

use super::{Actor, Done, Ops};
use crate::domain::problem::{self, Problem, ProblemCommand, ProblemRefusal};
use crate::domain::{DomainError, Incident, Role};
use crate::store::{Store, StoreError, StoredEvent};

/// The kind of the monthly review's event; its subject is `problem-review:YYYY-MM`.
pub const REVIEWED: &str = "problem_review.recorded";

/// Every problem in the record, oldest first.
pub fn problems(store: &dyn Store) -> Result<Vec<Problem>, StoreError> {
    let events = store.events_of("problem.", None)?;
    let mut all = Vec::new();
    for (id, own) in crate::store::by_subject(&events) {
        all.extend(problem::fold(id, own.into_iter().map(StoredEvent::fields))?);
    }
    Ok(all)
}

/// The months whose review a lead recorded (`YYYY-MM`).
pub fn reviewed_months(store: &dyn Store) -> Result<Vec<String>, StoreError> {
    Ok(store
        .events_of(REVIEWED, None)?
        .iter()
        .filter_map(|e| e.subject.strip_prefix("problem-review:").map(str::to_string))
        .collect())
}

impl Ops<'_> {
    /// Decides and records one command on a problem (`id` None: a new one, numbered).
    pub(super) fn problem(
        &mut self,
        actor: &Actor,
        id: Option<String>,
        mut command: ProblemCommand,
    ) -> Result<Done, StoreError> {
        // Whoever opens one follows it up unless they name an operator who does.
        if let ProblemCommand::Open { owner, .. } = &mut command {
            if owner.trim().is_empty() {
                *owner = actor.operator.id.clone();
            }
            if self.site.operator(owner).is_none() {
                return Err(StoreError::Refused(DomainError::UnknownOperator { who: owner.clone() }));
            }
        }
        let incidents = match &command {
            ProblemCommand::Open { incidents, .. } => incidents.clone(),
            ProblemCommand::Link { incident } => vec![incident.clone()],
            _ => Vec::new(),
        };
        for incident in &incidents {
            if self.store.incident(incident)?.is_none() {
                return Err(StoreError::NotFound(incident.clone()));
            }
        }
        let problem =
            match id {
                Some(id) => self.decided_problem(actor, &id, &command)?,
                None => {
                    let mut tries = 0;
                    loop {
                        let number = self.store.events_of("problem.opened", None)?.len() + 1 + tries;
                        let id = format!("PRB-{number}");
                        match self.decided_problem(actor, &id, &command) {
                            Err(StoreError::Refused(DomainError::Problem(ProblemRefusal::Exists {
                                ..
                            }))) if tries < 3 => tries += 1,
                            other => break other?,
                        }
                    }
                }
            };
        Ok(Done::Problem(Box::new(problem)))
    }

    fn decided_problem(
        &mut self,
        actor: &Actor,
        id: &str,
        command: &ProblemCommand,
    ) -> Result<Problem, StoreError> {
        let now = self.clock.now();
        let mut after = None;
        self.store.append_decided(
            id,
            &mut |history| {
                let own = history.iter().filter(|e| e.kind.starts_with("problem.")).map(StoredEvent::fields);
                let before = problem::fold(id, own)?;
                let event = problem::decide(before.as_ref(), id, command, &actor.operator)?;
                after = Some(problem::apply(before, &event, id, &actor.operator.id, now)?);
                Ok(vec![(event.kind().to_string(), event.payload_json())])
            },
            &actor.operator,
            &actor.origin,
            now,
        )?;
        Ok(after.expect("a committed command folded the problem"))
    }

    /// An incident just turned into a problem: the problem it belongs to, opened with
    /// its title, cause and the note as the workaround, unless one links it already. Its
    /// owner follows it up, or whoever marked it if the site no longer lists them (the
    /// incident is marked already: nothing here may refuse).
    pub(super) fn problem_of(
        &mut self,
        actor: &Actor,
        incident: &Incident,
        note: &str,
    ) -> Result<(), StoreError> {
        if problems(&*self.store)?.iter().any(|p| p.incidents.contains(&incident.id)) {
            return Ok(());
        }
        let owner = incident.owner.clone().filter(|o| self.site.operator(o).is_some());
        let command = ProblemCommand::Open {
            title: incident.title.clone(),
            incidents: vec![incident.id.clone()],
            cause: incident.cause.clone().unwrap_or_default(),
            workaround: note.to_string(),
            owner: owner.unwrap_or_else(|| actor.operator.id.clone()),
        };
        self.problem(actor, None, command).map(|_| ())
    }

    /// A lead records the month's problem review.
    pub(super) fn review_problems(
        &mut self,
        actor: &Actor,
        month: &str,
        note: &str,
    ) -> Result<Done, StoreError> {
        if actor.operator.role != Role::Lead {
            return Err(StoreError::Refused(DomainError::Problem(ProblemRefusal::LeadCloses)));
        }
        if chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").is_err() {
            return Err(StoreError::Refused(DomainError::Empty { field: "month" }));
        }
        let open: Vec<String> = problems(&*self.store)?
            .into_iter()
            .filter(|p| p.state != problem::ProblemState::Closed)
            .map(|p| p.id)
            .collect();
        let payload = serde_json::json!({ "month": month, "note": note, "open": open }).to_string();
        self.event(actor, REVIEWED, &format!("problem-review:{month}"), payload)
    }
}
