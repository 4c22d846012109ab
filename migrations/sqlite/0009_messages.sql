-- Direct messages: one conversation per pair of accounts (user_a < user_b), its last message and each
-- side's unread count kept on it, so the inbox is one indexed read.
CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    user_a TEXT NOT NULL REFERENCES users(id),
    user_b TEXT NOT NULL REFERENCES users(id),
    a_unread BIGINT NOT NULL DEFAULT 0,
    b_unread BIGINT NOT NULL DEFAULT 0,
    last_body TEXT NOT NULL,
    last_sender_id TEXT NOT NULL,
    last_message_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (user_a, user_b)
);
CREATE INDEX conversations_a ON conversations (user_a, last_message_at, id);
CREATE INDEX conversations_b ON conversations (user_b, last_message_at, id);

CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations(id),
    sender_id TEXT NOT NULL REFERENCES users(id),
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX messages_conversation ON messages (conversation_id, created_at, id);
