//! The full-screen console: a view of the record plus key handling.
//!
//! `app` holds the state and turns keys into effects; `effects` performs them, handing
//! what needs the record to the store worker in `link` (the console's own thread never
//! waits on the store); `snapshot` is what the worker reads for it; `ui`, `screens`,
//! `popups` and `widgets` draw; this module runs the event loop.

pub mod action;
pub mod app;
pub mod colours;
pub mod commands;
pub mod cursor;
pub mod duty_forms;
pub mod effect;
pub mod effects;
pub mod form;
pub mod forms;
pub mod keymap;
pub mod link;
pub mod lock;
pub mod notify;
pub mod popups;
pub mod screens;
pub mod snapshot;
pub mod terminal;
pub mod theme;
pub mod ui;
pub mod view;
pub mod widgets;

use std::path::Path;
use std::time::Duration as StdDuration;

use crossterm::event::{Event, EventStream, KeyEventKind};
use futures_util::StreamExt;
use tokio::signal::unix::{SignalKind, signal};

use crate::engine::health::Health;
use crate::engine::runner::EngineRun;
use crate::engine::supervisor::Supervised;
use crate::store::{Location, Store};
use app::{App, Context};
use effects::Effects;
pub use effects::SshJob;
use link::{Heard, Job, Link};
use snapshot::Snapshot;

/// A store call waiting longer than this shows "store slow since".
const SLOW: chrono::Duration = chrono::Duration::seconds(1);
/// How long a quitting console waits for its engine to give the lease back.
const ENGINE_STOP_WAIT: StdDuration = StdDuration::from_millis(800);

/// How the console ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Ending {
    /// The operator quit, or a signal asked it to.
    Quit,
    /// The terminal went away (the SSH connection dropped, the pane was killed).
    TerminalGone(String),
}

/// Runs the console until the operator quits, a signal arrives or the terminal goes.
/// When the site has checks or alert sources, the engine runs too, on its own thread;
/// it only probes while this process holds the lease (when no `duty engine` or other
/// console does).
pub fn run(ctx: Context, via: Via) -> anyhow::Result<Ending> {
    // Secrets are typed into this process: no other process of the same account may
    // attach to it or read its memory (ptrace, /proc/PID/mem), nor may it dump core.
    // SAFETY: prctl with PR_SET_DUMPABLE takes plain integers and changes only this process.
    unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0) };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async move {
        let (heard_tx, heard) = tokio::sync::mpsc::unbounded_channel();
        let (link, location, ssh) = match via {
            Via::Store { location, seat } => {
                let link = Link::local(location.clone(), ctx.site.clone(), seat, ctx.clock, heard_tx);
                (link, Some(location), SshWay::Here(crate::ssh::pool::Pool::of(&ctx.site.ssh)))
            }
            Via::Service { socket } => {
                (service_link(&socket, &ctx, heard_tx), None, SshWay::Service(socket.clone()))
            }
        };
        // On a shared server, others' commits are heard at once; the worker's poll stays
        // as the safety net.
        if let Some(Location::Postgres(url)) = &location {
            let (changed_tx, mut changed) = tokio::sync::mpsc::unbounded_channel();
            tokio::spawn(crate::store::postgres::watch_changes(url.clone(), changed_tx));
            let jobs = link.sender();
            tokio::spawn(async move {
                while changed.recv().await.is_some() {
                    if jobs.send(Job::Poll).is_err() {
                        return;
                    }
                }
            });
        }
        let (sites_tx, sites) = tokio::sync::watch::channel(ctx.site.clone());
        let (problems_tx, problems) = tokio::sync::watch::channel(None);
        tokio::spawn(crate::config::watch::watch(ctx.site.dir.clone(), sites_tx, problems_tx));
        // Through the service, the service runs the engine.
        let mut engine = location.as_ref().and_then(|location| start_engine(&ctx, location));
        let now = ctx.clock.now();
        let mut app = App::new(ctx, Snapshot::default(), now);
        // The worker's first snapshot is on its way; until then the screens say so.
        app.loaded = false;
        let mut guard = terminal::TerminalGuard::enter()?;
        crate::log::write("console started");
        let mut lifeline =
            Lifeline { link, engine: engine.as_ref().map(|e| e.health.clone()), sites, problems, ssh };
        let ending =
            event_loop(&mut app, &mut lifeline, heard, &mut guard, &mut engine, location.as_ref()).await;
        // The terminal first: a vanished one is not written to again.
        match &ending {
            Ok(Ending::TerminalGone(_)) => guard.abandon(),
            _ => drop(guard),
        }
        if let Some(engine) = engine {
            engine.stop(ENGINE_STOP_WAIT);
        }
        match &ending {
            Ok(Ending::Quit) => crate::log::write("console stopped"),
            Ok(Ending::TerminalGone(why)) => {
                crate::log::write(&format!("console stopped: the terminal went away ({why})"))
            }
            Err(e) => crate::log::write(&format!("console stopped: {e:#}")),
        }
        ending
    })
}

