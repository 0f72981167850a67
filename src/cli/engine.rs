//! `duty engine` (probes and sources, headless, for a systemd unit) and `duty status`.

use serde::Serialize;

use super::{Failure, Paths, Session};
use crate::domain::check::CheckStatus;
use crate::engine::health::{Board, EngineState, Health};
use crate::engine::runner;
use crate::engine::runner::{EngineError, EngineRun};
use crate::i18n::{Lang, local_time};
use crate::status::{HostRow, sheet};
use crate::store::Lease;
use crate::text::{fit, visible};

pub fn engine(paths: &Paths) -> anyhow::Result<()> {
    // Headless: what happens goes to stderr, which systemd keeps in the journal.
    crate::log::to_stderr();
    let session = paths.load_strict()?;
    let holder = runner::holder_id("engine");
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    runtime.block_on(async move {
        let sites = watched_site(&session);
        let (health_tx, _health) = health_of(&session, &holder);
        crate::log::write(&format!(
            "duty engine {holder}: running ({} checks)",
            session.site.checks().count()
        ));
        until_stopped(engine_run(&session, &holder, health_tx), sites, "engine").await
    })
}

/// The site as its files say, watched: edits reach whoever holds the receiver.
pub(super) fn watched_site(session: &Session) -> tokio::sync::watch::Receiver<crate::config::Site> {
    let (sites_tx, sites) = tokio::sync::watch::channel(session.site.clone());
    let (problems_tx, _problems) = tokio::sync::watch::channel(None);
    tokio::spawn(crate::config::watch::watch(session.site.dir.clone(), sites_tx, problems_tx));
    sites
}

/// Where a headless engine posts its health, and where it is read.
pub(super) fn health_of(
    session: &Session,
    holder: &str,
) -> (tokio::sync::watch::Sender<Health>, tokio::sync::watch::Receiver<Health>) {
    tokio::sync::watch::channel(Health::new(holder, &session.store.ledger_key(), session.now()))
}

/// The engine of a headless process (`duty engine`, `duty serve`) on the session's store.
pub(super) fn engine_run(
    session: &Session,
    holder: &str,
    health: tokio::sync::watch::Sender<Health>,
) -> EngineRun {
    EngineRun {
        location: session.store.clone(),
        ledger: crate::store::seen::Ledger::at(&crate::paths::seen_dir()),
        holder: holder.to_string(),
        clock: session.clock,
        ssh_user: session.identity.login().to_string(),
        outage_limit: Some(session.site.engine.store_outage_limit),
        health,
        board: Some(Board::at(&crate::paths::health_dir())),
    }
}

/// Runs the engine until SIGTERM, SIGINT or SIGQUIT (then stops it, releasing the lease)
/// or until it ends by itself; says how it ended, an outage past the limit as a failure
/// for systemd to restart.
pub(super) async fn until_stopped(
    run: EngineRun,
    sites: tokio::sync::watch::Receiver<crate::config::Site>,
    program: &str,
) -> anyhow::Result<()> {
    let holder = run.holder.clone();
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut engine = tokio::spawn(runner::run(run, sites, stop_rx));
    use tokio::signal::unix::{SignalKind, signal};
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut quit = signal(SignalKind::quit())?;
    let ended = tokio::select! {
        _ = terminate.recv() => None,
        _ = interrupt.recv() => None,
        _ = quit.recv() => None,
        ended = &mut engine => Some(ended),
    };
    let ended = match ended {
        Some(ended) => ended,
        None => {
            let _ = stop_tx.send(true);
            // A store that does not answer must not keep a stopping engine alive.
            match tokio::time::timeout(std::time::Duration::from_secs(3), &mut engine).await {
                Ok(ended) => ended,
                Err(_) => {
                    crate::log::write(&format!(
                        "duty {program} {holder}: stopped without releasing the lease"
                    ));
                    return Ok(());
                }
            }
        }
    };
    match ended {
        Ok(Ok(())) => {
            crate::log::write(&format!("duty {program} {holder}: stopped, lease released"));
            Ok(())
        }
        Ok(Err(e @ EngineError::StoreUnreachable { .. })) => {
            Err(Failure::Refused(format!("duty {program} {holder}: giving up: {e}")).into())
        }
        Ok(Err(EngineError::Setup(e))) => Err(e),
        Err(panic) => Err(anyhow::anyhow!("duty {program} {holder}: failed: {panic}")),
    }
}

