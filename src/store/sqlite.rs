//! The embedded backend: one SQLite file in WAL mode, shared safely by several
//! processes on one host. Writers take the write lock up front (`BEGIN IMMEDIATE`), so
//! a command is decided against the state it will be appended to.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, TransactionBehavior};

use super::sql::{Backend, Conn, SqlRow, Value};
use super::tables::SqlStore;
use super::{NotAStoreWhy, StoreError};

const SCHEMA_VERSION: i64 = 6;

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

/// Version 4: the store's own identity, so a process can tell the store it used before
/// from another one put in its place.
const SCHEMA_V4: &str = "
CREATE TABLE store_meta (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    store_id   TEXT NOT NULL,
    created_at TEXT NOT NULL
);
";

/// Version 5: the secrets engineers sign in with at the shared terminal (Argon2id hashes
/// and time-based code keys). Never in the log, which auditors take away; each change
/// is an `operator.secret_set` event naming the row's fingerprint, so a row put in
/// behind the record's back is refused at sign-in.
const SCHEMA_V5: &str = "
CREATE TABLE operator_secrets (
    operator TEXT PRIMARY KEY,
    phc      TEXT NOT NULL,
    code_key TEXT,
    set_seq  INTEGER NOT NULL
);
";

/// Version 6: the knowledge base's index, searched by FTS5 with the trigram tokenizer
/// (kept in step with `knowledge` by triggers; `n` is its row id, stable across VACUUM).
const SCHEMA_V6: &str = "
CREATE TABLE knowledge (
    n          INTEGER PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    pairs      TEXT NOT NULL,
    edited     INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    entry      TEXT NOT NULL
);
CREATE VIRTUAL TABLE knowledge_fts USING fts5(
    title, body, pairs, content = 'knowledge', content_rowid = 'n', tokenize = 'trigram'
);
CREATE TRIGGER knowledge_added AFTER INSERT ON knowledge BEGIN
    INSERT INTO knowledge_fts (rowid, title, body, pairs) VALUES (new.n, new.title, new.body, new.pairs);
END;
CREATE TRIGGER knowledge_removed AFTER DELETE ON knowledge BEGIN
    INSERT INTO knowledge_fts (knowledge_fts, rowid, title, body, pairs)
        VALUES ('delete', old.n, old.title, old.body, old.pairs);
END;
CREATE TRIGGER knowledge_changed AFTER UPDATE ON knowledge BEGIN
    INSERT INTO knowledge_fts (knowledge_fts, rowid, title, body, pairs)
        VALUES ('delete', old.n, old.title, old.body, old.pairs);
    INSERT INTO knowledge_fts (rowid, title, body, pairs) VALUES (new.n, new.title, new.body, new.pairs);
END;
";

/// `PRAGMA application_id` of a duty store ("duty" in ASCII): a file without it (and
/// without the tables of an older duty) is somebody else's and is never written to.
const APPLICATION_ID: i64 = 0x6475_7479;

/// How long a statement waits for another process's write lock before it gives up and
/// says the store is busy: short enough that a console or an engine is never stuck.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The embedded database: one SQLite file.
pub struct Sqlite {
    conn: Connection,
    /// The file and its write-ahead log as they were when we opened them: if either is
    /// removed or replaced under us, our writes would be lost to every other process,
    /// so we stop writing and say so.
    files: Option<Files>,
    /// Why this connection refuses to write, once it found its files gone.
    broken: Option<(String, bool)>,
}

struct Files {
    db: std::path::PathBuf,
    db_inode: u64,
    wal_inode: Option<u64>,
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

    fn text_search(&self) -> super::knowledge::TextSearch {
        super::knowledge::TextSearch::Fts5
    }
}

impl Backend for Sqlite {
    fn write<T>(&mut self, f: impl FnOnce(&mut dyn Conn) -> SqlResult<T>) -> SqlResult<T> {
        self.check_files()?;
        // BEGIN IMMEDIATE takes the write lock up front.
        let tx =
            sql("starting a command", self.conn.transaction_with_behavior(TransactionBehavior::Immediate))?;
        let result = f(&mut &*tx)?;
        sql("committing", tx.commit())?;
        self.note_wal();
        Ok(result)
    }

    fn read<T>(&self, f: impl FnOnce(&mut dyn Conn) -> SqlResult<T>) -> SqlResult<T> {
        // A read transaction gives one consistent snapshot even while others append.
        let tx = sql("starting to read", self.conn.unchecked_transaction())?;
        f(&mut &*tx)
    }
}

fn inode(path: &Path) -> Option<u64> {
    use std::os::unix::fs::MetadataExt;
    std::fs::symlink_metadata(path).ok().map(|m| m.ino())
}

fn wal_path(db: &Path) -> std::path::PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push("-wal");
    name.into()
}

