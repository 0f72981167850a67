//! The real binary: the whole lifecycle, JSON for scripts, bad input with the right
//! message and exit code (and nothing written), concurrent writers.

mod common;

use common::{Fixture, stderr};

#[test]
fn init_writes_a_site_that_checks_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("new-site");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_duty"))
            .env("DUTY_SITE", &site)
            .env("DUTY_STORE", dir.path().join("duty.db"))
            .env("DUTY_OPERATOR", "zhang")
            .env("LANG", "C")
            .args(args)
            .output()
            .unwrap()
    };
    assert!(run(&["init"]).status.success());
    let check = run(&["config", "check"]);
    assert!(check.status.success(), "{}", stderr(&check));
    assert!(String::from_utf8_lossy(&check.stdout).contains("site OK"));
    let text = std::fs::read_to_string(site.join("site.toml")).unwrap();
    assert!(text.contains("user = \"zhang\"") && text.contains("role = \"lead\""));
    let hosts = std::fs::read_to_string(site.join("hosts.toml")).unwrap();
    assert!(hosts.contains("中心数据库服务器") && hosts.contains("数据交换前置机"));
    let again = run(&["init"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("refusing to overwrite"), "{}", stderr(&again));
    assert_eq!(std::fs::read_to_string(site.join("site.toml")).unwrap(), text);
}

/// Rewrites one file of the site, runs `config check`, expects exit 2 with `expected`
/// in the message. A file every command needs (`site.toml`, `sla.toml`) stops
/// `incident open` too and nothing is written; any other file is left out of it with a
/// warning that names the same problem, and the incident is recorded.
fn bad_config(file: &str, edit: impl Fn(&str) -> String, expected: &str) {
    let f = Fixture::new();
    let path = f.site.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, edit(&text)).unwrap();
    let out = f.run("lead", &["config", "check"]);
    assert_eq!(out.status.code(), Some(2), "config check: {}", stderr(&out));
    assert!(stderr(&out).contains(expected), "expected {expected:?} in {:?}", stderr(&out));
    let out = f.run("lead", &["incident", "open", "--title", "x", "--severity", "ordinary"]);
    let message = stderr(&out);
    assert!(message.contains(expected), "expected {expected:?} in {message:?}");
    if ["site.toml", "sla.toml"].contains(&file) {
        assert_eq!(out.status.code(), Some(2), "{message}");
        assert!(!f.store.exists(), "a bad config must write nothing");
    } else {
        assert!(out.status.success(), "{message}");
        assert!(message.contains("this command does without it"), "{message}");
    }
}

#[test]
fn missing_field_is_named_with_its_position() {
    bad_config(
        "site.toml",
        |t| t.replace("incident_prefix = \"GZ\"\n", ""),
        "site.toml:4:1: missing field `incident_prefix`",
    );
}

#[test]
fn bad_time_zone_is_named_with_its_position() {
    bad_config(
        "site.toml",
        |t| t.replace("Asia/Shanghai", "Asia/Beijing"),
        "site.toml:7:12: unknown time zone \"Asia/Beijing\"",
    );
}

#[test]
fn duplicate_host_is_named_with_its_position() {
    bad_config(
        "hosts.toml",
        |t| t.replace("name = \"collect-db\"", "name = \"central-db\""),
        "hosts.toml:13:8: duplicate host \"central-db\"",
    );
}

#[test]
fn bad_severity_name_is_named_with_its_position() {
    bad_config(
        "sla.toml",
        |t| t.replace("serious = 12", "urgent = 12"),
        "sla.toml:22:1: unknown field `urgent`",
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    bad_config(
        "hosts.toml",
        |t| {
            t.replace("ip = \"127.0.10.3\"", "ip = \"not-an-ip\"")
                .replace("name = \"storage\"", "name = \"bad name\"")
        },
        "hosts.toml:24:6: \"not-an-ip\" is not an IP address\n",
    );
    bad_config(
        "hosts.toml",
        |t| {
            t.replace("ip = \"127.0.10.3\"", "ip = \"not-an-ip\"")
                .replace("name = \"storage\"", "name = \"bad name\"")
        },
        "host name \"bad name\" must be",
    );
}

#[test]
fn a_syntax_error_points_at_the_line() {
    bad_config("sla.toml", |t| t.replace("response_minutes = 30", "response_minutes = = 30"), "sla.toml:5:");
}

#[test]
fn the_whole_lifecycle_from_the_command_line() {
    let f = Fixture::new();
    let now = f.now();
    let at =
        |minutes: i64| (now - chrono::Duration::hours(3) + chrono::Duration::minutes(minutes)).to_rfc3339();
    let id = f.ok(
        "alice",
        &[
            "incident",
            "open",
            "--title",
            "前置机 FTE ping 不通",
            "--severity",
            "ordinary",
            "--area",
            "network_device",
            "--host",
            "frontend-1",
            "--reported-at",
            &at(0),
            "--onsite",
        ],
    );
    let id = id.trim();
    assert!(id.starts_with("GZ-") && id.ends_with("-001"), "{id}");
    f.ok("alice", &["incident", "ack", id, "--at", &at(20)]);
    f.ok(
        "alice",
        &["incident", "call", id, "--to", "vendor", "--name", "Wang", "--no-answer", "--at", &at(25)],
    );
    f.ok("alice", &["incident", "escalate", id, "--vendor", "IBM MQ support", "--at", &at(26)]);
    f.ok("alice", &["incident", "onsite", id, "--at", &at(60)]);
    f.ok("alice", &["incident", "pause", id, "--reason", "spare_parts", "--at", &at(70)]);
    f.ok("alice", &["incident", "resume", id, "--at", &at(100)]);
    f.ok(
        "alice",
        &[
            "incident",
            "resolve",
            id,
            "--cause",
            "NIC failed",
            "--solution",
            "replaced the NIC",
            "--at",
            &at(150),
        ],
    );
    f.ok(
        "alice",
        &[
            "incident",
            "report",
            id,
            "--description",
            "FTE ping lost for 2.5 h",
            "--measures",
            "keep a spare NIC",
            "--at",
            &at(170),
        ],
    );
    let refused = f.run("alice", &["incident", "close", id]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("only a lead may close"), "{}", stderr(&refused));
    f.ok("lead", &["incident", "close", id, "--note", "reviewed"]);

    let json = f.show_json(id);
    assert_eq!(json["state"], "closed");
    assert_eq!(json["owner"], "alice");
    assert_eq!(json["reviewer"], "lead");
    assert_eq!(json["version"], 10);
    assert_eq!(json["fault_report"]["cause"], "NIC failed");
    assert_eq!(json["fault_report"]["area"], "network_device");
    let clocks = json["clocks"].as_array().unwrap();
    let names: Vec<_> = clocks.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["response", "onsite", "resolution", "report"]);
    let state = |name: &str| {
        clocks.iter().find(|c| c["name"] == name).unwrap()["state"].as_str().unwrap().to_string()
    };
    assert_eq!(state("response"), "met");
    assert_eq!(state("onsite"), "met");
    assert_eq!(state("resolution"), "met");
    assert_eq!(state("report"), "met");
    let resolution = clocks.iter().find(|c| c["name"] == "resolution").unwrap();
    assert_eq!(resolution["paused_s"], 30 * 60, "30 minutes waiting on parts");
    for clock in clocks {
        assert!(clock["due_at"].is_string() && clock["remaining_s"].is_i64(), "{clock}");
    }
    let timeline = json["timeline"].as_array().unwrap();
    assert_eq!(timeline.len(), 10);
    assert_eq!(timeline[2]["payload"]["answered"], false);

    assert!(!f.ok("alice", &["incident", "list"]).contains(id), "closed incidents are hidden by default");
    let all: serde_json::Value =
        serde_json::from_str(&f.ok("alice", &["incident", "list", "--all", "--json"])).unwrap();
    let first = &all[0];
    for key in ["id", "title", "severity", "state", "reported_at", "version", "clocks"] {
        assert!(!first[key].is_null(), "list --json lacks {key}");
    }
    let verify = f.ok("alice", &["audit", "verify"]);
    assert!(verify.starts_with("chain intact: 10 events"), "{verify}");
    let log: serde_json::Value = serde_json::from_str(&f.ok("alice", &["audit", "log", "--json"])).unwrap();
    assert_eq!(log.as_array().unwrap().len(), 10);
    assert_eq!(log[9]["actor"], "lead");
    assert!(log[9]["origin"].as_str().unwrap().starts_with("cli "));
}

