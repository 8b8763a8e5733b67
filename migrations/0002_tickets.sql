-- Staff tickets, issue 7: what a restart needs to keep relaying.
-- Timestamps are Unix milliseconds (BIGINT), as in 0001.

-- The ticket's lifecycle beyond opening: who claimed it and when, who closed
-- it and with what message, and the one unclaimed reminder. (The notice a
-- thread opens with is the ticket's first `to_staff` relay, so a failed
-- thread creation is retried with the same context.)
ALTER TABLE tickets ADD COLUMN claimed_at BIGINT;
ALTER TABLE tickets ADD COLUMN closed_by TEXT;
ALTER TABLE tickets ADD COLUMN closing_message TEXT;
ALTER TABLE tickets ADD COLUMN reminded_at BIGINT;
CREATE UNIQUE INDEX tickets_thread ON tickets (thread_id) WHERE thread_id IS NOT NULL;

-- People staff blocked: the core ignores them until `until` (NULL: forever).
CREATE TABLE blocks (
    user_id TEXT PRIMARY KEY,
    until BIGINT,
    blocked_by TEXT NOT NULL,
    at BIGINT NOT NULL
);

-- Every message relayed through a ticket, both ways, with its delivery
-- status. `pending` rows are re-delivered after a failure or a restart;
-- `failed` ones were given up on and reported in the thread.
CREATE TABLE relays (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    -- 'to_staff' (customer -> thread) or 'to_customer' (thread -> DM)
    direction TEXT NOT NULL,
    source_message_id TEXT NOT NULL,
    author_id TEXT NOT NULL,
    text TEXT NOT NULL,
    -- attachment URLs, one per line
    attachments TEXT NOT NULL,
    -- 'pending', 'sent' or 'failed'
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    delivered_at BIGINT,
    UNIQUE (direction, source_message_id)
);
CREATE INDEX relays_status ON relays (status);
