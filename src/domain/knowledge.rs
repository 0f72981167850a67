//! The knowledge base (知识库): every resolved incident with its cause and solution is
//! an entry, and engineers write entries by hand (runbooks, known errors); an edit is
//! an event like any other. Search is by substring in Chinese and English without a
//! word segmenter: the store indexes trigrams (SQLite FTS5's trigram tokenizer,
//! PostgreSQL's pg_trgm), and for two-character terms, which trigrams cannot find, the
//! text's character pairs written as `XY|` — whose trigram is the pair itself.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::incident::{TEXT_MAX, TITLE_MAX};
use super::{DomainError, Incident, IncidentId};

/// Where an entry comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum Origin {
    /// A resolved incident's cause and solution.
    Incident { incident: IncidentId },
    /// Written by hand.
    Written,
}

/// One entry as it is searched and shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// `KB-N` for one written by hand; the incident's id for an incident's.
    pub id: String,
    #[serde(flatten)]
    pub origin: Origin,
    pub title: String,
    pub body: String,
    #[serde(default)]
    pub hosts: Vec<String>,
    pub updated_at: DateTime<Utc>,
    pub by: String,
    /// Changed by hand since it was made (an incident's entry then follows the edit).
    #[serde(default)]
    pub edited: bool,
}

/// An incident's entry, once it is resolved with a cause and a solution.
pub fn of_incident(incident: &Incident) -> Option<Entry> {
    let (cause, solution) = (incident.cause.as_deref()?, incident.solution.as_deref()?);
    let at = incident.resolved_at?;
    let mut body = format!("{cause}\n{solution}");
    if !incident.description.trim().is_empty() {
        body.push('\n');
        body.push_str(&incident.description);
    }
    Some(Entry {
        id: incident.id.0.clone(),
        origin: Origin::Incident { incident: incident.id.clone() },
        title: incident.title.clone(),
        body,
        hosts: incident.hosts.clone(),
        updated_at: at,
        by: incident.owner.clone().unwrap_or_else(|| incident.reporter.clone()),
        edited: false,
    })
}

/// What is written into an entry (a new one, or an edit replacing title and text).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Written {
    pub title: String,
    pub body: String,
    #[serde(default)]
    pub hosts: Vec<String>,
}

impl Written {
    pub fn check(&self) -> Result<(), DomainError> {
        super::tagged::check_text("title", &self.title, TITLE_MAX, true)?;
        super::tagged::check_text("body", &self.body, TEXT_MAX, true)
    }

    /// The entry it makes.
    pub fn entry(&self, id: &str, origin: Origin, by: &str, at: DateTime<Utc>, edited: bool) -> Entry {
        Entry {
            id: id.to_string(),
            origin,
            title: self.title.clone(),
            body: self.body.clone(),
            hosts: self.hosts.clone(),
            updated_at: at,
            by: by.to_string(),
            edited,
        }
    }
}

/// The event kinds of the knowledge base (subject `kb:<entry id>`).
pub const WRITTEN: &str = "kb.written";
pub const EDITED: &str = "kb.edited";

/// The entry id of a `kb:` subject.
pub fn entry_id(subject: &str) -> Option<&str> {
    subject.strip_prefix("kb:")
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// The text's pairs of adjacent letters, digits or ideographs, lowercased, each
/// followed by `|`: indexed by trigrams, `机房|` is found by the two characters 机房.
pub fn pairs(text: &str) -> String {
    let mut out = String::new();
    let mut previous: Option<char> = None;
    for c in text.chars().flat_map(char::to_lowercase) {
        if let (Some(p), true) = (previous, is_word_char(c)) {
            out.push(p);
            out.push(c);
            out.push('|');
        }
        previous = is_word_char(c).then_some(c);
    }
    out
}

/// One term of a query, by how the index finds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Term {
    /// Three characters or more: a trigram phrase.
    Trigrams(String),
    /// Two characters: the pair `XY|`.
    Pair(String),
    /// One character: a scan.
    Scan(String),
}

/// A query's terms (separated by spaces), all of which an entry must hold.
pub fn terms(query: &str) -> Vec<Term> {
    query
        .split_whitespace()
        .map(|t| t.to_lowercase())
        .map(|t| match t.chars().count() {
            1 => Term::Scan(t),
            2 => Term::Pair(t),
            _ => Term::Trigrams(t),
        })
        .collect()
}

/// The FTS5 expression of the terms the index answers (trigram phrases in any column,
/// pairs in the pairs column), or None when every term is a scan.
pub fn fts5_expression(terms: &[Term]) -> Option<String> {
    let quoted = |t: &str| format!("\"{}\"", t.replace('"', "\"\""));
    let parts: Vec<String> = terms
        .iter()
        .filter_map(|t| match t {
            Term::Trigrams(t) => Some(format!("{{title body}} : {}", quoted(t))),
            Term::Pair(t) => Some(format!("pairs : {}", quoted(&format!("{t}|")))),
            Term::Scan(_) => None,
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(" AND "))
}

/// A search result: the entry and where a term was found in it, as a short excerpt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hit {
    #[serde(flatten)]
    pub entry: Entry,
    pub excerpt: String,
}

/// Up to `width` characters of the entry's text around the first term found.
pub fn excerpt(entry: &Entry, terms: &[Term], width: usize) -> String {
    let text = entry.body.replace('\n', " ");
    let lower = text.to_lowercase();
    let first = terms
        .iter()
        .filter_map(|t| match t {
            Term::Trigrams(t) | Term::Pair(t) | Term::Scan(t) => lower.find(t.as_str()),
        })
        .min()
        .map(|byte| lower[..byte].chars().count())
        .unwrap_or(0);
    let start = first.saturating_sub(width / 4);
    let chars: Vec<char> = text.chars().collect();
    let end = (start + width).min(chars.len());
    let mut out: String = chars[start.min(end)..end].iter().collect();
    if start > 0 {
        out.insert(0, '…');
    }
    if end < chars.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_find_two_characters_and_terms_pick_the_index() {
        assert_eq!(pairs("机房 UPS"), "机房|up|ps|");
        assert_eq!(pairs("数据库A"), "数据|据库|库a|");
        assert_eq!(
            terms("监听 listener 库 Oracle数据库"),
            vec![
                Term::Pair("监听".into()),
                Term::Trigrams("listener".into()),
                Term::Scan("库".into()),
                Term::Trigrams("oracle数据库".into())
            ]
        );
        assert_eq!(
            fts5_expression(&terms("监听 listen\"er 库")).as_deref(),
            Some("pairs : \"监听|\" AND {title body} : \"listen\"\"er\"")
        );
        assert_eq!(fts5_expression(&terms("库")), None);
    }

    #[test]
    fn an_excerpt_shows_the_text_around_the_first_term() {
        let entry = Written {
            title: "t".into(),
            body: "前面很多文字。监听日志写满，清理后恢复。后面".into(),
            hosts: vec![],
        }
        .entry("KB-1", Origin::Written, "alice", DateTime::UNIX_EPOCH, false);
        assert_eq!(excerpt(&entry, &terms("监听"), 8), "…字。监听日志写满…");
        assert_eq!(excerpt(&entry, &terms("xyz"), 4), "前面很多…");
    }
}
