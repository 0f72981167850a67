//! Scenarios run on both store backends: the same steps against an SQLite file and a
//! PostgreSQL database.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{Fixture, stderr};

/// Eight processes acknowledge one incident at once: exactly one wins; then six
/// writers add fifteen notes each at once: every one lands, none twice.
pub fn concurrent_acks_and_notes(f: &Fixture) {
    let id = f.open("2026-11-21T08:00:00+08:00");
    let who = ["alice", "bob", "lead", "alice", "bob", "lead", "alice", "bob"];
    let children: Vec<_> = who
        .iter()
        .map(|w| {
            f.cmd(w)
                .args(["incident", "ack", &id])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs: Vec<_> = children.into_iter().map(|c| c.wait_with_output().unwrap()).collect();
    let winners = outputs.iter().filter(|o| o.status.success()).count();
    assert_eq!(winners, 1, "exactly one ack wins");
    for loser in outputs.iter().filter(|o| !o.status.success()) {
        assert_eq!(loser.status.code(), Some(1));
        assert!(stderr(loser).contains("already acknowledged by"), "{}", stderr(loser));
    }

    const WRITERS: usize = 6;
    const NOTES: usize = 15;
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let script = (0..NOTES)
                .map(|n| format!("\"$DUTY\" incident note {id} --text 'w{w}-n{n}' || exit 1"))
                .collect::<Vec<_>>()
                .join("\n");
            f.cmd(who[w]).env("DUTY", env!("CARGO_BIN_EXE_duty")).args(["-c", &script]).spawn_shell()
        })
        .collect();
    for writer in writers {
        let out = writer.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let json = f.show_json(&id);
    let notes: std::collections::BTreeSet<String> = super::notes(&json).into_iter().collect();
    assert_eq!(notes.len(), WRITERS * NOTES, "no lost and no duplicate note");
    assert_eq!(json["version"], (2 + WRITERS * NOTES) as u64);
    assert!(
        f.ok("alice", &["audit", "verify"])
            .starts_with(&format!("chain intact: {} events", 2 + WRITERS * NOTES))
    );
}

/// Two engines on one store: one holds the lease and runs the checks; killed, the
/// other takes over; the failing check opens one incident and is one change.
pub fn engine_takeover(f: &Fixture) {
    engine_takeover_by(f, &|_| {
        f.cmd("alice").arg("engine").stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap()
    });
}

/// Two services on one shared store, each a site of its own with its own socket (two
/// machines of one centre): one engine at a time, the second takes over.
pub fn service_takeover(f: &Fixture) {
    let socket_dir = tempfile::tempdir().unwrap();
    let sites: Vec<std::path::PathBuf> = (0..2).map(|n| f.dir.path().join(format!("site-{n}"))).collect();
    let start = |n: usize| {
        let _ = std::fs::remove_dir_all(&sites[n]);
        let copied = Command::new("cp").arg("-r").arg(&f.site).arg(&sites[n]).status().unwrap();
        assert!(copied.success());
        let toml = sites[n].join("site.toml");
        let mut text = std::fs::read_to_string(&toml).unwrap();
        text.push_str(&format!("\n[service]\nsocket = \"{}/duty-{n}.sock\"\n", socket_dir.path().display()));
        std::fs::write(&toml, text).unwrap();
        f.cmd("alice")
            .arg("--site")
            .arg(&sites[n])
            .arg("serve")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    engine_takeover_by(f, &start);
}

/// The takeover, with `start(n)` starting the n-th candidate (after the site has its
/// failing check).
fn engine_takeover_by(f: &Fixture, start: &dyn Fn(usize) -> std::process::Child) {
    // A port nobody listens on: the check fails.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let hosts = f.site.join("hosts.toml");
    let text = std::fs::read_to_string(&hosts).unwrap().replace("ip = \"127.0.10.8\"", "ip = \"127.0.0.1\"");
    let checks = [(
        "frontend-1",
        format!(
            "[[hosts.checks]]\nname = \"fte\"\nkind = \"tcp\"\nport = {closed}\ncolumn = \"app1\"\ninterval_seconds = 5\ntimeout_ms = 500\nretries = 0\n"
        ),
    )];
    std::fs::write(&hosts, duty::demo::add_checks(&text, &checks)).unwrap();
    let site = f.site.join("site.toml");
    let mut site_text = std::fs::read_to_string(&site).unwrap();
    site_text.push_str("\n[engine]\nopen_incident_after = 1\n");
    std::fs::write(&site, site_text).unwrap();

    let holder_of = || -> Option<String> {
        let json: serde_json::Value = serde_json::from_str(&f.ok("alice", &["status", "--json"])).ok()?;
        json["engine_running"].as_bool().filter(|r| *r)?;
        json["engine"]["holder"].as_str().map(str::to_string)
    };
    let wait = |pred: &dyn Fn() -> bool, limit: Duration, what: &str| {
        let started = Instant::now();
        while !pred() {
            assert!(started.elapsed() < limit, "waited {limit:?} for {what}");
            std::thread::sleep(Duration::from_millis(200));
        }
        started.elapsed()
    };
    let mut first = start(0);
    wait(
        &|| holder_of().is_some_and(|h| h.contains(&format!(":{} ", first.id()))),
        Duration::from_secs(10),
        "the first engine",
    );
    wait(
        &|| !f.ok("alice", &["incident", "list", "--json"]).trim().starts_with("[]"),
        Duration::from_secs(15),
        "an incident from the failing check",
    );
    let mut second = start(1);
    std::thread::sleep(Duration::from_secs(2));
    assert!(holder_of().unwrap().contains(&format!(":{} ", first.id())), "one engine at a time");
    first.kill().unwrap();
    first.wait().unwrap();
    let took = wait(
        &|| holder_of().is_some_and(|h| h.contains(&format!(":{} ", second.id()))),
        Duration::from_secs(30),
        "the takeover",
    );
    println!("takeover after {took:?}");
    std::thread::sleep(Duration::from_secs(6));
    second.kill().unwrap();
    second.wait().unwrap();

    let incidents: serde_json::Value =
        serde_json::from_str(&f.ok("alice", &["incident", "list", "--json"])).unwrap();
    assert_eq!(incidents.as_array().unwrap().len(), 1, "no duplicate incident across the takeover");
    let log: serde_json::Value = serde_json::from_str(&f.ok("alice", &["audit", "log", "--json"])).unwrap();
    let kinds: Vec<&str> = log.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "check.changed").count(),
        1,
        "the failure is one change: {kinds:?}"
    );
    assert_eq!(kinds.iter().filter(|k| **k == "engine.lease_taken").count(), 2, "{kinds:?}");
    assert!(f.ok("alice", &["audit", "verify"]).starts_with("chain intact"));
}

