-- Issue 14: staff teach the bot.

-- The message the bot posted for a decision: its public reply (live), or
-- the staff desk's copy of a would-be reply (shadow). A staff reaction or
-- context-menu mark on that message finds its decision here.
ALTER TABLE audit ADD COLUMN posted_id TEXT;
CREATE INDEX audit_posted_id ON audit (posted_id);
CREATE INDEX audit_message_id ON audit (message_id);

-- One staff judgement per member message; marking again updates it.
-- `text` is the member's message, kept for [storage] retention (marks older
-- than that are deleted) and erased by `forget`.
CREATE TABLE marks (
    message_id TEXT PRIMARY KEY,
    server TEXT NOT NULL,
    place TEXT NOT NULL,
    author_id TEXT NOT NULL,
    text TEXT NOT NULL,
    mark TEXT NOT NULL,
    action TEXT NOT NULL,
    mode TEXT NOT NULL,
    verdict TEXT,
    score REAL,
    cues TEXT NOT NULL,
    category TEXT,
    template TEXT,
    marked_by TEXT NOT NULL,
    marked_by_id TEXT NOT NULL,
    first_marked_at BIGINT NOT NULL,
    marked_at BIGINT NOT NULL
);
CREATE INDEX marks_marked_at ON marks (marked_at);

-- Messages the engine read, per hour and source (`live`, `replay`), so a
-- report can say how much traffic its replies came from.
CREATE TABLE seen (
    hour BIGINT NOT NULL,
    source TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (hour, source)
);
