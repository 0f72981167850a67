//! The sample site that `duty init` writes: the centre's machines from the inspection
//! sheets, the contract's clock rules, and the person running it as the first lead.

use std::path::Path;

use super::{CALENDAR_FILE, CHECKLISTS_DIR, HOSTS_FILE, PLANS_DIR, SITE_FILE, SLA_FILE, SSH_FILE};

/// Writes the sample site into `dir`. Refuses if any of its files already exists.
pub fn write_sample(dir: &Path, lead_user: &str, today: chrono::NaiveDate) -> std::io::Result<()> {
    let mut files = vec![
        (SITE_FILE.to_string(), site_toml(lead_user, today)),
        (SLA_FILE.to_string(), SLA_TOML.to_string()),
        (HOSTS_FILE.to_string(), HOSTS_TOML.to_string()),
        (CALENDAR_FILE.to_string(), calendar_toml(today)),
        (SSH_FILE.to_string(), SSH_TOML.to_string()),
        ("known_hosts".to_string(), KNOWN_HOSTS.to_string()),
        (format!("{CHECKLISTS_DIR}/exchange.toml"), EXCHANGE_TOML.to_string()),
        (format!("{CHECKLISTS_DIR}/daily.toml"), DAILY_TOML.to_string()),
        (format!("{CHECKLISTS_DIR}/weekly-devices.toml"), WEEKLY_TOML.to_string()),
        (format!("{CHECKLISTS_DIR}/arrival.toml"), ARRIVAL_TOML.to_string()),
        (format!("{CHECKLISTS_DIR}/departure.toml"), DEPARTURE_TOML.to_string()),
        (format!("{CHECKLISTS_DIR}/restore-test.toml"), RESTORE_TOML.to_string()),
    ];
    files.extend(PLANS.iter().map(|(id, text)| (format!("{PLANS_DIR}/{id}.toml"), text.to_string())));
    if let Some((name, _)) = files.iter().find(|(name, _)| dir.join(name).exists()) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            format!("{} already exists; refusing to overwrite a site", dir.join(name).display()),
        ));
    }
    std::fs::create_dir_all(dir.join(CHECKLISTS_DIR))?;
    std::fs::create_dir_all(dir.join(PLANS_DIR))?;
    for (name, text) in files {
        // create_new: never clobber a file that appeared meanwhile.
        use std::io::Write;
        let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(dir.join(name))?;
        file.write_all(text.as_bytes())?;
    }
    Ok(())
}

fn site_toml(lead_user: &str, today: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let year = today.year();
    format!(
        r#"# Duty Console site: who this centre is, its contract, and who may act.
# Check it with `duty config check`.

[site]
name = "公共资源交易中心 信息系统机房"
# IANA time zone; every time shown is local to it, every time stored is UTC.
timezone = "Asia/Shanghai"
# Incident numbers read GZ-YYYYMMDD-NNN (故障).
incident_prefix = "GZ"
# auto follows the locale (LANG=zh_CN.UTF-8 gives Chinese); or "zh" / "en".
language = "auto"
# Where the record is kept. Unset: a file under $XDG_DATA_HOME/duty. Consoles on more
# than one machine share a PostgreSQL database (duty store migrate, then duty store
# copy to move an existing file there). --store and DUTY_STORE override this.
# store = "postgres://duty@db.example:5432/duty"

# The O&M contract period: late responses are counted within it.
[contract]
start = {year}-01-01
end = {year}-12-31

# The machine room's limits: readings in the duty log outside them are flagged.
[room]
temperature = [18, 27]   # °C
humidity = [35, 75]      # % RH

# Alarms: a clock that falls due soon or is breached rings the bell (and a desktop
# notification where there is a desktop) until someone acknowledges it.
[alarms]
repeat_seconds = 60

# Shifts (班次): the status line shows the one in force and when it ends. on_duty is
# the standing roster (operator logins); a lead changes it for a day in the console or
# with `duty roster set`. The handover at the end of a shift is signed by someone on
# each side's roster.
[[shifts]]
name = "白班"
start = "08:00"
end = "20:00"
on_duty = ["{lead_user}"]

[[shifts]]
name = "夜班"
start = "20:00"
end = "08:00"
on_duty = ["{lead_user}"]

# Operators: OS login -> name and role. Leads may close incidents.
# Anyone not listed may read but not write.
[[operators]]
user = "{lead_user}"
name = "{lead_user}"
role = "lead"

# [[operators]]
# user = "zhangsan"
# name = "张三"
# role = "operator"

# Signing in at the shared machine-room terminal (uncomment to use). The accounts named
# in terminals are logged in all day and act for nobody: an engineer signs in there
# with `:login NAME` and the secret they set in their own session with `duty passwd`
# (add --second-factor for an authenticator's code). Every console of the site locks
# after `idle` without a key; `failures` wrong tries within `within` lock the name for
# `lock`. second_factor = true asks everyone for a code. Shared terminals need the
# service (a [service] section and `duty serve`): their account never holds the store.
# [signin]
# terminals = ["dutyroom"]
# idle = "15min"
# failures = 5
# within = "10min"
# lock = "10min"
# second_factor = false
"#
    )
}

