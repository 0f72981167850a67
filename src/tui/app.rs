//! The console's state and key handling. Pure: a key changes the state and may ask for
//! effects (run a command, ring the bell, reload); the console loop performs them and
//! reports back. Screens draw from `&App` only.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::TextArea;

pub use super::effect::{Effect, Outcome, SshUpdate};
pub use super::view::Context;

use super::action::Action;
use super::form::{Form, FormKind, FormOutcome};
use super::forms;
use super::keymap::{Key, Lookup, Section};
use super::popups::alarms::AlarmList;
use super::popups::help::{self, Help};
use super::screens::actions::Actions;
use super::screens::duty_log::DutyTab;
use super::screens::incidents::{Queue, is_incident_key};
use super::screens::inspections::Inspections;
use super::screens::overview::Overview;
use super::snapshot::{Row, Snapshot};
use super::theme::Theme;
use super::view::{Env, Out, Show};
use crate::config::Site;
use crate::domain::alarm::{AlarmCommand, AlarmKey};
use crate::domain::{IncidentId, State};
use crate::i18n::{Lang, ui};

/// The tabs of the console.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Overview,
    Incidents,
    Inspections,
    Actions,
    DutyLog,
    Knowledge,
}

impl Tab {
    pub const ALL: [Tab; 6] =
        [Tab::Overview, Tab::Incidents, Tab::Inspections, Tab::Actions, Tab::DutyLog, Tab::Knowledge];

    pub fn title(self, lang: Lang) -> &'static str {
        match self {
            Tab::Overview => ui::TAB_OVERVIEW.get(lang),
            Tab::Incidents => ui::TAB_INCIDENTS.get(lang),
            Tab::Inspections => ui::TAB_INSPECTIONS.get(lang),
            Tab::Actions => ui::TAB_ACTIONS.get(lang),
            Tab::DutyLog => ui::TAB_DUTY_LOG.get(lang),
            Tab::Knowledge => ui::TAB_KNOWLEDGE.get(lang),
        }
    }
}

/// A line at the bottom that goes away after a while.
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    pub text: String,
    pub error: bool,
    pub until: DateTime<Utc>,
}

/// What is wrong behind the screen, worst first when shown.
#[derive(Clone, Debug, Default)]
pub struct Trouble {
    /// The store does not answer: since when, and what it said.
    pub store_down: Option<(DateTime<Utc>, String)>,
    /// A store call has been waiting since then (a lock held elsewhere, a slow server).
    pub store_slow_since: Option<DateTime<Utc>>,
    /// The quick look at the chain's tail found the record broken.
    pub record_broken: Option<String>,
    /// This console's engine, as it says it is doing.
    pub engine: Option<crate::engine::health::Health>,
    /// The site folder was edited and the edit has problems: the last good site runs.
    pub site_problems: Option<crate::config::ConfigErrors>,
}

