//! The handover report (交接班记录): the two shifts, each step with what was shown and
//! what was said about it, the notes for the next shift, and both signatures.

use super::{csv_field, md_cell};
use crate::domain::handover::{Handover, Signature};
use crate::i18n::duty::{self as texts, handover_step};
use crate::i18n::{Lang, local_time};

fn shift_line(slot: &crate::domain::shift::ShiftSlot, tz: chrono_tz::Tz) -> String {
    format!("{} {} – {}", slot.name, local_time(slot.start, tz), local_time(slot.end, tz))
}

fn signature(sig: &Option<Signature>, tz: chrono_tz::Tz, lang: Lang) -> String {
    match sig {
        Some(s) => format!("{} {}", s.by, local_time(s.at, tz)),
        None => texts::NOT_SIGNED.get(lang).to_string(),
    }
}

/// The report as Markdown.
pub fn markdown(h: &Handover, site_name: &str, tz: chrono_tz::Tz, lang: Lang) -> String {
    let t = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let mut out = format!(
        "# {} — {}\n\n{}\n\n| | |\n|---|---|\n| {} | {} |\n| {} | {} |\n| {} | {} {} |\n\n",
        t("交接班记录", "Shift handover"),
        h.id,
        md_cell(site_name),
        t("交班", "Outgoing shift"),
        md_cell(&shift_line(&h.outgoing, tz)),
        t("接班", "Incoming shift"),
        md_cell(&shift_line(&h.incoming, tz)),
        t("开始交接", "Started"),
        h.started_by,
        local_time(h.started_at, tz),
    );
    for record in &h.steps {
        out.push_str(&format!(
            "## {}. {}\n\n{} {} {}\n\n",
            record.step.number(),
            handover_step(record.step).get(lang),
            t("确认：", "Seen by"),
            record.by,
            local_time(record.at, tz)
        ));
        if record.items.is_empty() && record.note.is_empty() {
            out.push_str(&format!("{}\n\n", t("（无条目）", "(nothing listed)")));
        }
        for item in &record.items {
            let mark = if item.acknowledged { "☑" } else { "✎" };
            let note =
                if item.note.is_empty() { String::new() } else { format!(" — {}", md_cell(&item.note)) };
            out.push_str(&format!("- {mark} {}{note}\n", md_cell(item.shown_for(lang.code()))));
        }
        if !record.items.is_empty() {
            out.push('\n');
        }
        if !record.note.is_empty() {
            out.push_str(&format!("> {}\n\n", md_cell(&record.note)));
        }
    }
    out.push_str(&format!(
        "## {}\n\n| {} | {} |\n|---|---|\n| {} | {} |\n",
        t("签字", "Signatures"),
        texts::SIGNED_OUT.get(lang),
        texts::SIGNED_IN.get(lang),
        signature(&h.outgoing_signature, tz, lang),
        signature(&h.incoming_signature, tz, lang),
    ));
    out
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
