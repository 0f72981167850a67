//! `duty checklist ...`: inspections from scripts and tests.

use chrono::NaiveDate;
use clap::{Subcommand, ValueEnum};

use super::{Failure, Paths, Session};
use crate::agenda::{self, AgendaItem};
use crate::domain::checklist::{ItemResult, RunCommand};
use crate::i18n::{Label, Lang, local_time};
use crate::ops::{Done, Request};
use crate::report::build::{Format as ReportFormat, Sheets, Wanted, build};
use crate::report::{doc, inspection};
use crate::store::Store;

/// How a report is written.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    /// Markdown, to read or to keep with the record
    Md,
    /// CSV, for a spreadsheet
    Csv,
    /// A printable page (A4) with charts and places to sign
    Html,
    /// The printable page as a PDF (needs Chromium; write it to a file)
    Pdf,
}

impl Format {
    /// The report's format (a PDF is printed from its page).
    pub fn report(self) -> crate::report::build::Format {
        use crate::report::build::Format as Report;
        match self {
            Format::Md => Report::Markdown,
            Format::Csv => Report::Csv,
            Format::Html | Format::Pdf => Report::Html,
        }
    }

    /// Writes a built report to standard output: as it is, or printed to a PDF.
    pub fn write(self, text: &str, lang: Lang) -> anyhow::Result<()> {
        use std::io::{IsTerminal, Write};
        if !matches!(self, Format::Pdf) {
            print!("{text}");
            return Ok(());
        }
        if std::io::stdout().is_terminal() {
            return Err(Failure::Usage(
                lang.pick(
                    "PDF 不能显示在终端上：请写入文件（… --format pdf > 报告.pdf）",
                    "a PDF is not for the terminal: write it to a file (… --format pdf > report.pdf)",
                )
                .to_string(),
            )
            .into());
        }
        let pdf = crate::report::print::pdf(text).map_err(|e| Failure::Refused(e.say(lang)))?;
        let mut out = std::io::stdout().lock();
        out.write_all(&pdf)?;
        out.flush()?;
        Ok(())
    }
}