pub fn status(paths: &Paths, json: bool) -> anyhow::Result<()> {
    let session: Session = paths.load_strict()?;
    // What the engines on this machine say of themselves, even when the store is away.
    let engines = Board::at(&crate::paths::health_dir()).read(&session.store.ledger_key());
    let lang = session.lang;
    let tz = session.site.tz;
    let store = match session.open_store() {
        Ok(store) => store,
        Err(e) => {
            if json {
                let view = serde_json::json!({ "store_error": format!("{e:#}"), "engines": engines });
                super::print_json(&view)?;
            } else {
                for health in &engines {
                    println!("{}", engine_health(health, tz, lang));
                }
            }
            return Err(e);
        }
    };
    let states = store.check_states()?;
    let lease = store.lease()?;
    let rows = sheet(&session.site, &states);
    if json {
        #[derive(Serialize)]
        struct Status<'a> {
            engine: Option<Lease>,
            engine_running: bool,
            engines: Vec<Health>,
            hosts: Vec<HostRow<'a>>,
        }
        let now = session.now();
        let running = lease.as_ref().is_some_and(|l| l.expires_at > now);
        super::print_json(&Status { engine: lease, engine_running: running, engines, hosts: rows })?;
        return Ok(());
    }
    for health in engines.iter().filter(|h| h.state == EngineState::StoreDown) {
        println!("{}", engine_health(health, tz, lang));
    }
    match &lease {
        Some(l) if l.expires_at > session.now() => match lang {
            Lang::Zh => println!("引擎：{}（心跳 {}）", l.holder, local_time(l.heartbeat_at, tz)),
            Lang::En => println!("engine: {} (heartbeat {})", l.holder, local_time(l.heartbeat_at, tz)),
        },
        _ => println!(
            "{}",
            lang.pick(
                "引擎：未运行（没有进程持有租约）——状态可能已过时",
                "engine: not running (nobody holds the lease): status may be stale"
            )
        ),
    }
    use crate::i18n::ShortLabel;
    let heads: Vec<String> = crate::domain::check::SheetColumn::ALL
        .iter()
        .map(|c| fit(&c.short_label(lang).to_lowercase(), 5))
        .collect();
    println!(
        "{} {} {} {}",
        fit(lang.pick("设备", "host"), 16),
        fit("IP", 15),
        heads.join(" "),
        lang.pick("名称", "name")
    );
    for row in &rows {
        let marks: Vec<String> =
            row.columns.iter().map(|(_, s)| fit(s.map_or("-", |s| s.mark()), 5)).collect();
        println!(
            "{} {} {} {}",
            fit(row.host, 16),
            fit(&row.ip, 15),
            marks.join(" "),
            visible(row.label, false)
        );
        for check in row.checks.iter().filter(|c| c.status != CheckStatus::Normal) {
            let why = crate::i18n::evidence_reason(&check.evidence, lang).unwrap_or_default();
            println!(
                "    {} {} {} {}",
                check.status.mark(),
                check.check,
                local_time(check.since, tz),
                visible(&why, false)
            );
        }
    }
    Ok(())
}

/// One engine's own account, as a line: above all, a store it cannot reach.
fn engine_health(health: &Health, tz: chrono_tz::Tz, lang: Lang) -> String {
    let since = health.store_down_since.map(|t| local_time(t, tz)).unwrap_or_default();
    let error = visible(health.last_error.as_deref().unwrap_or(""), false).into_owned();
    match (health.state, lang) {
        (EngineState::StoreDown, Lang::Zh) => format!(
            "引擎 {}：存储不可达，自 {since}（{error}）；{} 条检查结果暂存内存",
            visible(&health.holder, false),
            health.buffered
        ),
        (EngineState::StoreDown, Lang::En) => format!(
            "engine {}: store unreachable since {since} ({error}); {} check results kept in memory",
            visible(&health.holder, false),
            health.buffered
        ),
        (_, Lang::Zh) => format!("引擎 {}：运行中", visible(&health.holder, false)),
        (_, Lang::En) => format!("engine {}: running", visible(&health.holder, false)),
    }
}
