//! How an engine is doing, said where others can read it even when the store cannot be
//! reached: a small file per running engine in the state folder (`duty status` reads
//! them), and a watch channel for the console that runs it.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What an engine is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EngineState {
    /// Opening the store, not yet holding the lease.
    Starting,
    /// Holding the lease: probing and polling, writing results.
    Running,
    /// Another process holds the lease; this one takes over when it lapses.
    Standby,
    /// Probing into memory while the store does not answer.
    StoreDown,
    /// Stopped (the last word of an engine that ended).
    Stopped,
}

/// One engine's own account of itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// The lease holder name (`host:pid program`).
    pub holder: String,
    pub pid: u32,
    /// The store it works on (the record's key: an absolute file, or a URL's label).
    pub store: String,
    pub state: EngineState,
    /// Since when the store has not answered, and what it said.
    pub store_down_since: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    /// Results probed while the store was down, waiting to be written.
    pub buffered: usize,
    /// Results that did not fit in memory during a long outage (oldest first dropped).
    pub dropped: u64,
    /// When it was restarted after it failed, if it was (a console's engine).
    pub restarted_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

impl Health {
    pub fn new(holder: &str, store: &str, now: DateTime<Utc>) -> Health {
        Health {
            holder: holder.to_string(),
            pid: std::process::id(),
            store: store.to_string(),
            state: EngineState::Starting,
            store_down_since: None,
            last_error: None,
            buffered: 0,
            dropped: 0,
            restarted_at: None,
            updated_at: now,
        }
    }
}

/// The health files of engines on this machine.
#[derive(Clone, Debug)]
pub struct Board {
    dir: PathBuf,
}

impl Board {
    pub fn at(dir: &Path) -> Board {
        Board { dir: dir.to_path_buf() }
    }

    fn file(&self, pid: u32) -> PathBuf {
        self.dir.join(format!("{pid}.json"))
    }

    /// Publishes an engine's health (a file that cannot be written is not fatal).
    pub fn post(&self, health: &Health) {
        if let Ok(text) = serde_json::to_vec_pretty(health) {
            let _ = crate::files::private_dir(&self.dir);
            let _ = crate::files::write_private(&self.file(health.pid), &text);
        }
    }

    /// Takes an engine's file down when it ends.
    pub fn remove(&self, pid: u32) {
        let _ = std::fs::remove_file(self.file(pid));
    }

    /// Every live engine's health for `store`; files of processes that are gone are
    /// ignored (and tidied away).
    pub fn read(&self, store: &str) -> Vec<Health> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return Vec::new() };
        let mut found: Vec<Health> = entries
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let bytes = crate::files::read_bounded(&entry.path(), 64 * 1024).ok()?;
                let health: Health = serde_json::from_slice(&bytes).ok()?;
                if !alive(health.pid) {
                    let _ = std::fs::remove_file(entry.path());
                    return None;
                }
                Some(health)
            })
            .filter(|h| h.store == store)
            .collect();
        found.sort_by_key(|h| h.pid);
        found
    }
}

/// Whether a process with this pid exists.
fn alive(pid: u32) -> bool {
    let Ok(pid) = i32::try_from(pid) else { return false };
    // Signal 0 checks existence and permission without sending anything.
    unsafe { libc::kill(pid, 0) == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM) }
}