/// What the console works through.
pub enum Via {
    /// A store in this process, with who is at this console.
    Store { location: Location, seat: crate::ops::Seat },
    /// The site's service (it knows who we are from the kernel).
    Service { socket: std::path::PathBuf },
}

/// A link through the service: calls on one connection, and the service's pushes of
/// every commit heard on another (made again, after a pause, if it is lost).
fn service_link(
    socket: &std::path::Path,
    ctx: &Context,
    heard: tokio::sync::mpsc::UnboundedSender<Heard>,
) -> Link {
    let (path, lang) = (socket.to_path_buf(), ctx.lang);
    let opener: link::Opener = Box::new(move || {
        let remote = crate::service::client::Remote::connect(&path, "console", lang)?;
        Ok((Box::new(remote) as Box<dyn crate::ops::record::Record>, None))
    });
    let link = Link::start(opener, ctx.site.clone(), ctx.clock, heard);
    let (path, jobs) = (socket.to_path_buf(), link.sender());
    std::thread::Builder::new()
        .name("duty-pushes".into())
        .spawn(move || {
            loop {
                let subscribed =
                    crate::service::client::Remote::connect(&path, "console", lang).and_then(|remote| {
                        remote.subscribe(|events| {
                            let job = if events.is_empty() { Job::Load } else { Job::Committed(events) };
                            jobs.send(job).is_ok()
                        })
                    });
                if subscribed.is_ok() {
                    return;
                }
                // The service is away: the worker says so; listen again when it is back.
                std::thread::sleep(StdDuration::from_secs(2));
                if jobs.send(Job::Poll).is_err() {
                    return;
                }
            }
        })
        .expect("the push listener starts");
    link
}

/// A console's engine, when the site gives it work.
fn start_engine(ctx: &Context, location: &Location) -> Option<Supervised> {
    if !ctx.site.has_engine_work() {
        return None;
    }
    let holder = crate::engine::runner::holder_id("console");
    let (health, _) =
        tokio::sync::watch::channel(Health::new(&holder, &location.ledger_key(), ctx.clock.now()));
    let run = EngineRun {
        location: location.clone(),
        ledger: crate::store::seen::Ledger::at(&crate::paths::seen_dir()),
        holder,
        clock: ctx.clock,
        ssh_user: ctx.login.clone(),
        outage_limit: None,
        health,
        board: Some(crate::engine::health::Board::at(&crate::paths::health_dir())),
    };
    match Supervised::start(run, ctx.site.clone()) {
        Ok(engine) => Some(engine),
        Err(e) => {
            crate::log::write(&format!("engine not started: {e}"));
            None
        }
    }
}

/// What keeps the console in touch with the world besides the terminal.
struct Lifeline {
    link: Link,
    /// Where SSH actions run.
    ssh: SshWay,
    engine: Option<tokio::sync::watch::Receiver<Health>>,
    sites: tokio::sync::watch::Receiver<crate::config::Site>,
    problems: tokio::sync::watch::Receiver<crate::config::watch::Problems>,
}

/// Whether an error from the terminal means it is gone (so the console ends quietly).
fn terminal_gone(error: &std::io::Error) -> bool {
    use std::io::ErrorKind as K;
    matches!(error.kind(), K::BrokenPipe | K::UnexpectedEof | K::NotConnected | K::WriteZero)
        || matches!(error.raw_os_error(), Some(libc::EIO | libc::ENXIO | libc::EBADF | libc::ENOTTY))
}

