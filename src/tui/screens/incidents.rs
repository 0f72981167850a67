//! The incident queue: most urgent first, a live countdown per row, the contract counter
//! underneath. Only the rows on screen are built, so ten thousand incidents cost the same
//! as twenty. The component owns the filter, the rows that pass it, the cursor and the
//! incident open in detail, and the incident keys: they act on the selected row or the
//! incident in detail, nothing else.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};

use crate::domain::sla::{clocks, most_urgent};
use crate::domain::{Incident, IncidentCommand, IncidentId, Operator, Severity, State};
use crate::i18n::{Label, Lang, ShortLabel, contract_summary, ui};
use crate::ops::IncidentTarget;
use crate::text::visible;
use crate::tui::action::Action;
use crate::tui::cursor::Cursor;
use crate::tui::effect::Effect;
use crate::tui::forms;
use crate::tui::snapshot::{Row as QueueRow, Snapshot};
use crate::tui::theme::Theme;
use crate::tui::view::{Env, Out};
use crate::tui::widgets::countdown;

/// The queue and the incident open in detail.
#[derive(Debug, Default)]
pub struct Queue {
    /// The filter as typed.
    pub filter: String,
    /// Indices into `data.rows` that pass the filter, in queue order.
    pub visible: Vec<usize>,
    pub cursor: Cursor,
    /// The incident open in detail.
    pub detail: Option<IncidentId>,
    /// How far its timeline is scrolled.
    pub timeline: Cursor,
    /// Past incidents like the one in detail, with their fixes (worked out when it
    /// opens, and again when it or the number of incidents changes: never per frame,
    /// nor for every change elsewhere).
    pub seen: Vec<crate::domain::seen::Seen>,
    /// What `seen` was worked out for: the incident, its version, how many incidents.
    seen_for: Option<(IncidentId, u64, usize)>,
}

