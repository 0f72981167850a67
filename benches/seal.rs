//! Sealing: the cost of one seal, and `verify --key` over 100,000 events.

use std::hint::black_box;

use chrono::{Duration, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use duty::seal::{self, VerifyKey};
use duty::store::StoredEvent;

/// 100,000 events chained as the store chains them, with a seal after every 100 (1,000
/// seals: a year of 15-minute epochs seals some 35,000 times over far more events).
fn sealed_log(key: &VerifyKey) -> Vec<StoredEvent> {
    let start = key.start;
    let mut sealing = key.sealing_key();
    let mut events = Vec::with_capacity(101_000);
    let mut prev = duty::store::chain::GENESIS.to_string();
    let mut prev_mac = String::new();
    let mut push = |events: &mut Vec<StoredEvent>, kind: &str, payload: String, at| {
        let mut e = StoredEvent {
            seq: events.len() as u64 + 1,
            occurred_at: at,
            recorded_at: at,
            actor: "lead".into(),
            origin: "bench".into(),
            kind: kind.into(),
            subject: "s".into(),
            payload,
            prev_hash: prev.clone(),
            hash: String::new(),
        };
        e.hash = duty::store::chain::event_hash(&prev, &e);
        prev = e.hash.clone();
        events.push(e);
    };
    push(&mut events, seal::STARTED, "{}".into(), start);
    for epoch in 0..1000u64 {
        let at = start + Duration::minutes(epoch as i64) + Duration::seconds(1);
        for n in 0..100 {
            push(&mut events, "duty.entry", format!("{{\"text\":\"note {epoch}.{n}\"}}"), at);
        }
        sealing.evolve_to(epoch);
        let last = events.last().unwrap();
        let s = sealing.seal(last.seq, &last.hash, &prev_mac);
        prev_mac = s.mac.clone();
        push(&mut events, seal::SEALED, serde_json::to_string(&s).unwrap(), at + Duration::seconds(30));
    }
    events
}

fn bench(c: &mut Criterion) {
    let key =
        VerifyKey::new([3u8; 32], Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(), Duration::minutes(1));
    let events = sealed_log(&key);
    assert_eq!(seal::verify(&events, &key).seals, 1000);
    c.bench_function("verify --key: 100,000 events, 1,000 seals (after the chain walk)", |b| {
        b.iter(|| black_box(seal::verify(black_box(&events), &key)))
    });
    c.bench_function("one seal: move the key on one epoch and MAC the head", |b| {
        let mut sealing = key.sealing_key();
        let head = &events.last().unwrap().hash;
        b.iter(|| {
            sealing.evolve_to(sealing.epoch + 1);
            black_box(sealing.seal(100_000, head, "prev"))
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
