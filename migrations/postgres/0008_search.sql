-- Full-text search over prompts for explore: a generated tsvector ('simple': words as written, any
-- language) with a GIN index.
ALTER TABLE images ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple', prompt)) STORED;
CREATE INDEX images_search ON images USING GIN (search);
