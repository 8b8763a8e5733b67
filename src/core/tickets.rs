//! Staff tickets as product rules: who may run the staff commands, what a
//! staff message in a ticket thread becomes (an internal note, or a relay to
//! the customer under a name), which unclaimed tickets are due a reminder,
//! and what the first message of a ticket thread tells staff.
//!
//! Also: what staff actions change in the core's state (a closed ticket, a
//! block), when a failing relay is given up on, and what a Discord snowflake
//! says about an account's age. The texts staff and customers read are in
//! [`super::ticket_text`].
//!
//! Owns these rules as plain functions over plain data. The Discord adapter
//! calls them; the store keeps the tickets.

use chrono::Duration;

use super::model::Timestamp;
use super::state::State;

/// A change staff made that the core's in-memory state must see. The
/// ticket desk writes it to the store and hands it to the engine, which
/// folds it in with [`apply_staff_change`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffChange {
    /// The customer's ticket was closed: automatic replies may resume.
    Closed {
        user: String,
    },
    /// The user is ignored until `until` (`None`: until unblocked).
    Blocked {
        user: String,
        until: Option<Timestamp>,
    },
    Unblocked {
        user: String,
    },
}

/// Fold a staff change into the core's state.
pub fn apply_staff_change(state: &mut State, change: &StaffChange) {
    match change {
        StaffChange::Closed { user } => state.close_ticket(user),
        StaffChange::Blocked { user, until } => state.block(user, *until),
        StaffChange::Unblocked { user } => state.unblock(user),
    }
}

/// How many attempts a relay gets in all (immediate ones and re-deliveries
/// after failures or restarts) before it is marked failed in the thread.
pub const RELAY_ATTEMPTS: u32 = 5;

/// Why a relay could not be delivered, as staff need to read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RelayFailure {
    /// The customer does not accept DMs from the bot (Discord 50007).
    DmsClosed,
    /// The customer's account or membership is gone.
    CustomerGone,
    /// Discord refused it; trying again cannot help.
    Refused(String),
    /// A server error, a rate limit or a lost connection: worth retrying.
    Transient(String),
}

impl RelayFailure {
    pub fn is_transient(&self) -> bool {
        matches!(self, RelayFailure::Transient(_))
    }

    /// One line for the staff thread and the store.
    pub fn explain(&self) -> String {
        match self {
            RelayFailure::DmsClosed => {
                "the customer does not accept DMs from the bot (DMs closed, or they left the server)"
                    .into()
            }
            RelayFailure::CustomerGone => "the customer's account is no longer reachable".into(),
            RelayFailure::Refused(why) => format!("Discord refused it ({why})"),
            RelayFailure::Transient(why) => format!("Discord did not answer ({why})"),
        }
    }
}

/// Classify a Discord error answer: HTTP status and Discord's JSON code.
/// `to_dm` tells whether the post was to a DM channel.
pub fn classify_failure(status: u16, code: u32, message: &str, to_dm: bool) -> RelayFailure {
    match (status, code) {
        (_, 50007) => RelayFailure::DmsClosed,
        (_, 10013) | (_, 10007) => RelayFailure::CustomerGone,
        (403, _) if to_dm => RelayFailure::DmsClosed,
        (429, _) | (500..=599, _) => RelayFailure::Transient(format!("HTTP {status}")),
        _ => RelayFailure::Refused(format!("HTTP {status}, code {code}: {message}")),
    }
}

/// Whether a relay that just failed with `failure`, after `attempts`
/// attempts in all (this one included), is given up on.
pub fn give_up(failure: &RelayFailure, attempts: u32) -> bool {
    !failure.is_transient() || attempts >= RELAY_ATTEMPTS
}

/// The source of a ticket's closing-message relay (`close:ID`): one per
/// ticket, whether closed by `/close` or by `shopkeep tickets close`; not
/// a staff reply.
pub const CLOSING_SOURCE: &str = "close:";

/// Discord's epoch (2015-01-01T00:00:00Z) in Unix milliseconds.
const DISCORD_EPOCH_MS: i64 = 1_420_070_400_000;

/// When a Discord account (or any snowflake) was created.
pub fn created_at(snowflake: u64) -> Option<Timestamp> {
    let ms = i64::try_from(snowflake >> 22).ok()? + DISCORD_EPOCH_MS;
    chrono::DateTime::from_timestamp_millis(ms)
}