const SLA_TOML: &str = r#"# Clock rules. The values below are the contract's (故障处理要求); change them only if
# your contract says otherwise. Every key is optional and defaults to these values.

# Respond to a fault within half an hour of the report.
response_minutes = 30
# Engineer on site within 2 hours of responding, when on site is needed.
onsite_minutes = 120
# Detailed fault report within 24 hours after resolution.
report_hours = 24
# How far back an operator may date a step (--at, --reported-at, a time typed in the
# console); a report time further back is also taken only after the engineer has seen
# what it does to the clocks.
backdate_hours = 2
# How far back a lead may date a step, giving a reason (recorded beside it).
lead_backdate_days = 7
# A handover may be signed from this long before the shift change; earlier needs a lead.
handover_sign_minutes = 30

# Resolve within 4 / 12 / 24 hours of the report, by severity.
[resolution_hours]
ordinary = 4    # 一般故障
serious = 12    # 严重故障
critical = 24   # 特别严重故障

# Optional: duty staff confirm an event within 10 minutes (met by the acknowledgement).
[confirm]
enabled = false
minutes = 10

# Optional: a security incident (class attack) is reported to the security leading
# group or leadership within 5 minutes (met by an answered call).
[security_report]
enabled = false
minutes = 5

# How long before its due time a clock shows "due soon".
[due_soon_minutes]
confirm = 3
response = 10
onsite = 30
resolution = 60
report = 240
security_report = 2

# Two late responses make one breach; each breach costs 5% of the contract price.
[contract]
late_responses_per_breach = 2
penalty_percent_per_breach = 5

# Optional: the requester confirms a resolution and rates it (duty incident confirm, U
# in the console); enabled, the site confirms it, unrated, after this many days
# without an answer (recorded as the site's rule).
[auto_confirm]
enabled = false
days = 7

# Changes (变更): a normal change is planned outside these working hours on a workday of
# calendar.toml; an emergency change approved orally is written up within this many hours.
[changes]
working_hours = ["08:30", "17:30"]
emergency_record_hours = 24
"#;

const HOSTS_TOML: &str = r#"# The centre's machines, as on the daily inspection sheet (日常巡检表).
# Replace the addresses with your machines' own.

[[hosts]]
name = "central-db"
label = "中心数据库服务器"
role = "database"
ip = "127.0.10.1"
group = "主机房"
os = "Linux"

[[hosts]]
name = "collect-db"
label = "采集数据库"
role = "database"
ip = "127.0.10.2"
group = "主机房"
os = "Linux"

[[hosts]]
name = "topic-db"
label = "主题库和产品服务数据库服务器"
role = "database"
ip = "127.0.10.3"
group = "主机房"
os = "Linux"

