//! The console's state and key handling. Pure: a key changes the state and may ask for
//! effects (run a command, ring the bell, reload); the console loop performs them and
//! reports back. Screens draw from `&App` only.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::TextArea;

pub use super::effect::{Effect, Outcome, SshUpdate};

use super::action::Action;
use super::form::{Form, FormKind, FormOutcome, RunTarget};
use super::forms;
use super::keymap::{Key, Keymap, Lookup, Section};
use super::snapshot::{Row, Snapshot};
use super::theme::Theme;
use crate::config::Site;
use crate::domain::alarm::{AlarmCommand, AlarmKey};
use crate::domain::checklist::{RunCommand, RunRefusal};
use crate::domain::{IncidentCommand, IncidentId, Operator, State};
use crate::i18n::{Label, Lang, ui};
use crate::ops::IncidentTarget;

/// The tabs of the console.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Overview,
    Incidents,
    Inspections,
    Actions,
    DutyLog,
}

impl Tab {
    pub const ALL: [Tab; 5] = [Tab::Overview, Tab::Incidents, Tab::Inspections, Tab::Actions, Tab::DutyLog];

    pub fn title(self, lang: Lang) -> &'static str {
        match self {
            Tab::Overview => ui::TAB_OVERVIEW.get(lang),
            Tab::Incidents => ui::TAB_INCIDENTS.get(lang),
            Tab::Inspections => ui::TAB_INSPECTIONS.get(lang),
            Tab::Actions => ui::TAB_ACTIONS.get(lang),
            Tab::DutyLog => ui::TAB_DUTY_LOG.get(lang),
        }
    }
}

/// Lines kept per host in the console (older ones scroll away).
pub const OUTPUT_LINES: usize = 2000;
/// Lines per host attached to an incident as evidence.
pub const ATTACHED_LINES: usize = 20;

/// One host's part of a run on screen.
#[derive(Clone, Debug, Default)]
pub struct HostOutput {
    pub host: String,
    /// (from stderr, text) — raw; made visible when drawn.
    pub lines: std::collections::VecDeque<(bool, String)>,
    partial: [String; 2],
    pub bytes: u64,
    pub ending: Option<String>,
    pub duration_ms: Option<i64>,
}

