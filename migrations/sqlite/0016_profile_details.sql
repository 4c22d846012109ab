-- What a profile says of its person: a short bio, and a picture chosen from their own public work
-- (shown only while that image is still theirs and public).
ALTER TABLE users ADD COLUMN bio TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN avatar_image_id TEXT;
