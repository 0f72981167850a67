//! The embedded backend: one SQLite file in WAL mode, shared safely by several
//! processes on one host. Writers take the write lock up front (`BEGIN IMMEDIATE`), so
//! a command is decided against the state it will be appended to.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, TransactionBehavior, params};

use super::chain::{ChainWalker, GENESIS, event_hash};
use super::projection::{
    MaintenanceChange, alarm_event, apply_stored, check_change, is_incident_event, maintenance_change,
};
use super::{
    AlarmRequest, AlertRules, CONSOLE_SUBJECT, Committed, Decide, Declined, IncidentRequest, Lease,
    ProbeRules, RunRequest, SourcePoll, SourceState, Store, StoreError, StoredEvent, Target, VerifyReport,
    Writeback,
};
use crate::domain::alarm::{AlarmEvent, AlarmKey, AlarmLedger, decide_alarm};
use crate::domain::check::{CheckOutcome, CheckResult, CheckState, check_key, observe};
use crate::domain::checklist::{Run, RunEvent, RunRefusal, Slot, apply_run, decide_run};
use crate::domain::incident::{NewIncident, decide};
use crate::domain::maintenance::Window;
use crate::domain::{EventClass, FaultArea, Incident, IncidentCommand, IncidentId, Operator, Source};
use crate::time::{canonical, parse_canonical};

const SCHEMA_VERSION: i64 = 3;

/// Version 1 of the schema; the SQL is kept portable to PostgreSQL.
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

/// The SQLite store.
pub struct SqliteStore {
    conn: Connection,
}

type SqlResult<T> = Result<T, StoreError>;

fn sql<T>(what: &'static str, result: rusqlite::Result<T>) -> SqlResult<T> {
    result.map_err(StoreError::backend(what))
}

/// Runs a statement through the connection's statement cache: the hot paths (append,
/// projection writes, numbering) then skip parsing their SQL every time.
fn cached_execute<P: rusqlite::Params>(
    conn: &Connection,
    statement: &str,
    params: P,
) -> rusqlite::Result<usize> {
    conn.prepare_cached(statement)?.execute(params)
}

/// `query_row` through the statement cache.
fn cached_query_row<T, P, F>(conn: &Connection, statement: &str, params: P, f: F) -> rusqlite::Result<T>
where
    P: rusqlite::Params,
    F: FnOnce(&Row<'_>) -> rusqlite::Result<T>,
{
    conn.prepare_cached(statement)?.query_row(params, f)
}

fn read_time(row: &Row<'_>, index: usize) -> rusqlite::Result<DateTime<Utc>> {
    let text: String = row.get(index)?;
    parse_canonical(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(e))
    })
}

const EVENT_COLUMNS: &str =
    "seq, occurred_at, recorded_at, actor, origin, kind, subject, payload, prev_hash, hash";

fn read_event(row: &Row<'_>) -> rusqlite::Result<StoredEvent> {
    Ok(StoredEvent {
        seq: row.get::<_, i64>(0)? as u64,
        occurred_at: read_time(row, 1)?,
        recorded_at: read_time(row, 2)?,
        actor: row.get(3)?,
        origin: row.get(4)?,
        kind: row.get(5)?,
        subject: row.get(6)?,
        payload: row.get(7)?,
        prev_hash: row.get(8)?,
        hash: row.get(9)?,
    })
}

/// Whether a source reference names an alert of a source that takes acknowledgements.
fn is_alert_ref(source_ref: &str) -> bool {
    source_ref.starts_with("am:") || source_ref.starts_with("zbx:")
}

/// A new event, before the chain gives it its seq and hashes.
fn new_event(
    actor: &str,
    origin: &str,
    occurred_at: DateTime<Utc>,
    recorded_at: DateTime<Utc>,
    kind: &str,
    subject: &str,
    payload: String,
) -> StoredEvent {
    StoredEvent {
        seq: 0,
        occurred_at,
        recorded_at,
        actor: actor.to_string(),
        origin: origin.to_string(),
        kind: kind.to_string(),
        subject: subject.to_string(),
        payload,
        prev_hash: String::new(),
        hash: String::new(),
    }
}

fn decode_incident(body: &str) -> SqlResult<Incident> {
    serde_json::from_str(body).map_err(StoreError::backend("decoding an incident projection"))
}

