//! `duty serve` with real OS accounts: who acts is what the kernel says (the peer's uid on
//! the socket, the real uid in local mode), never the environment; the service killed
//! again and again under writers loses nothing acknowledged; frames of every kind of
//! wrong get an error and change nothing.

mod common;

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::accounts::{
    LEAD, OPERATOR, OUTSIDER, STRANGER, ensure_accounts, open_up, state_of, user_command,
};
use common::{Fixture, stderr};
use proptest::prelude::*;

/// A site whose operators are the test accounts, with a service in the fixture's folder.
fn service_fixture() -> (Fixture, PathBuf) {
    common::accounts::service_site("")
}

struct Service {
    child: Child,
}

impl Service {
    fn start(f: &Fixture, socket: &Path) -> Service {
        let _ = std::fs::remove_file(socket);
        let child = f.cmd("alice").arg("serve").stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        let started = Instant::now();
        while UnixStream::connect(socket).is_err() {
            assert!(started.elapsed() < Duration::from_secs(10), "the service did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        Service { child }
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.kill();
    }
}

/// `duty passwd` as an account setting its first secret, given on standard input (an
/// empty line for the current one, then the new one).
fn passwd(f: &Fixture, user: &str, secret: &str) -> Output {
    let mut child = user_command(f, user, &[])
        .arg("passwd")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(format!("\n{secret}\n").as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn as_user(f: &Fixture, user: &str, env: &[(&str, &str)], args: &[&str]) -> Output {
    user_command(f, user, env).args(args).output().unwrap()
}

fn ok_as(f: &Fixture, user: &str, args: &[&str]) -> String {
    let out = as_user(f, user, &[], args);
    assert!(out.status.success(), "{user}: duty {args:?}: {}", stderr(&out));
    String::from_utf8(out.stdout).unwrap()
}

fn head(f: &Fixture) -> u64 {
    let verify = f.ok("alice", &["audit", "verify"]);
    verify.split_whitespace().nth(2).unwrap().parse().unwrap()
}

#[test]
fn two_engineers_on_one_service_each_act_as_who_the_kernel_says() {
    let (f, socket) = service_fixture();
    let _service = Service::start(&f, &socket);
    let id = ok_as(&f, OPERATOR, &["incident", "open", "--title", "UPS alarm", "--severity", "ordinary"]);
    let id = id.trim();
    ok_as(&f, OPERATOR, &["incident", "ack", id]);
    ok_as(&f, OPERATOR, &["incident", "resolve", id, "--cause", "battery", "--solution", "replaced"]);
    ok_as(
        &f,
        OPERATOR,
        &["incident", "report", id, "--description", "UPS battery", "--measures", "check monthly"],
    );
    // USER and LOGNAME naming the lead change nothing: the note is the operator's.
    let out = as_user(
        &f,
        OPERATOR,
        &[("USER", LEAD), ("LOGNAME", LEAD)],
        &["incident", "note", id, "--text", "USER says lead"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    // Closing is for leads: the operator's is refused, the lead's taken.
    let refused = as_user(&f, OPERATOR, &[], &["incident", "close", id]);
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    assert!(stderr(&refused).contains("only a lead"), "{}", stderr(&refused));
    ok_as(&f, LEAD, &["incident", "close", id]);

    // The environment names the lead: refused, or recorded under the account's own login.
    let before = head(&f);
    let forged =
        as_user(&f, OPERATOR, &[("DUTY_OPERATOR", LEAD)], &["incident", "note", id, "--text", "as the lead"]);
    assert_eq!(forged.status.code(), Some(1));
    assert!(stderr(&forged).contains("only root may"), "{}", stderr(&forged));
    assert_eq!(head(&f), before, "nothing written in the lead's name");
    let log: serde_json::Value = serde_json::from_str(&f.ok("alice", &["audit", "log", "--json"])).unwrap();
    let events = log.as_array().unwrap();
    let actors: Vec<&str> =
        events.iter().filter(|e| e["subject"] == id).map(|e| e["actor"].as_str().unwrap()).collect();
    assert_eq!(actors, [OPERATOR, OPERATOR, OPERATOR, OPERATOR, OPERATOR, LEAD], "{log}");
    for event in events.iter().filter(|e| e["subject"] == id) {
        let origin = event["origin"].as_str().unwrap();
        let actor = event["actor"].as_str().unwrap();
        assert!(origin.starts_with(&format!("cli {actor}@")) && origin.ends_with("(duty serve)"), "{origin}");
    }

    // In the group but not an operator: turned away. Outside the group: no connection.
    let stranger = as_user(&f, STRANGER, &[], &["incident", "list"]);
    assert_eq!(stranger.status.code(), Some(1));
    assert!(stderr(&stranger).contains("not on the site's operator list"), "{}", stderr(&stranger));
    let outsider = as_user(&f, OUTSIDER, &[], &["incident", "list"]);
    assert_eq!(outsider.status.code(), Some(1));
    assert!(stderr(&outsider).contains("Permission denied"), "{}", stderr(&outsider));
    // The store is the service's: an operator cannot read it.
    let read = Command::new("runuser").args(["-u", OPERATOR, "--", "cat"]).arg(&f.store).output().unwrap();
    assert!(!read.status.success(), "the store file is not readable by operators");

    // A client that asks the service itself to act as the lead is refused by it.
    let hello = format!(r#"{{"hello":{{"version":2,"program":"cli","lang":"en","act_as":"{LEAD}"}}}}"#);
    let script = format!(
        r#"use IO::Socket::UNIX; my $s = IO::Socket::UNIX->new(Peer => "{}") or die "connect: $!"; my $m = q({hello}); print $s pack("N", length $m), $m; my $len; read($s, $len, 4) == 4 or die "no answer"; read($s, my $body, unpack("N", $len)); print $body;"#,
        socket.display()
    );
    let raw = Command::new("runuser").args(["-u", OPERATOR, "--", "perl", "-e", &script]).output().unwrap();
    let answer = String::from_utf8_lossy(&raw.stdout);
    assert!(answer.contains("{\"error\"") && answer.contains("only root may"), "{answer} {}", stderr(&raw));
}

#[test]
fn in_local_mode_too_the_real_uid_acts_and_the_environment_does_not() {
    ensure_accounts();
    let f = Fixture::new();
    let site_toml = f.site.join("site.toml");
    let mut text = std::fs::read_to_string(&site_toml).unwrap();
    text.push_str(&format!(
        "\n[[operators]]\nuser = \"{OPERATOR}\"\nname = \"Op\"\nrole = \"operator\"\n\n[[operators]]\nuser = \"{LEAD}\"\nname = \"Lead\"\nrole = \"lead\"\n"
    ));
    std::fs::write(&site_toml, text).unwrap();
    open_up(&f);
    // One person on their own machine: the store in a folder they own.
    let own = f.dir.path().join("own");
    std::fs::create_dir_all(&own).unwrap();
    let uid = duty::identity::uid_of(OPERATOR).unwrap();
    assert!(Command::new("chown").arg(uid.to_string()).arg(&own).status().unwrap().success());
    let store = own.join("duty.db");
    let f = Fixture { store, ..f };
    let id = ok_as(&f, OPERATOR, &["incident", "open", "--title", "disk", "--severity", "ordinary"]);
    let id = id.trim();
    let forged = as_user(&f, OPERATOR, &[("DUTY_OPERATOR", LEAD)], &["incident", "close", id]);
    assert_eq!(forged.status.code(), Some(1));
    assert!(stderr(&forged).contains("only root may"), "{}", stderr(&forged));
    ok_as(&f, OPERATOR, &["incident", "note", id, "--text", "USER=lead"]);
    let out = as_user(&f, OPERATOR, &[("USER", LEAD), ("LOGNAME", LEAD)], &["incident", "ack", id]);
    assert!(out.status.success(), "{}", stderr(&out));
    let shown: serde_json::Value =
        serde_json::from_str(&ok_as(&f, OPERATOR, &["incident", "show", id, "--json"])).unwrap();
    assert_eq!(shown["owner"], OPERATOR, "the owner is who the kernel says");
    for event in shown["timeline"].as_array().unwrap() {
        assert_eq!(event["actor"], OPERATOR);
    }
    let log = ok_as(&f, OPERATOR, &["audit", "log", "--json"]);
    assert!(log.contains(&format!("cli {OPERATOR}@")) && !log.contains(&format!("cli {LEAD}")), "{log}");
}

#[test]
fn the_service_killed_again_and_again_under_writers_loses_nothing_acknowledged() {
    let (f, socket) = service_fixture();
    let mut service = Service::start(&f, &socket);
    let id = f.open(&f.minutes_from_now(-5));
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writers: Vec<_> = (0..3)
        .map(|w| {
            let (store, site, clock, dir) =
                (f.store.clone(), f.site.clone(), f.clock.setting(), f.dir.path().to_path_buf());
            let (id, done) = (id.clone(), done.clone());
            std::thread::spawn(move || {
                let mut acknowledged = Vec::new();
                let mut n = 0;
                while !done.load(std::sync::atomic::Ordering::Relaxed) {
                    let text = format!("w{w}-{n}");
                    n += 1;
                    let out = Command::new(env!("CARGO_BIN_EXE_duty"))
                        .env("DUTY_SITE", &site)
                        .env("DUTY_STORE", &store)
                        .env("DUTY_OPERATOR", ["alice", "bob", "lead"][w])
                        .env(duty::clock::TEST_CLOCK_VAR, &clock)
                        .env("XDG_STATE_HOME", dir.join("state"))
                        .args(["incident", "note", &id, "--text", &text])
                        .output()
                        .unwrap();
                    if out.status.success() {
                        acknowledged.push(text);
                    }
                }
                acknowledged
            })
        })
        .collect();
    for _ in 0..12 {
        std::thread::sleep(Duration::from_millis(300));
        unsafe { libc::kill(service.child.id() as i32, libc::SIGKILL) };
        let _ = service.child.wait();
        std::thread::sleep(Duration::from_millis(100));
        service = Service::start(&f, &socket);
    }
    std::thread::sleep(Duration::from_millis(300));
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let acknowledged: Vec<String> = writers.into_iter().flat_map(|w| w.join().unwrap()).collect();
    assert!(acknowledged.len() > 20, "writers got through between the kills: {}", acknowledged.len());
    let notes = common::notes(&f.show_json(&id));
    for text in &acknowledged {
        assert_eq!(notes.iter().filter(|n| *n == text).count(), 1, "{text} acknowledged, kept exactly once");
    }
    let unique: std::collections::BTreeSet<&String> = notes.iter().collect();
    assert_eq!(unique.len(), notes.len(), "no note twice");
    println!("{} acknowledged notes through 12 SIGKILLs of the service, all kept once", acknowledged.len());
    assert!(f.ok("alice", &["audit", "verify"]).starts_with("chain intact"));
}

#[test]
fn a_console_through_the_service_says_when_it_is_gone_keeps_what_is_typed_and_comes_back() {
    let (f, socket) = service_fixture();
    let mut service = Service::start(&f, &socket);
    let id = f.open(&f.minutes_from_now(-5));
    let console = common::tmux::Tmux::start("serve-console", &f, "alice", &[], "");
    console.wait_for(&id, Duration::from_secs(5));
    // Another engineer's change reaches this console through the service's push.
    f.ok("bob", &["incident", "ack", &id]);
    console.wait_for("acknowledged", Duration::from_secs(2));
    service.kill();
    console.press(&["n"]);
    console.wait_for("Note", Duration::from_secs(1));
    console.type_text("typed while the service is away");
    // Every key is in before the submit (the console may learn of the outage first).
    console.wait_for("typed while the service is away", Duration::from_secs(5));
    console.press(&["C-s"]);
    let screen = console.wait_for("unreachable", Duration::from_secs(5));
    assert!(screen.contains("typed while the service is away"), "{screen}");
    let _service = Service::start(&f, &socket);
    console.wait_gone("unreachable since", Duration::from_secs(10));
    console.press(&["C-s"]);
    console.wait_gone("typed while the service is away", Duration::from_secs(5));
    assert!(common::notes(&f.show_json(&id)).contains(&"typed while the service is away".to_string()));
}

/// A raw client, root acting as alice, past the handshake.
fn raw_client(socket: &Path) -> UnixStream {
    let mut stream = UnixStream::connect(socket).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let hello = br#"{"hello":{"version":2,"program":"fuzz","lang":"en","act_as":"alice"}}"#;
    stream.write_all(&(hello.len() as u32).to_be_bytes()).unwrap();
    stream.write_all(hello).unwrap();
    let welcome = read_answer(&mut stream).expect("a welcome");
    assert!(welcome.contains("\"welcome\""), "{welcome}");
    stream
}

/// The next frame from the service, as text; None when it closed the connection.
fn read_answer(stream: &mut UnixStream) -> Option<String> {
    let mut length = [0u8; 4];
    stream.read_exact(&mut length).ok()?;
    let mut body = vec![0u8; u32::from_be_bytes(length) as usize];
    stream.read_exact(&mut body).ok()?;
    Some(String::from_utf8_lossy(&body).into_owned())
}

/// What a bad frame may be.
#[derive(Clone, Debug)]
enum Bad {
    /// Bytes framed properly that are not a message.
    Junk(Vec<u8>),
    /// JSON that is not a known message.
    Json(String),
    /// A declared length over the limit.
    Oversized(u32),
    /// A frame cut short, then the connection closed.
    Truncated(Vec<u8>, usize),
    /// Bytes without framing.
    Unframed(Vec<u8>),
}

fn bad_frames() -> impl Strategy<Value = Bad> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..200).prop_map(Bad::Junk),
        prop_oneof![
            Just(r#"{"call":{"id":1,"call":{"perform":{"incident":{}}}}}"#.to_string()),
            Just(r#"{"call":{"id":2,"call":"launch"}}"#.to_string()),
            Just(r#"{"hello":{"version":2,"program":"x","lang":"en","act_as":null}}"#.to_string()),
            Just(r#"{"subscribe":[1,2,3]}"#.to_string()),
            "[a-z{}\":,0-9]{0,80}".prop_map(|s| s),
        ]
        .prop_map(Bad::Json),
        (1_048_577u32..u32::MAX).prop_map(Bad::Oversized),
        (prop::collection::vec(any::<u8>(), 1..100), 0usize..100).prop_map(|(b, cut)| Bad::Truncated(b, cut)),
        prop::collection::vec(any::<u8>(), 1..40).prop_map(Bad::Unframed),
    ]
}

#[test]
fn bad_frames_get_an_error_change_nothing_and_others_go_on() {
    let (f, socket) = service_fixture();
    let _service = Service::start(&f, &socket);
    let id = f.open(&f.minutes_from_now(-5));
    // The service's engine takes the lease once, on its own time: that event is not a
    // frame's doing, so the record is taken as it stands after it.
    let started = Instant::now();
    while !f.ok("alice", &["audit", "log", "--json"]).contains("engine.lease_taken") {
        assert!(started.elapsed() < Duration::from_secs(20), "the service's engine took no lease");
        std::thread::sleep(Duration::from_millis(100));
    }
    let before = f.dump();
    let mut runner =
        proptest::test_runner::TestRunner::new(ProptestConfig { cases: 96, ..ProptestConfig::default() });
    let counted = std::cell::RefCell::new(std::collections::BTreeMap::new());
    runner
        .run(&bad_frames(), |bad| {
            let mut stream = raw_client(&socket);
            let kind = format!("{bad:?}").split('(').next().unwrap().to_string();
            *counted.borrow_mut().entry(kind).or_insert(0) += 1;
            match &bad {
                Bad::Junk(bytes) => {
                    stream.write_all(&(bytes.len() as u32).to_be_bytes()).unwrap();
                    stream.write_all(bytes).unwrap();
                    let answer = read_answer(&mut stream).unwrap_or_default();
                    prop_assert!(answer.contains("{\"error\""), "{answer}");
                }
                Bad::Json(text) => {
                    stream.write_all(&(text.len() as u32).to_be_bytes()).unwrap();
                    stream.write_all(text.as_bytes()).unwrap();
                    if !text.contains("subscribe") {
                        let answer = read_answer(&mut stream).unwrap_or_default();
                        prop_assert!(answer.contains("{\"error\""), "{text} → {answer}");
                    }
                }
                Bad::Oversized(length) => {
                    stream.write_all(&length.to_be_bytes()).unwrap();
                    let answer = read_answer(&mut stream).unwrap_or_default();
                    prop_assert!(answer.contains("over the limit"), "{answer}");
                    prop_assert!(read_answer(&mut stream).is_none(), "then the connection ends");
                }
                Bad::Truncated(bytes, cut) => {
                    stream.write_all(&(bytes.len() as u32 + 10).to_be_bytes()).unwrap();
                    stream.write_all(&bytes[..(*cut).min(bytes.len())]).unwrap();
                    stream.shutdown(std::net::Shutdown::Write).unwrap();
                    // Whatever it says, it ends, and it did nothing.
                    while read_answer(&mut stream).is_some() {}
                }
                Bad::Unframed(bytes) => {
                    stream.write_all(bytes).unwrap();
                    stream.shutdown(std::net::Shutdown::Write).unwrap();
                    while read_answer(&mut stream).is_some() {}
                }
            }
            Ok(())
        })
        .unwrap();
    assert_eq!(f.dump(), before, "no bad frame changed anything");
    // A good client is served all along.
    f.ok("alice", &["incident", "note", &id, "--text", "after the fuzz"]);
    println!("bad frames by kind: {:?}", counted.borrow());
}

/// The service does the SSH work with its own key: an operator who cannot read the key
/// runs an action through it, every run is on the record as that operator's, and a
/// second run reuses the connection the first one made (one handshake in sshd's log).
#[test]
fn the_service_runs_ssh_with_its_own_key_for_the_engineer_who_asks_on_a_warm_connection() {
    let sshd = common::sshd::Sshd::start();
    let (f, socket) = service_fixture();
    common::sshd::reach(&f, &sshd, &format!("{}\n", sshd.keyscan()));
    open_up(&f);
    let _service = Service::start(&f, &socket);
    // The machines' key is not the engineer's to read.
    let read = Command::new("runuser")
        .args(["-u", OPERATOR, "--", "cat"])
        .arg(sshd.key("user_key"))
        .output()
        .unwrap();
    assert!(!read.status.success(), "the operator cannot read the service's SSH key");

    let first = ok_as(&f, OPERATOR, &["ssh", "run", "frontend-1", "hello"]);
    assert!(first.contains("frontend-1 | hello from frontend-1"), "{first}");
    let second = ok_as(&f, OPERATOR, &["ssh", "run", "frontend-1", "hello"]);
    assert!(second.contains("frontend-1 | hello from frontend-1"), "{second}");
    let handshakes = || {
        std::fs::read_to_string(sshd.dir.path().join("sshd.log"))
            .unwrap()
            .matches("Accepted publickey")
            .count()
    };
    assert_eq!(handshakes(), 1, "the second run opened a channel on the first one's connection");

    // A dangerous action is refused as asked by the service's rules too.
    let refused = as_user(&f, OPERATOR, &[], &["ssh", "run", "frontend-1", "restart-fte"]);
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    assert!(stderr(&refused).contains("confirm by typing its name"), "{}", stderr(&refused));
    // The CLI refuses an action its site does not name before it asks...
    let unknown = as_user(&f, OPERATOR, &[], &["ssh", "run", "frontend-1", "rm-everything"]);
    assert_eq!(unknown.status.code(), Some(2), "{}", stderr(&unknown));
    // ...and the service reads the ask on its own catalog whatever a client sends.
    let mut stream = raw_client(&socket);
    let ask = r#"{"call":{"id":7,"call":{"ssh":{"hosts":["frontend-1"],"action":"rm-everything","command":null,"confirm":null,"second":null}}}}"#;
    stream.write_all(&(ask.len() as u32).to_be_bytes()).unwrap();
    stream.write_all(ask.as_bytes()).unwrap();
    let answer = read_answer(&mut stream).unwrap_or_default();
    assert!(answer.contains("\"reply\"") && answer.contains("no action"), "{answer}");

    let log: serde_json::Value = serde_json::from_str(&f.ok("alice", &["audit", "log", "--json"])).unwrap();
    let runs: Vec<&serde_json::Value> =
        log.as_array().unwrap().iter().filter(|e| e["kind"] == "ssh.run").collect();
    assert_eq!(runs.len(), 2, "{log}");
    for run in runs {
        assert_eq!(run["actor"], OPERATOR, "{run}");
        assert!(run["origin"].as_str().unwrap().ends_with("(duty serve)"), "{run}");
    }
}

#[test]
fn a_second_person_confirms_from_their_own_session_and_a_typed_name_is_never_enough() {
    let sshd = common::sshd::Sshd::start();
    let (f, socket) = service_fixture();
    common::sshd::reach(&f, &sshd, &format!("{}\n", sshd.keyscan()));
    let ssh_toml = f.site.join("ssh.toml");
    let text = std::fs::read_to_string(&ssh_toml).unwrap();
    std::fs::write(&ssh_toml, format!("two_person_rule = true\n{text}")).unwrap();
    open_up(&f);
    let _service = Service::start(&f, &socket);

    // The operator asks; their run waits for someone else.
    let run = user_command(&f, OPERATOR, &[])
        .args(["ssh", "run", "frontend-1", "restart-fte", "--confirm", "restart-fte", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let id = loop {
        let asks: serde_json::Value =
            serde_json::from_str(&ok_as(&f, LEAD, &["ssh", "asks", "--json"])).unwrap();
        if let Some(ask) = asks.as_array().unwrap().first() {
            assert_eq!(ask["asked_by"], OPERATOR, "{asks}");
            assert!(ask["confirmed"].is_null(), "{asks}");
            break ask["id"].as_u64().unwrap().to_string();
        }
        assert!(started.elapsed() < Duration::from_secs(20), "the ask was not recorded");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(ssh_runs(&f), 0, "nothing runs before the second person confirms");

    // Not the operator themselves, however they dress it up; not someone off the list.
    let own = as_user(&f, OPERATOR, &[], &["ssh", "confirm", &id]);
    assert_eq!(own.status.code(), Some(1));
    assert!(stderr(&own).contains("is your own"), "{}", stderr(&own));
    let forged = as_user(
        &f,
        OPERATOR,
        &[("DUTY_OPERATOR", LEAD), ("USER", LEAD), ("LOGNAME", LEAD)],
        &["ssh", "confirm", &id],
    );
    assert_eq!(forged.status.code(), Some(1), "the environment names nobody: {}", stderr(&forged));
    let stranger = as_user(&f, STRANGER, &[], &["ssh", "confirm", &id]);
    assert_ne!(stranger.status.code(), Some(0), "{}", stderr(&stranger));
    assert_eq!(ssh_runs(&f), 0);

    // The lead, in their own session, confirms: the run goes on and carries both names.
    let confirmed = ok_as(&f, LEAD, &["ssh", "confirm", &id]);
    assert!(confirmed.contains("restart-fte") && confirmed.contains("confirmed"), "{confirmed}");
    let out = run.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let records: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(records[0]["ending"], "exit 0", "{records}");
    assert_eq!(records[0]["witness"], LEAD, "{records}");
    assert_eq!(records[0]["second"].as_u64().unwrap().to_string(), id);
    let log: serde_json::Value = serde_json::from_str(&f.ok("alice", &["audit", "log", "--json"])).unwrap();
    let kinds: Vec<(&str, &str)> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"].as_str().unwrap().starts_with("ssh."))
        .map(|e| (e["kind"].as_str().unwrap(), e["actor"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [("ssh.second_asked", OPERATOR), ("ssh.second_confirmed", LEAD), ("ssh.run", OPERATOR)],
        "each step is its own person's, as the kernel says"
    );

    // One confirmation, one run; and nobody else's confirmation serves.
    let again = as_user(
        &f,
        OPERATOR,
        &[],
        &["ssh", "run", "frontend-1", "restart-fte", "--confirm", "restart-fte", "--second", &id],
    );
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("spent"), "{}", stderr(&again));
    let lead_run = as_user(
        &f,
        LEAD,
        &[],
        &["ssh", "run", "frontend-1", "restart-fte", "--confirm", "restart-fte", "--second", &id],
    );
    assert_eq!(lead_run.status.code(), Some(1));
    assert!(stderr(&lead_run).contains("not yours"), "{}", stderr(&lead_run));
    assert_eq!(ssh_runs(&f), 1, "it ran once");
}

/// How many SSH runs the log holds.
fn ssh_runs(f: &Fixture) -> usize {
    let log: serde_json::Value = serde_json::from_str(&f.ok("alice", &["audit", "log", "--json"])).unwrap();
    log.as_array().unwrap().iter().filter(|e| e["kind"] == "ssh.run").count()
}

#[test]
fn a_lead_starts_sealing_through_the_service_which_keeps_the_key_and_seals() {
    let (f, socket) = service_fixture();
    let _service = Service::start(&f, &socket);
    let lead_dir = f.dir.path().join(format!("state-{LEAD}"));
    let op = as_user(&f, OPERATOR, &[], &["audit", "seal", "init", "--verify-key", "/tmp/never.key"]);
    assert_eq!(op.status.code(), Some(1), "{}", stderr(&op));
    assert!(stderr(&op).contains("only a lead"), "{}", stderr(&op));
    assert!(!Path::new("/tmp/never.key").exists(), "a refused start leaves no key file");
    let key = lead_dir.join("verify.key");
    let out = ok_as(
        &f,
        LEAD,
        &["audit", "seal", "init", "--verify-key", key.to_str().unwrap(), "--interval", "1s"],
    );
    assert!(out.contains("duty-verify-v1 "), "{out}");
    // The sealing key is the service's, in its own state folder; the lead holds only
    // the verification key.
    assert!(f.state_dir().join("duty/seal.key").exists(), "the service keeps the sealing key");
    assert!(!lead_dir.join("duty/seal.key").exists());
    // The service's engine goes on sealing, epoch after epoch.
    let started = Instant::now();
    loop {
        let verified = ok_as(&f, LEAD, &["audit", "verify", "--key", key.to_str().unwrap()]);
        let seals: u64 = verified
            .split("sealed: ")
            .nth(1)
            .and_then(|t| t.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        if seals >= 2 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "the service did not seal again: {verified}");
        std::thread::sleep(Duration::from_millis(500));
    }
}

#[test]
fn at_the_shared_terminal_each_engineer_signs_in_as_themselves_failures_lock_and_idle_locks() {
    let (f, socket) = service_fixture();
    let site_toml = f.site.join("site.toml");
    let mut text = std::fs::read_to_string(&site_toml).unwrap();
    text.push_str(&format!("\n[signin]\nterminals = [\"{STRANGER}\"]\nidle = \"8s\"\nlock = \"3s\"\n"));
    std::fs::write(&site_toml, text).unwrap();
    let _service = Service::start(&f, &socket);
    let id = f.open(&f.minutes_from_now(-5));
    let title = f.show_json(&id)["title"].as_str().unwrap().to_string();

    // Each engineer sets their own secret in their own session; a weak one is refused.
    let weak = passwd(&f, OPERATOR, "short");
    assert_eq!(weak.status.code(), Some(1), "{}", stderr(&weak));
    assert!(stderr(&weak).contains("too short"), "{}", stderr(&weak));
    let set = passwd(&f, OPERATOR, "op-Secret-42");
    assert!(set.status.success(), "{}", stderr(&set));
    // The terminal's account acts for nobody, on the command line as well.
    let refused = as_user(&f, STRANGER, &[], &["incident", "note", &id, "--text", "from the terminal"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("sign in first"), "{}", stderr(&refused));
    assert_eq!(
        passwd(&f, STRANGER, "term-Secret-1").status.code(),
        Some(1),
        "no secret is set at the terminal"
    );

    // The terminal's console starts locked: nothing of the centre shows.
    let state = state_of(&f, STRANGER);
    let command = format!(
        "runuser -u {STRANGER} -- env XDG_STATE_HOME={} {} --lang en; sleep 60",
        state.display(),
        env!("CARGO_BIN_EXE_duty")
    );
    let console = common::tmux::Tmux::start_command("terminal", &f, STRANGER, &command);
    let screen = console.wait_for("Shared duty terminal: sign in", Duration::from_secs(10));
    assert!(!screen.contains(&title) && !screen.contains(&id), "locked, no incident shows:\n{screen}");

    // Five wrong secrets lock the name; the right one is then refused until the lock ends.
    console.type_text(OPERATOR);
    console.press(&["Enter"]);
    for attempt in 1..=5 {
        console.type_text(&format!("wrong-guess-{attempt}"));
        console.press(&["Enter"]);
        let expected = match 5 - attempt {
            0 => "locked until".to_string(),
            1 => "one more failure locks".to_string(),
            left => format!("{left} more failures"),
        };
        console.wait_for(&expected, Duration::from_secs(10));
    }
    console.type_text("op-Secret-42");
    console.press(&["Enter"]);
    console.wait_for("is locked after repeated failures", Duration::from_secs(10));
    std::thread::sleep(Duration::from_secs(3));
    console.type_text("op-Secret-42");
    console.press(&["Enter"]);
    let screen = console.wait_for("signed in: Op", Duration::from_secs(10));
    assert!(screen.contains(&id), "signed in, the queue shows:\n{screen}");

    // What is done now is the engineer's, from the terminal's account.
    console.press(&["n"]);
    console.wait_for("Note", Duration::from_secs(5));
    console.type_text("noted at the terminal");
    console.wait_for("noted at the terminal", Duration::from_secs(5));
    console.press(&["C-s"]);
    console.wait_gone("noted at the terminal", Duration::from_secs(5));
    let log: serde_json::Value = serde_json::from_str(&f.ok("alice", &["audit", "log", "--json"])).unwrap();
    let events = log.as_array().unwrap();
    let note = events.iter().find(|e| e["kind"] == "incident.noted").expect("the note is on the record");
    assert_eq!(note["actor"], OPERATOR, "{note}");
    let origin = note["origin"].as_str().unwrap();
    assert!(
        origin.contains(&format!("console {STRANGER}@"))
            && origin.contains(&format!("signed in as {OPERATOR}")),
        "{origin}"
    );
    let signins: Vec<(&str, &str, bool)> = events
        .iter()
        .filter(|e| e["kind"].as_str().unwrap().starts_with("operator.sign"))
        .map(|e| {
            let payload = &e["payload"];
            (
                e["kind"].as_str().unwrap(),
                e["actor"].as_str().unwrap(),
                payload["counted"].as_bool().unwrap_or(false),
            )
        })
        .collect();
    let failed = ("operator.sign_in_failed", STRANGER, true);
    let refused_while_locked = ("operator.sign_in_failed", STRANGER, false);
    assert_eq!(
        signins,
        [
            failed,
            failed,
            failed,
            failed,
            failed,
            refused_while_locked,
            ("operator.signed_in", OPERATOR, false)
        ],
        "every attempt is on the record, failures by the terminal's account"
    );

    // Left alone, the console locks, hides the centre and signs the engineer out.
    let screen = console.wait_for("Locked after a while without a key", Duration::from_secs(20));
    assert!(!screen.contains(&title) && !screen.contains("noted at the terminal"), "{screen}");
    let log = f.ok("alice", &["audit", "log", "--json"]);
    assert!(log.contains("operator.signed_out") && log.contains("idle"), "{log}");
}
