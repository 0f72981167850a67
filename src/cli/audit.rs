//! `duty audit verify|log` and `duty store rebuild`.

use chrono::{DateTime, Utc};
use clap::Subcommand;

use super::{Failure, Paths};
use crate::i18n::{Lang, event_kind, local_time};
use crate::text::{fit, visible};
use crate::time::parse_user_time;

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Walk the hash chain; exit 1 naming the first bad event if any was altered,
    /// deleted or reordered
    Verify,
    /// Print the event log
    Log {
        /// Only events recorded at or after this time (RFC 3339)
        #[arg(long, value_parser = parse_user_time)]
        since: Option<DateTime<Utc>>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum StoreCommand {
    /// Rebuild every projection from the event log
    Rebuild,
    /// Create or bring the store's schema up to date (SQLite file or postgres:// URL)
    Migrate,
    /// Accept the store as it is now after a deliberate restore (leads): this machine had
    /// seen it otherwise. The acceptance, with what was seen and what is there, is an event
    Accept,
    /// Copy a centre's whole history into an empty store, the chain intact
    Copy {
        /// The store to copy: a file or a postgres:// URL
        #[arg(long)]
        from: std::path::PathBuf,
        /// The empty store to fill
        #[arg(long)]
        to: std::path::PathBuf,
    },
}

pub fn audit(paths: &Paths, command: AuditCommand) -> anyhow::Result<()> {
    let session = paths.load()?;
    let store = session.open_store()?;
    let lang = session.lang;
    match command {
        AuditCommand::Verify => {
            let report = store.verify()?;
            match report.first_bad {
                None => {
                    match lang {
                        Lang::Zh => {
                            println!("哈希链完整：{} 条事件，链头 {}", report.events, report.head_hash)
                        }
                        Lang::En => {
                            println!("chain intact: {} events, head {}", report.events, report.head_hash)
                        }
                    }
                    Ok(())
                }
                Some(bad) => {
                    Err(Failure::Refused(crate::i18n::chain_break(bad.seq, &bad.problem, lang)).into())
                }
            }
        }
        AuditCommand::Log { since, json } => {
            let events = store.events(since)?;
            if json {
                super::print_json(&events)?;
                return Ok(());
            }
            for e in &events {
                println!(
                    "{:>6} {} {} {} {} {}",
                    e.seq,
                    local_time(e.recorded_at, session.site.tz),
                    fit(&visible(&e.actor, false), 10),
                    fit(event_kind(&e.kind, lang), 14),
                    fit(&visible(&e.subject, false), 16),
                    visible(&e.payload, false)
                );
            }
            Ok(())
        }
    }
}

pub fn store(paths: &Paths, command: StoreCommand) -> anyhow::Result<()> {
    let session = paths.load()?;
    let lang = session.lang;
    let open = |location: &crate::store::Location, write: bool| {
        let opened = if write { location.open_for_writing() } else { location.open_for_reading() };
        opened.map_err(|e| anyhow::anyhow!("{}: {}", location.label(), crate::i18n::store_error(&e, lang)))
    };
    match command {
        StoreCommand::Migrate => {
            let location = session.store_location();
            let store = open(&location, true)?;
            let head = store.head()?;
            match lang {
                Lang::Zh => println!("{}：表结构已是最新（{head} 条事件）", location.label()),
                Lang::En => println!("{}: schema up to date ({head} events)", location.label()),
            }
            Ok(())
        }
        StoreCommand::Copy { from, to } => {
            let (from, to) = (crate::store::Location::parse(&from), crate::store::Location::parse(&to));
            let source = open(&from, false)?;
            let mut target = open(&to, true)?;
            let events = source.events(None)?;
            let count = target.import(&events)?;
            let (a, b) = (source.verify()?, target.verify()?);
            if a.head_hash != b.head_hash || b.first_bad.is_some() {
                anyhow::bail!(
                    "the copy does not verify: source head {}, copy head {}",
                    a.head_hash,
                    b.head_hash
                );
            }
            match lang {
                Lang::Zh => {
                    println!("已复制 {count} 条事件：{} → {}，链头 {}", from.label(), to.label(), b.head_hash)
                }
                Lang::En => println!(
                    "copied {count} events: {} → {}, chain head {}",
                    from.label(),
                    to.label(),
                    b.head_hash
                ),
            }
            Ok(())
        }
        StoreCommand::Accept => {
            let operator = session.operator()?;
            if operator.role != crate::domain::Role::Lead {
                return Err(Failure::Refused(
                    lang.pick(
                        "只有组长可以接受被替换或恢复的存储",
                        "only a lead may accept a replaced or restored store",
                    )
                    .to_string(),
                )
                .into());
            }
            let location = session.store_location();
            let ledger = crate::store::seen::Ledger::at(&crate::paths::seen_dir());
            let key = location.ledger_key();
            let seen = ledger.seen(&key);
            let mut store = open(&location, true)?;
            let now = crate::store::seen::sighting(&*store)?;
            let payload = serde_json::json!({ "location": key, "seen": seen, "now": now });
            let event = store.record_event(
                "store.accepted",
                "store",
                payload.to_string(),
                &operator,
                &session.origin(),
                session.now(),
            )?;
            ledger.remember(&key, crate::store::seen::sighting(&*store)?, session.now());
            match lang {
                Lang::Zh => println!(
                    "{}：已接受（{} 条事件，记录于第 {} 条）",
                    location.label(),
                    event.seq,
                    event.seq
                ),
                Lang::En => println!(
                    "{}: accepted ({} events; recorded as event {})",
                    location.label(),
                    event.seq,
                    event.seq
                ),
            }
            Ok(())
        }
        StoreCommand::Rebuild => {
            let mut store = session.open_store_to_write()?;
            let count = store.rebuild()?;
            match session.lang {
                Lang::Zh => println!("已从 {count} 条事件重建全部视图"),
                Lang::En => println!("projections rebuilt from {count} events"),
            }
            Ok(())
        }
    }
}
