-- Media that lost its last reference (its image deleted): each key is swept once it has stayed
-- unreferenced and unstored-again for a grace period, so an upload of the same bytes at that
-- moment never loses its file. Content-addressed blobs are shared by identical images.
CREATE TABLE blob_orphans (
    blob_key TEXT PRIMARY KEY,
    marked_at BIGINT NOT NULL
);
CREATE INDEX blob_orphans_marked ON blob_orphans (marked_at, blob_key);

-- Whether anything still uses a blob, answered without a scan.
CREATE INDEX images_sha256 ON images (sha256);
CREATE INDEX images_thumb_sha256 ON images (thumb_sha256);
CREATE INDEX print_orders_file ON print_orders (file_sha256);
