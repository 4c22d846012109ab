-- A suspended account's public images turn private while it is suspended; this marks the ones the
-- suspension hid, so restoring the account publishes exactly those again.
ALTER TABLE images ADD COLUMN hidden_by_suspension BIGINT NOT NULL DEFAULT 0;
