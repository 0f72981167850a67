//! Alert sources: a real Prometheus Alertmanager started on loopback (alerts posted to
//! its API, fetched, deduplicated into incidents, ended, acknowledged back as silences),
//! Zabbix from recorded `problem.get` replies served over loopback HTTP, sources that
//! are down or answer garbage, and the payload parsers under random input.

mod common;

use std::net::{IpAddr, Ipv4Addr};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Fixture, free_port, http_get};
use duty::config::Site;
use duty::engine::sources::{self, SourceError};
use duty::store::{AlertRules, SourcePoll, SqliteStore, Store};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const LOCAL: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// A real Alertmanager on a loopback port, killed on drop.
struct Alertmanager {
    child: Child,
    url: String,
    _dir: tempfile::TempDir,
}

impl Alertmanager {
    fn start() -> Alertmanager {
        // A port found free can be taken before the server binds it: try a few.
        for _ in 0..5 {
            let dir = tempfile::tempdir().unwrap();
            let config = dir.path().join("alertmanager.yml");
            std::fs::write(&config, "route:\n  receiver: 'null'\nreceivers:\n  - name: 'null'\n").unwrap();
            let port = free_port();
            let child = Command::new("prometheus-alertmanager")
                .arg(format!("--config.file={}", config.display()))
                .arg(format!("--storage.path={}", dir.path().join("data").display()))
                .arg(format!("--web.listen-address=127.0.0.1:{port}"))
                .arg("--cluster.listen-address=")
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(dir.path().join("stderr.log")).unwrap())
                .spawn()
                .expect("prometheus-alertmanager is installed (the test script installs it)");
            let mut am = Alertmanager { child, url: format!("http://127.0.0.1:{port}"), _dir: dir };
            if am.wait_ready() {
                return am;
            }
        }
        panic!("alertmanager did not start");
    }

    fn wait_ready(&mut self) -> bool {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(10) {
            if self.child.try_wait().unwrap().is_some() {
                return false;
            }
            if http_get(&format!("{}/-/ready", self.url)).is_some_and(|(code, _)| code == 200) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        false
    }

    fn post_alerts(&self, alerts: serde_json::Value) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let response = reqwest::Client::new()
                .post(format!("{}/api/v2/alerts", self.url))
                .json(&alerts)
                .send()
                .await
                .unwrap();
            assert!(response.status().is_success(), "{}", response.text().await.unwrap());
        });
    }
}

impl Drop for Alertmanager {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sources_toml(f: &Fixture, text: &str) -> Site {
    std::fs::write(f.site.join("sources.toml"), text).unwrap();
    Site::load(&f.site).unwrap()
}

fn rules<'a>(site: &Site, source: duty::domain::Source, actor: &'a duty::domain::Operator) -> AlertRules<'a> {
    AlertRules {
        source,
        prefix: site.incident_prefix.clone(),
        tz: site.tz,
        actor,
        origin: "engine test".into(),
    }
}

fn alert(name: &str, instance: &str, severity: &str) -> serde_json::Value {
    serde_json::json!({
        "labels": { "alertname": name, "instance": instance, "severity": severity },
        "annotations": { "summary": format!("{name} on {instance}") },
        "startsAt": (duty::clock::Clock::system().now() - chrono::Duration::minutes(3)).to_rfc3339(),
    })
}

