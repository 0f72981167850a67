//! `duty ssh run|history|trust`: triage actions on the machines, from scripts.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use clap::Subcommand;

use super::{Failure, Paths};
use crate::domain::DomainError;
use crate::i18n::local_time;
use crate::ops::Request;
use crate::ops::ssh::{SshAsk, SshRefusal};
use crate::ssh::runner::RunRecord;
use crate::ssh::session::Stream;
use crate::text::visible;

#[derive(Subcommand, Debug)]
pub enum SshCommand {
    /// Run an action of the site's catalog on a host, or on every host of a group
    Run {
        /// A host, or @GROUP for every host whose group or role is GROUP
        host: String,
        /// An action of ssh.toml (or free-form, if the site allows it, with --command)
        action: String,
        /// The command of a free-form action
        #[arg(long)]
        command: Option<String>,
        /// For a dangerous action: type its name to confirm
        #[arg(long)]
        confirm: Option<String>,
        /// Where the site requires two people: the ask another operator has confirmed
        /// (without it, the run asks and waits for their confirmation)
        #[arg(long, value_name = "ASK")]
        second: Option<u64>,
        /// Print the audit records as JSON instead of streaming output
        #[arg(long)]
        json: bool,
    },
    /// Confirm, as the second person, another operator's ask to run a dangerous action
    Confirm {
        /// The ask's number, as its operator's run shows it
        ask: u64,
    },
    /// The asks for a second person still open
    Asks {
        #[command(flatten)]
        output: super::listing::OutputArgs,
    },
    /// The SSH runs in the log
    History {
        /// Only the runs on this host
        #[arg(long)]
        host: Option<String>,
        /// Only the runs of this operator (their login)
        #[arg(long)]
        owner: Option<String>,
        /// When they started
        #[command(flatten)]
        period: super::listing::Period,
        #[command(flatten)]
        output: super::listing::OutputArgs,
    },
    /// Trust an unknown host key after checking its fingerprint out of band
    Trust {
        /// The host whose key is trusted
        host: String,
        /// The fingerprint you checked (SHA256:...): it must be the one presented
        #[arg(long)]
        fingerprint: String,
    },
}

