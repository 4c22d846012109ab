//! The public-work queries: explore and the following feed (one keyset page each, never every
//! followee's images), and the engagement of a page of images in one query.

use super::*;
use pixel_core::social::{Engagement, ExploreSort, TrendPeriod};

/// On PostgreSQL, feeds of accounts following at most this many are read followee by followee; above
/// it, by walking all public work newest first (`feed`), which was 2 ms against 7.5 ms at 538 followees.
const FEED_FANOUT_MAX: i64 = 500;

/// A PostgreSQL search expected to match fewer public images than this reads a bitmap of its matches
/// and sorts them; more, and it walks public work newest first, testing each row's words. Measured at
/// 850,000 public images with the data set in shared buffers (400 searches as the benchmark draws them,
/// each plan three times, medians): bitmap 3.1 ms against walking 6.9 ms at 2,000-3,000 expected
/// matches, 3.7 against 5.1 at 3,000-4,000, then walking wins (3.7 against 4.6 at 4,000-6,000, 1.3
/// against 15 past 16,000). Over every search the benchmark draws, this threshold cut the mean from
/// 1.85 to 1.67 ms and the 99th percentile from 8.3 to 4.9 ms against 2,000. PostgreSQL's own choice
/// walked down to ~300 matches: its cost model prices the word test like a comparison.
pub(crate) const SEARCH_BITMAP_BELOW: u64 = 4_000;

/// How many searches' estimates are kept, and for how long: estimates follow the words' frequencies,
/// which move slowly; popular searches repeat.
const SEARCH_ESTIMATES_MAX: usize = 10_000;
const SEARCH_ESTIMATE_TTL: std::time::Duration = std::time::Duration::from_secs(300);

/// Expected matches by full-text query, each with when it was asked.
#[derive(Default)]
pub(crate) struct SearchEstimates(std::collections::HashMap<String, (u64, std::time::Instant)>);

#[async_trait]
impl ExploreStore for SqlStore {
    async fn public_images(
        &self,
        filter: &ImageFilter,
        sort: ExploreSort,
        period: TrendPeriod,
        page: &PageRequest,
    ) -> Result<Vec<(Image, i64)>> {
        if let (ExploreSort::Newest, Some(text)) = (sort, filter.text.as_deref()) {
            return self.search_newest(filter, text, page).await;
        }
        // Each sort reads one keyset page in its own index order; no cursor starts at the top.
        let (from, key, keyset, order, start) = match sort {
            ExploreSort::Newest => (
                "images".to_string(),
                "created_at",
                "(created_at < $1 OR (created_at = $1 AND id < $2))",
                "created_at DESC, id DESC",
                Millis::MAX,
            ),
            ExploreSort::Top => (
                "images".to_string(),
                "like_count",
                "(like_count < $1 OR (like_count = $1 AND id < $2))",
                "like_count DESC, id DESC",
                Millis::MAX,
            ),
            ExploreSort::Trending => (
                // The period is one of four fixed words, never user text.
                format!(
                    "images JOIN trending_images t ON t.image_id = images.id AND t.period = '{}'",
                    period.as_str()
                ),
                "t.rank",
                "(t.rank > $1 OR (t.rank = $1 AND id > $2))",
                "t.rank",
                0,
            ),
        };
        let (cursor, id) = page.before.clone().unwrap_or((start, String::new()));
        let mut q = Clauses::new(
            format!(
                "SELECT {IMAGE_COLS}, {key} AS sort_key FROM {from} WHERE visibility = 'public' AND {keyset}"
            ),
            vec![Bind::Int(cursor), Bind::Text(id)],
        );
        q.filters(filter);
        if let Some(text) = &filter.text {
            // Words, all of them required; text with no word finds nothing.
            match self.text_query(text).await? {
                Some(query) => q.and(
                    |p| match self.dialect {
                        Dialect::Sqlite => format!(
                            "images.rowid IN (SELECT rowid FROM images_fts WHERE images_fts MATCH ${p})"
                        ),
                        Dialect::Postgres => format!(
                            "images.id IN (SELECT image_id FROM public_search WHERE words @@ CAST(${p} AS tsquery))"
                        ),
                    },
                    Bind::Text(query),
                ),
                None => q.sql.push_str(" AND 1 = 0"),
            }
        }
        q.order_and_limit(order, page.limit);
        self.public_page(&q).await
    }

