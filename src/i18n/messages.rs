//! Messages: refusals, errors and CLI output, zh and en side by side.

use chrono::{DateTime, Duration, Utc};

use super::{Label, Lang};
use crate::domain::DomainError;

/// Formats an instant for people: local time of the site, to the second.
pub fn local_time(at: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    at.with_timezone(&tz).format("%Y-%m-%d %H:%M:%S").to_string()
}

/// The zone refusals show their times in: the site's, set once when a command loads
/// its site (a process serves one site). Until then times are shown in UTC, marked Z.
static SHOWN_ZONE: std::sync::OnceLock<chrono_tz::Tz> = std::sync::OnceLock::new();

/// Shows the times of refusals and messages in the site's zone from now on.
pub fn show_times_in(tz: chrono_tz::Tz) {
    let _ = SHOWN_ZONE.set(tz);
}

/// A time in a refusal: local to the site when known.
fn shown(at: &DateTime<Utc>) -> String {
    match SHOWN_ZONE.get() {
        Some(tz) => local_time(*at, *tz),
        None => at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    }
}

/// Why a check judged as it did, in the reader's language: the reason, with what the
/// system said beside it. Evidence recorded before reasons were kept shows its text.
pub fn evidence_reason(evidence: &crate::domain::check::Evidence, lang: Lang) -> Option<String> {
    use crate::domain::check::Reason as R;
    let Some(reason) = &evidence.reason else { return evidence.error.clone() };
    let unjudged = lang.pick("未判断：", "not judged: ");
    let text = match (reason, lang) {
        (R::Refused { address }, Lang::Zh) => format!("连接 {address} 被拒绝"),
        (R::Refused { address }, Lang::En) => format!("connection to {address} refused"),
        (R::ConnectFailed { address }, Lang::Zh) => format!("连接 {address} 失败"),
        (R::ConnectFailed { address }, Lang::En) => format!("cannot connect to {address}"),
        (R::NoAnswer { ms }, Lang::Zh) => format!("{ms} 毫秒内无应答"),
        (R::NoAnswer { ms }, Lang::En) => format!("no answer within {ms} ms"),
        (R::Incomplete { ms }, Lang::Zh) => format!("{ms} 毫秒内未收到完整应答"),
        (R::Incomplete { ms }, Lang::En) => format!("no complete answer within {ms} ms"),
        (R::Failed, _) => lang.pick("请求失败", "the request failed").to_string(),
        (R::Status { code, expected }, Lang::Zh) => format!("状态码 {code}，应为 {expected}"),
        (R::Status { code, expected }, Lang::En) => format!("status {code}, expected {expected}"),
        (R::BodyMissing { wanted }, Lang::Zh) => format!("返回内容中没有“{wanted}”"),
        (R::BodyMissing { wanted }, Lang::En) => format!("the answer does not contain \"{wanted}\""),
        (R::Exit { code }, Lang::Zh) => format!("命令退出码 {code}"),
        (R::Exit { code }, Lang::En) => format!("the command exited with {code}"),
        (R::Killed { signal }, Lang::Zh) => format!("命令被信号 {signal} 终止"),
        (R::Killed { signal }, Lang::En) => format!("the command was killed by {signal}"),
        (R::AtLeast { value, limit }, _) => format!("{value} ≥ {limit}"),
        (R::NoReply, _) => lang.pick("ping 无回应", "no reply to ping").to_string(),
        (R::PingUnfinished, _) => lang.pick("ping 未在时限内结束", "ping did not finish").to_string(),
        (R::SshNotSetUp, _) => {
            format!("{unjudged}{}", lang.pick("探测未配置 SSH", "SSH is not set up for probes"))
        }
        (R::NoHost { host }, Lang::Zh) => format!("{unjudged}没有设备 {host}"),
        (R::NoHost { host }, Lang::En) => format!("{unjudged}no host {host}"),
        (R::PingMissing, _) => format!("{unjudged}{}", lang.pick("未安装 ping", "ping is not installed")),
        (R::NoIcmpPermission, _) => {
            format!("{unjudged}{}", lang.pick("无权发送 ICMP", "no permission to send ICMP"))
        }
        (R::NoNumber, _) => format!("{unjudged}{}", lang.pick("输出中没有数字", "no number in the output")),
        (R::CannotJudge, _) => lang.pick("未判断", "not judged").to_string(),
        (R::BackupMissing { dir, pattern }, Lang::Zh) => format!("{dir} 中没有符合 {pattern} 的备份文件"),
        (R::BackupMissing { dir, pattern }, Lang::En) => format!("no backup matching {pattern} in {dir}"),
        (R::BackupStale { file, hours, limit_hours }, Lang::Zh) => {
            format!("最新备份 {file} 已有 {hours} 小时（上限 {limit_hours} 小时）")
        }
        (R::BackupStale { file, hours, limit_hours }, Lang::En) => {
            format!("the newest backup {file} is {hours} h old (limit {limit_hours} h)")
        }
        (R::BackupSmall { file, bytes, min_bytes }, Lang::Zh) => {
            format!("最新备份 {file} 只有 {bytes} 字节（至少 {min_bytes} 字节）")
        }
        (R::BackupSmall { file, bytes, min_bytes }, Lang::En) => {
            format!("the newest backup {file} is only {bytes} bytes (at least {min_bytes})")
        }
    };
    Some(match &evidence.error {
        Some(said) => format!("{text} ({})", crate::text::visible(said, false)),
        None => text,
    })
}

/// Everything a check's evidence says, as one line: the reason, the time taken, the
/// status and what came back.
pub fn evidence_line(evidence: &crate::domain::check::Evidence, lang: Lang) -> String {
    let mut parts = Vec::new();
    parts.extend(evidence_reason(evidence, lang));
    if let Some(ms) = evidence.latency_ms {
        parts.push(format!("{ms} ms"));
    }
    if let Some(code) = evidence.status_code {
        parts.push(format!("HTTP {code}"));
    }
    if let Some(excerpt) = evidence.excerpt.as_deref().filter(|e| !e.trim().is_empty()) {
        parts.push(format!(
            "{}: {}",
            lang.pick("返回", "answer"),
            crate::text::visible(excerpt.trim(), false)
        ));
    }
    parts.join(lang.pick("；", "; "))
}

/// Who runs the engine, in words: `vm:8890 console` → "console on vm (pid 8890)".
pub fn engine_holder(holder: &str, lang: Lang) -> String {
    let (place, program) = holder.split_once(' ').unwrap_or((holder, ""));
    let (host, pid) = place.rsplit_once(':').unwrap_or((place, ""));
    let program = match program {
        "console" => lang.pick("控制台", "console"),
        "engine" => lang.pick("引擎进程", "engine process"),
        "serve" => lang.pick("值班服务", "service"),
        _ => lang.pick("进程", "process"),
    };
    let host = crate::text::visible(host, false);
    match lang {
        Lang::Zh => format!("{host} 上的{program}（进程 {pid}）"),
        Lang::En => format!("{program} on {host} (pid {pid})"),
    }
}

/// Why a typed time ahead of now is refused.
pub fn time_ahead(at: DateTime<Utc>, tz: chrono_tz::Tz, lang: Lang) -> String {
    let shown = local_time(at, tz);
    match lang {
        Lang::Zh => format!("{shown} 晚于现在；若指昨天，请写“昨天 HH:MM”"),
        Lang::En => format!("{shown} is ahead of now; for yesterday, type \"yesterday HH:MM\""),
    }
}

/// What a report time far back does to the clocks, asked before it is taken.
pub fn backdate_question(
    at: DateTime<Utc>,
    effect: &crate::domain::sla::BackdateEffect,
    tz: chrono_tz::Tz,
    lang: Lang,
) -> String {
    let mut parts = vec![match lang {
        Lang::Zh => format!("报告时间 {} 比现在早 {}", local_time(at, tz), duration(effect.back, lang)),
        Lang::En => format!("report time {} is {} back", local_time(at, tz), duration(effect.back, lang)),
    }];
    if let Some(late) = effect.response_late {
        parts.push(match lang {
            Lang::Zh => format!("响应已超时 {}，计入合同迟响应", duration(late, lang)),
            Lang::En => {
                format!("the response is {} late and counts against the contract", duration(late, lang))
            }
        });
    }
    if let Some(late) = effect.resolution_late {
        parts.push(match lang {
            Lang::Zh => format!("解决时限已超出 {}", duration(late, lang)),
            Lang::En => format!("the resolution limit is already {} past", duration(late, lang)),
        });
    }
    let ask =
        lang.pick("再按 Ctrl-S 按此时间登记，或修改时间", "Ctrl-S again to record it so, or change the time");
    format!("{}{}{ask}", parts.join(lang.pick("；", "; ")), lang.pick("。", ". "))
}

/// A signed duration as `1h05m`, `12m30s` / `1小时05分`, `12分30秒`; negative with a minus.
pub fn duration(d: Duration, lang: Lang) -> String {
    let sign = if d < Duration::zero() { "-" } else { "" };
    let secs = d.num_seconds().unsigned_abs();
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let body = match (lang, h) {
        (Lang::Zh, 0) => format!("{m}分{s:02}秒"),
        (Lang::Zh, _) => format!("{h}小时{m:02}分"),
        (Lang::En, 0) => format!("{m}m{s:02}s"),
        (Lang::En, _) => format!("{h}h{m:02}m"),
    };
    format!("{sign}{body}")
}

