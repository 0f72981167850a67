//! The overview: where the incident queue and the contract stand at a glance. Live
//! machine status is not built yet and says so.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::domain::State;
use crate::domain::sla::{ClockState, clocks, most_urgent};
use crate::i18n::{Label, contract_summary, ui};
use crate::text::visible;
use crate::tui::app::App;
use crate::tui::widgets::countdown;

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let lang = app.lang();
    let theme = &app.ctx.theme;
    let [summary_area, urgent_area, status_area] =
        Layout::vertical([Constraint::Length(5), Constraint::Min(4), Constraint::Length(4)]).areas(area);

    let rows = &app.data.rows;
    let count = |state: State| rows.iter().filter(|r| r.incident.state == state).count();
    let mut breached = 0;
    let mut due_soon = 0;
    for row in rows.iter().filter(|r| r.incident.state != State::Closed) {
        for clock in clocks(&row.incident, &app.ctx.site.policy, app.now) {
            match clock.state {
                ClockState::Breached => breached += 1,
                ClockState::DueSoon => due_soon += 1,
                _ => {}
            }
        }
    }
    let states = [State::Open, State::Acknowledged, State::OnSite, State::Resolved, State::Reported];
    let by_state: Vec<String> = states.iter().map(|s| format!("{} {}", s.label(lang), count(*s))).collect();
    let summary = vec![
        Line::from(by_state.join("   ")),
        Line::from(vec![
            Span::styled(
                format!("▲ {} {breached}", lang.pick("已超时时限", "clocks breached")),
                if breached > 0 { theme.breached } else { theme.muted },
            ),
            Span::raw("   "),
            Span::styled(
                format!("! {} {due_soon}", lang.pick("即将到期", "due soon")),
                if due_soon > 0 { theme.due_soon } else { theme.muted },
            ),
        ]),
        Line::from(Span::styled(
            app.data.contract.as_ref().map(|c| contract_summary(c, lang)).unwrap_or_default(),
            theme.muted,
        )),
    ];
    let block = |title: &str| {
        Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border)
            .title(Span::styled(format!(" {title} "), theme.title))
    };
    frame.render_widget(Paragraph::new(summary).block(block(ui::QUEUE.get(lang))), summary_area);

    let urgent: Vec<Line<'_>> = rows
        .iter()
        .filter(|r| r.urgent_due.is_some())
        .take(urgent_area.height.saturating_sub(2) as usize)
        .map(|row| {
            let clocks = clocks(&row.incident, &app.ctx.site.policy, app.now);
            let mut spans = vec![Span::raw(format!("{}  ", row.incident.id))];
            if let Some(clock) = most_urgent(&clocks) {
                spans.push(countdown::span(clock, lang, theme));
                spans.push(Span::raw("  "));
            }
            spans.push(Span::raw(visible(&row.incident.title, false).into_owned()));
            Line::from(spans)
        })
        .collect();
    frame.render_widget(Paragraph::new(urgent).block(block(ui::MOST_URGENT.get(lang))), urgent_area);
    frame.render_widget(
        Paragraph::new(ui::LIVE_STATUS_NOT_BUILT.get(lang))
            .style(theme.muted)
            .wrap(Wrap { trim: true })
            .block(block(lang.pick("设备状态", "Machines"))),
        status_area,
    );
}
