//! The OAuth2 URL that adds the bot to a server with the least it needs.
//!
//! The permission set is the bot's whole footprint: read and answer in channels
//! and threads, open a thread for a handoff, and react. Nothing that moderates,
//! manages or mentions everyone. Changing it is a product decision; the unit test
//! below pins it.

use serenity::model::permissions::Permissions;

/// What the bot needs, and nothing more.
pub fn required_permissions() -> Permissions {
    Permissions::VIEW_CHANNEL
        | Permissions::SEND_MESSAGES
        | Permissions::SEND_MESSAGES_IN_THREADS
        | Permissions::CREATE_PUBLIC_THREADS
        | Permissions::CREATE_PRIVATE_THREADS
        | Permissions::READ_MESSAGE_HISTORY
        | Permissions::ADD_REACTIONS
}

/// The URL a server admin opens to add the bot (`bot` and `applications.commands` scopes).
pub fn invite_url(application_id: u64) -> String {
    format!(
        "https://discord.com/oauth2/authorize?client_id={application_id}&permissions={}&scope=bot%20applications.commands",
        required_permissions().bits()
    )
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
        let decoded = Permissions::from_bits(bits).expect("only known permission bits");
        let expected = [
            Permissions::VIEW_CHANNEL,
            Permissions::SEND_MESSAGES,
            Permissions::SEND_MESSAGES_IN_THREADS,
            Permissions::CREATE_PUBLIC_THREADS,
            Permissions::CREATE_PRIVATE_THREADS,
            Permissions::READ_MESSAGE_HISTORY,
            Permissions::ADD_REACTIONS,
        ];
        let rebuilt = expected
            .iter()
            .fold(Permissions::empty(), |acc, p| acc | *p);
        assert_eq!(decoded, rebuilt);
        assert_eq!(
            bits,
            1024 + 2048 + (1 << 38) + (1 << 35) + (1 << 36) + 65536 + 64
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
            Permissions::MANAGE_THREADS,
        ] {
            assert!(!granted.intersects(dangerous), "{dangerous:?}");
        }
    }

    #[test]
    fn the_invite_names_the_application_and_both_scopes() {
        let url = invite_url(123456789012345678);
        assert!(url.starts_with("https://discord.com/oauth2/authorize?"));
        assert_eq!(query_value(&url, "client_id"), "123456789012345678");
        assert_eq!(query_value(&url, "scope"), "bot%20applications.commands");
    }
}
