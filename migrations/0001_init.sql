-- Shopkeep's store. Timestamps are Unix milliseconds (BIGINT) so the same
-- schema runs on PostgreSQL.

-- Messages decided with a visible outcome: never decided (answered) again.
CREATE TABLE decided (
    message_id TEXT PRIMARY KEY,
    at BIGINT NOT NULL
);
CREATE INDEX decided_at ON decided (at);

-- People who told the bot to stop.
CREATE TABLE opt_outs (
    user_id TEXT PRIMARY KEY,
    at BIGINT NOT NULL
);

-- Every public reply counted against the quotas (sent or, in shadow mode,
-- would-be). Rebuilds per-user cooldowns and reply windows after a restart.
CREATE TABLE reply_counts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id TEXT NOT NULL,
    scopes TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX reply_counts_at ON reply_counts (at);

-- Threads where staff spoke: the bot stays out of them.
CREATE TABLE staff_threads (
    thread_id TEXT PRIMARY KEY
);

-- The template variant last used per conversation (rotation).
CREATE TABLE variants (
    conversation TEXT NOT NULL,
    template TEXT NOT NULL,
    variant INTEGER NOT NULL,
    PRIMARY KEY (conversation, template)
);

-- Staff tickets (hand-offs).
CREATE TABLE tickets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id TEXT NOT NULL,
    user_name TEXT NOT NULL,
    status TEXT NOT NULL,
    trigger TEXT NOT NULL,
    message_id TEXT NOT NULL,
    opened_at BIGINT NOT NULL,
    closed_at BIGINT,
    thread_id TEXT,
    claimed_by TEXT,
    first_staff_reply_at BIGINT
);
CREATE INDEX tickets_user ON tickets (user_id, status);

-- One record per decision that led to a reply, a hand-off, or a reply held
-- back: what compliance audits.
CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    decided_at BIGINT NOT NULL,
    source TEXT NOT NULL,
    mode TEXT NOT NULL,
    message_id TEXT NOT NULL,
    place TEXT NOT NULL,
    user_id TEXT NOT NULL,
    user_name TEXT NOT NULL,
    action TEXT NOT NULL,
    reason_code TEXT NOT NULL,
    reason TEXT NOT NULL,
    verdict TEXT,
    score REAL,
    cues TEXT NOT NULL,
    category TEXT,
    template TEXT,
    variant INTEGER,
    compliance TEXT NOT NULL,
    held_by TEXT,
    text TEXT,
    delivery TEXT NOT NULL,
    delivered_at BIGINT
);
CREATE INDEX audit_decided_at ON audit (decided_at);