/// A run in the Actions tab.
#[derive(Clone, Debug)]
pub struct ActionRun {
    pub action: String,
    pub outputs: Vec<HostOutput>,
    pub cancel: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl ActionRun {
    pub fn finished(&self) -> bool {
        self.outputs.iter().all(|o| o.ending.is_some())
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
    Help { scroll: u16 },
    Filter(TextArea<'static>),
    Command(TextArea<'static>),
    Form(Box<Form>),
}

/// Who is at the console and how it looks: fixed for a session (language and theme
/// may be switched from the command line).
pub struct Context {
    pub site: Site,
    pub lang: Lang,
    pub operator: Option<Operator>,
    pub keymap: Keymap,
    pub theme: Theme,
    pub store_label: String,
    /// How often an unacknowledged alarm rings again.
    pub bell_repeat: Duration,
    /// The process's clock.
    pub clock: crate::clock::Clock,
    /// The OS login, for SSH to hosts that name no user.
    pub login: String,
    /// Where `:report` writes.
    pub reports_dir: std::path::PathBuf,
    /// Site files left out when the console started, for their problems.
    pub left_out: Option<crate::config::ConfigErrors>,
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
    /// The filter as typed; applied to the queue.
    pub filter: String,
    /// Indices into `data.rows` that pass the filter, in queue order.
    pub visible: Vec<usize>,
    /// Position in `visible`.
    pub selected: usize,
    /// The incident open in detail.
    pub detail: Option<IncidentId>,
    pub timeline_scroll: u16,
    /// The machine selected on the overview board.
    pub host_selected: usize,
    /// The inspection selected in the day's list, the run open, and its selected item.
    pub agenda_selected: usize,
    pub run_open: Option<String>,
    pub item_selected: usize,
    /// The Actions tab: which list has the focus, the selected target and action, the run.
    pub actions_right: bool,
    pub target_selected: usize,
    pub action_selected: usize,
    pub action_run: Option<ActionRun>,
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
    /// The Duty log tab: the log, the walkthrough or the charts; the selected entry.
    pub duty_screen: super::duty::DutyScreen,
    pub log_selected: usize,
    /// The walkthrough step's items (see `refresh_walkthrough`).
    pub walkthrough_items: Vec<crate::duty::walkthrough::Item>,
    /// This week's and this month's statistics, computed when the charts are opened.
    pub stats: Option<Box<(crate::report::service::ServiceStats, crate::report::service::ServiceStats)>>,
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
}

impl App {
    pub fn new(ctx: Context, data: Snapshot, now: DateTime<Utc>) -> App {
        let mut app = App {
            ctx,
            now,
            data,
            tab: Tab::Incidents,
            mode: Mode::Normal,
            filter: String::new(),
            visible: Vec::new(),
            selected: 0,
            detail: None,
            timeline_scroll: 0,
            host_selected: 0,
            agenda_selected: 0,
            run_open: None,
            item_selected: 0,
            actions_right: false,
            target_selected: 0,
            action_selected: 0,
            action_run: None,
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
            duty_screen: super::duty::DutyScreen::Log,
            log_selected: 0,
            walkthrough_items: Vec::new(),
            stats: None,
            loaded: true,
            trouble: Trouble::default(),
            dirty: true,
            screen: (80, 24),
        };
        app.trouble.site_problems = app.ctx.left_out.clone();
        app.refresh_visible(None);
        app.refresh_alarms();
        app
    }

    pub fn lang(&self) -> Lang {
        self.ctx.lang
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
        let last_host = self.ctx.site.hosts.len().saturating_sub(1);
        self.host_selected = self.host_selected.min(last_host);
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
        let only_incidents = delta.timeline.is_none()
            && delta.ledger.is_none()
            && delta.checks.is_none()
            && delta.lease.is_none()
            && delta.sources.is_none()
            && delta.agenda.is_none()
            && delta.maintenance.is_none();
        let screen = matches!(self.tab, Tab::Incidents | Tab::Overview);
        if !screen || !matches!(self.mode, Mode::Normal) || !only_incidents {
            return None;
        }
        let ids: Vec<IncidentId> = delta.incidents.iter().map(|i| i.id.clone()).collect();
        // An incident open in detail shows only itself (and the status line).
        if self.detail.as_ref().is_some_and(|open| ids.contains(open)) {
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
        let reach = self.selected + FAR;
        let far = ids.iter().all(|id| {
            self.data
                .index_of(id)
                .and_then(|index| self.visible.binary_search(&index).ok())
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
        let queue_on_screen = self.tab == Tab::Incidents && self.detail.is_none();
        (far || !queue_on_screen).then(|| Seen {
            in_view: self.visible.len(),
            by_state: states.map(|s| self.data.count(s)),
            contract: self.data.contract.clone(),
        })
    }

    fn after_new_data(&mut self, keep: Option<IncidentId>, alarms_changed: bool) {
        self.trouble.store_down = None;
        self.loaded = true;
        if let Mode::Form(form) = &mut self.mode
            && form.stale
            && let Some(target) = form.target.as_mut()
            && let Some(row) = self.data.row(&target.id)
        {
            target.version = row.incident.version;
            form.stale = false;
        }
        self.refresh_visible(keep.as_ref());
        if alarms_changed {
            self.refresh_alarms();
        }
        self.refresh_walkthrough();
        self.dirty = true;
    }

    /// The clock moved on: expire the message, ring for alarms.
    pub fn tick(&mut self, now: DateTime<Utc>) {
        self.now = now;
        if self.message.as_ref().is_some_and(|m| m.until <= now) {
            self.message = None;
        }
        self.ring_for_alarms();
        self.refresh_walkthrough();
        self.dirty = true;
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
        self.visible.get(self.selected).map(|&i| &self.data.rows[i])
    }

    /// The incident the next command acts on: the one in detail, else the selected one.
    fn target_row(&self) -> Option<&Row> {
        match &self.detail {
            Some(id) => self.data.row(id),
            None => self.selected_row(),
        }
    }

    /// Whether an action can do anything here and now: the footer offers only those.
    /// The domain's own rules decide (`incident::permits`, `decide_run`); this asks
    /// them about what is on screen, before anything is typed.
    pub fn offers(&self, action: Action) -> bool {
        let Some(operator) = self.ctx.operator.as_ref() else {
            // Read-only: nothing that would write.
            return step_of(action).is_none()
                && action != Action::NewIncident
                && !Action::INSPECTION.contains(&action);
        };
        if let Some(step) = step_of(action) {
            let incident = (self.tab == Tab::Incidents).then(|| self.target_row()).flatten();
            return incident.is_some_and(|row| {
                crate::domain::incident::permits(&row.incident, &step, operator).is_ok()
                    && (action != Action::ReportSecurity || self.security_report_runs(&row.incident))
            });
        }
        let run = self.open_run();
        let run_allows = |command: RunCommand| {
            run.is_some_and(|r| crate::domain::checklist::decide_run(Some(r), &command, operator).is_ok())
        };
        match action {
            Action::Open if self.tab == Tab::Inspections => run.is_none() && !self.data.agenda.is_empty(),
            Action::Back if self.tab == Tab::Inspections => run.is_some(),
            Action::StartRun => {
                run.is_none()
                    && self.selected_agenda().is_some_and(|a| a.run.is_none() && a.declined.is_none())
            }
            Action::MarkItem => run.is_some_and(|r| r.signed.is_none() && r.paused.is_none()),
            Action::Notified => run.is_some_and(|r| r.signed.is_none() && r.notice_due().is_some()),
            Action::Decide => run_allows(RunCommand::Decide { go_on: true, note: String::new() }),
            Action::SignRun => run_allows(RunCommand::Sign),
            _ => true,
        }
    }

    /// Whether an incident's five-minute security report is still to be made.
    fn security_report_runs(&self, incident: &crate::domain::Incident) -> bool {
        use crate::domain::sla::{ClockName, ClockState, clocks};
        clocks(incident, &self.ctx.site.policy, self.now).iter().any(|c| {
            c.name == ClockName::SecurityReport
                && matches!(c.state, ClockState::Running | ClockState::DueSoon | ClockState::Breached)
        })
    }

    fn refresh_visible(&mut self, keep: Option<&IncidentId>) {
        let filter = Filter::parse(&self.filter);
        let rows = &self.data.rows;
        self.visible = if filter.is_open_only() {
            // Closed incidents sort last: without a filter the queue is everything
            // before them, found without visiting every incident on every change.
            (0..rows.partition_point(|row| row.incident.state != State::Closed)).collect()
        } else {
            rows.iter().enumerate().filter(|(_, row)| filter.matches(row)).map(|(i, _)| i).collect()
        };
        if let Some(id) = keep
            && let Some(index) = self.data.index_of(id)
            && let Ok(pos) = self.visible.binary_search(&index)
        {
            self.selected = pos;
        }
        self.selected = self.selected.min(self.visible.len().saturating_sub(1));
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
            Tab::Incidents if self.detail.is_some() => Section::Detail,
            Tab::DutyLog if matches!(self.duty_screen, super::duty::DutyScreen::Walkthrough(_)) => {
                Section::Handover
            }
            Tab::DutyLog => Section::Duty,
            _ => Section::List,
        }
    }

    /// The inspection selected in the day's list.
    pub fn selected_agenda(&self) -> Option<&crate::agenda::AgendaItem> {
        self.data.agenda.get(self.agenda_selected.min(self.data.agenda.len().saturating_sub(1)))
    }

    /// The run open in the Inspections tab.
    pub fn open_run(&self) -> Option<&crate::domain::checklist::Run> {
        let id = self.run_open.as_ref()?;
        self.data.agenda.iter().find(|a| &a.slot.run == id)?.run.as_ref()
    }

    /// What the Actions tab can run on: each host, then each group or role with several.
    pub fn action_targets(&self) -> Vec<(String, Vec<String>)> {
        let hosts = &self.ctx.site.hosts;
        let mut targets: Vec<(String, Vec<String>)> =
            hosts.iter().map(|h| (h.name.clone(), vec![h.name.clone()])).collect();
        let mut groups: Vec<String> = Vec::new();
        for host in hosts {
            for group in [&host.group, &host.role] {
                if !group.is_empty() && !groups.contains(group) {
                    groups.push(group.clone());
                }
            }
        }
        for group in groups {
            let members: Vec<String> = hosts
                .iter()
                .filter(|h| h.group == group || h.role == group)
                .map(|h| h.name.clone())
                .collect();
            if members.len() > 1 {
                targets.push((format!("@{group}"), members));
            }
        }
        targets
    }

    fn actions_action(&mut self, action: Action) {
        let lang = self.lang();
        match action {
            Action::FocusLeft => self.actions_right = false,
            Action::FocusRight => self.actions_right = true,
            Action::AttachOutput => {
                let Some(run) = self.action_run.as_ref().filter(|r| r.finished()) else {
                    self.say(ui::NOTHING_TO_ATTACH.get(lang), true);
                    return;
                };
                let Some(row) = self.target_row() else {
                    self.say(ui::SELECT_FIRST.get(lang), true);
                    return;
                };
                let incident = row.incident.clone();
                let mut text = format!("SSH {}:", run.action);
                for output in &run.outputs {
                    text.push_str(&format!(
                        "\n[{}] {}",
                        output.host,
                        output.ending.clone().unwrap_or_default()
                    ));
                    for (stderr, line) in
                        output.lines.iter().skip(output.lines.len().saturating_sub(ATTACHED_LINES))
                    {
                        text.push_str(&format!("\n{}{line}", if *stderr { "! " } else { "" }));
                    }
                }
                self.effects.push(Effect::Execute {
                    target: IncidentTarget::Existing(incident.id),
                    command: IncidentCommand::Note { text },
                    expected_version: None,
                });
            }
            Action::OpenShell => {
                let targets = self.action_targets();
                match targets.get(self.target_selected) {
                    _ if self.ctx.operator.is_none() => self.say(ui::READ_ONLY.get(lang), true),
                    Some((_, hosts)) if hosts.len() == 1 => {
                        self.effects.push(Effect::Shell(hosts[0].clone()))
                    }
                    _ => self.say(ui::SHELL_ONE_HOST.get(lang), true),
                }
            }
            Action::CancelRun => {
                if let Some(run) = &self.action_run {
                    run.cancel.store(true, std::sync::atomic::Ordering::Relaxed);
                }
            }
            Action::RunAction => {
                if self.ctx.operator.is_none() {
                    self.say(ui::READ_ONLY.get(lang), true);
                    return;
                }
                if self.action_run.as_ref().is_some_and(|r| !r.finished()) {
                    self.say(ui::RUN_IN_PROGRESS.get(lang), true);
                    return;
                }
                let targets = self.action_targets();
                let Some((label, hosts)) = targets.get(self.target_selected).cloned() else { return };
                let Some(spec) = self.ctx.site.ssh.actions.get(self.action_selected).cloned() else {
                    self.say(ui::NO_ACTIONS.get(lang), true);
                    return;
                };
                if spec.dangerous {
                    let form = forms::confirm_action(
                        &spec.name,
                        &label,
                        hosts,
                        self.ctx.site.ssh.two_person_rule,
                        lang,
                    );
                    self.mode = Mode::Form(Box::new(form));
                    return;
                }
                self.effects.push(Effect::Ssh { hosts, action: spec.name, confirmed: None, witness: None });
            }
            _ => {}
        }
    }

    /// Starts showing a run that was just launched.
    pub fn start_action_run(
        &mut self,
        action: &str,
        hosts: &[String],
        cancel: std::sync::Arc<std::sync::atomic::AtomicBool>,
    ) {
        self.action_run = Some(ActionRun {
            action: action.to_string(),
            outputs: hosts.iter().map(|h| HostOutput { host: h.clone(), ..HostOutput::default() }).collect(),
            cancel,
        });
        self.dirty = true;
    }

    /// Output or an ending from a worker thread.
    pub fn on_ssh(&mut self, update: SshUpdate) {
        let Some(run) = self.action_run.as_mut() else { return };
        match update {
            SshUpdate::Chunk { host, stderr, bytes } => {
                let Some(output) = run.outputs.iter_mut().find(|o| o.host == host) else { return };
                output.bytes += bytes.len() as u64;
                let partial = &mut output.partial[usize::from(stderr)];
                partial.push_str(&String::from_utf8_lossy(&bytes));
                while let Some(end) = partial.find('\n') {
                    let line: String = partial.drain(..=end).collect();
                    output.lines.push_back((stderr, line.trim_end_matches(['\n', '\r']).to_string()));
                    if output.lines.len() > OUTPUT_LINES {
                        output.lines.pop_front();
                    }
                }
            }
            SshUpdate::Failed(message) => {
                for output in run.outputs.iter_mut().filter(|o| o.ending.is_none()) {
                    output.ending = Some(message.clone());
                }
                self.say(message, true);
            }
            SshUpdate::Done { record, .. } => {
                let Some(output) = run.outputs.iter_mut().find(|o| o.host == record.host) else { return };
                for (stderr, rest) in [(false, 0), (true, 1)] {
                    let tail = std::mem::take(&mut output.partial[rest]);
                    if !tail.is_empty() {
                        output.lines.push_back((stderr, tail));
                    }
                }
                output.duration_ms = Some((record.ended_at - record.started_at).num_milliseconds());
                output.ending = Some(record.ending.clone());
            }
        }
        self.dirty = true;
    }

    fn inspection_action(&mut self, action: Action) {
        let lang = self.lang();
        if matches!(action, Action::Open) {
            match self.selected_agenda() {
                Some(item) if item.run.is_some() => {
                    self.run_open = Some(item.slot.run.clone());
                    self.item_selected = 0;
                }
                Some(_) => self.say(ui::START_FIRST.get(lang), true),
                None => {}
            }
            return;
        }
        if matches!(action, Action::Back) {
            self.run_open = None;
            return;
        }
        if self.ctx.operator.is_none() {
            self.say(ui::READ_ONLY.get(lang), true);
            return;
        }
        if matches!(action, Action::StartRun | Action::DeclineRun) {
            let Some(item) = self.selected_agenda().cloned() else { return };
            if action == Action::DeclineRun {
                let target =
                    RunTarget { run: item.slot.run.clone(), item: None, version: None, judged: None };
                self.mode = Mode::Form(Box::new(forms::for_run(FormKind::Decline, target, lang)));
                return;
            }
            let Some(template) = self.ctx.site.checklist(&item.slot.template) else { return };
            let command = template.start(&item.slot);
            self.effects.push(Effect::Run { run: item.slot.run.clone(), command, expected_version: None });
            self.run_open = Some(item.slot.run);
            self.item_selected = 0;
            return;
        }
        let Some(run) = self.open_run().cloned() else {
            self.say(ui::START_FIRST.get(lang), true);
            return;
        };
        let Some(item) = run.items.get(self.item_selected.min(run.items.len().saturating_sub(1))).cloned()
        else {
            return;
        };
        let target = RunTarget {
            run: run.id.clone(),
            item: Some(item.id.clone()),
            version: Some(run.version),
            judged: item.check.as_deref().map(|check| crate::agenda::judged(check, &self.data.checks)),
        };
        let form_kind = match action {
            Action::MarkItem => Some(FormKind::MarkItem),
            Action::Decide => Some(FormKind::Decide),
            Action::ManualTransfer => Some(FormKind::Transfer),
            _ => None,
        };
        if let Some(kind) = form_kind {
            // Say at once what the store would refuse, before anything is typed.
            let refusal = match (&run.signed, &run.paused, kind) {
                (Some((by, at)), _, _) => Some(RunRefusal::Signed { by: by.clone(), at: *at }),
                (None, Some((item, _)), FormKind::MarkItem) => {
                    Some(RunRefusal::Paused { item: item.clone() })
                }
                (None, None, FormKind::Decide) => Some(RunRefusal::NotPaused),
                _ => None,
            };
            if let Some(refusal) = refusal {
                self.say(crate::i18n::domain_error(&crate::domain::DomainError::Run(refusal), lang), true);
                return;
            }
            let mut form = forms::for_run(kind, target, lang);
            if let (FormKind::Decide, Some((paused, _))) = (kind, &run.paused) {
                // The lead decides on the critical item, whichever item is selected.
                if let Some(target) = form.run_target.as_mut() {
                    target.item = Some(paused.clone());
                }
                form.title = format!(
                    "{} — «{}» ({} / {paused})",
                    ui::FORM_DECIDE.get(lang),
                    crate::text::visible(run.item_title(paused), false),
                    run.id
                );
            }
            self.mode = Mode::Form(Box::new(form));
            return;
        }
        let command = match action {
            Action::Notified => RunCommand::Notify { item: item.id.clone() },
            Action::SignRun => RunCommand::Sign,
            Action::IncidentFromItem => {
                let mark = run.marks.get(&item.id);
                let title = format!("{}: {}", run.name, item.title);
                let mut description = mark.map_or_else(String::new, |m| m.note.clone());
                if let Some(check) = &item.check {
                    description.push('\n');
                    description.push_str(&crate::agenda::evidence_of(
                        check,
                        &self.data.checks,
                        self.ctx.site.tz,
                        lang,
                    ));
                }
                let host = item.check.as_deref().and_then(|c| c.split('/').next());
                self.mode =
                    Mode::Form(Box::new(forms::incident_from_item(&title, description.trim(), host, lang)));
                return;
            }
            _ => return,
        };
        self.effects.push(Effect::Run { run: run.id.clone(), command, expected_version: Some(run.version) });
    }

    /// Handles one key press.
    pub fn on_key(&mut self, event: KeyEvent) {
        self.dirty = true;
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
                    self.filter.clear();
                    self.mode = Mode::Normal;
                    self.refresh_visible(None);
                }
                _ => {
                    input.input(event);
                    self.filter = input.lines().join(" ");
                    self.selected = 0;
                    self.refresh_visible(None);
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
            Mode::Help { .. } => {
                let lines = super::popups::help::last_scroll(self, self.screen);
                let Mode::Help { scroll } = &mut self.mode else { return };
                match single {
                    Some(Action::Down) => *scroll = scroll.saturating_add(1).min(lines),
                    Some(Action::Up) => *scroll = scroll.saturating_sub(1),
                    Some(Action::PageDown) => *scroll = scroll.saturating_add(10).min(lines),
                    Some(Action::PageUp) => *scroll = scroll.saturating_sub(10),
                    Some(Action::Top) => *scroll = 0,
                    Some(Action::Bottom) => *scroll = lines,
                    _ if event.code == KeyCode::Char('c')
                        && event.modifiers.contains(KeyModifiers::CONTROL) =>
                    {
                        self.quit = true
                    }
                    _ => self.mode = Mode::Normal,
                }
            }
            Mode::Normal => self.on_normal_key(event),
        }
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

    /// Does what an action asks.
    pub fn run_action(&mut self, action: Action) {
        let page = 10;
        match action {
            Action::Quit => self.quit = true,
            Action::Help => self.mode = Mode::Help { scroll: 0 },
            Action::CommandLine => self.mode = Mode::Command(TextArea::default()),
            Action::Filter => {
                self.tab = Tab::Incidents;
                self.detail = None;
                let mut input = TextArea::default();
                input.insert_str(&self.filter);
                self.mode = Mode::Filter(input);
            }
            Action::ClearFilter => {
                self.filter.clear();
                self.refresh_visible(None);
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
            Action::Up | Action::Down | Action::PageUp | Action::PageDown | Action::Top | Action::Bottom => {
                self.move_cursor(action, page)
            }
            Action::Open | Action::Back if self.tab == Tab::Inspections => self.inspection_action(action),
            Action::Back if self.tab == Tab::DutyLog => self.duty_action(action),
            // A tab's own actions do something only on that tab.
            _ if Action::INSPECTION.contains(&action) => {
                if self.tab == Tab::Inspections {
                    self.inspection_action(action)
                }
            }
            _ if Action::DUTY.contains(&action) => {
                if self.tab == Tab::DutyLog {
                    self.duty_action(action)
                }
            }
            Action::RunAction
            | Action::CancelRun
            | Action::FocusLeft
            | Action::FocusRight
            | Action::OpenShell
            | Action::AttachOutput => self.actions_action(action),
            // On the overview, Enter opens the selected machine's incidents.
            Action::Open if self.tab == Tab::Overview => {
                if let Some(host) = self.ctx.site.hosts.get(self.host_selected) {
                    self.filter = format!("host:{}", host.name);
                    self.tab = Tab::Incidents;
                    self.detail = None;
                    self.selected = 0;
                    self.refresh_visible(None);
                }
            }
            Action::Open => {
                if let Some(row) = self.selected_row() {
                    let id = row.incident.id.clone();
                    self.tab = Tab::Incidents;
                    self.open_detail(id);
                }
            }
            Action::Back => {
                self.detail = None;
                self.timeline_scroll = 0;
            }
            Action::AckAlarm => self.acknowledge_alarms(),
            Action::Mute => self.open_form(forms::mute(self.lang())),
            Action::NewIncident => self.open_form(forms::new_incident(self.lang())),
            Action::Noop => {}
            incident_action => self.incident_action(incident_action),
        }
    }

    fn move_cursor(&mut self, action: Action, page: usize) {
        if self.tab == Tab::Actions {
            let (cursor, len) = if self.actions_right {
                (&mut self.action_selected, self.ctx.site.ssh.actions.len())
            } else {
                let len = self.action_targets().len();
                (&mut self.target_selected, len)
            };
            let last = len.saturating_sub(1);
            *cursor = moved(*cursor, last, action, page);
            return;
        }
        if self.tab == Tab::Inspections {
            let (cursor, len) = match self.open_run().map(|r| r.items.len()) {
                Some(len) => (&mut self.item_selected, len),
                None => (&mut self.agenda_selected, self.data.agenda.len()),
            };
            let last = len.saturating_sub(1);
            *cursor = moved(*cursor, last, action, page);
            return;
        }
        if self.tab == Tab::DutyLog {
            match self.duty_screen {
                super::duty::DutyScreen::Walkthrough(_) => {
                    self.walkthrough_cursor(|cursor, last| moved(cursor, last, action, page))
                }
                _ => {
                    let last = self.data.duty.as_ref().map_or(0, |d| d.log.len().saturating_sub(1));
                    self.log_selected = moved(self.log_selected, last, action, page);
                }
            }
            return;
        }
        if self.tab == Tab::Overview {
            let last = self.ctx.site.hosts.len().saturating_sub(1);
            self.host_selected = moved(self.host_selected, last, action, page);
            return;
        }
        if self.detail.is_some() && self.tab == Tab::Incidents {
            self.timeline_scroll = match action {
                Action::Up => self.timeline_scroll.saturating_sub(1),
                Action::Down => self.timeline_scroll.saturating_add(1),
                Action::PageUp => self.timeline_scroll.saturating_sub(page as u16),
                Action::PageDown => self.timeline_scroll.saturating_add(page as u16),
                Action::Top => 0,
                _ => u16::MAX,
            };
            return;
        }
        let last = self.visible.len().saturating_sub(1);
        self.selected = moved(self.selected, last, action, page);
    }

    /// Opens an incident in detail; its timeline comes with the next reload.
    pub fn open_detail(&mut self, id: IncidentId) {
        self.detail = Some(id);
        self.timeline_scroll = 0;
        self.effects.push(Effect::Reload);
    }

    fn open_form(&mut self, form: Form) {
        if self.ctx.operator.is_none() {
            self.say(ui::READ_ONLY.get(self.lang()), true);
            return;
        }
        self.mode = Mode::Form(Box::new(form));
    }

    fn incident_action(&mut self, action: Action) {
        // An incident key acts only on an incident on screen: the queue's selected row
        // or the one open in detail, never one left selected on another tab.
        if self.tab != Tab::Incidents {
            self.say(ui::INCIDENT_KEYS_IN_QUEUE.get(self.lang()), true);
            return;
        }
        let Some(row) = self.target_row() else {
            self.say(ui::SELECT_FIRST.get(self.lang()), true);
            return;
        };
        let incident = row.incident.clone();
        let immediate = match action {
            Action::Acknowledge => Some(IncidentCommand::Acknowledge),
            Action::OnSite => Some(IncidentCommand::ArriveOnSite),
            Action::Resume => Some(IncidentCommand::Resume),
            _ => None,
        };
        if let Some(command) = immediate {
            if self.ctx.operator.is_none() {
                self.say(ui::READ_ONLY.get(self.lang()), true);
                return;
            }
            self.effects.push(Effect::Execute {
                target: IncidentTarget::Existing(incident.id),
                command,
                expected_version: Some(incident.version),
            });
            return;
        }
        let lang = self.lang();
        if let Some(form) = forms::for_action(action, &incident, lang) {
            self.open_form(form);
        }
    }

    fn submit_form(&mut self) {
        if let Mode::Form(form) = &self.mode
            && matches!(form.kind, FormKind::ItemNote | FormKind::StepNotes)
        {
            self.submit_walkthrough_note();
            return;
        }
        let Mode::Form(form) = &mut self.mode else { return };
        if let Some(effect) = forms::submit(form, &self.ctx.site, self.now, self.ctx.lang) {
            self.effects.push(effect);
        }
    }

    /// Acknowledges the alarm the banner shows, and only that one: the others stay
    /// until someone has seen each (the banner shows the next).
    fn acknowledge_alarms(&mut self) {
        let alarms: Vec<AlarmKey> = self.alarms.first().map(|alarm| alarm.key.clone()).into_iter().collect();
        if alarms.is_empty() {
            self.say(ui::NO_ALARMS.get(self.lang()), false);
            return;
        }
        if self.ctx.operator.is_none() {
            self.say(ui::READ_ONLY.get(self.lang()), true);
            return;
        }
        self.effects.push(Effect::Alarm(AlarmCommand::Acknowledge(alarms)));
    }

    /// The console loop reports how an effect went.
    pub fn on_outcome(&mut self, outcome: Outcome) {
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
                        if let Some(target) = form.target.as_mut()
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
            (Verb::Help, _) => self.mode = Mode::Help { scroll: 0 },
            (Verb::Open, Some(text)) => {
                match super::commands::incidents_named(text, &self.data, &self.today_key()).as_slice() {
                    [id] => {
                        self.tab = Tab::Incidents;
                        self.open_detail(id.clone());
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
                use crate::report::build::Wanted;
                let today = self.now.with_timezone(&self.ctx.site.tz).date_naive();
                let wanted = match (what, words.next()) {
                    ("week", _) => Some(Wanted::Week(today)),
                    ("month", _) => Some(Wanted::Month(today)),
                    ("handover", id) => Some(Wanted::Handover(id.map(str::to_string))),
                    ("fault", Some(id)) => Some(Wanted::Fault(IncidentId(id.to_string()))),
                    ("fault", None) => self.target_row().map(|r| Wanted::Fault(r.incident.id.clone())),
                    _ => None,
                };
                match wanted {
                    Some(wanted) => self.effects.push(Effect::WriteReport(wanted)),
                    None => missing(self),
                }
            }
            (Verb::Open | Verb::Lang | Verb::Theme | Verb::Mute | Verb::Report, None) => missing(self),
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

/// The incident step an action takes, its texts left empty: what the domain's
/// `permits` is asked about before a form is opened.
fn step_of(action: Action) -> Option<IncidentCommand> {
    use crate::domain::incident::{Correction, FaultReportForm};
    let none = String::new;
    Some(match action {
        Action::Acknowledge => IncidentCommand::Acknowledge,
        Action::OnSite => IncidentCommand::ArriveOnSite,
        Action::Note => IncidentCommand::Note { text: none() },
        Action::Escalate => IncidentCommand::Escalate { vendor: none(), note: none() },
        Action::Call | Action::ReportSecurity => IncidentCommand::Call {
            callee: crate::domain::CallTarget::SecurityGroup,
            name: none(),
            answered: true,
            note: none(),
        },
        Action::Pause => IncidentCommand::Pause { reason: crate::domain::PauseReason::Vendor },
        Action::Resume => IncidentCommand::Resume,
        Action::Resolve => IncidentCommand::Resolve { cause: none(), solution: none() },
        Action::Report => IncidentCommand::FileReport(FaultReportForm {
            description: none(),
            cause: None,
            process: none(),
            solution: None,
            measures: none(),
            area: None,
        }),
        Action::Close => IncidentCommand::Close { note: none() },
        Action::Problem => IncidentCommand::MarkProblem { note: none() },
        // Any field but the report time is anyone's to correct.
        Action::Correct => IncidentCommand::Correct {
            correction: Correction::Area(crate::domain::FaultArea::System),
            reason: none(),
        },
        _ => return None,
    })
}

/// Where a cursor goes for a movement action, within `0..=last`.
fn moved(cursor: usize, last: usize, action: Action, page: usize) -> usize {
    match action {
        Action::Up => cursor.saturating_sub(1),
        Action::Down => (cursor + 1).min(last),
        Action::PageUp => cursor.saturating_sub(page),
        Action::PageDown => (cursor + page).min(last),
        Action::Top => 0,
        _ => last,
    }
}

/// The queue filter: free words match id, title, hosts and owner; `state:`, `sev:`
/// and `owner:` match those fields, `host:` a host by its whole name (a machine's
/// incidents, not those of every machine whose name begins the same). Closed incidents show only when asked for.
struct Filter {
    words: Vec<String>,
    states: Vec<String>,
    severities: Vec<String>,
    hosts: Vec<String>,
    owners: Vec<String>,
}

impl Filter {
    /// The default: every incident not closed.
    fn is_open_only(&self) -> bool {
        self.words.is_empty()
            && self.states.is_empty()
            && self.severities.is_empty()
            && self.hosts.is_empty()
            && self.owners.is_empty()
    }

    fn parse(text: &str) -> Filter {
        let mut filter =
            Filter { words: vec![], states: vec![], severities: vec![], hosts: vec![], owners: vec![] };
        for token in text.split_whitespace() {
            let lower = token.to_lowercase();
            match lower.split_once(':') {
                Some(("state", v)) => filter.states.push(v.to_string()),
                Some(("sev" | "severity", v)) => filter.severities.push(v.to_string()),
                Some(("host", v)) => filter.hosts.push(v.to_string()),
                Some(("owner", v)) => filter.owners.push(v.to_string()),
                _ => filter.words.push(lower),
            }
        }
        filter
    }

    fn matches(&self, row: &Row) -> bool {
        let inc = &row.incident;
        let term = |key: &str, zh: &str, en: &str, wanted: &str| {
            key.starts_with(wanted) || zh.contains(wanted) || en.to_lowercase().starts_with(wanted)
        };
        let state_ok = if self.states.is_empty() {
            inc.state != State::Closed
        } else {
            self.states.iter().any(|s| {
                s == "all" || term(inc.state.key(), inc.state.label(Lang::Zh), inc.state.label(Lang::En), s)
            })
        };
        let severity_ok = self.severities.is_empty()
            || self.severities.iter().any(|s| {
                term(inc.severity.key(), inc.severity.label(Lang::Zh), inc.severity.label(Lang::En), s)
            });
        let host_ok = self.hosts.is_empty()
            || self.hosts.iter().any(|h| inc.hosts.iter().any(|x| x.to_lowercase() == *h));
        // Lowered only when a filter asks: the queue is filtered again on every change.
        let owner = || inc.owner.as_deref().unwrap_or("").to_lowercase();
        let owner_ok = self.owners.is_empty() || self.owners.iter().any(|o| owner().contains(o.as_str()));
        let words_ok = self.words.iter().all(|w| {
            inc.id.0.to_lowercase().contains(w)
                || inc.title.to_lowercase().contains(w)
                || owner().contains(w)
                || inc.hosts.iter().any(|h| h.to_lowercase().contains(w))
        });
        state_ok && severity_ok && host_ok && owner_ok && words_ok
    }
}
