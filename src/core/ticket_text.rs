//! The texts of a staff ticket: the notice a ticket thread opens with, a
//! customer message relayed into the thread, the closing message the
//! customer gets, the unclaimed reminder, failure reports, and the `/tickets`
//! list.
//!
//! Owns wording and layout, as pure functions over plain data. Untrusted
//! names arrive already escaped by the adapter; customer text is quoted
//! line by line and never pings (the adapter posts every one of these with
//! explicit allowed-mentions). Every text fits Discord's 2000 characters.

use chrono::Duration;

use super::model::Timestamp;

/// Discord's limit for one message's content.
pub const MAX_MESSAGE_CHARS: usize = 2000;
/// How much of a customer's message a notice quotes.
const QUOTE_CHARS: usize = 900;

/// Everything the first message of a ticket thread tells staff.
#[derive(Debug, Clone, PartialEq)]
pub struct NoticeFacts {
    pub ticket_id: i64,
    /// The rendered `staff_notice` template (the opening line).
    pub header: String,
    /// The role to ping, if known.
    pub staff_role: Option<u64>,
    /// The customer's display name, already escaped.
    pub customer_name: String,
    pub customer_id: String,
    pub account_created: Option<Timestamp>,
    pub member_since: Option<Timestamp>,
    /// What opened the ticket, e.g. "direct message to the bot".
    pub trigger: String,
    /// Where the message was posted, e.g. "a DM" or "#general".
    pub place: String,
    pub jump_link: String,
    pub text: String,
    pub attachments: Vec<String>,
    /// e.g. "solicitation, score 0.82".
    pub verdict: Option<String>,
    pub cues: Vec<String>,
    /// What the bot already said to the customer, if anything.
    pub bot_reply: Option<String>,
    /// The customer's earlier tickets: id and when each was closed.
    pub prior: Vec<(i64, Timestamp)>,
}

/// The first message of a ticket thread.
pub fn notice_text(f: &NoticeFacts, now: Timestamp) -> String {
    let mut lines = Vec::new();
    let ping = f
        .staff_role
        .map(|r| format!("<@&{r}> "))
        .unwrap_or_default();
    lines.push(format!(
        "{ping}**Ticket #{}** — {}",
        f.ticket_id,
        f.header.trim()
    ));
    let mut who = format!("**Customer:** {} (`{}`)", f.customer_name, f.customer_id);
    if let Some(created) = f.account_created {
        who.push_str(&format!(" · account {} old", span(now - created)));
    }
    match f.member_since {
        Some(joined) => who.push_str(&format!(" · member since {}", joined.format("%Y-%m-%d"))),
        None => who.push_str(" · not seen in the server"),
    }
    lines.push(who);
    lines.push(format!("**Trigger:** {} in {}", f.trigger, f.place));
    lines.push(format!("**Message:** {}", f.jump_link));
    lines.push(quote(&f.text, QUOTE_CHARS));
    lines.extend(attachment_lines(&f.attachments));
    if let Some(verdict) = &f.verdict {
        let cues = if f.cues.is_empty() {
            "no cues".to_string()
        } else {
            f.cues.join(", ")
        };
        lines.push(format!("**Detector:** {verdict} · cues: {cues}"));
    }
    match &f.bot_reply {
        Some(reply) => lines.push(format!("**Bot replied:**\n{}", quote(reply, 400))),
        None => lines.push("**Bot replied:** nothing".into()),
    }
    lines.push(prior_line(&f.prior));
    lines.push(
        "Reply here to answer through the bot · start a line with the note prefix to keep it internal · /claim · /close".into(),
    );
    fit(&lines.join("\n"), MAX_MESSAGE_CHARS)
}

fn prior_line(prior: &[(i64, Timestamp)]) -> String {
    if prior.is_empty() {
        return "**Earlier tickets:** none".into();
    }
    let list: Vec<String> = prior
        .iter()
        .take(5)
        .map(|(id, closed)| format!("#{id} (closed {})", closed.format("%Y-%m-%d")))
        .collect();
    format!("**Earlier tickets:** {}", list.join(", "))
}

