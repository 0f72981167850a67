//! The store on both backends, SQLite and a real PostgreSQL server: commands,
//! optimistic concurrency, rebuild, and tamper evidence.

mod common;

use common::pg::PgServer;

use chrono::{DateTime, Duration, TimeZone, Utc};
use duty::domain::incident::NewIncident;
use duty::domain::{
    EventClass, FaultArea, IncidentCommand, IncidentId, Operator, Role, Severity, Source, State,
};
use duty::store::{AnyStore, Break, IncidentRequest, Location, Store, StoreError, Target};

/// One store to test: an SQLite file or a fresh PostgreSQL database.
enum Db {
    Sqlite { _dir: tempfile::TempDir, path: std::path::PathBuf },
    Postgres { url: String },
}

impl Db {
    fn sqlite() -> Db {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("duty.db");
        Db::Sqlite { _dir: dir, path }
    }

    fn postgres() -> Db {
        Db::Postgres { url: PgServer::shared().fresh() }
    }

    fn open(&self) -> AnyStore {
        match self {
            Db::Sqlite { path, .. } => Location::File(path.clone()),
            Db::Postgres { url } => Location::Postgres(url.clone()),
        }
        .open_for_writing()
        .unwrap()
    }

    fn dump(&self) -> String {
        match self {
            Db::Sqlite { path, .. } => common::dump(path),
            Db::Postgres { url } => PgServer::shared().dump(url),
        }
    }

    /// SQL run directly against the database, past the store.
    fn raw(&self, sql: &str) -> Result<(), String> {
        match self {
            Db::Sqlite { path, .. } => {
                rusqlite::Connection::open(path).unwrap().execute_batch(sql).map_err(|e| e.to_string())
            }
            Db::Postgres { url } => PgServer::shared().raw(url, sql),
        }
    }

    /// SQL run with the append-only guards dropped, as an attacker would.
    fn tamper(&self, sql: &str) {
        let drop_guards = match self {
            Db::Sqlite { .. } => "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;",
            Db::Postgres { .. } => "ALTER TABLE events DISABLE TRIGGER USER;",
        };
        self.raw(&format!("{drop_guards} {sql}")).unwrap();
    }

    fn first_bad(&self) -> (u64, Break) {
        let bad = self.open().verify().unwrap().first_bad.expect("verify must fail");
        (bad.seq, bad.problem)
    }
}

/// Each test, once on SQLite and once on PostgreSQL.
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[test]
            fn sqlite() {
                super::$name(super::Db::sqlite());
            }

            #[test]
            fn postgres() {
                super::$name(super::Db::postgres());
            }
        }
    )+};
}

on_both_backends!(
    incidents_are_numbered_per_local_day,
    a_command_appends_chained_events_and_updates_the_projection_together,
    a_stale_version_is_refused_with_who_and_when_and_changes_nothing,
    a_refused_command_and_an_unknown_incident_change_nothing,
    rebuild_gives_the_same_projection,
    the_requesters_word_is_kept_and_rebuilt,
    the_knowledge_base_finds_chinese_pairs_and_english_parts_and_is_rebuilt,
    the_regime_is_decided_on_the_record_and_folded_again_the_same,
    the_log_refuses_updates_and_deletes,
    an_edited_row_is_named,
    an_edited_row_with_a_recomputed_hash_is_named_by_its_successor,
    a_deleted_row_is_named,
    a_deleted_tail_is_named,
    swapped_rows_are_named,
    an_empty_store_verifies,
);

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 0, 30, 0).unwrap()
}

fn op(id: &str, role: Role) -> Operator {
    Operator { id: id.into(), name: id.into(), role }
}

fn request<'a>(
    target: Target,
    command: IncidentCommand,
    actor: &'a Operator,
    at: DateTime<Utc>,
) -> IncidentRequest<'a> {
    IncidentRequest {
        target,
        command,
        actor,
        origin: "test".into(),
        occurred_at: at,
        now: at,
        expected_version: None,
        claim: None,
    }
}