#[test]
fn list_puts_breached_first_and_shows_the_contract_counter() {
    let f = Fixture::new();
    let now = f.now();
    let fresh = f.open(&now.to_rfc3339());
    let late = f.open(&(now - chrono::Duration::minutes(50)).to_rfc3339());
    let list = f.ok("alice", &["incident", "list"]);
    let lines: Vec<_> = list.lines().collect();
    assert!(lines[1].starts_with(&late) && lines[1].contains("▲"), "{list}");
    assert!(lines[2].starts_with(&fresh), "{list}");
    assert!(list.contains("1 late response, 0 breaches"), "{list}");
    let json: serde_json::Value =
        serde_json::from_str(&f.ok("alice", &["incident", "list", "--json"])).unwrap();
    assert_eq!(json[0]["id"], late.as_str());
    assert_eq!(json[0]["clocks"][0]["name"], "response");
    assert_eq!(json[0]["clocks"][0]["state"], "breached");
    assert!(json[0]["clocks"][0]["remaining_s"].as_i64().unwrap() < -1000);
    let contract: serde_json::Value = serde_json::from_str(&f.ok("alice", &["contract", "--json"])).unwrap();
    assert_eq!((contract["late_responses"].as_u64(), contract["breaches"].as_u64()), (Some(1), Some(0)));
}

#[test]
fn bad_input_is_refused_clearly_and_changes_nothing() {
    let f = Fixture::new();
    let id = f.open("2026-11-21T08:00:00+08:00");
    let before = f.dump();
    let cases: &[(&str, &[&str], i32, &str)] = &[
        ("alice", &["incident", "ack", "GZ-20990101-001"], 1, "no incident GZ-20990101-001"),
        ("alice", &["incident", "show", "GZ-20990101-001"], 1, "no incident GZ-20990101-001"),
        (
            "alice",
            &["incident", "ack", &id, "--at", "2026-11-21 8点半"],
            2,
            "is not a time: 2026-11-21T08:30:00+08:00",
        ),
        (
            "alice",
            &["incident", "ack", &id, "--at", "2026-11-21T07:00:00+08:00"],
            1,
            "is before the incident's previous step",
        ),
        ("alice", &["incident", "ack", &id, "--at", "2099-01-01T00:00:00Z"], 1, "is in the future"),
        (
            "alice",
            &["incident", "open", "--title", "x", "--severity", "urgent"],
            2,
            "unknown Severity \"urgent\"",
        ),
        (
            "alice",
            &["incident", "open", "--title", "x", "--severity", "ordinary", "--host", "nope"],
            2,
            "unknown host \"nope\"",
        ),
        (
            "alice",
            &["incident", "open", "--title", " ", "--severity", "ordinary"],
            1,
            "title must not be empty",
        ),
        (
            "alice",
            &["incident", "resolve", &id, "--cause", "c", "--solution", "s"],
            1,
            "cannot resolve an incident that is open",
        ),
        (
            "alice",
            &["incident", "note", &id, "--text", "x", "--expect-version", "7"],
            1,
            "you saw version 7, it is now 1",
        ),
        (
            "mallory",
            &["incident", "note", &id, "--text", "x"],
            1,
            "\"mallory\" is not on the site's operator list",
        ),
    ];
    for (who, args, code, expected) in cases {
        let out = f.run(who, args);
        assert_eq!(out.status.code(), Some(*code), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(expected), "{args:?}: expected {expected:?} in {}", stderr(&out));
        assert_eq!(f.dump(), before, "{args:?} changed the store");
    }
    // Someone not on the list may still read.
    assert!(f.run("mallory", &["incident", "list"]).status.success());
}

