-- The following feed reads each followee's newest public images from this index alone (owner, then
-- time), instead of filtering the owner's private work out of the table row by row.
CREATE INDEX images_owner_public ON images (owner_id, created_at, id) WHERE visibility = 'public';
