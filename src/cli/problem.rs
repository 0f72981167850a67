//! `duty problem open|link|update|known-error|resolve|close|list|show|review`: problems
//! (问题) and their monthly review.

use clap::Subcommand;
use serde::Serialize;

use super::{Paths, Session};
use crate::domain::IncidentId;
use crate::domain::problem::{Problem, ProblemCommand, ProblemState};
use crate::i18n::{Label, Lang, duration, local_time};
use crate::ops::{Done, Request};
use crate::text::{fit, visible};

#[derive(Subcommand, Debug)]
pub enum ProblemAction {
    /// Open a problem, with the incidents it lies behind; prints its number
    Open {
        /// What lies behind the incidents, in a line
        #[arg(long)]
        title: String,
        /// An incident it lies behind (repeat for several)
        #[arg(long = "incident")]
        incidents: Vec<String>,
        /// What is suspected
        #[arg(long, default_value = "")]
        cause: String,
        /// How users get by meanwhile
        #[arg(long, default_value = "")]
        workaround: String,
        /// Who follows it up (an operator's login) [default: you]
        #[arg(long)]
        owner: Option<String>,
    },
    /// Link another incident to the problem
    Link {
        /// The problem's id (PRB-N)
        id: String,
        /// The incident's id (GZ-YYYYMMDD-NNN)
        incident: String,
    },
    /// Record what is suspected now, or a new workaround
    Update {
        /// The problem's id (PRB-N)
        id: String,
        /// What is now suspected [default: as it is]
        #[arg(long, default_value = "")]
        cause: String,
        /// How users get by meanwhile [default: as it is]
        #[arg(long, default_value = "")]
        workaround: String,
    },
    /// The cause and the workaround are known: a known error (已知错误)
    KnownError {
        /// The problem's id (PRB-N)
        id: String,
        /// The cause found
        #[arg(long)]
        cause: String,
        /// How users get by until it is fixed
        #[arg(long)]
        workaround: String,
    },
    /// Resolved, with the solution
    Resolve {
        /// The problem's id (PRB-N)
        id: String,
        /// What fixed it for good
        #[arg(long)]
        solution: String,
    },
    /// Close a resolved problem (a lead)
    Close {
        /// The problem's id (PRB-N)
        id: String,
    },
    /// List problems not closed (all with --all), with the monthly review's reminder
    List {
        /// Include closed problems
        #[arg(long)]
        all: bool,
        /// open | known_error | resolved | closed (repeat for several)
        #[arg(long = "state", value_parser = super::listing::key::<ProblemState>)]
        states: Vec<ProblemState>,
        /// Only those this operator follows up (their login)
        #[arg(long)]
        owner: Option<String>,
        /// Only those whose incidents include one of this host
        #[arg(long)]
        host: Option<String>,
        #[command(flatten)]
        period: super::listing::Period,
        #[command(flatten)]
        output: super::listing::OutputArgs,
    },
    /// Show one problem, its incidents and those that look like them
    Show {
        /// The problem's id (PRB-N)
        id: String,
        /// Print JSON (for scripts)
        #[arg(long)]
        json: bool,
    },
    /// Record the monthly problem review (a lead)
    Review {
        /// The month reviewed, YYYY-MM [default: this month]
        #[arg(long)]
        month: Option<String>,
        /// A note for the record
        #[arg(long, default_value = "")]
        note: String,
    },
}