impl SqliteStore {
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
        let mut store = SqliteStore { conn };
        store.migrate()?;
        Ok(store)
    }

    fn migrate(&mut self) -> SqlResult<()> {
        let tx = sql(
            "starting the migration",
            self.conn.transaction_with_behavior(TransactionBehavior::Immediate),
        )?;
        let version: i64 = sql(
            "reading the schema version",
            cached_query_row(&tx, "PRAGMA user_version", [], |r| r.get(0)),
        )?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::Backend {
                what: "opening the store",
                source: format!(
                    "the store has schema version {version}, newer than this duty ({SCHEMA_VERSION})"
                )
                .into(),
            });
        }
        if version < 1 {
            sql("creating the schema", tx.execute_batch(SCHEMA_V1))?;
        }
        if version < 2 {
            sql("adding the alarm tables", tx.execute_batch(SCHEMA_V2))?;
        }
        if version < 3 {
            sql("adding the live status tables", tx.execute_batch(SCHEMA_V3))?;
        }
        sql(
            "writing the schema version",
            tx.execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION}")),
        )?;
        sql("committing the migration", tx.commit())
    }

    /// The raw connection, for integrity checks in tests and tools.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    fn load_incident(tx: &Connection, id: &IncidentId) -> SqlResult<Option<Incident>> {
        let body: Option<String> = sql(
            "reading an incident",
            cached_query_row(tx, "SELECT body FROM incidents WHERE id = ?1", [&id.0], |r| r.get(0))
                .optional(),
        )?;
        body.map(|b| decode_incident(&b)).transpose()
    }

    fn next_id(tx: &Transaction<'_>, prefix: &str, day_key: &str) -> SqlResult<IncidentId> {
        let stem = format!("{prefix}-{day_key}-");
        let last: Option<i64> = sql(
            "numbering the incident",
            cached_query_row(tx, "SELECT last FROM incident_numbers WHERE stem = ?1", [&stem], |r| r.get(0))
                .optional(),
        )?;
        // A store from before the counter table: count the day's incidents once.
        let last = match last {
            Some(last) => last,
            None => sql(
                "numbering the incident",
                cached_query_row(
                    tx,
                    "SELECT count(*) FROM incidents WHERE substr(id, 1, ?1) = ?2",
                    params![stem.chars().count() as i64, stem],
                    |r| r.get(0),
                ),
            )?,
        };
        sql(
            "numbering the incident",
            cached_execute(
                tx,
                "INSERT INTO incident_numbers (stem, last) VALUES (?1, ?2)
                 ON CONFLICT (stem) DO UPDATE SET last = excluded.last",
                params![stem, last + 1],
            ),
        )?;
        Ok(IncidentId::for_day(prefix, day_key, last as u32 + 1))
    }

    fn head_of(tx: &Connection) -> SqlResult<Option<(u64, String)>> {
        sql(
            "reading the chain head",
            cached_query_row(tx, "SELECT seq, hash FROM chain_head WHERE id = 1", [], |r| {
                Ok((r.get::<_, i64>(0)? as u64, r.get::<_, String>(1)?))
            })
            .optional(),
        )
    }

    /// Appends one event to the chain inside `tx`, filling seq and hashes.
    fn append(tx: &Transaction<'_>, mut event: StoredEvent) -> SqlResult<StoredEvent> {
        let (last_seq, prev_hash) = Self::head_of(tx)?.unwrap_or((0, GENESIS.to_string()));
        event.seq = last_seq + 1;
        event.prev_hash = prev_hash;
        event.hash = event_hash(&event.prev_hash, &event);
        sql(
            "appending an event",
            cached_execute(
                tx,
                &format!(
                    "INSERT INTO events ({EVENT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
                ),
                params![
                    event.seq as i64,
                    canonical(event.occurred_at),
                    canonical(event.recorded_at),
                    event.actor,
                    event.origin,
                    event.kind,
                    event.subject,
                    event.payload,
                    event.prev_hash,
                    event.hash
                ],
            ),
        )?;
        sql(
            "moving the chain head",
            cached_execute(
                tx,
                "INSERT INTO chain_head (id, seq, hash) VALUES (1, ?1, ?2)
                 ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
                params![event.seq as i64, event.hash],
            ),
        )?;
        Ok(event)
    }

    fn save_incident(tx: &Connection, incident: &Incident, last_seq: u64) -> SqlResult<()> {
        let body = serde_json::to_string(incident).map_err(StoreError::backend("encoding an incident"))?;
        sql(
            "writing the incident projection",
            cached_execute(tx,
                "INSERT INTO incidents (id, state, severity, owner, reported_at, version, last_seq, body, source_ref)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (id) DO UPDATE SET state = excluded.state, severity = excluded.severity,
                    owner = excluded.owner, reported_at = excluded.reported_at, version = excluded.version,
                    last_seq = excluded.last_seq, body = excluded.body, source_ref = excluded.source_ref",
                params![
                    incident.id.0,
                    incident.state.key(),
                    incident.severity.key(),
                    incident.owner,
                    canonical(incident.reported_at),
                    incident.version as i64,
                    last_seq as i64,
                    body,
                    incident.source_ref
                ],
            ),
        )?;
        Ok(())
    }

    fn save_alarm(tx: &Connection, event: &AlarmEvent, stored: &StoredEvent) -> SqlResult<()> {
        match event {
            AlarmEvent::Acknowledged { alarms } => {
                for alarm in alarms {
                    let level = serde_json::to_value(alarm.level).expect("levels serialise");
                    sql(
                        "recording an alarm acknowledgement",
                        cached_execute(tx,
                            "INSERT INTO alarm_acks (incident, clock, level, actor, seq) VALUES (?1, ?2, ?3, ?4, ?5)
                             ON CONFLICT (incident, clock, level) DO NOTHING",
                            params![
                                alarm.incident.0,
                                alarm.clock.key(),
                                level.as_str().unwrap_or_default(),
                                stored.actor,
                                stored.seq as i64
                            ],
                        ),
                    )?;
                }
            }
            AlarmEvent::Muted { until, .. } => {
                sql(
                    "recording a mute",
                    cached_execute(tx,
                        "INSERT INTO alarm_mute (id, until, actor, seq) VALUES (1, ?1, ?2, ?3)
                         ON CONFLICT (id) DO UPDATE SET until = excluded.until, actor = excluded.actor, seq = excluded.seq",
                        params![canonical(*until), stored.actor, stored.seq as i64],
                    ),
                )?;
            }
        }
        Ok(())
    }

    /// Decides and records one incident command inside an open transaction.
    fn execute_in(tx: &Transaction<'_>, request: &IncidentRequest<'_>) -> SqlResult<Committed> {
        let (current, new_id, subject) = match &request.target {
            Target::New { prefix, day_key } => {
                let id = Self::next_id(tx, prefix, day_key)?;
                (None, Some(id.clone()), id)
            }
            Target::Existing(id) => {
                let incident =
                    Self::load_incident(tx, id)?.ok_or_else(|| StoreError::NotFound(id.clone()))?;
                if let Some(expected) = request.expected_version
                    && expected != incident.version
                {
                    return Err(StoreError::Stale {
                        id: id.clone(),
                        expected,
                        current: incident.version,
                        by: incident.last_change.actor.clone(),
                        at: incident.last_change.recorded_at,
                    });
                }
                (Some(incident), None, id.clone())
            }
        };
        let ctx = crate::domain::incident::Context {
            actor: request.actor,
            occurred_at: request.occurred_at,
            now: request.now,
        };
        let decided = decide(current.as_ref(), &request.command, &ctx, new_id.as_ref())?;
        let mut incident = current;
        let mut written = Vec::with_capacity(decided.len());
        for event in decided {
            let stored = Self::append(
                tx,
                new_event(
                    &request.actor.id,
                    &request.origin,
                    request.occurred_at,
                    request.now,
                    event.kind(),
                    &subject.0,
                    event.payload_json(),
                ),
            )?;
            // The decided event is at hand: fold it directly rather than re-read its JSON.
            let meta = crate::domain::incident::EventMeta {
                actor: &stored.actor,
                occurred_at: stored.occurred_at,
                recorded_at: stored.recorded_at,
            };
            incident = Some(crate::domain::incident::apply(incident, &event, &meta)?);
            written.push(stored);
        }
        let incident = incident.expect("a decided command produces at least one event");
        let last_seq = written.last().map_or(0, |e| e.seq);
        Self::save_incident(tx, &incident, last_seq)?;
        let acknowledged = written.iter().any(|e| e.kind == "incident.acknowledged");
        if acknowledged && let Some(source_ref) = incident.source_ref.as_deref().filter(|r| is_alert_ref(r)) {
            Self::enqueue_writeback(tx, &incident, source_ref, &request.actor.id, request.now)?;
        }
        Ok(Committed { incident, events: written })
    }

    /// The incident still being worked on that came from this source item, if any.
    fn active_incident_for(tx: &Connection, source_ref: &str) -> SqlResult<Option<IncidentId>> {
        let id: Option<String> = sql(
            "finding an incident by source",
            cached_query_row(tx,
                "SELECT id FROM incidents WHERE source_ref = ?1 AND state IN ('open', 'acknowledged', 'on_site')
                 ORDER BY id DESC LIMIT 1",
                [source_ref],
                |r| r.get(0),
            )
            .optional(),
        )?;
        Ok(id.map(IncidentId))
    }

    fn load_check(tx: &Connection, key: &str) -> SqlResult<Option<CheckState>> {
        let body: Option<String> = sql(
            "reading a check",
            cached_query_row(tx, "SELECT body FROM check_status WHERE key = ?1", [key], |r| r.get(0))
                .optional(),
        )?;
        body.map(|b| serde_json::from_str(&b).map_err(StoreError::backend("decoding a check"))).transpose()
    }

    fn save_check(tx: &Connection, state: &CheckState) -> SqlResult<()> {
        let body = serde_json::to_string(state).map_err(StoreError::backend("encoding a check"))?;
        sql(
            "writing a check",
            cached_execute(tx,
                "INSERT INTO check_status (key, host, status, body) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (key) DO UPDATE SET host = excluded.host, status = excluded.status, body = excluded.body",
                params![check_key(&state.host, &state.check), state.host, state.status.key(), body],
            ),
        )?;
        Ok(())
    }

    /// Records one result inside `tx`; returns the events written.
    fn record_check_in(
        tx: &Transaction<'_>,
        result: &CheckResult,
        rules: &ProbeRules<'_>,
        windows: &[Window],
    ) -> SqlResult<usize> {
        let key = result.key();
        let mut previous = Self::load_check(tx, &key)?;
        // A link to an incident that is no longer being worked on is dropped, so a new
        // failure can open a new one; a link lost in a rebuild is found again.
        if let Some(state) = previous.as_mut() {
            state.incident = Self::active_incident_for(tx, &key)?;
        }
        let rule = (rules.rule_of)(result);
        let in_maintenance = windows.iter().any(|w| w.covers(&result.host, &result.check, result.at));
        let (mut state, outcomes) = observe(previous.as_ref(), result, rules.open_after, in_maintenance);
        let mut written = 0;
        let subject = format!("check:{key}");
        for outcome in outcomes {
            match outcome {
                CheckOutcome::Changed { from, to } => {
                    let payload = serde_json::json!({
                        "host": result.host, "check": result.check, "from": from, "to": to, "evidence": result.evidence,
                    });
                    Self::append(
                        tx,
                        new_event(
                            &rules.actor.id,
                            &rules.origin,
                            result.at,
                            crate::time::now(),
                            "check.changed",
                            &subject,
                            payload.to_string(),
                        ),
                    )?;
                    written += 1;
                }
                CheckOutcome::OpenIncident => {
                    if let Some(open) = Self::active_incident_for(tx, &key)? {
                        state.incident = Some(open);
                        continue;
                    }
                    let new = NewIncident {
                        title: format!(
                            "{}: {} {}",
                            result.host,
                            result.check,
                            result.evidence.error.as_deref().unwrap_or("critical")
                        ),
                        description: serde_json::to_string(&result.evidence).unwrap_or_default(),
                        severity: rule.severity,
                        class: EventClass::Fault,
                        area: rule.area,
                        hosts: vec![result.host.clone()],
                        source: Source::Probe,
                        reported_at: result.at,
                        onsite_required: false,
                        source_ref: Some(key.clone()),
                    };
                    let committed =
                        Self::open_for_source(tx, new, &rules.prefix, rules.tz, rules.actor, &rules.origin)?;
                    written += committed.events.len();
                    state.incident = Some(committed.incident.id);
                }
                CheckOutcome::Recovered { incident } => {
                    let evidence =
                        result.evidence.latency_ms.map_or(String::new(), |ms| format!(" ({ms} ms)"));
                    let mut commands = vec![IncidentCommand::Note {
                        text: format!("{key} recovered: normal again{evidence}"),
                    }];
                    if rules.resolve_on_recovery {
                        commands.push(IncidentCommand::Resolve {
                            cause: format!("{key} failed"),
                            solution: format!("{key} returned to normal"),
                        });
                    }
                    for command in commands {
                        let request = IncidentRequest {
                            target: Target::Existing(incident.clone()),
                            command,
                            actor: rules.actor,
                            origin: rules.origin.clone(),
                            occurred_at: result.at,
                            now: crate::time::now(),
                            expected_version: None,
                        };
                        // An incident nobody has responded to is not resolved by the
                        // engine: the refusal leaves it for a person.
                        match Self::execute_in(tx, &request) {
                            Ok(committed) => written += committed.events.len(),
                            Err(StoreError::Refused(_)) => {}
                            Err(e) => return Err(e),
                        }
                    }
                }
            }
        }
        Self::save_check(tx, &state)?;
        Ok(written)
    }

    fn read_lease(conn: &Connection) -> SqlResult<Option<Lease>> {
        sql(
            "reading the lease",
            cached_query_row(
                conn,
                "SELECT holder, heartbeat_at, expires_at FROM engine_lease WHERE id = 1",
                [],
                |r| {
                    Ok(Lease {
                        holder: r.get(0)?,
                        heartbeat_at: read_time(r, 1)?,
                        expires_at: read_time(r, 2)?,
                    })
                },
            )
            .optional(),
        )
    }

    /// Opens an incident for the engine (a probe or an alert source), numbered by the
    /// local day it was reported and dated at that report.
    fn open_for_source(
        tx: &Transaction<'_>,
        new: NewIncident,
        prefix: &str,
        tz: chrono_tz::Tz,
        actor: &Operator,
        origin: &str,
    ) -> SqlResult<Committed> {
        let day_key = new.reported_at.with_timezone(&tz).format("%Y%m%d").to_string();
        let reported_at = new.reported_at;
        let request = IncidentRequest {
            target: Target::New { prefix: prefix.to_string(), day_key },
            command: IncidentCommand::Open(new),
            actor,
            origin: origin.to_string(),
            occurred_at: reported_at,
            now: crate::time::now(),
            expected_version: None,
        };
        Self::execute_in(tx, &request)
    }

    fn enqueue_writeback(
        tx: &Connection,
        incident: &Incident,
        source_ref: &str,
        operator: &str,
        now: DateTime<Utc>,
    ) -> SqlResult<()> {
        let comment = match &incident.last_note {
            Some(note) => format!("{operator} acknowledged {} in Duty Console: {note}", incident.id),
            None => format!("{operator} acknowledged {} in Duty Console", incident.id),
        };
        sql(
            "queueing a write-back",
            cached_execute(tx,
                "INSERT INTO writebacks (incident, source_ref, operator, comment, status, attempts, created_at)
                 VALUES (?1, ?2, ?3, ?4, 'pending', 0, ?5)",
                params![incident.id.0, source_ref, operator, comment, canonical(now)],
            ),
        )?;
        Ok(())
    }

    /// Records the result of one poll of a source in `tx`; returns the events written.
    fn record_alerts_in(
        tx: &Transaction<'_>,
        poll: &SourcePoll<'_>,
        rules: &AlertRules<'_>,
    ) -> SqlResult<usize> {
        let now = crate::time::now();
        let mut written = 0;
        let previous: Option<(bool, String)> = sql(
            "reading a source",
            cached_query_row(tx, "SELECT ok, since FROM source_status WHERE name = ?1", [poll.source], |r| {
                Ok((r.get::<_, i64>(0)? != 0, r.get(1)?))
            })
            .optional(),
        )?;
        let ok = poll.result.is_ok();
        let error = poll.result.as_ref().err().cloned();
        let changed = previous.as_ref().is_none_or(|(was_ok, _)| *was_ok != ok);
        let since = match (&previous, changed) {
            (Some((_, since)), false) => since.clone(),
            _ => canonical(now),
        };
        if changed {
            let payload = serde_json::json!({ "source": poll.source, "ok": ok, "error": error });
            let subject = format!("source:{}", poll.source);
            Self::append(
                tx,
                new_event(
                    &rules.actor.id,
                    &rules.origin,
                    now,
                    now,
                    "source.changed",
                    &subject,
                    payload.to_string(),
                ),
            )?;
            written += 1;
        }
        sql(
            "writing a source's status",
            cached_execute(
                tx,
                "INSERT INTO source_status (name, ok, since, checked_at, error) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (name) DO UPDATE SET ok = excluded.ok, since = excluded.since,
                    checked_at = excluded.checked_at, error = excluded.error",
                params![poll.source, ok as i64, since, canonical(now), error],
            ),
        )?;
        let Ok(alerts) = &poll.result else { return Ok(written) };
        let mut seen = std::collections::HashSet::new();
        for alert in alerts {
            seen.insert(alert.key.as_str());
            let state: Option<(Option<String>, bool)> = sql(
                "reading an alert",
                cached_query_row(
                    tx,
                    "SELECT incident, firing FROM alert_state WHERE key = ?1",
                    [&alert.key],
                    |r| Ok((r.get(0)?, r.get::<_, i64>(1)? != 0)),
                )
                .optional(),
            )?;
            if alert.ended {
                if let Some((Some(incident), true)) = state {
                    written += Self::alert_ended(tx, &alert.key, &IncidentId(incident), rules, now)?;
                }
                continue;
            }
            if matches!(state, Some((_, true))) {
                continue;
            }
            let incident = match Self::active_incident_for(tx, &alert.key)? {
                Some(open) => open,
                None => {
                    let new = NewIncident {
                        title: alert.title.chars().take(crate::domain::incident::TITLE_MAX).collect(),
                        description: alert
                            .description
                            .chars()
                            .take(crate::domain::incident::TEXT_MAX)
                            .collect(),
                        severity: alert.severity,
                        class: EventClass::Fault,
                        area: FaultArea::System,
                        hosts: alert.hosts.clone(),
                        source: rules.source,
                        reported_at: alert.started_at.min(now),
                        onsite_required: false,
                        source_ref: Some(alert.key.clone()),
                    };
                    let committed =
                        Self::open_for_source(tx, new, &rules.prefix, rules.tz, rules.actor, &rules.origin)?;
                    written += committed.events.len();
                    committed.incident.id
                }
            };
            let labels =
                serde_json::to_string(&alert.labels).map_err(StoreError::backend("encoding labels"))?;
            sql(
                "writing an alert",
                cached_execute(tx,
                    "INSERT INTO alert_state (key, source, incident, firing, labels) VALUES (?1, ?2, ?3, 1, ?4)
                     ON CONFLICT (key) DO UPDATE SET incident = excluded.incident, firing = 1, labels = excluded.labels",
                    params![alert.key, poll.source, incident.0, labels],
                ),
            )?;
        }
        // Alertmanager drops a resolved alert from its list: what was firing and is no
        // longer listed has ended.
        let firing: Vec<(String, Option<String>)> = {
            let mut stmt = sql(
                "reading alerts",
                tx.prepare("SELECT key, incident FROM alert_state WHERE source = ?1 AND firing = 1"),
            )?;
            let rows = sql("reading alerts", stmt.query_map([poll.source], |r| Ok((r.get(0)?, r.get(1)?))))?;
            sql("reading alerts", rows.collect())?
        };
        for (key, incident) in firing {
            if !seen.contains(key.as_str())
                && let Some(incident) = incident
            {
                written += Self::alert_ended(tx, &key, &IncidentId(incident), rules, now)?;
            }
        }
        Ok(written)
    }

    /// Marks an alert ended and notes it on its incident (once).
    fn alert_ended(
        tx: &Transaction<'_>,
        key: &str,
        incident: &IncidentId,
        rules: &AlertRules<'_>,
        now: DateTime<Utc>,
    ) -> SqlResult<usize> {
        sql(
            "ending an alert",
            cached_execute(tx, "UPDATE alert_state SET firing = 0 WHERE key = ?1", [key]),
        )?;
        let request = IncidentRequest {
            target: Target::Existing(incident.clone()),
            command: IncidentCommand::Note { text: format!("{key}: the source reports the alert ended") },
            actor: rules.actor,
            origin: rules.origin.clone(),
            occurred_at: now,
            now,
            expected_version: None,
        };
        match Self::execute_in(tx, &request) {
            Ok(committed) => Ok(committed.events.len()),
            // A closed incident takes no notes: the end is then only in alert_state.
            Err(StoreError::Refused(_)) => Ok(0),
            Err(e) => Err(e),
        }
    }

    fn windows_in(conn: &Connection) -> SqlResult<Vec<Window>> {
        let mut stmt =
            sql("reading maintenance", conn.prepare("SELECT body FROM maintenance ORDER BY until"))?;
        let rows = sql("reading maintenance", stmt.query_map([], |r| r.get::<_, String>(0)))?;
        rows.map(|body| {
            let body = sql("reading maintenance", body)?;
            serde_json::from_str(&body).map_err(StoreError::backend("decoding a maintenance window"))
        })
        .collect()
    }

    fn save_window(tx: &Connection, window: &Window) -> SqlResult<()> {
        let body =
            serde_json::to_string(window).map_err(StoreError::backend("encoding a maintenance window"))?;
        sql(
            "writing a maintenance window",
            cached_execute(
                tx,
                "INSERT INTO maintenance (id, until, body) VALUES (?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET until = excluded.until, body = excluded.body",
                params![window.id, canonical(window.until), body],
            ),
        )?;
        Ok(())
    }

    fn load_run(conn: &Connection, id: &str) -> SqlResult<Option<Run>> {
        let body: Option<String> = sql(
            "reading a run",
            cached_query_row(conn, "SELECT body FROM checklist_runs WHERE id = ?1", [id], |r| r.get(0))
                .optional(),
        )?;
        body.map(|b| serde_json::from_str(&b).map_err(StoreError::backend("decoding a run"))).transpose()
    }

    fn save_run(conn: &Connection, run: &Run) -> SqlResult<()> {
        let body = serde_json::to_string(run).map_err(StoreError::backend("encoding a run"))?;
        sql(
            "writing a run",
            cached_execute(
                conn,
                "INSERT INTO checklist_runs (id, due_at, body) VALUES (?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET due_at = excluded.due_at, body = excluded.body",
                params![run.id, canonical(run.due_at), body],
            ),
        )?;
        Ok(())
    }

    fn save_decline(conn: &Connection, declined: &Declined) -> SqlResult<()> {
        let body = serde_json::to_string(declined).map_err(StoreError::backend("encoding a declaration"))?;
        sql(
            "writing a declaration",
            cached_execute(
                conn,
                "INSERT INTO checklist_declines (run, due_at, body) VALUES (?1, ?2, ?3)
                 ON CONFLICT (run) DO UPDATE SET body = excluded.body",
                params![declined.slot.run, canonical(declined.slot.due_at), body],
            ),
        )?;
        Ok(())
    }

    fn bodies_between<T: serde::de::DeserializeOwned>(
        &self,
        table: &'static str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> SqlResult<Vec<T>> {
        let query = format!("SELECT body FROM {table} WHERE due_at >= ?1 AND due_at < ?2 ORDER BY due_at");
        let mut stmt = sql("reading inspections", self.conn.prepare_cached(&query))?;
        let rows = sql(
            "reading inspections",
            stmt.query_map(params![canonical(from), canonical(to)], |r| r.get::<_, String>(0)),
        )?;
        rows.map(|body| {
            let body = sql("reading inspections", body)?;
            serde_json::from_str(&body).map_err(StoreError::backend("decoding an inspection"))
        })
        .collect()
    }

    fn query_events(&self, filter: &str, param: &[&dyn rusqlite::ToSql]) -> SqlResult<Vec<StoredEvent>> {
        query_events(&self.conn, filter, param)
    }
}

