//! Engine benchmarks. A probe round of 1,000 HTTP and 1,000 TCP checks against loopback
//! services, and — in the same run, against the same targets, at the same concurrency —
//! Prometheus' blackbox_exporter doing the same probes (when it is installed:
//! `apt-get install prometheus-blackbox-exporter`). Then ingestion of 10,000
//! Alertmanager alerts into deduplicated incidents (parse + one transaction), and the
//! re-fetch of the same 10,000 (all deduplicated).
//!
//! Run: `cargo bench --bench engine`

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use duty::config::{CheckKind, CheckSpec, Site};
use duty::demo::services::{Behaviour, bind_loopback, serve_http, serve_tcp};
use duty::domain::Severity;
use duty::domain::check::SheetColumn;
use duty::engine::probe::Prober;
use duty::engine::scheduler;
use duty::store::{AlertRules, SourcePoll, SqliteStore, Store};

const LOCAL: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
const CHECKS_EACH: usize = 1000;
const CONCURRENCY: usize = 64;
const ALERTS: usize = 10_000;

fn spec(index: usize, kind: CheckKind) -> CheckSpec {
    CheckSpec {
        host: "frontend-1".into(),
        name: format!("c{index}"),
        kind,
        column: SheetColumn::App1,
        interval: Duration::from_secs(60),
        timeout: Duration::from_secs(5),
        retries: 0,
        severity: Severity::Serious,
    }
}

/// Ten HTTP and ten TCP services; checks spread over them.
async fn targets() -> (Vec<String>, Vec<SocketAddr>) {
    let mut http = Vec::new();
    let mut tcp = Vec::new();
    for _ in 0..10 {
        let listener = bind_loopback(LOCAL).await.unwrap();
        http.push(format!("http://{}/health", listener.local_addr().unwrap()));
        tokio::spawn(serve_http(listener, Behaviour::Healthy));
        let listener = bind_loopback(LOCAL).await.unwrap();
        tcp.push(listener.local_addr().unwrap());
        tokio::spawn(serve_tcp(listener));
    }
    (http, tcp)
}

struct Blackbox(Child);

