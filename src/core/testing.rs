//! Shared fixtures for tests of the core and the engine: a fake reply
//! renderer, a small policy for an oak-furniture brand, message builders.
//! Compiled only for tests.

use chrono::{TimeZone, Utc};

use super::catalogue::{Catalogue, Category};
use super::detect::{Detector, DetectorSettings};
use super::model::{Author, ChannelRef, Inbound, Place, RenderedReply, Timestamp};
use super::policy::{Limits, Mode, Policy, TemplateNames};
use super::replies::{Replies, ReplyRefused, ReplyRequest};

/// A message every detector must call a solicitation about dining tables.
pub const ASK: &str = "where can I buy a solid oak dining table? any deals?";

/// Renders `<template>#<variant> to <asker>`; refuses the template `broken`.
pub struct FakeReplies;

impl Replies for FakeReplies {
    fn render(&self, req: &ReplyRequest<'_>) -> Result<RenderedReply, ReplyRefused> {
        if req.template == "broken" {
            return Err(ReplyRefused {
                template: "broken".into(),
                rules: vec!["phrase.banned".into()],
                message: "says act now".into(),
            });
        }
        let variant = req.previous_variant.map_or(0, |v| (v + 1) % 2);
        Ok(RenderedReply {
            template: req.template.to_string(),
            variant,
            text: format!("{}#{variant} to {}", req.template, req.asker),
        })
    }
}

pub fn policy() -> Policy {
    Policy {
        mode: Mode::Live,
        watched_channels: vec!["general".into(), "deals".into()],
        detector: Detector::new(DetectorSettings {
            brand_names: vec!["Oak & Thistle".into(), "@OakAndThistle".into()],
            competitors: vec!["Birch Barn".into(), "@BirchBarn".into()],
            ..DetectorSettings::default()
        }),
        catalogue: Catalogue::new(vec![
            Category {
                id: "dining-tables".into(),
                name: "dining tables".into(),
                keywords: vec!["dining table".into(), "table".into()],
                link: "https://oak.example/tables".into(),
                template: "solicitation".into(),
                handoff_only: false,
            },
            Category {
                id: "kitchens".into(),
                name: "fitted kitchens".into(),
                keywords: vec!["kitchen".into()],
                link: "https://oak.example/kitchens".into(),
                template: "solicitation".into(),
                handoff_only: true,
            },
        ]),
        limits: Limits::default(),
        stop_words: vec!["stop".into(), "no thanks".into()],
        start_words: vec!["start".into()],
        handoff_phrases: vec!["talk to someone".into()],
        templates: TemplateNames::default(),
        review_to_staff: false,
        reply_to_intent: false,
    }
}

pub fn t0() -> Timestamp {
    Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap()
}

pub fn msg(id: &str, user: &str, channel: &str, content: &str) -> Inbound {
    Inbound {
        id: id.into(),
        at: t0(),
        author: Author {
            id: user.into(),
            name: user.into(),
            bot: false,
            staff: false,
            webhook: false,
        },
        place: Place::Guild {
            guild: "g1".into(),
            channel: ChannelRef::named(channel),
            thread: None,
        },
        content: content.into(),
        mentions: vec![],
        mentions_bot: false,
        reply_to: None,
    }
}

pub fn dm(id: &str, user: &str, content: &str) -> Inbound {
    Inbound {
        place: Place::Dm,
        ..msg(id, user, "", content)
    }
}