fn query_events(
    conn: &Connection,
    filter: &str,
    param: &[&dyn rusqlite::ToSql],
) -> SqlResult<Vec<StoredEvent>> {
    let mut stmt = sql(
        "reading events",
        conn.prepare(&format!("SELECT {EVENT_COLUMNS} FROM events {filter} ORDER BY seq")),
    )?;
    let rows = sql("reading events", stmt.query_map(param, read_event))?;
    sql("reading events", rows.collect())
}

impl Store for SqliteStore {
    fn execute(&mut self, request: IncidentRequest<'_>) -> SqlResult<Committed> {
        let tx =
            sql("starting a command", self.conn.transaction_with_behavior(TransactionBehavior::Immediate))?;
        let committed = Self::execute_in(&tx, &request)?;
        sql("committing a command", tx.commit())?;
        Ok(committed)
    }

    fn incident(&self, id: &IncidentId) -> SqlResult<Option<Incident>> {
        Self::load_incident(&self.conn, id)
    }

    fn incidents(&self, include_closed: bool) -> SqlResult<Vec<Incident>> {
        let query = if include_closed {
            "SELECT body FROM incidents ORDER BY id"
        } else {
            "SELECT body FROM incidents WHERE state <> 'closed' ORDER BY id"
        };
        let mut stmt = sql("reading incidents", self.conn.prepare(query))?;
        let bodies = sql("reading incidents", stmt.query_map([], |r| r.get::<_, String>(0)))?;
        bodies.map(|body| decode_incident(&sql("reading incidents", body)?)).collect()
    }

