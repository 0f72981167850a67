//! The handover walkthrough, full screen: the seven steps on the left, the step in hand
//! on the right with every item and what was said about it, then the signatures. Its
//! keys: every item acknowledged or noted before the step is finished, incidents marked
//! to pass on, the incoming engineer's reading and both signatures (the store decides
//! the rest).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use std::collections::{BTreeMap, BTreeSet};

use crate::domain::DomainError;
use crate::domain::handover::{Handover, HandoverCommand, HandoverRefusal, ItemAck, Side, Signature, Step};
use crate::duty::DutyView;
use crate::duty::walkthrough::{self, Inputs};
use crate::i18n::{Lang, domain_error, duty as t, local_time, ui};
use crate::text::{fit, visible};
use crate::tui::action::Action;
use crate::tui::duty_forms;
use crate::tui::effect::Effect;
use crate::tui::form::{Form, FormKind, Name, Target};
use crate::tui::snapshot::Snapshot;
use crate::tui::theme::Theme;
use crate::tui::view::{Env, Out};

use super::duty_log::{DutyScreen, DutyTab};

/// The step being gone through: what was said about each item so far.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Walkthrough {
    pub cursor: crate::tui::cursor::Cursor,
    /// item id → (acknowledged, note)
    pub marks: BTreeMap<String, (bool, String)>,
    /// item id → the incident passed on from it (it becomes the incoming engineer's
    /// when they sign).
    pub passes: BTreeMap<String, String>,
    /// The notes for the next shift (last step).
    pub note: String,
    /// The step these marks belong to: a new step starts clean.
    pub step: Option<Step>,
    /// Once every step is done: the step the incoming engineer is reading, and which
    /// they have read (they sign only after all seven).
    pub review: usize,
    pub read: BTreeSet<Step>,
    /// When a signature was asked for; the same key again soon after gives it.
    pub sign_asked: Option<chrono::DateTime<chrono::Utc>>,
}

impl Walkthrough {
    /// The recorded step the incoming engineer has on screen.
    pub fn reviewing(&self) -> Step {
        Step::ALL[self.review % Step::ALL.len()]
    }

    /// Records what was said about an item (a hand-over done, a note typed).
    fn mark(&mut self, item: &str, acknowledged: bool, note: Option<String>) {
        let mark = self.marks.entry(item.to_string()).or_default();
        mark.0 |= acknowledged;
        if let Some(note) = note {
            mark.1 = note;
        }
    }
}

/// The walkthrough's state, cleared when the handover moved on to another step.
fn walkthrough<'a>(screen: &'a mut DutyScreen, data: &Snapshot) -> Option<&'a mut Walkthrough> {
    let step = handover_step(data);
    let DutyScreen::Walkthrough(w) = screen else { return None };
    if w.step != step {
        *w = Walkthrough { step, ..Walkthrough::default() };
    }
    Some(w)
}

/// What the walkthrough's items are worked out from, in a language.
fn inputs<'a>(
    env: &Env<'a>,
    view: &'a DutyView,
    incidents: &'a [&'a crate::domain::Incident],
    lang: Lang,
) -> Inputs<'a> {
    Inputs {
        outgoing: &view.outgoing,
        incoming: &view.incoming,
        incidents,
        policy: &env.ctx.site.policy,
        agenda: &env.data.agenda,
        checks: &env.data.checks,
        sources: &env.data.sources,
        maintenance: &env.data.maintenance,
        changes: &env.data.changes,
        ssh_runs: &view.ssh_runs,
        duty_log: &view.outgoing_log,
        tz: env.ctx.site.tz,
        lang,
        now: env.now,
    }
}

/// Each item's line in the languages other than the console's (whose lines are on
/// screen already), by item id: what a finished step keeps beside them, so its record
/// reads in the reader's language.
fn lines_in_other_languages(
    step: Step,
    env: &Env<'_>,
    view: &DutyView,
) -> BTreeMap<String, BTreeMap<String, String>> {
    let incidents: Vec<&crate::domain::Incident> = env.data.rows.iter().map(|r| &*r.incident).collect();
    let mut lines: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for lang in [Lang::Zh, Lang::En].into_iter().filter(|l| *l != env.lang()) {
        for item in walkthrough::items(step, &inputs(env, view, &incidents, lang)) {
            lines.entry(item.id).or_default().insert(lang.code().to_string(), item.text);
        }
    }
    lines
}

