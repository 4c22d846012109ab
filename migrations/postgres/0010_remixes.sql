-- An image's remixes, newest first, for its page.
CREATE INDEX images_remix_of ON images (remix_of, created_at, id);