#[test]
fn alertmanager_alerts_become_deduplicated_incidents_and_acks_become_silences() {
    let am = Alertmanager::start();
    let f = Fixture::on_the_system_clock();
    let site = sources_toml(
        &f,
        &format!("[[alertmanager]]\nname = \"prom\"\nurl = \"{}\"\nsilence_minutes = 30\n", am.url),
    );
    let source = &site.alertmanagers[0];
    am.post_alerts(serde_json::json!([
        alert("DiskSpaceLow", "127.0.10.1:9100", "critical"),
        alert("HighLoad", "app-server", "warning"),
    ]));
    let mut store = SqliteStore::open(&f.store).unwrap();
    let engine = duty::engine::runner::engine_operator();
    let rules = rules(&site, duty::domain::Source::Alertmanager, &engine);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let client = reqwest::Client::new();
    let fetch =
        || rt.block_on(sources::alertmanager::fetch(&client, source, &site)).map_err(|e| e.to_string());

    for _ in 0..3 {
        let poll = SourcePoll { source: "prom", result: fetch() };
        store.record_alerts(&poll, &rules, f.now()).unwrap();
    }
    let incidents = store.incidents(true).unwrap();
    assert_eq!(incidents.len(), 2, "three fetches, two alerts, two incidents");
    let disk = incidents.iter().find(|i| i.title.starts_with("DiskSpaceLow")).unwrap();
    assert_eq!(disk.hosts, vec!["central-db"], "instance 127.0.10.1:9100 is the central DB");
    assert_eq!(disk.severity, duty::domain::Severity::Serious);
    assert_eq!(disk.source, duty::domain::Source::Alertmanager);
    assert!(disk.description.contains("summary: DiskSpaceLow on 127.0.10.1:9100"));
    let load = incidents.iter().find(|i| i.title.starts_with("HighLoad")).unwrap();
    assert_eq!(
        (load.hosts.clone(), load.severity),
        (vec!["app-server".to_string()], duty::domain::Severity::Ordinary)
    );

    // Acknowledging writes back a short silence with the operator's name.
    f.ok("alice", &["incident", "note", &disk.id.0, "--text", "checking the archive logs"]);
    f.ok("alice", &["incident", "ack", &disk.id.0]);
    let pending = store.pending_writebacks().unwrap();
    assert_eq!(pending.len(), 1);
    let writeback = &pending[0];
    assert_eq!(writeback.labels.get("alertname").map(String::as_str), Some("DiskSpaceLow"));
    let id = rt
        .block_on(sources::alertmanager::silence(
            &client,
            source,
            &writeback.labels,
            &writeback.operator,
            &writeback.comment,
            duty::clock::Clock::system().now(),
        ))
        .unwrap();
    store.finish_writeback(writeback, Ok(format!("silence {id}")), &engine, "engine test", f.now()).unwrap();
    assert!(store.pending_writebacks().unwrap().is_empty());
    let (_, silences) = http_get(&format!("{}/api/v2/silences", am.url)).unwrap();
    assert!(
        silences.contains(&id)
            && silences.contains("alice acknowledged")
            && silences.contains("checking the archive logs"),
        "{silences}"
    );
    assert!(store.timeline(&disk.id.0).unwrap().iter().any(|e| e.kind == "writeback.done"));

    // The load alert resolves: its incident gets a recovery note, once.
    let mut resolved = alert("HighLoad", "app-server", "warning");
    resolved["endsAt"] = serde_json::json!(duty::clock::Clock::system().now().to_rfc3339());
    am.post_alerts(serde_json::json!([resolved]));
    std::thread::sleep(Duration::from_millis(200));
    for _ in 0..2 {
        store.record_alerts(&SourcePoll { source: "prom", result: fetch() }, &rules, f.now()).unwrap();
    }
    let notes: Vec<_> =
        store.timeline(&load.id.0).unwrap().into_iter().filter(|e| e.kind == "incident.noted").collect();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].payload.contains("the source reports the alert ended"));
    assert_eq!(store.incidents(true).unwrap().len(), 2);
    assert!(store.verify().unwrap().first_bad.is_none());
}

