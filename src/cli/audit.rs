//! `duty audit verify|log` and `duty store rebuild`.

use clap::Subcommand;

use super::{Failure, Paths};
use crate::i18n::{Lang, event_kind, local_time};
use crate::time::UserTime;

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Walk the hash chain; exit 1 naming the first bad event if any was altered,
    /// deleted or reordered
    Verify {
        /// Also check every seal with the verification key kept by the auditor
        #[arg(long)]
        key: Option<std::path::PathBuf>,
        /// Verify an exported bundle instead of the store (no site or store needed)
        #[arg(long, value_name = "DIR")]
        bundle: Option<std::path::PathBuf>,
    },
    /// Choose the hash of the chain from now on (leads): sha256, or sm3 for a
    /// commercial-cryptography assessment; the choice is an event of the log
    Hash {
        /// sha256 | sm3
        #[arg(value_parser = parse_algorithm)]
        algorithm: crate::store::chain::HashAlgorithm,
    },
    /// Write the events of a period, with what joins them to the log and how to verify
    /// them, into a new folder for an auditor (nothing is deleted)
    Export {
        /// Events recorded at or after this time (RFC 3339 or the site's time such as 22:00, 2026-12-02 22:00, yesterday 23:10)
        #[arg(long)]
        since: UserTime,
        /// Events recorded at or before this time (RFC 3339 or the site's time such as 22:00, 2026-12-02 22:00, yesterday 23:10) [default: now]
        #[arg(long)]
        until: Option<UserTime>,
        /// A new or empty folder
        dir: std::path::PathBuf,
    },
    /// Forward-secure sealing of the log
    Seal {
        #[command(subcommand)]
        command: SealCommand,
    },
    /// Print the event log
    Log {
        /// Only the events of this operator (their login)
        #[arg(long)]
        owner: Option<String>,
        /// Only the events of this kind or family (incident.acknowledged, ssh)
        #[arg(long)]
        kind: Option<String>,
        /// When they were recorded
        #[command(flatten)]
        period: super::listing::Period,
        #[command(flatten)]
        output: super::listing::OutputArgs,
    },
}

#[derive(Subcommand, Debug)]
pub enum SealCommand {
    /// Start sealing (leads): writes the verification key for the auditor to keep off
    /// this machine, and seals the log every interval from now on
    Init {
        /// Where to write the verification key (a new file)
        #[arg(long)]
        verify_key: std::path::PathBuf,
        /// How often a seal is written: 1s, 15min, 1h …
        #[arg(long, default_value = "15min", value_parser = crate::time::parse_span)]
        interval: chrono::Duration,
    },
}

