//! Each kind of bad config produces its own error naming file, key and line.

use std::path::{Path, PathBuf};

use super::*;

const NAMES: &[&str] = &[
    "solicitation",
    "multi_brand",
    "intent",
    "handoff_public",
    "handoff_dm",
    "opt_out",
    "opt_in",
    "staff_notice",
];

/// A config folder with an empty template for each required name.
fn folder() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("templates");
    std::fs::create_dir(&templates).unwrap();
    for n in NAMES {
        std::fs::write(templates.join(format!("{n}.hbs")), "Hi {{asker}}").unwrap();
    }
    let file = dir.path().join("shopkeep.toml");
    (dir, file)
}

const GOOD: &str = r#"
[brand]
name = "Oak & Thistle"
competitors = ["Birch Barn"]

[discord]
watched_channels = ["general", "deals"]
staff_channel = "staff-desk"
staff_role = "Staff"

[limits]
per_channel = 6

[templates]
dir = "templates"

[[catalogue]]
id = "tables"
keywords = ["table"]
link = "https://oak.example/tables"
"#;

fn load_str(file: &Path, src: &str) -> Result<Config, ConfigErrors> {
    from_source(file, src)
}

fn only_error(file: &Path, src: &str) -> ConfigError {
    let errs = load_str(file, src).expect_err("config should be refused").0;
    assert_eq!(errs.len(), 1, "{errs:?}");
    errs.into_iter().next().unwrap()
}

#[test]
fn the_good_config_loads_with_careful_defaults() {
    let (_dir, file) = folder();
    let c = load_str(&file, GOOD).unwrap();
    assert_eq!(c.limits.per_channel, 6);
    assert_eq!(c.limits.per_server, 20);
    assert_eq!(c.limits.user_cooldown, chrono::Duration::hours(24));
    assert_eq!(c.catalogue[0].name, "tables");
    assert_eq!(
        c.mode,
        crate::core::policy::Mode::Shadow,
        "a config without a mode starts in shadow"
    );
}

#[test]
fn an_unknown_key_is_named_with_its_line() {
    let (_dir, file) = folder();
    let e = only_error(
        &file,
        &GOOD.replace("per_channel = 6", "per_channel = 6\nper_chanel = 3"),
    );
    assert!(e.message.contains("unknown field `per_chanel`"), "{e}");
    assert_eq!(e.line, Some(13));
    assert!(
        e.to_string()
            .starts_with(&format!("{}:13:", file.display())),
        "{e}"
    );
}

#[test]
fn a_wrong_type_names_the_key() {
    let (_dir, file) = folder();
    let e = only_error(
        &file,
        &GOOD.replace("per_channel = 6", "per_channel = \"six\""),
    );
    assert_eq!(e.key.as_deref(), Some("limits.per_channel"), "{e}");
    assert_eq!(e.line, Some(12));
}

#[test]
fn a_zero_or_negative_quota_is_refused() {
    let (_dir, file) = folder();
    for value in ["0", "-3"] {
        let e = only_error(
            &file,
            &GOOD.replace("per_channel = 6", &format!("per_channel = {value}")),
        );
        assert_eq!(e.key.as_deref(), Some("limits.per_channel"));
        assert_eq!(e.line, Some(12));
        assert!(e.message.contains("at least 1"), "{e}");
    }
}

#[test]
fn a_template_that_does_not_exist_is_named() {
    let (_dir, file) = folder();
    let src = GOOD.replace(
        "dir = \"templates\"",
        "dir = \"templates\"\nopt_out = \"goodbye\"",
    );
    let e = only_error(&file, &src);
    assert_eq!(e.key.as_deref(), Some("templates.opt_out"));
    assert!(
        e.message.contains("template `goodbye` does not exist"),
        "{e}"
    );
}

#[test]
fn a_watched_channel_listed_twice_is_refused_at_the_duplicate() {
    let (_dir, file) = folder();
    let e = only_error(
        &file,
        &GOOD.replace(
            "[\"general\", \"deals\"]",
            "[\"general\", \"deals\", \"General\"]",
        ),
    );
    assert_eq!(e.key.as_deref(), Some("discord.watched_channels[2]"));
    assert!(e.message.contains("listed twice"), "{e}");
}

#[test]
fn several_problems_are_reported_together() {
    let (_dir, file) = folder();
    let src = GOOD
        .replace("per_channel = 6", "per_channel = 0\nuser_cooldown = \"24\"")
        .replace("https://oak.example/tables", "oak.example/tables");
    let errs = load_str(&file, &src).unwrap_err().0;
    let keys: Vec<_> = errs.iter().filter_map(|e| e.key.clone()).collect();
    assert_eq!(
        keys,
        vec![
            "limits.per_channel",
            "limits.user_cooldown",
            "catalogue[id=\"tables\"].link"
        ]
    );
}

