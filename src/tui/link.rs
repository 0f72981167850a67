//! The console's link to the record: a worker thread that owns the store connection, so
//! the console's own thread only draws and answers keys — whatever the store does. A
//! store that holds a lock for half a minute, a server being restarted, a disk gone
//! read-only: the console goes on answering and says what is wrong.
//!
//! The console sends `Job`s; the worker performs them through the operations layer and
//! answers with what it `Heard`. Between jobs it looks for others' changes (the head of
//! the log, and the engine lease, every `POLL`) and sends a fresh snapshot when there
//! are any.

use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::snapshot::Snapshot;
use crate::clock::Clock;
use crate::config::Site;
use crate::domain::IncidentId;
use crate::i18n::Lang;
use crate::ops::{Actor, Done, Ops, Request};
use crate::report::build::Wanted;
use crate::report::service::ServiceStats;
use crate::store::{BadLink, Lease, Location, Opened, Store, StoreError, seen};

/// How often the worker looks for changes made by others.
pub const POLL: Duration = Duration::from_millis(400);
/// While the store does not answer, how often it is tried again.
const RETRY: Duration = Duration::from_secs(2);

/// What the console asks of the worker.
pub enum Job {
    /// Read everything again (with the timeline of the incident in detail).
    Load { detail: Option<IncidentId> },
    /// Look for changes now (another process committed: PostgreSQL told us).
    Poll,
    /// Do what the operator asked; the answer carries the same ticket.
    Perform { ticket: u64, request: Request, lang: Lang },
    /// This week's and this month's statistics.
    Stats { today: chrono::NaiveDate },
    /// Write a report as Markdown and CSV into `dir`.
    Report { ticket: u64, wanted: Wanted, lang: Lang, dir: std::path::PathBuf },
    /// The site changed (a valid edit of the site folder).
    Site(Box<Site>),
}

/// What the worker tells the console.
pub enum Heard {
    Loaded(Box<Snapshot>),
    /// Only the engine lease moved (its heartbeat): no need to read everything.
    Lease(Option<Lease>),
    Done {
        ticket: u64,
        result: Result<Done, StoreError>,
    },
    Stats(Result<Box<(ServiceStats, ServiceStats)>, String>),
    Report {
        ticket: u64,
        result: Result<Vec<String>, String>,
    },
    /// The store does not answer: since when, and what it said.
    Down {
        since: DateTime<Utc>,
        error: String,
    },
    /// The quick look at the chain's tail, when the store was opened, found it broken.
    RecordBroken(BadLink),
}

/// The console's end of the link.
pub struct Link {
    jobs: Sender<Job>,
    /// Since when the worker has been inside one store call (None: idle).
    busy: Arc<Mutex<Option<DateTime<Utc>>>>,
}

impl Link {
    /// A link to a store in this process: the worker opens it and answers on `heard`.
    pub fn local(
        location: Location,
        site: Site,
        actor: Option<Actor>,
        clock: Clock,
        heard: tokio::sync::mpsc::UnboundedSender<Heard>,
    ) -> Link {
        let (jobs, receiver) = std::sync::mpsc::channel();
        let busy = Arc::new(Mutex::new(None));
        let worker = Worker {
            location,
            ledger: seen::Ledger::at(&crate::paths::seen_dir()),
            site,
            actor,
            clock,
            store: None,
            head: None,
            lease: None,
            detail: None,
            heard,
            busy: busy.clone(),
            down_since: None,
            next_try: Instant::now(),
        };
        std::thread::Builder::new()
            .name("duty-store".into())
            .spawn(move || worker.run(receiver))
            .expect("the store worker starts");
        Link { jobs, busy }
    }

    /// Hands a job to the worker (never waits).
    pub fn send(&self, job: Job) {
        let _ = self.jobs.send(job);
    }

    /// A sender for jobs, for tasks that nudge the worker (PostgreSQL notifications).
    pub fn sender(&self) -> Sender<Job> {
        self.jobs.clone()
    }

    /// Since when the worker has been waiting on one store call.
    pub fn busy_since(&self) -> Option<DateTime<Utc>> {
        *self.busy.lock().unwrap_or_else(|p| p.into_inner())
    }
}

struct Worker {
    location: Location,
    ledger: seen::Ledger,
    site: Site,
    actor: Option<Actor>,
    clock: Clock,
    store: Option<Opened>,
    /// The head and lease last sent: a poll that finds them unchanged sends nothing.
    head: Option<u64>,
    lease: Option<Option<Lease>>,
    detail: Option<IncidentId>,
    heard: tokio::sync::mpsc::UnboundedSender<Heard>,
    busy: Arc<Mutex<Option<DateTime<Utc>>>>,
    down_since: Option<DateTime<Utc>>,
    next_try: Instant,
}

