//! The engine process loop: hold the lease, run the scheduler while holding it, and
//! write results in batches (one transaction per batch). Used by `duty engine` and, in
//! the background, by a console when nobody else holds the lease.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch};

use super::probe::Prober;
use super::scheduler;
use crate::config::{CheckSpec, Site};
use crate::domain::check::{CheckResult, SheetColumn};
use crate::domain::{FaultArea, Operator, Role};
use crate::store::{ProbeRule, ProbeRules, SqliteStore, Store};

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

/// Runs until `stop` turns true. Returns after releasing the lease.
pub async fn run(
    site: Site,
    store_path: PathBuf,
    holder: String,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let mut store = SqliteStore::open(&store_path)?;
    let prober = Arc::new(Prober::new()?);
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
            in_maintenance: false,
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
    let (results_tx, mut results_rx) = mpsc::channel::<CheckResult>(FLUSH_AT * 2);
    let mut scheduler: Option<(watch::Sender<bool>, tokio::task::JoinHandle<()>)> = None;
    let mut batch: Vec<CheckResult> = Vec::new();
    let mut renew = tokio::time::interval(LEASE_RENEW);
    let mut flush = tokio::time::interval(FLUSH_EVERY);
    let ttl = chrono::Duration::seconds(LEASE_TTL_SECONDS);
    loop {
        tokio::select! {
            _ = renew.tick() => {
                let lease = store.acquire_lease(&holder, crate::time::now(), ttl)?;
                let mine = lease.holder == holder;
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
                    store.record_checks(&std::mem::take(&mut batch), &rules)?;
                }
            }
            _ = flush.tick() => {
                if !batch.is_empty() {
                    store.record_checks(&std::mem::take(&mut batch), &rules)?;
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
        store.record_checks(&batch, &rules)?;
    }
    store.release_lease(&holder)?;
    Ok(())
}
