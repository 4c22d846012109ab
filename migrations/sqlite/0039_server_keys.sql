-- Keys the server signs with, made once and shared by every node: a link signed on one node opens
-- on another, and after a restart (the signed source links providers fetch images through).
CREATE TABLE server_keys (
    name TEXT PRIMARY KEY,
    key_hex TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