/// A field's name as the user reads it.
pub fn field_label(field: &str, lang: Lang) -> &str {
    let (zh, en) = match field {
        "title" => ("标题", "title"),
        "reported_at" => ("报告时间", "report time"),
        "severity" => ("级别", "severity"),
        "class" => ("分类", "class"),
        "area" => ("故障所属", "area"),
        "description" => ("描述", "description"),
        "note" => ("备注", "note"),
        "vendor" => ("厂商", "vendor"),
        "name" => ("姓名", "name"),
        "cause" => ("原因", "cause"),
        "solution" => ("解决方案", "solution"),
        "measures" => ("预防措施", "preventive measures"),
        "process" => ("处理过程", "process"),
        "hosts" => ("设备", "hosts"),
        "reason" => ("原因", "reason"),
        "operators" => ("值班人员", "people on duty"),
        "temperature" => ("温度", "temperature"),
        "humidity" => ("湿度", "humidity"),
        "weather" => ("天气", "weather"),
        "from" => ("开始时间/来源", "from"),
        "who" => ("人员", "who"),
        "what" => ("内容", "what"),
        "before" => ("使用前状态", "state before"),
        "after" => ("使用后状态", "state after"),
        "why" => ("事由", "why"),
        "escort" => ("陪同人员", "escort"),
        "outcome" => ("处理结果", "outcome"),
        other => (other, other),
    };
    lang.pick(zh, en)
}

fn command_label(command: &str, lang: Lang) -> &str {
    let (zh, en) = match command {
        "open" => ("录入", "open"),
        "ack" => ("响应", "acknowledge"),
        "onsite" => ("登记到场", "mark on site"),
        "note" => ("添加备注", "add a note to"),
        "escalate" => ("上报厂商", "escalate"),
        "call" => ("登记通话", "record a call on"),
        "pause" => ("暂停计时", "pause"),
        "resume" => ("恢复计时", "resume"),
        "resolve" => ("解决", "resolve"),
        "report" => ("提交故障报告", "file the fault report of"),
        "close" => ("关闭", "close"),
        "problem" => ("转为问题", "turn into a problem"),
        "confirm" => ("记录用户确认", "record the requester's word on"),
        "handover" => ("移交", "hand over"),
        other => (other, other),
    };
    lang.pick(zh, en)
}

/// The text of a domain refusal.
pub fn domain_error(error: &DomainError, lang: Lang) -> String {
    use DomainError as E;
    match (error, lang) {
        (E::LeadOnly { command: "roster" }, Lang::Zh) => "只有负责人可以调整值班表".to_string(),
        (E::LeadOnly { command: "roster" }, Lang::En) => "only a lead may change the roster".to_string(),
        (E::LeadOnly { command: "seal" }, Lang::Zh) => "只有负责人可以开始封印".to_string(),
        (E::LeadOnly { command: "seal" }, Lang::En) => "only a lead may start sealing".to_string(),
        (E::LeadOnly { command: "hash" }, Lang::Zh) => "只有负责人可以选定哈希算法".to_string(),
        (E::LeadOnly { command: "hash" }, Lang::En) => "only a lead may choose the chain's hash".to_string(),
        (E::LeadOnly { command: "trust" }, Lang::Zh) => "只有负责人可以信任主机密钥".to_string(),
        (E::LeadOnly { command: "trust" }, Lang::En) => "only a lead may trust a host key".to_string(),
        (E::LeadOnly { command: "missed" }, Lang::Zh) => {
            "漏检告警只能由负责人确认，或在该班交接后停止".to_string()
        }
        (E::LeadOnly { command: "missed" }, Lang::En) => {
            "a missed inspection is acknowledged by a lead, or stops once its shift has handed over"
                .to_string()
        }
        (E::NotAllowed { command, state }, Lang::Zh) => {
            format!("不能{}处于“{}”状态的事件", command_label(command, lang), state.label(lang))
        }
        (E::NotAllowed { command, state }, Lang::En) => {
            format!("cannot {} an incident that is {}", command_label(command, lang), state.label(lang))
        }
        (E::AlreadyAcknowledged { by, at }, Lang::Zh) => {
            format!("该事件已由 {by} 于 {} 响应", shown(at))
        }
        (E::AlreadyAcknowledged { by, at }, Lang::En) => {
            format!("already acknowledged by {by} at {}", shown(at))
        }
        (E::LeadOnly { command }, Lang::Zh) => {
            format!("只有负责人可以{}事件", command_label(command, lang))
        }
        (E::LeadOnly { command }, Lang::En) => {
            format!("only a lead may {} an incident", command_label(command, lang))
        }
        (E::Empty { field }, Lang::Zh) => format!("{}不能为空", field_label(field, lang)),
        (E::Empty { field }, Lang::En) => format!("{} must not be empty", field_label(field, lang)),
        (E::TooLong { field, max }, Lang::Zh) => {
            format!("{}过长（最多 {max} 个字符）", field_label(field, lang))
        }
        (E::TooLong { field, max }, Lang::En) => {
            format!("{} is too long (at most {max} characters)", field_label(field, lang))
        }
        (E::BeforePrevious { at, previous }, Lang::Zh) => {
            format!("时间 {} 早于该事件上一步的时间 {}", shown(at), shown(previous))
        }
        (E::BeforePrevious { at, previous }, Lang::En) => {
            format!("time {} is before the incident's previous step at {}", shown(at), shown(previous))
        }
        (E::InFuture { at, now }, Lang::Zh) => {
            format!("时间 {} 晚于当前时间 {}", shown(at), shown(now))
        }
        (E::InFuture { at, now }, Lang::En) => {
            format!("time {} is in the future (now {})", shown(at), shown(now))
        }
        (E::TooFarBack { at, limit, lead: false }, Lang::Zh) => format!(
            "时间 {} 早于现在超过 {}：值班人员最多补记到此；更早的时间须由组长填写并说明补记原因",
            shown(at),
            duration(*limit, lang)
        ),
        (E::TooFarBack { at, limit, lead: false }, Lang::En) => format!(
            "time {} is more than {} ago: an operator may claim no further back; a lead may, with a reason (--backdate-reason)",
            shown(at),
            duration(*limit, lang)
        ),
        (E::TooFarBack { at, limit, lead: true }, Lang::Zh) => {
            format!("时间 {} 早于现在超过 {}：不能补记", shown(at), duration(*limit, lang))
        }
        (E::TooFarBack { at, limit, lead: true }, Lang::En) => {
            format!("time {} is more than {} ago: too far back to claim", shown(at), duration(*limit, lang))
        }
        (E::BackdateNeedsReason { at, limit }, Lang::Zh) => {
            format!("时间 {} 早于现在超过 {}：请说明补记原因", shown(at), duration(*limit, lang))
        }
        (E::BackdateNeedsReason { at, limit }, Lang::En) => format!(
            "time {} is more than {} ago: say why it is claimed so late (--backdate-reason)",
            shown(at),
            duration(*limit, lang)
        ),
        (E::AlreadySealing { path }, Lang::Zh) => format!("已在封印：{path} 已存在"),
        (E::AlreadySealing { path }, Lang::En) => format!("already sealing: {path} exists"),
        (E::BeforeRecord { at, began }, Lang::Zh) => {
            format!("时间 {} 早于本记录的开始（{}）", shown(at), shown(began))
        }
        (E::BeforeRecord { at, began }, Lang::En) => {
            format!("time {} is before the record began ({})", shown(at), shown(began))
        }
        (E::AlreadyPaused { reason }, Lang::Zh) => {
            format!("解决时限已因“{}”暂停", reason.label(lang))
        }
        (E::AlreadyPaused { reason }, Lang::En) => {
            format!("the resolution clock is already paused ({})", reason.label(lang))
        }
        (E::NotPaused, Lang::Zh) => "解决时限没有暂停".to_string(),
        (E::NotPaused, Lang::En) => "the resolution clock is not paused".to_string(),
        (E::AlreadyProblem, Lang::Zh) => "该事件已转为问题".to_string(),
        (E::AlreadyProblem, Lang::En) => "the incident is already a problem".to_string(),
        (E::AlreadyExists { id }, Lang::Zh) => format!("事件 {id} 已存在"),
        (E::AlreadyExists { id }, Lang::En) => format!("incident {id} already exists"),
        (E::NoIncident, Lang::Zh) => "没有这个事件".to_string(),
        (E::NoIncident, Lang::En) => "no such incident".to_string(),
        (E::CorruptLog { kind }, Lang::Zh) => format!("事件日志损坏：{kind} 出现在不该出现的位置"),
        (E::CorruptLog { kind }, Lang::En) => {
            format!("corrupt event log: {kind} where it cannot be")
        }
        (E::NothingToAcknowledge, Lang::Zh) => "没有需要确认的告警".to_string(),
        (E::NothingToAcknowledge, Lang::En) => "no alarm to acknowledge".to_string(),
        (E::MuteOutOfRange { max }, Lang::Zh) => format!("静音时间须为 1 至 {max} 分钟"),
        (E::MuteOutOfRange { max }, Lang::En) => format!("mute for 1 to {max} minutes"),
        (E::BadWindow { from, until }, Lang::Zh) => {
            format!("维护窗口 {} 至 {} 无效：结束须晚于开始且晚于现在", shown(from), shown(until))
        }
        (E::BadWindow { from, until }, Lang::En) => {
            format!(
                "maintenance window {} to {} must end after it starts and after now",
                shown(from),
                shown(until)
            )
        }
        (E::WindowTooLong { days }, Lang::Zh) => format!("维护窗口最长 {days} 天"),
        (E::WindowTooLong { days }, Lang::En) => format!("a maintenance window lasts at most {days} days"),
        (E::NoWindow { id }, Lang::Zh) => format!("没有进行中或计划中的维护窗口 {id}"),
        (E::NoWindow { id }, Lang::En) => format!("no current or planned maintenance window {id}"),
        (E::Run(why), _) => run_refusal(why, lang),
        (E::OutOfRange { field, value }, Lang::Zh) => {
            let range = crate::domain::duty_log::plausible(field)
                .map(|r| format!("（合理范围 {} 至 {}{}）", r.start(), r.end(), unit_of(field)))
                .unwrap_or_default();
            format!("{}的数值 {value} 不合理{range}", field_label(field, lang))
        }
        (E::OutOfRange { field, value }, Lang::En) => {
            let range = crate::domain::duty_log::plausible(field)
                .map(|r| format!(" (plausible: {} to {}{})", r.start(), r.end(), unit_of(field)))
                .unwrap_or_default();
            format!("{value} is not a plausible {}{range}", field_label(field, lang))
        }
        (E::NoShift, Lang::Zh) => {
            "现在没有任何班次在岗（site.toml 的 [[shifts]]）：值班记录无处可记".to_string()
        }
        (E::NoShift, Lang::En) => {
            "no shift is in force now ([[shifts]] in site.toml): the duty log has no shift to go in"
                .to_string()
        }
        (E::UnknownShift { shift }, Lang::Zh) => format!("没有班次“{shift}”"),
        (E::UnknownShift { shift }, Lang::En) => format!("no shift \"{shift}\""),
        (E::UnknownHost { host }, Lang::Zh) => format!("本站点没有设备“{host}”"),
        (E::UnknownHost { host }, Lang::En) => format!("the site has no host \"{host}\""),
        (E::Ssh(why), _) => ssh_refusal(why, lang),
        (E::Second(why), _) => second_refusal(why, lang),
        (E::SignIn(why), _) => signin_refusal(why, lang),
        (E::Confirm(why), _) => confirm_refusal(why, lang),
        (E::Plan(why), _) => plan_refusal(why, lang),
        (E::Change(why), _) => change_refusal(why, lang),
        (E::Problem(why), _) => problem_refusal(why, lang),
        (E::Knowledge { id }, Lang::Zh) => format!("知识库中没有条目 {id}"),
        (E::Knowledge { id }, Lang::En) => format!("the knowledge base has no entry {id}"),
        (E::ReadOnly, Lang::Zh) => "你不在本站点的值班人员名单中：只能查看，不能修改".to_string(),
        (E::ReadOnly, Lang::En) => {
            "you are not on the site's operator list: you may read but not write".to_string()
        }
        (E::UnknownOperator { who }, Lang::Zh) => format!("{who} 不在本站的值班人员名单中"),
        (E::UnknownOperator { who }, Lang::En) => format!("{who} is not one of the site's operators"),
        (E::NotOwner { owner }, Lang::Zh) => format!("该事件由 {owner} 负责，只有本人或负责人可以移交"),
        (E::NotOwner { owner }, Lang::En) => {
            format!("{owner} owns this incident: only they or a lead may hand it over")
        }
        (E::NothingToCorrect { field }, Lang::Zh) => {
            format!("{} 已是该值，无需更正", field_label(field, lang))
        }
        (E::NothingToCorrect { field }, Lang::En) => {
            format!("{} already has that value", field_label(field, lang))
        }
        (E::AfterResponse { at, latest }, Lang::Zh) => {
            format!("报告时间 {} 不能晚于首次响应或现在（{}）", shown(at), shown(latest))
        }
        (E::AfterResponse { at, latest }, Lang::En) => {
            format!(
                "a report time of {} would be after the first response or now ({})",
                shown(at),
                shown(latest)
            )
        }
        (E::LaterThanNow { at, now }, Lang::Zh) => {
            format!("{} 还没有到（现在 {}）：发生后再记录", at.format("%H:%M"), now.format("%H:%M"))
        }
        (E::LaterThanNow { at, now }, Lang::En) => {
            format!(
                "{} has not come yet (now {}): log it once it has happened",
                at.format("%H:%M"),
                now.format("%H:%M")
            )
        }
        (E::NotCompletable { kind }, Lang::Zh) => {
            format!(
                "“{}”记录没有可补记的内容（可补记：来访者离开时间、诉求处理结果）",
                super::duty::entry_kind(kind).get(lang)
            )
        }
        (E::NotCompletable { kind }, Lang::En) => format!(
            "a {} entry has nothing to complete (a visitor's departure or a request's outcome can be)",
            super::duty::entry_kind(kind).get(lang)
        ),
        (E::AlreadyComplete, Lang::Zh) => "该记录已补记完整".to_string(),
        (E::AlreadyComplete, Lang::En) => "the entry is complete already".to_string(),
        (E::EndBeforeStart { from, to }, Lang::Zh) => {
            format!("结束时间 {} 早于开始时间 {}", to.format("%H:%M"), from.format("%H:%M"))
        }
        (E::EndBeforeStart { from, to }, Lang::En) => {
            format!("the end {} is before the start {}", to.format("%H:%M"), from.format("%H:%M"))
        }
        (E::TakeOverBySigning, Lang::Zh) => "事件只能在接班人签字交接时接手".to_string(),
        (E::TakeOverBySigning, Lang::En) => {
            "an incident is taken over only by signing the handover that passes it on".to_string()
        }
        (E::AlreadyOwner { owner }, Lang::Zh) => format!("该事件已由 {owner} 负责"),
        (E::AlreadyOwner { owner }, Lang::En) => format!("{owner} already owns this incident"),
        (E::Handover(why), _) => handover_refusal(why, lang),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(Duration::seconds(750), Lang::En), "12m30s");
        assert_eq!(duration(Duration::seconds(3900), Lang::En), "1h05m");
        assert_eq!(duration(Duration::seconds(-90), Lang::En), "-1m30s");
        assert_eq!(duration(Duration::seconds(3900), Lang::Zh), "1小时05分");
    }
}

