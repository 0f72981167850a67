//! Fills a store with N open incidents spread over the last day, for measuring the
//! console with a realistic load: `cargo run --release --example seed_incidents -- STORE N`.

use chrono::Duration;
use duty::domain::incident::NewIncident;
use duty::domain::{EventClass, FaultArea, IncidentCommand, Operator, Role, Severity, Source};
use duty::store::{IncidentRequest, SqliteStore, Store, Target};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or_else(|| anyhow::anyhow!("usage: seed_incidents STORE N"))?;
    let count: usize =
        args.next().ok_or_else(|| anyhow::anyhow!("usage: seed_incidents STORE N"))?.parse()?;
    let mut store = SqliteStore::open(path.as_ref())?;
    // Seeding only: durability per command is what the store benchmark measures.
    store.connection().execute_batch("PRAGMA synchronous = OFF")?;
    let actor = Operator { id: "seed".into(), name: "seed".into(), role: Role::Lead };
    let now = duty::clock::Clock::system().now();
    let severities = [Severity::Ordinary, Severity::Serious, Severity::Critical];
    for n in 0..count {
        let reported_at = now - Duration::minutes((n % 1440) as i64);
        let new = NewIncident {
            title: format!("数据交换节点 {n} 显示红色"),
            description: String::new(),
            severity: severities[n % 3],
            class: EventClass::Fault,
            area: FaultArea::NetworkDevice,
            hosts: vec!["frontend-1".into()],
            source: Source::Operator,
            reported_at,
            onsite_required: false,
            source_ref: None,
        };
        let day_key = reported_at.format("%Y%m%d").to_string();
        store.execute(IncidentRequest {
            target: Target::New { prefix: "GZ".into(), day_key },
            command: IncidentCommand::Open(new),
            actor: &actor,
            origin: "seed".into(),
            occurred_at: reported_at,
            now,
            expected_version: None,
            claim: None,
        })?;
    }
    println!("{count} incidents in {path}");
    Ok(())
}
