//! `duty change request|approve|reject|document|start|finish|list|show`: changes (变更)
//! from request to result.

use chrono::{DateTime, Utc};
use clap::Subcommand;
use serde::Serialize;

use super::{Paths, Session};
use crate::domain::change::{
    Change, ChangeCommand, ChangeKind, ChangeRequest, ChangeResult, ChangeState, Risk,
};
use crate::i18n::{Label, Lang, local_time};
use crate::ops::{Done, Request};
use crate::text::{fit, visible};
use crate::time::UserTime;

#[derive(Subcommand, Debug)]
pub enum ChangeAction {
    /// Ask for a change: what, why, the hosts, the risk, the way back and the window;
    /// prints its number
    Request {
        /// normal (planned outside working hours, approved by a lead) | emergency
        #[arg(long, default_value = "normal")]
        kind: ChangeKind,
        /// What is changed
        #[arg(long)]
        what: String,
        /// Why it is needed
        #[arg(long)]
        why: String,
        /// A host of the site (repeat for several)
        #[arg(long = "host", required = true)]
        hosts: Vec<String>,
        /// low | medium | high
        #[arg(long)]
        risk: Risk,
        /// How it is undone if it goes wrong (required)
        #[arg(long)]
        rollback: String,
        /// Start of the planned window (RFC 3339 or the site's time such as 22:00, 2026-12-02 22:00, yesterday 23:10)
        #[arg(long)]
        from: UserTime,
        /// End of the planned window (RFC 3339 or the site's time such as 22:00, 2026-12-02 22:00, yesterday 23:10)
        #[arg(long)]
        until: UserTime,
    },
    /// Approve a change (a lead other than its requester); its hosts go into maintenance
    /// for its window
    Approve {
        /// The change's id (CHG-YYYYMMDD-N)
        id: String,
        /// An emergency change approved by word of mouth: who approved it
        #[arg(long, value_name = "NAME")]
        oral_by: Option<String>,
    },
    /// Reject a requested change (a lead)
    Reject {
        /// The change's id (CHG-YYYYMMDD-N)
        id: String,
        /// Why it is rejected
        #[arg(long)]
        reason: String,
    },
    /// Write up an emergency change after the fact (within the site's limit)
    Document {
        /// The change's id (CHG-YYYYMMDD-N)
        id: String,
        /// What was done, written up
        #[arg(long)]
        text: String,
    },
    /// The approved change begins
    Start {
        /// The change's id (CHG-YYYYMMDD-N)
        id: String,
    },
    /// The change is over: succeeded, failed or rolled back
    Finish {
        /// The change's id (CHG-YYYYMMDD-N)
        id: String,
        /// succeeded | failed | rolled_back
        #[arg(long)]
        result: ChangeResult,
        /// What happened (needed unless it succeeded)
        #[arg(long, default_value = "")]
        note: String,
    },
    /// List changes, latest window first
    List {
        /// requested | approved | rejected | started | finished (repeat for several)
        #[arg(long = "state", value_parser = super::listing::key::<ChangeState>)]
        states: Vec<ChangeState>,
        /// Only the changes to this host
        #[arg(long)]
        host: Option<String>,
        /// Only those this operator requested (their login)
        #[arg(long)]
        owner: Option<String>,
        /// When their windows start
        #[command(flatten)]
        period: super::listing::Period,
        #[command(flatten)]
        output: super::listing::OutputArgs,
    },
    /// Show one change with the incidents opened on its hosts in its window
    Show {
        /// The change's id (CHG-YYYYMMDD-N)
        id: String,
        /// Print JSON (for scripts)
        #[arg(long)]
        json: bool,
    },
}

