//! Several "hosts" on one PostgreSQL database — separate processes with their own
//! connections and engine candidates: concurrent acknowledgements, the engine lease,
//! a console seeing another's change within a second, the server stopped and started
//! again mid-session, and a centre's history moved from SQLite with its chain intact.

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::pg::PgServer;
use common::tmux::Tmux;
use common::{Fixture, stderr};

const SECOND: Duration = Duration::from_secs(1);

/// A fixture whose store is a fresh database on `server`.
fn on_postgres(server: &PgServer) -> Fixture {
    let mut f = Fixture::new();
    f.store = PathBuf::from(server.fresh());
    f
}

#[test]
fn concurrent_acks_on_one_shared_database_exactly_one_wins() {
    common::scenarios::concurrent_acks_and_notes(&on_postgres(PgServer::shared()));
}

#[test]
fn one_engine_runs_in_the_whole_centre_and_another_takes_over() {
    common::scenarios::engine_takeover(&on_postgres(PgServer::shared()));
}

#[test]
fn two_services_on_one_database_run_one_engine_and_the_second_takes_over() {
    common::scenarios::service_takeover(&on_postgres(PgServer::shared()));
}

#[test]
fn a_console_on_another_host_sees_a_change_within_a_second() {
    let f = on_postgres(PgServer::shared());
    let console = Tmux::start("pg-watch", &f, "alice", &[], "");
    console.wait_for("No incidents", 5 * SECOND);
    let id = f.open("2026-11-21T08:00:00+08:00");
    let started = Instant::now();
    console.wait_for(&id, SECOND);
    println!("seen after {:?}", started.elapsed());
    f.ok("bob", &["incident", "ack", &id]);
    console.wait_for("acknowledged", SECOND);
}

