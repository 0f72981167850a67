//! The console's link to the record: a worker thread that owns the connection (a store
//! in this process, or the service's socket), so the console's own thread only draws
//! and answers keys — whatever the store does. A store that holds a lock for half a
//! minute, a server being restarted, a service gone: the console goes on answering and
//! says what is wrong.
//!
//! The console sends `Job`s; the worker performs them through the record (`ops::Record`)
//! and answers with what it `Heard`. It reads everything once; after that it reads only
//! what changed: the events after the head it knows (every `POLL`, or at once when told
//! of a commit), the incidents they touch and the parts of the view they concern.

use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::snapshot::{Delta, Snapshot, Touched};
use crate::clock::Clock;
use crate::config::Site;
use crate::domain::IncidentId;
use crate::i18n::Lang;
use crate::ops::record::Record;
use crate::ops::{Done, Request, Seat};
use crate::report::build::Wanted;
use crate::report::service::ServiceStats;
use crate::store::{BadLink, Lease, Location, Store, StoreError, StoredEvent, seen};

/// How often the worker looks for changes made by others.
pub const POLL: Duration = Duration::from_millis(400);
/// While the record does not answer, how often it is tried again.
const RETRY: Duration = Duration::from_secs(2);
/// How often the parts that change with the time of day are read again.
const HOURLY_PARTS: Duration = Duration::from_secs(30);
/// More events than this since the last look: read everything again instead.
const CATCH_UP: u64 = 2000;

/// What the console asks of the worker.
pub enum Job {
    /// Read everything again.
    Load,
    /// The incident in detail changed: read its timeline.
    Detail(Option<IncidentId>),
    /// Look for changes now (another process committed).
    Poll,
    /// These events were committed (the service pushed them).
    Committed(Vec<StoredEvent>),
    /// Do what the operator asked; the answer carries the same ticket.
    Perform { ticket: u64, request: Request, lang: Lang },
    /// This week's and this month's statistics.
    Stats { today: chrono::NaiveDate },
    /// Entries of the knowledge base holding these words.
    Knowledge { query: String },
    /// Write a report as Markdown and CSV into `dir`.
    Report { ticket: u64, wanted: Wanted, pdf: bool, lang: Lang, dir: std::path::PathBuf },
    /// The site changed (a valid edit of the site folder).
    Site(Box<Site>),
}

/// What the worker tells the console.
pub enum Heard {
    Loaded(Box<Snapshot>),
    /// What changed since.
    Changed(Box<Delta>),
    Done {
        ticket: u64,
        result: Result<Done, StoreError>,
    },
    Stats(Result<Box<(ServiceStats, ServiceStats)>, String>),
    Knowledge {
        query: String,
        result: Result<Vec<crate::domain::knowledge::Entry>, String>,
    },
    Report {
        ticket: u64,
        result: Result<Vec<String>, String>,
    },
    /// The record does not answer: since when, and what it said.
    Down {
        since: DateTime<Utc>,
        error: String,
    },
    /// The quick look at the chain's tail, when the store was opened, found it broken.
    RecordBroken(BadLink),
    /// The record was opened again (a lost store or service): a sign-in made on the
    /// old link is gone with it.
    Relinked,
}

/// Opens the record the worker works on: what it opened, and a break found in the
/// chain's tail on the way.
pub type Opener = Box<dyn FnMut() -> Result<(Box<dyn Record>, Option<BadLink>), StoreError> + Send>;

/// The console's end of the link.
pub struct Link {
    jobs: Sender<Job>,
    /// Since when the worker has been inside one call (None: idle).
    busy: Arc<Mutex<Option<DateTime<Utc>>>>,
}

impl Link {
    /// A link to a store in this process.
    pub fn local(
        location: Location,
        site: Site,
        seat: Seat,
        clock: Clock,
        heard: tokio::sync::mpsc::UnboundedSender<Heard>,
    ) -> Link {
        let ledger = seen::Ledger::at(&crate::paths::seen_dir());
        let record_site = site.clone();
        // A shared terminal writes its sign-ins before anybody acts at it.
        let writes = seat.actor.is_some() || crate::ops::signin::is_terminal(&site, &seat.login);
        let opener: Opener = Box::new(move || {
            let opened = location.open_checked(writes, &ledger, clock)?;
            let broken = opened.tail.first_bad.clone();
            let record = crate::ops::record::Local {
                store: opened,
                site: record_site.clone(),
                clock,
                seat: seat.clone(),
            };
            Ok((Box::new(record) as Box<dyn Record>, broken))
        });
        Link::start(opener, site, clock, heard)
    }

