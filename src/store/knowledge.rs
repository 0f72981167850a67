//! The knowledge base's index (`knowledge`): one row per entry, kept with the incidents
//! projection (a resolved incident's cause and solution) and the `kb.` events (entries
//! written and edited by hand), and folded again by a rebuild. SQLite searches it with
//! FTS5's trigram tokenizer (`knowledge_fts`, kept by triggers), PostgreSQL with
//! `LIKE` over a pg_trgm index where the extension may be created.

use super::sql::{Conn, SqlRow, Value, params};
use super::{StoreError, StoredEvent};
use crate::domain::knowledge::{self, Entry, Origin, Term, Written};

type SqlResult<T> = Result<T, StoreError>;

/// How a backend searches text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextSearch {
    /// SQLite: FTS5 with the trigram tokenizer.
    Fts5,
    /// PostgreSQL: `LIKE` (over a pg_trgm index, where there is one).
    Like,
}

/// What a `kb.written` or `kb.edited` event carries: the text, and whose entry it is.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KbPayload {
    #[serde(flatten)]
    pub written: Written,
    #[serde(flatten)]
    pub origin: Origin,
}

/// Writes an entry's row. An incident's entry made again from the incident leaves an
/// entry edited by hand as it is (`keep_edited`).
pub fn save(db: &mut dyn Conn, entry: &Entry, keep_edited: bool) -> SqlResult<()> {
    let body = serde_json::to_string(entry).map_err(StoreError::backend("encoding a knowledge entry"))?;
    let text = format!("{}\n{}", entry.title, entry.body);
    let guard = if keep_edited { " WHERE knowledge.edited = 0" } else { "" };
    db.exec(
        "writing the knowledge index",
        &format!(
            "INSERT INTO knowledge (id, title, body, pairs, edited, updated_at, entry)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (id) DO UPDATE SET title = excluded.title, body = excluded.body,
                pairs = excluded.pairs, edited = excluded.edited, updated_at = excluded.updated_at,
                entry = excluded.entry{guard}"
        ),
        params![
            &entry.id,
            &entry.title,
            &entry.body,
            knowledge::pairs(&text),
            i64::from(entry.edited),
            entry.updated_at,
            body
        ],
    )?;
    Ok(())
}

/// Indexes a `kb.` event (others are not the knowledge base's).
pub fn index_event(db: &mut dyn Conn, event: &StoredEvent) -> SqlResult<()> {
    let Some(id) = knowledge::entry_id(&event.subject).filter(|_| event.kind.starts_with("kb.")) else {
        return Ok(());
    };
    let payload: KbPayload = serde_json::from_str(&event.payload)
        .map_err(|_| crate::domain::DomainError::CorruptLog { kind: "undecodable knowledge entry" })?;
    let edited = event.kind == knowledge::EDITED;
    let entry = payload.written.entry(id, payload.origin, &event.actor, event.occurred_at, edited);
    save(db, &entry, false)
}

/// One entry by id.
pub fn load(db: &mut dyn Conn, id: &str) -> SqlResult<Option<Entry>> {
    db.row("reading a knowledge entry", "SELECT entry FROM knowledge WHERE id = ?1", params![id])?
        .map(|row| decode(&row))
        .transpose()
}

fn decode(row: &SqlRow) -> SqlResult<Entry> {
    serde_json::from_str(&row.text(0)?).map_err(StoreError::backend("decoding a knowledge entry"))
}

/// `%term%` for LIKE, its wildcards taken literally.
fn like(term: &str) -> String {
    let escaped = term.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

/// The newest entries holding every term of `query` (case aside), at most `limit`.
pub fn search(db: &mut dyn Conn, search: TextSearch, query: &str, limit: usize) -> SqlResult<Vec<Entry>> {
    let terms = knowledge::terms(query);
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let mut params: Vec<Value> = Vec::new();
    let next = |value: Value, params: &mut Vec<Value>| {
        params.push(value);
        format!("?{}", params.len())
    };
    let sql = match search {
        TextSearch::Fts5 => {
            // What the trigrams answer is matched by the index; a one-character term
            // is looked for in the rows it leaves.
            let scans: Vec<String> = terms
                .iter()
                .filter_map(|t| match t {
                    Term::Scan(t) => Some(format!(
                        "instr(lower(k.title || ' ' || k.body), {}) > 0",
                        next(Value::from(t.as_str()), &mut params)
                    )),
                    _ => None,
                })
                .collect();
            match knowledge::fts5_expression(&terms) {
                Some(expression) => {
                    let matched = next(Value::from(expression), &mut params);
                    let mut sql = format!(
                        "SELECT k.entry FROM knowledge_fts f JOIN knowledge k ON k.n = f.rowid
                         WHERE knowledge_fts MATCH {matched}"
                    );
                    for scan in &scans {
                        sql.push_str(&format!(" AND {scan}"));
                    }
                    sql.push_str(" ORDER BY f.rowid DESC");
                    sql
                }
                None => {
                    format!("SELECT k.entry FROM knowledge k WHERE {} ORDER BY k.n DESC", scans.join(" AND "))
                }
            }
        }
        TextSearch::Like => {
            let conditions: Vec<String> = terms
                .iter()
                .map(|t| {
                    let (Term::Trigrams(t) | Term::Pair(t) | Term::Scan(t)) = t;
                    format!("lower(title || ' ' || body) LIKE {}", next(Value::from(like(t)), &mut params))
                })
                .collect();
            format!(
                "SELECT entry FROM knowledge WHERE {} ORDER BY updated_at DESC, id DESC",
                conditions.join(" AND ")
            )
        }
    };
    let sql = format!("{sql} LIMIT {}", limit.max(1));
    db.rows("searching the knowledge base", &sql, &params)?.iter().map(decode).collect()
}
