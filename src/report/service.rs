//! The weekly and monthly service report (服务周报 / 月报): incidents by class, area and
//! severity, response and resolution times (median and 90th percentile), each clock
//! met / met late / breached, the contract counter, inspections done on time and the
//! first-line resolution rate, the requesters' word, the problems open at the period's
//! end and the changes of the period. Computed from the event log by folding it again, so the
//! figures do not depend on any projection.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};

use super::chart;
use super::csv_field;
use super::doc::{self, Block};
use crate::agenda::AgendaItem;
use crate::config::Site;
use crate::domain::checklist::RunState;
use crate::domain::contract::{ContractCounter, contract_counter};
use crate::domain::sla::{ClockName, ClockState, clocks};
use crate::domain::{DomainError, EventClass, FaultArea, Incident, Severity};
use crate::i18n::{Label, Lang, contract_summary, duration, local_time};
use crate::store::StoredEvent;
use crate::store::projection::{apply_stored, is_incident_event};

/// Count, median and 90th percentile (nearest rank) of some durations.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Summary {
    pub count: usize,
    pub median: Option<Duration>,
    pub p90: Option<Duration>,
}

impl Summary {
    pub fn of(mut values: Vec<Duration>) -> Summary {
        values.sort();
        let n = values.len();
        if n == 0 {
            return Summary::default();
        }
        let median = if n % 2 == 1 { values[n / 2] } else { (values[n / 2 - 1] + values[n / 2]) / 2 };
        // Nearest rank: the smallest value with at least 90% of values at or below it.
        let rank = (n * 9).div_ceil(10);
        Summary { count: n, median: Some(median), p90: Some(values[rank - 1]) }
    }
}

/// How one clock fared over the period's incidents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClockTally {
    pub name: ClockName,
    pub met: u32,
    pub met_late: u32,
    pub breached: u32,
    /// Still running (or paused, or not yet started) when the report was made.
    pub open: u32,
}

/// How the period's scheduled inspections went.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct InspectionTally {
    /// Occurrences already due.
    pub scheduled: u32,
    pub on_time: u32,
    pub late: u32,
    pub declined: u32,
    /// Past the deadline and not signed.
    pub missed: u32,
    /// Due, not yet past the deadline.
    pub open: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceStats {
    pub from: NaiveDate,
    /// Inclusive.
    pub to: NaiveDate,
    pub as_of: DateTime<Utc>,
    pub incidents: u32,
    pub by_class: Vec<(EventClass, u32)>,
    pub by_area: Vec<(FaultArea, u32)>,
    pub by_severity: Vec<(Severity, u32)>,
    pub response: Summary,
    /// Report to resolution, pauses taken out (as the resolution clock counts).
    pub resolution: Summary,
    pub clocks: Vec<ClockTally>,
    pub contract: ContractCounter,
    /// The moment the contract counter stands at: the period's end, or now.
    pub contract_as_of: DateTime<Utc>,
    pub inspections: InspectionTally,
    pub resolved: u32,
    /// Resolved without escalation to a vendor.
    pub first_line: u32,
    pub per_day: Vec<(NaiveDate, u32)>,
    /// Steps of the period's incidents dated well before they were recorded (the
    /// clocks above rest on them).
    pub claimed: Vec<(crate::domain::IncidentId, crate::domain::incident::Claimed)>,
    /// The requesters' word on the period's incidents.
    pub satisfaction: crate::domain::confirmation::Satisfaction,
    /// Incidents of the period with every clock met on time, with a clock met late or
    /// breached, and with a clock still running (not decided yet).
    pub timely: u32,
    pub untimely: u32,
    pub undecided: u32,
    /// Problems open at the period's end (or as of now, for the current period).
    pub problems: Vec<ProblemLine>,
    /// Problems closed in the period.
    pub problems_closed: u32,
    /// Changes whose window began in the period.
    pub changes: crate::domain::change::ChangeTally,
}

/// The rest of the record the reports read: changes and problems.
#[derive(Clone, Debug, Default)]
pub struct Records {
    pub changes: Vec<crate::domain::change::Change>,
    pub problems: Vec<crate::domain::problem::Problem>,
}

impl Records {
    pub fn load(store: &dyn crate::store::Store) -> Result<Records, crate::store::StoreError> {
        Ok(Records {
            changes: crate::ops::change::changes(store)?,
            problems: crate::ops::problem::problems(store)?,
        })
    }
}

