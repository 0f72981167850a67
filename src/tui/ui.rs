//! The frame: tabs on top, the alarm banner, the screen, key hints or the input line,
//! and the status line. Drawing only.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::action::Action;
use super::app::{App, Mode, Tab};
use super::keymap::Section;
use super::popups;
use super::screens;
use super::widgets::{banner, status_line};
use crate::i18n::ui;

/// The reminder line under the banner — what is wrong behind the screen, else the
/// handover — and whether it is severe.
fn reminder(app: &App) -> Option<(String, bool)> {
    banner::trouble(app).or_else(|| banner::handover_reminder(app).map(|text| (text, false)))
}

/// The frame's rows, top to bottom: tabs, banner, reminder, body, footer, status line.
fn rows(app: &App, area: Rect, reminder: bool) -> [Rect; 6] {
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(u16::from(!app.alarms.is_empty())),
        Constraint::Length(u16::from(reminder)),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area)
}

/// The rows of the screen's body on a terminal of this size.
pub fn body_rows(app: &App, (columns, rows_high): (u16, u16)) -> u16 {
    rows(app, Rect::new(0, 0, columns, rows_high), reminder(app).is_some())[3].height
}

pub fn draw(frame: &mut Frame<'_>, app: &App) {
    // Locked, nothing of the centre shows but how many alarms wait.
    if app.lock.shown {
        return app.lock.draw(frame, &app.ctx, app.now, app.alarms.len());
    }
    let area = frame.area();
    // The theme's base under everything — unless it is the terminal's own colours,
    // which every cell has already (ten thousand cells a frame at 200×50).
    let base = app.ctx.theme.base;
    if base != ratatui::style::Style::default()
        && base != ratatui::style::Style::default().fg(ratatui::style::Color::Reset)
    {
        frame.render_widget(Paragraph::new("").style(base), area);
    }
    let reminder = reminder(app);
    let [tabs_area, banner_area, reminder_area, body, footer, status] = rows(app, area, reminder.is_some());
    draw_tabs(frame, tabs_area, app);
    banner::draw(frame, banner_area, app);
    if let Some((text, severe)) = reminder {
        let style = if severe { app.ctx.theme.banner_breached } else { app.ctx.theme.banner_due_soon };
        frame.render_widget(Paragraph::new(text).style(style), reminder_area);
    }
    let env = app.env();
    match app.tab {
        Tab::Overview => screens::overview::draw(frame, body, &app.overview, &env),
        Tab::Incidents if app.queue.detail.is_some() => {
            screens::incident_detail::draw(frame, body, &app.queue, &env)
        }
        Tab::Incidents => app.queue.draw(frame, body, &env),
        Tab::Inspections => app.inspections.draw(frame, body, &env),
        Tab::Actions => screens::actions::draw(frame, body, &app.actions, &env),
        Tab::DutyLog => screens::duty_log::draw(frame, body, &app.duty, &env),
        Tab::Knowledge => screens::knowledge::draw(frame, body, &app.knowledge, &env),
    }
    draw_footer(frame, footer, app);
    status_line::draw(frame, status, app);
    match &app.mode {
        Mode::Help(help) => popups::help::draw(frame, body, &env, help),
        Mode::Alarms(list) => list.draw(frame, body, &app.alarms, &env),
        Mode::Form(form) => popups::form::draw(frame, body, &env, form),
        _ => {}
    }
}

