//! The sample site that `duty init` writes: the centre's machines from the inspection
//! sheets, the contract's clock rules, and the person running it as the first lead.

use std::path::Path;

use super::{HOSTS_FILE, SITE_FILE, SLA_FILE};

/// Writes the sample site into `dir`. Refuses if any of its files already exists.
pub fn write_sample(dir: &Path, lead_user: &str, today: chrono::NaiveDate) -> std::io::Result<()> {
    let files = [
        (SITE_FILE, site_toml(lead_user, today)),
        (SLA_FILE, SLA_TOML.to_string()),
        (HOSTS_FILE, HOSTS_TOML.to_string()),
    ];
    if let Some((name, _)) = files.iter().find(|(name, _)| dir.join(name).exists()) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            format!("{} already exists; refusing to overwrite a site", dir.join(name).display()),
        ));
    }
    std::fs::create_dir_all(dir)?;
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

# The O&M contract period: late responses are counted within it.
[contract]
start = {year}-01-01
end = {year}-12-31

# Alarms: a clock that falls due soon or is breached rings the bell (and a desktop
# notification where there is a desktop) until someone acknowledges it.
[alarms]
repeat_seconds = 60

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
"#;
