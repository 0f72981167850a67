//! The real binary in a real terminal (tmux): type keys, read the screen.

mod common;

use std::time::{Duration, Instant};

use common::Fixture;
use common::tmux::Tmux;

const SECOND: Duration = Duration::from_secs(1);

/// The "Left" column of the resolution clock on the detail screen.
fn resolution_left(screen: &str) -> String {
    let line = screen.lines().find(|l| l.contains("○ resolution")).expect("resolution clock shown");
    line.split_whitespace().nth(4).unwrap_or_default().to_string()
}

/// alice's console on an empty site, the new-incident form open with its title typed.
fn new_incident_form(f: &Fixture, name: &str, title: &str) -> Tmux {
    let tmux = Tmux::start(name, f, "alice", &[], "");
    tmux.wait_for("No incidents", 5 * SECOND);
    tmux.press(&["N"]);
    tmux.wait_for("New incident", SECOND);
    tmux.type_text(title);
    tmux
}

#[test]
fn open_acknowledge_watch_the_countdown_resolve_and_report_in_the_console() {
    let f = Fixture::new();
    let tmux = new_incident_form(&f, "lifecycle", "Exchange node red at the FTE front-end");
    tmux.press(&["Tab", "Right", "Tab", "Tab", "Tab"]);
    tmux.type_text("frontend-1");
    tmux.press(&["C-s"]);
    // The timeline comes with the worker's next snapshot, a moment after the detail.
    let screen = tmux.wait_until_all(&["Timeline", "opened"], 2 * SECOND);
    assert!(screen.contains("Severity: serious"), "{screen}");

    tmux.press(&["a"]);
    let screen = tmux.wait_for("√ response", 2 * SECOND);
    assert!(screen.contains("Owner: alice"), "{screen}");

    let before = resolution_left(&screen);
    std::thread::sleep(Duration::from_millis(2100));
    let after = resolution_left(&tmux.screen());
    assert_ne!(before, after, "the countdown moves by itself");

    tmux.press(&["r"]);
    tmux.wait_for("Resolve", SECOND);
    tmux.type_text("FTE channel stopped after a network flap");
    tmux.press(&["Tab"]);
    tmux.type_text("Restarted the FTE channel; transfers resumed");
    tmux.press(&["C-s"]);
    // A write, a reload and a frame: seconds on a loaded two-core machine.
    tmux.wait_for("State: resolved", 5 * SECOND);

    tmux.press(&["R"]);
    tmux.wait_for("Fault report", SECOND);
    tmux.type_text("Data exchange stopped for 20 minutes");
    tmux.press(&["Tab", "Tab"]);
    tmux.type_text("Alert on FTE channel state");
    tmux.press(&["C-s"]);
    tmux.wait_for("State: reported", 5 * SECOND);

    // The requester's word on the phone: basically satisfied.
    tmux.press(&["U"]);
    tmux.wait_for("The requester's word", SECOND);
    tmux.type_text("Zhang (exchange office)");
    tmux.press(&["Tab", "Tab", "Right", "Right", "Tab"]);
    tmux.type_text("would like a call when it starts again");
    tmux.press(&["C-s"]);
    tmux.wait_for("requester confirmed", 5 * SECOND);

    let list: serde_json::Value =
        serde_json::from_str(&f.ok("alice", &["incident", "list", "--json"])).unwrap();
    let incident = &list[0];
    assert_eq!(incident["state"], "reported");
    let shown = f.show_json(incident["id"].as_str().unwrap());
    let word = &shown["confirmation"];
    assert_eq!(
        (word["by"].as_str(), word["how"].as_str()),
        (Some("Zhang (exchange office)"), Some("phone")),
        "{word}"
    );
    assert_eq!(
        (word["rating"].as_str(), word["recorded_by"].as_str()),
        (Some("basically_satisfied"), Some("alice"))
    );
    assert_eq!(incident["owner"], "alice");
    assert_eq!(incident["hosts"][0], "frontend-1");
    assert_eq!(incident["fault_report"]["cause"], "FTE channel stopped after a network flap");
    let log: serde_json::Value = serde_json::from_str(&f.ok("alice", &["audit", "log", "--json"])).unwrap();
    let origins: Vec<&str> = log.as_array().unwrap().iter().map(|e| e["origin"].as_str().unwrap()).collect();
    assert!(origins.iter().all(|o| o.starts_with("console ")), "{origins:?}");
    assert!(f.ok("alice", &["audit", "verify"]).starts_with("chain intact: 5 events"));
}

