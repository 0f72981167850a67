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
use crate::tui::view::Env;
use crate::tui::widgets::countdown::hms;

/// The loudest alarm as one line, and whether it is a breach: for the banner and the
/// desktop notification.
pub fn describe(app: &App) -> Option<(String, bool)> {
    let alarm = app.alarms.first()?;
    let lang = app.lang();
    let mut text = alarm_line(alarm, &app.env())?;
    if app.alarms.len() > 1 {
        text.push_str(&format!("  (+{} {})", app.alarms.len() - 1, ui::BANNER_MORE.get(lang)));
    }
    Some((text, alarm.key.level == AlarmLevel::Breached))
}

/// One alarm as a line: its state, what it is about and the time left (for the banner
/// and the alarm list). None when what it is about is no longer in the data.
pub fn alarm_line(alarm: &crate::domain::alarm::Raised, env: &Env<'_>) -> Option<String> {
    let first = &alarm.key;
    let lang = env.lang();
    let text = match first.clock {
        ClockName::Inspection | ClockName::LeadDecision | ClockName::Notice | ClockName::Missed => {
            let item = env.data.agenda.iter().find(|a| a.slot.run == first.incident.0)?;
            let (symbol, word) = match (first.level, first.clock, item.state) {
                (_, ClockName::Missed, _) => ("▲", item.state.label(lang)),
                (AlarmLevel::Breached, ..) => ("▲", ClockState::Breached.label(lang)),
                (AlarmLevel::DueSoon, ..) => ("!", ClockState::DueSoon.label(lang)),
            };
            let left = hms(alarm.due - env.now);
            // A missed one says so once: its state is its clock.
            let clock = if first.clock == ClockName::Missed {
                String::new()
            } else {
                format!(" {}", first.clock.label(lang))
            };
            format!("{symbol} {word}: {}{clock} {left}", crate::text::visible(&item.name, false))
        }
        ClockName::ChangeRecord => {
            let change = env.data.changes.iter().find(|c| c.id == first.incident.0)?;
            let (symbol, word) = match first.level {
                AlarmLevel::Breached => ("▲", ClockState::Breached.label(lang)),
                AlarmLevel::DueSoon => ("!", ClockState::DueSoon.label(lang)),
            };
            let left = hms(alarm.due - env.now);
            let what = crate::text::visible(&change.request.what, false);
            format!("{symbol} {word}: {} {} {what} {left}", change.id, first.clock.label(lang))
        }
        ClockName::PlanStep => {
            // `INC-…#N`: step N of the plan running on the incident.
            let (id, step) = first.incident.0.rsplit_once('#')?;
            let row = env.data.row(&crate::domain::IncidentId(id.to_string()))?;
            let run = row.incident.plans.last()?;
            let title = &run.steps.get(step.parse::<usize>().ok()?.checked_sub(1)?)?.step.title;
            let (symbol, word) = match first.level {
                AlarmLevel::Breached => ("▲", ClockState::Breached.label(lang)),
                AlarmLevel::DueSoon => ("!", ClockState::DueSoon.label(lang)),
            };
            let left = hms(alarm.due - env.now);
            let title = crate::text::visible(title, false);
            format!("{symbol} {word}: {id} {} {step} {title} {left}", first.clock.label(lang))
        }
        _ => {
            // The loudest alarm's clock, evaluated now so its countdown moves.
            let row = env.data.row(&first.incident)?;
            let clocks = clocks(&row.incident, &env.site().policy, env.now);
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
    Some(text)
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

/// The worst of what is wrong behind the screen, as one line, and whether it is
/// severe: the store gone, the record broken, the store slow, the engine unable to
/// write, a site edit not taken.
pub fn trouble(app: &App) -> Option<(String, bool)> {
    let lang = app.lang();
    let tz = app.ctx.site.tz;
    let at = |t: chrono::DateTime<chrono::Utc>| t.with_timezone(&tz).format("%H:%M:%S").to_string();
    let ago = |t: chrono::DateTime<chrono::Utc>| crate::tui::widgets::countdown::hms(app.now - t);
    let trouble = &app.trouble;
    if let Some((since, error)) = &trouble.store_down {
        return Some((
            format!(
                "⚠ {} {} ({}) — {} — {}",
                ui::STORE_DOWN.get(lang),
                at(*since),
                ago(*since),
                crate::text::visible(error, false),
                ui::STORE_DOWN_HINT.get(lang)
            ),
            true,
        ));
    }
    if let Some(broken) = &trouble.record_broken {
        return Some((format!("⚠ {}", crate::text::visible(broken, false)), true));
    }
    if let Some(since) = trouble.store_slow_since {
        return Some((
            format!(
                "⌛ {} {} ({}) — {}",
                ui::STORE_SLOW.get(lang),
                at(since),
                ago(since),
                ui::STORE_SLOW_HINT.get(lang)
            ),
            false,
        ));
    }
    if let Some(health) = &trouble.engine {
        if let (crate::engine::health::EngineState::StoreDown, Some(since)) =
            (health.state, health.store_down_since)
        {
            return Some((
                format!(
                    "⚠ {} {} ({}) — {} {}",
                    ui::ENGINE_STORE_DOWN.get(lang),
                    at(since),
                    ago(since),
                    health.buffered,
                    ui::ENGINE_BUFFERED.get(lang)
                ),
                true,
            ));
        }
        if let Some(restarted) = health.restarted_at.filter(|t| app.now - *t < chrono::Duration::minutes(10))
        {
            return Some((format!("⚠ {} {}", ui::ENGINE_RESTARTED.get(lang), at(restarted)), true));
        }
    }
    if let Some(problems) = &trouble.site_problems {
        let first = problems.0.first().map(|p| p.to_string()).unwrap_or_default();
        return Some((
            format!("⚠ {}: {}", ui::SITE_EDIT_REFUSED.get(lang), crate::text::visible(&first, false)),
            true,
        ));
    }
    None
}
