//! Building the serenity client: intents, the REST client and its safety defaults.
//!
//! This is the seam between production and the end-to-end tests. With no API base
//! the REST client talks to Discord through serenity's own rate limiter. With an API
//! base (a rate-limiting proxy such as twilight-http-proxy, or the fake Discord the
//! tests start on 127.0.0.1) every REST call goes to that base and serenity's rate
//! limiter is off — the proxy owns rate limiting, and serenity's limiter would
//! silently send requests to discord.com instead of the proxy. The gateway URL is
//! whatever `GET /gateway` on that base returns.
//!
//! Either way nothing the bot sends can ping anyone unless a message explicitly
//! allows it: the default allowed-mentions are empty.

use serenity::all::{ClientBuilder, CreateAllowedMentions, GatewayIntents, Http, HttpBuilder};

use super::token::Token;

/// The gateway intents Shopkeep asks for: guild structure (for the cache), guild
/// and direct messages with their content, and reactions on both.
pub fn intents() -> GatewayIntents {
    GatewayIntents::GUILDS
        | GatewayIntents::GUILD_MESSAGES
        | GatewayIntents::DIRECT_MESSAGES
        | GatewayIntents::MESSAGE_CONTENT
        | GatewayIntents::GUILD_MESSAGE_REACTIONS
        | GatewayIntents::DIRECT_MESSAGE_REACTIONS
}

/// The REST client. `api_base` (e.g. `http://127.0.0.1:8080`, no path) replaces
/// `https://discord.com` in every route and turns serenity's rate limiter off;
/// without it serenity's rate limiter stays on.
pub fn build_http(token: &Token, api_base: Option<&str>) -> Http {
    let builder = HttpBuilder::new(token.expose_secret())
        .default_allowed_mentions(CreateAllowedMentions::new());
    match api_base {
        Some(base) => builder
            .proxy(base.trim_end_matches('/'))
            .ratelimiter_disabled(true),
        // Production: serenity's rate limiter stays on (the builder's default).
        None => builder,
    }
    .build()
}

/// A serenity client builder wired to [`build_http`] and [`intents`]. Add an event
/// handler or a poise framework, then `.await` it: that asks `GET /gateway` for
/// the gateway URL.
pub fn client_builder(token: &Token, api_base: Option<&str>) -> ClientBuilder {
    ClientBuilder::new_with_http(build_http(token, api_base), intents())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token() -> Token {
        Token::from("unit-test-token")
    }

    #[test]
    fn intents_cover_guilds_messages_content_and_reactions_only() {
        assert_eq!(
            intents().bits(),
            1 | (1 << 9) | (1 << 10) | (1 << 12) | (1 << 13) | (1 << 15)
        );
    }

    #[test]
    fn without_a_base_rest_goes_to_discord_through_the_rate_limiter() {
        let http = build_http(&token(), None);
        assert!(http.proxy.is_none());
        assert!(http.ratelimiter.is_some());
    }

    #[test]
    fn with_a_base_rest_goes_to_the_base_and_the_rate_limiter_is_off() {
        let http = build_http(&token(), Some("http://127.0.0.1:9/"));
        assert_eq!(http.proxy.as_deref(), Some("http://127.0.0.1:9"));
        assert!(http.ratelimiter.is_none());
    }

    #[test]
    fn by_default_nothing_the_bot_sends_can_ping() {
        for base in [None, Some("http://127.0.0.1:9")] {
            let http = build_http(&token(), base);
            let mentions = serde_json::to_value(http.default_allowed_mentions.as_ref().unwrap());
            let expected = serde_json::json!({"parse": [], "roles": [], "users": []});
            assert_eq!(mentions.unwrap(), expected);
        }
    }

    #[test]
    fn the_token_is_sent_with_the_bot_prefix() {
        assert_eq!(build_http(&token(), None).token(), "Bot unit-test-token");
    }
}