#[test]
fn a_failed_write_back_is_kept_and_retried_never_dropped() {
    let f = Fixture::on_the_system_clock();
    let dead = free_port();
    let site = sources_toml(
        &f,
        &format!("[[alertmanager]]\nname = \"prom\"\nurl = \"http://127.0.0.1:{dead}\"\ntimeout_ms = 500\n"),
    );
    let mut store = SqliteStore::open(&f.store).unwrap();
    let engine = duty::engine::runner::engine_operator();
    let rules = rules(&site, duty::domain::Source::Alertmanager, &engine);
    let body = serde_json::to_vec(&serde_json::json!([{
        "fingerprint": "abc123", "labels": { "alertname": "X", "instance": "frontend-1" },
        "annotations": {}, "startsAt": duty::clock::Clock::system().now().to_rfc3339(), "endsAt": duty::clock::Clock::system().now().to_rfc3339(),
        "status": { "state": "active" }
    }]))
    .unwrap();
    let alerts = sources::alertmanager::parse(&body, &site.alertmanagers[0], &site).unwrap();
    store.record_alerts(&SourcePoll { source: "prom", result: Ok(alerts) }, &rules, f.now()).unwrap();
    let id = store.incidents(true).unwrap()[0].id.clone();
    f.ok("bob", &["incident", "ack", &id.0]);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let client = reqwest::Client::new();
    for attempt in 1..=3 {
        let writeback = store.pending_writebacks().unwrap().remove(0);
        let outcome = rt
            .block_on(sources::alertmanager::silence(
                &client,
                &site.alertmanagers[0],
                &writeback.labels,
                "bob",
                "c",
                duty::clock::Clock::system().now(),
            ))
            .map_err(|e| e.to_string());
        assert!(outcome.is_err());
        store
            .finish_writeback(&writeback, outcome.map(|_| String::new()), &engine, "engine test", f.now())
            .unwrap();
        let again = store.pending_writebacks().unwrap();
        assert_eq!((again.len(), again[0].attempts), (1, attempt), "still pending, attempts counted");
        assert!(again[0].last_error.as_deref().unwrap().contains("unreachable"));
    }
    let failures =
        store.timeline(&id.0).unwrap().into_iter().filter(|e| e.kind == "writeback.failed").count();
    assert_eq!(failures, 1, "the first failure is on the record, retries are counted");
}

/// Serves `body` to every request on a loopback port (a recorded Zabbix reply).
fn serve_fixture(rt: &tokio::runtime::Runtime, body: Vec<u8>) -> String {
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind((LOCAL, 0)).await.unwrap();
        let url = format!("http://{}/api_jsonrpc.php", listener.local_addr().unwrap());
        tokio::spawn(async move {
            loop {
                let (mut stream, _) = listener.accept().await.unwrap();
                let body = body.clone();
                tokio::spawn(async move {
                    let mut request = Vec::new();
                    let mut buf = [0u8; 4096];
                    // Read the head and the JSON-RPC body (Content-Length).
                    loop {
                        let n = stream.read(&mut buf).await.unwrap_or(0);
                        if n == 0 {
                            break;
                        }
                        request.extend_from_slice(&buf[..n]);
                        let text = String::from_utf8_lossy(&request);
                        if let Some(head_end) = text.find("\r\n\r\n") {
                            let length = text[..head_end]
                                .lines()
                                .find_map(|l| l.to_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap_or(0)))
                                .unwrap_or(0);
                            if request.len() >= head_end + 4 + length {
                                break;
                            }
                        }
                    }
                    let head = format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
                    let _ = stream.write_all(head.as_bytes()).await;
                    let _ = stream.write_all(&body).await;
                });
            }
        });
        url
    })
}