impl Sqlite {
    /// Refuses to write once the file or its write-ahead log was removed or replaced
    /// while we held it open: what we wrote would go to a file nobody else can see.
    fn check_files(&mut self) -> SqlResult<()> {
        if let Some((path, wal)) = &self.broken {
            return Err(StoreError::Vanished { path: path.clone(), wal: *wal });
        }
        let Some(files) = &self.files else { return Ok(()) };
        let gone = if inode(&files.db) != Some(files.db_inode) {
            Some((files.db.display().to_string(), false))
        } else if files.wal_inode.is_some() && inode(&wal_path(&files.db)) != files.wal_inode {
            Some((wal_path(&files.db).display().to_string(), true))
        } else {
            None
        };
        match gone {
            Some((path, wal)) => {
                self.broken = Some((path.clone(), wal));
                Err(StoreError::Vanished { path, wal })
            }
            None => Ok(()),
        }
    }

    /// Remembers the write-ahead log once it exists.
    fn note_wal(&mut self) {
        if let Some(files) = &mut self.files
            && files.wal_inode.is_none()
        {
            files.wal_inode = inode(&wal_path(&files.db));
        }
    }

    fn pragmas(conn: &Connection) -> SqlResult<()> {
        sql("setting the busy timeout", conn.busy_timeout(BUSY_TIMEOUT))?;
        sql(
            "setting store pragmas",
            conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"),
        )
    }

    /// The schema version, after making sure the file is a duty store at all.
    fn version_of(conn: &Connection, path: &Path) -> SqlResult<i64> {
        let not_ours = |why| StoreError::NotAStore { location: path.display().to_string(), why };
        let read = |pragma: &str| -> Result<i64, rusqlite::Error> {
            conn.query_row(&format!("PRAGMA {pragma}"), [], |r| r.get(0))
        };
        let (application_id, version) = match (read("application_id"), read("user_version")) {
            (Ok(a), Ok(v)) => (a, v),
            (Err(e), _) | (_, Err(e)) => {
                return Err(match e.sqlite_error_code() {
                    Some(rusqlite::ErrorCode::NotADatabase) => not_ours(NotAStoreWhy::NotSqlite),
                    _ => StoreError::backend("reading the store's header")(e),
                });
            }
        };
        let has_events = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'events'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map_err(StoreError::backend("reading the store's tables"))?
            > 0;
        // Versions 1–3 predate the application id; they are ours if they have our log.
        let ours = application_id == APPLICATION_ID || (application_id == 0 && (1..=3).contains(&version));
        if !ours || !has_events {
            return Err(not_ours(NotAStoreWhy::Foreign { application_id, version }));
        }
        if version > SCHEMA_VERSION {
            return Err(StoreError::Backend {
                what: "opening the store",
                source: format!(
                    "the store has schema version {version}, newer than this duty ({SCHEMA_VERSION})"
                )
                .into(),
            });
        }
        Ok(version)
    }

    /// Reads the log's head once, so that a store whose write-ahead log was deleted under
    /// another process (its shared memory still counts frames the log no longer has)
    /// is named as such, not as a bare "disk I/O error".
    fn probe(conn: &Connection, path: &Path) -> SqlResult<()> {
        match conn.query_row("SELECT count(*) FROM events", [], |r| r.get::<_, i64>(0)) {
            Ok(_) => Ok(()),
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::SystemIoFailure) => {
                let mut shm = path.as_os_str().to_owned();
                shm.push("-shm");
                // The log is gone, or was just made again empty by this very open.
                let wal_gone = std::fs::metadata(wal_path(path)).map_or(true, |m| m.len() == 0);
                if std::path::Path::new(&shm).exists() && wal_gone {
                    Err(StoreError::Vanished { path: wal_path(path).display().to_string(), wal: true })
                } else {
                    Err(StoreError::backend("reading the store")(e))
                }
            }
            Err(e) => Err(StoreError::backend("reading the store")(e)),
        }
    }

    /// Brings a store (or a new, empty database) up to date in one transaction.
    fn migrate(conn: &mut Connection, from: i64, now: DateTime<Utc>) -> SqlResult<()> {
        if from == SCHEMA_VERSION {
            return Ok(());
        }
        let tx =
            sql("starting the migration", conn.transaction_with_behavior(TransactionBehavior::Immediate))?;
        // Another process may have migrated while we waited for the lock.
        let version: i64 =
            sql("reading the schema version", tx.query_row("PRAGMA user_version", [], |r| r.get(0)))?;
        for (number, step, what) in [
            (1, SCHEMA_V1, "creating the schema"),
            (2, SCHEMA_V2, "adding the alarm tables"),
            (3, SCHEMA_V3, "adding the live status tables"),
            (4, SCHEMA_V4, "adding the store's identity"),
            (5, SCHEMA_V5, "adding the sign-in secrets"),
            (6, SCHEMA_V6, "adding the knowledge base"),
        ] {
            if version < number {
                sql(what, tx.execute_batch(step))?;
            }
        }
        if version < 6 {
            super::tables::index_knowledge(&mut &*tx)?;
        }
        if version < 4 {
            sql(
                "naming the store",
                tx.execute(
                    "INSERT INTO store_meta (id, store_id, created_at) VALUES (1, ?1, ?2)",
                    rusqlite::params![super::new_store_id(), crate::time::canonical(now)],
                ),
            )?;
        }
        sql(
            "writing the schema version",
            tx.execute_batch(&format!(
                "PRAGMA user_version = {SCHEMA_VERSION}; PRAGMA application_id = {APPLICATION_ID};"
            )),
        )?;
        sql("committing the migration", tx.commit())
    }

    /// Makes a new store at `path`: built under a temporary name and linked into place
    /// only when complete, so a store file is never empty or half made (and two
    /// processes creating it at once end up with the same one).
    fn create(path: &Path, now: DateTime<Utc>) -> SqlResult<()> {
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(StoreError::backend("creating the store directory"))?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let temporary = dir.join(format!(".{name}.new-{}", std::process::id()));
        let _ = std::fs::remove_file(&temporary);
        {
            let mut conn = sql("creating the store", Connection::open(&temporary))?;
            crate::files::make_private(&temporary);
            Self::pragmas(&conn)?;
            Self::migrate(&mut conn, 0, now)?;
            sql("creating the store", conn.execute_batch("PRAGMA journal_mode = WAL"))?;
        }
        let linked = std::fs::hard_link(&temporary, path);
        let _ = std::fs::remove_file(&temporary);
        match linked {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            Err(e) => Err(StoreError::backend("putting the new store in place")(e)),
        }
    }
}

