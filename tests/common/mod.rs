//! A site and store in a temp dir, and the real `duty` binary run against them.
#![allow(dead_code, unused_imports)]

pub mod accounts;
pub mod pg;
pub use pg::free_port;
pub mod scenarios;
pub mod sshd;
pub mod tmux;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::{DateTime, Utc};
use duty::clock::Clock;

pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub site: PathBuf,
    pub store: PathBuf,
    /// The time the fixture's processes live in (see `duty::clock`): by default a
    /// Wednesday morning, whatever day the tests run on.
    pub clock: Clock,
}

/// The default "now" of a fixture: Wednesday 25 November 2026, 10:00 in Shanghai — a
/// workday, mid-morning, mid-shift, far from midnight and from any handover.
pub const WEDNESDAY_MORNING: &str = "2026-11-25T10:00:00+08:00";

/// An instant written as RFC 3339.
pub fn instant(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
}

/// Operators of the test site: `lead` (a lead), `alice` and `bob` (operators).
pub const OPERATORS: &str = r#"
[[operators]]
user = "lead"
name = "李组长"
role = "lead"

[[operators]]
user = "alice"
name = "Alice"
role = "operator"

[[operators]]
user = "bob"
name = "Bob"
role = "operator"
"#;

impl Fixture {
    pub fn new() -> Fixture {
        Fixture::at(WEDNESDAY_MORNING)
    }

    /// A fixture on the real clock: for tests against live systems (Alertmanager) that
    /// keep real time themselves and have no calendar rules.
    pub fn on_the_system_clock() -> Fixture {
        let mut f = Fixture::new();
        f.clock = Clock::system();
        f
    }

