//! The Duty log tab: the shift in force, who is on duty, where the handover stands, the
//! arrival and departure checks, and the shift's duty log; or the statistics as charts.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Paragraph, Sparkline, Wrap};

use crate::domain::handover::HandoverCommand;
use crate::domain::sla::ClockName;
use crate::domain::{DomainError, Role};
use crate::duty::DutyView;
use crate::duty::walkthrough::Item;
use crate::i18n::{Label, Lang, contract_summary, domain_error, duration, duty as t, local_time, ui};
use crate::report::service::{ServiceStats, percent};
use crate::text::{fit, visible};
use crate::tui::action::Action;
use crate::tui::cursor::Cursor;
use crate::tui::duty_forms;
use crate::tui::effect::Effect;
use crate::tui::form::FormKind;
use crate::tui::theme::Theme;
use crate::tui::view::{Env, Out};
use crate::tui::widgets::countdown::hms;

use super::handover::Walkthrough;

/// What the Duty log tab shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum DutyScreen {
    #[default]
    Log,
    Walkthrough(Walkthrough),
    Stats,
}

/// The Duty log tab: the log (and its selected entry), the handover walkthrough or the
/// charts.
#[derive(Debug, Default)]
pub struct DutyTab {
    pub screen: DutyScreen,
    pub log: Cursor,
    /// The walkthrough step's items (see `refresh_walkthrough`).
    pub items: Vec<Item>,
    /// This week's and this month's statistics, computed when the charts are opened.
    pub stats: Option<Box<(ServiceStats, ServiceStats)>>,
}

impl DutyTab {
    /// Whether the handover walkthrough is on screen (its keymap section is in force).
    pub fn in_walkthrough(&self) -> bool {
        matches!(self.screen, DutyScreen::Walkthrough(_))
    }

    /// The tab's keys; false when the key is not the tab's.
    pub fn on_action(&mut self, action: Action, env: &Env<'_>, out: &mut Out) -> bool {
        if !matches!(action, Action::Move(_) | Action::Back) && !Action::DUTY.contains(&action) {
            return false;
        }
        let lang = env.lang();
        let Some(view) = env.data.duty.as_ref() else {
            if !matches!(action, Action::Move(_)) {
                out.refuse(t::NO_SHIFTS.get(lang));
            }
            return true;
        };
        match action {
            Action::Back => {
                self.screen = DutyScreen::Log;
                self.refresh_walkthrough(env);
            }
            Action::Statistics => {
                self.screen = DutyScreen::Stats;
                out.effect(Effect::LoadStats);
            }
            _ if self.in_walkthrough() => {
                if !matches!(action, Action::Move(_)) && out.read_only(env) {
                    return true;
                }
                self.walkthrough_action(action, view, env, out)
            }
            Action::Move(movement) => self.log.go(movement, view.log.len()),
            _ if !out.read_only(env) => self.log_action(action, view, env, out),
            _ => {}
        }
        true
    }

