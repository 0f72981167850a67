//! Store benchmarks, on both backends in one run: committed commands per second
//! (SQLite in WAL with synchronous=FULL; PostgreSQL with fsync on, over loopback TCP),
//! loading the projection that 100,000 events produced, rebuilding it, and verifying
//! the chain. The PostgreSQL server is started by the benchmark, as by the tests.
//!
//! Run: `cargo bench --bench store`

use std::hint::black_box;

use chrono::{Duration, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use duty::domain::incident::NewIncident;
use duty::domain::{EventClass, FaultArea, IncidentCommand, IncidentId, Operator, Role, Severity, Source};
use duty::store::{AnyStore, IncidentRequest, Location, SqliteStore, Store, Target};

#[path = "../tests/common/pg.rs"]
#[allow(dead_code)]
mod pg;

const INCIDENTS: usize = 10_000;
const EVENTS_PER_INCIDENT: usize = 10;

fn operator() -> Operator {
    Operator { id: "alice".into(), name: "Alice".into(), role: Role::Operator }
}

fn open(store: &mut dyn Store, actor: &Operator, n: usize) -> IncidentId {
    let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + Duration::minutes(n as i64);
    let new = NewIncident {
        title: format!("exchange node {n} red"),
        description: "node shown red in the exchange console".into(),
        severity: Severity::Ordinary,
        class: EventClass::Fault,
        area: FaultArea::NetworkDevice,
        hosts: vec!["frontend-1".into()],
        source: Source::Operator,
        reported_at: at,
        onsite_required: false,
        source_ref: None,
    };
    let request = IncidentRequest {
        target: Target::New { prefix: "GZ".into(), day_key: at.format("%Y%m%d").to_string() },
        command: IncidentCommand::Open(new),
        actor,
        origin: "bench".into(),
        occurred_at: at,
        now: at,
        expected_version: None,
        claim: None,
    };
    store.execute(request).unwrap().incident.id
}

fn note(store: &mut dyn Store, actor: &Operator, id: &IncidentId, text: &str) {
    let now = duty::clock::Clock::system().now();
    store
        .execute(IncidentRequest {
            target: Target::Existing(id.clone()),
            command: IncidentCommand::Note { text: text.into() },
            actor,
            origin: "bench".into(),
            occurred_at: now,
            now,
            expected_version: None,
            claim: None,
        })
        .unwrap();
}

/// A store on each backend: the SQLite file and the PostgreSQL database.
struct Backends {
    _dir: tempfile::TempDir,
    _server: pg::PgServer,
    sqlite: std::path::PathBuf,
    postgres: String,
}

impl Backends {
    fn new() -> Backends {
        let dir = tempfile::tempdir().unwrap();
        let server = pg::PgServer::start_durable();
        let postgres = server.fresh();
        Backends { sqlite: dir.path().join("duty.db"), _dir: dir, _server: server, postgres }
    }

    fn both(&self) -> [(&'static str, AnyStore); 2] {
        [
            ("sqlite", Location::File(self.sqlite.clone()).open_for_writing().unwrap()),
            ("postgres", Location::Postgres(self.postgres.clone()).open_for_writing().unwrap()),
        ]
    }
}

fn append(c: &mut Criterion) {
    let backends = Backends::new();
    let actor = operator();
    for (name, mut store) in backends.both() {
        let id = open(&mut *store, &actor, 0);
        c.bench_function(&format!("{name}: append one committed command (note)"), |b| {
            b.iter(|| note(&mut *store, &actor, &id, "checked the MQ channel: running"))
        });
    }
}

fn projection(c: &mut Criterion) {
    let backends = Backends::new();
    let actor = operator();
    {
        let mut seed = SqliteStore::open(&backends.sqlite).unwrap();
        // Building 100k events durably would take minutes; the layout is what matters here.
        seed.connection().execute_batch("PRAGMA synchronous = OFF").unwrap();
        for n in 0..INCIDENTS {
            let id = open(&mut seed, &actor, n);
            for k in 1..EVENTS_PER_INCIDENT {
                note(&mut seed, &actor, &id, &format!("step {k}"));
            }
        }
    }
    let [(_, sqlite), (_, mut postgres)] = backends.both();
    // The same history on PostgreSQL, moved as `duty store copy` moves it.
    postgres.import(&sqlite.events(None).unwrap()).unwrap();
    drop(sqlite);
    let mut group = c.benchmark_group("projection of 100k events");
    group.sample_size(10);
    for (name, mut store) in backends.both() {
        assert_eq!(store.head().unwrap(), (INCIDENTS * EVENTS_PER_INCIDENT) as u64);
        group.bench_function(format!("{name}: load 10k incidents"), |b| {
            b.iter(|| black_box(store.incidents(true).unwrap().len()))
        });
        group.bench_function(format!("{name}: rebuild from 100k events"), |b| {
            b.iter(|| black_box(store.rebuild().unwrap()))
        });
        group.bench_function(format!("{name}: verify chain of 100k events"), |b| {
            b.iter(|| black_box(store.verify().unwrap().events))
        });
    }
    group.finish();
}

criterion_group!(benches, append, projection);
criterion_main!(benches);