pub fn run(paths: &Paths, command: SshCommand) -> anyhow::Result<()> {
    let session = paths.load_strict()?;
    let lang = session.lang;
    match command {
        SshCommand::Run { host, action, command, confirm, second, json } => {
            let operator = session.operator()?;
            let mut ask = SshAsk { hosts: vec![host], action, command, confirm, second };
            let refused = |refusal: DomainError| {
                let message = crate::i18n::domain_error(&refusal, lang);
                match refusal {
                    DomainError::Ssh(SshRefusal::NoSuchHost { .. } | SshRefusal::NoSuchAction { .. }) => {
                        anyhow::Error::from(Failure::Usage(message))
                    }
                    other => crate::store::StoreError::Refused(other).into(),
                }
            };
            let needs_second =
                crate::ops::ssh::read(&session.site, &ask).map_err(refused)?.needs_second(&session.site);
            let asks = match (needs_second, ask.second) {
                (false, _) => Vec::new(),
                (true, Some(_)) => second_asks(&session)?,
                (true, None) => {
                    let (id, asks) = ask_and_wait(&session, &ask)?;
                    ask.second = Some(id);
                    asks
                }
            };
            let plan = crate::ops::ssh::plan(&session.site, &operator, &ask, &asks, session.clock.now())
                .map_err(refused)?;
            let print = |host: &str, stream: Stream, chunk: &[u8]| {
                if json {
                    return;
                }
                let text = String::from_utf8_lossy(chunk);
                let mut out = std::io::stdout().lock();
                for line in text.lines() {
                    let mark = if stream == Stream::Stderr { "!" } else { "|" };
                    let _ = writeln!(out, "{host} {mark} {}", visible(line, false));
                }
            };
            let records = match session.service() {
                // The service runs it with its own key and records it as ours.
                Some(socket) => session.remote(socket)?.run_ssh(&ask, &print, None)?,
                None => {
                    let cancel = Arc::new(AtomicBool::new(false));
                    let pool = crate::ssh::pool::Pool::cold();
                    let login = session.identity.login().to_string();
                    let records = crate::ops::ssh::run(
                        &session.site,
                        &plan,
                        &pool,
                        &login,
                        session.clock,
                        &cancel,
                        &print,
                    );
                    let recorded = records.iter().map(|r| Request::RecordSshRun(Box::new(r.clone())));
                    session.perform_all(recorded.collect())?;
                    records
                }
            };
            for entry in &records {
                if entry.ending.starts_with("refused") {
                    eprintln!("{}: {}", entry.host, entry.ending.trim_start_matches("refused: "));
                }
            }
            if json {
                super::print_json(&records)?;
            } else {
                for r in &records {
                    eprintln!(
                        "{}: {} ({} ms, {} + {} bytes)",
                        r.host,
                        r.ending,
                        (r.ended_at - r.started_at).num_milliseconds(),
                        r.stdout_bytes,
                        r.stderr_bytes
                    );
                }
            }
            if records.iter().all(RunRecord::succeeded) {
                Ok(())
            } else {
                Err(Failure::Refused(
                    lang.pick(
                        "有主机的操作未成功（见上）",
                        "the action did not succeed on every host (see above)",
                    )
                    .into(),
                )
                .into())
            }
        }
        SshCommand::History { host, owner, period, output } => {
            let between = period.resolve(&session)?;
            let store = session.open_store()?;
            let events = store.events_of("ssh.run", None)?;
            let rows = events
                .into_iter()
                .filter_map(|e| serde_json::from_str::<RunRecord>(&e.payload).ok().map(|r| (e.actor, r)))
                .filter(|(_, r)| host.as_ref().is_none_or(|h| &r.host == h))
                .filter(|(actor, _)| owner.as_ref().is_none_or(|o| actor == o))
                .filter(|(_, r)| between.holds(r.started_at))
                .map(|(actor, r)| {
                    let cells = vec![
                        local_time(r.started_at, session.site.tz),
                        actor.clone(),
                        r.host.clone(),
                        r.action.clone(),
                        r.ending.clone(),
                        r.command.clone(),
                        r.last_line.clone(),
                    ];
                    (cells, serde_json::json!({ "operator": actor, "run": r }))
                })
                .collect();
            const COLUMNS: &[super::listing::Column] = &[
                super::listing::column("开始", "STARTED", 19),
                super::listing::column("操作人", "OPERATOR", 10),
                super::listing::column("设备", "HOST", 14),
                super::listing::column("动作", "ACTION", 14),
                super::listing::column("结果", "ENDING", 12),
                super::listing::wide("命令", "COMMAND", 30),
                super::listing::column("最后一行输出", "LAST LINE", 0),
            ];
            let listing = super::listing::Listing {
                columns: COLUMNS,
                rows,
                empty: ("（没有 SSH 操作）", "(no SSH runs)"),
            };
            listing.print(output.get(), lang)
        }
        SshCommand::Confirm { ask } => {
            let asks = second_asks(&session)?;
            if let Ok(open) = crate::domain::second::find(&asks, ask) {
                println!("{}", ask_line(open, &session));
            }
            session.perform(Request::ConfirmSecond { id: ask })?;
            println!("{ask}: {}", lang.pick("已确认（你是第二人）", "confirmed (you are the second person)"));
            Ok(())
        }
        SshCommand::Asks { output } => {
            let (now, tz) = (session.clock.now(), session.site.tz);
            let rows = second_asks(&session)?
                .into_iter()
                .filter(|a| a.open_at(now))
                .map(|ask| {
                    let cells = vec![
                        ask.id.to_string(),
                        ask.asked_by.clone(),
                        ask.asked.action.clone(),
                        ask.asked.hosts.join(","),
                        local_time(ask.until, tz),
                        ask_state(&ask, lang),
                        ask.asked.command.clone().unwrap_or_default(),
                    ];
                    (cells, ask)
                })
                .collect();
            const COLUMNS: &[super::listing::Column] = &[
                super::listing::column("编号", "NO", 6),
                super::listing::column("申请人", "ASKED BY", 10),
                super::listing::column("动作", "ACTION", 14),
                super::listing::column("设备", "HOSTS", 16),
                super::listing::column("截止", "UNTIL", 19),
                super::listing::column("状态", "STATE", 16),
                super::listing::column("命令", "COMMAND", 0),
            ];
            let listing = super::listing::Listing {
                columns: COLUMNS,
                rows,
                empty: ("（没有待确认的操作）", "(no asks waiting)"),
            };
            listing.print(output.get(), lang)
        }
        SshCommand::Trust { host, fingerprint } => {
            let request = Request::TrustHostKey { host: host.clone(), fingerprint: fingerprint.clone() };
            session.perform(request)?;
            println!("{host}: {fingerprint} {}", lang.pick("已信任", "trusted"));
            Ok(())
        }
    }
}

