-- Issue 16: several processes share one store. Every effect a decision
-- writes is also appended here, in commit order. Before deciding, an engine
-- takes the store's write lock and folds in what other processes appended
-- since it last looked, so quotas, cooldowns, opt-outs and "already
-- decided" hold across processes, enforced by the database.
CREATE TABLE effect_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at BIGINT NOT NULL,
    effect TEXT NOT NULL
);
CREATE INDEX effect_log_at ON effect_log (at);
