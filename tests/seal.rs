//! Forward-secure sealing against someone with the store in hand: a rewritten and
//! re-hashed chain, a deleted and renumbered event, forged appends, a seal re-made with
//! a later key, flipped bits — `verify --key` names the place each time; an untouched
//! store verifies.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use duty::domain::{Operator, Role};
use duty::seal::{self, VerifyKey};
use duty::store::{SqliteStore, Store, StoredEvent};

fn at(minute: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 0, 0, 0).unwrap() + Duration::minutes(minute)
}

fn lead() -> Operator {
    Operator { id: "lead".into(), name: "lead".into(), role: Role::Lead }
}

/// A store with notes written over ten one-minute epochs, sealed once an epoch; the
/// verification key, and the sealing key as it stands at the end (what a thief of the
/// machine would find).
fn sealed_store(dir: &std::path::Path) -> (std::path::PathBuf, VerifyKey, std::path::PathBuf) {
    let path = dir.join("duty.db");
    let key_file = dir.join("seal.key");
    let mut store = SqliteStore::open(&path).unwrap();
    let key = VerifyKey::new([7u8; 32], at(0), Duration::minutes(1));
    for minute in 0..10 {
        for n in 0..3 {
            let payload = serde_json::json!({ "text": format!("note {minute}.{n}") }).to_string();
            store
                .record_event(
                    "duty.entry",
                    "shift:x",
                    payload,
                    &lead(),
                    "t",
                    at(minute) + Duration::seconds(10 + n),
                )
                .unwrap();
        }
        // Sealing starts (and seals epoch 0) in the first minute, then goes on by itself.
        let when = at(minute) + Duration::seconds(30);
        let sealed = match minute {
            0 => Some(seal::start(&mut store, &key_file, &key, &lead(), "t", when).unwrap()),
            _ => seal::seal_now(&mut store, &key_file, &lead(), "t", when).unwrap(),
        };
        assert_eq!(sealed.map(|s| s.epoch), Some(minute as u64), "one seal an epoch");
        assert!(
            seal::seal_now(&mut store, &key_file, &lead(), "t", at(minute) + Duration::seconds(40))
                .unwrap()
                .is_none()
        );
    }
    (path, key, key_file)
}

fn events(path: &std::path::Path) -> Vec<StoredEvent> {
    SqliteStore::open(path).unwrap().events(None).unwrap()
}

/// What an attacker with write access does: drop the append-only triggers, write the
/// rows as they like with every hash recomputed, set the chain head, put the triggers back.
fn rewrite(path: &std::path::Path, mut rows: Vec<StoredEvent>) {
    common::rechain(&mut rows, 1, duty::store::chain::GENESIS);
    let db = rusqlite::Connection::open(path).unwrap();
    let time = |t: DateTime<Utc>| duty::time::canonical(t);
    db.execute_batch("DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete; DELETE FROM events;")
        .unwrap();
    for r in &rows {
        db.execute(
            "INSERT INTO events (seq, occurred_at, recorded_at, actor, origin, kind, subject, payload, prev_hash, hash) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
            rusqlite::params![r.seq as i64, time(r.occurred_at), time(r.recorded_at), r.actor, r.origin, r.kind, r.subject, r.payload, r.prev_hash, r.hash],
        )
        .unwrap();
    }
    let last = rows.last().unwrap();
    db.execute("UPDATE chain_head SET seq = ?1, hash = ?2", rusqlite::params![last.seq as i64, last.hash])
        .unwrap();
    db.execute_batch(
        "CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'x'); END;
         CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'x'); END;",
    )
    .unwrap();
}

/// A sealed store rewritten by `edit` (every hash recomputed): whether the plain verify
/// is fooled, and what the seals say.
fn tampered(edit: impl FnOnce(&mut Vec<StoredEvent>)) -> (bool, seal::SealReport) {
    let dir = tempfile::tempdir().unwrap();
    let (path, key, _) = sealed_store(dir.path());
    let mut rows = events(&path);
    edit(&mut rows);
    rewrite(&path, rows);
    (plain_verify_passes(&path), seal::verify(&events(&path), &key))
}