#[test]
fn zabbix_problems_from_recorded_replies() {
    let f = Fixture::on_the_system_clock();
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let reply = std::fs::read("tests/fixtures/zabbix/problem_get_response.json").unwrap();
    let url = serve_fixture(&rt, reply);
    // The recorded problem names switch CS-01; the site knows it as a network device.
    let hosts = f.site.join("hosts.toml");
    let mut text = std::fs::read_to_string(&hosts).unwrap();
    text.push_str(
        "\n[[hosts]]\nname = \"CS-01\"\nlabel = \"核心交换机\"\nrole = \"network\"\nip = \"127.0.10.20\"\n",
    );
    std::fs::write(&hosts, text).unwrap();
    let site = sources_toml(
        &f,
        &format!("[[zabbix]]\nname = \"zbx\"\nurl = \"{url}\"\ntoken_env = \"DUTY_TEST_ZABBIX_TOKEN\"\n"),
    );
    let client = reqwest::Client::new();
    let alerts = rt.block_on(sources::zabbix::fetch(&client, &site.zabbixes[0], &site)).unwrap();
    assert_eq!(alerts.len(), 2);
    assert_eq!(alerts[0].key, "zbx:zbx:1245470");
    assert_eq!(alerts[0].severity, duty::domain::Severity::Serious, "Zabbix high (4) is serious");
    assert_eq!(alerts[0].hosts, vec!["CS-01"]);
    assert!(!alerts[0].ended);
    assert!(alerts[1].ended, "r_eventid set: resolved");
    let mut store = SqliteStore::open(&f.store).unwrap();
    let engine = duty::engine::runner::engine_operator();
    let rules = rules(&site, duty::domain::Source::Zabbix, &engine);
    for _ in 0..2 {
        store
            .record_alerts(&SourcePoll { source: "zbx", result: Ok(alerts.clone()) }, &rules, f.now())
            .unwrap();
    }
    let incidents = store.incidents(true).unwrap();
    assert_eq!(incidents.len(), 1, "the resolved problem opens nothing; a re-fetch duplicates nothing");
    assert_eq!(incidents[0].title, "核心交换机 CS-01 端口 Gi1/0/24 链路中断");

    let error = std::fs::read("tests/fixtures/zabbix/error_invalid_params.json").unwrap();
    let err = sources::zabbix::parse(&error, &site.zabbixes[0], &site).unwrap_err();
    assert_eq!(
        err,
        SourceError::Refused(
            "Invalid params. (-32602) Invalid parameter \"/\": unexpected parameter \"auth\".".into()
        )
    );
}

#[test]
fn a_source_that_is_down_or_answers_garbage_is_shown_not_silent() {
    let f = Fixture::on_the_system_clock();
    let dead = free_port();
    let site = sources_toml(
        &f,
        &format!("[[alertmanager]]\nname = \"prom\"\nurl = \"http://127.0.0.1:{dead}\"\ntimeout_ms = 500\n"),
    );
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let client = reqwest::Client::new();
    let down = rt.block_on(sources::alertmanager::fetch(&client, &site.alertmanagers[0], &site)).unwrap_err();
    assert!(matches!(down, SourceError::Unreachable(_)), "{down:?}");
    let mut store = SqliteStore::open(&f.store).unwrap();
    let engine = duty::engine::runner::engine_operator();
    let rules = rules(&site, duty::domain::Source::Alertmanager, &engine);
    for _ in 0..3 {
        store
            .record_alerts(&SourcePoll { source: "prom", result: Err(down.to_string()) }, &rules, f.now())
            .unwrap();
    }
    let states = store.source_states().unwrap();
    assert!(!states[0].ok && states[0].error.as_deref().unwrap().contains("unreachable"));
    let changes = store.events(None).unwrap().iter().filter(|e| e.kind == "source.changed").count();
    assert_eq!(changes, 1, "down once, not at every poll");
    assert!(store.incidents(true).unwrap().is_empty(), "no invented incident");

    let am = &site.alertmanagers[0];
    for (body, expected) in [
        (&b"[{\"fingerprint\": \"x\", \"labels\": "[..], "EOF"),
        (&b"{\"not\": \"a list\"}"[..], "invalid type"),
        (&b"[{\"fingerprint\": 7, \"labels\": {}, \"startsAt\": \"2026-01-01T00:00:00Z\", \"status\": {\"state\": \"active\"}}]"[..], "invalid type"),
        (&b"[{\"fingerprint\": \"x\", \"startsAt\": \"yesterday\", \"status\": {\"state\": \"active\"}}]"[..], "input contains invalid characters"),
    ] {
        let err = sources::alertmanager::parse(body, am, &site).unwrap_err().to_string();
        assert!(err.starts_with("bad answer") && err.contains(expected), "{err}");
    }
    // The fixture, with its extra fields and a suppressed alert, parses.
    let fixture = std::fs::read("tests/fixtures/alertmanager/v2_alerts.json").unwrap();
    let alerts = sources::alertmanager::parse(&fixture, am, &site).unwrap();
    assert_eq!(alerts.len(), 2);
    assert_eq!(alerts[0].key, "am:prom:aae7a1432b5d2f1b");

    let huge = vec![b' '; sources::RESPONSE_LIMIT + 1];
    let url = serve_fixture(&rt, huge);
    let site = sources_toml(
        &f,
        &format!(
            "[[alertmanager]]\nname = \"prom\"\nurl = \"{}\"\n",
            url.trim_end_matches("/api_jsonrpc.php")
        ),
    );
    let err = rt.block_on(sources::alertmanager::fetch(&client, &site.alertmanagers[0], &site)).unwrap_err();
    assert!(err.to_string().contains("larger than 32 MiB"), "{err}");
}

