//! The overview: which machine of the centre is not normal, since when and why — the
//! daily inspection sheet (node, device, IP, network / system / application columns,
//! √ × ! ?) but live — with the incident queue's state at a glance above it.

use chrono::Duration;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Wrap};

use crate::domain::State;
use crate::domain::check::{CheckStatus, SheetColumn};
use crate::i18n::{Label, contract_summary, local_time, ui};
use crate::status::sheet;
use crate::text::visible;
use crate::tui::action::Action;
use crate::tui::cursor::Cursor;
use crate::tui::theme::Theme;
use crate::tui::view::{Env, Out, Show};

/// The machine selected on the board.
#[derive(Debug, Default)]
pub struct Overview {
    pub host: Cursor,
}

impl Overview {
    /// The board's keys: moving between machines, `Enter` for the selected machine's
    /// incidents, `X` for its SSH actions. False when the key is not the board's.
    pub fn on_action(&mut self, action: Action, env: &Env<'_>, out: &mut Out) -> bool {
        let hosts = &env.site().hosts;
        match action {
            Action::Move(movement) => self.host.go(movement, hosts.len()),
            Action::Open | Action::MachineActions => {
                if let Some(host) = hosts.get(self.host.at(hosts.len())) {
                    out.show = Some(match action {
                        Action::Open => Show::HostIncidents(host.name.clone()),
                        _ => Show::HostActions(host.name.clone()),
                    });
                }
            }
            _ => return false,
        }
        true
    }
}

/// Latencies as a line of block characters, scaled to the largest.
pub fn sparkline(values: &[u32], width: usize) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let shown = &values[values.len().saturating_sub(width)..];
    let max = shown.iter().copied().max().unwrap_or(0).max(1);
    shown.iter().map(|v| BARS[(*v as usize * 7 / max as usize).min(7)]).collect()
}

fn status_style(status: Option<CheckStatus>, theme: &Theme) -> Style {
    match status {
        Some(CheckStatus::Normal) => theme.met,
        Some(CheckStatus::Warning) => theme.due_soon,
        Some(CheckStatus::Critical) => theme.breached,
        Some(CheckStatus::Unknown) => theme.paused,
        None => theme.muted,
    }
}

fn summary<'a>(env: &Env<'a>) -> Vec<Line<'a>> {
    let lang = env.lang();
    let theme = env.theme();
    // Kept by the snapshot as changes come, and worked out with the alarms: a frame
    // never works through the whole queue.
    let count = |state: State| env.data.count(state);
    let (breached, due_soon) = env.data.clock_counts;
    let states = [State::Open, State::Acknowledged, State::OnSite, State::Resolved, State::Reported];
    let by_state: Vec<String> = states.iter().map(|s| format!("{} {}", s.label(lang), count(*s))).collect();
    vec![
        Line::from(vec![
            Span::raw(by_state.join("  ")),
            Span::raw("   "),
            Span::styled(
                format!("▲ {} {breached}", lang.pick("已超时", "breached")),
                if breached > 0 { theme.breached } else { theme.muted },
            ),
            Span::raw("  "),
            Span::styled(
                format!("! {} {due_soon}", lang.pick("即将到期", "due soon")),
                if due_soon > 0 { theme.due_soon } else { theme.muted },
            ),
        ]),
        Line::from(Span::styled(
            env.data.contract.as_ref().map(|c| contract_summary(c, lang)).unwrap_or_default(),
            theme.muted,
        )),
        sources_line(env),
    ]
}

/// One mark per alert source: √ answering, × unreachable since T, ? stale since T (no
/// answer for two intervals, e.g. no engine), ? not polled yet. Never silence.
fn sources_line<'a>(env: &Env<'a>) -> Line<'a> {
    let lang = env.lang();
    let theme = env.theme();
    let site = &env.ctx.site;
    let configured: Vec<(&str, std::time::Duration)> = site
        .alertmanagers
        .iter()
        .map(|s| (s.name.as_str(), s.interval))
        .chain(site.zabbixes.iter().map(|s| (s.name.as_str(), s.interval)))
        .collect();
    if configured.is_empty() {
        return Line::from(Span::styled(
            lang.pick("未配置告警源", "no alert sources configured"),
            theme.muted,
        ));
    }
    let mut spans = vec![Span::styled(lang.pick("告警源：", "Sources: "), theme.muted)];
    for (name, interval) in configured {
        let state = env.data.sources.iter().find(|s| s.name == name);
        let stale_after = Duration::from_std(interval * 2).unwrap_or_else(|_| Duration::minutes(1));
        let (mark, text, style) = match state {
            None => ("?", lang.pick("尚未获取", "not polled yet").to_string(), theme.paused),
            Some(s) if env.now - s.checked_at > stale_after => (
                "?",
                format!("{} {}", lang.pick("数据过期，自", "stale since"), local_time(s.checked_at, site.tz)),
                theme.due_soon,
            ),
            Some(s) if !s.ok => (
                "×",
                format!("{} {}", lang.pick("不可达，自", "unreachable since"), local_time(s.since, site.tz)),
                theme.breached,
            ),
            Some(_) => ("√", String::new(), theme.met),
        };
        spans.push(Span::styled(format!("{mark} {name} {text}  "), style));
    }
    Line::from(spans)
}

