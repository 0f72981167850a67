//! The engine process loop: hold the lease, run the scheduler while holding it, and
//! write results in batches (one transaction per batch). Used by `duty engine` and, in
//! the background, by a console when nobody else holds the lease.
//!
//! The engine outlives its store. Every store error (the lease, results, alerts,
//! write-backs) is retried with back-off while the probes go on into memory; when the
//! store answers again the lease is taken again first, and only then is what was
//! probed meanwhile written (or dropped, if another engine took over). How it is doing
//! is posted on a watch channel and in a file `duty status` reads (`health`). A headless
//! engine that cannot reach the store for the site's limit ends with an error, so that
//! systemd restarts it and the outage is seen.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use super::health::{Board, EngineState, Health};
use super::probe::Prober;
use super::scheduler;
use super::sources::{self, SourceAlert, SourceError};
use crate::clock::Clock;
use crate::config::{CheckSpec, Site};
use crate::domain::check::{CheckResult, SheetColumn};
use crate::domain::{FaultArea, Operator, Role};
use crate::store::{
    AlertRules, Location, Opened, ProbeRule, ProbeRules, SourcePoll, Store, StoreError, Writeback, seen,
};

/// How long a lease lasts without renewal; another process takes over after it.
pub const LEASE_TTL_SECONDS: i64 = 15;
/// How often the holder renews (and others try to take over).
pub const LEASE_RENEW: Duration = Duration::from_secs(5);
/// How often the lease holder records inspections missed since it last looked.
const MISSED_EVERY: Duration = Duration::from_secs(60);
/// Results are written at least this often, or when this many are waiting.
const FLUSH_EVERY: Duration = Duration::from_millis(250);
const FLUSH_AT: usize = 500;
/// Results kept in memory while the store is away; beyond this the oldest go.
const BUFFER_LIMIT: usize = 100_000;
/// The first and the longest wait before the store is tried again.
const RETRY_FIRST: Duration = Duration::from_millis(500);
const RETRY_LONGEST: Duration = Duration::from_secs(10);

/// The engine's identity in the log: `host:pid program`.
pub fn holder_id(program: &str) -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_default();
    format!("{host}:{} {program}", std::process::id())
}

/// The engine as an actor in the event log.
pub fn engine_operator() -> Operator {
    let id = crate::domain::ENGINE_ACTOR.to_string();
    Operator { id: id.clone(), name: id, role: Role::Operator }
}

/// The fault area an incident from a failing check belongs to.
fn area_of(spec: &CheckSpec, role: &str) -> FaultArea {
    match spec.column {
        SheetColumn::Network => FaultArea::NetworkDevice,
        SheetColumn::System => FaultArea::System,
        _ if role == "database" => FaultArea::Database,
        _ => FaultArea::OtherApplication,
    }
}

/// What a failing check's incident is, by the site.
fn probe_rule(site: &Site, result: &CheckResult) -> ProbeRule {
    let host = site.host(&result.host);
    let spec = host.and_then(|h| h.checks.iter().find(|c| c.name == result.check));
    ProbeRule {
        severity: spec.map_or(crate::domain::Severity::Serious, |s| s.severity),
        area: match (spec, host) {
            (Some(spec), Some(host)) => area_of(spec, &host.role),
            _ => FaultArea::System,
        },
    }
}

/// One alert source the engine polls.
#[derive(Clone)]
enum AlertSource {
    Alertmanager(crate::config::AlertmanagerSource),
    Zabbix(crate::config::ZabbixSource),
}

impl AlertSource {
    fn name(&self) -> &str {
        match self {
            AlertSource::Alertmanager(s) => &s.name,
            AlertSource::Zabbix(s) => &s.name,
        }
    }

    fn interval(&self) -> Duration {
        match self {
            AlertSource::Alertmanager(s) => s.interval,
            AlertSource::Zabbix(s) => s.interval,
        }
    }

    fn kind(&self) -> crate::domain::Source {
        match self {
            AlertSource::Alertmanager(_) => crate::domain::Source::Alertmanager,
            AlertSource::Zabbix(_) => crate::domain::Source::Zabbix,
        }
    }

    async fn fetch(&self, client: &reqwest::Client, site: &Site) -> Result<Vec<SourceAlert>, SourceError> {
        match self {
            AlertSource::Alertmanager(s) => sources::alertmanager::fetch(client, s, site).await,
            AlertSource::Zabbix(s) => sources::zabbix::fetch(client, s, site).await,
        }
    }

