//! The only place that writes. An append-only, hash-chained event log plus projection
//! tables, updated together in one transaction per command.
//!
//! `Store` is the interface every backend implements; the SQLite backend is the
//! embedded default. Chain rules and the fold from events to projections live here,
//! apart from SQL, so a second backend shares them.

pub mod chain;
pub mod knowledge;
mod passfile;
pub mod postgres;
pub mod projection;
pub mod seen;
pub mod sql;
pub mod sqlite;
pub mod tables;

use chrono::{DateTime, Utc};

use crate::domain::alarm::{AlarmCommand, AlarmLedger};
use crate::domain::check::{CheckResult, CheckState};
use crate::domain::{DomainError, Incident, IncidentCommand, IncidentId, Operator};
use crate::domain::{FaultArea, Severity};

pub use chain::{BadLink, Break};
pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

/// What an operator signs in with: the Argon2id hash of their secret (a PHC string) and
/// the key of their time-based codes, if they set one up.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredSecret {
    pub phc: String,
    pub code_key: Option<String>,
}

impl StoredSecret {
    /// What the `operator.secret_set` event names: a row put in behind the record's
    /// back has another.
    pub fn fingerprint(&self) -> String {
        use sha2::Digest;
        let mut hash = sha2::Sha256::new();
        hash.update(self.phc.as_bytes());
        hash.update(b"\n");
        hash.update(self.code_key.as_deref().unwrap_or("").as_bytes());
        hex::encode(&hash.finalize()[..16])
    }
}

impl std::fmt::Debug for StoredSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StoredSecret({})", self.fingerprint())
    }
}

/// One row of the event log.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StoredEvent {
    pub seq: u64,
    /// When the operator says it happened.
    pub occurred_at: DateTime<Utc>,
    /// When it was written.
    pub recorded_at: DateTime<Utc>,
    /// The operator id (or `engine` for the engine).
    pub actor: String,
    /// Which program wrote it, as whom, where: `cli os_user@host`.
    pub origin: String,
    pub kind: String,
    pub subject: String,
    /// The event's fields as JSON text, hashed exactly as stored.
    pub payload: String,
    pub prev_hash: String,
    pub hash: String,
}

impl StoredEvent {
    /// What a fold of its family reads: kind, payload, actor, when it happened.
    pub fn fields(&self) -> (&str, &str, &str, DateTime<Utc>) {
        (&self.kind, &self.payload, &self.actor, self.occurred_at)
    }
}

/// Events grouped by subject, the subjects in the order they first appear (a family
/// read once, each subject folded on its own events).
pub fn by_subject(events: &[StoredEvent]) -> Vec<(&str, Vec<&StoredEvent>)> {
    let mut groups: Vec<(&str, Vec<&StoredEvent>)> = Vec::new();
    for event in events {
        match groups.iter_mut().find(|(subject, _)| *subject == event.subject) {
            Some((_, own)) => own.push(event),
            None => groups.push((&event.subject, vec![event])),
        }
    }
    groups
}

/// Which incident a command is for.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// A new incident; its number is `<id_prefix><n>` with n the next free number.
    New {
        prefix: String,
        day_key: String,
    },
    Existing(IncidentId),
}

/// A command with everything the store needs to decide and record it.
#[derive(Clone, Debug)]
pub struct IncidentRequest<'a> {
    pub target: Target,
    pub command: IncidentCommand,
    pub actor: &'a Operator,
    pub origin: String,
    pub occurred_at: DateTime<Utc>,
    pub now: DateTime<Utc>,
    /// The version the operator saw; a different current version refuses the command.
    pub expected_version: Option<u64>,
    /// The limits on `occurred_at` where a person claims it (None: a source's time).
    pub claim: Option<crate::domain::incident::ClaimRule>,
}

/// An alarm acknowledgement or mute, with who and when.
#[derive(Clone, Debug)]
pub struct AlarmRequest<'a> {
    pub command: AlarmCommand,
    pub actor: &'a Operator,
    pub origin: String,
    pub now: DateTime<Utc>,
}

/// Who runs the engine, until when.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Lease {
    pub holder: String,
    pub heartbeat_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// What the site says about one check's failures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProbeRule {
    pub severity: Severity,
    pub area: FaultArea,
}

