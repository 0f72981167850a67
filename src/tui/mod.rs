//! The full-screen console: a view of the store's projections plus key handling.
//!
//! `app` holds the state and turns keys into effects; `snapshot` is the only place the
//! console reads the store; `ui`, `screens`, `popups` and `widgets` draw; this module
//! runs the event loop and performs effects against the store.

pub mod action;
pub mod app;
pub mod duty;
pub mod duty_effects;
pub mod duty_forms;
pub mod form;
pub mod forms;
pub mod keymap;
pub mod log;
pub mod notify;
pub mod popups;
pub mod screens;
pub mod snapshot;
pub mod terminal;
pub mod theme;
pub mod ui;
pub mod widgets;

use std::path::Path;
use std::time::Duration as StdDuration;

use crossterm::event::{Event, EventStream, KeyEventKind};
use futures_util::StreamExt;
use tokio::signal::unix::{SignalKind, signal};

use crate::domain::IncidentId;
use crate::i18n::{Lang, event_kind, store_error, ui as texts};
use crate::store::{AlarmRequest, AnyStore, IncidentRequest, Location, Store, StoreError, Target};
use app::{App, Context, Effect, Outcome};
use snapshot::Snapshot;

/// How often the console looks for changes made by others (the `max(seq)` poll).
const CHANGE_POLL: StdDuration = StdDuration::from_millis(400);
/// While the store does not answer, it is asked again every this many polls.
const STORE_RETRY_POLLS: i64 = 5;

/// Runs the console until the operator quits or a signal arrives. When the site has
/// checks, the engine runs in the background too; it only probes while this process
/// holds the lease (that is, when no `duty engine` or other console does).
pub fn run(ctx: Context, store: AnyStore, location: Location) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async move {
        let now = ctx.clock.now();
        let data = Snapshot::load(&*store, &ctx.site, now, None)?;
        let (stop_engine, engine_stopped) = tokio::sync::watch::channel(false);
        let engine = ctx.site.has_engine_work().then(|| {
            let holder = crate::engine::runner::holder_id("console");
            tokio::spawn(crate::engine::runner::run(
                ctx.site.clone(),
                location.clone(),
                holder,
                ctx.clock,
                engine_stopped,
            ))
        });
        // On a shared server, others' commits are heard at once; the poll stays as the
        // safety net.
        let (changed_tx, changed) = tokio::sync::mpsc::unbounded_channel();
        if let Location::Postgres(url) = &location {
            tokio::spawn(crate::store::postgres::watch_changes(url.clone(), changed_tx));
        }
        let mut app = App::new(ctx, data, now);
        let mut guard = terminal::TerminalGuard::enter()?;
        log::write("console started");
        let result = event_loop(&mut app, store, changed, &mut guard).await;
        let _ = stop_engine.send(true);
        if let Some(engine) = engine {
            match engine.await {
                Ok(Err(e)) => log::write(&format!("engine stopped: {e:#}")),
                Err(e) => log::write(&format!("engine task failed: {e}")),
                Ok(Ok(())) => {}
            }
        }
        drop(guard);
        match &result {
            Ok(()) => log::write("console stopped"),
            Err(e) => log::write(&format!("console stopped: {e:#}")),
        }
        result
    })
}