/// The problems not closed, and the monthly review while it is due.
fn problems_line<'a>(env: &Env<'a>) -> Option<Line<'a>> {
    use crate::domain::problem::ProblemState;
    let lang = env.lang();
    let open = env.data.problems.iter().filter(|p| p.state != ProblemState::Closed).count();
    let today = env.now.with_timezone(&env.ctx.site.tz).date_naive();
    let due = crate::domain::problem::review_due(today, &env.ctx.site.calendar, &env.data.reviewed, open);
    if open == 0 && due.is_none() {
        return None;
    }
    let text = format!("{}{open}", lang.pick("未关闭的问题：", "Problems not closed: "));
    Some(match due {
        Some(month) => Line::from(vec![
            Span::raw(text),
            Span::raw("  "),
            Span::styled(crate::i18n::review_due(&month, lang), env.theme().due_soon),
        ]),
        None => Line::raw(text),
    })
}

/// The changes not over yet, soonest first (the first two), when there are any.
fn changes_line<'a>(env: &Env<'a>) -> Option<Line<'a>> {
    use crate::domain::change::ChangeState;
    let lang = env.lang();
    let tz = env.ctx.site.tz;
    let mut coming: Vec<&crate::domain::change::Change> = env
        .data
        .changes
        .iter()
        .filter(|c| {
            !matches!(c.state, ChangeState::Finished | ChangeState::Rejected) && c.request.until > env.now
        })
        .collect();
    coming.sort_by_key(|c| c.request.from);
    let hm = |t: chrono::DateTime<chrono::Utc>| t.with_timezone(&tz).format("%m-%d %H:%M").to_string();
    let shown: Vec<String> = coming
        .iter()
        .take(2)
        .map(|c| {
            format!(
                "{} {} {}–{} {} {}",
                c.id,
                c.state.label(lang),
                hm(c.request.from),
                hm(c.request.until),
                c.request.hosts.join(","),
                visible(&c.request.what, false)
            )
        })
        .collect();
    let more = coming.len().saturating_sub(2);
    let tail = if more > 0 { format!("  (+{more})") } else { String::new() };
    (!shown.is_empty())
        .then(|| Line::from(format!("{}{}{tail}", lang.pick("变更：", "Changes: "), shown.join("  ·  "))))
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, board: &Overview, env: &Env<'_>) {
    let lang = env.lang();
    let theme = env.theme();
    let block = |title: &str| {
        Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border)
            .title(Span::styled(format!(" {title} "), theme.title))
    };
    let mut lines = summary(env);
    lines.extend(changes_line(env));
    lines.extend(problems_line(env));
    let [summary_area, sheet_area, detail_area] = Layout::vertical([
        Constraint::Length(lines.len() as u16 + 2),
        Constraint::Min(4),
        Constraint::Length(7),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(lines).block(block(ui::QUEUE.get(lang))), summary_area);

    let site = &env.ctx.site;
    let rows = sheet(site, &env.data.checks);
    if site.checks().next().is_none() {
        frame.render_widget(
            Paragraph::new(ui::NO_CHECKS.get(lang))
                .style(theme.muted)
                .wrap(Wrap { trim: true })
                .block(block(ui::MACHINES.get(lang))),
            sheet_area.union(detail_area),
        );
        return;
    }
    let selected = board.host.at(rows.len());
    let wide = sheet_area.width >= 110;
    let header: Vec<String> = [lang.pick("设备", "Host"), lang.pick("名称", "Device")]
        .into_iter()
        .map(str::to_string)
        .chain(wide.then(|| lang.pick("位置", "Location").to_string()))
        .chain(wide.then(|| "IP".to_string()))
        .chain(SheetColumn::ALL.iter().map(|c| crate::i18n::ShortLabel::short_label(c, lang).to_string()))
        .chain([lang.pick("延迟", "Latency").to_string(), lang.pick("变化", "Since").to_string()])
        .collect();
    let visible_rows = sheet_area.height.saturating_sub(3) as usize;
    let offset = (selected + 1).saturating_sub(visible_rows);
    let table_rows: Vec<Row<'_>> = rows
        .iter()
        .enumerate()
        .skip(offset)
        .take(visible_rows)
        .map(|(index, row)| {
            let since = row
                .checks
                .iter()
                .map(|c| c.since)
                .max()
                .map(|at| crate::i18n::duration(env.now - at, lang))
                .unwrap_or_else(|| "-".into());
            let latencies: Vec<u32> = row.checks.iter().flat_map(|c| c.latencies.iter().copied()).collect();
            let in_maintenance = env
                .data
                .maintenance
                .iter()
                .any(|w| w.active_at(env.now) && w.hosts.iter().any(|h| h == row.host));
            let mut cells = vec![
                Cell::from(format!(
                    "{}{}{}",
                    if index == selected { "▶ " } else { "  " },
                    if in_maintenance { "⚒ " } else { "" },
                    row.host
                )),
                Cell::from(visible(row.label, false).into_owned()),
            ];
            if wide {
                cells.push(Cell::from(visible(row.group, false).into_owned()));
                cells.push(Cell::from(row.ip.clone()));
            }
            for (_, status) in &row.columns {
                cells.push(Cell::from(Span::styled(
                    status.map_or("-", |s| s.mark()),
                    status_style(*status, theme),
                )));
            }
            cells.push(Cell::from(sparkline(&latencies, 12)));
            cells.push(Cell::from(since));
            let row_widget = Row::new(cells);
            if index == selected { row_widget.style(theme.selected) } else { row_widget }
        })
        .collect();
    // Below 70 columns the host and the latency give way to the sheet's five marks.
    let narrow = sheet_area.width < 70;
    let mut widths = vec![
        Constraint::Length(if narrow { 8 } else { 18 }),
        if wide { Constraint::Length(30) } else { Constraint::Min(if narrow { 6 } else { 10 }) },
    ];
    if wide {
        widths.push(Constraint::Length(10));
        widths.push(Constraint::Length(13));
    }
    widths.extend(SheetColumn::ALL.iter().map(|_| Constraint::Length(5)));
    widths.extend([
        Constraint::Length(if narrow { 6 } else { 12 }),
        if wide { Constraint::Min(10) } else { Constraint::Length(if narrow { 5 } else { 10 }) },
    ]);
    let engine = match &env.data.lease {
        Some(lease) if lease.expires_at > env.now => {
            format!(
                "{} {}",
                ui::STATUS_ENGINE_RUNNING.get(lang),
                crate::i18n::engine_holder(&lease.holder, lang)
            )
        }
        _ => lang.pick("引擎未运行：状态可能已过时", "no engine running: status may be stale").to_string(),
    };
    let table = Table::new(table_rows, widths).header(Row::new(header).style(theme.header)).block(
        block(ui::MACHINES.get(lang))
            .title_bottom(Line::from(Span::styled(format!(" {engine} "), theme.muted))),
    );
    frame.render_widget(table, sheet_area);

    let detail: Vec<Line<'_>> = rows.get(selected).map_or_else(Vec::new, |row| {
        let specs = site.host(row.host).map(|h| h.checks.as_slice()).unwrap_or_default();
        specs
            .iter()
            .map(|spec| {
                let state = row.checks.iter().find(|c| c.check == spec.name);
                let status = state.map(|s| s.status);
                let mark = status.map_or("?", |s| s.mark());
                let word = status.map_or(lang.pick("尚未运行", "not run yet"), |s| s.label(lang));
                let mut text = format!(" {} {}", spec.name, word);
                if let Some(state) = state {
                    text.push_str(&format!(
                        "  {} {}",
                        lang.pick("自", "since"),
                        local_time(state.since, site.tz)
                    ));
                    if let Some(ms) = state.evidence.latency_ms {
                        text.push_str(&format!("  {ms} ms"));
                    }
                    if let Some(code) = state.evidence.status_code {
                        text.push_str(&format!("  HTTP {code}"));
                    }
                    if let Some(why) = crate::i18n::evidence_reason(&state.evidence, lang) {
                        text.push_str(&format!("  {}", visible(&why, false)));
                    }
                    if let Some(incident) = &state.incident {
                        text.push_str(&format!("  → {incident}"));
                    }
                }
                Line::from(vec![Span::styled(mark.to_string(), status_style(status, theme)), Span::raw(text)])
            })
            .collect()
    });
    let mut title =
        rows.get(selected).map_or(String::new(), |r| format!("{} {}", r.host, visible(r.label, false)));
    let window = rows.get(selected).and_then(|r| {
        env.data.maintenance.iter().find(|w| w.active_at(env.now) && w.hosts.iter().any(|h| h == r.host))
    });
    if let Some(window) = window {
        title.push_str(&format!(
            " — ⚒ {} {} {}: {}",
            lang.pick("维护至", "maintenance until"),
            local_time(window.until, site.tz),
            window.id,
            visible(&window.reason, false)
        ));
    }
    frame.render_widget(Paragraph::new(detail).block(block(&title)), detail_area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_scales_to_the_largest() {
        assert_eq!(sparkline(&[1, 2, 4, 8], 10), "▁▂▄█");
        assert_eq!(sparkline(&[0, 0], 10), "▁▁");
        assert_eq!(sparkline(&[5; 20], 4).chars().count(), 4);
    }
}