    /// Writes an acknowledgement back to this source.
    async fn write_back(
        &self,
        client: &reqwest::Client,
        writeback: &Writeback,
        now: DateTime<Utc>,
    ) -> Result<String, SourceError> {
        match self {
            AlertSource::Alertmanager(s) => {
                if writeback.labels.is_empty() {
                    return Err(SourceError::Payload("the alert's labels are not known yet".into()));
                }
                let id = sources::alertmanager::silence(
                    client,
                    s,
                    &writeback.labels,
                    &writeback.operator,
                    &writeback.comment,
                    now,
                )
                .await?;
                Ok(format!("silence {id} for {} min", s.silence_minutes))
            }
            AlertSource::Zabbix(s) => {
                let eventid = writeback.source_ref.rsplit(':').next().unwrap_or_default();
                sources::zabbix::acknowledge(client, s, eventid, &writeback.comment).await
            }
        }
    }

    /// Whether a source reference (`am:<name>:...`, `zbx:<name>:...`) is this source's.
    fn owns(&self, source_ref: &str) -> bool {
        let prefix = match self {
            AlertSource::Alertmanager(s) => format!("am:{}:", s.name),
            AlertSource::Zabbix(s) => format!("zbx:{}:", s.name),
        };
        source_ref.starts_with(&prefix)
    }
}

fn alert_sources(site: &Site) -> Vec<AlertSource> {
    site.alertmanagers
        .iter()
        .cloned()
        .map(AlertSource::Alertmanager)
        .chain(site.zabbixes.iter().cloned().map(AlertSource::Zabbix))
        .collect()
}

/// Why an engine ended with an error.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("the store has not answered since {since}: {error}")]
    StoreUnreachable { since: DateTime<Utc>, error: String },
    #[error(transparent)]
    Setup(#[from] anyhow::Error),
}

/// Where and as whom an engine runs.
pub struct EngineRun {
    pub location: Location,
    /// The record of stores seen (a store that went back is not written to).
    pub ledger: seen::Ledger,
    pub holder: String,
    pub clock: Clock,
    /// The login for SSH checks.
    pub ssh_user: String,
    /// End with an error after the store has been away this long (a headless engine);
    /// `None`: go on trying for ever (a console's engine, whose console says so).
    pub outage_limit: Option<Duration>,
    /// Where to publish how it is doing.
    pub health: watch::Sender<Health>,
    pub board: Option<Board>,
}

/// The store as the engine holds it: opened lazily, and on failure marked down with the
/// time and the error, then tried again after a growing wait.
struct StoreLink {
    location: Location,
    ledger: seen::Ledger,
    clock: Clock,
    store: Option<Opened>,
    down_since: Option<DateTime<Utc>>,
    last_error: Option<String>,
    retry_at: Instant,
    backoff: Duration,
    /// After an outage the lease is taken again before anything else is written.
    lease_confirmed: bool,
}

impl StoreLink {
    fn new(location: Location, ledger: seen::Ledger, clock: Clock) -> StoreLink {
        StoreLink {
            location,
            ledger,
            clock,
            store: None,
            down_since: None,
            last_error: None,
            retry_at: Instant::now(),
            backoff: RETRY_FIRST,
            lease_confirmed: false,
        }
    }

    fn ready(&self) -> bool {
        self.down_since.is_none() || Instant::now() >= self.retry_at
    }

    /// Runs `f` on the store, unless it is down and not yet due for another try. Store
    /// calls block; `block_in_place` lets the probes go on meanwhile.
    fn call<T>(&mut self, f: impl FnOnce(&mut dyn Store) -> Result<T, StoreError>) -> Option<T> {
        if !self.ready() {
            return None;
        }
        let result = tokio::task::block_in_place(|| {
            if self.store.is_none() {
                self.store = Some(self.location.open_checked(true, &self.ledger, self.clock)?);
            }
            let store = self.store.as_mut().expect("opened above");
            f(&mut **store)
        });
        match result {
            Ok(value) => {
                if self.down_since.take().is_some() {
                    crate::log::write(&format!(
                        "engine: the store answers again ({})",
                        self.location.label()
                    ));
                }
                self.last_error = None;
                self.backoff = RETRY_FIRST;
                Some(value)
            }
            Err(error) => {
                let now = self.clock.now();
                let text = error.to_string();
                if self.down_since.is_none() {
                    crate::log::write(&format!("engine: store error: {text}"));
                    self.down_since = Some(now);
                }
                self.last_error = Some(text);
                self.lease_confirmed = false;
                self.retry_at = Instant::now() + self.backoff;
                self.backoff = (self.backoff * 2).min(RETRY_LONGEST);
                // A store that vanished or went back is opened afresh (and checked
                // against the record again) next time; a busy or lost connection
                // mends itself.
                if matches!(
                    error,
                    StoreError::Vanished { .. } | StoreError::NotAsSeen(_) | StoreError::NotAStore { .. }
                ) {
                    self.store = None;
                }
                None
            }
        }
    }
}