fn plain_verify_passes(path: &std::path::Path) -> bool {
    SqliteStore::open(path).unwrap().verify().unwrap().first_bad.is_none()
}

#[test]
fn an_untouched_sealed_store_verifies_and_says_what_is_not_sealed_yet() {
    let dir = tempfile::tempdir().unwrap();
    let (path, key, _) = sealed_store(dir.path());
    let report = seal::verify(&events(&path), &key);
    assert_eq!(report.first_bad, None);
    assert_eq!(report.seals, 10);
    // The last seal comes after the last notes: nothing is left unsealed yet.
    assert_eq!(report.unsealed, 0);
    let mut store = SqliteStore::open(&path).unwrap();
    store
        .record_event("duty.entry", "shift:x", "{}".into(), &lead(), "t", at(9) + Duration::seconds(50))
        .unwrap();
    assert_eq!(
        seal::verify(&events(&path), &key).unsealed,
        1,
        "appended after the last seal: unsealed, and said"
    );
}

#[test]
fn tampering_with_a_sealed_store_is_named_every_way() {
    let mut cases = 0;
    // Rewrite one note of epoch 3 and re-hash the whole chain: the plain verify is
    // fooled, the seals are not.
    let (fooled, report) = tampered(|rows| {
        let victim = rows.iter().position(|e| e.payload.contains("note 3.1")).unwrap();
        rows[victim].payload = rows[victim].payload.replace("note 3.1", "note 3.1 (nothing happened)");
    });
    assert!(fooled, "a re-hashed chain verifies without the key");
    let bad = report.first_bad.expect("the seals catch it");
    assert!(bad.1.to_string().contains("epoch 3"), "{bad:?}");
    cases += 1;
    // Delete an event and renumber the rest.
    let (fooled, report) = tampered(|rows| rows.retain(|e| !e.payload.contains("note 5.0")));
    assert!(fooled);
    assert!(report.first_bad.is_some());
    cases += 1;
    // Remove the seals of the early epochs with what they covered.
    let (_, report) = tampered(|rows| rows.retain(|e| !(e.kind == seal::SEALED && e.recorded_at < at(4))));
    let bad = report.first_bad.expect("missing seals are seen");
    assert!(bad.1.to_string().contains("not 0") || bad.1.to_string().contains("changed"), "{bad:?}");
    cases += 1;
    // A thief with the sealing key of the last epoch rewrites epoch 2 and re-makes its
    // seal and every later one with the key they have: no seal before theirs holds.
    {
        let dir = tempfile::tempdir().unwrap();
        let (path, key, key_file) = sealed_store(dir.path());
        let stolen = seal::SealKey::parse(&std::fs::read_to_string(&key_file).unwrap()).unwrap();
        assert_eq!(stolen.epoch, 9);
        let mut rows = events(&path);
        let victim = rows.iter().position(|e| e.payload.contains("note 2.0")).unwrap();
        rows[victim].payload = rows[victim].payload.replace("note 2.0", "forged");
        rewrite(&path, rows.clone());
        // Re-seal with the stolen key, claiming each seal's own epoch.
        let mut rows = events(&path);
        let mut prev = String::new();
        for i in 0..rows.len() {
            if rows[i].kind != seal::SEALED {
                continue;
            }
            let mut old: seal::Seal = serde_json::from_str(&rows[i].payload).unwrap();
            let covered = &rows[old.seq as usize - 1];
            let forged = stolen.seal(covered.seq, &covered.hash, &prev);
            old.head = forged.head;
            old.prev = forged.prev;
            old.mac = forged.mac;
            prev = old.mac.clone();
            rows[i].payload = serde_json::to_string(&old).unwrap();
            rewrite(&path, rows.clone());
            rows = events(&path);
        }
        assert!(plain_verify_passes(&path));
        let bad = seal::verify(&events(&path), &key).first_bad.expect("a later key seals no earlier epoch");
        assert!(bad.1.to_string().contains("does not hold"), "{bad:?}");
        cases += 1;
    }
    // Forged appends that pretend to be sealed: a seal of a new epoch made without any key.
    let (_, report) = tampered(|rows| {
        let last = rows.last().unwrap().clone();
        let fake = seal::Seal {
            epoch: 10,
            seq: last.seq,
            head: last.hash.clone(),
            prev: String::new(),
            mac: "00".repeat(32),
        };
        rows.push(StoredEvent {
            seq: 0,
            kind: seal::SEALED.into(),
            payload: serde_json::to_string(&fake).unwrap(),
            recorded_at: at(10) + Duration::seconds(5),
            occurred_at: at(10) + Duration::seconds(5),
            ..last
        });
    });
    assert!(report.first_bad.is_some());
    cases += 1;
    // Every bit of one event's payload flipped in turn: never unseen.
    {
        let dir = tempfile::tempdir().unwrap();
        let (path, key, _) = sealed_store(dir.path());
        let rows = events(&path);
        let victim = rows.iter().position(|e| e.payload.contains("note 1.2")).unwrap();
        let bytes = rows[victim].payload.as_bytes().to_vec();
        let db = rusqlite::Connection::open(&path).unwrap();
        db.execute_batch("DROP TRIGGER events_no_update;").unwrap();
        for i in 0..bytes.len() {
            for bit in 0..8 {
                let mut flipped = bytes.clone();
                flipped[i] ^= 1 << bit;
                let text = String::from_utf8_lossy(&flipped).into_owned();
                db.execute(
                    "UPDATE events SET payload = ?1 WHERE seq = ?2",
                    rusqlite::params![text, rows[victim].seq as i64],
                )
                .unwrap();
                let chain_caught = !plain_verify_passes(&path);
                let seal_caught = seal::verify(&events(&path), &key).first_bad.is_some();
                assert!(chain_caught || seal_caught, "byte {i} bit {bit}");
                cases += 1;
            }
        }
    }
    println!("{cases} tampering cases, each named");
}