async fn event_loop(
    app: &mut App,
    mut store: AnyStore,
    mut changed: tokio::sync::mpsc::UnboundedReceiver<()>,
    guard: &mut terminal::TerminalGuard,
) -> anyhow::Result<()> {
    let mut events = EventStream::new();
    let mut poll = tokio::time::interval(CHANGE_POLL);
    poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut terminate = signal(SignalKind::terminate())?;
    let mut hangup = signal(SignalKind::hangup())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    let (ssh_tx, mut ssh_rx) = tokio::sync::mpsc::unbounded_channel::<app::SshUpdate>();
    let mut launch = |job: SshJob| launch_ssh(job, ssh_tx.clone());
    let mut polls_while_down: i64 = 0;
    app.tick(app.ctx.clock.now());
    loop {
        perform_effects(app, &mut *store, guard, &mut launch);
        if app.quit {
            return Ok(());
        }
        if let Some(host) = app.pending_shell.take() {
            // The shell and the console must never both read the terminal: stop our
            // reader first, hand the terminal over, take it back, start a new reader.
            drop(events);
            guard.suspend();
            let outcome = shell(app, &mut *store, &host);
            guard.resume()?;
            events = EventStream::new();
            app.on_outcome(outcome);
            app.dirty = true;
            continue;
        }
        if app.dirty {
            guard.terminal.draw(|frame| ui::draw(frame, app))?;
            app.dirty = false;
        }
        let now = app.ctx.clock.now();
        let wait = (app.next_wakeup(now) - now).to_std().unwrap_or_default();
        tokio::select! {
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) if key.kind == KeyEventKind::Press => {
                    app.now = app.ctx.clock.now();
                    app.on_key(key);
                }
                Some(Ok(Event::Resize(..))) => app.dirty = true,
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e.into()),
                None => return Ok(()),
            },
            Some(()) = changed.recv() => {
                while changed.try_recv().is_ok() {}
                app.now = app.ctx.clock.now();
                if app.store_down_since.is_none() {
                    reload(app, &*store);
                }
            }
            _ = poll.tick() => {
                app.now = app.ctx.clock.now();
                // While the store is away, ask it again every few polls, not every one.
                polls_while_down = if app.store_down_since.is_some() { polls_while_down + 1 } else { 0 };
                if polls_while_down % STORE_RETRY_POLLS == 0 {
                    match store.head() {
                        Ok(head) if head == app.data.head && app.store_down_since.is_none() => {}
                        Ok(_) => reload(app, &*store),
                        Err(e) => app.store_unreachable(&store_error(&e, app.lang())),
                    }
                }
            }
            Some(update) = ssh_rx.recv() => {
                if let app::SshUpdate::Done(record) = &update {
                    audit_ssh_run(app, &mut *store, record);
                }
                app.on_ssh(update);
            }
            _ = tokio::time::sleep(wait) => app.tick(app.ctx.clock.now()),
            _ = terminate.recv() => return Ok(()),
            _ = hangup.recv() => return Ok(()),
            _ = interrupt.recv() => return Ok(()),
        }
    }
}

fn reload(app: &mut App, store: &dyn Store) {
    match Snapshot::load(store, &app.ctx.site, app.now, app.detail.as_ref()) {
        Ok(data) => app.replace_data(data),
        Err(e) => {
            log::write(&format!("reload failed: {e}"));
            let text = store_error(&e, app.lang());
            app.store_unreachable(&text);
        }
    }
}