pub fn run(paths: &Paths, action: ProblemAction) -> anyhow::Result<()> {
    let session = paths.load()?;
    let incident = |id: String| IncidentId(id.trim().to_string());
    let (id, command) = match action {
        ProblemAction::List { all, states, owner, host, period, output } => {
            let filter = Filter { all, states, owner, host, between: period.resolve(&session)? };
            return list(&session, &filter, output.get());
        }
        ProblemAction::Show { id, json } => return show(&session, &id, json),
        ProblemAction::Review { month, note } => {
            let month = month
                .unwrap_or_else(|| session.now().with_timezone(&session.site.tz).format("%Y-%m").to_string());
            session.perform(Request::ReviewProblems { month: month.clone(), note })?;
            println!("{}", review_recorded(&month, session.lang));
            return Ok(());
        }
        ProblemAction::Open { title, incidents, cause, workaround, owner } => {
            let owner = owner.unwrap_or_default();
            let incidents = incidents.into_iter().map(incident).collect();
            (None, ProblemCommand::Open { title, incidents, cause, workaround, owner })
        }
        ProblemAction::Link { id, incident: i } => (Some(id), ProblemCommand::Link { incident: incident(i) }),
        ProblemAction::Update { id, cause, workaround } => {
            (Some(id), ProblemCommand::Update { cause, workaround })
        }
        ProblemAction::KnownError { id, cause, workaround } => {
            (Some(id), ProblemCommand::KnownError { cause, workaround })
        }
        ProblemAction::Resolve { id, solution } => (Some(id), ProblemCommand::Resolve { solution }),
        ProblemAction::Close { id } => (Some(id), ProblemCommand::Close),
    };
    let is_new = id.is_none();
    let id = id.map(|i| i.trim().to_string());
    let Done::Problem(problem) = session.perform(Request::Problem { id, command })? else {
        unreachable!("a problem command answers with the problem")
    };
    match is_new {
        true => println!("{}", problem.id),
        false => println!("{} {}", problem.id, problem.state.label(session.lang)),
    }
    Ok(())
}

fn review_recorded(month: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("已记录 {month} 月度问题评审"),
        Lang::En => format!("the problem review of {month} is recorded"),
    }
}

/// The reminder that stands until a lead records this month's review.
pub fn review_reminder(month: &str, open: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{month} 月度问题评审尚未记录（未关闭的问题 {open} 个）：duty problem review"),
        Lang::En => format!(
            "the problem review of {month} is not recorded yet ({open} problems not closed): duty problem review"
        ),
    }
}

#[derive(Serialize)]
struct ProblemJson<'a> {
    #[serde(flatten)]
    problem: &'a Problem,
    /// Days since it was opened.
    age_days: i64,
    /// Incidents that look like its own (same host and area, or the same alert).
    #[serde(skip_serializing_if = "Option::is_none")]
    suggested: Option<Vec<&'a str>>,
}

/// Which problems a list shows.
struct Filter {
    all: bool,
    states: Vec<ProblemState>,
    owner: Option<String>,
    host: Option<String>,
    /// When it was opened.
    between: super::listing::Between,
}

impl Filter {
    fn keeps(&self, p: &Problem, incidents: &[crate::domain::Incident]) -> bool {
        let state = if self.states.is_empty() {
            self.all || p.state != ProblemState::Closed
        } else {
            self.states.contains(&p.state)
        };
        let on_host =
            |host: &String| incidents.iter().any(|i| p.incidents.contains(&i.id) && i.hosts.contains(host));
        state
            && self.owner.as_ref().is_none_or(|o| &p.owner == o)
            && self.host.as_ref().is_none_or(on_host)
            && self.between.holds(p.opened_at)
    }
}

const COLUMNS: &[super::listing::Column] = &[
    super::listing::column("编号", "ID", 8),
    super::listing::column("状态", "STATE", 10),
    super::listing::column("已持续", "AGE", 10),
    super::listing::column("负责人", "OWNER", 10),
    super::listing::column("关联事件", "INCIDENTS", 34),
    super::listing::wide("开始于", "OPENED", 19),
    super::listing::column("标题", "TITLE", 0),
];

