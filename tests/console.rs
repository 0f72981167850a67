//! The console drawn into a test terminal: every screen and form, in Chinese and
//! English, at 80×24 and 200×50, from the demo centre at a fixed time. Narrow terminals
//! must still draw without a panic.

use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use duty::i18n::Lang;
use duty::store::{SqliteStore, Store};
use duty::tui::app::{App, Context};
use duty::tui::form::Name;
use duty::tui::keymap::Keymap;
use duty::tui::snapshot::Snapshot;
use duty::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn fixed_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 2, 0, 0).unwrap()
}

struct Demo {
    _dir: tempfile::TempDir,
    store: SqliteStore,
    site: duty::config::Site,
}

fn demo() -> Demo {
    let dir = tempfile::tempdir().unwrap();
    let store_path = dir.path().join("duty.db");
    let site = duty::demo::prepare(dir.path(), &store_path, "lead", fixed_now(), None).unwrap();
    let store = SqliteStore::open(&store_path).unwrap();
    Demo { _dir: dir, store, site }
}

fn app(demo: &Demo, lang: Lang) -> App {
    let ctx = Context {
        site: demo.site.clone(),
        lang,
        operator: demo.site.operator("lead").cloned(),
        keymap: Keymap::builtin("default").unwrap(),
        theme: Theme::builtin("dark").unwrap(),
        store_label: "duty.db".into(),
        bell_repeat: chrono::Duration::seconds(60),
        clock: duty::clock::Clock::starting_at(fixed_now()),
        login: "lead".into(),
        reports_dir: std::env::temp_dir().join("duty-console-test-reports"),
        left_out: None,
    };
    let data = Snapshot::load(&demo.store, &demo.site, fixed_now(), None).unwrap();
    App::new(ctx, data, fixed_now())
}

fn press(app: &mut App, keys: &str) {
    for c in keys.chars() {
        let code = match c {
            '→' => KeyCode::Right,
            '←' => KeyCode::Left,
            '\n' => KeyCode::Enter,
            '\t' => KeyCode::Tab,
            '\u{1b}' => KeyCode::Esc,
            c => KeyCode::Char(c),
        };
        app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
    }
}

/// Performs reloads the app asked for (opening detail loads the timeline).
fn settle(app: &mut App, demo: &Demo) {
    if app.effects.drain(..).any(|e| e == duty::tui::app::Effect::Reload) {
        let data = Snapshot::load(&demo.store, &demo.site, fixed_now(), app.queue.detail.as_ref()).unwrap();
        app.replace_data(data);
    }
}

fn render(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| duty::tui::ui::draw(frame, app)).unwrap();
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let symbol = buffer[(x, y)].symbol();
            skip = duty::text::width(symbol).saturating_sub(1);
            line.push_str(symbol);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Every screen: a name and the keys that lead to it from the queue.
const SCREENS: &[(&str, &str)] = &[
    ("queue", ""),
    ("detail", "jj\n"),
    ("overview", "1"),
    ("inspections", "3"),
    ("actions", "4"),
    ("duty_log", "5"),
    ("help", "?"),
    ("alarm_list", "L"),
    ("filter", "/sev:serious"),
    ("command_line", ":open GZ"),
    ("form_new_incident", "N"),
    ("form_new_incident_errors", "N\t\t\t\t\t\t\t\t\n"),
    ("form_note", "jj\nn"),
    ("form_escalate", "jj\ne"),
    ("form_call", "jj\nc"),
    ("form_pause", "jj\np"),
    ("form_resolve", "jj\nr"),
    ("form_report", "jj\nR"),
    ("form_close", "jj\nC"),
    ("form_problem", "jj\nP"),
    ("form_mute", "M"),
    // Today's daily sheet (the eighth line: yesterday's four overdue, this morning's
    // departure and arrival checks and exchange check above it).
    ("inspection_run", "3jjjjjjj\n"),
    ("inspection_run_item", "3jjjjjjj\njjj"),
    ("mark_item_while_paused", "3jjjjjjj\njjjm"),
    ("form_mark_item", "3jjjjjjjj\njm"),
    ("form_decide", "3jjjjjjj\nd"),
    ("form_transfer", "3jjjjjjj\nx"),
    ("form_decline", "3jjjjjjjjD"),
    ("form_incident_from_item", "3jjjjjjj\nI"),
    ("actions_catalog", "4jjjjjjj→jjjjjjj"),
    ("form_confirm_action", "4jjjjjjj→jjjjjjj\n"),
    ("form_environment", "5e"),
    ("form_power", "5p"),
    ("form_equipment", "5u"),
    ("form_visitor", "5v"),
    ("form_request", "5r"),
    ("form_duty_note", "5n"),
    ("form_roster", "5R"),
];

#[test]
fn every_screen_in_both_languages_at_two_sizes() {
    let demo = demo();
    for (lang, lang_name) in [(Lang::Zh, "zh"), (Lang::En, "en")] {
        for (width, height) in [(60, 20), (80, 24), (200, 50)] {
            for (screen, keys) in SCREENS {
                let mut app = app(&demo, lang);
                for chunk in keys.split_inclusive('\n') {
                    press(&mut app, chunk);
                    settle(&mut app, &demo);
                }
                let name = format!("{screen}_{lang_name}_{width}x{height}");
                insta::assert_snapshot!(name, render(&app, width, height));
            }
        }
    }
}

#[test]
fn narrow_and_tiny_terminals_draw_without_panic() {
    let demo = demo();
    for (screen, keys) in SCREENS {
        for (width, height) in [(60, 20), (40, 12), (20, 6), (1, 1)] {
            let mut app = app(&demo, Lang::Zh);
            press(&mut app, keys);
            settle(&mut app, &demo);
            let text = render(&app, width, height);
            assert_eq!(text.lines().count(), height as usize, "{screen} at {width}x{height}");
        }
    }
    // At 60 columns the queue still shows the id, the countdown and some title.
    let app = app(&demo, Lang::En);
    let queue = render(&app, 60, 20);
    assert!(queue.contains("GZ-20261121-") && queue.contains("▲ resp -0:15:00"), "{queue}");
}

