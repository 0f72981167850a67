//! Runs one command on several hosts in parallel (bounded), and turns each run into the
//! record the audit log keeps: who, which host, which action, the exact command, start,
//! end, how it ended, output sizes, SHA-256 and first and last lines.

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::pool::Pool;
use super::session::{Access, Ending, Outcome, SshError, Stream, Target, wrapped};

/// One host's run, as the log records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRecord {
    pub host: String,
    pub address: String,
    pub user: String,
    pub action: String,
    /// Exactly what was sent to the host.
    pub command: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    /// `exit 0`, `signal KILL`, `timed out`, `cancelled`, or `refused: ...`.
    pub ending: String,
    pub exit_status: Option<i32>,
    pub exit_signal: Option<String>,
    pub stdout_bytes: u64,
    pub stderr_bytes: u64,
    pub stdout_sha256: String,
    pub stderr_sha256: String,
    pub first_line: String,
    pub last_line: String,
    /// A second operator who confirmed a dangerous action from their own session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub witness: Option<String>,
    /// The ask they confirmed (spent by this run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second: Option<u64>,
}

impl RunRecord {
    /// Whether the command ran and exited 0.
    pub fn succeeded(&self) -> bool {
        self.exit_status == Some(0) && self.exit_signal.is_none()
    }
}

/// Builds the record of a run.
pub fn record(
    target: &Target,
    action: &str,
    command: &str,
    limit: Duration,
    started_at: DateTime<Utc>,
    ended_at: DateTime<Utc>,
    result: &Result<Outcome, SshError>,
) -> RunRecord {
    let mut record = RunRecord {
        host: target.host.clone(),
        address: target.address.to_string(),
        user: target.user.clone(),
        action: action.to_string(),
        command: wrapped(command, limit),
        started_at,
        ended_at,
        ending: String::new(),
        exit_status: None,
        exit_signal: None,
        stdout_bytes: 0,
        stderr_bytes: 0,
        stdout_sha256: String::new(),
        stderr_sha256: String::new(),
        first_line: String::new(),
        last_line: String::new(),
        witness: None,
        second: None,
    };
    match result {
        Err(e) => record.ending = format!("refused: {e}"),
        Ok(outcome) => {
            record.ending = match &outcome.ending {
                Ending::Exited(code) => {
                    record.exit_status = Some(*code);
                    format!("exit {code}")
                }
                Ending::Signal(signal) => {
                    record.exit_signal = Some(signal.clone());
                    format!("signal {signal}")
                }
                Ending::TimedOut => "timed out".into(),
                Ending::Cancelled => "cancelled".into(),
            };
            record.stdout_bytes = outcome.stdout.bytes;
            record.stderr_bytes = outcome.stderr.bytes;
            record.stdout_sha256 = outcome.stdout.sha256();
            record.stderr_sha256 = outcome.stderr.sha256();
            let first = outcome.stdout.first_line();
            record.first_line = if first.is_empty() { outcome.stderr.first_line() } else { first };
            let last = outcome.stdout.last_line();
            record.last_line = if last.is_empty() { outcome.stderr.last_line() } else { last };
        }
    }
    record
}

/// What happened on one host.
pub struct HostRun {
    pub target: Target,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    pub result: Result<Outcome, SshError>,
}

/// Runs `command` on every target through `pool`, at most `parallel` at once, streaming
/// chunks to `on_chunk` (from worker threads) as they come.
#[allow(clippy::too_many_arguments)]
pub fn run_all(
    pool: &Pool,
    targets: Vec<Target>,
    access: &Access,
    command: &str,
    limit: Duration,
    parallel: usize,
    cancel: &Arc<AtomicBool>,
    on_chunk: &(dyn Fn(&str, Stream, &[u8]) + Sync),
) -> Vec<HostRun> {
    let queue = Arc::new(Mutex::new(targets.into_iter().collect::<std::collections::VecDeque<_>>()));
    let (done_tx, done_rx) = mpsc::channel();
    std::thread::scope(|scope| {
        for _ in 0..parallel.max(1) {
            let (queue, done_tx) = (queue.clone(), done_tx.clone());
            scope.spawn(move || {
                loop {
                    let Some(target) = queue.lock().expect("queue lock").pop_front() else { return };
                    let started_at = access.clock.now();
                    let host = target.host.clone();
                    let result = pool.run(&target, access, command, limit, cancel, &mut |stream, chunk| {
                        on_chunk(&host, stream, chunk)
                    });
                    let ended_at = access.clock.now();
                    let _ = done_tx.send(HostRun { target, started_at, ended_at, result });
                }
            });
        }
    });
    drop(done_tx);
    done_rx.into_iter().collect()
}