    async fn rank_trending(&self, period: TrendPeriod, now: Millis) -> Result<u64> {
        let mut w = self.begin_write().await?;
        let tx = &mut w.tx;
        let r = async {
            sqlx::query("DELETE FROM trending_images WHERE period = $1")
                .bind(period.as_str())
                .execute(&mut **tx)
                .await
                .map_err(db_err)?;
            // Every candidate is scored and ranked in the database, in one statement.
            let ranked = sqlx::query(
                "INSERT INTO trending_images (period, rank, image_id, score) \
                 SELECT $1, ROW_NUMBER() OVER (ORDER BY s.score DESC, s.id DESC), s.id, s.score FROM ( \
                 SELECT id, (like_count * 3 + comment_count * 2) / \
                 ((CAST($2 AS DOUBLE PRECISION) - created_at) / 86400000.0 + 1.0) AS score \
                 FROM images WHERE visibility = 'public' AND created_at >= $3) s",
            )
            .bind(period.as_str())
            .bind(now)
            .bind(now - period.millis())
            .execute(&mut **tx)
            .await
            .map_err(db_err)?
            .rows_affected();
            sqlx::query("DELETE FROM trending_creators WHERE period = $1")
                .bind(period.as_str())
                .execute(&mut **tx)
                .await
                .map_err(db_err)?;
            sqlx::query(
                "INSERT INTO trending_creators (period, rank, user_id, score) \
                 SELECT $1, ROW_NUMBER() OVER (ORDER BY s.score DESC, s.id DESC), s.id, s.score FROM ( \
                 SELECT u.id, u.follower_count * 2.0 + SUM(i.like_count) * 3.0 + COUNT(i.id) * 0.5 AS score \
                 FROM users u JOIN images i ON i.owner_id = u.id AND i.visibility = 'public' \
                 AND i.created_at >= $2 WHERE u.profile_private = 0 \
                 GROUP BY u.id, u.follower_count) s",
            )
            .bind(period.as_str())
            .bind(now - period.millis())
            .execute(&mut **tx)
            .await
            .map_err(db_err)?;
            Ok(ranked)
        }
        .await;
        w.end(r).await
    }