/// A problem open at the period's end: how old it was then, how many incidents it lies
/// behind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProblemLine {
    pub id: String,
    pub title: String,
    pub state: crate::domain::problem::ProblemState,
    pub age_days: i64,
    pub incidents: u32,
}

impl InspectionTally {
    /// The inspections due on local dates `from..=to` that have come, by how they stand.
    pub fn of(agenda: &[AgendaItem], from: NaiveDate, to: NaiveDate, tz: chrono_tz::Tz) -> InspectionTally {
        let mut tally = InspectionTally::default();
        for item in agenda {
            let due_local = item.slot.due_at.with_timezone(&tz).date_naive();
            if due_local < from || due_local > to || item.state == RunState::Upcoming {
                continue;
            }
            tally.scheduled += 1;
            match item.state {
                RunState::Done => tally.on_time += 1,
                RunState::DoneLate => tally.late += 1,
                RunState::Declined => tally.declined += 1,
                RunState::Missed | RunState::Overdue => tally.missed += 1,
                _ => tally.open += 1,
            }
        }
        tally
    }
}

/// Folds the incidents out of the event log.
pub fn incidents_from_events(events: &[StoredEvent]) -> Result<Vec<Incident>, DomainError> {
    let mut by_id: std::collections::BTreeMap<String, Incident> = std::collections::BTreeMap::new();
    for event in events.iter().filter(|e| is_incident_event(e)) {
        let before = by_id.remove(&event.subject);
        by_id.insert(event.subject.clone(), apply_stored(before, event)?);
    }
    Ok(by_id.into_values().collect())
}

fn count<T: Copy + PartialEq>(all: &[T], of: impl Iterator<Item = T>) -> Vec<(T, u32)> {
    let values: Vec<T> = of.collect();
    all.iter().map(|v| (*v, values.iter().filter(|x| *x == v).count() as u32)).collect()
}

