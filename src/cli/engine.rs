//! `duty engine` (probes and sources, headless, for a systemd unit) and `duty status`.

use serde::Serialize;

use super::{Paths, Session};
use crate::domain::check::CheckStatus;
use crate::engine::runner;
use crate::i18n::{Lang, local_time};
use crate::status::{HostRow, sheet};
use crate::store::Lease;
use crate::text::{fit, visible};

pub fn engine(paths: &Paths) -> anyhow::Result<()> {
    let session = paths.load()?;
    let holder = runner::holder_id("engine");
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let site = session.site.clone();
        let engine =
            tokio::spawn(runner::run(site, session.store.clone(), holder.clone(), session.clock, stop_rx));
        eprintln!("duty engine {holder}: running ({} checks)", session.site.checks().count());
        let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate.recv() => {}
        }
        let _ = stop_tx.send(true);
        engine.await??;
        eprintln!("duty engine {holder}: stopped, lease released");
        Ok(())
    })
}

pub fn status(paths: &Paths, json: bool) -> anyhow::Result<()> {
    let session: Session = paths.load()?;
    let store = session.open_store()?;
    let states = store.check_states()?;
    let lease = store.lease()?;
    let rows = sheet(&session.site, &states);
    if json {
        #[derive(Serialize)]
        struct Status<'a> {
            engine: Option<Lease>,
            engine_running: bool,
            hosts: Vec<HostRow<'a>>,
        }
        let now = session.now();
        let running = lease.as_ref().is_some_and(|l| l.expires_at > now);
        println!(
            "{}",
            serde_json::to_string_pretty(&Status { engine: lease, engine_running: running, hosts: rows })?
        );
        return Ok(());
    }
    let lang = session.lang;
    let tz = session.site.tz;
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
    let heads = [
        lang.pick("网络", "net"),
        lang.pick("系统", "sys"),
        lang.pick("应用1", "app1"),
        lang.pick("应用2", "app2"),
    ];
    println!(
        "{} {} {} {}",
        fit(lang.pick("设备", "host"), 16),
        fit("IP", 15),
        heads.map(|h| fit(h, 5)).join(" "),
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
            let why = check.evidence.error.as_deref().unwrap_or("");
            println!(
                "    {} {} {} {}",
                check.status.mark(),
                check.check,
                local_time(check.since, tz),
                visible(why, false)
            );
        }
    }
    Ok(())
}
