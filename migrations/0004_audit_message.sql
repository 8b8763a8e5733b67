-- Issue 14: what the bot did NOT answer is visible. For near misses (the
-- detector unsure, an ask about nothing in the catalogue, a reply held back
-- by a limit) the audit keeps the member's message, so staff can judge it.
-- Deleted with the other texts after [storage] retention and by `forget`.
ALTER TABLE audit ADD COLUMN message TEXT;
