//! Runs every check on its interval: bounded concurrency, start times spread so a
//! hundred checks don't fire in the same millisecond, never two runs of one check at
//! once, and each run bounded by its own timeout (in the probe).

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Semaphore, mpsc, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::probe::Prober;
use crate::config::CheckSpec;
use crate::domain::check::CheckResult;

/// Runs each check once, at most `concurrency` at a time; results in completion order.
pub async fn round(specs: &[CheckSpec], prober: Arc<Prober>, concurrency: usize) -> Vec<CheckResult> {
    let permits = Arc::new(Semaphore::new(concurrency.max(1)));
    let mut tasks = JoinSet::new();
    for spec in specs {
        let spec = spec.clone();
        let prober = prober.clone();
        let permits = permits.clone();
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await.expect("the semaphore is never closed");
            prober.run(&spec).await
        });
    }
    let mut results = Vec::with_capacity(specs.len());
    while let Some(done) = tasks.join_next().await {
        if let Ok(result) = done {
            results.push(result);
        }
    }
    results
}

/// When check `index` of `count` first runs: spread evenly over the first ten seconds
/// (or the interval, if shorter).
fn first_start(index: usize, count: usize, interval: Duration) -> Duration {
    let spread = interval.min(Duration::from_secs(10));
    spread.mul_f64(index as f64 / count.max(1) as f64)
}

/// Runs checks on their intervals until `stop` turns true, sending each result.
pub async fn run(
    specs: Vec<CheckSpec>,
    prober: Arc<Prober>,
    concurrency: usize,
    results: mpsc::Sender<CheckResult>,
    mut stop: watch::Receiver<bool>,
) {
    let count = specs.len();
    let permits = Arc::new(Semaphore::new(concurrency.max(1)));
    let started = Instant::now();
    let mut next: Vec<Instant> =
        specs.iter().enumerate().map(|(i, s)| started + first_start(i, count, s.interval)).collect();
    let mut running = vec![false; count];
    let mut tasks: JoinSet<(usize, CheckResult)> = JoinSet::new();
    loop {
        let now = Instant::now();
        for index in 0..count {
            if !running[index] && next[index] <= now {
                running[index] = true;
                let spec = specs[index].clone();
                let prober = prober.clone();
                let permits = permits.clone();
                tasks.spawn(async move {
                    let _permit = permits.acquire_owned().await.expect("the semaphore is never closed");
                    (index, prober.run(&spec).await)
                });
            }
        }
        let wake = (0..count).filter(|&i| !running[i]).map(|i| next[i]).min();
        let far = now + Duration::from_secs(3600);
        tokio::select! {
            Some(done) = tasks.join_next(), if !tasks.is_empty() => {
                if let Ok((index, result)) = done {
                    running[index] = false;
                    next[index] = Instant::now() + specs[index].interval;
                    if results.send(result).await.is_err() {
                        break;
                    }
                }
            }
            _ = tokio::time::sleep_until(wake.unwrap_or(far)) => {}
            _ = stop.changed() => {
                if *stop.borrow() {
                    break;
                }
            }
        }
    }
    tasks.abort_all();
}
