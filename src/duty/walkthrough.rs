//! What each step of the handover lists, worked out from the live data: the items the
//! two engineers must acknowledge (or note) before going on. Pure: everything comes in
//! as arguments, so the console and the tests compute the same lists.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::LoggedEntry;
use crate::agenda::AgendaItem;
use crate::domain::check::{CheckState, CheckStatus};
use crate::domain::handover::Step;
use crate::domain::maintenance::Window;
use crate::domain::shift::ShiftSlot;
use crate::domain::sla::{ClockState, SlaPolicy, clocks, most_urgent};
use crate::domain::{Incident, State};
use crate::i18n::{Label, Lang, duration};
use crate::store::{SourceState, StoredEvent};

/// One line of a step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub id: String,
    pub text: String,
    /// An incident whose ownership may be passed on from this line.
    pub incident: Option<String>,
}

/// Everything the walkthrough looks at.
pub struct Inputs<'a> {
    pub outgoing: &'a ShiftSlot,
    pub incoming: &'a ShiftSlot,
    pub incidents: &'a [&'a Incident],
    pub policy: &'a SlaPolicy,
    pub agenda: &'a [AgendaItem],
    pub checks: &'a [CheckState],
    pub sources: &'a [SourceState],
    pub maintenance: &'a [Window],
    /// Every change (those planned in the incoming shift are listed).
    pub changes: &'a [crate::domain::change::Change],
    /// `ssh.run` events (any time; those of the outgoing shift are kept).
    pub ssh_runs: &'a [StoredEvent],
    pub duty_log: &'a [LoggedEntry],
    pub tz: Tz,
    pub lang: Lang,
    pub now: DateTime<Utc>,
}

fn hm(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%m-%d %H:%M").to_string()
}

