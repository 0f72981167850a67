//! The Actions tab: pick a host or a group and an action of the site's catalog, run it
//! over SSH, and watch each host's output stream in. Output is untrusted: it is made
//! visible (control and escape characters shown, never obeyed) before it is drawn.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::config::Site;
use crate::domain::IncidentCommand;
use crate::domain::second::SecondAsk;
use crate::i18n::ui;
use crate::ops::IncidentTarget;
use crate::text::visible;
use crate::tui::action::Action;
use crate::tui::cursor::Cursor;
use crate::tui::effect::{Effect, SshUpdate};
use crate::tui::forms;
use crate::tui::theme::Theme;
use crate::tui::view::{Env, Out};

/// Lines kept per host in the console (older ones scroll away).
pub const OUTPUT_LINES: usize = 2000;
/// Lines per host attached to an incident as evidence.
pub const ATTACHED_LINES: usize = 20;

/// One host's part of a run on screen.
#[derive(Clone, Debug, Default)]
pub struct HostOutput {
    pub host: String,
    /// (from stderr, text) — raw; made visible when drawn.
    pub lines: VecDeque<(bool, String)>,
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
    pub cancel: Arc<AtomicBool>,
}

impl ActionRun {
    pub fn finished(&self) -> bool {
        self.outputs.iter().all(|o| o.ending.is_some())
    }

    /// What is attached to an incident: each host's ending and its last lines.
    fn evidence(&self) -> String {
        let mut text = format!("SSH {}:", self.action);
        for output in &self.outputs {
            text.push_str(&format!("\n[{}] {}", output.host, output.ending.clone().unwrap_or_default()));
            for (stderr, line) in output.lines.iter().skip(output.lines.len().saturating_sub(ATTACHED_LINES))
            {
                text.push_str(&format!("\n{}{line}", if *stderr { "! " } else { "" }));
            }
        }
        text
    }
}

/// The Actions tab: which list has the focus, the selected target and action, the run.
#[derive(Debug, Default)]
pub struct Actions {
    pub right: bool,
    pub target: Cursor,
    pub action: Cursor,
    pub run: Option<ActionRun>,
}

/// What the Actions tab can run on: each host, then each group or role with several.
pub fn targets(site: &Site) -> Vec<(String, Vec<String>)> {
    let hosts = &site.hosts;
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
        let members: Vec<String> =
            hosts.iter().filter(|h| h.group == group || h.role == group).map(|h| h.name.clone()).collect();
        if members.len() > 1 {
            targets.push((format!("@{group}"), members));
        }
    }
    targets
}

impl Actions {
    /// The tab's keys; false when the key is not the tab's.
    pub fn on_action(&mut self, action: Action, env: &Env<'_>, out: &mut Out) -> bool {
        let lang = env.lang();
        let site = env.site();
        match action {
            Action::Move(movement) if self.right => self.action.go(movement, site.ssh.actions.len()),
            Action::Move(movement) => self.target.go(movement, targets(site).len()),
            Action::FocusLeft => self.right = false,
            Action::FocusRight => self.right = true,
            Action::CancelRun => {
                if let Some(run) = &self.run {
                    run.cancel.store(true, Ordering::Relaxed);
                }
            }
            Action::AttachOutput => {
                let Some(run) = self.run.as_ref().filter(|r| r.finished()) else {
                    out.refuse(ui::NOTHING_TO_ATTACH.get(lang));
                    return true;
                };
                // The incident in focus in the queue, named in the key's description.
                let Some(row) = env.incident else {
                    out.refuse(ui::SELECT_FIRST.get(lang));
                    return true;
                };
                out.effect(Effect::Execute {
                    target: IncidentTarget::Existing(row.incident.id.clone()),
                    command: IncidentCommand::Note { text: run.evidence() },
                    expected_version: None,
                });
            }
            Action::OpenShell => {
                if out.read_only(env) {
                    return true;
                }
                let targets = targets(site);
                match targets.get(self.target.at(targets.len())) {
                    Some((_, hosts)) if hosts.len() == 1 => out.effect(Effect::Shell(hosts[0].clone())),
                    _ => out.refuse(ui::SHELL_ONE_HOST.get(lang)),
                }
            }
            Action::RunAction => self.run_action(env, out),
            Action::ConfirmSecond => {
                if out.read_only(env) {
                    return true;
                }
                match waiting_for_me(env).last() {
                    Some(ask) => out.form(forms::confirm_second(ask, env.site().tz, lang)),
                    None => out.refuse(ui::NO_SECOND_ASKS.get(lang)),
                }
            }
            _ => return false,
        }
        true
    }

