-- Creator payouts through Stripe Connect: the account each creator is paid into, and each payout
-- (credits taken from the ledger when requested, returned if it fails).
CREATE TABLE payout_accounts (
    user_id TEXT PRIMARY KEY REFERENCES users(id),
    account_id TEXT NOT NULL UNIQUE,
    payouts_enabled BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

CREATE TABLE payouts (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    credits BIGINT NOT NULL CHECK (credits > 0),
    amount BIGINT NOT NULL CHECK (amount > 0),
    currency TEXT NOT NULL,
    status TEXT NOT NULL,
    transfer_id TEXT UNIQUE,
    failure TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX payouts_user ON payouts (user_id, created_at);