trait SpawnShell {
    fn spawn_shell(&mut self) -> std::process::Child;
}

impl SpawnShell for std::process::Command {
    /// Runs this command's arguments under `sh` instead of the binary, keeping its env.
    fn spawn_shell(&mut self) -> std::process::Child {
        let args: Vec<_> = self.get_args().map(|a| a.to_owned()).collect();
        let mut sh = std::process::Command::new("sh");
        for (key, value) in self.get_envs() {
            match value {
                Some(v) => sh.env(key, v),
                None => sh.env_remove(key),
            };
        }
        sh.args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    }
}

/// A site whose only check is a TCP check on `port`, every 5 s, opening an incident at
/// the first failure.
pub fn one_tcp_check(f: &Fixture, port: u16, extra_engine: &str) {
    let hosts = f.site.join("hosts.toml");
    let text = std::fs::read_to_string(&hosts).unwrap().replace("ip = \"127.0.10.8\"", "ip = \"127.0.0.1\"");
    let checks = [(
        "frontend-1",
        format!(
            "[[hosts.checks]]\nname = \"fte\"\nkind = \"tcp\"\nport = {port}\ncolumn = \"app1\"\ninterval_seconds = 5\ntimeout_ms = 500\nretries = 0\n"
        ),
    )];
    std::fs::write(&hosts, duty::demo::add_checks(&text, &checks)).unwrap();
    let site = f.site.join("site.toml");
    let mut site_text = std::fs::read_to_string(&site).unwrap();
    site_text.push_str(&format!("\n[engine]\nopen_incident_after = 1\n{extra_engine}"));
    std::fs::write(&site, site_text).unwrap();
}

