//! The duty log, the roster, the handover rules (signed twice, same person, off the
//! roster), incidents handed over, and the reports: golden files from a fixed history
//! and statistics checked against hand-counted values.

mod common;

use chrono::{DateTime, TimeZone, Utc};
use common::{Fixture, stderr};
use duty::config::Site;
use duty::domain::duty_log::Entry;
use duty::domain::handover::{Handover, HandoverCommand, HandoverRefusal, ItemAck, Side, Step};
use duty::domain::incident::{FaultReportForm, NewIncident};
use duty::domain::shift::{RosterChange, ShiftSlot};
use duty::domain::{
    DomainError, EventClass, FaultArea, IncidentCommand, IncidentId, Operator, PauseReason, Role, Severity,
    Source,
};
use duty::i18n::Lang;
use duty::ops::{Done, Request};
use duty::report::build::{Format, Sheets, Wanted, build};
use duty::store::{IncidentRequest, SqliteStore, Store, StoreError, Target};

fn at(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    chrono_tz::Asia::Shanghai.with_ymd_and_hms(2026, 11, day, hour, minute, 0).unwrap().with_timezone(&Utc)
}

fn op(id: &str) -> Operator {
    let role = if id == "lead" { Role::Lead } else { Role::Operator };
    Operator { id: id.into(), name: id.into(), role }
}

/// The fixture with alice on the day shift and bob on the night shift.
fn fixture() -> Fixture {
    let f = Fixture::new();
    let path = f.site.join("site.toml");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replacen("on_duty = [\"root\"]", "on_duty = [\"alice\"]", 1)
        .replacen("on_duty = [\"root\"]", "on_duty = [\"bob\"]", 1);
    std::fs::write(&path, text).unwrap();
    f
}

fn refusal(result: Result<Handover, StoreError>) -> HandoverRefusal {
    match result {
        Err(StoreError::Refused(DomainError::Handover(why))) => why,
        other => panic!("expected a handover refusal, got {other:?}"),
    }
}

fn ack(item: &str) -> ItemAck {
    ItemAck {
        item: item.into(),
        shown: format!("line {item}"),
        acknowledged: true,
        note: String::new(),
        pass: None,
        shown_in: Default::default(),
    }
}

fn slots(site: &Site, now: DateTime<Utc>) -> (ShiftSlot, ShiftSlot) {
    duty::duty::shifts_at(site, now).unwrap()
}

