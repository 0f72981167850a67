//! `duty maintenance add|list|end`: maintenance windows for planned changes.

use clap::Subcommand;

use super::{Failure, Paths};
use crate::domain::maintenance::Window;
use crate::i18n::{Lang, local_time};
use crate::ops::{Done, Request};
use crate::text::visible;
use crate::time::UserTime;

#[derive(Subcommand, Debug)]
pub enum MaintenanceCommand {
    /// Put hosts (or some of their checks) into maintenance for a time
    Add {
        /// A host of the site (repeat for several)
        #[arg(long = "host", required = true)]
        hosts: Vec<String>,
        /// Only this check (repeat); all checks of the hosts if none
        #[arg(long = "check")]
        checks: Vec<String>,
        /// Start (RFC 3339 or the site's time such as 22:00, 2026-12-02 22:00, yesterday 23:10) [default: now]
        #[arg(long)]
        from: Option<UserTime>,
        /// End (RFC 3339 or the site's time such as 22:00, 2026-12-02 22:00, yesterday 23:10)
        #[arg(long)]
        to: UserTime,
        /// Why: the change being made
        #[arg(long)]
        reason: String,
    },
    /// List current and planned windows
    List {
        /// Print JSON (for scripts)
        #[arg(long)]
        json: bool,
    },
    /// End a window now
    End {
        /// The window's id, as maintenance list shows it
        id: String,
    },
}

pub fn run(paths: &Paths, command: MaintenanceCommand) -> anyhow::Result<()> {
    let session = paths.load_strict()?;
    let lang = session.lang;
    let now = session.now();
    match command {
        MaintenanceCommand::Add { hosts, checks, from, to, reason } => {
            if let Some(unknown) = hosts.iter().find(|h| session.site.host(h).is_none()) {
                return Err(Failure::Usage(match lang {
                    Lang::Zh => format!("未知设备“{unknown}”"),
                    Lang::En => format!("unknown host \"{unknown}\""),
                })
                .into());
            }
            let window = Window {
                id: String::new(),
                hosts,
                checks,
                from: session.time_opt(&from)?.unwrap_or(now),
                until: session.time(&to)?,
                reason,
                by: String::new(),
            };
            let Done::Window(window) = session.perform(Request::ScheduleMaintenance(window))? else {
                unreachable!("scheduling answers with the window")
            };
            println!("{}", window.id);
        }
        MaintenanceCommand::List { json } => {
            let store = session.open_store()?;
            let windows: Vec<Window> =
                store.maintenance_windows()?.into_iter().filter(|w| w.until > now).collect();
            if json {
                super::print_json(&windows)?;
                return Ok(());
            }
            for w in &windows {
                let state = if w.active_at(now) {
                    lang.pick("进行中", "active")
                } else {
                    lang.pick("计划中", "planned")
                };
                println!(
                    "{} {} {} — {} {} [{}] {}",
                    w.id,
                    state,
                    local_time(w.from, session.site.tz),
                    local_time(w.until, session.site.tz),
                    w.hosts.join(","),
                    w.checks.join(","),
                    visible(&w.reason, false)
                );
            }
            if windows.is_empty() {
                println!("{}", lang.pick("（没有维护窗口）", "(no maintenance windows)"));
            }
        }
        MaintenanceCommand::End { id } => {
            let Done::Window(window) = session.perform(Request::EndMaintenance { id })? else {
                unreachable!("ending answers with the window")
            };
            match lang {
                Lang::Zh => println!("{} 已于 {} 结束", window.id, local_time(window.until, session.site.tz)),
                Lang::En => println!("{} ended at {}", window.id, local_time(window.until, session.site.tz)),
            }
        }
    }
    Ok(())
}
