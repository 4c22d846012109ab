-- Moderation: an image hidden by moderators stays private (its owner cannot make it public again);
-- reports say how they ended; the deletion log keeps what moderators deleted — by whom, why, and the
-- record as it was — written in the same transaction as the delete.
ALTER TABLE images ADD COLUMN moderated_at BIGINT;
ALTER TABLE reports ADD COLUMN outcome TEXT;
CREATE TABLE deletions (
    id TEXT PRIMARY KEY,
    admin_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    target_id TEXT NOT NULL,
    owner_id TEXT,
    reason TEXT NOT NULL,
    record TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX deletions_newest ON deletions (created_at, id);
CREATE INDEX reports_target ON reports (target_kind, target_id);
