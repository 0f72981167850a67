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
use crate::i18n::{ShortLabel, contract_summary, ui};
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

fn header(column: Column, short: bool, app: &App) -> &'static str {
    let lang = app.lang();
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
    app: &App,
) -> Cell<'a> {
    let lang = app.lang();
    let theme = &app.ctx.theme;
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
    let short = inner.width < FULL_LABELS;
    let rows_on_screen = inner.height.saturating_sub(1) as usize;
    let offset = (app.selected + 1).saturating_sub(rows_on_screen);
    let on_screen: Vec<(usize, &Incident, Option<Span<'static>>)> = app
        .visible
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows_on_screen)
        .map(|(pos, &index)| {
            let incident = &*app.data.rows[index].incident;
            let clocks = clocks(incident, &app.ctx.site.policy, app.now);
            let next = most_urgent(&clocks).map(|c| countdown::span(c, lang, theme, short));
            (pos, incident, next)
        })
        .collect();
    let lang_width =
        |texts: &mut dyn Iterator<Item = &str>| texts.map(crate::text::width).max().unwrap_or(0) as u16;
    let widths = Widths {
        severity: lang_width(&mut on_screen.iter().map(|(_, i, _)| i.severity.fitted(lang, short))).max(3),
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
            let selected = *pos == app.selected;
            let cells: Vec<Cell<'_>> =
                cols.iter().map(|(c, _)| cell(*c, incident, next, selected, short, app)).collect();
            let row = Row::new(cells);
            if selected { row.style(theme.selected) } else { row }
        })
        .collect();
    let header = Row::new(cols.iter().map(|(c, _)| Cell::from(header(*c, short, app))).collect::<Vec<_>>())
        .style(theme.header);
    let table =
        Table::new(rows, cols.iter().map(|(_, w)| *w).collect::<Vec<_>>()).header(header).column_spacing(1);
    frame.render_widget(table, inner);
}