/// The end of a block of `length` placed at `now` (`None`: no end).
pub fn block_until(now: Timestamp, length: Option<Duration>) -> Option<Timestamp> {
    length.map(|d| now + d)
}

/// How staff replies reach the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelayIdentity {
    /// "Priya (Oak & Thistle): ..."
    DisplayName,
    /// "Oak & Thistle team: ..."
    Anonymous,
}

/// What a staff member's message in a ticket thread becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaffRoute {
    /// Starts with the note prefix: stays in the thread.
    Note,
    /// Sent to the customer's DM as this exact text.
    Relay(String),
    /// Nothing to relay (empty after trimming).
    Nothing,
}

/// Route a staff message posted in a ticket thread.
pub fn route_staff_message(
    text: &str,
    note_prefix: &str,
    identity: RelayIdentity,
    staff_name: &str,
    brand: &str,
) -> StaffRoute {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return StaffRoute::Nothing;
    }
    if !note_prefix.is_empty()
        && trimmed
            .to_lowercase()
            .starts_with(&note_prefix.to_lowercase())
    {
        return StaffRoute::Note;
    }
    let signature = match identity {
        RelayIdentity::DisplayName => format!("{} ({brand})", staff_name.trim()),
        RelayIdentity::Anonymous => format!("{brand} team"),
    };
    StaffRoute::Relay(format!("{signature}: {trimmed}"))
}

/// The refusal a non-staff member gets for any staff command.
pub fn refusal(command: &str, staff_role: &str) -> String {
    format!("Only members with the {staff_role} role can use /{command}.")
}

/// What a member without the staff role is told when they use a staff
/// item of a message's Apps menu.
pub fn menu_refusal(item: &str, staff_role: &str) -> String {
    format!("Only members with the {staff_role} role can use Apps ▸ {item}.")
}

/// Whether a block placed until `until` (`None`: until lifted) still holds
/// at `now`. The one rule for the core's state and the desk.
pub fn block_holds(until: Option<Timestamp>, now: Timestamp) -> bool {
    until.map_or(true, |until| now < until)
}

/// Whether a DM goes straight to the ticket desk instead of the core: only
/// attachments, no text (the core reads text and ignores such a message),
/// from a person who is not blocked and has an open ticket to add it to.
pub fn dm_goes_to_desk(
    from_bot: bool,
    text: &str,
    attachments: usize,
    blocked: bool,
    has_open_ticket: bool,
) -> bool {
    !from_bot && text.trim().is_empty() && attachments > 0 && !blocked && has_open_ticket
}

/// A ticket as the reminder rule sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenTicket {
    pub id: i64,
    pub opened_at: Timestamp,
    pub claimed: bool,
    /// A reminder was already sent for this ticket.
    pub reminded: bool,
}