fn open(store: &mut dyn Store, actor: &Operator, at: DateTime<Utc>) -> IncidentId {
    let new = NewIncident {
        title: "exchange node red".into(),
        description: String::new(),
        severity: Severity::Ordinary,
        class: EventClass::Fault,
        area: FaultArea::NetworkDevice,
        hosts: vec![],
        source: Source::Operator,
        reported_at: at,
        onsite_required: false,
        source_ref: None,
    };
    let day_key = at.with_timezone(&chrono_tz::Asia::Shanghai).format("%Y%m%d").to_string();
    let target = Target::New { prefix: "GZ".into(), day_key };
    store.execute(request(target, IncidentCommand::Open(new), actor, at)).unwrap().incident.id
}

fn note(store: &mut dyn Store, id: &IncidentId, actor: &Operator, at: DateTime<Utc>, text: &str) {
    let cmd = IncidentCommand::Note { text: text.into() };
    store.execute(request(Target::Existing(id.clone()), cmd, actor, at)).unwrap();
}

/// A store with three incidents and a few events each.
fn populated(db: &Db) -> AnyStore {
    let mut store = db.open();
    let alice = op("alice", Role::Operator);
    for i in 0..3 {
        let at = t0() + Duration::minutes(i * 10);
        let id = open(&mut *store, &alice, at);
        store
            .execute(request(
                Target::Existing(id.clone()),
                IncidentCommand::Acknowledge,
                &alice,
                at + Duration::minutes(5),
            ))
            .unwrap();
        note(&mut *store, &id, &alice, at + Duration::minutes(6), "checked the link");
    }
    store
}

fn incidents_are_numbered_per_local_day(db: Db) {
    let mut store = db.open();
    let alice = op("alice", Role::Operator);
    assert_eq!(open(&mut *store, &alice, t0()).0, "GZ-20261121-001");
    assert_eq!(open(&mut *store, &alice, t0()).0, "GZ-20261121-002");
    // 16:30 UTC is 00:30 the next day in Shanghai.
    assert_eq!(open(&mut *store, &alice, t0() + Duration::hours(16)).0, "GZ-20261122-001");
}

fn a_command_appends_chained_events_and_updates_the_projection_together(db: Db) {
    let store = populated(&db);
    assert_eq!(store.head().unwrap(), 9);
    let id = IncidentId("GZ-20261121-002".into());
    let incident = store.incident(&id).unwrap().unwrap();
    assert_eq!(
        (incident.state, incident.version, incident.owner.as_deref()),
        (State::Acknowledged, 3, Some("alice"))
    );
    let timeline = store.timeline(&id.0).unwrap();
    let kinds: Vec<_> = timeline.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["incident.opened", "incident.acknowledged", "incident.noted"]);
    assert!(timeline.windows(2).all(|w| w[0].seq < w[1].seq));
    let report = store.verify().unwrap();
    assert_eq!((report.events, report.first_bad), (9, None));
}

fn a_stale_version_is_refused_with_who_and_when_and_changes_nothing(db: Db) {
    let mut store = populated(&db);
    let id = IncidentId("GZ-20261121-001".into());
    let bob = op("bob", Role::Operator);
    let before = db.dump();
    let mut stale = request(
        Target::Existing(id.clone()),
        IncidentCommand::Note { text: "late".into() },
        &bob,
        t0() + Duration::hours(1),
    );
    stale.expected_version = Some(2);
    match store.execute(stale) {
        Err(StoreError::Stale { expected: 2, current: 3, by, at, .. }) => {
            assert_eq!(by, "alice");
            assert_eq!(at, t0() + Duration::minutes(6));
        }
        other => panic!("expected a stale refusal, got {other:?}"),
    }
    assert_eq!(db.dump(), before);
    // The version it does have is accepted.
    let mut fresh = request(
        Target::Existing(id),
        IncidentCommand::Note { text: "now".into() },
        &bob,
        t0() + Duration::hours(1),
    );
    fresh.expected_version = Some(3);
    assert_eq!(store.execute(fresh).unwrap().incident.version, 4);
}