#[test]
fn the_queue_puts_breached_first_and_only_builds_visible_rows() {
    let demo = demo();
    let app = app(&demo, Lang::En);
    let queue = render(&app, 200, 50);
    let first_row = queue.lines().find(|l| l.starts_with("│") && l.contains("GZ-")).unwrap();
    assert!(first_row.contains("▲ response -0:15:00") && first_row.contains("▶"), "{queue}");
    assert!(queue.contains("late response"), "the contract counter is visible");
}

#[test]
fn a_refused_form_keeps_what_was_typed_and_says_why() {
    let mut demo = demo();
    let mut app = app(&demo, Lang::En);
    press(&mut app, "jj\n");
    settle(&mut app, &demo);
    press(&mut app, "r");
    if let duty::tui::app::Mode::Form(form) = &mut app.mode {
        form.type_into(Name::Cause, "disk full");
        form.type_into(Name::Solution, "cleaned up");
    }
    app.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    let head = demo.store.head().unwrap();
    duty::tui::perform(&mut app, &mut demo.store, &mut |_| {}, &mut |_| {});
    assert_eq!(demo.store.head().unwrap(), head, "nothing written");
    let screen = render(&app, 120, 40);
    assert!(screen.contains("cannot resolve an incident that is open"), "{screen}");
    assert!(screen.contains("disk full") && screen.contains("cleaned up"), "{screen}");
    // Esc cancels without writing.
    press(&mut app, "\u{1b}");
    assert!(matches!(app.mode, duty::tui::app::Mode::Normal));
    assert_eq!(demo.store.head().unwrap(), head);
}

#[test]
fn hostile_titles_are_made_visible() {
    let mut demo = demo();
    let actor = demo.site.operator("lead").cloned().unwrap();
    let new = duty::domain::incident::NewIncident {
        title: "\x1b[2J\x1b]0;owned\x07boom".into(),
        description: String::new(),
        severity: duty::domain::Severity::Critical,
        class: duty::domain::EventClass::Fault,
        area: duty::domain::FaultArea::System,
        hosts: vec![],
        source: duty::domain::Source::Operator,
        reported_at: fixed_now(),
        onsite_required: false,
        source_ref: None,
    };
    demo.store
        .execute(duty::store::IncidentRequest {
            target: duty::store::Target::New { prefix: "GZ".into(), day_key: "20261121".into() },
            command: duty::domain::IncidentCommand::Open(new),
            actor: &actor,
            origin: "test".into(),
            occurred_at: fixed_now(),
            now: fixed_now(),
            expected_version: None,
            claim: None,
        })
        .unwrap();
    let app = app(&demo, Lang::En);
    let screen = render(&app, 200, 50);
    assert!(screen.contains("\\x1b[2J\\x1b]0;owned\\x07boom"), "{screen}");
    assert!(!screen.contains('\x1b') && !screen.contains('\x07'));
}

#[test]
fn alarms_ring_once_per_new_alarm_then_repeat_and_stop_when_acknowledged() {
    let mut demo = demo();
    let mut app = app(&demo, Lang::En);
    let rings = |app: &mut App| app.effects.drain(..).filter(|e| *e == duty::tui::app::Effect::Bell).count();
    app.tick(fixed_now());
    assert_eq!(rings(&mut app), 1, "new alarms ring at once");
    app.tick(fixed_now() + chrono::Duration::seconds(30));
    assert_eq!(rings(&mut app), 0, "not again within the repeat time");
    app.tick(fixed_now() + chrono::Duration::seconds(61));
    assert_eq!(rings(&mut app), 1, "repeats until acknowledged");
    // The alarm list (`L`) shows every alarm and acknowledges the one chosen: here the
    // second, leaving the first on the banner.
    let shown = app.alarms.len();
    assert!(shown > 1, "the demo has several alarms");
    let (first, second) = (app.alarms[0].clone(), app.alarms[1].clone());
    press(&mut app, "L");
    let list = render(&app, 120, 40);
    assert!(list.contains(&format!("Alarms not yet acknowledged ({shown})")), "{list}");
    assert!(
        list.contains(&format!("▶ {}", duty::tui::widgets::banner::alarm_line(&first, &app.env()).unwrap())),
        "{list}"
    );
    press(&mut app, "j!");
    duty::tui::perform(&mut app, &mut demo.store, &mut |_| {}, &mut |_| {});
    assert_eq!(app.alarms.len(), shown - 1);
    assert!(app.alarms.contains(&first) && !app.alarms.contains(&second), "the chosen one, only");
    app.on_key(KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE));
    assert!(matches!(app.mode, duty::tui::app::Mode::Normal), "any other key closes the list");
    // `!` acknowledges the alarm shown, one at a time: the next takes the banner.
    let shown = app.alarms.len();
    press(&mut app, "!");
    duty::tui::perform(&mut app, &mut demo.store, &mut |_| {}, &mut |_| {});
    assert_eq!(app.alarms.len(), shown - 1, "one alarm acknowledged, the one shown");
    assert!(!app.alarms.contains(&first));
    while !app.alarms.is_empty() {
        press(&mut app, "!");
        duty::tui::perform(&mut app, &mut demo.store, &mut |_| {}, &mut |_| {});
    }
    let events = demo.store.events(None).unwrap();
    let ack = events.last().unwrap();
    assert_eq!((ack.kind.as_str(), ack.actor.as_str()), ("alarm.acknowledged", "lead"));
    app.tick(fixed_now() + chrono::Duration::seconds(100));
    assert_eq!(rings(&mut app), 0, "acknowledged alarms are quiet");
    // The security clock (5 minutes, reported 3 minutes before) breaches at +120 s: a new
    // alarm, which rings again.
    app.tick(fixed_now() + chrono::Duration::seconds(125));
    assert_eq!(rings(&mut app), 1, "a clock that breaches after its due-soon alarm rings again");

    // A mute is for a chosen time, by someone, on the record; it silences the bell only.
    press(&mut app, "M");
    app.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    duty::tui::perform(&mut app, &mut demo.store, &mut |_| {}, &mut |_| {});
    let mute = demo.store.events(None).unwrap().pop().unwrap();
    assert_eq!((mute.kind.as_str(), mute.actor.as_str()), ("alarm.muted", "lead"));
    assert!(mute.payload.contains("\"minutes\":30"), "{}", mute.payload);
    let muted_at = mute.occurred_at;
    app.tick(muted_at + chrono::Duration::minutes(10));
    assert_eq!(rings(&mut app), 0, "muted");
    assert!(!app.alarms.is_empty(), "the banner stays while muted");
    app.tick(muted_at + chrono::Duration::minutes(31));
    assert_eq!(rings(&mut app), 1, "rings again when the mute ends");
}

