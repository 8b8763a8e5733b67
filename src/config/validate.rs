//! Stage two of loading the configuration: judge the parsed values and build
//! the validated `Config`. Collects every problem (not just the first), each
//! with its key path and line.
//!
//! Owns the meaning of each setting. Touches the filesystem only to check
//! that named template files exist.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use chrono::{Duration, NaiveTime};

use super::locate::SourceMap;
use super::raw::*;
use super::{ConfigError, ConfigErrors};
use crate::core::catalogue::{Catalogue, Category as CoreCategory};
use crate::core::detect::{Detector, DetectorSettings, LearnedLayer};
use crate::core::policy::{Limits, Mode, Policy, QuietHours, TemplateNames};

#[derive(Debug, Clone, PartialEq)]
pub struct Brand {
    pub name: String,
    pub aliases: Vec<String>,
    pub competitors: Vec<String>,
    pub staff_hours: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DiscordSettings {
    pub watched_channels: Vec<String>,
    pub staff_channel: String,
    pub staff_role: String,
    pub api_base: Option<String>,
    /// Retries of a failed post (5xx, timeout) before it counts as failed.
    pub send_retries: u32,
    /// The shards this process runs; `None`: all of them (Discord's
    /// recommended count, one process).
    pub shards: Option<ShardRange>,
}

/// Logging in to the staff page with Discord OAuth2 (`[http.discord_login]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscordLoginSettings {
    pub client_id: String,
    /// Where the client secret is read from when the bot starts.
    pub client_secret: SecretSource,
    /// Where Discord sends the browser back: this listener's
    /// `/login/discord/done`, as the browser reaches it.
    pub redirect_url: String,
    /// Discord's consent page.
    pub authorize_url: String,
    /// Discord user ids who may edit templates from the page.
    pub editors: Vec<u64>,
}

/// The gateway shards one process runs (`[discord] shards`, or `shopkeep
/// run --shards`): `first` to `last` inclusive, of `total`. Every process
/// of a deployment gives the same `total`; together they cover 0 to
/// total - 1. Discord sends a guild's events to shard
/// `(guild_id >> 22) % total`, and DMs to shard 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardRange {
    pub first: u32,
    pub last: u32,
    pub total: u32,
}

impl ShardRange {
    /// Discord allows far fewer; a larger total is a typo.
    const MAX_TOTAL: u32 = 4096;

    /// Parse "0-3/8" (shards 0 to 3 of 8) or "2/8" (shard 2 of 8); the
    /// error says what is wrong in words.
    pub fn parse(text: &str) -> Result<ShardRange, String> {
        let text = text.trim();
        let usage = || {
            format!(
                "`{text}` is not a shard range such as \"0-3/8\" (shards 0 to 3 of 8) or \"2/8\""
            )
        };
        let (range, total) = text.split_once('/').ok_or_else(usage)?;
        let number = |s: &str| s.trim().parse::<u32>().map_err(|_| usage());
        let total = number(total)?;
        let (first, last) = match range.split_once('-') {
            Some((a, b)) => (number(a)?, number(b)?),
            None => {
                let n = number(range)?;
                (n, n)
            }
        };
        if total == 0 || total > Self::MAX_TOTAL {
            return Err(format!(
                "`{text}`: the total number of shards must be 1 to {}",
                Self::MAX_TOTAL
            ));
        }
        if first > last {
            return Err(format!("`{text}`: the first shard comes after the last"));
        }
        if last >= total {
            return Err(format!(
                "`{text}`: shards are numbered 0 to {} when there are {total}",
                total - 1
            ));
        }
        Ok(ShardRange { first, last, total })
    }

    /// Whether this process receives DMs (they arrive on shard 0).
    pub fn has_dms(&self) -> bool {
        self.first == 0
    }
}

impl std::fmt::Display for ShardRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}/{}", self.first, self.last, self.total)
    }
}

/// Where a secret is read from: never the config file itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// An environment variable.
    Env(String),
    /// A file (resolved against the config file's folder).
    File(PathBuf),
}

