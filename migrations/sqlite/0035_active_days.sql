-- Who was active on which UTC day (days since 1970-01-01): a session signed in or used that day. The
-- admin overview counts daily, weekly and monthly active accounts from it. Kept by triggers on
-- sessions, so every way of signing in or using a session counts; a day is written once per account.
CREATE TABLE active_days (
    day BIGINT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id),
    PRIMARY KEY (day, user_id)
) WITHOUT ROWID;
INSERT OR IGNORE INTO active_days (day, user_id) SELECT created_at / 86400000, user_id FROM sessions;
INSERT OR IGNORE INTO active_days (day, user_id) SELECT last_used_at / 86400000, user_id FROM sessions;
CREATE TRIGGER active_days_session_added AFTER INSERT ON sessions BEGIN
    INSERT OR IGNORE INTO active_days (day, user_id) VALUES (new.last_used_at / 86400000, new.user_id);
END;
CREATE TRIGGER active_days_session_used AFTER UPDATE OF last_used_at ON sessions BEGIN
    INSERT OR IGNORE INTO active_days (day, user_id) VALUES (new.last_used_at / 86400000, new.user_id);
END;
-- Sign-ups per day are read by creation time.
CREATE INDEX users_created ON users (created_at);
-- The overview reads the whole server's jobs and ledger by time.
CREATE INDEX jobs_created ON jobs (created_at);
CREATE INDEX ledger_entries_created ON ledger_entries (created_at);
