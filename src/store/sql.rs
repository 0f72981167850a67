//! What the store's SQL needs of a database, and nothing more: statements and queries
//! with numbered parameters (`?1`), values that are integers, text or NULL, and a write
//! transaction that holds the store's write lock. SQLite and PostgreSQL implement it;
//! `tables.rs` writes every statement once, for both.

use chrono::{DateTime, Utc};

use super::StoreError;
use crate::time::{canonical, parse_canonical};

/// A parameter or a column value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(v)
    }
}

impl From<u64> for Value {
    fn from(v: u64) -> Value {
        Value::Int(v as i64)
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Int(i64::from(v))
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(v.to_string())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Text(v)
    }
}

impl From<&String> for Value {
    fn from(v: &String) -> Value {
        Value::Text(v.clone())
    }
}

impl From<DateTime<Utc>> for Value {
    fn from(v: DateTime<Utc>) -> Value {
        Value::Text(canonical(v))
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

/// Builds a parameter list: `params![a, b]`.
macro_rules! params {
    ($($value:expr),* $(,)?) => { &[$($crate::store::sql::Value::from($value)),*] };
}
pub(crate) use params;

/// One row of a result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqlRow(pub Vec<Value>);

fn corrupt(what: &'static str, index: usize) -> StoreError {
    StoreError::Backend {
        what,
        source: format!("column {index} has an unexpected type or is missing").into(),
    }
}

impl SqlRow {
    pub fn int(&self, index: usize) -> Result<i64, StoreError> {
        match self.0.get(index) {
            Some(Value::Int(v)) => Ok(*v),
            _ => Err(corrupt("reading an integer", index)),
        }
    }

    pub fn text(&self, index: usize) -> Result<String, StoreError> {
        match self.0.get(index) {
            Some(Value::Text(v)) => Ok(v.clone()),
            _ => Err(corrupt("reading text", index)),
        }
    }

    pub fn opt_text(&self, index: usize) -> Result<Option<String>, StoreError> {
        match self.0.get(index) {
            Some(Value::Null) => Ok(None),
            _ => self.text(index).map(Some),
        }
    }

    pub fn time(&self, index: usize) -> Result<DateTime<Utc>, StoreError> {
        parse_canonical(&self.text(index)?).map_err(StoreError::backend("reading a time"))
    }
}

/// A connection, or a transaction on one.
pub trait Conn {
    /// Runs one statement; returns the number of rows it changed.
    fn exec(&mut self, what: &'static str, sql: &str, params: &[Value]) -> Result<u64, StoreError>;
    /// Runs a query.
    fn rows(&mut self, what: &'static str, sql: &str, params: &[Value]) -> Result<Vec<SqlRow>, StoreError>;
    /// The head of the hash chain (last seq and hash) as this transaction sees it.
    fn chain_head(&mut self) -> Result<Option<(u64, String)>, StoreError> {
        self.rows("reading the chain head", "SELECT seq, hash FROM chain_head WHERE id = 1", &[])?
            .first()
            .map(|r| Ok((r.int(0)? as u64, r.text(1)?)))
            .transpose()
    }
    /// Moves the head after an append, in the same transaction.
    fn move_head(&mut self, seq: u64, hash: &str) -> Result<(), StoreError> {
        self.exec(
            "moving the chain head",
            "INSERT INTO chain_head (id, seq, hash) VALUES (1, ?1, ?2)
             ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
            &[Value::from(seq), Value::from(hash)],
        )?;
        Ok(())
    }
    /// The database server's clock, where the database is shared between hosts (the
    /// engine lease is then judged by one clock, not by each host's).
    fn server_now(&mut self) -> Result<Option<DateTime<Utc>>, StoreError>;
    /// How this database searches text.
    fn text_search(&self) -> super::knowledge::TextSearch;
}

impl dyn Conn + '_ {
    /// The first row, if any.
    pub fn row(
        &mut self,
        what: &'static str,
        sql: &str,
        params: &[Value],
    ) -> Result<Option<SqlRow>, StoreError> {
        Ok(self.rows(what, sql, params)?.into_iter().next())
    }

    /// The first column of every row, as text.
    pub fn texts(
        &mut self,
        what: &'static str,
        sql: &str,
        params: &[Value],
    ) -> Result<Vec<String>, StoreError> {
        self.rows(what, sql, params)?.iter().map(|r| r.text(0)).collect()
    }
}

/// A database the store can run on.
pub trait Backend: Send {
    /// Runs `f` in a write transaction holding the store's write lock (so a command is
    /// decided against the state it is appended to); commits when `f` succeeds.
    fn write<T>(&mut self, f: impl FnOnce(&mut dyn Conn) -> Result<T, StoreError>) -> Result<T, StoreError>;
    /// Runs `f` on one consistent snapshot.
    fn read<T>(&self, f: impl FnOnce(&mut dyn Conn) -> Result<T, StoreError>) -> Result<T, StoreError>;
}