#[test]
fn a_stale_action_names_who_changed_it() {
    let f = Fixture::new();
    let id = f.open("2026-11-21T08:00:00+08:00");
    f.ok("bob", &["incident", "ack", &id, "--expect-version", "1"]);
    let out = f.run("alice", &["incident", "ack", &id, "--expect-version", "1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("was changed by bob at"), "{}", stderr(&out));
}

#[test]
fn messages_follow_the_locale_and_the_lang_flag() {
    let f = Fixture::new();
    let id = f.open("2026-11-21T08:00:00+08:00");
    let out = f
        .cmd("alice")
        .env("LANG", "zh_CN.UTF-8")
        .args(["incident", "resolve", &id, "--cause", "c", "--solution", "s"])
        .output()
        .unwrap();
    assert!(stderr(&out).contains("不能解决处于“待响应”状态的事件"), "{}", stderr(&out));
    let show = String::from_utf8(
        f.cmd("alice").env("LANG", "zh_CN.UTF-8").args(["incident", "show", &id]).output().unwrap().stdout,
    )
    .unwrap();
    assert!(show.contains("时限：") && show.contains("响应") && show.contains("严重"), "{show}");
    let forced = f.run("alice", &["--lang", "zh", "incident", "ack", &id]);
    assert!(String::from_utf8_lossy(&forced.stdout).contains("第 2 版"));
}

#[test]
fn hostile_text_is_made_visible_not_executed() {
    let f = Fixture::new();
    let id = f.open("2026-11-21T08:00:00+08:00");
    f.ok("alice", &["incident", "note", &id, "--text", "\x1b]0;pwned\x07\x1b[2Jgone\u{202e}txt"]);
    let show = f.ok("alice", &["incident", "show", &id]);
    assert!(!show.contains('\x1b') && !show.contains('\x07') && !show.contains('\u{202e}'));
    assert!(show.contains("\\x1b]0;pwned\\x07\\x1b[2Jgone\\u{202e}txt"), "{show}");
}

#[test]
fn rebuild_from_the_command_line_keeps_the_state() {
    let f = Fixture::new();
    let id = f.open("2026-11-21T08:00:00+08:00");
    f.ok("alice", &["incident", "ack", &id]);
    let before = f.dump();
    assert!(f.ok("alice", &["store", "rebuild"]).contains("projections rebuilt from 2 events"));
    assert_eq!(f.dump(), before);
}

#[test]
fn concurrent_acks_exactly_one_wins_and_concurrent_notes_all_land() {
    common::scenarios::concurrent_acks_and_notes(&Fixture::new());
}

/// `duty` before `duty init`: one line in the user's language saying how to begin.
#[test]
fn no_site_yet_says_how_to_begin_in_the_users_language() {
    let f = common::Fixture::new();
    let missing = f.dir.path().join("no-site-here");
    for (lang, wanted) in [
        ("zh", "运行 duty init 写一份示例站点，或运行 duty demo"),
        ("en", "Run duty init to write a sample site, or duty demo"),
    ] {
        for args in
            [vec!["--lang", lang], vec!["--lang", lang, "incident", "list"], vec!["--lang", lang, "status"]]
        {
            let out = f.cmd("alice").env("DUTY_SITE", &missing).args(&args).output().unwrap();
            assert_eq!(out.status.code(), Some(1), "{args:?}");
            let text = common::stderr(&out);
            assert!(text.contains(wanted), "{args:?}: {text}");
            assert_eq!(text.trim().lines().count(), 1, "one line: {text}");
        }
    }
}

#[test]
fn a_wrong_report_time_is_corrected_by_an_event_and_the_contract_follows() {
    let f = Fixture::new();
    let now = f.now();
    // Typed 50 minutes back by mistake: a late response against the contract.
    let id = f.open(&(now - chrono::Duration::minutes(50)).to_rfc3339());
    let late = |f: &Fixture| {
        let contract: serde_json::Value =
            serde_json::from_str(&f.ok("alice", &["contract", "--json"])).unwrap();
        contract["late_responses"].as_u64()
    };
    assert_eq!(late(&f), Some(1));
    let when = (now - chrono::Duration::minutes(5)).to_rfc3339();
    // Someone who neither reported it nor leads cannot move its clocks.
    let refused = f.run("bob", &["incident", "correct", &id, "--reported-at", &when, "--reason", "typo"]);
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    f.ok(
        "lead",
        &["incident", "correct", &id, "--reported-at", &when, "--reason", "typed 50 minutes back by mistake"],
    );
    assert_eq!(late(&f), Some(0), "the response clock runs from the corrected time");
    // The record says who corrected what, why, and what it replaced.
    let log: serde_json::Value = serde_json::from_str(&f.ok("lead", &["audit", "log", "--json"])).unwrap();
    let corrected = log.as_array().unwrap().iter().find(|e| e["kind"] == "incident.corrected").unwrap();
    assert_eq!(corrected["actor"], "lead");
    let payload = corrected["payload"].to_string();
    assert!(
        payload.contains("reported_at") && payload.contains("replaces") && payload.contains("by mistake"),
        "{payload}"
    );
    let shown = f.ok("lead", &["incident", "show", &id]);
    assert!(shown.contains("corrected"), "{shown}");
    // Nothing to say what to correct is a usage error.
    let usage = f.run("lead", &["incident", "correct", &id, "--reason", "x"]);
    assert_eq!(usage.status.code(), Some(2), "{}", stderr(&usage));
}

/// A report time a few minutes ahead (a fast clock) is taken as now: the incident can
/// be worked at once; one further ahead is refused.
#[test]
fn a_report_time_slightly_ahead_is_taken_as_now() {
    let f = Fixture::new();
    let now = f.now();
    let ahead = (now + chrono::Duration::minutes(4)).to_rfc3339();
    let id = f.ok(
        "alice",
        &["incident", "open", "--title", "x", "--severity", "ordinary", "--reported-at", &ahead],
    );
    let id = id.trim();
    f.ok("alice", &["incident", "ack", id]);
    f.ok("alice", &["incident", "note", id, "--text", "on it"]);
    let shown: serde_json::Value =
        serde_json::from_str(&f.ok("alice", &["incident", "show", id, "--json"])).unwrap();
    let reported = chrono::DateTime::parse_from_rfc3339(shown["reported_at"].as_str().unwrap()).unwrap();
    let late = reported.with_timezone(&chrono::Utc) - now;
    assert!(
        late < chrono::Duration::seconds(30),
        "recorded as now (the test clock runs on), not 4 min ahead: {late}"
    );
    let far = (now + chrono::Duration::hours(1)).to_rfc3339();
    let refused = f
        .run("alice", &["incident", "open", "--title", "y", "--severity", "ordinary", "--reported-at", &far]);
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
}

/// Opens an incident as `who` reported at `at`, with extra arguments.
fn open_as(f: &Fixture, who: &str, at: &str, extra: &[&str]) -> std::process::Output {
    let mut args =
        vec!["incident", "open", "--title", "交换前置机不通", "--severity", "ordinary", "--reported-at", at];
    args.extend_from_slice(extra);
    f.run(who, &args)
}

#[test]
fn claimed_times_stay_within_limits_and_what_rests_on_them_is_marked() {
    let f = Fixture::new();
    f.with_backdate_hours(2);
    let count = || {
        let list: serde_json::Value =
            serde_json::from_str(&f.ok("alice", &["incident", "list", "--all", "--json"])).unwrap();
        list.as_array().unwrap().len()
    };
    // An operator claims up to two hours back, no further.
    let far = open_as(&f, "alice", &f.minutes_from_now(-180), &[]);
    assert_eq!(far.status.code(), Some(1));
    assert!(
        stderr(&far).contains("more than 2h00m ago") && stderr(&far).contains("a lead may"),
        "{}",
        stderr(&far)
    );
    let near = open_as(&f, "alice", &f.minutes_from_now(-90), &[]);
    assert!(near.status.success(), "{}", stderr(&near));
    let near = String::from_utf8(near.stdout).unwrap().trim().to_string();
    // A lead goes further with a reason, which is recorded beside the step; a week at most.
    let unsaid = open_as(&f, "lead", &f.minutes_from_now(-180), &[]);
    assert_eq!(unsaid.status.code(), Some(1));
    assert!(stderr(&unsaid).contains("say why"), "{}", stderr(&unsaid));
    let reason = "phoned in during the network outage, written on paper";
    let said = open_as(&f, "lead", &f.minutes_from_now(-180), &["--backdate-reason", reason]);
    assert!(said.status.success(), "{}", stderr(&said));
    let said = String::from_utf8(said.stdout).unwrap().trim().to_string();
    for too_far in [f.minutes_from_now(-8 * 24 * 60), "0000-01-01T00:00:00Z".to_string()] {
        let out = open_as(&f, "lead", &too_far, &["--backdate-reason", reason]);
        assert_eq!(out.status.code(), Some(1), "{too_far}");
        assert!(stderr(&out).contains("too far back"), "{}", stderr(&out));
    }
    assert_eq!(count(), 2, "nothing refused was written");
    // The same limits hold for --at; a step is never dated before the one it follows.
    let ack = f.run("alice", &["incident", "ack", &near, "--at", &f.minutes_from_now(-100)]);
    assert_eq!(ack.status.code(), Some(1));
    assert!(stderr(&ack).contains("before"), "{}", stderr(&ack));
    let ack_at = f.minutes_from_now(-80);
    f.ok("alice", &["incident", "ack", &near, "--at", &ack_at]);

    // The record keeps both times and the reason; the reports and the counter mark them.
    let shown = f.show_json(&said);
    assert_eq!(shown["claimed"][0]["step"], "incident.opened", "{shown}");
    assert_eq!(shown["claimed"][0]["reason"], reason, "{shown}");
    let shown = f.show_json(&near);
    let steps: Vec<&str> =
        shown["claimed"].as_array().unwrap().iter().map(|c| c["step"].as_str().unwrap()).collect();
    assert_eq!(steps, ["incident.opened", "incident.acknowledged"], "{shown}");
    let contract: serde_json::Value = serde_json::from_str(&f.ok("alice", &["contract", "--json"])).unwrap();
    assert_eq!(contract["resting_on_claims"], 2, "{contract}");
    let month = f.ok("alice", &["report", "month"]);
    let section = &month[month.find("## Times claimed later").expect(&month)..];
    // Both times as the commands gave them (the clock runs on meanwhile: the hour of
    // the recording is what the test can know).
    let claimed_at = duty::i18n::local_time(common::instant(&ack_at), chrono_tz::Asia::Shanghai);
    let recorded_hour = duty::i18n::local_time(f.now(), chrono_tz::Asia::Shanghai)[..13].to_string();
    assert!(
        section.contains(&format!("{near} acknowledged: claimed {claimed_at} · recorded {recorded_hour}")),
        "{section}"
    );
    assert!(section.contains(reason), "{section}");
    assert!(month.contains("2 resting on times claimed later"), "{month}");
    let fault = f.ok("alice", &["report", "fault", &said]);
    assert!(fault.contains("Time claimed later") && fault.contains(reason), "{fault}");
    let csv = f.ok("alice", &["report", "month", "--format", "csv"]);
    assert!(csv.contains("contract,resting_on_claims,2"), "{csv}");
}

/// The sample's `[signin]` block, switched on (with the service it needs).
fn signin_on(text: &str) -> String {
    let start = text.find("# [signin]").expect("the sample has a [signin] block");
    let block: String = text[start..].lines().map(|l| format!("{}\n", l.trim_start_matches("# "))).collect();
    format!("{}{block}\n[service]\n", &text[..start])
}

#[test]
fn the_signin_section_is_checked_where_it_is_written() {
    let f = Fixture::new();
    let path = f.site.join("site.toml");
    let text = signin_on(&std::fs::read_to_string(&path).unwrap());
    std::fs::write(&path, &text).unwrap();
    f.ok("lead", &["config", "check"]);
    let edit = |t: &str| {
        signin_on(t)
            .replace("terminals = [\"dutyroom\"]", "terminals = [\"alice\"]")
            .replace("idle = \"15min\"", "idle = \"soon\"")
    };
    let edited = edit(&std::fs::read_to_string(Fixture::new().site.join("site.toml")).unwrap());
    let line_of = |needle: &str| edited.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let (terminals, idle) = (line_of("terminals ="), line_of("idle ="));
    bad_config(
        "site.toml",
        edit,
        &format!("site.toml:{terminals}:14: terminal account \"alice\" is an operator"),
    );
    bad_config("site.toml", edit, &format!("site.toml:{idle}:8: \"soon\": a number and a unit"));
    // A terminal's account that held the store itself would hold every secret.
    bad_config(
        "site.toml",
        |t| signin_on(t).replace("\n[service]\n", "\n"),
        &format!("site.toml:{terminals}:14: shared terminals need the service"),
    );
}

#[test]
fn the_requesters_word_and_rating_reach_the_reports_and_the_sites_rule_confirms_the_rest() {
    let f = Fixture::new();
    let sla = f.site.join("sla.toml");
    let text = std::fs::read_to_string(&sla).unwrap();
    let on =
        text.replace("[auto_confirm]\nenabled = false\ndays = 7", "[auto_confirm]\nenabled = true\ndays = 2");
    assert_ne!(on, text, "the sample has the rule");
    std::fs::write(&sla, on).unwrap();
    // One resolved an hour ago (acknowledged late); one handled in time five days ago,
    // its fault report filed, and never confirmed.
    let id = f.open(&f.minutes_from_now(-120));
    f.ok("alice", &["incident", "ack", &id, "--at", &f.minutes_from_now(-70)]);
    f.ok(
        "alice",
        &[
            "incident",
            "resolve",
            &id,
            "--cause",
            "disk full",
            "--solution",
            "cleaned",
            "--at",
            &f.minutes_from_now(-60),
        ],
    );
    let old = f.open(&f.minutes_from_now(-5 * 24 * 60));
    f.ok("alice", &["incident", "ack", &old, "--at", &f.minutes_from_now(-5 * 24 * 60 + 5)]);
    f.ok(
        "alice",
        &[
            "incident",
            "resolve",
            &old,
            "--cause",
            "fan",
            "--solution",
            "replaced",
            "--at",
            &f.minutes_from_now(-5 * 24 * 60 + 60),
        ],
    );
    let report =
        ["incident", "report", &old, "--description", "fan failed", "--measures", "spares on site", "--at"];
    f.ok("alice", &[&report[..], &[f.minutes_from_now(-5 * 24 * 60 + 90).as_str()]].concat());

    // A dissatisfied word says why; the site's rule is not a person's to invoke.
    let why = f.run(
        "alice",
        &["incident", "confirm", &id, "--by", "张三", "--how", "phone", "--rating", "dissatisfied"],
    );
    assert_eq!(why.status.code(), Some(1));
    assert!(stderr(&why).contains("says why"), "{}", stderr(&why));
    let auto = f.run(
        "alice",
        &["incident", "confirm", &id, "--by", "张三", "--how", "auto", "--rating", "satisfied"],
    );
    assert_eq!(auto.status.code(), Some(1), "{}", stderr(&auto));
    // The Chinese words are taken as the keys.
    f.ok("alice", &["incident", "confirm", &id, "--by", "张三", "--how", "电话", "--rating", "基本满意"]);
    let shown = f.show_json(&id);
    let word = &shown["confirmation"];
    assert_eq!(
        (word["by"].as_str(), word["how"].as_str(), word["rating"].as_str()),
        (Some("张三"), Some("phone"), Some("basically_satisfied")),
        "{shown}"
    );
    assert_eq!(word["recorded_by"], "alice");

    // The engine confirms what waited past the site's days, unrated, as the site's rule.
    let mut engine = f
        .cmd("alice")
        .arg("engine")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while f.show_json(&old)["confirmation"].is_null() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "the site's rule never confirmed {old}"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let _ = engine.kill();
    let _ = engine.wait();
    let by_rule = &f.show_json(&old)["confirmation"];
    assert_eq!(
        (by_rule["how"].as_str(), by_rule["recorded_by"].as_str()),
        (Some("auto"), Some("engine")),
        "{by_rule}"
    );
    assert!(by_rule["rating"].is_null(), "{by_rule}");

    // The month's report: one rated (basically satisfied, 100 %), one by the rule; of
    // two resolved, one had every clock on time (the other's response was late).
    let month = f.ok("alice", &["report", "month"]);
    let section = &month[month.find("## The requesters' word").expect(&month)..];
    assert!(
        section.contains("Basically satisfied: 1") && section.contains("Confirmed by the site's rule: 1"),
        "{section}"
    );
    assert!(section.contains("100.0% (rated 1 / 2 resolved; target ≥ 90%: met)"), "{section}");
    assert!(
        section.contains("every clock met on time: 1 · a clock late or breached: 1 · not decided yet: 0 — 50.0% (target 100%: not met)"),
        "{section}"
    );
    let csv = f.ok("alice", &["report", "month", "--format", "csv"]);
    for row in [
        "satisfaction,basically_satisfied,1",
        "satisfaction,confirmed_by_rule,1",
        "timely,every_clock_met,1",
        "timely,late_or_breached,1",
    ] {
        assert!(csv.contains(row), "{row} in {csv}");
    }
}

#[test]
fn the_samples_backup_checks_are_a_valid_site_and_a_bad_one_is_named_where_it_is() {
    let f = Fixture::new();
    let path = f.site.join("hosts.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text.find("# [[hosts.checks]]").expect("the sample has backup checks");
    let on: String = text[start..]
        .lines()
        .map(|l| format!("{}\n", l.trim_start_matches("# ").trim_start_matches('#')))
        .collect();
    let on = format!("{}{on}", &text[..start]);
    std::fs::write(&path, &on).unwrap();
    f.ok("lead", &["config", "check"]);
    let status = f.ok("lead", &["status"]);
    assert!(status.contains(" bak "), "the sheet has a backup column: {status}");
    let storage = status.lines().find(|l| l.starts_with("storage")).expect(&status);
    assert!(
        storage.contains('?') && !storage.contains('√'),
        "not run yet is unknown, never normal: {storage}"
    );
    // The restore test falls once a year.
    let restore = std::fs::read_to_string(f.site.join("checklists/restore-test.toml")).unwrap();
    assert!(restore.contains("days = \"yearly:03-31\""), "{restore}");
    let edit = |t: &str| {
        let start = t.find("# [[hosts.checks]]").unwrap();
        let on: String = t[start..]
            .lines()
            .map(|l| format!("{}\n", l.trim_start_matches("# ").trim_start_matches('#')))
            .collect();
        format!("{}{on}", &t[..start]).replacen("path = \"/backup/incr\"", "path = \"backup/incr\"", 1)
    };
    let edited = edit(&text);
    let line = edited.lines().position(|l| l.contains("path = \"backup/incr\"")).unwrap() + 1;
    bad_config(
        "hosts.toml",
        edit,
        &format!("hosts.toml:{line}:8: path \"backup/incr\" must be an absolute folder"),
    );
}

#[test]
fn an_emergency_plan_runs_step_by_step_on_an_incident_and_reaches_its_fault_report() {
    let mut f = Fixture::new();
    let id = f.open_network_failure();
    // The incident's class and area pick the network plan; its steps come from the site.
    let shown = f.ok("alice", &["incident", "show", &id]);
    assert!(shown.contains("Suggested emergency plan: 网络故障应急预案 (network)"), "{shown}");
    let unknown = f.run("alice", &["incident", "plan", &id, "flood"]);
    assert_eq!(unknown.status.code(), Some(1), "{}", stderr(&unknown));
    assert!(
        stderr(&unknown).contains("the site has no emergency plan \"flood\" (plans/)"),
        "{}",
        stderr(&unknown)
    );
    f.ok("alice", &["incident", "plan", &id]);
    let again = f.run("alice", &["incident", "plan", &id, "virus"]);
    assert!(
        stderr(&again).contains("plan \"网络故障应急预案\" is running with steps left"),
        "{}",
        stderr(&again)
    );
    f.ok("alice", &["incident", "step", &id, "1", "--done"]);
    let skip = f.run("alice", &["incident", "step", &id, "3", "--skip"]);
    assert!(stderr(&skip).contains("skipping step 3 says why (a note)"), "{}", stderr(&skip));
    let twice = f.run("alice", &["incident", "step", &id, "1", "--done"]);
    assert!(stderr(&twice).contains("step 1 was recorded already, by alice"), "{}", stderr(&twice));
    let none = f.run("alice", &["incident", "step", &id, "9", "--done"]);
    assert!(stderr(&none).contains("no step 9 (steps are 1 to 5)"), "{}", stderr(&none));
    // Twelve minutes on: the five-minute report to the security group is late.
    f.clock = duty::clock::Clock::starting_at(f.now() + chrono::Duration::minutes(12));
    let shown = f.ok("alice", &["incident", "show", &id]);
    assert!(shown.contains("Emergency plan: 网络故障应急预案 (network)"), "{shown}");
    assert!(shown.contains("1. √ 确认故障范围"), "{shown}");
    assert!(shown.contains("2. ▲ 报告网络安全领导小组 [duty] within 5 min"), "{shown}");
    assert!(shown.contains("3. ○ 切换备用线路或备用设备"), "{shown}");
    f.ok("alice", &["incident", "step", &id, "2", "--done", "--note", "王组长已知悉"]);
    f.ok("bob", &["incident", "step", &id, "3", "--skip", "--note", "无备用线路"]);
    let json = f.show_json(&id);
    let steps = json["plans"][0]["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 5);
    assert_eq!(steps[1]["outcome"]["by"], "alice");
    assert_eq!(steps[1]["outcome"]["note"], "王组长已知悉");
    assert_eq!(steps[2]["outcome"]["done"], false);
    assert_eq!(steps[2]["outcome"]["by"], "bob");
    let kinds: Vec<&str> =
        json["timeline"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "incident.step_marked").count(), 3, "{kinds:?}");
    assert!(kinds.contains(&"incident.plan_started"));
    let shown = f.ok("alice", &["incident", "show", &id]);
    assert!(shown.contains("2. × 报告网络安全领导小组"), "done after its limit: {shown}");
    assert!(shown.contains("3. - 切换备用线路或备用设备 [duty] within 30 min"), "{shown}");
    let report = f.ok("alice", &["report", "fault", &id]);
    assert!(report.contains("| Emergency plan | Emergency plan: 网络故障应急预案 (network)"), "{report}");
    assert!(report.contains("| Plan step | 3. - 切换备用线路或备用设备"), "{report}");
}

#[test]
fn a_plan_file_with_a_wrong_party_or_limit_is_named_where_it_is() {
    let f = Fixture::new();
    let path = f.site.join("plans/network.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let bad = text.replacen("who = \"vendor\"", "who = \"police\"", 1).replacen(
        "within_minutes = 30",
        "within_minutes = 0",
        1,
    );
    std::fs::write(&path, &bad).unwrap();
    let out = f.run("lead", &["config", "check"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    let line_of = |needle: &str| bad.lines().position(|l| l.contains(needle)).unwrap() + 1;
    assert!(err.contains(&format!("plans/network.toml:{}:", line_of("police"))), "{err}");
    assert!(
        err.contains("unknown Party \"police\" (expected one of: duty, lead, security, vendor)"),
        "{err}"
    );
    assert!(err.contains(&format!("plans/network.toml:{}:", line_of("within_minutes = 0"))), "{err}");
    assert!(err.contains("within_minutes 0 must be between 1 and 10080"), "{err}");
}

#[test]
fn a_change_is_approved_by_another_lead_for_the_night_opens_its_window_and_takes_its_incidents() {
    let mut f = Fixture::new();
    let request = |from: &str, until: &str| {
        vec![
            "change",
            "request",
            "--what",
            "数据库补丁升级",
            "--why",
            "修复已知缺陷",
            "--host",
            "central-db",
            "--risk",
            "medium",
            "--rollback",
            "回退补丁并重启实例",
            "--from",
            from,
            "--until",
            until,
        ]
        .into_iter()
        .map(str::to_string)
        .collect::<Vec<_>>()
    };
    fn args(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }
    // Wednesday 16:00-20:00 reaches into working hours.
    let day = f.run("alice", &args(&request("2026-11-25T16:00:00+08:00", "2026-11-25T20:00:00+08:00")));
    assert_eq!(day.status.code(), Some(1), "{}", stderr(&day));
    assert!(
        stderr(&day).contains("a normal change is planned outside working hours on the site's calendar: its window reaches into them at 2026-11-25 16:00"),
        "{}",
        stderr(&day)
    );
    let mut no_rollback = request("2026-11-25T22:00:00+08:00", "2026-11-26T01:00:00+08:00");
    no_rollback[12] = " ".into();
    assert!(stderr(&f.run("alice", &args(&no_rollback))).contains("rollback"), "the way back is required");
    let id = f
        .ok("alice", &args(&request("2026-11-25T22:00:00+08:00", "2026-11-26T01:00:00+08:00")))
        .trim()
        .to_string();
    assert_eq!(id, "CHG-20261125-1");
    let own = f.run("alice", &["change", "approve", &id]);
    assert!(stderr(&own).contains("a change is not approved by its requester"), "{}", stderr(&own));
    let bob = f.run("bob", &["change", "approve", &id]);
    assert!(stderr(&bob).contains("a lead approves or rejects a change, in person"), "{}", stderr(&bob));
    let oral = f.run("bob", &["change", "approve", &id, "--oral-by", "王主任"]);
    assert!(stderr(&oral).contains("only an emergency change is approved orally"), "{}", stderr(&oral));
    f.ok("lead", &["change", "approve", &id]);
    let windows: serde_json::Value =
        serde_json::from_str(&f.ok("alice", &["maintenance", "list", "--json"])).unwrap();
    assert_eq!(windows[0]["hosts"][0], "central-db");
    assert_eq!(windows[0]["reason"], format!("{id} 数据库补丁升级"));
    assert_eq!(windows[0]["from"], "2026-11-25T14:00:00Z");
    // At 22:30 the database goes down: the incident is the change's.
    f.clock = duty::clock::Clock::starting_at(common::instant("2026-11-25T22:30:00+08:00"));
    f.ok("alice", &["change", "start", &id]);
    let during = f.open(&f.minutes_from_now(-1));
    let shown: serde_json::Value =
        serde_json::from_str(&f.ok("alice", &["change", "show", &id, "--json"])).unwrap();
    assert_eq!(shown["incidents"], serde_json::json!([during]));
    assert_eq!(shown["state"], "started");
    assert_eq!(shown["approval"]["by"], "lead");
    assert_eq!(shown["window"], windows[0]["id"]);
    let text = f.ok("alice", &["change", "show", &id]);
    assert!(text.contains(&format!("incidents    {during}")), "{text}");
    let bad = f.run("alice", &["change", "finish", &id, "--result", "rolled_back"]);
    assert!(stderr(&bad).contains("a failed or rolled-back change says what happened"), "{}", stderr(&bad));
    f.ok(
        "alice",
        &["change", "finish", &id, "--result", "rolled_back", "--note", "补丁后连接数异常，已回退"],
    );
    // An emergency change at once, approved on the phone, written up later.
    let emergency = f
        .ok(
            "bob",
            &[
                "change",
                "request",
                "--kind",
                "emergency",
                "--what",
                "更换前置机网卡",
                "--why",
                "网卡故障",
                "--host",
                "frontend-1",
                "--risk",
                "high",
                "--rollback",
                "换回原网卡",
                "--from",
                "2026-11-25T22:30:00+08:00",
                "--until",
                "2026-11-25T23:30:00+08:00",
            ],
        )
        .trim()
        .to_string();
    assert_eq!(emergency, "CHG-20261125-2");
    f.ok("bob", &["change", "approve", &emergency, "--oral-by", "王主任"]);
    let shown: serde_json::Value =
        serde_json::from_str(&f.ok("bob", &["change", "show", &emergency, "--json"])).unwrap();
    assert_eq!(
        (shown["approval"]["by"].as_str(), shown["approval"]["oral"].as_bool()),
        (Some("王主任"), Some(true))
    );
    assert_eq!(shown["approval"]["recorded_by"], "bob");
    // 24 hours after the approval, typed in at 22:30 (the clock runs on).
    assert!(shown["record_due"].as_str().unwrap().starts_with("2026-11-26T14:30:0"), "{shown}");
    let normal = f.run("bob", &["change", "document", &id, "--text", "x"]);
    assert!(
        stderr(&normal).contains("only an emergency change is written up afterwards"),
        "{}",
        stderr(&normal)
    );
    f.ok("bob", &["change", "document", &emergency, "--text", "补记审批单：王主任电话同意"]);
    let shown: serde_json::Value =
        serde_json::from_str(&f.ok("bob", &["change", "show", &emergency, "--json"])).unwrap();
    assert!(shown["record_due"].is_null(), "{shown}");
    let list: serde_json::Value =
        serde_json::from_str(&f.ok("alice", &["change", "list", "--json"])).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
    let unknown = f.run("alice", &["change", "start", "CHG-20261125-9"]);
    assert!(stderr(&unknown).contains("no change CHG-20261125-9"), "{}", stderr(&unknown));
}

#[test]
fn a_problem_opened_from_an_incident_links_its_likes_becomes_a_known_error_and_is_reviewed_monthly() {
    let f = Fixture::new();
    let first = f.open(&f.minutes_from_now(-120));
    f.ok("alice", &["incident", "ack", &first]);
    f.ok("alice", &["incident", "problem", &first, "--note", "每次重启实例暂时恢复"]);
    let list: serde_json::Value =
        serde_json::from_str(&f.ok("alice", &["problem", "list", "--json"])).unwrap();
    let problem = &list["problems"][0];
    assert_eq!(problem["id"], "PRB-1");
    assert_eq!(problem["incidents"], serde_json::json!([first]));
    assert_eq!(problem["workaround"], "每次重启实例暂时恢复");
    assert_eq!((problem["owner"].as_str(), problem["state"].as_str()), (Some("alice"), Some("open")));
    // From the first workday of the month until a lead records it, the review is due.
    assert_eq!(list["review_due"], "2026-11");
    let text = f.ok("alice", &["problem", "list"]);
    assert!(
        text.contains("the problem review of 2026-11 is not recorded yet (1 problems not closed)"),
        "{text}"
    );
    // The same host in the same area again: offered for linking.
    let second = f.open(&f.minutes_from_now(-30));
    let other = f.ok(
        "alice",
        &["incident", "open", "--title", "前置机交换中断", "--severity", "ordinary", "--host", "frontend-1"],
    );
    let shown: serde_json::Value =
        serde_json::from_str(&f.ok("alice", &["problem", "show", "PRB-1", "--json"])).unwrap();
    assert_eq!(shown["suggested"], serde_json::json!([second]), "not {other}");
    f.ok("alice", &["problem", "link", "PRB-1", &second]);
    let again = f.run("alice", &["problem", "link", "PRB-1", &second]);
    assert!(stderr(&again).contains(&format!("incident {second} is linked already")), "{}", stderr(&again));
    let ghost = f.run("alice", &["problem", "link", "PRB-1", "GZ-20261125-099"]);
    assert_ne!(ghost.status.code(), Some(0));
    f.ok(
        "alice",
        &["problem", "known-error", "PRB-1", "--cause", "归档日志未按日清理", "--workaround", "每日手工清理"],
    );
    f.ok("alice", &["problem", "resolve", "PRB-1", "--solution", "增加每日归档清理任务"]);
    let close = f.run("alice", &["problem", "close", "PRB-1"]);
    assert!(stderr(&close).contains("a lead closes a problem"), "{}", stderr(&close));
    let review = f.run("bob", &["problem", "review", "--note", "x"]);
    assert!(
        stderr(&review).contains("a lead closes a problem and records the monthly review"),
        "{}",
        stderr(&review)
    );
    f.ok("lead", &["problem", "close", "PRB-1"]);
    assert!(f.ok("lead", &["problem", "review", "--note", "一个已知错误已解决"]).contains("2026-11"));
    let list: serde_json::Value =
        serde_json::from_str(&f.ok("alice", &["problem", "list", "--all", "--json"])).unwrap();
    assert!(list["review_due"].is_null(), "{list}");
    assert_eq!(list["problems"][0]["state"], "closed");
    let log: serde_json::Value = serde_json::from_str(&f.ok("alice", &["audit", "log", "--json"])).unwrap();
    let kinds: Vec<&str> = log.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    for kind in [
        "problem.opened",
        "problem.linked",
        "problem.known_error",
        "problem.resolved",
        "problem.closed",
        "problem_review.recorded",
    ] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
}

#[test]
fn the_knowledge_base_offers_what_fixed_it_in_chinese_and_english_and_takes_entries_by_hand() {
    let f = Fixture::new();
    let id = f.open(&f.minutes_from_now(-60));
    f.ok("alice", &["incident", "ack", &id]);
    f.ok(
        "alice",
        &[
            "incident",
            "resolve",
            &id,
            "--cause",
            "监听日志 listener.log 写满",
            "--solution",
            "清理日志后重启监听",
        ],
    );
    let found = f.ok("alice", &["kb", "search", "监听"]);
    assert!(found.contains(&id) && found.contains("中心数据库服务器无法连接"), "{found}");
    assert!(
        found.contains("监听日志 listener.log 写满 清理日志后重启监听"),
        "the text around the word: {found}"
    );
    let hits: serde_json::Value =
        serde_json::from_str(&f.ok("alice", &["kb", "search", "LISTENER", "重启", "--json"])).unwrap();
    assert_eq!(hits[0]["id"], id.as_str());
    assert_eq!(hits[0]["from"], "incident");
    assert!(f.ok("alice", &["kb", "search", "磁盘"]).contains("(nothing found)"));
    let written = f.ok(
        "bob",
        &[
            "kb",
            "write",
            "--title",
            "交换机端口闪断",
            "--body",
            "检查光模块（SFP），更换后观察",
            "--host",
            "frontend-1",
        ],
    );
    assert_eq!(written.trim(), "KB-1");
    let unknown = f.run("bob", &["kb", "write", "--title", "x", "--body", "y", "--host", "nowhere"]);
    assert!(stderr(&unknown).contains("the site has no host \"nowhere\""), "{}", stderr(&unknown));
    let hits: serde_json::Value =
        serde_json::from_str(&f.ok("alice", &["kb", "search", "sfp", "--json"])).unwrap();
    assert_eq!((hits[0]["id"].as_str(), hits[0]["by"].as_str()), (Some("KB-1"), Some("bob")));
    f.ok("lead", &["kb", "edit", &id, "--title", "数据库监听中断（已知错误）"]);
    let shown = f.ok("alice", &["kb", "show", &id]);
    assert!(
        shown.contains("数据库监听中断（已知错误）") && shown.contains(&format!("from incident {id}")),
        "{shown}"
    );
    assert!(shown.contains("lead"), "the edit says who: {shown}");
    let missing = f.run("alice", &["kb", "edit", "KB-9", "--title", "x"]);
    assert!(stderr(&missing).contains("the knowledge base has no entry KB-9"), "{}", stderr(&missing));
    // Folded again from the log, the same entries are found.
    f.ok("lead", &["store", "rebuild"]);
    assert!(f.ok("alice", &["kb", "search", "已知错误"]).contains(&id));
    assert!(f.ok("alice", &["kb", "search", "光模块"]).contains("KB-1"));
    let zh = f.ok("alice", &["kb", "show", "KB-1", "--lang", "zh"]);
    assert!(zh.contains("手工编写"), "{zh}");
}

#[test]
fn the_metrics_address_is_loopback_only_and_named_where_it_is_written() {
    let with = |address: &str| {
        let address = address.to_string();
        move |t: &str| format!("{t}\n[service]\nmetrics = \"{address}\"\n")
    };
    let line = std::fs::read_to_string(Fixture::new().site.join("site.toml")).unwrap().lines().count() + 3;
    bad_config(
        "site.toml",
        with("0.0.0.0:9464"),
        &format!(
            "site.toml:{line}:11: metrics \"0.0.0.0:9464\" must be a loopback address (such as 127.0.0.1:9464)"
        ),
    );
    bad_config(
        "site.toml",
        with("localhost"),
        &format!("site.toml:{line}:11: metrics \"localhost\" is not an address and port"),
    );
}

#[test]
fn lists_filter_and_print_as_asked_and_every_duty_log_kind_has_a_command() {
    let f = Fixture::new();
    let serious = f.open(&f.minutes_from_now(-50));
    let ordinary = f
        .ok(
            "alice",
            &[
                "incident",
                "open",
                "--title",
                "前置机, \"交换\" 中断",
                "--severity",
                "ordinary",
                "--host",
                "frontend-1",
            ],
        )
        .trim()
        .to_string();
    f.ok("alice", &["incident", "ack", &serious]);
    f.ok("alice", &["incident", "note", &serious, "positional text works"]);
    f.ok("alice", &["incident", "note", &serious, "--text", "and --text still does"]);
    // Times as people type them, in the site's zone (Asia/Shanghai).
    f.ok("alice", &["incident", "note", &serious, "at five to ten", "--at", "09:55"]);
    f.ok("alice", &["incident", "note", &serious, "this morning", "--at", "today 09:20"]);
    let early = f.run("alice", &["incident", "note", &serious, "x", "--at", "yesterday 23:10"]);
    assert!(stderr(&early).contains("is before the incident's previous step"), "{}", stderr(&early));
    let shown = f.show_json(&serious);
    let at = |text: &str| {
        shown["timeline"].as_array().unwrap().iter().find(|e| e["payload"]["text"] == text).unwrap()["occurred_at"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(at("at five to ten").starts_with("2026-11-25T01:55:00"), "{shown}");
    assert!(at("this morning").starts_with("2026-11-25T01:20:00"), "{shown}");
    let ids = |args: &[&str]| -> Vec<String> {
        let out = f.ok("alice", &[&["incident", "list", "-o", "json"][..], args].concat());
        let list: serde_json::Value = serde_json::from_str(&out).unwrap();
        list.as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(ids(&["--state", "acknowledged"]), [serious.as_str()]);
    assert_eq!(ids(&["--severity", "ordinary"]), [ordinary.as_str()]);
    assert_eq!(ids(&["--severity", "一般", "--severity", "serious"]).len(), 2, "Chinese terms and repeats");
    assert_eq!(ids(&["--host", "frontend-1"]), [ordinary.as_str()]);
    assert_eq!(ids(&["--owner", "alice"]), [serious.as_str()]);
    assert_eq!(ids(&["--since", &f.minutes_from_now(-10)]), [ordinary.as_str()]);
    assert_eq!(ids(&["--until", &f.minutes_from_now(-10)]), [serious.as_str()]);
    assert!(ids(&["--state", "closed"]).is_empty());
    let csv = f.ok("alice", &["incident", "list", "-o", "csv", "--host", "frontend-1"]);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("id,severity,state,owner,class,area,hosts,reported_at,next_clock,next_due,title")
    );
    let row = lines.next().unwrap();
    assert!(row.starts_with(&format!("{ordinary},ordinary,open,,fault,system,frontend-1,")), "{row}");
    assert!(row.contains(",response,2026-11-25T02:30:00"), "{row}");
    assert!(row.ends_with(",\"前置机, \"\"交换\"\" 中断\""), "the title quoted as CSV quotes: {row}");
    let wide = f.ok("alice", &["incident", "list", "-o", "wide"]);
    assert!(wide.contains("frontend-1") && wide.contains("2026-11-25 10:00"), "{wide}");
    for bad in [&["--state", "sleeping"][..], &["-o", "xml"], &["--since", "someday"]] {
        let out = f.run("alice", &[&["incident", "list"][..], bad].concat());
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("invalid value"), "{bad:?}: {}", stderr(&out));
    }
    // Every kind of duty-log entry from the command line; the lists as JSON.
    f.ok("alice", &["log", "env", "--temperature", "22.5", "--humidity", "45", "--weather", "晴"]);
    f.ok("alice", &["log", "power", "--normal"]);
    f.ok("alice", &["log", "power", "--from", "09:10", "--to", "09:20", "--note", "市电闪断，UPS 供电"]);
    f.ok(
        "alice",
        &["log", "equipment", "--who", "张三", "--what", "KVM", "--before", "正常", "--after", "正常"],
    );
    f.ok(
        "alice",
        &["log", "visitor", "--who", "厂商李工", "--why", "更换硬盘", "--from", "09:00", "--escort", "alice"],
    );
    f.ok("alice", &["log", "request", "--from", "交易科", "--complaint", "--what", "系统慢"]);
    let bad =
        f.run("alice", &["log", "visitor", "--who", "x", "--why", "y", "--from", "9点", "--escort", "z"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("\"9点\" is not HH:MM"), "{}", stderr(&bad));
    let entries: serde_json::Value =
        serde_json::from_str(&f.ok("alice", &["log", "list", "--json"])).unwrap();
    let kinds: Vec<&str> =
        entries.as_array().unwrap().iter().map(|e| e["entry"]["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["environment", "power", "power", "equipment", "visitor", "request"]);
    let roster: serde_json::Value =
        serde_json::from_str(&f.ok("alice", &["roster", "show", "--json"])).unwrap();
    assert_eq!(roster.as_array().unwrap().len(), 2, "{roster}");
    let handovers: serde_json::Value =
        serde_json::from_str(&f.ok("alice", &["handover", "list", "--json"])).unwrap();
    assert!(handovers.is_array());
    // The log's payloads are objects for scripts.
    let log: serde_json::Value = serde_json::from_str(&f.ok("alice", &["audit", "log", "--json"])).unwrap();
    let note = log.as_array().unwrap().iter().find(|e| e["kind"] == "incident.noted").unwrap();
    assert_eq!(note["payload"]["text"], "positional text works");
}

#[test]
fn the_global_options_have_a_heading_of_their_own_in_both_languages() {
    let f = Fixture::new();
    let en = f.ok("alice", &["incident", "list", "--help"]);
    let (own, global) = en.split_once("Global options:").expect("a heading of their own");
    assert!(own.contains("--state") && !own.contains("--site"), "{en}");
    assert!(global.contains("--site") && global.contains("--lang") && !global.contains("--state"), "{en}");
    let zh = f.ok("alice", &["incident", "list", "--help", "--lang", "zh"]);
    let (own, global) = zh.split_once("全局选项:").or_else(|| zh.split_once("全局选项：")).expect("全局选项");
    assert!(own.contains("--state") && global.contains("--site"), "{zh}");
}

#[test]
fn the_console_options_belong_to_the_commands_that_start_a_console_and_every_command_has_examples() {
    let f = Fixture::new();
    let out = f.run("alice", &["incident", "list", "--keymap", "vim"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--keymap"), "{}", stderr(&out));
    // `config check` checks the console's files too, given after it or before it.
    let theme = f.dir.path().join("bad-theme.toml");
    std::fs::write(&theme, "[styles]\nbreached = { fg = \"nope\" }\n").unwrap();
    for args in [
        ["config", "check", "--theme", theme.to_str().unwrap()],
        ["--theme", theme.to_str().unwrap(), "config", "check"],
    ] {
        let out = f.run("alice", &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("bad-theme.toml:2:"), "{}", stderr(&out));
    }
    // Examples close the help, in the reader's language, and the manual page.
    let help = f.ok("alice", &["incident", "list", "--help"]);
    assert!(
        help.contains("Examples:\n") && help.contains("$ duty incident list --severity critical"),
        "{help}"
    );
    let help = f.ok("alice", &["--lang", "zh", "report", "fault", "--help"]);
    assert!(help.contains("示例:") && help.contains("# 打印为 PDF（需要 Chromium）"), "{help}");
    let man = f.ok("alice", &["man"]);
    assert!(
        man.contains(".SH EXAMPLES") && man.contains("\\fBduty incident ack GZ\\-20261201\\-001\\fR"),
        "{man}"
    );
}

/// The rows of a list as JSON (the problems' list keeps them under `problems`).
fn rows_of(f: &Fixture, args: &[&str]) -> Vec<serde_json::Value> {
    let out = f.ok("alice", &[args, &["-o", "json"]].concat());
    let value: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"));
    let rows = if value.is_object() { &value["problems"] } else { &value };
    rows.as_array().unwrap_or_else(|| panic!("{args:?}: {out}")).clone()
}

#[test]
fn every_list_filters_and_prints_as_a_table_wide_json_and_csv() {
    let f = Fixture::new();
    f.exchange_every_day();
    let serious = f.open(&f.minutes_from_now(-50));
    f.ok("alice", &["incident", "ack", &serious]);
    // A stopped clock says when it stopped, not a time left below zero.
    let show = f.ok("alice", &["incident", "show", &serious]);
    let response = show.lines().find(|l| l.contains("response") && l.contains("due")).unwrap();
    assert!(response.contains(" done 2026-11-25 10:00:00") && !response.contains("left"), "{show}");
    f.ok("alice", &["incident", "problem", &serious, "--note", "监听反复中断"]);
    f.ok(
        "alice",
        &[
            "change",
            "request",
            "--what",
            "数据库补丁",
            "--why",
            "安全更新",
            "--host",
            "central-db",
            "--risk",
            "medium",
            "--rollback",
            "回退补丁",
            "--from",
            "22:00",
            "--until",
            "2026-11-26 01:00",
        ],
    );
    f.ok("alice", &["maintenance", "add", "--host", "central-db", "--to", "12:00", "--reason", "打补丁"]);
    f.ok("alice", &["log", "note", "UPS 巡视正常"]);
    f.ok("bob", &["log", "env", "--temperature", "22", "--humidity", "45"]);
    f.ok("alice", &["kb", "write", "--title", "监听中断", "--body", "重启监听", "--host", "central-db"]);

    // Every list in every format: the table has its headings, --json is -o json, and
    // CSV has a line per record under a line of keys.
    let lists: [&[&str]; 11] = [
        &["incident", "list"],
        &["problem", "list"],
        &["change", "list"],
        &["maintenance", "list"],
        &["handover", "list"],
        &["log", "list"],
        &["checklist", "list"],
        &["audit", "log"],
        &["kb", "search", "监听"],
        &["ssh", "history"],
        &["ssh", "asks"],
    ];
    for list in lists {
        let table = f.ok("alice", &[list, &["-o", "table"]].concat());
        let heading = table.lines().find(|l| !l.starts_with("the problem review")).unwrap_or_default();
        assert!(
            heading.split_whitespace().all(|w| w.chars().all(|c| c.is_ascii_uppercase())),
            "{list:?}: {table}"
        );
        let wide = f.ok("alice", &[list, &["-o", "wide"]].concat());
        assert!(wide.lines().count() >= table.lines().count(), "{list:?}: {wide}");
        // The wide table heads more columns (every list but the asks has some).
        let wide_heading = wide.lines().find(|l| !l.starts_with("the problem review")).unwrap_or_default();
        let columns = |line: &str| line.split_whitespace().count();
        if list != ["ssh", "asks"] {
            assert!(columns(wide_heading) > columns(heading), "{list:?}: {wide_heading} / {heading}");
        }
        let json = f.ok("alice", &[list, &["-o", "json"]].concat());
        assert_eq!(f.ok("alice", &[list, &["--json"]].concat()), json, "{list:?}");
        let rows = rows_of(&f, list);
        let csv = f.ok("alice", &[list, &["-o", "csv"]].concat());
        if !rows.is_empty() && list != ["incident", "list"] {
            assert_eq!(csv.lines().count(), rows.len() + 1, "{list:?}: {csv}");
            assert!(
                csv.lines().next().unwrap().split(',').any(|k| k == "id"
                    || k == "seq"
                    || k == "run"
                    || k == "operator"
                    || k == "entry.kind"),
                "{list:?}: {csv}"
            );
        }
        for bad in [&["-o", "xml"][..], &["--nonsense"]] {
            let out = f.run("alice", &[list, bad].concat());
            assert_eq!(out.status.code(), Some(2), "{list:?} {bad:?}: {}", stderr(&out));
        }
    }
    let count = |args: &[&str]| rows_of(&f, args).len();
    // Problems: by state, owner, host and when they were opened.
    assert_eq!(count(&["problem", "list", "--state", "open"]), 1);
    assert_eq!(count(&["problem", "list", "--state", "known_error"]), 0);
    assert_eq!(count(&["problem", "list", "--owner", "alice"]), 1);
    assert_eq!(count(&["problem", "list", "--owner", "bob"]), 0);
    assert_eq!(count(&["problem", "list", "--host", "central-db"]), 1);
    assert_eq!(count(&["problem", "list", "--host", "frontend-1"]), 0);
    assert_eq!(count(&["problem", "list", "--since", "today 09:00", "--until", "today 11:00"]), 1);
    assert_eq!(count(&["problem", "list", "--since", "11:00"]), 0);
    // Changes: by state, host, requester and window.
    assert_eq!(count(&["change", "list", "--state", "requested"]), 1);
    assert_eq!(count(&["change", "list", "--state", "approved", "--state", "finished"]), 0);
    assert_eq!(count(&["change", "list", "--host", "central-db", "--owner", "alice"]), 1);
    assert_eq!(count(&["change", "list", "--owner", "bob"]), 0);
    assert_eq!(count(&["change", "list", "--since", "2026-11-25 21:00", "--until", "2026-11-25 23:00"]), 1);
    assert_eq!(count(&["change", "list", "--until", "21:00"]), 0);
    // Maintenance windows by host; the duty log by who wrote it.
    assert_eq!(count(&["maintenance", "list", "--host", "central-db"]), 1);
    assert_eq!(count(&["maintenance", "list", "--host", "frontend-1"]), 0);
    assert_eq!(count(&["log", "list", "--owner", "bob"]), 1);
    assert_eq!(count(&["log", "list"]), 2);
    // Inspections by state and by who started them.
    f.ok("bob", &["checklist", "start", "exchange"]);
    assert_eq!(count(&["checklist", "list", "--state", "in_progress", "--owner", "bob"]), 1);
    assert_eq!(count(&["checklist", "list", "--state", "in_progress", "--owner", "alice"]), 0);
    assert_eq!(count(&["checklist", "list", "--state", "done", "--state", "missed"]), 0);
    // The audit log by operator, kind or family, and time.
    let bobs = rows_of(&f, &["audit", "log", "--owner", "bob"]);
    assert!(!bobs.is_empty() && bobs.iter().all(|e| e["actor"] == "bob"), "{bobs:?}");
    assert_eq!(count(&["audit", "log", "--kind", "incident.opened"]), 1);
    let family = rows_of(&f, &["audit", "log", "--kind", "incident"]);
    assert!(family.len() >= 2 && family.iter().all(|e| e["kind"].as_str().unwrap().starts_with("incident.")));
    assert_eq!(count(&["audit", "log", "--until", "2026-11-01"]), 0, "a date alone is its midnight");
    assert!(count(&["audit", "log", "--since", "2026-11-25"]) > 0);
    // The knowledge base by host.
    assert_eq!(count(&["kb", "search", "监听", "--host", "central-db"]), 1);
    assert_eq!(count(&["kb", "search", "监听", "--host", "frontend-1"]), 0);
    // Bad values: a clear word, exit 2, nothing printed.
    for (args, said) in [
        (&["problem", "list", "--state", "asleep"][..], "invalid value 'asleep' for '--state"),
        (&["change", "list", "--state", "done"], "invalid value 'done' for '--state"),
        (&["checklist", "list", "--state", "late"], "invalid value 'late' for '--state"),
        (&["audit", "log", "--since", "someday"], "invalid value 'someday' for '--since"),
        (&["handover", "list", "--until", "25:00"], "invalid value '25:00' for '--until"),
        (&["ssh", "history", "--since", "12:00", "--until", "11:00"], "--since must come before --until"),
    ] {
        let out = f.run("alice", args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(said), "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    let out = f.run("alice", &["--lang", "zh", "change", "list", "--since", "12:00", "--until", "11:00"]);
    assert!(stderr(&out).contains("--since 须早于 --until"), "{}", stderr(&out));
}

#[test]
fn usage_errors_are_said_in_the_readers_language_and_exit_2() {
    let f = Fixture::new();
    for (args, said) in [
        (
            &["incident", "list", "--state", "sleeping"][..],
            "错误：--state <STATES> 的值“sleeping”无效（可选：open、acknowledged",
        ),
        (&["audit", "log", "--since", "someday"], "“someday”不是时间"),
        (&["checklist", "list", "--date", "yesterday"], "“yesterday”不是日期（如 2026-12-01）"),
        (&["incident", "list", "--hots", "x"], "没有参数“--hots”（是否想用 --host？）"),
        (&["incident", "lst"], "没有命令“lst”"),
        (&["incident", "open", "--title", "x"], "缺少必需的参数：--severity <SEVERITY>"),
        (
            &["report", "inspection", "--day", "2026-12-01", "--week", "2026-12-01"],
            "不能与 --week <WEEK> 同时使用",
        ),
        (&["report", "month", "--month", "2026-13"], "“2026-13”不是月份（如 2026-11）"),
        (&["incident", "list", "--since"], "--since <SINCE> 需要一个值"),
    ] {
        let out = f.run("alice", &[&["--lang", "zh"][..], args].concat());
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let message = stderr(&out);
        assert!(message.contains(said), "{args:?}: {message}");
        assert!(!message.contains("error:") && !message.contains("For more information"), "{message}");
    }
    // In English, clap's own words with ours in them.
    let out = f.run("alice", &["checklist", "list", "--date", "yesterday"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("\"yesterday\" is not a date such as 2026-12-01"), "{}", stderr(&out));
    let out = f.run("alice", &["change", "list", "--state", "done"]);
    assert!(
        stderr(&out).contains("\"done\": expected one of requested, approved, rejected, started, finished"),
        "{}",
        stderr(&out)
    );
}
