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
//! - [`transcript`] — the JSON Lines transcript format `replay` reads.
//! - [`replay`] — runs a transcript through the engine and reports.
//! - [`cli`] — the `shopkeep` subcommands.

pub mod config;
pub mod core;
pub mod engine;
pub mod replay;
pub mod store;
pub mod transcript;
pub mod views;
pub mod reply;
pub mod eval;