#[test]
fn overview_board_with_live_checks_in_both_languages() {
    use duty::domain::check::{CheckResult, CheckStatus, Evidence, Reason};
    let services = duty::demo::DemoServices::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store_path = dir.path().join("duty.db");
    let site = duty::demo::prepare(dir.path(), &store_path, "lead", fixed_now(), Some(&services)).unwrap();
    drop(services);
    let mut store = SqliteStore::open(&store_path).unwrap();
    let engine = duty::engine::runner::engine_operator();
    let rule_of = |_: &CheckResult| duty::store::ProbeRule {
        severity: duty::domain::Severity::Serious,
        area: duty::domain::FaultArea::System,
    };
    let rules = duty::store::ProbeRules {
        open_after: 3,
        resolve_on_recovery: false,
        prefix: "GZ".into(),
        tz: site.tz,
        rule_of: &rule_of,
        actor: &engine,
        origin: "test".into(),
        lang: duty::i18n::Lang::En,
    };
    let at = |minutes: i64| fixed_now() - chrono::Duration::minutes(minutes);
    let result = |host: &str, check: &str, status, latency, reason: Option<Reason>, minutes| CheckResult {
        host: host.into(),
        check: check.into(),
        status,
        evidence: Evidence { latency_ms: latency, reason, ..Evidence::default() },
        at: at(minutes),
    };
    let mut results = Vec::new();
    for minute in (1..=6).rev() {
        results.push(result(
            "central-db",
            "listener",
            CheckStatus::Normal,
            Some(minute as u32),
            None,
            minute,
        ));
        results.push(result(
            "credit-web",
            "website",
            CheckStatus::Normal,
            Some(10 + minute as u32),
            None,
            minute,
        ));
        results.push(result(
            "topic-db",
            "product-service",
            CheckStatus::Critical,
            Some(1000),
            Some(Reason::Incomplete { ms: 1000 }),
            minute,
        ));
    }
    results.push(result("central-db", "ping", CheckStatus::Unknown, None, Some(Reason::NoIcmpPermission), 2));
    results.push(result(
        "business-mgmt",
        "backup-agent",
        CheckStatus::Critical,
        Some(0),
        Some(Reason::Refused { address: "127.0.10.5:9".into() }),
        1,
    ));
    store.record_checks(&results, &rules, fixed_now()).unwrap();
    let lead = site.operator("lead").cloned().unwrap();
    let window = duty::domain::maintenance::Window {
        id: String::new(),
        hosts: vec!["business-mgmt".into()],
        checks: vec![],
        from: at(30),
        until: fixed_now() + chrono::Duration::hours(2),
        reason: "更换备份磁带库".into(),
        by: String::new(),
    };
    store.schedule_maintenance(window, &lead, "test", fixed_now()).unwrap();
    let demo = Demo { _dir: dir, store, site };
    for (lang, lang_name) in [(Lang::Zh, "zh"), (Lang::En, "en")] {
        for (width, height) in [(60, 20), (80, 24), (200, 50)] {
            let mut app = app(&demo, lang);
            press(&mut app, "1");
            let board = render(&app, width, height);
            insta::assert_snapshot!(format!("overview_board_{lang_name}_{width}x{height}"), board);
            press(&mut app, "jjjj");
            let selected = render(&app, width, height);
            insta::assert_snapshot!(
                format!("overview_board_selected_{lang_name}_{width}x{height}"),
                selected
            );
        }
    }
}

#[test]
fn an_action_run_streams_per_host_and_hostile_output_is_made_visible() {
    use duty::tui::app::SshUpdate;
    let mut demo = demo();
    for (lang, lang_name) in [(Lang::Zh, "zh"), (Lang::En, "en")] {
        let mut app = app(&demo, lang);
        press(&mut app, "4");
        let cancel = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        app.start_action_run("mq-status", &["frontend-1".to_string(), "credit-collect".to_string()], cancel);
        let chunk = |host: &str, stderr: bool, text: &str| SshUpdate::Chunk {
            host: host.into(),
            stderr,
            bytes: text.as_bytes().to_vec(),
        };
        app.on_ssh(chunk("frontend-1", false, "QMNAME(QM_FTE)  STATUS(Running)\nCHANNEL(TO.CENTRE) STA"));
        app.on_ssh(chunk("frontend-1", false, "TUS(STOPPED)\n"));
        app.on_ssh(chunk("frontend-1", true, "AMQ9999E: \x1b]0;owned\x07\x1b[2Jchannel ended abnormally\n"));
        app.on_ssh(chunk("credit-collect", false, "QMNAME(QM_COLLECT) STATUS(Running)\n"));
        let record = |host: &str, ending: &str| duty::ssh::runner::RunRecord {
            host: host.into(),
            address: "127.0.0.1:22".into(),
            user: "duty".into(),
            action: "mq-status".into(),
            command: "timeout -k 5 20 sh -c 'dspmq'".into(),
            started_at: fixed_now(),
            ended_at: fixed_now() + chrono::Duration::milliseconds(420),
            ending: ending.into(),
            exit_status: Some(0),
            exit_signal: None,
            stdout_bytes: 0,
            stderr_bytes: 0,
            stdout_sha256: String::new(),
            stderr_sha256: String::new(),
            first_line: String::new(),
            last_line: String::new(),
            witness: None,
            second: None,
        };
        app.on_ssh(SshUpdate::Done { record: Box::new(record("frontend-1", "exit 0")), recorded: false });
        let screen = render(&app, 100, 30);
        assert!(
            screen.contains("CHANNEL(TO.CENTRE) STATUS(STOPPED)"),
            "a line split across chunks is joined: {screen}"
        );
        assert!(
            screen.contains("\\x1b]0;owned\\x07\\x1b[2Jchannel ended abnormally") && !screen.contains('\x1b'),
            "{screen}"
        );
        insta::assert_snapshot!(format!("actions_output_{lang_name}_100x30"), screen);
        // Attached to the incident under the cursor of the queue, as evidence.
        app.on_ssh(SshUpdate::Done { record: Box::new(record("credit-collect", "exit 0")), recorded: false });
        let incident = app.selected_row().unwrap().incident.id.clone();
        press(&mut app, "A");
        duty::tui::perform(&mut app, &mut demo.store, &mut |_| {}, &mut |_| {});
        let note = demo.store.timeline(&incident.0).unwrap().pop().unwrap();
        assert_eq!(note.kind, "incident.noted");
        assert!(
            note.payload.contains("SSH mq-status")
                && note.payload.contains("CHANNEL(TO.CENTRE) STATUS(STOPPED)"),
            "{}",
            note.payload
        );
    }
}