#[test]
fn a_missing_file_is_a_clear_error() {
    let e = load(Path::new("/nonexistent/shopkeep.toml")).unwrap_err();
    assert!(e.to_string().contains("cannot read the config file"), "{e}");
}

#[test]
fn a_token_in_the_file_is_refused_as_an_unknown_key() {
    let (_dir, file) = folder();
    let e = only_error(
        &file,
        &GOOD.replace(
            "staff_role = \"Staff\"",
            "staff_role = \"Staff\"\ntoken = \"abc\"",
        ),
    );
    assert!(e.message.contains("unknown field `token`"), "{e}");
}

#[test]
fn the_shipped_config_is_valid() {
    let c = load(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/config/shopkeep.toml"
    )));
    let c = c.unwrap_or_else(|e| panic!("{e}"));
    // A brand copying the example starts in shadow: going live is a
    // deliberate edit.
    assert_eq!(c.mode, crate::core::policy::Mode::Shadow);
}

#[test]
fn the_detector_model_is_embedded_by_default_and_rules_turns_it_off() {
    use crate::core::detect::LearnedLayer;
    let (_dir, file) = folder();
    let c = load_str(&file, GOOD).unwrap();
    assert_eq!(c.learned, LearnedLayer::Embedded);
    let src = format!("{GOOD}\n[detector]\nmodel = \"rules\"\n");
    assert_eq!(load_str(&file, &src).unwrap().learned, LearnedLayer::Off);
}

#[test]
fn a_trained_weights_file_is_loaded_relative_to_the_config() {
    let (dir, file) = folder();
    std::fs::write(
        dir.path().join("ours.weights"),
        "intercept -1\nrules 1.2\nw:sofa 0.5\n",
    )
    .unwrap();
    let src = format!("{GOOD}\n[detector]\nmodel = \"ours.weights\"\n");
    let c = load_str(&file, &src).unwrap();
    match &c.learned {
        crate::core::detect::LearnedLayer::Trained(m) => {
            assert_eq!((m.intercept, m.rules, m.len()), (-1.0, 1.2, 1))
        }
        other => panic!("expected a trained layer, got {other:?}"),
    }
}

#[test]
fn a_missing_or_broken_weights_file_is_named_with_its_line() {
    let (dir, file) = folder();
    let src = format!("{GOOD}\n[detector]\nmodel = \"nowhere.weights\"\n");
    let e = only_error(&file, &src);
    assert_eq!(e.key.as_deref(), Some("detector.model"));
    assert!(e.message.contains("nowhere.weights"), "{e}");

    std::fs::write(
        dir.path().join("broken.weights"),
        "intercept -1\nrules 1\nw:sofa lots\n",
    )
    .unwrap();
    let src = format!("{GOOD}\n[detector]\nmodel = \"broken.weights\"\n");
    let e = only_error(&file, &src);
    assert_eq!(e.key.as_deref(), Some("detector.model"));
    assert!(
        e.message.contains("broken.weights") && e.message.contains("line 3"),
        "{e}"
    );
}

#[test]
fn the_encoder_is_on_by_default_off_on_request_and_off_with_rules_alone() {
    let (_dir, file) = folder();
    let c = load_str(&file, GOOD).unwrap();
    assert!(c.encoder.is_some(), "the shipped encoder is on by default");
    let off = format!("{GOOD}\n[detector]\nencoder = \"off\"\n");
    assert!(load_str(&file, &off).unwrap().encoder.is_none());
    let rules = format!("{GOOD}\n[detector]\nmodel = \"rules\"\n");
    assert!(load_str(&file, &rules).unwrap().encoder.is_none());
    let both = format!("{GOOD}\n[detector]\nmodel = \"rules\"\nencoder = \"embedded\"\n");
    assert!(load_str(&file, &both).unwrap().encoder.is_some());
}