/// The statistics of local dates `from..=to`: incidents reported in those days, and
/// inspections due in them (`agenda`), with clocks as they stand at `now`.
pub fn compute(
    all_incidents: &[Incident],
    agenda: &[AgendaItem],
    records: &Records,
    site: &Site,
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<Utc>,
) -> ServiceStats {
    let tz = site.tz;
    let start = tz.from_local_datetime(&from.and_time(chrono::NaiveTime::MIN)).earliest();
    let end =
        to.succ_opt().and_then(|d| tz.from_local_datetime(&d.and_time(chrono::NaiveTime::MIN)).earliest());
    let in_period = |at: DateTime<Utc>| {
        start.is_some_and(|s| at >= s.with_timezone(&Utc)) && end.is_some_and(|e| at < e.with_timezone(&Utc))
    };
    let incidents: Vec<&Incident> = all_incidents.iter().filter(|i| in_period(i.reported_at)).collect();
    let (start, end) = (start.map(|s| s.with_timezone(&Utc)), end.map(|e| e.with_timezone(&Utc)));
    let until = end.map_or(now, |e| e.min(now));
    let problems = records
        .problems
        .iter()
        .filter(|p| p.opened_at < until && p.closed.as_ref().is_none_or(|(_, at)| *at >= until))
        .map(|p| ProblemLine {
            id: p.id.clone(),
            title: p.title.clone(),
            state: p.state,
            age_days: (until - p.opened_at).num_days(),
            incidents: p.incidents.len() as u32,
        })
        .collect();
    let problems_closed =
        records.problems.iter().filter(|p| p.closed.as_ref().is_some_and(|(_, at)| in_period(*at))).count()
            as u32;
    let changes = match (start, end) {
        (Some(start), Some(end)) => {
            crate::domain::change::ChangeTally::of(&records.changes, start, end, &site.policy.changes)
        }
        _ => Default::default(),
    };

    let mut tallies: Vec<ClockTally> = Vec::new();
    let (mut responses, mut resolutions) = (Vec::new(), Vec::new());
    // Each incident's clocks are worked out once: for the tallies and for its timeliness.
    let mut timeliness: Vec<Option<bool>> = Vec::with_capacity(incidents.len());
    for incident in &incidents {
        let clocks = clocks(incident, &site.policy, now);
        timeliness.push(crate::domain::confirmation::timely(&clocks));
        for clock in clocks {
            let tally = match tallies.iter_mut().position(|t| t.name == clock.name) {
                Some(at) => &mut tallies[at],
                None => {
                    tallies.push(ClockTally { name: clock.name, met: 0, met_late: 0, breached: 0, open: 0 });
                    tallies.last_mut().expect("just pushed")
                }
            };
            match clock.state {
                ClockState::Met => tally.met += 1,
                ClockState::MetLate => tally.met_late += 1,
                ClockState::Breached => tally.breached += 1,
                _ => tally.open += 1,
            }
            if let (Some(started), Some(stopped)) = (clock.started_at, clock.stopped_at) {
                match clock.name {
                    ClockName::Response => responses.push(stopped - started),
                    ClockName::Resolution => resolutions.push(stopped - started - clock.paused_total),
                    _ => {}
                }
            }
        }
    }
    tallies.sort_by_key(|t| t.name);

    let inspections = InspectionTally::of(agenda, from, to, tz);

    let resolved: Vec<&&Incident> = incidents.iter().filter(|i| i.resolved_at.is_some()).collect();
    let per_day = from
        .iter_days()
        .take_while(|d| *d <= to)
        .map(|day| {
            let n = incidents.iter().filter(|i| i.reported_at.with_timezone(&tz).date_naive() == day).count();
            (day, n as u32)
        })
        .collect();
    ServiceStats {
        from,
        to,
        as_of: now,
        incidents: incidents.len() as u32,
        by_class: count(EventClass::ALL, incidents.iter().map(|i| i.class)),
        by_area: count(FaultArea::ALL, incidents.iter().map(|i| i.area)),
        by_severity: count(Severity::ALL, incidents.iter().map(|i| i.severity)),
        response: Summary::of(responses),
        resolution: Summary::of(resolutions),
        clocks: tallies,
        // As the period ended, for a period that has: a closed month's report reads
        // the same whenever it is printed.
        contract: contract_counter(
            all_incidents.iter().filter(|i| i.reported_at < until),
            &site.policy,
            site.contract,
            tz,
            until,
        ),
        contract_as_of: until,
        inspections,
        resolved: resolved.len() as u32,
        first_line: resolved.iter().filter(|i| i.escalated_to.is_none()).count() as u32,
        per_day,
        claimed: incidents.iter().flat_map(|i| i.claimed.iter().map(|c| (i.id.clone(), c.clone()))).collect(),
        satisfaction: crate::domain::confirmation::Satisfaction::of(incidents.iter().copied()),
        timely: timeliness.iter().filter(|t| **t == Some(true)).count() as u32,
        untimely: timeliness.iter().filter(|t| **t == Some(false)).count() as u32,
        undecided: timeliness.iter().filter(|t| t.is_none()).count() as u32,
        problems,
        problems_closed,
        changes,
    }
}

/// A share as a percentage with one decimal, or a dash when there is nothing to divide.
pub fn percent(part: u32, whole: u32) -> String {
    if whole == 0 { "—".to_string() } else { format!("{:.1}%", f64::from(part) * 100.0 / f64::from(whole)) }
}

fn opt_duration(d: Option<Duration>, lang: Lang) -> String {
    d.map_or_else(|| "—".to_string(), |d| duration(d, lang))
}