/// An SSH run to start on a worker thread.
pub struct SshJob {
    pub run: crate::ssh::ActionJob,
    pub witness: Option<String>,
    pub cancel: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

/// Runs an SSH job on a worker thread, streaming its output and endings to `updates`.
pub fn launch_ssh(job: SshJob, updates: tokio::sync::mpsc::UnboundedSender<app::SshUpdate>) {
    std::thread::spawn(move || {
        let on_chunk = |host: &str, stream: crate::ssh::session::Stream, chunk: &[u8]| {
            let stderr = stream == crate::ssh::session::Stream::Stderr;
            let _ =
                updates.send(app::SshUpdate::Chunk { host: host.to_string(), stderr, bytes: chunk.to_vec() });
        };
        let records = crate::ssh::run_action(&job.run, &job.cancel, &on_chunk);
        for mut record in records {
            record.witness = job.witness.clone();
            let _ = updates.send(app::SshUpdate::Done(Box::new(record)));
        }
    });
}

/// Performs what the app asked for, reporting each outcome back.
pub fn perform_effects(
    app: &mut App,
    store: &mut dyn Store,
    guard: &mut terminal::TerminalGuard,
    launch: &mut dyn FnMut(SshJob),
) {
    let desktop = notify::desktop_reachable();
    let mut alert = |app: &App| {
        guard.bell();
        if desktop && let Some((text, _)) = widgets::banner::describe(app) {
            notify::show(app.ctx.site.name.clone(), text);
        }
    };
    perform(app, store, &mut alert, launch);
}

/// As `perform_effects`, with the alert (bell, notification) and the SSH launcher passed
/// in: tests count rings and run SSH jobs themselves.
pub fn perform(
    app: &mut App,
    store: &mut dyn Store,
    bell: &mut dyn FnMut(&App),
    launch: &mut dyn FnMut(SshJob),
) {
    loop {
        let batch = std::mem::take(&mut app.effects);
        if batch.is_empty() {
            return;
        }
        let mut must_reload = false;
        for effect in batch {
            match effect {
                Effect::Reload => must_reload = true,
                duty @ (Effect::LogEntry(_)
                | Effect::Roster(_)
                | Effect::Handover { .. }
                | Effect::SignHandover { .. }
                | Effect::PassIncident { .. }
                | Effect::LoadStats
                | Effect::WriteReport(_)) => duty_effects::perform(app, store, duty),
                Effect::Bell => bell(app),
                Effect::Execute { target, command, expected_version } => {
                    let outcome = execute(app, store, target, command, expected_version);
                    app.on_outcome(outcome);
                }
                Effect::Run { run, command, expected_version } => {
                    let outcome = execute_run(app, store, run, command, expected_version);
                    app.on_outcome(outcome);
                }
                Effect::Ssh { hosts, action, witness } => {
                    let outcome = start_ssh(app, hosts, &action, witness, launch);
                    app.on_outcome(outcome);
                }
                Effect::Decline { run, reason } => {
                    let lang = app.lang();
                    let Some(actor) = app.ctx.operator.clone() else { continue };
                    let Some(slot) =
                        app.data.agenda.iter().find(|a| a.slot.run == run).map(|a| a.slot.clone())
                    else {
                        continue;
                    };
                    let outcome = match store.decline_run(
                        &slot,
                        &reason,
                        &actor,
                        &crate::cli::origin("console"),
                        app.ctx.clock.now(),
                    ) {
                        Ok(declined) => Outcome::Done(format!(
                            "{run}: {}{}",
                            event_kind("checklist.declined", lang),
                            if declined.late_notice {
                                lang.pick("（未提前两小时告知）", " (less than two hours' notice)")
                            } else {
                                ""
                            }
                        )),
                        Err(e) => Outcome::Failed { message: store_error(&e, lang), stale: false },
                    };
                    app.on_outcome(outcome);
                }
                Effect::Alarm(command) => {
                    let lang = app.lang();
                    let Some(actor) = app.ctx.operator.clone() else { continue };
                    let now = app.ctx.clock.now();
                    let request =
                        AlarmRequest { command, actor: &actor, origin: crate::cli::origin("console"), now };
                    let outcome = match store.record_alarm(request) {
                        Ok(event) => Outcome::Done(event_kind(&event.kind, lang).to_string()),
                        Err(e) => Outcome::Failed { message: store_error(&e, lang), stale: false },
                    };
                    app.on_outcome(outcome);
                }
            }
        }
        if must_reload {
            reload(app, store);
        }
    }
}

fn execute(
    app: &mut App,
    store: &mut dyn Store,
    target: Target,
    command: crate::domain::IncidentCommand,
    expected_version: Option<u64>,
) -> Outcome {
    let lang = app.lang();
    let Some(actor) = app.ctx.operator.clone() else {
        return Outcome::Failed { message: texts::READ_ONLY.get(lang).to_string(), stale: false };
    };
    let now = app.ctx.clock.now();
    let is_new = matches!(target, Target::New { .. });
    let request = IncidentRequest {
        target,
        command,
        actor: &actor,
        origin: crate::cli::origin("console"),
        occurred_at: now,
        now,
        expected_version,
    };
    match store.execute(request) {
        Ok(committed) => {
            let kind = committed.events.last().map_or("", |e| e.kind.as_str());
            if is_new {
                app.open_detail(committed.incident.id.clone());
            }
            Outcome::Done(done_text(&committed.incident.id, kind, committed.incident.version, lang))
        }
        Err(e @ StoreError::Stale { .. }) => Outcome::Failed { message: store_error(&e, lang), stale: true },
        Err(e) => Outcome::Failed { message: store_error(&e, lang), stale: false },
    }
}

/// Runs the system `ssh` on a host with the site's port, user and known_hosts; its start
/// and end are events (what is typed in it is not recorded).
fn shell(app: &mut App, store: &mut dyn Store, host_name: &str) -> Outcome {
    let lang = app.lang();
    let (Some(operator), Some(host)) = (app.ctx.operator.clone(), app.ctx.site.host(host_name).cloned())
    else {
        return Outcome::Failed { message: texts::READ_ONLY.get(lang).to_string(), stale: false };
    };
    let settings = &app.ctx.site.ssh;
    let target =
        crate::ssh::target_of(&host, &crate::cli::operator_login(), &|name| app.ctx.site.host(name).cloned());
    let mut command = std::process::Command::new("ssh");
    command
        .args(["-p", &target.address.port().to_string(), "-l", &target.user])
        .arg("-o")
        .arg(format!("UserKnownHostsFile={}", settings.known_hosts.display()))
        .args(["-o", "StrictHostKeyChecking=yes"]);
    for identity in &settings.identity_files {
        command.arg("-i").arg(identity);
    }
    command.arg(target.address.ip().to_string());
    let origin = crate::cli::origin("console");
    let subject = format!("host:{host_name}");
    let started = app.ctx.clock.now();
    let start =
        serde_json::json!({ "host": host_name, "address": target.address.to_string(), "user": target.user });
    if let Err(e) =
        store.record_event("ssh.shell_started", &subject, start.to_string(), &operator, &origin, started)
    {
        return Outcome::Failed { message: store_error(&e, lang), stale: false };
    }
    let status = command.status();
    let ended = app.ctx.clock.now();
    let result = match &status {
        Ok(status) => status.code().map_or_else(|| "killed by a signal".to_string(), |c| format!("exit {c}")),
        Err(e) => format!("could not start ssh: {e}"),
    };
    let end = serde_json::json!({ "host": host_name, "ending": result, "seconds": (ended - started).num_seconds() });
    if let Err(e) =
        store.record_event("ssh.shell_ended", &subject, end.to_string(), &operator, &origin, ended)
    {
        return Outcome::Failed { message: store_error(&e, lang), stale: false };
    }
    Outcome::Done(format!("{host_name}: {} ({result})", texts::SHELL_ENDED.get(lang)))
}

/// Every SSH run is an event: who, which host, which action, the exact command, how it
/// ended, output sizes and digests.
fn audit_ssh_run(app: &mut App, store: &mut dyn Store, record: &crate::ssh::runner::RunRecord) {
    let Some(operator) = app.ctx.operator.clone() else { return };
    let payload = serde_json::to_string(record).unwrap_or_default();
    let subject = format!("host:{}", record.host);
    if let Err(e) = store.record_event(
        "ssh.run",
        &subject,
        payload,
        &operator,
        &crate::cli::origin("console"),
        app.ctx.clock.now(),
    ) {
        log::write(&format!("recording an SSH run failed: {e}"));
        let text = store_error(&e, app.lang());
        app.say(text, true);
    }
}

fn start_ssh(
    app: &mut App,
    hosts: Vec<String>,
    action: &str,
    witness: Option<String>,
    launch: &mut dyn FnMut(SshJob),
) -> Outcome {
    let lang = app.lang();
    let Some(operator) = app.ctx.operator.clone() else {
        return Outcome::Failed { message: texts::READ_ONLY.get(lang).to_string(), stale: false };
    };
    if witness.as_deref() == Some(operator.id.as_str()) {
        return Outcome::Failed { message: texts::WITNESS_SELF.get(lang).to_string(), stale: false };
    }
    let site = &app.ctx.site;
    let Some(spec) = site.ssh.action(action).cloned() else {
        return Outcome::Failed { message: texts::NO_ACTIONS.get(lang).to_string(), stale: false };
    };
    let chosen: Vec<crate::config::Host> = hosts.iter().filter_map(|h| site.host(h).cloned()).collect();
    let cancel = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let job = SshJob {
        run: crate::ssh::ActionJob {
            hosts: chosen,
            jumps: site.hosts.clone(),
            action: spec,
            settings: site.ssh.clone(),
            default_user: crate::cli::operator_login(),
            clock: app.ctx.clock,
        },
        witness,
        cancel: cancel.clone(),
    };
    app.start_action_run(action, &hosts, cancel);
    launch(job);
    Outcome::Done(format!("{action}: {} {}", texts::RUNNING.get(lang), hosts.join(", ")))
}

fn execute_run(
    app: &mut App,
    store: &mut dyn Store,
    run: String,
    mut command: crate::domain::checklist::RunCommand,
    expected_version: Option<u64>,
) -> Outcome {
    let lang = app.lang();
    let Some(actor) = app.ctx.operator.clone() else {
        return Outcome::Failed { message: texts::READ_ONLY.get(lang).to_string(), stale: false };
    };
    // A marked item keeps the evidence of its bound check as it stood.
    if let crate::domain::checklist::RunCommand::Mark { item, evidence, .. } = &mut command {
        let check =
            app.open_run().and_then(|r| r.items.iter().find(|i| &i.id == item)).and_then(|i| i.check.clone());
        *evidence = check.map(|c| crate::agenda::evidence_of(&c, &app.data.checks, app.ctx.site.tz, lang));
    }
    let request = crate::store::RunRequest {
        run: run.clone(),
        command,
        actor: &actor,
        origin: crate::cli::origin("console"),
        now: app.ctx.clock.now(),
        expected_version,
    };
    match store.execute_run(request) {
        Ok(result) => {
            let notice =
                if result.paused.is_some() {
                    texts::PAUSED_FOR_LEAD.get(lang).to_string()
                } else if result.marks.values().any(|m| {
                    m.result != crate::domain::checklist::ItemResult::Normal && m.notified_at.is_none()
                }) {
                    texts::NOTIFY_NOW.get(lang).to_string()
                } else {
                    format!("{run}: {}/{}", result.marks.len(), result.items.len())
                };
            Outcome::Done(notice)
        }
        Err(e @ StoreError::StaleRun { .. }) => {
            Outcome::Failed { message: store_error(&e, lang), stale: true }
        }
        Err(e) => Outcome::Failed { message: store_error(&e, lang), stale: false },
    }
}

fn done_text(id: &IncidentId, kind: &str, version: u64, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{id}：{}（第 {version} 版）", event_kind(kind, lang)),
        Lang::En => format!("{id}: {} (version {version})", event_kind(kind, lang)),
    }
}

