use chrono::TimeZone;
use serenity::all::{MessageReference, ReactionType, WebhookId};

use super::*;

const BOT: UserId = UserId::new(1001);
const GUILD: GuildId = GuildId::new(2001);
const GENERAL: ChannelId = ChannelId::new(3001);
const THREAD: ChannelId = ChannelId::new(3002);
const ORPHAN: ChannelId = ChannelId::new(3003);

fn lookup(id: ChannelId) -> Option<ChannelInfo> {
    let info = |name: &str, parent: Option<ChannelId>| ChannelInfo {
        id,
        name: name.into(),
        thread_parent: parent,
    };
    match id.get() {
        3001 => Some(info("general", None)),
        3002 => Some(info("oak tables?", Some(GENERAL))),
        3003 => Some(info("lost thread", Some(ChannelId::new(3999)))),
        _ => None,
    }
}

fn user(id: u64, name: &str) -> User {
    let mut u = User::default();
    u.id = UserId::new(id);
    u.name = name.into();
    u
}

fn message(content: &str) -> Message {
    let mut m = Message::default();
    m.id = MessageId::new(5001);
    m.channel_id = GENERAL;
    m.guild_id = Some(GUILD);
    m.author = user(4001, "alice");
    m.content = content.into();
    m
}

fn general() -> Place {
    place(GUILD, GENERAL, lookup).unwrap()
}

#[test]
fn a_channel_message_is_placed_in_that_channel_by_id_and_name() {
    assert_eq!(
        general(),
        Place::Guild {
            guild: "2001".into(),
            channel: ChannelRef {
                id: "3001".into(),
                name: "general".into()
            },
            thread: None,
        }
    );
}

#[test]
fn a_thread_message_is_placed_in_the_parent_channel_with_the_thread_id() {
    let Place::Guild {
        channel, thread, ..
    } = place(GUILD, THREAD, lookup).unwrap()
    else {
        panic!("a guild place");
    };
    assert_eq!(channel.name, "general");
    assert_eq!(thread.as_deref(), Some("3002"));
}

#[test]
fn unknown_channels_and_parents_are_untranslatable() {
    let unknown = ChannelId::new(9);
    assert_eq!(
        place(GUILD, unknown, lookup),
        Err(Untranslatable::UnknownChannel { channel: unknown })
    );
    assert_eq!(
        place(GUILD, ORPHAN, lookup),
        Err(Untranslatable::UnknownParent { thread: ORPHAN })
    );
}

#[test]
fn the_staff_role_is_recognised_by_name_without_case_or_by_id() {
    let roles = [RoleId::new(7), RoleId::new(8)];
    let name = |id: RoleId| Some(if id.get() == 8 { "Staff" } else { "Member" }.to_string());
    let cases = [
        ("Staff", true),
        ("staff", true),
        ("8", true),
        ("Mods", false),
        ("9", false),
    ];
    for (wanted, held) in cases {
        assert_eq!(holds_role(&roles, name, wanted), held, "{wanted}");
    }
    assert!(!holds_role(&[], name, "Staff"));
}

#[test]
fn the_display_name_prefers_the_nickname_then_the_global_name() {
    let mut u = user(1, "alice_99");
    assert_eq!(display_name(&u, None), "alice_99");
    u.global_name = Some("Alice".into());
    assert_eq!(display_name(&u, None), "Alice");
    assert_eq!(display_name(&u, Some("Ali (oak fan)")), "Ali (oak fan)");
}

#[test]
fn a_plain_message_keeps_its_id_time_author_and_text() {
    let mut m = message("where can I buy an oak table?");
    m.timestamp = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap().into();
    let i = inbound(&m, BOT, general(), false);
    assert_eq!(i.id, "5001");
    assert_eq!(i.at, Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap());
    assert_eq!(i.author.id, "4001");
    assert_eq!(i.author.name, "alice");
    assert!(!i.author.bot && !i.author.webhook && !i.author.staff);
    assert_eq!(i.content, "where can I buy an oak table?");
    assert_eq!(i.reply_to, None);
    assert!(!i.mentions_bot);
}

