//! Logging in to the staff page with Discord (OAuth2 authorization code):
//! the browser is sent to Discord's consent page, comes back with a code,
//! the code is exchanged for the person's access token, and their member
//! record in the bot's server says whether they hold the staff role.
//!
//! Owns the two calls to Discord (the token exchange and "my member record
//! in this guild", both made with the person's token, never the bot's) and
//! the decision [`staff_member`]: only someone holding the staff role gets
//! in; editing needs their user id in `[http.discord_login] editors`.
//! The code, the access token and the client secret are never logged.

use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;

use crate::config::DiscordLoginSettings;

/// The scopes asked for: who you are, and your member record (roles) in a
/// server you are in. Nothing that can post or read messages.
pub const SCOPES: &str = "identify guilds.members.read";

/// The server and staff role a login is checked against, once the bot has
/// found them (`None` before the gateway is ready).
pub type StaffLookup = Arc<dyn Fn() -> Option<StaffGuild> + Send + Sync>;

/// Where staff are: the guild and the staff role's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaffGuild {
    pub guild: u64,
    pub role: u64,
}

/// Discord login, ready to use.
#[derive(Clone)]
pub struct DiscordLogin {
    pub settings: DiscordLoginSettings,
    secret: String,
    /// Discord's API: `[discord] api_base` (or https://discord.com) and
    /// /api/v10, as serenity reaches it.
    api_base: String,
    staff: StaffLookup,
    client: reqwest::Client,
}

impl std::fmt::Debug for DiscordLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DiscordLogin")
            .field("client_id", &self.settings.client_id)
            .field("secret", &"(hidden)")
            .field("api_base", &self.api_base)
            .finish()
    }
}

/// Who logged in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedIn {
    pub user_id: u64,
    /// What the page shows: their server nickname, global name or username.
    pub name: String,
    pub editor: bool,
}

/// Why a Discord login did not get in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// They are in the server but do not hold the staff role.
    NotStaff { name: String },
    /// They are not a member of the bot's server.
    NotMember,
    /// The bot has not found its server and staff role yet.
    NotReady,
    /// Discord refused or failed a call (what failed, for the page and log).
    Discord(String),
}

impl Refusal {
    /// What the page says.
    pub fn explain(&self, role: &str) -> String {
        match self {
            Refusal::NotStaff { name } => format!(
                "You are logged in to Discord as {name}, but only members with the staff role \
                 `{role}` can use this page."
            ),
            Refusal::NotMember => {
                "Your Discord account is not a member of the brand's server, so it cannot use this \
                 page."
                    .into()
            }
            Refusal::NotReady => {
                "The bot has not connected to its server yet, so staff cannot be checked. Try \
                 again in a minute."
                    .into()
            }
            Refusal::Discord(what) => format!("Discord login failed: {what}. Try again."),
        }
    }
}

/// The member record Discord returns.
#[derive(Debug, Deserialize)]
pub struct Member {
    pub user: MemberUser,
    #[serde(default)]
    pub nick: Option<String>,
    #[serde(default)]
    pub roles: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct MemberUser {
    pub id: String,
    pub username: String,
    #[serde(default)]
    pub global_name: Option<String>,
}

/// The decision: a member holding `staff.role` gets in, as an editor when
/// listed in `editors`; anyone else is refused.
pub fn staff_member(
    member: &Member,
    staff: StaffGuild,
    editors: &[u64],
) -> Result<LoggedIn, Refusal> {
    let name = member
        .nick
        .clone()
        .or_else(|| member.user.global_name.clone())
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| member.user.username.clone());
    let Ok(user_id) = member.user.id.parse::<u64>() else {
        return Err(Refusal::Discord(format!(
            "the member record has no valid user id (`{}`)",
            member.user.id
        )));
    };
    let role = staff.role.to_string();
    if !member.roles.contains(&role) {
        return Err(Refusal::NotStaff { name });
    }
    Ok(LoggedIn {
        user_id,
        name,
        editor: editors.contains(&user_id),
    })
}