    async fn trending_creators(
        &self,
        period: TrendPeriod,
        limit: u32,
    ) -> Result<Vec<(UserSummary, f64)>> {
        // A creator who went private since the ranking is left out at once.
        let rows = sqlx::query(&format!(
            "SELECT u.id, u.username, {PICTURE_OF_U} AS picture, t.score FROM trending_creators t \
                 JOIN users u ON u.id = t.user_id WHERE t.period = $1 AND u.profile_private = 0 \
                 ORDER BY t.rank LIMIT $2"
        ))
        .bind(period.as_str())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                Ok((
                    UserSummary::new(r.text("id")?, r.text("username")?)
                        .with_picture(r.opt_text("picture")?),
                    r.float("score")?,
                ))
            })
            .collect()
    }

    async fn feed(&self, user_id: &str, page: &PageRequest) -> Result<Vec<Image>> {
        let simple = format!(
            "SELECT {IMAGE_COLS} FROM images WHERE visibility = 'public' \
             AND owner_id IN (SELECT followee_id FROM follows WHERE follower_id = $1) \
             AND (created_at < $2 OR (created_at = $2 AND id < $3)) \
             ORDER BY created_at DESC, id DESC LIMIT $4"
        );
        let sql = match self.dialect {
            // SQLite plans this followee by followee on `images_owner_public` (1.7 ms for 538
            // followees at 1M images; a per-followee LIMIT through a correlated IN took 21 ms).
            Dialect::Sqlite => simple,
            Dialect::Postgres => {
                let following: Option<i64> =
                    sqlx::query_scalar("SELECT following_count FROM users WHERE id = $1")
                        .bind(user_id)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_err)?;
                if following.unwrap_or(0) > FEED_FANOUT_MAX {
                    // So many followees that their work is dense among all public work: PostgreSQL
                    // walks it newest first and fills a page after a few hundred rows.
                    simple
                } else {
                    // Each followee's newest page from `images_owner_public`, then the newest of
                    // those: at most followees x page rows, however rarely they post. At 1M images:
                    // 0.8 ms for 7 quiet followees, where the walk read 66,718 rows (90 ms); 7.5 ms
                    // for 538.
                    format!(
                        "SELECT {IMAGE_COLS} FROM images WHERE id IN (SELECT x.id FROM follows f \
                         CROSS JOIN LATERAL (SELECT i.id, i.created_at FROM images i \
                         WHERE i.owner_id = f.followee_id AND i.visibility = 'public' \
                         AND (i.created_at < $2 OR (i.created_at = $2 AND i.id < $3)) \
                         ORDER BY i.created_at DESC, i.id DESC LIMIT $4) x WHERE f.follower_id = $1 \
                         ORDER BY x.created_at DESC, x.id DESC LIMIT $4) \
                         ORDER BY created_at DESC, id DESC"
                    )
                }
            }
        };
        scoped_page!(self, &sql, user_id, page, image_from)
    }

    async fn remixes(&self, image_id: &str, page: &PageRequest) -> Result<Vec<Image>> {
        let sql = format!(
            "SELECT {IMAGE_COLS} FROM images WHERE remix_of = $1 AND visibility = 'public' \
             AND (created_at < $2 OR (created_at = $2 AND id < $3)) \
             ORDER BY created_at DESC, id DESC LIMIT $4"
        );
        scoped_page!(self, &sql, image_id, page, image_from)
    }

    async fn engagement(&self, ids: &[String], viewer: Option<&str>) -> Result<Vec<Engagement>> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let list: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 2)).collect();
        let sql = format!(
            "SELECT i.id AS image_id, u.id AS user_id, u.username, {PICTURE_OF_U} AS picture, \
             i.like_count, i.comment_count, \
             CAST(CASE WHEN EXISTS (SELECT 1 FROM image_likes l WHERE l.image_id = i.id \
             AND l.user_id = $1) THEN 1 ELSE 0 END AS BIGINT) AS liked, \
             CAST(CASE WHEN EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = $1 \
             AND f.followee_id = i.owner_id) THEN 1 ELSE 0 END AS BIGINT) AS following \
             FROM images i JOIN users u ON u.id = i.owner_id WHERE i.id IN ({})",
            list.join(", ")
        );
        on_read_pool!(self, pool => {
            let mut q = sqlx::query(&sql).bind(viewer.unwrap_or(""));
            for id in ids {
                q = q.bind(id);
            }
            let rows = q.fetch_all(pool).await.map_err(db_err)?;
            rows.iter()
                .map(|r| {
                    Ok(Engagement {
                        image_id: r.text("image_id")?,
                        creator: UserSummary::new(r.text("user_id")?, r.text("username")?)
                            .with_picture(r.opt_text("picture")?),
                        likes: r.int("like_count")?,
                        comments: r.int("comment_count")?,
                        liked: r.int("liked")? != 0,
                        following: r.int("following")? != 0,
                    })
                })
                .collect()
        })
    }
}