/// The report as blocks; `paper` holds the weeks of the period (none for a weekly
/// report) when it is to be printed, and brings the charts and the places to sign.
pub fn blocks(
    stats: &ServiceStats,
    title: &str,
    site: &Site,
    lang: Lang,
    paper: Option<&[ServiceStats]>,
) -> Vec<Block> {
    let t = |zh: &'static str, en: &'static str| lang.pick(zh, en).to_string();
    let mut out = vec![
        Block::Title(title.to_string()),
        Block::Lines(vec![
            format!("{}: {} — {}", t("统计区间", "Period"), stats.from, stats.to),
            format!("{}: {} ({})", t("统计时间", "As of"), local_time(stats.as_of, site.tz), site.tz),
        ]),
        Block::Heading(t("事件", "Incidents")),
        Block::Lines(vec![format!("{}: {}", t("事件总数", "Incidents reported"), stats.incidents)]),
    ];
    let counts = |head: String, rows: Vec<(&str, u32)>| {
        let rows = rows.into_iter().map(|(label, n)| vec![label.to_string(), n.to_string()]).collect();
        Block::table(vec![head, t("数量", "Count")], &[1], rows)
    };
    let by_class: Vec<(&str, u32)> = stats.by_class.iter().map(|(c, n)| (c.label(lang), *n)).collect();
    let by_area: Vec<(&str, u32)> = stats.by_area.iter().map(|(a, n)| (a.label(lang), *n)).collect();
    out.push(counts(t("分类", "Class"), by_class.clone()));
    out.push(counts(t("故障所属", "Fault area"), by_area.clone()));
    out.push(counts(
        t("级别", "Severity"),
        stats.by_severity.iter().map(|(s, n)| (s.label(lang), *n)).collect(),
    ));
    if paper.is_some() {
        let one = |caption: String, rows: &[(&str, u32)]| {
            let categories: Vec<String> = rows.iter().map(|(l, _)| l.to_string()).collect();
            let values = rows.iter().map(|(_, n)| *n).collect();
            Block::Chart(vec![chart::counts(
                chart::Width::Full,
                &caption,
                &t("件", "incidents"),
                &categories,
                values,
            )])
        };
        out.push(one(t("按分类的事件", "Incidents by class"), &by_class));
        out.push(one(t("按故障所属的事件", "Incidents by fault area"), &by_area));
    }

    out.push(Block::Heading(t("响应与解决时间", "Response and resolution times")));
    let times = [
        (t("响应", "Response"), &stats.response),
        (t("解决（扣除暂停）", "Resolution (pauses excluded)"), &stats.resolution),
    ];
    out.push(Block::table(
        vec![String::new(), t("件数", "Count"), t("中位数", "Median"), t("90 百分位", "90th percentile")],
        &[1, 2, 3],
        times
            .iter()
            .map(|(label, s)| {
                vec![
                    label.clone(),
                    s.count.to_string(),
                    opt_duration(s.median, lang),
                    opt_duration(s.p90, lang),
                ]
            })
            .collect(),
    ));
    if paper.is_some() {
        // One chart each, side by side: a response in minutes and a resolution in hours
        // on one scale would leave the response a line on the floor.
        let minutes = |d: Option<Duration>| d.map_or(0, |d| u32::try_from(d.num_minutes()).unwrap_or(0));
        let categories = vec![t("中位数", "Median"), t("90 百分位", "90th percentile")];
        let charts = times
            .iter()
            .map(|(label, s)| {
                let values = vec![minutes(s.median), minutes(s.p90)];
                chart::counts(chart::Width::Half, label, &t("分钟", "minutes"), &categories, values)
            })
            .collect();
        out.push(Block::Chart(charts));
    }

    out.push(Block::Heading(t("时限达成", "Clocks met")));
    out.push(Block::table(
        vec![
            t("时限", "Clock"),
            t("按时", "Met"),
            t("超时完成", "Met late"),
            t("已超时", "Breached"),
            t("进行中", "Open"),
        ],
        &[1, 2, 3, 4],
        stats
            .clocks
            .iter()
            .map(|c| {
                vec![
                    c.name.label(lang).to_string(),
                    c.met.to_string(),
                    c.met_late.to_string(),
                    c.breached.to_string(),
                    c.open.to_string(),
                ]
            })
            .collect(),
    ));
    if let Some(weeks) = paper {
        out.push(Block::Chart(vec![clock_chart(stats, weeks, lang)]));
    }

    let i = &stats.inspections;
    out.push(Block::Heading(t("合同计数", "Contract counter")));
    let mut contract = vec![contract_summary(&stats.contract, lang)];
    if stats.contract_as_of < stats.as_of {
        contract.push(format!("{} {}", t("截至", "As of"), local_time(stats.contract_as_of, site.tz)));
    }
    out.push(Block::Lines(contract));
    out.push(Block::Heading(t("巡检", "Inspections")));
    out.push(Block::table(
        vec![
            t("应巡检", "Due"),
            t("按时完成", "On time"),
            t("超时完成", "Late"),
            t("声明无法完成", "Declined"),
            t("未完成", "Missed"),
            t("进行中", "Open"),
            t("按时率", "On-time rate"),
        ],
        &[0, 1, 2, 3, 4, 5, 6],
        vec![vec![
            i.scheduled.to_string(),
            i.on_time.to_string(),
            i.late.to_string(),
            i.declined.to_string(),
            i.missed.to_string(),
            i.open.to_string(),
            percent(i.on_time, i.scheduled),
        ]],
    ));

    out.push(Block::Heading(t("一线解决率", "First-line resolution")));
    out.push(Block::Lines(vec![format!(
        "{}: {} · {}: {} · {}: {}",
        t("已解决", "Resolved"),
        stats.resolved,
        t("未上报厂商即解决", "without a vendor"),
        stats.first_line,
        t("一线解决率", "rate"),
        percent(stats.first_line, stats.resolved),
    )]));
    out.push(Block::Heading(t("每日事件数", "Incidents per day")));
    out.push(Block::table(
        vec![t("日期", "Date"), t("数量", "Count")],
        &[1],
        stats.per_day.iter().map(|(day, n)| vec![day.to_string(), n.to_string()]).collect(),
    ));
    if paper.is_some() {
        let categories: Vec<String> =
            stats.per_day.iter().map(|(day, _)| day.format("%d").to_string()).collect();
        let values = stats.per_day.iter().map(|(_, n)| *n).collect();
        let caption = t("每日事件数", "Incidents per day");
        out.push(Block::Chart(vec![chart::counts(
            chart::Width::Full,
            &caption,
            &t("件", "incidents"),
            &categories,
            values,
        )]));
    }

    let s = &stats.satisfaction;
    let verdict = |met: Option<bool>| match met {
        Some(true) => t("达标", "met"),
        Some(false) => t("未达标", "not met"),
        None => t("无数据", "nothing to measure"),
    };
    out.push(Block::Heading(t("用户确认与满意度", "The requesters' word")));
    out.push(Block::Lines(vec![format!(
        "{}: {} · {}: {} · {}: {} · {}: {} · {}: {}",
        t("满意", "Satisfied"),
        s.satisfied,
        t("基本满意", "Basically satisfied"),
        s.basic,
        t("不满意", "Dissatisfied"),
        s.dissatisfied,
        t("逾期自动确认", "Confirmed by the site's rule"),
        s.auto,
        t("待确认", "Awaiting their word"),
        s.waiting,
    )]));
    out.push(Block::Lines(vec![format!(
        "{}: {} ({} {} / {} {}; {} ≥ 90%: {})",
        t(
            "满意率（满意与基本满意／已评价）",
            "Satisfaction (satisfied and basically satisfied of those rated)"
        ),
        s.rate().map_or_else(|| "—".to_string(), |r| format!("{r:.1}%")),
        t("已评价", "rated"),
        s.rated(),
        stats.resolved,
        t("件已解决", "resolved"),
        t("目标", "target"),
        verdict(s.meets_target()),
    )]));
    out.push(Block::Heading(t("及时处理率", "Timely handling")));
    out.push(Block::Lines(vec![format!(
        "{}: {} · {}: {} · {}: {} — {} ({} 100%: {})",
        t("各项时限均按时完成", "every clock met on time"),
        stats.timely,
        t("有时限超时", "a clock late or breached"),
        stats.untimely,
        t("时限未到", "not decided yet"),
        stats.undecided,
        percent(stats.timely, stats.timely + stats.untimely),
        t("目标", "target"),
        verdict((stats.timely + stats.untimely > 0).then_some(stats.untimely == 0)),
    )]));

    out.push(Block::Heading(t("问题", "Problems")));
    out.push(Block::Lines(vec![format!(
        "{}: {} · {}: {}",
        t("期末未关闭", "Not closed at the end"),
        stats.problems.len(),
        t("本期关闭", "Closed in the period"),
        stats.problems_closed,
    )]));
    if !stats.problems.is_empty() {
        out.push(Block::table(
            vec![
                t("编号", "Problem"),
                t("状态", "State"),
                t("已持续（天）", "Age (days)"),
                t("关联事件", "Incidents"),
                t("标题", "Title"),
            ],
            &[2, 3],
            stats
                .problems
                .iter()
                .map(|p| {
                    vec![
                        p.id.clone(),
                        p.state.label(lang).to_string(),
                        p.age_days.to_string(),
                        p.incidents.to_string(),
                        p.title.clone(),
                    ]
                })
                .collect(),
        ));
    }
    let c = &stats.changes;
    out.push(Block::Heading(t("变更", "Changes")));
    out.push(Block::table(
        vec![
            t("常规变更", "Normal"),
            t("紧急变更", "Emergency"),
            t("成功", "Succeeded"),
            t("失败", "Failed"),
            t("已回退", "Rolled back"),
            t("未结束", "Not over"),
            t("已驳回", "Rejected"),
            t("成功率", "Success rate"),
            t("紧急变更补记超时", "Emergency written up late"),
        ],
        &[0, 1, 2, 3, 4, 5, 6, 7, 8],
        vec![vec![
            c.normal.to_string(),
            c.emergency.to_string(),
            c.succeeded.to_string(),
            c.failed.to_string(),
            c.rolled_back.to_string(),
            c.open.to_string(),
            c.rejected.to_string(),
            c.success_percent().map_or_else(|| "—".to_string(), |r| format!("{r:.1}%")),
            c.late_records.to_string(),
        ]],
    ));
    out.push(Block::Heading(t("补记的时间", "Times claimed later")));
    if stats.claimed.is_empty() {
        out.push(Block::Lines(vec![t(
            "无：每一步都在发生时记录。",
            "None: every step was recorded as it happened.",
        )]));
    } else {
        out.push(Block::List(
            stats
                .claimed
                .iter()
                .map(|(id, claimed)| format!("{id} {}", crate::i18n::claimed_step(claimed, site.tz, lang)))
                .collect(),
        ));
    }
    if paper.is_some() {
        out.push(Block::SignHere(vec![
            (t("运维服务方（编制）", "Service provider (prepared by)"), None),
            (t("采购方（确认）", "Client (accepted by)"), None),
        ]));
    }
    out
}