/// How check results become events and incidents.
pub struct ProbeRules<'a> {
    pub open_after: u32,
    pub resolve_on_recovery: bool,
    /// Incident numbering: prefix and the site's time zone (for the day in the number).
    pub prefix: String,
    pub tz: chrono_tz::Tz,
    pub rule_of: &'a (dyn Fn(&CheckResult) -> ProbeRule + Sync),
    /// The engine as an actor, and where it runs.
    pub actor: &'a Operator,
    pub origin: String,
    /// The language of what it writes into incidents (the site's).
    pub lang: crate::i18n::Lang,
}

/// One poll of an alert source: what it listed, or why it could not be read.
pub struct SourcePoll<'a> {
    pub source: &'a str,
    pub result: Result<Vec<crate::domain::alert::SourceAlert>, String>,
}

/// How alerts become incidents.
pub struct AlertRules<'a> {
    pub source: crate::domain::Source,
    pub prefix: String,
    pub tz: chrono_tz::Tz,
    pub actor: &'a Operator,
    pub origin: String,
}

/// Whether a source answered, since when.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SourceState {
    pub name: String,
    pub ok: bool,
    pub since: DateTime<Utc>,
    pub checked_at: DateTime<Utc>,
    pub error: Option<String>,
}

/// An acknowledgement still to be written back to the source the incident came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Writeback {
    pub id: i64,
    pub incident: IncidentId,
    pub source_ref: String,
    pub operator: String,
    pub comment: String,
    pub attempts: u32,
    pub last_error: Option<String>,
    /// The alert's labels (for a silence) as last fetched.
    pub labels: std::collections::BTreeMap<String, String>,
}

/// A command on an inspection run.
#[derive(Clone, Debug)]
pub struct RunRequest<'a> {
    pub run: String,
    pub command: crate::domain::checklist::RunCommand,
    pub actor: &'a Operator,
    pub origin: String,
    pub now: DateTime<Utc>,
    /// The version the operator saw, as for incidents.
    pub expected_version: Option<u64>,
}

/// A declaration that a scheduled inspection cannot be done.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Declined {
    pub slot: crate::domain::checklist::Slot,
    pub reason: String,
    pub by: String,
    pub at: DateTime<Utc>,
    /// Declared less than two hours before the run fell due (the rule asks for two).
    pub late_notice: bool,
}

/// Decides, from a subject's events so far, which events `(kind, payload)` to append.
pub type Decide<'a> = dyn FnMut(&[StoredEvent]) -> Result<Vec<(String, String)>, DomainError> + 'a;

/// The subject of console-level events (alarms, mutes).
pub const CONSOLE_SUBJECT: &str = "console";

/// What a committed command produced.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Committed {
    pub incident: Incident,
    pub events: Vec<StoredEvent>,
}

/// The result of walking the chain.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct VerifyReport {
    pub events: u64,
    pub head_hash: String,
    pub first_bad: Option<BadLink>,
}

/// Why the store did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Refused(#[from] DomainError),
    #[error(
        "incident {id} changed since version {expected}: now version {current}, last changed by {by} at {at}"
    )]
    Stale { id: IncidentId, expected: u64, current: u64, by: String, at: DateTime<Utc> },
    #[error("no incident {0}")]
    NotFound(IncidentId),
    #[error("inspection {run} changed: last by {by} at {at}")]
    StaleRun { run: String, by: String, at: DateTime<Utc> },
    #[error("the target store is not empty")]
    NotEmpty,
    #[error("the source chain is broken at seq {}", .0.seq)]
    BrokenSource(BadLink),
    /// The file or database is not a duty store; nothing was written to it.
    #[error("{location} is not a duty store: {why}")]
    NotAStore { location: String, why: NotAStoreWhy },
    /// Opened to read only, the store needs a migration first.
    #[error(
        "the store has schema version {version}; this duty needs {needed} (run `duty store migrate`, or any command that writes)"
    )]
    Outdated { version: i64, needed: i64 },
    /// The store's files were removed or replaced while open: this process stopped
    /// writing, since nobody else would see what it wrote.
    #[error("{path} was removed or replaced while it was open: this process stopped writing to it")]
    Vanished { path: String, wal: bool },
    /// The store is not the one this machine last saw at this place: another store, or
    /// the same one gone back in time.
    #[error("{0}")]
    NotAsSeen(Box<seen::Mismatch>),
    /// An error the service met, as it told it (both languages, and what kind it is).
    #[error("{}", .0.en)]
    Remote(RemoteError),
    #[error("store: {what}: {source}")]
    Backend {
        what: &'static str,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// A store error as it crosses the service's socket.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RemoteError {
    pub kind: RemoteKind,
    pub zh: String,
    pub en: String,
}

/// What kind of error the service met: what a front end acts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemoteKind {
    /// A rule refused it; nothing changed.
    Refused,
    /// What the operator saw is out of date.
    Stale,
    NotFound,
    /// The store itself failed (busy, unreachable, full).
    Store,
    /// The service could not take the request (a bad frame, not allowed).
    Service,
    /// Nobody acts at this shared terminal (never signed in, or signed out by the
    /// service after the site's idle time): sign in.
    SignInFirst,
}

