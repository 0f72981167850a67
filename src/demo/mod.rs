//! `duty demo`: a realistic centre in a fresh folder — the machines of the inspection
//! sheets, three operators, incidents at every stage of their clocks, and live checks
//! against services the demo runs on loopback addresses (some healthy, one flapping,
//! one down) — so the console shows the product at once.

pub mod services;

use std::net::IpAddr;
use std::path::Path;
use std::time::Duration as StdDuration;

use services::Behaviour;

use chrono::{DateTime, Duration, Utc};

use crate::config::{SITE_FILE, SLA_FILE, Site, sample};
use crate::domain::incident::{FaultReportForm, NewIncident};
use crate::domain::{
    CallTarget, EventClass, FaultArea, IncidentCommand as C, IncidentId, Operator, PauseReason, Severity,
    Source,
};
use crate::store::{IncidentRequest, SqliteStore, Store, Target};

/// The demo's loopback services, running on their own thread until dropped.
pub struct DemoServices {
    /// (host, checks as TOML) to add to the demo site.
    checks: Vec<(&'static str, String)>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl DemoServices {
    /// Starts the services; each demo machine listens on its own loopback address.
    pub fn start() -> anyhow::Result<DemoServices> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let ip = |last: u8| IpAddr::from([127, 0, 10, last]);
        let (checks, tasks) = runtime.block_on(async {
            let mut checks = Vec::new();
            let mut tasks = Vec::new();
            let http = [
                ("credit-web", 9, Behaviour::Healthy, "website", "app1"),
                ("app-server", 6, Behaviour::Healthy, "middleware", "app1"),
                ("exchange-mgmt", 7, Behaviour::Flapping(StdDuration::from_secs(40)), "exchange-console", "app1"),
                ("topic-db", 3, Behaviour::Slow(StdDuration::from_millis(1500)), "product-service", "app2"),
            ];
            for (host, last, behaviour, name, column) in http {
                let listener = services::bind_loopback(ip(last)).await?;
                let port = listener.local_addr()?.port();
                tasks.push(tokio::spawn(services::serve_http(listener, behaviour)));
                checks.push((host, format!(
                    "[[hosts.checks]]\nname = \"{name}\"\nkind = \"http\"\nurl = \"http://127.0.10.{last}:{port}/health\"\nbody_contains = \"OK\"\ncolumn = \"{column}\"\ninterval_seconds = 5\ntimeout_ms = 1000\nretries = 0\n"
                )));
            }
            for (host, last, name) in [("central-db", 1, "listener"), ("frontend-1", 8, "fte"), ("collect-db", 2, "listener")] {
                let listener = services::bind_loopback(ip(last)).await?;
                let port = listener.local_addr()?.port();
                tasks.push(tokio::spawn(services::serve_tcp(listener)));
                checks.push((host, format!(
                    "[[hosts.checks]]\nname = \"{name}\"\nkind = \"tcp\"\nport = {port}\ncolumn = \"app1\"\ninterval_seconds = 5\ntimeout_ms = 1000\n"
                )));
            }
            // Down: a port nothing listens on.
            let closed = services::bind_loopback(ip(5)).await?;
            let port = closed.local_addr()?.port();
            drop(closed);
            checks.push(("business-mgmt", format!(
                "[[hosts.checks]]\nname = \"backup-agent\"\nkind = \"tcp\"\nport = {port}\ncolumn = \"app2\"\ninterval_seconds = 5\ntimeout_ms = 1000\nseverity = \"ordinary\"\n"
            )));
            for (host, _) in [("frontend-1", 8), ("central-db", 1), ("storage", 12)] {
                checks.push((host, "[[hosts.checks]]\nname = \"ping\"\nkind = \"ping\"\ncolumn = \"network\"\ninterval_seconds = 10\ntimeout_ms = 1000\n".to_string()));
            }
            Ok::<_, std::io::Error>((checks, tasks))
        })?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            runtime.block_on(async move {
                let _ = stopped.await;
                for task in tasks {
                    task.abort();
                }
            });
        });
        Ok(DemoServices { checks, stop: Some(stop), thread: Some(thread) })
    }
}