/// The items of one step.
pub fn items(step: Step, input: &Inputs<'_>) -> Vec<Item> {
    let lang = input.lang;
    let tz = input.tz;
    let t = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let plain = |id: String, text: String| Item { id, text, incident: None };
    match step {
        Step::Incidents => input
            .incidents
            .iter()
            .filter(|i| i.state != State::Closed)
            .map(|i| {
                let clock = most_urgent(&clocks(i, input.policy, input.now)).map(|c| {
                    let left = c.remaining.map(|r| duration(r, lang)).unwrap_or_default();
                    format!("{} {} {left}", c.name.label(lang), c.state.label(lang))
                });
                let text = format!(
                    "{} [{}] {} — {} · {}: {} · {}{}",
                    i.id,
                    i.severity.label(lang),
                    i.title,
                    i.state.label(lang),
                    t("负责人", "owner"),
                    i.owner.as_deref().unwrap_or(t("无", "none")),
                    clock.unwrap_or_else(|| t("无进行中的时限", "no running clock").to_string()),
                    i.last_note
                        .as_ref()
                        .map(|n| format!(" · {}: {n}", t("最新备注", "last note")))
                        .unwrap_or_default()
                );
                Item { id: i.id.0.clone(), text, incident: Some(i.id.0.clone()) }
            })
            .collect(),
        Step::DueNext => {
            let (from, to) = (input.incoming.start, input.incoming.end);
            let mut due: Vec<(DateTime<Utc>, Item)> = Vec::new();
            for incident in input.incidents.iter().filter(|i| i.state != State::Closed) {
                for clock in clocks(incident, input.policy, input.now) {
                    let live = matches!(clock.state, ClockState::Running | ClockState::DueSoon);
                    if let (true, Some(at)) = (live, clock.due_at)
                        && at <= to
                        && at >= from.min(input.now)
                    {
                        due.push((
                            at,
                            Item {
                                id: format!("{}/{}", incident.id, clock.name.key()),
                                text: format!(
                                    "{} {} {} {} — {}",
                                    incident.id,
                                    clock.name.label(lang),
                                    t("到期", "due"),
                                    hm(at, tz),
                                    incident.title
                                ),
                                incident: Some(incident.id.0.clone()),
                            },
                        ));
                    }
                }
            }
            due.sort_by_key(|(at, _)| *at);
            due.into_iter().map(|(_, item)| item).collect()
        }
        Step::Inspections => input
            .agenda
            .iter()
            .filter(|a| a.slot.due_at < input.incoming.end && a.slot.deadline_at >= input.outgoing.start)
            .map(|a| {
                let by = a.run.as_ref().and_then(|r| r.signed.as_ref()).map(|(by, _)| format!(" ({by})"));
                plain(
                    a.slot.run.clone(),
                    format!(
                        "{} {} — {}{}",
                        hm(a.slot.due_at, tz),
                        a.name,
                        crate::i18n::run_state_text(a.state, a.run.as_ref(), lang),
                        by.unwrap_or_default()
                    ),
                )
            })
            .collect(),
        Step::Machines => {
            let mut list: Vec<Item> = input
                .checks
                .iter()
                .filter(|c| c.status != CheckStatus::Normal)
                .map(|c| {
                    let why = crate::i18n::evidence_reason(&c.evidence, input.lang)
                        .or_else(|| c.evidence.excerpt.clone())
                        .unwrap_or_default();
                    plain(
                        format!("{}/{}", c.host, c.check),
                        format!(
                            "{} {}/{} {} {} {} {why}",
                            c.status.mark(),
                            c.host,
                            c.check,
                            c.status.label(lang),
                            t("自", "since"),
                            hm(c.since, tz)
                        ),
                    )
                })
                .collect();
            list.extend(input.sources.iter().filter(|s| !s.ok).map(|s| {
                plain(
                    format!("source/{}", s.name),
                    format!(
                        "? {} {} {} {} {}",
                        s.name,
                        t("不可达", "unreachable"),
                        t("自", "since"),
                        hm(s.since, tz),
                        s.error.clone().unwrap_or_default()
                    ),
                )
            }));
            list.extend(
                input
                    .maintenance
                    .iter()
                    .filter(|w| w.until > input.now && w.until <= input.incoming.end)
                    .map(|w| {
                        plain(
                            format!("maintenance/{}", w.id),
                            format!(
                                "⚒ {} {} {} {} — {}",
                                w.hosts.join(","),
                                t("维护窗口", "maintenance window"),
                                t("结束于", "ends"),
                                hm(w.until, tz),
                                w.reason
                            ),
                        )
                    }),
            );
            // Changes planned in the incoming shift, with their way back.
            list.extend(
                input
                    .changes
                    .iter()
                    .filter(|c| {
                        use crate::domain::change::ChangeState as S;
                        !matches!(c.state, S::Finished | S::Rejected)
                            && c.request.from < input.incoming.end
                            && c.request.until > input.incoming.start
                    })
                    .map(|c| {
                        plain(
                            format!("change/{}", c.id),
                            format!(
                                "⚒ {} {} {}–{} {} {} ({}: {})",
                                c.id,
                                crate::i18n::Label::label(&c.state, lang),
                                hm(c.request.from, tz),
                                hm(c.request.until, tz),
                                c.request.hosts.join(","),
                                c.request.what,
                                t("回退", "rollback"),
                                c.request.rollback
                            ),
                        )
                    }),
            );
            list
        }
        Step::SshRuns => input
            .ssh_runs
            .iter()
            .filter(|e| {
                e.kind == "ssh.run"
                    && e.occurred_at >= input.outgoing.start
                    && e.occurred_at < input.outgoing.end
            })
            .map(|e| {
                let record: serde_json::Value = serde_json::from_str(&e.payload).unwrap_or_default();
                let field = |name: &str| record[name].as_str().unwrap_or("").to_string();
                plain(
                    format!("ssh/{}", e.seq),
                    format!(
                        "{} {} {}@{} {} — {}",
                        hm(e.occurred_at, tz),
                        e.actor,
                        field("action"),
                        field("host"),
                        field("ending"),
                        field("last_line")
                    ),
                )
            })
            .collect(),
        Step::DutyLog => input
            .duty_log
            .iter()
            .map(|l| {
                plain(
                    format!("log/{}", l.seq),
                    format!(
                        "{} {} [{}] {}",
                        hm(l.at, tz),
                        l.by,
                        crate::i18n::duty::entry_kind(l.entry.key()).get(lang),
                        crate::i18n::duty::entry_line(&l.entry, lang)
                    ),
                )
            })
            .collect(),
        Step::Notes => Vec::new(),
    }
}