fn draw_tabs(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let theme = &app.ctx.theme;
    let mut spans = Vec::new();
    for (index, tab) in Tab::ALL.iter().enumerate() {
        let active = *tab == app.tab;
        let text = format!(" {} {} ", index + 1, tab.title(app.lang()));
        spans.push(Span::styled(
            if active { format!("[{}]", text.trim()) } else { text },
            if active { theme.tab_active } else { theme.tab },
        ));
        spans.push(Span::raw(" "));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Key hints for the current screen, from the live keymap.
fn draw_footer(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let theme = &app.ctx.theme;
    let lang = app.lang();
    let input = match &app.mode {
        Mode::Filter(input) => Some((format!("/{} ", ui::FILTER.get(lang)), input)),
        Mode::Search(input) => Some((format!("/{} ", ui::KB_SEARCH.get(lang)), input)),
        Mode::Command(input) => Some((":".to_string(), input)),
        _ => None,
    };
    if let Some((prompt, input)) = input {
        let [prompt_area, input_area] =
            Layout::horizontal([Constraint::Length(crate::text::width(&prompt) as u16), Constraint::Min(1)])
                .areas(area);
        frame.render_widget(Paragraph::new(Span::styled(prompt, theme.key_hint)), prompt_area);
        frame.render_widget(input, input_area);
        return;
    }
    if let Some(message) = &app.message {
        let style = if message.error { theme.message_error } else { theme.message_ok };
        let mark = if message.error { "× " } else { "√ " };
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!("{mark}{}", crate::text::visible(&message.text, false)),
                style,
            )),
            area,
        );
        return;
    }
    let section = app.section();
    let actions: &[Action] = match section {
        Section::Actions => &[
            Action::FocusLeft,
            Action::FocusRight,
            Action::RunAction,
            Action::CancelRun,
            Action::ConfirmSecond,
            Action::Help,
            Action::Quit,
        ],
        Section::Inspection => &[
            Action::Open,
            Action::StartRun,
            Action::MarkItem,
            Action::Notified,
            Action::Decide,
            Action::SignRun,
            Action::Back,
            Action::Help,
        ],
        Section::Duty => &[
            Action::LogEnvironment,
            Action::LogPower,
            Action::LogEquipment,
            Action::LogVisitor,
            Action::LogRequest,
            Action::LogNote,
            Action::Handover,
            Action::Statistics,
            Action::ChangeRoster,
            Action::Help,
        ],
        Section::Handover => &[
            Action::AckItem,
            Action::NoteItem,
            Action::PassIncident,
            Action::FinishStep,
            Action::SignHandover,
            Action::Back,
            Action::Help,
        ],
        Section::Detail => &[
            Action::Back,
            Action::ReportSecurity,
            Action::Acknowledge,
            Action::OnSite,
            Action::Note,
            Action::Correct,
            Action::Pause,
            Action::Resume,
            Action::Resolve,
            Action::Report,
            Action::Close,
            Action::Help,
        ],
        _ => &[
            Action::Open,
            Action::Acknowledge,
            Action::ReportSecurity,
            Action::Note,
            Action::NewIncident,
            Action::Filter,
            Action::Help,
            Action::Quit,
        ],
    };
    let hints: Vec<(String, String)> = actions
        .iter()
        .filter(|a| app.offers(**a))
        .filter_map(|a| {
            let key = app.ctx.keymap.keys_for(section, *a).first()?.clone();
            Some((key, format!(" {}  ", a.describe(lang))))
        })
        .collect();
    // What does not fit collapses behind the help key, which always shows.
    let help = app.ctx.keymap.keys_for(section, Action::Help).first().cloned();
    let more = help.as_ref().map(|key| (key.clone(), format!(" {}", ui::MORE_KEYS.get(lang))));
    let width = |(key, text): &(String, String)| crate::text::width(key) + crate::text::width(text);
    let fits = hints.iter().map(width).sum::<usize>() <= area.width as usize;
    let room = if fits {
        area.width as usize
    } else {
        (area.width as usize).saturating_sub(more.as_ref().map_or(0, width))
    };
    let mut used = 0;
    let mut shown: Vec<&(String, String)> = hints
        .iter()
        .take_while(|h| {
            used += width(h);
            used <= room
        })
        .collect();
    if !fits {
        shown.extend(more.iter());
    }
    let spans: Vec<Span<'_>> = shown
        .into_iter()
        .flat_map(|(key, text)| {
            [Span::styled(key.clone(), theme.key_hint), Span::styled(text.clone(), theme.muted)]
        })
        .collect();
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
