//! The Discord adapter: the only part of Shopkeep that imports serenity or poise.
//!
//! It owns how we talk to Discord — the gateway intents we ask for, the bot token
//! (kept out of logs), the REST client and its safety defaults, the invite URL —
//! and the live loop: gateway events translated into the core's `Inbound`, queued
//! for the one engine task that decides, and the core's actions carried out over
//! REST. It must not decide anything: product rules live in `core`, and this
//! adapter only translates events in and actions out.
//!
//! - [`token`]: the bot token, read from `DISCORD_TOKEN` and redacted everywhere.
//! - [`client`]: intents, the REST client (`build_http`) and the client builder seam
//!   that tests point at a fake Discord on loopback.
//! - [`invite`]: the OAuth2 URL that adds the bot with the least permissions.
//! - [`translate`]: serenity message or reaction + cache → `Inbound` and its route.
//! - [`handler`]: the thin serenity event handler (translate, enqueue, done).
//! - [`runtime`]: the queue and the engine task (decisions in arrival order).
//! - [`outgoing`]: each action as a Discord message, with its allowed-mentions.
//! - [`deliver`]: posting with bounded retries, staleness, and the audit record.
//! - [`run`]: `shopkeep run` — start-up checks, wiring, graceful shutdown.
//! - [`tickets`]: the ticket desk — routing every message, opening a ticket
//!   thread or adding to it; [`relay`]: delivery both ways with retries,
//!   re-delivery, reminders; [`lifecycle`]: claim, close, block, periodic
//!   work; [`staff`]: the staff slash commands (poise).

pub mod client;
pub mod deliver;
pub mod directory;
pub mod handler;
pub mod invite;
pub mod lifecycle;
pub mod marks;
pub mod notice;
pub mod outgoing;
pub mod relay;
pub mod run;
pub mod runtime;
pub mod staff;
pub mod tickets;
pub mod token;
pub mod translate;

pub use client::{build_http, client_builder, intents};
pub use invite::invite_url;
pub use run::{run, run_from_env};
pub use token::{Token, TokenError};
