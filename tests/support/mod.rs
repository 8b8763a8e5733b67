//! Shared support for the end-to-end tests: a fake Discord on 127.0.0.1
//! ([`fake_discord`]), the Discord payloads it serves ([`fixtures`]) and a
//! running real serenity client pointed at it ([`client`]).
//!
//! Nothing here knows Shopkeep's rules; tests bring the handler under test.

pub mod client;
pub mod fake_discord;
pub mod fixtures;
