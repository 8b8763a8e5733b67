//! End-to-end tests of the real `shopkeep` binary: replay on the shipped
//! example and config, replay twice on one store, audit, check on bad
//! configs, and malformed transcript lines.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn shopkeep(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shopkeep"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the shopkeep binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The shipped config with `edits` applied (each `(from, to)` must occur in
/// it) and its templates folder made absolute, written as `dir/name`.
fn edited_config(dir: &Path, name: &str, edits: &[(&str, &str)]) -> PathBuf {
    let mut text = std::fs::read_to_string(root().join("config/shopkeep.toml")).unwrap();
    let templates = format!("dir = \"{}\"", root().join("templates").display());
    for (from, to) in edits
        .iter()
        .chain([("dir = \"../templates\"", templates.as_str())].iter())
    {
        assert!(text.contains(from), "the shipped config has `{from}`");
        text = text.replace(from, to);
    }
    let file = dir.join(name);
    std::fs::write(&file, text).unwrap();
    file
}

/// The shipped config switched to live mode (it ships in shadow), in a
/// folder of its own, with the shipped templates.
fn live_config() -> PathBuf {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    let dir = DIR.get_or_init(|| tempfile::tempdir().unwrap());
    edited_config(
        dir.path(),
        "shopkeep.toml",
        &[("mode = \"shadow\"", "mode = \"live\"")],
    )
}

/// Replay as JSON in live mode; one object per message, keyed by message id.
fn replay_json(file: &Path, db: &str) -> HashMap<String, Value> {
    let config = live_config();
    let o = shopkeep(&[
        "replay",
        file.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
        "--db",
        db,
        "--json",
    ]);
    assert!(o.status.success(), "replay failed: {}", stderr(&o));
    stdout(&o)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("each line is JSON"))
        .map(|v| (v["message_id"].as_str().unwrap().to_string(), v))
        .collect()
}

fn example() -> PathBuf {
    root().join("examples/community.jsonl")
}

#[test]
fn replay_of_the_example_answers_asks_and_stays_silent_with_reasons() {
    let out = replay_json(&example(), ":memory:");
    assert_eq!(out.len(), 68);
    for v in out.values() {
        for key in [
            "message_id",
            "verdict",
            "score",
            "action",
            "reply",
            "reason",
        ] {
            assert!(v.get(key).is_some(), "{key} missing in {v}");
        }
    }
    let action = |id: &str| out[id]["action"].as_str().unwrap().to_string();
    let code = |id: &str| out[id]["reason_code"].as_str().unwrap().to_string();

    // A clear request to buy and the multi-brand pitch.
    for id in ["m03", "m05"] {
        assert_eq!(action(id), "reply", "{id}: {}", out[id]);
        assert!(
            out[id]["reply"].as_str().unwrap().contains("Oak & Thistle"),
            "{id} discloses the brand"
        );
    }
    assert_eq!(out["m05"]["template"], "multi_brand");
    // "where's the best deal on an oak table? mine finally gave up after 15
    // years": the learned layer reads the second sentence like an owner's
    // complaint and the encoder is unsure, so it stays unanswered (review
    // band): a known miss, the cost of favouring precision
    // (docs/detector.md).
    assert_eq!(action("m08"), "none", "{}", out["m08"]);
    assert_eq!(out["m08"]["verdict"], "not");
    assert!(
        out["m08"]["cues"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "model.encoder"),
        "the encoder's view is part of the explanation: {}",
        out["m08"]
    );
    // Silences with their reasons.
    assert_eq!(
        code("m06"),
        "not_a_solicitation",
        "complaint mentioning buying"
    );
    assert_eq!(code("m07"), "not_a_solicitation", "already bought");
    assert_eq!(code("m12"), "not_a_solicitation", "joke");
    assert_eq!(
        code("m10"),
        "not_a_solicitation",
        "not looking, just browsing"
    );
    assert_eq!(code("m09"), "author_is_bot");
    assert_eq!(code("m01"), "author_is_staff");
    assert_eq!(code("m14"), "channel_not_watched");
    // The same person asking again minutes later is held back by the cooldown.
    assert_eq!(code("m11"), "user_cooldown");
    assert_eq!(action("m11"), "none");
    // The #deals rush: never more than the channel quota of 6. The
    // two-stage detector leaves the terse ones ("is the extending oak table
    // in the sale too?", "anyone got a discount code …?") in the review
    // band, so in this transcript the quota is not what stops them; the
    // quota holding asks back is pinned in the limits and e2e tests.
    let deals_replies = ["m18", "m19", "m21", "m22", "m23", "m24", "m25", "m26"]
        .iter()
        .filter(|id| action(id) == "reply")
        .count();
    assert!(
        (1..=6).contains(&deals_replies),
        "{deals_replies} replies in #deals"
    );
    assert_eq!(code("m24"), "review_band", "{}", out["m24"]);
    // Opt-out, then silence, then opt-in.
    assert_eq!(code("m28"), "opt_out");
    assert_eq!(action("m28"), "reply");
    assert_eq!(code("m47"), "opted_out");
    assert_eq!(code("m67"), "opt_in");
    // A DM opens a ticket; the customer is left to staff afterwards, in public too.
    assert_eq!(action("m31"), "handoff");
    assert!(
        out["m31"]["reply"].is_string(),
        "the DM gets one acknowledgement"
    );
    assert_eq!(action("m32"), "handoff");
    assert!(out["m32"]["reply"].is_null(), "no second acknowledgement");
    assert_eq!(code("m42"), "ticket_open");
    // Asking for a person goes to staff. The bespoke quote (m20) would go to
    // staff as a hand-off-only category if it were recognised as an ask;
    // the encoder reads "who do I ask for a quote?" as unsure, so it lands
    // in the review band: a known miss (docs/detector.md), and the category
    // hand-off itself is pinned in core::decide's tests.
    assert_eq!(action("m17"), "handoff");
    assert_eq!(code("m20"), "review_band", "{}", out["m20"]);
}

