//! Staff tickets as product rules: who may run the staff commands, what a
//! staff message in a ticket thread becomes (an internal note, or a relay to
//! the customer under a name), which unclaimed tickets are due a reminder,
//! and what the first message of a ticket thread tells staff.
//!
//! Owns these rules as plain functions over plain data. The Discord adapter
//! calls them; the store keeps the tickets.

use chrono::Duration;

use super::model::Timestamp;

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
}
