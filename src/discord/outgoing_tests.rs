use serde_json::{json, Value};

use super::*;
use crate::core::model::ChannelRef;
use crate::discord::translate::StaffDesk;

fn general(thread: Option<&str>) -> Place {
    Place::Guild {
        guild: "2001".into(),
        channel: ChannelRef {
            id: "3001".into(),
            name: "general".into(),
        },
        thread: thread.map(String::from),
    }
}

fn reply_to(to_message: &str, place: Place) -> Action {
    Action::ReplyInChannel {
        place,
        to_message: to_message.into(),
        mention_user: "4001".into(),
        text: "Oak & Thistle's bot: try our tables".into(),
    }
}

fn body(out: &Outgoing) -> Value {
    serde_json::to_value(&out.message).unwrap()
}

fn desk() -> Route {
    Route {
        dm_channel: None,
        staff: Some(StaffDesk {
            channel: ChannelId::new(3009),
            role: Some(RoleId::new(7001)),
        }),
    }
}

#[test]
fn a_reply_references_the_asker_and_may_ping_only_the_asker() {
    let out = build(
        &reply_to("5001", general(None)),
        &Route::default(),
        &general(None),
    )
    .unwrap();
    assert_eq!(out.channel, ChannelId::new(3001));
    assert_eq!(out.kind, OutgoingKind::Customer);
    let b = body(&out);
    assert_eq!(b["content"], "Oak & Thistle's bot: try our tables");
    assert_eq!(b["message_reference"]["message_id"], "5001");
    assert_eq!(
        b["allowed_mentions"],
        json!({"parse": [], "users": ["4001"], "roles": [], "replied_user": true})
    );
}

#[test]
fn a_reply_in_a_thread_goes_to_the_thread() {
    let out = build(
        &reply_to("5001", general(Some("3002"))),
        &Route::default(),
        &general(Some("3002")),
    )
    .unwrap();
    assert_eq!(out.channel, ChannelId::new(3002));
}

#[test]
fn an_optout_by_reaction_answers_the_reacted_bot_message() {
    let action = reply_to("reaction:6001:4001", general(None));
    let out = build(&action, &Route::default(), &general(None)).unwrap();
    assert_eq!(body(&out)["message_reference"]["message_id"], "6001");
}

#[test]
fn a_dm_goes_to_the_known_dm_channel_or_asks_for_one() {
    let action = Action::SendDm {
        user: "4001".into(),
        text: "A person will reply here.".into(),
    };
    let route = Route {
        dm_channel: Some(ChannelId::new(8001)),
        staff: None,
    };
    let out = build(&action, &route, &Place::Dm).unwrap();
    assert_eq!(out.channel, ChannelId::new(8001));
    assert_eq!(
        body(&out)["allowed_mentions"],
        json!({"parse": [], "users": ["4001"], "roles": []})
    );
    assert_eq!(
        build(&action, &Route::default(), &Place::Dm).unwrap_err(),
        Unroutable::NeedDmChannel(UserId::new(4001))
    );
}

fn handoff(name: &str) -> Action {
    Action::OpenHandoff {
        user: "4001".into(),
        user_name: name.into(),
        trigger: HandoffTrigger::AskedForPerson {
            words: "talk to a person".into(),
        },
        message_id: "5001".into(),
    }
}

#[test]
fn a_staff_notice_names_the_customer_and_trigger_and_pings_only_the_staff_role() {
    let out = build(&handoff("alice"), &desk(), &general(None)).unwrap();
    assert_eq!(out.channel, ChannelId::new(3009));
    assert_eq!(out.kind, OutgoingKind::StaffNotice);
    let b = body(&out);
    assert_eq!(
        b["content"],
        "<@&7001> Hand-off: alice (<@4001>) — asked for a person (\"talk to a person\"), \
         at https://discord.com/channels/2001/3001/5001."
    );
    assert_eq!(
        b["allowed_mentions"],
        json!({"parse": [], "users": [], "roles": ["7001"], "replied_user": false})
    );
}

#[test]
fn a_staff_notice_for_a_dm_says_so_and_a_missing_desk_is_an_error() {
    let b = body(&build(&handoff("alice"), &desk(), &Place::Dm).unwrap());
    assert!(b["content"].as_str().unwrap().ends_with("in a DM."));
    assert_eq!(
        build(&handoff("alice"), &Route::default(), &Place::Dm).unwrap_err(),
        Unroutable::NoStaffDesk
    );
}

#[test]
fn a_hostile_customer_name_is_inert_in_a_staff_notice() {
    let b = body(&build(&handoff("@everyone **x** <@&7001>"), &desk(), &Place::Dm).unwrap());
    let text = b["content"].as_str().unwrap();
    assert!(!text.contains("@everyone"), "{text}");
    assert!(!text.contains("**x**"), "{text}");
    assert_eq!(text.matches("<@&7001>").count(), 1, "{text}");
}

#[test]
fn ids_that_are_not_snowflakes_are_refused() {
    let err = build(
        &reply_to("not-an-id", general(None)),
        &Route::default(),
        &Place::Dm,
    );
    assert_eq!(err.unwrap_err(), Unroutable::BadId("not-an-id".into()));
}

#[test]
fn a_shadow_copy_quotes_the_would_be_reply_links_the_ask_and_pings_no_one() {
    let emojis = crate::core::marks::MarkEmojis::default();
    let copy = ShadowCopy {
        origin: &general(None),
        message_id: "5001",
        user_name: "@everyone_fan",
        score: Some(0.734),
        category: Some("dining-tables"),
        template: "solicitation",
        text: "Oak & Thistle's bot: try our tables\nhttps://example.test",
        emojis: &emojis,
    };
    let out = shadow_copy(ChannelId::new(3009), &copy);
    assert_eq!(out.channel, ChannelId::new(3009));
    let b = body(&out);
    assert_eq!(
        b["allowed_mentions"],
        json!({"parse": [], "roles": [], "users": []})
    );
    let text = b["content"].as_str().unwrap();
    assert!(
        text.starts_with("Shadow: would have replied to @\u{200B}everyone\\_fan at https://discord.com/channels/2001/3001/5001 (score 0.73, dining-tables, template `solicitation`):"),
        "{text}"
    );
    assert!(
        text.contains("\n> Oak & Thistle's bot: try our tables\n> https://example.test\n"),
        "{text}"
    );
    assert!(
        text.ends_with("Mark it: ✅ right · ❌ wrong (or Apps ▸ Shopkeep: right / wrong)."),
        "{text}"
    );
}
