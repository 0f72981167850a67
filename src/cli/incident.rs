//! `duty incident ...` and `duty contract`: record and work incidents from scripts.

use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use serde::Serialize;

use super::listing::Output;
use super::{Failure, Paths, Session};
use crate::domain::contract::contract_counter;
use crate::domain::incident::{FaultReportForm, NewIncident};
use crate::domain::sla::{Clock, clocks, most_urgent};
use crate::domain::{
    CallTarget, EventClass, FaultArea, Incident, IncidentCommand, IncidentEvent, IncidentId, PauseReason,
    Severity, Source,
};
use crate::i18n::{Label, Lang, clock_symbol, describe_event, duration, event_kind, local_time};
use crate::ops::{Done, IncidentTarget, Request};
use crate::store::StoredEvent;
use crate::text::{fit, visible};
use crate::time::UserTime;

/// When a step really happened, and the version the operator saw.
#[derive(Args, Debug)]
pub struct When {
    /// When it really happened (RFC 3339 or the site's time such as 22:00, 2026-12-02 22:00, yesterday 23:10, e.g. 2026-11-21T08:30:00+08:00) [default: now]
    #[arg(long)]
    at: Option<UserTime>,
    /// Refuse if the incident is no longer at this version (the one you looked at)
    #[arg(long)]
    expect_version: Option<u64>,
    /// Why the time is claimed so late (a lead, further back than an operator may)
    #[arg(long, value_name = "TEXT")]
    backdate_reason: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum IncidentAction {
    /// Record a new incident; prints its number
    Open {
        /// What happened, in a line
        #[arg(long)]
        title: String,
        /// ordinary (一般) | serious (严重) | critical (特别严重)
        #[arg(long)]
        severity: Severity,
        /// fault | attack | disaster
        #[arg(long, default_value = "fault")]
        class: EventClass,
        /// system | database | network_device | other_application
        #[arg(long, default_value = "system")]
        area: FaultArea,
        /// A host of the site's inventory (repeat for several)
        #[arg(long = "host")]
        hosts: Vec<String>,
        /// When the call came or the alarm fired (RFC 3339 or the site's time such as 22:00, 2026-12-02 22:00, yesterday 23:10) [default: now]
        #[arg(long)]
        reported_at: Option<UserTime>,
        /// What was seen, in full
        #[arg(long, default_value = "")]
        description: String,
        /// An engineer must go on site (starts the on-site clock at the response)
        #[arg(long)]
        onsite: bool,
        /// Why the time is claimed so late (a lead, further back than an operator may)
        #[arg(long, value_name = "TEXT")]
        backdate_reason: Option<String>,
    },
    /// Acknowledge (respond): you become the owner (首问负责制)
    Ack {
        /// The incident's id (GZ-YYYYMMDD-NNN)
        id: String,
        #[command(flatten)]
        when: When,
    },
    /// Record arrival on site
    Onsite {
        /// The incident's id (GZ-YYYYMMDD-NNN)
        id: String,
        #[command(flatten)]
        when: When,
    },
    /// Escalate to a vendor (厂商)
    Escalate {
        /// The incident's id (GZ-YYYYMMDD-NNN)
        id: String,
        /// The vendor escalated to
        #[arg(long)]
        vendor: String,
        /// A note for the record
        #[arg(long, default_value = "")]
        note: String,
        #[command(flatten)]
        when: When,
    },
    /// Record an escalation call
    Call {
        /// The incident's id (GZ-YYYYMMDD-NNN)
        id: String,
        /// duty_lead | vendor | leadership | security_group
        #[arg(long)]
        to: CallTarget,
        /// Who was called
        #[arg(long)]
        name: String,
        /// The call was not answered
        #[arg(long)]
        no_answer: bool,
        /// A note for the record
        #[arg(long, default_value = "")]
        note: String,
        #[command(flatten)]
        when: When,
    },
    /// Pause the resolution clock: waiting on vendor | spare_parts | user
    Pause {
        /// The incident's id (GZ-YYYYMMDD-NNN)
        id: String,
        /// Why the clock stops: vendor | spare_parts | user (waiting on them)
        #[arg(long)]
        reason: PauseReason,
        #[command(flatten)]
        when: When,
    },
    /// Resume the resolution clock
    Resume {
        /// The incident's id (GZ-YYYYMMDD-NNN)
        id: String,
        #[command(flatten)]
        when: When,
    },
    /// Resolve, recording cause and solution for the next time
    Resolve {
        /// The incident's id (GZ-YYYYMMDD-NNN)
        id: String,
        /// What caused it
        #[arg(long)]
        cause: String,
        /// What was done to resolve it
        #[arg(long)]
        solution: String,
        #[command(flatten)]
        when: When,
    },
    /// File the fault report (故障报告单)
    Report {
        /// The incident's id (GZ-YYYYMMDD-NNN)
        id: String,
        /// 故障描述
        #[arg(long)]
        description: String,
        /// 预防措施
        #[arg(long)]
        measures: String,
        /// 处理过程
        #[arg(long, default_value = "")]
        process: String,
        /// 故障原因 [default: the cause given at resolution]
        #[arg(long)]
        cause: Option<String>,
        /// 解决方案 [default: the solution given at resolution]
        #[arg(long)]
        solution: Option<String>,
        /// 故障所属 [default: the incident's area]
        #[arg(long)]
        area: Option<FaultArea>,
        #[command(flatten)]
        when: When,
    },
    /// Close after review (leads only; you are the reviewer, 审核人)
    Close {
        /// The incident's id (GZ-YYYYMMDD-NNN)
        id: String,
        /// A note for the record
        #[arg(long, default_value = "")]
        note: String,
        #[command(flatten)]
        when: When,
    },
    /// Add a note to the timeline
    Note {
        /// The incident's id (GZ-YYYYMMDD-NNN)
        id: String,
        /// The note
        #[arg(required_unless_present = "text_option", conflicts_with = "text_option")]
        text: Option<String>,
        /// The note (the same as giving it after the id)
        #[arg(long = "text", id = "text_option", value_name = "TEXT")]
        text_option: Option<String>,
        #[command(flatten)]
        when: When,
    },
    /// Record the requester's confirmation of the resolution and their rating (the
    /// contract's satisfaction target is 90 %)
    Confirm {
        /// The incident's id (GZ-YYYYMMDD-NNN)
        id: String,
        /// Who confirmed it (the requester)
        #[arg(long)]
        by: String,
        /// phone | on_site | writing
        #[arg(long)]
        how: crate::domain::confirmation::ConfirmedHow,
        /// satisfied | basic | dissatisfied
        #[arg(long)]
        rating: crate::domain::confirmation::Rating,
        /// What they said (needed when dissatisfied)
        #[arg(long, default_value = "")]
        note: String,
        #[command(flatten)]
        when: When,
    },
    /// Start an emergency plan (应急预案) of the site on the incident: the one named, else
    /// the one that fits its class, area and title best
    Plan {
        /// The incident's id (GZ-YYYYMMDD-NNN)
        id: String,
        /// The plan's id (its file name in plans/)
        plan: Option<String>,
        /// Refuse if the incident is no longer at this version (the one you looked at)
        #[arg(long)]
        expect_version: Option<u64>,
    },
    /// Record a step of the running emergency plan as done, or skipped with a note
    Step {
        /// The incident's id (GZ-YYYYMMDD-NNN)
        id: String,
        /// The step's number, from 1
        step: usize,
        /// The step was done
        #[arg(long, conflicts_with = "skip", required_unless_present = "skip")]
        done: bool,
        /// The step was skipped (say why with --note)
        #[arg(long)]
        skip: bool,
        /// A note for the record
        #[arg(long, default_value = "")]
        note: String,
        #[command(flatten)]
        when: When,
    },
    /// Mark as a problem (问题) for the monthly review: it could not be fully solved
    Problem {
        /// The incident's id (GZ-YYYYMMDD-NNN)
        id: String,
        /// Why it is a problem (the first note of the problem)
        #[arg(long)]
        note: String,
        #[command(flatten)]
        when: When,
    },
    /// Pass ownership on to another operator (the owner or a lead; at a handover)
    Handover {
        /// The incident's id (GZ-YYYYMMDD-NNN)
        id: String,
        /// The operator's login
        #[arg(long)]
        to: String,
        /// A note for the record
        #[arg(long, default_value = "")]
        note: String,
        #[command(flatten)]
        when: When,
    },
    /// Correct what was recorded wrongly (a correction event: who, why, what it replaces;
    /// the clocks and reports follow it). One field at a time.
    Correct {
        /// The incident's id (GZ-YYYYMMDD-NNN)
        id: String,
        /// The report time as it really was (RFC 3339 or the site's time such as 22:00, 2026-12-02 22:00, yesterday 23:10); the reporter or a lead
        #[arg(long, group = "field")]
        reported_at: Option<UserTime>,
        /// ordinary | serious | critical
        #[arg(long, group = "field")]
        severity: Option<Severity>,
        /// fault | attack | disaster
        #[arg(long, group = "field")]
        class: Option<EventClass>,
        /// system | database | network_device | other_application
        #[arg(long, group = "field")]
        area: Option<FaultArea>,
        /// Why the record was wrong
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        when: When,
    },
    /// List incidents, most urgent first
    List {
        /// Include closed incidents
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        filter: ListFilter,
        /// When they were reported
        #[command(flatten)]
        period: super::listing::Period,
        #[command(flatten)]
        output: super::listing::OutputArgs,
    },
    /// Show one incident with its clocks and timeline
    Show {
        /// The incident's id (GZ-YYYYMMDD-NNN)
        id: String,
        /// Print JSON (for scripts)
        #[arg(long)]
        json: bool,
    },
}

pub fn run(paths: &Paths, action: IncidentAction) -> anyhow::Result<()> {
    let session = paths.load()?;
    use IncidentAction as A;
    let existing = |id: String| IncidentTarget::Existing(IncidentId(id.trim().to_string()));
    let (target, command, when) = match action {
        A::List { all, filter, period, output } => {
            return list(&session, all, &filter, period.resolve(&session)?, output.get());
        }
        A::Show { id, json } => return show(&session, &id, json),
        A::Open {
            title,
            severity,
            class,
            area,
            hosts,
            reported_at,
            description,
            onsite,
            backdate_reason,
        } => {
            check_hosts(&session, &hosts)?;
            let new = NewIncident {
                title,
                description,
                severity,
                class,
                area,
                hosts,
                source: Source::Operator,
                reported_at: session.time_opt(&reported_at)?.unwrap_or_else(|| session.now()),
                onsite_required: onsite,
                source_ref: None,
            };
            (
                IncidentTarget::New,
                IncidentCommand::Open(new),
                When { at: None, expect_version: None, backdate_reason },
            )
        }
        A::Ack { id, when } => (existing(id), IncidentCommand::Acknowledge, when),
        A::Onsite { id, when } => (existing(id), IncidentCommand::ArriveOnSite, when),
        A::Escalate { id, vendor, note, when } => {
            (existing(id), IncidentCommand::Escalate { vendor, note }, when)
        }
        A::Call { id, to, name, no_answer, note, when } => {
            let command = IncidentCommand::Call { callee: to, name, answered: !no_answer, note };
            (existing(id), command, when)
        }
        A::Pause { id, reason, when } => (existing(id), IncidentCommand::Pause { reason }, when),
        A::Resume { id, when } => (existing(id), IncidentCommand::Resume, when),
        A::Resolve { id, cause, solution, when } => {
            (existing(id), IncidentCommand::Resolve { cause, solution }, when)
        }
        A::Report { id, description, measures, process, cause, solution, area, when } => {
            let form = FaultReportForm { description, cause, process, solution, measures, area };
            (existing(id), IncidentCommand::FileReport(form), when)
        }
        A::Close { id, note, when } => (existing(id), IncidentCommand::Close { note }, when),
        A::Note { id, text, text_option, when } => {
            let text = text.or(text_option).unwrap_or_default();
            (existing(id), IncidentCommand::Note { text }, when)
        }
        A::Problem { id, note, when } => (existing(id), IncidentCommand::MarkProblem { note }, when),
        A::Confirm { id, by, how, rating, note, when } => {
            let confirmation =
                crate::domain::confirmation::Confirmation { by, how, rating: Some(rating), note };
            (existing(id), IncidentCommand::Confirm(confirmation), when)
        }
        A::Plan { id, plan, expect_version } => {
            let request = Request::StartPlan {
                incident: IncidentId(id.trim().to_string()),
                plan,
                expected_version: expect_version,
            };
            return print_committed(&session, request);
        }
        A::Step { id, step, done, skip: _, note, when } => {
            (existing(id), IncidentCommand::MarkStep { step, done, note }, when)
        }
        A::Handover { id, to, note, when } => (existing(id), IncidentCommand::HandOver { to, note }, when),
        A::Correct { id, reported_at, severity, class, area, reason, when } => {
            use crate::domain::incident::Correction;
            let correction = match (session.time_opt(&reported_at)?, severity, class, area) {
                (Some(at), ..) => Correction::ReportedAt(at),
                (_, Some(severity), ..) => Correction::Severity(severity),
                (_, _, Some(class), _) => Correction::Class(class),
                (_, _, _, Some(area)) => Correction::Area(area),
                _ => {
                    return Err(Failure::Usage(
                        "say what to correct: --reported-at, --severity, --class or --area".into(),
                    )
                    .into());
                }
            };
            (existing(id), IncidentCommand::Correct { correction, reason }, when)
        }
    };
    let request = Request::Incident {
        target,
        command,
        expected_version: when.expect_version,
        claimed_at: session.time_opt(&when.at)?,
        backdate_reason: when.backdate_reason,
    };
    print_committed(&session, request)
}

/// Performs an incident request and says what it did: a new incident's number, else
/// the step and the version it made.
fn print_committed(session: &Session, request: Request) -> anyhow::Result<()> {
    let is_new = matches!(request, Request::Incident { target: IncidentTarget::New, .. });
    let Done::Incident(committed) = session.perform(request)? else {
        unreachable!("an incident command commits an incident")
    };
    let incident = &committed.incident;
    if is_new {
        println!("{}", incident.id);
    } else {
        let kind = committed.events.last().map_or("", |e| e.kind.as_str());
        println!("{}", crate::i18n::committed(&incident.id, kind, incident.version, session.lang));
    }
    Ok(())
}

fn check_hosts(session: &Session, hosts: &[String]) -> Result<(), Failure> {
    if let Some(unknown) = hosts.iter().find(|h| session.site.host(h).is_none()) {
        let known = session.site.hosts.iter().map(|h| h.name.as_str()).collect::<Vec<_>>().join(", ");
        return Err(Failure::Usage(match session.lang {
            Lang::Zh => format!("未知设备“{unknown}”（hosts.toml 中有：{known}）"),
            Lang::En => format!("unknown host \"{unknown}\" (hosts.toml has: {known})"),
        }));
    }
    Ok(())
}

/// Which incidents a list shows.
#[derive(Args, Debug, Default)]
pub struct ListFilter {
    /// open | acknowledged | on_site | resolved | reported | closed (repeat for several)
    #[arg(long = "state")]
    states: Vec<crate::domain::State>,
    /// ordinary | serious | critical (repeat for several)
    #[arg(long = "severity")]
    severities: Vec<Severity>,
    /// Only the incidents of this host
    #[arg(long)]
    host: Option<String>,
    /// Only those this operator owns (their login)
    #[arg(long)]
    owner: Option<String>,
}

impl ListFilter {
    fn keeps(&self, incident: &Incident, reported: super::listing::Between) -> bool {
        (self.states.is_empty() || self.states.contains(&incident.state))
            && (self.severities.is_empty() || self.severities.contains(&incident.severity))
            && self.host.as_ref().is_none_or(|h| incident.hosts.contains(h))
            && self.owner.as_ref().is_none_or(|o| incident.owner.as_ref() == Some(o))
            && reported.holds(incident.reported_at)
    }
}

fn list(
    session: &Session,
    all: bool,
    filter: &ListFilter,
    reported: super::listing::Between,
    output: Output,
) -> anyhow::Result<()> {
    let store = session.open_store()?;
    let now = session.now();
    let policy = &session.site.policy;
    // Asking for closed incidents by state is asking for closed ones.
    let closed_too = all || filter.states.contains(&crate::domain::State::Closed);
    // Read once: the contract line under the table counts every incident.
    let everything = store.incidents(true)?;
    let listed: Vec<Incident> = everything
        .iter()
        .filter(|i| closed_too || i.state != crate::domain::State::Closed)
        .cloned()
        .collect();
    // The queue's one order, as the console has it.
    let rows: Vec<(Incident, Vec<Clock>)> = crate::ops::queue::order_by_urgency(listed, &session.site, now)
        .into_iter()
        .filter(|row| filter.keeps(&row.incident, reported))
        .map(|row| {
            let clocks = clocks(&row.incident, policy, now);
            (*row.incident, clocks)
        })
        .collect();
    let lang = session.lang;
    let next_clock = |clocks: &[Clock]| {
        most_urgent(clocks).map_or_else(String::new, |c| {
            format!(
                "{} {} {}",
                clock_symbol(c.state),
                c.name.label(lang),
                c.remaining.map_or_else(String::new, |r| duration(r, lang))
            )
        })
    };
    // The CSV keeps its own flat columns (the next clock as two); the rest is a listing.
    match output {
        Output::Csv => {
            use crate::report::csv_field as f;
            println!("id,severity,state,owner,class,area,hosts,reported_at,next_clock,next_due,title");
            for (i, clocks) in &rows {
                let next = most_urgent(clocks);
                println!(
                    "{},{},{},{},{},{},{},{},{},{},{}",
                    f(&i.id.0),
                    i.severity.key(),
                    i.state.key(),
                    f(i.owner.as_deref().unwrap_or_default()),
                    i.class.key(),
                    i.area.key(),
                    f(&i.hosts.join(" ")),
                    i.reported_at.to_rfc3339(),
                    next.map_or("", |c| c.name.key()),
                    next.and_then(|c| c.due_at).map(|d| d.to_rfc3339()).unwrap_or_default(),
                    f(&i.title)
                );
            }
            return Ok(());
        }
        Output::Table | Output::Wide | Output::Json => {}
    }
    const COLUMNS: &[super::listing::Column] = &[
        super::listing::column("编号", "ID", 16),
        super::listing::column("级别", "SEVERITY", 9),
        super::listing::column("状态", "STATE", 13),
        super::listing::column("负责人", "OWNER", 10),
        super::listing::column("下一时限", "NEXT CLOCK", 26),
        super::listing::wide("分类", "CLASS", 8),
        super::listing::wide("故障所属", "AREA", 14),
        super::listing::wide("设备", "HOSTS", 16),
        super::listing::wide("报告时间", "REPORTED", 19),
        super::listing::column("标题", "TITLE", 0),
    ];
    let table = rows
        .iter()
        .map(|(incident, clocks)| {
            let cells = vec![
                incident.id.0.clone(),
                incident.severity.label(lang).to_string(),
                incident.state.label(lang).to_string(),
                incident.owner.clone().unwrap_or_else(|| "-".to_string()),
                next_clock(clocks),
                incident.class.label(lang).to_string(),
                incident.area.label(lang).to_string(),
                incident.hosts.join(","),
                local_time(incident.reported_at, session.site.tz),
                incident.title.clone(),
            ];
            (cells, IncidentJson::new(incident, clocks, None))
        })
        .collect();
    let listing =
        super::listing::Listing {
            columns: COLUMNS, rows: table, empty: ("（没有事件）", "(no incidents)")
        };
    listing.print(output, lang)?;
    if output != Output::Json {
        println!();
        println!("{}", contract_line(session, &everything, now));
    }
    Ok(())
}

fn contract_line(session: &Session, incidents: &[Incident], now: DateTime<Utc>) -> String {
    let site = &session.site;
    let counter = contract_counter(incidents, &site.policy, site.contract, site.tz, now);
    crate::i18n::contract_summary(&counter, session.lang)
}

pub fn contract(paths: &Paths, json: bool) -> anyhow::Result<()> {
    let session = paths.load()?;
    let store = session.open_store()?;
    let incidents = store.incidents(true)?;
    let now = session.now();
    if json {
        let site = &session.site;
        let counter = contract_counter(&incidents, &site.policy, site.contract, site.tz, now);
        super::print_json(&counter)?;
    } else {
        println!("{}", contract_line(&session, &incidents, now));
    }
    Ok(())
}

fn show(session: &Session, id: &str, json: bool) -> anyhow::Result<()> {
    let store = session.open_store()?;
    let id = IncidentId(id.trim().to_string());
    let incident = store.incident(&id)?.ok_or_else(|| crate::store::StoreError::NotFound(id.clone()))?;
    let now = session.now();
    let clocks = clocks(&incident, &session.site.policy, now);
    let timeline = store.timeline(&id.0)?;
    let seen = crate::domain::seen::seen_before(&incident, &store.incidents(true)?);
    if json {
        let mut view = IncidentJson::new(&incident, &clocks, Some(&timeline));
        view.seen_before = Some(seen);
        super::print_json(&view)?;
        return Ok(());
    }
    let lang = session.lang;
    let tz = session.site.tz;
    let at = |t: DateTime<Utc>| local_time(t, tz);
    let v = |t: &str| visible(t, false).into_owned();
    println!("{}  {}", incident.id, v(&incident.title));
    let pairs: Vec<(&str, String)> = vec![
        (lang.pick("级别", "severity"), incident.severity.label(lang).to_string()),
        (lang.pick("类别", "class"), incident.class.label(lang).to_string()),
        (lang.pick("故障所属", "area"), incident.area.label(lang).to_string()),
        (lang.pick("来源", "source"), incident.source.label(lang).to_string()),
        (lang.pick("设备", "hosts"), v(&incident.hosts.join(", "))),
        (lang.pick("报告人", "reporter"), v(&incident.reporter)),
        (lang.pick("负责人", "owner"), v(incident.owner.as_deref().unwrap_or("-"))),
        (lang.pick("报告时间", "reported"), format!("{} ({tz})", at(incident.reported_at))),
        (lang.pick("录入时间", "recorded"), at(incident.recorded_at)),
        (lang.pick("状态", "state"), incident.state.label(lang).to_string()),
        (lang.pick("版本", "version"), incident.version.to_string()),
    ];
    for (label, value) in pairs {
        println!("  {} {}", fit(label, 10), value);
    }
    if let Some(vendor) = &incident.escalated_to {
        println!("  {} {}", fit(lang.pick("已上报厂商", "vendor"), 10), v(vendor));
    }
    if incident.problem {
        println!("  {}", lang.pick("已转为问题，待月度评审", "turned into a problem for the monthly review"));
    }
    if let Some(word) = &incident.confirmation {
        let said = crate::i18n::confirmation_said(&word.confirmation, lang);
        println!("  {} {} ({})", fit(lang.pick("用户确认", "requester"), 10), v(&said), at(word.at));
    }
    if !incident.description.is_empty() {
        println!("  {} {}", fit(lang.pick("描述", "description"), 10), v(&incident.description));
    }
    for run in &incident.plans {
        println!("{}", crate::i18n::plan_heading(run, tz, lang));
        for line in crate::i18n::plan_steps(run, now, tz, lang) {
            println!("  {}", v(&line));
        }
    }
    if incident.state != crate::domain::State::Closed && incident.plans.last().is_none_or(|p| p.finished()) {
        let fitting =
            crate::domain::plan::suggest(&session.site.plans, incident.class, incident.area, &incident.title);
        if let Some(best) = fitting.first() {
            println!("{} {} ({})", crate::i18n::ui::PLAN_SUGGESTED.get(lang), best.name, best.id);
        }
    }
    if !seen.is_empty() {
        println!("{}", crate::i18n::ui::SEEN_BEFORE.get(lang));
        for past in &seen {
            println!("  {}", crate::i18n::seen_line(past, tz, lang));
        }
    }
    println!("{}", lang.pick("时限：", "Clocks:"));
    for clock in &clocks {
        let due = clock.due_at.map_or_else(|| "-".to_string(), at);
        // A stopped clock says when it stopped; a running one how long is left.
        let (word, then) = match clock.stopped_at {
            Some(stopped) => (lang.pick("完成于", "done"), at(stopped)),
            None => (
                lang.pick("剩余", "left"),
                clock.remaining.map_or_else(|| "-".to_string(), |r| duration(r, lang)),
            ),
        };
        let mut line = format!(
            "  {} {} {} {} {} {} {}",
            clock_symbol(clock.state),
            fit(clock.name.label(lang), 14),
            lang.pick("到期", "due"),
            fit(&due, 19),
            word,
            fit(&then, 19),
            clock.state.label(lang)
        );
        if clock.paused_total >= chrono::Duration::seconds(1) {
            line.push_str(&format!(
                " ({} {})",
                lang.pick("已暂停", "paused"),
                duration(clock.paused_total, lang)
            ));
        }
        if let Some(reason) = clock.paused_reason {
            line.push_str(&format!(" [{}]", reason.label(lang)));
        }
        println!("{line}");
    }
    println!("{}", lang.pick("经过：", "Timeline:"));
    for event in &timeline {
        let what = IncidentEvent::from_stored(&event.kind, &event.payload)
            .map(|e| describe_event(&e, lang))
            .unwrap_or_else(|_| event.payload.clone());
        println!(
            "  {} {} {} {}",
            at(event.occurred_at),
            fit(&v(&event.actor), 10),
            fit(event_kind(&event.kind, lang), 14),
            v(&what)
        );
    }
    Ok(())
}

#[derive(Serialize)]
struct ClockJson {
    name: &'static str,
    state: &'static str,
    started_at: Option<DateTime<Utc>>,
    due_at: Option<DateTime<Utc>>,
    remaining_s: Option<i64>,
    stopped_at: Option<DateTime<Utc>>,
    paused_s: i64,
}

#[derive(Serialize)]
struct TimelineJson<'a> {
    seq: u64,
    occurred_at: DateTime<Utc>,
    recorded_at: DateTime<Utc>,
    actor: &'a str,
    kind: &'a str,
    payload: serde_json::Value,
}