async fn event_loop(
    app: &mut App,
    lifeline: &mut Lifeline,
    mut heard_rx: tokio::sync::mpsc::UnboundedReceiver<Heard>,
    guard: &mut terminal::TerminalGuard,
    engine: &mut Option<Supervised>,
    location: Option<&Location>,
) -> anyhow::Result<Ending> {
    let mut events = EventStream::new();
    if let Ok(size) = guard.terminal.size() {
        app.screen = (size.width, size.height);
    }
    let mut terminate = signal(SignalKind::terminate())?;
    let mut hangup = signal(SignalKind::hangup())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut quit = signal(SignalKind::quit())?;
    let (ssh_tx, mut ssh_rx) = tokio::sync::mpsc::unbounded_channel::<app::SshUpdate>();
    let ssh_way = lifeline.ssh.clone();
    let mut launch = |job: SshJob| launch_ssh(job, &ssh_way, ssh_tx.clone());
    let mut effects = Effects::default();
    let desktop = notify::desktop_reachable();
    app.tick(app.ctx.clock.now());
    loop {
        {
            let link = &lifeline.link;
            let mut send = |job: Job| link.send(job);
            let mut bell = |app: &App| {
                guard.bell();
                // Locked, the bell rings but no text of the centre goes to the desktop.
                if desktop
                    && !app.lock.shown
                    && let Some((text, _)) = widgets::banner::describe(app)
                {
                    notify::show(app.ctx.site.name.clone(), text);
                }
            };
            effects.drain(app, &mut send, &mut bell, &mut launch);
        }
        if app.quit {
            return Ok(Ending::Quit);
        }
        if let Some(host) = app.pending_shell.take() {
            // The shell and the console must never both read the terminal: stop our
            // reader first, hand the terminal over, take it back, start a new reader.
            drop(events);
            guard.suspend();
            let started = app.ctx.clock.now();
            let ending = shell(app, &host);
            guard.resume()?;
            events = EventStream::new();
            let seconds = (app.ctx.clock.now() - started).num_seconds();
            let link = &lifeline.link;
            effects.shell_ended(app, host, ending, seconds, &mut |job| link.send(job));
            app.dirty = true;
            continue;
        }
        if app.dirty {
            if let Err(e) = guard.terminal.draw(|frame| ui::draw(frame, app)) {
                if terminal_gone(&e) {
                    return Ok(Ending::TerminalGone(e.to_string()));
                }
                return Err(e.into());
            }
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
                Some(Ok(Event::Resize(width, height))) => {
                    app.screen = (width, height);
                    app.dirty = true;
                }
                Some(Ok(_)) => {}
                Some(Err(e)) if terminal_gone(&e) => return Ok(Ending::TerminalGone(e.to_string())),
                Some(Err(e)) => return Err(e.into()),
                None => return Ok(Ending::TerminalGone("end of input".into())),
            },
            Some(heard) = heard_rx.recv() => {
                app.now = app.ctx.clock.now();
                effects.heard(app, heard);
                while let Ok(more) = heard_rx.try_recv() {
                    effects.heard(app, more);
                }
            }
            Some(update) = ssh_rx.recv() => {
                if let app::SshUpdate::Done { record, recorded: false } = &update {
                    let link = &lifeline.link;
                    effects.ssh_ran(app, record.clone(), &mut |job| link.send(job));
                }
                app.on_ssh(update);
            }
            Ok(()) = lifeline.sites.changed() => {
                let site = lifeline.sites.borrow_and_update().clone();
                lifeline.link.send(Job::Site(Box::new(site.clone())));
                match (engine.as_ref(), location) {
                    (Some(engine), _) => engine.new_site(site.clone()),
                    (None, Some(location)) => {
                        app.ctx.site = site.clone();
                        *engine = start_engine(&app.ctx, location);
                        lifeline.engine = engine.as_ref().map(|e| e.health.clone());
                    }
                    (None, None) => {}
                }
                app.replace_site(site);
            }
            Ok(()) = lifeline.problems.changed() => {
                app.trouble.site_problems = lifeline.problems.borrow_and_update().clone();
                app.dirty = true;
            }
            _ = tokio::time::sleep(wait) => {
                let now = app.ctx.clock.now();
                // "Store slow": the worker has been inside one call, or a request of ours
                // has waited, for more than a second.
                let waiting = [lifeline.link.busy_since(), effects.oldest_waiting()].into_iter().flatten().min();
                app.trouble.store_slow_since = waiting.filter(|since| now - *since > SLOW);
                app.trouble.engine = lifeline.engine.as_ref().map(|h| h.borrow().clone());
                app.tick(now);
            }
            _ = terminate.recv() => return Ok(Ending::Quit),
            _ = interrupt.recv() => return Ok(Ending::Quit),
            _ = quit.recv() => return Ok(Ending::Quit),
            _ = hangup.recv() => return Ok(Ending::TerminalGone("SIGHUP".into())),
        }
    }
}

