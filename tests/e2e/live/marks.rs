//! Staff marks in Discord (issue 14): right and wrong on a bot reply or its
//! shadow copy, by reaction or by the message's Apps menu; missed on a
//! message the bot did not answer; refused for anyone without the staff
//! role; kept across a restart.

use axum::http::Method;
use serde_json::{json, Value};
use shopkeep::core::marks::Mark;
use shopkeep::store::{MarkRecord, Store};

use super::{start_bot, start_bot_on, Bot, ASK};
use crate::support::client::PROMPTLY;
use crate::support::fixtures::{
    bot_user_json, member_json, message_json, person_roles, slash_command_json, user_json, Person,
    ALICE, BOB, DEALS, GENERAL, GUILD_ID, RANDOM, STAFFER, STAFF_DESK,
};

fn store_path(bot: &Bot) -> String {
    bot.dir.path().join("shopkeep.db").display().to_string()
}

/// Waits (bounded) until `check` holds on the bot's store.
async fn until_store<T>(bot: &Bot, what: &str, check: impl Fn(&[MarkRecord]) -> Option<T>) -> T {
    let store = Store::open(&store_path(bot)).await.expect("open the store");
    for _ in 0..500 {
        let marks = store.marks(None).await.expect("read marks");
        if let Some(found) = check(&marks) {
            store.close().await;
            return found;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("never: {what}");
}

/// The message the bot posted for its decision about `message` (its reply,
/// or the shadow copy), once the store can find that decision by it.
async fn posted_for(bot: &Bot, message: u64) -> Value {
    let store = Store::open(&store_path(bot)).await.expect("open the store");
    for _ in 0..500 {
        let posts = bot.fake.requests_to(&Method::POST, super::POST_MESSAGE);
        for post in posts.iter().filter(|p| p.status == 200) {
            let Some(created) = &post.response else {
                continue;
            };
            let id = created["id"].as_str().unwrap_or_default();
            let found = store.decision_about(id).await.expect("read the audit");
            if found.is_some_and(|d| d.message_id == message.to_string()) {
                store.close().await;
                return created.clone();
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("the bot never posted anything for message {message}");
}

fn reaction(person: &Person, channel: &str, message: &str, emoji: &str) -> Value {
    json!({
        "user_id": person.id.to_string(), "channel_id": channel, "message_id": message,
        "guild_id": GUILD_ID.to_string(),
        "member": member_json(user_json(person.id, person.name), person_roles(person)),
        "emoji": {"id": null, "name": emoji}, "burst": false, "burst_colors": [], "type": 0
    })
}

/// `who` uses the Apps-menu item `name` on `target`; returns the answer's text
/// and whether only they see it.
async fn menu(bot: &Bot, id: u64, name: &str, who: &Person, target: &Value) -> (String, bool) {
    let data = menu_answer(bot, id, name, who, target).await;
    let private = data["flags"].as_u64().is_some_and(|f| f & 64 != 0);
    (
        data["content"].as_str().unwrap_or_default().to_string(),
        private,
    )
}

/// As [`menu`], the whole answer (`data` of the interaction callback).
async fn menu_answer(bot: &Bot, id: u64, name: &str, who: &Person, target: &Value) -> Value {
    let channel: u64 = target["channel_id"].as_str().unwrap().parse().unwrap();
    let mut event = slash_command_json(id, name, json!([]), who, channel);
    let target_id = target["id"].as_str().unwrap().to_string();
    let mut message = target.clone();
    message["guild_id"] = json!(GUILD_ID.to_string());
    event["data"] = json!({
        "id": format!("{}", 7000 + id % 1000), "name": name, "type": 3, "target_id": target_id,
        "resolved": {"messages": {target_id.clone(): message}}
    });
    interact(bot, event).await["data"].clone()
}

/// Dispatch an interaction; the body of the bot's callback answering it.
async fn interact(bot: &Bot, event: Value) -> Value {
    let from = bot.fake.request_count();
    bot.fake.dispatch("INTERACTION_CREATE", event);
    let callback = bot
        .fake
        .wait_for_request(from, PROMPTLY, |r| {
            r.is(&Method::POST, "/interactions/*/*/callback")
        })
        .await;
    callback.json().clone()
}

/// `who` picks `value` in the select menu `custom_id` of a private answer
/// in `channel`; returns the text the answer is updated to.
async fn pick(
    bot: &Bot,
    id: u64,
    who: &Person,
    channel: u64,
    custom_id: &str,
    value: &str,
) -> String {
    let mut event = slash_command_json(id, "unused", json!([]), who, channel);
    event["type"] = json!(3);
    event["data"] = json!({"custom_id": custom_id, "component_type": 3, "values": [value]});
    let mut answer = message_json(id + 1, channel, who, "");
    answer["author"] = bot_user_json();
    answer["flags"] = json!(64);
    event["message"] = answer;
    let body = interact(bot, event).await;
    assert_eq!(
        body["type"], 7,
        "the private answer is updated in place: {body}"
    );
    body["data"]["content"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_mark_a_live_reply_by_menu_and_by_reaction_and_members_cannot() {
    let bot = start_bot(|_| {}).await;
    bot.say(30_001, GENERAL, &ALICE, ASK);
    let reply = posted_for(&bot, 30_001).await;
    let reply_id = reply["id"].as_str().unwrap().to_string();
    let general = GENERAL.to_string();

    // A member's ❌ changes nothing...
    bot.fake.dispatch(
        "MESSAGE_REACTION_ADD",
        reaction(&BOB, &general, &reply_id, "❌"),
    );
    // ...nor does their use of the menu: they are told it is for staff.
    let (refused, private) = menu(&bot, 9_001, "Shopkeep: wrong", &BOB, &reply).await;
    assert!(private, "refusals are seen only by the member");
    assert_eq!(
        refused,
        "Only members with the Staff role can use Apps ▸ Shopkeep: wrong."
    );

    let store = Store::open(&store_path(&bot)).await.unwrap();
    assert!(
        store.marks(None).await.unwrap().is_empty(),
        "the member's reaction (handled before their menu answer) recorded nothing"
    );
    store.close().await;

    // Staff mark the reply wrong with ❌...
    bot.fake.dispatch(
        "MESSAGE_REACTION_ADD",
        reaction(&STAFFER, &general, &reply_id, "❌"),
    );
    let marks = until_store(&bot, "one mark", |m| (m.len() == 1).then(|| m.to_vec())).await;
    let m = &marks[0];
    assert_eq!(m.message_id, "30001", "the mark is on Alice's message");
    assert_eq!((m.mark, m.marked_by.as_str()), (Mark::Wrong, "sam_staff"));
    assert_eq!(m.text, ASK);
    assert_eq!(
        (m.place.as_str(), m.action.as_str(), m.mode.as_str()),
        ("#general", "reply", "live")
    );
    assert_eq!(m.template.as_deref(), Some("solicitation"));
    assert!(
        m.score.is_some_and(|s| s >= 0.6) && !m.cues.is_empty(),
        "{m:?}"
    );

    // ...and from the menu, which answers privately that it already is.
    let (answer, private) = menu(&bot, 9_002, "Shopkeep: wrong", &STAFFER, &reply).await;
    assert!(private);
    assert!(
        answer.starts_with("Already marked **wrong — not a sales question**."),
        "{answer}"
    );

    // Staff change their mind with ✅ on the reply: the mark is updated.
    bot.fake.dispatch(
        "MESSAGE_REACTION_ADD",
        reaction(&STAFFER, &general, &reply_id, "✅"),
    );
    until_store(&bot, "the mark changed to right", |m| {
        (m.len() == 1 && m[0].mark == Mark::Right).then_some(())
    })
    .await;
    // The menu on a fresh reply: a new mark, said in full.
    bot.say(30_004, DEALS, &BOB, ASK);
    let second = posted_for(&bot, 30_004).await;
    let (answer, _) = menu(&bot, 9_004, "Shopkeep: wrong", &STAFFER, &second).await;
    assert!(
        answer.starts_with("Marked **wrong — not a sales question**. Marks become"),
        "{answer}"
    );

    // Right or wrong on a message the bot did not answer says what to use.
    let chat = message_json(30_002, DEALS, &BOB, "my desk arrived today, love it");
    bot.fake.dispatch("MESSAGE_CREATE", chat.clone());
    let (answer, _) = menu(&bot, 9_003, "Shopkeep: right", &STAFFER, &chat).await;
    assert!(
        answer.starts_with("Nothing to mark right or wrong here"),
        "{answer}"
    );

    let done = bot.finish().await;
    let record = done.record(30_001);
    assert_eq!(record.delivery, "sent");
    let store = Store::open(&done_path(&done)).await.unwrap();
    let marks = store.marks(None).await.unwrap();
    assert_eq!(
        marks.len(),
        2,
        "marking again updates, never duplicates: {marks:?}"
    );
    assert_eq!(
        (marks[0].message_id.as_str(), marks[0].mark),
        ("30001", Mark::Right)
    );
    assert_eq!(
        (marks[1].message_id.as_str(), marks[1].mark),
        ("30004", Mark::Wrong)
    );
}

fn done_path(done: &super::Finished) -> String {
    done.dir.path().join("shopkeep.db").display().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missed_ask_is_marked_on_the_members_message_and_survives_a_restart() {
    let bot = start_bot(|_| {}).await;
    let missed_text = "anyone got a link for the walnut sideboard? need it by friday";
    let missed = message_json(31_001, GENERAL, &BOB, missed_text);
    bot.fake.dispatch("MESSAGE_CREATE", missed.clone());
    bot.say(31_002, DEALS, &ALICE, ASK);
    let reply = posted_for(&bot, 31_002).await;

    let answer = menu_answer(&bot, 9_101, "Shopkeep: missed ask", &STAFFER, &missed).await;
    let text = answer["content"].as_str().unwrap_or_default();
    assert!(
        text.starts_with("Marked **missed — this was a sales question**."),
        "{answer}"
    );
    // Staff may say which category it asked about, from the catalogue.
    let select = &answer["components"][0]["components"][0];
    assert_eq!(
        select["custom_id"], "shopkeep:missed-category:31001",
        "{answer}"
    );
    let names: Vec<&str> = select["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["label"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"wardrobes and storage"), "{names:?}");
    let chosen = pick(
        &bot,
        9_201,
        &STAFFER,
        GENERAL,
        "shopkeep:missed-category:31001",
        "storage",
    )
    .await;
    assert_eq!(
        chosen,
        "Marked **missed — this was a sales question**, category **wardrobes and storage**."
    );

    // In a channel the bot does not watch nothing was decided: the mark
    // keeps what the detector says at marking time.
    let unwatched = message_json(31_003, RANDOM, &BOB, "does anyone here sell oak beds?");
    bot.fake.dispatch("MESSAGE_CREATE", unwatched.clone());
    let (answer, _) = menu(&bot, 9_105, "Shopkeep: missed ask", &STAFFER, &unwatched).await;
    assert!(answer.starts_with("Marked **missed"), "{answer}");
    // "Missed" is for members' messages the bot left unanswered.
    let (answer, _) = menu(&bot, 9_102, "Shopkeep: missed ask", &STAFFER, &reply).await;
    assert!(
        answer.starts_with("That is the bot's own message."),
        "{answer}"
    );
    let (refused, _) = menu(&bot, 9_103, "Shopkeep: missed ask", &ALICE, &missed).await;
    assert!(
        refused.starts_with("Only members with the Staff role"),
        "{refused}"
    );

    let (result, fake, dir) = bot.stop().await;
    result.unwrap();
    let bot = start_bot_on(fake, dir, |_| {}).await;
    let (answer, _) = menu(&bot, 9_104, "Shopkeep: missed ask", &STAFFER, &missed).await;
    assert!(
        answer.starts_with("Already marked **missed"),
        "the mark made before the restart is found: {answer}"
    );
    let done = bot.finish().await;
    let store = Store::open(&done_path(&done)).await.unwrap();
    let marks = store.marks(None).await.unwrap();
    assert_eq!(marks.len(), 2);
    let m = marks.iter().find(|m| m.message_id == "31001").unwrap();
    assert_eq!((m.mark, m.text.as_str()), (Mark::Missed, missed_text));
    assert_eq!(
        (m.author_id.as_str(), m.place.as_str()),
        ("4003", "#general")
    );
    assert_eq!(
        m.category.as_deref(),
        Some("storage"),
        "the category chosen"
    );
    let u = marks.iter().find(|m| m.message_id == "31003").unwrap();
    assert_eq!(u.place, "#random");
    assert!(
        u.verdict.is_some() && u.score.is_some() && !u.cues.is_empty(),
        "{u:?}"
    );
    assert_eq!(u.category.as_deref(), Some("beds"), "judged from the text");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_shadow_the_staff_channel_gets_a_copy_of_each_would_be_reply_to_mark() {
    let bot = start_bot(|c| c.mode = shopkeep::core::policy::Mode::Shadow).await;
    bot.say(32_001, GENERAL, &ALICE, ASK);
    let copy = posted_for(&bot, 32_001).await;
    assert_eq!(copy["channel_id"], json!(STAFF_DESK.to_string()));
    let text = copy["content"].as_str().unwrap();
    assert!(
        text.starts_with(&format!(
            "Shadow: would have replied to alice at https://discord.com/channels/{GUILD_ID}/{GENERAL}/32001"
        )),
        "{text}"
    );
    assert!(
        text.contains(&bot.expected_solicitation_reply("alice")),
        "{text}"
    );

    let desk = STAFF_DESK.to_string();
    let copy_id = copy["id"].as_str().unwrap().to_string();
    bot.fake.dispatch(
        "MESSAGE_REACTION_ADD",
        reaction(&STAFFER, &desk, &copy_id, "✅"),
    );
    let m = until_store(&bot, "a mark from the shadow copy", |m| m.first().cloned()).await;
    assert_eq!((m.message_id.as_str(), m.mark), ("32001", Mark::Right));
    assert_eq!(m.mode, "shadow");

    let done = bot.finish().await;
    assert!(
        done.posts_in(GENERAL).is_empty(),
        "shadow mode says nothing in public: {}",
        done.fake.describe_requests()
    );
    assert_eq!(done.posts_in(STAFF_DESK).len(), 1);
}
