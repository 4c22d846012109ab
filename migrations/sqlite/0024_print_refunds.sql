-- A print order cancelled or failed after it was paid is refunded through Stripe, once.
ALTER TABLE print_orders ADD COLUMN refund_id TEXT;
ALTER TABLE print_orders ADD COLUMN refunded_at BIGINT;