impl RemoteError {
    /// The error as the service tells it.
    pub fn of(error: &StoreError) -> RemoteError {
        let kind = match error {
            StoreError::Remote(remote) => return remote.clone(),
            StoreError::Refused(crate::domain::DomainError::SignIn(
                crate::domain::signin::SignInRefusal::SignInFirst,
            )) => RemoteKind::SignInFirst,
            StoreError::Refused(_) | StoreError::NotEmpty | StoreError::BrokenSource(_) => {
                RemoteKind::Refused
            }
            StoreError::Stale { .. } | StoreError::StaleRun { .. } => RemoteKind::Stale,
            StoreError::NotFound(_) => RemoteKind::NotFound,
            _ => RemoteKind::Store,
        };
        RemoteError {
            kind,
            zh: crate::i18n::store_error(error, crate::i18n::Lang::Zh),
            en: crate::i18n::store_error(error, crate::i18n::Lang::En),
        }
    }
}

impl StoreError {
    /// Whether what the operator saw is out of date (a form keeps its text and takes
    /// the new version).
    pub fn is_stale(&self) -> bool {
        matches!(
            self,
            StoreError::Stale { .. }
                | StoreError::StaleRun { .. }
                | StoreError::Remote(RemoteError { kind: RemoteKind::Stale, .. })
        )
    }

    /// Whether nobody acts at the shared terminal this came from (the console locks).
    pub fn is_sign_in_first(&self) -> bool {
        matches!(
            self,
            StoreError::Refused(crate::domain::DomainError::SignIn(
                crate::domain::signin::SignInRefusal::SignInFirst
            )) | StoreError::Remote(RemoteError { kind: RemoteKind::SignInFirst, .. })
        )
    }

    /// Wraps a backend error with what the store was doing.
    pub fn backend<E>(what: &'static str) -> impl FnOnce(E) -> StoreError
    where
        E: std::error::Error + Send + Sync + 'static,
    {
        move |source| StoreError::Backend { what, source: Box::new(source) }
    }
}

/// Why a file or database is not taken for a duty store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotAStoreWhy {
    NotAFile,
    Empty,
    NotSqlite,
    Foreign { application_id: i64, version: i64 },
    NoSchema,
}

impl std::fmt::Display for NotAStoreWhy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotAStoreWhy::NotAFile => write!(f, "it is not a regular file"),
            NotAStoreWhy::Empty => write!(f, "it is an empty file where a store was expected"),
            NotAStoreWhy::NotSqlite => write!(f, "it is not an SQLite database"),
            NotAStoreWhy::Foreign { application_id, version } => write!(
                f,
                "it is another program's database (application id {application_id:#x}, version {version})"
            ),
            NotAStoreWhy::NoSchema => write!(f, "the database has no duty schema"),
        }
    }
}

/// A new store's identity: 128 random bits in hex.
pub fn new_store_id() -> String {
    let mut bytes = [0u8; 16];
    let _ = crate::files::random_bytes(&mut bytes);
    hex::encode(bytes)
}

/// A store of either kind, chosen by where it is.
pub type AnyStore = Box<dyn Store>;

/// Where the store is: an SQLite file, or a PostgreSQL database (`postgres://...`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    File(std::path::PathBuf),
    Postgres(String),
}