/// Clock compliance: each clock's met / late / breached / open, or — for a month, by
/// its weeks — the clocks of each week.
fn clock_chart(stats: &ServiceStats, weeks: &[ServiceStats], lang: Lang) -> String {
    let t = |zh: &'static str, en: &'static str| lang.pick(zh, en).to_string();
    let tallies: Vec<(String, Vec<&ClockTally>)> = if weeks.is_empty() {
        stats.clocks.iter().map(|c| (c.name.label(lang).to_string(), vec![c])).collect()
    } else {
        weeks
            .iter()
            .map(|w| {
                (format!("{}–{}", w.from.format("%m-%d"), w.to.format("%m-%d")), w.clocks.iter().collect())
            })
            .collect()
    };
    let categories: Vec<String> = tallies.iter().map(|(label, _)| label.clone()).collect();
    let sum = |f: fn(&ClockTally) -> u32| -> Vec<u32> {
        tallies.iter().map(|(_, cs)| cs.iter().map(|c| f(c)).sum()).collect()
    };
    let series = [
        chart::Series { name: t("按时", "Met"), colour: chart::GOOD, values: sum(|c| c.met) },
        chart::Series {
            name: t("超时完成", "Met late"), colour: chart::LATE, values: sum(|c| c.met_late)
        },
        chart::Series { name: t("已超时", "Breached"), colour: chart::BAD, values: sum(|c| c.breached) },
        chart::Series { name: t("进行中", "Open"), colour: chart::OPEN, values: sum(|c| c.open) },
    ];
    let caption = if weeks.is_empty() {
        t("各时限达成情况", "Clocks met, by clock")
    } else {
        t("各周时限达成情况", "Clocks met, by week")
    };
    chart::bars(chart::Width::Full, &caption, &t("个时限", "clocks"), &categories, &series)
}