impl Queue {
    /// The row under the cursor.
    pub fn selected_row<'a>(&self, data: &'a Snapshot) -> Option<&'a QueueRow> {
        self.visible.get(self.selected()).map(|&i| &data.rows[i])
    }

    /// Position of the cursor among the visible rows.
    pub fn selected(&self) -> usize {
        self.cursor.at(self.visible.len())
    }

    /// The incident the next command acts on: the one in detail, else the selected one.
    pub fn target_row<'a>(&self, data: &'a Snapshot) -> Option<&'a QueueRow> {
        match &self.detail {
            Some(id) => data.row(id),
            None => self.selected_row(data),
        }
    }

    /// Applies the filter again, keeping the cursor on `keep` when it still shows.
    pub fn refresh(&mut self, data: &Snapshot, keep: Option<&IncidentId>) {
        if self.detail.is_some() {
            self.refresh_seen(data);
        }
        let filter = Filter::parse(&self.filter);
        let rows = &data.rows;
        self.visible = if filter.is_open_only() {
            // Closed incidents sort last: without a filter the queue is everything
            // before them, found without visiting every incident on every change.
            (0..rows.partition_point(|row| row.incident.state != State::Closed)).collect()
        } else {
            rows.iter().enumerate().filter(|(_, row)| filter.matches(row)).map(|(i, _)| i).collect()
        };
        if let Some(id) = keep
            && let Some(index) = data.index_of(id)
            && let Ok(pos) = self.visible.binary_search(&index)
        {
            self.cursor.set(pos);
        }
        self.cursor.set(self.selected());
    }

    /// Replaces the filter (typed, or a machine's from the overview), cursor at the top.
    pub fn set_filter(&mut self, filter: String, data: &Snapshot) {
        self.filter = filter;
        self.cursor = Cursor::default();
        self.refresh(data, None);
    }

    /// Opens an incident in detail (its timeline comes with the next reload).
    pub fn open(&mut self, id: IncidentId, data: &Snapshot) {
        self.detail = Some(id);
        self.timeline = Cursor::default();
        self.refresh_seen(data);
    }

    /// Works out what was seen before like the incident in detail.
    fn refresh_seen(&mut self, data: &Snapshot) {
        let Some(row) = self.detail.as_ref().and_then(|id| data.row(id)) else {
            self.seen.clear();
            self.seen_for = None;
            return;
        };
        let key = (row.incident.id.clone(), row.incident.version, data.rows.len());
        if self.seen_for.as_ref() != Some(&key) {
            self.seen =
                crate::domain::seen::seen_before(&row.incident, data.rows.iter().map(|r| &*r.incident));
            self.seen_for = Some(key);
        }
    }

    /// The queue's own keys; false when the key is not the queue's.
    pub fn on_action(&mut self, action: Action, env: &Env<'_>, out: &mut Out) -> bool {
        match action {
            Action::Move(movement) if self.detail.is_some() => self.timeline.scroll(movement),
            Action::Move(movement) => self.cursor.go(movement, self.visible.len()),
            Action::Open => {
                if let Some(row) = self.selected_row(env.data) {
                    self.open(row.incident.id.clone(), env.data);
                    out.effect(Effect::Reload);
                }
            }
            Action::Back => {
                self.detail = None;
                self.timeline = Cursor::default();
            }
            Action::ClearFilter => self.set_filter(String::new(), env.data),
            // The SSH actions of the incident's (first) machine.
            Action::MachineActions => {
                match self.target_row(env.data).and_then(|r| r.incident.hosts.first()) {
                    Some(host) => out.show = Some(crate::tui::view::Show::HostActions(host.clone())),
                    None => out.refuse(ui::SELECT_FIRST.get(env.lang())),
                }
            }
            _ if step_of(action).is_some() => self.incident_action(action, env, out),
            _ => return false,
        }
        true
    }

    fn incident_action(&self, action: Action, env: &Env<'_>, out: &mut Out) {
        let lang = env.lang();
        let Some(row) = self.target_row(env.data) else {
            out.refuse(ui::SELECT_FIRST.get(lang));
            return;
        };
        if out.read_only(env) {
            return;
        }
        let incident = &row.incident;
        let immediate = match action {
            Action::Acknowledge => Some(IncidentCommand::Acknowledge),
            Action::OnSite => Some(IncidentCommand::ArriveOnSite),
            Action::Resume => Some(IncidentCommand::Resume),
            _ => None,
        };
        if let Some(command) = immediate {
            out.effect(Effect::Execute {
                target: IncidentTarget::Existing(incident.id.clone()),
                command,
                expected_version: Some(incident.version),
            });
            return;
        }
        if action == Action::StartPlan && env.site().plans.is_empty() {
            out.refuse(ui::NO_PLANS.get(lang));
            return;
        }
        if let Some(form) = forms::for_action(action, incident, env.site(), lang) {
            out.form(form);
        }
    }

    /// Whether an incident step can be taken on the incident in focus: the domain's
    /// own rule (`incident::permits`), asked before anything is typed.
    pub fn offers(&self, action: Action, operator: &Operator, env: &Env<'_>) -> Option<bool> {
        let step = step_of(action)?;
        Some(self.target_row(env.data).is_some_and(|row| {
            let running = row.incident.plans.last().is_some_and(|p| !p.finished());
            crate::domain::incident::permits(&row.incident, &step, operator).is_ok()
                && (action != Action::ReportSecurity || security_report_runs(&row.incident, env))
                && (action != Action::StartPlan || !running)
                && (action != Action::PlanStep || running)
        }))
    }
}

/// Whether an incident key is one: every action `step_of` knows.
pub fn is_incident_key(action: Action) -> bool {
    step_of(action).is_some()
}