#[test]
fn a_second_console_sees_the_first_ones_change_within_a_second() {
    let f = Fixture::new();
    let id = f.open(&f.minutes_from_now(-5));
    let first = Tmux::start("first", &f, "alice", &[], "");
    let second = Tmux::start("second", &f, "bob", &[], "");
    first.wait_for(&id, 5 * SECOND);
    second.wait_for(&id, 5 * SECOND);
    assert!(second.screen().contains("open"));

    first.press(&["a"]);
    first.wait_for("acknowledged", SECOND);
    let seen = Instant::now();
    second.wait_for("acknowledged", SECOND);
    assert!(seen.elapsed() < SECOND);

    // Bob acts on what he saw before the change: refused, told who, and refreshed.
    second.press(&["Enter"]);
    second.wait_for("Owner: alice", SECOND);
    f.ok("alice", &["incident", "note", &id, "--text", "changed meanwhile"]);
    std::thread::sleep(Duration::from_millis(20));
    second.press(&["a"]);
    // Stale (his screen still showed version 2) or, if his console refreshed first,
    // refused by the rule: either way he is told who and when.
    let screen = second.wait_for("by alice at", 2 * SECOND);
    assert!(
        screen.contains("was changed by alice at") || screen.contains("already acknowledged by alice at")
    );
    assert!(screen.contains("Version: 3"), "refreshed after the refusal:\n{screen}");
}

#[test]
fn no_color_gives_the_monochrome_theme() {
    let f = Fixture::new();
    f.open(&f.minutes_from_now(-50));
    let tmux = Tmux::start("mono", &f, "alice", &[("NO_COLOR", "1")], "");
    tmux.wait_for("BREACHED", 5 * SECOND);
    let styled = tmux.tmux(&["capture-pane", "-p", "-e"]);
    let colours = ["\x1b[31m", "\x1b[91m", "\x1b[33m", "\x1b[36m", "\x1b[44m", "\x1b[41m", "38;5;", "48;5;"];
    for colour in colours {
        assert!(!styled.contains(colour), "colour {colour:?} under NO_COLOR");
    }
    assert!(styled.contains("\x1b[7m") || styled.contains(";7m"), "selection shown by reverse video");
    assert!(styled.contains("▶"), "and by a marker");
}