mod parsers {
    use super::*;
    use proptest::prelude::*;

    fn site() -> (Fixture, Site) {
        let f = Fixture::on_the_system_clock();
        let site = sources_toml(
            &f,
            "[[alertmanager]]\nname = \"a\"\nurl = \"http://127.0.0.1:1\"\n\n[[zabbix]]\nname = \"z\"\nurl = \"http://127.0.0.1:1\"\n",
        );
        (f, site)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        /// Any bytes, and any cut or corruption of the real payloads, give alerts or a
        /// clear error: never a panic.
        #[test]
        fn never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400), cut in 0usize..2000, flip in 0usize..2000) {
            let (_f, site) = site();
            let mut inputs = vec![bytes];
            for path in ["tests/fixtures/alertmanager/v2_alerts.json", "tests/fixtures/zabbix/problem_get_response.json"] {
                let mut fixture = std::fs::read(path).unwrap();
                let cut_at = cut % fixture.len();
                inputs.push(fixture[..cut_at].to_vec());
                let at = flip % fixture.len();
                fixture[at] = fixture[at].wrapping_add(1);
                inputs.push(fixture);
            }
            for input in inputs {
                let _ = sources::alertmanager::parse(&input, &site.alertmanagers[0], &site);
                let _ = sources::zabbix::parse(&input, &site.zabbixes[0], &site);
            }
        }
    }

    #[test]
    fn every_zabbix_severity_maps_and_others_are_refused() {
        for (given, expected) in [("0", "ordinary"), ("3", "ordinary"), ("4", "serious"), ("5", "critical")] {
            assert_eq!(sources::zabbix::severity_of(given).unwrap().key(), expected);
        }
        assert!(sources::zabbix::severity_of("9").is_err());
    }
}

#[test]
fn a_source_that_hangs_is_cut_off_at_its_timeout() {
    let f = Fixture::on_the_system_clock();
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let address = rt.block_on(common::silent_service());
    let site = sources_toml(
        &f,
        &format!(
            "[[alertmanager]]\nname = \"prom\"\nurl = \"http://{address}\"\ntimeout_ms = 400\n\n[[zabbix]]\nname = \"zbx\"\nurl = \"http://{address}/api_jsonrpc.php\"\ntimeout_ms = 400\n"
        ),
    );
    let client = reqwest::Client::new();
    let started = Instant::now();
    let am = rt.block_on(sources::alertmanager::fetch(&client, &site.alertmanagers[0], &site)).unwrap_err();
    let zbx = rt.block_on(sources::zabbix::fetch(&client, &site.zabbixes[0], &site)).unwrap_err();
    assert!(started.elapsed() < Duration::from_millis(2000), "{:?}", started.elapsed());
    for err in [am, zbx] {
        assert_eq!(err, SourceError::Unreachable("no answer within 400 ms".into()));
    }
}