    fn log_action(&mut self, action: Action, view: &DutyView, env: &Env<'_>, out: &mut Out) {
        let lang = env.lang();
        let Some(operator) = env.ctx.operator.as_ref() else { return };
        let entry_kind = match action {
            Action::LogEnvironment => Some(FormKind::Environment),
            Action::LogPower => Some(FormKind::Power),
            Action::LogEquipment => Some(FormKind::Equipment),
            Action::LogVisitor => Some(FormKind::Visitor),
            Action::LogRequest => Some(FormKind::Request),
            Action::LogNote => Some(FormKind::DutyNote),
            _ => None,
        };
        if let Some(kind) = entry_kind {
            out.form(duty_forms::entry(kind, &operator.id, env.now, env.site(), lang));
            return;
        }
        match action {
            Action::IncidentFromEntry => {
                // The selected entry, its flags as the title: an incident one key away.
                let Some(logged) = view.log.get(self.log.at(view.log.len())) else {
                    out.refuse(ui::SELECT_FIRST.get(lang));
                    return;
                };
                let flags = crate::domain::duty_log::flags(&logged.entry, &env.site().room);
                let line = t::entry_line(&logged.entry, lang);
                let title = match flags.is_empty() {
                    true => line.clone(),
                    false => flags
                        .iter()
                        .map(|f| t::flag_text(f, lang))
                        .collect::<Vec<_>>()
                        .join(lang.pick("，", ", ")),
                };
                out.form(crate::tui::forms::incident_from_item(&title, &line, None, lang));
            }
            Action::CompleteEntry => match view.log.get(self.log.at(view.log.len())) {
                Some(logged) => match duty_forms::completion(logged, lang) {
                    Ok(form) => out.form(form),
                    Err(why) => out.refuse(domain_error(&why, lang)),
                },
                None => out.refuse(ui::SELECT_FIRST.get(lang)),
            },
            Action::ChangeRoster if operator.role != Role::Lead => {
                out.refuse(domain_error(&DomainError::LeadOnly { command: "roster" }, lang))
            }
            Action::ChangeRoster => out.form(duty_forms::roster(
                env.site(),
                &view.current.name,
                view.current.date,
                &view.on_duty,
                lang,
            )),
            Action::Handover => {
                if view.handover.is_none() {
                    let command = HandoverCommand::Start {
                        outgoing: view.outgoing.clone(),
                        incoming: view.incoming.clone(),
                    };
                    out.effect(Effect::Handover { id: view.handover_id(), command });
                }
                self.screen = DutyScreen::Walkthrough(Walkthrough::default());
                self.refresh_walkthrough(env);
            }
            _ => {}
        }
    }
}

fn block<'a>(title: String, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(format!(" {title} "), theme.title))
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, tab: &DutyTab, env: &Env<'_>) {
    let lang = env.lang();
    let theme = env.theme();
    let Some(view) = &env.data.duty else {
        let text = Paragraph::new(t::NO_SHIFTS.get(lang)).style(theme.muted).wrap(Wrap { trim: true });
        frame.render_widget(text.block(block(t::DUTY_LOG.get(lang).into(), theme)), area);
        return;
    };
    match &tab.screen {
        DutyScreen::Walkthrough(_) => super::handover::draw(frame, area, tab, env, view),
        DutyScreen::Stats => draw_stats(frame, area, tab, env),
        DutyScreen::Log => draw_log(frame, area, tab, env, view),
    }
}

