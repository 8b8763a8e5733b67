//! `shopkeep tickets close N` and `shopkeep tickets reassign N --to NAME`:
//! staff changes made from the command line, for when Discord is not at
//! hand (or the ticket has no thread to type `/close` in).
//!
//! Owns writing those changes to the store so that the running bot carries
//! them out: the change itself at once, and what must be posted (the
//! customer's closing message, a line in the ticket's thread) as pending
//! relays, which the bot's desk round delivers within a minute (or at its
//! next start). Nothing here talks to Discord.

use anyhow::bail;

use crate::core::model::Timestamp;
use crate::core::ticket_text::{closing_text, command_line_text};
use crate::core::tickets::CLOSING_SOURCE;
use crate::store::{Direction, NewRelay, Store, TicketRecord};

async fn open_ticket(store: &Store, id: i64, db: &str) -> anyhow::Result<TicketRecord> {
    match store.ticket(id).await? {
        None => bail!("no ticket #{id} in {db}; `shopkeep tickets` lists them"),
        Some(t) if !t.is_open() => bail!(
            "ticket #{id} is already closed{}",
            t.closed_by
                .as_deref()
                .map(|who| format!(" (by {who})"))
                .unwrap_or_default()
        ),
        Some(t) => Ok(t),
    }
}

/// A line for the ticket's thread, if it has one.
async fn tell_thread(
    store: &Store,
    ticket: &TicketRecord,
    source: String,
    text: String,
    now: Timestamp,
) -> anyhow::Result<()> {
    if ticket.thread_id.is_none() {
        return Ok(());
    }
    let relay = NewRelay {
        ticket_id: ticket.id,
        direction: Direction::ToStaff,
        source_message_id: source,
        author_id: "command line".into(),
        text,
        attachments: Vec::new(),
        at: now,
    };
    store.add_relay(&relay).await?;
    Ok(())
}

/// Close ticket `id` as `by`; `brand` signs the closing message. Returns
/// what to tell the person at the terminal.
pub async fn close(
    store: &Store,
    db: &str,
    brand: &str,
    id: i64,
    by: &str,
    message: Option<&str>,
    now: Timestamp,
) -> anyhow::Result<String> {
    let ticket = open_ticket(store, id, db).await?;
    if !store.close_ticket(id, by, message, now).await? {
        bail!("ticket #{id} was closed by someone else just now");
    }
    let line = command_line_text(id, &format!("closed by {by}"));
    tell_thread(store, &ticket, format!("cli:close:{id}"), line, now).await?;
    let closing = NewRelay {
        ticket_id: id,
        direction: Direction::ToCustomer,
        source_message_id: format!("{CLOSING_SOURCE}{id}"),
        author_id: by.to_string(),
        text: closing_text(brand, message),
        attachments: Vec::new(),
        at: now,
    };
    store.add_relay(&closing).await?;
    Ok(format!(
        "Ticket #{id} ({}) closed by {by}. The running bot sends them the closing message \
         and archives the thread within a minute (or when it next starts).",
        ticket.user_name
    ))
}

/// Give ticket `id` to `to`, whoever held it.
pub async fn reassign(
    store: &Store,
    db: &str,
    id: i64,
    to: &str,
    now: Timestamp,
) -> anyhow::Result<String> {
    let to = to.trim();
    if to.is_empty() {
        bail!("--to must name the staff member who takes the ticket");
    }
    let ticket = open_ticket(store, id, db).await?;
    if !store.reassign(id, to, now).await? {
        bail!("ticket #{id} was closed by someone else just now");
    }
    let from = ticket.claimed_by.as_deref().unwrap_or("nobody");
    let line = command_line_text(id, &format!("is now owned by {to} (was: {from})"));
    let source = format!("cli:reassign:{id}:{}", now.timestamp_millis());
    tell_thread(store, &ticket, source, line, now).await?;
    Ok(format!("Ticket #{id} is now owned by {to} (was: {from})."))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::TicketFilter;

    /// A store with one open ticket (#1, alice, in thread 77), opened the
    /// way the engine opens them.
    async fn store_with_a_ticket() -> Store {
        let store = Store::open(":memory:").await.unwrap();
        sqlx::query(
            "INSERT INTO tickets (user_id, user_name, status, trigger, message_id, opened_at, thread_id) \
             VALUES ('4002', 'alice', 'open', 'direct message to the bot', 'm1', 0, '77')",
        )
        .execute(store.pool())
        .await
        .unwrap();
        store
    }

    #[tokio::test]
    async fn closing_from_the_command_line_queues_the_customer_message_and_a_thread_line() {
        let store = store_with_a_ticket().await;
        let now = chrono::Utc::now();
        let said = close(
            &store,
            "db",
            "Oak & Thistle",
            1,
            "sam",
            Some("Enjoy the table!"),
            now,
        )
        .await
        .unwrap();
        assert!(said.contains("Ticket #1 (alice) closed by sam"), "{said}");
        let ticket = store.ticket(1).await.unwrap().unwrap();
        assert!(!ticket.is_open());
        assert_eq!(ticket.closed_by.as_deref(), Some("sam"));
        let pending = store.pending_relays().await.unwrap();
        assert_eq!(pending.len(), 2, "{pending:#?}");
        assert_eq!(
            pending[0].direction,
            Direction::ToStaff,
            "the thread hears first"
        );
        assert!(pending[0]
            .text
            .contains("closed by sam (from the command line)"));
        assert_eq!(pending[1].direction, Direction::ToCustomer);
        assert!(pending[1].text.contains("Enjoy the table!"));

        let again = close(&store, "db", "Oak & Thistle", 1, "sam", None, now).await;
        assert!(again
            .unwrap_err()
            .to_string()
            .contains("already closed (by sam)"));
        let unknown = close(&store, "x.db", "B", 9, "sam", None, now).await;
        assert!(unknown
            .unwrap_err()
            .to_string()
            .contains("no ticket #9 in x.db"));
        assert_eq!(
            store.pending_relays().await.unwrap().len(),
            2,
            "nothing queued twice"
        );
    }

    #[tokio::test]
    async fn reassigning_replaces_the_owner_and_says_so_in_the_thread() {
        let store = store_with_a_ticket().await;
        let now = chrono::Utc::now();
        store.claim(1, "sam", now).await.unwrap();
        let said = reassign(&store, "db", 1, "priya", now).await.unwrap();
        assert_eq!(said, "Ticket #1 is now owned by priya (was: sam).");
        let open = store
            .tickets(&TicketFilter {
                status: Some("open".into()),
                since: None,
            })
            .await
            .unwrap();
        assert_eq!(open[0].claimed_by.as_deref(), Some("priya"));
        let pending = store.pending_relays().await.unwrap();
        assert!(pending[0].text.contains("now owned by priya (was: sam)"));
        assert!(reassign(&store, "db", 1, "  ", now).await.is_err());
    }
}
