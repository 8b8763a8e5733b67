//! The port through which the core asks for reply text. The core decides
//! *which* reply (kind, template, category, variant to avoid); an
//! implementation renders it and checks it against the compliance rules.
//!
//! Owns only the contract. The handlebars implementation lives in
//! `crate::reply`; tests use small fakes.

use serde::{Deserialize, Serialize};

use super::model::RenderedReply;

/// The kinds of message the bot can say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplyKind {
    /// A public answer to a solicitation about a catalogue category.
    Solicitation,
    /// A public answer to a request addressed to several brands.
    MultiBrand,
    /// A public answer to someone who stated a plan to buy (off by default).
    Intent,
    /// Public acknowledgement that staff will take over (offers DMs).
    HandoffPublic,
    /// Acknowledgement in a DM that staff will take over.
    HandoffDm,
    /// Confirmation that the user will not be answered automatically again.
    OptOut,
    /// Confirmation that the user opted back in.
    OptIn,
    /// Notice posted to staff when a ticket opens.
    StaffNotice,
}

impl ReplyKind {
    /// Public kinds are seen by the whole channel (disclosure required).
    pub fn is_public(self) -> bool {
        matches!(
            self,
            ReplyKind::Solicitation
                | ReplyKind::MultiBrand
                | ReplyKind::Intent
                | ReplyKind::HandoffPublic
                | ReplyKind::OptOut
                | ReplyKind::OptIn
        )
    }
}

/// Everything an implementation needs to render one reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyRequest<'a> {
    pub kind: ReplyKind,
    /// Template name (file stem).
    pub template: &'a str,
    /// Catalogue category id, when the reply is about one.
    pub category: Option<&'a str>,
    /// The asker's display name (untrusted; the renderer escapes it).
    pub asker: &'a str,
    /// The variant last used in this conversation, to rotate away from.
    pub previous_variant: Option<usize>,
    /// Whether the message was sent publicly (disclosure applies) or in a DM.
    pub public: bool,
}

/// Why a reply could not be produced; the message goes to staff instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyRefused {
    pub template: String,
    /// Ids of the compliance rules (or `template.*` errors) that failed.
    pub rules: Vec<String>,
    /// Human-readable detail.
    pub message: String,
}

/// Renders and checks replies. Implementations must be pure (no I/O per call).
pub trait Replies {
    fn render(&self, req: &ReplyRequest<'_>) -> Result<RenderedReply, ReplyRefused>;
}
