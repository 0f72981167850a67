//! The hash chain over the event log: how a row's hash is computed, and how a walk over
//! the log finds the first row that was altered, deleted or moved. Shared by every backend.

use sha2::{Digest, Sha256};

use super::StoredEvent;

/// The `prev_hash` of the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// SHA-256 over the previous hash and the row's canonical fields, each length-prefixed
/// so no two different rows share an encoding.
pub fn event_hash(prev_hash: &str, event: &StoredEvent) -> String {
    let seq = event.seq.to_string();
    let occurred = crate::time::canonical(event.occurred_at);
    let recorded = crate::time::canonical(event.recorded_at);
    let fields: [&str; 9] = [
        prev_hash,
        &seq,
        &occurred,
        &recorded,
        &event.actor,
        &event.origin,
        &event.kind,
        &event.subject,
        &event.payload,
    ];
    let mut hasher = Sha256::new();
    for field in fields {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// What is wrong with the first bad row.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Break {
    /// Rows before this seq are missing (deleted) or the log does not start at 1.
    Missing { expected: u64 },
    /// The row's contents do not give its stored hash (edited).
    HashMismatch,
    /// The row does not point at the row before it (moved, swapped, or a row deleted).
    PrevMismatch,
    /// The chain head recorded at the last commit is not the last row (tail deleted).
    HeadMismatch { head_seq: u64 },
}

/// The first bad row found.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BadLink {
    pub seq: u64,
    pub problem: Break,
}

/// Walks rows in seq order, one at a time, so a long log never sits in memory.
pub struct ChainWalker {
    expected_seq: u64,
    prev_hash: String,
}

impl Default for ChainWalker {
    fn default() -> Self {
        ChainWalker { expected_seq: 1, prev_hash: GENESIS.to_string() }
    }
}

impl ChainWalker {
    /// A walk that starts at `seq`, whose row must point at `prev_hash` (the tail check
    /// takes the first row's own link on trust; the full walk does not).
    pub fn resuming(seq: u64, prev_hash: &str) -> ChainWalker {
        ChainWalker { expected_seq: seq, prev_hash: prev_hash.to_string() }
    }

    /// Checks the next row.
    pub fn feed(&mut self, event: &StoredEvent) -> Result<(), BadLink> {
        if event.seq != self.expected_seq {
            return Err(BadLink {
                seq: self.expected_seq,
                problem: Break::Missing { expected: self.expected_seq },
            });
        }
        if event.prev_hash != self.prev_hash {
            return Err(BadLink { seq: event.seq, problem: Break::PrevMismatch });
        }
        if event_hash(&event.prev_hash, event) != event.hash {
            return Err(BadLink { seq: event.seq, problem: Break::HashMismatch });
        }
        self.expected_seq += 1;
        self.prev_hash = event.hash.clone();
        Ok(())
    }

    /// Checks the end of the log against the recorded head `(seq, hash)`.
    pub fn finish(self, head: Option<(u64, String)>) -> Result<(u64, String), BadLink> {
        let last = self.expected_seq - 1;
        match head {
            Some((seq, hash)) if seq != last || hash != self.prev_hash => {
                let first_missing = if seq > last { last + 1 } else { seq };
                Err(BadLink { seq: first_missing, problem: Break::HeadMismatch { head_seq: seq } })
            }
            None if last > 0 => Err(BadLink { seq: last, problem: Break::HeadMismatch { head_seq: 0 } }),
            _ => Ok((last, self.prev_hash)),
        }
    }
}