/// Answers one job on a store at hand: what the worker does with each job, and what
/// the tests do with it synchronously. Sets `load` when the console needs a fresh
/// snapshot (after a write, or when asked).
pub fn answer(
    job: Job,
    store: &mut dyn Store,
    site: &Site,
    actor: Option<&Actor>,
    clock: Clock,
    load: &mut bool,
) -> Vec<Heard> {
    match job {
        Job::Load { .. } | Job::Site(_) => {
            *load = true;
            Vec::new()
        }
        Job::Poll => Vec::new(),
        Job::Perform { ticket, request, lang } => {
            let result = match actor {
                Some(actor) => {
                    let actor = Actor { lang, ..actor.clone() };
                    Ops { store, site, clock }.perform(&actor, request)
                }
                None => Err(StoreError::Refused(crate::domain::DomainError::ReadOnly)),
            };
            *load |= result.is_ok();
            vec![Heard::Done { ticket, result }]
        }
        Job::Stats { today } => vec![Heard::Stats(stats(store, site, clock, today))],
        Job::Report { ticket, wanted, lang, dir } => {
            vec![Heard::Report { ticket, result: report(store, site, clock, &wanted, lang, &dir) }]
        }
    }
}

/// This week's and this month's statistics.
fn stats(
    store: &dyn Store,
    site: &Site,
    clock: Clock,
    today: chrono::NaiveDate,
) -> Result<Box<(ServiceStats, ServiceStats)>, String> {
    use crate::report::build::{month_of, service_stats, week_of};
    let lang = site.language.unwrap_or_else(Lang::from_locale);
    let mut both =
        service_stats(store, site, &[week_of(today), month_of(today)], clock.now()).map_err(|e| {
            match e.downcast::<StoreError>() {
                Ok(e) => crate::i18n::store_error(&e, lang),
                Err(e) => format!("{e:#}"),
            }
        })?;
    let month = both.pop().expect("two ranges asked for");
    let week = both.pop().expect("two ranges asked for");
    Ok(Box::new((week, month)))
}

/// Writes a report as Markdown and CSV into `dir`; says where.
fn report(
    store: &dyn Store,
    site: &Site,
    clock: Clock,
    wanted: &Wanted,
    lang: Lang,
    dir: &std::path::Path,
) -> Result<Vec<String>, String> {
    let mut written = Vec::new();
    for (csv, ext) in [(false, "md"), (true, "csv")] {
        let text = crate::report::build::build(store, site, wanted, csv, lang, clock.now()).map_err(|e| {
            match e.downcast::<StoreError>() {
                Ok(e) => crate::i18n::store_error(&e, lang),
                Err(e) => format!("{e:#}"),
            }
        })?;
        let path = dir.join(format!("{}.{}.{ext}", wanted.stem(), lang.code()));
        crate::files::write_private(&path, text.as_bytes())
            .map_err(|e| format!("{}: {e}", path.display()))?;
        written.push(path.display().to_string());
    }
    Ok(written)
}

