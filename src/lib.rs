//! Shopkeep: a Discord bot that answers people who ask, in public, to be sold
//! to — briefly, compliantly and rarely — and hands the rest to human staff.
//!
//! # Layout
//!
//! - [`core`] — the pure decision core: message and action types, the
//!   detector, the catalogue (relevance gate), policy, state, limits and
//!   `decide`. No I/O.
//! - [`config`] — the TOML file, parsed then validated, into `Config` and the
//!   core's `Policy`.
//! - [`store`] — SQLite persistence (decisions, audit, opt-outs, cooldowns).
//! - [`engine`] — the shell: message → core → store → actions.
//! - [`discord`] — the only serenity/poise importer: intents, the redacted
//!   token, the REST client (optionally via an API base), the invite URL,
//!   the live loop (events in, the core's actions out, `run`) and the
//!   ticket desk (staff threads, relays both ways, staff commands).
//! - [`transcript`] — the JSON Lines transcript format `replay` reads.
//! - [`reply`] — handlebars templates, Discord escaping, compliance checks
//!   and hot reload; implements the core's `Replies` port.
//! - [`replay`] — runs a transcript through the engine and reports.
//! - [`eval`] — measures the detector on labelled files, per family.
//! - [`train`] — fits the learned layer; [`lofo`] — the leave-one-family-out
//!   figure for both stages and their combination.
//! - [`feedback`] — staff marks on the command line: `feedback` (list,
//!   export as labelled data), `report` (a period and the go-live
//!   recommendation) and `tune --feedback` (a per-server `reply_at`).
//! - [`metrics`] and [`http`] — Prometheus metrics and the `[http]`
//!   listener (`/metrics`, `/healthz`, `/readyz`).
//! - [`web`] — the staff web page (login, overview, tickets, audit,
//!   templates with a live preview) on the `[http]` listener.
//! - [`views`] — readable and CSV output of audit records and tickets.
//! - [`ticket_commands`] — `shopkeep tickets close` and `reassign`: staff
//!   changes from the command line, carried out by the running bot.
//! - [`app`] — wiring from config to the reply layer; `preview`.
//! - [`init`] — `shopkeep init`: a brand's first config and templates.
//! - [`cli`] — the `shopkeep` subcommands.

pub mod app;
pub mod cli;
pub mod config;
pub mod core;
pub mod discord;
pub mod engine;
pub mod eval;
pub mod feedback;
pub mod http;
pub mod init;
pub mod init_prompt;
pub mod lofo;
pub mod metrics;
pub mod reload;
pub mod replay;
pub mod reply;
pub mod store;
pub mod ticket_commands;
pub mod train;
pub mod transcript;
pub mod views;
pub mod web;
