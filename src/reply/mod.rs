//! Reply templates and compliance: the handlebars implementation of the
//! core's [`Replies`](crate::core::replies::Replies) port.
//!
//! Marketing and compliance own the words; this module makes them safe to
//! edit. Templates are `templates/<name>.hbs` files, one reply kind per file,
//! variants separated by a line that is only `---`. A reply rotates to the
//! variant after the one last used in the conversation.
//!
//! # Values a template may use
//!
//! | value         | source                          | trusted |
//! |---------------|---------------------------------|---------|
//! | `asker`       | the asker's display name        | no: Discord-escaped |
//! | `brand`       | settings                        | yes |
//! | `category`    | the category's human name       | yes |
//! | `link`        | the category's approved link    | yes |
//! | `disclosure`  | the compliance disclosure       | yes |
//! | `disclaimer`  | the category's disclaimer       | yes |
//! | `staff_hours` | when staff answer               | yes |
//!
//! Absent values are empty strings, so `{{#if disclaimer}}…{{/if}}` works.
//! Helpers: `if`, `unless`, `eq`, `ne`, `and`, `or`, `not`. Anything else is
//! refused when the template loads (strict mode, checked statically and by
//! rendering every variant with sample values).
//!
//! # Safety by construction
//!
//! Handlebars' HTML escaping is switched off: `&amp;` means nothing in
//! Discord. Instead, untrusted values are made inert *before* rendering with
//! [`escape::discord_escape`], so even `{{{asker}}}` cannot inject markdown,
//! mentions or links. Then every rendering passes the compliance rules
//! ([`Rule`] ids): delivery rules (length, mentions, link domains) on the
//! exact text sent, content rules (disclosure, disclaimer, banned phrases,
//! competitors, prices) on the text with the asker's name masked, so the
//! rules judge the brand's words, not the customer's name.
//!
//! # Using it
//!
//! - Engine: [`LiveTemplates::load`] at start (refuses to start on any
//!   problem), pass it to the core as its `Replies`, keep the [`Watcher`]
//!   from [`LiveTemplates::watch`]`(`[`POLL_INTERVAL`]`)` until shutdown, and
//!   hand new settings to [`LiveTemplates::replace_settings`] when the config
//!   changes.
//! - `shopkeep check`: print each [`Problem`] from [`check()`]; exit non-zero
//!   if there are any.
//! - `shopkeep preview`: [`preview`] renders every variant of a template for
//!   one request and lists each [`Violation`], even for a non-compliant draft.
//!
//! # Layout
//!
//! - `settings`: the plain inputs ([`ReplySettings`], [`ComplianceRules`], …)
//! - `escape`: the Discord escape for user values
//! - `values`: the values a template sees
//! - `source`: splitting files into variants, file positions
//! - `lint`: static strict mode (unknown values and helpers)
//! - `text`: forgiving phrase search
//! - `compliance`: the rules over one rendered text
//! - `rules`: the rule ids
//! - `load`: reading and compiling template files into a [`TemplateSet`]
//! - `set`: [`TemplateSet`], rendering a request and checking it
//! - `check`: [`check()`] and [`Problem`] for `shopkeep check`
//! - `live`: [`LiveTemplates`] and the file watcher (hot reload)

pub mod check;
pub mod compliance;
pub mod escape;
pub mod lint;
pub mod live;
mod load;
pub mod rules;
pub mod set;
pub mod settings;
pub mod source;
pub mod text;
pub mod values;

pub use check::{check, preview, Problem};
pub use compliance::{Audience, Violation};
pub use live::{LiveTemplates, ReloadStatus, Watcher, POLL_INTERVAL};
pub use rules::Rule;
pub use set::{Checked, TemplateSet};
pub use settings::{
    CategoryReply, ComplianceRules, ReplySettings, TemplateNames, DEFAULT_BANNED_PHRASES,
};

#[cfg(test)]
mod tests;
