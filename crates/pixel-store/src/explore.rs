//! The public-work queries: explore and the following feed (one keyset page each, never every
//! followee's images), and the engagement of a page of images in one query.

use super::*;
use pixel_core::social::Engagement;

#[async_trait]
impl ExploreStore for SqlStore {
    async fn public_images(&self, filter: &ImageFilter, page: &PageRequest) -> Result<Vec<Image>> {
        let (ts, id) = page.before.clone().unwrap_or((Millis::MAX, String::new()));
        let mut sql = format!(
            "SELECT {IMAGE_COLS} FROM images WHERE visibility = 'public' \
             AND (created_at < $1 OR (created_at = $1 AND id < $2))"
        );
        let mut texts: Vec<String> = vec![id];
        if let Some(model) = &filter.model {
            texts.push(model.clone());
            sql.push_str(&format!(" AND model = ${}", texts.len() + 1));
        }
        if let Some(creator) = &filter.creator_id {
            texts.push(creator.clone());
            sql.push_str(&format!(" AND owner_id = ${}", texts.len() + 1));
        }
        if let Some(text) = &filter.text {
            texts.push(like_pattern(text));
            let op = match self.dialect {
                Dialect::Postgres => "ILIKE",
                Dialect::Sqlite => "LIKE",
            };
            sql.push_str(&format!(
                " AND prompt {op} ${} ESCAPE '\\'",
                texts.len() + 1
            ));
        }
        let mut ints: Vec<i64> = vec![];
        for (bound, op) in [(filter.from, ">="), (filter.to, "<=")] {
            if let Some(v) = bound {
                ints.push(v);
                sql.push_str(&format!(
                    " AND created_at {op} ${}",
                    1 + texts.len() + ints.len()
                ));
            }
        }
        ints.push(i64::from(page.limit));
        sql.push_str(&format!(
            " ORDER BY created_at DESC, id DESC LIMIT ${}",
            1 + texts.len() + ints.len()
        ));
        on_read_pool!(self, pool => {
            let mut q = sqlx::query(&sql).bind(ts);
            for t in &texts {
                q = q.bind(t);
            }
            for i in &ints {
                q = q.bind(i);
            }
            let rows = q.fetch_all(pool).await.map_err(db_err)?;
            rows.iter().map(image_from).collect()
        })
    }

    async fn feed(&self, user_id: &str, page: &PageRequest) -> Result<Vec<Image>> {
        let (ts, id) = page.before.clone().unwrap_or((Millis::MAX, String::new()));
        // Walks public images newest first and keeps the followees' until the page is full: the
        // LIMIT stops the read at one page, whatever the followees have made.
        let sql = format!(
            "SELECT {IMAGE_COLS} FROM images WHERE visibility = 'public' \
             AND owner_id IN (SELECT followee_id FROM follows WHERE follower_id = $1) \
             AND (created_at < $2 OR (created_at = $2 AND id < $3)) \
             ORDER BY created_at DESC, id DESC LIMIT $4"
        );
        on_read_pool!(self, pool => {
            let rows = sqlx::query(&sql)
                .bind(user_id)
                .bind(ts)
                .bind(&id)
                .bind(i64::from(page.limit))
                .fetch_all(pool)
                .await
                .map_err(db_err)?;
            rows.iter().map(image_from).collect()
        })
    }

    async fn engagement(&self, ids: &[String], viewer: Option<&str>) -> Result<Vec<Engagement>> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let list: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 2)).collect();
        let sql = format!(
            "SELECT i.id AS image_id, u.id AS user_id, u.username, i.like_count, i.comment_count, \
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
                        creator: UserSummary { id: r.text("user_id")?, username: r.text("username")? },
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
