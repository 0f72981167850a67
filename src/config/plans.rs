//! Emergency plans (`plans/*.toml`), one file per kind of incident; the file's name is
//! the plan's id.
//!
//! ```toml
//! name = "网络故障应急预案"
//! classes = ["fault"]              # offered for incidents of these classes,
//! areas = ["network_device"]       # of these areas,
//! words = ["网络", "断网"]          # or with these words in their title
//!
//! [[steps]]
//! title = "报告网络安全领导小组"
//! who = "duty"                     # duty | lead | security | vendor
//! within_minutes = 5               # optional: from the plan's start
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::{ConfigProblem, SourceFile};
use crate::domain::plan::{Plan, StepTemplate};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanFile {
    name: Spanned<String>,
    #[serde(default)]
    classes: Vec<Spanned<String>>,
    #[serde(default)]
    areas: Vec<Spanned<String>>,
    #[serde(default)]
    words: Vec<String>,
    #[serde(default)]
    steps: Vec<StepFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepFile {
    title: Spanned<String>,
    who: Spanned<String>,
    within_minutes: Option<Spanned<i64>>,
}

/// The longest limit a step may have: a week.
const LONGEST_MINUTES: i64 = 7 * 24 * 60;

/// Parses one term of a vocabulary where it is written.
fn term<T: std::str::FromStr<Err = crate::domain::UnknownTerm>>(
    text: &Spanned<String>,
    file: &SourceFile,
    problems: &mut Vec<ConfigProblem>,
) -> Option<T> {
    text.get_ref()
        .parse()
        .map_err(|e: crate::domain::UnknownTerm| problems.push(file.problem(text.span(), e.to_string())))
        .ok()
}

fn plan(file: &SourceFile, problems: &mut Vec<ConfigProblem>) -> Option<Plan> {
    let raw: PlanFile = file.parse().map_err(|p| problems.push(p)).ok()?;
    let before = problems.len();
    let id = super::checklists::file_id(file, problems);
    if raw.name.get_ref().trim().is_empty() {
        problems.push(file.problem(raw.name.span(), "name must not be empty"));
    }
    let classes = raw.classes.iter().filter_map(|c| term(c, file, problems)).collect();
    let areas = raw.areas.iter().filter_map(|a| term(a, file, problems)).collect();
    if raw.steps.is_empty() {
        problems.push(file.problem(raw.name.span(), "the plan has no steps: add at least one [[steps]]"));
    }
    let mut steps = Vec::new();
    for step in raw.steps {
        if step.title.get_ref().trim().is_empty() {
            problems.push(file.problem(step.title.span(), "a step's title must not be empty"));
        }
        let who = term(&step.who, file, problems);
        if let Some(within) = &step.within_minutes
            && !(1..=LONGEST_MINUTES).contains(within.get_ref())
        {
            problems.push(file.problem(
                within.span(),
                format!("within_minutes {} must be between 1 and {LONGEST_MINUTES}", within.get_ref()),
            ));
        }
        if let Some(who) = who {
            steps.push(StepTemplate {
                title: step.title.into_inner(),
                who,
                within_minutes: step.within_minutes.map(Spanned::into_inner),
            });
        }
    }
    if problems.len() > before {
        return None;
    }
    Some(Plan { id, name: raw.name.into_inner(), classes, areas, words: raw.words, steps })
}

/// Loads every plan in `dir` (sorted by name); a missing folder means no plans.
pub fn load_plans(dir: &Path, skipped: &[PathBuf], problems: &mut Vec<ConfigProblem>) -> Vec<Plan> {
    super::checklists::toml_files(dir, skipped, problems)
        .iter()
        .filter_map(|file| plan(file, problems))
        .collect()
}
