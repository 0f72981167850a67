//! Builds a report from the store: shared by `duty report`, `duty checklist report` and
//! the console's `:report`.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

use super::doc::{self, Block};
use super::{fault, handover, inspection, service};
use crate::config::Site;
use crate::domain::handover::HandoverRefusal;
use crate::domain::sla::clocks;
use crate::domain::{DomainError, IncidentId};
use crate::i18n::Lang;
use crate::store::{Store, StoreError};

/// Which report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Wanted {
    /// A handover by id, or the latest.
    Handover(Option<String>),
    Fault(IncidentId),
    /// The week (Monday to Sunday) holding this date.
    Week(NaiveDate),
    /// The month holding this date.
    Month(NaiveDate),
    /// The inspection sheets of a day, a week (with the weekday grid) or a month.
    Inspection(Sheets),
}

/// Which inspection sheets: those of a day, of the week or of the month holding a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sheets {
    Day(NaiveDate),
    Week(NaiveDate),
    Month(NaiveDate),
}

/// How a report is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Csv,
    /// A printable page (A4), with charts and places to sign.
    Html,
}

impl Format {
    /// The file name's extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Csv => "csv",
            Format::Html => "html",
        }
    }
}

impl Wanted {
    /// A file name for it, without extension: `week-2026-11-16`.
    pub fn stem(&self) -> String {
        match self {
            Wanted::Handover(Some(id)) => id.replace('@', "-"),
            Wanted::Handover(None) => "handover-latest".into(),
            Wanted::Fault(id) => format!("fault-{id}"),
            Wanted::Week(date) => format!("week-{}", week_of(*date).0),
            Wanted::Month(date) => format!("month-{}", date.format("%Y-%m")),
            Wanted::Inspection(Sheets::Day(date)) => format!("inspection-{date}"),
            Wanted::Inspection(Sheets::Week(date)) => format!("inspection-week-{}", week_of(*date).0),
            Wanted::Inspection(Sheets::Month(date)) => format!("inspection-{}", date.format("%Y-%m")),
        }
    }
}

/// Monday to Sunday of the week holding `date`.
pub fn week_of(date: NaiveDate) -> (NaiveDate, NaiveDate) {
    let monday = date - Duration::days(date.weekday().num_days_from_monday().into());
    (monday, monday + Duration::days(6))
}

/// First and last day of the month holding `date`.
pub fn month_of(date: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = date.with_day(1).unwrap_or(date);
    let last = first.checked_add_months(chrono::Months::new(1)).and_then(|d| d.pred_opt()).unwrap_or(first);
    (first, last)
}