impl Drop for Blackbox {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// blackbox_exporter on a loopback port, if installed.
fn start_blackbox(dir: &std::path::Path) -> Option<(Blackbox, String)> {
    let config = dir.join("blackbox.yml");
    std::fs::write(
        &config,
        "modules:\n  http_2xx:\n    prober: http\n    timeout: 5s\n  tcp_connect:\n    prober: tcp\n    timeout: 5s\n",
    )
    .unwrap();
    let port = std::net::TcpListener::bind((LOCAL, 0)).unwrap().local_addr().unwrap().port();
    let child = Command::new("prometheus-blackbox-exporter")
        .arg(format!("--config.file={}", config.display()))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let guard = Blackbox(child);
    let url = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if started.elapsed() > Duration::from_secs(5) {
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Some((guard, url))
}

fn probe_round(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let (http, tcp) = rt.block_on(targets());
    let mut specs = Vec::new();
    for i in 0..CHECKS_EACH {
        specs.push(spec(
            i,
            CheckKind::Http {
                method: "GET".into(),
                url: http[i % http.len()].clone(),
                expect_status: 200,
                body_contains: Some("OK".into()),
                tls_verify: true,
            },
        ));
        specs.push(spec(CHECKS_EACH + i, CheckKind::Tcp { address: tcp[i % tcp.len()] }));
    }
    let prober = Arc::new(Prober::new(duty::clock::Clock::system()).unwrap());
    let mut group = c.benchmark_group("probe round: 1000 HTTP + 1000 TCP checks, loopback, 64 at once");
    group.sample_size(10);
    group.bench_function("duty scheduler round", |b| {
        b.iter(|| {
            let results = rt.block_on(scheduler::round(&specs, prober.clone(), CONCURRENCY));
            assert!(results.iter().all(|r| r.status == duty::domain::check::CheckStatus::Normal));
        })
    });
    let dir = tempfile::tempdir().unwrap();
    match start_blackbox(dir.path()) {
        None => eprintln!("prometheus-blackbox-exporter is not installed: comparison skipped"),
        Some((_blackbox, url)) => {
            let client = reqwest::Client::builder().pool_max_idle_per_host(CONCURRENCY).build().unwrap();
            let probes: Vec<String> = (0..CHECKS_EACH)
                .flat_map(|i| {
                    [
                        format!("{url}/probe?module=http_2xx&target={}", http[i % http.len()]),
                        format!("{url}/probe?module=tcp_connect&target={}", tcp[i % tcp.len()]),
                    ]
                })
                .collect();
            group.bench_function("blackbox_exporter, same targets", |b| {
                b.iter(|| {
                    rt.block_on(async {
                        let permits = Arc::new(tokio::sync::Semaphore::new(CONCURRENCY));
                        let mut tasks = tokio::task::JoinSet::new();
                        for probe in &probes {
                            let (client, probe, permits) = (client.clone(), probe.clone(), permits.clone());
                            tasks.spawn(async move {
                                let _permit = permits.acquire_owned().await.unwrap();
                                let body = client.get(&probe).send().await.unwrap().text().await.unwrap();
                                assert!(body.contains("probe_success 1"), "{body}");
                            });
                        }
                        while tasks.join_next().await.is_some() {}
                    })
                })
            });
        }
    }
    group.finish();
}

fn alert_ingestion(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let site_dir = dir.path().join("site");
    duty::config::sample::write_sample(&site_dir, "lead", duty::clock::Clock::system().now().date_naive())
        .unwrap();
    std::fs::write(
        site_dir.join("sources.toml"),
        "[[alertmanager]]\nname = \"prom\"\nurl = \"http://127.0.0.1:1\"\n",
    )
    .unwrap();
    let site = Site::load(&site_dir).unwrap();
    let started = duty::clock::Clock::system().now() - chrono::Duration::minutes(5);
    let payload: Vec<serde_json::Value> = (0..ALERTS)
        .map(|i| {
            serde_json::json!({
                "fingerprint": format!("{i:016x}"),
                "labels": { "alertname": "DiskSpaceLow", "instance": format!("node{i}:9100"), "severity": "critical" },
                "annotations": { "summary": format!("Disk /data on node{i} is 93% full") },
                "startsAt": started, "endsAt": started + chrono::Duration::hours(1),
                "updatedAt": started, "receivers": [{ "name": "duty" }],
                "status": { "state": "active", "silencedBy": [], "inhibitedBy": [] }
            })
        })
        .collect();
    let body = serde_json::to_vec(&payload).unwrap();
    let engine = duty::engine::runner::engine_operator();
    let rules = AlertRules {
        source: duty::domain::Source::Alertmanager,
        prefix: "GZ".into(),
        tz: site.tz,
        actor: &engine,
        origin: "bench".into(),
    };
    let mut group = c.benchmark_group("ingest 10,000 Alertmanager alerts");
    group.sample_size(10);
    group.bench_function("first fetch: parse, open 10,000 incidents, one transaction", |b| {
        b.iter_with_setup(
            || {
                let path = dir.path().join(format!("ingest-{}.db", rand_suffix()));
                SqliteStore::open(&path).unwrap()
            },
            |mut store| {
                let alerts =
                    duty::engine::sources::alertmanager::parse(&body, &site.alertmanagers[0], &site).unwrap();
                store
                    .record_alerts(
                        &SourcePoll { source: "prom", result: Ok(alerts) },
                        &rules,
                        duty::clock::Clock::system().now(),
                    )
                    .unwrap();
            },
        )
    });
    let mut store = SqliteStore::open(&dir.path().join("dedupe.db")).unwrap();
    let alerts = duty::engine::sources::alertmanager::parse(&body, &site.alertmanagers[0], &site).unwrap();
    store
        .record_alerts(
            &SourcePoll { source: "prom", result: Ok(alerts) },
            &rules,
            duty::clock::Clock::system().now(),
        )
        .unwrap();
    group.bench_function("re-fetch: parse, all 10,000 deduplicated", |b| {
        b.iter(|| {
            let alerts =
                duty::engine::sources::alertmanager::parse(&body, &site.alertmanagers[0], &site).unwrap();
            store
                .record_alerts(
                    &SourcePoll { source: "prom", result: Ok(alerts) },
                    &rules,
                    duty::clock::Clock::system().now(),
                )
                .unwrap();
        })
    });
    assert_eq!(store.incidents(true).unwrap().len(), ALERTS);
    group.finish();
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
}

criterion_group!(benches, probe_round, alert_ingestion);
criterion_main!(benches);
