//! `duty maintenance add|list|end`: maintenance windows for planned changes.

use clap::Subcommand;

use super::{Failure, Paths};
use crate::domain::maintenance::Window;
use crate::i18n::{Lang, local_time};
use crate::ops::{Done, Request};
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
        /// Only the windows of this host
        #[arg(long)]
        host: Option<String>,
        /// Include the windows that are over
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        output: super::listing::OutputArgs,
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
        MaintenanceCommand::List { host, all, output } => {
            let store = session.open_store()?;
            let tz = session.site.tz;
            let rows = store
                .maintenance_windows()?
                .into_iter()
                .filter(|w| all || w.until > now)
                .filter(|w| host.as_ref().is_none_or(|h| w.hosts.contains(h)))
                .map(|w| {
                    let state = match () {
                        _ if w.active_at(now) => lang.pick("进行中", "active"),
                        _ if w.until <= now => lang.pick("已结束", "over"),
                        _ => lang.pick("计划中", "planned"),
                    };
                    let cells = vec![
                        w.id.clone(),
                        state.to_string(),
                        format!("{} — {}", local_time(w.from, tz), local_time(w.until, tz)),
                        w.hosts.join(","),
                        w.checks.join(","),
                        w.by.clone(),
                        w.reason.clone(),
                    ];
                    (cells, w)
                })
                .collect();
            const COLUMNS: &[super::listing::Column] = &[
                super::listing::column("编号", "ID", 10),
                super::listing::column("状态", "STATE", 8),
                super::listing::column("时间", "WINDOW", 41),
                super::listing::column("设备", "HOSTS", 16),
                super::listing::wide("检查", "CHECKS", 16),
                super::listing::wide("登记人", "BY", 10),
                super::listing::column("原因", "REASON", 0),
            ];
            let empty = ("（没有维护窗口）", "(no maintenance windows)");
            super::listing::Listing { columns: COLUMNS, rows, empty }.print(output.get(), lang)?;
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
