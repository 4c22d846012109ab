-- Trending images per period, ranked by the periodic job over every candidate (never per request);
-- the top sort reads public images by their like count.
CREATE TABLE trending_images (
    period TEXT NOT NULL,
    rank BIGINT NOT NULL,
    image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    score DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (period, rank)
);
CREATE INDEX trending_images_image ON trending_images (image_id);
CREATE INDEX images_top ON images (visibility, like_count, id);
