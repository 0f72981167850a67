//! A clock as one short span: symbol, name and time left, styled by state. The symbol
//! and sign carry the state without colour (`▲ 响应 -0:12:34`).

use chrono::Duration;
use ratatui::style::Style;
use ratatui::text::Span;

use crate::domain::sla::{Clock, ClockState};
use crate::i18n::{Lang, ShortLabel, clock_symbol};
use crate::tui::theme::Theme;

/// `H:MM:SS`, with a minus once past due.
pub fn hms(d: Duration) -> String {
    let sign = if d < Duration::zero() { "-" } else { "" };
    let s = d.num_seconds().unsigned_abs();
    format!("{sign}{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

pub fn style_of(state: ClockState, theme: &Theme) -> Style {
    match state {
        ClockState::Pending => theme.pending,
        ClockState::Running => theme.running,
        ClockState::DueSoon => theme.due_soon,
        ClockState::Paused => theme.paused,
        ClockState::Breached => theme.breached,
        ClockState::Met => theme.met,
        ClockState::MetLate => theme.met_late,
    }
}

/// The clock as the queue shows it; `short` names it briefly, for narrow screens.
pub fn span(clock: &Clock, lang: Lang, theme: &Theme, short: bool) -> Span<'static> {
    let left = clock.remaining.map(hms).unwrap_or_default();
    let name = clock.name.fitted(lang, short);
    Span::styled(format!("{} {name} {left}", clock_symbol(clock.state)), style_of(clock.state, theme))
}