[[hosts]]
name = "processing"
label = "数据处理服务器"
role = "application"
ip = "127.0.10.4"
group = "主机房"
os = "Linux"

[[hosts]]
name = "business-mgmt"
label = "业务管理服务器"
role = "application"
ip = "127.0.10.5"
group = "主机房"
os = "Linux"

[[hosts]]
name = "app-server"
label = "应用服务器"
role = "application"
ip = "127.0.10.6"
group = "主机房"
os = "Linux"

[[hosts]]
name = "exchange-mgmt"
label = "中心数据交换管理服务器"
role = "exchange"
ip = "127.0.10.7"
group = "主机房"
os = "Linux"

[[hosts]]
name = "frontend-1"
label = "数据交换前置机"
role = "front_end"
ip = "127.0.10.8"
group = "前置机"
os = "Linux"

[[hosts]]
name = "credit-web"
label = "信用外网"
role = "web"
ip = "127.0.10.9"
group = "外网区"
os = "Linux"

[[hosts]]
name = "credit-dw"
label = "信用外网数据仓库"
role = "database"
ip = "127.0.10.10"
group = "外网区"
os = "Linux"

[[hosts]]
name = "credit-collect"
label = "信用外网采集节点"
role = "collection"
ip = "127.0.10.11"
group = "外网区"
os = "Linux"

[[hosts]]
name = "storage"
label = "存储设备"
role = "storage"
ip = "127.0.10.12"
group = "主机房"
os = "storage"

# Backups (the 备份 column of the sheet): the newest file matching `pattern` in `path`
# must be younger than `max_age_hours` and at least `min_bytes`. The folder is read on
# the host over the site's SSH settings (ssh.toml), or on this machine with local =
# true. Uncomment and set the folders of your backup jobs: the daily incremental and the
# weekly full (the yearly restore test is the checklist restore-test.toml).
# [[hosts.checks]]
# name = "backup-incr"
# kind = "backup"
# column = "backup"
# path = "/backup/incr"
# pattern = "incr-*.tar.gz"
# max_age_hours = 26
# min_bytes = 1048576
# interval_seconds = 3600
#
# [[hosts.checks]]
# name = "backup-full"
# kind = "backup"
# column = "backup"
# path = "/backup/full"
# pattern = "full-*.tar.gz"
# max_age_hours = 192
# min_bytes = 104857600
# interval_seconds = 3600
"#;

fn calendar_toml(today: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let year = today.year();
    format!(
        r#"# The site's calendar: "workdays" in checklist templates are Monday to Friday,
# without these public holidays, plus these adjusted working days (调休).
# Replace with the schedule the State Council publishes for the year.

holidays = [
  {year}-01-01,
  {year}-10-01, {year}-10-02, {year}-10-03, {year}-10-04, {year}-10-05, {year}-10-06, {year}-10-07,
]

# Weekend days that are worked in exchange for a holiday, e.g. {year}-09-27.
workdays = []
"#
    )
}

const EXCHANGE_TOML: &str = r#"# 数据交换检查：上班开始和下班之前各一次（合同要求）。交换失败时先人工交换，再查原因。
name = "数据交换检查"
days = "workdays"
times = ["08:30", "17:00"]
within_minutes = 60

[[items]]
id = "nodes"
title = "节点连通性"
steps = ["打开数据交换管理控制台", "查看各节点状态，是否有节点显示为红色", "记录红色节点名称"]

[[items]]
id = "history"
title = "最近一周交换记录"
steps = ["查看最近一周的交换历史", "将出现红色的节点写入值班日志"]

[[items]]
id = "channel"
title = "交换通道（MQ）"
steps = ["查看 MQ 通道状态是否为 RUNNING", "查看 MQ 日志是否有错误", "检查是否有传输失败的文件"]

[[items]]
id = "frontend"
title = "前置机"
steps = ["连接前置机，确认运行正常", "检查网卡状态", "操作系统 ping 中心", "FTE ping 中心", "仍不清楚时登录前置机继续排查"]
"#;

