-- Pixel Studio schema v1 (PostgreSQL). Timestamps are milliseconds since the epoch; money is integer credits.
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    email TEXT,
    role TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE balances (
    user_id TEXT PRIMARY KEY REFERENCES users(id),
    credits BIGINT NOT NULL CHECK (credits >= 0)
);

-- Append-only: rows are never updated or deleted. The balance equals the sum of an account's amounts.
CREATE TABLE ledger_entries (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    amount BIGINT NOT NULL,
    balance_after BIGINT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    job_id TEXT,
    memo TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX ledger_entries_user ON ledger_entries (user_id, created_at);

CREATE TABLE generation_sets (
    id TEXT PRIMARY KEY,
    owner_id TEXT NOT NULL REFERENCES users(id),
    model TEXT NOT NULL,
    params TEXT NOT NULL,
    n BIGINT NOT NULL,
    cost BIGINT NOT NULL,
    remix_of TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX generation_sets_owner ON generation_sets (owner_id, created_at, id);

CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    set_id TEXT NOT NULL REFERENCES generation_sets(id),
    owner_id TEXT NOT NULL REFERENCES users(id),
    idx BIGINT NOT NULL,
    state TEXT NOT NULL,
    provider TEXT NOT NULL,
    params TEXT NOT NULL,
    seed BIGINT NOT NULL,
    cost BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL,
    progress DOUBLE PRECISION NOT NULL DEFAULT 0,
    error_code TEXT,
    error_message TEXT,
    retried_errors TEXT NOT NULL DEFAULT '[]',
    refunded BIGINT NOT NULL DEFAULT 0,
    image_id TEXT,
    remix_of TEXT,
    run_after BIGINT NOT NULL,
    lease_owner TEXT,
    lease_until BIGINT,
    remote_handle TEXT,
    cancel_requested BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    started_at BIGINT,
    finished_at BIGINT
);
CREATE INDEX jobs_runnable ON jobs (state, run_after);
CREATE INDEX jobs_owner ON jobs (owner_id, created_at);
CREATE INDEX jobs_set ON jobs (set_id, idx);

CREATE TABLE images (
    id TEXT PRIMARY KEY,
    owner_id TEXT NOT NULL REFERENCES users(id),
    set_id TEXT NOT NULL REFERENCES generation_sets(id),
    job_id TEXT NOT NULL UNIQUE,
    visibility TEXT NOT NULL,
    mime TEXT NOT NULL,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    thumb_sha256 TEXT NOT NULL,
    placeholder TEXT NOT NULL,
    model TEXT NOT NULL,
    prompt TEXT NOT NULL,
    record TEXT NOT NULL,
    remix_of TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX images_owner ON images (owner_id, created_at, id);
CREATE INDEX images_set ON images (set_id);
