//! One incident: every field, every clock with due time and time left, and the
//! timeline of who did what when.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Wrap};

use super::incidents::Queue;
use super::incidents::severity_style;
use crate::domain::IncidentEvent;
use crate::domain::sla::clocks;
use crate::i18n::{Label, clock_symbol, describe_event, event_kind, local_time, ui};
use crate::text::visible;
use crate::tui::view::Env;
use crate::tui::widgets::countdown;

pub fn draw(frame: &mut Frame<'_>, area: Rect, queue: &Queue, env: &Env<'_>) {
    let lang = env.lang();
    let theme = env.theme();
    let Some(row) = queue.detail.as_ref().and_then(|id| env.data.row(id)) else {
        frame.render_widget(Paragraph::new(ui::SELECT_FIRST.get(lang)), area);
        return;
    };
    let inc = &row.incident;
    let tz = env.ctx.site.tz;
    let clocks = clocks(inc, &env.ctx.site.policy, env.now);

    let label =
        |zh: &'static str, en: &'static str| Span::styled(format!("{}: ", lang.pick(zh, en)), theme.muted);
    let mut facts = vec![
        Line::from(vec![
            label("级别", "Severity"),
            Span::styled(inc.severity.label(lang), severity_style(inc.severity, theme)),
            Span::raw("  "),
            label("状态", "State"),
            Span::raw(inc.state.label(lang)),
            Span::raw("  "),
            label("类别", "Class"),
            Span::raw(inc.class.label(lang)),
            Span::raw("  "),
            label("故障所属", "Area"),
            Span::raw(inc.area.label(lang)),
        ]),
        Line::from(vec![
            label("设备", "Hosts"),
            Span::raw(visible(&inc.hosts.join(", "), false).into_owned()),
            Span::raw("  "),
            label("来源", "Source"),
            Span::raw(inc.source.label(lang)),
            Span::raw("  "),
            label("版本", "Version"),
            Span::raw(inc.version.to_string()),
        ]),
        Line::from(vec![
            label("报告人", "Reporter"),
            Span::raw(visible(&inc.reporter, false).into_owned()),
            Span::raw("  "),
            label("负责人", "Owner"),
            Span::raw(visible(inc.owner.as_deref().unwrap_or("-"), false).into_owned()),
            Span::raw("  "),
            label("报告时间", "Reported"),
            Span::raw(local_time(inc.reported_at, tz)),
        ]),
    ];
    let mut flags = Vec::new();
    if let Some(vendor) = &inc.escalated_to {
        flags.push(format!("{} {}", lang.pick("已上报厂商", "escalated to"), visible(vendor, false)));
    }
    // The problem behind it, with the way users get by meanwhile.
    for problem in env.data.problems.iter().filter(|p| p.incidents.contains(&inc.id)) {
        flags.push(format!(
            "{} {} ({}): {}",
            lang.pick("问题", "problem"),
            problem.id,
            problem.state.label(lang),
            visible(&problem.workaround, false)
        ));
    }
    for change in env.data.changes.iter().filter(|c| c.covers(inc)) {
        flags.push(format!(
            "⚒ {} {} {}",
            lang.pick("变更期间", "during change"),
            change.id,
            visible(&change.request.what, false)
        ));
    }
    if inc.problem {
        flags.push(lang.pick("已转为问题", "turned into a problem").to_string());
    }
    if !inc.description.is_empty() {
        flags.push(visible(&inc.description, false).into_owned());
    }
    if !flags.is_empty() {
        facts.push(Line::from(Span::raw(flags.join("  ·  "))));
    }
    let fact_height = facts.len() as u16 + 2;
    let clock_height = clocks.len() as u16 + 3;
    let seen_height = if queue.seen.is_empty() { 0 } else { queue.seen.len() as u16 + 2 };
    // The running plan (or the last one), step by step.
    let plan = inc.plans.last();
    let plan_height = plan.map_or(0, |run| run.steps.len() as u16 + 2);
    let [facts_area, clocks_area, plan_area, seen_area, timeline_area] = Layout::vertical([
        Constraint::Length(fact_height),
        Constraint::Length(clock_height),
        Constraint::Length(plan_height),
        Constraint::Length(seen_height),
        Constraint::Min(3),
    ])
    .areas(area);

    let title = format!(" {} {} ", inc.id, visible(&inc.title, false));
    let facts_block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(title, theme.title));
    frame.render_widget(Paragraph::new(facts).block(facts_block).wrap(Wrap { trim: true }), facts_area);

    let clock_rows: Vec<Row<'_>> = clocks
        .iter()
        .map(|c| {
            let style = countdown::style_of(c.state, theme);
            let mut state = c.state.label(lang).to_string();
            if let Some(reason) = c.paused_reason {
                state.push_str(&format!(" ({})", reason.label(lang)));
            } else if c.paused_total.num_seconds() > 0 {
                state.push_str(&format!(
                    " ({} {})",
                    lang.pick("暂停", "paused"),
                    countdown::hms(c.paused_total)
                ));
            }
            Row::new(vec![
                Cell::from(format!("{} {}", clock_symbol(c.state), c.name.label(lang))),
                Cell::from(c.due_at.map(|d| local_time(d, tz)).unwrap_or_else(|| "-".into())),
                Cell::from(c.remaining.map(countdown::hms).unwrap_or_else(|| "-".into())),
                Cell::from(state),
            ])
            .style(style)
        })
        .collect();
    let clock_table = Table::new(
        clock_rows,
        [Constraint::Length(14), Constraint::Length(20), Constraint::Length(11), Constraint::Min(8)],
    )
    .header(
        Row::new(vec![
            ui::COL_CLOCK.get(lang),
            ui::COL_DUE.get(lang),
            ui::COL_LEFT.get(lang),
            ui::COL_STATE.get(lang),
        ])
        .style(theme.header),
    )
    .block(
        Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border)
            .title(Span::styled(format!(" {} ", ui::CLOCKS.get(lang)), theme.title)),
    );
    frame.render_widget(clock_table, clocks_area);
    if let Some(run) = plan {
        let late = run.late_steps(env.now);
        let lines: Vec<Line<'_>> = crate::i18n::plan_steps(run, env.now, tz, lang)
            .into_iter()
            .enumerate()
            .map(|(i, text)| {
                let text = visible(&text, false).into_owned();
                let open = run.steps[i].outcome.is_none();
                match (late.contains(&(i + 1)) && open, open) {
                    (true, _) => Line::styled(text, theme.breached),
                    (false, true) => Line::raw(text),
                    (false, false) => Line::styled(text, theme.muted),
                }
            })
            .collect();
        let title = format!(" {}: {} ", ui::PLAN_STEPS.get(lang), visible(&run.name, false));
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border)
            .title(Span::styled(title, theme.title));
        frame.render_widget(Paragraph::new(lines).block(block), plan_area);
    }
    if !queue.seen.is_empty() {
        let lines: Vec<Line<'_>> =
            queue.seen.iter().map(|past| Line::from(crate::i18n::seen_line(past, tz, lang))).collect();
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border)
            .title(Span::styled(format!(" {} ", ui::SEEN_BEFORE.get(lang)), theme.title));
        frame.render_widget(Paragraph::new(lines).block(block), seen_area);
    }

    let events: Vec<Line<'_>> = env
        .data
        .timeline
        .iter()
        .map(|event| {
            let what = IncidentEvent::from_stored(&event.kind, &event.payload)
                .map(|e| describe_event(&e, lang))
                .unwrap_or_else(|_| event.payload.clone());
            Line::from(vec![
                Span::styled(local_time(event.occurred_at, tz), theme.muted),
                Span::raw(" "),
                Span::styled(format!("{:<8}", visible(&event.actor, false)), theme.key_hint),
                Span::raw(" "),
                Span::styled(event_kind(&event.kind, lang).to_string(), theme.title),
                Span::raw(" "),
                Span::raw(visible(&what, false).into_owned()),
            ])
        })
        .collect();
    let max_scroll = (events.len() as u16).saturating_sub(timeline_area.height.saturating_sub(2));
    let timeline = Paragraph::new(events)
        .block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.border)
                .title(Span::styled(format!(" {} ", ui::TIMELINE.get(lang)), theme.title)),
        )
        .wrap(Wrap { trim: false })
        .scroll((queue.timeline.offset(max_scroll), 0));
    frame.render_widget(timeline, timeline_area);
}
