//! The bottom line: site, operator, shift, local clock, store, engine, alarms.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::i18n::{Label, ui};
use crate::text::visible;
use crate::tui::app::App;

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let lang = app.lang();
    let site = &app.ctx.site;
    let operator = match &app.ctx.operator {
        Some(op) => format!(
            "{} {} ({})",
            ui::STATUS_OPERATOR.get(lang),
            visible(&op.name, false),
            op.role.label(lang)
        ),
        None => ui::STATUS_READ_ONLY.get(lang).to_string(),
    };
    let clock = app.now.with_timezone(&site.tz).format("%m-%d %H:%M:%S").to_string();
    let alarms = app.alarms.len();
    let mut alarm_text = format!("{} {alarms}", ui::STATUS_ALARMS.get(lang));
    if let Some((until, by)) = app.data.ledger.muted_at(app.now) {
        let until = until.with_timezone(&site.tz).format("%H:%M");
        alarm_text.push_str(&format!(" ({} {until}, {by})", ui::STATUS_MUTED.get(lang)));
    }
    // Most needed first: a narrow terminal cuts from the right.
    let parts = [
        clock,
        operator,
        match crate::domain::shift::current(&site.shifts, site.tz, app.now) {
            Some((shift, _, end)) => format!(
                "{} → {} ({})",
                visible(&shift.name, false),
                end.with_timezone(&site.tz).format("%H:%M"),
                crate::tui::widgets::countdown::hms(end - app.now)
            ),
            None => ui::STATUS_SHIFT.get(lang).to_string(),
        },
        alarm_text,
        match &app.data.lease {
            Some(lease) if lease.expires_at > app.now => {
                format!(
                    "{} {}",
                    ui::STATUS_ENGINE_RUNNING.get(lang),
                    crate::i18n::engine_holder(&lease.holder, lang)
                )
            }
            Some(lease) => format!(
                "{} {}",
                ui::NO_ENGINE_SINCE.get(lang),
                lease.expires_at.with_timezone(&site.tz).format("%H:%M:%S")
            ),
            None => ui::STATUS_ENGINE.get(lang).to_string(),
        },
        visible(&site.name, false).into_owned(),
        app.ctx.store_label.clone(),
    ];
    let line = Line::from(Span::raw(format!(" {}", parts.join(" │ "))));
    frame.render_widget(Paragraph::new(line).style(app.ctx.theme.status_line), area);
}
