//! The service's metrics scraped by a real Prometheus (Debian's `prometheus`, started
//! here on loopback with a configuration of its own): the series are there with the
//! values the store holds.

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::accounts::{LEAD, OPERATOR};
use common::{Fixture, free_port, http_get};

struct Prometheus {
    child: Child,
    url: String,
    _dir: tempfile::TempDir,
}

impl Prometheus {
    fn scraping(target: &str) -> Prometheus {
        for _ in 0..5 {
            let dir = tempfile::tempdir().unwrap();
            let config = dir.path().join("prometheus.yml");
            std::fs::write(
                &config,
                format!(
                    "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: duty\n    static_configs:\n      - targets: ['{target}']\n"
                ),
            )
            .unwrap();
            let port = free_port();
            let child = Command::new("prometheus")
                .arg(format!("--config.file={}", config.display()))
                .arg(format!("--storage.tsdb.path={}", dir.path().join("data").display()))
                .arg(format!("--web.listen-address=127.0.0.1:{port}"))
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(dir.path().join("stderr.log")).unwrap())
                .spawn()
                .expect("prometheus is installed (the test script installs it)");
            let mut p = Prometheus { child, url: format!("http://127.0.0.1:{port}"), _dir: dir };
            let started = Instant::now();
            while started.elapsed() < Duration::from_secs(20) && p.child.try_wait().unwrap().is_none() {
                if http_get(&format!("{}/-/ready", p.url)).is_some_and(|(code, _)| code == 200) {
                    return p;
                }
                std::thread::sleep(Duration::from_millis(200));
            }
        }
        panic!("prometheus did not start");
    }

    /// The samples of an instant query: (labels, value).
    fn query(&self, promql: &str) -> Vec<(serde_json::Value, String)> {
        let url = format!("{}/api/v1/query?query={}", self.url, urlencode(promql));
        let Some((200, body)) = http_get(&url) else { return Vec::new() };
        let answer: serde_json::Value = serde_json::from_str(&body).unwrap();
        answer["data"]["result"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["metric"].clone(), r["value"][1].as_str().unwrap().to_string()))
            .collect()
    }

    /// Waits until the query answers `value` (the next scrapes bring the store's figures).
    fn until(&self, promql: &str, value: &str) -> Vec<(serde_json::Value, String)> {
        let started = Instant::now();
        loop {
            let found = self.query(promql);
            if found.iter().any(|(_, v)| v == value) {
                return found;
            }
            assert!(started.elapsed() < Duration::from_secs(30), "{promql} never became {value}: {found:?}");
            std::thread::sleep(Duration::from_millis(300));
        }
    }
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn as_user(f: &Fixture, user: &str, args: &[&str]) -> String {
    let out = common::accounts::user_command(f, user, &[]).args(args).output().unwrap();
    assert!(out.status.success(), "duty {args:?} as {user}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn wait_for_socket(socket: &Path) {
    let started = Instant::now();
    while std::os::unix::net::UnixStream::connect(socket).is_err() {
        assert!(started.elapsed() < Duration::from_secs(10), "the service did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_real_prometheus_scrapes_the_figures_the_store_holds() {
    let metrics = format!("127.0.0.1:{}", free_port());
    let (f, socket) = common::accounts::service_site(&format!("metrics = \"{metrics}\"\n"));
    let mut service =
        f.cmd("alice").arg("serve").stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    wait_for_socket(&socket);
    let prometheus = Prometheus::scraping(&metrics);
    // Nothing yet: every open series is there, at zero.
    prometheus.until(r#"duty_incidents_open{severity="serious",state="open"}"#, "0");
    let reported = (f.now() - chrono::Duration::minutes(45)).to_rfc3339();
    let open = |title: &str, severity: &str| {
        as_user(
            &f,
            OPERATOR,
            &[
                "incident",
                "open",
                "--title",
                title,
                "--severity",
                severity,
                "--host",
                "central-db",
                "--reported-at",
                &reported,
            ],
        )
        .trim()
        .to_string()
    };
    let first = open("中心数据库服务器无法连接", "serious");
    open("前置机交换中断", "serious");
    let third = open("门户网站响应慢", "critical");
    as_user(&f, OPERATOR, &["incident", "ack", &first]);
    as_user(&f, OPERATOR, &["incident", "ack", &third]);
    let found = prometheus.until(r#"duty_incidents_open{severity="serious",state="open"}"#, "1");
    assert_eq!(found.len(), 1, "{found:?}");
    prometheus.until(r#"duty_incidents_open{severity="serious",state="acknowledged"}"#, "1");
    prometheus.until(r#"duty_incidents_open{severity="critical",state="acknowledged"}"#, "1");
    prometheus.until(r#"sum(duty_incidents_open)"#, "3");
    // Reported 45 minutes ago: the second is past its 30-minute response clock, and the
    // two responses made now were late — two late responses, one breach, 5 %.
    prometheus.until(r#"duty_clocks{clock="response",state="breached"}"#, "1");
    prometheus.until("duty_contract_late_responses", "3");
    prometheus.until("duty_contract_breaches", "1");
    prometheus.until("duty_contract_penalty_percent", "5");
    let holder = prometheus.until("duty_engine_holder", "1");
    assert!(holder[0].0["holder"].as_str().unwrap().contains("serve"), "{holder:?}");
    // The log's length as the chain walk counts it.
    let verified = as_user(&f, LEAD, &["audit", "verify"]);
    let count = verified.split_whitespace().nth(2).expect("chain intact: N events");
    prometheus.until("duty_events", count);
    // Conventions: lower-case snake names with a duty_ prefix, help and type for each.
    let (code, body) = http_get(&format!("http://{metrics}/metrics")).unwrap();
    assert_eq!(code, 200);
    assert!(
        body.contains("# TYPE duty_incidents_open gauge") && body.contains("# TYPE duty_events counter"),
        "{body}"
    );
    assert_eq!(http_get(&format!("http://{metrics}/other")).map(|(c, _)| c), Some(404));
    let _ = service.kill();
    let _ = service.wait();
}
