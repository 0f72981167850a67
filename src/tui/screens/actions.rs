//! The Actions tab: pick a host or a group and an action of the site's catalog, run it
//! over SSH, and watch each host's output stream in. Output is untrusted: it is made
//! visible (control and escape characters shown, never obeyed) before it is drawn.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::i18n::ui;
use crate::text::visible;
use crate::tui::app::App;
use crate::tui::theme::Theme;

fn block<'a>(title: String, focused: bool, theme: &Theme) -> Block<'a> {
    let border = if focused { theme.form_focus } else { theme.border };
    Block::default()
        .borders(Borders::ALL)
        .border_style(border)
        .title(Span::styled(format!(" {title} "), theme.title))
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let lang = app.lang();
    let theme = &app.ctx.theme;
    let [lists, output_area] = Layout::vertical([Constraint::Percentage(40), Constraint::Min(5)]).areas(area);
    let [targets_area, actions_area] =
        Layout::horizontal([Constraint::Percentage(40), Constraint::Percentage(60)]).areas(lists);

    let targets = app.action_targets();
    let height = targets_area.height.saturating_sub(2) as usize;
    let offset = (app.target_selected + 1).saturating_sub(height);
    let target_lines: Vec<Line<'_>> = targets
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(index, (label, hosts))| {
            let selected = index == app.target_selected;
            let text = if hosts.len() > 1 { format!("{label} ({})", hosts.len()) } else { label.clone() };
            let line = Line::raw(format!("{}{}", if selected { "▶ " } else { "  " }, visible(&text, false)));
            if selected { line.style(theme.selected) } else { line }
        })
        .collect();
    frame.render_widget(
        Paragraph::new(target_lines).block(block(ui::TARGETS.get(lang).into(), !app.actions_right, theme)),
        targets_area,
    );

    let actions = &app.ctx.site.ssh.actions;
    let action_lines: Vec<Line<'_>> = if actions.is_empty() {
        vec![Line::from(Span::styled(ui::NO_ACTIONS.get(lang), theme.muted))]
    } else {
        actions
            .iter()
            .enumerate()
            .map(|(index, action)| {
                let selected = index == app.action_selected;
                let danger = if action.dangerous { "⚠ " } else { "" };
                let line = Line::from(vec![
                    Span::raw(if selected { "▶ " } else { "  " }),
                    Span::styled(
                        format!("{danger}{}", action.name),
                        if action.dangerous { theme.due_soon } else { theme.base },
                    ),
                    Span::styled(format!("  {}", visible(&action.description, false)), theme.muted),
                ]);
                if selected { line.style(theme.selected) } else { line }
            })
            .collect()
    };
    frame.render_widget(
        Paragraph::new(action_lines).block(block(ui::ACTION_LIST.get(lang).into(), app.actions_right, theme)),
        actions_area,
    );

    let Some(run) = &app.action_run else {
        frame.render_widget(
            Paragraph::new("").block(block(ui::OUTPUT.get(lang).into(), false, theme)),
            output_area,
        );
        return;
    };
    let per_host = (output_area.height.saturating_sub(2) as usize / run.outputs.len().max(1)).max(2);
    let mut lines: Vec<Line<'_>> = Vec::new();
    for output in &run.outputs {
        let (mark, style, state) = match &output.ending {
            None => ("○", theme.running, ui::RUNNING.get(lang).to_string()),
            Some(ending) if ending == "exit 0" => ("√", theme.met, ending.clone()),
            Some(ending) => ("×", theme.breached, visible(ending, false).into_owned()),
        };
        let duration = output.duration_ms.map_or(String::new(), |ms| format!(" {ms} ms"));
        lines.push(Line::from(vec![
            Span::styled(format!("{mark} {}", output.host), style),
            Span::styled(format!("  {state}{duration}  {} B", output.bytes), theme.muted),
        ]));
        for (stderr, text) in output.lines.iter().skip(output.lines.len().saturating_sub(per_host - 1)) {
            let style = if *stderr { theme.due_soon } else { theme.base };
            lines.push(Line::from(Span::styled(format!("  {}", visible(text, false)), style)));
        }
    }
    let title = format!("{} — {}", ui::OUTPUT.get(lang), run.action);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(block(title, false, theme)),
        output_area,
    );
}