#[test]
fn a_bad_keymap_or_theme_stops_before_the_console_starts() {
    let f = Fixture::new();
    let keymap = f.dir.path().join("keymap.toml");
    std::fs::write(&keymap, "[list]\nkeymap = [\n  { on = \"a\", run = \"acknowledg\" },\n  { on = \"<Hyper-x>\", run = \"quit\" },\n]\n").unwrap();
    let out = f.run("alice", &["--keymap", keymap.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = common::stderr(&out);
    assert!(err.contains("keymap.toml:3:21: unknown action \"acknowledg\""), "{err}");
    assert!(err.contains("keymap.toml:4:10: bad key \"<Hyper-x>\""), "{err}");

    let theme = f.dir.path().join("theme.toml");
    std::fs::write(&theme, "[styles]\nbreached = { fg = \"LightB lue\" }\n").unwrap();
    let out = f.run("alice", &["--theme", theme.to_str().unwrap(), "config", "check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        common::stderr(&out).contains("theme.toml:2:19: unknown colour \"LightB lue\""),
        "{}",
        common::stderr(&out)
    );

    // The user's own files are picked up from $XDG_CONFIG_HOME/duty and checked too.
    std::fs::create_dir_all(f.dir.path().join("duty")).unwrap();
    std::fs::copy(&keymap, f.dir.path().join("duty/keymap.toml")).unwrap();
    let out = f.cmd("alice").env("XDG_CONFIG_HOME", f.dir.path()).args(["config", "check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", common::stderr(&out));
}

#[test]
fn a_data_exchange_run_with_a_critical_item_paused_until_a_lead_continues() {
    let f = Fixture::new();
    f.exchange_every_day();
    let tmux = Tmux::start("inspection", &f, "alice", &[], "");
    tmux.wait_for("No incidents", 5 * SECOND);
    tmux.press(&["3"]);
    tmux.wait_for("Today's inspections", SECOND);
    // Yesterday's occurrence (overdue) is first; today's is second.
    tmux.press(&["j", "s"]);
    tmux.wait_for("Items", 2 * SECOND);
    let list: serde_json::Value =
        serde_json::from_str(&f.ok("alice", &["checklist", "list", "--json"])).unwrap();
    let run = list[0]["run"].as_str().unwrap().to_string();
    assert_eq!(list[0]["state"], "in_progress");

    tmux.press(&["m"]);
    tmux.wait_for("Mark the item", SECOND);
    tmux.press(&["C-s"]);
    tmux.wait_for("1/4", 2 * SECOND);
    tmux.press(&["j", "m"]);
    tmux.wait_for("Mark the item", SECOND);
    tmux.press(&["Right", "Right", "Tab"]);
    tmux.type_text("node 3 red since 07:50");
    tmux.press(&["C-s"]);
    tmux.wait_for("paused until a lead decides", 2 * SECOND);
    tmux.press(&["j", "m"]);
    tmux.wait_for("a lead must decide", 2 * SECOND);

    // The lead decides from another terminal; the console sees it within a second.
    f.ok("lead", &["checklist", "decide", &run, "--continue", "--note", "vendor called, go on"]);
    tmux.wait_for("Tell the owner and the lead", 2 * SECOND);
    tmux.press(&["k", "t"]);
    std::thread::sleep(Duration::from_millis(300));
    for _ in 0..2 {
        tmux.press(&["j", "m"]);
        tmux.wait_for("Mark the item", SECOND);
        tmux.press(&["C-s"]);
        std::thread::sleep(Duration::from_millis(300));
    }
    tmux.press(&["S"]);
    tmux.wait_for("signed by alice", 2 * SECOND);

    let report = f.ok("alice", &["checklist", "report", "--run", &run]);
    for item in ["| nodes |", "| history |", "| channel |", "| frontend |"] {
        let line = report
            .lines()
            .find(|l| l.starts_with(item))
            .unwrap_or_else(|| panic!("{item} missing:\n{report}"));
        assert!(line.contains("alice"), "{line}");
    }
    assert!(report.contains("× critical") && report.contains("go on vendor called, go on"), "{report}");
}

#[test]
fn an_action_run_from_the_console_streams_output_and_is_audited() {
    let sshd = common::sshd::Sshd::start();
    let f = common::sshd::site_for(&sshd, &format!("{}\n", sshd.keyscan()));
    let tmux = Tmux::start("ssh", &f, "alice", &[], "");
    tmux.wait_for("No incidents", 5 * SECOND);
    tmux.press(&["4"]);
    tmux.wait_for("Hosts / groups", SECOND);
    // frontend-1 is the eighth host; "hello" the first action.
    for _ in 0..7 {
        tmux.press(&["Down"]);
    }
    tmux.press(&["Right", "Enter"]);
    tmux.wait_for("hello from frontend-1", 5 * SECOND);
    // stdout and stderr arrive on their own streams: wait for the end, then both show.
    let screen = tmux.wait_for("exit 0", 5 * SECOND);
    assert!(
        screen.contains("hello from frontend-1") && screen.contains("warn"),
        "stderr shown too:\n{screen}"
    );
    let history: serde_json::Value =
        serde_json::from_str(&f.ok("alice", &["ssh", "history", "--json"])).unwrap();
    assert_eq!(history[0]["operator"], "alice");
    assert_eq!(history[0]["run"]["host"], "frontend-1");
    assert_eq!(history[0]["run"]["ending"], "exit 0");
    let log: serde_json::Value = serde_json::from_str(&f.ok("alice", &["audit", "log", "--json"])).unwrap();
    let run = log.as_array().unwrap().iter().find(|e| e["kind"] == "ssh.run").unwrap();
    assert!(run["origin"].as_str().unwrap().starts_with("console "));
}

#[test]
fn a_shell_on_a_host_suspends_the_console_and_is_recorded() {
    let sshd = common::sshd::Sshd::start();
    let f = common::sshd::site_for(&sshd, &format!("{}\n", sshd.keyscan()));
    let tmux = Tmux::start("shell", &f, "alice", &[], "");
    tmux.wait_for("No incidents", 5 * SECOND);
    tmux.press(&["4"]);
    tmux.wait_for("Hosts / groups", SECOND);
    for _ in 0..7 {
        tmux.press(&["Down"]);
    }
    tmux.press(&["s"]);
    std::thread::sleep(Duration::from_millis(1500));
    tmux.type_text("echo inside-the-$((40+2))-shell");
    tmux.press(&["Enter"]);
    tmux.wait_for("inside-the-42-shell", 5 * SECOND);
    tmux.type_text("exit");
    tmux.press(&["Enter"]);
    tmux.wait_for("shell ended", 5 * SECOND);
    tmux.wait_for("Hosts / groups", SECOND);
    let log: serde_json::Value = serde_json::from_str(&f.ok("alice", &["audit", "log", "--json"])).unwrap();
    let kinds: Vec<&str> = log.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"ssh.shell_started") && kinds.contains(&"ssh.shell_ended"), "{kinds:?}");
    let ended = log.as_array().unwrap().iter().find(|e| e["kind"] == "ssh.shell_ended").unwrap();
    assert!(ended["payload"].to_string().contains("exit 0"), "{ended}");
}

#[test]
fn a_whole_handover_between_two_operators_with_an_incident_passed_on() {
    let f = Fixture::new();
    // alice and bob are on both shifts, so the test holds at any time of day.
    let path = f.site.join("site.toml");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("on_duty = [\"root\"]", "on_duty = [\"alice\", \"bob\"]");
    std::fs::write(&path, text).unwrap();
    let id = f.open(&f.minutes_from_now(0));
    f.ok("alice", &["incident", "ack", &id]);
    f.ok("alice", &["log", "note", "UPS battery module replaced by the vendor"]);

    let outgoing = Tmux::start("handover-out", &f, "alice", &[], "");
    outgoing.wait_for("Incidents", 5 * SECOND);
    outgoing.press(&["5"]);
    outgoing.wait_for("On duty: alice, bob", 2 * SECOND);
    outgoing.press(&["H"]);
    let screen = outgoing.wait_for("Step 1/7", 2 * SECOND);
    assert!(screen.contains(&id) && screen.contains("owner: alice"), "{screen}");
    // Finishing with the incident unseen is refused.
    outgoing.press(&["Enter"]);
    outgoing.wait_for("not yet acknowledged or noted", 2 * SECOND);
    // The incident is marked to pass on; that marks it seen. It changes hands only at
    // the incoming signature.
    outgoing.press(&["o"]);
    outgoing.wait_for("passes to the incoming engineer at signing", 2 * SECOND);
    outgoing.press(&["Enter"]);
    for step in 2..=6 {
        outgoing.wait_for(&format!("Step {step}/7"), 2 * SECOND);
        // Acknowledge every item (extra presses stay on the last one).
        outgoing.type_text(&"a".repeat(40));
        outgoing.press(&["Enter"]);
    }
    outgoing.wait_for("Step 7/7", 2 * SECOND);
    outgoing.press(&["n"]);
    outgoing.wait_for("Notes for the next shift", 2 * SECOND);
    outgoing.type_text("Vendor calls back at 09:00 about the UPS");
    outgoing.press(&["C-s"]);
    outgoing.wait_for("Vendor calls back", 2 * SECOND);
    outgoing.press(&["Enter"]);
    outgoing.wait_for("All steps done", 2 * SECOND);
    // The signature asks first, with what it hands over.
    outgoing.press(&["s"]);
    outgoing.wait_for("you pass on 1 incident(s)", 2 * SECOND);
    outgoing.press(&["s"]);
    outgoing.wait_for("awaiting the incoming signature", 2 * SECOND);
    assert_eq!(f.show_json(&id)["owner"], "alice", "nothing changes hands before the incoming signature");
    // alice cannot sign for the incoming side too, even after reading every step.
    for _ in 0..7 {
        outgoing.press(&["Enter"]);
    }
    outgoing.press(&["s"]);
    outgoing.wait_for("must be someone else", 2 * SECOND);

    // bob signs from his own console with his own login; alice's console sees it.
    let incoming = Tmux::start("handover-in", &f, "bob", &[], "");
    incoming.wait_for("Incidents", 5 * SECOND);
    incoming.press(&["5"]);
    incoming.wait_for("awaiting the incoming signature", 2 * SECOND);
    incoming.press(&["H"]);
    // bob reads every step as alice recorded it before he may sign.
    let screen = incoming.wait_for("Step 1/7", 2 * SECOND);
    assert!(screen.contains(&id) && screen.contains("passes to the incoming engineer"), "{screen}");
    incoming.press(&["s"]);
    incoming.wait_for("read all seven steps first", 2 * SECOND);
    for step in 2..=7 {
        incoming.press(&["Enter"]);
        incoming.wait_for(&format!("Step {step}/7"), 2 * SECOND);
    }
    incoming.wait_for("Vendor calls back at 09:00", 2 * SECOND);
    incoming.press(&["s"]);
    incoming.wait_for("you take over 1 incident(s)", 2 * SECOND);
    incoming.press(&["s"]);
    // Done once the signature is committed: the message names the signature.
    incoming.wait_for("handover signed — done", 2 * SECOND);
    outgoing.press(&["Escape"]);
    outgoing.wait_for("Shift handover:", 2 * SECOND);
    let screen = outgoing.wait_for("done", 2 * SECOND);
    assert!(screen.contains("Shift handover"), "{screen}");

    // The audit log proves who signed, and the incident is bob's now.
    let log = f.ok("lead", &["audit", "log"]);
    let signed: Vec<&str> = log.lines().filter(|l| l.contains(r#"{"side":"#)).collect();
    assert_eq!(signed.len(), 2, "{log}");
    assert!(signed[0].contains(" alice ") && signed[0].contains("outgoing"), "{signed:?}");
    assert!(signed[1].contains(" bob ") && signed[1].contains("incoming"), "{signed:?}");
    assert_eq!(f.show_json(&id)["owner"], "bob");
    let report = f.ok("lead", &["report", "handover"]);
    assert!(report.contains("| alice ") && report.contains(" bob "), "{report}");
    assert!(report.contains("Vendor calls back at 09:00"), "{report}");
}

/// Quitting the demo says that its record and reports went with it, and they did.
#[test]
fn quitting_the_demo_says_its_store_goes_with_it() {
    let f = common::Fixture::new();
    let console = common::tmux::Tmux::start(
        "demo-quit",
        &f,
        "alice",
        &[("TMPDIR", f.dir.path().to_str().unwrap())],
        "demo --lang en",
    );
    console.wait_for("Incident queue", std::time::Duration::from_secs(20));
    let demo_dirs = || {
        std::fs::read_dir(f.dir.path())
            .unwrap()
            .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with("duty-demo-"))
            .count()
    };
    assert_eq!(demo_dirs(), 1, "the demo keeps its store in a folder of its own");
    console.press(&["q"]);
    let screen = console.wait_for("went with it", std::time::Duration::from_secs(10));
    assert!(screen.contains("duty demo --dir FOLDER keeps them"), "{screen}");
    assert_eq!(demo_dirs(), 0, "and it is gone");
}

/// A report time typed far back is taken only once its effect is shown, and a wrong
/// one is corrected afterwards by an event that moves the clock back.
#[test]
fn a_backdated_report_time_asks_first_and_a_correction_moves_the_clock() {
    let f = Fixture::new();
    let tmux = new_incident_form(&f, "backdate", "Core switch port flapping");
    tmux.press(&["Tab", "Tab", "Tab", "Tab", "Tab"]);
    // 10:00 now: 15:00 is ahead of now, refused; yesterday 23:59 is ten hours back.
    tmux.type_text("15:00");
    tmux.press(&["C-s"]);
    tmux.wait_for("is ahead of now", 2 * SECOND);
    tmux.press(&["BSpace", "BSpace", "BSpace", "BSpace", "BSpace"]);
    tmux.type_text("yesterday 23:59");
    tmux.press(&["C-s"]);
    let asked = tmux.wait_for("Ctrl-S again", 2 * SECOND);
    assert!(asked.contains("10h01m back") && asked.contains("counts"), "{asked}");
    let incidents: serde_json::Value =
        serde_json::from_str(&f.ok("alice", &["incident", "list", "--json"])).unwrap();
    assert_eq!(incidents.as_array().unwrap().len(), 0, "nothing recorded before the confirmation");
    tmux.press(&["C-s"]);
    let screen = tmux.wait_until_all(&["Timeline", "opened"], 2 * SECOND);
    assert!(screen.contains("▲ response"), "the response clock is breached: {screen}");
    let id = f.ok("alice", &["incident", "list", "--json"]);
    let id: serde_json::Value = serde_json::from_str(&id).unwrap();
    let id = id[0]["id"].as_str().unwrap().to_string();

    // It was 09:50 really: the reporter corrects it, and the clock runs again.
    tmux.press(&["E"]);
    tmux.wait_for("Correct the record", SECOND);
    tmux.press(&["Tab"]);
    tmux.type_text("09:50");
    tmux.press(&["Tab"]);
    tmux.type_text("typed yesterday by mistake");
    tmux.press(&["C-s"]);
    let screen = tmux.wait_for("corrected", 2 * SECOND);
    assert!(screen.contains("! response") || screen.contains("○ response"), "{screen}");
    assert!(!screen.contains("▲ response"), "{screen}");
    let contract: serde_json::Value = serde_json::from_str(&f.ok("alice", &["contract", "--json"])).unwrap();
    assert_eq!(contract["late_responses"], 0, "{id}: the contract follows the correction");
}

/// An inspection item bound to a failing check opens on the check's verdict, and the
/// banner puts a breached security report before anything else.
#[test]
fn an_item_opens_on_its_checks_verdict_and_the_banner_leads_with_the_security_report() {
    let f = Fixture::new();
    f.exchange_every_day();
    // frontend-1's FTE port answers nothing: its check is critical.
    f.fte_check_on_a_closed_port();
    let sheet = f.site.join("checklists/exchange.toml");
    let text = std::fs::read_to_string(&sheet).unwrap().replace(
        "id = \"frontend\"\ntitle = \"前置机\"",
        "id = \"frontend\"\ntitle = \"前置机\"\ncheck = \"frontend-1/fte\"",
    );
    std::fs::write(&sheet, text).unwrap();
    let sla = f.site.join("sla.toml");
    let text = std::fs::read_to_string(&sla)
        .unwrap()
        .replace("[security_report]\nenabled = false", "[security_report]\nenabled = true");
    std::fs::write(&sla, text).unwrap();
    // An attack reported 20 minutes ago: its five-minute report is long breached.
    f.ok(
        "alice",
        &[
            "incident",
            "open",
            "--title",
            "port scan from the internet",
            "--severity",
            "serious",
            "--class",
            "attack",
            "--reported-at",
            &f.minutes_from_now(-20),
        ],
    );
    let tmux = Tmux::start("verdict", &f, "alice", &[], "");
    let screen = tmux.wait_for("security report", 5 * SECOND);
    let banner = screen.lines().nth(1).unwrap_or_default();
    assert!(banner.contains("▲") && banner.contains("security report"), "the banner leads with it: {screen}");

    tmux.press(&["3"]);
    tmux.wait_for("Today's inspections", SECOND);
    tmux.press(&["s"]);
    tmux.wait_for("Items", 2 * SECOND);
    for _ in 0..3 {
        tmux.press(&["j"]);
    }
    // The front-end item's evidence: the engine's verdict on the FTE port.
    tmux.wait_for("frontend-1/fte: × critical", 10 * SECOND);
    tmux.press(&["m"]);
    let form = tmux.wait_for("Mark the item", SECOND);
    assert!(form.contains("[× critical]"), "pre-set to the check's verdict: {form}");
    // Claiming normal against it, with nothing said, is refused on the form.
    tmux.press(&["Right"]);
    tmux.press(&["C-s"]);
    tmux.wait_for("its check says × critical", 2 * SECOND);
}

/// Help follows the focused screen and scrolls; `:open 4` opens today's 004.
#[test]
fn help_follows_the_screen_and_open_takes_a_number() {
    let f = Fixture::new();
    for _ in 0..4 {
        f.open(&f.minutes_from_now(0));
    }
    let tmux = Tmux::start("help", &f, "alice", &[], "");
    tmux.wait_for("-004", 5 * SECOND);
    for (tab, heading) in
        [("3", "▶ Inspections"), ("4", "▶ Actions (SSH)"), ("5", "▶ Duty log"), ("2", "▶ Incident queue")]
    {
        tmux.press(&[tab, "?"]);
        tmux.wait_for(heading, SECOND);
        tmux.press(&["End"]);
        tmux.wait_for(":open :o", SECOND);
        tmux.wait_gone(heading, SECOND);
        tmux.press(&["q"]);
        tmux.wait_gone(":open :o", SECOND);
    }
    tmux.press(&[":"]);
    tmux.type_text("open 4");
    tmux.press(&["Enter"]);
    let screen = tmux.wait_for("Timeline", 2 * SECOND);
    assert!(screen.contains("-004"), "{screen}");
}

/// The engine indicator names the holder for three minutes on end, never "no engine".
#[test]
fn the_engine_indicator_holds_steady_for_three_minutes() {
    let f = Fixture::on_the_system_clock();
    f.fte_check_on_a_closed_port();
    let engine = Tmux::start_command(
        "engine-steady-e",
        &f,
        "alice",
        &format!("{} engine", env!("CARGO_BIN_EXE_duty")),
    );
    let console = Tmux::start("engine-steady", &f, "alice", &[], "");
    // The overview board names the holder under the machines.
    console.wait_for("No incidents", 10 * SECOND);
    console.press(&["1"]);
    console.wait_for("engine: ", 10 * SECOND);
    let start = Instant::now();
    let mut looks = 0;
    while start.elapsed() < Duration::from_secs(180) {
        let screen = console.screen();
        assert!(
            screen.contains("engine: ") && !screen.contains("no engine"),
            "after {:?}: {screen}",
            start.elapsed()
        );
        looks += 1;
        std::thread::sleep(Duration::from_millis(500));
    }
    assert!(looks > 300);
    drop(engine);
}

/// Last week's fix for the same fault on the same machine is on the detail screen of
/// the new incident, and in `incident show`.
#[test]
fn the_seen_before_panel_offers_last_weeks_fix_for_the_same_fault() {
    let f = Fixture::new();
    let old = f.open(&f.minutes_from_now(-6 * 24 * 60));
    f.ok("alice", &["incident", "ack", &old, "--at", &f.minutes_from_now(-6 * 24 * 60 + 5)]);
    let resolve = [
        "incident",
        "resolve",
        &old,
        "--cause",
        "archive log disk full",
        "--solution",
        "cleaned the archive logs",
        "--at",
    ];
    f.ok("alice", &[&resolve[..], &[f.minutes_from_now(-6 * 24 * 60 + 50).as_str()]].concat());
    let unrelated = f.ok(
        "alice",
        &["incident", "open", "--title", "前置机交换中断", "--severity", "ordinary", "--host", "frontend-1"],
    );
    let new = f.open(&f.minutes_from_now(-2));
    let shown: serde_json::Value =
        serde_json::from_str(&f.ok("alice", &["incident", "show", &new, "--json"])).unwrap();
    let seen = shown["seen_before"].as_array().expect("offered");
    assert_eq!(seen.len(), 1, "{shown}");
    assert_eq!(seen[0]["id"], old.as_str());
    assert_eq!(seen[0]["solution"], "cleaned the archive logs");
    assert!(!shown.to_string().contains(unrelated.trim()), "nothing unrelated is offered");

    let tmux = Tmux::start("seen", &f, "alice", &[], "--lang en");
    tmux.wait_for(&new, 5 * SECOND);
    tmux.type_text(":open ");
    tmux.type_text(new.rsplit('-').next().unwrap());
    tmux.press(&["Enter"]);
    let screen = tmux.wait_for("Seen before, and what fixed it", 5 * SECOND);
    assert!(
        screen.contains(&old)
            && screen.contains("cleaned the archive logs")
            && screen.contains("same host central-db"),
        "{screen}"
    );
}

#[test]
fn an_emergency_plan_started_from_an_incident_rings_for_its_late_step_until_it_is_done() {
    let mut f = Fixture::new();
    let id = f.open_network_failure();
    let number = id.rsplit('-').next().unwrap().to_string();
    let open_it = |tmux: &Tmux| {
        tmux.wait_for(&id, 5 * SECOND);
        tmux.type_text(":open ");
        tmux.type_text(&number);
        tmux.press(&["Enter"]);
        tmux.wait_for("Timeline", 5 * SECOND);
    };
    let tmux = Tmux::start("plan", &f, "alice", &[], "--lang en");
    open_it(&tmux);
    // One key: the plan that fits the incident is offered first.
    tmux.press(&["G"]);
    let screen = tmux.wait_for("Start an emergency plan", SECOND);
    assert!(screen.contains("网络故障应急预案 (network)"), "{screen}");
    tmux.press(&["C-s"]);
    let screen =
        tmux.wait_until_all(&["Emergency plan: 网络故障应急预案", "emergency plan started"], 5 * SECOND);
    assert!(screen.contains("2. ○ 报告网络安全领导小组 [duty] within 5 min"), "{screen}");
    tmux.press(&["g"]);
    tmux.wait_for("A step of the plan", SECOND);
    tmux.press(&["C-s"]);
    tmux.wait_for("1. √ 确认故障范围", 5 * SECOND);
    drop(tmux);

    // Twelve minutes later the five-minute report is late: it rings until it is done.
    f.clock = duty::clock::Clock::starting_at(f.now() + chrono::Duration::minutes(12));
    let tmux = Tmux::start("plan-late", &f, "alice", &[], "--lang en");
    open_it(&tmux);
    let screen = tmux.wait_for(&format!("{id} plan step 2 报告网络安全领导小组"), 5 * SECOND);
    assert!(screen.contains("▲ BREACHED"), "{screen}");
    assert!(screen.contains("2. ▲ 报告网络安全领导小组"), "{screen}");
    tmux.press(&["g"]);
    tmux.wait_for("A step of the plan", SECOND);
    tmux.press(&["C-s"]);
    tmux.wait_for("2. × 报告网络安全领导小组", 5 * SECOND);
    tmux.wait_gone(&format!("{id} plan step 2"), 5 * SECOND);
    let shown = f.show_json(&id);
    assert_eq!(shown["plans"][0]["steps"][1]["outcome"]["by"], "alice");
}

#[test]
fn a_change_approved_in_the_console_for_tonight_opens_its_window_and_takes_the_incident_in_it() {
    let mut f = Fixture::new();
    let id = f
        .ok(
            "alice",
            &[
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
                "回退补丁",
                "--from",
                "2026-11-25T22:00:00+08:00",
                "--until",
                "2026-11-26T01:00:00+08:00",
            ],
        )
        .trim()
        .to_string();
    let tmux = Tmux::start("change", &f, "lead", &[], "--lang en");
    tmux.wait_for("No incidents", 5 * SECOND);
    tmux.press(&["1"]);
    let screen =
        tmux.wait_for(&format!("Changes: {id} requested 11-25 22:00–11-26 01:00 central-db"), 5 * SECOND);
    assert!(screen.contains("数据库补丁升级"), "{screen}");
    tmux.type_text(&format!(":approve {id}"));
    tmux.press(&["Enter"]);
    tmux.wait_for(&format!("Changes: {id} approved"), 5 * SECOND);
    drop(tmux);
    let windows: serde_json::Value =
        serde_json::from_str(&f.ok("alice", &["maintenance", "list", "--json"])).unwrap();
    assert_eq!(windows[0]["reason"], format!("{id} 数据库补丁升级"), "{windows}");

    // Tonight, inside the window, the database stops answering.
    f.clock = duty::clock::Clock::starting_at(common::instant("2026-11-25T22:30:00+08:00"));
    let incident = f.open(&f.minutes_from_now(-1));
    let tmux = Tmux::start("change-night", &f, "alice", &[], "--lang en");
    tmux.wait_for(&incident, 5 * SECOND);
    tmux.press(&["1"]);
    tmux.wait_for(&format!("Changes: {id} approved 11-25 22:00–11-26 01:00 central-db"), 5 * SECOND);
    tmux.type_text(":open ");
    tmux.type_text(incident.rsplit('-').next().unwrap());
    tmux.press(&["Enter"]);
    tmux.wait_for(&format!("⚒ during change {id} 数据库补丁升级"), 5 * SECOND);
    let shown: serde_json::Value =
        serde_json::from_str(&f.ok("alice", &["change", "show", &id, "--json"])).unwrap();
    assert_eq!(shown["incidents"], serde_json::json!([incident]));
}

#[test]
fn the_knowledge_tab_finds_last_months_fix_as_one_types() {
    let f = Fixture::new();
    let old = f.open(&f.minutes_from_now(-6 * 24 * 60));
    f.ok("alice", &["incident", "ack", &old, "--at", &f.minutes_from_now(-6 * 24 * 60 + 5)]);
    let resolve = [
        "incident",
        "resolve",
        &old,
        "--cause",
        "监听日志写满",
        "--solution",
        "清理 listener.log 后重启监听",
        "--at",
    ];
    f.ok("alice", &[&resolve[..], &[f.minutes_from_now(-6 * 24 * 60 + 50).as_str()]].concat());
    f.ok("bob", &["kb", "write", "--title", "交换机端口闪断", "--body", "检查光模块并更换"]);
    let tmux = Tmux::start("kb", &f, "alice", &[], "--lang en");
    tmux.wait_for("Incidents", 5 * SECOND);
    tmux.press(&["6"]);
    tmux.wait_for("search the knowledge base: Chinese or English", 2 * SECOND);
    tmux.press(&["/"]);
    tmux.type_text("监听");
    let screen = tmux.wait_for("Knowledge “监听” (1)", 5 * SECOND);
    assert!(screen.contains(&old) && screen.contains("清理 listener.log 后重启监听"), "{screen}");
    assert!(!screen.contains("KB-1"), "{screen}");
    tmux.press(&["Enter"]);
    tmux.press(&["Enter"]);
    let screen = tmux.wait_for("from incident", 2 * SECOND);
    assert!(screen.contains("监听日志写满"), "{screen}");
    // x closes the entry (Esc too, but tmux holds an Esc back to see if a key follows).
    tmux.press(&["x"]);
    tmux.wait_for("Knowledge “监听” (1)", 2 * SECOND);
    tmux.press(&["/"]);
    tmux.press(&["BSpace", "BSpace"]);
    tmux.type_text("光模块");
    tmux.wait_for("Knowledge “光模块” (1)", 5 * SECOND);
    tmux.wait_for("KB-1", SECOND);
}

#[test]
fn a_problem_shows_its_workaround_on_its_incident_and_the_overview_reminds_of_the_review() {
    let f = Fixture::new();
    let id = f.open(&f.minutes_from_now(-30));
    f.ok("alice", &["incident", "ack", &id]);
    f.ok("alice", &["incident", "problem", &id, "--note", "每次重启实例暂时恢复"]);
    let tmux = Tmux::start("problem", &f, "alice", &[], "--lang en");
    tmux.wait_for(&id, 5 * SECOND);
    tmux.type_text(":open ");
    tmux.type_text(id.rsplit('-').next().unwrap());
    tmux.press(&["Enter"]);
    tmux.wait_for("problem PRB-1 (open): 每次重启实例暂时恢复", 5 * SECOND);
    tmux.press(&["1"]);
    tmux.wait_for("Problems not closed: 1  the problem review of 2026-11 awaits a lead", 5 * SECOND);
    f.ok("lead", &["problem", "review"]);
    tmux.wait_gone("awaits a lead", 5 * SECOND);
}