    /// A link over the record `opener` opens (a local store, or the service).
    pub fn start(
        opener: Opener,
        site: Site,
        clock: Clock,
        heard: tokio::sync::mpsc::UnboundedSender<Heard>,
    ) -> Link {
        let (jobs, receiver) = std::sync::mpsc::channel();
        let busy = Arc::new(Mutex::new(None));
        let worker = Worker {
            opener,
            record: None,
            site,
            clock,
            head: None,
            lease: None,
            detail: None,
            heard,
            busy: busy.clone(),
            down_since: None,
            next_try: Instant::now(),
            hourly: Instant::now(),
            opened_before: false,
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

    /// A sender for jobs, for what nudges the worker (a commit heard elsewhere).
    pub fn sender(&self) -> Sender<Job> {
        self.jobs.clone()
    }

    /// Since when the worker has been waiting on one call.
    pub fn busy_since(&self) -> Option<DateTime<Utc>> {
        *self.busy.lock().unwrap_or_else(|p| p.into_inner())
    }
}

struct Worker {
    opener: Opener,
    record: Option<Box<dyn Record>>,
    site: Site,
    clock: Clock,
    /// The head whose changes the console has; None: it has nothing yet.
    head: Option<u64>,
    /// The lease last sent: a poll that finds it unchanged sends nothing.
    lease: Option<Option<Lease>>,
    detail: Option<IncidentId>,
    heard: tokio::sync::mpsc::UnboundedSender<Heard>,
    busy: Arc<Mutex<Option<DateTime<Utc>>>>,
    down_since: Option<DateTime<Utc>>,
    next_try: Instant,
    hourly: Instant,
    /// Whether the record was opened before (a new opening is a new link).
    opened_before: bool,
}

/// Answers one job that needs the record: what the worker does with it, and what the
/// tests do with it synchronously. Sets `changed` when the console should look for
/// changes (after a write).
pub fn answer(
    job: Job,
    record: &mut dyn Record,
    site: &Site,
    clock: Clock,
    changed: &mut bool,
) -> Vec<Heard> {
    match job {
        Job::Perform { ticket, request, lang } => {
            let result = record.perform(request, lang);
            *changed |= result.is_ok();
            vec![Heard::Done { ticket, result }]
        }
        Job::Stats { today } => vec![Heard::Stats(stats(record.reader(), site, clock, today))],
        Job::Knowledge { query } => {
            let result = record
                .reader()
                .search_knowledge(&query, KNOWLEDGE_SHOWN)
                .map_err(|e| crate::i18n::store_error(&e, site.lang()));
            vec![Heard::Knowledge { query, result }]
        }
        Job::Report { ticket, wanted, pdf, lang, dir } => {
            let result = report(record.reader(), site, clock, &wanted, pdf, lang, &dir);
            vec![Heard::Report { ticket, result }]
        }
        Job::Load | Job::Detail(_) | Job::Poll | Job::Committed(_) | Job::Site(_) => {
            *changed = true;
            Vec::new()
        }
    }
}

/// How many entries a search in the console shows.
const KNOWLEDGE_SHOWN: usize = 50;

/// This week's and this month's statistics.
fn stats(
    store: &dyn Store,
    site: &Site,
    clock: Clock,
    today: chrono::NaiveDate,
) -> Result<Box<(ServiceStats, ServiceStats)>, String> {
    use crate::report::build::{month_of, service_stats, week_of};
    let lang = site.lang();
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

/// Writes a report as Markdown, CSV and a printable page into `dir` (and a PDF of the
/// page when asked); says where, or what could not be written.
fn report(
    store: &dyn Store,
    site: &Site,
    clock: Clock,
    wanted: &Wanted,
    pdf: bool,
    lang: Lang,
    dir: &std::path::Path,
) -> Result<Vec<String>, String> {
    use crate::report::build::Format;
    let mut written = Vec::new();
    let path_of = |ext: &str| dir.join(format!("{}.{}.{ext}", wanted.stem(), lang.code()));
    let write = |path: &std::path::Path, bytes: &[u8]| {
        crate::files::write_private(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
    };
    let formats = [Format::Markdown, Format::Csv, Format::Html];
    let texts =
        crate::report::build::build_each(store, site, wanted, &formats, lang, clock.now()).map_err(|e| {
            match e.downcast::<StoreError>() {
                Ok(e) => crate::i18n::store_error(&e, lang),
                Err(e) => format!("{e:#}"),
            }
        })?;
    for (format, text) in formats.into_iter().zip(&texts) {
        let path = path_of(format.extension());
        write(&path, text.as_bytes())?;
        written.push(path.display().to_string());
    }
    let page = formats.iter().zip(&texts).find(|(format, _)| **format == Format::Html).map(|(_, page)| page);
    if let (true, Some(page)) = (pdf, page) {
        // The others stand when the browser cannot print; the message says both.
        let printed = crate::report::print::pdf(page).map_err(|e| {
            format!("{}: {}; {}", lang.pick("报告已写入", "report written"), written.join(", "), e.say(lang))
        })?;
        let path = path_of("pdf");
        write(&path, &printed)?;
        written.push(path.display().to_string());
    }
    Ok(written)
}

/// What to do once the jobs in hand are answered.
#[derive(Default)]
struct Then {
    load: bool,
    catch_up: bool,
    detail: bool,
    pushed: Vec<StoredEvent>,
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
            // Jobs that came in while the record was slow are taken together: a burst
            // of polls is one look.
            let mut batch = vec![job];
            batch.extend(jobs.try_iter());
            let mut then = Then::default();
            for job in batch {
                match job {
                    Job::Load => then.load = true,
                    Job::Detail(detail) => {
                        self.detail = detail;
                        then.detail = true;
                    }
                    Job::Poll => then.catch_up = true,
                    Job::Committed(events) => then.pushed.extend(events),
                    Job::Site(site) => {
                        self.site = (*site).clone();
                        if let Some(record) = &mut self.record {
                            record.new_site(*site);
                        }
                        then.load = true;
                    }
                    job => {
                        // A job that panics must not take the console's link with it.
                        let mut wrote = false;
                        let answered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            self.answer(job, &mut wrote)
                        }));
                        let heard = answered.unwrap_or_else(|_| {
                            self.record = None;
                            self.set_busy(false);
                            Vec::new()
                        });
                        then.catch_up |= wrote;
                        for heard in heard {
                            if self.heard.send(heard).is_err() {
                                return;
                            }
                        }
                    }
                }
            }
            if then.load || self.head.is_none() {
                self.load();
            } else if !then.pushed.is_empty() || then.catch_up || then.detail {
                self.catch_up(then.pushed, then.detail);
            }
        }
    }

    /// Answers a job that needs the record, opening it first if need be; while the
    /// worker waits, it is marked busy, so the console can say "store slow".
    fn answer(&mut self, job: Job, wrote: &mut bool) -> Vec<Heard> {
        self.set_busy(true);
        let heard = match self.open() {
            Ok(()) => {
                let record = self.record.as_mut().expect("opened above");
                answer(job, &mut **record, &self.site, self.clock, wrote)
            }
            Err(e) => {
                let text = crate::i18n::store_error(&e, self.lang());
                match job {
                    Job::Perform { ticket, .. } => vec![Heard::Done { ticket, result: Err(e) }],
                    Job::Stats { .. } => vec![Heard::Stats(Err(text))],
                    Job::Knowledge { query } => vec![Heard::Knowledge { query, result: Err(text) }],
                    Job::Report { ticket, .. } => vec![Heard::Report { ticket, result: Err(text) }],
                    _ => Vec::new(),
                }
            }
        };
        self.set_busy(false);
        // A write that failed because the store is gone: say so at once.
        for reply in &heard {
            if let Heard::Done { result: Err(e), .. } = reply
                && gone(e)
            {
                self.down(e);
                self.forget_if_gone(e);
            }
        }
        heard
    }

    fn set_busy(&self, busy: bool) {
        *self.busy.lock().unwrap_or_else(|p| p.into_inner()) = busy.then(|| self.clock.now());
    }

    /// Opens the record if it is not open (and reports a broken chain once).
    fn open(&mut self) -> Result<(), StoreError> {
        if self.record.is_none() {
            let (record, broken) = (self.opener)()?;
            if let Some(bad) = broken {
                let _ = self.heard.send(Heard::RecordBroken(bad));
            }
            if self.opened_before {
                let _ = self.heard.send(Heard::Relinked);
            }
            self.opened_before = true;
            self.record = Some(record);
        }
        Ok(())
    }

    /// A store that vanished or is not the one seen before is opened afresh (and
    /// checked again) next time; a lost service connection is made again.
    fn forget_if_gone(&mut self, error: &StoreError) {
        if matches!(
            error,
            StoreError::Vanished { .. }
                | StoreError::NotAsSeen(_)
                | StoreError::NotAStore { .. }
                | StoreError::Remote(crate::store::RemoteError {
                    kind: crate::store::RemoteKind::Service,
                    ..
                })
        ) {
            self.record = None;
        }
    }

    /// Runs a read on the record, marked busy.
    fn read<T>(
        &mut self,
        f: impl FnOnce(&dyn Store, &Site, Clock) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.set_busy(true);
        let result = self.open().and_then(|()| {
            let record = self.record.as_ref().expect("opened above");
            f(record.reader(), &self.site, self.clock)
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
        self.site.lang()
    }

    /// Reads everything.
    fn load(&mut self) {
        if self.down_since.is_some() && Instant::now() < self.next_try {
            return;
        }
        let detail = self.detail.clone();
        match self.read(|store, site, clock| Snapshot::load(store, site, clock.now(), detail.as_ref())) {
            Ok(snapshot) => {
                self.down_since = None;
                self.head = Some(snapshot.head);
                self.lease = Some(snapshot.lease.clone());
                self.hourly = Instant::now();
                let _ = self.heard.send(Heard::Loaded(Box::new(snapshot)));
                // Reading everything leaves its scaffolding (whole frames, rows as
                // read) freed but held by this thread's allocator arena: give it back.
                // SAFETY: malloc_trim only returns free memory to the system.
                unsafe { libc::malloc_trim(0) };
            }
            Err(e) => self.down(&e),
        }
    }

    /// Reads what changed since the head the console has: the events after it (or those
    /// pushed, if they follow on), and what they touch; the lease, which moves without
    /// an event; every half minute the parts that change with the time of day.
    fn catch_up(&mut self, pushed: Vec<StoredEvent>, detail: bool) {
        if self.down_since.is_some() {
            // Back after an outage: everything may have changed.
            self.head = None;
            self.load();
            return;
        }
        let Some(head) = self.head else { return self.load() };
        let follows_on = pushed.first().is_some_and(|e| e.seq == head + 1);
        let hourly = self.hourly.elapsed() >= HOURLY_PARTS;
        let known_detail = self.detail.clone();
        let result = self.read(|store, site, clock| {
            let now = clock.now();
            let events = if follows_on { pushed } else { store.events_after(head, CATCH_UP)? };
            if events.len() as u64 >= CATCH_UP {
                return Ok(None);
            }
            let head = events.last().map_or(head, |e| e.seq);
            let mut touched = Touched::by(&events);
            touched.agenda |= hourly;
            touched.duty |= hourly;
            touched.maintenance |= hourly;
            let mut delta = Delta::read(store, site, now, head, &touched, known_detail.as_ref())?;
            if detail && delta.timeline.is_none() {
                delta.timeline = match &known_detail {
                    Some(id) => Some((id.clone(), store.timeline(&id.0)?)),
                    None => None,
                };
            }
            let lease = store.lease()?;
            Ok(Some((delta, lease)))
        });
        match result {
            Ok(None) => self.load(),
            Ok(Some((mut delta, lease))) => {
                if hourly {
                    self.hourly = Instant::now();
                }
                if self.lease.as_ref() != Some(&lease) {
                    self.lease = Some(lease.clone());
                    delta.lease = Some(lease);
                }
                self.head = Some(delta.head);
                if delta.has_news() {
                    let _ = self.heard.send(Heard::Changed(Box::new(delta)));
                }
            }
            Err(e) => self.down(&e),
        }
    }
}

/// Whether the record is unreachable (rather than refusing).
fn gone(error: &StoreError) -> bool {
    matches!(
        error,
        StoreError::Backend { .. }
            | StoreError::Vanished { .. }
            | StoreError::Remote(crate::store::RemoteError {
                kind: crate::store::RemoteKind::Store | crate::store::RemoteKind::Service,
                ..
            })
    )
}
