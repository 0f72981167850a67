//! Signing in at the shared terminal, through the operations layer on both backends:
//! a second factor taken only with the code its key gives now, a code never taken
//! twice, a terminal acting for nobody until someone signs in, an engineer's own
//! console signing in only them, a secret set only in one's own session, and a kept
//! secret changed behind the record's back signing nobody in. Secrets never reach the
//! log. (The lock after five failures and the idle lock are in tests/service.rs, in a
//! real terminal through the service.)

mod common;

use common::pg::PgServer;
use common::{Fixture, instant};
use duty::config::Site;
use duty::domain::DomainError;
use duty::domain::signin::{SignInRefusal, base32, code_at, step_of};
use duty::i18n::Lang;
use duty::ops::signin::{Secret, SignOutWhy};
use duty::ops::{Done, Ops, Request, Seat};
use duty::store::{Location, StoreError};

const KEY: &[u8] = b"0123456789abcdefghij";

fn sign_in(name: &str, secret: &str, code: Option<String>) -> Request {
    Request::SignIn { name: name.into(), secret: Secret(secret.into()), code }
}

fn refusal(result: Result<Done, StoreError>) -> SignInRefusal {
    match result {
        Err(StoreError::Refused(DomainError::SignIn(why))) => why,
        other => panic!("expected a sign-in refusal, got {other:?}"),
    }
}

