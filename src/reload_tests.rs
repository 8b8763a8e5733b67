//! Hot reload on a running engine: a template edit and a compliance edit
//! change the next reply; a broken edit leaves the last good version
//! serving. Waits are for a condition, with a timeout.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Duration as Span;

use super::*;
use crate::core::model::ActionKind;
use crate::core::testing::{msg, t0, ASK};
use crate::engine::{Engine, Source};
use crate::store::Store;

/// A copy of the shipped config and templates in a temp dir.
fn copy_shipped() -> (tempfile::TempDir, PathBuf) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("config")).unwrap();
    std::fs::create_dir(dir.path().join("templates")).unwrap();
    for entry in std::fs::read_dir(root.join("templates")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "hbs") {
            std::fs::copy(
                &path,
                dir.path().join("templates").join(path.file_name().unwrap()),
            )
            .unwrap();
        }
    }
    let config = dir.path().join("config/shopkeep.toml");
    // The shipped config starts in shadow; reloads are watched live.
    let shipped = std::fs::read_to_string(root.join("config/shopkeep.toml")).unwrap();
    std::fs::write(
        &config,
        shipped.replace("mode = \"shadow\"", "mode = \"live\""),
    )
    .unwrap();
    (dir, config)
}

/// Ask as a new person, an hour after the previous probe (so no limit
/// interferes), and return the reply text.
async fn probe(engine: &mut Engine, n: &mut i64) -> String {
    *n += 1;
    let m = msg(&format!("p{n}"), &format!("user{n}"), "general", ASK);
    let d = engine
        .handle(&m, t0() + Span::hours(*n))
        .await
        .unwrap()
        .decision;
    assert_eq!(d.action, ActionKind::Reply, "{:?}", d.reason);
    d.reply.unwrap().text
}

async fn wait_for_reply(
    engine: &mut Engine,
    n: &mut i64,
    what: &str,
    ok: impl Fn(&str) -> bool,
) -> String {
    let start = Instant::now();
    loop {
        let text = probe(engine, n).await;
        if ok(&text) {
            return text;
        }
        assert!(
            start.elapsed() < Duration::from_secs(3),
            "timed out waiting for {what}; last reply: {text}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from} not in {}", path.display());
    std::fs::write(path, text.replace(from, to)).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn template_and_compliance_edits_reach_the_next_reply_and_broken_edits_do_not() {
    let (dir, config_path) = copy_shipped();
    let config = config::load(&config_path).unwrap();
    let hot = HotReload::start(&config_path, &config).unwrap();
    let store = Store::open(":memory:").await.unwrap();
    let replies: crate::engine::SharedReplies = Arc::new(hot.templates.clone());
    let mut engine = Engine::start(config.policy(), replies, store, Source::Live)
        .await
        .unwrap();
    let mut n = 0;
    assert!(!probe(&mut engine, &mut n).await.contains("Freshly edited"));

    // A template edit: every variant of the solicitation reply gets a new opening.
    let file = dir.path().join("templates/solicitation.hbs");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace("{{disclosure}}", "{{disclosure}}. Freshly edited"),
    )
    .unwrap();
    wait_for_reply(&mut engine, &mut n, "the template edit", |t| {
        t.contains("Freshly edited")
    })
    .await;

    // A broken edit is refused; the edited version keeps serving.
    std::fs::write(&file, "Hi {{asker}, {{disclosure}} {{#if link}}").unwrap();
    let deadline = Instant::now() + Duration::from_secs(3);
    while hot.templates.status().refused.is_none() {
        assert!(
            Instant::now() < deadline,
            "the broken edit was never looked at"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(probe(&mut engine, &mut n).await.contains("Freshly edited"));

    // A compliance edit in the config: a new disclosure phrase is used at once.
    std::fs::write(&file, text).unwrap();
    edit(
        &config_path,
        "disclosure = \"Oak & Thistle's bot\"",
        "disclosure = \"the O&T bot\"",
    );
    wait_for_reply(&mut engine, &mut n, "the compliance edit", |t| {
        t.contains("the O&T bot")
    })
    .await;

    // A compliance edit the templates cannot meet (a limit some reply
    // exceeds) is refused; the last good settings keep serving.
    edit(&config_path, "max_length = 280", "max_length = 120");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(probe(&mut engine, &mut n).await.contains("the O&T bot"));
    // So is an edit that breaks the config's own validation.
    edit(&config_path, "max_length = 120", "max_length = 0");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let text = probe(&mut engine, &mut n).await;
    assert!(
        text.contains("the O&T bot") && text.chars().count() > 120,
        "{text}"
    );
}