const DAILY_TOML: &str = r#"# 日常巡检表（服务器）：每个工作日 18:00 前完成；不能完成须提前两小时告知。
name = "日常巡检（服务器）"
days = "workdays"
times = ["09:00"]
deadline = "18:00"

[[items]]
id = "central-db"
title = "中心数据库服务器"
steps = ["网络：ping", "系统：远程登录、磁盘空间、系统日志", "应用：数据库监听、表空间、会话"]

[[items]]
id = "collect-db"
title = "采集数据库"
steps = ["网络：ping", "系统：远程登录、磁盘空间、系统日志", "应用：数据库服务、数据连接"]

[[items]]
id = "topic-db"
title = "主题库和产品服务数据库服务器"
steps = ["网络：ping", "系统：远程登录、磁盘空间、系统日志", "应用：产品服务、数据连接"]

[[items]]
id = "processing"
title = "数据处理服务器"
steps = ["网络：ping", "系统：远程登录、磁盘空间、系统日志", "应用：数据处理状态"]

[[items]]
id = "business"
title = "业务管理服务器与应用服务器"
steps = ["网络：ping", "系统：远程登录、磁盘空间、系统日志", "应用：网站是否正常、后台服务"]

[[items]]
id = "credit"
title = "信用外网、数据仓库与采集节点"
steps = ["网站是否可以访问", "数据仓库服务", "采集节点数据是否更新"]

[[items]]
id = "storage"
title = "数据存储"
steps = ["存储设备状态与告警", "各分区使用率"]

[[items]]
id = "backup"
title = "备份结果"
steps = ["查看昨晚备份作业结果", "查看备份日志是否有错误"]
"#;

const ARRIVAL_TOML: &str = r#"# 到岗设备检查：值班人员到岗后半小时内检查机房设备（值班记录制度）。
name = "到岗设备检查"
days = "daily"
times = ["08:00", "20:00"]
within_minutes = 30

[[items]]
id = "room"
title = "机房环境"
steps = ["温度、湿度在范围内", "无异味、无漏水", "门禁正常"]

[[items]]
id = "power"
title = "供电与空调"
steps = ["UPS 无告警", "精密空调运行正常"]

[[items]]
id = "racks"
title = "机柜与设备指示灯"
steps = ["服务器、网络设备无红灯", "存储无告警"]
"#;

const DEPARTURE_TOML: &str = r#"# 离岗设备检查：交班前半小时内再次检查机房设备。
name = "离岗设备检查"
days = "daily"
times = ["19:30", "07:30"]
within_minutes = 30

[[items]]
id = "room"
title = "机房环境"
steps = ["温度、湿度在范围内", "门窗关闭"]

[[items]]
id = "equipment"
title = "借用设备归还"
steps = ["本班使用的设备已归还并登记状态"]

[[items]]
id = "racks"
title = "机柜与设备指示灯"
steps = ["服务器、网络设备无红灯", "存储无告警"]
"#;

const RESTORE_TOML: &str = r#"# 年度备份恢复演练：每年至少一次，用最近的全量备份及其后的增量备份恢复到测试环境并核对。
name = "年度备份恢复演练"
days = "yearly:03-31"
times = ["10:00"]
deadline = "18:00"

[[items]]
id = "pick"
title = "选取备份"
steps = ["选取最近一次全量备份及其后的增量备份", "记录备份文件名、大小与时间"]

[[items]]
id = "restore"
title = "恢复到测试环境"
steps = ["在测试服务器上恢复", "记录开始与结束时间"]

[[items]]
id = "verify"
title = "核对数据"
steps = ["抽查关键表的记录数与最新数据时间", "应用连接测试库验证"]

[[items]]
id = "record"
title = "记录与归档"
steps = ["填写恢复演练记录并签字", "发现的问题录入事件并跟踪"]
"#;