    fn timeline(&self, subject: &str) -> SqlResult<Vec<StoredEvent>> {
        self.query_events("WHERE subject = ?1", &[&subject])
    }

    fn events(&self, since: Option<DateTime<Utc>>) -> SqlResult<Vec<StoredEvent>> {
        match since {
            Some(since) => self.query_events("WHERE recorded_at >= ?1", &[&canonical(since)]),
            None => self.query_events("", &[]),
        }
    }

    fn head(&self) -> SqlResult<u64> {
        Ok(Self::head_of(&self.conn)?.map_or(0, |(seq, _)| seq))
    }

    fn verify(&self) -> SqlResult<VerifyReport> {
        // A read transaction gives one consistent snapshot even while others append.
        let tx = sql("starting the verification", self.conn.unchecked_transaction())?;
        let head = Self::head_of(&tx)?;
        let mut stmt =
            sql("reading events", tx.prepare(&format!("SELECT {EVENT_COLUMNS} FROM events ORDER BY seq")))?;
        let mut rows = sql("reading events", stmt.query([]))?;
        let mut walker = ChainWalker::default();
        let mut count = 0;
        while let Some(row) = sql("reading events", rows.next())? {
            let event = match read_event(row) {
                Ok(event) => event,
                Err(_) => {
                    let seq: i64 = row.get(0).unwrap_or(count as i64 + 1);
                    return Ok(VerifyReport {
                        events: count,
                        head_hash: String::new(),
                        first_bad: Some(super::BadLink {
                            seq: seq as u64,
                            problem: super::Break::HashMismatch,
                        }),
                    });
                }
            };
            if let Err(bad) = walker.feed(&event) {
                return Ok(VerifyReport { events: count, head_hash: String::new(), first_bad: Some(bad) });
            }
            count += 1;
        }
        Ok(match walker.finish(head) {
            Ok((_, hash)) => VerifyReport { events: count, head_hash: hash, first_bad: None },
            Err(bad) => VerifyReport { events: count, head_hash: String::new(), first_bad: Some(bad) },
        })
    }