    /// A fixture whose clock reads `now` (RFC 3339) as it starts.
    pub fn at(now: &str) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        duty::config::sample::write_sample(&site, "root", today).unwrap();
        let site_toml = site.join("site.toml");
        let mut text = std::fs::read_to_string(&site_toml).unwrap();
        text.push_str(OPERATORS);
        std::fs::write(&site_toml, text).unwrap();
        // The suite's histories are typed in by an operator up to a week back; the
        // site's limits themselves are tested with `with_backdate_hours`.
        let store = dir.path().join("duty.db");
        let f = Fixture { dir, site, store, clock: Clock::starting_at(instant(now)) };
        f.with_backdate_hours(7 * 24);
        f
    }

    /// Sets how far back an operator may date a step (the sample site says 2 h).
    pub fn with_backdate_hours(&self, hours: u32) {
        let sla = self.site.join("sla.toml");
        let text = std::fs::read_to_string(&sla).unwrap();
        let start = text.find("backdate_hours = ").expect("the sample's sla.toml sets backdate_hours");
        let end = start + text[start..].find('\n').unwrap();
        std::fs::write(&sla, format!("{}backdate_hours = {hours}{}", &text[..start], &text[end..])).unwrap();
    }

    /// The binary with this fixture's site and store, English, acting as `who`.
    pub fn cmd(&self, who: &str) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_duty"));
        cmd.env("DUTY_SITE", &self.site)
            .env("DUTY_STORE", &self.store)
            .env("DUTY_OPERATOR", who)
            .env(duty::clock::TEST_CLOCK_VAR, self.clock.setting())
            .env("XDG_STATE_HOME", self.state_dir())
            .env("LANG", "C")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES");
        cmd
    }

    pub fn run(&self, who: &str, args: &[&str]) -> Output {
        self.cmd(who).args(args).output().unwrap()
    }

    /// Runs and expects success; returns stdout.
    pub fn ok(&self, who: &str, args: &[&str]) -> String {
        let out = self.run(who, args);
        assert!(out.status.success(), "duty {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    /// Opens a new incident reported at `reported_at`; returns its id.
    pub fn open(&self, reported_at: &str) -> String {
        self.ok(
            "alice",
            &[
                "incident",
                "open",
                "--title",
                "中心数据库服务器无法连接",
                "--severity",
                "serious",
                "--host",
                "central-db",
                "--reported-at",
                reported_at,
            ],
        )
        .trim()
        .to_string()
    }

    /// Opens a network failure of the core switch now (the network plan fits it); its id.
    pub fn open_network_failure(&self) -> String {
        let args = [
            "incident",
            "open",
            "--title",
            "核心交换机断网",
            "--severity",
            "serious",
            "--area",
            "network_device",
            "--host",
            "central-db",
        ];
        self.ok("alice", &args).trim().to_string()
    }

    /// What the fixture's processes keep for themselves (logs, stores seen, engines).
    pub fn state_dir(&self) -> PathBuf {
        self.dir.path().join("state")
    }

    /// Now, by the fixture's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// `now` moved by `minutes`, as RFC 3339 (for `--at` and `--reported-at`).
    pub fn minutes_from_now(&self, minutes: i64) -> String {
        (self.now() + chrono::Duration::minutes(minutes)).to_rfc3339()
    }

    pub fn show_json(&self, id: &str) -> serde_json::Value {
        serde_json::from_str(&self.ok("alice", &["incident", "show", id, "--json"])).unwrap()
    }

    /// Makes the data-exchange check run every day at midnight with a day to do it, so a
    /// test has exactly one occurrence due today whatever the weekday (and yesterday's).
    pub fn exchange_every_day(&self) {
        let path = self.site.join("checklists/exchange.toml");
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replace("days = \"workdays\"", "days = \"daily\"")
            .replace("times = [\"08:30\", \"17:00\"]", "times = [\"00:00\"]")
            .replace("within_minutes = 60", "within_minutes = 1440");
        std::fs::write(path, text).unwrap();
        // The other sheets would share the list with it, differently on each weekday.
        for other in ["arrival", "departure", "daily", "weekly-devices"] {
            std::fs::remove_file(self.site.join(format!("checklists/{other}.toml"))).unwrap();
        }
    }

    /// A TCP check of frontend-1's FTE port 1, where nothing listens: critical once run.
    pub fn fte_check_on_a_closed_port(&self) {
        let hosts = self.site.join("hosts.toml");
        let text = std::fs::read_to_string(&hosts).unwrap();
        let checks = [(
            "frontend-1",
            "[[hosts.checks]]\nname = \"fte\"\nkind = \"tcp\"\nport = 1\ncolumn = \"app1\"\n".to_string(),
        )];
        std::fs::write(&hosts, duty::demo::add_checks(&text, &checks)).unwrap();
    }

    /// Everything the store holds, as text: to prove a refused command changed nothing.
    pub fn dump(&self) -> String {
        dump(&self.store)
    }
}

pub fn dump(store: &Path) -> String {
    if !store.exists() {
        return String::new();
    }
    let conn = rusqlite::Connection::open(store).unwrap();
    let mut out = String::new();
    for table in [
        "events",
        "incidents",
        "chain_head",
        "alarm_acks",
        "alarm_mute",
        "maintenance",
        "checklist_runs",
        "checklist_declines",
        "knowledge",
    ] {
        // The knowledge index's row numbers are the FTS index's, made again by a rebuild.
        let columns = match table {
            "knowledge" => "id, title, body, pairs, edited, updated_at, entry",
            _ => "*",
        };
        // A store of an older schema has fewer tables.
        let Ok(mut stmt) = conn.prepare(&format!("SELECT {columns} FROM {table} ORDER BY 1")) else {
            continue;
        };
        let columns = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            let cells: Vec<String> = (0..columns).map(|i| format!("{:?}", row.get_ref(i).unwrap())).collect();
            out.push_str(&format!("{table}: {}\n", cells.join(" | ")));
        }
    }
    out
}

/// A plain blocking GET on loopback: the status and the body.
pub fn http_get(url: &str) -> Option<(u16, String)> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let response =
            reqwest::Client::new().get(url).timeout(std::time::Duration::from_secs(2)).send().await.ok()?;
        let code = response.status().as_u16();
        Some((code, response.text().await.ok()?))
    })
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The texts of the notes in an incident's `show --json` timeline, in order.
pub fn notes(show_json: &serde_json::Value) -> Vec<String> {
    show_json["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "incident.noted")
        .map(|e| e["payload"]["text"].as_str().unwrap().to_string())
        .collect()
}

/// A loopback server that accepts connections and never answers (needs a tokio runtime).
pub async fn silent_service() -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            held.push(stream);
        }
    });
    address
}

/// Re-hashes `rows` into a chain numbered from `first_seq` after `prev_hash`, as whoever
/// rewrites a log with every hash recomputed would.
pub fn rechain(rows: &mut [duty::store::StoredEvent], first_seq: u64, prev_hash: &str) {
    let mut prev = prev_hash.to_string();
    for (i, row) in rows.iter_mut().enumerate() {
        row.seq = first_seq + i as u64;
        row.prev_hash = prev.clone();
        row.hash = duty::store::chain::event_hash(&prev, row);
        prev = row.hash.clone();
    }
}