    fn run_action(&self, env: &Env<'_>, out: &mut Out) {
        let lang = env.lang();
        let site = env.site();
        if out.read_only(env) {
            return;
        }
        if self.run.as_ref().is_some_and(|r| !r.finished()) {
            out.refuse(ui::RUN_IN_PROGRESS.get(lang));
            return;
        }
        let targets = targets(site);
        let Some((label, hosts)) = targets.get(self.target.at(targets.len())).cloned() else { return };
        let Some(spec) = site.ssh.actions.get(self.action.at(site.ssh.actions.len())) else {
            out.refuse(ui::NO_ACTIONS.get(lang));
            return;
        };
        if spec.dangerous {
            out.form(forms::confirm_action(&spec.name, &label, hosts, lang));
            return;
        }
        out.effect(Effect::Ssh { hosts, action: spec.name.clone(), confirmed: None });
    }

    /// Chooses a machine (from the overview or an incident), the action list in focus.
    pub fn choose(&mut self, host: &str, site: &Site) {
        if let Some(at) = targets(site).iter().position(|(label, _)| label == host) {
            self.target.set(at);
            self.right = true;
        }
    }

    /// Starts showing a run that was just launched.
    pub fn start(&mut self, action: &str, hosts: &[String], cancel: Arc<AtomicBool>) {
        self.run = Some(ActionRun {
            action: action.to_string(),
            outputs: hosts.iter().map(|h| HostOutput { host: h.clone(), ..HostOutput::default() }).collect(),
            cancel,
        });
    }

    /// Output or an ending from a worker thread; a run that failed as a whole says why.
    pub fn on_ssh(&mut self, update: SshUpdate) -> Option<String> {
        let run = self.run.as_mut()?;
        match update {
            SshUpdate::Chunk { host, stderr, bytes } => {
                let output = run.outputs.iter_mut().find(|o| o.host == host)?;
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
                None
            }
            SshUpdate::Failed(message) => {
                for output in run.outputs.iter_mut().filter(|o| o.ending.is_none()) {
                    output.ending = Some(message.clone());
                }
                Some(message)
            }
            SshUpdate::Done { record, .. } => {
                let output = run.outputs.iter_mut().find(|o| o.host == record.host)?;
                for (stderr, rest) in [(false, 0), (true, 1)] {
                    let tail = std::mem::take(&mut output.partial[rest]);
                    if !tail.is_empty() {
                        output.lines.push_back((stderr, tail));
                    }
                }
                output.duration_ms = Some((record.ended_at - record.started_at).num_milliseconds());
                output.ending = Some(record.ending.clone());
                None
            }
        }
    }
}

/// The asks still open that the operator at this console may confirm (others').
fn waiting_for_me<'a>(env: &Env<'a>) -> Vec<&'a SecondAsk> {
    let me = env.ctx.operator.as_ref().map(|o| o.id.as_str());
    env.data
        .seconds
        .iter()
        .filter(|a| a.open_at(env.now) && a.confirmed.is_none() && Some(a.asked_by.as_str()) != me)
        .collect()
}

/// One line per open ask: whose, what, until when, and who confirmed it.
fn ask_lines<'a>(env: &Env<'_>) -> Vec<Line<'a>> {
    let (lang, theme) = (env.lang(), env.theme());
    let me = env.ctx.operator.as_ref().map(|o| o.id.as_str());
    env.data
        .seconds
        .iter()
        .filter(|a| a.open_at(env.now))
        .map(|ask| {
            let until = crate::i18n::local_time(ask.until, env.site().tz);
            let (state, style) = match (&ask.confirmed, Some(ask.asked_by.as_str()) == me) {
                (Some(c), true) => (
                    format!(
                        "{} {} — {}",
                        ui::SECOND_CONFIRMED_BY.get(lang),
                        c.by,
                        ui::SECOND_RUN_NOW.get(lang)
                    ),
                    theme.met,
                ),
                (Some(c), false) => (format!("{} {}", ui::SECOND_CONFIRMED_BY.get(lang), c.by), theme.muted),
                (None, true) => (ui::SECOND_WAITING.get(lang).to_string(), theme.due_soon),
                (None, false) => (ui::SECOND_FOR_YOU.get(lang).to_string(), theme.due_soon),
            };
            Line::from(vec![
                Span::styled(format!("⚠ {} ", ask.id), theme.due_soon),
                Span::raw(format!(
                    "{} {} @ {} ({} {until})  ",
                    visible(&ask.asked_by, false),
                    ask.asked.action,
                    visible(&ask.asked.hosts.join(","), false),
                    ui::UNTIL.get(lang)
                )),
                Span::styled(state, style),
            ])
        })
        .collect()
}

