//! The command line: the console by default (not built yet), and subcommands for
//! scripting and tests. Exit codes: 0 done, 1 refused by a rule, 2 bad usage or config.

mod audit;
mod change;
mod checklist;
mod console;
mod duty;
mod engine;
mod examples;
mod help_text;
mod help_zh;
mod incident;
mod kb;
mod listing;
mod maintenance;
mod manual;
mod passwd;
mod problem;
mod serve;
mod site;
mod ssh;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::clock::Clock;
use crate::config::{ConfigErrors, Site};
use crate::domain::Operator;
use crate::i18n::Lang;
use crate::identity::Identity;
use crate::store::{Location, Opened, StoreError};

/// Duty Console (值班控制台): incidents and their SLA clocks, inspections, SSH triage and
/// the duty log for the machine room's duty engineers.
#[derive(Parser, Debug)]
#[command(name = "duty", version, about)]
pub struct Cli {
    /// The site folder [env: DUTY_SITE; default: $XDG_CONFIG_HOME/duty/site]
    #[arg(long, global = true, help_heading = "Global options")]
    site: Option<PathBuf>,
    /// The store file [env: DUTY_STORE; default: $XDG_DATA_HOME/duty/duty.db]
    #[arg(long, global = true, help_heading = "Global options")]
    store: Option<PathBuf>,
    /// Language of messages: zh or en [default: the site's, else the locale's]
    #[arg(long, global = true, help_heading = "Global options")]
    lang: Option<Lang>,
    #[command(flatten)]
    look: Look,
    #[command(subcommand)]
    command: Option<Command>,
}

/// How the console looks and which keys it takes: options of the commands that start
/// one (`duty`, `duty demo`) and of `duty config check`, which checks the files.
#[derive(clap::Args, Debug, Default)]
struct Look {
    /// Keymap: a built-in name (default, vim) or a file [default: $XDG_CONFIG_HOME/duty/keymap.toml over default]
    #[arg(long, help_heading = "Console options")]
    keymap: Option<String>,
    /// Theme: a built-in name (dark, light, high-contrast, mono) or a file [default: $XDG_CONFIG_HOME/duty/theme.toml over dark]
    #[arg(long, help_heading = "Console options")]
    theme: Option<String>,
}

impl Look {
    /// This command's own choice, else the one given before it (`duty --theme light demo`).
    fn or(self, before: Look) -> Look {
        Look { keymap: self.keymap.or(before.keymap), theme: self.theme.or(before.theme) }
    }
}