impl SqlStore {
    /// A text search, newest first: the matches are walked in time order in a narrow index of public
    /// work and the read stops at the page.
    ///
    /// SQLite: the full-text index hands over its matches newest-added first. The general query's
    /// `rowid IN (every match)` read all matches of a common word first (4.8 s a page at 1M images; 25
    /// ms this way, 2 ms for rarer words). Pages follow the order images were stored, which is their
    /// `created_at` order (an image is stamped as it is stored), so the cursor carries the row's
    /// position instead of its time.
    ///
    /// PostgreSQL: `public_search` holds each public image's time and words. The page is chosen there
    /// and only its rows are read from the wide images table; choosing it from the images themselves
    /// read every match's row (20-40 ms for a few thousand matches at 1M images).
    async fn search_newest(
        &self,
        filter: &ImageFilter,
        text: &str,
        page: &PageRequest,
    ) -> Result<Vec<(Image, i64)>> {
        let Some(text_query) = self.text_query(text).await? else {
            return Ok(vec![]);
        };
        let (key, id) = page.before.clone().unwrap_or((i64::MAX, String::new()));
        let q = match self.dialect {
            Dialect::Sqlite => {
                let mut q = Clauses::new(
                    format!(
                        "SELECT {IMAGE_COLS}, images.rowid AS sort_key FROM images_fts JOIN images \
                         ON images.rowid = images_fts.rowid WHERE images_fts MATCH $1 \
                         AND images_fts.rowid < $2 AND visibility = 'public'"
                    ),
                    vec![Bind::Text(text_query), Bind::Int(key)],
                );
                q.filters(filter);
                q.order_and_limit("images_fts.rowid DESC", page.limit);
                q
            }
            Dialect::Postgres => {
                // The images table is joined in only to filter by its columns.
                let filtered = filter.model.is_some()
                    || filter.media.is_some()
                    || filter.creator_id.is_some()
                    || filter.from.is_some()
                    || filter.to.is_some();
                // Ordering by an expression keeps PostgreSQL off the time index.
                let order = if self.search_is_rare(&text_query).await? {
                    "s.made_at + 0 DESC, s.image_id DESC"
                } else {
                    "s.made_at DESC, s.image_id DESC"
                };
                let mut q = Clauses::new(
                    format!(
                        "SELECT {IMAGE_COLS}, created_at AS sort_key FROM images WHERE visibility = 'public' \
                         AND id IN (SELECT s.image_id FROM public_search s {} \
                         WHERE s.words @@ CAST($1 AS tsquery) \
                         AND (s.made_at < $2 OR (s.made_at = $2 AND s.image_id < $3))",
                        if filtered { "JOIN images ON images.id = s.image_id" } else { "" }
                    ),
                    vec![Bind::Text(text_query), Bind::Int(key), Bind::Text(id)],
                );
                q.filters(filter);
                q.order_and_limit(order, page.limit);
                q.sql.push_str(") ORDER BY created_at DESC, id DESC");
                q
            }
        };
        self.public_page(&q).await
    }

    /// Runs an explore query (images with their `sort_key`) on the concrete read pool.
    async fn public_page(&self, q: &Clauses) -> Result<Vec<(Image, i64)>> {
        on_read_pool!(self, pool => {
            let mut query = sqlx::query(&q.sql);
            for b in &q.binds {
                query = match b {
                    Bind::Text(t) => query.bind(t),
                    Bind::Int(i) => query.bind(*i),
                };
            }
            let rows = query.fetch_all(pool).await.map_err(db_err)?;
            rows.iter().map(|r| Ok((image_from(r)?, r.int("sort_key")?))).collect()
        })
    }
}

