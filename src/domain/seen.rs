//! "Seen before": the past incidents most like this one — the same alert, the same host,
//! the same area, words shared in title and description — with what fixed them, so the
//! engineer at 3 a.m. starts from last month's solution. Pure: the incidents come in.
//!
//! Words are Latin words of three letters or more, lowercased, and pairs of adjacent
//! Chinese characters (no segmenter needed: 数据库 and 数据库服务器 share 数据 and 据库).

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::incident::Incident;
use super::{FaultArea, IncidentId};

/// Why a past incident is offered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum Likeness {
    /// From the same alert (the same source reference).
    SameAlert,
    SameHost {
        host: String,
    },
    SameArea {
        area: FaultArea,
    },
    /// Words both share (the first few).
    Words {
        words: Vec<String>,
    },
}

/// A past incident like this one, with its fix.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Seen {
    pub id: IncidentId,
    pub title: String,
    pub resolved_at: DateTime<Utc>,
    pub cause: String,
    pub solution: String,
    pub score: u32,
    pub because: Vec<Likeness>,
}

/// How many are offered.
pub const OFFERED: usize = 3;

/// The words of a text: Latin words (3+ letters, lowercased) and adjacent CJK pairs.
pub fn words(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut latin = String::new();
    let mut previous_cjk: Option<char> = None;
    for c in text.chars().chain(std::iter::once(' ')) {
        if is_cjk(c) {
            if let Some(p) = previous_cjk {
                let pair = format!("{p}{c}");
                if !STOP.contains(&pair.as_str()) {
                    out.insert(pair);
                }
            }
            previous_cjk = Some(c);
        } else {
            previous_cjk = None;
        }
        if c.is_ascii_alphanumeric() {
            latin.push(c.to_ascii_lowercase());
        } else {
            if latin.chars().count() >= 3 && !STOP.contains(&latin.as_str()) {
                out.insert(std::mem::take(&mut latin));
            }
            latin.clear();
        }
    }
    out
}

/// Words too common to say anything (Latin, and the Chinese pairs every machine-room
/// title has).
const STOP: &[&str] = &[
    "the", "and", "for", "not", "with", "was", "are", "from", "has", "but", "all", "服务", "务器", "数据",
    "据库", "系统", "设备", "异常", "故障", "无法", "问题",
];

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}')
}

/// The past incidents most like `incident` among `all`: reported before it, resolved
/// with a solution, scored by the same alert (4), each shared host (3), shared words (1
/// each, at most 5; host names are the hosts', not words) and the same area (1); only
/// those sharing an alert, a host or three words are offered, best first, at most
/// `OFFERED`.
pub fn seen_before<'a>(incident: &Incident, all: impl IntoIterator<Item = &'a Incident>) -> Vec<Seen> {
    let without_hosts = |mut found: BTreeSet<String>, hosts: &[String]| {
        for host in hosts {
            for word in words(host) {
                found.remove(&word);
            }
        }
        found
    };
    let own = without_hosts(words(&format!("{} {}", incident.title, incident.description)), &incident.hosts);
    let mut found: Vec<Seen> = all
        .into_iter()
        .filter(|past| past.id != incident.id && past.reported_at < incident.reported_at)
        .filter_map(|past| {
            let (resolved_at, solution) = (past.resolved_at?, past.solution.clone()?);
            let mut because = Vec::new();
            let mut score = 0;
            if incident.source_ref.is_some() && past.source_ref == incident.source_ref {
                because.push(Likeness::SameAlert);
                score += 4;
            }
            for host in incident.hosts.iter().filter(|h| past.hosts.contains(h)) {
                because.push(Likeness::SameHost { host: host.clone() });
                score += 3;
            }
            let theirs = without_hosts(words(&format!("{} {}", past.title, past.description)), &past.hosts);
            let shared: Vec<String> = theirs.intersection(&own).cloned().collect();
            let strong = score > 0 || shared.len() >= 3;
            if !shared.is_empty() {
                score += shared.len().min(5) as u32;
                because.push(Likeness::Words { words: shared.into_iter().take(5).collect() });
            }
            if past.area == incident.area {
                because.push(Likeness::SameArea { area: past.area });
                score += 1;
            }
            strong.then(|| Seen {
                id: past.id.clone(),
                title: past.title.clone(),
                resolved_at,
                cause: past.cause.clone().unwrap_or_default(),
                solution,
                score,
                because,
            })
        })
        .collect();
    found.sort_by(|a, b| b.score.cmp(&a.score).then(b.resolved_at.cmp(&a.resolved_at)));
    found.truncate(OFFERED);
    found
}