#[derive(Subcommand, Debug)]
enum Command {
    /// The console on a built-in demo centre, in a fresh temporary store
    Demo {
        /// Keep the demo site and store in this folder instead of a temporary one
        #[arg(long)]
        dir: Option<PathBuf>,
        #[command(flatten)]
        look: Look,
    },
    /// Write a commented sample site (the centre's machines, the contract's rules)
    Init {
        /// Where to write it [default: the site folder]
        dir: Option<PathBuf>,
    },
    /// Check the site configuration
    Config {
        #[command(subcommand)]
        command: site::ConfigCommand,
    },
    /// Record and work incidents
    Incident {
        #[command(subcommand)]
        command: incident::IncidentAction,
    },
    /// Run the engine headless (probes, alert sources): for a systemd unit. Only the
    /// process holding the lease runs checks; others wait to take over.
    Engine,
    /// Run the service (store, engine, Unix socket): every console and command of a site
    /// with a [service] section goes through it, and the kernel says who each one is
    Serve,
    /// Print the manual page (roff): `duty man | man -l -`
    Man,
    /// Print a completion script: `duty completions bash > /etc/bash_completion.d/duty`
    Completions {
        /// bash, zsh or fish
        shell: manual::Shell,
    },
    /// The machines as the inspection sheet shows them, live: √ normal, ! warning,
    /// × critical, ? unknown or not run, - no such check on that machine
    Status {
        /// Print JSON (for scripts)
        #[arg(long)]
        json: bool,
    },
    /// Inspections (巡检): the twice-daily data-exchange check and the inspection sheets
    Checklist {
        #[command(subcommand)]
        command: checklist::ChecklistCommand,
    },
    /// SSH triage actions on the machines (every run is in the audit log)
    Ssh {
        #[command(subcommand)]
        command: ssh::SshCommand,
    },
    /// The knowledge base (知识库): what fixed it last time, searched in Chinese and English
    Kb {
        #[command(subcommand)]
        command: kb::KbAction,
    },
    /// Problems (问题): what lies behind incidents not fully solved, and the monthly review
    Problem {
        #[command(subcommand)]
        command: problem::ProblemAction,
    },
    /// Changes (变更): request, a lead's approval (outside working hours), the window, the result
    Change {
        #[command(subcommand)]
        command: change::ChangeAction,
    },
    /// Maintenance windows: failures inside one are shown but open no incident
    Maintenance {
        #[command(subcommand)]
        command: maintenance::MaintenanceCommand,
    },
    /// Where the contract stands: late responses and breaches in the contract period
    Contract {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Reports: the handover, a fault report (故障报告单), the weekly and monthly service reports
    Report {
        #[command(subcommand)]
        command: duty::ReportCommand,
    },
    /// Shift handovers: list them, sign one
    Handover {
        #[command(subcommand)]
        command: duty::HandoverCommand,
    },
    /// Who is on duty in each shift
    Roster {
        #[command(subcommand)]
        command: duty::RosterCommand,
    },
    /// The duty log (值班记录) of the shift in force
    Log {
        #[command(subcommand)]
        command: duty::LogCommand,
    },
    /// Prove the record: verify the hash chain, read the log
    Audit {
        #[command(subcommand)]
        command: audit::AuditCommand,
    },
    /// Maintain the store
    Store {
        #[command(subcommand)]
        command: audit::StoreCommand,
    },
    /// Set your own secret for signing in at the shared duty terminal (:login in its
    /// console), in your own session; typed twice, never shown
    Passwd {
        /// Also set up a time-based code from an authenticator app (a second factor)
        #[arg(long)]
        second_factor: bool,
    },
}

/// A failure with its exit code.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// Refused by a rule (exit 1).
    #[error("{0}")]
    Refused(String),
    /// Bad usage or bad configuration (exit 2).
    #[error("{0}")]
    Usage(String),
}

/// Runs the command line and returns the process exit code.
pub fn run() -> ExitCode {
    use clap::{CommandFactory, FromArgMatches};
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // Help and usage errors in the reader's language, with the examples: the tree is
    // dressed for them only when a line asks for help or does not parse.
    let reader = help_text::language(&args);
    let plain = Cli::command().try_get_matches_from(&args);
    let matches =
        match plain.or_else(|_| help_text::localized(Cli::command(), reader).try_get_matches_from(args)) {
            Ok(matches) => matches,
            Err(error)
                if reader == Lang::Zh
                    && error.use_stderr()
                    && error.kind() != clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand =>
            {
                // Not eprint!: a stderr that is gone must not panic.
                let _ = write!(std::io::stderr(), "{}", help_text::error_in_chinese(&error));
                return ExitCode::from(2);
            }
            Err(error) => error.exit(),
        };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(error) => error.exit(),
    };
    let lang = cli.lang.unwrap_or_else(Lang::from_locale);
    quiet_on_broken_pipe();
    let done = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| dispatch(cli))) {
        Ok(done) => done,
        // The reader went away (`duty incident show ID | head -3`): ended quietly, as
        // a shell tool ends, with 128 + SIGPIPE.
        Err(payload) if is_broken_pipe(payload.as_ref()) => return ExitCode::from(141),
        Err(payload) => std::panic::resume_unwind(payload),
    };
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let (code, text) = describe_failure(&error, lang);
            // Not eprintln!: a stderr that is gone (a closed terminal) must not panic.
            let _ = writeln!(std::io::stderr(), "duty: {text}");
            ExitCode::from(code)
        }
    }
}

/// Prints a value as JSON for scripts: lossless, and with every character a terminal
/// or an editor would hide or reorder (C1, bidi, zero-width) as a `\u` escape.
fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    println!("{}", crate::text::json_invisible_escaped(&serde_json::to_string_pretty(value)?));
    Ok(())
}

/// Whether a panic is the standard library's "failed printing to stdout: Broken pipe".
fn is_broken_pipe(payload: &(dyn std::any::Any + Send)) -> bool {
    let text = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or_default();
    text.contains("Broken pipe") || text.contains("os error 32")
}

