//! Inspections: bad templates, two operators on one run, declarations, and the report
//! of a finished run against a golden file (regenerate with UPDATE_GOLDEN=1).

mod common;

use chrono::{DateTime, TimeZone, Utc};
use common::{Fixture, stderr};
use duty::agenda;
use duty::domain::checklist::{ItemResult, RunCommand};
use duty::i18n::Lang;
use duty::store::{RunRequest, SqliteStore, Store};

fn bad_template(text: &str, expected: &[&str]) {
    let f = Fixture::new();
    std::fs::write(f.site.join("checklists/broken.toml"), text).unwrap();
    let out = f.run("alice", &["config", "check"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    for e in expected {
        assert!(stderr(&out).contains(e), "expected {e:?} in:\n{}", stderr(&out));
    }
}

#[test]
fn bad_templates_are_named_with_their_position() {
    bad_template(
        "name = \"x\"\ndays = \"workdays\"\ntimes = [\"8:3O\"]\n\n[[items]]\nid = \"a\"\ntitle = \"A\"\ncheck = \"central-db/listener\"\n",
        &[
            "broken.toml:3:10: bad time \"8:3O\" (expected HH:MM such as 08:30)",
            "broken.toml:8:9: unknown check \"central-db/listener\"",
        ],
    );
    bad_template(
        "name = \"empty\"\ndays = \"daily\"\ntimes = [\"09:00\"]\n",
        &["broken.toml:1:8: the template has no items"],
    );
    bad_template(
        "name = \"数据交换检查\"\ndays = \"fortnightly\"\ntimes = [\"09:00\"]\n\n[[items]]\nid = \"a\"\ntitle = \"A\"\n\n[[items]]\nid = \"a\"\ntitle = \"B\"\n",
        &["broken.toml:2:8: bad days \"fortnightly\"", "broken.toml:10:6: duplicate item \"a\""],
    );
    bad_template(
        "name = \"数据交换检查\"\ndays = \"daily\"\ntimes = [\"09:00\"]\n\n[[items]]\nid = \"a\"\ntitle = \"A\"\n",
        &["duplicate template name \"数据交换检查\""],
    );
}

#[test]
fn two_operators_on_one_run_lose_nothing_and_conflicts_are_refused() {
    let f = Fixture::new();
    f.exchange_every_day();
    let run = f.ok("alice", &["checklist", "start", "exchange"]).trim().to_string();
    let again = f.run("bob", &["checklist", "start", "exchange", "--run", &run]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("already started by alice"), "{}", stderr(&again));

    // Alice and Bob mark different items at the same moment: both land.
    let children: Vec<_> =
        [("alice", "nodes"), ("bob", "history"), ("alice", "channel"), ("bob", "frontend")]
            .into_iter()
            .map(|(who, item)| {
                f.cmd(who)
                    .args(["checklist", "item", &run, item, "--result", "normal"])
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    }
    // The same item twice: the second is refused, naming the first.
    let twice = f.run("bob", &["checklist", "item", &run, "nodes", "--result", "warning", "--note", "x"]);
    assert_eq!(twice.status.code(), Some(1));
    assert!(stderr(&twice).contains("item \"nodes\" was already marked by alice"), "{}", stderr(&twice));
    let store = SqliteStore::open(&f.store).unwrap();
    let state = store.run(&run).unwrap().unwrap();
    assert_eq!(state.marks.len(), 4);
    assert_eq!((state.marks["history"].by.as_str(), state.marks["nodes"].by.as_str()), ("bob", "alice"));
    // A command carrying an older version is refused with who changed it.
    let mut store = store;
    let stale = store.execute_run(RunRequest {
        run: run.clone(),
        command: RunCommand::Sign,
        actor: &duty::domain::Operator {
            id: "bob".into(),
            name: "Bob".into(),
            role: duty::domain::Role::Operator,
        },
        origin: "test".into(),
        now: f.now(),
        expected_version: Some(2),
    });
    assert!(stale.unwrap_err().to_string().contains("changed"));
    f.ok("bob", &["checklist", "sign", &run]);
    let signed = f.run("alice", &["checklist", "item", &run, "nodes", "--result", "normal"]);
    assert!(stderr(&signed).contains("signed off by bob"), "{}", stderr(&signed));
}

#[test]
fn a_critical_item_pauses_the_run_until_a_lead_decides() {
    let f = Fixture::new();
    f.exchange_every_day();
    let run = f.ok("alice", &["checklist", "start", "exchange"]).trim().to_string();
    let warned =
        f.ok("alice", &["checklist", "item", &run, "nodes", "--result", "critical", "--note", "node 3 red"]);
    assert!(warned.contains("paused"), "{warned}");
    let blocked = f.run("alice", &["checklist", "item", &run, "history", "--result", "normal"]);
    assert!(stderr(&blocked).contains("a lead must decide"), "{}", stderr(&blocked));
    let not_lead = f.run("alice", &["checklist", "decide", &run, "--continue"]);
    assert!(stderr(&not_lead).contains("only a lead may decide"), "{}", stderr(&not_lead));
    let empty = f.run("alice", &["checklist", "item", &run, "history", "--result", "warning"]);
    assert_eq!(empty.status.code(), Some(1));
    f.ok("lead", &["checklist", "decide", &run, "--continue", "--note", "vendor on the way"]);
    f.ok(
        "alice",
        &["checklist", "transfer", &run, "nodes", "--note", "moved 12 files to the topic DB by hand"],
    );
    for item in ["history", "channel", "frontend"] {
        f.ok("alice", &["checklist", "item", &run, item, "--result", "normal"]);
    }
    let unsigned = f.run("alice", &["checklist", "sign", &run]);
    assert!(
        stderr(&unsigned).contains("record that the owner and the lead were told"),
        "{}",
        stderr(&unsigned)
    );
    f.ok("alice", &["checklist", "notify", &run, "nodes"]);
    f.ok("alice", &["checklist", "sign", &run]);
    let log: serde_json::Value = serde_json::from_str(&f.ok("alice", &["audit", "log", "--json"])).unwrap();
    let kinds: Vec<&str> = log.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    for kind in [
        "checklist.started",
        "checklist.lead_decided",
        "checklist.manual_transfer",
        "checklist.notified",
        "checklist.signed",
    ] {
        assert!(kinds.contains(&kind), "{kind} missing from {kinds:?}");
    }
    let before = f.dump();
    f.ok("alice", &["store", "rebuild"]);
    assert_eq!(f.dump(), before, "runs rebuild from the log");
}

#[test]
fn an_inspection_that_cannot_be_done_is_declared_with_its_reason() {
    let f = Fixture::new();
    f.exchange_every_day();
    let list: serde_json::Value =
        serde_json::from_str(&f.ok("alice", &["checklist", "list", "--json"])).unwrap();
    let last = list.as_array().unwrap().last().unwrap()["run"].as_str().unwrap().to_string();
    let out = f
        .cmd("alice")
        .args(["checklist", "decline", &last, "--reason", "机房断电，无法登录控制台"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let list: serde_json::Value =
        serde_json::from_str(&f.ok("alice", &["checklist", "list", "--json"])).unwrap();
    assert_eq!(list.as_array().unwrap().last().unwrap()["state"], "declined");
    let empty = f.run("alice", &["checklist", "decline", &last, "--reason", " "]);
    assert_eq!(empty.status.code(), Some(1));
}

fn at(h: u32, m: u32) -> DateTime<Utc> {
    chrono_tz::Asia::Shanghai.with_ymd_and_hms(2026, 11, 20, h, m, 0).unwrap().with_timezone(&Utc)
}

#[test]
fn the_report_of_a_finished_run_matches_the_golden_file() {
    let f = Fixture::new();
    let site = duty::config::Site::load(&f.site).unwrap();
    let mut store = SqliteStore::open(&f.store).unwrap();
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(); // a Friday
    let slots = agenda::slots_of(&site, date, date);
    let (slot, _) = slots.iter().find(|(s, _)| s.template == "exchange").cloned().unwrap();
    assert_eq!(slot.due_at, at(8, 30));
    let template = site.checklist("exchange").unwrap();
    let op = |id: &str, lead: bool| duty::domain::Operator {
        id: id.into(),
        name: id.into(),
        role: if lead { duty::domain::Role::Lead } else { duty::domain::Role::Operator },
    };
    let steps: Vec<(RunCommand, duty::domain::Operator, DateTime<Utc>)> = vec![
        (template.start(&slot), op("alice", false), at(8, 31)),
        (
            RunCommand::Mark {
                item: "nodes".into(),
                result: ItemResult::Normal,
                note: String::new(),
                evidence: None,
                judged: None,
            },
            op("alice", false),
            at(8, 33),
        ),
        (
            RunCommand::Mark {
                item: "history".into(),
                result: ItemResult::Warning,
                note: "节点 3 两次显示红色".into(),
                evidence: None,
                judged: None,
            },
            op("alice", false),
            at(8, 36),
        ),
        (RunCommand::Notify { item: "history".into() }, op("alice", false), at(8, 37)),
        (
            RunCommand::Mark {
                item: "channel".into(),
                result: ItemResult::Critical,
                note: "MQ channel STOPPED".into(),
                evidence: None,
                judged: None,
            },
            op("bob", false),
            at(8, 40),
        ),
        (RunCommand::Notify { item: "channel".into() }, op("bob", false), at(8, 41)),
        (
            RunCommand::Transfer { item: "channel".into(), note: "12 files moved by hand".into() },
            op("bob", false),
            at(8, 50),
        ),
        (RunCommand::Decide { go_on: true, note: "vendor called".into() }, op("lead", true), at(8, 55)),
        (
            RunCommand::Mark {
                item: "frontend".into(),
                result: ItemResult::Normal,
                note: String::new(),
                evidence: Some("frontend-1/fte: √ normal".into()),
                judged: None,
            },
            op("bob", false),
            at(9, 5),
        ),
        (RunCommand::Sign, op("bob", false), at(9, 10)),
    ];
    for (command, actor, now) in steps {
        store
            .execute_run(RunRequest {
                run: slot.run.clone(),
                command,
                actor: &actor,
                origin: "test".into(),
                now,
                expected_version: None,
            })
            .unwrap();
    }
    let agenda = agenda::load(&store, &site, date, date, at(20, 0)).unwrap();
    let entry = agenda.iter().find(|a| a.slot.run == slot.run).unwrap();
    for (lang, name) in [(Lang::Zh, "zh"), (Lang::En, "en")] {
        let markdown =
            duty::report::inspection::markdown("巡检报告", &[entry.entry()], site.tz, lang, at(20, 0));
        let csv = duty::report::inspection::csv(&[entry.entry()], site.tz, lang);
        for (text, ext) in [(markdown, "md"), (csv, "csv")] {
            let path = format!("tests/golden/inspection_report_{name}.{ext}");
            if std::env::var_os("UPDATE_GOLDEN").is_some() {
                std::fs::write(&path, &text).unwrap();
            }
            let golden = std::fs::read_to_string(&path)
                .unwrap_or_else(|_| panic!("{path} (make it with UPDATE_GOLDEN=1)"));
            assert_eq!(text, golden, "{path}");
        }
    }
    // Every item is listed with its operator and time.
    let md = std::fs::read_to_string("tests/golden/inspection_report_en.md").unwrap();
    for (item, who, time) in [
        ("nodes", "alice", "08:33"),
        ("history", "alice", "08:36"),
        ("channel", "bob", "08:40"),
        ("frontend", "bob", "09:05"),
    ] {
        let line = md.lines().find(|l| l.starts_with(&format!("| {item} |"))).unwrap();
        assert!(line.contains(who) && line.contains(time), "{line}");
    }
}

#[test]
fn inspections_ring_when_not_started_not_finished_or_waiting_for_a_lead() {
    use duty::domain::alarm::AlarmLevel;
    use duty::domain::checklist::{Run, RunState, Slot};
    use duty::domain::sla::ClockName;
    let slot = Slot {
        run: "exchange@20261120T0830".into(),
        template: "exchange".into(),
        due_at: at(8, 30),
        deadline_at: at(9, 30),
    };
    let item = |state: RunState, run: Option<Run>| agenda::AgendaItem {
        slot: slot.clone(),
        name: "数据交换检查".into(),
        run,
        declined: None,
        state,
        handed_over: false,
    };
    let raised = |state, run, now| {
        let (alarms, next) = agenda::inspection_alarms(&item(state, run), now);
        (alarms.into_iter().map(|(k, _)| (k.clock, k.level)).collect::<Vec<_>>(), next)
    };
    assert_eq!(
        raised(RunState::Due, None, at(8, 40)),
        (vec![], Some(at(8, 45))),
        "15 minutes' grace to start"
    );
    assert_eq!(raised(RunState::Due, None, at(8, 46)).0, vec![(ClockName::Inspection, AlarmLevel::DueSoon)]);
    assert_eq!(
        raised(RunState::Overdue, None, at(9, 31)).0,
        vec![(ClockName::Inspection, AlarmLevel::Breached)]
    );
    assert_eq!(raised(RunState::Upcoming, None, at(8, 0)), (vec![], Some(at(8, 45))));
    let run = Run {
        id: slot.run.clone(),
        template: "exchange".into(),
        name: "数据交换检查".into(),
        due_at: slot.due_at,
        deadline_at: slot.deadline_at,
        items: vec![],
        started_by: "alice".into(),
        started_at: at(8, 31),
        marks: Default::default(),
        paused: Some(("channel".into(), at(8, 40))),
        decisions: vec![],
        transfers: vec![],
        signed: None,
        version: 3,
    };
    assert_eq!(
        raised(RunState::Paused, Some(run.clone()), at(9, 0)).1,
        Some(at(9, 30)),
        "the deadline comes first"
    );
    assert_eq!(
        raised(RunState::Paused, Some(run.clone()), at(9, 41)).0,
        vec![(ClockName::LeadDecision, AlarmLevel::Breached)]
    );
    let mut working = run;
    working.paused = None;
    assert_eq!(
        raised(RunState::InProgress, Some(working.clone()), at(9, 0)).0,
        vec![(ClockName::Inspection, AlarmLevel::DueSoon)],
        "30 minutes before the deadline"
    );
    assert_eq!(raised(RunState::InProgress, Some(working), at(8, 50)), (vec![], Some(at(9, 0))));
    // Never started by its deadline: missed (漏检), ringing until its shift has handed
    // over; after that it is on the record as missed and silent.
    assert_eq!(raised(RunState::Missed, None, at(9, 31)).0, vec![(ClockName::Missed, AlarmLevel::Breached)]);
    let handed_over = agenda::AgendaItem { handed_over: true, ..item(RunState::Missed, None) };
    assert!(agenda::inspection_alarms(&handed_over, at(20, 0)).0.is_empty());
}

/// Only a lead silences a missed inspection; an operator's acknowledgement is refused
/// with the way it stops.
#[test]
fn a_missed_inspection_is_acknowledged_by_a_lead_only() {
    use duty::domain::alarm::{AlarmCommand, AlarmKey, AlarmLevel, decide_alarm};
    use duty::domain::sla::ClockName;
    use duty::domain::{DomainError, IncidentId, Operator, Role};
    let key = |clock| AlarmKey {
        incident: IncidentId("exchange@20261120T0830".into()),
        clock,
        level: AlarmLevel::Breached,
    };
    let person = |role| Operator { id: "x".into(), name: "x".into(), role };
    let missed = AlarmCommand::Acknowledge(vec![key(ClockName::Missed)]);
    let refused = decide_alarm(&missed, &person(Role::Operator), at(10, 0)).unwrap_err();
    assert_eq!(refused, DomainError::LeadOnly { command: "missed" });
    let text = duty::i18n::domain_error(&refused, duty::i18n::Lang::En);
    assert!(text.contains("handed over"), "{text}");
    assert!(decide_alarm(&missed, &person(Role::Lead), at(10, 0)).is_ok());
    let overdue = AlarmCommand::Acknowledge(vec![key(ClockName::Inspection)]);
    assert!(decide_alarm(&overdue, &person(Role::Operator), at(10, 0)).is_ok(), "other alarms are anyone's");
}

/// An occurrence never started by its deadline is recorded as missed (漏检) once, by
/// whoever holds the engine's lease, however often it looks.
#[test]
fn a_missed_inspection_is_recorded_once() {
    let f = Fixture::new();
    f.exchange_every_day();
    let site = duty::config::Site::load(&f.site).unwrap();
    let mut store = SqliteStore::open(&f.store).unwrap();
    let engine = duty::engine::runner::engine_operator();
    // The record began the day before yesterday: yesterday's occurrence was someone's.
    let began = at(9, 0) - chrono::Duration::days(2);
    store.record_event("duty.entry", "shift:test", "{}".into(), &engine, "t", began).unwrap();
    let now = at(12, 0);
    assert_eq!(agenda::record_missed(&mut store, &site, &engine, "t", now).unwrap(), 1, "yesterday's");
    assert_eq!(agenda::record_missed(&mut store, &site, &engine, "t", now).unwrap(), 0, "once only");
    let missed: Vec<_> =
        store.events_after(0, 100).unwrap().into_iter().filter(|e| e.kind == agenda::MISSED_KIND).collect();
    assert_eq!(missed.len(), 1);
    assert!(missed[0].subject.starts_with("run:exchange@20261119"), "{}", missed[0].subject);
    // Today's is still due, not missed; the list says yesterday's was missed.
    let list = f.ok("alice", &["checklist", "list", "--json", "--date", "2026-11-19"]);
    assert!(list.contains("\"missed\""), "{list}");
}
