-- Social: follows, likes and threaded comments, with their counts kept on the row they count (so no
-- list counts per request), and notifications. Rows that hang off an image go with it.
ALTER TABLE users ADD COLUMN follower_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN following_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE images ADD COLUMN like_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE images ADD COLUMN comment_count BIGINT NOT NULL DEFAULT 0;
-- Explore reads public images newest first; the feed reads each followee's through images_owner.
CREATE INDEX images_public ON images (visibility, created_at, id);

CREATE TABLE follows (
    follower_id TEXT NOT NULL REFERENCES users(id),
    followee_id TEXT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (follower_id, followee_id)
);
CREATE INDEX follows_followee ON follows (followee_id, created_at, follower_id);
CREATE INDEX follows_follower ON follows (follower_id, created_at, followee_id);

CREATE TABLE image_likes (
    image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (image_id, user_id)
);
CREATE INDEX image_likes_user ON image_likes (user_id, created_at);

CREATE TABLE comments (
    id TEXT PRIMARY KEY,
    image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    author_id TEXT NOT NULL REFERENCES users(id),
    parent_id TEXT REFERENCES comments(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    -- A deleted comment that has replies stays as a placeholder (empty body) so its thread holds.
    deleted BIGINT NOT NULL DEFAULT 0,
    like_count BIGINT NOT NULL DEFAULT 0,
    reply_count BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    edited_at BIGINT
);
CREATE INDEX comments_image ON comments (image_id, created_at, id);
CREATE INDEX comments_parent ON comments (parent_id);

CREATE TABLE comment_likes (
    comment_id TEXT NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (comment_id, user_id)
);

CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    actor_id TEXT REFERENCES users(id),
    image_id TEXT,
    comment_id TEXT,
    read_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX notifications_user ON notifications (user_id, created_at, id);
CREATE INDEX notifications_unread ON notifications (user_id, read_at);
