//! The account-data queries of the whole-account export: one account's collection items, tags,
//! comments, likes and follows, each read whole (bounded by what one person makes).

use super::*;
use pixel_core::ops::account_export::{
    CollectionItem, FollowEdge, GivenLike, ImageTagsRow, WrittenComment,
};

#[async_trait]
impl AccountDataStore for SqlStore {
    async fn collection_items(&self, owner_id: &str) -> Result<Vec<CollectionItem>> {
        on_read_pool!(self, pool => {
            sqlx::query(
                "SELECT ci.collection_id, ci.image_id, ci.position FROM collection_images ci \
                 JOIN collections c ON c.id = ci.collection_id WHERE c.owner_id = $1 \
                 ORDER BY ci.collection_id, ci.position",
            )
            .bind(owner_id)
            .fetch_all(pool)
            .await
            .map_err(db_err)?
            .iter()
            .map(|r| {
                Ok(CollectionItem {
                    collection_id: r.text("collection_id")?,
                    image_id: r.text("image_id")?,
                    position: r.int("position")?,
                })
            })
            .collect()
        })
    }

    async fn image_tags(&self, owner_id: &str) -> Result<Vec<ImageTagsRow>> {
        let pairs: Vec<(String, String)> = on_read_pool!(self, pool => {
            sqlx::query(
                "SELECT t.image_id, t.tag FROM image_tags t JOIN images i ON i.id = t.image_id \
                 WHERE i.owner_id = $1 ORDER BY i.created_at, t.image_id, t.tag",
            )
            .bind(owner_id)
            .fetch_all(pool)
            .await
            .map_err(db_err)?
            .iter()
            .map(|r| Ok((r.text("image_id")?, r.text("tag")?)))
            .collect::<Result<Vec<_>>>()
        })?;
        let mut rows: Vec<ImageTagsRow> = Vec::new();
        for (image_id, tag) in pairs {
            match rows.last_mut() {
                Some(row) if row.image_id == image_id => row.tags.push(tag),
                _ => rows.push(ImageTagsRow {
                    image_id,
                    tags: vec![tag],
                }),
            }
        }
        Ok(rows)
    }

    async fn comments_written(&self, user_id: &str) -> Result<Vec<WrittenComment>> {
        on_read_pool!(self, pool => {
            sqlx::query(
                "SELECT id, image_id, parent_id, body, created_at, edited_at FROM comments \
                 WHERE author_id = $1 AND deleted = 0 ORDER BY created_at, id",
            )
            .bind(user_id)
            .fetch_all(pool)
            .await
            .map_err(db_err)?
            .iter()
            .map(|r| {
                Ok(WrittenComment {
                    id: r.text("id")?,
                    image_id: r.text("image_id")?,
                    parent_id: r.opt_text("parent_id")?,
                    body: r.text("body")?,
                    created_at: r.int("created_at")?,
                    edited_at: r.opt_int("edited_at")?,
                })
            })
            .collect()
        })
    }

    async fn likes_given(&self, user_id: &str) -> Result<Vec<GivenLike>> {
        on_read_pool!(self, pool => {
            sqlx::query(
                "SELECT image_id, created_at FROM image_likes WHERE user_id = $1 \
                 ORDER BY created_at, image_id",
            )
            .bind(user_id)
            .fetch_all(pool)
            .await
            .map_err(db_err)?
            .iter()
            .map(|r| {
                Ok(GivenLike {
                    image_id: r.text("image_id")?,
                    liked_at: r.int("created_at")?,
                })
            })
            .collect()
        })
    }

    async fn follow_edges(&self, user_id: &str) -> Result<Vec<FollowEdge>> {
        on_read_pool!(self, pool => {
            sqlx::query(
                "SELECT u.id AS user_id, u.username, 'following' AS direction, f.created_at AS since \
                 FROM follows f JOIN users u ON u.id = f.followee_id WHERE f.follower_id = $1 \
                 UNION ALL \
                 SELECT u.id AS user_id, u.username, 'follower' AS direction, f.created_at AS since \
                 FROM follows f JOIN users u ON u.id = f.follower_id WHERE f.followee_id = $1 \
                 ORDER BY since, user_id",
            )
            .bind(user_id)
            .fetch_all(pool)
            .await
            .map_err(db_err)?
            .iter()
            .map(|r| {
                Ok(FollowEdge {
                    user_id: r.text("user_id")?,
                    username: r.text("username")?,
                    direction: r.text("direction")?,
                    since: r.int("since")?,
                })
            })
            .collect()
        })
    }
}