/// Performs what the app asked for against the demo store.
fn perform(app: &mut App, demo: &mut Demo) {
    duty::tui::perform(app, &mut demo.store, &mut |_| {}, &mut |_| {});
}

/// The screen with the signature times (the real clock) masked.
fn render_masked(app: &App, demo: &Demo, id: &str) -> String {
    let mut text = render(app, 100, 30);
    if let Some(h) = duty::duty::load_handover(&demo.store, id).unwrap() {
        for sig in [h.outgoing_signature, h.incoming_signature].into_iter().flatten() {
            text = text.replace(&duty::i18n::local_time(sig.at, demo.site.tz), "YYYY-MM-DD hh:mm:ss");
        }
    }
    text
}

#[test]
fn every_step_of_the_handover_walkthrough_in_both_languages() {
    for (lang, lang_name) in [(Lang::Zh, "zh"), (Lang::En, "en")] {
        let mut demo = demo();
        let mut app = app(&demo, lang);
        press(&mut app, "5H");
        perform(&mut app, &mut demo);
        let id = app.data.duty.as_ref().unwrap().handover_id();
        let mut passed = None;
        let shot = |app: &App, demo: &Demo, name: &str| {
            insta::assert_snapshot!(
                format!("handover_{name}_{lang_name}_100x30"),
                render_masked(app, demo, &id)
            );
        };
        for step in duty::domain::handover::Step::ALL {
            let number = step.number();
            shot(&app, &demo, &format!("step{number}"));
            let items = app.duty.items.as_slice().to_vec();
            if step == duty::domain::handover::Step::Incidents {
                // Finishing with an item unseen is refused and says which.
                press(&mut app, "\n");
                assert!(app.message.as_ref().is_some_and(|m| m.error), "unseen items refuse the step");
                // A note on the first item, and the second handed over to the incoming shift.
                press(&mut app, "n");
                shot(&app, &demo, "form_item_note");
                if let duty::tui::app::Mode::Form(form) = &mut app.mode {
                    form.type_into(Name::Note, "vendor on site at 10:00");
                }
                app.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
                // The first incident somebody owns (one nobody took cannot be passed on).
                let owned = items
                    .iter()
                    .position(|i| {
                        let id = duty::domain::IncidentId(i.incident.clone().unwrap());
                        app.data.row(&id).is_some_and(|r| r.incident.owner.is_some())
                    })
                    .unwrap();
                for _ in 0..owned {
                    press(&mut app, "j");
                }
                let passed_id = items[owned].incident.clone().unwrap();
                let owner_before = app
                    .data
                    .row(&duty::domain::IncidentId(passed_id.clone()))
                    .unwrap()
                    .incident
                    .owner
                    .clone();
                // `o` marks the incident to pass on; it changes hands only when the
                // incoming engineer signs.
                press(&mut app, "o");
                perform(&mut app, &mut demo);
                let owner =
                    demo.store.incident(&duty::domain::IncidentId(passed_id.clone())).unwrap().unwrap().owner;
                assert_eq!(owner, owner_before, "nothing changes hands before the incoming signature");
                passed = Some(passed_id);
                app.on_key(KeyEvent::new(KeyCode::Home, KeyModifiers::NONE));
                shot(&app, &demo, "step1_marked");
            }
            if step == duty::domain::handover::Step::Notes {
                press(&mut app, "n");
                shot(&app, &demo, "form_next_notes");
                if let duty::tui::app::Mode::Form(form) = &mut app.mode {
                    form.type_into(Name::Note, "UPS 电池模块明早复查");
                }
                app.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
            }
            for _ in 0..items.len() {
                press(&mut app, "a");
            }
            press(&mut app, "\n");
            perform(&mut app, &mut demo);
            assert!(app.message.as_ref().is_some_and(|m| !m.error), "step {number}: {:?}", app.message);
        }
        shot(&app, &demo, "ready_to_sign");
        // The signature is asked with what it hands over, and given on `s` again.
        press(&mut app, "s");
        perform(&mut app, &mut demo);
        let asked = app.message.clone().unwrap();
        assert!(
            !asked.error && asked.text.contains(if lang == Lang::En { "pass on 1" } else { "移交 1" }),
            "{asked:?}"
        );
        assert!(duty::duty::load_handover(&demo.store, &id).unwrap().unwrap().outgoing_signature.is_none());
        press(&mut app, "s");
        perform(&mut app, &mut demo);
        shot(&app, &demo, "outgoing_signed");
        // The incoming engineer reads every step before signing: not yet.
        let mut incoming = self::app(&demo, lang);
        incoming.ctx.operator = demo.site.operator("zhangsan").cloned();
        press(&mut incoming, "5H");
        shot(&incoming, &demo, "review_step1");
        press(&mut incoming, "s");
        let refused = incoming.message.clone().unwrap();
        assert!(
            refused.error
                && refused.text.contains(if lang == Lang::En { "read all seven" } else { "全部七个" }),
            "{refused:?}"
        );
        for _ in 1..7 {
            press(&mut incoming, "\n");
        }
        shot(&incoming, &demo, "review_step7");
        // The same person cannot sign for the incoming shift.
        for _ in 0..7 {
            press(&mut app, "\n");
        }
        press(&mut app, "ss");
        perform(&mut app, &mut demo);
        let refused = render_masked(&app, &demo, &id);
        assert!(refused.contains(if lang == Lang::En { "someone else" } else { "另一人" }), "{refused}");
        // The incoming engineer signs with their own login, and takes over what was passed.
        press(&mut incoming, "s");
        let asked = incoming.message.clone().unwrap();
        assert!(asked.text.contains(if lang == Lang::En { "take over 1" } else { "接手 1" }), "{asked:?}");
        press(&mut incoming, "s");
        perform(&mut incoming, &mut demo);
        shot(&incoming, &demo, "done");
        let h = duty::duty::load_handover(&demo.store, &id).unwrap().unwrap();
        assert_eq!(
            (
                h.outgoing_signature.as_ref().unwrap().by.as_str(),
                h.incoming_signature.as_ref().unwrap().by.as_str()
            ),
            ("lead", "zhangsan")
        );
        let passed = duty::domain::IncidentId(passed.clone().unwrap());
        let owner = demo.store.incident(&passed).unwrap().unwrap().owner;
        assert_eq!(owner.as_deref(), Some("zhangsan"), "ownership passes at the incoming signature");
        // Each item is kept in both languages: the record reads in its reader's, not in
        // the language of the console that acknowledged it.
        let incidents = h.step(duty::domain::handover::Step::Incidents).unwrap();
        let first = incidents.items.first().expect("the step has items");
        let (zh, en) = (first.shown_for("zh"), first.shown_for("en"));
        assert_ne!(zh, en);
        let english = duty::report::handover::markdown(&h, "centre", demo.site.tz, Lang::En);
        let (en, zh) = (duty::report::md_cell(en), duty::report::md_cell(zh));
        assert!(english.contains(&en) && !english.contains(&zh), "{english}");
    }
}

