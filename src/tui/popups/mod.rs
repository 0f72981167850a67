//! Windows over the screen: help, forms.

pub mod alarms;
pub mod form;
pub mod help;

use ratatui::layout::{Constraint, Flex, Layout, Rect};

/// A centred area of at most `width`×`height` inside `area`.
pub fn centred(area: Rect, width: u16, height: u16) -> Rect {
    let [row] =
        Layout::vertical([Constraint::Length(height.min(area.height))]).flex(Flex::Center).areas(area);
    let [cell] =
        Layout::horizontal([Constraint::Length(width.min(area.width))]).flex(Flex::Center).areas(row);
    cell
}
