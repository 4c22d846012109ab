-- Tips: credits given from one account to another, with an optional message and the image that
-- moved the giver. The ledger holds the money (a debit and a credit in one transaction); this row
-- holds what the ledger cannot: who, to whom, why. A request key makes a retried tip one tip.
CREATE TABLE tips (
    id TEXT PRIMARY KEY,
    from_user TEXT NOT NULL REFERENCES users(id),
    to_user TEXT NOT NULL REFERENCES users(id),
    amount BIGINT NOT NULL CHECK (amount BETWEEN 1 AND 1000),
    message TEXT,
    image_id TEXT,
    request_key TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (from_user, request_key),
    CHECK (from_user <> to_user)
);
CREATE INDEX tips_to ON tips (to_user, created_at, id);
CREATE INDEX tips_from ON tips (from_user, created_at, id);

-- A tip's notification names it, so the list shows its amount and message.
ALTER TABLE notifications ADD COLUMN tip_id TEXT;
