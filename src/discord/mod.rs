//! The Discord adapter: the only part of Shopkeep that imports serenity.
//!
//! It translates gateway events into the core's `Inbound`, queues them for
//! the one engine task that decides, and carries the core's actions out over
//! REST. It must not decide anything: product rules live in `core`.
//!
//! - [`translate`]: serenity message or reaction + cache → `Inbound` and its route.
//! - [`handler`]: the thin serenity event handler (translate, enqueue, done).
//! - [`runtime`]: the queue and the engine task (decisions in arrival order).
//! - [`outgoing`]: each action as a Discord message, with its allowed-mentions.
//! - [`deliver`]: posting with bounded retries, staleness, and the audit record.

pub mod deliver;
pub mod handler;
pub mod outgoing;
pub mod runtime;
pub mod translate;