fn handover_refusal(why: &crate::domain::handover::HandoverRefusal, lang: Lang) -> String {
    use crate::domain::handover::{HandoverRefusal as R, Side};
    let side = |s: &Side| match s {
        Side::Outgoing => lang.pick("交班人", "the outgoing engineer"),
        Side::Incoming => lang.pick("接班人", "the incoming engineer"),
    };
    let step = |s: &crate::domain::handover::Step| {
        format!("{} {}", s.number(), super::duty::handover_step(*s).get(lang))
    };
    match (why, lang) {
        (R::AlreadyStarted { by, at }, Lang::Zh) => format!("交接已由 {by} 于 {} 开始", shown(at)),
        (R::AlreadyStarted { by, at }, Lang::En) => {
            format!("this handover was already started by {by} at {}", shown(at))
        }
        (R::NotStarted, Lang::Zh) => "交接尚未开始".to_string(),
        (R::NotStarted, Lang::En) => "the handover has not been started".to_string(),
        (R::OutOfOrder { next: Some(next) }, Lang::Zh) => format!("请按顺序进行：下一步是第 {}", step(next)),
        (R::OutOfOrder { next: Some(next) }, Lang::En) => {
            format!("steps go in order: next is step {}", step(next))
        }
        (R::OutOfOrder { next: None }, Lang::Zh) => "所有步骤都已完成".to_string(),
        (R::OutOfOrder { next: None }, Lang::En) => "every step is already done".to_string(),
        (R::Unseen { items }, Lang::Zh) => format!("以下条目尚未确认或备注：{}", items.join("、")),
        (R::Unseen { items }, Lang::En) => {
            format!("not yet acknowledged or noted: {}", items.join(", "))
        }
        (R::StepsLeft { next }, Lang::Zh) => format!("尚有步骤未完成（第 {}），不能签字", step(next)),
        (R::StepsLeft { next }, Lang::En) => {
            format!("cannot sign yet: step {} is not done", step(next))
        }
        (R::OutgoingFirst, Lang::Zh) => "交班人须先签字".to_string(),
        (R::OutgoingFirst, Lang::En) => "the outgoing engineer signs first".to_string(),
        (R::AlreadySigned { side: s, by, at }, Lang::Zh) => {
            format!("{}已由 {by} 于 {} 签字，不能重复签字", side(s), shown(at))
        }
        (R::AlreadySigned { side: s, by, at }, Lang::En) => {
            format!("{} already signed: {by} at {}; a handover is signed once", side(s), shown(at))
        }
        (R::SamePerson { by }, Lang::Zh) => format!("{by} 已作为交班人签字，接班须由另一人用本人账号签字"),
        (R::SamePerson { by }, Lang::En) => format!(
            "{by} signed as the outgoing engineer; the incoming engineer must be someone else, signing with their own login"
        ),
        (R::NotOnRoster { who, shift }, Lang::Zh) => format!("{who} 不在“{shift}”的值班表上"),
        (R::NotOnRoster { who, shift }, Lang::En) => format!("{who} is not on the roster of {shift}"),
        (R::TooEarly { change_at, early }, Lang::Zh) => format!(
            "交接班时间为 {}：早于交接班前 {} 签字须由负责人进行",
            shown(change_at),
            duration(*early, lang)
        ),
        (R::TooEarly { change_at, early }, Lang::En) => format!(
            "the shift changes at {}: signing more than {} before it needs a lead",
            shown(change_at),
            duration(*early, lang)
        ),
        (R::Closed { by, at }, Lang::Zh) => format!("交班人 {by} 已于 {} 签字，交接内容不能再改", shown(at)),
        (R::Closed { by, at }, Lang::En) => {
            format!("{by} signed as outgoing at {}: the walkthrough can no longer change", shown(at))
        }
    }
}

