//! The bot token: read once from the environment and never shown again.
//!
//! `Debug` and `Display` print `<redacted>`, so a token cannot leak through a log
//! line, an error message or a panic. Only [`Token::expose_secret`] gives the
//! value, and only the REST client builder calls it.

use std::ffi::OsString;
use std::fmt;

/// The environment variable that holds the bot token.
pub const TOKEN_ENV: &str = "DISCORD_TOKEN";

/// A Discord bot token whose value never appears in `Debug` or `Display` output.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

/// Why no usable token was found. The messages say what to do and never echo the value.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    #[error("{TOKEN_ENV} is not set: export the bot token from the Discord developer portal (Bot > Reset Token)")]
    Missing,
    #[error("{TOKEN_ENV} is empty: set it to the bot token from the Discord developer portal")]
    Empty,
    #[error("{TOKEN_ENV} is not valid UTF-8: copy the bot token again from the Discord developer portal")]
    NotUnicode,
}

impl Token {
    /// Reads the token from `DISCORD_TOKEN`.
    pub fn from_env() -> Result<Self, TokenError> {
        Self::from_env_value(std::env::var_os(TOKEN_ENV))
    }

    /// Checks a raw environment value: it must be present, UTF-8 and not blank.
    /// Surrounding whitespace (a trailing newline from a secrets file) is dropped.
    pub fn from_env_value(value: Option<OsString>) -> Result<Self, TokenError> {
        let value = value.ok_or(TokenError::Missing)?;
        let value = value.into_string().map_err(|_| TokenError::NotUnicode)?;
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return Err(TokenError::Empty);
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// The token itself, for the REST client and nothing else.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Token {
    fn from(value: &str) -> Self {
        Self(value.trim().to_owned())
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "MTAx.secret-value.XYZ";

    #[test]
    fn a_present_token_is_accepted_and_trimmed() {
        let token = Token::from_env_value(Some(format!(" {SECRET}\n").into())).unwrap();
        assert_eq!(token.expose_secret(), SECRET);
    }

    #[test]
    fn a_missing_empty_or_blank_token_is_a_clear_error() {
        let cases = [
            (None, TokenError::Missing),
            (Some(OsString::new()), TokenError::Empty),
            (Some(OsString::from("  \n")), TokenError::Empty),
        ];
        for (value, expected) in cases {
            assert_eq!(Token::from_env_value(value), Err(expected));
        }
    }

    #[test]
    fn errors_name_the_variable_and_say_what_to_do() {
        let message = TokenError::Missing.to_string();
        assert!(message.starts_with("DISCORD_TOKEN is not set"), "{message}");
        assert!(message.contains("developer portal"), "{message}");
    }

    #[test]
    fn debug_and_display_never_show_the_value() {
        let token = Token::from(SECRET);
        for shown in [
            format!("{token:?}"),
            format!("{token}"),
            format!("{token:#?}"),
        ] {
            assert!(!shown.contains("secret"), "{shown}");
            assert!(shown.contains("redacted"), "{shown}");
        }
    }
}