impl SqlStore {
    /// Whether PostgreSQL expects `text_query` to match fewer public images than the bitmap
    /// threshold: its planner's own row estimate, which follows the words' frequencies closely (within
    /// 10% on the benchmark's searches), at the cost of one planning round trip.
    async fn search_is_rare(&self, text_query: &str) -> Result<bool> {
        let below = self
            .search_bitmap_below
            .load(std::sync::atomic::Ordering::Relaxed);
        let ReadPool::Postgres(pool) = &self.read else {
            return Ok(false);
        };
        if below == 0 || below == u64::MAX {
            return Ok(below == u64::MAX);
        }
        let now = std::time::Instant::now();
        let cached = self
            .search_estimates
            .lock()
            .ok()
            .and_then(|c| c.0.get(text_query).copied())
            .filter(|(_, at)| now.duration_since(*at) < SEARCH_ESTIMATE_TTL);
        let expected = match cached {
            Some((n, _)) => Some(n),
            None => {
                let plan: Vec<String> = sqlx::query_scalar(
                    "EXPLAIN SELECT 1 FROM public_search WHERE words @@ CAST($1 AS tsquery)",
                )
                .bind(text_query)
                .fetch_all(pool)
                .await
                .map_err(db_err)?;
                let expected = plan.first().and_then(|line| plan_rows(line));
                if let (Some(n), Ok(mut cache)) = (expected, self.search_estimates.lock()) {
                    if cache.0.len() >= SEARCH_ESTIMATES_MAX {
                        cache.0.clear();
                    }
                    cache.0.insert(text_query.to_string(), (n, now));
                }
                expected
            }
        };
        Ok(expected.is_some_and(|n| n < below))
    }
}

/// The rows a line of PostgreSQL's text plan expects (`... (cost=74.21..1100.77 rows=285 width=4)`).
fn plan_rows(line: &str) -> Option<u64> {
    let rest = line.split(" rows=").nth(1)?;
    rest.split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

/// A value bound to a query.
pub(crate) enum Bind {
    Text(String),
    Int(i64),
}

/// An explore query and the values it binds, numbered in order: the query's own `$1..$n` first, then
/// each clause added after it.
pub(crate) struct Clauses {
    pub(crate) sql: String,
    pub(crate) binds: Vec<Bind>,
}

impl Clauses {
    /// `sql`, whose placeholders `$1..` are `binds` in order.
    pub(crate) fn new(sql: String, binds: Vec<Bind>) -> Clauses {
        Clauses { sql, binds }
    }

    /// Appends ` AND <clause>`, the clause written around the placeholder of `bind`.
    pub(crate) fn and(&mut self, clause: impl FnOnce(usize) -> String, bind: Bind) {
        self.binds.push(bind);
        let placeholder = self.binds.len();
        self.sql.push_str(" AND ");
        self.sql.push_str(&clause(placeholder));
    }

    /// The model, creator, date and media filters.
    fn filters(&mut self, filter: &ImageFilter) {
        if let Some(model) = &filter.model {
            self.and(|p| format!("model = ${p}"), Bind::Text(model.clone()));
        }
        if let Some(creator) = &filter.creator_id {
            self.and(|p| format!("owner_id = ${p}"), Bind::Text(creator.clone()));
        }
        if let Some(from) = filter.from {
            self.and(|p| format!("created_at >= ${p}"), Bind::Int(from));
        }
        if let Some(to) = filter.to {
            self.and(|p| format!("created_at <= ${p}"), Bind::Int(to));
        }
        if let Some(media) = filter.media {
            self.and(
                |p| crate::library::media_condition(media, p),
                Bind::Text(crate::library::VIDEO_MIME.into()),
            );
        }
    }

    pub(crate) fn order_and_limit(&mut self, order: &str, limit: u32) {
        self.binds.push(Bind::Int(i64::from(limit)));
        let placeholder = self.binds.len();
        self.sql
            .push_str(&format!(" ORDER BY {order} LIMIT ${placeholder}"));
    }
}

#[cfg(test)]
mod tests {
    use super::plan_rows;

    #[test]
    fn a_plans_row_estimate_is_read_from_its_first_line() {
        assert_eq!(
            plan_rows("Bitmap Heap Scan on public_search  (cost=74.21..1100.77 rows=285 width=4)"),
            Some(285)
        );
        assert_eq!(
            plan_rows("Seq Scan on public_search  (cost=0.00..29055.00 rows=648210 width=4)"),
            Some(648_210)
        );
        assert_eq!(plan_rows("Result  (cost=0.00..0.01 width=4)"), None);
    }
}
