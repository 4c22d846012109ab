-- Trending creators per period, ranked by the periodic job with the images.
CREATE TABLE trending_creators (
    period TEXT NOT NULL,
    rank BIGINT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id),
    score DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (period, rank)
);
