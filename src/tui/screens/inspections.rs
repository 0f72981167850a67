//! The Inspections tab: today's inspections with a countdown to each deadline, and a
//! run item by item — the steps on one side, the evidence and the result on the other.

use chrono::Duration;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Wrap};

use crate::agenda::AgendaItem;
use crate::domain::DomainError;
use crate::domain::checklist::{ItemResult, Run, RunCommand, RunRefusal, RunState, decide_run};
use crate::i18n::{Label, domain_error, local_time, run_state_text, run_symbol, ui};
use crate::text::visible;
use crate::tui::action::Action;
use crate::tui::cursor::Cursor;
use crate::tui::effect::Effect;
use crate::tui::form::{FormKind, RunTarget};
use crate::tui::forms;
use crate::tui::snapshot::Snapshot;
use crate::tui::theme::Theme;
use crate::tui::view::{Env, Out};
use crate::tui::widgets::countdown::hms;

/// The day's inspections, the run open and its selected item.
#[derive(Debug, Default)]
pub struct Inspections {
    pub agenda: Cursor,
    pub run_open: Option<String>,
    pub item: Cursor,
}

impl Inspections {
    /// The inspection selected in the day's list.
    pub fn selected_agenda<'a>(&self, data: &'a Snapshot) -> Option<&'a AgendaItem> {
        data.agenda.get(self.agenda.at(data.agenda.len()))
    }

    /// The run open.
    pub fn open_run<'a>(&self, data: &'a Snapshot) -> Option<&'a Run> {
        let id = self.run_open.as_ref()?;
        data.agenda.iter().find(|a| &a.slot.run == id)?.run.as_ref()
    }

    fn open(&mut self, run: String) {
        self.run_open = Some(run);
        self.item = Cursor::default();
    }

    /// Whether an inspection key can do anything here and now (None: not one of its
    /// keys). The domain's `decide_run` decides.
    pub fn offers(&self, action: Action, env: &Env<'_>) -> Option<bool> {
        let run = self.open_run(env.data);
        let allows = |command: RunCommand| {
            env.ctx
                .operator
                .as_ref()
                .is_some_and(|operator| run.is_some_and(|r| decide_run(Some(r), &command, operator).is_ok()))
        };
        let writes = Action::INSPECTION.contains(&action);
        if writes && env.ctx.operator.is_none() {
            return Some(false);
        }
        Some(match action {
            Action::Open => run.is_none() && !env.data.agenda.is_empty(),
            Action::Back => run.is_some(),
            Action::StartRun => {
                run.is_none()
                    && self.selected_agenda(env.data).is_some_and(|a| a.run.is_none() && a.declined.is_none())
            }
            Action::MarkItem => run.is_some_and(|r| r.signed.is_none() && r.paused.is_none()),
            Action::Notified => run.is_some_and(|r| r.signed.is_none() && r.notice_due().is_some()),
            Action::Decide => allows(RunCommand::Decide { go_on: true, note: String::new() }),
            Action::SignRun => allows(RunCommand::Sign),
            _ if writes => true,
            _ => return None,
        })
    }

    /// The tab's keys; false when the key is not the tab's.
    pub fn on_action(&mut self, action: Action, env: &Env<'_>, out: &mut Out) -> bool {
        let lang = env.lang();
        match action {
            Action::Move(movement) => match self.open_run(env.data).map(|r| r.items.len()) {
                Some(len) => self.item.go(movement, len),
                None => self.agenda.go(movement, env.data.agenda.len()),
            },
            Action::Open => match self.selected_agenda(env.data) {
                Some(item) if item.run.is_some() => self.open(item.slot.run.clone()),
                Some(_) => out.refuse(ui::START_FIRST.get(lang)),
                None => {}
            },
            Action::Back => self.run_open = None,
            _ if Action::INSPECTION.contains(&action) => {
                if !out.read_only(env) {
                    self.write(action, env, out);
                }
            }
            _ => return false,
        }
        true
    }

    fn write(&mut self, action: Action, env: &Env<'_>, out: &mut Out) {
        let lang = env.lang();
        if matches!(action, Action::StartRun | Action::DeclineRun) {
            let Some(item) = self.selected_agenda(env.data) else { return };
            if action == Action::DeclineRun {
                let target =
                    RunTarget { run: item.slot.run.clone(), item: None, version: None, judged: None };
                out.form(forms::for_run(FormKind::Decline, target, lang));
                return;
            }
            let Some(template) = env.site().checklist(&item.slot.template) else { return };
            let command = template.start(&item.slot);
            out.effect(Effect::Run { run: item.slot.run.clone(), command, expected_version: None });
            self.open(item.slot.run.clone());
            return;
        }
        let Some(run) = self.open_run(env.data) else {
            out.refuse(ui::START_FIRST.get(lang));
            return;
        };
        let Some(item) = run.items.get(self.item.at(run.items.len())) else { return };
        let target = RunTarget {
            run: run.id.clone(),
            item: Some(item.id.clone()),
            version: Some(run.version),
            judged: item.check.as_deref().map(|check| crate::agenda::judged(check, &env.data.checks)),
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
                out.refuse(domain_error(&DomainError::Run(refusal), lang));
                return;
            }
            let mut form = forms::for_run(kind, target, lang);
            if let (FormKind::Decide, Some((paused, _))) = (kind, &run.paused) {
                // The lead decides on the critical item, whichever item is selected.
                if let crate::tui::form::Target::Run(target) = &mut form.target {
                    target.item = Some(paused.clone());
                }
                form.title = format!(
                    "{} — «{}» ({} / {paused})",
                    ui::FORM_DECIDE.get(lang),
                    crate::text::visible(run.item_title(paused), false),
                    run.id
                );
            }
            out.form(form);
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
                        &env.data.checks,
                        env.site().tz,
                        lang,
                    ));
                }
                let host = item.check.as_deref().and_then(|c| c.split('/').next());
                out.form(forms::incident_from_item(&title, description.trim(), host, lang));
                return;
            }
            _ => return,
        };
        out.effect(Effect::Run { run: run.id.clone(), command, expected_version: Some(run.version) });
    }
}

