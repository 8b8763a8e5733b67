//! The one end-to-end test binary: the real serenity client against a fake
//! Discord on 127.0.0.1. Every end-to-end test is a module here, so serenity is
//! linked once instead of once per test file.

// Each test module uses part of the shared harness; the rest serves the others.
#[allow(dead_code)]
#[path = "../support/mod.rs"]
mod support;

mod browser;
mod fake_rest;
mod harness;
mod live;
mod poise_framework;
mod replier;
mod ticket_bot;
mod ticket_durability;
mod ticket_steps;
mod tickets;
