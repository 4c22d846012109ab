-- The owner's library search: each image's prompt and its tags as one tsvector ('simple': words as
-- written, any language) in a narrow table with the owner and time, so a search reads the owner's
-- matches without the wide images rows. Kept by triggers, so no write path can leave it stale; its
-- words join `search_terms` (the vocabulary a typed prefix is expanded from), private work's too:
-- the vocabulary is never shown, only matched against the searcher's own documents.
CREATE TABLE library_search (
    image_id TEXT PRIMARY KEY,
    owner_id TEXT NOT NULL,
    made_at BIGINT NOT NULL,
    words tsvector NOT NULL
);
CREATE FUNCTION library_search_refresh(targets TEXT[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM library_search s WHERE s.image_id = ANY (targets)
        AND NOT EXISTS (SELECT 1 FROM images i WHERE i.id = s.image_id);
    WITH made AS (
        SELECT i.id, i.owner_id, i.created_at,
               to_tsvector('simple', i.prompt || coalesce(' ' || (SELECT string_agg(t.tag, ' ')
                   FROM image_tags t WHERE t.image_id = i.id), '')) AS words
        FROM images i WHERE i.id = ANY (targets)
    ), terms AS (
        INSERT INTO search_terms (term) SELECT DISTINCT unnest(tsvector_to_array(words)) FROM made
            ON CONFLICT DO NOTHING
    )
    INSERT INTO library_search (image_id, owner_id, made_at, words)
        SELECT id, owner_id, created_at, words FROM made
        ON CONFLICT (image_id) DO UPDATE
            SET owner_id = EXCLUDED.owner_id, made_at = EXCLUDED.made_at, words = EXCLUDED.words;
END
$$;
SELECT library_search_refresh(ARRAY(SELECT id FROM images));
CREATE INDEX library_search_words ON library_search USING GIN (words);
CREATE INDEX library_search_newest ON library_search (owner_id, made_at, image_id);

-- Statement triggers with transition tables: tagging 10,000 images rewrites each document once, not
-- once per tag.
-- Every trigger names its transition table `changed`, so one function serves images and one tags
-- (the refresh drops documents whose image is gone).
CREATE FUNCTION library_search_images_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM library_search_refresh(ARRAY(SELECT id FROM changed));
    RETURN NULL;
END
$$;
-- Prompts and owners are written once; a row trigger on just those columns (transition tables cannot
-- name columns) keeps a library-wide privacy change from rewriting every document.
CREATE FUNCTION library_search_image_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM library_search_refresh(ARRAY[NEW.id]);
    RETURN NULL;
END
$$;
CREATE FUNCTION library_search_tags_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM library_search_refresh(ARRAY(SELECT DISTINCT image_id FROM changed));
    RETURN NULL;
END
$$;
CREATE TRIGGER library_search_images_added AFTER INSERT ON images
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION library_search_images_changed();
CREATE TRIGGER library_search_image_changed AFTER UPDATE OF prompt, owner_id, created_at ON images
    FOR EACH ROW EXECUTE FUNCTION library_search_image_changed();
CREATE TRIGGER library_search_images_removed AFTER DELETE ON images
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION library_search_images_changed();
CREATE TRIGGER library_search_tags_added AFTER INSERT ON image_tags
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION library_search_tags_changed();
CREATE TRIGGER library_search_tags_removed AFTER DELETE ON image_tags
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION library_search_tags_changed();
