//! SSH triage against a real OpenSSH server on loopback: success, non-zero exit, a kill
//! by signal, deadlines on silent and chatty commands, refused connections, a server
//! that never greets, a wrong key, unknown / changed / revoked host keys, a garbage
//! known_hosts line, a missing known_hosts, large output with exact counts and digest,
//! hostile bytes, an agent whose first key is wrong, a group of hosts, and the audit log.

mod common;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use common::sshd::{Sshd, site_for, user};
use common::stderr;
use duty::ssh::session::{Access, Ending, Outcome, SshError, Stream, Target};

const LOCAL: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// One run on a connection of its own (a cold pool keeps nothing).
#[allow(clippy::result_large_err)]
fn run(
    target: &Target,
    access: &Access,
    command: &str,
    limit: Duration,
    cancel: &std::sync::Arc<std::sync::atomic::AtomicBool>,
    sink: &mut dyn FnMut(Stream, &[u8]),
) -> Result<Outcome, SshError> {
    duty::ssh::pool::Pool::cold().run(target, access, command, limit, cancel, sink)
}

fn access(sshd: &Sshd, known_hosts: &Path, key: &str) -> Access {
    Access {
        known_hosts: known_hosts.to_path_buf(),
        identity_files: vec![sshd.key(key)],
        connect_timeout: Duration::from_secs(1),
        clock: duty::clock::Clock::system(),
    }
}

fn target(port: u16) -> Target {
    Target { host: "frontend-1".into(), address: SocketAddr::new(LOCAL, port), user: user(), jump: None }
}

fn known(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("known_hosts");
    std::fs::write(&path, text).unwrap();
    path
}

fn run_lib(
    sshd: &Sshd,
    command: &str,
    limit: Duration,
) -> (Result<duty::ssh::session::Outcome, SshError>, Duration) {
    let dir = tempfile::tempdir().unwrap();
    let kh = known(dir.path(), &format!("{}\n", sshd.keyscan()));
    let started = Instant::now();
    let cancel = Arc::new(AtomicBool::new(false));
    let result =
        run(&target(sshd.port), &access(sshd, &kh, "user_key"), command, limit, &cancel, &mut |_, _| {});
    (result, started.elapsed())
}

