//! The alarm banner: stays on every console until someone acknowledges the alarm.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::domain::alarm::AlarmKey;
use crate::domain::alarm::AlarmLevel;
use crate::domain::sla::clocks;
use crate::i18n::{Label, ui};
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::widgets::countdown::hms;

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App, alarms: &[AlarmKey]) {
    let Some(first) = alarms.first() else { return };
    // The loudest alarm's clock, evaluated now so its countdown moves.
    let Some(row) = app.data.row(&first.incident) else { return };
    let clocks = clocks(&row.incident, &app.ctx.site.policy, app.now);
    let Some(clock) = clocks.iter().find(|c| c.name == first.clock) else { return };
    let lang = app.lang();
    let theme = &app.ctx.theme;
    let style =
        if first.level == AlarmLevel::Breached { theme.banner_breached } else { theme.banner_due_soon };
    let word = clock.state.label(lang);
    let symbol = crate::i18n::clock_symbol(clock.state);
    let left = clock.remaining.map(hms).unwrap_or_default();
    let mut text = format!(" {symbol} {word}: {} {} {left}", first.incident, clock.name.label(lang));
    if alarms.len() > 1 {
        text.push_str(&format!("  (+{} {})", alarms.len() - 1, ui::BANNER_MORE.get(lang)));
    }
    if let Some(key) = app.ctx.keymap.keys_for(app.section(), Action::AckAlarm).first() {
        text.push_str(&format!("  [{key}] {}", ui::BANNER_ACK.get(lang)));
    }
    frame.render_widget(Paragraph::new(Line::from(text)).style(style), area);
}
