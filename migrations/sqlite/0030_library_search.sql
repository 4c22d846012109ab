-- The owner's library search: each image's prompt and its tags as one full-text document, the owner a
-- single token (`o` and the owner id in hex) so a search reads only the owner's matches, never every
-- library's. Contentless (the words live in images and image_tags); kept by triggers, so no write path
-- can leave it stale. Keyed by the images table's rowid (this database is never VACUUMed).
CREATE VIRTUAL TABLE library_fts USING fts5(owner, words, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2');
-- What the index holds for each image.
CREATE VIEW library_documents AS
    SELECT i.rowid AS doc_id, i.id AS image_id, 'o' || hex(i.owner_id) AS owner,
           i.prompt || coalesce(' ' || (SELECT group_concat(t.tag, ' ') FROM image_tags t WHERE t.image_id = i.id), '') AS words
    FROM images i;
INSERT INTO library_fts (rowid, owner, words) SELECT doc_id, owner, words FROM library_documents;
CREATE TRIGGER library_fts_image_added AFTER INSERT ON images BEGIN
    INSERT INTO library_fts (rowid, owner, words) SELECT doc_id, owner, words FROM library_documents WHERE image_id = new.id;
END;
CREATE TRIGGER library_fts_image_deleted AFTER DELETE ON images BEGIN
    DELETE FROM library_fts WHERE rowid = old.rowid;
END;
CREATE TRIGGER library_fts_image_changed AFTER UPDATE OF prompt, owner_id ON images BEGIN
    DELETE FROM library_fts WHERE rowid = old.rowid;
    INSERT INTO library_fts (rowid, owner, words) SELECT doc_id, owner, words FROM library_documents WHERE image_id = new.id;
END;
-- A tag added or removed rewrites its image's document (nothing when the image itself is going).
CREATE TRIGGER library_fts_tag_added AFTER INSERT ON image_tags BEGIN
    DELETE FROM library_fts WHERE rowid = (SELECT rowid FROM images WHERE id = new.image_id);
    INSERT INTO library_fts (rowid, owner, words) SELECT doc_id, owner, words FROM library_documents WHERE image_id = new.image_id;
END;
CREATE TRIGGER library_fts_tag_removed AFTER DELETE ON image_tags BEGIN
    DELETE FROM library_fts WHERE rowid = (SELECT rowid FROM images WHERE id = old.image_id);
    INSERT INTO library_fts (rowid, owner, words) SELECT doc_id, owner, words FROM library_documents WHERE image_id = old.image_id;
END;
