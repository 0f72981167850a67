//! The alarm list: every alarm not yet acknowledged, most urgent first, each one
//! acknowledged on its own (`!` on the banner acknowledges only the one it shows).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::centred;
use crate::domain::alarm::{AlarmCommand, AlarmLevel, Raised};
use crate::i18n::ui;
use crate::tui::action::Action;
use crate::tui::cursor::Cursor;
use crate::tui::effect::Effect;
use crate::tui::view::{Env, Out};
use crate::tui::widgets::banner::alarm_line;

/// The popup and its selected alarm.
#[derive(Debug, Default)]
pub struct AlarmList {
    pub cursor: Cursor,
}

impl AlarmList {
    /// A key while the list is open: movement moves, acknowledging (or Enter)
    /// acknowledges the selected alarm, anything else closes it. False when it closes.
    pub fn on_action(
        &mut self,
        action: Option<Action>,
        enter: bool,
        alarms: &[Raised],
        env: &Env<'_>,
        out: &mut Out,
    ) -> bool {
        match action {
            Some(Action::Move(movement)) => self.cursor.go(movement, alarms.len()),
            _ if enter || action == Some(Action::AckAlarm) => {
                let Some(alarm) = alarms.get(self.cursor.at(alarms.len())) else { return false };
                if !out.read_only(env) {
                    out.effect(Effect::Alarm(AlarmCommand::Acknowledge(vec![alarm.key.clone()])));
                }
            }
            _ => return false,
        }
        true
    }

    pub fn draw(&self, frame: &mut Frame<'_>, area: Rect, alarms: &[Raised], env: &Env<'_>) {
        let (lang, theme) = (env.lang(), env.theme());
        let popup = centred(area, 90, (alarms.len().max(1) as u16 + 2).min(area.height));
        frame.render_widget(Clear, popup);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border)
            .title(Span::styled(format!(" {} ({}) ", ui::ALARM_LIST.get(lang), alarms.len()), theme.title))
            .title_bottom(Span::styled(format!(" {} ", ui::ALARM_LIST_KEYS.get(lang)), theme.muted));
        let selected = self.cursor.at(alarms.len());
        let rows = popup.height.saturating_sub(2) as usize;
        let first = (selected + 1).saturating_sub(rows);
        let lines: Vec<Line<'_>> = if alarms.is_empty() {
            vec![Line::styled(ui::NO_ALARMS.get(lang), theme.muted)]
        } else {
            alarms
                .iter()
                .enumerate()
                .skip(first)
                .take(rows)
                .map(|(i, alarm)| {
                    let text = alarm_line(alarm, env).unwrap_or_else(|| alarm.key.incident.0.clone());
                    let style = match (i == selected, alarm.key.level) {
                        (true, _) => theme.selected,
                        (false, AlarmLevel::Breached) => theme.breached,
                        (false, AlarmLevel::DueSoon) => theme.due_soon,
                    };
                    let pointer = if i == selected { "▶ " } else { "  " };
                    Line::styled(format!("{pointer}{}", crate::text::visible(&text, false)), style)
                })
                .collect()
        };
        frame.render_widget(Paragraph::new(lines).block(block), popup);
    }
}
