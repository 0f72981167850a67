//! Checklist templates (`checklists/*.toml`) and the workday calendar (`calendar.toml`).
//!
//! ```toml
//! name = "数据交换检查"
//! days = "workdays"          # workdays | daily | monday .. sunday | monthly:15
//! times = ["08:30", "17:00"]
//! within_minutes = 60        # or: deadline = "18:00"
//!
//! [[items]]
//! id = "nodes"
//! title = "节点连通性"
//! steps = ["打开交换管理控制台", "查看是否有节点显示红色"]
//! check = "exchange-mgmt/exchange-console"   # optional: a live-status check
//! ```

use std::path::Path;

use chrono::{Duration, NaiveDate, NaiveTime, Weekday};
use serde::Deserialize;
use toml::Spanned;

use super::{ConfigProblem, Host, SourceFile};
use crate::domain::checklist::{Cadence, Calendar, ItemTemplate, Template};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TemplateFile {
    name: Spanned<String>,
    days: Spanned<String>,
    times: Spanned<Vec<Spanned<String>>>,
    deadline: Option<Spanned<String>>,
    within_minutes: Option<Spanned<i64>>,
    #[serde(default)]
    items: Vec<ItemFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemFile {
    id: Spanned<String>,
    title: String,
    #[serde(default)]
    steps: Vec<String>,
    check: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct CalendarFile {
    #[serde(default)]
    holidays: Vec<Spanned<toml::value::Datetime>>,
    #[serde(default)]
    workdays: Vec<Spanned<toml::value::Datetime>>,
}

pub(super) fn time_of(
    value: &Spanned<String>,
    file: &SourceFile,
    problems: &mut Vec<ConfigProblem>,
) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(value.get_ref().trim(), "%H:%M")
        .map_err(|_| {
            problems.push(file.problem(
                value.span(),
                format!("bad time \"{}\" (expected HH:MM such as 08:30)", value.get_ref()),
            ))
        })
        .ok()
}

fn cadence(value: &Spanned<String>, file: &SourceFile, problems: &mut Vec<ConfigProblem>) -> Option<Cadence> {
    let text = value.get_ref().trim().to_ascii_lowercase();
    let weekday = |name: &str| name.parse::<Weekday>().ok();
    let parsed = match text.as_str() {
        "workdays" | "工作日" => Some(Cadence::Workdays),
        "daily" | "每天" => Some(Cadence::Daily),
        other if other.starts_with("monthly:") => other["monthly:".len()..]
            .parse::<u32>()
            .ok()
            .filter(|d| (1..=31).contains(d))
            .map(Cadence::Monthly),
        other if other.starts_with("yearly:") => other["yearly:".len()..]
            .split_once('-')
            .and_then(|(m, d)| Some((m.parse::<u32>().ok()?, d.parse::<u32>().ok()?)))
            // Checked against a leap year: 29 February is a day of the year.
            .filter(|(m, d)| chrono::NaiveDate::from_ymd_opt(2028, *m, *d).is_some())
            .map(|(month, day)| Cadence::Yearly { month, day }),
        other => weekday(other).map(Cadence::Weekly),
    };
    if parsed.is_none() {
        problems.push(file.problem(
            value.span(),
            format!("bad days \"{}\" (expected workdays, daily, a weekday such as monday, monthly:1 to monthly:31, or yearly:MM-DD)", value.get_ref()),
        ));
    }
    parsed
}

fn template(file: &SourceFile, hosts: &[Host], problems: &mut Vec<ConfigProblem>) -> Option<Template> {
    let raw: TemplateFile = file.parse().map_err(|p| problems.push(p)).ok()?;
    let before = problems.len();
    let id = file_id(file, problems);
    if raw.name.get_ref().trim().is_empty() {
        problems.push(file.problem(raw.name.span(), "name must not be empty"));
    }
    let cadence = cadence(&raw.days, file, problems);
    let times: Vec<NaiveTime> =
        raw.times.get_ref().iter().filter_map(|t| time_of(t, file, problems)).collect();
    if raw.times.get_ref().is_empty() {
        problems.push(file.problem(raw.times.span(), "times must list at least one HH:MM"));
    }
    let deadline = raw.deadline.as_ref().and_then(|d| time_of(d, file, problems));
    let within = match &raw.within_minutes {
        None => Duration::minutes(120),
        Some(v) if (1..=24 * 60).contains(v.get_ref()) => Duration::minutes(*v.get_ref()),
        Some(v) => {
            problems.push(
                file.problem(v.span(), format!("within_minutes {} must be between 1 and 1440", v.get_ref())),
            );
            Duration::minutes(120)
        }
    };
    if raw.items.is_empty() {
        problems.push(file.problem(raw.name.span(), "the template has no items: add at least one [[items]]"));
    }
    let mut items: Vec<ItemTemplate> = Vec::new();
    for item in raw.items {
        let item_id = item.id.get_ref().trim().to_string();
        if item_id.is_empty()
            || !item_id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            problems.push(file.problem(
                item.id.span(),
                format!("item id \"{item_id}\" must be letters, digits, '-', '_' or '.'"),
            ));
            continue;
        }
        if items.iter().any(|i| i.id == item_id) {
            problems.push(file.problem(item.id.span(), format!("duplicate item \"{item_id}\"")));
            continue;
        }
        if let Some(check) = &item.check {
            let known = check.get_ref().split_once('/').is_some_and(|(host, name)| {
                hosts.iter().any(|h| h.name == host && h.checks.iter().any(|c| c.name == name))
            });
            if !known {
                problems.push(file.problem(
                    check.span(),
                    format!("unknown check \"{}\" (expected host/check of hosts.toml)", check.get_ref()),
                ));
                continue;
            }
        }
        items.push(ItemTemplate {
            id: item_id,
            title: item.title,
            steps: item.steps,
            check: item.check.map(|c| c.into_inner()),
        });
    }
    if problems.len() > before {
        return None;
    }
    Some(Template { id, name: raw.name.into_inner(), cadence: cadence?, times, deadline, within, items })
}