#[test]
fn the_statistics_draw_as_charts() {
    let mut demo = demo();
    for (lang, lang_name) in [(Lang::Zh, "zh"), (Lang::En, "en")] {
        let mut app = app(&demo, lang);
        press(&mut app, "5S");
        perform(&mut app, &mut demo);
        insta::assert_snapshot!(format!("duty_stats_{lang_name}_120x40"), render(&app, 120, 40));
    }
    // `:report week` writes the weekly report, Markdown, CSV and the printable page,
    // where it says; `pdf` prints the page too.
    use duty::report::build::{Format, Sheets, Wanted, build};
    let reports = tempfile::tempdir().unwrap();
    let mut app = app(&demo, Lang::En);
    app.ctx.reports_dir = reports.path().to_path_buf();
    press(&mut app, ":report week\n");
    perform(&mut app, &mut demo);
    let message = app.message.clone().unwrap();
    assert!(!message.error && message.text.contains("report written"), "{message:?}");
    let wanted = Wanted::Week(chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap());
    for format in [Format::Markdown, Format::Csv, Format::Html] {
        let path = reports.path().join(format!("week-2026-11-16.en.{}", format.extension()));
        let written = std::fs::read_to_string(&path).unwrap();
        let built = build(&demo.store, &demo.site, &wanted, format, Lang::En, fixed_now()).unwrap();
        assert_eq!(written, built, "{}", path.display());
        assert!(message.text.contains(&path.display().to_string()), "{message:?}");
    }
    assert!(!reports.path().join("week-2026-11-16.en.pdf").exists(), "a PDF only when asked for");
    press(&mut app, ":report inspection week pdf\n");
    perform(&mut app, &mut demo);
    let message = app.message.clone().unwrap();
    assert!(!message.error, "{message:?}");
    let stem =
        Wanted::Inspection(Sheets::Week(chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap())).stem();
    let pdf = std::fs::read(reports.path().join(format!("{stem}.en.pdf"))).unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "{message:?}");
}

/// A console that applies what changed ends where one that read everything again
/// does: the same queue in the same order, the same alarms, the same rows found by id.
#[test]
fn applying_changes_matches_reading_everything_again() {
    use duty::ops::{Actor, IncidentTarget, Ops, Request, Seat};
    use duty::tui::snapshot::{Delta, Touched};
    let mut demo = demo();
    let now = fixed_now();
    let mut applied = Snapshot::load(&demo.store, &demo.site, now, None).unwrap();
    let head = applied.head;
    let open: Vec<_> = applied
        .rows
        .iter()
        .filter(|r| r.incident.state != duty::domain::State::Closed)
        .map(|r| r.incident.id.clone())
        .collect();
    assert!(open.len() >= 3, "the demo has open incidents to change");
    let mut seat = Seat::of(Actor {
        operator: demo.site.operator("lead").cloned().unwrap(),
        origin: "test".into(),
        lang: Lang::En,
    });
    let clock = duty::clock::Clock::starting_at(now);
    let mut ops = Ops { store: &mut demo.store, site: &demo.site, clock };
    let mut change = |target, command| {
        let request = Request::Incident {
            target,
            command,
            expected_version: None,
            claimed_at: None,
            backdate_reason: None,
        };
        if let Err(e) = ops.perform(&mut seat, request) {
            panic!("{e}");
        }
    };
    use duty::domain::IncidentCommand as C;
    change(IncidentTarget::Existing(open[0].clone()), C::Acknowledge);
    change(
        IncidentTarget::Existing(open[0].clone()),
        C::Resolve { cause: "cable".into(), solution: "replaced".into() },
    );
    change(IncidentTarget::Existing(open[1].clone()), C::Note { text: "looked".into() });
    change(IncidentTarget::Existing(open[2].clone()), C::Acknowledge);
    change(
        IncidentTarget::New,
        C::Open(duty::domain::incident::NewIncident {
            title: "new one".into(),
            description: String::new(),
            severity: duty::domain::Severity::Critical,
            class: duty::domain::EventClass::Fault,
            area: duty::domain::FaultArea::System,
            hosts: Vec::new(),
            source: duty::domain::Source::Operator,
            reported_at: now,
            onsite_required: false,
            source_ref: None,
        }),
    );
    let events = demo.store.events_after(head, 1000).unwrap();
    let touched = Touched::by(&events);
    assert_eq!(touched.incidents.len(), 4, "{touched:?}");
    let new_head = events.last().unwrap().seq;
    let delta = Delta::read(&demo.store, &demo.site, now, new_head, &touched, None).unwrap();
    applied.apply(delta, &demo.site, now);
    let mut read = Snapshot::load(&demo.store, &demo.site, now, None).unwrap();
    let ids =
        |s: &Snapshot| s.rows.iter().map(|r| (r.incident.id.clone(), r.incident.version)).collect::<Vec<_>>();
    assert_eq!(ids(&applied), ids(&read));
    for (id, _) in ids(&read) {
        assert_eq!(applied.row(&id).map(|r| r.incident.version), read.row(&id).map(|r| r.incident.version));
    }
    assert_eq!(applied.open_alarms(&demo.site, now), read.open_alarms(&demo.site, now));
    assert_eq!(applied.contract, read.contract);
}