/// What the engine does for the site as it stands: rebuilt when the site changes.
struct Plan {
    site: Site,
    specs: Vec<CheckSpec>,
    sources: Vec<AlertSource>,
    next_poll: Vec<Instant>,
    polling: Vec<bool>,
    prober: Arc<Prober>,
}

impl Plan {
    fn new(site: Site, clock: Clock, ssh_user: &str) -> anyhow::Result<Plan> {
        let prober = Arc::new(Prober::with_ssh(
            super::probe::SshReach {
                settings: site.ssh.clone(),
                hosts: site.hosts.clone(),
                user: ssh_user.to_string(),
                pool: crate::ssh::pool::Pool::of(&site.ssh),
            },
            clock,
        )?);
        let specs: Vec<CheckSpec> = site.checks().cloned().collect();
        let sources = alert_sources(&site);
        let now = Instant::now();
        Ok(Plan {
            next_poll: vec![now; sources.len()],
            polling: vec![false; sources.len()],
            site,
            specs,
            sources,
            prober,
        })
    }
}

type PollResult = (usize, String, Result<Vec<SourceAlert>, String>);

/// Runs until `stop` turns true; returns after releasing the lease (if the store can be
/// reached). `sites` brings a new site when the site folder changes and the change is
/// valid; the checks are re-targeted at once.
pub async fn run(
    engine: EngineRun,
    mut sites: watch::Receiver<Site>,
    mut stop: watch::Receiver<bool>,
) -> Result<(), EngineError> {
    let clock = engine.clock;
    let holder = engine.holder.clone();
    let mut link = StoreLink::new(engine.location.clone(), engine.ledger.clone(), clock);
    let mut health = Health::new(&holder, &engine.location.ledger_key(), clock.now());
    let mut plan = Plan::new(sites.borrow_and_update().clone(), clock, &engine.ssh_user)?;
    let actor = engine_operator();
    let origin = format!("engine {holder}");
    let client = reqwest::Client::builder().no_proxy().build().map_err(anyhow::Error::from)?;
    let (polls_tx, mut polls_rx) = mpsc::channel::<PollResult>(16);
    let (results_tx, mut results_rx) = mpsc::channel::<CheckResult>(FLUSH_AT * 2);
    let mut scheduler: Option<(watch::Sender<bool>, tokio::task::JoinHandle<()>)> = None;
    let mut buffer: VecDeque<CheckResult> = VecDeque::new();
    let mut holding = false;
    let mut renew = tokio::time::interval(LEASE_RENEW);
    renew.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut flush = tokio::time::interval(FLUSH_EVERY);
    flush.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut source_tick = tokio::time::interval(Duration::from_secs(1));
    let ttl = chrono::Duration::seconds(LEASE_TTL_SECONDS);
    let mut missed_looked: Option<Instant> = None;
    let mut seal_problem: Option<String> = None;
    let publish = |health: &mut Health, link: &StoreLink, state: EngineState, buffered: usize| {
        let changed = health.state != state
            || health.store_down_since != link.down_since
            || health.last_error != link.last_error;
        health.state = state;
        health.store_down_since = link.down_since;
        health.last_error = link.last_error.clone();
        health.buffered = buffered;
        health.updated_at = clock.now();
        changed
    };
    // Takes or renews the lease; on a change of holder starts or stops the scheduler.
    // While the store does not answer, nothing changes: the probes go on into memory.
    macro_rules! renew_lease {
        () => {
            if let Some(lease) = link.call(|store| store.acquire_lease(&holder, clock.now(), ttl)) {
                holding = lease.holder == holder;
                link.lease_confirmed = holding;
                if !holding {
                    // Another engine has the lease (perhaps it took over while this one
                    // could not reach the store): what we probed meanwhile is theirs to
                    // observe, not ours to write.
                    if let Some((stop_tx, task)) = scheduler.take() {
                        let _ = stop_tx.send(true);
                        let _ = task.await;
                    }
                    buffer.clear();
                }
            }
            if holding && scheduler.is_none() && !plan.specs.is_empty() {
                let (stop_tx, stop_rx) = watch::channel(false);
                let task = tokio::spawn(scheduler::run(
                    plan.specs.clone(),
                    plan.prober.clone(),
                    plan.site.engine.concurrency,
                    results_tx.clone(),
                    stop_rx,
                ));
                scheduler = Some((stop_tx, task));
            }
        };
    }
    loop {
        tokio::select! {
            _ = renew.tick() => {
                renew_lease!();
                if holding && link.lease_confirmed {
                    write_back(&mut link, &plan.sources, &client, &actor, &origin, clock).await;
                    // A seal once an epoch, where this process keeps a sealing key. A key
                    // file that cannot be used is no store outage: said once, and sealing
                    // waits for it to be mended.
                    let key = crate::seal::key_path();
                    // Each seal also goes to the system journal, out of the store's reach.
                    let sealed = link.call(|store| {
                        match crate::seal::seal_now(store, &key, &actor, &origin, clock.now()) {
                            Err(crate::seal::SealError::Store(e)) => Err(e),
                            Err(e) => Ok(Some(format!("not sealing: {e}"))),
                            Ok(None) => Ok(None),
                            Ok(Some(seal)) => {
                                let (store_id, _) = store.identity()?;
                                Ok(crate::journal::seal(&store_id, &seal)
                                    .err()
                                    .map(|e| format!("sealed, but the system journal did not take it: {e}")))
                            }
                        }
                    });
                    if let Some(problem) = sealed
                        && problem != seal_problem
                    {
                        if let Some(why) = &problem {
                            crate::log::write(&format!("engine: {why}"));
                        }
                        seal_problem = problem;
                    }
                    if missed_looked.is_none_or(|at| at.elapsed() >= MISSED_EVERY) {
                        missed_looked = Some(Instant::now());
                        let site = &plan.site;
                        link.call(|store| crate::agenda::record_missed(store, site, &actor, &origin, clock.now()));
                        link.call(|store| crate::ops::confirm::auto_confirm(store, site, &actor, &origin, clock.now()));
                    }
                }
            }
            Some(result) = results_rx.recv() => {
                buffer.push_back(result);
                if buffer.len() > BUFFER_LIMIT {
                    buffer.pop_front();
                    health.dropped += 1;
                }
                if buffer.len() >= FLUSH_AT && link.lease_confirmed {
                    flush_results(&mut link, &mut buffer, &plan.site, &actor, &origin, clock);
                }
            }
            _ = flush.tick() => {
                if !link.lease_confirmed && holding && link.ready() {
                    // The store may be back: take the lease again before writing.
                    renew_lease!();
                }
                if !buffer.is_empty() && link.lease_confirmed {
                    flush_results(&mut link, &mut buffer, &plan.site, &actor, &origin, clock);
                }
                let state = match (link.down_since, holding) {
                    (Some(_), _) => EngineState::StoreDown,
                    (None, true) => EngineState::Running,
                    (None, false) => EngineState::Standby,
                };
                let changed = publish(&mut health, &link, state, buffer.len());
                if changed {
                    engine.health.send_replace(health.clone());
                    if let Some(board) = &engine.board {
                        board.post(&health);
                    }
                }
                if let (Some(limit), Some(since)) = (engine.outage_limit, link.down_since)
                    && (clock.now() - since).to_std().unwrap_or_default() >= limit
                {
                    let error = link.last_error.clone().unwrap_or_default();
                    stop_scheduler(&mut scheduler).await;
                    health.state = EngineState::Stopped;
                    engine.health.send_replace(health.clone());
                    if let Some(board) = &engine.board {
                        board.remove(health.pid);
                    }
                    return Err(EngineError::StoreUnreachable { since, error });
                }
            }
            _ = source_tick.tick(), if holding && !plan.sources.is_empty() => {
                let now = Instant::now();
                for (index, source) in plan.sources.iter().enumerate() {
                    if plan.polling[index] || plan.next_poll[index] > now {
                        continue;
                    }
                    plan.polling[index] = true;
                    plan.next_poll[index] = now + source.interval();
                    let (source, client, site, polls) =
                        (source.clone(), client.clone(), plan.site.clone(), polls_tx.clone());
                    tokio::spawn(async move {
                        let result = source.fetch(&client, &site).await.map_err(|e| e.to_string());
                        let _ = polls.send((index, source.name().to_string(), result)).await;
                    });
                }
            }
            Some((index, name, result)) = polls_rx.recv() => {
                // A poll of a source since removed from the site is dropped.
                let Some(source) = plan.sources.get(index).filter(|s| s.name() == name) else { continue };
                plan.polling[index] = false;
                if holding && link.lease_confirmed {
                    let rules = AlertRules {
                        source: source.kind(),
                        prefix: plan.site.incident_prefix.clone(),
                        tz: plan.site.tz,
                        actor: &actor,
                        origin: origin.clone(),
                    };
                    let poll = SourcePoll { source: &name, result };
                    // While the store is away the poll is dropped: the next one brings
                    // the same alerts again.
                    link.call(|store| store.record_alerts(&poll, &rules, clock.now()));
                }
            }
            Ok(()) = sites.changed() => {
                let site = sites.borrow_and_update().clone();
                match Plan::new(site, clock, &engine.ssh_user) {
                    Ok(new) => {
                        stop_scheduler(&mut scheduler).await;
                        if link.lease_confirmed {
                            flush_results(&mut link, &mut buffer, &plan.site, &actor, &origin, clock);
                        }
                        plan = new;
                        crate::log::write(&format!("engine: site reloaded ({} checks)", plan.specs.len()));
                        renew_lease!();
                    }
                    Err(e) => crate::log::write(&format!("engine: the new site cannot be used: {e:#}")),
                }
            }
            _ = stop.changed() => {
                if *stop.borrow() {
                    break;
                }
            }
        }
    }
    stop_scheduler(&mut scheduler).await;
    while let Ok(result) = results_rx.try_recv() {
        buffer.push_back(result);
    }
    if link.lease_confirmed {
        flush_results(&mut link, &mut buffer, &plan.site, &actor, &origin, clock);
        link.call(|store| store.release_lease(&holder));
    }
    health.state = EngineState::Stopped;
    engine.health.send_replace(health.clone());
    if let Some(board) = &engine.board {
        board.remove(health.pid);
    }
    Ok(())
}