fn state_style(state: RunState, theme: &Theme) -> Style {
    match state {
        RunState::Upcoming | RunState::Declined => theme.pending,
        RunState::Due => theme.due_soon,
        RunState::InProgress => theme.running,
        RunState::Paused => theme.paused,
        RunState::Overdue | RunState::Missed => theme.breached,
        RunState::Done => theme.met,
        RunState::DoneLate => theme.met_late,
    }
}

fn result_style(result: Option<ItemResult>, theme: &Theme) -> Style {
    match result {
        Some(ItemResult::Normal) => theme.met,
        Some(ItemResult::Warning) => theme.due_soon,
        Some(ItemResult::Critical) => theme.breached,
        None => theme.pending,
    }
}

impl Inspections {
    pub fn draw(&self, frame: &mut Frame<'_>, area: Rect, env: &Env<'_>) {
        match self.open_run(env.data) {
            Some(run) => draw_run(frame, area, env, run, self.item),
            None => draw_agenda(frame, area, env, self.agenda),
        }
    }
}

fn block<'a>(title: String, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(format!(" {title} "), theme.title))
}

fn draw_agenda(frame: &mut Frame<'_>, area: Rect, env: &Env<'_>, cursor: Cursor) {
    let lang = env.lang();
    let theme = env.theme();
    let tz = env.ctx.site.tz;
    if env.data.agenda.is_empty() {
        frame.render_widget(
            Paragraph::new(ui::NO_INSPECTIONS.get(lang))
                .style(theme.muted)
                .wrap(Wrap { trim: true })
                .block(block(ui::INSPECTIONS.get(lang).into(), theme)),
            area,
        );
        return;
    }
    let selected = cursor.at(env.data.agenda.len());
    let state_width = env
        .data
        .agenda
        .iter()
        .map(|a| crate::text::width(&run_state_text(a.state, a.run.as_ref(), lang)) as u16 + 2)
        .max()
        .unwrap_or(12)
        .clamp(12, 30);
    let rows: Vec<Row<'_>> = env
        .data
        .agenda
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let (symbol, word) =
                (run_symbol(item.state), run_state_text(item.state, item.run.as_ref(), lang));
            let left = match item.state {
                RunState::Due | RunState::InProgress | RunState::Paused | RunState::Overdue => {
                    hms(item.slot.deadline_at - env.now)
                }
                RunState::Upcoming => format!("+{}", hms(item.slot.due_at - env.now)),
                _ => String::new(),
            };
            let progress =
                item.run.as_ref().map_or(String::new(), |r| format!("{}/{}", r.marks.len(), r.items.len()));
            let row = Row::new(vec![
                Cell::from(format!(
                    "{}{}",
                    if index == selected { "▶ " } else { "  " },
                    item.slot.due_at.with_timezone(&tz).format("%m-%d %H:%M")
                )),
                Cell::from(Span::styled(format!("{symbol} {word}"), state_style(item.state, theme))),
                Cell::from(item.slot.deadline_at.with_timezone(&tz).format("%H:%M").to_string()),
                Cell::from(left),
                Cell::from(progress),
                Cell::from(visible(&item.name, false).into_owned()),
            ]);
            if index == selected { row.style(theme.selected) } else { row }
        })
        .collect();
    let header = Row::new(vec![
        lang.pick("应检时间", "Due"),
        lang.pick("状态", "State"),
        lang.pick("期限", "By"),
        lang.pick("剩余", "Left"),
        lang.pick("进度", "Done"),
        lang.pick("巡检", "Inspection"),
    ])
    .style(theme.header);
    let table = Table::new(
        rows,
        [
            Constraint::Length(14),
            Constraint::Length(state_width),
            Constraint::Length(6),
            Constraint::Length(10),
            Constraint::Length(6),
            Constraint::Min(10),
        ],
    )
    .header(header)
    .block(block(ui::INSPECTIONS.get(lang).into(), theme));
    frame.render_widget(table, area);
}