impl SecretSource {
    /// The secret, trimmed; the error names where it was looked for.
    pub fn read(&self, what: &str) -> anyhow::Result<String> {
        let secret = match self {
            SecretSource::Env(name) => std::env::var(name).map_err(|_| {
                anyhow::anyhow!("{what}: the environment variable {name} is not set")
            })?,
            SecretSource::File(path) => std::fs::read_to_string(path).map_err(|e| {
                anyhow::anyhow!(
                    "{what}: cannot read the secret file {}: {e}",
                    path.display()
                )
            })?,
        };
        let secret = secret.trim().to_string();
        if secret.is_empty() {
            anyhow::bail!("{what}: {} is empty", self.describe());
        }
        Ok(secret)
    }

    /// Where it is, for messages.
    pub fn describe(&self) -> String {
        match self {
            SecretSource::Env(name) => format!("the environment variable {name}"),
            SecretSource::File(path) => format!("the file {}", path.display()),
        }
    }
}

/// The path Discord sends the browser back to after consent.
pub const DISCORD_LOGIN_DONE: &str = "/login/discord/done";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelayAs {
    DisplayName,
    Anonymous,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HandoffSettings {
    pub phrases: Vec<String>,
    pub note_prefix: String,
    pub relay_as: RelayAs,
    pub unclaimed_alert: Duration,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Compliance {
    pub max_length: usize,
    pub disclosure: Option<String>,
    pub default_banned_phrases: bool,
    pub banned_phrases: Vec<String>,
    pub allowed_domains: Vec<String>,
    pub forbid_competitor_names: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Category {
    pub id: String,
    pub name: String,
    pub keywords: Vec<String>,
    pub link: String,
    pub template: String,
    pub disclaimer: Option<String>,
    pub prices_allowed: bool,
    pub handoff_only: bool,
}

/// How staff mark what the bot did (`[marks]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkSettings {
    /// The reactions meaning "right" and "wrong" on a bot reply or its
    /// shadow copy.
    pub emojis: crate::core::marks::MarkEmojis,
    /// Shadow mode posts each would-be reply to the staff channel.
    pub shadow_copies: bool,
}

/// A validated configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub path: PathBuf,
    pub brand: Brand,
    pub mode: Mode,
    pub discord: DiscordSettings,
    pub reply_at: f32,
    pub review_at: Option<f32>,
    pub review_to_staff: bool,
    pub reply_to_intent: bool,
    /// The detector's learned weights (`[detector] model`).
    pub learned: LearnedLayer,
    /// The detector's second stage (`[detector] encoder`), loaded and
    /// checked, or `None` when it is off.
    pub encoder: Option<std::sync::Arc<crate::core::detect::Encoder>>,
    pub limits: Limits,
    pub stop_words: Vec<String>,
    pub start_words: Vec<String>,
    pub optout_reaction: String,
    /// How staff mark replies (`[marks]`).
    pub marks: MarkSettings,
    /// Where `/metrics`, `/healthz` and `/readyz` listen (`[http] bind`);
    /// `None` when `[http]` is absent.
    pub http: Option<std::net::SocketAddr>,
    /// Staff log in to the web page with Discord (`[http.discord_login]`);
    /// `None` leaves local accounts as the only way in.
    pub discord_login: Option<DiscordLoginSettings>,
    pub handoff: HandoffSettings,
    pub compliance: Compliance,
    /// The templates directory, resolved against the config file's folder.
    pub templates_dir: PathBuf,
    pub templates: TemplateNames,
    /// The SQLite file, resolved against the config file's folder.
    pub storage_path: String,
    /// How long message texts (audit replies and cue words, relayed ticket
    /// messages, closing messages) are kept before they are deleted.
    pub retention: Duration,
    pub catalogue: Vec<Category>,
}

impl Config {
    /// The brand's own names: its name and every alias/handle.
    pub fn brand_names(&self) -> Vec<String> {
        let mut names = vec![self.brand.name.clone()];
        names.extend(self.brand.aliases.iter().cloned());
        names
    }

    pub fn detector_settings(&self) -> DetectorSettings {
        DetectorSettings {
            reply_at: self.reply_at,
            review_at: self.review_at,
            brand_names: self.brand_names(),
            competitors: self.brand.competitors.clone(),
            learned: self.learned.clone(),
            encoder: self.encoder.clone(),
        }
    }

    /// The core's policy for this configuration.
    pub fn policy(&self) -> Policy {
        let categories = self
            .catalogue
            .iter()
            .map(|c| CoreCategory {
                id: c.id.clone(),
                name: c.name.clone(),
                keywords: c.keywords.clone(),
                link: c.link.clone(),
                template: c.template.clone(),
                handoff_only: c.handoff_only,
            })
            .collect();
        Policy {
            mode: self.mode,
            watched_channels: self.discord.watched_channels.clone(),
            detector: Detector::new(self.detector_settings()),
            catalogue: Catalogue::new(categories),
            limits: self.limits.clone(),
            stop_words: self.stop_words.clone(),
            start_words: self.start_words.clone(),
            handoff_phrases: self.handoff.phrases.clone(),
            templates: self.templates.clone(),
            review_to_staff: self.review_to_staff,
            reply_to_intent: self.reply_to_intent,
        }
    }
}

/// Collects errors while validating.
pub(super) struct Check<'a> {
    pub(super) file: &'a Path,
    pub(super) map: &'a SourceMap,
    pub(super) errors: Vec<ConfigError>,
}

