-- Print orders: a quote paid through Stripe Checkout, made by the print lab (Printful), its status
-- and tracking as the lab reports them. The creator's royalty (credits) is paid when it ships.
CREATE TABLE print_orders (
    id TEXT PRIMARY KEY,
    buyer_id TEXT NOT NULL REFERENCES users(id),
    -- No reference: an order outlives an image deleted after it was paid (the blob is kept).
    image_id TEXT NOT NULL,
    creator_id TEXT NOT NULL REFERENCES users(id),
    product TEXT NOT NULL,
    size TEXT NOT NULL,
    quantity BIGINT NOT NULL CHECK (quantity BETWEEN 1 AND 10),
    unit_price BIGINT NOT NULL,
    items BIGINT NOT NULL,
    shipping BIGINT NOT NULL,
    total BIGINT NOT NULL CHECK (total > 0),
    currency TEXT NOT NULL,
    variant_id BIGINT NOT NULL,
    recipient TEXT NOT NULL,
    status TEXT NOT NULL,
    session_id TEXT,
    payment_intent TEXT,
    lab_order_id TEXT,
    tracking TEXT,
    royalty BIGINT NOT NULL CHECK (royalty >= 0),
    failure TEXT,
    file_token TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    file_mime TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    shipped_at BIGINT
);
CREATE INDEX print_orders_buyer ON print_orders (buyer_id, created_at, id);
CREATE INDEX print_orders_royalties ON print_orders (creator_id, shipped_at);
