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
use crate::text::{fit, visible};

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
        /// For a dangerous action where the site requires two people: the second operator
        #[arg(long)]
        witness: Option<String>,
        /// Print the audit records as JSON instead of streaming output
        #[arg(long)]
        json: bool,
    },
    /// The SSH runs in the log
    History {
        #[arg(long)]
        host: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Trust an unknown host key after checking its fingerprint out of band
    Trust {
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
        SshCommand::Run { host, action, command, confirm, witness, json } => {
            let operator = session.operator()?;
            let ask = SshAsk { hosts: vec![host], action, command, confirm, witness };
            let plan = crate::ops::ssh::plan(&session.site, &operator, &ask).map_err(|refusal| {
                let message = crate::i18n::domain_error(&refusal, lang);
                match refusal {
                    DomainError::Ssh(SshRefusal::NoSuchHost { .. } | SshRefusal::NoSuchAction { .. }) => {
                        anyhow::Error::from(Failure::Usage(message))
                    }
                    other => crate::store::StoreError::Refused(other).into(),
                }
            })?;
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
        SshCommand::History { host, json } => {
            let store = session.open_store()?;
            let events = store.events_of("ssh.run", None)?;
            let runs: Vec<(String, RunRecord)> = events
                .into_iter()
                .filter_map(|e| serde_json::from_str::<RunRecord>(&e.payload).ok().map(|r| (e.actor, r)))
                .filter(|(_, r)| host.as_ref().is_none_or(|h| &r.host == h))
                .collect();
            if json {
                let view: Vec<serde_json::Value> = runs
                    .iter()
                    .map(|(actor, r)| serde_json::json!({ "operator": actor, "run": r }))
                    .collect();
                super::print_json(&view)?;
                return Ok(());
            }
            for (actor, r) in &runs {
                println!(
                    "{} {} {} {} {} {}",
                    local_time(r.started_at, session.site.tz),
                    fit(actor, 10),
                    fit(&r.host, 14),
                    fit(&r.action, 14),
                    fit(&r.ending, 12),
                    visible(&r.last_line, false)
                );
            }
            Ok(())
        }
        SshCommand::Trust { host, fingerprint } => {
            let request = Request::TrustHostKey { host: host.clone(), fingerprint: fingerprint.clone() };
            session.perform(request)?;
            println!("{host}: {fingerprint} {}", lang.pick("已信任", "trusted"));
            Ok(())
        }
    }
}