/// The service statistics of each range of local dates `from..=to`, computed from the
/// event log and the inspection agenda, each read once for all of them.
pub fn service_stats(
    store: &dyn Store,
    site: &Site,
    ranges: &[(NaiveDate, NaiveDate)],
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<service::ServiceStats>> {
    let (Some(first), Some(last)) = (ranges.iter().map(|r| r.0).min(), ranges.iter().map(|r| r.1).max())
    else {
        return Ok(Vec::new());
    };
    let incidents = service::incidents_from_events(&store.events(None)?)?;
    let records = service::Records::load(store)?;
    // Each range counts only the inspections due in it.
    let agenda = crate::agenda::load(store, site, first, last, now)?;
    Ok(ranges
        .iter()
        .map(|&(from, to)| service::compute(&incidents, &agenda, &records, site, from, to, now))
        .collect())
}

/// The record's anchor on paper: the chain head and the last seal as the report is
/// made, for the signatures under the handover record and the monthly report (a
/// rewritten record no longer matches what was signed).
fn anchor(store: &dyn Store, lang: Lang) -> anyhow::Result<[(String, String); 2]> {
    let (seq, head) = crate::seal::head_of(store)?;
    let last_seal = store
        .events_of(crate::seal::SEALED, None)?
        .last()
        .and_then(|e| serde_json::from_str::<crate::seal::Seal>(&e.payload).ok());
    let seal = match (last_seal, lang) {
        (Some(s), Lang::Zh) => format!("第 {} 期（至事件 #{}）", s.epoch, s.seq),
        (Some(s), Lang::En) => format!("epoch {} (through event #{})", s.epoch, s.seq),
        (None, _) => lang.pick("未封印", "not sealed").to_string(),
    };
    Ok([
        (lang.pick("链头", "Chain head").to_string(), format!("#{seq} {head}")),
        (lang.pick("最近封印", "Last seal").to_string(), seal),
    ])
}

fn anchor_csv(anchor: &[(String, String); 2]) -> String {
    anchor
        .iter()
        .map(|(label, value)| format!("{},{}\n", super::csv_field(label), super::csv_field(value)))
        .collect()
}

/// The anchor as the section that ends a record, placed before its places to sign.
fn with_anchor(mut blocks: Vec<Block>, anchor: [(String, String); 2], lang: Lang) -> Vec<Block> {
    let at = blocks.iter().position(|b| matches!(b, Block::SignHere(_))).unwrap_or(blocks.len());
    let [(head_label, head), seal] = anchor;
    let section = [
        Block::Heading(lang.pick("记录锚点", "Record anchor").to_string()),
        Block::table(vec![head_label, head], &[], vec![vec![seal.0, seal.1]]),
    ];
    blocks.splice(at..at, section);
    blocks
}

/// The blocks in the format asked for (CSV is written by each report itself).
fn render(blocks: &[Block], format: Format, lang: Lang) -> String {
    match format {
        Format::Html => doc::html(blocks, lang),
        _ => doc::markdown(blocks),
    }
}

/// The days a sheet covers, and its title.
fn sheets_of(sheets: Sheets, lang: Lang) -> (NaiveDate, NaiveDate, String) {
    match sheets {
        Sheets::Day(day) => (day, day, format!("{} {day}", lang.pick("巡检日报", "Daily inspection report"))),
        Sheets::Week(date) => {
            let (monday, sunday) = week_of(date);
            (
                monday,
                sunday,
                format!("{} {monday}", lang.pick("巡检周报", "Weekly inspection report, week of")),
            )
        }
        Sheets::Month(date) => {
            let (first, last) = month_of(date);
            let month = first.format("%Y-%m");
            (first, last, format!("{} {month}", lang.pick("巡检月报", "Monthly inspection report")))
        }
    }
}

/// What a report is made from: read from the store once, for every format it is
/// written in (the console writes three at once, all as of the same moment).
enum Source {
    Handover {
        handover: Box<crate::domain::handover::Handover>,
        anchor: [(String, String); 2],
    },
    Fault {
        incident: Box<crate::domain::Incident>,
        clocks: Vec<crate::domain::sla::Clock>,
    },
    /// A week's or a month's service statistics; a month's (on paper) with its weeks and
    /// the record's anchor.
    Service {
        weekly: bool,
        period: Box<service::ServiceStats>,
        weeks: Vec<service::ServiceStats>,
        anchor: Option<[(String, String); 2]>,
    },
    Inspection {
        sheets: Sheets,
        title: String,
        items: Vec<crate::agenda::AgendaItem>,
    },
}

impl Source {
    /// Reads what `wanted` needs; `paper` when a printable page is among the formats
    /// (a month is then also charted by its weeks).
    fn load(
        store: &dyn Store,
        site: &Site,
        wanted: &Wanted,
        paper: bool,
        lang: Lang,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Source> {
        Ok(match wanted {
            Wanted::Handover(id) => {
                let found = match id {
                    Some(id) => crate::duty::load_handover(store, id)?,
                    None => crate::duty::handovers(store)?.pop(),
                };
                let handover =
                    found.ok_or(StoreError::Refused(DomainError::Handover(HandoverRefusal::NotStarted)))?;
                Source::Handover { handover: Box::new(handover), anchor: anchor(store, lang)? }
            }
            Wanted::Fault(id) => {
                let incident = store.incident(id)?.ok_or_else(|| StoreError::NotFound(id.clone()))?;
                let clocks = clocks(&incident, &site.policy, now);
                Source::Fault { incident: Box::new(incident), clocks }
            }
            Wanted::Week(date) | Wanted::Month(date) => {
                let weekly = matches!(wanted, Wanted::Week(_));
                let (from, to) = if weekly { week_of(*date) } else { month_of(*date) };
                // On paper a month is charted by its weeks (each cut to the month).
                let mut ranges = vec![(from, to)];
                if paper && !weekly {
                    let mut monday = week_of(from).0;
                    while monday <= to {
                        ranges.push((monday.max(from), (monday + Duration::days(6)).min(to)));
                        monday += Duration::days(7);
                    }
                }
                let mut weeks = service_stats(store, site, &ranges, now)?;
                let period = Box::new(weeks.remove(0));
                let anchor = if weekly { None } else { Some(anchor(store, lang)?) };
                Source::Service { weekly, period, weeks, anchor }
            }
            Wanted::Inspection(sheets) => {
                let (from, to, title) = sheets_of(*sheets, lang);
                let items = crate::agenda::load(store, site, from, to, now)?;
                Source::Inspection { sheets: *sheets, title, items }
            }
        })
    }

    fn render(&self, site: &Site, format: Format, lang: Lang, now: DateTime<Utc>) -> String {
        let (csv, paper) = (format == Format::Csv, format == Format::Html);
        match self {
            Source::Handover { handover, anchor } => {
                if csv {
                    handover::csv(handover, site.tz, lang) + &anchor_csv(anchor)
                } else {
                    let blocks = handover::blocks(handover, &site.name, site.tz, lang, paper);
                    render(&with_anchor(blocks, anchor.clone(), lang), format, lang)
                }
            }
            Source::Fault { incident, clocks } => {
                if csv {
                    fault::csv(incident, clocks, site.tz, lang)
                } else {
                    render(&fault::blocks(incident, clocks, &site.name, site.tz, lang, paper), format, lang)
                }
            }
            Source::Service { weekly, period, weeks, anchor } => {
                let title = if *weekly {
                    lang.pick("服务周报", "Weekly service report")
                } else {
                    lang.pick("服务月报", "Monthly service report")
                };
                if csv {
                    service::csv(period, lang) + &anchor.as_ref().map(anchor_csv).unwrap_or_default()
                } else {
                    let blocks = service::blocks(period, title, site, lang, paper.then_some(&weeks[..]));
                    let blocks = match anchor {
                        Some(anchor) => with_anchor(blocks, anchor.clone(), lang),
                        None => blocks,
                    };
                    render(&blocks, format, lang)
                }
            }
            Source::Inspection { sheets, title, items } => {
                // A week's or a month's sheets are those due by now: the month ahead is not a record.
                let day = matches!(sheets, Sheets::Day(_));
                let entries: Vec<_> = items
                    .iter()
                    .filter(|item| day || item.slot.due_at <= now)
                    .map(crate::agenda::AgendaItem::entry)
                    .collect();
                if csv {
                    return inspection::csv(&entries, site.tz, lang);
                }
                // A day's sheet is signed run by run; a week's or a month's once, by its reviewer.
                let mut blocks = inspection::blocks(title, &entries, site.tz, lang, now, paper && day);
                if matches!(sheets, Sheets::Week(_)) {
                    // The weekly sheet is the grid: it comes first, the runs' detail after.
                    let mut grids: Vec<Block> = site
                        .checklists
                        .iter()
                        .flat_map(|template| {
                            let of_template: Vec<_> =
                                entries.iter().filter(|e| e.slot.template == template.id).copied().collect();
                            [
                                Block::Heading(format!(
                                    "{} — {}",
                                    template.name,
                                    lang.pick("按星期", "by weekday")
                                )),
                                inspection::weekday_grid(&of_template, site.tz, lang),
                            ]
                        })
                        .collect();
                    grids.push(inspection::grid_legend(lang));
                    blocks.splice(1..1, grids);
                }
                if paper && !day {
                    blocks.push(Block::SignHere(vec![(lang.pick("审核人", "Reviewer").to_string(), None)]));
                }
                render(&blocks, format, lang)
            }
        }
    }
}

/// The report in each of the formats asked for, from one reading of the store.
pub fn build_each(
    store: &dyn Store,
    site: &Site,
    wanted: &Wanted,
    formats: &[Format],
    lang: Lang,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<String>> {
    let source = Source::load(store, site, wanted, formats.contains(&Format::Html), lang, now)?;
    Ok(formats.iter().map(|&format| source.render(site, format, lang, now)).collect())
}

/// The report in the format asked for.
pub fn build(
    store: &dyn Store,
    site: &Site,
    wanted: &Wanted,
    format: Format,
    lang: Lang,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    Ok(build_each(store, site, wanted, &[format], lang, now)?.remove(0))
}