impl Drop for DemoServices {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Adds check tables right after the named host's table in hosts.toml.
pub fn add_checks(hosts_toml: &str, checks: &[(&str, String)]) -> String {
    let mut text = hosts_toml.to_string();
    for (host, table) in checks {
        let Some(at) = text.find(&format!("name = \"{host}\"")) else { continue };
        let end = text[at..].find("\n\n").map_or(text.len(), |i| at + i);
        text.insert_str(end, &format!("\n\n{}", table.trim_end()));
    }
    text
}

/// Writes the demo site into `dir` (with `lead` as its lead) and fills `store`. With
/// `services`, the machines get live checks against them.
pub fn prepare(
    dir: &Path,
    store_path: &Path,
    lead: &str,
    now: DateTime<Utc>,
    services: Option<&DemoServices>,
) -> anyhow::Result<Site> {
    let site_dir = dir.join("site");
    let today = now.with_timezone(&chrono_tz::Asia::Shanghai).date_naive();
    sample::write_sample(&site_dir, lead, today)?;
    let site_toml = site_dir.join(SITE_FILE);
    let mut text = std::fs::read_to_string(&site_toml)?;
    // Two people a shift: the lead with 张三 by day, with 李四 by night.
    let standing = format!("on_duty = [\"{lead}\"]");
    text = text.replacen(&standing, &format!("on_duty = [\"{lead}\", \"zhangsan\"]"), 1);
    text = text.replacen(&standing, &format!("on_duty = [\"{lead}\", \"lisi\"]"), 1);
    text.push_str(
        "\n[[operators]]\nuser = \"zhangsan\"\nname = \"张三\"\nrole = \"operator\"\n\n[[operators]]\nuser = \"lisi\"\nname = \"李四\"\nrole = \"operator\"\n",
    );
    std::fs::write(&site_toml, text)?;
    // The demo shows the optional security rule at work.
    let sla = site_dir.join(SLA_FILE);
    let rules = std::fs::read_to_string(&sla)?;
    let rules = rules.replacen("[security_report]\nenabled = false", "[security_report]\nenabled = true", 1);
    std::fs::write(&sla, rules)?;
    if let Some(services) = services {
        let hosts = site_dir.join(crate::config::HOSTS_FILE);
        let text = std::fs::read_to_string(&hosts)?;
        std::fs::write(&hosts, add_checks(&text, &services.checks))?;
        // Inspection items that a live check can pre-fill.
        for (file, item, check) in [
            ("exchange.toml", "nodes", "exchange-mgmt/exchange-console"),
            ("exchange.toml", "frontend", "frontend-1/fte"),
            ("daily.toml", "central-db", "central-db/listener"),
            ("daily.toml", "topic-db", "topic-db/product-service"),
        ] {
            let path = site_dir.join(crate::config::CHECKLISTS_DIR).join(file);
            let text = std::fs::read_to_string(&path)?;
            let bound = text.replacen(
                &format!("id = \"{item}\"\n"),
                &format!("id = \"{item}\"\ncheck = \"{check}\"\n"),
                1,
            );
            std::fs::write(&path, bound)?;
        }
    }
    // The demo is worked every day, so its inspections show whatever the weekday.
    let calendar = site_dir.join(crate::config::CALENDAR_FILE);
    let text = std::fs::read_to_string(&calendar)?;
    std::fs::write(&calendar, text.replace("workdays = []", &format!("workdays = [{today}]")))?;
    let site = Site::load(&site_dir)?;
    let mut store = SqliteStore::open(store_path)?;
    seed(&mut store, &site, now)?;
    seed_inspections(&mut store, &site, now)?;
    seed_duty_log(&mut store, &site, now)?;
    Ok(site)
}

/// A few entries in the duty log of the shift in force.
fn seed_duty_log(store: &mut SqliteStore, site: &Site, now: DateTime<Utc>) -> anyhow::Result<()> {
    use crate::domain::duty_log::Entry;
    let Some((shift, _)) = crate::duty::shifts_at(site, now) else { return Ok(()) };
    let time = |minutes: i64| (now - Duration::minutes(minutes)).with_timezone(&site.tz).time();
    let entries = [
        (Entry::Environment { temperature: 22.5, humidity: 46.0, weather: "晴".into() }, "zhangsan"),
        (Entry::Power { normal: true, from: None, to: None, note: String::new() }, "zhangsan"),
        (
            Entry::Visitor {
                who: "UPS 厂商 王工".into(),
                why: "更换 UPS 电池模块".into(),
                from: time(50),
                to: Some(time(20)),
                escort: "zhangsan".into(),
            },
            "zhangsan",
        ),
        (
            Entry::Request {
                from: "交易科 李科长".into(),
                complaint: false,
                what: "开标室专网访问慢".into(),
                outcome: "已重启接入交换机端口，恢复正常".into(),
            },
            "zhangsan",
        ),
    ];
    for (minutes, (entry, who)) in [40_i64, 35, 20, 10].into_iter().zip(entries) {
        let at = (now - Duration::minutes(minutes)).max(shift.start);
        crate::duty::log_entry(store, site, &entry, &op(who), "demo", at)?;
    }
    Ok(())
}

struct Seeder<'a> {
    store: &'a mut SqliteStore,
    site: &'a Site,
    now: DateTime<Utc>,
}

fn op(id: &str) -> Operator {
    Operator { id: id.to_string(), name: id.to_string(), role: crate::domain::Role::Lead }
}