pub fn run(paths: &Paths, action: ChangeAction) -> anyhow::Result<()> {
    let session = paths.load()?;
    let (id, command) = match action {
        ChangeAction::List { states, host, owner, period, output } => {
            let window = period.resolve(&session)?;
            return list(&session, (&states, host.as_deref(), owner.as_deref()), window, output.get());
        }
        ChangeAction::Show { id, json } => return show(&session, &id, json),
        ChangeAction::Request { kind, what, why, hosts, risk, rollback, from, until } => {
            let (from, until) = (session.time(&from)?, session.time(&until)?);
            let request = ChangeRequest { kind, what, why, hosts, risk, rollback, from, until };
            (None, ChangeCommand::Request(request))
        }
        ChangeAction::Approve { id, oral_by } => (Some(id), ChangeCommand::Approve { oral_by }),
        ChangeAction::Reject { id, reason } => (Some(id), ChangeCommand::Reject { reason }),
        ChangeAction::Document { id, text } => (Some(id), ChangeCommand::Document { text }),
        ChangeAction::Start { id } => (Some(id), ChangeCommand::Start),
        ChangeAction::Finish { id, result, note } => (Some(id), ChangeCommand::Finish { result, note }),
    };
    let is_new = id.is_none();
    let id = id.map(|i| i.trim().to_string());
    let Done::Change(change) = session.perform(Request::Change { id, command })? else {
        unreachable!("a change command answers with the change")
    };
    match is_new {
        true => println!("{}", change.id),
        false => println!(
            "{} {} ({})",
            change.id,
            change.state.label(session.lang),
            version(change.version, session.lang)
        ),
    }
    Ok(())
}

fn version(n: u64, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("版本 {n}"),
        Lang::En => format!("version {n}"),
    }
}

/// A change with what the record makes of it.
#[derive(Serialize)]
struct ChangeJson<'a> {
    #[serde(flatten)]
    change: &'a Change,
    /// Incidents opened on its hosts in its window.
    incidents: Vec<&'a str>,
    /// When an emergency change's written record is due (not yet written).
    record_due: Option<DateTime<Utc>>,
}

fn views<'a>(
    session: &Session,
    changes: &'a [Change],
    incidents: &'a [crate::domain::Incident],
) -> Vec<ChangeJson<'a>> {
    let rules = &session.site.policy.changes;
    crate::domain::change::linked(changes, incidents)
        .into_iter()
        .zip(changes)
        .map(|((_, linked), change)| ChangeJson {
            change,
            incidents: linked.into_iter().map(|i| i.id.0.as_str()).collect(),
            record_due: change.record_due(rules),
        })
        .collect()
}

const COLUMNS: &[super::listing::Column] = &[
    super::listing::column("编号", "ID", 16),
    super::listing::column("类型", "KIND", 8),
    super::listing::column("状态", "STATE", 9),
    super::listing::column("窗口", "WINDOW", 41),
    super::listing::column("设备", "HOSTS", 16),
    super::listing::wide("申请人", "REQUESTED BY", 12),
    super::listing::wide("风险", "RISK", 6),
    super::listing::column("内容", "WHAT", 0),
];

fn list(
    session: &Session,
    filter: (&[ChangeState], Option<&str>, Option<&str>),
    window: super::listing::Between,
    output: super::listing::Output,
) -> anyhow::Result<()> {
    let (states, host, owner) = filter;
    let store = session.open_store()?;
    let mut changes: Vec<Change> = crate::ops::change::changes(&*store)?
        .into_iter()
        .filter(|c| states.is_empty() || states.contains(&c.state))
        .filter(|c| host.is_none_or(|h| c.request.hosts.iter().any(|x| x == h)))
        .filter(|c| owner.is_none_or(|o| c.requested_by == o))
        .filter(|c| window.holds(c.request.from))
        .collect();
    changes.sort_by(|a, b| b.request.from.cmp(&a.request.from).then_with(|| b.id.cmp(&a.id)));
    let incidents = store.incidents(true)?;
    let lang = session.lang;
    let tz = session.site.tz;
    let rows = views(session, &changes, &incidents)
        .into_iter()
        .map(|view| {
            let c = view.change;
            let cells = vec![
                c.id.clone(),
                c.request.kind.label(lang).to_string(),
                c.state.label(lang).to_string(),
                format!("{} → {}", local_time(c.request.from, tz), local_time(c.request.until, tz)),
                c.request.hosts.join(","),
                c.requested_by.clone(),
                c.request.risk.label(lang).to_string(),
                c.request.what.clone(),
            ];
            (cells, view)
        })
        .collect();
    let listing =
        super::listing::Listing { columns: COLUMNS, rows, empty: ("（没有变更）", "(no changes)") };
    listing.print(output, lang)
}