const WEEKLY_TOML: &str = r#"# 每周设备巡检表：每个工作日一次，周报按星期列出 √ / ×。
name = "每周设备巡检"
days = "workdays"
times = ["10:00"]
deadline = "18:00"

[[items]]
id = "room"
title = "机房环境（温度、湿度、空调）"
steps = ["读取温湿度", "检查精密空调运行与告警"]

[[items]]
id = "power"
title = "供电与 UPS"
steps = ["UPS 是否市电供电", "电池与告警"]

[[items]]
id = "network"
title = "核心网络设备"
steps = ["核心交换机、防火墙指示灯与告警", "链路状态"]

[[items]]
id = "servers"
title = "服务器硬件"
steps = ["服务器指示灯", "硬件告警"]

[[items]]
id = "storage"
title = "存储设备"
steps = ["控制器与硬盘状态", "存储告警"]
"#;

const KNOWN_HOSTS: &str = "# Host keys of the machines the console may reach over SSH.\n# Add one with `duty ssh trust HOST --fingerprint SHA256:...` after checking it.\n";

const SSH_TOML: &str = r#"# SSH triage actions (操作). Each run is recorded: operator, host, command, result,
# output size and SHA-256. Host keys are checked against known_hosts (this folder):
# an unknown key is refused until trusted with `duty ssh trust`; a changed one always.
# Authentication: ssh-agent first, then these key files. No passwords here, ever.
known_hosts = "known_hosts"
identity_files = []
connect_timeout_ms = 5000
max_parallel = 16
# A free-form command is a separate action the site must allow; it is always audited.
free_form = false
# Dangerous actions (changing state) need their name typed back; with two_person_rule
# a second operator confirms too (系统参数不得单人操作).
two_person_rule = true

[[actions]]
name = "uptime"
description = "运行时间与负载"
command = "uptime"
timeout_seconds = 10

[[actions]]
name = "disk"
description = "磁盘使用"
command = "df -hP"
timeout_seconds = 10

[[actions]]
name = "nic"
description = "网卡状态"
command = "ip -brief address; ip -s link"
timeout_seconds = 10

[[actions]]
name = "ping-centre"
description = "ping 中心数据交换管理服务器"
command = "ping -c 3 -W 2 127.0.10.7"
timeout_seconds = 15

[[actions]]
name = "mq-status"
description = "FTE / MQ 通道状态"
command = "dspmq; echo 'DISPLAY CHSTATUS(*)' | runmqsc 2>&1 | tail -n 40"
timeout_seconds = 20

[[actions]]
name = "exchange-log"
description = "交换日志最后 100 行"
command = "tail -n 100 /var/log/exchange/exchange.log"
timeout_seconds = 10

[[actions]]
name = "failed-files"
description = "传输失败的文件"
command = "ls -lt /data/exchange/failed | head -n 50"
timeout_seconds = 10

[[actions]]
name = "restart-fte"
description = "重启 FTE 服务（改变系统状态）"
command = "systemctl restart fte && systemctl status fte --no-pager | head -n 5"
timeout_seconds = 60
dangerous = true
"#;