impl Seeder<'_> {
    fn open(
        &mut self,
        title: &str,
        severity: Severity,
        area: FaultArea,
        host: &str,
        ago_min: i64,
    ) -> anyhow::Result<IncidentId> {
        self.open_full(title, severity, EventClass::Fault, area, host, ago_min, false)
    }

    #[allow(clippy::too_many_arguments)]
    fn open_full(
        &mut self,
        title: &str,
        severity: Severity,
        class: EventClass,
        area: FaultArea,
        host: &str,
        ago_min: i64,
        onsite: bool,
    ) -> anyhow::Result<IncidentId> {
        let reported_at = self.now - Duration::minutes(ago_min);
        let new = NewIncident {
            title: title.to_string(),
            description: String::new(),
            severity,
            class,
            area,
            hosts: vec![host.to_string()],
            source: Source::Operator,
            reported_at,
            onsite_required: onsite,
            source_ref: None,
        };
        let day_key = reported_at.with_timezone(&self.site.tz).format("%Y%m%d").to_string();
        let target = Target::New { prefix: self.site.incident_prefix.clone(), day_key };
        self.run(target, C::Open(new), "zhangsan", ago_min)
    }

    fn step(&mut self, id: &IncidentId, command: C, who: &str, ago_min: i64) -> anyhow::Result<()> {
        self.run(Target::Existing(id.clone()), command, who, ago_min)?;
        Ok(())
    }

    fn run(&mut self, target: Target, command: C, who: &str, ago_min: i64) -> anyhow::Result<IncidentId> {
        let actor = op(who);
        let request = IncidentRequest {
            target,
            command,
            actor: &actor,
            origin: "demo".to_string(),
            occurred_at: self.now - Duration::minutes(ago_min),
            now: self.now,
            expected_version: None,
            claim: None,
        };
        Ok(self.store.execute(request)?.incident.id)
    }
}

fn resolve(cause: &str, solution: &str) -> C {
    C::Resolve { cause: cause.to_string(), solution: solution.to_string() }
}

fn report(description: &str, measures: &str) -> C {
    C::FileReport(FaultReportForm {
        description: description.to_string(),
        cause: None,
        process: "现场检查、定位、处理并验证".to_string(),
        solution: None,
        measures: measures.to_string(),
        area: None,
    })
}

/// This morning's data-exchange check done (one warning, the owner told), and the
/// daily sheet under way.
fn seed_inspections(store: &mut SqliteStore, site: &Site, now: DateTime<Utc>) -> anyhow::Result<()> {
    use crate::domain::checklist::{ItemResult, RunCommand};
    let today = now.with_timezone(&site.tz).date_naive();
    let agenda = crate::agenda::load(store, site, today, today, now)?;
    let mut run = |template: &str, slot_index: usize, steps: Vec<(RunCommand, &str)>| -> anyhow::Result<()> {
        let Some(item) = agenda.iter().filter(|a| a.slot.template == template).nth(slot_index) else {
            return Ok(());
        };
        let Some(spec) = site.checklist(template) else { return Ok(()) };
        let start = spec.start(&item.slot);
        for (command, who) in std::iter::once((start, "zhangsan")).chain(steps) {
            let actor = op(who);
            store.execute_run(crate::store::RunRequest {
                run: item.slot.run.clone(),
                command,
                actor: &actor,
                origin: "demo".into(),
                now,
                expected_version: None,
            })?;
        }
        Ok(())
    };
    let mark = |item: &str, result: ItemResult, note: &str| RunCommand::Mark {
        item: item.into(),
        result,
        note: note.into(),
        evidence: None,
        judged: None,
    };
    run(
        "exchange",
        0,
        vec![
            (mark("nodes", ItemResult::Normal, ""), "zhangsan"),
            (mark("history", ItemResult::Warning, "节点 3 周二两次显示红色，已写入值班日志"), "zhangsan"),
            (RunCommand::Notify { item: "history".into() }, "zhangsan"),
            (mark("channel", ItemResult::Normal, ""), "zhangsan"),
            (mark("frontend", ItemResult::Normal, ""), "zhangsan"),
            (RunCommand::Sign, "zhangsan"),
        ],
    )?;
    run(
        "daily",
        0,
        vec![
            (mark("central-db", ItemResult::Normal, ""), "lisi"),
            (mark("collect-db", ItemResult::Normal, ""), "lisi"),
            (mark("topic-db", ItemResult::Critical, "产品服务无响应超过 10 分钟"), "lisi"),
            (RunCommand::Notify { item: "topic-db".into() }, "lisi"),
        ],
    )?;
    run("weekly-devices", 0, vec![(mark("room", ItemResult::Normal, "22℃ / 45%"), "zhangsan")])?;
    // The arrival and departure checks already due were done within ten minutes.
    let yesterday = today.pred_opt().unwrap_or(today);
    for item in crate::agenda::load(store, site, yesterday, today, now)? {
        let done_at = item.slot.due_at + Duration::minutes(10);
        let Some(spec) = site.checklist(&item.slot.template) else { continue };
        if !matches!(spec.id.as_str(), "arrival" | "departure") || done_at > now {
            continue;
        }
        let marks = spec.items.iter().map(|i| mark(&i.id, ItemResult::Normal, ""));
        for command in std::iter::once(spec.start(&item.slot)).chain(marks).chain([RunCommand::Sign]) {
            store.execute_run(crate::store::RunRequest {
                run: item.slot.run.clone(),
                command,
                actor: &op("zhangsan"),
                origin: "demo".into(),
                now: done_at,
                expected_version: None,
            })?;
        }
    }
    Ok(())
}

