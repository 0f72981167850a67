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
        /// Print JSON (for scripts)
        #[arg(long)]
        json: bool,
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
        ProblemAction::List { all, json } => return list(&session, all, json),
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

fn list(session: &Session, all: bool, json: bool) -> anyhow::Result<()> {
    let store = session.open_store()?;
    let now = session.now();
    let problems: Vec<Problem> = crate::ops::problem::problems(&*store)?
        .into_iter()
        .filter(|p| all || p.state != ProblemState::Closed)
        .collect();
    let today = now.with_timezone(&session.site.tz).date_naive();
    let reviewed = crate::ops::problem::reviewed_months(&*store)?;
    let open = problems.iter().filter(|p| p.state != ProblemState::Closed).count();
    let due = crate::domain::problem::review_due(today, &session.site.calendar, &reviewed, open);
    if json {
        let views: Vec<ProblemJson<'_>> = problems
            .iter()
            .map(|p| ProblemJson { problem: p, age_days: (now - p.opened_at).num_days(), suggested: None })
            .collect();
        return super::print_json(&serde_json::json!({ "problems": views, "review_due": due }));
    }
    let lang = session.lang;
    if let Some(month) = &due {
        println!("{}", review_reminder(month, open, lang));
    }
    if problems.is_empty() {
        println!("{}", lang.pick("（没有问题）", "(no problems)"));
    }
    for p in &problems {
        println!(
            "{} {} {} {} {}",
            fit(&p.id, 8),
            fit(p.state.label(lang), 10),
            fit(&duration(now - p.opened_at, lang), 10),
            fit(&p.incidents.iter().map(|i| i.0.as_str()).collect::<Vec<_>>().join(","), 34),
            visible(&p.title, false)
        );
    }
    Ok(())
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
