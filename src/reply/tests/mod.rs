//! Tests of the reply layer as a whole: the shipped templates (snapshots),
//! the "Done when" list of issue 4, injection attempts and hot reload.
//! Unit tests of single functions live beside them.

mod done_when;
pub(crate) mod fixtures;
mod injection;
mod live;
mod refusals;
mod shipped;
