-- Collections: a person's own images gathered under a title, in their order, public or private. A
-- collection with a price (1-500 credits) is premium: while it is public, its images are withheld
-- from everyone but its owner, its buyers and admins, wherever those images are read.
CREATE TABLE collections (
    id TEXT PRIMARY KEY,
    owner_id TEXT NOT NULL REFERENCES users(id),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    visibility TEXT NOT NULL,
    -- NULL: the first image the viewer may see is the cover.
    cover_image_id TEXT,
    price BIGINT NOT NULL DEFAULT 0 CHECK (price BETWEEN 0 AND 500),
    sales BIGINT NOT NULL DEFAULT 0,
    next_position BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX collections_owner ON collections (owner_id, created_at, id);

CREATE TABLE collection_images (
    collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    added_at BIGINT NOT NULL,
    PRIMARY KEY (collection_id, image_id)
);
CREATE INDEX collection_images_order ON collection_images (collection_id, position);
CREATE INDEX collection_images_image ON collection_images (image_id);

-- One sale per buyer and collection; price and fee as they were when sold (earnings read them).
CREATE TABLE collection_sales (
    id TEXT PRIMARY KEY,
    collection_id TEXT NOT NULL REFERENCES collections(id),
    buyer_id TEXT NOT NULL REFERENCES users(id),
    seller_id TEXT NOT NULL REFERENCES users(id),
    price BIGINT NOT NULL,
    fee BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (collection_id, buyer_id)
);
CREATE INDEX collection_sales_buyer ON collection_sales (buyer_id, collection_id);
CREATE INDEX collection_sales_seller ON collection_sales (seller_id, created_at);