fn a_refused_command_and_an_unknown_incident_change_nothing(db: Db) {
    let mut store = populated(&db);
    let before = db.dump();
    let alice = op("alice", Role::Operator);
    let id = IncidentId("GZ-20261121-001".into());
    let err = store
        .execute(request(
            Target::Existing(id),
            IncidentCommand::Acknowledge,
            &alice,
            t0() + Duration::hours(1),
        ))
        .unwrap_err();
    assert!(matches!(err, StoreError::Refused(_)), "{err:?}");
    let missing = IncidentId("GZ-20990101-001".into());
    let err = store
        .execute(request(Target::Existing(missing), IncidentCommand::Acknowledge, &alice, t0()))
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
    assert_eq!(db.dump(), before);
}

fn rebuild_gives_the_same_projection(db: Db) {
    let mut store = populated(&db);
    let before = db.dump();
    db.raw("UPDATE incidents SET body = '{}', version = 99").unwrap();
    assert_eq!(store.rebuild().unwrap(), 9);
    assert_eq!(db.dump(), before);
}

fn the_requesters_word_is_kept_and_rebuilt(db: Db) {
    use duty::domain::confirmation::{Confirmation, ConfirmedHow, Rating};
    let mut store = populated(&db);
    let alice = op("alice", Role::Operator);
    let id = IncidentId("GZ-20261121-001".into());
    let resolve = IncidentCommand::Resolve { cause: "link".into(), solution: "replugged".into() };
    store.execute(request(Target::Existing(id.clone()), resolve, &alice, t0() + Duration::hours(1))).unwrap();
    let word = Confirmation {
        by: "张三".into(),
        how: ConfirmedHow::Writing,
        rating: Some(Rating::Dissatisfied),
        note: "took all morning".into(),
    };
    let confirm = IncidentCommand::Confirm(word.clone());
    store.execute(request(Target::Existing(id.clone()), confirm, &alice, t0() + Duration::hours(2))).unwrap();
    let kept = store.incident(&id).unwrap().unwrap().confirmation.expect("kept on the incident");
    assert_eq!((kept.confirmation, kept.recorded_by.as_str()), (word, "alice"));
    let before = db.dump();
    db.raw("UPDATE incidents SET body = '{}', version = 99").unwrap();
    store.rebuild().unwrap();
    assert_eq!(db.dump(), before, "folded again from the log, the same");
}

fn the_log_refuses_updates_and_deletes(db: Db) {
    let _store = populated(&db);
    let err = db.raw("UPDATE events SET actor = 'mallory' WHERE seq = 2").unwrap_err();
    assert!(err.contains("append-only"), "{err}");
    assert!(db.raw("DELETE FROM events WHERE seq = 2").is_err());
}

fn an_edited_row_is_named(db: Db) {
    let _store = populated(&db);
    db.tamper("UPDATE events SET actor = 'mallory' WHERE seq = 5");
    assert_eq!(db.first_bad(), (5, Break::HashMismatch));
}

fn an_edited_row_with_a_recomputed_hash_is_named_by_its_successor(db: Db) {
    let store = populated(&db);
    let mut event = store.events(None).unwrap().remove(3);
    event.payload = r#"{"text":"nothing happened"}"#.into();
    let forged = duty::store::chain::event_hash(&event.prev_hash, &event);
    db.tamper(&format!("UPDATE events SET payload = '{}', hash = '{forged}' WHERE seq = 4", event.payload));
    assert_eq!(db.first_bad(), (5, Break::PrevMismatch));
}

fn a_deleted_row_is_named(db: Db) {
    let _store = populated(&db);
    db.tamper("DELETE FROM events WHERE seq = 4");
    assert_eq!(db.first_bad(), (4, Break::Missing { expected: 4 }));
}

fn a_deleted_tail_is_named(db: Db) {
    let _store = populated(&db);
    db.tamper("DELETE FROM events WHERE seq >= 8");
    assert_eq!(db.first_bad(), (8, Break::HeadMismatch { head_seq: 9 }));
}

fn swapped_rows_are_named(db: Db) {
    let _store = populated(&db);
    // Exchange the contents of seq 3 and 6, keeping their numbers.
    db.tamper(
        "UPDATE events SET seq = -3 WHERE seq = 3;
         UPDATE events SET seq = 3 WHERE seq = 6;
         UPDATE events SET seq = 6 WHERE seq = -3;",
    );
    assert_eq!(db.first_bad(), (3, Break::PrevMismatch));
}

