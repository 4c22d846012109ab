//! The image queries: one image, the owner's library with its filters, visibility and deletion.

use super::*;

/// Runs a `library_query` (its SQL, text binds, then integer binds) on the concrete read pool, each row
/// mapped by `$map` (expanded once for each driver's row type).
macro_rules! fetch_library {
    ($store:expr, $query:expr, $map:expr) => {{
        let (sql, texts, ints) = $query;
        on_read_pool!($store, pool => {
            let mut q = sqlx::query(&sql);
            for t in &texts {
                q = q.bind(t);
            }
            for i in &ints {
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
        let list: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 3)).collect();
        let sql = format!(
            "UPDATE images SET visibility = $1 WHERE owner_id = $2 AND id IN ({}) RETURNING id",
            list.join(", ")
        );
        let mut q = sqlx::query(&sql).bind(visibility.as_str()).bind(owner_id);
        for id in ids {
            q = q.bind(id);
        }
        let r = q
            .fetch_all(&mut *w.tx)
            .await
            .map_err(db_err)
            .and_then(|rows| {
                rows.iter()
                    .map(|r| r.try_get::<String, _>("id").map_err(db_err))
                    .collect()
            });
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
        // A library page is the read of many rows the concrete driver makes cheaper.
        fetch_library!(
            self,
            self.library_query(IMAGE_COLS, owner_id, filter, page),
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
        fetch_library!(
            self,
            self.library_query("id", owner_id, filter, &page),
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

/// Words of a library search that count (the rest of a long search adds nothing a person would miss).
const MAX_SEARCH_WORDS: usize = 8;

impl SqlStore {
    /// One page of an owner's library under a filter, newest first, selecting `cols`: the SQL with
    /// its text binds (numbered first) and integer binds (after them).
    fn library_query(
        &self,
        cols: &str,
        owner_id: &str,
        filter: &ImageFilter,
        page: &PageRequest,
    ) -> (String, Vec<String>, Vec<i64>) {
        let mut sql = format!("SELECT {cols} FROM images WHERE owner_id = $1");
        let mut texts: Vec<String> = vec![owner_id.to_string()];
        let mut ints: Vec<i64> = vec![];
        // Text binds come first ($1..), integer binds after them; placeholders are numbered to match.
        let mut text_clauses: Vec<String> = vec![];
        if let Some(model) = &filter.model {
            texts.push(model.clone());
            text_clauses.push(format!("model = ${}", texts.len()));
        }
        if let Some(set_id) = &filter.set_id {
            texts.push(set_id.clone());
            text_clauses.push(format!("set_id = ${}", texts.len()));
        }
        if let Some(collection_id) = &filter.collection_id {
            texts.push(collection_id.clone());
            text_clauses.push(format!(
                "id IN (SELECT image_id FROM collection_images WHERE collection_id = ${})",
                texts.len()
            ));
        }
        if let Some(tag) = &filter.tag {
            texts.push(tag.clone());
            text_clauses.push(format!(
                "id IN (SELECT image_id FROM image_tags WHERE tag = ${})",
                texts.len()
            ));
        }
        if let Some(text) = &filter.text {
            let op = match self.dialect {
                Dialect::Postgres => "ILIKE",
                Dialect::Sqlite => "LIKE",
            };
            // Every word matches the prompt or one of the owner's tags, in any order.
            for word in text.split_whitespace().take(MAX_SEARCH_WORDS) {
                texts.push(like_pattern(word));
                text_clauses.push(format!(
                    "(prompt {op} ${n} ESCAPE '\\' OR id IN (SELECT image_id FROM image_tags \
                     WHERE tag {op} ${n} ESCAPE '\\'))",
                    n = texts.len()
                ));
            }
        }
        let mut cursor_id = None;
        if let Some((_, id)) = &page.before {
            texts.push(id.clone());
            cursor_id = Some(texts.len());
        }
        for c in text_clauses {
            sql.push_str(" AND ");
            sql.push_str(&c);
        }
        let base = texts.len();
        let next = |v: i64, ints: &mut Vec<i64>| {
            ints.push(v);
            format!("${}", base + ints.len())
        };
        if let Some(from) = filter.from {
            let p = next(from, &mut ints);
            sql.push_str(&format!(" AND created_at >= {p}"));
        }
        if let Some(to) = filter.to {
            let p = next(to, &mut ints);
            sql.push_str(&format!(" AND created_at <= {p}"));
        }
        if let (Some((ts, _)), Some(idp)) = (&page.before, cursor_id) {
            let p = next(*ts, &mut ints);
            sql.push_str(&format!(
                " AND (created_at < {p} OR (created_at = {p} AND id < ${idp}))"
            ));
        }
        let p = next(i64::from(page.limit), &mut ints);
        sql.push_str(&format!(" ORDER BY created_at DESC, id DESC LIMIT {p}"));
        (sql, texts, ints)
    }
}
