-- The SQL the server runs for one feed.list request (captured from PostgreSQL's statement log), for
-- pgbench: the bearer token's session, the account's following count, the feed page of 50 (followee
-- by followee up to 500 followees, else the walk over all public work), then its engagement. A
-- page's ids reach the engagement query through \aset (a window column on the page query; pass
-- -D ids=none for an empty first page) where the server binds them one by one.
-- Variables: users, images, tokens (pgbench -D), as seeded by pixel-bench.
\set n random(0, :tokens - 1)
\set holder :n * :users / :tokens
SELECT s.id, s.user_id, s.kind, s.label, s.csrf_token, s.created_at, s.last_used_at, s.expires_at, u.id AS u_id, u.username AS u_username, u.email AS u_email, u.role AS u_role, u.created_at AS u_created_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.secret_hash = encode(sha256(convert_to('psb_bench_' || lpad(':n', 8, '0'), 'UTF8')), 'hex') AND s.revoked_at IS NULL AND s.expires_at > 0;
SELECT following_count AS following FROM users WHERE id = 'bench-u' || lpad(':holder', 7, '0')
\gset
\if :following > 500
SELECT p.*, string_agg(p.id, ',') OVER () AS ids FROM (SELECT id, owner_id, set_id, job_id, visibility, mime, width, height, bytes, sha256, thumb_sha256, placeholder, record, created_at FROM images WHERE visibility = 'public' AND owner_id IN (SELECT followee_id FROM follows WHERE follower_id = 'bench-u' || lpad(':holder', 7, '0')) AND (created_at < 9223372036854775807 OR (created_at = 9223372036854775807 AND id < '')) ORDER BY created_at DESC, id DESC LIMIT 50) p
\aset
\else
SELECT p.*, string_agg(p.id, ',') OVER () AS ids FROM (SELECT id, owner_id, set_id, job_id, visibility, mime, width, height, bytes, sha256, thumb_sha256, placeholder, record, created_at FROM images WHERE id IN (SELECT x.id FROM follows f CROSS JOIN LATERAL (SELECT i.id, i.created_at FROM images i WHERE i.owner_id = f.followee_id AND i.visibility = 'public' AND (i.created_at < 9223372036854775807 OR (i.created_at = 9223372036854775807 AND i.id < '')) ORDER BY i.created_at DESC, i.id DESC LIMIT 50) x WHERE f.follower_id = 'bench-u' || lpad(':holder', 7, '0') ORDER BY x.created_at DESC, x.id DESC LIMIT 50) ORDER BY created_at DESC, id DESC) p
\aset
\endif
SELECT i.id AS image_id, u.id AS user_id, u.username, i.like_count, i.comment_count, CAST(CASE WHEN EXISTS (SELECT 1 FROM image_likes l WHERE l.image_id = i.id AND l.user_id = 'bench-u' || lpad(':holder', 7, '0')) THEN 1 ELSE 0 END AS BIGINT) AS liked, CAST(CASE WHEN EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = 'bench-u' || lpad(':holder', 7, '0') AND f.followee_id = i.owner_id) THEN 1 ELSE 0 END AS BIGINT) AS following FROM images i JOIN users u ON u.id = i.owner_id WHERE i.id = ANY (string_to_array(':ids', ','));