/// Another engineer's change that leaves everything on screen as it was draws no frame;
/// one that changes what is shown does.
#[test]
fn a_change_out_of_sight_draws_no_frame_and_one_in_sight_does() {
    use duty::ops::{Actor, IncidentTarget, Ops, Request, Seat};
    use duty::tui::snapshot::{Delta, Touched};
    let mut demo = demo();
    let mut app = app(&demo, Lang::En);
    app.tab = duty::tui::app::Tab::Overview;
    let open: Vec<_> = app
        .data
        .rows
        .iter()
        .filter(|r| r.incident.state == duty::domain::State::Open)
        .map(|r| r.incident.id.clone())
        .collect();
    let mut seat = Seat::of(Actor {
        operator: demo.site.operator("lead").cloned().unwrap(),
        origin: "test".into(),
        lang: Lang::En,
    });
    let mut head = app.data.head;
    let mut change = |demo: &mut Demo, app: &mut App, command| {
        let clock = duty::clock::Clock::starting_at(fixed_now());
        let mut ops = Ops { store: &mut demo.store, site: &demo.site, clock };
        let target = IncidentTarget::Existing(open[0].clone());
        ops.perform(
            &mut seat,
            Request::Incident {
                target,
                command,
                expected_version: None,
                claimed_at: None,
                backdate_reason: None,
            },
        )
        .unwrap();
        let events = demo.store.events_after(head, 100).unwrap();
        head = events.last().unwrap().seq;
        let delta =
            Delta::read(&demo.store, &demo.site, fixed_now(), head, &Touched::by(&events), None).unwrap();
        app.dirty = false;
        app.apply_delta(delta);
        app.dirty
    };
    use duty::domain::IncidentCommand as C;
    assert!(
        !change(&mut demo, &mut app, C::Note { text: "seen".into() }),
        "a note changes nothing on the overview"
    );
    assert!(change(&mut demo, &mut app, C::Acknowledge), "an acknowledgement changes the counts");
}

/// On the overview an incident key does nothing to an incident left selected in the
/// queue (it is not on screen) and says where incident keys act; Enter shows the
/// selected machine's incidents, and only that machine's.
#[test]
fn the_overview_acts_on_the_selected_machine_never_on_an_incident_off_screen() {
    let demo = demo();
    let mut app = app(&demo, Lang::En);
    press(&mut app, "1");
    assert_eq!(app.tab, duty::tui::app::Tab::Overview);
    app.effects.clear();
    press(&mut app, "a");
    assert!(app.effects.is_empty(), "no acknowledgement from the overview: {:?}", app.effects);
    let said = app.message.as_ref().map(|m| m.text.clone()).unwrap_or_default();
    assert!(said.contains("act only on an incident on screen"), "{said}");
    assert!(app.queue.detail.is_none());

    // The machine with the most incidents, chosen on the board, then Enter.
    let hosts: Vec<String> = demo.site.hosts.iter().map(|h| h.name.clone()).collect();
    let counts: Vec<usize> = hosts
        .iter()
        .map(|host| {
            app.data
                .rows
                .iter()
                .filter(|r| {
                    r.incident.state != duty::domain::State::Closed && r.incident.hosts.contains(host)
                })
                .count()
        })
        .collect();
    let index = (0..hosts.len()).max_by_key(|&i| counts[i]).unwrap();
    let host = hosts[index].clone();
    let of = |_: &str| counts[index];
    assert!(of(&host) > 0, "the demo has a machine with incidents");
    for _ in 0..index {
        press(&mut app, "j");
    }
    press(&mut app, "\n");
    assert_eq!(app.tab, duty::tui::app::Tab::Incidents);
    assert!(app.queue.detail.is_none(), "Enter on a machine opens no incident");
    assert_eq!(app.queue.visible.len(), of(&host));
    for &i in &app.queue.visible {
        assert!(app.data.rows[i].incident.hosts.contains(&host), "only {host}'s incidents");
    }
    // `X` on the board opens the selected machine's SSH actions, the machine chosen.
    press(&mut app, "1X");
    assert_eq!(app.tab, duty::tui::app::Tab::Actions);
    let targets = duty::tui::screens::actions::targets(&app.ctx.site);
    assert_eq!(targets[app.actions.target.at(targets.len())].0, host);
    assert!(app.actions.right, "the action list has the focus");
}

#[test]
fn an_item_bound_to_a_failing_check_starts_from_its_verdict_and_a_better_mark_needs_a_note() {
    use duty::domain::check::CheckStatus;
    use duty::tui::form::{FormKind, Input, RunTarget};
    let demo = demo();
    let target = |judged| RunTarget {
        run: "exchange@20261121T0830".into(),
        item: Some("frontend".into()),
        version: Some(3),
        judged: Some(judged),
    };
    for (judged, preset) in [
        (CheckStatus::Critical, "critical"),
        (CheckStatus::Warning, "warning"),
        (CheckStatus::Unknown, "warning"),
        (CheckStatus::Normal, "normal"),
    ] {
        let form = duty::tui::forms::for_run(FormKind::MarkItem, target(judged), Lang::En);
        let Input::Choice { options, selected } = &form.field(Name::Result).input else { panic!("a choice") };
        assert_eq!(options[*selected].0, preset, "{judged:?} pre-sets {preset}");
    }
    // Marked normal against a critical check, with nothing said: refused on the form.
    let mut form = duty::tui::forms::for_run(FormKind::MarkItem, target(CheckStatus::Critical), Lang::En);
    form.select(Name::Result, "normal");
    let now = fixed_now();
    assert!(duty::tui::forms::submit(&mut form, &demo.site, now, Lang::En).is_none());
    let error = form.field(Name::Note).error.clone().unwrap();
    assert!(error.contains("its check says × critical"), "{error}");
    form.type_into(Name::Note, "checked by hand: FTE answers, the check's target was moved");
    assert!(duty::tui::forms::submit(&mut form, &demo.site, now, Lang::En).is_some());
}

