-- The admins' model settings, applied over the configuration's catalogue at start and whenever an
-- admin changes one: a model on or off, its price, its most images a request. Absent values keep the
-- configuration's.
CREATE TABLE model_settings (
    model_id TEXT PRIMARY KEY,
    enabled BIGINT NOT NULL,
    credits BIGINT,
    max_images BIGINT,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