fn run_refusal(why: &crate::domain::checklist::RunRefusal, lang: Lang) -> String {
    use crate::domain::checklist::RunRefusal as R;
    match (why, lang) {
        (R::AlreadyStarted { by, at }, Lang::Zh) => format!("该巡检已由 {by} 于 {} 开始", shown(at)),
        (R::AlreadyStarted { by, at }, Lang::En) => {
            format!("this inspection was already started by {by} at {}", shown(at))
        }
        (R::NotStarted, Lang::Zh) => "该巡检尚未开始".to_string(),
        (R::NotStarted, Lang::En) => "this inspection has not been started".to_string(),
        (R::Signed { by, at }, Lang::Zh) => format!("该巡检已由 {by} 于 {} 签字完成", shown(at)),
        (R::Signed { by, at }, Lang::En) => {
            format!("this inspection was signed off by {by} at {}", shown(at))
        }
        (R::NoItem { item }, Lang::Zh) => format!("没有检查项“{item}”"),
        (R::NoItem { item }, Lang::En) => format!("no item \"{item}\""),
        (R::Paused { item }, Lang::Zh) => format!("检查项“{item}”结果严重，巡检暂停，等待负责人决定是否继续"),
        (R::Paused { item }, Lang::En) => {
            format!("paused: item \"{item}\" is critical; a lead must decide whether to go on")
        }
        (R::AlreadyMarked { item, by, at }, Lang::Zh) => {
            format!("检查项“{item}”已由 {by} 于 {} 记录", shown(at))
        }
        (R::AlreadyMarked { item, by, at }, Lang::En) => {
            format!("item \"{item}\" was already marked by {by} at {}", shown(at))
        }
        (R::NothingToNotify { item }, Lang::Zh) => format!("检查项“{item}”没有需要通知的警告或严重结果"),
        (R::NothingToNotify { item }, Lang::En) => {
            format!("item \"{item}\" has no warning or critical result to report")
        }
        (R::NotPaused, Lang::Zh) => "该巡检没有暂停".to_string(),
        (R::NotPaused, Lang::En) => "this inspection is not paused".to_string(),
        (R::Unmarked { items }, Lang::Zh) => format!("尚有检查项未记录：{}", items.join("、")),
        (R::Unmarked { items }, Lang::En) => format!("items not yet marked: {}", items.join(", ")),
        (R::UnknownTemplate { template }, Lang::Zh) => format!("本站点没有巡检模板“{template}”"),
        (R::UnknownTemplate { template }, Lang::En) => format!("the site has no checklist \"{template}\""),
        (R::NothingToStart { name }, Lang::Zh) => format!("今天没有待开始的“{name}”"),
        (R::NothingToStart { name }, Lang::En) => format!("no occurrence of \"{name}\" left to start today"),
        (R::NotScheduled { run }, Lang::Zh) => format!("没有巡检 {run}（模板或时间不在计划中）"),
        (R::NotScheduled { run }, Lang::En) => {
            format!("no inspection {run} (no such template or scheduled time)")
        }
        (R::LeadOnly, Lang::Zh) => "只有负责人可以决定暂停的巡检是否继续".to_string(),
        (R::LeadOnly, Lang::En) => "only a lead may decide whether a paused inspection goes on".to_string(),
        (R::BetterThanEvidence { item, judged }, Lang::Zh) => format!(
            "检查项“{item}”的检查结果为{} {}，记录得比它好须在备注中说明所见",
            judged.mark(),
            judged.label(lang)
        ),
        (R::BetterThanEvidence { item, judged }, Lang::En) => format!(
            "item \"{item}\": its check says {} {}; to record a better result, say in the note what you saw",
            judged.mark(),
            judged.label(lang)
        ),
        (R::NotNotified { item }, Lang::Zh) => {
            format!("检查项“{item}”的异常尚未登记通知系统负责人和项目负责人")
        }
        (R::NotNotified { item }, Lang::En) => {
            format!("item \"{item}\": record that the owner and the lead were told before signing")
        }
    }
}

/// A fixed text in both languages.
#[derive(Clone, Copy, Debug)]
pub struct Text {
    pub zh: &'static str,
    pub en: &'static str,
}

impl Text {
    pub const fn new(zh: &'static str, en: &'static str) -> Text {
        Text { zh, en }
    }

    pub fn get(self, lang: Lang) -> &'static str {
        lang.pick(self.zh, self.en)
    }
}

/// The text of a store refusal or failure.
pub fn store_error(error: &crate::store::StoreError, lang: Lang) -> String {
    use crate::store::StoreError as E;
    match (error, lang) {
        (E::Refused(e), _) => domain_error(e, lang),
        (E::Stale { id, expected, current, by, at }, Lang::Zh) => format!(
            "事件 {id} 已被 {by} 于 {} 修改（你看到的是第 {expected} 版，现在是第 {current} 版）；请刷新后再操作",
            shown(at)
        ),
        (E::Stale { id, expected, current, by, at }, Lang::En) => format!(
            "incident {id} was changed by {by} at {} (you saw version {expected}, it is now {current}); look again before acting",
            shown(at)
        ),
        (E::StaleRun { run, by, at }, Lang::Zh) => {
            format!("巡检 {run} 已被 {by} 于 {} 修改；请刷新后再操作", shown(at))
        }
        (E::StaleRun { run, by, at }, Lang::En) => {
            format!("inspection {run} was changed by {by} at {}; look again before acting", shown(at))
        }
        (E::NotFound(id), Lang::Zh) => format!("没有事件 {id}"),
        (E::NotFound(id), Lang::En) => format!("no incident {id}"),
        (E::NotEmpty, Lang::Zh) => "目标存储不是空的：不复制，以免两段历史混在一起".to_string(),
        (E::NotEmpty, Lang::En) => {
            "the target store is not empty: nothing copied (two histories are never merged)".to_string()
        }
        (E::BrokenSource(bad), Lang::Zh) => format!("源存储的哈希链在第 {} 条事件处断开：不复制", bad.seq),
        (E::BrokenSource(bad), Lang::En) => {
            format!("the source's hash chain is broken at seq {}: nothing copied", bad.seq)
        }
        (E::NotAStore { location, why }, Lang::Zh) => {
            use crate::store::NotAStoreWhy as W;
            let why = match why {
                W::NotAFile => "它不是普通文件".to_string(),
                W::Empty => "它是一个空文件，而这里应当是存储".to_string(),
                W::NotSqlite => "它不是 SQLite 数据库".to_string(),
                W::Foreign { application_id, version } => {
                    format!("它是其他程序的数据库（应用标识 {application_id:#x}，版本 {version}）")
                }
                W::NoSchema => "数据库中没有值班控制台的表".to_string(),
            };
            format!("{location} 不是值班控制台的存储：{why}；未写入任何内容")
        }
        (E::NotAStore { .. }, Lang::En) => format!("{error}; nothing was written"),
        (E::Outdated { version, needed }, Lang::Zh) => format!(
            "存储的结构版本是 {version}，本程序需要 {needed}：请先运行 duty store migrate（任何写入命令也会自动升级）"
        ),
        (E::Outdated { .. }, Lang::En) => error.to_string(),
        (E::Vanished { path, wal: true }, Lang::Zh) => format!(
            "{path}（存储的预写日志）在打开期间被删除或替换：此后写入的内容其他进程看不到，本进程已停止写入"
        ),
        (E::Vanished { path, wal: false }, Lang::Zh) => {
            format!("{path} 在打开期间被删除或替换：本进程已停止写入")
        }
        (E::Vanished { .. }, Lang::En) => error.to_string(),
        (E::NotAsSeen(mismatch), Lang::Zh) => {
            use crate::store::seen::Difference as D;
            let seen = &mismatch.seen;
            let short = |hash: &str| hash.chars().take(12).collect::<String>();
            let what = match &mismatch.difference {
                D::Vanished => "现在它不见了".to_string(),
                D::Replaced { found } => {
                    format!("现在那里是另一个存储（{}，{} 条事件）", short(&found.store_id), found.seq)
                }
                D::WentBack { found } => {
                    format!("现在只有 {} 条事件（链头 {}）", found.seq, short(&found.hash))
                }
                D::Rewritten { .. } => format!("第 {} 条事件的哈希已变：历史被改写", seen.sighting.seq),
            };
            format!(
                "{}：本机上次于 {} 看到的存储 {} 有 {} 条事件（链头 {}），{what}——未写入任何内容；若这是有意的恢复，请组长运行 duty store accept",
                seen.location,
                crate::time::canonical(seen.at),
                short(&seen.sighting.store_id),
                seen.sighting.seq,
                short(&seen.sighting.hash)
            )
        }
        (E::NotAsSeen(_), Lang::En) => error.to_string(),
        (E::Remote(remote), Lang::Zh) => remote.zh.clone(),
        (E::Remote(remote), Lang::En) => remote.en.clone(),
        (E::Backend { .. }, Lang::Zh) => format!("存储错误：{error}"),
        (E::Backend { .. }, Lang::En) => error.to_string(),
    }
}

