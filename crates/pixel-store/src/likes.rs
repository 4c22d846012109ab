//! The like queries: one like per person on an image or a comment, the count on the liked row moved in
//! the same transaction.

use super::*;

/// What can be liked: the table of its likes, the column naming it there, and its own table.
struct Likeable {
    likes: &'static str,
    key: &'static str,
    counted: &'static str,
}

const IMAGE: Likeable = Likeable {
    likes: "image_likes",
    key: "image_id",
    counted: "images",
};
const COMMENT: Likeable = Likeable {
    likes: "comment_likes",
    key: "comment_id",
    counted: "comments",
};

impl SqlStore {
    /// Adds (`by` = 1) or removes (`by` = -1) one person's like and moves the liked row's count.
    async fn move_like(
        &self,
        what: &Likeable,
        id: &str,
        user_id: &str,
        now: Millis,
        by: i64,
    ) -> Result<bool> {
        let mut w = self.begin_write().await?;
        let tx = &mut w.tx;
        let Likeable {
            likes,
            key,
            counted,
        } = what;
        let r = async {
            let sql = if by > 0 {
                format!(
                    "INSERT INTO {likes} ({key}, user_id, created_at) VALUES ($1, $2, $3) \
                     ON CONFLICT ({key}, user_id) DO NOTHING"
                )
            } else {
                format!("DELETE FROM {likes} WHERE {key} = $1 AND user_id = $2")
            };
            let mut q = sqlx::query(&sql).bind(id).bind(user_id);
            if by > 0 {
                q = q.bind(now);
            }
            let changed = q.execute(&mut **tx).await.map_err(db_err)?.rows_affected() == 1;
            if changed {
                sqlx::query(&format!(
                    "UPDATE {counted} SET like_count = like_count + $1 WHERE id = $2"
                ))
                .bind(by)
                .bind(id)
                .execute(&mut **tx)
                .await
                .map_err(db_err)?;
            }
            Ok(changed)
        }
        .await;
        w.end(r).await
    }
}

#[async_trait]
impl LikeStore for SqlStore {
    async fn like_image(&self, image_id: &str, user_id: &str, now: Millis) -> Result<bool> {
        self.move_like(&IMAGE, image_id, user_id, now, 1).await
    }

    async fn unlike_image(&self, image_id: &str, user_id: &str) -> Result<bool> {
        self.move_like(&IMAGE, image_id, user_id, 0, -1).await
    }

    async fn like_comment(&self, comment_id: &str, user_id: &str, now: Millis) -> Result<bool> {
        self.move_like(&COMMENT, comment_id, user_id, now, 1).await
    }

    async fn unlike_comment(&self, comment_id: &str, user_id: &str) -> Result<bool> {
        self.move_like(&COMMENT, comment_id, user_id, 0, -1).await
    }
}
