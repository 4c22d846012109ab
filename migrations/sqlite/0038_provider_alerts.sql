-- Low-balance warnings: the credits under which admins are told a provider runs low, and when they
-- last were (cleared when the balance is back over, so the next fall warns again, once).
CREATE TABLE provider_alerts (
    provider_id TEXT PRIMARY KEY,
    low_credits BIGINT NOT NULL,
    warned_at BIGINT,
    updated_by TEXT REFERENCES users(id),
    updated_at BIGINT NOT NULL
);
-- Words a notification carries: an admin's warning to an account, which provider runs low.
ALTER TABLE notifications ADD COLUMN message TEXT;
