//! What this machine last saw of each store it used: the store's identity and the head
//! of its chain. A store file that vanished, was emptied, was swapped for another, or
//! went back in time (a lost write-ahead log, an old backup put in place) then opens
//! with an error that names what was expected and what was found — never as a quiet,
//! shorter history.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Store, StoreError};

/// A store as seen at one moment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sighting {
    pub store_id: String,
    /// The last event's seq (0 for an empty log) and hash.
    pub seq: u64,
    pub hash: String,
}

/// The record kept for one location.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    pub location: String,
    #[serde(flatten)]
    pub sighting: Sighting,
    pub at: DateTime<Utc>,
}

/// How the store found differs from the one last seen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Difference {
    /// Nothing is there any more.
    Vanished,
    /// Another store (another identity) is in its place.
    Replaced { found: Sighting },
    /// The same store with fewer events than were seen.
    WentBack { found: Sighting },
    /// The event last seen no longer has the hash it had: history was rewritten.
    Rewritten { found: Sighting, hash_now: Option<String> },
}

/// A store that is not as this machine last saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    pub seen: Seen,
    pub difference: Difference,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let seen = &self.seen;
        let short = |hash: &str| hash.chars().take(12).collect::<String>();
        write!(
            f,
            "{}: this machine last saw store {} there with {} events (head {}) at {}; ",
            seen.location,
            short(&seen.sighting.store_id),
            seen.sighting.seq,
            short(&seen.sighting.hash),
            crate::time::canonical(seen.at)
        )?;
        match &self.difference {
            Difference::Vanished => write!(f, "it is gone"),
            Difference::Replaced { found } => {
                write!(f, "another store ({}) with {} events is there now", short(&found.store_id), found.seq)
            }
            Difference::WentBack { found } => {
                write!(f, "it now has {} events (head {})", found.seq, short(&found.hash))
            }
            Difference::Rewritten { .. } => {
                write!(f, "event {} no longer has that hash: the history was rewritten", seen.sighting.seq)
            }
        }?;
        write!(
            f,
            " — nothing was written; if this is a restore made on purpose, a lead runs `duty store accept`"
        )
    }
}

/// The folder of records, one file per location.
#[derive(Clone, Debug)]
pub struct Ledger {
    dir: PathBuf,
}

impl Ledger {
    pub fn at(dir: &Path) -> Ledger {
        Ledger { dir: dir.to_path_buf() }
    }

    fn file(&self, location: &str) -> PathBuf {
        let digest = hex::encode(Sha256::digest(location.as_bytes()));
        self.dir.join(format!("{}.json", &digest[..16]))
    }

    /// The record for a location, if this machine used it before.
    pub fn seen(&self, location: &str) -> Option<Seen> {
        let text = crate::files::read_bounded(&self.file(location), 64 * 1024).ok()?;
        serde_json::from_slice(&text).ok()
    }

    /// Compares what is at a location now (`None`: nothing) with its record `seen`. The
    /// record must be read before the store is looked at: others only move it forward
    /// after they commit, so a store read after it is never behind it unless it lost
    /// something.
    pub fn compare(seen: Option<Seen>, found: Option<(&dyn Store, Sighting)>) -> Result<(), StoreError> {
        let Some(seen) = seen else { return Ok(()) };
        let difference = match found {
            None => Some(Difference::Vanished),
            Some((_, found)) if found.store_id != seen.sighting.store_id => {
                Some(Difference::Replaced { found })
            }
            Some((_, found)) if found.seq < seen.sighting.seq => Some(Difference::WentBack { found }),
            Some((store, found)) => {
                let hash_now =
                    if seen.sighting.seq == 0 { None } else { store.hash_at(seen.sighting.seq)? };
                (seen.sighting.seq > 0 && hash_now.as_deref() != Some(seen.sighting.hash.as_str()))
                    .then_some(Difference::Rewritten { found, hash_now })
            }
        };
        match difference {
            Some(difference) => Err(StoreError::NotAsSeen(Box::new(Mismatch { seen, difference }))),
            None => Ok(()),
        }
    }

    /// Records what the store is now. A record that cannot be written is not fatal: the
    /// store itself holds the truth; the record only catches it going back.
    pub fn remember(&self, location: &str, sighting: Sighting, at: DateTime<Utc>) {
        let seen = Seen { location: location.to_string(), sighting, at };
        if let Ok(text) = serde_json::to_vec_pretty(&seen) {
            let _ = crate::files::write_private(&self.file(location), &text);
        }
    }
}

/// What a store is now: its identity and the head of its chain.
pub fn sighting(store: &dyn Store) -> Result<Sighting, StoreError> {
    let (store_id, head) = store.identity()?;
    let (seq, hash) = head.unwrap_or((0, super::chain::GENESIS.to_string()));
    Ok(Sighting { store_id, seq, hash })
}
