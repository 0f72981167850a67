//! Forward-secure sealing of the event log (the idea of journald's Forward Secure
//! Sealing). At `duty audit seal init` a random seed is made; the auditor keeps it,
//! off the machine, as the verification key. The sealing key of epoch 0 is derived
//! from the seed, and each next epoch's key from the one before by a one-way step;
//! the old key is erased as soon as the next is made. Once an epoch, the lease-holding
//! engine writes a seal — an HMAC, under that epoch's key, of the epoch, the chain head
//! and the previous seal — as an event of the log itself.
//!
//! Whoever later gains the store and the current key can rewrite the chain and
//! recompute every hash, but cannot make the seals of the epochs before: with the
//! verification key, `duty audit verify --key` recomputes each epoch's key and names
//! the first seal that does not hold. The epoch is inside the MAC and each seal covers
//! the one before, so a seal re-made with a later key never passes for an earlier
//! epoch, and removing seals breaks the next one.

use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::store::StoredEvent;

/// The event a seal is written as, and the one that starts sealing.
pub const SEALED: &str = "audit.sealed";
pub const STARTED: &str = "audit.seal_started";
/// The subject both are written on.
pub const SUBJECT: &str = "audit:seal";

type Key = [u8; 32];

fn sha(parts: &[&[u8]]) -> Key {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    hasher.finalize().into()
}

fn first_key(seed: &Key) -> Key {
    sha(&[b"duty-seal-key-0", seed])
}

/// The one-way step from an epoch's key to the next.
fn evolve(key: &Key) -> Key {
    sha(&[b"duty-seal-evolve", key])
}

/// What the auditor keeps: the seed, and when and how often sealing began.
#[derive(Clone, Debug, PartialEq)]
pub struct VerifyKey {
    seed: Key,
    pub start: DateTime<Utc>,
    pub interval: Duration,
}

/// What the sealing process keeps: this epoch's key only.
#[derive(Clone, Debug, PartialEq)]
pub struct SealKey {
    key: Key,
    pub epoch: u64,
    pub start: DateTime<Utc>,
    pub interval: Duration,
}

/// A seal, as stored in its event.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Seal {
    pub epoch: u64,
    /// The chain head it covers: the last event before the seal.
    pub seq: u64,
    pub head: String,
    /// The previous seal's MAC (empty for the first).
    pub prev: String,
    pub mac: String,
}

/// Why a key file could not be read.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("not a duty seal key: {0}")]
pub struct BadKey(pub &'static str);

fn parse_parts(text: &str, kind: &str) -> Result<(Key, u64, DateTime<Utc>, Duration), BadKey> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let [tag, hex_key, epoch, start, interval] = words.as_slice() else {
        return Err(BadKey("five fields expected"));
    };
    if *tag != kind {
        return Err(BadKey("wrong kind of key"));
    }
    let bytes = hex::decode(hex_key).map_err(|_| BadKey("the key is not hex"))?;
    let key: Key = bytes.try_into().map_err(|_| BadKey("the key is not 32 bytes"))?;
    let epoch = epoch.parse().map_err(|_| BadKey("bad epoch"))?;
    let start =
        DateTime::parse_from_rfc3339(start).map_err(|_| BadKey("bad start time"))?.with_timezone(&Utc);
    let seconds: i64 = interval.parse().map_err(|_| BadKey("bad interval"))?;
    if seconds < 1 {
        return Err(BadKey("bad interval"));
    }
    Ok((key, epoch, start, Duration::seconds(seconds)))
}

impl VerifyKey {
    /// A new seed for sealing from `start`, every `interval`.
    pub fn new(seed: Key, start: DateTime<Utc>, interval: Duration) -> VerifyKey {
        VerifyKey { seed, start, interval }
    }

    /// The key as text, to keep on paper or in a file: `duty-verify-v1 SEED 0 START SECONDS`.
    pub fn to_text(&self) -> String {
        let start = self.start.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        format!("duty-verify-v1 {} 0 {start} {}", hex::encode(self.seed), self.interval.num_seconds())
    }

