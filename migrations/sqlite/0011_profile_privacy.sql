-- Whether an account's profile is private, as a column (kept with the settings it comes from), so user
-- search and other people's follow lists leave private profiles out in the query itself.
ALTER TABLE users ADD COLUMN profile_private BIGINT NOT NULL DEFAULT 0;
UPDATE users SET profile_private = 1 WHERE json_extract(settings, '$.profile_private') = 1;