/// A customer message relayed into the staff thread. `context` says what
/// brought it (e.g. "DM" or "asked for a person in #general: <link>").
pub fn customer_relay_text(
    name: &str,
    context: &str,
    text: &str,
    attachments: &[String],
) -> String {
    let mut lines = vec![format!("**{name}** ({context}):")];
    if !text.trim().is_empty() {
        lines.push(quote(text, MAX_MESSAGE_CHARS));
    }
    lines.extend(attachment_lines(attachments));
    fit(&lines.join("\n"), MAX_MESSAGE_CHARS)
}

/// A staff reply with its attachments, as the customer receives it.
pub fn staff_reply_text(signed: &str, attachments: &[String]) -> String {
    let mut lines = vec![signed.to_string()];
    lines.extend(attachments.iter().cloned());
    fit(&lines.join("\n"), MAX_MESSAGE_CHARS)
}

/// What the customer receives when staff close the ticket.
pub fn closing_text(brand: &str, message: Option<&str>) -> String {
    let mut text = format!("{brand}: our team has closed this conversation.");
    if let Some(m) = message.map(str::trim).filter(|m| !m.is_empty()) {
        text.push_str(&format!("\n{m}"));
    }
    text.push_str("\nIf you need anything else, just send a new message here.");
    fit(&text, MAX_MESSAGE_CHARS)
}

/// A ticket's notice posted in the staff channel itself because its thread
/// could not be created (`why`): staff learn of the customer, of what is
/// broken, and of what they must do meanwhile.
pub fn no_thread_text(ticket_id: i64, why: &str, notice: &str) -> String {
    let warning = format!(
        "⚠️ I could not open a thread for ticket #{ticket_id}: {why}. Give me Create Public \
         Threads and Send Messages in Threads in this channel; until then the customer's \
         messages arrive here and I cannot relay your replies, so answer them yourselves.\n"
    );
    fit(&format!("{warning}{notice}"), MAX_MESSAGE_CHARS)
}

/// What the staff commands and the desk say to staff (commands answer
/// only the staff member who used them; the last two go in the thread).
/// The adapter only sends these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaffAnswer<'a> {
    UseInThread {
        command: &'a str,
    },
    Claimed {
        by: &'a str,
        ticket: i64,
    },
    OwnedBy {
        ticket: i64,
        owner: &'a str,
    },
    IsClosed {
        ticket: i64,
    },
    Released {
        by: &'a str,
        ticket: i64,
    },
    NoOwner {
        ticket: i64,
    },
    AlreadyClosed {
        ticket: i64,
    },
    Closing {
        ticket: i64,
    },
    BadDuration {
        why: &'a str,
    },
    Blocked {
        name: &'a str,
        until: Option<Timestamp>,
    },
    Unblocked {
        name: &'a str,
        was_blocked: bool,
    },
    ClosedNotRelayed {
        ticket: i64,
    },
    ClosedBy {
        ticket: i64,
        closer: &'a str,
    },
}

impl StaffAnswer<'_> {
    pub fn text(&self) -> String {
        use StaffAnswer::*;
        match self {
            UseInThread { command } => format!("Use /{command} inside a ticket thread."),
            Claimed { by, ticket } => format!("{by} owns ticket #{ticket}."),
            OwnedBy { ticket, owner } => {
                format!("Ticket #{ticket} is already owned by {owner}; they can /unclaim it.")
            }
            IsClosed { ticket } => format!("Ticket #{ticket} is closed."),
            Released { by, ticket } => format!("{by} released ticket #{ticket}; it has no owner."),
            NoOwner { ticket } => format!("Ticket #{ticket} has no owner."),
            AlreadyClosed { ticket } => format!("Ticket #{ticket} is already closed."),
            Closing { ticket } => format!("Closing ticket #{ticket}…"),
            BadDuration { why } => format!("Cannot read the duration: {why}"),
            Blocked {
                name,
                until: Some(t),
            } => format!(
                "{name} is blocked until {} UTC.",
                t.format("%Y-%m-%d %H:%M")
            ),
            Blocked { name, until: None } => format!("{name} is blocked until /unblock."),
            Unblocked {
                name,
                was_blocked: true,
            } => format!("{name} is no longer blocked."),
            Unblocked { name, .. } => format!("{name} was not blocked."),
            ClosedNotRelayed { ticket } => {
                format!("Ticket #{ticket} is closed; this message was not relayed.")
            }
            ClosedBy { ticket, closer } => format!("Ticket #{ticket} closed by {closer}."),
        }
    }
}

