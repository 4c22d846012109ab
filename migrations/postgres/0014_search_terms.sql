-- Search reads a narrow table of public work instead of the images themselves. Sorting a search's
-- matches newest first needs each match's time, and fetching it from the wide images rows (records
-- inline, ~1.8 KB each) cost 20-40 ms for a few thousand matches at 1M images; from these rows, 4-7 ms.
-- Kept by a trigger on images: a row per public image, gone when it is made private or deleted.
CREATE TABLE public_search (
    image_id TEXT PRIMARY KEY,
    made_at BIGINT NOT NULL,
    words tsvector NOT NULL
);
INSERT INTO public_search (image_id, made_at, words)
    SELECT id, created_at, search FROM images WHERE visibility = 'public' ORDER BY created_at, id;
CREATE INDEX public_search_words ON public_search USING GIN (words);
CREATE INDEX public_search_newest ON public_search (made_at, image_id);
DROP INDEX images_search;
ALTER TABLE images DROP COLUMN search;

-- Every word the search index holds, so a search's last word (typed as a prefix) can be asked as the
-- few whole words it starts, which GIN reads 5-20x faster than a partial match. PostgreSQL's own
-- lexemes; only ever added (a term nobody uses any more matches nothing). Byte order, so a prefix is
-- one range of the primary key.
CREATE TABLE search_terms (term TEXT COLLATE "C" PRIMARY KEY);
INSERT INTO search_terms (term)
    SELECT DISTINCT unnest(tsvector_to_array(words)) FROM public_search ON CONFLICT DO NOTHING;

CREATE FUNCTION images_public_search() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    made tsvector;
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM public_search WHERE image_id = OLD.id;
        RETURN NULL;
    END IF;
    IF NEW.visibility <> 'public' THEN
        DELETE FROM public_search WHERE image_id = NEW.id;
        RETURN NULL;
    END IF;
    made := to_tsvector('simple', NEW.prompt);
    INSERT INTO search_terms (term) SELECT unnest(tsvector_to_array(made)) ON CONFLICT DO NOTHING;
    INSERT INTO public_search (image_id, made_at, words) VALUES (NEW.id, NEW.created_at, made)
        ON CONFLICT (image_id) DO UPDATE SET made_at = EXCLUDED.made_at, words = EXCLUDED.words;
    RETURN NULL;
END
$$;
CREATE TRIGGER images_public_search AFTER INSERT OR DELETE OR UPDATE OF visibility, prompt, created_at
    ON images FOR EACH ROW EXECUTE FUNCTION images_public_search();