fn show(session: &Session, id: &str, json: bool) -> anyhow::Result<()> {
    let store = session.open_store()?;
    let changes: Vec<Change> =
        crate::ops::change::changes(&*store)?.into_iter().filter(|c| c.id == id.trim()).collect();
    let incidents = store.incidents(true)?;
    let views = views(session, &changes, &incidents);
    let Some(view) = views.first() else {
        let refusal = crate::domain::change::ChangeRefusal::NoChange { id: id.trim().to_string() };
        return Err(crate::store::StoreError::Refused(crate::domain::DomainError::Change(refusal)).into());
    };
    if json {
        return super::print_json(view);
    }
    let lang = session.lang;
    let tz = session.site.tz;
    let c = view.change;
    let v = |t: &str| visible(t, false).into_owned();
    println!("{}  {}", c.id, v(&c.request.what));
    let mut pairs: Vec<(&str, String)> = vec![
        (lang.pick("类型", "kind"), c.request.kind.label(lang).to_string()),
        (lang.pick("状态", "state"), c.state.label(lang).to_string()),
        (lang.pick("原因", "why"), v(&c.request.why)),
        (lang.pick("设备", "hosts"), v(&c.request.hosts.join(", "))),
        (lang.pick("风险", "risk"), c.request.risk.label(lang).to_string()),
        (lang.pick("回退方案", "rollback"), v(&c.request.rollback)),
        (
            lang.pick("计划时段", "window"),
            format!("{} → {}", local_time(c.request.from, tz), local_time(c.request.until, tz)),
        ),
        (
            lang.pick("申请人", "requester"),
            format!("{} {}", v(&c.requested_by), local_time(c.requested_at, tz)),
        ),
    ];
    if let Some(a) = &c.approval {
        let how = match a.oral {
            true => format!(
                "{} ({} {})",
                lang.pick("口头审批", "approved orally"),
                lang.pick("记录人", "recorded by"),
                v(&a.recorded_by)
            ),
            false => String::new(),
        };
        pairs.push((
            lang.pick("审批人", "approved by"),
            format!("{} {} {how}", v(&a.by), local_time(a.at, tz)).trim_end().to_string(),
        ));
    }
    if let Some((by, reason)) = &c.rejected {
        pairs.push((lang.pick("驳回", "rejected"), format!("{} {}", v(by), v(reason))));
    }
    if let Some(due) = view.record_due {
        pairs.push((lang.pick("补记期限", "write up by"), local_time(due, tz)));
    }
    if let Some((at, by, text)) = &c.documented {
        pairs.push((
            lang.pick("补记", "written up"),
            format!("{} {} {}", v(by), local_time(*at, tz), v(text)),
        ));
    }
    if let Some(window) = &c.window {
        pairs.push((lang.pick("维护窗口", "maintenance"), window.clone()));
    }
    if let Some(at) = c.started_at {
        pairs.push((lang.pick("开始", "started"), local_time(at, tz)));
    }
    if let (Some(at), Some(result)) = (c.finished_at, c.result) {
        pairs.push((
            lang.pick("结果", "result"),
            format!("{} {} {}", result.label(lang), local_time(at, tz), v(&c.note)),
        ));
    }
    pairs.push((
        lang.pick("关联事件", "incidents"),
        if view.incidents.is_empty() { "-".to_string() } else { view.incidents.join(", ") },
    ));
    for (label, value) in pairs {
        println!("  {} {}", fit(label, 12), value.trim_end());
    }
    Ok(())
}