/// What a `shopkeep tickets` command changed, as a line in the ticket's thread.
pub fn command_line_text(ticket_id: i64, change: &str) -> String {
    fit(
        &format!("Ticket #{ticket_id} {change} (from the command line)."),
        MAX_MESSAGE_CHARS,
    )
}

/// The one reminder for a ticket nobody claimed.
pub fn reminder_text(staff_role: Option<u64>, ticket_id: i64, waiting: Duration) -> String {
    let ping = staff_role.map(|r| format!("<@&{r}> ")).unwrap_or_default();
    format!(
        "{ping}Ticket #{ticket_id} has waited {} without an owner. Use /claim to take it.",
        span(waiting)
    )
}

/// A relay that could not be delivered, reported in the thread.
pub fn relay_failed_text(to_customer: bool, why: &str, attempts: u32) -> String {
    let what = if to_customer {
        "This reply was NOT delivered to the customer"
    } else {
        "A customer message could not be posted here earlier"
    };
    let tries = if attempts == 1 {
        "1 attempt".to_string()
    } else {
        format!("{attempts} attempts")
    };
    format!("⚠️ {what}: {why} ({tries}).")
}

/// One line per open ticket for `/tickets`.
pub fn ticket_list(rows: &[(i64, String, Timestamp, Option<String>)], now: Timestamp) -> String {
    if rows.is_empty() {
        return "No open tickets.".into();
    }
    let lines: Vec<String> = rows
        .iter()
        .map(|(id, customer, opened, owner)| {
            format!(
                "#{id} · {customer} · open {} · {}",
                span(now - *opened),
                owner.as_deref().unwrap_or("unclaimed")
            )
        })
        .collect();
    fit(&lines.join("\n"), MAX_MESSAGE_CHARS)
}

/// A duration the way staff say it: "7m", "3h 05m", "12d".
pub fn span(d: Duration) -> String {
    let mins = d.num_minutes().max(0);
    match mins {
        m if m < 60 => format!("{m}m"),
        m if m < 60 * 24 => format!("{}h {:02}m", m / 60, m % 60),
        m if m < 60 * 24 * 365 => format!("{}d", m / (60 * 24)),
        m => format!("{}y", m / (60 * 24 * 365)),
    }
}

fn attachment_lines(attachments: &[String]) -> Vec<String> {
    attachments
        .iter()
        .map(|url| format!("📎 <{url}>"))
        .collect()
}

