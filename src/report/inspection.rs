//! The inspection report (巡检报告): for each item, what was checked, the steps, the
//! result, the operator, the time, and remarks — for one run, a day, a week or a month;
//! and the weekday grid of a sheet (√ / × per day).

use chrono::{Datelike, Weekday};
use chrono_tz::Tz;

use super::csv_field;
use super::doc::{self, Block};
use crate::domain::checklist::{ItemResult, Run, Slot, state_of};
use crate::i18n::{Label, Lang, local_time};
use crate::store::Declined;

/// A run (or a declared or missed slot) as the report shows it.
#[derive(Clone, Copy)]
pub struct Entry<'a> {
    pub slot: &'a Slot,
    pub name: &'a str,
    pub run: Option<&'a Run>,
    pub declined: Option<&'a Declined>,
}

/// Remarks of one item: the note, the evidence, the notice, manual transfers, decisions.
fn remarks(run: &Run, item: &str, tz: Tz, lang: Lang) -> String {
    let mut parts = Vec::new();
    if let Some(mark) = run.marks.get(item) {
        if !mark.note.is_empty() {
            parts.push(mark.note.clone());
        }
        if let Some(evidence) = &mark.evidence {
            parts.push(format!("{}: {evidence}", lang.pick("依据", "evidence")));
        }
        if let Some(at) = mark.notified_at {
            parts.push(format!(
                "{} {}",
                lang.pick("已通知系统负责人和项目负责人", "owner and lead told at"),
                local_time(at, tz)
            ));
        }
    }
    for transfer in run.transfers.iter().filter(|t| t.item == item) {
        parts.push(format!(
            "{} ({} {}): {}",
            lang.pick("人工交换", "manual transfer"),
            transfer.by,
            local_time(transfer.at, tz),
            transfer.note
        ));
    }
    for decision in run.decisions.iter().filter(|d| d.item == item) {
        let verdict = if decision.go_on {
            lang.pick("继续巡检", "go on")
        } else {
            lang.pick("停止巡检", "stop")
        };
        parts.push(format!(
            "{} {} {}: {verdict} {}",
            lang.pick("负责人", "lead"),
            decision.by,
            local_time(decision.at, tz),
            decision.note
        ));
    }
    parts.join("; ")
}

fn headers(lang: Lang) -> [&'static str; 7] {
    [
        lang.pick("检查项", "Item"),
        lang.pick("检查内容", "What was checked"),
        lang.pick("步骤", "Steps"),
        lang.pick("结果", "Result"),
        lang.pick("操作人", "Operator"),
        lang.pick("时间", "Time"),
        lang.pick("备注", "Remarks"),
    ]
}

/// One row per item of a run: item, title, steps, result, operator, time, remarks.
fn rows(run: &Run, tz: Tz, lang: Lang) -> Vec<[String; 7]> {
    run.items
        .iter()
        .map(|item| {
            let mark = run.marks.get(&item.id);
            [
                item.id.clone(),
                item.title.clone(),
                item.steps.join(" / "),
                mark.map_or_else(
                    || lang.pick("未检查", "not checked").to_string(),
                    |m| format!("{} {}", m.result.mark(), m.result.label(lang)),
                ),
                mark.map_or_else(String::new, |m| m.by.clone()),
                mark.map_or_else(String::new, |m| local_time(m.at, tz)),
                remarks(run, &item.id, tz, lang),
            ]
        })
        .collect()
}