#[test]
fn the_verification_key_reads_back_and_a_wrong_key_fails() {
    let key = VerifyKey::new([1u8; 32], at(0), Duration::minutes(15));
    assert_eq!(VerifyKey::parse(&key.to_text()).unwrap(), key);
    assert!(
        VerifyKey::parse("duty-seal-v1 00 0 2026-11-21T00:00:00Z 60").is_err(),
        "a sealing key is not a verification key"
    );
    let dir = tempfile::tempdir().unwrap();
    let (path, _, _) = sealed_store(dir.path());
    let other = VerifyKey::new([8u8; 32], at(0), Duration::minutes(1));
    assert!(seal::verify(&events(&path), &other).first_bad.is_some());
}

/// The whole way round on the command line: a lead starts sealing and keeps the
/// verification key; an operator may not; `audit verify --key` says what is sealed.
#[test]
fn a_lead_starts_sealing_and_the_auditor_verifies_with_the_key() {
    let f = common::Fixture::new();
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("verify.key");
    let key_arg = key.to_str().unwrap();
    let refused = f.run("alice", &["audit", "seal", "init", "--verify-key", key_arg, "--interval", "1s"]);
    assert_eq!(refused.status.code(), Some(1), "{}", common::stderr(&refused));
    assert!(common::stderr(&refused).contains("only a lead may start sealing"));
    let out = f.ok("lead", &["audit", "seal", "init", "--verify-key", key_arg, "--interval", "15min"]);
    assert!(out.contains("duty-verify-v1 "), "the key is shown to copy: {out}");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
    let second = dir.path().join("second.key");
    let again = f.run("lead", &["audit", "seal", "init", "--verify-key", second.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1), "sealing starts once");
    assert!(common::stderr(&again).contains("already sealing"), "{}", common::stderr(&again));
    assert!(!second.exists(), "a refused start leaves no key file");
    f.ok("alice", &["incident", "open", "--title", "x", "--severity", "ordinary"]);
    let verified = f.ok("alice", &["audit", "verify", "--key", key_arg]);
    assert!(
        verified.contains("sealed: 1 seals") && verified.contains("1 events after it not sealed yet"),
        "{verified}"
    );
    let bad =
        f.run("alice", &["audit", "seal", "init", "--verify-key", "/tmp/x", "--interval", "15 fortnights"]);
    assert_eq!(bad.status.code(), Some(2));
}

