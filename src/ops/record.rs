//! Where the operations are carried out: one interface, two transports. `Local` runs
//! them in this process on a store at hand (`duty demo`, one person on a laptop);
//! `service::client::Remote` asks `duty serve`, which decides who is asking from the
//! kernel and stamps the time with its own clock.

use super::{Actor, Done, Ops, Request};
use crate::clock::Clock;
use crate::config::Site;
use crate::domain::DomainError;
use crate::i18n::Lang;
use crate::store::{Opened, Store, StoreError};

/// The record, as a front end (the CLI, the console's worker) uses it.
pub trait Record: Send {
    /// What to read from.
    fn reader(&self) -> &dyn Store;
    /// Performs a request for the person at this end, telling them in `lang`.
    fn perform(&mut self, request: Request, lang: Lang) -> Result<Done, StoreError>;
    /// The site changed (a valid edit of the site folder).
    fn new_site(&mut self, site: Site);
}

/// The operations in this process, on a store opened here.
pub struct Local {
    pub store: Opened,
    pub site: Site,
    pub clock: Clock,
    /// Who acts here (None: not an operator, who may only read).
    pub actor: Option<Actor>,
}

impl Record for Local {
    fn reader(&self) -> &dyn Store {
        &*self.store
    }

    fn perform(&mut self, request: Request, lang: Lang) -> Result<Done, StoreError> {
        let done = perform(&mut *self.store, &self.site, self.clock, self.actor.as_ref(), request, lang);
        self.store.remember();
        done
    }

    fn new_site(&mut self, site: Site) {
        self.site = site;
    }
}

/// The operations on a store borrowed for a moment (the tests' synchronous console).
pub struct AtHand<'a> {
    pub store: &'a mut dyn Store,
    pub site: Site,
    pub clock: Clock,
    pub actor: Option<Actor>,
}

impl Record for AtHand<'_> {
    fn reader(&self) -> &dyn Store {
        &*self.store
    }

    fn perform(&mut self, request: Request, lang: Lang) -> Result<Done, StoreError> {
        perform(&mut *self.store, &self.site, self.clock, self.actor.as_ref(), request, lang)
    }

    fn new_site(&mut self, site: Site) {
        self.site = site;
    }
}

fn perform(
    store: &mut dyn Store,
    site: &Site,
    clock: Clock,
    actor: Option<&Actor>,
    request: Request,
    lang: Lang,
) -> Result<Done, StoreError> {
    let Some(actor) = actor else { return Err(StoreError::Refused(DomainError::ReadOnly)) };
    let actor = Actor { lang, ..actor.clone() };
    Ops { store, site, clock }.perform(&actor, request)
}