fn list(session: &Session, filter: &Filter, output: super::listing::Output) -> anyhow::Result<()> {
    let store = session.open_store()?;
    let now = session.now();
    let all = crate::ops::problem::problems(&*store)?;
    let incidents = if filter.host.is_some() { store.incidents(true)? } else { Vec::new() };
    let problems: Vec<&Problem> = all.iter().filter(|p| filter.keeps(p, &incidents)).collect();
    let today = now.with_timezone(&session.site.tz).date_naive();
    let reviewed = crate::ops::problem::reviewed_months(&*store)?;
    let open = all.iter().filter(|p| p.state != ProblemState::Closed).count();
    let due = crate::domain::problem::review_due(today, &session.site.calendar, &reviewed, open);
    fn view(p: &Problem, now: chrono::DateTime<chrono::Utc>) -> ProblemJson<'_> {
        ProblemJson { problem: p, age_days: (now - p.opened_at).num_days(), suggested: None }
    }
    if output == super::listing::Output::Json {
        let views: Vec<ProblemJson<'_>> = problems.iter().map(|p| view(p, now)).collect();
        return super::print_json(&serde_json::json!({ "problems": views, "review_due": due }));
    }
    let lang = session.lang;
    if let (Some(month), super::listing::Output::Table | super::listing::Output::Wide) = (&due, output) {
        println!("{}", review_reminder(month, open, lang));
    }
    let rows = problems
        .iter()
        .map(|p| {
            let cells = vec![
                p.id.clone(),
                p.state.label(lang).to_string(),
                duration(now - p.opened_at, lang),
                p.owner.clone(),
                p.incidents.iter().map(|i| i.0.as_str()).collect::<Vec<_>>().join(","),
                local_time(p.opened_at, session.site.tz),
                p.title.clone(),
            ];
            (cells, view(p, now))
        })
        .collect();
    let listing =
        super::listing::Listing { columns: COLUMNS, rows, empty: ("（没有问题）", "(no problems)") };
    listing.print(output, lang)
}

fn show(session: &Session, id: &str, json: bool) -> anyhow::Result<()> {
    let store = session.open_store()?;
    let problem =
        crate::ops::problem::problems(&*store)?.into_iter().find(|p| p.id == id.trim()).ok_or_else(|| {
            let refusal = crate::domain::problem::ProblemRefusal::NoProblem { id: id.trim().to_string() };
            crate::store::StoreError::Refused(crate::domain::DomainError::Problem(refusal))
        })?;
    let incidents = store.incidents(true)?;
    let suggested: Vec<&str> =
        crate::domain::problem::suggest_links(&problem, &incidents).iter().map(|i| i.id.0.as_str()).collect();
    let now = session.now();
    if json {
        let view = ProblemJson {
            problem: &problem,
            age_days: (now - problem.opened_at).num_days(),
            suggested: Some(suggested),
        };
        return super::print_json(&view);
    }
    let lang = session.lang;
    let tz = session.site.tz;
    let v = |t: &str| visible(t, false).into_owned();
    println!("{}  {}", problem.id, v(&problem.title));
    let mut pairs: Vec<(&str, String)> = vec![
        (lang.pick("状态", "state"), problem.state.label(lang).to_string()),
        (lang.pick("负责人", "owner"), v(&problem.owner)),
        (
            lang.pick("登记", "opened"),
            format!("{} {}", v(&problem.opened_by), local_time(problem.opened_at, tz)),
        ),
        (lang.pick("疑似原因", "cause"), v(&problem.cause)),
        (lang.pick("临时措施", "workaround"), v(&problem.workaround)),
        (
            lang.pick("关联事件", "incidents"),
            problem.incidents.iter().map(|i| i.0.as_str()).collect::<Vec<_>>().join(", "),
        ),
    ];
    if !problem.solution.is_empty() {
        pairs.push((lang.pick("解决方案", "solution"), v(&problem.solution)));
    }
    if let Some((by, at)) = &problem.closed {
        pairs.push((lang.pick("关闭", "closed"), format!("{} {}", v(by), local_time(*at, tz))));
    }
    if !suggested.is_empty() {
        pairs.push((lang.pick("建议关联", "looks alike"), suggested.join(", ")));
    }
    for (label, value) in pairs {
        println!("  {} {}", fit(label, 12), value);
    }
    Ok(())
}
