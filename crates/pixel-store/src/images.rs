//! The image queries: one image, the owner's library with its filters, visibility and deletion.

use super::*;

/// Runs a [`crate::library::LibraryQuery`] on the concrete read pool, each row mapped by `$map`
/// (expanded once for each driver's row type).
macro_rules! fetch_library {
    ($store:expr, $query:expr, $map:expr) => {{
        let query: crate::library::LibraryQuery = $query;
        on_read_pool!($store, pool => {
            let mut q = sqlx::query(&query.sql).persistent(query.persistent);
            for t in &query.texts {
                q = q.bind(t);
            }
            for i in &query.ints {
                q = q.bind(i);
            }
            let rows = q.fetch_all(pool).await.map_err(db_err)?;
            rows.iter().map($map).collect()
        })
    }};
}

#[async_trait]
impl ImageStore for SqlStore {
    async fn set_images_visibility(
        &self,
        owner_id: &str,
        ids: &[String],
        visibility: Visibility,
    ) -> Result<Vec<String>> {
        let mut w = self.begin_write().await?;
        let r = async {
            let tx = &mut w.tx;
            if visibility == Visibility::Public {
                crate::moderation::refuse_hidden(tx, owner_id, ids).await?;
            }
            let sql = format!(
                "UPDATE images SET visibility = $1 WHERE owner_id = $2 AND id IN ({}) RETURNING id",
                placeholders(3, ids.len())
            );
            let mut q = sqlx::query(&sql).bind(visibility.as_str()).bind(owner_id);
            for id in ids {
                q = q.bind(id);
            }
            let rows = q.fetch_all(&mut **tx).await.map_err(db_err)?;
            rows.iter().map(|r| r.text("id")).collect()
        }
        .await;
        w.end(r).await
    }

    async fn get_image(&self, id: &str) -> Result<Option<Image>> {
        let sql = format!("SELECT {IMAGE_COLS} FROM images WHERE id = $1");
        on_read_pool!(self, pool => {
            let row = sqlx::query(&sql)
                .bind(id)
                .fetch_optional(pool)
                .await
                .map_err(db_err)?;
            row.as_ref().map(image_from).transpose()
        })
    }

    async fn images_by_ids(&self, ids: &[String]) -> Result<Vec<Image>> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let list: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 1)).collect();
        let sql = format!(
            "SELECT {IMAGE_COLS} FROM images WHERE id IN ({})",
            list.join(", ")
        );
        on_read_pool!(self, pool => {
            let mut q = sqlx::query(&sql);
            for id in ids {
                q = q.bind(id);
            }
            let rows = q.fetch_all(pool).await.map_err(db_err)?;
            rows.iter().map(image_from).collect()
        })
    }

    async fn list_images(
        &self,
        owner_id: &str,
        filter: &ImageFilter,
        page: &PageRequest,
    ) -> Result<Vec<Image>> {
        let Some(text) = self.library_text(owner_id, filter).await? else {
            return Ok(vec![]);
        };
        // A library page is the read of many rows the concrete driver makes cheaper.
        fetch_library!(
            self,
            self.library_query(false, owner_id, filter, text.as_deref(), page),
            image_from
        )
    }

    async fn list_image_ids(
        &self,
        owner_id: &str,
        filter: &ImageFilter,
        limit: u32,
    ) -> Result<Vec<String>> {
        let page = PageRequest {
            before: None,
            limit,
        };
        let Some(text) = self.library_text(owner_id, filter).await? else {
            return Ok(vec![]);
        };
        fetch_library!(
            self,
            self.library_query(true, owner_id, filter, text.as_deref(), &page),
            |r| r.text("id")
        )
    }

    async fn delete_images(&self, owner_id: &str, ids: &[String]) -> Result<Vec<String>> {
        {
            let mut w = self.begin_write().await?;
            let tx = &mut w.tx;
            let r = async {
                let list: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 2)).collect();
                let sql = format!(
                    "DELETE FROM images WHERE owner_id = $1 AND id IN ({}) \
                     RETURNING id, sha256, thumb_sha256",
                    list.join(", ")
                );
                let mut q = sqlx::query(&sql).bind(owner_id);
                for id in ids {
                    q = q.bind(id);
                }
                let rows = q.fetch_all(&mut **tx).await.map_err(db_err)?;
                let mut keys = vec![];
                for r in &rows {
                    keys.push(r.try_get::<String, _>("sha256").map_err(db_err)?);
                    keys.push(r.try_get::<String, _>("thumb_sha256").map_err(db_err)?);
                }
                keys.sort();
                keys.dedup();
                crate::blob_gc::mark_if_orphaned(tx, &keys, pixel_core::now_ms()).await?;
                rows.iter()
                    .map(|r| r.try_get::<String, _>("id").map_err(db_err))
                    .collect()
            }
            .await;
            w.end(r).await
        }
    }
}
