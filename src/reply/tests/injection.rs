//! Issue 4, "Done when": a user named `@everyone`, `<@&123>` or
//! `**[click](http://evil)**` who asks to buy gets a reply that pings nobody
//! else and carries no live link or markdown from their name — tested on
//! the exact text that would be sent.

use std::sync::LazyLock;

use proptest::prelude::*;

use super::fixtures::{oak_and_thistle, request, shipped_dir};
use crate::core::replies::{Replies, ReplyKind};
use crate::reply::escape::ZWSP;
use crate::reply::TemplateSet;

const LINK: &str = "https://oakandthistle.example/dining-tables";

static SHIPPED: LazyLock<TemplateSet> =
    LazyLock::new(|| TemplateSet::load(oak_and_thistle(&shipped_dir())).expect("loads"));

fn reply_to(asker: &str) -> String {
    let set = &*SHIPPED;
    let req = request(
        ReplyKind::Solicitation,
        "solicitation",
        Some("dining-tables"),
        asker,
    );
    set.render(&req)
        .expect("an odd name is no reason to refuse")
        .text
}

fn expected(escaped_name: &str) -> String {
    format!(
        "Hi {escaped_name}, I'm Oak & Thistle's bot. You'll find our dining tables here: \
         {LINK}. If you'd like a hand choosing, send us a DM and a person will pick it up."
    )
}

#[test]
fn a_user_named_at_everyone_pings_nobody() {
    let text = reply_to("@everyone");
    assert_eq!(text, expected(&format!("@{ZWSP}everyone")));
    assert!(!text.contains("@everyone"));
}

#[test]
fn a_user_named_like_a_role_mention_pings_no_role() {
    let text = reply_to("<@&123>");
    assert_eq!(text, expected(&format!("\\<@{ZWSP}&123\\>")));
    assert!(!has_mention_syntax(&text), "{text}");
}

#[test]
fn a_user_named_with_a_bold_masked_link_gets_no_markdown_and_no_link() {
    let text = reply_to("**[click](http://evil)**");
    let name = format!("\\*\\*\\[click\\]\\(http:{ZWSP}//evil\\)\\*\\*");
    assert_eq!(text, expected(&name));
    assert!(!text.replace(LINK, "").contains("://"));
}

#[test]
fn a_user_named_like_a_domain_or_invite_gets_an_unlinked_reply_not_a_refusal() {
    for name in ["www.evil.example", "discord.gg/evil"] {
        let text = reply_to(name);
        assert!(!text.contains(name), "{text}");
        assert!(
            text.contains(&name.replace('.', &format!(".{ZWSP}"))),
            "{text}"
        );
    }
}

/// Discord's user, role and channel mention syntax.
fn has_mention_syntax(text: &str) -> bool {
    let mention = regex::Regex::new(r"<(@[!&]?|#)\d+>").expect("pattern");
    mention.is_match(text)
}

/// Characters that mean something to Discord markdown and that the
/// solicitation template itself never writes.
const MARKUP: &[char] = &['*', '_', '~', '`', '|', '>', '<', '[', ']', '(', ')'];

/// Every markup character is preceded by an odd run of backslashes.
fn all_markup_escaped(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    chars.iter().enumerate().all(|(i, c)| {
        if !MARKUP.contains(c) {
            return true;
        }
        let slashes = chars[..i].iter().rev().take_while(|&&b| b == '\\').count();
        slashes % 2 == 1
    })
}

proptest! {
    #[test]
    fn no_name_can_ping_link_or_format(name in "[ -~@<>&#*_|\\[\\]()/:.\\\\\n]{0,40}|<[@#][!&]?[0-9]{1,5}>|(www\\.)?[a-z]{1,8}\\.[a-z]{2,4}(/[a-z]{0,5})?|@everyone.*|.*://.*") {
        let text = reply_to(&name);
        prop_assert!(!text.contains("@everyone") && !text.contains("@here"), "{}", text);
        prop_assert!(!has_mention_syntax(&text), "{}", text);
        prop_assert!(!text.replace(LINK, "").contains("://"), "{}", text);
        prop_assert!(all_markup_escaped(&text), "{}", text);
        prop_assert!(!text.contains('\n'), "{}", text);
    }
}