/// A file's id, its name without `.toml`: letters, digits, '-' or '_'.
pub(super) fn file_id(file: &SourceFile, problems: &mut Vec<ConfigProblem>) -> String {
    let id: String = file.path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')) {
        problems.push(file.problem(
            0..0,
            format!("the file name \"{id}\" must be letters, digits, '-' or '_' (it is the id)"),
        ));
    }
    id
}

/// Every `*.toml` in `dir` but those skipped, sorted by name and read (a file that
/// cannot be read is a problem); a missing folder holds none.
pub(super) fn toml_files(
    dir: &Path,
    skipped: &[std::path::PathBuf],
    problems: &mut Vec<ConfigProblem>,
) -> Vec<SourceFile> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml") && !skipped.contains(p))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|path| SourceFile::read(&path).map_err(|problem| problems.push(problem)).ok())
        .collect()
}

/// Loads every `*.toml` in `dir` (sorted by name); a missing folder means no templates.
pub fn load_templates(
    dir: &Path,
    hosts: &[Host],
    skipped: &[std::path::PathBuf],
    problems: &mut Vec<ConfigProblem>,
) -> Vec<Template> {
    let mut templates: Vec<Template> = Vec::new();
    for file in toml_files(dir, skipped, problems) {
        if let Some(template) = template(&file, hosts, problems) {
            if let Some(same) = templates.iter().find(|t| t.name == template.name) {
                let text = file.text.find("name").unwrap_or(0);
                problems.push(file.problem(
                    text..text,
                    format!("duplicate template name \"{}\" (also in {}.toml)", template.name, same.id),
                ));
                continue;
            }
            templates.push(template);
        }
    }
    templates
}

/// Loads `calendar.toml` (optional).
pub fn load_calendar(path: &Path, problems: &mut Vec<ConfigProblem>) -> Calendar {
    if !path.exists() {
        return Calendar::default();
    }
    let Some(file) = SourceFile::read(path).map_err(|p| problems.push(p)).ok() else {
        return Calendar::default();
    };
    let Some(raw): Option<CalendarFile> = file.parse().map_err(|p| problems.push(p)).ok() else {
        return Calendar::default();
    };
    let mut dates =
        |values: &[Spanned<toml::value::Datetime>]| {
            values
                .iter()
                .filter_map(|v| {
                    let date =
                        v.get_ref().date.filter(|_| v.get_ref().time.is_none()).and_then(|d| {
                            NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into())
                        });
                    if date.is_none() {
                        problems.push(file.problem(
                            v.span(),
                            format!("\"{}\" is not a date such as 2026-10-01", v.get_ref()),
                        ));
                    }
                    date
                })
                .collect()
        };
    let holidays = dates(&raw.holidays);
    let workdays = dates(&raw.workdays);
    Calendar { holidays, workdays }
}