impl Location {
    /// A `postgres://` or `postgresql://` URL names a server; anything else a file.
    pub fn parse(text: &std::path::Path) -> Location {
        let as_text = text.to_string_lossy();
        if as_text.starts_with("postgres://") || as_text.starts_with("postgresql://") {
            Location::Postgres(as_text.into_owned())
        } else {
            Location::File(text.to_path_buf())
        }
    }

    /// Opens the store to write, creating it or migrating its schema as needed.
    pub fn open_for_writing(&self) -> Result<AnyStore, StoreError> {
        Ok(match self {
            Location::File(path) => Box::new(SqliteStore::open(path)?),
            Location::Postgres(url) => Box::new(PostgresStore::connect(url)?),
        })
    }

    /// Opens the store to read: nothing is created, migrated or written. A store that
    /// does not exist yet (no file; a database without the schema) reads as empty.
    pub fn open_for_reading(&self) -> Result<AnyStore, StoreError> {
        Ok(self.open_existing()?.unwrap_or_else(|| Box::new(SqliteStore::empty())))
    }

    /// The store to read, if there is one yet.
    fn open_existing(&self) -> Result<Option<AnyStore>, StoreError> {
        Ok(match self {
            Location::File(path) if !path.exists() => None,
            Location::File(path) => Some(Box::new(SqliteStore::open_read(path)?)),
            Location::Postgres(url) => match PostgresStore::connect_read(url) {
                Ok(store) => Some(Box::new(store)),
                Err(StoreError::NotAStore { why: NotAStoreWhy::NoSchema, .. }) => None,
                Err(e) => return Err(e),
            },
        })
    }

    /// Opens the store as every program does: first compared with what this machine
    /// last saw there (`seen`), so a store that vanished, was swapped or went back in
    /// time is an error, not a shorter history; then the tail of its chain is checked.
    pub fn open_checked(
        &self,
        write: bool,
        ledger: &seen::Ledger,
        clock: crate::clock::Clock,
    ) -> Result<Opened, StoreError> {
        let key = self.ledger_key();
        let record = ledger.seen(&key);
        // A store that was here and is gone is an error, not a new empty one.
        if matches!(self, Location::File(path) if !path.exists()) {
            seen::Ledger::compare(record.clone(), None)?;
        }
        let (store, real) = if write {
            (self.open_for_writing()?, true)
        } else {
            match self.open_existing()? {
                Some(store) => (store, true),
                None => {
                    seen::Ledger::compare(record.clone(), None)?;
                    (Box::new(SqliteStore::empty()) as AnyStore, false)
                }
            }
        };
        let sighting = seen::sighting(&*store)?;
        seen::Ledger::compare(record, Some((&*store, sighting)))?;
        let tail = store.verify_tail(TAIL_CHECKED)?;
        // Reading a store that is not there yet reads an empty one: nothing to remember.
        Ok(Opened { store, tail, ledger: ledger.clone(), key, clock, real, remembered: Default::default() })
    }

    /// The name the record of stores seen is kept under: the absolute file, or the URL's
    /// label.
    pub fn ledger_key(&self) -> String {
        match self {
            Location::File(path) => {
                std::path::absolute(path).unwrap_or_else(|_| path.clone()).display().to_string()
            }
            Location::Postgres(_) => self.label(),
        }
    }

    /// How to name it to people: the file, or the server and database without any
    /// password.
    pub fn label(&self) -> String {
        match self {
            Location::File(path) => path.display().to_string(),
            Location::Postgres(url) => {
                let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
                let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
                format!("{scheme}://{}", rest.split('?').next().unwrap_or(rest))
            }
        }
    }
}

/// How many of the last events are checked whenever a store is opened.
pub const TAIL_CHECKED: u64 = 256;

/// A store opened by `Location::open_checked`: what this machine saw of it is brought up
/// to date when it is let go, so the next open can tell if it went back.
pub struct Opened {
    store: AnyStore,
    /// The check of the chain's tail made when it was opened.
    pub tail: VerifyReport,
    ledger: seen::Ledger,
    key: String,
    clock: crate::clock::Clock,
    /// False for the empty stand-in read where no store exists yet.
    real: bool,
    /// When the record of what was seen was last written.
    remembered: std::cell::Cell<Option<std::time::Instant>>,
}

/// How often a busy process brings the record of what it saw forward.
const REMEMBER_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