#[test]
fn a_report_time_far_back_is_taken_only_after_its_effect_on_the_clocks_is_shown() {
    let demo = demo();
    let mut app = app(&demo, Lang::En);
    press(&mut app, "N");
    let now = fixed_now();
    let duty::tui::app::Mode::Form(form) = &mut app.mode else { panic!("the new-incident form") };
    form.type_into(Name::Title, "core switch port flapping");
    // At 10:00, 15:00 is this afternoon (nearer than yesterday's): ahead of now, refused
    // with the way to say yesterday.
    form.type_into(Name::ReportedAt, "15:00");
    assert!(duty::tui::forms::submit(form, &demo.site, now, Lang::En).is_none());
    assert!(form.field(Name::ReportedAt).error.clone().unwrap().contains("yesterday HH:MM"));
    // Yesterday 23:59 is ten hours back: the form says what that does and asks.
    form.replace_text(Name::ReportedAt, "yesterday 23:59");
    assert!(duty::tui::forms::submit(form, &demo.site, now, Lang::En).is_none());
    let question = form.error.clone().unwrap();
    assert!(
        question.contains("10h01m back")
            && question.contains("counts against the contract")
            && question.contains("Ctrl-S again"),
        "{question}"
    );
    // The same submission again is the confirmation.
    let effect = duty::tui::forms::submit(form, &demo.site, now, Lang::En).expect("confirmed");
    let duty::tui::app::Effect::Execute { command: duty::domain::IncidentCommand::Open(new), .. } = effect
    else {
        panic!("an incident opened")
    };
    assert_eq!(new.reported_at, now - chrono::Duration::minutes(601));
}

#[test]
fn help_shows_the_focused_screens_keys_first_and_scrolls() {
    let demo = demo();
    for (tab, heading) in
        [("2", "▶ Incident queue"), ("3", "▶ Inspections"), ("4", "▶ Actions"), ("5", "▶ Duty log")]
    {
        let mut app = app(&demo, Lang::En);
        press(&mut app, tab);
        press(&mut app, "?");
        let first = render(&app, 100, 30);
        let inside: Vec<&str> = first.lines().filter(|l| l.contains('│')).collect();
        assert!(inside.iter().take(3).any(|l| l.contains(heading)), "{tab}: {first}");
        assert!(first.contains("scroll"), "the help says it scrolls");
        for _ in 0..40 {
            press(&mut app, "j");
        }
        let scrolled = render(&app, 100, 30);
        assert!(!scrolled.contains(heading) && scrolled != first, "{scrolled}");
        // At the bottom, the `:` commands from the command table.
        for _ in 0..200 {
            press(&mut app, "j");
        }
        let bottom = render(&app, 100, 30);
        assert!(bottom.contains(":open :o ID") && bottom.contains(":report"), "{bottom}");
    }
    // `End` goes to the last page and no further: one `k` from there moves the page.
    let mut small = app(&demo, Lang::En);
    small.screen = (60, 20);
    press(&mut small, "?");
    small.on_key(KeyEvent::new(KeyCode::End, KeyModifiers::NONE));
    let end = render(&small, 60, 20);
    assert!(end.contains("Filter:"), "the last line is on the last page: {end}");
    press(&mut small, "k");
    assert_ne!(render(&small, 60, 20), end, "one k from the end scrolls back at once");
    // In Chinese the headings are Chinese.
    let mut app = app(&demo, Lang::Zh);
    press(&mut app, "3?");
    let zh = render(&app, 100, 30);
    assert!(zh.contains("▶ 巡检") && !zh.contains("[global]"), "{zh}");
}

#[test]
fn command_line_open_takes_a_number_and_completes_with_tab() {
    let demo = demo();
    let mut app = app(&demo, Lang::En);
    press(&mut app, ":open 4\n");
    assert_eq!(app.queue.detail.as_ref().map(|id| id.0.as_str()), Some("GZ-20261121-004"));
    // Today's 001 before yesterday's.
    press(&mut app, ":open 1\n");
    assert_eq!(app.queue.detail.as_ref().map(|id| id.0.as_str()), Some("GZ-20261121-001"));
    // Tab completes the command, then the incident.
    press(&mut app, ":op");
    app.on_key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE));
    press(&mut app, "20261120-00");
    app.on_key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE));
    let duty::tui::app::Mode::Command(input) = &app.mode else { panic!("still on the command line") };
    assert_eq!(input.lines().join(""), "open GZ-20261120-00");
    let listed = app.message.clone().unwrap().text;
    assert!(listed.contains("GZ-20261120-001") && listed.contains("GZ-20261120-002"), "{listed}");
    app.on_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
    press(&mut app, ":open\n");
    assert!(app.message.clone().unwrap().text.contains("usage: :open ID"), "{:?}", app.message);
}

#[test]
fn the_queue_keeps_its_priority_columns_and_whole_countdowns_at_80_and_60_columns() {
    use duty::i18n::ShortLabel;
    let demo = demo();
    for lang in [Lang::Zh, Lang::En] {
        for (width, height) in [(80, 24), (60, 20)] {
            let mut app = app(&demo, lang);
            press(&mut app, "2");
            let screen = render(&app, width, height);
            let mut checked = 0;
            for row in &app.data.rows {
                let incident = &row.incident;
                let Some(line) = screen.lines().find(|l| l.starts_with('│') && l.contains(&incident.id.0))
                else {
                    continue;
                };
                let short = width < 110;
                let (severity, state) =
                    (incident.severity.fitted(lang, short), incident.state.fitted(lang, short));
                assert!(line.contains(severity) && line.contains(state), "{width}x{height}: {line}");
                let clocks = duty::domain::sla::clocks(incident, &demo.site.policy, fixed_now());
                if let Some(next) = duty::domain::sla::most_urgent(&clocks) {
                    let left = duty::tui::widgets::countdown::hms(next.remaining.unwrap());
                    assert!(
                        line.contains(&format!("{left} ")) || line.contains(&format!("{left}│")),
                        "{width}x{height}: whole countdown {left} in {line}"
                    );
                }
                // Some of the title is there too.
                let start: String = incident.title.chars().take(2).collect();
                assert!(line.contains(&start), "{width}x{height}: title in {line}");
                checked += 1;
            }
            assert!(checked >= 5, "{width}x{height}: {screen}");
        }
    }
}

