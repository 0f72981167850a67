//! The incident queue: most urgent first, a live countdown per row, the contract counter
//! underneath. Only the rows on screen are built, so ten thousand incidents cost the same
//! as twenty.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};

use crate::domain::sla::{clocks, most_urgent};
use crate::domain::{Incident, Severity};
use crate::i18n::{Label, contract_summary, ui};
use crate::text::visible;
use crate::tui::app::App;
use crate::tui::theme::Theme;
use crate::tui::widgets::countdown;

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

fn columns(width: u16) -> Vec<(Column, Constraint)> {
    use Column::*;
    let mut cols = vec![(Id, Constraint::Length(17))];
    if width >= 80 {
        cols.push((Severity, Constraint::Length(9)));
        cols.push((State, Constraint::Length(13)));
    }
    if width >= 120 {
        cols.push((Owner, Constraint::Length(10)));
        cols.push((Host, Constraint::Length(14)));
    }
    cols.push((Next, Constraint::Length(if width >= 80 { 22 } else { 19 })));
    cols.push((Title, Constraint::Min(8)));
    cols
}

fn header(column: Column, app: &App) -> &'static str {
    let lang = app.lang();
    match column {
        Column::Id => ui::COL_ID.get(lang),
        Column::Severity => ui::COL_SEVERITY.get(lang),
        Column::State => ui::COL_STATE.get(lang),
        Column::Owner => ui::COL_OWNER.get(lang),
        Column::Host => ui::COL_HOST.get(lang),
        Column::Next => ui::COL_NEXT_CLOCK.get(lang),
        Column::Title => ui::COL_TITLE.get(lang),
    }
}

fn cell<'a>(column: Column, incident: &'a Incident, selected: bool, app: &App) -> Cell<'a> {
    let lang = app.lang();
    let theme = &app.ctx.theme;
    match column {
        Column::Id => Cell::from(format!("{}{}", if selected { "▶ " } else { "  " }, incident.id)),
        Column::Severity => {
            Cell::from(Span::styled(incident.severity.label(lang), severity_style(incident.severity, theme)))
        }
        Column::State => Cell::from(incident.state.label(lang)),
        Column::Owner => Cell::from(visible(incident.owner.as_deref().unwrap_or("-"), false).into_owned()),
        Column::Host => Cell::from(visible(&incident.hosts.join(","), false).into_owned()),
        Column::Next => {
            let clocks = clocks(incident, &app.ctx.site.policy, app.now);
            Cell::from(most_urgent(&clocks).map(|c| countdown::span(c, lang, theme)).unwrap_or_default())
        }
        Column::Title => Cell::from(visible(&incident.title, false).into_owned()),
    }
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let lang = app.lang();
    let theme = &app.ctx.theme;
    let mut title = format!(" {} ({}) ", ui::QUEUE.get(lang), app.visible.len());
    if !app.filter.is_empty() {
        title.push_str(&format!("— {}: {} ", ui::FILTER.get(lang), visible(&app.filter, false)));
    }
    let contract =
        app.data.contract.as_ref().map(|c| format!(" {} ", contract_summary(c, lang))).unwrap_or_default();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(title, theme.title))
        .title_bottom(Line::from(Span::styled(contract, theme.muted)));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if app.visible.is_empty() {
        let text = match (app.loaded, app.data.rows.is_empty()) {
            (false, _) => ui::LOADING,
            (true, true) => ui::NO_INCIDENTS,
            (true, false) => ui::NO_MATCH,
        };
        frame.render_widget(Paragraph::new(text.get(lang)).style(theme.muted), inner);
        return;
    }
    let cols = columns(inner.width);
    let rows_on_screen = inner.height.saturating_sub(1) as usize;
    let offset = (app.selected + 1).saturating_sub(rows_on_screen);
    let rows: Vec<Row<'_>> = app
        .visible
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows_on_screen)
        .map(|(pos, &index)| {
            let incident = &app.data.rows[index].incident;
            let selected = pos == app.selected;
            let row =
                Row::new(cols.iter().map(|(c, _)| cell(*c, incident, selected, app)).collect::<Vec<_>>());
            if selected { row.style(theme.selected) } else { row }
        })
        .collect();
    let header = Row::new(cols.iter().map(|(c, _)| Cell::from(header(*c, app))).collect::<Vec<_>>())
        .style(theme.header);
    let table =
        Table::new(rows, cols.iter().map(|(_, w)| *w).collect::<Vec<_>>()).header(header).column_spacing(1);
    frame.render_widget(table, inner);
}