fn seed(store: &mut SqliteStore, site: &Site, now: DateTime<Utc>) -> anyhow::Result<()> {
    let mut s = Seeder { store, site, now };
    use FaultArea as A;
    use Severity as S;

    // Closed two days ago: the whole life, met on every clock.
    let id =
        s.open("应用服务器中间件日志报错", S::Ordinary, A::OtherApplication, "app-server", 2 * 24 * 60)?;
    s.step(&id, C::Acknowledge, "lisi", 2 * 24 * 60 - 12)?;
    s.step(&id, resolve("连接池耗尽", "调整连接池上限并重启中间件"), "lisi", 2 * 24 * 60 - 150)?;
    s.step(&id, report("中间件日志大量连接超时", "连接池使用率纳入监控"), "lisi", 2 * 24 * 60 - 400)?;
    s.step(&id, C::Close { note: "复核通过".into() }, "zhangsan", 2 * 24 * 60 - 600)?;

    // Late response last week: counts against the contract.
    let id = s.open(
        "信用外网采集节点数据未更新",
        S::Ordinary,
        A::OtherApplication,
        "credit-collect",
        5 * 24 * 60,
    )?;
    s.step(&id, C::Acknowledge, "lisi", 5 * 24 * 60 - 41)?;
    s.step(&id, resolve("采集任务调度异常", "重新下发采集任务"), "lisi", 5 * 24 * 60 - 120)?;
    s.step(&id, report("采集节点 40 分钟无数据", "调度失败告警"), "lisi", 5 * 24 * 60 - 300)?;

    // Resolved yesterday: the fault report clock is running.
    let id = s.open("存储设备硬盘告警", S::Serious, A::System, "storage", 20 * 60)?;
    s.step(&id, C::Acknowledge, "zhangsan", 20 * 60 - 8)?;
    s.step(
        &id,
        C::Escalate { vendor: "存储厂商".into(), note: "已报修，等待更换硬盘".into() },
        "zhangsan",
        20 * 60 - 30,
    )?;
    s.step(&id, resolve("2 号盘故障", "更换硬盘，阵列重建完成"), "zhangsan", 120)?;

    // Waiting on the vendor: the resolution clock stands still.
    let id = s.open("业务管理服务器备份作业失败", S::Ordinary, A::System, "business-mgmt", 5 * 60)?;
    s.step(&id, C::Acknowledge, "lisi", 5 * 60 - 6)?;
    s.step(&id, C::Note { text: "备份日志显示磁带库无响应".into() }, "lisi", 5 * 60 - 20)?;
    s.step(&id, C::Pause { reason: PauseReason::Vendor }, "lisi", 120)?;

    // Critical, engineer on site, resolution running.
    let id = s.open_full(
        "中心数据库服务器宕机",
        S::Critical,
        EventClass::Fault,
        A::Database,
        "central-db",
        230,
        true,
    )?;
    s.step(&id, C::Acknowledge, "zhangsan", 222)?;
    s.step(
        &id,
        C::Call {
            callee: CallTarget::Leadership,
            name: "王主任".into(),
            answered: true,
            note: "已电话报告".into(),
        },
        "zhangsan",
        215,
    )?;
    s.step(&id, C::ArriveOnSite, "zhangsan", 150)?;

    // Resolution due soon.
    let id = s.open("采集数据库表空间使用率 95%", S::Serious, A::Database, "collect-db", 11 * 60 + 20)?;
    s.step(&id, C::Acknowledge, "lisi", 11 * 60 + 5)?;

    // Response due soon.
    s.open("数据交换节点显示红色（前置机 FTE ping 不通）", S::Serious, A::NetworkDevice, "frontend-1", 24)?;

    // Response breached.
    s.open("信用外网网站访问缓慢", S::Ordinary, A::OtherApplication, "credit-web", 45)?;

    // A security incident: the 5-minute report rule is on in the demo.
    s.open_full(
        "信用外网遭受端口扫描",
        S::Serious,
        EventClass::Attack,
        A::NetworkDevice,
        "credit-web",
        3,
        false,
    )?;
    Ok(())
}