fn block<'a>(title: String, focused: bool, theme: &Theme) -> Block<'a> {
    let border = if focused { theme.form_focus } else { theme.border };
    Block::default()
        .borders(Borders::ALL)
        .border_style(border)
        .title(Span::styled(format!(" {title} "), theme.title))
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, tab: &Actions, env: &Env<'_>) {
    let lang = env.lang();
    let theme = env.theme();
    let asks = ask_lines(env);
    let [asks_area, area] =
        Layout::vertical([Constraint::Length(asks.len().min(3) as u16), Constraint::Min(0)]).areas(area);
    frame.render_widget(Paragraph::new(asks), asks_area);
    let [lists, output_area] = Layout::vertical([Constraint::Percentage(40), Constraint::Min(5)]).areas(area);
    let [targets_area, actions_area] =
        Layout::horizontal([Constraint::Percentage(40), Constraint::Percentage(60)]).areas(lists);

    let targets = targets(env.site());
    let target_selected = tab.target.at(targets.len());
    let height = targets_area.height.saturating_sub(2) as usize;
    let offset = (target_selected + 1).saturating_sub(height);
    let target_lines: Vec<Line<'_>> = targets
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(index, (label, hosts))| {
            let selected = index == target_selected;
            let text = if hosts.len() > 1 { format!("{label} ({})", hosts.len()) } else { label.clone() };
            let line = Line::raw(format!("{}{}", if selected { "▶ " } else { "  " }, visible(&text, false)));
            if selected { line.style(theme.selected) } else { line }
        })
        .collect();
    frame.render_widget(
        Paragraph::new(target_lines).block(block(ui::TARGETS.get(lang).into(), !tab.right, theme)),
        targets_area,
    );

    let actions = &env.site().ssh.actions;
    let action_selected = tab.action.at(actions.len());
    let action_lines: Vec<Line<'_>> = if actions.is_empty() {
        vec![Line::from(Span::styled(ui::NO_ACTIONS.get(lang), theme.muted))]
    } else {
        actions
            .iter()
            .enumerate()
            .map(|(index, action)| {
                let selected = index == action_selected;
                let danger = if action.dangerous { "⚠ " } else { "" };
                let line = Line::from(vec![
                    Span::raw(if selected { "▶ " } else { "  " }),
                    Span::styled(
                        format!("{danger}{}", action.name),
                        if action.dangerous { theme.due_soon } else { theme.base },
                    ),
                    Span::styled(format!("  {}", visible(&action.description, false)), theme.muted),
                ]);
                if selected { line.style(theme.selected) } else { line }
            })
            .collect()
    };
    frame.render_widget(
        Paragraph::new(action_lines).block(block(ui::ACTION_LIST.get(lang).into(), tab.right, theme)),
        actions_area,
    );

    let Some(run) = &tab.run else {
        frame.render_widget(
            Paragraph::new("").block(block(ui::OUTPUT.get(lang).into(), false, theme)),
            output_area,
        );
        return;
    };
    let per_host = (output_area.height.saturating_sub(2) as usize / run.outputs.len().max(1)).max(2);
    let mut lines: Vec<Line<'_>> = Vec::new();
    for output in &run.outputs {
        let (mark, style, state) = match &output.ending {
            None => ("○", theme.running, ui::RUNNING.get(lang).to_string()),
            Some(ending) if ending == "exit 0" => ("√", theme.met, ending.clone()),
            Some(ending) => ("×", theme.breached, visible(ending, false).into_owned()),
        };
        let duration = output.duration_ms.map_or(String::new(), |ms| format!(" {ms} ms"));
        lines.push(Line::from(vec![
            Span::styled(format!("{mark} {}", output.host), style),
            Span::styled(format!("  {state}{duration}  {} B", output.bytes), theme.muted),
        ]));
        for (stderr, text) in output.lines.iter().skip(output.lines.len().saturating_sub(per_host - 1)) {
            let style = if *stderr { theme.due_soon } else { theme.base };
            lines.push(Line::from(Span::styled(format!("  {}", visible(text, false)), style)));
        }
    }
    let title = format!("{} — {}", ui::OUTPUT.get(lang), run.action);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(block(title, false, theme)),
        output_area,
    );
}