    pub fn parse(text: &str) -> Result<VerifyKey, BadKey> {
        let (seed, _, start, interval) = parse_parts(text, "duty-verify-v1")?;
        Ok(VerifyKey { seed, start, interval })
    }

    /// A short name of the key, recorded when sealing starts (not the key).
    pub fn id(&self) -> String {
        hex::encode(&sha(&[b"duty-seal-id", &self.seed])[..8])
    }

    /// The sealing key of epoch 0.
    pub fn sealing_key(&self) -> SealKey {
        SealKey { key: first_key(&self.seed), epoch: 0, start: self.start, interval: self.interval }
    }
}

/// The epoch a moment falls in.
pub fn epoch_of(start: DateTime<Utc>, interval: Duration, at: DateTime<Utc>) -> u64 {
    ((at - start).num_seconds().max(0) / interval.num_seconds().max(1)) as u64
}

fn mac_of(key: &Key, epoch: u64, seq: u64, head: &str, prev: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    for part in [&epoch.to_be_bytes()[..], &seq.to_be_bytes(), head.as_bytes(), prev.as_bytes()] {
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part);
    }
    hex::encode(mac.finalize().into_bytes())
}

impl SealKey {
    pub fn to_text(&self) -> String {
        let start = self.start.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        format!(
            "duty-seal-v1 {} {} {start} {}",
            hex::encode(self.key),
            self.epoch,
            self.interval.num_seconds()
        )
    }

    pub fn parse(text: &str) -> Result<SealKey, BadKey> {
        let (key, epoch, start, interval) = parse_parts(text, "duty-seal-v1")?;
        Ok(SealKey { key, epoch, start, interval })
    }

    /// Moves the key on to `epoch` (never back): the keys in between are gone.
    pub fn evolve_to(&mut self, epoch: u64) {
        while self.epoch < epoch {
            self.key = evolve(&self.key);
            self.epoch += 1;
        }
    }

    /// The seal of this epoch over the chain head `(seq, head)`, after `prev`.
    pub fn seal(&self, seq: u64, head: &str, prev: &str) -> Seal {
        Seal {
            epoch: self.epoch,
            seq,
            head: head.to_string(),
            prev: prev.to_string(),
            mac: mac_of(&self.key, self.epoch, seq, head, prev),
        }
    }
}

/// What `verify --key` found.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct SealReport {
    /// The seals that hold.
    pub seals: usize,
    /// The last event covered by a seal that holds, and its epoch.
    pub sealed_through: Option<(u64, u64)>,
    /// Events after it, not (yet) sealed.
    pub unsealed: u64,
    /// The first thing that does not hold: the event it is found at, and why.
    pub first_bad: Option<(u64, SealBreak)>,
}

/// Why the seals do not hold. Texts live in `crate::i18n` (zh and en); `Display` gives
/// the English one.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", crate::i18n::seal_break(self, crate::i18n::Lang::En))]
pub enum SealBreak {
    NeverStarted,
    Unreadable,
    /// The first seal is not of epoch 0: earlier seals were removed.
    FirstNotZero {
        epoch: u64,
    },
    SealedAgain {
        epoch: u64,
    },
    /// Written at a time outside its epoch.
    OtherTime {
        epoch: u64,
    },
    /// The log before it was changed (its head, or the seal before, differ).
    LogChanged {
        epoch: u64,
    },
    /// Its MAC does not hold under that epoch's key.
    DoesNotHold {
        epoch: u64,
    },
}

/// Where a part of the log takes up the seals of what came before it (an exported
/// period): the last seal before it and the event just before its first.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Resume {
    /// The MAC of the last seal before the part ("" if none).
    pub prev: String,
    /// That seal's epoch.
    pub last_epoch: Option<u64>,
    /// Where sealing started, if before the part.
    pub started_seq: Option<u64>,
    /// The event just before the part: (seq, hash).
    pub before: Option<(u64, String)>,
}