impl SqlStore<Sqlite> {
    /// Opens the store file for writing, creating it if there is none and bringing its
    /// schema up to date. Refuses an empty file and a file that is not a duty store.
    pub fn open(path: &Path) -> SqlResult<Self> {
        Self::open_at(path, crate::clock::Clock::system().now())
    }

    /// As `open`, with the time a new store records as its creation.
    pub fn open_at(path: &Path, now: DateTime<Utc>) -> SqlResult<Self> {
        match std::fs::symlink_metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Sqlite::create(path, now)?,
            Err(e) => return Err(StoreError::backend("looking at the store file")(e)),
            Ok(meta) if !meta.is_file() => {
                return Err(StoreError::NotAStore {
                    location: path.display().to_string(),
                    why: NotAStoreWhy::NotAFile,
                });
            }
            Ok(meta) if meta.len() == 0 => {
                return Err(StoreError::NotAStore {
                    location: path.display().to_string(),
                    why: NotAStoreWhy::Empty,
                });
            }
            Ok(_) => {}
        }
        let mut conn = sql("opening the store", Connection::open(path))?;
        Sqlite::pragmas(&conn)?;
        let version = Sqlite::version_of(&conn, path)?;
        Sqlite::probe(&conn, path)?;
        sql("setting store pragmas", conn.execute_batch("PRAGMA journal_mode = WAL"))?;
        Sqlite::migrate(&mut conn, version, now)?;
        let files = inode(path).map(|db_inode| Files {
            db: path.to_path_buf(),
            db_inode,
            wal_inode: inode(&wal_path(path)),
        });
        Ok(SqlStore { backend: Sqlite { conn, files, broken: None } })
    }

    /// Opens the store to read only: nothing is created, migrated or written. A store
    /// that does not exist yet reads as empty; one that needs a newer schema says so.
    pub fn open_read(path: &Path) -> SqlResult<Self> {
        use rusqlite::OpenFlags;
        if !path.exists() {
            return Ok(Self::empty());
        }
        if std::fs::metadata(path).map(|m| m.len() == 0).unwrap_or(false) {
            return Err(StoreError::NotAStore {
                location: path.display().to_string(),
                why: NotAStoreWhy::Empty,
            });
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let open = |uri: bool| -> rusqlite::Result<Connection> {
            if uri {
                // A folder we may not write in: no shared-memory file can be made, so
                // read the file as it stands.
                let uri = format!("file:{}?immutable=1", path.display());
                Connection::open_with_flags(uri, flags | OpenFlags::SQLITE_OPEN_URI)
            } else {
                Connection::open_with_flags(path, flags)
            }
        };
        let mut conn = sql("opening the store", open(false))?;
        sql("setting the busy timeout", conn.busy_timeout(BUSY_TIMEOUT))?;
        let version = match Sqlite::version_of(&conn, path) {
            Err(StoreError::Backend { .. }) => {
                conn = sql("opening the store", open(true))?;
                Sqlite::version_of(&conn, path)?
            }
            other => other?,
        };
        if version < SCHEMA_VERSION {
            return Err(StoreError::Outdated { version, needed: SCHEMA_VERSION });
        }
        Sqlite::probe(&conn, path)?;
        Ok(SqlStore { backend: Sqlite { conn, files: None, broken: None } })
    }

    /// An empty store in memory: what reading a store that does not exist yet reads.
    pub fn empty() -> Self {
        let mut conn = Connection::open_in_memory().expect("SQLite opens a database in memory");
        Sqlite::migrate(&mut conn, 0, crate::clock::Clock::system().now())
            .expect("the schema is created in memory");
        SqlStore { backend: Sqlite { conn, files: None, broken: None } }
    }

    /// The raw connection, for integrity checks in tests and tools.
    pub fn connection(&self) -> &Connection {
        &self.backend.conn
    }
}
