//! The Inspections tab: today's inspections with a countdown to each deadline, and a
//! run item by item — the steps on one side, the evidence and the result on the other.

use chrono::Duration;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Wrap};

use crate::domain::checklist::{ItemResult, Run, RunState};
use crate::i18n::{Label, local_time, run_state_text, run_symbol, ui};
use crate::text::visible;
use crate::tui::app::App;
use crate::tui::theme::Theme;
use crate::tui::widgets::countdown::hms;

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

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    match app.open_run() {
        Some(run) => draw_run(frame, area, app, run),
        None => draw_agenda(frame, area, app),
    }
}

fn block<'a>(title: String, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(format!(" {title} "), theme.title))
}

fn draw_agenda(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let lang = app.lang();
    let theme = &app.ctx.theme;
    let tz = app.ctx.site.tz;
    if app.data.agenda.is_empty() {
        frame.render_widget(
            Paragraph::new(ui::NO_INSPECTIONS.get(lang))
                .style(theme.muted)
                .wrap(Wrap { trim: true })
                .block(block(ui::INSPECTIONS.get(lang).into(), theme)),
            area,
        );
        return;
    }
    let selected = app.agenda_selected.min(app.data.agenda.len() - 1);
    let state_width = app
        .data
        .agenda
        .iter()
        .map(|a| crate::text::width(&run_state_text(a.state, a.run.as_ref(), lang)) as u16 + 2)
        .max()
        .unwrap_or(12)
        .clamp(12, 30);
    let rows: Vec<Row<'_>> = app
        .data
        .agenda
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let (symbol, word) =
                (run_symbol(item.state), run_state_text(item.state, item.run.as_ref(), lang));
            let left = match item.state {
                RunState::Due | RunState::InProgress | RunState::Paused | RunState::Overdue => {
                    hms(item.slot.deadline_at - app.now)
                }
                RunState::Upcoming => format!("+{}", hms(item.slot.due_at - app.now)),
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

fn draw_run(frame: &mut Frame<'_>, area: Rect, app: &App, run: &Run) {
    let lang = app.lang();
    let theme = &app.ctx.theme;
    let tz = app.ctx.site.tz;
    let [status_area, body] = Layout::vertical([Constraint::Length(3), Constraint::Min(4)]).areas(area);
    let mut status = vec![Span::raw(format!(
        "{} {}  {} {}",
        lang.pick("期限", "by"),
        local_time(run.deadline_at, tz),
        lang.pick("剩余", "left"),
        hms(run.deadline_at - app.now)
    ))];
    if let Some((item, since)) = &run.paused {
        // The lead's hour counts down, and the item it is about is named.
        let left = *since + Duration::minutes(crate::agenda::LEAD_DECISION_MINUTES) - app.now;
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
        let left = due - app.now;
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
    let selected = app.item_selected.min(run.items.len().saturating_sub(1));
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
            visible(&crate::agenda::evidence_of(check, &app.data.checks, tz, lang), false).into_owned(),
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