/// The report as blocks: each run's times and state and its items' table; on paper
/// with the inspector's (the record's signature) and the reviewer's places to sign.
pub fn blocks(
    title: &str,
    entries: &[Entry<'_>],
    tz: Tz,
    lang: Lang,
    now: chrono::DateTime<chrono::Utc>,
    paper: bool,
) -> Vec<Block> {
    let mut out = vec![Block::Title(title.to_string())];
    if entries.is_empty() {
        out.push(Block::Lines(vec![lang.pick("（没有巡检记录）", "(no inspections)").to_string()]));
    }
    for entry in entries {
        let state = state_of(entry.slot, entry.run, entry.declined.is_some(), now);
        out.push(Block::Heading(format!("{} — {}", entry.name, entry.slot.run)));
        let mut facts = vec![
            format!("{}: {}", lang.pick("应检时间", "Due"), local_time(entry.slot.due_at, tz)),
            format!("{}: {}", lang.pick("完成期限", "Deadline"), local_time(entry.slot.deadline_at, tz)),
            format!(
                "{}: {}",
                lang.pick("状态", "State"),
                crate::i18n::run_state_text(state, entry.run, lang)
            ),
        ];
        if let Some(declined) = entry.declined {
            facts.push(format!(
                "{}: {} ({} {}{})",
                lang.pick("无法完成的原因", "Declared not possible"),
                declined.reason,
                declined.by,
                local_time(declined.at, tz),
                if declined.late_notice {
                    lang.pick("，未提前两小时告知", "; less than two hours' notice")
                } else {
                    ""
                }
            ));
        }
        let Some(run) = entry.run else {
            out.push(Block::List(facts));
            continue;
        };
        facts.push(format!(
            "{}: {} {}",
            lang.pick("开始", "Started"),
            run.started_by,
            local_time(run.started_at, tz)
        ));
        if let Some((by, at)) = &run.signed {
            facts.push(format!("{}: {by} {}", lang.pick("签字", "Signed"), local_time(*at, tz)));
        }
        out.push(Block::List(facts));
        let head = headers(lang).iter().map(|h| h.to_string()).collect();
        out.push(Block::table(head, &[], rows(run, tz, lang).into_iter().map(Vec::from).collect()));
        if paper {
            let signed = run.signed.as_ref().map(|(by, at)| format!("{by} {}", local_time(*at, tz)));
            out.push(Block::SignHere(vec![
                (lang.pick("巡检人", "Inspector").to_string(), signed),
                (lang.pick("审核人", "Reviewer").to_string(), None),
            ]));
        }
    }
    out
}

/// The report as Markdown.
pub fn markdown(
    title: &str,
    entries: &[Entry<'_>],
    tz: Tz,
    lang: Lang,
    now: chrono::DateTime<chrono::Utc>,
) -> String {
    doc::markdown(&blocks(title, entries, tz, lang, now, false))
}

/// The report as CSV: one line per item of every run.
pub fn csv(entries: &[Entry<'_>], tz: Tz, lang: Lang) -> String {
    let mut head = vec![lang.pick("巡检", "Run"), lang.pick("名称", "Inspection")];
    head.extend(headers(lang));
    let mut out = head.iter().map(|h| csv_field(h)).collect::<Vec<_>>().join(",") + "\n";
    for entry in entries {
        let Some(run) = entry.run else { continue };
        for row in rows(run, tz, lang) {
            let mut fields = vec![csv_field(&run.id), csv_field(entry.name)];
            fields.extend(row.iter().map(|c| csv_field(c)));
            out.push_str(&fields.join(","));
            out.push('\n');
        }
    }
    out
}

/// The weekday grid of one sheet: each item's worst result per day of the week.
pub fn weekday_grid(entries: &[Entry<'_>], tz: Tz, lang: Lang) -> Block {
    let days =
        [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];
    let names = if lang == Lang::Zh {
        ["一", "二", "三", "四", "五", "六", "日"]
    } else {
        ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    };
    let Some(items) = entries.iter().find_map(|e| e.run.map(|r| &r.items)) else {
        return Block::Lines(vec![
            lang.pick("（本周没有巡检记录）", "(no inspection this week)").to_string(),
        ]);
    };
    let mut head = vec![lang.pick("检查项", "Item").to_string()];
    head.extend(names.iter().map(|n| n.to_string()));
    let rows = items
        .iter()
        .map(|item| {
            let mut row = vec![item.title.clone()];
            row.extend(days.iter().map(|day| {
                entries
                    .iter()
                    .filter(|e| e.slot.due_at.with_timezone(&tz).weekday() == *day)
                    .filter_map(|e| e.run.and_then(|r| r.marks.get(&item.id)))
                    .map(|m| m.result)
                    .max_by_key(|r| match r {
                        ItemResult::Normal => 0,
                        ItemResult::Warning => 1,
                        ItemResult::Critical => 2,
                    })
                    .map_or("-", |r| if r == ItemResult::Normal { "√" } else { "×" })
                    .to_string()
            }));
            row
        })
        .collect();
    Block::table(head, &[], rows)
}

/// What the grid's marks mean.
pub fn grid_legend(lang: Lang) -> Block {
    Block::Lines(vec![
        lang.pick("√ 正常　× 异常　- 未检", "√ normal   × not normal   - not inspected").to_string(),
    ])
}