    fn record_alarm(&mut self, request: AlarmRequest<'_>) -> SqlResult<StoredEvent> {
        let event = decide_alarm(&request.command, request.actor, request.now)?;
        let tx =
            sql("starting a command", self.conn.transaction_with_behavior(TransactionBehavior::Immediate))?;
        let stored = Self::append(
            &tx,
            new_event(
                &request.actor.id,
                &request.origin,
                request.now,
                request.now,
                event.kind(),
                CONSOLE_SUBJECT,
                event.payload_json(),
            ),
        )?;
        Self::save_alarm(&tx, &event, &stored)?;
        sql("committing a command", tx.commit())?;
        Ok(stored)
    }

    fn alarm_ledger(&self) -> SqlResult<AlarmLedger> {
        let mut ledger = AlarmLedger::default();
        let mut stmt =
            sql("reading alarms", self.conn.prepare("SELECT incident, clock, level FROM alarm_acks"))?;
        let rows = sql(
            "reading alarms",
            stmt.query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
            }),
        )?;
        for row in rows {
            let (incident, clock, level) = sql("reading alarms", row)?;
            let decoded = serde_json::from_value(serde_json::json!({
                "incident": incident, "clock": clock, "level": level
            }));
            let key: AlarmKey = decoded.map_err(StoreError::backend("decoding an alarm"))?;
            ledger.acknowledged.insert(key);
        }
        ledger.muted_until = sql(
            "reading the mute",
            self.conn
                .query_row("SELECT until, actor FROM alarm_mute WHERE id = 1", [], |r| {
                    Ok((read_time(r, 0)?, r.get::<_, String>(1)?))
                })
                .optional(),
        )?;
        Ok(ledger)
    }

    fn record_checks(&mut self, results: &[CheckResult], rules: &ProbeRules<'_>) -> SqlResult<usize> {
        let tx = sql(
            "starting to record checks",
            self.conn.transaction_with_behavior(TransactionBehavior::Immediate),
        )?;
        let windows = Self::windows_in(&tx)?;
        let mut written = 0;
        for result in results {
            written += Self::record_check_in(&tx, result, rules, &windows)?;
        }
        sql("committing checks", tx.commit())?;
        Ok(written)
    }

    fn check_states(&self) -> SqlResult<Vec<CheckState>> {
        let mut stmt =
            sql("reading checks", self.conn.prepare("SELECT body FROM check_status ORDER BY key"))?;
        let rows = sql("reading checks", stmt.query_map([], |r| r.get::<_, String>(0)))?;
        rows.map(|body| {
            let body = sql("reading checks", body)?;
            serde_json::from_str(&body).map_err(StoreError::backend("decoding a check"))
        })
        .collect()
    }

    fn acquire_lease(&mut self, holder: &str, now: DateTime<Utc>, ttl: chrono::Duration) -> SqlResult<Lease> {
        let tx =
            sql("taking the lease", self.conn.transaction_with_behavior(TransactionBehavior::Immediate))?;
        let before = Self::read_lease(&tx)?;
        sql(
            "taking the lease",
            cached_execute(&tx,
                "INSERT INTO engine_lease (id, holder, heartbeat_at, expires_at) VALUES (1, ?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, heartbeat_at = excluded.heartbeat_at,
                    expires_at = excluded.expires_at
                 WHERE engine_lease.holder = excluded.holder OR engine_lease.expires_at < excluded.heartbeat_at",
                params![holder, canonical(now), canonical(now + ttl)],
            ),
        )?;
        let after = Self::read_lease(&tx)?.expect("the lease row exists now");
        let taken_over = after.holder == holder && before.as_ref().is_none_or(|b| b.holder != holder);
        if taken_over {
            // Who ran the engine when is part of the record.
            let payload = serde_json::json!({ "holder": holder, "previous": before.map(|b| b.holder) });
            Self::append(
                &tx,
                new_event(holder, "engine", now, now, "engine.lease_taken", "engine", payload.to_string()),
            )?;
        }
        sql("committing the lease", tx.commit())?;
        Ok(after)
    }

    fn release_lease(&mut self, holder: &str) -> SqlResult<()> {
        sql(
            "releasing the lease",
            cached_execute(
                &self.conn,
                "UPDATE engine_lease SET expires_at = heartbeat_at WHERE id = 1 AND holder = ?1",
                [holder],
            ),
        )?;
        Ok(())
    }

    fn lease(&self) -> SqlResult<Option<Lease>> {
        Self::read_lease(&self.conn)
    }

    fn record_alerts(&mut self, poll: &SourcePoll<'_>, rules: &AlertRules<'_>) -> SqlResult<usize> {
        let tx = sql(
            "starting to record alerts",
            self.conn.transaction_with_behavior(TransactionBehavior::Immediate),
        )?;
        let written = Self::record_alerts_in(&tx, poll, rules)?;
        sql("committing alerts", tx.commit())?;
        Ok(written)
    }

    fn source_states(&self) -> SqlResult<Vec<SourceState>> {
        let mut stmt = sql(
            "reading sources",
            self.conn.prepare("SELECT name, ok, since, checked_at, error FROM source_status ORDER BY name"),
        )?;
        let rows = sql(
            "reading sources",
            stmt.query_map([], |r| {
                Ok(SourceState {
                    name: r.get(0)?,
                    ok: r.get::<_, i64>(1)? != 0,
                    since: read_time(r, 2)?,
                    checked_at: read_time(r, 3)?,
                    error: r.get(4)?,
                })
            }),
        )?;
        sql("reading sources", rows.collect())
    }

    fn pending_writebacks(&self) -> SqlResult<Vec<Writeback>> {
        let mut stmt = sql(
            "reading write-backs",
            self.conn.prepare(
                "SELECT w.id, w.incident, w.source_ref, w.operator, w.comment, w.attempts, w.last_error, a.labels
                 FROM writebacks w LEFT JOIN alert_state a ON a.key = w.source_ref
                 WHERE w.status = 'pending' ORDER BY w.id",
            ),
        )?;
        let rows = sql(
            "reading write-backs",
            stmt.query_map([], |r| {
                let labels: Option<String> = r.get(7)?;
                Ok(Writeback {
                    id: r.get(0)?,
                    incident: IncidentId(r.get(1)?),
                    source_ref: r.get(2)?,
                    operator: r.get(3)?,
                    comment: r.get(4)?,
                    attempts: r.get::<_, i64>(5)? as u32,
                    last_error: r.get(6)?,
                    labels: labels.and_then(|l| serde_json::from_str(&l).ok()).unwrap_or_default(),
                })
            }),
        )?;
        sql("reading write-backs", rows.collect())
    }

    fn finish_writeback(
        &mut self,
        writeback: &Writeback,
        outcome: Result<String, String>,
        actor: &Operator,
        origin: &str,
    ) -> SqlResult<()> {
        let tx = sql(
            "recording a write-back",
            self.conn.transaction_with_behavior(TransactionBehavior::Immediate),
        )?;
        let now = crate::time::now();
        match outcome {
            Ok(detail) => {
                sql(
                    "recording a write-back",
                    cached_execute(
                        &tx,
                        "UPDATE writebacks SET status = 'done', attempts = attempts + 1, last_error = NULL WHERE id = ?1",
                        [writeback.id],
                    ),
                )?;
                let payload = serde_json::json!({ "source_ref": writeback.source_ref, "operator": writeback.operator, "detail": detail });
                Self::append(
                    &tx,
                    new_event(
                        &actor.id,
                        origin,
                        now,
                        now,
                        "writeback.done",
                        &writeback.incident.0,
                        payload.to_string(),
                    ),
                )?;
            }
            Err(error) => {
                if writeback.attempts == 0 {
                    // The first failure is on the record; retries are counted, not logged.
                    let payload = serde_json::json!({ "source_ref": writeback.source_ref, "error": error });
                    Self::append(
                        &tx,
                        new_event(
                            &actor.id,
                            origin,
                            now,
                            now,
                            "writeback.failed",
                            &writeback.incident.0,
                            payload.to_string(),
                        ),
                    )?;
                }
                sql(
                    "recording a write-back",
                    cached_execute(
                        &tx,
                        "UPDATE writebacks SET attempts = attempts + 1, last_error = ?2 WHERE id = ?1",
                        params![writeback.id, error],
                    ),
                )?;
            }
        }
        sql("committing a write-back", tx.commit())
    }

    fn schedule_maintenance(
        &mut self,
        mut window: Window,
        actor: &Operator,
        origin: &str,
        now: DateTime<Utc>,
    ) -> SqlResult<Window> {
        crate::domain::maintenance::validate(&window, now)?;
        let tx = sql(
            "scheduling maintenance",
            self.conn.transaction_with_behavior(TransactionBehavior::Immediate),
        )?;
        window.id = format!("MW-{}", Self::head_of(&tx)?.map_or(0, |(seq, _)| seq) + 1);
        window.by = actor.id.clone();
        let payload =
            serde_json::to_string(&window).map_err(StoreError::backend("encoding a maintenance window"))?;
        let subject = format!("maintenance:{}", window.id);
        Self::append(
            &tx,
            new_event(&actor.id, origin, now, now, "maintenance.scheduled", &subject, payload),
        )?;
        Self::save_window(&tx, &window)?;
        sql("committing maintenance", tx.commit())?;
        Ok(window)
    }

    fn end_maintenance(
        &mut self,
        id: &str,
        actor: &Operator,
        origin: &str,
        now: DateTime<Utc>,
    ) -> SqlResult<Window> {
        let tx =
            sql("ending maintenance", self.conn.transaction_with_behavior(TransactionBehavior::Immediate))?;
        let mut window =
            Self::windows_in(&tx)?.into_iter().find(|w| w.id == id && w.until > now).ok_or_else(|| {
                StoreError::Refused(crate::domain::DomainError::NoWindow { id: id.to_string() })
            })?;
        window.until = now.max(window.from);
        let payload = serde_json::json!({ "id": id, "until": window.until }).to_string();
        Self::append(
            &tx,
            new_event(
                &actor.id,
                origin,
                now,
                now,
                "maintenance.ended",
                &format!("maintenance:{id}"),
                payload,
            ),
        )?;
        Self::save_window(&tx, &window)?;
        sql("committing maintenance", tx.commit())?;
        Ok(window)
    }

    fn maintenance_windows(&self) -> SqlResult<Vec<Window>> {
        Self::windows_in(&self.conn)
    }

    fn execute_run(&mut self, request: RunRequest<'_>) -> SqlResult<Run> {
        let tx =
            sql("starting a command", self.conn.transaction_with_behavior(TransactionBehavior::Immediate))?;
        let current = Self::load_run(&tx, &request.run)?;
        if let (Some(expected), Some(run)) = (request.expected_version, current.as_ref())
            && expected != run.version
        {
            let (by, at) = run
                .marks
                .values()
                .map(|m| (m.by.clone(), m.at))
                .chain(run.signed.clone())
                .chain(std::iter::once((run.started_by.clone(), run.started_at)))
                .max_by_key(|(_, at)| *at)
                .unwrap_or_default();
            return Err(StoreError::StaleRun { run: request.run.clone(), by, at });
        }
        let event = decide_run(current.as_ref(), &request.command, request.actor)?;
        let subject = format!("run:{}", request.run);
        Self::append(
            &tx,
            new_event(
                &request.actor.id,
                &request.origin,
                request.now,
                request.now,
                event.kind(),
                &subject,
                event.payload_json(),
            ),
        )?;
        let run = apply_run(current, &event, &request.run, &request.actor.id, request.now)?;
        Self::save_run(&tx, &run)?;
        sql("committing a command", tx.commit())?;
        Ok(run)
    }

    fn run(&self, id: &str) -> SqlResult<Option<Run>> {
        Self::load_run(&self.conn, id)
    }

    fn runs_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> SqlResult<Vec<Run>> {
        self.bodies_between("checklist_runs", from, to)
    }

    fn decline_run(
        &mut self,
        slot: &Slot,
        reason: &str,
        actor: &Operator,
        origin: &str,
        now: DateTime<Utc>,
    ) -> SqlResult<Declined> {
        if reason.trim().is_empty() {
            return Err(StoreError::Refused(crate::domain::DomainError::Empty { field: "reason" }));
        }
        let tx = sql(
            "declining an inspection",
            self.conn.transaction_with_behavior(TransactionBehavior::Immediate),
        )?;
        if let Some(run) = Self::load_run(&tx, &slot.run)? {
            return Err(StoreError::Refused(crate::domain::DomainError::Run(RunRefusal::AlreadyStarted {
                by: run.started_by,
                at: run.started_at,
            })));
        }
        let declined = Declined {
            slot: slot.clone(),
            reason: reason.to_string(),
            by: actor.id.clone(),
            at: now,
            late_notice: now > slot.due_at - chrono::Duration::hours(2),
        };
        let payload =
            serde_json::to_string(&declined).map_err(StoreError::backend("encoding a declaration"))?;
        Self::append(
            &tx,
            new_event(
                &actor.id,
                origin,
                now,
                now,
                "checklist.declined",
                &format!("run:{}", slot.run),
                payload,
            ),
        )?;
        Self::save_decline(&tx, &declined)?;
        sql("committing a declaration", tx.commit())?;
        Ok(declined)
    }

    fn declined_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> SqlResult<Vec<Declined>> {
        self.bodies_between("checklist_declines", from, to)
    }

    fn record_event(
        &mut self,
        kind: &str,
        subject: &str,
        payload: String,
        actor: &Operator,
        origin: &str,
        now: DateTime<Utc>,
    ) -> SqlResult<StoredEvent> {
        let tx =
            sql("recording an event", self.conn.transaction_with_behavior(TransactionBehavior::Immediate))?;
        let stored = Self::append(&tx, new_event(&actor.id, origin, now, now, kind, subject, payload))?;
        sql("committing an event", tx.commit())?;
        Ok(stored)
    }

    fn append_decided(
        &mut self,
        subject: &str,
        decide: &mut Decide<'_>,
        actor: &Operator,
        origin: &str,
        now: DateTime<Utc>,
    ) -> SqlResult<Vec<StoredEvent>> {
        let tx =
            sql("starting a command", self.conn.transaction_with_behavior(TransactionBehavior::Immediate))?;
        let history = query_events(&tx, "WHERE subject = ?1", &[&subject])?;
        let mut stored = Vec::new();
        for (kind, payload) in decide(&history)? {
            stored.push(Self::append(&tx, new_event(&actor.id, origin, now, now, &kind, subject, payload))?);
        }
        sql("committing a command", tx.commit())?;
        Ok(stored)
    }

    fn events_of(&self, prefix: &str) -> SqlResult<Vec<StoredEvent>> {
        // A range on the kind (portable, uses no LIKE escaping).
        let end = format!("{prefix}\u{10ffff}");
        self.query_events("WHERE kind >= ?1 AND kind < ?2", &[&prefix, &end])
    }

    fn rebuild(&mut self) -> SqlResult<u64> {
        let tx =
            sql("starting the rebuild", self.conn.transaction_with_behavior(TransactionBehavior::Immediate))?;
        sql(
            "clearing projections",
            tx.execute_batch(
                "DELETE FROM incidents; DELETE FROM alarm_acks; DELETE FROM alarm_mute; DELETE FROM check_status;
                 DELETE FROM maintenance; DELETE FROM checklist_runs; DELETE FROM checklist_declines;",
            ),
        )?;
        let mut folded: std::collections::BTreeMap<String, (Incident, u64)> = Default::default();
        let mut count = 0;
        {
            let mut stmt = sql(
                "reading events",
                tx.prepare(&format!("SELECT {EVENT_COLUMNS} FROM events ORDER BY seq")),
            )?;
            let mut rows = sql("reading events", stmt.query([]))?;
            while let Some(row) = sql("reading events", rows.next())? {
                let event = sql("reading events", read_event(row))?;
                count += 1;
                if let Some(alarm) = alarm_event(&event)? {
                    Self::save_alarm(&tx, &alarm, &event)?;
                    continue;
                }
                if let Some(state) = check_change(&event)? {
                    Self::save_check(&tx, &state)?;
                    continue;
                }
                if event.kind == "checklist.declined" {
                    let declined: Declined = serde_json::from_str(&event.payload).map_err(|_| {
                        crate::domain::DomainError::CorruptLog { kind: "undecodable declaration" }
                    })?;
                    Self::save_decline(&tx, &declined)?;
                    continue;
                }
                if event.kind.starts_with("checklist.") {
                    let decoded = RunEvent::from_stored(&event.kind, &event.payload).map_err(|_| {
                        crate::domain::DomainError::CorruptLog { kind: "undecodable checklist event" }
                    })?;
                    let id = event.subject.trim_start_matches("run:");
                    let run =
                        apply_run(Self::load_run(&tx, id)?, &decoded, id, &event.actor, event.recorded_at)?;
                    Self::save_run(&tx, &run)?;
                    continue;
                }
                if let Some(change) = maintenance_change(&event)? {
                    let window = match change {
                        MaintenanceChange::Scheduled(window) => window,
                        MaintenanceChange::Ended { id, until } => {
                            let Some(mut window) = Self::windows_in(&tx)?.into_iter().find(|w| w.id == id)
                            else {
                                continue;
                            };
                            window.until = until;
                            window
                        }
                    };
                    Self::save_window(&tx, &window)?;
                    continue;
                }
                if !is_incident_event(&event) {
                    continue;
                }
                let previous = folded.remove(&event.subject).map(|(incident, _)| incident);
                let incident = apply_stored(previous, &event)?;
                folded.insert(event.subject.clone(), (incident, event.seq));
            }
        }
        for (incident, last_seq) in folded.values() {
            Self::save_incident(&tx, incident, *last_seq)?;
        }
        sql("committing the rebuild", tx.commit())?;
        Ok(count)
    }
}
