//! Issue 4, "Done when": editing a template while the engine runs changes
//! the next reply without a restart, and a broken edit leaves the last good
//! version serving. Waits are for a condition, with a timeout.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::fixtures::{copy_of_shipped, oak_and_thistle, request, write};
use crate::core::replies::{Replies, ReplyKind};
use crate::reply::{LiveTemplates, Rule, Watcher, POLL_INTERVAL};

/// Waits until `condition` holds; panics naming `what` after `limit`.
fn wait_until(limit: Duration, what: &str, condition: impl Fn() -> bool) {
    let start = Instant::now();
    while !condition() {
        assert!(
            start.elapsed() < limit,
            "timed out after {limit:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn opt_in_text(live: &LiveTemplates) -> String {
    let req = request(ReplyKind::OptIn, "opt_in", None, "Sam");
    live.render(&req).expect("renders").text
}

const EDITED: &str = "Welcome back, {{asker}}! {{disclosure}} here (edited).";

#[test]
fn an_edit_takes_effect_within_two_seconds_with_the_default_interval() {
    let dir = copy_of_shipped();
    let live = LiveTemplates::load(oak_and_thistle(dir.path())).expect("loads");
    let watcher = live.watch(POLL_INTERVAL).expect("watcher starts");
    assert!(!opt_in_text(&live).contains("(edited)"));
    write(dir.path(), "opt_in", EDITED);
    wait_until(Duration::from_secs(2), "the edit", || {
        opt_in_text(&live) == "Welcome back, Sam! Oak & Thistle's bot here (edited)."
    });
    assert_eq!(live.status().generation, 1);
    watcher.stop();
}

/// A running watcher on a copy of the shipped templates, after one good
/// edit of `opt_in.hbs` has been picked up (generation 1).
fn running_after_a_good_edit() -> (tempfile::TempDir, LiveTemplates, Watcher, PathBuf) {
    let dir = copy_of_shipped();
    let live = LiveTemplates::load(oak_and_thistle(dir.path())).expect("loads");
    let watcher = live
        .watch(Duration::from_millis(20))
        .expect("watcher starts");
    let path = write(dir.path(), "opt_in", EDITED);
    wait_until(Duration::from_secs(2), "the good edit", || {
        live.status().generation == 1
    });
    (dir, live, watcher, path)
}

#[test]
fn a_broken_edit_is_refused_and_the_last_good_version_keeps_serving() {
    let (dir, live, _watcher, path) = running_after_a_good_edit();
    write(
        dir.path(),
        "opt_in",
        "Welcome back {{asker}}.\n{{#if link}}",
    );
    wait_until(Duration::from_secs(2), "the refusal", || {
        live.status()
            .refused
            .is_some_and(|p| p[0].rule == Rule::TemplateSyntax)
    });
    let status = live.status();
    let problems = status.refused.expect("refused");
    assert_eq!(problems[0].file, path);
    assert_eq!(problems[0].rule, Rule::TemplateSyntax);
    assert_eq!(status.generation, 1);
    assert!(
        opt_in_text(&live).ends_with("(edited)."),
        "last good version serves"
    );

    write(
        dir.path(),
        "opt_in",
        "Hello again {{asker}}, from {{disclosure}}.",
    );
    wait_until(Duration::from_secs(2), "the fix", || {
        live.status().generation == 2
    });
    assert_eq!(live.status().refused, None);
    assert_eq!(
        opt_in_text(&live),
        "Hello again Sam, from Oak & Thistle's bot."
    );
}

#[test]
fn a_non_compliant_edit_is_refused_and_the_last_good_version_keeps_serving() {
    let (dir, live, _watcher, path) = running_after_a_good_edit();
    write(
        dir.path(),
        "opt_in",
        "I'm {{disclosure}}.\nAct now, {{asker}}!",
    );
    wait_until(Duration::from_secs(2), "the refusal", || {
        live.status()
            .refused
            .is_some_and(|p| p[0].rule == Rule::PhraseBanned)
    });
    let problems = live.status().refused.expect("refused");
    let where_what = (
        &problems[0].file,
        problems[0].line,
        problems[0].col,
        problems[0].rule,
    );
    assert_eq!(where_what, (&path, 2, 1, Rule::PhraseBanned));
    assert!(
        opt_in_text(&live).ends_with("(edited)."),
        "last good version serves"
    );
}

#[test]
fn a_refused_edit_is_logged_as_an_error_naming_file_line_and_rule() {
    let dir = copy_of_shipped();
    let live = LiveTemplates::load(oak_and_thistle(dir.path())).expect("loads");
    write(dir.path(), "opt_in", "Hi {{asker}}.\n  {{shout asker}}");
    let logs = Logs::default();
    // Call-site interest is global: another test's thread, with no
    // subscriber, can cache "never" for this log call between our rebuild
    // and our call. Each attempt rebuilds it; the edit is refused every time
    // and one attempt must log it.
    for _ in 0..5 {
        let subscriber = tracing_subscriber::fmt()
            .with_writer(logs.clone())
            .with_ansi(false)
            .finish();
        let reload = || {
            tracing::callsite::rebuild_interest_cache();
            live.reload()
        };
        tracing::subscriber::with_default(subscriber, reload).expect_err("refused");
        if !logs.text().is_empty() {
            break;
        }
    }
    let text = logs.text();
    assert!(text.contains("ERROR"), "{text}");
    assert!(
        text.contains("opt_in.hbs") && text.contains("line=2") && text.contains("col=3"),
        "{text}"
    );
    assert!(text.contains("rule=template.unknown_helper"), "{text}");
}

/// A log sink for one test.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Logs {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Logs {
    type Writer = Logs;
    fn make_writer(&'a self) -> Logs {
        self.clone()
    }
}

#[test]
fn a_manual_reload_reports_problems_and_keeps_serving() {
    let dir = copy_of_shipped();
    let live = LiveTemplates::load(oak_and_thistle(dir.path())).expect("loads");
    let before = opt_in_text(&live);
    write(dir.path(), "opt_in", "{{shout asker}}");
    let problems = live.reload().expect_err("refused");
    assert_eq!(problems[0].rule, Rule::TemplateUnknownHelper);
    assert_eq!(opt_in_text(&live), before);
}

#[test]
fn new_compliance_settings_apply_only_if_the_templates_pass_them() {
    let dir = copy_of_shipped();
    let settings = oak_and_thistle(dir.path());
    let live = LiveTemplates::load(settings.clone()).expect("loads");

    let mut stricter = settings.clone();
    stricter.rules.banned_phrases.push("welcome back".into());
    let problems = live.replace_settings(stricter).expect_err("opt_in says it");
    assert!(
        problems.iter().all(|p| p.rule == Rule::PhraseBanned),
        "{problems:?}"
    );
    assert!(
        opt_in_text(&live).starts_with("Welcome back"),
        "old settings still serve"
    );

    let mut shorter = settings.clone();
    shorter.rules.max_length = 100;
    let problems = live
        .replace_settings(shorter)
        .expect_err("replies are longer");
    assert!(
        problems.iter().all(|p| p.rule == Rule::LengthMax),
        "{problems:?}"
    );

    let mut more = settings;
    more.rules.competitor_names.push("Maple Manor".into());
    live.replace_settings(more)
        .expect("no template names Maple Manor");
    assert_eq!(live.current().settings().rules.competitor_names.len(), 3);
    assert_eq!(live.status().generation, 1);
}

#[test]
fn a_file_edit_after_new_settings_reloads_with_the_new_settings() {
    let dir = copy_of_shipped();
    let settings = oak_and_thistle(dir.path());
    let live = LiveTemplates::load(settings.clone()).expect("loads");
    let _watcher = live
        .watch(Duration::from_millis(20))
        .expect("watcher starts");
    let mut more = settings;
    more.rules.competitor_names.push("Maple Manor".into());
    live.replace_settings(more).expect("passes");
    write(dir.path(), "opt_in", EDITED);
    wait_until(Duration::from_secs(2), "the edit", || {
        live.status().generation == 2
    });
    assert_eq!(live.current().settings().rules.competitor_names.len(), 3);
}

#[test]
fn a_stopped_watcher_joins_promptly() {
    let dir = copy_of_shipped();
    let live = LiveTemplates::load(oak_and_thistle(dir.path())).expect("loads");
    let watcher = live
        .watch(Duration::from_secs(3600))
        .expect("watcher starts");
    let start = Instant::now();
    watcher.stop();
    assert!(start.elapsed() < Duration::from_secs(5));
}