fn draw_run(frame: &mut Frame<'_>, area: Rect, env: &Env<'_>, run: &Run, cursor: Cursor) {
    let lang = env.lang();
    let theme = env.theme();
    let tz = env.ctx.site.tz;
    let [status_area, body] = Layout::vertical([Constraint::Length(3), Constraint::Min(4)]).areas(area);
    let mut status = vec![Span::raw(format!(
        "{} {}  {} {}",
        lang.pick("期限", "by"),
        local_time(run.deadline_at, tz),
        lang.pick("剩余", "left"),
        hms(run.deadline_at - env.now)
    ))];
    if let Some((item, since)) = &run.paused {
        // The lead's hour counts down, and the item it is about is named.
        let left = *since + Duration::minutes(crate::agenda::LEAD_DECISION_MINUTES) - env.now;
        let style = if left < Duration::zero() { theme.breached } else { theme.paused };
        status.push(Span::styled(
            format!(
                "   ‖ {} {} «{}» {}",
                ui::LEAD_DECIDES_IN.get(lang),
                hms(left),
                visible(run.item_title(item), false),
                ui::PAUSED_FOR_LEAD.get(lang)
            ),
            style,
        ));
    } else if let Some(due) = run.notice_due() {
        let left = due - env.now;
        let style = if left < Duration::zero() { theme.breached } else { theme.due_soon };
        status.push(Span::styled(
            format!("   ! {} ({} {})", ui::NOTIFY_NOW.get(lang), ui::NOTICE_LEFT.get(lang), hms(left)),
            style,
        ));
    }
    if let Some((by, at)) = &run.signed {
        status.push(Span::styled(
            format!("   √ {} {by} {}", lang.pick("已签字", "signed by"), local_time(*at, tz)),
            theme.met,
        ));
    }
    frame.render_widget(
        Paragraph::new(Line::from(status))
            .block(block(format!("{} {}", visible(&run.name, false), run.id), theme)),
        status_area,
    );

    let [items_area, pane_area] =
        Layout::horizontal([Constraint::Percentage(40), Constraint::Percentage(60)]).areas(body);
    let selected = cursor.at(run.items.len());
    let lines: Vec<Line<'_>> = run
        .items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let mark = run.marks.get(&item.id);
            let symbol = mark.map_or("·", |m| m.result.mark());
            let line = Line::from(vec![
                Span::raw(if index == selected { "▶ " } else { "  " }),
                Span::styled(format!("{symbol} "), result_style(mark.map(|m| m.result), theme)),
                Span::raw(visible(&item.title, false).into_owned()),
            ]);
            if index == selected { line.style(theme.selected) } else { line }
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines).block(block(lang.pick("检查项", "Items").into(), theme)),
        items_area,
    );

    let Some(item) = run.items.get(selected) else { return };
    let mut pane = vec![Line::from(Span::styled(ui::STEPS.get(lang), theme.header))];
    for (n, step) in item.steps.iter().enumerate() {
        pane.push(Line::raw(format!("{}. {}", n + 1, visible(step, false))));
    }
    if let Some(check) = &item.check {
        pane.push(Line::raw(""));
        pane.push(Line::from(Span::styled(ui::EVIDENCE.get(lang), theme.header)));
        pane.push(Line::raw(
            visible(&crate::agenda::evidence_of(check, &env.data.checks, tz, lang), false).into_owned(),
        ));
    }
    pane.push(Line::raw(""));
    pane.push(Line::from(Span::styled(lang.pick("结果", "Result"), theme.header)));
    match run.marks.get(&item.id) {
        None => pane.push(Line::from(Span::styled(ui::NOT_MARKED.get(lang), theme.pending))),
        Some(mark) => {
            pane.push(Line::from(vec![
                Span::styled(
                    format!("{} {}", mark.result.mark(), mark.result.label(lang)),
                    result_style(Some(mark.result), theme),
                ),
                Span::raw(format!("  {} {}", mark.by, local_time(mark.at, tz))),
            ]));
            if !mark.note.is_empty() {
                pane.push(Line::raw(visible(&mark.note, false).into_owned()));
            }
            if let Some(at) = mark.notified_at {
                let told =
                    format!("{} {}", lang.pick("已通知负责人", "owner and lead told at"), local_time(at, tz));
                pane.push(if mark.notice_late() {
                    Line::from(Span::styled(
                        format!("{told} ▲ {}", ui::NOTICE_LATE.get(lang)),
                        theme.met_late,
                    ))
                } else {
                    Line::raw(told)
                });
            }
        }
    }
    for transfer in run.transfers.iter().filter(|t| t.item == item.id) {
        pane.push(Line::raw(format!(
            "{} {} {}: {}",
            lang.pick("人工交换", "manual transfer"),
            transfer.by,
            local_time(transfer.at, tz),
            visible(&transfer.note, false)
        )));
    }
    for decision in run.decisions.iter().filter(|d| d.item == item.id) {
        let verdict = if decision.go_on { ui::GO_ON.get(lang) } else { ui::STOP.get(lang) };
        pane.push(Line::raw(format!(
            "{} {} {}: {verdict} {}",
            lang.pick("负责人", "lead"),
            decision.by,
            local_time(decision.at, tz),
            visible(&decision.note, false)
        )));
    }
    frame.render_widget(
        Paragraph::new(pane)
            .wrap(Wrap { trim: false })
            .block(block(visible(&item.title, false).into_owned(), theme)),
        pane_area,
    );
}
