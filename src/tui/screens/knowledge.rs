//! The knowledge tab (知识库): `/` searches the knowledge base as one types (Chinese or
//! English, any part of a word), the results newest first with the text around the
//! words found, `Enter` the whole entry.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::domain::knowledge::{Entry, Origin, excerpt, terms};
use crate::i18n::{local_time, ui};
use crate::text::visible;
use crate::tui::action::Action;
use crate::tui::cursor::Cursor;
use crate::tui::view::{Env, Out};

/// What the tab holds: the query last asked, its results, the entry in focus.
#[derive(Debug, Default)]
pub struct Knowledge {
    pub query: String,
    /// None until an answer for the query came.
    pub results: Option<Vec<Entry>>,
    pub cursor: Cursor,
    pub open: bool,
    /// A search that could not be made, and why.
    pub error: Option<String>,
}

impl Knowledge {
    /// The worker's answer for `query` (an answer for an older query is dropped).
    pub fn answered(&mut self, query: &str, result: Result<Vec<Entry>, String>) {
        if query != self.query {
            return;
        }
        match result {
            Ok(found) => (self.results, self.error) = (Some(found), None),
            Err(error) => self.error = Some(error),
        }
    }

    /// A new query typed: its results are asked for.
    pub fn ask(&mut self, query: String, out: &mut Out) {
        if query == self.query {
            return;
        }
        self.query = query.clone();
        self.cursor = Cursor::default();
        self.open = false;
        if query.trim().is_empty() {
            self.results = None;
        } else {
            out.effect(crate::tui::effect::Effect::SearchKnowledge(query));
        }
    }

    pub fn on_action(&mut self, action: Action, _env: &Env<'_>, _out: &mut Out) -> bool {
        let count = self.results.as_ref().map_or(0, Vec::len);
        match action {
            Action::Move(movement) => self.cursor.go(movement, count),
            Action::Open if count > 0 => self.open = true,
            Action::Back | Action::ClearFilter | Action::FocusLeft if self.open => self.open = false,
            Action::ClearFilter => {
                (self.query, self.results, self.error) = (String::new(), None, None);
            }
            _ => return false,
        }
        true
    }
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, tab: &Knowledge, env: &Env<'_>) {
    let lang = env.lang();
    let theme = env.theme();
    let tz = env.ctx.site.tz;
    let block = |title: String| {
        Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border)
            .title(Span::styled(title, theme.title))
    };
    let keys = env.ctx.keymap.keys_for(crate::tui::keymap::Section::List, Action::Filter);
    let key = keys.first().map(String::as_str).unwrap_or("/");
    let Some(found) = tab.results.as_ref() else {
        let hint = match &tab.error {
            Some(error) => Line::styled(visible(error, false).into_owned(), theme.breached),
            None => Line::styled(format!("{key} {}", ui::KB_HINT.get(lang)), theme.muted),
        };
        frame.render_widget(
            Paragraph::new(hint).block(block(format!(" {} ", ui::TAB_KNOWLEDGE.get(lang)))),
            area,
        );
        return;
    };
    let title =
        format!(" {} “{}” ({}) ", ui::TAB_KNOWLEDGE.get(lang), visible(&tab.query, false), found.len());
    if found.is_empty() {
        frame.render_widget(
            Paragraph::new(ui::KB_NOTHING.get(lang)).style(theme.muted).block(block(title)),
            area,
        );
        return;
    }
    let selected = tab.cursor.at(found.len());
    let terms = terms(&tab.query);
    if tab.open {
        let entry = &found[selected];
        let from = match &entry.origin {
            Origin::Incident { incident } => format!("{} {incident}", ui::KB_FROM_INCIDENT.get(lang)),
            Origin::Written => ui::KB_WRITTEN.get(lang).to_string(),
        };
        let mut lines = vec![
            Line::styled(visible(&entry.title, false).into_owned(), theme.title),
            Line::styled(
                format!("{from} · {} {}", visible(&entry.by, false), local_time(entry.updated_at, tz)),
                theme.muted,
            ),
            Line::raw(""),
        ];
        lines.extend(entry.body.lines().map(|l| Line::raw(visible(l, false).into_owned())));
        frame.render_widget(
            Paragraph::new(lines).wrap(Wrap { trim: false }).block(block(format!(" {} ", entry.id))),
            area,
        );
        return;
    }
    let [list_area] = Layout::vertical([Constraint::Min(3)]).areas(area);
    let per_entry = 2usize;
    let rows = (list_area.height.saturating_sub(2) as usize / per_entry).max(1);
    let offset = (selected + 1).saturating_sub(rows);
    let mut lines = Vec::new();
    for (i, entry) in found.iter().enumerate().skip(offset).take(rows) {
        let marker = if i == selected { "▶ " } else { "  " };
        let head = format!(
            "{marker}{} {} {}",
            entry.id,
            entry.updated_at.with_timezone(&tz).format("%Y-%m-%d"),
            visible(&entry.title, false)
        );
        lines.push(if i == selected { Line::styled(head, theme.selected) } else { Line::raw(head) });
        lines.push(Line::styled(format!("    {}", visible(&excerpt(entry, &terms, 80), false)), theme.muted));
    }
    frame.render_widget(Paragraph::new(lines).block(block(title)), list_area);
}