/// What is wrong with the first bad row of the chain.
pub fn chain_break(seq: u64, problem: &crate::store::Break, lang: Lang) -> String {
    use crate::store::Break;
    match (problem, lang) {
        (Break::Missing { .. }, Lang::Zh) => format!("哈希链断裂：第 {seq} 条事件缺失（被删除）"),
        (Break::Missing { .. }, Lang::En) => {
            format!("chain broken at seq {seq}: the event is missing (deleted)")
        }
        (Break::HashMismatch, Lang::Zh) => format!("哈希链断裂：第 {seq} 条事件的内容被修改"),
        (Break::HashMismatch, Lang::En) => {
            format!("chain broken at seq {seq}: its contents were altered")
        }
        (Break::PrevMismatch, Lang::Zh) => {
            format!("哈希链断裂：第 {seq} 条事件与前一条不相连（被移动或替换）")
        }
        (Break::PrevMismatch, Lang::En) => {
            format!("chain broken at seq {seq}: it does not follow the event before it (moved or replaced)")
        }
        (Break::HeadMismatch { head_seq }, Lang::Zh) => {
            format!("哈希链断裂：第 {seq} 条起的事件缺失（链头记录为第 {head_seq} 条）")
        }
        (Break::HeadMismatch { head_seq }, Lang::En) => {
            format!("chain broken at seq {seq}: events from here are missing (the head says {head_seq})")
        }
    }
}

/// The warning shown when the quick look at a store's tail finds the chain broken.
pub fn tail_broken(bad: &crate::store::BadLink, lang: Lang) -> String {
    let what = chain_break(bad.seq, &bad.problem, lang);
    match lang {
        Lang::Zh => format!("警告：记录未通过校验——{what}；请运行 duty audit verify 并报告组长"),
        Lang::En => {
            format!("warning: the record does not verify — {what}; run duty audit verify and tell a lead")
        }
    }
}

fn ssh_refusal(why: &crate::ops::ssh::SshRefusal, lang: Lang) -> String {
    use crate::ops::ssh::SshRefusal as R;
    match (why, lang) {
        (R::NotConfirmed { action }, Lang::Zh) => {
            format!("“{action}”会改变系统状态：请输入它的名称确认（--confirm {action}）")
        }
        (R::NotConfirmed { action }, Lang::En) => {
            format!("\"{action}\" changes state: confirm by typing its name (--confirm {action})")
        }
        (R::NeedsSecond { action }, Lang::Zh) => {
            format!("“{action}”不得单人操作：需另一名值班人员在其本人会话中确认（执行时会发出请求并等待）")
        }
        (R::NeedsSecond { action }, Lang::En) => format!(
            "\"{action}\" is not for one person alone: a second operator confirms it from their own session (duty ssh run asks and waits)"
        ),
        (R::NothingToAsk { action }, Lang::Zh) => format!("“{action}”无需第二人确认"),
        (R::NothingToAsk { action }, Lang::En) => format!("\"{action}\" needs no second person"),
        (R::OtherKey { presented, given }, Lang::Zh) => {
            format!("主机出示的是 {presented}，不是 {given}：未信任")
        }
        (R::OtherKey { presented, given }, Lang::En) => {
            format!("the host presents {presented}, not {given}: not trusted")
        }
        (R::AlreadyTrusted { host }, Lang::Zh) => format!("{host}：主机密钥已在 known_hosts 中"),
        (R::AlreadyTrusted { host }, Lang::En) => format!("{host}: the host key is already trusted"),
        (R::Unreachable { host, why }, Lang::Zh) => format!("{host}：{}", crate::text::visible(why, false)),
        (R::Unreachable { host, why }, Lang::En) => format!("{host}: {}", crate::text::visible(why, false)),
        (R::NoSuchHost { spec, known }, Lang::Zh) => {
            format!("没有主机“{}”（主机：{known}；或 @组）", crate::text::visible(spec, false))
        }
        (R::NoSuchHost { spec, known }, Lang::En) => {
            format!("no host \"{}\" (hosts: {known}; or @group)", crate::text::visible(spec, false))
        }
        (R::NoSuchAction { name, known }, Lang::Zh) => {
            format!("ssh.toml 中没有操作“{}”（操作：{known}）", crate::text::visible(name, false))
        }
        (R::NoSuchAction { name, known }, Lang::En) => {
            format!("no action \"{}\" in ssh.toml (actions: {known})", crate::text::visible(name, false))
        }
        (R::FreeFormOff, Lang::Zh) => "本站点未启用自由命令（ssh.toml 中 free_form = true）".to_string(),
        (R::FreeFormOff, Lang::En) => {
            "this site does not allow free-form commands (free_form = true in ssh.toml)".to_string()
        }
    }
}

fn second_refusal(why: &crate::domain::second::SecondRefusal, lang: Lang) -> String {
    use crate::domain::second::SecondRefusal as R;
    match (why, lang) {
        (R::NoSuchAsk { id }, Lang::Zh) => format!("没有待确认的请求 {id}（或已过期）"),
        (R::NoSuchAsk { id }, Lang::En) => format!("no ask {id} waiting (or it is long over)"),
        (R::Expired { id, until }, Lang::Zh) => format!("请求 {id} 已于 {} 过期", shown(until)),
        (R::Expired { id, until }, Lang::En) => format!("ask {id} ran out at {}", shown(until)),
        (R::OwnAsk { id }, Lang::Zh) => format!("请求 {id} 是你自己发出的：须由另一名值班人员确认"),
        (R::OwnAsk { id }, Lang::En) => format!("ask {id} is your own: another operator confirms it"),
        (R::AlreadyConfirmed { id, by }, Lang::Zh) => format!("请求 {id} 已由 {by} 确认"),
        (R::AlreadyConfirmed { id, by }, Lang::En) => format!("ask {id} is confirmed already, by {by}"),
        (R::Spent { id }, Lang::Zh) => format!("请求 {id} 已用于一次运行"),
        (R::Spent { id }, Lang::En) => format!("ask {id} has been spent by a run"),
        (R::NotConfirmed { id }, Lang::Zh) => format!("请求 {id} 尚无第二人确认"),
        (R::NotConfirmed { id }, Lang::En) => format!("nobody has confirmed ask {id} yet"),
        (R::NotThisRun { id }, Lang::Zh) => format!("请求 {id} 不是你对这些主机的这一操作发出的"),
        (R::NotThisRun { id }, Lang::En) => {
            format!("ask {id} is not yours for this action on these hosts")
        }
    }
}

/// Why a past incident is offered as seen before.
pub fn likeness(l: &crate::domain::seen::Likeness, lang: Lang) -> String {
    use crate::domain::seen::Likeness as L;
    match (l, lang) {
        (L::SameAlert, _) => lang.pick("同一告警", "same alert").to_string(),
        (L::SameHost { host }, Lang::Zh) => format!("同一设备 {host}"),
        (L::SameHost { host }, Lang::En) => format!("same host {host}"),
        (L::SameArea { area }, _) => format!("{} {}", lang.pick("同为", "also"), area.label(lang)),
        (L::Words { words }, Lang::Zh) => format!("相同字词：{}", words.join("、")),
        (L::Words { words }, Lang::En) => format!("shared words: {}", words.join(", ")),
    }
}

/// A past incident like this one, in one line: which, when, what fixed it, why offered.
pub fn seen_line(seen: &crate::domain::seen::Seen, tz: chrono_tz::Tz, lang: Lang) -> String {
    let because: Vec<String> = seen.because.iter().map(|l| likeness(l, lang)).collect();
    let date = seen.resolved_at.with_timezone(&tz).format("%Y-%m-%d");
    let fix = match seen.cause.is_empty() {
        true => seen.solution.clone(),
        false => format!("{} → {}", seen.cause, seen.solution),
    };
    crate::text::visible(&format!("{} ({date}) {fix} [{}]", seen.id, because.join("; ")), false).into_owned()
}

/// The requester's word in one line: who, how, their rating, what they said.
pub fn confirmation_said(c: &crate::domain::confirmation::Confirmation, lang: Lang) -> String {
    let rating = c.rating.map(|r| r.label(lang)).unwrap_or_default();
    [c.by.as_str(), c.how.label(lang), rating, c.note.as_str()]
        .iter()
        .filter(|part| !part.trim().is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" · ")
}

/// An emergency plan run's heading: its name, id, who started it and when.
pub fn plan_heading(run: &crate::domain::plan::PlanRun, tz: chrono_tz::Tz, lang: Lang) -> String {
    let state = match run.finished() {
        true => lang.pick("已完成", "finished"),
        false => lang.pick("执行中", "running"),
    };
    let name = crate::text::visible(&run.name, false);
    let started = run.started_at.with_timezone(&tz).format("%Y-%m-%d %H:%M");
    match lang {
        Lang::Zh => format!("应急预案：{name}（{}）{started} 由 {} 启动，{state}", run.plan, run.started_by),
        Lang::En => {
            format!("Emergency plan: {name} ({}) started {started} by {}, {state}", run.plan, run.started_by)
        }
    }
}