#[test]
fn an_encoder_file_is_checked_against_its_checksum_and_named_when_wrong() {
    let (dir, file) = folder();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
    let weights = std::fs::read(root.join("encoder.safetensors")).unwrap();
    std::fs::write(dir.path().join("ours.safetensors"), &weights).unwrap();
    std::fs::copy(
        root.join("tokenizer.json"),
        dir.path().join("tokenizer.json"),
    )
    .unwrap();
    let src = format!("{GOOD}\n[detector]\nencoder = \"ours.safetensors\"\n");

    // No checksum file beside it.
    let e = only_error(&file, &src);
    assert_eq!(e.key.as_deref(), Some("detector.encoder"));
    assert!(e.message.contains("ours.safetensors.sha256"), "{e}");

    // The right checksum: it loads.
    let sum = crate::core::detect::encoder::sha256_hex(&weights);
    std::fs::write(
        dir.path().join("ours.safetensors.sha256"),
        format!("{sum}  ours.safetensors\n"),
    )
    .unwrap();
    assert!(load_str(&file, &src).unwrap().encoder.is_some());

    // Truncated after the checksum was written: refused, naming the file
    // and both checksums.
    std::fs::write(dir.path().join("ours.safetensors"), &weights[..1000]).unwrap();
    let e = only_error(&file, &src);
    assert!(
        e.message.contains("ours.safetensors") && e.message.contains(&sum),
        "{e}"
    );
    assert!(e.message.contains("checksum mismatch"), "{e}");

    // A missing file is named with its resolved path.
    let src = format!("{GOOD}\n[detector]\nencoder = \"models/none.safetensors\"\n");
    let e = only_error(&file, &src);
    assert!(e.message.contains("none.safetensors"), "{e}");
}

#[test]
fn the_store_path_starts_at_the_config_folder_and_is_absolute() {
    let (dir, file) = folder();
    let c = load_str(&file, GOOD).unwrap();
    let expected = std::path::absolute(dir.path().join("shopkeep.db")).unwrap();
    assert_eq!(Path::new(&c.storage_path), expected);

    let src = format!("{GOOD}\n[storage]\npath = \"state/bot.db\"\n");
    let c = load_str(&file, &src).unwrap();
    assert_eq!(
        Path::new(&c.storage_path),
        std::path::absolute(dir.path().join("state/bot.db")).unwrap()
    );

    let src = format!("{GOOD}\n[storage]\npath = \":memory:\"\n");
    assert_eq!(load_str(&file, &src).unwrap().storage_path, ":memory:");

    // The shipped config, loaded as `--config config/shopkeep.toml` from
    // the crate's folder (where cargo runs tests): its store sits beside it.
    let shipped = load(Path::new("config/shopkeep.toml")).expect("the shipped config loads");
    assert_eq!(
        Path::new(&shipped.storage_path),
        std::path::absolute("config/shopkeep.db").unwrap()
    );
}

#[test]
fn texts_are_kept_ninety_days_unless_the_config_says_otherwise() {
    let (_dir, file) = folder();
    assert_eq!(
        load_str(&file, GOOD).unwrap().retention,
        chrono::Duration::days(90)
    );
    let src = format!("{GOOD}\n[storage]\nretention = \"30d\"\n");
    assert_eq!(
        load_str(&file, &src).unwrap().retention,
        chrono::Duration::days(30)
    );
    let src = format!("{GOOD}\n[storage]\nretention = \"forever\"\n");
    let e = only_error(&file, &src);
    assert_eq!(e.key.as_deref(), Some("storage.retention"), "{e}");
}

#[test]
fn mark_reactions_default_to_ticks_and_may_not_clash_with_each_other_or_the_optout() {
    let (_dir, file) = folder();
    let c = load_str(&file, GOOD).unwrap();
    assert_eq!(
        (c.marks.emojis.right.as_str(), c.marks.emojis.wrong.as_str()),
        ("✅", "❌")
    );
    assert!(c.marks.shadow_copies);
    let clash = format!("{GOOD}\n[marks]\nwrong = \"🔕\"\n");
    let e = only_error(&file, &clash);
    assert_eq!(e.key.as_deref(), Some("marks.wrong"), "{e}");
    assert!(e.message.contains("also [optout] reaction"), "{e}");
    let same = format!("{GOOD}\n[marks]\nright = \"👍\"\nwrong = \"👍\"\n");
    let e = only_error(&file, &same);
    assert_eq!(e.key.as_deref(), Some("marks.wrong"), "{e}");
    let off = format!("{GOOD}\n[marks]\nshadow_copies = false\n");
    assert!(!load_str(&file, &off).unwrap().marks.shadow_copies);
}

