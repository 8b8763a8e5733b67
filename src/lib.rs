//! Shopkeep: a Discord bot that answers people who ask, in public, to be sold
//! to — briefly, compliantly and rarely — and hands the rest to human staff.

pub mod core;
pub mod eval;
