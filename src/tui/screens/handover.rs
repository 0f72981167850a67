//! The handover walkthrough, full screen: the seven steps on the left, the step in hand
//! on the right with every item and what was said about it, then the signatures.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::domain::handover::{Handover, Signature, Step};
use crate::duty::DutyView;
use crate::i18n::{duty as t, local_time};
use crate::text::{fit, visible};
use crate::tui::app::App;
use crate::tui::duty::{DutyScreen, Walkthrough};
use crate::tui::theme::Theme;

fn block<'a>(title: String, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(format!(" {title} "), theme.title))
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App, view: &DutyView) {
    let lang = app.lang();
    let theme = &app.ctx.theme;
    let tz = app.ctx.site.tz;
    let handover = view.handover.as_ref();
    let current = app.handover_step();
    let title = format!(
        "{} {} → {} {} — {}",
        t::HANDOVER.get(lang),
        view.outgoing.name,
        view.incoming.name,
        local_time(view.outgoing.end, tz),
        t::handover_state(handover, lang)
    );
    let [title_area, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
    frame.render_widget(Paragraph::new(Line::styled(title, theme.title)), title_area);
    let [steps_area, body] = Layout::horizontal([Constraint::Length(30), Constraint::Min(20)]).areas(rest);
    // Once the outgoing engineer has signed, the incoming one pages through the steps.
    let reviewing = match (&app.duty_screen, handover) {
        (DutyScreen::Walkthrough(w), Some(h)) if h.awaiting_incoming() => Some(w.reviewing()),
        _ => None,
    };
    let step_lines: Vec<Line<'_>> = Step::ALL
        .iter()
        .map(|step| {
            let done = handover.is_some_and(|h| h.step(*step).is_some());
            let here = current.or(reviewing) == Some(*step);
            let mark = if done {
                "√"
            } else if here {
                "▶"
            } else {
                " "
            };
            let text = fit(&format!("{mark} {}. {}", step.number(), t::handover_step(*step).get(lang)), 28);
            let style = if here {
                theme.selected
            } else if done {
                theme.met
            } else {
                theme.muted
            };
            Line::styled(text, style)
        })
        .collect();
    let mut left = step_lines;
    left.push(Line::raw(""));
    for (label, sig, roster) in [
        (t::SIGNED_OUT, handover.and_then(|h| h.outgoing_signature.as_ref()), &view.outgoing_on_duty),
        (t::SIGNED_IN, handover.and_then(|h| h.incoming_signature.as_ref()), &view.incoming_on_duty),
    ] {
        left.push(Line::styled(label.get(lang), theme.header));
        left.push(Line::raw(signature(sig, tz, lang)));
        left.push(Line::styled(format!("({})", roster.join(", ")), theme.muted));
    }
    let steps_title = format!("{} 1–7", t::HANDOVER_STEP.get(lang));
    frame.render_widget(Paragraph::new(left).block(block(steps_title, theme)), steps_area);

    let DutyScreen::Walkthrough(walk) = &app.duty_screen else { return };
    let Some(step) = current else {
        match handover {
            Some(h) if h.awaiting_incoming() => draw_review(frame, body, app, h, walk),
            _ => frame.render_widget(
                Paragraph::new(vec![Line::raw(t::HANDOVER_SIGN_KEYS.get(lang))])
                    .wrap(Wrap { trim: true })
                    .block(block(t::HANDOVER.get(lang).into(), theme)),
                body,
            ),
        }
        return;
    };
    let marks = if walk.step == Some(step) { Some(walk) } else { None };
    let items = app.handover_items();
    let width = body.width.saturating_sub(2) as usize;
    let mut lines: Vec<Line<'_>> = Vec::new();
    if step == Step::Notes {
        lines.push(Line::styled(t::HANDOVER_NOTES_HINT.get(lang), theme.muted));
        let note = marks.map(|w| w.note.as_str()).unwrap_or("");
        for line in visible(note, true).lines() {
            lines.push(Line::raw(format!("  {line}")));
        }
    } else if items.is_empty() {
        lines.push(Line::styled(t::HANDOVER_NOTHING.get(lang), theme.muted));
    }
    let cursor = marks.map_or(0, |w| w.cursor.min(items.len().saturating_sub(1)));
    // Only the rows that fit are built, the cursor kept in view.
    let rows = body.height.saturating_sub(2) as usize;
    let first = cursor.saturating_sub(rows / 2);
    for (i, item) in items.iter().enumerate().skip(first).take(rows) {
        let (acked, note) = marks.and_then(|w| w.marks.get(&item.id)).cloned().unwrap_or_default();
        let (mark, style) = match (acked, note.is_empty()) {
            (true, _) => ("[√]", theme.met),
            (false, false) => ("[✎]", theme.met),
            _ => ("[ ]", theme.due_soon),
        };
        let pointer = if i == cursor { "▶" } else { " " };
        let row_style = if i == cursor { theme.selected } else { Style::default() };
        lines.push(Line::from(vec![
            Span::styled(format!("{pointer}{mark} "), style),
            Span::styled(fit(&visible(&item.text, false), width.saturating_sub(5)), row_style),
        ]));
        lines.extend(said(&note, marks.is_some_and(|w| w.passes.contains_key(&item.id)), app));
    }
    let seen = items
        .iter()
        .filter(|i| marks.and_then(|w| w.marks.get(&i.id)).is_some_and(|(a, n)| *a || !n.is_empty()))
        .count();
    let title = format!(
        "{} {}/7 · {} · {}/{} {}",
        t::HANDOVER_STEP.get(lang),
        step.number(),
        t::handover_step(step).get(lang),
        seen,
        items.len(),
        t::ACKNOWLEDGED.get(lang)
    );
    frame.render_widget(Paragraph::new(lines).block(block(title, theme)), body);
}

/// The incoming engineer reads a step as it was recorded: every item, what was said
/// of it, and what passes to them at signing. Nothing here can be changed.
fn draw_review(frame: &mut Frame<'_>, area: Rect, app: &App, handover: &Handover, walk: &Walkthrough) {
    let lang = app.lang();
    let theme = &app.ctx.theme;
    let step = walk.reviewing();
    let width = area.width.saturating_sub(2) as usize;
    let mut lines = vec![Line::styled(t::HANDOVER_REVIEW_KEYS.get(lang), theme.muted)];
    if let Some(record) = handover.step(step) {
        if record.items.is_empty() {
            lines.push(Line::styled(t::HANDOVER_NOTHING.get(lang), theme.muted));
        }
        for item in &record.items {
            let mark = if item.acknowledged { "[√]" } else { "[✎]" };
            lines.push(Line::from(vec![
                Span::styled(format!(" {mark} "), theme.met),
                Span::raw(fit(&visible(&item.shown, false), width.saturating_sub(5))),
            ]));
            lines.extend(said(&item.note, item.pass.is_some(), app));
        }
        if !record.note.is_empty() {
            lines.push(Line::raw(""));
            for line in visible(&record.note, true).lines() {
                lines.push(Line::raw(format!("  {line}")));
            }
        }
    }
    let title = format!(
        "{} {}/7 · {} · {} {}/7",
        t::HANDOVER_STEP.get(lang),
        step.number(),
        t::handover_step(step).get(lang),
        t::READ.get(lang),
        walk.read.len()
    );
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block(title, theme)), area);
}

/// What was said of an item, under it: its note, and that it passes on at signing.
fn said(note: &str, passes: bool, app: &App) -> Vec<Line<'static>> {
    let theme = &app.ctx.theme;
    let mut lines = Vec::new();
    if !note.is_empty() {
        lines.push(Line::styled(format!("      ✎ {}", visible(note, false)), theme.muted));
    }
    if passes {
        lines.push(Line::styled(format!("      → {}", t::PASS_ON.get(app.lang())), theme.running));
    }
    lines
}

fn signature(sig: Option<&Signature>, tz: chrono_tz::Tz, lang: crate::i18n::Lang) -> String {
    match sig {
        Some(s) => format!("{} {}", s.by, local_time(s.at, tz)),
        None => t::NOT_SIGNED.get(lang).to_string(),
    }
}