#[test]
fn the_readable_replay_shows_replies_silences_and_a_summary() {
    let config = live_config();
    let o = shopkeep(&[
        "replay",
        example().to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("→ reply [multi_brand#"), "{text}");
    assert!(text.contains("· silent: held back: already answered this user (cooldown)"));
    assert!(text.contains("⇄ hand-off to staff: direct message to the bot"));
    assert!(text.contains("Summary"));
    assert!(text.contains("held back"));
    // The learned layer's cues name the words that counted.
    assert!(text.contains("lex.word["), "{text}");
    assert!(text.contains("lex.pair["), "{text}");
}

#[test]
fn replay_json_gives_each_cue_with_its_weight_and_words() {
    let out = replay_json(&example(), ":memory:");
    let details = out["m03"]["cue_details"].as_array().expect("cue_details");
    let ids: Vec<&str> = details.iter().map(|c| c["id"].as_str().unwrap()).collect();
    let listed: Vec<&str> = out["m03"]["cues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(ids, listed, "the same cues, in the same order");
    for c in details {
        assert!(c["weight"].as_f64().is_some(), "{c}");
        if c["id"] == "lex.word" || c["id"] == "lex.pair" {
            assert!(!c["matched"].as_str().unwrap().is_empty(), "{c}");
        }
    }
    assert!(ids.contains(&"lex.word"), "{ids:?}");
}

#[test]
fn replay_without_db_never_touches_the_live_store() {
    // A brand replays last week's export next to the running bot: the
    // replayed tickets and cooldowns must not land in the bot's store,
    // where they would silence real customers.
    let dir = tempfile::tempdir().unwrap();
    let live_store = dir.path().join("live.db");
    let store_line = format!("path = \"{}\"", live_store.display());
    let config = edited_config(
        dir.path(),
        "shopkeep.toml",
        &[
            ("mode = \"shadow\"", "mode = \"live\""),
            ("path = \"shopkeep.db\"", &store_line),
        ],
    );

    let o = shopkeep(&[
        "replay",
        example().to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o)
            .lines()
            .any(|l| l.contains("\"action\":\"reply\"")),
        "the replay still decides and answers"
    );
    assert!(
        stderr(&o).contains("throwaway in-memory store"),
        "{}",
        stderr(&o)
    );
    assert!(
        !live_store.exists(),
        "replay created or wrote the live store"
    );

    // Twice in a row: each run starts fresh, so the second answers the
    // same messages instead of finding them already answered.
    let again = shopkeep(&[
        "replay",
        example().to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(stdout(&again), stdout(&o));
}

#[test]
fn replaying_twice_on_one_store_never_replies_twice_and_audit_lists_every_reply() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shopkeep.db");
    let db = db.to_str().unwrap();
    let first = replay_json(&example(), db);
    let replied: Vec<&String> = first
        .keys()
        .filter(|id| first[*id]["action"] == "reply")
        .collect();
    assert!(!replied.is_empty());
    let second = replay_json(&example(), db);
    for id in &replied {
        assert_eq!(second[*id]["action"], "none", "{id} answered twice");
        assert_eq!(second[*id]["reason_code"], "already_answered_message");
    }

    let o = shopkeep(&["audit", "--db", db, "--csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = stdout(&o);
    assert!(csv.starts_with("id,decided_at,source,mode,message_id"));
    for id in &replied {
        let row = csv
            .lines()
            .find(|l| l.contains(&format!(",{id},")))
            .unwrap_or_else(|| panic!("{id} not audited"));
        assert!(row.contains("replayed"), "{row}");
    }
    assert!(csv
        .lines()
        .any(|l| l.contains(",m11,") && l.contains("user_cooldown")));
}

#[test]
fn a_malformed_transcript_line_is_reported_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.jsonl");
    std::fs::write(
        &file,
        "{\"id\":\"a\",\"at\":\"2026-11-23T09:00:00Z\",\"author\":{\"id\":\"u1\",\"name\":\"x\"},\"channel\":\"general\",\"content\":\"hi all\"}\n\
         {broken\n\
         {\"id\":\"b\",\"at\":\"2026-11-23T09:01:00Z\",\"author\":{\"id\":\"u2\",\"name\":\"y\"},\"channel\":\"general\",\"content\":\"where can I buy an oak dining table?\"}\n",
    )
    .unwrap();
    let o = shopkeep(&[
        "replay",
        file.to_str().unwrap(),
        "--db",
        ":memory:",
        "--json",
    ]);
    assert!(o.status.success());
    assert!(stderr(&o).contains("t.jsonl:2: skipped"), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 2);
}

#[test]
fn check_passes_on_the_shipped_config_and_names_the_problem_in_a_bad_one() {
    let o = shopkeep(&["check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("mode: shadow"), "{}", stdout(&o));

    let dir = tempfile::tempdir().unwrap();
    let bad = edited_config(
        dir.path(),
        "bad.toml",
        &[("per_channel = 6", "per_channel = 0")],
    );
    let o = shopkeep(&["check", "--config", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("bad.toml:")
            && err.contains("`limits.per_channel`: must be a whole number of at least 1"),
        "{err}"
    );

    // A catalogue entry is named by its id, not by its position.
    let bad = edited_config(
        dir.path(),
        "bad-link.toml",
        &[(
            "link = \"https://oakandthistle.example/chairs\"",
            "link = \"oakandthistle.example/chairs\"",
        )],
    );
    let o = shopkeep(&["check", "--config", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("bad-link.toml:") && err.contains("`catalogue[id=\"chairs\"].link`"),
        "{err}"
    );
}

#[test]
fn a_readable_replay_with_nothing_held_back_says_zero_and_nothing_more() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.jsonl");
    std::fs::write(
        &file,
        "{\"id\":\"a\",\"at\":\"2026-11-23T09:00:00Z\",\"author\":{\"id\":\"u1\",\"name\":\"x\"},\"channel\":\"general\",\"content\":\"hi all\"}\n",
    )
    .unwrap();
    let o = shopkeep(&["replay", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let held = text
        .lines()
        .find(|l| l.trim_start().starts_with("held back"))
        .unwrap_or_else(|| panic!("{text}"));
    assert_eq!(
        held.split_whitespace().collect::<Vec<_>>(),
        ["held", "back", "0"]
    );
}

#[test]
fn audit_into_a_reader_that_stops_early_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shopkeep.db");
    let db = db.to_str().unwrap();
    replay_json(&example(), db);
    // `shopkeep audit --csv | head -0`: the reader is gone before the first line.
    let mut child = Command::new(env!("CARGO_BIN_EXE_shopkeep"))
        .args(["audit", "--db", db, "--csv"])
        .current_dir(root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    // As any Unix tool: it ends at once and quietly (SIGPIPE), no panic, no message.
    use std::os::unix::process::ExitStatusExt;
    assert!(
        o.status.success() || o.status.signal() == Some(libc_sigpipe()),
        "{:?} {}",
        o.status,
        stderr(&o)
    );
    assert_eq!(stderr(&o), "", "no 'Broken pipe' message");
}

/// SIGPIPE's number on Linux and the BSDs.
fn libc_sigpipe() -> i32 {
    13
}

/// A long transcript: one solicitation a minute from ever new people,
/// alternating watched channels, for days.
fn long_transcript(path: &Path, n: usize) {
    use std::fmt::Write as _;
    let mut s = String::new();
    let t0 = chrono::DateTime::parse_from_rfc3339("2026-11-23T00:00:00Z").unwrap();
    for i in 0..n {
        let at = (t0 + chrono::Duration::minutes(i as i64)).to_rfc3339();
        let channel = if i % 2 == 0 { "general" } else { "deals" };
        writeln!(
            s,
            r#"{{"id":"k{i}","at":"{at}","author":{{"id":"p{i}","name":"person{i}"}},"channel":"{channel}","content":"where can I buy a solid oak dining table? any deals?"}}"#
        )
        .unwrap();
    }
    std::fs::write(path, s).unwrap();
}

#[test]
fn killing_replay_midway_loses_no_audit_record_of_a_reply_it_reported() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;

    let dir = tempfile::tempdir().unwrap();
    let transcript = dir.path().join("long.jsonl");
    long_transcript(&transcript, 20_000);
    let db = dir.path().join("kill.db");
    let config = live_config();
    let mut child = Command::new(env!("CARGO_BIN_EXE_shopkeep"))
        .args([
            "replay",
            transcript.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
            "--db",
            db.to_str().unwrap(),
            "--json",
        ])
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut reported = Vec::new();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    while reported.len() < 40 {
        let line = lines.next().expect("replay still running").unwrap();
        let v: Value = serde_json::from_str(&line).unwrap();
        if v["action"] == "reply" {
            reported.push(v["message_id"].as_str().unwrap().to_string());
        }
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    let o = shopkeep(&["audit", "--db", db.to_str().unwrap(), "--csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let audited: Vec<String> = stdout(&o)
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(4).unwrap().to_string())
        .collect();
    for id in &reported {
        assert!(
            audited.contains(id),
            "reply to {id} was reported but has no audit record"
        );
    }
}

#[test]
fn hostile_names_are_defused_in_the_exact_text_that_would_be_sent() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hostile.jsonl");
    let names = ["@everyone", "<@&123>", "**[click](http://evil.example)**"];
    let lines: Vec<String> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            serde_json::json!({
                "id": format!("h{i}"), "at": format!("2026-11-23T09:0{i}:00Z"),
                "author": {"id": format!("x{i}"), "name": name},
                "channel": "general", "content": "where can I buy a solid oak dining table?"
            })
            .to_string()
        })
        .collect();
    std::fs::write(&file, lines.join("\n")).unwrap();
    let out = replay_json(&file, ":memory:");
    for i in 0..names.len() {
        let v = &out[&format!("h{i}")];
        assert_eq!(v["action"], "reply", "{v}");
        let text = v["reply"].as_str().unwrap();
        assert!(
            !text.contains("@everyone") && !text.contains("@here"),
            "{text}"
        );
        assert!(
            !text.contains("<@&123>") && !text.contains("<@&1"),
            "a role mention never survives: {text}"
        );
        assert!(!text.contains("](http") && !text.contains("**["), "{text}");
        assert!(
            !text.contains("http://evil"),
            "no live link from a name: {text}"
        );
    }
}

#[test]
fn preview_shows_verdict_template_reply_and_compliance() {
    let o = shopkeep(&[
        "preview",
        "--message",
        "where can I buy a solid oak dining table?",
        "--author",
        "sam",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("verdict:    solicitation"), "{text}");
    assert!(text.contains("about:      dining-tables"), "{text}");
    assert!(
        text.contains("reply:      Hi sam")
            || text.contains("reply:      Hello sam")
            || text.contains("reply:      Thanks"),
        "{text}"
    );
    assert!(text.contains("compliance: pass"), "{text}");

    let o = shopkeep(&[
        "preview",
        "--message",
        "I bought a table last week and it broke",
    ]);
    let text = stdout(&o);
    assert!(
        text.contains("decision:   none — not a solicitation"),
        "{text}"
    );
    assert!(text.contains("template:   none"), "{text}");

    let o = shopkeep(&["preview", "--message", "hi", "--template", "nope"]);
    assert_eq!(o.status.code(), Some(1), "an unknown template is an error");
    let err = stderr(&o);
    assert!(
        err.contains("--template nope") && err.contains("solicitation"),
        "names the loaded templates: {err}"
    );
}

#[test]
fn eval_reports_the_headline_metrics_as_json() {
    let o = shopkeep(&["eval", "tests/data/dev.jsonl", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).expect("one JSON object");
    for key in ["precision", "recall", "f1", "tp", "fp", "fn", "tn"] {
        assert!(v.get(key).is_some(), "{key} missing");
    }
    let total = ["tp", "fp", "fn", "tn"]
        .iter()
        .map(|k| v[*k].as_u64().unwrap())
        .sum::<u64>();
    assert_eq!(total, 710);
}

fn run_with_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shopkeep"));
    cmd.args(args)
        .current_dir(root())
        .env_remove("DISCORD_TOKEN")
        .env_remove("SHOPKEEP_DISCORD_API_BASE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("the shopkeep binary runs")
}

#[test]
fn run_fails_fast_with_one_line_that_says_what_to_do() {
    let no_token = run_with_env(&["run"], &[]);
    let bad_config = run_with_env(
        &["run", "--config", "/nonexistent/shopkeep.toml"],
        &[("DISCORD_TOKEN", "t0ken-value")],
    );
    // Port 9 (discard) on loopback: nothing listens, the connection is refused.
    let unreachable = run_with_env(
        &["run"],
        &[
            ("DISCORD_TOKEN", "t0ken-value"),
            ("SHOPKEEP_DISCORD_API_BASE", "http://127.0.0.1:9"),
        ],
    );
    for (o, needle) in [
        (&no_token, "DISCORD_TOKEN is not set"),
        (&bad_config, "cannot read the config file"),
        (
            &unreachable,
            "cannot reach the Discord API base http://127.0.0.1:9",
        ),
    ] {
        assert_eq!(o.status.code(), Some(1));
        let err = stderr(o);
        assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
        assert!(err.contains(needle), "{err}");
        assert!(
            !err.contains("t0ken-value"),
            "the token never appears: {err}"
        );
    }
}

#[test]
fn invite_asks_for_the_bot_and_commands_scopes() {
    let o = shopkeep(&["invite", "--app-id", "123456789012345678"]);
    assert!(o.status.success());
    let url = stdout(&o);
    assert!(url.contains("client_id=123456789012345678"), "{url}");
    assert!(url.contains("scope=bot%20applications.commands"), "{url}");
    assert!(
        url.contains("Manage Threads"),
        "says what each permission is for: {url}"
    );
}

#[test]
fn invite_refuses_a_number_that_is_not_an_application_id() {
    // The permission integer pasted instead of the id.
    let o = shopkeep(&["invite", "--app-id", "412317240384"]);
    assert!(!o.status.success());
    assert!(stdout(&o).is_empty(), "no URL for a wrong id");
    let err = stderr(&o);
    assert!(
        err.contains("--app-id") && err.contains("Application ID"),
        "{err}"
    );
}

/// The shipped config with another learned layer (`model`, relative to the
/// config) and the encoder off, so what is measured is the learned layer
/// itself.
fn config_with_model(dir: &Path, model: &str) -> PathBuf {
    let model_line = format!("model = \"{model}\"");
    edited_config(
        dir,
        "shopkeep.toml",
        &[
            ("model = \"embedded\"", &model_line),
            ("encoder = \"embedded\"", "encoder = \"off\""),
        ],
    )
}

#[test]
fn train_writes_weights_that_eval_and_check_accept() {
    let dir = tempfile::tempdir().unwrap();
    let weights = dir.path().join("ours.weights");
    let o = shopkeep(&[
        "train",
        "tests/data/dev.jsonl",
        "tests/data/own.jsonl",
        "--folds",
        "3",
        "--out",
        weights.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "train failed: {}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("780 labelled messages"), "{out}");
    assert!(
        out.contains("rules + learned") && out.contains("rules alone"),
        "{out}"
    );
    let text = std::fs::read_to_string(&weights).unwrap();
    assert!(text.lines().any(|l| l.starts_with("intercept ")), "{text}");
    assert!(text.lines().filter(|l| l.starts_with("w:")).count() > 50);

    let config = config_with_model(dir.path(), "ours.weights");
    let o = shopkeep(&["check", "--config", config.to_str().unwrap()]);
    assert!(
        o.status.success(),
        "check refused the trained weights: {}{}",
        stdout(&o),
        stderr(&o)
    );
    let o = shopkeep(&[
        "eval",
        "tests/data/dev2.jsonl",
        "--json",
        "--config",
        config.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert!(v["recall"].as_f64().unwrap() > 0.5, "{v}");
}

#[test]
fn a_broken_weights_file_fails_check_naming_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("broken.weights"),
        "intercept -1\nrules 1\nw:sofa\n",
    )
    .unwrap();
    let config = config_with_model(dir.path(), "broken.weights");
    let o = shopkeep(&["check", "--config", config.to_str().unwrap()]);
    assert!(!o.status.success());
    let all = format!("{}{}", stdout(&o), stderr(&o));
    assert!(
        all.contains("detector.model") && all.contains("broken.weights") && all.contains("line 3"),
        "{all}"
    );
}

#[test]
fn train_refuses_a_file_without_both_classes() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("only_not.jsonl");
    std::fs::write(
        &file,
        "{\"id\":\"1\",\"text\":\"hello\",\"label\":\"not\"}\n{\"id\":\"2\",\"text\":\"nice day\",\"label\":\"not\"}\n",
    )
    .unwrap();
    let o = shopkeep(&["train", file.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("both solicitations and other messages"),
        "{}",
        stderr(&o)
    );
}

/// Issue 13: from an empty folder to a config that `check` accepts, with
/// nothing but the binary; `check` warns when template text names the
/// example brand's products; nothing existing is overwritten.
#[test]
fn init_writes_a_checked_config_and_check_warns_on_the_examples_words() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("spokes");
    let folder = folder.to_str().unwrap();
    let init = |extra: &[&str]| {
        let mut args = vec![
            "init",
            folder,
            "--brand",
            "Spokes & Co",
            "--channel",
            "rides",
            "--category",
            "bike servicing | service, tune-up | https://spokes.example/service",
        ];
        args.extend_from_slice(extra);
        shopkeep(&args)
    };
    let o = init(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let config = dir.path().join("spokes/config/shopkeep.toml");
    let config = config.to_str().unwrap();
    assert!(
        stdout(&o).contains(": ok (1 catalogue categories"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("mode: shadow"));
    assert!(!stdout(&o).contains("warning:"), "{}", stdout(&o));

    let o = shopkeep(&[
        "preview",
        "--config",
        config,
        "--message",
        "where can I get my bike serviced?",
        "--channel",
        "rides",
        "--template",
        "solicitation",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Spokes & Co's bot"), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("about:      bike-servicing"),
        "{}",
        stdout(&o)
    );

    let again = init(&[]);
    assert!(!again.status.success());
    assert!(stderr(&again).contains("not overwriting") && stderr(&again).contains("--force"));
    assert!(init(&["--force"]).status.success());

    let template = dir.path().join("spokes/templates/solicitation.hbs");
    let text = std::fs::read_to_string(&template).unwrap();
    std::fs::write(
        &template,
        text.replacen("Hi {{asker}}", "Hi {{asker}}, solid oak!", 1),
    )
    .unwrap();
    let o = shopkeep(&["check", "--config", config]);
    assert!(
        o.status.success(),
        "a warning is not an error: {}",
        stderr(&o)
    );
    assert!(
        stdout(&o)
            .contains("solicitation.hbs:4: says \"solid oak\", the example brand Oak & Thistle's"),
        "{}",
        stdout(&o)
    );
}

/// Issue 14: one person erased on request, everywhere, with what was
/// removed said.
#[test]
fn forget_erases_a_persons_name_and_words_from_the_audit() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shopkeep.db");
    let db = db.to_str().unwrap();
    replay_json(&example(), db);
    let before = stdout(&shopkeep(&["audit", "--db", db, "--csv"]));
    assert!(before.contains("tomasz"), "{before}");
    // Their held-back ask is a near miss: the audit keeps their words.
    assert!(before.contains("extension leaves"), "{before}");

    let o = shopkeep(&["forget", "u102", "--db", db]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("Forgot u102: 2 audit record(s)"),
        "{}",
        stdout(&o)
    );
    let after = stdout(&shopkeep(&["audit", "--db", db, "--csv"]));
    assert!(!after.contains("tomasz"), "{after}");
    assert!(
        !after.contains("extension leaves"),
        "their words are gone too"
    );
    let again = shopkeep(&["forget", "u102", "--db", db]);
    assert!(
        stdout(&again).contains("Nothing stored"),
        "{}",
        stdout(&again)
    );
}

/// Issue 14: what the bot did not answer is visible, with why and the
/// member's words, so staff can judge its misses.
#[test]
fn audit_missed_lists_near_misses_with_their_reason_and_message() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shopkeep.db");
    let db = db.to_str().unwrap();
    replay_json(&example(), db);
    let o = shopkeep(&["audit", "--db", db, "--missed"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("message m13"), "{text}");
    assert!(text.contains("detector unsure (review band)"), "{text}");
    assert!(
        text.contains("message: is the oak chest of drawers back in stock?"),
        "{text}"
    );
    assert!(
        text.contains("held by user_cooldown"),
        "a held reply is a near miss too"
    );
    assert!(
        !text.contains("— solicitation"),
        "answered messages are not listed: {text}"
    );
}

/// Staff marks written into a store as the Discord adapter writes them:
/// `asks` marked right (the first two of them missed), `nots` marked wrong.
fn store_with_marks(db: &str, asks: &[String], nots: &[String]) {
    use shopkeep::core::marks::Mark;
    use shopkeep::store::{MarkRecord, Store};
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = Store::open(db).await.unwrap();
        let now = chrono::Utc::now();
        let marks = asks
            .iter()
            .enumerate()
            .map(|(i, t)| (t, if i < 2 { Mark::Missed } else { Mark::Right }))
            .chain(nots.iter().map(|t| (t, Mark::Wrong)));
        for (i, (text, mark)) in marks.enumerate() {
            let record = MarkRecord {
                message_id: format!("{}", 90_000 + i),
                server: "Oak & Thistle".into(),
                place: "#general".into(),
                author_id: format!("u{i}"),
                text: text.clone(),
                mark,
                action: if mark == Mark::Missed {
                    "none"
                } else {
                    "reply"
                }
                .into(),
                mode: "shadow".into(),
                verdict: None,
                score: None,
                cues: String::new(),
                category: None,
                template: None,
                marked_by: "sam".into(),
                marked_by_id: "7".into(),
                first_marked_at: now,
                marked_at: now,
            };
            store.mark(&record).await.unwrap();
        }
        store.close().await;
    });
}

fn texts_labelled(file: &str, label: &str, n: usize) -> Vec<String> {
    std::fs::read_to_string(root().join(file))
        .unwrap()
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["label"] == label)
        .take(n)
        .map(|v| v["text"].as_str().unwrap().to_string())
        .collect()
}

/// Issue 14: marks → labelled file → this server's figures with `eval`,
/// and a threshold from `tune` that changes nothing.
#[test]
fn exported_marks_are_labelled_data_that_eval_measures_and_tune_reads() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shopkeep.db");
    let db = db.to_str().unwrap();
    let asks = texts_labelled("tests/data/dev.jsonl", "solicitation", 24);
    let nots = texts_labelled("tests/data/dev.jsonl", "not", 6);
    store_with_marks(db, &asks, &nots);

    let listed = shopkeep(&["feedback", "--db", db]);
    assert!(listed.status.success(), "{}", stderr(&listed));
    assert!(
        stdout(&listed).ends_with("30 mark(s): right 22, wrong 6, missed 2\n"),
        "{}",
        stdout(&listed)
    );

    let export = dir.path().join("ours.jsonl");
    let o = shopkeep(&["feedback", "--db", db, "--export", export.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("Exported 30 mark(s)"),
        "{}",
        stdout(&o)
    );
    let rows: Vec<Value> = std::fs::read_to_string(&export)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 30);
    assert_eq!(rows[0]["source"], "Oak & Thistle");
    let label = |mark: &str| {
        rows.iter()
            .filter(|r| r["mark"] == mark)
            .map(|r| r["label"].as_str().unwrap())
            .collect::<std::collections::BTreeSet<_>>()
    };
    assert_eq!(label("right"), ["solicitation"].into());
    assert_eq!(label("missed"), ["solicitation"].into());
    assert_eq!(label("wrong"), ["not"].into());

    let eval = shopkeep(&["eval", export.to_str().unwrap(), "--json"]);
    assert!(eval.status.success(), "{}", stderr(&eval));
    let v: Value = serde_json::from_str(&stdout(&eval)).unwrap();
    let count = |k: &str| v[k].as_u64().unwrap();
    assert_eq!(
        count("tp") + count("fn"),
        24,
        "every right and missed is an ask"
    );
    assert_eq!(count("fp") + count("tn"), 6, "every wrong is not");

    let config = root().join("config/shopkeep.toml");
    let before = std::fs::read(&config).unwrap();
    let tune = shopkeep(&["tune", "--feedback", export.to_str().unwrap()]);
    let out = stdout(&tune);
    assert!(
        out.starts_with("30 marked message(s): 24 asks (right or missed), 6 not (wrong)."),
        "{out}"
    );
    assert!(out.contains("reply_at  precision on marks"), "{out}");
    assert!(
        out.contains("Suggested: reply_at = ") || out.contains("No suggestion:"),
        "{out}"
    );
    assert!(
        out.trim_end().ends_with("shopkeep.toml."),
        "names the file to edit: {out}"
    );
    assert!(out.contains("Nothing was changed"), "{out}");
    assert_eq!(
        std::fs::read(&config).unwrap(),
        before,
        "tune never edits the config"
    );
}

/// Issue 14: a replayed week summarised: traffic, replies, hand-offs and
/// held-back replies as the replay decided them, and the plain
/// recommendation (no marks yet: not measured).
#[test]
fn report_on_a_replayed_week_counts_traffic_replies_handoffs_and_limits() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shopkeep.db");
    let db = db.to_str().unwrap();
    let decided = replay_json(&example(), db);
    let count = |codes: &[&str]| {
        decided
            .values()
            .filter(|v| codes.contains(&v["reason_code"].as_str().unwrap()))
            .count()
    };
    let replies = count(&["solicitation", "multi_brand_request"]);
    let handoffs = decided
        .values()
        .filter(|v| v["action"] == "handoff")
        .count();
    assert!(replies > 0 && handoffs > 0, "the example has both");
    let config = live_config();
    let o = shopkeep(&[
        "report",
        "--replayed",
        "--db",
        db,
        "--config",
        config.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    // People's messages: the bots' (and webhooks') are not traffic.
    let messages = decided.len() - count(&["author_is_bot", "author_is_webhook"]);
    assert!(out.starts_with("Replayed, "), "{out}");
    for line in [
        format!("  messages seen        {messages}\n"),
        format!("  replies sent         {replies}\n"),
        "  would-be (shadow)    0\n".to_string(),
        format!("  hand-offs            {handoffs}\n"),
        format!(
            "  held back            {} (user_cooldown {})\n",
            count(&["user_cooldown"]),
            count(&["user_cooldown"])
        ),
        "  staff marks          right 0, wrong 0, missed 0\n".to_string(),
    ] {
        assert!(out.contains(&line), "{line:?} missing from:\n{out}");
    }
    assert!(
        out.contains(&format!(
            "live for 7 days: {replies} replies, staff marked 0 wrong. Not yet measured"
        )),
        "{out}"
    );
    let live = shopkeep(&["report", "--db", db]);
    assert!(
        stdout(&live).contains("  messages seen        0\n"),
        "replayed traffic is not the live bot's: {}",
        stdout(&live)
    );
}

/// Issue 15: accounts for the staff web page, password on standard input,
/// kept only as an argon2 hash.
#[test]
fn user_add_list_and_remove_keep_only_a_hash_of_the_password() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shopkeep.db");
    let db = db.to_str().unwrap();
    let add = |password: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_shopkeep"))
            .args(["user", "add", "sam", "--db", db])
            .current_dir(root())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{password}\n").as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let short = add("short");
    assert!(!short.status.success());
    assert!(
        stderr(&short).contains("at least 10 characters"),
        "{}",
        stderr(&short)
    );
    let o = add("a long enough password");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("Added sam"), "{}", stdout(&o));
    let again = add("another long password");
    assert!(
        stdout(&again).starts_with("New password for sam"),
        "{}",
        stdout(&again)
    );
    assert_eq!(stdout(&shopkeep(&["user", "list", "--db", db])), "sam\n");
    let raw = std::fs::read(dir.path().join("shopkeep.db")).unwrap();
    let wal = std::fs::read(dir.path().join("shopkeep.db-wal")).unwrap_or_default();
    for bytes in [&raw, &wal] {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains("another long password"),
            "the password is never stored"
        );
    }
    let gone = shopkeep(&["user", "remove", "sam", "--db", db]);
    assert!(
        stdout(&gone).starts_with("Removed sam"),
        "{}",
        stdout(&gone)
    );
    assert!(stdout(&shopkeep(&["user", "list", "--db", db])).starts_with("No accounts."));
}
