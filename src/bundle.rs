//! An audit bundle: a period of the event log written out for an auditor to verify on
//! another machine — the events as stored, where they join the log before them (the
//! hash just before, and where the seals stand), how to verify them, and a checksum of
//! every file. `duty audit verify --bundle DIR [--key FILE]` walks the chain from that
//! join, checks every seal in the period with the auditor's key, and says what is not
//! sealed yet. Nothing is deleted from the store by exporting.

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::seal::{Resume, SealReport, VerifyKey};
use crate::store::StoredEvent;
use crate::store::chain::{BadLink, ChainWalker};

pub const EVENTS: &str = "events.jsonl";
pub const ANCHOR: &str = "anchor.json";
pub const PROCEDURE: &str = "VERIFY.md";
pub const SUMS: &str = "SHA256SUMS";

/// Where the period joins the rest of the log, and who exported it when.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Anchor {
    pub store_id: String,
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub first_seq: u64,
    pub last_seq: u64,
    /// The hash of the event before the first (the genesis hash for the first event).
    pub prev_hash: String,
    /// Where the seals stand just before the period.
    pub seals: Resume,
    /// The whole log's head when it was exported.
    pub head: (u64, String),
    pub exported_at: DateTime<Utc>,
    pub exported_by: String,
}

/// Why a bundle could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("{0}: the folder is not empty; a bundle goes into a new or empty folder")]
    NotEmpty(String),
    #[error("no event was recorded between {0} and {1}")]
    Empty(DateTime<Utc>, DateTime<Utc>),
    #[error("{path}: {why}")]
    File { path: String, why: String },
}

fn file_error(path: &Path, why: impl std::fmt::Display) -> BundleError {
    BundleError::File { path: path.display().to_string(), why: why.to_string() }
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The verification procedure, written into every bundle (zh and en).
const PROCEDURE_TEXT: &str = "# 审计包验证方法 / How to verify this bundle

1. `sha256sum -c SHA256SUMS` — 每个文件未被改动 / every file is as exported.
2. `duty audit verify --bundle .` — 从 anchor.json 的 prev_hash 起逐条重算哈希链 /
   walks the hash chain of events.jsonl from anchor.json's prev_hash:
   hash = SHA-256(prev_hash, then seq, occurred_at, recorded_at, actor, origin, kind,
   subject, payload, each as an 8-byte big-endian length and its UTF-8 bytes; times as
   stored, UTC with microseconds).
3. `duty audit verify --bundle . --key verify.key` — 另用离机保管的验证密钥检查每个封印 /
   also checks every seal (`audit.sealed`) with the verification key kept off the
   machine: an HMAC-SHA256, under that epoch's key, of the epoch, the sealed head and
   the previous seal. Events after the last seal are reported as not sealed yet.

事件只追加、不删除；保存至少六个月（《网络安全法》第二十一条）。
Events are only ever appended, never deleted; they are kept at least six months
(Cybersecurity Law, art. 21).
";

/// Writes the events recorded in `since..=until` of `events` (the whole log, in seq
/// order) into `dir`, a new or empty folder, owner-only.
pub fn export(
    events: &[StoredEvent],
    store_id: &str,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    dir: &Path,
    exported_by: &str,
    now: DateTime<Utc>,
) -> Result<Anchor, BundleError> {
    if std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some()) {
        return Err(BundleError::NotEmpty(dir.display().to_string()));
    }
    crate::files::private_dir(dir).map_err(|e| file_error(dir, e))?;
    let first = events.iter().position(|e| e.recorded_at >= since);
    let last = events.iter().rposition(|e| e.recorded_at <= until);
    let (Some(first), Some(last)) = (first, last) else { return Err(BundleError::Empty(since, until)) };
    if first > last {
        return Err(BundleError::Empty(since, until));
    }
    let period = &events[first..=last];
    let head = events.last().map(|e| (e.seq, e.hash.clone())).unwrap_or_default();
    let anchor = Anchor {
        store_id: store_id.to_string(),
        since,
        until,
        first_seq: period[0].seq,
        last_seq: period[period.len() - 1].seq,
        prev_hash: period[0].prev_hash.clone(),
        seals: Resume::at(events, period[0].seq),
        head,
        exported_at: now,
        exported_by: exported_by.to_string(),
    };
    let mut lines = String::new();
    for event in period {
        lines.push_str(&serde_json::to_string(event).expect("events serialise"));
        lines.push('\n');
    }
    let anchor_text = serde_json::to_string_pretty(&anchor).expect("anchors serialise") + "\n";
    let files = [
        (EVENTS, lines.into_bytes()),
        (ANCHOR, anchor_text.into_bytes()),
        (PROCEDURE, PROCEDURE_TEXT.into()),
    ];
    let mut sums = String::new();
    for (name, bytes) in &files {
        let path = dir.join(name);
        crate::files::write_new_private(&path, bytes).map_err(|e| file_error(&path, e))?;
        sums.push_str(&format!("{}  {name}\n", sha256_hex(bytes)));
    }
    let path = dir.join(SUMS);
    crate::files::write_new_private(&path, sums.as_bytes()).map_err(|e| file_error(&path, e))?;
    Ok(anchor)
}

