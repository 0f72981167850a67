//! A console's engine: on a thread and a runtime of its own (so neither its probes nor
//! its store calls ever hold up the console's keys), restarted if it ever fails, and
//! saying so on the console.

use std::time::Duration;

use tokio::sync::watch;

use super::health::Health;
use super::runner::{self, EngineRun};
use crate::config::Site;

/// How long a failed engine waits before it is started again.
const RESTART_AFTER: Duration = Duration::from_secs(2);

/// An engine running under supervision.
pub struct Supervised {
    stop: watch::Sender<bool>,
    sites: watch::Sender<Site>,
    /// How the engine is doing, for the console's status line.
    pub health: watch::Receiver<Health>,
    thread: std::thread::JoinHandle<()>,
}

impl Supervised {
    /// Starts `run` on its own thread. The engine is built again from `run` after every
    /// failure (a panic included).
    pub fn start(run: EngineRun, site: Site) -> std::io::Result<Supervised> {
        let (stop, stopped) = watch::channel(false);
        let (sites, sites_rx) = watch::channel(site);
        let health = run.health.subscribe();
        let thread = std::thread::Builder::new().name("duty-engine".into()).spawn(move || {
            let runtime =
                match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
                    Ok(runtime) => runtime,
                    Err(e) => {
                        crate::log::write(&format!("engine: no runtime: {e}"));
                        return;
                    }
                };
            runtime.block_on(supervise(run, sites_rx, stopped));
        })?;
        Ok(Supervised { stop, sites, health, thread })
    }

    /// The site changed: the engine re-targets its checks.
    pub fn new_site(&self, site: Site) {
        self.sites.send_replace(site);
    }

    /// Stops the engine, waiting at most `wait` for it to release the lease (a store that
    /// does not answer must not keep a console from quitting; the lease then lapses).
    pub fn stop(self, wait: Duration) {
        let _ = self.stop.send(true);
        let deadline = std::time::Instant::now() + wait;
        while !self.thread.is_finished() && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        if !self.thread.is_finished() {
            crate::log::write("engine: stopped without releasing the lease (the store did not answer)");
        }
    }
}

async fn supervise(run: EngineRun, sites: watch::Receiver<Site>, mut stopped: watch::Receiver<bool>) {
    let mut restarted_at = None;
    loop {
        let this_run = EngineRun {
            location: run.location.clone(),
            ledger: run.ledger.clone(),
            holder: run.holder.clone(),
            clock: run.clock,
            ssh_user: run.ssh_user.clone(),
            outage_limit: run.outage_limit,
            health: run.health.clone(),
            board: run.board.clone(),
        };
        if let Some(at) = restarted_at {
            run.health.send_modify(|h| h.restarted_at = Some(at));
        }
        let task = tokio::spawn(runner::run(this_run, sites.clone(), stopped.clone()));
        let failure = match task.await {
            Ok(Ok(())) => return,
            Ok(Err(e)) => format!("{e}"),
            Err(e) => format!("it failed: {e}"),
        };
        crate::log::write(&format!("engine stopped: {failure}; starting it again"));
        if *stopped.borrow() {
            return;
        }
        tokio::select! {
            _ = tokio::time::sleep(RESTART_AFTER) => {}
            _ = stopped.changed() => return,
        }
        restarted_at = Some(run.clock.now());
    }
}