/// A hash algorithm of the chain by name.
fn parse_algorithm(text: &str) -> Result<crate::store::chain::HashAlgorithm, String> {
    crate::store::chain::HashAlgorithm::parse(text).ok_or_else(|| format!("{text:?}: sha256 or sm3"))
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
    /// Let a PostgreSQL role work the store and nothing more (run as the schema's
    /// owner): it reads and appends events, never changes or removes one
    Grant {
        /// The role the service and the engineers connect as
        role: String,
    },
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
    // An auditor verifies a bundle on a machine of their own: no site, no store.
    if let AuditCommand::Verify { key, bundle: Some(dir) } = &command {
        return verify_bundle(dir, key.as_deref(), paths.lang.unwrap_or_else(Lang::from_locale));
    }
    let session = paths.load()?;
    let store = session.open_store()?;
    let lang = session.lang;
    match command {
        AuditCommand::Seal { command: SealCommand::Init { verify_key, interval } } => {
            seal_init(&session, &verify_key, interval)
        }
        AuditCommand::Hash { algorithm } => {
            let done = session.perform(crate::ops::Request::ChooseHash { algorithm })?;
            let algorithm = algorithm.name();
            let crate::ops::Done::Event(event) = done else { anyhow::bail!("the choice was not recorded") };
            match lang {
                Lang::Zh => println!("哈希链自事件 #{} 起使用 {algorithm}：{}", event.seq, event.hash),
                Lang::En => {
                    println!("the chain is hashed with {algorithm} from event #{}: {}", event.seq, event.hash)
                }
            }
            Ok(())
        }
        AuditCommand::Export { since, until, dir } => {
            let events = store.events(None)?;
            let (store_id, _) = store.identity()?;
            let since = session.time(&since)?;
            let until = session.time_opt(&until)?.unwrap_or_else(|| session.now());
            let anchor = crate::bundle::export(
                &events,
                &store_id,
                since,
                until,
                &dir,
                &session.origin(),
                session.now(),
            )
            .map_err(|e| Failure::Usage(e.to_string()))?;
            let count = anchor.last_seq + 1 - anchor.first_seq;
            let (first_seq, last_seq) = (anchor.first_seq, anchor.last_seq);
            session.perform(crate::ops::Request::AuditExported {
                first_seq,
                last_seq,
                dir: dir.display().to_string(),
            })?;
            match lang {
                Lang::Zh => println!(
                    "已导出 {count} 条事件（#{} 至 #{}）到 {}；验证：duty audit verify --bundle {} --key 验证密钥",
                    anchor.first_seq,
                    anchor.last_seq,
                    dir.display(),
                    dir.display()
                ),
                Lang::En => println!(
                    "exported {count} events (#{} to #{}) to {}; verify: duty audit verify --bundle {} --key VERIFY-KEY",
                    anchor.first_seq,
                    anchor.last_seq,
                    dir.display(),
                    dir.display()
                ),
            }
            Ok(())
        }
        AuditCommand::Verify { key, .. } => {
            let report = store.verify()?;
            if let (Some(path), None) = (key, &report.first_bad) {
                return verify_seals(&*store, &path, lang);
            }
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
        AuditCommand::Log { owner, kind, period, output } => {
            let recorded = period.resolve(&session)?;
            let of_kind = |k: &str| {
                kind.as_deref().is_none_or(|wanted| k == wanted || k.split('.').next() == Some(wanted))
            };
            let rows = store
                .events(recorded.since)?
                .into_iter()
                .filter(|e| recorded.holds(e.recorded_at))
                .filter(|e| owner.as_ref().is_none_or(|o| &e.actor == o))
                .filter(|e| of_kind(&e.kind))
                .map(|e| {
                    let cells = vec![
                        e.seq.to_string(),
                        local_time(e.recorded_at, session.site.tz),
                        local_time(e.occurred_at, session.site.tz),
                        e.actor.clone(),
                        event_kind(&e.kind, lang).to_string(),
                        e.subject.clone(),
                        e.payload.clone(),
                    ];
                    // The payload as an object, as scripts read it (the text as stored,
                    // which the chain hashes, is what `audit verify` and an export keep).
                    let mut record = serde_json::to_value(&e).unwrap_or_default();
                    record["payload"] =
                        serde_json::from_str(&e.payload).unwrap_or_else(|_| e.payload.clone().into());
                    (cells, record)
                })
                .collect();
            const COLUMNS: &[super::listing::Column] = &[
                super::listing::column("序号", "SEQ", 6),
                super::listing::column("记录时间", "RECORDED", 19),
                super::listing::wide("发生时间", "OCCURRED", 19),
                super::listing::column("操作人", "ACTOR", 10),
                super::listing::column("类型", "KIND", 14),
                super::listing::column("对象", "SUBJECT", 16),
                super::listing::column("内容", "PAYLOAD", 0),
            ];
            let empty = ("（没有事件）", "(no events)");
            super::listing::Listing { columns: COLUMNS, rows, empty }.print(output.get(), lang)
        }
    }
}

/// Starts sealing: a new seed, the verification key written for the auditor (and
/// shown to copy on paper), the first sealing key kept private to this account, the
/// start recorded and epoch 0 sealed at once.
fn seal_init(
    session: &super::Session,
    verify_key: &std::path::Path,
    interval: chrono::Duration,
) -> anyhow::Result<()> {
    use std::io::Write;
    let lang = session.lang;
    // The verification key's file first, new and owner-only: once sealing has started
    // its key must not be lost for want of a place to write it.
    let mut file = crate::files::create_new_private(verify_key)
        .map_err(|e| anyhow::anyhow!("{}: {e}", verify_key.display()))?;
    // Under `duty serve` the service's account keeps the sealing key, and its engine seals.
    let started =
        session.perform(crate::ops::Request::StartSealing { interval_seconds: interval.num_seconds() });
    let text = match started {
        Ok(crate::ops::Done::Sealing { verify_key: text }) => text,
        other => {
            drop(file);
            let _ = std::fs::remove_file(verify_key);
            return Err(other.err().unwrap_or_else(|| anyhow::anyhow!("sealing did not start")));
        }
    };
    file.write_all(format!("{text}\n").as_bytes()).and_then(|()| file.sync_all()).map_err(|e| {
        anyhow::anyhow!(
            "{}: {e}; sealing has started, copy its verification key now: {text}",
            verify_key.display()
        )
    })?;
    match lang {
        Lang::Zh => println!(
            "已开始封印，每 {} 秒一次。验证密钥已写入 {}，请离机保管（也可抄在纸上）：\n{}",
            interval.num_seconds(),
            verify_key.display(),
            text
        ),
        Lang::En => println!(
            "sealing every {} s. The verification key is in {}: keep it off this machine (or on paper):\n{}",
            interval.num_seconds(),
            verify_key.display(),
            text
        ),
    }
    Ok(())
}

/// Reads the auditor's verification key.
fn read_key(path: &std::path::Path) -> anyhow::Result<crate::seal::VerifyKey> {
    let text = crate::files::read_text(path, 4096).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    Ok(crate::seal::VerifyKey::parse(&text)
        .map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))?)
}