/// One line per step of a plan run: number, mark, what, who, its limit, what became of it.
pub fn plan_steps(
    run: &crate::domain::plan::PlanRun,
    now: chrono::DateTime<chrono::Utc>,
    tz: chrono_tz::Tz,
    lang: Lang,
) -> Vec<String> {
    let hm = |t: chrono::DateTime<chrono::Utc>| t.with_timezone(&tz).format("%H:%M").to_string();
    let late = run.late_steps(now);
    run.steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let number = i + 1;
            let mark = match (&step.outcome, late.contains(&number)) {
                (Some(o), false) if o.done => "√",
                (Some(o), true) if o.done => "×",
                (Some(_), _) => "-",
                (None, true) => "▲",
                (None, false) => "○",
            };
            let limit = step.due(run.started_at).map_or_else(String::new, |due| {
                let within = step.step.within_minutes.unwrap_or_default();
                format!(" {} {within} {} ({})", lang.pick("限", "within"), lang.pick("分钟", "min"), hm(due))
            });
            let outcome = step.outcome.as_ref().map_or_else(String::new, |o| {
                format!(" — {} · {} {}", step_outcome(o.done, &o.note, lang), o.by, hm(o.at))
            });
            format!("{number}. {mark} {} [{}]{limit}{outcome}", step.step.title, step.step.who.label(lang))
        })
        .collect()
}

/// The monthly problem review of `month` is due.
pub fn review_due(month: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{month} 月度问题评审待负责人记录"),
        Lang::En => format!("the problem review of {month} awaits a lead"),
    }
}

fn problem_refusal(why: &crate::domain::problem::ProblemRefusal, lang: Lang) -> String {
    use crate::domain::problem::ProblemRefusal as R;
    match (why, lang) {
        (R::NoProblem { id }, Lang::Zh) => format!("没有问题 {id}"),
        (R::NoProblem { id }, Lang::En) => format!("no problem {id}"),
        (R::Exists { id }, Lang::Zh) => format!("问题 {id} 已存在"),
        (R::Exists { id }, Lang::En) => format!("problem {id} exists already"),
        (R::NotNow { command, state }, Lang::Zh) => {
            let what = match *command {
                "close" => "关闭",
                "resolve" => "解决",
                "known_error" => "确认为已知错误",
                "update" => "更新",
                _ => "修改",
            };
            format!("问题处于“{}”状态，不能{what}", state.label(lang))
        }
        (R::NotNow { command, state }, Lang::En) => {
            format!("cannot {} a problem that is {}", command.replace('_', " "), state.label(lang))
        }
        (R::AlreadyLinked { incident }, Lang::Zh) => format!("事件 {incident} 已关联"),
        (R::AlreadyLinked { incident }, Lang::En) => format!("incident {incident} is linked already"),
        (R::LeadCloses, Lang::Zh) => "问题由负责人关闭，月度评审也由负责人记录".to_string(),
        (R::LeadCloses, Lang::En) => "a lead closes a problem and records the monthly review".to_string(),
    }
}

fn change_refusal(why: &crate::domain::change::ChangeRefusal, lang: Lang) -> String {
    use crate::domain::change::ChangeRefusal as R;
    match (why, lang) {
        (R::NoChange { id }, Lang::Zh) => format!("没有变更 {id}"),
        (R::NoChange { id }, Lang::En) => format!("no change {id}"),
        (R::Exists { id }, Lang::Zh) => format!("变更 {id} 已存在"),
        (R::Exists { id }, Lang::En) => format!("change {id} exists already"),
        (R::InWorkingHours { at }, Lang::Zh) => format!(
            "常规变更须安排在工作时间以外（按站点日历）：计划时段在 {} 进入工作时间（紧急变更不受此限）",
            shown(at)
        ),
        (R::InWorkingHours { at }, Lang::En) => format!(
            "a normal change is planned outside working hours on the site's calendar: its window reaches into them at {}; an emergency change is not bound by them",
            shown(at)
        ),
        (R::OwnApproval, Lang::Zh) => "变更不能由申请人本人审批".to_string(),
        (R::OwnApproval, Lang::En) => "a change is not approved by its requester".to_string(),
        (R::LeadApproves, Lang::Zh) => "常规变更由负责人本人审批或驳回".to_string(),
        (R::LeadApproves, Lang::En) => "a lead approves or rejects a change, in person".to_string(),
        (R::OralForEmergencyOnly, Lang::Zh) => "只有紧急变更可以口头审批".to_string(),
        (R::OralForEmergencyOnly, Lang::En) => "only an emergency change is approved orally".to_string(),
        (R::DocumentEmergencyOnly, Lang::Zh) => "只有紧急变更事后补记".to_string(),
        (R::DocumentEmergencyOnly, Lang::En) => {
            "only an emergency change is written up afterwards".to_string()
        }
        (R::AlreadyDocumented, Lang::Zh) => "该紧急变更已补记".to_string(),
        (R::AlreadyDocumented, Lang::En) => "the emergency change is written up already".to_string(),
        (R::NotNow { command, state }, Lang::Zh) => {
            format!("变更处于“{}”状态，不能{}", state.label(lang), change_command_label(command, lang))
        }
        (R::NotNow { command, state }, Lang::En) => {
            format!("cannot {} a change that is {}", change_command_label(command, lang), state.label(lang))
        }
        (R::WindowByApproval, Lang::Zh) => "变更的维护窗口由审批开启，不能单独申请".to_string(),
        (R::WindowByApproval, Lang::En) => {
            "a change's maintenance window is opened by its approval".to_string()
        }
        (R::ResultNeedsNote, Lang::Zh) => "变更失败或回退时须说明情况".to_string(),
        (R::ResultNeedsNote, Lang::En) => {
            "a failed or rolled-back change says what happened (a note)".to_string()
        }
        (R::WindowPast { until }, Lang::Zh) => {
            format!("计划时段已于 {} 结束：常规变更须提前计划", shown(until))
        }
        (R::WindowPast { until }, Lang::En) => {
            format!("the planned window ended at {}: a normal change is planned ahead", shown(until))
        }
    }
}

fn change_command_label(command: &str, lang: Lang) -> &'static str {
    match (command, lang) {
        ("approve", Lang::Zh) => "审批",
        ("reject", Lang::Zh) => "驳回",
        ("document", Lang::Zh) => "补记",
        ("start", Lang::Zh) => "开始",
        ("finish", Lang::Zh) => "结束",
        (_, Lang::Zh) => "操作",
        ("approve", _) => "approve",
        ("reject", _) => "reject",
        ("document", _) => "write up",
        ("start", _) => "start",
        ("finish", _) => "finish",
        _ => "change",
    }
}

fn plan_refusal(why: &crate::domain::plan::PlanRefusal, lang: Lang) -> String {
    use crate::domain::plan::PlanRefusal as R;
    match (why, lang) {
        (R::UnknownPlan { plan }, Lang::Zh) => format!("本站点没有应急预案“{plan}”（plans/ 目录）"),
        (R::UnknownPlan { plan }, Lang::En) => format!("the site has no emergency plan \"{plan}\" (plans/)"),
        (R::NoneFits, Lang::Zh) => "没有适合该事件的应急预案，请指定预案".to_string(),
        (R::NoneFits, Lang::En) => "no plan of the site fits this incident: name one".to_string(),
        (R::AlreadyRunning { name }, Lang::Zh) => format!("预案“{name}”仍在执行，尚有步骤未完成"),
        (R::AlreadyRunning { name }, Lang::En) => format!("plan \"{name}\" is running with steps left"),
        (R::NoPlan, Lang::Zh) => "该事件没有启动应急预案".to_string(),
        (R::NoPlan, Lang::En) => "no emergency plan runs on this incident".to_string(),
        (R::NoStep { step, steps }, Lang::Zh) => format!("没有第 {step} 步（步骤为 1 至 {steps}）"),
        (R::NoStep { step, steps }, Lang::En) => format!("no step {step} (steps are 1 to {steps})"),
        (R::AlreadyMarked { step, by, at }, Lang::Zh) => {
            format!("第 {step} 步已由 {by} 于 {} 记录", shown(at))
        }
        (R::AlreadyMarked { step, by, at }, Lang::En) => {
            format!("step {step} was recorded already, by {by} at {}", shown(at))
        }
        (R::SkipNeedsNote { step }, Lang::Zh) => format!("跳过第 {step} 步须说明原因"),
        (R::SkipNeedsNote { step }, Lang::En) => format!("skipping step {step} says why (a note)"),
        (R::LeadsStep { step }, Lang::Zh) => format!("第 {step} 步由负责人记录"),
        (R::LeadsStep { step }, Lang::En) => format!("step {step} is the lead's to record"),
    }
}

/// One line on a plan step's outcome: done or skipped, and the note.
pub fn step_said(step: usize, done: bool, note: &str, lang: Lang) -> String {
    format!("{step}: {}", step_outcome(done, note, lang))
}

/// Done or skipped, and the note.
fn step_outcome(done: bool, note: &str, lang: Lang) -> String {
    let what = match done {
        true => lang.pick("完成", "done"),
        false => lang.pick("跳过", "skipped"),
    };
    format!("{what} {note}").trim_end().to_string()
}