/// A sealing key file that cannot be used is the key's problem, not the store's: the
/// engine must not take it for a store outage (it would stop writing checks).
#[test]
fn a_broken_key_file_is_not_a_store_error() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _, key_file) = sealed_store(dir.path());
    std::fs::write(&key_file, "not a key").unwrap();
    let mut store = SqliteStore::open(&path).unwrap();
    let result = seal::seal_now(&mut store, &key_file, &lead(), "t", at(11));
    assert!(matches!(result, Err(seal::SealError::Key { .. })), "{result:?}");
    std::fs::remove_file(&key_file).unwrap();
    assert!(
        seal::seal_now(&mut store, &key_file, &lead(), "t", at(11)).unwrap().is_none(),
        "no key here: no seal"
    );
}

/// Rewrites a bundle's events as an attacker who has it would: `edit` the rows, re-hash
/// the chain from the bundle's anchor, and write every checksum again.
fn forge_bundle(dir: &std::path::Path, edit: impl FnOnce(&mut Vec<StoredEvent>)) {
    use sha2::Digest;
    let text = std::fs::read_to_string(dir.join(duty::bundle::EVENTS)).unwrap();
    let mut rows: Vec<StoredEvent> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let (first, prev) = (rows[0].seq, rows[0].prev_hash.clone());
    edit(&mut rows);
    common::rechain(&mut rows, first, &prev);
    let mut anchor: duty::bundle::Anchor =
        serde_json::from_str(&std::fs::read_to_string(dir.join(duty::bundle::ANCHOR)).unwrap()).unwrap();
    anchor.last_seq = rows.last().unwrap().seq;
    let lines: String = rows.iter().map(|r| serde_json::to_string(r).unwrap() + "\n").collect();
    let anchor = serde_json::to_string_pretty(&anchor).unwrap() + "\n";
    let hex = |b: &[u8]| sha2::Sha256::digest(b).iter().map(|x| format!("{x:02x}")).collect::<String>();
    let procedure = std::fs::read(dir.join(duty::bundle::PROCEDURE)).unwrap();
    let sums = format!(
        "{}  {}\n{}  {}\n{}  {}\n",
        hex(lines.as_bytes()),
        duty::bundle::EVENTS,
        hex(anchor.as_bytes()),
        duty::bundle::ANCHOR,
        hex(&procedure),
        duty::bundle::PROCEDURE
    );
    for (name, text) in
        [(duty::bundle::EVENTS, lines), (duty::bundle::ANCHOR, anchor), (duty::bundle::SUMS, sums)]
    {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

#[test]
fn an_exported_period_verifies_elsewhere_and_a_forged_one_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let (path, key, _) = sealed_store(dir.path());
    let all = events(&path);
    let export = |into: &std::path::Path| {
        duty::bundle::export(&all, "store-x", at(3), at(7) + Duration::seconds(59), into, "lead", at(10))
            .unwrap()
    };
    let bundle = dir.path().join("bundle");
    let anchor = export(&bundle);
    assert!(anchor.first_seq > 1 && anchor.last_seq < all.len() as u64, "{anchor:?}");
    let report = duty::bundle::verify(&bundle, Some(&key)).unwrap();
    assert_eq!(report.first_bad, None);
    let seals = report.seals.unwrap();
    assert_eq!((seals.first_bad.clone(), seals.seals), (None, 5), "{seals:?}: epochs 3 to 7");
    use std::os::unix::fs::PermissionsExt;
    for name in [duty::bundle::EVENTS, duty::bundle::ANCHOR, duty::bundle::PROCEDURE, duty::bundle::SUMS] {
        assert_eq!(
            std::fs::metadata(bundle.join(name)).unwrap().permissions().mode() & 0o777,
            0o600,
            "{name}"
        );
    }
    let again = duty::bundle::export(&all, "store-x", at(3), at(7), &bundle, "lead", at(10));
    assert!(matches!(again, Err(duty::bundle::BundleError::NotEmpty(_))), "a bundle never overwrites one");

    let mut cases = 0;
    type Edit = Box<dyn FnOnce(&mut Vec<StoredEvent>)>;
    let forged = |edit: Edit| {
        let copy = tempfile::tempdir().unwrap();
        let into = copy.path().join("b");
        export(&into);
        forge_bundle(&into, edit);
        let report = duty::bundle::verify(&into, Some(&key)).unwrap();
        assert_eq!(report.first_bad, None, "the forger re-hashed the chain and the checksums");
        report.seals.unwrap().first_bad
    };
    let caught = forged(Box::new(|rows| {
        let victim = rows.iter().position(|e| e.payload.contains("note 4.1")).unwrap();
        rows[victim].payload = rows[victim].payload.replace("note 4.1", "all quiet");
    }));
    assert!(caught.is_some_and(|(_, why)| why.to_string().contains("epoch 4")));
    cases += 1;
    let caught = forged(Box::new(|rows| rows.retain(|e| !e.payload.contains("note 5.2"))));
    assert!(caught.is_some());
    cases += 1;
    let caught = forged(Box::new(|rows| {
        let first_seal = rows.iter().position(|e| e.kind == seal::SEALED).unwrap();
        rows.remove(first_seal);
    }));
    assert!(caught.is_some(), "a seal taken out breaks the next");
    cases += 1;
    // A changed event with the checksums left as they were: the checksum says so.
    let copy = tempfile::tempdir().unwrap();
    let into = copy.path().join("b");
    export(&into);
    let text = std::fs::read_to_string(into.join(duty::bundle::EVENTS)).unwrap();
    std::fs::write(into.join(duty::bundle::EVENTS), text.replacen("note 6.0", "note 6.9", 1)).unwrap();
    let report = duty::bundle::verify(&into, None).unwrap();
    assert!(report.first_bad.is_some_and(|b| b.contains("checksum")));
    cases += 1;
    println!("{cases} forged bundles, each caught");
}

#[test]
fn an_auditor_exports_a_period_and_verifies_it_without_the_site() {
    let f = common::Fixture::new();
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("verify.key");
    f.ok("lead", &["audit", "seal", "init", "--verify-key", key.to_str().unwrap(), "--interval", "15min"]);
    f.ok("alice", &["incident", "open", "--title", "x", "--severity", "ordinary"]);
    let bundle = dir.path().join("audit-2026-11");
    let since = f.minutes_from_now(-60);
    let out = f.ok("lead", &["audit", "export", "--since", &since, bundle.to_str().unwrap()]);
    assert!(out.contains("exported 3 events"), "{out}");
    let log = f.ok("alice", &["audit", "log", "--json"]);
    assert!(log.contains("\"audit.exported\""), "the export is on the record: {log}");
    // On the auditor's machine: no site, no store, only the bundle and the key.
    let verified = std::process::Command::new(env!("CARGO_BIN_EXE_duty"))
        .args(["audit", "verify", "--bundle", bundle.to_str().unwrap(), "--key", key.to_str().unwrap()])
        .env("DUTY_SITE", dir.path().join("no-site"))
        .env("DUTY_STORE", dir.path().join("no-store.db"))
        .env("LANG", "C")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&verified.stdout);
    assert!(verified.status.success(), "{}", common::stderr(&verified));
    assert!(said.contains("bundle chain intact: 3 events") && said.contains("sealed: 1 seals"), "{said}");
    assert!(!dir.path().join("no-store.db").exists(), "nothing was created on the auditor's machine");
    let procedure = std::fs::read_to_string(bundle.join("VERIFY.md")).unwrap();
    assert!(procedure.contains("sha256sum -c SHA256SUMS") && procedure.contains("six months"), "{procedure}");
    let sums = std::process::Command::new("sha256sum")
        .arg("-c")
        .arg("SHA256SUMS")
        .current_dir(&bundle)
        .output()
        .unwrap();
    assert!(sums.status.success(), "{}", String::from_utf8_lossy(&sums.stdout));
}

