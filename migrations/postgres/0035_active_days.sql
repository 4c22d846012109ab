-- Who was active on which UTC day (days since 1970-01-01): a session signed in or used that day. The
-- admin overview counts daily, weekly and monthly active accounts from it. Kept by triggers on
-- sessions, so every way of signing in or using a session counts; a day is written once per account.
CREATE TABLE active_days (
    day BIGINT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id),
    PRIMARY KEY (day, user_id)
);
INSERT INTO active_days (day, user_id)
    SELECT created_at / 86400000, user_id FROM sessions
    UNION SELECT last_used_at / 86400000, user_id FROM sessions
    ON CONFLICT DO NOTHING;
CREATE FUNCTION active_days_session_used() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO active_days (day, user_id) VALUES (NEW.last_used_at / 86400000, NEW.user_id)
        ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER active_days_session_added AFTER INSERT ON sessions
    FOR EACH ROW EXECUTE FUNCTION active_days_session_used();
CREATE TRIGGER active_days_session_used AFTER UPDATE OF last_used_at ON sessions
    FOR EACH ROW EXECUTE FUNCTION active_days_session_used();
-- Sign-ups per day are read by creation time.
CREATE INDEX users_created ON users (created_at);
-- The overview reads the whole server's jobs and ledger by time.
CREATE INDEX jobs_created ON jobs (created_at);
CREATE INDEX ledger_entries_created ON ledger_entries (created_at);