/// The keymap in force: `--keymap NAME|FILE`, else the user's file over the default.
pub fn load_keymap(flag: Option<&str>, config_dir: &Path) -> anyhow::Result<keymap::Keymap> {
    let default = keymap::Keymap::builtin("default").expect("the default keymap is built in");
    let user_file = config_dir.join("keymap.toml");
    Ok(match flag {
        Some(name) if keymap::Keymap::builtin(name).is_some() => keymap::Keymap::builtin(name).unwrap(),
        Some(path) => keymap::Keymap::load_over(&default, Path::new(path))?,
        None if user_file.exists() => keymap::Keymap::load_over(&default, &user_file)?,
        None => default,
    })
}

/// The theme in force: mono under NO_COLOR or a terminal with few colours; else
/// `--theme NAME|FILE`, else the user's file over the dark theme.
pub fn load_theme(flag: Option<&str>, config_dir: &Path) -> anyhow::Result<theme::Theme> {
    let no_colour = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let few_colours = std::env::var("TERM")
        .map_or(true, |t| matches!(t.as_str(), "" | "dumb" | "vt100" | "vt102" | "vt220" | "ansi"));
    if no_colour || few_colours {
        crossterm::style::force_color_output(true);
        return Ok(theme::Theme::builtin("mono").expect("mono is built in"));
    }
    let truecolor = theme::truecolor_from_env();
    let dark = theme::Theme::builtin("dark").expect("dark is built in");
    let user_file = config_dir.join("theme.toml");
    Ok(match flag {
        Some(name) if theme::Theme::builtin(name).is_some() => theme::Theme::builtin(name).unwrap(),
        Some(path) => theme::Theme::load_over(&dark, Path::new(path), truecolor)?,
        None if user_file.exists() => theme::Theme::load_over(&dark, &user_file, truecolor)?,
        None => dark,
    })
}
