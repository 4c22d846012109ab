-- Engagement: daily login streaks and achievements. Credits they give are ledger grants (keys
-- `streak:<user>:<day>` and `achievement:<user>:<id>`), so a reward is written once however often a
-- claim or an unlock is tried; these rows hold what the ledger cannot.

-- One row per account: the streak as of its last claimed UTC day (days since 1970-01-01).
CREATE TABLE login_streaks (
    user_id TEXT PRIMARY KEY REFERENCES users(id),
    current_days BIGINT NOT NULL CHECK (current_days >= 1),
    longest_days BIGINT NOT NULL CHECK (longest_days >= current_days),
    last_day BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- An achievement unlocked, once per account and achievement (the catalogue lives in the code).
CREATE TABLE achievements (
    user_id TEXT NOT NULL REFERENCES users(id),
    achievement_id TEXT NOT NULL,
    credits BIGINT NOT NULL CHECK (credits >= 0),
    unlocked_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, achievement_id)
);

-- What an achievement or streak-milestone notification is about: an achievement id, or
-- `streak_<days>`; the list names it from the catalogue.
ALTER TABLE notifications ADD COLUMN award TEXT;

-- Counting a person's comments for the comment achievements without a scan.
CREATE INDEX comments_author ON comments (author_id, created_at);
