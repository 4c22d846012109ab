-- The prompt marketplace. A listing's prompt is stored here and shown only to its buyers, its seller
-- and admins; its samples are the seller's images, shown while they are public.
CREATE TABLE prompt_listings (
    id TEXT PRIMARY KEY,
    seller_id TEXT NOT NULL REFERENCES users(id),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    prompt TEXT NOT NULL,
    negative_prompt TEXT,
    model TEXT,
    price BIGINT NOT NULL CHECK (price BETWEEN 1 AND 1000),
    listed BIGINT NOT NULL DEFAULT 1,
    sales BIGINT NOT NULL DEFAULT 0,
    rating_sum BIGINT NOT NULL DEFAULT 0,
    rating_count BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX prompt_listings_newest ON prompt_listings (listed, created_at, id);
CREATE INDEX prompt_listings_seller ON prompt_listings (seller_id, created_at);

CREATE TABLE prompt_listing_tags (
    listing_id TEXT NOT NULL REFERENCES prompt_listings(id),
    tag TEXT NOT NULL,
    PRIMARY KEY (listing_id, tag)
);
CREATE INDEX prompt_listing_tags_tag ON prompt_listing_tags (tag, listing_id);

CREATE TABLE prompt_listing_samples (
    listing_id TEXT NOT NULL REFERENCES prompt_listings(id),
    image_id TEXT NOT NULL,
    position BIGINT NOT NULL,
    PRIMARY KEY (listing_id, image_id)
);

-- One sale per buyer and listing; price and fee as they were when sold (earnings read them).
CREATE TABLE prompt_sales (
    id TEXT PRIMARY KEY,
    listing_id TEXT NOT NULL REFERENCES prompt_listings(id),
    buyer_id TEXT NOT NULL REFERENCES users(id),
    seller_id TEXT NOT NULL REFERENCES users(id),
    price BIGINT NOT NULL,
    fee BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (listing_id, buyer_id)
);
CREATE INDEX prompt_sales_buyer ON prompt_sales (buyer_id, listing_id);
CREATE INDEX prompt_sales_seller ON prompt_sales (seller_id, created_at);

CREATE TABLE prompt_reviews (
    listing_id TEXT NOT NULL REFERENCES prompt_listings(id),
    buyer_id TEXT NOT NULL REFERENCES users(id),
    stars BIGINT NOT NULL CHECK (stars BETWEEN 1 AND 5),
    body TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (listing_id, buyer_id)
);

-- The account platform fees are paid to: private, with no sign-in identity, so nobody signs in as it.
INSERT INTO users (id, username, email, role, created_at, settings, profile_private)
VALUES ('platform', 'pixel-studio-platform', NULL, 'user', 0, '{"profile_private":true}', 1);
INSERT INTO balances (user_id, credits) VALUES ('platform', 0);
