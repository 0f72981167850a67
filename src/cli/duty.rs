//! `duty report`, `duty handover`, `duty roster` and `duty log`: the record of the
//! shift from the command line.

use chrono::NaiveDate;
use clap::{Subcommand, ValueEnum};

use super::checklist::Format;
use super::{Failure, Paths};
use crate::domain::IncidentId;
use crate::domain::duty_log::Entry;
use crate::domain::handover::Side;
use crate::domain::shift::RosterChange;
use crate::i18n::{duty as texts, local_time};
use crate::ops::{Done, Request};
use crate::report::build::{Sheets, Wanted, build};

#[derive(Subcommand, Debug)]
pub enum ReportCommand {
    /// The handover report (交接班记录); the latest handover if no id is given
    Handover {
        /// The handover's id (handover@YYYYMMDDTHHMM) [default: the latest]
        id: Option<String>,
        /// How the report is written
        #[arg(long, value_enum, default_value = "md")]
        format: Format,
    },
    /// The fault report (故障报告单) of an incident
    Fault {
        /// The incident's id (GZ-YYYYMMDD-NNN)
        id: String,
        /// How the report is written
        #[arg(long, value_enum, default_value = "md")]
        format: Format,
    },
    /// The weekly service report (Monday to Sunday)
    Week {
        /// Any date of the week [default: this week]
        #[arg(long, value_parser = super::parse_date)]
        date: Option<NaiveDate>,
        /// How the report is written
        #[arg(long, value_enum, default_value = "md")]
        format: Format,
    },
    /// The monthly service report
    Month {
        /// YYYY-MM [default: this month]
        #[arg(long)]
        month: Option<String>,
        /// How the report is written
        #[arg(long, value_enum, default_value = "md")]
        format: Format,
    },
    /// The inspection sheets (巡检表) of a day, a week (with the weekday √/× grid) or a month
    Inspection {
        /// The day [default: today]
        #[arg(long, group = "when", value_parser = super::parse_date)]
        day: Option<NaiveDate>,
        /// Any date of the week
        #[arg(long, group = "when", value_parser = super::parse_date)]
        week: Option<NaiveDate>,
        /// YYYY-MM
        #[arg(long, group = "when")]
        month: Option<String>,
        /// How the report is written
        #[arg(long, value_enum, default_value = "md")]
        format: Format,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum SideArg {
    Outgoing,
    Incoming,
}

#[derive(Subcommand, Debug)]
pub enum HandoverCommand {
    /// Every handover and where it stands
    List {
        /// Only those this operator handed over or took over (their login)
        #[arg(long)]
        owner: Option<String>,
        /// When the outgoing shift began
        #[command(flatten)]
        period: super::listing::Period,
        #[command(flatten)]
        output: super::listing::OutputArgs,
    },
    /// Sign a handover whose steps are all done: outgoing first, then incoming
    Sign {
        /// The handover's id (handover@YYYYMMDDTHHMM)
        id: String,
        /// outgoing (交班) | incoming (接班)
        #[arg(long, value_enum)]
        side: SideArg,
    },
}

#[derive(Subcommand, Debug)]
pub enum RosterCommand {
    /// Who is on duty in the shift in force and the next one
    Show {
        /// Print JSON (for scripts)
        #[arg(long)]
        json: bool,
    },
    /// Set who is on duty in one shift on one date (leads only)
    Set {
        /// The shift, by its name in the site (白班, 夜班, …)
        #[arg(long)]
        shift: String,
        /// The date the shift starts, YYYY-MM-DD
        #[arg(long, value_parser = super::parse_date)]
        date: NaiveDate,
        /// Operator logins
        #[arg(required = true)]
        operators: Vec<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum LogCommand {
    /// The duty log of the shift in force
    List {
        /// Only the entries this operator wrote (their login)
        #[arg(long)]
        owner: Option<String>,
        #[command(flatten)]
        output: super::listing::OutputArgs,
    },
    /// Write a free note in the duty log of the shift in force
    Note {
        /// The note
        text: String,
    },
    /// Record the room's environment: temperature, humidity and the weather outside
    Env {
        /// Degrees Celsius
        #[arg(long, allow_hyphen_values = true)]
        temperature: f64,
        /// Relative humidity, percent
        #[arg(long)]
        humidity: f64,
        /// The weather outside
        #[arg(long, default_value = "")]
        weather: String,
    },
    /// Record the power supply: normal, or interrupted from a time (to a time)
    Power {
        /// The supply was normal
        #[arg(long, conflicts_with_all = ["from", "to"], required_unless_present = "from")]
        normal: bool,
        /// Interrupted from (HH:MM, the site's time)
        #[arg(long, value_parser = hhmm)]
        from: Option<chrono::NaiveTime>,
        /// Back at (HH:MM)
        #[arg(long, value_parser = hhmm)]
        to: Option<chrono::NaiveTime>,
        /// A note for the record
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Record equipment used: who used what, its state before and after
    Equipment {
        /// Who brought it in or took it out
        #[arg(long)]
        who: String,
        /// What equipment
        #[arg(long)]
        what: String,
        /// Its state before
        #[arg(long, default_value = "")]
        before: String,
        /// Its state after
        #[arg(long, default_value = "")]
        after: String,
    },
    /// Record a visitor: who, why, from when (to when), escorted by whom
    Visitor {
        /// The visitor's name
        #[arg(long)]
        who: String,
        /// Why they came
        #[arg(long)]
        why: String,
        /// Came in at (HH:MM)
        #[arg(long, value_parser = hhmm)]
        from: chrono::NaiveTime,
        /// Left at (HH:MM; or later with duty log complete)
        #[arg(long, value_parser = hhmm)]
        to: Option<chrono::NaiveTime>,
        /// Who went with them (an operator's login)
        #[arg(long)]
        escort: String,
    },
    /// Record a user's request or complaint: from whom, what, what came of it
    Request {
        /// Who asked (a person or a department)
        #[arg(long)]
        from: String,
        /// It is a complaint
        #[arg(long)]
        complaint: bool,
        /// What was asked for, or the complaint
        #[arg(long)]
        what: String,
        /// What came of it (or later with duty log complete)
        #[arg(long, default_value = "")]
        outcome: String,
    },
    /// Complete an entry later: a visitor's departure or a request's outcome (recorded
    /// as a correction of its own; the entry stays as written)
    Complete {
        /// The entry's number (as `duty log list` and the console show it)
        seq: u64,
        /// When the visitor left (HH:MM, the site's time)
        #[arg(long, conflicts_with = "outcome", required_unless_present = "outcome")]
        left: Option<String>,
        /// What came of the request or complaint
        #[arg(long)]
        outcome: Option<String>,
        /// Why it is completed now (optional)
        #[arg(long, default_value = "")]
        reason: String,
    },
}

pub fn report(paths: &Paths, command: ReportCommand) -> anyhow::Result<()> {
    let session = paths.load()?;
    let store = session.open_store()?;
    let now = session.now();
    let today = now.with_timezone(&session.site.tz).date_naive();
    let (wanted, format) = match command {
        ReportCommand::Handover { id, format } => (Wanted::Handover(id), format),
        ReportCommand::Fault { id, format } => (Wanted::Fault(IncidentId(id)), format),
        ReportCommand::Week { date, format } => (Wanted::Week(date.unwrap_or(today)), format),
        ReportCommand::Month { month, format } => {
            let first = match month {
                Some(month) => super::parse_month(&month, session.lang)?,
                None => today,
            };
            (Wanted::Month(first), format)
        }
        ReportCommand::Inspection { day, week, month, format } => {
            let sheets = match (day, week, month) {
                (_, Some(week), _) => Sheets::Week(week),
                (_, _, Some(month)) => Sheets::Month(super::parse_month(&month, session.lang)?),
                (day, ..) => Sheets::Day(day.unwrap_or(today)),
            };
            (Wanted::Inspection(sheets), format)
        }
    };
    format.write(&build(&*store, &session.site, &wanted, format.report(), session.lang, now)?, session.lang)
}

pub fn handover(paths: &Paths, command: HandoverCommand) -> anyhow::Result<()> {
    let session = paths.load()?;
    let lang = session.lang;
    match command {
        HandoverCommand::List { owner, period, output } => {
            let began = period.resolve(&session)?;
            let store = session.open_store()?;
            let signer = |s: &Option<crate::domain::handover::Signature>| s.as_ref().map(|s| s.by.clone());
            let rows = crate::duty::handovers(&*store)?
                .into_iter()
                .filter(|h| began.holds(h.outgoing.start))
                .filter(|h| {
                    owner.as_ref().is_none_or(|o| {
                        [
                            signer(&h.outgoing_signature),
                            signer(&h.incoming_signature),
                            Some(h.started_by.clone()),
                        ]
                        .contains(&Some(o.clone()))
                    })
                })
                .map(|h| {
                    let cells = vec![
                        h.id.clone(),
                        format!("{} → {}", h.outgoing.name, h.incoming.name),
                        signer(&h.outgoing_signature).unwrap_or_default(),
                        signer(&h.incoming_signature).unwrap_or_default(),
                        texts::handover_state(Some(&h), lang),
                    ];
                    (cells, h)
                })
                .collect();
            const COLUMNS: &[super::listing::Column] = &[
                super::listing::column("编号", "ID", 26),
                super::listing::column("班次", "SHIFTS", 14),
                super::listing::wide("交班人", "OUTGOING", 10),
                super::listing::wide("接班人", "INCOMING", 10),
                super::listing::column("状态", "STATE", 0),
            ];
            let empty = ("（没有交接班）", "(no handovers)");
            super::listing::Listing { columns: COLUMNS, rows, empty }.print(output.get(), lang)?;
        }
        HandoverCommand::Sign { id, side } => {
            let side = match side {
                SideArg::Outgoing => Side::Outgoing,
                SideArg::Incoming => Side::Incoming,
            };
            let Done::Handover(h) = session.perform(Request::SignHandover { id, side })? else {
                unreachable!("a signature answers with the handover")
            };
            println!("{}  {}", h.id, texts::handover_state(Some(&h), lang));
        }
    }
    Ok(())
}

pub fn roster(paths: &Paths, command: RosterCommand) -> anyhow::Result<()> {
    let session = paths.load()?;
    let (site, lang) = (&session.site, session.lang);
    let now = session.now();
    match command {
        RosterCommand::Show { json } => {
            let store = session.open_store()?;
            let changes = crate::duty::roster_changes(&*store)?;
            let Some((current, next)) = crate::duty::shifts_at(site, now) else {
                return Err(Failure::Usage(texts::NO_SHIFTS.get(lang).to_string()).into());
            };
            if json {
                let shifts: Vec<serde_json::Value> = [current, next]
                    .iter()
                    .map(|slot| {
                        serde_json::json!({
                            "shift": slot.name,
                            "start": slot.start,
                            "end": slot.end,
                            "on_duty": crate::duty::on_duty(site, &changes, slot),
                        })
                    })
                    .collect();
                return super::print_json(&shifts);
            }
            for slot in [current, next] {
                println!(
                    "{} {} – {}  {}",
                    slot.name,
                    local_time(slot.start, site.tz),
                    local_time(slot.end, site.tz),
                    crate::duty::on_duty(site, &changes, &slot).join(", ")
                );
            }
        }
        RosterCommand::Set { shift, date, operators } => {
            let change = RosterChange { shift, date, operators };
            session.perform(Request::Roster(change.clone()))?;
            println!("{} {} {}", change.shift, change.date, change.operators.join(", "));
        }
    }
    Ok(())
}

/// A local time of the day as typed: HH:MM.
fn hhmm(text: &str) -> Result<chrono::NaiveTime, String> {
    chrono::NaiveTime::parse_from_str(text.trim(), "%H:%M")
        .map_err(|_| format!("\"{text}\" is not HH:MM (such as 08:30)"))
}

/// Writes an entry in the duty log of the shift in force and prints its number.
fn log_entry(session: &super::Session, entry: Entry) -> anyhow::Result<()> {
    let Done::Event(event) = session.perform(Request::LogEntry(entry))? else {
        unreachable!("a duty-log entry answers with its event")
    };
    println!("{}", event.seq);
    Ok(())
}

pub fn log(paths: &Paths, command: LogCommand) -> anyhow::Result<()> {
    let session = paths.load()?;
    let (site, lang) = (&session.site, session.lang);
    let now = session.now();
    match command {
        LogCommand::List { owner, output } => {
            let store = session.open_store()?;
            let Some((current, _)) = crate::duty::shifts_at(site, now) else {
                return Err(Failure::Usage(texts::NO_SHIFTS.get(lang).to_string()).into());
            };
            let rows = crate::duty::entries(&*store, &current)?
                .into_iter()
                .filter(|logged| owner.as_ref().is_none_or(|o| &logged.by == o))
                .map(|logged| {
                    let cells = vec![
                        format!("#{}", logged.seq),
                        local_time(logged.at, site.tz),
                        logged.by.clone(),
                        texts::entry_kind(logged.entry.key()).get(lang).to_string(),
                        logged.completed.as_ref().map_or_else(String::new, |(by, at)| {
                            format!("{by} {}", local_time(*at, site.tz))
                        }),
                        texts::entry_line(&logged.entry, lang),
                    ];
                    (cells, logged)
                })
                .collect();
            const COLUMNS: &[super::listing::Column] = &[
                super::listing::column("序号", "NO", 5),
                super::listing::column("时间", "AT", 19),
                super::listing::column("记录人", "BY", 10),
                super::listing::column("类别", "KIND", 18),
                super::listing::wide("完成", "COMPLETED", 30),
                super::listing::column("内容", "ENTRY", 0),
            ];
            let empty = ("（本班还没有值班记录）", "(nothing in this shift's duty log yet)");
            super::listing::Listing { columns: COLUMNS, rows, empty }.print(output.get(), lang)?;
        }
        LogCommand::Note { text } => log_entry(&session, Entry::Note { text })?,
        LogCommand::Env { temperature, humidity, weather } => {
            log_entry(&session, Entry::Environment { temperature, humidity, weather })?
        }
        LogCommand::Power { normal, from, to, note } => {
            log_entry(&session, Entry::Power { normal, from, to, note })?
        }
        LogCommand::Equipment { who, what, before, after } => {
            log_entry(&session, Entry::Equipment { who, what, before, after })?
        }
        LogCommand::Visitor { who, why, from, to, escort } => {
            log_entry(&session, Entry::Visitor { who, why, from, to, escort })?
        }
        LogCommand::Request { from, complaint, what, outcome } => {
            log_entry(&session, Entry::Request { from, complaint, what, outcome })?
        }
        LogCommand::Complete { seq, left, outcome, reason } => {
            use crate::domain::duty_log::{Completed, Completion};
            let completion = match (left, outcome) {
                (Some(left), _) => match chrono::NaiveTime::parse_from_str(left.trim(), "%H:%M") {
                    Ok(to) => Completion::Departure { to },
                    Err(_) => {
                        return Err(
                            Failure::Usage(crate::i18n::ui::FORM_BAD_HHMM.get(lang).to_string()).into()
                        );
                    }
                },
                (None, Some(outcome)) => Completion::Outcome { outcome },
                (None, None) => unreachable!("clap requires --left or --outcome"),
            };
            let request = Request::CompleteEntry(Completed { entry: seq, completion, reason });
            let Done::Event(event) = session.perform(request)? else {
                unreachable!("a completion answers with its event")
            };
            println!("{}", event.seq);
        }
    }
    Ok(())
}