#[test]
fn bots_the_bot_itself_webhooks_and_staff_are_flagged() {
    let mut m = message("hi");
    m.author.bot = true;
    assert!(inbound(&m, BOT, general(), false).author.bot);
    let mut own = message("hi");
    own.author = user(BOT.get(), "shopbot");
    assert!(inbound(&own, BOT, general(), false).author.bot);
    let mut hook = message("hi");
    hook.webhook_id = Some(WebhookId::new(77));
    assert!(inbound(&hook, BOT, general(), false).author.webhook);
    assert!(inbound(&message("hi"), BOT, general(), true).author.staff);
}

#[test]
fn mentions_are_listed_and_a_mention_of_the_bot_is_flagged() {
    let mut m = message("<@1001> <@4002> any deals?");
    m.mentions = vec![user(1001, "shopbot"), user(4002, "bob")];
    let i = inbound(&m, BOT, general(), false);
    assert_eq!(i.mentions, vec!["1001", "4002"]);
    assert!(i.mentions_bot);
}

#[test]
fn a_reply_to_the_bot_is_told_apart_from_a_reply_to_someone_else() {
    let mut to_bot = message("stop");
    let mut bots = message("hello from the bot");
    bots.id = MessageId::new(6001);
    bots.author = user(BOT.get(), "shopbot");
    to_bot.referenced_message = Some(Box::new(bots));
    assert_eq!(
        inbound(&to_bot, BOT, general(), false).reply_to,
        Some(ReplyTo::Bot)
    );

    let mut to_other = message("agreed");
    let mut other = message("oak is great");
    other.id = MessageId::new(6002);
    to_other.referenced_message = Some(Box::new(other));
    assert_eq!(
        inbound(&to_other, BOT, general(), false).reply_to,
        Some(ReplyTo::Message("6002".into()))
    );
}

#[test]
fn a_reply_to_a_deleted_message_keeps_the_referenced_id() {
    let mut m = message("what?");
    m.message_reference = Some(MessageReference::from((GENERAL, MessageId::new(6003))));
    assert_eq!(
        inbound(&m, BOT, general(), false).reply_to,
        Some(ReplyTo::Message("6003".into()))
    );
}

#[test]
fn an_optout_reaction_reads_as_a_stop_word_replied_to_the_bot() {
    let reactor = Reactor {
        id: UserId::new(4001),
        name: "alice".into(),
        bot: false,
        staff: false,
    };
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap();
    let i = optout_inbound(MessageId::new(6001), &reactor, Place::Dm, "stop", now);
    assert_eq!(i.id, "reaction:6001:4001");
    assert_eq!(i.content, "stop");
    assert_eq!(i.reply_to, Some(ReplyTo::Bot));
    assert_eq!(i.at, now);
    assert_eq!(i.author.id, "4001");
}

#[test]
fn only_the_configured_emoji_is_an_optout_reaction() {
    let bell = ReactionType::Unicode("🔕".into());
    let thumbs = ReactionType::Unicode("👍".into());
    assert!(is_optout_emoji(&bell, "🔕"));
    assert!(!is_optout_emoji(&thumbs, "🔕"));
    let custom: ReactionType = serde_json::from_value(serde_json::json!(
        {"id": "42", "name": "nope", "animated": false}
    ))
    .unwrap();
    assert!(is_optout_emoji(&custom, "nope:42"));
    assert!(!is_optout_emoji(&custom, "🔕"));
}

#[test]
fn configured_names_match_ids_names_without_case_and_a_leading_hash() {
    assert!(names("3009", "staff-desk", "staff-desk"));
    assert!(names("3009", "staff-desk", "#Staff-Desk"));
    assert!(names("3009", "staff-desk", "3009"));
    assert!(!names("3009", "staff-desk", "general"));
}
