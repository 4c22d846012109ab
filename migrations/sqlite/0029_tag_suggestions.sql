-- Tags a tagger (a vision model, or the generation record offline) proposed for an image, until the
-- owner accepts one (it moves to image_tags) or rejects it (kept as rejected so it is not proposed
-- again). They go with their image.
CREATE TABLE tag_suggestions (
    image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('vision', 'record')),
    state TEXT NOT NULL CHECK (state IN ('proposed', 'rejected')),
    proposed_at BIGINT NOT NULL,
    -- Its place in the tagger's answer, which lists the likeliest first.
    rank INTEGER NOT NULL,
    PRIMARY KEY (image_id, tag)
);