/// Whether an incident's five-minute security report is still to be made.
fn security_report_runs(incident: &Incident, env: &Env<'_>) -> bool {
    use crate::domain::sla::ClockState;
    clocks(incident, &env.site().policy, env.now).iter().any(|c| {
        c.name == crate::domain::sla::ClockName::SecurityReport
            && matches!(c.state, ClockState::Running | ClockState::DueSoon | ClockState::Breached)
    })
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
        Action::StartPlan => IncidentCommand::StartPlan {
            run: crate::domain::plan::Plan {
                id: none(),
                name: none(),
                classes: Vec::new(),
                areas: Vec::new(),
                words: Vec::new(),
                steps: Vec::new(),
            }
            .run(chrono::DateTime::UNIX_EPOCH, ""),
        },
        Action::PlanStep => IncidentCommand::MarkStep { step: 1, done: true, note: none() },
        Action::ConfirmUser => IncidentCommand::Confirm(crate::domain::confirmation::Confirmation {
            by: none(),
            how: crate::domain::confirmation::ConfirmedHow::Phone,
            rating: Some(crate::domain::confirmation::Rating::Satisfied),
            note: none(),
        }),
        // Any field but the report time is anyone's to correct.
        Action::Correct => IncidentCommand::Correct {
            correction: Correction::Area(crate::domain::FaultArea::System),
            reason: none(),
        },
        _ => return None,
    })
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

    fn matches(&self, row: &QueueRow) -> bool {
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

pub fn severity_style(severity: Severity, theme: &Theme) -> Style {
    match severity {
        Severity::Ordinary => theme.severity_ordinary,
        Severity::Serious => theme.severity_serious,
        Severity::Critical => theme.severity_critical,
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Column {
    Id,
    Severity,
    State,
    Owner,
    Host,
    Next,
    Title,
}

/// Below this width the labels are short, so every priority column fits.
const FULL_LABELS: u16 = 110;

/// How wide the content of the columns on screen is.
struct Widths {
    severity: u16,
    state: u16,
    next: u16,
}

/// The columns for a width, in priority order: id, severity, state, the next clock
/// (each as wide as its widest cell on screen, so no countdown is cut) and the title
/// always; owner and host once there is room for them too.
fn columns(width: u16, widths: &Widths) -> Vec<(Column, Constraint)> {
    use Column::*;
    let mut cols = vec![
        (Id, Constraint::Length(17)),
        (Severity, Constraint::Length(widths.severity)),
        (State, Constraint::Length(widths.state)),
    ];
    let used = 17 + widths.severity + widths.state + widths.next + 4;
    if width >= used + 26 + 30 {
        cols.push((Owner, Constraint::Length(10)));
        cols.push((Host, Constraint::Length(14)));
    }
    cols.push((Next, Constraint::Length(widths.next)));
    cols.push((Title, Constraint::Min(0)));
    cols
}

fn header(column: Column, short: bool, lang: Lang) -> &'static str {
    match column {
        Column::Id => ui::COL_ID.get(lang),
        // Narrow columns have a short heading (级别 is short already).
        Column::Severity if short => lang.pick("级别", "Sev"),
        Column::Severity => ui::COL_SEVERITY.get(lang),
        Column::State => ui::COL_STATE.get(lang),
        Column::Owner => ui::COL_OWNER.get(lang),
        Column::Host => ui::COL_HOST.get(lang),
        Column::Next => ui::COL_NEXT_CLOCK.get(lang),
        Column::Title => ui::COL_TITLE.get(lang),
    }
}

fn cell<'a>(
    column: Column,
    incident: &'a Incident,
    next: &Option<Span<'static>>,
    selected: bool,
    short: bool,
    env: &Env<'_>,
) -> Cell<'a> {
    let lang = env.lang();
    let theme = env.theme();
    match column {
        Column::Id => Cell::from(format!("{}{}", if selected { "▶ " } else { "  " }, incident.id)),
        Column::Severity => Cell::from(Span::styled(
            incident.severity.fitted(lang, short),
            severity_style(incident.severity, theme),
        )),
        Column::State => Cell::from(incident.state.fitted(lang, short)),
        Column::Owner => Cell::from(visible(incident.owner.as_deref().unwrap_or("-"), false).into_owned()),
        Column::Host => Cell::from(visible(&incident.hosts.join(","), false).into_owned()),
        Column::Next => Cell::from(next.clone().unwrap_or_default()),
        Column::Title => Cell::from(visible(&incident.title, false).into_owned()),
    }
}

