//! Store benchmarks: committed commands per second (WAL, synchronous=FULL), loading the
//! projection that 100,000 events produced, and rebuilding it from those events.
//!
//! Run: `cargo bench --bench store`

use std::hint::black_box;

use chrono::{Duration, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use duty::domain::incident::NewIncident;
use duty::domain::{EventClass, FaultArea, IncidentCommand, IncidentId, Operator, Role, Severity, Source};
use duty::store::{IncidentRequest, SqliteStore, Store, Target};

const INCIDENTS: usize = 10_000;
const EVENTS_PER_INCIDENT: usize = 10;

fn operator() -> Operator {
    Operator { id: "alice".into(), name: "Alice".into(), role: Role::Operator }
}

fn open(store: &mut SqliteStore, actor: &Operator, n: usize) -> IncidentId {
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
    };
    store.execute(request).unwrap().incident.id
}

fn note(store: &mut SqliteStore, actor: &Operator, id: &IncidentId, text: &str) {
    let now = duty::time::now();
    store
        .execute(IncidentRequest {
            target: Target::Existing(id.clone()),
            command: IncidentCommand::Note { text: text.into() },
            actor,
            origin: "bench".into(),
            occurred_at: now,
            now,
            expected_version: None,
        })
        .unwrap();
}

fn append(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(&dir.path().join("duty.db")).unwrap();
    let actor = operator();
    let id = open(&mut store, &actor, 0);
    c.bench_function("append: one committed command (note)", |b| {
        b.iter(|| note(&mut store, &actor, &id, "checked the MQ channel: running"))
    });
}

fn projection(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(&dir.path().join("duty.db")).unwrap();
    // Building 100k events durably would take minutes; the layout is what matters here.
    store.connection().execute_batch("PRAGMA synchronous = OFF").unwrap();
    let actor = operator();
    for n in 0..INCIDENTS {
        let id = open(&mut store, &actor, n);
        for k in 1..EVENTS_PER_INCIDENT {
            note(&mut store, &actor, &id, &format!("step {k}"));
        }
    }
    assert_eq!(store.head().unwrap(), (INCIDENTS * EVENTS_PER_INCIDENT) as u64);
    let mut group = c.benchmark_group("projection of 100k events");
    group.sample_size(10);
    group
        .bench_function("load 10k incidents", |b| b.iter(|| black_box(store.incidents(true).unwrap().len())));
    group.bench_function("rebuild from 100k events", |b| b.iter(|| black_box(store.rebuild().unwrap())));
    group.bench_function("verify chain of 100k events", |b| {
        b.iter(|| black_box(store.verify().unwrap().events))
    });
    group.finish();
}

criterion_group!(benches, append, projection);
criterion_main!(benches);