#[derive(Subcommand, Debug)]
pub enum ChecklistCommand {
    /// Today's inspections (or a date's) and where each stands
    List {
        /// A local date, YYYY-MM-DD [default: today]
        #[arg(long, value_parser = super::parse_date)]
        date: Option<NaiveDate>,
        /// upcoming | due | in_progress | paused | overdue | missed | done | done_late | declined (repeat for several)
        #[arg(long = "state", value_parser = super::listing::key::<crate::domain::checklist::RunState>)]
        states: Vec<crate::domain::checklist::RunState>,
        /// Only the runs this operator started (their login)
        #[arg(long)]
        owner: Option<String>,
        #[command(flatten)]
        output: super::listing::OutputArgs,
    },
    /// Start a run: the template's latest occurrence due today (or the next one)
    Start {
        /// The sheet to start (a checklist of the site: exchange, daily, …)
        template: String,
        /// A particular occurrence (run id such as exchange@20261121T0830)
        #[arg(long)]
        run: Option<String>,
    },
    /// Mark an item normal, warning or critical
    Item {
        /// The inspection run's id (exchange@YYYYMMDDTHHMM), as checklist list shows it
        run: String,
        /// The item's id in the sheet (nodes, channel, …)
        item: String,
        /// normal | warning | critical
        #[arg(long)]
        result: ItemResult,
        /// What was seen
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Record that the owner and the lead were told of a warning or critical item
    Notify {
        /// The inspection run's id (exchange@YYYYMMDDTHHMM), as checklist list shows it
        run: String,
        /// The item's id in the sheet (nodes, channel, …)
        item: String,
    },
    /// A lead's decision on a run paused by a critical item
    Decide {
        /// The inspection run's id (exchange@YYYYMMDDTHHMM), as checklist list shows it
        run: String,
        /// Go on with the inspection (else: stop it here)
        #[arg(long = "continue", conflicts_with = "stop")]
        go_on: bool,
        /// Stop the run here (instead of --continue)
        #[arg(long)]
        stop: bool,
        /// Why the run goes on or stops
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Record a manual transfer (人工交换) made while data exchange failed
    Transfer {
        /// The inspection run's id (exchange@YYYYMMDDTHHMM), as checklist list shows it
        run: String,
        /// The item's id in the sheet (nodes, channel, …)
        item: String,
        /// What was moved by hand
        #[arg(long)]
        note: String,
    },
    /// Sign the run off
    Sign {
        /// The inspection run's id (exchange@YYYYMMDDTHHMM), as checklist list shows it
        run: String,
    },
    /// Declare that an occurrence cannot be done, with the reason (two hours' notice)
    Decline {
        /// The occurrence (run id)
        run: String,
        /// Why the run cannot be done
        #[arg(long)]
        reason: String,
    },
    /// The inspection report of a run, a day, a week (with the weekday grid) or a month
    Report {
        /// One run's report
        #[arg(long, group = "what")]
        run: Option<String>,
        /// The day's runs [default: today]
        #[arg(long, group = "what", value_parser = super::parse_date)]
        day: Option<NaiveDate>,
        /// Any date of the week
        #[arg(long, group = "what", value_parser = super::parse_date)]
        week: Option<NaiveDate>,
        /// YYYY-MM
        #[arg(long, group = "what")]
        month: Option<String>,
        /// How the report is written
        #[arg(long, value_enum, default_value = "md")]
        format: Format,
    },
}

fn today(session: &Session) -> NaiveDate {
    session.now().with_timezone(&session.site.tz).date_naive()
}

/// The occurrence a run id names, looked up around its date.
fn find_slot(session: &Session, store: &dyn Store, run: &str) -> anyhow::Result<AgendaItem> {
    let date = run
        .split_once('@')
        .and_then(|(_, when)| NaiveDate::parse_from_str(when.get(..8).unwrap_or_default(), "%Y%m%d").ok())
        .ok_or_else(|| Failure::Usage(format!("\"{run}\" is not a run id such as exchange@20261121T0830")))?;
    agenda::load(store, &session.site, date, date, session.now())?
        .into_iter()
        .find(|a| a.slot.run == run)
        .ok_or_else(|| {
            Failure::Refused(match session.lang {
                Lang::Zh => format!("没有巡检 {run}（模板或时间不在计划中）"),
                Lang::En => format!("no inspection {run} (no such template or scheduled time)"),
            })
            .into()
        })
}

pub fn run(paths: &Paths, command: ChecklistCommand) -> anyhow::Result<()> {
    let session = paths.load_strict()?;
    let lang = session.lang;
    let tz = session.site.tz;
    let now = session.now();
    match command {
        ChecklistCommand::List { date, states, owner, output } => {
            let store = session.open_store()?;
            let date = date.unwrap_or_else(|| today(&session));
            let items = agenda::load(&*store, &session.site, date, date, now)?;
            let rows = items
                .iter()
                .filter(|a| states.is_empty() || states.contains(&a.state))
                .filter(|a| owner.as_ref().is_none_or(|o| a.run.as_ref().is_some_and(|r| &r.started_by == o)))
                .map(|a| {
                    let progress = a
                        .run
                        .as_ref()
                        .map_or(String::new(), |r| format!("{}/{}", r.marks.len(), r.items.len()));
                    let cells = vec![
                        a.slot.run.clone(),
                        local_time(a.slot.due_at, tz),
                        local_time(a.slot.deadline_at, tz),
                        crate::i18n::run_state_text(a.state, a.run.as_ref(), lang),
                        progress,
                        a.run.as_ref().map_or_else(String::new, |r| r.started_by.clone()),
                        a.name.clone(),
                    ];
                    let record = serde_json::json!({
                        "run": a.slot.run, "template": a.slot.template, "name": a.name,
                        "due_at": a.slot.due_at, "deadline_at": a.slot.deadline_at, "state": a.state.key(),
                        "started_by": a.run.as_ref().map(|r| &r.started_by),
                        "marked": a.run.as_ref().map_or(0, |r| r.marks.len()),
                        "warnings": a.run.as_ref().map_or(0, |r| r.findings().0),
                        "criticals": a.run.as_ref().map_or(0, |r| r.findings().1),
                        "items": a.run.as_ref().map_or(0, |r| r.items.len()),
                        "version": a.run.as_ref().map(|r| r.version),
                    });
                    (cells, record)
                })
                .collect();
            const COLUMNS: &[super::listing::Column] = &[
                super::listing::column("巡检", "RUN", 30),
                super::listing::wide("应检时间", "DUE", 19),
                super::listing::column("完成期限", "DEADLINE", 19),
                super::listing::column("状态", "STATE", 22),
                super::listing::column("进度", "DONE", 6),
                super::listing::wide("开始人", "STARTED BY", 10),
                super::listing::column("名称", "NAME", 0),
            ];
            let empty = if states.is_empty() && owner.is_none() {
                ("（当天没有巡检）", "(no inspections on that day)")
            } else {
                ("（当天没有符合条件的巡检）", "(no inspections on that day match)")
            };
            super::listing::Listing { columns: COLUMNS, rows, empty }.print(output.get(), lang)?;
        }
        ChecklistCommand::Start { template, run } => {
            let Done::Run(started) = session.perform(Request::StartRun { template, run })? else {
                unreachable!("starting a run answers with the run")
            };
            println!("{}", started.id);
        }
        ChecklistCommand::Report { run, day, week, month, format } => {
            let store = session.open_store()?;
            let sheets = match (run.as_deref(), day, week, month.as_deref()) {
                (Some(run), ..) => {
                    let item = find_slot(&session, &*store, run)?;
                    let entries = [item.entry()];
                    let title = format!("{} {run}", lang.pick("巡检报告", "Inspection report"));
                    let text = match format.report() {
                        ReportFormat::Csv => inspection::csv(&entries, tz, lang),
                        ReportFormat::Markdown => inspection::markdown(&title, &entries, tz, lang, now),
                        ReportFormat::Html => {
                            doc::html(&inspection::blocks(&title, &entries, tz, lang, now, true), lang)
                        }
                    };
                    return format.write(&text, lang);
                }
                (None, Some(day), ..) => Sheets::Day(day),
                (None, None, Some(week), _) => Sheets::Week(week),
                (None, None, None, Some(month)) => Sheets::Month(super::parse_month(month, lang)?),
                _ => Sheets::Day(today(&session)),
            };
            let wanted = Wanted::Inspection(sheets);
            format.write(&build(&*store, &session.site, &wanted, format.report(), lang, now)?, lang)?;
        }
        other => {
            let (run, command) = match other {
                ChecklistCommand::Item { run, item, result, note } => {
                    // The item's bound check's evidence is filled in by the operations.
                    (run, RunCommand::Mark { item, result, note, evidence: None, judged: None })
                }
                ChecklistCommand::Notify { run, item } => (run, RunCommand::Notify { item }),
                ChecklistCommand::Decide { run, go_on, stop, note } => {
                    if go_on == stop {
                        return Err(Failure::Usage("say --continue or --stop".into()).into());
                    }
                    (run, RunCommand::Decide { go_on, note })
                }
                ChecklistCommand::Transfer { run, item, note } => (run, RunCommand::Transfer { item, note }),
                ChecklistCommand::Sign { run } => (run, RunCommand::Sign),
                ChecklistCommand::Decline { run, reason } => {
                    let Done::Declined(declined) = session.perform(Request::DeclineRun { run, reason })?
                    else {
                        unreachable!("a declaration answers with itself")
                    };
                    if declined.late_notice {
                        eprintln!(
                            "{}",
                            lang.pick("注意：未提前两小时告知", "note: less than two hours' notice")
                        );
                    }
                    println!("{}", declined.slot.run);
                    return Ok(());
                }
                _ => unreachable!("handled above"),
            };
            let request = Request::Run { run: run.clone(), command, expected_version: None };
            let Done::Run(result) = session.perform(request)? else {
                unreachable!("a run command answers with the run")
            };
            if let Some((item, _)) = &result.paused {
                println!(
                    "{}",
                    match lang {
                        Lang::Zh => format!(
                            "{run}：检查项“{item}”严重，巡检暂停，请在一分钟内通知系统负责人和项目负责人，由负责人决定是否继续"
                        ),
                        Lang::En => format!(
                            "{run}: item \"{item}\" is critical; the inspection is paused: tell the owner and the lead within a minute; a lead decides whether to go on"
                        ),
                    }
                );
            } else if let Some(mark) = result
                .marks
                .values()
                .filter(|m| m.result == ItemResult::Warning && m.notified_at.is_none())
                .max_by_key(|m| m.at)
            {
                println!(
                    "{}",
                    match lang {
                        Lang::Zh => format!(
                            "{run}：有警告（{}），请在一分钟内通知系统负责人和项目负责人，然后继续",
                            mark.result.label(lang)
                        ),
                        Lang::En => format!(
                            "{run}: a warning was recorded: tell the owner and the lead within a minute, then go on"
                        ),
                    }
                );
            } else {
                println!(
                    "{run}: {}/{} ({} {})",
                    result.marks.len(),
                    result.items.len(),
                    lang.pick("版本", "version"),
                    result.version
                );
            }
        }
    }
    Ok(())
}