/// The step the nearest handover is at (None when not started or all done).
pub fn handover_step(data: &Snapshot) -> Option<Step> {
    let view = data.duty.as_ref()?;
    match &view.handover {
        Some(h) => h.next_step(),
        None => Some(Step::Incidents),
    }
}

impl DutyTab {
    /// Works the step's items out again from the live data: when the data changes, the
    /// step moves on, and once a second for the countdowns — not on every key or frame
    /// (with thousands of open incidents that is tens of milliseconds).
    pub fn refresh_walkthrough(&mut self, env: &Env<'_>) {
        self.items.clear();
        if !matches!(self.screen, DutyScreen::Walkthrough(_)) {
            return;
        }
        let (Some(view), Some(step)) = (env.data.duty.as_ref(), handover_step(env.data)) else { return };
        let incidents: Vec<&crate::domain::Incident> = env.data.rows.iter().map(|r| &*r.incident).collect();
        self.items = walkthrough::items(step, &inputs(env, view, &incidents, env.lang()));
    }

    pub(super) fn walkthrough_action(
        &mut self,
        action: Action,
        view: &DutyView,
        env: &Env<'_>,
        out: &mut Out,
    ) {
        let lang = env.lang();
        let Some(step) = handover_step(env.data) else {
            self.signing_action(action, view, env, out);
            return;
        };
        let count = self.items.len();
        let Some(w) = walkthrough(&mut self.screen, env.data) else { return };
        let cursor = w.cursor.at(count);
        let item = self.items.get(cursor);
        match action {
            Action::Move(movement) => w.cursor.go(movement, count),
            Action::AckItem => {
                if let Some(item) = item {
                    w.cursor.set(cursor + 1);
                    w.mark(&item.id, true, None);
                }
            }
            Action::NoteItem if step == Step::Notes => {
                out.form(duty_forms::walkthrough_note(None, &w.note, lang));
            }
            Action::NoteItem => {
                if let Some(item) = item {
                    let note = w.marks.get(&item.id).map(|m| m.1.clone()).unwrap_or_default();
                    out.form(duty_forms::walkthrough_note(Some(&item.id), &note, lang));
                }
            }
            Action::PassIncident => match item.and_then(|i| i.incident.clone().map(|id| (i, id))) {
                // Marks (or unmarks) the incident to pass on: nothing changes hands until
                // the incoming engineer signs.
                Some((item, incident)) => {
                    if w.passes.remove(&item.id).is_none() {
                        w.passes.insert(item.id.clone(), incident);
                    }
                    w.mark(&item.id, true, None);
                }
                None => out.refuse(ui::SELECT_FIRST.get(lang)),
            },
            Action::FinishStep => {
                let mut lines = lines_in_other_languages(step, env, view);
                let acks: Vec<ItemAck> = self
                    .items
                    .iter()
                    .map(|i| {
                        let (acknowledged, note) = w.marks.get(&i.id).cloned().unwrap_or_default();
                        let pass = w.passes.get(&i.id).cloned();
                        let mut shown_in = lines.remove(&i.id).unwrap_or_default();
                        shown_in.insert(env.lang().code().to_string(), i.text.clone());
                        ItemAck {
                            item: i.id.clone(),
                            shown: i.text.clone(),
                            acknowledged,
                            note,
                            pass,
                            shown_in,
                        }
                    })
                    .collect();
                // Say at once what the store would refuse.
                let unseen: Vec<String> = acks.iter().filter(|a| !a.seen()).map(|a| a.item.clone()).collect();
                if !unseen.is_empty() {
                    let why = DomainError::Handover(HandoverRefusal::Unseen { items: unseen });
                    out.refuse(domain_error(&why, lang));
                    return;
                }
                let command = HandoverCommand::CompleteStep { step, items: acks, note: w.note.clone() };
                out.effect(Effect::Handover { id: view.handover_id(), command });
            }
            Action::SignHandover => {
                let why = DomainError::Handover(HandoverRefusal::StepsLeft { next: step });
                out.refuse(domain_error(&why, lang));
            }
            _ => {}
        }
    }