impl Check<'_> {
    pub(super) fn error(&mut self, key: &str, message: impl Into<String>) {
        self.error_named(key, key, message);
    }

    /// An error located by `key` (a dotted path with array indices) but
    /// shown as `shown`, e.g. a catalogue entry named by its id.
    fn error_named(&mut self, key: &str, shown: &str, message: impl Into<String>) {
        self.errors.push(ConfigError {
            file: self.file.to_path_buf(),
            key: Some(shown.to_string()),
            line: self.map.line_of(key),
            column: None,
            message: message.into(),
        });
    }

    fn quota(&mut self, key: &str, value: i64) -> u32 {
        if value < 1 {
            self.error(
                key,
                format!("must be a whole number of at least 1 (got {value}); to stop replies use mode = \"shadow\""),
            );
            return 1;
        }
        u32::try_from(value).unwrap_or(u32::MAX)
    }

    fn duration(&mut self, key: &str, text: &str) -> Duration {
        match parse_duration(text) {
            Ok(d) if d > Duration::zero() => d,
            Ok(_) => {
                self.error(key, "must be longer than zero");
                Duration::seconds(1)
            }
            Err(msg) => {
                self.error(key, msg);
                Duration::seconds(1)
            }
        }
    }

    fn non_empty(&mut self, key: &str, value: &str) {
        if value.trim().is_empty() {
            self.error(key, "must not be empty");
        }
    }

    fn template(&mut self, key: &str, dir: &Path, name: &str) {
        self.template_named(key, key, dir, name);
    }

    fn template_named(&mut self, key: &str, shown: &str, dir: &Path, name: &str) {
        if name.trim().is_empty() {
            self.error_named(key, shown, "must name a template");
            return;
        }
        let file = dir.join(format!("{name}.hbs"));
        if !file.is_file() {
            self.error_named(
                key,
                shown,
                format!(
                    "template `{name}` does not exist (expected {})",
                    file.display()
                ),
            );
        }
    }
}

/// Parse `90s`, `15m`, `24h`, `7d` or combinations such as `1h30m`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("is empty; expected a duration such as \"15m\" or \"24h\"".into());
    }
    let mut total = Duration::zero();
    let mut number = String::new();
    for c in t.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: i64 = number
            .parse()
            .map_err(|_| format!("`{t}` is not a duration such as \"15m\" or \"24h\""))?;
        number.clear();
        total += match c {
            's' => Duration::seconds(n),
            'm' => Duration::minutes(n),
            'h' => Duration::hours(n),
            'd' => Duration::days(n),
            _ => return Err(format!("`{t}` has unknown unit `{c}`; use s, m, h or d")),
        };
    }
    if !number.is_empty() {
        return Err(format!("`{t}` lacks a unit; write e.g. \"{number}m\""));
    }
    Ok(total)
}

fn parse_time(text: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M").ok()
}

fn is_http_url(s: &str) -> bool {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/') && !r.contains(' '))
}