#[test]
fn the_server_stops_mid_session_nothing_acknowledged_is_lost_and_the_console_recovers() {
    let server = PgServer::start();
    let f = on_postgres(&server);
    let id = f.open("2026-11-21T08:00:00+08:00");
    f.ok("alice", &["incident", "ack", &id]);
    let console = Tmux::start("pg-loss", &f, "alice", &[], "");
    console.wait_for(&id, 5 * SECOND);

    // A writer on another "host" keeps adding notes through the outage.
    let writer = {
        let cmd = |text: String| {
            let mut cmd = f.cmd("bob");
            cmd.args(["incident", "note", &id, "--text", &text]);
            cmd
        };
        let commands: Vec<_> = (0..30).map(|n| (format!("note-{n}"), cmd(format!("note-{n}")))).collect();
        std::thread::spawn(move || {
            commands
                .into_iter()
                .map(|(text, mut command)| {
                    let out = command.output().unwrap();
                    std::thread::sleep(Duration::from_millis(150));
                    (text, out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
                })
                .collect::<Vec<_>>()
        })
    };
    std::thread::sleep(Duration::from_millis(1200));
    server.down();
    console.wait_for("Store unreachable since", 5 * SECOND);
    // What the operator types while the store is away stays in the form.
    console.press(&["n"]);
    console.wait_for("Note", SECOND);
    console.type_text("typed during the outage");
    console.press(&["C-s"]);
    let screen = console.wait_for("connecting to the store", 5 * SECOND);
    assert!(screen.contains("typed during the outage"), "{screen}");
    server.up();
    console.wait_gone("Store unreachable since", 10 * SECOND);
    let attempts = writer.join().unwrap();
    // bob's notes changed the incident meanwhile: the first submit says so and keeps
    // the text; the second, after reading that, goes through.
    console.press(&["C-s"]);
    let screen = console.wait_for("was changed by bob", 5 * SECOND);
    assert!(screen.contains("typed during the outage"), "{screen}");
    console.press(&["C-s"]);
    console.wait_gone("typed during the outage", 5 * SECOND);

    let failed: Vec<&(String, bool, String)> = attempts.iter().filter(|a| !a.1).collect();
    assert!(!failed.is_empty(), "some notes were tried while the server was down");
    assert!(failed.iter().all(|a| a.2.contains("store")), "{failed:?}");
    assert!(attempts.last().unwrap().1, "writing works again after the restart: {attempts:?}");
    let notes = common::notes(&f.show_json(&id));
    let unique: std::collections::BTreeSet<&String> = notes.iter().collect();
    assert_eq!(unique.len(), notes.len(), "no note twice: {notes:?}");
    for (text, ok, _) in &attempts {
        if *ok {
            assert!(notes.contains(text), "acknowledged {text} is kept");
        }
    }
    assert!(notes.contains(&"typed during the outage".to_string()), "submitted again once back");
    assert!(f.ok("alice", &["audit", "verify"]).starts_with("chain intact"));
    // The console shows the incident as it is after the restart.
    let version = f.show_json(&id)["version"].as_u64().unwrap();
    console.press(&["Enter"]);
    console.wait_for(&format!("Version: {version}"), 5 * SECOND);
}

#[test]
fn a_centre_moves_from_sqlite_to_postgres_with_its_chain_intact() {
    let f = Fixture::new();
    let id = f.open("2026-11-21T08:00:00+08:00");
    f.ok("alice", &["incident", "ack", &id]);
    f.ok("alice", &["incident", "note", &id, "--text", "交换节点恢复"]);
    f.ok("alice", &["log", "note", "UPS 电池模块已更换"]);
    let url = PgServer::shared().fresh();
    let target = PathBuf::from(&url);
    let migrated = f.cmd("lead").arg("--store").arg(&target).args(["store", "migrate"]).output().unwrap();
    assert!(migrated.status.success(), "{}", stderr(&migrated));
    let copy = |f: &Fixture| {
        f.cmd("lead")
            .args(["store", "copy", "--from"])
            .arg(&f.store)
            .arg("--to")
            .arg(&target)
            .output()
            .unwrap()
    };
    let out = copy(&f);
    assert!(out.status.success(), "{}", stderr(&out));
    let sqlite_verify = f.ok("lead", &["audit", "verify"]);
    let on_pg = |args: &[&str]| {
        let out = f.cmd("lead").arg("--store").arg(&target).args(args).output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(on_pg(&["audit", "verify"]), sqlite_verify, "the same chain, the same head hash");
    assert_eq!(
        on_pg(&["incident", "show", &id, "--json"]),
        f.ok("lead", &["incident", "show", &id, "--json"])
    );
    // A second copy into the now non-empty database is refused and changes nothing.
    let before = PgServer::shared().dump(&url);
    let out = copy(&f);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("not empty"), "{}", stderr(&out));
    assert_eq!(PgServer::shared().dump(&url), before);
}

#[test]
fn the_site_can_name_the_shared_store() {
    let f = Fixture::new();
    let url = PgServer::shared().fresh();
    let site = f.site.join("site.toml");
    let text = std::fs::read_to_string(&site).unwrap();
    let with = |line: &str| text.replacen("language = \"auto\"", &format!("language = \"auto\"\n{line}"), 1);
    std::fs::write(&site, with(&format!("store = \"{url}\""))).unwrap();
    let out = f
        .cmd("alice")
        .env_remove("DUTY_STORE")
        .args(["incident", "open", "--title", "t", "--severity", "ordinary"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let id = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let on_pg = f.cmd("alice").arg("--store").arg(&url).args(["incident", "show", &id]).output().unwrap();
    assert!(on_pg.status.success(), "the incident is in the site's PostgreSQL database");
    assert!(!f.store.exists(), "and no file was made");
    // A store that is neither a URL nor an absolute path is a config error with its place.
    std::fs::write(&site, with("store = \"duty.db\"")).unwrap();
    let out = f.cmd("alice").env_remove("DUTY_STORE").args(["incident", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("site.toml:") && stderr(&out).contains("absolute file path"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_connection_is_encrypted_and_the_server_verified_when_asked() {
    let server = PgServer::start();
    let ca = server.enable_tls();
    let url = format!("{}?sslmode=require", server.fresh());
    let mut f = Fixture::new();
    f.store = PathBuf::from(&url);
    let out = f.cmd("alice").env("SSL_CERT_FILE", &ca).args(["store", "migrate"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(server.log().contains("SSL enabled"), "the session was encrypted:\n{}", server.log());
    // A server whose certificate no trusted CA signed is refused.
    let other = tempfile::tempdir().unwrap();
    let empty_ca = other.path().join("none.pem");
    std::fs::write(&empty_ca, "").unwrap();
    let out = f.cmd("alice").env("SSL_CERT_FILE", &empty_ca).args(["incident", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("connecting to the store") && stderr(&out).contains("certificate"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_engine_goes_on_through_a_server_restart() {
    let server = PgServer::start();
    let f = on_postgres(&server);
    f.ok("alice", &["store", "migrate"]);
    common::scenarios::engine_outlives_its_store(
        &f,
        &|| server.down(),
        &|| server.up(),
        Duration::from_secs(10),
    );
}

#[test]
fn the_engine_goes_on_through_a_killed_postmaster() {
    let server = PgServer::start();
    let f = on_postgres(&server);
    f.ok("alice", &["store", "migrate"]);
    common::scenarios::engine_outlives_its_store(
        &f,
        &|| server.kill(),
        &|| server.up(),
        Duration::from_secs(8),
    );
}

#[test]
fn a_headless_engine_that_cannot_reach_its_store_for_the_limit_exits_for_systemd() {
    let server = PgServer::start();
    let f = on_postgres(&server);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    common::scenarios::one_tcp_check(
        &f,
        listener.local_addr().unwrap().port(),
        "store_outage_limit_seconds = 5\n",
    );
    let engine = f
        .cmd("alice")
        .arg("engine")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    common::scenarios::wait_until(
        &|| common::scenarios::status(&f).is_some_and(|s| s["engine_running"] == true),
        Duration::from_secs(20),
        "the engine",
    );
    server.down();
    let started = Instant::now();
    let out = engine.wait_with_output().unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "it gave up after its limit: {:?}",
        started.elapsed()
    );
    assert_eq!(out.status.code(), Some(1), "a failure systemd restarts on");
    let said = stderr(&out);
    assert!(said.contains("giving up") && said.contains("has not answered since"), "{said}");
}

#[test]
fn the_services_role_appends_events_and_can_neither_change_nor_remove_them() {
    use std::os::unix::fs::PermissionsExt;
    let server = PgServer::start();
    let url = server.fresh();
    let db = url.rsplit('/').next().unwrap().to_string();
    server
        .raw(
            &url,
            &format!(
                "CREATE ROLE duty_owner LOGIN; CREATE ROLE duty_app LOGIN PASSWORD 'app-secret';
                 ALTER DATABASE {db} OWNER TO duty_owner; ALTER SCHEMA public OWNER TO duty_owner;"
            ),
        )
        .unwrap();
    server.require_password("duty_app");
    let mut f = Fixture::new();
    // The schema's owner makes the schema and lets the service's role in.
    f.store = PathBuf::from(url.replace("duty@", "duty_owner@"));
    f.ok("alice", &["store", "migrate"]);
    let granted = f.ok("alice", &["store", "grant", "duty_app"]);
    assert!(granted.contains("may not change or remove an event"), "{granted}");

    // The service's role signs in with the password of its passfile, never of a URL.
    f.store = PathBuf::from(url.replace("duty@", "duty_app@"));
    let passfile = f.dir.path().join("pgpass");
    std::fs::write(
        &passfile,
        format!("# the centre's store\n127.0.0.1:{}:{db}:duty_app:app-secret\n", server.port),
    )
    .unwrap();
    std::fs::set_permissions(&passfile, std::fs::Permissions::from_mode(0o600)).unwrap();
    let as_app = |args: &[&str], env: &[(&str, &std::ffi::OsStr)]| {
        let mut command = f.cmd("alice");
        command.env("PGPASSFILE", &passfile).env_remove("PGPASSWORD");
        for (key, value) in env {
            command.env(key, value);
        }
        command.args(args).output().unwrap()
    };
    let opened = as_app(&["incident", "open", "--title", "前置机不通", "--severity", "ordinary"], &[]);
    assert!(opened.status.success(), "{}", stderr(&opened));
    let id = String::from_utf8(opened.stdout).unwrap().trim().to_string();
    let acked = as_app(&["incident", "ack", &id], &[]);
    assert!(acked.status.success(), "{}", stderr(&acked));
    let nowhere = std::ffi::OsStr::new("/nonexistent/pgpass");
    let by_env = as_app(
        &["incident", "note", &id, "--text", "by PGPASSWORD"],
        &[("PGPASSFILE", nowhere), ("PGPASSWORD", std::ffi::OsStr::new("app-secret"))],
    );
    assert!(by_env.status.success(), "{}", stderr(&by_env));
    let without = as_app(&["incident", "list"], &[("PGPASSFILE", nowhere)]);
    assert_eq!(without.status.code(), Some(1));
    assert!(stderr(&without).contains("password"), "{}", stderr(&without));
    // A passfile others may read is not read (as libpq does).
    std::fs::set_permissions(&passfile, std::fs::Permissions::from_mode(0o644)).unwrap();
    let open_file = as_app(&["incident", "list"], &[]);
    assert_eq!(open_file.status.code(), Some(1), "{}", stderr(&open_file));
    std::fs::set_permissions(&passfile, std::fs::Permissions::from_mode(0o600)).unwrap();

    // A password in a URL is refused: on the command line and in site.toml (at its place).
    let in_url = format!("postgres://duty_app:app-secret@127.0.0.1:{}/{db}", server.port);
    let refused = as_app(&["incident", "list"], &[("DUTY_STORE", std::ffi::OsStr::new(&in_url))]);
    assert_ne!(refused.status.code(), Some(0));
    assert!(
        stderr(&refused).contains("carries a password") && !stderr(&refused).contains("app-secret"),
        "{}",
        stderr(&refused)
    );
    let site_toml = f.site.join("site.toml");
    let text = std::fs::read_to_string(&site_toml).unwrap();
    let at = text.find("[site]").expect("the sample has a [site] table") + "[site]\n".len();
    std::fs::write(&site_toml, format!("{}store = \"{in_url}\"\n{}", &text[..at], &text[at..])).unwrap();
    let check = f.run("alice", &["config", "check"]);
    assert_eq!(check.status.code(), Some(2), "{}", stderr(&check));
    let line = text[..at].lines().count() + 1;
    assert!(
        stderr(&check).contains(&format!("site.toml:{line}:"))
            && stderr(&check).contains("carries a password"),
        "{}",
        stderr(&check)
    );
    std::fs::write(&site_toml, &text).unwrap();

    // The role at the keyboard cannot rewrite the record, whatever it tries.
    let verify = || String::from_utf8(as_app(&["audit", "verify"], &[]).stdout).unwrap();
    let head = verify();
    assert!(head.starts_with("chain intact"), "{head}");
    let attempts = [
        "UPDATE events SET actor = 'nobody'",
        "DELETE FROM events WHERE seq = 2",
        "TRUNCATE events",
        "ALTER TABLE events DISABLE TRIGGER USER",
        "ALTER TABLE events DISABLE TRIGGER events_no_update",
        "DROP TRIGGER events_no_update ON events",
        "ALTER TABLE events ADD COLUMN forged TEXT",
        "ALTER TABLE events OWNER TO duty_app",
        "DROP TABLE events",
        "CREATE OR REPLACE FUNCTION duty_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
    ];
    for sql in attempts {
        let err = server.raw(&in_url, sql).expect_err(sql);
        assert!(err.contains("permission denied") || err.contains("must be owner"), "{sql}: {err}");
    }
    assert_eq!(verify(), head, "the record is as it was");
    println!("{} rewrites refused to the service's role", attempts.len());
}

/// A PostgreSQL store with notes over ten one-minute epochs, sealed once an epoch, and
/// its verification key.
fn sealed_on_postgres(url: &str, dir: &std::path::Path) -> duty::seal::VerifyKey {
    use duty::store::Store;
    let t0 = common::instant("2026-11-25T02:00:00Z");
    let lead =
        duty::domain::Operator { id: "lead".into(), name: "Lead".into(), role: duty::domain::Role::Lead };
    let mut store = duty::store::postgres::PostgresStore::connect(url).unwrap();
    let key_file = dir.join("seal.key");
    let key = duty::seal::VerifyKey::new([9u8; 32], t0, chrono::Duration::minutes(1));
    for minute in 0..10 {
        let at = t0 + chrono::Duration::minutes(minute);
        for n in 0..3 {
            let payload = serde_json::json!({ "text": format!("note {minute}.{n}") }).to_string();
            let when = at + chrono::Duration::seconds(10 + n);
            store.record_event("duty.entry", "shift:x", payload, &lead, "t", when).unwrap();
        }
        let when = at + chrono::Duration::seconds(30);
        match minute {
            0 => drop(duty::seal::start(&mut store, &key_file, &key, &lead, "t", when).unwrap()),
            _ => drop(duty::seal::seal_now(&mut store, &key_file, &lead, "t", when).unwrap()),
        }
    }
    key
}

/// What the owner of the database can do: turn the triggers off, write the events as
/// they like with every hash recomputed, move the chain head, turn the triggers on.
fn rewrite_on_postgres(server: &PgServer, url: &str, mut rows: Vec<duty::store::StoredEvent>) {
    common::rechain(&mut rows, 1, duty::store::chain::GENESIS);
    let mut sql = String::from("BEGIN; ALTER TABLE events DISABLE TRIGGER USER; DELETE FROM events;");
    let quote = |text: &str| format!("'{}'", text.replace('\'', "''"));
    for row in &rows {
        let time = |t| quote(&duty::time::canonical(t));
        sql.push_str(&format!(
            "INSERT INTO events VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {});",
            row.seq,
            time(row.occurred_at),
            time(row.recorded_at),
            quote(&row.actor),
            quote(&row.origin),
            quote(&row.kind),
            quote(&row.subject),
            quote(&row.payload),
            quote(&row.prev_hash),
            quote(&row.hash)
        ));
    }
    let last = rows.last().unwrap();
    sql.push_str(&format!(
        "UPDATE chain_head SET seq = {}, hash = {}; ALTER TABLE events ENABLE TRIGGER USER; COMMIT;",
        last.seq,
        quote(&last.hash)
    ));
    server.raw(url, &sql).unwrap();
}

#[test]
fn a_sealed_postgres_store_rewritten_by_its_owner_fails_the_seals() {
    use duty::store::Store;
    let server = PgServer::shared();
    let mut cases = 0;
    type Edit = Box<dyn Fn(&mut Vec<duty::store::StoredEvent>)>;
    let edits: Vec<(&str, Edit)> = vec![
        (
            "a note rewritten, the chain re-hashed",
            Box::new(|rows| {
                let victim = rows.iter().position(|e| e.payload.contains("note 3.1")).unwrap();
                rows[victim].payload = rows[victim].payload.replace("note 3.1", "nothing happened");
            }),
        ),
        (
            "an event deleted, the rest renumbered",
            Box::new(|rows| rows.retain(|e| !e.payload.contains("note 5.0"))),
        ),
        (
            "the early seals removed",
            Box::new(|rows| rows.retain(|e| !(e.kind == duty::seal::SEALED && e.seq < 12))),
        ),
        (
            "a forged seal appended",
            Box::new(|rows| {
                let last = rows.last().unwrap().clone();
                let fake = duty::seal::Seal {
                    epoch: 10,
                    seq: last.seq,
                    head: last.hash.clone(),
                    prev: String::new(),
                    mac: "00".repeat(32),
                };
                rows.push(duty::store::StoredEvent {
                    kind: duty::seal::SEALED.into(),
                    payload: serde_json::to_string(&fake).unwrap(),
                    ..last
                });
            }),
        ),
    ];
    for (what, edit) in edits {
        let url = server.fresh();
        let dir = tempfile::tempdir().unwrap();
        let key = sealed_on_postgres(&url, dir.path());
        let store = duty::store::postgres::PostgresStore::connect(&url).unwrap();
        assert!(
            duty::seal::verify(&store.events(None).unwrap(), &key).first_bad.is_none(),
            "{what}: untouched verifies"
        );
        let mut rows = store.events(None).unwrap();
        edit(&mut rows);
        rewrite_on_postgres(server, &url, rows);
        let store = duty::store::postgres::PostgresStore::connect(&url).unwrap();
        assert!(store.verify().unwrap().first_bad.is_none(), "{what}: the plain chain is fooled");
        let report = duty::seal::verify(&store.events(None).unwrap(), &key);
        let (seq, why) = report.first_bad.unwrap_or_else(|| panic!("{what}: the seals did not catch it"));
        println!("{what}: caught at event {seq}: {why}");
        cases += 1;
    }
    println!("{cases} tampering cases on PostgreSQL, each named");
}