async fn stop_scheduler(scheduler: &mut Option<(watch::Sender<bool>, tokio::task::JoinHandle<()>)>) {
    if let Some((stop_tx, task)) = scheduler.take() {
        let _ = stop_tx.send(true);
        let _ = task.await;
    }
}

/// Writes the waiting results in one transaction; on failure they stay for the next try.
fn flush_results(
    link: &mut StoreLink,
    buffer: &mut VecDeque<CheckResult>,
    site: &Site,
    actor: &Operator,
    origin: &str,
    clock: Clock,
) {
    if buffer.is_empty() {
        return;
    }
    let rule_of = |result: &CheckResult| probe_rule(site, result);
    let rules = ProbeRules {
        open_after: site.engine.open_incident_after,
        resolve_on_recovery: site.engine.resolve_on_recovery,
        prefix: site.incident_prefix.clone(),
        tz: site.tz,
        rule_of: &rule_of,
        actor,
        origin: origin.to_string(),
        lang: site.lang(),
    };
    let batch: Vec<CheckResult> = buffer.iter().cloned().collect();
    if link.call(|store| store.record_checks(&batch, &rules, clock.now())).is_some() {
        buffer.clear();
    }
}

/// Write-backs tried per lease renewal: each is bounded by its source's timeout, and
/// together they must end well within the lease.
const WRITEBACKS_PER_RENEWAL: usize = 2;

/// Writes pending acknowledgements back to their sources; a failure stays pending and
/// is retried at the next renewal.
async fn write_back(
    link: &mut StoreLink,
    sources: &[AlertSource],
    client: &reqwest::Client,
    actor: &Operator,
    origin: &str,
    clock: Clock,
) {
    let Some(pending) = link.call(|store| store.pending_writebacks()) else { return };
    for writeback in pending.into_iter().take(WRITEBACKS_PER_RENEWAL) {
        let outcome = match sources.iter().find(|s| s.owns(&writeback.source_ref)) {
            Some(source) => {
                source.write_back(client, &writeback, clock.now()).await.map_err(|e| e.to_string())
            }
            None => Err(format!("no source in sources.toml owns {}", writeback.source_ref)),
        };
        if link
            .call(|store| store.finish_writeback(&writeback, outcome, actor, origin, clock.now()))
            .is_none()
        {
            return;
        }
    }
}