fn validate_discord_login(
    c: &mut Check<'_>,
    base: &Path,
    d: &RawDiscordLogin,
) -> DiscordLoginSettings {
    let key = "http.discord_login";
    if d.client_id.trim().parse::<u64>().is_err() {
        c.error(
            &format!("{key}.client_id"),
            format!(
                "`{}` is not a Discord application id (a number, from the Developer Portal's OAuth2 page)",
                d.client_id
            ),
        );
    }
    let client_secret = match (&d.client_secret_env, &d.client_secret_file) {
        (Some(_), Some(_)) => {
            c.error(
                &format!("{key}.client_secret_file"),
                "give client_secret_env or client_secret_file, not both",
            );
            SecretSource::Env(String::new())
        }
        (_, Some(file)) => SecretSource::File(base.join(file.trim())),
        (env, None) => {
            let env = env.as_deref().unwrap_or("SHOPKEEP_OAUTH_SECRET").trim();
            if env.is_empty()
                || !env
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
            {
                c.error(
                    &format!("{key}.client_secret_env"),
                    format!(
                        "`{env}` is not an environment variable name; put the secret in the environment or a file, never in this file"
                    ),
                );
            }
            SecretSource::Env(env.to_string())
        }
    };
    let redirect = d.redirect_url.trim();
    let path = redirect
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
        .unwrap_or("");
    if !is_http_url(redirect) || !path.trim_end_matches('/').ends_with(DISCORD_LOGIN_DONE) {
        c.error(
            &format!("{key}.redirect_url"),
            format!(
                "`{redirect}` must be this listener's {DISCORD_LOGIN_DONE} as the browser reaches it, e.g. \"https://staff.example.com{DISCORD_LOGIN_DONE}\" (and listed as a redirect in the Developer Portal)"
            ),
        );
    }
    if !is_http_url(&d.authorize_url) {
        c.error(
            &format!("{key}.authorize_url"),
            format!("`{}` is not an http:// or https:// URL", d.authorize_url),
        );
    }
    let mut editors = Vec::new();
    for (i, id) in d.editors.iter().enumerate() {
        match id.trim().parse::<u64>() {
            Ok(id) => editors.push(id),
            Err(_) => c.error(
                &format!("{key}.editors[{i}]"),
                format!(
                    "`{id}` is not a Discord user id (a number; copy it with Developer Mode on)"
                ),
            ),
        }
    }
    DiscordLoginSettings {
        client_id: d.client_id.trim().to_string(),
        client_secret,
        redirect_url: redirect.to_string(),
        authorize_url: d.authorize_url.trim().to_string(),
        editors,
    }
}

/// The host of an http(s) URL, lower-cased.
pub fn url_host(s: &str) -> Option<String> {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))?;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?.split(':').next()?;
    Some(host.to_ascii_lowercase())
}

fn host_allowed(host: &str, domains: &[String]) -> bool {
    domains.iter().any(|d| {
        let d = d.trim().trim_start_matches("*.").to_ascii_lowercase();
        host == d || host.ends_with(&format!(".{d}"))
    })
}

