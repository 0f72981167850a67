//! Changes in the record: numbered by the day they are asked for, decided against their
//! history in one transaction, and an approval opens the maintenance window of the
//! change's hosts (recorded on the change).

use chrono::{DateTime, Utc};

use super::{Actor, Done, Ops};
use crate::domain::DomainError;
use crate::domain::change::{self, Change, ChangeCommand, ChangeContext, ChangeRefusal};
use crate::domain::maintenance::Window;
use crate::store::{Store, StoreError, StoredEvent};

/// Every change in the record, oldest first.
pub fn changes(store: &dyn Store) -> Result<Vec<Change>, StoreError> {
    let events = store.events_of("change.", None)?;
    let mut all = Vec::new();
    for (id, own) in crate::store::by_subject(&events) {
        all.extend(fold(id, own.into_iter())?);
    }
    Ok(all)
}

fn fold<'a>(id: &str, events: impl Iterator<Item = &'a StoredEvent>) -> Result<Option<Change>, StoreError> {
    Ok(change::fold(id, events.filter(|e| e.kind.starts_with("change.")).map(StoredEvent::fields))?)
}

/// The number a change asked for on `day` gets: `CHG-YYYYMMDD-N`, after those of that day.
fn next_id(store: &dyn Store, day: &str) -> Result<String, StoreError> {
    let prefix = format!("CHG-{day}-");
    let taken =
        store.events_of("change.requested", None)?.iter().filter(|e| e.subject.starts_with(&prefix)).count();
    Ok(format!("{prefix}{}", taken + 1))
}

impl Ops<'_> {
    /// Decides and records one command on a change (`id` None: a new request).
    pub(super) fn change(
        &mut self,
        actor: &Actor,
        id: Option<String>,
        command: ChangeCommand,
    ) -> Result<Done, StoreError> {
        if let ChangeCommand::Request(request) = &command
            && let Some(unknown) = request.hosts.iter().find(|h| self.site.host(h).is_none())
        {
            return Err(StoreError::Refused(DomainError::UnknownHost { host: unknown.clone() }));
        }
        if matches!(command, ChangeCommand::WindowOpened { .. }) {
            return Err(StoreError::Refused(DomainError::Change(ChangeRefusal::WindowByApproval)));
        }
        let now = self.clock.now();
        let change =
            match id {
                Some(id) => self.decided(actor, &id, &command, now)?,
                None => {
                    let day = now.with_timezone(&self.site.tz).format("%Y%m%d").to_string();
                    // Two asking at once get the same number: the second takes the next.
                    let mut tries = 0;
                    loop {
                        let id = next_id(&*self.store, &day)?;
                        match self.decided(actor, &id, &command, now) {
                            Err(StoreError::Refused(DomainError::Change(ChangeRefusal::Exists {
                                ..
                            }))) if tries < 3 => tries += 1,
                            other => break other?,
                        }
                    }
                }
            };
        let change = match command {
            ChangeCommand::Approve { .. } => self.open_window(actor, change, now)?,
            _ => change,
        };
        Ok(Done::Change(Box::new(change)))
    }

    fn decided(
        &mut self,
        actor: &Actor,
        id: &str,
        command: &ChangeCommand,
        now: DateTime<Utc>,
    ) -> Result<Change, StoreError> {
        let site = self.site;
        let mut after = None;
        self.store.append_decided(
            id,
            &mut |history| {
                let own = history.iter().filter(|e| e.kind.starts_with("change.")).map(StoredEvent::fields);
                let before = change::fold(id, own)?;
                let ctx = ChangeContext {
                    actor: &actor.operator,
                    now,
                    rules: &site.policy.changes,
                    calendar: &site.calendar,
                    tz: site.tz,
                };
                let event = change::decide(before.as_ref(), id, command, &ctx)?;
                after = Some(change::apply(before, &event, id, &actor.operator.id, now)?);
                Ok(vec![(event.kind().to_string(), event.payload_json())])
            },
            &actor.operator,
            &actor.origin,
            now,
        )?;
        Ok(after.expect("a committed command folded the change"))
    }

    /// An approved change's hosts go into maintenance for its window (what is left of
    /// it), and the change names the window.
    fn open_window(
        &mut self,
        actor: &Actor,
        change: Change,
        now: DateTime<Utc>,
    ) -> Result<Change, StoreError> {
        if change.request.until <= now {
            return Ok(change);
        }
        let window = Window {
            id: String::new(),
            hosts: change.request.hosts.clone(),
            checks: Vec::new(),
            from: change.request.from.max(now),
            until: change.request.until,
            reason: format!("{} {}", change.id, change.request.what),
            by: actor.operator.id.clone(),
        };
        let window = self.store.schedule_maintenance(window, &actor.operator, &actor.origin, now)?;
        self.decided(actor, &change.id.clone(), &ChangeCommand::WindowOpened { window: window.id }, now)
    }
}
