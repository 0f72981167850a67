//! `duty kb search|show|write|edit`: the knowledge base (知识库).

use clap::Subcommand;

use super::{Paths, Session};
use crate::domain::knowledge::{Entry, Hit, Origin, Written, excerpt, terms};
use crate::i18n::local_time;
use crate::ops::{Done, Request};
use crate::text::visible;

#[derive(Subcommand, Debug)]
pub enum KbAction {
    /// Search the knowledge base: every word must be found (Chinese or English, any
    /// part of a word), the newest entries first
    Search {
        /// The words to look for
        #[arg(required = true, num_args = 1..)]
        words: Vec<String>,
        /// How many entries at most
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Only the entries about this host
        #[arg(long)]
        host: Option<String>,
        #[command(flatten)]
        output: super::listing::OutputArgs,
    },
    /// Show one entry
    Show {
        /// The entry's id
        id: String,
        /// Print JSON (for scripts)
        #[arg(long)]
        json: bool,
    },
    /// Write an entry by hand (a runbook, a known error); prints its number
    Write {
        /// What the entry is about, in a line
        #[arg(long)]
        title: String,
        /// What was seen and what fixed it
        #[arg(long)]
        body: String,
        /// A host it is about (repeat for several)
        #[arg(long = "host")]
        hosts: Vec<String>,
    },
    /// Edit an entry (an incident's too): what is not given stays
    Edit {
        /// The entry's id
        id: String,
        /// A new title [default: as it is]
        #[arg(long)]
        title: Option<String>,
        /// A new text [default: as it is]
        #[arg(long)]
        body: Option<String>,
    },
}

pub fn run(paths: &Paths, action: KbAction) -> anyhow::Result<()> {
    let session = paths.load()?;
    let (id, written) = match action {
        KbAction::Search { words, limit, host, output } => {
            return search(&session, &words.join(" "), limit, host.as_deref(), output.get());
        }
        KbAction::Show { id, json } => return show(&session, &id, json),
        KbAction::Write { title, body, hosts } => (None, Written { title, body, hosts }),
        KbAction::Edit { id, title, body } => {
            let entry = entry(&session, &id)?;
            let written = Written {
                title: title.unwrap_or(entry.title),
                body: body.unwrap_or(entry.body),
                hosts: entry.hosts,
            };
            (Some(entry.id), written)
        }
    };
    let Done::Knowledge(entry) = session.perform(Request::WriteKnowledge { id, written })? else {
        unreachable!("writing an entry answers with it")
    };
    println!("{}", entry.id);
    Ok(())
}

fn entry(session: &Session, id: &str) -> anyhow::Result<Entry> {
    let store = session.open_store()?;
    let id = id.trim();
    Ok(store.knowledge(id)?.ok_or_else(|| {
        crate::store::StoreError::Refused(crate::domain::DomainError::Knowledge { id: id.to_string() })
    })?)
}

fn search(
    session: &Session,
    query: &str,
    limit: usize,
    host: Option<&str>,
    output: super::listing::Output,
) -> anyhow::Result<()> {
    let store = session.open_store()?;
    let found = store.search_knowledge(query, limit)?;
    let terms = terms(query);
    let tz = session.site.tz;
    let rows = found
        .into_iter()
        .filter(|entry| host.is_none_or(|h| entry.hosts.iter().any(|x| x == h)))
        .map(|entry| {
            let hit = Hit { excerpt: excerpt(&entry, &terms, 60), entry };
            let cells = vec![
                hit.entry.id.clone(),
                hit.entry.updated_at.with_timezone(&tz).format("%Y-%m-%d").to_string(),
                hit.entry.hosts.join(","),
                hit.entry.title.clone(),
                hit.excerpt.clone(),
            ];
            (cells, hit)
        })
        .collect();
    const COLUMNS: &[super::listing::Column] = &[
        super::listing::column("编号", "ID", 16),
        super::listing::column("更新", "UPDATED", 10),
        super::listing::wide("设备", "HOSTS", 16),
        super::listing::column("标题", "TITLE", 30),
        super::listing::column("摘录", "EXCERPT", 0),
    ];
    let listing =
        super::listing::Listing { columns: COLUMNS, rows, empty: ("（没有找到）", "(nothing found)") };
    listing.print(output, session.lang)
}

fn show(session: &Session, id: &str, json: bool) -> anyhow::Result<()> {
    let entry = entry(session, id)?;
    if json {
        return super::print_json(&entry);
    }
    let lang = session.lang;
    let from = match &entry.origin {
        Origin::Incident { incident } => format!("{} {incident}", lang.pick("来自事件", "from incident")),
        Origin::Written => lang.pick("手工编写", "written by hand").to_string(),
    };
    println!("{}  {}", entry.id, visible(&entry.title, false));
    println!("  {} · {} {}", from, visible(&entry.by, false), local_time(entry.updated_at, session.site.tz));
    if !entry.hosts.is_empty() {
        println!("  {} {}", lang.pick("设备", "hosts"), visible(&entry.hosts.join(", "), false));
    }
    for line in entry.body.lines() {
        println!("  {}", visible(line, false));
    }
    Ok(())
}
