-- Full-text search over prompts for explore: an FTS5 index kept by triggers, keyed by the images
-- table's rowid (this database is never VACUUMed, which is what could renumber rowids).
CREATE VIRTUAL TABLE images_fts USING fts5(prompt, content='images', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
INSERT INTO images_fts (rowid, prompt) SELECT rowid, prompt FROM images;
CREATE TRIGGER images_fts_insert AFTER INSERT ON images BEGIN
    INSERT INTO images_fts (rowid, prompt) VALUES (new.rowid, new.prompt);
END;
CREATE TRIGGER images_fts_delete AFTER DELETE ON images BEGIN
    INSERT INTO images_fts (images_fts, rowid, prompt) VALUES ('delete', old.rowid, old.prompt);
END;
CREATE TRIGGER images_fts_update AFTER UPDATE OF prompt ON images BEGIN
    INSERT INTO images_fts (images_fts, rowid, prompt) VALUES ('delete', old.rowid, old.prompt);
    INSERT INTO images_fts (rowid, prompt) VALUES (new.rowid, new.prompt);
END;