/// Verifies an exported bundle: its checksums, its chain from where it joins the log,
/// and with the key its seals.
fn verify_bundle(dir: &std::path::Path, key: Option<&std::path::Path>, lang: Lang) -> anyhow::Result<()> {
    let key = key.map(read_key).transpose()?;
    let report = crate::bundle::verify(dir, key.as_ref()).map_err(|e| Failure::Usage(e.to_string()))?;
    if let Some(bad) = report.first_bad {
        return Err(Failure::Refused(match lang {
            Lang::Zh => format!("审计包未通过校验：{bad}"),
            Lang::En => format!("the bundle does not verify: {bad}"),
        })
        .into());
    }
    let anchor = &report.anchor;
    match lang {
        Lang::Zh => println!(
            "审计包哈希链完整：{} 条事件（#{} 至 #{}），由 {} 于 {} 导出",
            report.events, anchor.first_seq, anchor.last_seq, anchor.exported_by, anchor.exported_at
        ),
        Lang::En => println!(
            "bundle chain intact: {} events (#{} to #{}), exported by {} at {}",
            report.events, anchor.first_seq, anchor.last_seq, anchor.exported_by, anchor.exported_at
        ),
    }
    match report.seals {
        Some(seals) => seals_said(&seals, lang),
        None => Ok(()),
    }
}

/// Checks every seal against the auditor's verification key.
fn verify_seals(store: &dyn crate::store::Store, path: &std::path::Path, lang: Lang) -> anyhow::Result<()> {
    let key = read_key(path)?;
    let events = store.events(None)?;
    seals_said(&crate::seal::verify(&events, &key), lang)
}

/// What the seals came to: the first that does not hold (an error), or how far they hold.
fn seals_said(report: &crate::seal::SealReport, lang: Lang) -> anyhow::Result<()> {
    if let Some((seq, why)) = &report.first_bad {
        let why = crate::i18n::seal_break(why, lang);
        return Err(Failure::Refused(match lang {
            Lang::Zh => format!("封印不成立：事件 #{seq}：{why}"),
            Lang::En => format!("seal broken at event #{seq}: {why}"),
        })
        .into());
    }
    let (through, epoch) = report.sealed_through.unwrap_or((0, 0));
    match lang {
        Lang::Zh => println!(
            "哈希链完整，封印成立：{} 个封印，封至事件 #{through}（第 {epoch} 期）；其后 {} 条事件尚未封印",
            report.seals, report.unsealed
        ),
        Lang::En => println!(
            "chain intact and sealed: {} seals, through event #{through} (epoch {epoch}); {} events after it not sealed yet",
            report.seals, report.unsealed
        ),
    }
    Ok(())
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
        StoreCommand::Grant { role } => {
            let crate::store::Location::Postgres(url) = session.store_location() else {
                return Err(super::Failure::Usage(
                    lang.pick("仅适用于 PostgreSQL 存储", "only for a PostgreSQL store").into(),
                )
                .into());
            };
            crate::store::postgres::grant(&url, &role)
                .map_err(|e| anyhow::anyhow!("{}", crate::i18n::store_error(&e, lang)))?;
            match lang {
                Lang::Zh => {
                    println!("{role}：可读取并追加事件、写入投影；不能修改或删除事件，也不能改表或其触发器")
                }
                Lang::En => println!(
                    "{role}: may read and append events and write the projections; may not change or remove an event, nor alter the table or its triggers"
                ),
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
