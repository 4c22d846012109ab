-- Every word the search index holds, so a search's last word (typed as a prefix) can be answered as
-- the few whole words it starts: FTS5 reads a prefix's whole doclist before its first row (22 ms for
-- a common word's prefix at 1M images, 0.1 ms for the whole word). Filled here from the index itself;
-- the store adds each new image's words as it writes the image (SQL has no FTS5 tokenizer to call).
-- Terms are only ever added (a term nobody uses any more matches nothing).
CREATE TABLE search_terms (term TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE VIRTUAL TABLE images_fts_terms USING fts5vocab(images_fts, 'row');
INSERT OR IGNORE INTO search_terms (term) SELECT term FROM images_fts_terms;
DROP TABLE images_fts_terms;
