//! Faults survived, not hidden, with real processes: an engine through a write lock held
//! on its SQLite store; a store whose write-ahead log is deleted under a running
//! console; an empty, a foreign and a garbage file where the store should be; reads of a
//! store nobody may write; a bad and then a good edit of the site under a running
//! console; the terminal killed under the console, and SIGQUIT.
//! (The same engine outage on PostgreSQL — a restart, a killed postmaster — is in
//! `tests/postgres.rs`.)

mod common;

use std::time::Duration;

use common::scenarios::{self, one_tcp_check, status, wait_until};
use common::tmux::Tmux;
use common::{Fixture, stderr};

const SECOND: Duration = Duration::from_secs(1);

#[test]
fn the_engine_goes_on_through_a_write_lock_held_for_twenty_seconds() {
    let f = Fixture::new();
    f.ok("alice", &["store", "migrate"]);
    let lock = std::cell::RefCell::new(None);
    scenarios::engine_outlives_its_store(
        &f,
        &|| {
            let conn = rusqlite::Connection::open(&f.store).unwrap();
            conn.execute_batch("BEGIN IMMEDIATE").unwrap();
            *lock.borrow_mut() = Some(conn);
        },
        &|| {
            let conn = lock.borrow_mut().take().unwrap();
            conn.execute_batch("ROLLBACK").unwrap();
        },
        Duration::from_secs(20),
    );
}

