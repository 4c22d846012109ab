-- Refunds and disputes take bought credits back. What the balance no longer holds is owed: spending is
-- refused until credits that arrive later (a purchase, a refund of a reservation) have paid it.
ALTER TABLE balances ADD COLUMN debt BIGINT NOT NULL DEFAULT 0 CHECK (debt >= 0);

-- Stripe names a refunded or disputed payment by its PaymentIntent: stored when the purchase is paid.
-- The amounts are Stripe's own running totals (a partial refund, then another), so a late or repeated
-- event cannot take credits back twice; credits_reversed is what the ledger has taken back so far.
ALTER TABLE credit_purchases ADD COLUMN payment_intent TEXT;
ALTER TABLE credit_purchases ADD COLUMN refunded_amount BIGINT NOT NULL DEFAULT 0;
ALTER TABLE credit_purchases ADD COLUMN disputed_amount BIGINT NOT NULL DEFAULT 0;
ALTER TABLE credit_purchases ADD COLUMN dispute_status TEXT;
ALTER TABLE credit_purchases ADD COLUMN credits_reversed BIGINT NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX credit_purchases_payment_intent ON credit_purchases (payment_intent);
