//! The OAuth2 URL that adds the bot to a server with the least it needs, and
//! why it needs each permission.
//!
//! The permission set is the bot's whole footprint: read and answer in channels
//! and threads, open a thread for a hand-off, lock it when the ticket closes,
//! and react. Nothing that moderates members, manages the server or mentions
//! everyone. Changing it is a product decision; the unit tests below pin it.

use serenity::model::permissions::Permissions;

/// Each permission the bot asks for, with what it is used for (printed by
/// `shopkeep invite` so an admin knows what they grant).
pub const PERMISSIONS: &[(Permissions, &str, &str)] = &[
    (
        Permissions::VIEW_CHANNEL,
        "View Channels",
        "see the channels it answers in and the staff channel",
    ),
    (
        Permissions::SEND_MESSAGES,
        "Send Messages",
        "reply to sales questions and post hand-off notices",
    ),
    (
        Permissions::SEND_MESSAGES_IN_THREADS,
        "Send Messages in Threads",
        "answer in threads and relay customer DMs into ticket threads",
    ),
    (
        Permissions::CREATE_PUBLIC_THREADS,
        "Create Public Threads",
        "open a ticket thread where private threads are not available",
    ),
    (
        Permissions::CREATE_PRIVATE_THREADS,
        "Create Private Threads",
        "open one private ticket thread per hand-off in the staff channel",
    ),
    (
        Permissions::MANAGE_THREADS,
        "Manage Threads",
        "archive and lock a ticket's thread when staff close it",
    ),
    (
        Permissions::READ_MESSAGE_HISTORY,
        "Read Message History",
        "reply to the message that asked (a reply needs the original)",
    ),
    (
        Permissions::ADD_REACTIONS,
        "Add Reactions",
        "acknowledge an opt-out or a relayed message with a reaction",
    ),
];

/// What the bot needs, and nothing more.
pub fn required_permissions() -> Permissions {
    PERMISSIONS
        .iter()
        .fold(Permissions::empty(), |all, (p, _, _)| all | *p)
}

/// Discord's epoch (2015-01-01) in Unix milliseconds; a snowflake's top 42
/// bits are milliseconds since then.
const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;

/// Check that `id` can be an Application ID: a snowflake of at least 17
/// digits (every id minted since January 2015 has them) whose timestamp is
/// not in the future (`now_ms`, Unix milliseconds).
/// Typing a permission integer, a client secret's digits or a user's
/// discriminator instead is the usual mistake.
pub fn validate_application_id(id: u64, now_ms: u64) -> Result<(), String> {
    let minted = (id >> 22) + DISCORD_EPOCH_MS;
    if id < 10_000_000_000_000_000 || minted > now_ms + 86_400_000 {
        return Err(format!(
            "{id} is not a Discord Application ID (a 17–20 digit number); copy it from \
             the Developer Portal: your application → General Information → Application ID"
        ));
    }
    Ok(())
}

/// The URL a server admin opens to add the bot (`bot` and `applications.commands` scopes).
pub fn invite_url(application_id: u64) -> String {
    format!(
        "https://discord.com/oauth2/authorize?client_id={application_id}&permissions={}&scope=bot%20applications.commands",
        required_permissions().bits()
    )
}

/// What `shopkeep invite` prints: the URL, then one line per permission.
pub fn invite_text(application_id: u64) -> String {
    let mut text = format!(
        "{}\n\nOpen this link as a server admin. It asks for these permissions and no others:\n",
        invite_url(application_id)
    );
    for (_, name, purpose) in PERMISSIONS {
        text.push_str(&format!("  {name:<26} {purpose}\n"));
    }
    text.push_str(
        "\nThe staff slash commands are visible only to members who can Manage Messages;\n\
         to give them to your staff role instead: Server Settings → Integrations → Shopkeep.\n",
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query_value<'a>(url: &'a str, key: &str) -> &'a str {
        let query = url.split_once('?').expect("the URL has a query").1;
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))
            .unwrap_or_else(|| panic!("no {key} in {url}"))
    }

    #[test]
    fn the_permission_integer_decodes_to_exactly_the_least_set() {
        let url = invite_url(1001);
        let bits: u64 = query_value(&url, "permissions").parse().unwrap();
        assert!(Permissions::from_bits(bits).is_some(), "only known bits");
        assert_eq!(
            bits,
            1024 + 2048 + (1 << 38) + (1 << 35) + (1 << 36) + (1 << 34) + 65536 + 64
        );
    }

    #[test]
    fn the_invite_never_asks_for_dangerous_permissions() {
        let granted = required_permissions();
        for dangerous in [
            Permissions::ADMINISTRATOR,
            Permissions::MENTION_EVERYONE,
            Permissions::MANAGE_MESSAGES,
            Permissions::MANAGE_GUILD,
            Permissions::MANAGE_ROLES,
            Permissions::MANAGE_CHANNELS,
            Permissions::KICK_MEMBERS,
            Permissions::BAN_MEMBERS,
            Permissions::MODERATE_MEMBERS,
        ] {
            assert!(!granted.intersects(dangerous), "{dangerous:?}");
        }
    }

    #[test]
    fn the_invite_says_what_every_permission_is_for() {
        let text = invite_text(1_100_000_000_000_000_000);
        for (_, name, purpose) in PERMISSIONS {
            assert!(text.contains(name) && text.contains(purpose), "{name}");
        }
        assert!(text.contains("lock it") || text.contains("lock a ticket"));
    }

    #[test]
    fn the_invite_names_the_application_and_both_scopes() {
        let url = invite_url(123456789012345678);
        assert!(url.starts_with("https://discord.com/oauth2/authorize?"));
        assert_eq!(query_value(&url, "client_id"), "123456789012345678");
        assert_eq!(query_value(&url, "scope"), "bot%20applications.commands");
    }

    #[test]
    fn an_application_id_must_be_a_snowflake_minted_before_now() {
        let now = 1_796_000_000_000; // 2026-12
        assert!(validate_application_id(1_100_000_000_000_000_000, now).is_ok());
        assert!(validate_application_id(123456789012345678, now).is_ok());
        // A permission integer (the invite's own) is not an id.
        let err = validate_application_id(412317240384, now).unwrap_err();
        assert!(err.contains("412317240384") && err.contains("General Information"));
        assert!(validate_application_id(0, now).is_err());
        // Minted years from now.
        assert!(validate_application_id(u64::MAX, now).is_err());
    }
}