#[test]
fn an_empty_a_foreign_and_a_garbage_file_are_refused_and_left_as_they_are() {
    let f = Fixture::new();
    std::fs::write(&f.store, b"").unwrap();
    for args in [&["incident", "list"][..], &["audit", "verify"], &["log", "note", "x"]] {
        let out = f.run("alice", args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(stderr(&out).contains("an empty file where a store was expected"), "{}", stderr(&out));
    }
    assert_eq!(std::fs::metadata(&f.store).unwrap().len(), 0, "the empty file is left as it is");

    std::fs::remove_file(&f.store).unwrap();
    let foreign = rusqlite::Connection::open(&f.store).unwrap();
    foreign.execute_batch("CREATE TABLE payroll (name TEXT, salary INTEGER);").unwrap();
    drop(foreign);
    let before = std::fs::read(&f.store).unwrap();
    let out = f.run("alice", &["log", "note", "x"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("another program's database"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&f.store).unwrap(), before, "the foreign file is not written");

    std::fs::write(&f.store, vec![0x5a; 8192]).unwrap();
    let out = f.run("alice", &["incident", "list"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("not an SQLite database"), "{}", stderr(&out));
}

#[test]
fn a_store_replaced_by_an_empty_one_or_gone_is_an_error_naming_both() {
    let f = Fixture::new();
    let id = f.open(&f.minutes_from_now(-5));
    f.ok("alice", &["incident", "note", &id, "--text", "one"]);
    // The store vanishes: not an empty queue, an error naming what was there.
    let saved = f.dir.path().join("saved.db");
    std::fs::rename(&f.store, &saved).unwrap();
    let out = f.run("alice", &["incident", "list"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("with 2 events") && stderr(&out).contains("it is gone"),
        "{}",
        stderr(&out)
    );
    let out = f.run("alice", &["log", "note", "x"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!f.store.exists(), "no new, empty store is made in its place");
    // Another store in its place: its identity is not the one seen.
    let other = Fixture::new();
    other.open(&other.minutes_from_now(-5));
    std::fs::copy(&other.store, &f.store).unwrap();
    let out = f.run("alice", &["incident", "list"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("another store"), "{}", stderr(&out));
    // A deliberate restore of the other one: an operator may not accept it, a lead may,
    // and that is on the record with what was seen before.
    let out = f.run("alice", &["store", "accept"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("only a lead"), "{}", stderr(&out));
    f.ok("lead", &["store", "accept"]);
    let log: serde_json::Value = serde_json::from_str(&f.ok("alice", &["audit", "log", "--json"])).unwrap();
    let accepted = log.as_array().unwrap().last().unwrap();
    assert_eq!(
        (accepted["kind"].as_str(), accepted["actor"].as_str()),
        (Some("store.accepted"), Some("lead"))
    );
    assert!(accepted["payload"].to_string().contains("\"seq\":2"), "{accepted}");
    // The real one back (this machine saw the other last, so it is accepted too).
    std::fs::rename(&saved, &f.store).unwrap();
    assert_eq!(f.run("alice", &["incident", "list"]).status.code(), Some(1));
    f.ok("lead", &["store", "accept"]);
    let _ = std::fs::remove_file(f.dir.path().join("duty.db-wal"));
    assert!(f.ok("alice", &["audit", "verify"]).starts_with("chain intact: 3 events"));
}

#[test]
fn a_write_ahead_log_deleted_under_a_running_console_stops_every_writer() {
    let f = Fixture::new();
    let id = f.open(&f.minutes_from_now(-5));
    let console = Tmux::start("wal", &f, "alice", &[], "");
    console.wait_for(&id, 5 * SECOND);
    // While the console holds the store open, these stay in the write-ahead log.
    for n in 0..5 {
        f.ok("alice", &["incident", "note", &id, "--text", &format!("note {n}")]);
    }
    let wal = f.dir.path().join("duty.db-wal");
    assert!(wal.exists());
    std::fs::remove_file(&wal).unwrap();

    // A new process cannot trust the file without them, and says so; nothing is written.
    let before = std::fs::read(&f.store).unwrap();
    let out = f.run("bob", &["incident", "note", &id, "--text", "after"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let said = stderr(&out);
    assert!(said.contains("duty.db-wal was removed or replaced while it was open"), "{said}");
    assert_eq!(std::fs::read(&f.store).unwrap(), before);
    // The console, which holds the deleted log open, stops writing and says why.
    console.press(&["2", "Enter", "n"]);
    console.wait_for("Note", 2 * SECOND);
    console.type_text("from the console");
    console.press(&["C-s"]);
    console.wait_for("removed or replaced while it was open", 5 * SECOND);
}

#[test]
fn reads_work_on_a_store_nobody_may_write() {
    let f = Fixture::new();
    let id = f.open(&f.minutes_from_now(-5));
    f.ok("alice", &["incident", "note", &id, "--text", "before"]);
    // `nobody` may read the store and its folder, not write them.
    let state = tempfile::tempdir().unwrap();
    for path in [f.dir.path(), f.site.as_path(), state.path()] {
        std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    }
    std::fs::set_permissions(state.path(), std::os::unix::fs::PermissionsExt::from_mode(0o777)).unwrap();
    for entry in
        std::fs::read_dir(&f.site).unwrap().chain(std::fs::read_dir(f.site.join("checklists")).unwrap())
    {
        let path = entry.unwrap().path();
        let mode = if path.is_dir() { 0o755 } else { 0o644 };
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(mode)).unwrap();
    }
    std::fs::set_permissions(&f.store, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    let before = std::fs::read(&f.store).unwrap();
    let as_nobody = |args: &[&str]| {
        let mut command = std::process::Command::new("runuser");
        command.args(["-u", "nobody", "--", "env"]);
        for (key, value) in f.cmd("alice").get_envs() {
            // nobody is nobody: only root may act as someone else.
            if key == "DUTY_OPERATOR" {
                continue;
            }
            if let Some(value) = value {
                command.arg(format!("{}={}", key.to_string_lossy(), value.to_string_lossy()));
            }
        }
        command.arg(format!("XDG_STATE_HOME={}", state.path().display()));
        command.arg(env!("CARGO_BIN_EXE_duty")).args(args).output().unwrap()
    };
    for args in [&["incident", "list"][..], &["incident", "show", &id], &["audit", "verify"], &["status"]] {
        let out = as_nobody(args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
    let verify = as_nobody(&["audit", "verify"]);
    assert!(String::from_utf8_lossy(&verify.stdout).starts_with("chain intact: 2 events"));
    assert_eq!(std::fs::read(&f.store).unwrap(), before, "reading wrote nothing");
}

#[test]
fn a_bad_edit_of_the_site_keeps_the_last_good_one_and_a_good_edit_takes_effect() {
    let f = Fixture::new();
    let open = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let open_port = open.local_addr().unwrap().port();
    one_tcp_check(&f, open_port, "");
    let console = Tmux::start("site-edit", &f, "alice", &[], "");
    console.wait_for("No incidents", 5 * SECOND);
    let fixture = &f;
    let check = |wanted: &'static str| {
        move || {
            status(fixture)
                .is_some_and(|s| s["hosts"].to_string().contains(&format!("\"status\":\"{wanted}\"")))
        }
    };
    wait_until(&check("normal"), Duration::from_secs(20), "the console's engine to run the check");

    // A typo: the console says where, goes on with the site it had; commands that do
    // not need hosts.toml still work.
    let hosts = f.site.join("hosts.toml");
    let good = std::fs::read_to_string(&hosts).unwrap();
    std::fs::write(&hosts, good.replace("kind = \"tcp\"", "kind = \"tcpp\"")).unwrap();
    let screen = console.wait_for("Site edit not taken", 5 * SECOND);
    assert!(screen.contains("hosts.toml:"), "{screen}");
    let id = f.ok("bob", &["incident", "open", "--title", "hosts.toml typo", "--severity", "ordinary"]);
    let id = id.trim();
    f.ok("bob", &["incident", "ack", id]);
    f.ok("bob", &["incident", "note", id, "--text", "hosts.toml is being mended"]);
    assert!(f.ok("bob", &["audit", "verify"]).starts_with("chain intact"));
    assert_eq!(f.run("bob", &["config", "check"]).status.code(), Some(2));

    // A good edit: the check now points at a port nobody listens on; the running
    // engine follows it, and the failure is seen.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    std::fs::write(&hosts, good.replace(&format!("port = {open_port}"), &format!("port = {closed}")))
        .unwrap();
    console.wait_gone("Site edit not taken", 5 * SECOND);
    wait_until(&check("critical"), Duration::from_secs(20), "the re-targeted check to fail");
    drop(open);
}

/// Starts the console in tmux under a shell that outlives the pane's hangup and writes
/// the console's exit status to a file.
fn console_with_status(f: &Fixture, name: &str) -> (Tmux, std::path::PathBuf) {
    let status_file = f.dir.path().join(format!("{name}.status"));
    let wrapper = f.dir.path().join(format!("{name}.sh"));
    std::fs::write(
        &wrapper,
        format!(
            "trap '' HUP\n\"{}\"\necho $? > {}\nsleep 30\n",
            env!("CARGO_BIN_EXE_duty"),
            status_file.display()
        ),
    )
    .unwrap();
    let tmux = Tmux::start_command(name, f, "alice", &format!("bash {}", wrapper.display()));
    (tmux, status_file)
}

#[test]
fn a_console_whose_terminal_is_killed_ends_quietly_and_gives_the_lease_back() {
    let f = Fixture::new();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    one_tcp_check(&f, listener.local_addr().unwrap().port(), "");
    let (console, status_file) = console_with_status(&f, "killed");
    console.wait_for("No incidents", 5 * SECOND);
    wait_until(
        &|| {
            status(&f).is_some_and(|s| {
                s["engine_running"] == true && s["engine"]["holder"].to_string().contains("console")
            })
        },
        Duration::from_secs(20),
        "the console to hold the engine lease",
    );
    console.tmux(&["kill-pane"]);
    wait_until(&|| status_file.exists(), Duration::from_secs(5), "the console to end");
    let code = std::fs::read_to_string(&status_file).unwrap();
    assert_eq!(code.trim(), "0", "a vanished terminal ends the console quietly");
    let s = status(&f).unwrap();
    assert_eq!(s["engine_running"], false, "the lease was given back: {s}");
    let log = std::fs::read_to_string(f.state_dir().join("duty/console.log")).unwrap();
    assert!(log.contains("console stopped: the terminal went away"), "{log}");
}

#[test]
fn sigquit_gives_the_terminal_back_as_sigterm_does() {
    let f = Fixture::new();
    let (console, status_file) = console_with_status(&f, "quit");
    console.wait_for("No incidents", 5 * SECOND);
    assert_eq!(console.tmux(&["display", "-p", "#{alternate_on}"]).trim(), "1");
    let pid = console.tmux(&["display", "-p", "#{pane_pid}"]);
    let bash: i32 = pid.trim().parse().unwrap();
    let child = std::process::Command::new("pgrep").args(["-P", &bash.to_string()]).output().unwrap();
    let duty: i32 = String::from_utf8_lossy(&child.stdout).trim().parse().unwrap();
    unsafe { libc::kill(duty, libc::SIGQUIT) };
    wait_until(&|| status_file.exists(), Duration::from_secs(5), "the console to end");
    assert_eq!(std::fs::read_to_string(&status_file).unwrap().trim(), "0");
    assert_eq!(
        console.tmux(&["display", "-p", "#{alternate_on}"]).trim(),
        "0",
        "out of the alternate screen"
    );
}
