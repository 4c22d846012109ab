//! The comment queries: threaded comments on an image, the image's and the parent's counts moved in the
//! same transaction, edits, and deletion that leaves a placeholder while replies hang off a comment.

use super::*;
use pixel_core::social::{CommentRemoval, CommentRow};

/// The columns of a comment as a viewer ($2) reads it: a suspended author's reads as removed (the
/// thread keeps its place) until the account is restored.
const COMMENT_SELECT: &str = concat!(
    "SELECT c.id, c.image_id, c.parent_id, c.author_id, \
    u.username AS author_username, ",
    picture_of_u!(),
    " AS author_picture, c.body, \
    CAST(CASE WHEN c.deleted = 1 OR u.suspended_at IS NOT NULL THEN 1 ELSE 0 END AS BIGINT) AS deleted, \
    c.like_count, c.reply_count, c.created_at, \
    c.edited_at, CAST(CASE WHEN EXISTS (SELECT 1 FROM comment_likes l WHERE l.comment_id = c.id \
    AND l.user_id = $2) THEN 1 ELSE 0 END AS BIGINT) AS liked \
    FROM comments c JOIN users u ON u.id = c.author_id"
);

fn comment_from(r: &impl Cols) -> Result<CommentRow> {
    Ok(CommentRow {
        id: r.text("id")?,
        image_id: r.text("image_id")?,
        parent_id: r.opt_text("parent_id")?,
        author_id: r.text("author_id")?,
        author_username: r.text("author_username")?,
        author_picture: r.opt_text("author_picture")?,
        body: r.text("body")?,
        deleted: r.int("deleted")? != 0,
        likes: r.int("like_count")?,
        replies: r.int("reply_count")?,
        liked: r.int("liked")? != 0,
        created_at: r.int("created_at")?,
        edited_at: r.opt_int("edited_at")?,
    })
}

async fn add_to_count(tx: &mut Tx, table: &str, column: &str, id: &str, by: i64) -> Result<()> {
    sqlx::query(&format!(
        "UPDATE {table} SET {column} = {column} + $1 WHERE id = $2"
    ))
    .bind(by)
    .bind(id)
    .execute(&mut **tx)
    .await
    .map_err(db_err)?;
    Ok(())
}

/// Removes a comment inside `tx`: a placeholder while replies hang off it, else gone with each
/// placeholder above it that this leaves without replies; None when there is no such live comment.
pub(crate) async fn remove_comment_tx(tx: &mut Tx, id: &str) -> Result<Option<CommentRemoval>> {
    let Some(row) = sqlx::query(
        "SELECT image_id, parent_id, reply_count FROM comments WHERE id = $1 AND deleted = 0",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await
    .map_err(db_err)?
    else {
        return Ok(None);
    };
    let image_id: String = row.text("image_id")?;
    add_to_count(tx, "images", "comment_count", &image_id, -1).await?;
    if row.int("reply_count")? > 0 {
        sqlx::query("UPDATE comments SET deleted = 1, body = '' WHERE id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await
            .map_err(db_err)?;
        return Ok(Some(CommentRemoval::Placeholder));
    }
    // Gone, and so is each placeholder above it that this leaves without replies.
    let mut gone = id.to_string();
    let mut parent: Option<String> = row.opt_text("parent_id")?;
    loop {
        sqlx::query("DELETE FROM comments WHERE id = $1")
            .bind(&gone)
            .execute(&mut **tx)
            .await
            .map_err(db_err)?;
        let Some(p) = parent.take() else { break };
        add_to_count(tx, "comments", "reply_count", &p, -1).await?;
        let up = sqlx::query(
            "SELECT parent_id FROM comments WHERE id = $1 AND deleted = 1 AND reply_count = 0",
        )
        .bind(&p)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_err)?;
        match up {
            Some(up) => {
                parent = up.opt_text("parent_id")?;
                gone = p;
            }
            None => break,
        }
    }
    Ok(Some(CommentRemoval::Removed))
}

#[async_trait]
impl CommentStore for SqlStore {
    async fn insert_comment(&self, c: &CommentRow) -> Result<()> {
        let mut w = self.begin_write().await?;
        let tx = &mut w.tx;
        let r = async {
            sqlx::query(
                "INSERT INTO comments (id, image_id, author_id, parent_id, body, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&c.id)
            .bind(&c.image_id)
            .bind(&c.author_id)
            .bind(c.parent_id.clone())
            .bind(&c.body)
            .bind(c.created_at)
            .execute(&mut **tx)
            .await
            .map_err(db_err)?;
            add_to_count(tx, "images", "comment_count", &c.image_id, 1).await?;
            if let Some(parent) = &c.parent_id {
                add_to_count(tx, "comments", "reply_count", parent, 1).await?;
            }
            Ok(())
        }
        .await;
        w.end(r).await
    }

    async fn get_comment(&self, id: &str, viewer: Option<&str>) -> Result<Option<CommentRow>> {
        let row = sqlx::query(&format!("{COMMENT_SELECT} WHERE c.id = $1"))
            .bind(id)
            .bind(viewer.unwrap_or(""))
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        row.as_ref().map(comment_from).transpose()
    }

    async fn comments_by_ids(&self, ids: &[String]) -> Result<Vec<CommentRow>> {
        let Some((first, rest)) = ids.split_first() else {
            return Ok(vec![]);
        };
        // $2 is COMMENT_SELECT's viewer (nobody here): the ids take $1 and $3 on.
        let rest_params = if rest.is_empty() {
            String::new()
        } else {
            format!(", {}", placeholders(3, rest.len()))
        };
        let sql = format!("{COMMENT_SELECT} WHERE c.id IN ($1{rest_params})");
        let mut q = sqlx::query(&sql).bind(first).bind("");
        for id in rest {
            q = q.bind(id);
        }
        let rows = q.fetch_all(&self.pool).await.map_err(db_err)?;
        rows.iter().map(comment_from).collect()
    }

    async fn list_comments(
        &self,
        image_id: &str,
        viewer: Option<&str>,
        after: Option<&(Millis, String)>,
        limit: u32,
    ) -> Result<Vec<CommentRow>> {
        // No cursor reads from the oldest: every comment is newer than -1.
        let (ts, id) = after.cloned().unwrap_or((-1, String::new()));
        let sql = format!(
            "{COMMENT_SELECT} WHERE c.image_id = $1 AND (c.created_at > $3 OR (c.created_at = $3 \
             AND c.id > $4)) ORDER BY c.created_at, c.id LIMIT $5"
        );
        on_read_pool!(self, pool => {
            let rows = sqlx::query(&sql)
                .bind(image_id)
                .bind(viewer.unwrap_or(""))
                .bind(ts)
                .bind(&id)
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await
                .map_err(db_err)?;
            rows.iter().map(comment_from).collect()
        })
    }

    async fn edit_comment(&self, id: &str, body: &str, now: Millis) -> Result<bool> {
        self.write_statement(
            sqlx::query(
                "UPDATE comments SET body = $1, edited_at = $2 WHERE id = $3 AND deleted = 0",
            )
            .bind(body)
            .bind(now)
            .bind(id),
        )
        .await
        .map(|n| n == 1)
    }

    async fn delete_comment(&self, id: &str) -> Result<Option<CommentRemoval>> {
        let mut w = self.begin_write().await?;
        let r = remove_comment_tx(&mut w.tx, id).await;
        w.end(r).await
    }
}
