-- Administration: the admin role granted in the admin UI (kept across sign-ins; `PIXEL_ADMIN_EMAILS`
-- still makes admins of its own emails), suspended accounts, and the audit log of every admin action,
-- each written in the same transaction as the change it records.
ALTER TABLE users ADD COLUMN admin_granted BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN suspended_at BIGINT;
CREATE TABLE admin_actions (
    id TEXT PRIMARY KEY,
    admin_id TEXT NOT NULL,
    action TEXT NOT NULL,
    target_user_id TEXT,
    reason TEXT NOT NULL,
    detail TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX admin_actions_newest ON admin_actions (created_at, id);
CREATE INDEX admin_actions_by_action ON admin_actions (action, created_at, id);
CREATE INDEX admin_actions_by_target ON admin_actions (target_user_id, created_at, id);