/// A print to a reader that has gone says nothing on stderr (the panic it raises is
/// caught in `run`); any other panic is reported as ever.
fn quiet_on_broken_pipe() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !is_broken_pipe(info.payload()) {
            previous(info);
        }
    }));
}

fn describe_failure(error: &anyhow::Error, lang: Lang) -> (u8, String) {
    if let Some(errors) = error.downcast_ref::<ConfigErrors>() {
        return (2, errors.to_string());
    }
    if let Some(failure) = error.downcast_ref::<Failure>() {
        let code = if matches!(failure, Failure::Usage(_)) { 2 } else { 1 };
        return (code, failure.to_string());
    }
    if let Some(store) = error.downcast_ref::<StoreError>() {
        return (1, crate::i18n::store_error(store, lang));
    }
    (1, format!("{error:#}"))
}

fn dispatch(cli: Cli) -> anyhow::Result<()> {
    let clock = Clock::of_process().map_err(Failure::Usage)?;
    let lang = cli.lang.unwrap_or_else(Lang::from_locale);
    let identity = Identity::of_process().map_err(|e| Failure::Refused(crate::i18n::forbidden(&e, lang)))?;
    let mut command = cli.command;
    let look = match &mut command {
        Some(Command::Demo { look, .. }) => std::mem::take(look).or(cli.look),
        Some(Command::Config { command: site::ConfigCommand::Check { look } }) => {
            std::mem::take(look).or(cli.look)
        }
        _ => cli.look,
    };
    let paths = Paths {
        site: cli.site,
        store: cli.store,
        lang: cli.lang,
        keymap: look.keymap,
        theme: look.theme,
        clock,
        identity,
    };
    match command {
        None => console::run_console(&paths),
        Some(Command::Demo { dir, .. }) => console::run_demo(&paths, dir),
        Some(Command::Init { dir }) => site::init(&paths, dir),
        Some(Command::Engine) => engine::engine(&paths),
        Some(Command::Serve) => serve::serve(&paths),
        Some(Command::Man) => {
            print!("{}", manual::man_page(&<Cli as clap::CommandFactory>::command()));
            Ok(())
        }
        Some(Command::Completions { shell }) => {
            print!("{}", manual::completions(&<Cli as clap::CommandFactory>::command(), shell));
            Ok(())
        }
        Some(Command::Status { json }) => engine::status(&paths, json),
        Some(Command::Maintenance { command }) => maintenance::run(&paths, command),
        Some(Command::Change { command }) => change::run(&paths, command),
        Some(Command::Problem { command }) => problem::run(&paths, command),
        Some(Command::Kb { command }) => kb::run(&paths, command),
        Some(Command::Checklist { command }) => checklist::run(&paths, command),
        Some(Command::Report { command }) => duty::report(&paths, command),
        Some(Command::Handover { command }) => duty::handover(&paths, command),
        Some(Command::Roster { command }) => duty::roster(&paths, command),
        Some(Command::Log { command }) => duty::log(&paths, command),
        Some(Command::Ssh { command }) => ssh::run(&paths, command),
        Some(Command::Config { command }) => site::config(&paths, command),
        Some(Command::Incident { command }) => incident::run(&paths, command),
        Some(Command::Contract { json }) => incident::contract(&paths, json),
        Some(Command::Audit { command }) => audit::audit(&paths, command),
        Some(Command::Store { command }) => audit::store(&paths, command),
        Some(Command::Passwd { second_factor }) => passwd::passwd(&paths, second_factor),
    }
}

/// Where the site and store are, before anything is loaded.
pub struct Paths {
    site: Option<PathBuf>,
    store: Option<PathBuf>,
    lang: Option<Lang>,
    keymap: Option<String>,
    theme: Option<String>,
    /// The process's one clock.
    clock: Clock,
    /// Who is acting, as the kernel says.
    identity: Identity,
}

impl Paths {
    fn site_dir(&self) -> PathBuf {
        self.site.clone().unwrap_or_else(crate::paths::site_dir)
    }

    /// Where the user's keymap.toml and theme.toml live.
    fn user_config_dir(&self) -> PathBuf {
        crate::paths::user_config_dir()
    }

