//! `duty kb search|show|write|edit`: the knowledge base (知识库).

use clap::Subcommand;

use super::{Paths, Session};
use crate::domain::knowledge::{Entry, Hit, Origin, Written, excerpt, terms};
use crate::i18n::local_time;
use crate::ops::{Done, Request};
use crate::text::{fit, visible};

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
        /// Print JSON (for scripts)
        #[arg(long)]
        json: bool,
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
        KbAction::Search { words, limit, json } => return search(&session, &words.join(" "), limit, json),
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

fn search(session: &Session, query: &str, limit: usize, json: bool) -> anyhow::Result<()> {
    let store = session.open_store()?;
    let found = store.search_knowledge(query, limit)?;
    let terms = terms(query);
    if json {
        let hits: Vec<Hit> = found
            .iter()
            .map(|entry| Hit { excerpt: excerpt(entry, &terms, 60), entry: entry.clone() })
            .collect();
        return super::print_json(&hits);
    }
    let lang = session.lang;
    if found.is_empty() {
        println!("{}", lang.pick("（没有找到）", "(nothing found)"));
    }
    let tz = session.site.tz;
    for entry in &found {
        println!(
            "{} {} {}",
            fit(&entry.id, 16),
            entry.updated_at.with_timezone(&tz).format("%Y-%m-%d"),
            visible(&entry.title, false)
        );
        println!("    {}", visible(&excerpt(entry, &terms, 60), false));
    }
    Ok(())
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