pub enum Mode {
    Normal,
    Help(Help),
    Alarms(AlarmList),
    Filter(TextArea<'static>),
    /// Typing a search of the knowledge base.
    Search(TextArea<'static>),
    Command(TextArea<'static>),
    Form(Box<Form>),
}

/// What a screen shows of the incidents as a whole.
#[derive(Debug, PartialEq)]
struct Seen {
    in_view: usize,
    by_state: [usize; 6],
    contract: Option<crate::domain::contract::ContractCounter>,
}

pub struct App {
    pub ctx: Context,
    pub now: DateTime<Utc>,
    pub data: Snapshot,
    pub tab: Tab,
    pub mode: Mode,
    /// The tabs, each with its own state, keys and drawing.
    pub queue: Queue,
    pub overview: Overview,
    pub inspections: Inspections,
    pub actions: Actions,
    pub duty: DutyTab,
    pub knowledge: super::screens::knowledge::Knowledge,
    /// A host to open an interactive shell on (its start is on the record): the console
    /// loop suspends itself for it.
    pub pending_shell: Option<String>,
    pub message: Option<Message>,
    pub pending: Vec<Key>,
    pub effects: Vec<Effect>,
    pub quit: bool,
    /// Alarms the bell already rang for; a new one rings at once.
    rung: HashSet<AlarmKey>,
    /// Whether an alarm on the list has not rung yet.
    unrung: bool,
    last_bell: Option<DateTime<Utc>>,
    /// Alarms not yet acknowledged, most urgent first: worked out again only when the
    /// data changes or a clock crosses a threshold, never per frame.
    pub alarms: Vec<crate::domain::alarm::Raised>,
    alarms_valid_until: Option<DateTime<Utc>>,
    /// Whether the first snapshot has come (until then the screens say so, rather than
    /// showing an empty centre).
    pub loaded: bool,
    /// What is wrong behind the screen: the store, the engine, the site, the record.
    pub trouble: Trouble,
    /// Set when the screen must be drawn again.
    pub dirty: bool,
    /// The terminal's size (columns, rows), as it started and last resized: how far
    /// the help can scroll.
    pub screen: (u16, u16),
    /// The lock screen and the sign-in at it.
    pub lock: super::lock::Lock,
}

/// What the components read, built from the app's fields rather than `&self`, so that
/// a component (or the mode) can be borrowed mutably beside it.
macro_rules! env_of {
    ($app:ident, $incident:expr) => {
        Env { ctx: &$app.ctx, data: &$app.data, now: $app.now, loaded: $app.loaded, incident: $incident }
    };
}

impl App {
    pub fn new(ctx: Context, data: Snapshot, now: DateTime<Utc>) -> App {
        let lock = super::lock::Lock::new(&ctx, now);
        let mut app = App {
            ctx,
            now,
            data,
            tab: Tab::Incidents,
            mode: Mode::Normal,
            queue: Queue::default(),
            overview: Overview::default(),
            inspections: Inspections::default(),
            actions: Actions::default(),
            duty: DutyTab::default(),
            knowledge: Default::default(),
            pending_shell: None,
            message: None,
            pending: Vec::new(),
            effects: Vec::new(),
            quit: false,
            rung: HashSet::new(),
            unrung: false,
            last_bell: None,
            alarms: Vec::new(),
            alarms_valid_until: None,
            loaded: true,
            trouble: Trouble::default(),
            dirty: true,
            screen: (80, 24),
            lock,
        };
        app.trouble.site_problems = app.ctx.left_out.clone();
        app.queue.refresh(&app.data, None);
        app.refresh_alarms();
        app
    }

    pub fn lang(&self) -> Lang {
        self.ctx.lang
    }

    /// What the components read, with the queue's incident in focus.
    pub fn env(&self) -> Env<'_> {
        env_of!(self, self.queue.target_row(&self.data))
    }

    /// The store did not answer: keep what is on screen, say since when it is old.
    pub fn store_unreachable(&mut self, since: DateTime<Utc>, error: &str) {
        if self.trouble.store_down.is_none() {
            self.say(error, true);
        }
        self.trouble.store_down = Some((since, error.to_string()));
        self.dirty = true;
    }

    /// The site changed (a valid edit of the site folder): the screens follow it.
    pub fn replace_site(&mut self, site: Site) {
        self.ctx.bell_repeat = site.alarm_repeat;
        self.ctx.site = site;
        self.trouble.site_problems = None;
        self.refresh_alarms();
        self.refresh_walkthrough();
        self.dirty = true;
    }

    /// Takes a new snapshot, keeping the selection on the same incident.
    pub fn replace_data(&mut self, data: Snapshot) {
        let keep = self.selected_row().map(|r| r.incident.id.clone());
        self.data = data;
        self.after_new_data(keep, true);
    }

    /// Applies what changed, keeping the selection on the same incident.
    pub fn apply_delta(&mut self, delta: super::snapshot::Delta) {
        let keep = self.selected_row().map(|r| r.incident.id.clone());
        let unseen = self.out_of_sight(&delta);
        let was_dirty = self.dirty;
        let alarms_changed = self.data.apply(delta, &self.ctx.site, self.now);
        self.after_new_data(keep, alarms_changed);
        // Another engineer's change to incidents far below the rows on screen changes
        // nothing drawn: no frame for it (the next tick draws as ever).
        if let Some((ids, before)) = unseen
            && !alarms_changed
            && self.queue_view(&ids) == Some(before)
        {
            self.dirty = was_dirty;
        }
    }

    /// Whether a delta could leave the screen as it is: the queue, an incident or the
    /// overview in view, nothing but other incidents changed, and (on the queue) every
    /// one of them far below the rows on screen. Returns what the screen would have to
    /// keep.
    fn out_of_sight(&self, delta: &super::snapshot::Delta) -> Option<(Vec<IncidentId>, Seen)> {
        let only_incidents = !delta.parts_changed();
        let screen = matches!(self.tab, Tab::Incidents | Tab::Overview);
        if !screen || !matches!(self.mode, Mode::Normal) || !only_incidents {
            return None;
        }
        let ids: Vec<IncidentId> = delta.incidents.iter().map(|i| i.id.clone()).collect();
        // An incident open in detail shows only itself (and the status line).
        if self.queue.detail.as_ref().is_some_and(|open| ids.contains(open)) {
            return None;
        }
        let before = self.queue_view(&ids)?;
        Some((ids, before))
    }

    /// What the queue and the overview show of the incidents as a whole (the count in
    /// view, by state, the contract counter), if none of `ids` is within reach of the
    /// queue's rows on screen (no terminal is this tall).
    fn queue_view(&self, ids: &[IncidentId]) -> Option<Seen> {
        const FAR: usize = 300;
        let reach = self.queue.selected() + FAR;
        let far = ids.iter().all(|id| {
            self.data
                .index_of(id)
                .and_then(|index| self.queue.visible.binary_search(&index).ok())
                .is_none_or(|position| position > reach)
        });
        let states = [
            State::Open,
            State::Acknowledged,
            State::OnSite,
            State::Resolved,
            State::Reported,
            State::Closed,
        ];
        let queue_on_screen = self.tab == Tab::Incidents && self.queue.detail.is_none();
        (far || !queue_on_screen).then(|| Seen {
            in_view: self.queue.visible.len(),
            by_state: states.map(|s| self.data.count(s)),
            contract: self.data.contract.clone(),
        })
    }

    fn after_new_data(&mut self, keep: Option<IncidentId>, alarms_changed: bool) {
        self.trouble.store_down = None;
        self.loaded = true;
        if let Mode::Form(form) = &mut self.mode
            && form.stale
            && let Some(target) = form.incident_mut()
            && let Some(row) = self.data.row(&target.id)
        {
            target.version = row.incident.version;
            form.stale = false;
        }
        self.queue.refresh(&self.data, keep.as_ref());
        if alarms_changed {
            self.refresh_alarms();
        }
        self.refresh_walkthrough();
        self.dirty = true;
    }

    /// Works the handover step's items out again (on new data and once a second).
    pub fn refresh_walkthrough(&mut self) {
        self.duty.refresh_walkthrough(&env_of!(self, None));
    }

    /// The clock moved on: expire the message, ring for alarms.
    pub fn tick(&mut self, now: DateTime<Utc>) {
        self.now = now;
        if self.message.as_ref().is_some_and(|m| m.until <= now) {
            self.message = None;
        }
        self.ring_for_alarms();
        self.refresh_walkthrough();
        if self.lock.idle_due(&self.ctx, now) {
            self.lock_screen(super::lock::Why::Idle);
        }
        self.dirty = true;
    }

    /// Locks the screen, signing out whoever acts here: nothing is done at this console
    /// until someone signs in (what they left open stays for them alone).
    pub fn lock_screen(&mut self, why: super::lock::Why) {
        use crate::ops::signin::SignOutWhy;
        let who = self.ctx.operator.take().map(|operator| operator.id);
        if who.is_some() {
            let asked = if why == super::lock::Why::Idle { SignOutWhy::Idle } else { SignOutWhy::Asked };
            self.effects.push(Effect::SignOut(asked));
        }
        self.lock.lock(why, who, &self.ctx);
        self.dirty = true;
    }

    /// Someone signed in at this console: they act from now on. Another engineer than
    /// the one it locked on finds nothing of theirs open.
    pub fn signed_in(&mut self, operator: crate::domain::Operator) {
        if self.lock.locked_for.as_deref() != Some(operator.id.as_str()) {
            self.mode = Mode::Normal;
            self.queue.detail = None;
        }
        let shown = format!("{} {} ({})", ui::SIGNED_IN_AS.get(self.lang()), operator.name, operator.id);
        self.ctx.operator = Some(operator);
        self.lock.unlock(self.now);
        self.say(crate::text::visible(&shown, false).into_owned(), false);
    }

    /// The record was opened again: at a shared terminal, the sign-in went with the
    /// old link, so the screen locks.
    pub fn relinked(&mut self) {
        let terminal = crate::ops::signin::is_terminal(&self.ctx.site, &self.ctx.login);
        if terminal && self.ctx.operator.is_some() {
            self.lock_screen(super::lock::Why::Relinked);
        }
    }

    fn refresh_alarms(&mut self) {
        let (alarms, valid_until) = self.data.open_alarms(&self.ctx.site, self.now);
        // Looked at once per change of the set, not on every tick.
        self.unrung = alarms.iter().any(|alarm| !self.rung.contains(&alarm.key));
        self.alarms = alarms;
        self.alarms_valid_until = valid_until;
    }

    fn ring_for_alarms(&mut self) {
        if self.alarms_valid_until.is_some_and(|until| self.now >= until) {
            self.refresh_alarms();
        }
        if self.alarms.is_empty() || self.data.ledger.muted_at(self.now).is_some() {
            return;
        }
        let repeat_due = self.last_bell.is_none_or(|at| self.now - at >= self.ctx.bell_repeat);
        if self.unrung || repeat_due {
            if self.unrung {
                self.rung.extend(self.alarms.iter().map(|alarm| alarm.key.clone()));
                self.unrung = false;
            }
            self.last_bell = Some(self.now);
            self.effects.push(Effect::Bell);
        }
    }

    /// The row under the cursor in the queue.
    pub fn selected_row(&self) -> Option<&Row> {
        self.queue.selected_row(&self.data)
    }

    /// Whether an action can do anything here and now: the footer offers only those.
    /// The focused component asks the domain's own rules (`incident::permits`,
    /// `decide_run`) about what is on screen, before anything is typed.
    pub fn offers(&self, action: Action) -> bool {
        let env = self.env();
        let Some(operator) = self.ctx.operator.as_ref() else {
            // Read-only: nothing that would write.
            return !is_incident_key(action)
                && action != Action::NewIncident
                && !Action::INSPECTION.contains(&action);
        };
        match self.tab {
            Tab::Incidents => self.queue.offers(action, operator, &env).unwrap_or(true),
            Tab::Inspections => self.inspections.offers(action, &env).unwrap_or(true),
            _ => !is_incident_key(action),
        }
    }

    pub fn say(&mut self, text: impl Into<String>, error: bool) {
        let shown_for = if error { Duration::seconds(10) } else { Duration::seconds(5) };
        self.message = Some(Message { text: text.into(), error, until: self.now + shown_for });
        self.dirty = true;
    }

    /// The keymap section in force.
    pub fn section(&self) -> Section {
        match self.tab {
            Tab::Inspections => Section::Inspection,
            Tab::Actions => Section::Actions,
            Tab::Incidents if self.queue.detail.is_some() => Section::Detail,
            Tab::DutyLog if self.duty.in_walkthrough() => Section::Handover,
            Tab::DutyLog => Section::Duty,
            _ => Section::List,
        }
    }

    /// Starts showing a run that was just launched.
    pub fn start_action_run(
        &mut self,
        action: &str,
        hosts: &[String],
        cancel: std::sync::Arc<std::sync::atomic::AtomicBool>,
    ) {
        self.actions.start(action, hosts, cancel);
        self.dirty = true;
    }

    /// Output or an ending from a worker thread.
    pub fn on_ssh(&mut self, update: SshUpdate) {
        if let Some(failure) = self.actions.on_ssh(update) {
            self.say(failure, true);
        }
        self.dirty = true;
    }

    /// Handles one key press.
    pub fn on_key(&mut self, event: KeyEvent) {
        self.dirty = true;
        if self.lock.shown {
            match self.lock.on_key(event) {
                super::lock::Asked::SignIn { name, secret, code } => {
                    let secret = crate::ops::signin::Secret(secret);
                    self.effects.push(Effect::SignIn { name, secret, code })
                }
                super::lock::Asked::Quit => self.quit = true,
                super::lock::Asked::Nothing => {}
            }
            return;
        }
        self.lock.touch(self.now);
        let single = self.lookup_single(&event);
        match &mut self.mode {
            Mode::Form(form) => {
                let outcome = form.on_key(event);
                match outcome {
                    FormOutcome::Continue => {}
                    FormOutcome::Cancel => self.mode = Mode::Normal,
                    FormOutcome::Submit => self.submit_form(),
                }
            }
            Mode::Filter(input) => match event.code {
                KeyCode::Enter => self.mode = Mode::Normal,
                KeyCode::Esc => {
                    self.mode = Mode::Normal;
                    self.queue.set_filter(String::new(), &self.data);
                }
                _ => {
                    input.input(event);
                    let typed = input.lines().join(" ");
                    self.queue.set_filter(typed, &self.data);
                }
            },
            Mode::Search(input) => match event.code {
                KeyCode::Enter | KeyCode::Esc => self.mode = Mode::Normal,
                _ => {
                    input.input(event);
                    let typed = input.lines().join(" ");
                    let mut out = Out::default();
                    self.knowledge.ask(typed, &mut out);
                    self.carry_out(out);
                }
            },
            Mode::Command(input) => match event.code {
                KeyCode::Enter => {
                    let line = input.lines().join(" ");
                    self.mode = Mode::Normal;
                    self.run_command_line(&line);
                }
                KeyCode::Esc => self.mode = Mode::Normal,
                KeyCode::Tab => self.complete_command_line(),
                _ => {
                    input.input(event);
                }
            },
            Mode::Help(_)
                if event.code == KeyCode::Char('c') && event.modifiers.contains(KeyModifiers::CONTROL) =>
            {
                self.quit = true
            }
            Mode::Help(help) => {
                let focused = help.focused;
                let last = help::last_scroll(&self.env(), focused, self.help_area());
                if let Mode::Help(help) = &mut self.mode
                    && !help.on_action(single, last)
                {
                    self.mode = Mode::Normal;
                }
            }
            Mode::Alarms(_)
                if event.code == KeyCode::Char('c') && event.modifiers.contains(KeyModifiers::CONTROL) =>
            {
                self.quit = true
            }
            Mode::Alarms(list) => {
                let env = env_of!(self, self.queue.target_row(&self.data));
                let mut out = Out::default();
                if !list.on_action(single, event.code == KeyCode::Enter, &self.alarms, &env, &mut out) {
                    self.mode = Mode::Normal;
                }
                self.carry_out(out);
            }
            Mode::Normal => self.on_normal_key(event),
        }
    }

    /// The body's size on the terminal as it is (the help's popup is drawn in it).
    fn help_area(&self) -> (u16, u16) {
        (self.screen.0, super::ui::body_rows(self, self.screen))
    }

    fn lookup_single(&self, event: &KeyEvent) -> Option<Action> {
        let key = Key::from_event(event)?;
        match self.ctx.keymap.lookup(self.section(), &[key]) {
            Lookup::Action(action) => Some(action),
            _ => None,
        }
    }

    fn on_normal_key(&mut self, event: KeyEvent) {
        let Some(key) = Key::from_event(&event) else { return };
        self.pending.push(key);
        match self.ctx.keymap.lookup(self.section(), &self.pending) {
            Lookup::Action(action) => {
                self.pending.clear();
                self.run_action(action);
            }
            Lookup::Prefix => {}
            Lookup::None => self.pending.clear(),
        }
    }

    /// Does what an action asks: the console's own keys here, the rest by the
    /// focused tab alone.
    pub fn run_action(&mut self, action: Action) {
        match action {
            Action::Quit => self.quit = true,
            Action::Help => self.mode = Mode::Help(Help::over(self.section())),
            Action::CommandLine => self.mode = Mode::Command(TextArea::default()),
            Action::Filter if self.tab == Tab::Knowledge => {
                let mut input = TextArea::default();
                input.insert_str(&self.knowledge.query);
                self.mode = Mode::Search(input);
            }
            Action::Filter => {
                self.tab = Tab::Incidents;
                self.queue.detail = None;
                let mut input = TextArea::default();
                input.insert_str(&self.queue.filter);
                self.mode = Mode::Filter(input);
            }
            Action::NextTab | Action::PrevTab => {
                let at = Tab::ALL.iter().position(|t| *t == self.tab).unwrap_or(0);
                let step = if action == Action::NextTab { 1 } else { Tab::ALL.len() - 1 };
                self.tab = Tab::ALL[(at + step) % Tab::ALL.len()];
            }
            Action::TabOverview => self.tab = Tab::Overview,
            Action::TabIncidents => self.tab = Tab::Incidents,
            Action::TabInspections => self.tab = Tab::Inspections,
            Action::TabActions => self.tab = Tab::Actions,
            Action::TabDutyLog => self.tab = Tab::DutyLog,
            Action::TabKnowledge => self.tab = Tab::Knowledge,
            Action::AckAlarm => self.acknowledge_alarm(),
            Action::AlarmList => self.mode = Mode::Alarms(AlarmList::default()),
            Action::Mute => self.open_form(forms::mute(self.lang())),
            Action::NewIncident => self.open_form(forms::new_incident(self.lang())),
            Action::Noop => {}
            action => self.route(action),
        }
    }

    /// Hands a key to the focused tab and carries out what it asks.
    fn route(&mut self, action: Action) {
        // The queue knows its own incident; the other tabs see it as the one in focus.
        let incident = (self.tab != Tab::Incidents).then(|| self.queue.target_row(&self.data)).flatten();
        let env = env_of!(self, incident);
        let mut out = Out::default();
        let handled = match self.tab {
            Tab::Overview => self.overview.on_action(action, &env, &mut out),
            Tab::Incidents => self.queue.on_action(action, &env, &mut out),
            Tab::Inspections => self.inspections.on_action(action, &env, &mut out),
            Tab::Actions => self.actions.on_action(action, &env, &mut out),
            Tab::DutyLog => self.duty.on_action(action, &env, &mut out),
            Tab::Knowledge => self.knowledge.on_action(action, &env, &mut out),
        };
        // An incident key acts only on an incident on screen: the queue's selected row
        // or the one open in detail, never one left selected on another tab.
        if !handled && is_incident_key(action) {
            out.refuse(ui::INCIDENT_KEYS_IN_QUEUE.get(self.lang()));
        }
        self.carry_out(out);
    }

    /// What a component asked for.
    fn carry_out(&mut self, out: Out) {
        self.effects.extend(out.effects);
        if let Some(form) = out.form {
            self.mode = Mode::Form(form);
        }
        if let Some((text, error)) = out.message {
            self.say(text, error);
        }
        if let Some(show) = out.show {
            self.show(show);
        }
    }

    fn show(&mut self, show: Show) {
        self.tab = Tab::Incidents;
        match show {
            Show::HostActions(host) => {
                self.tab = Tab::Actions;
                self.actions.choose(&host, &self.ctx.site);
            }
            Show::Incident(id) => self.open_detail(id),
            Show::HostIncidents(host) => {
                self.queue.detail = None;
                self.queue.set_filter(format!("host:{host}"), &self.data);
            }
        }
    }

    /// Opens an incident in detail; its timeline comes with the next reload.
    pub fn open_detail(&mut self, id: IncidentId) {
        self.queue.open(id, &self.data);
        self.effects.push(Effect::Reload);
    }

    fn open_form(&mut self, form: Form) {
        if self.ctx.operator.is_none() {
            self.say(ui::READ_ONLY.get(self.lang()), true);
            return;
        }
        self.mode = Mode::Form(Box::new(form));
    }

    fn submit_form(&mut self) {
        let Mode::Form(form) = &mut self.mode else { return };
        if matches!(form.kind, FormKind::ItemNote | FormKind::StepNotes) {
            if self.duty.submit_note(form, &env_of!(self, None)) {
                self.mode = Mode::Normal;
            }
            return;
        }
        if let Some(effect) = forms::submit(form, &self.ctx.site, self.now, self.ctx.lang) {
            self.effects.push(effect);
        }
    }

    /// Acknowledges the alarm the banner shows, and only that one: the others stay
    /// until someone has seen each (the banner shows the next).
    fn acknowledge_alarm(&mut self) {
        let Some(alarm) = self.alarms.first().map(|alarm| alarm.key.clone()) else {
            self.say(ui::NO_ALARMS.get(self.lang()), false);
            return;
        };
        if self.ctx.operator.is_none() {
            self.say(ui::READ_ONLY.get(self.lang()), true);
            return;
        }
        self.effects.push(Effect::Alarm(AlarmCommand::Acknowledge(vec![alarm])));
    }

    /// The console loop reports how an effect went.
    pub fn on_outcome(&mut self, outcome: Outcome) {
        if self.lock.shown && self.lock.waiting {
            if let Outcome::Failed { message, .. } = outcome {
                self.lock.refused(message);
                self.dirty = true;
            }
            return;
        }
        match outcome {
            Outcome::Done(text) => {
                if matches!(self.mode, Mode::Form(_)) {
                    self.mode = Mode::Normal;
                }
                self.say(text, false);
            }
            Outcome::Failed { message, stale } => {
                if let Mode::Form(form) = &mut self.mode {
                    // The text stays. Refused as stale, the form says who changed the
                    // incident and takes its new version with the reload: a second
                    // Ctrl-S, after reading that, is a decision on what is there now.
                    form.error = Some(message);
                    form.stale = stale;
                    self.dirty = true;
                    if stale {
                        // The console may know the newer version already; else it comes
                        // with the look at the record asked for here.
                        if let Some(target) = form.incident_mut()
                            && let Some(row) = self.data.row(&target.id)
                            && row.incident.version > target.version
                        {
                            target.version = row.incident.version;
                            form.stale = false;
                        }
                        self.effects.push(Effect::Reload);
                    }
                    return;
                }
                if stale {
                    self.effects.push(Effect::Reload);
                }
                self.say(message, true);
            }
        }
    }

    /// Today's date key as incident ids carry it (`20261121`).
    fn today_key(&self) -> String {
        self.now.with_timezone(&self.ctx.site.tz).format("%Y%m%d").to_string()
    }

    /// Completes the command line (`Tab`), listing the candidates when there are several.
    fn complete_command_line(&mut self) {
        let Mode::Command(input) = &self.mode else { return };
        let line = input.lines().join(" ");
        let (completed, candidates) = super::commands::complete(&line, &self.data, &self.today_key());
        if candidates.len() > 1 {
            self.say(candidates.join("  "), false);
        }
        if let Mode::Command(input) = &mut self.mode {
            *input = TextArea::default();
            input.insert_str(&completed);
        }
    }

    fn run_command_line(&mut self, line: &str) {
        use super::commands::Verb;
        let mut words = line.split_whitespace();
        let lang = self.lang();
        let Some(word) = words.next() else { return };
        let Some(command) = super::commands::find(word) else {
            self.say(format!("{}: {word}", ui::UNKNOWN_COMMAND.get(lang)), true);
            return;
        };
        let argument = words.next();
        let missing = |app: &mut App| {
            app.say(
                format!("{}: :{} {}", ui::COMMAND_NEEDS.get(lang), command.name, command.argument.get(lang)),
                true,
            )
        };
        match (command.verb, argument) {
            (Verb::Quit, _) => self.quit = true,
            (Verb::Help, _) => self.mode = Mode::Help(Help::over(self.section())),
            (Verb::Open, Some(text)) => {
                match super::commands::incidents_named(text, &self.data, &self.today_key()).as_slice() {
                    [id] => {
                        let id = id.clone();
                        self.show(Show::Incident(id));
                    }
                    [] => self.say(
                        crate::i18n::store_error(
                            &crate::store::StoreError::NotFound(IncidentId(text.to_string())),
                            lang,
                        ),
                        true,
                    ),
                    many => {
                        let ids: Vec<&str> = many.iter().map(|id| id.0.as_str()).collect();
                        self.say(format!("{}: {}", ui::WHICH_ONE.get(lang), ids.join("  ")), true)
                    }
                }
            }
            (Verb::Lang, Some(code)) => match code.parse::<Lang>() {
                Ok(lang) => self.ctx.lang = lang,
                Err(e) => self.say(e, true),
            },
            (Verb::Theme, Some(name)) => match Theme::builtin(name) {
                Some(theme) => self.ctx.theme = theme,
                None => {
                    let names: Vec<&str> = super::theme::BUILTIN.iter().map(|(n, _)| *n).collect();
                    self.say(
                        format!("{}: {name} ({})", ui::UNKNOWN_COMMAND.get(lang), names.join(", ")),
                        true,
                    )
                }
            },
            (Verb::Mute, Some(minutes)) => match minutes.parse::<i64>() {
                Ok(minutes) if self.ctx.operator.is_some() => {
                    self.effects.push(Effect::Alarm(AlarmCommand::Mute { minutes }))
                }
                Ok(_) => self.say(ui::READ_ONLY.get(lang), true),
                Err(_) => self.say(ui::FORM_BAD_NUMBER.get(lang), true),
            },
            (Verb::Report, Some(what)) => {
                use crate::report::build::{Sheets, Wanted};
                let today = self.now.with_timezone(&self.ctx.site.tz).date_naive();
                // `pdf` anywhere after the report's name also prints it.
                let rest: Vec<&str> = words.collect();
                let pdf = rest.contains(&"pdf");
                let mut rest = rest.into_iter().filter(|w| *w != "pdf");
                let wanted = match (what, rest.next()) {
                    ("week", _) => Some(Wanted::Week(today)),
                    ("month", _) => Some(Wanted::Month(today)),
                    ("handover", id) => Some(Wanted::Handover(id.map(str::to_string))),
                    ("fault", Some(id)) => Some(Wanted::Fault(IncidentId(id.to_string()))),
                    ("fault", None) => {
                        self.queue.target_row(&self.data).map(|r| Wanted::Fault(r.incident.id.clone()))
                    }
                    ("inspection", Some("week")) => Some(Wanted::Inspection(Sheets::Week(today))),
                    ("inspection", Some("month")) => Some(Wanted::Inspection(Sheets::Month(today))),
                    ("inspection", None) => Some(Wanted::Inspection(Sheets::Day(today))),
                    _ => None,
                };
                match wanted {
                    Some(wanted) => self.effects.push(Effect::WriteReport { wanted, pdf }),
                    None => missing(self),
                }
            }
            (Verb::Login | Verb::Logout, _) if self.ctx.site.signin.is_none() => {
                self.say(ui::NO_SIGNIN.get(lang), true)
            }
            (Verb::Login, name) => {
                self.lock_screen(super::lock::Why::Asked);
                if let Some(name) = name {
                    self.lock.for_name(name);
                }
            }
            (Verb::Logout, _) => self.lock_screen(super::lock::Why::Asked),
            (Verb::Approve, Some(id)) => self.effects.push(Effect::Change {
                id: id.to_string(),
                command: crate::domain::change::ChangeCommand::Approve { oral_by: None },
            }),
            (Verb::Open | Verb::Lang | Verb::Theme | Verb::Mute | Verb::Report | Verb::Approve, None) => {
                missing(self)
            }
        }
    }

    /// When the loop must wake up next without input: the next second while a
    /// countdown or the clock is on screen, and when the message expires.
    pub fn next_wakeup(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let next_second = now + Duration::milliseconds(1000 - i64::from(now.timestamp_subsec_millis()));
        match &self.message {
            Some(m) if m.until < next_second => m.until,
            _ => next_second,
        }
    }
}