/// The asks for a second person that may still be open.
fn second_asks(session: &super::Session) -> anyhow::Result<Vec<crate::domain::second::SecondAsk>> {
    let store = session.open_store()?;
    Ok(crate::ops::ssh::second_asks(&*store, &session.site, session.clock.now())?)
}

/// One ask as a line: its number, who asks what on which hosts, until when, confirmed by whom.
fn ask_line(ask: &crate::domain::second::SecondAsk, session: &super::Session) -> String {
    let (lang, tz) = (session.lang, session.site.tz);
    let command =
        ask.asked.command.as_deref().map(|c| format!(" `{}`", visible(c, false))).unwrap_or_default();
    let state = ask_state(ask, lang);
    format!(
        "{} {} {}{command} @ {} {} {} {state}",
        ask.id,
        ask.asked_by,
        ask.asked.action,
        ask.asked.hosts.join(","),
        lang.pick("截止", "until"),
        local_time(ask.until, tz),
    )
}

/// Whether an ask waits, or who confirmed it.
fn ask_state(ask: &crate::domain::second::SecondAsk, lang: crate::i18n::Lang) -> String {
    match &ask.confirmed {
        Some(c) => format!("{} {}", lang.pick("已确认：", "confirmed by"), c.by),
        None => lang.pick("待确认", "waiting").to_string(),
    }
}

/// Asks for a second person and waits, until the ask's limit, for another operator to
/// confirm it from their own session; answers the ask's number and the asks as they
/// stood when it was confirmed.
fn ask_and_wait(
    session: &super::Session,
    ask: &SshAsk,
) -> anyhow::Result<(u64, Vec<crate::domain::second::SecondAsk>)> {
    let lang = session.lang;
    let crate::ops::Done::Event(asked) = session.perform(Request::AskSecond(ask.clone()))? else {
        anyhow::bail!("the ask was not recorded");
    };
    let id = asked.seq;
    eprintln!(
        "{}",
        match lang {
            crate::i18n::Lang::Zh => format!(
                "已请求第二人确认（请求 {id}）：请另一名值班人员在其本人会话中运行 duty ssh confirm {id}；等待中……"
            ),
            crate::i18n::Lang::En => format!(
                "asked for a second person (ask {id}): another operator runs duty ssh confirm {id} in their own session; waiting…"
            ),
        }
    );
    let store = session.open_store()?;
    loop {
        let asks = crate::ops::ssh::second_asks(&*store, &session.site, session.clock.now())?;
        let open = crate::domain::second::find(&asks, id)
            .map_err(|why| crate::store::StoreError::Refused(DomainError::Second(why)))?;
        if let Some(confirmation) = &open.confirmed {
            eprintln!("{id}: {} {}", lang.pick("第二人已确认：", "confirmed by"), confirmation.by);
            return Ok((id, asks));
        }
        if !open.open_at(session.clock.now()) {
            let why = crate::domain::second::SecondRefusal::Expired { id, until: open.until };
            return Err(crate::store::StoreError::Refused(DomainError::Second(why)).into());
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
}