pub(super) fn validate(
    path: &Path,
    map: &SourceMap,
    raw: RawConfig,
) -> Result<Config, ConfigErrors> {
    let mut c = Check {
        file: path,
        map,
        errors: Vec::new(),
    };
    let base = path.parent().unwrap_or(Path::new("."));

    c.non_empty("brand.name", &raw.brand.name);
    let mode = match raw.bot.mode.as_str() {
        "live" => Mode::Live,
        "shadow" => Mode::Shadow,
        other => {
            c.error(
                "bot.mode",
                format!("must be \"live\" or \"shadow\" (got \"{other}\")"),
            );
            Mode::Shadow
        }
    };

    let discord = validate_discord(&mut c, raw.discord);
    let (reply_at, review_at) = super::detector::validate(&mut c, &raw.detector);
    let learned = super::detector::learned_layer(&mut c, base, raw.detector.model.as_deref());
    let encoder = super::detector::encoder(&mut c, base, &raw.detector);
    let limits = validate_limits(&mut c, &raw.limits);

    if raw.optout.stop_words.iter().all(|w| w.trim().is_empty()) {
        c.error(
            "optout.stop_words",
            "must list at least one phrase; people must be able to opt out",
        );
    }
    let marks = validate_marks(&mut c, &raw.marks, &raw.optout.reaction);
    let http = raw.http.as_ref().and_then(|h| {
        let parsed = h.bind.trim().parse::<std::net::SocketAddr>();
        if parsed.is_err() {
            c.error(
                "http.bind",
                format!(
                    "`{}` is not an address and port such as \"127.0.0.1:9464\"",
                    h.bind
                ),
            );
        }
        parsed.ok()
    });
    let discord_login = raw
        .http
        .as_ref()
        .and_then(|h| h.discord_login.as_ref())
        .map(|d| validate_discord_login(&mut c, base, d));
    let handoff = validate_handoff(&mut c, raw.handoff);
    let compliance = validate_compliance(&mut c, raw.compliance);

    let templates_dir = base.join(&raw.templates.dir);
    if !templates_dir.is_dir() {
        c.error(
            "templates.dir",
            format!(
                "directory {} does not exist (relative paths start at the config file's folder)",
                templates_dir.display()
            ),
        );
    }
    let t = &raw.templates;
    let templates = TemplateNames {
        solicitation: t.solicitation.clone(),
        multi_brand: t.multi_brand.clone(),
        intent: t.intent.clone(),
        handoff_public: t.handoff_public.clone(),
        handoff_dm: t.handoff_dm.clone(),
        opt_out: t.opt_out.clone(),
        opt_in: t.opt_in.clone(),
        staff_notice: t.staff_notice.clone(),
    };
    if templates_dir.is_dir() {
        for (key, name) in [
            ("templates.solicitation", &templates.solicitation),
            ("templates.multi_brand", &templates.multi_brand),
            ("templates.intent", &templates.intent),
            ("templates.handoff_public", &templates.handoff_public),
            ("templates.handoff_dm", &templates.handoff_dm),
            ("templates.opt_out", &templates.opt_out),
            ("templates.opt_in", &templates.opt_in),
            ("templates.staff_notice", &templates.staff_notice),
        ] {
            c.template(key, &templates_dir, name);
        }
    }

    c.non_empty("storage.path", &raw.storage.path);
    let catalogue = validate_catalogue(
        &mut c,
        raw.catalogue,
        &templates,
        &templates_dir,
        &compliance,
    );

    let retention = c.duration("storage.retention", &raw.storage.retention);

    if !c.errors.is_empty() {
        return Err(ConfigErrors(c.errors));
    }
    Ok(Config {
        path: path.to_path_buf(),
        brand: Brand {
            name: raw.brand.name.trim().to_string(),
            aliases: raw.brand.aliases,
            competitors: raw.brand.competitors,
            staff_hours: raw.brand.staff_hours,
        },
        mode,
        discord,
        reply_at,
        review_at,
        review_to_staff: raw.detector.review_to_staff,
        reply_to_intent: raw.detector.reply_to_intent,
        learned,
        encoder,
        limits,
        stop_words: raw.optout.stop_words,
        start_words: raw.optout.start_words,
        optout_reaction: raw.optout.reaction,
        marks,
        http,
        discord_login,
        handoff,
        compliance,
        templates_dir,
        templates,
        storage_path: store_path(base, &raw.storage.path),
        retention,
        catalogue,
    })
}

fn validate_marks(c: &mut Check<'_>, m: &super::raw::RawMarks, optout: &str) -> MarkSettings {
    let emojis = crate::core::marks::MarkEmojis {
        right: m.right.trim().to_string(),
        wrong: m.wrong.trim().to_string(),
    };
    for (key, emoji) in [
        ("marks.right", &emojis.right),
        ("marks.wrong", &emojis.wrong),
    ] {
        if emoji.is_empty() {
            c.error(
                key,
                "must be an emoji (staff react with it to mark a reply)",
            );
        } else if emojis.mark_of(optout).is_some()
            && emojis.mark_of(emoji) == emojis.mark_of(optout)
        {
            c.error(
                key,
                format!(
                    "`{emoji}` is also [optout] reaction: a member opting out would read as a mark"
                ),
            );
        }
    }
    if !emojis.right.is_empty()
        && emojis.mark_of(&emojis.wrong) == Some(crate::core::marks::Mark::Right)
    {
        c.error(
            "marks.wrong",
            format!("`{}` is also marks.right", emojis.wrong),
        );
    }
    MarkSettings {
        emojis,
        shadow_copies: m.shadow_copies,
    }
}

