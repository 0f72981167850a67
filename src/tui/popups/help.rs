//! Help, generated from the active keymap and the command table: the focused screen's
//! keys first, then the keys that work everywhere, then the other screens', then the
//! `:` commands — scrollable, in the user's language.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::centred;
use crate::i18n::{Lang, ui};
use crate::text::fit;
use crate::tui::action::Action;
use crate::tui::cursor::Cursor;
use crate::tui::keymap::Section;
use crate::tui::view::Env;

/// The help popup: the screen it was opened over and how far it is scrolled.
#[derive(Debug)]
pub struct Help {
    pub focused: Section,
    pub scroll: Cursor,
}

impl Help {
    pub fn over(focused: Section) -> Help {
        Help { focused, scroll: Cursor::default() }
    }

    /// A key while help is open: movement scrolls (no further than `last`), anything
    /// else closes it. False when it closes.
    pub fn on_action(&mut self, action: Option<Action>, last: u16) -> bool {
        let Some(Action::Move(movement)) = action else { return false };
        self.scroll.go(movement, usize::from(last) + 1);
        true
    }
}

/// A section's heading in the help.
fn heading(section: Section, lang: Lang) -> &'static str {
    match section {
        Section::Global => lang.pick("所有页面", "Everywhere"),
        Section::List => lang.pick("事件队列与总览", "Incident queue and overview"),
        Section::Detail => lang.pick("事件详情", "One incident"),
        Section::Inspection => lang.pick("巡检", "Inspections"),
        Section::Actions => lang.pick("操作（SSH）", "Actions (SSH)"),
        Section::Duty => lang.pick("值班记录", "Duty log"),
        Section::Handover => lang.pick("交接班", "Shift handover"),
    }
}

/// Every line of the help for the screen in focus.
pub fn lines(env: &Env<'_>, focused: Section) -> Vec<Line<'static>> {
    let lang = env.lang();
    let theme = env.theme();
    let mut order = vec![focused, Section::Global];
    order.extend(Section::ALL.iter().map(|(s, _)| *s).filter(|s| *s != focused && *s != Section::Global));
    let mut lines = Vec::new();
    for (index, section) in order.into_iter().enumerate() {
        let bindings = env.ctx.keymap.bindings_of(section);
        if bindings.is_empty() {
            continue;
        }
        let mark = if index == 0 { "▶ " } else { "" };
        lines.push(Line::from(Span::styled(format!("{mark}{}", heading(section, lang)), theme.header)));
        for (keys, action) in bindings {
            lines.push(Line::from(vec![
                Span::styled(fit(&keys, 12), theme.key_hint),
                Span::raw(" "),
                Span::raw(action.describe(lang)),
            ]));
        }
        lines.push(Line::raw(""));
    }
    lines.push(Line::from(Span::styled(ui::HELP_COMMANDS.get(lang), theme.header)));
    for command in crate::tui::commands::COMMANDS {
        let mut name = format!(":{}", command.name);
        for alias in command.aliases {
            name.push_str(&format!(" :{alias}"));
        }
        lines.push(Line::from(vec![
            Span::styled(fit(&format!("{name} {}", command.argument.get(lang)), 36), theme.key_hint),
            Span::raw(" "),
            Span::raw(command.description.get(lang)),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::raw(ui::HELP_FORMS.get(lang)));
    lines.push(Line::raw(format!("{}: {}", ui::FILTER.get(lang), ui::FILTER_HINT.get(lang))));
    lines
}

/// The popup's width inside its borders on a terminal this wide.
fn inner_width(columns: u16) -> u16 {
    columns.min(WIDTH).saturating_sub(2).max(1)
}

/// The rows the help's lines take once wrapped to `width`.
fn wrapped_rows(lines: &[Line<'_>], width: u16) -> u16 {
    lines.iter().map(|line| (line.width() as u16).div_ceil(width).max(1)).sum()
}

/// The furthest the help scrolls in a body of this size: its last line at the bottom
/// of the popup (two rows of margin and two of border inside the body).
pub fn last_scroll(env: &Env<'_>, focused: Section, (columns, body_rows): (u16, u16)) -> u16 {
    let page = body_rows.saturating_sub(4);
    wrapped_rows(&lines(env, focused), inner_width(columns)).saturating_sub(page)
}

/// The help popup's widest.
const WIDTH: u16 = 76;

pub fn draw(frame: &mut Frame<'_>, area: Rect, env: &Env<'_>, help: &Help) {
    let lang = env.lang();
    let theme = env.theme();
    let popup = centred(area, WIDTH, area.height.saturating_sub(2));
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(format!(" {} ", ui::HELP_TITLE.get(lang)), theme.title))
        .title_bottom(Span::styled(format!(" {} ", ui::HELP_SCROLL.get(lang)), theme.muted));
    let lines = lines(env, help.focused);
    // Scrolled no further than the last page.
    let last_page = wrapped_rows(&lines, popup.width.saturating_sub(2).max(1))
        .saturating_sub(popup.height.saturating_sub(2));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((help.scroll.offset(last_page), 0)),
        popup,
    );
}
