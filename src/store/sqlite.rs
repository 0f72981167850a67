//! The embedded backend: one SQLite file in WAL mode, shared safely by several
//! processes on one host. Writers take the write lock up front (`BEGIN IMMEDIATE`), so
//! a command is decided against the state it will be appended to.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, TransactionBehavior};

use super::StoreError;
use super::sql::{Backend, Conn, SqlRow, Value};
use super::tables::SqlStore;

const SCHEMA_VERSION: i64 = 3;

/// Version 1 of the schema (`postgres.rs` keeps the same versions for PostgreSQL).
const SCHEMA_V1: &str = "
CREATE TABLE events (
    seq         INTEGER PRIMARY KEY,
    occurred_at TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    actor       TEXT NOT NULL,
    origin      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    subject     TEXT NOT NULL,
    payload     TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX events_subject ON events (subject, seq);
CREATE INDEX events_recorded ON events (recorded_at);
CREATE TABLE chain_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE incidents (
    id          TEXT PRIMARY KEY,
    state       TEXT NOT NULL,
    severity    TEXT NOT NULL,
    owner       TEXT,
    reported_at TEXT NOT NULL,
    version     INTEGER NOT NULL,
    last_seq    INTEGER NOT NULL,
    body        TEXT NOT NULL
);
CREATE INDEX incidents_state ON incidents (state);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
";

/// Version 2: alarm acknowledgements and the mute, projected from `alarm.*` events.
const SCHEMA_V2: &str = "
CREATE TABLE alarm_acks (
    incident TEXT NOT NULL,
    clock    TEXT NOT NULL,
    level    TEXT NOT NULL,
    actor    TEXT NOT NULL,
    seq      INTEGER NOT NULL,
    PRIMARY KEY (incident, clock, level)
);
CREATE TABLE alarm_mute (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    until TEXT NOT NULL,
    actor TEXT NOT NULL,
    seq   INTEGER NOT NULL
);
";

/// Version 3: live status. Which source item an incident came from, where each check
/// stands, and who runs the engine.
const SCHEMA_V3: &str = "
ALTER TABLE incidents ADD COLUMN source_ref TEXT;
CREATE INDEX incidents_source_ref ON incidents (source_ref);
CREATE TABLE check_status (
    key    TEXT PRIMARY KEY,
    host   TEXT NOT NULL,
    status TEXT NOT NULL,
    body   TEXT NOT NULL
);
CREATE TABLE engine_lease (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    holder       TEXT NOT NULL,
    heartbeat_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
CREATE TABLE maintenance (
    id    TEXT PRIMARY KEY,
    until TEXT NOT NULL,
    body  TEXT NOT NULL
);
CREATE TABLE checklist_runs (
    id     TEXT PRIMARY KEY,
    due_at TEXT NOT NULL,
    body   TEXT NOT NULL
);
CREATE INDEX checklist_runs_due ON checklist_runs (due_at);
CREATE TABLE checklist_declines (
    run    TEXT PRIMARY KEY,
    due_at TEXT NOT NULL,
    body   TEXT NOT NULL
);
CREATE TABLE incident_numbers (
    stem TEXT PRIMARY KEY,
    last INTEGER NOT NULL
);
CREATE TABLE alert_state (
    key      TEXT PRIMARY KEY,
    source   TEXT NOT NULL,
    incident TEXT,
    firing   INTEGER NOT NULL,
    labels   TEXT NOT NULL
);
CREATE INDEX alert_state_source ON alert_state (source, firing);
CREATE TABLE source_status (
    name       TEXT PRIMARY KEY,
    ok         INTEGER NOT NULL,
    since      TEXT NOT NULL,
    checked_at TEXT NOT NULL,
    error      TEXT
);
CREATE TABLE writebacks (
    id         INTEGER PRIMARY KEY,
    incident   TEXT NOT NULL,
    source_ref TEXT NOT NULL,
    operator   TEXT NOT NULL,
    comment    TEXT NOT NULL,
    status     TEXT NOT NULL,
    attempts   INTEGER NOT NULL,
    last_error TEXT,
    created_at TEXT NOT NULL
);
";

/// The embedded database: one SQLite file.
pub struct Sqlite {
    conn: Connection,
}

/// The store on SQLite.
pub type SqliteStore = SqlStore<Sqlite>;

type SqlResult<T> = Result<T, StoreError>;

fn sql<T>(what: &'static str, result: rusqlite::Result<T>) -> SqlResult<T> {
    result.map_err(StoreError::backend(what))
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(v) => ToSqlOutput::Borrowed(ValueRef::Integer(*v)),
            Value::Text(v) => ToSqlOutput::Borrowed(ValueRef::Text(v.as_bytes())),
        })
    }
}