impl Worker {
    fn run(mut self, jobs: Receiver<Job>) {
        self.load();
        loop {
            let job = match jobs.recv_timeout(POLL) {
                Ok(job) => job,
                Err(RecvTimeoutError::Timeout) => Job::Poll,
                Err(RecvTimeoutError::Disconnected) => return,
            };
            // Jobs that came in while the store was slow: a burst of loads and polls is
            // one load.
            let mut batch = vec![job];
            batch.extend(jobs.try_iter());
            let mut load = false;
            let mut poll = false;
            for job in batch {
                match job {
                    Job::Load { detail } => {
                        self.detail = detail;
                        load = true;
                    }
                    Job::Poll => poll = true,
                    Job::Site(site) => {
                        self.site = *site;
                        load = true;
                    }
                    job => {
                        // A job that panics must not take the console's link with it.
                        let answered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            self.answer(job, &mut load)
                        }));
                        let heard = answered.unwrap_or_else(|_| {
                            self.store = None;
                            self.set_busy(false);
                            Vec::new()
                        });
                        for heard in heard {
                            if self.heard.send(heard).is_err() {
                                return;
                            }
                        }
                    }
                }
            }
            if load {
                self.load();
            } else if poll {
                self.poll();
            }
        }
    }

    /// Answers a job that needs the store, opening it first if need be; while the
    /// worker waits, it is marked busy, so the console can say "store slow".
    fn answer(&mut self, job: Job, load: &mut bool) -> Vec<Heard> {
        let writes = matches!(job, Job::Perform { .. });
        self.set_busy(true);
        let heard = match self.open() {
            Ok(()) => {
                let store = self.store.as_mut().expect("opened above");
                let heard = answer(job, &mut **store, &self.site, self.actor.as_ref(), self.clock, load);
                if writes {
                    store.remember();
                }
                heard
            }
            Err(e) => {
                let text = crate::i18n::store_error(&e, self.lang());
                let heard = match job {
                    Job::Perform { ticket, .. } => vec![Heard::Done { ticket, result: Err(e) }],
                    Job::Stats { .. } => vec![Heard::Stats(Err(text))],
                    Job::Report { ticket, .. } => vec![Heard::Report { ticket, result: Err(text) }],
                    _ => Vec::new(),
                };
                self.set_busy(false);
                return heard;
            }
        };
        self.set_busy(false);
        // A write that failed because the store is gone: say so at once, not at the
        // next poll.
        for reply in &heard {
            if let Heard::Done {
                result: Err(e @ (StoreError::Backend { .. } | StoreError::Vanished { .. })),
                ..
            } = reply
            {
                let since = *self.down_since.get_or_insert_with(|| self.clock.now());
                let _ =
                    self.heard.send(Heard::Down { since, error: crate::i18n::store_error(e, self.lang()) });
                self.forget_if_gone(e);
            }
        }
        heard
    }

    fn set_busy(&self, busy: bool) {
        *self.busy.lock().unwrap_or_else(|p| p.into_inner()) = busy.then(|| self.clock.now());
    }

    /// Opens the store if it is not open (and reports a broken record once).
    fn open(&mut self) -> Result<(), StoreError> {
        if self.store.is_none() {
            let write = self.actor.is_some();
            let opened = self.location.open_checked(write, &self.ledger, self.clock)?;
            if let Some(bad) = &opened.tail.first_bad {
                let _ = self.heard.send(Heard::RecordBroken(bad.clone()));
            }
            self.store = Some(opened);
        }
        Ok(())
    }

    /// A store that vanished or is not the one seen before is opened afresh (and
    /// checked again) next time; a busy or lost connection mends itself.
    fn forget_if_gone(&mut self, error: &StoreError) {
        if matches!(
            error,
            StoreError::Vanished { .. } | StoreError::NotAsSeen(_) | StoreError::NotAStore { .. }
        ) {
            self.store = None;
        }
    }

    /// Runs a read on the store, marked busy.
    fn read<T>(
        &mut self,
        f: impl FnOnce(&dyn Store, &Site, Clock) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.set_busy(true);
        let result = self.open().and_then(|()| {
            let store = self.store.as_ref().expect("opened above");
            f(&**store, &self.site, self.clock)
        });
        self.set_busy(false);
        if let Err(e) = &result {
            self.forget_if_gone(e);
        }
        result
    }

    fn down(&mut self, error: &StoreError) {
        let since = *self.down_since.get_or_insert_with(|| self.clock.now());
        self.next_try = Instant::now() + RETRY;
        crate::log::write(&format!("store: {error}"));
        let _ = self.heard.send(Heard::Down { since, error: crate::i18n::store_error(error, self.lang()) });
    }

    fn lang(&self) -> Lang {
        self.actor.as_ref().map_or_else(|| self.site.language.unwrap_or_else(Lang::from_locale), |a| a.lang)
    }

    fn load(&mut self) {
        let detail = self.detail.clone();
        match self.read(|store, site, clock| Snapshot::load(store, site, clock.now(), detail.as_ref())) {
            Ok(snapshot) => {
                self.down_since = None;
                self.head = Some(snapshot.head);
                self.lease = Some(snapshot.lease.clone());
                let _ = self.heard.send(Heard::Loaded(Box::new(snapshot)));
            }
            Err(e) => self.down(&e),
        }
    }

    fn poll(&mut self) {
        if self.down_since.is_some() {
            if Instant::now() >= self.next_try {
                self.load();
            }
            return;
        }
        match self.read(|store, _, _| Ok((store.head()?, store.lease()?))) {
            Ok((head, _)) if Some(head) != self.head => self.load(),
            Ok((_, lease)) => {
                if self.lease.as_ref() != Some(&lease) {
                    self.lease = Some(lease.clone());
                    let _ = self.heard.send(Heard::Lease(lease));
                }
            }
            Err(e) => self.down(&e),
        }
    }
}