    /// Every step is done: the outgoing engineer signs, then the incoming engineer reads
    /// each step (read-only) and signs. Each signature is asked once with what it hands
    /// over, and given on the same key again.
    fn signing_action(&mut self, action: Action, view: &DutyView, env: &Env<'_>, out: &mut Out) {
        let lang = env.lang();
        let Some(handover) = view.handover.as_ref() else { return };
        let incoming = handover.outgoing_signature.is_some();
        let passed = handover.passed();
        let due_next = passed
            .iter()
            .filter_map(|id| env.data.rows.iter().find(|r| r.incident.id.0 == *id))
            .filter(|r| r.urgent_due.is_some_and(|due| due <= view.incoming.end))
            .count();
        let now = env.now;
        let (side, roster) = match incoming {
            true => (Side::Incoming, &view.incoming_on_duty),
            false => (Side::Outgoing, &view.outgoing_on_duty),
        };
        // What the store would refuse (the same person on both sides, off the roster,
        // too early), said at once and by the same rule.
        let sign = HandoverCommand::Sign {
            side,
            roster: roster.clone(),
            at: now,
            early: env.site().policy.handover_early,
        };
        let refusal = env
            .ctx
            .operator
            .as_ref()
            .and_then(|operator| crate::domain::handover::decide(Some(handover), &sign, operator).err());
        let Some(w) = walkthrough(&mut self.screen, env.data) else { return };
        // The question stands while its message does; any other key withdraws it.
        let asked = w.sign_asked.take().is_some_and(|at| now - at < chrono::Duration::seconds(5));
        match action {
            Action::FinishStep if incoming => {
                w.read.insert(w.reviewing());
                w.review = (w.review + 1) % Step::ALL.len();
            }
            Action::SignHandover => {
                if let Some(why) = refusal {
                    out.refuse(domain_error(&why, lang));
                    return;
                }
                if incoming {
                    // The page on screen counts as read.
                    w.read.insert(w.reviewing());
                    if w.read.len() < Step::ALL.len() {
                        out.refuse(t::HANDOVER_READ_FIRST.get(lang));
                        return;
                    }
                }
                if !asked {
                    w.sign_asked = Some(now);
                    out.say(t::sign_question(incoming, passed.len(), due_next, lang));
                    return;
                }
                out.effect(Effect::SignHandover { id: view.handover_id(), side });
            }
            _ => {}
        }
    }

    /// A walkthrough note form was submitted: true when it is done with (a step's
    /// notes may not be empty).
    pub fn submit_note(&mut self, form: &mut Form, env: &Env<'_>) -> bool {
        let text = form.text(Name::Note);
        if form.kind == FormKind::StepNotes && text.is_empty() {
            form.fail(Name::Note, ui::FORM_REQUIRED.get(env.lang()).to_string());
            return false;
        }
        if let (Some(w), Target::HandoverItem(item)) = (walkthrough(&mut self.screen, env.data), &form.target)
        {
            match item {
                Some(item) => w.mark(item, false, Some(text)),
                None => w.note = text,
            }
        }
        true
    }
}

fn block<'a>(title: String, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(format!(" {title} "), theme.title))
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, tab: &DutyTab, env: &Env<'_>, view: &DutyView) {
    let lang = env.lang();
    let theme = env.theme();
    let tz = env.ctx.site.tz;
    let handover = view.handover.as_ref();
    let current = handover_step(env.data);
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
    let reviewing = match (&tab.screen, handover) {
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

    let DutyScreen::Walkthrough(walk) = &tab.screen else { return };
    let Some(step) = current else {
        match handover {
            Some(h) if h.awaiting_incoming() => draw_review(frame, body, env, h, walk),
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
    let items = &tab.items;
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
    let cursor = marks.map_or(0, |w| w.cursor.at(items.len()));
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
        lines.extend(said(&note, marks.is_some_and(|w| w.passes.contains_key(&item.id)), env));
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
fn draw_review(frame: &mut Frame<'_>, area: Rect, env: &Env<'_>, handover: &Handover, walk: &Walkthrough) {
    let lang = env.lang();
    let theme = env.theme();
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
            lines.extend(said(&item.note, item.pass.is_some(), env));
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
fn said(note: &str, passes: bool, env: &Env<'_>) -> Vec<Line<'static>> {
    let theme = env.theme();
    let mut lines = Vec::new();
    if !note.is_empty() {
        lines.push(Line::styled(format!("      ✎ {}", visible(note, false)), theme.muted));
    }
    if passes {
        lines.push(Line::styled(format!("      → {}", t::PASS_ON.get(env.lang())), theme.running));
    }
    lines
}

fn signature(sig: Option<&Signature>, tz: chrono_tz::Tz, lang: crate::i18n::Lang) -> String {
    match sig {
        Some(s) => format!("{} {}", s.by, local_time(s.at, tz)),
        None => t::NOT_SIGNED.get(lang).to_string(),
    }
}
