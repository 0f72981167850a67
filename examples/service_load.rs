//! Load for the service: `service_load rate SOCKET STORE SITE N` times N committed
//! commands through the service and in process; `service_load paced SOCKET PER_SECOND
//! SECONDS` writes notes at a steady pace (another engineer at work, for measuring a
//! console meanwhile). `scripts/bench-service` starts the service and runs both.

use std::time::Instant;

use duty::domain::IncidentCommand;
use duty::domain::incident::NewIncident;
use duty::i18n::Lang;
use duty::ops::record::Record;
use duty::ops::{Done, IncidentTarget, Request};

fn note(record: &mut dyn Record, id: &duty::domain::IncidentId, n: usize) -> anyhow::Result<()> {
    let request = Request::Incident {
        target: IncidentTarget::Existing(id.clone()),
        command: IncidentCommand::Note { text: format!("load {n}") },
        expected_version: None,
        claimed_at: None,
        backdate_reason: None,
    };
    record.perform(request, Lang::En)?;
    Ok(())
}

fn open(record: &mut dyn Record, clock: duty::clock::Clock) -> anyhow::Result<duty::domain::IncidentId> {
    let new = NewIncident {
        title: "load".into(),
        description: String::new(),
        severity: duty::domain::Severity::Ordinary,
        class: duty::domain::EventClass::Fault,
        area: duty::domain::FaultArea::System,
        hosts: Vec::new(),
        source: duty::domain::Source::Operator,
        reported_at: clock.now(),
        onsite_required: false,
        source_ref: None,
    };
    let request = Request::Incident {
        target: IncidentTarget::New,
        command: IncidentCommand::Open(new),
        expected_version: None,
        claimed_at: None,
        backdate_reason: None,
    };
    match record.perform(request, Lang::En)? {
        Done::Incident(committed) => Ok(committed.incident.id.clone()),
        _ => anyhow::bail!("opening answered otherwise"),
    }
}

fn rate(record: &mut dyn Record, clock: duty::clock::Clock, count: usize) -> anyhow::Result<f64> {
    let id = open(record, clock)?;
    let started = Instant::now();
    for n in 0..count {
        note(record, &id, n)?;
    }
    Ok(count as f64 / started.elapsed().as_secs_f64())
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let usage =
        || anyhow::anyhow!("usage: service_load rate SOCKET STORE SITE N | paced SOCKET PER_SECOND SECONDS");
    let mode = args.next().ok_or_else(usage)?;
    let socket = std::path::PathBuf::from(args.next().ok_or_else(usage)?);
    let clock = duty::clock::Clock::system();
    let mut remote = duty::service::client::Remote::connect(&socket, "bench", Lang::En)?;
    if mode == "paced" {
        let per_second: f64 = args.next().ok_or_else(usage)?.parse()?;
        let seconds: f64 = args.next().ok_or_else(usage)?.parse()?;
        let id = open(&mut remote, clock)?;
        let started = Instant::now();
        let mut n = 0;
        while started.elapsed().as_secs_f64() < seconds {
            note(&mut remote, &id, n)?;
            n += 1;
            let next = std::time::Duration::from_secs_f64(n as f64 / per_second);
            if let Some(wait) = next.checked_sub(started.elapsed()) {
                std::thread::sleep(wait);
            }
        }
        println!("{n} notes in {seconds} s");
        return Ok(());
    }
    let store = std::path::PathBuf::from(args.next().ok_or_else(usage)?);
    let site = duty::config::Site::load(std::path::Path::new(&args.next().ok_or_else(usage)?))?;
    let count: usize = args.next().ok_or_else(usage)?.parse()?;
    let through = rate(&mut remote, clock, count)?;

    // The same commands in this process, on a store file of its own.
    let operator = remote
        .operator()
        .ok_or_else(|| anyhow::anyhow!("the service lets us in as nobody: run as an operator"))?;
    let local_store = store.with_extension("direct.db");
    let ledger = duty::store::seen::Ledger::at(local_store.parent().unwrap_or(std::path::Path::new(".")));
    let opened = duty::store::Location::File(local_store).open_checked(true, &ledger, clock)?;
    let seat = duty::ops::Seat::new(&operator.id.clone(), "bench".into(), Lang::En, Some(operator));
    let mut local = duty::ops::record::Local { store: opened, site, clock, seat };
    let direct = rate(&mut local, clock, count)?;
    println!(
        "{count} notes: through the service {through:.0} committed commands/s; in process {direct:.0}/s"
    );
    Ok(())
}