#[test]
fn a_handover_goes_in_order_and_is_signed_once_by_two_people_on_the_roster() {
    let f = fixture();
    let site = Site::load(&f.site).unwrap();
    let mut store = SqliteStore::open(&f.store).unwrap();
    let now = at(22, 19, 40);
    let (outgoing, incoming) = slots(&site, now);
    assert_eq!((outgoing.name.as_str(), incoming.name.as_str()), ("白班", "夜班"));
    let id = Handover::id_of(&outgoing);
    let command = |store: &mut SqliteStore, c: HandoverCommand, who: &str| {
        duty::duty::handover_command(store, &id, &c, &op(who), "test", now)
    };
    let sign = |store: &mut SqliteStore, side, who: &str| {
        duty::duty::sign(store, &site, &id, side, &op(who), "test", now)
    };

    assert_eq!(refusal(sign(&mut store, Side::Outgoing, "alice")), HandoverRefusal::NotStarted);
    let start = HandoverCommand::Start { outgoing: outgoing.clone(), incoming: incoming.clone() };
    command(&mut store, start.clone(), "alice").unwrap();
    assert!(
        matches!(refusal(command(&mut store, start, "bob")), HandoverRefusal::AlreadyStarted { by, .. } if by == "alice")
    );

    let step = |step, items: Vec<ItemAck>, note: &str| HandoverCommand::CompleteStep {
        step,
        items,
        note: note.into(),
    };
    assert_eq!(
        refusal(command(&mut store, step(Step::DueNext, vec![], ""), "alice")),
        HandoverRefusal::OutOfOrder { next: Some(Step::Incidents) }
    );
    let mut unseen = ack("GZ-20261122-001");
    unseen.acknowledged = false;
    assert_eq!(
        refusal(command(&mut store, step(Step::Incidents, vec![unseen.clone()], ""), "alice")),
        HandoverRefusal::Unseen { items: vec!["GZ-20261122-001".into()] }
    );
    unseen.note = "vendor comes at 21:00".into();
    command(&mut store, step(Step::Incidents, vec![unseen], ""), "alice").unwrap();
    for s in &Step::ALL[1..6] {
        assert_eq!(
            refusal(sign(&mut store, Side::Outgoing, "alice")),
            HandoverRefusal::StepsLeft { next: *s },
            "no signature before every step is done"
        );
        command(&mut store, step(*s, vec![ack("x")], ""), "bob").unwrap();
    }
    match command(&mut store, step(Step::Notes, vec![], " "), "alice") {
        Err(StoreError::Refused(DomainError::Empty { field: "note" })) => {}
        other => panic!("notes for the next shift are required: {other:?}"),
    }
    command(&mut store, step(Step::Notes, vec![], "UPS battery check at 02:00"), "alice").unwrap();

    // Signing more than half an hour before the shift change (20:00) needs a lead.
    let early = at(22, 19, 20);
    assert!(matches!(
        refusal(duty::duty::sign(&mut store, &site, &id, Side::Outgoing, &op("alice"), "test", early)),
        HandoverRefusal::TooEarly { .. }
    ));

    let before = f.dump();
    assert_eq!(refusal(sign(&mut store, Side::Incoming, "bob")), HandoverRefusal::OutgoingFirst);
    assert_eq!(
        refusal(sign(&mut store, Side::Outgoing, "bob")),
        HandoverRefusal::NotOnRoster { who: "bob".into(), shift: "白班".into() }
    );
    assert!(matches!(refusal(sign(&mut store, Side::Outgoing, "lead")), HandoverRefusal::NotOnRoster { .. }));
    assert_eq!(before, f.dump(), "refused signatures change nothing");

    sign(&mut store, Side::Outgoing, "alice").unwrap();
    assert!(matches!(
        refusal(sign(&mut store, Side::Outgoing, "alice")),
        HandoverRefusal::AlreadySigned { side: Side::Outgoing, by, .. } if by == "alice"
    ));
    assert!(matches!(
        refusal(command(&mut store, step(Step::Notes, vec![], "more"), "alice")),
        HandoverRefusal::Closed { .. }
    ));
    // alice is not on the night roster; once a lead puts her there, she still cannot
    // sign both sides.
    assert!(matches!(
        refusal(sign(&mut store, Side::Incoming, "alice")),
        HandoverRefusal::NotOnRoster { .. }
    ));
    let change = RosterChange {
        shift: "夜班".into(),
        date: incoming.date,
        operators: vec!["alice".into(), "bob".into()],
    };
    duty::duty::change_roster(&mut store, &site, &change, &op("lead"), "test", now).unwrap();
    assert_eq!(
        refusal(sign(&mut store, Side::Incoming, "alice")),
        HandoverRefusal::SamePerson { by: "alice".into() }
    );
    let done = sign(&mut store, Side::Incoming, "bob").unwrap();
    assert!(done.is_done());

    // The CLI refuses a second signature with a reason, exit 1, nothing written.
    let before = f.dump();
    let out = f.run("bob", &["handover", "sign", &id, "--side", "incoming"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("already signed: bob"), "{}", stderr(&out));
    assert_eq!(before, f.dump());

    // Both signatures are in the audit log, by their own logins, and the chain holds.
    let signed: Vec<(String, String)> =
        store.events_of("handover.signed", None).unwrap().into_iter().map(|e| (e.actor, e.payload)).collect();
    assert_eq!(
        signed,
        vec![
            ("alice".to_string(), r#"{"side":"outgoing"}"#.to_string()),
            ("bob".to_string(), r#"{"side":"incoming"}"#.to_string())
        ]
    );
    assert!(store.verify().unwrap().first_bad.is_none());
    assert!(f.ok("lead", &["handover", "list"]).contains("done"));
}

#[test]
fn the_roster_is_changed_by_leads_only_and_for_known_people() {
    let f = fixture();
    let site = Site::load(&f.site).unwrap();
    let mut store = SqliteStore::open(&f.store).unwrap();
    let now = at(22, 10, 0);
    let change = |who: &str| RosterChange {
        shift: "白班".into(),
        date: now.date_naive(),
        operators: vec![who.into()],
    };
    let refused = |r: Result<_, StoreError>| match r {
        Err(StoreError::Refused(e)) => e,
        other => panic!("expected a refusal: {other:?}"),
    };
    assert_eq!(
        refused(duty::duty::change_roster(&mut store, &site, &change("bob"), &op("alice"), "t", now)),
        DomainError::LeadOnly { command: "roster" }
    );
    assert_eq!(
        refused(duty::duty::change_roster(&mut store, &site, &change("mallory"), &op("lead"), "t", now)),
        DomainError::UnknownOperator { who: "mallory".into() }
    );
    let mut unknown_shift = change("bob");
    unknown_shift.shift = "中班".into();
    assert!(matches!(
        refused(duty::duty::change_roster(&mut store, &site, &unknown_shift, &op("lead"), "t", now)),
        DomainError::UnknownShift { .. }
    ));
    assert_eq!(store.head().unwrap(), 0, "nothing written");
    let (day, night) = slots(&site, now);
    duty::duty::change_roster(&mut store, &site, &change("bob"), &op("lead"), "t", now).unwrap();
    let changes = duty::duty::roster_changes(&store).unwrap();
    assert_eq!(duty::duty::on_duty(&site, &changes, &day), vec!["bob".to_string()]);
    assert_eq!(
        duty::duty::on_duty(&site, &changes, &night),
        vec!["bob".to_string()],
        "night is bob's by default"
    );
    // The CLI says the same, and refuses a non-lead.
    let out = f.run("alice", &["roster", "set", "--shift", "夜班", "--date", "2026-11-22", "alice"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("only a lead may change the roster"), "{}", stderr(&out));
}

#[test]
fn duty_log_entries_are_checked_and_kept_with_their_shift() {
    let f = fixture();
    let site = Site::load(&f.site).unwrap();
    let mut store = SqliteStore::open(&f.store).unwrap();
    let now = at(22, 21, 0);
    let bad = Entry::Environment { temperature: 235.0, humidity: 40.0, weather: "晴".into() };
    match duty::duty::log_entry(&mut store, &site, &bad, &op("bob"), "t", now) {
        Err(StoreError::Refused(DomainError::OutOfRange { field: "temperature", .. })) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(store.head().unwrap(), 0);
    let entries = [
        Entry::Environment { temperature: 23.5, humidity: 45.0, weather: "多云".into() },
        Entry::Power {
            normal: false,
            from: chrono::NaiveTime::from_hms_opt(20, 10, 0),
            to: chrono::NaiveTime::from_hms_opt(20, 12, 0),
            note: "UPS 接管".into(),
        },
        Entry::Visitor {
            who: "空调厂商 王工".into(),
            why: "精密空调保养".into(),
            from: chrono::NaiveTime::from_hms_opt(20, 30, 0).unwrap(),
            to: None,
            escort: "bob".into(),
        },
    ];
    for entry in &entries {
        duty::duty::log_entry(&mut store, &site, entry, &op("bob"), "t", now).unwrap();
    }
    let (night, _) = slots(&site, now);
    let logged = duty::duty::entries(&store, &night).unwrap();
    assert_eq!(logged.iter().map(|l| l.entry.clone()).collect::<Vec<_>>(), entries.to_vec());
    assert!(logged.iter().all(|l| l.by == "bob"));
    let (day, _) = slots(&site, at(22, 10, 0));
    assert!(duty::duty::entries(&store, &day).unwrap().is_empty(), "the day shift's log is its own");

    // The visitor's departure is completed later, by a correction of its own: never
    // before they came, only once, and only where there is something to complete.
    use duty::domain::duty_log::{Completed, Completion};
    let visitor = logged[2].seq;
    let hm = |h, m| chrono::NaiveTime::from_hms_opt(h, m, 0).unwrap();
    let complete = |store: &mut SqliteStore, entry, completion| {
        let completed = Completed { entry, completion, reason: "门禁记录核对".into() };
        duty::duty::complete_entry(store, &completed, &op("alice"), "t", at(23, 1, 0))
    };
    let head = store.head().unwrap();
    match complete(&mut store, visitor, Completion::Departure { to: hm(20, 0) }) {
        Err(StoreError::Refused(DomainError::EndBeforeStart { .. })) => {}
        other => panic!("{other:?}"),
    }
    match complete(&mut store, logged[0].seq, Completion::Outcome { outcome: "x".into() }) {
        Err(StoreError::Refused(DomainError::NotCompletable { kind: "environment" })) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(store.head().unwrap(), head, "refusals write nothing");
    complete(&mut store, visitor, Completion::Departure { to: hm(21, 40) }).unwrap();
    let after = duty::duty::entries(&store, &night).unwrap();
    let Entry::Visitor { to, .. } = &after[2].entry else { panic!("the visitor") };
    assert_eq!(*to, Some(hm(21, 40)));
    assert_eq!(after[2].completed.as_ref().map(|(by, _)| by.as_str()), Some("alice"));
    match complete(&mut store, visitor, Completion::Departure { to: hm(22, 0) }) {
        Err(StoreError::Refused(DomainError::AlreadyComplete)) => {}
        other => panic!("{other:?}"),
    }
    // The entry as written stays in the record; the completion is an event beside it.
    let kinds: Vec<String> = store.events_after(0, 100).unwrap().into_iter().map(|e| e.kind).collect();
    assert_eq!(kinds.iter().filter(|k| *k == "duty.entry").count(), 3);
    assert_eq!(kinds.iter().filter(|k| *k == "duty.completed").count(), 1);
}

#[test]
fn an_incident_is_handed_over_by_its_owner_or_a_lead() {
    let f = fixture();
    let id = f.open("2026-11-21T10:00:00+08:00");
    f.ok("alice", &["incident", "ack", &id]);
    let out = f.run("bob", &["incident", "handover", &id, "--to", "bob"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("alice owns this incident"), "{}", stderr(&out));
    let out = f.run("alice", &["incident", "handover", &id, "--to", "mallory"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("not one of the site's operators"), "{}", stderr(&out));
    let out = f.run("alice", &["incident", "handover", &id, "--to", "alice"]);
    assert!(stderr(&out).contains("already owns"), "{}", stderr(&out));
    f.ok("alice", &["incident", "handover", &id, "--to", "bob", "--note", "交接班移交"]);
    assert_eq!(f.show_json(&id)["owner"], "bob");
    f.ok("lead", &["incident", "handover", &id, "--to", "alice"]);
    assert_eq!(f.show_json(&id)["owner"], "alice");
}

/// A week of history (Mon 16 – Sun 22 November 2026) with clocks met, met late and
/// breached, inspections on time, late, declined and missed, a duty log and a handover.
fn history(f: &Fixture) -> (Site, SqliteStore) {
    for other in ["daily", "weekly-devices", "arrival", "departure"] {
        std::fs::remove_file(f.site.join(format!("checklists/{other}.toml"))).unwrap();
    }
    let site = Site::load(&f.site).unwrap();
    let mut store = SqliteStore::open(&f.store).unwrap();
    let mut run = |target: Target, command: IncidentCommand, who: &str, when: DateTime<Utc>| {
        let actor = op(who);
        store
            .execute(IncidentRequest {
                target,
                command,
                actor: &actor,
                origin: "test".into(),
                occurred_at: when,
                now: when,
                expected_version: None,
                claim: None,
            })
            .unwrap()
            .incident
            .id
    };
    let mut open = |title: &str, severity, class, area, when: DateTime<Utc>| {
        let new = NewIncident {
            title: title.into(),
            description: format!("{title}（描述）"),
            severity,
            class,
            area,
            hosts: vec!["central-db".into()],
            source: Source::Operator,
            reported_at: when,
            onsite_required: false,
            source_ref: None,
        };
        let day_key = when.with_timezone(&chrono_tz::Asia::Shanghai).format("%Y%m%d").to_string();
        run(Target::New { prefix: "GZ".into(), day_key }, IncidentCommand::Open(new), "alice", when)
    };
    let e = open("上周的事件", Severity::Ordinary, EventClass::Fault, FaultArea::System, at(15, 10, 0));
    let a = open("业务系统响应慢", Severity::Ordinary, EventClass::Fault, FaultArea::System, at(16, 9, 0));
    let b =
        open("中心数据库监听中断", Severity::Serious, EventClass::Fault, FaultArea::Database, at(17, 10, 0));
    let c = open(
        "核心交换机端口故障",
        Severity::Critical,
        EventClass::Fault,
        FaultArea::NetworkDevice,
        at(19, 8, 0),
    );
    let _d = open(
        "门户网站疑似被篡改",
        Severity::Ordinary,
        EventClass::Attack,
        FaultArea::OtherApplication,
        at(21, 22, 0),
    );
    let mut on = |id: &IncidentId, command, who: &str, when| {
        run(Target::Existing(id.clone()), command, who, when);
    };
    let resolve = || IncidentCommand::Resolve { cause: "原因".into(), solution: "处理".into() };
    let report = || {
        IncidentCommand::FileReport(FaultReportForm {
            description: "故障经过".into(),
            cause: None,
            process: "排查过程".into(),
            solution: None,
            measures: "预防措施".into(),
            area: None,
        })
    };
    on(&e, IncidentCommand::Acknowledge, "alice", at(15, 10, 5));
    on(&a, IncidentCommand::Acknowledge, "alice", at(16, 9, 10));
    on(&a, resolve(), "alice", at(16, 11, 0));
    on(&a, report(), "alice", at(16, 15, 0));
    on(&a, IncidentCommand::Close { note: "审核通过".into() }, "lead", at(16, 16, 0));
    on(&b, IncidentCommand::Acknowledge, "bob", at(17, 10, 45));
    on(&b, IncidentCommand::Pause { reason: PauseReason::Vendor }, "bob", at(17, 11, 0));
    on(
        &b,
        IncidentCommand::Escalate { vendor: "数据库厂商".into(), note: String::new() },
        "bob",
        at(17, 11, 5),
    );
    on(&b, IncidentCommand::Resume, "bob", at(17, 13, 0));
    on(&b, resolve(), "bob", at(17, 21, 0));
    on(&b, report(), "bob", at(18, 23, 0));
    on(&c, IncidentCommand::Acknowledge, "alice", at(19, 8, 20));
    on(&c, resolve(), "alice", at(20, 10, 0));

    // The exchange check: Monday morning on time, Monday evening late, Tuesday morning
    // declined, the rest missed.
    let template = site.checklist("exchange").unwrap().clone();
    let monday = chrono::NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
    let slots = duty::domain::checklist::slots(&template, &site.calendar, site.tz, monday, monday);
    for (slot, signed_at) in slots.iter().zip([at(16, 9, 0), at(16, 19, 0)]) {
        let mut commands = vec![template.start(slot)];
        for item in &template.items {
            commands.push(duty::domain::checklist::RunCommand::Mark {
                item: item.id.clone(),
                result: duty::domain::checklist::ItemResult::Normal,
                note: String::new(),
                evidence: None,
                judged: None,
            });
        }
        commands.push(duty::domain::checklist::RunCommand::Sign);
        for command in commands {
            store
                .execute_run(duty::store::RunRequest {
                    run: slot.run.clone(),
                    command,
                    actor: &op("alice"),
                    origin: "test".into(),
                    now: signed_at,
                    expected_version: None,
                })
                .unwrap();
        }
    }
    let tuesday = monday.succ_opt().unwrap();
    let declined = &duty::domain::checklist::slots(&template, &site.calendar, site.tz, tuesday, tuesday)[0];
    store.decline_run(declined, "交换平台升级停机", &op("lead"), "test", at(16, 17, 0)).unwrap();
    regime(&site, &mut store, &[a, b, c]);
    (site, store)
}

/// One request through the operations layer, as `who` at `when`.
fn perform(store: &mut SqliteStore, site: &Site, who: &str, when: DateTime<Utc>, request: Request) -> Done {
    let mut seat = duty::ops::Seat::new(who, "test".into(), Lang::En, Some(op(who)));
    let clock = duty::clock::Clock::starting_at(when);
    duty::ops::Ops { store, site, clock }.perform(&mut seat, request).unwrap()
}

/// The rest of November's record: the requesters' word on A, B and C, two problems
/// (one closed), and four changes (two normal ones in November, one rolled back; an
/// emergency one written up late; one planned for December).
fn regime(site: &Site, store: &mut SqliteStore, [a, b, c]: &[IncidentId; 3]) {
    use duty::domain::change::{ChangeCommand, ChangeKind, ChangeRequest, ChangeResult, Risk};
    use duty::domain::confirmation::{Confirmation, ConfirmedHow, Rating};
    use duty::domain::problem::ProblemCommand;
    let confirm = |by: &str, rating, note: &str| {
        IncidentCommand::Confirm(Confirmation {
            by: by.into(),
            how: ConfirmedHow::Phone,
            rating: Some(rating),
            note: note.into(),
        })
    };
    for (id, command, when) in [
        (a, confirm("张科长", Rating::Satisfied, ""), at(16, 17, 0)),
        (b, confirm("李处长", Rating::Dissatisfied, "恢复太慢"), at(18, 9, 0)),
        (c, confirm("王主任", Rating::Basic, ""), at(20, 11, 0)),
    ] {
        let request = Request::Incident {
            target: duty::ops::IncidentTarget::Existing(id.clone()),
            command,
            expected_version: None,
            claimed_at: None,
            backdate_reason: None,
        };
        perform(store, site, "alice", when, request);
    }
    let mut change = |who: &str, when, id: Option<&str>, command| {
        let request = Request::Change { id: id.map(str::to_string), command };
        match perform(store, site, who, when, request) {
            Done::Change(change) => change.id,
            other => panic!("{other:?}"),
        }
    };
    let ask = |kind, what: &str, from: DateTime<Utc>, hours: i64| {
        ChangeCommand::Request(ChangeRequest {
            kind,
            what: what.into(),
            why: "计划维护".into(),
            hosts: vec!["central-db".into()],
            risk: Risk::Low,
            rollback: "按回退步骤恢复".into(),
            from,
            until: from + chrono::Duration::hours(hours),
        })
    };
    let approve = || ChangeCommand::Approve { oral_by: None };
    let finish = |result, note: &str| ChangeCommand::Finish { result, note: note.into() };
    let first = change("alice", at(18, 10, 0), None, ask(ChangeKind::Normal, "数据库补丁", at(18, 22, 0), 1));
    change("lead", at(18, 11, 0), Some(&first), approve());
    change("alice", at(18, 22, 0), Some(&first), ChangeCommand::Start);
    change("alice", at(18, 22, 50), Some(&first), finish(ChangeResult::Succeeded, ""));
    let second =
        change("bob", at(20, 10, 0), None, ask(ChangeKind::Normal, "交换机固件升级", at(20, 22, 0), 2));
    change("lead", at(20, 11, 0), Some(&second), approve());
    change("bob", at(20, 22, 0), Some(&second), ChangeCommand::Start);
    change("bob", at(20, 23, 30), Some(&second), finish(ChangeResult::RolledBack, "升级后端口闪断，已回退"));
    let third =
        change("bob", at(21, 3, 0), None, ask(ChangeKind::Emergency, "更换故障电源模块", at(21, 3, 0), 1));
    change("bob", at(21, 3, 5), Some(&third), ChangeCommand::Approve { oral_by: Some("王主任".into()) });
    change("bob", at(21, 3, 10), Some(&third), ChangeCommand::Start);
    change("bob", at(21, 3, 50), Some(&third), finish(ChangeResult::Succeeded, ""));
    // Written up 30 hours after the approval: six hours past the limit.
    change(
        "bob",
        at(22, 9, 5),
        Some(&third),
        ChangeCommand::Document { text: "补记：王主任电话批准".into() },
    );
    let december =
        chrono_tz::Asia::Shanghai.with_ymd_and_hms(2026, 12, 2, 22, 0, 0).unwrap().with_timezone(&Utc);
    change("alice", at(22, 10, 0), None, ask(ChangeKind::Normal, "存储扩容", december, 3));
    let mut problem = |who: &str, when, id: Option<&str>, command| {
        perform(store, site, who, when, Request::Problem { id: id.map(str::to_string), command });
    };
    let open = |title: &str, incidents: Vec<IncidentId>| ProblemCommand::Open {
        title: title.into(),
        incidents,
        cause: String::new(),
        workaround: "临时重启".into(),
        owner: String::new(),
    };
    problem("bob", at(18, 9, 30), None, open("数据库监听反复中断", vec![b.clone(), a.clone()]));
    let known =
        ProblemCommand::KnownError { cause: "监听日志写满".into(), workaround: "定期清理".into() };
    problem("bob", at(19, 9, 0), Some("PRB-1"), known);
    problem("alice", at(20, 12, 0), None, open("交换机端口闪断", vec![c.clone()]));
    problem("alice", at(21, 9, 0), Some("PRB-2"), ProblemCommand::Resolve { solution: "更换光模块".into() });
    problem("lead", at(21, 10, 0), Some("PRB-2"), ProblemCommand::Close);
}

#[test]
fn the_monthly_report_counts_problems_changes_and_the_requesters_word_as_by_hand() {
    let f = fixture();
    let (site, store) = history(&f);
    let now = at(22, 12, 0);
    let incidents = duty::report::service::incidents_from_events(&store.events(None).unwrap()).unwrap();
    let records = duty::report::service::Records::load(&store).unwrap();
    let first = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let last = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let agenda = duty::agenda::load(&store, &site, first, last, now).unwrap();
    let m = duty::report::service::compute(&incidents, &agenda, &records, &site, first, last, now);
    // Changes: two normal and one emergency in November (the December one is not);
    // the first and the emergency one succeeded, the second was rolled back: 2 of 3.
    let c = &m.changes;
    assert_eq!((c.normal, c.emergency), (2, 1));
    assert_eq!((c.succeeded, c.failed, c.rolled_back, c.open, c.rejected), (2, 0, 1, 0, 0));
    assert_eq!(c.success_percent().map(|p| format!("{p:.1}")), Some("66.7".into()));
    assert_eq!(c.late_records, 1, "written up 30 h after its oral approval, the limit 24 h");
    // Problems: PRB-1 (a known error behind B and A, opened 11-18 09:30, four days old at
    // 11-22 12:00) is open; PRB-2 was closed on the 21st.
    assert_eq!(m.problems.len(), 1);
    let p = &m.problems[0];
    assert_eq!(
        (p.id.as_str(), p.state, p.age_days, p.incidents),
        ("PRB-1", duty::domain::problem::ProblemState::KnownError, 4, 2)
    );
    assert_eq!(m.problems_closed, 1);
    // The requesters' word: A satisfied, C basically, B dissatisfied: 2 of 3 rated, 66.7%
    // against the 90 % target; E is not resolved and D not either (nothing awaited).
    let s = &m.satisfaction;
    assert_eq!((s.satisfied, s.basic, s.dissatisfied, s.auto, s.waiting), (1, 1, 1, 0, 0));
    assert_eq!(s.rate().map(|r| format!("{r:.1}")), Some("66.7".into()));
    assert_eq!(s.meets_target(), Some(false));
    // Timely: A met every clock; B responded late; C breached its report clock, E and D
    // their response or resolution: 1 timely, 4 not, none undecided.
    assert_eq!((m.timely, m.untimely, m.undecided), (1, 4, 0));
    let md = duty::report::service::markdown(&m, "Monthly service report", &site, Lang::En);
    assert!(md.contains("| PRB-1 | known error | 4 | 2 | 数据库监听反复中断 |"), "{md}");
    assert!(md.contains("| 2 | 1 | 2 | 0 | 1 | 0 | 0 | 66.7% | 1 |"), "{md}");
}

#[test]
fn service_statistics_match_the_hand_count() {
    let f = fixture();
    let (site, store) = history(&f);
    let monday = chrono::NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
    let sunday = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let now = at(22, 12, 0);
    let incidents = duty::report::service::incidents_from_events(&store.events(None).unwrap()).unwrap();
    let records = duty::report::service::Records::load(&store).unwrap();
    let agenda = duty::agenda::load(&store, &site, monday, sunday, now).unwrap();
    let s = duty::report::service::compute(&incidents, &agenda, &records, &site, monday, sunday, now);
    let min = chrono::Duration::minutes;
    let hours = chrono::Duration::hours;
    assert_eq!(s.incidents, 4, "the incident of the week before is not counted");
    assert_eq!(s.by_class, vec![(EventClass::Fault, 3), (EventClass::Attack, 1), (EventClass::Disaster, 0)]);
    assert!(s.by_area.iter().all(|(_, n)| *n == 1));
    assert_eq!(s.by_severity, vec![(Severity::Ordinary, 2), (Severity::Serious, 1), (Severity::Critical, 1)]);
    // Responses 10, 45 and 20 minutes; D never answered.
    assert_eq!((s.response.count, s.response.median, s.response.p90), (3, Some(min(20)), Some(min(45))));
    // Resolutions 2 h, 11 h less a 2 h pause = 9 h, and 26 h.
    assert_eq!(
        (s.resolution.count, s.resolution.median, s.resolution.p90),
        (3, Some(hours(9)), Some(hours(26)))
    );
    let tally = |name| {
        let t = s.clocks.iter().find(|t| t.name == name).unwrap();
        (t.met, t.met_late, t.breached, t.open)
    };
    use duty::domain::sla::ClockName;
    assert_eq!(tally(ClockName::Response), (2, 1, 1, 0));
    assert_eq!(tally(ClockName::Resolution), (2, 1, 1, 0));
    // A on time, B 26 h after resolving (late), C not filed and past due, D not resolved.
    assert_eq!(tally(ClockName::Report), (1, 1, 1, 1));
    assert_eq!((s.resolved, s.first_line), (3, 2), "B went to the vendor");
    assert_eq!(duty::report::service::percent(s.first_line, s.resolved), "66.7%");
    // Late responses in the contract year: B (late) and D (breached) = one breach.
    assert_eq!((s.contract.late_responses, s.contract.breaches, s.contract.penalty_percent), (2, 1, 5));
    let i = &s.inspections;
    assert_eq!((i.scheduled, i.on_time, i.late, i.declined, i.missed, i.open), (10, 1, 1, 1, 7, 0));
    assert_eq!(s.per_day.iter().map(|(_, n)| *n).collect::<Vec<_>>(), vec![1, 1, 0, 1, 0, 1, 0]);
}

/// Every printed form of the fixed history: the fault report of B, the handover, the
/// week's and the month's service reports, and the inspection sheets of Monday and of its week.
fn printed_forms(fault: &IncidentId, handover: &str) -> Vec<(Wanted, &'static str)> {
    let monday = chrono::NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
    vec![
        (Wanted::Fault(fault.clone()), "fault"),
        (Wanted::Handover(Some(handover.to_string())), "handover"),
        (Wanted::Week(monday), "week"),
        (Wanted::Month(monday), "month"),
        (Wanted::Inspection(Sheets::Day(monday)), "inspection_day"),
        (Wanted::Inspection(Sheets::Week(monday)), "inspection_week"),
    ]
}

/// The text with each hash (64 hex digits, as the chain head under a record) made a
/// placeholder: the events' own ids make the chain's hashes new in every fixture.
fn without_hashes(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(|c: char| c.is_ascii_hexdigit()) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let run = rest.find(|c: char| !c.is_ascii_hexdigit()).unwrap_or(rest.len());
        out.push_str(if run == 64 { "<hash>" } else { &rest[..run] });
        rest = &rest[run..];
    }
    out + rest
}

fn golden(name: &str, text: &str) {
    let path = format!("tests/golden/{name}");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, text).unwrap();
    }
    let expected =
        std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{path} (make it with UPDATE_GOLDEN=1)"));
    assert_eq!(text, expected, "{path}");
}

#[test]
fn reports_match_their_golden_files() {
    let f = fixture();
    let (site, mut store) = history(&f);
    let now = at(22, 12, 0);
    // A duty log and a handover at the end of Saturday's night shift.
    let night_end = at(22, 7, 50);
    let (night, day) = slots(&site, night_end);
    duty::duty::log_entry(
        &mut store,
        &site,
        &Entry::Environment { temperature: 22.0, humidity: 48.0, weather: "阴".into() },
        &op("bob"),
        "t",
        at(21, 22, 30),
    )
    .unwrap();
    duty::duty::log_entry(
        &mut store,
        &site,
        &Entry::Note { text: "D 已报安全小组".into() },
        &op("bob"),
        "t",
        at(21, 22, 40),
    )
    .unwrap();
    let id = Handover::id_of(&night);
    let cmd = |store: &mut SqliteStore, c: HandoverCommand, who: &str, when| {
        duty::duty::handover_command(store, &id, &c, &op(who), "t", when).unwrap()
    };
    cmd(
        &mut store,
        HandoverCommand::Start { outgoing: night.clone(), incoming: day.clone() },
        "bob",
        night_end,
    );
    let all_incidents = store.incidents(true).unwrap();
    let incidents: Vec<&duty::domain::Incident> = all_incidents.iter().collect();
    let agenda = duty::agenda::load(&store, &site, night.date, day.date, night_end).unwrap();
    let log = duty::duty::entries(&store, &night).unwrap();
    let maintenance = store.maintenance_windows().unwrap();
    let changes = duty::ops::change::changes(&store).unwrap();
    let inputs = duty::duty::walkthrough::Inputs {
        outgoing: &night,
        incoming: &day,
        incidents: &incidents,
        policy: &site.policy,
        agenda: &agenda,
        checks: &[],
        sources: &[],
        maintenance: &maintenance,
        changes: &changes,
        ssh_runs: &[],
        duty_log: &log,
        tz: site.tz,
        lang: Lang::Zh,
        now: night_end,
    };
    for (n, step) in Step::ALL.iter().enumerate() {
        let items: Vec<ItemAck> = duty::duty::walkthrough::items(*step, &inputs)
            .into_iter()
            .map(|item| ItemAck {
                note: if item.id == "GZ-20261121-001" {
                    "厂商今天 10:00 到场".into()
                } else {
                    String::new()
                },
                acknowledged: true,
                pass: None,
                shown_in: Default::default(),
                item: item.id,
                shown: item.text,
            })
            .collect();
        let note = if *step == Step::Notes {
            "08:30 数据交换检查注意节点 3".to_string()
        } else {
            String::new()
        };
        cmd(
            &mut store,
            HandoverCommand::CompleteStep { step: *step, items, note },
            "bob",
            night_end + chrono::Duration::minutes(n as i64),
        );
    }
    let listed = duty::duty::load_handover(&store, &id).unwrap().unwrap();
    assert_eq!(
        listed.step(Step::Incidents).unwrap().items.len(),
        4,
        "B, C, D and last week's E: every incident not closed"
    );
    // bob is on the night roster and alice on the day's (the fixture's defaults).
    duty::duty::sign(&mut store, &site, &id, Side::Outgoing, &op("bob"), "t", at(22, 8, 0)).unwrap();
    let h =
        duty::duty::sign(&mut store, &site, &id, Side::Incoming, &op("alice"), "t", at(22, 8, 2)).unwrap();
    let monday = chrono::NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
    let sunday = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let all = duty::report::service::incidents_from_events(&store.events(None).unwrap()).unwrap();
    let records = duty::report::service::Records::load(&store).unwrap();
    let week_agenda = duty::agenda::load(&store, &site, monday, sunday, now).unwrap();
    let week = duty::report::service::compute(&all, &week_agenda, &records, &site, monday, sunday, now);
    let first = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let last = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let month_agenda = duty::agenda::load(&store, &site, first, last, now).unwrap();
    let month = duty::report::service::compute(&all, &month_agenda, &records, &site, first, last, now);
    let b = all.iter().find(|i| i.title == "中心数据库监听中断").unwrap();
    let b_clocks = duty::domain::sla::clocks(b, &site.policy, now);
    for (lang, code) in [(Lang::Zh, "zh"), (Lang::En, "en")] {
        golden(
            &format!("handover_{code}.md"),
            &duty::report::handover::markdown(&h, &site.name, site.tz, lang),
        );
        golden(&format!("handover_{code}.csv"), &duty::report::handover::csv(&h, site.tz, lang));
        golden(
            &format!("fault_{code}.md"),
            &duty::report::fault::markdown(b, &b_clocks, &site.name, site.tz, lang),
        );
        golden(&format!("fault_{code}.csv"), &duty::report::fault::csv(b, &b_clocks, site.tz, lang));
        golden(
            &format!("week_{code}.md"),
            &duty::report::service::markdown(
                &week,
                lang.pick("服务周报", "Weekly service report"),
                &site,
                lang,
            ),
        );
        golden(&format!("week_{code}.csv"), &duty::report::service::csv(&week, lang));
        golden(
            &format!("month_{code}.md"),
            &duty::report::service::markdown(
                &month,
                lang.pick("服务月报", "Monthly service report"),
                &site,
                lang,
            ),
        );
        golden(&format!("month_{code}.csv"), &duty::report::service::csv(&month, lang));
    }
    // The printable pages, as `duty report … --format html` writes them.
    for (lang, code) in [(Lang::Zh, "zh"), (Lang::En, "en")] {
        for (wanted, name) in printed_forms(&b.id, &id) {
            let html = build(&store, &site, &wanted, Format::Html, lang, now).unwrap();
            golden(&format!("{name}_{code}.html"), &without_hashes(&html));
        }
    }
    // The fault report ticks one area and says resolved.
    let md = duty::report::fault::markdown(b, &b_clocks, &site.name, site.tz, Lang::Zh);
    assert!(md.contains("☐系统故障 ☑数据库系统故障 ☐网络设备故障 ☐其它应用软件系统故障"), "{md}");
    assert!(md.contains("☑已解决 ☐未解决"), "{md}");
    // The CLI writes the same reports, the handover record with the record's anchor
    // (chain head, last seal) under its signatures.
    let cli = f.ok("lead", &["report", "handover", &id, "--lang", "zh"]);
    let (record, anchor) = cli.split_once("\n## 记录锚点\n").expect("the anchor");
    assert_eq!(
        record.trim_end(),
        duty::report::handover::markdown(&h, &site.name, site.tz, Lang::Zh).trim_end()
    );
    assert!(anchor.contains("| 链头 | #") && anchor.contains("| 最近封印 | 未封印 |"), "{anchor}");
    let cli = f.ok("lead", &["report", "fault", &b.id.0, "--format", "csv"]);
    assert!(cli.starts_with("field,value\nDocument number,GZ-20261117-001\n"), "{cli}");
}

#[test]
fn the_console_reminds_of_the_handover_until_both_have_signed() {
    let f = fixture();
    let site = Site::load(&f.site).unwrap();
    let mut store = SqliteStore::open(&f.store).unwrap();
    let reminds =
        |store: &SqliteStore, now| duty::duty::view(store, &site, now).unwrap().unwrap().reminds(now);
    assert!(!reminds(&store, at(22, 14, 0)), "mid-shift: no reminder");
    assert!(reminds(&store, at(22, 19, 35)), "half an hour before the end");
    assert!(reminds(&store, at(22, 21, 0)), "after the end, still unsigned");
    assert!(reminds(&store, at(23, 1, 55)), "into the middle of the next shift");
    assert!(!reminds(&store, at(23, 2, 5)), "then the next handover is the nearest, not yet due");
    let view = duty::duty::view(&store, &site, at(22, 19, 35)).unwrap().unwrap();
    assert_eq!((view.outgoing.name.as_str(), view.incoming.name.as_str()), ("白班", "夜班"));
    let id = view.handover_id();
    let start = HandoverCommand::Start { outgoing: view.outgoing.clone(), incoming: view.incoming.clone() };
    duty::duty::handover_command(&mut store, &id, &start, &op("alice"), "t", at(22, 19, 35)).unwrap();
    for step in Step::ALL {
        let note = if step == Step::Notes { "none" } else { "" };
        let command = HandoverCommand::CompleteStep { step, items: vec![], note: note.into() };
        duty::duty::handover_command(&mut store, &id, &command, &op("alice"), "t", at(22, 19, 40)).unwrap();
    }
    duty::duty::sign(&mut store, &site, &id, Side::Outgoing, &op("alice"), "t", at(22, 19, 50)).unwrap();
    assert!(reminds(&store, at(22, 20, 5)), "one signature is not a handover");
    duty::duty::sign(&mut store, &site, &id, Side::Incoming, &op("bob"), "t", at(22, 20, 6)).unwrap();
    assert!(!reminds(&store, at(22, 20, 7)));
}
