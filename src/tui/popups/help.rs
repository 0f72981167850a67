//! Help, generated from the active keymap: what every bound key does, in the user's
//! language.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::centred;
use crate::i18n::ui;
use crate::text::fit;
use crate::tui::app::App;

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App, scroll: u16) {
    let lang = app.lang();
    let theme = &app.ctx.theme;
    let mut lines = Vec::new();
    let mut section = "";
    for (name, keys, action) in app.ctx.keymap.all() {
        if name != section {
            section = name;
            lines.push(Line::from(Span::styled(format!("[{name}]"), theme.header)));
        }
        lines.push(Line::from(vec![
            Span::styled(fit(&keys, 12), theme.key_hint),
            Span::raw(" "),
            Span::raw(action.describe(lang)),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::raw(ui::HELP_FORMS.get(lang)));
    lines.push(Line::raw(ui::HELP_COMMANDS.get(lang)));
    lines.push(Line::raw(format!("{}: {}", ui::FILTER.get(lang), ui::FILTER_HINT.get(lang))));
    let popup = centred(area, 76, area.height.saturating_sub(2));
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(format!(" {} ", ui::HELP_TITLE.get(lang)), theme.title));
    frame.render_widget(
        Paragraph::new(lines).block(block).wrap(Wrap { trim: false }).scroll((scroll, 0)),
        popup,
    );
}