impl Resume {
    /// Where the seals stand just before event `seq` of a whole log.
    pub fn at(events: &[StoredEvent], seq: u64) -> Resume {
        let earlier = &events[..events.partition_point(|e| e.seq < seq)];
        let last = earlier
            .iter()
            .rev()
            .filter(|e| e.kind == SEALED)
            .find_map(|e| serde_json::from_str::<Seal>(&e.payload).ok());
        Resume {
            prev: last.as_ref().map(|s| s.mac.clone()).unwrap_or_default(),
            last_epoch: last.map(|s| s.epoch),
            started_seq: earlier.iter().find(|e| e.kind == STARTED).map(|e| e.seq),
            before: earlier.last().map(|e| (e.seq, e.hash.clone())),
        }
    }
}

/// Checks every seal of a log (already walked for its hash chain) against the
/// verification key. The chain's own hashes are taken from the events as stored: a
/// rewritten, re-hashed chain shows as a seal whose head no longer matches or whose MAC
/// does not hold.
pub fn verify(events: &[StoredEvent], key: &VerifyKey) -> SealReport {
    verify_from(events, key, &Resume::default())
}

/// `verify` for a part of the log that takes up the seals where `resume` says.
pub fn verify_from(events: &[StoredEvent], key: &VerifyKey, resume: &Resume) -> SealReport {
    let mut report = SealReport::default();
    let mut current = key.sealing_key();
    let mut prev = resume.prev.clone();
    let mut last_epoch: Option<u64> = resume.last_epoch;
    let started = resume.started_seq.or_else(|| events.iter().find(|e| e.kind == STARTED).map(|e| e.seq));
    let Some(started) = started else {
        report.first_bad = Some((0, SealBreak::NeverStarted));
        return report;
    };
    for event in events.iter().filter(|e| e.kind == SEALED) {
        let bad = |why: SealBreak| Some((event.seq, why));
        let Ok(seal) = serde_json::from_str::<Seal>(&event.payload) else {
            report.first_bad = bad(SealBreak::Unreadable);
            break;
        };
        if last_epoch.is_none() && seal.epoch != 0 {
            report.first_bad = bad(SealBreak::FirstNotZero { epoch: seal.epoch });
            break;
        }
        if last_epoch.is_some_and(|last| seal.epoch <= last) {
            report.first_bad = bad(SealBreak::SealedAgain { epoch: seal.epoch });
            break;
        }
        if epoch_of(key.start, key.interval, event.recorded_at) != seal.epoch {
            report.first_bad = bad(SealBreak::OtherTime { epoch: seal.epoch });
            break;
        }
        let covered = match events.binary_search_by_key(&seal.seq, |e| e.seq) {
            Ok(at) => Some(events[at].hash.as_str()),
            Err(_) => {
                resume.before.as_ref().filter(|(seq, _)| *seq == seal.seq).map(|(_, hash)| hash.as_str())
            }
        };
        if seal.seq < started || covered != Some(seal.head.as_str()) || seal.prev != prev {
            report.first_bad = bad(SealBreak::LogChanged { epoch: seal.epoch });
            break;
        }
        current.evolve_to(seal.epoch);
        if mac_of(&current.key, seal.epoch, seal.seq, &seal.head, &seal.prev) != seal.mac {
            report.first_bad = bad(SealBreak::DoesNotHold { epoch: seal.epoch });
            break;
        }
        report.seals += 1;
        report.sealed_through = Some((seal.seq, seal.epoch));
        last_epoch = Some(seal.epoch);
        prev = seal.mac;
    }
    let through = report.sealed_through.map_or(0, |(seq, _)| seq);
    report.unsealed = events.iter().filter(|e| e.seq > through && e.kind != SEALED).count() as u64;
    report
}

/// The chain head: the last event's number and hash (the genesis hash before any).
pub fn head_of(store: &dyn crate::store::Store) -> Result<(u64, String), crate::store::StoreError> {
    // The store's identity carries its head, read in one go.
    let (_, head) = store.identity()?;
    Ok(head.unwrap_or_else(|| (0, crate::store::chain::GENESIS.to_string())))
}

/// The sealing key file: this epoch's key, private to the process that seals.
pub fn key_path() -> std::path::PathBuf {
    crate::paths::state_dir().join("seal.key")
}

/// Why a seal was not written: the sealing key file (not the store's business: the
/// engine goes on and says so), or the store.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("the seal key {path}: {why}")]
    Key { path: String, why: String },
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