impl DiscordLogin {
    /// Ready to log people in; the error names the secret that is missing.
    /// `api_base` is `[discord] api_base` (no path), as for the bot.
    pub fn new(
        settings: DiscordLoginSettings,
        api_base: Option<&str>,
        staff: StaffLookup,
    ) -> anyhow::Result<DiscordLogin> {
        let secret = settings
            .client_secret
            .read("[http.discord_login] needs the OAuth2 client secret")?;
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| anyhow::anyhow!("cannot make the HTTP client for Discord login: {e}"))?;
        Ok(DiscordLogin {
            settings,
            secret,
            api_base: format!(
                "{}/api/v10",
                api_base
                    .unwrap_or("https://discord.com")
                    .trim_end_matches('/')
            ),
            staff,
            client,
        })
    }

    /// Discord's consent page for this login attempt (`state` ties the
    /// answer to this browser).
    pub fn authorize_url(&self, state: &str) -> anyhow::Result<String> {
        let url = reqwest::Url::parse_with_params(
            &self.settings.authorize_url,
            &[
                ("response_type", "code"),
                ("client_id", self.settings.client_id.as_str()),
                ("scope", SCOPES),
                ("state", state),
                ("redirect_uri", self.settings.redirect_url.as_str()),
                ("prompt", "none"),
            ],
        )
        .map_err(|e| {
            anyhow::anyhow!(
                "[http.discord_login] authorize_url `{}` is not a URL: {e}",
                self.settings.authorize_url
            )
        })?;
        Ok(url.into())
    }

    /// Exchange the code Discord sent back and decide whether its owner is
    /// staff.
    pub async fn log_in(&self, code: &str) -> Result<LoggedIn, Refusal> {
        let staff = (self.staff)().ok_or(Refusal::NotReady)?;
        let token = self.exchange(code).await?;
        let url = format!("{}/users/@me/guilds/{}/member", self.api_base, staff.guild);
        let response = self
            .client
            .get(&url)
            .bearer_auth(&token)
            .send()
            .await
            .map_err(|e| Refusal::Discord(format!("cannot reach Discord ({})", e.without_url())))?;
        let status = response.status();
        if status == reqwest::StatusCode::NOT_FOUND {
            return Err(Refusal::NotMember);
        }
        if !status.is_success() {
            return Err(Refusal::Discord(format!(
                "Discord answered {status} to the member lookup"
            )));
        }
        let body = response
            .bytes()
            .await
            .map_err(|e| Refusal::Discord(format!("cannot read Discord's answer ({e})")))?;
        let member: Member = serde_json::from_slice(&body).map_err(|e| {
            Refusal::Discord(format!("Discord's member record does not parse ({e})"))
        })?;
        staff_member(&member, staff, &self.settings.editors)
    }

    async fn exchange(&self, code: &str) -> Result<String, Refusal> {
        let response = self
            .client
            .post(format!("{}/oauth2/token", self.api_base))
            .basic_auth(&self.settings.client_id, Some(&self.secret))
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", self.settings.redirect_url.as_str()),
            ])
            .send()
            .await
            .map_err(|e| Refusal::Discord(format!("cannot reach Discord ({})", e.without_url())))?;
        let status = response.status();
        if !status.is_success() {
            let hint = if status == reqwest::StatusCode::UNAUTHORIZED {
                " (check [http.discord_login] client_id and the client secret)"
            } else {
                ""
            };
            return Err(Refusal::Discord(format!(
                "Discord answered {status} to the code exchange{hint}"
            )));
        }
        #[derive(Deserialize)]
        struct Token {
            access_token: String,
        }
        let body = response
            .bytes()
            .await
            .map_err(|e| Refusal::Discord(format!("cannot read Discord's answer ({e})")))?;
        serde_json::from_slice::<Token>(&body)
            .map(|t| t.access_token)
            .map_err(|_| Refusal::Discord("Discord's token answer has no access_token".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(id: &str, roles: &[&str], nick: Option<&str>) -> Member {
        Member {
            user: MemberUser {
                id: id.into(),
                username: "sam_staff".into(),
                global_name: Some("Sam".into()),
            },
            nick: nick.map(str::to_string),
            roles: roles.iter().map(|r| r.to_string()).collect(),
        }
    }

    const STAFF: StaffGuild = StaffGuild {
        guild: 2001,
        role: 5001,
    };

    #[test]
    fn only_a_member_holding_the_staff_role_gets_in() {
        let ok = staff_member(&member("4004", &["7", "5001"], None), STAFF, &[]).unwrap();
        assert_eq!(
            ok,
            LoggedIn {
                user_id: 4004,
                name: "Sam".into(),
                editor: false
            }
        );
        let refused = staff_member(&member("4002", &["7"], Some("Ally")), STAFF, &[]);
        assert_eq!(
            refused,
            Err(Refusal::NotStaff {
                name: "Ally".into()
            })
        );
        let text = refused.unwrap_err().explain("Staff");
        assert!(text.contains("Ally") && text.contains("`Staff`"), "{text}");
    }

    #[test]
    fn editing_needs_the_user_id_listed_and_the_staff_role_still() {
        assert!(
            staff_member(&member("4004", &["5001"], None), STAFF, &[4004])
                .unwrap()
                .editor
        );
        assert!(staff_member(&member("4002", &[], None), STAFF, &[4002]).is_err());
    }

    #[test]
    fn a_member_record_without_a_numeric_id_is_refused_not_trusted() {
        let r = staff_member(&member("abc", &["5001"], None), STAFF, &[]);
        assert!(matches!(r, Err(Refusal::Discord(_))), "{r:?}");
    }

    #[test]
    fn the_consent_url_asks_only_for_identity_and_member_record() {
        let settings = DiscordLoginSettings {
            client_id: "1001".into(),
            client_secret: crate::config::SecretSource::Env("X".into()),
            redirect_url: "https://staff.example/login/discord/done".into(),
            authorize_url: "https://discord.com/oauth2/authorize".into(),
            editors: vec![],
        };
        let login = DiscordLogin {
            settings,
            secret: "s3cret".into(),
            api_base: "https://discord.com/api/v10".into(),
            staff: Arc::new(|| None),
            client: reqwest::Client::new(),
        };
        let url = login.authorize_url("st&ate").unwrap();
        assert!(url.starts_with("https://discord.com/oauth2/authorize?response_type=code&client_id=1001&scope=identify+guilds.members.read&state=st%26ate&redirect_uri=https%3A%2F%2Fstaff.example%2Flogin%2Fdiscord%2Fdone"), "{url}");
        assert!(!format!("{login:?}").contains("s3cret"));
    }
}
