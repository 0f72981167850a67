//! Draws a form: a label and an input per field, the focused one marked, errors inline.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::centred;
use crate::i18n::ui;
use crate::text::{fit, visible};
use crate::tui::form::{Form, Input};
use crate::tui::view::Env;

pub fn draw(frame: &mut Frame<'_>, area: Rect, env: &Env<'_>, form: &Form) {
    let lang = env.lang();
    let theme = env.theme();
    // Labels as wide as the longest (with its `*`), within a third of the screen.
    let longest = form.fields.iter().map(|f| crate::text::width(&f.label) + 1).max().unwrap_or(8) as u16;
    let label_width = longest.clamp(8, 24).min(area.width / 3);
    // Errors are wrapped over the rows their text needs: the way on is at their end.
    let inner_width = (area.width.saturating_mul(9) / 10).saturating_sub(4).max(10) as usize;
    let rows_of = |text: &str| (crate::text::width(text) + 2).div_ceil(inner_width).max(1) as u16;
    let field_width = inner_width.saturating_sub(label_width as usize + 2).max(10);
    let field_rows = |text: &str| (crate::text::width(text) + 2).div_ceil(field_width).max(1) as u16;
    let error_rows: u16 = form.fields.iter().filter_map(|f| f.error.as_deref()).map(field_rows).sum();
    let body: u16 = form.fields.iter().map(|f| f.height()).sum::<u16>() + error_rows;
    let top_error = form.error.as_deref().map_or(0, |e| rows_of(e).min(5) + 1);
    let popup = centred(area, 90, body + top_error + 4);
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(format!(" {} ", visible(&form.title, false)), theme.title));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);

    let mut constraints: Vec<Constraint> = Vec::new();
    if form.error.is_some() {
        constraints.push(Constraint::Length(top_error));
    }
    for field in &form.fields {
        constraints.push(Constraint::Length(field.height() + field.error.as_deref().map_or(0, field_rows)));
    }
    constraints.push(Constraint::Length(1));
    constraints.push(Constraint::Min(0));
    let areas = Layout::vertical(constraints).split(inner);
    let mut slot = 0;
    if let Some(error) = &form.error {
        frame.render_widget(
            Paragraph::new(format!("× {}", visible(error, false)))
                .style(theme.form_error)
                .wrap(Wrap { trim: true }),
            areas[0],
        );
        slot = 1;
    }
    for (index, field) in form.fields.iter().enumerate() {
        let focused = index == form.focus;
        let row = areas[slot + index];
        let [label_area, input_area] =
            Layout::horizontal([Constraint::Length(label_width + 2), Constraint::Min(4)]).areas(row);
        let marker = if focused { "▶ " } else { "  " };
        let required = if field.required { "*" } else { "" };
        let label_style = if focused { theme.form_focus } else { theme.base };
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!("{marker}{}", fit(&format!("{}{required}", field.label), label_width as usize)),
                label_style,
            )),
            label_area,
        );
        let [input_area, error_area] =
            Layout::vertical([Constraint::Length(field.height()), Constraint::Min(0)]).areas(input_area);
        draw_input(frame, input_area, &field.input, focused, theme.form_focus, lang);
        if let Some(error) = &field.error {
            frame.render_widget(
                Paragraph::new(format!("× {error}")).style(theme.form_error).wrap(Wrap { trim: true }),
                error_area,
            );
        }
    }
    let submit_focused = form.focus == form.fields.len();
    let submit_style = if submit_focused { theme.selected } else { theme.key_hint };
    let marker = if submit_focused { "▶ " } else { "  " };
    let hint = if form.discard_asked() {
        Span::styled(format!("   {}", ui::FORM_DISCARD_ASK.get(lang)), theme.form_error)
    } else {
        Span::styled("   Ctrl-S ✓   Esc ✗", theme.muted)
    };
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::raw(marker),
            Span::styled(ui::FORM_SUBMIT.get(lang), submit_style),
            hint,
        ])),
        areas[slot + form.fields.len()],
    );
}

fn draw_input(
    frame: &mut Frame<'_>,
    area: Rect,
    input: &Input,
    focused: bool,
    focus: Style,
    lang: crate::i18n::Lang,
) {
    match input {
        Input::Line(text) | Input::Multi(text) => {
            let mut text = text.clone();
            text.set_cursor_line_style(Style::default());
            if !focused {
                text.set_cursor_style(Style::default());
            }
            text.set_style(if focused { focus } else { Style::default() });
            frame.render_widget(&text, area);
        }
        Input::Choice { options, selected } => {
            let spans: Vec<Span<'_>> = options
                .iter()
                .enumerate()
                .flat_map(|(i, (_, label))| {
                    let chosen = i == *selected;
                    let text = if chosen { format!("[{label}]") } else { format!(" {label} ") };
                    [
                        Span::styled(text, if chosen && focused { focus } else { Style::default() }),
                        Span::raw(" "),
                    ]
                })
                .collect();
            frame.render_widget(Paragraph::new(Line::from(spans)), area);
        }
        Input::Toggle(on) => {
            let text = if *on {
                format!("[√] {}", ui::YES.get(lang))
            } else {
                format!("[ ] {}", ui::NO.get(lang))
            };
            frame.render_widget(
                Paragraph::new(text).style(if focused { focus } else { Style::default() }),
                area,
            );
        }
    }
}