/// What verifying a bundle found.
#[derive(Debug)]
pub struct BundleReport {
    pub anchor: Anchor,
    pub events: usize,
    /// A file whose checksum does not hold, or the first bad link of the chain.
    pub first_bad: Option<String>,
    /// The seals, when a key was given and the chain holds.
    pub seals: Option<SealReport>,
}

/// Reads and verifies the bundle in `dir`: the checksums, the chain from its anchor,
/// and with `key` the seals.
pub fn verify(dir: &Path, key: Option<&VerifyKey>) -> Result<BundleReport, BundleError> {
    const LIMIT: u64 = 4 << 30;
    let read = |name: &str| {
        let path = dir.join(name);
        crate::files::read_bounded(&path, LIMIT).map_err(|e| file_error(&path, e))
    };
    let sums = String::from_utf8_lossy(&read(SUMS)?).into_owned();
    let anchor_bytes = read(ANCHOR)?;
    let anchor: Anchor =
        serde_json::from_slice(&anchor_bytes).map_err(|e| file_error(&dir.join(ANCHOR), e))?;
    let events_bytes = read(EVENTS)?;
    let mut report = BundleReport { anchor, events: 0, first_bad: None, seals: None };
    let procedure = read(PROCEDURE)?;
    for (name, bytes) in [(EVENTS, &events_bytes), (ANCHOR, &anchor_bytes), (PROCEDURE, &procedure)] {
        let listed = sums.lines().find_map(|l| l.strip_suffix(&format!("  {name}")));
        if listed != Some(sha256_hex(bytes).as_str()) {
            report.first_bad = Some(format!("{name}: its checksum does not hold"));
            return Ok(report);
        }
    }
    let mut events = Vec::new();
    for (n, line) in String::from_utf8_lossy(&events_bytes).lines().enumerate() {
        match serde_json::from_str::<StoredEvent>(line) {
            Ok(event) => events.push(event),
            Err(e) => {
                report.first_bad = Some(format!("{EVENTS}:{}: {e}", n + 1));
                return Ok(report);
            }
        }
    }
    report.events = events.len();
    let anchor = &report.anchor;
    let mut walker = ChainWalker::resuming(anchor.first_seq, &anchor.prev_hash);
    let walked: Result<(), BadLink> = events.iter().try_for_each(|e| walker.feed(e));
    let ends = events.last().map(|e| e.seq);
    if let Err(bad) = walked {
        report.first_bad = Some(crate::i18n::chain_break(bad.seq, &bad.problem, crate::i18n::Lang::En));
    } else if ends != Some(anchor.last_seq) {
        report.first_bad =
            Some(format!("the period should end at event {}, it ends at {ends:?}", anchor.last_seq));
    } else if let Some(key) = key {
        report.seals = Some(crate::seal::verify_from(&events, key, &anchor.seals));
    }
    Ok(report)
}