fn key_error(path: &std::path::Path, why: impl std::fmt::Display) -> SealError {
    SealError::Key { path: path.display().to_string(), why: why.to_string() }
}

/// The sealing key on disk; None where this process does not seal (no key file).
fn read_key(path: &std::path::Path) -> Result<Option<SealKey>, SealError> {
    use crate::files::ReadError;
    match crate::files::read_text(path, 4096) {
        Ok(text) => SealKey::parse(&text).map(Some).map_err(|e| key_error(path, e)),
        Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(key_error(path, e)),
    }
}

/// Replaces the key on disk (the previous epoch's is gone with it).
fn write_key(path: &std::path::Path, key: &SealKey) -> Result<(), SealError> {
    crate::files::write_private(path, key.to_text().as_bytes()).map_err(|e| key_error(path, e))
}

fn append(
    store: &mut dyn crate::store::Store,
    seal: &Seal,
    actor: &crate::domain::Operator,
    origin: &str,
    now: DateTime<Utc>,
) -> Result<(), crate::store::StoreError> {
    let payload = serde_json::to_string(seal).expect("seals serialise");
    store.record_event(SEALED, SUBJECT, payload, actor, origin, now).map(|_| ())
}

impl VerifyKey {
    /// A new random seed for sealing from `now`, every `interval`.
    pub fn generate(now: DateTime<Utc>, interval: Duration) -> std::io::Result<VerifyKey> {
        let mut seed = [0u8; 32];
        crate::files::random_bytes(&mut seed)?;
        Ok(VerifyKey::new(seed, now, interval))
    }
}

/// Starts sealing with `key`: the epoch-0 sealing key kept at `path`, the start
/// recorded, and epoch 0 sealed at once. Once started, the key on disk is always the
/// last epoch sealed.
pub fn start(
    store: &mut dyn crate::store::Store,
    path: &std::path::Path,
    key: &VerifyKey,
    actor: &crate::domain::Operator,
    origin: &str,
    now: DateTime<Utc>,
) -> Result<Seal, SealError> {
    let sealing = key.sealing_key();
    // A new file: two starts at once cannot both take the key of epoch 0.
    if let Some(dir) = path.parent() {
        crate::files::private_dir(dir).map_err(|e| key_error(path, e))?;
    }
    crate::files::write_new_private(path, sealing.to_text().as_bytes()).map_err(|e| key_error(path, e))?;
    let payload = serde_json::json!({
        "start": key.start, "interval_seconds": key.interval.num_seconds(), "key_id": key.id(), "hash": "sha256",
    });
    store.record_event(STARTED, SUBJECT, payload.to_string(), actor, origin, now)?;
    let (seq, head) = head_of(store)?;
    let seal = sealing.seal(seq, &head, "");
    append(store, &seal, actor, origin, now)?;
    Ok(seal)
}

/// Writes a seal if the epoch has moved on since the last one: the key is moved on
/// (and the old one erased) first, then the head is sealed. Returns the seal written.
/// Nothing happens without a key file (this process does not seal).
pub fn seal_now(
    store: &mut dyn crate::store::Store,
    path: &std::path::Path,
    actor: &crate::domain::Operator,
    origin: &str,
    now: DateTime<Utc>,
) -> Result<Option<Seal>, SealError> {
    let Some(mut key) = read_key(path)? else { return Ok(None) };
    let epoch = epoch_of(key.start, key.interval, now);
    // The key on disk is the last epoch sealed: nothing to read while it is this one.
    if key.epoch >= epoch {
        return Ok(None);
    }
    let events = store.events_of(SEALED, None)?;
    let last: Option<Seal> = events.last().and_then(|e| serde_json::from_str(&e.payload).ok());
    if last.as_ref().is_some_and(|s| s.epoch >= epoch) {
        return Ok(None);
    }
    key.evolve_to(epoch);
    // The key of this epoch replaces the last one on disk before it is used.
    write_key(path, &key)?;
    let (seq, head) = head_of(store)?;
    let seal = key.seal(seq, &head, last.as_ref().map_or("", |s| s.mac.as_str()));
    append(store, &seal, actor, origin, now)?;
    Ok(Some(seal))
}
