//! The pure decision core: types, detector, catalogue, policy, state, limits
//! and the one `decide` entry point.
//!
//! Nothing in here performs I/O, reads the clock, spawns tasks or imports
//! serenity, sqlx or tokio. Time comes in as an argument; state comes in as a
//! value; what to do goes out as data.

pub mod catalogue;
pub mod decide;
pub mod detect;
pub mod flood;
pub mod limits;
pub mod marks;
pub mod model;
pub mod normalize;
pub mod policy;
pub mod replies;
pub mod state;
#[cfg(test)]
pub mod testing;
pub mod ticket_text;
pub mod tickets;
pub mod words;

pub use decide::{decide, decide_paced, Decision};
