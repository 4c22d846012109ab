-- The SQL the server runs for one explore.image request (captured from PostgreSQL's statement log), for
-- pgbench: the bearer token's session, then the image, then its engagement. A page's ids reach the engagement query through
-- \aset (a window column on the page query; pass -D ids=none for an empty first page) where the server binds them one by one.
-- Variables: users, images, tokens (pgbench -D), as seeded by pixel-bench.
\set n random(0, :tokens - 1)
\set holder :n * :users / :tokens
SELECT s.id, s.user_id, s.kind, s.label, s.csrf_token, s.created_at, s.last_used_at, s.expires_at, u.id AS u_id, u.username AS u_username, u.email AS u_email, u.role AS u_role, u.created_at AS u_created_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.secret_hash = encode(sha256(convert_to('psb_bench_' || lpad(':n', 8, '0'), 'UTF8')), 'hex') AND s.revoked_at IS NULL AND s.expires_at > 0;
-- A public image, chosen as pixel-bench does (is_public: ((i x 2654435761) >> 7) mod 100 >= 15).
\set i random(0, :images - 1)
\if ((:i * 2654435761) / 128) % 100 < 15
\set i (:i + 1) % :images
\endif
\if ((:i * 2654435761) / 128) % 100 < 15
\set i (:i + 1) % :images
\endif
\if ((:i * 2654435761) / 128) % 100 < 15
\set i (:i + 1) % :images
\endif
SELECT id, owner_id, set_id, job_id, visibility, mime, width, height, bytes, sha256, thumb_sha256, placeholder, record, created_at FROM images WHERE id = 'bench-i' || lpad(':i', 8, '0');
SELECT i.id AS image_id, u.id AS user_id, u.username, i.like_count, i.comment_count, CAST(CASE WHEN EXISTS (SELECT 1 FROM image_likes l WHERE l.image_id = i.id AND l.user_id = 'bench-u' || lpad(':holder', 7, '0')) THEN 1 ELSE 0 END AS BIGINT) AS liked, CAST(CASE WHEN EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = 'bench-u' || lpad(':holder', 7, '0') AND f.followee_id = i.owner_id) THEN 1 ELSE 0 END AS BIGINT) AS following FROM images i JOIN users u ON u.id = i.owner_id WHERE i.id IN ('bench-i' || lpad(':i', 8, '0'));