/// The emergency plans of the centre's plan (004), one per kind of incident: (file,
/// text). Every one reports an emergency to the security leading group within five
/// minutes (art. 8).
const PLANS: [(&str, &str); 7] = [
    (
        "network",
        r#"# 网络故障应急预案
name = "网络故障应急预案"
classes = ["fault"]
areas = ["network_device"]
words = ["网络", "断网", "交换机", "路由", "network", "link"]

[[steps]]
title = "确认故障范围（哪些节点、哪些业务不通）并记录"
who = "duty"
within_minutes = 10

[[steps]]
title = "报告网络安全领导小组"
who = "duty"
within_minutes = 5

[[steps]]
title = "切换备用线路或备用设备"
who = "duty"
within_minutes = 30

[[steps]]
title = "联系运营商或设备厂商到场"
who = "vendor"

[[steps]]
title = "恢复后验证业务并通知用户"
who = "duty"
"#,
    ),
    (
        "virus",
        r#"# 病毒爆发应急预案
name = "病毒应急预案"
classes = ["attack"]
words = ["病毒", "木马", "勒索", "virus", "malware", "ransom"]

[[steps]]
title = "断开感染主机的网络连接"
who = "duty"
within_minutes = 5

[[steps]]
title = "报告网络安全领导小组"
who = "duty"
within_minutes = 5

[[steps]]
title = "决定是否停止相关业务"
who = "lead"
within_minutes = 30

[[steps]]
title = "查杀病毒，核查其他主机"
who = "security"

[[steps]]
title = "恢复业务并保留样本与日志"
who = "duty"
"#,
    ),
    (
        "software",
        r#"# 软件系统故障应急预案
name = "软件故障应急预案"
classes = ["fault"]
areas = ["system", "database", "other_application"]
words = ["软件", "应用", "数据库", "服务", "software", "application", "database"]

[[steps]]
title = "确认故障现象与影响范围"
who = "duty"
within_minutes = 10

[[steps]]
title = "报告值班负责人"
who = "duty"
within_minutes = 15

[[steps]]
title = "按操作手册重启服务或切换备机"
who = "duty"

[[steps]]
title = "不能恢复时联系软件厂商"
who = "vendor"

[[steps]]
title = "恢复后核对数据完整性"
who = "duty"
"#,
    ),
    (
        "intrusion",
        r#"# 网络入侵应急预案
name = "入侵应急预案"
classes = ["attack"]
words = ["入侵", "攻击", "篡改", "intrusion", "attack", "breach"]

[[steps]]
title = "报告网络安全领导小组"
who = "duty"
within_minutes = 5

[[steps]]
title = "隔离受影响主机，保留现场"
who = "duty"
within_minutes = 15

[[steps]]
title = "决定是否停机与对外通报"
who = "lead"
within_minutes = 30

[[steps]]
title = "取证分析，封堵入侵途径"
who = "security"

[[steps]]
title = "恢复系统并加固"
who = "duty"
"#,
    ),
    (
        "hardware",
        r#"# 硬件故障应急预案
name = "硬件故障应急预案"
classes = ["fault"]
areas = ["system"]
words = ["硬件", "硬盘", "磁盘", "电源模块", "内存", "hardware", "disk"]

[[steps]]
title = "确认故障部件并记录告警"
who = "duty"
within_minutes = 15

[[steps]]
title = "切换备机或降级运行"
who = "duty"
within_minutes = 30

[[steps]]
title = "联系厂商送备件到场"
who = "vendor"

[[steps]]
title = "更换后验证并通知用户"
who = "duty"
"#,
    ),
    (
        "power",
        r#"# 机房停电应急预案
name = "停电应急预案"
classes = ["disaster"]
words = ["停电", "断电", "供电", "UPS", "power"]

[[steps]]
title = "确认 UPS 供电状态与剩余时间"
who = "duty"
within_minutes = 5

[[steps]]
title = "报告网络安全领导小组与物业"
who = "duty"
within_minutes = 5

[[steps]]
title = "决定是否按顺序关闭非核心设备"
who = "lead"
within_minutes = 15

[[steps]]
title = "来电后按顺序启动设备并检查"
who = "duty"
"#,
    ),
    (
        "exchange",
        r#"# 数据交换故障应急预案
name = "数据交换故障应急预案"
classes = ["fault"]
areas = ["other_application"]
words = ["交换", "前置", "exchange"]

[[steps]]
title = "查看交换管理控制台，记录显示红色的节点"
who = "duty"
within_minutes = 15

[[steps]]
title = "重启前置机交换服务"
who = "duty"
within_minutes = 30

[[steps]]
title = "通知相关部门并改用临时方式传输数据"
who = "duty"
within_minutes = 60

[[steps]]
title = "恢复后补传数据并核对"
who = "duty"
"#,
    ),
];