/// Statements go through the connection's statement cache: the hot paths (append,
/// projection writes, numbering) then skip parsing their SQL every time.
impl Conn for &Connection {
    fn exec(&mut self, what: &'static str, statement: &str, params: &[Value]) -> SqlResult<u64> {
        let mut stmt = sql(what, self.prepare_cached(statement))?;
        Ok(sql(what, stmt.execute(rusqlite::params_from_iter(params)))? as u64)
    }

    fn rows(&mut self, what: &'static str, statement: &str, params: &[Value]) -> SqlResult<Vec<SqlRow>> {
        let mut stmt = sql(what, self.prepare_cached(statement))?;
        let columns = stmt.column_count();
        let rows = sql(
            what,
            stmt.query_map(rusqlite::params_from_iter(params), |row| {
                (0..columns)
                    .map(|i| {
                        Ok(match row.get_ref(i)? {
                            ValueRef::Null => Value::Null,
                            ValueRef::Integer(v) => Value::Int(v),
                            ValueRef::Real(v) => Value::Int(v as i64),
                            ValueRef::Text(t) | ValueRef::Blob(t) => {
                                Value::Text(String::from_utf8_lossy(t).into_owned())
                            }
                        })
                    })
                    .collect::<rusqlite::Result<Vec<Value>>>()
                    .map(SqlRow)
            }),
        )?;
        sql(what, rows.collect())
    }

    fn server_now(&mut self) -> SqlResult<Option<DateTime<Utc>>> {
        // One host: its clock is the clock.
        Ok(None)
    }
}

impl Backend for Sqlite {
    fn write<T>(&mut self, f: impl FnOnce(&mut dyn Conn) -> SqlResult<T>) -> SqlResult<T> {
        // BEGIN IMMEDIATE takes the write lock up front.
        let tx =
            sql("starting a command", self.conn.transaction_with_behavior(TransactionBehavior::Immediate))?;
        let result = f(&mut &*tx)?;
        sql("committing", tx.commit())?;
        Ok(result)
    }

    fn read<T>(&self, f: impl FnOnce(&mut dyn Conn) -> SqlResult<T>) -> SqlResult<T> {
        // A read transaction gives one consistent snapshot even while others append.
        let tx = sql("starting to read", self.conn.unchecked_transaction())?;
        f(&mut &*tx)
    }
}

impl SqlStore<Sqlite> {
    /// Opens (creating if needed) the store file and brings its schema up to date.
    pub fn open(path: &Path) -> SqlResult<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(StoreError::backend("creating the store directory"))?;
        }
        let conn = sql("opening the store", Connection::open(path))?;
        sql("setting the busy timeout", conn.busy_timeout(Duration::from_secs(30)))?;
        sql(
            "setting store pragmas",
            conn.execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
            ),
        )?;
        let mut backend = Sqlite { conn };
        backend.migrate()?;
        Ok(SqlStore { backend })
    }

    /// The raw connection, for integrity checks in tests and tools.
    pub fn connection(&self) -> &Connection {
        &self.backend.conn
    }
}

impl Sqlite {
    fn migrate(&mut self) -> SqlResult<()> {
        let tx = sql(
            "starting the migration",
            self.conn.transaction_with_behavior(TransactionBehavior::Immediate),
        )?;
        let version: i64 =
            sql("reading the schema version", tx.query_row("PRAGMA user_version", [], |r| r.get(0)))?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::Backend {
                what: "opening the store",
                source: format!(
                    "the store has schema version {version}, newer than this duty ({SCHEMA_VERSION})"
                )
                .into(),
            });
        }
        for (number, step, what) in [
            (1, SCHEMA_V1, "creating the schema"),
            (2, SCHEMA_V2, "adding the alarm tables"),
            (3, SCHEMA_V3, "adding the live status tables"),
        ] {
            if version < number {
                sql(what, tx.execute_batch(step))?;
            }
        }
        sql(
            "writing the schema version",
            tx.execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION}")),
        )?;
        sql("committing the migration", tx.commit())
    }
}
