-- The SQL the server runs for one explore.creators (48h) request (captured from PostgreSQL's statement log), for
-- pgbench: the bearer token's session, then the ranked creators, then the viewer's blocks among them. A page's ids reach the engagement query through
-- \aset (a window column on the page query; pass -D ids=none for an empty first page) where the server binds them one by one.
-- Variables: users, images, tokens (pgbench -D), as seeded by pixel-bench.
\set n random(0, :tokens - 1)
\set holder :n * :users / :tokens
SELECT s.id, s.user_id, s.kind, s.label, s.csrf_token, s.created_at, s.last_used_at, s.expires_at, u.id AS u_id, u.username AS u_username, u.email AS u_email, u.role AS u_role, u.created_at AS u_created_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.secret_hash = encode(sha256(convert_to('psb_bench_' || lpad(':n', 8, '0'), 'UTF8')), 'hex') AND s.revoked_at IS NULL AND s.expires_at > 0;
SELECT p.*, string_agg(p.id, ',') OVER () AS ids FROM (SELECT u.id, u.username, t.score FROM trending_creators t JOIN users u ON u.id = t.user_id WHERE t.period = '48h' AND u.profile_private = 0 ORDER BY t.rank LIMIT 12) p
\aset
SELECT blocked_id AS other FROM blocks WHERE blocker_id = 'bench-u' || lpad(':holder', 7, '0') AND blocked_id = ANY (string_to_array(':ids', ',')) UNION SELECT blocker_id AS other FROM blocks WHERE blocked_id = 'bench-u' || lpad(':holder', 7, '0') AND blocker_id = ANY (string_to_array(':ids', ','));
