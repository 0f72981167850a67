//! The Duty log tab's keys: log entries, the roster, the statistics, and the handover
//! walkthrough (every item acknowledged or noted before the step is finished; the
//! store decides the rest).

use std::collections::BTreeMap;

use super::action::Action;
use super::app::{App, Effect, Mode};
use super::duty_forms;
use super::form::FormKind;
use crate::domain::handover::{HandoverCommand, HandoverRefusal, ItemAck, Side, Step};
use crate::domain::{DomainError, Role};
use crate::duty::walkthrough::{self, Inputs, Item};
use crate::i18n::{domain_error, duty as t, ui};

/// What the Duty log tab shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum DutyScreen {
    #[default]
    Log,
    Walkthrough(Walkthrough),
    Stats,
}

/// The step being gone through: what was said about each item so far.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Walkthrough {
    pub cursor: usize,
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
    pub read: std::collections::BTreeSet<Step>,
    /// When a signature was asked for; the same key again soon after gives it.
    pub sign_asked: Option<chrono::DateTime<chrono::Utc>>,
}

impl Walkthrough {
    /// The recorded step the incoming engineer has on screen.
    pub fn reviewing(&self) -> Step {
        Step::ALL[self.review % Step::ALL.len()]
    }
}

impl App {
    /// The step the nearest handover is at (None when not started or all done).
    pub fn handover_step(&self) -> Option<Step> {
        let view = self.data.duty.as_ref()?;
        match &view.handover {
            Some(h) => h.next_step(),
            None => Some(Step::Incidents),
        }
    }

    /// The items of the step the walkthrough is at, as last worked out.
    pub fn handover_items(&self) -> &[Item] {
        &self.walkthrough_items
    }

    /// Works the step's items out again from the live data: when the data changes, the
    /// step moves on, and once a second for the countdowns — not on every key or frame
    /// (with thousands of open incidents that is tens of milliseconds).
    pub fn refresh_walkthrough(&mut self) {
        if !matches!(self.duty_screen, DutyScreen::Walkthrough(_)) {
            self.walkthrough_items.clear();
            return;
        }
        let (Some(view), Some(step)) = (self.data.duty.as_ref(), self.handover_step()) else {
            self.walkthrough_items.clear();
            return;
        };
        let incidents: Vec<&crate::domain::Incident> = self.data.rows.iter().map(|r| &*r.incident).collect();
        let inputs = Inputs {
            outgoing: &view.outgoing,
            incoming: &view.incoming,
            incidents: &incidents,
            policy: &self.ctx.site.policy,
            agenda: &self.data.agenda,
            checks: &self.data.checks,
            sources: &self.data.sources,
            maintenance: &self.data.maintenance,
            ssh_runs: &view.ssh_runs,
            duty_log: &view.outgoing_log,
            tz: self.ctx.site.tz,
            lang: self.lang(),
            now: self.now,
        };
        self.walkthrough_items = walkthrough::items(step, &inputs);
    }

    /// The walkthrough's state, cleared when the handover moved on to another step.
    pub fn walkthrough(&mut self) -> Option<&mut Walkthrough> {
        let step = self.handover_step();
        let DutyScreen::Walkthrough(w) = &mut self.duty_screen else { return None };
        if w.step != step {
            *w = Walkthrough { step, ..Walkthrough::default() };
        }
        Some(w)
    }

    /// Records what was said about an item (a hand-over done, a note typed).
    pub fn mark_item(&mut self, item: &str, acknowledged: bool, note: Option<String>) {
        if let Some(w) = self.walkthrough() {
            let mark = w.marks.entry(item.to_string()).or_default();
            mark.0 |= acknowledged;
            if let Some(note) = note {
                mark.1 = note;
            }
        }
        self.dirty = true;
    }

