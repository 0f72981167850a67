//! Console benchmarks: one frame of the incident queue with 10,000 incidents at 200×50
//! (only visible rows are built), and key-to-frame latency (a key handled, then drawn).
//!
//! Run: `cargo bench --bench console`

use std::hint::black_box;

use chrono::{Duration, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use duty::domain::incident::{Context as DecideContext, EventMeta, NewIncident, apply, decide};
use duty::domain::{EventClass, FaultArea, IncidentCommand, IncidentId, Operator, Role, Severity, Source};
use duty::i18n::Lang;
use duty::tui::app::{App, Context};
use duty::tui::keymap::Keymap;
use duty::tui::snapshot::{Snapshot, order_by_urgency};
use duty::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const INCIDENTS: usize = 10_000;

fn app() -> App {
    let dir = tempfile::tempdir().unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 21, 2, 0, 0).unwrap();
    duty::config::sample::write_sample(dir.path(), "lead", now.date_naive()).unwrap();
    let site = duty::config::Site::load(dir.path()).unwrap();
    let actor = Operator { id: "lead".into(), name: "Lead".into(), role: Role::Lead };
    let severities = [Severity::Ordinary, Severity::Serious, Severity::Critical];
    let incidents = (0..INCIDENTS)
        .map(|n| {
            let reported_at = now - Duration::minutes((n % 1500) as i64);
            let new = NewIncident {
                title: format!("数据交换节点 {n} 显示红色"),
                description: String::new(),
                severity: severities[n % 3],
                class: EventClass::Fault,
                area: FaultArea::NetworkDevice,
                hosts: vec!["frontend-1".into()],
                source: Source::Operator,
                reported_at,
                onsite_required: n % 5 == 0,
                source_ref: None,
            };
            let ctx = DecideContext { actor: &actor, occurred_at: reported_at, now, claim: None };
            let id = IncidentId(format!("GZ-20261121-{n:05}"));
            let events = decide(None, &IncidentCommand::Open(new), &ctx, Some(&id)).unwrap();
            let meta = EventMeta { actor: "lead", occurred_at: reported_at, recorded_at: now };
            let mut incident = apply(None, &events[0], &meta).unwrap();
            if n % 2 == 0 {
                let at = reported_at + Duration::minutes(10).min(now - reported_at);
                let ctx = DecideContext { actor: &actor, occurred_at: at, now, claim: None };
                let ack = decide(Some(&incident), &IncidentCommand::Acknowledge, &ctx, None).unwrap();
                let meta = EventMeta { actor: "lead", occurred_at: at, recorded_at: now };
                incident = apply(Some(incident), &ack[0], &meta).unwrap();
            }
            incident
        })
        .collect();
    let rows = order_by_urgency(incidents, &site, now);
    let data = Snapshot::with_rows(rows);
    let ctx = Context {
        site,
        lang: Lang::Zh,
        operator: Some(actor),
        keymap: Keymap::builtin("default").unwrap(),
        theme: Theme::builtin("dark").unwrap(),
        store_label: "duty.db".into(),
        bell_repeat: Duration::seconds(60),
        clock: duty::clock::Clock::starting_at(now),
        login: "lead".into(),
        reports_dir: std::env::temp_dir().join("duty-console-test-reports"),
        left_out: None,
    };
    App::new(ctx, data, now)
}

fn render(c: &mut Criterion) {
    let mut app = app();
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).unwrap();
    c.bench_function("render: incident queue, 10k incidents, 200x50", |b| {
        b.iter(|| {
            terminal.draw(|frame| duty::tui::ui::draw(frame, black_box(&app))).unwrap();
        })
    });
    let down = KeyEvent::new(KeyCode::Down, KeyModifiers::NONE);
    c.bench_function("key to frame: Down in the queue, 10k incidents, 200x50", |b| {
        b.iter(|| {
            app.on_key(down);
            terminal.draw(|frame| duty::tui::ui::draw(frame, &app)).unwrap();
        })
    });
}

/// The handover walkthrough's first step lists every open incident: one frame of it,
/// with the step's items worked out from the live data as the console does each frame.
fn walkthrough(c: &mut Criterion) {
    let mut app = app();
    let (outgoing, incoming) = duty::duty::boundary(&app.ctx.site, app.now).unwrap();
    app.data.duty = Some(duty::duty::DutyView {
        current: outgoing.clone(),
        next: incoming.clone(),
        on_duty: vec!["lead".into()],
        next_on_duty: vec!["lead".into()],
        log: Vec::new(),
        outgoing,
        incoming,
        outgoing_on_duty: vec!["lead".into()],
        incoming_on_duty: vec!["lead".into()],
        handover: None,
        outgoing_log: Vec::new(),
        ssh_runs: Vec::new(),
    });
    app.tab = duty::tui::app::Tab::DutyLog;
    app.duty.screen = duty::tui::screens::duty_log::DutyScreen::Walkthrough(Default::default());
    app.refresh_walkthrough();
    assert_eq!(app.duty.items.len(), INCIDENTS);
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).unwrap();
    c.bench_function("render: handover step 1, 10k open incidents, 200x50", |b| {
        b.iter(|| {
            terminal.draw(|frame| duty::tui::ui::draw(frame, black_box(&app))).unwrap();
        })
    });
    let ack = KeyEvent::new(KeyCode::Char('a'), KeyModifiers::NONE);
    c.bench_function("key to frame: acknowledge an item in step 1, 10k open incidents", |b| {
        b.iter(|| {
            app.on_key(ack);
            terminal.draw(|frame| duty::tui::ui::draw(frame, &app)).unwrap();
        })
    });
    c.bench_function("work out step 1 again (once a second, and on new data), 10k open incidents", |b| {
        b.iter(|| app.refresh_walkthrough())
    });
}

criterion_group!(benches, render, walkthrough);
criterion_main!(benches);