    /// The store: `--store`, then `DUTY_STORE`, then the site's `store`, then the
    /// default file.
    fn store_location(&self, site: &Site) -> Location {
        let explicit = self.store.clone().or_else(crate::paths::store_from_env);
        match (explicit, &site.store) {
            (Some(path), _) => Location::parse(&path),
            (None, Some(location)) => location.clone(),
            (None, None) => Location::File(crate::paths::default_store()),
        }
    }

    /// Loads the site for a command that can do without the files of it that have
    /// problems (hosts, checks, sources, SSH, checklists, the calendar): those are left
    /// out with a warning naming their problems. `site.toml` and `sla.toml` must be
    /// sound. The language follows `--lang`, then the site, then the locale.
    fn load(&self) -> anyhow::Result<Session> {
        let (session, left_out) = self.load_lenient()?;
        if let Some(problems) = left_out {
            eprintln!("duty: {}", crate::i18n::left_out(&problems, session.lang));
        }
        Ok(session)
    }

    /// As `load`, returning the problems of the files left out.
    fn load_lenient(&self) -> anyhow::Result<(Session, Option<ConfigErrors>)> {
        self.site_is_there()?;
        let (site, left_out) = Site::load_lenient(&self.site_dir())?;
        Ok((self.session(site), left_out))
    }

    /// Loads the whole site, refusing any problem: for what needs all of it (checking
    /// the configuration, the engine, the status board, SSH, inspections).
    fn load_strict(&self) -> anyhow::Result<Session> {
        self.site_is_there()?;
        Ok(self.session(Site::load(&self.site_dir())?))
    }

    /// No site at all is not a configuration error but a first start: say how to begin.
    fn site_is_there(&self) -> Result<(), Failure> {
        let dir = self.site_dir();
        if std::fs::symlink_metadata(dir.join("site.toml")).is_ok() {
            return Ok(());
        }
        let dir = crate::text::visible(&dir.display().to_string(), false).into_owned();
        Err(Failure::Refused(match self.lang.unwrap_or_else(Lang::from_locale) {
            Lang::Zh => format!(
                "没有站点：{dir} 中没有 site.toml。运行 duty init 写一份示例站点，或运行 duty demo 试用演示中心"
            ),
            Lang::En => format!(
                "no site: {dir} has no site.toml. Run duty init to write a sample site, or duty demo to try the demo centre"
            ),
        }))
    }

    fn session(&self, site: Site) -> Session {
        let lang = self.lang.or(site.language).unwrap_or_else(Lang::from_locale);
        crate::i18n::show_times_in(site.tz);
        let store = self.store_location(&site);
        Session { site, lang, store, clock: self.clock, identity: self.identity.clone() }
    }
}

/// A loaded site with the language and store location for this command.
pub struct Session {
    site: Site,
    lang: Lang,
    store: Location,
    clock: Clock,
    identity: Identity,
}

impl Session {
    /// Now, by the process's clock.
    pub(super) fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// A typed time, read in the site's zone as of now (a bad one is a usage error).
    pub(super) fn time(
        &self,
        typed: &crate::time::UserTime,
    ) -> Result<chrono::DateTime<chrono::Utc>, Failure> {
        typed.at(self.site.tz, self.now()).map_err(Failure::Usage)
    }

    /// The same for an optional one.
    pub(super) fn time_opt(
        &self,
        typed: &Option<crate::time::UserTime>,
    ) -> Result<Option<chrono::DateTime<chrono::Utc>>, Failure> {
        typed.as_ref().map(|t| self.time(t)).transpose()
    }

    pub(super) fn store_location(&self) -> Location {
        self.store.clone()
    }

    /// The service this command goes through, when the site has one.
    fn service(&self) -> Option<&std::path::Path> {
        self.site.service.as_ref().map(|s| s.socket.as_path())
    }

    /// The record to read: the service's, when the site has one; else the store,
    /// opened to read (nothing is created, migrated or written).
    fn open_store(&self) -> anyhow::Result<Reader> {
        match self.service() {
            Some(socket) => Ok(Reader::Service(self.remote(socket)?.into_store())),
            None => Ok(Reader::Local(self.open(false)?)),
        }
    }

    fn remote(&self, socket: &std::path::Path) -> anyhow::Result<crate::service::client::Remote> {
        crate::service::client::Remote::connect(socket, "cli", self.lang)
            .map_err(|e| anyhow::anyhow!("{}", crate::i18n::store_error(&e, self.lang)))
    }

