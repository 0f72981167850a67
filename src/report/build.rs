//! Builds a report from the store: shared by `duty report` and the console's `:report`.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

use super::{fault, handover, service};
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
/// event log (read and folded once for all of them).
pub fn service_stats(
    store: &dyn Store,
    site: &Site,
    ranges: &[(NaiveDate, NaiveDate)],
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<service::ServiceStats>> {
    let incidents = service::incidents_from_events(&store.events(None)?)?;
    let records = service::Records::load(store)?;
    ranges
        .iter()
        .map(|&(from, to)| {
            let agenda = crate::agenda::load(store, site, from, to, now)?;
            Ok(service::compute(&incidents, &agenda, &records, site, from, to, now))
        })
        .collect()
}

/// The record's anchor on paper: the chain head and the last seal as the report is
/// made, for the signatures under the handover record and the monthly report (a
/// rewritten record no longer matches what was signed).
fn anchor(store: &dyn Store, csv: bool, lang: Lang) -> anyhow::Result<String> {
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
    let (title, head_label, seal_label) = (
        lang.pick("记录锚点", "Record anchor"),
        lang.pick("链头", "Chain head"),
        lang.pick("最近封印", "Last seal"),
    );
    Ok(if csv {
        format!("{},#{seq} {head}\n{},{seal}\n", super::csv_field(head_label), super::csv_field(seal_label))
    } else {
        format!("\n## {title}\n\n| {head_label} | #{seq} `{head}` |\n|---|---|\n| {seal_label} | {seal} |\n")
    })
}

/// The report as Markdown (or CSV).
pub fn build(
    store: &dyn Store,
    site: &Site,
    wanted: &Wanted,
    csv: bool,
    lang: Lang,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    Ok(match wanted {
        Wanted::Handover(id) => {
            let found = match id {
                Some(id) => crate::duty::load_handover(store, id)?,
                None => crate::duty::handovers(store)?.pop(),
            };
            let h = found.ok_or(StoreError::Refused(DomainError::Handover(HandoverRefusal::NotStarted)))?;
            let anchor = anchor(store, csv, lang)?;
            if csv {
                handover::csv(&h, site.tz, lang) + &anchor
            } else {
                handover::markdown(&h, &site.name, site.tz, lang) + &anchor
            }
        }
        Wanted::Fault(id) => {
            let incident = store.incident(id)?.ok_or_else(|| StoreError::NotFound(id.clone()))?;
            let clocks = clocks(&incident, &site.policy, now);
            if csv {
                fault::csv(&incident, &clocks, site.tz, lang)
            } else {
                fault::markdown(&incident, &clocks, &site.name, site.tz, lang)
            }
        }
        Wanted::Week(date) | Wanted::Month(date) => {
            let weekly = matches!(wanted, Wanted::Week(_));
            let (from, to) = if weekly { week_of(*date) } else { month_of(*date) };
            let stats = service_stats(store, site, &[(from, to)], now)?.remove(0);
            let title = if weekly {
                lang.pick("服务周报", "Weekly service report")
            } else {
                lang.pick("服务月报", "Monthly service report")
            };
            let body =
                if csv { service::csv(&stats, lang) } else { service::markdown(&stats, title, site, lang) };
            if weekly { body } else { body + &anchor(store, csv, lang)? }
        }
    })
}
