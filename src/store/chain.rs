//! The hash chain over the event log: how a row's hash is computed, and how a walk over
//! the log finds the first row that was altered, deleted or moved. Shared by every backend.
//!
//! SHA-256 by default; a site under a commercial-cryptography assessment switches its
//! chain to SM3 (GB/T 32905) by an `audit.hash_chosen` event, itself hashed with the
//! algorithm it names. An SM3 hash is written `sm3:` and its hex, and the rows after it
//! keep the algorithm of the row before, so the choice is in the log and every row says
//! how it was hashed.

use sha2::{Digest, Sha256};

use super::StoredEvent;

/// The `prev_hash` of the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The event that chooses the chain's hash algorithm from itself on.
pub const HASH_CHOSEN: &str = "audit.hash_chosen";
/// How an SM3 hash is marked.
const SM3_MARK: &str = "sm3:";

/// The chain's hash algorithms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HashAlgorithm {
    Sha256,
    Sm3,
}

impl HashAlgorithm {
    pub fn parse(name: &str) -> Option<HashAlgorithm> {
        match name {
            "sha256" => Some(HashAlgorithm::Sha256),
            "sm3" => Some(HashAlgorithm::Sm3),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            HashAlgorithm::Sha256 => "sha256",
            HashAlgorithm::Sm3 => "sm3",
        }
    }

    /// The algorithm a row is hashed with: the one it chooses, else its predecessor's.
    pub fn of(prev_hash: &str, event: &StoredEvent) -> HashAlgorithm {
        let chosen = (event.kind == HASH_CHOSEN)
            .then(|| serde_json::from_str::<serde_json::Value>(&event.payload).ok())
            .flatten()
            .and_then(|payload| payload["algorithm"].as_str().and_then(HashAlgorithm::parse));
        chosen.unwrap_or(if prev_hash.starts_with(SM3_MARK) {
            HashAlgorithm::Sm3
        } else {
            HashAlgorithm::Sha256
        })
    }
}

/// The hash of a row: over the previous hash and the row's canonical fields, each
/// length-prefixed so no two different rows share an encoding, with the row's algorithm.
pub fn event_hash(prev_hash: &str, event: &StoredEvent) -> String {
    match HashAlgorithm::of(prev_hash, event) {
        HashAlgorithm::Sha256 => digest::<Sha256>(prev_hash, event),
        HashAlgorithm::Sm3 => format!("{SM3_MARK}{}", digest::<sm3::Sm3>(prev_hash, event)),
    }
}

fn digest<D: Digest>(prev_hash: &str, event: &StoredEvent) -> String {
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
    let mut hasher = D::new();
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

#[cfg(test)]
mod tests {
    use super::*;

    fn row(kind: &str, payload: &str) -> StoredEvent {
        let at = chrono::DateTime::parse_from_rfc3339("2026-12-01T03:00:00Z").unwrap().to_utc();
        StoredEvent {
            seq: 1,
            occurred_at: at,
            recorded_at: at,
            actor: "lead".into(),
            origin: "t".into(),
            kind: kind.into(),
            subject: "s".into(),
            payload: payload.into(),
            prev_hash: GENESIS.into(),
            hash: String::new(),
        }
    }

    #[test]
    fn sm3_is_the_standards_and_a_chosen_algorithm_holds_from_its_event_on() {
        // GB/T 32905-2016, example 1.
        assert_eq!(
            hex::encode(sm3::Sm3::digest(b"abc")),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        );
        let before = event_hash(GENESIS, &row("duty.note", "{}"));
        assert_eq!(before.len(), 64, "SHA-256 by default: {before}");
        let chosen = event_hash(&before, &row(HASH_CHOSEN, r#"{"algorithm":"sm3"}"#));
        assert!(chosen.starts_with("sm3:") && chosen.len() == 68, "{chosen}");
        let after = event_hash(&chosen, &row("duty.note", "{}"));
        assert!(after.starts_with("sm3:"), "the rows after keep it: {after}");
        let back = event_hash(&after, &row(HASH_CHOSEN, r#"{"algorithm":"sha256"}"#));
        assert_eq!(back.len(), 64);
        // A choice that names nothing known changes nothing.
        assert!(event_hash(&after, &row(HASH_CHOSEN, r#"{"algorithm":"md5"}"#)).starts_with("sm3:"));
    }
}
