//! Live status against real services on loopback: HTTP (healthy, slow, 500, wrong body,
//! huge, hanging, TLS with a self-signed certificate), TCP (open, closed); the engine's
//! rules (only changes are events, N criticals open one incident, recovery notes it);
//! `duty status`; and the engine lease taken over after the holder is killed.

mod common;

use std::net::{IpAddr, Ipv4Addr};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::Fixture;
use duty::config::{CheckKind, CheckSpec};
use duty::demo::services::{Behaviour, bind_loopback, serve_http, serve_tcp};
use duty::domain::check::{CheckResult, CheckStatus, SheetColumn};
use duty::domain::{FaultArea, Severity};
use duty::engine::probe::Prober;
use duty::store::{ProbeRule, ProbeRules, SqliteStore, Store};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const LOCAL: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

fn spec(name: &str, kind: CheckKind, timeout_ms: u64) -> CheckSpec {
    CheckSpec {
        host: "frontend-1".into(),
        name: name.into(),
        kind,
        column: SheetColumn::App1,
        interval: Duration::from_secs(5),
        timeout: Duration::from_millis(timeout_ms),
        retries: 0,
        severity: Severity::Serious,
    }
}

fn http(url: String, verify: bool) -> CheckKind {
    CheckKind::Http {
        method: "GET".into(),
        url,
        expect_status: 200,
        body_contains: Some("OK".into()),
        tls_verify: verify,
    }
}

async fn http_service(behaviour: Behaviour) -> String {
    let listener = bind_loopback(LOCAL).await.unwrap();
    let url = format!("http://{}/health", listener.local_addr().unwrap());
    tokio::spawn(serve_http(listener, behaviour));
    url
}

/// A server that sends headers then a body of `size` bytes.
async fn huge_service(size: usize) -> String {
    let listener = bind_loopback(LOCAL).await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let (mut stream, _) = listener.accept().await.unwrap();
            tokio::spawn(async move {
                let mut buf = [0u8; 1024];
                let _ = stream.read(&mut buf).await;
                let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {size}\r\n\r\nOK");
                let _ = stream.write_all(head.as_bytes()).await;
                let chunk = vec![b'x'; 64 * 1024];
                let mut sent = 2;
                while sent < size {
                    let n = chunk.len().min(size - sent);
                    if stream.write_all(&chunk[..n]).await.is_err() {
                        return;
                    }
                    sent += n;
                }
            });
        }
    });
    url
}

/// An HTTPS server with a certificate made now by `openssl`, signed by nobody.
async fn tls_service(dir: &std::path::Path) -> String {
    let (key, cert) = (dir.join("key.pem"), dir.join("cert.pem"));
    let status = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stderr(Stdio::null())
        .status()
        .expect("openssl makes the test certificate");
    assert!(status.success());
    let identity =
        native_tls::Identity::from_pkcs8(&std::fs::read(&cert).unwrap(), &std::fs::read(&key).unwrap())
            .unwrap();
    let acceptor = tokio_native_tls::TlsAcceptor::from(native_tls::TlsAcceptor::new(identity).unwrap());
    let listener = bind_loopback(LOCAL).await.unwrap();
    let url = format!("https://{}/health", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(stream).await else { return };
                let mut buf = [0u8; 2048];
                let _ = tls.read(&mut buf).await;
                let _ = tls
                    .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nOK\n")
                    .await;
                let _ = tls.shutdown().await;
            });
        }
    });
    url
}