/// Where the console's SSH actions run: here, with this console's connections (a
/// local store), or at the service, with its key (the engineer holds none).
#[derive(Clone)]
pub enum SshWay {
    Here(std::sync::Arc<crate::ssh::pool::Pool>),
    Service(std::path::PathBuf),
}

/// Runs an SSH job on a worker thread, streaming its output and endings to `updates`.
/// Here, the console records each run as its operator's (the job's `record`); at the
/// service, the service does.
pub fn launch_ssh(job: SshJob, way: &SshWay, updates: tokio::sync::mpsc::UnboundedSender<app::SshUpdate>) {
    let way = way.clone();
    std::thread::spawn(move || {
        let on_chunk = |host: &str, stream: crate::ssh::session::Stream, chunk: &[u8]| {
            let stderr = stream == crate::ssh::session::Stream::Stderr;
            let _ =
                updates.send(app::SshUpdate::Chunk { host: host.to_string(), stderr, bytes: chunk.to_vec() });
        };
        let records = match &way {
            SshWay::Here(pool) => crate::ops::ssh::run(
                &job.site,
                &job.plan,
                pool,
                &job.login,
                job.clock,
                &job.cancel,
                &on_chunk,
            ),
            SshWay::Service(socket) => {
                let ran = crate::service::client::Remote::connect(socket, "console", job.lang)
                    .and_then(|remote| remote.run_ssh(&job.ask, &on_chunk, Some(&job.cancel)));
                match ran {
                    Ok(records) => records,
                    Err(e) => {
                        let _ = updates.send(app::SshUpdate::Failed(crate::i18n::store_error(&e, job.lang)));
                        return;
                    }
                }
            }
        };
        let recorded = matches!(way, SshWay::Service(_));
        for record in records {
            let _ = updates.send(app::SshUpdate::Done { record: Box::new(record), recorded });
        }
    });
}

/// Runs the system `ssh` on a host with the site's port, user and known_hosts; returns
/// how it ended (its start and end are on the record; what is typed in it is not).
fn shell(app: &App, host_name: &str) -> String {
    let Some(target) = effects::shell_target(app, host_name) else { return "no such host".into() };
    let settings = &app.ctx.site.ssh;
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
    match command.status() {
        Ok(status) => status.code().map_or_else(|| "killed by a signal".to_string(), |c| format!("exit {c}")),
        Err(e) => format!("could not start ssh: {e}"),
    }
}

/// Performs the app's effects against a store at hand, synchronously, as the worker
/// would: for tests, which count rings and run SSH jobs themselves.
pub fn perform(
    app: &mut App,
    store: &mut dyn Store,
    bell: &mut dyn FnMut(&App),
    launch: &mut dyn FnMut(SshJob),
) {
    let mut effects = Effects::default();
    let mut seat =
        crate::ops::Seat::new(&app.ctx.login, "console test".into(), app.lang(), app.ctx.operator.clone());
    loop {
        let mut jobs = Vec::new();
        effects.drain(app, &mut |job| jobs.push(job), bell, launch);
        if jobs.is_empty() {
            return;
        }
        let mut load = false;
        for job in jobs {
            let site = app.ctx.site.clone();
            let mut record = crate::ops::record::AtHand {
                store: &mut *store,
                site: site.clone(),
                clock: app.ctx.clock,
                seat: seat.clone(),
            };
            let answers = link::answer(job, &mut record, &site, app.ctx.clock, &mut load);
            seat = record.seat;
            for heard in answers {
                effects.heard(app, heard);
            }
        }
        if load {
            let detail = app.queue.detail.clone();
            match Snapshot::load(&*store, &app.ctx.site, app.ctx.clock.now(), detail.as_ref()) {
                Ok(snapshot) => effects.heard(app, Heard::Loaded(Box::new(snapshot))),
                Err(e) => effects.heard(
                    app,
                    Heard::Down { since: app.now, error: crate::i18n::store_error(&e, app.lang()) },
                ),
            }
        }
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