    pub(super) fn duty_action(&mut self, action: Action) {
        let lang = self.lang();
        let Some(view) = self.data.duty.clone() else {
            self.say(t::NO_SHIFTS.get(lang), true);
            return;
        };
        if matches!(action, Action::Back) {
            self.duty_screen = DutyScreen::Log;
            self.refresh_walkthrough();
            return;
        }
        if matches!(action, Action::Statistics) {
            self.duty_screen = DutyScreen::Stats;
            self.effects.push(Effect::LoadStats);
            return;
        }
        let Some(operator) = self.ctx.operator.clone() else {
            self.say(ui::READ_ONLY.get(lang), true);
            return;
        };
        let entry_kind = match action {
            Action::LogEnvironment => Some(FormKind::Environment),
            Action::LogPower => Some(FormKind::Power),
            Action::LogEquipment => Some(FormKind::Equipment),
            Action::LogVisitor => Some(FormKind::Visitor),
            Action::LogRequest => Some(FormKind::Request),
            Action::LogNote => Some(FormKind::DutyNote),
            _ => None,
        };
        if action == Action::IncidentFromEntry {
            // The selected entry, its flags as the title: an incident one key away.
            let Some(logged) = view.log.get(self.log_selected.min(view.log.len().saturating_sub(1))) else {
                self.say(ui::SELECT_FIRST.get(lang), true);
                return;
            };
            let flags = crate::domain::duty_log::flags(&logged.entry, &self.ctx.site.room);
            let line = t::entry_line(&logged.entry, lang);
            let title = match flags.is_empty() {
                true => line.clone(),
                false => flags
                    .iter()
                    .map(|f| t::flag_text(f, lang))
                    .collect::<Vec<_>>()
                    .join(lang.pick("，", ", ")),
            };
            let form = super::forms::incident_from_item(&title, &line, None, lang);
            self.mode = Mode::Form(Box::new(form));
            return;
        }
        if let Some(kind) = entry_kind {
            let form = duty_forms::entry(kind, &operator.id, self.now, &self.ctx.site, lang);
            self.mode = Mode::Form(Box::new(form));
            return;
        }
        match action {
            Action::ChangeRoster if operator.role != Role::Lead => {
                self.say(domain_error(&DomainError::LeadOnly { command: "roster" }, lang), true)
            }
            Action::ChangeRoster => {
                let form = duty_forms::roster(
                    &self.ctx.site,
                    &view.current.name,
                    view.current.date,
                    &view.on_duty,
                    lang,
                );
                self.mode = Mode::Form(Box::new(form));
            }
            Action::Handover => {
                if view.handover.is_none() {
                    let command = HandoverCommand::Start {
                        outgoing: view.outgoing.clone(),
                        incoming: view.incoming.clone(),
                    };
                    self.effects.push(Effect::Handover { id: view.handover_id(), command });
                }
                self.duty_screen = DutyScreen::Walkthrough(Walkthrough::default());
                self.refresh_walkthrough();
            }
            _ => self.walkthrough_action(action, &view),
        }
    }

    fn walkthrough_action(&mut self, action: Action, view: &crate::duty::DutyView) {
        let lang = self.lang();
        let Some(step) = self.handover_step() else {
            self.signing_action(action, view);
            return;
        };
        let count = self.walkthrough_items.len();
        let item = {
            let Some(w) = self.walkthrough() else { return };
            let cursor = w.cursor.min(count.saturating_sub(1));
            w.cursor = cursor;
            self.walkthrough_items.get(cursor).cloned()
        };
        let Some(w) = self.walkthrough() else { return };
        let cursor = w.cursor;
        match action {
            Action::AckItem => {
                if let Some(item) = item {
                    self.mark_item(&item.id, true, None);
                    if let Some(w) = self.walkthrough() {
                        w.cursor = (cursor + 1).min(count.saturating_sub(1));
                    }
                }
            }
            Action::NoteItem if step == Step::Notes => {
                let note = w.note.clone();
                self.mode = Mode::Form(Box::new(duty_forms::walkthrough_note(None, &note, lang)));
            }
            Action::NoteItem => {
                if let Some(item) = item {
                    let note = w.marks.get(&item.id).map(|m| m.1.clone()).unwrap_or_default();
                    self.mode =
                        Mode::Form(Box::new(duty_forms::walkthrough_note(Some(&item.id), &note, lang)));
                }
            }
            Action::PassIncident => match item.as_ref().and_then(|i| i.incident.clone().map(|id| (i, id))) {
                // Marks (or unmarks) the incident to pass on: nothing changes hands until
                // the incoming engineer signs.
                Some((item, incident)) => {
                    let id = item.id.clone();
                    if let Some(w) = self.walkthrough()
                        && w.passes.remove(&id).is_none()
                    {
                        w.passes.insert(id.clone(), incident);
                    }
                    self.mark_item(&id, true, None);
                }
                None => self.say(ui::SELECT_FIRST.get(lang), true),
            },
            Action::FinishStep => {
                let (marks, passes) = (w.marks.clone(), w.passes.clone());
                let note = w.note.clone();
                let acks: Vec<ItemAck> = self
                    .walkthrough_items
                    .iter()
                    .map(|i| {
                        let (acknowledged, note) = marks.get(&i.id).cloned().unwrap_or_default();
                        let pass = passes.get(&i.id).cloned();
                        ItemAck { item: i.id.clone(), shown: i.text.clone(), acknowledged, note, pass }
                    })
                    .collect();
                // Say at once what the store would refuse.
                let unseen: Vec<String> = acks.iter().filter(|a| !a.seen()).map(|a| a.item.clone()).collect();
                if !unseen.is_empty() {
                    let why = DomainError::Handover(HandoverRefusal::Unseen { items: unseen });
                    self.say(domain_error(&why, lang), true);
                    return;
                }
                let command = HandoverCommand::CompleteStep { step, items: acks, note };
                self.effects.push(Effect::Handover { id: view.handover_id(), command });
            }
            Action::SignHandover => {
                let why = DomainError::Handover(HandoverRefusal::StepsLeft { next: step });
                self.say(domain_error(&why, lang), true);
            }
            _ => {}
        }
    }