#[test]
fn an_action_runs_streams_and_is_audited() {
    let sshd = Sshd::start();
    let f = site_for(&sshd, &format!("{}\n", sshd.keyscan()));
    let out = f.run("alice", &["ssh", "run", "frontend-1", "hello"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("frontend-1 | hello from frontend-1"), "{stdout}");
    assert!(stdout.contains("frontend-1 ! warn"), "{stdout}");
    let history: serde_json::Value =
        serde_json::from_str(&f.ok("alice", &["ssh", "history", "--json"])).unwrap();
    let run = &history[0]["run"];
    assert_eq!(history[0]["operator"], "alice");
    assert_eq!(run["action"], "hello");
    assert_eq!(run["ending"], "exit 0");
    // The host name went in as one quoted word, itself quoted again inside `sh -c`.
    assert_eq!(run["command"], "timeout -k 5 10 sh -c 'echo hello from '\\''frontend-1'\\''; echo warn >&2'");
    assert_eq!(run["stdout_bytes"], 22);
    assert_eq!(run["stderr_bytes"], 5);
    assert_eq!(run["first_line"], "hello from frontend-1");
    assert!(f.ok("alice", &["audit", "verify"]).starts_with("chain intact"));

    let fail = f.run("alice", &["ssh", "run", "frontend-1", "fail", "--json"]);
    assert_eq!(fail.status.code(), Some(1));
    let records: serde_json::Value = serde_json::from_slice(&fail.stdout).unwrap();
    assert_eq!(
        (records[0]["ending"].as_str(), records[0]["exit_status"].as_i64()),
        (Some("exit 3"), Some(3))
    );

    let group = f.run("alice", &["ssh", "run", "@front_end", "hello", "--json"]);
    assert!(group.status.success(), "{}", stderr(&group));
    let records: serde_json::Value = serde_json::from_slice(&group.stdout).unwrap();
    let mut hosts: Vec<&str> =
        records.as_array().unwrap().iter().map(|r| r["host"].as_str().unwrap()).collect();
    hosts.sort();
    assert_eq!(hosts, ["frontend-1", "frontend-2"]);
}

#[test]
fn dangerous_and_free_form_actions_need_their_confirmation() {
    let sshd = Sshd::start();
    let f = site_for(&sshd, &format!("{}\n", sshd.keyscan()));
    let unconfirmed = f.run("alice", &["ssh", "run", "frontend-1", "restart-fte"]);
    assert_eq!(unconfirmed.status.code(), Some(1));
    assert!(stderr(&unconfirmed).contains("--confirm restart-fte"), "{}", stderr(&unconfirmed));
    assert!(f.ok("alice", &["ssh", "history", "--json"]).trim() == "[]", "nothing ran, nothing recorded");
    let out = f.run("alice", &["ssh", "run", "frontend-1", "restart-fte", "--confirm", "restart-fte"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let free = f.run(
        "alice",
        &["ssh", "run", "frontend-1", "free-form", "--command", "hostname", "--confirm", "free-form"],
    );
    assert!(free.status.success(), "{}", stderr(&free));
    let history: serde_json::Value =
        serde_json::from_str(&f.ok("alice", &["ssh", "history", "--json"])).unwrap();
    assert_eq!(history[1]["run"]["action"], "free-form");
    assert_eq!(history[1]["run"]["command"], "timeout -k 5 60 sh -c 'hostname'");
}

#[test]
fn exit_codes_signals_and_deadlines() {
    let sshd = Sshd::start();
    let (result, _) = run_lib(&sshd, "exit 7", Duration::from_secs(10));
    assert_eq!(result.unwrap().ending, Ending::Exited(7));
    let (result, _) = run_lib(&sshd, "kill -9 $$", Duration::from_secs(10));
    assert_eq!(result.unwrap().ending, Ending::Signal("KILL".into()), "a kill is not exit 0");

    let (result, took) = run_lib(&sshd, "sleep 30", Duration::from_secs(1));
    assert_eq!(result.unwrap().ending, Ending::TimedOut);
    // Cut at its deadline, long before the command would end (a loaded machine adds
    // its delay, which is no part of what is tested).
    assert!(took < Duration::from_secs(5), "silent command cut at its deadline: {took:?}");
    let (result, took) = run_lib(&sshd, "yes", Duration::from_secs(1));
    let outcome = result.unwrap();
    assert_eq!(outcome.ending, Ending::TimedOut);
    assert!(took < Duration::from_secs(5), "chatty command cut at its deadline: {took:?}");
    assert!(outcome.stdout.bytes > 1_000_000 && outcome.stdout.tail.len() <= duty::ssh::capture::TAIL_BYTES);
    // `timeout` on the host ends what we stopped waiting for.
    std::thread::sleep(Duration::from_millis(1500));
    let left = Command::new("pgrep").args(["-f", "^sleep 30$"]).output().unwrap();
    assert!(left.stdout.is_empty(), "the remote command is gone");
}

#[test]
fn large_output_is_counted_and_digested_exactly_and_hostile_bytes_are_harmless() {
    let sshd = Sshd::start();
    let command = "seq 1 3000000; seq 1 200000 >&2";
    let (result, _) = run_lib(&sshd, command, Duration::from_secs(60));
    let outcome = result.unwrap();
    let local_out = Command::new("sh").args(["-c", "seq 1 3000000"]).output().unwrap().stdout;
    let local_err = Command::new("sh").args(["-c", "seq 1 200000"]).output().unwrap().stdout;
    use sha2::Digest;
    assert_eq!(outcome.stdout.bytes, local_out.len() as u64);
    assert_eq!(outcome.stderr.bytes, local_err.len() as u64);
    assert_eq!(outcome.stdout.sha256(), hex::encode(sha2::Sha256::digest(&local_out)));
    assert_eq!(outcome.stderr.sha256(), hex::encode(sha2::Sha256::digest(&local_err)));
    assert_eq!(outcome.stdout.last_line(), "3000000");

    let f = site_for(&sshd, &format!("{}\n", sshd.keyscan()));
    let out = f.run(
        "alice",
        &[
            "ssh",
            "run",
            "frontend-1",
            "free-form",
            "--command",
            "printf '\\033]0;owned\\007\\033[2J\\377\\376 ok\\n'",
            "--confirm",
            "free-form",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(!printed.contains('\x1b') && !printed.contains('\x07'), "{printed:?}");
    assert!(printed.contains("\\x1b]0;owned\\x07\\x1b[2J") && printed.contains("ok"), "{printed}");
}

#[test]
// The test's closure returns the library's own error type as it is.
#[allow(clippy::result_large_err)]
fn refusals_before_any_command_runs() {
    let sshd = Sshd::start();
    let dir = tempfile::tempdir().unwrap();
    let cancel = Arc::new(AtomicBool::new(false));
    let try_run = |kh: &Path, key: &str, port: u16| {
        run(&target(port), &access(&sshd, kh, key), "true", Duration::from_secs(5), &cancel, &mut |_, _| {})
    };
    let good = format!("{}\n", sshd.keyscan());

    let missing = dir.path().join("nope");
    assert!(
        matches!(try_run(&missing, "user_key", sshd.port), Err(SshError::NoKnownHosts(..))),
        "a missing known_hosts refuses"
    );

    let empty = known(dir.path(), "");
    match try_run(&empty, "user_key", sshd.port) {
        Err(SshError::UnknownKey { fingerprint, line, .. }) => {
            assert!(fingerprint.starts_with("SHA256:"));
            assert!(line.starts_with(&format!("[127.0.0.1]:{} ssh-ed25519 ", sshd.port)), "{line}");
        }
        other => panic!("{other:?}"),
    }

    let other_key = std::fs::read_to_string(sshd.key("other_key.pub")).unwrap();
    let other_b64 = other_key.split_whitespace().nth(1).unwrap();
    let changed = known(dir.path(), &format!("[127.0.0.1]:{} ssh-ed25519 {other_b64}\n", sshd.port));
    let err = try_run(&changed, "user_key", sshd.port).unwrap_err();
    assert!(matches!(err, SshError::ChangedKey { line: 1, .. }), "{err:?}");
    assert!(err.to_string().contains("HOST KEY CHANGED"));

    let host_b64 = good.split_whitespace().nth(2).unwrap();
    let revoked = known(dir.path(), &format!("{good}@revoked * ssh-ed25519 {host_b64}\n"));
    assert!(matches!(try_run(&revoked, "user_key", sshd.port), Err(SshError::RevokedKey { line: 2, .. })));

    let garbage = known(dir.path(), &format!("this is not a known_hosts line\n{good}"));
    assert!(try_run(&garbage, "user_key", sshd.port).is_ok(), "a garbage line does not void the good one");

    let ok = known(dir.path(), &good);
    assert!(
        matches!(try_run(&ok, "other_key", sshd.port), Err(SshError::Auth { .. })),
        "a key the host does not know"
    );

    let closed = std::net::TcpListener::bind((LOCAL, 0)).unwrap().local_addr().unwrap().port();
    assert!(matches!(try_run(&ok, "user_key", closed), Err(SshError::Connect(..))));

    // A server that accepts and never greets.
    let silent = std::net::TcpListener::bind((LOCAL, 0)).unwrap();
    let silent_port = silent.local_addr().unwrap().port();
    let holder = std::thread::spawn(move || {
        let (stream, _) = silent.accept().unwrap();
        std::thread::sleep(Duration::from_secs(4));
        drop(stream);
    });
    let started = Instant::now();
    assert!(matches!(try_run(&ok, "user_key", silent_port), Err(SshError::Handshake(..))));
    assert!(started.elapsed() < Duration::from_millis(3500), "{:?}", started.elapsed());
    holder.join().unwrap();
}

#[test]
fn an_unknown_key_is_trusted_only_with_its_fingerprint_and_on_the_record() {
    let sshd = Sshd::start();
    let f = site_for(&sshd, "");
    let refused = f.run("alice", &["ssh", "run", "frontend-1", "hello"]);
    assert_eq!(refused.status.code(), Some(1));
    let message = stderr(&refused);
    assert!(message.contains("unknown host key for frontend-1: ssh-ed25519 SHA256:"), "{message}");
    let fingerprint = message
        .split_whitespace()
        .find(|w| w.starts_with("SHA256:"))
        .unwrap()
        .trim_end_matches('.')
        .to_string();
    // Only a lead trusts a key, and only the one checked out of band.
    let operator = f.run("alice", &["ssh", "trust", "frontend-1", "--fingerprint", &fingerprint]);
    assert_eq!(operator.status.code(), Some(1));
    assert!(stderr(&operator).contains("only a lead may trust a host key"), "{}", stderr(&operator));
    let wrong = f.run("lead", &["ssh", "trust", "frontend-1", "--fingerprint", "SHA256:not-it"]);
    assert_eq!(wrong.status.code(), Some(1));
    f.ok("lead", &["ssh", "trust", "frontend-1", "--fingerprint", &fingerprint]);
    assert!(f.run("alice", &["ssh", "run", "frontend-1", "hello"]).status.success());
    let log: serde_json::Value = serde_json::from_str(&f.ok("alice", &["audit", "log", "--json"])).unwrap();
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "ssh.key_trusted" && e["payload"].to_string().contains(&fingerprint))
    );
}

#[test]
fn an_agent_whose_first_key_is_wrong_still_gets_in() {
    let sshd = Sshd::start();
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("agent.sock");
    let mut agent = Command::new("ssh-agent")
        .args(["-D", "-a"])
        .arg(&socket)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !socket.exists() && started.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(20));
    }
    for key in ["other_key", "user_key"] {
        let status = Command::new("ssh-add")
            .arg(sshd.key(key))
            .env("SSH_AUTH_SOCK", &socket)
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
    }
    let f = site_for(&sshd, &format!("{}\n", sshd.keyscan()));
    // No key file: only the agent, whose first identity the host does not know.
    let ssh_toml = f.site.join("ssh.toml");
    let text = std::fs::read_to_string(&ssh_toml).unwrap();
    let text = text.lines().filter(|l| !l.starts_with("identity_files")).collect::<Vec<_>>().join("\n");
    std::fs::write(&ssh_toml, text).unwrap();
    let out = f
        .cmd("alice")
        .env("SSH_AUTH_SOCK", &socket)
        .args(["ssh", "run", "frontend-1", "hello"])
        .output()
        .unwrap();
    let _ = agent.kill();
    let _ = agent.wait();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_server_killed_mid_command_ends_the_run_promptly() {
    let mut sshd = Sshd::start();
    let dir = tempfile::tempdir().unwrap();
    let kh = known(dir.path(), &format!("{}\n", sshd.keyscan()));
    let access = access(&sshd, &kh, "user_key");
    let port = sshd.port;
    let handle = std::thread::spawn(move || {
        let cancel = Arc::new(AtomicBool::new(false));
        let started = Instant::now();
        let result =
            run(&target(port), &access, "sleep 20", Duration::from_secs(30), &cancel, &mut |_, _| {});
        (result, started.elapsed())
    });
    std::thread::sleep(Duration::from_millis(700));
    // Kill the whole server — the listener and its per-connection processes — but not
    // the command it started, so only the dying connection can end the run.
    for pid in descendants(sshd.child.id()).into_iter().filter(|pid| comm(*pid) == "sshd") {
        let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
    }
    let _ = sshd.child.kill();
    let (result, took) = handle.join().unwrap();
    assert!(took < Duration::from_secs(10), "{took:?}");
    match result {
        Ok(outcome) => assert_ne!(outcome.ending, Ending::Exited(0), "{outcome:?}"),
        Err(e) => assert!(matches!(e, SshError::Protocol(_)), "{e:?}"),
    }
}

fn comm(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default().trim().to_string()
}

/// Every process below `root`, from /proc.
fn descendants(root: u32) -> Vec<u32> {
    let parent_of = |pid: u32| -> Option<u32> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        stat.rsplit_once(") ")?.1.split_whitespace().nth(1)?.parse().ok()
    };
    let all: Vec<u32> = std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    let mut found = vec![root];
    let mut grew = true;
    while grew {
        grew = false;
        for pid in &all {
            if !found.contains(pid) && parent_of(*pid).is_some_and(|p| found.contains(&p)) {
                found.push(*pid);
                grew = true;
            }
        }
    }
    found.retain(|p| *p != root);
    found
}

#[test]
fn a_host_behind_a_jump_host() {
    let target_sshd = Sshd::start();
    let jump_sshd = Sshd::start();
    // One key opens both.
    std::fs::copy(target_sshd.key("user_key.pub"), jump_sshd.dir.path().join("authorized_keys")).unwrap();
    let known = format!("{}\n{}\n", target_sshd.keyscan(), jump_sshd.keyscan());
    let f = site_for(&target_sshd, &known);
    let hosts = f.site.join("hosts.toml");
    let text = std::fs::read_to_string(&hosts).unwrap();
    let target_port = format!("ssh_port = {}", target_sshd.port);
    // frontend-2 becomes the jump host; frontend-1 is reached through it.
    let (head, tail) = text.split_at(text.find("name = \"frontend-2\"").unwrap());
    let tail = tail.replacen(&target_port, &format!("ssh_port = {}", jump_sshd.port), 1);
    let head = head.replacen(&target_port, &format!("{target_port}\nssh_jump = \"frontend-2\""), 1);
    std::fs::write(&hosts, format!("{head}{tail}")).unwrap();
    let out = f.run("alice", &["ssh", "run", "frontend-1", "hello", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let records: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(records[0]["ending"], "exit 0");
    assert_eq!(records[0]["address"], format!("127.0.0.1:{}", target_sshd.port));
    // The target's key is still ours to check: with it missing, the jump does not help.
    std::fs::write(f.site.join("known_hosts"), format!("{}\n", jump_sshd.keyscan())).unwrap();
    let refused = f.run("alice", &["ssh", "run", "frontend-1", "hello"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("unknown host key for frontend-1"), "{}", stderr(&refused));
}

#[test]
fn cancel_ends_a_stuck_run_at_once() {
    let sshd = Sshd::start();
    let dir = tempfile::tempdir().unwrap();
    let kh = known(dir.path(), &format!("{}\n", sshd.keyscan()));
    let access = access(&sshd, &kh, "user_key");
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = cancel.clone();
    let port = sshd.port;
    let handle = std::thread::spawn(move || {
        let started = Instant::now();
        // Not `sleep 30`: the deadline test looks for that one being gone.
        let result = run(&target(port), &access, "sleep 45", Duration::from_secs(60), &flag, &mut |_, _| {});
        (result, started.elapsed())
    });
    std::thread::sleep(Duration::from_millis(800));
    let pressed = Instant::now();
    cancel.store(true, std::sync::atomic::Ordering::Relaxed);
    let (result, _) = handle.join().unwrap();
    assert_eq!(result.unwrap().ending, Ending::Cancelled);
    assert!(pressed.elapsed() < Duration::from_millis(700), "{:?}", pressed.elapsed());
}

/// A prober that reaches the site's hosts over its SSH settings, as the engine's does.
fn probes(site: &duty::config::Site, clock: duty::clock::Clock) -> duty::engine::probe::Prober {
    let reach = duty::engine::probe::SshReach {
        settings: site.ssh.clone(),
        hosts: site.hosts.clone(),
        user: user(),
        pool: duty::ssh::pool::Pool::of(&site.ssh),
    };
    duty::engine::probe::Prober::with_ssh(reach, clock).unwrap()
}

#[test]
fn ssh_checks_judge_exit_status_and_thresholds() {
    use duty::config::{CheckKind, CheckSpec};
    use duty::domain::check::{CheckStatus, SheetColumn};
    let sshd = Sshd::start();
    let f = site_for(&sshd, &format!("{}\n", sshd.keyscan()));
    let site = duty::config::Site::load(&f.site).unwrap();
    let prober = probes(&site, duty::clock::Clock::system());
    let spec = |command: &str, warning: Option<f64>, critical: Option<f64>| CheckSpec {
        host: "frontend-1".into(),
        name: "disk".into(),
        kind: CheckKind::Ssh { command: command.into(), warning, critical },
        column: SheetColumn::System,
        interval: Duration::from_secs(60),
        timeout: Duration::from_secs(5),
        retries: 0,
        severity: duty::domain::Severity::Serious,
    };
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let judge = |command: &str, warning, critical| rt.block_on(prober.run(&spec(command, warning, critical)));
    let disk = |percent: &str| format!("echo '/dev/sda1 {percent} /data'");
    assert_eq!(judge(&disk("93%"), Some(80.0), Some(90.0)).status, CheckStatus::Critical);
    let warn = judge(&disk("85%"), Some(80.0), Some(90.0));
    assert_eq!(
        (warn.status, warn.evidence.reason.clone()),
        (CheckStatus::Warning, Some(duty::domain::check::Reason::AtLeast { value: 85.0, limit: 80.0 }))
    );
    assert_eq!(judge(&disk("12%"), Some(80.0), Some(90.0)).status, CheckStatus::Normal);
    let failed = judge("exit 2", None, None);
    assert_eq!(
        (failed.status, failed.evidence.reason.clone()),
        (CheckStatus::Critical, Some(duty::domain::check::Reason::Exit { code: 2 }))
    );
    assert_eq!(judge("true", None, None).status, CheckStatus::Normal);
    assert_eq!(judge("echo ok", Some(80.0), None).status, CheckStatus::Unknown, "no number: cannot judge");
    // A host whose key is not known is not judged (and never normal).
    std::fs::write(f.site.join("known_hosts"), "").unwrap();
    let site = duty::config::Site::load(&f.site).unwrap();
    let prober = probes(&site, duty::clock::Clock::system());
    let unknown = rt.block_on(prober.run(&spec("true", None, None)));
    assert_eq!(unknown.status, CheckStatus::Unknown);
    assert!(unknown.evidence.error.unwrap().contains("unknown host key"));
}

/// A warm pool: the second run on a host opens a channel on the first one's connection;
/// a connection whose server side died is replaced (a new handshake, the host key
/// checked again) and the run still succeeds; one at rest past the idle limit is closed.
#[test]
fn warm_connections_are_reused_replaced_when_dead_and_closed_when_idle() {
    let sshd = Sshd::start();
    let dir = tempfile::tempdir().unwrap();
    let kh = known(dir.path(), &format!("{}\n", sshd.keyscan()));
    let access = access(&sshd, &kh, "user_key");
    let pool = duty::ssh::pool::Pool::new(Duration::from_secs(1), Duration::from_secs(30));
    let cancel = Arc::new(AtomicBool::new(false));
    let echo = |text: &str| {
        let mut out = Vec::new();
        let outcome = pool
            .run(
                &target(sshd.port),
                &access,
                &format!("echo {text}"),
                Duration::from_secs(10),
                &cancel,
                &mut |_, c| out.extend_from_slice(c),
            )
            .unwrap();
        assert_eq!(outcome.ending, Ending::Exited(0));
        String::from_utf8(out).unwrap()
    };
    assert_eq!(echo("one"), "one\n");
    assert_eq!(echo("two"), "two\n");
    assert_eq!(pool.connections_made(), 1, "the second run reused the connection");
    assert_eq!(pool.resting(), 1);

    // The server's side of the connection dies (its sshd child is killed).
    for pid in descendants(sshd.child.id()) {
        unsafe { libc::kill(pid as i32, libc::SIGKILL) };
    }
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(echo("three"), "three\n", "a dead connection is replaced");
    assert_eq!(pool.connections_made(), 2);

    // A host key that changed is caught on the new connection.
    let other = std::fs::read_to_string(sshd.key("other_key.pub")).unwrap();
    let other_key = other.split_whitespace().nth(1).unwrap();
    std::fs::write(&kh, format!("[127.0.0.1]:{} ssh-ed25519 {other_key}\n", sshd.port)).unwrap();
    for pid in descendants(sshd.child.id()) {
        unsafe { libc::kill(pid as i32, libc::SIGKILL) };
    }
    std::thread::sleep(Duration::from_millis(200));
    let changed =
        pool.run(&target(sshd.port), &access, "true", Duration::from_secs(5), &cancel, &mut |_, _| {});
    assert!(matches!(changed, Err(SshError::ChangedKey { .. })), "{changed:?}");
    std::fs::write(&kh, format!("{}\n", sshd.keyscan())).unwrap();

    // At rest past the idle limit: closed by the pool's sweeper.
    assert_eq!(echo("four"), "four\n");
    assert_eq!(pool.resting(), 1);
    let started = Instant::now();
    while pool.resting() > 0 {
        assert!(started.elapsed() < Duration::from_secs(5), "the idle connection was not closed");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// known_hosts has an ed25519 key for the host; the machine answering offers only RSA
/// now. Asked first for ed25519, a server with that key would present it: this is a
/// changed key (refused, and no operator can trust it away), not an unknown one.
#[test]
fn a_host_that_no_longer_offers_its_known_key_type_is_a_changed_key() {
    let sshd = Sshd::start_with_host_key("rsa");
    // Any ed25519 key, as if the real machine's had been recorded.
    let other = tempfile::tempdir().unwrap();
    common::sshd::keygen(&other.path().join("k"));
    let ed25519 = std::fs::read_to_string(other.path().join("k.pub")).unwrap();
    let key = ed25519.split_whitespace().take(2).collect::<Vec<_>>().join(" ");
    let f = site_for(&sshd, &format!("[127.0.0.1]:{} {key}\n", sshd.port));
    let out = f.run("alice", &["ssh", "run", "frontend-1", "hello"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("HOST KEY CHANGED for frontend-1"), "{}", stderr(&out));
    // The same server, with its own RSA key known, is reached as ever: the preference
    // for known types does not get in the way of a host whose known type it offers.
    let f = site_for(&sshd, &format!("{}\n", sshd.keyscan_type("rsa")));
    let out = f.run("alice", &["ssh", "run", "frontend-1", "hello"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn backups_are_judged_by_their_newest_file_here_and_on_the_host_over_ssh() {
    use duty::config::{CheckKind, CheckSpec};
    use duty::domain::backup::BackupRule;
    use duty::domain::check::{CheckStatus, Reason, SheetColumn};
    let sshd = Sshd::start();
    let f = site_for(&sshd, &format!("{}\n", sshd.keyscan()));
    let site = duty::config::Site::load(&f.site).unwrap();
    let clock = duty::clock::Clock::system();
    // The folder of a backup job: yesterday's incremental, an older one, last week's full
    // and a name the shell would trip over.
    let dir = f.dir.path().join("backup dir");
    std::fs::create_dir_all(&dir).unwrap();
    let put = |name: &str, bytes: usize, hours_ago: i64| {
        let path = dir.join(name);
        std::fs::write(&path, vec![b'x'; bytes]).unwrap();
        let at = (clock.now() - chrono::Duration::hours(hours_ago)).timestamp();
        let touched = Command::new("touch").arg("-d").arg(format!("@{at}")).arg(&path).status().unwrap();
        assert!(touched.success());
    };
    put("incr-20261124.tar.gz", 5000, 10);
    put("incr-20261120.tar.gz", 5000, 110);
    put("full-20261115.tar.gz", 9000, 240);
    put("incr-'$(touch pwned)'.tar.gz", 10, 200);
    let prober = probes(&site, clock);
    let spec = |pattern: &str, hours: i64, min_bytes: u64, local: bool| CheckSpec {
        host: "frontend-1".into(),
        name: "backup".into(),
        kind: CheckKind::Backup {
            rule: BackupRule {
                dir: dir.display().to_string(),
                pattern: pattern.into(),
                max_age: chrono::Duration::hours(hours),
                min_bytes,
            },
            local,
        },
        column: SheetColumn::Backup,
        interval: Duration::from_secs(60),
        timeout: Duration::from_secs(5),
        retries: 0,
        severity: duty::domain::Severity::Serious,
    };
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    for local in [true, false] {
        let judge = |pattern: &str, hours, min_bytes| {
            rt.block_on(prober.run(&spec(pattern, hours, min_bytes, local)))
        };
        let daily = judge("incr-*.tar.gz", 26, 1000);
        assert_eq!(daily.status, CheckStatus::Normal, "local {local}: {daily:?}");
        assert!(
            daily.evidence.excerpt.as_deref().unwrap().starts_with("incr-20261124.tar.gz 5000 B"),
            "{daily:?}"
        );
        let weekly = judge("full-*.tar.gz", 8 * 24, 1000);
        assert_eq!(
            (weekly.status, weekly.evidence.reason.clone()),
            (
                CheckStatus::Critical,
                Some(Reason::BackupStale {
                    file: "full-20261115.tar.gz".into(),
                    hours: 240,
                    limit_hours: 192
                })
            ),
            "local {local}"
        );
        let small = judge("incr-*.tar.gz", 26, 6000);
        assert!(matches!(small.evidence.reason, Some(Reason::BackupSmall { bytes: 5000, .. })), "{small:?}");
        let none = judge("*.dmp", 26, 1);
        assert_eq!(none.status, CheckStatus::Critical, "never normal without a file: {none:?}");
        assert!(matches!(none.evidence.reason, Some(Reason::BackupMissing { .. })), "{none:?}");
    }
    // A folder that is not there is a missing backup on both sides, never "normal".
    let gone = |local| {
        let mut spec = spec("incr-*.tar.gz", 26, 1, local);
        if let CheckKind::Backup { rule, .. } = &mut spec.kind {
            rule.dir = "/nonexistent/backup".into();
        }
        rt.block_on(prober.run(&spec))
    };
    for local in [true, false] {
        let result = gone(local);
        assert_eq!(result.status, CheckStatus::Critical, "{result:?}");
        assert!(matches!(result.evidence.reason, Some(Reason::BackupMissing { .. })), "{result:?}");
    }
    assert!(
        !dir.join("pwned").exists() && !std::path::Path::new("pwned").exists(),
        "names are data, not commands"
    );
}