impl Queue {
    pub fn draw(&self, frame: &mut Frame<'_>, area: Rect, env: &Env<'_>) {
        let lang = env.lang();
        let theme = env.theme();
        let mut title = format!(" {} ({}) ", ui::QUEUE.get(lang), self.visible.len());
        if !self.filter.is_empty() {
            title.push_str(&format!("— {}: {} ", ui::FILTER.get(lang), visible(&self.filter, false)));
        }
        let contract = env
            .data
            .contract
            .as_ref()
            .map(|c| format!(" {} ", contract_summary(c, lang)))
            .unwrap_or_default();
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border)
            .title(Span::styled(title, theme.title))
            .title_bottom(Line::from(Span::styled(contract, theme.muted)));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        if self.visible.is_empty() {
            let text = match (env.loaded, env.data.rows.is_empty()) {
                (false, _) => ui::LOADING,
                (true, true) => ui::NO_INCIDENTS,
                (true, false) => ui::NO_MATCH,
            };
            frame.render_widget(Paragraph::new(text.get(lang)).style(theme.muted), inner);
            return;
        }
        let short = inner.width < FULL_LABELS;
        let rows_on_screen = inner.height.saturating_sub(1) as usize;
        let offset = (self.selected() + 1).saturating_sub(rows_on_screen);
        let on_screen: Vec<(usize, &Incident, Option<Span<'static>>)> = self
            .visible
            .iter()
            .enumerate()
            .skip(offset)
            .take(rows_on_screen)
            .map(|(pos, &index)| {
                let incident = &*env.data.rows[index].incident;
                let clocks = clocks(incident, &env.ctx.site.policy, env.now);
                let next = most_urgent(&clocks).map(|c| countdown::span(c, lang, theme, short));
                (pos, incident, next)
            })
            .collect();
        let lang_width =
            |texts: &mut dyn Iterator<Item = &str>| texts.map(crate::text::width).max().unwrap_or(0) as u16;
        let widths = Widths {
            severity: lang_width(&mut on_screen.iter().map(|(_, i, _)| i.severity.fitted(lang, short)))
                .max(3),
            state: lang_width(&mut on_screen.iter().map(|(_, i, _)| i.state.fitted(lang, short)))
                .max(crate::text::width(ui::COL_STATE.get(lang)) as u16),
            next: lang_width(
                &mut on_screen.iter().filter_map(|(_, _, next)| next.as_ref().map(|s| s.content.as_ref())),
            )
            .max(crate::text::width(ui::COL_NEXT_CLOCK.get(lang)).min(8) as u16),
        };
        let cols = columns(inner.width, &widths);
        let rows: Vec<Row<'_>> = on_screen
            .iter()
            .map(|(pos, incident, next)| {
                let selected = *pos == self.selected();
                let cells: Vec<Cell<'_>> =
                    cols.iter().map(|(c, _)| cell(*c, incident, next, selected, short, env)).collect();
                let row = Row::new(cells);
                if selected { row.style(theme.selected) } else { row }
            })
            .collect();
        let header =
            Row::new(cols.iter().map(|(c, _)| Cell::from(header(*c, short, lang))).collect::<Vec<_>>())
                .style(theme.header);
        let table = Table::new(rows, cols.iter().map(|(_, w)| *w).collect::<Vec<_>>())
            .header(header)
            .column_spacing(1);
        frame.render_widget(table, inner);
    }
}