    /// Opens the store itself to write (creating it, or migrating it, if need be),
    /// whatever the site says of a service: the service's own start, maintenance.
    fn open_store_to_write(&self) -> anyhow::Result<Opened> {
        self.open(true)
    }

    fn open(&self, write: bool) -> anyhow::Result<Opened> {
        let ledger = crate::store::seen::Ledger::at(&crate::paths::seen_dir());
        let opened = self.store.open_checked(write, &ledger, self.clock).map_err(|e| {
            anyhow::anyhow!("{}: {}", self.store.label(), crate::i18n::store_error(&e, self.lang))
        })?;
        if let Some(bad) = &opened.tail.first_bad {
            // The command goes on (the record must still be kept at 3 a.m.), but nobody
            // is left thinking the record is sound.
            eprintln!("duty: {}", crate::i18n::tail_broken(bad, self.lang));
        }
        Ok(opened)
    }

    /// The operator acting: the real uid's login (or whom root acts as), mapped through
    /// the site's operators. Someone not listed may read but not write.
    pub(super) fn operator(&self) -> Result<Operator, Failure> {
        let login = self.identity.login();
        if crate::ops::signin::is_terminal(&self.site, login) {
            let why = crate::domain::signin::SignInRefusal::SignInFirst;
            return Err(Failure::Refused(crate::i18n::domain_error(
                &crate::domain::DomainError::SignIn(why),
                self.lang,
            )));
        }
        self.site.operator(login).cloned().ok_or_else(|| {
            Failure::Refused(match self.lang {
                Lang::Zh => format!("“{login}”不在本站点的值班人员名单（site.toml）中：只能查看，不能修改"),
                Lang::En => format!(
                    "\"{login}\" is not on the site's operator list (site.toml): you may read but not write"
                ),
            })
        })
    }

    /// Performs one operation for the operator acting, through the operations layer:
    /// at the service, which knows who is asking from the kernel, when the site has one.
    fn perform(&self, request: crate::ops::Request) -> anyhow::Result<crate::ops::Done> {
        Ok(self.perform_all(vec![request])?.remove(0))
    }

    /// Performs operations one after the other on one opening of the record.
    fn perform_all(&self, requests: Vec<crate::ops::Request>) -> anyhow::Result<Vec<crate::ops::Done>> {
        use crate::ops::record::Record;
        if let Some(socket) = self.service() {
            let mut remote = self.remote(socket)?;
            return Ok(requests
                .into_iter()
                .map(|r| remote.perform(r, self.lang))
                .collect::<Result<_, _>>()?);
        }
        let operator = self.operator()?;
        let mut seat = crate::ops::Seat::new(self.identity.login(), self.origin(), self.lang, Some(operator));
        let mut store = self.open_store_to_write()?;
        let mut ops = crate::ops::Ops { store: &mut *store, site: &self.site, clock: self.clock };
        Ok(requests.into_iter().map(|r| ops.perform(&mut seat, r)).collect::<Result<_, _>>()?)
    }

    /// Where an event this command writes comes from: `cli alice@host`.
    pub(super) fn origin(&self) -> String {
        self.identity.origin("cli")
    }
}

/// What a command reads from: the store itself, or the service's view of it.
enum Reader {
    Local(Opened),
    Service(crate::service::client::RemoteStore),
}

impl std::ops::Deref for Reader {
    type Target = dyn crate::store::Store;
    fn deref(&self) -> &(dyn crate::store::Store + 'static) {
        match self {
            Reader::Local(store) => &**store,
            Reader::Service(store) => store,
        }
    }
}

/// The first day of a month typed as `2026-11`.
fn parse_month(text: &str, lang: Lang) -> Result<chrono::NaiveDate, Failure> {
    chrono::NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d").map_err(|_| {
        Failure::Usage(match lang {
            Lang::Zh => format!("“{text}”不是月份（如 2026-11）"),
            Lang::En => format!("\"{text}\" is not a month such as 2026-11"),
        })
    })
}

/// A date as typed: `2026-12-01` (a value parser: clap says which option it was for).
fn parse_date(text: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("\"{text}\" is not a date such as 2026-12-01"))
}
