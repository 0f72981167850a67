//! `duty serve`: the service every console and command of the site goes through.

use super::{Failure, Paths};
use crate::engine::health::{Board, Health};
use crate::engine::runner::{EngineError, EngineRun};
use crate::service::server;

pub fn serve(paths: &Paths) -> anyhow::Result<()> {
    // What happens goes to stderr, which systemd keeps in the journal.
    crate::log::to_stderr();
    let session = paths.load_strict()?;
    let socket = server::socket_of(&session.site);
    let group = session.site.service.as_ref().map_or_else(|| "duty".to_string(), |s| s.group.clone());
    let store = session.open_local(true)?;
    let holder = crate::engine::runner::holder_id("serve");
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    runtime.block_on(async move {
        let (sites_tx, sites) = tokio::sync::watch::channel(session.site.clone());
        let (problems_tx, _problems) = tokio::sync::watch::channel(None);
        tokio::spawn(crate::config::watch::watch(session.site.dir.clone(), sites_tx, problems_tx));
        let (health_tx, health) =
            tokio::sync::watch::channel(Health::new(&holder, &session.store.ledger_key(), session.now()));
        let shared = server::Shared::new(store, sites.clone(), session.clock, health);
        let listener = server::bind(&socket, &group)?;
        tokio::spawn(server::accept(listener, shared));
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let run = EngineRun {
            location: session.store.clone(),
            ledger: crate::store::seen::Ledger::at(&crate::paths::seen_dir()),
            holder: holder.clone(),
            clock: session.clock,
            ssh_user: session.identity.login().to_string(),
            outage_limit: Some(session.site.engine.store_outage_limit),
            health: health_tx,
            board: Some(Board::at(&crate::paths::health_dir())),
        };
        let mut engine = tokio::spawn(crate::engine::runner::run(run, sites, stop_rx));
        crate::log::write(&format!("duty serve {holder}: listening on {}", socket.display()));
        use tokio::signal::unix::{SignalKind, signal};
        let mut terminate = signal(SignalKind::terminate())?;
        let mut interrupt = signal(SignalKind::interrupt())?;
        let ended = tokio::select! {
            _ = terminate.recv() => None,
            _ = interrupt.recv() => None,
            ended = &mut engine => Some(ended),
        };
        let _ = std::fs::remove_file(&socket);
        match ended {
            None => {
                let _ = stop_tx.send(true);
                let _ = tokio::time::timeout(std::time::Duration::from_secs(3), &mut engine).await;
                crate::log::write(&format!("duty serve {holder}: stopped"));
                Ok(())
            }
            Some(Ok(Err(e @ EngineError::StoreUnreachable { .. }))) => {
                Err(Failure::Refused(format!("duty serve {holder}: giving up: {e}")).into())
            }
            Some(Ok(Err(EngineError::Setup(e)))) => Err(e),
            Some(Ok(Ok(()))) => Ok(()),
            Some(Err(panic)) => Err(anyhow::anyhow!("duty serve {holder}: the engine failed: {panic}")),
        }
    })
}