fn an_empty_store_verifies(db: Db) {
    let report = db.open().verify().unwrap();
    assert_eq!((report.events, report.first_bad), (0, None));
}

fn the_knowledge_base_finds_chinese_pairs_and_english_parts_and_is_rebuilt(db: Db) {
    use duty::domain::knowledge::{Origin, Written};
    let mut store = populated(&db);
    let alice = op("alice", Role::Operator);
    let id = IncidentId("GZ-20261121-001".into());
    let resolve = IncidentCommand::Resolve {
        cause: "监听日志写满 listener.log full".into(),
        solution: "清理日志后重启监听".into(),
    };
    store.execute(request(Target::Existing(id.clone()), resolve, &alice, t0() + Duration::hours(1))).unwrap();
    fn found(store: &AnyStore, query: &str) -> Vec<String> {
        store.search_knowledge(query, 10).unwrap().into_iter().map(|e| e.id).collect()
    }
    assert_eq!(found(&store, "监听"), [id.0.as_str()], "two Chinese characters");
    assert_eq!(found(&store, "日志写满"), [id.0.as_str()], "a longer Chinese substring");
    assert_eq!(found(&store, "LISTENER"), [id.0.as_str()], "an English word, any case");
    assert_eq!(found(&store, "stene"), [id.0.as_str()], "part of a word");
    assert_eq!(found(&store, "监听 full"), [id.0.as_str()], "every word");
    assert!(found(&store, "监听 nothing").is_empty());
    assert!(
        found(&store, "100%").is_empty() && found(&store, "o_o").is_empty(),
        "wildcards are taken literally"
    );
    assert_eq!(found(&store, "满"), [id.0.as_str()], "one character: a scan");
    let entry = store.knowledge(&id.0).unwrap().unwrap();
    assert_eq!(entry.origin, Origin::Incident { incident: id.clone() });
    // An entry written by hand, and an edit of the incident's: events, indexed at once.
    let payload = |written: Written, origin: Origin| {
        serde_json::to_string(&duty::store::knowledge::KbPayload { written, origin }).unwrap()
    };
    let runbook =
        Written {
            title: "交换机端口闪断处理".into(), body: "检查光模块 SFP 并更换".into(), hosts: vec![]
        };
    let text = payload(runbook, Origin::Written);
    store
        .append_decided(
            "kb:KB-1",
            &mut |_| Ok(vec![("kb.written".into(), text.clone())]),
            &alice,
            "test",
            t0() + Duration::hours(2),
        )
        .unwrap();
    let edit =
        Written {
            title: "监听中断".into(), body: "清理 listener.log；已知错误".into(), hosts: vec![]
        };
    let text = payload(edit, Origin::Incident { incident: id.clone() });
    store
        .append_decided(
            &format!("kb:{}", id.0),
            &mut |_| Ok(vec![("kb.edited".into(), text.clone())]),
            &alice,
            "test",
            t0() + Duration::hours(3),
        )
        .unwrap();
    assert_eq!(found(&store, "光模块"), ["KB-1"]);
    assert_eq!(found(&store, "sfp"), ["KB-1"]);
    assert_eq!(found(&store, "已知错误"), [id.0.as_str()], "the edit is what is found");
    assert!(found(&store, "写满").is_empty(), "the text before the edit is not");
    let edited = store.knowledge(&id.0).unwrap().unwrap();
    assert!(edited.edited);
    // A note on the incident later does not undo the edit.
    let note = IncidentCommand::Note { text: "后续观察".into() };
    store.execute(request(Target::Existing(id.clone()), note, &alice, t0() + Duration::hours(4))).unwrap();
    assert_eq!(store.knowledge(&id.0).unwrap().unwrap().title, "监听中断");
    let before = db.dump();
    db.raw("DELETE FROM knowledge").unwrap();
    assert!(found(&store, "光模块").is_empty());
    store.rebuild().unwrap();
    assert_eq!(db.dump(), before, "folded again from the log, the same");
    assert_eq!(found(&store, "光模块"), ["KB-1"]);
    assert_eq!(found(&store, "已知错误"), [id.0.as_str()]);
}

