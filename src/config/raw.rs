//! Stage one of loading the configuration: the TOML file as written, parsed
//! with serde and `deny_unknown_fields`, without any judgement about values.
//!
//! Owns the file's shape (keys, types, defaults). Must not touch the
//! filesystem beyond what the caller hands in, nor validate meaning: that is
//! `config::validate`.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub brand: RawBrand,
    #[serde(default)]
    pub bot: RawBot,
    pub discord: RawDiscord,
    #[serde(default)]
    pub detector: RawDetector,
    #[serde(default)]
    pub limits: RawLimits,
    #[serde(default)]
    pub optout: RawOptOut,
    #[serde(default)]
    pub handoff: RawHandoff,
    #[serde(default)]
    pub compliance: RawCompliance,
    #[serde(default)]
    pub templates: RawTemplates,
    #[serde(default)]
    pub storage: RawStorage,
    #[serde(default)]
    pub marks: RawMarks,
    /// `[http]`: absent means no listener.
    #[serde(default)]
    pub http: Option<RawHttp>,
    #[serde(default)]
    pub catalogue: Vec<RawCategory>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBrand {
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub competitors: Vec<String>,
    #[serde(default)]
    pub staff_hours: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBot {
    #[serde(default = "default_mode")]
    pub mode: String,
}

impl Default for RawBot {
    fn default() -> Self {
        RawBot {
            mode: default_mode(),
        }
    }
}

fn default_mode() -> String {
    "shadow".into()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDiscord {
    pub watched_channels: Vec<String>,
    pub staff_channel: String,
    pub staff_role: String,
    #[serde(default)]
    pub api_base: Option<String>,
    /// Retries of a failed post (5xx, timeout) before it counts as failed.
    #[serde(default = "default_send_retries")]
    pub send_retries: u32,
    /// The gateway shards this process runs, e.g. "0-3/8".
    #[serde(default)]
    pub shards: Option<String>,
}

fn default_send_retries() -> u32 {
    3
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDetector {
    #[serde(default = "default_reply_at")]
    pub reply_at: f64,
    #[serde(default)]
    pub review_at: Option<f64>,
    #[serde(default)]
    pub review_to_staff: bool,
    #[serde(default)]
    pub reply_to_intent: bool,
    /// "embedded" (default), "rules", or a weights file from `shopkeep train`.
    #[serde(default)]
    pub model: Option<String>,
    /// The second stage: "embedded" (default), "off", or an encoder file
    /// written by `tools/encoder.py final` (with its `.sha256` and a
    /// `tokenizer.json` beside it).
    #[serde(default)]
    pub encoder: Option<String>,
}

impl Default for RawDetector {
    fn default() -> Self {
        RawDetector {
            reply_at: default_reply_at(),
            review_at: None,
            review_to_staff: false,
            reply_to_intent: false,
            model: None,
            encoder: None,
        }
    }
}

fn default_reply_at() -> f64 {
    0.6
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLimits {
    #[serde(default = "default_window")]
    pub window: String,
    #[serde(default = "default_per_bot")]
    pub per_bot: i64,
    #[serde(default = "default_per_server")]
    pub per_server: i64,
    #[serde(default = "default_per_channel")]
    pub per_channel: i64,
    #[serde(default = "default_per_thread")]
    pub per_thread: i64,
    #[serde(default = "default_user_cooldown")]
    pub user_cooldown: String,
    #[serde(default = "default_stale_after")]
    pub stale_after: String,
    #[serde(default)]
    pub quiet_hours: Option<RawQuietHours>,
    #[serde(default = "default_per_user_per_minute")]
    pub per_user_per_minute: i64,
}

impl Default for RawLimits {
    fn default() -> Self {
        RawLimits {
            window: default_window(),
            per_bot: default_per_bot(),
            per_server: default_per_server(),
            per_channel: default_per_channel(),
            per_thread: default_per_thread(),
            user_cooldown: default_user_cooldown(),
            stale_after: default_stale_after(),
            quiet_hours: None,
            per_user_per_minute: default_per_user_per_minute(),
        }
    }
}

fn default_window() -> String {
    "60m".into()
}
fn default_per_bot() -> i64 {
    60
}
fn default_per_server() -> i64 {
    20
}
fn default_per_channel() -> i64 {
    6
}
fn default_per_thread() -> i64 {
    2
}
fn default_user_cooldown() -> String {
    "24h".into()
}
fn default_per_user_per_minute() -> i64 {
    10
}
fn default_stale_after() -> String {
    "2m".into()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawQuietHours {
    pub timezone: String,
    pub start: String,
    pub end: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOptOut {
    #[serde(default = "default_stop_words")]
    pub stop_words: Vec<String>,
    #[serde(default = "default_start_words")]
    pub start_words: Vec<String>,
    #[serde(default = "default_reaction")]
    pub reaction: String,
}

impl Default for RawOptOut {
    fn default() -> Self {
        RawOptOut {
            stop_words: default_stop_words(),
            start_words: default_start_words(),
            reaction: default_reaction(),
        }
    }
}

fn default_stop_words() -> Vec<String> {
    [
        "stop",
        "no thanks",
        "no thank you",
        "unsubscribe",
        "leave me alone",
        "opt out",
        "don't message me",
        "dont message me",
    ]
    .map(String::from)
    .to_vec()
}
fn default_start_words() -> Vec<String> {
    ["start", "opt in", "subscribe"].map(String::from).to_vec()
}
fn default_reaction() -> String {
    "🔕".into()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHttp {
    #[serde(default = "default_http_bind")]
    pub bind: String,
    /// Staff log in to the web page with Discord (`[http.discord_login]`).
    #[serde(default)]
    pub discord_login: Option<RawDiscordLogin>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDiscordLogin {
    pub client_id: String,
    /// The environment variable holding the OAuth2 client secret (never
    /// the secret itself: config files get shared); SHOPKEEP_OAUTH_SECRET
    /// unless `client_secret_file` is given.
    #[serde(default)]
    pub client_secret_env: Option<String>,
    /// Or a file holding it (a Docker or systemd secret), relative to the
    /// config file.
    #[serde(default)]
    pub client_secret_file: Option<String>,
    pub redirect_url: String,
    #[serde(default = "default_authorize_url")]
    pub authorize_url: String,
    /// Discord user ids who may edit templates from the page.
    #[serde(default)]
    pub editors: Vec<String>,
}

fn default_authorize_url() -> String {
    "https://discord.com/oauth2/authorize".into()
}

fn default_http_bind() -> String {
    "127.0.0.1:9464".into()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMarks {
    #[serde(default = "default_mark_right")]
    pub right: String,
    #[serde(default = "default_mark_wrong")]
    pub wrong: String,
    #[serde(default = "default_true")]
    pub shadow_copies: bool,
}

impl Default for RawMarks {
    fn default() -> Self {
        RawMarks {
            right: default_mark_right(),
            wrong: default_mark_wrong(),
            shadow_copies: true,
        }
    }
}

fn default_mark_right() -> String {
    crate::core::marks::MarkEmojis::default().right
}
fn default_mark_wrong() -> String {
    crate::core::marks::MarkEmojis::default().wrong
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHandoff {
    #[serde(default = "default_handoff_phrases")]
    pub phrases: Vec<String>,
    #[serde(default = "default_note_prefix")]
    pub note_prefix: String,
    #[serde(default = "default_relay_as")]
    pub relay_as: String,
    #[serde(default = "default_unclaimed_alert")]
    pub unclaimed_alert: String,
}

impl Default for RawHandoff {
    fn default() -> Self {
        RawHandoff {
            phrases: default_handoff_phrases(),
            note_prefix: default_note_prefix(),
            relay_as: default_relay_as(),
            unclaimed_alert: default_unclaimed_alert(),
        }
    }
}

fn default_handoff_phrases() -> Vec<String> {
    [
        "talk to someone",
        "talk to a person",
        "talk to a human",
        "talk to a real person",
        "speak to someone",
        "speak to a person",
        "speak to a human",
        "speak to a real person",
        "speak to customer service",
        "contact customer service",
        "talk to sales",
        "speak to sales",
        "call me back",
    ]
    .map(String::from)
    .to_vec()
}
fn default_note_prefix() -> String {
    "!note".into()
}
fn default_relay_as() -> String {
    "display_name".into()
}
fn default_unclaimed_alert() -> String {
    "15m".into()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCompliance {
    #[serde(default = "default_max_length")]
    pub max_length: i64,
    #[serde(default)]
    pub disclosure: Option<String>,
    #[serde(default = "default_true")]
    pub default_banned_phrases: bool,
    #[serde(default)]
    pub banned_phrases: Vec<String>,
    #[serde(default)]
    pub allowed_domains: Vec<String>,
    #[serde(default = "default_true")]
    pub forbid_competitor_names: bool,
}

impl Default for RawCompliance {
    fn default() -> Self {
        RawCompliance {
            max_length: default_max_length(),
            disclosure: None,
            default_banned_phrases: true,
            banned_phrases: Vec::new(),
            allowed_domains: Vec::new(),
            forbid_competitor_names: true,
        }
    }
}

fn default_max_length() -> i64 {
    280
}
fn default_true() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTemplates {
    #[serde(default = "default_templates_dir")]
    pub dir: String,
    #[serde(default = "t_solicitation")]
    pub solicitation: String,
    #[serde(default = "t_multi_brand")]
    pub multi_brand: String,
    #[serde(default = "t_intent")]
    pub intent: String,
    #[serde(default = "t_handoff_public")]
    pub handoff_public: String,
    #[serde(default = "t_handoff_dm")]
    pub handoff_dm: String,
    #[serde(default = "t_opt_out")]
    pub opt_out: String,
    #[serde(default = "t_opt_in")]
    pub opt_in: String,
    #[serde(default = "t_staff_notice")]
    pub staff_notice: String,
}

impl Default for RawTemplates {
    fn default() -> Self {
        RawTemplates {
            dir: default_templates_dir(),
            solicitation: t_solicitation(),
            multi_brand: t_multi_brand(),
            intent: t_intent(),
            handoff_public: t_handoff_public(),
            handoff_dm: t_handoff_dm(),
            opt_out: t_opt_out(),
            opt_in: t_opt_in(),
            staff_notice: t_staff_notice(),
        }
    }
}

fn default_templates_dir() -> String {
    "../templates".into()
}
fn t_solicitation() -> String {
    "solicitation".into()
}
fn t_multi_brand() -> String {
    "multi_brand".into()
}
fn t_intent() -> String {
    "intent".into()
}
fn t_handoff_public() -> String {
    "handoff_public".into()
}
fn t_handoff_dm() -> String {
    "handoff_dm".into()
}
fn t_opt_out() -> String {
    "opt_out".into()
}
fn t_opt_in() -> String {
    "opt_in".into()
}
fn t_staff_notice() -> String {
    "staff_notice".into()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStorage {
    #[serde(default = "default_db_path")]
    pub path: String,
    #[serde(default = "default_retention")]
    pub retention: String,
}

impl Default for RawStorage {
    fn default() -> Self {
        RawStorage {
            path: default_db_path(),
            retention: default_retention(),
        }
    }
}

fn default_retention() -> String {
    "90d".into()
}

fn default_db_path() -> String {
    "shopkeep.db".into()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCategory {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    pub keywords: Vec<String>,
    pub link: String,
    #[serde(default)]
    pub template: Option<String>,
    #[serde(default)]
    pub disclaimer: Option<String>,
    #[serde(default)]
    pub prices_allowed: bool,
    #[serde(default)]
    pub handoff_only: bool,
}