fn draw_log(frame: &mut Frame<'_>, area: Rect, tab: &DutyTab, env: &Env<'_>, view: &DutyView) {
    let lang = env.lang();
    let theme = env.theme();
    let tz = env.ctx.site.tz;
    let hm = |at: chrono::DateTime<chrono::Utc>| at.with_timezone(&tz).format("%H:%M").to_string();
    let nobody = || lang.pick("（无）", "(nobody)").to_string();
    let names = |ids: &[String]| if ids.is_empty() { nobody() } else { ids.join(", ") };
    let mut header = vec![
        Line::from(vec![
            Span::styled(format!("{}: ", t::SHIFT.get(lang)), theme.header),
            Span::raw(format!(
                "{} {}–{} ({} {})   ",
                view.current.name,
                hm(view.current.start),
                hm(view.current.end),
                lang.pick("剩余", "left"),
                hms(view.current.end - env.now)
            )),
            Span::styled(format!("{}: ", t::ON_DUTY.get(lang)), theme.header),
            Span::raw(names(&view.on_duty)),
        ]),
        Line::from(vec![
            Span::styled(format!("{}: ", t::NEXT_SHIFT.get(lang)), theme.header),
            Span::raw(format!(
                "{} {}–{}   {}",
                view.next.name,
                hm(view.next.start),
                hm(view.next.end),
                names(&view.next_on_duty)
            )),
        ]),
    ];
    let reminds = view.reminds(env.now);
    header.push(Line::from(vec![
        Span::styled(format!("{}: ", t::HANDOVER.get(lang)), theme.header),
        Span::styled(
            format!(
                "{} → {} {}  {}",
                view.outgoing.name,
                view.incoming.name,
                local_time(view.outgoing.end, tz),
                t::handover_state(view.handover.as_ref(), lang)
            ),
            if reminds { theme.due_soon } else { theme.base },
        ),
    ]));
    // The arrival and departure checks of this shift, from the inspection agenda.
    let checks: Vec<Span<'_>> = env
        .data
        .agenda
        .iter()
        .filter(|a| matches!(a.slot.template.as_str(), "arrival" | "departure"))
        .filter(|a| a.slot.due_at >= view.current.start && a.slot.due_at < view.current.end)
        .map(|a| {
            Span::raw(format!(
                "{} {} {}   ",
                hm(a.slot.due_at),
                visible(&a.name, false),
                crate::i18n::run_state_text(a.state, a.run.as_ref(), lang)
            ))
        })
        .collect();
    if !checks.is_empty() {
        header.push(Line::from(checks));
    }
    let [top, list] =
        Layout::vertical([Constraint::Length(header.len() as u16 + 2), Constraint::Min(3)]).areas(area);
    let title = format!("{} — {}", t::DUTY_LOG.get(lang), view.current.name);
    frame.render_widget(Paragraph::new(header).block(block(title, theme)), top);

    let width = list.width.saturating_sub(2) as usize;
    let lines: Vec<Line<'_>> = if view.log.is_empty() {
        vec![Line::styled(t::NO_ENTRIES.get(lang), theme.muted)]
    } else {
        let selected = tab.log.at(view.log.len());
        view.log
            .iter()
            .enumerate()
            .map(|(i, logged)| {
                let flags = crate::domain::duty_log::flags(&logged.entry, &env.ctx.site.room);
                let mut text = format!(
                    "{} {} {} [{}] {}",
                    if i == selected { "▶" } else { " " },
                    hm(logged.at),
                    logged.by,
                    t::entry_kind(logged.entry.key()).get(lang),
                    visible(&t::entry_line(&logged.entry, lang), false)
                );
                for flag in &flags {
                    text.push_str(&format!("  ▲ {}", t::flag_text(flag, lang)));
                }
                let style = match (i == selected, flags.is_empty()) {
                    (true, _) => theme.selected,
                    (false, false) => theme.breached,
                    _ => Style::default(),
                };
                Line::styled(fit(&text, width), style)
            })
            .collect()
    };
    let scroll = tab.log.at(view.log.len()).saturating_sub(list.height.saturating_sub(3) as usize) as u16;
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((scroll, 0))
            .block(block(format!("{} ({})", t::DUTY_LOG.get(lang), view.log.len()), theme)),
        list,
    );
}