fn validate_discord(c: &mut Check<'_>, d: RawDiscord) -> DiscordSettings {
    if d.watched_channels.is_empty() {
        c.error(
            "discord.watched_channels",
            "lists no channel; the bot would never answer anyone",
        );
    }
    let mut seen = HashSet::new();
    for (i, ch) in d.watched_channels.iter().enumerate() {
        let key = format!("discord.watched_channels[{i}]");
        if ch.trim().is_empty() {
            c.error(&key, "channel name or id must not be empty");
        } else if !seen.insert(ch.trim().to_lowercase()) {
            c.error(&key, format!("channel `{ch}` is listed twice"));
        }
    }
    c.non_empty("discord.staff_channel", &d.staff_channel);
    c.non_empty("discord.staff_role", &d.staff_role);
    if let Some(base) = &d.api_base {
        if !is_http_url(base) {
            c.error(
                "discord.api_base",
                format!("`{base}` is not an http:// or https:// URL"),
            );
        }
    }
    let shards = d
        .shards
        .as_deref()
        .and_then(|text| match ShardRange::parse(text) {
            Ok(range) => Some(range),
            Err(why) => {
                c.error("discord.shards", why);
                None
            }
        });
    if d.send_retries > 10 {
        c.error(
            "discord.send_retries",
            format!(
                "{} retries would post long after the customer asked; use 0 to 10",
                d.send_retries
            ),
        );
    }
    DiscordSettings {
        watched_channels: d
            .watched_channels
            .iter()
            .map(|s| s.trim().to_string())
            .collect(),
        staff_channel: d.staff_channel,
        staff_role: d.staff_role,
        api_base: d.api_base,
        send_retries: d.send_retries,
        shards,
    }
}

fn validate_limits(c: &mut Check<'_>, l: &RawLimits) -> Limits {
    let quiet_hours = l.quiet_hours.as_ref().and_then(|q| {
        let tz = q.timezone.parse::<chrono_tz::Tz>().ok();
        if tz.is_none() {
            c.error(
                "limits.quiet_hours.timezone",
                format!(
                    "`{}` is not an IANA time zone such as \"Europe/London\"",
                    q.timezone
                ),
            );
        }
        let start = parse_time(&q.start);
        if start.is_none() {
            c.error(
                "limits.quiet_hours.start",
                format!("`{}` is not a time such as \"22:00\"", q.start),
            );
        }
        let end = parse_time(&q.end);
        if end.is_none() {
            c.error(
                "limits.quiet_hours.end",
                format!("`{}` is not a time such as \"07:00\"", q.end),
            );
        }
        Some(QuietHours {
            timezone: tz?,
            start: start?,
            end: end?,
        })
    });
    Limits {
        window: c.duration("limits.window", &l.window),
        per_bot: c.quota("limits.per_bot", l.per_bot),
        per_server: c.quota("limits.per_server", l.per_server),
        per_channel: c.quota("limits.per_channel", l.per_channel),
        per_thread: c.quota("limits.per_thread", l.per_thread),
        user_cooldown: c.duration("limits.user_cooldown", &l.user_cooldown),
        stale_after: c.duration("limits.stale_after", &l.stale_after),
        quiet_hours,
        per_user_per_minute: c.quota("limits.per_user_per_minute", l.per_user_per_minute),
    }
}

fn validate_handoff(c: &mut Check<'_>, h: RawHandoff) -> HandoffSettings {
    let relay_as = match h.relay_as.as_str() {
        "display_name" => RelayAs::DisplayName,
        "anonymous" => RelayAs::Anonymous,
        other => {
            c.error(
                "handoff.relay_as",
                format!("must be \"display_name\" or \"anonymous\" (got \"{other}\")"),
            );
            RelayAs::DisplayName
        }
    };
    c.non_empty("handoff.note_prefix", &h.note_prefix);
    HandoffSettings {
        unclaimed_alert: c.duration("handoff.unclaimed_alert", &h.unclaimed_alert),
        phrases: h.phrases,
        note_prefix: h.note_prefix,
        relay_as,
    }
}

fn validate_compliance(c: &mut Check<'_>, r: RawCompliance) -> Compliance {
    if !(1..=2000).contains(&r.max_length) {
        c.error(
            "compliance.max_length",
            format!(
                "must be between 1 and 2000, Discord's limit (got {})",
                r.max_length
            ),
        );
    }
    for (i, d) in r.allowed_domains.iter().enumerate() {
        if d.trim().is_empty() || d.contains('/') || d.contains(' ') {
            c.error(
                &format!("compliance.allowed_domains[{i}]"),
                format!("`{d}` is not a bare domain such as \"example.com\""),
            );
        }
    }
    Compliance {
        max_length: r.max_length.clamp(1, 2000) as usize,
        disclosure: r.disclosure.filter(|d| !d.trim().is_empty()),
        default_banned_phrases: r.default_banned_phrases,
        banned_phrases: r.banned_phrases,
        allowed_domains: r.allowed_domains,
        forbid_competitor_names: r.forbid_competitor_names,
    }
}

