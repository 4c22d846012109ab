//! The blog queries: posts with their tags and author, published ones by category or tag, and every
//! change to a post written in one transaction with its line of the admin audit log.

use super::*;
use crate::admin::record;
use pixel_core::ops::admin::NewAdminAction;
use pixel_core::ops::blog::{PostFilter, PostRecord};

const POST_COLS: &str = "p.id, p.slug, p.title, p.summary, p.body, p.category, p.author_id, \
     u.username AS author_username, p.published_at, p.created_at, p.updated_at";

fn post_from(r: &impl Cols) -> Result<PostRecord> {
    Ok(PostRecord {
        id: r.text("id")?,
        slug: r.text("slug")?,
        title: r.text("title")?,
        summary: r.text("summary")?,
        body: r.text("body")?,
        category: r.text("category")?,
        tags: Vec::new(),
        author: UserSummary::new(
            r.text("author_id")?,
            r.opt_text("author_username")?.unwrap_or_default(),
        ),
        published_at: r.opt_int("published_at")?,
        created_at: r.int("created_at")?,
        updated_at: r.int("updated_at")?,
    })
}

impl SqlStore {
    /// Fills in each post's tags, in the order they were given.
    async fn with_tags(&self, mut posts: Vec<PostRecord>) -> Result<Vec<PostRecord>> {
        if posts.is_empty() {
            return Ok(posts);
        }
        let sql = format!(
            "SELECT post_id, tag FROM post_tags WHERE post_id IN ({}) ORDER BY post_id, position",
            placeholders(1, posts.len())
        );
        let mut q = sqlx::query(&sql);
        for p in &posts {
            q = q.bind(&p.id);
        }
        let rows = q.fetch_all(&self.pool).await.map_err(db_err)?;
        for r in &rows {
            let id = r.text("post_id")?;
            if let Some(p) = posts.iter_mut().find(|p| p.id == id) {
                p.tags.push(r.text("tag")?);
            }
        }
        Ok(posts)
    }

    async fn one_post(&self, column: &str, value: &str) -> Result<Option<PostRecord>> {
        let row = sqlx::query(&format!(
            "SELECT {POST_COLS} FROM posts p LEFT JOIN users u ON u.id = p.author_id WHERE p.{column} = $1"
        ))
        .bind(value)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        let Some(post) = row.as_ref().map(post_from).transpose()? else {
            return Ok(None);
        };
        Ok(self.with_tags(vec![post]).await?.pop())
    }
}

#[async_trait]
impl BlogStore for SqlStore {
    async fn post(&self, id: &str) -> Result<Option<PostRecord>> {
        self.one_post("id", id).await
    }

    async fn post_by_slug(&self, slug: &str) -> Result<Option<PostRecord>> {
        self.one_post("slug", slug).await
    }

