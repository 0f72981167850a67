//! Knowledge search: 100,000 entries in a SQLite store (written as `kb.written` events,
//! indexed by the store), a two-character Chinese query and an English word.

use std::hint::black_box;

use chrono::{Duration, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use duty::domain::knowledge::{Origin, Written};
use duty::store::knowledge::KbPayload;
use duty::store::{Location, StoredEvent};

/// Words of the machine room, drawn from to make titles and texts of realistic length.
const CHINESE: &[&str] = &[
    "机房",
    "空调",
    "数据库",
    "服务器",
    "网络",
    "交换机",
    "前置机",
    "监听",
    "日志",
    "磁盘",
    "归档",
    "备份",
    "恢复",
    "故障",
    "中断",
    "异常",
    "告警",
    "重启",
    "清理",
    "升级",
    "补丁",
    "端口",
    "光模块",
    "电源",
    "硬件",
    "病毒",
    "入侵",
    "门户网站",
    "业务系统",
    "响应缓慢",
    "连接失败",
    "超时",
    "内存",
    "负载",
];
const ENGLISH: &[&str] = &[
    "oracle",
    "nginx",
    "tomcat",
    "archive",
    "disk",
    "timeout",
    "switch",
    "port",
    "backup",
    "restore",
    "exchange",
    "frontend",
    "memory",
    "cpu",
    "network",
    "tablespace",
    "certificate",
    "dns",
    "ntp",
    "raid",
];

/// A small deterministic generator (no dependency for one bench).
struct Lcg(u64);

impl Lcg {
    fn pick<'a>(&mut self, words: &[&'a str]) -> &'a str {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        words[(self.0 >> 33) as usize % words.len()]
    }
}

fn entries(n: usize) -> Vec<StoredEvent> {
    let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let mut random = Lcg(7);
    let mut prev = duty::store::chain::GENESIS.to_string();
    (0..n)
        .map(|i| {
            let title: String = (0..4).map(|_| random.pick(CHINESE)).collect();
            let mut body: String = (0..16).map(|_| random.pick(CHINESE)).collect::<Vec<_>>().join("，");
            for _ in 0..4 {
                body.push(' ');
                body.push_str(random.pick(ENGLISH));
            }
            let written = Written { title, body, hosts: vec![] };
            let payload = serde_json::to_string(&KbPayload { written, origin: Origin::Written }).unwrap();
            let at = start + Duration::minutes(i as i64);
            let mut event = StoredEvent {
                seq: i as u64 + 1,
                occurred_at: at,
                recorded_at: at,
                actor: "alice".into(),
                origin: "bench".into(),
                kind: "kb.written".into(),
                subject: format!("kb:KB-{}", i + 1),
                payload,
                prev_hash: prev.clone(),
                hash: String::new(),
            };
            event.hash = duty::store::chain::event_hash(&prev, &event);
            prev = event.hash.clone();
            event
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let location = Location::File(dir.path().join("duty.db"));
    let mut store = location.open_for_writing().unwrap();
    store.import(&entries(100_000)).unwrap();
    for (query, what) in [
        ("机房", "a two-character Chinese query"),
        ("oracle", "an English word"),
        ("光模块", "a three-character Chinese query"),
        ("监听 timeout", "a Chinese pair and an English word together"),
    ] {
        assert!(!store.search_knowledge(query, 20).unwrap().is_empty(), "{query} finds entries");
        c.bench_function(&format!("kb search, 100,000 entries: {what} ({query})"), |b| {
            b.iter(|| black_box(store.search_knowledge(black_box(query), 20).unwrap()))
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
