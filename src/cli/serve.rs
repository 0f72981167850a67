//! `duty serve`: the service every console and command of the site goes through.

use super::Paths;
use super::engine::{engine_run, health_of, until_stopped, watched_site};
use crate::service::server;

pub fn serve(paths: &Paths) -> anyhow::Result<()> {
    // What happens goes to stderr, which systemd keeps in the journal.
    crate::log::to_stderr();
    let session = paths.load_strict()?;
    let service = session.site.service.clone().unwrap_or_default();
    let store = session.open_store_to_write()?;
    let holder = crate::engine::runner::holder_id("serve");
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    runtime.block_on(async move {
        let sites = watched_site(&session);
        let (health_tx, health) = health_of(&session, &holder);
        let ssh_user = session.identity.os_user.clone();
        let shared = server::Shared::new(store, sites.clone(), session.clock, health, ssh_user);
        let listener = server::bind(&service.socket, &service.group)?;
        if let Some(address) = service.metrics {
            let metrics = tokio::net::TcpListener::bind(address)
                .await
                .map_err(|e| anyhow::anyhow!("binding the metrics address {address}: {e}"))?;
            let scraped = shared.clone();
            tokio::spawn(crate::service::metrics::serve(metrics, move || scraped.metrics()));
            crate::log::write(&format!("duty serve {holder}: metrics on http://{address}/metrics"));
        }
        tokio::spawn(server::accept(listener, shared));
        crate::log::write(&format!("duty serve {holder}: listening on {}", service.socket.display()));
        let ended = until_stopped(engine_run(&session, &holder, health_tx), sites, "serve").await;
        let _ = std::fs::remove_file(&service.socket);
        ended
    })
}
