//! Who gets a reply, what it says and whom it may ping.

use axum::http::Method;
use serde_json::json;

use super::{start_bot, ASK};
use crate::support::fixtures::{
    user_json, MessageJson, ALICE, BOB, DEALS, EVERYONE_NAMED, GENERAL, RANDOM, STAFFER,
    STAFF_DESK, STAFF_ROLE,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_solicitation_in_a_watched_channel_gets_one_reply_that_pings_only_the_asker() {
    let bot = start_bot(|_| {}).await;
    bot.say(10_001, GENERAL, &ALICE, ASK);

    let post = bot.reply_to(10_001).await;
    assert_eq!(post.route(), format!("/channels/{GENERAL}/messages"));
    let body = post.json();
    assert_eq!(body["content"], bot.expected_solicitation_reply("alice"));
    assert_eq!(
        body["allowed_mentions"],
        json!({"parse": [], "users": [ALICE.id.to_string()], "roles": [], "replied_user": true})
    );

    bot.say(10_002, DEALS, &BOB, ASK);
    bot.reply_to(10_002).await;
    let done = bot.finish().await;
    assert_eq!(done.posts_replying_to(10_001).len(), 1);
    let record = done.record(10_001);
    assert_eq!(
        (record.reason_code.as_str(), record.delivery.as_str()),
        ("solicitation", "sent")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_complaint_and_a_message_in_an_unwatched_channel_get_no_reply() {
    let bot = start_bot(|_| {}).await;
    let complaint =
        "I bought an oak table from you last month and it arrived cracked. Terrible service.";
    bot.say(11_001, GENERAL, &ALICE, complaint);
    bot.say(11_002, RANDOM, &BOB, ASK);
    // Barrier: a later solicitation that is answered.
    bot.say(11_003, GENERAL, &EVERYONE_NAMED, ASK);
    bot.reply_to(11_003).await;

    let done = bot.finish().await;
    assert!(done.posts_replying_to(11_001).is_empty());
    assert!(done.posts_replying_to(11_002).is_empty());
    assert!(done.posts_in(RANDOM).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_solicitations_is_cut_to_the_channel_quota() {
    let bot = start_bot(|c| c.limits.per_channel = 3).await;
    for n in 0..8_u64 {
        let asker = user_json(4100 + n, &format!("shopper{n}"));
        let d = MessageJson::new(12_001 + n, GENERAL, asker, ASK)
            .in_guild(vec![])
            .build();
        bot.fake.dispatch("MESSAGE_CREATE", d);
    }
    bot.say(12_100, DEALS, &ALICE, ASK);
    bot.reply_to(12_100).await;

    let done = bot.finish().await;
    assert_eq!(
        done.posts_in(GENERAL).len(),
        3,
        "{}",
        done.fake.describe_requests()
    );
    let held = (12_001..12_009)
        .filter(|&id| done.record(id).reason_code == "channel_quota")
        .count();
    assert_eq!(held, 5, "the other five are held back by the channel quota");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bots_own_echoed_reply_is_not_answered() {
    let bot = start_bot(|_| {}).await;
    bot.say(13_001, GENERAL, &ALICE, ASK);
    bot.reply_to(13_001).await;
    // The fake echoed that reply as MESSAGE_CREATE from the bot; an
    // explicit bot-authored solicitation too:
    let mut shopbot = user_json(4200, "otherbot");
    shopbot["bot"] = json!(true);
    let d = MessageJson::new(13_002, GENERAL, shopbot, ASK)
        .in_guild(vec![])
        .build();
    bot.fake.dispatch("MESSAGE_CREATE", d);
    bot.say(13_003, DEALS, &BOB, ASK);
    bot.reply_to(13_003).await;

    let done = bot.finish().await;
    assert!(done.posts_replying_to(13_002).is_empty());
    let posts = done.posts_in(GENERAL).len() + done.posts_in(DEALS).len();
    assert_eq!(posts, 2, "one reply to alice, one to bob; none to an echo");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_named_everyone_is_answered_without_pinging_anyone_else() {
    let bot = start_bot(|_| {}).await;
    bot.say(14_001, GENERAL, &EVERYONE_NAMED, ASK);

    let body = bot.reply_to(14_001).await.json().clone();
    assert_eq!(
        body["allowed_mentions"],
        json!({"parse": [], "users": [EVERYONE_NAMED.id.to_string()], "roles": [], "replied_user": true})
    );
    let text = body["content"].as_str().unwrap();
    assert!(
        !text.contains("@everyone"),
        "the name is defused in the text too: {text}"
    );
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_are_never_answered() {
    let bot = start_bot(|_| {}).await;
    bot.say(15_001, GENERAL, &STAFFER, ASK);
    bot.say(15_002, GENERAL, &ALICE, ASK);
    bot.reply_to(15_002).await;

    let done = bot.finish().await;
    assert!(done.posts_replying_to(15_001).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn asking_for_a_person_opens_a_ticket_thread_pinging_only_the_staff_role() {
    let bot = start_bot(|_| {}).await;
    bot.say(
        16_001,
        GENERAL,
        &BOB,
        "can I talk to a person about a made to measure table?",
    );

    let ack = bot.reply_to(16_001).await;
    assert_eq!(
        ack.json()["allowed_mentions"]["users"],
        json!([BOB.id.to_string()])
    );
    let notice = bot
        .fake
        .wait_for_request(0, crate::support::client::PROMPTLY, |r| {
            r.body
                .as_ref()
                .and_then(|b| b["content"].as_str())
                .is_some_and(|c| c.contains("**Ticket #1**"))
        })
        .await;
    let body = notice.json();
    assert_eq!(
        body["allowed_mentions"],
        json!({"parse": [], "users": [], "roles": [STAFF_ROLE.to_string()]})
    );
    let text = body["content"].as_str().unwrap();
    assert!(
        text.starts_with(&format!("<@&{STAFF_ROLE}> **Ticket #1**")),
        "{text}"
    );
    assert!(text.contains("asked for a person"), "{text}");
    let done = bot.finish().await;
    let threads = format!("/channels/{STAFF_DESK}/threads");
    assert_eq!(done.fake.requests_to(&Method::POST, &threads).len(), 1);
    assert!(
        done.posts_in(STAFF_DESK).is_empty(),
        "the hand-off is a thread, not a plain notice: {}",
        done.fake.describe_requests()
    );
}

/// MESSAGE_REACTION_ADD: `person` puts `emoji` on bot message `message`.
fn reaction_on_bot_message(
    person: &crate::support::fixtures::Person,
    message: u64,
    emoji: &str,
) -> serde_json::Value {
    use crate::support::fixtures::{member_json, BOT_ID, GUILD_ID};
    json!({
        "user_id": person.id.to_string(), "channel_id": GENERAL.to_string(),
        "message_id": message.to_string(), "guild_id": GUILD_ID.to_string(),
        "member": member_json(user_json(person.id, person.name), vec![]),
        "emoji": {"id": null, "name": emoji}, "message_author_id": BOT_ID.to_string(),
        "burst": false, "burst_colors": [], "type": 0
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_optout_reaction_on_a_bot_message_is_confirmed_once_and_holds() {
    let bot = start_bot(|_| {}).await;
    bot.fake.dispatch(
        "MESSAGE_REACTION_ADD",
        reaction_on_bot_message(&ALICE, 17_000, "👍"),
    );
    let optout = reaction_on_bot_message(&ALICE, 17_000, "🔕");
    bot.fake.dispatch("MESSAGE_REACTION_ADD", optout.clone());

    let confirmation = bot.reply_to(17_000).await;
    assert_eq!(
        confirmation.json()["allowed_mentions"]["users"],
        json!([ALICE.id.to_string()])
    );
    bot.fake.dispatch("MESSAGE_REACTION_ADD", optout);
    bot.say(17_001, GENERAL, &ALICE, ASK);
    bot.say(17_002, DEALS, &BOB, ASK);
    bot.reply_to(17_002).await;

    let done = bot.finish().await;
    assert_eq!(done.posts_replying_to(17_000).len(), 1, "one confirmation");
    assert!(done.posts_replying_to(17_001).is_empty(), "opted out");
    assert_eq!(
        done.audit
            .iter()
            .filter(|r| r.reason_code == "opt_out")
            .count(),
        1
    );
}
