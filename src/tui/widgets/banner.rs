//! The alarm banner: stays on every console until someone acknowledges the alarm.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::domain::alarm::AlarmLevel;
use crate::domain::sla::{ClockName, ClockState, clocks};
use crate::i18n::{Label, ui};
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::widgets::countdown::hms;

/// The loudest alarm as one line, and whether it is a breach: for the banner and the
/// desktop notification.
pub fn describe(app: &App) -> Option<(String, bool)> {
    let first = app.alarms.first()?;
    let lang = app.lang();
    let mut text = match first.clock {
        ClockName::Inspection | ClockName::LeadDecision => {
            let item = app.data.agenda.iter().find(|a| a.slot.run == first.incident.0)?;
            let (symbol, word) = match first.level {
                AlarmLevel::Breached => ("▲", ClockState::Breached.label(lang)),
                AlarmLevel::DueSoon => ("!", ClockState::DueSoon.label(lang)),
            };
            let left = hms(item.slot.deadline_at - app.now);
            format!(
                "{symbol} {word}: {} {} {left}",
                crate::text::visible(&item.name, false),
                first.clock.label(lang)
            )
        }
        _ => {
            // The loudest alarm's clock, evaluated now so its countdown moves.
            let row = app.data.row(&first.incident)?;
            let clocks = clocks(&row.incident, &app.ctx.site.policy, app.now);
            let clock = clocks.iter().find(|c| c.name == first.clock)?;
            let symbol = crate::i18n::clock_symbol(clock.state);
            let left = clock.remaining.map(hms).unwrap_or_default();
            format!(
                "{symbol} {}: {} {} {left}",
                clock.state.label(lang),
                first.incident,
                clock.name.label(lang)
            )
        }
    };
    if app.alarms.len() > 1 {
        text.push_str(&format!("  (+{} {})", app.alarms.len() - 1, ui::BANNER_MORE.get(lang)));
    }
    Some((text, first.level == AlarmLevel::Breached))
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let Some((mut text, breached)) = describe(app) else { return };
    let theme = &app.ctx.theme;
    let style = if breached { theme.banner_breached } else { theme.banner_due_soon };
    if let Some(key) = app.ctx.keymap.keys_for(app.section(), Action::AckAlarm).first() {
        text.push_str(&format!("  [{key}] {}", ui::BANNER_ACK.get(app.lang())));
    }
    frame.render_widget(Paragraph::new(Line::from(format!(" {text}"))).style(style), area);
}

/// The handover reminder, on every console from half an hour before the end of a shift
/// until both have signed.
pub fn handover_reminder(app: &App) -> Option<String> {
    let view = app.data.duty.as_ref().filter(|v| v.reminds(app.now))?;
    let lang = app.lang();
    let keys =
        |section, action| app.ctx.keymap.keys_for(section, action).first().cloned().unwrap_or_default();
    Some(format!(
        "⇄ {}: {} → {} {} ({})  [{}] {}  [{}] {}",
        crate::i18n::duty::HANDOVER_REMINDER.get(lang),
        view.outgoing.name,
        view.incoming.name,
        view.outgoing.end.with_timezone(&app.ctx.site.tz).format("%H:%M"),
        crate::i18n::duty::handover_state(view.handover.as_ref(), lang),
        keys(crate::tui::keymap::Section::Global, Action::TabDutyLog),
        Action::TabDutyLog.describe(lang),
        keys(crate::tui::keymap::Section::Duty, Action::Handover),
        Action::Handover.describe(lang),
    ))
}

/// The store is not answering: what is on screen is as of then, and it is retried.
pub fn store_down(app: &App) -> Option<String> {
    let since = app.store_down_since?;
    let at = since.with_timezone(&app.ctx.site.tz).format("%H:%M:%S");
    Some(format!(
        "⚠ {} {at} ({}) — {}",
        ui::STORE_DOWN.get(app.lang()),
        crate::tui::widgets::countdown::hms(app.now - since),
        ui::STORE_DOWN_HINT.get(app.lang())
    ))
}