/// The rules on one store; `tamper` runs SQL on it as someone with the store in hand.
fn the_rules_hold(location: Location, site_dir: &std::path::Path, tamper: &dyn Fn(&str)) {
    let toml = site_dir.join("site.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, format!("{text}\n[signin]\nterminals = [\"dutyroom\"]\n\n[service]\n")).unwrap();
    let site = Site::load(site_dir).unwrap();
    let clock = duty::clock::Clock::starting_at(instant("2026-11-25T10:00:00+08:00"));
    let mut store = location.open_for_writing().unwrap();
    let mut ops = Ops { store: &mut *store, site: &site, clock };
    let operator = |id: &str| site.operator(id).cloned();
    let mut alice = Seat::new("alice", "cli alice@test".into(), Lang::En, operator("alice"));
    let mut bob = Seat::new("bob", "cli bob@test".into(), Lang::En, operator("bob"));
    let mut terminal = Seat::new("dutyroom", "console dutyroom@test".into(), Lang::En, None);
    let code_now = || format!("{:06}", code_at(KEY, step_of(clock.now())));

    // The second factor is taken only with the code its key gives now.
    let key = base32(KEY);
    let wrong = format!("{:06}", (code_at(KEY, step_of(clock.now())) + 1) % 1_000_000);
    let set = |secret: &str, code: String| Request::SetSecret {
        current: None,
        secret: Secret(secret.into()),
        code_key: Some((key.clone(), code)),
    };
    assert_eq!(refusal(ops.perform(&mut alice, set("Morning-tea-7", wrong))), SignInRefusal::SetupCode);
    ops.perform(&mut alice, set("Morning-tea-7", code_now())).unwrap();
    let bobs = |current: Option<&str>| Request::SetSecret {
        current: current.map(|c| Secret(c.into())),
        secret: Secret("Night-shift-22".into()),
        code_key: None,
    };
    ops.perform(&mut bob, bobs(None)).unwrap();
    // Whoever finds bob's session open does not change his secret without it.
    assert_eq!(refusal(ops.perform(&mut bob, bobs(None))), SignInRefusal::CurrentWrong);
    assert_eq!(refusal(ops.perform(&mut bob, bobs(Some("not-his-1")))), SignInRefusal::CurrentWrong);

    // The terminal acts for nobody until someone signs in; without the code it is a
    // failure like any other.
    let note = || Request::LogEntry(duty::domain::duty_log::Entry::Note { text: "hello".into() });
    assert_eq!(refusal(ops.perform(&mut terminal, note())), SignInRefusal::SignInFirst);
    let no_code = refusal(ops.perform(&mut terminal, sign_in("alice", "Morning-tea-7", None)));
    assert_eq!(no_code, SignInRefusal::Wrong { left: 4, locked_until: None });
    let done = ops.perform(&mut terminal, sign_in("alice", "Morning-tea-7", Some(code_now()))).unwrap();
    assert!(matches!(done, Done::SignedIn(ref who) if who.id == "alice"), "{done:?}");
    let acting = terminal.actor.clone().unwrap();
    assert_eq!(acting.origin, "console dutyroom@test, signed in as alice");
    // Nor opens a shell there (it would be the terminal account's, with its keys).
    let shell =
        Request::ShellStarted { host: "frontend-1".into(), address: "127.0.0.1".into(), user: "x".into() };
    assert_eq!(refusal(ops.perform(&mut terminal, shell)), SignInRefusal::NoShellAtTerminal);
    // Signed in at the terminal, nobody sets a secret.
    let at_terminal =
        Request::SetSecret { current: None, secret: Secret("another-Secret-3".into()), code_key: None };
    assert_eq!(refusal(ops.perform(&mut terminal, at_terminal)), SignInRefusal::OwnSession);
    ops.perform(&mut terminal, Request::SignOut { why: SignOutWhy::Asked }).unwrap();
    assert!(terminal.actor.is_none());
    // The code seen over a shoulder is spent.
    let again = refusal(ops.perform(&mut terminal, sign_in("alice", "Morning-tea-7", Some(code_now()))));
    assert_eq!(again, SignInRefusal::Wrong { left: 4, locked_until: None });
    // An engineer's own console signs in only them.
    assert_eq!(
        refusal(ops.perform(&mut alice, sign_in("bob", "Night-shift-22", None))),
        SignInRefusal::OwnOnly { login: "alice".into() }
    );

    // Bob's hash put in as alice's, behind the record's back, signs nobody in.
    tamper(
        "UPDATE operator_secrets SET phc = (SELECT phc FROM operator_secrets WHERE operator = 'bob'), code_key = NULL WHERE operator = 'alice'",
    );
    assert_eq!(
        refusal(ops.perform(&mut terminal, sign_in("alice", "Night-shift-22", None))),
        SignInRefusal::NotOnRecord { name: "alice".into() }
    );
    ops.perform(&mut terminal, sign_in("bob", "Night-shift-22", None)).unwrap();
    ops.perform(&mut terminal, note()).unwrap();
    // Taken off the operator list, he acts no more on the seat he signed in at.
    let mut without_bob = site.clone();
    without_bob.operators.retain(|o| o.id != "bob");
    let mut fewer = Ops { store: &mut *ops.store, site: &without_bob, clock };
    assert!(matches!(fewer.perform(&mut terminal, note()), Err(StoreError::Refused(DomainError::ReadOnly))));
    // Nothing done for the site's idle time, and the record signs him out, whatever
    // his console says.
    let later = duty::clock::Clock::starting_at(instant("2026-11-25T10:16:00+08:00"));
    let mut after_idle = Ops { store: &mut *ops.store, site: &site, clock: later };
    assert_eq!(refusal(after_idle.perform(&mut terminal, note())), SignInRefusal::SignInFirst);
    assert!(terminal.actor.is_none());

    // Every attempt is on the record; no secret, hash or key is.
    let events = ops.store.events(None).unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "operator.secret_set",
            "operator.secret_set",
            "operator.sign_in_failed",
            "operator.signed_in",
            "operator.signed_out",
            "operator.sign_in_failed",
            "operator.sign_in_failed",
            "operator.signed_in",
            "duty.entry",
            "operator.signed_out",
        ]
    );
    let last: serde_json::Value = serde_json::from_str(&events.last().unwrap().payload).unwrap();
    assert_eq!(last["why"], "idle", "{last}");
    for event in &events {
        for secret in ["Morning-tea-7", "Night-shift-22", "$argon2", key.as_str()] {
            assert!(!event.payload.contains(secret), "{secret} in {}", event.payload);
        }
    }
    assert!(ops.store.verify().unwrap().first_bad.is_none());
    // The kept secrets are not the log's: a rebuild keeps them.
    ops.store.rebuild().unwrap();
    assert!(ops.store.secret("bob").unwrap().is_some());
}

#[test]
fn sign_in_rules_on_sqlite() {
    let f = Fixture::new();
    let store = f.store.clone();
    the_rules_hold(Location::File(store.clone()), &f.site, &|sql| {
        rusqlite::Connection::open(&store).unwrap().execute_batch(sql).unwrap();
    });
}

#[test]
fn sign_in_rules_on_postgres() {
    let f = Fixture::new();
    let server = PgServer::shared();
    let url = server.fresh();
    the_rules_hold(Location::Postgres(url.clone()), &f.site, &|sql| server.raw(&url, sql).unwrap());
}
