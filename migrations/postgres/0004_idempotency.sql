-- A client's idempotency key for a submission: a retried request finds the set the first one made.
ALTER TABLE generation_sets ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX generation_sets_idempotency ON generation_sets (owner_id, idempotency_key);