#[test]
fn the_http_listener_is_off_unless_configured_and_a_bad_address_is_named() {
    let (_dir, file) = folder();
    assert_eq!(load_str(&file, GOOD).unwrap().http, None);
    let on = format!("{GOOD}\n[http]\n");
    assert_eq!(
        load_str(&file, &on).unwrap().http,
        Some("127.0.0.1:9464".parse().unwrap())
    );
    let bad = format!("{GOOD}\n[http]\nbind = \"localhost\"\n");
    let e = only_error(&file, &bad);
    assert_eq!(e.key.as_deref(), Some("http.bind"), "{e}");
    assert!(
        e.message.contains("`localhost` is not an address and port"),
        "{e}"
    );
}

#[test]
fn discord_login_reads_its_secret_from_the_environment_or_a_file_never_the_config() {
    let (dir, file) = folder();
    let on = format!(
        "{GOOD}\n[http]\n[http.discord_login]\nclient_id = \"1001\"\n\
         redirect_url = \"https://staff.example.com/login/discord/done\"\neditors = [\"4004\"]\n"
    );
    let c = load_str(&file, &on).unwrap();
    let d = c.discord_login.expect("discord login configured");
    assert_eq!(
        d.client_secret,
        SecretSource::Env("SHOPKEEP_OAUTH_SECRET".into())
    );
    assert_eq!(d.editors, vec![4004]);
    assert_eq!(d.authorize_url, "https://discord.com/oauth2/authorize");

    let with_file = on.replace(
        "client_id = \"1001\"",
        "client_id = \"1001\"\nclient_secret_file = \"secrets/oauth\"",
    );
    let d = load_str(&file, &with_file).unwrap().discord_login.unwrap();
    assert_eq!(
        d.client_secret,
        SecretSource::File(dir.path().join("secrets/oauth"))
    );
    let e = d.client_secret.read("login").unwrap_err().to_string();
    assert!(
        e.contains("cannot read the secret file") && e.contains("secrets/oauth"),
        "{e}"
    );

    // A secret pasted into the file is refused: there is no such key.
    let pasted = on.replace(
        "client_id = \"1001\"",
        "client_id = \"1001\"\nclient_secret = \"abc\"",
    );
    assert!(load_str(&file, &pasted).is_err());

    let bad_redirect = on.replace("/login/discord/done", "/callback");
    let e = only_error(&file, &bad_redirect);
    assert_eq!(
        e.key.as_deref(),
        Some("http.discord_login.redirect_url"),
        "{e}"
    );
    assert!(e.message.contains("/login/discord/done"), "{e}");
    let bad_id = on.replace("client_id = \"1001\"", "client_id = \"my-app\"");
    let e = only_error(&file, &bad_id);
    assert_eq!(
        e.key.as_deref(),
        Some("http.discord_login.client_id"),
        "{e}"
    );
    let bad_editor = on.replace("[\"4004\"]", "[\"sam\"]");
    let e = only_error(&file, &bad_editor);
    assert_eq!(
        e.key.as_deref(),
        Some("http.discord_login.editors[0]"),
        "{e}"
    );
}

#[test]
fn a_shard_range_is_read_in_words_and_a_wrong_one_is_named() {
    let ok = |t: &str| ShardRange::parse(t).unwrap();
    assert_eq!(
        ok("0-3/8"),
        ShardRange {
            first: 0,
            last: 3,
            total: 8
        }
    );
    assert_eq!(
        ok(" 2/8 "),
        ShardRange {
            first: 2,
            last: 2,
            total: 8
        }
    );
    assert!(ok("0-3/8").has_dms() && !ok("4-7/8").has_dms());
    assert_eq!(ok("4-7/8").to_string(), "4-7/8");
    for (bad, says) in [
        ("0-8/8", "numbered 0 to 7"),
        ("3-1/8", "first shard comes after the last"),
        ("0-1/0", "must be 1 to"),
        ("0-3", "not a shard range"),
        ("a-b/c", "not a shard range"),
    ] {
        let e = ShardRange::parse(bad).unwrap_err();
        assert!(e.contains(says), "{bad}: {e}");
    }
    let (_dir, file) = folder();
    let src = GOOD.replace("[discord]\n", "[discord]\nshards = \"4-9/8\"\n");
    assert_ne!(src, GOOD, "the example has a [discord] section");
    let e = only_error(&file, &src);
    assert_eq!(e.key.as_deref(), Some("discord.shards"), "{e}");
    assert!(e.message.contains("numbered 0 to 7"), "{e}");
    let src = GOOD.replace("[discord]\n", "[discord]\nshards = \"0-3/8\"\n");
    assert_eq!(
        load_str(&file, &src)
            .unwrap()
            .discord
            .shards
            .map(|r| r.to_string()),
        Some("0-3/8".into())
    );
}