/// Unclaimed tickets older than `after` that have not been reminded yet:
/// each gets exactly one reminder.
pub fn due_reminders(tickets: &[OpenTicket], now: Timestamp, after: Duration) -> Vec<i64> {
    tickets
        .iter()
        .filter(|t| !t.claimed && !t.reminded && now - t.opened_at >= after)
        .map(|t| t.id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn a_snowflake_tells_when_the_account_was_made() {
        // Discord's documented example: 175928847299117063 is 2016-04-30 11:18:25.796 UTC.
        let t = created_at(175_928_847_299_117_063).unwrap();
        assert_eq!(
            t,
            Utc.with_ymd_and_hms(2016, 4, 30, 11, 18, 25).unwrap() + Duration::milliseconds(796)
        );
    }

    #[test]
    fn closed_dms_and_gone_customers_are_not_retried_server_errors_are() {
        let cases = [
            (403, 50007, true, RelayFailure::DmsClosed),
            (400, 50007, false, RelayFailure::DmsClosed),
            (403, 0, true, RelayFailure::DmsClosed),
            (404, 10013, true, RelayFailure::CustomerGone),
            (503, 0, true, RelayFailure::Transient("HTTP 503".into())),
            (429, 0, false, RelayFailure::Transient("HTTP 429".into())),
        ];
        for (status, code, dm, expected) in cases {
            assert_eq!(
                classify_failure(status, code, "x", dm),
                expected,
                "{status} {code}"
            );
        }
        assert!(matches!(
            classify_failure(403, 50013, "Missing Permissions", false),
            RelayFailure::Refused(_)
        ));
    }

    #[test]
    fn a_transient_failure_is_retried_until_the_attempts_run_out() {
        let busy = RelayFailure::Transient("HTTP 502".into());
        assert!(!give_up(&busy, 1));
        assert!(!give_up(&busy, RELAY_ATTEMPTS - 1));
        assert!(give_up(&busy, RELAY_ATTEMPTS));
        assert!(give_up(&RelayFailure::DmsClosed, 1));
    }

    #[test]
    fn staff_changes_reach_the_state_the_core_decides_with() {
        let t0 = Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap();
        let mut state = State::new();
        state.mark_ticket_open("alice".into());
        apply_staff_change(
            &mut state,
            &StaffChange::Closed {
                user: "alice".into(),
            },
        );
        assert!(!state.has_open_ticket("alice"));
        let until = block_until(t0, Some(Duration::hours(1)));
        apply_staff_change(
            &mut state,
            &StaffChange::Blocked {
                user: "bob".into(),
                until,
            },
        );
        assert!(state.is_blocked("bob", t0 + Duration::minutes(59)));
        assert!(!state.is_blocked("bob", t0 + Duration::minutes(60)));
        apply_staff_change(
            &mut state,
            &StaffChange::Blocked {
                user: "bob".into(),
                until: None,
            },
        );
        assert!(state.is_blocked("bob", t0 + Duration::days(999)));
        apply_staff_change(&mut state, &StaffChange::Unblocked { user: "bob".into() });
        assert!(!state.is_blocked("bob", t0));
    }

    #[test]
    fn a_note_stays_in_the_thread_and_a_reply_is_signed() {
        let id = RelayIdentity::DisplayName;
        assert_eq!(
            route_staff_message("!note called them", "!note", id, "Priya", "Oak"),
            StaffRoute::Note
        );
        assert_eq!(
            route_staff_message("!NOTE x", "!note", id, "Priya", "Oak"),
            StaffRoute::Note
        );
        assert_eq!(
            route_staff_message(
                " Hi, the rocking chair is in stock ",
                "!note",
                id,
                "Priya",
                "Oak"
            ),
            StaffRoute::Relay("Priya (Oak): Hi, the rocking chair is in stock".into())
        );
        assert_eq!(
            route_staff_message("Hi", "!note", RelayIdentity::Anonymous, "Priya", "Oak"),
            StaffRoute::Relay("Oak team: Hi".into())
        );
        assert_eq!(
            route_staff_message("   ", "!note", id, "Priya", "Oak"),
            StaffRoute::Nothing
        );
    }

    #[test]
    fn an_unclaimed_ticket_is_reminded_once_after_the_delay() {
        let t0 = Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap();
        let tickets = vec![
            OpenTicket {
                id: 1,
                opened_at: t0,
                claimed: false,
                reminded: false,
            },
            OpenTicket {
                id: 2,
                opened_at: t0,
                claimed: true,
                reminded: false,
            },
            OpenTicket {
                id: 3,
                opened_at: t0,
                claimed: false,
                reminded: true,
            },
            OpenTicket {
                id: 4,
                opened_at: t0 + Duration::minutes(10),
                claimed: false,
                reminded: false,
            },
        ];
        assert_eq!(
            due_reminders(&tickets, t0 + Duration::minutes(15), Duration::minutes(15)),
            vec![1]
        );
        assert!(
            due_reminders(&tickets, t0 + Duration::minutes(14), Duration::minutes(15)).is_empty()
        );
    }

    #[test]
    fn only_a_textless_dm_with_files_from_an_unblocked_customer_with_a_ticket_goes_to_the_desk() {
        assert!(dm_goes_to_desk(false, "  ", 1, false, true));
        assert!(
            !dm_goes_to_desk(false, "here's the photo", 1, false, true),
            "text: the core reads it"
        );
        assert!(
            !dm_goes_to_desk(false, "", 0, false, true),
            "nothing to relay"
        );
        assert!(!dm_goes_to_desk(true, "", 1, false, true), "a bot");
        assert!(!dm_goes_to_desk(false, "", 1, true, true), "blocked");
        assert!(
            !dm_goes_to_desk(false, "", 1, false, false),
            "no ticket to add it to"
        );
    }
}