/// The engine sends each seal to the system journal (here a socket of the test's own,
/// speaking journald's native protocol): the anchor is kept out of the store's reach.
#[test]
fn each_seal_goes_to_the_system_journal_too() {
    let f = common::Fixture::new();
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("verify.key");
    f.ok("lead", &["audit", "seal", "init", "--verify-key", key.to_str().unwrap(), "--interval", "1s"]);
    let socket = dir.path().join("journal.socket");
    let journal = std::os::unix::net::UnixDatagram::bind(&socket).unwrap();
    journal.set_read_timeout(Some(std::time::Duration::from_secs(30))).unwrap();
    let mut engine = f
        .cmd("alice")
        .arg("engine")
        .env(duty::journal::TEST_SOCKET_VAR, &socket)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut buffer = vec![0u8; 64 * 1024];
    let received = journal.recv(&mut buffer);
    let _ = engine.kill();
    let _ = engine.wait();
    let text = String::from_utf8_lossy(&buffer[..received.expect("a seal reached the journal")]).into_owned();
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}=")))
            .unwrap_or_else(|| panic!("{name}: {text}"))
    };
    assert_eq!(field("SYSLOG_IDENTIFIER"), "duty");
    assert!(field("MESSAGE").starts_with("duty: sealed epoch"), "{text}");
    let head = field("DUTY_HEAD_HASH").to_string();
    let log: serde_json::Value = serde_json::from_str(&f.ok("alice", &["audit", "log", "--json"])).unwrap();
    let sealed: Vec<seal::Seal> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == seal::SEALED)
        .map(|e| serde_json::from_value(e["payload"].clone()).unwrap())
        .collect();
    assert!(
        sealed.iter().any(|s| s.head == head && s.epoch.to_string() == field("DUTY_SEAL_EPOCH")),
        "{text}"
    );
}

