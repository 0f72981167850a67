//! Crash safety: writers killed with SIGKILL at random moments lose nothing they
//! acknowledged, and leave a store whose chain verifies and whose file is intact.

mod common;

use std::process::Stdio;
use std::time::{Duration, Instant};

use common::Fixture;

/// xorshift64*, seeded from the clock; the seed is printed so a failure can be replayed.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

#[test]
fn sigkill_at_random_moments_loses_nothing_acknowledged() {
    const KILLS: usize = 120;
    let f = Fixture::new();
    let id = f.open("2026-11-21T08:00:00+08:00");
    let seed = std::env::var("DUTY_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1
    });
    println!("seed {seed} (rerun with DUTY_CRASH_SEED={seed})");
    let mut random = Random(seed);

    let started = Instant::now();
    f.ok("alice", &["incident", "note", &id, "--text", "warm-up"]);
    let typical = started.elapsed().as_micros() as u64;

    let mut acknowledged = vec!["warm-up".to_string()];
    let mut killed = 0;
    let mut attempt = 0;
    while killed < KILLS {
        attempt += 1;
        assert!(attempt < KILLS * 20, "too few kills landed");
        let text = format!("note-{attempt}");
        let mut child = f
            .cmd("alice")
            .args(["incident", "note", &id, "--text", &text])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Anywhere from start-up to just past the usual end of the command.
        std::thread::sleep(Duration::from_micros(random.next() % (typical * 3 / 2 + 1)));
        let _ = child.kill();
        let status = child.wait().unwrap();
        if status.success() {
            acknowledged.push(text);
        } else {
            killed += 1;
        }
    }
    println!("{attempt} writers, {killed} killed, {} acknowledged", acknowledged.len());

    let json = f.show_json(&id);
    let notes: Vec<String> = common::notes(&json).into_iter().collect();
    for text in &acknowledged {
        assert!(notes.contains(text), "acknowledged {text} is missing");
    }
    let unique: std::collections::BTreeSet<_> = notes.iter().collect();
    assert_eq!(unique.len(), notes.len(), "no note written twice");

    let verify = f.run("alice", &["audit", "verify"]);
    assert!(verify.status.success(), "{}", common::stderr(&verify));
    let conn = rusqlite::Connection::open(&f.store).unwrap();
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(integrity, "ok");
    drop(conn);
    // The projection agrees with the log: rebuilding it changes nothing.
    let before = f.dump();
    f.ok("alice", &["store", "rebuild"]);
    assert_eq!(f.dump(), before);
}