    /// Every step is done: the outgoing engineer signs, then the incoming engineer reads
    /// each step (read-only) and signs. Each signature is asked once with what it hands
    /// over, and given on the same key again.
    fn signing_action(&mut self, action: Action, view: &crate::duty::DutyView) {
        let lang = self.lang();
        let Some(handover) = view.handover.clone() else { return };
        let incoming = handover.outgoing_signature.is_some();
        let passed: Vec<String> = handover.passed().into_iter().map(str::to_string).collect();
        let due_next = passed
            .iter()
            .filter_map(|id| self.data.rows.iter().find(|r| r.incident.id.0 == *id))
            .filter(|r| r.urgent_due.is_some_and(|due| due <= view.incoming.end))
            .count();
        let now = self.now;
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
            early: self.ctx.site.policy.handover_early,
        };
        let refusal = self
            .ctx
            .operator
            .as_ref()
            .and_then(|operator| crate::domain::handover::decide(Some(&handover), &sign, operator).err());
        let Some(w) = self.walkthrough() else { return };
        // The question stands while its message does; any other key withdraws it.
        let asked = w.sign_asked.take().is_some_and(|at| now - at < chrono::Duration::seconds(5));
        match action {
            Action::FinishStep if incoming => {
                w.read.insert(w.reviewing());
                w.review = (w.review + 1) % Step::ALL.len();
            }
            Action::SignHandover => {
                if let Some(why) = refusal {
                    self.say(domain_error(&why, lang), true);
                    return;
                }
                if incoming {
                    // The page on screen counts as read.
                    w.read.insert(w.reviewing());
                    if w.read.len() < Step::ALL.len() {
                        self.say(t::HANDOVER_READ_FIRST.get(lang), true);
                        return;
                    }
                }
                if !asked {
                    w.sign_asked = Some(now);
                    let text = t::sign_question(incoming, passed.len(), due_next, lang);
                    self.say(&text, false);
                    return;
                }
                self.effects.push(Effect::SignHandover { id: view.handover_id(), side });
            }
            _ => {}
        }
    }

    /// A walkthrough note form was submitted.
    pub(super) fn submit_walkthrough_note(&mut self) {
        let Mode::Form(form) = &self.mode else { return };
        let (item, text, kind) = (form.item.clone(), form.fields[0].text(), form.kind);
        if kind == FormKind::StepNotes && text.is_empty() {
            let required = ui::FORM_REQUIRED.get(self.lang()).to_string();
            if let Mode::Form(form) = &mut self.mode {
                form.fail_field(0, required);
            }
            return;
        }
        self.mode = Mode::Normal;
        match item {
            Some(item) => self.mark_item(&item, false, Some(text)),
            None => {
                if let Some(w) = self.walkthrough() {
                    w.note = text;
                }
            }
        }
    }

    /// Moves the walkthrough's cursor.
    pub(super) fn walkthrough_cursor(&mut self, to: impl Fn(usize, usize) -> usize) {
        let last = self.handover_items().len().saturating_sub(1);
        if let Some(w) = self.walkthrough() {
            w.cursor = to(w.cursor, last);
        }
    }
}