fn bars(values: Vec<(&'static str, u32)>, theme: &Theme) -> BarGroup<'static> {
    let bars: Vec<Bar<'static>> = values
        .into_iter()
        .map(|(label, n)| Bar::default().label(Line::from(label)).value(u64::from(n)).style(theme.running))
        .collect();
    BarGroup::default().bars(&bars)
}

fn draw_stats(frame: &mut Frame<'_>, area: Rect, tab: &DutyTab, env: &Env<'_>) {
    let lang = env.lang();
    let theme = env.theme();
    let Some(both) = &tab.stats else {
        let wait = Paragraph::new(lang.pick("正在统计…", "Counting…")).style(theme.muted);
        frame.render_widget(wait.block(block(t::STATS.get(lang).into(), theme)), area);
        return;
    };
    let (week, month) = (&both.0, &both.1);
    let [charts, figures, daily] =
        Layout::vertical([Constraint::Percentage(45), Constraint::Min(6), Constraint::Length(5)]).areas(area);
    let [by_class, by_severity, by_area] =
        Layout::horizontal([Constraint::Ratio(1, 3), Constraint::Ratio(1, 3), Constraint::Ratio(1, 3)])
            .areas(charts);
    let chart = |title: String, group: BarGroup<'static>, width: u16| {
        BarChart::default()
            .block(block(title, theme))
            .data(group)
            .bar_width(width)
            .bar_gap(1)
            .value_style(theme.header)
    };
    let week_title = |what: &str| format!("{what} · {}", lang.pick("本周", "this week"));
    frame.render_widget(
        chart(
            week_title(lang.pick("分类", "Class")),
            bars(week.by_class.iter().map(|(c, n)| (c.label(lang), *n)).collect(), theme),
            8,
        ),
        by_class,
    );
    frame.render_widget(
        chart(
            week_title(lang.pick("级别", "Severity")),
            bars(week.by_severity.iter().map(|(s, n)| (s.label(lang), *n)).collect(), theme),
            8,
        ),
        by_severity,
    );
    let short_area = |a: &crate::domain::FaultArea| match a {
        crate::domain::FaultArea::System => lang.pick("系统", "system"),
        crate::domain::FaultArea::Database => lang.pick("数据库", "database"),
        crate::domain::FaultArea::NetworkDevice => lang.pick("网络", "network"),
        crate::domain::FaultArea::OtherApplication => lang.pick("应用", "apps"),
    };
    frame.render_widget(
        chart(
            week_title(lang.pick("所属", "Area")),
            bars(week.by_area.iter().map(|(a, n)| (short_area(a), *n)).collect(), theme),
            6,
        ),
        by_area,
    );
    frame.render_widget(
        Paragraph::new(figure_lines(week, month, lang, theme)).block(block(t::STATS.get(lang).into(), theme)),
        figures,
    );
    let counts: Vec<u64> = month.per_day.iter().map(|(_, n)| u64::from(*n)).collect();
    let title = format!(
        "{} {} – {} (max {})",
        lang.pick("本月每日事件数", "Incidents per day this month"),
        month.from,
        month.to,
        counts.iter().max().copied().unwrap_or(0)
    );
    frame.render_widget(
        Sparkline::default().block(block(title, theme)).data(&counts).style(theme.running),
        daily,
    );
}

fn figure_lines<'a>(week: &ServiceStats, month: &ServiceStats, lang: Lang, theme: &Theme) -> Vec<Line<'a>> {
    let d = |v: Option<chrono::Duration>| v.map_or_else(|| "—".to_string(), |v| duration(v, lang));
    let row = |label: &str, w: String, m: String| {
        Line::from(vec![Span::styled(fit(label, 26), theme.header), Span::raw(fit(&w, 28)), Span::raw(m)])
    };
    let clocks = |s: &ServiceStats| {
        s.clocks
            .iter()
            .filter(|c| matches!(c.name, ClockName::Response | ClockName::Resolution | ClockName::Report))
            .map(|c| format!("{} {}/{}/{}", c.name.label(lang), c.met, c.met_late, c.breached))
            .collect::<Vec<_>>()
            .join("  ")
    };
    let inspections = |s: &ServiceStats| {
        format!(
            "{}/{} ({})",
            s.inspections.on_time,
            s.inspections.scheduled,
            percent(s.inspections.on_time, s.inspections.scheduled)
        )
    };
    vec![
        row(
            "",
            format!(
                "{} {}–{}",
                lang.pick("本周", "Week"),
                week.from.format("%m-%d"),
                week.to.format("%m-%d")
            ),
            format!("{} {}", lang.pick("本月", "Month"), month.from.format("%Y-%m")),
        ),
        row(lang.pick("事件数", "Incidents"), week.incidents.to_string(), month.incidents.to_string()),
        row(
            lang.pick("响应 中位/90%", "Response median/p90"),
            format!("{} / {}", d(week.response.median), d(week.response.p90)),
            format!("{} / {}", d(month.response.median), d(month.response.p90)),
        ),
        row(
            lang.pick("解决 中位/90%", "Resolution median/p90"),
            format!("{} / {}", d(week.resolution.median), d(week.resolution.p90)),
            format!("{} / {}", d(month.resolution.median), d(month.resolution.p90)),
        ),
        row(lang.pick("时限 按时/超时完成/超时", "Clocks met/late/breached"), clocks(week), clocks(month)),
        row(lang.pick("巡检按时", "Inspections on time"), inspections(week), inspections(month)),
        row(
            lang.pick("一线解决率", "First-line resolution"),
            percent(week.first_line, week.resolved),
            percent(month.first_line, month.resolved),
        ),
        Line::styled(contract_summary(&month.contract, lang), theme.muted),
    ]
}
