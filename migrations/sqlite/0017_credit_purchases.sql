-- Credit packs bought through Stripe Checkout: one row a purchase, priced by the server when it began
-- (credits and amount never come from the buyer), credited once when Stripe reports it paid.
CREATE TABLE credit_purchases (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    pack_id TEXT NOT NULL,
    credits BIGINT NOT NULL CHECK (credits > 0),
    amount BIGINT NOT NULL CHECK (amount > 0),
    currency TEXT NOT NULL,
    session_id TEXT UNIQUE,
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    paid_at BIGINT
);
CREATE INDEX credit_purchases_user ON credit_purchases (user_id, created_at);

-- Every Stripe event acted on, by its id: a redelivery (Stripe retries, and may deliver twice) finds
-- its id here and changes nothing.
CREATE TABLE payment_events (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    outcome TEXT NOT NULL,
    received_at BIGINT NOT NULL
);
