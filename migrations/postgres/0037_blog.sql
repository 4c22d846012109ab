-- The blog and "what's new": admins' markdown posts, drafts until published. The HTML readers get is
-- rendered from `body` when read (never stored), so a safer renderer applies to every post at once.
CREATE TABLE posts (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    body TEXT NOT NULL,
    category TEXT NOT NULL,
    author_id TEXT NOT NULL REFERENCES users(id),
    published_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX posts_published ON posts (published_at, id);
CREATE TABLE post_tags (
    post_id TEXT NOT NULL REFERENCES posts(id),
    tag TEXT NOT NULL,
    position BIGINT NOT NULL,
    PRIMARY KEY (post_id, tag)
);
CREATE INDEX post_tags_tag ON post_tags (tag, post_id);
