-- Blocks (a blocked account can neither follow, comment on the blocker's images, nor message them) and
-- reports of images, comments and accounts into the moderation queue.
CREATE TABLE blocks (
    blocker_id TEXT NOT NULL REFERENCES users(id),
    blocked_id TEXT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id)
);
CREATE INDEX blocks_blocked ON blocks (blocked_id, blocker_id);

CREATE TABLE reports (
    id TEXT PRIMARY KEY,
    reporter_id TEXT NOT NULL REFERENCES users(id),
    target_kind TEXT NOT NULL,
    target_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    resolved_at BIGINT
);
-- One open report per person and target: reporting twice is no louder.
CREATE UNIQUE INDEX reports_once ON reports (reporter_id, target_kind, target_id);
CREATE INDEX reports_open ON reports (resolved_at, created_at, id);