/// The report as Markdown.
pub fn markdown(stats: &ServiceStats, title: &str, site: &Site, lang: Lang) -> String {
    doc::markdown(&blocks(stats, title, site, lang, None))
}

/// The report as CSV: one `section,item,value` row per figure.
pub fn csv(stats: &ServiceStats, lang: Lang) -> String {
    let mut rows: Vec<(String, String, String)> = Vec::new();
    let mut row = |section: &str, item: &str, value: String| {
        rows.push((section.to_string(), item.to_string(), value));
    };
    row("period", "from", stats.from.to_string());
    row("period", "to", stats.to.to_string());
    row("period", "as_of", stats.as_of.to_rfc3339_opts(chrono::SecondsFormat::Secs, false));
    row("incidents", "total", stats.incidents.to_string());
    for (c, n) in &stats.by_class {
        row("class", c.label(lang), n.to_string());
    }
    for (a, n) in &stats.by_area {
        row("area", a.label(lang), n.to_string());
    }
    for (s, n) in &stats.by_severity {
        row("severity", s.label(lang), n.to_string());
    }
    let secs = |d: Option<Duration>| d.map_or_else(String::new, |d| d.num_seconds().to_string());
    for (name, s) in [("response", &stats.response), ("resolution", &stats.resolution)] {
        row(name, "count", s.count.to_string());
        row(name, "median_seconds", secs(s.median));
        row(name, "p90_seconds", secs(s.p90));
    }
    for c in &stats.clocks {
        let name = format!("clock:{}", c.name.label(lang));
        row(&name, "met", c.met.to_string());
        row(&name, "met_late", c.met_late.to_string());
        row(&name, "breached", c.breached.to_string());
        row(&name, "open", c.open.to_string());
    }
    row("contract", "late_responses", stats.contract.late_responses.to_string());
    row("contract", "breaches", stats.contract.breaches.to_string());
    row("contract", "penalty_percent", stats.contract.penalty_percent.to_string());
    row("contract", "resting_on_claims", stats.contract.resting_on_claims.to_string());
    let i = &stats.inspections;
    for (item, n) in [
        ("due", i.scheduled),
        ("on_time", i.on_time),
        ("late", i.late),
        ("declined", i.declined),
        ("missed", i.missed),
        ("open", i.open),
    ] {
        row("inspections", item, n.to_string());
    }
    row("first_line", "resolved", stats.resolved.to_string());
    row("first_line", "without_vendor", stats.first_line.to_string());
    for (day, n) in &stats.per_day {
        row("per_day", &day.to_string(), n.to_string());
    }
    let s = &stats.satisfaction;
    for (item, n) in [
        ("satisfied", s.satisfied),
        ("basically_satisfied", s.basic),
        ("dissatisfied", s.dissatisfied),
        ("confirmed_by_rule", s.auto),
        ("awaiting", s.waiting),
    ] {
        row("satisfaction", item, n.to_string());
    }
    row("satisfaction", "rate_percent", s.rate().map_or_else(String::new, |r| format!("{r:.1}")));
    row("satisfaction", "rated", s.rated().to_string());
    row("timely", "every_clock_met", stats.timely.to_string());
    row("timely", "late_or_breached", stats.untimely.to_string());
    row("timely", "not_decided", stats.undecided.to_string());
    row(
        "timely",
        "rate_percent",
        percent(stats.timely, stats.timely + stats.untimely).trim_end_matches('%').to_string(),
    );
    row("problems", "not_closed", stats.problems.len().to_string());
    row("problems", "closed", stats.problems_closed.to_string());
    for p in &stats.problems {
        row(&format!("problem:{}", p.id), "state", p.state.label(lang).to_string());
        row(&format!("problem:{}", p.id), "age_days", p.age_days.to_string());
        row(&format!("problem:{}", p.id), "incidents", p.incidents.to_string());
    }
    let ch = &stats.changes;
    for (item, n) in [
        ("normal", ch.normal),
        ("emergency", ch.emergency),
        ("succeeded", ch.succeeded),
        ("failed", ch.failed),
        ("rolled_back", ch.rolled_back),
        ("not_over", ch.open),
        ("rejected", ch.rejected),
        ("emergency_written_late", ch.late_records),
    ] {
        row("changes", item, n.to_string());
    }
    row("changes", "success_percent", ch.success_percent().map_or_else(String::new, |r| format!("{r:.1}")));
    for (id, c) in &stats.claimed {
        let value = format!(
            "claimed={};recorded={};by={};reason={}",
            c.claimed.to_rfc3339(),
            c.recorded.to_rfc3339(),
            c.by,
            c.reason.as_deref().unwrap_or_default()
        );
        row("claimed", &format!("{id} {}", c.step), value);
    }
    // The rows' first two cells are stable keys for spreadsheets; the header is read.
    let mut out = lang.pick("部分,项目,数值\n", "section,item,value\n").to_string();
    for (a, b, c) in rows {
        out.push_str(&format!("{},{},{}\n", csv_field(&a), csv_field(&b), csv_field(&c)));
    }
    out
}