fn the_regime_is_decided_on_the_record_and_folded_again_the_same(db: Db) {
    use duty::domain::change::{ChangeCommand, ChangeKind, ChangeRequest, Risk};
    use duty::domain::problem::ProblemCommand;
    use duty::ops::{Done, Ops, Request, Seat};
    let dir = tempfile::tempdir().unwrap();
    duty::config::sample::write_sample(
        dir.path(),
        "lead",
        chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap(),
    )
    .unwrap();
    let text = std::fs::read_to_string(dir.path().join("site.toml")).unwrap();
    let alice = "\n[[operators]]\nuser = \"alice\"\nname = \"Alice\"\nrole = \"operator\"\n";
    std::fs::write(dir.path().join("site.toml"), format!("{text}{alice}")).unwrap();
    let site = duty::config::Site::load(dir.path()).unwrap();
    let mut store = populated(&db);
    let perform = |store: &mut AnyStore, who: &str, request: Request| {
        let role = if who == "lead" { Role::Lead } else { Role::Operator };
        let mut seat = Seat::new(who, "test".into(), duty::i18n::Lang::En, Some(op(who, role)));
        let clock = duty::clock::Clock::starting_at(t0() + Duration::hours(1));
        Ops { store: &mut **store, site: &site, clock }.perform(&mut seat, request).unwrap()
    };
    // Saturday evening, outside working hours.
    let from = t0() + Duration::hours(13);
    let request = ChangeRequest {
        kind: ChangeKind::Normal,
        what: "数据库补丁".into(),
        why: "缺陷修复".into(),
        hosts: vec!["central-db".into()],
        risk: Risk::Low,
        rollback: "回退补丁".into(),
        from,
        until: from + Duration::hours(2),
    };
    let Done::Change(change) =
        perform(&mut store, "alice", Request::Change { id: None, command: ChangeCommand::Request(request) })
    else {
        panic!()
    };
    let approve =
        Request::Change { id: Some(change.id.clone()), command: ChangeCommand::Approve { oral_by: None } };
    let Done::Change(approved) = perform(&mut store, "lead", approve) else { panic!() };
    let window = approved.window.clone().expect("the approval opens the window");
    assert!(store.maintenance_windows().unwrap().iter().any(|w| w.id == window && w.from == from));
    let incident = IncidentId("GZ-20261121-001".into());
    let open = ProblemCommand::Open {
        title: "链路反复中断".into(),
        incidents: vec![incident.clone()],
        cause: String::new(),
        workaround: "重插光纤".into(),
        owner: String::new(),
    };
    perform(&mut store, "alice", Request::Problem { id: None, command: open });
    perform(
        &mut store,
        "alice",
        Request::StartPlan {
            incident: incident.clone(),
            plan: Some("network".into()),
            expected_version: None,
        },
    );
    let step = IncidentCommand::MarkStep { step: 1, done: true, note: String::new() };
    let step = Request::Incident {
        target: duty::ops::IncidentTarget::Existing(incident.clone()),
        command: step,
        expected_version: None,
        claimed_at: None,
        backdate_reason: None,
    };
    perform(&mut store, "alice", step);
    let changes = duty::ops::change::changes(&*store).unwrap();
    let problems = duty::ops::problem::problems(&*store).unwrap();
    assert_eq!(changes, vec![*approved]);
    assert_eq!((problems[0].id.as_str(), problems[0].owner.as_str()), ("PRB-1", "alice"));
    let plan = store.incident(&incident).unwrap().unwrap().plans;
    assert_eq!(plan[0].steps[0].outcome.as_ref().map(|o| o.by.as_str()), Some("alice"));
    let before = db.dump();
    db.raw("UPDATE incidents SET body = '{}', version = 99; DELETE FROM maintenance").unwrap();
    store.rebuild().unwrap();
    assert_eq!(db.dump(), before, "the plan run, the window: folded again, the same");
    assert_eq!(duty::ops::change::changes(&*store).unwrap(), changes);
    assert_eq!(duty::ops::problem::problems(&*store).unwrap(), problems);
    assert!(store.verify().unwrap().first_bad.is_none());
}