fn validate_catalogue(
    c: &mut Check<'_>,
    raw: Vec<RawCategory>,
    names: &TemplateNames,
    dir: &Path,
    compliance: &Compliance,
) -> Vec<Category> {
    if raw.is_empty() {
        c.error(
            "catalogue",
            "lists no category; add at least one [[catalogue]] entry",
        );
    }
    let mut ids = HashSet::new();
    let mut out = Vec::new();
    for (i, cat) in raw.into_iter().enumerate() {
        // Located by index, shown by id: "catalogue[id=\"chairs\"].link"
        // (or "catalogue[entry 3]" when the id itself is missing).
        let shown_entry = if cat.id.trim().is_empty() {
            format!("catalogue[entry {}]", i + 1)
        } else {
            format!("catalogue[id=\"{}\"]", cat.id)
        };
        let at = |k: &str| (format!("catalogue[{i}].{k}"), format!("{shown_entry}.{k}"));
        let error = |c: &mut Check<'_>, k: &str, message: String| {
            let (key, shown) = at(k);
            c.error_named(&key, &shown, message);
        };
        if cat.id.trim().is_empty() {
            error(c, "id", "must not be empty".into());
        } else if !ids.insert(cat.id.clone()) {
            error(c, "id", format!("category `{}` is defined twice", cat.id));
        }
        if cat.keywords.iter().all(|k| k.trim().is_empty()) {
            error(c, "keywords", "must list at least one keyword".into());
        }
        match url_host(&cat.link) {
            Some(host) if is_http_url(&cat.link) => {
                if !compliance.allowed_domains.is_empty()
                    && !host_allowed(&host, &compliance.allowed_domains)
                {
                    error(
                        c,
                        "link",
                        format!("host `{host}` is not in compliance.allowed_domains"),
                    );
                }
            }
            _ => error(
                c,
                "link",
                format!("`{}` is not an http:// or https:// URL", cat.link),
            ),
        }
        let template = cat
            .template
            .clone()
            .unwrap_or_else(|| names.solicitation.clone());
        if cat.template.is_some() && dir.is_dir() {
            let (key, shown) = at("template");
            c.template_named(&key, &shown, dir, &template);
        }
        out.push(Category {
            name: cat
                .name
                .clone()
                .unwrap_or_else(|| cat.id.replace(['-', '_'], " ")),
            id: cat.id,
            keywords: cat.keywords,
            link: cat.link,
            template,
            disclaimer: cat.disclaimer.filter(|d| !d.trim().is_empty()),
            prices_allowed: cat.prices_allowed,
            handoff_only: cat.handoff_only,
        });
    }
    out
}

/// The store's path as the process will open it: `:memory:` as it is; a
/// relative path starts at the config file's folder (as the templates'
/// does), whatever folder `shopkeep` is run from, and is made absolute so
/// that every message naming the store says exactly where it is.
fn store_path(base: &Path, path: &str) -> String {
    if path == ":memory:" {
        return path.to_string();
    }
    let joined = base.join(path);
    std::path::absolute(&joined)
        .unwrap_or(joined)
        .display()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_accept_units_and_combinations() {
        assert_eq!(parse_duration("90s").unwrap(), Duration::seconds(90));
        assert_eq!(parse_duration("1h30m").unwrap(), Duration::minutes(90));
        assert_eq!(parse_duration("7d").unwrap(), Duration::days(7));
        assert!(parse_duration("10").unwrap_err().contains("lacks a unit"));
        assert!(parse_duration("5w").unwrap_err().contains("unknown unit"));
    }

    #[test]
    fn hosts_are_extracted_and_subdomains_allowed() {
        assert_eq!(
            url_host("https://shop.oak.example/x?y").as_deref(),
            Some("shop.oak.example")
        );
        assert!(host_allowed("shop.oak.example", &["oak.example".into()]));
        assert!(!host_allowed("evil-oak.example", &["oak.example".into()]));
    }
}