#[test]
fn probes_judge_real_services() {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let prober = Prober::new(duty::clock::Clock::system()).unwrap();
    rt.block_on(async {
        let run = |spec: CheckSpec| {
            let prober = &prober;
            async move {
                let started = Instant::now();
                let result = prober.run(&spec).await;
                (result, started.elapsed())
            }
        };
        let (ok, _) = run(spec("healthy", http(http_service(Behaviour::Healthy).await, true), 2000)).await;
        assert_eq!(ok.status, CheckStatus::Normal, "{ok:?}");
        assert_eq!(ok.evidence.status_code, Some(200));
        assert!(ok.evidence.latency_ms.is_some());

        let (slow, took) =
            run(spec("slow", http(http_service(Behaviour::Slow(Duration::from_secs(3))).await, true), 300))
                .await;
        assert_eq!(slow.status, CheckStatus::Critical);
        assert_eq!(
            slow.evidence.reason,
            Some(duty::domain::check::Reason::Incomplete { ms: 300 }),
            "{slow:?}"
        );
        assert!(took < Duration::from_millis(1000), "the timeout is enforced: {took:?}");

        let (error, _) = run(spec("500", http(http_service(Behaviour::Status(500)).await, true), 2000)).await;
        assert_eq!((error.status, error.evidence.status_code), (CheckStatus::Critical, Some(500)));
        assert_eq!(
            error.evidence.reason,
            Some(duty::domain::check::Reason::Status { code: 500, expected: 200 })
        );
        let zh = duty::i18n::evidence_reason(&error.evidence, duty::i18n::Lang::Zh).unwrap();
        assert_eq!(zh, "状态码 500，应为 200", "the reason is shown in the reader's language");

        let (wrong, _) = run(spec("body", http(http_service(Behaviour::WrongBody).await, true), 2000)).await;
        assert_eq!(wrong.status, CheckStatus::Critical);
        assert_eq!(
            wrong.evidence.reason,
            Some(duty::domain::check::Reason::BodyMissing { wanted: "OK".into() })
        );
        assert_eq!(wrong.evidence.excerpt.as_deref(), Some("maintenance page\n"));

        let (huge, took) = run(spec("huge", http(huge_service(200 * 1024 * 1024).await, true), 5000)).await;
        assert_eq!(huge.status, CheckStatus::Normal, "the first 64 KiB are judged: {huge:?}");
        assert!(took < Duration::from_secs(2), "200 MB are not read: {took:?}");

        let (hang, took) = run(spec(
            "hang",
            CheckKind::Http {
                method: "GET".into(),
                url: format!("http://{}/", common::silent_service().await),
                expect_status: 200,
                body_contains: None,
                tls_verify: true,
            },
            400,
        ))
        .await;
        assert_eq!(hang.status, CheckStatus::Critical);
        assert!(took < Duration::from_millis(1200), "{took:?}");

        let tls_url = tls_service(dir.path()).await;
        let (untrusted, _) = run(spec("tls", http(tls_url.clone(), true), 3000)).await;
        assert_eq!(
            untrusted.status,
            CheckStatus::Critical,
            "a self-signed certificate is refused by default"
        );
        let reason = untrusted.evidence.error.clone().unwrap();
        assert!(reason.to_lowercase().contains("certificate"), "{reason}");
        let (accepted, _) = run(spec("tls-no-verify", http(tls_url, false), 3000)).await;
        assert_eq!(accepted.status, CheckStatus::Normal, "{accepted:?}");

        let listener = bind_loopback(LOCAL).await.unwrap();
        let open = listener.local_addr().unwrap();
        tokio::spawn(serve_tcp(listener));
        let (up, _) = run(spec("tcp", CheckKind::Tcp { address: open }, 1000)).await;
        assert_eq!(up.status, CheckStatus::Normal);
        let closed = {
            let l = bind_loopback(LOCAL).await.unwrap();
            l.local_addr().unwrap()
        };
        let (down, _) = run(spec("closed", CheckKind::Tcp { address: closed }, 1000)).await;
        assert_eq!(down.status, CheckStatus::Critical);
        assert_eq!(
            down.evidence.reason,
            Some(duty::domain::check::Reason::Refused { address: closed.to_string() }),
            "{down:?}"
        );

        let (ping, _) = run(spec("ping", CheckKind::Ping { address: LOCAL }, 1000)).await;
        assert_ne!(
            ping.status,
            CheckStatus::Critical,
            "loopback answers or the probe says it cannot tell: {ping:?}"
        );
        if ping.status == CheckStatus::Unknown {
            assert!(
                matches!(
                    ping.evidence.reason,
                    Some(
                        duty::domain::check::Reason::NoIcmpPermission
                            | duty::domain::check::Reason::PingMissing
                            | duty::domain::check::Reason::CannotJudge
                    )
                ),
                "{ping:?}"
            );
        }
    });
}

fn result(status: CheckStatus, at: chrono::DateTime<chrono::Utc>) -> CheckResult {
    CheckResult {
        host: "frontend-1".into(),
        check: "fte".into(),
        status,
        evidence: duty::domain::check::Evidence {
            latency_ms: Some(3),
            reason: (status == CheckStatus::Critical)
                .then(|| duty::domain::check::Reason::Refused { address: "127.0.0.1:1".into() }),
            ..Default::default()
        },
        at,
    }
}

fn serious_network_fault(_: &CheckResult) -> ProbeRule {
    ProbeRule { severity: Severity::Serious, area: FaultArea::NetworkDevice }
}

