//! The handover report (交接班记录): the two shifts, each step with what was shown and
//! what was said about it, the notes for the next shift, and both signatures.

use super::csv_field;
use super::doc::{self, Block};
use crate::domain::handover::{Handover, Signature, Step};
use crate::i18n::duty::{self as texts, handover_step};
use crate::i18n::{Lang, local_time};

fn shift_line(slot: &crate::domain::shift::ShiftSlot, tz: chrono_tz::Tz) -> String {
    format!("{} {} – {}", slot.name, local_time(slot.start, tz), local_time(slot.end, tz))
}

/// Who signed, and when.
fn signed(sig: &Option<Signature>, tz: chrono_tz::Tz) -> Option<String> {
    sig.as_ref().map(|s| format!("{} {}", s.by, local_time(s.at, tz)))
}

fn signature(sig: &Option<Signature>, tz: chrono_tz::Tz, lang: Lang) -> String {
    signed(sig, tz).unwrap_or_else(|| texts::NOT_SIGNED.get(lang).to_string())
}

/// The record as blocks; on paper with the two places to sign (each with the
/// signature the record holds).
pub fn blocks(h: &Handover, site_name: &str, tz: chrono_tz::Tz, lang: Lang, paper: bool) -> Vec<Block> {
    let t = |zh: &'static str, en: &'static str| lang.pick(zh, en).to_string();
    let mut out = vec![
        Block::Title(format!("{} — {}", t("交接班记录", "Shift handover"), h.id)),
        Block::Lines(vec![site_name.to_string()]),
        Block::table(
            vec![String::new(), String::new()],
            &[],
            vec![
                vec![t("交班", "Outgoing shift"), shift_line(&h.outgoing, tz)],
                vec![t("接班", "Incoming shift"), shift_line(&h.incoming, tz)],
                vec![t("开始交接", "Started"), format!("{} {}", h.started_by, local_time(h.started_at, tz))],
                vec![
                    t("交接进度", "Progress"),
                    format!("{}/{} {}", h.steps.len(), Step::ALL.len(), t("步", "steps")),
                ],
            ],
        ),
    ];
    for record in &h.steps {
        out.push(Block::Heading(format!(
            "{}. {}",
            record.step.number(),
            handover_step(record.step).get(lang)
        )));
        out.push(Block::Lines(vec![format!(
            "{} {} {}",
            t("确认：", "Seen by"),
            record.by,
            local_time(record.at, tz)
        )]));
        if record.items.is_empty() && record.note.is_empty() {
            out.push(Block::Lines(vec![t("（无条目）", "(nothing listed)")]));
        }
        if !record.items.is_empty() {
            out.push(Block::List(
                record
                    .items
                    .iter()
                    .map(|item| {
                        let mark = if item.acknowledged { "☑" } else { "✎" };
                        let note =
                            if item.note.is_empty() { String::new() } else { format!(" — {}", item.note) };
                        format!("{mark} {}{note}", item.shown_for(lang.code()))
                    })
                    .collect(),
            ));
        }
        if !record.note.is_empty() {
            out.push(Block::Quote(record.note.clone()));
        }
    }
    // A record printed before the walk-through is over says what it does not hold yet.
    let left: Vec<String> = Step::ALL
        .iter()
        .filter(|step| !h.steps.iter().any(|r| r.step == **step))
        .map(|step| format!("{}. {}", step.number(), handover_step(*step).get(lang)))
        .collect();
    if !left.is_empty() {
        out.push(Block::Heading(t("尚未完成的步骤", "Steps not yet done")));
        out.push(Block::List(left));
    }
    out.push(Block::Heading(t("签字", "Signatures")));
    out.push(Block::table(
        vec![texts::SIGNED_OUT.get(lang).to_string(), texts::SIGNED_IN.get(lang).to_string()],
        &[],
        vec![vec![signature(&h.outgoing_signature, tz, lang), signature(&h.incoming_signature, tz, lang)]],
    ));
    if paper {
        out.push(Block::SignHere(vec![
            (t("交班人", "Outgoing engineer"), signed(&h.outgoing_signature, tz)),
            (t("接班人", "Incoming engineer"), signed(&h.incoming_signature, tz)),
        ]));
    }
    out
}

/// The report as Markdown.
pub fn markdown(h: &Handover, site_name: &str, tz: chrono_tz::Tz, lang: Lang) -> String {
    doc::markdown(&blocks(h, site_name, tz, lang, false))
}

/// The report as CSV: one row per item (and per step note and signature).
pub fn csv(h: &Handover, tz: chrono_tz::Tz, lang: Lang) -> String {
    let mut out = lang
        .pick("步骤,条目,显示内容,已确认,备注,签字人,时间\n", "step,item,shown,acknowledged,note,by,at\n")
        .to_string();
    let mut row = |cells: [&str; 7]| {
        out.push_str(&cells.iter().map(|c| csv_field(c)).collect::<Vec<_>>().join(","));
        out.push('\n');
    };
    for record in &h.steps {
        let step = format!("{} {}", record.step.number(), handover_step(record.step).get(lang));
        let at = local_time(record.at, tz);
        for item in &record.items {
            let ack = if item.acknowledged { "yes" } else { "no" };
            row([&step, &item.item, item.shown_for(lang.code()), ack, &item.note, &record.by, &at]);
        }
        if !record.note.is_empty() {
            row([&step, "", "", "", &record.note, &record.by, &at]);
        }
    }
    for (label, sig) in [
        (texts::SIGNED_OUT.get(lang), &h.outgoing_signature),
        (texts::SIGNED_IN.get(lang), &h.incoming_signature),
    ] {
        if let Some(s) = sig {
            row([label, "", "", "", "", &s.by, &local_time(s.at, tz)]);
        }
    }
    out
}