fn confirm_refusal(why: &crate::domain::confirmation::ConfirmRefusal, lang: Lang) -> String {
    use crate::domain::confirmation::ConfirmRefusal as R;
    match (why, lang) {
        (R::NoRequester, Lang::Zh) => "请填写确认人（报障用户）".to_string(),
        (R::NoRequester, Lang::En) => "say who confirmed it (the requester)".to_string(),
        (R::NoRating, Lang::Zh) => "请记录用户评价：满意、基本满意或不满意".to_string(),
        (R::NoRating, Lang::En) => {
            "record the requester's rating: satisfied, basic or dissatisfied".to_string()
        }
        (R::DissatisfiedWithoutNote, Lang::Zh) => "用户不满意时须记录原因".to_string(),
        (R::DissatisfiedWithoutNote, Lang::En) => "a dissatisfied rating says why (a note)".to_string(),
        (R::AutoByPerson, Lang::Zh) => "自动确认只由站点规则记录".to_string(),
        (R::AutoByPerson, Lang::En) => "only the site's rule confirms automatically".to_string(),
        (R::AutoRated, Lang::Zh) => "自动确认不带评价".to_string(),
        (R::AutoRated, Lang::En) => "an automatic confirmation carries no rating".to_string(),
        (R::AlreadyConfirmed { by, at }, Lang::Zh) => format!("已由 {by} 于 {} 确认", shown(at)),
        (R::AlreadyConfirmed { by, at }, Lang::En) => format!("confirmed already, by {by} at {}", shown(at)),
    }
}

fn signin_refusal(why: &crate::domain::signin::SignInRefusal, lang: Lang) -> String {
    use crate::domain::signin::{SignInRefusal as R, Weak};
    match (why, lang) {
        (R::NotSetUp, Lang::Zh) => "本站点未启用终端登录（site.toml 的 [signin]）".to_string(),
        (R::NotSetUp, Lang::En) => "the site has no sign-in ([signin] in site.toml)".to_string(),
        (R::OwnOnly { login }, Lang::Zh) => {
            format!("此控制台属于 {login} 本人的账户，只能由 {login} 登录；他人请到值班终端登录")
        }
        (R::OwnOnly { login }, Lang::En) => {
            format!(
                "this console runs in {login}'s own account and signs in {login} alone; others sign in at the shared terminal"
            )
        }
        (R::SignInFirst, Lang::Zh) => "这是共用的值班终端：请先用 :login 姓名 登录，再进行操作".to_string(),
        (R::SignInFirst, Lang::En) => {
            "this is the shared duty terminal: sign in first (:login NAME), then act".to_string()
        }
        (R::Locked { name, until }, Lang::Zh) => {
            format!("{name} 因多次登录失败已被锁定，{} 后才能再试", shown(until))
        }
        (R::Locked { name, until }, Lang::En) => {
            format!("{name} is locked after repeated failures: try again after {}", shown(until))
        }
        (R::NoSecret { name }, Lang::Zh) => {
            format!("{name} 尚未设置登录口令：请本人在自己的账户中运行 duty passwd")
        }
        (R::NoSecret { name }, Lang::En) => {
            format!("{name} has set no secret: they run duty passwd in their own session")
        }
        (R::NotOnRecord { name }, Lang::Zh) => {
            format!("{name} 的口令与记录中设置的不符（可能被绕过记录改动）：请本人重新运行 duty passwd")
        }
        (R::NotOnRecord { name }, Lang::En) => format!(
            "{name}'s secret in the store is not the one the record says they set (changed behind the record?): they set it again with duty passwd"
        ),
        (R::Wrong { locked_until: Some(until), .. }, Lang::Zh) => {
            format!("姓名、口令或动态码不正确；该姓名已被锁定至 {}", shown(until))
        }
        (R::Wrong { locked_until: Some(until), .. }, Lang::En) => {
            format!("name, secret or code wrong; the name is locked until {}", shown(until))
        }
        (R::Wrong { left, .. }, Lang::Zh) => format!("姓名、口令或动态码不正确；再失败 {left} 次将被锁定"),
        (R::Wrong { left: 1, .. }, Lang::En) => {
            "name, secret or code wrong; one more failure locks the name".to_string()
        }
        (R::Wrong { left, .. }, Lang::En) => {
            format!("name, secret or code wrong; {left} more failures lock the name")
        }
        (R::CodeNeeded { name }, Lang::Zh) => {
            format!("{name} 须同时输入动态码（未设置的，请本人运行 duty passwd 设置）")
        }
        (R::CodeNeeded { name }, Lang::En) => {
            format!("{name} signs in with a code as well (set one up with duty passwd in their own session)")
        }
        (R::OwnSession, Lang::Zh) => "登录口令只能在本人自己的账户中设置，不能在共用终端上设置".to_string(),
        (R::OwnSession, Lang::En) => {
            "a secret is set in your own session, never at the shared terminal".to_string()
        }
        (R::Weak(Weak::Short(n)), Lang::Zh) => format!("口令太短：至少 {n} 个字符"),
        (R::Weak(Weak::Short(n)), Lang::En) => format!("too short: at least {n} characters"),
        (R::Weak(Weak::OneKind), Lang::Zh) => "口令须包含字母、数字、符号中的至少两类".to_string(),
        (R::Weak(Weak::OneKind), Lang::En) => {
            "use at least two of letters, digits and other characters".to_string()
        }
        (R::Weak(Weak::HasLogin), Lang::Zh) => "口令不能包含登录名".to_string(),
        (R::Weak(Weak::HasLogin), Lang::En) => "the secret must not contain your login".to_string(),
        (R::Weak(Weak::Common), Lang::Zh) => "口令过于常见（如 123456 一类），容易被猜中".to_string(),
        (R::Weak(Weak::Common), Lang::En) => {
            "too common (built on the likes of password or 123456): guessers try it first".to_string()
        }
        (R::NoShellAtTerminal, Lang::Zh) => "共用值班终端上不能打开交互终端：请在本人账户中使用".to_string(),
        (R::NoShellAtTerminal, Lang::En) => {
            "no interactive shell at the shared terminal: open one from your own account".to_string()
        }
        (R::CurrentWrong, Lang::Zh) => "当前口令不正确：未做修改".to_string(),
        (R::CurrentWrong, Lang::En) => "the current secret is wrong: nothing was changed".to_string(),
        (R::SetupCode, Lang::Zh) => {
            "动态码不正确：请确认已把密钥加入验证器，并输入它当前显示的六位数".to_string()
        }
        (R::SetupCode, Lang::En) => {
            "wrong code: add the key to the authenticator and type the six digits it shows now".to_string()
        }
    }
}

/// What a committed incident command says: `GZ-…-003: acknowledged (version 2)`.
pub fn committed(id: &crate::domain::IncidentId, kind: &str, version: u64, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{id}：{}（第 {version} 版）", event_kind(kind, lang)),
        Lang::En => format!("{id}: {} (version {version})", event_kind(kind, lang)),
    }
}

/// Someone who is not root asked to act as another operator.
pub fn forbidden(refusal: &crate::identity::Forbidden, lang: Lang) -> String {
    let (who, asked) =
        (crate::text::visible(&refusal.os_user, false), crate::text::visible(&refusal.asked, false));
    match lang {
        Lang::Zh => format!(
            "{who} 要求以 {asked} 的身份操作（{}）：只有 root 可以这样做；未执行任何操作",
            crate::identity::ACT_AS_VAR
        ),
        Lang::En => format!(
            "{who} asked to act as {asked} ({}): only root may; nothing was done",
            crate::identity::ACT_AS_VAR
        ),
    }
}

/// The warning of a command that went on without the site files that have problems.
pub fn left_out(problems: &crate::config::ConfigErrors, lang: Lang) -> String {
    let mut files: Vec<String> = problems
        .0
        .iter()
        .map(|p| p.file.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned()))
        .collect();
    files.dedup();
    let head = match lang {
        Lang::Zh => format!("警告：{} 有错误，本命令不需要它，已跳过；请尽快修正：", files.join("、")),
        Lang::En => {
            format!("warning: {} has problems; this command does without it; mend it soon:", files.join(", "))
        }
    };
    format!("{head}\n{}", crate::text::visible(&problems.to_string(), true))
}