/// `duty status --json`, if the store answers.
pub fn status(f: &Fixture) -> Option<serde_json::Value> {
    let out = f.run("alice", &["status", "--json"]);
    serde_json::from_str(&String::from_utf8_lossy(&out.stdout)).ok().filter(|_| out.status.success())
}

/// Waits until `pred` holds, polling; fails naming `what` after `limit`.
pub fn wait_until(pred: &dyn Fn() -> bool, limit: Duration, what: &str) -> Duration {
    let started = Instant::now();
    while !pred() {
        assert!(started.elapsed() < limit, "waited {limit:?} for {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
    started.elapsed()
}

/// A headless engine outlives its store: while `break_store` holds (a lock held, the
/// server stopped or killed) it says "store unreachable" in `duty status` and goes on
/// probing; the check fails meanwhile; after `mend_store` the same engine takes its
/// lease again and writes what it saw: one change, one incident, nothing twice.
pub fn engine_outlives_its_store(
    f: &Fixture,
    break_store: &dyn Fn(),
    mend_store: &dyn Fn(),
    outage: Duration,
) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    one_tcp_check(f, port, "");
    let mut engine =
        f.cmd("alice").arg("engine").stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
    let pid = engine.id();
    let check_is = |wanted: &'static str| {
        move || {
            status(f).is_some_and(|s| {
                s["engine_running"] == true
                    && s["engine"]["holder"].as_str().is_some_and(|h| h.contains(&format!(":{pid} ")))
                    && s["hosts"].to_string().contains(&format!("\"status\":\"{wanted}\""))
            })
        }
    };
    wait_until(&check_is("normal"), Duration::from_secs(20), "the check to run, normal");

    break_store();
    // The service behind the check goes away while the engine cannot write.
    drop(listener);
    let started = Instant::now();
    let board = f.state_dir().join("duty/engines").join(format!("{pid}.json"));
    wait_until(
        &|| std::fs::read_to_string(&board).is_ok_and(|t| t.contains("\"store_down\"")),
        Duration::from_secs(20),
        "the engine to say the store is unreachable",
    );
    let said = std::fs::read_to_string(&board).unwrap();
    assert!(said.contains("store_down_since") && said.contains("last_error"), "{said}");
    if let Some(left) = outage.checked_sub(started.elapsed()) {
        std::thread::sleep(left);
    }
    assert!(engine.try_wait().unwrap().is_none(), "the engine is still running through the outage");
    mend_store();

    wait_until(&check_is("critical"), Duration::from_secs(40), "the same engine to write the failure");
    let incidents: serde_json::Value =
        serde_json::from_str(&f.ok("alice", &["incident", "list", "--json"])).unwrap();
    assert_eq!(incidents.as_array().unwrap().len(), 1, "one incident: {incidents}");
    std::thread::sleep(Duration::from_secs(6));
    assert!(engine.try_wait().unwrap().is_none(), "still running");
    unsafe { libc::kill(pid as i32, libc::SIGTERM) };
    let out = engine.wait_with_output().unwrap();
    assert!(out.status.success(), "a clean stop: {}", String::from_utf8_lossy(&out.stderr));
    let log: serde_json::Value = serde_json::from_str(&f.ok("alice", &["audit", "log", "--json"])).unwrap();
    let kinds: Vec<&str> = log.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "check.changed").count(),
        2,
        "normal, then critical: {kinds:?}"
    );
    assert_eq!(kinds.iter().filter(|k| **k == "incident.opened").count(), 1, "{kinds:?}");
    assert!(f.ok("alice", &["audit", "verify"]).starts_with("chain intact"));
}