    async fn posts(&self, filter: &PostFilter, page: &PageRequest) -> Result<Vec<PostRecord>> {
        let (cursor_key, cursor_id) = page.before.clone().unwrap_or((Millis::MAX, String::new()));
        // Everyone reads by publication; admins see drafts too, last changed first.
        let key = if filter.published_only {
            "p.published_at"
        } else {
            "p.updated_at"
        };
        let mut texts: Vec<String> = vec![cursor_id];
        let mut conds = String::new();
        if filter.published_only {
            conds.push_str(" AND p.published_at IS NOT NULL");
        }
        if let Some(category) = &filter.category {
            texts.push(category.clone());
            conds.push_str(&format!(" AND p.category = ${}", texts.len()));
        }
        if let Some(tag) = &filter.tag {
            texts.push(tag.clone());
            conds.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM post_tags t WHERE t.post_id = p.id AND t.tag = ${})",
                texts.len()
            ));
        }
        let at = texts.len() + 1;
        let limit = texts.len() + 2;
        let sql = format!(
            "SELECT {POST_COLS} FROM posts p LEFT JOIN users u ON u.id = p.author_id \
             WHERE ({key} < ${at} OR ({key} = ${at} AND p.id < $1)){conds} \
             ORDER BY {key} DESC, p.id DESC LIMIT ${limit}"
        );
        let mut q = sqlx::query(&sql);
        for t in &texts {
            q = q.bind(t);
        }
        let rows = q
            .bind(cursor_key)
            .bind(i64::from(page.limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        let posts = rows.iter().map(post_from).collect::<Result<Vec<_>>>()?;
        self.with_tags(posts).await
    }

    async fn save_post(&self, action: &NewAdminAction, post: &PostRecord) -> Result<()> {
        let mut w = self.begin_write().await?;
        let r = async {
            let tx = &mut w.tx;
            let saved = sqlx::query(
                "INSERT INTO posts (id, slug, title, summary, body, category, author_id, published_at, \
                 created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                 ON CONFLICT (id) DO UPDATE SET slug = EXCLUDED.slug, title = EXCLUDED.title, \
                 summary = EXCLUDED.summary, body = EXCLUDED.body, category = EXCLUDED.category, \
                 updated_at = EXCLUDED.updated_at",
            )
            .bind(&post.id)
            .bind(&post.slug)
            .bind(&post.title)
            .bind(&post.summary)
            .bind(&post.body)
            .bind(&post.category)
            .bind(&post.author.id)
            .bind(post.published_at)
            .bind(post.created_at)
            .bind(post.updated_at)
            .execute(&mut **tx)
            .await;
            match saved {
                Err(e) if is_unique_violation(&e) => {
                    return Err(Error::new(
                        ErrorCode::Conflict,
                        "another post has this address; choose another",
                    ))
                }
                other => other.map_err(db_err)?,
            };
            sqlx::query("DELETE FROM post_tags WHERE post_id = $1")
                .bind(&post.id)
                .execute(&mut **tx)
                .await
                .map_err(db_err)?;
            for (position, tag) in post.tags.iter().enumerate() {
                sqlx::query("INSERT INTO post_tags (post_id, tag, position) VALUES ($1, $2, $3)")
                    .bind(&post.id)
                    .bind(tag)
                    .bind(position as i64)
                    .execute(&mut **tx)
                    .await
                    .map_err(db_err)?;
            }
            record(tx, action, &action.change).await
        }
        .await;
        w.end(r).await
    }

    async fn set_published(
        &self,
        action: &NewAdminAction,
        id: &str,
        at: Option<Millis>,
    ) -> Result<()> {
        let mut w = self.begin_write().await?;
        let r = async {
            let tx = &mut w.tx;
            // Only a change of state is written: two admins publishing at once publish it once.
            let done = sqlx::query(if at.is_some() {
                "UPDATE posts SET published_at = $1 WHERE id = $2 AND published_at IS NULL"
            } else {
                "UPDATE posts SET published_at = $1 WHERE id = $2 AND published_at IS NOT NULL"
            })
            .bind(at)
            .bind(id)
            .execute(&mut **tx)
            .await
            .map_err(db_err)?;
            if done.rows_affected() == 0 {
                return Err(Error::new(
                    ErrorCode::Conflict,
                    "the post changed meanwhile; reload it",
                ));
            }
            record(tx, action, &action.change).await
        }
        .await;
        w.end(r).await
    }

    async fn delete_post(&self, action: &NewAdminAction, id: &str) -> Result<()> {
        let mut w = self.begin_write().await?;
        let r = async {
            let tx = &mut w.tx;
            sqlx::query("DELETE FROM post_tags WHERE post_id = $1")
                .bind(id)
                .execute(&mut **tx)
                .await
                .map_err(db_err)?;
            let done = sqlx::query("DELETE FROM posts WHERE id = $1")
                .bind(id)
                .execute(&mut **tx)
                .await
                .map_err(db_err)?;
            if done.rows_affected() == 0 {
                return Err(Error::not_found("post"));
            }
            record(tx, action, &action.change).await
        }
        .await;
        w.end(r).await
    }
}
