//! Where the operations are carried out: one interface, two transports. `Local` runs
//! them in this process on a store at hand (`duty demo`, one person on a laptop);
//! `service::client::Remote` asks `duty serve`, which decides who is asking from the
//! kernel and stamps the time with its own clock.

use super::{Done, Ops, Request, Seat};
use crate::clock::Clock;
use crate::config::Site;
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
    /// Who is here, and who acts.
    pub seat: Seat,
}

impl Record for Local {
    fn reader(&self) -> &dyn Store {
        &*self.store
    }

    fn perform(&mut self, request: Request, lang: Lang) -> Result<Done, StoreError> {
        self.seat.lang = lang;
        let done = Ops { store: &mut *self.store, site: &self.site, clock: self.clock }
            .perform(&mut self.seat, request);
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
    pub seat: Seat,
}

impl Record for AtHand<'_> {
    fn reader(&self) -> &dyn Store {
        &*self.store
    }

    fn perform(&mut self, request: Request, lang: Lang) -> Result<Done, StoreError> {
        self.seat.lang = lang;
        Ops { store: &mut *self.store, site: &self.site, clock: self.clock }.perform(&mut self.seat, request)
    }

    fn new_site(&mut self, site: Site) {
        self.site = site;
    }
}