/// The engine's rules as these tests use them: three criticals in a row open one.
fn engine_rules(engine: &duty::domain::Operator) -> ProbeRules<'_> {
    ProbeRules {
        open_after: 3,
        resolve_on_recovery: false,
        prefix: "GZ".into(),
        tz: chrono_tz::Asia::Shanghai,
        rule_of: &serious_network_fault,
        actor: engine,
        origin: "engine test".into(),
        lang: duty::i18n::Lang::En,
    }
}

#[test]
fn only_changes_are_events_and_sustained_failure_opens_exactly_one_incident() {
    let f = Fixture::new();
    let mut store = SqliteStore::open(&f.store).unwrap();
    let engine = duty::engine::runner::engine_operator();
    let rules = engine_rules(&engine);
    let t0 = f.now() - chrono::Duration::minutes(30);
    let at = |s: i64| t0 + chrono::Duration::seconds(s);
    let normals: Vec<_> = (0..100).map(|i| result(CheckStatus::Normal, at(i))).collect();
    store.record_checks(&normals, &rules, f.now()).unwrap();
    assert_eq!(store.head().unwrap(), 1, "a hundred normal runs are one event");
    let criticals: Vec<_> = (100..110).map(|i| result(CheckStatus::Critical, at(i))).collect();
    store.record_checks(&criticals[..2], &rules, f.now()).unwrap();
    assert!(store.incidents(true).unwrap().is_empty(), "two criticals do not open an incident");
    store.record_checks(&criticals[2..], &rules, f.now()).unwrap();
    let incidents = store.incidents(true).unwrap();
    assert_eq!(incidents.len(), 1, "exactly one incident for a sustained failure");
    let incident = &incidents[0];
    assert_eq!(incident.source, duty::domain::Source::Probe);
    assert_eq!(incident.source_ref.as_deref(), Some("frontend-1/fte"));
    assert_eq!(incident.reported_at, at(102), "reported when the third failure was seen");
    assert_eq!(incident.severity, Severity::Serious);
    let states = store.check_states().unwrap();
    assert_eq!(states[0].incident.as_ref(), Some(&incident.id));
    assert_eq!(states[0].consecutive_critical, 10);
    // Recovery: a note on the incident, which stays for a person to resolve.
    store.record_checks(&[result(CheckStatus::Normal, at(120))], &rules, f.now()).unwrap();
    let timeline = store.timeline(&incident.id.0).unwrap();
    assert_eq!(timeline.last().unwrap().kind, "incident.noted");
    assert!(timeline.last().unwrap().payload.contains("recovered"));
    // Failing again while that incident is still open does not open a second one.
    let again: Vec<_> = (130..140).map(|i| result(CheckStatus::Critical, at(i))).collect();
    store.record_checks(&again, &rules, f.now()).unwrap();
    assert_eq!(store.incidents(true).unwrap().len(), 1);
    let kinds: Vec<String> = store.events(None).unwrap().into_iter().map(|e| e.kind).collect();
    let changes = kinds.iter().filter(|k| *k == "check.changed").count();
    assert_eq!(changes, 4, "normal → critical → normal → critical: {kinds:?}");
    // The status survives a rebuild from the log, and what only the runs told (last
    // run, latencies, criticals in a row, the incident) is kept with it.
    let live = store.check_states().unwrap();
    store.rebuild().unwrap();
    let rebuilt = store.check_states().unwrap();
    assert_eq!((rebuilt[0].status, rebuilt[0].since), (CheckStatus::Critical, at(130)));
    assert_eq!(rebuilt, live, "a rebuild reproduces the whole check status");
    assert_eq!(rebuilt[0].consecutive_critical, 10);
    assert!(store.verify().unwrap().first_bad.is_none());
}

#[test]
fn duty_status_prints_the_sheet() {
    let f = Fixture::new();
    f.fte_check_on_a_closed_port();
    let json: serde_json::Value = serde_json::from_str(&f.ok("alice", &["status", "--json"])).unwrap();
    assert_eq!(json["engine_running"], false);
    let row = json["hosts"].as_array().unwrap().iter().find(|h| h["host"] == "frontend-1").unwrap();
    assert_eq!(row["columns"]["app1"], "unknown", "not run yet is unknown, never normal");
    let other = json["hosts"].as_array().unwrap().iter().find(|h| h["host"] == "central-db").unwrap();
    assert_eq!(other["columns"]["app1"], serde_json::Value::Null, "no check in that column");
    assert_eq!(other["columns"].as_object().unwrap().len(), 5, "every column of the sheet: {other}");
    let text = f.ok("alice", &["status"]);
    assert!(text.contains("engine: not running") && text.contains("frontend-1"), "{text}");
}

