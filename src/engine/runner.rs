//! The engine process loop: hold the lease, run the scheduler while holding it, and
//! write results in batches (one transaction per batch). Used by `duty engine` and, in
//! the background, by a console when nobody else holds the lease.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch};

use super::probe::Prober;
use super::scheduler;
use super::sources::{self, SourceAlert, SourceError};
use crate::config::{CheckSpec, Site};
use crate::domain::check::{CheckResult, SheetColumn};
use crate::domain::{FaultArea, Operator, Role};
use crate::store::{AlertRules, Location, ProbeRule, ProbeRules, SourcePoll, Store, Writeback};

/// How long a lease lasts without renewal; another process takes over after it.
pub const LEASE_TTL_SECONDS: i64 = 15;
/// How often the holder renews (and others try to take over).
pub const LEASE_RENEW: Duration = Duration::from_secs(5);
/// Results are written at least this often, or when this many are waiting.
const FLUSH_EVERY: Duration = Duration::from_millis(250);
const FLUSH_AT: usize = 500;

/// The engine's identity in the log: `host:pid program`.
pub fn holder_id(program: &str) -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_default();
    format!("{host}:{} {program}", std::process::id())
}

/// The engine as an actor in the event log.
pub fn engine_operator() -> Operator {
    Operator { id: "engine".into(), name: "engine".into(), role: Role::Operator }
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
        now: chrono::DateTime<chrono::Utc>,
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

/// Runs until `stop` turns true. Returns after releasing the lease.
pub async fn run(
    site: Site,
    location: Location,
    holder: String,
    clock: crate::clock::Clock,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let mut store = location.open()?;
    let prober = Arc::new(Prober::with_ssh(
        super::probe::SshReach {
            settings: site.ssh.clone(),
            hosts: site.hosts.clone(),
            user: crate::cli::operator_login(),
        },
        clock,
    )?);
    let specs: Vec<CheckSpec> = site.checks().cloned().collect();
    let actor = engine_operator();
    let rule_of = |result: &CheckResult| {
        let host = site.host(&result.host);
        let spec = host.and_then(|h| h.checks.iter().find(|c| c.name == result.check));
        ProbeRule {
            severity: spec.map_or(crate::domain::Severity::Serious, |s| s.severity),
            area: match (spec, host) {
                (Some(spec), Some(host)) => area_of(spec, &host.role),
                _ => FaultArea::System,
            },
        }
    };
    let rules = ProbeRules {
        open_after: site.engine.open_incident_after,
        resolve_on_recovery: site.engine.resolve_on_recovery,
        prefix: site.incident_prefix.clone(),
        tz: site.tz,
        rule_of: &rule_of,
        actor: &actor,
        origin: format!("engine {holder}"),
    };
    let sources = alert_sources(&site);
    let client = reqwest::Client::builder().no_proxy().build()?;
    let mut next_poll: Vec<tokio::time::Instant> = vec![tokio::time::Instant::now(); sources.len()];
    let mut polling = vec![false; sources.len()];
    let (polls_tx, mut polls_rx) = mpsc::channel::<(usize, Result<Vec<SourceAlert>, String>)>(16);
    let mut source_tick = tokio::time::interval(Duration::from_secs(1));
    let mut holding = false;
    let (results_tx, mut results_rx) = mpsc::channel::<CheckResult>(FLUSH_AT * 2);
    let mut scheduler: Option<(watch::Sender<bool>, tokio::task::JoinHandle<()>)> = None;
    let mut batch: Vec<CheckResult> = Vec::new();
    let mut renew = tokio::time::interval(LEASE_RENEW);
    let mut flush = tokio::time::interval(FLUSH_EVERY);
    let ttl = chrono::Duration::seconds(LEASE_TTL_SECONDS);
    loop {
        tokio::select! {
            _ = renew.tick() => {
                let lease = store.acquire_lease(&holder, clock.now(), ttl)?;
                let mine = lease.holder == holder;
                holding = mine;
                if mine {
                    write_back(&mut *store, &sources, &client, &actor, &rules.origin, clock).await?;
                }
                if mine && scheduler.is_none() && !specs.is_empty() {
                    let (stop_tx, stop_rx) = watch::channel(false);
                    let task = tokio::spawn(scheduler::run(
                        specs.clone(),
                        prober.clone(),
                        site.engine.concurrency,
                        results_tx.clone(),
                        stop_rx,
                    ));
                    scheduler = Some((stop_tx, task));
                } else if !mine && let Some((stop_tx, task)) = scheduler.take() {
                    let _ = stop_tx.send(true);
                    let _ = task.await;
                    batch.clear();
                }
            }
            Some(result) = results_rx.recv() => {
                batch.push(result);
                if batch.len() >= FLUSH_AT {
                    store.record_checks(&std::mem::take(&mut batch), &rules, clock.now())?;
                }
            }
            _ = flush.tick() => {
                if !batch.is_empty() {
                    store.record_checks(&std::mem::take(&mut batch), &rules, clock.now())?;
                }
            }
            _ = source_tick.tick(), if holding && !sources.is_empty() => {
                let now = tokio::time::Instant::now();
                for (index, source) in sources.iter().enumerate() {
                    if polling[index] || next_poll[index] > now {
                        continue;
                    }
                    polling[index] = true;
                    next_poll[index] = now + source.interval();
                    let (source, client, site, polls) = (source.clone(), client.clone(), site.clone(), polls_tx.clone());
                    tokio::spawn(async move {
                        let result = source.fetch(&client, &site).await.map_err(|e| e.to_string());
                        let _ = polls.send((index, result)).await;
                    });
                }
            }
            Some((index, result)) = polls_rx.recv() => {
                polling[index] = false;
                if holding {
                    let source = &sources[index];
                    let alert_rules = AlertRules {
                        source: source.kind(),
                        prefix: site.incident_prefix.clone(),
                        tz: site.tz,
                        actor: &actor,
                        origin: rules.origin.clone(),
                    };
                    store.record_alerts(&SourcePoll { source: source.name(), result }, &alert_rules, clock.now())?;
                }
            }
            _ = stop.changed() => {
                if *stop.borrow() {
                    break;
                }
            }
        }
    }
    if let Some((stop_tx, task)) = scheduler.take() {
        let _ = stop_tx.send(true);
        let _ = task.await;
    }
    while let Ok(result) = results_rx.try_recv() {
        batch.push(result);
    }
    if !batch.is_empty() {
        store.record_checks(&batch, &rules, clock.now())?;
    }
    store.release_lease(&holder)?;
    Ok(())
}

/// Write-backs tried per lease renewal: each is bounded by its source's timeout, and
/// together they must end well within the lease.
const WRITEBACKS_PER_RENEWAL: usize = 2;

/// Writes pending acknowledgements back to their sources; a failure stays pending and
/// is retried at the next renewal.
async fn write_back(
    store: &mut dyn Store,
    sources: &[AlertSource],
    client: &reqwest::Client,
    actor: &Operator,
    origin: &str,
    clock: crate::clock::Clock,
) -> anyhow::Result<()> {
    for writeback in store.pending_writebacks()?.into_iter().take(WRITEBACKS_PER_RENEWAL) {
        let outcome = match sources.iter().find(|s| s.owns(&writeback.source_ref)) {
            Some(source) => {
                source.write_back(client, &writeback, clock.now()).await.map_err(|e| e.to_string())
            }
            None => Err(format!("no source in sources.toml owns {}", writeback.source_ref)),
        };
        store.finish_writeback(&writeback, outcome, actor, origin, clock.now())?;
    }
    Ok(())
}
