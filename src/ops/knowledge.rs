//! The knowledge base in the record: entries written by hand are numbered `KB-N`; an
//! edit (of those, or of an incident's entry) is an event naming whose entry it is.

use super::{Actor, Done, Ops};
use crate::domain::DomainError;
use crate::domain::knowledge::{self, Origin, Written};
use crate::store::StoreError;
use crate::store::knowledge::KbPayload;

impl Ops<'_> {
    /// Writes a new entry (`id` None) or edits one.
    pub(super) fn write_knowledge(
        &mut self,
        actor: &Actor,
        id: Option<String>,
        written: Written,
    ) -> Result<Done, StoreError> {
        written.check().map_err(StoreError::Refused)?;
        if let Some(unknown) = written.hosts.iter().find(|h| self.site.host(h).is_none()) {
            return Err(StoreError::Refused(DomainError::UnknownHost { host: unknown.clone() }));
        }
        let (id, kind, origin) = match id {
            Some(id) => {
                let entry = self
                    .store
                    .knowledge(&id)?
                    .ok_or_else(|| StoreError::Refused(DomainError::Knowledge { id: id.clone() }))?;
                (id, knowledge::EDITED, entry.origin)
            }
            None => {
                let number = self.store.events_of(knowledge::WRITTEN, None)?.len() + 1;
                (format!("KB-{number}"), knowledge::WRITTEN, Origin::Written)
            }
        };
        let payload = serde_json::to_string(&KbPayload { written, origin })
            .map_err(StoreError::backend("encoding a knowledge entry"))?;
        let now = self.clock.now();
        let subject = format!("kb:{id}");
        self.store.append_decided(
            &subject,
            &mut |history| {
                // A new number already taken (two writing at once): the second retries.
                if kind == knowledge::WRITTEN && !history.is_empty() {
                    return Err(DomainError::Knowledge { id: id.clone() });
                }
                Ok(vec![(kind.to_string(), payload.clone())])
            },
            &actor.operator,
            &actor.origin,
            now,
        )?;
        let entry = self.store.knowledge(&id)?.ok_or(StoreError::Refused(DomainError::Knowledge { id }))?;
        Ok(Done::Knowledge(Box::new(entry)))
    }
}
