//! The fault report (故障报告单) of one incident, laid out as the centre's form: document
//! number, reporter, report date, fault area (one of four, ticked), description,
//! resolved / unresolved, solution, reviewer, fault date — with the cause, the process,
//! the preventive measures and the clocks beside it.

use super::csv_field;
use super::doc::{self, Block};
use crate::domain::sla::Clock;
use crate::domain::{FaultArea, Incident};
use crate::i18n::{Label, Lang, local_time};

fn tick(on: bool) -> &'static str {
    if on { "☑" } else { "☐" }
}

/// The form's fields in order: (label, value).
pub fn fields(incident: &Incident, clocks: &[Clock], tz: chrono_tz::Tz, lang: Lang) -> Vec<(String, String)> {
    rows(incident, clocks, tz, lang).into_iter().map(|f| (f.label, f.value)).collect()
}

/// The form's rows, the free text not written yet marked for a hand to fill in.
fn rows(incident: &Incident, clocks: &[Clock], tz: chrono_tz::Tz, lang: Lang) -> Vec<doc::Field> {
    let t = |zh: &'static str, en: &'static str| lang.pick(zh, en).to_string();
    let report = incident.fault_report.as_ref();
    let missing = || t("（未填写）", "(not filled in)");
    let date = |at: chrono::DateTime<chrono::Utc>| at.with_timezone(&tz).format("%Y-%m-%d").to_string();
    let area = report.map_or(incident.area, |r| r.area);
    let areas = FaultArea::ALL
        .iter()
        .map(|a| format!("{}{}", tick(*a == area), a.label(lang)))
        .collect::<Vec<_>>()
        .join(" ");
    let resolved = report.map_or(incident.resolved_at.is_some() && !incident.problem, |r| r.resolved);
    // Free text: what was written, or room to write it in.
    let text = |value: Option<&String>| match value.filter(|v| !v.trim().is_empty()) {
        Some(written) => (written.clone(), false),
        None => (missing(), true),
    };
    let description = report.map_or_else(
        || format!("{}\n{}", incident.title, incident.description).trim().to_string(),
        |r| r.description.clone(),
    );
    let free = [
        (t("故障原因", "Cause"), text(report.map(|r| &r.cause).or(incident.cause.as_ref()))),
        (t("处理过程", "Process"), text(report.map(|r| &r.process))),
        (t("解决方案", "Solution"), text(report.map(|r| &r.solution).or(incident.solution.as_ref()))),
        (t("预防措施", "Preventive measures"), text(report.map(|r| &r.measures))),
    ];
    let field = |label: String, value: String| doc::Field { label, value, write_in: false };
    let mut fields = vec![
        field(t("文档编号", "Document number"), incident.id.0.clone()),
        field(
            t("报告人", "Reporter"),
            report.map_or_else(|| incident.reporter.clone(), |r| r.reporter.clone()),
        ),
        field(t("报告日期", "Report date"), report.map_or_else(missing, |r| date(r.filed_at))),
        field(t("故障所属", "Fault area"), areas),
        doc::Field {
            label: t("故障描述", "Description"),
            write_in: description.is_empty(),
            value: description,
        },
        field(
            t("已解决/未解决", "Resolved / unresolved"),
            format!(
                "{}{} {}{}",
                tick(resolved),
                t("已解决", "resolved"),
                tick(!resolved),
                t("未解决", "unresolved")
            ),
        ),
    ];
    fields.extend(free.into_iter().map(|(label, (value, write_in))| doc::Field { label, value, write_in }));
    fields.extend([
        field(t("审核人", "Reviewer"), incident.reviewer.clone().unwrap_or_else(missing)),
        field(t("故障日期", "Fault date"), date(incident.reported_at)),
        field(t("设备", "Hosts"), incident.hosts.join(", ")),
        field(
            t("级别 / 分类", "Severity / class"),
            format!("{} / {}", incident.severity.label(lang), incident.class.label(lang)),
        ),
    ]);
    for clock in clocks {
        // Only the times there are: a clock not started or still running says so.
        let mut said: Vec<String> = Vec::new();
        if let Some(due) = clock.due_at {
            said.push(format!("{} {}", t("应于", "due"), local_time(due, tz)));
        }
        if let Some(done) = clock.stopped_at {
            said.push(format!("{} {}", t("完成于", "done"), local_time(done, tz)));
        }
        said.push(clock.state.label(lang).to_string());
        fields.push(field(format!("{}{}", t("时限：", "Clock: "), clock.name.label(lang)), said.join(" · ")));
    }
    // The requester's word on the resolution (or that it is still awaited).
    let word = match &incident.confirmation {
        Some(word) => format!(
            "{} ({})",
            crate::i18n::confirmation_said(&word.confirmation, lang),
            local_time(word.at, tz)
        ),
        None if incident.resolved_at.is_some() => {
            t("待用户确认", "awaiting the requester's word").to_string()
        }
        None => missing(),
    };
    fields.push(field(t("用户确认与评价", "The requester's word"), word));
    // Emergency plans run on it, step by step (late as of the record's last change,
    // so the form reads the same whenever it is printed).
    for run in &incident.plans {
        let steps = crate::i18n::plan_steps(run, incident.last_change.recorded_at, tz, lang);
        fields.push(field(t("应急预案", "Emergency plan"), crate::i18n::plan_heading(run, tz, lang)));
        fields.extend(steps.into_iter().map(|step| field(t("预案步骤", "Plan step"), step)));
    }
    // The clocks above rest on these times, said later than they are dated.
    for claimed in &incident.claimed {
        fields
            .push(field(t("补记的时间", "Time claimed later"), crate::i18n::claimed_step(claimed, tz, lang)));
    }
    fields
}

/// The form as blocks: on paper its fields as the form's rows, with the reviewer's and
/// the reporter's places to sign; otherwise a table of them.
pub fn blocks(
    incident: &Incident,
    clocks: &[Clock],
    site_name: &str,
    tz: chrono_tz::Tz,
    lang: Lang,
    paper: bool,
) -> Vec<Block> {
    let fields = rows(incident, clocks, tz, lang);
    let t = |zh: &'static str, en: &'static str| lang.pick(zh, en).to_string();
    let mut out =
        vec![Block::Title(t("故障报告单", "Fault report")), Block::Lines(vec![site_name.to_string()])];
    if paper {
        out.push(Block::Form(fields));
        out.push(Block::SignHere(vec![
            (t("报告人", "Reporter"), None),
            (t("审核人", "Reviewer"), incident.reviewer.clone()),
        ]));
    } else {
        let rows = fields.into_iter().map(|f| vec![f.label, f.value]).collect();
        out.push(Block::table(vec![t("项目", "Field"), t("内容", "Content")], &[], rows));
    }
    out
}

/// The form as a Markdown table.
pub fn markdown(
    incident: &Incident,
    clocks: &[Clock],
    site_name: &str,
    tz: chrono_tz::Tz,
    lang: Lang,
) -> String {
    doc::markdown(&blocks(incident, clocks, site_name, tz, lang, false))
}

/// The form as CSV, one row per field under a header in the reader's language.
pub fn csv(incident: &Incident, clocks: &[Clock], tz: chrono_tz::Tz, lang: Lang) -> String {
    let mut out = format!("{},{}\n", lang.pick("项目", "field"), lang.pick("内容", "value"));
    for (label, value) in fields(incident, clocks, tz, lang) {
        out.push_str(&format!("{},{}\n", csv_field(&label), csv_field(&value)));
    }
    out
}