#[test]
fn bad_checks_are_named_with_their_position() {
    let f = Fixture::new();
    let hosts = f.site.join("hosts.toml");
    let text = std::fs::read_to_string(&hosts).unwrap();
    let checks = [(
        "frontend-1",
        "[[hosts.checks]]\nname = \"fte\"\nkind = \"icmp\"\ncolumn = \"app1\"\n\n[[hosts.checks]]\nname = \"web\"\nkind = \"http\"\nurl = \"ftp://x\"\ncolumn = \"app9\"\n"
            .to_string(),
    )];
    std::fs::write(&hosts, duty::demo::add_checks(&text, &checks)).unwrap();
    let out = f.run("alice", &["config", "check"]);
    assert_eq!(out.status.code(), Some(2));
    let err = common::stderr(&out);
    assert!(err.contains("unknown check kind \"icmp\" (expected tcp, http, ping, ssh or backup)"), "{err}");
    assert!(err.contains("url \"ftp://x\" must start with http:// or https://"), "{err}");
    assert!(err.contains("unknown column \"app9\""), "{err}");
    assert!(err.contains("hosts.toml:"), "{err}");
}

#[test]
fn another_engine_takes_over_when_the_holder_is_killed() {
    common::scenarios::engine_takeover(&Fixture::new());
}

#[test]
fn a_scheduler_round_of_many_checks_runs_bounded_and_complete() {
    let rt = runtime();
    rt.block_on(async {
        let url = http_service(Behaviour::Healthy).await;
        let specs: Vec<CheckSpec> =
            (0..200).map(|i| spec(&format!("c{i}"), http(url.clone(), true), 2000)).collect();
        let results = duty::engine::scheduler::round(
            &specs,
            Arc::new(Prober::new(duty::clock::Clock::system()).unwrap()),
            32,
        )
        .await;
        assert_eq!(results.len(), 200);
        assert!(results.iter().all(|r| r.status == CheckStatus::Normal));
    });
}

#[test]
fn failures_inside_a_maintenance_window_open_no_incident() {
    let f = Fixture::new();
    let now = f.now();
    let at = |m: i64| (now + chrono::Duration::minutes(m)).to_rfc3339();
    let id = f.ok(
        "lead",
        &[
            "maintenance",
            "add",
            "--host",
            "frontend-1",
            "--from",
            &at(-60),
            "--to",
            &at(60),
            "--reason",
            "replace the NIC",
        ],
    );
    let id = id.trim().to_string();
    assert!(id.starts_with("MW-"), "{id}");
    f.ok(
        "lead",
        &[
            "maintenance",
            "add",
            "--host",
            "central-db",
            "--check",
            "listener",
            "--from",
            &at(60),
            "--to",
            &at(120),
            "--reason",
            "patch",
        ],
    );
    let listed: serde_json::Value =
        serde_json::from_str(&f.ok("alice", &["maintenance", "list", "--json"])).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 2, "{listed}");
    assert_eq!(listed[1]["checks"], serde_json::json!(["listener"]));
    let bad = f.run(
        "lead",
        &["maintenance", "add", "--host", "frontend-1", "--from", &at(10), "--to", &at(5), "--reason", "x"],
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(common::stderr(&bad).contains("must end after it starts"), "{}", common::stderr(&bad));

    let mut store = SqliteStore::open(&f.store).unwrap();
    let engine = duty::engine::runner::engine_operator();
    let rules = engine_rules(&engine);
    let inside: Vec<_> =
        (0..10).map(|i| result(CheckStatus::Critical, now - chrono::Duration::minutes(50 - i))).collect();
    store.record_checks(&inside, &rules, f.now()).unwrap();
    assert!(store.incidents(true).unwrap().is_empty(), "failing inside the window opens nothing");
    assert_eq!(store.check_states().unwrap()[0].status, CheckStatus::Critical, "but the failure is shown");

    let ended = f.ok("lead", &["maintenance", "end", &id]);
    assert!(ended.contains("ended at"), "{ended}");
    store
        .record_checks(
            &[result(CheckStatus::Critical, f.now() + chrono::Duration::seconds(1))],
            &rules,
            f.now(),
        )
        .unwrap();
    assert_eq!(store.incidents(true).unwrap().len(), 1, "still failing after the window: an incident");

    let log: serde_json::Value = serde_json::from_str(&f.ok("alice", &["audit", "log", "--json"])).unwrap();
    let kinds: Vec<&str> = log.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "maintenance.scheduled").count(), 2);
    assert!(kinds.contains(&"maintenance.ended"));
    let before = f.dump();
    f.ok("alice", &["store", "rebuild"]);
    assert_eq!(f.dump(), before, "windows rebuild from the log");
}