#[test]
fn a_hot_room_is_flagged_with_an_incident_one_key_away_and_an_end_before_its_start_is_refused() {
    let mut demo = demo();
    let mut app = app(&demo, Lang::En);
    press(&mut app, "5e");
    if let duty::tui::app::Mode::Form(form) = &mut app.mode {
        form.type_into(Name::Temperature, "30");
        form.type_into(Name::Humidity, "50");
    }
    app.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    perform(&mut app, &mut demo);
    let said = app.message.clone().unwrap();
    assert!(
        !said.error && said.text.contains("temperature 30°C outside 18–27°C") && said.text.contains("[I]"),
        "{said:?}"
    );
    let log = render(&app, 120, 30);
    assert!(log.contains("▲ temperature 30°C outside 18–27°C"), "{log}");
    // The newest entry is last: select it, and `I` opens an incident about it.
    app.on_key(KeyEvent::new(KeyCode::End, KeyModifiers::NONE));
    press(&mut app, "I");
    let duty::tui::app::Mode::Form(form) = &app.mode else { panic!("the new-incident form") };
    assert_eq!(form.text(Name::Title), "temperature 30°C outside 18–27°C");
    app.on_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
    app.on_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
    // A visitor who left before arriving is refused on the form, nothing written.
    press(&mut app, "v");
    if let duty::tui::app::Mode::Form(form) = &mut app.mode {
        for (field, text) in [
            (Name::Who, "UPS vendor"),
            (Name::Why, "battery swap"),
            (Name::From, "10:00"),
            (Name::To, "09:30"),
            (Name::Escort, "lisi"),
        ] {
            form.replace_text(field, text);
        }
    }
    let head = demo.store.head().unwrap();
    app.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    perform(&mut app, &mut demo);
    let duty::tui::app::Mode::Form(form) = &app.mode else { panic!("the form stays: {:?}", app.message) };
    assert!(
        form.error.clone().unwrap().contains("the end 09:30 is before the start 10:00"),
        "{:?}",
        form.error
    );
    assert_eq!(demo.store.head().unwrap(), head, "nothing written");
    // Logged without a departure, the visit is completed later with `c`: a departure
    // before the arrival is refused, the right one taken, and a second one refused.
    if let duty::tui::app::Mode::Form(form) = &mut app.mode {
        form.replace_text(Name::From, "09:00");
        form.replace_text(Name::To, "");
    }
    app.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    perform(&mut app, &mut demo);
    assert!(matches!(app.mode, duty::tui::app::Mode::Normal), "{:?}", app.message);
    press(&mut app, "c");
    let duty::tui::app::Mode::Form(form) = &mut app.mode else {
        panic!("the completion form: {:?}", app.message)
    };
    form.type_into(Name::To, "08:30");
    app.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    perform(&mut app, &mut demo);
    let duty::tui::app::Mode::Form(form) = &mut app.mode else { panic!("the form stays") };
    assert!(form.error.clone().unwrap_or_default().contains("before the start 09:00"), "{:?}", form.error);
    form.replace_text(Name::To, "09:40");
    app.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    perform(&mut app, &mut demo);
    assert!(matches!(app.mode, duty::tui::app::Mode::Normal), "{:?}", app.message);
    let log = render(&app, 120, 30);
    assert!(log.contains("09:00–09:40"), "{log}");
    press(&mut app, "c");
    let said = app.message.clone().unwrap();
    assert!(said.error && said.text.contains("complete already"), "{said:?}");
}

#[test]
fn a_dangerous_action_runs_only_on_another_operators_confirmation_from_their_own_console() {
    let mut demo = demo();
    demo.site.operators.push(duty::domain::Operator {
        id: "alice".into(),
        name: "Alice".into(),
        role: duty::domain::Role::Operator,
    });
    assert!(demo.site.ssh.two_person_rule, "the sample site asks for two people");
    let mut lead = app(&demo, Lang::En);
    let mut launched: Vec<duty::tui::SshJob> = Vec::new();
    let go = |app: &mut App, demo: &mut Demo, launched: &mut Vec<duty::tui::SshJob>| {
        duty::tui::perform(app, &mut demo.store, &mut |_| {}, &mut |job| launched.push(job));
    };
    // The lead asks to run restart-fte on the front-end machine: a second person is asked for.
    press(&mut lead, "4jjjjjjj→jjjjjjj\n");
    let form = render(&lead, 100, 30);
    let action = "restart-fte";
    assert!(form.contains(action), "the form is for the selected action: {form}");
    press(&mut lead, &format!("{action}\n\n"));
    go(&mut lead, &mut demo, &mut launched);
    assert!(launched.is_empty(), "nothing runs on one person's word");
    let said = render(&lead, 100, 30);
    assert!(said.contains("asked for a second person"), "{said}");

    // Alice, at her own console, sees the ask and confirms it by typing its action back.
    let mut alice = app(&demo, Lang::Zh);
    alice.ctx.operator = demo.site.operator("alice").cloned();
    alice.ctx.login = "alice".into();
    press(&mut alice, "4");
    let screen = render(&alice, 100, 30);
    assert!(screen.contains("lead restart-fte") && screen.contains("待你确认"), "{screen}");
    press(&mut alice, "Y");
    press(&mut alice, "wrong\n\n");
    assert!(alice.effects.is_empty(), "a wrong name confirms nothing");
    press(&mut alice, &format!("\u{1b}\u{1b}Y{action}\n\n"));
    let form = render(&alice, 100, 30);
    assert!(alice.effects.iter().any(|e| matches!(e, duty::tui::app::Effect::ConfirmSecond(_))), "{form}");
    go(&mut alice, &mut demo, &mut launched);

    // The lead's console, having read it, runs it now, naming alice.
    let data = Snapshot::load(&demo.store, &demo.site, fixed_now(), None).unwrap();
    lead.replace_data(data);
    let screen = render(&lead, 100, 30);
    assert!(screen.contains("confirmed by alice"), "{screen}");
    press(&mut lead, &format!("\n{action}\n\n"));
    go(&mut lead, &mut demo, &mut launched);
    assert_eq!(launched.len(), 1, "{}", render(&lead, 100, 30));
    let (_, second) = launched[0].plan.second.clone().expect("the run carries its second person");
    assert_eq!(second, "alice");
}