/// A lead switches the chain to SM3: the choice is an event, every later row is hashed
/// with SM3 (and says so), the chain and the seals verify, and an edit is still caught.
#[test]
fn a_centre_chooses_sm3_for_its_chain_and_it_verifies_as_before() {
    let f = common::Fixture::new();
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("verify.key");
    let key_arg = key.to_str().unwrap();
    f.ok("lead", &["audit", "seal", "init", "--verify-key", key_arg, "--interval", "15min"]);
    f.ok("alice", &["incident", "open", "--title", "before", "--severity", "ordinary"]);
    let refused = f.run("alice", &["audit", "hash", "sm3"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(common::stderr(&refused).contains("only a lead"), "{}", common::stderr(&refused));
    let chosen = f.ok("lead", &["audit", "hash", "sm3"]);
    assert!(chosen.contains("hashed with sm3") && chosen.contains("sm3:"), "{chosen}");
    f.ok("alice", &["incident", "open", "--title", "after", "--severity", "ordinary"]);
    let log: serde_json::Value = serde_json::from_str(&f.ok("alice", &["audit", "log", "--json"])).unwrap();
    let rows = log.as_array().unwrap();
    let at = rows.iter().position(|e| e["kind"] == "audit.hash_chosen").unwrap();
    assert!(rows[..at].iter().all(|e| e["hash"].as_str().unwrap().len() == 64));
    assert!(rows[at..].iter().all(|e| e["hash"].as_str().unwrap().starts_with("sm3:")), "{log}");
    let verified = f.ok("alice", &["audit", "verify", "--key", key_arg]);
    assert!(verified.contains("chain intact and sealed"), "{verified}");
    // An SM3 row edited in place is caught like any other.
    let db = rusqlite::Connection::open(&f.store).unwrap();
    db.execute_batch("DROP TRIGGER events_no_update;").unwrap();
    let last = rows.last().unwrap()["seq"].as_i64().unwrap();
    db.execute("UPDATE events SET payload = replace(payload, 'after', 'never') WHERE seq = ?1", [last])
        .unwrap();
    let broken = f.run("alice", &["audit", "verify"]);
    assert_eq!(broken.status.code(), Some(1));
    assert!(common::stderr(&broken).contains(&format!("seq {last}")), "{}", common::stderr(&broken));
}
