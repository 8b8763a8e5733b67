//! The Discord adapter: the only part of Shopkeep that imports serenity or poise.
//!
//! It owns how we talk to Discord — the gateway intents we ask for, the bot token
//! (kept out of logs), the REST client and its safety defaults, and the invite URL.
//! It must not decide anything: product rules live in `core`, and this adapter only
//! translates events in and actions out.
//!
//! - [`token`]: the bot token, read from `DISCORD_TOKEN` and redacted everywhere.
//! - [`client`]: intents, the REST client (`build_http`) and the client builder seam
//!   that tests point at a fake Discord on loopback.
//! - [`invite`]: the OAuth2 URL that adds the bot with the least permissions.
//! - [`tickets`]: the ticket desk — routing every message, opening a ticket
//!   thread or adding to it; [`relay`]: delivery both ways with retries,
//!   re-delivery, reminders; [`lifecycle`]: claim, close, block, periodic
//!   work; [`staff`]: the staff slash commands (poise).

pub mod client;
pub mod invite;
pub mod lifecycle;
pub mod notice;
pub mod relay;
pub mod staff;
pub mod tickets;
pub mod token;

pub use client::{build_http, client_builder, intents};
pub use invite::invite_url;
pub use token::{Token, TokenError};