#[derive(Serialize)]
struct IncidentJson<'a> {
    #[serde(flatten)]
    incident: &'a Incident,
    clocks: Vec<ClockJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timeline: Option<Vec<TimelineJson<'a>>>,
    /// Past incidents like it, with their fixes (shown for one incident).
    #[serde(skip_serializing_if = "Option::is_none")]
    seen_before: Option<Vec<crate::domain::seen::Seen>>,
}

impl<'a> IncidentJson<'a> {
    fn new(incident: &'a Incident, clocks: &[Clock], timeline: Option<&'a [StoredEvent]>) -> Self {
        IncidentJson {
            incident,
            clocks: clocks
                .iter()
                .map(|c| ClockJson {
                    name: c.name.key(),
                    state: c.state.key(),
                    started_at: c.started_at,
                    due_at: c.due_at,
                    remaining_s: c.remaining.map(|r| r.num_seconds()),
                    stopped_at: c.stopped_at,
                    paused_s: c.paused_total.num_seconds(),
                })
                .collect(),
            timeline: timeline.map(|events| {
                events
                    .iter()
                    .map(|e| TimelineJson {
                        seq: e.seq,
                        occurred_at: e.occurred_at,
                        recorded_at: e.recorded_at,
                        actor: &e.actor,
                        kind: &e.kind,
                        payload: serde_json::from_str(&e.payload).unwrap_or(serde_json::Value::Null),
                    })
                    .collect()
            }),
            seen_before: None,
        }
    }
}
