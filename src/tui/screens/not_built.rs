//! The tabs whose features are not built yet say so, and show nothing as "normal".

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::i18n::Text;
use crate::tui::app::App;

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App, title: &str, text: Text) {
    let theme = &app.ctx.theme;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(format!(" {title} "), theme.title));
    frame.render_widget(
        Paragraph::new(text.get(app.lang())).style(theme.muted).block(block).wrap(Wrap { trim: true }),
        area,
    );
}