/// The label of an event kind in a timeline or audit log.
pub fn event_kind(kind: &str, lang: Lang) -> &str {
    let (zh, en) = match kind {
        "incident.opened" => ("录入", "opened"),
        "incident.acknowledged" => ("响应", "acknowledged"),
        "incident.arrived_on_site" => ("到场", "on site"),
        "incident.noted" => ("备注", "note"),
        "incident.escalated" => ("上报厂商", "escalated to vendor"),
        "incident.called" => ("通话", "call"),
        "incident.paused" => ("暂停计时", "clock paused"),
        "incident.resumed" => ("恢复计时", "clock resumed"),
        "incident.resolved" => ("解决", "resolved"),
        "incident.report_filed" => ("故障报告", "fault report filed"),
        "incident.closed" => ("关闭", "closed"),
        "incident.became_problem" => ("转为问题", "became a problem"),
        "alarm.acknowledged" => ("确认告警", "alarm acknowledged"),
        "check.changed" => ("检查状态变化", "check changed"),
        "maintenance.scheduled" => ("安排维护窗口", "maintenance scheduled"),
        "maintenance.ended" => ("结束维护窗口", "maintenance ended"),
        "source.changed" => ("告警源状态变化", "source changed"),
        "engine.lease_taken" => ("引擎接管", "engine took over"),
        "writeback.done" => ("已回写告警源", "written back"),
        "checklist.started" => ("开始巡检", "inspection started"),
        "ssh.run" => ("SSH 操作", "SSH action"),
        "incident.backdated" => ("补记原因", "reason for a late claim"),
        "audit.exported" => ("导出审计包", "audit bundle exported"),
        "audit.hash_chosen" => ("选定哈希算法", "chain hash chosen"),
        "ssh.second_asked" => ("请求第二人确认", "second person asked"),
        "ssh.second_confirmed" => ("第二人已确认", "second person confirmed"),
        "operator.secret_set" => ("设置登录口令", "sign-in secret set"),
        "incident.user_confirmed" => ("用户确认", "requester confirmed"),
        "incident.plan_started" => ("启动应急预案", "emergency plan started"),
        "incident.step_marked" => ("预案步骤", "plan step"),
        "operator.signed_in" => ("登录", "signed in"),
        "operator.sign_in_failed" => ("登录失败", "sign-in failed"),
        "operator.signed_out" => ("退出登录", "signed out"),
        "store.accepted" => ("接受恢复的存储", "restored store accepted"),
        "ssh.key_trusted" => ("信任主机密钥", "host key trusted"),
        "ssh.shell_started" => ("打开 shell", "shell opened"),
        "ssh.shell_ended" => ("关闭 shell", "shell closed"),
        "checklist.item_marked" => ("记录检查项", "item marked"),
        "checklist.notified" => ("已通知负责人", "owner and lead told"),
        "checklist.lead_decided" => ("负责人决定", "lead decided"),
        "checklist.manual_transfer" => ("人工交换", "manual transfer"),
        "checklist.signed" => ("巡检签字", "inspection signed"),
        "checklist.declined" => ("无法完成巡检", "inspection declined"),
        "writeback.failed" => ("回写失败（重试中）", "write-back failed (retrying)"),
        "alarm.muted" => ("告警静音", "alarms muted"),
        "incident.handed_over" => ("移交", "handed over"),
        "incident.corrected" => ("更正", "corrected"),
        "duty.entry" => ("值班记录", "duty log entry"),
        "duty.completed" => ("补记值班记录", "duty log entry completed"),
        "inspection.missed" => ("漏检", "inspection missed"),
        "audit.sealed" => ("封印", "sealed"),
        "audit.seal_started" => ("开始封印", "sealing started"),
        "roster.changed" => ("调整值班表", "roster changed"),
        "handover.started" => ("开始交接班", "handover started"),
        "handover.step_completed" => ("交接步骤完成", "handover step done"),
        "handover.signed" => ("交接班签字", "handover signed"),
        other => (other, other),
    };
    lang.pick(zh, en)
}

/// One line saying what an incident event carried.
pub fn describe_event(event: &crate::domain::IncidentEvent, lang: Lang) -> String {
    use crate::domain::IncidentEvent as E;
    let yes_no =
        |b: bool| lang.pick(if b { "接通" } else { "未接通" }, if b { "answered" } else { "no answer" });
    match event {
        E::Opened { incident, .. } => format!(
            "{} [{} / {} / {}] {}",
            incident.title,
            incident.severity.label(lang),
            incident.class.label(lang),
            incident.area.label(lang),
            incident.hosts.join(",")
        ),
        E::Acknowledged { owner } => format!("{}: {owner}", lang.pick("负责人", "owner")),
        E::ArrivedOnSite {} | E::Resumed {} => String::new(),
        E::Noted { text } => text.clone(),
        E::Escalated { vendor, note } => format!("{vendor} {note}"),
        E::Called { callee, name, answered, note } => {
            format!("{} {name} ({}) {note}", callee.label(lang), yes_no(*answered))
        }
        E::Paused { reason } => reason.label(lang).to_string(),
        E::Resolved { cause, solution } => {
            format!(
                "{}: {cause}; {}: {solution}",
                lang.pick("原因", "cause"),
                lang.pick("解决方案", "solution")
            )
        }
        E::ReportFiled { report } => {
            format!("{}: {}", lang.pick("故障描述", "description"), report.description)
        }
        E::Closed { note } | E::BecameProblem { note } => note.clone(),
        E::HandedOver { from, to, note } => format!("{from} → {to} {note}").trim_end().to_string(),
        E::Corrected { correction, replaces, reason } => format!(
            "{}: {} → {} ({}: {reason})",
            field_label(correction.field(), lang),
            correction_value(replaces, lang),
            correction_value(correction, lang),
            lang.pick("原因", "why")
        ),
        E::Backdated { reason } => reason.clone(),
        E::UserConfirmed { confirmation } => confirmation_said(confirmation, lang),
        E::PlanStarted { run } => {
            format!("{}: {} ({})", lang.pick("应急预案", "emergency plan"), run.name, run.plan)
        }
        E::StepMarked { step, done, note } => step_said(*step, *done, note, lang),
    }
}

/// A corrected value as shown.
fn correction_value(value: &crate::domain::incident::Correction, lang: Lang) -> String {
    use crate::domain::incident::Correction as C;
    match value {
        C::ReportedAt(at) => shown(at),
        C::Severity(s) => s.label(lang).to_string(),
        C::Class(c) => c.label(lang).to_string(),
        C::Area(a) => a.label(lang).to_string(),
    }
}

/// One line on where the contract stands.
pub fn contract_summary(c: &crate::domain::contract::ContractCounter, lang: Lang) -> String {
    let warning = match (c.next_late_is_breach, lang) {
        (false, _) => "",
        (true, Lang::Zh) => "；再超时一次即构成违约",
        (true, Lang::En) => "; one more late response is a breach",
    };
    let (start, end, late, breaches, penalty) =
        (c.period_start, c.period_end, c.late_responses, c.breaches, c.penalty_percent);
    let claims = match (c.resting_on_claims, lang) {
        (0, _) => String::new(),
        (n, Lang::Zh) => format!("；{n} 次依补记时间"),
        (n, Lang::En) => format!("; {n} resting on times claimed later"),
    };
    let many =
        |n: u32, one: &str, more: &str| if n == 1 { format!("1 {one}") } else { format!("{n} {more}") };
    match lang {
        Lang::Zh => format!(
            "合同期 {start} 至 {end}：响应超时 {late} 次，违约 {breaches} 次（扣款 {penalty}%）{claims}{warning}"
        ),
        Lang::En => format!(
            "contract {start} to {end}: {}, {} (penalty {penalty}%){claims}{warning}",
            many(late, "late response", "late responses"),
            many(breaches, "breach", "breaches")
        ),
    }
}

/// Why the seals do not hold.
pub fn seal_break(why: &crate::seal::SealBreak, lang: Lang) -> String {
    use crate::seal::SealBreak as B;
    match (why, lang) {
        (B::NeverStarted, Lang::Zh) => "此日志从未开始封印".to_string(),
        (B::NeverStarted, Lang::En) => "sealing never started in this log".to_string(),
        (B::Unreadable, Lang::Zh) => "封印无法读取".to_string(),
        (B::Unreadable, Lang::En) => "the seal cannot be read".to_string(),
        (B::FirstNotZero { epoch }, Lang::Zh) => {
            format!("第一个封印属第 {epoch} 期而非第 0 期：更早的封印已被删除")
        }
        (B::FirstNotZero { epoch }, Lang::En) => {
            format!("the first seal is of epoch {epoch}, not 0: earlier seals were removed")
        }
        (B::SealedAgain { epoch }, Lang::Zh) => format!("第 {epoch} 期被再次封印"),
        (B::SealedAgain { epoch }, Lang::En) => format!("epoch {epoch} sealed again"),
        (B::OtherTime { epoch }, Lang::Zh) => format!("第 {epoch} 期的封印写于该期之外的时间"),
        (B::OtherTime { epoch }, Lang::En) => format!("a seal of epoch {epoch} written at another time"),
        (B::LogChanged { epoch }, Lang::Zh) => format!("此封印（第 {epoch} 期）之前的日志已被改动"),
        (B::LogChanged { epoch }, Lang::En) => {
            format!("the log before this seal (epoch {epoch}) was changed")
        }
        (B::DoesNotHold { epoch }, Lang::Zh) => format!("第 {epoch} 期的封印不成立"),
        (B::DoesNotHold { epoch }, Lang::En) => format!("the seal of epoch {epoch} does not hold"),
    }
}

/// A step dated well before it was recorded, with both times: what the clocks rest on.
pub fn claimed_step(c: &crate::domain::incident::Claimed, tz: chrono_tz::Tz, lang: Lang) -> String {
    let reason =
        c.reason.as_deref().map(|r| format!(" · {} {r}", lang.pick("原因：", "why:"))).unwrap_or_default();
    format!(
        "{}: {} {} · {} {} · {}{reason}",
        event_kind(&c.step, lang),
        lang.pick("所填时间", "claimed"),
        local_time(c.claimed, tz),
        lang.pick("记录时间", "recorded"),
        local_time(c.recorded, tz),
        c.by,
    )
}

/// What `duty config check` says of a good site.
pub fn site_ok(site: &crate::config::Site, lang: Lang) -> String {
    let (name, tz, operators, hosts) = (&site.name, site.tz, site.operators.len(), site.hosts.len());
    let (checks, sources, checklists) =
        (site.checks().count(), site.alertmanagers.len() + site.zabbixes.len(), site.checklists.len());
    match lang {
        Lang::Zh => format!(
            "站点配置正确：{name}（{tz}），{operators} 名值班人员，{hosts} 台设备，{checks} 项检查，{sources} 个告警源，{checklists} 张巡检表"
        ),
        Lang::En => format!(
            "site OK: {name} ({tz}), {operators} operators, {hosts} hosts, {checks} checks, {sources} alert sources, {checklists} checklists"
        ),
    }
}

/// The unit a duty-log value is given in.
fn unit_of(field: &str) -> &'static str {
    match field {
        "temperature" => " °C",
        "humidity" => " %",
        _ => "",
    }
}
