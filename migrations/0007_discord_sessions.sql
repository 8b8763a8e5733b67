-- Issue 15: staff log in to the web page with Discord. Their sessions
-- belong to a Discord user (no local account), carry whether they may edit
-- templates, and are erased by `shopkeep forget`.
ALTER TABLE sessions ADD COLUMN discord_id TEXT;
ALTER TABLE sessions ADD COLUMN discord_editor INTEGER NOT NULL DEFAULT 0;
CREATE INDEX sessions_discord_id ON sessions (discord_id);