impl Opened {
    /// Records the store as it is now, at most once a second while it is busy (and
    /// always when it is let go): the record only has to catch a store going back.
    pub fn remember(&self) {
        let due = self.remembered.get().is_none_or(|at| at.elapsed() >= REMEMBER_EVERY);
        if due {
            self.remember_now();
        }
    }

    fn remember_now(&self) {
        if !self.real {
            return;
        }
        if let Ok(sighting) = seen::sighting(&*self.store) {
            self.ledger.remember(&self.key, sighting, self.clock.now());
            self.remembered.set(Some(std::time::Instant::now()));
        }
    }
}

impl std::ops::Deref for Opened {
    type Target = dyn Store;
    fn deref(&self) -> &(dyn Store + 'static) {
        &*self.store
    }
}

impl std::ops::DerefMut for Opened {
    fn deref_mut(&mut self) -> &mut (dyn Store + 'static) {
        &mut *self.store
    }
}

impl Drop for Opened {
    fn drop(&mut self) {
        self.remember_now();
    }
}

/// The store interface shared by all backends.
pub trait Store: Send {
    /// Decides and records one command in one transaction.
    fn execute(&mut self, request: IncidentRequest<'_>) -> Result<Committed, StoreError>;
    /// One incident from the projection.
    fn incident(&self, id: &IncidentId) -> Result<Option<Incident>, StoreError>;
    /// All incidents, or only those not yet closed.
    fn incidents(&self, include_closed: bool) -> Result<Vec<Incident>, StoreError>;
    /// The events of one subject, oldest first.
    fn timeline(&self, subject: &str) -> Result<Vec<StoredEvent>, StoreError>;
    /// The log, oldest first, optionally only events recorded at or after `since`.
    fn events(&self, since: Option<DateTime<Utc>>) -> Result<Vec<StoredEvent>, StoreError>;
    /// Up to `limit` events after `seq`, oldest first: what changed since a console last
    /// looked.
    fn events_after(&self, seq: u64, limit: u64) -> Result<Vec<StoredEvent>, StoreError>;
    /// The highest seq written; consoles poll it to see changes.
    fn head(&self) -> Result<u64, StoreError>;
    /// Walks the whole chain.
    fn verify(&self) -> Result<VerifyReport, StoreError>;
    /// Checks the last `count` events and the recorded head: the quick look taken every
    /// time a store is opened. `events` in the report counts the events checked.
    fn verify_tail(&self, count: u64) -> Result<VerifyReport, StoreError>;
    /// The store's identity and the head of its chain, in one snapshot.
    fn identity(&self) -> Result<(String, Option<(u64, String)>), StoreError>;
    /// The stored hash of the event with this seq.
    fn hash_at(&self, seq: u64) -> Result<Option<String>, StoreError>;
    /// Records an alarm acknowledgement or a mute.
    fn record_alarm(&mut self, request: AlarmRequest<'_>) -> Result<StoredEvent, StoreError>;
    /// Which alarms were acknowledged, and the latest mute.
    fn alarm_ledger(&self) -> Result<AlarmLedger, StoreError>;
    /// Records a batch of check results in one transaction: status changes become
    /// events; sustained failures open incidents; recoveries note (and may resolve) them.
    /// Returns the number of events written.
    fn record_checks(
        &mut self,
        results: &[CheckResult],
        rules: &ProbeRules<'_>,
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError>;
    /// Where every check stands.
    fn check_states(&self) -> Result<Vec<CheckState>, StoreError>;
    /// Takes or renews the engine lease for `holder` if it is free, expired or already
    /// theirs; returns the lease as it stands afterwards (possibly someone else's).
    fn acquire_lease(
        &mut self,
        holder: &str,
        now: DateTime<Utc>,
        ttl: chrono::Duration,
    ) -> Result<Lease, StoreError>;
    /// Gives the lease up (on a clean shutdown) so another process takes over at once.
    fn release_lease(&mut self, holder: &str) -> Result<(), StoreError>;
    /// Who holds the lease, if anyone ever did.
    fn lease(&self) -> Result<Option<Lease>, StoreError>;
    /// Records one poll of an alert source in one transaction: new alerts open incidents
    /// (one per alert, however often it is fetched), ended ones are noted, and a change
    /// in the source's health is an event.
    fn record_alerts(
        &mut self,
        poll: &SourcePoll<'_>,
        rules: &AlertRules<'_>,
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError>;
    /// Whether each source answered at its last poll, since when.
    fn source_states(&self) -> Result<Vec<SourceState>, StoreError>;
    /// Acknowledgements not yet written back to their source.
    fn pending_writebacks(&self) -> Result<Vec<Writeback>, StoreError>;
    /// Records how a write-back went: done (an event), or failed (kept for a retry).
    fn finish_writeback(
        &mut self,
        writeback: &Writeback,
        outcome: Result<String, String>,
        actor: &Operator,
        origin: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Schedules a maintenance window (the store numbers it); checks failing inside it
    /// open no incident.
    fn schedule_maintenance(
        &mut self,
        window: crate::domain::maintenance::Window,
        actor: &Operator,
        origin: &str,
        now: DateTime<Utc>,
    ) -> Result<crate::domain::maintenance::Window, StoreError>;
    /// Ends a current or planned window now.
    fn end_maintenance(
        &mut self,
        id: &str,
        actor: &Operator,
        origin: &str,
        now: DateTime<Utc>,
    ) -> Result<crate::domain::maintenance::Window, StoreError>;
    /// Every maintenance window, soonest end first.
    fn maintenance_windows(&self) -> Result<Vec<crate::domain::maintenance::Window>, StoreError>;
    /// Decides and records one command on an inspection run.
    fn execute_run(&mut self, request: RunRequest<'_>) -> Result<crate::domain::checklist::Run, StoreError>;
    /// One run, if started.
    fn run(&self, id: &str) -> Result<Option<crate::domain::checklist::Run>, StoreError>;
    /// Runs whose due time lies in `[from, to)`.
    fn runs_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<crate::domain::checklist::Run>, StoreError>;
    /// Declares that a scheduled inspection cannot be done, with the reason.
    fn decline_run(
        &mut self,
        slot: &crate::domain::checklist::Slot,
        reason: &str,
        actor: &Operator,
        origin: &str,
        now: DateTime<Utc>,
    ) -> Result<Declined, StoreError>;
    /// Declarations for slots due in `[from, to)`.
    fn declined_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<Declined>, StoreError>;
    /// Records an event that needs no projection (SSH runs, trusted keys, shells).
    fn record_event(
        &mut self,
        kind: &str,
        subject: &str,
        payload: String,
        actor: &Operator,
        origin: &str,
        now: DateTime<Utc>,
    ) -> Result<StoredEvent, StoreError>;
    /// Decides new events for `subject` from its history and appends them, in one
    /// transaction (so two people acting at once are decided one after the other).
    fn append_decided(
        &mut self,
        subject: &str,
        decide: &mut Decide<'_>,
        actor: &Operator,
        origin: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<StoredEvent>, StoreError>;
    /// The events whose kind starts with `prefix` (e.g. `ssh.`), oldest first; only
    /// those recorded at or after `since`, if given.
    fn events_of(&self, prefix: &str, since: Option<DateTime<Utc>>) -> Result<Vec<StoredEvent>, StoreError>;
    /// The secret an operator signs in with at the shared terminal, if they set one
    /// (read in the process that keeps the store: never sent over the service's socket).
    fn secret(&self, operator: &str) -> Result<Option<StoredSecret>, StoreError>;
    /// Keeps an operator's new secret and records that they set it (`operator.secret_set`
    /// with `payload`), in one transaction.
    fn set_secret(
        &mut self,
        secret: &StoredSecret,
        payload: String,
        actor: &Operator,
        origin: &str,
        now: DateTime<Utc>,
    ) -> Result<StoredEvent, StoreError>;
    /// One entry of the knowledge base.
    fn knowledge(&self, id: &str) -> Result<Option<crate::domain::knowledge::Entry>, StoreError>;
    /// The newest entries of the knowledge base holding every term of `query`.
    fn search_knowledge(
        &self,
        query: &str,
        limit: usize,
    ) -> Result<Vec<crate::domain::knowledge::Entry>, StoreError>;
    /// Throws the projections away and folds them again from the events.
    fn rebuild(&mut self) -> Result<u64, StoreError>;
    /// Writes another store's whole log, as stored, into this empty one and folds the
    /// projections (a move between backends). Refuses a non-empty store and a broken
    /// chain.
    fn import(&mut self, events: &[StoredEvent]) -> Result<u64, StoreError>;
}