/// Quote text line by line, cut to `max` characters.
fn quote(text: &str, max: usize) -> String {
    let cut = fit(text.trim(), max);
    if cut.is_empty() {
        return "> (no text)".into();
    }
    cut.lines()
        .map(|l| format!("> {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Cut to at most `max` characters, marking the cut with `…`.
pub fn fit(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn facts() -> NoticeFacts {
        let t0 = Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap();
        NoticeFacts {
            ticket_id: 7,
            header: "New conversation with alice.".into(),
            staff_role: Some(5001),
            customer_name: "alice".into(),
            customer_id: "4002".into(),
            account_created: Some(t0 - Duration::days(400)),
            member_since: Some(t0 - Duration::days(30)),
            trigger: "direct message to the bot".into(),
            place: "a DM".into(),
            jump_link: "https://discord.com/channels/@me/9/1".into(),
            text: "hi\ncan someone call me".into(),
            attachments: vec!["https://cdn.example/a.png".into()],
            verdict: Some("not a solicitation, score 0.10".into()),
            cues: vec!["ask.person".into()],
            bot_reply: None,
            prior: vec![(3, t0 - Duration::days(2))],
        }
    }

    #[test]
    fn the_notice_pings_the_role_and_gives_the_whole_context() {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap();
        let text = notice_text(&facts(), now);
        assert!(text.starts_with("<@&5001> **Ticket #7**"), "{text}");
        assert_eq!(span(Duration::days(400)), "1y");
        assert_eq!(span(Duration::days(40)), "40d");
        for part in [
            "alice (`4002`)",
            "account 1y old",
            "member since 2026-10-24",
            "direct message to the bot in a DM",
            "https://discord.com/channels/@me/9/1",
            "> hi\n> can someone call me",
            "📎 <https://cdn.example/a.png>",
            "cues: ask.person",
            "**Bot replied:** nothing",
            "#3 (closed 2026-11-21)",
        ] {
            assert!(text.contains(part), "missing {part:?} in {text}");
        }
    }

    #[test]
    fn a_huge_message_still_fits_one_discord_message() {
        let mut f = facts();
        f.text = "word ".repeat(2000);
        f.bot_reply = Some("r".repeat(3000));
        let text = notice_text(&f, Utc::now());
        assert!(text.chars().count() <= MAX_MESSAGE_CHARS);
        let relay = customer_relay_text("alice", "DM", &"x".repeat(5000), &[]);
        assert_eq!(relay.chars().count(), MAX_MESSAGE_CHARS);
    }

    #[test]
    fn the_closing_text_names_the_brand_and_carries_the_staff_message() {
        assert_eq!(
            closing_text("Oak & Pine", Some(" Glad we could help! ")),
            "Oak & Pine: our team has closed this conversation.\nGlad we could help!\nIf you need anything else, just send a new message here."
        );
        assert!(!closing_text("Oak", Some("  ")).contains("\n\n"));
    }

    #[test]
    fn a_reminder_pings_the_role_once_with_the_wait() {
        assert_eq!(
            reminder_text(Some(5001), 4, Duration::minutes(16)),
            "<@&5001> Ticket #4 has waited 16m without an owner. Use /claim to take it."
        );
    }

    #[test]
    fn the_ticket_list_shows_age_and_owner() {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap();
        let rows = vec![
            (1, "alice".to_string(), now - Duration::minutes(125), None),
            (
                2,
                "bob".to_string(),
                now - Duration::minutes(5),
                Some("sam".to_string()),
            ),
        ];
        assert_eq!(
            ticket_list(&rows, now),
            "#1 · alice · open 2h 05m · unclaimed\n#2 · bob · open 5m · sam"
        );
        assert_eq!(ticket_list(&[], now), "No open tickets.");
    }

    #[test]
    fn a_failed_relay_says_it_was_not_delivered_and_why() {
        assert_eq!(
            relay_failed_text(true, "DMs closed", 1),
            "⚠️ This reply was NOT delivered to the customer: DMs closed (1 attempt)."
        );
    }
}

#[cfg(test)]
mod staff_answer_tests {
    use super::StaffAnswer;
    use chrono::TimeZone;

    #[test]
    fn staff_answers_name_the_ticket_and_say_what_to_do() {
        let owned = StaffAnswer::OwnedBy {
            ticket: 3,
            owner: "sam",
        };
        assert_eq!(
            owned.text(),
            "Ticket #3 is already owned by sam; they can /unclaim it."
        );
        let until = chrono::Utc.with_ymd_and_hms(2026, 12, 8, 9, 30, 0).unwrap();
        let blocked = StaffAnswer::Blocked {
            name: "spammer",
            until: Some(until),
        };
        assert_eq!(
            blocked.text(),
            "spammer is blocked until 2026-12-08 09:30 UTC."
        );
        let not_blocked = StaffAnswer::Unblocked {
            name: "bob",
            was_blocked: false,
        };
        assert_eq!(not_blocked.text(), "bob was not blocked.");
    }
}
